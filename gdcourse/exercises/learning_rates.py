"""Checkers of chapter 2: learning rates."""

from __future__ import annotations

from functools import lru_cache
from numbers import Real

import numpy as np

from . import diagnose as dg
from .core import check, describe

__all__ = ["check_largest_stable_rate", "check_rate_diagnosis", "rate_curves"]


def _largest_stable_rate(A):
    from gdcourse import theory

    return theory.stability_limit(theory.curvature_range(A)[1])


def _just_below_the_limit(failing):
    """A stable rate a fixed fraction under the limit in every failing case.

    The answer is between 0.9 and 1 times the limit, by the same factor
    in every failing case (a deliberate margin): a rate that converges,
    returned where the supremum was asked for. A ratio that changes from
    case to case comes from some other quantity (a bound on the largest
    eigenvalue, say), so it gets no diagnosis here.
    """
    ratios = []
    for outcome in failing:
        if outcome.error is not None or np.ndim(outcome.got) != 0:
            return None
        try:
            ratio = float(outcome.got) / float(outcome.expected)
        except (TypeError, ValueError):
            return None
        if not 0.9 <= ratio < 1.0:
            return None
        ratios.append(ratio)
    if len(ratios) < 2 or max(ratios) - min(ratios) > 1e-4:
        return None
    return dg.say(
        f"a stable rate just below the limit ({ratios[0]:.6g} times it)",
        "the exercise asks for the supremum, the boundary that every stable "
        "rate stays under; return the boundary itself, even though a run "
        "exactly at it does not converge",
    )


_UNSORTED = (
    "an eigenvalue picked by its position in np.linalg.eigvals(A), which "
    "does not sort them: here it is not the largest"
)
_UNSORTED_HINT = (
    "take the largest with .max(), or use np.linalg.eigvalsh(A), which "
    "returns the eigenvalues of a symmetric matrix in ascending order"
)

_LARGEST_STABLE_RATE_MISTAKES = (
    # unsorted eigenvalues first: on these cases they can look like the
    # smallest curvature, but the learner meant the largest
    dg.variant(lambda A: 2.0 / np.linalg.eigvals(A)[-1], _UNSORTED, _UNSORTED_HINT),
    dg.variant(lambda A: 2.0 / np.linalg.eigvals(A)[0], _UNSORTED, _UNSORTED_HINT),
    dg.variant(
        lambda A: 1.0 / np.linalg.eigvalsh(A)[-1],
        "1/L instead of 2/L: half the largest stable rate",
        "the error along the steepest direction is multiplied by 1 - lr*L; "
        "for which rates is its size below 1?",
    ),
    dg.variant(
        lambda A: 2.0 / (np.linalg.eigvalsh(A)[0] + np.linalg.eigvalsh(A)[-1]),
        "2/(mu + L), the best fixed rate, where the largest stable rate was meant",
        "the best rate is the fastest one; the limit is the largest rate "
        "that still converges: as the rate grows, which direction's factor "
        "1 - lr*lambda is the first to reach -1?",
    ),
    dg.variant(
        lambda A: 2.0 / np.max(np.diag(A)),
        "the largest diagonal entry of A where its largest eigenvalue was meant",
        "the curvatures of a quadratic are the eigenvalues of its Hessian, "
        "which equal the diagonal only when A is diagonal",
    ),
    dg.variant(
        lambda A: 2.0 / np.linalg.eigvalsh(A)[0],
        "the smallest curvature where the largest was meant",
        "the steepest direction is the first to blow up",
    ),
    dg.variant(
        lambda A: np.linalg.eigvalsh(A)[-1] / 2.0,
        "the reciprocal of the expected rate",
        "a steeper surface allows a smaller rate, not a larger one",
    ),
    dg.variant(
        lambda A: 2.0 / np.linalg.norm(A),
        "the Frobenius norm np.linalg.norm(A) where the largest eigenvalue "
        "was meant: it is at least the largest eigenvalue, and equal to it "
        "only when A has rank one",
        "for a symmetric A the Frobenius norm is the square root of the sum "
        "of all squared eigenvalues; the limit depends on the largest alone",
    ),
    dg.variant(
        lambda A: 2.0 / np.abs(A).sum(axis=1).max(),
        "the largest absolute row sum of A (Gershgorin's bound) where the "
        "largest eigenvalue was meant: it is at least the largest "
        "eigenvalue, and equal to it only in special cases such as a "
        "diagonal A",
        "the bound gives a rate that is safe but can be smaller than the "
        "limit; the limit depends on the largest eigenvalue itself",
    ),
    _just_below_the_limit,
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


def check_largest_stable_rate(function):
    """Check ``function(A)``: the largest stable fixed rate of gradient descent on a quadratic.

    Parameters
    ----------
    function : callable
        The reader's function, taking the (symmetric positive definite)
        Hessian ``A`` of :math:`f(w) = \\tfrac12 w^\\top A w - b^\\top w`.

    Returns
    -------
    CheckResult

    Notes
    -----
    Rates below :math:`2/L` converge, with :math:`L = \\lambda_{\\max}(A)` the
    largest eigenvalue (curvature):

    .. math:: \\eta_{\\max} = \\frac{2}{\\lambda_{\\max}(A)} .

    Examples
    --------
    >>> check_largest_stable_rate(lambda A: 2.0 / np.max(np.linalg.eigvalsh(A)))
    All 5 cases passed: largest_stable_rate(A) is right.

    A classic mistake, 1/L:

    >>> check_largest_stable_rate(lambda A: 1.0 / np.max(np.linalg.eigvalsh(A)))
    0 of 5 cases passed before one failed.
    Case 1: largest_stable_rate(array([[2.]]))
      expected: 1
      got:      0.5
      the numbers differ
      It looks like 1/L instead of 2/L: half the largest stable rate. Hint: the error along the steepest direction is multiplied by 1 - lr*L; for which rates is its size below 1?
    """
    rng = np.random.default_rng(2)
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    cases = [
        (np.array([[2.0]]),),
        (np.array([[0.1, 0.0], [0.0, 1.0]]),),
        (
            np.array([[2.0, 1.0], [1.0, 2.0]]),
        ),  # off-diagonal: the diagonal is not enough
        (np.array([[5.0, 0.0], [0.0, 0.5]]),),  # the steep direction comes first
        (np.round((q * np.array([0.3, 1.0, 4.0])) @ q.T, 12),),
    ]
    return check(
        function,
        _largest_stable_rate,
        cases,
        name="largest_stable_rate(A)",
        diagnoses=_LARGEST_STABLE_RATE_MISTAKES,
    )


# Exercise 2.3: six runs of the chapter's logistic regression on its two
# moons, from zero, at the rates below; the reader sees them as curves A to F
# in the order of "curves" (a shuffle of the rates' indices).
DIAGNOSIS = {
    "rates": (1.0, 3.0, 8.0, 12.0, 14.8, 20.0),
    "curves": (2, 5, 0, 4, 3, 1),
    "steps": 200,
    "data": {"n": 300, "noise": 0.15, "seed": 0},
    "target": 1e-8,
    "slower": 2.0,
    "tol": 0.005,
    "long": 2000,
}

_LETTERS = "ABCDEF"
_KINDS = ("too small", "about right", "too large")


@lru_cache(maxsize=1)
def _problem():
    """The chapter's logistic regression: loss, gradient, minimiser and curvatures there.

    The package has no minimiser of the logistic loss, so it is found here
    by Newton's method, as the chapter finds it.
    """
    from gdcourse import data, models

    moons = data.two_moons(**DIAGNOSIS["data"])
    X, y = moons.X_train, moons.y_train
    model = models.LogisticRegression(n_features=2)
    Xb = np.column_stack([X, np.ones(len(X))])
    theta = np.zeros(3)
    for _ in range(25):
        p = models.sigmoid(Xb @ theta)
        hessian = (Xb.T * p * (1 - p)) @ Xb / len(X)
        theta = theta - np.linalg.solve(hessian, Xb.T @ (p - y) / len(X))
    p = models.sigmoid(Xb @ theta)
    curvatures = np.linalg.eigvalsh((Xb.T * p * (1 - p)) @ Xb / len(X))
    # the smoothness bound of the chapter's guarantees section
    bound = np.linalg.eigvalsh(Xb.T @ Xb / len(X))[-1] / 4
    return model, X, y, float(model.loss(theta, X, y)), curvatures, float(bound)


def _gaps(rates, steps):
    """Gradient descent from zero at each rate (one row each): the loss above the minimum."""
    model, X, y, f_star, _, _ = _problem()
    rates = np.asarray(rates, dtype=float)
    theta = np.zeros((rates.size, 3))
    gaps = np.empty((steps + 1, rates.size))
    with np.errstate(all="ignore"):
        for k in range(steps + 1):
            gaps[k] = model.loss(theta, X, y) - f_star
            if k < steps:
                theta = theta - rates[:, None] * model.grad(theta, X, y)
    return gaps


@lru_cache(maxsize=1)
def _diagnosis_runs():
    """The six runs of :data:`DIAGNOSIS`, in the order of its rates."""
    return _gaps(DIAGNOSIS["rates"], DIAGNOSIS["steps"])


def rate_curves():
    """The six loss curves of Exercise 2.3, by letter: the loss above its minimum at steps 0 to 200.

    Returns
    -------
    dict
        ``{"A": gaps, ..., "F": gaps}``, each an array of shape ``(201,)``.

    Examples
    --------
    >>> curves = rate_curves()
    >>> print(sorted(curves), curves["A"].shape)
    ['A', 'B', 'C', 'D', 'E', 'F'] (201,)
    """
    gaps = _diagnosis_runs()
    return {
        letter: gaps[:, i].copy() for letter, i in zip(_LETTERS, DIAGNOSIS["curves"])
    }


def _steps_to_target(gaps):
    below = np.flatnonzero(gaps < DIAGNOSIS["target"])
    return int(below[0]) if below.size else np.inf


def _rises(gaps):
    """The steps after which the loss went up (an overshoot), before it reached the target."""
    stop = _steps_to_target(gaps)
    end = gaps.size - 1 if stop == np.inf else stop
    return np.flatnonzero(np.diff(gaps[: end + 1]) > 0)


def _true_kinds():
    """Each rate's kind, read from its run as the exercise defines it."""
    gaps = _diagnosis_runs()
    steps = [_steps_to_target(gaps[:, i]) for i in range(gaps.shape[1])]
    fastest = min(steps)
    kinds = []
    for i, k in enumerate(steps):
        if _rises(gaps[:, i]).size:
            kinds.append("too large")
        elif k <= DIAGNOSIS["slower"] * fastest:
            kinds.append("about right")
        else:
            kinds.append("too small")
    return kinds, steps


def _limit():
    """The largest stable rate: 2 over the largest curvature at the minimum."""
    from gdcourse import theory

    return float(theory.stability_limit(_problem()[4][-1]))


def _factor(gaps, start=None, stop=None):
    """The loss's factor per step from ``start`` to ``stop``, by default over its straight stretch.

    The straight stretch of a converging curve: from where it is below 1e-3
    above the minimum to where it is still above 1e-9.
    """
    if start is None:
        inside = np.flatnonzero((gaps < 1e-3) & (gaps > 1e-9))
        start, stop = inside[0], inside[-1]
    return float((gaps[stop] / gaps[start]) ** (1.0 / (stop - start)))


#: A slope read off the figure can be off by this fraction.
_MISREAD = 0.1


def _readings():
    """What the curves give, read as the chapter teaches and as typical slips read them.

    Each slip is an interval: the values it gives for a slope read within
    :data:`_MISREAD` of the curve's, widened by the exercise's tolerance.
    """
    gaps = _diagnosis_runs()
    rates = np.array(DIAGNOSIS["rates"])
    kinds, _ = _true_kinds()
    large = [i for i, k in enumerate(kinds) if k == "too large"]
    over = next(i for i in large if gaps[-1, i] < DIAGNOSIS["target"])
    stalled = next(i for i in large if i != over)
    eta = rates[over]
    spread = np.array([1.0 - _MISREAD, 1.0, 1.0 + _MISREAD])
    # the overshooting curve's slope, read right or a tenth off
    r = _factor(gaps[:, over]) ** spread[:, None]
    L = (1 + np.sqrt(r)) / eta
    # a slow curve's slope over its last three quarters, half or quarter,
    # where it is nearly straight, read right or a tenth off
    steps = DIAGNOSIS["steps"]
    mu = np.array(
        [
            (1 - np.sqrt(_factor(gaps[:, i], start, steps) ** m)) / rates[i]
            for i, kind in enumerate(kinds)
            if kind == "too small"
            for start in (steps // 4, steps // 2, 3 * steps // 4)
            for m in spread
        ]
    )
    values = {
        "square": 2 * eta / (1 + r),
        "sign": 2 * eta / (1 - np.sqrt(r)),
        "slowest": 2 / mu,
        "half": 1 / L,
        "best": 2 / (mu + L),
        "bound": np.array(2 / _problem()[5]),
        "lower": np.array(eta),
        "upper": np.array(rates[stalled]),
    }
    tol = DIAGNOSIS["tol"]
    return {
        key: (float(v.min()) * (1 - tol), float(v.max()) * (1 + tol))
        for key, v in values.items()
    }


def _converging_above(rate):
    """How many of the six curves converge at a rate above ``rate``, in words."""
    gaps = _diagnosis_runs()
    count = sum(
        1
        for i, r in enumerate(DIAGNOSIS["rates"])
        if r > rate and gaps[-1, i] < DIAGNOSIS["target"]
    )
    return ("none", "one", "two", "three", "four", "five", "six")[count]


_ESTIMATE_MISTAKES = {
    "square": (
        "the loss's factor per step taken as the error's",
        "the loss is quadratic in the error near the minimum, so where a loss "
        "curve is straight on the log axis it falls by the square of the "
        "error's factor, (1 - lr*L)^2, per step",
    ),
    "sign": (
        "the overshooting curve's factor 1 - lr*L taken as positive",
        "that curve's loss rises at every other step early on (its "
        "sawtooth): the error flips sign at each step, so 1 - lr*L is "
        "negative, minus the square root of the loss's factor",
    ),
    "slowest": (
        "the slowest curve's factor read as the largest curvature's",
        "the slowest curve falls at the pace of the flattest direction, so "
        "its factor gives the smallest curvature; the limit is set by the "
        "largest, and only a curve that overshoots yet converges shows it",
    ),
    "half": (
        "1/L where 2/L was meant",
        "1/L makes the steep factor 1 - lr*L zero; the limit is the rate at "
        "which it reaches -1",
    ),
    "best": (
        "2/(mu + L), the best fixed rate, where the largest stable rate was meant",
        "the best rate makes the flat and the steep factors equal in size; "
        "the limit is the rate at which the steep one reaches -1",
    ),
    "bound": (
        "2/L with the chapter's smoothness bound for L",
        "that L bounds the curvature of the logistic loss everywhere, so 2/L "
        "is safe from any start but lies below the limit: {above} of the "
        "curves converge at rates above it; the limit near the minimum is "
        "set by the curvature there, which the curves show",
    ),
    "lower": (
        "the largest of the six rates whose curve converges",
        "that rate converges, so the limit lies above it; the curve's "
        "factor per step says how far",
    ),
    "upper": (
        "the rate of the curve that stalls",
        "that curve never converges, so its rate is above the limit; read "
        "the factor of the curve that overshoots but converges",
    ),
}

_LABEL_HINTS = {
    ("too large", "converges"): (
        "look at its first 20 steps: the loss rises at every other step (a "
        "sawtooth), so each step overshoots the minimum along the steepest "
        "direction, even though the run converges in the end"
    ),
    ("too large", "stalls"): (
        "it is not crawling: after its first steps it stops falling and goes "
        "up and down from one step to the next around a level well above the "
        "minimum, which it never leaves"
    ),
    ("too small", "about right"): (
        "it falls at every step, but its slope on the log axis is shallow: "
        "count the steps it needs to reach 1e-8 against those of the fastest "
        "curve"
    ),
    ("too small", "too large"): (
        "its loss falls at every step: no sawtooth, no stall, no growth, "
        "which are what overshooting shows"
    ),
    ("about right", "too small"): (
        "count the steps it needs to reach 1e-8 against those of the fastest curve"
    ),
    ("about right", "too large"): (
        "its loss falls at every step: no sawtooth, no stall, no growth, "
        "which are what overshooting shows"
    ),
}


def _labels_verdict(labels):
    """(ok, text) for part (a): the six labels."""
    words = " or ".join(f'"{k}"' for k in _KINDS)
    shape = f"six labels, one per curve A to F, each {words}"
    if isinstance(labels, dict):
        if set(map(str, labels)) != set(_LETTERS):
            return False, f"labels must have the keys A to F, got {describe(labels)}."
        labels = [labels[k] for k in _LETTERS]
    if isinstance(labels, (str, bytes)) or not isinstance(labels, (list, tuple)):
        return False, f"labels must be {shape}, got {describe(labels)}."
    if len(labels) != len(_LETTERS):
        return False, (
            f"labels must be {shape}: got {len(labels)} labels, not {len(_LETTERS)}."
        )
    given = []
    for letter, label in zip(_LETTERS, labels):
        word = " ".join(label.lower().split()) if isinstance(label, str) else None
        if word not in _KINDS:
            return False, (
                f"curve {letter}'s label must be {words}, got {describe(label)}."
            )
        given.append(word)
    truth, _ = _true_kinds()
    gaps = _diagnosis_runs()
    wrong = [
        (letter, given[n], truth[i], i)
        for n, (letter, i) in enumerate(zip(_LETTERS, DIAGNOSIS["curves"]))
        if given[n] != truth[i]
    ]
    if not wrong:
        return True, "Right: each curve has the label its run deserves."
    letter, said, true, i = wrong[0]
    if true == "too large":
        key = (true, "converges" if gaps[-1, i] < 1e-9 else "stalls")
    else:
        key = (true, said)
    more = f" ({len(wrong) - 1} more label{'s' if len(wrong) > 2 else ''} to look at)"
    more = more if len(wrong) > 1 else ""
    return False, (
        f'Not yet: curve {letter} is not "{said}"{more}. Hint: {_LABEL_HINTS[key]}.'
    )


def _limit_verdict(limit):
    """(ok, text) for part (b): the estimate of the largest stable rate."""
    if not isinstance(limit, Real) or isinstance(limit, bool) or not np.isfinite(limit):
        return False, f"limit must be a number, got {describe(limit)}."
    limit = float(limit)
    if limit <= 0.0:
        return False, f"limit must be a positive rate, got {describe(limit)}."
    truth, tol = _limit(), DIAGNOSIS["tol"]
    if abs(limit / truth - 1.0) <= tol:
        return True, (
            f"Right: {limit:g} is within {100 * tol:g}% of the largest stable "
            f"rate, 2/L = {truth:.5g}, with L = {_problem()[4][-1]:.4g} the "
            "largest curvature of the loss at its minimum."
        )
    long = DIAGNOSIS["long"]
    gap = float(_gaps([limit], long)[-1, 0])
    start = float(_gaps([limit], 0)[0, 0])
    if limit < truth:
        run = f"Not yet: a run from the curves' start at your estimate {limit:g}"
        if gap < 1e-9:
            said = (
                f"{run} converges (after {long} steps its loss is within 1e-9 "
                "of the minimum), so the largest stable rate is not there."
            )
        else:
            said = (
                f"{run} is still falling after {long} steps ({gap:.2g} above "
                "the minimum, less than at its start): that rate is stable."
            )
        generic = (
            "read the factor per step of the curve that overshoots but "
            "converges, where it is straight on the log axis: it says how far "
            "that curve's rate lies below the rate at which the steep factor "
            "1 - lr*L reaches -1"
        )
    else:
        if not np.isfinite(gap) or gap > start:
            where = "its loss ends higher than where it started"
        else:
            where = f"its loss is still {gap:.2g} above the minimum"
        said = (
            f"Not yet: a run from the curves' start at your estimate {limit:g} "
            f"does not converge: after {long} steps {where}."
        )
        generic = (
            "read the factor per step of the curve that overshoots but "
            "converges, where it is straight on the log axis, and the rate it "
            "ran at"
        )
    readings = _readings()
    for key, (what, hint) in _ESTIMATE_MISTAKES.items():
        low, high = readings[key]
        if low <= limit <= high:
            hint = hint.format(above=_converging_above(limit))
            return False, f"{said}\nIt looks like {what}. Hint: {hint}."
    return False, f"{said}\nHint: {generic}."


def check_rate_diagnosis(labels, limit):
    """Check Exercise 2.3: which rates made the six loss curves too small, about right or too large, and the largest stable rate.

    The curves (:func:`rate_curves`) are runs of gradient descent from zero
    on the chapter's logistic regression of the two moons, at the rates of
    ``DIAGNOSIS["rates"]`` in a shuffled order.

    Parameters
    ----------
    labels : sequence of str
        (a) One label per curve, A to F: ``"too small"``, ``"about right"``
        or ``"too large"``.  A curve is *too large* when its loss rises at
        some step before reaching ``DIAGNOSIS["target"]`` above the minimum
        (an overshoot), *about right* when it falls at every step and
        reaches that target within ``DIAGNOSIS["slower"]`` times the steps
        of the fastest curve, and *too small* otherwise.
    limit : float
        (b) An estimate of the largest stable rate, accepted within
        ``DIAGNOSIS["tol"]`` (relative) of it.

    Returns
    -------
    gdcourse.exercises.diagnose.Verdict
        Its ``ok`` and a report on each part.  A wrong label gets a hint
        naming what to look at on that curve; a wrong estimate is run from
        the curves' start for ``DIAGNOSIS["long"]`` steps, and the report
        says whether that run converges, with a hint naming the typical
        slip it matches or else the curve to read.  It never gives a right
        label or an estimate that passes.

    Notes
    -----
    Near the minimum :math:`\\theta^\\star` the loss is close to a quadratic
    whose curvatures are the eigenvalues of the Hessian there, from
    :math:`\\mu` to :math:`L`; a run converges at rates below

    .. math:: \\eta_{\\max} = \\frac{2}{L},

    and where the loss curve of a run at such a rate :math:`\\eta` is straight
    on a log axis it falls by :math:`(1 - \\eta\\lambda)^2` per step, with
    :math:`\\lambda` the curvature of its slowest direction.  A curve that
    overshoots and converges has :math:`1 - \\eta L = -\\sqrt{r}`, with
    :math:`r` its factor per step, so :math:`\\eta_{\\max} = 2\\eta/(1 +
    \\sqrt r)`.  Read over 40 steps or more of that straight stretch after
    step 20, :math:`r` gives the limit within 0.2%; after step 40, a slope
    misread by a tenth still gives it within the tolerance, 0.5%.  The
    nearest of the six rates lies 4% below the limit.

    Examples
    --------
    >>> check_rate_diagnosis(None, None)
    (a) labels must be six labels, one per curve A to F, each "too small" or "about right" or "too large", got None.
    (b) limit must be a number, got None.
    >>> check_rate_diagnosis(["about right"] * 6, 2 * 14.8 / 1.8)
    (a) Not yet: curve B is not "about right" (3 more labels to look at). Hint: it is not crawling: after its first steps it stops falling and goes up and down from one step to the next around a level well above the minimum, which it never leaves.
    (b) Not yet: a run from the curves' start at your estimate 16.4444 does not converge: after 2000 steps its loss is still 0.012 above the minimum.
    Hint: read the factor per step of the curve that overshoots but converges, where it is straight on the log axis, and the rate it ran at.
    """
    ok_a, text_a = _labels_verdict(labels)
    ok_b, text_b = _limit_verdict(limit)
    return dg.Verdict(ok_a and ok_b, f"(a) {text_a}\n(b) {text_b}")

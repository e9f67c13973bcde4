"""Checkers of chapter 2: learning rates."""

from __future__ import annotations

from functools import lru_cache

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
# in the order of _ORDER (a shuffle of the rates' indices, kept out of the
# public dict because it is the exercise's answer).
DIAGNOSIS = {
    "rates": (1.0, 3.0, 8.0, 12.0, 14.8, 20.0),
    "steps": 200,
    "data": {"n": 300, "noise": 0.15, "seed": 0},
    "target": 1e-8,
    "slower": 2.0,
    # a stretch where a converging curve is straight: it starts at step
    # "first" or later, spans "span" steps or more and ends above "floor"
    "first": 20,
    "span": 20,
    "floor": 1e-14,
    # the factor read over the stretch, and the estimate (relative)
    "rtol": 2e-4,
    "tol": 0.005,
    "long": 2000,
}

_ORDER = (2, 5, 0, 4, 3, 1)
#: The target as the text shows it, 1e-8.
_TARGET = f"{DIAGNOSIS['target']:.0e}".replace("e-0", "e-")
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
    return {letter: gaps[:, i].copy() for letter, i in zip(_LETTERS, _ORDER)}


def _curve(letter):
    """The run behind curve ``letter``."""
    return _diagnosis_runs()[:, _ORDER[_LETTERS.index(letter)]]


def _steps_to_target(gaps):
    below = np.flatnonzero(gaps < DIAGNOSIS["target"])
    return int(below[0]) if below.size else np.inf


def _end(gaps):
    """The last step the rule looks at: the first within the target, else the last."""
    stop = _steps_to_target(gaps)
    return gaps.size - 1 if stop == np.inf else stop


def _rises(gaps):
    """The steps after which the loss went up, before it reached the target."""
    return np.flatnonzero(np.diff(gaps[: _end(gaps) + 1]) > 0)


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


def _fitted_factor(gaps, start, stop):
    """The factor per step of a straight line fitted to ``log(gaps)`` from ``start`` to ``stop`` (least squares)."""
    part = gaps[start : stop + 1]
    if not np.all(part > 0):
        return np.nan
    k = np.arange(start, stop + 1) - (start + stop) / 2
    return float(np.exp(np.sum(k * np.log(part)) / np.sum(k * k)))


#: A slow curve's slope, read by eye, can be off by this fraction.
_MISREAD = 0.1


def _overshooting():
    """The index of the rate whose loss rose yet converged, and of the one that stalled."""
    gaps = _diagnosis_runs()
    kinds, _ = _true_kinds()
    large = [i for i, k in enumerate(kinds) if k == "too large"]
    over = next(i for i in large if gaps[-1, i] < DIAGNOSIS["target"])
    stalled = next(i for i in large if i != over)
    return over, stalled


def _straight_stretches():
    """Every stretch ``(a, b)`` of the overshooting curve that the exercise accepts."""
    gaps = _diagnosis_runs()[:, _overshooting()[0]]
    D = DIAGNOSIS
    return [
        (a, b)
        for a in range(D["first"], D["steps"] + 1)
        for b in range(a + D["span"], D["steps"] + 1)
        if gaps[b] > D["floor"]
    ]


def _slow_mu_band():
    """The smallest curvature as the slow curves give it, read right or a tenth off."""
    gaps = _diagnosis_runs()
    rates = np.array(DIAGNOSIS["rates"])
    kinds, _ = _true_kinds()
    spread = np.array([1.0 - _MISREAD, 1.0, 1.0 + _MISREAD])
    # a slow curve's slope over its last three quarters, half or quarter,
    # where it is nearly straight, read right or a tenth off
    steps = DIAGNOSIS["steps"]
    return np.array(
        [
            (1 - np.sqrt(_factor(gaps[:, i], start, steps) ** m)) / rates[i]
            for i, kind in enumerate(kinds)
            if kind == "too small"
            for start in (steps // 4, steps // 2, 3 * steps // 4)
            for m in spread
        ]
    )


def _readings(r):
    """What a factor ``r`` read from the overshooting curve gives, right and by typical slips.

    Each slip is an interval: its value from ``r``, widened by the
    exercise's tolerance; the slow curve's slip uses the slow curves'
    slopes, read within :data:`_MISREAD`, and the best rate the true
    curvatures.
    """
    over, stalled = _overshooting()
    rates = np.array(DIAGNOSIS["rates"])
    eta = rates[over]
    root = np.sqrt(r)
    curvatures = _problem()[4]
    values = {
        "square": 2 * eta / (1 + r),
        "sign": 2 * eta / (1 - root),
        "inverted": eta * (1 + root) / 2,
        "slowest": 2 / _slow_mu_band(),
        "half": eta / (1 + root),
        "best": 2 / (curvatures[0] + curvatures[-1]),
        "bound": 2 / _problem()[5],
        "lower": eta,
        "upper": rates[stalled],
        # the right formula with the rate of another curve
        **{f"rate {x:g}": 2 * x / (1 + root) for x in rates if x != eta},
    }
    tol = DIAGNOSIS["tol"]
    return {
        key: (float(np.min(v)) * (1 - tol), float(np.max(v)) * (1 + tol))
        for key, v in values.items()
    }


def _other_rates(limit, r):
    """The rates other than the overshooting curve's with which 2*lr/(1 + sqrt(r)) gives ``limit``."""
    readings = _readings(r)
    return [
        rate
        for rate in DIAGNOSIS["rates"]
        if f"rate {rate:g}" in readings
        and readings[f"rate {rate:g}"][0] <= limit <= readings[f"rate {rate:g}"][1]
    ]


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
        "the steep factor 1 - lr*L taken as positive",
        "a positive factor puts the limit far above the largest of the six "
        "rates, whose curve never converges: 1 - lr*L is negative, minus the "
        "square root of the loss's factor",
    ),
    "inverted": (
        "the curve's rate times (1 + sqrt(r))/2, the reciprocal of the ratio that gives the limit",
        "that curve converges, so the limit lies above its rate, and a "
        "ratio (1 + sqrt(r))/2 below 1 puts it below; solve 1 - lr*L = "
        "-sqrt(r) for L again",
    ),
    "slowest": (
        "a slow curve's factor read as the largest curvature's",
        "a slow curve falls at the pace of the flattest direction, so its "
        "factor gives the smallest curvature; the limit is set by the "
        "largest",
    ),
    "half": (
        "1/L where 2/L was meant",
        "1/L makes the steep factor 1 - lr*L zero; the limit is the rate at "
        "which it reaches -1",
    ),
    "best": (
        "2/(mu + L), the best fixed rate, if that is what you computed",
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
        "the factor of the curve whose loss rises in its first steps but "
        "still converges",
    ),
}


def _by_letter(name, values, what):
    """A list of six entries from a list, tuple, 1-D array or dict by letter; else a message."""
    shape = f"six {what}, one per curve A to F"
    if isinstance(values, dict):
        if set(map(str, values)) != set(_LETTERS):
            return None, f"{name} must have the keys A to F, got {describe(values)}."
        values = [values[k] for k in _LETTERS]
    if isinstance(values, np.ndarray):
        values = list(values) if values.ndim == 1 else None
    elif isinstance(values, (list, tuple)):
        values = list(values)
    else:
        values = None
    if values is None:
        return None, None
    if len(values) != len(_LETTERS):
        return None, f"{name} must be {shape}: got {len(values)}, not {len(_LETTERS)}."
    return values, None


def _labels_given(labels):
    """The six labels in lower case, or a plain message."""
    words = " or ".join(f'"{k}"' for k in _KINDS)
    if isinstance(labels, np.ndarray) and labels.dtype.kind not in "UO":
        labels = None
    listed, problem = _by_letter("labels", labels, "labels")
    if problem:
        return None, problem
    if listed is None:
        return None, (
            f"labels must be six labels, one per curve A to F, each {words}, "
            f"got {describe(labels)}."
        )
    given = []
    for letter, label in zip(_LETTERS, listed):
        word = " ".join(label.lower().split()) if isinstance(label, str) else None
        if word not in _KINDS:
            return None, (
                f"curve {letter}'s label must be {words}, got {describe(label)}."
            )
        given.append(word)
    return given, None


def _whole(x, infinite=False):
    """``x`` as an int (or inf, if ``infinite``) when it is a whole number >= 0, else None."""
    if isinstance(x, (bool, np.bool_, str, bytes)) or np.ndim(x) != 0:
        return None
    try:
        value = float(np.asarray(x))
    except (TypeError, ValueError):
        return None
    if infinite and value == np.inf:
        return np.inf
    if not np.isfinite(value) or value < 0 or value != int(value):
        return None
    return int(value)


def _counts_given(name, values, infinite, what):
    """The six whole numbers of ``values``, or a plain message."""
    listed, problem = _by_letter(name, values, "numbers")
    if problem:
        return None, problem
    if listed is None:
        return None, (
            f"{name} must be six numbers, one per curve A to F, got {describe(values)}."
        )
    out = []
    for letter, value in zip(_LETTERS, listed):
        number = _whole(value, infinite)
        if number is None:
            return None, (
                f"curve {letter}'s {name} must be {what}, got {describe(value)}."
            )
        out.append(number)
    return out, None


def _reach_hint(letter, got):
    """The hint for a wrong first step within the target on curve ``letter``."""
    gaps = _curve(letter)
    true = _steps_to_target(gaps)
    if got == 0:
        return (
            f"no curve is within {_TARGET} at step 0; np.argmax(gaps < "
            f"{_TARGET}) returns 0 when no entry is below {_TARGET} as well, "
            "so test with np.any that one is"
        )
    if (got == np.inf) != (true == np.inf):
        return (
            f"check with np.any(curves['{letter}'] < {_TARGET}) whether it "
            f"gets there at all in its {DIAGNOSIS['steps']} steps (np.inf if "
            "it never does)"
        )
    if got == true + 1:
        return (
            "it looks like steps counted from 1: the loss at step k is "
            "gaps[k], with the start at step 0"
        )
    return (
        f"give the first index k at which curves['{letter}'][k] < {_TARGET}, "
        f"np.flatnonzero(curves['{letter}'] < {_TARGET})[0]"
    )


def _falls(gaps):
    """The number of steps at which the loss fell, before it reached the target."""
    return int(np.sum(np.diff(gaps[: _end(gaps) + 1]) < 0))


def _rises_slip(given):
    """Which slip, "length" or "falls", the counts ``given`` fit on every curve where they tell them apart."""
    slips = set()
    for letter, got in zip(_LETTERS, given):
        gaps = _curve(letter)
        length, falls = got in (_end(gaps), gaps.size - 1), got == _falls(gaps)
        if length != falls:
            slips.add("length" if length else "falls")
    return slips.pop() if len(slips) == 1 else None


def _rises_hint(letter, got, given):
    """The hint for a wrong count of rises on curve ``letter``, with all six counts ``given``."""
    gaps = _curve(letter)
    end = _end(gaps)
    late = np.flatnonzero(np.diff(gaps) > 0)
    late = late[late >= end]
    falls = _falls(gaps)
    length = got in (end, gaps.size - 1)
    if late.size and got == _rises(gaps).size + late.size:
        size = float(np.max(gaps[late + 1] - gaps[late]))
        return (
            f"that counts its rises after step {int(late[0])}, by about "
            f"{size:.0e}, the level of rounding, after it came within "
            f"{_TARGET}; the rule counts only the rises before it gets there"
        )
    if length and got == falls:
        slip = _rises_slip(given)
        if slip is None:
            return (
                f"that is the number of steps compared, {got}, and on this "
                "curve each of them is a fall; count the True entries of "
                "np.diff(gaps) > 0 over those steps, with np.sum"
            )
    else:
        slip = "length" if length else "falls" if got == falls else None
    if slip == "length":
        return (
            f"that is the number of entries of the mask np.diff(...) > 0, one "
            f"per step compared, {got}, not the number of its True entries; "
            "count those with np.sum or np.count_nonzero"
        )
    if slip == "falls":
        return (
            "that counts the steps at which it fell; np.diff(gaps) > 0 marks "
            "the steps at which it rose"
        )
    if got == int(np.sum(np.diff(gaps[:30]) > 0)):
        return (
            "that counts its first 30 steps only; count every step up to the "
            f"first one within {_TARGET}, or all {DIAGNOSIS['steps']} if it "
            "never gets there"
        )
    return (
        "count the steps k at which gaps[k + 1] > gaps[k], for k before the "
        f"first step within {_TARGET} (over all {DIAGNOSIS['steps']} steps "
        "if it never gets there)"
    )


def _evidence_verdict(reach, rises):
    """(ok, text) for the evidence of part (a): each curve's reach and rises."""
    for letter, got in zip(_LETTERS, reach):
        if got != _steps_to_target(_curve(letter)):
            return False, (
                f"Not yet: curve {letter}'s first step within "
                f"{_TARGET} is not {got:g}.\n"
                f"Hint: {_reach_hint(letter, got)}."
            )
    for letter, got in zip(_LETTERS, rises):
        if got != _rises(_curve(letter)).size:
            return False, (
                f"Not yet: curve {letter}'s number of rises before it comes "
                f"within {_TARGET} is not {got}.\n"
                f"Hint: {_rises_hint(letter, got, rises)}."
            )
    return True, ""


def _label_hint(said, true):
    """The hint for a curve called ``said`` whose run deserves ``true``, the curve unnamed."""
    target, slower = _TARGET, f"{DIAGNOSIS['slower']:g}"
    called = f"a curve you call {said!r}"
    if true == "too large":
        return (
            f"{called} rises at some step before it comes within {target}, "
            "as your counts of rises show; the rule looks at the rises first"
        )
    if said == "too large":
        return (
            f"{called} has no rise before it comes within {target} in your "
            "counts (or, if it never gets there, in all its steps); only a "
            "rise makes a curve too large"
        )
    if true == "too small":
        return (
            f"{called} needs more than {slower} times the steps of the "
            f"fastest curve to come within {target}, or never gets there: "
            "compare your first steps within it"
        )
    return (
        f"{called} comes within {target} in at most {slower} times the steps "
        "of the fastest curve, without a rise: compare your first steps "
        "within it"
    )


def _labels_verdict(labels, reach, rises):
    """(ok, text) for part (a): the six labels and the evidence they rest on."""
    given, problem = _labels_given(labels)
    if problem:
        return False, problem
    reach, problem = _counts_given(
        "reach", reach, True, "a step from 0 to 200, or np.inf"
    )
    if problem:
        return False, problem
    rises, problem = _counts_given("rises", rises, False, "a count, 0 or more")
    if problem:
        return False, problem
    ok, text = _evidence_verdict(reach, rises)
    if not ok:
        return False, text
    truth, _ = _true_kinds()
    for n, i in enumerate(_ORDER):
        if given[n] != truth[i]:
            return False, (
                "Not yet: not every label is right.\n"
                f"Hint: {_label_hint(given[n], truth[i])}."
            )
    return True, (
        "Right: each curve has the label its run deserves, and the first "
        "steps and rises it rests on are right."
    )


def _number(x):
    """``x`` as a float if it is a real number (a 0-d array too), else None."""
    if isinstance(x, (bool, np.bool_, str, bytes)) or np.ndim(x) != 0:
        return None
    try:
        value = np.asarray(x)
    except Exception:
        return None
    if value.dtype.kind not in "iuf":
        return None
    value = float(value)
    return value if np.isfinite(value) else None


def _stretch_given(stretch):
    """``(a, b)`` as two ints with 0 <= a < b <= steps, else None."""
    if isinstance(stretch, np.ndarray):
        stretch = list(stretch) if stretch.ndim == 1 else None
    if not isinstance(stretch, (list, tuple)) or len(stretch) != 2:
        return None
    a, b = (_whole(x) for x in stretch)
    if a is None or b is None or not a < b <= DIAGNOSIS["steps"]:
        return None
    return a, b


def _reading_problem(curve, stretch, factor, limit):
    """A plain message for input of the wrong type in part (b), or None."""
    letter = curve.strip().upper() if isinstance(curve, str) else None
    if letter not in tuple(_LETTERS):
        return f"curve must be one of the letters A to F, got {describe(curve)}."
    if _stretch_given(stretch) is None:
        return (
            "stretch must be the two steps (a, b) between which you read the "
            f"factor, whole numbers with 0 <= a < b <= {DIAGNOSIS['steps']}, "
            f"got {describe(stretch)}."
        )
    r = _number(factor)
    if r is None or not 0.0 < r < 1.0:
        return (
            "factor must be the loss's factor per step, a number between 0 "
            f"and 1, got {describe(factor)}."
        )
    value = _number(limit)
    if value is None or value <= 0.0:
        return f"limit must be a positive number, got {describe(limit)}."
    return None


def _curve_verdict(letter):
    """(ok, text): whether ``letter`` is the curve that shows the largest curvature."""
    over, stalled = _overshooting()
    i = _ORDER[_LETTERS.index(letter)]
    if i == over:
        return True, ""
    if i == stalled:
        return False, (
            f"Not yet: curve {letter} stops falling far above the minimum, so "
            "its slope says nothing about the curvature there.\nHint: read a "
            "curve that comes within 1e-8 of the minimum."
        )
    return False, (
        f"Not yet: curve {letter} falls at the pace of its flattest "
        "direction, so its factor gives the smallest curvature, not L.\n"
        "Hint: the steep direction is the slowest only at rates above "
        "2/(mu + L), close to the limit; on this loss a run at such a rate "
        "rises in its first steps and still converges."
    )


def _stretch_verdict(letter, a, b):
    """(ok, text): whether steps ``a`` to ``b`` are a stretch of curve ``letter`` that the exercise reads."""
    D = DIAGNOSIS
    gaps = _curve(letter)
    said = (
        f"Not yet: the steps {a} to {b} of curve {letter} are not a stretch "
        "the exercise reads."
    )
    if a < D["first"]:
        rises = np.flatnonzero(np.diff(gaps[: D["first"] + 1]) > 0)
        return False, (
            f"{said}\nHint: in its first {D['first']} steps it rises and "
            f"falls in a sawtooth (it rises {rises.size} times, the last from "
            f"step {rises[-1]} to step {rises[-1] + 1}); start at step "
            f"{D['first']} or later."
        )
    if gaps[b] <= D["floor"]:
        return False, (
            f"{said}\nHint: by step {b} it is below {D['floor']:g} above the "
            "minimum, where rounding sets its values; end the stretch before "
            "it gets that low."
        )
    if b - a < D["span"]:
        steps = f"{b - a} step" + ("s" if b - a > 1 else "")
        return False, (
            f"{said}\nHint: that is {steps}; the exercise reads the factor "
            f"over {D['span']} steps or more."
        )
    return True, ""


def _factor_verdict(letter, a, b, r):
    """(ok, text): whether ``r`` is the factor per step of curve ``letter`` from ``a`` to ``b``."""
    gaps = _curve(letter)
    rtol = DIAGNOSIS["rtol"]

    def near(value):
        return bool(np.isfinite(value)) and abs(r - value) <= rtol * abs(value)

    def factors_of(k):
        # the factor from the ends, and from a line fitted to the log over
        # the stretch; another curve can be at the level of rounding, or
        # below zero, here
        with np.errstate(all="ignore"):
            return _factor(_curve(k), a, b), _fitted_factor(_curve(k), a, b)

    def near_any(values):
        return any(near(v) for v in values)

    own = factors_of(letter)
    if near_any(own):
        return True, ""
    said = (
        f"Not yet: {r:.6g} is not the loss's factor per step of curve "
        f"{letter} from step {a} to step {b}."
    )
    ratio = gaps[b] / gaps[a]
    others = [k for k in _LETTERS if k != letter and near_any(factors_of(k))]
    if near_any(np.sqrt(own)):
        hint = (
            "that is the square root of it, the error's factor; give the "
            "loss's own factor"
        )
    elif near(ratio):
        hint = (
            f"that is the ratio over all {b - a} steps; the factor per step "
            f"is its root of order {b - a}"
        )
    elif near(ratio ** (1 / (b - a + 1))) or near(ratio ** (1 / (b - a - 1))):
        hint = (
            f"take the root of order b - a = {b - a}, the number of steps "
            f"from step {a} to step {b}"
        )
    elif others:
        hint = (
            f"that is the factor of curve {others[0]} over those steps; "
            f"compute it from curves['{letter}']"
        )
    else:
        hint = (
            f"divide its value at step {b} by its value at step {a} and take "
            f"the root of order {b - a}"
        )
    return False, f"{said}\nHint: {hint}."


def _limit_verdict(limit, r):
    """(ok, text) for the estimate of the largest stable rate read with the factor ``r``."""
    truth, tol = _limit(), DIAGNOSIS["tol"]
    if abs(limit / truth - 1.0) <= tol:
        return True, (
            f"Right: {limit:g} is within {100 * tol:g}% of the largest stable "
            f"rate, 2/L = {truth:.5g}, with L = {_problem()[4][-1]:.4g} the "
            "largest curvature of the loss at its minimum."
        )
    over, stalled = _overshooting()
    rates = DIAGNOSIS["rates"]
    said = (
        f"Not yet: your estimate {limit:g} is not within {100 * tol:g}% of the limit."
    )
    # a run tells something new only outside the two rates that bracket it
    if limit < rates[over] or limit > rates[stalled]:
        long = DIAGNOSIS["long"]
        gap = float(_gaps([limit], long)[-1, 0])
        start = float(_gaps([limit], 0)[0, 0])
        run = f"Not yet: a run from the curves' start at your estimate {limit:g}"
        if limit < rates[over]:
            if gap < 1e-9:
                said = (
                    f"{run} converges (after {long} steps its loss is within "
                    "1e-9 of the minimum), so the largest stable rate is not "
                    "there."
                )
            else:
                said = (
                    f"{run} is still falling after {long} steps ({gap:.2g} "
                    "above the minimum, less than at its start): that rate is "
                    "stable."
                )
        else:
            if not np.isfinite(gap) or gap > start:
                where = "its loss ends higher than where it started"
            else:
                where = f"its loss is still {gap:.2g} above the minimum"
            said = f"{run} does not converge: after {long} steps {where}."
    for key, (what, hint) in _ESTIMATE_MISTAKES.items():
        low, high = _readings(r)[key]
        if low <= limit <= high:
            hint = hint.format(above=_converging_above(limit))
            return False, f"{said}\nIt looks like {what}. Hint: {hint}."
    other = _other_rates(limit, r)
    if other:
        return False, (
            f"{said}\nIt looks like 2*lr/(1 + sqrt(r)) with lr = {other[0]:g}, "
            "the rate of another curve. Hint: the curve that rises and still "
            "converges ran at the smaller of the two rates whose curves rise."
        )
    return False, (
        f"{said}\nHint: work from your factor r and the rate of the curve you "
        "read: its steep factor 1 - lr*L has the size sqrt(r), and its sign "
        "decides on which side of that rate the limit lies."
    )


def _reading_verdict(curve, stretch, factor, limit):
    """(ok, text) for part (b): the curve read, its stretch, its factor and the limit."""
    problem = _reading_problem(curve, stretch, factor, limit)
    if problem:
        return False, problem
    letter, r, value = curve.strip().upper(), _number(factor), _number(limit)
    a, b = _stretch_given(stretch)
    for verdict in (
        lambda: _curve_verdict(letter),
        lambda: _stretch_verdict(letter, a, b),
        lambda: _factor_verdict(letter, a, b, r),
        lambda: _limit_verdict(value, r),
    ):
        ok, text = verdict()
        if not ok:
            return False, text
    return True, text


def check_rate_diagnosis(labels, reach, rises, curve, stretch, factor, limit):
    """Check Exercise 2.3: which rates made the six loss curves too small, about right or too large, and the largest stable rate read from them.

    The curves (:func:`rate_curves`) are runs of gradient descent from zero
    on the chapter's logistic regression of the two moons, at the rates of
    ``DIAGNOSIS["rates"]`` in a shuffled order.

    Parameters
    ----------
    labels : sequence of str
        (a) One label per curve, A to F (a list, a tuple, a 1-D array or a
        dict by letter): ``"too small"``, ``"about right"`` or ``"too
        large"``.  A curve is *too large* when its loss rises at some step
        before reaching ``DIAGNOSIS["target"]`` above the minimum, *about
        right* when it falls at every step until then and reaches that
        target within ``DIAGNOSIS["slower"]`` times the steps of the fastest
        curve, and *too small* otherwise.
    reach : sequence of float
        (a) For each curve, the first step at which it is below the target,
        ``np.inf`` if it never is.
    rises : sequence of int
        (a) For each curve, the number of steps ``k`` at which its loss at
        step ``k + 1`` is above that at step ``k``, before its first step
        below the target (over all its steps if it never gets there).
    curve : str
        (b) The letter of the curve read for the largest curvature.
    stretch : pair of int
        (b) The steps ``(a, b)`` between which that curve's factor is read:
        ``a >= DIAGNOSIS["first"]``, ``b - a >= DIAGNOSIS["span"]``, and the
        curve above ``DIAGNOSIS["floor"]`` at step ``b``.
    factor : float
        (b) That curve's loss factor per step from ``a`` to ``b``, within
        ``DIAGNOSIS["rtol"]`` (relative): the root of order ``b - a`` of
        the ratio of its values at ``b`` and ``a``, or the exponential of
        the slope of a least-squares line through its log over ``a`` to
        ``b``.
    limit : float
        (b) The estimate of the largest stable rate it gives, accepted
        within ``DIAGNOSIS["tol"]`` (relative).

    Returns
    -------
    gdcourse.exercises.diagnose.Verdict
        Its ``ok`` and a report on each part.  Wrong evidence gets the
        curve and a hint on how to compute it (naming the slip when it is a
        typical one); once the evidence is right, a wrong label gets the
        hint of the first wrong label's cause without naming the curve; a
        wrong curve, stretch or factor gets a hint on what that curve or
        reading shows; a wrong estimate gets a hint naming the typical slip
        it matches, and, only when it lies outside the two rates that
        bracket the limit, the outcome of a run at it from the curves'
        start for ``DIAGNOSIS["long"]`` steps.  No failing report gives a
        right label, step, count, curve, factor or an estimate that passes.

    Notes
    -----
    Near the minimum :math:`\\theta^\\star` the loss is close to a quadratic
    whose curvatures are the eigenvalues of the Hessian there, from
    :math:`\\mu` to :math:`L`; a run converges at rates below

    .. math:: \\eta_{\\max} = \\frac{2}{L},

    and where the loss curve of a run at such a rate :math:`\\eta` is straight
    on a log axis it falls by :math:`(1 - \\eta\\lambda)^2` per step, with
    :math:`\\lambda` the curvature of its slowest direction.  That direction
    is the steepest only for :math:`\\eta > 2/(\\mu + L)`; at such a rate
    :math:`1 - \\eta L = -\\sqrt{r}`, with :math:`r` the curve's factor per
    step, so :math:`\\eta_{\\max} = 2\\eta/(1 + \\sqrt r)`.  Of the six
    rates only one lies between :math:`2/(\\mu + L)` and the limit.  Over
    every stretch the check accepts, :math:`r` gives the limit within
    0.4%, inside the tolerance, 0.5%; that rate lies 4% below the limit.

    Examples
    --------
    >>> check_rate_diagnosis(None, None, None, None, None, None, None)
    (a) labels must be six labels, one per curve A to F, each "too small" or "about right" or "too large", got None.
    (b) curve must be one of the letters A to F, got None.
    >>> check_rate_diagnosis(["about right"] * 6, [0] * 6, [0] * 6, "B", (40, 100), 0.9, 16.0)
    (a) Not yet: curve A's first step within 1e-8 is not 0.
    Hint: no curve is within 1e-8 at step 0; np.argmax(gaps < 1e-8) returns 0 when no entry is below 1e-8 as well, so test with np.any that one is.
    (b) Not yet: curve B stops falling far above the minimum, so its slope says nothing about the curvature there.
    Hint: read a curve that comes within 1e-8 of the minimum.
    """
    ok_a, text_a = _labels_verdict(labels, reach, rises)
    ok_b, text_b = _reading_verdict(curve, stretch, factor, limit)
    return dg.Verdict(ok_a and ok_b, f"(a) {text_a}\n(b) {text_b}")

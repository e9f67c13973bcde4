"""Checkers of chapter 5: batch size."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from gdcourse import batching

from . import diagnose as dg
from .core import check, describe, finite_real

__all__ = [
    "check_batch_noise",
    "check_fpc_factor",
    "check_plateau_fix",
    "plateau_run",
    "plateau_sample",
]


def _batch_noise(G, B):
    return batching.gradient_variance_theory(G, B, replace=True)


def _spread(G):
    """The per-example spread sigma^2 (the variance of one example's gradient)."""
    return batching.gradient_variance_theory(G, 1, replace=True)


def _estimate(failing):
    """An answer within 5% of the expected one in every failing case: an estimate."""
    for outcome in failing:
        got = dg._array(outcome.got)
        if outcome.error is not None or got is None or got.shape != ():
            return None
        if not abs(float(got) - outcome.expected) <= 0.05 * abs(outcome.expected):
            return None
    return dg.say(
        "an estimate, from random draws or rounded, of the right value",
        "the answer is the exact expectation, a formula in G and B: "
        "random batches only come near it",
    )


_BATCH_NOISE_MISTAKES = (
    dg.variant(
        lambda G, B: _spread(G) / B * (len(G) - B) / (len(G) - 1),
        "the variance of a batch of distinct examples",
        "here the B examples are drawn independently, with replacement, so "
        "the same example can come twice and no correction applies",
    ),
    # after the correction: at B = N it is zero too, but it differs from
    # sigma^2 / B at every other B
    dg.variant(
        lambda G, B: 0.0 if B == len(G) else _spread(G) / B,
        "no noise at B = N, as if a batch of N draws were the whole data set",
        "drawn with replacement, N draws repeat some examples and miss "
        "others, so their mean is not the full gradient",
    ),
    dg.variant(
        lambda G, B: float(np.sum(np.cov(np.asarray(G, dtype=float).T, bias=True))) / B,
        "the sum of every entry of the covariance matrix",
        "the squared distance adds only the variances of the coordinates, the "
        "diagonal of the covariance matrix (its trace)",
    ),
    dg.variant(
        lambda G, B: float(np.var(np.asarray(G, dtype=float))) / B,
        "one variance of all the entries of G around a single overall mean",
        "each coordinate has its own mean; take the squared distance of each "
        "row from the mean row, G.mean(axis=0)",
    ),
    dg.variant(
        lambda G, B: float(np.mean(np.sum(np.asarray(G) ** 2, axis=1))) / B,
        "the mean squared gradient, not its spread around the mean",
        "the noise is the distance from the full gradient, so subtract the "
        "mean of the per-example gradients first",
    ),
    dg.variant(
        lambda G, B: _spread(G) * len(G) / (len(G) - 1) / B,
        "the sample variance, divided by N - 1",
        "sigma^2 is the mean over all N examples: they are the whole "
        "population the batch is drawn from",
    ),
    dg.variant(
        lambda G, B: np.sqrt(_spread(G) / B),
        "a standard deviation, not a variance",
        "the law is about the mean squared distance, which falls like 1/B",
    ),
    dg.variant(
        lambda G, B: _spread(G) / np.sqrt(B),
        "the spread divided by the square root of B",
        "the variance of a mean of B independent draws is the variance of "
        "one draw divided by B itself",
    ),
    dg.variant(
        lambda G, B: _spread(G),
        "the variance of one example's gradient",
        "a batch averages B independent draws, and averaging lowers the variance",
    ),
    dg.variant(
        lambda G, B: np.var(np.asarray(G, dtype=float), axis=0) / B,
        "one variance per coordinate",
        "the squared distance adds up the coordinates, so add their variances",
    ),
    dg.variant(
        lambda G, B: _spread(G) / len(G),
        "the spread divided by N, the number of examples, where B belongs",
        "the batch averages B draws, whatever the size of the data set",
    ),
    dg.variant(
        lambda G, B: (
            float(np.sum(np.mean(np.asarray(G, dtype=float), axis=0) ** 2))
            + _spread(G) / B
        ),
        "the batch gradient's expected squared size, not its squared distance "
        "from the full gradient",
        "the noise is measured from the mean of all rows, so the squared mean "
        "row does not belong in it",
    ),
    # a factor B before d: in case 2 both are 2, and only B's mistakes pass case 1
    dg.factor(
        ("B", lambda G, B: B),
        hint="the mean of B independent draws has the variance of one draw "
        "divided by B, once",
        constant=False,
    ),
    dg.factor(
        ("d, the number of coordinates", lambda G, B: np.shape(G)[1]),
        hint="the squared distance of a row from the mean row adds up its "
        "coordinates: sum over the columns, average over the rows",
        constant=False,
    ),
    dg.factor(
        ("N, the number of examples", lambda G, B: len(G)),
        hint="sigma^2 is a mean over the N rows: sum the squared distances over "
        "the rows once and divide by N once",
        constant=False,
    ),
    _estimate,
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


def check_batch_noise(function):
    """Check ``function(G, B)``: the gradient noise of a batch of ``B`` examples drawn with replacement.

    ``G`` holds one gradient per example (shape ``(N, d)``); the answer is
    the expected squared distance between the mean of ``B`` rows drawn
    independently and uniformly (with replacement) and the mean of all rows.

    Parameters
    ----------
    function : callable
        The reader's function.

    Returns
    -------
    CheckResult

    Notes
    -----
    With :math:`\\bar g` the mean of the rows and
    :math:`\\sigma^2 = \\frac1N \\sum_i \\lVert g_i - \\bar g\\rVert^2`,

    .. math:: \\mathbb E \\lVert g_{\\mathcal B} - \\bar g \\rVert^2 = \\frac{\\sigma^2}{B},

    :func:`gdcourse.batching.gradient_variance_theory` with ``replace=True``.
    The cases have a mean far from zero, batches of one, several and all
    rows, and two or three coordinates
    (``np.cov(G.T, bias=True)`` gives their covariance matrix, whose trace
    is :math:`\\sigma^2`; without ``bias=True`` it divides by :math:`N - 1`).

    Examples
    --------
    >>> def batch_noise(G, B):
    ...     spread = np.sum((G - G.mean(axis=0)) ** 2, axis=1).mean()
    ...     return spread / B
    >>> check_batch_noise(batch_noise)
    All 4 cases passed: batch_noise(G, B) is right.

    A classic mistake, the square root taken:

    >>> check_batch_noise(lambda G, B: np.sqrt(batch_noise(G, B)))
    0 of 4 cases passed before one failed.
    Case 1: batch_noise(array([[ 3.,  1.],
     [ 5., -1.],
     [ 1.,  2.],
     [ 7.,  2.]]), 1)
      expected: 6.5
      got:      2.54951
      the numbers differ
      It looks like a standard deviation, not a variance. Hint: the law is about the mean squared distance, which falls like 1/B.
    """
    G4 = np.array([[3.0, 1.0], [5.0, -1.0], [1.0, 2.0], [7.0, 2.0]])
    G6 = np.array(
        [[2.0, 1.0], [4.0, 0.0], [4.0, 3.0], [6.0, 1.0], [9.0, 2.0], [5.0, 5.0]]
    )
    G5 = np.array(
        [
            [1.0, 0.0, 2.0],
            [3.0, 2.0, 2.0],
            [2.0, -2.0, 4.0],
            [0.0, 1.0, 3.0],
            [4.0, -1.0, 4.0],
        ]
    )
    cases = [(G4, 1), (G4, 2), (G6, 3), (G5, 5)]
    return check(
        function,
        _batch_noise,
        cases,
        name="batch_noise(G, B)",
        diagnoses=_BATCH_NOISE_MISTAKES,
    )


def _fpc_factor(N, B):
    return (N - B) / (N - 1)


def _reciprocal_fpc(failing):
    """The reciprocal ``(N - 1) / (N - B)``, which cannot be computed at ``B = N``.

    A division by zero at ``B = N`` is part of the mistake, so a case that
    raised there (or gave ``inf``) does not count against it; every other
    failing case must match the reciprocal.
    """
    answered = []
    for outcome in failing:
        N, B = outcome.args
        if outcome.error is None:
            reciprocal = (N - 1) / (N - B) if B < N else np.inf
            answered.append(dg.close(outcome.got, reciprocal))
        elif not (B == N and isinstance(outcome.error, ZeroDivisionError)):
            return None
    if not answered or not all(answered):
        return None
    return dg.say(
        "the reciprocal of the correction",
        "the factor multiplies the variance sigma^2 / B and is at most 1: "
        "drawing without replacement can only lower the variance",
    )


_FPC_FACTOR_MISTAKES = (
    dg.variant(
        lambda N, B: (N - B) / N,
        "a denominator N where N - 1 belongs",
        "at B = 1 drawing with or without replacement is the same, "
        "so the factor must be exactly 1 there",
    ),
    dg.variant(
        lambda N, B: B / N,
        "the share of the data set in the batch",
        "the correction is largest (1) for the smallest batch",
    ),
    _reciprocal_fpc,
    dg.variant(
        lambda N, B: np.sqrt((N - B) / (N - 1)),
        "the correction of the standard deviation, not of the variance",
        "the law is about the variance, the mean squared error of the batch "
        "gradient, so its factor is not a square root",
    ),
    dg.variant(
        lambda N, B: (N - B) / ((N - 1) * B),
        "the whole variance over sigma^2, with the 1/B of the plain law in it",
        "the factor is what drawing without replacement adds on top of "
        "sigma^2 / B, so 1/B is not part of it",
    ),
    dg.not_finite(),
    dg.raised(),
)


def check_fpc_factor(function):
    """Check ``function(N, B)``: the finite-population correction of a mini-batch gradient.

    The answer is the factor by which drawing a batch of ``B`` distinct
    examples from ``N`` (without replacement) multiplies the variance of the
    mini-batch gradient, compared with ``B`` independent draws.

    Parameters
    ----------
    function : callable
        The reader's formula, as a function.

    Returns
    -------
    CheckResult

    Notes
    -----
    With per-example spread :math:`\\sigma^2`, the variance of the mean of a
    batch drawn without replacement is

    .. math:: \\frac{\\sigma^2}{B}\\,\\frac{N - B}{N - 1},

    so the factor is :math:`(N - B)/(N - 1)`: 1 at :math:`B = 1`, 0 at
    :math:`B = N` (see :func:`gdcourse.batching.gradient_variance_theory`).

    Examples
    --------
    >>> check_fpc_factor(lambda N, B: (N - B) / (N - 1))
    All 5 cases passed: fpc_factor(N, B) is right.

    A classic mistake, dividing by N:

    >>> check_fpc_factor(lambda N, B: (N - B) / N)
    0 of 5 cases passed before one failed.
    Case 1: fpc_factor(1024, 1)
      expected: 1
      got:      0.999023
      the numbers differ
      It looks like a denominator N where N - 1 belongs. Hint: at B = 1 drawing with or without replacement is the same, so the factor must be exactly 1 there.
    """
    cases = [(1024, 1), (1024, 16), (1024, 768), (1024, 1024), (10, 3)]
    return check(
        function,
        _fpc_factor,
        cases,
        name="fpc_factor(N, B)",
        diagnoses=_FPC_FACTOR_MISTAKES,
    )


#: Exercise 5.4: the run that stops improving, its budget and its target.
PLATEAU = {
    "batch_size": 8,
    "lr": 0.3,
    "budget": 3072,
    "target": 5e-3,
    "start": (-2.0, 3.0),
    "seed": 0,
}

_CAUSES = ("noise", "rate")
#: The predicted end-of-budget loss is matched to this relative tolerance:
#: tight enough that the level a change settles at with unlimited steps,
#: where the budget still binds, does not pass for it.
_PREDICTION_RTOL = 0.03
#: (a)'s evidence, the noise's share of the stalled run's expected loss at
#: the end of the budget, is matched to this relative tolerance.
_EXCESS_RTOL = 0.02


def _line_fit():
    """The chapter's data, its lowest loss and the smallest curvature of its loss."""
    from gdcourse import surfaces

    data = batching.two_weight_problem()
    X, y = data.X_train, data.y_train
    surface = surfaces.least_squares(X, y)
    floor = float(surface(surface.minima[0]))
    lam_min = float(np.linalg.eigvalsh(surface.hessian(np.zeros(2)))[0])
    return X, y, floor, lam_min


def plateau_run(lr=None, batch_size=None, steps=None):
    """The expected loss above the minimum of mini-batch SGD on the chapter's line fit, step by step.

    Exercise 5.4's runs: from ``PLATEAU["start"]``, at the stalled run's rate and
    batch size unless another is given, for the steps that
    ``PLATEAU["budget"]`` examples pay for unless ``steps`` is given.

    Parameters
    ----------
    lr : float, optional
    batch_size : int, optional
    steps : int, optional

    Returns
    -------
    ndarray, shape (steps + 1,)
        :func:`gdcourse.batching.expected_loss` minus the lowest loss.

    Examples
    --------
    >>> gaps = plateau_run()
    >>> len(gaps) - 1, bool(gaps[-1] > PLATEAU["target"])
    (384, True)
    """
    lr = PLATEAU["lr"] if lr is None else lr
    B = PLATEAU["batch_size"] if batch_size is None else int(batch_size)
    steps = PLATEAU["budget"] // B if steps is None else steps
    X, y, floor, _ = _line_fit()
    start = np.array(PLATEAU["start"])
    return batching.expected_loss(X, y, start, lr, B, steps) - floor


def plateau_sample(lr=None, batch_size=None, steps=None, seed=0):
    """One run of Exercise 5.4's mini-batch SGD: its loss above the minimum, step by step.

    The process whose mean :func:`plateau_run` gives exactly: every step
    draws a fresh batch of ``batch_size`` distinct examples, uniformly and
    independently of the steps before (not the reshuffled epochs of
    :func:`gdcourse.batching.least_squares_sgd`, a different process).
    Defaults as for :func:`plateau_run`.

    Parameters
    ----------
    lr : float, optional
    batch_size : int, optional
    steps : int, optional
    seed : int, default 0
        The seed of the batches.

    Returns
    -------
    ndarray, shape (steps + 1,)
        The full training loss less the lowest loss, after every step.

    Examples
    --------
    >>> gaps = plateau_sample()
    >>> len(gaps) - 1, bool(np.median(gaps[-96:]) > PLATEAU["target"])
    (384, True)
    """
    lr = PLATEAU["lr"] if lr is None else lr
    B = PLATEAU["batch_size"] if batch_size is None else int(batch_size)
    steps = PLATEAU["budget"] // B if steps is None else steps
    X, y, floor, _ = _line_fit()
    A = np.column_stack([X, np.ones(len(y))])
    rng = np.random.default_rng(seed)
    theta = np.array(PLATEAU["start"], dtype=float)
    losses = np.empty(steps + 1)
    for t in range(steps + 1):
        losses[t] = 0.5 * np.mean((A @ theta - y) ** 2)
        if t < steps:
            rows = rng.choice(len(y), B, replace=False)
            theta = theta - lr / B * A[rows].T @ (A[rows] @ theta - y[rows])
    return losses - floor


def _excess():
    """How far the stalled run's expected loss ends above full-batch descent's, same steps."""
    steps = PLATEAU["budget"] // PLATEAU["batch_size"]
    X, y, _, _ = _line_fit()
    return float(plateau_run()[-1] - plateau_run(batch_size=len(y), steps=steps)[-1])


def _excess_problem(excess):
    """What is wrong with (a)'s evidence, or None when it matches :func:`_excess`.

    Said without the right value, and before the cause is judged.
    """
    steps = PLATEAU["budget"] // PLATEAU["batch_size"]
    rule = (
        "how far the stalled run's expected loss ends above full-batch "
        f"descent's, both after the {steps} steps of the budget: "
        "batching.expected_loss at the run's batch size less the same at "
        "B = N (or gd.exercises.batch_size.plateau_run)"
    )
    excess = _scalar(excess)
    if excess is None:
        return f"Give excess=...: {rule}; the cause is judged once it is right."
    if not finite_real(excess):
        return f"excess must be a number, got {describe(excess)}."
    right = _excess()
    if abs(excess - right) <= _EXCESS_RTOL * right:
        return None
    _, _, floor, _ = _line_fit()
    near = lambda a, b: abs(a - b) <= _EXCESS_RTOL * abs(b)  # noqa: E731
    sample = plateau_sample(seed=PLATEAU["seed"])
    shown = [
        sample[-1],
        float(np.median(sample[steps // 2 : 3 * steps // 4])),
        float(np.median(sample[3 * steps // 4 :])),
    ]
    head = (
        f"Not yet: excess = {excess:.3g} is not within {_EXCESS_RTOL:.0%} "
        "of the stalled run's expected loss above full-batch descent's; the "
        "cause is judged once it is.\nHint: "
    )
    if abs(excess) <= 0.05 * right:
        return head + (
            "that is about full-batch descent's own distance from the minimum "
            "after those steps; the excess is how far the mini-batch run's "
            "expected loss ends above it."
        )
    if near(excess, right + floor):
        return head + (
            "it looks like the expected loss itself, with the lowest loss in "
            "it; subtract full-batch descent's loss after the same steps."
        )
    if any(abs(excess - v) <= 0.05 * abs(v) for v in shown) and not (
        abs(excess - right) <= 0.2 * right
    ):
        return head + (
            "it looks like the loss of the one sampled run in the cell (at "
            "its end, or a median over its steps): one sequence of batches; "
            "the expected loss averages over every sequence, exactly "
            "(batching.expected_loss)."
        )
    if abs(excess - right) <= 0.2 * right:
        return head + (
            "close, but not within 2%: the expected loss is computed exactly, "
            "not estimated from sampled runs (runs that reshuffle by epoch, as "
            "batching.least_squares_sgd does, are another process) nor from a "
            f"formula for the noise floor; compute {rule}."
        )
    return head + f"compute {rule}."


def _cause_verdict(cause, excess):
    if not isinstance(cause, str) or cause.strip().lower() not in _CAUSES:
        return False, f'cause must be "noise" or "rate", got {describe(cause)}.'
    problem = _excess_problem(excess)
    if problem:
        return False, problem
    if cause.strip().lower() == "noise":
        lam_max = _lam_max()
        return True, (
            f"Right: the expected loss ends {_excess():.3g} above full-batch "
            f"descent's, {_excess() / PLATEAU['target']:.0f} times the target: "
            "the noise of the batch holds the run up; full-batch "
            "descent at the same rate does not stall. The rate sets how high "
            "the noise floor sits (here lr * lambda_max = "
            f"{PLATEAU['lr'] * lam_max:.2f}; as it approaches 2 the floor grows "
            "faster than in proportion to the rate), which is why a smaller "
            "rate is one of the cures."
        )
    return False, (
        "Not yet: the rate alone does not stop this run.\nHint: compare the "
        "run with full-batch descent at the same rate and steps: a rate at "
        "which exact gradients would not settle would hold the full batch "
        "back too; and compare the loss's jumps from step to step with its "
        "trend."
    )


def _lam_max():
    """The largest curvature of the line fit's loss."""
    from gdcourse import surfaces

    data = batching.two_weight_problem()
    surface = surfaces.least_squares(data.X_train, data.y_train)
    return float(np.linalg.eigvalsh(surface.hessian(np.zeros(2)))[-1])


def _number(name, value):
    """An error message for a value that is not a positive finite number, else None."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if not finite_real(value) or value <= 0:
        return f"{name} must be a positive number, got {describe(value)}."
    return None


def _scalar(value):
    """A 0-d array as its number; anything else unchanged."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    return value


def _change_verdict(lr, batch_size, predicted):
    B0, lr0 = PLATEAU["batch_size"], PLATEAU["lr"]
    budget, target = PLATEAU["budget"], PLATEAU["target"]
    lr, batch_size = _scalar(lr), _scalar(batch_size)
    if lr is None and batch_size is None:
        return False, (
            "Give one change: a smaller rate (lr=...) or a larger batch "
            "(batch_size=...)."
        )
    if lr is not None and batch_size is not None:
        return False, (
            "Change one thing: give lr or batch_size, not both, so that the "
            "run shows what the change does."
        )
    X, y, _, lam_min = _line_fit()
    if lr is not None:
        message = _number("lr", lr)
        if message:
            return False, message
        lr, B = float(lr), B0
        if lr >= lr0:
            return False, (
                f"Not yet: lr {lr:g} is not smaller than the run's {lr0:g}.\n"
                "Hint: at a fixed batch the noise floor rises with the rate; "
                "the change asked for is a smaller rate or a larger batch."
            )
        what = f"with lr {lr:g} at B = {B0}"
    else:
        if (
            not isinstance(batch_size, (Integral, Real))
            or isinstance(batch_size, (bool, np.bool_))
            or not np.isfinite(batch_size)
            or batch_size != int(batch_size)
            or not 1 <= batch_size <= len(y)
        ):
            return False, (
                f"batch_size must be a whole number from 1 to {len(y)}, got "
                f"{describe(batch_size)}."
            )
        lr, B = lr0, int(batch_size)
        if B <= B0:
            return False, (
                f"Not yet: B = {B} is not larger than the run's {B0}.\n"
                "Hint: a smaller batch is noisier; the change asked for is a "
                "smaller rate or a larger batch."
            )
        what = f"with B = {B} at lr {lr0:g}"
    steps = budget // B
    gaps = plateau_run(lr, B, steps)
    end = float(gaps[-1])
    said = (
        f"{what}, the budget of {budget} examples pays for {steps} steps, "
        f"and the expected loss ends {end:.3g} above the minimum"
    )
    problem = _prediction_problem(predicted, end, steps, lr, B)
    if problem:
        return False, problem
    if end <= target:
        return True, f"Right: {said}, within the target {target:g}, as you predicted."
    # far longer, at least until the slowest direction has shrunk e^-25-fold
    long = int(min(200_000, max(20 * steps, np.ceil(25 / (lr * lam_min)))))
    settled = lr * lam_min * long >= 25
    level = float(plateau_run(lr, B, long)[-1]) if settled else np.inf
    if settled and level > target:
        said += (
            f"; run {long} steps, it settles {level:.3g} above the minimum, "
            f"still above the target {target:g}"
        )
        if lr != lr0:
            hint = (
                "the run reaches its noise floor: its expected loss no longer "
                "trends down; at a fixed batch the floor falls about in "
                "proportion to the rate while the rate is small against the "
                "curvature (the noise floor of the linear scaling section)"
            )
        else:
            hint = (
                "the run reaches its noise floor: its expected loss no longer "
                "trends down; the floor is set by the batch's gradient "
                "variance, which falls like 1/B (5.3)"
            )
        return False, f"Not yet: {said}.\nHint: {hint}."
    said += f", still falling, above the target {target:g}"
    if settled:
        said += (
            f"; run {long} steps, it settles {level:.3g} above the minimum, "
            f"{level / target:.0%} of the target"
        )
    if B != B0:
        # settled: at lr0 the slowest direction shrinks e^-25-fold in `long`
        hint = (
            "the floor is below the target, but each step now costs more of "
            "the budget and too few steps are left for the descent to bring "
            f"the rest of the loss within {target - level:.3g} (the target "
            "less the floor); compare the steps left with the steps "
            f"full-batch descent at this rate needs to come within {target - level:.3g}"
        )
    else:
        low = "the floor is below the target, but " if settled else ""
        hint = (
            f"{low}at this rate the descent itself is too slow for the "
            "budget: the trend, not the noise, limits this run; the error "
            "along the flattest direction shrinks by 1 - lr * lambda_min per "
            "step"
        )
    return False, f"Not yet: {said}.\nHint: {hint}."


def _prediction_problem(predicted, end, steps, lr, B):
    """What is wrong with the reader's predicted loss, or None when it matches ``end``.

    Said before the change is judged, and without ``end``: whether the
    change passes is not given away before its run is computed.
    """
    rule = (
        "the expected loss above the minimum after the steps the budget pays "
        f"for ({steps} here): batching.expected_loss for your change, less "
        "the lowest loss (or gd.exercises.batch_size.plateau_run)"
    )
    predicted = _scalar(predicted)
    if predicted is None:
        return f"Give predicted=...: {rule}; the check then runs your change."
    if not finite_real(predicted):
        return f"predicted must be a number, got {describe(predicted)}."
    near = lambda a, b: abs(a - b) <= _PREDICTION_RTOL * abs(b)  # noqa: E731
    if near(predicted, end):
        return None
    head = (
        f"Not yet: predicted = {predicted:.3g} is not within "
        f"{_PREDICTION_RTOL:.0%} of the expected loss your change gives.\nHint: "
    )
    _, _, floor, lam_min = _line_fit()
    long = int(min(200_000, max(20 * steps, np.ceil(25 / (lr * lam_min)))))
    level = float(plateau_run(lr, B, long)[-1])
    if near(predicted, level) and not near(end, level):
        return head + (
            "it looks like the level the run settles at given unlimited steps "
            f"(its noise floor); the budget pays for {steps} steps, and the "
            "expected loss has not come down to that level by then: compute "
            f"{rule}."
        )
    if near(predicted, end + floor):
        return head + (
            "it looks like the expected loss itself, with the lowest loss in "
            "it; the prediction is its height above the minimum."
        )
    if abs(predicted - end) <= 0.3 * end:
        return head + (
            "close, but not within 3%: the expected loss is computed exactly, "
            "not estimated from sampled runs (runs that reshuffle by epoch, as "
            "batching.least_squares_sgd does, are another process, whose mean "
            "ends lower here) nor from a formula for the noise floor; compute "
            f"{rule}."
        )
    return head + f"compute {rule}, at the rate and batch size of your change."


def check_plateau_fix(cause, excess=None, lr=None, batch_size=None, predicted=None):
    """Check a diagnosis, its evidence and a change for a mini-batch run that stops improving.

    Exercise 5.4, on :data:`PLATEAU`: mini-batch SGD on the chapter's line
    fit at rate 0.3 with batches of 8, from the chapter's start, stalls:
    its expected loss ends well above the target of 0.005 above the
    minimum, though some of a sampled run's steps land within it.  Every
    step draws a fresh batch of distinct examples (:func:`plateau_sample`;
    its mean over all sequences of batches is :func:`plateau_run`).

    Parameters
    ----------
    cause : str
        (a) ``"noise"`` (the batch's gradient noise: a noise floor) or
        ``"rate"`` (a rate at which even exact gradients would not settle:
        full-batch descent overshooting or diverging).
    excess : float
        (a) The evidence: how far the stalled run's expected loss ends above
        full-batch descent's, both after the steps of the budget; matched
        within 2%.  The cause is judged once it is right.
    lr, batch_size : float or int, optional
        (b) One change, the other left ``None``: a smaller rate at the same
        batch, or a larger batch at the same rate.  The check runs it with
        :func:`gdcourse.batching.expected_loss` (the loss averaged over every
        sequence of batches, computed exactly) for as many steps as
        ``PLATEAU["budget"]`` examples pay for, and passes it when the
        expected loss ends within the target.
    predicted : float, optional
        (b) The expected loss above the minimum at the end of the budget
        that the change gives, as the reader computed it; matched within 3%.

    Returns
    -------
    gdcourse.exercises.diagnose.Verdict
        Its ``ok`` and a report on each part; wrong evidence gets what it
        looks like (a sampled run's loss, the loss with the minimum in it,
        full-batch descent's own), a prediction what it looks like (the
        level the change settles at with unlimited steps, the loss with the
        minimum in it, an estimate), and a change that fails what held it back (a floor
        above the target, or a descent still falling at the end of the
        budget), each with a hint that points at the evidence.  It never
        gives a rate or a batch size that passes, nor the loss of a change
        that passes unless ``predicted`` matches it.

    Notes
    -----
    Full-batch descent at rate 0.3 comes within the target in a few dozen
    steps, so exact gradients at this rate settle, and what stops the run is
    the noise; the rate sets how high its floor sits.  A smaller rate lowers
    the floor but slows the descent, and a larger batch lowers the floor
    but leaves fewer steps in the budget: the rates that pass span less
    than a third of a decade (from about 0.021 to 0.041) and the batch
    sizes a few dozen (from 85 to 113).  Those ranges hold round values
    (0.03, a tenth of the run's rate, and B = 100), so the change alone
    proves little, and the predicted loss, within 3%, does not rule out
    every shortcut: at rates from about 0.03 up the run has settled within
    its budget, so the level it settles at with unlimited steps, and the
    noise-floor formula of the chapter's linear scaling section, come
    within 3% of its end-of-budget loss and pass with the round guess
    0.03.  Only where the budget still binds by more than 3% (at smaller
    rates, and at B = 100) does the prediction ask for the run the change
    makes within its budget.

    Examples
    --------
    >>> check_plateau_fix("rate", 0.0616, lr=0.1, predicted=0.0133)
    (a) Not yet: the rate alone does not stop this run.
    Hint: compare the run with full-batch descent at the same rate and steps: a rate at which exact gradients would not settle would hold the full batch back too; and compare the loss's jumps from step to step with its trend.
    (b) Not yet: with lr 0.1 at B = 8, the budget of 3072 examples pays for 384 steps, and the expected loss ends 0.0133 above the minimum; run 7680 steps, it settles 0.0133 above the minimum, still above the target 0.005.
    Hint: the run reaches its noise floor: its expected loss no longer trends down; at a fixed batch the floor falls about in proportion to the rate while the rate is small against the curvature (the noise floor of the linear scaling section).
    """
    ok_a, text_a = _cause_verdict(cause, excess)
    ok_b, text_b = _change_verdict(lr, batch_size, predicted)
    return dg.Verdict(ok_a and ok_b, f"(a) {text_a}\n(b) {text_b}")

"""Checkers of chapter 5: batch size."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from gdcourse import batching

from . import diagnose as dg
from .core import check, describe

__all__ = ["check_batch_noise", "check_fpc_factor", "check_plateau_fix"]


def _batch_noise(G, B):
    return batching.gradient_variance_theory(G, B, replace=True)


def _spread(G):
    """The per-example spread sigma^2 (the variance of one example's gradient)."""
    return batching.gradient_variance_theory(G, 1, replace=True)


_BATCH_NOISE_MISTAKES = (
    dg.variant(
        lambda G, B: _spread(G) / B * (len(G) - B) / (len(G) - 1),
        "the variance of a batch of distinct examples",
        "here the B examples are drawn independently, with replacement, so "
        "the same example can come twice and no correction applies",
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
    rows, and one to three coordinates.

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
    G6 = np.array([[2.0], [4.0], [4.0], [6.0], [9.0], [5.0]])
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


def _cause_verdict(cause):
    if not isinstance(cause, str) or cause.strip().lower() not in _CAUSES:
        return False, f'cause must be "noise" or "rate", got {describe(cause)}.'
    if cause.strip().lower() == "noise":
        return True, (
            "Right: the noise of the batch holds the run up; full-batch "
            "descent at the same rate does not stall."
        )
    return False, (
        "Not yet: the rate alone does not stop this run.\nHint: compare the "
        "run with full-batch descent at the same rate and steps: a rate "
        "too large for the curvature would hold the full batch back too; "
        "and compare the loss's jumps from step to step with its trend."
    )


def _number(name, value):
    """An error message for a value that is not a positive finite number, else None."""
    if (
        not isinstance(value, Real)
        or isinstance(value, bool)
        or not np.isfinite(value)
        or value <= 0
    ):
        return f"{name} must be a positive number, got {describe(value)}."
    return None


def _change_verdict(lr, batch_size):
    B0, lr0 = PLATEAU["batch_size"], PLATEAU["lr"]
    budget, target = PLATEAU["budget"], PLATEAU["target"]
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
            or isinstance(batch_size, bool)
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
    if end <= target:
        return True, f"Right: {said}, within the target {target:g}."
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
                "the run reaches its noise floor: its loss no longer trends "
                "down, it jitters; at a fixed batch the floor falls about in "
                "proportion to the rate while the rate is small against the "
                "curvature (the noise floor of the linear scaling section)"
            )
        else:
            hint = (
                "the run reaches its noise floor: its loss no longer trends "
                "down, it jitters; the floor is set by the batch's gradient "
                "variance, which falls like 1/B (5.3)"
            )
        return False, f"Not yet: {said}.\nHint: {hint}."
    said += f", still falling, above the target {target:g}"
    low = "the floor is low enough, but " if settled else ""
    if B != B0:
        hint = (
            f"{low}each step now costs more of the budget and too few steps "
            "are left; compare them with the steps full-batch descent at "
            "this rate needs to come within the target"
        )
    else:
        hint = (
            f"{low}at this rate the descent itself is too slow for the "
            "budget: the trend, not the jitter, limits this run; the error "
            "along the flattest direction shrinks by 1 - lr * lambda_min per "
            "step"
        )
    return False, f"Not yet: {said}.\nHint: {hint}."


def check_plateau_fix(cause, lr=None, batch_size=None):
    """Check a diagnosis and a change for a mini-batch run that stops improving.

    Exercise 5.4, on :data:`PLATEAU`: mini-batch SGD on the chapter's line
    fit at rate 0.3 with batches of 8, from the chapter's start, stalls
    well above the target of 0.005 above the minimum.

    Parameters
    ----------
    cause : str
        (a) ``"noise"`` (the batch's gradient noise: a noise floor) or
        ``"rate"`` (a rate too large for the curvature).
    lr, batch_size : float or int, optional
        (b) One change, the other left ``None``: a smaller rate at the same
        batch, or a larger batch at the same rate.  The check runs it with
        :func:`gdcourse.batching.expected_loss` (the loss averaged over every
        sequence of batches, computed exactly) for as many steps as
        ``PLATEAU["budget"]`` examples pay for, and passes it when the
        expected loss ends within the target.

    Returns
    -------
    gdcourse.exercises.diagnose.Verdict
        Its ``ok`` and a report on each part; a change that fails gets what
        held it back (a floor above the target, or a descent still falling
        at the end of the budget) and a hint that points at the evidence.
        It never gives a rate or a batch size that passes.

    Notes
    -----
    Full-batch descent at rate 0.3 comes within the target in a few dozen
    steps, so the rate is not what stops the run.  A smaller rate lowers
    the floor but slows the descent, and a larger batch lowers the floor
    but leaves fewer steps in the budget: each passes in a narrow range,
    and neither range holds a power of ten or of two.

    Examples
    --------
    >>> check_plateau_fix("rate", lr=0.1)
    (a) Not yet: the rate alone does not stop this run.
    Hint: compare the run with full-batch descent at the same rate and steps: a rate too large for the curvature would hold the full batch back too; and compare the loss's jumps from step to step with its trend.
    (b) Not yet: with lr 0.1 at B = 8, the budget of 3072 examples pays for 384 steps, and the expected loss ends 0.0133 above the minimum; run 7680 steps, it settles 0.0133 above the minimum, still above the target 0.005.
    Hint: the run reaches its noise floor: its loss no longer trends down, it jitters; at a fixed batch the floor falls about in proportion to the rate while the rate is small against the curvature (the noise floor of the linear scaling section).
    """
    ok_a, text_a = _cause_verdict(cause)
    ok_b, text_b = _change_verdict(lr, batch_size)
    return dg.Verdict(ok_a and ok_b, f"(a) {text_a}\n(b) {text_b}")

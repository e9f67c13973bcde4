"""Checkers of chapter 6: learning-rate schedules."""

from __future__ import annotations

import numpy as np

from . import diagnose as dg
from .core import check

__all__ = ["check_cosine_warmup", "check_early_stopping", "check_noise_floor"]


def _cosine_warmup(t, lr_max, warmup_steps, total_steps):
    from gdcourse import schedules

    sched = schedules.warmup(
        schedules.cosine(lr_max, total_steps - warmup_steps), warmup_steps
    )
    return sched(np.asarray(t))


def _cosine_over_all_steps(t, lr_max, warmup_steps, total_steps):
    from gdcourse import schedules

    sched = schedules.warmup(schedules.cosine(lr_max, total_steps), warmup_steps)
    return sched(np.asarray(t))


def _ramp_from_zero(t, lr_max, warmup_steps, total_steps):
    t = np.asarray(t)
    decay = _cosine_warmup(t, lr_max, warmup_steps, total_steps)
    return np.where(t < warmup_steps, lr_max * t / warmup_steps, decay)


_COSINE_WARMUP_MISTAKES = (
    dg.variant(
        _cosine_over_all_steps,
        "a cosine over all total_steps where it should span the steps after the warmup",
        "the cosine starts when the warmup ends and reaches 0 at total_steps",
    ),
    dg.variant(
        _ramp_from_zero,
        "a warmup ramp that starts at 0",
        "step 0 already trains, so its rate is not 0; "
        "the ramp reaches lr_max exactly at t = warmup_steps",
    ),
    dg.factor(
        ("lr_max", lambda t, lr_max, warmup_steps, total_steps: lr_max),
        hint="the whole schedule scales with lr_max",
        constant=False,
    ),
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


def check_cosine_warmup(function):
    """Check ``function(t, lr_max, warmup_steps, total_steps)``: cosine decay after a linear warmup.

    The reference is :mod:`gdcourse.schedules`:
    ``warmup(cosine(lr_max, total_steps - warmup_steps), warmup_steps)(t)``.

    Parameters
    ----------
    function : callable
        The reader's schedule; ``t`` is an integer array of steps.

    Returns
    -------
    CheckResult

    Notes
    -----
    With :math:`W` warmup steps and :math:`T` steps in all,

    .. math::
        \\eta_t = \\begin{cases}
            \\eta_{\\max} \\dfrac{t + 1}{W + 1} & t < W \\\\
            \\tfrac12 \\eta_{\\max} \\left(1 + \\cos \\dfrac{\\pi (t - W)}{T - W}\\right) & t \\ge W.
        \\end{cases}

    Examples
    --------
    >>> def cosine_warmup(t, lr_max, warmup_steps, total_steps):
    ...     ramp = lr_max * (t + 1) / (warmup_steps + 1)
    ...     u = np.maximum(t - warmup_steps, 0) / (total_steps - warmup_steps)
    ...     return np.where(t < warmup_steps, ramp, lr_max * (1 + np.cos(np.pi * u)) / 2)
    >>> check_cosine_warmup(cosine_warmup)
    All 4 cases passed: cosine_warmup(t, lr_max, warmup_steps, total_steps) is right.

    A classic mistake, the cosine over all the steps:

    >>> def over_all(t, lr_max, warmup_steps, total_steps):
    ...     ramp = lr_max * (t + 1) / (warmup_steps + 1)
    ...     u = np.maximum(t - warmup_steps, 0) / total_steps
    ...     return np.where(t < warmup_steps, ramp, lr_max * (1 + np.cos(np.pi * u)) / 2)
    >>> check_cosine_warmup(over_all)
    0 of 4 cases passed before one failed.
    Case 1: cosine_warmup(array([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11]), 1, 3, 12)
      expected: array([0.25    , 0.5     , 0.75    , 1.      , 0.969846, 0.883022, 0.75    ,
     0.586824, 0.413176, 0.25    , 0.116978, 0.030154])
      got:      array([0.25    , 0.5     , 0.75    , 1.      , 0.982963, 0.933013, 0.853553,
     0.75    , 0.62941 , 0.5     , 0.37059 , 0.25    ])
      the numbers differ
      It looks like a cosine over all total_steps where it should span the steps after the warmup. Hint: the cosine starts when the warmup ends and reaches 0 at total_steps.
    """
    cases = [
        (np.arange(12), 1.0, 3, 12),
        (np.arange(0, 100, 9), 0.1, 10, 100),
        (np.arange(20), 0.5, 1, 20),
        (np.array([0, 19, 20, 21, 60, 99]), 0.3, 20, 100),
    ]
    return check(
        function,
        _cosine_warmup,
        cases,
        name="cosine_warmup(t, lr_max, warmup_steps, total_steps)",
        diagnoses=_COSINE_WARMUP_MISTAKES,
    )


def _early_stopping(val_losses, patience):
    from gdcourse.training import EarlyStopping

    stopper = EarlyStopping(patience)
    for loss in val_losses:
        if stopper.step(float(loss)):
            break
    return stopper.best_epoch, stopper.epoch


def _counted_from_zero(val_losses, patience):
    best, stop = _early_stopping(val_losses, patience)
    return best - 1, stop - 1


def _stops_late(val_losses, patience):
    return _early_stopping(val_losses, patience + 1)


def _stops_early(val_losses, patience):
    return _early_stopping(val_losses, patience - 1) if patience > 1 else (1, 1)


def _equal_improves(val_losses, patience):
    best, best_epoch, wait = np.inf, 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss <= best:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
        if wait >= patience:
            return best_epoch, epoch
    return best_epoch, len(val_losses)


_EARLY_STOPPING_MISTAKES = (
    dg.variant(
        _counted_from_zero,
        "epochs counted from 0",
        "val_losses[i] is the loss after epoch i + 1: epochs count from 1",
    ),
    dg.variant(
        _equal_improves,
        "a loss equal to the best counted as an improvement",
        "an epoch improves only when its loss is strictly below the best so far",
    ),
    dg.variant(
        _stops_late,
        "a stop one epoch late: patience + 1 epochs without improvement",
        "training stops after the epoch at which the counter reaches patience",
    ),
    dg.variant(
        _stops_early,
        "a stop one epoch early: patience - 1 epochs without improvement",
        "the counter must reach patience, not patience - 1",
    ),
    dg.components(
        ("best_epoch", "stop_epoch"),
        notes={
            ("stop_epoch",): "the best epoch is right; check when the counter "
            "grows, when it resets and when it stops training",
            ("best_epoch",): "the stop is right; check which epoch holds the "
            "lowest loss (the first one, if several are equal)",
        },
    ),
    dg.raised(),
)


def check_early_stopping(function):
    """Check ``function(val_losses, patience)``: which epoch is best and when training stops.

    ``val_losses[i]`` is the validation loss after epoch ``i + 1``. The answer is the pair
    ``(best_epoch, stop_epoch)``, epochs counted from 1, under the rule of
    :class:`gdcourse.training.EarlyStopping` (with ``min_delta=0``).

    Parameters
    ----------
    function : callable
        The reader's rule.

    Returns
    -------
    CheckResult

    Notes
    -----
    An epoch improves when its loss is below every earlier one; each epoch
    that does not improve adds one to a counter that an improvement resets to
    0; training stops after the epoch at which the counter reaches
    ``patience`` (or after the last epoch). If the best epoch is :math:`b` and
    nothing improves afterwards, training stops after epoch :math:`b + p`.

    Examples
    --------
    >>> def early_stopping(val_losses, patience):
    ...     best, best_epoch, wait = float("inf"), 0, 0
    ...     for epoch, loss in enumerate(val_losses, start=1):
    ...         if loss < best:
    ...             best, best_epoch, wait = loss, epoch, 0
    ...         else:
    ...             wait += 1
    ...         if wait == patience:
    ...             return best_epoch, epoch
    ...     return best_epoch, len(val_losses)
    >>> check_early_stopping(early_stopping)
    All 5 cases passed: early_stopping(val_losses, patience) is right.

    A classic mistake, stopping one epoch late:

    >>> check_early_stopping(lambda losses, patience: early_stopping(losses, patience + 1))
    0 of 5 cases passed before one failed.
    Case 1: early_stopping(array([1.  , 0.8 , 0.7 , 0.75, 0.72, 0.71, 0.9 ]), 3)
      expected: (3, 6)
      got:      (3, 7)
      the numbers differ
      It looks like a stop one epoch late: patience + 1 epochs without improvement. Hint: training stops after the epoch at which the counter reaches patience.
    """
    cases = [
        (np.array([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9]), 3),
        (np.array([1.0, 0.9, 0.8, 0.7, 0.6]), 2),
        (np.array([0.5, 0.5, 0.5, 0.4, 0.6]), 2),
        (np.array([0.5, 0.6, 0.4, 0.45, 0.41, 0.39, 0.5, 0.5]), 1),
        (np.array([2.0, 1.0, 1.5, 0.9, 1.2, 1.1, 1.0, 0.95, 0.3]), 4),
    ]
    return check(
        function,
        _early_stopping,
        cases,
        name="early_stopping(val_losses, patience)",
        diagnoses=_EARLY_STOPPING_MISTAKES,
    )


def _noise_floor(lr, lams, sigma):
    from gdcourse import theory

    return theory.noise_floor(lr, lams, sigma**2)


_NOISE_FLOOR_MISTAKES = (
    dg.variant(
        lambda lr, lams, sigma: len(lams) * lr * sigma**2 / 4,
        "the small-rate approximation d lr sigma^2 / 4",
        "keep the factor 2 - lr * lambda_i of each direction: "
        "it is far from 2 when the rate is not small",
    ),
    dg.variant(
        lambda lr, lams, sigma: float(np.sum(lr * sigma / (2 * (2 - lr * lams)))),
        "sigma where its square belongs",
        "the noise adds lr**2 * sigma**2 to the variance of w at every step",
    ),
    dg.variant(
        lambda lr, lams, sigma: float(np.sum(lr * sigma**2 / (lams * (2 - lr * lams)))),
        "the variance of the weights, not the loss above the minimum",
        "along each direction the loss is lambda_i / 2 times the variance of w_i",
    ),
    dg.factor(
        ("2", lambda lr, lams, sigma: 2),
        hint="check the 1/2 of the loss and the 2 in 2 - lr * lambda_i",
    ),
    dg.not_finite(),
    dg.raised(),
)


def check_noise_floor(function):
    """Check ``function(lr, lams, sigma)``: the loss at which noisy gradient descent settles.

    The answer is the mean loss above the minimum of gradient descent with a
    constant rate ``lr`` on the quadratic with curvatures ``lams`` (an array),
    when every gradient component carries independent noise of standard
    deviation ``sigma``, once the run has settled.

    Parameters
    ----------
    function : callable
        The reader's formula, as a function.

    Returns
    -------
    CheckResult

    Notes
    -----
    Along a direction of curvature :math:`\\lambda` a step is
    :math:`w \\leftarrow (1 - \\eta\\lambda) w - \\eta\\sigma\\xi`; the
    stationary variance solves :math:`v = (1 - \\eta\\lambda)^2 v +
    \\eta^2\\sigma^2`, and the loss there is :math:`\\tfrac12 \\lambda v`:

    .. math:: \\mathbb E[f(w) - f^\\star] = \\sum_i
              \\frac{\\eta\\,\\sigma^2}{2\\,(2 - \\eta\\lambda_i)}

    (:func:`gdcourse.theory.noise_floor`).

    Examples
    --------
    >>> def noise_floor(lr, lams, sigma):
    ...     return float(np.sum(lr * sigma**2 / (2 * (2 - lr * lams))))
    >>> check_noise_floor(noise_floor)
    All 5 cases passed: noise_floor(lr, lams, sigma) is right.

    A classic mistake, the small-rate approximation:

    >>> check_noise_floor(lambda lr, lams, sigma: len(lams) * lr * sigma**2 / 4)
    0 of 5 cases passed before one failed.
    Case 1: noise_floor(0.1, array([0.1, 1. ]), 1)
      expected: 0.0514414
      got:      0.05
      the numbers differ
      It looks like the small-rate approximation d lr sigma^2 / 4. Hint: keep the factor 2 - lr * lambda_i of each direction: it is far from 2 when the rate is not small.
    """
    cases = [
        (0.1, np.array([0.1, 1.0]), 1),
        (0.2, np.array([0.1, 1.0]), 0.5),
        (1.5, np.array([1.0]), 0.3),
        (0.01, np.array([0.5, 2.0, 4.0]), 2.0),
        (0.9, np.array([0.2, 2.0]), 1.5),
    ]
    return check(
        function,
        _noise_floor,
        cases,
        name="noise_floor(lr, lams, sigma)",
        diagnoses=_NOISE_FLOOR_MISTAKES,
    )

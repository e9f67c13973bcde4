"""Checkers of chapter 6: learning-rate schedules."""

from __future__ import annotations

from functools import lru_cache
from numbers import Real

import numpy as np

from . import diagnose as dg
from .core import check, describe
from .gradient_descent import _above
from .vanishing_gradients import _below

__all__ = [
    "check_cosine_warmup",
    "check_early_stopping",
    "check_noise_floor",
    "check_schedule_choice",
    "DECIDE",
]


def _copies(args):
    return [np.copy(a) if isinstance(a, np.ndarray) else a for a in args]


def _same(a, b):
    """Whether two answers agree: numbers or arrays, or tuples of them."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(dg.close(x, y) for x, y in zip(a, b))
    return dg.close(a, b)


def _variant(wrong, what, hint, cases, reference):
    """:func:`~gdcourse.exercises.diagnose.variant`, given only if ``wrong`` explains *every* case.

    A diagnosis sees only the failing cases.  This one also asks that the
    mistake gives the right answer on each case that passed, so it is named
    only when it reproduces the reader's whole record, not just the failures.
    """
    loose = dg.variant(wrong, what, hint)

    def diagnosis(failing):
        def failed(case):
            return any(
                len(o.args) == len(case) and all(a is b for a, b in zip(o.args, case))
                for o in failing
            )

        for case in cases:
            if not failed(case) and not _same(
                wrong(*_copies(case)), reference(*_copies(case))
            ):
                return None
        return loose(failing)

    return diagnosis


def _array_if(failing):
    """An ``if`` on an array of steps: NumPy cannot tell whether it is true."""
    for o in failing:
        if not (isinstance(o.error, ValueError) and "truth value" in str(o.error)):
            return None
    return dg.say(
        "an `if` (or `and`, `or`, `max`) on the whole array of steps",
        "t holds many steps at once, and each needs its own branch: "
        "np.where(condition, a, b) chooses element by element",
    )


def _math_on_arrays(failing):
    """A function of the ``math`` module given an array."""
    for o in failing:
        text = str(o.error)
        if not (isinstance(o.error, TypeError) and "arrays can be converted" in text):
            return None
    return dg.say(
        "a function of the math module (math.cos) given an array",
        "math.cos takes one number; np.cos takes a whole array",
    )


def _cosine_warmup(t, lr_max, warmup_steps, total_steps):
    from gdcourse import schedules

    sched = schedules.warmup(
        schedules.cosine(lr_max, total_steps - warmup_steps), warmup_steps
    )
    return sched(np.asarray(t))


def _with_parts(t, lr_max, warmup_steps, total_steps, ramp=None, decay=None):
    """The reference schedule with its ramp or its decay replaced."""
    t = np.asarray(t)
    right = _cosine_warmup(t, lr_max, warmup_steps, total_steps)
    if ramp is not None:
        right = np.where(t < warmup_steps, ramp, right)
    if decay is not None:
        right = np.where(t < warmup_steps, right, decay)
    return right


def _half_cosine(lr_max, x):
    return 0.5 * lr_max * (1 + np.cos(np.pi * x))


_COSINE_WARMUP_CASES = [
    (np.arange(12), 1.0, 3, 12),
    (np.arange(0, 100, 9), 0.1, 10, 100),
    (np.arange(20), 0.5, 1, 20),
    (np.array([0, 19, 20, 21, 60, 99]), 0.3, 20, 100),
]


def _cosine_variant(wrong, what, hint):
    return _variant(wrong, what, hint, _COSINE_WARMUP_CASES, _cosine_warmup)


_COSINE_WARMUP_MISTAKES = (
    _cosine_variant(
        lambda t, lr, W, T: _with_parts(t, lr, W, T, ramp=lr * np.asarray(t) / W),
        "the ramp lr_max * t / warmup_steps, which starts at 0 "
        "(the convention of many libraries, e.g. Hugging Face's "
        "get_linear_schedule_with_warmup)",
        "this course's convention, gd.schedules.warmup, gives step 0 a "
        "nonzero rate: lr_max * (t + 1) / (warmup_steps + 1), which reaches "
        "lr_max at t = warmup_steps, where the cosine starts",
    ),
    _cosine_variant(
        lambda t, lr, W, T: _with_parts(t, lr, W, T, ramp=lr * (np.asarray(t) + 1) / W),
        "the ramp lr_max * (t + 1) / warmup_steps, which reaches lr_max "
        "one step before the cosine starts",
        "in this course's convention the ramp reaches lr_max at "
        "t = warmup_steps, the first step of the cosine: divide by "
        "warmup_steps + 1",
    ),
    _cosine_variant(
        lambda t, lr, W, T: _with_parts(
            t, lr, W, T, ramp=lr * ((np.asarray(t) + 1) // (W + 1))
        ),
        "integer division (//) in the ramp: it is 0 until the warmup ends",
        "// rounds down to a whole number; / divides",
    ),
    _cosine_variant(
        lambda t, lr, W, T: _with_parts(
            t, lr, W, T, decay=_half_cosine(lr, (np.asarray(t) - W) / T)
        ),
        "a cosine over all total_steps where it should span the steps after the warmup",
        "the cosine starts when the warmup ends and reaches 0 at total_steps",
    ),
    _cosine_variant(
        lambda t, lr, W, T: _with_parts(
            t, lr, W, T, decay=_half_cosine(lr, np.asarray(t) / T)
        ),
        "a cosine over all total_steps that starts at step 0, under the warmup",
        "the cosine starts when the warmup ends, so its clock is "
        "t - warmup_steps, and it reaches 0 at total_steps",
    ),
    _cosine_variant(
        lambda t, lr, W, T: _with_parts(
            t, lr, W, T, decay=_half_cosine(lr, np.asarray(t) / (T - W))
        ),
        "a cosine of t where it should be of t - warmup_steps",
        "the cosine starts when the warmup ends: its clock is the number "
        "of steps since then",
    ),
    _cosine_variant(
        lambda t, lr, W, T: _with_parts(
            t, lr, W, T, decay=_half_cosine(lr, (np.asarray(t) - W) / (T - W - 1))
        ),
        "a cosine that reaches 0 at the last step, total_steps - 1",
        "this course's cosine reaches 0 at t = total_steps, one step after "
        "the last (PyTorch's CosineAnnealingLR with T_max = total_steps - "
        "warmup_steps): divide by total_steps - warmup_steps",
    ),
    _cosine_variant(
        lambda t, lr, W, T: _with_parts(
            t, lr, W, T, decay=lr * np.cos(np.pi * (np.asarray(t) - W) / (T - W))
        ),
        "lr_max * cos(...), which falls to -lr_max",
        "the decay runs from lr_max down to 0: half a cosine, lifted by 1 and halved",
    ),
    dg.factor(
        ("lr_max", lambda t, lr_max, warmup_steps, total_steps: lr_max),
        hint="the whole schedule scales with lr_max",
    ),
    dg.sign(
        "a rate is a positive step size; the minus sign belongs to the "
        "update w - lr * g, not to the schedule"
    ),
    dg.not_finite(),
    dg.wrong_shape(),
    _array_if,
    _math_on_arrays,
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

    The ramp is this course's convention (:func:`gdcourse.schedules.warmup`):
    step 0 already trains at :math:`\\eta_{\\max}/(W + 1)`. Many libraries
    ramp as :math:`\\eta_{\\max} t / W` from 0 instead (Hugging Face's
    ``get_linear_schedule_with_warmup``); the checker names that convention
    when it sees it.

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
    return check(
        function,
        _cosine_warmup,
        _COSINE_WARMUP_CASES,
        name="cosine_warmup(t, lr_max, warmup_steps, total_steps)",
        diagnoses=_COSINE_WARMUP_MISTAKES,
    )


def _early_stopping(val_losses, patience, min_delta=0.0):
    from gdcourse.training import EarlyStopping

    stopper = EarlyStopping(patience, min_delta=min_delta)
    for loss in val_losses:
        if stopper.step(float(loss)):
            break
    return stopper.best_epoch, stopper.epoch


def _walk(val_losses, patience, *, judge="best", reset=True, test_first=False, start=1):
    """The rule of :func:`_early_stopping` with one part changed: a classic mistake.

    ``judge="previous"`` calls an epoch an improvement (and the best) when it
    beats the epoch before it; ``judge="previous counter"`` only resets the
    counter that way and keeps the lowest loss as the best; ``reset=False``
    never resets the counter; ``test_first`` tests the counter before
    counting the epoch; ``start=0`` counts epochs from 0.
    """
    best, best_epoch, wait, previous = np.inf, 0, 0, np.inf
    for epoch, loss in enumerate(val_losses, start=start):
        if test_first and wait == patience:
            return best_epoch, epoch
        if loss < (best if judge == "best" else previous):
            wait = 0 if reset else wait
            best_epoch = epoch if judge == "previous" else best_epoch
        else:
            wait += 1
        if loss < best:
            best = loss
            best_epoch = best_epoch if judge == "previous" else epoch
        previous = loss
        if not test_first and wait == patience:
            return best_epoch, epoch
    return best_epoch, len(val_losses)


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


_EARLY_STOPPING_CASES = [
    (np.array([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9]), 3),
    (np.array([1.0, 0.9, 0.8, 0.7, 0.6]), 2),
    (np.array([0.5, 0.5, 0.5, 0.4, 0.6]), 2),
    (np.array([0.5, 0.6, 0.4, 0.45, 0.41, 0.39, 0.5, 0.5]), 1),
    (np.array([2.0, 1.0, 1.5, 0.9, 1.2, 1.1, 1.0, 0.95, 0.3]), 4),
    # two epochs without improvement, then a new best: only a counter that
    # an improvement resets survives them
    (np.array([1.0, 1.1, 1.2, 0.9, 1.0, 1.0, 1.0, 0.8]), 3),
    # losses that fall again without reaching the best: each beats the
    # epoch before it, none is an improvement
    (np.array([1.0, 0.5, 0.9, 0.8, 0.7, 0.6, 0.55, 0.4]), 2),
    # a new best by a small gain (0.01) is still an improvement: a rule
    # that asks for a margin stops after epoch 3 with epoch 1 as the best
    (np.array([1.0, 0.99, 1.1, 1.1, 0.5]), 2),
]


def _stopping_variant(wrong, what, hint):
    return _variant(wrong, what, hint, _EARLY_STOPPING_CASES, _early_stopping)


def _margins(cases, largest=0.25):
    """Margins that stand for every margin up to ``largest`` on these cases.

    A rule that asks an improvement to beat the best by more than a margin
    changes its answer to a case only where the margin crosses a gap between
    two of the case's losses. The gaps themselves (a margin written as a round
    number often equals one, up to rounding), the points between neighbouring
    gaps and a few round numbers cover every behaviour.
    """
    gaps = sorted(
        {
            float(a - b)
            for losses, _ in cases
            for i, a in enumerate(losses)
            for b in losses[i + 1 :]
            if 0 < a - b <= largest
        }
    )
    between = [(a + b) / 2 for a, b in zip(gaps, gaps[1:])]
    rounds = [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2]
    return sorted(set(gaps + between + rounds))


def _margin(failing):
    """An improvement that has to beat the best by a margin (``min_delta > 0``)."""
    for margin in _margins(_EARLY_STOPPING_CASES):
        found = _stopping_variant(
            lambda v, p, m=margin: _early_stopping(v, p, min_delta=m),
            "an epoch counted as an improvement only when it beats the best "
            "so far by some margin",
            "the rule has no margin: a loss below the best so far is an "
            "improvement, however small the gain",
        )(failing)
        if found is not None:
            return found
    return None


_FROM_ONE = "val_losses[i] is the loss after epoch i + 1: epochs count from 1"
_AGAINST_BEST = (
    "an epoch improves only when its loss is below the best so far; "
    "beating the epoch before it is not enough"
)

_EARLY_STOPPING_MISTAKES = (
    _stopping_variant(_counted_from_zero, "epochs counted from 0", _FROM_ONE),
    _stopping_variant(
        lambda v, p: _walk(v, p, start=0), "epochs counted from 0", _FROM_ONE
    ),
    _stopping_variant(
        _equal_improves,
        "a loss equal to the best counted as an improvement",
        "an epoch improves only when its loss is strictly below the best so far",
    ),
    _stopping_variant(
        lambda v, p: _walk(v, p, reset=False),
        "a counter that an improvement does not reset: it counts every "
        "epoch without improvement since the start",
        "an improvement sets the counter back to 0, so that it counts the "
        "epochs in a row since the best one",
    ),
    _stopping_variant(
        lambda v, p: _walk(v, p, judge="previous counter"),
        "a counter reset by any epoch that beats the one before it, "
        "not only by a new best",
        _AGAINST_BEST,
    ),
    _stopping_variant(
        lambda v, p: _walk(v, p, judge="previous"),
        "improvements judged against the epoch before, not the best so far",
        _AGAINST_BEST,
    ),
    _stopping_variant(
        lambda v, p: _walk(v, p, test_first=True),
        "the counter tested before the epoch is counted: training stops one "
        "epoch after the counter reached patience, whatever that epoch's loss",
        "count the epoch first, then test the counter, in the same epoch",
    ),
    _stopping_variant(
        _stops_late,
        "a stop one epoch late: after patience + 1 epochs in a row without improvement",
        "training stops right after the epoch that brings the counter to patience",
    ),
    _stopping_variant(
        _stops_early,
        "a stop one epoch early: after patience - 1 epochs in a row without improvement",
        "an improving epoch leaves the counter at 0 and each epoch without "
        "improvement adds 1: stop when it equals patience",
    ),
    _stopping_variant(
        lambda v, p: (int(np.argmin(v)) + 1, _early_stopping(v, p)[1]),
        "the lowest loss of the whole list, including epochs after the stop",
        "training never sees the losses after it stops: the best epoch is "
        "the best one up to the stop",
    ),
    _stopping_variant(
        lambda v, p: (float(v[_early_stopping(v, p)[0] - 1]), _early_stopping(v, p)[1]),
        "the best loss where its epoch belongs",
        "best_epoch is the number of the epoch (counted from 1) with the best loss",
    ),
    _stopping_variant(
        lambda v, p: _early_stopping(v, p)[::-1],
        "the two answers in the other order",
        "return (best_epoch, stop_epoch)",
    ),
    _margin,
    dg.components(
        ("best_epoch", "stop_epoch"),
        notes={
            ("stop_epoch",): "the best epoch is right; check when the counter "
            "grows, when it resets, when it stops training and what is "
            "returned when it never stops early",
            ("best_epoch",): "the stop is right; the best epoch is the one "
            "with the lowest loss up to the stop (the first, if several are equal)",
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

    A classic mistake is named only when it reproduces the answer to every
    case, the ones that passed included; the sixth and seventh cases tell a
    counter that is never reset, and one reset by beating the previous
    epoch, from a stop one epoch early or late; the last one catches an
    improvement that has to beat the best by a margin (0.01 is enough).

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
    All 8 cases passed: early_stopping(val_losses, patience) is right.

    A classic mistake, a counter that an improvement does not reset:

    >>> def no_reset(val_losses, patience):
    ...     best, best_epoch, wait = float("inf"), 0, 0
    ...     for epoch, loss in enumerate(val_losses, start=1):
    ...         if loss < best:
    ...             best, best_epoch = loss, epoch
    ...         else:
    ...             wait += 1
    ...         if wait == patience:
    ...             return best_epoch, epoch
    ...     return best_epoch, len(val_losses)
    >>> check_early_stopping(no_reset)
    4 of 8 cases passed before one failed.
    Case 5: early_stopping(array([2.  , 1.  , 1.5 , 0.9 , 1.2 , 1.1 , 1.  , 0.95, 0.3 ]), 4)
      expected: (4, 8)
      got:      (4, 7)
      the numbers differ
      It looks like a counter that an improvement does not reset: it counts every epoch without improvement since the start. Hint: an improvement sets the counter back to 0, so that it counts the epochs in a row since the best one.
    """
    return check(
        function,
        _early_stopping,
        _EARLY_STOPPING_CASES,
        name="early_stopping(val_losses, patience)",
        diagnoses=_EARLY_STOPPING_MISTAKES,
    )


def _noise_floor(lr, lams, sigma):
    from gdcourse import theory

    return theory.noise_floor(lr, lams, sigma**2)


_NOISE_FLOOR_CASES = [
    (0.1, np.array([0.1, 1.0]), 1),
    (0.2, np.array([0.1, 1.0]), 0.5),
    (1.5, np.array([1.0]), 0.3),
    (0.01, np.array([0.5, 2.0, 4.0]), 2.0),
    (0.9, np.array([0.2, 2.0]), 1.5),
]


def _floor_variant(wrong, what, hint):
    return _variant(wrong, what, hint, _NOISE_FLOOR_CASES, _noise_floor)


def _per_direction(lr, lams, sigma, loss):
    """A sum over directions of ``loss(lr, lam, sigma)``."""
    return float(np.sum(loss(lr, np.asarray(lams, dtype=float), sigma)))


_VARIANCE_HINT = (
    "along each direction the loss is lambda_i / 2 times the variance of w_i"
)

_NOISE_FLOOR_MISTAKES = (
    _floor_variant(
        lambda lr, lams, sigma: len(lams) * lr * sigma**2 / 4,
        "the small-rate approximation d lr sigma^2 / 4",
        "keep the factor 2 - lr * lambda_i of each direction: "
        "it is far from 2 when the rate is not small",
    ),
    _floor_variant(
        lambda lr, lams, sigma: _per_direction(
            lr, lams, sigma, lambda e, lam, s: e * s / (2 * (2 - e * lam))
        ),
        "sigma where its square belongs",
        "the noise adds lr**2 * sigma**2 to the variance of w at every step",
    ),
    _floor_variant(
        lambda lr, lams, sigma: _per_direction(
            lr, lams, sigma, lambda e, lam, s: e * s**2 / (lam * (2 - e * lam))
        ),
        "the variance of the weights, not the loss above the minimum",
        _VARIANCE_HINT,
    ),
    _floor_variant(
        lambda lr, lams, sigma: _per_direction(
            lr, lams, sigma, lambda e, lam, s: e * s**2 / (2 * lam * (2 - e * lam))
        ),
        "half the variance of the weights, without the curvature lambda_i",
        _VARIANCE_HINT,
    ),
    _floor_variant(
        lambda lr, lams, sigma: _per_direction(
            lr, lams, sigma, lambda e, lam, s: e * s**2 / (2 * (2 + e * lam))
        ),
        "2 + lr * lambda_i where 2 - lr * lambda_i belongs",
        "expand (1 - lr * lambda_i)**2 again: mind the sign of each term",
    ),
    dg.factor(
        ("lr", lambda lr, lams, sigma: lr),
        hint="the rate enters through each step's kick lr * sigma * xi, which "
        "adds lr**2 * sigma**2 to the variance of w: count the powers of lr",
        constant=False,
    ),
    dg.factor(
        ("d, the number of curvatures", lambda lr, lams, sigma: len(lams)),
        hint="every direction adds its own term: the floor is their sum",
        constant=False,
    ),
    dg.factor(
        ("2", lambda lr, lams, sigma: 2),
        hint="check the 1/2 in the loss lambda_i * v_i / 2 and the "
        "stationary variance v_i you solved for",
    ),
    dg.sign(
        "a mean loss above the minimum is positive: check the order of a subtraction"
    ),
    dg.wrong_shape(),
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
    >>> def floor_formula(lr, lams, sigma):
    ...     return float(np.sum(lr * sigma**2 / (2 * (2 - lr * lams))))
    >>> check_noise_floor(floor_formula)
    All 5 cases passed: floor_formula(lr, lams, sigma) is right.

    A classic mistake, the small-rate approximation:

    >>> check_noise_floor(lambda lr, lams, sigma: len(lams) * lr * sigma**2 / 4)
    0 of 5 cases passed before one failed.
    Case 1: floor_formula(0.1, array([0.1, 1. ]), 1)
      expected: 0.0514414
      got:      0.05
      the numbers differ
      It looks like the small-rate approximation d lr sigma^2 / 4. Hint: keep the factor 2 - lr * lambda_i of each direction: it is far from 2 when the rate is not small.
    """
    return check(
        function,
        _noise_floor,
        _NOISE_FLOOR_CASES,
        name="floor_formula(lr, lams, sigma)",
        diagnoses=_NOISE_FLOOR_MISTAKES,
    )


# ----------------------------------------------------------------------------
# Exercise 6.4: a schedule that gets under a target within a budget
# ----------------------------------------------------------------------------

#: Exercise 6.4: the chapter's noisy bowl (``elongated_bowl(kappa, L)``), its
#: start and gradient noise, how many runs the check shows beside the expected
#: loss (with the seed of their noise), the step budget and the target for the
#: expected loss above the minimum.
DECIDE = {
    "kappa": 10.0,
    "L": 1.0,
    "start": (-3.5, 1.5),
    "noise": 0.5,
    "runs": 1000,
    "seed": 0,
    "steps": 200,
    "target": 0.01,
}

_DIRECTIONS = ("the flat direction", "the steep direction")


def _decide_curvatures():
    return np.array([DECIDE["L"] / DECIDE["kappa"], DECIDE["L"]])


def _rates_of(schedule):
    """The rate of each step of the budget, or ``(None, message)`` for bad input."""
    from gdcourse import checks, schedules

    steps = DECIDE["steps"]
    wanted = (
        f"a schedule from gd.schedules, a positive number or an array of {steps} rates"
    )
    if isinstance(schedule, schedules.ReduceOnPlateau):
        return None, (
            "ReduceOnPlateau sets the rate from the losses it is given; this "
            f"exercise takes {wanted}, a rate for each step fixed in advance."
        )
    if isinstance(schedule, (bool, np.bool_)) or schedule is None:
        return None, f"schedule must be {wanted}, got {describe(schedule)}."
    if isinstance(schedule, Real):
        if not checks.is_number(schedule) or schedule <= 0:
            return None, (
                f"a constant rate must be a positive finite number, got "
                f"{describe(schedule)}."
            )
        return np.full(steps, float(schedule)), None
    call = f"schedule(np.arange({steps}))"
    if callable(schedule):
        try:
            with np.errstate(all="ignore"):
                got = schedule(np.arange(steps))
        except Exception as error:  # the reader's code: report, never raise
            said = f"{call} raised {type(error).__name__}: {error}"
            if _scalar_only(schedule):
                said += (
                    f". It gives a rate for one step at a time, but a schedule is "
                    f"called once with all {steps} steps as an integer array: write "
                    "it with array operations (np.where for a choice, np.exp and "
                    "np.cos for functions), or give the array of its rates"
                )
            return None, said + "."
    elif isinstance(schedule, (list, tuple, np.ndarray)):
        got, call = schedule, "the array of rates"
    else:
        return None, f"schedule must be {wanted}, got {describe(schedule)}."
    try:
        rates = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None, f"{call} must give numbers, got {describe(got)}."
    if rates.ndim == 0 and callable(schedule):
        rates = np.full(steps, float(rates))
    if rates.shape != (steps,):
        size = rates.shape[0] if rates.ndim == 1 else f"shape {rates.shape}"
        return None, (
            f"{call} must give one rate for each of the {steps} steps, got {size}."
        )
    bad = ~np.isfinite(rates) | (rates < 0)
    if bad.any():
        k = int(np.argmax(bad))
        return None, (
            f"the rate of step {k} (steps count from 0) is {describe(rates[k])}: "
            "every rate must be a finite number, 0 or more."
        )
    return rates, None


def _scalar_only(schedule):
    """Whether ``schedule`` gives a number for each step called one at a time."""
    try:
        with np.errstate(all="ignore"):
            for t in range(DECIDE["steps"]):
                float(schedule(t))
    except Exception:  # the reader's code: any failure means no
        return False
    return True


def _expected(rates):
    """The exact mean over every draw of the noise: offset and jitter per direction.

    The package has no function for the moments of a noisy run on a
    quadratic, so the recursion of :func:`check_schedule_choice`'s Notes is
    written here: along curvature ``lam`` the mean weight is multiplied by
    ``1 - lr * lam`` at each step and the variance of the spread follows
    ``v <- (1 - lr * lam)**2 v + lr**2 sigma**2``.
    """
    lams = _decide_curvatures()
    m, v = np.array(DECIDE["start"], dtype=float), np.zeros(2)
    with np.errstate(all="ignore"):
        for lr in rates:
            a = 1 - lr * lams
            m, v = a * m, a * a * v + lr**2 * DECIDE["noise"] ** 2
    return 0.5 * lams * m**2, 0.5 * lams * v


@lru_cache(maxsize=32)
def _decide_run(key):
    """The runs of the budget at the rates ``np.frombuffer(key)``: what is left at the end."""
    from gdcourse import descent, surfaces

    rates = np.frombuffer(key)
    run = descent.gradient_descent(
        surfaces.elongated_bowl(kappa=DECIDE["kappa"], L=DECIDE["L"]),
        np.tile(DECIDE["start"], (DECIDE["runs"], 1)),
        lr=lambda t: rates[t],
        steps=DECIDE["steps"],
        noise=DECIDE["noise"],
        seed=DECIDE["seed"],
    )
    if run.diverged.any():
        # a run that blew up on update s + 1 (counted from 1) has stopped_at
        # s: the rate of that update is rates[s], step s counted from 0
        first = int(np.min(run.stopped_at[run.diverged]))
        return {"diverged": int(run.diverged.sum()), "at": first}
    losses = run.losses[-1]
    return {
        "diverged": 0,
        "loss": float(losses.mean()),
        "se": float(losses.std(ddof=1) / np.sqrt(len(losses))),
    }


def _floor(lr):
    from gdcourse import theory

    if lr == 0.0:
        return 0.0
    return float(theory.noise_floor(lr, _decide_curvatures(), DECIDE["noise"] ** 2))


def _unstable(rates):
    """Whether rates at or above 2/L leave the expected loss above where it started.

    At such a rate the factor ``1 - lr * L`` along the steep direction is -1
    or below, so the spread there grows instead of settling, even when the
    1000 runs stay inside the bound that counts them as diverged.
    """
    limit = 2 / DECIDE["L"]
    if not np.any(rates >= limit):
        return None
    offset, jitter = _expected(rates)
    start, _ = _expected(np.zeros(0))
    with np.errstate(all="ignore"):
        if offset.sum() + jitter.sum() < start.sum():
            return None
    k = int(np.argmax(rates >= limit))
    if np.all(rates == rates[0]):
        which = f"your rate, {float(rates[0]):.3g}, is"
    else:
        which = (
            f"your rates reach {float(rates.max()):.3g} (the first such step is "
            f"step {k}, counted from 0),"
        )
    return (
        f"{which} at or above the stability limit 2/L = "
        f"{limit:g} of the chapter on learning rates: along the steep direction "
        f"(curvature {DECIDE['L']:g}) each such step multiplies the error by "
        f"1 - lr_t * {DECIDE['L']:g}, which is -1 or below, so the spread of the "
        "runs grows instead of settling, and the expected loss ends above where "
        "it started"
    )


def _steps(n):
    return f"{n} step" if n == 1 else f"{n} steps"


def _multiply(n):
    return "multiplies" if n == 1 else "multiply"


def _left_per_step(rates):
    """What each step's noise still adds to the expected loss at the end, per direction.

    Row ``i`` is along curvature ``lams[i]``: step ``k`` adds ``lr_k**2 sigma**2``
    to the variance, and the steps after it multiply that by ``(1 - lr * lam)**2``
    each; weighted by ``lam / 2`` the rows sum to the jitter of :func:`_expected`.
    """
    lams = _decide_curvatures()[:, None]
    with np.errstate(all="ignore"):
        drains = (1 - rates * lams) ** 2
        later = np.cumprod(drains[:, ::-1], axis=1)[:, ::-1]
        later = np.append(later[:, 1:], np.ones((len(lams), 1)), axis=1)
        return 0.5 * lams * rates**2 * DECIDE["noise"] ** 2 * later


def _decide_hint(rates, offset, jitter):
    """The cause the expected run shows, read from its parts, and where to look."""
    steps, target = DECIDE["steps"], DECIDE["target"]
    lams = _decide_curvatures()
    flat = f"the flat direction (curvature {lams[0]:g})"
    last, floor = float(rates[-1]), _floor(float(rates[-1]))
    unstable = _unstable(rates)
    if unstable is not None:
        return unstable
    if np.all(rates == rates[0]):
        move = float((1 - rates[0] * lams[0]) ** steps)
        return (
            f"with one rate for all {steps} steps, the runs either arrive in time "
            "or settle low enough, not both: the noise floor of your rate is "
            f"{_part(floor)}, and in {steps} steps it multiplies the mean offset "
            f"along {flat} by {move:.2g}; compare the constant rates of the "
            "chapter's first figure, their floors and how fast they get there"
        )
    # a hot last rate is the cause only when the jitter is the larger part and
    # its floor accounts for most of the jitter (two thirds or more): a
    # schedule that rises to a hot rate may still be short of the minimum, and
    # one that was much hotter a few steps before the end holds jitter far
    # above its last rate's floor
    if floor > target and offset.sum() <= jitter.sum() <= 1.5 * floor:
        return (
            f"your last rate, {last:.3g} at step {steps - 1}, has a noise floor "
            f"of {_part(floor)} (the chapter's equation for the floor), above the "
            "target: as long as the rate stays there the jitter settles at that "
            "floor, not below it; look at where your schedule is at the end of "
            "the budget"
        )
    total = float(np.sum(rates))
    if offset.sum() >= jitter.sum():
        i = int(np.argmax(offset))
        shrink = float(np.prod(1 - rates * lams[i]))
        return (
            f"on average the runs have not arrived: their mean weight along "
            f"{_DIRECTIONS[i]} (curvature {lams[i]:g}) is still "
            f"{float(np.sqrt(2 * offset[i] / lams[i])):.2g} from the minimum, the "
            f"bigger part of the loss; each step multiplies that distance by 1 - "
            f"{lams[i]:g} * lr_t, and your {steps} rates together multiply it by "
            f"{shrink:.2g}"
        )
    # the offset tips the loss over only when it is not negligible and larger
    # rates, which shrink it, lower the loss: otherwise the jitter decides
    if (
        jitter.sum() < target
        and offset.sum() >= target / 10
        and sum(p.sum() for p in _expected(1.05 * rates)) < offset.sum() + jitter.sum()
    ):
        shrink = float(np.prod(1 - rates * lams[0]))
        short = float(np.sqrt(2 * offset[0] / lams[0]))
        return (
            f"both parts are left, and the offset is what puts the loss over: "
            f"the jitter alone, {_part(float(jitter.sum()))}, is under "
            f"the target, and the offset, {offset.sum():.2g}, comes from the "
            f"runs' mean weight, still {short:.2g} short of the minimum along "
            f"{flat}: your rates sum to {total:.3g} and together multiply that "
            f"distance by {shrink:.2g}. Along that direction each step multiplies "
            f"the distance by 1 - {lams[0]:g} * lr_t and adds lr_t**2 * sigma**2 to "
            "the variance of the spread: large rates remove offset and add "
            "jitter, so what matters is where in the budget they are"
        )
    i = int(np.argmax(jitter))
    if offset.sum() < target / 10:
        where = f"the runs have arrived (their mean offset is {offset.sum():.2g})"
    else:
        where = f"their mean offset adds {offset.sum():.2g}"
    hot = np.flatnonzero([_floor(float(r)) > target for r in rates])
    if jitter.sum() >= target:
        size = f"the jitter alone, {_part(float(jitter.sum()))}, is above the target"
    else:
        share = jitter.sum() / (offset.sum() + jitter.sum())
        size = f"the jitter, {_part(float(jitter.sum()))}, is {share:.0%} of the loss"
    text = (
        f"{size}, and {where}; {jitter[i] / jitter.sum():.0%} of the jitter is "
        f"along {_DIRECTIONS[i]} (curvature {lams[i]:g}), where each step "
        f"multiplies the variance of the spread by (1 - {lams[i]:g} * lr_t)**2 "
        "and adds lr_t**2 * sigma**2 to it"
    )
    if hot.size:
        text += ". " + _hot_steps(rates, hot, i, floor)
    return text


def _hot_steps(rates, hot, i, floor):
    """Where the jitter of a schedule with hot steps came from, and what drained it.

    ``hot`` are the steps at rates whose noise floor is above the target and
    ``i`` the direction of the larger jitter.  The shares count what each
    step's noise still adds to the loss at the end, along both directions.
    """
    steps, target = DECIDE["steps"], DECIDE["target"]
    lams = _decide_curvatures()
    per = _left_per_step(rates)
    left = per.sum(axis=0)
    share = float(left[hot].sum() / left.sum())
    spends = (
        f"Your schedule spends {hot.size} of its {steps} steps at rates whose "
        "floor is above the target"
    )

    def drain(k):
        """What the steps after step ``k`` multiply the variance along ``i`` by."""
        return float(np.prod((1 - rates[k + 1 :] * lams[i]) ** 2))

    if hot[-1] == steps - 1:
        # hot to the end: the step that left the most of the variance along
        # i, and how near the end it is
        k = int(np.argmax(per[i]))
        if k == steps - 1:
            most = (
                f"the step that left the most of the variance along "
                f"{_DIRECTIONS[i]} is the last, at a rate of {float(rates[k]):.2g}"
            )
        else:
            most = (
                f"the step that left the most of the variance along "
                f"{_DIRECTIONS[i]}, step {k} at a rate of {float(rates[k]):.2g}, "
                f"has only {_steps(steps - 1 - k)} after it, which "
                f"{_multiply(steps - 1 - k)} the variance there was then by "
                f"{drain(k):.2g}"
            )
        return (
            f"{spends} (the floor of your last rate is {_part(floor)}), "
            f"{share:.0%} of the jitter is noise taken in at those steps, and "
            f"your last step is one of them: {most}"
        )
    k, after = int(hot[-1]), steps - 1 - int(hot[-1])
    if share >= 0.5:
        return (
            f"{spends} (the floor of your last rate is {_part(floor)}), and "
            f"{share:.0%} of the jitter is noise taken in at those steps, the "
            f"last of them step {k}; along {_DIRECTIONS[i]} the "
            f"{_steps(after)} after it {_multiply(after)} the variance there "
            f"was then by {drain(k):.2g}"
        )
    tail = float(left[k + 1 :].sum() / left.sum())
    return (
        f"{spends}, the last of them step {k}, but the noise taken in at those "
        f"steps is only {share:.0%} of the jitter: the {_steps(after)} after "
        f"it add {tail:.0%} of it themselves, and the floor of your last rate, "
        f"{_part(floor)}, is {_fraction(floor / target)} of the target"
    )


def _fraction(ratio):
    """``ratio`` as a percentage, in digits that do not round it up to 100%."""
    for digits in (0, 1, 2):
        text = f"{ratio:.{digits}%}"
        if ratio >= 1 or float(text[:-1]) < 100:
            return text
    return "just under 100%"


def _part(value):
    """A part of the loss in digits that do not put it on the wrong side of the target."""
    target = DECIDE["target"]
    return _above(value, target) if value >= target else _below(value, target)


def _measured(found, loss):
    """The 1000 runs' mean loss beside the expected one, never across the target."""
    runs, target = DECIDE["runs"], DECIDE["target"]
    said = f"{runs} runs with gd.descent.gradient_descent"
    if (found["loss"] < target) == (loss < target):
        near = _below if loss < target else _above
        return (
            f" {said} measure a mean loss of {near(found['loss'], target)} "
            f"(standard error {found['se']:.1g})."
        )
    return (
        f" {said}, one draw of the noise, measure a mean loss "
        f"{abs(found['loss'] - loss) / found['se']:.1f} standard errors away, on "
        "the other side of the target: so near the target a sample of runs "
        "cannot settle it, and the verdict is on the expected loss."
    )


def check_schedule_choice(schedule):
    """Check a schedule that gets the chapter's noisy runs under a target loss within a budget.

    Exercise 6.4: on the chapter's noisy bowl (:data:`DECIDE`), gradient
    descent from the chapter's start with gradient noise of standard
    deviation ``DECIDE["noise"]`` takes ``DECIDE["steps"]`` steps at the
    reader's rates; the choice passes when the *expected* loss above the
    minimum after the last step, the mean over every draw of the noise
    (computed exactly, see Notes), is below ``DECIDE["target"]``.  The check
    also runs the rates ``DECIDE["runs"]`` times with
    :func:`gdcourse.descent.gradient_descent` (seed ``DECIDE["seed"]``) and
    reports their mean loss beside the expected one; a divergence of these
    runs fails the choice.

    Parameters
    ----------
    schedule : callable, float or array_like
        A schedule of the step (from :mod:`gdcourse.schedules`, or any
        function of an integer array of steps), a constant rate, or an array
        of one rate per step.

    Returns
    -------
    gdcourse.exercises.diagnose.Verdict
        Its ``ok`` and a report: the expected loss after the budget, split
        into the offset of the mean weight from the minimum and the jitter of
        the runs around it, each along each direction, and the mean loss the
        runs measure; for a choice that fails, what the expected run shows
        holds it back (a divergence, or rates at or above the stability
        limit that leave the expected loss above its start; one rate for
        every step; a last rate whose noise floor is above the target, when
        the jitter is the larger part and that floor is at least two thirds
        of it; runs that have not arrived; an offset that puts the loss over,
        when it is not negligible and larger rates would lower the loss;
        jitter taken in at rates whose floor is above the target that the
        steps after them have not drained, or that such rates took in up to
        the last step; jitter added mostly by the rates after the last such
        step).  The report never suggests a schedule.

    Notes
    -----
    Along a direction of curvature :math:`\\lambda` the runs' mean offset is
    multiplied by :math:`1 - \\eta_t\\lambda` at each step and the variance
    :math:`v` of their spread follows :math:`v \\leftarrow (1 -
    \\eta_t\\lambda)^2 v + \\eta_t^2\\sigma^2`; the expected loss is
    :math:`\\sum_i \\tfrac12\\lambda_i (m_i^2 + v_i)`.  On this bowl no
    constant rate reaches the target within the budget, nor does the
    chapter's cosine decay from 0.2 or from the table's peak 1.

    Examples
    --------
    >>> check_schedule_choice(None)
    schedule must be a schedule from gd.schedules, a positive number or an array of 200 rates, got None.
    >>> from gdcourse import schedules
    >>> check_schedule_choice(schedules.cosine(0.2, total_steps=200))
    Not yet: after 200 steps the expected loss above the minimum is 0.018, above the target 0.01: 0.011 of it is the offset of the mean weight from the minimum (0.011 along the flat direction, 1.3e-19 along the steep direction), 0.0077 the jitter around it (0.0061 along the flat direction, 0.0017 along the steep direction). 1000 runs with gd.descent.gradient_descent measure a mean loss of 0.019 (standard error 0.0006).
    Hint: on average the runs have not arrived: their mean weight along the flat direction (curvature 0.1) is still 0.46 from the minimum, the bigger part of the loss; each step multiplies that distance by 1 - 0.1 * lr_t, and your 200 rates together multiply it by 0.13.
    """
    rates, message = _rates_of(schedule)
    if message is not None:
        return dg.Verdict(False, message)
    found = _decide_run(rates.tobytes())
    steps, runs, target = DECIDE["steps"], DECIDE["runs"], DECIDE["target"]
    if found["diverged"]:
        k = found["at"]
        top = float(rates[: k + 1].max())
        return dg.Verdict(
            False,
            f"Not yet: {found['diverged']} of the {runs} runs diverged, the "
            f"first at step {k} (steps count from 0, as in schedule(t)); the "
            f"largest rate up to there was {top:.3g}.\n"
            "Hint: along the steep direction (curvature "
            f"{DECIDE['L']:g}) each step multiplies the error by 1 - lr_t * "
            f"{DECIDE['L']:g}; above the stability limit 2/L = "
            f"{2 / DECIDE['L']:g} of the chapter on learning rates that "
            "factor is below -1 and the error grows, step after step.",
        )
    offset, jitter = _expected(rates)
    loss = float(offset.sum() + jitter.sum())

    def split(part):
        return ", ".join(
            f"{_part(float(part[i]))} along {_DIRECTIONS[i]}" for i in range(len(part))
        )

    parts = (
        f"{_part(float(offset.sum()))} of it is the offset of the mean weight "
        f"from the minimum ({split(offset)}), {_part(float(jitter.sum()))} the "
        "jitter around it "
        f"({split(jitter)})"
    )
    head = (
        f"after {steps} steps the expected loss above the minimum is {{}}, {{}} "
        f"the target {target:g}: {parts}.{_measured(found, loss)}"
    )
    if loss < target:
        return dg.Verdict(
            True, "Reached: " + head.format(_below(loss, target), "below")
        )
    said = "Not yet: " + head.format(_above(loss, target), "above")
    return dg.Verdict(False, f"{said}\nHint: {_decide_hint(rates, offset, jitter)}.")

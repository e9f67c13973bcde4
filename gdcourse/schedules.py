"""Learning-rate schedules: the rate as a function of the step.

A schedule is a function of the 0-based step ``t``: ``schedule(t)`` is the
learning rate used by the ``t``-th update. It takes a Python int (and returns a
float) or an integer numpy array (and returns a float array of the same shape).
The factories here follow PyTorch's ``torch.optim.lr_scheduler`` value for
value: ``schedule(t)`` equals ``optimizer.param_groups[0]["lr"]`` just before
the ``t``-th call of ``scheduler.step()``.

``ReduceOnPlateau`` is the one stateful rule: it reacts to the losses it is
shown, so it is a small object with a ``step(loss)`` method rather than a
function of ``t``.

Examples
--------
>>> from gdcourse import schedules
>>> sched = schedules.cosine(lr0=0.1, total_steps=100)
>>> sched
cosine(lr0=0.1, total_steps=100, lr_min=0.0)
>>> print(f"{sched(0):.3f} {sched(50):.3f} {sched(100):.3f}")
0.100 0.050 0.000
"""

import math

import numpy as np

from gdcourse import checks

__all__ = [
    "Schedule",
    "as_schedule",
    "constant",
    "step_decay",
    "exponential",
    "cosine",
    "cosine_restarts",
    "cyclic",
    "one_cycle",
    "warmup",
    "ReduceOnPlateau",
]

CYCLIC_MODES = ("triangular", "triangular2", "exp_range")
ANNEAL_STRATEGIES = ("cos", "linear")


# --------------------------------------------------------------------------
# argument checks
# --------------------------------------------------------------------------


def _lr_min_at_most(lr_min, lr_top, top_name):
    lr_min = checks.non_negative("lr_min", lr_min)
    if lr_min > lr_top:
        raise ValueError(
            f"lr_min must be at most {top_name}={lr_top!r}, got {lr_min!r}"
        )
    return lr_min


def _as_steps(t):
    """Check a step argument; return it as an int64 array and whether it was a scalar."""
    steps = np.asarray(t)
    if steps.dtype.kind not in "iu":
        raise ValueError(
            f"t must be a non-negative integer or an integer array, got {t!r}"
        )
    if steps.size and steps.min() < 0:
        raise ValueError(f"t must be non-negative, got a step of {int(steps.min())}")
    return steps.astype(np.int64), steps.ndim == 0


# --------------------------------------------------------------------------
# the schedule object
# --------------------------------------------------------------------------


class Schedule:
    """A learning-rate schedule: a function of the 0-based step with a readable name.

    The factories of this module return a ``Schedule``; one is rarely built by hand.

    Parameters
    ----------
    name : str
        The factory's name, used by ``repr``.
    params : dict
        The factory's arguments, in order, used by ``repr``.
    rule : callable
        ``rule(steps)`` maps a validated int64 array of steps to a float array of rates.

    Examples
    --------
    >>> sched = constant(0.5)
    >>> sched
    constant(lr=0.5)
    >>> sched(3), sched(np.arange(3))
    (0.5, array([0.5, 0.5, 0.5]))
    """

    def __init__(self, name, params, rule):
        self.name = name
        self.params = dict(params)
        self._rule = rule

    def __call__(self, t):
        """Return the rate at step ``t`` (a float for an int, a float array for an array)."""
        steps, scalar = _as_steps(t)
        # Always evaluate on a 1-d array: numpy's 0-d and 1-d code paths can differ
        # in the last bit, and an int should give exactly the array's value.
        with np.errstate(over="ignore", under="ignore"):
            lr = np.asarray(self._rule(steps.ravel()), dtype=float).reshape(steps.shape)
        return float(lr) if scalar else lr

    def __repr__(self):
        args = ", ".join(f"{key}={value!r}" for key, value in self.params.items())
        return f"{self.name}({args})"


def as_schedule(lr):
    """Turn a rate into a schedule: a number becomes ``constant(lr)``, a schedule stays itself.

    Parameters
    ----------
    lr : float or callable
        A positive finite learning rate, or a schedule (any callable of the step).

    Returns
    -------
    callable
        A schedule.

    Raises
    ------
    ValueError
        If ``lr`` is neither a positive finite number nor callable.

    Examples
    --------
    >>> as_schedule(0.1)
    constant(lr=0.1)
    >>> sched = step_decay(0.1, step_size=10)
    >>> as_schedule(sched) is sched
    True
    """
    if callable(lr):
        return lr
    if checks.is_number(lr) and lr > 0:
        return constant(lr)
    raise ValueError(f"lr must be a positive finite number or a schedule, got {lr!r}")


# --------------------------------------------------------------------------
# functions of the step
# --------------------------------------------------------------------------


def constant(lr):
    """A constant learning rate.

    Parameters
    ----------
    lr : float
        The rate, positive and finite.

    Returns
    -------
    Schedule
        ``t -> lr``.

    Notes
    -----
    .. math:: \\eta_t = \\eta

    Examples
    --------
    >>> constant(0.1)(np.array([0, 5, 50]))
    array([0.1, 0.1, 0.1])
    """
    lr = checks.positive("lr", lr)
    return Schedule("constant", {"lr": lr}, lambda steps: np.full(steps.shape, lr))


def step_decay(lr0, step_size, gamma=0.1):
    """Multiply the rate by ``gamma`` every ``step_size`` steps (PyTorch's ``StepLR``).

    Parameters
    ----------
    lr0 : float
        Rate at step 0, positive and finite.
    step_size : int
        Number of steps between two decays, a positive integer.
    gamma : float, optional
        Decay factor, in (0, 1].

    Returns
    -------
    Schedule
        The step-decay schedule.

    Notes
    -----
    .. math:: \\eta_t = \\eta_0 \\, \\gamma^{\\lfloor t / s \\rfloor}

    Examples
    --------
    >>> sched = step_decay(0.1, step_size=10, gamma=0.5)
    >>> print([round(sched(t), 4) for t in (0, 9, 10, 25)])
    [0.1, 0.1, 0.05, 0.025]
    """
    lr0 = checks.positive("lr0", lr0)
    step_size = checks.integer("step_size", step_size, minimum=1)
    gamma = checks.in_interval("gamma", gamma, 0, 1, closed="right")

    def rule(steps):
        return lr0 * gamma ** (steps // step_size).astype(float)

    return Schedule(
        "step_decay", {"lr0": lr0, "step_size": step_size, "gamma": gamma}, rule
    )


def exponential(lr0, gamma):
    """Multiply the rate by ``gamma`` every step (PyTorch's ``ExponentialLR``).

    Parameters
    ----------
    lr0 : float
        Rate at step 0, positive and finite.
    gamma : float
        Decay factor per step, in (0, 1].

    Returns
    -------
    Schedule
        The exponential-decay schedule.

    Notes
    -----
    .. math:: \\eta_t = \\eta_0 \\, \\gamma^{t}

    Examples
    --------
    >>> sched = exponential(0.1, gamma=0.9)
    >>> print(f"{sched(0):.4f} {sched(1):.4f} {sched(10):.4f}")
    0.1000 0.0900 0.0349
    """
    lr0 = checks.positive("lr0", lr0)
    gamma = checks.in_interval("gamma", gamma, 0, 1, closed="right")

    def rule(steps):
        return lr0 * gamma ** steps.astype(float)

    return Schedule("exponential", {"lr0": lr0, "gamma": gamma}, rule)


def _cosine_anneal(lr_top, lr_min, angle):
    """``lr_min + (lr_top - lr_min) (1 + cos(angle)) / 2``, in PyTorch's order of operations."""
    return lr_min + (lr_top - lr_min) * (1 + np.cos(angle)) / 2


def cosine(lr0, total_steps, lr_min=0.0):
    """Cosine annealing from ``lr0`` to ``lr_min`` over ``total_steps`` (``CosineAnnealingLR``).

    Parameters
    ----------
    lr0 : float
        Rate at step 0, positive and finite.
    total_steps : int
        Step at which the rate reaches ``lr_min`` (PyTorch's ``T_max``), a positive integer.
    lr_min : float, optional
        Lowest rate, in [0, lr0].

    Returns
    -------
    Schedule
        The cosine schedule.

    Notes
    -----
    .. math::
        \\eta_t = \\eta_{\\min} + \\tfrac{1}{2} (\\eta_0 - \\eta_{\\min})
        \\left(1 + \\cos\\frac{\\pi t}{T}\\right)

    The rate falls monotonically for :math:`0 \\le t \\le T`. Past
    :math:`T` the formula (like PyTorch's scheduler) climbs back up: it is
    periodic with period :math:`2T`. Choose ``total_steps`` at least as large
    as the run, or use :func:`cosine_restarts` for deliberate restarts.

    References
    ----------
    Loshchilov, I. and Hutter, F. (2017). SGDR: Stochastic gradient descent
    with warm restarts. ICLR.

    Examples
    --------
    >>> sched = cosine(0.1, total_steps=10, lr_min=0.01)
    >>> print(np.round(sched(np.array([0, 5, 10])), 4))
    [0.1   0.055 0.01 ]
    """
    lr0 = checks.positive("lr0", lr0)
    total_steps = checks.integer("total_steps", total_steps, minimum=1)
    lr_min = _lr_min_at_most(lr_min, lr0, "lr0")

    def rule(steps):
        return _cosine_anneal(lr0, lr_min, np.pi * steps / total_steps)

    return Schedule(
        "cosine", {"lr0": lr0, "total_steps": total_steps, "lr_min": lr_min}, rule
    )


def _restart_starts(period, period_mult, last_step):
    """The steps at which the cycles start (0 first), up to ``last_step``, as Python ints.

    Only used for ``period_mult >= 2``, where the list grows like the logarithm of ``last_step``.
    """
    starts = [0]
    length = period
    while starts[-1] + length <= last_step:
        starts.append(starts[-1] + length)
        length *= period_mult
    return starts


def cosine_restarts(lr0, period, period_mult=1, lr_min=0.0):
    """Cosine annealing with warm restarts (PyTorch's ``CosineAnnealingWarmRestarts``).

    The rate anneals from ``lr0`` towards ``lr_min`` over ``period`` steps, jumps
    back to ``lr0``, and anneals again over a cycle ``period_mult`` times longer.

    Parameters
    ----------
    lr0 : float
        Rate at the start of every cycle, positive and finite.
    period : int
        Length of the first cycle (PyTorch's ``T_0``), a positive integer.
    period_mult : int, optional
        Factor by which each cycle is longer than the one before (``T_mult``),
        an integer >= 1.
    lr_min : float, optional
        The rate approached at the end of each cycle, in [0, lr0].

    Returns
    -------
    Schedule
        The warm-restart schedule.

    Notes
    -----
    With :math:`T_i = T_0 m^i` the length of cycle :math:`i` and
    :math:`t_i = T_0 (m^i - 1) / (m - 1)` its first step (:math:`t_i = i T_0`
    when :math:`m = 1`), for :math:`t_i \\le t < t_{i+1}`:

    .. math::
        \\eta_t = \\eta_{\\min} + \\tfrac{1}{2} (\\eta_0 - \\eta_{\\min})
        \\left(1 + \\cos\\frac{\\pi (t - t_i)}{T_i}\\right)

    References
    ----------
    Loshchilov, I. and Hutter, F. (2017). SGDR: Stochastic gradient descent
    with warm restarts. ICLR.

    Examples
    --------
    >>> sched = cosine_restarts(0.1, period=4, period_mult=2)
    >>> print(np.round(sched(np.arange(13)), 3))
    [0.1   0.085 0.05  0.015 0.1   0.096 0.085 0.069 0.05  0.031 0.015 0.004
     0.1  ]
    """
    lr0 = checks.positive("lr0", lr0)
    period = checks.integer("period", period, minimum=1)
    period_mult = checks.integer("period_mult", period_mult, minimum=1)
    lr_min = _lr_min_at_most(lr_min, lr0, "lr0")

    def rule(steps):
        if period_mult == 1:
            return _cosine_anneal(lr0, lr_min, np.pi * ((steps % period) / period))
        last_step = int(steps.max()) if steps.size else 0
        starts = _restart_starts(period, period_mult, last_step)
        lengths = np.array(
            [period * period_mult**i for i in range(len(starts))], dtype=float
        )
        cycle = (
            np.searchsorted(np.array(starts, dtype=np.int64), steps, side="right") - 1
        )
        since_restart = steps - np.array(starts, dtype=np.int64)[cycle]
        return _cosine_anneal(lr0, lr_min, np.pi * (since_restart / lengths[cycle]))

    params = {
        "lr0": lr0,
        "period": period,
        "period_mult": period_mult,
        "lr_min": lr_min,
    }
    return Schedule("cosine_restarts", params, rule)


def cyclic(lr_min, lr_max, half_cycle, mode="triangular", gamma=1.0):
    """Cyclical learning rates between ``lr_min`` and ``lr_max`` (PyTorch's ``CyclicLR``).

    The rate climbs linearly from ``lr_min`` to ``lr_max`` over ``half_cycle``
    steps, falls back over the next ``half_cycle``, and repeats.

    Parameters
    ----------
    lr_min : float
        Lowest rate (PyTorch's ``base_lr``), in [0, lr_max).
    lr_max : float
        Highest rate of the first cycle, positive and finite.
    half_cycle : int
        Steps from the bottom to the top of a cycle (``step_size_up``), a positive integer.
    mode : {"triangular", "triangular2", "exp_range"}, optional
        ``"triangular"`` keeps the amplitude, ``"triangular2"`` halves it every
        cycle, ``"exp_range"`` multiplies it by ``gamma**t``.
    gamma : float, optional
        Per-step amplitude factor of ``"exp_range"``, in (0, 1]; unused by the other modes.

    Returns
    -------
    Schedule
        The cyclical schedule.

    Notes
    -----
    With :math:`h` the half cycle, :math:`c = \\lfloor 1 + t / 2h \\rfloor` the
    (1-based) cycle and :math:`x = |t/h - 2c + 1|`:

    .. math::
        \\eta_t = \\eta_{\\min} + (\\eta_{\\max} - \\eta_{\\min}) \\max(0, 1 - x)\\, s,
        \\qquad s = 1, \\quad 2^{1 - c}, \\quad \\gamma^{t}

    for the three modes in turn.

    References
    ----------
    Smith, L. N. (2017). Cyclical learning rates for training neural networks. WACV.

    Examples
    --------
    >>> sched = cyclic(0.1, 0.5, half_cycle=2, mode="triangular2")
    >>> print(np.round(sched(np.arange(9)), 3))
    [0.1 0.3 0.5 0.3 0.1 0.2 0.3 0.2 0.1]
    """
    lr_max = checks.positive("lr_max", lr_max)
    lr_min = checks.non_negative("lr_min", lr_min)
    if lr_min >= lr_max:
        raise ValueError(f"lr_min must be below lr_max={lr_max!r}, got {lr_min!r}")
    half_cycle = checks.integer("half_cycle", half_cycle, minimum=1)
    checks.one_of("mode", mode, CYCLIC_MODES)
    gamma = checks.in_interval("gamma", gamma, 0, 1, closed="right")

    total_size = 2.0 * half_cycle
    step_ratio = 0.5

    def rule(steps):
        cycle = np.floor(1 + steps / total_size)
        x = 1.0 + steps / total_size - cycle
        up = x <= step_ratio
        scale_factor = np.where(up, x / step_ratio, (x - 1) / (step_ratio - 1))
        height = (lr_max - lr_min) * scale_factor
        if mode == "triangular":
            scale = 1.0
        elif mode == "triangular2":
            scale = 1 / (2.0 ** (cycle - 1))
        else:
            scale = gamma ** steps.astype(float)
        return lr_min + height * scale

    params = {
        "lr_min": lr_min,
        "lr_max": lr_max,
        "half_cycle": half_cycle,
        "mode": mode,
        "gamma": gamma,
    }
    return Schedule("cyclic", params, rule)


def one_cycle(
    lr_max,
    total_steps,
    pct_start=0.3,
    div_factor=25.0,
    final_div_factor=1e4,
    anneal="cos",
):
    """The one-cycle policy (PyTorch's ``OneCycleLR`` with ``three_phase=False``).

    The rate rises from ``lr_max / div_factor`` to ``lr_max`` over the first
    ``pct_start`` of the run, then anneals to ``lr_max / div_factor / final_div_factor``
    at the last step, ``total_steps - 1``.

    Parameters
    ----------
    lr_max : float
        Peak rate, positive and finite.
    total_steps : int
        Number of steps of the run; the schedule is defined for
        ``0 <= t < total_steps``.
    pct_start : float, optional
        Fraction of the run spent rising, in (0, 1), with ``pct_start * total_steps > 1``.
    div_factor : float, optional
        Initial rate is ``lr_max / div_factor``; a finite number >= 1.
    final_div_factor : float, optional
        Final rate is the initial rate divided by this; a finite number >= 1.
    anneal : {"cos", "linear"}, optional
        Shape of both phases (PyTorch's ``anneal_strategy``).

    Returns
    -------
    Schedule
        The one-cycle schedule. Calling it with ``t >= total_steps`` raises
        ``ValueError``: the run is over.

    Notes
    -----
    With :math:`p = \\text{pct\\_start}\\, T - 1` the last step of the rise,
    :math:`\\eta_0 = \\eta_{\\max}/d` and :math:`\\eta_{\\text{end}} = \\eta_0 / d_f`,

    .. math::
        \\eta_t = \\begin{cases}
            A(\\eta_0, \\eta_{\\max}, t / p) & t \\le p \\\\
            A(\\eta_{\\max}, \\eta_{\\text{end}}, (t - p) / (T - 1 - p)) & t > p
        \\end{cases}

    where :math:`A(a, b, u) = b + (a - b)(1 + \\cos \\pi u)/2` for ``"cos"`` and
    :math:`a + (b - a) u` for ``"linear"``.

    References
    ----------
    Smith, L. N. and Topin, N. (2019). Super-convergence: very fast training of
    neural networks using large learning rates. SPIE Defense + Commercial Sensing.

    Examples
    --------
    >>> sched = one_cycle(1.0, total_steps=10, pct_start=0.5, div_factor=10.0,
    ...                   final_div_factor=10.0, anneal="linear")
    >>> print(np.round(sched(np.arange(10)), 3))
    [0.1   0.325 0.55  0.775 1.    0.802 0.604 0.406 0.208 0.01 ]
    """
    lr_max = checks.positive("lr_max", lr_max)
    total_steps = checks.integer("total_steps", total_steps, minimum=1)
    pct_start = checks.in_interval("pct_start", pct_start, 0, 1, closed="neither")
    if not pct_start * total_steps > 1:
        raise ValueError(
            "pct_start * total_steps must be greater than 1 (the rise needs more than one step), "
            f"got pct_start={pct_start!r} and total_steps={total_steps!r}"
        )
    div_factor = checks.in_interval("div_factor", div_factor, 1, math.inf)
    final_div_factor = checks.in_interval(
        "final_div_factor", final_div_factor, 1, math.inf
    )
    checks.one_of("anneal", anneal, ANNEAL_STRATEGIES)

    lr_start = lr_max / div_factor
    lr_end = lr_start / final_div_factor
    rise_end = pct_start * total_steps - 1
    last = total_steps - 1

    def annealed(start, end, pct):
        if anneal == "cos":
            return end + (start - end) / 2.0 * (np.cos(np.pi * pct) + 1)
        return (end - start) * pct + start

    def rule(steps):
        if steps.size and steps.max() >= total_steps:
            raise ValueError(
                f"t must be below total_steps={total_steps}, got a step of {int(steps.max())}"
            )
        rising = annealed(lr_start, lr_max, steps / rise_end)
        falling = annealed(lr_max, lr_end, (steps - rise_end) / (last - rise_end))
        return np.where(steps <= rise_end, rising, falling)

    params = {
        "lr_max": lr_max,
        "total_steps": total_steps,
        "pct_start": pct_start,
        "div_factor": div_factor,
        "final_div_factor": final_div_factor,
        "anneal": anneal,
    }
    return Schedule("one_cycle", params, rule)


def warmup(schedule, warmup_steps):
    """Prepend a linear warmup of ``warmup_steps`` steps to a schedule.

    During the warmup the rate climbs in equal steps towards the wrapped
    schedule's first rate; then the wrapped schedule runs on its own clock,
    starting from its step 0. Step counts of the wrapped schedule therefore
    do *not* include the warmup: a ``cosine(..., total_steps=100)`` behind a
    10-step warmup reaches its minimum at overall step 110.

    Parameters
    ----------
    schedule : float or callable
        The schedule to warm up into (a number means a constant rate). It must
        accept an integer array of steps.
    warmup_steps : int
        Length of the warmup, a positive integer.

    Returns
    -------
    Schedule
        The warmed-up schedule.

    Notes
    -----
    With :math:`W` warmup steps and :math:`\\eta^{\\text{base}}` the wrapped schedule:

    .. math::
        \\eta_t = \\begin{cases}
            \\eta^{\\text{base}}_0 \\, \\dfrac{t + 1}{W + 1} & t < W \\\\
            \\eta^{\\text{base}}_{t - W} & t \\ge W
        \\end{cases}

    The ramp is the straight line that reaches :math:`\\eta^{\\text{base}}_0`
    exactly at :math:`t = W`, so the rate never jumps. This is PyTorch's
    ``SequentialLR([LinearLR(opt, start_factor=1 / (W + 1), total_iters=W), base],
    milestones=[W])``.

    References
    ----------
    Goyal, P. et al. (2017). Accurate, large minibatch SGD: training ImageNet
    in 1 hour. arXiv:1706.02677.

    Examples
    --------
    >>> sched = warmup(step_decay(0.4, step_size=2, gamma=0.5), warmup_steps=3)
    >>> sched
    warmup(schedule=step_decay(lr0=0.4, step_size=2, gamma=0.5), warmup_steps=3)
    >>> print(np.round(sched(np.arange(8)), 3))
    [0.1 0.2 0.3 0.4 0.4 0.2 0.2 0.1]
    """
    base = as_schedule(schedule)
    warmup_steps = checks.integer("warmup_steps", warmup_steps, minimum=1)

    def rule(steps):
        first = float(
            np.asarray(base(np.zeros(1, dtype=np.int64)), dtype=float).ravel()[0]
        )
        ramp = first * (steps + 1) / (warmup_steps + 1)
        local = np.maximum(steps - warmup_steps, 0).ravel()
        after = np.broadcast_to(np.asarray(base(local), dtype=float), local.shape)
        return np.where(steps < warmup_steps, ramp, after.reshape(steps.shape))

    return Schedule("warmup", {"schedule": base, "warmup_steps": warmup_steps}, rule)


# --------------------------------------------------------------------------
# the stateful rule
# --------------------------------------------------------------------------


class ReduceOnPlateau:
    """Cut the rate by ``factor`` when the loss stops improving (PyTorch's ``ReduceLROnPlateau``).

    Show it each new loss with :meth:`step`; it returns the rate to use next.
    A loss counts as an improvement when it is below ``best * (1 - threshold)``;
    after more than ``patience`` losses in a row without one, the rate is
    multiplied by ``factor`` (but not below ``min_lr``) and the count starts again.
    This is ``ReduceLROnPlateau(mode="min", threshold_mode="rel", cooldown=0,
    eps=1e-8)``: a cut smaller than ``1e-8`` is skipped.

    Parameters
    ----------
    lr0 : float
        Starting rate, positive and finite.
    factor : float, optional
        Multiplier applied at each cut, in (0, 1).
    patience : int, optional
        Number of losses without improvement tolerated before a cut, an integer >= 0.
    threshold : float, optional
        Relative improvement needed to count as better, in [0, 1).
    min_lr : float, optional
        Floor for the rate, in [0, lr0].

    Attributes
    ----------
    lr : float
        The rate to use now.
    best : float
        The lowest loss seen so far (``inf`` before the first).
    num_bad_epochs : int
        Losses in a row without improvement.

    Notes
    -----
    With :math:`b` the best loss so far and :math:`k` the bad-step count,
    a new loss :math:`\\ell` updates

    .. math::
        \\ell < b (1 - \\tau) \\Rightarrow b \\leftarrow \\ell,\\ k \\leftarrow 0;
        \\quad \\text{else } k \\leftarrow k + 1; \\quad
        k > p \\Rightarrow \\eta \\leftarrow \\max(f \\eta, \\eta_{\\min}),\\ k \\leftarrow 0

    Examples
    --------
    >>> plateau = ReduceOnPlateau(0.1, factor=0.5, patience=1)
    >>> [plateau.step(loss) for loss in [1.0, 0.5, 0.5, 0.5, 0.4]]
    [0.1, 0.1, 0.1, 0.05, 0.05]
    >>> plateau.best, plateau.num_bad_epochs
    (0.4, 0)
    """

    eps = 1e-8

    def __init__(self, lr0, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        self._lr0 = checks.positive("lr0", lr0)
        self._factor = checks.in_interval("factor", factor, 0, 1, closed="neither")
        self._patience = checks.integer("patience", patience, minimum=0)
        self._threshold = checks.in_interval("threshold", threshold, 0, 1)
        min_lr = checks.non_negative("min_lr", min_lr)
        if min_lr > self._lr0:
            raise ValueError(
                f"min_lr must be at most lr0={self._lr0!r}, got {min_lr!r}"
            )
        self._min_lr = min_lr
        self.reset()

    def reset(self):
        """Forget every loss seen: back to ``lr0``, no best loss, no bad steps."""
        self._lr = self._lr0
        self._best = math.inf
        self._num_bad_epochs = 0

    @property
    def lr(self):
        """The rate to use now."""
        return self._lr

    @property
    def best(self):
        """The lowest loss seen so far (``inf`` before the first)."""
        return self._best

    @property
    def num_bad_epochs(self):
        """Losses in a row without a large enough improvement."""
        return self._num_bad_epochs

    def step(self, loss):
        """Record a loss and return the rate to use next.

        Parameters
        ----------
        loss : float
            The latest loss. A ``nan`` or ``inf`` loss (a diverged run) simply
            counts as no improvement.

        Returns
        -------
        float
            The rate for the next step.
        """
        try:
            current = float(loss)
        except (TypeError, ValueError):
            raise ValueError(f"loss must be a real number, got {loss!r}") from None
        if current < self._best * (1.0 - self._threshold):
            self._best = current
            self._num_bad_epochs = 0
        else:
            self._num_bad_epochs += 1
        if self._num_bad_epochs > self._patience:
            new_lr = max(self._lr * self._factor, self._min_lr)
            if self._lr - new_lr > self.eps:
                self._lr = new_lr
            self._num_bad_epochs = 0
        return self._lr

    def __repr__(self):
        return (
            f"ReduceOnPlateau(lr0={self._lr0!r}, factor={self._factor!r}, "
            f"patience={self._patience!r}, threshold={self._threshold!r}, "
            f"min_lr={self._min_lr!r})"
        )

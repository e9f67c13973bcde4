"""Adaptive methods measured: turned ravines, effective rates, bias correction, Reddi's example.

A coordinate-wise (diagonal) rescaling such as AdaGrad, RMSProp or Adam can
undo the ill-conditioning of a ravine whose axes are the coordinate axes, but
not of the same ravine turned by an angle.  :func:`ravine` builds both,
:func:`rotate` turns a start with the ravine, and :func:`best_rate` races an
optimizer over a grid of rates (:func:`steps_to` counts the steps).
:func:`effective_rates` reads AdaGrad's and RMSProp's per-coordinate rates out
of their state; :func:`bias_factors` and :func:`uncorrected_adam` measure and
reproduce Adam without its bias correction.
:func:`reddi_gradients` and :func:`online_descent` run the one-dimensional
online problem on which Adam converges to the worst point of the interval
(Reddi, Kale and Kumar, 2018).

>>> import numpy as np
>>> from gdcourse import adaptive
>>> turned = adaptive.ravine(kappa=100.0, angle=45.0)
>>> print(np.round(turned.hessian(np.zeros(2)), 3))
[[ 0.505 -0.495]
 [-0.495  0.505]]
"""

from __future__ import annotations

import math

import numpy as np

from gdcourse import checks, descent, optimizers, surfaces
from gdcourse.schedules import Schedule, as_schedule

__all__ = [
    "ravine",
    "rotate",
    "steps_to",
    "best_rate",
    "effective_rates",
    "bias_factors",
    "uncorrected_adam",
    "reddi_gradients",
    "online_descent",
]


def ravine(kappa=100.0, angle=0.0, L=1.0, half_width=4.0):
    """An elongated quadratic bowl whose flat axis is turned by ``angle`` degrees.

    Parameters
    ----------
    kappa : float
        Condition number :math:`\\kappa = L / \\mu`, at least 1.
    angle : float
        Angle in degrees between the flat axis and the :math:`w_1` axis.
    L : float
        Largest curvature (> 0).
    half_width : float
        The plotting box is the square :math:`[-h, h]^2`.

    Returns
    -------
    Surface
        A :func:`gdcourse.surfaces.quadratic` with its minimum at the origin.

    Notes
    -----
    With :math:`\\mu = L/\\kappa`, :math:`c = \\cos\\theta`, :math:`s = \\sin\\theta`,

    .. math::

        A = R \\operatorname{diag}(\\mu, L) R^\\top
          = \\begin{pmatrix} \\mu c^2 + L s^2 & (\\mu - L) c s \\\\
                             (\\mu - L) c s & \\mu s^2 + L c^2 \\end{pmatrix},
        \\qquad f(w) = \\tfrac12 w^\\top A w .

    The entries are written out (no matrix product), so the surface is the
    same to the last bit on every machine.  The diagonal of :math:`A` is what
    a coordinate-wise method can see: at 45 degrees both entries equal
    :math:`(\\mu + L)/2` and carry no trace of the condition number.

    Examples
    --------
    >>> s = ravine(kappa=10.0)
    >>> print(s.hessian(np.zeros(2)))
    [[0.1 0. ]
     [0.  1. ]]
    """
    kappa = checks.in_interval("kappa", kappa, 1.0, math.inf)
    theta = math.radians(checks.in_interval("angle", angle, -180.0, 180.0, "both"))
    L = checks.positive("L", L)
    h = checks.positive("half_width", half_width)
    mu = L / kappa
    c, s = math.cos(theta), math.sin(theta)
    off = (mu - L) * c * s + 0.0  # no negative zero on the axes
    A = [[mu * c * c + L * s * s, off], [off, mu * s * s + L * c * c]]
    name = f"ravine (kappa={kappa:g}, {angle:g} degrees)"
    return surfaces.quadratic(A, name=name, box=((-h, h), (-h, h)))


def rotate(w, angle):
    r"""Turn points of the plane by ``angle`` degrees, counter-clockwise.

    Parameters
    ----------
    w : array_like, shape (..., 2)
        Points.
    angle : float
        Degrees, in [-180, 180].

    Returns
    -------
    numpy.ndarray, shape (..., 2)

    Notes
    -----
    :math:`R w` with :math:`R = \begin{pmatrix} c & -s \\ s & c \end{pmatrix}`,
    :math:`c = \cos\theta`, :math:`s = \sin\theta`, written out
    coordinate by coordinate (no matrix product, so the same on every
    machine).  A start ``w`` for :func:`ravine` with angle 0 and
    ``rotate(w, angle)`` for the turned ravine sit at the same place relative
    to the ravine.

    Examples
    --------
    >>> print(np.round(rotate([1.0, 0.0], 90.0), 12))
    [0. 1.]
    """
    w = checks.finite_array("w", w)
    if w.ndim < 1 or w.shape[-1] != 2:
        raise ValueError(f"w must be an array of shape (..., 2), got shape {w.shape}")
    theta = math.radians(checks.in_interval("angle", angle, -180.0, 180.0, "both"))
    c, s = math.cos(theta), math.sin(theta)
    x, y = w[..., 0], w[..., 1]
    return np.stack([c * x - s * y, s * x + c * y], axis=-1)


def steps_to(losses, cut=1e-4):
    """The first step at which the loss is below ``cut`` times its start.

    Parameters
    ----------
    losses : array_like, shape (steps + 1,)
        A run's losses, the start first (NaN after a stop counts as not below).
    cut : float
        The fraction of the starting loss to reach (> 0).

    Returns
    -------
    int or None
        The step, or None if the run never got there.

    Examples
    --------
    >>> steps_to([8.0, 4.0, 1e-3, 1e-5], cut=1e-4)
    3
    >>> steps_to([8.0, np.nan], cut=0.5) is None
    True
    """
    losses = np.asarray(losses, dtype=float)
    cut = checks.positive("cut", cut)
    if losses.ndim != 1 or losses.size == 0:
        raise ValueError(
            f"losses must be a non-empty 1-D array, got shape {losses.shape}"
        )
    with np.errstate(invalid="ignore"):
        hit = np.flatnonzero(losses < cut * losses[0])
    return int(hit[0]) if hit.size else None


def best_rate(surface, w0, optimizer, rates, steps, cut=1e-4):
    """Run an optimizer at each rate of a grid; the fewest steps to ``cut`` and that rate.

    Parameters
    ----------
    surface : Surface
    w0 : array_like, shape (d,)
        The start.
    optimizer : gdcourse.optimizers.Optimizer
    rates : sequence of float
        The grid of learning rates.
    steps : int
        Steps per run.
    cut : float
        See :func:`steps_to`.

    Returns
    -------
    (int or None, float or None)
        The fewest steps to reach ``cut`` and the rate that took them (the
        smaller rate on a tie); ``(None, None)`` if no rate got there.

    Examples
    --------
    >>> from gdcourse import surfaces, optimizers
    >>> s = surfaces.quadratic([[1.0]])
    >>> best_rate(s, [1.0], optimizers.sgd(), [0.1, 0.5, 1.0], steps=50)
    (1, 1.0)
    """
    best = (None, None)
    for lr in rates:
        run = descent.gradient_descent(
            surface, w0, lr=lr, steps=steps, optimizer=optimizer
        )
        k = steps_to(run.losses, cut)
        if k is not None and (best[0] is None or k < best[0]):
            best = (k, float(lr))
    return best


def effective_rates(optimizer, grad, w0, lr, steps, noise=0.0, seed=None):
    r"""Each coordinate's effective rate under AdaGrad or RMSProp, step by step.

    Parameters
    ----------
    optimizer : gdcourse.optimizers.Optimizer
        Made by :func:`gdcourse.optimizers.adagrad` or
        :func:`~gdcourse.optimizers.rmsprop` (without momentum).
    grad : callable
        ``grad(w) -> gradient``, e.g. a surface's ``grad``.
    w0 : array_like, shape (d,)
        The start.
    lr : float
        The learning rate :math:`\eta`.
    steps : int
        Number of steps.
    noise : float
        Standard deviation of Gaussian noise added to every gradient.
    seed : int, optional
        Seed of the noise.

    Returns
    -------
    numpy.ndarray, shape (steps, d)
        :math:`\eta / (\sqrt{a_t} + \epsilon)` after each step, where
        :math:`a_t` is the optimizer's accumulator: the sum of squared
        gradients (AdaGrad) or their running average (RMSProp).

    Examples
    --------
    >>> from gdcourse import optimizers
    >>> r = effective_rates(optimizers.adagrad(), lambda w: np.ones_like(w), [0.0], 1.0, 4)
    >>> print(np.round(r[:, 0], 4))
    [1.     0.7071 0.5774 0.5   ]
    """
    name = optimizer.name
    if name not in ("adagrad", "rmsprop") or optimizer.hyperparameters.get("momentum"):
        raise ValueError(
            f"optimizer must be an AdaGrad or RMSProp without momentum, got {optimizer!r}"
        )
    lr = checks.positive("lr", lr)
    steps = checks.integer("steps", steps, minimum=0)
    noise = checks.non_negative("noise", noise)
    eps = optimizer.hyperparameters["eps"]
    rng = np.random.default_rng(seed)
    w = checks.finite_array("w0", w0, ndim=1)
    state = optimizer.init(w)
    rates = np.empty((steps, w.size))
    for t in range(steps):
        g = grad(w)
        if noise:
            g = g + noise * rng.standard_normal(w.shape)
        w, state = optimizer.update(g, state, w, lr)
        rates[t] = lr / (np.sqrt(state[0]) + eps)
    return rates


def bias_factors(betas=(0.9, 0.999), steps=1000):
    r"""Adam's steps on a constant gradient, with and without bias correction.

    Parameters
    ----------
    betas : pair of float
        :math:`(\beta_1, \beta_2)`.
    steps : int
        Number of steps (>= 1).

    Returns
    -------
    taken : numpy.ndarray, shape (steps,)
        The length of each step :func:`gdcourse.optimizers.adam` takes at
        rate 1 on the gradient 1 (bias-corrected: 1 up to :math:`\epsilon`).
    uncorrected : numpy.ndarray, shape (steps,)
        :math:`m_t / \sqrt{v_t}` from the same run's state, the step an
        uncorrected Adam would take.

    Notes
    -----
    With a constant gradient :math:`m_t = (1 - \beta_1^t)` and
    :math:`v_t = (1 - \beta_2^t)`, so the uncorrected step is

    .. math:: c_t = \frac{1 - \beta_1^t}{\sqrt{1 - \beta_2^t}} .

    Examples
    --------
    >>> taken, raw = bias_factors(steps=2)
    >>> print(np.round(taken, 6), np.round(raw, 4))
    [1. 1.] [3.1623 4.2496]
    """
    steps = checks.integer("steps", steps, minimum=1)
    opt = optimizers.adam(betas=betas)
    w = np.zeros(1)
    state = opt.init(w)
    taken, raw = np.empty(steps), np.empty(steps)
    for t in range(steps):
        new, state = opt.update(np.ones(1), state, w, 1.0)
        taken[t] = w[0] - new[0]
        raw[t] = state.exp_avg[0] / np.sqrt(state.exp_avg_sq[0])
        w = new
    return taken, raw


def uncorrected_adam(lr, betas=(0.9, 0.999)):
    r"""The rate schedule that turns Adam into Adam without bias correction.

    Parameters
    ----------
    lr : float
        The rate :math:`\eta` of the uncorrected method (> 0).
    betas : pair of float
        The betas of the Adam it drives.

    Returns
    -------
    gdcourse.schedules.Schedule
        :math:`\eta_t = \eta\, (1 - \beta_1^{t+1}) / \sqrt{1 - \beta_2^{t+1}}`
        for the 0-based step :math:`t`.

    Notes
    -----
    Adam's step :math:`\frac{\eta_t}{1 - \beta_1^t}\, m_t / (\sqrt{v_t}/\sqrt{1 - \beta_2^t} + \epsilon)`
    with this rate is :math:`\eta\, m_t / (\sqrt{v_t} + \epsilon \sqrt{1 - \beta_2^t})`:
    the uncorrected step, with :math:`\epsilon` slightly smaller.  Powers are
    taken in Python floats, so the rates are the same on every machine.

    Examples
    --------
    >>> sched = uncorrected_adam(0.01)
    >>> print(f"{sched(0):.5f}")
    0.03162
    """
    lr = checks.positive("lr", lr)
    try:
        b1, b2 = betas
    except (TypeError, ValueError):
        raise ValueError(f"betas must be a pair of numbers, got {betas!r}") from None
    b1 = checks.in_interval("betas[0]", b1, 0.0, 1.0)
    b2 = checks.in_interval("betas[1]", b2, 0.0, 1.0)

    def rule(steps):
        return np.array(
            [
                lr * (1 - b1 ** (k + 1)) / math.sqrt(1 - b2 ** (k + 1))
                for k in steps.tolist()
            ]
        )

    return Schedule("uncorrected_adam", {"lr": lr, "betas": (b1, b2)}, rule)


def reddi_gradients(steps, big=1010.0, small=-10.0, period=101):
    """Gradients of Reddi et al.'s online linear losses, :math:`f_t(x) = g_t x`.

    Parameters
    ----------
    steps : int
        Number of rounds :math:`T` (>= 0).
    big : float
        The gradient of rounds :math:`t \\equiv 1 \\pmod{\\text{period}}`.
    small : float
        The gradient of every other round.
    period : int
        Rounds per cycle (>= 2).

    Returns
    -------
    numpy.ndarray, shape (steps,)
        :math:`g_1, \\dots, g_T`.

    Notes
    -----
    Over one cycle the losses add up to
    :math:`(\\text{big} + (\\text{period} - 1)\\,\\text{small})\\,x`; with the
    defaults that is :math:`10 x`, so on :math:`[-1, 1]` the best fixed point
    is :math:`x = -1`.  The large gradient is rare: an exponential average of
    squared gradients forgets it before it comes back.

    References
    ----------
    .. [1] S. J. Reddi, S. Kale and S. Kumar, "On the convergence of Adam and
       beyond", ICLR 2018, section 5.

    Examples
    --------
    >>> g = reddi_gradients(5, period=3)
    >>> print(g)
    [1010.  -10.  -10. 1010.  -10.]
    """
    steps = checks.integer("steps", steps, minimum=0)
    big = checks.number("big", big)
    small = checks.number("small", small)
    period = checks.integer("period", period, minimum=2)
    t = np.arange(1, steps + 1)
    return np.where(t % period == 1, big, small)


def online_descent(optimizer, grads, x0, lr, bounds=(-1.0, 1.0)):
    """Run an optimizer on a stream of gradients, projecting onto an interval.

    Parameters
    ----------
    optimizer : gdcourse.optimizers.Optimizer
        The update rule.
    grads : array_like, shape (T,) or (T, d)
        The gradient of each round; in an online linear problem it does not
        depend on the point.
    x0 : float or array_like, shape (d,)
        The start.
    lr : float or callable
        A rate or a schedule of the 0-based round.
    bounds : pair of float
        The interval every coordinate is clipped to after each step.

    Returns
    -------
    numpy.ndarray, shape (T + 1,) or (T + 1, d)
        The start, then the point after every round.

    Notes
    -----
    Round :math:`t` takes the optimizer's step and projects,
    :math:`x_{t+1} = \\Pi_{[a, b]}(x_t - \\eta_t\\,\\text{step}(g_t))`, the
    projected online setting of Reddi et al. (2018).

    Examples
    --------
    >>> from gdcourse import optimizers
    >>> xs = online_descent(optimizers.sgd(), [1.0, 1.0, -5.0], 0.0, lr=0.5)
    >>> print(xs)
    [ 0.  -0.5 -1.   1. ]
    """
    g = np.asarray(grads, dtype=float)
    if g.ndim not in (1, 2) or not np.all(np.isfinite(g)):
        raise ValueError("grads must be a 1-D or 2-D array of finite numbers")
    lo, hi = (float(b) for b in bounds)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(
            f"bounds must be two finite numbers low < high, got {bounds!r}"
        )
    rate = as_schedule(lr)
    lrs = np.asarray(rate(np.arange(len(g))), dtype=float).reshape(len(g))
    x = np.clip(np.array(x0, dtype=float).reshape(g.shape[1:]), lo, hi)
    state = optimizer.init(x)
    xs = np.empty((len(g) + 1,) + x.shape)
    xs[0] = x
    for t in range(len(g)):
        x, state = optimizer.update(g[t], state, x, lrs[t])
        x = np.clip(x, lo, hi)
        xs[t + 1] = x
    return xs

"""Adaptive methods measured: turned ravines, effective rates, bias correction, Reddi's example.

A coordinate-wise (diagonal) rescaling such as AdaGrad, RMSProp or Adam can
undo the ill-conditioning of a ravine whose axes are the coordinate axes, but
not of the same ravine turned by an angle.  :func:`ravine` builds both,
:func:`rotate` turns a start with the ravine, and :func:`grid_steps` and
:func:`best_rate` race an optimizer over a grid of rates (:func:`steps_to`
counts the steps).
:func:`effective_rates` reads AdaGrad's and RMSProp's per-coordinate rates out
of their state; :func:`bias_factors` and :func:`uncorrected_adam` measure and
reproduce Adam without its bias correction.
:func:`adam_step_bound` is the longest step Adam can take, in units of its
rate; :func:`adam_scales` records the diagonal preconditioner of every Adam step,
:func:`preconditioned_sharpness` measures the curvature Adam sees through it
and :func:`frozen_adam_limit` is the edge of stability it is compared with
(Cohen et al., 2022).
:func:`reddi_gradients` and :func:`online_descent` run the one-dimensional
online problem on which Adam converges to the worst point of the interval
(Reddi, Kale and Kumar, 2018); :func:`adam_unit_steps` takes it apart round
by round.  :class:`NormLog` records the gradients an optimizer receives.

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
    "grid_steps",
    "best_rate",
    "effective_rates",
    "bias_factors",
    "uncorrected_adam",
    "adam_step_bound",
    "adam_scales",
    "preconditioned_sharpness",
    "frozen_adam_limit",
    "reddi_gradients",
    "online_descent",
    "adam_unit_steps",
    "NormLog",
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


def steps_to(losses, cut=1e-4, stay=False):
    """The first step at which the loss is below ``cut`` times its start.

    Parameters
    ----------
    losses : array_like, shape (steps + 1,)
        A run's losses, the start first (NaN after a stop counts as not below).
    cut : float
        The fraction of the starting loss to reach (> 0).
    stay : bool
        If True, the first step from which the loss stays below the cut up
        to the end of the run, so that a run that dips below and climbs back
        has not arrived yet.

    Returns
    -------
    int or None
        The step, or None if the run never got there (or, with ``stay``,
        is not below the cut at its end).

    Examples
    --------
    >>> steps_to([8.0, 4.0, 1e-3, 1e-5], cut=1e-4)
    3
    >>> steps_to([8.0, np.nan], cut=0.5) is None
    True
    >>> losses = [8.0, 1e-5, 1.0, 1e-5, 1e-6]
    >>> steps_to(losses), steps_to(losses, stay=True)
    (1, 3)
    """
    losses = np.asarray(losses, dtype=float)
    cut = checks.positive("cut", cut)
    if losses.ndim != 1 or losses.size == 0:
        raise ValueError(
            f"losses must be a non-empty 1-D array, got shape {losses.shape}"
        )
    with np.errstate(invalid="ignore"):
        below = losses < cut * losses[0]
    if not stay:
        hit = np.flatnonzero(below)
        return int(hit[0]) if hit.size else None
    above = np.flatnonzero(~below)
    if above.size == 0:
        return 0
    last = int(above[-1])
    return last + 1 if last + 1 < losses.size else None


def grid_steps(surface, w0, optimizer, rates, steps, cut=1e-4, stay=False):
    """Run an optimizer at each rate of a grid; the steps each run needs to ``cut``.

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
    cut, stay
        See :func:`steps_to`.

    Returns
    -------
    list of (int or None)
        :func:`steps_to` of each rate's run, in the order of ``rates``.

    Examples
    --------
    >>> from gdcourse import surfaces, optimizers
    >>> s = surfaces.quadratic([[1.0]])
    >>> grid_steps(s, [1.0], optimizers.sgd(), [0.1, 0.5, 1.0, 3.0], steps=50)
    [44, 7, 1, None]
    """
    return [
        steps_to(
            descent.gradient_descent(
                surface, w0, lr=lr, steps=steps, optimizer=optimizer
            ).losses,
            cut,
            stay,
        )
        for lr in rates
    ]


def best_rate(surface, w0, optimizer, rates, steps, cut=1e-4, stay=False):
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
    cut, stay
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
    counts = grid_steps(surface, w0, optimizer, rates, steps, cut, stay)
    for k, lr in zip(counts, rates):
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


def adam_step_bound(betas=(0.9, 0.999), t=None):
    r"""The longest step Adam (with :math:`\epsilon = 0`) can take, in units of its rate.

    Parameters
    ----------
    betas : pair of float
        :math:`(\beta_1, \beta_2)`, both in [0, 1), with
        :math:`\beta_1^2 < \beta_2`.
    t : int, optional
        The step (>= 1); by default the bound over every step.

    Returns
    -------
    float
        :math:`B_t`, the largest :math:`|\hat m_t| / \sqrt{\hat v_t}` any
        sequence of gradients can give at step :math:`t`, or its limit
        :math:`B_\infty`, 7.27 for the defaults.

    Notes
    -----
    With :math:`\rho = \beta_1^2 / \beta_2`, the Cauchy--Schwarz inequality
    applied to :math:`\sum_i \beta_1^{t-i} g_i = \sum_i
    (\beta_1 / \sqrt{\beta_2})^{t-i} \cdot \beta_2^{(t-i)/2} g_i` gives, for
    Adam's bias-corrected averages,

    .. math::

        \frac{|\hat m_t|}{\sqrt{\hat v_t}} \le B_t =
        \frac{1 - \beta_1}{1 - \beta_1^t}
        \sqrt{\frac{(1 - \beta_2^t)(1 - \rho^t)}{(1 - \beta_2)(1 - \rho)}}
        \le B_\infty = \frac{1 - \beta_1}{\sqrt{(1 - \beta_2)(1 - \rho)}} ,

    where :math:`B_t \le B_\infty` because
    :math:`(1 - \beta_2^t)(1 - \rho^t) \le (1 - \beta_1^t)^2` (the arithmetic
    and geometric means of :math:`\beta_2^t` and :math:`\rho^t`).  Equality
    at step :math:`t` holds for gradients that grow by the factor
    :math:`\beta_2 / \beta_1` every step, :math:`g_i \propto
    (\beta_2 / \beta_1)^{i}`.  A lone large gradient after a long quiet
    spell gives only :math:`(1 - \beta_1) / \sqrt{1 - \beta_2}`, and a
    steady gradient gives 1.

    Examples
    --------
    >>> print(f"{adam_step_bound():.2f} {adam_step_bound(t=1):.2f}")
    7.27 1.00
    """
    try:
        b1, b2 = betas
    except (TypeError, ValueError):
        raise ValueError(f"betas must be a pair of numbers, got {betas!r}") from None
    b1 = checks.in_interval("betas[0]", b1, 0.0, 1.0)
    b2 = checks.in_interval("betas[1]", b2, 0.0, 1.0)
    if not b1 * b1 < b2:
        raise ValueError(f"the bound needs betas[0]**2 < betas[1], got betas {betas!r}")
    rho = b1 * b1 / b2
    limit = (1 - b1) / math.sqrt((1 - b2) * (1 - rho))
    if t is None:
        return limit
    t = checks.integer("t", t, minimum=1)
    growth = math.sqrt((1 - b2**t) * (1 - rho**t)) / (1 - b1**t)
    return limit * growth


def adam_scales(surface, w0, lr, steps, betas=(0.9, 0.999), eps=1e-8):
    r"""Run Adam on a surface and record the diagonal preconditioner of every step.

    Parameters
    ----------
    surface : Surface
        Anything with ``grad(w)``.
    w0 : array_like, shape (d,)
        The start.
    lr : float
        The rate :math:`\eta` (> 0).
    steps : int
        Number of steps (>= 0).
    betas : pair of float
        :math:`(\beta_1, \beta_2)`.
    eps : float
        Adam's :math:`\epsilon` (> 0).

    Returns
    -------
    weights : numpy.ndarray, shape (steps + 1, d)
        The start, then the weights after every step: the path
        :func:`gdcourse.descent.gradient_descent` takes with
        ``optimizer=gdcourse.optimizers.adam(betas, eps)``.
    scales : numpy.ndarray, shape (steps, d)
        The diagonal of :math:`D_t` for steps :math:`t = 1, \dots`.

    Notes
    -----
    Adam's step :math:`t` is a momentum step preconditioned by

    .. math::

        D_t = \operatorname{diag}\big(\sqrt{\hat v_t}\big) + \epsilon I,
        \qquad
        w_t = w_{t-1} - \eta\, D_t^{-1} \hat m_t ,

    with :math:`\hat v_t = v_t / (1 - \beta_2^t)` read from the optimizer's
    state after the step.

    Examples
    --------
    >>> from gdcourse import surfaces
    >>> s = surfaces.quadratic([[4.0]])
    >>> weights, scales = adam_scales(s, [1.0], lr=0.1, steps=2)
    >>> print(np.round(scales[:, 0], 4))
    [4.     3.8052]
    """
    lr = checks.positive("lr", lr)
    steps = checks.integer("steps", steps, minimum=0)
    opt = optimizers.adam(betas=betas, eps=eps)
    beta2 = opt.hyperparameters["betas"][1]
    w = checks.finite_array("w0", w0, ndim=1)
    state = opt.init(w)
    weights = np.empty((steps + 1, w.size))
    scales = np.empty((steps, w.size))
    weights[0] = w
    for t in range(steps):
        w, state = opt.update(surface.grad(w), state, w, lr)
        weights[t + 1] = w
        scales[t] = np.sqrt(state.exp_avg_sq / (1 - beta2**state.count)) + eps
    return weights, scales


def preconditioned_sharpness(H, scales):
    r"""The largest eigenvalue of :math:`D^{-1} H` for a diagonal :math:`D`.

    Parameters
    ----------
    H : array_like, shape (d, d)
        A symmetric matrix (a Hessian).
    scales : array_like, shape (..., d)
        The diagonal of :math:`D`, positive; one row per step if many.

    Returns
    -------
    float or numpy.ndarray, shape (...)
        :math:`\lambda_{\max}(D^{-1} H)` for each row of ``scales``.

    Notes
    -----
    :math:`D^{-1} H` is not symmetric, but it is similar to
    :math:`D^{-1/2} H D^{-1/2}`, which is:

    .. math::

        \lambda_{\max}(D^{-1} H) = \lambda_{\max}\big(D^{-1/2} H D^{-1/2}\big),
        \qquad \big(D^{-1/2} H D^{-1/2}\big)_{ij} = \frac{H_{ij}}{\sqrt{d_i d_j}} .

    Gradient descent preconditioned by :math:`D` on a quadratic with Hessian
    :math:`H` is plain gradient descent on this matrix, so its largest
    eigenvalue is what a stability limit is compared with.

    Examples
    --------
    >>> H = [[1.0, 0.0], [0.0, 0.01]]
    >>> print(f"{preconditioned_sharpness(H, [0.5, 0.001]):.3f}")
    10.000
    """
    H = checks.symmetric_matrix("H", H)
    d = np.asarray(scales, dtype=float)
    if d.ndim < 1 or d.shape[-1] != H.shape[0] or not np.all(d > 0):
        raise ValueError(
            f"scales must be positive numbers of shape (..., {H.shape[0]}), "
            f"got shape {d.shape}"
        )
    root = np.sqrt(d)
    scaled = H / (root[..., :, None] * root[..., None, :])
    top = np.linalg.eigvalsh(scaled)[..., -1]
    return float(top) if top.ndim == 0 else top


def frozen_adam_limit(beta1=0.9):
    r"""The largest stable :math:`\eta \lambda` of Adam with a frozen preconditioner.

    Parameters
    ----------
    beta1 : float
        Adam's :math:`\beta_1`, in [0, 1).

    Returns
    -------
    float
        :math:`2 (1 + \beta_1) / (1 - \beta_1)`: 38 for :math:`\beta_1 = 0.9`.

    Notes
    -----
    With :math:`D` fixed and the bias correction of :math:`m` at 1 (late in a
    run), Adam on a quadratic with Hessian :math:`H` is, along an eigenvector
    of :math:`D^{-1} H` with eigenvalue :math:`\lambda`,

    .. math::

        m_t = \beta_1 m_{t-1} + (1 - \beta_1) \lambda w_{t-1}, \qquad
        w_t = w_{t-1} - \eta\, m_t ,

    heavy-ball momentum with rate :math:`(1 - \beta_1)\eta` and momentum
    :math:`\beta_1`, stable if and only if
    :math:`0 < (1 - \beta_1)\eta\lambda < 2 (1 + \beta_1)`
    (Cohen et al., 2022, who measured full-batch Adam hovering there).

    References
    ----------
    .. [1] J. M. Cohen, B. Ghorbani, S. Krishnan et al., "Adaptive gradient
       methods at the edge of stability", arXiv:2207.14484, 2022.

    Examples
    --------
    >>> print(f"{frozen_adam_limit(0.9):.1f}")
    38.0
    """
    beta1 = checks.in_interval("beta1", beta1, 0.0, 1.0)
    return 2.0 * (1.0 + beta1) / (1.0 - beta1)


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
    is :math:`x = -1`.  The large gradient is rare: between two of them an
    exponential average of squared gradients forgets part of it
    (:func:`adam_unit_steps` measures how much).

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


def adam_unit_steps(grads, betas=(0.9, 0.999), eps=1e-8, amsgrad=False):
    r"""Adam's steps at rate 1 on a stream of gradients, and the scale each is divided by.

    Parameters
    ----------
    grads : array_like, shape (T,)
        The gradient of each round (in an online linear problem it does not
        depend on the point).
    betas : pair of float
        :math:`(\beta_1, \beta_2)`.
    eps : float
        Adam's :math:`\epsilon` (> 0).
    amsgrad : bool
        Divide by the running maximum of :math:`v_t` (AMSGrad).

    Returns
    -------
    steps : numpy.ndarray, shape (T,)
        :math:`-\hat m_t / (\sqrt{\hat v_t} + \epsilon)`: round :math:`t`'s
        step in units of its rate, before any projection.
    scales : numpy.ndarray, shape (T,)
        :math:`\sqrt{\hat v_t}`, or AMSGrad's
        :math:`\sqrt{v^{\max}_t / (1 - \beta_2^t)}` with
        :math:`v^{\max}_t = \max(v^{\max}_{t-1}, v_t)` (PyTorch's form).

    Notes
    -----
    The run is :func:`gdcourse.optimizers.adam` at rate 1 with no projection.
    With a slowly varying rate :math:`\eta_t` (such as :math:`1/\sqrt t`),
    the move over a stretch of rounds is about :math:`\eta_t` times the sum
    of these steps.  On a periodic stream the scales settle into a cycle:
    for Reddi et al.'s gradients (``big`` once every ``period`` rounds,
    ``small`` otherwise) the average just before a large gradient tends to

    .. math::

        v_{\min} = \frac{\text{small}^2 (1 - \beta_2^{p-1})
                   + \beta_2^{p-1} (1 - \beta_2)\, \text{big}^2}
                  {1 - \beta_2^{p}}, \qquad p = \text{period} .

    Examples
    --------
    >>> steps, scales = adam_unit_steps([2.0, 2.0, -1.0])
    >>> print(np.round(steps, 3), np.round(scales, 3))
    [-1.    -1.    -0.516] [2.    2.    1.732]
    """
    g = np.asarray(grads, dtype=float)
    if g.ndim != 1 or not np.all(np.isfinite(g)):
        raise ValueError("grads must be a 1-D array of finite numbers")
    opt = optimizers.adam(betas=betas, eps=eps, amsgrad=amsgrad)
    beta2 = opt.hyperparameters["betas"][1]
    x = np.zeros(1)
    state = opt.init(x)
    steps, scales = np.empty(len(g)), np.empty(len(g))
    for t in range(len(g)):
        new, state = opt.update(g[t : t + 1], state, x, 1.0)
        steps[t] = new[0] - x[0]
        v = state.max_exp_avg_sq if amsgrad else state.exp_avg_sq
        scales[t] = np.sqrt(v[0] / (1 - beta2**state.count))
        x = new
    return steps, scales


class NormLog:
    """Records the norm of every gradient an optimizer is handed.

    ``log.wrap(optimizer)`` is the same update rule, which first appends
    the Euclidean norm of the gradient it receives to ``log.norms``; with
    ``clip_norm`` in :func:`gdcourse.training.train`, that is the gradient
    after clipping.  One log may follow several runs, one after the other.
    Handed a stack of gradients (several seeds trained as one), it appends
    one list with the norm of each row.

    Examples
    --------
    >>> from gdcourse import optimizers
    >>> log = NormLog()
    >>> opt = log.wrap(optimizers.sgd())
    >>> w, state = opt.update(np.array([3.0, 4.0]), opt.init(np.zeros(2)), np.zeros(2), 0.1)
    >>> print(log.norms, w)
    [5.0] [-0.3 -0.4]
    """

    def __init__(self):
        self.norms = []

    def wrap(self, optimizer):
        """The optimizer's update rule, recording each gradient's norm here."""

        def update(grad, state, params, lr):
            norms = np.sqrt(np.sum(np.square(grad), axis=-1))
            self.norms.append(norms.tolist())
            return optimizer.update(grad, state, params, lr)

        return optimizers.Optimizer(
            optimizer.name, optimizer.hyperparameters, optimizer.init, update
        )

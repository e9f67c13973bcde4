"""Test problems for adaptive methods: rotated ravines and Reddi's online example.

A coordinate-wise (diagonal) rescaling such as AdaGrad, RMSProp or Adam can
undo the ill-conditioning of a ravine whose axes are the coordinate axes, but
not of the same ravine turned by an angle.  :func:`ravine` builds both.
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

from gdcourse import checks, surfaces
from gdcourse.schedules import as_schedule

__all__ = ["ravine", "reddi_gradients", "online_descent"]


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

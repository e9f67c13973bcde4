"""Loss surfaces with exact gradients and Hessians.

Odd powers are written as products (``x * x * x``): NumPy's ``x**3`` on
negative floats goes through ``pow`` and is some 30 times slower, which
matters when thousands of starts descend at once.

A :class:`Surface` is a loss over ``d`` weights.  Every method takes points of
shape ``(..., d)`` and works on all leading axes at once, so a grid of starts or
a whole trajectory is one call:

>>> import numpy as np
>>> from gdcourse import surfaces
>>> s = surfaces.quadratic([[2.0]])          # f(x) = x**2
>>> print(s(np.array([3.0])), s.grad(np.array([3.0])))
9.0 [6.]

The catalogue (:func:`bowl`, :func:`elongated_bowl`, :func:`two_valleys`,
:func:`saddle`, :func:`monkey_saddle`, :func:`rosenbrock`, :func:`himmelblau`,
...) gives each surface a plotting box and, where known, its minima.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from gdcourse import checks, models

__all__ = [
    "Surface",
    "quadratic",
    "bowl",
    "elongated_bowl",
    "two_valleys",
    "two_valleys_1d",
    "saddle",
    "degenerate_saddle",
    "monkey_saddle",
    "rosenbrock",
    "himmelblau",
    "least_squares",
    "CATALOGUE",
    "by_name",
]


@dataclass(frozen=True, eq=False)
class Surface:
    """A loss over ``dim`` weights with its exact gradient and Hessian.

    Parameters
    ----------
    name : str
        Short human-readable name, used in figure legends.
    dim : int
        Number of weights ``d``.
    value_fn, grad_fn, hessian_fn : callable
        Map points of shape ``(..., d)`` to values ``(...)``, gradients
        ``(..., d)`` and Hessians ``(..., d, d)``.
    box : tuple of (float, float)
        Plotting range for each weight.
    minima : numpy.ndarray
        Known local minima, shape ``(m, d)`` (``m`` may be 0).
    formula : str
        The formula in LaTeX, for captions and explorers.
    value_and_grad_fn : callable, optional
        Maps points to ``(value_fn(w), grad_fn(w))``, the same numbers to the
        last bit, computing what the two share once (a quadratic's
        :math:`Aw`); the descent loops call it at every step.  By default the
        two functions are called in turn.
    """

    name: str
    dim: int
    value_fn: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    grad_fn: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    hessian_fn: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    box: tuple = ((-3.0, 3.0), (-3.0, 3.0))
    minima: np.ndarray = field(default_factory=lambda: np.empty((0, 2)), repr=False)
    formula: str = ""
    value_and_grad_fn: Callable | None = field(default=None, repr=False)

    def value_and_grad(self, w):
        """The loss and its gradient at ``w``: ``(self(w), self.grad(w))``, computed together.

        Examples
        --------
        >>> s = quadratic([[2.0, 0.0], [0.0, 4.0]])
        >>> value, grad = s.value_and_grad([1.0, 1.0])
        >>> print(value, grad)
        3.0 [2. 4.]
        """
        w = self.check_points(w)
        if self.value_and_grad_fn is not None:
            return self.value_and_grad_fn(w)
        return self.value_fn(w), self.grad_fn(w)

    def check_points(self, w, name="w"):
        """Return ``w`` as a float array of shape ``(..., dim)`` or raise ``ValueError``."""
        arr = np.asarray(w, dtype=float)
        if arr.ndim == 0 or arr.shape[-1] != self.dim:
            raise ValueError(
                f"{name} must have shape (..., {self.dim}) for the {self.dim}-weight "
                f"surface {self.name!r}, got shape {arr.shape}"
            )
        return arr

    @staticmethod
    def check_box(box, name="box"):
        """Return ``box`` as ``((lo, hi), (lo, hi))`` floats, or raise ``ValueError``."""
        try:
            (x0, x1), (y0, y1) = box
            ok = all(map(checks.is_number, (x0, x1, y0, y1))) and x0 < x1 and y0 < y1
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ValueError(
                f"{name} must be ((lo, hi), (lo, hi)) with finite lo < hi, got {box!r}"
            )
        return (float(x0), float(x1)), (float(y0), float(y1))

    def __call__(self, w):
        """Loss at ``w`` (shape ``(..., d)``), shape ``(...)``."""
        return self.value_fn(self.check_points(w))

    def grad(self, w):
        """Gradient at ``w`` (shape ``(..., d)``), same shape as ``w``."""
        return self.grad_fn(self.check_points(w))

    def hessian(self, w):
        """Hessian at ``w`` (shape ``(..., d)``), shape ``(..., d, d)``."""
        return self.hessian_fn(self.check_points(w))

    @property
    def global_minimum(self):
        """The lowest known minimum, shape ``(d,)``, or ``None`` if none is known."""
        if len(self.minima) == 0:
            return None
        return self.minima[np.argmin(self.value_fn(self.minima))]

    def grid(self, n=200):
        """Loss on an ``n x n`` grid over :attr:`box` (2-weight surfaces only).

        Returns
        -------
        X, Y, Z : numpy.ndarray
            Coordinates and loss values, each of shape ``(n, n)``, ready for
            :func:`matplotlib.axes.Axes.contour`.
        """
        if self.dim != 2:
            raise ValueError(
                f"grid needs a 2-weight surface, {self.name!r} has {self.dim}"
            )
        (x0, x1), (y0, y1) = self.box
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        return X, Y, self.value_fn(np.stack([X, Y], axis=-1))

    def __repr__(self):
        return f"Surface({self.name!r}, dim={self.dim})"


def _stack(*components):
    """Stack per-coordinate arrays into points of shape ``(..., d)``."""
    return np.stack(np.broadcast_arrays(*components), axis=-1)


def _hessian_2x2(hxx, hxy, hyy):
    """Assemble a symmetric 2x2 Hessian field from its entries."""
    hxx, hxy, hyy = np.broadcast_arrays(hxx, hxy, hyy)
    return np.stack([np.stack([hxx, hxy], -1), np.stack([hxy, hyy], -1)], -2)


def quadratic(A, b=None, *, name="quadratic", box=None):
    """The quadratic loss :math:`f(w) = \\tfrac12 w^\\top A w - b^\\top w`.

    Parameters
    ----------
    A : array_like, shape (d, d)
        Symmetric matrix: the (constant) Hessian.
    b : array_like, shape (d,), optional
        Linear term; zero by default, which puts a minimum (if ``A`` is
        positive definite) at the origin.
    name : str, optional
        Name for legends.
    box : tuple, optional
        Plotting range per weight; by default a square around the stationary
        point.

    Returns
    -------
    Surface

    Notes
    -----
    .. math::

        f(w) = \\tfrac12 w^\\top A w - b^\\top w, \\qquad
        \\nabla f(w) = A w - b, \\qquad \\nabla^2 f(w) = A .

    If ``A`` is positive definite the unique minimum is :math:`w^* = A^{-1} b`.

    Examples
    --------
    >>> s = quadratic([[2.0]])           # x**2
    >>> print(s(np.array([10.0])))
    100.0
    >>> s2 = quadratic([[1.0, 0.0], [0.0, 10.0]], b=[1.0, 0.0])
    >>> print(s2.minima)
    [[1. 0.]]
    """
    A = checks.symmetric_matrix("A", A)
    d = A.shape[0]
    b = np.zeros(d) if b is None else np.asarray(b, dtype=float)
    if b.shape != (d,) or not np.all(np.isfinite(b)):
        raise ValueError(
            f"b must be a finite vector of shape ({d},), got shape {b.shape}"
        )

    def product(w):  # Aw, summed in a fixed order (no BLAS: the same bits everywhere)
        return (w[..., None, :] * A).sum(-1)

    def value(w, Aw=None):
        Aw = product(w) if Aw is None else Aw
        return 0.5 * (w * Aw).sum(-1) - (w * b).sum(-1)

    def grad(w, Aw=None):
        return (product(w) if Aw is None else Aw) - b

    def value_and_grad(w):
        Aw = product(w)
        return value(w, Aw), grad(w, Aw)

    def hessian(w):
        return np.broadcast_to(A, w.shape[:-1] + (d, d)).copy()

    eig = np.linalg.eigvalsh(A)
    if eig.min() > 0:
        centre = np.linalg.solve(A, b)
        minima = centre[None, :]
    else:
        centre = np.linalg.lstsq(A, b, rcond=None)[0]
        minima = np.empty((0, d))
    if box is None:
        half = 3.0 + float(np.abs(centre).max())
        box = tuple((float(c) - half, float(c) + half) for c in centre)
    return Surface(
        name,
        d,
        value,
        grad,
        hessian,
        box=box,
        minima=minima,
        formula=r"\tfrac12 w^\top A w - b^\top w",
        value_and_grad_fn=value_and_grad,
    )


def bowl():
    """The round bowl :math:`f(x, y) = x^2 + y^2` (curvature 2 both ways).

    Returns
    -------
    Surface

    Examples
    --------
    >>> print(bowl()(np.array([1.0, 2.0])))
    5.0
    """
    s = quadratic(2.0 * np.eye(2), name="bowl", box=((-3.0, 3.0), (-3.0, 3.0)))
    return replace(s, formula=r"x^2 + y^2")


def elongated_bowl(kappa=10.0, L=1.0):
    """An elongated bowl with condition number ``kappa``.

    Parameters
    ----------
    kappa : float
        Ratio of the largest to the smallest curvature, at least 1.
    L : float
        Largest curvature (along ``y``).

    Returns
    -------
    Surface

    Notes
    -----
    .. math::

        f(x, y) = \\tfrac12 \\left(\\tfrac{L}{\\kappa} x^2 + L y^2\\right),
        \\qquad \\nabla^2 f = \\operatorname{diag}(L/\\kappa,\\ L) .

    Examples
    --------
    >>> s = elongated_bowl(kappa=10.0)
    >>> print(np.linalg.eigvalsh(s.hessian(np.zeros(2))))
    [0.1 1. ]
    """
    kappa = checks.in_interval("kappa", kappa, 1, math.inf)
    L = checks.positive("L", L)
    s = quadratic(
        np.diag([L / kappa, L]),
        name=f"elongated bowl (kappa={kappa:g})",
        box=((-4.0, 4.0), (-2.0, 2.0)),
    )
    return replace(s, formula=r"\tfrac12\left(\tfrac{L}{\kappa}x^2 + L y^2\right)")


def _cubic_minima(c3, c1, c0):
    """Real roots of ``c3 x^3 + c1 x + c0`` where the second derivative is positive."""
    roots = np.roots([c3, 0.0, c1, c0])
    real = np.sort(roots[np.abs(roots.imag) < 1e-9].real)
    return real[3 * c3 * real**2 + c1 > 0]


def two_valleys(tilt=0.3):
    """Two valleys of different depth: a global and a local minimum.

    Parameters
    ----------
    tilt : float
        Tilts the double well so the left valley (``x < 0``) is deeper;
        0 gives two equal minima.

    Returns
    -------
    Surface

    Notes
    -----
    .. math::

        f(x, y) = (x^2 - 1)^2 + t\\,x + \\tfrac12 y^2 .

    The minima sit at the roots of :math:`4x^3 - 4x + t = 0` where
    :math:`12x^2 - 4 > 0`, with :math:`y = 0`.

    Examples
    --------
    >>> s = two_valleys()
    >>> print(np.round(s.minima, 3))
    [[-1.036  0.   ]
     [ 0.96   0.   ]]
    >>> print(np.round(s.global_minimum, 3))
    [-1.036  0.   ]
    """
    t = checks.in_interval("tilt", tilt, -1, 1, closed="neither")

    def value(w):
        x, y = w[..., 0], w[..., 1]
        return (x**2 - 1.0) ** 2 + t * x + 0.5 * y**2

    def grad(w):
        x, y = w[..., 0], w[..., 1]
        return _stack(4.0 * x * x * x - 4.0 * x + t, y)

    def hessian(w):
        x = w[..., 0]
        return _hessian_2x2(12.0 * x**2 - 4.0, 0.0 * x, 1.0 + 0.0 * x)

    xs = _cubic_minima(4.0, -4.0, t)
    minima = np.stack([xs, np.zeros_like(xs)], axis=-1)
    return Surface(
        "two valleys",
        2,
        value,
        grad,
        hessian,
        box=((-2.0, 2.0), (-1.5, 1.5)),
        minima=minima,
        formula=r"(x^2-1)^2 + t\,x + \tfrac12 y^2",
    )


def two_valleys_1d(tilt=0.3):
    """The one-weight double well :math:`f(x) = (x^2 - 1)^2 + t\\,x`.

    Parameters
    ----------
    tilt : float
        Tilt in (-1, 1); positive makes the left valley deeper.

    Returns
    -------
    Surface

    Examples
    --------
    >>> print(np.round(two_valleys_1d().minima[:, 0], 3))
    [-1.036  0.96 ]
    """
    t = checks.in_interval("tilt", tilt, -1, 1, closed="neither")

    def value(w):
        x = w[..., 0]
        return (x**2 - 1.0) ** 2 + t * x

    def grad(w):
        return 4.0 * w * w * w - 4.0 * w + t

    def hessian(w):
        return (12.0 * w**2 - 4.0)[..., None]

    xs = _cubic_minima(4.0, -4.0, t)
    return Surface(
        "two valleys (1-D)",
        1,
        value,
        grad,
        hessian,
        box=((-2.0, 2.0),),
        minima=xs[:, None],
        formula=r"(x^2-1)^2 + t\,x",
    )


def saddle(a=1.0, b=1.0):
    """The saddle :math:`f(x, y) = \\tfrac12 (a x^2 - b y^2)`.

    A minimum along ``x`` and a maximum along ``y``: the origin is a
    critical point with Hessian :math:`\\operatorname{diag}(a, -b)`.

    Parameters
    ----------
    a, b : float
        Positive curvatures along ``x`` (up) and ``y`` (down).

    Returns
    -------
    Surface

    Examples
    --------
    >>> print(saddle().hessian(np.zeros(2)))
    [[ 1.  0.]
     [ 0. -1.]]
    """
    a = checks.positive("a", a)
    b = checks.positive("b", b)
    s = quadratic(np.diag([a, -b]), name="saddle", box=((-2.0, 2.0), (-2.0, 2.0)))
    return replace(
        s, formula=r"\tfrac12(a x^2 - b y^2)"
    )  # no minimum: eig has both signs


def degenerate_saddle():
    """A degenerate saddle whose flat direction makes a long plateau.

    The origin is a critical point with Hessian :math:`\\operatorname{diag}(2, 0)`:
    curved along ``x`` but flat along ``y``, so gradient descent started near
    it creeps for many steps (a plateau that looks like convergence) before it
    finds the way down to the minima at :math:`y = \\pm\\sqrt{4/3}`.

    Returns
    -------
    Surface

    Notes
    -----
    .. math::

        f(x, y) = x^2 - y^4 + \\tfrac12 y^6, \\qquad
        \\nabla f = (2x,\\ -4y^3 + 3y^5) .

    Examples
    --------
    >>> s = degenerate_saddle()
    >>> print(s.hessian(np.zeros(2)))
    [[2. 0.]
     [0. 0.]]
    >>> print(np.round(s.minima, 4))
    [[ 0.     -1.1547]
     [ 0.      1.1547]]
    """

    def value(w):
        x, y = w[..., 0], w[..., 1]
        y2 = y * y
        return x**2 - y2 * y2 + 0.5 * y2 * y2 * y2

    def grad(w):
        x, y = w[..., 0], w[..., 1]
        return _stack(2.0 * x, -4.0 * y * y * y + 3.0 * y * y * y * y * y)

    def hessian(w):
        x, y = w[..., 0], w[..., 1]
        return _hessian_2x2(2.0 + 0.0 * x, 0.0 * x, -12.0 * y**2 + 15.0 * y**4)

    r = np.sqrt(4.0 / 3.0)
    return Surface(
        "degenerate saddle",
        2,
        value,
        grad,
        hessian,
        box=((-1.5, 1.5), (-1.5, 1.5)),
        minima=np.array([[0.0, -r], [0.0, r]]),
        formula=r"x^2 - y^4 + \tfrac12 y^6",
    )


def monkey_saddle():
    """The monkey saddle :math:`f(x, y) = x^3 - 3 x y^2`.

    Three ways down, three ways up; its Hessian at the origin is zero.

    Returns
    -------
    Surface

    Examples
    --------
    >>> print(monkey_saddle().grad(np.array([1.0, 1.0])))
    [ 0. -6.]
    """

    def value(w):
        x, y = w[..., 0], w[..., 1]
        return x * x * x - 3.0 * x * y**2

    def grad(w):
        x, y = w[..., 0], w[..., 1]
        return _stack(3.0 * x**2 - 3.0 * y**2, -6.0 * x * y)

    def hessian(w):
        x, y = w[..., 0], w[..., 1]
        return _hessian_2x2(6.0 * x, -6.0 * y, -6.0 * x)

    return Surface(
        "monkey saddle",
        2,
        value,
        grad,
        hessian,
        box=((-1.5, 1.5), (-1.5, 1.5)),
        minima=np.empty((0, 2)),
        formula=r"x^3 - 3xy^2",
    )


def rosenbrock(a=1.0, b=100.0):
    """Rosenbrock's banana valley :math:`f = (a - x)^2 + b (y - x^2)^2`.

    Parameters
    ----------
    a, b : float
        The minimum is at :math:`(a, a^2)`; ``b`` sets how steep the valley walls are.

    Returns
    -------
    Surface

    Examples
    --------
    >>> s = rosenbrock()
    >>> print(s(np.array([1.0, 1.0])), np.abs(s.grad(np.array([1.0, 1.0]))))
    0.0 [0. 0.]
    """
    a = checks.number("a", a)
    b = checks.positive("b", b)

    def value(w):
        x, y = w[..., 0], w[..., 1]
        return (a - x) ** 2 + b * (y - x**2) ** 2

    def grad(w):
        x, y = w[..., 0], w[..., 1]
        return _stack(-2.0 * (a - x) - 4.0 * b * x * (y - x**2), 2.0 * b * (y - x**2))

    def hessian(w):
        x, y = w[..., 0], w[..., 1]
        return _hessian_2x2(
            2.0 - 4.0 * b * y + 12.0 * b * x**2, -4.0 * b * x, 2.0 * b + 0.0 * x
        )

    return Surface(
        "Rosenbrock",
        2,
        value,
        grad,
        hessian,
        box=((-2.0, 2.0), (-1.0, 3.0)),
        minima=np.array([[a, a * a]]),
        formula=r"(a-x)^2 + b\,(y-x^2)^2",
    )


def himmelblau():
    """Himmelblau's function: four minima of equal depth.

    Returns
    -------
    Surface

    Notes
    -----
    .. math::

        f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2 .

    Examples
    --------
    >>> s = himmelblau()
    >>> print(np.round(s(s.minima), 12))
    [0. 0. 0. 0.]
    """

    def value(w):
        x, y = w[..., 0], w[..., 1]
        return (x**2 + y - 11.0) ** 2 + (x + y**2 - 7.0) ** 2

    def grad(w):
        x, y = w[..., 0], w[..., 1]
        u, v = x**2 + y - 11.0, x + y**2 - 7.0
        return _stack(4.0 * x * u + 2.0 * v, 2.0 * u + 4.0 * y * v)

    def hessian(w):
        x, y = w[..., 0], w[..., 1]
        return _hessian_2x2(
            12.0 * x**2 + 4.0 * y - 42.0, 4.0 * (x + y), 12.0 * y**2 + 4.0 * x - 26.0
        )

    minima = np.array(
        [
            [3.0, 2.0],
            [-2.805118086952745, 3.131312518250573],
            [-3.779310253377747, -3.283185991286169],
            [3.584428340330492, -1.848126526964404],
        ]
    )
    return Surface(
        "Himmelblau",
        2,
        value,
        grad,
        hessian,
        box=((-5.0, 5.0), (-5.0, 5.0)),
        minima=minima,
        formula=r"(x^2+y-11)^2 + (x+y^2-7)^2",
    )


def least_squares(x, y, box=None, name="least squares"):
    """The loss of fitting a line to data, as a surface over (slope, intercept).

    Parameters
    ----------
    x, y : array_like, shape (n,)
        One feature (shape ``(n,)`` or ``(n, 1)``) and one target per example (``n >= 2``, finite; ``x``
        must take at least two distinct values, or the best line is not unique).
    box : ((float, float), (float, float)), optional
        Plotting range of the slope and the intercept; by default a square of
        half-width 3 around the best line.
    name : str
        Name for legends.

    Returns
    -------
    gdcourse.surfaces.Surface
        A 2-weight surface: ``w = (w_1, w_2)`` is the line
        :math:`\\hat y = w_1 x + w_2`; its only minimum is the least-squares line.

    Notes
    -----
    Half the mean squared error and its partial derivatives, with residuals
    :math:`r_i = w_1 x_i + w_2 - y_i`:

    .. math::

        L(w) = \\frac{1}{2n} \\sum_{i=1}^n r_i^2, \\qquad
        \\frac{\\partial L}{\\partial w_1} = \\frac1n \\sum_i r_i x_i, \\qquad
        \\frac{\\partial L}{\\partial w_2} = \\frac1n \\sum_i r_i .

    This is :meth:`gdcourse.models.LinearRegression.loss` for one feature,
    as a surface.  The loss is a quadratic in ``w`` with the constant Hessian
    :math:`H = \\frac1n \\sum_i (x_i, 1)^\\top (x_i, 1)`; it is evaluated in
    that form, so a grid of weights costs no more than a grid of a
    quadratic, whatever ``n``.

    Examples
    --------
    >>> s = least_squares([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    >>> print(s.minima.round(12))
    [[2. 1.]]
    >>> print(f"{s(np.array([0.0, 0.0])):.4f}", s.grad(np.array([0.0, 0.0])).round(4))
    5.8333 [-4.3333 -3.    ]
    """
    x = np.asarray(x, dtype=float)
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or x.size < 2 or not np.all(np.isfinite(x)):
        raise ValueError(
            f"x must be at least 2 finite numbers, shape (n,) or (n, 1), got shape {x.shape}"
        )
    if y.shape != x.shape or not np.all(np.isfinite(y)):
        raise ValueError(
            f"y must be finite numbers of the same shape as x {x.shape}, "
            f"got shape {y.shape}"
        )
    if np.ptp(x) == 0:
        raise ValueError(
            "x must take at least two distinct values, or the best line is not unique"
        )
    H, c, c0 = models.least_squares_form(x[:, None], y)
    best = np.linalg.solve(H, c)
    if box is None:
        box = tuple((float(b) - 3.0, float(b) + 3.0) for b in best)
    box = Surface.check_box(box)

    def value(w):
        return models.quadratic_loss(w, H, c, c0)[0]

    def grad(w):
        return models.quadratic_loss(w, H, c, c0)[1]

    def hessian(w):
        return np.broadcast_to(H, w.shape[:-1] + (2, 2)).copy()

    return Surface(
        name,
        2,
        value,
        grad,
        hessian,
        box=box,
        minima=best[None, :],
        formula=r"\frac{1}{2n}\sum_i (w_1 x_i + w_2 - y_i)^2",
    )


CATALOGUE = {
    "bowl": bowl,
    "elongated bowl": elongated_bowl,
    "two valleys": two_valleys,
    "saddle": saddle,
    "degenerate saddle": degenerate_saddle,
    "monkey saddle": monkey_saddle,
    "Rosenbrock": rosenbrock,
    "Himmelblau": himmelblau,
}


def by_name(name, **params):
    """Build a catalogue surface by name, e.g. ``by_name("two valleys", tilt=0.2)``.

    Parameters
    ----------
    name : str
        A key of :data:`CATALOGUE`.
    **params
        Passed to the surface's factory.

    Returns
    -------
    Surface

    Examples
    --------
    >>> by_name("bowl")
    Surface('bowl', dim=2)
    """
    checks.one_of("name", name, sorted(CATALOGUE))
    return CATALOGUE[name](**params)

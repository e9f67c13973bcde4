"""The shape of a loss landscape: curvature, critical points, slices and basins.

Two kinds of loss appear in the course, and this module serves both:

- a :class:`~gdcourse.surfaces.Surface` knows its exact Hessian, so
  :func:`hessian_eigenvalues` and :func:`classify_critical_point` read the
  curvature straight from it, at many points at once;
- a model (the tiny MLP of :mod:`gdcourse.models`, or any other) is only a
  loss ``loss_fn(theta)`` and a gradient ``grad_fn(theta)`` of a flat
  parameter vector.  Its Hessian is never formed: :func:`hessian_vector_product`
  differentiates the gradient along one direction, and :func:`lanczos` or
  :func:`power_iteration` turn those products into the top eigenvalue,
  the :func:`sharpness`.  :func:`filter_normalized_direction`,
  :func:`slice_1d` and :func:`slice_2d` draw the loss along random
  directions scaled like the network's own weights (Li et al., 2018).

:func:`basin_map` runs gradient descent from a dense grid of starts at once and
labels each start with the minimum it reaches.

>>> import numpy as np
>>> from gdcourse import surfaces
>>> classify_critical_point(surfaces.saddle().hessian(np.zeros(2)))
Classification(kind='saddle', index=1)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from gdcourse import checks
from gdcourse.descent import DIVERGENCE_BOUND, Trajectory, check_start, check_steps
from gdcourse.surfaces import Surface

__all__ = [
    "hessian_eigenvalues",
    "Classification",
    "classify_critical_point",
    "hessian_vector_product",
    "hessian_matrix",
    "power_iteration",
    "lanczos",
    "sharpness",
    "filter_normalized_direction",
    "slice_1d",
    "slice_2d",
    "BasinMap",
    "basin_map",
    "label_minima",
    "escape_step",
    "random_symmetric",
    "PerturbedTrajectory",
    "perturbed_gradient_descent",
]


# ----------------------------------------------------------------------------
# argument checks
# ----------------------------------------------------------------------------


def _flat_vector(theta, name):
    arr = np.asarray(theta, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D vector, got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must hold finite numbers")
    return arr


def _same_shape(v, theta, name):
    arr = _flat_vector(v, name)
    if arr.shape != theta.shape:
        raise ValueError(
            f"{name} must have the shape of theta {theta.shape}, got {arr.shape}"
        )
    return arr


def _surface(surface):
    if not isinstance(surface, Surface):
        raise ValueError(
            f"surface must be a gdcourse.surfaces.Surface, got {type(surface).__name__}"
        )
    return surface


# ----------------------------------------------------------------------------
# curvature of surfaces
# ----------------------------------------------------------------------------


def hessian_eigenvalues(surface, w):
    """Eigenvalues of a surface's exact Hessian at one point or many.

    Parameters
    ----------
    surface : gdcourse.surfaces.Surface
    w : array_like, shape (..., d)
        Points; any leading axes (a grid, a trajectory) are kept.

    Returns
    -------
    numpy.ndarray, shape (..., d)
        The eigenvalues at each point, in ascending order.

    Notes
    -----
    The Hessian :math:`\\nabla^2 f(w)` is symmetric, so its eigenvalues are real
    (``numpy.linalg.eigvalsh``, batched over the leading axes).
    Each is the curvature :math:`f''` along its eigenvector.

    Examples
    --------
    >>> from gdcourse import surfaces
    >>> s = surfaces.two_valleys(tilt=0.0)
    >>> print(hessian_eigenvalues(s, np.array([[1.0, 0.0], [0.0, 0.0]])))
    [[ 1.  8.]
     [-4.  1.]]
    """
    return np.linalg.eigvalsh(_surface(surface).hessian(w))


class Classification(NamedTuple):
    """The verdict of the second-derivative test at a critical point.

    Attributes
    ----------
    kind : str
        ``"minimum"``, ``"maximum"``, ``"saddle"`` or ``"degenerate"``.
    index : int
        Number of negative eigenvalues of the Hessian (directions that go down).
    """

    kind: str
    index: int


def classify_critical_point(hessian, tol=1e-8):
    """Classify a critical point from the eigenvalues of its Hessian.

    Parameters
    ----------
    hessian : array_like, shape (d, d)
        A symmetric matrix: the Hessian at a point where the gradient is zero.
    tol : float
        Eigenvalues with magnitude at most ``tol * max(1, max |eigenvalue|)``
        count as zero.

    Returns
    -------
    Classification
        ``kind`` and ``index`` (the number of negative eigenvalues).

    Notes
    -----
    Near a critical point :math:`w^*`,
    :math:`f(w^* + u) \\approx f(w^*) + \\tfrac12 u^\\top H u
    = f(w^*) + \\tfrac12 \\sum_i \\lambda_i (q_i^\\top u)^2`, so

    - every :math:`\\lambda_i > 0`: a (strict local) minimum;
    - every :math:`\\lambda_i < 0`: a maximum;
    - some positive and some negative: a saddle, whatever the zero ones do;
    - otherwise (no mixed signs, but a zero eigenvalue): ``"degenerate"``, the
      second-derivative test cannot decide; higher derivatives do.

    Examples
    --------
    >>> classify_critical_point([[2.0, 0.0], [0.0, 3.0]])
    Classification(kind='minimum', index=0)
    >>> classify_critical_point([[2.0, 0.0], [0.0, 0.0]])
    Classification(kind='degenerate', index=0)
    >>> classify_critical_point(-np.eye(3)).kind
    'maximum'
    """
    H = checks.symmetric_matrix("hessian", hessian, rtol=1e-9)
    checks.non_negative("tol", tol)
    eig = np.linalg.eigvalsh(H)
    zero = tol * max(1.0, float(np.abs(eig).max()))
    neg, pos = int(np.sum(eig < -zero)), int(np.sum(eig > zero))
    if neg and pos:
        kind = "saddle"
    elif neg + pos < eig.size:
        kind = "degenerate"
    else:
        kind = "minimum" if pos else "maximum"
    return Classification(kind, neg)


# ----------------------------------------------------------------------------
# curvature of models: Hessian-vector products and the top eigenvalue
# ----------------------------------------------------------------------------


def hessian_vector_product(grad_fn, theta, v, eps=1e-4):
    """The Hessian times a vector, by central differences of the gradient.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(theta) -> gradient``, both flat vectors of the same length.
    theta : array_like, shape (p,)
        Where the Hessian is taken.
    v : array_like, shape (p,)
        The vector to multiply.
    eps : float
        Length of the finite-difference step along ``v / |v|``.

    Returns
    -------
    numpy.ndarray, shape (p,)
        An approximation of :math:`\\nabla^2 f(\\theta)\\, v`.

    Notes
    -----
    With :math:`\\hat v = v / \\lVert v \\rVert` and :math:`h` = ``eps``,

    .. math::

        \\nabla^2 f(\\theta)\\, v \\approx \\lVert v \\rVert\\,
        \\frac{\\nabla f(\\theta + h \\hat v) - \\nabla f(\\theta - h \\hat v)}{2h},

    exact for a quadratic and accurate to :math:`O(h^2)` otherwise.
    Two gradient evaluations, and the Hessian (:math:`p \\times p`) is never stored.

    Examples
    --------
    >>> A = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> print(np.round(hessian_vector_product(lambda t: A @ t, [0.5, -1.0], [1.0, 0.0]), 8))
    [2. 1.]
    """
    if not callable(grad_fn):
        raise ValueError(
            f"grad_fn must be a function of theta, got {type(grad_fn).__name__}"
        )
    theta = _flat_vector(theta, "theta")
    v = _same_shape(v, theta, "v")
    eps = checks.positive("eps", eps)
    norm = float(np.linalg.norm(v))
    if norm == 0.0:
        return np.zeros_like(theta)
    step = (eps / norm) * v
    plus = np.asarray(grad_fn(theta + step), dtype=float)
    minus = np.asarray(grad_fn(theta - step), dtype=float)
    return (plus - minus) * (norm / (2.0 * eps))


def hessian_matrix(grad_fn, theta, eps=1e-4):
    """The whole Hessian of a small model's loss, by central differences of its gradient.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(theta) -> gradient``, both flat vectors of the same length.
    theta : array_like, shape (p,)
        Where the Hessian is taken.
    eps : float
        Length of the finite-difference step along each coordinate.

    Returns
    -------
    numpy.ndarray, shape (p, p)
        A symmetric approximation of :math:`\\nabla^2 f(\\theta)`; its
        eigenvalues (``numpy.linalg.eigvalsh``) are the whole spectrum.

    Notes
    -----
    Column :math:`j` is the :func:`hessian_vector_product` along the unit
    vector :math:`e_j`, and the two triangles are averaged:

    .. math::

        C_{:, j} = \\frac{\\nabla f(\\theta + h e_j) - \\nabla f(\\theta - h e_j)}{2h},
        \\qquad H = \\tfrac12 \\left(C + C^\\top\\right),

    exact for a quadratic and accurate to :math:`O(h^2)` otherwise.
    It costs :math:`2p` gradients and :math:`p^2` numbers, so it suits the
    course's small networks; for a large one, :func:`lanczos` estimates the
    extreme eigenvalues from a few products without forming :math:`H`.

    Examples
    --------
    >>> A = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> print(np.round(hessian_matrix(lambda t: A @ t - 1.0, [0.5, -1.0]), 8))
    [[2. 1.]
     [1. 3.]]
    """
    theta = _flat_vector(theta, "theta")
    columns = [
        hessian_vector_product(grad_fn, theta, e, eps) for e in np.eye(theta.size)
    ]
    C = np.stack(columns, axis=1)
    return 0.5 * (C + C.T)


def _matvec_and_dim(matvec, dim):
    if isinstance(matvec, np.ndarray) or not callable(matvec):
        M = np.asarray(matvec, dtype=float)
        if M.ndim != 2 or M.shape[0] != M.shape[1] or M.shape[0] == 0:
            raise ValueError(
                f"matvec must be a function or a square matrix, got shape {M.shape}"
            )
        return (lambda x: M @ x), M.shape[0]
    return matvec, checks.integer("dim", dim, minimum=1)


def power_iteration(matvec, dim=None, iters=500, tol=1e-10, seed=0):
    """The eigenvalue of largest magnitude of a symmetric operator, by power iteration.

    Parameters
    ----------
    matvec : callable or array_like
        ``matvec(x) -> A x`` for a symmetric ``A``, or the matrix itself.
    dim : int
        Length of ``x`` (needed when ``matvec`` is a function).
    iters : int
        Maximum number of products.
    tol : float
        Stop when the residual :math:`\\lVert A x - \\lambda x \\rVert` is at most
        ``tol`` times :math:`|\\lambda|`.
    seed : int
        Seed of the random starting vector.

    Returns
    -------
    eigenvalue : float
        The Rayleigh quotient :math:`x^\\top A x` of the final unit vector.
    vector : numpy.ndarray, shape (dim,)
        The matching unit eigenvector estimate.

    Notes
    -----
    :math:`x_{k+1} = A x_k / \\lVert A x_k \\rVert`. The error shrinks like
    :math:`(|\\lambda_2| / |\\lambda_1|)^k`, so it is slow when the top two
    eigenvalues are close; :func:`lanczos` does better with the same products.

    Examples
    --------
    >>> value, vector = power_iteration(np.diag([1.0, -4.0, 2.0]))
    >>> print(f"{value:.6f}", np.round(np.abs(vector), 6))
    -4.000000 [0. 1. 0.]
    """
    matvec, dim = _matvec_and_dim(matvec, dim)
    iters = checks.integer("iters", iters, minimum=1)
    checks.non_negative("tol", tol)
    x = np.random.default_rng(seed).standard_normal(dim)
    x /= np.linalg.norm(x)
    value = 0.0
    for _ in range(iters):
        y = np.asarray(matvec(x), dtype=float)
        value = float(x @ y)
        if np.linalg.norm(y - value * x) <= tol * max(abs(value), 1e-300):
            break
        norm = float(np.linalg.norm(y))
        if norm == 0.0:
            break
        x = y / norm
    return value, x


def lanczos(matvec, dim=None, steps=30, seed=0):
    """Ritz values of a symmetric operator from a Lanczos run (extreme ones converge first).

    Parameters
    ----------
    matvec : callable or array_like
        ``matvec(x) -> A x`` for a symmetric ``A``, or the matrix itself.
    dim : int
        Length of ``x`` (needed when ``matvec`` is a function).
    steps : int
        Number of products (at most ``dim`` are used).
    seed : int
        Seed of the random starting vector.

    Returns
    -------
    numpy.ndarray
        The eigenvalues of the tridiagonal matrix :math:`T_m`, ascending.
        With ``steps >= dim`` they are all eigenvalues of ``A``.

    Notes
    -----
    Lanczos builds an orthonormal basis :math:`q_1, \\dots, q_m` of the Krylov
    space :math:`\\{x, Ax, \\dots, A^{m-1}x\\}` by

    .. math::

        \\beta_j q_{j+1} = A q_j - \\alpha_j q_j - \\beta_{j-1} q_{j-1},
        \\qquad \\alpha_j = q_j^\\top A q_j,

    (re-orthogonalised against all earlier :math:`q` for stability), and
    :math:`T_m = \\operatorname{tridiag}(\\beta, \\alpha, \\beta)`.
    See Golub and Van Loan, *Matrix Computations*, ch. 10.

    Examples
    --------
    >>> A = np.diag([1.0, 2.0, 3.0, 10.0])
    >>> print(np.round(lanczos(A, steps=4), 8))
    [ 1.  2.  3. 10.]
    """
    matvec, dim = _matvec_and_dim(matvec, dim)
    steps = min(checks.integer("steps", steps, minimum=1), dim)
    q = np.random.default_rng(seed).standard_normal(dim)
    Q = np.zeros((steps, dim))
    Q[0] = q / np.linalg.norm(q)
    alphas, betas = [], []
    for j in range(steps):
        w = np.asarray(matvec(Q[j]), dtype=float)
        alphas.append(float(Q[j] @ w))
        w = w - Q[: j + 1].T @ (Q[: j + 1] @ w)
        w = w - Q[: j + 1].T @ (Q[: j + 1] @ w)
        beta = float(np.linalg.norm(w))
        if j == steps - 1 or beta <= 1e-12 * max(1.0, abs(alphas[-1])):
            break
        betas.append(beta)
        Q[j + 1] = w / beta
    m = len(alphas)
    T = np.diag(alphas) + np.diag(betas[: m - 1], 1) + np.diag(betas[: m - 1], -1)
    return np.linalg.eigvalsh(T)


def sharpness(grad_fn, theta, method="lanczos", steps=30, eps=1e-4, seed=0):
    """The largest eigenvalue of the Hessian of a model's loss: how sharp the point is.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(theta) -> gradient`` of the loss, flat vectors.
    theta : array_like, shape (p,)
        Where to measure (usually a minimum found by training).
    method : {"lanczos", "power"}
        :func:`lanczos` (default; accurate in few products) or
        :func:`power_iteration` (shifted if its dominant eigenvalue is negative).
    steps : int
        Hessian-vector products for Lanczos, or the iteration cap for the power method.
    eps : float
        Finite-difference step of :func:`hessian_vector_product`.
    seed : int
        Seed of the starting vector.

    Returns
    -------
    float
        :math:`\\lambda_{\\max}(\\nabla^2 f(\\theta))`.

    Notes
    -----
    Gradient descent with rate :math:`\\eta` is stable in a minimum only if
    :math:`\\lambda_{\\max} < 2 / \\eta`, and a sharp minimum (large
    :math:`\\lambda_{\\max}`) loses more loss when the test loss is a shifted
    copy of the training loss (Keskar et al., 2017).

    References
    ----------
    .. [1] N. S. Keskar et al., "On large-batch training for deep learning:
       generalization gap and sharp minima", ICLR 2017.

    Examples
    --------
    >>> A = np.diag([0.5, 4.0, -1.0])
    >>> print(f"{sharpness(lambda t: A @ t, np.zeros(3)):.6f}")
    4.000000
    """
    theta = _flat_vector(theta, "theta")
    checks.one_of("method", method, ("lanczos", "power"))
    hvp = lambda v: hessian_vector_product(grad_fn, theta, v, eps)  # noqa: E731
    hvp(np.ones_like(theta))  # validates grad_fn and eps before any iteration
    if method == "lanczos":
        return float(lanczos(hvp, theta.size, steps, seed)[-1])
    value, _ = power_iteration(hvp, theta.size, steps, 1e-10, seed)
    if value < 0:  # the dominant eigenvalue is the most negative: shift it away
        shifted, _ = power_iteration(
            lambda v: hvp(v) - value * v, theta.size, steps, 1e-10, seed
        )
        value = shifted + value
    return float(value)


# ----------------------------------------------------------------------------
# filter-normalised directions and slices
# ----------------------------------------------------------------------------


def _flat_shapes(shapes):
    """A list of array shapes in flat order; nested pairs such as ``MLP.shapes`` are unpacked."""
    out = []
    for shape in shapes:
        shape = tuple(shape)
        if shape and all(isinstance(s, (tuple, list)) for s in shape):
            out.extend(tuple(int(k) for k in s) for s in shape)
            continue
        try:
            out.append(tuple(checks.integer("shapes", k, minimum=1) for k in shape))
        except ValueError:
            raise ValueError(
                f"shapes must be a list of array shapes (tuples of positive integers), got {shape!r}"
            ) from None
    return out


def filter_normalized_direction(theta, shapes, seed=0, bias="zero"):
    """A random direction in weight space scaled filter by filter like the weights.

    Parameters
    ----------
    theta : array_like, shape (p,)
        The network's parameters as one flat vector.
    shapes : sequence
        The shapes of the parameter arrays in ``theta``, in flat order (their
        sizes must add up to ``p``). Pairs of shapes, as in
        :attr:`gdcourse.models.MLP.shapes`, are unpacked.
    seed : int
        Seed of the Gaussian draw.
    bias : {"zero", "filter"}
        What to do with 1-D arrays (biases): ``"zero"`` (the default, as in
        the example commands of Li et al.'s repository, ``--xignore biasbn``)
        leaves them out of the direction; ``"filter"`` treats each
        bias entry as a filter of its own, rescaled to the size of that entry.

    Returns
    -------
    numpy.ndarray, shape (p,)

    Notes
    -----
    A weight matrix ``W`` of shape ``(n_in, n_out)`` (the layout of
    :class:`gdcourse.models.MLP`, where a layer computes ``a @ W + b``) has one
    filter per output unit ``j``: the column ``W[:, j]`` of its incoming
    weights (for arrays of higher rank, the filter index is the last axis).
    The direction :math:`d` is drawn from :math:`N(0, I)` and then each filter
    is rescaled,

    .. math::

        d_{:,j} \\leftarrow \\frac{d_{:,j}}{\\lVert d_{:,j} \\rVert}\\,
        \\lVert W_{:,j} \\rVert,

    so a step of length 1 along :math:`d` changes every unit by as much as its
    own weights: slices of networks whose units differ in scale become
    comparable (a ReLU or tanh unit with weights :math:`c\\,W` is not the same
    unit rescaled, yet a raw random direction would treat it so).

    References
    ----------
    .. [1] H. Li, Z. Xu, G. Taylor, C. Studer and T. Goldstein, "Visualizing the
       loss landscape of neural nets", NeurIPS 2018.

    Examples
    --------
    >>> theta = np.array([3.0, 0.0, 4.0, 1.0, 0.5, -0.5])   # W (2, 2) then b (2,)
    >>> d = filter_normalized_direction(theta, [(2, 2), (2,)], seed=1)
    >>> W, dW = theta[:4].reshape(2, 2), d[:4].reshape(2, 2)
    >>> print(np.round(np.linalg.norm(dW, axis=0), 6), np.linalg.norm(W, axis=0), d[4:])
    [5. 1.] [5. 1.] [0. 0.]
    """
    theta = _flat_vector(theta, "theta")
    shapes = _flat_shapes(shapes)
    sizes = [int(np.prod(s)) for s in shapes]
    if sum(sizes) != theta.size:
        raise ValueError(
            f"shapes must account for all {theta.size} entries of theta, "
            f"they hold {sum(sizes)}"
        )
    checks.one_of("bias", bias, ("zero", "filter"))
    rng = np.random.default_rng(seed)
    parts, start = [], 0
    for shape, size in zip(shapes, sizes):
        w = theta[start : start + size].reshape(shape)
        start += size
        d = rng.standard_normal(shape)
        if len(shape) == 1:
            d = np.zeros(shape) if bias == "zero" else np.sign(d) * np.abs(w)
        else:
            axes = tuple(range(len(shape) - 1))
            d_norm = np.sqrt((d * d).sum(axis=axes, keepdims=True))
            w_norm = np.sqrt((w * w).sum(axis=axes, keepdims=True))
            d = d / d_norm * w_norm
        parts.append(d.ravel())
    return np.concatenate(parts)


def _loss_fn(loss_fn):
    if not callable(loss_fn):
        raise ValueError(
            f"loss_fn must be a function of theta, got {type(loss_fn).__name__}"
        )
    return loss_fn


def _grid_1d(values, name):
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ValueError(
            f"{name} must be a non-empty 1-D array of finite numbers, got shape {arr.shape}"
        )
    return arr


def slice_1d(loss_fn, theta, direction, alphas):
    """The loss along a line through ``theta``: :math:`f(\\theta + \\alpha d)`.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(theta) -> float`` for a flat parameter vector.
    theta : array_like, shape (p,)
        The centre of the slice (``alpha = 0``).
    direction : array_like, shape (p,)
        The direction :math:`d`, e.g. from :func:`filter_normalized_direction`.
    alphas : array_like, shape (k,)
        Positions along the line.

    Returns
    -------
    numpy.ndarray, shape (k,)

    Notes
    -----
    ``loss_fn`` takes one parameter vector (as a model's loss does), so it is
    called once per position.

    Examples
    --------
    >>> f = lambda t: float(t @ t)
    >>> print(slice_1d(f, [1.0, 0.0], [1.0, 0.0], [-1.0, 0.0, 1.0]))
    [0. 1. 4.]
    """
    loss_fn = _loss_fn(loss_fn)
    theta = _flat_vector(theta, "theta")
    direction = _same_shape(direction, theta, "direction")
    alphas = _grid_1d(alphas, "alphas")
    with np.errstate(all="ignore"):
        return np.array([float(loss_fn(theta + a * direction)) for a in alphas])


def slice_2d(loss_fn, theta, d1, d2, alphas, betas):
    """The loss on a plane through ``theta``: :math:`f(\\theta + \\alpha d_1 + \\beta d_2)`.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(theta) -> float`` for a flat parameter vector.
    theta : array_like, shape (p,)
        The centre of the plane.
    d1, d2 : array_like, shape (p,)
        The two directions (e.g. two seeds of :func:`filter_normalized_direction`).
    alphas, betas : array_like, shapes (k,) and (m,)
        Coordinates along ``d1`` and ``d2``.

    Returns
    -------
    numpy.ndarray, shape (m, k)
        Row ``i`` holds ``beta = betas[i]``, ready for
        ``ax.contour(alphas, betas, Z)``.

    Examples
    --------
    >>> f = lambda t: float(t @ t)
    >>> print(slice_2d(f, [0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [0.0, 2.0]))
    [[0. 1.]
     [4. 5.]]
    """
    loss_fn = _loss_fn(loss_fn)
    theta = _flat_vector(theta, "theta")
    d1 = _same_shape(d1, theta, "d1")
    d2 = _same_shape(d2, theta, "d2")
    alphas = _grid_1d(alphas, "alphas")
    betas = _grid_1d(betas, "betas")
    with np.errstate(all="ignore"):
        return np.array(
            [[float(loss_fn(theta + a * d1 + b * d2)) for a in alphas] for b in betas]
        )


# ----------------------------------------------------------------------------
# basins of attraction
# ----------------------------------------------------------------------------


def _default_radius(minima):
    if len(minima) < 2:
        return 0.1
    gaps = np.linalg.norm(minima[:, None, :] - minima[None, :, :], axis=-1)
    return float(0.25 * gaps[~np.eye(len(minima), dtype=bool)].min())


def label_minima(surface, w, radius=None):
    """Which known minimum each point sits at: its index in ``surface.minima``, or -1.

    Parameters
    ----------
    surface : gdcourse.surfaces.Surface
        A surface with known minima.
    w : array_like, shape (..., d)
        Points, e.g. the final weights of many runs.
    radius : float, optional
        A point is labelled with its nearest minimum if it lies within this
        distance of it; by default a quarter of the smallest distance
        between two minima (0.1 if there is only one).

    Returns
    -------
    numpy.ndarray of int, shape (...)
        Index into ``surface.minima``, or -1 (near none of them, or not finite).

    Examples
    --------
    >>> from gdcourse import surfaces
    >>> s = surfaces.two_valleys()
    >>> print(label_minima(s, [[-1.0, 0.0], [0.95, 0.01], [0.0, 0.0], [np.nan, 0.0]]))
    [ 0  1 -1 -1]
    """
    surface = _surface(surface)
    w = surface.check_points(w)
    minima = np.asarray(surface.minima, dtype=float)
    if len(minima) == 0:
        raise ValueError(f"surface must have known minima; {surface.name!r} has none")
    radius = (
        _default_radius(minima) if radius is None else checks.positive("radius", radius)
    )
    with np.errstate(invalid="ignore"):
        dist = np.sqrt(((w[..., None, :] - minima) ** 2).sum(-1))
        nearest = np.argmin(np.where(np.isfinite(dist), dist, np.inf), axis=-1)
        close = np.take_along_axis(dist, nearest[..., None], -1)[..., 0] <= radius
    return np.where(close, nearest, -1)


@dataclass(frozen=True, eq=False)
class BasinMap:
    """Where gradient descent goes from every start of a grid.

    Attributes
    ----------
    X, Y : numpy.ndarray, shape (grid, grid)
        The starts' coordinates (as from ``numpy.meshgrid``).
    labels : numpy.ndarray of int, shape (grid, grid)
        Index into ``minima`` of the minimum each start reached, or -1 (none
        reached in the given steps, still bouncing, or diverged).
    final_weights : numpy.ndarray, shape (grid, grid, 2)
        Where each run ended (NaN for diverged runs).
    minima : numpy.ndarray, shape (m, 2)
        The surface's known minima.
    lr : float
    steps : int
    """

    X: np.ndarray
    Y: np.ndarray
    labels: np.ndarray
    final_weights: np.ndarray
    minima: np.ndarray
    lr: float
    steps: int

    @property
    def fractions(self):
        """Share of the starts that reached each minimum, shape ``(m,)``."""
        return np.array([np.mean(self.labels == i) for i in range(len(self.minima))])

    @property
    def unlabelled(self):
        """Share of the starts that reached no minimum (too slow, stuck, or diverged)."""
        return float(np.mean(self.labels == -1))

    @property
    def extent(self):
        """``(left, right, bottom, top)`` for ``ax.imshow(labels, origin="lower", extent=...)``."""
        return (
            float(self.X[0, 0]),
            float(self.X[0, -1]),
            float(self.Y[0, 0]),
            float(self.Y[-1, 0]),
        )


def basin_map(surface, lr, steps=200, grid=200, *, radius=None, settle=1e-3, box=None):
    """Run gradient descent from a ``grid x grid`` lattice of starts at once; label each start.

    Parameters
    ----------
    surface : gdcourse.surfaces.Surface
        A 2-weight surface with known minima.
    lr : float
        Constant learning rate (positive).
    steps : int
        Gradient steps per start.
    grid : int
        Starts per side (at least 2); ``grid = 200`` is 40,000 runs.
    radius : float, optional
        How close to a minimum a run must end to be labelled with it (see
        :func:`label_minima`).
    settle : float
        Largest length of the last step for a run to count as settled; a run
        still bouncing around a minimum (a rate above :math:`2/\\lambda_{\\max}`
        there) is labelled -1.
    box : tuple, optional
        ``((x_lo, x_hi), (y_lo, y_hi))`` of the starts; the surface's box by default.

    Returns
    -------
    BasinMap

    Notes
    -----
    Every start follows :math:`w_{k+1} = w_k - \\eta \\nabla f(w_k)`, all of them
    in one array of shape ``(grid * grid, 2)``; only the current weights are
    kept (a full :class:`~gdcourse.descent.Trajectory` of 40,000 starts and 200
    steps would hold 128 MB), so each start ends exactly where its own
    :func:`~gdcourse.descent.gradient_descent` run ends. A start is labelled
    with minimum ``i`` if it ends within ``radius`` of it and its last step
    was shorter than ``settle``; a start whose weights leave
    :data:`~gdcourse.descent.DIVERGENCE_BOUND` is labelled -1, quietly.

    Examples
    --------
    >>> from gdcourse import surfaces
    >>> m = basin_map(surfaces.two_valleys(), lr=0.05, steps=200, grid=20)
    >>> print(m.labels.shape, np.round(m.fractions, 2), m.unlabelled)
    (20, 20) [0.5 0.5] 0.0
    """
    surface = _surface(surface)
    if surface.dim != 2:
        raise ValueError(
            f"surface must have 2 weights for a basin map, {surface.name!r} has {surface.dim}"
        )
    minima = np.asarray(surface.minima, dtype=float)
    if len(minima) == 0:
        raise ValueError(f"surface must have known minima; {surface.name!r} has none")
    lr = checks.positive("lr", lr)
    steps = check_steps(steps)
    grid = checks.integer("grid", grid, minimum=2)
    settle = checks.positive("settle", settle)
    if box is None:
        box = surface.box
    (x0, x1), (y0, y1) = Surface.check_box(box)
    X, Y = np.meshgrid(np.linspace(x0, x1, grid), np.linspace(y0, y1, grid))
    w = np.stack([X.ravel(), Y.ravel()], axis=-1)
    escaped = np.zeros(len(w), dtype=bool)
    last_step = np.zeros(len(w))
    grad = surface.grad_fn
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            step = lr * grad(w)
            w = w - step
            escaped |= ~(
                np.maximum(np.abs(w[:, 0]), np.abs(w[:, 1])) <= DIVERGENCE_BOUND
            )
        if steps:
            last_step = np.sqrt((step * step).sum(-1))
    w[escaped] = np.nan
    labels = label_minima(surface, w, radius)
    labels[~(last_step < settle)] = -1
    shape = (grid, grid)
    return BasinMap(
        X, Y, labels.reshape(shape), w.reshape(shape + (2,)), minima, lr, steps
    )


# ----------------------------------------------------------------------------
# saddles: escape times and random Hessians
# ----------------------------------------------------------------------------


def escape_step(weights, centre, radius):
    """The first step at which a run is at least ``radius`` from ``centre``.

    Parameters
    ----------
    weights : array_like, shape (steps + 1, d) or (steps + 1, n, d)
        A :attr:`~gdcourse.descent.Trajectory.weights` array (one or many starts).
    centre : array_like, shape (d,)
        The point to escape from, e.g. a saddle.
    radius : float
        Escape distance.

    Returns
    -------
    int or numpy.ndarray of int, shape (n,)
        The row index of the first escape, or -1 if the run never escaped.
        NaN rows (after a run stopped) never count as escaped.

    Examples
    --------
    >>> from gdcourse import surfaces, descent
    >>> run = descent.gradient_descent(surfaces.saddle(), [0.5, 1e-6], lr=0.1, steps=200)
    >>> print(escape_step(run.weights, [0.0, 0.0], 1.0))
    145
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim not in (2, 3):
        raise ValueError(
            f"weights must have shape (steps + 1, d) or (steps + 1, n, d), got {w.shape}"
        )
    centre = np.asarray(centre, dtype=float)
    if centre.shape != (w.shape[-1],) or not np.all(np.isfinite(centre)):
        raise ValueError(
            f"centre must be a finite point of shape ({w.shape[-1]},), got shape {centre.shape}"
        )
    radius = checks.positive("radius", radius)
    with np.errstate(invalid="ignore"):
        out = np.sqrt(((w - centre) ** 2).sum(-1)) >= radius
    first = np.argmax(out, axis=0)
    result = np.where(out.any(axis=0), first, -1)
    return int(result) if w.ndim == 2 else result


def random_symmetric(dim, count, seed=0):
    """Random symmetric matrices from the Gaussian orthogonal ensemble (GOE).

    Parameters
    ----------
    dim : int
        Size of each matrix (at least 1).
    count : int
        Number of matrices (at least 1).
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    numpy.ndarray, shape (count, dim, dim)

    Notes
    -----
    With :math:`G` a matrix of independent standard normals,
    :math:`H = (G + G^\\top) / \\sqrt 2`: off-diagonal entries have variance 1,
    diagonal ones variance 2, and the distribution is unchanged by any rotation.
    As a stand-in for the Hessian at a random critical point, it has all
    eigenvalues positive (a minimum) with a probability that falls like
    :math:`e^{-c\\,\\mathrm{dim}^2}`; almost every critical point is a saddle
    (Dauphin et al., 2014).

    References
    ----------
    .. [1] Y. Dauphin et al., "Identifying and attacking the saddle point problem
       in high-dimensional non-convex optimization", NeurIPS 2014.

    Examples
    --------
    >>> H = random_symmetric(3, 2, seed=0)
    >>> print(H.shape, np.allclose(H, np.swapaxes(H, 1, 2)))
    (2, 3, 3) True
    """
    dim = checks.integer("dim", dim, minimum=1)
    count = checks.integer("count", count, minimum=1)
    G = np.random.default_rng(seed).standard_normal((count, dim, dim))
    return (G + np.swapaxes(G, 1, 2)) / np.sqrt(2.0)


@dataclass(frozen=True, eq=False)
class PerturbedTrajectory(Trajectory):
    """A :class:`~gdcourse.descent.Trajectory` that also records its kicks.

    Attributes
    ----------
    kicks : numpy.ndarray of int
        The steps ``k`` at which a random kick was added to ``weights[k]``
        before the gradient step (empty if the gradient never fell below the
        threshold).
    """

    kicks: np.ndarray = None


def perturbed_gradient_descent(
    surface, w0, lr, steps, *, radius, g_thresh, wait, seed=0
):
    """Gradient descent that adds a random kick whenever the gradient is small.

    The simple form of perturbed gradient descent (Jin et al., 2017): at step
    ``k``, if :math:`\\|\\nabla f(w_k)\\| \\le` ``g_thresh`` and more than ``wait``
    steps have passed since the last kick, replace :math:`w_k` by
    :math:`w_k + \\xi_k`, with :math:`\\xi_k` uniform in the ball of radius
    ``radius``; then take the plain step :math:`w_{k+1} = w_k - \\eta \\nabla f(w_k)`.
    While the gradient is larger than ``g_thresh`` it is exactly gradient descent.

    Parameters
    ----------
    surface : Surface
        The loss.
    w0 : array_like, shape (d,)
        One start.
    lr : float
        Learning rate :math:`\\eta` (positive).
    steps : int
        Number of updates (non-negative).
    radius : float
        Radius of the ball the kicks are drawn from (positive).
    g_thresh : float
        Kick only when the gradient norm is at most this (positive).
    wait : int
        Minimum number of plain steps between two kicks (non-negative).
    seed : int
        Seed of ``numpy.random.default_rng`` for the kicks.

    Returns
    -------
    PerturbedTrajectory
        ``weights[k]`` is the point *before* any kick at step ``k``, and
        ``grad_norms[k]`` its gradient norm; ``kicks`` lists the kick steps.

    References
    ----------
    .. [1] C. Jin et al., "How to escape saddle points efficiently", ICML 2017.

    Examples
    --------
    >>> from gdcourse import surfaces
    >>> run = perturbed_gradient_descent(surfaces.saddle(), [0.0, 0.0], lr=0.1, steps=200,
    ...                                  radius=1e-3, g_thresh=1e-3, wait=20, seed=0)
    >>> print(run.kicks[0], escape_step(run.weights, [0.0, 0.0], 1.0) > 0)
    0 True
    """
    surface = _surface(surface)
    w = check_start(surface, w0)
    if w.ndim != 1:
        raise ValueError(
            f"w0 must be one start of shape ({surface.dim},), got shape {w.shape}"
        )
    lr = checks.positive("lr", lr)
    steps = check_steps(steps)
    radius = checks.positive("radius", radius)
    g_thresh = checks.positive("g_thresh", g_thresh)
    wait = checks.integer("wait", wait, minimum=0)
    rng = np.random.default_rng(seed)
    d = w.size

    weights = np.full((steps + 1, d), np.nan)
    losses = np.full(steps + 1, np.nan)
    grad_norms = np.full(steps + 1, np.nan)
    weights[0], losses[0] = w, surface.value_fn(w)
    g = surface.grad_fn(w)
    grad_norms[0] = np.linalg.norm(g)
    kicks, last_kick, diverged, stopped_at = [], None, False, steps
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            if grad_norms[k] <= g_thresh and (
                last_kick is None or k - last_kick > wait
            ):
                direction = rng.standard_normal(d)
                direction /= np.linalg.norm(direction)
                w = w + radius * rng.uniform() ** (1.0 / d) * direction
                g = surface.grad_fn(w)
                kicks.append(k)
                last_kick = k
            w = w - lr * g
            loss = surface.value_fn(w)
            if not (np.all(np.abs(w) <= DIVERGENCE_BOUND) and np.isfinite(loss)):
                diverged, stopped_at = True, k
                break
            g = surface.grad_fn(w)
            weights[k + 1], losses[k + 1], grad_norms[k + 1] = (
                w,
                loss,
                np.linalg.norm(g),
            )
    return PerturbedTrajectory(
        weights,
        losses,
        grad_norms,
        np.full(steps, lr),
        diverged,
        stopped_at,
        np.array(kicks, dtype=int),
    )

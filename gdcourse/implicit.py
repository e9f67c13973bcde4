"""What gradient descent prefers: the solution it picks when many minimise the loss.

When a linear model has more weights than examples, every weight vector
``w`` with ``X w = y`` fits the data exactly, and which of them training
returns is decided by the optimiser and its start, not by the loss.
This module holds the closed forms chapter 11 measures runs against:

* least squares: :func:`min_norm_solution` (the fit gradient descent from
  zero converges to), :func:`spectral_filter` (how far ``k`` steps have
  fitted each eigen-direction of :math:`X^\\top X / n`), :func:`ridge_filter`
  and :func:`ridge_solution` (ridge regression, for comparison),
  :func:`descent_iterates` (the iterates of gradient descent, without a loop)
  and :func:`spectrum`;
* separable classification: :func:`max_margin_direction` (the hard-margin
  separator through the origin, which the direction of gradient descent on
  the logistic loss approaches), :func:`margin` and :func:`angle`;
* the losses as surfaces, so that :func:`gdcourse.descent.gradient_descent`
  and every optimizer run on them: :func:`regression_loss`,
  :func:`logistic_loss`;
* the chapter's data: :func:`fourier_features`, :func:`true_curve`,
  :func:`curve_data`.

>>> import numpy as np
>>> from gdcourse import descent, implicit
>>> X = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])   # 2 examples, 3 weights
>>> y = np.array([1.0, 2.0])
>>> run = descent.gradient_descent(implicit.regression_loss(X, y), np.zeros(3),
...                                lr=0.5, steps=200)
>>> print(np.round(run.weights[-1], 6), np.round(implicit.min_norm_solution(X, y), 6))
[0. 1. 1.] [0. 1. 1.]
"""

from __future__ import annotations

import numpy as np

from gdcourse import checks, models
from gdcourse.data import Dataset
from gdcourse.surfaces import Surface

__all__ = [
    "spectral_filter",
    "ridge_filter",
    "min_norm_solution",
    "max_margin_direction",
    "margin",
    "angle",
    "spectrum",
    "descent_iterates",
    "ridge_solution",
    "regression_loss",
    "logistic_loss",
    "fourier_features",
    "true_curve",
    "curve_data",
    "fit_and_test",
]

#: Eigenvalues of :math:`X^\top X / n` at most this times the largest count as zero.
ZERO_EIGENVALUE = 1e-12


# ----------------------------------------------------------------------------
# argument checks
# ----------------------------------------------------------------------------


def _data(X, y):
    """``X`` as an (n, d) float array and ``y`` as (n,), both finite."""
    X = checks.finite_array("X", X, ndim=2)
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must have at least one row and one column, got {X.shape}")
    y = checks.finite_array("y", y, shape=(X.shape[0],))
    return X, y


def _labels(X, y):
    """``X`` (n, d) and labels ``y`` in {-1, +1}."""
    X, y = _data(X, y)
    if not np.all(np.abs(y) == 1):
        raise ValueError("y must hold labels -1 and +1 only")
    return X, y


def _steps(steps):
    """A non-negative integer, or an integer array of them, as an int64 array."""
    if isinstance(steps, (bool, np.bool_)):
        raise ValueError(
            f"steps must be a non-negative integer or an array of them, got {steps!r}"
        )
    arr = np.asarray(steps)
    if arr.dtype.kind not in "iu" or arr.size == 0 or np.any(arr < 0):
        raise ValueError(
            f"steps must be a non-negative integer or an array of them, got {steps!r}"
        )
    return arr.astype(np.int64)


def _eigenvalues(eigenvalues):
    arr = checks.finite_array("eigenvalues", eigenvalues)
    if np.any(arr < 0):
        raise ValueError(
            "eigenvalues must be >= 0 (the curvatures of a least-squares loss); "
            "see spectrum() for the eigenvalues of X^T X / n with rounding removed"
        )
    return arr


# ----------------------------------------------------------------------------
# least squares: filters and closed forms
# ----------------------------------------------------------------------------


def spectral_filter(eigenvalues, lr, steps):
    """How much of each eigen-direction gradient descent from zero has fitted after ``steps`` steps.

    Parameters
    ----------
    eigenvalues : array_like
        Eigenvalues :math:`\\lambda_i` of the Hessian :math:`H = X^\\top X / n`
        (any finite numbers; for least squares they are >= 0).
    lr : float
        The learning rate :math:`\\eta > 0`.
    steps : int or array_like of int
        The number of steps :math:`k \\ge 0`; broadcasts against ``eigenvalues``.

    Returns
    -------
    numpy.ndarray
        :math:`1 - (1 - \\eta\\lambda_i)^k`, broadcast over ``eigenvalues`` and
        ``steps``.

    Notes
    -----
    On :math:`f(w) = \\frac{1}{2n}\\lVert Xw - y\\rVert^2` the gradient is
    :math:`H w - X^\\top y / n = H (w - w^\\dagger)`, with :math:`w^\\dagger`
    the minimum-norm solution (:func:`min_norm_solution`), so gradient
    descent's error obeys :math:`w_{k} - w^\\dagger = (I - \\eta H)^k (w_0 - w^\\dagger)`.
    From :math:`w_0 = 0`, along each unit eigenvector :math:`v_i` of :math:`H`,

    .. math::

        v_i^\\top w_k = \\bigl[1 - (1 - \\eta\\lambda_i)^k\\bigr]\\, v_i^\\top w^\\dagger .

    The factor is 0 for :math:`\\lambda_i = 0` (no data along :math:`v_i`:
    the weights never move there), tends to 1 for
    :math:`0 < \\eta\\lambda_i < 2`, and exceeds 1 at odd :math:`k` when
    :math:`1 < \\eta\\lambda_i < 2` (the step overshoots along :math:`v_i`).

    Examples
    --------
    >>> print(np.round(spectral_filter([0.0, 0.01, 0.1, 1.0], lr=1.0, steps=10), 4))
    [0.     0.0956 0.6513 1.    ]
    >>> spectral_filter([0.5], lr=1.0, steps=[1, 2, 3])
    array([0.5  , 0.75 , 0.875])
    """
    lam = checks.finite_array("eigenvalues", eigenvalues)
    lr = checks.positive("lr", lr)
    k = _steps(steps)
    with np.errstate(over="ignore"):
        return 1.0 - (1.0 - lr * lam) ** k


def ridge_filter(eigenvalues, alpha):
    """How much of each eigen-direction ridge regression fits: :math:`\\lambda / (\\lambda + \\alpha)`.

    Parameters
    ----------
    eigenvalues : array_like
        Eigenvalues :math:`\\lambda_i \\ge 0` of :math:`H = X^\\top X / n`.
    alpha : float or array_like
        The ridge penalty :math:`\\alpha \\ge 0`; broadcasts against ``eigenvalues``.

    Returns
    -------
    numpy.ndarray
        :math:`\\lambda_i / (\\lambda_i + \\alpha)`, and 0 where :math:`\\lambda_i = 0`.

    Notes
    -----
    Ridge regression minimises
    :math:`\\frac{1}{2n}\\lVert Xw - y\\rVert^2 + \\frac{\\alpha}{2}\\lVert w\\rVert^2`,
    whose minimiser is :math:`(H + \\alpha I)^{-1} X^\\top y / n`
    (:func:`ridge_solution`); along each eigenvector of :math:`H`,

    .. math::

        v_i^\\top w_\\alpha = \\frac{\\lambda_i}{\\lambda_i + \\alpha}\\, v_i^\\top w^\\dagger .

    A direction with :math:`\\lambda_i = 0` holds no data: ridge leaves it at
    zero for every :math:`\\alpha`, so its factor is 0 (also for
    :math:`\\alpha = 0`, where ridge is the minimum-norm solution).

    Examples
    --------
    >>> print(ridge_filter([0.0, 0.1, 1.0, 10.0], alpha=1.0))
    [0.         0.09090909 0.5        0.90909091]
    """
    lam = _eigenvalues(eigenvalues)
    alpha = checks.each_in_interval("alpha", alpha, 0, np.inf, closed="left")
    positive = lam > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(positive, lam / np.where(positive, lam + alpha, 1.0), 0.0)


def min_norm_solution(X, y):
    """The least-squares solution of smallest norm, :math:`w^\\dagger = X^+ y`.

    Parameters
    ----------
    X : array_like, shape (n, d)
        One row per example.
    y : array_like, shape (n,)
        Targets.

    Returns
    -------
    numpy.ndarray, shape (d,)

    Notes
    -----
    :math:`X^+` is the Moore-Penrose pseudo-inverse (``numpy.linalg.pinv``).
    When :math:`X w = y` has solutions (always, for ``n <= d`` examples in
    general position), they form the affine set
    :math:`w^\\dagger + \\{v : Xv = 0\\}`, and :math:`w^\\dagger` is the one of
    smallest Euclidean norm: it lies in the row space of :math:`X`, which is
    orthogonal to every such :math:`v`.  Otherwise :math:`w^\\dagger` is the
    smallest of the least-squares minimisers.

    Examples
    --------
    >>> X = np.array([[1.0, 1.0]])          # one example, two weights
    >>> print(min_norm_solution(X, [2.0]))  # of all w with w1 + w2 = 2
    [1. 1.]
    """
    X, y = _data(X, y)
    return np.linalg.pinv(X) @ y


def spectrum(X):
    """Eigenvalues and eigenvectors of :math:`H = X^\\top X / n`, rounding below zero removed.

    Parameters
    ----------
    X : array_like, shape (n, d)

    Returns
    -------
    eigenvalues : numpy.ndarray, shape (d,)
        Ascending; those at most :data:`ZERO_EIGENVALUE` times the largest
        (rounding noise of a zero eigenvalue) are set to exactly 0.
    eigenvectors : numpy.ndarray, shape (d, d)
        Orthonormal, one eigenvector per column (as ``numpy.linalg.eigh``).

    Examples
    --------
    >>> lam, V = spectrum([[1.0, 1.0]])
    >>> print(lam, np.round(np.abs(V[:, 1]), 4))
    [0. 2.] [0.7071 0.7071]
    """
    X = checks.finite_array("X", X, ndim=2)
    lam, V = np.linalg.eigh(X.T @ X / X.shape[0])
    lam = np.where(lam <= ZERO_EIGENVALUE * max(lam.max(), 0.0), 0.0, lam)
    return lam, V


def descent_iterates(X, y, lr, steps, w0=None):
    """Gradient descent's weights after ``steps`` steps on least squares, without the loop.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    lr : float
        The learning rate.
    steps : int or 1-D array_like of int
        The step counts wanted.
    w0 : array_like, shape (d,), optional
        The start; zero by default.

    Returns
    -------
    numpy.ndarray
        Shape ``(d,)`` for one step count, ``(len(steps), d)`` for several:
        the iterates of :func:`gdcourse.descent.gradient_descent` on
        :func:`regression_loss` (to rounding error) at those steps.

    Notes
    -----
    With :math:`H = V \\operatorname{diag}(\\lambda) V^\\top` (:func:`spectrum`),

    .. math::

        w_k = w^\\dagger + V \\operatorname{diag}\\bigl((1 - \\eta\\lambda)^k\\bigr)
        V^\\top (w_0 - w^\\dagger),

    so from zero each eigen-coordinate of :math:`w_k` is
    :func:`spectral_filter` times that of :math:`w^\\dagger`, and the part of
    :math:`w_0` along the null space of :math:`X` (:math:`\\lambda = 0`) never
    changes.  A rate with :math:`\\eta\\lambda > 2` makes the iterates grow
    without bound (to ``inf`` once they overflow; no warning).

    Examples
    --------
    >>> X, y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]), np.array([1.0, 2.0])
    >>> print(np.round(descent_iterates(X, y, lr=0.5, steps=[1, 200]), 4))
    [[0.25 0.5  0.75]
     [0.   1.   1.  ]]
    """
    X, y = _data(X, y)
    lr = checks.positive("lr", lr)
    k = _steps(steps)
    if k.ndim > 1:
        raise ValueError(
            f"steps must be an integer or a 1-D array of them, got shape {k.shape}"
        )
    d = X.shape[1]
    w0 = np.zeros(d) if w0 is None else checks.finite_array("w0", w0, shape=(d,))
    lam, V = spectrum(X)
    best = min_norm_solution(X, y)
    with np.errstate(over="ignore", invalid="ignore"):
        shrink = (1.0 - lr * lam) ** k[..., None]
        return best + (shrink * ((w0 - best) @ V)) @ V.T


def ridge_solution(X, y, alpha):
    """Ridge regression's weights, :math:`(X^\\top X / n + \\alpha I)^{-1} X^\\top y / n`.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    alpha : float or 1-D array_like of float
        Penalties :math:`\\alpha \\ge 0`; 0 gives :func:`min_norm_solution`.

    Returns
    -------
    numpy.ndarray
        Shape ``(d,)`` for one penalty, ``(len(alpha), d)`` for several.

    Notes
    -----
    The minimiser of
    :math:`\\frac{1}{2n}\\lVert Xw - y\\rVert^2 + \\frac{\\alpha}{2}\\lVert w\\rVert^2`,
    computed along the eigenvectors of :math:`H`:
    :math:`w_\\alpha = V \\operatorname{diag}(\\lambda / (\\lambda + \\alpha)) V^\\top w^\\dagger`
    (:func:`ridge_filter`), which for :math:`\\alpha > 0` equals
    :math:`(H + \\alpha I)^{-1} X^\\top y / n`.

    Examples
    --------
    >>> X, y = np.array([[1.0, 1.0]]), np.array([2.0])
    >>> print(ridge_solution(X, y, [0.0, 2.0]))
    [[1.  1. ]
     [0.5 0.5]]
    """
    X, y = _data(X, y)
    alpha = checks.each_in_interval("alpha", alpha, 0, np.inf, closed="left")
    if alpha.ndim > 1:
        raise ValueError(
            f"alpha must be a number or a 1-D array of them, got shape {alpha.shape}"
        )
    lam, V = spectrum(X)
    factor = ridge_filter(lam, alpha[..., None])
    return (factor * (min_norm_solution(X, y) @ V)) @ V.T


# ----------------------------------------------------------------------------
# separable classification
# ----------------------------------------------------------------------------


def _nearest_point_of_hull(Z, tol, max_iter):
    """Wolfe's algorithm: the point of the convex hull of the rows of ``Z`` nearest 0.

    Returns the point ``x`` (shape (d,)) once
    ``|x|^2 - min_j z_j . x <= tol * |x|^2`` (or no point can be added), and
    raises RuntimeError after ``max_iter`` major cycles.
    """
    norms = np.einsum("ij,ij->i", Z, Z)
    support = [int(np.argmin(norms))]
    weights = np.array([1.0])
    x = Z[support[0]].copy()
    tiny = np.finfo(float).eps * norms.max()
    for _ in range(max_iter):
        dots = Z @ x
        j = int(np.argmin(dots))
        xx = x @ x
        if xx - dots[j] <= tol * xx or xx <= tiny or j in support:
            return x
        support.append(j)
        weights = np.append(weights, 0.0)
        while True:  # minor cycle: the nearest point of the support's affine hull
            P = Z[support]
            m = len(support)
            system = np.ones((m + 1, m + 1))
            system[:m, :m] = P @ P.T
            system[m, m] = 0.0
            rhs = np.zeros(m + 1)
            rhs[m] = 1.0
            mu = np.linalg.lstsq(system, rhs, rcond=None)[0][:m]
            if np.all(mu > 0):
                weights, x = mu, mu @ P
                break
            # move from the current point towards the affine one until a weight hits 0
            out = mu <= 0
            theta = np.min(weights[out] / (weights[out] - mu[out]))
            weights = theta * mu + (1.0 - theta) * weights
            drop = np.flatnonzero(out)[np.argmin(weights[out])]
            keep = weights > 0
            keep[drop] = False
            support = [s for s, k in zip(support, keep) if k]
            weights = weights[keep] / weights[keep].sum()
            x = weights @ Z[support]
    raise RuntimeError(
        f"max_margin_direction did not converge in max_iter={max_iter} iterations"
    )


def max_margin_direction(X, y, tol=1e-12, max_iter=10_000):
    """The unit normal of the hard-margin separator through the origin (labels -1 and +1).

    Parameters
    ----------
    X : array_like, shape (n, d)
        One example per row.
    y : array_like, shape (n,)
        Labels, each -1 or +1.
    tol : float, default 1e-12
        Stop once the margin of the returned direction is at least
        ``1 - tol`` times an upper bound of the largest margin (see Notes).
    max_iter : int, default 10000
        Most iterations (each adds one example to the support).

    Returns
    -------
    numpy.ndarray, shape (d,)
        The unit vector :math:`\\hat u` that maximises
        :func:`margin` :math:`\\min_i y_i x_i^\\top u` over :math:`\\lVert u\\rVert = 1`.

    Raises
    ------
    ValueError
        If the data are not strictly separable by a hyperplane through the
        origin (no :math:`u` has :math:`y_i x_i^\\top u > 0` for every
        :math:`i`), or the labels are not -1 and +1.
    RuntimeError
        If ``max_iter`` iterations were not enough.

    Notes
    -----
    The hard-margin support vector machine without intercept,

    .. math::

        \\hat w = \\arg\\min_w \\tfrac12 \\lVert w\\rVert^2
        \\quad\\text{subject to}\\quad y_i x_i^\\top w \\ge 1 ,

    has the direction :math:`\\hat u = \\hat w / \\lVert\\hat w\\rVert`, and its
    dual is the point :math:`p^*` of the convex hull of the points
    :math:`z_i = y_i x_i` nearest the origin:
    :math:`\\hat u = p^* / \\lVert p^*\\rVert`, and the largest margin is
    :math:`\\gamma = \\lVert p^*\\rVert` (zero exactly when the data cannot be
    separated through the origin).  Wolfe's algorithm (an active-set method)
    finds :math:`p^*`; it stops at a hull point :math:`x` whose margin
    :math:`m(x) = \\min_j z_j^\\top x / \\lVert x\\rVert` satisfies
    :math:`m(x) \\ge (1 - \\text{tol}) \\lVert x\\rVert`.  Since
    :math:`m(x) \\le \\gamma \\le \\lVert x\\rVert`, the returned direction's
    margin is within a factor :math:`1 - \\text{tol}` of the largest, and, as
    :math:`\\lVert x - p^*\\rVert^2 \\le \\lVert x\\rVert^2 - \\gamma^2`, its
    angle to the exact direction is at most :math:`\\sqrt{2\\,\\text{tol}}`.

    References
    ----------
    P. Wolfe, "Finding the nearest point in a polytope", Mathematical
    Programming 11 (1976), 128-149.

    Examples
    --------
    >>> X = np.array([[2.0, 1.0], [1.0, 2.0], [-1.0, -1.0]])
    >>> y = np.array([1, 1, -1])
    >>> u = max_margin_direction(X, y)
    >>> print(np.round(u, 6), round(float(margin(u, X, y)), 6))
    [0.707107 0.707107] 1.414214
    >>> max_margin_direction([[1.0], [1.0]], [1, -1])
    Traceback (most recent call last):
    ...
    ValueError: X, y are not separable by a hyperplane through the origin: no direction u has y_i x_i . u > 0 for every example
    """
    X, y = _labels(X, y)
    tol = checks.in_interval("tol", tol, 0, 1, closed="neither")
    max_iter = checks.integer("max_iter", max_iter, minimum=1)
    Z = y[:, None] * X
    scale = np.sqrt(np.einsum("ij,ij->i", Z, Z).max())
    x = _nearest_point_of_hull(Z, tol, max_iter)
    size = np.linalg.norm(x)
    if size <= 1e-10 * scale or np.min(Z @ x) <= 0:
        raise ValueError(
            "X, y are not separable by a hyperplane through the origin: "
            "no direction u has y_i x_i . u > 0 for every example"
        )
    return x / size


def _nonzero_rows(name, w):
    w = checks.finite_array(name, w)
    if w.ndim == 0:
        raise ValueError(
            f"{name} must be a vector or an array of vectors, got a number"
        )
    size = np.linalg.norm(w, axis=-1)
    if np.any(size == 0):
        raise ValueError(f"{name} must be non-zero (its direction is used)")
    return w, size


def margin(w, X, y):
    """The smallest signed distance of the examples to the hyperplane :math:`w^\\top x = 0`.

    Parameters
    ----------
    w : array_like, shape (..., d)
        One or many non-zero weight vectors (only their direction matters).
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
        Labels, each -1 or +1.

    Returns
    -------
    float or numpy.ndarray of shape (...)
        :math:`\\min_i y_i x_i^\\top w / \\lVert w\\rVert`: positive when ``w``
        classifies every example correctly, and then the distance from the
        hyperplane to the nearest example.

    Examples
    --------
    >>> X, y = np.array([[2.0, 1.0], [-1.0, -3.0]]), np.array([1, -1])
    >>> print(margin([1.0, 0.0], X, y), margin([[0.0, 2.0], [-1.0, 0.0]], X, y))
    1.0 [ 1. -2.]
    """
    X, y = _labels(X, y)
    w, size = _nonzero_rows("w", w)
    if w.shape[-1] != X.shape[1]:
        raise ValueError(
            f"w must have shape (..., {X.shape[1]}) to match X, got {w.shape}"
        )
    out = np.min((w @ (y[:, None] * X).T), axis=-1) / size
    return float(out) if out.ndim == 0 else out


def angle(w, v):
    """The angle between each vector ``w`` and the vector ``v``, in radians.

    Parameters
    ----------
    w : array_like, shape (..., d)
        Non-zero vectors (e.g. the weights of every step of a run after its start).
    v : array_like, shape (d,)
        A non-zero vector (e.g. :func:`max_margin_direction`).

    Returns
    -------
    float or numpy.ndarray of shape (...)
        In :math:`[0, \\pi]`.

    Notes
    -----
    With unit vectors :math:`a = w/\\lVert w\\rVert` and :math:`b = v/\\lVert v\\rVert`,
    :math:`\\theta = 2 \\arctan(\\lVert a - b\\rVert / \\lVert a + b\\rVert)`, which
    stays accurate for tiny angles, where :math:`\\arccos(a^\\top b)` loses
    half its digits.

    Examples
    --------
    >>> print(round(float(np.degrees(angle([1.0, 1.0], [1.0, 0.0]))), 6))
    45.0
    >>> print(angle([[1.0, 1e-9], [0.0, 3.0]], [1.0, 0.0]))
    [1.00000000e-09 1.57079633e+00]
    """
    w, w_size = _nonzero_rows("w", w)
    v, v_size = _nonzero_rows("v", v)
    if v.ndim != 1 or w.shape[-1] != v.shape[0]:
        raise ValueError(
            f"v must be a vector of the same length as w's rows, got shapes {w.shape} and {v.shape}"
        )
    a, b = w / w_size[..., None], v / v_size
    out = 2.0 * np.arctan2(
        np.linalg.norm(a - b, axis=-1), np.linalg.norm(a + b, axis=-1)
    )
    return float(out) if out.ndim == 0 else out


# ----------------------------------------------------------------------------
# losses as surfaces
# ----------------------------------------------------------------------------


def regression_loss(X, y, name="least squares"):
    """Half the mean squared error of a linear model without intercept, as a surface.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Features, one row per example (add a column of ones for an intercept).
    y : array_like, shape (n,)
    name : str
        For legends.

    Returns
    -------
    gdcourse.surfaces.Surface
        Over the ``d`` weights; its one listed minimum is
        :func:`min_norm_solution` (when ``n < d`` every :math:`w^\\dagger + v`
        with :math:`Xv = 0` is a minimum too).

    Notes
    -----
    .. math::

        f(w) = \\frac{1}{2n}\\lVert Xw - y\\rVert^2, \\qquad
        \\nabla f(w) = \\frac1n X^\\top (Xw - y), \\qquad
        \\nabla^2 f = \\frac1n X^\\top X .

    The gradient is a combination of the rows of :math:`X`, so gradient
    descent never changes the part of the weights orthogonal to them.

    Examples
    --------
    >>> s = regression_loss([[1.0, 1.0]], [2.0])
    >>> print(s(np.array([0.0, 0.0])), s.grad(np.array([0.0, 0.0])), s.minima)
    2.0 [-2. -2.] [[1. 1.]]
    """
    X, y = _data(X, y)
    n, d = X.shape
    H = X.T @ X / n

    def value(w):
        r = w @ X.T - y
        return (r * r).sum(axis=-1) * (0.5 / n)

    def grad(w):
        return (w @ X.T - y) @ X / n

    def hessian(w):
        return np.broadcast_to(H, w.shape[:-1] + (d, d)).copy()

    return Surface(
        name,
        d,
        value,
        grad,
        hessian,
        box=((-3.0, 3.0),) * d,
        minima=min_norm_solution(X, y)[None, :],
        formula=r"\frac{1}{2n}\lVert Xw - y\rVert^2",
    )


def logistic_loss(X, y, name="logistic"):
    """The mean logistic loss of a linear classifier through the origin (labels -1, +1), as a surface.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
        Labels, each -1 or +1.
    name : str
        For legends.

    Returns
    -------
    gdcourse.surfaces.Surface
        Over the ``d`` weights, with no listed minimum: on separable data the
        loss has none (it only tends to 0 as the weights grow along a
        separating direction).

    Notes
    -----
    With margins :math:`m_i = y_i x_i^\\top w` and :math:`\\sigma(z) = 1/(1 + e^{-z})`,

    .. math::

        f(w) = \\frac1n \\sum_i \\log\\bigl(1 + e^{-m_i}\\bigr), \\qquad
        \\nabla f(w) = -\\frac1n \\sum_i \\sigma(-m_i)\\, y_i x_i, \\qquad
        \\nabla^2 f(w) = \\frac1n \\sum_i \\sigma(m_i)\\sigma(-m_i)\\, x_i x_i^\\top .

    The same loss as :class:`gdcourse.models.LogisticRegression` with labels
    :math:`(1 + y_i)/2` and no intercept; evaluated without overflow for any
    weights.  Its curvature is at most :math:`\\lVert X\\rVert_2^2 / (4n)`.

    Examples
    --------
    >>> s = logistic_loss([[1.0, 0.0], [0.0, -1.0]], [1, -1])
    >>> print(round(float(s(np.zeros(2))), 6), s.grad(np.zeros(2)))   # log 2
    0.693147 [-0.25 -0.25]
    """
    X, y = _labels(X, y)
    n, d = X.shape
    Z = y[:, None] * X

    def value(w):
        return np.mean(np.logaddexp(0.0, -(w @ Z.T)), axis=-1)

    def grad(w):
        return -(models.sigmoid(-(w @ Z.T)) @ Z) / n

    def hessian(w):
        m = w @ Z.T
        s = models.sigmoid(m) * models.sigmoid(-m)
        return np.einsum("...i,ij,ik->...jk", s, X, X) / n

    return Surface(
        name,
        d,
        value,
        grad,
        hessian,
        box=((-3.0, 3.0),) * d,
        minima=np.empty((0, d)),
        formula=r"\frac1n\sum_i \log(1 + e^{-y_i x_i^\top w})",
    )


# ----------------------------------------------------------------------------
# the chapter's data
# ----------------------------------------------------------------------------


def fourier_features(x, frequencies=20, scaled=True):
    """Features :math:`1, \\cos(kx), \\sin(kx)` for :math:`k = 1..K`, each divided by :math:`k` if scaled.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, 1)
        Inputs (radians).
    frequencies : int, default 20
        :math:`K`; there are :math:`2K + 1` features.
    scaled : bool, default True
        Divide the features of frequency :math:`k` by :math:`k`.

    Returns
    -------
    numpy.ndarray, shape (n, 2K + 1)
        Columns: the constant, the :math:`K` cosines, the :math:`K` sines.

    Notes
    -----
    With scaled features, the function :math:`f(x) = \\phi(x)^\\top w` with
    :math:`w = (c, a_1..a_K, b_1..b_K)` is
    :math:`c + \\sum_k (a_k \\cos kx + b_k \\sin kx)/k`, whose slope satisfies

    .. math::

        \\frac{1}{\\pi}\\int_{-\\pi}^{\\pi} f'(x)^2\\,dx = \\sum_{k=1}^K (a_k^2 + b_k^2)
        = \\lVert w\\rVert^2 - c^2 ,

    so a small weight norm is a curve that wiggles little.  Unscaled, the
    same sum is :math:`\\frac1\\pi\\int (f - c)^2`, which does not penalise
    wiggles more than slow waves.

    Examples
    --------
    >>> print(np.round(fourier_features([0.0, np.pi / 2], frequencies=2), 3))
    [[ 1.   1.   0.5  0.   0. ]
     [ 1.   0.  -0.5  1.   0. ]]
    """
    x = checks.finite_array("x", x)
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if x.ndim != 1:
        raise ValueError(f"x must have shape (n,) or (n, 1), got shape {x.shape}")
    K = checks.integer("frequencies", frequencies, minimum=1)
    k = np.arange(1, K + 1)
    scale = 1.0 / k if scaled else np.ones(K)
    kx = np.outer(x, k)
    return np.concatenate(
        [np.ones((x.size, 1)), np.cos(kx) * scale, np.sin(kx) * scale], axis=1
    )


def true_curve(x):
    """The noise-free target of :func:`curve_data`, :math:`f^*(x) = \\sin x + \\tfrac12 \\cos 2x`.

    Examples
    --------
    >>> print(true_curve(np.array([0.0, np.pi / 2])))
    [0.5 0.5]
    """
    x = np.asarray(x, dtype=float)
    return np.sin(x) + 0.5 * np.cos(2.0 * x)


def curve_data(n=12, *, noise=0.3, jitter=0.35, n_test=256, seed=0):
    """Few noisy samples of a smooth periodic curve, and the noise-free curve on a grid.

    Parameters
    ----------
    n : int, default 12
        Training examples.
    noise : float, default 0.3
        Standard deviation of the Gaussian noise on the training targets.
    jitter : float, default 0.35
        Each training input sits at a random offset of at most ``jitter``
        grid spacings from the centre of its cell of an even grid over
        :math:`[-\\pi, \\pi)`, in [0, 0.5).
    n_test : int, default 256
        Test inputs: an even grid over :math:`[-\\pi, \\pi)`.
    seed : int, default 0
        Seed of the offsets and the noise.

    Returns
    -------
    Dataset
        Named ``"curve"``; inputs of shape ``(n, 1)`` and ``(n_test, 1)``;
        ``y_test`` is :func:`true_curve` itself, without noise, so the test
        error of a fit is its mean squared distance from the true curve.

    Notes
    -----
    .. math::

        x_i = -\\pi + (i + \\tfrac12 + u_i)\\,\\frac{2\\pi}{n},\\quad
        u_i \\sim \\mathcal U[-j, j], \\qquad
        y_i = f^*(x_i) + \\varepsilon_i,\\quad \\varepsilon_i \\sim \\mathcal N(0, \\sigma^2).

    Spreading the inputs over the interval keeps the smallest non-zero
    eigenvalue of :math:`X^\\top X / n` for :func:`fourier_features` away
    from zero, so gradient descent reaches its limit in hundreds of steps
    rather than tens of thousands.

    Examples
    --------
    >>> d = curve_data(n=12, seed=0)
    >>> d.X_train.shape, d.X_test.shape, bool(np.all(np.diff(d.X_train[:, 0]) > 0))
    ((12, 1), (256, 1), True)
    """
    n = checks.integer("n", n, minimum=1)
    noise = checks.non_negative("noise", noise)
    jitter = checks.in_interval("jitter", jitter, 0, 0.5)
    n_test = checks.integer("n_test", n_test, minimum=1)
    rng = np.random.default_rng(seed)
    u = rng.uniform(-jitter, jitter, n)
    x = -np.pi + (np.arange(n) + 0.5 + u) * (2 * np.pi / n)
    y = true_curve(x) + noise * rng.standard_normal(n)
    x_test = -np.pi + np.arange(n_test) * (2 * np.pi / n_test)
    frozen = []
    for a in (x[:, None], y, x_test[:, None], true_curve(x_test)):
        a = np.array(a, dtype=float)
        a.setflags(write=False)
        frozen.append(a)
    return Dataset("curve", frozen[0], frozen[1], frozen[2], frozen[3])


def fit_and_test(sample, fit=None, *, frequencies=20, scaled=True):
    """Fit a curve data set with Fourier features; return the weights and their test error.

    Parameters
    ----------
    sample : Dataset
        From :func:`curve_data` (inputs of shape ``(n, 1)``; test targets
        the noise-free curve).
    fit : callable, optional
        ``fit(X, y)`` returning weights of shape ``(d,)``, or ``(m, d)`` for
        ``m`` fits at once (a path of iterates, ridge over several
        penalties); :func:`min_norm_solution` by default.
    frequencies : int, default 20
        As in :func:`fourier_features`.
    scaled : bool, default True
        As in :func:`fourier_features`.

    Returns
    -------
    weights : numpy.ndarray, shape (d,) or (m, d)
    test_error : float or numpy.ndarray of shape (m,)
        The mean squared difference between each fit and ``sample.y_test``
        over the test inputs.

    Examples
    --------
    >>> w, err = fit_and_test(curve_data(seed=0))
    >>> w.shape, round(float(err), 3)
    ((41,), 0.069)
    >>> _, errs = fit_and_test(curve_data(seed=0), lambda X, y: ridge_solution(X, y, [0.1, 1.0]))
    >>> errs.shape
    (2,)
    """
    fit = min_norm_solution if fit is None else fit
    X = fourier_features(sample.X_train, frequencies, scaled)
    F = fourier_features(sample.X_test, frequencies, scaled)
    w = np.asarray(fit(X, sample.y_train), dtype=float)
    error = np.mean((w @ F.T - sample.y_test) ** 2, axis=-1)
    return w, float(error) if np.ndim(error) == 0 else error

"""Closed forms of gradient descent on a quadratic, and how to measure them.

On a quadratic :math:`f(w) = \\tfrac12 (w - w^*)^\\top A (w - w^*)` whose
Hessian ``A`` has eigenvalues (curvatures) between :math:`\\mu` and :math:`L`,
gradient descent with a fixed rate :math:`\\eta` moves the error
:math:`e_k = w_k - w^*` by :math:`e_{k+1} = (I - \\eta A) e_k`.  Along an
eigenvector of curvature :math:`\\lambda` the error is multiplied by
:math:`1 - \\eta \\lambda` at every step, so everything about the run (stable
or not, how fast, the best rate) follows from those factors:

>>> from gdcourse import theory
>>> mu, L = 0.1, 1.0
>>> print(f"{theory.stability_limit(L):.3f} {theory.optimal_lr(mu, L):.4f}")
2.000 1.8182
>>> print(f"{theory.optimal_rate(theory.condition_number([[mu, 0], [0, L]])):.4f}")
0.8182

Heavy-ball momentum has closed forms too (:func:`heavy_ball_optimal`,
:func:`heavy_ball_rate`, :func:`heavy_ball_contraction`).  The functions
:func:`measured_steps` and :func:`measured_contraction` read the same
quantities off a real run, so the book and the tests can put theory and
measurement side by side.
"""

from __future__ import annotations

import math

import numpy as np

from gdcourse import checks

__all__ = [
    "condition_number",
    "curvature_range",
    "stability_limit",
    "optimal_lr",
    "contraction",
    "optimal_rate",
    "steps_to_tolerance",
    "saddle_escape_steps",
    "heavy_ball_optimal",
    "heavy_ball_rate",
    "heavy_ball_contraction",
    "noise_floor",
    "descent_lemma_bound",
    "convex_gap_bound",
    "strongly_convex_gap_bound",
    "nonconvex_gradient_bound",
    "sgd_averaged_bound",
    "sgd_rate",
    "nesterov_gap_bound",
    "first_order_lower_bound",
    "strongly_convex_lower_bound",
    "worst_quadratic",
    "heavy_ball_roots",
    "heavy_ball_radius",
    "heavy_ball_regime",
    "HEAVY_BALL_REGIMES",
    "measured_steps",
    "measured_contraction",
]


# ---------------------------------------------------------------------------
# argument checks
# ---------------------------------------------------------------------------


def _positive(name, value):
    """``value`` as a float array of positive finite numbers, or ``ValueError``."""
    return checks.each_in_interval(name, value, 0, math.inf, closed="neither")


def _curvatures(mu, L):
    mu, L = _positive("mu", mu), _positive("L", L)
    if np.any(mu > L):
        raise ValueError(
            f"mu must not exceed L (mu is the smallest curvature), got mu={mu!r}, L={L!r}"
        )
    return mu, L


def _kappa(kappa):
    return checks.each_in_interval("kappa", kappa, 1, math.inf)


def _out(arr):
    """A 0-d result as a Python float, anything else as an array."""
    arr = np.asarray(arr, dtype=float)
    return float(arr) if arr.ndim == 0 else arr


def _spd_eigenvalues(A):
    try:
        np.asarray(A, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"A must be a symmetric positive definite matrix, got {A!r}"
        ) from None
    eig = np.linalg.eigvalsh(checks.symmetric_matrix("A", A))
    if eig[0] <= 0:
        raise ValueError(
            f"A must be positive definite; its smallest eigenvalue is {eig[0]:.3g}"
        )
    return eig


# ---------------------------------------------------------------------------
# curvature
# ---------------------------------------------------------------------------


def curvature_range(A):
    """The smallest and largest curvature of a quadratic: the extreme eigenvalues of its Hessian.

    Parameters
    ----------
    A : array_like, shape (d, d)
        Symmetric positive definite Hessian.

    Returns
    -------
    mu, L : float
        :math:`\\mu = \\lambda_{\\min}(A)` and :math:`L = \\lambda_{\\max}(A)`.

    Examples
    --------
    >>> mu, L = curvature_range([[2.0, 1.0], [1.0, 2.0]])
    >>> print(f"{mu:.3f} {L:.3f}")
    1.000 3.000
    """
    eig = _spd_eigenvalues(A)
    return float(eig[0]), float(eig[-1])


def condition_number(A):
    """The condition number :math:`\\kappa = L / \\mu` of a symmetric positive definite matrix.

    Parameters
    ----------
    A : array_like, shape (d, d)
        Symmetric positive definite (e.g. the Hessian of a quadratic loss).

    Returns
    -------
    float
        Ratio of the largest to the smallest eigenvalue, at least 1.

    Notes
    -----
    .. math:: \\kappa(A) = \\frac{\\lambda_{\\max}(A)}{\\lambda_{\\min}(A)} = \\frac{L}{\\mu}

    Examples
    --------
    >>> print(condition_number([[0.1, 0.0], [0.0, 1.0]]))
    10.0
    """
    mu, L = curvature_range(A)
    return L / mu


# ---------------------------------------------------------------------------
# plain gradient descent
# ---------------------------------------------------------------------------


def stability_limit(L):
    """The largest stable fixed rate of gradient descent on a quadratic, :math:`2/L`.

    Parameters
    ----------
    L : float or array_like
        Largest curvature (eigenvalue of the Hessian), positive.

    Returns
    -------
    float or numpy.ndarray
        :math:`2/L`: every rate below it converges from every start, every
        rate above it diverges from almost every start.

    Notes
    -----
    Along the steepest direction the error is multiplied by
    :math:`1 - \\eta L` each step, and

    .. math:: |1 - \\eta L| < 1 \\iff 0 < \\eta < \\frac{2}{L}.

    Examples
    --------
    >>> print(stability_limit(4.0))
    0.5
    """
    return _out(2.0 / _positive("L", L))


def optimal_lr(mu, L):
    """The fixed rate that makes gradient descent on a quadratic fastest, :math:`2/(\\mu + L)`.

    Parameters
    ----------
    mu, L : float or array_like
        Smallest and largest curvature, :math:`0 < \\mu \\le L`.

    Returns
    -------
    float or numpy.ndarray

    Notes
    -----
    It balances the two extreme factors, :math:`1 - \\eta\\mu = -(1 - \\eta L)`:

    .. math:: \\eta^* = \\frac{2}{\\mu + L}.

    Examples
    --------
    >>> print(optimal_lr(1.0, 3.0))
    0.5
    """
    mu, L = _curvatures(mu, L)
    return _out(2.0 / (mu + L))


def contraction(lr, mu, L):
    """The worst per-step factor of the error of gradient descent on a quadratic.

    Parameters
    ----------
    lr : float or array_like
        Learning rate(s), positive; an array gives one factor per rate.
    mu, L : float
        Smallest and largest curvature, :math:`0 < \\mu \\le L`.

    Returns
    -------
    float or numpy.ndarray
        :math:`\\rho(\\eta)`; below 1 the run converges, and the error shrinks
        at least by this factor every step (exactly, along the slowest eigenvector).

    Notes
    -----
    .. math:: \\rho(\\eta) = \\max_{\\mu \\le \\lambda \\le L} |1 - \\eta\\lambda|
              = \\max(|1 - \\eta\\mu|,\\ |1 - \\eta L|)

    Examples
    --------
    >>> print(contraction(0.5, 1.0, 3.0))
    0.5
    >>> print(contraction([0.1, 1.0], 1.0, 3.0))
    [0.9 2. ]
    """
    lr = _positive("lr", lr)
    mu, L = _curvatures(mu, L)
    return _out(np.maximum(np.abs(1.0 - lr * mu), np.abs(1.0 - lr * L)))


def optimal_rate(kappa):
    """The per-step factor of gradient descent at its best fixed rate, :math:`(\\kappa-1)/(\\kappa+1)`.

    Parameters
    ----------
    kappa : float or array_like
        Condition number :math:`L/\\mu \\ge 1`.

    Returns
    -------
    float or numpy.ndarray

    Notes
    -----
    At :math:`\\eta^* = 2/(\\mu + L)`,

    .. math:: \\rho^* = \\frac{L - \\mu}{L + \\mu} = \\frac{\\kappa - 1}{\\kappa + 1}.

    References
    ----------
    J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer, 2006.

    Examples
    --------
    >>> print(optimal_rate(10.0))
    0.8181818181818182
    """
    kappa = _kappa(kappa)
    return _out((kappa - 1.0) / (kappa + 1.0))


def steps_to_tolerance(rate, tol=1e-6):
    """Predicted number of steps until a factor-``rate`` contraction shrinks the error by ``tol``.

    Parameters
    ----------
    rate : float or array_like
        Per-step factor :math:`\\rho \\ge 0`, e.g. from :func:`contraction`,
        :func:`optimal_rate` or :func:`heavy_ball_rate`.
    tol : float
        Relative tolerance in (0, 1): the error must fall to ``tol`` times its start.

    Returns
    -------
    float or numpy.ndarray
        The smallest :math:`k \\ge 1` with :math:`\\rho^k \\le` ``tol`` (a whole
        number stored as a float), or ``inf`` where :math:`\\rho \\ge 1`.

    Notes
    -----
    .. math:: k = \\left\\lceil \\frac{\\ln(1/\\text{tol})}{\\ln(1/\\rho)} \\right\\rceil
              \\approx \\frac{\\kappa}{2} \\ln\\frac{1}{\\text{tol}}
              \\quad\\text{for } \\rho = \\frac{\\kappa - 1}{\\kappa + 1},\\ \\kappa \\gg 1.

    Since :math:`\\|e_k\\| \\le \\rho^k \\|e_0\\|`, a measured run never needs
    more steps than this; it needs exactly this many when it starts on the
    slowest eigenvector.

    Examples
    --------
    >>> print(steps_to_tolerance(0.5, tol=1e-3))
    10.0
    >>> print(steps_to_tolerance([0.0, 0.9, 1.0], tol=1e-2))
    [ 1. 44. inf]
    """
    r = checks.each_in_interval("rate", rate, 0, math.inf, closed="both")
    checks.in_interval("tol", tol, 0, 1, closed="neither")
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.ceil(np.log(tol) / np.log(r) - 1e-9)
    k = np.where(r >= 1, np.inf, np.maximum(np.where(r == 0, 1.0, k), 1.0))
    return _out(k)


def saddle_escape_steps(eps, lr, curvature, radius=1.0):
    """Predicted step at which gradient descent escapes a strict saddle.

    Parameters
    ----------
    eps : float or array_like
        The start's distance from the stable line along the escape direction, > 0.
    lr : float
        Learning rate, > 0.
    curvature : float
        The size :math:`b = |\\lambda_{\\min}|` of the negative curvature, > 0.
    radius : float, default 1.0
        The distance from the stable line that counts as escaped, > ``eps``.

    Returns
    -------
    int or numpy.ndarray
        The first step :math:`k` with :math:`\\varepsilon (1 + \\eta b)^k \\ge R`.

    Notes
    -----
    Along the escape direction the gradient is :math:`-b\\,w_2`, so each step
    multiplies the offset by :math:`1 + \\eta b`:

    .. math:: k = \\left\\lceil \\frac{\\ln(R/\\varepsilon)}{\\ln(1 + \\eta b)} \\right\\rceil,

    logarithmic in :math:`1/\\varepsilon`: each factor of 10 closer to the
    stable line costs the same number of extra steps.

    Examples
    --------
    >>> saddle_escape_steps(1e-6, 0.1, 1.0)
    145
    >>> print(saddle_escape_steps([1e-3, 1e-6], 0.1, 1.0))
    [ 73 145]
    """
    e = checks.each_in_interval("eps", eps, 0, math.inf, closed="neither")
    lr = checks.positive("lr", lr)
    b = checks.positive("curvature", curvature)
    radius = checks.positive("radius", radius)
    if np.any(e >= radius):
        raise ValueError(f"eps must be smaller than radius={radius!r}, got {eps!r}")
    k = np.ceil(np.log(radius / e) / np.log1p(lr * b)).astype(int)
    return int(k) if k.ndim == 0 else k


# ---------------------------------------------------------------------------
# heavy-ball momentum
# ---------------------------------------------------------------------------


def heavy_ball_optimal(mu, L):
    """The rate and momentum that make heavy-ball momentum fastest on a quadratic.

    Parameters
    ----------
    mu, L : float
        Smallest and largest curvature, :math:`0 < \\mu \\le L`.

    Returns
    -------
    lr, momentum : float
        :math:`\\eta^*` and :math:`\\beta^*` in the convention of
        :func:`gdcourse.descent.gradient_descent` (PyTorch's ``SGD``).

    Notes
    -----
    .. math::

        \\eta^* = \\frac{4}{(\\sqrt{L} + \\sqrt{\\mu})^2}, \\qquad
        \\beta^* = \\left(\\frac{\\sqrt{\\kappa} - 1}{\\sqrt{\\kappa} + 1}\\right)^2,

    giving the per-step factor :func:`heavy_ball_rate`.  In the PyTorch form
    (:math:`v \\leftarrow \\beta v + g,\\ w \\leftarrow w - \\eta v`) these are
    the same numbers as in Polyak's form
    :math:`w_{k+1} = w_k - \\eta g_k + \\beta (w_k - w_{k-1})`.

    References
    ----------
    B. T. Polyak, "Some methods of speeding up the convergence of iteration
    methods", USSR Computational Mathematics and Mathematical Physics, 1964.

    Examples
    --------
    >>> lr, beta = heavy_ball_optimal(1.0, 100.0)
    >>> print(f"{lr:.6f} {beta:.6f}")
    0.033058 0.669421
    """
    mu, L = _curvatures(mu, L)
    if mu.ndim or L.ndim:
        raise ValueError("mu and L must be single numbers")
    sq_mu, sq_L = np.sqrt(float(mu)), np.sqrt(float(L))
    lr = 4.0 / (sq_L + sq_mu) ** 2
    momentum = ((sq_L - sq_mu) / (sq_L + sq_mu)) ** 2
    return float(lr), float(momentum)


def heavy_ball_rate(kappa):
    """The per-step factor of optimally tuned heavy-ball momentum, :math:`(\\sqrt\\kappa-1)/(\\sqrt\\kappa+1)`.

    Parameters
    ----------
    kappa : float or array_like
        Condition number, at least 1.

    Returns
    -------
    float or numpy.ndarray

    Notes
    -----
    .. math:: \\rho^*_{\\text{HB}} = \\sqrt{\\beta^*} = \\frac{\\sqrt\\kappa - 1}{\\sqrt\\kappa + 1},

    so the steps to a tolerance grow like :math:`\\sqrt\\kappa` instead of
    :math:`\\kappa` (compare :func:`optimal_rate`).

    References
    ----------
    B. T. Polyak, 1964 (see :func:`heavy_ball_optimal`).

    Examples
    --------
    >>> print(f"{heavy_ball_rate(100.0):.4f}")
    0.8182
    """
    root = np.sqrt(_kappa(kappa))
    return _out((root - 1.0) / (root + 1.0))


def heavy_ball_contraction(lr, momentum, mu, L):
    """The asymptotic per-step factor of heavy-ball momentum on a quadratic.

    Parameters
    ----------
    lr : float or array_like
        Learning rate(s), positive.
    momentum : float or array_like
        :math:`\\beta \\in [0, 1)`; broadcasts against ``lr``.
    mu, L : float
        Smallest and largest curvature, :math:`0 < \\mu \\le L`.

    Returns
    -------
    float or numpy.ndarray
        The largest spectral radius of the two-step iteration over the
        curvatures in :math:`[\\mu, L]`; below 1 the run converges.

    Notes
    -----
    Along an eigenvector of curvature :math:`\\lambda` the error obeys
    :math:`e_{k+1} = (1 + \\beta - \\eta\\lambda) e_k - \\beta e_{k-1}`, whose
    factors are the roots of

    .. math:: z^2 - (1 + \\beta - \\eta\\lambda) z + \\beta = 0 .

    Complex roots have modulus :math:`\\sqrt\\beta` (the run spirals); real
    roots move away from it as :math:`\\lambda` leaves that band, so the worst
    curvature is :math:`\\mu` or :math:`L`.  With ``momentum=0`` this is
    :func:`contraction`.

    Examples
    --------
    >>> lr, beta = heavy_ball_optimal(1.0, 100.0)
    >>> print(f"{heavy_ball_contraction(lr, beta, 1.0, 100.0):.4f}")
    0.8182
    >>> print(f"{heavy_ball_contraction(0.01, 0.0, 1.0, 100.0):.2f}")
    0.99
    """
    lr = _positive("lr", lr)
    beta = checks.each_in_interval("momentum", momentum, 0, 1)
    mu, L = _curvatures(mu, L)
    lr, beta = np.broadcast_arrays(lr, beta)

    def radius(lam):
        b = 1.0 + beta - lr * lam
        disc = (b * b - 4.0 * beta).astype(complex)
        root = np.sqrt(disc)
        return np.maximum(np.abs((b + root) / 2.0), np.abs((b - root) / 2.0))

    return _out(np.maximum(radius(mu), radius(L)))


# ---------------------------------------------------------------------------
# gradient noise
# ---------------------------------------------------------------------------


def noise_floor(lr, curvatures, noise_var):
    """The mean loss above the minimum at which noisy gradient descent settles.

    Gradient descent with a fixed rate on a quadratic, with noisy gradients
    :math:`\\nabla f(w) + \\xi_t` (independent, mean zero), does not converge:
    it settles into a stationary spread around the minimum, and this is the
    mean loss above the minimum in that stationary state.

    Parameters
    ----------
    lr : float
        Learning rate, positive.
    curvatures : float or array_like
        Eigenvalues :math:`\\lambda_i` of the Hessian, positive.
    noise_var : float or array_like
        Variance :math:`c_i` of the gradient noise along each eigenvector,
        at least 0 (broadcast against ``curvatures``). For isotropic noise
        of standard deviation :math:`\\sigma` per coordinate, :math:`\\sigma^2`.

    Returns
    -------
    float
        The floor; ``inf`` when some :math:`\\eta\\lambda_i \\ge 2`
        with noise along that direction (no stationary state: the run
        diverges).

    Notes
    -----
    Along eigenvector :math:`i` the error follows
    :math:`e_{t+1} = (1 - \\eta\\lambda_i) e_t - \\eta \\xi_{t,i}`, so its
    stationary variance :math:`v_i` solves
    :math:`v_i = (1 - \\eta\\lambda_i)^2 v_i + \\eta^2 c_i`, and

    .. math::

        \\mathbb E[f(w) - f^\\star] = \\sum_i \\tfrac12 \\lambda_i v_i
        = \\sum_i \\frac{\\eta\\, c_i}{2\\,(2 - \\eta\\lambda_i)}
        \\approx \\frac{\\eta}{4} \\sum_i c_i \\quad (\\eta\\lambda_i \\ll 1).

    Only the diagonal of the noise covariance in the Hessian's eigenbasis
    enters. The noise must not vanish at the minimum: when a model fits
    every example exactly (interpolation), mini-batch noise does vanish
    there and the floor is 0.

    Examples
    --------
    >>> print(f"{noise_floor(0.1, [0.1, 1.0], 1.0):.4f}")
    0.0514
    >>> print(noise_floor(2.5, [0.1, 1.0], 1.0))
    inf
    """
    lr = checks.positive("lr", lr)
    lam = _positive("curvatures", curvatures)
    c = checks.each_in_interval("noise_var", noise_var, 0, math.inf)
    lam, c = np.broadcast_arrays(np.atleast_1d(lam), np.atleast_1d(c))
    noisy = c > 0
    if np.any(lr * lam[noisy] >= 2):
        return math.inf
    return float(np.sum(lr * c[noisy] / (2 * (2 - lr * lam[noisy]))))


# ---------------------------------------------------------------------------
# guarantees: bounds that hold beyond quadratics
# ---------------------------------------------------------------------------


def _steps(k):
    """Step counts as a float array of positive integers, or ``ValueError``."""
    arr = checks.each_in_interval("k", k, 1, math.inf)
    if np.any(arr != np.round(arr)):
        raise ValueError(
            f"k must be a positive integer, or an array of them, got {k!r}"
        )
    return arr


def descent_lemma_bound(loss, grad_norm_sq, lr, L):
    """The most one gradient step can leave of the loss on an L-smooth function.

    Parameters
    ----------
    loss : float or array_like
        :math:`f(w)` before the step.
    grad_norm_sq : float or array_like
        :math:`\\|\\nabla f(w)\\|^2`, at least 0.
    lr : float or array_like
        Learning rate, positive.
    L : float
        Smoothness constant: :math:`\\|\\nabla f(u) - \\nabla f(v)\\| \\le L \\|u - v\\|`.

    Returns
    -------
    float or numpy.ndarray
        An upper bound on :math:`f(w - \\eta \\nabla f(w))`.

    Notes
    -----
    For an :math:`L`-smooth :math:`f` (convex or not),
    :math:`f(u) \\le f(w) + \\nabla f(w)^\\top (u - w) + \\tfrac L2 \\|u - w\\|^2`;
    at :math:`u = w - \\eta \\nabla f(w)`,

    .. math::

        f(w - \\eta \\nabla f(w)) \\le f(w) - \\eta \\left(1 - \\frac{L\\eta}{2}\\right)
        \\|\\nabla f(w)\\|^2 ,

    a decrease whenever :math:`0 < \\eta < 2/L`, largest at :math:`\\eta = 1/L`.

    References
    ----------
    .. [1] Y. Nesterov, *Lectures on Convex Optimization*, Springer, 2018, Section 1.2.

    Examples
    --------
    >>> print(f"{descent_lemma_bound(1.0, 0.5, 0.5, 2.0):.3f}")
    0.875
    """
    loss = checks.each_in_interval("loss", loss, -math.inf, math.inf, closed="neither")
    g2 = checks.each_in_interval("grad_norm_sq", grad_norm_sq, 0, math.inf)
    lr, L = _positive("lr", lr), _positive("L", L)
    return _out(loss - lr * (1.0 - L * lr / 2.0) * g2)


def convex_gap_bound(dist0, lr, k):
    """Gradient descent's guarantee on a convex L-smooth function: an O(1/k) gap.

    Parameters
    ----------
    dist0 : float
        :math:`\\|w_0 - w^\\star\\|`, the start's distance to a minimiser, at least 0.
    lr : float
        The fixed rate, with :math:`0 < \\eta \\le 1/L` (not checked: ``L`` is the caller's).
    k : int or array_like of int
        Steps taken, at least 1.

    Returns
    -------
    float or numpy.ndarray
        An upper bound on :math:`f(w_k) - f^\\star`.

    Notes
    -----
    For convex, :math:`L`-smooth :math:`f` and :math:`0 < \\eta \\le 1/L`,

    .. math:: f(w_k) - f^\\star \\le \\frac{\\|w_0 - w^\\star\\|^2}{2 \\eta k} .

    References
    ----------
    .. [1] S. Bubeck, "Convex optimization: algorithms and complexity",
       *Foundations and Trends in Machine Learning* 8(3-4), 2015, Section 3.2
       (the same rate, stated at :math:`\\eta = 1/L` with the constant
       :math:`2L\\|w_0 - w^\\star\\|^2/(k + 3)`).

    Examples
    --------
    >>> print(convex_gap_bound(2.0, 0.5, [1, 4]))
    [4. 1.]
    """
    d = checks.each_in_interval("dist0", dist0, 0, math.inf)
    return _out(d**2 / (2.0 * _positive("lr", lr) * _steps(k)))


def strongly_convex_gap_bound(gap0, mu, L, k):
    """Gradient descent at rate 1/L on a mu-strongly convex L-smooth function.

    Parameters
    ----------
    gap0 : float
        :math:`f(w_0) - f^\\star`, at least 0.
    mu, L : float
        Strong convexity and smoothness constants, :math:`0 < \\mu \\le L`.
    k : int or array_like of int
        Steps taken, at least 1.

    Returns
    -------
    float or numpy.ndarray
        An upper bound on :math:`f(w_k) - f^\\star`.

    Notes
    -----
    At :math:`\\eta = 1/L` the descent lemma gives
    :math:`f(w_{k+1}) \\le f(w_k) - \\|\\nabla f(w_k)\\|^2 / (2L)`, and strong
    convexity gives :math:`\\|\\nabla f(w)\\|^2 \\ge 2\\mu\\,(f(w) - f^\\star)`, so

    .. math:: f(w_k) - f^\\star \\le \\left(1 - \\frac{\\mu}{L}\\right)^k (f(w_0) - f^\\star) .

    The bound is on the loss gap, with the start's gap as the constant.

    References
    ----------
    .. [1] Y. Nesterov, *Lectures on Convex Optimization*, Springer, 2018, Section 2.1.

    Examples
    --------
    >>> print(f"{strongly_convex_gap_bound(1.0, 0.1, 1.0, 10):.4f}")
    0.3487
    """
    g = checks.each_in_interval("gap0", gap0, 0, math.inf)
    mu, L = _curvatures(mu, L)
    return _out(g * (1.0 - mu / L) ** _steps(k))


def nonconvex_gradient_bound(gap0, L, k):
    """Gradient descent at rate 1/L on any L-smooth function: the smallest gradient so far.

    Parameters
    ----------
    gap0 : float
        :math:`f(w_0) - f^\\star` (or minus any lower bound of ``f``), at least 0.
    L : float
        Smoothness constant, positive.
    k : int or array_like of int
        Steps taken, at least 1.

    Returns
    -------
    float or numpy.ndarray
        An upper bound on :math:`\\min_{0 \\le i < k} \\|\\nabla f(w_i)\\|^2`.

    Notes
    -----
    Adding up the descent lemma at :math:`\\eta = 1/L` over :math:`k` steps,
    :math:`\\sum_{i<k} \\|\\nabla f(w_i)\\|^2 / (2L) \\le f(w_0) - f(w_k) \\le f(w_0) - f^\\star`, so

    .. math:: \\min_{i < k} \\|\\nabla f(w_i)\\|^2 \\le \\frac{2 L (f(w_0) - f^\\star)}{k} .

    It says the run finds a nearly flat point, not a minimum.

    References
    ----------
    .. [1] Y. Nesterov, *Lectures on Convex Optimization*, Springer, 2018, Section 1.2.3.

    Examples
    --------
    >>> print(nonconvex_gradient_bound(1.0, 2.0, [1, 4]))
    [4. 1.]
    """
    g = checks.each_in_interval("gap0", gap0, 0, math.inf)
    return _out(2.0 * _positive("L", L) * g / _steps(k))


def sgd_averaged_bound(dist0, G, k):
    """Stochastic gradient descent on a convex function: the O(1/sqrt(k)) guarantee.

    Parameters
    ----------
    dist0 : float
        :math:`R = \\|w_0 - w^\\star\\|`, at least 0.
    G : float
        A bound on the stochastic gradients' mean square,
        :math:`\\mathbb E \\|g_t\\|^2 \\le G^2`, positive.
    k : int or array_like of int
        Steps taken, at least 1.

    Returns
    -------
    float or numpy.ndarray
        :math:`RG/\\sqrt{k}`, an upper bound on
        :math:`\\mathbb E f(\\bar w_k) - f^\\star` for the averaged iterate
        :math:`\\bar w_k = \\frac1k \\sum_{t<k} w_t` at the rate
        :func:`sgd_rate` ``(dist0, G, k)``.

    Notes
    -----
    For convex :math:`f` and unbiased stochastic gradients :math:`g_t` with
    :math:`\\mathbb E\\|g_t\\|^2 \\le G^2`, the fixed rate
    :math:`\\eta = R / (G\\sqrt{k})` for a run of :math:`k` steps gives

    .. math:: \\mathbb E f(\\bar w_k) - f^\\star \\le \\frac{R G}{\\sqrt k} .

    Smoothness is not needed; averaging is (the last iterate keeps jittering).
    A rate decaying as :math:`\\eta_t \\propto 1/\\sqrt{t + 1}`, which does not
    need :math:`k` in advance, gives the same order up to a factor
    :math:`\\log k` on an unbounded domain.

    References
    ----------
    .. [1] S. Bubeck, "Convex optimization: algorithms and complexity",
       *Foundations and Trends in Machine Learning* 8(3-4), 2015, Section 6.1.

    Examples
    --------
    >>> print(sgd_averaged_bound(2.0, 3.0, [1, 4, 100]))
    [6.  3.  0.6]
    """
    R = checks.each_in_interval("dist0", dist0, 0, math.inf)
    return _out(R * _positive("G", G) / np.sqrt(_steps(k)))


def sgd_rate(dist0, G, k):
    """The fixed rate R/(G sqrt(k)) under which :func:`sgd_averaged_bound` holds.

    Examples
    --------
    >>> print(f"{sgd_rate(2.0, 4.0, 100):.3f}")
    0.050
    """
    R = checks.positive("dist0", dist0)
    return _out(R / (checks.positive("G", G) * np.sqrt(_steps(k))))


def nesterov_gap_bound(L, dist0, k):
    """Nesterov's accelerated gradient on a convex L-smooth function: an O(1/k^2) gap.

    Parameters
    ----------
    L : float
        Smoothness constant, positive; the rate is :math:`1/L`.
    dist0 : float
        :math:`\\|w_0 - w^\\star\\|`, at least 0.
    k : int or array_like of int
        Steps taken, at least 1.

    Returns
    -------
    float or numpy.ndarray
        An upper bound on :math:`f(w_k) - f^\\star`.

    Notes
    -----
    With :math:`y_0 = w_0`, :math:`w_{k+1} = y_k - \\nabla f(y_k) / L` and
    :math:`y_{k+1} = w_{k+1} + \\frac{k}{k+3} (w_{k+1} - w_k)`,

    .. math:: f(w_k) - f^\\star \\le \\frac{2 L \\|w_0 - w^\\star\\|^2}{(k + 1)^2}

    for every convex, :math:`L`-smooth :math:`f` with a minimiser
    :math:`w^\\star`.  The bound is on the points :math:`w_k` where the
    gradient steps land, not on the extrapolated :math:`y_k` where the
    gradients are taken.  The momentum grows towards 1 along the run; a fixed
    momentum has no such guarantee on merely convex functions.

    References
    ----------
    .. [1] Y. Nesterov, *Lectures on Convex Optimization*, Springer, 2018, Section 2.2.
    .. [2] W. Su, S. Boyd and E. J. Candès, "A differential equation for
       modeling Nesterov's accelerated gradient method", JMLR 17(153), 2016.

    Examples
    --------
    >>> print(nesterov_gap_bound(1.0, 2.0, [1, 3]))
    [2.  0.5]
    """
    d = checks.each_in_interval("dist0", dist0, 0, math.inf)
    return _out(2.0 * _positive("L", L) * d**2 / (_steps(k) + 1.0) ** 2)


def first_order_lower_bound(L, dist0, k):
    """No first-order method can beat this gap on every convex L-smooth function.

    Parameters
    ----------
    L : float
        Smoothness constant, positive.
    dist0 : float
        :math:`\\|w_0 - w^\\star\\|`, at least 0.
    k : int or array_like of int
        Steps (gradient evaluations), at least 1.

    Returns
    -------
    float or numpy.ndarray
        :math:`3 L \\|w_0 - w^\\star\\|^2 / (32 (k + 1)^2)`.

    Notes
    -----
    For any method whose iterates lie in :math:`w_0` plus the span of the
    gradients seen so far, and any step count :math:`k`, there is a convex
    :math:`L`-smooth quadratic (:func:`worst_quadratic` in :math:`2k + 1`
    dimensions, started at 0) on which

    .. math:: f(w_k) - f^\\star \\ge \\frac{3 L \\|w_0 - w^\\star\\|^2}{32 (k + 1)^2} .

    So :func:`nesterov_gap_bound` is optimal up to a constant factor.

    References
    ----------
    .. [1] Y. Nesterov, *Lectures on Convex Optimization*, Springer, 2018, Section 2.1 (lower complexity bounds).

    Examples
    --------
    >>> print(f"{first_order_lower_bound(1.0, 2.0, 1):.4f}")
    0.0938
    """
    d = checks.each_in_interval("dist0", dist0, 0, math.inf)
    return _out(3.0 * _positive("L", L) * d**2 / (32.0 * (_steps(k) + 1.0) ** 2))


def strongly_convex_lower_bound(kappa, k):
    """No first-order method can shrink the squared distance faster than this factor.

    Parameters
    ----------
    kappa : float
        Condition number :math:`L/\\mu \\ge 1`.
    k : int or array_like of int
        Steps, at least 1.

    Returns
    -------
    float or numpy.ndarray
        :math:`((\\sqrt\\kappa - 1)/(\\sqrt\\kappa + 1))^{2k}`, a lower bound on
        :math:`\\|w_k - w^\\star\\|^2 / \\|w_0 - w^\\star\\|^2` for the worst
        :math:`\\mu`-strongly convex :math:`L`-smooth function (in infinite dimension).

    Notes
    -----
    .. math::

        \\|w_k - w^\\star\\|^2 \\ge \\left(\\frac{\\sqrt\\kappa - 1}{\\sqrt\\kappa + 1}\\right)^{2k}
        \\|w_0 - w^\\star\\|^2 .

    Heavy ball at its optimal settings on a quadratic
    (:func:`heavy_ball_rate`) shrinks the distance by the same factor per
    step, so on quadratics it is optimal.

    References
    ----------
    .. [1] Y. Nesterov, *Lectures on Convex Optimization*, Springer, 2018, Section 2.1 (lower complexity bounds).

    Examples
    --------
    >>> print(f"{strongly_convex_lower_bound(9.0, 2):.4f}")
    0.0625
    """
    q = heavy_ball_rate(_kappa(kappa))
    return _out(np.asarray(q) ** (2.0 * _steps(k)))


def worst_quadratic(L, d):
    """Nesterov's worst convex L-smooth function for first-order methods, as (A, b).

    Parameters
    ----------
    L : float
        Smoothness constant, positive.
    d : int
        Dimension, at least 2.

    Returns
    -------
    A : numpy.ndarray, shape (d, d)
        :math:`\\tfrac L4` times the tridiagonal matrix with 2 on the diagonal
        and -1 beside it; its eigenvalues lie in :math:`(0, L)`.
    b : numpy.ndarray, shape (d,)
        :math:`\\tfrac L4 e_1`.

    Notes
    -----
    :math:`f(w) = \\tfrac12 w^\\top A w - b^\\top w`.  Started at 0, every
    gradient step can reach only one more coordinate, so after :math:`k` steps
    a first-order method still has :math:`w_i = 0` for :math:`i > k`: that is
    what :func:`first_order_lower_bound` measures.  The minimiser is
    :math:`w^\\star_i = 1 - i/(d + 1)`.

    References
    ----------
    .. [1] Y. Nesterov, *Lectures on Convex Optimization*, Springer, 2018, Section 2.1.2.

    Examples
    --------
    >>> A, b = worst_quadratic(4.0, 3)
    >>> print(A)
    [[ 2. -1.  0.]
     [-1.  2. -1.]
     [ 0. -1.  2.]]
    >>> print(np.linalg.solve(A, b))
    [0.75 0.5  0.25]
    """
    L = checks.positive("L", L)
    d = checks.integer("d", d, minimum=2)
    A = 2.0 * np.eye(d) - np.eye(d, k=1) - np.eye(d, k=-1)
    b = np.zeros(d)
    b[0] = 1.0
    return L / 4.0 * A, L / 4.0 * b


def heavy_ball_roots(lr, momentum, curvature):
    """The two per-step factors of heavy-ball momentum along one curvature.

    Parameters
    ----------
    lr : float or array_like
        Learning rate(s), positive.
    momentum : float or array_like
        :math:`\\beta \\in [0, 1)`.
    curvature : float or array_like
        Curvature(s) :math:`\\lambda > 0`; all three broadcast together.

    Returns
    -------
    numpy.ndarray, complex, shape (..., 2)
        The eigenvalues of the iteration matrix, largest modulus first.

    Notes
    -----
    Along an eigenvector of curvature :math:`\\lambda`, heavy ball moves
    :math:`(e_k, e_{k-1})` by the matrix

    .. math::

        T = \\begin{pmatrix} 1 + \\beta - \\eta\\lambda & -\\beta \\\\ 1 & 0 \\end{pmatrix},
        \\qquad z^2 - (1 + \\beta - \\eta\\lambda) z + \\beta = 0 .

    Its spectral radius (:func:`heavy_ball_radius`) is the asymptotic factor.

    Examples
    --------
    >>> print(np.round(heavy_ball_roots(0.25, 0.25, 1.0), 4))
    [0.5+0.j 0.5+0.j]
    """
    lr = _positive("lr", lr)
    beta = checks.each_in_interval("momentum", momentum, 0, 1)
    lam = _positive("curvature", curvature)
    lr, beta, lam = np.broadcast_arrays(lr, beta, lam)
    b = 1.0 + beta - lr * lam
    root = np.sqrt((b * b - 4.0 * beta).astype(complex))
    z = np.stack([(b + root) / 2.0, (b - root) / 2.0], axis=-1)
    order = np.argsort(-np.abs(z), axis=-1, kind="stable")
    return np.take_along_axis(z, order, axis=-1)


def heavy_ball_radius(lr, momentum, curvature):
    """The asymptotic per-step factor of heavy ball along one curvature.

    The largest modulus of :func:`heavy_ball_roots`; below 1 the error along
    that curvature converges.  Vectorised: pass grids of rates and momenta to
    map the factor over the (rate, momentum) plane.

    Examples
    --------
    >>> print(heavy_ball_radius([0.5, 1.0, 2.5], 0.0, 1.0))
    [0.5 0.  1.5]
    """
    return _out(np.abs(heavy_ball_roots(lr, momentum, curvature)[..., 0]))


#: The regimes of :func:`heavy_ball_regime`, by code.
HEAVY_BALL_REGIMES = ("monotone", "oscillating", "spiralling", "diverging")


def heavy_ball_regime(lr, momentum, curvature):
    """How heavy ball's error moves along one curvature: 0..3, see ``HEAVY_BALL_REGIMES``.

    Returns
    -------
    numpy.ndarray of int
        0 *monotone* (the dominant factor is real and positive: the error
        shrinks without changing sign), 1 *oscillating* (real and negative:
        it flips sign every step), 2 *spiralling* (complex: it rotates, with
        modulus :math:`\\sqrt\\beta`), 3 *diverging* (radius at least 1).

    Examples
    --------
    >>> print(heavy_ball_regime([0.5, 1.9, 1.0, 2.5], [0.0, 0.0, 0.5, 0.0], 1.0))
    [0 1 2 3]
    """
    z = heavy_ball_roots(lr, momentum, curvature)[..., 0]
    complex_ = np.abs(z.imag) > 1e-12 * np.maximum(1.0, np.abs(z))
    regime = np.where(complex_, 2, np.where(z.real >= 0, 0, 1))
    return np.where(np.abs(z) >= 1.0, 3, regime)


# ---------------------------------------------------------------------------
# measuring runs
# ---------------------------------------------------------------------------


def _weights_and_minimum(weights, minimum):
    w = np.asarray(weights, dtype=float)
    if w.ndim not in (2, 3) or w.shape[0] == 0:
        raise ValueError(
            f"weights must have shape (steps + 1, d) or (steps + 1, n, d), got shape {w.shape}"
        )
    m = np.asarray(minimum, dtype=float)
    if m.shape != (w.shape[-1],) or not np.all(np.isfinite(m)):
        raise ValueError(
            f"minimum must be a finite vector of shape ({w.shape[-1]},), got shape {m.shape}"
        )
    return w, m


def measured_steps(weights, minimum, tol=1e-6):
    """Steps a run took until its distance to the minimum fell to ``tol`` times the start's.

    Parameters
    ----------
    weights : array_like, shape (steps + 1, d) or (steps + 1, n, d)
        ``Trajectory.weights`` of one start or of ``n`` starts (NaN rows, after
        a run stopped, never count as reached).
    minimum : array_like, shape (d,)
        The minimiser :math:`w^*`.
    tol : float
        Relative tolerance in (0, 1).

    Returns
    -------
    float or numpy.ndarray
        The first step :math:`k` with :math:`\\|w_k - w^*\\| \\le \\text{tol}\\,\\|w_0 - w^*\\|`
        (one per start), or ``inf`` if the run never got there.

    Examples
    --------
    >>> from gdcourse import surfaces, descent
    >>> run = descent.gradient_descent(surfaces.quadratic([[2.0]]), [1.0], lr=0.25, steps=30)
    >>> print(measured_steps(run.weights, [0.0], tol=0.01))
    7.0
    """
    w, m = _weights_and_minimum(weights, minimum)
    checks.in_interval("tol", tol, 0, 1, closed="neither")
    with np.errstate(invalid="ignore"):
        dist = np.sqrt(((w - m) ** 2).sum(-1))
        reached = dist <= tol * dist[0]
    first = np.argmax(reached, axis=0).astype(float)
    return _out(np.where(reached.any(axis=0), first, np.inf))


def measured_contraction(weights, minimum):
    """The measured per-step factor of the error: :math:`\\|e_{k+1}\\| / \\|e_k\\|` for every step.

    Parameters
    ----------
    weights : array_like, shape (steps + 1, d) or (steps + 1, n, d)
        ``Trajectory.weights``.
    minimum : array_like, shape (d,)
        The minimiser :math:`w^*`.

    Returns
    -------
    numpy.ndarray, shape (steps,) or (steps, n)
        The ratio at each step (NaN after a run stopped or once the error is 0).

    Notes
    -----
    On a quadratic the ratio tends to :func:`contraction` (plain descent) or
    :func:`heavy_ball_contraction` (momentum, when the worst factors are real)
    once the faster components have died out.

    Examples
    --------
    >>> from gdcourse import surfaces, descent
    >>> s = surfaces.quadratic([[1.0, 0.0], [0.0, 3.0]])
    >>> run = descent.gradient_descent(s, [1.0, 1.0], lr=0.2, steps=60)
    >>> print(f"{measured_contraction(run.weights, [0.0, 0.0])[-1]:.6f}")
    0.800000
    """
    w, m = _weights_and_minimum(weights, minimum)
    with np.errstate(invalid="ignore", divide="ignore"):
        dist = np.sqrt(((w - m) ** 2).sum(-1))
        ratio = dist[1:] / dist[:-1]
    return np.where(np.isfinite(ratio), ratio, np.nan)

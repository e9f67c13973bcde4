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
    "heavy_ball_optimal",
    "heavy_ball_rate",
    "heavy_ball_contraction",
    "noise_floor",
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

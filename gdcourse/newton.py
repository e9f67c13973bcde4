"""Newton's method, Gauss–Newton and L-BFGS: steps shaped by curvature.

:func:`newton` divides the gradient by the Hessian, :func:`gauss_newton` by
the Gauss–Newton matrix :math:`J^\\top J` of a least-squares fit, and
:func:`lbfgs` by a curvature estimate built from the last few gradient
differences.  Each returns a :class:`~gdcourse.descent.Trajectory`, like
:func:`gdcourse.descent.gradient_descent`, with the evaluations counted:

>>> from gdcourse import newton, surfaces
>>> run = newton.newton(surfaces.rosenbrock(), [-1.2, 1.0], steps=10)
>>> print(run, run.weights[run.stopped_at].round(6))
Trajectory(steps=10, d=2, stopped at step 7 (stationary), final loss 0) [1. 1.]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from gdcourse import checks
from gdcourse.descent import (
    Trajectory,
    check_start,
    check_steps,
    directed_descent,
)
from gdcourse.stepsizes import StepSizeRule, wolfe
from gdcourse.surfaces import Surface

__all__ = ["NewtonTrajectory", "newton", "gauss_newton", "lbfgs"]


@dataclass(frozen=True, eq=False, repr=False)
class NewtonTrajectory(Trajectory):
    """A :class:`~gdcourse.descent.Trajectory` that also records the curvature it divided by.

    Attributes
    ----------
    min_eigenvalues : numpy.ndarray
        Lowest eigenvalue of the matrix the step at each row solved with
        (:math:`H(w_k) + \\lambda I`, or :math:`J^\\top J + \\lambda I`), shape
        as ``losses``; NaN on the rows no step started from.  Negative where
        Newton's step went towards a saddle or a maximum.
    """

    min_eigenvalues: np.ndarray = field(default=None, kw_only=True, repr=False)

    def first(self, n):
        """The record of the first ``n`` starts (see :meth:`Trajectory.first`)."""
        run = Trajectory.first(self, n)
        return _with_eigenvalues(run, self.min_eigenvalues[:, : run.stopped_at.size])

    def head(self, steps):
        """The run with only ``steps`` steps (see :meth:`Trajectory.head`)."""
        run = Trajectory.head(self, steps)
        eigs = self.min_eigenvalues[: run.steps + 1].copy()
        eigs[run.steps] = np.nan  # no step starts from the last row
        return _with_eigenvalues(run, eigs)


def _with_eigenvalues(run, eigs):
    return NewtonTrajectory(
        run.weights,
        run.losses,
        run.grad_norms,
        run.lrs,
        run.diverged,
        run.stopped_at,
        evals=run.evals,
        stop_reason=run.stop_reason,
        min_eigenvalues=eigs,
    )


def _surface(surface):
    if not isinstance(surface, Surface):
        raise ValueError(
            f"surface must be a gdcourse.surfaces.Surface, got {type(surface).__name__}"
        )
    return surface


def _check_rate(lr):
    if isinstance(lr, StepSizeRule):
        return lr
    if checks.is_number(lr) and lr > 0:
        return float(lr)
    raise ValueError(
        "lr must be a positive finite number or a step-size rule from "
        f"gdcourse.stepsizes, got {lr!r}"
    )


def _check_tol(tol):
    return None if tol is None else checks.positive("tol", tol)


def _newton_direction(hessian, damping):
    """``direction(w, g)`` for :func:`gdcourse.descent.directed_descent`: :math:`-(H + \\lambda I)^{-1} g`."""

    def direction(w, g):
        m, dim = w.shape
        H = hessian(w) + damping * np.eye(dim)
        finite = np.all(np.isfinite(H), axis=(-2, -1))
        lam = np.full((m, dim), np.nan)
        V = np.full((m, dim, dim), np.nan)
        if finite.any():
            lam[finite], V[finite] = np.linalg.eigh(H[finite])
        size = np.abs(lam)
        singular = ~(size.min(-1) > dim * np.finfo(float).eps * size.max(-1))
        coeff = (V * g[:, :, None]).sum(-2) / np.where(singular[:, None], 1.0, lam)
        d = -(V * coeff[:, None, :]).sum(-1)
        failure = np.where(singular, "singular", "").astype(object)
        return d, failure, 1, lam[:, 0]

    return direction


def newton(surface, w0, steps, *, damping=0.0, lr=1.0, tol=None):
    """Newton's method: step to the minimum of the local quadratic model.

    Parameters
    ----------
    surface : Surface
        The loss, with its gradient and Hessian.
    w0 : array_like
        One start, shape ``(d,)``, or ``n`` starts, shape ``(n, d)``; each
        start matches its own single run bit for bit.
    steps : int
        Number of steps (non-negative).
    damping : float
        :math:`\\lambda \\ge 0` added to the Hessian's diagonal (damping,
        which Levenberg introduced for least squares); 0 is the pure method.
    lr : float or StepSizeRule
        The step length :math:`\\eta`: a positive number (1 is Newton's step),
        or a rule from :mod:`gdcourse.stepsizes` searching along the Newton
        direction (``armijo()`` tries the full step first).
    tol : float, optional
        Stop a start once its gradient norm is below ``tol``.

    Returns
    -------
    NewtonTrajectory
        ``lrs`` holds the step lengths used; ``min_eigenvalues`` the lowest
        eigenvalue of :math:`H + \\lambda I` at each row a step started from.

    Notes
    -----
    The step minimises the quadratic model
    :math:`f(w) + g^\\top s + \\tfrac12 s^\\top (H + \\lambda I) s` when
    :math:`H + \\lambda I` is positive definite:

    .. math:: w_{k+1} = w_k - \\eta\\, (H(w_k) + \\lambda I)^{-1} \\nabla f(w_k) .

    On a quadratic with positive-definite Hessian one step with
    :math:`\\eta = 1, \\lambda = 0` lands on the minimum; near a minimum with
    positive-definite Hessian (and a Lipschitz Hessian) the error is roughly
    squared at every step (bounded by a constant times its square); and
    under an invertible linear change of variables :math:`w = M v` the
    iterates on :math:`v` are :math:`M^{-1}` times those on :math:`w`.  As :math:`\\lambda` grows the step tends to
    gradient descent with rate :math:`\\eta / \\lambda`.

    The pure step goes to the critical point of the model whatever its kind:
    with an indefinite :math:`H + \\lambda I` it heads for a saddle or a
    maximum (``min_eigenvalues < 0`` records it).  A line search cannot
    repair this: where the Newton direction points uphill
    (:math:`g^\\top d \\ge 0`) a rule fails with ``"not descent"`` and the
    start stops; damping larger than :math:`-\\lambda_{\\min}(H)` does repair
    it.  A singular (or not finite) :math:`H + \\lambda I` stops the start
    with ``"singular"`` (eigenvalues smaller than :math:`d \\epsilon` times the
    largest in size).  A start whose gradient is exactly zero stops
    (``"stationary"``).  No warning is emitted.

    The system is solved through the eigendecomposition
    :math:`H + \\lambda I = V \\Lambda V^\\top` (one per start, stacked), which
    costs :math:`O(d^3)` time and :math:`O(d^2)` memory per step.  Each step
    counts one Hessian and one gradient evaluation (and the rule's trials).

    References
    ----------
    .. [1] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
       Springer, 2006, Sections 3.3 and 3.4.
    .. [2] Y. N. Dauphin et al., "Identifying and attacking the saddle point
       problem in high-dimensional non-convex optimization", NeurIPS 2014.

    Examples
    --------
    >>> from gdcourse import surfaces, stepsizes
    >>> bowl = surfaces.quadratic([[3.0, 1.0], [1.0, 2.0]], b=[1.0, 1.0])
    >>> one = newton(bowl, [5.0, -4.0], steps=1)
    >>> print(one.weights[1].round(12), bowl.minima[0].round(12))
    [0.2 0.4] [0.2 0.4]
    >>> saddle = newton(surfaces.saddle(), [0.5, 0.3], steps=3)      # straight onto it
    >>> print(saddle.weights[1], saddle.stop_reason, saddle.min_eigenvalues[0])
    [0. 0.] stationary -1.0
    >>> uphill = newton(surfaces.saddle(), [0.3, 0.5], steps=3, lr=stepsizes.armijo())
    >>> print(uphill.stop_reason, uphill.stopped_at)
    not descent 0
    """
    surface = _surface(surface)
    w = check_start(surface, w0)
    steps = check_steps(steps)
    damping = checks.non_negative("damping", damping)
    lr = _check_rate(lr)
    tol = _check_tol(tol)
    return _newton_run(surface, w, steps, surface.hessian_fn, damping, lr, tol)


def _newton_run(surface, w, steps, hessian, damping, lr, tol):
    eigs = []
    run = directed_descent(
        surface, w, steps, _newton_direction(hessian, damping), lr, tol, extra=eigs
    )
    return _with_eigenvalues(run, eigs[0])


def _points(fn, name, dim):
    """Apply a one-point function to points of shape ``(..., dim)``."""

    def over(w):
        flat = w.reshape(-1, dim)
        out = np.stack([np.asarray(fn(x), dtype=float) for x in flat])
        return out.reshape(w.shape[:-1] + out.shape[1:])

    over.__name__ = name
    return over


def gauss_newton(residuals, jacobian, w0, steps, *, damping=0.0, lr=1.0, tol=None):
    """Gauss–Newton for least squares: Newton's step with :math:`J^\\top J` for the Hessian.

    Parameters
    ----------
    residuals : callable
        ``residuals(w) -> r``, shape ``(m,)`` for a point ``w`` of shape ``(d,)``.
    jacobian : callable
        ``jacobian(w) -> J``, shape ``(m, d)``: :math:`J_{ij} = \\partial r_i / \\partial w_j`.
    w0 : array_like
        One start, shape ``(d,)``, or ``n`` starts, shape ``(n, d)``.
    steps : int
        Number of steps (non-negative).
    damping : float
        :math:`\\lambda \\ge 0` times the identity added to :math:`J^\\top J`
        (Levenberg's form of the damping, with a fixed :math:`\\lambda`;
        Marquardt's is :math:`\\lambda \\operatorname{diag}(J^\\top J)`).
    lr : float or StepSizeRule
        The step length, or a rule from :mod:`gdcourse.stepsizes` searching
        along the Gauss–Newton direction.
    tol : float, optional
        Stop a start once its gradient norm is below ``tol``.

    Returns
    -------
    NewtonTrajectory
        On the loss :math:`f(w) = \\tfrac12 \\|r(w)\\|^2`; ``min_eigenvalues``
        holds the lowest eigenvalue of :math:`J^\\top J + \\lambda I` at each
        row a step started from (never negative, up to rounding).

    Notes
    -----
    .. math::

        f(w) = \\tfrac12 \\|r(w)\\|^2, \\quad \\nabla f = J^\\top r, \\quad
        \\nabla^2 f = J^\\top J + \\sum_i r_i \\nabla^2 r_i, \\quad
        w_{k+1} = w_k - \\eta\\, (J^\\top J + \\lambda I)^{-1} J^\\top r .

    Dropping the second term (small when the residuals are small, zero
    when they are linear in :math:`w`) leaves
    :math:`J^\\top J`, which is positive semi-definite (:math:`s^\\top J^\\top J s =
    \\|J s\\|^2 \\ge 0`) and needs only first derivatives; so where
    :math:`J^\\top J + \\lambda I` is invertible its direction goes downhill,
    and on a linear least-squares problem (:math:`J` of full column rank,
    :math:`\\lambda = 0`, :math:`\\eta = 1`) one step from anywhere lands on
    the least-squares solution.  A rank-deficient
    :math:`J` with no damping stops the start (``"singular"``).
    ``residuals`` and ``jacobian`` take one point at a time; the losses and
    gradients they make are evaluated point by point.

    References
    ----------
    .. [1] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
       Springer, 2006, Section 10.3.
    .. [2] K. Levenberg, "A method for the solution of certain non-linear
       problems in least squares", Quarterly of Applied Mathematics 2(2), 1944.
    .. [3] D. W. Marquardt, "An algorithm for least-squares estimation of
       nonlinear parameters", Journal of the Society for Industrial and
       Applied Mathematics 11(2), 1963.

    Examples
    --------
    Fit :math:`y = a e^{b x}` to four points:

    >>> x = np.array([0.0, 1.0, 2.0, 3.0])
    >>> y = 2.0 * np.exp(-0.5 * x)
    >>> res = lambda w: w[0] * np.exp(w[1] * x) - y
    >>> jac = lambda w: np.stack([np.exp(w[1] * x), w[0] * x * np.exp(w[1] * x)], 1)
    >>> run = gauss_newton(res, jac, [1.0, 0.0], steps=8)
    >>> print(run.final_weights.round(6), run.min_eigenvalues[0] >= 0)
    [ 2.  -0.5] True
    """
    if not (callable(residuals) and callable(jacobian)):
        raise ValueError("residuals and jacobian must be callables of one point w")
    w = np.asarray(w0, dtype=float)
    if w.ndim not in (1, 2) or w.shape[-1] < 1:
        raise ValueError(f"w0 must have shape (d,) or (n, d), got shape {w.shape}")
    if not np.all(np.isfinite(w)):
        raise ValueError("w0 must hold finite numbers")
    dim = w.shape[-1]
    first = w if w.ndim == 1 else w[0]
    r = np.asarray(residuals(first), dtype=float)
    if r.ndim != 1 or r.size < 1:
        raise ValueError(f"residuals(w) must return shape (m,), got shape {r.shape}")
    J = np.asarray(jacobian(first), dtype=float)
    if J.shape != (r.size, dim):
        raise ValueError(
            f"jacobian(w) must return shape ({r.size}, {dim}) (residuals by weights), "
            f"got shape {J.shape}"
        )
    steps = check_steps(steps)
    damping = checks.non_negative("damping", damping)
    lr = _check_rate(lr)
    tol = _check_tol(tol)

    def value(x):
        rr = residuals(x)
        return 0.5 * float(np.dot(rr, rr))

    def grad(x):
        return jacobian(x).T @ residuals(x)

    def gn_matrix(x):
        Jx = jacobian(x)
        return Jx.T @ Jx

    surface = Surface(
        "least squares (Gauss-Newton)",
        dim,
        _points(value, "value", dim),
        _points(grad, "grad", dim),
        _points(gn_matrix, "hessian", dim),
        formula=r"\tfrac12 \|r(w)\|^2",
    )
    return _newton_run(surface, w, steps, surface.hessian_fn, damping, lr, tol)


def _dot(a, b):
    """The dot product as an elementwise sum: the same bits on every CPU
    (a BLAS dot product's last bits depend on the kernel it picks)."""
    return float((a * b).sum())


def _two_loop(g, pairs, dim):
    """:math:`H_k g` by Nocedal & Wright's Algorithm 7.4, with :math:`H_k^0 = \\gamma I`."""
    q = g.copy()
    alphas = []
    for s, y, rho in reversed(pairs):
        a = rho * _dot(s, q)
        q -= a * y
        alphas.append(a)
    if pairs:
        s, y, _ = pairs[-1]
        q *= _dot(s, y) / _dot(y, y)
    for (s, y, rho), a in zip(pairs, reversed(alphas)):
        b = rho * _dot(y, q)
        q += s * (a - b)
    return q


def _lbfgs_direction(memory):
    """``direction(w, g)`` for one start: :math:`-H_k g`, pairs kept from call to call."""
    pairs = []
    last = {}

    def direction(w, g):
        w, g = w[0], g[0]
        if last:
            s, y = w - last["w"], g - last["g"]
            sy = _dot(s, y)
            if sy > np.finfo(float).eps * _dot(
                y, y
            ):  # else skip: not positive curvature
                pairs.append((s, y, 1.0 / sy))
                del pairs[:-memory]
        last["w"], last["g"] = w, g
        d = -_two_loop(g, pairs, w.size)
        return d[None, :], np.array([""], dtype=object), 0, math.nan

    return direction


def lbfgs(surface, w0, steps, *, memory=10, tol=None):
    """Limited-memory BFGS: a quasi-Newton step from the last ``memory`` gradient changes.

    Parameters
    ----------
    surface : Surface
        The loss, with its gradient (no Hessian is used).
    w0 : array_like
        One start, shape ``(d,)``, or ``n`` starts, shape ``(n, d)``, run one
        after another (each has its own memory and line searches).
    steps : int
        Number of steps (non-negative).
    memory : int
        Number of curvature pairs kept, at least 1.
    tol : float, optional
        Stop a start once its gradient norm is below ``tol``.

    Returns
    -------
    Trajectory
        ``lrs`` holds the step lengths the line search accepted;
        ``f_evals`` and ``g_evals`` count its trials.

    Notes
    -----
    Nocedal & Wright's Algorithm 7.5 with the two-loop recursion (Algorithm
    7.4): with :math:`s_i = w_{i+1} - w_i` and
    :math:`y_i = \\nabla f(w_{i+1}) - \\nabla f(w_i)` for the last
    :math:`m` steps, the direction is :math:`d_k = -H_k \\nabla f(w_k)`, where
    :math:`H_k` is the BFGS inverse-Hessian estimate built from those pairs
    starting from

    .. math::

        H_k^0 = \\gamma_k I, \\qquad \\gamma_k = \\frac{s_{k-1}^\\top y_{k-1}}{y_{k-1}^\\top y_{k-1}}

    (:math:`H_0^0 = I`: the first step is along :math:`-\\nabla f`).  Each
    update :math:`H \\leftarrow (I - \\rho s y^\\top) H (I - \\rho y s^\\top) +
    \\rho s s^\\top`, :math:`\\rho = 1 / s^\\top y`, keeps :math:`H` positive
    definite when :math:`s^\\top y > 0`; a pair without it
    (:math:`s^\\top y \\le \\epsilon\\, y^\\top y`, which the line search's
    curvature condition rules out except through rounding) is skipped.

    The rate comes from :func:`gdcourse.stepsizes.wolfe` (strong Wolfe
    conditions, :math:`c_1 = 10^{-4}`, :math:`c_2 = 0.9`), trying the unit step
    first, so every accepted step decreases the loss: the losses never
    increase.  Memory and time per step are :math:`O(m d)`.

    References
    ----------
    .. [1] J. Nocedal, "Updating quasi-Newton matrices with limited storage",
       Mathematics of Computation 35(151), 1980.
    .. [2] D. C. Liu and J. Nocedal, "On the limited memory BFGS method for
       large scale optimization", Mathematical Programming 45, 1989.
    .. [3] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
       Springer, 2006, Section 7.2.

    Examples
    --------
    >>> from gdcourse import surfaces
    >>> run = lbfgs(surfaces.rosenbrock(), [-1.2, 1.0], steps=100, tol=1e-8)
    >>> print(run.stopped_at, run.final_weights.round(6), int(run.g_evals[run.stopped_at]))
    34 [1. 1.] 51
    """
    surface = _surface(surface)
    w = check_start(surface, w0)
    steps = check_steps(steps)
    memory = checks.integer("memory", memory, minimum=1)
    tol = _check_tol(tol)
    rule = wolfe()
    if w.ndim == 1:
        return directed_descent(surface, w, steps, _lbfgs_direction(memory), rule, tol)
    runs = [
        directed_descent(
            surface, x[None, :], steps, _lbfgs_direction(memory), rule, tol
        )
        for x in w
    ]

    def stack(name):
        return np.concatenate([getattr(r, name) for r in runs], axis=1)

    return Trajectory(
        stack("weights"),
        stack("losses"),
        stack("grad_norms"),
        stack("lrs"),
        np.concatenate([r.diverged for r in runs]),
        np.concatenate([r.stopped_at for r in runs]),
        evals=tuple(
            np.concatenate([r.evals[i] for r in runs], axis=1) for i in range(3)
        ),
        stop_reason=np.concatenate([r.stop_reason for r in runs]),
    )

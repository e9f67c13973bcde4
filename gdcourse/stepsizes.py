"""Step-size rules: how far to step along a direction, chosen at every step.

:func:`armijo` (backtracking), :func:`exact` (the exact minimiser along the
line, on a quadratic), :func:`polyak` (Polyak's step from the optimal value)
and :func:`wolfe` (a line search for the strong Wolfe conditions) make rules
as values.  A rule goes wherever a rate goes:

>>> from gdcourse import descent, surfaces, stepsizes
>>> ravine = surfaces.elongated_bowl(kappa=10.0)
>>> run = descent.gradient_descent(ravine, [3.0, 1.0], lr=stepsizes.exact(), steps=3)
>>> print(run.lrs.round(4))
[1.0803 5.7368 1.0803]

Unlike a schedule, a rule looks at the surface: at the point :math:`w`, with
gradient :math:`g` and a descent direction :math:`d` (:math:`d = -g` for
gradient descent, :math:`g^\\top d < 0`), it picks the rate :math:`\\eta` of
the step :math:`w + \\eta d`.  ``Trajectory.lrs[k]`` records the rate of step
``k`` for each start, and ``Trajectory.f_evals`` / ``g_evals`` / ``h_evals``
what the choice cost.  :func:`gdcourse.newton.newton` takes the same rules
along Newton's direction.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from gdcourse import checks

__all__ = [
    "StepSizeRule",
    "Search",
    "armijo",
    "exact",
    "polyak",
    "wolfe",
    "wolfe_conditions",
]

#: Backtracking gives up after this many trials (a step that vanished in
#: rounding ends it sooner).
MAX_TRIALS = 1100


class Search(NamedTuple):
    """What a rule's search returns for ``m`` points: one entry per point.

    Attributes
    ----------
    lr : numpy.ndarray, shape (m,)
        The rate chosen (NaN where the search failed).
    f_evals, g_evals, h_evals : numpy.ndarray, shape (m,)
        Evaluations the step needed, including those at the new point that the
        next step uses (the loss there for Polyak's step, the gradient for all).
    failure : numpy.ndarray of str, shape (m,)
        ``""`` where a rate was found, else one of
        :data:`gdcourse.descent.STEP_FAILURES`.
    """

    lr: np.ndarray
    f_evals: np.ndarray
    g_evals: np.ndarray
    h_evals: np.ndarray
    failure: np.ndarray


@dataclass(frozen=True, eq=False)
class StepSizeRule:
    """A step-size rule: a search for the rate along a direction, as a value.

    Build one with :func:`armijo`, :func:`exact`, :func:`polyak` or
    :func:`wolfe`; the loops call its ``search``.

    Parameters
    ----------
    name : str
        The factory's name.
    params : tuple of (str, object)
        The factory's arguments, for the ``repr``.
    search : callable
        ``search(surface, w, f, g, d) -> Search`` for points ``w`` of shape
        ``(m, dim)``, their losses ``f`` (m,), gradients ``g`` and directions
        ``d`` (m, dim).  Each row is searched as if it were alone.
    start_f_evals : int
        Loss evaluations the rule needs at the start (1 when it reads
        :math:`f(w_0)`).
    prepare : callable or None
        ``prepare(surface, w0)`` raises ``ValueError`` when the rule cannot run
        on ``surface``.
    """

    name: str
    params: tuple
    search: Callable
    start_f_evals: int = 0
    prepare: Callable | None = None

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.params)
        return f"{self.name}({args})"


def _no_failure(m):
    return np.full(m, "", dtype=object)


def _dot(a, b):
    return (a * b).sum(-1)


def armijo(lr0=1.0, c=1e-4, shrink=0.5):
    """Backtracking line search: shrink the rate until the loss falls enough.

    Parameters
    ----------
    lr0 : float
        First rate tried at every step (positive).
    c : float
        Fraction of the decrease the linear model promises that the step
        must achieve, in (0, 1).
    shrink : float
        Factor the rate is multiplied by after each failed trial, in (0, 1).

    Returns
    -------
    StepSizeRule

    Notes
    -----
    At :math:`w` with gradient :math:`g` and descent direction :math:`d`
    (:math:`g^\\top d < 0`; :math:`d = -g` for gradient descent) the rate is
    :math:`\\eta = \\eta_0 \\rho^j` for the smallest :math:`j \\ge 0` with the
    sufficient-decrease (Armijo) condition

    .. math:: f(w + \\eta d) \\le f(w) + c\\, \\eta\\, g^\\top d .

    Each trial costs one loss evaluation; the rate is found without knowing
    any curvature.  On an :math:`L`-smooth function along :math:`d = -g` every
    :math:`\\eta \\le 2(1 - c)/L` satisfies the condition, so the accepted rate
    is at least :math:`\\min(\\eta_0, \\rho \\cdot 2(1 - c)/L)`.

    Every start of a run searches on its own (its own number of shrinks), in
    one vectorised computation.  A search also ends, with the failure
    ``"no decrease"``, when the trial point :math:`w + \\eta d` equals
    :math:`w` in floating point (or after :data:`MAX_TRIALS` trials); a
    direction with :math:`g^\\top d \\ge 0` fails as ``"not descent"``.

    Costs per step: the trials' loss evaluations and the gradient at the new
    point; the loss at the new point is the accepted trial's, and the first
    step also reads :math:`f(w_0)`.

    References
    ----------
    .. [1] L. Armijo, "Minimization of functions having Lipschitz continuous
       first partial derivatives", Pacific Journal of Mathematics 16(1), 1966.
    .. [2] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
       Springer, 2006, Section 3.1 and Algorithm 3.1.

    Examples
    --------
    >>> from gdcourse import descent, surfaces
    >>> ravine = surfaces.elongated_bowl(kappa=10.0)   # L = 1
    >>> run = descent.gradient_descent(ravine, [3.0, 1.0], lr=armijo(lr0=4.0), steps=4)
    >>> print(run.lrs)          # 4 fails, 2 passes
    [2. 2. 2. 2.]
    >>> print(run.f_evals)      # f(w0), then two trials per step
    [1. 3. 5. 7. 9.]
    >>> armijo(shrink=1.5)
    Traceback (most recent call last):
    ...
    ValueError: shrink must be a number in (0, 1), got 1.5
    """
    lr0 = checks.positive("lr0", lr0)
    c = checks.in_interval("c", c, 0, 1, closed="neither")
    shrink = checks.in_interval("shrink", shrink, 0, 1, closed="neither")

    def search(surface, w, f, g, d):
        m = len(w)
        gd = _dot(g, d)
        lr = np.full(m, lr0)
        trials = np.zeros(m, dtype=int)
        failure = _no_failure(m)
        failure[~(gd < 0)] = "not descent"
        pending = failure == ""
        while pending.any():
            i = np.flatnonzero(pending)
            trial = w[i] + lr[i, None] * d[i]
            ok = surface.value_fn(trial) <= f[i] + c * lr[i] * gd[i]
            trials[i] += 1
            vanished = np.all(trial == w[i], axis=-1) | (trials[i] >= MAX_TRIALS)
            done = ok & ~vanished
            pending[i[done]] = False
            lost = i[vanished & ~done]
            failure[lost], pending[lost] = "no decrease", False
            lr[i[~ok & ~vanished]] *= shrink
        found = failure == ""
        lr[~found] = np.nan
        return Search(lr, trials, found.astype(int), np.zeros(m, dtype=int), failure)

    return StepSizeRule(
        "armijo", (("lr0", lr0), ("c", c), ("shrink", shrink)), search, start_f_evals=1
    )


def _check_quadratic(surface, w):
    """Raise ValueError unless the Hessian is the same at the starts and shifted points."""
    pts = np.concatenate([w, w + 1.0, 2.0 * w - 0.5, np.zeros_like(w[:1])])
    with np.errstate(all="ignore"):
        H = surface.hessian_fn(pts)
    scale = np.abs(H[0]).max()
    same = np.all(np.isfinite(H)) and np.allclose(
        H, H[0], rtol=1e-9, atol=1e-12 * scale
    )
    if not same:
        raise ValueError(
            "exact() needs a quadratic surface (a constant Hessian); the Hessian of "
            f"{surface.name!r} changes with w"
        )


def exact():
    """Exact line search on a quadratic: the minimiser of the loss along the line.

    Returns
    -------
    StepSizeRule

    Notes
    -----
    On :math:`f(w) = \\tfrac12 w^\\top A w - b^\\top w`, with gradient
    :math:`g` and direction :math:`d`, the loss along the line,
    :math:`f(w + \\eta d) = f(w) + \\eta\\, g^\\top d + \\tfrac12 \\eta^2 d^\\top A d`,
    is least at

    .. math::

        \\eta = -\\frac{g^\\top d}{d^\\top A d}, \\qquad
        \\text{so } \\eta = \\frac{g^\\top g}{g^\\top A g} \\text{ for } d = -g ,

    and the new gradient is orthogonal to :math:`d`.  Where
    :math:`d^\\top A d \\le 0` the loss has no minimum along the line and the
    start stops (``"unbounded"``).  The run checks that the Hessian is the
    same at its starts and at shifted points, and raises ``ValueError`` on a
    surface where it is not.

    Costs per step: the gradient at the new point and one Hessian (the product
    :math:`A d`).

    References
    ----------
    .. [1] A.-L. Cauchy, "Méthode générale pour la résolution des systèmes
       d'équations simultanées", Comptes Rendus de l'Académie des Sciences 25,
       1847.
    .. [2] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
       Springer, 2006, Section 3.3.

    Examples
    --------
    >>> import numpy as np
    >>> from gdcourse import descent, surfaces
    >>> s = surfaces.quadratic([[1.0, 0.0], [0.0, 4.0]])
    >>> run = descent.gradient_descent(s, [4.0, 1.0], lr=exact(), steps=2)
    >>> g = s.grad(run.weights)
    >>> print(f"{run.lrs[0]:.4f}", abs(g[0] @ g[1]) < 1e-12)   # 32 / 80; at right angles
    0.4000 True
    """

    def search(surface, w, f, g, d):
        m = len(w)
        H = surface.hessian_fn(w)
        # divide d by a power of two near its size (exact): a tiny d would
        # make d.Hd underflow to 0 long before g.d does
        scale = np.ldexp(1.0, np.frexp(np.abs(d).max(-1))[1])
        d = d / scale[:, None]
        dHd = _dot(d, (H * d[:, None, :]).sum(-1))
        gd = _dot(g, d)
        failure = _no_failure(m)
        failure[~(dHd > 0)] = "unbounded"
        failure[~(gd < 0)] = "not descent"
        found = failure == ""
        lr = np.where(found, -gd / np.where(found, dHd, 1.0) / scale, np.nan)
        ones = np.ones(m, dtype=int)
        return Search(lr, np.zeros(m, dtype=int), found.astype(int), ones, failure)

    return StepSizeRule("exact", (), search, prepare=_check_quadratic)


def polyak(f_min=0.0, max_lr=math.inf):
    """Polyak's step: the rate that would reach the optimal value if the loss were linear.

    Parameters
    ----------
    f_min : float
        The optimal value :math:`f^*` (or a guess of it).
    max_lr : float
        Largest rate allowed (positive; ``inf`` for none).

    Returns
    -------
    StepSizeRule

    Notes
    -----
    .. math::

        \\eta = \\min\\left(\\eta_{\\max},\\ \\frac{f(w) - f^*}{-g^\\top d}\\right),
        \\qquad \\text{so } \\eta = \\min\\left(\\eta_{\\max},\\
        \\frac{f(w) - f^*}{\\|g\\|^2}\\right) \\text{ for } d = -g .

    With :math:`f^*` the true minimum this needs no rate and no curvature.
    A guess below the true minimum makes every rate longer than the true
    value's (and unbounded as :math:`g \\to 0` near the minimum: ``max_lr``
    caps it).  A guess above
    it: once :math:`f(w) \\le f^*` the rate would be zero or negative (a step
    uphill), so the start stops there, with the failure ``"below f_min"``,
    its loss still above the true minimum.

    Costs per step: the loss and the gradient at the new point, and
    :math:`f(w_0)` at the start.

    References
    ----------
    .. [1] B. T. Polyak, "Minimization of unsmooth functionals", USSR
       Computational Mathematics and Mathematical Physics 9(3), 1969.
    .. [2] E. Hazan and S. Kakade, "Revisiting the Polyak step size",
       arXiv:1905.00313, 2019.

    Examples
    --------
    >>> from gdcourse import descent, surfaces
    >>> s = surfaces.quadratic([[2.0]])            # x**2, minimum 0
    >>> run = descent.gradient_descent(s, [3.0], lr=polyak(), steps=2)
    >>> print(run.lrs, run.weights[:, 0])          # 9 / 36, then 2.25 / 9
    [0.25 0.25] [3.   1.5  0.75]
    >>> high = descent.gradient_descent(s, [3.0], lr=polyak(f_min=1.0), steps=20)
    >>> print(high.stop_reason, high.stopped_at, high.final_loss)   # stuck at f = 1
    below f_min 6 1.0
    """
    f_min = checks.number("f_min", f_min)
    if not (checks.is_number(max_lr) and max_lr > 0 or max_lr == math.inf):
        raise ValueError(f"max_lr must be a positive number or inf, got {max_lr!r}")
    max_lr = float(max_lr)

    def search(surface, w, f, g, d):
        m = len(w)
        descent_ = -_dot(g, d)
        failure = _no_failure(m)
        failure[~(f > f_min)] = "below f_min"
        failure[~(descent_ > 0)] = "not descent"
        found = failure == ""
        lr = np.where(
            found,
            np.minimum(max_lr, (f - f_min) / np.where(found, descent_, 1.0)),
            np.nan,
        )
        counts = found.astype(int)
        return Search(lr, counts, counts, np.zeros(m, dtype=int), failure)

    return StepSizeRule(
        "polyak", (("f_min", f_min), ("max_lr", max_lr)), search, start_f_evals=1
    )


def wolfe_conditions(surface, w, d, lr, c1=1e-4, c2=0.9):
    """Whether the rate ``lr`` along ``d`` from ``w`` meets the strong Wolfe conditions.

    Parameters
    ----------
    surface : Surface
    w, d : array_like, shape (dim,)
        The point and a descent direction.
    lr : float
        The rate :math:`\\eta`.
    c1, c2 : float
        :math:`0 < c_1 < c_2 < 1`.

    Returns
    -------
    (bool, bool)
        Sufficient decrease, and the strong curvature condition.

    Notes
    -----
    With :math:`\\phi(\\eta) = f(w + \\eta d)`:

    .. math::

        \\phi(\\eta) \\le \\phi(0) + c_1 \\eta \\phi'(0), \\qquad
        |\\phi'(\\eta)| \\le c_2 |\\phi'(0)| .

    Examples
    --------
    >>> from gdcourse import surfaces
    >>> s = surfaces.quadratic([[2.0]])
    >>> wolfe_conditions(s, [1.0], [-2.0], 0.5), wolfe_conditions(s, [1.0], [-2.0], 0.01)
    ((True, True), (True, False))
    """
    w = np.asarray(w, dtype=float)
    d = np.asarray(d, dtype=float)
    g0 = surface.grad_fn(w)
    new = w + lr * d
    dphi0 = float(_dot(g0, d))
    dphi = float(_dot(surface.grad_fn(new), d))
    decrease = surface.value_fn(new) <= surface.value_fn(w) + c1 * lr * dphi0
    return bool(decrease), bool(abs(dphi) <= c2 * abs(dphi0))


def _cubic_min(a, fa, da, b, fb, db):
    """Minimiser of the cubic through (a, fa, da) and (b, fb, db), or NaN."""
    d1 = da + db - 3.0 * (fa - fb) / (a - b)
    disc = d1 * d1 - da * db
    if not disc >= 0:
        return math.nan
    d2 = math.copysign(math.sqrt(disc), b - a)
    return b - (b - a) * (db + d2 - d1) / (db - da + 2.0 * d2)


def _wolfe_search_one(surface, w, f0, g0, d, lr0, c1, c2, max_lr):
    """One strong-Wolfe line search (Nocedal & Wright, Algorithms 3.5 and 3.6).

    Returns ``(lr, trials, failure)``; every trial evaluates the loss and the
    gradient.
    """
    dphi0 = float(_dot(g0, d))
    if not dphi0 < 0:
        return math.nan, 0, "not descent"
    trials = 0

    def phi(a):
        nonlocal trials
        trials += 1
        x = (w + a * d)[None, :]
        return float(surface.value_fn(x)[0]), float(_dot(surface.grad_fn(x)[0], d))

    def zoom(lo, f_lo, d_lo, hi, f_hi, d_hi):
        for _ in range(60):
            a = _cubic_min(lo, f_lo, d_lo, hi, f_hi, d_hi)
            left, right = min(lo, hi), max(lo, hi)
            margin = 0.1 * (right - left)
            if not (left + margin <= a <= right - margin):
                a = 0.5 * (lo + hi)
            if a == lo or a == hi:
                break
            fa, da = phi(a)
            if fa > f0 + c1 * a * dphi0 or fa >= f_lo:
                hi, f_hi, d_hi = a, fa, da
            else:
                if abs(da) <= -c2 * dphi0:
                    return a, ""
                if da * (hi - lo) >= 0:
                    hi, f_hi, d_hi = lo, f_lo, d_lo
                lo, f_lo, d_lo = a, fa, da
        # no point meets both conditions within rounding: keep the best one
        # that meets sufficient decrease, if any
        return (lo, "") if lo > 0 else (math.nan, "no decrease")

    prev, f_prev, d_prev = 0.0, f0, dphi0
    a = min(lr0, max_lr)
    for i in range(60):
        fa, da = phi(a)
        if not fa <= f0 + c1 * a * dphi0 or (i > 0 and fa >= f_prev):
            lr, failure = zoom(prev, f_prev, d_prev, a, fa, da)
            return lr, trials, failure
        if abs(da) <= -c2 * dphi0:
            return a, trials, ""
        if da >= 0:
            lr, failure = zoom(a, fa, da, prev, f_prev, d_prev)
            return lr, trials, failure
        if a >= max_lr:
            return a, trials, ""
        prev, f_prev, d_prev = a, fa, da
        a = min(2.0 * a, max_lr)
    return prev, trials, ""


def wolfe(lr0=1.0, c1=1e-4, c2=0.9, max_lr=1e10):
    """Line search for the strong Wolfe conditions: enough decrease, a flatter slope.

    Parameters
    ----------
    lr0 : float
        First rate tried (positive); 1 is the natural step of Newton and
        quasi-Newton directions.
    c1, c2 : float
        Sufficient-decrease and curvature constants, :math:`0 < c_1 < c_2 < 1`.
    max_lr : float
        Largest rate the search expands to (at least ``lr0``).

    Returns
    -------
    StepSizeRule

    Notes
    -----
    With :math:`\\phi(\\eta) = f(w + \\eta d)` the rate meets the strong Wolfe
    conditions

    .. math::

        \\phi(\\eta) \\le \\phi(0) + c_1 \\eta \\phi'(0), \\qquad
        |\\phi'(\\eta)| \\le c_2 |\\phi'(0)| :

    the Armijo condition, and a slope along the line at most :math:`c_2` times
    the first one in size (the step does not stop where the loss still falls
    steeply).  For a quasi-Newton method the second condition gives
    :math:`s^\\top y > 0`, which keeps its curvature estimate positive
    definite.  The search is Nocedal & Wright's Algorithm 3.5: from
    ``lr0``, double until the loss rises or the slope turns, then ``zoom``
    (Algorithm 3.6) into the bracket by safeguarded cubic interpolation.  If
    rounding leaves no rate that meets both conditions, it returns the
    lowest point found that meets the first, or fails with ``"no decrease"``.

    Each trial costs a loss and a gradient evaluation; the last trial's are
    those of the new point.  Starts are searched one after another.

    References
    ----------
    .. [1] P. Wolfe, "Convergence conditions for ascent methods", SIAM Review
       11(2), 1969.
    .. [2] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
       Springer, 2006, Section 3.5, Algorithms 3.5 and 3.6.

    Examples
    --------
    >>> from gdcourse import descent, surfaces
    >>> s = surfaces.rosenbrock()
    >>> run = descent.gradient_descent(s, [-1.2, 1.0], lr=wolfe(), steps=3)
    >>> [wolfe_conditions(s, run.weights[k], -s.grad(run.weights[k]), run.lrs[k])
    ...  for k in range(3)]
    [(True, True), (True, True), (True, True)]
    """
    lr0 = checks.positive("lr0", lr0)
    c1 = checks.in_interval("c1", c1, 0, 1, closed="neither")
    c2 = checks.in_interval("c2", c2, 0, 1, closed="neither")
    if not c1 < c2:
        raise ValueError(f"c2 must be larger than c1 = {c1!r}, got {c2!r}")
    max_lr = checks.positive("max_lr", max_lr)
    if max_lr < lr0:
        raise ValueError(f"max_lr must be at least lr0 = {lr0!r}, got {max_lr!r}")

    def search(surface, w, f, g, d):
        m = len(w)
        lr = np.full(m, np.nan)
        trials = np.zeros(m, dtype=int)
        failure = _no_failure(m)
        for i in range(m):
            lr[i], trials[i], failure[i] = _wolfe_search_one(
                surface, w[i], f[i], g[i], d[i], lr0, c1, c2, max_lr
            )
        return Search(lr, trials, trials, np.zeros(m, dtype=int), failure)

    params = (("lr0", lr0), ("c1", c1), ("c2", c2), ("max_lr", max_lr))
    return StepSizeRule("wolfe", params, search, start_f_evals=1)

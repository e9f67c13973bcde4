"""Gradient descent on a surface, for one start or many at once.

>>> import numpy as np
>>> from gdcourse import surfaces, descent
>>> run = descent.gradient_descent(surfaces.quadratic([[2.0]]), [10.0], lr=0.2, steps=10)
>>> print(f"{run.weights[-1, 0]:.10f}")
0.0604661760

Every step of plain gradient descent is

.. math:: w_{k+1} = w_k - \\eta_k \\nabla f(w_k),

and with momentum (PyTorch's ``torch.optim.SGD`` convention)

.. math:: v_{k+1} = \\beta v_k + \\nabla f(w_k), \\qquad w_{k+1} = w_k - \\eta_k v_{k+1}.

The update rule itself lives in :mod:`gdcourse.optimizers`: ``momentum`` and
``nesterov`` are shorthands for :func:`gdcourse.optimizers.sgd`, and any other
optimizer (Adam, RMSProp, ...) can be passed as ``optimizer``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gdcourse import checks, optimizers
from gdcourse.schedules import as_schedule
from gdcourse.stepsizes import StepSizeRule
from gdcourse.surfaces import Surface

__all__ = [
    "Trajectory",
    "gradient_descent",
    "DIVERGENCE_BOUND",
    "STEP_FAILURES",
    "within_bound",
    "check_steps",
    "check_start",
    "directed_descent",
]

#: A run has diverged once a weight's magnitude exceeds this (or stops being finite).
DIVERGENCE_BOUND = 1e8

#: The reasons a step could not be taken, as ``Trajectory.stop_reason`` says them:
#: a line search found no rate its condition accepts before the step vanished in
#: rounding (``"no decrease"``); the direction does not go downhill (``"not
#: descent"``: Newton's step with an indefinite Hessian); an exact line search
#: along a direction of non-positive curvature has no minimum (``"unbounded"``);
#: Polyak's rate would be zero or negative (``"below f_min"``); the matrix Newton's
#: step solves with is singular (``"singular"``).
STEP_FAILURES = ("no decrease", "not descent", "unbounded", "below f_min", "singular")


def within_bound(w):
    """Whether every weight of each point is finite and at most :data:`DIVERGENCE_BOUND` in size.

    Parameters
    ----------
    w : numpy.ndarray, shape (..., d)

    Returns
    -------
    bool or numpy.ndarray of bool, shape ``w.shape[:-1]``

    Examples
    --------
    >>> within_bound(np.array([[1.0, -1e8], [np.nan, 0.0], [2e8, 0.0]]))
    array([ True, False, False])
    """
    return (np.abs(w) <= DIVERGENCE_BOUND).all(-1)


@dataclass(frozen=True, eq=False)
class Trajectory:
    """The record of a gradient-descent run.

    Attributes
    ----------
    weights : numpy.ndarray
        Shape ``(steps + 1, d)`` for one start or ``(steps + 1, n, d)`` for
        ``n`` starts: the start, then one row per step.  Rows after a start
        stopped (diverged, or reached ``tol``) are NaN.
    losses : numpy.ndarray
        Loss at each row of ``weights``, shape ``(steps + 1,)`` or ``(steps + 1, n)``.
    grad_norms : numpy.ndarray
        Euclidean norm of the gradient at each row of ``weights``.
    lrs : numpy.ndarray
        The rate used at each step, shape ``(steps,)``; with a step-size
        rule (:mod:`gdcourse.stepsizes`), which picks a rate per start, shape
        ``(steps,)`` or ``(steps, n)``, NaN for the steps a start did not take.
    diverged : bool or numpy.ndarray
        Whether the run (each start) left every bound: a weight above
        :data:`DIVERGENCE_BOUND` in magnitude or not finite.
    stopped_at : int or numpy.ndarray
        Index of the last valid row of ``weights``: ``steps`` for a run that
        used all its steps, the step it met ``tol`` at, or the last step
        before it diverged.
    f_evals, g_evals, h_evals : numpy.ndarray or None
        Loss, gradient and Hessian evaluations the method needed up to each
        row of ``weights`` (shape as ``losses``; NaN on the rows after a start
        stopped), so ``plt.plot(run.g_evals, run.losses)`` draws the loss
        against the cost.  Row ``k`` counts what was evaluated to reach
        :math:`w_k` and to have at hand what the next step needs there: for
        gradient descent at a fixed rate ``g_evals[k] = k + 1`` and no loss
        evaluations (the ``losses`` stored for the record are not counted).
        Evaluations made in a step that failed or diverged belong to no row.
        ``None`` for a record that did not count them.  They are read from
        ``evals``.
    evals : tuple or None
        Keyword-only.  The counts behind ``f_evals``, ``g_evals`` and
        ``h_evals``: three arrays shaped as ``losses``, or three pairs
        ``(start, per_step)`` for a method whose every step costs the same
        (row ``k`` then counts ``start + k * per_step``).
    stop_reason : str or numpy.ndarray of str, optional
        Keyword-only.  Why each start stopped: ``"steps"`` (it used them
        all), ``"tol"``, ``"diverged"``, ``"stationary"`` (a gradient whose
        squared norm is exactly 0: no direction to step along), or a step
        that could not be taken (see :data:`STEP_FAILURES`); ``None`` for a
        record that did not say.

    Examples
    --------
    Printed, a run is a one-line summary: its steps, starts (for several)
    and dimension, then its final loss (the range over the starts that did
    not diverge), where it stopped early, or where it diverged (for several
    starts, how many did).  The arrays are its attributes.

    >>> from gdcourse import surfaces
    >>> bowl = surfaces.elongated_bowl(kappa=4.0)
    >>> gradient_descent(bowl, [1.0, 1.0], lr=0.1, steps=20)
    Trajectory(steps=20, d=2, final loss 0.05279)
    >>> gradient_descent(bowl, [1.0, 1.0], lr=2.5, steps=60)
    Trajectory(steps=60, d=2, diverged at step 45)
    >>> gradient_descent(bowl, [1.0, 1.0], lr=0.4, steps=100, tol=1e-3)
    Trajectory(steps=100, d=2, stopped at step 53, final loss 1.764e-06)
    >>> gradient_descent(bowl, [[1.0, 1.0], [2.0, 0.0], [4.0, 3.0]], lr=0.1, steps=20)
    Trajectory(steps=20, starts=3, d=2, final loss 0.05279 to 0.793)
    """

    weights: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    lrs: np.ndarray
    diverged: object
    stopped_at: object
    evals: object = field(default=None, kw_only=True, repr=False)
    stop_reason: object = field(default=None, kw_only=True, repr=False)

    @property
    def steps(self):
        """Number of steps the run was given."""
        return self.weights.shape[0] - 1

    def _counts(self, i):
        if self.evals is None:
            return None
        counts = self.evals[i]
        if isinstance(counts, np.ndarray):
            return counts
        start, per_step = counts
        rows = np.arange(self.steps + 1.0)
        stopped = np.asarray(self.stopped_at)
        if stopped.ndim:
            rows = rows[:, None] + np.zeros(stopped.size)
        return np.where(
            np.arange(self.steps + 1).reshape(-1, *[1] * stopped.ndim) > stopped,
            np.nan,
            start + per_step * rows,
        )

    @property
    def f_evals(self):
        """Loss evaluations needed up to each row (see the class docstring)."""
        return self._counts(0)

    @property
    def g_evals(self):
        """Gradient evaluations needed up to each row (see the class docstring)."""
        return self._counts(1)

    @property
    def h_evals(self):
        """Hessian evaluations needed up to each row (see the class docstring)."""
        return self._counts(2)

    def __repr__(self):
        """Steps, starts, dimension and how the run ended; not the arrays."""
        several = np.ndim(self.stopped_at) > 0
        stopped = np.atleast_1d(self.stopped_at)
        diverged = np.atleast_1d(np.asarray(self.diverged, dtype=bool))
        parts = [f"steps={self.steps}"]
        if several:
            parts.append(f"starts={stopped.size}")
        parts.append(f"d={self.weights.shape[-1]}")
        if not several and diverged[0]:
            parts.append(f"diverged at step {stopped[0]}")
        elif not several and stopped[0] < self.steps:
            why = self.stop_reason
            said = why is not None and why != "tol"
            parts.append(
                f"stopped at step {stopped[0]}" + (f" ({why})" if said else "")
            )
        finite = np.atleast_1d(self.final_loss)[~diverged]
        if finite.size:
            lo, hi = finite.min(), finite.max()
            parts.append(f"final loss {lo:.4g}" + (f" to {hi:.4g}" if hi > lo else ""))
        if several and diverged.any():
            parts.append(f"{diverged.sum()} of {stopped.size} diverged")
        return f"Trajectory({', '.join(parts)})"

    @property
    def final_weights(self):
        """Weights at ``stopped_at`` (the last valid row), shape ``(d,)`` or ``(n, d)``."""
        idx = np.asarray(self.stopped_at)
        if idx.ndim == 0:
            return self.weights[int(idx)]
        return self.weights[idx, np.arange(idx.size)]

    @property
    def final_loss(self):
        """Loss at ``stopped_at``, a float or shape ``(n,)``."""
        idx = np.asarray(self.stopped_at)
        if idx.ndim == 0:
            return float(self.losses[int(idx)])
        return self.losses[idx, np.arange(idx.size)]

    def first(self, n):
        """The record of the first ``n`` starts of a run from several starts.

        Starts do not interact, so this is the run from those starts alone.

        Examples
        --------
        >>> from gdcourse import surfaces
        >>> bowl = surfaces.elongated_bowl(kappa=4.0)
        >>> run = gradient_descent(bowl, [[1.0, 1.0], [2.0, 0.0], [0.5, 0.5]], lr=0.1, steps=5)
        >>> run.first(2).weights.shape, run.first(2).stopped_at.tolist()
        ((6, 2, 2), [5, 5])
        """
        stopped = np.asarray(self.stopped_at)
        if stopped.ndim == 0:
            raise ValueError(
                "first needs a run from several starts (w0 of shape (n, d))"
            )
        k = checks.integer("n", n, minimum=1, maximum=stopped.size)

        def starts(a):
            return a[:, :k] if isinstance(a, np.ndarray) else a

        return Trajectory(
            self.weights[:, :k],
            self.losses[:, :k],
            self.grad_norms[:, :k],
            self.lrs if self.lrs.ndim == 1 else self.lrs[:, :k],
            np.asarray(self.diverged)[:k],
            stopped[:k],
            evals=None if self.evals is None else tuple(map(starts, self.evals)),
            stop_reason=None if self.stop_reason is None else self.stop_reason[:k],
        )

    def head(self, steps):
        """The run as it would have been with only ``steps`` steps: a prefix of this one.

        Gradient descent is the same for its first ``steps`` steps whatever
        the number of steps it is given, so a shorter run is read off a
        longer one; only the stop flags need care: a start that diverged
        later than ``steps`` had not diverged yet.

        Parameters
        ----------
        steps : int
            From 0 to :attr:`steps`.

        Returns
        -------
        Trajectory

        Notes
        -----
        A start that blew up on step :math:`s + 1` has ``stopped_at`` :math:`= s`;
        within :math:`k` steps it has diverged iff :math:`s + 1 \\le k`, and
        otherwise it stops at :math:`\\min(s, k)` (its own stop, or the end).
        A step that could not be taken (:data:`STEP_FAILURES`) counts like a
        divergence; a stop at a row (``"tol"``, ``"stationary"``) is kept
        when :math:`s \\le k`.

        Examples
        --------
        >>> from gdcourse import surfaces
        >>> bowl = surfaces.elongated_bowl(kappa=4.0)
        >>> run = gradient_descent(bowl, [1.0, 1.0], lr=2.5, steps=60)
        >>> run.diverged, run.stopped_at
        (True, 45)
        >>> short = run.head(10)
        >>> short.diverged, short.stopped_at, short.weights.shape
        (False, 10, (11, 2))
        """
        k = checks.integer("steps", steps, minimum=0)
        if k > self.steps:
            raise ValueError(
                f"steps must be at most the run's {self.steps} steps, got {steps!r}"
            )
        stopped = np.asarray(self.stopped_at)
        blew = np.asarray(self.diverged) & (stopped + 1 <= k)
        stop = np.where(blew, stopped, np.minimum(stopped, k))
        single = stopped.ndim == 0
        reason = self.stop_reason
        if reason is not None:
            reason = np.asarray(reason)
            failed = np.isin(reason, (*STEP_FAILURES, "diverged"))
            kept = np.where(failed, stopped + 1 <= k, stopped <= k)
            reason = np.where(kept & (reason != "steps"), reason, "steps")
            reason = str(reason) if single else reason

        def rows(a):
            return a[: k + 1] if isinstance(a, np.ndarray) else a

        return Trajectory(
            self.weights[: k + 1],
            self.losses[: k + 1],
            self.grad_norms[: k + 1],
            self.lrs[:k],
            bool(blew) if single else blew,
            int(stop) if single else stop,
            evals=None if self.evals is None else tuple(map(rows, self.evals)),
            stop_reason=reason,
        )


def check_steps(steps):
    """Return ``steps`` as an int, or raise ``ValueError`` unless it is a non-negative integer.

    The wording ("a non-negative integer") is the one :mod:`gdcourse.landscape` shares.
    """
    try:
        return checks.integer("steps", steps, minimum=0)
    except ValueError:
        raise ValueError(
            f"steps must be a non-negative integer, got {steps!r}"
        ) from None


def check_start(surface, w0):
    """Return ``w0`` as a float array of shape ``(d,)`` or ``(n, d)``, or raise ``ValueError``."""
    w = np.asarray(w0, dtype=float)
    if w.ndim not in (1, 2) or w.shape[-1] != surface.dim:
        raise ValueError(
            f"w0 must have shape ({surface.dim},) or (n, {surface.dim}) for the "
            f"{surface.dim}-weight surface {surface.name!r}, got shape {w.shape}"
        )
    if not np.all(np.isfinite(w)):
        raise ValueError("w0 must hold finite numbers")
    return w


def _per_start_rates(lr, w, schedule):
    """A rate per start: ``lr`` as a float array of shape ``(n,)``, checked."""
    if schedule is not None:
        raise ValueError("give the rate either as lr or as schedule, not both")
    rates = np.asarray(lr, dtype=float)
    if w.ndim != 2 or rates.shape != (w.shape[0],):
        raise ValueError(
            "lr given as a sequence needs one rate per start: shape "
            f"({w.shape[0] if w.ndim == 2 else 'n'},) for w0 of shape {w.shape}, "
            f"got shape {rates.shape}"
        )
    if not np.all(np.isfinite(rates) & (rates > 0)):
        raise ValueError(f"lr must hold positive finite numbers, got {lr!r}")
    return rates


def _resolve_rate(lr, schedule):
    if schedule is not None and lr is not None:
        raise ValueError("give the rate either as lr or as schedule, not both")
    return as_schedule(schedule if schedule is not None else lr)


def gradient_descent(
    surface,
    w0,
    lr=None,
    steps=100,
    *,
    momentum=0.0,
    nesterov=False,
    schedule=None,
    noise=0.0,
    seed=None,
    tol=None,
    optimizer=None,
    clip_norm=None,
):
    """Run gradient descent (with momentum, or any optimizer) on a surface.

    Parameters
    ----------
    surface : Surface
        The loss, with ``surface.grad``.
    w0 : array_like
        One start, shape ``(d,)``, or ``n`` starts at once, shape ``(n, d)``.
        Many starts run as one vectorised computation; each matches its own
        single run (exactly, when ``noise`` is 0).
    lr : float, callable, StepSizeRule or array_like
        The learning rate :math:`\\eta`: a positive number, a schedule
        ``t -> rate`` from :mod:`gdcourse.schedules`, or a step-size rule from
        :mod:`gdcourse.stepsizes` that searches for the rate along
        :math:`-\\nabla f(w_k)` at every step (plain gradient descent only: no
        momentum, optimizer, noise or clipping).  With ``n`` starts, a
        sequence of ``n`` positive numbers gives each start its own fixed
        rate (a grid of rates as one run); ``lrs`` then has shape
        ``(steps, n)``.
    steps : int
        Number of updates (non-negative).
    momentum : float
        :math:`\\beta \\in [0, 1)`; 0 is plain gradient descent. Shorthand
        for ``optimizer=optimizers.sgd(momentum=...)``.
    nesterov : bool
        Use Nesterov's momentum (needs ``momentum > 0``).
    schedule : callable, optional
        A schedule, as an alternative to passing it as ``lr``.
    noise : float
        Standard deviation of Gaussian noise added to every gradient
        (perturbed or SGD-like descent); 0 for exact gradients.
    seed : int, optional
        Seed of the noise.
    tol : float, optional
        Stop a start once its gradient norm falls below ``tol`` (the norm of
        the exact gradient, before noise and clipping).
    optimizer : gdcourse.optimizers.Optimizer, optional
        The update rule, e.g. ``optimizers.adam()``; default
        ``optimizers.sgd(momentum, nesterov)``. Giving it together with a
        non-default ``momentum`` or ``nesterov`` is an error.
    clip_norm : float, optional
        Rescale each start's (noisy) gradient to norm at most ``clip_norm``
        before the update (:func:`gdcourse.optimizers.clip_by_norm`).

    Returns
    -------
    Trajectory

    Notes
    -----
    With :math:`g_k = \\nabla f(w_k) + \\sigma \\xi_k`, :math:`\\xi_k \\sim N(0, I)`,
    and :math:`v_0 = 0`, each step of the default optimizer is (as ``torch.optim.SGD``)

    .. math::

        v_{k+1} = \\beta v_k + g_k, \\qquad
        w_{k+1} = w_k - \\eta_k \\begin{cases}
            v_{k+1} & \\text{heavy ball} \\\\
            g_k + \\beta v_{k+1} & \\text{Nesterov.}
        \\end{cases}

    Another optimizer replaces this update by its own, with the same
    :math:`g_k` (clipped first, with ``clip_norm``) and :math:`\\eta_k`.

    A start that diverges stops quietly: its flag in ``diverged`` is set,
    ``stopped_at`` holds its last finite step, and no warning is emitted.

    With a step-size rule each start searches for its own rate, so ``lrs``
    holds one rate per start (``(steps, n)``), and a start also stops where
    its gradient is exactly zero (``stop_reason`` ``"stationary"``) or where
    its rule finds no rate (:data:`STEP_FAILURES`); every start still
    matches its own single run bit for bit.

    Examples
    --------
    >>> from gdcourse import optimizers, surfaces
    >>> s = surfaces.quadratic([[2.0]])
    >>> run = gradient_descent(s, [1.0], lr=1.5, steps=100)
    >>> print(run.diverged, run.stopped_at)
    True 26
    >>> many = gradient_descent(s, [[1.0], [-2.0]], lr=0.1, steps=3)
    >>> print(many.weights.shape, many.diverged)
    (4, 2, 1) [False False]
    >>> grid = gradient_descent(s, [[1.0], [1.0]], lr=[0.1, 0.4], steps=2)  # a rate each
    >>> print(grid.weights[-1, :, 0].round(12), grid.lrs.shape)
    [0.64 0.04] (2, 2)
    >>> adam = gradient_descent(s, [1.0], lr=0.1, steps=3, optimizer=optimizers.adam())
    >>> print(np.round(adam.weights[:, 0], 4))
    [1.     0.9    0.8004 0.7016]
    >>> from gdcourse import stepsizes
    >>> rule = gradient_descent(s, [[1.0], [-2.0]], lr=stepsizes.armijo(lr0=2.0), steps=2)
    >>> print(rule.lrs, rule.stop_reason)
    [[0.5 0.5]
     [nan nan]] ['stationary' 'stationary']
    """
    if not isinstance(surface, Surface):
        raise ValueError(
            f"surface must be a gdcourse.surfaces.Surface, got {type(surface).__name__}"
        )
    w = check_start(surface, w0)
    steps = check_steps(steps)
    rule = next((r for r in (lr, schedule) if isinstance(r, StepSizeRule)), None)
    if rule is not None:
        if lr is not None and schedule is not None:
            raise ValueError("give the rate either as lr or as schedule, not both")
        plain = optimizer is None and momentum == 0 and nesterov is False
        if not (plain and noise == 0 and clip_norm is None):
            raise ValueError(
                f"lr={rule!r} searches along the gradient: it needs plain gradient "
                "descent (no momentum, nesterov, optimizer, noise or clip_norm)"
            )
        if tol is not None:
            tol = checks.positive("tol", tol)
        return directed_descent(surface, w, steps, _steepest, rule, tol)
    opt = optimizers.resolve(optimizer, momentum, nesterov)
    per_start = isinstance(lr, (list, tuple, np.ndarray))
    if per_start:
        per_start = _per_start_rates(lr, w, schedule)
    else:
        rate = _resolve_rate(lr, schedule)
    noise = checks.non_negative("noise", noise)
    if tol is not None:
        tol = checks.positive("tol", tol)
    if clip_norm is not None:
        clip_norm = checks.positive("clip_norm", clip_norm)

    single = w.ndim == 1
    w = w[None, :] if single else w.copy()
    n, d = w.shape
    rng = np.random.default_rng(seed)
    if per_start is not False:
        lrs = np.broadcast_to(per_start, (steps, n)).copy()
    else:
        lrs = np.asarray(rate(np.arange(steps)), dtype=float) if steps else np.empty(0)

    weights = np.full((steps + 1, n, d), np.nan)
    losses = np.full((steps + 1, n), np.nan)
    grad_norms = np.full((steps + 1, n), np.nan)
    state = opt.init(w)
    active = np.ones(n, dtype=bool)
    diverged = np.zeros(n, dtype=bool)
    stopped_at = np.full(n, steps)
    reason = np.full(n, "steps", dtype=object)

    value_and_grad = surface.value_and_grad_fn or (
        lambda w: (surface.value_fn(w), surface.grad_fn(w))
    )
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        losses[0], g = value_and_grad(w)
        weights[0] = w
        grad_norms[0] = np.sqrt((g * g).sum(-1))
        if tol is not None:
            done = grad_norms[0] < tol
            stopped_at[done], active[done], reason[done] = 0, False, "tol"
        for k in range(steps):
            if not active.any():
                break
            if noise:
                g = g + noise * rng.standard_normal(g.shape)
            if clip_norm is not None:
                g = optimizers.clip_by_norm(g, clip_norm)
            step_lr = lrs[k] if per_start is False else per_start[:, None]
            w_next, state = opt.update(g, state, w, step_lr)
            everyone = active.all()  # the common case skips the masked copies
            w = w_next if everyone else np.where(active[:, None], w_next, w)
            loss, g = value_and_grad(w)
            gnorm = np.sqrt((g * g).sum(-1))
            blown = active & ~(within_bound(w) & np.isfinite(loss))
            if blown.any():
                diverged |= blown
                stopped_at[blown] = k
                reason[blown] = "diverged"
                active &= ~blown
                everyone = False
            if everyone:
                weights[k + 1], losses[k + 1], grad_norms[k + 1] = w, loss, gnorm
            else:
                weights[k + 1][active] = w[active]
                losses[k + 1][active] = loss[active]
                grad_norms[k + 1][active] = gnorm[active]
            if tol is not None:
                done = active & (gnorm < tol)
                stopped_at[done] = k + 1
                reason[done] = "tol"
                active &= ~done

    # one gradient per row reached (the gradient at w_k makes step k), no loss
    per_step = ((0, 0), (1, 1), (0, 0))
    return _record(
        single, weights, losses, grad_norms, lrs, diverged, stopped_at, reason,
        per_step,
    )  # fmt: skip


def _record(single, weights, losses, grad_norms, lrs, diverged, stopped_at,
            reason, evals):  # fmt: skip
    """A Trajectory from arrays with a starts axis, squeezed for one start."""
    if single:
        return Trajectory(
            weights[:, 0],
            losses[:, 0],
            grad_norms[:, 0],
            lrs if lrs.ndim == 1 else lrs[:, 0],
            bool(diverged[0]),
            int(stopped_at[0]),
            evals=tuple(e[:, 0] if isinstance(e, np.ndarray) else e for e in evals),
            stop_reason=str(reason[0]),
        )
    return Trajectory(
        weights,
        losses,
        grad_norms,
        lrs,
        diverged,
        stopped_at,
        evals=evals,
        stop_reason=np.asarray(reason, dtype=str),
    )


def _steepest(w, g):
    """The direction of gradient descent, -g, with nothing to report."""
    return -g, np.full(len(g), "", dtype=object), 0, np.nan


def directed_descent(surface, w, steps, direction, lr, tol=None, extra=None):
    """Step along a direction chosen at every point, by a fixed rate or a rule.

    The loop shared by :func:`gradient_descent` with a step-size rule and by
    :mod:`gdcourse.newton`: at :math:`w_k` it asks ``direction`` for
    :math:`d_k`, then takes :math:`w_{k+1} = w_k + \\eta_k d_k` with
    :math:`\\eta_k` the number ``lr`` or the rate ``lr.search`` finds.

    Parameters
    ----------
    surface : Surface
    w : numpy.ndarray, shape (d,) or (n, d)
        Checked start(s) (:func:`check_start`).
    steps : int
        Checked number of steps.
    direction : callable
        ``direction(w, g) -> (d, failure, h_evals, value)`` for points of
        shape ``(m, d)``: the directions, a failure per point (``""`` or one of
        :data:`STEP_FAILURES`), Hessian evaluations made, and a number per
        point to record (or NaN).
    lr : float or StepSizeRule
    tol : float, optional
        Stop a start once its gradient norm is below ``tol``.
    extra : list, optional
        If given, receives the array of the values ``direction`` returned,
        shape as ``losses`` (NaN on rows no step started from).

    Returns
    -------
    Trajectory
        ``lrs`` per start (NaN for steps not taken), except for a number
        ``lr``: then ``(steps,)`` filled with it, as in :func:`gradient_descent`.
    """
    single = w.ndim == 1
    w = np.array(w[None, :] if single else w)  # a copy: updated in place below
    n, dim = w.shape
    rule = lr if isinstance(lr, StepSizeRule) else None
    if rule is not None and rule.prepare is not None:
        rule.prepare(surface, w)
    weights = np.full((steps + 1, n, dim), np.nan)
    losses = np.full((steps + 1, n), np.nan)
    grad_norms = np.full((steps + 1, n), np.nan)
    lrs = np.full((steps, n), np.nan)
    evals = np.full((3, steps + 1, n), np.nan)
    values = np.full((steps + 1, n), np.nan)
    count = np.zeros((3, n))
    count[0] = rule.start_f_evals if rule is not None else 0
    count[1] = 1
    active = np.ones(n, dtype=bool)
    diverged = np.zeros(n, dtype=bool)
    stopped_at = np.full(n, steps)
    reason = np.full(n, "steps", dtype=object)

    def stop_at_row(k, idx, gg):
        low = np.sqrt(gg) < tol if tol is not None else np.zeros(idx.size, bool)
        flat = (gg == 0) & ~low
        reason[idx[low]], reason[idx[flat]] = "tol", "stationary"
        done = idx[low | flat]
        stopped_at[done], active[done] = k, False

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        f = surface.value_fn(w)
        g = surface.grad_fn(w)
        gg = (g * g).sum(-1)
        weights[0], losses[0], grad_norms[0] = w, f, np.sqrt(gg)
        evals[:, 0] = count
        stop_at_row(0, np.arange(n), gg)
        everyone = np.arange(n)
        for k in range(steps):
            # while every start is active (the common case) whole arrays stand
            # in for their rows: the same numbers, fewer copies
            full = bool(active.all())
            idx = everyone if full else np.flatnonzero(active)
            if idx.size == 0:
                break
            w_i, f_i, g_i = (w, f, g) if full else (w[idx], f[idx], g[idx])
            d, failure, h_used, value = direction(w_i, g_i)
            failure = np.array(failure, dtype=object)
            count[2, idx] += h_used
            values[k, idx] = value
            go = failure == ""
            every_go = bool(go.all())
            if rule is None:
                rate = np.where(go, lr, np.nan)
                count[1, idx[go]] += 1
            elif every_go:
                found = rule.search(surface, w_i, f_i, g_i, d)
                rate = np.asarray(found.lr, dtype=float)
                failure = np.array(found.failure, dtype=object)
                count[0, idx] += found.f_evals
                count[1, idx] += found.g_evals
                count[2, idx] += found.h_evals
            else:
                rate = np.full(idx.size, np.nan)
                if go.any():
                    j = idx[go]
                    found = rule.search(surface, w_i[go], f_i[go], g_i[go], d[go])
                    rate[go] = found.lr
                    failure[go] = found.failure
                    count[0, j] += found.f_evals
                    count[1, j] += found.g_evals
                    count[2, j] += found.h_evals
            bad = failure != ""
            if bad.any():
                stopped_at[idx[bad]], active[idx[bad]] = k, False
                reason[idx[bad]] = failure[bad]
                ok = ~bad
                moved, d_ok, rate_ok = idx[ok], d[ok], rate[ok]
                w_moved = w_i[ok]
            else:
                moved, d_ok, rate_ok, w_moved = idx, d, rate, w_i
            if moved.size == 0:
                continue
            w_new = w_moved + rate_ok[:, None] * d_ok
            f_new = surface.value_fn(w_new)
            g_new = surface.grad_fn(w_new)
            gg_new = (g_new * g_new).sum(-1)
            blown = ~(within_bound(w_new) & np.isfinite(f_new))
            lrs[k, moved] = rate_ok
            if moved.size == n and not blown.any():
                # new arrays, not writes into the old ones: a direction may
                # keep the points it was given (L-BFGS keeps its last one)
                w, f, g = w_new, f_new, g_new
                weights[k + 1], losses[k + 1] = w, f
                grad_norms[k + 1] = np.sqrt(gg_new)
                evals[:, k + 1] = count
                stop_at_row(k + 1, everyone, gg_new)
                continue
            gone = moved[blown]
            diverged[gone], stopped_at[gone], active[gone] = True, k, False
            reason[gone] = "diverged"
            keep = moved[~blown]
            w, f, g = w.copy(), f.copy(), g.copy()
            w[keep], f[keep], g[keep] = w_new[~blown], f_new[~blown], g_new[~blown]
            weights[k + 1, keep], losses[k + 1, keep] = w[keep], f[keep]
            grad_norms[k + 1, keep] = np.sqrt(gg_new[~blown])
            evals[:, k + 1, keep] = count[:, keep]
            stop_at_row(k + 1, keep, gg_new[~blown])

    if extra is not None:
        extra.append(values[:, 0] if single else values)
    if rule is None:
        lrs = np.full(steps, float(lr))
    return _record(
        single, weights, losses, grad_norms, lrs, diverged, stopped_at, reason,
        tuple(evals),
    )  # fmt: skip

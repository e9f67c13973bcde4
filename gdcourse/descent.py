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

from dataclasses import dataclass

import numpy as np

from gdcourse import checks, optimizers
from gdcourse.schedules import as_schedule
from gdcourse.surfaces import Surface

__all__ = [
    "Trajectory",
    "gradient_descent",
    "DIVERGENCE_BOUND",
    "within_bound",
    "check_steps",
    "check_start",
]

#: A run has diverged once a weight's magnitude exceeds this (or stops being finite).
DIVERGENCE_BOUND = 1e8


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
    return np.all(np.abs(w) <= DIVERGENCE_BOUND, axis=-1)


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
        The rate used at each step, shape ``(steps,)``.
    diverged : bool or numpy.ndarray
        Whether the run (each start) left every bound: a weight above
        :data:`DIVERGENCE_BOUND` in magnitude or not finite.
    stopped_at : int or numpy.ndarray
        Index of the last valid row of ``weights``: ``steps`` for a run that
        used all its steps, the step it met ``tol`` at, or the last step
        before it diverged.

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

    @property
    def steps(self):
        """Number of steps the run was given."""
        return self.weights.shape[0] - 1

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
            parts.append(f"stopped at step {stopped[0]}")
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
        return Trajectory(
            self.weights[:, :k],
            self.losses[:, :k],
            self.grad_norms[:, :k],
            self.lrs,
            np.asarray(self.diverged)[:k],
            stopped[:k],
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
        return Trajectory(
            self.weights[: k + 1],
            self.losses[: k + 1],
            self.grad_norms[: k + 1],
            self.lrs[:k],
            bool(blew) if single else blew,
            int(stop) if single else stop,
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
    lr : float or callable
        The learning rate :math:`\\eta`: a positive number, or a schedule
        ``t -> rate`` from :mod:`gdcourse.schedules`.
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
    >>> adam = gradient_descent(s, [1.0], lr=0.1, steps=3, optimizer=optimizers.adam())
    >>> print(np.round(adam.weights[:, 0], 4))
    [1.     0.9    0.8004 0.7016]
    """
    if not isinstance(surface, Surface):
        raise ValueError(
            f"surface must be a gdcourse.surfaces.Surface, got {type(surface).__name__}"
        )
    w = check_start(surface, w0)
    steps = check_steps(steps)
    opt = optimizers.resolve(optimizer, momentum, nesterov)
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
    lrs = np.asarray(rate(np.arange(steps)), dtype=float) if steps else np.empty(0)

    weights = np.full((steps + 1, n, d), np.nan)
    losses = np.full((steps + 1, n), np.nan)
    grad_norms = np.full((steps + 1, n), np.nan)
    state = opt.init(w)
    active = np.ones(n, dtype=bool)
    diverged = np.zeros(n, dtype=bool)
    stopped_at = np.full(n, steps)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        g = surface.grad_fn(w)
        weights[0], losses[0] = w, surface.value_fn(w)
        grad_norms[0] = np.sqrt((g * g).sum(-1))
        if tol is not None:
            done = grad_norms[0] < tol
            stopped_at[done], active[done] = 0, False
        for k in range(steps):
            if not active.any():
                break
            if noise:
                g = g + noise * rng.standard_normal(g.shape)
            if clip_norm is not None:
                g = optimizers.clip_by_norm(g, clip_norm)
            w_next, state = opt.update(g, state, w, lrs[k])
            everyone = active.all()  # the common case skips the masked copies
            w = w_next if everyone else np.where(active[:, None], w_next, w)
            g = surface.grad_fn(w)
            loss = surface.value_fn(w)
            gnorm = np.sqrt((g * g).sum(-1))
            blown = active & ~(within_bound(w) & np.isfinite(loss))
            if blown.any():
                diverged |= blown
                stopped_at[blown] = k
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
                active &= ~done

    if single:
        return Trajectory(
            weights[:, 0],
            losses[:, 0],
            grad_norms[:, 0],
            lrs,
            bool(diverged[0]),
            int(stopped_at[0]),
        )
    return Trajectory(weights, losses, grad_norms, lrs, diverged, stopped_at)

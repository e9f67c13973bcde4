"""Chapter 10 explorer: how far to step, and in which direction.

One method (gradient descent at a fixed rate, with Armijo backtracking or
with Polyak's step; Newton, damped Newton, L-BFGS) on one of five surfaces
from one of three starts: its path in the weight plane and its loss against
the gradient evaluations it used.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from matplotlib.ticker import LogLocator, NullLocator

from gdcourse import adaptive, descent, newton, plotting, stepsizes, surfaces
from gdcourse.widgets.base import Explorer
from gdcourse.widgets.controls import (
    _loss_bands,
    divergence_status,
    draw_bands,
    dropdown,
    int_slider,
    selection_slider,
)
from gdcourse.widgets.registry import register

__all__ = [
    "STEP_SIZE_BOX",
    "STEP_SIZE_METHODS",
    "STEP_SIZE_SURFACES",
    "DAMPINGS",
    "step_size_surface",
    "step_size_run",
    "StepSizeExplorer",
    "step_size_explorer",
]

#: The weight-plane box every surface is drawn over (so the axes never change).
STEP_SIZE_BOX = ((-2.0, 2.0), (-1.5, 2.5))

#: The methods offered, in menu order.
STEP_SIZE_METHODS = (
    "GD",
    "GD + Armijo",
    "Polyak",
    "Newton",
    "damped Newton",
    "L-BFGS",
)

_RAVINE_STARTS = ((-1.8, 0.6), (-1.8, 0.018), (1.5, 2.0))

#: The surfaces offered: label -> (factory, three starts, fixed rate of "GD").
#: The ravines have kappa = 100 (chapter 9's); the fixed rate on them is the
#: best one, 2 / (mu + L).
STEP_SIZE_SURFACES = {
    "ravine": (
        lambda: adaptive.ravine(kappa=100.0),
        _RAVINE_STARTS,
        2.0 / 1.01,
    ),
    "turned ravine": (
        lambda: adaptive.ravine(kappa=100.0, angle=45.0),
        tuple(tuple(adaptive.rotate(w, 45.0).tolist()) for w in _RAVINE_STARTS),
        2.0 / 1.01,
    ),
    "Rosenbrock": (
        surfaces.rosenbrock,
        ((-1.2, 1.0), (0.0, 2.0), (1.8, 0.0)),
        1e-3,
    ),
    "saddle": (surfaces.saddle, ((0.5, 0.3), (1.5, 0.05), (-1.0, 1.5)), 0.1),
    "two valleys": (
        surfaces.two_valleys,
        ((0.3, 0.5), (1.5, 1.0), (-1.5, -1.0)),
        0.1,
    ),
}

#: How the status names each surface.
PHRASES = {
    "ravine": "the ravine",
    "turned ravine": "the turned ravine",
    "Rosenbrock": "Rosenbrock's valley",
    "saddle": "the saddle",
    "two valleys": "the two valleys",
}

#: The damping values offered to damped Newton.
DAMPINGS = (0.0, 0.1, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0)

#: Why a run stopped, in the explorer's words (the others need none).
STOP_WORDS = {
    "stationary": "the gradient is exactly zero (a critical point)",
    "not descent": "the direction points uphill",
    "singular": "the Hessian is singular",
    "below f_min": "the loss reached Polyak's f*",
    "no decrease": "no rate lowers the loss",
    "unbounded": "no minimum along the line",
}

#: Why a run stopped, where a surface or the damping needs other words.
SINGULAR_DAMPED = "H + damping·I is singular (the damping cancels a curvature of H)"
BELOW_THE_BOX = (
    "the loss reached the lowest value on the box, which Polyak's step was "
    "given as f* ({surface} has no lowest value)"
)

#: Shown on the loss panel when a run goes below the lowest value on the box
#: of a surface unbounded below, where the gap is no longer drawn.
BELOW_NOTE = "below the box's lowest value: not drawn"

#: Armijo's first trial rate, and the gradient norm at which every run stops.
ARMIJO_LR0 = 10.0
TOL = 1e-10


def step_size_surface(name):
    """The surface ``name`` of :data:`STEP_SIZE_SURFACES`, drawn over :data:`STEP_SIZE_BOX`.

    Examples
    --------
    >>> step_size_surface("Rosenbrock").box
    ((-2.0, 2.0), (-1.5, 2.5))
    """
    if name not in STEP_SIZE_SURFACES:
        raise ValueError(
            f"surface must be one of {tuple(STEP_SIZE_SURFACES)}, got {name!r}"
        )
    return dataclasses.replace(STEP_SIZE_SURFACES[name][0](), box=STEP_SIZE_BOX)


def _floor(surface):
    """The lowest known minimum value, else the lowest value on the box's grid."""
    if surface.global_minimum is not None:
        return float(surface(surface.global_minimum))
    return float(surface.grid(160)[2].min())


def _singular(H):
    """Whether ``H`` is singular as :func:`gdcourse.newton.newton` judges it."""
    size = np.abs(np.linalg.eigvalsh(H))
    return not size.min() > len(H) * np.finfo(float).eps * size.max()


def step_size_run(surface, method, w0, steps, damping=1.0, lr=0.1):
    """The run the explorer draws: ``method`` on ``surface`` from ``w0``.

    Parameters
    ----------
    surface : Surface
    method : str
        One of :data:`STEP_SIZE_METHODS`.
    w0 : array_like, shape (2,)
    steps : int
    damping : float
        The damping of "damped Newton" (the other methods have none).
    lr : float
        The fixed rate of "GD".

    Returns
    -------
    Trajectory
        Every run stops once its gradient norm is below :data:`TOL`.

    Notes
    -----
    "GD + Armijo" backtracks from :data:`ARMIJO_LR0` with the defaults of
    :func:`gdcourse.stepsizes.armijo`; "Polyak" uses the surface's lowest
    value (its global minimum's, or the lowest on the box for the saddle,
    which has none); "L-BFGS" keeps 10 pairs.

    Examples
    --------
    >>> s = step_size_surface("turned ravine")
    >>> run = step_size_run(s, "Newton", [-0.85, -1.7], steps=5)
    >>> print(run.stopped_at, run.final_loss < 1e-30)
    1 True
    """
    if method == "GD":
        return descent.gradient_descent(surface, w0, lr=lr, steps=steps, tol=TOL)
    if method == "GD + Armijo":
        rule = stepsizes.armijo(lr0=ARMIJO_LR0)
        return descent.gradient_descent(surface, w0, lr=rule, steps=steps, tol=TOL)
    if method == "Polyak":
        rule = stepsizes.polyak(f_min=_floor(surface))
        return descent.gradient_descent(surface, w0, lr=rule, steps=steps, tol=TOL)
    if method == "Newton":
        return newton.newton(surface, w0, steps, tol=TOL)
    if method == "damped Newton":
        return newton.newton(surface, w0, steps, damping=damping, tol=TOL)
    if method == "L-BFGS":
        return newton.lbfgs(surface, w0, steps, tol=TOL)
    raise ValueError(f"method must be one of {STEP_SIZE_METHODS}, got {method!r}")


class StepSizeExplorer(Explorer):
    """One step-size rule or curvature method on one surface, from one of three starts.

    Controls: the method (:data:`STEP_SIZE_METHODS`), the surface
    (:data:`STEP_SIZE_SURFACES`), the start (three per surface), the damping
    of damped Newton (ignored by the other methods) and the steps shown
    (a prefix of the longest run).  Left: the path over the surface's loss
    bands, its minima marked.  Right: the loss above the surface's lowest
    value against the gradient evaluations the run used (Hessians are not
    counted there; the status counts them).  The lowest value is the global
    minimum's; the saddle, unbounded below, has none, and there it is the
    lowest value on the box: once the loss falls below it the gap is not
    drawn, and a note and the status say so.

    Examples
    --------
    >>> ex = StepSizeExplorer()
    >>> ex.status
    'GD + Armijo on the turned ravine: loss 0.000481 after 60 steps, 61 gradients'
    >>> _ = ex.set(method="Newton")
    >>> ex.status
    'Newton on the turned ravine: loss 0 after 1 step, 2 gradients, 1 Hessian'
    """

    def __init__(
        self,
        method="GD + Armijo",
        surface="turned ravine",
        start=0,
        damping=1.0,
        steps=60,
        max_steps=60,
        max_evals=150,
    ):
        self.max_steps, self.max_evals = int(max_steps), int(max_evals)
        self.surfaces = {name: step_size_surface(name) for name in STEP_SIZE_SURFACES}
        self.bands = {k: _loss_bands(s) for k, s in self.surfaces.items()}
        self.floors = {k: _floor(s) for k, s in self.surfaces.items()}
        starts = [("start 1", 0), ("start 2", 1), ("start 3", 2)]
        controls = {
            "method": dropdown(
                method, STEP_SIZE_METHODS, "method", static=STEP_SIZE_METHODS
            ),
            "surface": dropdown(
                surface,
                list(STEP_SIZE_SURFACES),
                "surface",
                static=list(STEP_SIZE_SURFACES),
            ),
            "start": dropdown(start, starts, "start", static=[0, 1, 2]),
            # more steps only lengthen the run: the site draws its prefix
            "steps": int_slider(steps, 0, self.max_steps, "steps", prefix=True),
            # after the steps: the first slider changes the picture at every setting
            "damping": selection_slider(
                damping, DAMPINGS, "damping (damped Newton)", static=DAMPINGS
            ),
        }
        super().__init__(controls, title="How far to step explorer")

    def start_point(self, surface, start):
        """The start ``start`` (0, 1 or 2) of ``surface``."""
        return np.array(STEP_SIZE_SURFACES[surface][1][start], dtype=float)

    @Explorer.cached(maxsize=64)
    def longest_run(self, method, surface, start, damping):
        """The run of the most steps the slider offers (shorter ones are its prefixes)."""
        return step_size_run(
            self.surfaces[surface],
            method,
            self.start_point(surface, start),
            self.max_steps,
            damping=damping,
            lr=STEP_SIZE_SURFACES[surface][2],
        )

    def build(self, axes):
        ax_w, ax_l = axes
        name = self.controls["surface"].value
        self.field = draw_bands(ax_w, self.surfaces[name], self.bands[name])
        # the minima change with the surface: drop the ones draw_bands
        # marked for the first surface, and keep a line of their own
        for line in list(ax_w.lines):
            line.remove()
        (self.minima,) = ax_w.plot([], [], "x", color="white", ms=9, mew=2)
        self.line, self.start = plotting.path(ax_w, np.zeros((1, 2)), markersize=2.5)
        self.note = plotting.diverged_note(ax_w)
        self.below = ax_l.text(
            0.5,
            0.06,
            BELOW_NOTE,
            transform=ax_l.transAxes,
            ha="center",
            va="bottom",
            fontsize=9,
            bbox=dict(boxstyle="round", fc="white", ec="0.5"),
            visible=False,
        )
        (self.loss,) = ax_l.plot(
            [], [], "-o", color=plotting.COLORS["vermillion"], ms=2.5, lw=1.4
        )
        ax_l.set_yscale("log")
        ax_l.set_xlim(0, self.max_evals)
        ax_l.set_ylim(1e-16, 1e4)
        # a tick every few decades and no minor ones: 20 decades of minor
        # ticks would make every background draw several times slower
        ax_l.yaxis.set_major_locator(LogLocator(numticks=8))
        ax_l.yaxis.set_minor_locator(NullLocator())
        ax_l.set_xlabel("gradient evaluations")
        ax_l.set_ylabel("loss above the lowest value")
        ax_l.grid(True, which="major", alpha=0.3)
        self.dynamic = [
            self.field,
            self.minima,
            self.line,
            self.start,
            self.note,
            self.loss,
            self.below,
        ]

    def ignores(self, values):
        """Damping belongs to damped Newton only."""
        return () if values["method"] == "damped Newton" else ("damping",)

    def draw(self, method, surface, start, damping, steps):
        s = self.surfaces[surface]
        self.field.set_data(self.bands[surface])
        minima = s.minima if len(s.minima) else np.empty((0, 2))
        self.minima.set_data(minima[:, 0], minima[:, 1])
        if method != "damped Newton":
            damping = 0.0  # not used: one cached run whatever the slider says
        run = self.longest_run(method, surface, start, damping).head(steps)
        k = int(run.stopped_at)
        plotting.update_path(self.line, self.start, run.weights[: k + 1])
        floor, losses = self.floors[surface], run.losses[: k + 1]
        gap = np.maximum(losses - floor, 1e-16)
        # a surface unbounded below has no f*: below the box's lowest value
        # the gap is not drawn (a gap clipped at 1e-16 would look converged)
        unbounded = s.global_minimum is None
        below = losses < floor if unbounded else np.zeros(k + 1, dtype=bool)
        self.loss.set_data(run.g_evals[: k + 1], np.where(below, np.nan, gap))
        self.below.set_visible(bool(below.any()))
        where = f"{method} on {PHRASES[surface]}"
        if run.diverged:
            trouble = divergence_status(
                run.losses, run.stopped_at, run.diverged, self.note
            )
            return f"{where}: {trouble}"
        self.note.set_visible(False)
        grads, hessians = int(run.g_evals[k]), int(run.h_evals[k])
        cost = f"{grads} gradient{'s' * (grads != 1)}" + (
            f", {hessians} Hessian{'s' * (hessians != 1)}" if hessians else ""
        )
        status = (
            f"{where}: loss {run.final_loss:.3g} after {k} step{'s' * (k != 1)}, {cost}"
        )
        if run.final_loss > run.losses[0]:
            status += f" (up from {run.losses[0]:.3g})"
        if run.stop_reason == "tol":
            lowest = np.linalg.eigvalsh(s.hessian(run.final_weights))[0]
            if lowest < 0:
                status += "; a saddle point, not a minimum"
        reason = STOP_WORDS.get(str(run.stop_reason))
        if run.stop_reason == "singular" and damping > 0:
            if not _singular(s.hessian(run.final_weights)):
                reason = SINGULAR_DAMPED
        if run.stop_reason == "below f_min" and unbounded:
            reason = BELOW_THE_BOX.format(surface=PHRASES[surface])
        elif below.any():
            status += (
                f"; below the lowest value on the box ({floor:.3g}) "
                f"from step {int(np.argmax(below))}"
            )
        return f"{status}; stopped: {reason}" if reason else status


@register("step size")
def step_size_explorer(**kwargs):
    """The chapter-10 explorer: see :class:`StepSizeExplorer`."""
    return StepSizeExplorer(**kwargs)

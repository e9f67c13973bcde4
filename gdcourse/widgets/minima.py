"""Chapter 3 explorer: local and global minima, basins and restarts."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap as _ListedColormap

from gdcourse import descent, plotting, surfaces
from gdcourse import landscape as _landscape
from gdcourse.widgets.base import Explorer
from gdcourse.widgets.controls import (
    divergence_status,
    float_slider,
    int_slider,
    log_slider,
)
from gdcourse.widgets.registry import register

#: Colours of the basin map: no minimum reached, then one per minimum.
BASIN_COLORS = (
    "#d9d9d9",
    plotting.COLORS["blue"],
    plotting.COLORS["orange"],
    plotting.COLORS["green"],
    plotting.COLORS["purple"],
)


class MinimaExplorer(Explorer):
    """Local and global minima: gradient descent with random restarts over a basin map.

    The left panel shows the surface's contours over its basin map (the
    minimum that gradient descent reaches from every start, at the current
    rate) with the path from the chosen start and from ``restarts`` extra
    random starts; the best run is starred. The right panel shows the loss of
    every run against the step, with the loss of each minimum dashed.

    The status names where the best run ended: in a minimum (its gradient
    norm is at most 0.05), still approaching one (a larger gradient at a rate
    below that minimum's stability limit :math:`2 / \\lambda_{\\max}`: the run
    has not finished), bouncing around one (a rate at or above the limit: it
    never settles there), or in no minimum yet.

    The basin maps are computed once, when the explorer is made, for
    ``buckets`` rates spread evenly in log scale over the slider's range; a
    rate change shows the map of the nearest bucket.

    Parameters
    ----------
    surface : gdcourse.surfaces.Surface, optional
        A 2-weight surface with known minima; two valleys (tilt 0.3) by default.
    lr : float
        Starting learning rate.
    start : (float, float)
        Starting point :math:`(w_1, w_2)` (controls ``x0`` and ``y0``).
    restarts : int
        Starting number of extra random starts.
    steps : int
        Gradient steps of every run.
    max_restarts : int
        Largest number of restarts on the slider.
    buckets : int
        Number of precomputed basin maps.
    grid : int
        Starts per side of each basin map.
    seed : int
        Seed of the random restart points.
    """

    LR_EXP = (-2.3, -0.6)  # 0.005 to 0.25

    def __init__(
        self,
        surface=None,
        lr=0.05,
        start=(1.5, 1.0),
        restarts=0,
        steps=100,
        max_restarts=8,
        buckets=10,
        grid=80,
        seed=0,
    ):
        self.surface = surface or surfaces.two_valleys(tilt=0.3)
        s = self.surface
        self.steps = steps
        self.max_restarts = max_restarts
        (x_lo, x_hi), (y_lo, y_hi) = s.box
        rng = np.random.default_rng(seed)
        self.restart_points = np.column_stack(
            [
                rng.uniform(x_lo, x_hi, max_restarts),
                rng.uniform(y_lo, y_hi, max_restarts),
            ]
        )
        self.bucket_rates = np.logspace(*self.LR_EXP, buckets)
        self.maps = [
            _landscape.basin_map(s, lr=r, steps=steps, grid=grid).labels
            for r in self.bucket_rates
        ]
        self.minimum_losses = s(s.minima)
        # a run can settle in a minimum only below the rate 2 / lambda_max there
        top = _landscape.hessian_eigenvalues(s, s.minima)[:, -1]
        self.stability_limits = 2.0 / top
        controls = {
            "lr": log_slider(
                lr,
                *self.LR_EXP,
                "learning rate",
                static=[
                    0.006,
                    0.01,
                    0.02,
                    0.03,
                    0.05,
                    0.08,
                    0.12,
                    0.15,
                    0.18,
                    0.21,
                    0.25,
                ],
            ),
            # restarts only add runs: the site draws the first ones of all of them
            "restarts": int_slider(
                restarts, 0, max_restarts, "random restarts", prefix=True
            ),
            "x0": float_slider(
                start[0],
                x_lo,
                x_hi,
                "start w1",
                static=np.round(np.linspace(x_lo + 0.2, x_hi - 0.1, 10), 1).tolist(),
            ),
            "y0": float_slider(
                start[1],
                y_lo,
                y_hi,
                "start w2",
                static=np.round(np.linspace(y_lo + 0.1, y_hi - 0.2, 10), 1).tolist(),
            ),
        }
        super().__init__(controls, title="Minima, basins and restarts explorer")

    @Explorer.cached()
    def all_runs(self, lr, x0, y0):
        """The run from the start and from every restart point (fewer restarts: the first ones)."""
        starts = np.vstack([[x0, y0], self.restart_points])
        return descent.gradient_descent(self.surface, starts, lr=lr, steps=self.steps)

    def build(self, axes):
        ax_w, ax_l = axes
        s = self.surface
        (x_lo, x_hi), (y_lo, y_hi) = s.box
        X, Y, Z = s.grid(120)
        ax_w.contour(
            X, Y, np.log1p(Z - Z.min()), levels=14, colors="0.25", linewidths=0.5
        )
        n = len(s.minima)
        cmap = _ListedColormap(list(BASIN_COLORS[: n + 1]))
        self.basins = ax_w.imshow(
            self.maps[0] + 1,
            origin="lower",
            extent=(x_lo, x_hi, y_lo, y_hi),
            cmap=cmap,
            vmin=0,
            vmax=n,
            alpha=0.45,
            interpolation="nearest",
            aspect="auto",
        )
        plotting.mark_minima(ax_w, s, color=plotting.COLORS["black"])
        ax_w.set_xlim(x_lo, x_hi)
        ax_w.set_ylim(y_lo, y_hi)
        ax_w.set_xlabel("$w_1$")
        ax_w.set_ylabel("$w_2$")
        self.restart_lines = [
            ax_w.plot([], [], "-", color="white", lw=1.0, alpha=0.9)[0]
            for _ in range(self.max_restarts)
        ]
        self.line, self.start = plotting.path(ax_w, np.zeros((1, 2)), markersize=2.5)
        (self.best,) = ax_w.plot(
            [], [], "*", color=plotting.COLORS["yellow"], ms=16, markeredgecolor="black"
        )
        self.note = plotting.diverged_note(ax_w)
        for i, loss in enumerate(self.minimum_losses):
            ax_l.axhline(
                loss,
                color=BASIN_COLORS[i + 1],
                ls="--",
                lw=1.2,
                label=f"minimum {i + 1}: loss {loss:.2f}",
            )
        self.restart_curves = [
            ax_l.plot([], [], color="0.55", lw=0.9)[0] for _ in range(self.max_restarts)
        ]
        (self.curve,) = ax_l.plot(
            [],
            [],
            color=plotting.COLORS["vermillion"],
            lw=1.8,
            label="run from the start",
        )
        lo = float(self.minimum_losses.min())
        ax_l.set_xlim(0, self.steps)
        ax_l.set_ylim(lo - 0.3, lo + 3.0)
        ax_l.set_xlabel("step")
        ax_l.set_ylabel("loss")
        ax_l.legend(loc="upper right", fontsize=8)
        self.dynamic = (
            [self.basins]
            + self.restart_lines
            + [self.line, self.start, self.best, self.note]
            + self.restart_curves
            + [self.curve]
        )

    def bucket(self, lr):
        """Index of the precomputed basin map whose rate is nearest ``lr`` (in log scale)."""
        return int(np.argmin(np.abs(np.log(self.bucket_rates) - np.log(lr))))

    def draw(self, lr, restarts, x0, y0):
        s = self.surface
        self.basins.set_data(self.maps[self.bucket(lr)] + 1)
        run = self.all_runs(lr, x0, y0).first(restarts + 1)
        steps = np.arange(self.steps + 1)
        plotting.update_path(self.line, self.start, run.weights[:, 0])
        self.curve.set_data(steps, run.losses[:, 0])
        for k, (line, curve) in enumerate(
            zip(self.restart_lines, self.restart_curves), start=1
        ):
            used = k <= restarts
            line.set_visible(used)
            curve.set_visible(used)
            if used:
                line.set_data(run.weights[:, k, 0], run.weights[:, k, 1])
                curve.set_data(steps, run.losses[:, k])
        final = np.where(run.diverged, np.inf, run.final_loss)
        labels = _landscape.label_minima(
            s, np.where(run.diverged[:, None], np.nan, run.final_weights)
        )
        if np.all(run.diverged):
            self.best.set_data([], [])
            status = f"every run diverged (first at step {int(run.stopped_at.min())})"
            self.note.set_text(status)
            self.note.set_visible(True)
            return status
        b = int(np.argmin(final))
        self.best.set_data(run.final_weights[b, :1], run.final_weights[b, 1:])
        divergence_status(
            run.losses[:, 0], run.stopped_at[0], run.diverged[0], self.note
        )
        glob = int(np.argmin(self.minimum_losses))
        where = (
            "the global minimum"
            if labels[b] == glob
            else "a local minimum"
            if labels[b] >= 0
            else "no minimum yet"
        )
        if labels[b] >= 0 and run.grad_norms[run.stopped_at[b], b] > 0.05:
            # not settled: past the stability limit it never will be;
            # below it the run has simply not finished its descent
            if lr >= self.stability_limits[labels[b]]:
                where = "bouncing around " + where
            else:
                where = "still approaching " + where
        runs = "1 run" if restarts == 0 else f"best of {restarts + 1} runs"
        found = int(np.sum(labels == glob))
        return (
            f"{runs}: {where} (loss {final[b]:.3f}); "
            f"{found} of {restarts + 1} reached the global minimum"
        )


@register("minima")
def minima_explorer(**kwargs):
    """The chapter-3 explorer: see :class:`MinimaExplorer`."""
    return MinimaExplorer(**kwargs)

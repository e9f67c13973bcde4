"""Chapter 5 explorer: mini-batch SGD against full-batch descent."""

from __future__ import annotations

import numpy as np

from gdcourse import batching as _batching
from gdcourse import plotting, surfaces
from gdcourse.widgets.base import Explorer
from gdcourse.widgets.controls import (
    divergence_status,
    int_slider,
    log_slider,
    selection_slider,
)
from gdcourse.widgets.registry import register


class BatchSizeExplorer(Explorer):
    """Mini-batch SGD on a 2-weight linear regression: the path on the loss contours and its loss curve.

    Controls: batch size (powers of two up to the whole training set), learning
    rate (log scale) and seed (which batches are drawn). The full-batch path at
    the same rate is drawn for comparison; every run takes the same number of steps.
    The default seed keeps every preset path of the static preview (rates up to
    0.3) inside the plotted box; the slope and intercept are named ``w_1`` and
    ``w_2`` as in chapter 1.
    """

    def __init__(self, lr=0.1, batch_size=8, seed=3, steps=60, start=(-2.0, 3.0)):
        data = _batching.two_weight_problem()
        self.X, self.y = np.asarray(data.X_train), np.asarray(data.y_train)
        self.n = len(self.y)
        self.surface = surfaces.least_squares(
            self.X, self.y, box=((-2.5, 3.5), (-3.0, 3.5))
        )
        self.floor = float(self.surface(self.surface.minima[0]))
        self.steps = steps
        self.start0 = np.asarray(start, dtype=float)
        sizes = [2**k for k in range(int(np.log2(self.n)) + 1)]
        if sizes[-1] != self.n:
            sizes.append(self.n)
        controls = {
            "batch_size": selection_slider(
                batch_size, sizes, "batch size", static=sizes
            ),
            "lr": log_slider(
                lr,
                -3.0,
                0.0,
                "learning rate",
                static=[0.003, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8],
            ),
            "seed": int_slider(seed, 0, 9, "seed", static=range(10)),
        }
        super().__init__(controls, title="Batch size explorer")

    def build(self, axes):
        ax_w, ax_l = axes
        plotting.contour(ax_w, self.surface, labels=("slope $w_1$", "intercept $w_2$"))
        plotting.mark_minima(ax_w, self.surface)
        zero = np.tile(self.start0, (2, 1))
        self.gd_line, self.gd_start = plotting.path(
            ax_w, zero, color=plotting.COLORS["sky"], markersize=2.5, label="full batch"
        )
        self.line, self.start = plotting.path(
            ax_w,
            zero,
            color=plotting.COLORS["vermillion"],
            markersize=2.5,
            label="mini-batch",
        )
        self.note = plotting.diverged_note(ax_w)
        self.gd_loss = plotting.loss_curve(
            ax_l, np.ones(2), color=plotting.COLORS["sky"], label="full batch"
        )
        self.loss = plotting.loss_curve(
            ax_l, np.ones(2), color=plotting.COLORS["vermillion"], label="mini-batch"
        )
        ax_l.set_ylabel("loss above the minimum")
        ax_l.set_xlim(0, self.steps)
        ax_l.set_ylim(1e-4, 1e2)
        ax_l.grid(True, which="major", alpha=0.3)
        ax_l.legend(loc="upper right", fontsize=8)
        self.info = ax_l.text(
            0.03, 0.04, "", transform=ax_l.transAxes, fontsize=8, va="bottom"
        )
        self.dynamic = [
            self.gd_line,
            self.gd_start,
            self.line,
            self.start,
            self.gd_loss,
            self.loss,
            self.note,
            self.info,
        ]

    def run(self, batch_size, lr, seed):
        """The mini-batch run and the full-batch run for these settings (:class:`~gdcourse.batching.SGDRuns`)."""
        sgd = _batching.least_squares_sgd(
            self.X, self.y, self.start0, lr, batch_size, self.steps, seeds=seed
        )
        full = _batching.least_squares_sgd(
            self.X, self.y, self.start0, lr, self.n, self.steps, seeds=seed
        )
        return sgd, full

    def draw(self, batch_size, lr, seed):
        sgd, full = self.run(batch_size, lr, seed)
        for (line, start, curve), r in (
            ((self.line, self.start, self.loss), sgd),
            ((self.gd_line, self.gd_start, self.gd_loss), full),
        ):
            plotting.update_path(line, start, r.weights[:, 0])
            gap = np.clip(r.losses[:, 0] - self.floor, 1e-12, None)
            curve.set_data(np.arange(gap.size), gap)
        seen = self.steps * batch_size
        self.info.set_text(
            f"B = {batch_size}: {self.steps} steps use {seen} examples "
            f"({seen / self.n:.2g} epochs)"
        )
        trouble = divergence_status(
            sgd.losses[:, 0], sgd.stopped_at[0], bool(sgd.diverged[0]), self.note
        )
        return (
            trouble
            or f"loss {sgd.losses[-1, 0] - self.floor:.3g} above the minimum after {self.steps} steps"
        )


@register("batch size")
def batch_size_explorer(**kwargs):
    """The chapter-5 explorer: see :class:`BatchSizeExplorer`."""
    return BatchSizeExplorer(**kwargs)

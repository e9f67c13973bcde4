"""Chapter 2 explorer: the learning rate against the stability limit."""

from __future__ import annotations

import numpy as np

from gdcourse import descent, plotting
from gdcourse import theory as _theory
from gdcourse.widgets.base import Explorer
from gdcourse.widgets.controls import (
    CONDITION_NUMBERS,
    BandedBowl,
    divergence_status,
    int_slider,
    log_slider,
    loss_gap,
    selection_slider,
)
from gdcourse.widgets.registry import register


class LearningRateExplorer(Explorer):
    """Gradient descent on an elongated bowl: how the rate and the condition number decide.

    Controls: the learning rate (log scale), the condition number
    :math:`\\kappa = L/\\mu` of the bowl (its steep curvature ``L`` stays fixed)
    and the number of steps.  Panels: the path in the weight plane, the loss
    above the minimum, and a rate axis showing the current rate against the
    stability limit :math:`2/L` and the best fixed rate :math:`2/(\\mu + L)`.
    """

    ncols = 3

    def __init__(
        self, lr=0.6, kappa=10, steps=40, L=1.0, start=(-3.5, 1.5), max_steps=100
    ):
        self.bowls = BandedBowl(L, CONDITION_NUMBERS)
        self.start_point = np.asarray(start, dtype=float)
        self.max_steps = int(max_steps)
        self.lr_range = (-2.0, 0.5)
        controls = {
            "lr": log_slider(
                lr,
                *self.lr_range,
                "learning rate",
                # 2/L = 2: the last three rates are just below and above it
                static=[0.02, 0.05, 0.1, 0.2, 0.4, 0.6, 1.0, 1.6, 1.9, 2.1, 2.5],
            ),
            "kappa": selection_slider(
                kappa, CONDITION_NUMBERS, "condition number", static=CONDITION_NUMBERS
            ),
            "steps": int_slider(steps, 1, self.max_steps, "steps", prefix=True),
        }
        super().__init__(controls, title="Learning-rate explorer")

    @Explorer.cached()
    def longest_run(self, lr, kappa):
        """The run with the most steps the slider offers (shorter runs are its prefixes)."""
        return descent.gradient_descent(
            self.bowls.surfaces[kappa], self.start_point, lr=lr, steps=self.max_steps
        )

    def build(self, axes):
        ax_w, ax_l, ax_r = axes
        ax_w.get_subplotspec().get_gridspec().set_width_ratios([2.3, 1.6, 0.55])
        self.field = self.bowls.draw(ax_w, self.controls["kappa"].value)
        self.line, self.start = plotting.path(
            ax_w, self.start_point[None, :], markersize=2.5
        )
        self.note = plotting.diverged_note(ax_w)
        self.loss = plotting.loss_curve(ax_l, np.ones(1))
        ax_l.set_ylabel("loss above the minimum")
        ax_l.set_xlim(0, self.max_steps)
        ax_l.set_ylim(1e-10, 1e4)
        ax_l.grid(True, which="major", alpha=0.3)
        limit = _theory.stability_limit(self.bowls.L)
        lo, hi = 10.0 ** self.lr_range[0], 10.0 ** self.lr_range[1]
        ax_r.set_yscale("log")
        ax_r.set_ylim(lo, hi)
        ax_r.set_xlim(0, 1)
        ax_r.set_xticks([])
        ax_r.axhspan(limit, hi, color=plotting.COLORS["vermillion"], alpha=0.25, lw=0)
        ax_r.axhline(limit, color=plotting.COLORS["vermillion"], lw=1.5)
        ax_r.text(
            0.5,
            limit * 1.12,
            "2/L",
            ha="center",
            va="bottom",
            fontsize=8,
            color=plotting.COLORS["vermillion"],
        )
        ax_r.set_ylabel("learning rate (log scale)")
        (self.best,) = ax_r.plot(
            [0, 1], [1.0, 1.0], color=plotting.COLORS["green"], lw=1.5, ls="--"
        )
        self.best_label = ax_r.text(
            0.5,
            1.0,
            "best",
            ha="center",
            va="top",
            fontsize=8,
            color=plotting.COLORS["green"],
        )
        (self.marker,) = ax_r.plot(
            [0.5], [1.0], ">", color=plotting.COLORS["black"], ms=9
        )
        self.dynamic = [
            self.field,
            self.line,
            self.start,
            self.note,
            self.loss,
            self.best,
            self.best_label,
            self.marker,
        ]

    def draw(self, lr, kappa, steps):
        surface = self.bowls.surfaces[kappa]
        self.field.set_data(self.bowls.bands[kappa])
        run = self.longest_run(lr, kappa).head(steps)
        plotting.update_path(self.line, self.start, run.weights)
        gap = loss_gap(run, surface)
        self.loss.set_data(np.arange(gap.size), gap)
        best = _theory.optimal_lr(self.bowls.L / kappa, self.bowls.L)
        self.best.set_ydata([best, best])
        self.best_label.set_y(best / 1.08)
        self.marker.set_ydata([lr])
        status = divergence_status(
            run.losses, run.stopped_at, run.diverged, self.note
        ) or (f"loss {run.final_loss:.3g} after {run.stopped_at} steps")
        limit = _theory.stability_limit(self.bowls.L)
        return f"{status}; rate {lr:.3g} = {lr / limit:.2f} x 2/L"


@register("learning rate")
def learning_rate_explorer(**kwargs):
    """The chapter-2 explorer: see :class:`LearningRateExplorer`."""
    return LearningRateExplorer(**kwargs)

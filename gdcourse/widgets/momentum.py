"""Chapter 7 explorer: heavy-ball momentum beside plain gradient descent."""

from __future__ import annotations

import numpy as np

from gdcourse import descent, plotting
from gdcourse import theory as _theory
from gdcourse.widgets.base import Explorer
from gdcourse.widgets.controls import (
    CONDITION_NUMBERS,
    BandedBowl,
    divergence_status,
    float_slider,
    log_slider,
    loss_gap,
    over_the_rest,
    selection_slider,
)
from gdcourse.widgets.registry import register


class MomentumExplorer(Explorer):
    """Heavy-ball momentum beside plain gradient descent on an elongated bowl.

    Controls: the learning rate (log scale), the momentum :math:`\\beta` and
    the condition number.  The momentum run (vermillion) is drawn over plain
    gradient descent at its own best fixed rate :math:`2/(\\mu + L)` (blue), on
    the same axes, with both loss curves beside.
    """

    def __init__(
        self, lr=1.0, momentum=0.9, kappa=100, L=1.0, start=(-3.5, 1.5), steps=100
    ):
        self.bowls = BandedBowl(L, CONDITION_NUMBERS)
        self.start_point = np.asarray(start, dtype=float)
        self.steps = int(steps)
        controls = {
            "lr": log_slider(
                lr,
                -2.0,
                0.7,
                "learning rate",
                static=[0.03, 0.1, 0.2, 0.3, 0.5, 1.0, 1.5, 2.0, 3.3, 5.0],
            ),
            "momentum": float_slider(
                momentum,
                0.0,
                0.99,
                "momentum",
                step=0.01,
                static=[0.0, 0.3, 0.5, 0.6, 0.67, 0.8, 0.9, 0.95, 0.97, 0.99],
            ),
            "kappa": selection_slider(
                kappa, CONDITION_NUMBERS, "condition number", static=CONDITION_NUMBERS
            ),
        }
        super().__init__(controls, title="Momentum explorer")

    @Explorer.cached(maxsize=len(CONDITION_NUMBERS))
    def plain_run(self, kappa):
        """Plain gradient descent at its best rate on the bowl of condition number ``kappa``."""
        mu, L = self.bowls.L / kappa, self.bowls.L
        return descent.gradient_descent(
            self.bowls.surfaces[kappa],
            self.start_point,
            lr=_theory.optimal_lr(mu, L),
            steps=self.steps,
        )

    def build(self, axes):
        ax_w, ax_l = axes
        self.field = self.bowls.draw(ax_w, self.controls["kappa"].value)
        self.plain_line, self.plain_start = plotting.path(
            ax_w,
            self.start_point[None, :],
            color=plotting.COLORS["sky"],
            markersize=2,
            label="plain GD, best rate",
        )
        self.line, self.start = plotting.path(
            ax_w, self.start_point[None, :], markersize=2.5, label="momentum"
        )
        ax_w.legend(loc="upper right", fontsize=7, framealpha=0.8)
        self.note = plotting.diverged_note(ax_w)
        self.plain_loss = plotting.loss_curve(
            ax_l, np.ones(1), color=plotting.COLORS["blue"], label="plain GD, best rate"
        )
        self.loss = plotting.loss_curve(
            ax_l, np.ones(1), color=plotting.COLORS["vermillion"], label="momentum"
        )
        ax_l.set_ylabel("loss above the minimum")
        ax_l.set_xlim(0, self.steps)
        ax_l.set_ylim(1e-12, 1e4)
        ax_l.grid(True, which="major", alpha=0.3)
        ax_l.legend(loc="upper right", fontsize=7)
        self.dynamic = [
            self.field,
            self.plain_line,
            self.plain_start,
            self.line,
            self.start,
            self.note,
            self.plain_loss,
            self.loss,
        ]
        # a diverging path or the note crosses the legends: drawn over them, as on the site
        over_the_rest(self.dynamic)

    def draw(self, lr, momentum, kappa):
        surface = self.bowls.surfaces[kappa]
        self.field.set_data(self.bowls.bands[kappa])
        plain = self.plain_run(kappa)
        run = descent.gradient_descent(
            surface, self.start_point, lr=lr, steps=self.steps, momentum=momentum
        )
        plotting.update_path(self.plain_line, self.plain_start, plain.weights)
        plotting.update_path(self.line, self.start, run.weights)
        for line, r in ((self.plain_loss, plain), (self.loss, run)):
            gap = loss_gap(r, surface)
            line.set_data(np.arange(gap.size), gap)
        status = divergence_status(
            run.losses, run.stopped_at, run.diverged, self.note
        ) or (f"loss {run.final_loss:.3g} after {run.stopped_at} steps")
        plain_status = divergence_status(
            plain.losses, plain.stopped_at, plain.diverged
        ) or (f"loss {plain.final_loss:.3g} after {plain.stopped_at} steps")
        return f"momentum: {status}; plain GD at its best rate: {plain_status}"


@register("momentum")
def momentum_explorer(**kwargs):
    """The chapter-7 explorer: see :class:`MomentumExplorer`."""
    return MomentumExplorer(**kwargs)

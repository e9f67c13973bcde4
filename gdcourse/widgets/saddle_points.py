"""Chapter 4 explorer: escaping a saddle point."""

from __future__ import annotations

import numpy as np

from gdcourse import descent, plotting, surfaces, theory
from gdcourse import landscape as _landscape
from gdcourse.widgets.base import Explorer
from gdcourse.widgets.controls import dropdown, log_slider
from gdcourse.widgets.registry import register

#: Noise levels offered by the saddle explorer: label -> standard deviation.
SADDLE_NOISE = (
    ("none", 0.0),
    ("1e-8", 1e-8),
    ("1e-5", 1e-5),
    ("1e-3", 1e-3),
    ("0.03", 0.03),
)


class SaddleExplorer(Explorer):
    """Escaping a saddle: the path from a start ``eps`` off the stable line, and the loss plateau.

    On :math:`f = \\tfrac12 (a w_1^2 - b w_2^2)` the run starts at
    :math:`(w_1, w_2) = (x_0, \\varepsilon)`, ``eps`` off the stable line
    :math:`w_2 = 0`. Without noise the distance from that line grows like
    :math:`(1 + \\eta b)^k \\varepsilon`, so the escape (:math:`|w_2| \\ge R`, ``radius``)
    comes at :math:`k^* = \\lceil \\log(R / \\varepsilon) / \\log(1 + \\eta b) \\rceil`,
    drawn as a dashed line on the loss curve. Gradient noise (``noise``)
    kicks the run off the line much sooner when ``eps`` is tiny.

    Parameters
    ----------
    a, b : float
        Curvatures of the saddle along :math:`w_1` (up) and :math:`w_2` (down).
    eps, noise, lr : float
        Starting offset, noise standard deviation, learning rate.
    x0 : float
        Starting :math:`w_1`.
    radius : float
        Escape distance from the stable line.
    max_steps : int
        Most steps a run may take.
    seed : int
        Seed of the noise.
    """

    def __init__(
        self,
        a=1.0,
        b=1.0,
        eps=1e-6,
        noise=0.0,
        lr=0.1,
        x0=1.5,
        radius=1.0,
        max_steps=600,
        seed=0,
    ):
        self.surface = surfaces.saddle(a, b)
        self.b, self.x0, self.radius = float(b), float(x0), float(radius)
        self.max_steps, self.seed = int(max_steps), seed
        controls = {
            "eps": log_slider(
                eps,
                -12.0,
                -1.0,
                "offset eps",
                step=0.25,
                static=[
                    1e-12,
                    1e-11,
                    1e-10,
                    1e-9,
                    1e-8,
                    1e-7,
                    1e-6,
                    1e-5,
                    1e-4,
                    1e-3,
                    1e-2,
                    1e-1,
                ],
            ),
            "noise": dropdown(
                noise, SADDLE_NOISE, "noise", static=[v for _, v in SADDLE_NOISE]
            ),
            "lr": log_slider(
                lr,
                np.log10(0.05),
                np.log10(0.5),
                "learning rate",
                static=[0.06, 0.07, 0.1, 0.13, 0.17, 0.2, 0.25, 0.3, 0.4, 0.5],
            ),
        }
        super().__init__(controls, title="Saddle escape explorer")

    def prediction(self, eps, lr):
        """Predicted escape step without noise, :math:`\\lceil \\log(R/\\varepsilon) / \\log(1 + \\eta b) \\rceil`."""
        return theory.saddle_escape_steps(eps, lr, self.b, self.radius)

    def build(self, axes):
        ax_w, ax_l = axes
        s = self.surface
        plotting.contour(ax_w, s, n=120, levels=14, log=False)
        ax_w.plot([0.0], [0.0], "x", color="white", ms=9, mew=2)
        ax_w.axhline(0.0, color="white", lw=0.8, ls=":")
        for sign in (-1, 1):
            ax_w.axhline(
                sign * self.radius, color=plotting.COLORS["orange"], lw=0.8, ls="--"
            )
        self.line, self.start = plotting.path(ax_w, np.zeros((1, 2)), markersize=2.0)
        (self.curve,) = ax_l.plot(
            [], [], color=plotting.COLORS["blue"], lw=1.6, label="loss"
        )
        self.predicted = ax_l.axvline(
            0.0,
            color=plotting.COLORS["orange"],
            ls="--",
            lw=1.2,
            label="predicted escape (no noise)",
        )
        (self.escaped,) = ax_l.plot(
            [],
            [],
            "o",
            color=plotting.COLORS["vermillion"],
            ms=7,
            label="measured escape",
        )
        ax_l.set_xlim(0, self.max_steps)
        ax_l.set_ylim(-2.2, 1.3)
        ax_l.set_xlabel("step")
        ax_l.set_ylabel("loss")
        ax_l.legend(loc="lower left", fontsize=8)
        self.text = ax_l.text(
            0.97,
            0.96,
            "",
            transform=ax_l.transAxes,
            ha="right",
            va="top",
            fontsize=9,
            bbox=dict(boxstyle="round", fc="white", ec="0.7"),
        )
        self.dynamic = [
            self.line,
            self.start,
            self.curve,
            self.predicted,
            self.escaped,
            self.text,
        ]

    def draw(self, eps, noise, lr):
        k_hat = self.prediction(eps, lr)
        steps = min(self.max_steps, k_hat + 40)
        run = descent.gradient_descent(
            self.surface,
            [self.x0, eps],
            lr=lr,
            steps=steps,
            noise=noise,
            seed=self.seed,
        )
        k = _landscape.escape_step(run.weights[:, 1:], [0.0], self.radius)
        inside = np.all(np.abs(run.weights) <= 2.0, axis=-1)
        last = int(np.argmin(inside)) if not inside.all() else len(inside) - 1
        plotting.update_path(self.line, self.start, run.weights[: last + 1])
        self.curve.set_data(np.arange(last + 1), run.losses[: last + 1])
        self.predicted.set_xdata([k_hat, k_hat])
        if k >= 0:
            self.escaped.set_data([k], [run.losses[k]])
            status = f"escaped at step {k} (prediction without noise: {k_hat})"
        else:
            self.escaped.set_data([], [])
            status = f"still near the saddle after {steps} steps (prediction: {k_hat})"
        self.text.set_text(status.replace(" (", "\n("))
        return status


@register("saddle")
def saddle_explorer(**kwargs):
    """The chapter-4 explorer: see :class:`SaddleExplorer`."""
    return SaddleExplorer(**kwargs)

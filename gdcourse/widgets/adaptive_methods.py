"""Chapter 9 explorer: an optimizer of your choice racing tuned momentum on a ravine."""

from __future__ import annotations

import numpy as np

from gdcourse import adaptive, descent, optimizers, plotting
from gdcourse import theory as _theory
from gdcourse.widgets.base import Explorer
from gdcourse.widgets.controls import (
    _loss_bands,
    divergence_status,
    draw_bands,
    dropdown,
    float_slider,
    log_slider,
    loss_gap,
    over_the_rest,
    selection_slider,
)
from gdcourse.widgets.registry import register

__all__ = [
    "ADAPTIVE_METHODS",
    "ADAPTIVE_SURFACES",
    "make_optimizer",
    "AdaptiveExplorer",
    "adaptive_explorer",
]

#: The explorer's menu, in order: each method, the hyperparameter controls it
#: uses, and the :mod:`gdcourse.optimizers` rule it builds from ``(beta1, beta2)``.
#: A new method is one line here.
MENU = {
    "SGD": ((), lambda b1, b2: optimizers.sgd()),
    "momentum": (("beta1",), lambda b1, b2: optimizers.sgd(momentum=b1)),
    "AdaGrad": ((), lambda b1, b2: optimizers.adagrad()),
    "RMSProp": (("beta2",), lambda b1, b2: optimizers.rmsprop(alpha=b2)),
    "Adam": (("beta1", "beta2"), lambda b1, b2: optimizers.adam(betas=(b1, b2))),
    "AMSGrad": (
        ("beta1", "beta2"),
        lambda b1, b2: optimizers.adam(betas=(b1, b2), amsgrad=True),
    ),
}

#: The methods the explorer offers, in menu order.
ADAPTIVE_METHODS = tuple(MENU)

#: The surfaces the explorer offers: label -> (angle in degrees, loss scale).
ADAPTIVE_SURFACES = {
    "ravine along the axes": (0.0, 1.0),
    "ravine turned 45 degrees": (45.0, 1.0),
    "ravine along the axes, loss x 1000": (0.0, 1000.0),
}

#: Second-moment decay rates offered (RMSProp's alpha, Adam's beta2).
BETA2_VALUES = (0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9995, 0.9999)


def make_optimizer(method, beta1=0.9, beta2=0.999):
    """The :mod:`gdcourse.optimizers` rule behind a menu entry.

    Parameters
    ----------
    method : str
        One of :data:`ADAPTIVE_METHODS`.
    beta1 : float
        Momentum of "momentum" and :math:`\\beta_1` of Adam and AMSGrad, in [0, 1).
    beta2 : float
        :math:`\\alpha` of RMSProp and :math:`\\beta_2` of Adam and AMSGrad, in [0, 1).

    Returns
    -------
    gdcourse.optimizers.Optimizer

    Examples
    --------
    >>> make_optimizer("AMSGrad", 0.8, 0.99)
    adam(betas=(0.8, 0.99), eps=1e-08, weight_decay=0.0, amsgrad=True)
    >>> make_optimizer("SGD")
    sgd(momentum=0.0, nesterov=False, weight_decay=0.0)
    """
    if method not in MENU:
        raise ValueError(f"method must be one of {ADAPTIVE_METHODS}, got {method!r}")
    return MENU[method][1](beta1, beta2)


class AdaptiveExplorer(Explorer):
    """One optimizer, your settings, against heavy-ball momentum tuned for the ravine.

    Controls: the surface (a ravine along the axes, the same ravine turned
    45 degrees, or the first one with its loss multiplied by 1000), the
    method, the learning rate (log scale), :math:`\\beta_1` (the momentum of
    "momentum") and :math:`\\beta_2` (RMSProp's :math:`\\alpha`).  The chosen
    run (vermillion) races heavy-ball momentum at its optimal settings for
    that surface (blue), which sees the same problem whichever way it is
    turned or scaled.
    """

    def __init__(
        self,
        surface="ravine turned 45 degrees",
        method="Adam",
        lr=0.1,
        beta1=0.9,
        beta2=0.999,
        kappa=100.0,
        start=(-3.0, -1.0),
        steps=150,
    ):
        self.kappa = float(kappa)
        self.surfaces = {
            label: adaptive.ravine(kappa=self.kappa, angle=angle, L=scale)
            for label, (angle, scale) in ADAPTIVE_SURFACES.items()
        }
        self.bands = {k: _loss_bands(s) for k, s in self.surfaces.items()}
        self.start_point = np.asarray(start, dtype=float)
        self.steps = int(steps)
        controls = {
            "surface": dropdown(
                surface,
                list(ADAPTIVE_SURFACES),
                "surface",
                static=list(ADAPTIVE_SURFACES),
            ),
            "method": dropdown(
                method,
                ADAPTIVE_METHODS,
                "method",
                static=ADAPTIVE_METHODS,
            ),
            "lr": log_slider(
                lr,
                -3.0,
                1.0,
                "learning rate",
                step=0.1,
                static=[0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 2.0, 3.0, 10.0],
            ),
            "beta1": float_slider(
                beta1,
                0.0,
                0.99,
                "beta1 / momentum",
                step=0.01,
                static=[0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99],
            ),
            "beta2": selection_slider(
                beta2, BETA2_VALUES, "beta2 / alpha", static=BETA2_VALUES
            ),
        }
        super().__init__(controls, title="Adaptive methods explorer")

    @Explorer.cached(maxsize=len(ADAPTIVE_SURFACES))
    def reference(self, surface):
        """Heavy-ball momentum at its optimal rate and momentum on ``surface`` (cached)."""
        scale = ADAPTIVE_SURFACES[surface][1]
        lr, beta = _theory.heavy_ball_optimal(scale / self.kappa, scale)
        return descent.gradient_descent(
            self.surfaces[surface],
            self.start_point,
            lr=lr,
            steps=self.steps,
            optimizer=optimizers.sgd(momentum=beta),
        )

    def build(self, axes):
        ax_w, ax_l = axes
        name = self.controls["surface"].value
        self.field = draw_bands(ax_w, self.surfaces[name], self.bands[name])
        self.ref_line, self.ref_start = plotting.path(
            ax_w,
            self.start_point[None, :],
            color=plotting.COLORS["sky"],
            markersize=2,
            label="momentum, tuned",
        )
        self.line, self.start = plotting.path(
            ax_w, self.start_point[None, :], markersize=2.5, label="your choice"
        )
        ax_w.legend(loc="upper left", fontsize=7, framealpha=0.8)
        self.note = plotting.diverged_note(ax_w)
        self.ref_loss = plotting.loss_curve(
            ax_l, np.ones(1), color=plotting.COLORS["blue"], label="momentum, tuned"
        )
        self.loss = plotting.loss_curve(
            ax_l, np.ones(1), color=plotting.COLORS["vermillion"], label="your choice"
        )
        ax_l.set_ylabel("loss above the minimum")
        ax_l.set_xlim(0, self.steps)
        ax_l.set_ylim(1e-14, 1e7)
        ax_l.grid(True, which="major", alpha=0.3)
        ax_l.legend(loc="upper right", fontsize=7)
        self.dynamic = [
            self.field,
            self.ref_line,
            self.ref_start,
            self.line,
            self.start,
            self.note,
            self.ref_loss,
            self.loss,
        ]
        # a diverging path or the note crosses the legends: drawn over them, as on the site
        over_the_rest(self.dynamic)

    def ignores(self, values):
        """The hyperparameters the chosen method does not have."""
        return {"beta1", "beta2"} - set(MENU[values["method"]][0])

    def draw(self, surface, method, lr, beta1, beta2):
        s = self.surfaces[surface]
        self.field.set_data(self.bands[surface])
        ref = self.reference(surface)
        run = descent.gradient_descent(
            s,
            self.start_point,
            lr=lr,
            steps=self.steps,
            optimizer=make_optimizer(method, beta1, beta2),
        )
        plotting.update_path(self.ref_line, self.ref_start, ref.weights)
        plotting.update_path(self.line, self.start, run.weights)
        for line, r in ((self.ref_loss, ref), (self.loss, run)):
            gap = loss_gap(r, s)
            line.set_data(np.arange(gap.size), gap)
        status = (
            divergence_status(run.losses, run.stopped_at, run.diverged, self.note)
            or f"loss {run.final_loss:.3g} after {run.stopped_at} steps"
        )
        return (
            f"{method}: {status}; momentum, tuned: "
            f"loss {ref.final_loss:.3g} after {ref.stopped_at} steps"
        )


@register("adaptive methods")
def adaptive_explorer(**kwargs):
    """The chapter-9 explorer: see :class:`AdaptiveExplorer`."""
    return AdaptiveExplorer(**kwargs)

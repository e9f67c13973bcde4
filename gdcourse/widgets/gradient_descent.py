"""Chapter 1 explorers: gradient descent on a surface, and fitting a line."""

from __future__ import annotations

import numpy as np

from gdcourse import descent, plotting, surfaces
from gdcourse.widgets.base import Explorer
from gdcourse.widgets.controls import descent_controls, divergence_status
from gdcourse.widgets.registry import register


class GradientDescentExplorer(Explorer):
    """Gradient descent on a 2-weight surface: the path in the weight plane and its loss curve.

    Controls: learning rate (log scale), number of steps, and the start
    :math:`(w_1, w_2)` (controls ``x0`` and ``y0``).  The static form offers
    ten rates (two of them either side of the stability limit :math:`2/L`),
    every number of steps, and starts over the whole box, from high on the
    steep wall (the path zig-zags across the valley and blows up first above
    :math:`2/L`) to the valley floor (it runs straight along it).
    """

    def __init__(self, surface=None, lr=0.1, steps=30, start=(-2.5, 1.5), max_steps=80):
        self.surface = surface or surfaces.elongated_bowl(kappa=8.0, L=1.6)
        self.max_steps = max_steps
        controls = descent_controls(
            lr,
            steps,
            max_steps,
            start,
            self.surface.box,
            names=("x0", "y0"),
            labels=("start w1", "start w2"),
            static={
                # 2/L = 1.25: the last two rates straddle the stability limit
                "lr": [0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.7, 1.0, 1.2, 1.3],
            },
        )
        super().__init__(controls, title="Gradient descent explorer")

    @Explorer.cached()
    def longest_run(self, lr, x0, y0):
        """The run with the most steps the slider offers (shorter runs are its prefixes)."""
        return descent.gradient_descent(
            self.surface, [x0, y0], lr=lr, steps=self.max_steps
        )

    def build(self, axes):
        ax_w, ax_l = axes
        s = self.surface
        plotting.contour(ax_w, s)
        plotting.mark_minima(ax_w, s)
        self.line, self.start = plotting.path(ax_w, np.zeros((1, 2)))
        self.note = plotting.diverged_note(ax_w)
        self.floor = float(s(s.global_minimum))
        self.loss = plotting.loss_curve(ax_l, np.ones(1), floor=0.0)
        ax_l.set_xlim(0, self.max_steps)
        ax_l.set_ylim(1e-8, 1e4)
        ax_l.grid(True, which="major", alpha=0.3)
        self.dynamic = [self.line, self.start, self.note, self.loss]

    def draw(self, lr, steps, x0, y0):
        run = self.longest_run(lr, x0, y0).head(steps)
        plotting.update_path(self.line, self.start, run.weights)
        gap = np.clip(run.losses - self.floor, 1e-12, None)
        self.loss.set_data(np.arange(gap.size), gap)
        trouble = divergence_status(run.losses, run.stopped_at, run.diverged, self.note)
        return trouble or f"loss {run.final_loss:.3g} after {run.stopped_at} steps"


@register("gradient descent")
def gradient_descent_explorer(**kwargs):
    """The chapter-1 explorer: see :class:`GradientDescentExplorer`."""
    return GradientDescentExplorer(**kwargs)


#: The chapter-1 data set: a noisy line, slope 1.5 and intercept -1, x in [-1, 3].
LINE_FIT_DATA = dict(
    n=80, weights=1.5, bias=-1.0, noise=0.8, x_range=(-1.0, 3.0), seed=1
)
#: The chapter-1 weight-plane box: slope, then intercept.
LINE_FIT_BOX = ((-2.0, 5.0), (-4.5, 2.5))


class LineFitExplorer(Explorer):
    """Gradient descent fitting a line: the path over (slope, intercept) beside the line itself.

    Controls: learning rate (log scale), number of steps, and the starting
    slope and intercept.  The left panel is the weight plane with the loss
    contours; the right panel shows the data, the least-squares line (dashed)
    and the line the weights describe after the last step, whose equation the
    status gives.

    Parameters
    ----------
    x, y : array_like, shape (n,), optional
        The data; by default the training part of
        ``gdcourse.data.regression(**LINE_FIT_DATA)``.
    box : ((float, float), (float, float)), optional
        Range of slope and intercept; :data:`LINE_FIT_BOX` for the default data.
    lr : float
        Starting learning rate.
    steps : int
        Starting number of steps.
    start : (float, float)
        Starting slope and intercept.
    max_steps : int
        Largest number of steps on the slider.

    Examples
    --------
    >>> ex = LineFitExplorer()
    >>> _ = ex.set(lr=0.5, steps=20)
    >>> ex.status
    'loss 0.316 after 20 steps: y = 1.62 x \u2212 1.01'
    >>> _ = ex.set(lr=1.0)                 # above 2 / (largest curvature): the run blows up
    >>> ex.status
    'diverging: loss up from 5.16 to 2.09e+12 in 20 steps'
    """

    def __init__(
        self, x=None, y=None, box=None, lr=0.3, steps=8, start=(-1.0, 1.5), max_steps=20
    ):
        if (x is None) != (y is None):
            raise ValueError("give both x and y, or neither (for the chapter's data)")
        if x is None:
            from gdcourse import data

            d = data.regression(**LINE_FIT_DATA)
            x, y = d.X_train[:, 0], d.y_train
            box = LINE_FIT_BOX if box is None else box
        self.surface = surfaces.least_squares(x, y, box=box, name="line fit")
        self.x, self.y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        self.max_steps = max_steps
        controls = descent_controls(
            lr,
            steps,
            max_steps,
            start,
            self.surface.box,
            names=("w1", "w2"),
            labels=("start slope", "start intercept"),
            static={
                # the largest curvature is about 3.0 here: 2/L is near 0.67
                "lr": [0.01, 0.03, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.65, 0.7],
            },
        )
        super().__init__(controls, title="Fitting a line by gradient descent")

    @Explorer.cached()
    def longest_run(self, lr, w1, w2):
        """The run with the most steps the slider offers (shorter runs are its prefixes)."""
        return descent.gradient_descent(
            self.surface, [w1, w2], lr=lr, steps=self.max_steps
        )

    def build(self, axes):
        ax_w, ax_d = axes
        s = self.surface
        plotting.contour(
            ax_w, s, n=120, levels=14, labels=("slope $w_1$", "intercept $w_2$")
        )
        plotting.mark_minima(ax_w, s)
        self.line, self.start = plotting.path(ax_w, np.zeros((1, 2)))
        self.note = plotting.diverged_note(ax_w)
        x_range = (self.x.min(), self.x.max())
        plotting.data_scatter(ax_d, self.x, self.y)
        plotting.fit_line(
            ax_d,
            s.minima[0],
            x_range,
            color=plotting.COLORS["black"],
            ls="--",
            lw=1.2,
            label="least squares",
        )
        self.fit = plotting.fit_line(ax_d, np.zeros(2), x_range, label="current line")
        pad = 0.15 * np.ptp(self.y)
        ax_d.set_xlim(x_range)
        ax_d.set_ylim(self.y.min() - pad, self.y.max() + pad)
        ax_d.legend(loc="lower right", fontsize=8)
        self.dynamic = [self.line, self.start, self.note, self.fit]

    def draw(self, lr, steps, w1, w2):
        run = self.longest_run(lr, w1, w2).head(steps)
        plotting.update_path(self.line, self.start, run.weights)
        plotting.update_fit_line(self.fit, run.final_weights)
        trouble = divergence_status(run.losses, run.stopped_at, run.diverged, self.note)
        if trouble:
            return trouble
        slope, intercept = run.final_weights
        sign = "+" if intercept >= 0 else "\u2212"
        return (
            f"loss {run.final_loss:.3g} after {run.stopped_at} steps: "
            f"y = {slope:.2f} x {sign} {abs(intercept):.2f}"
        )


@register("line fit")
def line_fit_explorer(**kwargs):
    """The chapter-1 line-fitting explorer: see :class:`LineFitExplorer`."""
    return LineFitExplorer(**kwargs)

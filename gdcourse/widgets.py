"""Explorers: figures with controls, live in Jupyter and still explorable on the static site.

An explorer owns one persistent Matplotlib figure.  In Jupyter it shows as
ipywidgets (the controls above an ``ipywidgets.Image`` holding the current PNG);
moving a control redraws only the artists that changed and swaps the PNG.
No front-end extension is needed, so it works in JupyterLab, Notebook 7,
VS Code and Colab alike.

On the static site (no kernel) the same output renders as HTML: a
``<div class="gd-explorer">`` with an ``<input type="range">`` or ``<select>``
per control over a grid of precomputed frames, switched by a small script that
ships with the book (``_static/gd-explorer.js``).  Precomputing the frames costs
time, so a live display only carries a one-frame HTML preview; the full
static form is made when ``GDCOURSE_STATIC_EXPLORERS=1`` is set, as the book
build and the notebook tests do.

The registered explorers, by chapter: "gradient descent" and "line fit" (1),
"learning rate" (2), "minima" (3), "saddle" (4), "batch size" (5),
"schedules" (6), "momentum" (7) and "vanishing gradients" (8).

>>> ex = EXPLORERS["gradient descent"]()
>>> sorted(ex.controls)
['lr', 'steps', 'x0', 'y0']
>>> ex.controls["lr"].value = 2.0          # far above 2/L: the run diverges
>>> ex.status
'diverged at step 22'
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import os

import ipywidgets as ipw
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap as _ListedColormap
from PIL import Image as PILImage

from gdcourse import batching as _batching
from gdcourse import data as _data
from gdcourse import descent, plotting, schedules, surfaces
from gdcourse import landscape as _landscape
from gdcourse import models as _models
from gdcourse import theory as _theory

__all__ = [
    "register",
    "static_mode",
    "encode_png",
    "encode_frame",
    "Explorer",
    "run_status",
    "GradientDescentExplorer",
    "gradient_descent_explorer",
    "LineFitExplorer",
    "line_fit_explorer",
    "LearningRateExplorer",
    "learning_rate_explorer",
    "MomentumExplorer",
    "momentum_explorer",
    "MinimaExplorer",
    "minima_explorer",
    "SaddleExplorer",
    "saddle_explorer",
    "diverged_step",
    "BatchSizeExplorer",
    "batch_size_explorer",
    "schedule_from_kind",
    "ScheduleExplorer",
    "schedule_explorer",
    "layer_statistics",
    "VanishingGradientsExplorer",
    "plotting_integer_locator",
    "vanishing_gradients_explorer",
    "EXPLORERS",
    "LINE_FIT_DATA",
    "LINE_FIT_BOX",
    "CONDITION_NUMBERS",
    "BASIN_COLORS",
    "SADDLE_NOISE",
    "SCHEDULE_KINDS",
    "VANISHING_INITS",
]

#: Registry of every explorer used in the book: name -> factory.
EXPLORERS = {}

STATIC_ENV = "GDCOURSE_STATIC_EXPLORERS"


def register(name):
    """Decorator adding an explorer factory to :data:`EXPLORERS` under ``name``."""

    def add(factory):
        if name in EXPLORERS:
            raise ValueError(f"an explorer named {name!r} is already registered")
        EXPLORERS[name] = factory
        return factory

    return add


def static_mode():
    """Whether displays should carry the full static form (``GDCOURSE_STATIC_EXPLORERS=1``)."""
    return os.environ.get(STATIC_ENV, "") == "1"


def _rgba(fig):
    """The figure's rendered pixels as a PIL image (no re-draw)."""
    buf = fig.canvas.buffer_rgba()
    h, w = int(buf.shape[0]), int(buf.shape[1])
    return PILImage.frombuffer("RGBA", (w, h), buf, "raw", "RGBA", 0, 1).convert("RGB")


def encode_png(fig):
    """PNG bytes of the figure as last drawn, fast (low compression) for live updates."""
    out = io.BytesIO()
    _rgba(fig).save(out, format="PNG", compress_level=1)
    return out.getvalue()


def encode_frame(fig, quality=75):
    """Compact WebP bytes of the figure as last drawn, for precomputed static frames."""
    out = io.BytesIO()
    _rgba(fig).save(out, format="WEBP", quality=quality, method=4)
    return out.getvalue()


class Explorer:
    """Base class: a figure whose artists follow a set of controls.

    Subclasses implement :meth:`build` (make axes and artists once) and
    :meth:`draw` (update artists from the control values), and list the
    artists that change in :attr:`dynamic` so only they are redrawn.

    Parameters
    ----------
    controls : dict
        Name -> ipywidgets value widget, in display order.
    static_values : dict
        Name -> the values the static form precomputes; a control missing
        here keeps its current value in the static form.
    title : str
        Shown above the controls.
    width, height, dpi : float
        Figure size.

    Attributes
    ----------
    controls : dict
    figure : matplotlib.figure.Figure
    image : ipywidgets.Image
    status : str
        A short description of the current state ("converged in 12 steps",
        "diverged at step 5", ...), also written on the figure.
    """

    def __init__(
        self, controls, static_values=None, title="", width=8.0, height=3.4, dpi=80
    ):
        self.controls = dict(controls)
        self.static_values = dict(static_values or {})
        self.title = title
        self.status = ""
        self.dynamic = []
        self.figure, axes = plotting.new_figure(
            width, height, dpi=dpi, ncols=self.ncols
        )
        FigureCanvasAgg(self.figure)
        self.build(axes)
        self.figure.get_layout_engine().execute(self.figure)
        self.figure.set_layout_engine("none")
        for artist in self.dynamic:
            artist.set_animated(True)
        self._background = None
        self.image = ipw.Image(format="png", layout=ipw.Layout(max_width="100%"))
        for widget in self.controls.values():
            widget.observe(self._on_change, names="value")
        self.refresh()

    ncols = 2

    # -- to implement -------------------------------------------------------
    def build(self, axes):
        """Create axes content and artists; append the changing ones to :attr:`dynamic`."""
        raise NotImplementedError

    def draw(self, **values):
        """Update the artists for these control values; return a status string."""
        raise NotImplementedError

    # -- machinery -----------------------------------------------------------
    @property
    def values(self):
        """Current control values, name -> value."""
        return {name: w.value for name, w in self.controls.items()}

    def invalidate(self):
        """Forget the cached background (call after changing static artists or limits)."""
        self._background = None

    def _render(self, values):
        """Update artists for ``values`` and draw the figure (background cached)."""
        try:
            self.status = self.draw(**values) or ""
        except Exception as exc:  # a broken callback must be visible, not silent
            self.status = f"error: {type(exc).__name__}: {exc}"
            self.figure.suptitle(self.status, color=plotting.COLORS["vermillion"])
            self.invalidate()
        canvas = self.figure.canvas
        if self._background is None:
            for artist in self.dynamic:
                artist.set_visible(False)
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            for artist in self.dynamic:
                artist.set_visible(True)
        else:
            canvas.restore_region(self._background)
        for artist in self.dynamic:
            if artist.get_visible():
                artist.axes.draw_artist(
                    artist
                ) if artist.axes else self.figure.draw_artist(artist)

    def refresh(self):
        """Recompute for the current control values and re-render :attr:`image`."""
        self._render(self.values)
        self.image.value = encode_png(self.figure)

    def _on_change(self, change):
        self.refresh()

    def set(self, **values):
        """Set several controls at once, rendering once; return the PNG bytes."""
        for name in values:
            if name not in self.controls:
                raise ValueError(
                    f"unknown control {name!r}; controls are {sorted(self.controls)}"
                )
        for name, value in values.items():
            self.controls[name].unobserve(self._on_change, names="value")
            try:
                self.controls[name].value = value
            finally:
                self.controls[name].observe(self._on_change, names="value")
        self.refresh()
        return self.image.value

    # -- display -------------------------------------------------------------
    @property
    def widget(self):
        """The live ipywidgets view: title, controls, image."""
        if not hasattr(self, "_widget"):
            parts = (
                [ipw.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []
            )
            parts.append(
                ipw.HBox(
                    list(self.controls.values()),
                    layout=ipw.Layout(flex_flow="row wrap"),
                )
            )
            parts.append(self.image)
            self._widget = ipw.VBox(parts)
        return self._widget

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        bundle = self.widget._repr_mimebundle_(
            include=include, exclude=exclude, **kwargs
        )
        bundle["text/plain"] = (
            f"<{self.title or type(self).__name__}: an explorer; run the notebook to use it live>"
        )
        bundle["text/html"] = self.to_html(full=static_mode())
        return bundle

    def _label(self, name, value):
        widget = self.controls[name]
        if isinstance(widget, ipw.Dropdown):
            for label, option in (
                widget.options if isinstance(widget.options[0], tuple) else []
            ):
                if option == value:
                    return str(label)
            return str(value)
        if isinstance(value, (int, np.integer)):
            return str(int(value))
        return f"{value:.3g}"

    def static_grid(self):
        """The precomputed grid: a list of (name, values) with one or more values each."""
        return [
            (name, list(self.static_values.get(name, [w.value])))
            for name, w in self.controls.items()
        ]

    def frames(self):
        """Render every frame of the static grid: yields (index tuple, WebP bytes, values)."""
        grid = self.static_grid()
        current = self.values
        for index in itertools.product(*(range(len(v)) for _, v in grid)):
            values = dict(current)
            values.update({name: vals[i] for (name, vals), i in zip(grid, index)})
            self._render(values)
            yield index, encode_frame(self.figure), values
        self._render(current)

    def _alt(self, values):
        described = ", ".join(
            f"{self.controls[n].description or n} {self._label(n, v)}"
            for n, v in values.items()
        )
        return f"{self.title}: {described}. {self.status}".strip()

    def to_html(self, full=True):
        """The static form: controls over precomputed frames (or one frame if not ``full``)."""
        grid = (
            self.static_grid()
            if full
            else [(n, [w.value]) for n, w in self.controls.items()]
        )
        start = tuple(
            vals.index(self.controls[n].value) if self.controls[n].value in vals else 0
            for n, vals in grid
        )
        parts = [f'<div class="gd-explorer" data-explorer="{html.escape(self.title)}">']
        parts.append(f'<p class="gd-explorer-title">{html.escape(self.title)}</p>')
        parts.append('<div class="gd-explorer-controls">')
        for (name, vals), i in zip(grid, start):
            parts.append(self._control_html(name, vals, i))
        parts.append("</div>")
        parts.append('<div class="gd-explorer-frames">')
        items = (
            self.frames() if full else [(start, encode_frame(self.figure), self.values)]
        )
        for index, data, values in items:
            key = "|".join(map(str, index))
            active = " gd-active" if tuple(index) == start else ""
            src = "data:image/webp;base64," + base64.b64encode(data).decode("ascii")
            parts.append(
                f'<img class="gd-frame{active}" data-key="{key}" '
                f'alt="{html.escape(self._alt(values))}" src="{src}">'
            )
        parts.append("</div>")
        note = (
            "A preview over precomputed settings; run the notebook to explore every value live."
            if full
            else "A snapshot; run the notebook to use this explorer."
        )
        parts.append(f'<p class="gd-explorer-note">{note}</p></div>')
        return "\n".join(parts)

    def _control_html(self, name, vals, i):
        widget = self.controls[name]
        label = html.escape(widget.description or name)
        labels = [self._label(name, v) for v in vals]
        if isinstance(widget, ipw.Dropdown) and len(vals) > 1:
            options = "".join(
                f'<option value="{k}"{" selected" if k == i else ""}>'
                f"{html.escape(text)}</option>"
                for k, text in enumerate(labels)
            )
            return (
                f'<label class="gd-control">{label} '
                f'<select data-control="{name}">{options}</select></label>'
            )
        disabled = " disabled" if len(vals) == 1 else ""
        return (
            f'<label class="gd-control">{label} '
            f'<input type="range" min="0" max="{len(vals) - 1}" step="1" value="{i}" '
            f"data-control=\"{name}\" data-labels='{html.escape(json.dumps(labels))}'"
            f"{disabled}> <output>{html.escape(labels[i])}</output></label>"
        )


def _log_slider(value, lo_exp, hi_exp, description, step=0.05):
    return ipw.FloatLogSlider(
        value=value,
        base=10,
        min=lo_exp,
        max=hi_exp,
        step=step,
        description=description,
        readout_format=".3g",
        style={"description_width": "initial"},
    )


def _float_slider(value, lo, hi, description, step=0.1):
    return ipw.FloatSlider(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=description,
        readout_format=".2f",
        style={"description_width": "initial"},
    )


def _int_slider(value, lo, hi, description, step=1):
    return ipw.IntSlider(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=description,
        style={"description_width": "initial"},
    )


def _descent_controls(lr, steps, max_steps, start, box, names, labels):
    """The controls of a plain descent explorer: rate (log scale), steps, and a 2-D start in ``box``."""
    (x_lo, x_hi), (y_lo, y_hi) = box
    return {
        "lr": _log_slider(lr, -2.5, 0.3, "learning rate"),
        "steps": _int_slider(steps, 0, max_steps, "steps"),
        names[0]: _float_slider(start[0], x_lo, x_hi, labels[0]),
        names[1]: _float_slider(start[1], y_lo, y_hi, labels[1]),
    }


def run_status(run):
    """A short human description of a single-start :class:`~gdcourse.descent.Trajectory`."""
    if run.diverged:
        return f"diverged at step {run.stopped_at}"
    if run.stopped_at > 0 and run.final_loss > run.losses[0]:
        return f"diverging: loss {run.final_loss:.3g} after {run.stopped_at} steps, up from {run.losses[0]:.3g}"
    return f"loss {run.final_loss:.3g} after {run.stopped_at} steps"


class GradientDescentExplorer(Explorer):
    """Gradient descent on a 2-weight surface: the path in the weight plane and its loss curve.

    Controls: learning rate (log scale), number of steps, and the start ``(x0, y0)``.
    """

    def __init__(self, surface=None, lr=0.1, steps=30, start=(-2.5, 1.5), max_steps=80):
        self.surface = surface or surfaces.elongated_bowl(kappa=8.0, L=1.6)
        self.max_steps = max_steps
        controls = _descent_controls(
            lr,
            steps,
            max_steps,
            start,
            self.surface.box,
            names=("x0", "y0"),
            labels=("start w1", "start w2"),
        )
        static = {
            "lr": [0.01, 0.03, 0.1, 0.3, 0.6, 1.0, 1.2, 1.3],
            "steps": [8, 80],
            "x0": [-2.5, 2.5],
        }
        super().__init__(controls, static, title="Gradient descent explorer")

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
        run = descent.gradient_descent(self.surface, [x0, y0], lr=lr, steps=steps)
        plotting.update_path(self.line, self.start, run.weights)
        gap = np.clip(run.losses - self.floor, 1e-12, None)
        self.loss.set_data(np.arange(gap.size), gap)
        status = run_status(run)
        warn = not status.startswith("loss")
        self.note.set_text(status.split(":")[0] if warn else "")
        self.note.set_visible(warn)
        return status


@register("gradient descent")
def gradient_descent_explorer(**kwargs):
    """The chapter-1 explorer: see :class:`GradientDescentExplorer`."""
    return GradientDescentExplorer(**kwargs)


# --- Chapter 1: gradient descent explorers ---

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
    and the line the weights describe after the last step.

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
    >>> ex = EXPLORERS["line fit"]()
    >>> _ = ex.set(lr=0.5, steps=40)
    >>> ex.status
    'loss 0.316 after 40 steps'
    >>> _ = ex.set(lr=1.0)                 # above 2 / (largest curvature): the run blows up
    >>> ex.status
    'diverged at step 26'
    """

    def __init__(
        self, x=None, y=None, box=None, lr=0.3, steps=8, start=(-1.0, 1.5), max_steps=60
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
        controls = _descent_controls(
            lr,
            steps,
            max_steps,
            start,
            self.surface.box,
            names=("w1", "w2"),
            labels=("start slope", "start intercept"),
        )
        static = {
            "lr": [0.03, 0.3, 0.6, 1.0],
            "steps": [0, 1, 2, 4, 8, 40],
        }
        super().__init__(controls, static, title="Fitting a line by gradient descent")

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
        self.text = ax_d.text(
            0.03,
            0.97,
            "",
            transform=ax_d.transAxes,
            ha="left",
            va="top",
            fontsize=9,
            bbox=dict(boxstyle="round", fc="white", ec="0.7"),
        )
        self.dynamic = [self.line, self.start, self.note, self.fit, self.text]

    def draw(self, lr, steps, w1, w2):
        run = descent.gradient_descent(self.surface, [w1, w2], lr=lr, steps=steps)
        plotting.update_path(self.line, self.start, run.weights)
        plotting.update_fit_line(self.fit, run.final_weights)
        status = run_status(run)
        self.note.set_text(status if run.diverged else "")
        self.note.set_visible(run.diverged)
        w1, w2 = run.final_weights
        sign = "+" if w2 >= 0 else "\u2212"
        loss = f"loss {run.final_loss:.3g}"
        if run.final_loss > run.losses[0]:
            loss += f", up from {run.losses[0]:.3g}: diverging"
        self.text.set_text(
            status
            if run.diverged
            else f"after {run.stopped_at} steps: y = {w1:.2f} x {sign} {abs(w2):.2f}\n{loss}"
        )
        return status


@register("line fit")
def line_fit_explorer(**kwargs):
    """The chapter-1 line-fitting explorer: see :class:`LineFitExplorer`."""
    return LineFitExplorer(**kwargs)


# --- Chapter 2: learning rate explorers ---

#: Condition numbers offered by the chapter-2 and chapter-7 explorers.
CONDITION_NUMBERS = (1, 3, 10, 30, 100)


def _selection_slider(value, options, description):
    return ipw.SelectionSlider(
        options=list(options),
        value=value,
        description=description,
        style={"description_width": "initial"},
    )


def _loss_bands(surface, n=160, levels=18):
    """The log-spaced loss of a 2-weight surface in ``levels`` flat bands, for ``imshow``."""
    X, Y, Z = surface.grid(n)
    z = np.log1p(Z - Z.min())
    return np.floor(z / z.max() * (levels - 0.001))


class _BandedBowl:
    """An elongated bowl per condition number, drawn as a banded image that can be swapped fast."""

    def __init__(self, L, kappas, box_surface_factory=surfaces.elongated_bowl):
        self.L = float(L)
        self.surfaces = {
            k: box_surface_factory(kappa=float(k), L=self.L) for k in kappas
        }
        self.bands = {k: _loss_bands(s) for k, s in self.surfaces.items()}

    def draw(self, ax, kappa):
        s = self.surfaces[kappa]
        (x0, x1), (y0, y1) = s.box
        image = ax.imshow(
            self.bands[kappa],
            origin="lower",
            extent=(x0, x1, y0, y1),
            cmap=plotting.CMAP,
            interpolation="nearest",
            aspect="equal",
        )
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_xlabel("$w_1$ (flat direction)")
        ax.set_ylabel("$w_2$ (steep)")
        plotting.mark_minima(ax, s)
        return image


def _loss_gap(run, surface):
    """Loss above the minimum, clipped away from 0 for a log axis (NaN after a stop stays NaN)."""
    gap = run.losses - float(surface(surface.global_minimum))
    return np.where(np.isnan(gap), np.nan, np.maximum(gap, 1e-16))


def _growth_status(run):
    """Like :func:`run_status`, but a run whose loss ended above its start is called diverging."""
    if not run.diverged and run.final_loss > run.losses[0]:
        return f"diverging: loss grew {run.final_loss / run.losses[0]:.3g}-fold in {run.stopped_at} steps"
    return run_status(run)


def _show_trouble(note, status):
    """Show ``status`` on the figure if the run diverged or is diverging."""
    trouble = status.startswith("diverg")
    note.set_text(status if trouble else "")
    note.set_visible(trouble)


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
        self.bowls = _BandedBowl(L, CONDITION_NUMBERS)
        self.start_point = np.asarray(start, dtype=float)
        self.max_steps = int(max_steps)
        self.lr_range = (-2.0, 0.5)
        controls = {
            "lr": _log_slider(lr, *self.lr_range, "learning rate"),
            "kappa": _selection_slider(kappa, CONDITION_NUMBERS, "condition number"),
            "steps": _int_slider(steps, 1, self.max_steps, "steps"),
        }
        static = {"lr": [0.05, 0.2, 0.6, 1.0, 1.6, 1.9, 2.1], "kappa": [3, 10, 30]}
        super().__init__(controls, static, title="Learning-rate explorer")

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
        run = descent.gradient_descent(surface, self.start_point, lr=lr, steps=steps)
        plotting.update_path(self.line, self.start, run.weights)
        gap = _loss_gap(run, surface)
        self.loss.set_data(np.arange(gap.size), gap)
        best = _theory.optimal_lr(self.bowls.L / kappa, self.bowls.L)
        self.best.set_ydata([best, best])
        self.best_label.set_y(best / 1.08)
        self.marker.set_ydata([lr])
        status = _growth_status(run)
        _show_trouble(self.note, status)
        limit = _theory.stability_limit(self.bowls.L)
        return f"{status}; rate {lr:.3g} = {lr / limit:.2f} x 2/L"


@register("learning rate")
def learning_rate_explorer(**kwargs):
    """The chapter-2 explorer: see :class:`LearningRateExplorer`."""
    return LearningRateExplorer(**kwargs)


# --- Chapter 7: momentum explorers ---


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
        self.bowls = _BandedBowl(L, CONDITION_NUMBERS)
        self.start_point = np.asarray(start, dtype=float)
        self.steps = int(steps)
        controls = {
            "lr": _log_slider(lr, -2.0, 0.7, "learning rate"),
            "momentum": ipw.FloatSlider(
                value=momentum,
                min=0.0,
                max=0.99,
                step=0.01,
                description="momentum",
                readout_format=".2f",
                style={"description_width": "initial"},
            ),
            "kappa": _selection_slider(kappa, CONDITION_NUMBERS, "condition number"),
        }
        static = {
            "lr": [0.3, 1.0, 3.3],
            "momentum": [0.0, 0.5, 0.67, 0.9, 0.99],
            "kappa": [30, 100],
        }
        super().__init__(controls, static, title="Momentum explorer")

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

    def draw(self, lr, momentum, kappa):
        surface = self.bowls.surfaces[kappa]
        self.field.set_data(self.bowls.bands[kappa])
        mu, L = self.bowls.L / kappa, self.bowls.L
        plain = descent.gradient_descent(
            surface, self.start_point, lr=_theory.optimal_lr(mu, L), steps=self.steps
        )
        run = descent.gradient_descent(
            surface, self.start_point, lr=lr, steps=self.steps, momentum=momentum
        )
        plotting.update_path(self.plain_line, self.plain_start, plain.weights)
        plotting.update_path(self.line, self.start, run.weights)
        for line, r in ((self.plain_loss, plain), (self.loss, run)):
            gap = _loss_gap(r, surface)
            line.set_data(np.arange(gap.size), gap)
        status = _growth_status(run)
        _show_trouble(self.note, status)
        return f"momentum: {status}; plain GD at its best rate: {run_status(plain)}"


@register("momentum")
def momentum_explorer(**kwargs):
    """The chapter-7 explorer: see :class:`MomentumExplorer`."""
    return MomentumExplorer(**kwargs)


# --- Chapter 3: minima explorers ---

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
        Starting point.
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
        controls = {
            "lr": _log_slider(lr, *self.LR_EXP, "learning rate"),
            "restarts": _int_slider(restarts, 0, max_restarts, "random restarts"),
            "x0": _float_slider(start[0], x_lo, x_hi, "start w1"),
            "y0": _float_slider(start[1], y_lo, y_hi, "start w2"),
        }
        static = {
            "lr": [0.01, 0.05, 0.15, 0.21, 0.25],
            "restarts": [0, 3],
            "x0": [-0.5, 1.5],
        }
        super().__init__(controls, static, title="Minima, basins and restarts explorer")

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
        self.text = ax_l.text(
            0.03,
            0.04,
            "",
            transform=ax_l.transAxes,
            ha="left",
            va="bottom",
            fontsize=9,
            bbox=dict(boxstyle="round", fc="white", ec="0.7"),
        )
        self.dynamic = (
            [self.basins]
            + self.restart_lines
            + [self.line, self.start, self.best, self.note]
            + self.restart_curves
            + [self.curve, self.text]
        )

    def bucket(self, lr):
        """Index of the precomputed basin map whose rate is nearest ``lr`` (in log scale)."""
        return int(np.argmin(np.abs(np.log(self.bucket_rates) - np.log(lr))))

    def draw(self, lr, restarts, x0, y0):
        s = self.surface
        self.basins.set_data(self.maps[self.bucket(lr)] + 1)
        starts = np.vstack([[x0, y0], self.restart_points[:restarts]])
        run = descent.gradient_descent(s, starts, lr=lr, steps=self.steps)
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
            self.text.set_text(status)
            return status
        b = int(np.argmin(final))
        self.best.set_data(run.final_weights[b, :1], run.final_weights[b, 1:])
        self.note.set_text(
            f"diverged at step {int(run.stopped_at[0])}" if run.diverged[0] else ""
        )
        self.note.set_visible(bool(run.diverged[0]))
        glob = int(np.argmin(self.minimum_losses))
        where = (
            "the global minimum"
            if labels[b] == glob
            else "a local minimum"
            if labels[b] >= 0
            else "no minimum yet"
        )
        if labels[b] >= 0 and run.grad_norms[run.stopped_at[b], b] > 0.05:
            where = "bouncing around " + where
        runs = "1 run" if restarts == 0 else f"best of {restarts + 1} runs"
        found = int(np.sum(labels == glob))
        status = f"{runs}: {where} (loss {final[b]:.3f})"
        self.text.set_text(
            f"{status}\n{found} of {restarts + 1} reached the global minimum"
        )
        return status


@register("minima")
def minima_explorer(**kwargs):
    """The chapter-3 explorer: see :class:`MinimaExplorer`."""
    return MinimaExplorer(**kwargs)


# --- Chapter 4: saddle point explorers ---

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

    On :math:`f = \\tfrac12 (a x^2 - b y^2)` the run starts at ``(x0, eps)``.
    Without noise the distance from the stable line grows like
    :math:`(1 + \\eta b)^k \\varepsilon`, so the escape (``|y| >= radius``)
    comes at :math:`k^* = \\lceil \\log(R / \\varepsilon) / \\log(1 + \\eta b) \\rceil`,
    drawn as a dashed line on the loss curve. Gradient noise (``noise``)
    kicks the run off the line much sooner when ``eps`` is tiny.

    Parameters
    ----------
    a, b : float
        Curvatures of the saddle along ``x`` (up) and ``y`` (down).
    eps, noise, lr : float
        Starting offset, noise standard deviation, learning rate.
    x0 : float
        Starting ``x``.
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
            "eps": _log_slider(eps, -12.0, -1.0, "offset eps", step=0.25),
            "noise": ipw.Dropdown(
                options=list(SADDLE_NOISE),
                value=noise,
                description="noise",
                style={"description_width": "initial"},
            ),
            "lr": _log_slider(lr, np.log10(0.05), np.log10(0.5), "learning rate"),
        }
        static = {
            "eps": [1e-12, 1e-8, 1e-4, 1e-1],
            "noise": [0.0, 1e-5, 0.03],
            "lr": [0.1, 0.3],
        }
        super().__init__(controls, static, title="Saddle escape explorer")

    def prediction(self, eps, lr):
        """Predicted escape step without noise, :math:`\\lceil \\log(R/\\varepsilon) / \\log(1 + \\eta b) \\rceil`."""
        return int(np.ceil(np.log(self.radius / eps) / np.log1p(lr * self.b)))

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
        last = int(np.argmin(inside)) if not inside.all() else len(inside)
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


# --- Chapter 5: batch size explorers ---


def diverged_step(losses, stopped_at, flagged):
    """Where a run diverged: the step it was stopped at, or, for a run that ends
    above its starting loss, the first step whose loss exceeded the start; else None.

    Examples
    --------
    >>> diverged_step(np.array([4.0, 2.0, 5.0, 9.0]), 3, False)
    2
    >>> diverged_step(np.array([4.0, 2.0, 1.0]), 2, False) is None
    True
    """
    if flagged:
        return int(stopped_at)
    last = losses[int(stopped_at)]
    if not last > losses[0]:
        return None
    return int(np.argmax(losses > losses[0]))


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
            "batch_size": ipw.SelectionSlider(
                options=sizes,
                value=batch_size,
                description="batch size",
                style={"description_width": "initial"},
            ),
            "lr": _log_slider(lr, -3.0, 0.0, "learning rate"),
            "seed": _int_slider(seed, 0, 9, "seed"),
        }
        static = {"batch_size": [1, 8, 64, self.n], "lr": [0.03, 0.1, 0.3, 0.8]}
        super().__init__(controls, static, title="Batch size explorer")

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
        step = diverged_step(sgd.losses[:, 0], sgd.stopped_at[0], bool(sgd.diverged[0]))
        diverged = step is not None
        if diverged:
            status = f"diverged at step {step}"
        else:
            status = f"loss {sgd.losses[-1, 0] - self.floor:.3g} above the minimum after {self.steps} steps"
        self.note.set_text(status if diverged else "")
        self.note.set_visible(diverged)
        return status


@register("batch size")
def batch_size_explorer(**kwargs):
    """The chapter-5 explorer: see :class:`BatchSizeExplorer`."""
    return BatchSizeExplorer(**kwargs)


# --- Chapter 6: learning-rate schedule explorers ---

#: The schedule kinds the chapter-6 explorer offers, in menu order.
SCHEDULE_KINDS = (
    "constant",
    "step decay",
    "exponential",
    "cosine",
    "cosine restarts",
    "triangular",
    "triangular2",
    "exp_range",
    "one-cycle",
)


def schedule_from_kind(kind, lr, period, total_steps, warmup_steps=0):
    """Build a schedule of :mod:`gdcourse.schedules` from a kind and three numbers.

    One ``period`` sets the time scale of every kind that has one, so a single
    slider can drive them all: the step-decay interval (the rate halves every
    ``period`` steps), the exponential half-life, the restart period, and the
    length of a full up-and-down cycle of the cyclical kinds.

    Parameters
    ----------
    kind : str
        One of :data:`SCHEDULE_KINDS`.
    lr : float
        Peak rate, positive and finite (the starting rate of the decaying
        kinds, the top of a cycle of the cyclical ones).
    period : int
        Time scale in steps, an integer >= 2.
    total_steps : int
        Length of the run, including the warmup; ``cosine`` and
        ``one-cycle`` reach their lowest rate at its end.
    warmup_steps : int, optional
        Length of a linear warmup put in front (0 for none), below ``total_steps - 1``.

    Returns
    -------
    gdcourse.schedules.Schedule

    Raises
    ------
    ValueError
        For an unknown kind or parameters out of range.

    Notes
    -----
    With peak :math:`\\eta` and period :math:`P`: step decay
    :math:`\\eta\\,0.5^{\\lfloor t/P \\rfloor}`; exponential
    :math:`\\eta\\,0.5^{t/P}`; cosine restarts with period :math:`P`; cyclical
    rates between :math:`\\eta/25` and :math:`\\eta` with half cycle
    :math:`\\lfloor P/2 \\rfloor`, ``exp_range`` halving its amplitude every
    :math:`P` steps (:math:`\\gamma = 0.5^{1/P}`); one-cycle with the PyTorch defaults.

    Examples
    --------
    >>> sched = schedule_from_kind("step decay", lr=0.4, period=10, total_steps=100)
    >>> sched
    step_decay(lr0=0.4, step_size=10, gamma=0.5)
    >>> print(np.round(schedule_from_kind("cosine", 1.0, 10, 11, warmup_steps=1)(np.arange(0, 11, 5)), 3))
    [0.5   0.655 0.024]
    """
    if kind not in SCHEDULE_KINDS:
        raise ValueError(
            f"kind must be one of {', '.join(map(repr, SCHEDULE_KINDS))}, got {kind!r}"
        )
    if (
        isinstance(period, bool)
        or not isinstance(period, (int, np.integer))
        or period < 2
    ):
        raise ValueError(f"period must be an integer >= 2, got {period!r}")
    if (
        isinstance(total_steps, bool)
        or not isinstance(total_steps, (int, np.integer))
        or total_steps < 2
    ):
        raise ValueError(f"total_steps must be an integer >= 2, got {total_steps!r}")
    if (
        isinstance(warmup_steps, bool)
        or not isinstance(warmup_steps, (int, np.integer))
        or not 0 <= warmup_steps < total_steps - 1
    ):
        raise ValueError(
            f"warmup_steps must be an integer in [0, total_steps - 1), got {warmup_steps!r}"
        )
    period, total_steps, warmup_steps = int(period), int(total_steps), int(warmup_steps)
    main = total_steps - warmup_steps
    S = schedules
    if kind == "constant":
        sched = S.constant(lr)
    elif kind == "step decay":
        sched = S.step_decay(lr, step_size=period, gamma=0.5)
    elif kind == "exponential":
        sched = S.exponential(lr, gamma=0.5 ** (1.0 / period))
    elif kind == "cosine":
        sched = S.cosine(lr, total_steps=main)
    elif kind == "cosine restarts":
        sched = S.cosine_restarts(lr, period=period)
    elif kind == "one-cycle":
        sched = S.one_cycle(lr, total_steps=max(main, 4))
    else:
        sched = S.cyclic(
            lr / 25.0,
            lr,
            half_cycle=max(period // 2, 1),
            mode=kind,
            gamma=0.5 ** (1.0 / period),
        )
    return S.warmup(sched, warmup_steps) if warmup_steps else sched


class ScheduleExplorer(Explorer):
    """A schedule's rate curve beside the noisy training run it drives.

    The training problem is cheap on purpose: a two-weight quadratic model
    (an elongated bowl) trained with noisy gradients, as mini-batches give,
    from ``n_runs`` noise seeds at once in one vectorised call. The right
    panel shows the mean loss over the runs (and one run, faintly), so the
    noise floor that a constant rate leaves and that decay removes is visible.

    Controls: schedule kind (dropdown), peak rate (log scale), period (the
    time scale of step decay, exponential half-life, restarts and cycles) and
    warmup steps.
    """

    def __init__(
        self,
        kind="constant",
        lr=0.3,
        period=60,
        warmup_steps=0,
        steps=300,
        noise=0.5,
        n_runs=48,
        start=(-3.5, 1.5),
        surface=None,
    ):
        self.surface = surface or surfaces.elongated_bowl(kappa=10.0, L=1.0)
        self.steps = int(steps)
        self.noise = float(noise)
        self.starts = np.tile(np.asarray(start, dtype=float), (int(n_runs), 1))
        controls = {
            "kind": ipw.Dropdown(
                options=list(SCHEDULE_KINDS), value=kind, description="schedule"
            ),
            "lr": _log_slider(lr, -2.0, 0.5, "peak rate"),
            "period": _int_slider(period, 10, 150, "period (steps)", step=10),
            "warmup": _int_slider(warmup_steps, 0, 100, "warmup (steps)", step=10),
        }
        static = {"kind": list(SCHEDULE_KINDS), "lr": [0.05, 0.3, 3.0]}
        super().__init__(controls, static, title="Learning-rate schedule explorer")

    def build(self, axes):
        ax_r, ax_l = axes
        t = np.arange(self.steps)
        (self.rate_line,) = ax_r.plot(
            t, np.ones(self.steps), color=plotting.COLORS["blue"], lw=1.8
        )
        ax_r.set_xlim(0, self.steps)
        ax_r.set_ylim(0, 1.08)
        ax_r.set_xlabel("step")
        ax_r.set_ylabel(r"rate / peak rate, $\eta_t / \eta_{\max}$")
        ax_r.grid(True, alpha=0.3)
        self.peak_text = ax_r.text(
            0.97,
            0.96,
            "",
            transform=ax_r.transAxes,
            ha="right",
            va="top",
            fontsize=10,
            bbox=dict(boxstyle="round", fc="white", ec="0.8"),
        )
        (self.one_run,) = ax_l.plot(
            np.arange(self.steps + 1),
            np.ones(self.steps + 1),
            color=plotting.COLORS["sky"],
            lw=0.8,
            alpha=0.7,
            label="one run",
        )
        (self.mean_run,) = ax_l.plot(
            np.arange(self.steps + 1),
            np.ones(self.steps + 1),
            color=plotting.COLORS["vermillion"],
            lw=1.8,
            label=f"mean of {len(self.starts)} runs",
        )
        ax_l.set_yscale("log")
        ax_l.set_xlim(0, self.steps)
        ax_l.set_ylim(1e-4, 3e1)
        ax_l.set_xlabel("step")
        ax_l.set_ylabel("training loss above the minimum")
        ax_l.grid(True, which="major", alpha=0.3)
        ax_l.legend(loc="lower left", fontsize=8)
        self.note = plotting.diverged_note(ax_l)
        self.final_text = ax_l.text(
            0.97, 0.96, "", transform=ax_l.transAxes, ha="right", va="top", fontsize=9
        )
        self.dynamic = [
            self.rate_line,
            self.peak_text,
            self.one_run,
            self.mean_run,
            self.note,
            self.final_text,
        ]

    def draw(self, kind, lr, period, warmup):
        warmup = min(int(warmup), self.steps - 2)
        sched = schedule_from_kind(kind, lr, int(period), self.steps, warmup)
        rates = sched(np.arange(self.steps))
        self.rate_line.set_ydata(rates / lr)
        self.peak_text.set_text(f"{kind}, peak rate {lr:.3g}")
        run = descent.gradient_descent(
            self.surface,
            self.starts,
            lr=sched,
            steps=self.steps,
            noise=self.noise,
            seed=0,
        )
        diverged = bool(np.any(run.diverged))
        stop = int(np.min(run.stopped_at[run.diverged])) if diverged else self.steps
        mean = np.full(self.steps + 1, np.nan)
        mean[: stop + 1] = run.losses[: stop + 1].mean(axis=1)
        self.mean_run.set_ydata(np.clip(mean, 1e-12, None))
        self.one_run.set_ydata(np.clip(run.losses[:, 0], 1e-12, None))
        if diverged:
            status = f"diverged at step {stop}"
            self.final_text.set_text("")
        else:
            status = f"mean final loss {mean[-1]:.3g}"
            self.final_text.set_text(status)
        self.note.set_text(status if diverged else "")
        self.note.set_visible(diverged)
        return status


@register("schedules")
def schedule_explorer(**kwargs):
    """The chapter-6 explorer: see :class:`ScheduleExplorer`."""
    return ScheduleExplorer(**kwargs)


# --- Chapter 8: vanishing gradients explorers ---

#: Initialisations the chapter-8 explorer offers: label -> (init name, std).
VANISHING_INITS = {
    "small normal (std 0.01)": ("normal", 0.01),
    "normal (std 1)": ("normal", 1.0),
    "Glorot": ("glorot", 1.0),
    "He": ("he", 1.0),
}


def layer_statistics(net, params, X, y):
    """Per-layer gradient norms and activation spreads of an MLP, for one batch.

    Parameters
    ----------
    net : gdcourse.models.MLP
    params : list of (W, b)
    X, y : array_like
        Inputs and targets.

    Returns
    -------
    grad_norms : ndarray, shape (net.n_layers,)
        :math:`\\lVert \\partial L / \\partial W_l \\rVert_F`, input layer first.
    spreads : ndarray, shape (net.n_layers - 1,)
        Standard deviation of each hidden layer's activations :math:`a_l`.

    Examples
    --------
    >>> net = _models.MLP([2, 8, 8, 1], activation="relu", task="binary", init="he")
    >>> X = np.random.default_rng(0).standard_normal((20, 2))
    >>> g, s = layer_statistics(net, net.init_params(seed=0), X, (X[:, 0] > 0).astype(int))
    >>> g.shape, s.shape
    ((3,), (2,))
    """
    norms = net.layer_grad_norms(params, X, y)
    _, cache = net.forward(params, X)
    spreads = np.array([float(np.std(a)) for a in cache["a"][1:]])
    return norms, spreads


class VanishingGradientsExplorer(Explorer):
    """Per-layer gradient norms and activation spreads of a freshly initialised deep MLP.

    Controls: number of hidden layers, activation and initialisation. The
    network (width 32) classifies the two-moons training set; nothing is
    trained: the figure shows where backpropagation's gradient is large or
    small at the very first step.
    """

    def __init__(
        self,
        depth=8,
        activation="sigmoid",
        init="Glorot",
        width=32,
        max_depth=12,
        seed=0,
    ):
        data = _data.two_moons(n=400, noise=0.2, seed=0)
        self.X, self.y = np.asarray(data.X_train), np.asarray(data.y_train)
        self.width, self.max_depth, self.seed = width, max_depth, seed
        controls = {
            "depth": _int_slider(depth, 1, max_depth, "hidden layers"),
            "activation": ipw.Dropdown(
                options=list(_models.ACTIVATIONS),
                value=activation,
                description="activation",
            ),
            "init": ipw.Dropdown(
                options=list(VANISHING_INITS),
                value=init,
                description="initialisation",
                style={"description_width": "initial"},
            ),
        }
        static = {
            "depth": [2, 6, 12],
            "activation": list(_models.ACTIVATIONS),
            "init": list(VANISHING_INITS),
        }
        super().__init__(controls, static, title="Vanishing gradients explorer")

    def build(self, axes):
        ax_g, ax_a = axes
        top = self.max_depth + 1
        (self.grad_line,) = ax_g.semilogy(
            [1, 2], [1, 1], "-o", color=plotting.COLORS["vermillion"], ms=4
        )
        ax_g.set_xlim(0.5, top + 0.5)
        ax_g.set_ylim(1e-24, 1e8)
        ax_g.set_xlabel("layer $l$ (1 = next to the input)")
        ax_g.set_ylabel(r"gradient norm $\|\partial L / \partial W_l\|$")
        ax_g.grid(True, which="major", alpha=0.3)
        (self.spread_line,) = ax_a.semilogy(
            [1, 2], [1, 1], "-s", color=plotting.COLORS["blue"], ms=4
        )
        ax_a.set_xlim(0.5, top - 0.5)
        ax_a.set_ylim(1e-18, 1e8)
        ax_a.set_xlabel("hidden layer $l$")
        ax_a.set_ylabel("spread of activations (std of $a_l$)")
        ax_a.grid(True, which="major", alpha=0.3)
        for ax in (ax_g, ax_a):
            ax.xaxis.set_major_locator(plotting_integer_locator())
        self.info = ax_g.text(
            0.03,
            0.04,
            "",
            transform=ax_g.transAxes,
            fontsize=8,
            va="bottom",
            bbox=dict(boxstyle="round", fc="white", ec="none", alpha=0.8),
        )
        self.dynamic = [self.grad_line, self.spread_line, self.info]

    def statistics(self, depth, activation, init):
        """Gradient norms and activation spreads for these settings (see :func:`layer_statistics`)."""
        name, std = VANISHING_INITS[init]
        net = _models.MLP(
            [2] + [self.width] * depth + [1],
            activation=activation,
            task="binary",
            init=name,
            std=std,
        )
        return layer_statistics(net, net.init_params(self.seed), self.X, self.y)

    def draw(self, depth, activation, init):
        with np.errstate(all="ignore"):
            norms, spreads = self.statistics(depth, activation, init)
        self.grad_line.set_data(
            np.arange(1, norms.size + 1), np.clip(norms, 1e-30, 1e30)
        )
        self.spread_line.set_data(
            np.arange(1, spreads.size + 1), np.clip(spreads, 1e-30, 1e30)
        )
        status = (
            f"gradient norm {norms[0]:.1e} at layer 1, "
            f"{norms[-1]:.1e} at layer {norms.size}"
        )
        self.info.set_text(status)
        return status


def plotting_integer_locator():
    """A tick locator that puts ticks on whole numbers only (layer indices)."""
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


@register("vanishing gradients")
def vanishing_gradients_explorer(**kwargs):
    """The chapter-8 explorer: see :class:`VanishingGradientsExplorer`."""
    return VanishingGradientsExplorer(**kwargs)

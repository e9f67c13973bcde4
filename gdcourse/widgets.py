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
from PIL import Image as PILImage

from gdcourse import descent, plotting, surfaces

__all__ = ["Explorer", "EXPLORERS", "register", "static_mode", "encode_png", "encode_frame"]

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

    def __init__(self, controls, static_values=None, title="", width=8.0, height=3.4, dpi=80):
        self.controls = dict(controls)
        self.static_values = dict(static_values or {})
        self.title = title
        self.status = ""
        self.dynamic = []
        self.figure, axes = plotting.new_figure(width, height, dpi=dpi, ncols=self.ncols)
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
                artist.axes.draw_artist(artist) if artist.axes else self.figure.draw_artist(artist)

    def refresh(self):
        """Recompute for the current control values and re-render :attr:`image`."""
        self._render(self.values)
        self.image.value = encode_png(self.figure)

    def _on_change(self, change):
        self.refresh()

    def set(self, **values):
        """Set several controls at once, rendering once; return the PNG bytes."""
        for name, value in values.items():
            if name not in self.controls:
                raise ValueError(f"unknown control {name!r}; controls are {sorted(self.controls)}")
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
            parts = [ipw.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []
            parts.append(ipw.HBox(list(self.controls.values()),
                                  layout=ipw.Layout(flex_flow="row wrap")))
            parts.append(self.image)
            self._widget = ipw.VBox(parts)
        return self._widget

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude, **kwargs)
        bundle["text/plain"] = f"<{self.title or type(self).__name__}: an explorer; run the notebook to use it live>"
        bundle["text/html"] = self.to_html(full=static_mode())
        return bundle

    def _label(self, name, value):
        widget = self.controls[name]
        if isinstance(widget, ipw.Dropdown):
            for label, option in widget.options if isinstance(widget.options[0], tuple) else []:
                if option == value:
                    return str(label)
            return str(value)
        if isinstance(value, (int, np.integer)):
            return str(int(value))
        return f"{value:.3g}"

    def static_grid(self):
        """The precomputed grid: a list of (name, values) with one or more values each."""
        return [(name, list(self.static_values.get(name, [w.value])))
                for name, w in self.controls.items()]

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
        described = ", ".join(f"{self.controls[n].description or n} {self._label(n, v)}"
                              for n, v in values.items())
        return f"{self.title}: {described}. {self.status}".strip()

    def to_html(self, full=True):
        """The static form: controls over precomputed frames (or one frame if not ``full``)."""
        grid = self.static_grid() if full else [(n, [w.value]) for n, w in self.controls.items()]
        start = tuple(vals.index(self.controls[n].value) if self.controls[n].value in vals else 0
                      for n, vals in grid)
        parts = [f'<div class="gd-explorer" data-explorer="{html.escape(self.title)}">']
        parts.append(f'<p class="gd-explorer-title">{html.escape(self.title)}</p>')
        parts.append('<div class="gd-explorer-controls">')
        for (name, vals), i in zip(grid, start):
            parts.append(self._control_html(name, vals, i))
        parts.append("</div>")
        parts.append('<div class="gd-explorer-frames">')
        items = self.frames() if full else [(start, encode_frame(self.figure), self.values)]
        for index, data, values in items:
            key = "|".join(map(str, index))
            active = " gd-active" if tuple(index) == start else ""
            src = "data:image/webp;base64," + base64.b64encode(data).decode("ascii")
            parts.append(f'<img class="gd-frame{active}" data-key="{key}" '
                         f'alt="{html.escape(self._alt(values))}" src="{src}">')
        parts.append("</div>")
        note = ("A preview over precomputed settings; run the notebook to explore every value live."
                if full else "A snapshot; run the notebook to use this explorer.")
        parts.append(f'<p class="gd-explorer-note">{note}</p></div>')
        return "\n".join(parts)

    def _control_html(self, name, vals, i):
        widget = self.controls[name]
        label = html.escape(widget.description or name)
        labels = [self._label(name, v) for v in vals]
        if isinstance(widget, ipw.Dropdown) and len(vals) > 1:
            options = "".join(f'<option value="{k}"{" selected" if k == i else ""}>'
                              f"{html.escape(text)}</option>" for k, text in enumerate(labels))
            return (f'<label class="gd-control">{label} '
                    f'<select data-control="{name}">{options}</select></label>')
        disabled = " disabled" if len(vals) == 1 else ""
        return (f'<label class="gd-control">{label} '
                f'<input type="range" min="0" max="{len(vals) - 1}" step="1" value="{i}" '
                f"data-control=\"{name}\" data-labels='{html.escape(json.dumps(labels))}'"
                f"{disabled}> <output>{html.escape(labels[i])}</output></label>")


def _log_slider(value, lo_exp, hi_exp, description, step=0.05):
    return ipw.FloatLogSlider(value=value, base=10, min=lo_exp, max=hi_exp, step=step,
                              description=description, readout_format=".3g",
                              style={"description_width": "initial"})


def _float_slider(value, lo, hi, description, step=0.1):
    return ipw.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                           readout_format=".2f", style={"description_width": "initial"})


def _int_slider(value, lo, hi, description, step=1):
    return ipw.IntSlider(value=value, min=lo, max=hi, step=step, description=description,
                         style={"description_width": "initial"})


def run_status(run):
    """A short human description of a single-start :class:`~gdcourse.descent.Trajectory`."""
    if run.diverged:
        return f"diverged at step {run.stopped_at}"
    return f"loss {run.final_loss:.3g} after {run.stopped_at} steps"


class GradientDescentExplorer(Explorer):
    """Gradient descent on a 2-weight surface: the path in the weight plane and its loss curve.

    Controls: learning rate (log scale), number of steps, and the start ``(x0, y0)``.
    """

    def __init__(self, surface=None, lr=0.1, steps=30, start=(-2.5, 1.5), max_steps=80):
        self.surface = surface or surfaces.elongated_bowl(kappa=8.0, L=1.6)
        self.max_steps = max_steps
        (x_lo, x_hi), (y_lo, y_hi) = self.surface.box
        controls = {
            "lr": _log_slider(lr, -2.5, 0.3, "learning rate"),
            "steps": _int_slider(steps, 0, max_steps, "steps"),
            "x0": _float_slider(start[0], x_lo, x_hi, "start w1"),
            "y0": _float_slider(start[1], y_lo, y_hi, "start w2"),
        }
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
        self.note.set_text(status if run.diverged else "")
        self.note.set_visible(run.diverged)
        return status


@register("gradient descent")
def gradient_descent_explorer(**kwargs):
    """The chapter-1 explorer: see :class:`GradientDescentExplorer`."""
    return GradientDescentExplorer(**kwargs)

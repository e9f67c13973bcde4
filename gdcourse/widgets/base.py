"""The explorer base class: a figure whose changing artists follow a set of controls."""

from __future__ import annotations

import contextlib
import functools
import html
import json
import os

import ipywidgets as ipw
from matplotlib.backends.backend_agg import FigureCanvasAgg

from gdcourse import plotting
from gdcourse.widgets import painter, static_form
from gdcourse.widgets.controls import Control
from gdcourse.widgets.pictures import data_url, encode_frame, encode_png

STATIC_ENV = "GDCOURSE_STATIC_EXPLORERS"

#: The note under a stored explorer wherever the site's script is missing.
STORED_NOTE = "Run this cell for the live explorer (the course site offers a kernel-free version)."
#: The same for a one-frame preview.
SITE_SNAPSHOT_NOTE = "A snapshot; run the notebook to use this explorer."


def static_mode():
    """Whether displays should carry the full static form (``GDCOURSE_STATIC_EXPLORERS=1``)."""
    return os.environ.get(STATIC_ENV, "") == "1"


class _BuiltAfterInit(type):
    """Makes the figure of an explorer once its whole ``__init__`` has run.

    So a subclass may set its state before or after calling
    ``super().__init__``: :meth:`Explorer.build` sees all of it either way.
    """

    def __call__(cls, *args, **kwargs):
        explorer = super().__call__(*args, **kwargs)
        explorer._start()
        return explorer


class Explorer(metaclass=_BuiltAfterInit):
    """Base class: a figure whose artists follow a set of controls.

    Subclasses implement :meth:`build` (make axes and artists once) and
    :meth:`draw` (update artists from the control values, return a status),
    and list the artists that change in :attr:`dynamic` so only they are
    redrawn.  Each control is declared once, as a
    :class:`~gdcourse.widgets.controls.Control` that carries its widget, its
    label and the values the static form precomputes.

    The figure is built, and the first picture rendered, once the subclass's
    ``__init__`` has returned, so the order of its statements does not
    matter; ``__init__`` itself must not touch :attr:`figure` or
    :attr:`image`.

    A new explorer, in its chapter's module (``gdcourse/widgets/<chapter>.py``,
    which the package imports; the import registers it)::

        import numpy as np

        from gdcourse import descent, plotting, surfaces
        from gdcourse.widgets.base import Explorer
        from gdcourse.widgets.controls import divergence_status, int_slider, log_slider
        from gdcourse.widgets.registry import register


        class MyExplorer(Explorer):
            '''One line on what it shows.

            Controls: ...
            '''

            def __init__(self, lr=0.1, steps=30):
                super().__init__(
                    {
                        "lr": log_slider(lr, -2.0, 0.5, "learning rate",
                                         static=[0.01, 0.02, 0.05, 0.1, 0.2, 0.4,
                                                 0.7, 1.0, 1.5, 2.0]),
                        # more steps only lengthen the run: the site draws its prefix
                        "steps": int_slider(steps, 1, 80, "steps", prefix=True),
                    },
                    title="My explorer",
                )
                self.surface = surfaces.elongated_bowl(kappa=10.0)

            @Explorer.cached()
            def longest_run(self, lr):
                '''The run of the most steps the slider offers (shorter runs are its prefixes).'''
                return descent.gradient_descent(self.surface, [-3.0, 1.0], lr=lr, steps=80)

            def build(self, axes):
                ax_w, ax_l = axes
                plotting.contour(ax_w, self.surface)
                self.line, self.start = plotting.path(ax_w, np.zeros((1, 2)))
                self.note = plotting.diverged_note(ax_w)
                self.loss = plotting.loss_curve(ax_l, np.ones(1))
                self.dynamic = [self.line, self.start, self.note, self.loss]

            def draw(self, lr, steps):       # one argument per control
                run = self.longest_run(lr).head(steps)
                plotting.update_path(self.line, self.start, run.weights)
                self.loss.set_data(np.arange(run.losses.size), run.losses)
                trouble = divergence_status(
                    run.losses, run.stopped_at, run.diverged, self.note
                )
                return trouble or f"loss {run.final_loss:.3g} after {steps} steps"


        @register("my explorer")
        def my_explorer(**kwargs):
            '''The chapter-N explorer: see :class:`MyExplorer`.'''
            return MyExplorer(**kwargs)

    Then add a test module ``tests/test_widgets_<chapter>.py``; the generic
    checks of ``tests/test_widgets.py`` (every value of every control renders,
    the static form) run on every registered explorer by themselves.

    Parameters
    ----------
    controls : dict
        Name -> :class:`~gdcourse.widgets.controls.Control`, in display order;
        the names are the arguments of :meth:`draw`.
    title : str
        Shown above the controls.
    width, height : float
        Figure size in inches; the live picture is shown
        :attr:`display_width` CSS pixels wide and the static frames
        ``width * static_dpi`` pixels wide, with the same layout.
    dpi : float, optional
        Pixels per inch of the live picture; by default
        ``display_width * pixel_ratio / width``, so that it is drawn at the
        size it is shown, with :attr:`pixel_ratio` device pixels per CSS
        pixel (sharp on HiDPI screens).

    Attributes
    ----------
    controls : dict
        Name -> the live ipywidgets value widget.
    static_values : dict
        Name -> the values the static form precomputes, for the controls that
        declare some.
    figure : matplotlib.figure.Figure
    image : ipywidgets.Image
    status : str
        A short description of the current state ("loss 0.012 after 30 steps",
        "diverged at step 5", ...), also written on the figure.
    """

    def __init__(self, controls, title="", width=8.0, height=3.4, dpi=None):
        self.specs = dict(controls)
        for name, spec in self.specs.items():
            if not isinstance(spec, Control):
                raise ValueError(
                    f"control {name!r} must be a Control (see gdcourse.widgets.controls), "
                    f"got {type(spec).__name__}"
                )
        self.controls = {name: spec.widget for name, spec in self.specs.items()}
        self.title = title
        self.status = ""
        self.dynamic = []
        self._size = (width, height, dpi)

    def _start(self):
        """Build the figure and render the first picture (after the whole ``__init__``)."""
        if not hasattr(self, "specs"):
            raise TypeError(
                f"{type(self).__name__}.__init__ must call Explorer.__init__"
            )
        width, height, dpi = self._size
        dpi = dpi or self.display_width * self.pixel_ratio / width
        self.figure, axes = plotting.new_figure(
            width, height, dpi=dpi, ncols=self.ncols
        )
        FigureCanvasAgg(self.figure)
        self.build(axes)
        self.figure.get_layout_engine().execute(self.figure)
        self.figure.set_layout_engine("none")
        # vector artists are drawn over a cached background; raster ones (a
        # surface's loss bands that a control swaps) belong to the background
        # itself, in their place among the static artists
        self._vector = [a for a in self.dynamic if not static_form.is_raster(a)]
        self._raster = [a for a in self.dynamic if static_form.is_raster(a)]
        for artist in self._vector:
            artist.set_animated(True)
        self._backgrounds = {}
        self._error = None
        # shown at CSS size = PNG size / pixel_ratio, never stretched
        css = round(width * dpi / self.pixel_ratio)
        self.image = ipw.Image(
            format="png",
            width=str(css),
            layout=ipw.Layout(width=f"{css}px", max_width="100%", height="auto"),
        )
        #: The picture painted in the browser by the site's painter, fed per
        #: change with the recorded operations; None without ``anywidget``.
        self.live = (
            painter.LivePicture(self, css, self._start_painting)
            if painter.AVAILABLE
            else None
        )
        #: The status under the picture, as the site shows it.
        self.status_line = ipw.HTML(layout=ipw.Layout(margin="0 0 0 4px"))
        self._moved = None
        for widget in self.controls.values():
            widget.observe(self._on_change, names="value")
        self._each_raster_state(self._background)
        self.refresh()

    @staticmethod
    def cached(maxsize=8):
        """Decorator: a method that remembers its last ``maxsize`` results, per explorer.

        For the longest run behind a prefix control (steps, restarts): the
        method computes the run at the control's largest value, from the
        other controls' values, and :meth:`draw` cuts it
        (:meth:`~gdcourse.descent.Trajectory.head`,
        :meth:`~gdcourse.descent.Trajectory.first`), so moving the prefix
        control costs no new run; also for a run that only some controls
        decide (a reference run per surface).  The arguments must be
        hashable; each explorer keeps its own cache
        (:func:`functools.lru_cache` of the bound method, made at its first
        call), so an explorer does not keep another alive or evict its
        runs.

        Parameters
        ----------
        maxsize : int
            How many argument tuples to remember (least recently used
            forgotten first); by default room for the current arguments and
            the six one key press away when three controls decide them (a
            painted explorer draws those settings ahead,
            :mod:`~gdcourse.widgets.ahead`).

        Examples
        --------
        >>> class Counting(Explorer):
        ...     runs = 0
        ...     @Explorer.cached(maxsize=2)
        ...     def longest_run(self, lr):
        ...         Counting.runs += 1
        ...         return [lr * k for k in range(5)]
        >>> ex = object.__new__(Counting)     # no figure needed here
        >>> ex.longest_run(0.1)[:3], ex.longest_run(0.1)[:2], Counting.runs
        ([0.0, 0.1, 0.2], [0.0, 0.1], 1)
        """

        def decorate(method):
            name = method.__name__

            @functools.wraps(method)
            def remembered(self, *args, **kwargs):
                caches = self.__dict__.setdefault("_cached", {})
                if name not in caches:
                    bound = functools.partial(method, self)
                    caches[name] = functools.lru_cache(maxsize=maxsize)(bound)
                return caches[name](*args, **kwargs)

            return remembered

        return decorate

    ncols = 2
    #: Width of the live picture on screen, in CSS pixels.
    display_width = 640
    #: Device pixels per CSS pixel the live picture is drawn with.  At 2 (sharp on
    #: HiDPI screens) encoding an 800-pixel-wide PNG took the p95 of a control
    #: change to 65-98 ms, over the 50 ms bar (``make bench``); at 1 the picture is
    #: drawn at the size it is shown, never stretched on a standard screen.
    pixel_ratio = 1
    #: Pixels per inch of the precomputed static frames (shown at their own size).
    static_dpi = 80

    # -- to implement -------------------------------------------------------
    def build(self, axes):
        """Create axes content and artists; append the changing ones to :attr:`dynamic`."""
        raise NotImplementedError

    def draw(self, **values):
        """Update the artists for these control values; return a status string."""
        raise NotImplementedError

    def ignores(self, values):
        """Names of the controls that make no difference at these control values.

        The static form computes such settings once (for instance a method's
        hyperparameter that another method does not have).  None by default.
        """
        return ()

    # -- machinery -----------------------------------------------------------
    @property
    def values(self):
        """Current control values, name -> value."""
        return {name: w.value for name, w in self.controls.items()}

    @property
    def static_values(self):
        """Name -> the values the static form precomputes (controls that declare some)."""
        return {n: list(s.static) for n, s in self.specs.items() if s.static}

    def invalidate(self):
        """Forget the cached backgrounds (call after changing static artists or limits)."""
        self._backgrounds = {}
        if getattr(self, "live", None) is not None:
            self.live.reset()

    def _show_error(self, message):
        """Write ``message`` over the figure, or clear the last one if ``message`` is ''."""
        if message:
            self._error = self.figure.suptitle(
                message, color=plotting.COLORS["vermillion"]
            )
        elif self._error is not None:
            self._error.set_text("")
            self._error = None
        self.invalidate()

    def _update(self, values):
        """Update the artists and :attr:`status` for ``values`` (errors on the figure)."""
        try:
            self.status = self.draw(**values) or ""
        except Exception as exc:  # a broken callback must be visible, not silent
            self.status = f"error: {type(exc).__name__}: {exc}"
            self._show_error(self.status)
        else:
            if self._error is not None:
                self._show_error("")

    def _render(self, values):
        """Update artists for ``values`` and draw the figure (background cached)."""
        self._update(values)
        self.figure.canvas.restore_region(self._background())
        for artist in self._vector:
            if artist.get_visible():
                artist.axes.draw_artist(
                    artist
                ) if artist.axes else self.figure.draw_artist(artist)

    def _background(self):
        """The figure without its vector artists, for the raster artists' current state.

        Drawn in full (slow: every static artist) the first time a state
        of the raster artists is met, then kept: swapping back to a surface
        seen before costs a copy.
        """
        key = tuple(static_form.signature(a) for a in self._raster)
        if key not in self._backgrounds:
            shown = [artist.get_visible() for artist in self._vector]
            for artist in self._vector:
                artist.set_visible(False)
            self.figure.canvas.draw()
            self._backgrounds[key] = self.figure.canvas.copy_from_bbox(self.figure.bbox)
            for artist, visible in zip(self._vector, shown):
                artist.set_visible(visible)
        return self._backgrounds[key]

    def _each_raster_state(self, remember):
        """Call ``remember()`` in every raster state the controls' static values reach.

        To draw each background once ahead (:meth:`_background`, the live
        picture's), so that the first swap to another surface does not cost a
        full draw while a learner moves a slider.
        """
        if not self._raster:
            return
        current = self.values
        for name, spec in self.specs.items():
            for value in spec.values():
                try:
                    self.draw(**dict(current, **{name: value}))
                except Exception:  # shown by _render when the learner gets there
                    continue
                remember()
        self.draw(**current)

    @property
    def painting(self):
        """Whether the picture is painted in the browser (else sent as a PNG)."""
        return self.live is not None and self.live.painting

    def _start_painting(self):
        """A view of :attr:`live` paints: send the backgrounds, hide the PNG, paint."""
        self._each_raster_state(self.live.send_background)
        self.image.layout.display = "none"
        self.refresh()

    def refresh(self):
        """Recompute for the current control values and update the picture.

        Painted in the browser once a view of :attr:`live` paints (the
        changing artists' operations, recorded; then the settings one key
        press away are drawn ahead while the kernel is idle, see
        :mod:`~gdcourse.widgets.ahead`), otherwise re-rendered to
        :attr:`image` as a PNG.
        """
        if self.painting:
            values = self.values
            self._update(values)
            self.live.show(values, self._alt(values), self.status)
            self.live.lookahead.restart(self._moved)
        else:
            self._render(self.values)
            self.image.value = encode_png(self.figure)
        self.status_line.value = html.escape(self.status)

    def _on_change(self, change):
        self._moved = next(
            (n for n, w in self.controls.items() if w is change["owner"]), None
        )
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
        if self.painting:
            self._render(self.values)
            return encode_png(self.figure)
        return self.image.value

    # -- display -------------------------------------------------------------
    @property
    def widget(self):
        """The live ipywidgets view: title, controls, the painted picture, the PNG, status."""
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
            if self.live is not None:
                parts.append(self.live.widget)
            parts.append(self.image)
            parts.append(self.status_line)
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
        return self.specs[name].value_label(value)

    def _control_label(self, name):
        return self.specs[name].label or name

    def static_grid(self):
        """The precomputed grid: a list of (name, values) with one or more values each."""
        return [(name, spec.values()) for name, spec in self.specs.items()]

    @contextlib.contextmanager
    def _static_size(self):
        """Draw at :attr:`static_dpi` inside the block, at the live resolution after it."""
        live = self.figure.dpi
        self.figure.set_dpi(self.static_dpi)
        self.invalidate()
        try:
            yield
        finally:
            self.figure.set_dpi(live)
            self.invalidate()
            self._render(self.values)

    def _alt(self, values):
        described = ", ".join(
            f"{self._control_label(n)} {self._label(n, v)}" for n, v in values.items()
        )
        return f"{self.title}: {described}. {self.status}".strip()

    def static_form(self):
        """The site's form: every setting of the dense grid as background plus vector overlays.

        See :mod:`gdcourse.widgets.static_form`; the explorer is left as it was.
        """
        with self._static_size():
            return static_form.build(self)

    def to_html(self, full=True):
        """The stored HTML form: one frame and a note, with the explorable form as inert data.

        What any HTML view shows without the course site's script (JupyterLab
        or Notebook before the cell runs, GitHub, nbviewer, Colab) is the
        title, the frame of the current settings and a one-line note; only
        plain elements are used, so it survives HTML sanitisers.  The data
        rides along in a ``<script type="application/json"
        class="gd-explorer-data">`` block, which sanitisers drop and browsers
        never run; the site's ``_static/gd-explorer.js`` reads it.

        Parameters
        ----------
        full : bool
            Carry the dense static form (:meth:`static_form`: backgrounds,
            overlays for every setting, compressed), which the site's script
            turns into controls over a canvas.  If False, only the current
            frame (a live display's preview; the site shows it as a
            snapshot).

        Returns
        -------
        str
        """
        key, frame = self._current_frame()
        data = {"title": self.title}
        if full:
            form = self.static_form()
            data.update(static_form.pack_form(form))
            data["note"] = static_form.describe(form)
        else:
            data["controls"] = [
                static_form.control_data(name, spec, [spec.widget.value], 0)
                for name, spec in self.specs.items()
            ]
            data["frames"] = {key: frame}
            data["note"] = SITE_SNAPSHOT_NOTE
        # "<" escaped: the JSON can never close its script element early
        blob = json.dumps(data, separators=(",", ":")).replace("<", "\\u003c")
        title = html.escape(self.title)
        w, h = (round(x * self.static_dpi) for x in self.figure.get_size_inches())
        return "\n".join(
            [
                f'<div class="gd-explorer" data-explorer="{title}">',
                f'<p class="gd-explorer-title">{title}</p>',
                '<div class="gd-explorer-frames">',
                f'<img class="gd-frame gd-active" data-key="{key}" '
                f'alt="{html.escape(frame["alt"])}" src="{frame["src"]}" '
                f'width="{w}" height="{h}">',
                "</div>",
                f'<p class="gd-explorer-note">{STORED_NOTE}</p>',
                f'<script type="application/json" class="gd-explorer-data">{blob}</script>',
                "</div>",
            ]
        )

    def _current_frame(self):
        """The current setting at the static size: its key and {src, alt, status}."""
        with self._static_size():
            self._render(self.values)
            frame = {
                "src": data_url(encode_frame(self.figure)),
                "alt": self._alt(self.values),
                "status": self.status,
            }
        return "|".join("0" for _ in self.controls), frame

"""The live explorer's picture painted in the browser, by the course site's painter.

In Jupyter an explorer shows its figure as a :class:`Picture`, an
`anywidget <https://anywidget.dev>`_ whose front end is the site's painter
(``gdcourse/widgets/js/painter.js``, the same file the site loads, followed by
the widget's glue, ``js/widget.mjs``).  At every control change the kernel
records what the explorer's changing (vector) artists draw
(:class:`~gdcourse.widgets.overlay.Recorder`, in the figure's pixels) and sets
the widget's ``frame`` (the operations with their styles, clips and fonts) and
``ints`` (their coordinates); the browser paints them at the screen's pixel
ratio over a background picture, which the kernel renders at
:data:`~gdcourse.widgets.static_form.BACKGROUND_RATIO` times the figure's
resolution and sends once per state of the raster artists.  No PNG is made
per change.  Each frame also carries the setting it draws (``state``, per
control as the page's model holds it), the background generation (``gen``)
and the status line (``status``).

While the kernel is idle the explorer also sends the drawings of the
settings one key press away (:mod:`gdcourse.widgets.ahead`); the page paints
one as soon as its control models reach its setting, and the kernel's own
frame for that setting follows.

The picture starts hidden behind the explorer's PNG; once a view has painted
it says so, and the explorer hides the PNG and stops making it
(:meth:`gdcourse.widgets.base.Explorer.refresh`).  A front end that cannot
run the painter never says so, and keeps the PNG.  Without ``anywidget``
installed, :data:`AVAILABLE` is False and explorers use the PNG alone.

The format of the operations: docs/static-form.md ("Operation", "Style",
"Font", "Clip").
"""

from __future__ import annotations

from importlib import resources

import ipywidgets as ipw
import numpy as np
import traitlets

from gdcourse.widgets import ahead, static_form
from gdcourse.widgets.overlay import SCALE, Recorder

try:
    import anywidget
except ImportError:  # the package without its book extra: PNG pictures only
    anywidget = None

__all__ = ["AVAILABLE", "ESM", "LivePicture", "Picture", "PictureFeed", "module_text"]

#: Whether the painted picture can be offered (``anywidget`` is installed).
AVAILABLE = anywidget is not None


def module_text():
    """The widget's ES module: the site's painter followed by the widget's glue.

    Returns
    -------
    str
        ``js/painter.js`` (which defines ``gdPainter``) and ``js/widget.mjs``
        (which exports the widget's ``initialize`` and ``render``), read from
        the installed package.

    Examples
    --------
    >>> text = module_text()
    >>> text.startswith("// The painter") and "export default" in text
    True
    """
    js = resources.files("gdcourse.widgets") / "js"
    return "\n".join(
        (js / name).read_text(encoding="utf-8") for name in ("painter.js", "widget.mjs")
    )


#: The module text, read once at import.
ESM = module_text()


class PictureFeed:
    """What the kernel sends a :class:`Picture`: recorded frames and backgrounds.

    Parameters
    ----------
    explorer : gdcourse.widgets.base.Explorer
        Built, at its live resolution.

    Attributes
    ----------
    count : int
        Frames recorded so far (each frame carries its number as ``n``).
    sources : dict
        Background key -> picture (a WebP data URL) of the backgrounds met
        since the last :meth:`reset`.
    """

    def __init__(self, explorer):
        self.explorer = explorer
        self.count = 0
        self.generation = 0
        self.reset()

    def reset(self):
        """Forget the backgrounds and start a new recorder (after static artists changed)."""
        ex = self.explorer
        self.generation += 1
        self.recorder = Recorder(ex.figure)
        self.backgrounds = static_form._Backgrounds(ex, ex._vector, ex._raster)
        self.sources = {}

    def background(self):
        """The key of the background for the raster artists' current state.

        Its picture is rendered, at ``static_form.BACKGROUND_RATIO`` times
        the figure's resolution, the first time the state is met, and kept
        in :attr:`sources`.
        """
        index = self.backgrounds.index()
        key = f"{self.generation}:{index}"
        self.sources[key] = self.backgrounds.sources[index]
        return key

    def frame(self, alt=""):
        """The current drawing of the explorer's vector artists: (frame, ints).

        Parameters
        ----------
        alt : str
            The picture's text alternative.

        Returns
        -------
        frame : dict
            ``o`` (per vector artist its operations), ``styles``, ``clips``,
            ``fonts``, ``scale`` (as in docs/static-form.md), ``b`` (the
            background's key), ``alt`` and ``n`` (the frame's number).
        ints : bytes
            The coordinates the operations index (x, y pairs in 1/``scale``
            px), little-endian 32-bit integers.
        """
        rec = self.recorder
        rec.clear()
        ops = [rec.record(artist) for artist in self.explorer._vector]
        self.count += 1
        frame = {
            "o": ops,
            "styles": rec.styles,
            "clips": rec.clips,
            "fonts": rec.fonts,
            "scale": SCALE,
            "b": self.background(),
            "alt": alt,
            "n": self.count,
        }
        return frame, np.asarray(rec.ints, dtype="<i4").tobytes()


class LivePicture:
    """An explorer's painted picture: the widget, its feed, and whether a view paints.

    Parameters
    ----------
    explorer : gdcourse.widgets.base.Explorer
        Built, at its live resolution.
    width : int
        The picture's width on screen, in CSS pixels.
    on_ready : callable
        Called once, with no argument, when a view first says it paints.

    Attributes
    ----------
    widget : Picture
        Hidden until :attr:`painting`.
    painting : bool
        Whether a view has said it paints (the explorer then feeds the
        widget instead of making PNGs).
    """

    def __init__(self, explorer, width, on_ready):
        self.feed = PictureFeed(explorer)
        size = [int(round(v)) for v in explorer.figure.bbox.size]
        self.controls = list(explorer.controls.values())
        self.widget = Picture(
            size=size,
            width=int(width),
            controls=[[w.model_id, ahead.page_attribute(w)] for w in self.controls],
            layout=ipw.Layout(display="none"),
        )
        self.widget.on_msg(self._message)
        self.painting = False
        self.sent = set()
        self.on_ready = on_ready
        #: Draws the settings one key press away (see :mod:`~gdcourse.widgets.ahead`).
        self.lookahead = ahead.Lookahead(explorer)

    def state(self, values):
        """The setting ``values`` (name -> value) as the page's control models hold it."""
        return [ahead.page_state(w, v) for w, v in zip(self.controls, values.values())]

    def _frame(self, values, alt, status):
        frame, ints = self.feed.frame(alt)
        frame.update(state=self.state(values), gen=self.feed.generation, status=status)
        self.send_background(frame["b"])
        return frame, ints

    def send_background(self, key=None):
        """Send the background ``key`` (by default the current one) unless already sent."""
        key = key or self.feed.background()
        if key not in self.sent and key in self.feed.sources:
            self.widget.send(
                {"type": "background", "key": key, "src": self.feed.sources[key]}
            )
            self.sent.add(key)

    def show(self, values, alt="", status=""):
        """Record the explorer's drawing of the setting ``values`` and hand it to the widget.

        Parameters
        ----------
        values : dict
            Control name -> value, the setting drawn (the frame's ``state``).
        alt : str
            The picture's text alternative.
        status : str
            The explorer's status line for the setting.
        """
        frame, ints = self._frame(values, alt, status)
        with self.widget.hold_sync():
            self.widget.frame = frame
            self.widget.ints = ints

    def ahead(self, values, alt="", status=""):
        """Send the drawing of the setting ``values``, for the page to paint when it gets there.

        As :meth:`show`, but as a message ``{type: "ahead", frame}`` with the
        coordinates as its buffer: the picture keeps showing the current
        setting.
        """
        frame, ints = self._frame(values, alt, status)
        self.widget.send({"type": "ahead", "frame": frame}, buffers=[ints])

    def reset(self):
        """Forget the backgrounds (after the explorer's static artists changed)."""
        self.feed.reset()

    def _message(self, widget, content, buffers):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ready":
            self.lookahead.forget()  # a new view has nothing drawn ahead
            if not self.painting:
                self.painting = True
                self.widget.layout.display = None
                self.on_ready()  # paints, then draws ahead
            else:
                self.lookahead.restart()
        elif kind == "need":
            # a view without this background (a page reloaded): send it again
            self.sent.discard(content.get("key"))
            self.send_background(content.get("key"))


if AVAILABLE:

    class Picture(anywidget.AnyWidget):
        """The explorer's picture as the site's painter draws it (see the module).

        Parameters
        ----------
        size : [int, int]
            The figure's width and height in its pixels (the unit of the
            recorded operations).
        width : int
            The width shown, in CSS pixels.
        """

        _esm = ESM
        size = traitlets.List([0, 0]).tag(sync=True)
        width = traitlets.Int(0).tag(sync=True)
        frame = traitlets.Dict().tag(sync=True)
        ints = traitlets.Bytes(b"").tag(sync=True)
        #: Per control, [model id, the attribute the page changes] (see
        #: :func:`~gdcourse.widgets.ahead.page_attribute`): the page paints a
        #: drawing sent ahead when its controls reach that drawing's ``state``.
        controls = traitlets.List().tag(sync=True)
        #: How many drawings the page keeps for when its controls get there.
        kept = traitlets.Int(ahead.KEPT).tag(sync=True)

else:  # the package without its book extra
    Picture = None

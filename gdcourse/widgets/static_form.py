"""The site's form of an explorer: backgrounds plus vector overlays over a dense grid.

For every combination of the controls' static values the explorer computes
its run in Python, as live, and :class:`~gdcourse.widgets.overlay.Recorder`
writes down what its changing (vector) artists draw.  What they are drawn
over, the background, is rendered once per distinct state of the explorer's
raster artists (a surface's loss bands that a control swaps), so equal
backgrounds are stored once.

A control whose values only extend the drawing (``prefix=True``: the steps
of a run, restarts) is not part of the grid: each setting is computed at the
control's largest value, and for every other value the form records, per
artist, how it differs from its drawing at the largest value (a step
state).  The browser thus draws any prefix of a run without a picture per
step.

The format: docs/static-form.md.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import itertools
import json

import numpy as np
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.text import Text

from gdcourse.widgets.overlay import SCALE, Recorder, pack
from gdcourse.widgets.pictures import data_url, encode_frame

__all__ = ["build", "control_data", "describe", "is_raster", "pack_form", "signature"]

#: Device pixels per CSS pixel of the stored backgrounds (sharp on HiDPI screens;
#: the overlays are vectors and sharp at any ratio).
BACKGROUND_RATIO = 2
#: WebP quality of the stored backgrounds.
BACKGROUND_QUALITY = 80

#: Per-step state of an artist: hidden, or the same as in the longest run
#: (the step states of docs/static-form.md).
HIDDEN, SAME = 0, -1


def is_raster(artist):
    """Whether an artist is drawn into the background picture (images) rather than as vectors."""
    return isinstance(artist, AxesImage)


def signature(artist):
    """What an artist would draw, as a comparable value; None if it cannot be told cheaply.

    Two equal signatures draw the same; lines and texts are compared by their
    data and style, other artists are never taken to be equal.
    """
    if isinstance(artist, Line2D):
        x, y = (np.asarray(a, dtype=float) for a in artist.get_data(orig=True))
        return (
            "line",
            artist.get_visible(),
            x.tobytes(),
            y.tobytes(),
            *_line_style(artist),
        )
    if isinstance(artist, Text):
        patch = artist.get_bbox_patch()
        return (
            "text",
            artist.get_visible(),
            artist.get_text(),
            tuple(artist.get_position()),
            str(artist.get_color()),
            artist.get_fontsize(),
            artist.get_rotation(),
            artist.get_ha(),
            artist.get_va(),
            None if patch is None else (str(patch.get_ec()), str(patch.get_fc())),
        )
    if isinstance(artist, AxesImage):
        array = np.asarray(artist.get_array())
        return (
            "image",
            artist.get_visible(),
            hashlib.sha1(array.tobytes()).hexdigest(),
            array.shape,
            tuple(artist.get_extent()),
            artist.get_clim(),
            artist.get_cmap().name,
            artist.get_alpha(),
        )
    return None


def _line_style(line):
    return (
        str(line.get_color()),
        line.get_linewidth(),
        str(line.get_linestyle()),
        str(line.get_marker()),
        line.get_markersize(),
        str(line.get_markerfacecolor()),
        str(line.get_markeredgecolor()),
        line.get_alpha(),
        line.get_drawstyle(),
    )


def _line_data(line):
    """A line's own data (as set, before any unit conversion) as float arrays."""
    return tuple(np.asarray(a, dtype=float) for a in line.get_data(orig=True))


def _prefix_length(line, longest):
    """``m`` if ``line`` (in the longest run's style) draws the first ``m`` of its points.

    ``longest`` is ``(x, y)`` of the line in the longest run.
    """
    (x, y), (fx, fy) = _line_data(line), longest
    m = len(x)
    if (
        m <= len(fx)
        and x.tobytes() == fx[:m].tobytes()
        and y.tobytes() == fy[:m].tobytes()
    ):
        return m
    return None


class _Backgrounds:
    """The distinct backgrounds of an explorer, each rendered once."""

    def __init__(self, explorer, vector, raster):
        self.explorer, self.vector, self.raster = explorer, vector, raster
        self.keys, self.sources = {}, []

    def index(self):
        """Index of the background for the current artist states (rendered if new)."""
        key = tuple(signature(a) for a in self.raster)
        if key not in self.keys:
            self.keys[key] = len(self.sources)
            self.sources.append(self._render())
        return self.keys[key]

    def _render(self):
        figure = self.explorer.figure
        dpi = figure.dpi
        shown = [a.get_visible() for a in self.vector]
        for artist in self.vector:
            artist.set_visible(False)
        try:
            # raster artists are never animated: they are drawn here, in place
            figure.set_dpi(dpi * BACKGROUND_RATIO)
            figure.canvas.draw()
            return data_url(encode_frame(figure, quality=BACKGROUND_QUALITY, method=6))
        finally:
            figure.set_dpi(dpi)
            for artist, visible in zip(self.vector, shown):
                artist.set_visible(visible)


class _Cached:
    """Records artists, reusing the operations of an artist drawn before exactly alike.

    Laying text out is the slowest part of recording (Matplotlib measures
    every string with FreeType), and notes, labels and runs that do not
    depend on every control repeat over settings; a repeat costs no new
    coordinates either.
    """

    def __init__(self, recorder):
        self.recorder = recorder
        self.seen = {}

    def record(self, artist):
        key = signature(artist)
        if key is None:
            return self.recorder.record(artist)
        key = hashlib.sha1(repr(key).encode()).digest()
        if key not in self.seen:
            self.seen[key] = self.recorder.record(artist)
        return self.seen[key]


def _canonical(explorer, grid, values, current):
    """Grid indices of ``values`` with the controls they ignore at their current values."""
    ignored = set(explorer.ignores(values))
    return tuple(
        vals.index(current[n] if n in ignored else values[n]) for n, vals in grid
    )


def _steps(explorer, values, name, lengths, vector, templates, recorder):
    """Per value of the prefix control: its status and, per vector artist, what it draws then.

    Called with the artists drawn for the control's largest value, whose
    operations are ``templates`` (one list per artist); ``recorder`` is a
    :class:`_Cached`.
    """
    longest = [
        (_line_style(a), *_line_data(a)) if isinstance(a, Line2D) else signature(a)
        for a in vector
    ]
    out = []
    for k in lengths:
        status = explorer.draw(**dict(values, **{name: k})) or ""
        states = []
        for artist, full, ops in zip(vector, longest, templates):
            if not artist.get_visible():
                state = HIDDEN
            elif isinstance(artist, Line2D):
                style, data = full[0], full[1:]
                state = None
                if _line_style(artist) == style:
                    m = _prefix_length(artist, data)
                    state = SAME if m == len(data[0]) else m
                    if state is None and ops:
                        state = recorder.recorder.record_line(artist, ops)
            else:
                same = full is not None and signature(artist) == full
                state = SAME if same else None
            states.append(recorder.record(artist) if state is None else state)
        out.append({"st": status, "a": states})
    return out


def build(explorer):
    """The dense static form of ``explorer``: controls, backgrounds, frames, packed coordinates.

    Parameters
    ----------
    explorer : gdcourse.widgets.base.Explorer
        Drawn at its static resolution (see ``Explorer._static_size``).

    Returns
    -------
    dict
        The form of docs/static-form.md ("Form") with the page data's
        ``controls`` and ``backgrounds``, and ``ints``, the packed stream as
        bytes; :func:`pack_form` makes four keys of the page data from it.
    """
    specs = explorer.specs
    grid = [(n, s.values()) for n, s in specs.items() if not s.prefix]
    runs = [(n, s.values()) for n, s in specs.items() if s.prefix]
    if len(runs) > 1:
        raise ValueError(
            f"an explorer may have one prefix control, got {[n for n, _ in runs]}"
        )
    vector = [a for a in explorer.dynamic if not is_raster(a)]
    raster = [a for a in explorer.dynamic if is_raster(a)]
    recorder = Recorder(explorer.figure)
    texts = _Cached(recorder)
    backgrounds = _Backgrounds(explorer, vector, raster)
    current = explorer.values
    frames = {}
    for index in itertools.product(*(range(len(v)) for _, v in grid)):
        values = dict(current)
        values.update({n: vals[i] for (n, vals), i in zip(grid, index)})
        same = _canonical(explorer, grid, values, current)
        if same != index:
            # a control this setting ignores: the frame of its canonical setting
            frames["|".join(map(str, index))] = "|".join(map(str, same))
            continue
        if runs:
            values[runs[0][0]] = runs[0][1][-1]
        status = explorer.draw(**values) or ""
        frame = {"b": backgrounds.index(), "st": status}
        frame["o"] = [texts.record(a) for a in vector]
        if runs:
            frame["steps"] = _steps(
                explorer, values, runs[0][0], runs[0][1], vector, frame["o"], texts
            )
            if backgrounds.index() != frame["b"]:
                raise ValueError(
                    f"the prefix control {runs[0][0]!r} must not change the background"
                )
        frames["|".join(map(str, index))] = frame
    explorer.draw(**current)
    return {
        "controls": [
            control_data(n, s, s.values(), _start_index(s, s.values()))
            for n, s in specs.items()
        ],
        "backgrounds": backgrounds.sources,
        "styles": recorder.styles,
        "clips": recorder.clips,
        "fonts": recorder.fonts,
        "frames": frames,
        "scale": SCALE,
        "ints": pack(recorder.ints),
    }


def control_data(name, spec, values, index):
    """One control as the site's script builds it: label, kind, value labels, start index."""
    data = {
        "name": name,
        "label": spec.label or name,
        "kind": "select" if spec.is_menu() and len(values) > 1 else "range",
        "labels": [spec.value_label(v) for v in values],
        "value": index,
    }
    if spec.prefix:
        data["run"] = True
    return data


def _start_index(spec, values):
    current = spec.widget.value
    return values.index(current) if current in values else len(values) - 1


def pack_form(form):
    """The form as a page stores it: controls and backgrounds as they are, the rest compressed.

    The tables and frames become ``form`` and the packed coordinates
    ``ints``, each gzip-compressed without a time stamp (so the same form
    gives the same bytes) and base64-encoded: the page data's ``controls``,
    ``backgrounds``, ``form`` and ``ints`` in docs/static-form.md.
    """
    rest = {k: form[k] for k in ("styles", "clips", "fonts", "frames", "scale")}
    text = json.dumps(rest, separators=(",", ":")).encode()
    return {
        "controls": form["controls"],
        "backgrounds": form["backgrounds"],
        "form": _gzip64(text),
        "ints": _gzip64(form["ints"]),
    }


def describe(form):
    """The site's note under a dense explorer: what it offers without a kernel.

    Examples
    --------
    >>> describe({"controls": [
    ...     {"label": "rate", "kind": "range", "labels": ["0.1", "0.3", "1"]},
    ...     {"label": "steps", "kind": "range", "labels": ["0", "1", "2"], "run": True},
    ...     {"label": "kind", "kind": "select", "labels": ["a", "b"]}]})
    'Without a kernel: rate 3 values from 0.1 to 1; steps every value from 0 to 2; kind 2 choices. Every one of the 18 settings was computed in Python as the live explorer does; run the notebook for the values in between.'
    """
    parts, count = [], 1
    for c in form["controls"]:
        labels, n = c["labels"], len(c["labels"])
        count *= n
        if c["kind"] == "select":
            parts.append(f"{c['label']} {n} choices")
        elif n == 1:
            parts.append(f"{c['label']} {labels[0]}")
        elif c.get("run"):
            parts.append(f"{c['label']} every value from {labels[0]} to {labels[-1]}")
        else:
            parts.append(f"{c['label']} {n} values from {labels[0]} to {labels[-1]}")
    return (
        f"Without a kernel: {'; '.join(parts)}. Every one of the {count:,} settings "
        "was computed in Python as the live explorer does; run the notebook for the "
        "values in between."
    )


def _gzip64(data):
    return base64.b64encode(gzip.compress(data, compresslevel=9, mtime=0)).decode(
        "ascii"
    )

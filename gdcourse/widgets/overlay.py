"""Vector overlays: what an explorer's changing artists draw, as data a browser can paint.

The static site shows an explorer as a background picture (everything that
does not change with the controls) with its changing artists painted over it
on a ``<canvas>`` by the painter ``gdcourse/widgets/js/painter.js``, which
also paints the live picture in Jupyter (:mod:`gdcourse.widgets.painter`).
:class:`Recorder` is a Matplotlib renderer that, instead of making pixels,
writes down each drawing operation (path, markers, text) in the figure's
pixel space, with its style and clip rectangle, exactly as Matplotlib lays it
out: the browser only paints, it never computes.  :func:`pack` writes the coordinates of all
operations as one stream of bytes.

The format: docs/static-form.md.

>>> codes, verts, upto = polyline(np.array([[0.0, 0.0], [10.0, 0.0], [np.nan, 1.0], [5.0, 5.0]]),
...                               (-100.0, -100.0, 100.0, 100.0))
>>> codes, verts.tolist(), upto.tolist()
('ML M', [[0.0, 0.0], [10.0, 0.0], [5.0, 5.0]], [1, 2, 2, 3])
"""

from __future__ import annotations

import numpy as np
from matplotlib.backend_bases import GraphicsContextBase, RendererBase
from matplotlib.colors import to_hex
from matplotlib.path import Path

__all__ = ["Recorder", "clip_segment", "pack", "polyline", "unpack", "zigzag"]

#: How far outside the figure a stored coordinate may lie, in pixels (the
#: browser clips there anyway; farther points are cut where their segment
#: leaves this margin, as Matplotlib's own Agg renderer does).
MARGIN = 200.0
#: Stored coordinates are integers in 1/SCALE of a pixel (a quarter: finer than
#: antialiasing shows, and most steps between vertices then fit one byte).
SCALE = 4

_CODE = {Path.MOVETO: "M", Path.LINETO: "L", Path.CURVE3: "Q", Path.CURVE4: "C"}


def clip_segment(p, q, box):
    """The part of segment ``p``-``q`` inside ``box`` (Liang-Barsky), or None.

    Parameters
    ----------
    p, q : array_like, shape (2,)
    box : (x0, y0, x1, y1)

    Returns
    -------
    (numpy.ndarray, numpy.ndarray) or None

    Notes
    -----
    With :math:`P(t) = p + t (q - p)`, each side of the box bounds :math:`t`
    from below (entering) or above (leaving); the segment survives when the
    largest entry is at most the smallest exit, :math:`t_0 \\le t_1`.

    Examples
    --------
    >>> a, b = clip_segment([-10.0, 0.0], [10.0, 0.0], (-1.0, -1.0, 1.0, 1.0))
    >>> a.tolist(), b.tolist()
    ([-1.0, 0.0], [1.0, 0.0])
    >>> clip_segment([5.0, 5.0], [6.0, 9.0], (-1.0, -1.0, 1.0, 1.0)) is None
    True
    """
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    d = q - p
    t0, t1 = 0.0, 1.0
    for delta, start, lo, hi in (
        (d[0], p[0], box[0], box[2]),
        (d[1], p[1], box[1], box[3]),
    ):
        if delta == 0.0:
            if start < lo or start > hi:
                return None
            continue
        a, b = (lo - start) / delta, (hi - start) / delta
        t0, t1 = max(t0, min(a, b)), min(t1, max(a, b))
    if t0 > t1:
        return None
    return p + t0 * d, p + t1 * d


def polyline(points, box):
    """A polyline's pieces inside ``box``: codes, vertices, and vertices drawn per point.

    NaN points break the line (as Matplotlib does); a segment that leaves
    the box is cut at its edge, so every vertex lies inside it.

    Parameters
    ----------
    points : numpy.ndarray, shape (n, 2)
    box : (x0, y0, x1, y1)

    Returns
    -------
    codes : str
        One letter per vertex: ``M`` (move) or ``L`` (line); a space marks
        a point that starts a piece after a break (for readability only:
        the letters count vertices).
    verts : numpy.ndarray, shape (m, 2)
    upto : numpy.ndarray of int, shape (n,)
        ``upto[i]`` vertices draw the line through point ``i``: the browser
        draws the first ``k`` points as the first ``upto[k - 1]`` vertices.
    """
    pts = np.asarray(points, dtype=float)
    finite = np.all(np.isfinite(pts), axis=1)
    inside = finite & np.all((pts >= box[:2]) & (pts <= box[2:]), axis=1)
    if inside.all():
        n = len(pts)
        return "M" + "L" * (n - 1) if n else "", pts.copy(), np.arange(1, n + 1)
    codes, verts, upto = [], [], []
    pen = False  # whether the last vertex written is the previous point
    for i, point in enumerate(pts):
        if not finite[i]:
            pen = False
        elif i and finite[i - 1]:
            piece = clip_segment(pts[i - 1], point, box)
            if piece is not None:
                a, b = piece
                if not pen or not inside[i - 1]:
                    codes.append("M" if not codes else " M")
                    verts.append(a)
                codes.append("L")
                verts.append(b)
            pen = piece is not None and inside[i]
        elif inside[i]:
            codes.append("M" if not codes else " M")
            verts.append(point)
            pen = True
        else:
            pen = False
        upto.append(len(verts))
    return "".join(codes), np.array(verts, dtype=float).reshape(-1, 2), np.array(upto)


def zigzag(values):
    """Map signed integers to unsigned ones, small magnitudes to small numbers.

    Notes
    -----
    :math:`z(v) = 2v` for :math:`v \\ge 0` and :math:`-2v - 1` otherwise.

    >>> zigzag(np.array([0, -1, 1, -2, 2])).tolist()
    [0, 1, 2, 3, 4]
    """
    v = np.asarray(values, dtype=np.int64)
    return np.where(v >= 0, 2 * v, -2 * v - 1)


def pack(ints):
    """Bytes of the differences between successive integers, as zig-zag varints.

    Each difference takes 7 bits a byte, low bits first, the top bit set
    on every byte but its last; the first value is its difference from 0.

    >>> pack([3, 5, 5, -60]).hex()
    '0604008101'
    >>> unpack(pack([3, 5, 5, -60, 100000])).tolist()
    [3, 5, 5, -60, 100000]
    """
    z = zigzag(np.diff(np.asarray(ints, dtype=np.int64), prepend=0))
    out = bytearray()
    for value in z.tolist():
        while value >= 0x80:
            out.append((value & 0x7F) | 0x80)
            value >>= 7
        out.append(value)
    return bytes(out)


def unpack(data):
    """The integers :func:`pack` wrote (what the site's script decodes)."""
    values, value, shift = [], 0, 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            values.append((value >> 1) ^ -(value & 1))
            value, shift = 0, 0
    return np.cumsum(np.array(values, dtype=np.int64))


def _color(rgba, alpha=None):
    """``#rrggbbaa`` of an RGB(A) tuple, the alpha replaced if given."""
    rgba = tuple(rgba)
    if alpha is not None:
        rgba = rgba[:3] + (alpha,)
    return to_hex(rgba, keep_alpha=True)


class Recorder(RendererBase):
    """A Matplotlib renderer that records operations instead of drawing pixels.

    Text is measured by the Agg renderer of the same figure, so layout (text
    boxes, alignment) is exactly what the live PNG shows.  Text in plain
    fonts is recorded as text (the browser sets it, stretched to the width
    Matplotlib measured); mathematical text is recorded as the glyphs' paths.
    The operations, the tables they index and the coordinates are those of
    docs/static-form.md.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        Drawn on an Agg canvas, at the resolution to record at.

    Attributes
    ----------
    ops : list of dict
        The operations of the last :meth:`record`, in drawing order; their
        coordinates go to :attr:`ints`.
    ints : list of int
        Every coordinate recorded so far (the packed stream before
        :func:`pack`).
    styles, clips, fonts : list
        Tables the operations index, each entry stored once.
    """

    def __init__(self, figure):
        super().__init__()
        self.agg = figure.canvas.get_renderer()
        self.width, self.height = self.agg.width, self.agg.height
        self.dpi = figure.dpi
        self.box = (-MARGIN, -MARGIN, self.width + MARGIN, self.height + MARGIN)
        self.ops, self.ints = [], []
        self.styles, self.clips, self.fonts = [], [], []
        self._index = {}
        self._measured = {}

    def clear(self):
        """Forget the operations, coordinates and tables recorded so far.

        For a recorder that records one frame at a time (the live picture,
        :mod:`gdcourse.widgets.painter`); the text measurements are kept.
        """
        self.ops, self.ints = [], []
        self.styles, self.clips, self.fonts = [], [], []
        self._index = {}
        if len(self._measured) > 10_000:  # texts that change with every setting
            self._measured = {}

    def record(self, artist):
        """The operations that draw ``artist`` (none if it is hidden)."""
        self.ops = []
        if artist.get_visible():
            artist.draw(self)
        return self.ops

    def record_line(self, line, template):
        """The operations of ``line`` drawn like ``template`` (its ops for other data).

        A fast path for a line whose style is unchanged: its points are
        transformed to pixels here, skipping Matplotlib's draw; ``template``
        holds the line's operations recorded by :meth:`record` for other
        data (a path, markers, or both).
        """
        xy = line.get_transform().transform(np.column_stack(line.get_data()))
        finite = np.all(np.isfinite(xy), axis=1)
        inside = finite & np.all((xy >= self.box[:2]) & (xy <= self.box[2:]), axis=1)
        ops = []
        for old in template:
            op = {k: v for k, v in old.items() if k not in ("d", "v", "u")}
            if old["k"] == "p":
                codes, verts, upto = polyline(xy, self.box)
                if not np.array_equal(upto, np.arange(1, len(upto) + 1)):
                    op["u"] = upto.tolist()
                op["d"] = _runs(codes.replace(" ", ""))
                op["v"] = self._vertices(verts)
            else:
                op["d"] = old["d"]
                op["v"] = self._vertices(xy[inside])
                if not inside.all():
                    op["u"] = np.cumsum(inside).tolist()
            ops.append(op)
        return ops

    # -- what Matplotlib asks of a renderer ----------------------------------
    def flipy(self):
        return True

    def get_canvas_width_height(self):
        return self.width, self.height

    def points_to_pixels(self, points):
        return points * self.dpi / 72.0

    def get_text_width_height_descent(self, s, prop, ismath):
        # measured once: the layout asks, then draw_text asks again for the width
        # (a FontProperties compares by its hash, as Matplotlib's own cache does)
        key = (s, hash(prop), ismath)
        if key not in self._measured:
            self._measured[key] = self.agg.get_text_width_height_descent(
                s, prop, ismath
            )
        return self._measured[key]

    def new_gc(self):
        return GraphicsContextBase()

    def draw_image(self, gc, x, y, im):
        raise ValueError(
            "a raster artist cannot be recorded as a vector overlay; "
            "explorers keep images in their background"
        )

    # -- recording -------------------------------------------------------------
    def _table(self, table, entry):
        """Index of ``entry`` in ``table``, appended once."""
        key = (id(table), repr(entry))
        if key not in self._index:
            self._index[key] = len(table)
            table.append(entry)
        return self._index[key]

    def _vertices(self, verts):
        """Store pixel vertices (Matplotlib's y-up) and return [start, count]."""
        v = np.asarray(verts, dtype=float).reshape(-1, 2)
        flipped = np.column_stack([v[:, 0], self.height - v[:, 1]])
        start = len(self.ints) // 2
        self.ints.extend(np.rint(flipped * SCALE).astype(np.int64).ravel().tolist())
        return [start, len(v)]

    def _clip(self, gc):
        rect = gc.get_clip_rectangle()
        if rect is None:
            return None
        x0, y0, x1, y1 = (float(e) for e in rect.extents)
        entry = [
            round(x0, 2),
            round(self.height - y1, 2),
            round(x1 - x0, 2),
            round(y1 - y0, 2),
        ]
        return self._table(self.clips, entry)

    def _style(self, gc, rgbFace):
        forced = gc.get_forced_alpha()
        lw = self.points_to_pixels(gc.get_linewidth())
        style = {}
        if lw > 0:
            style["stroke"] = _color(gc.get_rgb())
            style["lw"] = round(float(lw), 2)
            offset, dashes = gc.get_dashes()
            if dashes is not None and len(dashes):
                style["dash"] = [
                    round(float(self.points_to_pixels(d)), 2) for d in dashes
                ]
                style["dashOffset"] = round(
                    float(self.points_to_pixels(offset or 0)), 2
                )
            style["cap"] = {"projecting": "square"}.get(
                gc.get_capstyle(), gc.get_capstyle()
            )
            style["join"] = gc.get_joinstyle()
        if rgbFace is not None:
            face = tuple(rgbFace)
            alpha = gc.get_alpha() if forced or len(face) == 3 else face[3]
            style["fill"] = _color(face[:3], alpha if alpha is not None else 1.0)
        return self._table(self.styles, style)

    def _path_codes(self, path, transform):
        """(codes, vertices) of a general path in pixels, clipped to :attr:`box` if open."""
        codes, verts = [], []
        for vertices, code in path.iter_segments(
            transform, remove_nans=True, simplify=False, curves=True
        ):
            if code == Path.CLOSEPOLY:
                codes.append("Z")
                continue
            pts = np.asarray(vertices, dtype=float).reshape(-1, 2)
            codes.append(_CODE[code])
            verts.extend(pts)
        v = np.array(verts, dtype=float).reshape(-1, 2)
        lo, hi = np.array(self.box[:2]), np.array(self.box[2:])
        return "".join(codes), np.clip(v, lo - 1e4, hi + 1e4)

    def draw_path(self, gc, path, transform, rgbFace=None):
        op = {"k": "p", "s": self._style(gc, rgbFace), "c": self._clip(gc)}
        simple = path.codes is None or (
            path.codes[0] == Path.MOVETO and np.all(path.codes[1:] == Path.LINETO)
        )
        if simple and rgbFace is None:
            codes, verts, upto = polyline(transform.transform(path.vertices), self.box)
            if not np.array_equal(upto, np.arange(1, len(upto) + 1)):
                op["u"] = upto.tolist()
        else:
            codes, verts = self._path_codes(path, transform)
        op["d"] = _runs(codes.replace(" ", ""))
        op["v"] = self._vertices(verts)
        self.ops.append(op)

    def draw_markers(self, gc, marker_path, marker_trans, path, trans, rgbFace=None):
        codes, shape = self._path_codes(marker_path, marker_trans)
        at = trans.transform(path.vertices)
        keep = np.all(np.isfinite(at), axis=1) & np.all(
            (at >= self.box[:2]) & (at <= self.box[2:]), axis=1
        )
        op = {
            "k": "m",
            "s": self._style(gc, rgbFace),
            "c": self._clip(gc),
            "d": _runs(codes),
            # the marker's outline, relative to its centre (y down, as drawn)
            "shape": np.rint(shape * [SCALE, -SCALE]).astype(int).ravel().tolist(),
            "v": self._vertices(at[keep]),
        }
        if not keep.all():
            op["u"] = np.cumsum(keep).tolist()
        self.ops.append(op)

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath:
            # glyph outlines: mathematical text is not left to the browser's fonts
            return self._draw_text_as_path(gc, x, y, s, prop, angle, ismath, mtext)
        width, _, _ = self.get_text_width_height_descent(s, prop, ismath)
        font = {
            "size": round(float(self.points_to_pixels(prop.get_size_in_points())), 2),
            "weight": prop.get_weight(),
            "style": prop.get_style(),
        }
        op = {
            "k": "t",
            "c": self._clip(gc),
            "f": self._table(self.fonts, font),
            "fill": _color(gc.get_rgb()),
            # the baseline's left end, y down (Agg passes y already flipped)
            "x": int(round(x * SCALE)),
            "y": int(round(y * SCALE)),
            "w": int(round(width * SCALE)),
            "a": round(float(angle), 2),
            "t": s,
        }
        self.ops.append(op)


def _runs(codes):
    """Run-length form of a string of path letters: ``"MLLL"`` -> ``"M1L3"``.

    >>> _runs("MLLLZMCC")
    'M1L3Z1M1C2'
    """
    out, i = [], 0
    while i < len(codes):
        j = i
        while j < len(codes) and codes[j] == codes[i]:
            j += 1
        out.append(f"{codes[i]}{j - i}")
        i = j
    return "".join(out)

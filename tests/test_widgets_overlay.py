"""Vector overlays: clipping, the packed integer stream, and what the recorder writes down."""

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from gdcourse.widgets import static_form
from gdcourse.widgets.base import Explorer
from gdcourse.widgets.controls import float_slider, int_slider
from gdcourse.widgets.overlay import (
    SCALE,
    Recorder,
    clip_segment,
    pack,
    polyline,
    unpack,
    zigzag,
)

BOX = (-1.0, -1.0, 1.0, 1.0)


def inside(p, box=BOX, tol=1e-9):
    return box[0] - tol <= p[0] <= box[2] + tol and box[1] - tol <= p[1] <= box[3] + tol


@pytest.mark.parametrize("seed", range(5))
def test_clip_segment_keeps_exactly_the_points_inside(seed):
    rng = np.random.default_rng(seed)
    for _ in range(200):
        p, q = rng.uniform(-3, 3, 2), rng.uniform(-3, 3, 2)
        piece = clip_segment(p, q, BOX)
        t = np.linspace(0, 1, 401)
        points = p + t[:, None] * (q - p)
        kept = np.array([inside(x, tol=0) for x in points])
        if piece is None:
            assert not kept.any()
            continue
        a, b = piece
        assert inside(a) and inside(b)
        # the kept samples lie on [a, b]: parameters between those of a and b
        d = q - p
        ta, tb = (np.dot(x - p, d) / np.dot(d, d) for x in (a, b))
        assert np.all((t[kept] >= ta - 1e-9) & (t[kept] <= tb + 1e-9))
        # and a, b are on the segment, at the box's edge unless an end point
        for x, end in ((a, p), (b, q)):
            on_edge = np.isclose(np.abs(x), 1.0).any()
            assert on_edge or np.allclose(x, end)


def test_a_polyline_inside_the_box_is_kept_as_it_is():
    pts = np.array([[0.0, 0.0], [0.5, 0.2], [-0.3, 0.9]])
    codes, verts, upto = polyline(pts, BOX)
    assert codes == "MLL"
    np.testing.assert_array_equal(verts, pts)
    assert upto.tolist() == [1, 2, 3]


def test_a_polyline_leaving_the_box_is_cut_at_its_edge():
    pts = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 0.5]])
    codes, verts, upto = polyline(pts, BOX)
    # in to the right edge, then back in from it towards (0, 0.5)
    assert codes == "ML ML"
    np.testing.assert_allclose(verts[1], [1.0, 0.0])
    # (3, 0) + t (-3, 0.5) meets x = 1 at t = 2/3
    np.testing.assert_allclose(verts[2], [1.0, 1.0 / 3.0])
    np.testing.assert_allclose(verts[3], [0.0, 0.5])
    assert upto.tolist() == [1, 2, 4]


def test_nan_breaks_a_polyline_and_far_points_never_reach_the_stream():
    pts = np.array([[0.0, 0.0], [0.5, 0.0], [np.nan, np.nan], [0.2, 0.2], [1e9, 1e9]])
    codes, verts, upto = polyline(pts, BOX)
    assert codes.replace(" ", "") == "MLML"
    assert np.all(np.abs(verts) <= 1.0 + 1e-12)
    assert upto.tolist() == [1, 2, 2, 3, 4]


def test_zigzag_and_pack_round_trip():
    rng = np.random.default_rng(0)
    ints = rng.integers(-(10**7), 10**7, 500)
    assert unpack(pack(ints)).tolist() == ints.tolist()
    assert zigzag([0, -1, 1, -64, 63]).tolist() == [0, 1, 2, 127, 126]
    # small steps take one byte each
    assert len(pack(np.arange(0, 300, 3))) == 100


def _figure():
    fig = Figure(figsize=(4, 3), dpi=80)
    FigureCanvasAgg(fig)
    ax = fig.add_axes([0.1, 0.1, 0.8, 0.8])
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    fig.canvas.draw()
    return fig, ax


def test_a_line_is_recorded_at_its_pixels_from_the_top_left():
    fig, ax = _figure()
    (line,) = ax.plot([1, 5, 9], [1, 8, 2], color="#112233", lw=2)
    rec = Recorder(fig)
    (op,) = rec.record(line)
    start, n = op["v"]
    got = np.array(rec.ints[2 * start : 2 * (start + n)]).reshape(-1, 2) / SCALE
    px = ax.transData.transform(np.array([[1, 1], [5, 8], [9, 2]]))
    px[:, 1] = fig.canvas.get_width_height()[1] - px[:, 1]
    np.testing.assert_allclose(got, px, atol=0.5 / SCALE)
    style = rec.styles[op["s"]]
    assert style["stroke"] == "#112233ff" and style["lw"] == pytest.approx(
        2 * 80 / 72, abs=0.01
    )
    x0, y0, w, h = rec.clips[op["c"]]
    assert (w, h) == pytest.approx(tuple(ax.bbox.size), abs=0.01)


def test_markers_are_one_shape_at_many_places():
    fig, ax = _figure()
    (dots,) = ax.plot([1, 2, 3], [1, 2, 3], "o", ms=6)
    (op,) = Recorder(fig).record(dots)
    assert op["k"] == "m" and op["v"][1] == 3
    shape = np.array(op["shape"]).reshape(-1, 2) / SCALE
    # a circle of diameter 6 points, centred on the marker's place
    assert np.abs(shape).max() == pytest.approx(3 * 80 / 72, abs=0.3)


def test_text_is_recorded_where_agg_lays_it_out():
    fig, ax = _figure()
    text = ax.text(5, 5, "loss 0.25", ha="right", fontsize=10)
    rec = Recorder(fig)
    (op,) = rec.record(text)
    box = text.get_window_extent(fig.canvas.get_renderer())
    assert op["k"] == "t" and op["t"] == "loss 0.25"
    assert op["x"] / SCALE == pytest.approx(box.x0, abs=0.5)
    assert op["w"] / SCALE == pytest.approx(box.width, abs=0.5)
    assert rec.fonts[op["f"]]["size"] == pytest.approx(10 * 80 / 72, abs=0.01)


def test_mathematical_text_is_recorded_as_glyph_outlines():
    fig, ax = _figure()
    text = ax.text(5, 5, r"$\eta^2$")
    ops = Recorder(fig).record(text)
    assert ops and all(op["k"] == "p" for op in ops)


def test_a_hidden_artist_records_nothing():
    fig, ax = _figure()
    (line,) = ax.plot([1, 2], [1, 2])
    line.set_visible(False)
    assert Recorder(fig).record(line) == []


class _Growing(Explorer):
    """A run that grows with its steps, and a note that appears after step 3."""

    ncols = 1

    def __init__(self):
        super().__init__(
            {
                "slope": float_slider(1.0, 0.0, 2.0, "slope", static=[0.5, 1.0]),
                "steps": int_slider(2, 0, 6, "steps", prefix=True),
            },
            title="growing",
        )

    def build(self, axes):
        axes.set_xlim(0, 6)
        axes.set_ylim(0, 12)
        (self.line,) = axes.plot([], [], "-o")
        self.note = axes.text(1, 10, "")
        self.dynamic = [self.line, self.note]

    def draw(self, slope, steps):
        t = np.arange(steps + 1)
        self.line.set_data(t, slope * t)
        self.note.set_text("long" if steps > 3 else "")
        self.note.set_visible(steps > 3)
        return f"{steps} steps at slope {slope}"


def test_a_prefix_control_records_prefixes_not_pictures():
    ex = _Growing()
    form = ex.static_form()
    assert list(form["frames"]) == ["0", "1"]
    steps = form["frames"]["1"]["steps"]
    assert [s["st"] for s in steps] == [f"{k} steps at slope 1.0" for k in range(7)]
    line = [s["a"][0] for s in steps]
    note = [s["a"][1] for s in steps]
    # the line: k + 1 points of the longest run, the whole of it at the end
    assert line == [1, 2, 3, 4, 5, 6, static_form.SAME]
    # the note: hidden up to 3 steps, then the same text as the longest run's
    assert note == [static_form.HIDDEN] * 4 + [static_form.SAME] * 3
    assert form["frames"]["1"]["st"] == "6 steps at slope 1.0"


def test_a_prefix_control_must_be_an_integer_slider_without_static_values():
    with pytest.raises(ValueError, match="prefix"):
        int_slider(2, 0, 6, "steps", static=[2, 6], prefix=True)

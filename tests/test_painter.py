"""The explorers' painter (gdcourse/widgets/js/painter.js), run in node.

``tests/js/painter_harness.mjs`` loads the painter as the site does (a classic
script defining ``gdPainter``) and paints on a canvas whose 2D context records
every call; these tests compare what it decodes and draws with what Python
wrote (:mod:`gdcourse.widgets.overlay`) and what Matplotlib draws.  The live
widget's module (the painter followed by ``js/widget.mjs``) is imported as an
ES module.  Without node these tests are skipped, saying so.
"""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D

from gdcourse import widgets
from gdcourse.widgets import overlay, painter

HARNESS = Path(__file__).parent / "js" / "painter_harness.mjs"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(
    NODE is None,
    reason="node is not installed (apt-get install -y nodejs): "
    "the painter's JavaScript was not tested",
)


def run(case=None, *args):
    """The harness's JSON answer to ``case`` (or to ``args``)."""
    done = subprocess.run(
        [NODE, str(HARNESS), *args],
        input=json.dumps(case or {}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def paths(calls):
    """The vertices each ``beginPath`` traces: a list of [(x, y), ...]."""
    out = []
    for call in calls:
        if call[0] == "beginPath":
            out.append([])
        elif call[0] in ("moveTo", "lineTo") and out:
            out[-1].append(tuple(call[1:]))
    return out


def test_unpack_reads_what_overlay_pack_writes():
    ints = [0, 3, 5, 5, -60, 100_000, -(2**40), 2**40 + 5, 7, -1]
    packed = list(overlay.pack(ints))
    assert run({"packed": packed})["unpacked"] == ints


def test_letters_expand_run_lengths():
    got = run({"runs": ["M1L3Z1", "M1C6", "", "Q2M1"]})["letters"]
    assert got == [["M", "L", "L", "L", "Z"], ["M"] + ["C"] * 6, [], ["Q", "Q", "M"]]


@pytest.fixture(scope="module")
def recorded():
    """One frame of the "gradient descent" explorer, as the live widget is fed it."""
    ex = widgets.EXPLORERS["gradient descent"]()
    frame, ints = painter.PictureFeed(ex).frame(alt="a picture")
    return ex, frame, np.frombuffer(ints, dtype="<i4")


def test_a_frame_traces_the_lines_matplotlib_draws(recorded):
    ex, frame, ints = recorded
    w, h = (round(v) for v in ex.figure.bbox.size)
    out = run({"frame": frame, "ints": ints.tolist(), "size": [w, h], "ratio": 2})
    calls = out["calls"]
    # at twice the resolution, the background first, scaled to the figure
    assert out["canvas"] == [2 * w, 2 * h]
    assert calls[:3] == [
        ["setTransform", 2, 0, 0, 2, 0, 0],
        ["clearRect", 0, 0, w, h],
        ["drawImage", "<image>", 0, 0, w, h],
    ]
    traced = paths(calls)
    lines = [
        a
        for a in ex._vector
        if isinstance(a, Line2D) and a.get_visible() and len(a.get_xdata()) > 1
    ]
    assert lines
    for line in lines:
        xy = line.get_transform().transform(np.column_stack(line.get_data()))
        want = np.column_stack([xy[:, 0], h - xy[:, 1]])
        # within the quarter pixel the coordinates are stored in
        assert any(
            len(p) == len(want)
            and np.abs(np.array(p) - want).max() <= 0.5 / overlay.SCALE
            for p in traced
        ), f"no path traces {line}"
        colour = to_hex(line.get_color(), keep_alpha=True)
        assert ["set", "strokeStyle", colour] in calls
    assert calls.count(["stroke"]) >= len(lines)


def test_styles_clips_markers_text_and_a_prefix_are_painted_as_recorded():
    form = {
        "styles": [
            {
                "stroke": "#ff0000ff",
                "lw": 1.5,
                "dash": [3, 2],
                "dashOffset": 1,
                "cap": "round",
                "join": "bevel",
            },
            {"fill": "#00ff0080"},
        ],
        "clips": [[1, 2, 30, 40]],
        "fonts": [{"size": 10, "weight": "bold", "style": "italic"}],
        "scale": 4,
    }
    ops = [
        # a path of three points, the middle one drawn by two vertices
        {"k": "p", "s": 0, "c": 0, "d": "M1L3", "v": [0, 4], "u": [1, 3, 4]},
        {
            "k": "m",
            "s": 1,
            "c": None,
            "d": "M1L2Z1",
            "shape": [0, 0, 4, 0, 0, 4],
            "v": [4, 2],
        },
        {
            "k": "t",
            "c": None,
            "f": 0,
            "fill": "#000000ff",
            "x": 40,
            "y": 80,
            "w": 120,
            "a": 90,
            "t": "hi!",
        },
    ]
    ints = [0, 0, 8, 0, 8, 8, 16, 8, 40, 40, 80, 80]
    frame = dict(form, o=[ops])
    full = run({"frame": frame, "ints": ints, "size": [50, 60], "ratio": 1})["calls"]
    assert ["set", "strokeStyle", "#ff0000ff"] in full
    assert ["setLineDash", [3, 2]] in full and ["set", "lineDashOffset", 1] in full
    assert ["set", "lineCap", "round"] in full and ["set", "lineJoin", "bevel"] in full
    assert ["rect", 1, 2, 30, 40] in full
    assert paths(full)[1] == [(0, 0), (2, 0), (2, 2), (4, 2)]
    # a filled marker at each of its two centres, its outline a quarter px a unit
    assert ["translate", 10, 10] in full and ["translate", 20, 20] in full
    assert paths(full)[2:4] == [[(0, 0), (1, 0), (0, 1)]] * 2
    assert full.count(["fill"]) == 2
    # text: bold italic, at its baseline, turned, stretched to Matplotlib's width
    assert ["set", "font", "italic bold 10px " + FONT] in full
    assert ["translate", 10, 20] in full and ["rotate", -np.pi / 2] in full
    assert ["scale", 30 / 18, 1] in full and ["fillText", "hi!", 0, 0] in full
    # the first two points of the path: the vertices up to u[1]; markers hidden
    step = {"st": "", "a": [2]}
    cut = run(
        {"frame": frame, "ints": ints, "size": [50, 60], "ratio": 1, "step": step}
    )["calls"]
    assert paths(cut)[1] == [(0, 0), (2, 0), (2, 2)]
    hidden = run(
        {
            "frame": frame,
            "ints": ints,
            "size": [50, 60],
            "ratio": 1,
            "step": {"st": "", "a": [0]},
        }
    )["calls"]
    assert not [c for c in hidden if c[0] in ("stroke", "fill", "fillText")]


#: The font family the painter sets (after size and weight).
FONT = '"DejaVu Sans", "Bitstream Vera Sans", Verdana, Geneva, sans-serif'


def test_the_widget_module_is_the_painter_and_an_es_module(tmp_path):
    text = painter.module_text()
    source = (Path(painter.__file__).parent / "js" / "painter.js").read_text()
    assert text.startswith(source)
    module = tmp_path / "widget.mjs"
    module.write_text(text)
    assert run(None, "--module", str(module)) == {"render": "function"}

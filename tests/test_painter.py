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


# -- drawings sent ahead (the widget module's sameState, sameDrawing, Ahead) ---
@pytest.fixture(scope="module")
def widget_module(tmp_path_factory):
    module = tmp_path_factory.mktemp("widget") / "widget.mjs"
    module.write_text(painter.module_text())
    return str(module)


def test_settings_match_to_a_relative_1e_9_and_indices_exactly(widget_module):
    same = [
        [[0.1, 3], [0.1, 3]],
        [[0.1, 3], [0.1 * (1 + 1e-12), 3]],  # the page's arithmetic
        [[0.1, 3], [0.1 * (1 + 1e-6), 3]],  # a different value
        [[0.1, 3], [0.1, 4]],
        [[0.0], [1e-300]],
        [[0.1], [0.1, 3]],
        [[0.1], None],
    ]
    got = run({"same": same}, "--functions", widget_module)["same"]
    assert got == [True, True, False, False, False, False, False]


def test_two_frames_draw_the_same_unless_anything_but_counter_and_setting_differs(
    widget_module,
):
    a = {"o": [[1, 2]], "b": "1:0", "state": [0.1], "n": 4}
    cases = [
        [a, [1, 2], dict(a, n=9), [1, 2]],
        [
            a,
            [1, 2],
            dict(a, state=[0.1 * (1 + 1e-16)]),
            [1, 2],
        ],  # a setting's last bits
        [a, [1, 2], dict(a, b="1:1"), [1, 2]],
        [a, [1, 2], dict(a, alt="another"), [1, 2]],
        [a, [1, 2], a, [1, 3]],
        [a, [1, 2], a, [1, 2, 0]],
    ]
    got = run({"drawing": cases}, "--functions", widget_module)["drawing"]
    assert got == [True, True, False, False, False, False]


def test_the_drawings_kept_ahead_one_per_setting_newest_kept(widget_module):
    frames = [({"state": [k % 3], "gen": 1, "n": k}, [k]) for k in range(5)]
    out = run(
        {
            "limit": 2,
            "add": frames,
            "find": [[[1], 1], [[2], 1], [[0], 1], [[1], 2]],
        },
        "--functions",
        widget_module,
    )
    # one per setting (state 1 was drawn at n = 1 and 4), at most two kept
    assert out["kept"] == [3, 4]
    assert out["found"] == [4, None, 3, None]


def _scenario(widget_module, steps):
    case = {
        "size": [50, 40],
        "ids": [["m1", "value"], ["m2", "index"]],
        "controls": [{"value": 0.1}, {"index": 0}],
        "steps": steps,
    }
    return run(case, "--scenario", widget_module)


def _frame(n, state, b="1:0", gen=1):
    """A frame of one line from the first two points of its coordinates."""
    line = {"k": "p", "s": 0, "c": None, "d": "M1L1", "v": [0, 2], "u": [0, 1]}
    return {
        "o": [[line]],
        "styles": [{"stroke": "#ff0000ff", "lw": 1}],
        "clips": [],
        "fonts": [],
        "scale": 1,
        "b": b,
        "alt": "",
        "state": state,
        "gen": gen,
        "n": n,
    }


def test_a_drawing_sent_ahead_is_painted_when_the_controls_reach_it(widget_module):
    out = _scenario(
        widget_module,
        [
            {"background": "1:0"},
            {"kernel": _frame(1, [0.1, 0]), "ints": [0, 0, 5, 5]},
            {"ahead": _frame(2, [0.2, 0]), "ints": [0, 0, 6, 6]},
            {"ahead": _frame(3, [0.1, 1]), "ints": [0, 0, 7, 7]},
            {"control": [1, "index", 1]},  # the menu: painted at once
            {"kernel": _frame(4, [0.1, 1]), "ints": [0, 0, 7, 7]},  # the same: kept
            {"control": [1, "index", 0]},  # back: the kernel's first frame, kept
            {
                "control": [0, "value", 0.2 * (1 + 1e-13)]
            },  # the slider, as the page computes
            {"control": [0, "value", 0.3]},  # not drawn ahead: waits for the kernel
        ],
    )["seen"]
    frames = [s["frame"] for s in out]
    paints = [s["paints"] for s in out]
    assert frames == [None, "1", "1", "1", "3", "3", "1", "2", "2"]
    assert paints == [0, 1, 1, 1, 2, 2, 3, 4, 4]
    assert out[-1]["mismatches"] == 0


def test_the_kernels_frame_replaces_a_different_drawing_and_counts_it(widget_module):
    out = _scenario(
        widget_module,
        [
            {"background": "1:0"},
            {"kernel": _frame(1, [0.1, 0]), "ints": [0, 0, 5, 5]},
            {"ahead": _frame(2, [0.2, 0]), "ints": [0, 0, 6, 6]},
            {"control": [0, "value", 0.2]},
            {"kernel": _frame(3, [0.2, 0]), "ints": [0, 0, 6, 7]},  # not the same
        ],
    )["seen"]
    assert [s["frame"] for s in out] == [None, "1", "1", "2", "3"]
    assert [s["mismatches"] for s in out] == [0, 0, 0, 0, 1]


def test_a_late_kernel_frame_does_not_undo_the_setting_the_controls_moved_on_to(
    widget_module,
):
    out = _scenario(
        widget_module,
        [
            {"background": "1:0"},
            {"kernel": _frame(1, [0.1, 0]), "ints": [0, 0, 5, 5]},
            {"ahead": _frame(2, [0.2, 0]), "ints": [0, 0, 6, 6]},
            {"ahead": _frame(3, [0.3, 0]), "ints": [0, 0, 7, 7]},
            {"control": [0, "value", 0.2]},
            {"control": [0, "value", 0.3]},
            {"kernel": _frame(4, [0.2, 0]), "ints": [0, 0, 6, 6]},  # for the first move
            {"kernel": _frame(5, [0.3, 0]), "ints": [0, 0, 7, 7]},
            {"control": [0, "value", 0.2]},  # back: the kernel's frame of 0.2 kept
        ],
    )["seen"]
    assert [s["frame"] for s in out] == [None, "1", "1", "1", "2", "3", "3", "3", "4"]
    assert out[-1]["mismatches"] == 0


def test_drawings_of_an_older_background_generation_are_not_painted(widget_module):
    out = _scenario(
        widget_module,
        [
            {"background": "1:0"},
            {"background": "2:0"},
            {"ahead": _frame(2, [0.2, 0]), "ints": [0, 0, 6, 6]},
            {"kernel": _frame(3, [0.1, 0], b="2:0", gen=2), "ints": [0, 0, 5, 5]},
            {"control": [0, "value", 0.2]},
        ],
    )["seen"]
    assert [s["frame"] for s in out] == [None, None, None, "3", "3"]


def test_keys_that_move_the_explorers_controls_are_kept_from_the_notebooks_shortcuts(
    widget_module,
):
    keys = [
        ["ArrowRight", "handle"],  # prevented: the shortcuts skip it, the slider moves
        ["PageDown", "handle"],
        ["ArrowDown", "select"],  # stopped: the menu's own default moves it
        ["ArrowRight", "button"],  # neither: not a control that moves by keys
        ["ArrowRight", "outside"],  # another widget's slider: left alone
        ["a", "handle"],  # not a moving key: the shortcuts get it
    ]
    got = run({"keys": keys}, "--functions", widget_module)["keys"]
    assert got == [
        [True, False],
        [True, False],
        [False, True],
        [False, False],
        [False, False],
        [False, False],
    ]

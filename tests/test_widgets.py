"""Explorer machinery: live updates, the static form, robustness at every control value."""

import base64
import gzip
import html
import io
import json
import re
import warnings

import ipywidgets as ipw
import numpy as np
import pytest

from gdcourse import widgets
from gdcourse.widgets import static_form


def sweep_values(widget, n=7):
    """Values spanning a control: every option of a dropdown, n points of a slider."""
    if isinstance(
        widget, (ipw.Dropdown, ipw.SelectionSlider, ipw.ToggleButtons, ipw.RadioButtons)
    ):
        return (
            [v for _, v in widget.options]
            if isinstance(widget.options[0], tuple)
            else list(widget.options)
        )
    if isinstance(widget, ipw.Checkbox):
        return [True, False]
    if isinstance(widget, ipw.FloatLogSlider):
        return list(widget.base ** np.linspace(widget.min, widget.max, n))
    if isinstance(widget, ipw.IntSlider):
        return sorted({int(v) for v in np.linspace(widget.min, widget.max, n)})
    return list(np.linspace(widget.min, widget.max, n))


@pytest.fixture(scope="module", params=sorted(widgets.EXPLORERS))
def explorer(request):
    return widgets.EXPLORERS[request.param]()


def test_explorer_has_controls_figure_and_image(explorer):
    assert explorer.controls and all(
        isinstance(w, ipw.ValueWidget) for w in explorer.controls.values()
    )
    assert explorer.figure is not None
    assert isinstance(explorer.image, ipw.Image)
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_value_of_every_control_renders_without_warnings(explorer):
    start = explorer.values
    for name, widget in explorer.controls.items():
        picture, status = explorer.image.value, explorer.status
        for value in sweep_values(widget):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                widget.value = value
            assert not explorer.status.startswith("error"), (
                name,
                value,
                explorer.status,
            )
            assert explorer.image.value[:4] == b"\x89PNG"
        widget.value = start[name]
        # back at the setting it started from, the explorer shows what it
        # showed then: the picture depends on the settings, not on the way there
        assert explorer.status == status, (name, explorer.status, status)
        assert explorer.image.value == picture, name


def test_changing_a_control_changes_the_picture(explorer):
    name, widget = next(
        (n, w) for n, w in explorer.controls.items() if len(sweep_values(w)) > 1
    )
    values = sweep_values(widget)
    widget.value = values[0]
    first = explorer.image.value
    widget.value = values[-1]
    assert explorer.image.value != first
    widget.value = values[len(values) // 2]


def test_set_renders_once_and_rejects_unknown_controls(explorer):
    png = explorer.set(**explorer.values)
    assert png == explorer.image.value
    with pytest.raises(ValueError, match="unknown control"):
        explorer.set(volume=11)


def static_data(page):
    """The page's inert JSON block and the page without it."""
    match = re.search(
        r'<script type="application/json" class="gd-explorer-data">(.*?)</script>',
        page,
        re.S,
    )
    assert match, "no data block"
    return json.loads(match.group(1)), page[: match.start()] + page[match.end() :]


def unpacked(data):
    """The dense form's compressed parts, decoded as the site's script decodes them."""
    from gdcourse.widgets.overlay import unpack

    form = json.loads(gzip.decompress(base64.b64decode(data["form"])))
    return form, unpack(gzip.decompress(base64.b64decode(data["ints"])))


def trimmed(name, keep=2):
    """A fresh explorer whose grid keeps ``keep`` values per control (a cheap dense form)."""
    ex = widgets.EXPLORERS[name]()
    for spec in ex.specs.values():
        if len(spec.static) > keep:
            current = spec.widget.value
            ends = [spec.static[0], spec.static[-1]][:keep]
            spec.static = tuple(
                dict.fromkeys([*ends, current] if current in spec.static else ends)
            )
    return ex


@pytest.fixture(scope="module", params=sorted(widgets.EXPLORERS))
def small(request):
    return trimmed(request.param)


def test_dense_form_covers_the_grid_and_says_what_the_live_explorer_says(small):
    start = small.values
    offered = {n: s.values() for n, s in small.specs.items()}
    form = small.static_form()
    grid = [(n, offered[n]) for n, s in small.specs.items() if not s.prefix]
    assert len(form["frames"]) == int(np.prod([len(v) for _, v in grid]))
    vector = [a for a in small.dynamic if not static_form.is_raster(a)]
    prefix = [(n, offered[n]) for n, s in small.specs.items() if s.prefix]
    for key, frame in form["frames"].items():
        values = dict(small.values)
        values.update({n: v[int(i)] for (n, v), i in zip(grid, key.split("|"))})
        if isinstance(frame, str):
            # a control this setting ignores: the same picture as the setting named
            small.set(**values)
            assert small.status == form["frames"][frame]["st"]
            continue
        assert len(frame["o"]) == len(vector)
        assert 0 <= frame["b"] < len(form["backgrounds"])
        if prefix:
            ((name, lengths),) = prefix
            assert len(frame["steps"]) == len(lengths)
            for i in (0, len(lengths) // 2, len(lengths) - 1):
                small.set(**dict(values, **{name: lengths[i]}))
                assert frame["steps"][i]["st"] == small.status
        else:
            small.set(**values)
            assert frame["st"] == small.status
    names = [c["name"] for c in form["controls"]]
    assert names == list(small.controls)
    for c, (name, spec) in zip(form["controls"], small.specs.items()):
        assert len(c["labels"]) == len(offered[name])
        assert c["labels"][c["value"]] == spec.value_label(start[name])
    small.set(**start)


def test_stored_html_shows_one_frame_and_a_note_without_the_site(small):
    page = small.to_html(full=True)
    assert page.startswith('<div class="gd-explorer"')
    data, markup = static_data(page)
    assert markup.count("<img") == 1 and page.count("<img") == 1
    assert "<script" not in markup and "style" not in markup
    assert "<input" not in markup and "<select" not in markup
    alt = re.search(
        r'<img class="gd-frame[^"]*" data-key="[^"]*" alt="([^"]*)"', markup
    )
    assert html.unescape(alt.group(1)) == small._alt(small.values)
    assert "Run this cell for the live explorer" in markup
    form, ints = unpacked(data)
    assert set(form) == {"styles", "clips", "fonts", "frames", "scale"}
    assert len(ints) % 2 == 0
    assert all(b.startswith("data:image/webp;base64,") for b in data["backgrounds"])
    assert "http" not in page


def test_static_form_restores_the_live_state(small):
    before = small.image.value
    small.to_html(full=True)
    small.refresh()
    assert small.image.value == before


def test_backgrounds_are_stored_once():
    from gdcourse.widgets.controls import dropdown

    class Banded(widgets.Explorer):
        ncols = 1

        def __init__(self):
            super().__init__(
                {"band": dropdown("a", ["a", "b", "c"], "band", static=["a", "b", "c"])}
            )

        def build(self, axes):
            self.image_artist = axes.imshow(np.zeros((4, 4)), vmin=0, vmax=1)
            (self.line,) = axes.plot([0, 3], [0, 3])
            self.dynamic = [self.image_artist, self.line]

        def draw(self, band):
            self.image_artist.set_data(np.full((4, 4), 1.0 if band == "b" else 0.0))
            return band

    form = Banded().static_form()
    assert len(form["backgrounds"]) == 2
    assert [form["frames"][k]["b"] for k in ("0", "1", "2")] == [0, 1, 0]


def test_mimebundle_carries_widget_and_html(explorer, monkeypatch):
    monkeypatch.setenv(widgets.STATIC_ENV, "0")
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    data, markup = static_data(bundle["text/html"])
    assert len(data["frames"]) == 1 and markup.count("<img") == 1
    assert "explorer" in bundle["text/plain"]


def test_errors_in_a_callback_are_shown_on_the_figure():
    ex = widgets.EXPLORERS["gradient descent"]()
    ex.draw = lambda **values: 1 / 0
    ex.refresh()
    assert ex.status == "error: ZeroDivisionError: division by zero"
    assert ex.figure._suptitle.get_text() == ex.status


def test_an_explorer_that_recovers_clears_its_error_message():
    ex = widgets.EXPLORERS["gradient descent"]()
    healthy = ex.set(lr=0.2)
    ex.draw = lambda **values: 1 / 0
    ex.refresh()
    assert ex.status.startswith("error") and ex.figure._suptitle.get_text()
    del ex.draw  # the class's draw again
    assert ex.set(lr=0.2) == healthy  # the same picture as before the error
    assert ex.status.startswith("loss") and ex.figure._suptitle.get_text() == ""


class _Tiny(widgets.Explorer):
    """A minimal explorer: one line whose slope is the only control."""

    ncols = 1

    def build(self, axes):
        (self.line,) = axes.plot([0, 1], [0, self.scale], color="black")
        self.dynamic = [self.line]

    def draw(self, slope):
        self.line.set_ydata([0, self.scale * slope])
        return f"slope {slope:.3g}"


def _slope():
    from gdcourse.widgets.controls import float_slider

    return {"slope": float_slider(1.0, -2.0, 2.0, "slope", static=[-1.0, 1.0])}


class _StateFirst(_Tiny):
    def __init__(self):
        self.scale = 2.0
        super().__init__(_slope(), title="tiny")


class _StateLast(_Tiny):
    def __init__(self):
        super().__init__(_slope(), title="tiny")
        self.scale = 2.0


def test_construction_order_does_not_matter():
    first, last = _StateFirst(), _StateLast()
    assert first.status == last.status == "slope 1"
    assert first.image.value == last.image.value
    np.testing.assert_array_equal(last.line.get_ydata(), [0.0, 2.0])


def test_each_control_is_declared_once():
    ex = _StateLast()
    assert ex.static_values == {"slope": [-1.0, 1.0]}
    assert ex.static_grid() == [("slope", [-1.0, 1.0])]
    data, _ = static_data(ex.to_html(full=True))
    form, _ = unpacked(data)
    assert list(form["frames"]) == ["0", "1"]
    assert data["controls"] == [
        {
            "name": "slope",
            "label": "slope",
            "kind": "range",
            "labels": ["-1", "1"],
            "value": 1,
        }
    ]


def test_a_control_must_be_declared_with_its_static_values():
    with pytest.raises(ValueError, match="must be a Control"):
        _Tiny({"slope": ipw.FloatSlider()}, title="tiny")


def test_register_refuses_duplicates():
    with pytest.raises(ValueError, match="already registered"):
        widgets.register("gradient descent")(lambda: None)


def test_alt_text_is_escaped():
    ex = widgets.EXPLORERS["gradient descent"]()
    assert html.escape(ex._alt(ex.values)) in ex.to_html(full=False)


def test_every_explorer_in_the_book_is_registered_and_every_registered_one_is_used():
    import json
    import pathlib

    book = pathlib.Path(__file__).resolve().parents[1] / "book"
    used = set()
    for path in sorted(book.glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        code = "\n".join(
            "".join(c["source"]) for c in cells if c["cell_type"] == "code"
        )
        used |= set(re.findall(r'EXPLORERS\["([^"]+)"\]', code))
    assert used == set(widgets.EXPLORERS)


def test_the_data_block_cannot_be_closed_by_its_content():
    class Tricky(_StateLast):
        def draw(self, slope):
            super().draw(slope)
            return "</script><img src=x>"

    for full in (False, True):
        data, markup = static_data(Tricky().to_html(full=full))
        assert markup.count("<img") == 1
    form, _ = unpacked(data)
    assert {f["st"] for f in form["frames"].values()} == {"</script><img src=x>"}


def test_the_live_picture_is_drawn_at_twice_the_size_it_is_shown(explorer):
    from PIL import Image

    shown = int(explorer.image.layout.width.removesuffix("px"))
    assert explorer.image.width == str(shown) == str(explorer.display_width)
    png = Image.open(io.BytesIO(explorer.image.value))
    assert png.size == explorer.figure.canvas.get_width_height()
    assert png.size[0] == explorer.pixel_ratio * shown


def test_static_frames_carry_their_own_size(explorer):
    from PIL import Image

    page = explorer.to_html(full=False)
    width, height, src = re.search(
        r'<img [^>]*src="data:image/webp;base64,([^"]+)" width="(\d+)" height="(\d+)"',
        page,
    ).group(2, 3, 1)
    frame = Image.open(io.BytesIO(base64.b64decode(src)))
    assert frame.size == (int(width), int(height))
    inches = explorer.figure.get_size_inches()
    assert frame.size == tuple(round(x * explorer.static_dpi) for x in inches)

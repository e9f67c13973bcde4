"""Drawing ahead (gdcourse.widgets.ahead): what one key press reaches, and what is sent.

The drawings sent ahead must be the very drawings the kernel sends once the
controls get there; these tests compare them frame for frame, on every
registered explorer, with a real asyncio event loop standing in for the
kernel's.
"""

import asyncio
import math

import ipywidgets as ipw
import pytest

from gdcourse import widgets
from gdcourse.widgets import ahead, painter

pytestmark = pytest.mark.skipif(not painter.AVAILABLE, reason="needs anywidget")


# -- one key away -------------------------------------------------------------
@pytest.mark.parametrize(
    ("widget", "expected"),
    [
        (ipw.IntSlider(value=4, min=0, max=10, step=2), [2, 6]),
        (ipw.IntSlider(value=0, min=0, max=10), [1]),  # at the end: one way only
        (ipw.IntSlider(value=5, min=0, max=100, step=10), [0, 20]),  # off the grid
        (ipw.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.1), [0.4, 0.6]),
        (ipw.FloatSlider(value=0.53, min=0.0, max=1.0, step=0.1), [0.4, 0.6]),
        (ipw.FloatSlider(value=1.0, min=0.0, max=1.0, step=0.25), [0.75]),
        (ipw.Dropdown(options=["a", "b", "c"], value="b"), ["a", "c"]),
        (ipw.Dropdown(options=[("one", 1), ("two", 2)], value=2), [1]),
        (ipw.SelectionSlider(options=[1, 3, 10], value=1), [3]),
        (ipw.Checkbox(), []),
    ],
)
def test_one_key_away_is_the_next_grid_point_or_option(widget, expected):
    got = ahead.one_key_away(widget)
    assert len(got) == len(expected)
    for value, want in zip(got, expected):
        assert (
            value == pytest.approx(want, rel=1e-12)
            if isinstance(want, float)
            else value == want
        )


def test_a_log_slider_steps_by_its_exponent_on_the_grid_from_min():
    w = ipw.FloatLogSlider(value=0.3, base=10, min=-2.0, max=0.5, step=0.05)
    down, up = ahead.one_key_away(w)  # log10(0.3) = -0.523: between -0.55 and -0.5
    assert math.isclose(math.log10(down), -0.55) and math.isclose(math.log10(up), -0.45)
    w.value = 10**0.5
    assert len(ahead.one_key_away(w)) == 1  # at the top


def test_page_state_is_the_index_of_a_choice_and_the_value_of_a_slider():
    menu = ipw.Dropdown(options=[("one", "a"), ("two", "b")], value="b")
    assert ahead.page_attribute(menu) == "index" and ahead.page_state(menu, "a") == 0
    slider = ipw.SelectionSlider(options=[1, 3, 10], value=3)
    assert ahead.page_state(slider, 10) == 2
    assert ahead.page_state(ipw.FloatLogSlider(value=0.1), 0.1) == 0.1


# -- what is sent --------------------------------------------------------------
def _painting(name):
    """The explorer ``name``, painting, with every message it sends its picture recorded."""
    ex = widgets.EXPLORERS[name]()
    sent = []
    ex.live.widget.send = lambda content, buffers=None: sent.append((content, buffers))
    ex.live._message(ex.live.widget, {"type": "ready"}, [])
    return ex, sent


def _ahead(sent):
    return [(c["frame"], bytes(b[0])) for c, b in sent if c.get("type") == "ahead"]


async def _settle(ex):
    """Let the event loop run until nothing is left to draw ahead."""
    for _ in range(10_000):
        await asyncio.sleep(0.001)
        if not ex.live.lookahead.queue:
            await asyncio.sleep(2 * ahead.PAUSE)
            return
    raise AssertionError("drawing ahead did not finish")


def _without_counter(frame):
    return {k: v for k, v in frame.items() if k != "n"}


def _move_to(ex, frame):
    """Set the controls to the setting of ``frame`` (as the page would), return the kernel's frame."""
    for widget, state in zip(ex.controls.values(), frame["state"]):
        if ahead.page_attribute(widget) == "index":
            widget.index = state
        else:
            widget.value = state
    return ex.live.widget.frame, bytes(ex.live.widget.ints)


@pytest.mark.parametrize("name", sorted(widgets.EXPLORERS))
def test_each_drawing_sent_ahead_is_the_kernels_frame_for_that_setting(name):
    ex, sent = _painting(name)

    async def scenario():
        ex.refresh()  # as a view's first paint, inside the event loop
        await _settle(ex)
        return _ahead(sent)

    drawn = asyncio.run(scenario())
    neighbours = sum(len(ahead.one_key_away(w)) for w in ex.controls.values())
    assert 0 < len(drawn) <= neighbours
    start = dict(ex.values)
    for frame, ints in drawn:
        ex.set(**start)
        kernel_frame, kernel_ints = _move_to(ex, frame)
        assert _without_counter(kernel_frame) == _without_counter(frame)
        assert kernel_ints == ints


def test_the_control_just_moved_is_drawn_ahead_first_and_the_explorer_is_left_as_it_was():
    ex, sent = _painting("schedules")

    async def scenario():
        ex.refresh()
        await _settle(ex)
        sent.clear()
        ex.controls["warmup"].value = 20  # the learner moves the warmup
        status, frame = ex.status, dict(ex.live.widget.frame)
        await _settle(ex)
        return status, frame

    status, frame = asyncio.run(scenario())
    states = [f["state"] for f, _ in _ahead(sent)]
    names = list(ex.controls)
    moved = names.index("warmup")
    # onwards, two keys onwards; warmup 10 with the rest unchanged was drawn
    # ahead of the first setting
    assert [s[moved] for s in states[:2]] == [30, 40]
    assert all(s[moved] == 20 for s in states[2:]) and len(states) > 2
    # afterwards the artists and the status are those of the current setting
    assert ex.status == status
    again, _ = ex.live.feed.frame(frame["alt"])
    assert again["o"] == frame["o"]


def test_a_change_stops_the_drawings_of_the_old_setting():
    ex, sent = _painting("gradient descent")
    name = next(iter(ex.controls))
    widget = ex.controls[name]

    async def scenario():
        ex.refresh()
        await asyncio.sleep(0)  # one drawing ahead of the first setting
        await asyncio.sleep(0)
        assert _ahead(sent) and ex.live.lookahead.queue
        sent.clear()
        widget.value = ahead.one_key_away(widget)[-1]
        await _settle(ex)

    asyncio.run(scenario())
    current = ex.live.state(ex.values)
    for frame, _ in _ahead(sent):
        differs = [a != b for a, b in zip(frame["state"], current)]
        assert sum(differs) == 1, (
            "each drawing ahead is one key press from the new setting"
        )


def test_settings_already_sent_are_not_drawn_again_until_a_new_view():
    ex, sent = _painting("momentum")

    async def scenario():
        ex.refresh()
        await _settle(ex)
        first = len(_ahead(sent))
        ex.live.lookahead.restart()
        await _settle(ex)
        again = len(_ahead(sent)) - first
        ex.live._message(ex.live.widget, {"type": "ready"}, [])  # a page reloaded
        await _settle(ex)
        return first, again, len(_ahead(sent)) - first

    first, again, reloaded = asyncio.run(scenario())
    assert first > 0 and again == 0 and reloaded == first


def test_nothing_is_drawn_ahead_without_an_event_loop_or_from_an_error():
    ex, sent = _painting("gradient descent")
    name = next(iter(ex.controls))
    ex.controls[name].value = ahead.one_key_away(ex.controls[name])[0]
    assert not _ahead(sent) and not ex.live.lookahead.queue

    async def broken():
        ex._show_error("error: a broken callback")
        ex.live.lookahead.restart()
        await asyncio.sleep(0)

    sent.clear()
    asyncio.run(broken())
    assert not _ahead(sent)


def test_a_setting_that_raises_is_skipped_quietly():
    ex, sent = _painting("gradient descent")
    names = list(ex.controls)
    bad = ahead.one_key_away(ex.controls[names[0]])[0]
    draw = ex.draw

    def draw_or_raise(**values):
        if values[names[0]] == bad:
            raise ZeroDivisionError("a setting the explorer cannot draw")
        return draw(**values)

    ex.draw = draw_or_raise

    async def scenario():
        ex.live.lookahead.restart(names[0])
        await _settle(ex)

    asyncio.run(scenario())
    states = [f["state"][0] for f, _ in _ahead(sent)]
    assert states and bad not in states
    assert ex._error is None and not ex.status.startswith("error")


def test_the_control_just_moved_is_drawn_onwards_before_back():
    ex, _ = _painting("gradient descent")
    name = next(iter(ex.controls))
    widget = ex.controls[name]
    start = widget.value
    orders = []

    async def scenario():
        ex.refresh()
        for _ in range(2):  # up, then up again: onwards is up
            widget.value = ahead.one_key_away(widget)[-1]
            orders.append(
                [widget.value] + [v[name] for v in ex.live.lookahead.queue[:3]]
            )
        widget.value = ahead.one_key_away(widget)[0]  # then down: onwards is down
        orders.append([widget.value] + [v[name] for v in ex.live.lookahead.queue[:3]])
        ex.live.lookahead.stop()

    asyncio.run(scenario())
    for now, onward, further, back in orders[:2]:
        assert back < now < onward < further
    now, onward, further, back = orders[2]
    assert further < onward < now < back
    assert orders[2][0] > start


def test_the_kernel_remembers_as_many_settings_as_the_page_keeps(monkeypatch):
    monkeypatch.setattr(ahead, "KEPT", 3)
    ex, sent = _painting("gradient descent")

    async def scenario():
        ex.refresh()
        await _settle(ex)
        return dict(ex.live.lookahead.sent)

    remembered = asyncio.run(scenario())
    drawn = [f["state"] for f, _ in _ahead(sent)]
    assert len(drawn) > 3 and len(remembered) == 3
    # the newest three: the last two drawn ahead and no older one
    last = [ex.live.lookahead._key(dict(zip(ex.controls, s))) for s in drawn[-2:]]
    assert list(remembered)[-2:] == last

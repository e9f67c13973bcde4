"""Tests of what the explorers share: control declarations and the one divergence wording."""

import ipywidgets as ipw
import numpy as np
import pytest

from gdcourse.widgets import controls


def test_a_declaration_carries_widget_label_and_static_values():
    c = controls.log_slider(0.1, -2.0, 0.5, "learning rate", static=[0.05, 0.3])
    assert isinstance(c.widget, ipw.FloatLogSlider)
    assert c.label == c.widget.description == "learning rate"
    # the current value joins the static ones: the site opens on it
    assert c.values() == [0.05, 0.1, 0.3]
    assert c.widget.min == -2.0 and c.widget.max == 0.5 and c.widget.value == 0.1


def test_without_static_values_the_static_form_keeps_the_current_value():
    c = controls.int_slider(3, 0, 9, "seed")
    c.widget.value = 7
    assert c.values() == [7]


def test_menu_values_are_written_with_their_labels():
    c = controls.dropdown(1e-5, [("none", 0.0), ("1e-5", 1e-5)], "noise")
    assert c.value_label(0.0) == "none" and c.value_label(1e-5) == "1e-5"
    plain = controls.dropdown("relu", ["relu", "tanh"], "activation")
    assert plain.value_label("tanh") == "tanh"
    assert controls.selection_slider(10, (1, 10), "kappa").value_label(10) == "10"
    assert controls.float_slider(0.5, 0, 1, "beta").value_label(0.6667) == "0.667"


@pytest.mark.parametrize(
    "make",
    [
        lambda: controls.log_slider(0.1, -2.0, 0.5, "lr", static=[10.0]),
        lambda: controls.int_slider(3, 0, 9, "seed", static=[12]),
        lambda: controls.dropdown("a", ["a", "b"], "kind", static=["c"]),
    ],
)
def test_a_static_value_the_control_cannot_take_is_refused(make):
    with pytest.raises(ValueError, match="must be"):
        make()


def test_divergence_wording():
    losses = np.array([4.0, 2.0, 5.0, 9.0])
    assert (
        controls.divergence_status(losses, 3, False)
        == "diverging: loss up from 4 to 9 in 3 steps"
    )
    assert controls.divergence_status(losses, 1, False) == ""  # 2 < 4
    assert controls.divergence_status(losses, 2, True) == "diverged at step 2"
    assert controls.divergence_status(np.array([1.0]), 0, False) == ""


def test_the_note_shows_the_status_and_hides_when_all_is_well():
    import matplotlib.figure

    ax = matplotlib.figure.Figure().subplots()
    note = ax.text(0.5, 0.5, "")
    controls.divergence_status(np.array([1.0, 3.0]), 1, False, note)
    assert note.get_visible() and note.get_text() == "diverging"
    controls.divergence_status(np.array([1.0, np.inf]), 1, True, note)
    assert note.get_visible() and note.get_text() == "diverged at step 1"
    controls.divergence_status(np.array([3.0, 1.0]), 1, False, note)
    assert not note.get_visible() and note.get_text() == ""


def test_a_diverging_gradient_descent_run_is_called_so():
    from gdcourse import descent, surfaces

    bowl = surfaces.elongated_bowl(kappa=4.0, L=1.0)
    run = descent.gradient_descent(bowl, [1.0, 1.0], lr=2.2, steps=10)  # |1 - 2.2| > 1
    assert not run.diverged and run.final_loss > run.losses[0]
    status = controls.divergence_status(run.losses, run.stopped_at, run.diverged)
    assert status.startswith("diverging")
    calm = descent.gradient_descent(bowl, [1.0, 1.0], lr=1.0, steps=10)
    assert controls.divergence_status(calm.losses, calm.stopped_at, calm.diverged) == ""


def test_start_stops_pin_the_chapter_1_starts():
    assert controls._start_stops(-2.0, 2.0, 1.5) == [
        -2.0, -1.6, -1.1, -0.7, -0.2, 0.2, 0.7, 1.1, 1.5, 2.0
    ]  # fmt: skip
    assert controls._start_stops(-4.0, 4.0, -2.5) == [
        -4.0, -3.0, -2.5, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0
    ]  # fmt: skip


@pytest.mark.parametrize(
    "lo, hi", [(-4.0, 4.0), (-2.0, 2.0), (-2.0, 5.0), (-4.5, 2.5), (0.0, 1.0)]
)
def test_start_stops_are_ten_with_the_start_and_none_crowded(lo, hi):
    spacing = (hi - lo) / 9  # of ten evenly spaced stops
    for start in np.round(np.arange(lo, hi + 1e-9, 0.1), 10):
        values = controls._start_stops(lo, hi, float(start))
        assert len(values) == 10 and start in values, (start, values)
        assert lo <= values[0] <= lo + spacing / 2
        assert hi - spacing / 2 <= values[-1] <= hi
        assert min(np.diff(values)) >= spacing / 3, (start, values)


def test_the_start_controls_offer_ten_values_with_the_current_one():
    c = controls.descent_controls(
        0.1, 30, 80, (-2.5, 1.5), ((-4.0, 4.0), (-2.0, 2.0)), ("x0", "y0"), ("x", "y")
    )
    for name, start in (("x0", -2.5), ("y0", 1.5)):
        values = c[name].values()
        assert len(values) == 10 and start in values
        assert values == sorted(values)


@pytest.mark.parametrize("lo, hi, step", [(0, 80, 1), (0, 9, 1), (2, 12, 2)])
def test_a_prefix_control_offers_every_value_up_to_its_largest(lo, hi, step):
    from gdcourse.widgets import static_form

    c = controls.int_slider(lo, lo, hi, "steps", step=step, prefix=True)
    assert c.values() == list(range(lo, hi + 1, step))
    assert c.values()[-1] == hi
    data = static_form.control_data("steps", c, c.values(), 0)
    assert data["run"] and data["labels"][-1] == str(hi)
    assert len(data["labels"]) == (hi - lo) // step + 1

"""Chapter-1 explorers: gradient descent on a surface and fitting a line (the generic explorer checks are in test_widgets.py)."""

import re

import numpy as np
import pytest

from gdcourse import data, widgets
from gdcourse.descent import gradient_descent


@pytest.fixture(scope="module")
def ex():
    return widgets.EXPLORERS["line fit"]()


def test_is_registered_with_the_four_controls(ex):
    assert isinstance(ex, widgets.LineFitExplorer)
    assert list(ex.controls) == ["lr", "steps", "w1", "w2"]


def test_default_data_is_the_chapter_data(ex):
    d = data.regression(**widgets.LINE_FIT_DATA)
    np.testing.assert_array_equal(ex.x, d.X_train[:, 0])
    np.testing.assert_array_equal(ex.y, d.y_train)
    assert ex.surface.box == widgets.LINE_FIT_BOX


def test_path_and_line_follow_gradient_descent(ex):
    ex.set(lr=0.3, steps=12, w1=-1.0, w2=1.5)
    run = gradient_descent(ex.surface, [-1.0, 1.5], lr=0.3, steps=12)
    np.testing.assert_allclose(ex.line.get_xydata(), run.weights)
    w1, w2 = run.final_weights
    xs = ex.fit.get_xdata()
    np.testing.assert_allclose(ex.fit.get_ydata(), w1 * xs + w2)
    sign = "+" if w2 >= 0 else "\u2212"
    assert ex.status == (
        f"loss {run.final_loss:.3g} after 12 steps: y = {w1:.2f} x {sign} {abs(w2):.2f}"
    )


def test_zero_steps_shows_the_starting_line(ex):
    ex.set(lr=0.3, steps=0, w1=2.0, w2=-1.0)
    xs = ex.fit.get_xdata()
    np.testing.assert_allclose(ex.fit.get_ydata(), 2.0 * xs - 1.0)
    assert ex.status == (
        f"loss {ex.surface(np.array([2.0, -1.0])):.3g} after 0 steps: y = 2.00 x \u2212 1.00"
    )


def test_a_good_rate_reaches_the_least_squares_line(ex):
    ex.set(lr=0.6, steps=ex.max_steps, w1=-1.0, w2=1.5)
    np.testing.assert_allclose(
        ex.line.get_xydata()[-1], ex.surface.global_minimum, atol=0.02
    )


def test_a_large_rate_reports_divergence_on_the_figure(ex):
    ex.set(lr=2.0, steps=60, w1=-1.0, w2=1.5)
    assert re.fullmatch(r"diverged at step \d+", ex.status)
    assert ex.note.get_visible() and ex.note.get_text() == ex.status
    ex.set(lr=0.3, steps=8)
    assert not ex.note.get_visible() and ex.status.startswith("loss")


def test_custom_data():
    x = np.array([0.0, 1.0, 2.0, 3.0])
    ex = widgets.EXPLORERS["line fit"](
        x=x, y=2.0 * x + 1.0, box=((0.0, 4.0), (-1.0, 3.0)), start=(0.5, 0.5)
    )
    np.testing.assert_allclose(ex.surface.minima[0], [2.0, 1.0], atol=1e-12)
    assert ex.controls["w1"].min == 0.0 and ex.controls["w2"].max == 3.0


def test_x_without_y_raises():
    with pytest.raises(ValueError, match="give both x and y, or neither"):
        widgets.EXPLORERS["line fit"](x=[0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="give both x and y, or neither"):
        widgets.LineFitExplorer(y=[0.0, 1.0, 2.0])


def test_bad_data_raises_through_the_surface():
    with pytest.raises(ValueError, match="x must take at least two distinct values"):
        widgets.EXPLORERS["line fit"](x=[1.0, 1.0], y=[0.0, 1.0])


def test_static_grid_covers_creeping_settling_and_diverging(ex):
    grid = dict(ex.static_grid())
    assert grid["steps"] == list(range(ex.max_steps + 1))
    lrs = grid["lr"]
    assert len(lrs) >= 10 and len(grid["w1"]) >= 10 and len(grid["w2"]) >= 10
    statuses = []
    for lr in (lrs[0], 0.6, lrs[-1]):
        ex.set(lr=lr, steps=ex.max_steps)
        statuses.append(ex.status)
    assert statuses[1].startswith(f"loss 0.316 after {ex.max_steps} steps")
    assert statuses[0] != statuses[1] and statuses[2].startswith("diverg")


def test_a_growing_loss_is_called_diverging_before_it_blows_up(ex):
    ex.set(lr=1.0, steps=8, w1=-1.0, w2=1.5)
    run = gradient_descent(ex.surface, [-1.0, 1.5], lr=1.0, steps=8)
    assert not run.diverged and run.final_loss > run.losses[0]
    assert ex.status == (
        f"diverging: loss up from {run.losses[0]:.3g} to {run.final_loss:.3g} in 8 steps"
    )
    assert ex.note.get_visible() and ex.note.get_text() == "diverging"
    ex.set(lr=0.3)
    assert not ex.note.get_visible() and ex.status.startswith("loss")


# -- the gradient descent explorer --------------------------------------------


def test_gradient_descent_explorer_reports_divergence():
    ex = widgets.EXPLORERS["gradient descent"]()
    ex.set(lr=1.9, steps=80)
    assert re.fullmatch(r"diverged at step \d+", ex.status)
    assert ex.note.get_visible() and ex.note.get_text() == ex.status
    ex.set(lr=0.5)
    assert ex.status.startswith("loss") and not ex.note.get_visible()


def test_gradient_descent_explorer_path_follows_descent():
    from gdcourse.descent import gradient_descent

    ex = widgets.EXPLORERS["gradient descent"]()
    ex.set(lr=0.3, steps=12, x0=2.0, y0=-1.0)
    run = gradient_descent(ex.surface, [2.0, -1.0], lr=0.3, steps=12)
    np.testing.assert_allclose(ex.line.get_xydata(), run.weights)


def test_a_slowly_growing_run_is_called_diverging():
    ex = widgets.EXPLORERS["gradient descent"]()
    ex.set(lr=1.3, steps=40)  # just above 2/L = 1.25: grows, but stays under the bound
    assert ex.status.startswith("diverging: loss up from")
    assert ex.note.get_visible() and ex.note.get_text() == "diverging"


def test_the_static_starts_give_different_runs():
    # the bowl is symmetric about both axes: starts that differ only in the
    # sign of a coordinate would show the same losses at every rate
    ex = widgets.EXPLORERS["gradient descent"]()
    grid = dict(ex.static_grid())
    starts = [(x0, y0) for x0 in grid["x0"] for y0 in grid["y0"]]
    assert len(starts) >= 100
    losses = {
        s: gradient_descent(ex.surface, s, lr=0.3, steps=8).losses[-1] for s in starts
    }
    distinct = {(abs(x), abs(y)) for x, y in starts}
    assert len({round(float(v), 12) for v in losses.values()}) == len(distinct)


def test_shorter_runs_are_prefixes_of_the_longest():
    ex = widgets.EXPLORERS["gradient descent"]()
    for lr in (0.1, 1.3):
        for steps in (0, 7, 22, 80):
            ex.set(lr=lr, steps=steps)
            fresh = gradient_descent(ex.surface, [-2.5, 1.5], lr=lr, steps=steps)
            np.testing.assert_array_equal(ex.line.get_xdata(), fresh.weights[:, 0])
            assert ex.status.startswith(("loss", "diverged", "diverging"))

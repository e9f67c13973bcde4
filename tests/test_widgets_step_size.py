"""Chapter 10 explorer: what it draws is the library's run, and its status says what happened."""

import numpy as np
import pytest

from gdcourse import newton, widgets
from gdcourse.widgets.step_size import (
    STEP_SIZE_BOX,
    STEP_SIZE_METHODS,
    STEP_SIZE_SURFACES,
    step_size_run,
    step_size_surface,
)


@pytest.fixture(scope="module")
def ex():
    return widgets.EXPLORERS["step size"]()


@pytest.mark.parametrize("method", STEP_SIZE_METHODS)
@pytest.mark.parametrize("surface", ["turned ravine", "Rosenbrock", "two valleys"])
def test_path_and_loss_are_the_librarys_run(ex, method, surface):
    ex.set(method=method, surface=surface, start=2, damping=3.0, steps=40)
    s = step_size_surface(surface)
    w0 = STEP_SIZE_SURFACES[surface][1][2]
    run = step_size_run(
        s, method, w0, 40, damping=3.0, lr=STEP_SIZE_SURFACES[surface][2]
    )
    k = int(run.stopped_at)
    np.testing.assert_array_equal(ex.line.get_xydata(), run.weights[: k + 1])
    np.testing.assert_array_equal(ex.loss.get_xdata(), run.g_evals[: k + 1])
    floor = ex.floors[surface]
    gap = np.maximum(run.losses[: k + 1] - floor, 1e-16)
    np.testing.assert_array_equal(ex.loss.get_ydata(), gap)


def test_the_runs_are_the_package_methods():
    s = step_size_surface("Rosenbrock")
    a = step_size_run(s, "L-BFGS", [-1.2, 1.0], 30)
    b = newton.lbfgs(s, [-1.2, 1.0], 30, tol=1e-10)
    np.testing.assert_array_equal(a.weights, b.weights)
    c = step_size_run(s, "damped Newton", [-1.2, 1.0], 30, damping=2.0)
    d = newton.newton(s, [-1.2, 1.0], 30, damping=2.0, tol=1e-10)
    np.testing.assert_array_equal(c.weights, d.weights)


def test_opens_on_armijo_whose_steps_move_and_newton_takes_one_step(ex):
    fresh = widgets.EXPLORERS["step size"]()
    assert fresh.values["method"] == "GD + Armijo"
    assert fresh.values["surface"] == "turned ravine"
    before = fresh.status
    fresh.set(steps=fresh.values["steps"] - 1)  # the first slider changes the picture
    assert fresh.status != before
    fresh.set(method="Newton")
    assert fresh.status.startswith("Newton on the turned ravine: loss 0 after 1 step")


def test_damping_counts_only_for_damped_newton(ex):
    assert "damping" in ex.ignores(dict(ex.values, method="Newton"))
    assert "damping" not in ex.ignores(dict(ex.values, method="damped Newton"))
    ex.set(method="Newton", surface="two valleys", start=0, damping=0.3)
    first = ex.status
    ex.set(damping=10.0)
    assert ex.status == first


def test_newton_walks_onto_the_saddle_and_damping_repairs_it(ex):
    ex.set(method="Newton", surface="two valleys", start=0, steps=60)
    assert "a saddle point, not a minimum" in ex.status
    ex.set(method="damped Newton", damping=5.0)
    assert "saddle" not in ex.status
    x = ex.line.get_xdata()[-1]
    assert abs(x - 0.9601) < 1e-3  # the right-hand minimum


def test_a_singular_damped_hessian_and_a_high_polyak_guess_say_why(ex):
    # the saddle's Hessian is diag(1, -1), invertible: damping 1 makes
    # H + damping*I = diag(2, 0) singular, and the status blames the damping
    ex.set(method="damped Newton", surface="saddle", start=0, damping=1.0)
    assert ex.status.endswith(
        "stopped: H + damping·I is singular (the damping cancels a curvature of H)"
    )
    assert "the Hessian is singular" not in ex.status
    # the saddle has no f*: Polyak's step was given the box's lowest value
    ex.set(method="Polyak")
    assert "f*" in ex.status and "Polyak's f*" not in ex.status
    assert ex.status.endswith(
        "stopped: the loss reached the lowest value on the box, which Polyak's "
        "step was given as f* (the saddle has no lowest value)"
    )
    floor = ex.floors["saddle"]
    assert ex.longest_run("Polyak", "saddle", 0, 0.0).final_loss < floor


def test_singular_is_judged_as_newton_judges_it():
    # the degenerate saddle's Hessian on the line y = 0 is diag(2, 0)
    from gdcourse.widgets.step_size import _singular

    assert _singular(np.diag([2.0, 0.0]))
    assert not _singular(np.diag([1.0, -1.0]))
    assert _singular(np.diag([1.0, -1.0]) + np.eye(2))


def test_below_the_box_on_the_saddle_is_marked_not_clipped(ex):
    # GD runs off the saddle, far below the lowest value on the box: the
    # gap is not drawn there (no point at the 1e-16 floor), and a note and
    # the status say so
    ex.set(method="GD", surface="saddle", start=0, steps=60)
    run = ex.longest_run("GD", "saddle", 0, 0.0)
    floor = ex.floors["saddle"]
    below = run.losses < floor
    first = int(np.argmax(below))
    assert below.any() and run.final_loss < -1e3
    y = ex.loss.get_ydata()
    assert np.all(np.isnan(y[below])) and np.all(y[~below] > 0)
    assert not np.any(y[~below] <= 1e-16)
    assert ex.below.get_visible()
    assert ex.status.endswith(
        f"; below the lowest value on the box (-3.12) from step {first}"
    )
    # before the run goes below it, nothing is marked
    ex.set(steps=first - 1)
    assert not ex.below.get_visible()
    assert "below the lowest value" not in ex.status
    # a surface with a known minimum draws the gap, down to 1e-16
    ex.set(method="Newton", surface="turned ravine", steps=60)
    assert not ex.below.get_visible()
    assert ex.loss.get_ydata()[-1] == 1e-16


def test_a_run_that_leaves_every_bound_says_diverged(ex):
    ex.set(method="GD + Armijo", surface="saddle", start=0, steps=60)
    assert "diverged at step" in ex.status
    assert ex.note.get_visible()
    ex.set(method="Newton")
    assert not ex.note.get_visible()


def test_every_start_lies_in_the_one_box():
    (x0, x1), (y0, y1) = STEP_SIZE_BOX
    for name, (_, starts, _) in STEP_SIZE_SURFACES.items():
        assert step_size_surface(name).box == STEP_SIZE_BOX
        for x, y in starts:
            assert x0 < x < x1 and y0 < y < y1, (name, x, y)


def test_bad_names_are_refused():
    with pytest.raises(ValueError, match="surface must be one of"):
        step_size_surface("bowl")
    with pytest.raises(ValueError, match="method must be one of"):
        step_size_run(step_size_surface("saddle"), "Adam", [0.5, 0.3], 3)


def test_only_the_current_surfaces_minima_are_marked():
    ex = widgets.EXPLORERS["step size"]()
    ex.set(surface="Rosenbrock")
    marks = [line for line in ex.figure.axes[0].lines if line.get_marker() == "x"]
    assert marks == [ex.minima]
    np.testing.assert_array_equal(ex.minima.get_xydata(), [[1.0, 1.0]])

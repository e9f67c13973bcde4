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


def test_opens_on_newton_reaching_the_turned_ravines_minimum_in_one_step(ex):
    fresh = widgets.EXPLORERS["step size"]()
    assert fresh.values["method"] == "Newton"
    assert fresh.values["surface"] == "turned ravine"
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
    # the saddle's Hessian is diag(1, -1): damping 1 makes it singular
    ex.set(method="damped Newton", surface="saddle", start=0, damping=1.0)
    assert ex.status.endswith("stopped: the Hessian is singular")
    ex.set(method="Polyak")
    assert ex.status.endswith("stopped: the loss reached Polyak's f*")


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

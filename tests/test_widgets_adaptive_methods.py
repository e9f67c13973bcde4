"""Chapter 9 explorer: a chosen optimizer racing tuned momentum on a ravine."""

import re

import numpy as np
import pytest

from gdcourse import adaptive, optimizers, theory
from gdcourse.descent import gradient_descent
from gdcourse.widgets import EXPLORERS, adaptive_methods


@pytest.fixture(scope="module")
def ex():
    return EXPLORERS["adaptive methods"]()


def test_is_registered():
    assert EXPLORERS["adaptive methods"] is adaptive_methods.adaptive_explorer


@pytest.mark.parametrize("method", adaptive_methods.ADAPTIVE_METHODS)
def test_the_path_is_the_chosen_optimizer_s_run(ex, method):
    ex.set(surface="ravine along the axes", method=method, lr=0.05, beta1=0.8)
    opt = adaptive_methods.make_optimizer(method, 0.8, ex.values["beta2"])
    run = gradient_descent(
        ex.surfaces["ravine along the axes"],
        ex.start_point,
        lr=0.05,
        steps=ex.steps,
        optimizer=opt,
    )
    np.testing.assert_allclose(ex.line.get_xydata(), run.weights)


def test_make_optimizer_maps_the_betas():
    assert adaptive_methods.make_optimizer("momentum", 0.7).hyperparameters[
        "momentum"
    ] == pytest.approx(0.7)
    assert adaptive_methods.make_optimizer("RMSProp", 0.7, 0.9).hyperparameters[
        "alpha"
    ] == pytest.approx(0.9)
    adam = adaptive_methods.make_optimizer("Adam", 0.5, 0.99).hyperparameters
    assert adam["betas"] == (0.5, 0.99) and not adam["amsgrad"]
    assert adaptive_methods.make_optimizer("AMSGrad").hyperparameters["amsgrad"]
    with pytest.raises(ValueError, match="method must be one of"):
        adaptive_methods.make_optimizer("no such method")


@pytest.mark.parametrize("method", adaptive_methods.ADAPTIVE_METHODS)
def test_each_menu_entry_uses_exactly_the_controls_its_rule_depends_on(method):
    """A control listed as used changes the rule; one not listed changes nothing."""
    uses, _ = adaptive_methods.MENU[method]
    base = adaptive_methods.make_optimizer(method, 0.9, 0.999)
    for control, other in (("beta1", (0.5, 0.999)), ("beta2", (0.9, 0.9))):
        moved = adaptive_methods.make_optimizer(method, *other)
        changed = moved.hyperparameters != base.hyperparameters
        assert changed == (control in uses), (method, control)
    assert base.name in {"sgd", "adagrad", "rmsprop", "adam"}


def test_reference_is_momentum_at_its_optimum_and_sees_no_rotation(ex):
    lr, beta = theory.heavy_ball_optimal(0.01, 1.0)
    for label in ("ravine along the axes", "ravine turned 45 degrees"):
        ref = ex.reference(label)
        run = gradient_descent(
            ex.surfaces[label],
            ex.start_point,
            lr=lr,
            steps=ex.steps,
            optimizer=optimizers.sgd(momentum=beta),
        )
        np.testing.assert_allclose(ref.weights, run.weights)
    # the same start in both pictures, so the losses differ: only the number
    # of steps to the floor is the same, and both reach it
    assert ex.reference("ravine turned 45 degrees").final_loss < 1e-10


def test_adam_does_far_better_along_the_axes_than_turned(ex):
    ex.set(surface="ravine along the axes", method="Adam", lr=0.1, beta1=0.9)
    along = np.nanmin(ex.loss.get_ydata())
    ex.set(surface="ravine turned 45 degrees")
    turned = np.nanmin(ex.loss.get_ydata())
    assert turned > 1e3 * along
    assert np.nanmin(ex.ref_loss.get_ydata()) < 1e-3 * turned


def test_scaled_loss_leaves_adam_alone_and_breaks_sgd(ex):
    ex.set(surface="ravine along the axes", method="Adam", lr=0.1, beta2=0.999)
    small = ex.line.get_xydata().copy()
    ex.set(surface="ravine along the axes, loss x 1000")
    np.testing.assert_allclose(ex.line.get_xydata(), small, atol=1e-5)
    ex.set(method="SGD", lr=1.0)
    assert re.match(r"SGD: diverged at step \d+", ex.status)
    assert ex.note.get_visible()


def test_static_form_covers_every_surface_and_ten_rates():
    ex = EXPLORERS["adaptive methods"]()
    grid = dict(ex.static_grid())
    assert set(grid["surface"]) == set(adaptive_methods.ADAPTIVE_SURFACES)
    assert len(grid["lr"]) >= 10
    assert grid["method"] == list(adaptive_methods.ADAPTIVE_METHODS)
    assert len(grid["beta1"]) >= 10 and len(grid["beta2"]) >= 2
    assert set(grid["beta2"]) <= set(adaptive_methods.BETA2_VALUES)
    assert all(ex.controls[name].value in values for name, values in grid.items())
    lo, hi = ex.controls["lr"].min, ex.controls["lr"].max
    assert all(10**lo <= v <= 10**hi for v in grid["lr"])


@pytest.mark.parametrize("method", adaptive_methods.ADAPTIVE_METHODS)
def test_the_ignored_hyperparameters_are_the_ones_the_method_lacks(method):
    ex = EXPLORERS["adaptive methods"]()
    ignored = ex.ignores(dict(ex.values, method=method))
    for name, other in (("beta1", (0.5, 0.999)), ("beta2", (0.9, 0.9))):
        a = adaptive_methods.make_optimizer(method, 0.9, 0.999)
        b = adaptive_methods.make_optimizer(method, *other)
        assert (name in ignored) == (repr(a) == repr(b)), (method, name)


def test_opens_on_the_turned_ravine_where_momentum_wins():
    fresh = EXPLORERS["adaptive methods"]()
    assert fresh.values["surface"] == "ravine turned 45 degrees"
    assert fresh.values["method"] == "Adam"
    assert fresh.ref_loss.get_ydata()[-1] < fresh.loss.get_ydata()[-1]


def test_adagrad_beats_tuned_momentum_along_the_axes_and_loses_when_turned(ex):
    def steps(line):
        return adaptive.steps_to(line.get_ydata(), 1e-4) or np.inf

    ex.set(surface="ravine along the axes", method="AdaGrad", lr=3.0)
    assert steps(ex.loss) < steps(ex.ref_loss)
    ex.set(surface="ravine turned 45 degrees")
    assert steps(ex.loss) > steps(ex.ref_loss)

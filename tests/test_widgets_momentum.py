"""Chapter 7 explorer: heavy-ball momentum beside plain gradient descent at its best rate."""

import re

import numpy as np

from gdcourse import theory, widgets
from gdcourse.descent import gradient_descent


def test_both_paths_follow_descent():
    ex = widgets.EXPLORERS["momentum"]()
    ex.set(lr=0.7, momentum=0.6, kappa=10)
    s = ex.bowls.surfaces[10]
    run = gradient_descent(s, ex.start_point, lr=0.7, steps=ex.steps, momentum=0.6)
    plain = gradient_descent(
        s, ex.start_point, lr=theory.optimal_lr(0.1, 1.0), steps=ex.steps
    )
    np.testing.assert_allclose(ex.line.get_xydata(), run.weights)
    np.testing.assert_allclose(ex.plain_line.get_xydata(), plain.weights)


def test_optimal_momentum_beats_plain_descent_on_a_ravine():
    ex = widgets.EXPLORERS["momentum"]()
    lr, beta = theory.heavy_ball_optimal(0.01, 1.0)
    ex.set(lr=lr, momentum=round(beta, 2), kappa=100)
    assert np.nanmin(ex.loss.get_ydata()) < 1e-3 * np.nanmin(ex.plain_loss.get_ydata())


def test_too_large_a_rate_diverges_and_says_so():
    ex = widgets.EXPLORERS["momentum"]()
    ex.set(lr=5.0, momentum=0.0, kappa=10)
    assert re.match(r"momentum: diverged at step \d+", ex.status)
    assert ex.note.get_visible()


def test_static_form_opens_on_the_live_defaults_and_holds_the_kappa_100_optimum():
    ex = widgets.EXPLORERS["momentum"]()
    grid = dict(ex.static_grid())
    assert all(ex.controls[name].value in values for name, values in grid.items())
    lr, beta = theory.heavy_ball_optimal(0.01, 1.0)
    assert 100 in grid["kappa"]
    assert (
        min(abs(v - lr) for v in grid["lr"]) < 0.02
        and min(abs(v - beta) for v in grid["momentum"]) < 0.01
    )


def test_opens_on_a_setting_where_momentum_clearly_wins():
    ex = widgets.EXPLORERS["momentum"]()
    assert ex.values["momentum"] == 0.9 and ex.values["kappa"] == 100
    assert ex.loss.get_ydata()[-1] < 1e-3 * ex.plain_loss.get_ydata()[-1]


def test_static_momentum_values_reach_the_slider_maximum():
    ex = widgets.EXPLORERS["momentum"]()
    assert max(dict(ex.static_grid())["momentum"]) == ex.controls["momentum"].max

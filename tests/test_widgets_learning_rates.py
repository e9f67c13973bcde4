"""Chapter 2 explorer: gradient descent on an elongated bowl against the stability limit."""

import re

import numpy as np

from gdcourse import theory, widgets
from gdcourse.descent import gradient_descent


def test_path_and_markers_follow_the_controls():
    ex = widgets.EXPLORERS["learning rate"]()
    ex.set(lr=0.8, kappa=30, steps=25)
    s = ex.bowls.surfaces[30]
    run = gradient_descent(s, ex.start_point, lr=0.8, steps=25)
    np.testing.assert_allclose(ex.line.get_xydata(), run.weights)
    assert ex.marker.get_ydata()[0] == 0.8
    assert ex.best.get_ydata()[0] == theory.optimal_lr(1.0 / 30, 1.0)
    np.testing.assert_array_equal(ex.field.get_array(), ex.bowls.bands[30])
    assert ex.status.endswith("rate 0.8 = 0.40 x 2/L")


def test_above_two_over_L_diverges_and_says_so():
    ex = widgets.EXPLORERS["learning rate"]()
    ex.set(lr=2.1, kappa=10, steps=100)  # factor 1.1 a step: grows, slowly
    assert re.match(
        r"diverging: loss up from [0-9.e+]+ to [0-9.e+]+ in 100 steps", ex.status
    )
    assert ex.note.get_visible() and ex.note.get_text() == "diverging"
    ex.set(lr=3.0)  # factor 2: leaves every bound
    assert re.match(r"diverged at step \d+", ex.status)
    assert ex.note.get_visible() and ex.note.get_text().startswith("diverged")
    ex.set(lr=1.9)
    assert ex.status.startswith("loss") and not ex.note.get_visible()


def test_condition_number_changes_the_bowl_and_its_curvatures():
    ex = widgets.EXPLORERS["learning rate"]()
    for kappa in widgets.CONDITION_NUMBERS:
        s = ex.bowls.surfaces[kappa]
        assert theory.condition_number(s.hessian(np.zeros(2))) == np.float64(kappa)
    assert not np.array_equal(ex.bowls.bands[1], ex.bowls.bands[100])


def test_static_form_opens_on_the_live_defaults():
    ex = widgets.EXPLORERS["learning rate"]()
    assert all(ex.controls[name].value in values for name, values in ex.static_grid())

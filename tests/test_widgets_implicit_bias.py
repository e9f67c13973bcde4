"""Chapter 11 explorer: gradient descent on the over-parameterised curve fit."""

import base64
import io
import re

import numpy as np
from PIL import Image, ImageFilter

from gdcourse import implicit, widgets
from gdcourse.descent import gradient_descent


def test_what_it_draws_is_the_descent_run():
    ex = widgets.EXPLORERS["implicit bias"]()
    ex.set(lr=0.4, steps=50, start=2.0)
    run = gradient_descent(ex.surface, 2.0 * ex.direction, lr=0.4, steps=ex.max_steps)
    np.testing.assert_allclose(ex.train.get_ydata(), run.losses[:51])
    np.testing.assert_allclose(
        ex.norm.get_ydata(), np.linalg.norm(run.weights[:51], axis=1)
    )
    np.testing.assert_allclose(ex.fit.get_ydata(), ex.grid_features @ run.weights[50])
    test = np.mean((run.weights[:51] @ ex.test_features.T - ex.y_test) ** 2, axis=1)
    np.testing.assert_allclose(ex.test.get_ydata(), test)


def test_from_zero_the_norm_grows_to_the_minimum_norm_fit():
    ex = widgets.EXPLORERS["implicit bias"]()
    ex.set(lr=0.9, steps=ex.max_steps, start=0.0)
    norms = ex.norm.get_ydata()
    best = np.linalg.norm(ex.best)
    # with lr * lambda <= 1 every eigen-coordinate grows monotonically from 0
    assert np.all(np.diff(norms) >= -1e-12) and norms[-1] <= best + 1e-12
    assert norms[-1] > 0.99 * best
    assert ex.limit.get_ydata()[0] == best  # from zero the two limits agree
    assert ex.status.startswith("step 200: train loss")


def test_a_random_start_heads_for_its_own_limit():
    ex = widgets.EXPLORERS["implicit bias"]()
    ex.set(lr=0.9, steps=ex.max_steps, start=2.0)
    limit = ex.limit.get_ydata()[0]
    features = implicit.fourier_features(ex.x)
    expected = implicit.min_norm_solution(features, ex.y) + ex.null @ (
        2.0 * ex.direction
    )
    assert limit == np.linalg.norm(expected) and limit > np.linalg.norm(ex.best) + 0.3
    assert abs(ex.norm.get_ydata()[-1] - limit) < 0.02
    np.testing.assert_allclose(features @ ex.null, 0.0, atol=1e-12)  # a null-space part


def test_above_the_stability_limit_it_diverges_and_says_so():
    ex = widgets.EXPLORERS["implicit bias"]()
    lam_max = implicit.spectrum(implicit.fourier_features(ex.x))[0].max()
    assert 1.9 < 2 / lam_max < 2.1
    ex.set(lr=2.1, steps=60)
    assert ex.status.startswith("diverging: loss up from")
    ex.set(steps=ex.max_steps)
    assert re.fullmatch(r"diverged at step \d+", ex.status)
    assert ex.note.get_visible()
    ex.set(lr=1.9)
    assert not ex.note.get_visible()


def test_the_limit_from_the_start_is_drawn_only_where_there_is_one():
    ex = widgets.EXPLORERS["implicit bias"]()
    lam_max = implicit.spectrum(implicit.fourier_features(ex.x))[0].max()
    assert ex.lr_limit == 2 / lam_max
    for lr, steps in ((2.1, 2), (2.1, 60), (2.1, ex.max_steps)):
        ex.set(lr=lr, steps=steps, start=1.0)  # no limit, even before it shows
        assert not ex.limit.get_visible()
    ex.set(lr=1.9, steps=ex.max_steps)
    assert ex.limit.get_visible()
    assert abs(ex.norm.get_ydata()[-1] - ex.limit.get_ydata()[0]) < 0.05


def test_static_form_offers_the_defaults_and_both_sides_of_the_limit():
    ex = widgets.EXPLORERS["implicit bias"]()
    grid = dict(ex.static_grid())
    assert all(ex.controls[name].value in values for name, values in grid.items())
    assert 1.9 in grid["lr"] and 2.1 in grid["lr"]
    assert grid["steps"] == list(range(0, ex.max_steps + 1, 2))
    assert 0.0 in grid["start"]


def test_the_sites_canvas_is_the_live_picture_at_its_size():
    """The stored frame (the site's canvas size) against the live picture.

    The live picture is ``display_width`` pixels wide whatever the figure's
    width in inches, the site's frames ``width * static_dpi``: only a figure
    ``display_width / static_dpi`` inches wide draws both alike.
    """
    ex = widgets.EXPLORERS["implicit bias"]()
    live = Image.open(io.BytesIO(ex.set(lr=0.9, steps=60, start=2.0)))
    page = ex.to_html(full=False)
    width, height, src = re.search(
        r'src="data:image/webp;base64,([^"]+)" width="(\d+)" height="(\d+)"', page
    ).group(2, 3, 1)
    frame = Image.open(io.BytesIO(base64.b64decode(src)))
    shown = tuple(round(x / ex.pixel_ratio) for x in live.size)
    assert (int(width), int(height)) == frame.size == shown
    blur = ImageFilter.GaussianBlur(1.5)
    a, b = (
        np.asarray(x.convert("RGB").filter(blur), dtype=float) for x in (live, frame)
    )
    assert np.mean(np.abs(a - b).max(axis=2) > 48) < 0.002

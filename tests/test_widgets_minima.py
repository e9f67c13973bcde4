"""Tests for the chapter-3 minima explorer."""

import numpy as np
import pytest

from gdcourse import descent, landscape, surfaces, widgets


@pytest.fixture(scope="module")
def minima():
    return widgets.EXPLORERS["minima"]()


def test_minima_explorer_is_registered_with_its_controls(minima):
    assert isinstance(minima, widgets.MinimaExplorer)
    assert sorted(minima.controls) == ["lr", "restarts", "x0", "y0"]


def test_minima_basin_map_follows_the_rate_bucket(minima):
    s = surfaces.two_valleys(tilt=0.3)
    minima.set(lr=0.05, restarts=0, x0=1.5, y0=1.0)
    k = minima.bucket(0.05)
    expected = landscape.basin_map(
        s, lr=minima.bucket_rates[k], steps=minima.steps, grid=80
    ).labels
    np.testing.assert_array_equal(minima.basins.get_array(), expected + 1)
    minima.set(lr=0.2)
    assert minima.bucket(0.2) != k
    np.testing.assert_array_equal(
        minima.basins.get_array(), minima.maps[minima.bucket(0.2)] + 1
    )


def test_minima_restarts_find_the_global_minimum_from_the_local_valley(minima):
    minima.set(lr=0.05, restarts=0, x0=1.5, y0=1.0)
    assert minima.status.startswith("1 run: a local minimum")
    minima.set(restarts=3)
    assert minima.status.startswith("best of 4 runs: the global minimum")
    visible = [line.get_visible() for line in minima.restart_lines]
    assert visible == [True] * 3 + [False] * (minima.max_restarts - 3)


def test_minima_explorer_every_value_works_quietly(minima):
    for lr in np.logspace(*minima.LR_EXP, 9):
        for restarts in (0, minima.max_restarts):
            for x0 in (-2.0, 0.0, 2.0):
                minima.set(lr=lr, restarts=restarts, x0=x0, y0=-1.5)
                assert not minima.status.startswith("error"), minima.status


def test_minima_restarts_are_a_prefix_of_all_of_them(minima):
    assert minima.specs["restarts"].prefix
    minima.set(restarts=minima.max_restarts)
    everything = [line.get_xydata().copy() for line in minima.restart_lines]
    minima.set(restarts=3)
    for k, line in enumerate(minima.restart_lines):
        assert line.get_visible() == (k < 3)
        if k < 3:
            np.testing.assert_array_equal(line.get_xydata(), everything[k])
    minima.set(restarts=0)


def test_minima_status_tells_an_unfinished_run_from_a_bouncing_one(minima):
    s = surfaces.two_valleys(tilt=0.3)
    top = landscape.hessian_eigenvalues(s, s.minima)[:, -1]
    np.testing.assert_allclose(minima.stability_limits, 2 / top)
    limit = minima.stability_limits[int(np.argmin(s(s.minima)))]
    # a small rate: 100 steps are not enough to settle, and nothing oscillates
    minima.set(lr=0.01, restarts=0, x0=-0.5, y0=1.0)
    assert minima.status.startswith("1 run: still approaching the global minimum")
    minima.set(lr=0.05)
    assert minima.status.startswith("1 run: the global minimum")
    minima.set(lr=1.05 * limit)
    assert minima.status.startswith("1 run: bouncing around the global minimum")
    # the two unsettled runs differ as the words say: given 2000 more steps the
    # slow one settles, the bouncing one keeps jumping by a visible amount
    for lr, settles in ((0.01, True), (1.05 * limit, False)):
        run = descent.gradient_descent(s, [-0.5, 1.0], lr=lr, steps=2100)
        jump = np.abs(np.diff(run.weights[-10:, 0])).max()
        assert (jump < 1e-6) == settles, (lr, jump)

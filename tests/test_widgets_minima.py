"""Tests for the chapter 3 (minima) and chapter 4 (saddle) explorers."""

import numpy as np
import pytest

from gdcourse import landscape, surfaces, widgets


@pytest.fixture(scope="module")
def minima():
    return widgets.EXPLORERS["minima"]()


@pytest.fixture(scope="module")
def saddle():
    return widgets.EXPLORERS["saddle"]()


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


def test_minima_static_form_is_small(minima):
    html = minima.to_html()
    assert 'class="gd-explorer"' in html and len(html) < 600_000
    assert html.count('class="gd-frame') == 5 * 2 * 2


def test_saddle_explorer_is_registered_with_its_controls(saddle):
    assert isinstance(saddle, widgets.SaddleExplorer)
    assert sorted(saddle.controls) == ["eps", "lr", "noise"]


@pytest.mark.parametrize("eps, lr", [(1e-12, 0.05), (1e-6, 0.1), (1e-2, 0.5)])
def test_saddle_measured_escape_matches_prediction_without_noise(saddle, eps, lr):
    saddle.set(eps=eps, noise=0.0, lr=lr)
    k_hat = int(np.ceil(np.log(1.0 / eps) / np.log(1 + lr)))
    assert saddle.prediction(eps, lr) == k_hat
    assert (
        saddle.status == f"escaped at step {k_hat} (prediction without noise: {k_hat})"
    )
    assert saddle.escaped.get_xdata()[0] == k_hat


def test_saddle_noise_escapes_sooner_from_a_tiny_offset(saddle):
    saddle.set(eps=1e-12, noise=0.0, lr=0.1)
    quiet = int(saddle.escaped.get_xdata()[0])
    saddle.set(noise=1e-3)
    noisy = int(saddle.escaped.get_xdata()[0])
    assert noisy < quiet - 100


def test_saddle_explorer_every_value_works_quietly(saddle):
    for eps in np.logspace(-12, -1, 6):
        for _, noise in widgets.SADDLE_NOISE:
            for lr in (0.05, 0.5):
                saddle.set(eps=eps, noise=noise, lr=lr)
                assert saddle.status.startswith(("escaped", "still")), saddle.status


def test_saddle_static_form_is_small(saddle):
    html = saddle.to_html()
    assert len(html) < 600_000 and html.count('class="gd-frame') == 4 * 3 * 2
    assert "<select" in html

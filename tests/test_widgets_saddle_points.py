"""Tests for the chapter-4 saddle explorer."""

import numpy as np
import pytest

from gdcourse import widgets


@pytest.fixture(scope="module")
def saddle():
    return widgets.EXPLORERS["saddle"]()


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


def test_saddle_static_grid_is_dense(saddle):
    grid = dict(saddle.static_grid())
    assert len(grid["eps"]) >= 10 and len(grid["lr"]) >= 10
    assert grid["noise"] == [v for _, v in widgets.SADDLE_NOISE]

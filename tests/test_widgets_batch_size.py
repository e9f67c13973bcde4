"""Tests of the chapter-5 batch-size explorer."""

import numpy as np
import pytest

from gdcourse import widgets


@pytest.fixture(scope="module")
def explorer():
    return widgets.EXPLORERS["batch size"]()


def test_registered_with_its_controls(explorer):
    assert sorted(explorer.controls) == ["batch_size", "lr", "seed"]
    assert list(explorer.controls["batch_size"].options) == [2**k for k in range(11)]


def test_runs_match_the_module(explorer):
    from gdcourse import batching

    sgd, full = explorer.run(16, 0.1, 3)
    ref = batching.least_squares_sgd(
        explorer.X, explorer.y, explorer.start0, 0.1, 16, explorer.steps, seeds=3
    )
    np.testing.assert_array_equal(sgd.weights, ref.weights)
    assert full.batch_size == explorer.n


def test_every_batch_size_and_rate_renders_with_a_status(explorer):
    for B in explorer.controls["batch_size"].options:
        for lr in (0.001, 0.1, 1.0):
            explorer.set(batch_size=B, lr=lr, seed=0)
            assert not explorer.status.startswith("error"), explorer.status
            assert explorer.status.startswith(("loss", "diverged at step", "diverging"))


def test_a_rate_above_the_stability_limit_is_reported(explorer):
    explorer.set(batch_size=1024, lr=0.8, seed=0)
    assert explorer.status.startswith("diverging: loss up from")
    assert explorer.note.get_visible()
    explorer.set(batch_size=1024, lr=0.1, seed=0)
    assert not explorer.note.get_visible()


def test_the_status_follows_the_mini_batch_run(explorer):
    explorer.set(batch_size=4, lr=0.5, seed=1)
    sgd, _ = explorer.run(4, 0.5, 1)
    expected = widgets.divergence_status(
        sgd.losses[:, 0], sgd.stopped_at[0], bool(sgd.diverged[0])
    )
    if expected:
        assert explorer.status == expected
        assert explorer.note.get_text() == expected.split(":")[0]
    else:
        gap = sgd.losses[-1, 0] - explorer.floor
        assert explorer.status.startswith(f"loss {gap:.3g} above the minimum")


def test_seed_changes_the_path_only_for_small_batches(explorer):
    paths = {}
    for B in (4, 1024):
        for seed in (0, 1):
            paths[B, seed] = explorer.run(B, 0.1, seed)[0].weights
    assert not np.allclose(paths[4, 0], paths[4, 1])
    np.testing.assert_allclose(paths[1024, 0], paths[1024, 1], rtol=1e-10)


def test_static_grid_offers_every_batch_size_and_seed(explorer):
    grid = dict(explorer.static_grid())
    assert grid["batch_size"] == list(explorer.controls["batch_size"].options)
    assert grid["seed"] == list(range(10)) and len(grid["lr"]) >= 10

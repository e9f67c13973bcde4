"""The learning-rate range test, checked where the stable range is known: linear regression."""

import numpy as np
import pytest

from gdcourse import data as gdata
from gdcourse import models, rangetest, theory, training

DATA = gdata.regression(n=200, weights=[2.0, -1.0], bias=0.5, noise=0.5, seed=0)
MODEL = models.LinearRegression(2)


def stability_limit(d):
    """2/L for the full-batch loss: L is the largest eigenvalue of the Hessian (1/n) A^T A."""
    A = np.column_stack([d.X_train, np.ones(d.n_train)])
    return theory.stability_limit(theory.curvature_range(A.T @ A / d.n_train)[1])


# ---------------------------------------------------------------------------
# exponential_rates
# ---------------------------------------------------------------------------


def test_rates_are_exponential_from_min_to_max():
    rates = rangetest.exponential_rates(1e-4, 10.0, 51)
    assert rates[0] == 1e-4 and rates[-1] == 10.0
    ratios = rates[1:] / rates[:-1]
    np.testing.assert_allclose(ratios, (10.0 / 1e-4) ** (1 / 50), rtol=1e-12)


@pytest.mark.parametrize(
    "args, match",
    [
        ((0.0, 1.0, 10), "lr_min must be a positive"),
        ((1e-3, np.inf, 10), "lr_max must be a positive"),
        ((1.0, 0.1, 10), "lr_min must be below lr_max"),
        ((1e-3, 1.0, 1), "steps must be an integer >= 2"),
        ((1e-3, 1.0, 10.0), "steps must be an integer >= 2"),
        ((True, 1.0, 10), "lr_min must be a positive"),
    ],
)
def test_exponential_rates_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        rangetest.exponential_rates(*args)


# ---------------------------------------------------------------------------
# smooth
# ---------------------------------------------------------------------------


def test_smooth_matches_the_recurrence_written_out():
    x = np.random.default_rng(0).normal(size=300) + np.linspace(5, 0, 300)
    beta = 0.95
    expected, a = [], 0.0
    for t, value in enumerate(x, start=1):
        a = beta * a + (1 - beta) * value
        expected.append(a / (1 - beta**t))
    np.testing.assert_allclose(rangetest.smooth(x, beta), expected, rtol=1e-12)


def test_smooth_keeps_constants_and_beta_zero_is_identity():
    np.testing.assert_allclose(
        rangetest.smooth(np.full(500, 3.0), 0.98), 3.0, rtol=1e-12
    )
    x = np.array([3.0, 1.0, 2.0])
    np.testing.assert_array_equal(rangetest.smooth(x, 0.0), x)


@pytest.mark.parametrize(
    "losses, beta, match",
    [
        ([1.0, np.nan], 0.9, "finite"),
        ([], 0.9, "non-empty"),
        ([[1.0]], 0.9, "1-D"),
        ([1.0], 1.0, "beta must be a number in"),
        ([1.0], -0.1, "beta must be a number in"),
    ],
)
def test_smooth_rejects_bad_input(losses, beta, match):
    with pytest.raises(ValueError, match=match):
        rangetest.smooth(losses, beta)


# ---------------------------------------------------------------------------
# suggest_lr
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("centre", [1e-3, 0.1, 3.0])
def test_suggestions_on_a_curve_with_known_answers(centre):
    lrs = np.geomspace(1e-5, 1e3, 161)
    x = np.log10(lrs / centre)
    curve = 1.0 - np.tanh(x) + np.where(x > 1.5, 10.0 * (x - 1.5) ** 2, 0.0)
    steepest = rangetest.suggest_lr(lrs, curve, "steepest")
    assert steepest == pytest.approx(centre, rel=0.06)
    lowest = lrs[np.argmin(curve)]
    assert rangetest.suggest_lr(lrs, curve) == pytest.approx(lowest / 10)


def test_steepest_falls_back_to_minimum_when_the_low_point_comes_first():
    lrs = np.geomspace(1e-3, 1.0, 30)
    rising = np.linspace(1.0, 2.0, 30)
    after_skip = lrs[10]  # the first 10 points are skipped
    assert rangetest.suggest_lr(lrs, rising, "steepest") == pytest.approx(
        after_skip / 10
    )
    assert rangetest.suggest_lr(lrs, rising, "steepest", skip_start=0) == pytest.approx(
        1e-4
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(method="median"), "method must be one of"),
        (dict(lrs=[1.0, 0.5, 0.2]), "rising"),
        (dict(lrs=[1.0]), "same length >= 2"),
        (dict(smoothed=[1.0, np.inf, 1.0]), "finite"),
        (dict(skip_start=-1), "skip_start"),
    ],
)
def test_suggest_lr_rejects_bad_input(kwargs, match):
    args = dict(lrs=[0.1, 1.0, 10.0], smoothed=[1.0, 0.5, 2.0])
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        rangetest.suggest_lr(
            args["lrs"],
            args["smoothed"],
            args.get("method", "minimum"),
            args.get("skip_start", 10),
        )


# ---------------------------------------------------------------------------
# range_test on linear regression, where 2/L is known
# ---------------------------------------------------------------------------


def test_range_test_is_deterministic_for_a_seed():
    a = rangetest.range_test(MODEL, DATA, lr_min=1e-4, lr_max=10.0, steps=120, seed=3)
    b = rangetest.range_test(MODEL, DATA, lr_min=1e-4, lr_max=10.0, steps=120, seed=3)
    c = rangetest.range_test(MODEL, DATA, lr_min=1e-4, lr_max=10.0, steps=120, seed=4)
    np.testing.assert_array_equal(a.losses, b.losses)
    np.testing.assert_array_equal(a.lrs, b.lrs)
    assert a.suggestion == b.suggestion and a.stopped_at == b.stopped_at
    assert not np.array_equal(a.losses[:50], c.losses[:50])


def test_range_test_records_exponential_rates_and_the_training_losses():
    result = rangetest.range_test(
        MODEL, DATA, lr_min=1e-4, lr_max=10.0, steps=120, seed=0
    )
    full = rangetest.exponential_rates(1e-4, 10.0, 120)
    np.testing.assert_array_equal(result.lrs, full[: result.stopped_at])
    run = training.train(
        MODEL,
        DATA,
        lr=lambda t: np.concatenate([full, [10.0] * 30])[t],
        batch_size=32,
        epochs=25,
        seed=0,
    )
    np.testing.assert_allclose(result.losses, run.step_loss[: result.stopped_at])
    np.testing.assert_allclose(result.smoothed, rangetest.smooth(result.losses, 0.98))
    assert "suggestion" in repr(result)


def test_full_batch_loss_can_only_blow_up_above_the_stability_limit():
    # full-batch descent on a quadratic with every rate below 2/L never raises the loss,
    # so the sweep can only stop once its rate has passed 2/L
    limit = stability_limit(DATA)
    result = rangetest.range_test(
        MODEL, DATA, lr_min=1e-3, lr_max=100.0, steps=150, batch_size=DATA.n_train
    )
    assert result.exploded
    assert result.lrs[-1] > limit
    assert np.all(np.diff(result.losses)[result.lrs[:-1] < limit] <= 1e-12)


def trains_to_near_the_optimum(d, lr, batch_size, seed):
    epochs = 30 if batch_size < d.n_train else 300
    run = training.train(
        MODEL, d, lr=lr, batch_size=batch_size, epochs=epochs, seed=seed
    )
    best = MODEL.loss(MODEL.solve(d.X_train, d.y_train), d.X_train, d.y_train)
    return not run.diverged and run.train_loss[-1] < best * 1.2


@pytest.mark.parametrize("batch_size", [8, 32, 150])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_suggestion_lies_inside_the_stable_range_and_trains(batch_size, seed):
    d = gdata.regression(n=200, weights=[2.0, -1.0], bias=0.5, noise=0.5, seed=seed)
    limit = stability_limit(d)
    result = rangetest.range_test(
        MODEL, d, lr_min=1e-4, lr_max=10.0, steps=200, batch_size=batch_size, seed=seed
    )
    assert result.method == "minimum"
    assert limit / 20 < result.suggestion < limit
    assert trains_to_near_the_optimum(d, result.suggestion, batch_size, seed)


def test_steepest_suggestion_on_a_full_batch_sweep_is_stable_and_trains():
    for seed in range(3):
        d = gdata.regression(n=200, weights=[2.0, -1.0], bias=0.5, noise=0.5, seed=seed)
        limit = stability_limit(d)
        result = rangetest.range_test(
            MODEL,
            d,
            lr_min=1e-4,
            lr_max=10.0,
            steps=200,
            batch_size=d.n_train,
            method="steepest",
        )
        assert limit / 100 < result.suggestion < limit
        assert trains_to_near_the_optimum(d, result.suggestion, d.n_train, seed)


def test_range_test_with_an_mlp_finishes_and_suggests_a_rate_that_learns():
    d = gdata.two_moons(n=200, noise=0.15, seed=0)
    net = models.MLP([2, 8, 1], task="binary")
    result = rangetest.range_test(
        net, d, lr_min=1e-3, lr_max=100.0, steps=300, batch_size=16
    )
    assert result.exploded and 1e-3 < result.suggestion < result.lrs[-1]
    run = training.train(net, d, lr=result.suggestion, batch_size=16, epochs=20)
    assert run.test_loss[-1] < 0.7 * run.test_loss[0]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(batch_size=0), "batch_size must be an integer in 1..150"),
        (dict(batch_size=151), "batch_size must be an integer in 1..150"),
        (dict(explode=1.0), r"explode must be a number in \(1, inf\)"),
        (dict(method="fast"), "method must be one of"),
        (dict(beta=1.0), "beta must be a number in"),
        (dict(lr_min=1.0, lr_max=0.1), "lr_min must be below lr_max"),
        (dict(steps=1), "steps must be an integer >= 2"),
        (dict(lr_min=1e200, lr_max=1e300), "lower lr_min"),
    ],
)
def test_range_test_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        rangetest.range_test(MODEL, DATA, **kwargs)

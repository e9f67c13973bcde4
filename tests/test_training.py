"""Tests for gdcourse.training: the mini-batch SGD loop and its add-ons.

The PyTorch reference values below (``TORCH_SGD``) were produced by running this
file as a script in an environment with PyTorch (``python tests/test_training.py``);
PyTorch is never needed to run the tests.
"""

import warnings

import numpy as np
import pytest

from gdcourse import data as gdata
from gdcourse import models, optimizers, schedules
from gdcourse.data import Dataset
from gdcourse.training import SWA, EarlyStopping, TrainingResult, evaluate, train

REGRESSION = gdata.regression(n=200, weights=[1.5, -0.5], bias=0.5, noise=0.3, seed=1)
LINEAR = models.LinearRegression(2)


# ---------------------------------------------------------------------------
# a spy model that records which examples each step saw
# ---------------------------------------------------------------------------


class Spy:
    """Linear regression whose first feature is the example's id; records every batch."""

    def __init__(self):
        self.inner = models.LinearRegression(1)
        self.n_params, self.is_classifier = 2, False
        self.batches = []

    def init(self, seed=0):
        return self.inner.init(seed)

    def loss(self, theta, X, y):
        return self.inner.loss(theta, X, y)

    def loss_and_grad(self, theta, X, y):
        self.batches.append(X[:, 0].astype(int).tolist())
        return self.inner.loss_and_grad(theta, X, y)

    def predict(self, theta, X):
        return self.inner.predict(theta, X)

    def accuracy(self, theta, X, y):
        return self.inner.accuracy(theta, X, y)


def id_dataset(n=23):
    ids = np.arange(n, dtype=float)[:, None]
    return Dataset("ids", ids, np.zeros(n), ids[:3], np.zeros(3))


@pytest.mark.parametrize("batch_size", [1, 4, 5, 23])
def test_each_epoch_visits_every_example_exactly_once(batch_size):
    spy = Spy()
    result = train(
        spy, id_dataset(23), lr=1e-4, batch_size=batch_size, epochs=3, seed=0
    )
    per_epoch = -(-23 // batch_size)
    assert result.steps_per_epoch == per_epoch and len(spy.batches) == 3 * per_epoch
    rng = np.random.default_rng(0)
    for epoch in range(3):
        batches = spy.batches[epoch * per_epoch : (epoch + 1) * per_epoch]
        order = sum(batches, [])
        assert sorted(order) == list(range(23))  # every example once
        assert [len(b) for b in batches[:-1]] == [batch_size] * (
            per_epoch - 1
        )  # last one may be short
        assert order == rng.permutation(23).tolist()  # the documented seeded shuffle


def test_drop_last_drops_the_short_batch_and_no_shuffle_keeps_the_order():
    spy = Spy()
    result = train(
        spy,
        id_dataset(23),
        lr=1e-4,
        batch_size=5,
        epochs=2,
        drop_last=True,
        shuffle=False,
    )
    assert result.steps_per_epoch == 4 and result.steps == 8
    assert spy.batches[:4] == [
        [0, 1, 2, 3, 4],
        [5, 6, 7, 8, 9],
        [10, 11, 12, 13, 14],
        [15, 16, 17, 18, 19],
    ]
    assert spy.batches[4:] == spy.batches[:4]


def test_shuffles_differ_between_epochs():
    spy = Spy()
    train(spy, id_dataset(23), lr=1e-4, batch_size=23, epochs=2, seed=0)
    assert spy.batches[0] != spy.batches[1]


# ---------------------------------------------------------------------------
# determinism and the update rule
# ---------------------------------------------------------------------------


def test_same_seed_same_run_other_seed_other_run():
    net = models.MLP([2, 8, 1], activation="tanh", task="binary")
    moons = gdata.two_moons(n=200, seed=0)
    a = train(net, moons, lr=0.3, batch_size=16, epochs=3, seed=5, momentum=0.5)
    b = train(net, moons, lr=0.3, batch_size=16, epochs=3, seed=5, momentum=0.5)
    c = train(net, moons, lr=0.3, batch_size=16, epochs=3, seed=6, momentum=0.5)
    np.testing.assert_array_equal(a.params, b.params)
    np.testing.assert_array_equal(a.step_loss, b.step_loss)
    assert not np.array_equal(a.params, c.params)


def test_full_batch_is_plain_gradient_descent():
    result = train(LINEAR, REGRESSION, lr=0.2, batch_size=REGRESSION.n_train, epochs=25)
    theta = np.zeros(3)
    losses = []
    for _ in range(25):
        losses.append(LINEAR.loss(theta, REGRESSION.X_train, REGRESSION.y_train))
        theta = theta - 0.2 * LINEAR.grad(theta, REGRESSION.X_train, REGRESSION.y_train)
    np.testing.assert_allclose(result.params, theta, rtol=1e-13)
    np.testing.assert_allclose(result.step_loss, losses, rtol=1e-13)
    # with one step per epoch the per-epoch train loss is the next step's loss
    np.testing.assert_allclose(result.train_loss[:-1], losses, rtol=1e-13)
    assert result.steps == 25 and result.steps_per_epoch == 1


def hand_rolled_sgd(model, data, lr, batch_size, epochs, momentum, nesterov, seed):
    """Textbook mini-batch SGD with PyTorch-style momentum, written out step by step."""
    X, y = data.X_train, data.y_train
    rng = np.random.default_rng(seed)
    theta, v = model.init(seed), np.zeros(model.n_params)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            batch = order[start : start + batch_size]
            g = model.grad(theta, X[batch], y[batch])
            v = momentum * v + g
            theta = theta - lr * (g + momentum * v if nesterov else v)
    return theta


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_matches_a_hand_rolled_loop(nesterov):
    result = train(
        LINEAR,
        REGRESSION,
        lr=0.05,
        batch_size=16,
        epochs=4,
        momentum=0.9,
        nesterov=nesterov,
        seed=3,
    )
    expected = hand_rolled_sgd(LINEAR, REGRESSION, 0.05, 16, 4, 0.9, nesterov, 3)
    np.testing.assert_allclose(result.params, expected, rtol=1e-12)
    plain = train(LINEAR, REGRESSION, lr=0.05, batch_size=16, epochs=4, seed=3)
    assert not np.allclose(plain.params, expected)


# Values from torch.optim.SGD (float64), see _torch_reference() at the bottom.
TORCH_SGD = {
    "plain": [0.7781425160077711, -0.2557814329783137, 0.5653427821637723],
    "momentum": [1.922873604411583, -0.6526153983086924, 1.0389932763331073],
    "nesterov": [1.7141298111015717, -0.5815968397436289, 0.8120435042750311],
}
TORCH_SETUP = dict(lr=0.05, batch_size=8, epochs=3, shuffle=False)


@pytest.mark.parametrize("variant", ["plain", "momentum", "nesterov"])
def test_sgd_matches_torch_optim_sgd(variant):
    data = gdata.regression(n=40, weights=[1.5, -0.5], bias=0.5, noise=0.1, seed=3)
    momentum = 0.0 if variant == "plain" else 0.9
    result = train(
        LINEAR, data, momentum=momentum, nesterov=variant == "nesterov", **TORCH_SETUP
    )
    np.testing.assert_allclose(result.params, TORCH_SGD[variant], rtol=1e-10)


def test_loss_decreases_towards_the_least_squares_fit():
    result = train(LINEAR, REGRESSION, lr=0.1, batch_size=10, epochs=30, seed=0)
    best = LINEAR.loss(
        LINEAR.solve(REGRESSION.X_train, REGRESSION.y_train),
        REGRESSION.X_train,
        REGRESSION.y_train,
    )
    assert result.train_loss[0] > 10 * result.train_loss[-1]
    assert np.all(np.diff(result.train_loss[:4]) < 0)
    assert result.train_loss[-1] < 1.05 * best
    np.testing.assert_allclose(result.params[:2], REGRESSION.true_weights, atol=0.1)
    assert result.train_accuracy is None and result.test_accuracy is None
    assert len(result.train_loss) == len(result.test_loss) == 31


def test_a_classifier_learns_two_moons_and_records_accuracy():
    net = models.MLP([2, 16, 1], activation="tanh", task="binary")
    moons = gdata.two_moons(n=300, noise=0.1, seed=0)
    result = train(net, moons, lr=0.5, batch_size=16, epochs=40, momentum=0.9, seed=0)
    assert result.test_accuracy.shape == (41,)
    assert result.train_accuracy[-1] > 0.95 and result.test_accuracy[-1] > 0.95
    assert result.test_accuracy[0] < 0.9


def test_a_schedule_sets_every_step_rate():
    sched = schedules.step_decay(0.2, step_size=7, gamma=0.5)
    result = train(LINEAR, REGRESSION, lr=sched, batch_size=32, epochs=6)
    np.testing.assert_array_equal(result.lrs, sched(np.arange(result.steps)))
    plain_callable = train(
        LINEAR, REGRESSION, lr=lambda t: 0.2 * 0.5 ** (t // 7), batch_size=32, epochs=6
    )
    np.testing.assert_allclose(plain_callable.params, result.params, rtol=1e-14)
    constant = train(LINEAR, REGRESSION, lr=0.2, batch_size=32, epochs=1)
    np.testing.assert_array_equal(constant.lrs, 0.2)


def test_theta0_and_record_path():
    theta0 = np.array([3.0, 3.0, 3.0])
    result = train(
        LINEAR,
        REGRESSION,
        lr=0.1,
        batch_size=50,
        epochs=2,
        theta0=theta0,
        record_path=True,
    )
    np.testing.assert_array_equal(theta0, [3.0, 3.0, 3.0])  # not mutated
    np.testing.assert_array_equal(result.initial_params, theta0)
    assert result.path.shape == (result.steps + 1, 3)
    np.testing.assert_array_equal(result.path[0], theta0)
    np.testing.assert_array_equal(result.path[-1], result.params)
    assert result.train_loss[0] == pytest.approx(
        LINEAR.loss(theta0, REGRESSION.X_train, REGRESSION.y_train)
    )


def test_evaluate_and_result_summary():
    moons = gdata.two_moons(n=100, seed=0)
    model = models.LogisticRegression(2)
    theta = np.array([1.0, -2.0, 0.5])
    metrics = evaluate(model, theta, moons)
    assert metrics == {
        "train_loss": pytest.approx(model.loss(theta, moons.X_train, moons.y_train)),
        "test_loss": pytest.approx(model.loss(theta, moons.X_test, moons.y_test)),
        "train_accuracy": pytest.approx(
            model.accuracy(theta, moons.X_train, moons.y_train)
        ),
        "test_accuracy": pytest.approx(
            model.accuracy(theta, moons.X_test, moons.y_test)
        ),
    }
    result = train(model, moons, lr=0.5, batch_size=25, epochs=2)
    assert isinstance(result, TrainingResult) and result.steps == 6
    assert repr(result).startswith(
        "TrainingResult(epochs=2, steps=6, batch_size=25, final test loss"
    )


# ---------------------------------------------------------------------------
# early stopping and reduce-on-plateau on a constructed run
# ---------------------------------------------------------------------------
# With all features zero only the intercept b moves. Full-batch GD with rate 0.1
# on training targets 100 gives b_e = 100 (1 - 0.9^e) after e epochs; the test
# targets are 30, so the validation loss (b - 30)^2 / 2 is lowest after epoch 3
# (b = 27.1; epoch 4 gives b = 34.39) and grows from then on.

PLATEAU = Dataset(
    "plateau", np.zeros((10, 1)), np.full(10, 100.0), np.zeros((4, 1)), np.full(4, 30.0)
)
ONE = models.LinearRegression(1)


def intercept_after(epochs, lr=0.1):
    return 100.0 * (1.0 - (1.0 - lr) ** epochs)


def test_constructed_run_follows_the_closed_form():
    result = train(ONE, PLATEAU, lr=0.1, epochs=6)
    b = intercept_after(np.arange(7))
    np.testing.assert_allclose(result.test_loss, 0.5 * (b - 30.0) ** 2, rtol=1e-12)
    assert np.argmin(result.test_loss) == 3


@pytest.mark.parametrize("patience", [1, 2, 4])
def test_early_stopping_stops_patience_epochs_after_the_best_and_restores_it(patience):
    result = train(
        ONE, PLATEAU, lr=0.1, epochs=50, early_stopping=EarlyStopping(patience=patience)
    )
    assert result.early_stopped and result.best_epoch == 3
    assert result.stopped_epoch == 3 + patience
    assert len(result.test_loss) == 3 + patience + 1 and result.steps == 3 + patience
    np.testing.assert_allclose(result.params, [0.0, intercept_after(3)], rtol=1e-12)
    np.testing.assert_allclose(result.best_params, result.params)
    np.testing.assert_allclose(
        result.last_params, [0.0, intercept_after(3 + patience)], rtol=1e-12
    )


def test_early_stopping_without_restore_and_with_min_delta():
    kept = train(
        ONE,
        PLATEAU,
        lr=0.1,
        epochs=50,
        early_stopping=EarlyStopping(2, restore_best=False),
    )
    np.testing.assert_array_equal(kept.params, kept.last_params)
    assert kept.best_epoch == 3
    # epochs 2 and 3 improve the validation loss by less than 700: epoch 1 stays the best
    strict = train(
        ONE,
        PLATEAU,
        lr=0.1,
        epochs=50,
        early_stopping=EarlyStopping(2, min_delta=700.0),
    )
    gains = -np.diff(strict.test_loss)
    assert gains[1] < 700 and gains[2] < 700
    assert strict.best_epoch == 1 and strict.stopped_epoch == 3


def test_no_early_stop_when_it_keeps_improving():
    result = train(
        LINEAR, REGRESSION, lr=0.05, epochs=10, early_stopping=EarlyStopping(3)
    )
    assert (
        not result.early_stopped
        and result.stopped_epoch == 10
        and result.best_epoch == 10
    )


def test_reduce_on_plateau_lowers_the_rate_after_patience_bad_epochs():
    plateau = schedules.ReduceOnPlateau(0.1, factor=0.5, patience=1)
    result = train(ONE, PLATEAU, epochs=9, reduce_on_plateau=plateau)
    epoch_lrs = result.lrs  # one step per epoch here
    # epochs 1-3 improve, 4 and 5 do not: after epoch 5 (> patience bad epochs) the rate halves
    np.testing.assert_array_equal(epoch_lrs[:5], 0.1)
    assert epoch_lrs[5] == 0.05
    # the loop feeds exactly the validation losses to the controller
    replay = schedules.ReduceOnPlateau(0.1, factor=0.5, patience=1)
    expected = [0.1] + [replay.step(loss) for loss in result.test_loss[1:-1]]
    np.testing.assert_array_equal(epoch_lrs, expected)
    assert epoch_lrs[-1] < 0.05
    # the caller's object is untouched
    assert plateau.lr == 0.1 and plateau.best == np.inf


def test_reduce_on_plateau_with_early_stopping():
    plateau = schedules.ReduceOnPlateau(0.1, factor=0.5, patience=0)
    result = train(
        ONE,
        PLATEAU,
        epochs=50,
        reduce_on_plateau=plateau,
        early_stopping=EarlyStopping(3),
    )
    assert result.early_stopped and result.best_epoch == 3 and result.stopped_epoch == 6
    np.testing.assert_array_equal(result.lrs, [0.1, 0.1, 0.1, 0.1, 0.05, 0.025])


# ---------------------------------------------------------------------------
# stochastic weight averaging
# ---------------------------------------------------------------------------


def test_swa_averages_the_cached_epoch_iterates():
    result = train(
        LINEAR,
        REGRESSION,
        lr=0.3,
        batch_size=4,
        epochs=12,
        seed=1,
        swa=SWA(start=5, every=2),
        record_path=True,
    )
    np.testing.assert_array_equal(result.swa_counts, [5, 7, 9, 11])
    cached = result.path[result.swa_counts * result.steps_per_epoch]
    np.testing.assert_allclose(result.swa_params, cached.mean(axis=0), rtol=1e-13)
    assert result.swa_test_loss == pytest.approx(
        LINEAR.loss(result.swa_params, REGRESSION.X_test, REGRESSION.y_test)
    )
    # the loss is convex, so the average is no worse than the average iterate (Jensen)
    iterate_losses = [
        LINEAR.loss(theta, REGRESSION.X_train, REGRESSION.y_train) for theta in cached
    ]
    assert result.swa_train_loss <= np.mean(iterate_losses)


def test_swa_by_steps_and_with_its_own_rate():
    result = train(
        LINEAR,
        REGRESSION,
        lr=0.1,
        batch_size=10,
        epochs=3,
        seed=0,
        swa=SWA(start=20, every=5, unit="step", lr=0.02),
        record_path=True,
    )
    np.testing.assert_array_equal(result.swa_counts, [20, 25, 30, 35, 40, 45])
    np.testing.assert_allclose(
        result.swa_params, result.path[result.swa_counts].mean(axis=0), rtol=1e-13
    )
    # step t (from 0) ends at count t + 1: steps 19 on run at the SWA rate
    np.testing.assert_array_equal(result.lrs[:19], 0.1)
    np.testing.assert_array_equal(result.lrs[19:], 0.02)


def test_swa_classifier_metrics_and_absence():
    moons = gdata.two_moons(n=200, seed=0)
    model = models.LogisticRegression(2)
    result = train(model, moons, lr=0.5, batch_size=10, epochs=4, swa=SWA(start=2))
    assert 0.5 < result.swa_test_accuracy <= 1.0
    assert result.swa_train_accuracy == pytest.approx(
        model.accuracy(result.swa_params, moons.X_train, moons.y_train)
    )
    none = train(model, moons, lr=0.5, batch_size=10, epochs=4)
    assert (
        none.swa_params is None
        and none.swa_counts is None
        and none.swa_test_loss is None
    )
    early = train(model, moons, lr=0.5, batch_size=10, epochs=4, swa=SWA(start=10))
    assert early.swa_params is None and len(early.swa_counts) == 0


def test_swa_caches_helper():
    assert [c for c in range(1, 10) if SWA(start=3).caches(c)] == [3, 4, 5, 6, 7, 8, 9]


# ---------------------------------------------------------------------------
# divergence
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model, data",
    [
        (LINEAR, REGRESSION),
        (models.MLP([2, 16, 1], activation="relu", init="he"), REGRESSION),
    ],
)
def test_divergence_is_flagged_quietly(model, data):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = train(model, data, lr=50.0, batch_size=10, epochs=50, momentum=0.9)
    assert result.diverged and result.diverged_step is not None
    assert result.stopped_epoch < 50 and result.steps <= result.diverged_step + 1
    assert np.all(np.isfinite(result.params))
    assert len(result.train_loss) == result.stopped_epoch + 1
    assert "diverged at step" in repr(result)


def test_a_stable_run_is_not_flagged():
    result = train(LINEAR, REGRESSION, lr=0.1, batch_size=10, epochs=3)
    assert not result.diverged and result.diverged_step is None


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [0, -1, 151, 2.5, True])
def test_batch_size_outside_one_to_n(batch_size):
    with pytest.raises(ValueError, match=r"batch_size must be an integer in 1\.\.150"):
        train(LINEAR, REGRESSION, lr=0.1, batch_size=batch_size)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(lr=0.1, epochs=0), "epochs must be an integer >= 1"),
        (dict(lr=0.1, epochs=2.0), "epochs must be an integer >= 1"),
        (dict(lr=0.1, momentum=1.0), r"momentum must be a number in \[0, 1\)"),
        (dict(lr=0.1, momentum=-0.1), r"momentum must be a number in \[0, 1\)"),
        (dict(lr=0.1, nesterov=True), "nesterov=True needs momentum > 0"),
        (dict(), "lr must be given"),
        (dict(lr=-0.1), "lr must be a positive finite number"),
        (dict(lr=np.nan), "lr must be a positive finite number"),
        (
            dict(lr=lambda t: 0.1 - 0.01 * t, epochs=20),
            "lr must be a finite number >= 0 at every step",
        ),
        (
            dict(lr=0.1, reduce_on_plateau=schedules.ReduceOnPlateau(0.1)),
            "lr must be None when reduce_on_plateau",
        ),
        (dict(reduce_on_plateau=0.1), "reduce_on_plateau must be None or"),
        (
            dict(lr=0.1, early_stopping=3),
            "early_stopping must be None or an EarlyStopping",
        ),
        (dict(lr=0.1, swa=5), "swa must be None or an SWA"),
        (
            dict(lr=0.1, theta0=[0.0, 0.0]),
            r"theta0 must be an array of shape \(3,\)",
        ),
        (dict(lr=0.1, theta0=[0.0, np.nan, 0.0]), "theta0 must hold finite numbers"),
    ],
)
def test_train_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        train(LINEAR, REGRESSION, **kwargs)


def test_train_rejects_things_that_are_not_models_or_datasets():
    with pytest.raises(
        ValueError, match="model must follow the gdcourse.models.Model interface"
    ):
        train(lambda theta: 0.0, REGRESSION, lr=0.1)
    with pytest.raises(ValueError, match="data must be a gdcourse.data.Dataset"):
        train(LINEAR, (REGRESSION.X_train, REGRESSION.y_train), lr=0.1)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(patience=0), "patience must be an integer >= 1"),
        (dict(patience=2.0), "patience must be an integer >= 1"),
        (
            dict(patience=2, min_delta=-1.0),
            "min_delta must be a non-negative finite number",
        ),
    ],
)
def test_early_stopping_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        EarlyStopping(**kwargs)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(start=0), "start must be an integer >= 1"),
        (dict(start=2, every=0), "every must be an integer >= 1"),
        (dict(start=2, unit="batch"), r"unit must be one of \('epoch', 'step'\)"),
        (dict(start=2, lr=0.0), "lr must be a positive finite number"),
    ],
)
def test_swa_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SWA(**kwargs)


# ---------------------------------------------------------------------------
# the early-stopping rule as an object
# ---------------------------------------------------------------------------


def test_early_stopping_object_follows_its_rule():
    stopper = EarlyStopping(patience=2, min_delta=0.5)
    losses = [5.0, 4.0, 3.8, 3.4, 3.3, 3.2]
    # gains over the best so far: epoch 2 (-1.0) and 4 (-0.6 vs 4.0) count; 3, 5, 6 do not
    stops = [stopper.step(loss) for loss in losses[:5]]
    assert stops == [False, False, False, False, False]
    assert stopper.best_epoch == 4 and stopper.best == 3.4
    assert stopper.num_bad_epochs == 1 and not stopper.improved
    assert stopper.step(losses[5]) is True and stopper.epoch == 6
    stopper.reset()
    assert stopper.best == np.inf and stopper.best_epoch is None and stopper.epoch == 0


def test_early_stopping_nan_is_no_improvement():
    stopper = EarlyStopping(patience=1)
    assert stopper.step(1.0) is False and stopper.improved
    assert stopper.step(float("nan")) is True and stopper.best_epoch == 1


def test_train_leaves_the_early_stopping_object_alone():
    stopper = EarlyStopping(patience=2)
    first = train(ONE, PLATEAU, lr=0.1, epochs=50, early_stopping=stopper)
    assert stopper.epoch == 0 and stopper.best_epoch is None
    stopper.step(-1.0)  # a used object is reset by train: the run is the same
    again = train(ONE, PLATEAU, lr=0.1, epochs=50, early_stopping=stopper)
    assert again.best_epoch == first.best_epoch == 3
    np.testing.assert_array_equal(again.params, first.params)


# ---------------------------------------------------------------------------
# a validation split
# ---------------------------------------------------------------------------


def test_without_validation_the_test_part_is_monitored():
    plain = train(ONE, PLATEAU, lr=0.1, epochs=50, early_stopping=EarlyStopping(2))
    np.testing.assert_array_equal(plain.val_loss, plain.test_loss)
    same = train(
        ONE,
        PLATEAU,
        lr=0.1,
        epochs=50,
        early_stopping=EarlyStopping(2),
        validation=(PLATEAU.X_test, PLATEAU.y_test),
    )
    for name in ("params", "test_loss", "val_loss", "step_loss"):
        np.testing.assert_array_equal(getattr(same, name), getattr(plain, name))


def test_early_stopping_and_plateau_watch_the_validation_split():
    # validation targets 50: intercepts b_e = 100 (1 - 0.9^e) come closest at e = 7
    X_val, y_val = np.zeros((3, 1)), np.full(3, 50.0)
    result = train(
        ONE,
        PLATEAU,
        lr=0.1,
        epochs=50,
        early_stopping=EarlyStopping(2),
        validation=(X_val, y_val),
    )
    b = intercept_after(np.arange(10))
    assert np.argmin(np.abs(b - 50.0)) == 7
    assert result.best_epoch == 7 and result.stopped_epoch == 9
    np.testing.assert_allclose(result.val_loss, 0.5 * (b - 50.0) ** 2, rtol=1e-12)
    np.testing.assert_allclose(result.test_loss, 0.5 * (b - 30.0) ** 2, rtol=1e-12)
    np.testing.assert_allclose(result.params, [0.0, b[7]], rtol=1e-12)
    # reduce-on-plateau is fed the same validation losses
    plateau = schedules.ReduceOnPlateau(0.1, factor=0.5, patience=0)
    cut = train(
        ONE, PLATEAU, epochs=12, reduce_on_plateau=plateau, validation=(X_val, y_val)
    )
    replay = schedules.ReduceOnPlateau(0.1, factor=0.5, patience=0)
    expected = [0.1] + [replay.step(loss) for loss in cut.val_loss[1:-1]]
    np.testing.assert_array_equal(cut.lrs, expected)
    assert cut.lrs[-1] < 0.1


def test_validation_accuracy_for_a_classifier():
    moons = gdata.two_moons(n=200, seed=0)
    val = gdata.two_moons(n=100, seed=9)
    model = models.LogisticRegression(2)
    result = train(
        model,
        moons,
        lr=0.5,
        batch_size=20,
        epochs=3,
        validation=(val.X_train, val.y_train),
    )
    expected = model.accuracy(result.params, val.X_train, val.y_train)
    assert result.val_accuracy[-1] == pytest.approx(expected)
    assert result.val_accuracy.shape == result.test_accuracy.shape == (4,)


# ---------------------------------------------------------------------------
# any optimizer, gradient clipping
# ---------------------------------------------------------------------------


def hand_rolled(model, data, opt, lr, epochs, clip_norm=None):
    """Full-batch training written directly on gdcourse.optimizers."""
    theta = model.init(0)
    state = opt.init(theta)
    for _ in range(epochs):
        _, g = model.loss_and_grad(theta, data.X_train, data.y_train)
        if clip_norm is not None:
            g = optimizers.clip_by_norm(g, clip_norm)
        theta, state = opt.update(g, state, theta, lr)
    return theta


@pytest.mark.parametrize(
    "opt, clip_norm",
    [
        (optimizers.adam(), None),
        (optimizers.adamw(weight_decay=0.1, amsgrad=True), 0.5),
        (optimizers.rmsprop(centered=True, momentum=0.5), None),
        (optimizers.adagrad(), 0.1),
    ],
    ids=repr,
)
def test_an_optimizer_drives_train(opt, clip_norm):
    result = train(
        LINEAR,
        REGRESSION,
        lr=0.05,
        epochs=15,
        shuffle=False,  # the hand loop sums the examples in their stored order
        optimizer=opt,
        clip_norm=clip_norm,
    )
    expected = hand_rolled(LINEAR, REGRESSION, opt, 0.05, 15, clip_norm)
    np.testing.assert_array_equal(result.params, expected)
    sgd = train(LINEAR, REGRESSION, lr=0.05, epochs=15)
    assert not np.allclose(result.params, sgd.params)


@pytest.mark.parametrize(
    "kwargs", [{"momentum": 0.9}, {"momentum": 0.5, "nesterov": True}]
)
def test_momentum_is_a_shorthand_for_sgd(kwargs):
    short = train(LINEAR, REGRESSION, lr=0.05, batch_size=16, epochs=3, **kwargs)
    explicit = train(
        LINEAR,
        REGRESSION,
        lr=0.05,
        batch_size=16,
        epochs=3,
        optimizer=optimizers.sgd(**kwargs),
    )
    np.testing.assert_array_equal(short.params, explicit.params)
    np.testing.assert_array_equal(short.step_loss, explicit.step_loss)


def test_clipping_bounds_every_sgd_step():
    result = train(
        LINEAR,
        REGRESSION,
        lr=0.1,
        batch_size=8,
        epochs=2,
        clip_norm=0.05,
        record_path=True,
    )
    steps = np.linalg.norm(np.diff(result.path, axis=0), axis=-1)
    assert np.all(steps <= 0.1 * 0.05 * (1 + 1e-12))
    assert steps.max() > 0.1 * 0.05 * 0.99  # the bound is reached: clipping was active


def test_an_optimizer_that_diverges_is_flagged_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = train(
            LINEAR,
            REGRESSION,
            lr=1e300,
            batch_size=10,
            epochs=5,
            optimizer=optimizers.adam(),
        )
    assert result.diverged and result.stopped_epoch < 5


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(optimizer=optimizers.adam(), momentum=0.9), "momentum and nesterov"),
        (dict(optimizer="adam"), "optimizer must be None or a gdcourse.optimizers"),
        (dict(clip_norm=0.0), "clip_norm must be a positive finite number"),
        (dict(validation=5), r"validation must be None or a pair \(X, y\)"),
        (
            dict(validation=(np.zeros((3, 2)), np.zeros(4))),
            r"validation y must be an array of shape \(3,\)",
        ),
        (
            dict(validation=(np.full((3, 2), np.nan), np.zeros(3))),
            "validation X must hold finite numbers",
        ),
    ],
)
def test_bad_optimizer_and_validation_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        train(LINEAR, REGRESSION, lr=0.1, **kwargs)


# ---------------------------------------------------------------------------
# regenerating the PyTorch reference values (needs torch; not run by pytest)
# ---------------------------------------------------------------------------


def _torch_reference():
    import torch

    data = gdata.regression(n=40, weights=[1.5, -0.5], bias=0.5, noise=0.1, seed=3)
    X = torch.tensor(np.asarray(data.X_train), dtype=torch.float64)
    y = torch.tensor(np.asarray(data.y_train), dtype=torch.float64)
    out = {}
    for variant, momentum in [("plain", 0.0), ("momentum", 0.9), ("nesterov", 0.9)]:
        theta = torch.zeros(3, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD(
            [theta],
            lr=TORCH_SETUP["lr"],
            momentum=momentum,
            nesterov=variant == "nesterov",
        )
        for _ in range(TORCH_SETUP["epochs"]):
            for start in range(0, len(X), TORCH_SETUP["batch_size"]):
                Xb, yb = (
                    X[start : start + TORCH_SETUP["batch_size"]],
                    y[start : start + TORCH_SETUP["batch_size"]],
                )
                opt.zero_grad()
                loss = 0.5 * torch.mean((Xb @ theta[:2] + theta[2] - yb) ** 2)
                loss.backward()
                opt.step()
        out[variant] = theta.detach().numpy().tolist()
    return out


if __name__ == "__main__":
    for name, values in _torch_reference().items():
        print(f"    {name!r}: {values!r},")


# ---------------------------------------------------------------------------
# several seeds as one run
# ---------------------------------------------------------------------------


def assert_same_result(a, b):
    """Every field of two TrainingResults equal, bit for bit (nan equal to nan)."""
    for name in TrainingResult.__dataclass_fields__:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            assert np.array_equal(x, y, equal_nan=True), name
        else:
            assert x == y or (x != x and y != y), name


def _moons():
    return gdata.standardize(gdata.two_moons(n=200, noise=0.25, seed=0))


def _spirals_split():
    spirals = gdata.spirals(n=150, classes=3, seed=0)
    return spirals, (spirals.X_train[:30], spirals.y_train[:30])


SEEDED_CASES = {
    "sgd, cosine schedule": lambda: (
        models.MLP([2, 8, 8, 1], activation="tanh", task="binary"),
        _moons(),
        dict(lr=schedules.cosine(0.5, total_steps=150), batch_size=16, epochs=12),
    ),
    "nesterov, last batch dropped": lambda: (
        models.MLP([2, 6, 1], activation="relu", task="binary"),
        _moons(),
        dict(
            lr=0.2, momentum=0.9, nesterov=True, batch_size=24, drop_last=True, epochs=8
        ),
    ),
    "adam, clipped, path recorded": lambda: (
        models.MLP([2, 6, 1], activation="sigmoid", task="binary"),
        _moons(),
        dict(
            lr=0.05,
            optimizer=optimizers.adam(),
            clip_norm=0.5,
            batch_size=32,
            epochs=5,
            record_path=True,
        ),
    ),
    "plateau and early stopping on a validation split": lambda: (
        models.MLP([2, 8, 3], activation="tanh", task="multiclass"),
        _spirals_split()[0],
        dict(
            reduce_on_plateau=schedules.ReduceOnPlateau(1.0, factor=0.5, patience=1),
            early_stopping=EarlyStopping(patience=2),
            validation=_spirals_split()[1],
            batch_size=20,
            epochs=40,
        ),
    ),
    "swa by epochs": lambda: (
        models.MLP([2, 8, 1], activation="tanh", task="binary"),
        _moons(),
        dict(lr=0.5, swa=SWA(start=4, every=2), batch_size=25, epochs=10),
    ),
    "swa by steps with its own rate": lambda: (
        models.MLP([2, 8, 1], activation="tanh", task="binary"),
        _moons(),
        dict(
            lr=0.5,
            swa=SWA(start=30, every=7, unit="step", lr=0.05),
            batch_size=25,
            epochs=10,
        ),
    ),
    "some seeds diverge, at different steps": lambda: (
        models.MLP([1, 8, 1], activation="tanh", task="regression"),
        gdata.regression(n=120, weights=2.0, bias=1.0, noise=0.5, seed=0),
        dict(lr=1.4, batch_size=16, epochs=30),
    ),
    "a model that takes one row at a time": lambda: (
        models.LogisticRegression(2),
        _moons(),
        dict(lr=schedules.step_decay(1.0, step_size=20), batch_size=10, epochs=6),
    ),
}


@pytest.mark.parametrize("case", SEEDED_CASES)
def test_several_seeds_at_once_are_each_their_own_run(case):
    model, dataset, options = SEEDED_CASES[case]()
    seeds = [3, 4, 0, 5]
    together = train(model, dataset, seed=seeds, **options)
    assert isinstance(together, list) and len(together) == len(seeds)
    for seed, result in zip(seeds, together):
        assert_same_result(result, train(model, dataset, seed=seed, **options))
    if case.startswith("some seeds diverge"):
        steps = [r.diverged_step for r in together]
        assert None in steps and len(set(steps)) > 2  # the rows stop at different times
    if case.startswith("plateau"):
        assert len({r.stopped_epoch for r in together}) > 1
        assert len({tuple(r.lrs) for r in together}) > 1  # each row its own rate


def test_seeds_as_any_sequence_and_one_seed_as_a_list():
    model, dataset = models.MLP([2, 4, 1], task="binary"), _moons()
    options = dict(lr=0.3, batch_size=50, epochs=2)
    by_range = train(model, dataset, seed=range(2), **options)
    by_array = train(model, dataset, seed=np.array([0, 1]), **options)
    for a, b in zip(by_range, by_array):
        assert_same_result(a, b)
    (alone,) = train(model, dataset, seed=[5], **options)
    assert_same_result(alone, train(model, dataset, seed=5, **options))


@pytest.mark.parametrize("seed", [-1, 1.5, "0", [], [0, -2], [0, None], True])
def test_bad_seeds(seed):
    model, dataset = models.MLP([2, 4, 1], task="binary"), _moons()
    with pytest.raises(ValueError, match="seed must be"):
        train(model, dataset, lr=0.1, seed=seed)


def test_several_rates_and_seeds_at_once_are_each_their_own_run():
    model, dataset = models.MLP([2, 6, 1], activation="tanh", task="binary"), _moons()
    rates = [0.3, schedules.cosine(1.0, total_steps=40), schedules.constant(0.05)]
    options = dict(batch_size=40, epochs=8, momentum=0.5)
    grid = train(model, dataset, lr=rates, seed=[2, 0], **options)
    assert [len(row) for row in grid] == [2, 2, 2]
    for rate, row in zip(rates, grid):
        for seed, result in zip([2, 0], row):
            assert_same_result(
                result, train(model, dataset, lr=rate, seed=seed, **options)
            )
    by_rate = train(model, dataset, lr=rates, seed=2, **options)
    for result, row in zip(by_rate, grid):
        assert_same_result(result, row[0])
    with pytest.raises(ValueError, match="non-empty list"):
        train(model, dataset, lr=[], **options)
    with pytest.raises(
        ValueError, match="lr must be a positive finite number or a schedule"
    ):
        train(model, dataset, lr=[0.1, -1.0], **options)

"""Tests of the chapter-6 checkers in gdcourse.exercises."""

import numpy as np
import pytest

from gdcourse import exercises, schedules
from gdcourse.exercises import schedules as ch6


def cosine_warmup(t, lr_max, warmup_steps, total_steps):
    ramp = lr_max * (t + 1) / (warmup_steps + 1)
    progress = np.maximum(t - warmup_steps, 0) / (total_steps - warmup_steps)
    return np.where(
        t < warmup_steps, ramp, 0.5 * lr_max * (1 + np.cos(np.pi * progress))
    )


def test_cosine_warmup_reference_is_the_closed_form():
    t = np.arange(50)
    expected = cosine_warmup(t, 0.7, 8, 50)
    np.testing.assert_allclose(ch6._cosine_warmup(t, 0.7, 8, 50), expected, rtol=1e-12)
    # boundaries: the ramp reaches lr_max at t = W, the cosine reaches 0 at t = T
    sched = schedules.warmup(schedules.cosine(0.7, 42), 8)
    assert sched(8) == 0.7 and sched(50) < 1e-15


def test_cosine_warmup_accepts_a_right_answer():
    result = exercises.check_cosine_warmup(cosine_warmup)
    assert result.ok and result.passed == result.total == 4


def test_cosine_warmup_reports_wrong_answers_in_words():
    starter = exercises.check_cosine_warmup(lambda t, lr_max, w, total: None)
    assert not starter.ok and starter.passed == 0 and "returned None" in starter.failure

    # a common slip: the cosine over all T steps instead of the T - W after the warmup
    def slip(t, lr_max, w, total):
        return np.where(
            t < w,
            lr_max * (t + 1) / (w + 1),
            0.5 * lr_max * (1 + np.cos(np.pi * (t - w) / total)),
        )

    result = exercises.check_cosine_warmup(slip)
    assert not result.ok and "the numbers differ" in result.failure
    crash = exercises.check_cosine_warmup(lambda t, lr_max, w, total: 1 / 0)
    assert "ZeroDivisionError" in crash.failure


def early_stopping(val_losses, patience):
    best, best_epoch, wait = np.inf, 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
        if wait == patience:
            return best_epoch, epoch
    return best_epoch, len(val_losses)


def test_early_stopping_reference_by_hand():
    ref = ch6._early_stopping
    assert ref([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9], 3) == (3, 6)
    assert ref([1.0, 0.9, 0.8], 2) == (3, 3)  # never stops early
    assert ref([0.5, 0.5, 0.5, 0.4], 2) == (1, 3)  # equal is not better
    assert ref([0.5, 0.6, 0.4], 1) == (1, 2)


def test_early_stopping_reference_agrees_with_the_training_loop():
    # the training loop's EarlyStopping sees validation losses; replay them through the reference
    from gdcourse import data as gdata
    from gdcourse import models, training

    d = gdata.standardize(gdata.two_moons(n=200, noise=0.3, seed=0))
    net = models.MLP([2, 8, 1], activation="tanh", task="binary")
    full = training.train(net, d, lr=2.0, batch_size=10, epochs=60, seed=3)
    stopped = training.train(
        net,
        d,
        lr=2.0,
        batch_size=10,
        epochs=60,
        seed=3,
        early_stopping=training.EarlyStopping(patience=4),
    )
    best, stop = ch6._early_stopping(full.test_loss[1:], 4)
    assert (stopped.best_epoch, stopped.stopped_epoch) == (best, stop)


def test_early_stopping_checker():
    assert exercises.check_early_stopping(early_stopping).ok
    starter = exercises.check_early_stopping(lambda v, p: None)
    assert not starter.ok and "returned None" in starter.failure

    # off by one: stopping when the counter exceeds patience
    def late(val_losses, patience):
        return early_stopping(val_losses, patience + 1)

    assert not exercises.check_early_stopping(late).ok


def diagnosis(result):
    last = repr(result).splitlines()[-1].strip()
    return last if last.startswith("It looks like") else None


def test_cosine_warmup_names_each_classic_mistake():
    def over_all_steps(t, lr_max, w, total):
        return np.where(
            t < w,
            lr_max * (t + 1) / (w + 1),
            0.5 * lr_max * (1 + np.cos(np.pi * (t - w) / total)),
        )

    def ramp_from_zero(t, lr_max, w, total):
        return np.where(t < w, lr_max * t / w, cosine_warmup(t, lr_max, w, total))

    cases = [
        (over_all_steps, "a cosine over all total_steps"),
        (ramp_from_zero, "a warmup ramp that starts at 0"),
        (
            lambda t, lr_max, w, total: cosine_warmup(t, 1.0, w, total),
            "divided by lr_max",
        ),
    ]
    for wrong, named in cases:
        result = exercises.check_cosine_warmup(wrong)
        assert not result.ok and named in diagnosis(result), named


def test_early_stopping_names_each_classic_mistake():
    def late(val_losses, patience):
        return early_stopping(val_losses, patience + 1)

    def from_zero(val_losses, patience):
        best, stop = early_stopping(val_losses, patience)
        return best - 1, stop - 1

    def equal_improves(val_losses, patience):
        best, best_epoch, wait = np.inf, 0, 0
        for epoch, loss in enumerate(val_losses, start=1):
            if loss <= best:
                best, best_epoch, wait = loss, epoch, 0
            else:
                wait += 1
            if wait == patience:
                return best_epoch, epoch
        return best_epoch, len(val_losses)

    def stop_at_best(val_losses, patience):
        best, stop = early_stopping(val_losses, patience)
        return best, best

    cases = [
        (late, "a stop one epoch late"),
        (from_zero, "epochs counted from 0"),
        (equal_improves, "a loss equal to the best counted as an improvement"),
        (stop_at_best, "best_epoch is right but stop_epoch is wrong"),
    ]
    for wrong, named in cases:
        result = exercises.check_early_stopping(wrong)
        assert not result.ok and named in diagnosis(result), named
    assert repr(exercises.check_early_stopping(early_stopping)) == (
        "All 5 cases passed: early_stopping(val_losses, patience) is right."
    )


def test_early_stopping_reference_is_training_early_stopping_on_random_runs():
    # the reference drives gdcourse.training.EarlyStopping; the rule written out
    # by hand (early_stopping above) must agree on runs with ties and plateaus
    rng = np.random.default_rng(6)
    for _ in range(300):
        losses = np.round(rng.uniform(0, 1, size=rng.integers(1, 15)), 1)
        patience = int(rng.integers(1, 5))
        assert ch6._early_stopping(losses, patience) == early_stopping(losses, patience)


def noise_floor(lr, lams, sigma):
    return float(np.sum(lr * sigma**2 / (2 * (2 - lr * lams))))


def test_noise_floor_reference_is_the_closed_form_and_the_theory():
    lams = np.array([0.1, 1.0, 3.0])
    for lr, sigma in [(0.1, 1.0), (0.5, 0.3), (0.6, 2.0)]:
        expected = noise_floor(lr, lams, sigma)
        assert ch6._noise_floor(lr, lams, sigma) == pytest.approx(expected, rel=1e-12)


def test_noise_floor_accepts_a_right_answer():
    result = exercises.check_noise_floor(noise_floor)
    assert result.ok and result.passed == result.total == 5


@pytest.mark.parametrize(
    "wrong, words",
    [
        (lambda lr, lams, s: len(lams) * lr * s**2 / 4, "small-rate approximation"),
        (
            lambda lr, lams, s: noise_floor(lr, lams, np.sqrt(s)),
            "sigma where its square",
        ),
        (
            lambda lr, lams, s: float(np.sum(lr * s**2 / (lams * (2 - lr * lams)))),
            "variance of the weights",
        ),
        (lambda lr, lams, s: 2 * noise_floor(lr, lams, s), "the 1/2 of the loss"),
    ],
)
def test_noise_floor_names_the_classic_mistakes(wrong, words):
    result = exercises.check_noise_floor(wrong)
    assert not result.ok and words in result.failure


def test_noise_floor_starter_and_crash_are_reported():
    starter = exercises.check_noise_floor(lambda lr, lams, sigma: None)
    assert not starter.ok and "returned None" in starter.failure
    crash = exercises.check_noise_floor(lambda lr, lams, sigma: 1 / 0)
    assert "ZeroDivisionError" in crash.failure

"""Tests of the chapter-5 checker in gdcourse.exercises.batch_size."""

import numpy as np
import pytest

from gdcourse import batching, exercises, models
from gdcourse.exercises import batch_size


def _minibatch_gradient(w, X, y, idx):
    X_b, y_b = X[idx], y[idx]
    return X_b.T @ (X_b @ w - y_b) / len(idx)


def test_minibatch_checker_accepts_a_correct_answer():
    result = exercises.check_minibatch_gradient(_minibatch_gradient)
    assert result.ok and result.total == 4


def test_minibatch_checker_reference_agrees_with_the_model_per_example_gradients():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 1)), rng.normal(size=20)
    A, theta, idx = np.c_[X, np.ones(20)], np.array([0.3, -0.7]), np.array([2, 9, 15])
    per_example = models.LinearRegression(1).per_example_grads(theta, X, y)
    np.testing.assert_allclose(
        batch_size._minibatch_gradient(theta, A, y, idx), per_example[idx].mean(axis=0)
    )


def test_minibatch_checker_catches_common_mistakes():
    full_gradient = lambda w, X, y, idx: X.T @ (X @ w - y) / len(y)  # ignores idx
    summed = lambda w, X, y, idx: X[idx].T @ (X[idx] @ w - y[idx])  # forgets the mean
    over_n = lambda w, X, y, idx: (
        X[idx].T @ (X[idx] @ w - y[idx]) / len(y)
    )  # divides by n
    for wrong in (full_gradient, summed, over_n):
        result = exercises.check_minibatch_gradient(wrong)
        assert not result.ok and "the numbers differ" in result.failure
    assert (
        "returned None" in exercises.check_minibatch_gradient(lambda *a: None).failure
    )


def diagnosis(result):
    last = repr(result).splitlines()[-1].strip()
    return last if last.startswith("It looks like") else None


def test_minibatch_checker_names_each_classic_mistake():
    cases = [
        (lambda w, X, y, idx: X.T @ (X @ w - y) / len(y), "the full gradient"),
        (
            lambda w, X, y, idx: X[idx].T @ (X[idx] @ w - y[idx]),
            "the expected answer times B (the batch size)",
        ),
        (
            lambda w, X, y, idx: X[idx].T @ (X[idx] @ w - y[idx]) / len(y),
            "divided by N/B",
        ),
        (
            lambda w, X, y, idx: X[idx].T @ (y[idx] - X[idx] @ w) / len(idx),
            "the opposite sign",
        ),
        (
            lambda w, X, y, idx: _minibatch_gradient(w, X, y, idx)[:, None],
            "the right numbers in the wrong shape",
        ),
    ]
    for wrong, named in cases:
        result = exercises.check_minibatch_gradient(wrong)
        assert not result.ok and named in diagnosis(result), named
    assert repr(exercises.check_minibatch_gradient(_minibatch_gradient)) == (
        "All 4 cases passed: minibatch_gradient(w, X, y, idx) is right."
    )


def test_fpc_factor_reference_matches_the_measured_variance_law():
    G = np.random.default_rng(0).normal(size=(40, 2))
    for B in (1, 7, 39, 40):
        with_fpc = batching.gradient_variance_theory(G, B)
        without = batching.gradient_variance_theory(G, B, replace=True)
        assert batch_size._fpc_factor(40, B) * without == pytest.approx(with_fpc)


def test_fpc_factor_accepts_a_right_answer_and_names_the_classic_mistakes():
    result = exercises.check_fpc_factor(lambda N, B: (N - B) / (N - 1))
    assert result.ok and result.passed == result.total == 5
    for wrong, words in [
        (lambda N, B: (N - B) / N, "denominator N"),
        (lambda N, B: B / N, "share of the data set"),
        (lambda N, B: (N - 1) / (N - B), "reciprocal of the correction"),
        (
            lambda N, B: np.divide(N - 1.0, N - B) if B < N else np.inf,
            "reciprocal of the correction",
        ),
        (lambda N, B: ((N - B) / (N - 1)) ** 0.5, "standard deviation"),
        (lambda N, B: (N - B) / (N - 1) / B, "the 1/B of the plain law"),
    ]:
        result = exercises.check_fpc_factor(wrong)
        assert not result.ok and words in result.failure, words
    starter = exercises.check_fpc_factor(lambda N, B: None)
    assert not starter.ok and "returned None" in starter.failure


def test_fpc_factor_names_nothing_for_an_answer_off_in_another_way():
    # a plausible slip with no single cause: no diagnosis, only the numbers
    result = exercises.check_fpc_factor(lambda N, B: (N - B) / (N + 1))
    assert not result.ok and "It looks like" not in repr(result)

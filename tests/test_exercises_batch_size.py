"""Tests of the chapter-5 and chapter-8 checkers in gdcourse.exercises."""

import numpy as np

from gdcourse import exercises, models


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
        exercises._minibatch_gradient(theta, A, y, idx), per_example[idx].mean(axis=0)
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


def _sigmoid_backward(x, W, b, grad_a):
    a = 1 / (1 + np.exp(-(x @ W + b)))
    return x.T @ (grad_a * a * (1 - a))


def test_sigmoid_checker_accepts_a_correct_answer():
    assert exercises.check_sigmoid_layer_backward(_sigmoid_backward).ok


def test_sigmoid_checker_reference_against_finite_differences():
    rng = np.random.default_rng(3)
    x, W, b, upstream = (
        rng.normal(size=(4, 3)),
        rng.normal(size=(3, 2)),
        rng.normal(size=2),
        rng.normal(size=(4, 2)),
    )
    loss = lambda W_: np.sum(upstream * models.sigmoid(x @ W_ + b))  # dL/da = upstream
    h, fd = 1e-6, np.zeros_like(W)
    for i in np.ndindex(W.shape):
        E = np.zeros_like(W)
        E[i] = h
        fd[i] = (loss(W + E) - loss(W - E)) / (2 * h)
    np.testing.assert_allclose(
        exercises._sigmoid_layer_backward(x, W, b, upstream), fd, rtol=1e-6, atol=1e-9
    )


def test_sigmoid_checker_catches_common_mistakes():
    no_slope = lambda x, W, b, g: x.T @ g  # forgets sigma'
    wrong_slope = lambda x, W, b, g: (
        x.T @ (g * _sig(x @ W + b))
    )  # uses sigma, not sigma'
    transposed = lambda x, W, b, g: (
        (x.T @ (g * _sig(x @ W + b) * (1 - _sig(x @ W + b)))).T
    )
    for wrong in (no_slope, wrong_slope):
        result = exercises.check_sigmoid_layer_backward(wrong)
        assert not result.ok and "the numbers differ" in result.failure
    assert not exercises.check_sigmoid_layer_backward(transposed).ok


def _sig(z):
    return 1 / (1 + np.exp(-z))

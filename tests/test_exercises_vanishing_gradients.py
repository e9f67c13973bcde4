"""Tests of the chapter-8 checker in gdcourse.exercises.vanishing_gradients."""

import numpy as np

from gdcourse import exercises, models
from gdcourse.exercises import vanishing_gradients


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
        vanishing_gradients._sigmoid_layer_backward(x, W, b, upstream),
        fd,
        rtol=1e-6,
        atol=1e-9,
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

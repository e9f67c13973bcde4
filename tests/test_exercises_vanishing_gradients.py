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


def diagnosis(result):
    last = repr(result).splitlines()[-1].strip()
    return last if last.startswith("It looks like") else None


def test_sigmoid_checker_names_each_classic_mistake():
    cases = [
        (lambda x, W, b, g: x.T @ g, "the sigmoid's slope is missing"),
        (
            lambda x, W, b, g: x.T @ (g * _sig(x @ W + b)),
            "sigma(z) where its derivative",
        ),
        (lambda x, W, b, g: -_sigmoid_backward(x, W, b, g), "the opposite sign"),
        (lambda x, W, b, g: _sigmoid_backward(x, W, b, g) / len(x), "divided by n"),
    ]
    for wrong, named in cases:
        result = exercises.check_sigmoid_layer_backward(wrong)
        assert not result.ok and named in diagnosis(result), named
    # transposed: right numbers, wrong axes (the 1 x 1 case passes)
    transposed = exercises.check_sigmoid_layer_backward(
        lambda x, W, b, g: _sigmoid_backward(x, W, b, g).T
    )
    assert "the transpose" in diagnosis(transposed) or "where a" in diagnosis(
        transposed
    )


def test_he_variance_checker():
    assert repr(exercises.check_he_variance(lambda n: 2 / n)) == (
        "All 5 cases passed: he_variance(fan_in) is right."
    )
    cases = [
        (lambda n: 1 / n, "the expected answer divided by 2"),
        (lambda n: np.sqrt(2 / n), "the standard deviation where the variance"),
        (lambda n: n / 2, "the reciprocal"),
        (lambda n: np.full(n, 2 / n), "an array where a single number"),
    ]
    for wrong, named in cases:
        result = exercises.check_he_variance(wrong)
        assert not result.ok and named in diagnosis(result), named


def test_he_variance_matches_the_he_initialisation_and_keeps_relu_signals_steady():
    fan_in = 400
    variance = vanishing_gradients._he_variance(fan_in)
    assert np.isclose(variance, 2 / fan_in, rtol=1e-12)
    # the weights gdcourse draws have that variance
    (W, _), *_ = models.init_params([fan_in, 300, 1], "he", seed=1)
    assert abs(W.var() / variance - 1) < 0.02
    # and through ten ReLU layers the mean square of the signal neither vanishes nor explodes
    rng = np.random.default_rng(0)
    a = rng.normal(size=(2000, fan_in))
    square = [np.mean(a**2)]
    for _ in range(10):
        W = rng.normal(scale=np.sqrt(variance), size=(fan_in, fan_in))
        a = np.maximum(a @ W, 0.0)
        square.append(np.mean(a**2))
    # the first ReLU halves a normal input's mean square; afterwards it stays
    # within a factor 2 (finite width makes it wander), far from 2**-9
    ratios = np.array(square[2:]) / square[1]
    assert np.all((ratios > 0.5) & (ratios < 2.0))
    # with 1/fan_in it halves at every layer
    a = rng.normal(size=(2000, fan_in))
    for _ in range(10):
        a = np.maximum(
            a @ rng.normal(scale=np.sqrt(1 / fan_in), size=(fan_in, fan_in)), 0
        )
    assert np.mean(a**2) < 0.01

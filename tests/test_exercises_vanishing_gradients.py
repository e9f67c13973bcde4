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
    loss = lambda W_: np.sum(upstream * models.sigmoid(x @ W_ + b))  # df/da = upstream
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


def _delta(x, W, b, g):
    a = _sig(x @ W + b)
    return g * a * (1 - a)


def test_sigmoid_checker_names_each_classic_mistake():
    cases = [
        (lambda x, W, b, g: x.T @ g, "the sigmoid's slope is missing"),
        (
            lambda x, W, b, g: x.T @ (g * _sig(x @ W + b)),
            "sigma(z) where its derivative",
        ),
        (
            lambda x, W, b, g: x.T @ (g * (x @ W + b) * (1 - (x @ W + b))),
            "the slope computed from the pre-activation z",
        ),
        (
            lambda x, W, b, g: x.T @ (g * _sig(x @ W) * (1 - _sig(x @ W))),
            "a pre-activation without its bias",
        ),
        (_delta, "the layer's delta df/dz"),
        (lambda x, W, b, g: _delta(x, W, b, g) @ W.T, "delta W^T, the gradient"),
        (lambda x, W, b, g: -_sigmoid_backward(x, W, b, g), "the opposite sign"),
        (lambda x, W, b, g: _sigmoid_backward(x, W, b, g) / len(x), "divided by n"),
        (lambda x, W, b, g: _sigmoid_backward(x, W, b, g) * len(x), "times n"),
        (lambda x, W, b, g: _sigmoid_backward(x, W, b, g).T, "the transpose"),
    ]
    for wrong, named in cases:
        result = exercises.check_sigmoid_layer_backward(wrong)
        assert not result.ok and named in diagnosis(result), named


def test_sigmoid_checker_hints_point_each_factor_its_own_way():
    too_small = exercises.check_sigmoid_layer_backward(
        lambda x, W, b, g: _sigmoid_backward(x, W, b, g) / len(x)
    )
    too_large = exercises.check_sigmoid_layer_backward(
        lambda x, W, b, g: _sigmoid_backward(x, W, b, g) * len(x)
    )
    assert "no extra mean" in diagnosis(too_small)
    assert "no extra mean" not in diagnosis(too_large)
    assert "no extra factor" in diagnosis(too_large)


def test_sigmoid_checker_first_case_tells_the_shapes_apart():
    # n, m, k all differ in the first case: a delta (n, k), an input gradient
    # (n, m) and a transpose (k, m) each show in the shape already
    report = repr(exercises.check_sigmoid_layer_backward(_delta))
    assert "Case 1:" in report and "has shape (2, 1), expected shape (3, 1)" in report


def test_sigmoid_checker_hints_name_the_missing_factor_and_both_signs():
    # sigma alone lacks (1 - a); 1 - sigma alone lacks a
    no_one_minus = diagnosis(
        exercises.check_sigmoid_layer_backward(
            lambda x, W, b, g: x.T @ (g * _sig(x @ W + b))
        )
    )
    no_a = diagnosis(
        exercises.check_sigmoid_layer_backward(
            lambda x, W, b, g: x.T @ (g * (1 - _sig(x @ W + b)))
        )
    )
    assert "a factor (1 - a) is missing" in no_one_minus
    assert "a factor a is missing" in no_a
    # a slope a (a - 1) and a returned descent step both flip the sign:
    # the hint names both readings, not only the slope
    for wrong in (
        lambda x, W, b, g: x.T @ (g * _sig(x @ W + b) * (_sig(x @ W + b) - 1)),
        lambda x, W, b, g: -_sigmoid_backward(x, W, b, g),
    ):
        said = diagnosis(exercises.check_sigmoid_layer_backward(wrong))
        assert "the opposite sign" in said
        assert "is positive" in said and "not the descent step" in said


def test_sigmoid_checker_gives_no_diagnosis_to_an_unrecognised_answer():
    result = exercises.check_sigmoid_layer_backward(lambda x, W, b, g: x.T @ (g * 0.25))
    assert not result.ok and diagnosis(result) is None
    assert "the numbers differ" in result.failure


def _leaky(n, alpha):
    return 2 / ((1 + alpha**2) * n)


def test_he_variance_checker():
    assert repr(exercises.check_he_variance(_leaky)) == (
        "All 5 cases passed: he_variance(fan_in, alpha) is right."
    )
    cases = [
        (lambda n, a: 2 / n, "the ReLU's variance 2/fan_in, whatever the slope"),
        (lambda n, a: 1 / n, "1/fan_in, the variance of a layer that keeps"),
        (lambda n, a: 2 / ((1 + a) * n), "the slope alpha where its square belongs"),
        (
            lambda n, a: np.sqrt(_leaky(n, a)),
            "the standard deviation where the variance",
        ),
        (lambda n, a: 1 / _leaky(n, a), "the reciprocal"),
        (lambda n, a: 2 * _leaky(n, a), "the expected answer times 2"),
        (lambda n, a: _leaky(n, a) / 2, "the expected answer divided by 2"),
        (lambda n, a: np.full(n, _leaky(n, a)), "an array where a single number"),
    ]
    for wrong, named in cases:
        result = exercises.check_he_variance(wrong)
        assert not result.ok and named in diagnosis(result), named
    # the two factors of 2 get hints that point opposite ways
    over = diagnosis(exercises.check_he_variance(lambda n, a: 2 * _leaky(n, a)))
    under = diagnosis(exercises.check_he_variance(lambda n, a: _leaky(n, a) / 2))
    assert "not twice" in over and "make up for it" in under
    # an unrecognised answer gets the plain report
    plain = exercises.check_he_variance(lambda n, a: 2 / (n + 1))
    assert not plain.ok and diagnosis(plain) is None


def test_he_variance_matches_the_he_initialisation_and_keeps_relu_signals_steady():
    fan_in = 400
    variance = vanishing_gradients._leaky_he_variance(fan_in, 0.0)
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


def _leaky_relu_square(alpha, variance, fan_in=400, layers=10, seed=0):
    """Mean square of the pre-activations z_1 .. z_layers of a leaky-ReLU stack."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(2000, fan_in))
    squares = []
    for _ in range(layers):
        a = np.where(z > 0, z, alpha * z)
        z = a @ rng.normal(scale=np.sqrt(variance), size=(fan_in, fan_in))
        squares.append(np.mean(z**2))
    return np.array(squares)


def test_leaky_he_variance_keeps_a_leaky_relu_signal_steady():
    fan_in = 400
    for alpha in (0.2, 0.5, 1.0):
        variance = vanishing_gradients._leaky_he_variance(fan_in, alpha)
        assert np.isclose(variance, 2 / ((1 + alpha**2) * fan_in), rtol=1e-12)
        # the measured factor per layer is 1 (finite width makes it wander)
        squares = _leaky_relu_square(alpha, variance, fan_in)
        factor = (squares[-1] / squares[0]) ** (1 / (len(squares) - 1))
        assert abs(factor - 1) < 0.05, (alpha, factor)
        # and the ReLU's variance makes it grow by (1 + alpha^2) per layer
        grown = _leaky_relu_square(alpha, 2 / fan_in, fan_in)
        factor = (grown[-1] / grown[0]) ** (1 / (len(grown) - 1))
        assert abs(factor / (1 + alpha**2) - 1) < 0.05, (alpha, factor)

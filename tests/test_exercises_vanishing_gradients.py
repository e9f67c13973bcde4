"""Tests of the chapter-8 checker in gdcourse.exercises.vanishing_gradients."""

import numpy as np
import pytest

from gdcourse import data, exercises, models
from gdcourse.exercises import vanishing_gradients
from gdcourse.exercises.vanishing_gradients import PATIENT


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


# ---------------------------------------------------------------------------
# Exercise 8.5: clipping a gradient by its norm
# ---------------------------------------------------------------------------


def test_clip_reference_is_the_packages_and_keeps_direction_and_short_gradients():
    from gdcourse import optimizers

    g = np.array([6.0, -8.0])
    out = vanishing_gradients._clip_by_norm(g, 2.0)
    np.testing.assert_allclose(out, optimizers.clip_by_norm(g, 2.0))
    np.testing.assert_allclose(np.linalg.norm(out), 2.0, rtol=1e-6)
    np.testing.assert_allclose(out / np.linalg.norm(out), g / 10.0)
    short = np.array([0.3, 0.4])
    np.testing.assert_allclose(vanishing_gradients._clip_by_norm(short, 1.0), short)


def test_correct_clippings_pass():
    def with_min(g, max_norm):
        norm = np.linalg.norm(g)
        return g * min(1.0, max_norm / norm) if norm > 0 else g

    def with_if(g, max_norm):
        norm = np.linalg.norm(g)
        return g * max_norm / norm if norm > max_norm else g

    def like_torch(g, max_norm):
        return g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6))

    def in_place(g, max_norm):
        norm = np.linalg.norm(g)
        if norm > max_norm:
            g *= max_norm / norm
        return g

    for answer in (with_min, with_if, like_torch, in_place):
        result = exercises.check_clip_by_norm(answer)
        assert result.ok and result.total == 6, answer.__name__


def test_clip_names_each_classic_mistake():
    def norm(g):
        return np.linalg.norm(g)

    cases = [
        (lambda g, m: np.clip(g, -m, m), "each coordinate clipped"),
        (lambda g, m: g * m / norm(g), "every gradient rescaled to length max_norm"),
        (
            lambda g, m: g / norm(g) if norm(g) > m else g,
            "divided by its norm without the factor max_norm",
        ),
        (lambda g, m: g * max(1.0, m / norm(g)), "short gradients stretched"),
        (
            lambda g, m: g * m / np.sum(g**2) if np.sum(g**2) > m else g,
            "the squared norm",
        ),
        (
            lambda g, m: g * m / np.abs(g).sum() if np.abs(g).sum() > m else g,
            "the L1 norm",
        ),
        (
            lambda g, m: g * m / np.abs(g).max() if np.abs(g).max() > m else g,
            "the largest absolute coordinate",
        ),
        (lambda g, m: min(1.0, m / norm(g)), "the factor alone"),
        (lambda g, m: min(norm(g), m), "the clipped length"),
        (lambda g, m: -g * min(1.0, m / norm(g)), "the opposite sign"),
    ]
    for wrong, expected in cases:
        with np.errstate(all="ignore"):
            result = exercises.check_clip_by_norm(wrong)
        assert not result.ok
        assert diagnosis(result) and expected in diagnosis(result), (expected, result)


def test_coordinate_clipping_is_caught_by_a_gradient_with_only_small_coordinates():
    # every coordinate 0.8 < 1, length 1.6 > 1: clipping coordinates lets it through
    g = np.array([0.8, 0.8, 0.8, 0.8])
    assert np.array_equal(np.clip(g, -1.0, 1.0), g)
    assert np.linalg.norm(vanishing_gradients._clip_by_norm(g, 1.0)) < 1.0 + 1e-9


# ---------------------------------------------------------------------------
# Exercise 8.4: which layers vanish, and which initialisation fixes it
# ---------------------------------------------------------------------------


INITS = {
    "small normal (std 0.01)": ("normal", 0.01),
    "normal (std 1)": ("normal", 1.0),
    "Glorot": ("glorot", 1.0),
    "He": ("he", 1.0),
}


def _norms(label, seed):
    init, std = INITS[label]
    net = models.MLP(
        [2] + [32] * 8 + [1], activation="sigmoid", task="binary", init=init, std=std
    )
    moons = data.two_moons(n=400, noise=0.2, seed=0)
    return net.layer_grad_norms(net.init_params(seed), moons.X_train, moons.y_train)


def test_the_options_are_the_explorers_and_the_measurement_is_the_models():
    from gdcourse.widgets.vanishing_gradients import VANISHING_INITS

    assert VANISHING_INITS == INITS
    assert (PATIENT["activation"], PATIENT["init"]) == ("sigmoid", "He")
    assert (PATIENT["hidden"], PATIENT["width"], PATIENT["seed"]) == (8, 32, 0)
    for label in INITS:
        np.testing.assert_allclose(
            vanishing_gradients.patient_grad_norms(label, 3), _norms(label, 3)
        )


def test_the_patients_first_five_layers_vanish_with_room_on_both_sides():
    norms = _norms("He", 0)
    ratio = norms / norms.max()
    assert set(np.flatnonzero(ratio < 0.01) + 1) == {1, 2, 3, 4, 5}
    # not a close call: layer 5 is at most half the threshold, layer 6 twice it
    assert ratio[4] < 0.005 and ratio[5] > 0.02


def test_only_the_larger_weights_keep_every_layer_above_a_hundredth():
    worst = {
        label: min(
            float(n.min() / n.max()) for n in (_norms(label, s) for s in range(5))
        )
        for label in INITS
    }
    assert worst["normal (std 1)"] > 0.015
    assert all(worst[label] < 1e-3 for label in INITS if label != "normal (std 1)")


def test_the_right_diagnosis_and_fix_pass():
    verdict = exercises.check_vanishing_fix([1, 2, 3, 4, 5], "normal (std 1)")
    assert verdict.ok
    assert exercises.check_vanishing_fix((5, 4, 3, 2, 1), "Normal (std 1)").ok
    assert exercises.check_vanishing_fix(np.arange(1, 6), "normal (std 1)").ok


@pytest.mark.parametrize(
    "layers, said",
    [
        ([0, 1, 2, 3, 4], "numbered from 0"),
        ([5, 6, 7, 8, 9], "counted from the output"),
        ([6, 7, 8, 9], "the layers whose gradients do not vanish"),
        (list(range(1, 10)), "not every layer vanishes"),
        ([1], "the first layer is not the only one"),
        ([1, 2, 3, 4], "one layer too many or too few"),
        ([1, 2, 3, 4, 5, 6], "one layer too many or too few"),
        ([True] * 5 + [False] * 4, "looks like a mask"),
        ([2, 4, 6], "these are not the layers"),
        ([1.0, 2.0], "must be whole numbers"),
        ("1-5", "as a list of numbers"),
        (5, "as a list of numbers"),
    ],
)
def test_each_wrong_list_of_layers_gets_its_own_hint(layers, said):
    verdict = exercises.check_vanishing_fix(layers, "normal (std 1)")
    part_a = repr(verdict).splitlines()[0]
    assert not verdict.ok and said in part_a


@pytest.mark.parametrize(
    "init, said",
    [
        ("He", "the network's own initialisation"),
        ("Glorot", "a sigmoid's slope is at most 1/4"),
        ("small normal (std 0.01)", "weights smaller than He's"),
        ("he normal", "Choose one of"),
        (("normal", 1.0), "Choose one of"),
        (None, "Choose one of"),
    ],
)
def test_each_wrong_initialisation_gets_its_own_hint(init, said):
    verdict = exercises.check_vanishing_fix([1, 2, 3, 4, 5], init)
    part_b = repr(verdict).splitlines()[1]
    assert not verdict.ok and said in part_b


def test_a_wrong_answer_is_never_told_the_right_layers_or_initialisation():
    for layers, init in [([0, 1, 2, 3, 4], "He"), ([2, 4, 6], "Glorot"), ([1], "x")]:
        text = repr(exercises.check_vanishing_fix(layers, init))
        assert "normal (std 1)" not in text.split("Choose one of")[0]
        assert "1, 2, 3, 4, 5" not in text and 'std 1)"' not in text.split("Choose")[0]

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
        (
            lambda g, m: g * m / norm(g) if np.abs(g).max() > m else g,
            "the test made on the largest coordinate",
        ),
        (
            lambda g, m: g * norm(g) / m if norm(g) > m else g,
            "the factor upside down",
        ),
        (lambda g, m: g / m if norm(g) > m else g, "divided by max_norm, without"),
        (lambda g, m: min(1.0, m / norm(g)), "the factor alone"),
        (lambda g, m: min(norm(g), m), "the clipped length"),
        (lambda g, m: -g * min(1.0, m / norm(g)), "the opposite sign"),
    ]
    for wrong, expected in cases:
        with np.errstate(all="ignore"):
            result = exercises.check_clip_by_norm(wrong)
        assert not result.ok
        assert diagnosis(result) and expected in diagnosis(result), (expected, result)


def test_a_variant_that_would_fail_a_case_the_reader_passed_is_not_named():
    # tested on the largest coordinate, rescaled by the length: only the case
    # whose coordinates are all small fails, where clipping each coordinate
    # gives the same answer; the cases it passes rule that mistake out
    def largest_coordinate(g, max_norm):
        big = np.abs(g).max() > max_norm
        return g * max_norm / np.linalg.norm(g) if big else g

    result = exercises.check_clip_by_norm(largest_coordinate)
    assert result.passed == 2 and "Case 3" in result.failure
    assert "each coordinate clipped" not in result.failure
    assert "the test made on the largest coordinate" in diagnosis(result)
    assert "compare its length with max_norm" in diagnosis(result)


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


def _norms(init, seed, std=1.0, hidden=8):
    net = models.MLP(
        [2] + [32] * hidden + [1],
        activation="sigmoid",
        task="binary",
        init=init,
        std=std,
    )
    moons = data.two_moons(n=400, noise=0.2, seed=0)
    return net.layer_grad_norms(net.init_params(seed), moons.X_train, moons.y_train)


def _worst(std, hidden=8):
    return min(
        float(n.min() / n.max())
        for n in (_norms("normal", s, std, hidden) for s in range(5))
    )


def test_the_measurement_is_the_models():
    from gdcourse.widgets.vanishing_gradients import VANISHING_INITS

    assert VANISHING_INITS == INITS
    assert (PATIENT["activation"], PATIENT["init"]) == ("sigmoid", "He")
    assert (PATIENT["hidden"], PATIENT["width"], PATIENT["seed"]) == (8, 32, 0)
    for label, (init, std) in INITS.items():
        np.testing.assert_allclose(
            vanishing_gradients.patient_grad_norms(label, 3), _norms(init, 3, std)
        )
    np.testing.assert_allclose(
        vanishing_gradients.patient_grad_norms(seed=2, std=0.7, hidden=12),
        _norms("normal", 2, 0.7, hidden=12),
    )


def test_the_patients_first_five_layers_vanish_with_room_on_both_sides():
    norms = _norms("he", 0)
    ratio = norms / norms.max()
    assert set(np.flatnonzero(ratio < 0.01) + 1) == {1, 2, 3, 4, 5}
    # not a close call: layer 5 is at most half the threshold, layer 6 twice it
    assert ratio[4] < 0.005 and ratio[5] > 0.02


def test_the_stds_that_pass_span_about_a_decade_and_fewer_deeper():
    stds = np.geomspace(0.1, 20.0, 24)
    ok = np.array([exercises.check_vanishing_fix([1, 2, 3, 4, 5], s).ok for s in stds])
    assert np.array_equal(ok, [_worst(s) >= 0.01 for s in stds])
    # every std from about 0.9 to 9 passes; 0.8 and 10 fail; above 9 the
    # units saturate and the worst layer wanders around 1/100 from one std
    # to the next, so a few larger ones pass too (12.6 here; 30 as well)
    assert np.all(ok[(stds > 0.95) & (stds < 9.0)])
    assert not np.any(ok[stds < 0.85]) and not np.any(ok[stds > 13.0])
    assert _worst(0.8) < 0.01 < _worst(1.0) and _worst(10.0) < 0.01
    # with 12 hidden layers, std 1 and std 8 no longer pass, 2 does
    assert _worst(1.0, 12) < 0.01 and _worst(8.0, 12) < 0.01 < _worst(2.0, 12)


def test_a_std_that_passes_is_reported_at_this_depth_with_the_deeper_network():
    verdict = exercises.check_vanishing_fix([1, 2, 3, 4, 5], 1.0)
    assert verdict.ok
    text = repr(verdict).splitlines()[1]
    factors = [
        (_norms("normal", s)[0] / _norms("normal", s)[-1]) ** (1 / 8) for s in range(5)
    ]
    assert "Right at this depth" in text
    assert f"{min(factors):.2g} to {max(factors):.2g} per layer" in text
    assert f"{_worst(1.0):.2g} times the largest" in text
    assert f"smallest at {_worst(1.0, 12):.2g} times the largest, below 1/100" in text
    assert "still within 1/100" in repr(
        exercises.check_vanishing_fix([1, 2, 3, 4, 5], 2)
    )


def test_the_right_diagnosis_and_fix_pass():
    assert exercises.check_vanishing_fix([1, 2, 3, 4, 5], 1.0).ok
    assert exercises.check_vanishing_fix((5, 4, 3, 2, 1), 2).ok
    assert exercises.check_vanishing_fix(np.arange(1, 6), np.float64(3.0)).ok


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
    verdict = exercises.check_vanishing_fix(layers, 1.0)
    part_a = repr(verdict).splitlines()[0]
    assert not verdict.ok and said in part_a


@pytest.mark.parametrize(
    "std, said",
    [
        (np.sqrt(2 / 32), "He's standard deviation for layers of 32 inputs"),
        (np.sqrt(2 / 64), "Glorot's standard deviation"),
        (0.8, "the gradient shrinks on its way down at every seed"),
        (0.01, "the gradient shrinks on its way down at every seed"),
        (10.0, "the gradient grows on its way down at every seed"),
        (12.0, "the gradient grows on its way down at every seed"),
        (100.0, "below 1 at some seeds and above 1 at others"),
        ("normal (std 1)", "Give a standard deviation, a number"),
        ("He", "Give a standard deviation, a number"),
        (None, "std must be a positive number"),
        (-1.0, "std must be a positive number"),
        (0, "std must be a positive number"),
        (True, "std must be a positive number"),
        (float("nan"), "std must be a positive number"),
    ],
)
def test_each_wrong_std_gets_the_hint_of_its_evidence(std, said):
    verdict = exercises.check_vanishing_fix([1, 2, 3, 4, 5], std)
    part_b = repr(verdict).split("\n(b) ")[1]
    assert not verdict.ok and said in part_b


def test_a_failing_report_gives_the_measured_factors_and_no_other_std():
    import re

    for std in (0.25, 0.8, 10.0, 0.01):
        text = repr(exercises.check_vanishing_fix([0, 1, 2, 3, 4], std))
        # the only standard deviation named is the reader's own
        assert set(re.findall(r"std ([0-9.e+-]+)", text)) == {f"{std:g}"}
        assert "per layer over seeds 0 to 4" in text
        assert "1, 2, 3, 4, 5" not in text
    # a worst layer just under the threshold is not rounded up to it
    assert vanishing_gradients._below(0.00996, 0.01) == "0.00996"

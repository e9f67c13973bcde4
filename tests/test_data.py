"""Tests for gdcourse.data: shapes, determinism, the generating geometry, splits, scaling."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdcourse import data
from gdcourse.data import (
    Dataset,
    regression,
    spirals,
    standardize,
    train_test_split,
    two_moons,
)

GENERATORS = [regression, two_moons, spirals]


def all_points(d):
    return np.concatenate([d.X_train, d.X_test]), np.concatenate([d.y_train, d.y_test])


# ---------------------------------------------------------------------------
# the Dataset record
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("make", GENERATORS)
def test_dataset_shapes_dtypes_and_split_sizes(make):
    d = make(n=200, seed=0)
    assert isinstance(d, Dataset)
    assert d.name == make.__name__
    assert (d.n_train, d.n_test) == (150, 50)
    assert d.X_train.shape == (150, d.n_features) and d.X_test.shape == (
        50,
        d.n_features,
    )
    assert d.X_train.dtype == np.float64
    expected_y = np.float64 if make is regression else np.int64
    assert d.y_train.dtype == expected_y and d.y_test.dtype == expected_y
    assert "n_train=150" in repr(d)


@pytest.mark.parametrize("make", GENERATORS)
def test_dataset_arrays_are_read_only(make):
    d = make(seed=0)
    with pytest.raises(ValueError):
        d.X_train[0, 0] = 1.0
    with pytest.raises(ValueError):
        d.y_test[0] = 1
    with pytest.raises(AttributeError):
        d.name = "other"


@pytest.mark.parametrize("make", GENERATORS)
def test_same_seed_same_data_other_seed_other_data(make):
    a, b, c = make(seed=3), make(seed=3), make(seed=4)
    for field in ("X_train", "y_train", "X_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.X_train, c.X_train)


@pytest.mark.parametrize("make", GENERATORS)
def test_test_fraction_sets_the_split(make):
    d = make(n=400, test_fraction=0.1, seed=0)
    assert (d.n_train, d.n_test) == (360, 40)


def test_split_is_not_ordered_by_the_features():
    # the split must not reuse the random numbers that drew the features
    d = regression(n=2000, seed=0)
    assert abs(d.X_test.mean() - d.X_train.mean()) < 0.2


# ---------------------------------------------------------------------------
# regression
# ---------------------------------------------------------------------------


def test_regression_noiseless_is_exactly_linear():
    d = regression(n=100, weights=[1.5, -2.0, 0.5], bias=0.25, noise=0.0, seed=1)
    X, y = all_points(d)
    np.testing.assert_allclose(y, X @ [1.5, -2.0, 0.5] + 0.25, atol=1e-12)
    np.testing.assert_array_equal(d.true_weights, [1.5, -2.0, 0.5])
    assert d.true_bias == 0.25 and d.n_classes is None


def test_regression_noise_has_the_requested_spread():
    d = regression(n=4000, weights=2.0, bias=-1.0, noise=0.3, seed=0)
    X, y = all_points(d)
    residual = y - (X @ d.true_weights + d.true_bias)
    assert abs(residual.mean()) < 0.03
    assert residual.std() == pytest.approx(0.3, rel=0.05)


def test_regression_features_stay_in_x_range():
    d = regression(n=500, x_range=(1.0, 3.0), seed=0)
    X, _ = all_points(d)
    assert X.min() >= 1.0 and X.max() <= 3.0
    assert X.min() < 1.1 and X.max() > 2.9


# ---------------------------------------------------------------------------
# two moons and spirals
# ---------------------------------------------------------------------------


def test_two_moons_noiseless_points_lie_on_the_two_half_circles():
    d = two_moons(n=301, noise=0.0, seed=0)
    X, y = all_points(d)
    upper, lower = X[y == 0], X[y == 1]
    assert (len(upper), len(lower)) == (151, 150)
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)
    assert np.all(upper[:, 1] >= -1e-12)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert np.all(lower[:, 1] <= 0.5 + 1e-12)
    assert d.n_classes == 2


def test_two_moons_noise_moves_points_by_the_requested_spread():
    clean, noisy = (
        two_moons(n=2000, noise=0.0, seed=0),
        two_moons(n=2000, noise=0.2, seed=0),
    )
    # same split (same seed), so the rows correspond
    shift = noisy.X_train - clean.X_train
    assert shift.std() == pytest.approx(0.2, rel=0.05)


@pytest.mark.parametrize("classes", [2, 3, 5])
def test_spirals_noiseless_geometry(classes):
    d = spirals(n=301, classes=classes, turns=1.5, noise=0.0, seed=0)
    X, y = all_points(d)
    counts = np.bincount(y)
    assert len(counts) == classes == d.n_classes and counts.max() - counts.min() <= 1
    radius = np.hypot(*X.T)
    assert radius.max() == pytest.approx(1.0) and radius.min() > 0
    angle = np.arctan2(X[:, 1], X[:, 0])
    expected = 2 * np.pi * 1.5 * radius + 2 * np.pi * y / classes
    # the angle agrees with the formula up to whole turns
    np.testing.assert_allclose(
        np.angle(np.exp(1j * (angle - expected))), 0.0, atol=1e-9
    )


# ---------------------------------------------------------------------------
# train_test_split
# ---------------------------------------------------------------------------


def test_train_test_split_partitions_and_does_not_mutate():
    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20)
    X_copy, y_copy = X.copy(), y.copy()
    X_train, X_test, y_train, y_test = train_test_split(X, y, 0.25, seed=7)
    assert len(X_test) == 5 and len(X_train) == 15
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(20))
    np.testing.assert_array_equal(X_train[:, 0], 2 * y_train)  # rows stay together
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)
    again = train_test_split(X, y, 0.25, seed=7)
    np.testing.assert_array_equal(again[3], y_test)
    assert not np.array_equal(train_test_split(X, y, 0.25, seed=8)[3], y_test)


@settings(max_examples=50, deadline=None)
@given(
    n=st.integers(2, 300), fraction=st.floats(0.01, 0.99), seed=st.integers(0, 2**31)
)
def test_train_test_split_is_a_partition_property(n, fraction, seed):
    n_test = int(round(fraction * n))
    X = np.arange(n, dtype=float)[:, None]
    y = np.arange(n)
    if not 1 <= n_test <= n - 1:
        with pytest.raises(ValueError, match="test_fraction"):
            train_test_split(X, y, fraction, seed)
        return
    X_train, X_test, y_train, y_test = train_test_split(X, y, fraction, seed)
    assert len(y_test) == n_test
    assert np.array_equal(np.sort(np.concatenate([y_train, y_test])), y)


# ---------------------------------------------------------------------------
# standardize
# ---------------------------------------------------------------------------


def test_standardize_uses_training_statistics_and_keeps_the_truth():
    d = regression(
        n=300, weights=[3.0, -1.0], bias=2.0, x_range=(5.0, 9.0), noise=0.0, seed=0
    )
    s = standardize(d)
    assert s.name == "regression_standardized"
    np.testing.assert_allclose(s.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(s.X_train.std(axis=0), 1.0)
    mean, std = d.X_train.mean(axis=0), d.X_train.std(axis=0)
    np.testing.assert_allclose(s.X_test, (d.X_test - mean) / std)
    # the targets are unchanged and still exactly linear in the new features
    np.testing.assert_array_equal(s.y_train, d.y_train)
    np.testing.assert_allclose(
        s.X_train @ s.true_weights + s.true_bias, d.y_train, atol=1e-10
    )
    np.testing.assert_allclose(
        s.X_test @ s.true_weights + s.true_bias, d.y_test, atol=1e-10
    )
    # the input was not changed
    np.testing.assert_array_equal(d.true_weights, [3.0, -1.0])


def test_standardize_centres_a_constant_feature_without_dividing_by_zero():
    X = np.column_stack([np.full(8, 4.0), np.arange(8.0)])
    d = Dataset("toy", X[:6], np.arange(6) % 2, X[6:], np.arange(2))
    s = standardize(d)
    np.testing.assert_array_equal(s.X_train[:, 0], 0.0)
    assert s.true_weights is None and s.n_classes == 2


def test_standardize_rejects_non_datasets():
    with pytest.raises(ValueError, match="data must be a Dataset"):
        standardize((np.zeros((3, 1)), np.zeros(3)))


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("n", [0, 1, -5, 2.5, True, "100"])
def test_bad_n(make, n):
    with pytest.raises(ValueError, match="n must be an integer"):
        make(n=n)


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("noise", [-0.1, np.nan, np.inf, "0.1"])
def test_bad_noise(make, noise):
    with pytest.raises(ValueError, match="noise must be a non-negative finite number"):
        make(noise=noise)


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.2, True])
def test_bad_test_fraction(make, fraction):
    with pytest.raises(ValueError, match=r"test_fraction must be a number in \(0, 1\)"):
        make(test_fraction=fraction)


def test_test_fraction_leaving_an_empty_side():
    with pytest.raises(ValueError, match="test_fraction=0.1 leaves 0 of n=3"):
        regression(n=3, test_fraction=0.1)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(weights=[]), "weights must be"),
        (dict(weights=[1.0, np.nan]), "weights must be"),
        (dict(weights=[[1.0]]), "weights must be"),
        (dict(bias=np.inf), "bias must be a finite number"),
        (dict(x_range=(2.0, 1.0)), "x_range must be a pair"),
        (dict(x_range=5.0), "x_range must be a pair"),
    ],
)
def test_regression_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        regression(**kwargs)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(classes=1), "classes must be an integer >= 2"),
        (dict(classes=2.0), "classes must be an integer >= 2"),
        (dict(turns=0), "turns must be a positive finite number"),
        (dict(turns=np.inf), "turns must be a positive finite number"),
        (dict(n=3, classes=4), "n must be an integer >= 4"),
    ],
)
def test_spirals_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        spirals(**kwargs)


@pytest.mark.parametrize(
    "X, y, match",
    [
        (np.zeros(5), np.zeros(5), "X must be a 2-D array"),
        (np.zeros((5, 2)), np.zeros(4), "y must have one row per row of X"),
        (np.zeros((1, 2)), np.zeros(1), "n must be an integer >= 2"),
    ],
)
def test_train_test_split_bad_arguments(X, y, match):
    with pytest.raises(ValueError, match=match):
        train_test_split(X, y, 0.5)


def test_module_exports():
    assert set(data.__all__) == {
        "Dataset",
        "regression",
        "two_moons",
        "spirals",
        "train_test_split",
        "standardize",
    }

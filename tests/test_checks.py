"""Tests of the shared argument checks (gdcourse.checks)."""

import numpy as np
import pytest

from gdcourse import checks


@pytest.mark.parametrize("value", [1e-300, 0.5, 3, np.float64(2.0)])
def test_positive_accepts_positive_finite_numbers(value):
    assert checks.positive("lr", value) == float(value)


@pytest.mark.parametrize("value", [0, -1.0, np.inf, np.nan, True, "1", None])
def test_positive_refuses_the_rest(value):
    with pytest.raises(ValueError, match=r"^lr must be a positive finite number, got "):
        checks.positive("lr", value)


@pytest.mark.parametrize("value", [-2.5, 0, 7, np.float64(-1e300)])
def test_number_accepts_any_finite_number(value):
    assert checks.number("bias", value) == float(value)


@pytest.mark.parametrize("value", [np.inf, -np.inf, np.nan, False, "0", None, [1.0]])
def test_number_refuses_the_rest(value):
    with pytest.raises(ValueError, match=r"^bias must be a finite number, got "):
        checks.number("bias", value)


def test_non_negative_accepts_zero_and_refuses_negatives():
    assert checks.non_negative("noise", 0) == 0.0
    with pytest.raises(ValueError, match="noise must be a non-negative finite number"):
        checks.non_negative("noise", -1e-9)


@pytest.mark.parametrize(
    "closed, inside, outside",
    [
        ("left", [0.0, 0.999], [1.0, -0.1]),
        ("right", [1.0, 0.5], [0.0]),
        ("both", [0.0, 1.0], [1.0001]),
        ("neither", [0.5], [0.0, 1.0]),
    ],
)
def test_in_interval_honours_which_ends_are_closed(closed, inside, outside):
    for value in inside:
        assert checks.in_interval("beta", value, 0, 1, closed) == value
    for value in outside:
        with pytest.raises(
            ValueError, match=r"beta must be a number in [\[(]0, 1[\])]"
        ):
            checks.in_interval("beta", value, 0, 1, closed)


def test_in_interval_names_the_interval():
    with pytest.raises(
        ValueError, match=r"momentum must be a number in \[0, 1\), got 1"
    ):
        checks.in_interval("momentum", 1, 0, 1)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"minimum": 1, "maximum": 5}, r"an integer in 1\.\.5"),
        ({"minimum": 0}, "an integer >= 0"),
        ({"maximum": 3}, "an integer <= 3"),
        ({}, "an integer,"),
    ],
)
def test_integer_messages_name_the_bounds(kwargs, message):
    with pytest.raises(ValueError, match=f"steps must be {message}"):
        checks.integer("steps", 2.0, **kwargs)


def test_integer_accepts_numpy_integers_and_refuses_bools():
    assert checks.integer("steps", np.int64(4), minimum=0) == 4
    with pytest.raises(ValueError):
        checks.integer("steps", True)
    with pytest.raises(ValueError, match=r"in 1\.\.5, got 6"):
        checks.integer("steps", 6, minimum=1, maximum=5)


def test_one_of_lists_the_options():
    assert checks.one_of("mode", "a", ("a", "b")) == "a"
    with pytest.raises(ValueError, match=r"mode must be one of \('a', 'b'\), got 'c'"):
        checks.one_of("mode", "c", ["a", "b"])


def test_finite_array_checks_shape_ndim_and_finiteness():
    arr = checks.finite_array("w0", [[1, 2]], shape=(None, 2))
    assert arr.dtype == float and arr.shape == (1, 2)
    with pytest.raises(
        ValueError, match=r"w0 must be an array of shape \(n, 2\), got shape \(2,\)"
    ):
        checks.finite_array("w0", [1, 2], shape=(None, 2))
    with pytest.raises(ValueError, match=r"x must be a 1-D array"):
        checks.finite_array("x", [[1.0]], ndim=1)
    with pytest.raises(ValueError, match="x must hold finite numbers only"):
        checks.finite_array("x", [1.0, np.nan])
    with pytest.raises(ValueError, match="x must be an array of finite numbers"):
        checks.finite_array("x", ["a"])


def test_each_in_interval_checks_every_entry_and_keeps_the_shape():
    arr = checks.each_in_interval("lr", [[0.1, 2.0], [3.0, 1e-9]], 0, np.inf, "neither")
    np.testing.assert_array_equal(arr, [[0.1, 2.0], [3.0, 1e-9]])
    assert arr.dtype == float
    assert checks.each_in_interval("rate", np.inf, 0, np.inf, "both") == np.inf
    match = r"^lr must be a number in \(0, inf\), or an array of them, got "
    for bad in ([0.1, 0.0], [0.1, np.inf], [np.nan], [], True, np.bool_(True), "x"):
        with pytest.raises(ValueError, match=match):
            checks.each_in_interval("lr", bad, 0, np.inf, "neither")


@pytest.mark.parametrize("closed", ["left", "right", "both", "neither"])
def test_each_in_interval_agrees_with_in_interval(closed):
    values = [-1.0, 0.0, 0.5, 1.0, 2.0]
    for v in values:
        try:
            checks.in_interval("x", v, 0, 1, closed)
            scalar_ok = True
        except ValueError:
            scalar_ok = False
        try:
            checks.each_in_interval("x", [0.5, v], 0, 1, closed)
            array_ok = True
        except ValueError:
            array_ok = False
        assert scalar_ok == array_ok, (closed, v)


def test_symmetric_matrix_checks_shape_finiteness_and_symmetry():
    np.testing.assert_array_equal(
        checks.symmetric_matrix("A", [[1, 2], [2, 5]]), [[1.0, 2.0], [2.0, 5.0]]
    )
    with pytest.raises(
        ValueError, match=r"A must be a square matrix, got shape \(2,\)"
    ):
        checks.symmetric_matrix("A", [1.0, 2.0])
    with pytest.raises(
        ValueError, match=r"A must be a square matrix, got shape \(0, 0\)"
    ):
        checks.symmetric_matrix("A", np.empty((0, 0)))
    with pytest.raises(ValueError, match="A must hold finite numbers"):
        checks.symmetric_matrix("A", [[np.nan]])
    with pytest.raises(ValueError, match="A must be symmetric"):
        checks.symmetric_matrix("A", [[1.0, 1e-6], [0.0, 1.0]])
    # within the tolerance asked for, a nearly symmetric matrix passes
    checks.symmetric_matrix("H", [[1.0, 1e-10], [0.0, 1.0]], rtol=1e-9, atol=1e-9)
    with pytest.raises(
        ValueError, match="A must be a symmetric matrix of finite numbers"
    ):
        checks.symmetric_matrix("A", "abc")

"""Argument checks shared by every module: one wording for every message.

Each function returns the value it checked, converted to a plain Python or
NumPy type, or raises ``ValueError`` with a message of the form
``"<name> must be <what is allowed>, got <value>"``.

Examples
--------
>>> from gdcourse import checks
>>> checks.positive("lr", 0.1)
0.1
>>> checks.integer("steps", 3, minimum=0)
3
>>> checks.positive("lr", -1)
Traceback (most recent call last):
...
ValueError: lr must be a positive finite number, got -1
"""

import math
from numbers import Integral, Real

import numpy as np

__all__ = [
    "each_in_interval",
    "finite_array",
    "in_interval",
    "integer",
    "is_number",
    "non_negative",
    "number",
    "one_of",
    "positive",
    "symmetric_matrix",
]


def is_number(value):
    """True for a finite real number that is not a bool."""
    return (
        isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)
    )


def _fail(name, allowed, value):
    raise ValueError(f"{name} must be {allowed}, got {value!r}")


def number(name, value):
    """Return ``float(value)`` if it is a finite number (any sign)."""
    if not is_number(value):
        _fail(name, "a finite number", value)
    return float(value)


def positive(name, value):
    """Return ``float(value)`` if it is a finite number > 0."""
    if not (is_number(value) and value > 0):
        _fail(name, "a positive finite number", value)
    return float(value)


def non_negative(name, value):
    """Return ``float(value)`` if it is a finite number >= 0."""
    if not (is_number(value) and value >= 0):
        _fail(name, "a non-negative finite number", value)
    return float(value)


def in_interval(name, value, low, high, closed="left"):
    """Return ``float(value)`` if it lies in the interval from `low` to `high`.

    Parameters
    ----------
    closed : {"left", "right", "both", "neither"}
        Which ends belong to the interval: ``"left"`` is ``[low, high)``.
    """
    inside = is_number(value) and _inside(value, low, high, closed)
    if not inside:
        _fail(name, f"a number in {_interval(low, high, closed)}", value)
    return float(value)


def each_in_interval(name, value, low, high, closed="left"):
    """Return ``np.asarray(value, float)`` if every entry lies in the interval.

    The array form of :func:`in_interval`, for functions that broadcast over
    their arguments: `value` may be a number or a non-empty array of them, and
    an infinite bound belongs to the interval only at a closed end (so
    ``(0, inf)`` holds the positive finite numbers and ``[0, inf]`` every
    number >= 0 including ``inf``). NaN lies in no interval.

    Examples
    --------
    >>> each_in_interval("lr", [0.1, 2.0], 0, math.inf, closed="neither")
    array([0.1, 2. ])
    >>> each_in_interval("momentum", [0.5, 1.0], 0, 1)
    Traceback (most recent call last):
    ...
    ValueError: momentum must be a number in [0, 1), or an array of them, got [0.5, 1.0]
    """
    allowed = f"a number in {_interval(low, high, closed)}, or an array of them"
    if isinstance(value, (bool, np.bool_)):
        _fail(name, allowed, value)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        _fail(name, allowed, value)
    if arr.size == 0 or not np.all(_inside(arr, low, high, closed)):
        _fail(name, allowed, value)
    return arr


def _inside(value, low, high, closed):
    left = closed in ("left", "both")
    right = closed in ("right", "both")
    return (low <= value if left else low < value) & (
        value <= high if right else value < high
    )


def _interval(low, high, closed):
    left = "[" if closed in ("left", "both") else "("
    right = "]" if closed in ("right", "both") else ")"
    return f"{left}{low}, {high}{right}"


def integer(name, value, minimum=None, maximum=None):
    """Return ``int(value)`` if it is an integer (not a bool) within the bounds.

    Floats are refused even when whole (``2.0``): a count is an integer.
    """
    ok = isinstance(value, Integral) and not isinstance(value, bool)
    ok = ok and (minimum is None or value >= minimum)
    ok = ok and (maximum is None or value <= maximum)
    if not ok:
        if minimum is not None and maximum is not None:
            allowed = f"an integer in {minimum}..{maximum}"
        elif minimum is not None:
            allowed = f"an integer >= {minimum}"
        elif maximum is not None:
            allowed = f"an integer <= {maximum}"
        else:
            allowed = "an integer"
        _fail(name, allowed, value)
    return int(value)


def one_of(name, value, options):
    """Return `value` if it is one of `options`."""
    if value not in tuple(options):
        _fail(name, f"one of {tuple(options)}", value)
    return value


def finite_array(name, value, ndim=None, shape=None):
    """Return ``np.asarray(value, float)`` if it is finite and has the right form.

    Parameters
    ----------
    ndim : int, optional
        Required number of dimensions.
    shape : tuple, optional
        Required shape; ``None`` in an entry allows any length on that axis.
    """
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        _fail(name, "an array of finite numbers", value)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(
            f"{name} must be a {ndim}-D array of finite numbers, got shape {arr.shape}"
        )
    if shape is not None:
        fits = arr.ndim == len(shape) and all(
            want is None or want == got for want, got in zip(shape, arr.shape)
        )
        if not fits:
            wanted = "(" + ", ".join("n" if s is None else str(s) for s in shape)
            wanted += ",)" if len(shape) == 1 else ")"
            raise ValueError(
                f"{name} must be an array of shape {wanted}, got shape {arr.shape}"
            )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must hold finite numbers only")
    return arr


def symmetric_matrix(name, value, rtol=1e-12, atol=1e-12):
    """Return ``np.asarray(value, float)`` if it is a finite, symmetric, square matrix.

    Symmetry is ``np.allclose(A, A.T, rtol, atol)``.

    Examples
    --------
    >>> symmetric_matrix("A", [[2, 1], [1, 2]])
    array([[2., 1.],
           [1., 2.]])
    >>> symmetric_matrix("A", [[2, 1], [0, 2]])
    Traceback (most recent call last):
    ...
    ValueError: A must be symmetric, got [[2, 1], [0, 2]]
    """
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        _fail(name, "a symmetric matrix of finite numbers", value)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise ValueError(f"{name} must be a square matrix, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must hold finite numbers only")
    if not np.allclose(arr, arr.T, rtol=rtol, atol=atol):
        _fail(name, "symmetric", value)
    return arr

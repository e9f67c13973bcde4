"""Tests of the chapter-4 checker in gdcourse.exercises.saddle_points."""

import math

import numpy as np

from gdcourse import exercises, landscape


def test_escape_checker_accepts_the_formula_and_matches_a_real_run():
    def predict(eps, lr, b, radius):
        return math.ceil(math.log(radius / eps) / math.log(1 + lr * b))

    assert exercises.check_escape_step(predict).ok
    from gdcourse import descent, surfaces

    run = descent.gradient_descent(
        surfaces.saddle(1.0, 2.0), [0.0, 1e-9], lr=0.05, steps=300
    )
    assert landscape.escape_step(run.weights, [0.0, 0.0], 1.0) == predict(
        1e-9, 0.05, 2.0, 1.0
    )


def test_escape_checker_rejects_off_by_one_and_wrong_base():
    floor = lambda eps, lr, b, radius: math.floor(
        math.log(radius / eps) / math.log(1 + lr * b)
    )  # noqa: E731
    assert not exercises.check_escape_step(floor).ok
    natural = lambda eps, lr, b, radius: math.ceil(math.log(radius / eps) / (lr * b))  # noqa: E731
    result = exercises.check_escape_step(natural)
    assert not result.ok and "the numbers differ" in result.failure
    assert "returned None" in exercises.check_escape_step(lambda *a: None).failure


def diagnosis(result):
    last = repr(result).splitlines()[-1].strip()
    return last if last.startswith("It looks like") else None


def _growth(eps, lr, b, radius):
    return math.log(radius / eps) / math.log(1 + lr * b)


def test_escape_checker_names_each_classic_mistake():
    cases = [
        (lambda *a: math.floor(_growth(*a)), "rounding down (floor)"),
        (lambda *a: int(_growth(*a)), "rounding down (floor)"),
        (lambda *a: round(_growth(*a)), "rounding to the nearest whole step"),
        (
            lambda eps, lr, b, radius: math.ceil(
                math.log(radius / eps) / math.log(1 + lr)
            ),
            "the curvature b left out",
        ),
        (
            lambda eps, lr, b, radius: math.ceil(
                math.log(1 / eps) / math.log(1 + lr * b)
            ),
            "the radius taken as 1",
        ),
        (
            lambda *a: float(math.ceil(_growth(*a))),
            "a float where an integer count of steps",
        ),
        (lambda *a: _growth(*a), "a float where an integer count of steps"),
        (lambda *a: math.ceil(_growth(*a)) + 1, "one step too large (off by one)"),
        (
            lambda eps, lr, b, radius: math.ceil(math.log(radius / eps) / (lr * b)),
            "log(1 + lr*b) replaced by lr*b",
        ),
        (
            lambda eps, lr, b, radius: math.ceil(
                math.log(eps / radius) / math.log(1 + lr * b)
            ),
            "the ratio inside the logarithm is upside down",
        ),
    ]
    for wrong, named in cases:
        result = exercises.check_escape_step(wrong)
        assert not result.ok and named in diagnosis(result), named


def test_escape_checker_wants_an_integer_even_when_the_value_is_right():
    result = exercises.check_escape_step(lambda *a: float(math.ceil(_growth(*a))))
    assert "the answer must be an integer, got float" in result.failure


def test_escape_reference_matches_measured_escapes_over_a_grid():
    from gdcourse import descent, surfaces
    from gdcourse.exercises.saddle_points import _escape_step

    for eps, lr, b in [(1e-6, 0.1, 1.0), (1e-3, 0.2, 0.5), (1e-8, 0.05, 2.0)]:
        run = descent.gradient_descent(
            surfaces.saddle(1.0, b), [0.0, eps], lr=lr, steps=2000
        )
        assert landscape.escape_step(run.weights[:, 1:], [0.0], 1.0) == _escape_step(
            eps, lr, b, 1.0
        )


def test_escape_checker_tells_rounding_to_the_nearest_from_floor():
    # floor fails where round would pass (a fraction of one half or more), so
    # the two mistakes fail different cases and each gets its own diagnosis
    rounded = exercises.check_escape_step(lambda *a: round(_growth(*a)))
    floored = exercises.check_escape_step(lambda *a: math.floor(_growth(*a)))
    assert rounded.passed == 1 and floored.passed == 0
    assert "floor" not in diagnosis(rounded)
    assert "nearest" not in diagnosis(floored)


def test_escape_checker_tells_a_float_count_to_convert_or_to_round():
    # the right count as a float (np.ceil returns one): convert, not round
    whole = diagnosis(exercises.check_escape_step(lambda *a: np.ceil(_growth(*a))))
    assert "the right count as a float" in whole and "int()" in whole
    assert "rounded" not in whole
    # the count not rounded at all: round (and which way)
    raw = diagnosis(exercises.check_escape_step(lambda *a: _growth(*a)))
    assert "which way must it be rounded" in raw and "int()" not in raw
    # a float five steps off has a second mistake: no type diagnosis
    far = exercises.check_escape_step(lambda *a: np.ceil(_growth(*a)) + 5.0)
    assert not far.ok and diagnosis(far) is None


def test_escape_checker_names_the_growth_factor_without_the_half():
    def doubled(eps, lr, b, radius):
        return math.ceil(math.log(radius / eps) / math.log(1 + 2 * lr * b))

    result = exercises.check_escape_step(doubled)
    assert not result.ok and "1 + 2*lr*b" in diagnosis(result)
    # b squared agrees with 2b only where b = 2: not named
    squared = exercises.check_escape_step(
        lambda eps, lr, b, radius: math.ceil(
            math.log(radius / eps) / math.log(1 + lr * b * b)
        )
    )
    assert not squared.ok and diagnosis(squared) is None


def test_escape_checker_names_floor_plus_one_and_a_strict_loop():
    # right everywhere except where the count is a whole number
    floor_plus_one = lambda *a: math.floor(_growth(*a)) + 1  # noqa: E731

    def strict_loop(eps, lr, b, radius):
        k, y = 0, eps
        while y <= radius:
            y, k = y * (1 + lr * b), k + 1
        return k

    for wrong in (floor_plus_one, strict_loop):
        result = exercises.check_escape_step(wrong)
        assert not result.ok and "floor + 1" in diagnosis(result)
        assert "escape_step(0.25, 0.5, 2, 1)" in repr(result)


def test_escape_checker_accepts_a_loop_that_stops_at_the_radius():
    def loop(eps, lr, b, radius):
        k, y = 0, eps
        while y < radius:
            y, k = y * (1 + lr * b), k + 1
        return k

    assert exercises.check_escape_step(loop).ok

"""Tests of the chapter-4 checker in gdcourse.exercises.saddle_points."""

import math

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

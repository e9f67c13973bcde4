"""Tests for the chapter 3 and 4 checkers in gdcourse.exercises."""

import math

import numpy as np

from gdcourse import exercises, landscape


def _classify(H):
    eig = np.linalg.eigvalsh(H)
    if eig.min() < -1e-9 and eig.max() > 1e-9:
        return "saddle"
    if np.any(np.abs(eig) <= 1e-9):
        return "degenerate"
    return "minimum" if eig.min() > 0 else "maximum"


def test_classify_checker_accepts_a_correct_answer():
    result = exercises.check_classify_critical_point(_classify)
    assert result.ok and result.passed == result.total == 6
    assert repr(result) == "All 6 cases passed: classify(hessian) is right."


def test_classify_checker_accepts_the_library_function():
    assert exercises.check_classify_critical_point(
        lambda H: landscape.classify_critical_point(H).kind
    ).ok


def test_classify_checker_catches_a_diagonal_only_answer():
    # reads only the diagonal: wrong for [[1, 2], [2, 1]] (eigenvalues 3 and -1)
    def diagonal(H):
        d = np.diag(H)
        if np.all(d > 0):
            return "minimum"
        if np.all(d < 0):
            return "maximum"
        return "saddle" if d.min() < 0 < d.max() else "degenerate"

    result = exercises.check_classify_critical_point(diagonal)
    assert not result.ok and result.passed == 3
    assert (
        "expected: 'saddle'" in result.failure
        and "got:      'minimum'" in result.failure
    )


def test_classify_checker_reports_none_bad_words_and_exceptions():
    assert (
        "returned None"
        in exercises.check_classify_critical_point(lambda H: None).failure
    )
    assert (
        "must be one of"
        in exercises.check_classify_critical_point(lambda H: "min").failure
    )
    raised = exercises.check_classify_critical_point(lambda H: 1 / 0)
    assert "raised ZeroDivisionError" in raised.failure and raised.passed == 0
    assert "Expected a function" in exercises.check_classify_critical_point(3).failure


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

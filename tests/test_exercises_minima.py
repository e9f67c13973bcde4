"""Tests of the chapter-3 checker in gdcourse.exercises.minima."""

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


def diagnosis(result):
    last = repr(result).splitlines()[-1].strip()
    return last if last.startswith("It looks like") else None


def _diagonal(H):
    return landscape.classify_critical_point(np.diag(np.diag(H))).kind


def test_classify_names_the_diagonal_and_swapped_mistakes():
    named = diagnosis(exercises.check_classify_critical_point(_diagonal))
    assert "diagonal entries where its eigenvalues were meant" in named

    def swapped(H):
        kind = _classify(H)
        return {"minimum": "maximum", "maximum": "minimum"}.get(kind, kind)

    assert "minimum and maximum swapped" in diagnosis(
        exercises.check_classify_critical_point(swapped)
    )
    # always "saddle": no single classic mistake explains it
    assert (
        diagnosis(exercises.check_classify_critical_point(lambda H: "saddle")) is None
    )

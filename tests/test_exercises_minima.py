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
    assert result.ok and result.passed == result.total == 10
    assert repr(result) == "All 10 cases passed: classify(hessian) is right."


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
    assert "diagonal entries where its eigenvalues were meant. Hint" in named

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


def test_the_rank_one_case_has_rounding_level_eigenvalues_of_both_signs():
    # in exact arithmetic its eigenvalues are 14, 0, 0
    eig = np.linalg.eigvalsh(np.outer([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]))
    assert np.isclose(eig[-1], 14.0)
    assert eig[0] < 0 < eig[1] and np.abs(eig[:2]).max() < 1e-12


def test_classify_names_an_answer_without_a_tolerance():
    def exact(H):
        eig = np.linalg.eigvalsh(H)
        if eig.min() < 0 < eig.max():
            return "saddle"
        if np.any(eig == 0):
            return "degenerate"
        return "minimum" if eig.min() > 0 else "maximum"

    result = exercises.check_classify_critical_point(exact)
    # only the rank-one case, whose zeros come out as +-1e-16, shows it
    assert result.passed == 8 and "Case 9" in result.failure
    assert "with no tolerance" in diagnosis(result)


def test_classify_names_a_zero_tested_before_mixed_signs():
    def degenerate_first(H):
        eig = np.linalg.eigvalsh(H)
        if np.any(np.abs(eig) <= 1e-9):
            return "degenerate"
        if eig.min() < 0 < eig.max():
            return "saddle"
        return "minimum" if eig.min() > 0 else "maximum"

    result = exercises.check_classify_critical_point(degenerate_first)
    assert "Case 7" in result.failure and "got:      'degenerate'" in result.failure
    assert "a zero eigenvalue tested before mixed signs. Hint" in diagnosis(result)


def test_classify_names_a_semidefinite_hessian_taken_for_a_minimum():
    def semidefinite(H):
        eig = np.linalg.eigvalsh(H)
        if eig.min() < -1e-9 and eig.max() > 1e-9:
            return "saddle"
        if eig.min() >= -1e-9 and eig.max() > 1e-9:
            return "minimum"
        if eig.max() <= 1e-9 and eig.min() < -1e-9:
            return "maximum"
        return "degenerate"

    result = exercises.check_classify_critical_point(semidefinite)
    assert "Case 5" in result.failure and "got:      'minimum'" in result.failure
    assert "no negative eigenvalue taken to mean a minimum" in diagnosis(result)


def test_classify_names_the_two_weight_determinant_test():
    def determinant(H):
        det = np.linalg.det(H)
        if abs(det) <= 1e-9:
            return "degenerate"
        if det < 0:
            return "saddle"
        return "minimum" if np.trace(H) > 0 else "maximum"

    result = exercises.check_classify_critical_point(determinant)
    # right on every 2x2 case; wrong on diag(2, 0, -1) and diag(3, -1, -1)
    assert result.passed == 6
    named = diagnosis(result)
    assert "the determinant test for two weights used with three" in named
    # the hint covers both failing cases: the shown one (det 0 at a saddle)
    # and diag(3, -1, -1) (two negative eigenvalues, det positive)
    assert "Case 7" in result.failure
    assert "makes it 0 even at a saddle" in named and "make it positive" in named


def test_classify_names_a_zero_eigenvalue_taken_for_a_saddle():
    def no_degenerate(H):
        eig = np.linalg.eigvalsh(H)
        if eig[0] > 1e-9:
            return "minimum"
        if eig[-1] < -1e-9:
            return "maximum"
        return "saddle"

    result = exercises.check_classify_critical_point(no_degenerate)
    # diag(2, 0), the rank-one case and the zero matrix: all degenerate
    assert result.passed == 4 and "Case 5" in result.failure
    assert "got:      'saddle'" in result.failure
    named = diagnosis(result)
    assert "a zero eigenvalue with no mixed signs taken to mean a saddle" in named
    assert "w1**2 + w2**4" in named

    def psd_singular_saddle(H):
        # only a zero eigenvalue beside positive ones is called a saddle
        eig = np.linalg.eigvalsh(H)
        if eig[0] < -1e-9 and eig[-1] > 1e-9:
            return "saddle"
        if np.all(np.abs(eig) <= 1e-9):
            return "degenerate"
        if np.any(np.abs(eig) <= 1e-9):
            return "saddle"
        return "minimum" if eig[0] > 0 else "maximum"

    assert "taken to mean a saddle" in diagnosis(
        exercises.check_classify_critical_point(psd_singular_saddle)
    )


def test_classify_names_a_diagonal_answer_that_also_tests_zero_first():
    def diagonal_zero_first(H):
        d = np.diag(H)
        if np.all(d > 0):
            return "minimum"
        if np.all(d < 0):
            return "maximum"
        return "degenerate" if np.any(d == 0) else "saddle"

    named = diagnosis(exercises.check_classify_critical_point(diagonal_zero_first))
    assert "diagonal entries" in named and "a zero tested before mixed signs" in named


def test_each_classic_mistake_fails_a_different_set_of_cases():
    from gdcourse.exercises import minima

    mistakes = [
        _diagonal,
        minima._no_tolerance,
        minima._degenerate_first,
        minima._determinant_test,
        minima._semidefinite_as_definite,
        minima._degenerate_as_saddle,
        minima._swap_min_max,
    ]
    failing = [
        frozenset(
            i
            for i, H in enumerate(minima._CLASSIFY_CASES)
            if wrong(H) != landscape.classify_critical_point(H).kind
        )
        for wrong in mistakes
    ]
    assert all(failing) and len(set(failing)) == len(failing)

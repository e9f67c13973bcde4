"""Chapter 2 checker: the largest stable rate of a quadratic, against measured descent."""

import numpy as np

from gdcourse import exercises
from gdcourse.descent import gradient_descent
from gdcourse.exercises import learning_rates
from gdcourse.surfaces import quadratic


def correct(A):
    return 2.0 / np.max(np.linalg.eigvalsh(A))


def test_correct_answer_passes_every_case():
    result = exercises.check_largest_stable_rate(correct)
    assert result.ok and result.passed == result.total == 5
    assert repr(result) == "All 5 cases passed: largest_stable_rate(A) is right."


def test_the_reference_is_the_measured_edge_of_stability():
    A = np.array([[2.0, 1.0], [1.0, 2.0]])
    rate = learning_rates._largest_stable_rate(A)
    s = quadratic(A)
    assert not gradient_descent(s, [1.0, 0.5], lr=0.98 * rate, steps=2000).diverged
    assert gradient_descent(s, [1.0, 0.5], lr=1.02 * rate, steps=2000).diverged


def test_common_mistakes_are_reported_in_words():
    diagonal_only = exercises.check_largest_stable_rate(
        lambda A: 2.0 / np.max(np.diag(A))
    )
    assert not diagonal_only.ok and diagonal_only.passed == 2
    assert "Case 3" in repr(diagonal_only) and "the numbers differ" in repr(
        diagonal_only
    )
    smallest = exercises.check_largest_stable_rate(
        lambda A: 2.0 / np.min(np.linalg.eigvalsh(A))
    )
    assert not smallest.ok and smallest.passed == 1
    one_over = exercises.check_largest_stable_rate(
        lambda A: 1.0 / np.max(np.linalg.eigvalsh(A))
    )
    assert one_over.passed == 0
    starter = exercises.check_largest_stable_rate(lambda A: None)
    assert "returned None" in repr(starter)


def diagnosis(result):
    last = repr(result).splitlines()[-1].strip()
    return last if last.startswith("It looks like") else None


def test_classic_mistakes_are_named():
    one_over = exercises.check_largest_stable_rate(
        lambda A: 1.0 / np.linalg.eigvalsh(A)[-1]
    )
    assert "1/L instead of 2/L" in diagnosis(one_over)
    diagonal = exercises.check_largest_stable_rate(lambda A: 2.0 / np.max(np.diag(A)))
    assert "diagonal entry of A where its largest eigenvalue" in diagnosis(diagonal)
    smallest = exercises.check_largest_stable_rate(
        lambda A: 2.0 / np.linalg.eigvalsh(A)[0]
    )
    assert "the smallest curvature" in diagnosis(smallest)
    per_entry = exercises.check_largest_stable_rate(
        lambda A: 2.0 / np.linalg.eigvalsh(A)
    )
    assert "an array where a single number was expected" in diagnosis(per_entry)
    assert diagnosis(exercises.check_largest_stable_rate(lambda A: None)) is None


def test_the_reference_is_theory_stability_limit_of_the_largest_curvature():
    from gdcourse import theory

    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    assert learning_rates._largest_stable_rate(A) == theory.stability_limit(
        np.linalg.eigvalsh(A)[-1]
    )

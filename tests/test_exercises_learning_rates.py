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


def test_the_best_rate_is_named_as_the_best_rate_not_the_limit():
    def best_rate(A):
        curvatures = np.linalg.eigvalsh(A)
        return 2.0 / (curvatures[0] + curvatures[-1])

    result = exercises.check_largest_stable_rate(best_rate)
    assert not result.ok and result.passed == 0
    assert "2/(mu + L), the best fixed rate" in diagnosis(result)
    assert "largest rate that still converges" in diagnosis(result)


def test_each_classic_mistake_gets_only_its_own_diagnosis():
    ev = np.linalg.eigvalsh
    mistakes = {
        "1/L instead of 2/L": lambda A: 1.0 / ev(A)[-1],
        "the best fixed rate": lambda A: 2.0 / (ev(A)[0] + ev(A)[-1]),
        "diagonal entry": lambda A: 2.0 / np.max(np.diag(A)),
        "smallest curvature": lambda A: 2.0 / ev(A)[0],
        "reciprocal": lambda A: ev(A)[-1] / 2.0,
    }
    for words, wrong in mistakes.items():
        said = diagnosis(exercises.check_largest_stable_rate(wrong))
        assert said is not None and words in said, (words, said)
        others = [w for w in mistakes if w != words]
        assert not any(w in said for w in others), (words, said)


def test_unrecognised_wrong_answers_get_no_diagnosis():
    ev = np.linalg.eigvalsh
    for wrong in (
        lambda A: 1.0 / (ev(A)[0] + ev(A)[-1]),
        lambda A: 2.0 / np.trace(A),
        lambda A: 0.8 * 2.0 / ev(A)[-1],
    ):
        assert diagnosis(exercises.check_largest_stable_rate(wrong)) is None


def test_unsorted_eigvals_are_named_as_unsorted_not_as_the_smallest():
    for pick in (-1, 0):  # the last or the first of np.linalg.eigvals

        def unsorted(A, pick=pick):
            return 2.0 / np.linalg.eigvals(A)[pick]

        result = exercises.check_largest_stable_rate(unsorted)
        assert not result.ok
        said = diagnosis(result)
        assert said is not None and "does not sort them" in said, (pick, said)
        assert "eigvalsh" in said and "smallest curvature" not in said
    # eigvalsh sorts: its first entry is the smallest curvature on every case
    smallest = diagnosis(
        exercises.check_largest_stable_rate(lambda A: 2.0 / np.linalg.eigvalsh(A)[0])
    )
    assert "the smallest curvature" in smallest and "does not sort" not in smallest


def test_a_rate_just_below_the_limit_is_named():
    ev = np.linalg.eigvalsh
    for wrong, shown in (
        (lambda A: 0.99 * 2.0 / ev(A)[-1], "0.99 times it"),
        (lambda A: 1.9 / ev(A)[-1], "0.95 times it"),
        (lambda A: 2.0 / ev(A)[-1] - 1e-6, "times it"),
    ):
        said = diagnosis(exercises.check_largest_stable_rate(wrong))
        assert said is not None and "just below the limit" in said, said
        assert shown in said and "supremum" in said
    # the best fixed rate can be 0.9 of the limit on some cases, not on all
    best = diagnosis(
        exercises.check_largest_stable_rate(lambda A: 2.0 / (ev(A)[0] + ev(A)[-1]))
    )
    assert "the best fixed rate" in best and "just below" not in best
    # a rate above the limit, or one per eigenvalue, is not "just below"
    for wrong in (lambda A: 1.05 * 2.0 / ev(A)[-1], lambda A: 0.99 * 2.0 / ev(A)):
        said = diagnosis(exercises.check_largest_stable_rate(wrong))
        assert said is None or "just below" not in said


def test_bounds_on_the_largest_eigenvalue_are_named_not_called_a_margin():
    frobenius = diagnosis(
        exercises.check_largest_stable_rate(lambda A: 2.0 / np.linalg.norm(A))
    )
    assert frobenius is not None and "Frobenius norm" in frobenius
    assert "rank one" in frobenius and "just below" not in frobenius
    row_sum = diagnosis(
        exercises.check_largest_stable_rate(lambda A: 2.0 / np.abs(A).sum(axis=1).max())
    )
    assert row_sum is not None and "row sum" in row_sum
    assert "just below" not in row_sum
    # the spectral norm of a symmetric positive definite A is its largest
    # eigenvalue: that answer is right, not a bound
    assert exercises.check_largest_stable_rate(lambda A: 2.0 / np.linalg.norm(A, 2)).ok


def test_a_ratio_that_changes_from_case_to_case_is_not_a_margin():
    ev = np.linalg.eigvalsh
    for wrong in (
        lambda A: 2.0 / ev(A)[-1] - 1e-3,  # an offset, not a factor
        lambda A: 2.0 / (ev(A)[-1] + 0.01 * ev(A)[0]),
    ):
        said = diagnosis(exercises.check_largest_stable_rate(wrong))
        assert said is None or "just below" not in said, said

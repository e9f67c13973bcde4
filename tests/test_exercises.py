"""Exercise checkers: plain-words reports for right, wrong, broken and missing answers."""

import numpy as np
import pytest

from gdcourse import exercises


def right_step(w, grad, lr):
    return w - lr * grad


def test_a_correct_function_passes_every_case():
    result = exercises.check_gradient_step(right_step)
    assert result.ok and result.passed == result.total == 4
    assert repr(result) == "All 4 cases passed: gradient_step(w, grad, lr) is right."


def test_a_wrong_function_reports_inputs_expected_and_got():
    result = exercises.check_gradient_step(lambda w, grad, lr: w + lr * grad)
    assert not result.ok and result.passed == 0
    text = repr(result)
    assert "Case 1: gradient_step(array([ 1., -2.]), array([0.5, 0.5]), 0.1)" in text
    assert "expected: array([ 0.95, -2.05])" in text
    assert "got:      array([ 1.05, -1.95])" in text


def test_the_first_failing_case_is_named():
    # right except when the gradient is exactly zero somewhere
    def wrong_on_last(w, grad, lr):
        return w - lr * grad + (grad == 0)

    result = exercises.check_gradient_step(wrong_on_last)
    assert result.passed == 3 and "Case 4" in result.failure


def test_an_exception_is_reported_without_a_traceback():
    def broken(w, grad, lr):
        raise KeyError("oops")

    result = exercises.check_gradient_step(broken)
    assert "\n  raised KeyError: 'oops'\n" in result.failure
    assert "Traceback" not in repr(result)


@pytest.mark.parametrize(
    "answer, reason",
    [
        (lambda w, grad, lr: None, "returned None"),
        (lambda w, grad, lr: "text", "not a number"),
        (lambda w, grad, lr: np.zeros(7), "has shape (7,), expected shape (2,)"),
    ],
)
def test_missing_or_malformed_answers(answer, reason):
    assert reason in exercises.check_gradient_step(answer).failure


def test_not_a_function():
    result = exercises.check_gradient_step(3)
    assert not result.ok and "Expected a function" in result.failure


def test_inputs_are_copied_so_mutation_cannot_fool_the_check():
    def mutating(w, grad, lr):
        w -= lr * grad
        return w

    assert exercises.check_gradient_step(mutating).ok


def test_mse_gradient_checker_against_finite_differences():
    def fd_gradient(w, X, y, h=1e-6):
        loss = lambda v: 0.5 * np.mean((X @ v - y) ** 2)
        return np.array(
            [(loss(w + h * e) - loss(w - h * e)) / (2 * h) for e in np.eye(len(w))]
        )

    assert exercises.check_mse_gradient(fd_gradient).ok
    wrong = exercises.check_mse_gradient(
        lambda w, X, y: X.T @ (X @ w - y)
    )  # forgot the 1/n
    assert not wrong.ok and "numbers differ" in wrong.failure


def test_describe_is_stable():
    assert exercises.describe(np.array([1 / 3, 2.0])) == "array([0.333333, 2.      ])"
    assert exercises.describe(0.1 + 0.2) == "0.3"
    assert exercises.describe("a") == "'a'"

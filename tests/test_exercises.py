"""Exercise checkers' core and diagnoses: plain-words reports for right, wrong, broken and missing answers."""

import numpy as np
import pytest

from gdcourse import exercises
from gdcourse.exercises import diagnose as dg


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


@pytest.mark.parametrize("error, ok", [(1e-9, True), (1e-8, True), (1e-4, False)])
def test_a_near_miss_fails_and_rounding_passes(error, ok):
    # the default tolerance (1e-6 relative) accepts a different summation
    # order, not an answer off in its fourth digit
    def perturbed(w, grad, lr):
        return right_step(w, grad, lr) * (1 + error)

    result = exercises.check_gradient_step(perturbed)
    assert result.ok is ok
    if not ok:
        assert "the numbers differ" in result.failure
    twice = exercises.core.check(
        lambda x: 2 * x * (1 + error), lambda x: 2 * x, [(1.0,), (300.0,)]
    )
    assert twice.ok is ok


def test_an_answer_off_by_more_than_the_absolute_tolerance_near_zero_fails():
    zero = [(0.0,)]
    assert exercises.core.check(lambda x: 1e-10, lambda x: x, zero).ok
    assert not exercises.core.check(lambda x: 1e-7, lambda x: x, zero).ok


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


# --- the diagnosis layer -----------------------------------------------------


def diagnosis(result):
    """The diagnosis line of a report, or None."""
    last = repr(result).splitlines()[-1].strip()
    return last if last.startswith("It looks like") else None


def test_an_unrecognised_wrong_answer_gets_the_plain_report():
    result = exercises.check_gradient_step(lambda w, grad, lr: w - lr * grad + 0.3)
    assert repr(result).endswith("  the numbers differ")
    assert diagnosis(result) is None


def test_a_diagnosis_must_explain_every_failing_case():
    # uphill in the first two cases, no rate in the others: neither explains all
    def mixed(w, grad, lr):
        return w + lr * grad if len(w) == 2 else w - grad

    result = exercises.check_gradient_step(mixed)
    assert not result.ok and diagnosis(result) is None
    # the same mistake everywhere is named
    uphill = exercises.check_gradient_step(lambda w, grad, lr: w + lr * grad)
    assert "a step uphill" in diagnosis(uphill)


def test_every_case_is_run_but_the_first_failure_is_shown():
    calls = []

    def counting(w, grad, lr):
        calls.append(1)
        return w + lr * grad

    result = exercises.check_gradient_step(counting)
    assert len(calls) == result.total == 4
    assert result.passed == 0 and result.failure.startswith("Case 1:")


def test_an_exception_is_one_line_and_named_when_every_case_raises():
    def broken(w, grad, lr):
        raise ValueError("first line\nsecond line\nthird line")

    text = repr(exercises.check_gradient_step(broken))
    assert "raised ValueError: first line ..." in text
    assert "second line" not in text and "Traceback" not in text
    assert "every failing case raised ValueError" in diagnosis(
        exercises.check_gradient_step(broken)
    )


def test_nan_in_the_answer_is_named():
    result = exercises.check_mse_gradient(lambda w, X, y: w * np.nan)
    assert "NaN or infinity" in diagnosis(result)


def test_one_line_truncates_a_long_message():
    line = exercises.core.one_line(RuntimeError("x" * 500))
    assert line.startswith("raised RuntimeError: xxx") and line.endswith(" ...")
    assert len(line) < 250


def test_check_arguments_go_through_gdcourse_checks():
    with pytest.raises(ValueError, match="rtol must be a non-negative finite number"):
        exercises.check(right_step, right_step, [(1.0, 1.0, 1.0)], rtol=-1)
    with pytest.raises(ValueError, match="reference must be a function"):
        exercises.check(right_step, 3, [(1.0, 1.0, 1.0)])


def test_describe_shows_a_tuple_number_by_number():
    assert exercises.describe((np.float64(1 / 3), np.int64(2))) == "(0.333333, 2)"
    assert exercises.describe((np.array([1.0, 0.5]),)) == "(array([1. , 0.5]),)"


def test_an_integer_answer_must_be_an_integer():
    cases = [(3,), (4,)]
    ok = exercises.check(lambda n: np.int64(n + 1), lambda n: n + 1, cases)
    assert ok.ok
    floats = exercises.check(lambda n: float(n + 1), lambda n: n + 1, cases)
    assert "the answer must be an integer, got float" in floats.failure


# --- diagnosis factories, one by one --------------------------------------------


def outcome(expected, got, *args):
    return dg.Outcome(args, expected, got)


def test_factor_names_the_factor_both_ways_and_needs_it_in_every_case():
    d = dg.factor(("N", lambda n: n), constant=False)
    big = [outcome(np.array([1.0, 2.0]), np.array([3.0, 6.0]), 3)]
    small = [outcome(np.array([4.0, 2.0]), np.array([1.0, 0.5]), 4)]
    assert "the expected answer times N" in d(big)
    assert "the expected answer divided by N" in d(small)
    assert d(big + small) is None  # one times N, one divided by N: no single story
    assert d([outcome(np.array([1.0, 2.0]), np.array([2.0, 6.0]), 3)]) is None


def test_an_unnamed_factor_must_be_constant_and_shown_by_two_numbers():
    d = dg.factor()
    assert "times a constant, 3" in d(
        [outcome(np.array([1.0, 2.0]), np.array([3.0, 6.0]))]
    )
    assert d([outcome(1.0, 3.0)]) is None  # one number: any wrong number is a multiple
    assert d([outcome(1.0, 3.0), outcome(2.0, 6.0)]) is not None
    assert d([outcome(1.0, 3.0), outcome(2.0, 5.0)]) is None
    assert d([outcome(np.array([0.0, 1.0]), np.array([1.0, 3.0]))]) is None


def test_sign_off_by_one_and_not_an_integer():
    assert "opposite sign" in dg.sign("h")(
        [outcome(np.array([1.0, -2.0]), np.array([-1.0, 2.0]))]
    )
    assert dg.sign("h")([outcome(np.zeros(2), np.zeros(2))]) is None
    d = dg.off_by_one("epoch", "h")
    assert "one epoch too large" in d([outcome(5, 6), outcome(2, 3)])
    assert d([outcome(5, 6), outcome(2, 1)]) is None  # not the same way
    assert d([outcome(5, 7)]) is None
    assert dg.not_an_integer("steps")([outcome(5, 5.0)]) is not None
    assert dg.not_an_integer("steps")([outcome(5, np.int64(4))]) is None


def test_path_off_by_one_tells_missing_start_short_and_long():
    path = np.array([[3.0], [1.5], [0.75]])
    d = dg.path_off_by_one()
    assert "missing its start" in d([outcome(path, path[1:])])
    assert "one step too short" in d([outcome(path, path[:-1])])
    assert "one step too long" in d([outcome(path, np.vstack([path, [[0.375]]]))])
    assert d([outcome(path, path[::-1])]) is None


def test_wrong_shape_names_rows_columns_and_arrays_for_numbers():
    col = np.array([[1.0], [2.0], [3.0]])
    d = dg.wrong_shape()
    assert "a row where a column was expected" in d([outcome(col, col.T)])
    assert "shape (3, 1)" in d([outcome(col, col.T)])
    assert "a column where a row was expected" in d([outcome(col.T, col)])
    assert "an array where a single number" in d([outcome(2.0, np.array([2.0, 1.0]))])
    assert "the right numbers in the wrong shape" in d(
        [outcome(np.arange(4.0), np.arange(4.0).reshape(2, 2))]
    )
    assert d([outcome(np.arange(4.0), np.ones(3))]) is None
    assert "a single number where an array" in d([outcome(np.ones(3), 1.0)])


def test_components_name_the_right_and_the_wrong_parts():
    d = dg.components(("a", "b"), notes={("b",): "look at b"})
    assert d([outcome((1.0, 2.0), (1.0, 5.0))]).endswith(
        "a is right but b is wrong. Hint: look at b."
    )
    assert "b is right but a is wrong" in d([outcome((1.0, 2.0), (7.0, 2.0))])
    assert d([outcome((1.0, 2.0), (7.0, 5.0))]) is None


def test_a_variant_that_gives_the_right_answer_cannot_explain_a_case():
    d = dg.variant(lambda x: abs(x), "an absolute value", "h")
    # abs(2) is right, so the variant says nothing about a wrong answer at x = 2
    assert d([outcome(2.0, 2.5, 2.0)]) is None
    assert "an absolute value" in d([outcome(-3.0, 3.0, -3.0)])


def test_a_variant_must_also_give_the_expected_answer_where_the_reader_passed():
    d = dg.variant(lambda x: -x, "x negated", "h")
    failing = [outcome(2.0, -2.0, 2.0)]
    assert "x negated" in d(failing)
    # the reader passed x = 0, where -x is right too: it cannot tell
    assert "x negated" in d(failing, [outcome(0.0, 0.0, 0.0)])
    # the reader passed x = 1, where -x is wrong: not the reader's mistake
    assert d(failing, [outcome(1.0, 1.0, 1.0)]) is None

    # a check hands the cases that passed to every variant
    def right_but_at_two(x):
        return -x if x == 2.0 else x

    result = exercises.core.check(
        right_but_at_two,
        lambda x: x,
        [(1.0,), (2.0,)],
        name="f(x)",
        diagnoses=[d, dg.sign("h")],
    )
    assert "x negated" not in repr(result)
    assert "the answer is minus the expected one" in repr(result)


def test_a_variant_whose_formula_breaks_down_on_a_passed_case_still_applies():
    # x / |x| is nan at 0, where a reader's np.sign(x) is right
    d = dg.variant(lambda x: x / np.abs(x), "the sign alone", "h")
    with np.errstate(invalid="ignore"):
        assert "the sign alone" in d([outcome(2.0, 1.0, 2.0)], [outcome(0.0, 0.0, 0.0)])


def test_a_diagnosis_that_fails_to_read_an_answer_does_not_apply():
    def broken(failing):
        raise TypeError("cannot read")

    assert (
        dg.diagnose([outcome(1.0, 2.0)], [broken, dg.factor(("2", lambda: 2))])
        is not None
    )
    assert dg.diagnose([], [dg.factor()]) is None

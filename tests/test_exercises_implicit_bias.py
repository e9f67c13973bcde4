"""Chapter 11 checkers: the early-stopped weights without a loop, and the step count matching ridge."""

import numpy as np
import pytest

from gdcourse import exercises, implicit
from gdcourse.descent import gradient_descent
from gdcourse.exercises import implicit_bias


def early_stopped(X, y, lr, steps):
    lam, V = np.linalg.eigh(X.T @ X / len(y))
    best = np.linalg.pinv(X) @ y
    return V @ ((1 - (1 - lr * lam) ** steps) * (V.T @ best))


def by_the_loop(X, y, lr, steps):
    w = np.zeros(X.shape[1])
    for _ in range(steps):
        w = w - lr * X.T @ (X @ w - y) / len(y)
    return w


def diagnosis(result):
    last = repr(result).splitlines()[-1].strip()
    return last if last.startswith("It looks like") else None


def test_right_answers_pass():
    for right in (early_stopped, by_the_loop):
        result = exercises.check_early_stopped(right)
        assert result.ok and result.total == 5, repr(result)


def test_the_reference_is_gradient_descent():
    for X, y, lr, steps in implicit_bias._EARLY_STOPPED_CASES:
        run = gradient_descent(
            implicit.regression_loss(X, y), np.zeros(X.shape[1]), lr=lr, steps=steps
        )
        np.testing.assert_allclose(
            implicit_bias._early_stopped(X, y, lr, steps), run.weights[-1], atol=1e-12
        )


def with_filter(factor, best=lambda X, y: np.linalg.pinv(X) @ y, rows=False, n=None):
    """An answer along the eigenvectors of X^T X / n (of X^T X with n=1)."""

    def answer(X, y, lr, steps):
        scale = len(y) if n is None else n(y) if callable(n) else n
        lam, V = np.linalg.eigh(X.T @ X / scale)
        lam = np.where(lam > 1e-12 * lam.max(), lam, 0.0)
        f = np.where(lam > 0, factor(lam, lr, steps), 0.0)
        if rows:
            return V.T @ (f * (V @ best(X, y)))
        return V @ (f * (V.T @ best(X, y)))

    return answer


def gd_filter(lam, lr, k):
    return 1 - (1 - lr * lam) ** k


MISTAKES = [
    (
        with_filter(lambda lam, lr, k: 1 - (1 - lr * lam) ** (k - 1.0)),
        "one step too early",
    ),
    (
        with_filter(lambda lam, lr, k: 1 - (1 - lr * lam) ** (k + 1.0)),
        "one step too late",
    ),
    (
        with_filter(lambda lam, lr, k: lam / (lam + 1 / (lr * k)) if k else 0 * lam),
        "ridge regression with alpha = 1/(lr*steps)",
    ),
    (
        with_filter(lambda lam, lr, k: 1 - np.exp(-lr * k * lam)),
        "the gradient flow's filter",
    ),
    (
        with_filter(lambda lam, lr, k: (1 - lr * lam) ** k),
        "the part of w_dagger not yet fitted",
    ),
    (with_filter(gd_filter, n=1), "every step n times too large"),
    (
        lambda X, y, lr, steps: np.linalg.pinv(X) @ y,
        "the minimum-norm solution itself",
    ),
    (with_filter(gd_filter, rows=True), "the eigenvectors read as rows"),
    (
        with_filter(gd_filter, best=lambda X, y: np.linalg.pinv(X.T) @ y),
        "pinv(X.T) @ y where pinv(X) @ y was meant",
    ),
    (lambda X, y, lr, steps: -early_stopped(X, y, lr, steps), "the opposite sign"),
    (
        lambda X, y, lr, steps: early_stopped(X, y, lr, steps)[:, None],
        "the right numbers in the wrong shape",
    ),
]


def loop_without_one_over_n(X, y, lr, steps):
    w = np.zeros(X.shape[1])
    for _ in range(steps):
        w = w - lr * X.T @ (X @ w - y)
    return w


def with_solve(X, y, lr, steps):
    """The filter applied to solve(X^T X, X^T y): X^T X is singular when d > n."""
    return with_filter(gd_filter, best=lambda X, y: np.linalg.solve(X.T @ X, X.T @ y))(
        X, y, lr, steps
    )


def with_inv(X, y, lr, steps):
    return with_filter(
        gd_filter, best=lambda X, y: np.linalg.inv(X.T @ X / len(y)) @ X.T @ y / len(y)
    )(X, y, lr, steps)


def loop_with_rate(scale):
    """Gradient descent with every step ``scale`` times the right one."""

    def answer(X, y, lr, steps):
        w = np.zeros(X.shape[1])
        for _ in range(steps):
            w = w - scale * lr * X.T @ (X @ w - y) / len(y)
        return w

    return answer


def loop_uphill(X, y, lr, steps):
    """The closed form with the opposite sign: -w_k."""
    w = np.zeros(X.shape[1])
    for _ in range(steps):
        w = w - lr * X.T @ (X @ w - y) / len(y)
    return -w


def coordinates_only(X, y, lr, steps):
    """The filtered coordinates along the eigenvectors, without V @ (...)."""
    lam, V = np.linalg.eigh(X.T @ X / len(y))
    best = np.linalg.pinv(X) @ y
    return (1 - (1 - lr * lam) ** steps) * (V.T @ best)


def coordinates_by_svd(X, y, lr, steps):
    """The same from the SVD: descending order, its own signs."""
    _, s, Vt = np.linalg.svd(X)
    lam = np.zeros(X.shape[1])
    lam[: len(s)] = s**2 / len(y)
    return (1 - (1 - lr * lam) ** steps) * (Vt @ np.linalg.pinv(X) @ y)


MISTAKES += [
    (loop_without_one_over_n, "the gradient X^T (Xw - y)"),
    (loop_with_rate(2.0), "twice as large"),
    (with_filter(lambda lam, lr, k: 1 - (1 - 2 * lr * lam) ** k), "twice as large"),
    (loop_with_rate(0.5), "half as large"),
    (with_filter(gd_filter, n=lambda y: 2 * len(y)), "half as large"),
    (
        with_filter(gd_filter, best=lambda X, y: X.T @ y / len(y)),
        "the filter applied to the coordinates of X^T y / n",
    ),
    (loop_uphill, "the opposite sign"),
    (
        with_filter(lambda lam, lr, k: (1 - lr * lam) ** k - 1),
        "check the sign of your factor: 1 - (1 - lr*lambda)**k is positive",
    ),
    (coordinates_only, "returned without turning them back into weights"),
    (coordinates_by_svd, "returned without turning them back into weights"),
    (with_solve, "singular when d > n"),
    (with_inv, "singular when d > n"),
]


@pytest.mark.parametrize(
    ("wrong", "named"), MISTAKES, ids=[m[1][:30] for m in MISTAKES]
)
def test_each_classic_mistake_is_named(wrong, named):
    result = exercises.check_early_stopped(wrong)
    assert not result.ok
    said = diagnosis(result)
    assert said is not None and named in said, repr(result)


def test_the_starter_and_an_unrelated_answer_get_the_plain_report():
    starter = exercises.check_early_stopped(
        lambda X, y, lr, steps: np.zeros(X.shape[1])
    )
    assert repr(starter).endswith("the numbers differ")
    halfway = exercises.check_early_stopped(
        lambda X, y, lr, steps: 0.5 * np.linalg.pinv(X) @ y
    )
    assert "It looks like the expected answer times" not in repr(halfway)


def test_a_rate_off_by_another_factor_gets_no_rate_diagnosis():
    # three times the rate is n times on the n = 3 case only: no named cause fits
    for scale in (3.0, 1.5):
        said = diagnosis(exercises.check_early_stopped(loop_with_rate(scale)))
        assert said is None or not any(
            w in said for w in ("twice", "half", "n times", "1/n")
        ), said


def test_gradient_ascent_is_not_called_a_sign_flip():
    # w + lr * grad f is -w_k after one step only: not minus the answer throughout
    def ascent(X, y, lr, steps):
        w = np.zeros(X.shape[1])
        for _ in range(steps):
            w = w + lr * X.T @ (X @ w - y) / len(y)
        return w

    said = diagnosis(exercises.check_early_stopped(ascent))
    assert said is None or "sign" not in said


def test_a_linalg_error_is_not_taken_for_a_shape_error():
    for wrong in (with_solve, with_inv):
        said = diagnosis(exercises.check_early_stopped(wrong))
        assert said is not None and "pinv(X.T)" not in said


def test_a_solve_with_a_non_square_x_gets_no_specific_diagnosis():
    # np.linalg.solve(X, y) raises LinAlgError ("must be square"), not "singular"
    def solve_x(X, y, lr, steps):
        return with_filter(gd_filter, best=lambda X, y: np.linalg.solve(X, y))(
            X, y, lr, steps
        )

    said = diagnosis(exercises.check_early_stopped(solve_x))
    assert said is None or ("singular" not in said and "pinv(X.T)" not in said)


def test_a_shape_error_alone_is_not_called_pinv_of_the_transpose():
    # X @ y instead of X.T @ y: a shape error where X is not square, but in the
    # square case the weights are not those of pinv(X.T) @ y
    def wrong_product(X, y, lr, steps):
        lam, V = np.linalg.eigh(X.T @ X / len(y))
        best = np.linalg.pinv(X.T @ X) @ (X @ y)
        return V @ ((1 - (1 - lr * lam) ** steps) * (V.T @ best))

    said = diagnosis(exercises.check_early_stopped(wrong_product))
    assert said is None or "pinv(X.T)" not in said


def test_coordinates_are_not_named_for_other_answers():
    # the weights themselves, up to sign, are not coordinates: the sign is named
    said = diagnosis(exercises.check_early_stopped(lambda *a: -early_stopped(*a)))
    assert said is not None and "coordinates" not in said


def test_the_chapter_shows_a_five_case_checker():
    assert len(implicit_bias._EARLY_STOPPED_CASES) == 5


# ----------------------------------------------------------------------------
# Exercise 11.3
# ----------------------------------------------------------------------------


def test_matching_distances_are_the_descent_runs():
    d = implicit_bias.matching_distances(max_steps=60)
    X, y = implicit_bias._matching_problem()
    ridge = implicit.ridge_solution(X, y, 0.01)
    run = gradient_descent(
        implicit.regression_loss(X, y), np.zeros(41), lr=0.9, steps=60
    )
    np.testing.assert_allclose(
        d,
        np.linalg.norm(run.weights - ridge, axis=1) / np.linalg.norm(ridge),
        rtol=1e-9,
    )


def test_the_best_count_passes_and_its_neighbours_within_the_slack():
    d = implicit_bias.matching_distances()
    k = int(np.argmin(d))
    assert 0 < k < 2000 and k < 1 / (0.9 * 0.01)  # earlier than the rule of thumb
    verdict = exercises.check_matching_steps(k)
    assert verdict.ok and "A match" in repr(verdict)
    near = [j for j in range(2001) if d[j] <= implicit_bias.MATCHING_SLACK * d.min()]
    assert all(exercises.check_matching_steps(j).ok for j in (near[0], near[-1]))
    assert not exercises.check_matching_steps(near[0] - 1).ok
    assert not exercises.check_matching_steps(near[-1] + 1).ok


def test_the_rule_of_thumb_is_named_and_directions_are_right():
    for k in (111, 112):  # the whole counts either side of 1/(0.9 * 0.01) = 111.1
        rule = repr(exercises.check_matching_steps(k))
        assert "either side of the rule of thumb" in rule and "fewer steps" in rule
    for k in (110, 113):
        assert "rule of thumb" not in repr(exercises.check_matching_steps(k))
    assert "more steps come closer" in repr(exercises.check_matching_steps(5))
    late = repr(exercises.check_matching_steps(400))
    assert "fewer steps come closer" in late and "rule of thumb" not in late


def test_at_the_rule_of_thumb_every_direction_is_fitted_more_than_ridge_keeps():
    X, _ = implicit_bias._matching_problem()
    lam = implicit.spectrum(X)[0]
    lam = lam[lam > 0]
    assert 0.9 * lam.max() <= 1  # the condition the report's reasoning needs
    for k in (111, 112):
        assert np.all(
            implicit.spectral_filter(lam, 0.9, k) > implicit.ridge_filter(lam, 0.01)
        )
        assert implicit_bias._fits_more_than_ridge(X, k)
    # far below the rule of thumb gradient descent has fitted less: not claimed
    assert not implicit_bias._fits_more_than_ridge(X, 5)


@pytest.mark.parametrize("bad", [55.5, -1, -3.0, float("nan"), "56", True])
def test_a_count_must_be_a_whole_number(bad):
    verdict = exercises.check_matching_steps(bad)
    assert not verdict.ok and "whole number of steps" in repr(verdict)


def test_a_whole_float_counts_as_its_integer():
    k = int(np.argmin(implicit_bias.matching_distances()))
    for whole in (float(k), np.round(np.float64(k) + 0.2), np.float32(k)):
        verdict = exercises.check_matching_steps(whole)
        assert verdict.ok and repr(verdict) == repr(exercises.check_matching_steps(k))
    assert repr(exercises.check_matching_steps(111.0)).startswith("111 steps:")


def test_one_step_is_singular():
    assert repr(exercises.check_matching_steps(1)).startswith("1 step:")

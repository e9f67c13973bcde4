"""Chapter 10 checkers: backtracking (Armijo), one damped Newton step, and a damping
that repairs Newton's method near a saddle, checked by running it."""

import re

import numpy as np
import pytest

from gdcourse import exercises, newton, stepsizes, surfaces
from gdcourse.descent import gradient_descent
from gdcourse.exercises import step_size


def diagnosis(result):
    last = repr(result).splitlines()[-1].strip()
    return last if last.startswith("It looks like") else None


# ---------------------------------------------------------------- backtracking


def backtrack(f, grad, w, lr0, c, shrink):
    g = grad(w)
    lr = lr0
    while f(w - lr * g) > f(w) - c * lr * (g @ g):
        lr = lr * shrink
    return lr


def backtrack_for_loop(f, grad, w, lr0, c, shrink):
    g = grad(w)
    f0, slope = f(w), -np.dot(g, g)
    for j in range(60):
        lr = lr0 * shrink**j
        if f(w + lr * -g) <= f0 + c * lr * slope:
            return lr
    return None


def with_test(accept):
    """A search from lr0 that shrinks until ``accept`` holds (a classic mistake)."""

    def search(f, grad, w, lr0, c, shrink):
        g = grad(w)
        lr = lr0
        while not accept(f, grad, w, g, lr, c):
            lr *= shrink
        return lr

    return search


wrong_sign = with_test(
    lambda f, grad, w, g, lr, c: f(w - lr * g) <= f(w) + c * lr * g @ g
)
any_decrease = with_test(lambda f, grad, w, g, lr, c: f(w - lr * g) <= f(w))
norm_not_squared = with_test(
    lambda f, grad, w, g, lr, c: f(w - lr * g) <= f(w) - c * lr * np.linalg.norm(g)
)
strict = with_test(lambda f, grad, w, g, lr, c: f(w - lr * g) < f(w) - c * lr * g @ g)


def gradient_at_the_new_point(f, grad, w, lr0, c, shrink):
    lr = lr0
    while True:
        x = w - lr * grad(w)
        g_new = grad(x)
        if f(x) <= f(w) - c * lr * (g_new @ g_new):
            return lr
        lr *= shrink


def last_rejected(f, grad, w, lr0, c, shrink):
    g = grad(w)
    lr = previous = lr0
    while f(w - lr * g) > f(w) - c * lr * (g @ g):
        previous = lr
        lr *= shrink
    return previous


def growing(f, grad, w, lr0, c, shrink):
    g = grad(w)
    lr = lr0
    while f(w - lr * g) > f(w) - c * lr * (g @ g):
        lr = lr / shrink
    return lr


def uphill(f, grad, w, lr0, c, shrink):
    g = grad(w)
    lr = lr0
    while f(w + lr * g) > f(w) - c * lr * (g @ g):
        lr = lr * shrink
    return lr


def never_updated(f, grad, w, lr0, c, shrink):
    g = grad(w)
    lr = lr0
    while f(w - lr * g) > f(w) - c * lr * (g @ g):
        smaller = lr * shrink  # noqa: F841 (the classic slip: never stored in lr)
    return lr


def grows_past_lr0(f, grad, w, lr0, c, shrink):
    """Expands while the test passes, as a Wolfe search does: not backtracking."""
    g = grad(w)

    def passes(lr):
        return f(w - lr * g) <= f(w) - c * lr * (g @ g)

    lr = lr0
    if passes(lr):
        while passes(lr / shrink):
            lr /= shrink
        return lr
    while not passes(lr):
        lr *= shrink
    return lr


def never_tries_lr0(f, grad, w, lr0, c, shrink):
    g = grad(w)
    lr = lr0
    while True:
        lr = lr * shrink
        if f(w - lr * g) <= f(w) - c * lr * (g @ g):
            return lr


def new_weights(f, grad, w, lr0, c, shrink):
    return w - backtrack(f, grad, w, lr0, c, shrink) * grad(w)


def with_count(f, grad, w, lr0, c, shrink):
    return backtrack(f, grad, w, lr0, c, shrink), 3


half_c = with_test(
    lambda f, grad, w, g, lr, c: f(w - lr * g) <= f(w) - c / 2 * lr * (g @ g)
)
double_c = with_test(
    lambda f, grad, w, g, lr, c: f(w - lr * g) <= f(w) - 2 * c * lr * (g @ g)
)
# the curvature condition with c2 = 0.9 instead of Armijo's test
strong_curvature = with_test(
    lambda f, grad, w, g, lr, c: abs(grad(w - lr * g) @ g) <= 0.9 * (g @ g)
)
weak_curvature = with_test(
    lambda f, grad, w, g, lr, c: grad(w - lr * g) @ g <= 0.9 * (g @ g)
)
strict_decrease = with_test(lambda f, grad, w, g, lr, c: f(w - lr * g) < f(w))


without_c = with_test(lambda f, grad, w, g, lr, c: f(w - lr * g) <= f(w) - lr * g @ g)
without_lr = with_test(lambda f, grad, w, g, lr, c: f(w - lr * g) <= f(w) - c * g @ g)
one_minus_c = with_test(
    lambda f, grad, w, g, lr, c: f(w - lr * g) <= f(w) - (1 - c) * lr * g @ g
)


def c_and_shrink_swapped(f, grad, w, lr0, c, shrink):
    return backtrack(f, grad, w, lr0, shrink, c)


def one_shrink_too_many(f, grad, w, lr0, c, shrink):
    g, lr = grad(w), lr0
    while f(w - lr * g) > f(w) - c * lr * g @ g:
        lr *= shrink
    return lr * shrink


def starts_at_one(f, grad, w, lr0, c, shrink):
    return backtrack(f, grad, w, 1.0, c, shrink)


def moves_w(f, grad, w, lr0, c, shrink):
    """Steps to each rejected trial point and tests again from there."""
    lr = lr0
    for _ in range(60):
        g = grad(w)
        if f(w - lr * g) <= f(w) - c * lr * (g @ g):
            return lr
        w = w - lr * g
        lr *= shrink
    return lr


def moves_w_keeps_g(f, grad, w, lr0, c, shrink):
    """Moves w after each failed trial but keeps the first gradient."""
    g, lr = grad(w), lr0
    while f(w - lr * g) > f(w) - c * lr * (g @ g):
        w = w - lr * g
        lr *= shrink
    return lr


def divides_by_shrink_capped(f, grad, w, lr0, c, shrink):
    """A capped loop whose rate grows: shrink divides instead of multiplying."""
    g, lr = grad(w), lr0
    for _ in range(50):
        if f(w - lr * g) <= f(w) - c * lr * (g @ g):
            return lr
        lr /= shrink
    return lr


def largest_component(f, grad, w, lr0, c, shrink):
    """g.g replaced by the largest squared component: right wherever one dominates."""
    g, lr = grad(w), lr0
    while f(w - lr * g) > f(w) - c * lr * np.max(g**2):
        lr *= shrink
    return lr


def three_trials(f, grad, w, lr0, c, shrink):
    """Gives up after three trials and returns the next rate, untested."""
    g = grad(w)
    lr = lr0
    for _ in range(3):
        if f(w - lr * g) <= f(w) - c * lr * (g @ g):
            return lr
        lr *= shrink
    return lr


BACKTRACK_MISTAKES = [
    (wrong_sign, "the slope term with the wrong sign"),
    (any_decrease, "a test for any decrease"),
    (strict, "a strict inequality"),
    (norm_not_squared, "the length of g, |g|, or another first power"),
    (gradient_at_the_new_point, "the gradient at the trial point"),
    (last_rejected, "a rate one shrink too large"),
    (growing, "a rate that grows from trial to trial"),
    (uphill, "trial points on the uphill side of w"),
    (never_updated, "the same trial point evaluated again and again"),
    (grows_past_lr0, "a rate above lr0"),
    (never_tries_lr0, "a search that never tries lr0"),
    (new_weights, "the new weights w - lr*g where the rate was expected"),
    (with_count, "a tuple whose first entry is the right rate"),
    (half_c, "c/2 where c belongs in the slope term"),
    (double_c, "2c where c belongs in the slope term"),
    (strong_curvature, "a test on the slope at the trial point"),
    (three_trials, "a rate the search never tested"),
    (without_c, "the slope term without c"),
    (without_lr, "slope term lacks the rate"),
    (one_minus_c, "1 - c where c belongs in the slope term"),
    (c_and_shrink_swapped, "c and shrink swapped"),
    (one_shrink_too_many, "a rate one shrink too small"),
    (starts_at_one, "a search that starts from 1 instead of lr0"),
    (moves_w, "a search that moves w between trials"),
    (moves_w_keeps_g, "a search that moves w between trials"),
    (divides_by_shrink_capped, "a rate above lr0"),
]


@pytest.mark.parametrize("right", [backtrack, backtrack_for_loop])
def test_right_searches_pass_every_case(right):
    result = exercises.check_backtrack(right)
    assert result.ok and result.total == 11
    assert repr(result) == (
        "All 11 cases passed: backtrack(f, grad, w, lr0, c, shrink) is right."
    )


def test_the_reference_is_the_rate_of_an_armijo_descent_step():
    for f, grad, w, lr0, c, shrink in step_size._backtrack_cases():
        s = f.surface
        run = gradient_descent(
            s, w, lr=stepsizes.armijo(lr0=lr0, c=c, shrink=shrink), steps=1
        )
        rate = step_size._backtrack(f, grad, w, lr0, c, shrink)
        assert rate == run.lrs[0]
        # the Armijo inequality holds at the rate and fails one shrink earlier
        g = s.grad(w)
        assert s(w - rate * g) <= s(w) - c * rate * (g @ g)
        if rate < lr0:
            bigger = rate / shrink
            assert s(w - bigger * g) > s(w) - c * bigger * (g @ g)


def test_the_first_case_has_the_two_sides_equal_and_only_there_strict_matters():
    cases = step_size._backtrack_cases()
    f, _, w, lr0, c, shrink = cases[0]
    g = f.surface.grad(w)
    lr = lr0 * shrink
    assert f.surface(w - lr0 * g) > f.surface(w) - c * lr0 * (g @ g)
    assert f.surface(w - lr * g) == f.surface(w) - c * lr * (g @ g)
    differs = [
        i
        for i, case in enumerate(cases)
        if step_size._strict(*case) != step_size._backtrack(*case)
    ]
    assert differs == [0]


def failing_cases(function):
    """Indices of the cases where ``function`` does not give the reference's rate."""
    out = set()
    for i, case in enumerate(step_size._backtrack_cases()):
        try:
            got = function(*case)
            ok = np.shape(got) == () and np.isclose(got, step_size._backtrack(*case))
        except step_size.TooManyEvaluations:
            ok = False
        if not ok:
            out.add(i)
    return frozenset(out)


def test_each_classic_mistake_fails_on_its_own_set_of_cases():
    wrong_values = [
        wrong_sign,
        any_decrease,
        strict,
        norm_not_squared,
        gradient_at_the_new_point,
        last_rejected,
        grows_past_lr0,
        never_tries_lr0,
    ]
    sets = [failing_cases(wrong) for wrong in wrong_values]
    assert all(sets) and len(set(sets)) == len(sets), sets
    # returning the last rejected rate and growing the rate both fail exactly
    # where lr0 must shrink, so no case can separate them: what comes back
    # does (a rate one shrink too large; a search that never ends)
    assert failing_cases(growing) == failing_cases(last_rejected)
    assert failing_cases(never_updated) == failing_cases(last_rejected)


@pytest.mark.parametrize("wrong, named", BACKTRACK_MISTAKES)
def test_backtrack_names_each_classic_mistake(wrong, named):
    result = exercises.check_backtrack(wrong)
    assert not result.ok
    assert named in (diagnosis(result) or ""), repr(result)


@pytest.mark.parametrize(
    "wrong, not_named",
    [
        (half_c, "the gradient at the trial point"),
        (strong_curvature, "a test for any decrease"),
        (three_trials, "a rate one shrink too large"),
    ],
)
def test_three_mistakes_that_fit_another_diagnosis_get_their_own(wrong, not_named):
    # c/2 fails where the gradient at the trial point does, the curvature test
    # where any decrease does, and three trials where one shrink too large
    # does: each gets its own diagnosis, never the other's
    result = exercises.check_backtrack(wrong)
    assert not result.ok
    assert not_named not in (diagnosis(result) or ""), repr(result)
    assert diagnosis(result) is not None


def answers(function):
    """What ``function`` returns on each case (the exception's name if it raises)."""
    out = []
    for case in step_size._backtrack_cases():
        try:
            out.append(float(function(*case)))
        except step_size.TooManyEvaluations as error:
            out.append(type(error).__name__)
    return tuple(out)


def test_no_two_classic_mistakes_return_the_same_rates_on_every_case():
    wrong_values = [
        wrong_sign,
        any_decrease,
        strict_decrease,
        strict,
        norm_not_squared,
        gradient_at_the_new_point,
        last_rejected,
        grows_past_lr0,
        never_tries_lr0,
        half_c,
        double_c,
        strong_curvature,
        three_trials,
        lambda f, grad, w, lr0, c, shrink: lr0,
    ]
    seen = [answers(wrong) for wrong in wrong_values]
    assert len(set(seen)) == len(seen)
    assert answers(backtrack) not in seen


def test_the_weak_curvature_test_is_returning_lr0_on_these_cases():
    # it accepts lr0 in every case, so nothing names it; no false diagnosis
    starter = answers(lambda f, grad, w, lr0, c, shrink: lr0)
    assert answers(weak_curvature) == starter
    result = exercises.check_backtrack(weak_curvature)
    assert not result.ok and diagnosis(result) is None


def test_the_curvature_hint_says_it_is_not_sufficient_decrease():
    for wrong in (strong_curvature,):
        text = diagnosis(exercises.check_backtrack(wrong))
        assert (
            "Hint: that is the curvature condition (the second Wolfe "
            "condition), not sufficient decrease" in text
        )


def test_the_last_case_tells_the_curvature_test_from_any_strict_decrease():
    *others, last = step_size._backtrack_cases()
    assert step_size._curvature(*last) == step_size._backtrack(*last) == 0.49
    assert strict_decrease(*last) == 0.98
    # and each is named as its own mistake
    curvature = exercises.check_backtrack(step_size._curvature)
    assert "the curvature condition" in diagnosis(curvature)
    # and the strict test for any decrease is still named by its missing term
    result = exercises.check_backtrack(strict_decrease)
    assert "without the c*lr*g.g term" in diagnosis(result)


def test_a_search_that_never_ends_is_stopped_and_reported_in_one_line():
    result = exercises.check_backtrack(growing)
    assert "raised TooManyEvaluations: f was evaluated 1000 times" in repr(result)
    assert "Traceback" not in repr(result)


def test_each_check_starts_with_fresh_records():
    # a failing check leaves its cases' records; the next check has its own
    exercises.check_backtrack(never_updated)
    assert exercises.check_backtrack(backtrack).ok


def test_the_starter_gets_the_plain_report():
    result = exercises.check_backtrack(lambda f, grad, w, lr0, c, shrink: lr0)
    assert repr(result).endswith("the numbers differ")
    assert (
        "Case 1: backtrack(f, grad, array([1.]), 1, 0.5, 0.5) with f(w) = w[0]**2"
        in (repr(result))
    )


def test_a_strict_test_for_any_decrease_is_named_by_its_missing_term():
    # without the c term, < and <= give the same rates on every case but the first
    strict_decrease = with_test(lambda f, grad, w, g, lr, c: f(w - lr * g) < f(w))
    result = exercises.check_backtrack(strict_decrease)
    assert "without the c*lr*g.g term" in diagnosis(result)


def test_a_wrong_answer_with_two_mistakes_gets_no_specific_diagnosis():
    def sign_and_last_rejected(f, grad, w, lr0, c, shrink):
        g = grad(w)
        lr = previous = lr0
        while f(w - lr * g) > f(w) + c * lr * (g @ g):
            previous = lr
            lr *= shrink
        return previous

    result = exercises.check_backtrack(sign_and_last_rejected)
    assert not result.ok and diagnosis(result) is None


# ---------------------------------------------------------------- Newton's step


def newton_step(grad, hess, w, damping):
    H = hess + damping * np.eye(len(w))
    return w - np.linalg.solve(H, grad)


def test_the_reference_is_the_minimiser_of_the_damped_model():
    for g, H, w, lam in step_size._NEWTON_CASES:
        A = H + lam * np.eye(len(w))
        assert np.linalg.eigvalsh(A).min() > 0
        new = step_size._newton_step(g, H, w, lam)
        # the model's gradient g + A s vanishes at s = new - w
        np.testing.assert_allclose(g + A @ (new - w), 0.0, atol=1e-12)
    # one case has an indefinite Hessian that the damping repairs, one no damping
    assert any(
        np.linalg.eigvalsh(H).min() < 0 for _, H, _, _ in step_size._NEWTON_CASES
    )
    assert any(lam == 0 for *_, lam in step_size._NEWTON_CASES)


@pytest.mark.parametrize(
    "right",
    [
        newton_step,
        lambda g, H, w, lam: w - np.linalg.inv(H + lam * np.eye(len(w))) @ g,
        lambda g, H, w, lam: w - g @ np.linalg.inv(H + lam * np.eye(len(w))),
        lambda g, H, w, lam: w - np.linalg.solve((H + lam * np.eye(len(w))).T, g),
    ],
)
def test_solve_inverse_and_transposes_all_pass(right):
    result = exercises.check_newton_step(right)
    assert result.ok and repr(result) == (
        "All 6 cases passed: newton_step(grad, hess, w, damping) is right."
    )


def eye(w):
    return np.eye(len(w))


def saddle_free(g, H, w, lam):
    # (|H| + damping*I)^-1 g from H's eigenvalues, written independently of the checker
    values, vectors = np.linalg.eigh(H)
    inverse = vectors @ np.diag(1.0 / (np.abs(values) + lam)) @ vectors.T
    return w - inverse @ g


NEWTON_MISTAKES = [
    (
        lambda g, H, w, lam: w - (H + lam * eye(w)) @ g,
        "multiplied by H + damping*I instead of solved with it",
    ),
    (lambda g, H, w, lam: w - H @ g, "multiplied by H instead of solved"),
    (
        lambda g, H, w, lam: w + np.linalg.solve(H + lam * eye(w), g),
        "a step uphill",
    ),
    (lambda g, H, w, lam: w - np.linalg.solve(H, g), "the damping is missing"),
    (
        lambda g, H, w, lam: w - np.linalg.solve(H, g + lam),
        "the damping added to the gradient",
    ),
    (
        lambda g, H, w, lam: w - np.linalg.solve(H + lam, g),
        "the damping added to every entry of H",
    ),
    (
        lambda g, H, w, lam: w - np.linalg.solve(H + lam * np.diag(np.diag(H)), g),
        "Marquardt's scaling",
    ),
    (
        lambda g, H, w, lam: w - np.linalg.solve(H - lam * eye(w), g),
        "the damping subtracted from the Hessian",
    ),
    (
        lambda g, H, w, lam: -np.linalg.solve(H + lam * eye(w), g),
        "the step s itself",
    ),
    (
        lambda g, H, w, lam: np.linalg.solve(H + lam * eye(w), g),
        "minus the step",
    ),
    (
        lambda g, H, w, lam: w - np.linalg.solve(H + lam * eye(w), g.reshape(-1, 1)),
        "a (d, d) table",
    ),
    (
        lambda g, H, w, lam: newton_step(g, H, w, lam).reshape(-1, 1),
        "the right numbers in the wrong shape",
    ),
    (lambda g, H, w, lam: newton_step(g, H, w, lam) * np.nan, "NaN or infinity"),
    (
        lambda g, H, w, lam: w - g / np.diag(H + lam * eye(w)),
        "only the diagonal of H + damping*I",
    ),
    (
        lambda g, H, w, lam: w - np.linalg.solve(H, g) / (1 + lam),
        "the damping used as a rate",
    ),
    (saddle_free, "the absolute values of H's eigenvalues"),
]


def test_a_search_with_one_component_of_g_fails_a_case():
    # right wherever one component of g dominates, wrong on the ravine case
    # whose two components are equal
    result = exercises.check_backtrack(largest_component)
    assert not result.ok
    # and no mistake it did not make is named
    assert diagnosis(result) is None


def test_the_new_diagnoses_do_not_name_the_right_searches():
    for right in (backtrack, backtrack_for_loop):
        assert exercises.check_backtrack(right).ok


@pytest.mark.parametrize("wrong, named", NEWTON_MISTAKES)
def test_newton_step_names_each_classic_mistake(wrong, named):
    result = exercises.check_newton_step(wrong)
    assert not result.ok
    assert named in (diagnosis(result) or ""), repr(result)


def test_the_multiplied_step_is_told_to_divide_by_h_plus_damping():
    wrong = NEWTON_MISTAKES[0][0]
    text = diagnosis(exercises.check_newton_step(wrong))
    assert text.endswith("divided by h + damping, not multiplied by h + damping."), text


def test_the_damping_mistakes_fail_on_different_cases():
    def failing(wrong):
        return frozenset(
            i
            for i, case in enumerate(step_size._NEWTON_CASES)
            if not np.allclose(wrong(*case), step_size._newton_step(*case))
        )

    damping_mistakes = [wrong for wrong, _ in NEWTON_MISTAKES[3:8]]
    sets = [failing(wrong) for wrong in damping_mistakes]
    # forgetting the damping passes where there is none; H + damping passes in
    # one dimension; Marquardt's scaling passes where diag(H) is all ones
    assert len(set(sets)) >= 3 and all(sets)


def test_the_newton_starter_gets_the_plain_report():
    result = exercises.check_newton_step(lambda g, H, w, lam: w)
    assert repr(result).endswith("the numbers differ")
    assert "hess=[[3.0, 1.0], [1.0, 3.0]]" in repr(result)


# ---------------------------------------------------------------- the damping


def damping_run(lam):
    setting = step_size.NEWTON_DAMPING
    return newton.newton(
        surfaces.two_valleys(setting["tilt"]),
        setting["start"],
        steps=setting["steps"],
        damping=lam,
        lr=stepsizes.armijo(),
    )


def bounds():
    """The window the chapter's reasoning gives, from measurements.

    Below: H + damping*I must be positive definite at the start. Above: along
    w2 (curvature 1) a full step keeps damping/(1 + damping) of the distance,
    which must fall from 0.5 to the tolerance in 30 steps.
    """
    setting = step_size.NEWTON_DAMPING
    low = -damping_run(0.0).min_eigenvalues[0]
    y0 = setting["start"][1]
    high = 1.0 / ((y0 / setting["tol"]) ** (1.0 / setting["steps"]) - 1.0)
    return low, high


def test_the_window_is_the_one_the_measurements_predict():
    low, high = bounds()
    assert low == pytest.approx(3.52) and high == pytest.approx(4.344, abs=1e-3)
    for lam, ok in [
        (low * 0.995, False),
        (low * 1.005, True),
        ((low + high) / 2, True),
        (high * 0.995, True),
        (high * 1.01, False),
    ]:
        assert exercises.check_newton_damping(lam).ok is ok, lam


def test_along_w2_each_step_keeps_damping_over_one_plus_damping():
    run = damping_run(10.0)
    y = run.weights[:, 1]
    np.testing.assert_allclose(y[1:] / y[:-1], 10.0 / 11.0, rtol=1e-12)


def test_a_passing_damping_reports_when_it_got_there():
    verdict = exercises.check_newton_damping(4.0)
    assert verdict.ok
    assert repr(verdict) == (
        "damping = 4: the run ended after 30 steps at (0.96, 0.000619), "
        "0.000619 from the nearest minimum.\n"
        "A minimum within 30 steps: it came within 0.001 of (0.96, 0) at step 28."
    )
    run = damping_run(4.0)
    gap = np.linalg.norm(run.weights - surfaces.two_valleys().minima[1], axis=1)
    assert gap[28] <= 1e-3 < gap[27]


@pytest.mark.parametrize(
    "lam, evidence",
    [
        (0.0, "At step 1, at (0.067, 0), H + damping*I had a negative eigenvalue"),
        (0.5, "the gradient is below 1e-06 (run.grad_norms[30]): a saddle"),
        (1.3, "At step 1, at (-0.0108, 0.283), H + damping*I had a negative"),
        (3.0, "At the start H + damping*I had a negative eigenvalue (see"),
        (3.5, "run.min_eigenvalues[0]), so the model had no minimum"),
        (3.52, "H + damping*I was singular at step 0"),
        (5.0, "Every step lowered the loss, but after 30 steps"),
        (100.0, "Look at run.weights[:, 0]"),
    ],
)
def test_a_wrong_damping_gets_a_hint_that_points_at_the_evidence(lam, evidence):
    verdict = exercises.check_newton_damping(lam)
    assert not verdict.ok and "Not yet." in repr(verdict)
    assert evidence in repr(verdict)
    run = damping_run(lam)
    assert f'("{run.stop_reason}")' in repr(verdict) or run.stop_reason == "steps"


def test_the_hints_never_print_a_damping_that_passes():
    lams = [0.0, 0.01, 0.1, 0.5, 1.0, 1.3, 2.0, 3.0, 3.5, 3.52, 4.5, 5.0, 10.0, 1e3]
    for lam in lams:
        text = repr(exercises.check_newton_damping(lam))
        for number in re.findall(r"-?\d+\.?\d*(?:e[-+]?\d+)?", text):
            value = abs(float(number))
            assert not exercises.check_newton_damping(value).ok, (lam, number)


def test_a_guess_cannot_pass():
    grid = np.geomspace(1e-3, 1e3, 241)
    passed = np.array([exercises.check_newton_damping(lam).ok for lam in grid])
    assert passed.mean() < 0.05
    for guess in (0, 0.01, 0.1, 0.5, 1, 2, 3, 5, 10, 100):
        assert not exercises.check_newton_damping(guess).ok, guess


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf"), "3", None, True])
def test_a_damping_that_is_not_a_number_at_least_zero_is_refused(bad):
    verdict = exercises.check_newton_damping(bad)
    assert not verdict.ok
    assert repr(verdict).startswith("damping must be a number >= 0, got ")


def test_an_integer_damping_is_a_number():
    assert exercises.check_newton_damping(np.int64(4)).ok
    assert exercises.check_newton_damping(4).ok

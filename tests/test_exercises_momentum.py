"""Chapter 7 checkers: the heavy-ball and Nesterov steps, the optimal and a robust choice of rate and momentum."""

import math
import re

import numpy as np
import pytest

from gdcourse import exercises, theory
from gdcourse.descent import gradient_descent
from gdcourse.exercises import momentum
from gdcourse.exercises.momentum import CHOICE
from gdcourse.surfaces import elongated_bowl, quadratic


def step(w, v, g, lr, beta):
    v = beta * v + g
    return w - lr * v, v


def test_correct_answer_passes_every_case():
    result = exercises.check_momentum_step(step)
    assert result.ok and result.total == 5


def test_the_reference_reproduces_gradient_descent_with_momentum():
    s = quadratic(np.array([[1.0, 0.3], [0.3, 4.0]]), b=np.array([1.0, -1.0]))
    run = gradient_descent(s, [2.0, 1.0], lr=0.2, steps=25, momentum=0.7)
    w, v = np.array([2.0, 1.0]), np.zeros(2)
    for k in range(25):
        w, v = momentum._momentum_step(w, v, s.grad(w), 0.2, 0.7)
        np.testing.assert_allclose(w, run.weights[k + 1], rtol=1e-13, atol=1e-14)


def test_other_conventions_and_mistakes_fail():
    # Polyak/Sutskever form with lr inside the velocity: v = beta v - lr g; w = w + v
    def lr_inside(w, v, g, lr, beta):
        v = beta * v - lr * g
        return w + v, v

    # damped average: v = beta v + (1 - beta) g
    def damped(w, v, g, lr, beta):
        v = beta * v + (1 - beta) * g
        return w - lr * v, v

    def forgets_velocity(w, v, g, lr, beta):
        v = beta * v + g
        return w - lr * v

    for wrong in (lr_inside, damped):
        result = exercises.check_momentum_step(wrong)
        assert not result.ok and "the numbers differ" in repr(result)
    assert "shape" in repr(exercises.check_momentum_step(forgets_velocity))


def diagnosis(result):
    last = repr(result).splitlines()[-1].strip()
    return last if last.startswith("It looks like") else None


def test_momentum_step_names_each_classic_mistake():
    def lr_inside(w, v, g, lr, beta):  # the other convention
        v = beta * v + lr * g
        return w - v, v

    def damped(w, v, g, lr, beta):
        v = beta * v + (1 - beta) * g
        return w - lr * v, v

    def stale_velocity(w, v, g, lr, beta):  # right weights, returns the old velocity
        return w - lr * (beta * v + g), v

    def rate_in_velocity(w, v, g, lr, beta):  # the chapter's other form
        v = beta * v - lr * g
        return w + v, v

    def downhill_velocity(w, v, g, lr, beta):  # v sums -g, w moves along +v
        v = beta * v - g
        return w + lr * v, v

    cases = [
        (lr_inside, "the other momentum convention"),
        (rate_in_velocity, "the form with the rate inside the velocity"),
        (damped, "a damped average"),
        (
            lambda w, v, g, lr, beta: tuple(
                x for x in (w + lr * (beta * v + g), beta * v + g)
            ),
            "a step uphill",
        ),
        (stale_velocity, "the new weights returned with the old velocity"),
        (
            lambda w, v, g, lr, beta: step(w, v, g, lr, beta)[::-1],
            "the pair in the other order",
        ),
        (downhill_velocity, "the velocity pointing downhill"),
    ]
    for wrong, named in cases:
        result = exercises.check_momentum_step(wrong)
        assert not result.ok and named in diagnosis(result), named
    # the notebook's starter (nothing changes) is not a classic mistake
    starter = exercises.check_momentum_step(lambda w, v, g, lr, beta: (w, v))
    assert repr(starter).endswith("the numbers differ")


def test_momentum_reference_is_the_optimizers_sgd_step():
    from gdcourse import optimizers

    w, v, g = np.array([1.0, -2.0]), np.array([0.3, 0.1]), np.array([0.5, -4.0])
    expected = optimizers.sgd(momentum=0.6).update(g, optimizers.SGDState(v), w, 0.1)
    got = momentum._momentum_step(w, v, g, 0.1, 0.6)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1].velocity)


def optimal(mu, L):
    lr = 4 / (np.sqrt(L) + np.sqrt(mu)) ** 2
    root = np.sqrt(L / mu)
    return lr, ((root - 1) / (root + 1)) ** 2


def edge_difference(mu, L):
    """Hint 2's rate, 4 sqrt(beta) / (L - mu): right unless mu = L."""
    root = np.sqrt(L / mu)
    beta = ((root - 1) / (root + 1)) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return 4 * np.sqrt(beta) / (L - mu), beta


def test_optimal_momentum_checker():
    assert repr(exercises.check_optimal_momentum(optimal)) == (
        "All 5 cases passed: optimal_momentum(mu, L) is right."
    )

    def root_ratio(mu, L):
        root = np.sqrt(L / mu)
        return optimal(mu, L)[0], (root - 1) / (root + 1)

    def kappa_not_root(mu, L):
        return optimal(mu, L)[0], ((L / mu - 1) / (L / mu + 1)) ** 2

    cases = [
        (
            lambda mu, L: (2 / (mu + L), optimal(mu, L)[1]),
            "the best rate of plain gradient descent",
        ),
        (root_ratio, "the momentum without its square"),
        (kappa_not_root, "kappa where its square root was meant"),
        (
            lambda mu, L: (4 / (mu + L), optimal(mu, L)[1]),
            "L + mu where (sqrt(L) + sqrt(mu))**2",
        ),
        (lambda mu, L: optimal(mu, L)[::-1], "the pair in the other order"),
        (lambda mu, L: (optimal(mu, L)[0], 0.5), "lr is right but beta is wrong"),
        (edge_difference, "divides by L - mu = 0 when mu = L"),
        (lambda mu, L: (np.nan, optimal(mu, L)[1]), "NaN or infinity"),
    ]
    for wrong, named in cases:
        result = exercises.check_optimal_momentum(wrong)
        assert not result.ok and named in diagnosis(result), named


def test_optimal_momentum_is_the_fastest_measured_heavy_ball_run():
    from gdcourse import theory

    mu, L = 0.1, 10.0
    s = quadratic(np.diag([mu, L]))
    lr, beta = momentum._optimal_momentum(mu, L)
    assert (lr, beta) == optimal(mu, L) or np.allclose((lr, beta), optimal(mu, L))

    def measured(lr, beta):
        """The geometric mean of the measured per-step factors over 200 steps."""
        run = gradient_descent(s, [1.0, 1.0], lr=lr, steps=200, momentum=beta)
        if run.diverged:
            return np.inf
        return np.exp(
            np.mean(np.log(theory.measured_contraction(run.weights, np.zeros(2))))
        )

    best = measured(lr, beta)
    # the measured per-step factor is the predicted sqrt(beta*) ...
    assert abs(best - np.sqrt(beta)) < 0.03
    # ... and moving the rate or the momentum by 10% makes the run slower
    for other in [
        (0.9 * lr, beta),
        (1.1 * lr, beta),
        (lr, 0.9 * beta),
        (lr, min(1.1 * beta, 0.99)),
    ]:
        assert measured(*other) > best


def test_the_other_form_is_named_and_is_the_same_method_for_a_constant_rate():
    """The form v = beta v - lr g, w = w + v is heavy ball too: from the same
    start it gives the same weights, with velocity -lr times this one's; the
    checker names it, with a hint towards this exercise's convention."""
    s = quadratic(np.array([[2.0, 0.5], [0.5, 1.0]]))
    w_a, v_a = np.array([1.0, -1.0]), np.zeros(2)
    w_b, v_b = w_a.copy(), np.zeros(2)
    for _ in range(20):
        w_a, v_a = momentum._momentum_step(w_a, v_a, s.grad(w_a), 0.3, 0.8)
        v_b = 0.8 * v_b - 0.3 * s.grad(w_b)
        w_b = w_b + v_b
        np.testing.assert_allclose(w_b, w_a, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(v_b, -0.3 * v_a, rtol=1e-12, atol=1e-14)

    def other(w, v, g, lr, beta):
        v = beta * v - lr * g
        return w + v, v

    report = diagnosis(exercises.check_momentum_step(other))
    assert "the rate inside the velocity" in report
    assert "the velocity sums raw gradients" in report


def test_a_velocity_in_no_named_form_gets_the_velocity_note():
    """Right weights, a velocity that is neither the new one nor a named
    mistake: the note says the velocity returned is not the new one."""

    def scaled_velocity(w, v, g, lr, beta):
        v_new = beta * v + g
        return w - lr * v_new, lr * v_new

    report = diagnosis(exercises.check_momentum_step(scaled_velocity))
    assert "w_new is right but v_new is wrong" in report
    assert "it is not the new one of this convention" in report


def test_downhill_velocity_gives_the_same_weights_over_a_run():
    """v = beta v - g, w = w + lr v is heavy ball with the velocity negated."""
    s = quadratic(np.array([[2.0, 0.5], [0.5, 1.0]]))
    w_a, v_a = np.array([1.0, -1.0]), np.zeros(2)
    w_b, v_b = w_a.copy(), np.zeros(2)
    for _ in range(20):
        w_a, v_a = momentum._momentum_step(w_a, v_a, s.grad(w_a), 0.3, 0.8)
        w_b, v_b = momentum._downhill_velocity(w_b, v_b, s.grad(w_b), 0.3, 0.8)
        np.testing.assert_allclose(w_b, w_a, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(v_b, -v_a, rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------------------
# Exercise 7.1: Nesterov's step, kept where the gradient steps land
# ---------------------------------------------------------------------------


def nesterov(grad, theta, v, lr, beta):
    v = beta * v + grad(theta - lr * beta * v)
    return theta - lr * v, v


def test_nesterov_reference_follows_sutskevers_form_and_pytorchs_run():
    s = quadratic(np.array([[1.0, 0.3], [0.3, 9.0]]), b=np.array([1.0, -1.0]))
    lr, beta, steps = 0.1, 0.8, 40
    run = gradient_descent(
        s, [2.0, 1.0], lr=lr, steps=steps, momentum=beta, nesterov=True
    )
    # Sutskever et al.: u = beta u - lr grad(theta + beta u); theta = theta + u
    theta_s, u = np.array([2.0, 1.0]), np.zeros(2)
    theta, v = np.array([2.0, 1.0]), np.zeros(2)
    for k in range(steps):
        # PyTorch's weights are the look-ahead points theta_k + beta u_k
        np.testing.assert_allclose(theta_s + beta * u, run.weights[k], atol=1e-12)
        u = beta * u - lr * s.grad(theta_s + beta * u)
        theta_s = theta_s + u
        theta, v = momentum._nesterov_step(s.grad, theta, v, lr, beta)
        np.testing.assert_allclose(theta, theta_s, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(-lr * v, u, rtol=1e-12, atol=1e-12)


def test_correct_nesterov_steps_pass():
    def via_pytorch(grad, theta, v, lr, beta):
        w = theta - lr * beta * v
        g = grad(w)
        v_new = beta * v + g
        w_new = w - lr * (g + beta * v_new)
        return w_new + lr * beta * v_new, v_new

    for answer in (nesterov, via_pytorch):
        result = exercises.check_nesterov_step(answer)
        assert result.ok and result.total == 5


def test_nesterov_step_names_each_classic_mistake():
    def at_theta(grad, theta, v, lr, beta):  # heavy ball
        v = beta * v + grad(theta)
        return theta - lr * v, v

    def look_up(grad, theta, v, lr, beta):  # look-ahead the wrong way
        v = beta * v + grad(theta + lr * beta * v)
        return theta - lr * v, v

    def look_without_rate(grad, theta, v, lr, beta):
        v = beta * v + grad(theta - beta * v)
        return theta - lr * v, v

    def look_without_momentum(grad, theta, v, lr, beta):
        v = beta * v + grad(theta - lr * v)
        return theta - lr * v, v

    def pytorch_form(grad, theta, v, lr, beta):  # eq-nesterov on theta
        g = grad(theta)
        v = beta * v + g
        return theta - lr * (g + beta * v), v

    def pytorch_step(grad, theta, v, lr, beta):  # look-ahead gradient, PyTorch step
        g = grad(theta - lr * beta * v)
        v = beta * v + g
        return theta - lr * (g + beta * v), v

    def returns_look_ahead(grad, theta, v, lr, beta):
        v = beta * v + grad(theta - lr * beta * v)
        theta = theta - lr * v
        return theta - lr * beta * v, v

    def sutskever_units(grad, theta, v, lr, beta):  # v read as a displacement
        v = beta * v - lr * grad(theta + beta * v)
        return theta + v, v

    def uphill(grad, theta, v, lr, beta):
        v = beta * v + grad(theta - lr * beta * v)
        return theta + lr * v, v

    def old_velocity(grad, theta, v, lr, beta):
        v_new = beta * v + grad(theta - lr * beta * v)
        return theta - lr * v_new, v

    def damped(grad, theta, v, lr, beta):
        v = beta * v + (1 - beta) * grad(theta - lr * beta * v)
        return theta - lr * v, v

    def swapped(grad, theta, v, lr, beta):
        return nesterov(grad, theta, v, lr, beta)[::-1]

    cases = [
        (at_theta, "heavy ball: the gradient taken at theta itself"),
        (look_up, "a look-ahead in the wrong direction"),
        (look_without_rate, "a look-ahead at theta - beta*v, without the rate"),
        (
            look_without_momentum,
            "a look-ahead at theta - lr*v, without the momentum beta",
        ),
        (pytorch_form, "PyTorch's form, w - lr*(g + beta*v_new)"),
        (
            pytorch_step,
            "PyTorch's step, theta - lr*(g + beta*v_new), from the look-ahead",
        ),
        (returns_look_ahead, "the next look-ahead point"),
        (
            sutskever_units,
            "Sutskever et al.'s form with v taken as a velocity in units of weights",
        ),
        (uphill, "a step uphill"),
        (old_velocity, "the new point returned with the old velocity"),
        (damped, "a damped average"),
        (swapped, "the pair in the other order"),
    ]
    for wrong, expected in cases:
        result = exercises.check_nesterov_step(wrong)
        assert not result.ok
        assert diagnosis(result) and expected in diagnosis(result), (
            wrong.__name__,
            result,
        )


def test_heavy_ball_passes_the_first_case_only_where_the_look_ahead_is_theta():
    def at_theta(grad, theta, v, lr, beta):
        v = beta * v + grad(theta)
        return theta - lr * v, v

    result = exercises.check_nesterov_step(at_theta)
    assert result.passed == 1 and "Case 2" in repr(result)


def test_an_unrecognised_nesterov_answer_gets_no_diagnosis():
    def odd(grad, theta, v, lr, beta):
        v = 0.5 * v + grad(theta)
        return theta - 2 * lr * v, v

    result = exercises.check_nesterov_step(odd)
    assert not result.ok and diagnosis(result) is None


# ---------------------------------------------------------------------------
# Exercise 7.4: one rate and momentum for a condition number known roughly
# ---------------------------------------------------------------------------


def _steps_by_run(lr, beta):
    out = []
    for kappa in CHOICE["kappas"]:
        run = gradient_descent(
            elongated_bowl(kappa=kappa),
            CHOICE["start"],
            lr=lr,
            momentum=beta,
            steps=CHOICE["steps"],
        )
        out.append(theory.measured_steps(run.weights, [0.0, 0.0], tol=CHOICE["tol"]))
    return np.array(out)


def _evidence(lr, beta):
    """The slowest factor over the bowls' curvatures, and its steps, from theory."""
    curvatures = [1 / k for k in CHOICE["kappas"]] + [1.0]
    factor = float(np.max(theory.heavy_ball_radius(lr, beta, np.array(curvatures))))
    if factor >= 1.0:
        return factor, math.inf
    return factor, math.ceil(math.log(CHOICE["tol"]) / math.log(factor))


def _check(lr, beta):
    return exercises.check_momentum_choice(lr, beta, *_evidence(lr, beta))


def test_settings_for_the_flattest_bowl_pass_and_report_the_steps_taken():
    lr, beta = theory.heavy_ball_optimal(1 / 300, 1.0)
    verdict = _check(lr, beta)
    assert verdict.ok
    steps = _steps_by_run(lr, beta)
    assert np.all(steps <= CHOICE["steps"])
    for kappa, k in zip(CHOICE["kappas"], steps):
        assert f"kappa {kappa:g}: {int(k)} steps" in repr(verdict)


def test_the_verdict_agrees_with_runs_over_a_grid_and_few_settings_pass():
    lrs = np.linspace(1.0, 3.7, 7)
    betas = np.array([0.0, 0.5, 0.7, 0.78, 0.82, 0.86, 0.9])
    passed = 0
    for lr in lrs:
        for beta in betas:
            ok = _check(lr, beta).ok
            assert ok == bool(np.all(_steps_by_run(lr, beta) <= CHOICE["steps"]))
            passed += ok
    assert 0 < passed < 0.25 * lrs.size * betas.size


def _hint_of(lr, beta):
    verdict = _check(lr, beta)
    assert not verdict.ok
    return repr(verdict)


def test_each_wrong_setting_gets_the_hint_of_its_cause():
    opt = theory.heavy_ball_optimal
    lr300, beta300 = opt(1 / 300, 1.0)
    cases = [
        # the optimum for the middle bowl: the flattest one crawls
        (opt(1 / 100, 1.0), "kappa = 300 the error along the flat floor"),
        (opt(1 / 100, 1.0), "in the monotone region"),
        # the common default: a slow spiral
        ((1.0, 0.9), "the error spirals, and its amplitude shrinks by sqrt(beta)"),
        # kappa where sqrt(kappa) belongs: far too much momentum
        ((lr300, ((300 - 1) / (300 + 1)) ** 2), "sqrt(beta) = 0.993"),
        # a rate past the edge
        ((4.0, 0.8), "diverged at step"),
        ((4.0, 0.8), "at or past the edge of the stable region"),
        # plain descent at its best rate for kappa = 300: the steep direction
        ((2 / (1 + 1 / 300), 0.0), "flips sign every step"),
        # rounded to two digits: exactly on the edge
        ((3.58, 0.79), "does not shrink: its factor per step is 1"),
        # a rate for the damped convention
        ((lr300 * (1 - beta300), beta300), "a velocity that averages"),
    ]
    for (lr, beta), expected in cases:
        assert expected in _hint_of(lr, beta), (lr, beta)


def test_nearly_coinciding_roots_are_named_where_the_slowest_factor_would_do():
    # the flat curvature 1/300 sits at the lower edge of the spiralling band:
    # its factor 0.9223 would reach 1e-6 in 171 steps, but the run needs more
    lr, beta = 1.8273, 0.85
    slowest = theory.heavy_ball_radius(lr, beta, np.array([1 / 300, 1.0])).max()
    assert slowest ** CHOICE["steps"] < CHOICE["tol"]
    assert _steps_by_run(lr, beta)[2] > CHOICE["steps"]
    roots = theory.heavy_ball_roots(lr, beta, 1 / 300)
    assert abs(roots[0] - roots[1]) < 1e-3
    hint = _hint_of(lr, beta)
    assert "171 steps" in hint and "nearly coincide" in hint
    assert "along the flat floor (curvature 1/300)" in hint
    assert "the factor 1 + ck" in hint and "inside the band" in hint
    # and where the factor alone needs more than the budget, it is the factor
    assert "nearly coincide" not in _hint_of(1.0, 0.9)
    assert "263 steps, more than the 200 steps" in _hint_of(1.0, 0.9)


def test_every_double_root_hint_is_given_where_the_factor_alone_would_do():
    for lr in np.linspace(0.3, 4.0, 25):
        for beta in np.linspace(0.5, 0.95, 19):
            verdict = _check(lr, beta)
            if verdict.ok or "nearly coincide" not in repr(verdict):
                continue
            alone = int(re.search(r"start in (\d+) steps", repr(verdict))[1])
            assert alone <= CHOICE["steps"]


def test_a_distance_just_above_the_target_is_not_printed_as_the_target():
    text = _hint_of(0.8235, 0.55)
    assert "kappa 30: still 1.001e-06 of the start's distance" in text


def test_the_averaging_remark_appears_only_when_it_would_fix_the_rate():
    opt = theory.heavy_ball_optimal(1 / 100, 1.0)
    assert "averages" not in _hint_of(*opt)


@pytest.mark.parametrize(
    "lr, beta, said",
    [
        (0.79, 3.58, "the pair in the other order"),
        (3.0, 1.0, "beta must be in [0, 1)"),
        (-1.0, 0.5, "lr must be positive"),
        ("3", 0.8, "lr must be a number"),
        (3.0, None, "beta must be a number"),
        (float("nan"), 0.8, "lr must be a number"),
    ],
)
def test_settings_that_are_not_a_rate_and_a_momentum_are_told_so(lr, beta, said):
    verdict = exercises.check_momentum_choice(lr, beta, 0.9, 100)
    assert not verdict.ok and said in repr(verdict)


def test_a_failing_report_names_no_setting():
    # the report gives steps, distances and factors of the reader's own runs,
    # never a rate or a momentum
    for lr, beta in [(1.0, 0.9), (3.3, 0.67), (4.0, 0.8), (2.0, 0.0)]:
        text = repr(_check(lr, beta))
        assert "lr =" not in text and "beta =" not in text.replace("sqrt(beta) =", "")


# the evidence of Exercise 7.4: the slowest factor per step and its steps

_ROUND = (3.5, 0.8)  # a round guess that passes once its evidence is given

_EVIDENCE_HINTS = {
    "beta": "that is beta itself",
    "plain": "a factor of plain gradient descent",
    "optimal": "the optimal factor (sqrt(kappa) - 1)/(sqrt(kappa) + 1)",
    "smaller": "the smaller of the two roots",
    "curvature": "which is not the slowest one",
    "factor": "it is not the slowest factor of your setting",
    "e-fold": "shrink the error by a factor e",
    "bases": "two bases of logarithm",
    "beta steps": "the count for beta as the factor",
    "run": "a count of steps that one of the runs took",
    "sign": "a number of steps is positive",
    "steps": "and round up",
}


def test_round_guesses_that_passed_now_need_the_evidence():
    for lr, beta in [_ROUND, theory.heavy_ball_optimal(1 / 300, 1.0)]:
        verdict = exercises.check_momentum_choice(lr, beta)
        assert not verdict.ok and "factor must be a number, got None" in repr(verdict)
        factor, _ = _evidence(lr, beta)
        verdict = exercises.check_momentum_choice(lr, beta, factor)
        assert not verdict.ok and "steps must be a number, got None" in repr(verdict)
        assert _check(lr, beta).ok


def test_in_the_band_the_factor_is_sqrt_beta_and_steps_count_within_one():
    lr, beta = _ROUND
    # every curvature from 1/300 to 1 lies in the spiralling band of (3.5, 0.8)
    assert (1 - math.sqrt(beta)) ** 2 / lr < 1 / 300
    assert (1 + math.sqrt(beta)) ** 2 / lr > 1.0
    factor = math.sqrt(beta)
    k = math.ceil(math.log(1e-6) / math.log(factor))
    assert factor**k <= 1e-6 < factor ** (k - 1)
    for steps in (k - 1, k, k + 1):
        assert exercises.check_momentum_choice(lr, beta, factor, steps).ok
    for steps in (k - 2, k + 2):
        assert not exercises.check_momentum_choice(lr, beta, factor, steps).ok
    assert exercises.check_momentum_choice(lr, beta, factor * 1.0005, k).ok
    assert not exercises.check_momentum_choice(lr, beta, factor * 1.003, k).ok
    assert not exercises.check_momentum_choice(lr, beta, 0.9, k).ok


def _wrong_evidence():
    lr, beta = _ROUND
    slow = math.sqrt(beta)
    k = math.ceil(math.log(1e-6) / math.log(slow))
    runs = _steps_by_run(lr, beta)
    lr5, beta5 = 1.0, 0.5  # real roots along the flat floors
    radius = theory.heavy_ball_radius
    roots = np.abs(theory.heavy_ball_roots(lr5, beta5, 1 / 30))
    # a middle bowl's optimal setting, given its optimal factor: a true factor
    # of that setting (the double root at 1/kappa), but not the slowest one
    middle = []
    for kappa in (30, 100):
        lr_k, beta_k = theory.heavy_ball_optimal(1 / kappa, 1.0)
        at = float(radius(lr_k, beta_k, 1 / kappa))
        assert abs(at - (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)) < 1e-9
        middle.append(("curvature", (lr_k, beta_k, at, _evidence(lr_k, beta_k)[1])))
    return [
        *middle,
        ("beta", (lr, beta, beta, k)),
        ("plain", (lr, beta, 1 - lr / 300, k)),
        ("optimal", (lr, beta, (10 - 1) / (10 + 1), k)),
        ("smaller", (lr5, beta5, float(roots.min()), 500)),
        ("curvature", (lr5, beta5, float(radius(lr5, beta5, 1 / 100)), 500)),
        ("factor", (lr, beta, 0.9, k)),
        ("e-fold", (lr, beta, slow, round(-1 / math.log(slow)))),
        ("bases", (lr, beta, slow, round(-6 / math.log(slow)))),
        ("beta steps", (lr, beta, slow, math.ceil(math.log(1e-6) / math.log(beta)))),
        ("run", (lr, beta, slow, int(runs.max()))),
        ("sign", (lr, beta, slow, -k)),
        ("steps", (lr, beta, slow, 100)),
    ]


@pytest.mark.parametrize("cause, args", _wrong_evidence())
def test_each_wrong_piece_of_evidence_gets_the_hint_of_its_cause(cause, args):
    lr, beta, factor, steps = args
    right_factor, right_steps = _evidence(lr, beta)
    # the case is wrong in the piece it names, and right before it
    assert (
        abs(factor - right_factor) > 1e-3 * right_factor or abs(steps - right_steps) > 1
    )
    verdict = exercises.check_momentum_choice(*args)
    text = repr(verdict)
    assert not verdict.ok
    assert _EVIDENCE_HINTS[cause] in text, text
    for other, hint in _EVIDENCE_HINTS.items():
        if other != cause:
            assert hint not in text, (cause, other)
    # the setting is not judged yet, and no passing evidence is printed
    assert "kappa 30:" not in text and "Each bowl" not in text
    assert f"{right_factor:.4g}" not in text and f"{right_factor:.3g}" not in text
    assert not re.search(rf"\b{right_steps}\b", text)


@pytest.mark.parametrize(
    "factor, steps, said",
    [
        (None, 124, "factor must be a number, got None"),
        ("0.89", 124, "factor must be a number"),
        (float("nan"), 124, "factor must be a number"),
        ([0.89], 124, "factor must be a number"),
        (math.sqrt(0.8), "124", "steps must be a number"),
        (math.sqrt(0.8), float("nan"), "steps must be a number"),
    ],
)
def test_evidence_that_is_not_a_number_is_told_so(factor, steps, said):
    verdict = exercises.check_momentum_choice(*_ROUND, factor, steps)
    assert not verdict.ok and said in repr(verdict)
    assert "Traceback" not in repr(verdict)


def test_a_diverging_setting_takes_infinite_steps_as_evidence():
    lr, beta = 4.0, 0.8
    factor, steps = _evidence(lr, beta)
    assert factor >= 1.0 and math.isinf(steps)
    verdict = exercises.check_momentum_choice(lr, beta, factor, steps)
    assert not verdict.ok and "diverged at step" in repr(verdict)
    verdict = exercises.check_momentum_choice(lr, beta, factor, 500)
    assert "pass math.inf" in repr(verdict)

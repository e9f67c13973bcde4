"""Step-size rules: closed forms, the Armijo inequality and its minimality, Polyak's
step by hand, strong Wolfe against SciPy, counts, many starts, bad input."""

import warnings

import numpy as np
import pytest
import scipy.optimize

from gdcourse import optimizers, schedules, stepsizes, surfaces
from gdcourse.descent import STEP_FAILURES, gradient_descent
from gdcourse.stepsizes import armijo, exact, polyak, wolfe, wolfe_conditions


def _spd(d, seed, low=0.5, high=20.0):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    A = (Q * np.geomspace(low, high, d)) @ Q.T
    return (A + A.T) / 2.0, rng.standard_normal(d)


def _rows(run):
    """Last valid row index of a single-start run."""
    return run.stopped_at


# ---------------------------------------------------------------- exact


def test_exact_step_is_gg_over_gAg_and_turns_the_gradient_at_right_angles():
    A, b = _spd(3, seed=0)
    s = surfaces.quadratic(A, b)
    run = gradient_descent(s, [2.0, -1.0, 3.0], lr=exact(), steps=12)
    g = s.grad(run.weights)
    for k in range(12):
        np.testing.assert_allclose(
            run.lrs[k], g[k] @ g[k] / (g[k] @ A @ g[k]), rtol=1e-12
        )
        cos = g[k] @ g[k + 1] / np.linalg.norm(g[k]) / np.linalg.norm(g[k + 1])
        assert abs(cos) < 1e-9
        # the new point is the minimum along the line: loss below its neighbours
        w, d = run.weights[k], -g[k]
        for t in (0.99, 1.01):
            assert s(w + t * run.lrs[k] * d) > run.losses[k + 1]


def test_exact_search_zig_zags_at_the_worst_case_rate_on_a_ravine():
    # f = (mu x^2 + L y^2) / 2 from (1/mu, 1/L): the gradient is at 45 degrees
    # and the loss shrinks by ((kappa - 1) / (kappa + 1))^2 at every step
    mu, L = 0.1, 1.0
    kappa = L / mu
    s = surfaces.quadratic(np.diag([mu, L]))
    run = gradient_descent(s, [1.0 / mu, 1.0 / L], lr=exact(), steps=20)
    ratio = run.losses[1:] / run.losses[:-1]
    np.testing.assert_allclose(ratio, ((kappa - 1) / (kappa + 1)) ** 2, rtol=1e-9)
    # from any other start no worse (Kantorovich's bound)
    rng = np.random.default_rng(3)
    many = gradient_descent(s, rng.standard_normal((20, 2)), lr=exact(), steps=10)
    worst = (many.losses[1:] / many.losses[:-1]).max()
    assert worst <= ((kappa - 1) / (kappa + 1)) ** 2 * (1 + 1e-9)


def test_exact_needs_a_quadratic_and_stops_where_the_line_has_no_minimum():
    with pytest.raises(
        ValueError, match=r"^exact\(\) needs a quadratic surface .*'Rosenbrock'"
    ):
        gradient_descent(surfaces.rosenbrock(), [0.0, 0.0], lr=exact(), steps=3)
    with pytest.raises(ValueError, match="^exact"):
        gradient_descent(surfaces.two_valleys(), [0.5, 0.0], lr=exact(), steps=3)
    # the saddle (x^2 - y^2) / 2: along -g from (0, 1) the loss falls for ever
    run = gradient_descent(surfaces.saddle(), [0.0, 1.0], lr=exact(), steps=3)
    assert run.stop_reason == "unbounded" and run.stopped_at == 0
    assert not run.diverged and np.isnan(run.lrs).all()
    # from (1, 0.5) curvature along g is positive: one step, then ...
    ok = gradient_descent(surfaces.saddle(), [1.0, 0.5], lr=exact(), steps=1)
    np.testing.assert_allclose(ok.lrs[0], (1 + 0.25) / (1 - 0.25))


def test_exact_keeps_its_closed_form_down_to_tiny_gradients():
    # g.Ag would underflow to 0 long before g.g: the search works on a
    # rescaled direction, so the run ends at an exactly zero gradient
    A = np.diag([0.01, 1.0])
    s = surfaces.quadratic(A)
    run = gradient_descent(s, [-3.0, 1.0], lr=exact(), steps=2000)
    assert run.stop_reason == "stationary"
    g = s.grad(run.weights[: run.stopped_at])
    tiny = np.linalg.norm(g, axis=1) < 1e-150
    assert tiny.sum() > 10
    u = g / np.abs(g).max(1, keepdims=True)  # the same ratio, without underflow
    expected = (u * u).sum(1) / (u * (u @ A)).sum(1)
    np.testing.assert_allclose(
        run.lrs[: run.stopped_at][tiny], expected[tiny], rtol=1e-12
    )


def test_exact_stops_on_a_flat_direction():
    # diag(1, 0) with b = (0, 1): along -g = (0, 1) the loss falls linearly
    s = surfaces.quadratic(np.diag([1.0, 0.0]), b=[0.0, 1.0])
    run = gradient_descent(s, [0.0, 0.0], lr=exact(), steps=3)
    assert run.stop_reason == "unbounded" and not run.diverged


def test_exact_counts_a_hessian_and_a_gradient_per_step():
    s = surfaces.elongated_bowl(kappa=10.0)
    run = gradient_descent(s, [3.0, 1.0], lr=exact(), steps=4)
    np.testing.assert_array_equal(run.g_evals, [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(run.h_evals, [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(run.f_evals, [0, 0, 0, 0, 0])


# ---------------------------------------------------------------- armijo


def _trials(run):
    """Trials of each step, read off the loss-evaluation counts (row 0: f(w0))."""
    assert run.f_evals[0] == 1
    return np.diff(run.f_evals[: run.stopped_at + 1]).astype(int)


@pytest.mark.parametrize(
    "lr0, c, shrink", [(1.0, 1e-4, 0.5), (3.0, 0.3, 0.7), (0.01, 0.5, 0.2)]
)
def test_armijo_accepts_the_first_rate_that_meets_the_condition(lr0, c, shrink):
    s = surfaces.rosenbrock()
    rule = armijo(lr0=lr0, c=c, shrink=shrink)
    for start in ([-1.2, 1.0], [0.5, 2.0], [1.5, 1.5]):
        run = gradient_descent(s, start, lr=rule, steps=40)
        trials = _trials(run)
        for k in range(run.stopped_at):
            w, g = run.weights[k], s.grad(run.weights[k])
            rates = [lr0]
            for _ in range(trials[k] - 1):
                rates.append(rates[-1] * shrink)
            assert run.lrs[k] == rates[-1]

            def meets(lr, w=w, g=g):
                return s(w - lr * g) <= s(w) + c * lr * (g @ -g)

            assert meets(run.lrs[k])
            assert not any(meets(lr) for lr in rates[:-1])
            np.testing.assert_array_equal(run.weights[k + 1], w + run.lrs[k] * -g)


def test_armijo_rate_is_within_a_shrink_factor_of_two_one_minus_c_over_L():
    # on an L-smooth function every rate up to 2 (1 - c) / L passes, so the
    # first one that passes is at least shrink times that
    for seed in range(5):
        A, b = _spd(4, seed)
        L = np.linalg.eigvalsh(A)[-1]
        s = surfaces.quadratic(A, b)
        for c, shrink in ((1e-4, 0.5), (0.4, 0.8), (0.9, 0.1)):
            run = gradient_descent(
                s, np.ones(4), lr=armijo(lr0=100.0, c=c, shrink=shrink), steps=30
            )
            rates = run.lrs[: run.stopped_at]
            assert rates.min() >= shrink * 2 * (1 - c) / L
            # and a lr0 below the bound is never shrunk
            low = gradient_descent(
                s, np.ones(4), lr=armijo(lr0=(1 - c) / L, c=c, shrink=shrink), steps=30
            )
            assert np.all(low.lrs[: low.stopped_at] == (1 - c) / L)


def test_armijo_counts_its_trials_and_one_gradient_per_step():
    ravine = surfaces.elongated_bowl(kappa=10.0)
    run = gradient_descent(ravine, [3.0, 1.0], lr=armijo(lr0=4.0), steps=3)
    np.testing.assert_array_equal(run.lrs, [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(run.f_evals, [1, 3, 5, 7])
    np.testing.assert_array_equal(run.g_evals, [1, 2, 3, 4])
    np.testing.assert_array_equal(run.h_evals, [0, 0, 0, 0])
    # the first trial passes: one loss evaluation per step
    one = gradient_descent(ravine, [3.0, 1.0], lr=armijo(lr0=1.0), steps=3)
    np.testing.assert_array_equal(one.f_evals, [1, 2, 3, 4])


def test_armijo_backs_off_from_an_overflowing_trial_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = gradient_descent(
            surfaces.rosenbrock(), [-1.2, 1.0], lr=armijo(lr0=1e200), steps=5
        )
    assert not run.diverged and np.all(np.diff(run.losses) < 0)
    assert np.all(np.isfinite(run.lrs))


def test_armijo_ends_where_the_step_vanishes_in_rounding():
    # a gradient with the wrong sign (a slip in a hand-written derivative):
    # no rate passes, and the search ends once w + lr d == w, not in a loop
    def value(w):
        return (w * w).sum(-1)

    def uphill(w):
        return -2.0 * w

    def hessian(w):
        return np.full(w.shape + (1,), 2.0)

    wrong = surfaces.Surface("wrong gradient", 1, value, uphill, hessian)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = gradient_descent(wrong, [[1.0], [0.0], [-3.0]], lr=armijo(), steps=5)
    np.testing.assert_array_equal(
        run.stop_reason, ["no decrease", "stationary", "no decrease"]
    )
    np.testing.assert_array_equal(run.stopped_at, [0, 0, 0])
    assert not run.diverged.any() and np.isnan(run.lrs).all()
    assert "no decrease" in STEP_FAILURES


def test_armijo_accepts_equality_and_refuses_a_direction_that_is_not_downhill():
    # x^2 from 1 along -g = -2 at rate 1/2 lands on 0 = 1 + 0.5 * 0.5 * (-4):
    # the condition holds with equality, so the first trial passes
    s = surfaces.quadratic([[2.0]])
    run = gradient_descent(s, [1.0], lr=armijo(lr0=0.5, c=0.5), steps=1)
    assert run.lrs[0] == 0.5 and run.f_evals[1] == 2
    # a direction at right angles to the gradient is not a descent direction
    bowl = surfaces.bowl()
    w = np.array([[1.0, 0.0]])
    for rule in (armijo(), exact(), polyak(f_min=-1.0), wolfe()):
        found = rule.search(bowl, w, bowl(w), bowl.grad(w), np.array([[0.0, 1.0]]))
        assert found.failure[0] == "not descent" and np.isnan(found.lr[0])


# ---------------------------------------------------------------- polyak


def test_polyak_step_by_hand():
    s = surfaces.quadratic([[2.0, 0.0], [0.0, 6.0]], b=[1.0, 0.0])
    w = np.array([2.0, 1.0])
    f, g = s(w), s.grad(w)  # f = 4 + 3 - 2 = 5, g = (3, 6)
    for f_min, max_lr in ((-0.25, np.inf), (-3.0, np.inf), (-3.0, 0.1)):
        run = gradient_descent(s, w, lr=polyak(f_min, max_lr), steps=1)
        expected = min(max_lr, (f - f_min) / (g @ g))
        assert run.lrs[0] == pytest.approx(expected, rel=1e-15)
        np.testing.assert_allclose(run.weights[1], w - expected * g, rtol=1e-15)
    assert (5.0 + 0.25) / 45.0 == pytest.approx(
        gradient_descent(s, w, lr=polyak(-0.25), steps=1).lrs[0]
    )


def test_polyak_with_the_true_minimum_converges_and_counts_a_loss_per_step():
    A, b = _spd(3, seed=4, high=30.0)
    s = surfaces.quadratic(A, b)
    f_star = float(s(s.minima[0]))
    run = gradient_descent(s, np.ones(3), lr=polyak(f_min=f_star), steps=400)
    assert run.final_loss - f_star < 1e-10
    k = np.arange(run.stopped_at + 1)
    np.testing.assert_array_equal(run.f_evals[: k.size], k + 1)
    np.testing.assert_array_equal(run.g_evals[: k.size], k + 1)


def test_polyak_with_f_min_too_high_stops_above_the_minimum():
    s = surfaces.quadratic([[2.0]])  # x^2
    run = gradient_descent(s, [3.0], lr=polyak(f_min=1.0), steps=50)
    assert run.stop_reason == "below f_min" and not run.diverged
    assert run.final_loss == pytest.approx(1.0, abs=1e-12)
    assert np.all(run.lrs[: run.stopped_at] > 0)
    assert np.isnan(run.lrs[run.stopped_at :]).all()
    # below f_min from the start: no step at all
    now = gradient_descent(s, [0.5], lr=polyak(f_min=1.0), steps=5)
    assert now.stopped_at == 0 and now.stop_reason == "below f_min"


def test_polyak_with_f_min_too_low_takes_longer_steps_than_the_true_one():
    s = surfaces.elongated_bowl(kappa=10.0)
    true = gradient_descent(s, [3.0, 1.0], lr=polyak(0.0), steps=1)
    low = gradient_descent(s, [3.0, 1.0], lr=polyak(-1.0), steps=1)
    g = s.grad(np.array([3.0, 1.0]))
    np.testing.assert_allclose(low.lrs[0] - true.lrs[0], 1.0 / (g @ g))
    capped = gradient_descent(s, [3.0, 1.0], lr=polyak(-1.0, max_lr=0.5), steps=30)
    assert np.all(capped.lrs <= 0.5)


# ---------------------------------------------------------------- wolfe


def _lbfgs_like_directions():
    # points and descent directions: -g, and a scaled, turned -g
    s = surfaces.rosenbrock()
    out = []
    for w in ([-1.2, 1.0], [0.0, 0.0], [1.5, 2.0], [0.8, 0.6]):
        w = np.array(w)
        g = s.grad(w)
        turn = np.array([[0.9, 0.3], [-0.2, 1.1]])
        for d in (-g, -turn @ g / np.linalg.norm(g), -g / (1 + g @ g)):
            if g @ d < 0:
                out.append((s, w, d))
    return out


@pytest.mark.parametrize("c1, c2", [(1e-4, 0.9), (1e-4, 0.1), (0.3, 0.5)])
def test_wolfe_search_meets_the_strong_wolfe_conditions_as_scipy_does(c1, c2):
    for s, w, d in _lbfgs_like_directions():
        g = s.grad(w)
        found = wolfe(c1=c1, c2=c2).search(s, w[None], s(w[None]), g[None], d[None])
        assert found.failure[0] == ""
        lr = found.lr[0]
        assert wolfe_conditions(s, w, d, lr, c1, c2) == (True, True)
        # SciPy's search on the same line meets the same conditions
        alpha = scipy.optimize.line_search(
            s, s.grad, w, d, gfk=g, old_fval=float(s(w)), c1=c1, c2=c2
        )[0]
        assert alpha is not None
        assert wolfe_conditions(s, w, d, alpha, c1, c2) == (True, True)


def test_wolfe_conditions_by_hand():
    s = surfaces.quadratic([[2.0]])  # x^2 from 1 along -2: phi(a) = (1 - 2a)^2
    # phi'(0) = -4, phi'(a) = -4 (1 - 2a)
    assert wolfe_conditions(s, [1.0], [-2.0], 0.5) == (True, True)
    assert wolfe_conditions(s, [1.0], [-2.0], 0.02) == (True, False)  # slope -3.84
    assert wolfe_conditions(s, [1.0], [-2.0], 0.03) == (True, False)  # slope -3.76
    assert wolfe_conditions(s, [1.0], [-2.0], 0.06) == (True, True)  # slope -3.52
    assert wolfe_conditions(s, [1.0], [-2.0], 1.0) == (False, False)
    assert wolfe_conditions(s, [1.0], [-2.0], 0.9, c2=0.7) == (True, False)


def test_wolfe_doubles_the_rate_until_the_slope_flattens():
    # x^2 from 1 along d = -0.02: phi'(a) = -0.04 (1 - 0.02 a), and the
    # curvature condition needs 1 - 0.02 a <= 0.9, a >= 5: trials 1, 2, 4, 8
    s = surfaces.quadratic([[2.0]])
    w = np.array([[1.0]])
    found = wolfe().search(s, w, s(w), s.grad(w), np.array([[-0.02]]))
    assert found.lr[0] == 8.0 and found.f_evals[0] == found.g_evals[0] == 4
    capped = wolfe(max_lr=3.0).search(s, w, s(w), s.grad(w), np.array([[-0.02]]))
    assert capped.lr[0] == 3.0 and capped.f_evals[0] == 3


def test_wolfe_counts_a_loss_and_a_gradient_per_trial():
    s = surfaces.rosenbrock()
    run = gradient_descent(s, [-1.2, 1.0], lr=wolfe(), steps=10)
    np.testing.assert_array_equal(run.f_evals, run.g_evals)
    assert run.f_evals[0] == 1 and np.all(np.diff(run.f_evals) >= 1)
    for k in range(10):
        w = run.weights[k]
        assert wolfe_conditions(s, w, -s.grad(w), run.lrs[k]) == (True, True)


# ---------------------------------------------------------------- every rule


# factories and arguments, not rules: a rule made at import would keep the
# unchanged code when the module is mutation-tested
RULES = [
    (armijo, {}),
    (armijo, {"lr0": 10.0, "c": 0.5, "shrink": 0.3}),
    (polyak, {"f_min": -0.5, "max_lr": 5.0}),
    (wolfe, {}),
    (wolfe, {"lr0": 0.1, "c1": 0.2, "c2": 0.3, "max_lr": 2.0}),
]
RULE_IDS = ["armijo", "armijo-c-shrink", "polyak", "wolfe", "wolfe-c1-c2"]


@pytest.mark.parametrize("make, kwargs", RULES, ids=RULE_IDS)
@pytest.mark.parametrize(
    "surface",
    [surfaces.rosenbrock, surfaces.himmelblau, surfaces.saddle],
    ids=lambda f: f.__name__,
)
def test_many_starts_each_match_their_own_run_bit_for_bit(make, kwargs, surface):
    rule, surface = make(**kwargs), surface()
    starts = np.random.default_rng(1).uniform(-2, 2, (5, 2))
    starts[2] = surface.minima[0] if len(surface.minima) else [0.0, 0.0]  # g = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        many = gradient_descent(surface, starts, lr=rule, steps=25)
        assert many.lrs.shape == (25, 5) and many.f_evals.shape == (26, 5)
        for i, w in enumerate(starts):
            one = gradient_descent(surface, w, lr=rule, steps=25)
            for name in ("weights", "losses", "grad_norms", "lrs"):
                np.testing.assert_array_equal(
                    getattr(many, name)[:, i], getattr(one, name)
                )
            for name in ("f_evals", "g_evals", "h_evals"):
                np.testing.assert_array_equal(
                    getattr(many, name)[:, i], getattr(one, name)
                )
            assert many.stopped_at[i] == one.stopped_at
            assert many.stop_reason[i] == one.stop_reason
            assert many.diverged[i] == one.diverged
    # the start at a critical point stops there, quietly
    assert many.stopped_at[2] == 0 and many.stop_reason[2] == "stationary"


def test_exact_many_starts_each_match_their_own_run():
    A, _ = _spd(3, seed=7)
    s = surfaces.quadratic(A)  # minimum at 0, where the gradient is exactly 0
    starts = np.vstack([np.random.default_rng(0).standard_normal((4, 3)), np.zeros(3)])
    many = gradient_descent(s, starts, lr=exact(), steps=15)
    for i, w in enumerate(starts):
        one = gradient_descent(s, w, lr=exact(), steps=15)
        np.testing.assert_array_equal(many.weights[:, i], one.weights)
        np.testing.assert_array_equal(many.lrs[:, i], one.lrs)
    assert many.stop_reason[-1] == "stationary"


def test_a_zero_gradient_stops_quietly_and_the_record_says_so():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for rule in (armijo(), exact(), polyak(), wolfe()):
            run = gradient_descent(surfaces.bowl(), [0.0, 0.0], lr=rule, steps=5)
            assert run.stopped_at == 0 and run.stop_reason == "stationary"
            assert not run.diverged and np.isnan(run.lrs).all()
            assert "stationary" in repr(run)
    # x^2 from 1 with Polyak: (f - 0) / |g|^2 = 1 / 4 halves x at every step
    run = gradient_descent(surfaces.quadratic([[2.0]]), [1.0], lr=polyak(), steps=4)
    np.testing.assert_array_equal(run.weights[:2, 0], [1.0, 0.5])


def test_divergence_with_a_rule_is_reported_as_today():
    run = gradient_descent(surfaces.saddle(), [0.1, 0.1], lr=armijo(), steps=100)
    assert run.diverged and run.stop_reason == "diverged"
    assert np.isfinite(run.weights[run.stopped_at]).all()
    assert np.isnan(run.weights[run.stopped_at + 1 :]).all()


def test_a_step_to_a_non_finite_loss_is_a_divergence():
    # x^2 inside |x| < 2, infinite outside: Polyak's step with f* = -10 jumps
    # from 1 to 1 - (11 / 4) 2 = -4.5, within the bound but off the surface
    def value(w):
        x = w[..., 0]
        return np.where(np.abs(x) < 2.0, x * x, np.inf)

    def grad(w):
        return 2.0 * w

    def hessian(w):
        return np.full(w.shape + (1,), 2.0)

    walled = surfaces.Surface("walled", 1, value, grad, hessian)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = gradient_descent(walled, [1.0], lr=polyak(f_min=-10.0), steps=5)
    assert run.diverged and run.stopped_at == 0 and run.stop_reason == "diverged"
    assert run.lrs[0] == 2.75


def test_tol_stops_a_rule_run_too():
    s = surfaces.elongated_bowl(kappa=10.0)
    run = gradient_descent(s, [3.0, 1.0], lr=armijo(), steps=200, tol=1e-6)
    k = run.stopped_at
    assert (
        run.stop_reason == "tol" and run.grad_norms[k] < 1e-6 <= run.grad_norms[k - 1]
    )


def test_head_and_first_of_a_rule_run_are_the_shorter_runs():
    s = surfaces.quadratic([[2.0]])
    starts = [[3.0], [0.0], [0.5], [-2.0]]
    rule = polyak(f_min=1.0)
    run = gradient_descent(s, starts, lr=rule, steps=8)
    for k in range(9):
        short = gradient_descent(s, starts, lr=rule, steps=k)
        cut = run.head(k)
        for name in (
            "weights",
            "lrs",
            "f_evals",
            "g_evals",
            "stop_reason",
            "stopped_at",
        ):
            np.testing.assert_array_equal(getattr(cut, name), getattr(short, name))
    for n in (1, 3):
        few = gradient_descent(s, starts[:n], lr=rule, steps=8)
        cut = run.first(n)
        for name in (
            "weights",
            "lrs",
            "f_evals",
            "g_evals",
            "stop_reason",
            "stopped_at",
        ):
            np.testing.assert_array_equal(getattr(cut, name), getattr(few, name))
    one = gradient_descent(s, starts[0], lr=rule, steps=8)
    for k in (0, one.stopped_at, one.stopped_at + 1, 8):
        cut, short = one.head(k), gradient_descent(s, starts[0], lr=rule, steps=k)
        assert (
            cut.stop_reason == short.stop_reason and cut.stopped_at == short.stopped_at
        )


def test_fixed_rate_runs_count_one_gradient_per_row():
    bowl = surfaces.elongated_bowl(kappa=4.0)
    run = gradient_descent(bowl, [[1.0, 1.0], [1e6, 0.0]], lr=0.45, steps=6, tol=1e-3)
    np.testing.assert_array_equal(run.g_evals[:, 0], np.arange(1, 8))
    np.testing.assert_array_equal(run.f_evals[:, 0], np.zeros(7))
    np.testing.assert_array_equal(run.stop_reason, ["steps", "steps"])
    blown = gradient_descent(bowl, [1.0, 1.0], lr=2.5, steps=60)
    assert blown.stop_reason == "diverged"
    assert np.isnan(blown.g_evals[blown.stopped_at + 1 :]).all()
    assert blown.g_evals[blown.stopped_at] == blown.stopped_at + 1
    tol = gradient_descent(bowl, [1.0, 1.0], lr=0.4, steps=100, tol=1e-3)
    assert tol.stop_reason == "tol"
    assert (
        repr(tol)
        == "Trajectory(steps=100, d=2, stopped at step 53, final loss 1.764e-06)"
    )


def test_a_rule_prints_as_its_call_and_is_a_value():
    for rule in [make(**kwargs) for make, kwargs in RULES] + [exact()]:
        again = eval(repr(rule), {"inf": np.inf}, vars(stepsizes))
        assert repr(again) == repr(rule)
    assert repr(armijo()) == "armijo(lr0=1.0, c=0.0001, shrink=0.5)"
    assert repr(polyak()) == "polyak(f_min=0.0, max_lr=inf)"
    assert repr(exact()) == "exact()"


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: armijo(shrink=0.0), "^shrink must be a number in \\(0, 1\\)"),
        (lambda: armijo(shrink=1.0), "^shrink must"),
        (lambda: armijo(c=0.0), "^c must be a number in \\(0, 1\\)"),
        (lambda: armijo(c=1.0), "^c must"),
        (lambda: armijo(lr0=0.0), "^lr0 must be a positive"),
        (lambda: armijo(lr0=-1.0), "^lr0 must"),
        (lambda: armijo(lr0=np.inf), "^lr0 must"),
        (lambda: polyak(max_lr=0.0), "^max_lr must be a positive number or inf"),
        (lambda: polyak(max_lr=-1.0), "^max_lr must"),
        (lambda: polyak(f_min=np.nan), "^f_min must be a finite number"),
        (lambda: wolfe(c1=0.5, c2=0.5), "^c2 must be larger than c1"),
        (lambda: wolfe(c2=1.0), "^c2 must"),
        (lambda: wolfe(lr0=2.0, max_lr=1.0), "^max_lr must be at least lr0"),
    ],
)
def test_bad_rule_arguments_raise_a_value_error_naming_them(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"momentum": 0.9},
        {"optimizer": optimizers.adam()},
        {"noise": 0.1},
        {"clip_norm": 1.0},
        {"schedule": schedules.constant(0.1)},
    ],
)
def test_a_rule_runs_plain_gradient_descent_only(kwargs):
    with pytest.raises(ValueError, match="(plain gradient descent|not both)"):
        gradient_descent(surfaces.bowl(), [1.0, 1.0], lr=armijo(), steps=3, **kwargs)


def test_a_rule_can_be_given_as_schedule():
    a = gradient_descent(surfaces.bowl(), [1.0, 2.0], lr=armijo(), steps=3)
    b = gradient_descent(surfaces.bowl(), [1.0, 2.0], schedule=armijo(), steps=3)
    np.testing.assert_array_equal(a.weights, b.weights)

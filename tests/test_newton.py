"""Newton, Gauss–Newton and L-BFGS: closed forms, quadratic convergence, affine
invariance, the damping limit, SciPy's L-BFGS-B and least_squares, bad input."""

import warnings

import numpy as np
import pytest
import scipy.optimize

from gdcourse import stepsizes, surfaces
from gdcourse.descent import Trajectory, gradient_descent
from gdcourse.newton import (
    NewtonTrajectory,
    _lbfgs_direction,
    _two_loop,
    gauss_newton,
    lbfgs,
    newton,
)
from gdcourse.stepsizes import wolfe_conditions


def _spd(d, seed, low=1.0, high=1e3):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    A = (Q * np.geomspace(low, high, d)) @ Q.T
    return (A + A.T) / 2.0, rng.standard_normal(d)


def _same(a, b):
    for name in ("weights", "losses", "grad_norms", "f_evals", "g_evals", "h_evals"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), name)
    np.testing.assert_array_equal(a.lrs, b.lrs)
    assert a.stopped_at == b.stopped_at and a.stop_reason == b.stop_reason
    assert a.diverged == b.diverged


# ---------------------------------------------------------------- Newton


def test_one_newton_step_lands_on_a_quadratics_minimum():
    for seed in range(4):
        A, b = _spd(5, seed)
        s = surfaces.quadratic(A, b)
        starts = np.random.default_rng(seed).normal(0.0, 10.0, (3, 5))
        run = newton(s, starts, steps=1)
        np.testing.assert_allclose(
            run.weights[1], np.broadcast_to(np.linalg.solve(A, b), (3, 5)), atol=1e-9
        )
        assert np.allclose(run.min_eigenvalues[0], 1.0)


def test_newton_converges_quadratically_near_rosenbrocks_minimum():
    s = surfaces.rosenbrock()
    for start in ([1.2, 1.2], [0.8, 0.7], [1.1, 1.3], [-1.2, 1.0]):
        run = newton(s, start, steps=12)
        assert run.stop_reason == "stationary" and run.stopped_at <= 8
        err = np.linalg.norm(run.weights[: run.stopped_at + 1] - 1.0, axis=-1)
        near = (err[:-1] < 0.1) & (err[1:] > 0)
        # e_{k+1} <= C e_k^2: the number of correct digits roughly doubles
        assert near.sum() >= 2
        assert np.all(err[1:][near] <= 20.0 * err[:-1][near] ** 2)
    # from the textbook start the digits go 0.3, 1.3, 5.0, 10.7, then exact
    run = newton(s, [-1.2, 1.0], steps=10)
    err = np.linalg.norm(run.weights - 1.0, axis=-1)
    np.testing.assert_allclose(
        -np.log10(err[3:7]), [0.319, 1.252, 5.017, 10.732], atol=1e-3
    )
    assert err[7] == 0.0 and run.stopped_at == 7


def test_newton_is_affine_invariant():
    # g(v) = f(M v): Newton's iterates on g are M^-1 times those on f
    M = np.array([[2.0, 0.5], [-1.0, 1.5]])
    f = surfaces.rosenbrock()

    def value(v):
        return f.value_fn(v @ M.T)

    def grad(v):
        return f.grad_fn(v @ M.T) @ M

    def hessian(v):
        return M.T @ f.hessian_fn(v @ M.T) @ M

    g = surfaces.Surface("turned Rosenbrock", 2, value, grad, hessian)
    w0 = np.array([-1.2, 1.0])
    on_f = newton(f, w0, steps=6)
    on_g = newton(g, np.linalg.solve(M, w0), steps=6)
    np.testing.assert_allclose(on_g.weights @ M.T, on_f.weights, rtol=1e-9, atol=1e-12)
    # gradient descent is not: the same rate on the turned surface goes elsewhere
    gd_f = gradient_descent(f, w0, lr=1e-3, steps=6)
    gd_g = gradient_descent(g, np.linalg.solve(M, w0), lr=1e-3, steps=6)
    assert np.abs(gd_g.weights[-1] @ M.T - gd_f.weights[-1]).max() > 1e-3


def test_large_damping_turns_newton_into_gradient_descent_at_rate_one_over_damping():
    s = surfaces.rosenbrock()
    w0 = np.array([-1.2, 1.0])
    g = s.grad(w0)
    gaps = []
    for lam in (1e5, 1e6, 1e7):  # large next to |H| ~ 1.5e3
        step = newton(s, w0, steps=1, damping=lam).weights[1] - w0
        gd = gradient_descent(s, w0, lr=1.0 / lam, steps=1).weights[1] - w0
        gap = np.linalg.norm(step - gd) / np.linalg.norm(gd)
        # (H + lam I)^-1 g = g / lam - H g / lam^2 + ...: the gap falls like 1 / lam
        assert gap <= np.linalg.norm(s.hessian(w0), 2) / lam
        gaps.append(gap)
    np.testing.assert_allclose(np.array(gaps[:2]) / gaps[1:], 10.0, rtol=0.02)
    # the step itself, by hand
    lam = 3.0
    H = s.hessian(w0) + lam * np.eye(2)
    run = newton(s, w0, steps=1, damping=lam, lr=0.5)
    np.testing.assert_allclose(
        run.weights[1], w0 - 0.5 * np.linalg.solve(H, g), rtol=1e-12
    )
    assert run.lrs.tolist() == [0.5]


def test_newton_walks_onto_a_saddle_and_damping_or_a_search_says_so():
    s = surfaces.saddle()  # (x^2 - y^2) / 2, Hessian diag(1, -1)
    run = newton(s, [0.5, 0.3], steps=3)
    np.testing.assert_array_equal(run.weights[1], [0.0, 0.0])
    assert run.stop_reason == "stationary" and run.min_eigenvalues[0] == -1.0
    # along the Newton direction g.d = -x^2 + y^2: uphill when |y| > |x|
    up = newton(s, [[0.3, 0.5], [0.5, 0.3]], steps=3, lr=stepsizes.armijo())
    np.testing.assert_array_equal(up.stop_reason, ["not descent", "stationary"])
    np.testing.assert_array_equal(up.stopped_at, [0, 1])
    # damping beyond the negative eigenvalue makes every direction go downhill
    damped = newton(s, [0.3, 0.5], steps=3, damping=2.0, lr=stepsizes.armijo())
    assert damped.min_eigenvalues[0] == 1.0
    assert damped.losses[1] < damped.losses[0]


def test_a_singular_hessian_stops_the_start_quietly():
    s = surfaces.degenerate_saddle()  # Hessian diag(2, 0) on the x axis
    starts = [[0.5, 0.0], [0.5, 0.5], [0.0, 0.0]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = newton(s, starts, steps=4)
        damped = newton(s, starts[0], steps=4, damping=0.1)
    np.testing.assert_array_equal(run.stop_reason[[0, 2]], ["singular", "stationary"])
    np.testing.assert_array_equal(run.stopped_at[[0, 2]], [0, 0])
    assert not run.diverged.any()
    assert np.isnan(run.weights[1:, 0]).all() and np.isnan(run.lrs).sum() == 0
    # damping makes it solvable: x falls to 0.5 * 0.1 / 2.1 in one step
    np.testing.assert_allclose(damped.weights[:, 0], 0.5 * (0.1 / 2.1) ** np.arange(5))
    assert damped.stop_reason == "steps" and (damped.min_eigenvalues[:4] == 0.1).all()


def test_many_newton_starts_each_match_their_own_run_bit_for_bit():
    starts = np.random.default_rng(2).uniform(-2, 2, (6, 2))
    starts[3] = [0.5, 0.0]
    for s in (
        surfaces.rosenbrock(),
        surfaces.himmelblau(),
        surfaces.degenerate_saddle(),
    ):
        for kw in ({}, {"damping": 0.5}, {"lr": stepsizes.armijo()}, {"lr": 0.7}):
            many = newton(s, starts, steps=15, **kw)
            for i, w in enumerate(starts):
                one = newton(s, w, steps=15, **kw)
                for name in ("weights", "losses", "min_eigenvalues", "g_evals"):
                    np.testing.assert_array_equal(
                        getattr(many, name)[:, i], getattr(one, name)
                    )
                lrs = many.lrs if many.lrs.ndim == 1 else many.lrs[:, i]
                np.testing.assert_array_equal(lrs, one.lrs)
                assert many.stop_reason[i] == one.stop_reason


def test_head_and_first_of_a_newton_run_are_the_shorter_runs():
    s = surfaces.himmelblau()
    starts = [[0.0, 0.0], [3.0, 2.0], [-1.0, 4.0]]
    run = newton(s, starts, steps=8, lr=stepsizes.armijo())
    for k in (0, 1, 3, 8):
        short, cut = newton(s, starts, steps=k, lr=stepsizes.armijo()), run.head(k)
        assert isinstance(cut, NewtonTrajectory)
        for name in ("weights", "lrs", "min_eigenvalues", "g_evals", "stop_reason"):
            np.testing.assert_array_equal(getattr(cut, name), getattr(short, name))
    few, cut = newton(s, starts[:2], steps=8, lr=stepsizes.armijo()), run.first(2)
    for name in ("weights", "lrs", "min_eigenvalues", "f_evals", "stopped_at"):
        np.testing.assert_array_equal(getattr(cut, name), getattr(few, name))


def test_newton_counts_a_hessian_and_a_gradient_per_step():
    run = newton(surfaces.rosenbrock(), [-1.2, 1.0], steps=4)
    np.testing.assert_array_equal(run.g_evals, [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(run.h_evals, [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(run.f_evals, [0, 0, 0, 0, 0])
    assert isinstance(run, NewtonTrajectory) and isinstance(run, Trajectory)
    assert repr(run) == "Trajectory(steps=4, d=2, final loss 0.3132)"


def test_newton_with_a_line_search_meets_its_conditions_and_descends():
    s = surfaces.rosenbrock()
    run = newton(s, [-1.2, 1.0], steps=30, lr=stepsizes.wolfe(), tol=1e-10)
    assert run.stop_reason in ("tol", "stationary")
    assert np.all(np.diff(run.losses[: run.stopped_at + 1]) < 0)
    for k in range(run.stopped_at):
        w = run.weights[k]
        d = -np.linalg.solve(s.hessian(w), s.grad(w))
        assert wolfe_conditions(s, w, d, run.lrs[k]) == (True, True)


# ---------------------------------------------------------------- Gauss-Newton


def test_gauss_newton_solves_linear_least_squares_in_one_step():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((30, 4)), rng.standard_normal(30)
    run = gauss_newton(
        lambda w: X @ w - y, lambda w: X, [[1.0, 2, 3, 4], [0, 0, 0, 0]], 1
    )
    best = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(run.weights[1], [best, best], rtol=1e-10)
    np.testing.assert_allclose(run.min_eigenvalues[0], np.linalg.eigvalsh(X.T @ X)[0])


def _exponential_fit():
    x = np.linspace(0.0, 3.0, 12)
    noise = np.random.default_rng(5).normal(0.0, 0.05, x.size)
    y = 2.0 * np.exp(-0.7 * x) + noise

    def res(w):
        return w[0] * np.exp(w[1] * x) - y

    def jac(w):
        e = np.exp(w[1] * x)
        return np.stack([e, w[0] * x * e], axis=1)

    return res, jac


def test_gauss_newton_matches_scipy_least_squares_on_a_nonlinear_fit():
    res, jac = _exponential_fit()
    ref = scipy.optimize.least_squares(res, [1.0, 0.0], jac=jac, xtol=1e-15, ftol=1e-15)
    run = gauss_newton(res, jac, [1.0, 0.0], steps=30, tol=1e-12)
    np.testing.assert_allclose(run.final_weights, ref.x, rtol=1e-8)
    assert run.stopped_at <= 12
    # J^T J is positive semi-definite at every row
    assert np.nanmin(run.min_eigenvalues) >= 0.0
    # the loss is half the sum of squared residuals, the gradient J^T r
    w = run.weights[2]
    assert run.losses[2] == pytest.approx(0.5 * res(w) @ res(w), rel=1e-14)
    np.testing.assert_allclose(run.grad_norms[2], np.linalg.norm(jac(w).T @ res(w)))
    # with a line search and damping, from farther, still there
    far = gauss_newton(
        res, jac, [5.0, 1.0], steps=80, damping=1e-3, lr=stepsizes.armijo()
    )
    np.testing.assert_allclose(far.final_weights, ref.x, rtol=1e-5)


def test_gauss_newton_with_a_rank_deficient_jacobian_stops_as_singular():
    X = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])  # second column twice the first
    y = np.array([1.0, 2.0, 2.0])
    run = gauss_newton(lambda w: X @ w - y, lambda w: X, [1.0, 1.0], 3)
    assert run.stop_reason == "singular" and run.stopped_at == 0
    ridge = gauss_newton(lambda w: X @ w - y, lambda w: X, [1.0, 1.0], 1, damping=0.5)
    expected = np.linalg.solve(X.T @ X + 0.5 * np.eye(2), X.T @ y + 0.5 * np.ones(2))
    np.testing.assert_allclose(ridge.weights[1], expected, rtol=1e-12)


# ---------------------------------------------------------------- L-BFGS


def test_two_loop_recursion_equals_the_bfgs_inverse_update():
    rng = np.random.default_rng(4)
    d = 5
    A, _ = _spd(d, 4, high=10.0)
    pairs = []
    for _ in range(3):
        s = rng.standard_normal(d)
        y = A @ s
        pairs.append((s, y, 1.0 / (s @ y)))
    s, y, _ = pairs[-1]
    H = (s @ y) / (y @ y) * np.eye(d)
    for s, y, rho in pairs:
        V = np.eye(d) - rho * np.outer(y, s)
        H = V.T @ H @ V + rho * np.outer(s, s)
    g = rng.standard_normal(d)
    np.testing.assert_allclose(_two_loop(g, pairs, d), H @ g, rtol=1e-12)
    # the update satisfies the secant equation for the newest pair
    np.testing.assert_allclose(H @ pairs[-1][1], pairs[-1][0], rtol=1e-12)
    # no pairs: the identity
    np.testing.assert_array_equal(_two_loop(g, [], d), g)


def test_a_pair_without_positive_curvature_is_skipped():
    direction = _lbfgs_direction(memory=3)
    d0 = direction(np.array([[0.0, 0.0]]), np.array([[1.0, 2.0]]))[0]
    np.testing.assert_array_equal(d0, [[-1.0, -2.0]])
    # s = (1, 0), y = (-1, 0): s.y < 0, so the estimate stays the identity
    d1 = direction(np.array([[1.0, 0.0]]), np.array([[0.0, 2.0]]))[0]
    np.testing.assert_array_equal(d1, [[-0.0, -2.0]])
    # a good pair is used: s = (0, 1), y = (0, 4) -> gamma = 1/4
    d2 = direction(np.array([[1.0, 1.0]]), np.array([[0.0, 6.0]]))[0]
    np.testing.assert_allclose(d2, [[0.0, -1.5]])


def test_lbfgs_losses_never_increase_and_each_step_meets_the_wolfe_conditions():
    s = surfaces.rosenbrock()
    for start in ([-1.2, 1.0], [2.0, -1.0], [0.0, 3.0]):
        run = lbfgs(s, start, steps=60)
        losses = run.losses[: run.stopped_at + 1]
        assert np.all(np.diff(losses) <= 0)
        np.testing.assert_array_equal(run.f_evals, run.g_evals)
        assert np.all(run.h_evals[: run.stopped_at + 1] == 0)
        for k in range(5):
            w = run.weights[k]
            d = (run.weights[k + 1] - w) / run.lrs[k]
            assert wolfe_conditions(s, w, d, run.lrs[k]) == (True, True)


ROSENBROCK_STARTS = [[-1.2, 1.0], [0.0, 0.0], [2.0, -1.0], [-0.5, 2.5]]


@pytest.mark.parametrize("start", ROSENBROCK_STARTS)
def test_lbfgs_reaches_scipys_point_on_rosenbrock_in_a_comparable_number_of_steps(
    start,
):
    s = surfaces.rosenbrock()
    ref = scipy.optimize.minimize(
        s, start, jac=s.grad, method="L-BFGS-B", options={"gtol": 1e-6, "ftol": 0}
    )
    run = lbfgs(s, start, steps=500, tol=1e-6)
    assert run.stop_reason == "tol"
    np.testing.assert_allclose(run.final_weights, ref.x, atol=1e-6)
    np.testing.assert_allclose(run.final_weights, [1.0, 1.0], atol=1e-6)
    # measured: ours 33, 21, 32, 35 steps; SciPy's 37, 22, 28, 38 iterations
    assert 0.6 * ref.nit <= run.stopped_at <= 1.4 * ref.nit


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lbfgs_reaches_scipys_point_on_an_ill_conditioned_quadratic(seed):
    A, b = _spd(20, seed)  # condition number 1000
    s = surfaces.quadratic(A, b)
    w0 = np.zeros(20)
    ref = scipy.optimize.minimize(
        s, w0, jac=s.grad, method="L-BFGS-B", options={"gtol": 1e-6, "ftol": 0}
    )
    run = lbfgs(s, w0, steps=1000, tol=1e-6)
    assert run.stop_reason == "tol"
    np.testing.assert_allclose(run.final_weights, ref.x, atol=1e-6)
    np.testing.assert_allclose(run.final_weights, np.linalg.solve(A, b), atol=1e-6)
    # measured: ours 156, 183, 177 steps; SciPy's 153, 173, 170 iterations;
    # gradient descent at the best fixed rate needs thousands
    assert 0.8 * ref.nit <= run.stopped_at <= 1.2 * ref.nit
    gd = gradient_descent(
        s, w0, lr=2.0 / (1.0 + 1e3), steps=3 * run.stopped_at, tol=1e-6
    )
    assert gd.stop_reason == "steps"


def test_lbfgs_memory_one_still_converges_and_many_starts_run_one_by_one():
    s = surfaces.rosenbrock()
    one = lbfgs(s, [-1.2, 1.0], steps=300, memory=1, tol=1e-6)
    assert one.stop_reason == "tol"
    starts = np.array(ROSENBROCK_STARTS)
    many = lbfgs(s, starts, steps=40, memory=3)
    assert many.weights.shape == (41, 4, 2) and many.lrs.shape == (40, 4)
    for i, w in enumerate(starts):
        alone = lbfgs(s, w, steps=40, memory=3)
        for name in ("weights", "losses", "lrs", "f_evals", "g_evals"):
            np.testing.assert_array_equal(
                getattr(many, name)[:, i], getattr(alone, name)
            )
        assert many.stop_reason[i] == alone.stop_reason
        assert many.stopped_at[i] == alone.stopped_at


def test_lbfgs_on_a_small_quadratic_finishes_in_a_few_times_d_steps():
    A, b = _spd(6, 3, high=50.0)
    run = lbfgs(surfaces.quadratic(A, b), np.zeros(6), steps=50, tol=1e-6)
    assert run.stop_reason == "tol" and run.stopped_at <= 3 * 6
    # below a gradient of about 1e-7 the loss changes less than its rounding
    # error, and the line search ends the run rather than loop
    deep = lbfgs(surfaces.quadratic(A, b), np.zeros(6), steps=50, tol=1e-12)
    assert deep.stop_reason == "no decrease" and deep.stopped_at < 50
    assert np.all(np.diff(deep.losses[: deep.stopped_at + 1]) <= 0)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda s: newton(s, [0.0, 0.0], 3, damping=-1.0),
            "^damping must be a non-negative",
        ),
        (lambda s: newton(s, [0.0, 0.0], -1), "^steps must be a non-negative integer"),
        (lambda s: newton(s, [0.0, 0.0], 2.5), "^steps must"),
        (lambda s: newton(s, [0.0], 3), r"^w0 must have shape \(2,\) or \(n, 2\)"),
        (lambda s: newton(s, [np.nan, 0.0], 3), "^w0 must hold finite numbers"),
        (
            lambda s: newton(s, [0.0, 0.0], 3, lr=0.0),
            "^lr must be a positive finite number or a step-size rule",
        ),
        (lambda s: newton(s, [0.0, 0.0], 3, lr=-1.0), "^lr must"),
        (lambda s: newton(s, [0.0, 0.0], 3, lr="armijo"), "^lr must"),
        (lambda s: newton(s, [0.0, 0.0], 3, tol=0.0), "^tol must"),
        (lambda s: newton("Rosenbrock", [0.0, 0.0], 3), "^surface must be"),
        (lambda s: lbfgs(s, [0.0, 0.0], 3, memory=0), "^memory must be"),
        (lambda s: lbfgs(s, [0.0, 0.0], 3, memory=1.5), "^memory must"),
        (lambda s: lbfgs(s, [0.0, 0.0], -2), "^steps must"),
        (lambda s: lbfgs(s, [[[0.0, 0.0]]], 3), "^w0 must have shape"),
        (lambda s: lbfgs(s, [0.0, 0.0], 3, tol=-1.0), "^tol must"),
    ],
)
def test_bad_input_raises_a_value_error_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call(surfaces.rosenbrock())


def test_gauss_newton_bad_input():
    X, y = np.eye(3, 2), np.ones(3)
    res, jac = (lambda w: X @ w - y), (lambda w: X)
    with pytest.raises(ValueError, match="^residuals and jacobian must be callables"):
        gauss_newton(X, jac, [0.0, 0.0], 3)
    with pytest.raises(ValueError, match=r"^jacobian\(w\) must return shape \(3, 2\)"):
        gauss_newton(res, lambda w: X.T, [0.0, 0.0], 3)
    with pytest.raises(ValueError, match=r"^residuals\(w\) must return shape \(m,\)"):
        gauss_newton(lambda w: 1.0, jac, [0.0, 0.0], 3)
    with pytest.raises(ValueError, match="^w0 must hold finite"):
        gauss_newton(res, jac, [np.inf, 0.0], 3)
    with pytest.raises(ValueError, match="^w0 must have shape"):
        gauss_newton(res, jac, 0.0, 3)
    with pytest.raises(ValueError, match="^damping must"):
        gauss_newton(res, jac, [0.0, 0.0], 3, damping=-0.1)
    with pytest.raises(ValueError, match="^steps must"):
        gauss_newton(res, jac, [0.0, 0.0], -3)
    with pytest.raises(ValueError, match="^lr must"):
        gauss_newton(res, jac, [0.0, 0.0], 3, lr=np.nan)

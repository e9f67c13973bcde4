"""Closed forms of gradient descent on quadratics, checked against measured runs."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdcourse import theory
from gdcourse.descent import gradient_descent
from gdcourse.surfaces import quadratic

EIGS = np.array([0.2, 0.5, 1.3, 2.0])  # mu = 0.2, L = 2.0, kappa = 10
MU, L = EIGS[0], EIGS[-1]


def rotated(eigs, seed=0):
    """A symmetric positive definite matrix with these eigenvalues and random eigenvectors."""
    q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(len(eigs), len(eigs))))
    return (q * eigs) @ q.T


def late_ratio(run, minimum, step):
    return theory.measured_contraction(run.weights, minimum)[step]


# ---------------------------------------------------------------------------
# curvature
# ---------------------------------------------------------------------------


def test_curvature_range_and_condition_number_of_a_rotated_matrix():
    A = rotated(EIGS, seed=3)
    mu, L = theory.curvature_range(A)
    assert mu == pytest.approx(MU, rel=1e-12) and L == pytest.approx(2.0, rel=1e-12)
    assert theory.condition_number(A) == pytest.approx(10.0, rel=1e-12)
    assert theory.condition_number(np.eye(3)) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "A, match",
    [
        ([[1.0, 2.0], [0.0, 1.0]], "symmetric"),
        ([[1.0, 0.0], [0.0, -1.0]], "positive definite"),
        ([[1.0, 0.0], [0.0, 0.0]], "positive definite"),
        ([1.0, 2.0], "square"),
        ([[np.nan]], "finite"),
        ("abc", "symmetric positive definite"),
    ],
)
def test_condition_number_rejects_bad_matrices(A, match):
    with pytest.raises(ValueError, match=match):
        theory.condition_number(A)
    with pytest.raises(ValueError, match=match):
        theory.curvature_range(A)


# ---------------------------------------------------------------------------
# plain gradient descent: theory against measurement
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("lr", [0.3, 0.5, 0.7, 0.95, 0.98])
@pytest.mark.parametrize("seed", [0, 1])
def test_measured_contraction_equals_theory_after_transients(lr, seed):
    s = quadratic(rotated(EIGS, seed))
    start = np.random.default_rng(seed).normal(size=4)
    run = gradient_descent(s, start, lr=lr, steps=300)
    assert not run.diverged
    measured = late_ratio(run, np.zeros(4), 290)
    assert measured == pytest.approx(theory.contraction(lr, MU, L), abs=1e-6)


def test_contraction_above_the_limit_is_the_measured_growth_factor():
    s = quadratic(np.diag(EIGS))
    lr = 1.05 * theory.stability_limit(L)
    run = gradient_descent(s, np.ones(4), lr=lr, steps=40)
    assert late_ratio(run, np.zeros(4), 30) == pytest.approx(
        theory.contraction(lr, MU, L), abs=1e-6
    )
    assert theory.contraction(lr, MU, L) > 1


@pytest.mark.parametrize("L_", [0.5, 2.0, 7.0])
def test_just_below_the_stability_limit_converges_just_above_diverges(L_):
    A = rotated(np.array([0.3 * L_, 0.7 * L_, L_]), seed=5)
    s = quadratic(A)
    limit = theory.stability_limit(L_)
    below = gradient_descent(s, [1.0, -1.0, 2.0], lr=0.99 * limit, steps=3000)
    above = gradient_descent(s, [1.0, -1.0, 2.0], lr=1.01 * limit, steps=3000)
    assert not below.diverged and np.linalg.norm(below.weights[-1]) < 1e-5
    assert above.diverged


def test_stability_limit_is_two_over_L_and_vectorised():
    assert theory.stability_limit(4.0) == 0.5
    np.testing.assert_allclose(theory.stability_limit([1.0, 2.0]), [2.0, 1.0])


def test_optimal_lr_minimises_the_measured_contraction():
    s = quadratic(np.diag(EIGS))
    grid = np.linspace(0.6, 0.99, 40)
    measured = []
    for lr in grid:
        err = np.linalg.norm(
            gradient_descent(s, np.ones(4), lr=lr, steps=120).weights, axis=-1
        )
        measured.append((err[120] / err[60]) ** (1 / 60))  # mean factor per step
    best = grid[int(np.argmin(measured))]
    assert abs(best - theory.optimal_lr(MU, L)) <= 0.5 * (grid[1] - grid[0])
    assert min(measured) == pytest.approx(theory.optimal_rate(L / MU), abs=2e-3)


def test_optimal_rate_is_the_contraction_at_the_optimal_rate():
    for mu, L_ in [(0.1, 1.0), (1.0, 1.0), (0.01, 3.0)]:
        rho = theory.contraction(theory.optimal_lr(mu, L_), mu, L_)
        assert rho == pytest.approx(theory.optimal_rate(L_ / mu), abs=1e-12)
    assert theory.optimal_rate(1.0) == 0.0


@settings(max_examples=40, deadline=None)
@given(mu=st.floats(0.01, 1.0), ratio=st.floats(1.0, 100.0), lr=st.floats(1e-3, 5.0))
def test_no_fixed_rate_beats_the_optimal_one(mu, ratio, lr):
    L_ = mu * ratio
    best = theory.contraction(theory.optimal_lr(mu, L_), mu, L_)
    assert theory.contraction(lr, mu, L_) >= best - 1e-12


def test_contraction_is_vectorised_over_rates():
    rates = np.array([0.1, 1.0, 2.5])
    expected = [max(abs(1 - r * MU), abs(1 - r * L)) for r in rates]
    np.testing.assert_allclose(theory.contraction(rates, MU, L), expected)


# ---------------------------------------------------------------------------
# steps to a tolerance
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("lr", [0.05, 0.3, 0.9, 0.95])
def test_steps_to_tolerance_is_exact_on_the_slowest_eigenvector(lr):
    s = quadratic(np.diag(EIGS))
    factors = np.abs(1 - lr * EIGS)
    start = np.eye(4)[int(np.argmax(factors))]
    predicted = theory.steps_to_tolerance(theory.contraction(lr, MU, L), tol=1e-4)
    run = gradient_descent(s, start, lr=lr, steps=int(predicted) + 5)
    assert theory.measured_steps(run.weights, np.zeros(4), tol=1e-4) == predicted


def test_steps_to_tolerance_bounds_every_start():
    s = quadratic(np.diag(EIGS))
    starts = np.random.default_rng(0).normal(size=(50, 4))
    for lr in (0.2, 0.7, 0.9):
        predicted = theory.steps_to_tolerance(theory.contraction(lr, MU, L), tol=1e-6)
        run = gradient_descent(s, starts, lr=lr, steps=int(predicted) + 2)
        measured = theory.measured_steps(run.weights, np.zeros(4), tol=1e-6)
        assert np.all(measured <= predicted)
        # and never much fewer: the slowest component alone needs this many
        rho = theory.contraction(lr, MU, L)
        slow = starts[:, int(np.argmax(np.abs(1 - lr * EIGS)))]
        fewest = np.log(1e-6 * np.linalg.norm(starts, axis=1) / np.abs(slow)) / np.log(
            rho
        )
        assert np.all(measured >= np.floor(fewest))


def test_steps_to_tolerance_edge_cases():
    assert theory.steps_to_tolerance(0.0) == 1.0
    assert theory.steps_to_tolerance(1.0) == np.inf
    assert theory.steps_to_tolerance(1.5) == np.inf
    assert theory.steps_to_tolerance(0.1, tol=1e-3) == 3.0  # 0.1**3 == tol exactly
    k = theory.steps_to_tolerance(theory.optimal_rate(100.0), tol=1e-6)
    assert k == pytest.approx(100 / 2 * np.log(1e6), rel=0.01)


@pytest.mark.parametrize(
    "rate, tol, match",
    [
        (-0.1, 1e-6, "rate"),
        (np.nan, 1e-6, "rate"),
        ("x", 1e-6, "rate"),
        (True, 1e-6, "rate"),
        (0.5, 0.0, "tol"),
        (0.5, 1.0, "tol"),
        (0.5, "a", "tol"),
    ],
)
def test_steps_to_tolerance_rejects_bad_input(rate, tol, match):
    with pytest.raises(ValueError, match=match):
        theory.steps_to_tolerance(rate, tol)


# ---------------------------------------------------------------------------
# heavy-ball momentum
# ---------------------------------------------------------------------------


def companion_radius(lr, beta, lam):
    """Spectral radius of the 2x2 matrix mapping (e_k, e_{k-1}) to (e_{k+1}, e_k)."""
    M = np.array([[1 + beta - lr * lam, -beta], [1.0, 0.0]])
    return np.max(np.abs(np.linalg.eigvals(M)))


@settings(max_examples=60, deadline=None)
@given(
    lr=st.floats(1e-3, 3.0),
    beta=st.floats(0.0, 0.99),
    mu=st.floats(0.05, 1.0),
    ratio=st.floats(1.0, 50.0),
)
def test_heavy_ball_contraction_is_the_worst_companion_radius(lr, beta, mu, ratio):
    L_ = mu * ratio
    lams = np.linspace(mu, L_, 101)
    worst = max(companion_radius(lr, beta, lam) for lam in lams)
    assert theory.heavy_ball_contraction(lr, beta, mu, L_) == pytest.approx(
        worst, rel=1e-6, abs=1e-9
    )


def test_heavy_ball_contraction_without_momentum_is_plain_contraction():
    rates = np.array([0.1, 0.9, 1.5])
    np.testing.assert_allclose(
        theory.heavy_ball_contraction(rates, 0.0, MU, L),
        theory.contraction(rates, MU, L),
        atol=1e-12,
    )


def test_heavy_ball_contraction_matches_a_measured_run():
    # real, distinct factors at both ends: the measured ratio settles exactly
    lr, beta = 0.3, 0.2
    s = quadratic(np.diag([MU, L]))
    run = gradient_descent(s, [1.0, 1.0], lr=lr, steps=200, momentum=beta)
    assert late_ratio(run, np.zeros(2), 190) == pytest.approx(
        theory.heavy_ball_contraction(lr, beta, MU, L), abs=1e-6
    )


@pytest.mark.parametrize("kappa", [4.0, 25.0, 100.0])
def test_heavy_ball_optimum_reaches_its_rate_in_a_measured_run(kappa):
    mu, L_ = 1.0 / kappa, 1.0
    lr, beta = theory.heavy_ball_optimal(mu, L_)
    assert lr == pytest.approx(4 / (1 + np.sqrt(mu)) ** 2)
    assert beta == pytest.approx(((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2)
    s = quadratic(np.diag([mu, 0.5 * (mu + L_), L_]))
    rho = theory.heavy_ball_rate(kappa)
    run = gradient_descent(
        s,
        [1.0, 1.0, 1.0],
        lr=lr,
        steps=int(np.log(1e-40) / np.log(rho)) + 1,
        momentum=beta,
    )
    err = np.linalg.norm(run.weights, axis=-1)
    # error ~ k * rho**k at the double root: fit the slope of log(err / k) over late steps
    k = np.arange(int(np.log(1e-10) / np.log(rho)), run.steps)
    slope = np.polyfit(k, np.log(err[k] / k), 1)[0]
    assert np.exp(slope) == pytest.approx(rho, abs=2e-3)
    assert theory.heavy_ball_contraction(lr, beta, mu, L_) == pytest.approx(
        rho, abs=1e-6
    )
    assert rho < theory.optimal_rate(kappa)


@settings(max_examples=30, deadline=None)
@given(
    mu=st.floats(0.01, 1.0),
    ratio=st.floats(1.5, 100.0),
    dlr=st.floats(-0.2, 0.2),
    dbeta=st.floats(-0.2, 0.2),
)
def test_no_nearby_setting_beats_the_heavy_ball_optimum(mu, ratio, dlr, dbeta):
    L_ = mu * ratio
    lr, beta = theory.heavy_ball_optimal(mu, L_)
    other = theory.heavy_ball_contraction(
        lr * (1 + dlr), min(max(beta + dbeta, 0.0), 0.999), mu, L_
    )
    assert other >= theory.heavy_ball_rate(ratio) - 1e-9


def test_momentum_steps_grow_like_sqrt_kappa_and_plain_like_kappa():
    kappas = np.array([10.0, 1000.0])
    gd_steps = theory.steps_to_tolerance(theory.optimal_rate(kappas))
    hb_steps = theory.steps_to_tolerance(theory.heavy_ball_rate(kappas))
    assert gd_steps[1] / gd_steps[0] == pytest.approx(100, rel=0.1)
    assert hb_steps[1] / hb_steps[0] == pytest.approx(10, rel=0.15)


# ---------------------------------------------------------------------------
# measuring runs
# ---------------------------------------------------------------------------


def test_measured_steps_many_starts_and_divergence():
    s = quadratic([[2.0]])
    run = gradient_descent(s, [[1.0], [-3.0]], lr=0.25, steps=20)
    np.testing.assert_array_equal(
        theory.measured_steps(run.weights, [0.0], tol=0.01), [7.0, 7.0]
    )
    blown = gradient_descent(s, [1.0], lr=1.2, steps=200)
    assert blown.diverged and theory.measured_steps(blown.weights, [0.0]) == np.inf
    assert theory.measured_steps(run.weights[:3, 0], [0.0], tol=0.01) == np.inf


def test_measured_contraction_shape_and_nan_after_a_stop():
    s = quadratic([[2.0]])
    run = gradient_descent(s, [[1.0], [2.0]], lr=0.1, steps=5)
    ratios = theory.measured_contraction(run.weights, [0.0])
    assert ratios.shape == (5, 2)
    np.testing.assert_allclose(ratios, 0.8)
    blown = gradient_descent(s, [1.0], lr=2.0, steps=100)
    assert np.isnan(theory.measured_contraction(blown.weights, [0.0])[-1])


@pytest.mark.parametrize(
    "weights, minimum, match",
    [
        (np.zeros(3), [0.0], "weights"),
        (np.zeros((3, 2)), [0.0], "minimum"),
        (np.zeros((3, 1)), [np.inf], "minimum"),
    ],
)
def test_measuring_rejects_bad_shapes(weights, minimum, match):
    with pytest.raises(ValueError, match=match):
        theory.measured_steps(weights, minimum)
    with pytest.raises(ValueError, match=match):
        theory.measured_contraction(weights, minimum)


def test_measured_steps_rejects_bad_tol():
    with pytest.raises(ValueError, match="tol"):
        theory.measured_steps(np.zeros((3, 1)), [0.0], tol=2.0)


# ---------------------------------------------------------------------------
# argument checks
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: theory.stability_limit(0.0), r"L must be a number in \(0, inf\)"),
        (lambda: theory.stability_limit(np.inf), r"L must be a number in \(0, inf\)"),
        (lambda: theory.stability_limit(True), r"L must be a number in \(0, inf\)"),
        (lambda: theory.stability_limit("a"), r"L must be a number in \(0, inf\)"),
        (lambda: theory.optimal_lr(-1.0, 1.0), r"mu must be a number in \(0, inf\)"),
        (lambda: theory.optimal_lr(2.0, 1.0), "mu must not exceed L"),
        (
            lambda: theory.contraction(0.0, 0.1, 1.0),
            r"lr must be a number in \(0, inf\)",
        ),
        (
            lambda: theory.contraction(0.1, 0.1, np.nan),
            r"L must be a number in \(0, inf\)",
        ),
        (lambda: theory.optimal_rate(0.5), r"kappa must be a number in \[1, inf\)"),
        (lambda: theory.optimal_rate([]), r"kappa must be a number in \[1, inf\)"),
        (lambda: theory.heavy_ball_rate(0.9), r"kappa must be a number in \[1, inf\)"),
        (
            lambda: theory.heavy_ball_optimal(0.0, 1.0),
            r"mu must be a number in \(0, inf\)",
        ),
        (lambda: theory.heavy_ball_optimal(2.0, 1.0), "mu must not exceed L"),
        (lambda: theory.heavy_ball_optimal([0.1, 0.2], [1.0, 1.0]), "single numbers"),
        (
            lambda: theory.heavy_ball_contraction(0.1, 1.0, 0.1, 1.0),
            "momentum must be a number in",
        ),
        (
            lambda: theory.heavy_ball_contraction(0.1, -0.1, 0.1, 1.0),
            "momentum must be a number in",
        ),
        (
            lambda: theory.heavy_ball_contraction(0.1, "x", 0.1, 1.0),
            "momentum must be a number in",
        ),
        (
            lambda: theory.heavy_ball_contraction(-0.1, 0.5, 0.1, 1.0),
            r"lr must be a number in \(0, inf\)",
        ),
    ],
)
def test_bad_arguments_raise_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ---------------------------------------------------------------------------
# gradient noise
# ---------------------------------------------------------------------------


def stationary_loss_by_iteration(lr, A, C, iterations=20000):
    """Mean loss of w <- w - lr (A w + xi), Cov(xi) = C, from its covariance recursion."""
    M = np.eye(len(A)) - lr * A
    P = np.zeros_like(A)
    for _ in range(iterations):
        P = M @ P @ M.T + lr**2 * C
    return 0.5 * np.trace(A @ P)


@pytest.mark.parametrize("lr", [0.05, 0.4, 0.9])
def test_noise_floor_solves_the_covariance_recursion_in_any_basis(lr):
    A = rotated(EIGS, seed=3)
    B = np.random.default_rng(4).normal(size=(4, 4))
    C = B @ B.T  # a full (not diagonal) noise covariance
    eigs, V = np.linalg.eigh(A)
    along = np.diag(V.T @ C @ V)  # its variance along each eigenvector
    expected = stationary_loss_by_iteration(lr, A, C)
    assert theory.noise_floor(lr, eigs, along) == pytest.approx(expected, rel=1e-9)


def test_noise_floor_is_the_mean_loss_of_a_long_noisy_run():
    lams, sigma, lr = np.array([0.1, 1.0]), 0.5, 0.2
    starts = np.zeros((400, 2))
    run = gradient_descent(
        quadratic(np.diag(lams)), starts, lr=lr, steps=600, noise=sigma, seed=0
    )
    measured = run.losses[200:].mean()  # after the slowest direction has mixed
    predicted = theory.noise_floor(lr, lams, sigma**2)
    assert measured == pytest.approx(predicted, rel=0.05)


def test_noise_floor_small_rate_limit_and_proportionality():
    lams, c = np.array([0.1, 1.0, 3.0]), np.array([1.0, 2.0, 0.5])
    small = theory.noise_floor(1e-6, lams, c)
    assert small == pytest.approx(1e-6 * c.sum() / 4, rel=1e-5)
    # not proportional to the rate once lr * lambda is not small
    assert theory.noise_floor(0.6, lams, c) > 2 * theory.noise_floor(0.3, lams, c)


def test_noise_floor_without_a_stationary_state_or_without_noise():
    assert theory.noise_floor(2.0, [0.1, 1.0], 1.0) == np.inf
    # no noise along the unstable direction: nothing is driven there
    assert theory.noise_floor(2.0, [0.1, 1.0], [1.0, 0.0]) == pytest.approx(
        2.0 / (2 * 1.8)
    )
    assert theory.noise_floor(0.1, [0.1, 1.0], 0.0) == 0.0


@pytest.mark.parametrize(
    "args, match",
    [
        ((0.0, [1.0], 1.0), r"lr must be a positive finite number"),
        ((0.1, [0.0, 1.0], 1.0), r"curvatures must be a number in \(0, inf\)"),
        ((0.1, [1.0], -1.0), r"noise_var must be a number in \[0, inf\)"),
    ],
)
def test_noise_floor_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        theory.noise_floor(*args)


# ---------------------------------------------------------------------------
# guarantees beyond quadratics, checked against runs
# ---------------------------------------------------------------------------


def cosine_sum():
    """f(w) = sum cos(w_i): smooth with L = 1, non-convex, f* = -d."""
    return (
        lambda w: np.cos(w).sum(-1),
        lambda w: -np.sin(w),
    )


def plain_run(grad, w0, lr, steps):
    w = [np.asarray(w0, dtype=float)]
    for _ in range(steps):
        w.append(w[-1] - lr * grad(w[-1]))
    return np.array(w)


def accelerated_run(grad, w0, L, steps):
    """Nesterov's method with momentum k/(k+3), the form of nesterov_gap_bound."""
    w = y = np.asarray(w0, dtype=float)
    out = [w]
    for k in range(steps):
        w_new = y - grad(y) / L
        y = w_new + k / (k + 3) * (w_new - w)
        w = w_new
        out.append(w)
    return np.array(out)


def test_descent_lemma_holds_on_a_non_convex_function_and_is_tight_on_a_quadratic():
    f, grad = cosine_sum()
    rng = np.random.default_rng(0)
    w = rng.uniform(-3, 3, size=(200, 5))
    g = grad(w)
    for lr in (0.1, 1.0, 1.9):
        bound = theory.descent_lemma_bound(f(w), (g**2).sum(-1), lr, 1.0)
        assert np.all(f(w - lr * g) <= bound + 1e-12)
    # along the top eigenvector of a quadratic the lemma is an equality
    s = quadratic(np.diag([0.5, 2.0]))
    w = np.array([0.0, 1.3])
    for lr in (0.2, 0.5, 0.9):
        after = s(w - lr * s.grad(w))
        bound = theory.descent_lemma_bound(s(w), s.grad(w) @ s.grad(w), lr, 2.0)
        assert after == pytest.approx(bound, rel=1e-12)


def test_convex_gap_bound_holds_along_runs_on_convex_quadratics():
    A, b = theory.worst_quadratic(2.0, 41)
    s = quadratic(A, b)
    w_star = np.linalg.solve(A, b)
    f_star = s(w_star)
    run = gradient_descent(s, np.zeros(41), lr=0.5, steps=200)
    k = np.arange(1, 201)
    gap = run.losses[1:] - f_star
    bound = theory.convex_gap_bound(np.linalg.norm(w_star), 0.5, k)
    assert np.all(gap <= bound)
    assert np.max(gap / bound) > 0.05  # not vacuous: within a factor 20 somewhere
    # a singular (merely convex) quadratic, started off its minimisers
    s = quadratic(np.diag([0.0, 1.0, 4.0]))
    run = gradient_descent(s, [1.0, 2.0, -1.0], lr=0.25, steps=50)
    dist0 = np.linalg.norm([0.0, 2.0, -1.0])  # to the nearest minimiser (1, 0, 0)
    assert np.all(run.losses[1:] <= theory.convex_gap_bound(dist0, 0.25, k[:50]))


def test_strongly_convex_gap_bound_holds_and_matches_the_slowest_direction():
    A = rotated(EIGS, seed=1)
    s = quadratic(A)
    run = gradient_descent(s, np.ones(4), lr=1 / L, steps=80)
    k = np.arange(1, 81)
    bound = theory.strongly_convex_gap_bound(run.losses[0], MU, L, k)
    assert np.all(run.losses[1:] <= bound * (1 + 1e-12))
    # started on the flattest eigenvector the loss shrinks by (1 - mu/L)^2 per step
    w0 = np.linalg.eigh(A)[1][:, 0]
    run = gradient_descent(s, w0, lr=1 / L, steps=10)
    assert run.losses[10] / run.losses[0] == pytest.approx((1 - MU / L) ** 20, rel=1e-9)


def test_nonconvex_gradient_bound_holds_on_a_cosine_landscape():
    f, grad = cosine_sum()
    w0 = np.random.default_rng(2).uniform(-3, 3, size=6)
    w = plain_run(grad, w0, 1.0, 100)
    g2 = (grad(w[:-1]) ** 2).sum(-1)
    k = np.arange(1, 101)
    bound = theory.nonconvex_gradient_bound(f(w0) + 6, 1.0, k)
    assert np.all(np.minimum.accumulate(g2) <= bound)


def test_sgd_averaged_bound_holds_for_noisy_gradients_on_a_convex_quadratic():
    rng = np.random.default_rng(0)
    curv, sigma, seeds, k = np.array([0.2, 1.0]), 0.5, 2000, 100
    w0 = np.array([2.0, -1.0])
    R = np.linalg.norm(w0)
    # G^2 bounds E|g|^2 on the ball |w| <= 2R that these runs stay in (checked below)
    G = np.sqrt((curv.max() * 2 * R) ** 2 + 2 * sigma**2)
    lr = theory.sgd_rate(R, G, k)
    w = np.tile(w0, (seeds, 1))
    total, radius = np.zeros_like(w), 0.0
    for _ in range(k):
        total += w
        radius = max(radius, np.max(np.linalg.norm(w, axis=1)))
        w = w - lr * (curv * w + sigma * rng.normal(size=w.shape))
    gap = 0.5 * (curv * (total / k) ** 2).sum(-1).mean()
    assert radius <= 2 * R
    assert gap <= theory.sgd_averaged_bound(R, G, k)
    assert theory.sgd_averaged_bound(R, G, 4 * k) == pytest.approx(
        theory.sgd_averaged_bound(R, G, k) / 2
    )


def test_nesterov_beats_its_bound_and_no_method_beats_the_lower_bound():
    L_, d, steps = 1.0, 201, 100
    A, b = theory.worst_quadratic(L_, d)
    s = quadratic(A, b)
    w_star = np.linalg.solve(A, b)
    R, f_star = np.linalg.norm(w_star), s(w_star)
    k = np.arange(1, steps + 1)
    agd = s(accelerated_run(s.grad, np.zeros(d), L_, steps)[1:]) - f_star
    gd_ = gradient_descent(s, np.zeros(d), lr=1 / L_, steps=steps).losses[1:] - f_star
    assert np.all(agd <= theory.nesterov_gap_bound(L_, R, k))
    assert agd[-1] < gd_[-1] / 3  # acceleration is real here
    # the lower bound at step k holds on the worst function of dimension 2k + 1
    for k in (1, 5, 20, 60):
        A, b = theory.worst_quadratic(L_, 2 * k + 1)
        s = quadratic(A, b)
        w_star = np.linalg.solve(A, b)
        R, f_star = np.linalg.norm(w_star), s(w_star)
        low = theory.first_order_lower_bound(L_, R, k)
        w0 = np.zeros(2 * k + 1)
        last_agd = s(accelerated_run(s.grad, w0, L_, k)[-1]) - f_star
        last_gd = gradient_descent(s, w0, lr=1 / L_, steps=k).losses[-1] - f_star
        assert low <= last_agd <= 40 * low
        assert last_gd >= low


def test_nesterov_bound_is_tight_in_rate_on_the_worst_quadratic():
    # the bound is 2 L R^2 / (k + 1)^2 ...
    k = np.array([1, 2, 5, 40])
    np.testing.assert_allclose(
        theory.nesterov_gap_bound(3.0, 0.5, k), 2 * 3.0 * 0.25 / (k + 1.0) ** 2
    )
    # ... and on the worst quadratic for the horizon k (dimension 2k + 1) the
    # method's gap at step k is the same fraction of it, within a factor 1.5,
    # from k = 1 on: a looser bound at small k (/ k^2 is 4 times this at k = 1)
    # would leave a gap several times farther below it there than later
    L_ = 2.0
    ratios = []
    for k in (1, 2, 3, 5, 10, 30, 60):
        A, b = theory.worst_quadratic(L_, 2 * k + 1)
        s = quadratic(A, b)
        w_star = np.linalg.solve(A, b)
        R, f_star = np.linalg.norm(w_star), s(w_star)
        gap = s(accelerated_run(s.grad, np.zeros(2 * k + 1), L_, k)[-1]) - f_star
        ratios.append(gap / theory.nesterov_gap_bound(L_, R, k))
    assert 0.1 < min(ratios) and max(ratios) < 0.2
    assert max(ratios) / min(ratios) < 1.5


def test_worst_quadratic_minimiser_spectrum_and_zero_chain():
    A, b = theory.worst_quadratic(3.0, 9)
    eig = np.linalg.eigvalsh(A)
    assert eig[0] > 0 and eig[-1] < 3.0
    i = np.arange(1, 10)
    np.testing.assert_allclose(np.linalg.solve(A, b), 1 - i / 10, rtol=1e-12)
    run = gradient_descent(quadratic(A, b), np.zeros(9), lr=0.3, steps=4)
    assert np.all(run.weights[4][4:] == 0) and np.all(run.weights[4][:4] != 0)


def test_strongly_convex_lower_bound_is_heavy_balls_optimal_rate_squared():
    for kappa in (1.0, 4.0, 100.0):
        q = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
        assert theory.strongly_convex_lower_bound(kappa, 3) == pytest.approx(q**6)
    lr, beta = theory.heavy_ball_optimal(0.04, 1.0)
    s = quadratic(np.diag([0.04, 0.3, 1.0]))
    run = gradient_descent(s, [1.0, 1.0, 1.0], lr=lr, steps=400, momentum=beta)
    ratio = np.sum(run.weights[400] ** 2) / np.sum(run.weights[0] ** 2)
    # heavy ball at its optimum decays like k * q^k: the rate is the bound's
    measured = (ratio / theory.strongly_convex_lower_bound(25.0, 1) ** 400) ** (1 / 400)
    assert 1.0 < measured < 1.05
    with pytest.raises(ValueError, match="k must be"):
        theory.strongly_convex_lower_bound(4.0, 1.5)


@pytest.mark.parametrize(
    "func, args",
    [
        (theory.convex_gap_bound, (1.0, 0.1, 0)),
        (theory.convex_gap_bound, (-1.0, 0.1, 1)),
        (theory.nesterov_gap_bound, (0.0, 1.0, 1)),
        (theory.sgd_averaged_bound, (1.0, 0.0, 1)),
        (theory.strongly_convex_gap_bound, (1.0, 2.0, 1.0, 1)),
        (theory.descent_lemma_bound, (1.0, -1.0, 0.1, 1.0)),
        (theory.worst_quadratic, (1.0, 1)),
    ],
)
def test_bounds_reject_bad_arguments(func, args):
    with pytest.raises(ValueError, match="must"):
        func(*args)


# ---------------------------------------------------------------------------
# heavy ball along one curvature: the convergence map
# ---------------------------------------------------------------------------


def test_heavy_ball_roots_are_the_eigenvalues_of_the_iteration_matrix():
    rng = np.random.default_rng(0)
    lr, beta, lam = (
        rng.uniform(0.01, 3, 50),
        rng.uniform(0, 0.99, 50),
        rng.uniform(0.1, 2, 50),
    )
    roots = theory.heavy_ball_roots(lr, beta, lam)
    for i in range(50):
        T = np.array([[1 + beta[i] - lr[i] * lam[i], -beta[i]], [1.0, 0.0]])
        ref = np.linalg.eigvals(T)
        np.testing.assert_allclose(
            np.sort_complex(roots[i]), np.sort_complex(ref), atol=1e-7
        )
    assert roots.shape == (50, 2)
    assert np.all(np.abs(roots[:, 0]) >= np.abs(roots[:, 1]))


def test_heavy_ball_radius_map_matches_measured_runs_and_the_worst_curvature():
    lrs, betas = np.meshgrid(np.linspace(0.05, 3.5, 12), np.linspace(0, 0.95, 9))
    radius = theory.heavy_ball_radius(lrs, betas, 1.0)
    assert radius.shape == lrs.shape
    s = quadratic([[1.0]])
    for lr, beta, rho in zip(lrs.ravel(), betas.ravel(), radius.ravel()):
        run = gradient_descent(s, [1.0], lr=lr, steps=400, momentum=beta)
        if rho >= 1:
            assert run.diverged or abs(run.weights[-1, 0]) > 1e-3
            continue
        e = np.abs(run.weights[:, 0])
        if e[200:300].max() == 0:  # lr * curvature == 1: exactly solved
            continue
        measured = (e[300:400].max() / e[200:300].max()) ** (1 / 100)
        if e[300:400].max() > 1e-250:
            assert measured == pytest.approx(rho, abs=0.02)
    both = np.maximum(
        theory.heavy_ball_radius(lrs, betas, 0.1),
        theory.heavy_ball_radius(lrs, betas, 1.0),
    )
    np.testing.assert_allclose(
        both, theory.heavy_ball_contraction(lrs, betas, 0.1, 1.0), rtol=1e-12
    )


def test_heavy_ball_regime_matches_the_sign_pattern_of_runs():
    s = quadratic([[1.0]])
    for lr, beta, code in [
        (0.3, 0.0, 0),
        (1.7, 0.0, 1),
        (0.5, 0.6, 2),
        (2.2, 0.0, 3),
        (0.02, 0.5, 0),
        (2.5, 0.3, 1),
    ]:
        assert theory.heavy_ball_regime(lr, beta, 1.0) == code
        e = gradient_descent(s, [1.0], lr=lr, steps=60, momentum=beta).weights[20:, 0]
        flips = np.mean(np.sign(e[1:]) != np.sign(e[:-1]))
        if code == 0:
            assert flips == 0
        elif code == 1:
            assert flips > 0.9
        elif code == 2:
            assert 0 < flips < 0.9
        else:
            assert np.max(np.abs(e)) > 1e3 or not np.all(np.isfinite(e))
    assert theory.HEAVY_BALL_REGIMES[2] == "spiralling"


# ---------------------------------------------------------------------------
# saddle escape
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("eps", [1e-9, 1e-6, 1e-3, 0.1])
@pytest.mark.parametrize("lr", [0.05, 0.2])
def test_saddle_escape_steps_matches_a_measured_escape(eps, lr):
    from gdcourse import descent, landscape, surfaces

    saddle = surfaces.saddle()
    b = -float(np.linalg.eigvalsh(saddle.hessian(np.zeros(2)))[0])
    run = descent.gradient_descent(saddle, [1.5, eps], lr=lr, steps=800)
    measured = landscape.escape_step(run.weights[:, 1:], [0.0], 1.0)
    assert theory.saddle_escape_steps(eps, lr, b) == int(measured)


def test_saddle_escape_steps_grows_by_a_constant_per_decade():
    k = theory.saddle_escape_steps(10.0 ** -np.arange(2, 12), 0.1, 1.0)
    assert set(np.diff(k)) <= {24, 25}  # ln 10 / ln 1.1 = 24.16


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"eps": 0.0}, "eps must be"),
        ({"eps": 2.0}, "eps must be smaller than radius"),
        ({"lr": -0.1}, "lr must be a positive finite number"),
        ({"curvature": 0}, "curvature must be a positive finite number"),
    ],
)
def test_saddle_escape_steps_refuses_bad_input(kwargs, message):
    args = {"eps": 1e-3, "lr": 0.1, "curvature": 1.0} | kwargs
    with pytest.raises(ValueError, match=message):
        theory.saddle_escape_steps(**args)


# ---------------------------------------------------------------------------
# every formula at a point, every argument named in its error, edge cases
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "func, args, expected",
    [
        (theory.convex_gap_bound, (0.5, 0.2, 3), 0.5**2 / (2 * 0.2 * 3)),
        (theory.strongly_convex_gap_bound, (0.5, 0.5, 2.0, 3), 0.5 * 0.75**3),
        (theory.nonconvex_gradient_bound, (0.5, 3.0, 4), 2 * 3.0 * 0.5 / 4),
        (theory.sgd_averaged_bound, (0.5, 3.0, 4), 0.5 * 3.0 / 2),
        (theory.sgd_rate, (0.5, 3.0, 4), 0.5 / (3.0 * 2)),
        (theory.nesterov_gap_bound, (3.0, 0.5, 2), 2 * 3.0 * 0.25 / 9),
        (theory.first_order_lower_bound, (2.0, 0.5, 3), 3 * 2.0 * 0.25 / (32 * 16)),
        (theory.descent_lemma_bound, (1.0, 0.5, 0.3, 2.0), 1 - 0.3 * 0.7 * 0.5),
        (theory.steps_to_tolerance, (math.inf,), math.inf),
    ],
)
def test_each_bound_is_its_formula_and_a_scalar_is_a_python_float(func, args, expected):
    got = func(*args)
    assert type(got) is float
    assert got == pytest.approx(expected, rel=1e-12)


def test_saddle_escape_steps_formula_and_integer_results():
    # ln(radius / eps) / ln(1 + lr b), rounded up: ln(2000) / ln(1.2) = 41.7
    k = theory.saddle_escape_steps(1e-3, 0.1, 2.0, radius=2.0)
    assert type(k) is int and k == 42
    ks = theory.saddle_escape_steps([1e-3, 1e-2], 0.1, 2.0, radius=2.0)
    assert ks.dtype.kind == "i" and list(ks) == [42, 30]


@pytest.mark.parametrize(
    "func, args, message",
    [
        (theory.steps_to_tolerance, (-0.1,), "rate must"),
        (theory.steps_to_tolerance, (0.5, 1.0), "tol must"),
        (theory.saddle_escape_steps, (0.0, 0.1, 1.0), "eps must"),
        (theory.saddle_escape_steps, (1e-3, 0.0, 1.0), "lr must"),
        (theory.saddle_escape_steps, (1e-3, 0.1, 0.0), "curvature must"),
        (theory.saddle_escape_steps, (1e-3, 0.1, 1.0, 0.0), "radius must"),
        (theory.saddle_escape_steps, (1.0, 0.1, 1.0, 1.0), "eps must be smaller"),
        (theory.heavy_ball_optimal, ([0.1, 0.2], 1.0), "mu and L must be single"),
        (theory.heavy_ball_optimal, (0.0, 1.0), "mu must"),
        (theory.descent_lemma_bound, (math.inf, 1.0, 0.1, 1.0), "loss must"),
        (theory.descent_lemma_bound, (1.0, -1.0, 0.1, 1.0), "grad_norm_sq must"),
        (theory.descent_lemma_bound, (1.0, 1.0, 0.0, 1.0), "lr must"),
        (theory.descent_lemma_bound, (1.0, 1.0, 0.1, 0.0), "L must"),
        (theory.convex_gap_bound, (-1.0, 0.1, 1), "dist0 must"),
        (theory.convex_gap_bound, (1.0, 0.0, 1), "lr must"),
        (theory.convex_gap_bound, (1.0, 0.1, 0), "k must"),
        (theory.convex_gap_bound, (1.0, 0.1, 1.5), "k must be a positive integer"),
        (theory.strongly_convex_gap_bound, (-1.0, 0.1, 1.0, 1), "gap0 must"),
        (theory.strongly_convex_gap_bound, (1.0, 0.0, 1.0, 1), "mu must"),
        (theory.strongly_convex_gap_bound, (1.0, 0.1, 0.0, 1), "L must"),
        (theory.nonconvex_gradient_bound, (-1.0, 1.0, 1), "gap0 must"),
        (theory.nonconvex_gradient_bound, (1.0, 0.0, 1), "L must"),
        (theory.sgd_averaged_bound, (-1.0, 1.0, 1), "dist0 must"),
        (theory.sgd_averaged_bound, (1.0, 0.0, 1), "G must"),
        (theory.sgd_rate, (0.0, 1.0, 1), "dist0 must"),
        (theory.sgd_rate, (1.0, 0.0, 1), "G must"),
        (theory.nesterov_gap_bound, (0.0, 1.0, 1), "L must"),
        (theory.nesterov_gap_bound, (1.0, -1.0, 1), "dist0 must"),
        (theory.first_order_lower_bound, (0.0, 1.0, 1), "L must"),
        (theory.first_order_lower_bound, (1.0, -1.0, 1), "dist0 must"),
        (theory.worst_quadratic, (0.0, 5), "L must"),
        (theory.worst_quadratic, (1.0, 1), "d must"),
        (theory.heavy_ball_roots, (0.0, 0.5, 1.0), "lr must"),
        (theory.heavy_ball_roots, (0.1, 1.5, 1.0), "momentum must"),
        (theory.heavy_ball_roots, (0.1, 0.5, 0.0), "curvature must"),
        (theory.curvature_range, (np.diag([1.0, -2.0]),), "A must be positive"),
        (theory.curvature_range, ([[1.0, 2.0], [0.0, 1.0]],), "A must be symmetric"),
        (theory.measured_steps, (np.empty((0, 2)), [0.0, 0.0]), "weights must"),
        (theory.measured_steps, (np.zeros((3, 2)), [0.0, 0.0], 1.5), "tol must"),
        (theory.measured_steps, (np.zeros((3, 2)), [0.0, 0.0], 0.0), "tol must"),
        (theory.descent_lemma_bound, (-math.inf, 1.0, 0.1, 1.0), "loss must"),
        (theory.measured_contraction, (np.zeros((3, 2)), [0.0]), "minimum must"),
    ],
)
def test_an_error_names_the_argument_it_is_about(func, args, message):
    with pytest.raises(ValueError, match=f"^{message}"):
        func(*args)


def test_errors_show_the_offending_numbers():
    with pytest.raises(ValueError, match="smallest eigenvalue is -2$"):
        theory.curvature_range(np.diag([1.0, -2.0]))
    # a minimum of the wrong length is told the length of the weights
    with pytest.raises(ValueError, match=r"shape \(2,\), got shape \(3,\)"):
        theory.measured_steps(np.zeros((3, 4, 2)), [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match=r"shape \(2,\), got shape \(3,\)"):
        theory.measured_contraction(np.zeros((5, 2)), [0.0, 0.0, 0.0])


def test_argument_ranges_reach_their_ends():
    # the smallest legal values are legal: no hidden lower bound of 1 or 3
    assert theory.convex_gap_bound(0.0, 0.1, 1) == 0.0
    assert theory.strongly_convex_gap_bound(0.0, 0.1, 1.0, 1) == 0.0
    assert theory.nonconvex_gradient_bound(0.0, 1.0, 1) == 0.0
    assert theory.sgd_averaged_bound(0.0, 1.0, 1) == 0.0
    assert theory.nesterov_gap_bound(1.0, 0.0, 1) == 0.0
    assert theory.first_order_lower_bound(1.0, 0.0, 1) == 0.0
    A, b = theory.worst_quadratic(1.0, 2)
    assert A.shape == (2, 2) and b.shape == (2,)
    assert theory.heavy_ball_roots(0.1, 0.0, 1.0).shape == (2,)


def test_heavy_ball_regime_at_its_boundaries():
    # beta = 0, lr * curvature = 1: both factors are 0, the error is gone
    # after one step (no sign change): monotone
    assert theory.heavy_ball_regime(1.0, 0.0, 1.0) == 0
    # beta = 0, lr * curvature = 2: the factor is -1, the error never shrinks
    assert theory.heavy_ball_regime(2.0, 0.0, 1.0) == 3


def test_measured_steps_edge_cases():
    # distance to a minimum that is not the origin: 2, 1, 0.5
    w = np.array([[3.0, 1.0], [2.0, 1.0], [1.5, 1.0]])
    assert theory.measured_steps(w, [1.0, 1.0], tol=0.5) == 1.0  # 1 <= 0.5 * 2
    assert theory.measured_steps(w, [1.0, 1.0], tol=0.25) == 2.0
    # one start that gets there and one that never does
    two = np.array([[[2.0], [2.0]], [[1.0], [2.0]], [[0.5], [2.0]]])
    np.testing.assert_array_equal(theory.measured_steps(two, [0.0], 0.5), [1, np.inf])
    # a run of no steps is a run: it has not got there
    assert theory.measured_steps(np.ones((1, 2)), [0.0, 0.0], 0.5) == np.inf


def test_measured_contraction_edge_cases():
    w = np.array([[3.0, 1.0], [2.0, 1.0], [1.5, 1.0]])
    np.testing.assert_allclose(theory.measured_contraction(w, [1.0, 1.0]), [0.5, 0.5])
    # landing on the minimum: 1 / 0 and 0 / 0 give NaN, without a warning
    np.testing.assert_array_equal(
        theory.measured_contraction([[0.0], [1.0], [0.0], [0.0]], [0.0]),
        [np.nan, 0.0, np.nan],
    )


def test_heavy_ball_regime_calls_a_factor_complex_above_rounding():
    # lr * curvature = 1 leaves the factors +-i sqrt(beta): an imaginary part
    # of 1e-12 is taken for rounding, 1.5e-12 already spirals
    assert theory.heavy_ball_regime(1.0, 1e-24, 1.0) == 0
    assert theory.heavy_ball_regime(1.0, 2.25e-24, 1.0) == 2

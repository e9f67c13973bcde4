"""gdcourse.implicit: the minimum-norm fit, spectral filters, ridge, the max-margin direction.

SciPy checks the max-margin direction here (and only here): the package never imports it.
"""

import numpy as np
import pytest
from scipy import optimize

from gdcourse import descent, implicit, models, optimizers


def wide_problem(n=5, d=12, seed=0):
    """More weights than examples: many exact fits."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.standard_normal(n)


def best_rate(X):
    lam = implicit.spectrum(X)[0]
    positive = lam[lam > 0]
    return 2.0 / (positive.min() + positive.max())


# ----------------------------------------------------------------------------
# least squares: the minimum-norm fit
# ----------------------------------------------------------------------------


def test_gradient_descent_from_zero_reaches_the_pseudo_inverse_solution():
    X, y = wide_problem()
    run = descent.gradient_descent(
        implicit.regression_loss(X, y), np.zeros(12), lr=best_rate(X), steps=3000
    )
    w = run.weights[-1]
    np.testing.assert_allclose(w, np.linalg.pinv(X) @ y, atol=1e-10)
    np.testing.assert_allclose(X @ w, y, atol=1e-10)  # an exact fit ...
    other = w + np.linalg.svd(X)[2][-1]  # ... and so is w plus a null-space vector,
    np.testing.assert_allclose(X @ other, y, atol=1e-10)
    assert np.linalg.norm(w) < np.linalg.norm(other)  # which is longer


def test_a_start_keeps_its_null_space_part():
    X, y = wide_problem(seed=1)
    w0 = np.random.default_rng(2).standard_normal(12)
    run = descent.gradient_descent(
        implicit.regression_loss(X, y), w0, lr=best_rate(X), steps=3000
    )
    null = np.eye(12) - np.linalg.pinv(X) @ X  # projection onto {v : X v = 0}
    np.testing.assert_allclose(
        run.weights[-1], implicit.min_norm_solution(X, y) + null @ w0, atol=1e-10
    )
    # every step moves within the row space: the null-space part never changes
    np.testing.assert_allclose(
        run.weights @ null.T, np.tile(null @ w0, (3001, 1)), atol=1e-12
    )


def test_min_norm_solution_is_pinv_and_the_smallest_least_squares_fit():
    X, y = wide_problem(n=4, d=7, seed=3)
    w = implicit.min_norm_solution(X, y)
    np.testing.assert_array_equal(w, np.linalg.pinv(X) @ y)
    np.testing.assert_allclose(w, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-12)
    # a tall, full-rank X: the ordinary least-squares solution
    T, t = np.random.default_rng(4).standard_normal((9, 3)), np.arange(9.0)
    np.testing.assert_allclose(
        implicit.min_norm_solution(T, t), np.linalg.solve(T.T @ T, T.T @ t)
    )


def test_filter_factor_is_the_eigen_coordinate_of_the_iterate():
    X, y = wide_problem(seed=5)
    lr = 0.9 / implicit.spectrum(X)[0].max()
    run = descent.gradient_descent(
        implicit.regression_loss(X, y), np.zeros(12), lr=lr, steps=60
    )
    lam, V = implicit.spectrum(X)
    target = implicit.min_norm_solution(X, y) @ V
    fitted = lam > 0
    for k in (1, 2, 7, 60):
        coords = run.weights[k] @ V
        np.testing.assert_allclose(
            coords[fitted] / target[fitted],
            implicit.spectral_filter(lam[fitted], lr, k),
            rtol=1e-9,
        )
        np.testing.assert_allclose(coords[~fitted], 0.0, atol=1e-13)


def test_descent_iterates_match_the_loop_from_any_start():
    X, y = wide_problem(seed=6)
    lr = 1.5 / implicit.spectrum(X)[0].max()  # overshoots the steepest direction
    w0 = np.linspace(-1.0, 1.0, 12)
    run = descent.gradient_descent(implicit.regression_loss(X, y), w0, lr=lr, steps=40)
    steps = np.array([0, 1, 3, 40])
    np.testing.assert_allclose(
        implicit.descent_iterates(X, y, lr, steps, w0=w0),
        run.weights[steps],
        rtol=1e-10,
        atol=1e-12,
    )
    one = implicit.descent_iterates(X, y, lr, 3, w0=w0)
    assert one.shape == (12,)
    np.testing.assert_allclose(one, run.weights[3], rtol=1e-10, atol=1e-12)


def test_spectral_filter_values():
    f = implicit.spectral_filter
    np.testing.assert_array_equal(f([0.0, 1.0], 0.5, 0), [0.0, 0.0])  # no step
    np.testing.assert_array_equal(f([0.0], 0.5, 100), [0.0])  # no data there
    np.testing.assert_allclose(f([2.0], 0.5, [1, 5]), [1.0, 1.0])  # lr = 1/lambda
    np.testing.assert_allclose(f([0.1], 1.0, 3), 1 - 0.9**3)
    # 1 < lr*lambda < 2: above 1 after odd steps (overshoot), below after even ones
    assert f([1.5], 1.0, 1)[0] == 1.5 and f([1.5], 1.0, 2)[0] == 0.75
    # broadcasting steps against eigenvalues
    assert f([0.1, 0.2, 0.3], 1.0, np.arange(4)[:, None]).shape == (4, 3)


def test_gd_and_ridge_filters_agree_at_both_ends_and_differ_between():
    # as functions of t = lr * steps * lambda with alpha = 1/(lr * steps)
    lr, steps = 1e-3, 1000
    lam = np.logspace(-3, 3, 61)
    gd_f = implicit.spectral_filter(lam, lr, steps)
    ridge_f = implicit.ridge_filter(lam, 1.0 / (lr * steps))
    t = lr * steps * lam
    np.testing.assert_allclose(gd_f[:5], t[:5], rtol=5e-3)  # both ~ t for small t
    np.testing.assert_allclose(ridge_f[:5], t[:5], rtol=5e-3)
    assert abs(gd_f[-1] - 1) < 1e-12 and abs(ridge_f[-1] - 1) < 2e-3
    # in between, early stopping fits more: 1 - e^-t > t/(1 + t) for t > 0
    assert np.all(gd_f[10:-10] > ridge_f[10:-10])
    at_one = np.argmin(abs(t - 1.0))
    assert gd_f[at_one] == pytest.approx(1 - np.exp(-1), rel=1e-3)
    assert ridge_f[at_one] == pytest.approx(0.5, rel=1e-12)


def test_ridge_filter_is_the_ridge_solutions_eigen_coordinates():
    X, y = wide_problem(seed=7)
    lam, V = implicit.spectrum(X)
    target = implicit.min_norm_solution(X, y) @ V
    fitted = lam > 0
    H, b = X.T @ X / 5, X.T @ y / 5
    for alpha in (1e-3, 0.1, 4.0):
        w = implicit.ridge_solution(X, y, alpha)
        np.testing.assert_allclose(
            w, np.linalg.solve(H + alpha * np.eye(12), b), atol=1e-11
        )
        coords = w @ V
        np.testing.assert_allclose(
            coords[fitted] / target[fitted],
            implicit.ridge_filter(lam[fitted], alpha),
            rtol=1e-9,
        )
        np.testing.assert_allclose(coords[~fitted], 0.0, atol=1e-12)
    many = implicit.ridge_solution(X, y, [0.0, 0.1])
    np.testing.assert_allclose(many[0], np.linalg.pinv(X) @ y, atol=1e-12)
    np.testing.assert_allclose(many[1], implicit.ridge_solution(X, y, 0.1))


def test_ridge_filter_values_and_errors():
    np.testing.assert_array_equal(implicit.ridge_filter([0.0, 1.0], 0.0), [0.0, 1.0])
    np.testing.assert_allclose(implicit.ridge_filter([3.0], 1.0), [0.75])
    with pytest.raises(ValueError, match="alpha"):
        implicit.ridge_filter([1.0], -0.1)
    with pytest.raises(ValueError, match="eigenvalues must be >= 0"):
        implicit.ridge_filter([-1.0, 1.0], 1.0)


def test_spectrum_zeroes_rounding_and_is_the_hessian():
    X, _ = wide_problem(seed=8)
    lam, V = implicit.spectrum(X)
    assert np.count_nonzero(lam) == 5 and np.all(lam >= 0)
    np.testing.assert_allclose(V @ np.diag(lam) @ V.T, X.T @ X / 5, atol=1e-12)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: implicit.spectral_filter([1.0], 0.0, 3), "lr must be a positive"),
        (
            lambda: implicit.spectral_filter([1.0], 0.1, -1),
            "steps must be a non-negative",
        ),
        (
            lambda: implicit.spectral_filter([1.0], 0.1, 2.0),
            "steps must be a non-negative",
        ),
        (
            lambda: implicit.spectral_filter([np.nan], 0.1, 2),
            "eigenvalues must hold finite",
        ),
        (lambda: implicit.min_norm_solution(np.ones(3), [1.0]), "X must be a 2-D"),
        (
            lambda: implicit.min_norm_solution(np.ones((2, 3)), [1.0]),
            "y must be an array of shape",
        ),
        (
            lambda: implicit.descent_iterates(np.eye(2), [1, 2], 0.1, 3, w0=[1.0]),
            "w0 must",
        ),
        (
            lambda: implicit.ridge_solution(np.eye(2), [1, 2], [[0.1]]),
            "alpha must be a number",
        ),
    ],
)
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ----------------------------------------------------------------------------
# losses as surfaces
# ----------------------------------------------------------------------------


def finite_difference_gradient(f, w, h=1e-6):
    return np.array([(f(w + h * e) - f(w - h * e)) / (2 * h) for e in np.eye(w.size)])


@pytest.mark.parametrize("name", ["regression", "logistic"])
def test_surface_gradients_and_hessians_match_finite_differences(name):
    rng = np.random.default_rng(9)
    X = rng.standard_normal((7, 4))
    if name == "regression":
        s = implicit.regression_loss(X, rng.standard_normal(7))
    else:
        s = implicit.logistic_loss(X, np.where(rng.random(7) < 0.5, -1.0, 1.0))
    w = rng.standard_normal(4)
    np.testing.assert_allclose(s.grad(w), finite_difference_gradient(s, w), atol=1e-8)
    H = finite_difference_gradient(s.grad, w)  # row j: d grad / d w_j
    np.testing.assert_allclose(s.hessian(w), H, atol=1e-7)
    many = rng.standard_normal((3, 2, 4))  # leading axes
    assert s(many).shape == (3, 2) and s.grad(many).shape == (3, 2, 4)
    np.testing.assert_allclose(s.grad(many)[1, 0], s.grad(many[1, 0]))


def test_logistic_loss_is_the_course_models_without_intercept():
    rng = np.random.default_rng(10)
    X, y = rng.standard_normal((6, 3)), np.array([1, -1, 1, 1, -1, -1])
    w = rng.standard_normal(3)
    model = models.LogisticRegression(n_features=3)
    theta = np.append(w, 0.0)
    s = implicit.logistic_loss(X, y)
    assert s(w) == pytest.approx(model.loss(theta, X, (1 + y) // 2), rel=1e-13)
    np.testing.assert_allclose(
        s.grad(w), model.grad(theta, X, (1 + y) // 2)[:3], rtol=1e-12
    )
    huge = s(np.array([1e300, 0.0, 0.0]))  # no overflow
    assert np.isfinite(huge)
    with pytest.raises(ValueError, match="labels -1 and \\+1"):
        implicit.logistic_loss(X, (1 + y) // 2)


def test_regression_loss_lists_the_min_norm_minimum():
    X, y = wide_problem(seed=11)
    s = implicit.regression_loss(X, y)
    np.testing.assert_allclose(s.global_minimum, np.linalg.pinv(X) @ y)
    assert s(s.global_minimum) < 1e-25
    assert s(np.zeros(12)) == pytest.approx(0.5 * np.mean(y**2))


# ----------------------------------------------------------------------------
# the max-margin direction, against a QP solved by SciPy
# ----------------------------------------------------------------------------


def svm_direction_by_scipy(X, y):
    """min 1/2 |w|^2 subject to y_i x_i . w >= 1, by SLSQP; returns w / |w|."""
    Z = y[:, None] * X
    start = np.linalg.lstsq(Z, np.ones(len(y)), rcond=None)[0]
    result = optimize.minimize(
        lambda w: 0.5 * w @ w,
        start * 2,
        jac=lambda w: w,
        constraints=[{"type": "ineq", "fun": lambda w: Z @ w - 1, "jac": lambda w: Z}],
        method="SLSQP",
        options={"ftol": 1e-15, "maxiter": 1000},
    )
    assert result.success, result.message
    return result.x / np.linalg.norm(result.x)


def separable(n, d, seed, gap=0.3):
    """Points at signed distance >= gap from a random plane through the origin."""
    rng = np.random.default_rng(seed)
    normal = rng.standard_normal(d)
    normal /= np.linalg.norm(normal)
    X = rng.standard_normal((n, d))
    s = X @ normal
    X += np.where(s >= 0, gap, -gap)[:, None] * normal  # push each side away
    return X, np.where(X @ normal > 0, 1.0, -1.0)


@pytest.mark.parametrize(
    ("n", "d", "seed"), [(20, 2, 0), (30, 3, 1), (25, 5, 2), (8, 10, 3), (40, 4, 4)]
)
def test_max_margin_direction_matches_scipy_qp(n, d, seed):
    X, y = separable(n, d, seed)
    u = implicit.max_margin_direction(X, y)
    ref = svm_direction_by_scipy(X, y)
    assert np.linalg.norm(u) == pytest.approx(1.0, abs=1e-14)
    assert implicit.angle(u, ref) < 1e-6
    gamma = implicit.margin(u, X, y)
    assert gamma == pytest.approx(implicit.margin(ref, X, y), rel=1e-7)
    # no direction does better: random directions and small turns of u
    rng = np.random.default_rng(seed)
    others = np.concatenate(
        [rng.standard_normal((2000, d)), u + 1e-3 * rng.standard_normal((500, d))]
    )
    assert np.all(implicit.margin(others, X, y) <= gamma + 1e-12)


def test_max_margin_in_closed_form():
    # two support vectors (2, 0) and (0, 2) after the labels: u = (1, 1)/sqrt 2, margin sqrt 2
    X = np.array([[2.0, 0.0], [0.0, -2.0], [3.0, 3.0], [-1.0, -4.0]])
    y = np.array([1, -1, 1, -1])
    u = implicit.max_margin_direction(X, y)
    np.testing.assert_allclose(u, [np.sqrt(0.5), np.sqrt(0.5)], atol=1e-14)
    assert implicit.margin(u, X, y) == pytest.approx(np.sqrt(2.0), rel=1e-14)
    # one example: its own direction
    np.testing.assert_allclose(
        implicit.max_margin_direction([[3.0, 4.0]], [-1]), [-0.6, -0.8]
    )


def linprog_separable(X, y):
    """Is there w with y_i x_i . w >= 1 for all i?  (Strict separability through 0, as an LP.)"""
    Z = y[:, None] * X
    d = X.shape[1]
    result = optimize.linprog(
        np.zeros(d),
        A_ub=-Z,
        b_ub=-np.ones(len(y)),
        bounds=[(None, None)] * d,
        method="highs",
    )
    return result.status == 0


@pytest.mark.parametrize("seed", range(12))
def test_non_separable_data_raise_exactly_when_the_lp_is_infeasible(seed):
    rng = np.random.default_rng(100 + seed)
    n, d = rng.integers(3, 15), rng.integers(2, 4)
    X = rng.standard_normal((n, d)) + rng.normal(0, 1, d)
    y = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    if linprog_separable(X, y):
        u = implicit.max_margin_direction(X, y)
        assert implicit.margin(u, X, y) > 0
    else:
        with pytest.raises(
            ValueError, match="not separable by a hyperplane through the origin"
        ):
            implicit.max_margin_direction(X, y)


@pytest.mark.parametrize(
    ("X", "y"),
    [
        ([[1.0, 0.0], [1.0, 0.0]], [1, -1]),  # the same point, both labels
        ([[1.0, 0.0], [-1.0, 0.0]], [1, 1]),  # x and -x, same label
        ([[1.0, 1.0], [-1.0, 1.0], [0.0, -1.0]], [1, 1, 1]),  # origin inside the hull
        ([[1.0, 0.0], [0.0, 0.0]], [1, -1]),  # an example at the origin: margin 0
        ([[1.0, 0.0], [-1.0, 1.0], [-1.0, -1.0], [1.0, 1.0]], [1, 1, 1, -1]),
    ],
)
def test_max_margin_direction_refuses_non_separable_data(X, y):
    assert not linprog_separable(np.array(X), np.array(y, dtype=float))
    with pytest.raises(ValueError, match="not separable"):
        implicit.max_margin_direction(X, y)


def test_max_margin_direction_checks_its_arguments():
    with pytest.raises(ValueError, match="labels -1 and \\+1"):
        implicit.max_margin_direction([[1.0], [2.0]], [0, 1])
    with pytest.raises(ValueError, match="tol must be"):
        implicit.max_margin_direction([[1.0], [2.0]], [1, 1], tol=0.0)
    with pytest.raises(ValueError, match="max_iter must be"):
        implicit.max_margin_direction([[1.0], [2.0]], [1, 1], max_iter=0)
    with pytest.raises(ValueError, match="y must be an array of shape"):
        implicit.max_margin_direction([[1.0], [2.0]], [1])


def test_margin_and_angle():
    X, y = np.array([[2.0, 1.0], [-1.0, -3.0]]), np.array([1, -1])
    assert implicit.margin([1.0, 0.0], X, y) == 1.0
    assert implicit.margin([5.0, 0.0], X, y) == 1.0  # only the direction counts
    np.testing.assert_allclose(
        implicit.margin([[0.0, 2.0], [-1.0, 0.0]], X, y), [1.0, -2.0]
    )
    with pytest.raises(ValueError, match="w must be non-zero"):
        implicit.margin([0.0, 0.0], X, y)
    with pytest.raises(ValueError, match="w must have shape"):
        implicit.margin([1.0, 0.0, 0.0], X, y)
    assert implicit.angle([1.0, 0.0], [-2.0, 0.0]) == pytest.approx(np.pi)
    assert implicit.angle([1.0, 1e-12], [1.0, 0.0]) == pytest.approx(1e-12, rel=1e-6)
    theta = np.linspace(0.0, np.pi, 7)
    np.testing.assert_allclose(
        implicit.angle(np.stack([np.cos(theta), np.sin(theta)], 1), [1.0, 0.0]),
        theta,
        atol=1e-15,
    )
    with pytest.raises(ValueError, match="v must be non-zero"):
        implicit.angle([1.0, 0.0], [0.0, 0.0])


def test_gradient_descent_on_the_logistic_loss_turns_towards_the_max_margin_direction():
    X, y = separable(20, 2, 5)
    u = implicit.max_margin_direction(X, y)
    s = implicit.logistic_loss(X, y)
    smooth = np.linalg.norm(X, 2) ** 2 / (4 * len(y))  # a bound on the curvature
    run = descent.gradient_descent(s, np.zeros(2), lr=1.0 / smooth, steps=4000)
    angles = implicit.angle(run.weights[[10, 100, 1000, 4000]], u)
    assert np.all(np.diff(angles) < 0)
    norms = np.linalg.norm(run.weights[[100, 1000]], axis=1)
    assert norms[1] > norms[0] + 1.0  # the weights keep growing
    # Adam, a per-coordinate method, also separates the data
    adam = descent.gradient_descent(
        s, np.zeros(2), lr=0.05, steps=500, optimizer=optimizers.adam()
    )
    assert implicit.margin(adam.weights[-1], X, y) > 0


# ----------------------------------------------------------------------------
# the chapter's data
# ----------------------------------------------------------------------------


def test_scaled_fourier_weight_norm_is_the_curves_wiggle():
    rng = np.random.default_rng(12)
    K = 6
    w = rng.standard_normal(2 * K + 1)
    x = -np.pi + np.arange(512) * (2 * np.pi / 512)  # exact for these degrees
    h = 1e-5
    slope = (
        implicit.fourier_features(x + h, K) @ w
        - implicit.fourier_features(x - h, K) @ w
    ) / (2 * h)
    wiggle = np.mean(slope**2) * 2  # (1/pi) * integral over [-pi, pi)
    assert wiggle == pytest.approx(w @ w - w[0] ** 2, rel=1e-8)
    unscaled = implicit.fourier_features(x, K, scaled=False) @ w
    assert np.mean((unscaled - w[0]) ** 2) * 2 == pytest.approx(
        w @ w - w[0] ** 2, rel=1e-10
    )


def test_fourier_features_columns():
    F = implicit.fourier_features(np.array([[0.3]]), frequencies=3)
    k = np.arange(1, 4)
    np.testing.assert_allclose(
        F[0], np.r_[1.0, np.cos(0.3 * k) / k, np.sin(0.3 * k) / k]
    )
    with pytest.raises(ValueError, match="frequencies must be an integer >= 1"):
        implicit.fourier_features([0.0], 0)
    with pytest.raises(ValueError, match="x must have shape"):
        implicit.fourier_features(np.zeros((2, 2)))


def test_curve_data_is_seeded_spread_and_noise_free_on_the_test_grid():
    a, b = implicit.curve_data(seed=3), implicit.curve_data(seed=3)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    x = a.X_train[:, 0]
    cells = np.floor((x + np.pi) / (2 * np.pi / 12))
    np.testing.assert_array_equal(cells, np.arange(12))  # one input per cell
    np.testing.assert_array_equal(a.y_test, implicit.true_curve(a.X_test[:, 0]))
    assert a.X_test.shape == (256, 1) and not a.X_train.flags.writeable
    clean = implicit.curve_data(seed=3, noise=0.0)
    np.testing.assert_array_equal(
        clean.y_train, implicit.true_curve(clean.X_train[:, 0])
    )
    with pytest.raises(ValueError, match="jitter"):
        implicit.curve_data(jitter=0.5)


def test_fit_and_test_is_the_fit_and_its_distance_from_the_true_curve():
    sample = implicit.curve_data(seed=4)
    w, err = implicit.fit_and_test(sample)
    X = implicit.fourier_features(sample.X_train)
    np.testing.assert_array_equal(w, implicit.min_norm_solution(X, sample.y_train))
    F = implicit.fourier_features(sample.X_test)
    assert err == pytest.approx(
        np.mean((F @ w - implicit.true_curve(sample.X_test[:, 0])) ** 2)
    )
    W, errs = implicit.fit_and_test(
        sample, lambda X, y: implicit.ridge_solution(X, y, [0.0, 0.1]), scaled=False
    )
    assert W.shape == (2, 41) and errs.shape == (2,)
    raw = implicit.fourier_features(sample.X_test, scaled=False)
    np.testing.assert_allclose(errs, np.mean((W @ raw.T - sample.y_test) ** 2, axis=1))

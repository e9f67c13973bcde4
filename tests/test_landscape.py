"""Tests for gdcourse.landscape: curvature, critical points, slices, basins."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdcourse import data, descent, landscape, models, surfaces, theory


def _random_spd(n, seed, lo=0.5, hi=10.0):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return (Q * rng.uniform(lo, hi, n)) @ Q.T


# -- hessian_eigenvalues ------------------------------------------------------


def test_hessian_eigenvalues_of_quadratic_are_those_of_A():
    A = _random_spd(3, 0)
    s = surfaces.quadratic(A)
    got = landscape.hessian_eigenvalues(s, np.zeros(3))
    np.testing.assert_allclose(got, np.linalg.eigvalsh(A), rtol=1e-12)


def test_hessian_eigenvalues_vectorised_over_grid_matches_closed_form():
    s = surfaces.two_valleys(tilt=0.3)
    X, Y, _ = s.grid(7)
    pts = np.stack([X, Y], axis=-1)
    got = landscape.hessian_eigenvalues(s, pts)
    assert got.shape == (7, 7, 2)
    curv_x = 12 * X**2 - 4
    expected = np.sort(np.stack([curv_x, np.ones_like(X)], axis=-1), axis=-1)
    np.testing.assert_allclose(got, expected, atol=1e-12)


def test_hessian_eigenvalues_rejects_non_surface():
    with pytest.raises(ValueError, match="surface must be"):
        landscape.hessian_eigenvalues(lambda w: w, np.zeros(2))


# -- classify_critical_point -------------------------------------------------


@pytest.mark.parametrize(
    "H, kind, index",
    [
        (np.diag([2.0, 3.0]), "minimum", 0),
        (np.diag([-2.0, -0.5]), "maximum", 2),
        (np.diag([1.0, -1.0]), "saddle", 1),
        (np.diag([1.0, -1.0, -2.0]), "saddle", 2),
        (np.diag([2.0, 0.0]), "degenerate", 0),
        (np.diag([-2.0, 0.0]), "degenerate", 1),
        (np.diag([3.0, 0.0, -1.0]), "saddle", 1),
        (np.zeros((2, 2)), "degenerate", 0),
    ],
)
def test_classify_known_hessians(H, kind, index):
    assert landscape.classify_critical_point(H) == (kind, index)


def test_classify_catalogue_critical_points():
    c = landscape.classify_critical_point
    assert c(surfaces.saddle(2.0, 0.5).hessian(np.zeros(2))).kind == "saddle"
    assert c(surfaces.degenerate_saddle().hessian(np.zeros(2))).kind == "degenerate"
    assert c(surfaces.monkey_saddle().hessian(np.zeros(2))).kind == "degenerate"
    for m in surfaces.himmelblau().minima:
        assert c(surfaces.himmelblau().hessian(m)) == ("minimum", 0)
    # Himmelblau's local maximum near (-0.2708, -0.9231)
    s = surfaces.himmelblau()
    w = np.array([-0.270845, -0.923039])
    assert np.linalg.norm(s.grad(w)) < 1e-3
    assert c(s.hessian(w)) == ("maximum", 2)


def test_classify_rotated_saddle_is_still_a_saddle():
    Q, _ = np.linalg.qr(np.random.default_rng(3).standard_normal((4, 4)))
    H = (Q * np.array([1.0, 2.0, -3.0, 5.0])) @ Q.T
    H = 0.5 * (H + H.T)
    assert landscape.classify_critical_point(H) == ("saddle", 1)


def test_classify_tol_decides_what_counts_as_zero():
    H = np.diag([1.0, 1e-6])
    assert landscape.classify_critical_point(H).kind == "minimum"
    assert landscape.classify_critical_point(H, tol=1e-3).kind == "degenerate"


def _steep_degenerate_hessian(y):
    """Hessian of f(x, y) = 50 x^2 + y^4 at (0, y): diag(100, 12 y^2)."""
    return np.diag([100.0, 12.0 * y**2])


def test_classify_zero_is_relative_to_the_largest_curvature():
    # 50 x^2 + y^4 has a degenerate minimum at the origin.  At (0, 1e-4), where
    # the gradient (0, 4 y^3) is 4e-12, the flat curvature is 1.2e-7: above an
    # absolute 1e-8, but a billionth of the steep curvature 100, so it is zero
    y = 1e-4
    assert 4 * y**3 < 1e-11
    H = _steep_degenerate_hessian(y)
    assert landscape.classify_critical_point(H) == ("degenerate", 0)
    # the same point with every curvature a hundred times smaller: 1.2e-9
    # is now below the tolerance 1e-8 of a unit-scale Hessian
    assert landscape.classify_critical_point(H / 100.0) == ("degenerate", 0)
    # and a curvature that is not negligible against 100 still counts
    assert landscape.classify_critical_point(_steep_degenerate_hessian(0.1)) == (
        "minimum",
        0,
    )
    # scaling a Hessian up never changes its class
    for H in (np.diag([2.0, 1e-6]), np.diag([3.0, -1e-7]), np.diag([1.0, 1e-9])):
        kind = landscape.classify_critical_point(H)
        assert landscape.classify_critical_point(1e6 * H) == kind


def test_classify_curvatures_at_rounding_level_count_as_zero():
    # below unit scale the tolerance stays absolute: a Hessian of rounding
    # noise (a finite-difference Hessian of a flat spot) is not a saddle
    H = np.diag([1e-12, -1e-13])
    assert landscape.classify_critical_point(H) == ("degenerate", 0)
    assert landscape.classify_critical_point(np.diag([-1e-12, -1e-13])).kind == (
        "degenerate"
    )


@pytest.mark.parametrize(
    "H, message",
    [
        (np.ones(3), "hessian must be a square matrix"),
        (np.ones((2, 3)), "hessian must be a square matrix"),
        ([[1.0, np.nan], [np.nan, 1.0]], "hessian must hold finite"),
        ([[1.0, 2.0], [0.0, 1.0]], "hessian must be symmetric"),
    ],
)
def test_classify_rejects_bad_hessian(H, message):
    with pytest.raises(ValueError, match=message):
        landscape.classify_critical_point(H)


def test_classify_rejects_bad_tol():
    with pytest.raises(ValueError, match="tol must be"):
        landscape.classify_critical_point(np.eye(2), tol=-1.0)


# -- hessian_vector_product ----------------------------------------------------


def test_hvp_is_exact_for_quadratic():
    A = _random_spd(5, 1)
    rng = np.random.default_rng(2)
    theta, v = rng.standard_normal(5), rng.standard_normal(5)
    got = landscape.hessian_vector_product(lambda t: A @ t - 1.0, theta, v)
    np.testing.assert_allclose(got, A @ v, rtol=1e-8, atol=1e-9)


def test_hvp_matches_exact_hessian_of_nonquadratic_surface():
    s = surfaces.rosenbrock()
    w = np.array([-0.5, 0.8])
    v = np.array([0.3, -1.2])
    got = landscape.hessian_vector_product(s.grad, w, v, eps=1e-5)
    np.testing.assert_allclose(got, s.hessian(w) @ v, rtol=1e-6)


def test_hvp_of_zero_vector_is_zero():
    got = landscape.hessian_vector_product(lambda t: 3 * t, np.ones(3), np.zeros(3))
    np.testing.assert_array_equal(got, np.zeros(3))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(grad_fn=None), "grad_fn must be a function"),
        (dict(theta=np.ones((2, 2))), "theta must be a non-empty 1-D vector"),
        (dict(theta=np.array([1.0, np.inf])), "theta must hold finite"),
        (dict(v=np.ones(3)), "v must have the shape of theta"),
        (dict(eps=0.0), "eps must be a positive finite number"),
    ],
)
def test_hvp_rejects_bad_input(kwargs, message):
    args = dict(grad_fn=lambda t: t, theta=np.ones(2), v=np.ones(2))
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        landscape.hessian_vector_product(**args)


# -- hessian_matrix --------------------------------------------------------------


def test_hessian_matrix_is_exact_for_quadratic():
    A = _random_spd(6, 7)
    theta = np.random.default_rng(8).standard_normal(6)
    got = landscape.hessian_matrix(lambda t: A @ t - 1.0, theta)
    np.testing.assert_allclose(got, A, rtol=1e-8, atol=1e-8)


def test_hessian_matrix_matches_exact_hessian_of_nonquadratic_surfaces():
    for s, w in [
        (surfaces.rosenbrock(), np.array([-0.5, 0.8])),
        (surfaces.himmelblau(), np.array([1.0, -2.5])),
    ]:
        got = landscape.hessian_matrix(s.grad, w, eps=1e-5)
        np.testing.assert_allclose(got, s.hessian(w), rtol=1e-6, atol=1e-6)


def test_hessian_matrix_of_mlp_is_symmetric_and_agrees_with_lanczos():
    d = data.two_moons(n=40, seed=0)
    net = models.MLP([2, 4, 1], activation="tanh", task="binary")
    theta = net.init(seed=1)
    grad = lambda t: net.grad(t, d.X_train, d.y_train)  # noqa: E731
    H = landscape.hessian_matrix(grad, theta)
    np.testing.assert_array_equal(H, H.T)
    eig = np.linalg.eigvalsh(H)
    hvp = lambda v: H @ v  # noqa: E731
    ritz = landscape.lanczos(hvp, theta.size, steps=theta.size)
    np.testing.assert_allclose(ritz[[0, -1]], eig[[0, -1]], rtol=1e-8)
    # and each column is a directional derivative of the gradient
    j = 3
    e = np.eye(theta.size)[j]
    h = 1e-5
    column = (grad(theta + h * e) - grad(theta - h * e)) / (2 * h)
    np.testing.assert_allclose(H[:, j], column, rtol=1e-4, atol=1e-7)


def test_hessian_matrix_rejects_bad_input():
    with pytest.raises(ValueError, match="theta must be a non-empty 1-D vector"):
        landscape.hessian_matrix(lambda t: t, np.ones((2, 2)))
    with pytest.raises(ValueError, match="grad_fn must be a function"):
        landscape.hessian_matrix(None, np.ones(2))
    with pytest.raises(ValueError, match="eps must be a positive finite number"):
        landscape.hessian_matrix(lambda t: t, np.ones(2), eps=-1.0)


# -- power iteration and Lanczos -------------------------------------------------


def test_power_iteration_matches_eigvalsh_on_explicit_matrix():
    A = _random_spd(8, 4)
    value, vector = landscape.power_iteration(A, iters=2000)
    eig, vecs = np.linalg.eigh(A)
    assert value == pytest.approx(eig[-1], rel=1e-9)
    assert abs(vector @ vecs[:, -1]) == pytest.approx(1.0, abs=1e-8)


def test_power_iteration_finds_dominant_negative_eigenvalue_with_a_function():
    A = np.diag([1.0, 2.0, -5.0])
    value, _ = landscape.power_iteration(lambda x: A @ x, dim=3)
    assert value == pytest.approx(-5.0, rel=1e-9)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(matvec=np.ones((2, 3))), "matvec must be a function or a square matrix"),
        (dict(matvec=lambda x: x, dim=0), "dim must be an integer >= 1"),
        (dict(iters=0), "iters must be an integer >= 1"),
        (dict(tol=-1.0), "tol must be a non-negative"),
    ],
)
def test_power_iteration_rejects_bad_input(kwargs, message):
    args = dict(matvec=np.eye(2))
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        landscape.power_iteration(**args)


def test_lanczos_full_run_gives_every_eigenvalue():
    A = _random_spd(12, 5, lo=-3.0, hi=7.0)
    np.testing.assert_allclose(
        landscape.lanczos(A, steps=12), np.linalg.eigvalsh(A), atol=1e-9
    )


def test_lanczos_extreme_ritz_values_converge_in_few_steps():
    A = _random_spd(200, 6, lo=0.1, hi=1.0)
    A = A + 5.0 * np.outer(np.ones(200), np.ones(200)) / 200  # one outlying eigenvalue
    ritz = landscape.lanczos(lambda x: A @ x, dim=200, steps=25)
    assert ritz.size == 25
    assert ritz[-1] == pytest.approx(np.linalg.eigvalsh(A)[-1], rel=1e-10)


def test_lanczos_rejects_bad_steps():
    with pytest.raises(ValueError, match="steps must be an integer >= 1"):
        landscape.lanczos(np.eye(2), steps=0)


# -- sharpness -------------------------------------------------------------------


@pytest.mark.parametrize("method", ["lanczos", "power"])
def test_sharpness_of_quadratic_model(method):
    A = _random_spd(10, 7, lo=-2.0, hi=6.0)
    top = np.linalg.eigvalsh(A)[-1]
    got = landscape.sharpness(lambda t: A @ t, np.ones(10), method=method, steps=400)
    assert got == pytest.approx(top, rel=1e-6)


def test_power_sharpness_shifts_past_a_dominant_negative_eigenvalue():
    A = np.diag([1.0, 2.0, -9.0])
    got = landscape.sharpness(lambda t: A @ t, np.zeros(3), method="power", steps=400)
    assert got == pytest.approx(2.0, rel=1e-6)


def test_sharpness_of_mlp_matches_finite_difference_hessian():
    d = data.two_moons(n=40, seed=0)
    net = models.MLP([2, 4, 1], activation="tanh", task="binary")
    theta = net.init(seed=1)
    grad = lambda t: net.grad(t, d.X_train, d.y_train)  # noqa: E731
    p = net.n_params
    eye = np.eye(p)
    H = np.stack(
        [landscape.hessian_vector_product(grad, theta, eye[i]) for i in range(p)]
    )
    H = 0.5 * (H + H.T)
    got = landscape.sharpness(grad, theta, steps=p)
    assert got == pytest.approx(np.linalg.eigvalsh(H)[-1], rel=1e-5)


def test_sharpness_rejects_bad_method():
    with pytest.raises(
        ValueError, match=r"method must be one of \('lanczos', 'power'\)"
    ):
        landscape.sharpness(lambda t: t, np.ones(2), method="newton")


# -- filter-normalised directions and slices ---------------------------------------


def _mlp_theta(seed=0):
    net = models.MLP([2, 5, 3, 1], activation="tanh", task="binary")
    theta = net.init(seed=seed) + 0.1 * np.random.default_rng(seed).standard_normal(
        net.n_params
    )
    return net, theta


def test_filter_normalization_preserves_each_filter_norm():
    net, theta = _mlp_theta()
    d = landscape.filter_normalized_direction(theta, net.shapes, seed=3)
    for (W, b), (dW, db) in zip(net.unflatten(theta), net.unflatten(d)):
        np.testing.assert_allclose(
            np.linalg.norm(dW, axis=0), np.linalg.norm(W, axis=0), rtol=1e-12
        )
        np.testing.assert_array_equal(db, np.zeros_like(b))
        # not just the weights copied: the direction is random
        assert not np.allclose(dW, W) and not np.allclose(dW, -W)


def test_filter_normalization_bias_filter_option_scales_each_entry():
    net, theta = _mlp_theta(1)
    d = landscape.filter_normalized_direction(theta, net.shapes, seed=0, bias="filter")
    for (_, b), (_, db) in zip(net.unflatten(theta), net.unflatten(d)):
        np.testing.assert_allclose(np.abs(db), np.abs(b), rtol=1e-12)


def test_filter_normalization_is_scale_equivariant_and_seeded():
    net, theta = _mlp_theta(2)
    d1 = landscape.filter_normalized_direction(theta, net.shapes, seed=5)
    d2 = landscape.filter_normalized_direction(3.0 * theta, net.shapes, seed=5)
    np.testing.assert_allclose(d2, 3.0 * d1, rtol=1e-12)
    d3 = landscape.filter_normalized_direction(theta, net.shapes, seed=6)
    assert not np.allclose(d1, d3)


@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**16))
@settings(max_examples=30, deadline=None)
def test_filter_normalization_property(n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal(n_in * n_out + n_out)
    d = landscape.filter_normalized_direction(
        theta, [(n_in, n_out), (n_out,)], seed=seed
    )
    W, dW = (
        theta[: n_in * n_out].reshape(n_in, n_out),
        d[: n_in * n_out].reshape(n_in, n_out),
    )
    np.testing.assert_allclose(
        np.linalg.norm(dW, axis=0), np.linalg.norm(W, axis=0), rtol=1e-10
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(shapes=[(2, 2)]), "shapes must account for all 6 entries"),
        (dict(shapes=[(2, -2), (2,)]), "shapes must be a list of array shapes"),
        (dict(bias="keep"), r"bias must be one of \('zero', 'filter'\)"),
        (dict(theta=np.ones((2, 3))), "theta must be a non-empty 1-D vector"),
    ],
)
def test_filter_normalization_rejects_bad_input(kwargs, message):
    args = dict(theta=np.arange(1.0, 7.0), shapes=[(2, 2), (2,)])
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        landscape.filter_normalized_direction(**args)


def test_slices_through_a_known_minimum_are_lowest_at_zero():
    A = _random_spd(6, 8)
    b = np.arange(6.0)
    theta_star = np.linalg.solve(A, b)
    loss = lambda t: 0.5 * t @ A @ t - b @ t  # noqa: E731
    rng = np.random.default_rng(0)
    d1, d2 = rng.standard_normal(6), rng.standard_normal(6)
    alphas = np.linspace(-1, 1, 21)
    line = landscape.slice_1d(loss, theta_star, d1, alphas)
    assert np.argmin(line) == 10
    np.testing.assert_allclose(
        line - line[10], 0.5 * alphas**2 * (d1 @ A @ d1), rtol=1e-9, atol=1e-12
    )
    plane = landscape.slice_2d(loss, theta_star, d1, d2, alphas, alphas[::2])
    assert plane.shape == (11, 21)
    assert np.unravel_index(np.argmin(plane), plane.shape) == (5, 10)
    assert plane[5, 10] == pytest.approx(loss(theta_star))
    assert plane[0, 3] == pytest.approx(
        loss(theta_star + alphas[3] * d1 + alphas[0] * d2)
    )


def test_slice_of_trained_mlp_is_lowest_near_zero():
    d = data.two_moons(n=120, noise=0.1, seed=0)
    net = models.MLP([2, 8, 1], activation="tanh", task="binary")
    theta = net.init(seed=0)
    grad = lambda t: net.grad(t, d.X_train, d.y_train)  # noqa: E731
    for _ in range(3000):
        theta = theta - 0.5 * grad(theta)
    direction = landscape.filter_normalized_direction(theta, net.shapes, seed=1)
    alphas = np.linspace(-1, 1, 41)
    line = landscape.slice_1d(
        lambda t: net.loss(t, d.X_train, d.y_train), theta, direction, alphas
    )
    assert abs(alphas[np.argmin(line)]) <= 0.1
    assert line[0] > line[20] and line[-1] > line[20]


@pytest.mark.parametrize(
    "fn, args, message",
    [
        (
            "slice_1d",
            (None, np.ones(2), np.ones(2), [0.0]),
            "loss_fn must be a function",
        ),
        (
            "slice_1d",
            (np.sum, np.ones(2), np.ones(3), [0.0]),
            "direction must have the shape",
        ),
        (
            "slice_1d",
            (np.sum, np.ones(2), np.ones(2), []),
            "alphas must be a non-empty",
        ),
        (
            "slice_2d",
            (np.sum, np.ones(2), np.ones(2), np.ones(1), [0.0], [0.0]),
            "d2 must have the shape",
        ),
        (
            "slice_2d",
            (np.sum, np.ones(2), np.ones(2), np.ones(2), [0.0], [np.nan]),
            "betas must be",
        ),
    ],
)
def test_slices_reject_bad_input(fn, args, message):
    with pytest.raises(ValueError, match=message):
        getattr(landscape, fn)(*args)


# -- label_minima and basin_map ------------------------------------------------------


def test_label_minima_nearest_within_radius():
    s = surfaces.himmelblau()
    pts = s.minima + np.array([0.01, -0.02])
    np.testing.assert_array_equal(landscape.label_minima(s, pts), [0, 1, 2, 3])
    assert landscape.label_minima(s, np.array([0.0, 0.0])) == -1
    assert landscape.label_minima(s, np.array([3.3, 2.0]), radius=0.5) == 0
    assert landscape.label_minima(s, np.array([3.3, 2.0]), radius=0.1) == -1


@pytest.mark.parametrize(
    "args, message",
    [
        ((surfaces.saddle(), np.zeros(2)), "surface must have known minima"),
        ((surfaces.bowl(), np.zeros(3)), r"w must have shape \(\.\.\., 2\)"),
        ((surfaces.bowl(), np.zeros(2), -1.0), "radius must be a positive"),
    ],
)
def test_label_minima_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        landscape.label_minima(*args)


@pytest.mark.parametrize(
    "name, lr", [("two valleys", 0.05), ("Himmelblau", 0.01), ("Himmelblau", 0.02)]
)
def test_basin_map_labels_match_single_runs(name, lr):
    s = surfaces.by_name(name)
    m = landscape.basin_map(s, lr=lr, steps=150, grid=40)
    rng = np.random.default_rng(0)
    idx = rng.integers(0, 40, size=(25, 2))
    for i, j in idx:
        run = descent.gradient_descent(s, [m.X[i, j], m.Y[i, j]], lr=lr, steps=150)
        settled = np.linalg.norm(run.weights[-1] - run.weights[-2]) < 1e-3
        expected = int(landscape.label_minima(s, run.final_weights)) if settled else -1
        assert m.labels[i, j] == expected
        if not run.diverged:
            np.testing.assert_allclose(
                m.final_weights[i, j], run.final_weights, rtol=1e-12, atol=1e-12
            )


def test_basin_map_two_valleys_split_at_the_ridge():
    s = surfaces.two_valleys(tilt=0.3)
    m = landscape.basin_map(s, lr=0.05, steps=300, grid=60)
    ridge = np.roots([4.0, 0.0, -4.0, 0.3]).real
    ridge = ridge[np.abs(ridge) < 0.5][0]  # the local maximum in x
    left = m.X < ridge
    assert np.all(m.labels[left] == 0) and np.all(m.labels[~left] == 1)
    assert m.fractions.sum() + m.unlabelled == pytest.approx(1.0)
    assert m.extent == (-2.0, 2.0, -1.5, 1.5)


def test_basin_map_does_not_count_runs_bouncing_around_a_sharp_minimum():
    s = surfaces.himmelblau()
    sharpest = int(np.argmax(landscape.hessian_eigenvalues(s, s.minima)[:, -1]))
    limit = 2 / landscape.hessian_eigenvalues(s, s.minima[sharpest])[-1]
    below = landscape.basin_map(s, lr=0.9 * limit, steps=300, grid=60)
    above = landscape.basin_map(s, lr=1.1 * limit, steps=300, grid=60)
    assert below.fractions[sharpest] > 0.15
    assert above.fractions[sharpest] == 0.0
    # a run started exactly at that minimum stays there but, nudged, bounces: not settled
    run = descent.gradient_descent(
        s, s.minima[sharpest] + 1e-3, lr=1.1 * limit, steps=300
    )
    assert np.linalg.norm(run.weights[-1] - run.weights[-2]) > 1e-3


def test_basin_map_marks_diverged_starts_quietly():
    m = landscape.basin_map(surfaces.himmelblau(), lr=0.05, steps=50, grid=10)
    assert m.unlabelled == 1.0
    assert np.all(np.isnan(m.final_weights))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(surface="bowl"), "surface must be a gdcourse.surfaces.Surface"),
        (dict(surface=surfaces.two_valleys_1d()), "surface must have 2 weights"),
        (dict(surface=surfaces.saddle()), "surface must have known minima"),
        (dict(lr=0.0), "lr must be a positive finite number"),
        (dict(lr=np.inf), "lr must be a positive finite number"),
        (dict(steps=-1), "steps must be a non-negative integer"),
        (dict(grid=1), "grid must be an integer >= 2"),
        (dict(settle=0.0), "settle must be a positive finite number"),
        (dict(box=((0, 1),)), "box must be"),
        (dict(box=((1, 0), (0, 1))), "box must be .* with finite lo < hi"),
    ],
)
def test_basin_map_rejects_bad_input(kwargs, message):
    args = dict(surface=surfaces.bowl(), lr=0.1)
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        landscape.basin_map(**args)


# -- escape_step and random_symmetric ---------------------------------------------


def test_escape_step_matches_closed_form_on_saddle():
    lr, b, R = 0.1, 1.0, 1.0
    eps = np.logspace(-9, -2, 8)
    w0 = np.stack([np.zeros_like(eps), eps], axis=-1)
    run = descent.gradient_descent(surfaces.saddle(1.0, b), w0, lr=lr, steps=400)
    got = landscape.escape_step(run.weights, [0.0, 0.0], R)
    expected = np.ceil(np.log(R / eps) / np.log(1 + lr * b)).astype(int)
    np.testing.assert_array_equal(got, expected)


def test_escape_step_never_is_minus_one_and_single_run_is_int():
    run = descent.gradient_descent(surfaces.saddle(), [0.5, 0.0], lr=0.1, steps=50)
    got = landscape.escape_step(run.weights, [0.0, 0.0], 1.0)
    assert got == -1 and isinstance(got, int)


@pytest.mark.parametrize(
    "args, message",
    [
        ((np.zeros(3), [0.0], 1.0), "weights must have shape"),
        ((np.zeros((3, 2)), [0.0], 1.0), "centre must be a finite point of shape"),
        ((np.zeros((3, 2)), [0.0, 0.0], 0.0), "radius must be a positive"),
    ],
)
def test_escape_step_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        landscape.escape_step(*args)


def test_random_symmetric_is_goe():
    H = landscape.random_symmetric(4, 20000, seed=0)
    assert H.shape == (20000, 4, 4)
    np.testing.assert_array_equal(H, np.swapaxes(H, 1, 2))
    assert np.var(H[:, 0, 1]) == pytest.approx(1.0, abs=0.05)
    assert np.var(H[:, 2, 2]) == pytest.approx(2.0, abs=0.1)
    # 1x1: half of them positive; 2x2 GOE: P(both positive) = (2 - sqrt 2) / 4
    one = landscape.random_symmetric(1, 20000, seed=1)
    assert np.mean(one[:, 0, 0] > 0) == pytest.approx(0.5, abs=0.02)
    two = np.linalg.eigvalsh(landscape.random_symmetric(2, 40000, seed=2))
    assert np.mean(np.all(two > 0, axis=-1)) == pytest.approx(
        (2 - np.sqrt(2)) / 4, abs=0.01
    )


@pytest.mark.parametrize(
    "args, message",
    [
        ((0, 3), "dim must be an integer >= 1"),
        ((2, 0), "count must be an integer >= 1"),
        ((2.5, 3), "dim must be an integer >= 1"),
    ],
)
def test_random_symmetric_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        landscape.random_symmetric(*args)


# -- perturbed_gradient_descent ---------------------------------------------------

_PGD = dict(lr=0.1, steps=200, radius=1e-3, g_thresh=1e-3, wait=20)


def test_perturbed_gd_is_deterministic_for_a_seed():
    s = surfaces.saddle()
    a = landscape.perturbed_gradient_descent(s, [0.0, 0.0], seed=3, **_PGD)
    b = landscape.perturbed_gradient_descent(s, [0.0, 0.0], seed=3, **_PGD)
    c = landscape.perturbed_gradient_descent(s, [0.0, 0.0], seed=4, **_PGD)
    np.testing.assert_array_equal(a.weights, b.weights)
    np.testing.assert_array_equal(a.kicks, b.kicks)
    assert not np.array_equal(a.weights[1], c.weights[1])


def test_perturbed_gd_escapes_exactly_from_the_saddle_where_plain_gd_stays():
    s = surfaces.saddle()
    plain = descent.gradient_descent(s, [0.0, 0.0], lr=0.1, steps=200)
    kicked = landscape.perturbed_gradient_descent(s, [0.0, 0.0], seed=0, **_PGD)
    assert np.all(plain.weights == 0.0)
    assert landscape.escape_step(plain.weights, [0.0, 0.0], 1.0) == -1
    assert kicked.kicks[0] == 0
    assert landscape.escape_step(kicked.weights, [0.0, 0.0], 1.0) > 0


def test_perturbed_gd_kick_lies_in_the_ball():
    # on f = (x^2 - y^2) / 2 a step from the kicked point w0 + xi gives
    # w1 = diag(1 - lr, 1 + lr) (w0 + xi), so xi can be read back exactly
    s = surfaces.saddle()
    for seed in range(20):
        run = landscape.perturbed_gradient_descent(s, [0.0, 0.0], seed=seed, **_PGD)
        xi = run.weights[1] / np.array([1 - 0.1, 1 + 0.1])
        assert 0 < np.linalg.norm(xi) <= 1e-3 + 1e-15


def test_perturbed_gd_does_not_kick_while_the_gradient_is_large():
    s = surfaces.two_valleys(tilt=0.3)
    w0 = [1.5, 1.0]
    plain = descent.gradient_descent(s, w0, lr=0.05, steps=30)
    kicked = landscape.perturbed_gradient_descent(
        s, w0, lr=0.05, steps=30, radius=0.5, g_thresh=1e-3, wait=0, seed=0
    )
    assert plain.grad_norms.min() > 1e-3
    assert kicked.kicks.size == 0
    np.testing.assert_allclose(kicked.weights, plain.weights, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(kicked.losses, plain.losses, rtol=1e-12, atol=1e-15)


def test_perturbed_gd_kicks_only_at_small_gradients_and_waits_between_kicks():
    s = surfaces.two_valleys(tilt=0.3)
    run = landscape.perturbed_gradient_descent(
        s, s.minima[1], lr=0.05, steps=300, radius=0.05, g_thresh=1e-2, wait=25, seed=1
    )
    assert run.kicks.size >= 2
    assert np.all(run.grad_norms[run.kicks] <= 1e-2)
    assert np.all(np.diff(run.kicks) > 25)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(w0=[[0.0, 0.0]]), "one start"),
        (dict(radius=0.0), "radius"),
        (dict(g_thresh=-1.0), "g_thresh"),
        (dict(wait=-1), "wait"),
        (dict(wait=1.5), "wait"),
        (dict(lr=0.0), "lr"),
        (dict(steps=-1), "steps"),
    ],
)
def test_perturbed_gd_rejects_bad_input(kwargs, message):
    args = dict(w0=[0.0, 0.0], **_PGD) | kwargs
    with pytest.raises(ValueError, match=message):
        landscape.perturbed_gradient_descent(surfaces.saddle(), **args)


def test_perturbed_gd_rejects_non_surface():
    with pytest.raises(ValueError, match="surface must be"):
        landscape.perturbed_gradient_descent(lambda w: w, [0.0, 0.0], **_PGD)


def test_escape_step_counts_a_run_that_lands_exactly_on_the_radius():
    # w2 doubles each step: 0.25, 0.5, 1.0, 2.0; the escape is step 2, as
    # theory.saddle_escape_steps predicts, not step 3
    run = descent.gradient_descent(
        surfaces.saddle(1.0, 2.0), [0.0, 0.25], lr=0.5, steps=3
    )
    np.testing.assert_array_equal(run.weights[:, 1], [0.25, 0.5, 1.0, 2.0])
    got = landscape.escape_step(run.weights, [0.0, 0.0], 1.0)
    assert got == 2 == theory.saddle_escape_steps(0.25, 0.5, 2.0, 1.0)

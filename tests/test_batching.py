"""Tests of gdcourse.batching: batches, many-run SGD, gradient noise, critical batch size."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdcourse import batching, models, surfaces, training


@pytest.fixture(scope="module")
def problem():
    return batching.two_weight_problem()


# -- the problem ----------------------------------------------------------------


def test_two_weight_problem_has_1024_training_points_and_known_truth(problem):
    assert problem.n_train == 1024
    assert problem.n_features == 1
    np.testing.assert_allclose(problem.true_weights, [1.5])
    assert problem.true_bias == -0.5


# -- minibatch_indices --------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 40),
    batch=st.integers(1, 40),
    steps=st.integers(0, 30),
    seed=st.integers(0, 99),
)
def test_every_epoch_uses_distinct_examples(n, batch, steps, seed):
    batch = min(batch, n)
    idx = batching.minibatch_indices(n, batch, steps, seed)
    assert idx.shape == (steps, batch)
    per_epoch = n // batch
    for start in range(0, steps, per_epoch):
        epoch = idx[start : start + per_epoch].ravel()
        assert len(np.unique(epoch)) == epoch.size  # without replacement
        assert epoch.min(initial=0) >= 0 and epoch.max(initial=0) < n


def test_indices_follow_the_training_loop_order():
    rng = np.random.default_rng(7)
    expected = np.concatenate([rng.permutation(10)[:9] for _ in range(2)]).reshape(
        -1, 3
    )
    np.testing.assert_array_equal(
        batching.minibatch_indices(10, 3, 6, seed=7), expected
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n=0, batch_size=1, steps=1), "n must be"),
        (dict(n=5, batch_size=6, steps=1), "batch_size must be"),
        (dict(n=5, batch_size=0, steps=1), "batch_size must be"),
        (dict(n=5, batch_size=2, steps=-1), "steps must be"),
        (dict(n=5, batch_size=2.0, steps=1), "batch_size must be"),
        (dict(n=5, batch_size=True, steps=1), "batch_size must be"),
    ],
)
def test_minibatch_indices_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        batching.minibatch_indices(**kwargs)


# -- least_squares_surface ------------------------------------------------------------


def test_surface_is_the_linear_regression_loss(problem):
    X, y = problem.X_train, problem.y_train
    s = surfaces.least_squares(X, y)
    model = models.LinearRegression(1)
    w = np.random.default_rng(0).normal(size=(5, 2))
    np.testing.assert_allclose(s(w), [model.loss(t, X, y) for t in w], rtol=1e-12)
    np.testing.assert_allclose(
        s.grad(w), [model.grad(t, X, y) for t in w], rtol=1e-10, atol=1e-12
    )
    np.testing.assert_allclose(s.minima[0], model.solve(X, y), rtol=1e-10)


def test_surface_gradient_and_hessian_match_finite_differences(problem):
    s = surfaces.least_squares(problem.X_train, problem.y_train)
    w, h = np.array([0.3, -1.2]), 1e-5
    fd = [(s(w + h * e) - s(w - h * e)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(s.grad(w), fd, rtol=1e-6)
    fd_h = np.array(
        [(s.grad(w + h * e) - s.grad(w - h * e)) / (2 * h) for e in np.eye(2)]
    )
    np.testing.assert_allclose(s.hessian(w), fd_h, rtol=1e-6)
    assert s.hessian(np.zeros((3, 4, 2))).shape == (3, 4, 2, 2)


def test_surface_default_box_surrounds_the_minimum():
    s = surfaces.least_squares([[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0])
    np.testing.assert_allclose(s.box, ((-1.0, 5.0), (-2.0, 4.0)), rtol=1e-12)


@pytest.mark.parametrize(
    "X, y, match",
    [
        (np.ones((3, 2)), np.ones(3), "x must be at least 2 finite numbers"),
        (np.ones((3, 1)), np.ones((3, 1)), "y must be finite numbers"),
        (np.ones((3, 1)), np.ones(4), "y must be finite numbers"),
        (np.ones((3, 1)), np.ones(3), "two distinct values"),
        (np.array([[np.nan], [1.0]]), np.ones(2), "x must be at least 2 finite"),
    ],
)
def test_surface_rejects_bad_data(X, y, match):
    with pytest.raises(ValueError, match=match):
        surfaces.least_squares(X, y)


# -- least_squares_sgd -----------------------------------------------------------------


def test_one_run_matches_the_training_loop_exactly(problem):
    model = models.LinearRegression(1)
    reference = training.train(
        model,
        problem,
        lr=0.05,
        batch_size=10,
        epochs=3,
        seed=3,
        drop_last=True,
        theta0=[-2.0, 3.0],
        record_path=True,
    )
    runs = batching.least_squares_sgd(
        problem.X_train,
        problem.y_train,
        [-2.0, 3.0],
        0.05,
        10,
        reference.steps,
        seeds=3,
    )
    np.testing.assert_allclose(
        runs.weights[:, 0], reference.path, rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose(runs.losses[-1, 0], reference.train_loss[-1], rtol=1e-10)


def test_many_runs_match_their_single_runs(problem):
    X, y = problem.X_train[:100], problem.y_train[:100]
    lrs, seeds = [0.01, 0.1, 0.3], [4, 5, 6]
    many = batching.least_squares_sgd(X, y, [0.0, 0.0], lrs, 8, 40, seeds=seeds)
    for k, (lr, seed) in enumerate(zip(lrs, seeds)):
        one = batching.least_squares_sgd(X, y, [0.0, 0.0], lr, 8, 40, seeds=seed)
        np.testing.assert_allclose(many.weights[:, k], one.weights[:, 0], rtol=1e-12)


def test_full_batch_is_gradient_descent_on_the_surface(problem):
    from gdcourse import descent

    X, y = problem.X_train, problem.y_train
    s = surfaces.least_squares(X, y)
    runs = batching.least_squares_sgd(X, y, [-2.0, 3.0], 0.3, len(y), 25)
    gd_run = descent.gradient_descent(s, [-2.0, 3.0], lr=0.3, steps=25)
    np.testing.assert_allclose(
        runs.weights[:, 0], gd_run.weights, rtol=1e-10, atol=1e-12
    )
    np.testing.assert_allclose(runs.losses[:, 0], gd_run.losses, rtol=1e-10)


def test_a_diverging_run_is_flagged_without_warnings(problem):
    X, y = problem.X_train, problem.y_train
    runs = batching.least_squares_sgd(
        X, y, [0.0, 0.0], [0.1, 5.0], len(y), 200, seeds=[0, 0]
    )
    assert runs.diverged.tolist() == [False, True]
    k = runs.stopped_at[1]
    assert 0 < k < 200 and np.all(np.isfinite(runs.weights[k, 1]))
    assert np.all(np.isnan(runs.weights[k + 1 :, 1]))
    assert runs.stopped_at[0] == 200 and runs.steps == 200


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(theta0=[0.0]), "theta0 must be"),
        (dict(theta0=[[0.0, np.inf]]), "theta0 must be"),
        (dict(lr=0.0), "lr must be"),
        (dict(lr=[0.1, np.nan]), "lr must be"),
        (dict(batch_size=11), "batch_size must be"),
        (dict(steps=-2), "steps must be"),
        (dict(seeds=[0.5]), "seeds must be"),
        (dict(lr=[0.1, 0.2], seeds=[1, 2, 3]), "same number of runs"),
    ],
)
def test_least_squares_sgd_rejects_bad_arguments(kwargs, match):
    args = dict(
        X=np.arange(10.0)[:, None],
        y=np.arange(10.0),
        theta0=[0.0, 0.0],
        lr=0.1,
        batch_size=2,
        steps=5,
        seeds=0,
    )
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        batching.least_squares_sgd(**args)


# -- gradient noise ----------------------------------------------------------------


def _per_example(problem):
    return models.LinearRegression(1).per_example_grads(
        [-2.0, 3.0], problem.X_train, problem.y_train
    )


def test_measured_variance_matches_the_finite_population_law(problem):
    G = _per_example(problem)
    for B in [1, 16, 256, 768]:
        measured = batching.gradient_variance(G, B, draws=4000, seed=1)
        assert measured == pytest.approx(
            batching.gradient_variance_theory(G, B), rel=0.08
        )
    assert batching.gradient_variance(G, len(G), draws=10) == pytest.approx(
        0.0, abs=1e-20
    )


def test_without_replacement_is_below_with_replacement(problem):
    G = _per_example(problem)
    B = np.array([1, 2, 64, 1024])
    without = batching.gradient_variance_theory(G, B)
    with_ = batching.gradient_variance_theory(G, B, replace=True)
    np.testing.assert_allclose(without[0], with_[0])
    np.testing.assert_allclose(without / with_, (1024 - B) / 1023)


def test_variance_theory_against_exhaustive_enumeration():
    from itertools import combinations

    g = np.array([[0.0, 1.0], [2.0, -1.0], [5.0, 0.5], [-1.0, 2.0], [3.0, 3.0]])
    mean = g.mean(axis=0)
    for B in range(1, 6):
        exact = np.mean(
            [
                np.sum((g[list(c)].mean(axis=0) - mean) ** 2)
                for c in combinations(range(5), B)
            ]
        )
        assert batching.gradient_variance_theory(g, B) == pytest.approx(
            exact, rel=1e-12, abs=1e-15
        )


def test_noise_scale_closed_form():
    g = np.array([[1.0, 0.0], [3.0, 0.0], [2.0, 2.0], [2.0, -2.0]])  # mean (2, 0)
    assert batching.noise_scale(g) == pytest.approx(((1 + 1 + 4 + 4) / 4) / 4)
    assert batching.noise_scale(np.array([[1.0], [-1.0]])) == np.inf


def test_noise_scale_with_a_multiple_of_the_identity_is_the_simple_one():
    g = np.random.default_rng(0).normal(size=(50, 3)) + [1.0, -2.0, 0.5]
    assert batching.noise_scale(g, hessian=3.0 * np.eye(3)) == pytest.approx(
        batching.noise_scale(g), rel=1e-12
    )


def _best_step(g, H, B):
    """The step along g_B that lowers the expected quadratic model most,
    averaged over every ordered batch of B examples drawn with replacement."""
    n = len(g)
    batches = np.stack(np.meshgrid(*[np.arange(n)] * B, indexing="ij"), -1)
    g_b = g[batches.reshape(-1, B)].mean(axis=1)
    G = g.mean(axis=0)
    # E[L(w - e g_B)] - L(w) = -e G.G + e^2 / 2 E[g_B' H g_B]: minimised at
    return float(G @ G) / float(np.mean(np.einsum("bp,pq,bq->b", g_b, H, g_b)))


@pytest.mark.parametrize("B", [1, 2, 3])
def test_noise_scale_sets_the_best_step_by_brute_force(B):
    # McCandlish et al.: e_opt(B) = e_max / (1 + B_noise / B), so
    # B_noise = B (e_max / e_opt(B) - 1), whatever the batch size
    g = np.array([[1.0, 0.5], [-0.5, 2.0], [2.0, -1.0], [0.5, 0.0]])
    H = np.array([[2.0, 0.3], [0.3, 0.5]])
    G = g.mean(axis=0)
    e_max = float(G @ G) / float(G @ H @ G)
    measured = B * (e_max / _best_step(g, H, B) - 1)
    assert batching.noise_scale(g, hessian=H) == pytest.approx(measured, rel=1e-12)
    assert batching.noise_scale(g) != pytest.approx(measured, rel=1e-3)


def test_noise_scale_rejects_a_bad_hessian():
    g = np.array([[1.0, 0.0], [3.0, 2.0]])
    with pytest.raises(ValueError, match="hessian must be a finite array"):
        batching.noise_scale(g, hessian=np.eye(3))
    with pytest.raises(ValueError, match="non-negative curvature"):
        batching.noise_scale(g, hessian=-np.eye(2))
    assert batching.noise_scale(g, hessian=np.zeros((2, 2))) == np.inf


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: batching.gradient_variance(np.ones((1, 2)), 1), "per_example must be"),
        (lambda: batching.gradient_variance(np.ones((4, 2)), 5), "batch_size must be"),
        (
            lambda: batching.gradient_variance(np.ones((4, 2)), 2, draws=1),
            "draws must be",
        ),
        (
            lambda: batching.gradient_variance_theory(np.ones((4, 2)), [0, 2]),
            "batch_size must be",
        ),
        (
            lambda: batching.gradient_variance_theory(np.ones((4, 2)), 2.5),
            "batch_size must be",
        ),
        (
            lambda: batching.noise_scale(np.array([[np.nan], [1.0]])),
            "per_example must be",
        ),
    ],
)
def test_noise_functions_reject_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# -- steps and the critical batch size ------------------------------------------------


def test_steps_to_target_first_hit_and_never():
    losses = np.array([[5.0, 5.0], [2.0, 4.0], [0.5, np.nan], [0.1, np.nan]])
    np.testing.assert_array_equal(batching.steps_to_target(losses, 1.0), [2.0, np.inf])
    assert batching.steps_to_target([3.0, 1.0], 1.0) == 1.0


def test_fit_recovers_the_law_and_resists_noise():
    B = 2.0 ** np.arange(11)
    s_min, b_crit = batching.fit_critical_batch(B, 12.0 * (1 + 40.0 / B))
    assert (s_min, b_crit) == (pytest.approx(12.0), pytest.approx(40.0))
    noise = np.exp(np.random.default_rng(0).normal(scale=0.05, size=B.size))
    s_min, b_crit = batching.fit_critical_batch(B, 12.0 * (1 + 40.0 / B) * noise)
    assert s_min == pytest.approx(12.0, rel=0.15) and b_crit == pytest.approx(
        40.0, rel=0.2
    )


def test_fit_with_a_population_uses_the_effective_batch():
    N, B = 1024, 2.0 ** np.arange(11)
    b_eff = np.where(B < N, B * (N - 1) / np.maximum(N - B, 1), np.inf)
    steps = 13.0 * (1 + 900.0 / b_eff)  # the full batch needs S_min exactly
    s_min, b_crit = batching.fit_critical_batch(B, steps, population=N)
    assert (s_min, b_crit) == (pytest.approx(13.0), pytest.approx(900.0))
    s_plain, _ = batching.fit_critical_batch(B, steps)  # as if with replacement
    assert s_plain < 13.0 - 1  # S_min below what the full batch needs
    with pytest.raises(ValueError, match="must not exceed"):
        batching.fit_critical_batch([1, 2048], [3.0, 2.0], population=N)


def test_tuned_steps_follow_halving_below_the_critical_batch(problem):
    X, y = problem.X_train, problem.y_train
    s = surfaces.least_squares(X, y)
    floor = float(s(s.minima[0]))
    lrs = np.geomspace(1e-3, 0.6, 12)
    s1, lr1 = batching.tuned_steps_to_target(
        X, y, [-2.0, 3.0], 1, lrs, np.arange(8), [floor + 1e-2], 1500
    )
    s2, lr2 = batching.tuned_steps_to_target(
        X, y, [-2.0, 3.0], 2, lrs, np.arange(8), [floor + 1e-2], 1000
    )
    sN, _ = batching.tuned_steps_to_target(
        X, y, [-2.0, 3.0], 1024, lrs, np.arange(2), [floor + 1e-2], 60
    )
    assert s1[0] / s2[0] == pytest.approx(2.0, rel=0.25)  # doubling B halves the steps
    assert lr2[0] > lr1[0]  # with a larger tuned rate
    assert sN[0] < s2[0] / 5  # a full batch needs far fewer steps


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: batching.steps_to_target(np.empty(0), 1.0), "losses must have"),
        (lambda: batching.steps_to_target([1.0, 2.0], np.nan), "target must be"),
        (
            lambda: batching.fit_critical_batch([1, 1], [3.0, 4.0]),
            "at least two distinct",
        ),
        (lambda: batching.fit_critical_batch([1, 2], [3.0, np.inf]), "steps must be"),
        (lambda: batching.fit_critical_batch([1, 2, 3], [3.0, 4.0]), "same length"),
        (
            lambda: batching.tuned_steps_to_target(
                np.ones((3, 1)), np.ones(3), [0, 0], 1, [], [0], [1.0], 5
            ),
            "lrs must be",
        ),
        (
            lambda: batching.tuned_steps_to_target(
                np.ones((3, 1)), np.ones(3), [0, 0], 1, [0.1], [], [1.0], 5
            ),
            "seeds must be",
        ),
        (
            lambda: batching.tuned_steps_to_target(
                np.ones((3, 1)), np.ones(3), [0, 0], 1, [0.1], [0], [np.nan], 5
            ),
            "targets must be",
        ),
    ],
)
def test_step_functions_reject_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# -- the expected loss, exactly ------------------------------------------------------


def _small_problem(n=5, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 2.0, size=(n, 1))
    y = 1.5 * X[:, 0] - 0.5 + rng.normal(size=n)
    return X, y


def _loss(theta, X, y):
    return models.quadratic_loss(np.asarray(theta), *models.least_squares_form(X, y))[0]


def _step(theta, X, y, lr, batch):
    A = np.c_[X[batch], np.ones(len(batch))]
    return theta - lr * A.T @ (A @ theta - y[batch]) / len(batch)


@pytest.mark.parametrize("batch_size", [1, 2, 3])
def test_expected_loss_is_the_mean_over_every_sequence_of_batches(batch_size):
    from itertools import combinations, product

    X, y = _small_problem(n=4)
    theta0, lr, steps = np.array([0.5, -1.0]), 0.4, 3
    batches = list(combinations(range(4), batch_size))
    losses = np.zeros(steps + 1)
    for sequence in product(batches, repeat=steps):
        theta = theta0
        losses[0] += _loss(theta, X, y)
        for t, batch in enumerate(sequence):
            theta = _step(theta, X, y, lr, list(batch))
            losses[t + 1] += _loss(theta, X, y)
    losses /= len(batches) ** steps
    np.testing.assert_allclose(
        batching.expected_loss(X, y, theta0, lr, batch_size, steps), losses, rtol=1e-12
    )


def test_expected_loss_over_many_steps_follows_the_batch_average_recursion():
    # E[s s^T] one step later is the mean of T_B S T_B^T over all batches B
    from itertools import combinations

    X, y = _small_problem(n=5)
    A, n = np.c_[X, np.ones(5)], 5
    theta0, lrs, steps = np.array([2.0, 1.0]), np.array([0.05, 0.3, 0.6]), 150
    for lr in lrs:
        maps = []
        for batch in combinations(range(n), 2):
            Ab, yb = A[list(batch)], y[list(batch)]
            T = np.eye(3)
            T[:2, :2] -= lr * Ab.T @ Ab / 2
            T[:2, 2] = lr * Ab.T @ yb / 2
            maps.append(T)
        S = np.outer(np.append(theta0, 1.0), np.append(theta0, 1.0))
        H, c, c0 = models.least_squares_form(X, y)
        Q = np.block([[H / 2, -c[:, None] / 2], [-c[None, :] / 2, np.array([[c0]])]])
        expected = [np.sum(Q * S)]
        for _ in range(steps):
            S = np.mean([T @ S @ T.T for T in maps], axis=0)
            expected.append(np.sum(Q * S))
        got = batching.expected_loss(X, y, theta0, lrs, 2, steps)
        k = int(np.flatnonzero(lrs == lr)[0])
        np.testing.assert_allclose(got[:, k], expected, rtol=1e-10, atol=1e-12)


def test_expected_loss_at_full_batch_is_gradient_descent(problem):
    X, y = problem.X_train, problem.y_train
    lrs = np.array([0.05, 0.3, 0.6])
    runs = batching.least_squares_sgd(X, y, [-2.0, 3.0], lrs, 1024, 200)
    expected = batching.expected_loss(X, y, [-2.0, 3.0], lrs, 1024, 200)
    np.testing.assert_allclose(expected, runs.losses, rtol=1e-12, atol=1e-12)


def test_expected_loss_settles_at_the_small_rate_noise_floor(problem):
    from gdcourse import theory

    X, y = problem.X_train, problem.y_train
    s = surfaces.least_squares(X, y)
    w_star = s.minima[0]
    lam, V = np.linalg.eigh(s.hessian(w_star))
    G = models.LinearRegression(1).per_example_grads(w_star, X, y)
    noise_var = np.diag(V.T @ np.cov(G.T, bias=True) @ V)
    lr = 0.002
    floor = batching.expected_loss(X, y, w_star, lr, 1, 40000)[-1] - float(s(w_star))
    # the additive-noise formula is right to first order in the rate
    assert floor == pytest.approx(theory.noise_floor(lr, lam, noise_var), rel=0.01)


def test_mean_square_rate_at_full_batch_is_the_gradient_descent_factor(problem):
    X, y = problem.X_train, problem.y_train
    lam = np.linalg.eigvalsh(surfaces.least_squares(X, y).hessian(np.zeros(2)))
    lrs = np.array([0.1, 0.5, 0.7, 0.8])
    expected = np.max((1 - lrs[:, None] * lam) ** 2, axis=1)
    np.testing.assert_allclose(batching.mean_square_rate(X, y, lrs, 1024), expected)
    assert (
        batching.mean_square_rate(X, y, 0.8, 1024)
        > 1
        > batching.mean_square_rate(X, y, 0.7, 1024)
    )


def test_mean_square_rate_is_the_growth_of_the_expected_error():
    rng = np.random.default_rng(1)
    X = rng.uniform(-1.0, 3.0, size=(50, 1))
    y = 1.5 * X[:, 0] - 0.5  # noise-free: the expected loss is E[e^T H e] / 2
    for lr in (0.2, 0.35):  # one shrinking, one growing
        rho = batching.mean_square_rate(X, y, lr, 1)
        loss = batching.expected_loss(X, y, [3.0, 3.0], lr, 1, 100)
        assert loss[-1] / loss[-2] == pytest.approx(rho, rel=1e-6)
    assert (
        batching.mean_square_rate(X, y, 0.2, 1)
        < 1
        < batching.mean_square_rate(X, y, 0.35, 1)
    )
    # smaller batches add noise: the factor falls as the batch grows
    rhos = [batching.mean_square_rate(X, y, 0.5, B) for B in (1, 5, 25, 50)]
    assert np.all(np.diff(rhos) < 0)


def test_a_diverging_expected_loss_is_infinite_without_warnings(problem):
    X, y = problem.X_train, problem.y_train
    assert batching.mean_square_rate(X, y, 0.6, 1) > 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = batching.expected_loss(X, y, [-2.0, 3.0], [0.1, 0.6], 1, 3000)
    assert np.isfinite(loss[:, 0]).all()
    assert np.isinf(loss[-1, 1]) and np.isfinite(loss[:10, 1]).all()
    assert np.all(np.diff(np.isinf(loss[:, 1]).astype(int)) >= 0)  # stays infinite


def test_expected_steps_at_full_batch_are_gradient_descents(problem):
    X, y = problem.X_train, problem.y_train
    lrs = np.array([0.05, 0.2, 0.5])
    runs = batching.least_squares_sgd(X, y, [-2.0, 3.0], lrs, 1024, 300)
    s = surfaces.least_squares(X, y)
    f_star = float(s(s.minima[0]))
    targets = f_star + (runs.losses[0, 0] - f_star) * np.array([0.5, 0.01])
    steps, best = batching.expected_steps_to_target(
        X, y, [-2.0, 3.0], 1024, lrs, targets, 300
    )
    first = np.array([batching.steps_to_target(runs.losses, t) for t in targets])
    np.testing.assert_array_equal(steps, first.min(axis=1))
    np.testing.assert_array_equal(best, lrs[first.argmin(axis=1)])


def test_expected_steps_count_only_a_loss_that_stays_within_the_target(problem):
    # started at the minimiser, the expected loss rises to the noise floor
    X, y = problem.X_train, problem.y_train
    s = surfaces.least_squares(X, y)
    w_star, f_star = s.minima[0], float(s(s.minima[0]))
    loss = batching.expected_loss(X, y, w_star, 0.1, 1, 500)
    rise = loss[-1] - f_star
    steps, best = batching.expected_steps_to_target(
        X, y, w_star, 1, [0.1], f_star + np.array([rise / 2, 2 * rise]), 500
    )
    assert steps[0] == np.inf and np.isnan(best[0])  # below at first, not after
    assert steps[1] == 0 and best[1] == 0.1


def test_expected_steps_follow_halving_below_the_critical_batch(problem):
    X, y = problem.X_train, problem.y_train
    s = surfaces.least_squares(X, y)
    target = float(s(s.minima[0])) + 1e-2
    lrs = np.geomspace(1e-3, 0.7, 24)
    s1, lr1 = batching.expected_steps_to_target(X, y, [-2.0, 3.0], 1, lrs, target, 5000)
    s2, lr2 = batching.expected_steps_to_target(X, y, [-2.0, 3.0], 2, lrs, target, 2500)
    assert s1[0] / s2[0] == pytest.approx(2.0, rel=0.1)
    assert lr2[0] > lr1[0]


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: batching.expected_loss(
                np.ones((3, 1)), np.ones(3), [0, 0], 0.0, 1, 5
            ),
            "lr must be",
        ),
        (
            lambda: batching.expected_loss(
                np.ones((3, 1)), np.ones(3), [0, 0], 0.1, 4, 5
            ),
            "batch_size",
        ),
        (
            lambda: batching.expected_loss(
                np.ones((3, 1)), np.ones(3), [[0, 0]], 0.1, 1, 5
            ),
            "theta0 must be",
        ),
        (
            lambda: batching.expected_loss(
                np.ones((3, 1)), np.ones(3), [0, 0], 0.1, 1, -1
            ),
            "steps",
        ),
        (
            lambda: batching.mean_square_rate(np.ones((3, 1)), np.ones(3), [np.inf], 1),
            "lr must be",
        ),
        (
            lambda: batching.expected_steps_to_target(
                np.ones((3, 1)), np.ones(3), [0, 0], 1, [0.1], [np.nan], 5
            ),
            "targets must be",
        ),
        (
            lambda: batching.expected_steps_to_target(
                np.ones((3, 1)), np.ones(3), [0, 0], 1, [], [1.0], 5
            ),
            "lr must be",
        ),
    ],
)
def test_expected_loss_functions_reject_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()

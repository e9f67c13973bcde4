"""Tests for gdcourse.models: losses against formulas, gradients against finite differences."""

import warnings

import numpy as np
import pytest

from gdcourse import models
from gdcourse.models import (
    MLP,
    LinearRegression,
    LogisticRegression,
    Model,
    init_params,
    init_std,
    sigmoid,
)

RNG = np.random.default_rng(12345)


def finite_difference(f, theta, h=1e-6):
    """Central differences of a scalar function of a flat vector."""
    theta = np.asarray(theta, dtype=float)
    grad = np.empty_like(theta)
    for j in range(theta.size):
        e = np.zeros_like(theta)
        e[j] = h
        grad[j] = (f(theta + e) - f(theta - e)) / (2 * h)
    return grad


def relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-300)


def toy(n=30, d=3, seed=0, labels=None):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = rng.integers(0, labels, n) if labels else rng.standard_normal(n)
    return X, y


# ---------------------------------------------------------------------------
# sigmoid
# ---------------------------------------------------------------------------


def test_sigmoid_matches_the_definition_and_saturates_quietly():
    z = np.linspace(-30, 30, 101)
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(sigmoid(z) + sigmoid(-z), 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(sigmoid([-1e308, 1e308]), [0.0, 1.0])


# ---------------------------------------------------------------------------
# linear regression
# ---------------------------------------------------------------------------


def test_linear_loss_is_half_the_mean_squared_residual():
    X, y = toy()
    theta = np.array([0.5, -1.0, 2.0, 0.3])
    residual = X @ theta[:3] + theta[3] - y
    assert LinearRegression(3).loss(theta, X, y) == pytest.approx(
        0.5 * np.mean(residual**2)
    )
    np.testing.assert_allclose(
        LinearRegression(3).predict(theta, X), X @ theta[:3] + theta[3]
    )


@pytest.mark.parametrize("d", [1, 3])
def test_linear_gradient_matches_finite_differences(d):
    X, y = toy(d=d)
    model = LinearRegression(d)
    theta = RNG.standard_normal(d + 1)
    fd = finite_difference(lambda t: model.loss(t, X, y), theta)
    assert relative_error(model.grad(theta, X, y), fd) < 1e-6
    loss, grad = model.loss_and_grad(theta, X, y)
    assert loss == pytest.approx(model.loss(theta, X, y))
    np.testing.assert_array_equal(grad, model.grad(theta, X, y))


@pytest.mark.parametrize(
    "model, labels", [(LinearRegression(3), None), (LogisticRegression(3), 2)]
)
def test_linear_models_per_example_grads_average_to_the_batch_gradient(model, labels):
    X, y = toy(labels=labels)
    theta = RNG.standard_normal(4)
    per_example = model.per_example_grads(theta, X, y)
    assert per_example.shape == (30, 4)
    np.testing.assert_allclose(
        per_example.mean(axis=0), model.grad(theta, X, y), rtol=1e-12
    )
    # row i is the gradient of the loss on example i alone
    np.testing.assert_allclose(
        per_example[7], model.grad(theta, X[7:8], y[7:8]), rtol=1e-12
    )


@pytest.mark.parametrize(
    "model, labels", [(LinearRegression(1), None), (LogisticRegression(1), 2)]
)
def test_linear_models_vectorise_over_a_grid_of_theta(model, labels):
    X, y = toy(d=1, labels=labels)
    W, B = np.meshgrid(np.linspace(-2, 2, 7), np.linspace(-1, 1, 5))
    grid = np.stack([W, B], axis=-1)
    losses, grads = model.loss_and_grad(grid, X, y)
    assert losses.shape == (5, 7) and grads.shape == (5, 7, 2)
    for i, j in [(0, 0), (2, 3), (4, 6)]:
        assert losses[i, j] == pytest.approx(model.loss(grid[i, j], X, y), rel=1e-12)
        np.testing.assert_allclose(
            grads[i, j], model.grad(grid[i, j], X, y), rtol=1e-12
        )
    assert model.per_example_grads(grid, X, y).shape == (5, 7, 30, 2)
    assert model.predict(grid, X).shape == (5, 7, 30)


def test_linear_solve_is_the_least_squares_minimiser():
    X, y = toy(d=2, n=50)
    model = LinearRegression(2)
    theta = model.solve(X, y)
    A = np.column_stack([X, np.ones(50)])
    np.testing.assert_allclose(theta, np.linalg.solve(A.T @ A, A.T @ y))
    np.testing.assert_allclose(model.grad(theta, X, y), 0.0, atol=1e-12)


def test_linear_regression_init_and_accuracy():
    model = LinearRegression(2)
    np.testing.assert_array_equal(model.init(seed=5), np.zeros(3))
    assert model.n_params == 3 and not model.is_classifier
    assert repr(model) == "LinearRegression(n_features=2)"
    with pytest.raises(ValueError, match="accuracy is defined for classifiers only"):
        model.accuracy(np.zeros(3), np.zeros((2, 2)), np.zeros(2))


# ---------------------------------------------------------------------------
# logistic regression
# ---------------------------------------------------------------------------


def test_logistic_loss_matches_the_naive_formula_at_moderate_logits():
    X, y = toy(labels=2)
    theta = RNG.standard_normal(4)
    p = 1 / (1 + np.exp(-(X @ theta[:3] + theta[3])))
    naive = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert LogisticRegression(3).loss(theta, X, y) == pytest.approx(naive, rel=1e-12)


def test_logistic_gradient_matches_finite_differences():
    X, y = toy(labels=2)
    model = LogisticRegression(3)
    theta = RNG.standard_normal(4)
    fd = finite_difference(lambda t: model.loss(t, X, y), theta)
    assert relative_error(model.grad(theta, X, y), fd) < 1e-6


def test_logistic_loss_is_stable_at_huge_logits():
    X = np.array([[1.0], [-1.0], [2.0]])
    y = np.array([0, 1, 1])
    model = LogisticRegression(1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for scale in [1e3, 1e8, 1e300]:
            loss, grad = model.loss_and_grad([scale, 0.0], X, y)
            assert np.isfinite(loss) and np.all(np.isfinite(grad))
            # two wrong at logit -scale and +scale, one right: loss = (scale + scale) / 3
            assert loss == pytest.approx(2 * scale / 3, rel=1e-12)
            np.testing.assert_allclose(
                grad, [(1 * 1 + (-1) * (-1)) / 3, 0.0], atol=1e-12
            )


def test_logistic_predict_proba_predict_accuracy():
    X, y = toy(labels=2)
    model = LogisticRegression(3)
    theta = RNG.standard_normal(4)
    proba = model.predict_proba(theta, X)
    labels = model.predict(theta, X)
    np.testing.assert_array_equal(labels, (proba > 0.5).astype(int))
    assert model.accuracy(theta, X, y) == pytest.approx(np.mean(labels == y))
    assert model.is_classifier


# ---------------------------------------------------------------------------
# the MLP
# ---------------------------------------------------------------------------

ARCHITECTURES = [
    ([3, 1], "regression"),
    ([3, 5, 1], "regression"),
    ([3, 4, 4, 4, 1], "regression"),
    ([3, 6, 1], "binary"),
    ([3, 4, 5, 1], "binary"),
    ([3, 4, 3], "multiclass"),
    ([3, 5, 4, 4, 3], "multiclass"),
]


def mlp_data(sizes, task, n=25, seed=1):
    labels = {"regression": None, "binary": 2, "multiclass": sizes[-1]}[task]
    return toy(n=n, d=sizes[0], seed=seed, labels=labels)


@pytest.mark.parametrize("activation", models.ACTIVATIONS)
@pytest.mark.parametrize("sizes, task", ARCHITECTURES)
def test_mlp_gradient_matches_finite_differences(sizes, task, activation):
    net = MLP(sizes, activation=activation, task=task, init="normal", std=0.8)
    X, y = mlp_data(sizes, task)
    theta = net.init(seed=2)
    theta = theta + 0.1 * np.random.default_rng(3).standard_normal(
        theta.size
    )  # non-zero biases
    fd = finite_difference(lambda t: net.loss(t, X, y), theta)
    loss, grad = net.loss_and_grad(theta, X, y)
    assert relative_error(grad, fd) < 1e-6
    assert loss == net.loss(theta, X, y)


@pytest.mark.parametrize("activation", models.ACTIVATIONS)
@pytest.mark.parametrize("sizes, task", ARCHITECTURES)
def test_mlp_per_example_grads_average_to_the_batch_gradient(sizes, task, activation):
    net = MLP(sizes, activation=activation, task=task)
    X, y = mlp_data(sizes, task)
    theta = net.init(seed=0) + 0.1
    per_example = net.per_example_grads(theta, X, y)
    assert per_example.shape == (25, net.n_params)
    np.testing.assert_allclose(
        per_example.mean(axis=0), net.grad(theta, X, y), rtol=1e-10, atol=1e-14
    )
    np.testing.assert_allclose(
        per_example[4], net.grad(theta, X[4:5], y[4:5]), rtol=1e-10, atol=1e-14
    )


def test_mlp_list_gradients_match_the_flat_gradient():
    net = MLP([3, 5, 4, 2], activation="relu", task="multiclass")
    X, y = mlp_data(net.sizes, "multiclass")
    params = net.init_params(seed=0)
    loss, grads = net.loss_and_grads(params, X, y)
    assert [(dW.shape, db.shape) for dW, db in grads] == [
        (W.shape, b.shape) for W, b in params
    ]
    flat_loss, flat_grad = net.loss_and_grad(net.flatten(params), X, y)
    assert loss == flat_loss
    np.testing.assert_array_equal(net.flatten(grads), flat_grad)


def test_mlp_forward_cache_follows_the_layers():
    net = MLP([3, 5, 4, 1], activation="tanh")
    X, _ = toy(n=6, d=3)
    params = net.init_params(seed=0)
    out, cache = net.forward(params, X)
    (W1, b1), (W2, b2), (W3, b3) = params
    a1 = np.tanh(X @ W1 + b1)
    a2 = np.tanh(a1 @ W2 + b2)
    np.testing.assert_allclose(out, a2 @ W3 + b3)
    np.testing.assert_array_equal(cache["a"][0], X)
    np.testing.assert_allclose(cache["a"][2], a2)
    assert [z.shape for z in cache["z"]] == [(6, 5), (6, 4), (6, 1)]


@pytest.mark.parametrize(
    "task, linear_model, labels",
    [("regression", LinearRegression(3), None), ("binary", LogisticRegression(3), 2)],
)
def test_a_one_layer_mlp_is_the_linear_model(task, linear_model, labels):
    net = MLP([3, 1], task=task)
    X, y = toy(labels=labels)
    theta = RNG.standard_normal(4)  # W (3 x 1) then b: the same layout as (w, b)
    assert net.loss(theta, X, y) == pytest.approx(
        linear_model.loss(theta, X, y), rel=1e-12
    )
    np.testing.assert_allclose(
        net.grad(theta, X, y), linear_model.grad(theta, X, y), rtol=1e-12
    )
    np.testing.assert_array_equal(net.predict(theta, X), linear_model.predict(theta, X))


def test_mlp_softmax_cross_entropy_matches_the_naive_formula_and_is_stable():
    net = MLP([2, 3], task="multiclass")
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([0, 2, 1])
    W = np.array([[1.0, -0.5, 0.2], [0.3, 0.1, -1.0]])
    b = np.array([0.1, 0.0, -0.2])
    logits = X @ W + b
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    naive = -np.mean(np.log(p[np.arange(3), y]))
    theta = net.flatten([(W, b)])
    assert net.loss(theta, X, y) == pytest.approx(naive, rel=1e-12)
    np.testing.assert_allclose(net.predict_proba(theta, X), p, rtol=1e-12)
    np.testing.assert_array_equal(net.predict(theta, X), np.argmax(p, axis=1))
    assert net.accuracy(theta, X, y) == pytest.approx(
        np.mean(np.argmax(p, axis=1) == y)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, grad = net.loss_and_grad(1e6 * theta, X, y)
        assert np.isfinite(loss) and loss > 1e5 and np.all(np.isfinite(grad))
        np.testing.assert_allclose(net.predict_proba(1e6 * theta, X).sum(axis=1), 1.0)


def test_mlp_binary_predictions():
    net = MLP([3, 4, 1], task="binary")
    X, y = toy(labels=2)
    theta = net.init(seed=0)
    proba = net.predict_proba(theta, X)
    np.testing.assert_array_equal(net.predict(theta, X), (proba > 0.5).astype(int))
    assert net.accuracy(theta, X, y) == pytest.approx(np.mean((proba > 0.5) == y))


def test_mlp_flatten_unflatten_round_trip_and_views():
    net = MLP([2, 3, 4, 1])
    assert net.n_params == 2 * 3 + 3 + 3 * 4 + 4 + 4 + 1 == net.init().size
    theta = np.arange(net.n_params, dtype=float)
    params = net.unflatten(theta)
    np.testing.assert_array_equal(params[0][0], np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(params[0][1], [6.0, 7.0, 8.0])
    np.testing.assert_array_equal(net.flatten(params), theta)
    with pytest.raises(ValueError):
        params[1][0][0, 0] = 1.0  # read-only views
    assert net.n_layers == 3
    assert "activation='tanh'" in repr(net)


def test_mlp_init_is_seeded():
    net = MLP([4, 8, 1], init="he")
    np.testing.assert_array_equal(net.init(seed=1), net.init(seed=1))
    assert not np.array_equal(net.init(seed=1), net.init(seed=2))
    np.testing.assert_array_equal(
        net.init(seed=1, init="normal", std=0.5),
        net.flatten(init_params(net.sizes, "normal", 1, std=0.5)),
    )


@pytest.mark.parametrize(
    "init, variance",
    [
        ("normal", 0.3**2),
        ("glorot", 2 / (400 + 300)),
        ("xavier", 2 / (400 + 300)),
        ("glorot_normal", 2 / (400 + 300)),
        ("he", 2 / 400),
        ("kaiming", 2 / 400),
    ],
)
def test_init_schemes_have_the_documented_variance(init, variance):
    ((W, b),) = init_params([400, 300], init, seed=0, std=0.3)
    assert W.mean() == pytest.approx(0.0, abs=3 * np.sqrt(variance / W.size) * 2)
    assert W.var() == pytest.approx(
        variance, rel=0.02
    )  # 120 000 draws: sd of var is ~0.4 %
    np.testing.assert_array_equal(b, 0.0)
    assert init_std(init, 400, 300, 0.3) ** 2 == pytest.approx(variance)


def test_glorot_uniform_is_bounded_and_flat():
    ((W, _),) = init_params([400, 300], "glorot", seed=0)
    limit = np.sqrt(6 / 700)
    assert np.abs(W).max() <= limit and np.abs(W).max() > 0.99 * limit
    counts, _ = np.histogram(W, bins=10, range=(-limit, limit))
    assert counts.min() > 0.9 * counts.mean()  # uniform, not bell-shaped


def test_sigmoid_with_poor_init_has_vanishing_early_gradients_unlike_relu_with_he():
    X, y = toy(n=200, d=2, seed=0, labels=2)
    sizes = [2] + [32] * 8 + [1]
    sigmoid_net = MLP(
        sizes, activation="sigmoid", task="binary", init="normal", std=0.01
    )
    sigmoid_glorot = MLP(sizes, activation="sigmoid", task="binary", init="glorot")
    relu_net = MLP(sizes, activation="relu", task="binary", init="he")
    for seed in range(3):
        ratios = []
        for net in (sigmoid_net, sigmoid_glorot, relu_net):
            norms = net.layer_grad_norms(net.init(seed=seed), X, y)
            assert norms.shape == (9,)
            ratios.append(norms[0] / norms[-1])
        poor, glorot, he = ratios
        assert poor < 1e-8 and glorot < 1e-2 and he > 1e-2
        assert poor < glorot < he


def test_layer_grad_norms_are_the_norms_of_the_weight_gradients():
    net = MLP([3, 5, 4, 1], activation="sigmoid")
    X, y = toy()
    params = net.init_params(seed=0)
    _, grads = net.loss_and_grads(params, X, y)
    expected = [np.sqrt(np.sum(dW**2)) for dW, _ in grads]
    np.testing.assert_allclose(net.layer_grad_norms(params, X, y), expected)
    np.testing.assert_allclose(
        net.layer_grad_norms(net.flatten(params), X, y), expected
    )


def test_layer_spreads_are_root_mean_square_distances_to_the_mean():
    net = MLP([3, 5, 4, 1], activation="tanh")
    X, _ = toy()
    params = net.init_params(seed=0)
    _, cache = net.forward(params, X)
    for got, a in zip(net.layer_spreads(params, X), cache["a"]):
        # half the mean squared distance over all ordered pairs of inputs
        pair = a[:, None, :] - a[None, :, :]
        assert got == pytest.approx(np.sqrt(np.mean(np.sum(pair**2, -1)) / 2))
    sizes = [np.sqrt(np.mean(np.sum(a**2, axis=1))) for a in cache["a"]]
    np.testing.assert_allclose(
        net.layer_spreads(net.flatten(params), X, relative=True),
        net.layer_spreads(params, X) / sizes,
    )


def test_layer_spreads_of_a_scaled_relu_network():
    # ReLU is positively homogeneous: without biases, weights times c scale
    # layer l by c**l and leave the relative spread unchanged
    net = MLP([3, 6, 6, 6, 1], activation="relu", init="he")
    X, _ = toy()
    params = [(W, np.zeros_like(b)) for W, b in net.init_params(seed=1)]
    scaled = [(3.0 * W, b) for W, b in params]
    c_to_the_l = 3.0 ** np.arange(net.n_layers)
    np.testing.assert_allclose(
        net.layer_spreads(scaled, X), c_to_the_l * net.layer_spreads(params, X)
    )
    np.testing.assert_allclose(
        net.layer_spreads(scaled, X, relative=True),
        net.layer_spreads(params, X, relative=True),
    )


def test_deep_sigmoid_network_maps_inputs_together_as_its_gradients_vanish():
    net = MLP([2] + [16] * 8 + [1], activation="sigmoid", task="binary")
    X = RNG.standard_normal((60, 2))
    y = (X[:, 0] > 0).astype(float)
    params = net.init_params(seed=0)
    spreads = net.layer_spreads(params, X, relative=True)
    norms = net.layer_grad_norms(params, X, y)
    assert np.all(np.diff(spreads) < 0) and spreads[-1] < 1e-3 * spreads[0]
    # the same per-layer factor, forwards and backwards, within a factor 2
    forward = (spreads[-1] / spreads[1]) ** (1 / (net.n_layers - 2))
    backward = (norms[0] / norms[-1]) ** (1 / (net.n_layers - 1))
    assert 0.5 < forward / backward < 2


def test_layer_spreads_need_two_inputs():
    net = MLP([2, 3, 1])
    with pytest.raises(ValueError, match="number of rows of X must be an integer >= 2"):
        net.layer_spreads(net.init_params(), np.zeros((1, 2)))


def test_every_model_follows_the_model_interface():
    for model in (LinearRegression(2), LogisticRegression(2), MLP([2, 3, 1])):
        assert isinstance(model, Model)
        theta = model.init(seed=0)
        assert theta.shape == (model.n_params,)


def test_the_mlp_does_not_mutate_its_inputs():
    net = MLP([3, 4, 1], activation="relu")
    X, y = toy()
    theta = net.init(seed=0)
    copies = theta.copy(), X.copy(), y.copy()
    net.loss_and_grad(theta, X, y)
    net.per_example_grads(theta, X, y)
    for original, copy in zip((theta, X, y), copies):
        np.testing.assert_array_equal(original, copy)


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(sizes=[3]), "sizes must be a sequence of at least 2 positive integers"),
        (dict(sizes=[3, 0, 1]), "sizes must be a sequence"),
        (dict(sizes=5), "sizes must be a sequence"),
        (dict(sizes=[3, 2.0, 1]), "sizes must be a sequence"),
        (dict(sizes=[3, 1], activation="softplus"), "activation must be one of"),
        (dict(sizes=[3, 1], task="ranking"), "task must be one of"),
        (dict(sizes=[3, 2]), "sizes must end in 1 for task='regression'"),
        (dict(sizes=[3, 2], task="binary"), "sizes must end in 1 for task='binary'"),
        (dict(sizes=[3, 1], task="multiclass"), "number of classes"),
        (dict(sizes=[3, 1], init="orthogonal"), "init must be one of"),
        (
            dict(sizes=[3, 1], init="normal", std=0.0),
            "std must be a positive finite number",
        ),
        (dict(sizes=[3, 1], std=np.nan), "std must be a positive finite number"),
    ],
)
def test_mlp_bad_construction(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MLP(**kwargs)


def test_init_functions_bad_arguments():
    with pytest.raises(ValueError, match="init must be one of"):
        init_params([2, 1], "zeros")
    with pytest.raises(ValueError, match="init must be one of"):
        init_std("zeros", 2, 1)
    with pytest.raises(ValueError, match="sizes must be"):
        init_params([2], "he")


def test_mlp_bad_call_arguments():
    net = MLP([3, 4, 2], task="multiclass")
    X, y = toy(labels=2)
    theta = net.init()
    with pytest.raises(ValueError, match=r"theta must have shape \(\.\.\., 26\)"):
        net.loss(theta[:-1], X, y)
    with pytest.raises(
        ValueError, match=r"X must have shape \(n, 3\) or \(2, 'n', 3\)"
    ):
        net.loss(np.stack([theta, theta]), np.stack([X, X, X]), y)
    with pytest.raises(ValueError, match=r"y must have shape \(2, 30\)"):
        net.loss(np.stack([theta, theta]), np.stack([X, X]), y)
    with pytest.raises(ValueError, match=r"y must hold integer labels in 0\.\.1"):
        net.loss(np.stack([theta, theta]), np.stack([X, X]), np.stack([y, y + 2]))
    with pytest.raises(ValueError, match="accuracy is defined for classifiers only"):
        MLP([3, 1]).loss_and_accuracy(MLP([3, 1]).init(), X, y)
    with pytest.raises(ValueError, match=r"X must have shape \(n, 3\)"):
        net.loss(theta, X[:, :2], y)
    with pytest.raises(ValueError, match=r"y must have shape \(30,\)"):
        net.loss(theta, X, y[:-1])
    with pytest.raises(ValueError, match=r"y must hold integer labels in 0..1"):
        net.loss(theta, X, y + 1)
    with pytest.raises(ValueError, match="params must hold 2"):
        net.loss_and_grads(net.init_params()[:1], X, y)
    with pytest.raises(ValueError, match="params must have layer shapes"):
        net.forward(
            [(np.zeros((3, 4)), np.zeros(4)), (np.zeros((4, 3)), np.zeros(3))], X
        )
    regressor = MLP([3, 1])
    with pytest.raises(ValueError, match="accuracy is defined for classifiers only"):
        regressor.accuracy(regressor.init(), X, y)
    with pytest.raises(
        ValueError, match="predict_proba is defined for classifiers only"
    ):
        regressor.predict_proba(regressor.init(), X)


@pytest.mark.parametrize("model", [LinearRegression(3), LogisticRegression(3)])
def test_linear_models_bad_arguments(model):
    X, y = toy(labels=2)
    with pytest.raises(ValueError, match=r"theta must have shape \(\.\.\., 4\)"):
        model.loss(np.zeros(3), X, y)
    with pytest.raises(ValueError, match=r"theta must have shape"):
        model.loss(0.0, X, y)
    with pytest.raises(ValueError, match=r"X must have shape \(n, 3\)"):
        model.loss(np.zeros(4), X[:, :1], y)
    with pytest.raises(ValueError, match=r"y must have shape \(30,\)"):
        model.grad(np.zeros(4), X, y[:3])
    with pytest.raises(ValueError, match="n_features must be an integer >= 1"):
        type(model)(0)


def test_logistic_rejects_labels_outside_zero_one():
    X, y = toy(labels=2)
    with pytest.raises(ValueError, match=r"y must hold integer labels in 0..1"):
        LogisticRegression(3).loss(np.zeros(4), X, 2 * y - 1)
    with pytest.raises(ValueError, match=r"y must hold integer labels in 0..1"):
        LogisticRegression(3).per_example_grads(np.zeros(4), X, y + 0.5)


def test_least_squares_form_matches_the_residual_form_and_its_gradient():
    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(25, 3)), rng.normal(size=25)
    H, c, c0 = models.least_squares_form(X, y)
    A = np.concatenate([X, np.ones((25, 1))], axis=1)
    np.testing.assert_allclose(H, H.T)
    for theta in rng.normal(size=(5, 4)):
        residual = A @ theta - y
        loss, grad = models.quadratic_loss(theta, H, c, c0)
        assert loss == pytest.approx(0.5 * np.mean(residual**2), rel=1e-12)
        np.testing.assert_allclose(grad, A.T @ residual / 25, rtol=1e-10, atol=1e-12)
        eps = 1e-6
        numeric = [
            (
                models.quadratic_loss(theta + eps * e, H, c, c0)[0]
                - models.quadratic_loss(theta - eps * e, H, c, c0)[0]
            )
            / (2 * eps)
            for e in np.eye(4)
        ]
        np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)
    thetas = rng.normal(size=(2, 3, 4))
    losses, grads = models.quadratic_loss(thetas, H, c, c0)
    assert losses.shape == (2, 3) and grads.shape == (2, 3, 4)
    assert losses[1, 2] == pytest.approx(
        models.quadratic_loss(thetas[1, 2], H, c, c0)[0]
    )


@pytest.mark.parametrize("task", ["regression", "binary", "multiclass"])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_mlp_stack_rows_are_each_their_own_network_bit_for_bit(task, activation):
    out = 1 if task != "multiclass" else 3
    net = MLP([2, 5, 4, out], activation=activation, task=task)
    X, y = toy(labels=3 if task == "multiclass" else 2)
    X = X[:, :2]
    if task == "regression":
        y = y + 0.5 * X[:, 0]
    thetas = np.stack([net.init(seed) for seed in range(4)])
    rng = np.random.default_rng(0)
    batches = np.stack([rng.permutation(len(X))[:7] for _ in range(4)])
    loss, grad = net.loss_and_grad(thetas, X[batches], y[batches])
    shared = net.loss(thetas, X, y)
    assert loss.shape == (4,) and grad.shape == (4, net.n_params)
    for row, theta in enumerate(thetas):
        one_loss, one_grad = net.loss_and_grad(theta, X[batches[row]], y[batches[row]])
        assert loss[row] == one_loss and np.array_equal(grad[row], one_grad)
        assert shared[row] == net.loss(theta, X, y)
        assert np.array_equal(net.predict(thetas, X)[row], net.predict(theta, X))
        if task != "regression":
            assert net.accuracy(thetas, X, y)[row] == net.accuracy(theta, X, y)
            both = net.loss_and_accuracy(thetas, X, y)
            assert (both[0][row], both[1][row]) == (
                shared[row],
                net.accuracy(theta, X, y),
            )
            assert net.loss_and_accuracy(theta, X, y) == (
                shared[row],
                net.accuracy(theta, X, y),
            )
            probs = net.predict_proba(thetas, X)[row]
            assert np.array_equal(probs, net.predict_proba(theta, X))


def test_mlp_stack_gradient_matches_finite_differences():
    net = MLP([2, 3, 1], activation="tanh", task="regression")
    X, y = toy(labels=2)
    X = X[:, :2]
    thetas = np.stack([net.init(seed) for seed in range(2)])
    Xs, ys = np.stack([X[:10], X[10:20]]), np.stack([y[:10], y[10:20]]).astype(float)
    _, grad = net.loss_and_grad(thetas, Xs, ys)
    h = 1e-6
    for j in range(net.n_params):
        e = np.zeros(net.n_params)
        e[j] = h
        numeric = (net.loss(thetas + e, Xs, ys) - net.loss(thetas - e, Xs, ys)) / (
            2 * h
        )
        np.testing.assert_allclose(grad[:, j], numeric, rtol=1e-6, atol=1e-8)

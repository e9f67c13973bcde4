"""Tests of the chapter-8 vanishing-gradients explorer."""

import numpy as np
import pytest

from gdcourse import models, widgets


@pytest.fixture(scope="module")
def explorer():
    return widgets.EXPLORERS["vanishing gradients"]()


def test_registered_with_its_controls(explorer):
    assert sorted(explorer.controls) == ["activation", "depth", "init"]


def test_gradient_axis_names_the_loss_f_and_the_frobenius_norm(explorer):
    # the course writes the loss f (L is the largest curvature), and
    # layer_grad_norms returns Frobenius norms
    label = explorer.figure.axes[0].get_ylabel()
    assert r"\partial f / \partial W_l" in label and label.endswith(r"\|_F$")
    assert "L" not in label


def test_layer_statistics_match_the_model():
    net = models.MLP([2, 8, 8, 8, 1], activation="tanh", task="binary", init="glorot")
    params = net.init_params(seed=2)
    X = np.random.default_rng(0).normal(size=(30, 2))
    y = (X[:, 0] > 0).astype(int)
    norms, spreads = widgets.layer_statistics(net, params, X, y)
    np.testing.assert_allclose(norms, net.layer_grad_norms(params, X, y))
    a1 = np.tanh(X @ params[0][0] + params[0][1])
    assert spreads.shape == (3,) and spreads[0] == pytest.approx(np.std(a1))


def test_sigmoid_gradients_vanish_and_relu_he_gradients_do_not(explorer):
    sig, _ = explorer.statistics(10, "sigmoid", "Glorot")
    relu, _ = explorer.statistics(10, "relu", "He")
    assert sig[0] / sig[-1] < 1e-4
    assert 0.1 < relu[0] / relu[-1] < 10


def test_every_setting_renders(explorer):
    for depth in (1, 6, 12):
        for activation in models.ACTIVATIONS:
            for init in widgets.VANISHING_INITS:
                explorer.set(depth=depth, activation=activation, init=init)
                assert explorer.status.startswith("gradient norm"), explorer.status
                assert explorer.grad_line.get_xdata().size == depth + 1


def test_static_grid_offers_every_depth_and_choice(explorer):
    grid = dict(explorer.static_grid())
    assert grid["depth"] == list(range(1, explorer.max_depth + 1))
    assert len(grid["activation"]) == 3 and len(grid["init"]) == 4

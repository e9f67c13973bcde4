"""Chapter 8 explorer: gradient norms and activation spreads layer by layer."""

from __future__ import annotations

import numpy as np

from gdcourse import data as _data
from gdcourse import models as _models
from gdcourse import plotting
from gdcourse.widgets.base import Explorer
from gdcourse.widgets.controls import dropdown, int_slider
from gdcourse.widgets.registry import register

#: Initialisations the chapter-8 explorer offers: label -> (init name, std).
VANISHING_INITS = {
    "small normal (std 0.01)": ("normal", 0.01),
    "normal (std 1)": ("normal", 1.0),
    "Glorot": ("glorot", 1.0),
    "He": ("he", 1.0),
}


def layer_statistics(net, params, X, y):
    """Per-layer gradient norms and activation spreads of an MLP, for one batch.

    Parameters
    ----------
    net : gdcourse.models.MLP
    params : list of (W, b)
    X, y : array_like
        Inputs and targets.

    Returns
    -------
    grad_norms : ndarray, shape (net.n_layers,)
        :math:`\\lVert \\partial f / \\partial W_l \\rVert_F` (Frobenius norm, with
        :math:`f` the loss), input layer first.
    spreads : ndarray, shape (net.n_layers - 1,)
        Standard deviation of each hidden layer's activations :math:`a_l`.

    Examples
    --------
    >>> net = _models.MLP([2, 8, 8, 1], activation="relu", task="binary", init="he")
    >>> X = np.random.default_rng(0).standard_normal((20, 2))
    >>> g, s = layer_statistics(net, net.init_params(seed=0), X, (X[:, 0] > 0).astype(int))
    >>> g.shape, s.shape
    ((3,), (2,))
    """
    norms = net.layer_grad_norms(params, X, y)
    _, cache = net.forward(params, X)
    spreads = np.array([float(np.std(a)) for a in cache["a"][1:]])
    return norms, spreads


class VanishingGradientsExplorer(Explorer):
    """Per-layer gradient norms and activation spreads of a freshly initialised deep MLP.

    Controls: number of hidden layers, activation and initialisation. The
    network (width 32) classifies the two-moons training set; nothing is
    trained: the figure shows where backpropagation's gradient is large or
    small at the very first step.
    """

    def __init__(
        self,
        depth=8,
        activation="sigmoid",
        init="Glorot",
        width=32,
        max_depth=12,
        seed=0,
    ):
        data = _data.two_moons(n=400, noise=0.2, seed=0)
        self.X, self.y = np.asarray(data.X_train), np.asarray(data.y_train)
        self.width, self.max_depth, self.seed = width, max_depth, seed
        controls = {
            "depth": int_slider(
                depth, 1, max_depth, "hidden layers", static=range(1, max_depth + 1)
            ),
            "activation": dropdown(
                activation,
                _models.ACTIVATIONS,
                "activation",
                static=_models.ACTIVATIONS,
                wide_label=False,
            ),
            "init": dropdown(
                init, VANISHING_INITS, "initialisation", static=VANISHING_INITS
            ),
        }
        super().__init__(controls, title="Vanishing gradients explorer")

    def build(self, axes):
        ax_g, ax_a = axes
        top = self.max_depth + 1
        (self.grad_line,) = ax_g.semilogy(
            [1, 2], [1, 1], "-o", color=plotting.COLORS["vermillion"], ms=4
        )
        ax_g.set_xlim(0.5, top + 0.5)
        ax_g.set_ylim(1e-24, 1e8)
        ax_g.set_xlabel("layer $l$ (1 = next to the input)")
        ax_g.set_ylabel(r"gradient norm $\|\partial f / \partial W_l\|_F$")
        ax_g.grid(True, which="major", alpha=0.3)
        (self.spread_line,) = ax_a.semilogy(
            [1, 2], [1, 1], "-s", color=plotting.COLORS["blue"], ms=4
        )
        ax_a.set_xlim(0.5, top - 0.5)
        ax_a.set_ylim(1e-18, 1e8)
        ax_a.set_xlabel("hidden layer $l$")
        ax_a.set_ylabel("spread of activations (std of $a_l$)")
        ax_a.grid(True, which="major", alpha=0.3)
        for ax in (ax_g, ax_a):
            ax.xaxis.set_major_locator(plotting_integer_locator())
        self.info = ax_g.text(
            0.03,
            0.04,
            "",
            transform=ax_g.transAxes,
            fontsize=8,
            va="bottom",
            bbox=dict(boxstyle="round", fc="white", ec="none", alpha=0.8),
        )
        self.dynamic = [self.grad_line, self.spread_line, self.info]

    def statistics(self, depth, activation, init):
        """Gradient norms and activation spreads for these settings (see :func:`layer_statistics`)."""
        name, std = VANISHING_INITS[init]
        net = _models.MLP(
            [2] + [self.width] * depth + [1],
            activation=activation,
            task="binary",
            init=name,
            std=std,
        )
        return layer_statistics(net, net.init_params(self.seed), self.X, self.y)

    def draw(self, depth, activation, init):
        with np.errstate(all="ignore"):
            norms, spreads = self.statistics(depth, activation, init)
        self.grad_line.set_data(
            np.arange(1, norms.size + 1), np.clip(norms, 1e-30, 1e30)
        )
        self.spread_line.set_data(
            np.arange(1, spreads.size + 1), np.clip(spreads, 1e-30, 1e30)
        )
        status = (
            f"gradient norm {norms[0]:.1e} at layer 1, "
            f"{norms[-1]:.1e} at layer {norms.size}"
        )
        self.info.set_text(status)
        return status


def plotting_integer_locator():
    """A tick locator that puts ticks on whole numbers only (layer indices)."""
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


@register("vanishing gradients")
def vanishing_gradients_explorer(**kwargs):
    """The chapter-8 explorer: see :class:`VanishingGradientsExplorer`."""
    return VanishingGradientsExplorer(**kwargs)

"""Chapter 11 explorer: which exact fit gradient descent returns, step by step."""

from __future__ import annotations

import numpy as np

from gdcourse import descent, implicit, plotting
from gdcourse.widgets.base import Explorer
from gdcourse.widgets.controls import (
    divergence_status,
    dropdown,
    int_slider,
    log_slider,
)
from gdcourse.widgets.registry import register

#: The explorer's data: :func:`gdcourse.implicit.curve_data` with these arguments.
IMPLICIT_DATA = {"n": 12, "noise": 0.3, "seed": 0}
#: Frequencies of the scaled Fourier features (41 weights for 12 examples).
IMPLICIT_FREQUENCIES = 20
#: The starts offered: zero, or a fixed random unit vector times a size.
IMPLICIT_STARTS = (
    ("zero", 0.0),
    ("random, size 0.5", 0.5),
    ("random, size 1", 1.0),
    ("random, size 2", 2.0),
)


class ImplicitBiasExplorer(Explorer):
    """Gradient descent on an over-parameterised curve fit: the fit, its errors, its weight norm.

    Twelve noisy samples of a smooth curve are fitted with 41 scaled Fourier
    features (:func:`gdcourse.implicit.fourier_features`), so infinitely
    many weight vectors fit them exactly.  Gradient descent
    (:func:`gdcourse.descent.gradient_descent` on
    :func:`gdcourse.implicit.regression_loss`) starts at zero or at a fixed
    random unit vector times a size.  Left: the data, the true curve (grey), the
    minimum-norm fit (dashed) and the current fit.  Middle: the training
    loss and the test error (mean squared distance from the true curve)
    against the step, and the minimum-norm fit's test error (dashed).
    Right: the weight norm against the step, with the norms of the two
    limits: the minimum-norm fit, and that fit plus the start's part in the
    null space of the features, which gradient descent never changes.  The
    second is drawn only for a rate below :math:`2/\\lambda_{\\max}` (about
    1.96 here), the rates at which the iterates converge to it.

    Controls: the learning rate (log scale), the steps (every one offered on
    the site) and the start: zero, or a fixed random unit vector times a
    size (:data:`IMPLICIT_STARTS`).

    Examples
    --------
    >>> ex = ImplicitBiasExplorer()
    >>> _ = ex.set(lr=0.9, steps=200, start=0.0)
    >>> ex.status
    'step 200: train loss 5.26e-06, test error 0.069, |w| 1.9 (minimum-norm fit: 1.9)'
    >>> _ = ex.set(lr=2.1)                    # above 2 / (largest curvature)
    >>> ex.status
    'diverged at step 180'
    """

    ncols = 3

    def __init__(self, lr=0.9, steps=60, start=1.0, max_steps=200):
        data = implicit.curve_data(**IMPLICIT_DATA)
        self.x, self.y = data.X_train[:, 0], data.y_train
        features = implicit.fourier_features(self.x, IMPLICIT_FREQUENCIES)
        self.surface = implicit.regression_loss(features, self.y)
        self.best = implicit.min_norm_solution(features, self.y)
        self.test_features = implicit.fourier_features(
            data.X_test, IMPLICIT_FREQUENCIES
        )
        self.y_test = data.y_test
        self.grid = np.linspace(-np.pi, np.pi, 121)
        self.grid_features = implicit.fourier_features(self.grid, IMPLICIT_FREQUENCIES)
        d = features.shape[1]
        direction = np.random.default_rng(1).standard_normal(d)
        self.direction = direction / np.linalg.norm(direction)
        # the start's part in the null space of the features stays for ever
        self.null = np.eye(d) - np.linalg.pinv(features) @ features
        # above 2 / (largest curvature) the iterates have no limit to draw
        self.lr_limit = 2.0 / implicit.spectrum(features)[0].max()
        self.max_steps = int(max_steps)
        super().__init__(
            {
                "lr": log_slider(
                    lr,
                    -2.0,
                    0.4,
                    "learning rate",
                    static=[0.01, 0.03, 0.1, 0.2, 0.4, 0.7, 0.9, 1.3, 1.9, 2.1],
                ),
                "steps": int_slider(
                    steps, 0, self.max_steps, "steps", step=2, prefix=True
                ),
                "start": dropdown(
                    start,
                    IMPLICIT_STARTS,
                    "start",
                    static=[v for _, v in IMPLICIT_STARTS],
                ),
            },
            title="What gradient descent returns",
            height=3.2,
        )

    def _test_error(self, weights):
        return np.mean((weights @ self.test_features.T - self.y_test) ** 2, axis=-1)

    @Explorer.cached()
    def longest_run(self, lr, start):
        """The run of the most steps the slider offers, with its test errors and norms."""
        run = descent.gradient_descent(
            self.surface, start * self.direction, lr=lr, steps=self.max_steps
        )
        return run, self._test_error(run.weights), np.linalg.norm(run.weights, axis=-1)

    def build(self, axes):
        ax_f, ax_e, ax_n = axes
        grey = "0.6"
        ax_f.plot(self.grid, implicit.true_curve(self.grid), color=grey, lw=2.5)
        ax_f.plot(
            self.grid,
            self.grid_features @ self.best,
            color=plotting.COLORS["black"],
            ls="--",
            lw=1.0,
            label="minimum-norm fit",
        )
        points = plotting.data_scatter(
            ax_f, self.x, self.y, labels=("input $x$", "target $y$")
        )
        points.set(sizes=[22], alpha=0.9, zorder=3)
        (self.fit,) = ax_f.plot([], [], color=plotting.COLORS["vermillion"], lw=1.6)
        self.fit.set_label("gradient descent")
        ax_f.set_xlim(-np.pi, np.pi)
        ax_f.set_ylim(-2.5, 2.5)
        ax_f.legend(loc="lower right", fontsize=7)
        self.note = plotting.diverged_note(ax_f)

        steps = np.arange(self.max_steps + 1)
        (self.train,) = ax_e.plot(
            [], [], color=plotting.COLORS["blue"], label="train loss"
        )
        (self.test,) = ax_e.plot(
            [], [], color=plotting.COLORS["orange"], label="test error"
        )
        ax_e.axhline(
            self._test_error(self.best),
            color=plotting.COLORS["orange"],
            ls="--",
            lw=1.0,
        )
        ax_e.set_yscale("log")
        ax_e.set_xlim(steps[0], steps[-1])
        ax_e.set_ylim(1e-8, 1e2)
        ax_e.set_xlabel("step")
        ax_e.set_ylabel("error")
        ax_e.legend(loc="lower left", fontsize=7)

        (self.norm,) = ax_n.plot(
            [], [], color=plotting.COLORS["vermillion"], label="gradient descent"
        )
        ax_n.axhline(
            np.linalg.norm(self.best),
            color=plotting.COLORS["black"],
            ls="--",
            lw=1.0,
            label="minimum-norm fit",
        )
        (self.limit,) = ax_n.plot(
            [0, self.max_steps],
            [np.nan, np.nan],
            color=plotting.COLORS["green"],
            ls=":",
            lw=1.6,
            label="limit from this start",
        )
        ax_n.legend(loc="lower right", fontsize=7)
        ax_n.set_xlim(steps[0], steps[-1])
        ax_n.set_ylim(0.0, 5.0)
        ax_n.set_xlabel("step")
        ax_n.set_ylabel("weight norm $\\|w\\|$")
        self.dynamic = [
            self.fit,
            self.note,
            self.train,
            self.test,
            self.norm,
            self.limit,
        ]

    def draw(self, lr, steps, start):
        whole, test, norms = self.longest_run(lr, start)
        run = whole.head(steps)
        k = np.arange(run.losses.size)
        self.fit.set_data(self.grid, self.grid_features @ run.final_weights)
        self.train.set_data(k, run.losses)
        self.test.set_data(k, test[: k.size])
        self.norm.set_data(k, norms[: k.size])
        limit = np.linalg.norm(self.best + self.null @ (start * self.direction))
        self.limit.set_ydata([limit, limit])
        self.limit.set_visible(lr < self.lr_limit)
        trouble = divergence_status(run.losses, run.stopped_at, run.diverged, self.note)
        if trouble:
            return trouble
        return (
            f"step {run.stopped_at}: train loss {run.final_loss:.3g}, "
            f"test error {test[run.stopped_at]:.3g}, |w| {norms[run.stopped_at]:.2g} "
            f"(minimum-norm fit: {np.linalg.norm(self.best):.2g})"
        )


@register("implicit bias")
def implicit_bias_explorer(**kwargs):
    """The chapter-11 explorer: see :class:`ImplicitBiasExplorer`."""
    return ImplicitBiasExplorer(**kwargs)

"""Checkers of chapter 7: momentum."""

from __future__ import annotations

import numpy as np

from . import diagnose as dg
from .core import check

__all__ = ["check_momentum_step"]


def _momentum_step(w, v, g, lr, beta):
    from gdcourse import optimizers

    w_new, state = optimizers.sgd(momentum=beta).update(
        g, optimizers.SGDState(v), w, lr
    )
    return w_new, state.velocity


def _lr_inside(w, v, g, lr, beta):
    v_new = beta * v + lr * g
    return w - v_new, v_new


def _damped(w, v, g, lr, beta):
    v_new = beta * v + (1 - beta) * g
    return w - lr * v_new, v_new


def _uphill(w, v, g, lr, beta):
    v_new = beta * v + g
    return w + lr * v_new, v_new


_MOMENTUM_STEP_MISTAKES = (
    dg.variant(
        _lr_inside,
        "the other momentum convention, v = beta*v + lr*g and w = w - v",
        "here the rate multiplies the velocity in the weights' update, "
        "as in torch.optim.SGD and gd.descent",
    ),
    dg.variant(
        _damped,
        "a damped average, v = beta*v + (1 - beta)*g",
        "in this convention the gradient enters the velocity undamped",
    ),
    dg.variant(
        _uphill,
        "a step uphill, along the velocity",
        "the velocity accumulates gradients, which point uphill",
    ),
    dg.components(
        ("w_new", "v_new"),
        notes={
            ("v_new",): "the weights move as expected, so look at the velocity you "
            "return: with another convention the same weights come with a "
            "differently scaled velocity",
            (
                "w_new",
            ): "the velocity is right; check the step the weights take with it",
        },
    ),
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


def check_momentum_step(function):
    """Check ``function(w, v, g, lr, beta)``: one heavy-ball step, returning ``(w_new, v_new)``.

    Parameters
    ----------
    function : callable
        The reader's update: weights ``w``, velocity ``v``, gradient ``g`` at
        ``w``, rate ``lr`` and momentum ``beta`` in; the new weights and the
        new velocity out.

    Returns
    -------
    CheckResult

    Notes
    -----
    The convention of :func:`gdcourse.descent.gradient_descent` and
    PyTorch's ``torch.optim.SGD``:

    .. math:: v_{k+1} = \\beta v_k + g_k, \\qquad w_{k+1} = w_k - \\eta\\, v_{k+1} .

    Examples
    --------
    >>> def step(w, v, g, lr, beta):
    ...     v = beta * v + g
    ...     return w - lr * v, v
    >>> check_momentum_step(step)
    All 5 cases passed: momentum_step(w, v, g, lr, beta) is right.
    """
    cases = [
        (np.array([1.0, -2.0]), np.array([0.0, 0.0]), np.array([0.5, 0.5]), 0.1, 0.9),
        (np.array([3.0]), np.array([1.0]), np.array([2.0]), 0.5, 0.5),
        (
            np.array([0.0, 1.0, 2.0]),
            np.array([0.3, -0.2, 0.1]),
            np.array([1.0, -1.0, 2.0]),
            0.2,
            0.0,
        ),
        (np.array([2.0, 2.0]), np.array([-1.0, 4.0]), np.array([0.0, 0.0]), 1.0, 0.8),
        (
            np.array([1.5, -0.5]),
            np.array([2.0, 1.0]),
            np.array([-0.5, 0.25]),
            0.05,
            0.99,
        ),
    ]
    return check(
        function,
        _momentum_step,
        cases,
        name="momentum_step(w, v, g, lr, beta)",
        diagnoses=_MOMENTUM_STEP_MISTAKES,
    )

"""Checkers of chapter 7: momentum."""

from __future__ import annotations

import numpy as np

from . import diagnose as dg
from .core import check

__all__ = ["check_momentum_step", "check_optimal_momentum"]


def _momentum_step(w, v, g, lr, beta):
    from gdcourse import optimizers

    w_new, state = optimizers.sgd(momentum=beta).update(
        g, optimizers.SGDState(v), w, lr
    )
    return w_new, state.velocity


def _lr_inside(w, v, g, lr, beta):
    v_new = beta * v + lr * g
    return w - v_new, v_new


def _rate_in_velocity(w, v, g, lr, beta):
    v_new = beta * v - lr * g
    return w + v_new, v_new


def _damped(w, v, g, lr, beta):
    v_new = beta * v + (1 - beta) * g
    return w - lr * v_new, v_new


def _uphill(w, v, g, lr, beta):
    v_new = beta * v + g
    return w + lr * v_new, v_new


def _downhill_velocity(w, v, g, lr, beta):
    v_new = beta * v - g
    return w + lr * v_new, v_new


def _stale_velocity(w, v, g, lr, beta):
    return w - lr * (beta * v + g), v


def _swapped(w, v, g, lr, beta):
    return _momentum_step(w, v, g, lr, beta)[::-1]


_MOMENTUM_STEP_MISTAKES = (
    dg.variant(
        _lr_inside,
        "the other momentum convention, v = beta*v + lr*g and w = w - v",
        "here the rate multiplies the velocity in the weights' update, "
        "as in torch.optim.SGD and gd.descent",
    ),
    dg.variant(
        _rate_in_velocity,
        "the form with the rate inside the velocity, v = beta*v - lr*g and "
        "w = w + v: the same weights for a constant rate, but its velocity is "
        "-lr times this exercise's, so from the same v it takes another step",
        "in this exercise the velocity sums raw gradients and the rate scales "
        "it only in the weights' update, as in torch.optim.SGD and gd.descent",
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
    dg.variant(
        _downhill_velocity,
        "the velocity pointing downhill, v = beta*v - g and w = w + lr*v: "
        "over a run from v = 0 it gives the same weights with the velocity "
        "negated, but given this exercise's v it adds beta*v the wrong way",
        "here the velocity sums the gradients, which point uphill, and the "
        "weights step against it, as in torch.optim.SGD and gd.descent",
    ),
    dg.variant(
        _stale_velocity,
        "the new weights returned with the old velocity, the v passed in",
        "the next step starts from the velocity this step computed, so return that one",
    ),
    dg.variant(
        _swapped,
        "the pair in the other order, (new_v, new_w)",
        "return (new_w, new_v)",
    ),
    dg.components(
        ("w_new", "v_new"),
        notes={
            ("v_new",): "the weights are right, so look at the velocity you "
            "return: it is not the new one of this convention (an old one, "
            "or one in another convention)",
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

    .. math:: v_k = \\beta v_{k-1} + g_k, \\qquad w_{k+1} = w_k - \\eta\\, v_k .

    The other form, :math:`v \\leftarrow \\beta v - \\eta g` and
    :math:`w \\leftarrow w + v`, gives the same weights for a constant rate
    but a velocity :math:`-\\eta` times this one; given this convention's
    velocity it takes another step, and the check names it.  It also names
    the form with the velocity pointing downhill, :math:`v \\leftarrow \\beta v - g`
    and :math:`w \\leftarrow w + \\eta v` (the same weights over a run, the
    velocity negated), the old velocity returned with the new weights, and the
    pair in the other order.

    Examples
    --------
    >>> def step(w, v, g, lr, beta):
    ...     v = beta * v + g
    ...     return w - lr * v, v
    >>> check_momentum_step(step)
    All 5 cases passed: momentum_step(w, v, g, lr, beta) is right.

    A classic mistake, the other convention:

    >>> def other(w, v, g, lr, beta):
    ...     v = beta * v + lr * g
    ...     return w - v, v
    >>> check_momentum_step(other)
    0 of 5 cases passed before one failed.
    Case 1: momentum_step(array([ 1., -2.]), array([0., 0.]), array([0.5, 0.5]), 0.1, 0.9)
      expected: (array([ 0.95, -2.05]), array([0.5, 0.5]))
      got:      (array([ 0.95, -2.05]), array([0.05, 0.05]))
      the numbers differ
      It looks like the other momentum convention, v = beta*v + lr*g and w = w - v. Hint: here the rate multiplies the velocity in the weights' update, as in torch.optim.SGD and gd.descent.
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


def _optimal_momentum(mu, L):
    from gdcourse import theory

    return theory.heavy_ball_optimal(mu, L)


def _sqrt_kappa_ratio(mu, L):
    sq_k = np.sqrt(L / mu)
    return (sq_k - 1) / (sq_k + 1)


def _edge_difference_rate(mu, L):
    lr, beta = _optimal_momentum(mu, L)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.float64(4 * np.sqrt(beta)) / np.float64(L - mu), beta


_OPTIMAL_MOMENTUM_MISTAKES = (
    dg.variant(
        lambda mu, L: (2.0 / (mu + L), _optimal_momentum(mu, L)[1]),
        "the best rate of plain gradient descent, 2/(mu + L), where heavy ball's was meant",
        "with momentum the best rate is larger; balance the two extreme "
        "curvatures through their square roots",
    ),
    dg.variant(
        lambda mu, L: (_optimal_momentum(mu, L)[0], _sqrt_kappa_ratio(mu, L)),
        "the momentum without its square: that ratio is the per-step factor, not beta",
        "the per-step factor of the optimal run is sqrt(beta)",
    ),
    dg.variant(
        lambda mu, L: (_optimal_momentum(mu, L)[0], ((L - mu) / (L + mu)) ** 2),
        "kappa where its square root was meant, in the momentum",
        "heavy ball's speed-up comes from sqrt(kappa)",
    ),
    dg.variant(
        lambda mu, L: (4.0 / (L + mu), _optimal_momentum(mu, L)[1]),
        "L + mu where (sqrt(L) + sqrt(mu))**2 was meant, in the rate",
        "the rate is built from the square roots of the curvatures",
    ),
    dg.variant(
        lambda mu, L: _optimal_momentum(mu, L)[::-1],
        "the pair in the other order, (momentum, rate)",
        "return (lr, beta)",
    ),
    dg.variant(
        _edge_difference_rate,
        "the rate from 4 sqrt(beta) = lr (L - mu), which divides by L - mu = 0 "
        "when mu = L",
        "use an edge condition that holds for every mu <= L: "
        "lr = (1 + sqrt(beta))**2 / L",
    ),
    dg.not_finite(),
    dg.components(("lr", "beta")),
    dg.raised(),
)


def check_optimal_momentum(function):
    """Check ``function(mu, L)``: the rate and momentum that make heavy ball fastest on a quadratic.

    The answer is the pair ``(lr, beta)`` in the convention of
    :func:`check_momentum_step` (``torch.optim.SGD``), for a quadratic whose
    curvatures lie between ``mu`` and ``L``.  The reference is
    :func:`gdcourse.theory.heavy_ball_optimal`.

    Parameters
    ----------
    function : callable
        The reader's prediction.

    Returns
    -------
    CheckResult

    Notes
    -----
    With :math:`\\kappa = L / \\mu`,

    .. math::

        \\eta^* = \\frac{4}{(\\sqrt{L} + \\sqrt{\\mu})^2}, \\qquad
        \\beta^* = \\left(\\frac{\\sqrt{\\kappa} - 1}{\\sqrt{\\kappa} + 1}\\right)^2 ,

    and the error then shrinks by :math:`\\sqrt{\\beta^*}` per step.

    Examples
    --------
    >>> def optimal_momentum(mu, L):
    ...     lr = 4 / (np.sqrt(L) + np.sqrt(mu)) ** 2
    ...     root = np.sqrt(L / mu)
    ...     return lr, ((root - 1) / (root + 1)) ** 2
    >>> check_optimal_momentum(optimal_momentum)
    All 5 cases passed: optimal_momentum(mu, L) is right.

    A classic mistake, plain gradient descent's best rate:

    >>> def gd_rate(mu, L):
    ...     root = np.sqrt(L / mu)
    ...     return 2 / (mu + L), ((root - 1) / (root + 1)) ** 2
    >>> check_optimal_momentum(gd_rate)
    0 of 5 cases passed before one failed.
    Case 1: optimal_momentum(1, 100)
      expected: (0.0330579, 0.669421)
      got:      (0.019802, 0.669421)
      the numbers differ
      It looks like the best rate of plain gradient descent, 2/(mu + L), where heavy ball's was meant. Hint: with momentum the best rate is larger; balance the two extreme curvatures through their square roots.
    """
    cases = [(1.0, 100.0), (0.1, 1.0), (2.0, 50.0), (0.01, 4.0), (3.0, 3.0)]
    return check(
        function,
        _optimal_momentum,
        cases,
        name="optimal_momentum(mu, L)",
        diagnoses=_OPTIMAL_MOMENTUM_MISTAKES,
    )

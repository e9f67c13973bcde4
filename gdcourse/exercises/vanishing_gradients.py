"""Checkers of chapter 8: vanishing gradients."""

from __future__ import annotations

import numpy as np

from . import diagnose as dg
from .core import check

__all__ = ["check_sigmoid_layer_backward"]


def _sigmoid_layer_backward(x, W, b, grad_a):
    a = _sigmoid(x @ W + b)
    return x.T @ (grad_a * a * (1.0 - a))


def _sigmoid(z):
    from gdcourse import models

    return models.sigmoid(z)


_SIGMOID_BACKWARD_MISTAKES = (
    dg.variant(
        lambda x, W, b, grad_a: x.T @ grad_a,
        "the sigmoid's slope is missing: x^T grad_a",
        "the chain rule passes through z = xW + b, and a = sigma(z) has its own derivative",
    ),
    dg.variant(
        lambda x, W, b, grad_a: x.T @ (grad_a * _sigmoid(x @ W + b)),
        "sigma(z) where its derivative sigma'(z) was meant",
        "the derivative of the sigmoid is written with the sigmoid itself",
    ),
    dg.variant(
        lambda x, W, b, grad_a: x.T @ (grad_a * (1 - _sigmoid(x @ W + b))),
        "1 - sigma(z) where its derivative sigma'(z) was meant",
        "the derivative of the sigmoid is a product of two factors",
    ),
    dg.sign("check the sign of the sigmoid's derivative"),
    dg.factor(
        ("n (the batch size)", lambda x, W, b, grad_a: len(x)),
        hint="grad_a already holds the loss's gradient; the sum over the batch needs no extra mean",
    ),
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


def check_sigmoid_layer_backward(function):
    """Check ``function(x, W, b, grad_a)``: backpropagation through one sigmoid layer to its weights.

    The layer computes :math:`a = \\sigma(x W + b)` for a batch ``x`` of shape
    ``(n, m)``, weights ``W`` of shape ``(m, k)`` and bias ``b`` of shape ``(k,)``;
    ``grad_a`` (shape ``(n, k)``) is the gradient of the loss with respect to
    ``a``. The answer is the gradient with respect to ``W``, shape ``(m, k)``.

    Parameters
    ----------
    function : callable
        The reader's backward pass.

    Returns
    -------
    CheckResult

    Notes
    -----
    By the chain rule through :math:`z = x W + b` and :math:`\\sigma' = \\sigma (1 - \\sigma)`,

    .. math::

        \\delta = \\frac{\\partial L}{\\partial z} = \\frac{\\partial L}{\\partial a} \\odot a \\odot (1 - a),
        \\qquad
        \\frac{\\partial L}{\\partial W} = x^\\top \\delta .

    Examples
    --------
    >>> def sigmoid_layer_backward(x, W, b, grad_a):
    ...     a = 1 / (1 + np.exp(-(x @ W + b)))
    ...     return x.T @ (grad_a * a * (1 - a))
    >>> check_sigmoid_layer_backward(sigmoid_layer_backward)
    All 4 cases passed: sigmoid_layer_backward(x, W, b, grad_a) is right.
    """
    rng = np.random.default_rng(8)
    cases = []
    for n, m, k in [(1, 1, 1), (4, 2, 3), (5, 3, 2), (3, 4, 4)]:
        cases.append(
            (
                np.round(rng.normal(size=(n, m)), 2),
                np.round(rng.normal(size=(m, k)), 2),
                np.round(rng.normal(size=k), 2),
                np.round(rng.normal(size=(n, k)), 2),
            )
        )
    return check(
        function,
        _sigmoid_layer_backward,
        cases,
        name="sigmoid_layer_backward(x, W, b, grad_a)",
        diagnoses=_SIGMOID_BACKWARD_MISTAKES,
    )

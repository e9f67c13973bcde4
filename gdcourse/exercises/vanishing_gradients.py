"""Checkers of chapter 8: vanishing gradients."""

from __future__ import annotations

import numpy as np

from . import diagnose as dg
from .core import check

__all__ = ["check_sigmoid_layer_backward", "check_he_variance"]


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
    dg.variant(
        lambda x, W, b, grad_a: _sigmoid_layer_backward(x, W, b, grad_a).T,
        "the transpose of the expected answer",
        "the gradient with respect to W has the shape of W, (inputs, outputs)",
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

    A classic mistake, the sigmoid where its derivative was meant:

    >>> def no_slope(x, W, b, grad_a):
    ...     a = 1 / (1 + np.exp(-(x @ W + b)))
    ...     return x.T @ (grad_a * a)
    >>> check_sigmoid_layer_backward(no_slope)
    0 of 4 cases passed before one failed.
    Case 1: sigmoid_layer_backward(array([[-1.74]]), array([[-1.34]]), array([-1.36]), array([[-0.35]]))
      expected: array([[0.121299]])
      got:      array([[0.441792]])
      the numbers differ
      It looks like sigma(z) where its derivative sigma'(z) was meant. Hint: the derivative of the sigmoid is written with the sigmoid itself.
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


def _he_variance(fan_in):
    from gdcourse import models

    return models.init_std("he", fan_in, 1) ** 2


_HE_VARIANCE_MISTAKES = (
    dg.variant(
        lambda fan_in: np.sqrt(2.0 / fan_in),
        "the standard deviation where the variance was meant",
        "the variance is the square of the spread",
    ),
    dg.factor(
        ("2", lambda fan_in: 2.0),
        hint="a ReLU zeroes half of its inputs, halving the second moment; "
        "the weights must make up for it",
        constant=False,
    ),
    dg.variant(
        lambda fan_in: fan_in / 2.0,
        "the reciprocal of the expected variance",
        "more inputs add more terms to each sum, so each weight must be smaller",
    ),
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


def check_he_variance(function):
    """Check ``function(fan_in)``: the weight variance that keeps a ReLU network's signal steady.

    The answer is the variance of each weight of a layer with ``fan_in``
    inputs under He initialisation, the one of
    :func:`gdcourse.models.init_params` with ``init="he"``.

    Parameters
    ----------
    function : callable
        The reader's prediction.

    Returns
    -------
    CheckResult

    Notes
    -----
    A pre-activation :math:`z = \\sum_{j=1}^{n} W_j a_j` of independent
    zero-mean weights has :math:`\\operatorname{Var} z = n \\operatorname{Var} W
    \\, \\mathbb E[a^2]`, and a ReLU of a symmetric :math:`z` keeps half its
    second moment, :math:`\\mathbb E[a^2] = \\tfrac12 \\operatorname{Var} z`.
    The second moment stays the same from layer to layer when

    .. math:: \\operatorname{Var} W = \\frac{2}{n_\\text{in}} .

    References
    ----------
    .. [1] K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers:
       surpassing human-level performance on ImageNet classification", ICCV 2015.

    Examples
    --------
    >>> check_he_variance(lambda fan_in: 2 / fan_in)
    All 5 cases passed: he_variance(fan_in) is right.

    A classic mistake, the variance that suits a linear or tanh layer:

    >>> check_he_variance(lambda fan_in: 1 / fan_in)
    0 of 5 cases passed before one failed.
    Case 1: he_variance(1)
      expected: 2
      got:      1
      the numbers differ
      It looks like the expected answer divided by 2. Hint: a ReLU zeroes half of its inputs, halving the second moment; the weights must make up for it.
    """
    cases = [(1,), (2,), (50,), (784,), (3,)]
    return check(
        function,
        _he_variance,
        cases,
        name="he_variance(fan_in)",
        diagnoses=_HE_VARIANCE_MISTAKES,
    )

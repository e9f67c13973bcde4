"""Checkers of chapter 8: vanishing gradients."""

from __future__ import annotations

import numpy as np

from . import diagnose as dg
from .core import check

__all__ = ["check_sigmoid_layer_backward", "check_he_variance"]


def _sigmoid_layer_backward(x, W, b, grad_a):
    return x.T @ _delta(x, W, b, grad_a)


def _delta(x, W, b, grad_a):
    a = _sigmoid(x @ W + b)
    return grad_a * a * (1.0 - a)


def _sigmoid(z):
    from gdcourse import models

    return models.sigmoid(z)


def _with_slope(slope):
    """The backward pass with ``slope(x, W, b)`` in place of the sigmoid's slope."""
    return lambda x, W, b, grad_a: x.T @ (grad_a * slope(x, W, b))


_SIGMOID_BACKWARD_MISTAKES = (
    dg.variant(
        lambda x, W, b, grad_a: x.T @ grad_a,
        "the sigmoid's slope is missing: x^T grad_a",
        "the chain rule passes through z = xW + b, and a = sigma(z) has its own derivative",
    ),
    dg.variant(
        _with_slope(lambda x, W, b: _sigmoid(x @ W + b)),
        "sigma(z) where its derivative sigma'(z) was meant",
        "sigma'(z) = sigma(z) (1 - sigma(z)): a factor (1 - a) is missing",
    ),
    dg.variant(
        _with_slope(lambda x, W, b: 1 - _sigmoid(x @ W + b)),
        "1 - sigma(z) where its derivative sigma'(z) was meant",
        "sigma'(z) = sigma(z) (1 - sigma(z)): a factor a is missing",
    ),
    dg.variant(
        _with_slope(lambda x, W, b: (x @ W + b) * (1 - (x @ W + b))),
        "the slope computed from the pre-activation z where the activation a = sigma(z) was meant",
        "sigma'(z) = a (1 - a) is written with the layer's output a, not with z",
    ),
    dg.variant(
        _with_slope(lambda x, W, b: _sigmoid(x @ W) * (1 - _sigmoid(x @ W))),
        "a pre-activation without its bias",
        "the sigmoid's slope is taken at z = xW + b, bias included",
    ),
    dg.variant(
        _delta,
        "the layer's delta df/dz, shape (n, k), not the gradient of W",
        "one step is left: the gradient of W pairs every input column of x "
        "with every column of the delta, summed over the batch",
    ),
    dg.variant(
        lambda x, W, b, grad_a: _delta(x, W, b, grad_a) @ W.T,
        "delta W^T, the gradient with respect to the layer's input x",
        "that is what the layer passes down to the layer below; "
        "the gradient of W pairs the delta with the input x instead",
    ),
    dg.variant(
        lambda x, W, b, grad_a: _sigmoid_layer_backward(x, W, b, grad_a).T,
        "the transpose of the expected answer",
        "the gradient with respect to W has the shape of W, (inputs, outputs)",
    ),
    dg.sign(
        "sigma'(z) = a (1 - a) is positive, and the function returns "
        "the gradient, not the descent step"
    ),
    dg.variant(
        lambda x, W, b, grad_a: len(x) * _sigmoid_layer_backward(x, W, b, grad_a),
        "the expected answer times n (the batch size)",
        "grad_a is already the loss's gradient, with any 1/n of a mean in it; "
        "the sum over the batch needs no extra factor",
    ),
    dg.variant(
        lambda x, W, b, grad_a: _sigmoid_layer_backward(x, W, b, grad_a) / len(x),
        "the expected answer divided by n (the batch size)",
        "grad_a already holds the loss's gradient; the sum over the batch needs no extra mean",
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
    with :math:`f` the loss,

    .. math::

        \\delta = \\frac{\\partial f}{\\partial z} = \\frac{\\partial f}{\\partial a} \\odot a \\odot (1 - a),
        \\qquad
        \\frac{\\partial f}{\\partial W} = x^\\top \\delta .

    The first case has a different size on every axis (``n, m, k = 2, 3, 1``),
    so that a delta, an input gradient or a transpose returned instead
    shows in its shape.

    Examples
    --------
    >>> def sigmoid_layer_backward(x, W, b, grad_a):
    ...     a = 1 / (1 + np.exp(-(x @ W + b)))
    ...     return x.T @ (grad_a * a * (1 - a))
    >>> check_sigmoid_layer_backward(sigmoid_layer_backward)
    All 4 cases passed: sigmoid_layer_backward(x, W, b, grad_a) is right.

    A classic mistake, the layer's delta returned as the answer:

    >>> def delta_only(x, W, b, grad_a):
    ...     a = 1 / (1 + np.exp(-(x @ W + b)))
    ...     return grad_a * a * (1 - a)
    >>> check_sigmoid_layer_backward(delta_only)
    0 of 4 cases passed before one failed.
    Case 1: sigmoid_layer_backward(array([[-1.74, -1.34, -1.36],
     [-0.35, -2.31, -0.19]]), array([[-0.96],
     [ 0.89],
     [ 0.96]]), array([1.39]), array([[ 0.77],
     [-0.05]]))
      expected: array([[-0.305717],
     [-0.211535],
     [-0.23993 ]])
      got:      array([[ 0.178056],
     [-0.011714]])
      the answer has shape (2, 1), expected shape (3, 1)
      It looks like the layer's delta df/dz, shape (n, k), not the gradient of W. Hint: one step is left: the gradient of W pairs every input column of x with every column of the delta, summed over the batch.
    """
    rng = np.random.default_rng(8)
    cases = []
    for n, m, k in [(2, 3, 1), (4, 2, 3), (5, 3, 2), (1, 1, 1)]:
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


def _leaky_he_variance(fan_in, alpha):
    # gdcourse.models has no leaky ReLU: He's ReLU variance (the package's
    # own) divided by (1 + alpha^2), the leaky ReLU's extra second moment
    from gdcourse import models

    return models.init_std("he", fan_in, 1) ** 2 / (1.0 + alpha**2)


_HE_VARIANCE_MISTAKES = (
    dg.variant(
        lambda fan_in, alpha: 2.0 / fan_in,
        "the ReLU's variance 2/fan_in, whatever the slope alpha",
        "a leaky ReLU passes part of the negative half too, "
        "so it keeps more than half of the second moment",
    ),
    dg.variant(
        lambda fan_in, alpha: 1.0 / fan_in,
        "1/fan_in, the variance of a layer that keeps the whole second moment "
        "(a linear layer, or Glorot's with as many outputs as inputs)",
        "only the positive half passes unchanged; the negative half is scaled by alpha",
    ),
    dg.variant(
        lambda fan_in, alpha: 2.0 / ((1.0 + alpha) * fan_in),
        "the slope alpha where its square belongs",
        "a second moment averages a**2, and on the negative half a = alpha z",
    ),
    dg.variant(
        lambda fan_in, alpha: np.sqrt(_leaky_he_variance(fan_in, alpha)),
        "the standard deviation where the variance was meant",
        "the variance is the square of the spread",
    ),
    dg.variant(
        lambda fan_in, alpha: 1.0 / _leaky_he_variance(fan_in, alpha),
        "the reciprocal of the expected variance",
        "more inputs add more terms to each sum, so each weight must be smaller",
    ),
    dg.variant(
        lambda fan_in, alpha: 2.0 * _leaky_he_variance(fan_in, alpha),
        "the expected answer times 2",
        "the activation takes its share of the second moment once per layer; "
        "the weights make up for that share once, not twice",
    ),
    dg.variant(
        lambda fan_in, alpha: _leaky_he_variance(fan_in, alpha) / 2.0,
        "the expected answer divided by 2",
        "the activation lowers the second moment: the weights must make up for it",
    ),
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


def check_he_variance(function):
    """Check ``function(fan_in, alpha)``: the weight variance that keeps a leaky-ReLU network's signal steady.

    A layer with ``fan_in`` inputs, each the output of a leaky ReLU
    :math:`\\varphi(z) = z` for :math:`z > 0` and :math:`\\alpha z`
    otherwise, with weights independent of its input and symmetric about 0
    and biases 0: the answer is the weight variance that keeps the second
    moment of the pre-activations the same from layer to layer. With
    ``alpha = 0`` it is He initialisation's, the one of
    :func:`gdcourse.models.init_params` with ``init="he"``.

    Parameters
    ----------
    function : callable
        The reader's answer.

    Returns
    -------
    CheckResult

    Notes
    -----
    A pre-activation :math:`z = \\sum_{j=1}^{n} W_j a_j` of independent
    zero-mean weights has :math:`\\mathbb E[z^2] = n \\operatorname{Var} W
    \\, \\mathbb E[a^2]`, and a leaky ReLU of a symmetric :math:`z` keeps
    :math:`\\mathbb E[a^2] = \\tfrac12 (1 + \\alpha^2) \\mathbb E[z^2]`.
    The second moment stays the same from layer to layer when

    .. math:: \\operatorname{Var} W = \\frac{2}{(1 + \\alpha^2)\\, n_\\text{in}} ,

    He et al.'s condition for their parametric ReLU (:math:`\\alpha = 0`:
    the ReLU; :math:`\\alpha = 1`: a linear layer).

    References
    ----------
    .. [1] K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers:
       surpassing human-level performance on ImageNet classification", ICCV 2015.

    Examples
    --------
    >>> check_he_variance(lambda fan_in, alpha: 2 / ((1 + alpha**2) * fan_in))
    All 5 cases passed: he_variance(fan_in, alpha) is right.

    A classic mistake, the ReLU's variance whatever the slope:

    >>> check_he_variance(lambda fan_in, alpha: 2 / fan_in)
    1 of 5 cases passed before one failed.
    Case 2: he_variance(2, 0.5)
      expected: 0.8
      got:      1
      the numbers differ
      It looks like the ReLU's variance 2/fan_in, whatever the slope alpha. Hint: a leaky ReLU passes part of the negative half too, so it keeps more than half of the second moment.
    """
    cases = [(50, 0.0), (2, 0.5), (100, 1.0), (3, 0.2), (784, 0.1)]
    return check(
        function,
        _leaky_he_variance,
        cases,
        name="he_variance(fan_in, alpha)",
        diagnoses=_HE_VARIANCE_MISTAKES,
    )

"""Checkers of chapter 9: adaptive methods."""

from __future__ import annotations

import numpy as np

from . import diagnose as dg
from .core import _matches, check, describe

__all__ = ["check_adam_first_step"]

_BETAS = (0.9, 0.999)


def _adam_first_step(grad, lr, eps):
    from gdcourse import optimizers

    adam = optimizers.adam(betas=_BETAS, eps=eps)
    w0 = np.zeros_like(np.asarray(grad, dtype=float))
    w1, _ = adam.update(grad, adam.init(w0), w0, lr)
    return w1 - w0


def _without_bias_correction(grad, lr, eps):
    beta1, beta2 = _BETAS
    m, v = (1 - beta1) * grad, (1 - beta2) * grad**2
    return -lr * m / (np.sqrt(v) + eps)


def _only_m_corrected(grad, lr, eps):
    beta1, beta2 = _BETAS
    m_hat, v = (1 - beta1) * grad / (1 - beta1), (1 - beta2) * grad**2
    return -lr * m_hat / (np.sqrt(v) + eps)


def _only_v_corrected(grad, lr, eps):
    beta1, beta2 = _BETAS
    m, v_hat = (1 - beta1) * grad, (1 - beta2) * grad**2 / (1 - beta2)
    return -lr * m / (np.sqrt(v_hat) + eps)


def _m_without_its_factor(grad, lr, eps):
    # m_1 written as g, then bias-corrected: 1 / (1 - beta1) times too long
    beta1, beta2 = _BETAS
    m_hat, v_hat = grad / (1 - beta1), (1 - beta2) * grad**2 / (1 - beta2)
    return -lr * m_hat / (np.sqrt(v_hat) + eps)


def _corrected_as_at_step_two(grad, lr, eps):
    # the correction factors of step t = 2, 1 - beta**2, at step 1
    beta1, beta2 = _BETAS
    m_hat = (1 - beta1) * grad / (1 - beta1**2)
    v_hat = (1 - beta2) * grad**2 / (1 - beta2**2)
    return -lr * m_hat / (np.sqrt(v_hat) + eps)


def _eps_before_correction(grad, lr, eps):
    # the paper's "efficient" ordering, also TensorFlow/Keras's: the rate
    # carries the correction, lr * sqrt(1 - beta2**t) / (1 - beta1**t), and
    # eps is added to the root of the uncorrected v
    beta1, beta2 = _BETAS
    m, v = (1 - beta1) * grad, (1 - beta2) * grad**2
    step = lr * np.sqrt(1 - beta2) / (1 - beta1)
    return -step * m / (np.sqrt(v) + eps)


def _root_of_square_as_g(grad, lr, eps):
    # sqrt(g**2) written as g: the denominator changes sign with the gradient
    return -lr * grad / (grad + eps)


def _eps_inside_root(grad, lr, eps):
    return -lr * grad / np.sqrt(grad**2 + eps)


def _without_eps(grad, lr, eps):
    return -lr * grad / np.abs(grad)


def _plain_gradient_step(grad, lr, eps):
    return -lr * grad


_ADAM_FIRST_STEP_MISTAKES = (
    dg.variant(
        _without_bias_correction,
        "Adam's first step without bias correction",
        "m and v start at 0, so after one step they are too small by the factors "
        "1 - beta1 and 1 - beta2; Adam divides these out",
    ),
    dg.variant(
        _only_m_corrected,
        "m bias-corrected but not v",
        "v_1 = (1 - beta2) g**2 is too small by the factor 1 - beta2 as well; "
        "divide it by 1 - beta2 before taking the square root",
    ),
    dg.variant(
        _only_v_corrected,
        "v bias-corrected but not m",
        "m_1 = (1 - beta1) g is too small by the factor 1 - beta1 as well; "
        "divide it by 1 - beta1",
    ),
    dg.variant(
        _m_without_its_factor,
        "a step 1 / (1 - beta1) = 10 times Adam's",
        "m_1 = (1 - beta1) g: it carries the factor 1 - beta1 that the bias "
        "correction divides out, so m_hat_1 = g",
    ),
    dg.variant(
        _corrected_as_at_step_two,
        "the bias correction of step t = 2, 1 - beta**2, at step 1",
        "the first step is t = 1: divide m_1 by 1 - beta1 and v_1 by 1 - beta2",
    ),
    dg.variant(
        _eps_before_correction,
        "eps added to the root of v before the bias correction, "
        "as TensorFlow/Keras (and the paper's faster form) do",
        "torch.optim.Adam bias-corrects v first and adds eps to the root of "
        "v_hat; added to the root of the uncorrected v, eps counts "
        "1 / sqrt(1 - beta2), about 32, times as much",
    ),
    dg.variant(
        _root_of_square_as_g,
        "the root of g**2 taken as g itself",
        "v_hat is a mean of squares, so its root is positive whatever the "
        "gradient's sign: each coordinate moves against its own gradient",
    ),
    dg.variant(
        _eps_inside_root,
        "eps inside the square root",
        "torch.optim.Adam adds eps to the square root of v, outside it",
    ),
    dg.variant(
        _without_eps,
        "no eps in the denominator",
        "torch.optim.Adam adds eps to the square root of v, so a step is "
        "shorter than lr wherever the gradient is not much larger than eps",
    ),
    dg.variant(
        _plain_gradient_step,
        "a plain gradient step, -lr * grad",
        "Adam divides the first moment by the root of the second, per coordinate",
    ),
    dg.sign(
        "the update is the change in the weights, which moves against the gradient"
    ),
    dg.factor(
        ("lr", lambda grad, lr, eps: lr),
        hint="the rate multiplies the whole update once",
        constant=False,
    ),
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


def _compare(got, expected):
    # the report prints 6 digits: when the two print alike, say by how much
    # they differ, so that "the numbers differ" never sits under equal text
    reason = _matches(got, expected, 1e-6, 1e-9)
    if reason != "the numbers differ" or describe(got) != describe(expected):
        return reason
    a, b = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    with np.errstate(all="ignore"):
        gap = np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-9))
    return (
        f"the numbers differ beyond the 6 digits shown: by up to {gap:.1g} "
        "of the expected value"
    )


def check_adam_first_step(function):
    """Check ``function(grad, lr, eps)``: the first update of Adam, ``w_1 - w_0``.

    The reader's function gets the gradient of the first step (an array), the
    rate and :math:`\\epsilon`, and returns the change in the weights after
    Adam's first step with the defaults of ``torch.optim.Adam``
    (:math:`\\beta_1 = 0.9`, :math:`\\beta_2 = 0.999`, bias correction), an
    array of the same shape as ``grad``.  The reference is
    :func:`gdcourse.optimizers.adam`.

    Parameters
    ----------
    function : callable
        The reader's first update.

    Returns
    -------
    CheckResult

    Notes
    -----
    From :math:`m_0 = v_0 = 0`, the first step gives :math:`m_1 = (1 - \\beta_1) g`
    and :math:`v_1 = (1 - \\beta_2) g^2`; bias correction divides them by
    :math:`1 - \\beta_1` and :math:`1 - \\beta_2`, so
    :math:`\\hat m_1 = g`, :math:`\\hat v_1 = g^2` and

    .. math::

        w_1 - w_0 = -\\eta \\, \\frac{\\hat m_1}{\\sqrt{\\hat v_1} + \\epsilon}
        = -\\eta \\, \\frac{g}{|g| + \\epsilon} ,

    a step of size :math:`\\eta` (up to :math:`\\epsilon`) in every coordinate
    where the gradient is not 0, whatever the gradient's scale.

    Examples
    --------
    >>> def adam_first_step(grad, lr, eps):
    ...     return -lr * grad / (np.abs(grad) + eps)
    >>> check_adam_first_step(adam_first_step)
    All 5 cases passed: adam_first_step(grad, lr, eps) is right.

    The classic mistake, forgetting the bias correction:

    >>> def no_correction(grad, lr, eps):
    ...     m, v = 0.1 * grad, 0.001 * grad**2
    ...     return -lr * m / (np.sqrt(v) + eps)
    >>> check_adam_first_step(no_correction)
    0 of 5 cases passed before one failed.
    Case 1: adam_first_step(array([ 0.5, -2. ]), 0.1, 1e-08)
      expected: array([-0.1,  0.1])
      got:      array([-0.316228,  0.316228])
      the numbers differ
      It looks like Adam's first step without bias correction. Hint: m and v start at 0, so after one step they are too small by the factors 1 - beta1 and 1 - beta2; Adam divides these out.
    """
    cases = [
        (np.array([0.5, -2.0]), 0.1, 1e-8),
        (np.array([1e-3, 1e3, -7.0]), 0.01, 1e-8),
        (np.array([3.0, 0.0, -0.25]), 0.5, 1e-8),
        (np.array([1e-8, -4e-8]), 0.1, 1e-8),  # eps matters at this scale
        (np.array([[2.0, -1.0], [0.1, 5.0]]), 0.001, 0.1),
    ]
    return check(
        function,
        _adam_first_step,
        cases,
        name="adam_first_step(grad, lr, eps)",
        diagnoses=_ADAM_FIRST_STEP_MISTAKES,
        compare=_compare,
    )

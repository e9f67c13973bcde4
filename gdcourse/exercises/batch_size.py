"""Checkers of chapter 5: batch size."""

from __future__ import annotations

import numpy as np

from . import diagnose as dg
from .core import check

__all__ = ["check_minibatch_gradient", "check_fpc_factor"]


def _minibatch_gradient(w, X, y, idx):
    X_b, y_b = X[idx], y[idx]
    return X_b.T @ (X_b @ w - y_b) / len(idx)


_MINIBATCH_GRADIENT_MISTAKES = (
    dg.variant(
        lambda w, X, y, idx: X.T @ (X @ w - y) / len(y),
        "the full gradient: the rows idx are not used",
        "only the examples of the batch enter a mini-batch gradient",
    ),
    dg.factor(
        ("B (the batch size)", lambda w, X, y, idx: len(idx)),
        hint="a mini-batch gradient is a mean over the B examples of the batch",
        constant=False,
    ),
    dg.factor(
        (
            "N/B (all examples over the batch size)",
            lambda w, X, y, idx: len(y) / len(idx),
        ),
        hint="the mean is over the batch, so divide by the batch size, not by N",
        constant=False,
    ),
    dg.factor(
        ("2", lambda w, X, y, idx: 2.0),
        hint="the 1/2 in the loss cancels the 2 from the square",
    ),
    dg.sign(
        "a residual is prediction minus target; check the order of the subtraction"
    ),
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


def check_minibatch_gradient(function):
    """Check ``function(w, X, y, idx)``: the mean-squared-error gradient on the rows ``idx`` only.

    Parameters
    ----------
    function : callable
        The reader's mini-batch gradient.

    Returns
    -------
    CheckResult

    Notes
    -----
    For the loss :math:`L(w) = \\frac{1}{2n}\\lVert X w - y \\rVert^2` and a batch
    :math:`\\mathcal B` of :math:`B` row indices,

    .. math::

        g_{\\mathcal B}(w) = \\frac1B \\sum_{i \\in \\mathcal B} (x_i^\\top w - y_i)\\, x_i
        = \\tfrac1B X_{\\mathcal B}^\\top (X_{\\mathcal B} w - y_{\\mathcal B}).

    The cases include a single example (SGD), random batches of distinct rows,
    and the whole set (which must give the full gradient).

    Examples
    --------
    >>> def minibatch_gradient(w, X, y, idx):
    ...     Xb, yb = X[idx], y[idx]
    ...     return Xb.T @ (Xb @ w - yb) / len(idx)
    >>> check_minibatch_gradient(minibatch_gradient)
    All 4 cases passed: minibatch_gradient(w, X, y, idx) is right.

    A classic mistake, the sum over the batch where the mean was meant:

    >>> check_minibatch_gradient(lambda w, X, y, idx: X[idx].T @ (X[idx] @ w - y[idx]))
    1 of 4 cases passed before one failed.
    Case 2: minibatch_gradient(array([1., 2.]), array([[-0.8 , -1.32],
     [-0.25,  0.42],
     [ 1.14,  0.11],
     ...,
     [-0.63, -0.49],
     [-0.71,  0.55],
     [-0.06, -0.59]]), array([ 0.41,  0.83, -1.64, -0.26, -0.98, -0.17, -1.29,  0.02, -0.04, -0.3 ,
     -1.05, -0.4 ]), array([ 7,  0, 11,  4]))
      expected: array([1.554225, 4.846425])
      got:      array([ 6.2169, 19.3857])
      the numbers differ
      It looks like the expected answer times B (the batch size). Hint: a mini-batch gradient is a mean over the B examples of the batch.
    """
    rng = np.random.default_rng(5)
    X = np.round(rng.normal(size=(12, 2)), 2)
    y = np.round(rng.normal(size=12), 2)
    X3 = np.round(rng.normal(size=(8, 3)), 2)
    y3 = np.round(rng.normal(size=8), 2)
    cases = [
        (np.array([0.5, -1.0]), X, y, np.array([3])),
        (np.array([1.0, 2.0]), X, y, np.array([7, 0, 11, 4])),
        (np.array([0.2, 0.0, -0.3]), X3, y3, np.array([5, 1, 6])),
        (np.array([0.5, -1.0]), X, y, np.arange(12)),
    ]
    return check(
        function,
        _minibatch_gradient,
        cases,
        name="minibatch_gradient(w, X, y, idx)",
        diagnoses=_MINIBATCH_GRADIENT_MISTAKES,
    )


def _fpc_factor(N, B):
    return (N - B) / (N - 1)


def _reciprocal_fpc(failing):
    """The reciprocal ``(N - 1) / (N - B)``, which cannot be computed at ``B = N``.

    A division by zero at ``B = N`` is part of the mistake, so a case that
    raised there (or gave ``inf``) does not count against it; every other
    failing case must match the reciprocal.
    """
    answered = []
    for outcome in failing:
        N, B = outcome.args
        if outcome.error is None:
            reciprocal = (N - 1) / (N - B) if B < N else np.inf
            answered.append(dg.close(outcome.got, reciprocal))
        elif not (B == N and isinstance(outcome.error, ZeroDivisionError)):
            return None
    if not answered or not all(answered):
        return None
    return dg.say(
        "the reciprocal of the correction",
        "the factor multiplies the variance sigma^2 / B and is at most 1: "
        "drawing without replacement can only lower the variance",
    )


_FPC_FACTOR_MISTAKES = (
    dg.variant(
        lambda N, B: (N - B) / N,
        "a denominator N where N - 1 belongs",
        "at B = 1 drawing with or without replacement is the same, "
        "so the factor must be exactly 1 there",
    ),
    dg.variant(
        lambda N, B: B / N,
        "the share of the data set in the batch",
        "the correction is largest (1) for the smallest batch",
    ),
    _reciprocal_fpc,
    dg.variant(
        lambda N, B: np.sqrt((N - B) / (N - 1)),
        "the correction of the standard deviation, not of the variance",
        "the law is about the variance, the mean squared error of the batch "
        "gradient, so its factor is not a square root",
    ),
    dg.variant(
        lambda N, B: (N - B) / ((N - 1) * B),
        "the whole variance over sigma^2, with the 1/B of the plain law in it",
        "the factor is what drawing without replacement adds on top of "
        "sigma^2 / B, so 1/B is not part of it",
    ),
    dg.not_finite(),
    dg.raised(),
)


def check_fpc_factor(function):
    """Check ``function(N, B)``: the finite-population correction of a mini-batch gradient.

    The answer is the factor by which drawing a batch of ``B`` distinct
    examples from ``N`` (without replacement) multiplies the variance of the
    mini-batch gradient, compared with ``B`` independent draws.

    Parameters
    ----------
    function : callable
        The reader's formula, as a function.

    Returns
    -------
    CheckResult

    Notes
    -----
    With per-example spread :math:`\\sigma^2`, the variance of the mean of a
    batch drawn without replacement is

    .. math:: \\frac{\\sigma^2}{B}\\,\\frac{N - B}{N - 1},

    so the factor is :math:`(N - B)/(N - 1)`: 1 at :math:`B = 1`, 0 at
    :math:`B = N` (see :func:`gdcourse.batching.gradient_variance_theory`).

    Examples
    --------
    >>> check_fpc_factor(lambda N, B: (N - B) / (N - 1))
    All 5 cases passed: fpc_factor(N, B) is right.

    A classic mistake, dividing by N:

    >>> check_fpc_factor(lambda N, B: (N - B) / N)
    0 of 5 cases passed before one failed.
    Case 1: fpc_factor(1024, 1)
      expected: 1
      got:      0.999023
      the numbers differ
      It looks like a denominator N where N - 1 belongs. Hint: at B = 1 drawing with or without replacement is the same, so the factor must be exactly 1 there.
    """
    cases = [(1024, 1), (1024, 16), (1024, 768), (1024, 1024), (10, 3)]
    return check(
        function,
        _fpc_factor,
        cases,
        name="fpc_factor(N, B)",
        diagnoses=_FPC_FACTOR_MISTAKES,
    )

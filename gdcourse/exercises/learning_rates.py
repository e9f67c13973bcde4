"""Checkers of chapter 2: learning rates."""

from __future__ import annotations

import numpy as np

from .core import check

__all__ = ["check_largest_stable_rate"]


def _largest_stable_rate(A):
    return 2.0 / np.linalg.eigvalsh(np.asarray(A, dtype=float))[-1]


def check_largest_stable_rate(function):
    """Check ``function(A)``: the largest stable fixed rate of gradient descent on a quadratic.

    Parameters
    ----------
    function : callable
        The reader's function, taking the (symmetric positive definite)
        Hessian ``A`` of :math:`f(w) = \\tfrac12 w^\\top A w - b^\\top w`.

    Returns
    -------
    CheckResult

    Notes
    -----
    Rates below :math:`2/L` converge, with :math:`L = \\lambda_{\\max}(A)` the
    largest eigenvalue (curvature):

    .. math:: \\eta_{\\max} = \\frac{2}{\\lambda_{\\max}(A)} .

    Examples
    --------
    >>> check_largest_stable_rate(lambda A: 2.0 / np.max(np.linalg.eigvalsh(A)))
    All 5 cases passed: largest_stable_rate(A) is right.
    """
    rng = np.random.default_rng(2)
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    cases = [
        (np.array([[2.0]]),),
        (np.array([[0.1, 0.0], [0.0, 1.0]]),),
        (
            np.array([[2.0, 1.0], [1.0, 2.0]]),
        ),  # off-diagonal: the diagonal is not enough
        (np.array([[5.0, 0.0], [0.0, 0.5]]),),  # the steep direction comes first
        (np.round((q * np.array([0.3, 1.0, 4.0])) @ q.T, 12),),
    ]
    return check(function, _largest_stable_rate, cases, name="largest_stable_rate(A)")

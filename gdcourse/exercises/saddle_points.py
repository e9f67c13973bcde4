"""Checkers of chapter 4: saddle points."""

from __future__ import annotations

import numpy as np

from .core import check

__all__ = ["check_escape_step"]


def _escape_step(eps, lr, b, radius):
    return int(np.ceil(np.log(radius / eps) / np.log1p(lr * b)))


def check_escape_step(function):
    """Check ``function(eps, lr, b, radius)``: the predicted escape step from a saddle.

    Parameters
    ----------
    function : callable
        The reader's prediction.

    Returns
    -------
    CheckResult

    Notes
    -----
    On :math:`f = \\tfrac12 (a x^2 - b y^2)` gradient descent multiplies the
    distance :math:`y_k` from the stable line by :math:`1 + \\eta b` every step,
    :math:`y_k = (1 + \\eta b)^k \\varepsilon`, so the first step with
    :math:`y_k \\ge R` is

    .. math:: k^* = \\left\\lceil \\frac{\\log(R / \\varepsilon)}{\\log(1 + \\eta b)} \\right\\rceil .

    Examples
    --------
    >>> import math
    >>> check_escape_step(lambda eps, lr, b, radius: math.ceil(math.log(radius / eps) / math.log(1 + lr * b)))
    All 5 cases passed: escape_step(eps, lr, b, radius) is right.
    """
    cases = [
        (1e-6, 0.1, 1.0, 1.0),
        (1e-3, 0.1, 1.0, 1.0),
        (1e-9, 0.05, 2.0, 1.0),
        (1e-4, 0.2, 0.5, 2.0),
        (0.5, 0.1, 1.0, 1.0),
    ]
    return check(
        function,
        _escape_step,
        cases,
        name="escape_step(eps, lr, b, radius)",
        rtol=0.0,
        atol=0.0,
    )

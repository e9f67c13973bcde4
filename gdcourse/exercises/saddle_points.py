"""Checkers of chapter 4: saddle points."""

from __future__ import annotations

import numpy as np

from .. import theory
from . import diagnose as dg
from .core import check

__all__ = ["check_escape_step"]


def _escape_step(eps, lr, b, radius):
    """The predicted escape step, as :func:`gdcourse.theory.saddle_escape_steps`."""
    return theory.saddle_escape_steps(eps, lr, b, radius)


def _growth_steps(eps, lr, b, radius):
    return np.log(radius / eps) / np.log1p(lr * b)


_ESCAPE_STEP_MISTAKES = (
    # before floor: where rounding to the nearest fails, it equals floor, but
    # floor also fails where the fraction is one half or more
    dg.variant(
        lambda eps, lr, b, radius: int(np.round(_growth_steps(eps, lr, b, radius))),
        "rounding to the nearest whole step where the count must round up (ceiling)",
        "with a fraction below one half, the nearest whole step is the one "
        "before the distance reaches radius",
    ),
    dg.variant(
        lambda eps, lr, b, radius: int(np.floor(_growth_steps(eps, lr, b, radius))),
        "rounding down (floor) where the count must round up (ceiling)",
        "after the rounded-down number of steps the distance is still below radius",
    ),
    dg.variant(
        lambda eps, lr, b, radius: int(np.ceil(np.log(radius / eps) / (lr * b))),
        "log(1 + lr*b) replaced by lr*b",
        "the approximation is good only for a small lr*b; the exact growth factor is needed",
    ),
    dg.variant(
        lambda eps, lr, b, radius: int(
            np.ceil(np.log(eps / radius) / np.log1p(lr * b))
        ),
        "a negative count: the ratio inside the logarithm is upside down",
        "the distance grows from eps to radius",
    ),
    dg.variant(
        lambda eps, lr, b, radius: int(np.ceil(np.log(radius / eps) / np.log1p(lr))),
        "the curvature b left out of the growth factor",
        "each step multiplies the distance from the stable line by 1 + lr*b",
    ),
    dg.variant(
        lambda eps, lr, b, radius: int(
            np.ceil(np.log(radius / eps) / np.log1p(2 * lr * b))
        ),
        "the growth factor 1 + 2*lr*b, as if the gradient of b*w2**2/2 were 2*b*w2",
        "the 1/2 in the loss cancels the 2 that differentiating the square brings",
    ),
    dg.variant(
        lambda eps, lr, b, radius: int(np.ceil(np.log(1.0 / eps) / np.log1p(lr * b))),
        "the radius taken as 1",
        "the run must grow from eps to radius, whatever radius is",
    ),
    # after the other roundings: floor + 1 differs from ceil only where the
    # count is a whole number, the case (0.25, 0.5, 2, 1)
    dg.variant(
        lambda eps, lr, b, radius: int(np.floor(_growth_steps(eps, lr, b, radius))) + 1,
        "floor + 1 (or a loop that stops only once the distance exceeds radius), "
        "which is the ceiling except where the count is a whole number",
        "a run that lands exactly on radius has escaped at that step",
    ),
    dg.not_an_integer("steps"),
    dg.off_by_one(
        "step",
        "does the count start at 0, and is the escape the first step at or past radius?",
    ),
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


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
    All 6 cases passed: escape_step(eps, lr, b, radius) is right.

    A classic mistake, rounding down:

    >>> check_escape_step(lambda eps, lr, b, radius: math.floor(math.log(radius / eps) / math.log(1 + lr * b)))
    0 of 6 cases passed before one failed.
    Case 1: escape_step(1e-06, 0.1, 1, 1)
      expected: 145
      got:      144
      the numbers differ
      It looks like rounding down (floor) where the count must round up (ceiling). Hint: after the rounded-down number of steps the distance is still below radius.
    """
    cases = [
        (1e-6, 0.1, 1.0, 1.0),
        (1e-3, 0.1, 1.0, 1.0),
        (1e-9, 0.05, 2.0, 1.0),
        (1e-4, 0.2, 0.5, 2.0),
        (0.5, 0.1, 1.0, 1.0),
        # 0.25, 0.5, 1.0: the distance reaches radius exactly at step 2
        (0.25, 0.5, 2.0, 1.0),
    ]
    return check(
        function,
        _escape_step,
        cases,
        name="escape_step(eps, lr, b, radius)",
        rtol=0.0,
        atol=0.0,
        diagnoses=_ESCAPE_STEP_MISTAKES,
    )

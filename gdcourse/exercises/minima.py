"""Checkers of chapter 3: minima."""

from __future__ import annotations

import numpy as np

from . import diagnose as dg
from .core import check

__all__ = ["check_classify_critical_point"]


_KINDS = ("minimum", "maximum", "saddle", "degenerate")


def _classify_kind(hessian):
    from gdcourse.landscape import classify_critical_point

    return classify_critical_point(hessian).kind


def _compare_kinds(got, expected):
    """None if the words agree, else the reason shown ("" for a plain mismatch)."""
    if got is None:
        return "the function returned None (is a `return` missing?)"
    if not isinstance(got, str) or got not in _KINDS:
        return f"the answer must be one of {', '.join(map(repr, _KINDS))}"
    return None if got == expected else ""


def _show_hessian(H):
    return f"classify({' '.join(np.array2string(H, separator=', ').split())})"


def _swap_min_max(H):
    kind = _classify_kind(H)
    return {"minimum": "maximum", "maximum": "minimum"}.get(kind, kind)


_CLASSIFY_MISTAKES = (
    dg.variant(
        lambda H: _classify_kind(np.diag(np.diag(H))),
        "the signs of the Hessian's diagonal entries where its eigenvalues were meant",
        "the diagonal gives the curvature along the axes only; "
        "a saddle can hide along a diagonal direction",
    ),
    dg.variant(
        _swap_min_max,
        "minimum and maximum swapped",
        "positive curvature in every direction bends the surface up",
    ),
    dg.raised(),
)


def check_classify_critical_point(function):
    """Check ``function(hessian)``: the kind of critical point a Hessian describes.

    The answer must be one of the words ``"minimum"``, ``"maximum"``,
    ``"saddle"`` or ``"degenerate"`` (the second-derivative test cannot decide).

    Parameters
    ----------
    function : callable
        The reader's classifier.

    Returns
    -------
    CheckResult

    Notes
    -----
    All eigenvalues of the Hessian positive: a minimum; all negative: a maximum;
    both signs: a saddle; otherwise (a zero eigenvalue, no mixed signs): degenerate.

    Examples
    --------
    >>> check_classify_critical_point(lambda H: "minimum")
    1 of 6 cases passed before one failed.
    Case 2: classify([[ 1., 0.], [ 0., -3.]])
      expected: 'saddle'
      got:      'minimum'

    A classic mistake, the signs of the diagonal instead of the eigenvalues:

    >>> def by_diagonal(H):
    ...     d = np.diag(H)
    ...     if np.all(d > 0):
    ...         return "minimum"
    ...     if np.all(d < 0):
    ...         return "maximum"
    ...     return "saddle" if d.min() < 0 < d.max() else "degenerate"
    >>> check_classify_critical_point(by_diagonal)
    3 of 6 cases passed before one failed.
    Case 4: classify([[1., 2.], [2., 1.]])
      expected: 'saddle'
      got:      'minimum'
      It looks like the signs of the Hessian's diagonal entries where its eigenvalues were meant. Hint: the diagonal gives the curvature along the axes only; a saddle can hide along a diagonal direction.
    """
    cases = [
        np.array([[2.0, 0.0], [0.0, 5.0]]),
        np.array([[1.0, 0.0], [0.0, -3.0]]),
        np.array([[-2.0, 1.0], [1.0, -2.0]]),
        np.array([[1.0, 2.0], [2.0, 1.0]]),
        np.array([[2.0, 0.0], [0.0, 0.0]]),
        np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 0.0], [0.0, 0.0, 0.5]]),
    ]
    return check(
        function,
        _classify_kind,
        [(H,) for H in cases],
        name="classify(hessian)",
        diagnoses=_CLASSIFY_MISTAKES,
        compare=_compare_kinds,
        show=_show_hessian,
    )

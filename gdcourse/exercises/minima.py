"""Checkers of chapter 3: minima."""

from __future__ import annotations

import numpy as np

from .core import CheckResult, describe

__all__ = ["check_classify_critical_point"]


_KINDS = ("minimum", "maximum", "saddle", "degenerate")


def _classify_kind(hessian):
    from gdcourse.landscape import classify_critical_point

    return classify_critical_point(hessian).kind


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
    """
    name = "classify(hessian)"
    cases = [
        np.array([[2.0, 0.0], [0.0, 5.0]]),
        np.array([[1.0, 0.0], [0.0, -3.0]]),
        np.array([[-2.0, 1.0], [1.0, -2.0]]),
        np.array([[1.0, 2.0], [2.0, 1.0]]),
        np.array([[2.0, 0.0], [0.0, 0.0]]),
        np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 0.0], [0.0, 0.0, 0.5]]),
    ]
    if not callable(function):
        return CheckResult(
            name, 0, len(cases), f"Expected a function, got {describe(function)}."
        )
    for i, H in enumerate(cases):
        call = f"classify({' '.join(np.array2string(H, separator=', ').split())})"
        expected = _classify_kind(H)
        try:
            with np.errstate(all="ignore"):
                got = function(np.copy(H))
        except Exception as exc:  # the reader's bug, reported in words
            return CheckResult(
                name,
                i,
                len(cases),
                f"Case {i + 1}: {call}\n  raised {type(exc).__name__}: {exc}",
            )
        if got is None:
            reason = "\n  the function returned None (is a `return` missing?)"
        elif not isinstance(got, str) or got not in _KINDS:
            reason = f"\n  the answer must be one of {', '.join(map(repr, _KINDS))}"
        else:
            reason = ""
        if got != expected:
            return CheckResult(
                name,
                i,
                len(cases),
                f"Case {i + 1}: {call}\n  expected: {expected!r}\n"
                f"  got:      {describe(got)}{reason}",
            )
    return CheckResult(name, len(cases), len(cases))

"""Checkers of chapter 3: minima."""

from __future__ import annotations

import numpy as np

from . import diagnose as dg
from .core import check

__all__ = ["check_classify_critical_point"]


_KINDS = ("minimum", "maximum", "saddle", "degenerate")


# each classic mistake fails a different set of these
_CLASSIFY_CASES = (
    np.array([[2.0, 0.0], [0.0, 5.0]]),
    np.array([[1.0, 0.0], [0.0, -3.0]]),
    np.array([[-2.0, 1.0], [1.0, -2.0]]),
    np.array([[1.0, 2.0], [2.0, 1.0]]),
    np.array([[2.0, 0.0], [0.0, 0.0]]),
    np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 0.0], [0.0, 0.0, 0.5]]),
    # both signs and a zero: a saddle, not degenerate
    np.diag([2.0, 0.0, -1.0]),
    # two ways down: determinant, trace and first entry all positive
    np.diag([3.0, -1.0, -1.0]),
    # rank one, eigenvalues 14, 0, 0: the zeros come out near +-1e-15
    np.outer([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]),
    # every eigenvalue 0 (the monkey saddle's Hessian at its centre)
    np.zeros((2, 2)),
)


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


# the exercise's tolerance: eigenvalues within it of zero count as zero
_ZERO = 1e-9


def _no_tolerance(H):
    """Every eigenvalue taken at face value, rounding errors included."""
    from gdcourse.landscape import classify_critical_point

    return classify_critical_point(H, tol=0.0).kind


def _degenerate_first(H):
    """A zero eigenvalue read as "degenerate" before mixed signs are tested."""
    if np.any(np.abs(np.linalg.eigvalsh(H)) <= _ZERO):
        return "degenerate"
    return _classify_kind(H)


def _semidefinite_as_definite(H):
    """Zero eigenvalues ignored: no negative one makes a minimum, no positive one a maximum."""
    kind = _classify_kind(H)
    if kind != "degenerate":
        return kind
    eig = np.linalg.eigvalsh(H)
    if eig.max() > _ZERO:
        return "minimum"
    return "maximum" if eig.min() < -_ZERO else kind


def _degenerate_as_saddle(H):
    """A zero eigenvalue with no mixed signs read as a saddle, not as undecided."""
    kind = _classify_kind(H)
    return "saddle" if kind == "degenerate" else kind


def _semidefinite_as_saddle(H):
    """As :func:`_degenerate_as_saddle`, but a Hessian of zeros left undecided."""
    if np.all(np.abs(np.linalg.eigvalsh(H)) <= _ZERO):
        return "degenerate"
    return _degenerate_as_saddle(H)


def _determinant_test(H):
    """The two-weight test of calculus: the sign of det H, then of H[0, 0]."""
    det = np.linalg.det(H)
    if abs(det) <= _ZERO:
        return "degenerate"
    if det < 0:
        return "saddle"
    return "minimum" if H[0, 0] > 0 else "maximum"


_CLASSIFY_MISTAKES = (
    dg.variant(
        lambda H: _classify_kind(np.diag(np.diag(H))),
        "the signs of the Hessian's diagonal entries where its eigenvalues were meant",
        "the diagonal gives the curvature along the axes only; "
        "a saddle can hide along a diagonal direction",
    ),
    dg.variant(
        _no_tolerance,
        "eigenvalues compared with exactly 0, with no tolerance",
        "computed eigenvalues carry rounding errors of order 1e-16 times the "
        "largest, so one that is 0 in exact arithmetic rarely comes out as 0.0",
    ),
    dg.variant(
        _degenerate_first,
        "a zero eigenvalue tested before mixed signs",
        "one negative and one positive eigenvalue already give a way down and "
        "a way up, whatever the zero eigenvalues do",
    ),
    dg.variant(
        lambda H: _degenerate_first(np.diag(np.diag(H))),
        "the signs of the Hessian's diagonal entries where its eigenvalues were "
        "meant, and a zero tested before mixed signs",
        "the diagonal gives the curvature along the axes only, and one "
        "negative and one positive eigenvalue make a saddle whatever the "
        "zero ones do",
    ),
    dg.variant(
        _determinant_test,
        "the determinant test for two weights used with three",
        "the determinant is the product of all the eigenvalues, so with three "
        "weights it hides their signs: a zero eigenvalue makes it 0 even at a "
        "saddle, and two negative ones make it positive",
    ),
    dg.variant(
        _semidefinite_as_definite,
        "no negative eigenvalue taken to mean a minimum "
        "(or no positive one a maximum), zero ones included",
        "along a zero-curvature direction the second-order term is flat and "
        "higher orders decide: w1**2 + w2**3 has the Hessian [[2, 0], [0, 0]] "
        "at the origin and no minimum there",
    ),
    *(
        dg.variant(
            wrong,
            "a zero eigenvalue with no mixed signs taken to mean a saddle",
            "a zero eigenvalue leaves the second-order test undecided: "
            "w1**2 + w2**4 has the Hessian [[2, 0], [0, 0]] at the origin and "
            "a minimum there",
        )
        for wrong in (_degenerate_as_saddle, _semidefinite_as_saddle)
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
    both signs: a saddle, whatever the zero ones; otherwise (a zero eigenvalue,
    no mixed signs): degenerate.  Computed eigenvalues carry rounding errors, so
    "zero" needs a tolerance: the rank-one case ``outer([1, 2, 3], [1, 2, 3])``
    has eigenvalues 14, 0, 0, which come out of ``eigvalsh`` near ``+-1e-15``.

    Examples
    --------
    >>> from gdcourse.landscape import classify_critical_point
    >>> check_classify_critical_point(lambda H: classify_critical_point(H).kind)
    All 10 cases passed: classify(hessian) is right.
    >>> check_classify_critical_point(lambda H: "minimum")
    1 of 10 cases passed before one failed.
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
    3 of 10 cases passed before one failed.
    Case 4: classify([[1., 2.], [2., 1.]])
      expected: 'saddle'
      got:      'minimum'
      It looks like the signs of the Hessian's diagonal entries where its eigenvalues were meant. Hint: the diagonal gives the curvature along the axes only; a saddle can hide along a diagonal direction.
    """
    return check(
        function,
        _classify_kind,
        [(H,) for H in _CLASSIFY_CASES],
        name="classify(hessian)",
        diagnoses=_CLASSIFY_MISTAKES,
        compare=_compare_kinds,
        show=_show_hessian,
    )

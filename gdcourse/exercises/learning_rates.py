"""Checkers of chapter 2: learning rates."""

from __future__ import annotations

import numpy as np

from . import diagnose as dg
from .core import check

__all__ = ["check_largest_stable_rate"]


def _largest_stable_rate(A):
    from gdcourse import theory

    return theory.stability_limit(theory.curvature_range(A)[1])


def _just_below_the_limit(failing):
    """A stable rate a fixed fraction under the limit in every failing case.

    The answer is between 0.9 and 1 times the limit, by the same factor
    in every failing case (a deliberate margin): a rate that converges,
    returned where the supremum was asked for. A ratio that changes from
    case to case comes from some other quantity (a bound on the largest
    eigenvalue, say), so it gets no diagnosis here.
    """
    ratios = []
    for outcome in failing:
        if outcome.error is not None or np.ndim(outcome.got) != 0:
            return None
        try:
            ratio = float(outcome.got) / float(outcome.expected)
        except (TypeError, ValueError):
            return None
        if not 0.9 <= ratio < 1.0:
            return None
        ratios.append(ratio)
    if len(ratios) < 2 or max(ratios) - min(ratios) > 1e-4:
        return None
    return dg.say(
        f"a stable rate just below the limit ({ratios[0]:.6g} times it)",
        "the exercise asks for the supremum, the boundary that every stable "
        "rate stays under; return the boundary itself, even though a run "
        "exactly at it does not converge",
    )


_UNSORTED = (
    "an eigenvalue picked by its position in np.linalg.eigvals(A), which "
    "does not sort them: here it is not the largest"
)
_UNSORTED_HINT = (
    "take the largest with .max(), or use np.linalg.eigvalsh(A), which "
    "returns the eigenvalues of a symmetric matrix in ascending order"
)

_LARGEST_STABLE_RATE_MISTAKES = (
    # unsorted eigenvalues first: on these cases they can look like the
    # smallest curvature, but the learner meant the largest
    dg.variant(lambda A: 2.0 / np.linalg.eigvals(A)[-1], _UNSORTED, _UNSORTED_HINT),
    dg.variant(lambda A: 2.0 / np.linalg.eigvals(A)[0], _UNSORTED, _UNSORTED_HINT),
    dg.variant(
        lambda A: 1.0 / np.linalg.eigvalsh(A)[-1],
        "1/L instead of 2/L: half the largest stable rate",
        "the error along the steepest direction is multiplied by 1 - lr*L; "
        "for which rates is its size below 1?",
    ),
    dg.variant(
        lambda A: 2.0 / (np.linalg.eigvalsh(A)[0] + np.linalg.eigvalsh(A)[-1]),
        "2/(mu + L), the best fixed rate, where the largest stable rate was meant",
        "the best rate is the fastest one; the limit is the largest rate "
        "that still converges: as the rate grows, which direction's factor "
        "1 - lr*lambda is the first to reach -1?",
    ),
    dg.variant(
        lambda A: 2.0 / np.max(np.diag(A)),
        "the largest diagonal entry of A where its largest eigenvalue was meant",
        "the curvatures of a quadratic are the eigenvalues of its Hessian, "
        "which equal the diagonal only when A is diagonal",
    ),
    dg.variant(
        lambda A: 2.0 / np.linalg.eigvalsh(A)[0],
        "the smallest curvature where the largest was meant",
        "the steepest direction is the first to blow up",
    ),
    dg.variant(
        lambda A: np.linalg.eigvalsh(A)[-1] / 2.0,
        "the reciprocal of the expected rate",
        "a steeper surface allows a smaller rate, not a larger one",
    ),
    dg.variant(
        lambda A: 2.0 / np.linalg.norm(A),
        "the Frobenius norm np.linalg.norm(A) where the largest eigenvalue "
        "was meant: it is at least the largest eigenvalue, and equal to it "
        "only when A has rank one",
        "for a symmetric A the Frobenius norm is the square root of the sum "
        "of all squared eigenvalues; the limit depends on the largest alone",
    ),
    dg.variant(
        lambda A: 2.0 / np.abs(A).sum(axis=1).max(),
        "the largest absolute row sum of A (Gershgorin's bound) where the "
        "largest eigenvalue was meant: it is at least the largest "
        "eigenvalue, and equal to it only in special cases such as a "
        "diagonal A",
        "the bound gives a rate that is safe but can be smaller than the "
        "limit; the limit depends on the largest eigenvalue itself",
    ),
    _just_below_the_limit,
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


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

    A classic mistake, 1/L:

    >>> check_largest_stable_rate(lambda A: 1.0 / np.max(np.linalg.eigvalsh(A)))
    0 of 5 cases passed before one failed.
    Case 1: largest_stable_rate(array([[2.]]))
      expected: 1
      got:      0.5
      the numbers differ
      It looks like 1/L instead of 2/L: half the largest stable rate. Hint: the error along the steepest direction is multiplied by 1 - lr*L; for which rates is its size below 1?
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
    return check(
        function,
        _largest_stable_rate,
        cases,
        name="largest_stable_rate(A)",
        diagnoses=_LARGEST_STABLE_RATE_MISTAKES,
    )

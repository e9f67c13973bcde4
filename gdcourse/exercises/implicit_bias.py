"""Checkers of chapter 11: what gradient descent prefers."""

from __future__ import annotations

from numbers import Integral

import numpy as np

from . import diagnose as dg
from .core import check, describe
from .diagnose import Verdict

__all__ = ["check_early_stopped", "check_matching_steps", "Verdict"]


def _early_stopped(X, y, lr, steps):
    from gdcourse import implicit

    return implicit.descent_iterates(X, y, lr, steps)


def _filtered(X, y, factor, best=None):
    """``V diag(factor(lam)) V^T w_dagger``: a filter applied along the eigenvectors."""
    from gdcourse import implicit

    lam, V = implicit.spectrum(X)
    best = implicit.min_norm_solution(X, y) if best is None else best
    with np.errstate(all="ignore"):
        f = np.where(lam > 0, factor(lam), 0.0)
    return V @ (f * (V.T @ best))


def _one_step_short(X, y, lr, steps):
    return _filtered(X, y, lambda lam: 1 - (1 - lr * lam) ** (steps - 1.0))


def _one_step_long(X, y, lr, steps):
    return _filtered(X, y, lambda lam: 1 - (1 - lr * lam) ** (steps + 1.0))


def _ridge_instead(X, y, lr, steps):
    if steps == 0:
        return np.zeros(X.shape[1])
    return _filtered(X, y, lambda lam: lam / (lam + 1.0 / (lr * steps)))


def _flow_instead(X, y, lr, steps):
    return _filtered(X, y, lambda lam: 1 - np.exp(-lr * steps * lam))


def _what_is_left(X, y, lr, steps):
    return _filtered(X, y, lambda lam: (1 - lr * lam) ** steps)


def _without_one_over_n(X, y, lr, steps):
    n = len(y)
    return _filtered(X, y, lambda lam: 1 - (1 - lr * n * lam) ** steps)


def _rate_doubled(X, y, lr, steps):
    return _filtered(X, y, lambda lam: 1 - (1 - 2 * lr * lam) ** steps)


def _rate_halved(X, y, lr, steps):
    return _filtered(X, y, lambda lam: 1 - (1 - 0.5 * lr * lam) ** steps)


def _filters_the_moment(X, y, lr, steps):
    """The filter applied to ``X^T y / n`` (which is ``H w_dagger``) instead of ``w_dagger``."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    moment = X.T @ y / len(y)
    return _filtered(X, y, lambda lam: 1 - (1 - lr * lam) ** steps, best=moment)


def _limit_instead(X, y, lr, steps):
    from gdcourse import implicit

    return implicit.min_norm_solution(X, y)


def _eigenvectors_as_rows(X, y, lr, steps):
    from gdcourse import implicit

    lam, V = implicit.spectrum(X)
    f = np.where(lam > 0, 1 - (1 - lr * lam) ** steps, 0.0)
    return V.T @ (f * (V @ implicit.min_norm_solution(X, y)))


def _eigen_coordinates(outcome):
    """Whether the answer is the filtered coordinates along the eigenvectors, not turned back into weights.

    The coordinates ``f * (V.T @ w_dagger)`` depend on the sign of each
    eigenvector and on their order, so the answer is compared up to the sign
    of each entry, in the ascending order of ``numpy.linalg.eigh`` or the
    descending order of an SVD.
    """
    from gdcourse import implicit

    X, y, lr, steps = outcome.args
    if outcome.error is not None:
        return None
    lam, V = implicit.spectrum(X)
    f = np.where(lam > 0, 1 - (1 - lr * lam) ** steps, 0.0)
    coords = np.abs(f * (V.T @ implicit.min_norm_solution(X, y)))
    try:
        got = np.asarray(outcome.got, dtype=float)
    except (TypeError, ValueError):
        return None
    if got.shape != coords.shape:
        return None
    if dg.close(coords, np.abs(np.asarray(outcome.expected, dtype=float))):
        return None  # the coordinates look like the answer here: cannot tell
    same = dg.close(np.abs(got), coords) or dg.close(np.abs(got), coords[::-1])
    return "coordinates" if same else None


def _coordinates_diagnosis(failing):
    """Every failing answer is the filtered eigen-coordinates of w_dagger, without ``V @``."""
    if not all(_eigen_coordinates(o) for o in failing):
        return None
    return dg.say(
        "the filtered coordinates along the eigenvectors, factor * (V.T @ w_dagger), "
        "returned without turning them back into weights",
        "the coordinates say how much of each eigenvector (each column of V) the "
        "weights contain; V @ coordinates adds up those columns into the weight "
        "vector",
    )


def _shape_mismatch(error):
    """Whether ``error`` is numpy's complaint about combining arrays of mismatched shapes."""
    if not isinstance(error, ValueError) or isinstance(error, np.linalg.LinAlgError):
        return False
    text = str(error)
    return any(w in text for w in ("mismatch", "not aligned", "could not be broadcast"))


def _pinv_of_the_transpose(outcome):
    """``pinv(X.T) @ y`` for the minimum-norm solution: a shape error unless X is square.

    ``"shape"`` for a case with X not square that raised a shape mismatch,
    ``"weights"`` for a square case whose answer is the filter applied to
    ``pinv(X.T) @ y``, ``None`` otherwise.
    """
    X, y, lr, steps = outcome.args
    X = np.asarray(X, dtype=float)
    square = X.shape[0] == X.shape[1]
    if outcome.error is not None:
        return "shape" if not square and _shape_mismatch(outcome.error) else None
    if not square:
        return None
    wrong = _filtered(
        X,
        y,
        lambda lam: 1 - (1 - lr * lam) ** steps,
        best=np.linalg.pinv(X.T) @ np.asarray(y, dtype=float),
    )
    return (
        "weights"
        if dg.close(outcome.got, wrong) and not dg.close(wrong, outcome.expected)
        else None
    )


def _pinv_diagnosis(failing):
    """Shape errors where X is not square *and* the weights of ``pinv(X.T) @ y`` where it is."""
    kinds = [_pinv_of_the_transpose(o) for o in failing]
    if None in kinds or "weights" not in kinds:
        return None
    return dg.say(
        "pinv(X.T) @ y where pinv(X) @ y was meant: a shape error when X is not "
        "square, and the wrong weights when it is",
        "the pseudo-inverse of X (d rows, n columns) maps the n targets to d weights",
    )


def _singular_gram(failing):
    """Every failing case raised numpy's "Singular matrix" where X^T X is singular (d > rank X)."""
    for o in failing:
        if not isinstance(o.error, np.linalg.LinAlgError):
            return None
        if "singular" not in str(o.error).lower():
            return None
        X = np.asarray(o.args[0], dtype=float)
        if np.linalg.matrix_rank(X) >= X.shape[1]:
            return None
    return dg.say(
        "a solve with, or the inverse of, X^T X (or X^T X / n): a d-by-d matrix of "
        "rank at most n, singular when d > n, more weights than examples",
        "use the pseudo-inverse, w_dagger = np.linalg.pinv(X) @ y, which exists for "
        "every X",
    )


_EARLY_STOPPED_MISTAKES = (
    dg.variant(
        _one_step_short,
        "the iterate one step too early, (1 - lr*lambda)**(steps - 1)",
        "count the steps from w_0 = 0: after one step the factor is lr*lambda",
    ),
    dg.variant(
        _one_step_long,
        "the iterate one step too late, (1 - lr*lambda)**(steps + 1)",
        "count the steps from w_0 = 0: after one step the factor is lr*lambda",
    ),
    dg.variant(
        _ridge_instead,
        "ridge regression with alpha = 1/(lr*steps), lambda/(lambda + alpha), "
        "instead of gradient descent's filter",
        "that matching rule is only approximate; unroll w_k = w_{k-1} - lr*H*(w_{k-1} "
        "- w_dagger) along each eigenvector instead",
    ),
    dg.variant(
        _flow_instead,
        "the gradient flow's filter, 1 - exp(-lr*steps*lambda)",
        "that is the limit of small steps; with a finite rate each step multiplies "
        "the error along an eigenvector by exactly 1 - lr*lambda",
    ),
    dg.variant(
        _what_is_left,
        "(1 - lr*lambda)**steps, the part of w_dagger not yet fitted, instead of "
        "the part fitted",
        "from w_0 = 0 the error starts as -w_dagger and shrinks by 1 - lr*lambda per "
        "step: the iterate is w_dagger plus that error",
    ),
    dg.variant(
        _without_one_over_n,
        "every step n times too large, as with the gradient X^T (Xw - y) or the "
        "eigenvalues of X^T X, without the 1/n",
        "the loss is 1/(2n) |Xw - y|^2, so its gradient is X^T (Xw - y) / n and its "
        "Hessian X^T X / n",
    ),
    dg.variant(
        _rate_doubled,
        "every step twice as large as it should be, as with the loss "
        "(1/n) |Xw - y|^2, whose gradient is 2 X^T (Xw - y) / n",
        "the loss here is 1/(2n) |Xw - y|^2: the 1/2 cancels the 2 from the square, "
        "so the gradient is X^T (Xw - y) / n and the Hessian X^T X / n",
    ),
    dg.variant(
        _rate_halved,
        "every step half as large as it should be, as with the gradient "
        "X^T (Xw - y) / (2n) or the eigenvalues of X^T X / (2n)",
        "differentiating the square gives a 2 that cancels the 1/2 of "
        "1/(2n) |Xw - y|^2: the gradient is X^T (Xw - y) / n and the Hessian "
        "X^T X / n",
    ),
    dg.variant(
        _filters_the_moment,
        "the filter applied to the coordinates of X^T y / n instead of those of "
        "w_dagger",
        "X^T y / n is H w_dagger, the direction of the first step, not the point "
        "the iterates converge to; the filter says how much of w_dagger = "
        "pinv(X) @ y has been fitted",
    ),
    dg.variant(
        _limit_instead,
        "the minimum-norm solution itself, where gradient descent arrives only as "
        "the steps grow without bound",
        "after finitely many steps each eigen-direction is only partly fitted",
    ),
    dg.variant(
        _eigenvectors_as_rows,
        "the eigenvectors read as rows: numpy.linalg.eigh returns one per column",
        "the coordinates of w along the eigenvectors are V.T @ w, and w = V @ coordinates",
    ),
    _coordinates_diagnosis,
    _pinv_diagnosis,
    _singular_gram,
    dg.sign(
        "after one step the fitted factor is +lr*lambda, so w_1 = lr * X^T y / n; "
        "check the sign of your factor: 1 - (1 - lr*lambda)**k is positive for "
        "0 < lr*lambda < 2 and k >= 1"
    ),
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)

_EARLY_STOPPED_CASES = [
    (np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]), np.array([1.0, 2.0]), 0.5, 1),
    (np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]), np.array([1.0, 2.0]), 0.5, 4),
    (np.array([[2.0, 1.0], [0.0, 1.0]]), np.array([1.0, 1.0]), 0.2, 3),
    (
        np.array([[1.0, 2.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 2.0, 1.0]]),
        np.array([1.0, 0.0, -1.0]),
        0.2,
        6,
    ),
    (np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]), np.array([1.0, 2.0]), 0.5, 0),
]


def check_early_stopped(function):
    """Check ``function(X, y, lr, steps)``: gradient descent's weights after ``steps`` steps, without the loop.

    The answer is the weights :math:`w_k` of gradient descent from
    :math:`w_0 = 0` with rate ``lr`` on
    :math:`f(w) = \\frac{1}{2n}\\lVert Xw - y\\rVert^2`, after ``steps``
    steps, computed from the eigen-decomposition of :math:`X^\\top X / n`
    (the reference is :func:`gdcourse.implicit.descent_iterates`, which the
    tests compare with :func:`gdcourse.descent.gradient_descent`).

    Parameters
    ----------
    function : callable
        The reader's function.

    Returns
    -------
    CheckResult

    Notes
    -----
    With :math:`X^\\top X / n = V \\operatorname{diag}(\\lambda) V^\\top` and
    :math:`w^\\dagger = X^+ y`,

    .. math::

        w_k = V \\operatorname{diag}\\bigl(1 - (1 - \\eta\\lambda)^k\\bigr) V^\\top w^\\dagger

    (:func:`gdcourse.implicit.spectral_filter`).  The diagnoses name the
    iterate one step early or late, ridge's filter with
    :math:`\\alpha = 1/(\\eta k)`, the gradient flow's
    :math:`1 - e^{-\\eta k\\lambda}`, the unfitted part :math:`(1 - \\eta\\lambda)^k`,
    steps :math:`n` times too large (the gradient or the eigenvalues without
    the :math:`1/n`), twice too large (the loss
    :math:`\\frac1n\\lVert Xw - y\\rVert^2`) or half as large, the filter
    applied to :math:`X^\\top y / n` instead of :math:`w^\\dagger`, the
    limit :math:`w^\\dagger` itself, eigenvectors read as rows, the
    filtered coordinates returned without ``V @``, ``pinv(X.T) @ y`` for :math:`w^\\dagger`, and a solve with the
    singular :math:`X^\\top X` (singular whenever :math:`d > n`).

    Examples
    --------
    >>> def early_stopped(X, y, lr, steps):
    ...     lam, V = np.linalg.eigh(X.T @ X / len(y))
    ...     best = np.linalg.pinv(X) @ y
    ...     return V @ ((1 - (1 - lr * lam) ** steps) * (V.T @ best))
    >>> check_early_stopped(early_stopped)
    All 5 cases passed: early_stopped(X, y, lr, steps) is right.

    A classic mistake, the filter one step short:

    >>> def short(X, y, lr, steps):
    ...     lam, V = np.linalg.eigh(X.T @ X / len(y))
    ...     best = np.linalg.pinv(X) @ y
    ...     return V @ ((1 - (1 - lr * lam) ** (steps - 1)) * (V.T @ best))
    >>> check_early_stopped(short)
    0 of 5 cases passed before one failed.
    Case 1: early_stopped(X=[[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]], y=[1.0, 2.0], lr=0.5, steps=1)
      expected: array([0.25, 0.5 , 0.75])
      got:      array([0., 0., 0.])
      the numbers differ
      It looks like the iterate one step too early, (1 - lr*lambda)**(steps - 1). Hint: count the steps from w_0 = 0: after one step the factor is lr*lambda.
    """
    return check(
        function,
        _early_stopped,
        _EARLY_STOPPED_CASES,
        name="early_stopped(X, y, lr, steps)",
        atol=1e-8,
        diagnoses=_EARLY_STOPPED_MISTAKES,
        show=_show_case,
    )


def _show_case(X, y, lr, steps):
    """The call on one line: ``early_stopped(X=[[1.0, 0.0], ...], y=[...], lr=0.5, steps=1)``."""
    return f"early_stopped(X={X.tolist()}, y={y.tolist()}, lr={lr}, steps={steps})"


# ----------------------------------------------------------------------------
# Exercise 11.3: how many steps match a ridge penalty?
# ----------------------------------------------------------------------------


#: The data, rate and penalty of exercise 11.3.
MATCHING = {"seed": 0, "noise": 0.3, "frequencies": 20, "lr": 0.9, "alpha": 0.01}
#: A step count passes when its distance is within this factor of the best one.
MATCHING_SLACK = 1.1


def _matching_problem():
    from gdcourse import implicit

    data = implicit.curve_data(seed=MATCHING["seed"], noise=MATCHING["noise"])
    X = implicit.fourier_features(data.X_train, MATCHING["frequencies"])
    return X, data.y_train


def matching_distances(max_steps=2000):
    """Relative distance of gradient descent's weights from ridge's, for 0..max_steps steps.

    On exercise 11.3's problem (:data:`MATCHING`):
    :math:`\\lVert w_k - w_\\alpha\\rVert / \\lVert w_\\alpha\\rVert` for every
    :math:`k`, from :func:`gdcourse.implicit.descent_iterates`.

    Returns
    -------
    numpy.ndarray, shape (max_steps + 1,)
    """
    from gdcourse import implicit

    X, y = _matching_problem()
    ridge = implicit.ridge_solution(X, y, MATCHING["alpha"])
    W = implicit.descent_iterates(X, y, MATCHING["lr"], np.arange(max_steps + 1))
    return np.linalg.norm(W - ridge, axis=1) / np.linalg.norm(ridge)


def check_matching_steps(steps):
    """Check a step count: gradient descent's weights after ``steps`` steps against ridge's.

    Exercise 11.3: on the chapter's curve fit (:data:`MATCHING`: 12
    examples, 41 scaled Fourier features), gradient descent from zero at
    rate 0.9 is run for ``steps`` steps with
    :func:`gdcourse.descent.gradient_descent`, and its weights are compared
    with ridge regression's at :math:`\\alpha = 0.01`.  The count passes when
    its relative distance :math:`\\lVert w_k - w_\\alpha\\rVert / \\lVert w_\\alpha\\rVert`
    is within :data:`MATCHING_SLACK` times the smallest over every count up
    to 2000.

    Parameters
    ----------
    steps : int
        The reader's choice; a float with a whole value, such as
        ``np.round(...)`` returns, counts as that integer.

    Returns
    -------
    Verdict
        Its ``ok`` and a report: the distance reached, the best distance
        possible (not the count that reaches it), and, when the count fails,
        whether fewer or more steps come closer; the rule of thumb
        :math:`k = 1/(\\eta\\alpha)` is named when the count is next to it.

    Notes
    -----
    At the real :math:`k = 1/(\\eta\\alpha)` (111.1 here), along an
    eigenvector with :math:`0 < \\eta\\lambda \\le 1` and
    :math:`s = \\eta k \\lambda`, gradient descent's factor
    :math:`1 - (1 - \\eta\\lambda)^k \\ge 1 - e^{-s}` exceeds ridge's
    :math:`\\lambda/(\\lambda + \\alpha) = s/(1 + s)`.  The report gives
    this reason for the whole counts either side, 111 and 112, only after
    checking that gradient descent's factor after that many steps exceeds
    ridge's in every direction of the problem; the closest match then takes
    fewer steps than the rule of thumb.

    Examples
    --------
    >>> check_matching_steps(111)
    111 steps: gradient descent's weights are 14.6 % of ridge's norm away from ridge's; the closest step count gets within 4.85 %.
    Not yet: fewer steps come closer. 111 is one of the two whole counts either side of the rule of thumb k = 1/(lr * alpha) = 111.1. With s = lr*k*lambda at that k, ridge keeps s/(1 + s) of each eigen-direction, less than 1 - exp(-s) <= 1 - (1 - lr*lambda)**k (lr*lambda <= 1 here); at 111 steps too gradient descent has fitted more than ridge keeps in every direction, and each further step fits more, so the best match is earlier.
    """
    from gdcourse import descent, implicit

    name = "steps"
    if isinstance(steps, (float, np.floating)) and float(steps).is_integer():
        steps = int(steps)  # a whole float, e.g. from np.round, is that count
    if not isinstance(steps, Integral) or isinstance(steps, bool) or steps < 0:
        return Verdict(
            False,
            f"{name} must be a whole number of steps >= 0, got {describe(steps)}.",
        )
    distances = matching_distances()
    best = distances.min()
    X, y = _matching_problem()
    run = descent.gradient_descent(
        implicit.regression_loss(X, y),
        np.zeros(X.shape[1]),
        lr=MATCHING["lr"],
        steps=int(steps),
    )
    ridge = implicit.ridge_solution(X, y, MATCHING["alpha"])
    reached = np.linalg.norm(run.weights[-1] - ridge) / np.linalg.norm(ridge)
    unit = "step" if steps == 1 else "steps"
    head = (
        f"{steps} {unit}: gradient descent's weights are {100 * reached:.3g} % of "
        f"ridge's norm away from ridge's; the closest step count gets within "
        f"{100 * best:.3g} %."
    )
    if reached <= MATCHING_SLACK * best:
        return Verdict(
            True, f"{head}\nA match: within {MATCHING_SLACK:g} times the best."
        )
    k_best = int(np.argmin(distances))
    way = "fewer" if steps > k_best else "more"
    text = f"{head}\nNot yet: {way} steps come closer."
    rule = 1.0 / (MATCHING["lr"] * MATCHING["alpha"])
    if abs(steps - rule) < 1 and _fits_more_than_ridge(X, steps):
        text += (
            f" {steps} is one of the two whole counts either side of the rule of "
            f"thumb k = 1/(lr * alpha) = {rule:.1f}. With s = lr*k*lambda at that k, "
            "ridge keeps s/(1 + s) of each eigen-direction, less than "
            "1 - exp(-s) <= 1 - (1 - lr*lambda)**k (lr*lambda <= 1 here); at "
            f"{steps} steps too gradient descent has fitted more than ridge keeps in "
            "every direction, and each further step fits more, so the best match "
            "is earlier."
        )
    return Verdict(False, text)


def _fits_more_than_ridge(X, steps):
    """Whether gradient descent's filter after ``steps`` steps exceeds ridge's in every direction."""
    from gdcourse import implicit

    lam = implicit.spectrum(X)[0]
    lam = lam[lam > 0]
    descent = implicit.spectral_filter(lam, MATCHING["lr"], steps)
    ridge = implicit.ridge_filter(lam, MATCHING["alpha"])
    return bool(MATCHING["lr"] * lam.max() <= 1 and np.all(descent > ridge))

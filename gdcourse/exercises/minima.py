"""Checkers of chapter 3: minima."""

from __future__ import annotations

from numbers import Real

import numpy as np

from . import diagnose as dg
from .core import check, describe

__all__ = [
    "check_classify_critical_point",
    "check_stopped_runs",
    "stopped_runs",
    "STOPPED_RUNS",
    "GRAD_ZERO",
]


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


# Exercise 3.4: six runs stopped after their budget of steps.  The start of
# the fourth lies on the two-valley surface's ridge line: at this float the
# gradient along w1, 4 w1^3 - 4 w1 + 0.3, comes out as exactly 0.0, and at
# the two floats on either side it is not zero, but the step along w1, the
# rate times it, is under half the spacing of floats at w1 and is rounded
# away; from any of these five starts the run never leaves that line (the
# surface is a sum of a function of w1 and a function of w2, so w1 alone
# sets that step).  Three floats away the step survives and the run leaves
RIDGE_W1 = 0.07542915856974822

#: The runs of Exercise 3.4: (surface, start, rate, steps), numbered from 1.
STOPPED_RUNS = (
    ("Himmelblau", (-2.0, -4.0), 0.017, 200),
    ("two valleys", (-0.1, 1.0), 0.05, 200),
    ("Himmelblau", (1.0, 1.0), 0.001, 200),
    ("two valleys", (RIDGE_W1, 1.0), 0.05, 200),
    ("Himmelblau", (-1.0, 1.0), 0.005, 200),
    ("two valleys", (0.3, 1.0), 0.05, 200),
)

#: Exercise 3.4's tolerance: a gradient norm below it counts as zero.
GRAD_ZERO = 1e-4

_STOP_KINDS = ("minimum", "maximum", "saddle", "neither")


def _surface(name):
    from gdcourse import surfaces

    if name == "Himmelblau":
        return surfaces.himmelblau()
    return surfaces.two_valleys(tilt=0.3)


def stopped_runs():
    """The six runs of Exercise 3.4, each stopped after its budget of steps.

    Returns
    -------
    list of (gdcourse.surfaces.Surface, gdcourse.descent.Trajectory)
        Run ``k`` of the exercise is item ``k - 1``: plain gradient descent
        with the start, rate and steps of ``STOPPED_RUNS[k - 1]``.

    Examples
    --------
    >>> surface, run = stopped_runs()[1]
    >>> print(run.steps, np.round(run.final_weights, 3))
    200 [-1.036  0.   ]
    """
    from gdcourse.descent import gradient_descent

    runs = []
    for name, start, lr, steps in STOPPED_RUNS:
        surface = _surface(name)
        w0 = np.array(start, dtype=float)
        runs.append((surface, gradient_descent(surface, w0, lr=lr, steps=steps)))
    return runs


def _evidence(surface, w):
    """The gradient norm and the smallest Hessian eigenvalue at ``w``."""
    from gdcourse.landscape import hessian_eigenvalues

    grad = float(np.linalg.norm(surface.grad(w)))
    return grad, float(hessian_eigenvalues(surface, w)[0])


def _stopped_kind(surface, w):
    """What a run's last point is: a kind of critical point, or "neither"."""
    from gdcourse.landscape import classify_critical_point

    if np.linalg.norm(surface.grad(w)) >= GRAD_ZERO:
        return "neither"
    return classify_critical_point(surface.hessian(w)).kind


def _cause(surface, run):
    """Why a run ends where it does, in the words the hints need."""
    w = run.final_weights
    kind = _stopped_kind(surface, w)
    if kind == "neither":
        # back at the same point after two steps: a cycle, not a slow approach
        back = np.linalg.norm(run.weights[-1] - run.weights[-3]) < 1e-9
        return "cycle" if back else "slow"
    if kind == "minimum" and surface(w) > surface(surface.minima).min() + 1e-6:
        return "local"
    return kind


def _reference():
    """Kinds, evidence and causes of the six runs."""
    kinds, grads, eigs, causes = [], [], [], []
    for surface, run in stopped_runs():
        w = run.final_weights
        kinds.append(_stopped_kind(surface, w))
        grad, eig = _evidence(surface, w)
        grads.append(grad)
        eigs.append(eig)
        causes.append(_cause(surface, run))
    return kinds, grads, eigs, causes


def _kind_hint(given, cause):
    """The hint for a run of this cause called ``given``."""
    called = f"a run you call a {given!r}"
    if cause == "cycle":
        return (
            f"{called} has stopped moving without its gradient vanishing: "
            "two more steps bring it back to the same point. Compare the "
            f"gradient norm at its last point with {GRAD_ZERO:g}, and its "
            "rate with 2/lambda_max at the minima nearby (the section on "
            "basins)"
        )
    if cause == "slow":
        return (
            f"{called} is still on its way: its loss falls little per step "
            "because its rate is small, not because its gradient is zero. "
            f"Compare the gradient norm at its last point with {GRAD_ZERO:g}"
        )
    if given == "neither":
        if cause == "local":
            return (
                f"{called} stopped at a critical point whose loss is higher "
                "than another run's. Whether a point is a minimum depends on "
                "the gradient and the curvature there, not on the losses "
                "found elsewhere"
            )
        return (
            f"{called} has a gradient norm below {GRAD_ZERO:g} at its last "
            "point: it stopped at a critical point (after finitely many "
            "steps the gradient is small, rarely exactly zero). The signs "
            "of the Hessian's eigenvalues there say which kind"
        )
    if cause == "saddle":
        return (
            f"the gradient vanishes at a saddle as well as at a minimum or "
            f"a maximum: look at the signs of every eigenvalue of the "
            f"Hessian at the last point of each run you call a {given!r}"
        )
    return (
        f"look at the signs of every eigenvalue of the Hessian at the last "
        f"point of each run you call a {given!r}, not at its diagonal: a "
        "saddle needs eigenvalues of both signs, a maximum only negative ones"
    )


def _kinds_verdict(kinds, reference, causes):
    if not isinstance(kinds, (list, tuple, np.ndarray)) or np.ndim(kinds) != 1:
        return (
            False,
            f"kinds must be a list of {len(reference)} words, got {describe(kinds)}.",
        )
    if len(kinds) != len(reference):
        return False, (
            f"kinds must hold {len(reference)} words, one per run, got {len(kinds)}."
        )
    words = ", ".join(map(repr, _STOP_KINDS[:-1])) + f" or {_STOP_KINDS[-1]!r}"
    for i, kind in enumerate(kinds):
        if not isinstance(kind, str) or kind not in _STOP_KINDS:
            return False, f"kinds[{i}] must be one of {words}, got {describe(kind)}."
    for kind, true, cause in zip(kinds, reference, causes):
        if kind != true:
            return False, (
                "Not yet: not every run's kind is right.\n"
                f"Hint: {_kind_hint(kind, cause)}."
            )
    at = {
        kind: [i + 1 for i, k in enumerate(reference) if k == kind]
        for kind in _STOP_KINDS
    }
    parts = [
        f"{_runs(at['minimum'])} stopped at a minimum",
        f"{_runs(at['saddle'])} at a saddle",
        f"{_runs(at['neither'])} at no critical point",
    ]
    why = [
        f"run {i + 1} comes back to the same point every two steps"
        if c == "cycle"
        else f"run {i + 1} moves little per step because its rate is small"
        for i, c in enumerate(causes)
        if c in ("cycle", "slow")
    ]
    return True, (
        f"Right: {', '.join(parts[:-1])}, and {parts[-1]}. "
        f"Judged by their steps alone, {_runs(at['neither'])} look stopped "
        f"too: {'; '.join(why)}."
    )


def _runs(numbers):
    if len(numbers) == 1:
        return f"run {numbers[0]}"
    return "runs " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


def _numbers(name, values, n):
    """None if ``values`` are ``n`` finite numbers, else the message."""
    if not isinstance(values, (list, tuple, np.ndarray)) or np.ndim(values) != 1:
        return f"{name} must be a list of {n} numbers, got {describe(values)}."
    if len(values) != n:
        return f"{name} must hold {n} numbers, one per run, got {len(values)}."
    for i, value in enumerate(values):
        if (
            not isinstance(value, (Real, np.floating, np.integer))
            or isinstance(value, (bool, np.bool_))
            or not np.isfinite(value)
        ):
            return f"{name}[{i}] must be a number, got {describe(value)}."
    return None


def _grad_variants(surface, run):
    """Classic wrong gradient evidence for a run, with the hint each gets."""
    g = surface.grad(run.weights[-1])
    g_last = float(np.linalg.norm(g))
    norm = "the gradient norm is its Euclidean length, np.linalg.norm(g), "
    return (
        (
            float(np.linalg.norm(surface.grad(run.weights[0]))),
            "that is the gradient norm at the run's start; the evidence is "
            "at its last point, run.final_weights",
        ),
        (
            g_last**2,
            "that is the squared norm of the gradient; the norm is its "
            "square root (np.linalg.norm)",
        ),
        (
            float(run.final_loss),
            "that is the loss at the last point, not the length of the gradient there",
        ),
        (
            float(np.linalg.norm(run.weights[-1] - run.weights[-2])),
            "that is the length of the last step, the rate times the gradient "
            "at the point before, not the gradient at the last point; a small "
            "rate takes short steps whatever the gradient, and a run that "
            "hops back and forth takes long steps yet goes nowhere in two",
        ),
        (
            float(np.abs(g).max()),
            norm + "not the largest size of its components",
        ),
        (
            float(np.abs(g).sum()),
            norm + "not the sum of the sizes of its components",
        ),
    )


def _eig_variants(surface, run):
    """Classic wrong curvature evidence for a run, with the hint each gets."""
    from gdcourse.landscape import hessian_eigenvalues

    w = run.final_weights
    eig = hessian_eigenvalues(surface, w)
    return (
        # before the largest: at a saddle with two weights the eigenvalue
        # closest to zero can be the largest too, and then it is the cause
        (
            float(eig[np.argmin(np.abs(eig))]),
            "that is the eigenvalue closest to zero; the smallest is the most "
            "negative one, and its sign is what tells a saddle from a minimum",
        ),
        (
            float(eig[-1]),
            "that is the largest eigenvalue; hessian_eigenvalues and "
            "np.linalg.eigvalsh sort them in ascending order",
        ),
        (
            float(hessian_eigenvalues(surface, run.weights[0])[0]),
            "that is the smallest eigenvalue at the run's start; the evidence "
            "is at its last point, run.final_weights",
        ),
        (
            float(np.diag(surface.hessian(w)).min()),
            "that is the smallest diagonal entry of the Hessian, the "
            "curvature along one axis; an eigenvalue is the curvature along "
            "its eigenvector, which need not be an axis",
        ),
    )


def _close(got, expected, rtol, atol):
    return abs(float(got) - expected) <= rtol * abs(expected) + atol


def _evidence_verdict(grad_norms, smallest_eigs, grads, eigs):
    n = len(grads)
    for name, values in (("grad_norms", grad_norms), ("smallest_eigs", smallest_eigs)):
        problem = _numbers(name, values, n)
        if problem:
            return False, problem
    runs = stopped_runs()
    for i, (surface, run) in enumerate(runs):
        checks = (
            ("gradient norm", grad_norms[i], grads[i], 1e-2, 1e-9, _grad_variants),
            (
                "smallest eigenvalue",
                smallest_eigs[i],
                eigs[i],
                1e-3,
                1e-6,
                _eig_variants,
            ),
        )
        for what, got, expected, rtol, atol, variants in checks:
            if _close(got, expected, rtol, atol):
                continue
            text = (
                f"Not yet: the {what} you give for run {i + 1}, "
                f"{float(got):.4g}, is not the one at its last point."
            )
            for wrong, hint in variants(surface, run):
                if _close(got, wrong, rtol, atol):
                    return False, f"{text}\nHint: {hint}."
            if what == "gradient norm" and float(got) < 0:
                return False, f"{text}\nHint: a norm is never negative."
            return False, (
                f"{text}\nHint: evaluate the surface's gradient and Hessian "
                "at run.final_weights, as in the section on classifying "
                "critical points."
            )
    return True, (
        "Right: each gradient norm and smallest eigenvalue is the one at "
        "the run's last point."
    )


def check_stopped_runs(kinds, grad_norms, smallest_eigs):
    """Check a diagnosis of six stopped runs: at a minimum, at a saddle, or at no critical point.

    Exercise 3.4, on :func:`stopped_runs`: six runs of gradient descent on
    the two-valley surface and Himmelblau's, each stopped after its budget
    of steps (``STOPPED_RUNS``).  A run's last point is a critical point
    when the gradient norm there is below ``GRAD_ZERO``; its kind is then
    read from the Hessian's eigenvalues
    (:func:`gdcourse.landscape.classify_critical_point`).

    Parameters
    ----------
    kinds : sequence of str
        (a) For runs 1 to 6, ``"minimum"``, ``"maximum"``, ``"saddle"`` or
        ``"neither"`` (not a critical point).
    grad_norms, smallest_eigs : sequence of float
        (b) The evidence: for runs 1 to 6, the gradient norm and the
        smallest eigenvalue of the Hessian at the run's last point, checked
        to within 1% and 0.1% (plus 1e-9 and 1e-6).

    Returns
    -------
    gdcourse.exercises.diagnose.Verdict
        Its ``ok`` and a report on each part.  A wrong kind gets the hint of
        the first wrong run's cause (a cycle, a slow approach, a saddle, a
        local minimum), pointing at the evidence without naming the run;
        wrong evidence gets the run and, when it matches a classic slip
        (the start for the last point, the largest eigenvalue, the squared
        norm, ...), what it is.  No report gives a right kind or a right
        value.

    Examples
    --------
    >>> check_stopped_runs(["minimum"] * 6, [0.0] * 6, [1.0] * 6)
    (a) Not yet: not every run's kind is right.
    Hint: a run you call a 'minimum' has stopped moving without its gradient vanishing: two more steps bring it back to the same point. Compare the gradient norm at its last point with 0.0001, and its rate with 2/lambda_max at the minima nearby (the section on basins).
    (b) Not yet: the gradient norm you give for run 1, 0, is not the one at its last point.
    Hint: evaluate the surface's gradient and Hessian at run.final_weights, as in the section on classifying critical points.
    """
    reference, grads, eigs, causes = _reference()
    ok_a, text_a = _kinds_verdict(kinds, reference, causes)
    ok_b, text_b = _evidence_verdict(grad_norms, smallest_eigs, grads, eigs)
    return dg.Verdict(ok_a and ok_b, f"(a) {text_a}\n(b) {text_b}")

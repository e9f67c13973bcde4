"""Checkers of chapter 10: how far to step (backtracking, Newton's step, damping)."""

from __future__ import annotations

import math
from numbers import Real

import numpy as np

from . import diagnose as dg
from .core import check, describe
from .diagnose import Verdict

__all__ = [
    "TooManyEvaluations",
    "check_backtrack",
    "check_newton_step",
    "check_newton_damping",
    "NEWTON_DAMPING",
]


# ----------------------------------------------------------------------------
# Exercise: backtracking (Armijo)
# ----------------------------------------------------------------------------

#: A reader's search may evaluate the loss (or the gradient) this many times
#: in one case; one more evaluation raises :class:`TooManyEvaluations`.
BUDGET = 1000


class TooManyEvaluations(RuntimeError):
    """Raised by a case's loss or gradient once a search has used up :data:`BUDGET`."""


class _Traced:
    """The loss or the gradient of one case, recording the points it is evaluated at.

    A search that never ends is stopped after :data:`BUDGET` evaluations; the
    points tell the diagnoses which rates it tried.
    """

    def __init__(self, fn, label, surface, formula):
        self._fn = fn
        self.label = label
        self.surface = surface
        self.formula = formula
        self.points = []

    def __call__(self, w):
        if len(self.points) >= BUDGET:
            raise TooManyEvaluations(
                f"{self.label} was evaluated {BUDGET} times in one search: "
                "the loop does not end"
            )
        x = np.array(w, dtype=float)
        self.points.append(x.copy())
        return self._fn(x)

    def __repr__(self):
        return self.label


def _backtrack_case(surface, formula, w, lr0, c, shrink):
    f = _Traced(surface, "f", surface, formula)
    grad = _Traced(surface.grad, "grad", surface, formula)
    return (f, grad, np.array(w, dtype=float), lr0, c, shrink)


def _backtrack_cases():
    """Fresh cases (each check records its own evaluations).

    On x**2 from 1 the first case rejects lr0 = 1 and lands, at rate 0.5, on
    0 = 1 - 0.5 * 0.5 * 4: the two sides of the condition are equal, so ``<``
    and ``<=`` differ there and nowhere else.  The other cases separate the
    classic mistakes by the cases they fail on, or else by what they return;
    the last one, from lr0 = 0.98 on x**2, tells the curvature condition
    |phi'(lr)| <= 0.9 |phi'(0)|, which rejects 0.98 and accepts 0.49 as
    Armijo's test does, from a test for any strict decrease, which accepts
    0.98.  The two before it, on the ravine with a gradient whose components
    are equal or the second the larger, tell g.g from one component of g
    squared and catch a search that moves w between trials.
    """
    from gdcourse import surfaces

    square = surfaces.quadratic([[2.0]])
    ravine = surfaces.elongated_bowl(kappa=10.0)
    sq, rv = "w[0]**2", "0.05*w[0]**2 + 0.5*w[1]**2"
    return [
        _backtrack_case(square, sq, [1.0], 1.0, 0.5, 0.5),
        _backtrack_case(ravine, rv, [3.0, 1.0], 4.0, 1e-4, 0.5),
        _backtrack_case(square, sq, [1.0], 1.1, 0.5, 0.5),
        _backtrack_case(square, sq, [1.0], 0.9, 0.9, 0.5),
        _backtrack_case(ravine, rv, [3.0, 1.0], 0.5, 1e-4, 0.5),
        _backtrack_case(square, sq, [1.0], 1.05, 0.1, 0.5),
        _backtrack_case(ravine, rv, [3.0, 0.1], 4.0, 0.6, 0.5),
        _backtrack_case(square, sq, [0.25], 0.5, 0.3, 0.5),
        _backtrack_case(ravine, rv, [3.0, 0.3], 4.0, 0.6, 0.5),
        _backtrack_case(ravine, rv, [1.0, 3.0], 4.0, 1e-4, 0.5),
        _backtrack_case(square, sq, [1.0], 0.98, 0.5, 0.5),
    ]


def _backtrack(f, grad, w, lr0, c, shrink):
    """The reference: :func:`gdcourse.stepsizes.armijo` along ``-grad(w)``."""
    from gdcourse import stepsizes

    s = f.surface
    W = np.asarray(w, dtype=float)[None, :]
    g = s.grad_fn(W)
    found = stepsizes.armijo(lr0, c, shrink).search(s, W, s.value_fn(W), g, -g)
    return float(found.lr[0])


def _search(accept):
    """A wrong search: shrink from ``lr0`` until ``accept(...)`` holds.

    ``accept(f_new, f0, lr, c, gg, g_new)`` with ``f0`` and ``gg = g.g`` at
    ``w`` and ``g_new`` the gradient at the trial point.  Only the mistakes are written
    this way; the reference is the package's own search.
    """

    def wrong(f, grad, w, lr0, c, shrink):
        s = f.surface
        w = np.asarray(w, dtype=float)
        g = s.grad(w)
        f0, gg = float(s(w)), float(g @ g)
        lr = lr0
        for _ in range(BUDGET):
            x = w - lr * g
            if accept(float(s(x)), f0, lr, c, gg, s.grad(x)):
                return lr
            lr *= shrink
        return math.nan

    return wrong


_wrong_sign = _search(lambda fn, f0, lr, c, gg, gn: fn <= f0 + c * lr * gg)
_any_decrease = _search(lambda fn, f0, lr, c, gg, gn: fn <= f0)
_any_strict_decrease = _search(lambda fn, f0, lr, c, gg, gn: fn < f0)
_strict = _search(lambda fn, f0, lr, c, gg, gn: fn < f0 - c * lr * gg)
_norm_not_squared = _search(
    lambda fn, f0, lr, c, gg, gn: fn <= f0 - c * lr * math.sqrt(gg)
)
_new_gradient = _search(
    lambda fn, f0, lr, c, gg, gn: fn <= f0 - c * lr * float(gn @ gn)
)
_without_c = _search(lambda fn, f0, lr, c, gg, gn: fn <= f0 - lr * gg)
_one_minus_c = _search(lambda fn, f0, lr, c, gg, gn: fn <= f0 - (1 - c) * lr * gg)
_half_c = _search(lambda fn, f0, lr, c, gg, gn: fn <= f0 - c / 2 * lr * gg)
_double_c = _search(lambda fn, f0, lr, c, gg, gn: fn <= f0 - 2 * c * lr * gg)


def _curvature(f, grad, w, lr0, c, shrink):
    """A wrong search: the strong curvature condition in place of Armijo's test.

    It shrinks from ``lr0`` until :math:`|\\phi'(\\eta)| \\le c_2 |\\phi'(0)|`
    with the usual :math:`c_2 = 0.9`, where :math:`\\phi'(\\eta) = -\\nabla
    f(w - \\eta g)^\\top g`.  Its weak form, :math:`\\phi'(\\eta) \\ge c_2
    \\phi'(0)`, accepts ``lr0`` in every case, as returning ``lr0`` does: no
    diagnosis can tell those two apart.
    """
    s = f.surface
    w = np.asarray(w, dtype=float)
    g = s.grad(w)
    lr = lr0
    for _ in range(BUDGET):
        if abs(float(s.grad(w - lr * g) @ g)) <= 0.9 * float(g @ g):
            return lr
        lr *= shrink
    return math.nan


def _trials(outcome):
    """Where the reader's search evaluated the loss, as rates along ``-g``.

    Returns ``(rates, raised_budget)``, or ``None`` when a point is off the
    line ``w - t g`` or no point other than ``w`` was evaluated.
    """
    f, _, w = outcome.args[:3]
    g = f.surface.grad(w)
    gg = float(g @ g)
    rates = []
    for x in f.points:
        if x.shape != w.shape or np.array_equal(x, w):
            continue
        t = float((w - x) @ g) / gg
        if not math.isfinite(t):
            break
        if not np.allclose(x, w - t * g, rtol=1e-9, atol=1e-12):
            return None
        rates.append(t)
    if not rates:
        return None
    return np.array(rates), isinstance(outcome.error, TooManyEvaluations)


def _moves_w(outcome):
    """Whether the search tested points other than ``w - lr g`` for a shrinking ``lr``."""
    f, _, w = outcome.args[:3]
    g = f.surface.grad(w)
    gg = float(g @ g)
    rates = []
    for x in f.points:
        if x.shape != w.shape:
            return False
        if np.array_equal(x, w):
            continue
        t = float((w - x) @ g) / gg
        if not np.allclose(x, w - t * g, rtol=1e-9, atol=1e-12):
            return True
        rates.append(t)
    ahead = [t for t in rates if t > 0]
    return len(ahead) >= 2 and bool(np.any(np.diff(ahead) > 1e-12 * max(ahead)))


def _off_line(failing):
    """Every failing search tested a point off the line ``w - t g``, or beyond its previous trial."""
    if not all(_moves_w(o) for o in failing):
        return None
    return dg.say(
        "a search that moves w between trials: the points it tested are not "
        "w - lr*g for one w and a shrinking lr",
        "keep w, f(w) and g fixed for the whole search; only the rate changes "
        "from one trial to the next",
    )


def _shrinks_forever(rates, ran_out):
    return ran_out and len(rates) >= 2 and bool(rates[-1] < 1e-12 * rates[0])


_without_lr = _search(lambda fn, f0, lr, c, gg, gn: fn <= f0 - c * gg)


def _lacks_the_rate(failing, passed=()):
    """Every failing case either shrank the rate towards zero without a pass, or returned what a test without lr returns.

    Only if a test without lr also gives the expected rate in every case the
    reader passed (it would have run out, or returned another rate, there).
    """
    for o in passed:
        if not dg.close(_without_lr(*o.args), o.expected):
            return None
    for o in failing:
        found = _trials(o)
        if found is not None and _shrinks_forever(*found):
            continue
        if o.error is None and dg.close(o.got, _without_lr(*o.args)):
            continue
        return None
    return dg.say(
        "a test whose slope term lacks the rate, f(w) - c*g.g: no small rate "
        "can meet it, so the search shrinks the rate towards zero",
        "as the rate shrinks, the decrease the test asks for must shrink with "
        "it: the right-hand side is f(w) - c*lr*g.g, which a small enough rate "
        "always meets",
    )


_lacks_the_rate.reads_passed = True


def _last_rejected(f, grad, w, lr0, c, shrink):
    """The rate tried before the accepted one (``lr0`` when ``lr0`` passes)."""
    accepted = _backtrack(f, grad, w, lr0, c, shrink)
    return accepted / shrink if accepted < lr0 else accepted


def _trial_diagnosis(test, what, hint):
    """A diagnosis read off the rates the search tried, the same in every failing case."""
    sentence = dg.say(what, hint)

    def explain(outcome):
        found = _trials(outcome)
        return sentence if found is not None and test(*found) else None

    def diagnosis(failing):
        found = [explain(o) for o in failing]
        return sentence if all(found) else None

    return diagnosis


def _growing(rates, ran_out):
    head = rates[:5]
    return len(head) >= 2 and bool(np.all(head > 0) and np.all(np.diff(head) > 0))


def _uphill(rates, ran_out):
    return bool(np.all(rates < 0))


def _repeated(rates, ran_out):
    return ran_out and len(rates) >= 2 and bool(np.all(rates == rates[0]))


def _untested(failing):
    """Every failing answer is a rate the search never tried, after every rate it tried failed."""
    for o in failing:
        if o.error is not None or isinstance(o.got, (bool, str, tuple, list)):
            return None
        found = _trials(o)
        try:
            got = float(o.got)
        except (TypeError, ValueError):
            return None
        if found is None or not math.isfinite(got):
            return None
        f, _, w, _, c, _ = o.args
        s, rates = f.surface, found[0]
        if np.any(np.isclose(rates, got, rtol=1e-9, atol=0.0)):
            return None
        g = s.grad(w)
        f0, gg = float(s(w)), float(g @ g)
        losses = np.array([float(s(w - t * g)) for t in rates])
        if np.any(losses <= f0 - c * rates * gg):
            return None  # a rate it tried passed
    return dg.say(
        "a rate the search never tested: every rate it tried failed Armijo's "
        "test, and it stopped trying before one passed",
        "keep shrinking until a rate passes and return that rate; a loop with "
        "a fixed number of trials can stop before one does",
    )


def _above_lr0(failing):
    """Every failing answer is a finite number above ``lr0``."""
    for o in failing:
        if o.error is not None or isinstance(o.got, (bool, str, tuple, list)):
            return None
        try:
            got = np.asarray(o.got, dtype=float)
        except (TypeError, ValueError):
            return None
        if got.ndim != 0 or not np.isfinite(got) or not got > o.args[3] * (1 + 1e-9):
            return None
    return dg.say(
        "a rate above lr0",
        "backtracking starts at lr0 and only ever shrinks it, so lr0 is the "
        "largest rate it can return",
    )


def _pair(failing):
    """A tuple or list whose first entry is the expected rate."""
    for o in failing:
        got = o.got
        if not isinstance(got, (tuple, list)) or len(got) < 2:
            return None
        if not dg.close(got[0], o.expected):
            return None
    return dg.say(
        "a tuple whose first entry is the right rate",
        "return the rate alone, not a pair",
    )


_BACKTRACK_MISTAKES = (
    dg.variant(
        _curvature,
        "a test on the slope at the trial point, |grad(w - lr*g).g| <= "
        "0.9*g.g, in place of Armijo's test on the loss",
        "that is the curvature condition (the second Wolfe condition), not "
        "sufficient decrease: backtracking tests the loss, f(w - lr*g) <= "
        "f(w) - c*lr*g.g, and never the gradient at the trial point",
    ),
    dg.variant(
        _half_c,
        "c/2 where c belongs in the slope term: f(w) - (c/2)*lr*g.g",
        "the slope term's factor is c itself: the step must achieve the "
        "fraction c of the decrease lr*g.g that the slope promises (the 1/2 "
        "of the descent lemma belongs to its curvature term, not here)",
    ),
    dg.variant(
        _double_c,
        "2c where c belongs in the slope term: f(w) - 2*c*lr*g.g",
        "the slope term's factor is c itself: the step must achieve the "
        "fraction c of the decrease lr*g.g that the slope promises",
    ),
    dg.variant(
        _wrong_sign,
        "the slope term with the wrong sign, f(w - lr*g) <= f(w) + c*lr*g.g, "
        "which can accept a step that raises the loss",
        "along -g the loss first falls at the rate g.g; the test asks for a "
        "fraction c of that fall, so its right-hand side lies below f(w)",
    ),
    *(
        dg.variant(
            test,
            "a test for any decrease of the loss, without the c*lr*g.g term",
            "a decrease is not enough: the step must achieve a fraction c of the "
            "decrease the slope promises for that rate",
        )
        for test in (_any_decrease, _any_strict_decrease)
    ),
    dg.variant(
        _strict,
        "a strict inequality, <, in the test: it differs from Armijo's <= only "
        "where the two sides are equal, as they are in this case",
        "a rate whose loss lands exactly on the line f(w) - c*lr*g.g passes",
    ),
    dg.variant(
        _new_gradient,
        "the slope term computed with the gradient at the trial point, "
        "c*lr*|grad(w - lr*g)|**2, instead of the gradient at w",
        "the line the loss must stay under starts at w with the slope there: "
        "the gradient at w, computed once before the loop",
    ),
    dg.variant(
        _without_c,
        "the slope term without c, f(w) - lr*g.g: the whole decrease the "
        "slope promises, which a convex loss never quite achieves",
        "ask for the fraction c of that decrease: f(w - lr*g) <= f(w) - c*lr*g.g",
    ),
    dg.variant(
        _one_minus_c,
        "1 - c where c belongs in the slope term: f(w) - (1 - c)*lr*g.g",
        "c is the fraction of the promised decrease the step must achieve; "
        "1 - c appears in the bound on the accepted rate, 2(1 - c)/L, not in "
        "the test",
    ),
    dg.variant(
        lambda f, grad, w, lr0, c, shrink: _backtrack(f, grad, w, lr0, shrink, c),
        "c and shrink swapped: shrink in the slope term and c as the factor "
        "the rate is multiplied by",
        "c multiplies the slope term of the test; shrink multiplies the rate "
        "after a failed trial",
    ),
    dg.variant(
        lambda f, grad, w, lr0, c, shrink: (
            shrink * _backtrack(f, grad, w, lr0, c, shrink)
        ),
        "a rate one shrink too small: the accepted rate times shrink",
        "the loop should end with lr equal to the first rate that passed; "
        "return it as it is, without shrinking it once more",
    ),
    dg.variant(
        lambda f, grad, w, lr0, c, shrink: _backtrack(f, grad, w, 1.0, c, shrink),
        "a search that starts from 1 instead of lr0",
        "the first rate tried is the argument lr0",
    ),
    dg.variant(
        _norm_not_squared,
        "the length of g, |g|, or another first power of g such as its sum, "
        "in the slope term, where g.g = |g|**2 belongs",
        "the slope of the loss along -g, per unit of rate, is g.g",
    ),
    _above_lr0,
    _trial_diagnosis(
        _growing,
        "a rate that grows from trial to trial",
        "after each failed trial the rate must get smaller: multiply it by "
        "shrink, which is below 1, rather than dividing by it",
    ),
    _off_line,
    _lacks_the_rate,
    _untested,
    dg.variant(
        _last_rejected,
        "a rate one shrink too large: the accepted rate divided by shrink",
        "return the first rate that passes the test, not the one tried before it",
    ),
    dg.variant(
        lambda f, grad, w, lr0, c, shrink: _backtrack(
            f, grad, w, lr0 * shrink, c, shrink
        ),
        "a search that never tries lr0: its first trial is lr0*shrink",
        "test lr0 itself before shrinking it",
    ),
    dg.variant(
        lambda f, grad, w, lr0, c, shrink: (
            w - _backtrack(f, grad, w, lr0, c, shrink) * f.surface.grad(w)
        ),
        "the new weights w - lr*g where the rate was expected",
        "return the accepted rate; the step itself is the caller's",
    ),
    _pair,
    _trial_diagnosis(
        _uphill,
        "trial points on the uphill side of w, w + lr*g",
        "the trial point moves against the gradient, which points uphill",
    ),
    _trial_diagnosis(
        _repeated,
        "the same trial point evaluated again and again: the rate does not "
        "change between trials",
        "after a failed trial the smaller rate must be stored before the next test",
    ),
    dg.wrong_shape(),
    dg.not_finite(),
    dg.raised(),
)


def _show_backtrack(f, grad, w, lr0, c, shrink):
    args = ", ".join(describe(a) for a in (w, lr0, c, shrink))
    return f"backtrack(f, grad, {args}) with f(w) = {f.formula}"


def _traced(function):
    """The reader's function, with the case's records cleared before each call."""
    if not callable(function):
        return function

    def run(f, grad, w, lr0, c, shrink):
        f.points.clear()
        grad.points.clear()
        return function(f, grad, w, lr0, c, shrink)

    return run


def check_backtrack(function):
    """Check ``function(f, grad, w, lr0, c, shrink)``: the rate backtracking accepts along ``-grad(w)``.

    Parameters
    ----------
    function : callable
        The reader's search: the loss ``f`` and its gradient ``grad`` (each a
        function of one point), the point ``w``, the first rate ``lr0``, the
        constant ``c`` and the factor ``shrink``; the accepted rate out.

    Returns
    -------
    CheckResult

    Notes
    -----
    With :math:`g = \\nabla f(w)`, the rate is :math:`\\eta = \\eta_0 \\rho^j`
    for the smallest :math:`j \\ge 0` with

    .. math:: f(w - \\eta g) \\le f(w) - c\\, \\eta\\, g^\\top g ,

    the search of :func:`gdcourse.stepsizes.armijo` along :math:`d = -g`,
    which is the reference.  The loss and the gradient a case passes record
    where they are evaluated, so a search that tries growing rates, uphill
    points or the same point again is named; after :data:`BUDGET`
    evaluations they raise :class:`TooManyEvaluations`, which ends a loop
    that would not end.  The first case has the two sides of the test equal
    at its second rate (:math:`0 = 1 - 0.5 \\cdot 0.5 \\cdot 4`), the one
    case where a strict ``<`` changes the answer.

    Examples
    --------
    >>> def backtrack(f, grad, w, lr0, c, shrink):
    ...     g = grad(w)
    ...     lr = lr0
    ...     while f(w - lr * g) > f(w) - c * lr * (g @ g):
    ...         lr = lr * shrink
    ...     return lr
    >>> check_backtrack(backtrack)
    All 11 cases passed: backtrack(f, grad, w, lr0, c, shrink) is right.

    A classic mistake, any decrease accepted:

    >>> def any_decrease(f, grad, w, lr0, c, shrink):
    ...     g = grad(w)
    ...     lr = lr0
    ...     while f(w - lr * g) > f(w):
    ...         lr = lr * shrink
    ...     return lr
    >>> check_backtrack(any_decrease)
    0 of 11 cases passed before one failed.
    Case 1: backtrack(f, grad, array([1.]), 1, 0.5, 0.5) with f(w) = w[0]**2
      expected: 0.5
      got:      1
      the numbers differ
      It looks like a test for any decrease of the loss, without the c*lr*g.g term. Hint: a decrease is not enough: the step must achieve a fraction c of the decrease the slope promises for that rate.
    """
    return check(
        _traced(function),
        _backtrack,
        _backtrack_cases(),
        name="backtrack(f, grad, w, lr0, c, shrink)",
        diagnoses=_BACKTRACK_MISTAKES,
        show=_show_backtrack,
    )


# ----------------------------------------------------------------------------
# Exercise: one (damped) Newton step
# ----------------------------------------------------------------------------


def _newton_step(grad, hess, w, damping):
    """The reference: one step of :func:`gdcourse.newton.newton` on the quadratic with this gradient and Hessian at ``w``."""
    from gdcourse import newton, surfaces

    g, H, w = (np.asarray(a, dtype=float) for a in (grad, hess, w))
    model = surfaces.quadratic(H, b=H @ w - g)
    return newton.newton(model, w, steps=1, damping=damping).weights[1]


def _solve(H, g):
    return np.linalg.solve(np.asarray(H, dtype=float), np.asarray(g, dtype=float))


def _eye(hess):
    return np.eye(len(hess))


_NEWTON_CASES = [
    (
        np.array([4.0, 2.0]),
        np.array([[3.0, 1.0], [1.0, 3.0]]),
        np.array([1.0, 2.0]),
        1.0,
    ),
    (
        np.array([1.0, -1.0]),
        np.array([[2.0, 0.0], [0.0, -1.0]]),
        np.array([0.5, 0.5]),
        3.0,
    ),
    (np.array([3.0]), np.array([[4.0]]), np.array([2.0]), 2.0),
    (
        np.array([1.0, 0.0, -1.0]),
        np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 2.0]]),
        np.array([0.0, 0.0, 0.0]),
        0.5,
    ),
    (
        np.array([1.0, 1.0]),
        np.array([[1.0, 0.5], [0.5, 1.0]]),
        np.array([1.0, -1.0]),
        1.0,
    ),
    (
        np.array([2.0, -1.0]),
        np.array([[2.0, 1.0], [1.0, 2.0]]),
        np.array([1.0, 1.0]),
        0.0,
    ),
]


def _damped(hess, damping):
    return hess + damping * _eye(hess)


def _saddle_free(H, g, damping):
    """(|H| + damping*I)^-1 g, with |H| from the absolute values of H's eigenvalues."""
    values, vectors = np.linalg.eigh(np.asarray(H, dtype=float))
    return vectors @ ((vectors.T @ g) / (np.abs(values) + damping))


_NEWTON_STEP_MISTAKES = (
    dg.variant(
        lambda g, H, w, lam: w - _damped(H, lam) @ g,
        "the gradient multiplied by H + damping*I instead of solved with it",
        "Newton's step divides the gradient by the curvature: along an "
        "eigenvector of curvature h it moves by the gradient's component there "
        "divided by h + damping, not multiplied by h + damping",
    ),
    dg.variant(
        lambda g, H, w, lam: w - H @ g,
        "the gradient multiplied by H instead of solved with H + damping*I",
        "Newton's step divides the gradient by the curvature: along an "
        "eigenvector of curvature h it moves by the gradient's component there "
        "divided by h + damping, not multiplied by h",
    ),
    dg.variant(
        lambda g, H, w, lam: w + _solve(_damped(H, lam), g),
        "a step uphill, w + (H + damping*I)^-1 g",
        "the minimiser of the model is where its gradient g + (H + damping*I) s "
        "is zero: solve for s",
    ),
    dg.variant(
        lambda g, H, w, lam: w - _solve(H, g),
        "the undamped step: the damping is missing",
        "the model's curvature is H + damping*I: the damping belongs in the "
        "matrix the step is solved with",
    ),
    dg.variant(
        lambda g, H, w, lam: w - _solve(H, g + lam),
        "the damping added to the gradient instead of to the Hessian",
        "damping adds curvature: it goes on the diagonal of H",
    ),
    dg.variant(
        lambda g, H, w, lam: w - _solve(H + lam, g),
        "the damping added to every entry of H, H + damping, instead of to its "
        "diagonal",
        "NumPy adds a number to every entry of a matrix; the identity matrix "
        "puts it on the diagonal only",
    ),
    dg.variant(
        lambda g, H, w, lam: w - _solve(H + lam * np.diag(np.diag(H)), g),
        "Marquardt's scaling, H + damping*diag(H), where this exercise adds "
        "damping*I (Levenberg's damping)",
        "add the same damping to every diagonal entry, whatever H's diagonal is",
    ),
    dg.variant(
        lambda g, H, w, lam: w - g / np.diag(_damped(H, lam)),
        "only the diagonal of H + damping*I: each coordinate divided by its "
        "own curvature, as a diagonal preconditioner does",
        "Newton's step solves with the whole matrix; its off-diagonal entries "
        "turn the step",
    ),
    dg.variant(
        lambda g, H, w, lam: w - _solve(H, g) / (1.0 + lam),
        "the damping used as a rate, (H^-1 g)/(1 + damping)",
        "the damping is added to the curvature, H + damping*I, before solving: "
        "it changes the direction as well as the length",
    ),
    dg.variant(
        lambda g, H, w, lam: w - _saddle_free(H, g, lam),
        "the absolute values of H's eigenvalues (saddle-free Newton)",
        "this exercise asks for H + damping*I itself, negative curvature included",
    ),
    dg.variant(
        lambda g, H, w, lam: w - _solve(H - lam * _eye(H), g),
        "the damping subtracted from the Hessian",
        "damping adds curvature to the model; it does not remove any",
    ),
    dg.variant(
        lambda g, H, w, lam: -_solve(_damped(H, lam), g),
        "the step s itself where the new weights w + s were expected",
        "return the new weights",
    ),
    dg.variant(
        lambda g, H, w, lam: _solve(_damped(H, lam), g),
        "minus the step, (H + damping*I)^-1 g, where the new weights were expected",
        "return the new weights, w plus the step",
    ),
    dg.variant(
        lambda g, H, w, lam: w[None, :] + (-_solve(_damped(H, lam), g))[:, None],
        "a (d, d) table: the step as a column, shape (d, 1), added to the row w",
        "NumPy broadcasts a column and a row into a table; keep the step 1-D, "
        "shape (d,) like g",
    ),
    dg.wrong_shape(),
    dg.not_finite(),
    dg.raised(),
)


def _show_newton(grad, hess, w, damping):
    return (
        f"newton_step(grad={grad.tolist()}, hess={hess.tolist()}, "
        f"w={w.tolist()}, damping={damping:g})"
    )


def check_newton_step(function):
    """Check ``function(grad, hess, w, damping)``: the weights after one damped Newton step.

    Parameters
    ----------
    function : callable
        The reader's step: the gradient ``grad`` (shape ``(d,)``) and Hessian
        ``hess`` (``(d, d)``) at ``w``, the weights ``w`` and the damping
        :math:`\\lambda \\ge 0`; the new weights out, shape ``(d,)``.

    Returns
    -------
    CheckResult

    Notes
    -----
    The step minimises the damped quadratic model
    :math:`\\mathcal Q_\\lambda(s) = f(w) + g^\\top s + \\tfrac12 s^\\top (H + \\lambda I) s`
    (its gradient :math:`g + (H + \\lambda I) s` vanishes there):

    .. math:: w_{\\text{new}} = w - (H + \\lambda I)^{-1} g .

    In every case :math:`H + \\lambda I` is positive definite, and in one
    of them :math:`H` is not.  The reference is one step of
    :func:`gdcourse.newton.newton` on the quadratic with this gradient and
    Hessian at ``w``.  ``np.linalg.inv(H + damping * np.eye(d)) @ g`` and
    ``g @ np.linalg.inv(...)`` give the same numbers as ``np.linalg.solve``
    (the matrix is symmetric): they pass.

    Examples
    --------
    >>> def newton_step(grad, hess, w, damping):
    ...     H = hess + damping * np.eye(len(w))
    ...     return w - np.linalg.solve(H, grad)
    >>> check_newton_step(newton_step)
    All 6 cases passed: newton_step(grad, hess, w, damping) is right.

    A classic mistake, the damping added to every entry:

    >>> def every_entry(grad, hess, w, damping):
    ...     return w - np.linalg.solve(hess + damping, grad)
    >>> check_newton_step(every_entry)
    0 of 6 cases passed before one failed.
    Case 1: newton_step(grad=[4.0, 2.0], hess=[[3.0, 1.0], [1.0, 3.0]], w=[1.0, 2.0], damping=1)
      expected: array([0.066667, 1.733333])
      got:      array([0., 2.])
      the numbers differ
      It looks like the damping added to every entry of H, H + damping, instead of to its diagonal. Hint: NumPy adds a number to every entry of a matrix; the identity matrix puts it on the diagonal only.
    """
    return check(
        function,
        _newton_step,
        _NEWTON_CASES,
        name="newton_step(grad, hess, w, damping)",
        diagnoses=_NEWTON_STEP_MISTAKES,
        show=_show_newton,
    )


# ----------------------------------------------------------------------------
# Exercise: a damping that repairs Newton's method from near a saddle
# ----------------------------------------------------------------------------

#: The decision of the damping exercise: Newton's method with a backtracking
#: search along its direction on :func:`gdcourse.surfaces.two_valleys`
#: (``tilt``) from ``start``, for ``steps`` steps; the run must end within
#: ``tol`` of a minimum.
NEWTON_DAMPING = {"tilt": 0.3, "start": (0.2, 0.5), "steps": 30, "tol": 1e-3}


def _damping_run(damping):
    from gdcourse import newton, stepsizes, surfaces

    return newton.newton(
        surfaces.two_valleys(NEWTON_DAMPING["tilt"]),
        NEWTON_DAMPING["start"],
        steps=NEWTON_DAMPING["steps"],
        damping=damping,
        lr=stepsizes.armijo(),
    )


def _point(w):
    return "(" + ", ".join(f"{x:.3g}" for x in w) + ")"


def check_newton_damping(damping):
    """Check a damping: does damped Newton from between the two valleys reach a minimum?

    The choice is run: :func:`gdcourse.newton.newton` on
    :func:`gdcourse.surfaces.two_valleys` from :data:`NEWTON_DAMPING`'s
    start, with ``damping`` and a backtracking search
    (:func:`gdcourse.stepsizes.armijo`) along Newton's direction, for its 30
    steps.  It passes when the run ends within ``tol`` of a minimum.

    Parameters
    ----------
    damping : float
        The reader's choice, :math:`\\lambda \\ge 0`.

    Returns
    -------
    Verdict
        Its ``ok`` and a report: where the run ended and why, and for a choice
        that fails, the evidence in the run to look at (its stop reason,
        ``min_eigenvalues``, the distance left along each axis), never a
        value that passes.

    Notes
    -----
    The direction :math:`d = -(H + \\lambda I)^{-1} g` points to the
    critical point of the model :math:`g^\\top s + \\tfrac12 s^\\top (H +
    \\lambda I) s`: its minimum when :math:`H + \\lambda I` is positive
    definite, otherwise a saddle or a maximum of the model.  Where
    :math:`g^\\top d \\ge 0` the search has no rate to accept and the run
    stops (``"not descent"``).  A large damping makes every step safe but
    short: along an eigenvector of curvature :math:`h > 0` a full step
    removes only :math:`h / (h + \\lambda)` of the distance to the
    model's minimum.

    Examples
    --------
    >>> check_newton_damping(0.0)
    damping = 0: the run stopped at step 1, at (0.067, 0) ("not descent"), 0.893 from the nearest minimum.
    Not yet. At step 1, at (0.067, 0), H + damping*I had a negative eigenvalue (see run.min_eigenvalues[1]), so the model had no minimum: the direction -(H + damping*I)^-1 g, towards the model's critical point, pointed uphill and the line search had no rate to accept. Look at run.min_eigenvalues along the run: for the model to have a minimum, what sign must they have?
    >>> check_newton_damping(10.0)
    damping = 10: the run ended after 30 steps at (0.96, 0.0287), 0.0287 from the nearest minimum.
    Not yet. Every step lowered the loss, but after 30 steps the run is still 0.0287 from (0.96, 0) along w2. Look at run.weights[:, 1]: what fraction of the distance left does each step remove, and how does that fraction depend on the damping?
    """
    if (
        isinstance(damping, bool)
        or not isinstance(damping, Real)
        or not math.isfinite(damping)
        or damping < 0
    ):
        return Verdict(
            False, f"damping must be a number >= 0, got {describe(damping)}."
        )
    from gdcourse import surfaces

    surface = surfaces.two_valleys(NEWTON_DAMPING["tilt"])
    minima = surface.minima
    run = _damping_run(float(damping))
    n = int(run.stopped_at)
    end = run.weights[n]
    gaps = np.linalg.norm(run.weights[: n + 1, None, :] - minima, axis=-1).min(-1)
    near = int(np.argmin(np.linalg.norm(minima - end, axis=-1)))
    tol, steps = NEWTON_DAMPING["tol"], NEWTON_DAMPING["steps"]
    reason = run.stop_reason
    head = f"damping = {describe(float(damping))}: the run "
    if reason == "steps":
        head += f"ended after {n} steps at {_point(end)}"
    else:
        head += f'stopped at step {n}, at {_point(end)} ("{reason}")'
    head += f", {gaps[n]:.3g} from the nearest minimum."
    if gaps[n] <= tol:
        first = int(np.argmax(gaps <= tol))
        return Verdict(
            True,
            f"{head}\nA minimum within {steps} steps: it came within {tol:g} of "
            f"{_point(minima[near])} at step {first}.",
        )
    # the lowest eigenvalue of H + damping*I at each row a step started from
    eigs = run.min_eigenvalues[: n + 1]
    if reason == "singular":
        why = (
            f"H + damping*I was singular at step {n} (its lowest eigenvalue is "
            "zero to rounding): the damping cancelled a curvature of H exactly, "
            "and Newton's step is not defined. Look at run.min_eigenvalues of a "
            "run without damping."
        )
    elif reason == "not descent" and eigs[n] < 0:
        where = "At the start" if n == 0 else f"At step {n}, at {_point(end)},"
        why = (
            f"{where} H + damping*I had a negative eigenvalue (see "
            f"run.min_eigenvalues[{n}]), so the model had no minimum: the "
            "direction -(H + damping*I)^-1 g, towards the model's critical "
            "point, pointed uphill and the line search had no rate to accept. "
            "Look at run.min_eigenvalues along the run: for the model to have a "
            "minimum, what sign must they have?"
        )
    elif reason == "steps" and np.all(eigs[:n] > 0):
        left = np.abs(end - minima[near])
        axis = int(np.argmax(left))
        why = (
            f"Every step lowered the loss, but after {steps} steps the run is "
            f"still {left[axis]:.3g} from {_point(minima[near])} along "
            f"w{axis + 1}. Look at run.weights[:, {axis}]: what fraction of the "
            "distance left does each step remove, and how does that fraction "
            "depend on the damping?"
        )
    elif (
        reason == "steps"
        and np.nanmin(eigs[:n]) < 0
        and np.linalg.eigvalsh(surface.hessian(end))[0] < 0
    ):
        saddle = run.grad_norms[n] < 1e-6
        why = (
            f"It ended at {_point(end)}, where the Hessian of the loss has a "
            "negative eigenvalue"
            + (
                f" and the gradient is below 1e-06 (run.grad_norms[{n}]): a "
                "saddle of the loss"
                if saddle
                else ""
            )
            + ". Newton's direction leads to the critical point of the model, "
            "which is a minimum only where H + damping*I is positive definite. "
            "Look at run.min_eigenvalues along the run: what sign must they have?"
        )
    else:
        why = (
            "Look at run.stop_reason, run.min_eigenvalues and run.weights of "
            "your run (gd.newton.newton with the same arguments)."
        )
    return Verdict(False, f"{head}\nNot yet. {why}")

"""Checkers of chapter 1: gradient descent."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from . import diagnose as dg
from .core import check, describe, finite_real

__all__ = [
    "check_gradient_step",
    "check_mse_gradient",
    "check_descend",
    "check_stopping_tol",
    "STOPPING",
]


def _gradient_step(w, grad, lr):
    from gdcourse import optimizers

    sgd = optimizers.sgd()
    return sgd.update(grad, sgd.init(w), w, lr)[0]


_GRADIENT_STEP_MISTAKES = (
    dg.variant(
        lambda w, grad, lr: w + lr * grad,
        "a step uphill, along the gradient",
        "the gradient points uphill; descent moves the other way",
    ),
    dg.variant(
        lambda w, grad, lr: w - grad,
        "a step without the learning rate",
        "the rate scales the step",
    ),
    dg.variant(
        lambda w, grad, lr: -lr * grad,
        "the step alone, not the new point",
        "the answer is where the step lands, starting from w",
    ),
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


def check_gradient_step(function):
    """Check ``function(w, grad, lr)``: one gradient-descent update :math:`w - \\eta \\nabla f`.

    Parameters
    ----------
    function : callable
        The reader's update.

    Returns
    -------
    CheckResult

    Examples
    --------
    A classic mistake, a step uphill:

    >>> check_gradient_step(lambda w, grad, lr: w + lr * grad)
    0 of 4 cases passed before one failed.
    Case 1: gradient_step(array([ 1., -2.]), array([0.5, 0.5]), 0.1)
      expected: array([ 0.95, -2.05])
      got:      array([ 1.05, -1.95])
      the numbers differ
      It looks like a step uphill, along the gradient. Hint: the gradient points uphill; descent moves the other way.
    """
    cases = [
        (np.array([1.0, -2.0]), np.array([0.5, 0.5]), 0.1),
        (np.array([3.0]), np.array([6.0]), 0.2),
        (np.array([0.0, 0.0, 1.0]), np.array([1.0, -1.0, 2.0]), 1.0),
        (np.array([2.0, 2.0]), np.array([0.0, 0.0]), 0.5),
    ]
    return check(
        function,
        _gradient_step,
        cases,
        name="gradient_step(w, grad, lr)",
        diagnoses=_GRADIENT_STEP_MISTAKES,
    )


def _mse_gradient(w, X, y):
    return X.T @ (X @ w - y) / len(y)


def _mse_loss(w, X, y):
    """The loss itself, ``1/(2N) ||X w - y||^2``: returned where its gradient was asked."""
    return 0.5 * np.mean((X @ w - y) ** 2)


_LOSS_NOT_GRADIENT = (
    "the loss itself, one number, instead of its gradient",
    "the gradient is the vector of partial derivatives of the loss, one per weight",
)

_MSE_GRADIENT_MISTAKES = (
    dg.variant(_mse_loss, *_LOSS_NOT_GRADIENT),
    dg.variant(lambda w, X, y: 2 * _mse_loss(w, X, y), *_LOSS_NOT_GRADIENT),
    dg.variant(
        lambda w, X, y: _mse_gradient(w, X, y) / len(y),
        "the expected answer divided by N",
        "the 1/N of the mean appears exactly once in the gradient",
    ),
    dg.factor(
        ("N", lambda w, X, y: len(y)),
        hint="the loss is a mean over the N examples, and so is its gradient",
        constant=False,
    ),
    dg.factor(
        ("2", lambda w, X, y: 2.0),
        hint="the 1/2 in front of the loss cancels the 2 from the square",
    ),
    dg.sign(
        "a residual is prediction minus target; check the order of the subtraction"
    ),
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


def check_mse_gradient(function):
    """Check ``function(w, X, y)``: the gradient of the mean squared error.

    Parameters
    ----------
    function : callable
        The reader's gradient.

    Returns
    -------
    CheckResult

    Notes
    -----
    For :math:`L(w) = \\frac{1}{2n} \\lVert X w - y \\rVert^2`,

    .. math:: \\nabla L(w) = \\tfrac1n X^\\top (X w - y).

    A classic mistake, the sum where the mean was meant:

    >>> check_mse_gradient(lambda w, X, y: X.T @ (X @ w - y))
    0 of 3 cases passed before one failed.
    Case 1: mse_gradient(array([-0.7 , -1.27]), array([[ 0.13, -0.13],
     [ 0.64,  0.1 ],
     [-0.54,  0.36],
     [ 1.3 ,  0.95]]), array([-0.62,  0.04, -2.33, -0.22]))
      expected: array([-0.996062, -0.28578 ])
      got:      array([-3.984249, -1.14312 ])
      the numbers differ
      It looks like the expected answer times N. Hint: the loss is a mean over the N examples, and so is its gradient.
    """
    rng = np.random.default_rng(0)
    cases = []
    for n, d in [(4, 2), (10, 3), (7, 1)]:
        X = np.round(rng.normal(size=(n, d)), 2)
        cases.append(
            (np.round(rng.normal(size=d), 2), X, np.round(rng.normal(size=n), 2))
        )
    return check(
        function,
        _mse_gradient,
        cases,
        name="mse_gradient(w, X, y)",
        diagnoses=_MSE_GRADIENT_MISTAKES,
    )


class _QuadraticGradient:
    """The gradient ``w -> A w`` of ``1/2 w^T A w``, named for the report."""

    def __init__(self, name, A):
        self.name = name
        self.A = np.asarray(A, dtype=float)

    def __call__(self, w):
        return self.A @ np.asarray(w, dtype=float)

    def __repr__(self):
        return self.name


def _descend(grad, w0, lr, tol, max_steps, norm=np.linalg.norm):
    path = [np.asarray(w0, dtype=float)]
    for _ in range(max_steps):
        g = grad(path[-1])
        if norm(g) < tol:
            break
        path.append(path[-1] - lr * g)
    return np.array(path)


def _step_then_test(grad, w0, lr, tol, max_steps):
    """The classic mistake: step first, then test the gradient at the new point."""
    path = [np.asarray(w0, dtype=float)]
    for _ in range(max_steps):
        path.append(path[-1] - lr * grad(path[-1]))
        if np.linalg.norm(grad(path[-1])) < tol:
            break
    return np.array(path)


def _all_rows_last(grad, w0, lr, tol, max_steps):
    """Every row the last point: one array updated in place and appended each step."""
    path = _descend(grad, w0, lr, tol, max_steps)
    return np.broadcast_to(path[-1], path.shape).copy()


def _rows_after_start_last(grad, w0, lr, tol, max_steps):
    """The start kept, every later row the last point (a copy updated in place)."""
    path = _all_rows_last(grad, w0, lr, tol, max_steps)
    path[0] = w0
    return path


def _l1_norm(g):
    """The mistake of a stopping test on the sum of absolute values."""
    return np.sum(np.abs(g))


def _max_norm(g):
    """The mistake of a stopping test on the largest absolute component."""
    return np.max(np.abs(g))


_OTHER_NORM = (
    "a stopping test on another norm of the gradient",
    "the gradient's norm is its Euclidean length, np.linalg.norm(g)",
)

_IN_PLACE = (
    "every row of the path after the start is the last point",
    "the list holds one array that an in-place update (w -= lr * g) kept"
    " changing; append a new array at every step, w = w - lr * g",
)

_DESCEND_MISTAKES = (
    dg.variant(_all_rows_last, "every row of the path is the last point", _IN_PLACE[1]),
    dg.variant(_rows_after_start_last, *_IN_PLACE),
    dg.variant(
        _step_then_test,
        "a step taken before the first test",
        "test the stopping rule before taking a step: at a start that is already"
        " flat the loop takes no step at all",
    ),
    dg.variant(
        lambda grad, w0, lr, tol, max_steps: _descend(grad, w0, lr, tol, max_steps + 1),
        "a loop that takes max_steps + 1 steps when nothing stops it earlier",
        "a run cut off by max_steps has taken max_steps steps, so its path holds"
        " max_steps + 1 points; count the passes of the loop",
    ),
    dg.variant(
        lambda grad, w0, lr, tol, max_steps: _descend(grad, w0, lr, tol, max_steps - 1),
        "a path one step short when max_steps ends the run",
        "a run cut off by max_steps has taken max_steps steps, so its path holds"
        " max_steps + 1 points, the point the last step reached included",
    ),
    dg.variant(
        lambda *args: _descend(*args, norm=_l1_norm),
        *_OTHER_NORM,
    ),
    dg.variant(
        lambda *args: _descend(*args, norm=_max_norm),
        *_OTHER_NORM,
    ),
    dg.variant(
        lambda grad, w0, lr, tol, max_steps: _descend(
            lambda w: -grad(w), w0, lr, tol, max_steps
        ),
        "steps uphill, along the gradient",
        "the gradient points uphill; descent moves the other way",
    ),
    dg.variant(
        lambda grad, w0, lr, tol, max_steps: _descend(grad, w0, lr, 0.0, max_steps),
        "a run that never stops early",
        "test the norm of the gradient against tol at every point, before stepping",
    ),
    dg.path_off_by_one(),
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


def check_descend(function):
    """Check ``function(grad, w0, lr, tol, max_steps)``: gradient descent with a stopping rule.

    The reader's function starts at ``w0``, and at every point first computes
    the gradient: if its norm is below ``tol`` it stops there, otherwise it takes
    the step :math:`w - \\eta \\nabla f(w)`; it takes at most ``max_steps``
    steps.  It returns every point it visited, the start included, as an array
    of shape ``(k + 1, d)`` after ``k`` steps.

    Parameters
    ----------
    function : callable
        The reader's descent loop.

    Returns
    -------
    CheckResult

    Notes
    -----
    The rule is: stop at the first :math:`k \\le` ``max_steps`` with
    :math:`\\lVert \\nabla f(w_k) \\rVert <` ``tol``, where
    :math:`w_{k+1} = w_k - \\eta \\nabla f(w_k)`.
    The cases include a start that is already flat (no step at all), a run
    cut off by ``max_steps``, a rate so large the run never settles, and a
    run in which the Euclidean norm drops below ``tol`` one step before the
    sum of absolute values does.

    Examples
    --------
    >>> def descend(grad, w0, lr, tol, max_steps):
    ...     path = [w0]
    ...     while len(path) <= max_steps and np.linalg.norm(grad(path[-1])) >= tol:
    ...         path.append(path[-1] - lr * grad(path[-1]))
    ...     return np.array(path)
    >>> check_descend(descend)
    All 6 cases passed: descend(grad, w0, lr, tol, max_steps) is right.

    A classic mistake, a path without its start:

    >>> def no_start(grad, w0, lr, tol, max_steps):
    ...     return descend(grad, w0, lr, tol, max_steps)[1:]
    >>> check_descend(no_start)
    0 of 6 cases passed before one failed.
    Case 1: descend(gradient of x**2, array([3.]), 0.25, 0.1, 100)
      expected: array([[3.      ],
     [1.5     ],
     [0.75    ],
     [0.375   ],
     [0.1875  ],
     [0.09375 ],
     [0.046875]])
      got:      array([[1.5     ],
     [0.75    ],
     [0.375   ],
     [0.1875  ],
     [0.09375 ],
     [0.046875]])
      the answer has shape (6, 1), expected shape (7, 1)
      It looks like the path is missing its start point. Hint: the first row of the path is w0 itself, before any step.
    """
    parabola = _QuadraticGradient("gradient of x**2", [[2.0]])
    ravine = _QuadraticGradient(
        "gradient of (x**2 + 10 y**2) / 2", [[1.0, 0.0], [0.0, 10.0]]
    )
    cases = [
        (parabola, np.array([3.0]), 0.25, 0.1, 100),
        (ravine, np.array([1.0, 1.0]), 0.15, 1e-4, 500),
        (ravine, np.array([0.0, 0.0]), 0.1, 1e-6, 50),
        (parabola, np.array([3.0]), 0.01, 1e-9, 5),
        (parabola, np.array([3.0]), 1.5, 1e-3, 10),
        (ravine, np.array([1.0, -1.0]), 0.15, 0.5, 20),
    ]
    return check(
        function,
        _descend,
        cases,
        name="descend(grad, w0, lr, tol, max_steps)",
        diagnoses=_DESCEND_MISTAKES,
    )


# ----------------------------------------------------------------------------
# Exercise 1.4: a tolerance that stops at the right step
# ----------------------------------------------------------------------------

#: The runs of exercise 1.4: the chapter's line fit, its rate, the loss gap
#: to reach, the steps a stop may come after reaching it, and the step cap.
STOPPING = {"lr": 0.3, "target": 1e-5, "slack": 5, "max_steps": 200}


@lru_cache(maxsize=1)
def stopping_problem():
    """The line fit of chapter 1 and its 12 starts, for exercise 1.4.

    Returns
    -------
    surface : gdcourse.surfaces.Surface
        The mean squared error of a line on the chapter's 60 training points.
    starts : numpy.ndarray, shape (12, 2)
        Twelve starts as far from the best line as the chapter's start
        :math:`w_0 = (-1, 1.5)`, every 30 degrees around it, :math:`w_0` first.
    """
    from gdcourse import data, surfaces

    points = data.regression(
        n=80, weights=1.5, bias=-1.0, noise=0.8, x_range=(-1.0, 3.0), seed=1
    )
    surface = surfaces.least_squares(points.X_train[:, 0], points.y_train)
    w0 = np.array([-1.0, 1.5])
    off = w0 - surface.minima[0]
    turn = np.arctan2(off[1], off[0]) + np.radians(np.arange(0, 360, 30))
    ring = np.column_stack([np.cos(turn), np.sin(turn)])
    starts = surface.minima[0] + np.linalg.norm(off) * ring
    starts.flags.writeable = False
    return surface, starts


def _stops(tol):
    """Where the gradient-norm rule stops each start, and what the loss gap is there.

    Returns the stop step, whether the rule (not the cap) stopped it, the loss
    gap at the stop and the first step whose loss gap is below the target.
    """
    from gdcourse import descent

    surface, starts = stopping_problem()
    lr, cap = STOPPING["lr"], STOPPING["max_steps"]
    floor = surface(surface.minima[0])
    run = descent.gradient_descent(surface, starts, lr=lr, steps=cap, tol=tol)
    stop = np.asarray(run.stopped_at)
    by_rule = np.asarray(run.stop_reason) == "tol"
    gap = run.losses[stop, np.arange(len(starts))] - floor
    full = descent.gradient_descent(surface, starts, lr=lr, steps=cap)
    reached = np.argmax(full.losses - floor < STOPPING["target"], axis=0)
    return stop, by_rule, gap, reached


#: The run whose evidence exercise 1.4 asks for: the chapter's start, and
#: the length of the run of the stopping figure.
EVIDENCE_RUN = {"w0": (-1.0, 1.5), "steps": 100}


@lru_cache(maxsize=1)
def _evidence():
    """The chapter's run at rate ``STOPPING["lr"]`` from w0, and what it shows.

    Returns the first step whose loss gap is below the target, the gradient
    norms of the run, its loss gaps, the gradient at that step, and the
    steps where the figure's other thresholds are first met.
    """
    from gdcourse import descent

    surface, _ = stopping_problem()
    run = descent.gradient_descent(
        surface,
        np.array(EVIDENCE_RUN["w0"]),
        lr=STOPPING["lr"],
        steps=EVIDENCE_RUN["steps"],
    )
    gap = run.losses - surface(surface.minima[0])
    step = int(np.argmax(gap < STOPPING["target"]))
    change = np.abs(np.diff(run.losses))
    return {
        "step": step,
        "norms": np.asarray(run.grad_norms),
        "gap": gap,
        "grad": surface.grad(run.weights[step]),
        # where the figure's gradient rule (1e-3) stops
        "norm_1e-3": int(np.argmax(run.grad_norms < 1e-3)),
        # where the loss change first falls below the target, or 1e-6
        "change": {int(np.argmax(change < t)) + 1 for t in (STOPPING["target"], 1e-6)},
        # where the loss gap first falls below the target times the minimum
        "relative": int(
            np.argmax(gap < STOPPING["target"] * surface(surface.minima[0]))
        ),
        # where the gradient norm first falls below the target
        "norm_target": int(np.argmax(run.grad_norms < STOPPING["target"])),
    }


def _near(value, reference, rtol=0.01):
    return abs(value - reference) <= rtol * abs(reference)


def _step_hint(step):
    """Why ``step`` is not the first step of the run within the target, or None."""
    facts = _evidence()
    target, right = STOPPING["target"], facts["step"]
    if step == right:
        return None
    if step > EVIDENCE_RUN["steps"]:
        return (
            f"the run of the stopping figure has {EVIDENCE_RUN['steps']} steps;"
            " first_step is a step of that run"
        )
    if step == 0:
        return (
            "at the start the loss is far above its minimum; 0 is also what "
            "np.argmax returns when its condition holds at no step, as it does "
            f"for run.losses < {target:g}: the gap is run.losses minus "
            "surface(w_best)"
        )
    if step == facts["norm_1e-3"]:
        return (
            "that is where the gradient norm first falls below 1e-3, the "
            "figure's gradient-norm rule; the step asked for is where the loss "
            f"gap, run.losses - surface(w_best), first falls below {target:g}"
        )
    if step == facts["norm_target"]:
        return (
            f"that is where the gradient norm first falls below {target:g}; "
            f"{target:g} is the target for the loss gap, "
            "run.losses - surface(w_best)"
        )
    if step == facts["relative"] and step in facts["change"]:
        return (
            "that step fits either of two slips: a loss gap below the target times the "
            "minimum loss, and the loss change from one step to the next "
            f"below a threshold; the target is absolute: the loss gap itself, "
            f"run.losses - surface(w_best), below {target:g}"
        )
    if step == facts["relative"]:
        return (
            "that is where the loss gap falls below the target times the "
            f"minimum loss; the target is absolute: the loss gap itself, "
            f"run.losses - surface(w_best), below {target:g}"
        )
    if step in facts["change"]:
        return (
            "that is where the loss change from one step to the next falls "
            "below a threshold; the loss gap is the loss minus its minimum, "
            "surface(w_best), not the change per step"
        )
    if step == right + 1:
        return (
            "the gap is below the target there, but it already was one step "
            "earlier: run.losses[0] is the loss at the start, step 0, and the "
            "index np.argmax returns is already the step; do not add 1"
        )
    if facts["gap"][step] >= target:
        return (
            f"at that step the loss gap is still at or above {target:g}; "
            "find the first step at which it is below"
        )
    return (
        f"the loss gap is below {target:g} there, but it already was at an "
        "earlier step; find the first step at which it is below"
    )


def _norm_hint(value, step):
    """Why ``value`` is not the gradient norm at the first step within the target, or None."""
    facts = _evidence()
    target, right = STOPPING["target"], facts["step"]
    norms, grad = facts["norms"], facts["grad"]
    if _near(value, norms[right]):
        return None
    if _near(value, norms[right] ** 2):
        return (
            "it looks like the squared norm, g @ g; the norm is its square root, "
            "np.linalg.norm(g)"
        )
    if _near(value, np.sum(np.abs(grad))) or _near(value, np.max(np.abs(grad))):
        return (
            "it looks like another norm of the gradient (the sum or the largest "
            "of its absolute values); the rule uses its Euclidean length, "
            "np.linalg.norm(g), as run.grad_norms records it"
        )
    if _near(value, facts["gap"][right]):
        return (
            "it looks like the loss gap at that step, not the gradient norm: "
            "read run.grad_norms"
        )
    if _near(value, target):
        return (
            f"{target:g} is the target for the loss gap, not a gradient norm: "
            "read run.grad_norms at that step"
        )
    if _near(value, np.sqrt(target)):
        return (
            f"it looks like the square root of {target:g}, the norm only if "
            f"the loss gap there were {target:g} and equal to the norm squared; "
            f"at that step the gap is below {target:g}, and it is not the "
            "norm squared (compare the two); read run.grad_norms at that step"
        )
    if step is not None and step != right and _near(value, norms[step]):
        return (
            "it is the gradient norm at the step you gave as first_step, which "
            "is not yet right; the norm is read at the first step within the "
            "target"
        )
    if _near(value, norms[0]):
        return (
            "it looks like the gradient norm at the start, step 0; read it at "
            "the first step within the target"
        )
    for k in (right - 1, right + 1):
        if _near(value, norms[k]):
            before = "before" if k < right else "after"
            return (
                f"it looks like the gradient norm one step {before} the first "
                "step within the target: run.grad_norms[k] belongs to the same "
                "step k as run.losses[k]"
            )
    return (
        "read run.grad_norms at the first step whose loss gap is below "
        f"{target:g}: the same index as in run.losses"
    )


def _above(value, target):
    """``value``, at or above ``target``, in digits that show it is not below.

    Two significant digits, or up to four when fewer would round it to the
    target; "just above" or "exactly" the target when four still do.

    >>> _above(1.5e-5, 1e-5), _above(1.03e-5, 1e-5), _above(1.0003e-5, 1e-5)
    ('1.5e-05', '1.03e-05', 'just above 1e-05')
    """
    for digits in (2, 3, 4):
        text = f"{value:.{digits}g}"
        if float(text) > target:
            return text
    return f"just above {target:g}" if value > target else f"exactly {target:g}"


def _stopping_hint(kind, tol, near=False):
    target = STOPPING["target"]
    look = (
        "compare tol with grad_norm, the gradient norm you measured at the "
        f"first step whose loss gap is below {target:g}"
    )
    if kind == "start":
        return (
            "the gradient at the start is already shorter than tol, so the rule "
            "stops before the first step; compare tol with the gradient norms "
            "the run passes through"
        )
    if kind == "early":
        between = (
            ", and each start reaches that point somewhere else between two of "
            "its steps"
            if near
            else ""
        )
        return (
            "the gradient norm fell below tol while the loss was still above "
            "the target: tol is larger than the gradient norm this run has "
            f"where its loss gap reaches {target:g}{between}; {look}"
        )
    if kind == "never":
        return (
            f"in {STOPPING['max_steps']} steps the gradient norm never fell "
            "below tol: tol is far smaller than the gradient norms the runs "
            f"have when their loss gap reaches {target:g}; {look}"
        )
    if tol == target:
        return (
            f"{target:g} is the target for the loss gap, but tol is compared "
            "with the gradient's norm, a number on another scale: near the "
            "minimum of this bowl the loss gap shrinks in proportion to the "
            f"square of the gradient norm; {look}"
        )
    return (
        "the loss gap was below the target several steps before the gradient "
        "norm fell below tol: tol is smaller than the gradient norms the runs "
        f"have when their loss gap reaches {target:g}; {look}"
    )


def check_stopping_tol(tol, first_step=None, grad_norm=None):
    """Check a tolerance for the gradient-norm rule, and the evidence it is read from.

    Exercise 1.4: on the chapter's line fit, gradient descent at rate
    ``STOPPING["lr"]`` stops at the first step whose gradient norm is below
    ``tol`` (:func:`gdcourse.descent.gradient_descent` with ``tol``), after at
    most ``STOPPING["max_steps"]`` steps.  The tolerance passes when, from
    each of the 12 starts of :func:`stopping_problem`, the run stops with a
    training loss within ``STOPPING["target"]`` of its minimum, and at most
    ``STOPPING["slack"]`` steps after the first step that is.

    The evidence comes first, from the run of the chapter's stopping figure
    (rate ``STOPPING["lr"]`` from :math:`w_0 = (-1, 1.5)`, 100 steps): the
    tolerance is judged only once both pieces are right.

    Parameters
    ----------
    tol : float
        The reader's tolerance.
    first_step : int
        The evidence, (a): the first step of that run whose training loss is
        within ``STOPPING["target"]`` of its minimum (the start is step 0),
        checked exactly.
    grad_norm : float
        The evidence, (b): the gradient norm of that run at ``first_step``,
        checked to within 1%.

    Returns
    -------
    gdcourse.exercises.diagnose.Verdict
        Its ``ok`` and a report.  While a piece of evidence is wrong, a line
        for each piece, and for a wrong one a hint at its cause (the step of
        another threshold, a step counted from 1, the gap not taken from the
        minimum, a target taken relative to the minimum; the squared norm,
        another norm, the loss gap, the target or its square root, the norm
        at another step); it never prints a value that passes.  Once the evidence is right, where the runs stopped and,
        for a tolerance that fails, why (too early, too late, never, or
        before the first step) with a hint that points at the measured norm.
        No report gives a tolerance that passes.

    Notes
    -----
    The loss gap :math:`f(w_k) - f^\\star` is what the fit cares about, but
    a running loop cannot see it (it would need :math:`f^\\star`); the
    gradient norm it can.  On this bowl both shrink by a constant factor per
    step late in a run, the gap in proportion to the square of the norm, so a
    tolerance read off one run carries over to other starts.

    Examples
    --------
    The evidence missing, then the step of the figure's 1e-3 rule and the
    squared norm:

    >>> check_stopping_tol(2e-3)
    first_step must be a whole number (a step of the run), got None.
    >>> check_stopping_tol(2e-3, 49, 8.07e-6)
    Not yet: 0 of 2 pieces of evidence right; tol is judged once both are.
    first_step: not yet. Hint: that is where the gradient norm first falls below 1e-3, the figure's gradient-norm rule; the step asked for is where the loss gap, run.losses - surface(w_best), first falls below 1e-05.
    grad_norm: not yet. Hint: it looks like the squared norm, g @ g; the norm is its square root, np.linalg.norm(g).

    With the evidence right, the loss target taken for a gradient tolerance:

    >>> facts = _evidence()
    >>> check_stopping_tol(1e-5, facts["step"], facts["norms"][facts["step"]])
    Not yet: from start 1 of 12 (the chapter's w0) the run stopped at step 80, 38 steps after its loss gap fell below 1e-05 (at step 42).
    Hint: 1e-05 is the target for the loss gap, but tol is compared with the gradient's norm, a number on another scale: near the minimum of this bowl the loss gap shrinks in proportion to the square of the gradient norm; compare tol with grad_norm, the gradient norm you measured at the first step whose loss gap is below 1e-05.
    """
    if not finite_real(first_step) or first_step != int(first_step) or first_step < 0:
        return dg.Verdict(
            False,
            "first_step must be a whole number (a step of the run), got "
            f"{describe(first_step)}.",
        )
    if not finite_real(grad_norm) or grad_norm < 0:
        return dg.Verdict(
            False,
            "grad_norm must be a number (a gradient norm, at least 0), got "
            f"{describe(grad_norm)}.",
        )
    if not finite_real(tol) or tol <= 0:
        return dg.Verdict(False, f"tol must be a positive number, got {describe(tol)}.")
    first_step, grad_norm = int(first_step), float(grad_norm)
    hints = {
        "first_step": _step_hint(first_step),
        "grad_norm": _norm_hint(grad_norm, first_step),
    }
    wrong = sum(h is not None for h in hints.values())
    if wrong:
        # the tolerance is judged once the evidence is right
        lines = [
            f"{name}: right." if h is None else f"{name}: not yet. Hint: {h}."
            for name, h in hints.items()
        ]
        return dg.Verdict(
            False,
            f"Not yet: {2 - wrong} of 2 pieces of evidence right; tol is "
            "judged once both are.\n" + "\n".join(lines),
        )
    tol = float(tol)
    stop, by_rule, gap, reached = _stops(tol)
    target, slack, n = STOPPING["target"], STOPPING["slack"], len(stop)
    kind = np.where(
        ~by_rule,
        "never",
        np.where(
            stop == 0,
            "start",
            np.where(
                gap >= target,
                "early",
                np.where(stop > reached + slack, "late", "ok"),
            ),
        ),
    )
    if np.all(kind == "ok"):
        return dg.Verdict(
            True,
            f"All {n} starts stopped within {slack} steps of reaching a loss "
            f"{target:g} above the minimum (at steps {stop.min()} to "
            f"{stop.max()}): tol = {tol:.3g} is a good stopping rule here.",
        )
    i = int(np.flatnonzero(kind != "ok")[0])
    which = " (the chapter's w0)" if i == 0 else ""
    where = f"from start {i + 1} of {n}{which} the run"
    said = {
        "never": f"{where} did not stop in {STOPPING['max_steps']} steps.",
        "start": f"{where} stopped at its start, before the first step.",
        "early": f"{where} stopped at step {stop[i]} with its loss still "
        f"{_above(gap[i], target)} above the minimum (target {target:g}).",
        "late": f"{where} stopped at step {stop[i]}, {stop[i] - reached[i]} steps "
        f"after its loss gap fell below {target:g} (at step {reached[i]}).",
    }[kind[i]]
    hint = _stopping_hint(kind[i], tol, near=gap[i] < 2 * target)
    return dg.Verdict(False, f"Not yet: {said}\nHint: {hint}.")

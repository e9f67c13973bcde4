"""Checkers of chapter 4: saddle points."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import theory
from . import diagnose as dg
from .core import check, describe

__all__ = [
    "check_escape_step",
    "check_plateau",
    "plateau_runs",
    "valley_run",
    "PLATEAUS",
    "KINDS",
]


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


# ----------------------------------------------------------------------------
# Exercise 4.3: a plateau, saddle or minimum?
# ----------------------------------------------------------------------------

#: Exercise 4.3: three runs of gradient descent that a gradient-norm test
#: stopped on a plateau: the start, the rate and the tolerance.  Which
#: surface each runs on is left for the reader to find out; it is in
#: ``_SURFACE_OF``.
PLATEAUS = {
    "A": ((-0.7, -0.045), 0.1, 1e-3),
    "B": ((-0.05675, -2.6), 0.005, 0.5),
    "C": ((0.0, 0.0), 0.2, 1e-3),
}
#: The surfaces: the degenerate saddle, Himmelblau's function, and half the
#: mean squared error of a line fitted to ``gdcourse.data.regression`` with
#: its feature drawn from (1, 3) (its training examples, seed 0).
_SURFACE_OF = {"A": "degenerate saddle", "B": "Himmelblau", "C": "regression"}

#: The kinds a plateau may be, and the step taken off it along the
#: eigenvector of the smallest eigenvalue before the report's descent.
KINDS = ("saddle", "minimum")
_KICK = 0.01
_KICK_STEPS = 1000
#: A smallest eigenvalue below -_TAU times the largest is a way down.
_TAU = 1e-3
#: The smallest eigenvalue is matched to this relative tolerance.
_RTOL = 0.01
#: Two restarts that end farther apart than this ended at different points.
_APART = 0.1

#: Eigenvalues (ascending) on which the reader's rule is judged besides the
#: three runs': saddles whose negative eigenvalue is small beside the largest,
#: larger in size than the positive one, one of two, or small in scale; a
#: maximum (every direction a way down); and minima whose smallest eigenvalue
#: is small or not.
_HESSIANS = (
    ((-5.0, 1.0), "saddle"),
    ((-0.03, 3.0), "saddle"),
    ((-0.4, 0.9, 30.0), "saddle"),
    ((-2.0, -1.0, 6.0), "saddle"),
    ((-0.005, 0.5), "saddle"),
    ((-0.05, 0.1), "saddle"),
    ((-3.0, -1.0), "saddle"),
    ((0.02, 1.5, 8.0), "minimum"),
    ((3.0, 4.0), "minimum"),
)


def _surface(name):
    from dataclasses import replace

    from gdcourse import data, surfaces

    kind = _SURFACE_OF[name]
    if kind == "degenerate saddle":
        surface = surfaces.degenerate_saddle()
    elif kind == "Himmelblau":
        surface = surfaces.himmelblau()
    else:
        fit = data.regression(x_range=(1.0, 3.0), seed=0)
        surface = surfaces.least_squares(fit.X_train, fit.y_train)
    # a neutral name: which surface it is, is for the reader to find out
    return replace(surface, name=f"surface {name}", formula="")


def plateau_runs():
    """The three stalled runs of Exercise 4.3, as ``{name: (surface, run)}``.

    Each run is :func:`gdcourse.descent.gradient_descent` from the start in
    :data:`PLATEAUS` with its rate, stopped by its gradient-norm tolerance
    (``tol``) within 2000 steps; its stall point is ``run.final_weights``.

    Returns
    -------
    dict
        ``"A"``, ``"B"``, ``"C"`` mapped to a surface and its run.

    Examples
    --------
    >>> runs = plateau_runs()
    >>> surface, run = runs["A"]
    >>> print(surface.name, run.stopped_at, f"{run.grad_norms[run.stopped_at]:.1e}")
    surface A 33 9.7e-04
    """
    from gdcourse import descent

    runs = {}
    for name, (start, lr, tol) in PLATEAUS.items():
        surface = _surface(name)
        run = descent.gradient_descent(surface, start, lr=lr, steps=2000, tol=tol)
        runs[name] = (surface, run)
    return runs


def valley_run():
    """A run stalled beside a curved valley of minima, where the sign of the curvature misleads.

    Gradient descent on :math:`f(w) = (w_1 w_2 - 1)^2`, the loss of a
    one-unit linear network fitting 1 to the input 1, from (1.5, 1.2) at
    rate 0.05, stopped by the gradient-norm tolerance 0.1.  Every point of
    the curve :math:`w_1 w_2 = 1` is a minimum (rescaling
    :math:`w_1 \\to c w_1`, :math:`w_2 \\to w_2 / c` leaves the loss
    unchanged), and the only other critical point is the saddle at the
    origin.  Off the curve, where :math:`w_1 w_2 > 1`, the Hessian

    .. math:: \\begin{pmatrix} 2 w_2^2 & 2(2 w_1 w_2 - 1) \\\\
              2(2 w_1 w_2 - 1) & 2 w_1^2 \\end{pmatrix}

    has determinant :math:`4 w_1^2 w_2^2 - 4 (2 w_1 w_2 - 1)^2 < 0`, so a
    negative eigenvalue, although the nearest critical points are minima.

    Returns
    -------
    surface : gdcourse.surfaces.Surface
    run : gdcourse.descent.Trajectory

    Examples
    --------
    >>> surface, run = valley_run()
    >>> w = run.final_weights
    >>> print(run.stopped_at, bool(w[0] * w[1] > 1))
    11 True
    >>> eig = np.linalg.eigvalsh(surface.hessian(w))
    >>> bool(eig[0] < -_TAU * eig[-1])
    True
    """
    from gdcourse import descent, surfaces

    def value(w):
        return (w[..., 0] * w[..., 1] - 1.0) ** 2

    def grad(w):
        r = w[..., 0] * w[..., 1] - 1.0
        return np.stack([2.0 * r * w[..., 1], 2.0 * r * w[..., 0]], axis=-1)

    def hessian(w):
        a, b = w[..., 0], w[..., 1]
        c = 2.0 * (2.0 * a * b - 1.0)
        rows = [np.stack([2.0 * b * b, c], -1), np.stack([c, 2.0 * a * a], -1)]
        return np.stack(rows, -2)

    surface = surfaces.Surface(
        "valley of minima", 2, value, grad, hessian, box=((0.0, 2.0), (0.0, 2.0))
    )
    run = descent.gradient_descent(surface, (1.5, 1.2), lr=0.05, steps=2000, tol=0.1)
    return surface, run


@lru_cache(maxsize=1)
def _plateau_facts():
    """For each plateau: its surface, run, stall point, eigenvalues and eigenvectors.

    Computed once; the reader's runs come from :func:`plateau_runs`, fresh
    each call, so nothing the reader changes reaches these.
    """
    facts = {}
    for name, (surface, run) in plateau_runs().items():
        w = run.final_weights
        eig, vec = np.linalg.eigh(surface.hessian(w))
        facts[name] = dict(surface=surface, run=run, w=w, eig=eig, vec=vec[:, 0])
    return facts


def _true_kind(eig):
    return "saddle" if eig[0] < -_TAU * eig[-1] else "minimum"


def _restarts(name, fact):
    """Descent restarted a step _KICK off the stall, both ways along the eigenvector."""
    from gdcourse import descent

    lr = PLATEAUS[name][1]
    starts = fact["w"] + np.outer([_KICK, -_KICK], fact["vec"])
    run = descent.gradient_descent(fact["surface"], starts, lr=lr, steps=_KICK_STEPS)
    ends = run.final_weights
    travel = [float(d) for d in np.linalg.norm(ends - fact["w"], axis=1)]
    apart = float(np.linalg.norm(ends[0] - ends[1])) > _APART
    return [float(loss) for loss in run.final_loss], travel, apart


def _entries(value, what):
    """The reader's three answers as a dict, or the message saying what is wrong."""
    names = tuple(PLATEAUS)
    if isinstance(value, dict):
        missing = [n for n in names if n not in value]
        if missing:
            keys = ", ".join(f'"{n}"' for n in missing)
            return (
                None,
                f"{what} has no entry for {keys}: give one for each of A, B and C.",
            )
        return {n: value[n] for n in names}, None
    if isinstance(value, (list, tuple, np.ndarray)) and np.ndim(value) == 1:
        if len(value) != len(names):
            return None, (
                f"{what} must have {len(names)} entries (A, B, C), got {len(value)}."
            )
        return dict(zip(names, value)), None
    return None, (
        f'{what} must be a dict with keys "A", "B" and "C" (or a list of three), '
        f"got {describe(value)}."
    )


def _number(value, name):
    """The reader's eigenvalue as a float, or the message saying what is wrong."""
    text = f'smallest["{name}"] must be a number, got {describe(value)}.'
    if isinstance(value, (bool, np.bool_, str)) or value is None:
        return None, text
    try:
        number = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None, text
    if number.ndim != 0:
        return None, text
    number = float(number)
    if not np.isfinite(number):
        text = f'smallest["{name}"] must be a finite number, got {describe(value)}.'
        if np.isnan(number):
            text += (
                " Hint: run.weights ends in NaN rows after a run that a "
                "tolerance stopped early; its stall point is run.final_weights."
            )
        return None, text
    return number, None


def _evidence_hint(name, fact, got):
    """Why the reader's smallest eigenvalue differs from the one at the stall point."""
    eig, surface, run = fact["eig"], fact["surface"], fact["run"]
    near = lambda a, b: abs(a - b) <= _RTOL * abs(b)  # noqa: E731
    nearest_zero = float(eig[np.argmin(np.abs(eig))])
    rounded = [float(f"{eig[0]:.{k}g}") for k in (1, 2)]
    if got in rounded:
        return (
            "it looks like the smallest eigenvalue rounded; give at least three "
            "significant digits"
        )
    if near(abs(got), abs(nearest_zero)) and nearest_zero != eig[0]:
        if near(got, eig[-1]):
            return (
                "it looks like the positive eigenvalue, which here is both the "
                "largest and the one nearest zero (the smallest in size); the "
                "smallest eigenvalue is the lowest one, the most negative"
            )
        return (
            "it looks like the eigenvalue nearest zero (the smallest in size); "
            "the smallest eigenvalue is the lowest one, the most negative"
        )
    if near(got, eig[-1]):
        unsorted = np.linalg.eigvals(surface.hessian(fact["w"]))
        if near(got, float(np.real(unsorted[0]))):
            return (
                "it looks like the largest eigenvalue, which here is also the "
                "first one np.linalg.eig and np.linalg.eigvals return: they do "
                "not sort their eigenvalues (np.linalg.eigvalsh and "
                "gd.landscape.hessian_eigenvalues return them in ascending "
                "order); the smallest one is the curvature that can show a way "
                "down"
            )
        return (
            "it looks like the largest eigenvalue; the smallest one is the "
            "curvature that can show a way down"
        )
    if near(got, -eig[0]):
        return (
            "it looks like the smallest eigenvalue with its sign dropped or "
            "flipped (an abs?); the sign is the evidence"
        )
    if near(got, float(np.min(np.diag(surface.hessian(fact["w"]))))) and not near(
        got, eig[0]
    ):
        return (
            "it looks like the smallest diagonal entry of the Hessian, the "
            "curvature along one axis; where the Hessian has off-diagonal "
            "entries, its eigenvalues are not on its diagonal"
        )
    stop = int(run.stopped_at)
    rows = surface.hessian(run.weights[:stop])
    along = np.linalg.eigvalsh(rows)[:, 0]
    steps = [k for k in range(stop) if near(got, along[k])]
    if steps:
        where = "the start of the run (step 0)" if steps[0] == 0 else f"step {steps[0]}"
        return (
            f"it looks like the smallest eigenvalue at {where}; the plateau "
            f"is where the run stopped, run.final_weights (step {stop})"
        )
    if abs(got - eig[0]) <= 0.1 * abs(eig[0]):
        return (
            "close, but not within 1%: give at least three significant "
            "digits, and compute it from the exact Hessian "
            "(gd.landscape.hessian_eigenvalues)"
        )
    return (
        "compute the Hessian at the stall point, run.final_weights, and take "
        "its smallest eigenvalue (gd.landscape.hessian_eigenvalues returns them "
        "in ascending order)"
    )


def _judge(name, fact, got):
    """(ok, line) for one plateau's evidence, its smallest eigenvalue."""
    eig = fact["eig"]
    if abs(got - eig[0]) > _RTOL * abs(eig[0]):
        return False, (
            f"{name}: not yet: {got:.6g} is not the smallest Hessian eigenvalue "
            f"at the stall point.\n   Hint: {_evidence_hint(name, fact, got)}."
        )
    return True, f"{name}: eigenvalue right."


def _decisions(decide, hessians):
    """The rule's kind for each eigenvalue array, or the message saying what is wrong."""
    kinds = []
    for eig in hessians:
        try:
            kind = decide(np.array(eig, dtype=float))
        except Exception as error:  # the reader's code: any error is reported
            return None, (
                f"decide raised {type(error).__name__}: {error} (on the "
                f"eigenvalues {np.array2string(np.asarray(eig), precision=4)})."
            )
        if isinstance(kind, str) and kind.strip().lower() in KINDS:
            kinds.append(kind.strip().lower())
            continue
        shown = kind.item() if isinstance(kind, np.generic) else kind
        return None, (
            'decide must return "saddle" (a way down) or "minimum" (no way '
            f"down shown), got {describe(shown)}."
        )
    return kinds, None


def _rule_hint(hessians, truth, given):
    """What the reader's rule gets wrong, from the Hessians it misjudges."""
    wrong = [g != t for g, t in zip(given, truth)]
    base = "Not yet: your eigenvalues are right, but your rule misjudges some Hessians.\nHint: "
    if all(wrong):
        return base + (
            "it calls every saddle a minimum and every minimum a saddle: is its "
            "comparison the wrong way round?"
        )
    if len(set(given)) == 1:
        return base + (
            f"it calls every Hessian a {given[0]}, so it does not depend on the "
            "eigenvalues; a small gradient and a flat loss curve are what every "
            "stall shows, and the smallest eigenvalue is what tells them apart"
        )
    nearest = [
        "saddle" if e[np.argmin(np.abs(e))] < -_TAU * e[-1] else "minimum"
        for e in hessians
    ]
    if given == nearest:
        return base + (
            "it calls a minimum every Hessian whose eigenvalue nearest zero is "
            "positive, even where another eigenvalue, larger in size, is "
            "negative: does it read the eigenvalue smallest in size instead of "
            "the lowest, the most negative?"
        )
    by_sign = ["saddle" if np.prod(e) < 0 else "minimum" for e in hessians]
    if given == by_sign:
        return base + (
            "it decides as the sign of the determinant does, which is right "
            "in two dimensions only: two negative eigenvalues give a positive "
            "product"
        )
    mixed = ["saddle" if e[0] < 0 < e[-1] else "minimum" for e in hessians]
    if given == mixed or all(
        g == t or (t == "saddle" and e[-1] < 0)
        for e, g, t in zip(hessians, given, truth)
    ):
        return base + (
            "it calls a minimum a Hessian whose eigenvalues are all negative, a "
            "maximum, where every direction is a way down: the question is "
            "whether some eigenvalue is negative, not whether the signs are "
            "mixed"
        )
    outweighs = ["saddle" if -e[0] > e[-1] else "minimum" for e in hessians]
    net = ["saddle" if np.sum(e) < 0 else "minimum" for e in hessians]
    if given in (outweighs, net):
        return base + (
            "it calls a saddle only a Hessian whose negative curvature "
            "outweighs the positive (as a sum or beside the largest); one "
            "negative eigenvalue beyond round-off is a way down, however "
            "large the positive ones are"
        )
    missed = [
        (e[0], e[-1]) for e, w, t in zip(hessians, wrong, truth) if w and t == "saddle"
    ]
    false = [e for e, w, t in zip(hessians, wrong, truth) if w and t == "minimum"]
    # saddles with a positive curvature too (a maximum has no "largest" to compare with)
    caught = [
        (e[0], e[-1])
        for e, w, t in zip(hessians, wrong, truth)
        if not w and t == "saddle" and e[-1] > 0
    ]
    if missed and not false:
        share = max(-lo / hi for lo, hi in missed) < min(-lo / hi for lo, hi in caught)
        size = max(-lo for lo, _ in missed) < min(-lo for lo, _ in caught)
        if size and not share:
            return base + (
                "it calls a minimum a saddle whose negative eigenvalue is small "
                "in size though not beside the largest: a fixed cut-off does "
                "not fit every scale; compare the smallest eigenvalue with the "
                "largest, as the tip's -tau times the largest does"
            )
        if share or size:
            return base + (
                "it calls a minimum a Hessian whose smallest eigenvalue is "
                "negative but small beside the largest; these Hessians are "
                "exact, so even a negative eigenvalue of 1% of the largest is a "
                "way down, and the tolerance (the tip's tau) only has to cover "
                "round-off"
            )
    if false and not missed:
        return base + (
            "it calls a saddle a Hessian whose eigenvalues are all positive, "
            "where the loss curves upward in every direction"
        )
    return base + (
        "for each Hessian, compare its smallest eigenvalue (the lowest) with "
        "zero and with the largest, as the tip in the section on degenerate "
        "saddles does"
    )


def _passing_line(name, fact, kind):
    eig, run = fact["eig"], fact["run"]
    stall = float(run.final_loss)
    losses, travel, apart = _restarts(name, fact)
    head = (
        f"{name}: {kind}: smallest eigenvalue {eig[0]:.3g}, largest {eig[-1]:.3g}; "
        f"a step of {_KICK:g} either way along its eigenvector and {_KICK_STEPS} "
        f"steps of the same descent travel {travel[0]:.3g} and {travel[1]:.3g}"
    )
    if apart:
        head += " to two different minima"
    if kind == "saddle":
        end = max(losses)
        lowest = fact["surface"].global_minimum
        lowest = None if lowest is None else float(fact["surface"](lowest))
        if lowest is not None and abs(end - lowest) <= 1e-6 and abs(end) >= 1e-9:
            end = f"{end:.3g}, the lowest loss of the surface"
        else:
            # a loss at round-off level is printed as a bound, the same on every machine
            end = f"{end:.3g} or lower" if abs(end) >= 1e-9 else "below 1e-9"
        return f"{head} and take the loss from {stall:.3g} to {end}."
    return (
        f"{head} and settle at loss {max(losses):.6g}, {stall - max(losses):.1e} "
        f"below the stall's {stall:.6g}: back at the minimum."
    )


def check_plateau(decide, smallest):
    """Check a diagnosis of three stalled runs: the evidence, and the rule that decides.

    Exercise 4.3, on :func:`plateau_runs`: for each of the runs ``"A"``,
    ``"B"`` and ``"C"`` in :data:`PLATEAUS`, the smallest eigenvalue of the
    Hessian at its stall point (``run.final_weights``), and a rule that
    decides from a Hessian's eigenvalues whether they show a way down
    (``"saddle"``) or no way down (``"minimum"``: beside a minimum, or at a
    degenerate point that the Hessian cannot judge).

    Parameters
    ----------
    decide : callable
        ``decide(eigenvalues)``, for eigenvalues in ascending order (as
        :func:`gdcourse.landscape.hessian_eigenvalues` returns them),
        returns ``"saddle"`` (a way down) or ``"minimum"`` (no way down
        shown).
    smallest : dict or sequence
        The smallest eigenvalue of the Hessian at each run's stall point,
        keyed ``"A"``, ``"B"``, ``"C"`` (or in that order), matched within
        1% to :func:`gdcourse.landscape.hessian_eigenvalues`.

    Returns
    -------
    gdcourse.exercises.diagnose.Verdict
        Its ``ok`` and, while an eigenvalue is wrong, a line per run: for a
        wrong eigenvalue, what it looks like (the largest, the one nearest
        zero, at another step of the run, the Hessian's diagonal, the sign
        dropped) and where to measure.  The rule is judged once all three
        eigenvalues are right, on the three runs' eigenvalues and on nine
        other Hessians' (a saddle whose negative eigenvalue is larger in
        size than the positive one, saddles whose negative eigenvalue is
        about 1% of the largest, saddles of small scale, one with two
        negative eigenvalues, a maximum, which descent leaves as it leaves a
        saddle, and two minima), so that it cannot be passed by trying
        labels; a wrong rule
        is told what kind of Hessian it misjudges.  A failing report never
        gives an eigenvalue that passes.  A passing one adds what descent
        does from a small step off each stall point along the eigenvector
        of the smallest eigenvalue (0.01 either way, then 1000 steps at the
        run's rate): how far each restart travels, whether the two end at
        different minima, and where the loss goes.

    Notes
    -----
    Here a stall point is judged a saddle when its smallest eigenvalue is
    below :math:`-10^{-3}` times the largest (along its eigenvector
    :math:`v`, :math:`f(w + t v) = f(w) + t\\, \\nabla f(w)^\\top v + \\tfrac12
    t^2 \\lambda_{\\min} + O(t^3)`, so the loss curves down along :math:`v`),
    and ``"minimum"`` otherwise, which means only that the Hessian shows no
    way down: beside a minimum, or at a degenerate point, where higher
    derivatives decide.
    The Hessians here are exact, and the three smallest eigenvalues lie far
    from that threshold, on either side.  A stall point is not a critical
    point, and the sign there is evidence about the stall point only: just
    off a curved valley of minima the smallest eigenvalue is negative too
    (:func:`valley_run`), by an amount that shrinks with the gradient.  For
    these three runs the restart of the passing report agrees with the
    sign: off A and B the restarts travel far and the loss falls to the
    surface's lowest, off C they stay within 0.02 and the loss settles
    back at the minimum's.

    Examples
    --------
    Measured at each stall point:

    >>> from gdcourse import landscape
    >>> smallest = {}
    >>> for name, (surface, run) in plateau_runs().items():
    ...     smallest[name] = landscape.hessian_eigenvalues(surface, run.final_weights)[0]
    >>> def decide(eig):
    ...     return "saddle" if eig[0] < -1e-3 * eig[-1] else "minimum"
    >>> check_plateau(decide, smallest).ok
    True

    An eigenvalue missing, then the largest eigenvalues where the smallest
    are asked for:

    >>> check_plateau(decide, [None, 0, 0])
    smallest["A"] must be a number, got None.
    >>> check_plateau(decide, [2.0, 21.3, 5.32])
    Not yet: 0 of 3 eigenvalues right; the rule is judged once all three are.
    A: not yet: 2 is not the smallest Hessian eigenvalue at the stall point.
       Hint: it looks like the largest eigenvalue, which here is also the first one np.linalg.eig and np.linalg.eigvals return: they do not sort their eigenvalues (np.linalg.eigvalsh and gd.landscape.hessian_eigenvalues return them in ascending order); the smallest one is the curvature that can show a way down.
    B: not yet: 21.3 is not the smallest Hessian eigenvalue at the stall point.
       Hint: it looks like the positive eigenvalue, which here is both the largest and the one nearest zero (the smallest in size); the smallest eigenvalue is the lowest one, the most negative.
    C: not yet: 5.32 is not the smallest Hessian eigenvalue at the stall point.
       Hint: it looks like the largest eigenvalue, which here is also the first one np.linalg.eig and np.linalg.eigvals return: they do not sort their eigenvalues (np.linalg.eigvalsh and gd.landscape.hessian_eigenvalues return them in ascending order); the smallest one is the curvature that can show a way down.
    """
    given_values, problem = _entries(smallest, "smallest")
    if problem:
        return dg.Verdict(False, problem)
    answers = {}
    for name in PLATEAUS:
        value, problem = _number(given_values[name], name)
        if problem:
            return dg.Verdict(False, problem)
        answers[name] = value
    if not callable(decide):
        return dg.Verdict(
            False,
            "decide must be a function of a Hessian's eigenvalues (ascending) "
            'that returns "saddle" (a way down) or "minimum" (no way down '
            f"shown), got {describe(decide)}.",
        )
    facts = _plateau_facts()
    judged = {name: _judge(name, facts[name], answers[name]) for name in PLATEAUS}
    right = sum(ok for ok, _ in judged.values())
    if right < len(PLATEAUS):
        # the rule is judged once the evidence is right
        lines = [line for _, line in judged.values()]
        return dg.Verdict(
            False,
            f"Not yet: {right} of {len(PLATEAUS)} eigenvalues right; the "
            "rule is judged once all three are.\n" + "\n".join(lines),
        )
    hessians = [facts[n]["eig"] for n in PLATEAUS]
    hessians += [np.array(e) for e, _ in _HESSIANS]
    truth = [_true_kind(e) for e in hessians]
    assert truth[len(PLATEAUS) :] == [k for _, k in _HESSIANS]
    given, problem = _decisions(decide, hessians)
    if problem:
        return dg.Verdict(False, problem)
    if given != truth:
        return dg.Verdict(False, _rule_hint(hessians, truth, given) + ".")
    kinds = dict(zip(PLATEAUS, given))
    lines = [_passing_line(name, facts[name], kinds[name]) for name in PLATEAUS]
    return dg.Verdict(True, "All three right:\n" + "\n".join(lines))

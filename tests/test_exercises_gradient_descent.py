"""Chapter-1 checkers: a gradient-descent loop with a stopping rule, and a tolerance for it."""

import re

import numpy as np
import pytest

from gdcourse import exercises, surfaces
from gdcourse.descent import gradient_descent
from gdcourse.exercises.gradient_descent import (
    STOPPING,
    _descend,
    _QuadraticGradient,
    stopping_problem,
)


def good(grad, w0, lr, tol, max_steps):
    path = [np.asarray(w0, dtype=float)]
    for _ in range(max_steps):
        g = grad(path[-1])
        if np.linalg.norm(g) < tol:
            break
        path.append(path[-1] - lr * g)
    return np.array(path)


def steps_then_checks(grad, w0, lr, tol, max_steps):
    """Checks the gradient only after stepping: always takes at least one step."""
    path = [w0]
    for _ in range(max_steps):
        path.append(path[-1] - lr * grad(path[-1]))
        if np.linalg.norm(grad(path[-1])) < tol:
            break
    return np.array(path)


def ignores_tol(grad, w0, lr, tol, max_steps):
    path = [w0]
    for _ in range(max_steps):
        path.append(path[-1] - lr * grad(path[-1]))
    return np.array(path)


def one_step_short(grad, w0, lr, tol, max_steps):
    return good(grad, w0, lr, tol, max_steps - 1)


def climbs(grad, w0, lr, tol, max_steps):
    return good(lambda w: -grad(w), w0, lr, tol, max_steps)


def test_a_correct_loop_passes():
    result = exercises.check_descend(good)
    assert result.ok and result.passed == result.total == 6
    assert (
        repr(result)
        == "All 6 cases passed: descend(grad, w0, lr, tol, max_steps) is right."
    )


@pytest.mark.parametrize(
    "wrong, case",
    [
        (steps_then_checks, 3),  # the flat start must take no step
        (ignores_tol, 1),
        (one_step_short, 4),  # only the max_steps cap tells this apart
        (climbs, 1),
    ],
)
def test_each_wrong_loop_fails_at_the_case_that_exposes_it(wrong, case):
    result = exercises.check_descend(wrong)
    assert not result.ok
    assert result.passed == case - 1
    assert result.failure.startswith(f"Case {case}: descend(")


def test_missing_return_and_exceptions_are_reported_in_words():
    result = exercises.check_descend(lambda grad, w0, lr, tol, max_steps: None)
    assert "returned None" in result.failure
    result = exercises.check_descend(
        lambda grad, w0, lr, tol, max_steps: grad(w0) @ np.ones(5)
    )
    assert "raised ValueError" in result.failure
    assert not exercises.check_descend("descend").ok


def test_report_names_the_gradient_and_has_no_addresses():
    text = repr(exercises.check_descend(ignores_tol))
    assert "gradient of x**2" in text
    assert not re.search(r"0x[0-9a-f]+", text)
    assert "the answer has shape" in text


def test_reference_agrees_with_gradient_descent_with_tol():
    A = np.array([[1.0, 0.3], [0.3, 4.0]])
    s = surfaces.quadratic(A)
    grad = _QuadraticGradient("quadratic", A)
    w0 = np.array([2.0, -1.0])
    path = _descend(grad, w0, 0.2, 1e-5, 500)
    run = gradient_descent(s, w0, lr=0.2, steps=500, tol=1e-5)
    assert len(path) == run.stopped_at + 1
    np.testing.assert_allclose(
        path, run.weights[: run.stopped_at + 1], rtol=1e-12, atol=1e-15
    )


def test_reference_edge_cases():
    parabola = _QuadraticGradient("gradient of x**2", [[2.0]])
    assert _descend(parabola, np.array([0.0]), 0.1, 1e-6, 50).shape == (1, 1)
    capped = _descend(parabola, np.array([3.0]), 0.01, 1e-9, 5)
    np.testing.assert_allclose(capped[:, 0], 3.0 * 0.98 ** np.arange(6))
    # x_{k+1} = (1 - 2 lr) x_k; with lr = 0.25 that halves, stopping once |2 x| < 0.1
    np.testing.assert_allclose(
        _descend(parabola, np.array([3.0]), 0.25, 0.1, 100)[:, 0],
        3.0 * 0.5 ** np.arange(7),
    )


def test_quadratic_gradient_is_a_named_linear_map():
    g = _QuadraticGradient("ravine", [[1.0, 0.0], [0.0, 10.0]])
    np.testing.assert_allclose(g(np.array([1.0, 1.0])), [1.0, 10.0])
    assert repr(g) == "ravine"


def test_checker_is_exported():
    assert "check_descend" in exercises.__all__


def diagnosis(result):
    last = repr(result).splitlines()[-1].strip()
    return last if last.startswith("It looks like") else None


def missing_start(grad, w0, lr, tol, max_steps):
    return good(grad, w0, lr, tol, max_steps)[1:]


def one_step_too_many(grad, w0, lr, tol, max_steps):
    """Tests before stepping, but loops max_steps + 1 times."""
    return good(grad, w0, lr, tol, max_steps + 1)


def last_point_never_kept(grad, w0, lr, tol, max_steps):
    """Records each point before stepping, so a capped run loses its last point."""
    w, path = np.asarray(w0, dtype=float), []
    for _ in range(max_steps):
        path.append(w)
        g = grad(w)
        if np.linalg.norm(g) < tol:
            break
        w = w - lr * g
    return np.array(path)


def updates_in_place(grad, w0, lr, tol, max_steps):
    """Appends the same array each step and changes it in place."""
    w = np.asarray(w0, dtype=float)
    path = [w]
    for _ in range(max_steps):
        g = grad(w)
        if np.linalg.norm(g) < tol:
            break
        w -= lr * g
        path.append(w)
    return np.array(path)


def updates_a_copy_in_place(grad, w0, lr, tol, max_steps):
    """Keeps w0, then appends one copy that is changed in place."""
    w = np.array(w0, dtype=float)
    path = [w0]
    for _ in range(max_steps):
        g = grad(w)
        if np.linalg.norm(g) < tol:
            break
        w -= lr * g
        path.append(w)
    return np.array(path)


@pytest.mark.parametrize(
    "wrong, named",
    [
        (climbs, "steps uphill"),
        (ignores_tol, "a run that never stops early"),
        (one_step_short, "a path one step short when max_steps ends the run"),
        (last_point_never_kept, "a path one step short when max_steps ends"),
        (steps_then_checks, "a step taken before the first test"),
        (one_step_too_many, "a loop that takes max_steps + 1 steps"),
        (missing_start, "the path is missing its start point"),
        (updates_in_place, "every row of the path is the last point"),
        (updates_a_copy_in_place, "every row of the path after the start is"),
    ],
)
def test_descend_names_each_classic_mistake(wrong, named):
    assert named in diagnosis(exercises.check_descend(wrong))


@pytest.mark.parametrize(
    "wrong, failing, hint",
    [
        # only the flat start shows a step before the test
        (steps_then_checks, {3}, "a start that is already flat"),
        # only the capped runs show a loop one pass too long
        (one_step_too_many, {4, 5}, "count the passes of the loop"),
        (updates_in_place, {1, 2, 4, 5, 6}, "append a new array at every step"),
    ],
)
def test_descend_hint_follows_the_cases_that_fail(wrong, failing, hint):
    from gdcourse.exercises.gradient_descent import check_descend

    seen = set()
    for k in range(1, 7):
        result = check_descend(lambda *a, k=k: _only_case(wrong, k, *a))
        if not result.ok:
            seen.add(k)
    assert seen == failing
    assert hint in diagnosis(check_descend(wrong))


def _only_case(wrong, k, grad, w0, lr, tol, max_steps):
    """``wrong`` on the k-th case of check_descend, the right answer elsewhere."""
    cases = [(0.25, 100), (0.15, 500), (0.1, 50), (0.01, 5), (1.5, 10), (0.15, 20)]
    chosen = (lr, max_steps) == cases[k - 1]
    return (wrong if chosen else good)(grad, w0, lr, tol, max_steps)


def stops_on(norm):
    """The right loop with another norm in the stopping test."""

    def descend(grad, w0, lr, tol, max_steps):
        path = [np.asarray(w0, dtype=float)]
        for _ in range(max_steps):
            g = grad(path[-1])
            if norm(g) < tol:
                break
            path.append(path[-1] - lr * g)
        return np.array(path)

    return descend


@pytest.mark.parametrize(
    "norm", [lambda g: np.sum(np.abs(g)), lambda g: np.max(np.abs(g))]
)
def test_descend_names_a_stopping_test_on_another_norm(norm):
    result = exercises.check_descend(stops_on(norm))
    assert result.passed == 5 and result.failure.startswith("Case 6: descend(")
    assert "another norm of the gradient" in diagnosis(result)
    assert "np.linalg.norm(g)" in diagnosis(result)


def test_descend_other_norm_case_separates_the_norms():
    """In case 6 the Euclidean norm falls below tol one step before the L1 norm."""
    from gdcourse.exercises.gradient_descent import _l1_norm, _max_norm

    ravine = _QuadraticGradient("ravine", [[1.0, 0.0], [0.0, 10.0]])
    w0 = np.array([1.0, -1.0])
    lengths = [
        len(_descend(ravine, w0, 0.15, 0.5, 20, norm=n))
        for n in (_l1_norm, np.linalg.norm, _max_norm)
    ]
    assert lengths == [8, 7, 6]


def test_descend_squared_norm_gets_no_other_norm_diagnosis():
    result = exercises.check_descend(stops_on(lambda g: g @ g))
    assert not result.ok and diagnosis(result) is None


def test_descend_the_one_step_mistakes_are_told_apart():
    long = diagnosis(exercises.check_descend(one_step_too_many))
    early = diagnosis(exercises.check_descend(steps_then_checks))
    assert "before taking a step" in early and "before taking a step" not in long


def test_descend_right_answer_text_is_unchanged_and_none_has_no_diagnosis():
    assert diagnosis(exercises.check_descend(good)) is None
    starter = exercises.check_descend(lambda grad, w0, lr, tol, max_steps: None)
    assert repr(starter).endswith("the function returned None (is a `return` missing?)")


@pytest.mark.parametrize(
    "wrong, named",
    [
        (lambda w, grad, lr: w + lr * grad, "a step uphill"),
        (lambda w, grad, lr: w - grad, "a step without the learning rate"),
        (lambda w, grad, lr: -lr * grad, "the step alone, not the new point"),
        (
            lambda w, grad, lr: (w - lr * grad)[:, None],
            "the right numbers in the wrong shape",
        ),
    ],
)
def test_gradient_step_names_each_classic_mistake(wrong, named):
    assert named in diagnosis(exercises.check_gradient_step(wrong))


def _mse(w, X, y):
    return X.T @ (X @ w - y) / len(y)


@pytest.mark.parametrize(
    "wrong, named",
    [
        (lambda w, X, y: X.T @ (X @ w - y), "the expected answer times N"),
        (lambda w, X, y: _mse(w, X, y) / len(y), "the expected answer divided by N"),
        (lambda w, X, y: 2 * _mse(w, X, y), "the expected answer times 2"),
        (lambda w, X, y: _mse(w, X, y) / 2, "the expected answer divided by 2"),
        (lambda w, X, y: X.T @ (y - X @ w) / len(y), "the opposite sign"),
        (
            lambda w, X, y: _mse(w, X, y)[None, :],
            "the right numbers in the wrong shape",
        ),
    ],
)
def test_mse_gradient_names_each_classic_mistake(wrong, named):
    result = exercises.check_mse_gradient(wrong)
    assert not result.ok and named in diagnosis(result)


@pytest.mark.parametrize(
    "loss",
    [
        lambda w, X, y: 0.5 * np.mean((X @ w - y) ** 2),
        lambda w, X, y: np.mean((X @ w - y) ** 2),
    ],
)
def test_mse_gradient_names_the_loss_returned_for_its_gradient(loss):
    result = exercises.check_mse_gradient(loss)
    assert not result.ok
    assert "the loss itself, one number, instead of its gradient" in diagnosis(result)


def test_mse_gradient_another_number_is_only_a_wrong_shape():
    result = exercises.check_mse_gradient(lambda w, X, y: np.sum((X @ w - y) ** 2))
    assert "a single number where an array was expected" in diagnosis(result)


def test_mse_gradient_hint_for_n_follows_its_direction():
    many = diagnosis(exercises.check_mse_gradient(lambda w, X, y: X.T @ (X @ w - y)))
    twice = diagnosis(
        exercises.check_mse_gradient(lambda w, X, y: _mse(w, X, y) / len(y))
    )
    assert "a mean over the N examples" in many
    assert "exactly once" in twice and "exactly once" not in many


def test_mse_gradient_right_answer_and_unrecognised_mistake():
    assert repr(exercises.check_mse_gradient(_mse)) == (
        "All 3 cases passed: mse_gradient(w, X, y) is right."
    )
    # the residual squared instead of times the inputs: nothing classic
    odd = exercises.check_mse_gradient(lambda w, X, y: X.T @ (X @ w - y) ** 2 / len(y))
    assert repr(odd).endswith("the numbers differ")


def test_gradient_step_reference_is_the_optimizers_sgd_step():
    from gdcourse.exercises.gradient_descent import _gradient_step

    w, g = np.array([1.0, -2.0, 0.5]), np.array([0.3, 0.1, -4.0])
    np.testing.assert_array_equal(_gradient_step(w, g, 0.25), w - 0.25 * g)


# ---------------------------------------------------------------------------
# Exercise 1.4: a tolerance for the gradient-norm rule (a decision, run)
# ---------------------------------------------------------------------------


def test_stopping_problem_is_the_chapters_line_fit_and_its_ring_of_starts():
    from gdcourse import data

    points = data.regression(
        n=80, weights=1.5, bias=-1.0, noise=0.8, x_range=(-1.0, 3.0), seed=1
    )
    x, y = points.X_train[:, 0], points.y_train
    surface, starts = stopping_problem()
    X = np.column_stack([x, np.ones_like(x)])
    best = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(surface.minima[0], best, rtol=1e-10)
    np.testing.assert_allclose(starts[0], [-1.0, 1.5], atol=1e-12)
    radii = np.linalg.norm(starts - best, axis=1)
    np.testing.assert_allclose(radii, radii[0], rtol=1e-12)
    assert len(starts) == 12 and len(np.unique(np.round(starts, 9), axis=0)) == 12


def _stop_by_hand(tol):
    """The rule written out: stop at the first point whose gradient is below tol."""
    surface, starts = stopping_problem()
    floor = surface(surface.minima[0])
    found = []
    for w in starts:
        for k in range(STOPPING["max_steps"] + 1):
            if np.linalg.norm(surface.grad(w)) < tol:
                break
            if k == STOPPING["max_steps"]:
                k = None
                break
            w = w - STOPPING["lr"] * surface.grad(w)
        found.append((k, surface(w) - floor))
    return found


def _first_below_target():
    surface, starts = stopping_problem()
    run = gradient_descent(surface, starts, lr=STOPPING["lr"], steps=200)
    gaps = run.losses - surface(surface.minima[0])
    return np.argmax(gaps < STOPPING["target"], axis=0)


def _evidence_by_hand():
    """The chapter's run written out: rate 0.3 from w0, 100 steps."""
    surface, _ = stopping_problem()
    floor = surface(surface.minima[0])
    w = np.array([-1.0, 1.5])
    points = [w]
    for _ in range(100):
        w = w - 0.3 * surface.grad(w)
        points.append(w)
    gaps = np.array([surface(p) - floor for p in points])
    norms = np.array([np.linalg.norm(surface.grad(p)) for p in points])
    k = next(i for i, g in enumerate(gaps) if g < 1e-5)
    return k, norms, gaps, surface.grad(points[k])


STEP, NORMS, GAPS, GRAD = _evidence_by_hand()
EVIDENCE = (STEP, NORMS[STEP])


def check(tol):
    """The decision alone, with the right evidence."""
    return exercises.check_stopping_tol(tol, *EVIDENCE)


@pytest.mark.parametrize("tol", [1.5e-3, 2e-3, 3e-3])
def test_a_tolerance_that_stops_each_start_in_time_passes(tol):
    verdict = check(tol)
    assert verdict.ok, verdict
    reached = _first_below_target()
    for (k, gap), first in zip(_stop_by_hand(tol), reached):
        assert gap < STOPPING["target"] and first <= k <= first + STOPPING["slack"]
    assert "All 12 starts stopped" in repr(verdict)


def test_the_verdict_is_that_of_the_rule_run_by_hand():
    # a grid of tolerances: the checker agrees with the loop written out
    reached = _first_below_target()
    for tol in np.geomspace(1e-4, 1e-1, 25):
        by_hand = _stop_by_hand(tol)
        ok = all(
            k is not None and gap < STOPPING["target"] and k <= r + STOPPING["slack"]
            for (k, gap), r in zip(by_hand, reached)
        )
        assert check(float(tol)).ok == ok


def test_the_passing_tolerances_are_a_narrow_window_a_guess_rarely_hits():
    grid = np.geomspace(1e-6, 1.0, 121)
    ok = np.array([check(float(t)).ok for t in grid])
    passing = grid[ok]
    assert 0 < len(passing) < 15
    assert passing.max() / passing.min() < 3
    # one interval, not scattered tolerances
    assert np.all(np.diff(np.flatnonzero(ok)) == 1)
    # the round numbers a reader might guess from the text all fail
    for guess in (1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.3):
        assert not check(guess).ok


def _hint(verdict):
    text = repr(verdict)
    return text.split("Hint: ", 1)[1] if "Hint: " in text else text


@pytest.mark.parametrize(
    "tol, said, hint",
    [
        # the loss target taken for a gradient tolerance
        (1e-5, "38 steps after", "target for the loss gap, but tol is compared"),
        # the text's example threshold: a few steps late
        (1e-3, "7 steps after", "smaller than the gradient norms the runs have"),
        # too loose: the loss is not yet within the target
        (1e-2, "with its loss still", "larger than the gradient norm this run"),
        # looser than the gradient at the start
        (10.0, "stopped at its start", "already shorter than tol"),
        # so tight the rule never fires
        (1e-20, "did not stop in 200 steps", "never fell below tol"),
        # the square root of the target: just too loose for some starts
        (np.sqrt(1e-5), "from start 2 of 12", "somewhere else between two of its"),
    ],
)
def test_each_wrong_tolerance_gets_the_hint_of_its_cause(tol, said, hint):
    verdict = check(tol)
    assert not verdict.ok
    assert said in repr(verdict)
    assert hint in _hint(verdict)


def test_a_loss_just_above_the_target_is_not_printed_as_the_target():
    # these stop one start a step early, its loss a few thousandths above 1e-5
    for tol in np.linspace(0.00307, 0.00327, 5):
        text = repr(check(tol))
        value = re.search(r"with its loss still (.+?) above the minimum", text)[1]
        assert value == "just above 1e-05" or float(value) > 1e-5, text


@pytest.mark.parametrize(
    "tol", [0, -1e-3, float("nan"), float("inf"), None, "1e-3", [2e-3], True]
)
def test_a_tolerance_that_is_not_a_positive_number_is_told_so(tol):
    verdict = check(tol)
    assert not verdict.ok
    assert repr(verdict).startswith("tol must be a positive number, got ")


def test_no_report_shows_a_tolerance_that_passes():
    passing = [t for t in np.geomspace(1e-4, 1e-1, 61) if check(float(t)).ok]
    low, high = min(passing), max(passing)
    for tol in (1e-5, 1e-3, 1e-2, 10.0, 1e-20, 0.5, 4e-3, 1e-4, 3.1e-3, 3.2e-3):
        text = repr(check(tol))
        numbers = [float(n) for n in re.findall(r"\d+\.?\d*(?:e[-+]?\d+)?", text)]
        assert not any(low <= n <= high for n in numbers), text


# ---------------------------------------------------------------------------
# Exercise 1.4: the evidence, checked before the tolerance
# ---------------------------------------------------------------------------


def test_the_evidence_by_hand_is_the_first_step_within_the_target():
    assert GAPS[STEP - 1] >= STOPPING["target"] > GAPS[STEP]
    run = gradient_descent(
        stopping_problem()[0], np.array([-1.0, 1.5]), lr=0.3, steps=100
    )
    np.testing.assert_allclose(run.grad_norms, NORMS, rtol=1e-9)


@pytest.mark.parametrize("tol", [2e-3, 3e-3])
def test_round_guesses_fail_without_the_evidence(tol):
    assert check(tol).ok
    alone = exercises.check_stopping_tol(tol)
    assert not alone.ok
    assert (
        repr(alone)
        == "first_step must be a whole number (a step of the run), got None."
    )
    guessed = exercises.check_stopping_tol(tol, 40, 3e-3)
    assert not guessed.ok and "tol is judged once both are" in repr(guessed)
    assert "All 12 starts" not in repr(guessed)


_STEP_HINTS = {
    "argmax": "np.argmax returns when its condition holds at no step",
    "before": "still at or above 1e-05",
    "plus one": "do not add 1",
    "rule 1e-3": "first falls below 1e-3",
    "change": "loss change from one step to the next",
    "relative": "the target times the minimum loss",
    "norm target": "gradient norm first falls below 1e-05",
    "later": "already was at an earlier step",
    "beyond": "has 100 steps",
}


def _line(verdict, name):
    return next(x for x in repr(verdict).splitlines() if x.startswith(f"{name}: "))


def _floor():
    surface = stopping_problem()[0]
    return surface(surface.minima[0])


def _wrong_steps():
    change = np.abs(np.diff(GAPS))
    changes = {int(np.argmax(change < t)) + 1 for t in (1e-5, 1e-6)}
    relative = int(np.argmax(GAPS < 1e-5 * _floor()))
    # a step that only a threshold on the loss change gives
    (alone,) = changes - {relative}
    # the relative target's step; where a change threshold gives it too, the
    # step alone cannot tell the two apart and both are named
    both = ("relative", "change") if relative in changes else ("relative",)
    return [
        (0, "argmax"),  # the loss taken for the gap: the condition never holds
        (STEP - 1, "before"),
        (STEP + 1, "plus one"),
        (int(np.argmax(NORMS < 1e-3)), "rule 1e-3"),
        (alone, "change"),
        (relative, both),
        (int(np.argmax(NORMS < 1e-5)), "norm target"),
        (STEP + 15, "later"),
        (150, "beyond"),
    ]


@pytest.mark.parametrize("case", range(9))
def test_each_wrong_step_gets_the_hint_of_its_cause(case):
    step, causes = _wrong_steps()[case]
    causes = (causes,) if isinstance(causes, str) else causes
    verdict = exercises.check_stopping_tol(NORMS[STEP], step, NORMS[STEP])
    assert not verdict.ok
    line = _line(verdict, "first_step")
    for cause in causes:
        assert _STEP_HINTS[cause] in line
    for other, hint in _STEP_HINTS.items():
        if other not in causes:
            assert hint not in line, (cause, line)
    assert _line(verdict, "grad_norm") == "grad_norm: right."
    assert repr(verdict).startswith("Not yet: 1 of 2 pieces of evidence right")


def test_a_relative_target_alone_is_named_without_the_change(monkeypatch):
    from gdcourse.exercises import gradient_descent as module

    facts = dict(module._evidence())
    relative = int(np.argmax(GAPS < 1e-5 * _floor()))
    facts["change"] = set(facts["change"]) - {relative}
    monkeypatch.setattr(module, "_evidence", lambda: facts)
    line = _line(
        exercises.check_stopping_tol(2e-3, relative, NORMS[STEP]), "first_step"
    )
    assert _STEP_HINTS["relative"] in line and "is absolute" in line
    for other, hint in _STEP_HINTS.items():
        if other != "relative":
            assert hint not in line, line


def test_the_root_hint_points_at_the_gap_and_the_squared_norm():
    # the gap there is below the target, and not the squared norm
    assert GAPS[STEP] < 0.9e-5
    assert not np.isclose(GAPS[STEP], NORMS[STEP] ** 2, rtol=0.03)
    verdict = exercises.check_stopping_tol(2e-3, STEP, float(np.sqrt(1e-5)))
    line = _line(verdict, "grad_norm")
    assert "the gap is below 1e-05" in line and "not the norm squared" in line
    assert "curvature" not in line and "factor" not in line


_NORM_HINTS = {
    "squared": "the squared norm",
    "other norm": "another norm of the gradient",
    "gap": "the loss gap at that step",
    "target": "the target for the loss gap, not a gradient norm",
    "root": "the square root of 1e-05",
    "start": "the gradient norm at the start",
    "before": "one step before",
    "after": "one step after",
    "unknown": "read run.grad_norms at the first step whose",
}


def _wrong_norms():
    return [
        (NORMS[STEP] ** 2, "squared"),
        (np.abs(GRAD).sum(), "other norm"),
        (np.abs(GRAD).max(), "other norm"),
        (GAPS[STEP], "gap"),
        (1e-5, "target"),
        (np.sqrt(1e-5), "root"),
        (NORMS[0], "start"),
        (NORMS[STEP - 1], "before"),
        (NORMS[STEP + 1], "after"),
        (0.1, "unknown"),
    ]


@pytest.mark.parametrize("case", range(10))
def test_each_wrong_norm_gets_the_hint_of_its_cause(case):
    value, cause = _wrong_norms()[case]
    verdict = exercises.check_stopping_tol(NORMS[STEP], STEP, float(value))
    assert not verdict.ok
    line = _line(verdict, "grad_norm")
    assert _NORM_HINTS[cause] in line
    for other, hint in _NORM_HINTS.items():
        if other != cause:
            assert hint not in line, (cause, line)
    assert _line(verdict, "first_step") == "first_step: right."


def test_a_norm_read_at_the_wrong_step_given_is_told_to_fix_the_step():
    verdict = exercises.check_stopping_tol(2e-3, STEP + 1, NORMS[STEP + 1])
    assert "do not add 1" in _line(verdict, "first_step")
    assert "the step you gave as first_step" in _line(verdict, "grad_norm")


def test_the_norm_is_checked_to_one_per_cent():
    assert exercises.check_stopping_tol(2e-3, STEP, 1.009 * NORMS[STEP]).ok
    assert exercises.check_stopping_tol(2e-3, STEP, 0.991 * NORMS[STEP]).ok
    assert not exercises.check_stopping_tol(2e-3, STEP, 1.012 * NORMS[STEP]).ok
    assert exercises.check_stopping_tol(2e-3, float(STEP), NORMS[STEP]).ok


def test_the_tolerance_is_not_judged_while_the_evidence_is_wrong():
    # a tolerance that stops at the start, and one that passes
    for tol in (10.0, 2e-3):
        text = repr(exercises.check_stopping_tol(tol, STEP - 1, NORMS[STEP]))
        assert "tol is judged once both are" in text
        assert "stopped" not in text and "Hint: " in text


@pytest.mark.parametrize("step", [None, "42", 42.5, -1, float("nan"), [42], True])
def test_a_step_that_is_not_a_whole_number_is_told_so(step):
    verdict = exercises.check_stopping_tol(2e-3, step, NORMS[STEP])
    assert not verdict.ok
    assert repr(verdict).startswith("first_step must be a whole number")


@pytest.mark.parametrize(
    "norm", [None, "0.003", float("nan"), float("inf"), -1.0, [0.003], True]
)
def test_a_norm_that_is_not_a_number_is_told_so(norm):
    verdict = exercises.check_stopping_tol(2e-3, STEP, norm)
    assert not verdict.ok
    assert repr(verdict).startswith("grad_norm must be a number")


def test_no_evidence_report_shows_a_passing_value():
    passing = [t for t in np.geomspace(1e-4, 1e-1, 61) if check(float(t)).ok]
    low, high = min(passing), max(passing)
    cases = [(s, NORMS[STEP]) for s, _ in _wrong_steps()]
    cases += [(STEP, v) for v, _ in _wrong_norms()]
    cases += [(STEP + 1, NORMS[STEP + 1]), (0, NORMS[0])]
    for step, norm in cases:
        text = repr(exercises.check_stopping_tol(NORMS[STEP], step, float(norm)))
        assert "judged once both are" in text
        numbers = [float(n) for n in re.findall(r"\d+\.?\d*(?:e[-+]?\d+)?", text)]
        assert STEP not in numbers, text
        assert not any(low <= n <= high for n in numbers), text
        assert not any(abs(n / NORMS[STEP] - 1) < 0.05 for n in numbers if n), text

"""Tests of the chapter-4 checker in gdcourse.exercises.saddle_points."""

import math
import re

import numpy as np
import pytest

from gdcourse import exercises, landscape


def test_escape_checker_accepts_the_formula_and_matches_a_real_run():
    def predict(eps, lr, b, radius):
        return math.ceil(math.log(radius / eps) / math.log(1 + lr * b))

    assert exercises.check_escape_step(predict).ok
    from gdcourse import descent, surfaces

    run = descent.gradient_descent(
        surfaces.saddle(1.0, 2.0), [0.0, 1e-9], lr=0.05, steps=300
    )
    assert landscape.escape_step(run.weights, [0.0, 0.0], 1.0) == predict(
        1e-9, 0.05, 2.0, 1.0
    )


def test_escape_checker_rejects_off_by_one_and_wrong_base():
    floor = lambda eps, lr, b, radius: math.floor(
        math.log(radius / eps) / math.log(1 + lr * b)
    )  # noqa: E731
    assert not exercises.check_escape_step(floor).ok
    natural = lambda eps, lr, b, radius: math.ceil(math.log(radius / eps) / (lr * b))  # noqa: E731
    result = exercises.check_escape_step(natural)
    assert not result.ok and "the numbers differ" in result.failure
    assert "returned None" in exercises.check_escape_step(lambda *a: None).failure


def diagnosis(result):
    last = repr(result).splitlines()[-1].strip()
    return last if last.startswith("It looks like") else None


def _growth(eps, lr, b, radius):
    return math.log(radius / eps) / math.log(1 + lr * b)


def test_escape_checker_names_each_classic_mistake():
    cases = [
        (lambda *a: math.floor(_growth(*a)), "rounding down (floor)"),
        (lambda *a: int(_growth(*a)), "rounding down (floor)"),
        (lambda *a: round(_growth(*a)), "rounding to the nearest whole step"),
        (
            lambda eps, lr, b, radius: math.ceil(
                math.log(radius / eps) / math.log(1 + lr)
            ),
            "the curvature b left out",
        ),
        (
            lambda eps, lr, b, radius: math.ceil(
                math.log(1 / eps) / math.log(1 + lr * b)
            ),
            "the radius taken as 1",
        ),
        (
            lambda *a: float(math.ceil(_growth(*a))),
            "a float where an integer count of steps",
        ),
        (lambda *a: _growth(*a), "a float where an integer count of steps"),
        (lambda *a: math.ceil(_growth(*a)) + 1, "one step too large (off by one)"),
        (
            lambda eps, lr, b, radius: math.ceil(math.log(radius / eps) / (lr * b)),
            "log(1 + lr*b) replaced by lr*b",
        ),
        (
            lambda eps, lr, b, radius: math.ceil(
                math.log(eps / radius) / math.log(1 + lr * b)
            ),
            "the ratio inside the logarithm is upside down",
        ),
    ]
    for wrong, named in cases:
        result = exercises.check_escape_step(wrong)
        assert not result.ok and named in diagnosis(result), named


def test_escape_checker_wants_an_integer_even_when_the_value_is_right():
    result = exercises.check_escape_step(lambda *a: float(math.ceil(_growth(*a))))
    assert "the answer must be an integer, got float" in result.failure


def test_escape_reference_matches_measured_escapes_over_a_grid():
    from gdcourse import descent, surfaces
    from gdcourse.exercises.saddle_points import _escape_step

    for eps, lr, b in [(1e-6, 0.1, 1.0), (1e-3, 0.2, 0.5), (1e-8, 0.05, 2.0)]:
        run = descent.gradient_descent(
            surfaces.saddle(1.0, b), [0.0, eps], lr=lr, steps=2000
        )
        assert landscape.escape_step(run.weights[:, 1:], [0.0], 1.0) == _escape_step(
            eps, lr, b, 1.0
        )


def test_escape_checker_tells_rounding_to_the_nearest_from_floor():
    # floor fails where round would pass (a fraction of one half or more), so
    # the two mistakes fail different cases and each gets its own diagnosis
    rounded = exercises.check_escape_step(lambda *a: round(_growth(*a)))
    floored = exercises.check_escape_step(lambda *a: math.floor(_growth(*a)))
    assert rounded.passed == 1 and floored.passed == 0
    assert "floor" not in diagnosis(rounded)
    assert "nearest" not in diagnosis(floored)


def test_escape_checker_tells_a_float_count_to_convert_or_to_round():
    # the right count as a float (np.ceil returns one): convert, not round
    whole = diagnosis(exercises.check_escape_step(lambda *a: np.ceil(_growth(*a))))
    assert "the right count as a float" in whole and "int()" in whole
    assert "rounded" not in whole
    # the count not rounded at all: round (and which way)
    raw = diagnosis(exercises.check_escape_step(lambda *a: _growth(*a)))
    assert "which way must it be rounded" in raw and "int()" not in raw
    # a float five steps off has a second mistake: no type diagnosis
    far = exercises.check_escape_step(lambda *a: np.ceil(_growth(*a)) + 5.0)
    assert not far.ok and diagnosis(far) is None


def test_escape_checker_names_the_growth_factor_without_the_half():
    def doubled(eps, lr, b, radius):
        return math.ceil(math.log(radius / eps) / math.log(1 + 2 * lr * b))

    result = exercises.check_escape_step(doubled)
    assert not result.ok and "1 + 2*lr*b" in diagnosis(result)
    # b squared agrees with 2b only where b = 2: not named
    squared = exercises.check_escape_step(
        lambda eps, lr, b, radius: math.ceil(
            math.log(radius / eps) / math.log(1 + lr * b * b)
        )
    )
    assert not squared.ok and diagnosis(squared) is None


def test_escape_checker_names_floor_plus_one_and_a_strict_loop():
    # right everywhere except where the count is a whole number
    floor_plus_one = lambda *a: math.floor(_growth(*a)) + 1  # noqa: E731

    def strict_loop(eps, lr, b, radius):
        k, y = 0, eps
        while y <= radius:
            y, k = y * (1 + lr * b), k + 1
        return k

    for wrong in (floor_plus_one, strict_loop):
        result = exercises.check_escape_step(wrong)
        assert not result.ok and "floor + 1" in diagnosis(result)
        assert "escape_step(0.25, 0.5, 2, 1)" in repr(result)


def test_escape_checker_accepts_a_loop_that_stops_at_the_radius():
    def loop(eps, lr, b, radius):
        k, y = 0, eps
        while y < radius:
            y, k = y * (1 + lr * b), k + 1
        return k

    assert exercises.check_escape_step(loop).ok


# ----------------------------------------------------------------------------
# Exercise 4.3: a plateau, saddle or minimum?
# ----------------------------------------------------------------------------


def _stalls():
    """The three runs, rebuilt here from PLATEAUS with the package's own descent."""
    from gdcourse import data, descent, surfaces
    from gdcourse.exercises.saddle_points import _SURFACE_OF, PLATEAUS

    fit = data.regression(x_range=(1.0, 3.0), seed=0)
    built = {
        "degenerate saddle": surfaces.degenerate_saddle(),
        "Himmelblau": surfaces.himmelblau(),
        "regression": surfaces.least_squares(fit.X_train, fit.y_train),
    }
    stalls = {}
    for name, (start, lr, tol) in PLATEAUS.items():
        surface = built[_SURFACE_OF[name]]
        run = descent.gradient_descent(surface, start, lr=lr, steps=2000, tol=tol)
        assert run.stop_reason == "tol" and not run.diverged
        stalls[name] = (surface, run, fit)
    return stalls


def _eig(surface, w):
    return np.linalg.eigvalsh(surface.hessian(np.asarray(w)))


def _sign_rule(eig):
    return "saddle" if eig[0] < 0 else "minimum"


def _right():
    smallest = {}
    for name, (surface, run, _) in _stalls().items():
        smallest[name] = float(_eig(surface, run.final_weights)[0])
    return _sign_rule, smallest


def test_plateau_runs_are_the_runs_of_plateaus_on_unnamed_surfaces():
    from gdcourse.exercises.saddle_points import plateau_runs

    for name, (surface, run) in plateau_runs().items():
        _, mine, _ = _stalls()[name]
        np.testing.assert_array_equal(run.final_weights, mine.final_weights)
        assert run.stopped_at == mine.stopped_at
        # the name and formula do not say which surface it is
        assert surface.name == f"surface {name}" and surface.formula == ""


def test_plateau_a_is_not_a_copy_of_the_chapters_worked_example():
    from gdcourse import descent, surfaces

    worked = descent.gradient_descent(
        surfaces.degenerate_saddle(), [1.0, 0.05], lr=0.1, steps=800, tol=1e-3
    )
    _, run, _ = _stalls()["A"]
    assert run.stopped_at != worked.stopped_at
    assert np.all(np.sign(run.final_weights) != np.sign(worked.final_weights))


def test_plateau_reference_smallest_eigenvalues_match_closed_forms():
    stalls = _stalls()
    # A: f = w1^2 - w2^4 + w2^6/2 has the diagonal Hessian diag(2, -12 w2^2 + 15 w2^4)
    surface, run, _ = stalls["A"]
    w2 = run.final_weights[1]
    assert _eig(surface, run.final_weights)[0] == pytest.approx(
        -12 * w2**2 + 15 * w2**4, rel=1e-12
    )
    # C: half the mean squared error of a line has the constant Hessian
    # mean of (x, 1)(x, 1)^T, whatever the weights
    surface, run, fit = stalls["C"]
    x = fit.X_train[:, 0]
    H = np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    np.testing.assert_allclose(_eig(surface, run.final_weights), np.linalg.eigvalsh(H))
    # B: measured by finite differences of the gradient
    surface, run, _ = stalls["B"]
    H_fd = landscape.hessian_matrix(surface.grad, run.final_weights)
    assert np.linalg.eigvalsh(H_fd)[0] == pytest.approx(
        _eig(surface, run.final_weights)[0], rel=1e-5
    )


def test_plateau_b_has_a_negative_eigenvalue_larger_in_size_than_the_positive():
    # so that the eigenvalue nearest zero is not the smallest
    surface, run, _ = _stalls()["B"]
    eig = _eig(surface, run.final_weights)
    assert eig[0] < 0 < eig[1] and abs(eig[0]) > 2 * eig[1]


def test_plateau_kinds_are_what_the_surfaces_hold_near_the_stall_points():
    from gdcourse import newton

    stalls = _stalls()
    # A stalls beside the degenerate saddle at the origin
    surface, run, _ = stalls["A"]
    assert np.linalg.norm(run.final_weights) < 0.05
    assert surface(run.final_weights) > surface(surface.global_minimum) + 0.5
    # B: Newton's method from the stall point finds the critical point it
    # sits beside, a saddle of index 1 (Newton is attracted to saddles)
    surface, run, _ = stalls["B"]
    critical = newton.newton(surface, run.final_weights, steps=20).final_weights
    assert np.linalg.norm(surface.grad(critical)) < 1e-9
    assert np.linalg.norm(critical - run.final_weights) < 0.05
    kind = landscape.classify_critical_point(surface.hessian(critical))
    assert kind.kind == "saddle"
    # C: beside the only minimum of a convex quadratic
    surface, run, _ = stalls["C"]
    assert np.linalg.norm(run.final_weights - surface.minima[0]) < 0.05
    assert np.all(_eig(surface, run.final_weights) > 0)


def test_plateau_kicks_off_a_saddle_travel_far_and_off_a_minimum_stay():
    from gdcourse import descent
    from gdcourse.exercises.saddle_points import PLATEAUS

    for name, (surface, run, _) in _stalls().items():
        w = run.final_weights
        eig, vec = np.linalg.eigh(surface.hessian(w))
        ends = descent.gradient_descent(
            surface,
            w + np.outer([0.01, -0.01], vec[:, 0]),
            lr=PLATEAUS[name][1],
            steps=1000,
        )
        travel = np.linalg.norm(ends.final_weights - w, axis=1)
        if eig[0] < 0:
            assert max(ends.final_loss) < run.final_loss - 0.5, name
            assert np.all(travel > 1.0), name
        else:
            floor = surface(surface.minima[0])
            np.testing.assert_allclose(ends.final_loss, floor, rtol=0, atol=1e-9)
            assert np.all(travel < 0.02), name


def test_plateau_checker_passes_the_measured_answer_and_shows_the_kicks():
    decide, smallest = _right()
    verdict = exercises.check_plateau(decide, smallest)
    assert verdict.ok, verdict.text
    text = verdict.text
    assert text.startswith("All three right:")
    assert "A: saddle" in text and "B: saddle" in text and "C: minimum" in text
    assert "back at the minimum" in text
    lines = _lines(verdict)
    # how far each restart travels, and B's two restarts part
    assert "travel 1.11 and 1.11 and take" in lines["A"]
    assert "to two different minima" in lines["B"]
    assert "to two different minima" not in lines["A"] + lines["C"]
    assert "travel 0.0147 and 0.0147 and settle" in lines["C"]
    # a list in the order A, B, C, kinds in any case and spacing, the rule
    # with the tip's tolerance
    as_lists = exercises.check_plateau(
        lambda e: " Saddle " if e[0] < -1e-3 * e[-1] else "MINIMUM",
        [smallest[n] for n in "ABC"],
    )
    assert as_lists.ok and as_lists.text == text


def test_plateau_checker_accepts_a_finite_difference_hessian():
    answers = {}
    for name, (surface, run, _) in _stalls().items():
        H = landscape.hessian_matrix(surface.grad, run.final_weights)
        answers[name] = np.linalg.eigvalsh(H)[0]
    assert exercises.check_plateau(_sign_rule, answers).ok


def _lines(verdict):
    """The report's line for each plateau (with its hint), by name."""
    found = {}
    for block in verdict.text.split("\n")[1:]:
        if block[:2] in ("A:", "B:", "C:"):
            name = block[0]
            found[name] = block
        else:
            found[name] += "\n" + block
    return found


# a phrase of each hint, to check that no line gets another cause's hint
HINTS = {
    "largest": "it looks like the largest eigenvalue",
    "nearest": "the one nearest zero (the smallest in size)",
    "sign": "with its sign dropped or flipped",
    "diagonal": "smallest diagonal entry",
    "elsewhere": "the plateau is where the run stopped",
    "rounded": "the smallest eigenvalue rounded;",
    "digits": "close, but not within 1%",
    "measure": "compute the Hessian at the stall point",
}


def _assert_hints(verdict, expected):
    """Each plateau's line: "right", or exactly the hint of its cause."""
    assert not verdict.ok
    lines = _lines(verdict)
    assert sorted(lines) == ["A", "B", "C"]
    for name, cause in expected.items():
        line = lines[name]
        if cause is None:
            assert line == f"{name}: eigenvalue right.", line
            continue
        assert HINTS[cause] in line, (name, cause, line)
        others = [p for c, p in HINTS.items() if c != cause and p in line]
        assert not others, (name, cause, line)


def _wrong(transform):
    """The smallest eigenvalue replaced by transform(surface, run, eigenvalues)."""
    return {
        name: float(transform(surface, run, _eig(surface, run.final_weights)))
        for name, (surface, run, _) in _stalls().items()
    }


def test_plateau_checker_names_each_typical_wrong_answer():
    decide, smallest = _right()
    # the largest eigenvalue; at B it is also the one nearest zero, and the
    # hint says both
    _assert_hints(
        exercises.check_plateau(decide, _wrong(lambda s, r, e: e[-1])),
        {"A": "largest", "B": "nearest", "C": "largest"},
    )
    line_b = _lines(exercises.check_plateau(decide, _wrong(lambda s, r, e: e[-1])))["B"]
    assert "both the largest and the one nearest zero" in line_b
    # the eigenvalue smallest in size: right at A and C, not at B
    _assert_hints(
        exercises.check_plateau(decide, _wrong(lambda s, r, e: min(e, key=abs))),
        {"A": None, "B": "nearest", "C": None},
    )
    # its absolute value: the sign dropped at A, the one nearest zero at B
    _assert_hints(
        exercises.check_plateau(decide, _wrong(lambda s, r, e: np.abs(e).min())),
        {"A": "sign", "B": "nearest", "C": None},
    )
    # the opposite sign (the eigenvalues of minus the Hessian, largest first)
    _assert_hints(
        exercises.check_plateau(decide, _wrong(lambda s, r, e: -e[0])),
        dict.fromkeys("ABC", "sign"),
    )
    # measured at the start of the run
    at_start = _wrong(lambda s, r, e: _eig(s, r.weights[0])[0])
    _assert_hints(
        exercises.check_plateau(decide, at_start),
        {"A": "elsewhere", "B": "elsewhere", "C": None},
    )
    verdict = exercises.check_plateau(decide, at_start)
    assert "at the start of the run (step 0)" in _lines(verdict)["B"]
    # the smallest diagonal entry: right only where the Hessian is diagonal
    _assert_hints(
        exercises.check_plateau(
            decide, _wrong(lambda s, r, e: np.diag(s.hessian(r.final_weights)).min())
        ),
        {"A": None, "B": "diagonal", "C": "diagonal"},
    )
    # rounded to one or two significant digits: right where that is within 1%
    for digits in (1, 2):
        rounded = {n: float(f"{v:.{digits}g}") for n, v in smallest.items()}
        _assert_hints(
            exercises.check_plateau(decide, rounded),
            {
                n: None if abs(rounded[n] - v) <= 0.01 * abs(v) else "rounded"
                for n, v in smallest.items()
            },
        )
    # a few per cent off (and not a value the run passed): close, but not
    # within 1%
    _assert_hints(
        exercises.check_plateau(
            decide, {n: f * smallest[n] for n, f in zip("ABC", (1.03, 0.97, 1.03))}
        ),
        dict.fromkeys("ABC", "digits"),
    )


def test_plateau_checker_names_the_step_of_an_eigenvalue_measured_mid_run():
    decide, _ = _right()
    verdict = exercises.check_plateau(
        decide, _wrong(lambda s, r, e: _eig(s, r.weights[5])[0])
    )
    surface, run, _ = _stalls()["B"]
    line = _lines(verdict)["B"]
    # the first step whose eigenvalue matches within 1%, and the stall's step
    step = int(re.search(r"the smallest eigenvalue at step (\d+);", line).group(1))
    assert step <= 5
    mid = _eig(surface, run.weights[5])[0]
    assert _eig(surface, run.weights[step])[0] == pytest.approx(mid, rel=0.01)
    assert f"run.final_weights (step {run.stopped_at})" in line


def test_plateau_checker_tells_unsorted_eigenvalues_where_the_first_is_the_largest():
    decide, _ = _right()
    unsorted = _wrong(lambda s, r, e: np.linalg.eigvals(s.hessian(r.final_weights))[0])
    verdict = exercises.check_plateau(decide, unsorted)
    for name, value in unsorted.items():
        surface, run, _ = _stalls()[name]
        eig = _eig(surface, run.final_weights)
        line = _lines(verdict)[name]
        if value == pytest.approx(eig[-1]):
            assert HINTS["largest"] in line or HINTS["nearest"] in line
        else:
            assert line == f"{name}: eigenvalue right."
        if HINTS["largest"] in line:
            # the cause, the order NumPy's unsorted routines return, is named
            assert "they do not sort their eigenvalues" in line, line
            assert "np.linalg.eigvalsh" in line, line
    assert "they do not sort" in _lines(verdict)["A"]
    assert "they do not sort" in _lines(verdict)["C"]


def test_plateau_checker_names_the_sort_order_only_where_eigvals_puts_the_largest_first():
    decide, _ = _right()
    # the largest, where np.linalg.eigvals returns it first and where not
    transposed = {}
    for name, (surface, run, _) in _stalls().items():
        H = surface.hessian(run.final_weights)
        # the same largest eigenvalue; eigvals of the reversed matrix lists
        # the eigenvalues in another order
        first = np.real(np.linalg.eigvals(H)[0])
        transposed[name] = (first, _eig(surface, run.final_weights)[-1])
    lines = _lines(exercises.check_plateau(decide, _wrong(lambda s, r, e: e[-1])))
    for name, (first, largest) in transposed.items():
        if HINTS["largest"] not in lines[name]:
            continue
        named = "they do not sort" in lines[name]
        assert named == (first == pytest.approx(largest, rel=0.01)), lines[name]


def test_plateau_failing_reports_never_print_a_value_that_passes():
    decide, smallest = _right()
    wrong_sets = [
        _wrong(lambda s, r, e: e[-1]),
        _wrong(lambda s, r, e: -e[0]),
        _wrong(lambda s, r, e: min(e, key=abs)),
        _wrong(lambda s, r, e: _eig(s, r.weights[0])[0]),
        _wrong(lambda s, r, e: np.diag(s.hessian(r.final_weights)).min()),
        {n: float(f"{v:.1g}") for n, v in smallest.items()},
    ]
    for wrong in wrong_sets:
        lines = _lines(exercises.check_plateau(decide, wrong))
        for name, line in lines.items():
            if line.endswith("right."):
                continue
            # every number the line prints, signs included
            for token in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", line):
                printed = float(token)
                right = smallest[name]
                assert abs(printed - right) > 0.01 * abs(right), (name, line)


def test_plateau_checker_cannot_be_passed_by_a_round_guess():
    # no number with one significant digit is within the 1% the checker
    # allows, for any plateau: each line is judged on its own
    decide, _ = _right()
    guesses = [m * 10.0**k for m in range(1, 10) for k in range(-4, 4)]
    for g in guesses + [-g for g in guesses] + [0.0]:
        verdict = exercises.check_plateau(decide, [g, g, g])
        assert not verdict.ok
        assert not any(line.endswith("right.") for line in _lines(verdict).values())


@pytest.mark.parametrize(
    "decide, smallest, message",
    [
        (_sign_rule, None, "smallest must be a dict with keys"),
        (_sign_rule, "-0.02", "smallest must be a dict with keys"),
        (_sign_rule, [0.0] * 4, "smallest must have 3 entries (A, B, C), got 4."),
        (_sign_rule, {"A": 0.0, "C": 0.0}, 'smallest has no entry for "B"'),
        (_sign_rule, [None, 0.0, 0.0], 'smallest["A"] must be a number, got None.'),
        (
            _sign_rule,
            [0.0, "-14", 0.0],
            "smallest[\"B\"] must be a number, got '-14'.",
        ),
        (_sign_rule, [0.0, 0.0, True], 'smallest["C"] must be a number, got True.'),
        (
            _sign_rule,
            {"A": [1.0, 2.0], "B": 0, "C": 0},
            'smallest["A"] must be a number',
        ),
        (
            _sign_rule,
            [0.0, float("inf"), 0.0],
            'smallest["B"] must be a finite number, got inf.',
        ),
        (
            _sign_rule,
            [float("nan"), 0.0, 0.0],
            "its stall point is run.final_weights",
        ),
        (None, [0.0] * 3, "decide must be a function of a Hessian's eigenvalues"),
        ("saddle", [0.0] * 3, "decide must be a function of a Hessian's eigenvalues"),
    ],
)
def test_plateau_checker_answers_bad_input_in_plain_words(decide, smallest, message):
    verdict = exercises.check_plateau(decide, smallest)
    assert not verdict.ok
    assert message in verdict.text, verdict.text
    assert "Traceback" not in verdict.text and "\n" not in verdict.text


@pytest.mark.parametrize(
    "decide, message",
    [
        (
            lambda e: None,
            'decide must return "saddle" (a way down) or "minimum" (no way down shown), got None.',
        ),
        (
            lambda e: "maximum",
            'decide must return "saddle" (a way down) or "minimum" (no way down shown), got \'maximum\'.',
        ),
        (
            lambda e: e[0] < 0,
            'decide must return "saddle" (a way down) or "minimum" (no way down shown), got True.',
        ),
        (lambda e: e[3], "decide raised IndexError"),
        (lambda e, loss: "saddle", "decide raised TypeError"),
    ],
)
def test_plateau_checker_answers_a_broken_rule_in_plain_words(decide, message):
    verdict = exercises.check_plateau(decide, _right()[1])
    assert not verdict.ok
    assert message in verdict.text, verdict.text
    assert "Traceback" not in verdict.text and "\n" not in verdict.text


def test_plateau_checker_reads_nan_from_the_padded_rows_of_a_stopped_run():
    decide, _ = _right()
    last_row = _wrong(lambda s, r, e: _eig(s, r.weights[-1])[0])
    # the regression's Hessian is the same everywhere, even at NaN weights
    assert np.isnan(last_row["A"]) and np.isnan(last_row["B"])
    text = exercises.check_plateau(decide, last_row).text
    assert "run.weights ends in NaN rows" in text


# a phrase of each rule hint, to check that no report gets another cause's
RULE_HINTS = {
    "inverted": "is its comparison the wrong way round?",
    "constant": "so it does not depend on the eigenvalues",
    "nearest": "does it read the eigenvalue smallest in size",
    "determinant": "the sign of the determinant",
    "loose": "negative but small beside the largest",
    "positive": "whose eigenvalues are all positive",
    "generic": "for each Hessian, compare its smallest eigenvalue",
    "outweighs": "whose negative curvature outweighs the positive",
    "maximum": "whose eigenvalues are all negative, a maximum",
    "fixed": "a fixed cut-off does not fit every scale",
}


@pytest.mark.parametrize(
    "decide, cause",
    [
        # the flat loss and the small gradient trusted: every plateau a minimum
        (lambda e: "minimum", "constant"),
        (lambda e: "saddle", "constant"),
        # the comparison the wrong way round
        (lambda e: "minimum" if e[0] < 0 else "saddle", "inverted"),
        # the eigenvalue smallest in size read as the smallest
        (lambda e: "saddle" if min(e, key=abs) < 0 else "minimum", "nearest"),
        # the sign of the determinant
        (lambda e: "saddle" if np.prod(e) < 0 else "minimum", "determinant"),
        # a tolerance far too loose for exact Hessians, relative or absolute
        (lambda e: "saddle" if e[0] < -0.05 * e[-1] else "minimum", "loose"),
        (lambda e: "saddle" if e[0] < -0.1 else "minimum", "fixed"),
        (lambda e: "saddle" if e[0] < -0.01 else "minimum", "fixed"),
        # chapter 3's saddle (both signs), which calls a maximum a minimum
        (lambda e: "saddle" if e[0] < 0 < e[-1] else "minimum", "maximum"),
        # net curvature: a saddle only where the negative outweighs the positive
        (lambda e: "saddle" if np.sum(e) < 0 else "minimum", "outweighs"),
        (lambda e: "saddle" if -e[0] > e[-1] else "minimum", "outweighs"),
        # a small positive eigenvalue read as a way down
        (lambda e: "saddle" if e[0] < 0.1 else "minimum", "positive"),
        # the largest eigenvalue's share: both kinds of mistake
        (
            lambda e: "saddle" if e[0] < 0.1 * e[-1] and e[0] > -0.1 else "minimum",
            "generic",
        ),
    ],
)
def test_plateau_checker_names_each_wrong_rule(decide, cause):
    verdict = exercises.check_plateau(decide, _right()[1])
    assert not verdict.ok
    text = verdict.text
    assert text.startswith("Not yet: your eigenvalues are right, but your rule")
    assert RULE_HINTS[cause] in text, text
    others = [p for c, p in RULE_HINTS.items() if c != cause and p in text]
    assert not others, text
    # no run named, no evidence hint
    for name in "ABC":
        assert f"{name}:" not in text and f'"{name}"' not in text
    assert not [p for p in HINTS.values() if p in text], text


def test_plateau_rule_cannot_be_passed_by_labels_for_the_three_runs():
    # a rule that looks the runs up by their eigenvalues, right on all three,
    # is still judged on the other Hessians
    _, smallest = _right()
    labels = {
        round(v, 6): k
        for v, k in zip(smallest.values(), ("saddle", "saddle", "minimum"))
    }
    for other in ("saddle", "minimum"):

        def lookup(e, other=other):
            return labels.get(round(float(e[0]), 6), other)

        assert not exercises.check_plateau(lookup, smallest).ok


def test_plateau_rule_waits_for_the_evidence():
    # with one eigenvalue wrong, the rule is not judged: a right
    # eigenvalue's line says nothing of the rule, right or wrong
    decide, smallest = _right()
    flipped = lambda e: "minimum" if decide(e) == "saddle" else "saddle"  # noqa: E731
    wrong = dict(smallest, B=-smallest["B"])
    for given in (decide, flipped):
        verdict = exercises.check_plateau(given, wrong)
        lines = _lines(verdict)
        assert (
            lines["A"] == "A: eigenvalue right."
            and lines["C"] == "C: eigenvalue right."
        )
        assert HINTS["sign"] in lines["B"] and "rule misjudges" not in lines["B"]
    assert (
        exercises.check_plateau(decide, wrong).text
        == exercises.check_plateau(flipped, wrong).text
    )


def test_plateau_passing_report_names_the_lowest_loss_without_a_bound():
    verdict = exercises.check_plateau(*_right())
    lines = _lines(verdict)
    surface, _, _ = _stalls()["A"]
    # f = w1^2 - w2^4 + w2^6/2 is lowest at w2^2 = 4/3, where it is -16/27
    assert float(surface(surface.global_minimum)) == pytest.approx(-16 / 27)
    assert f"to {-16 / 27:.3g}, the lowest loss of the surface." in lines["A"]
    assert "or lower" not in verdict.text
    # Himmelblau's restart ends at round-off level: a bound, portable
    assert "to below 1e-9." in lines["B"]


def test_valley_run_has_a_negative_eigenvalue_beside_a_valley_of_minima():
    from gdcourse import descent

    surface, run = exercises.saddle_points.valley_run()
    w = run.final_weights
    # the Hessian against finite differences of the gradient
    np.testing.assert_allclose(
        surface.hessian(w), landscape.hessian_matrix(surface.grad, w), rtol=1e-5
    )
    eig, vec = np.linalg.eigh(surface.hessian(w))
    # the sign rule of the exercise would call it a saddle, with a share
    # like run A's
    assert eig[0] < -1e-3 * eig[-1]
    assert 0.005 < abs(eig[0]) / eig[-1] < 0.05
    # yet a step along the eigenvector either way, then descent, ends on the
    # curve w1 w2 = 1, every point of which is a minimum of loss 0; the only
    # other critical point, the origin, is far away
    ends = descent.gradient_descent(
        surface, w + np.outer([0.01, -0.01], vec[:, 0]), lr=0.05, steps=1000
    ).final_weights
    np.testing.assert_allclose(ends[:, 0] * ends[:, 1], 1.0, atol=1e-12)
    assert np.all(np.linalg.norm(ends - w, axis=1) < 0.05)
    assert np.linalg.norm(w) > 1


def test_valley_negative_curvature_shrinks_with_the_gradient():
    # (w1 w2 - 1)^2 with p = w1 w2: the Hessian's determinant is
    # 4 (1 - p)(3 p - 1), negative only outside the curve (p > 1)
    from gdcourse import descent

    surface, _ = exercises.saddle_points.valley_run()
    for w, sign in (((1.0, 0.99), 1), ((1.0, 1.01), -1)):
        assert np.sign(_eig(surface, w)[0]) == sign
    ratios = []
    for tol in (0.1, 1e-3):
        run = descent.gradient_descent(
            surface, (1.5, 1.2), lr=0.05, steps=2000, tol=tol
        )
        eig = _eig(surface, run.final_weights)
        ratios.append(abs(eig[0]) / run.grad_norms[run.stopped_at])
    # beside a minimum, |lambda_min| / |g| stays put as the tolerance tightens
    assert ratios[0] == pytest.approx(ratios[1], rel=0.05)
    # at B's strict saddle it is far larger; at A's degenerate saddle it
    # depends on how far off the stable line the run started: from 0.01 off
    # it is of the valley's order, so the ratio is no test there
    surface, run, _ = _stalls()["B"]
    b = abs(_eig(surface, run.final_weights)[0]) / run.grad_norms[run.stopped_at]
    assert b > 100 * ratios[0]
    near = _near_line_stall()
    assert near["ratio"] < 3 * ratios[0]


def _near_line_stall():
    """A's descent started 0.01 off the degenerate saddle's stable line."""
    from gdcourse import descent, surfaces

    surface = surfaces.degenerate_saddle()
    run = descent.gradient_descent(surface, (-0.7, -0.01), lr=0.1, steps=2000, tol=1e-3)
    w = run.final_weights
    eig, vec = np.linalg.eigh(surface.hessian(w))
    ends = descent.gradient_descent(
        surface, w + np.outer([0.01, -0.01], vec[:, 0]), lr=0.1, steps=1000
    ).final_weights
    return dict(
        w=w,
        eig=eig,
        ratio=abs(eig[0]) / run.grad_norms[run.stopped_at],
        travel=np.linalg.norm(ends - w, axis=1),
        minima=surface.minima,
    )


def test_minimum_means_no_way_down_shown_even_beside_a_degenerate_saddle():
    # w1^2 - w2^4 + w2^6/2: the stall lies by the saddle at the origin, far
    # from both minima (0, +-sqrt(4/3)), yet the rule answers "minimum" and
    # both restarts end close by
    near = _near_line_stall()
    # the solution's rule, whose tolerance (0.1% of the largest) the check
    # also uses
    low, high = near["eig"][0], near["eig"][-1]
    assert ("saddle" if low < -1e-3 * high else "minimum") == "minimum"
    assert exercises.saddle_points._true_kind(near["eig"]) == "minimum"
    assert near["eig"][0] < 0 and abs(near["eig"][0]) < 1e-3 * near["eig"][-1]
    assert np.linalg.norm(near["w"]) < 0.02
    assert np.min(np.linalg.norm(near["minima"] - near["w"], axis=1)) > 1.1
    assert near["travel"].max() < 0.02
    # and the report's words say what the answer can show
    text = exercises.check_plateau(lambda e: None, _right()[1]).text
    assert '"minimum" (no way down shown)' in text

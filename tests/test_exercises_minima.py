"""Tests of the chapter-3 checker in gdcourse.exercises.minima."""

import numpy as np

from gdcourse import exercises, landscape


def _classify(H):
    eig = np.linalg.eigvalsh(H)
    if eig.min() < -1e-9 and eig.max() > 1e-9:
        return "saddle"
    if np.any(np.abs(eig) <= 1e-9):
        return "degenerate"
    return "minimum" if eig.min() > 0 else "maximum"


def test_classify_checker_accepts_a_correct_answer():
    result = exercises.check_classify_critical_point(_classify)
    assert result.ok and result.passed == result.total == 10
    assert repr(result) == "All 10 cases passed: classify(hessian) is right."


def test_classify_checker_accepts_the_library_function():
    assert exercises.check_classify_critical_point(
        lambda H: landscape.classify_critical_point(H).kind
    ).ok


def test_classify_checker_catches_a_diagonal_only_answer():
    # reads only the diagonal: wrong for [[1, 2], [2, 1]] (eigenvalues 3 and -1)
    def diagonal(H):
        d = np.diag(H)
        if np.all(d > 0):
            return "minimum"
        if np.all(d < 0):
            return "maximum"
        return "saddle" if d.min() < 0 < d.max() else "degenerate"

    result = exercises.check_classify_critical_point(diagonal)
    assert not result.ok and result.passed == 3
    assert (
        "expected: 'saddle'" in result.failure
        and "got:      'minimum'" in result.failure
    )


def test_classify_checker_reports_none_bad_words_and_exceptions():
    assert (
        "returned None"
        in exercises.check_classify_critical_point(lambda H: None).failure
    )
    assert (
        "must be one of"
        in exercises.check_classify_critical_point(lambda H: "min").failure
    )
    raised = exercises.check_classify_critical_point(lambda H: 1 / 0)
    assert "raised ZeroDivisionError" in raised.failure and raised.passed == 0
    assert "Expected a function" in exercises.check_classify_critical_point(3).failure


def diagnosis(result):
    last = repr(result).splitlines()[-1].strip()
    return last if last.startswith("It looks like") else None


def _diagonal(H):
    return landscape.classify_critical_point(np.diag(np.diag(H))).kind


def test_classify_names_the_diagonal_and_swapped_mistakes():
    named = diagnosis(exercises.check_classify_critical_point(_diagonal))
    assert "diagonal entries where its eigenvalues were meant. Hint" in named

    def swapped(H):
        kind = _classify(H)
        return {"minimum": "maximum", "maximum": "minimum"}.get(kind, kind)

    assert "minimum and maximum swapped" in diagnosis(
        exercises.check_classify_critical_point(swapped)
    )
    # always "saddle": no single classic mistake explains it
    assert (
        diagnosis(exercises.check_classify_critical_point(lambda H: "saddle")) is None
    )


def test_the_rank_one_case_has_rounding_level_eigenvalues_of_both_signs():
    # in exact arithmetic its eigenvalues are 14, 0, 0
    eig = np.linalg.eigvalsh(np.outer([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]))
    assert np.isclose(eig[-1], 14.0)
    assert eig[0] < 0 < eig[1] and np.abs(eig[:2]).max() < 1e-12


def test_classify_names_an_answer_without_a_tolerance():
    def exact(H):
        eig = np.linalg.eigvalsh(H)
        if eig.min() < 0 < eig.max():
            return "saddle"
        if np.any(eig == 0):
            return "degenerate"
        return "minimum" if eig.min() > 0 else "maximum"

    result = exercises.check_classify_critical_point(exact)
    # only the rank-one case, whose zeros come out as +-1e-16, shows it
    assert result.passed == 8 and "Case 9" in result.failure
    assert "with no tolerance" in diagnosis(result)


def test_classify_names_a_zero_tested_before_mixed_signs():
    def degenerate_first(H):
        eig = np.linalg.eigvalsh(H)
        if np.any(np.abs(eig) <= 1e-9):
            return "degenerate"
        if eig.min() < 0 < eig.max():
            return "saddle"
        return "minimum" if eig.min() > 0 else "maximum"

    result = exercises.check_classify_critical_point(degenerate_first)
    assert "Case 7" in result.failure and "got:      'degenerate'" in result.failure
    assert "a zero eigenvalue tested before mixed signs. Hint" in diagnosis(result)


def test_classify_names_a_semidefinite_hessian_taken_for_a_minimum():
    def semidefinite(H):
        eig = np.linalg.eigvalsh(H)
        if eig.min() < -1e-9 and eig.max() > 1e-9:
            return "saddle"
        if eig.min() >= -1e-9 and eig.max() > 1e-9:
            return "minimum"
        if eig.max() <= 1e-9 and eig.min() < -1e-9:
            return "maximum"
        return "degenerate"

    result = exercises.check_classify_critical_point(semidefinite)
    assert "Case 5" in result.failure and "got:      'minimum'" in result.failure
    assert "no negative eigenvalue taken to mean a minimum" in diagnosis(result)


def test_classify_names_the_two_weight_determinant_test():
    def determinant(H):
        det = np.linalg.det(H)
        if abs(det) <= 1e-9:
            return "degenerate"
        if det < 0:
            return "saddle"
        return "minimum" if np.trace(H) > 0 else "maximum"

    result = exercises.check_classify_critical_point(determinant)
    # right on every 2x2 case; wrong on diag(2, 0, -1) and diag(3, -1, -1)
    assert result.passed == 6
    named = diagnosis(result)
    assert "the determinant test for two weights used with three" in named
    # the hint covers both failing cases: the shown one (det 0 at a saddle)
    # and diag(3, -1, -1) (two negative eigenvalues, det positive)
    assert "Case 7" in result.failure
    assert "makes it 0 even at a saddle" in named and "make it positive" in named


def test_classify_names_a_zero_eigenvalue_taken_for_a_saddle():
    def no_degenerate(H):
        eig = np.linalg.eigvalsh(H)
        if eig[0] > 1e-9:
            return "minimum"
        if eig[-1] < -1e-9:
            return "maximum"
        return "saddle"

    result = exercises.check_classify_critical_point(no_degenerate)
    # diag(2, 0), the rank-one case and the zero matrix: all degenerate
    assert result.passed == 4 and "Case 5" in result.failure
    assert "got:      'saddle'" in result.failure
    named = diagnosis(result)
    assert "a zero eigenvalue with no mixed signs taken to mean a saddle" in named
    assert "w1**2 + w2**4" in named

    def psd_singular_saddle(H):
        # only a zero eigenvalue beside positive ones is called a saddle
        eig = np.linalg.eigvalsh(H)
        if eig[0] < -1e-9 and eig[-1] > 1e-9:
            return "saddle"
        if np.all(np.abs(eig) <= 1e-9):
            return "degenerate"
        if np.any(np.abs(eig) <= 1e-9):
            return "saddle"
        return "minimum" if eig[0] > 0 else "maximum"

    assert "taken to mean a saddle" in diagnosis(
        exercises.check_classify_critical_point(psd_singular_saddle)
    )


def test_classify_names_a_diagonal_answer_that_also_tests_zero_first():
    def diagonal_zero_first(H):
        d = np.diag(H)
        if np.all(d > 0):
            return "minimum"
        if np.all(d < 0):
            return "maximum"
        return "degenerate" if np.any(d == 0) else "saddle"

    named = diagnosis(exercises.check_classify_critical_point(diagonal_zero_first))
    assert "diagonal entries" in named and "a zero tested before mixed signs" in named


def test_each_classic_mistake_fails_a_different_set_of_cases():
    from gdcourse.exercises import minima

    mistakes = [
        _diagonal,
        minima._no_tolerance,
        minima._degenerate_first,
        minima._determinant_test,
        minima._semidefinite_as_definite,
        minima._degenerate_as_saddle,
        minima._swap_min_max,
    ]
    failing = [
        frozenset(
            i
            for i, H in enumerate(minima._CLASSIFY_CASES)
            if wrong(H) != landscape.classify_critical_point(H).kind
        )
        for wrong in mistakes
    ]
    assert all(failing) and len(set(failing)) == len(failing)


# Exercise 3.4: six stopped runs, diagnosed from the evidence at their last
# points.  The reference below is rebuilt from the runs, the surfaces'
# known critical points and closed forms, not from the checker's own lists.
import pytest  # noqa: E402

from gdcourse import descent, surfaces  # noqa: E402
from gdcourse.exercises import minima  # noqa: E402

TOL = minima.GRAD_ZERO


def _runs():
    out = []
    for name, start, lr, steps in minima.STOPPED_RUNS:
        s = surfaces.himmelblau() if name == "Himmelblau" else surfaces.two_valleys()
        out.append(
            (s, descent.gradient_descent(s, np.array(start), lr=lr, steps=steps))
        )
    return out


RUNS = _runs()


def _ridge_point():
    roots = np.roots([4.0, 0.0, -4.0, 0.3]).real
    return np.array([roots[np.argmin(np.abs(roots))], 0.0])


def _truth(surface, run):
    """The kind of a run's last point, from where it is, not from a Hessian."""
    w = run.final_weights
    near_min = np.min(np.linalg.norm(surface.minima - w, axis=-1))
    if near_min < 1e-3:
        return "minimum"
    if np.linalg.norm(w - _ridge_point()) < 1e-3:
        return "saddle"
    return "neither"


def _right_answer():
    kinds = [_truth(s, r) for s, r in RUNS]
    grads = [float(np.linalg.norm(s.grad(r.weights[-1]))) for s, r in RUNS]
    eigs = [float(np.linalg.eigvalsh(s.hessian(r.weights[-1]))[0]) for s, r in RUNS]
    return kinds, grads, eigs


RIGHT = _right_answer()


def test_the_ridge_start_has_no_gradient_across_the_ridge():
    s = surfaces.two_valleys()
    w0 = np.array([minima.RIDGE_W1, 1.0])
    assert s.grad(w0)[0] == 0.0
    assert abs(minima.RIDGE_W1 - _ridge_point()[0]) < 1e-15


def test_the_checker_runs_are_the_package_runs():
    for (_, r), (_, again) in zip(RUNS, minima.stopped_runs()):
        np.testing.assert_array_equal(r.weights, again.weights)


def test_the_six_runs_end_as_the_exercise_says():
    kinds = RIGHT[0]
    assert kinds == ["neither", "minimum", "neither", "saddle", "minimum", "minimum"]
    # 1: a two-cycle around Himmelblau's sharpest minimum, at a rate above
    # 2 / lambda_max there, with a large gradient
    h, cyc = RUNS[0]
    lam = np.linalg.eigvalsh(h.hessian(h.minima[2]))[-1]
    assert minima.STOPPED_RUNS[0][2] > 2 / lam
    two = descent.gradient_descent(h, cyc.final_weights, lr=0.017, steps=2)
    np.testing.assert_allclose(two.final_weights, cyc.final_weights, atol=1e-9)
    assert np.linalg.norm(h.grad(cyc.final_weights)) > 1.0
    # 3: still on its way, yet its loss falls little in its last steps
    _, slow = RUNS[2]
    assert slow.losses[-11] - slow.losses[-1] < 1e-4
    assert RIGHT[1][2] > 100 * TOL
    more = descent.gradient_descent(h, slow.final_weights, lr=0.001, steps=3000)
    assert np.linalg.norm(more.final_weights - h.minima[0]) < 1e-4
    # 2, 4 and 6 on the two-valley surface: w2 shrinks by 1 - lr per step
    for k in (1, 3, 5):
        assert RIGHT[1][k] == pytest.approx(0.95**200, rel=1e-6)
        assert RIGHT[1][k] < TOL
    # the curvature along w1 at the ridge point is 12 x^2 - 4 < 0
    assert RIGHT[2][3] == pytest.approx(12 * _ridge_point()[0] ** 2 - 4, rel=1e-6)
    assert RIGHT[2][1] == RIGHT[2][5] == pytest.approx(1.0)
    # 6 is the local minimum, higher than 2's
    assert RUNS[5][1].final_loss > RUNS[1][1].final_loss + 0.5


def test_a_right_diagnosis_passes():
    verdict = exercises.check_stopped_runs(*RIGHT)
    assert verdict.ok
    assert repr(verdict).startswith(
        "(a) Right: runs 2, 5 and 6 stopped at a minimum, run 4 at a saddle, "
        "and runs 1 and 3 at no critical point."
    )
    assert "(b) Right" in repr(verdict)


def test_evidence_to_a_few_digits_passes():
    kinds, grads, eigs = RIGHT
    rounded = [float(f"{g:.3g}") for g in grads], [round(e, 4) for e in eigs]
    assert exercises.check_stopped_runs(kinds, *rounded).ok
    # the package's own record of the gradient norms is as good
    norms = [float(r.grad_norms[-1]) for _, r in RUNS]
    assert exercises.check_stopped_runs(kinds, norms, eigs).ok


HINTS = {
    "cycle": "two more steps bring it back to the same point",
    "slow": "is still on its way",
    "saddle": "the gradient vanishes at a saddle as well",
    "critical": "it stopped at a critical point (after finitely many",
    "local": "not on the losses found elsewhere",
    "eigen": "not at its diagonal",
}


def _with(kind_at):
    kinds = list(RIGHT[0])
    for k, word in kind_at.items():
        kinds[k - 1] = word
    return kinds


@pytest.mark.parametrize(
    "changes, cause",
    [
        # it stopped moving, so it looks converged
        ({1: "minimum"}, "cycle"),
        ({1: "saddle"}, "cycle"),
        # its loss barely falls any more
        ({3: "minimum"}, "slow"),
        # the gradient vanishes there
        ({4: "minimum"}, "saddle"),
        ({4: "maximum"}, "saddle"),
        # the gradient is small, not exactly zero
        ({4: "neither"}, "critical"),
        ({2: "neither"}, "critical"),
        # the other run found a lower loss
        ({6: "neither"}, "local"),
        ({6: "saddle"}, "eigen"),
        ({5: "saddle"}, "eigen"),
    ],
)
def test_each_wrong_kind_gets_the_hint_of_its_cause(changes, cause):
    verdict = exercises.check_stopped_runs(_with(changes), *RIGHT[1:])
    text = repr(verdict)
    assert not verdict.ok
    first = text.splitlines()[0]
    assert first == "(a) Not yet: not every run's kind is right."
    assert HINTS[cause] in text
    for other, words in HINTS.items():
        if other != cause:
            assert words not in text
    given = next(iter(changes.values()))
    if cause not in ("saddle", "eigen"):
        assert f"a run you call a {given!r}" in text
    # the run is not named and no kind is given away
    assert "run 1" not in text and "run 4" not in text and "runs" not in text
    assert "(b) Right" in text


def _evidence_with(k, grad=None, eig=None):
    grads, eigs = list(RIGHT[1]), list(RIGHT[2])
    if grad is not None:
        grads[k - 1] = grad
    if eig is not None:
        eigs[k - 1] = eig
    return grads, eigs


def _variants(k):
    s, r = RUNS[k - 1]
    g = s.grad(r.weights[-1])
    return {
        "start": float(np.linalg.norm(s.grad(r.weights[0]))),
        "squared": float(g @ g),
        "loss": float(s(r.weights[-1])),
        "step": float(np.linalg.norm(r.weights[-1] - r.weights[-2])),
        "largest": float(np.linalg.eigvalsh(s.hessian(r.weights[-1]))[-1]),
        "closest": float(min(np.linalg.eigvalsh(s.hessian(r.weights[-1])), key=abs)),
        "eig start": float(np.linalg.eigvalsh(s.hessian(r.weights[0]))[0]),
        "diagonal": float(np.diag(s.hessian(r.weights[-1])).min()),
        "max": float(np.abs(g).max()),
        "sum": float(np.abs(g).sum()),
    }


@pytest.mark.parametrize(
    "k, slip, part, hint",
    [
        (3, "start", "grad", "gradient norm at the run's start"),
        (1, "start", "grad", "gradient norm at the run's start"),
        (3, "squared", "grad", "squared norm"),
        (1, "loss", "grad", "loss at the last point"),
        (3, "step", "grad", "length of the last step"),
        (1, "step", "grad", "length of the last step"),
        (1, "largest", "eig", "largest eigenvalue"),
        (3, "largest", "eig", "largest eigenvalue"),
        (4, "closest", "eig", "eigenvalue closest to zero"),
        (3, "eig start", "eig", "smallest eigenvalue at the run's start"),
        (3, "diagonal", "eig", "smallest diagonal entry"),
        (1, "max", "grad", "not the largest size of its components"),
        (3, "max", "grad", "not the largest size of its components"),
        (1, "sum", "grad", "not the sum of the sizes of its components"),
        (3, "sum", "grad", "not the sum of the sizes of its components"),
    ],
)
def test_each_evidence_slip_gets_its_hint(k, slip, part, hint):
    value = _variants(k)[slip]
    right = RIGHT[1 if part == "grad" else 2][k - 1]
    # the slip gives a number the check can tell from the right one
    assert abs(value - right) > 0.01 * abs(right) + 1e-6
    grads, eigs = _evidence_with(k, **{part: value})
    verdict = exercises.check_stopped_runs(RIGHT[0], grads, eigs)
    text = repr(verdict)
    assert not verdict.ok and text.startswith("(a) Right")
    what = "gradient norm" if part == "grad" else "smallest eigenvalue"
    assert f"(b) Not yet: the {what} you give for run {k}," in text
    assert f"Hint: that is the {hint}" in text or hint in text.split("Hint:")[-1]
    # no other slip's hint
    others = [h for *_, h in SLIPS if h != hint]
    assert not any(o in text for o in others)
    # the right value is not printed
    assert f"{right:.4g}" not in text and f"{right:.3g}" not in text


SLIPS = [
    ("start", "gradient norm at the run's start"),
    ("squared", "squared norm"),
    ("loss", "loss at the last point"),
    ("step", "length of the last step"),
    ("largest", "largest eigenvalue"),
    ("closest", "eigenvalue closest to zero"),
    ("eig start", "smallest eigenvalue at the run's start"),
    ("diagonal", "smallest diagonal entry"),
    ("max", "not the largest size of its components"),
    ("sum", "not the sum of the sizes of its components"),
]


def test_the_eigenvalue_closest_to_zero_is_told_from_the_largest():
    """Taken at every run, each slip fails where it first differs, with its own hint."""
    for slip, run, hint, other in (
        ("closest", 4, "eigenvalue closest to zero", "largest eigenvalue"),
        ("largest", 1, "largest eigenvalue", "eigenvalue closest to zero"),
    ):
        eigs = [_variants(k)[slip] for k in range(1, 7)]
        # the eigenvalue closest to zero is the smallest except at the saddle
        same = [abs(e - r) < 1e-9 for e, r in zip(eigs, RIGHT[2])]
        assert same.index(False) == run - 1
        text = repr(exercises.check_stopped_runs(RIGHT[0], RIGHT[1], eigs))
        assert f"smallest eigenvalue you give for run {run}," in text
        hint_text = text.split("Hint:")[-1]
        assert hint in hint_text and other not in hint_text, text
        assert "most negative" in hint_text or slip == "largest"
    # at the saddle the two slips give the same number: the runs before it
    # tell them apart
    assert _variants(4)["closest"] == _variants(4)["largest"]


def test_the_ridge_start_holds_within_two_floats_either_side():
    """A step under half the spacing of floats at w1 is rounded away."""
    s, run = RUNS[3]
    w1, w2 = minima.STOPPED_RUNS[3][1]
    lr, steps = minima.STOPPED_RUNS[3][2:]
    for k in (-3, -2, -1, 1, 2, 3):
        x = w1
        for _ in range(abs(k)):
            x = np.nextafter(x, np.inf if k > 0 else -np.inf)
        end = descent.gradient_descent(s, np.array([x, w2]), lr=lr, steps=steps)
        step = lr * s.grad(np.array([x, w2]))[0]
        if abs(k) <= 2:
            assert step != 0.0 and abs(step) < np.spacing(x) / 2
            assert end.final_weights[0] == x
            assert np.linalg.norm(s.grad(end.final_weights)) < TOL
        else:
            assert abs(step) > np.spacing(x) / 2
            assert abs(end.final_weights[0] - x) > 0.1
            assert np.linalg.norm(s.grad(end.final_weights)) > 0.5


def test_the_step_hint_says_a_hopping_run_takes_long_steps():
    # run 1 hops between two points: its last step is long, not short
    step = _variants(1)["step"]
    assert step > 1.0
    grads, eigs = _evidence_with(1, grad=step)
    hint = repr(exercises.check_stopped_runs(RIGHT[0], grads, eigs))
    hint = hint.split("Hint:")[-1]
    assert "takes long steps yet goes nowhere in two" in hint
    assert "not the gradient at the last point" in hint
    assert "it is small when" not in hint


def test_the_kind_hint_does_not_say_the_gradient_is_never_zero():
    # run 4's gradient along w1 is exactly zero at its last point
    s, r = RUNS[3]
    assert s.grad(r.final_weights)[0] == 0.0
    kinds = list(RIGHT[0])
    kinds[1] = "neither"
    text = repr(exercises.check_stopped_runs(kinds, *RIGHT[1:]))
    assert "rarely exactly zero" in text and "never exactly zero" not in text


def test_an_unrecognised_wrong_number_gets_the_plain_hint():
    grads, eigs = _evidence_with(2, grad=0.5)
    text = repr(exercises.check_stopped_runs(RIGHT[0], grads, eigs))
    assert "run 2, 0.5, is not the one at its last point" in text
    assert "evaluate the surface's gradient and Hessian at run.final_weights" in text
    grads, eigs = _evidence_with(2, grad=-1.0)
    assert "a norm is never negative" in repr(
        exercises.check_stopped_runs(RIGHT[0], grads, eigs)
    )


@pytest.mark.parametrize("word", ["minimum", "maximum", "saddle", "neither"])
def test_one_word_for_every_run_fails(word):
    verdict = exercises.check_stopped_runs([word] * 6, *RIGHT[1:])
    assert not verdict.ok and "Not yet" in repr(verdict).splitlines()[0]


def test_one_combination_of_kinds_in_4096_passes():
    # part (a) alone, for every way of giving 4 words to 6 runs
    from itertools import product

    causes = minima._reference()[3]
    words = ["minimum", "maximum", "saddle", "neither"]
    passing = [
        kinds
        for kinds in product(words, repeat=6)
        if minima._kinds_verdict(list(kinds), RIGHT[0], causes)[0]
    ]
    assert passing == [tuple(RIGHT[0])]


def test_no_failing_report_gives_the_kinds_or_the_values():
    kinds, grads, eigs = RIGHT
    wrong = exercises.check_stopped_runs(["minimum"] * 6, [1.0] * 6, [1.0] * 6)
    text = repr(wrong)
    assert not wrong.ok
    for g in grads:
        assert f"{g:.3g}" not in text
    assert "runs 2, 5 and 6" not in text and "run 4 at a saddle" not in text


@pytest.mark.parametrize(
    "args, message",
    [
        ((None, None, None), "(a) kinds must be a list of 6 words, got None."),
        (("minimum", [], []), "(a) kinds must be a list of 6 words, got 'minimum'."),
        (([None] * 6, [None] * 6, [None] * 6), "kinds[0] must be one of"),
        ((["min"] + ["minimum"] * 5, [], []), "kinds[0] must be one of"),
        ((["minimum"] * 5, [], []), "kinds must hold 6 words, one per run, got 5."),
        (
            (RIGHT[0], [None] * 6, RIGHT[2]),
            "(b) grad_norms[0] must be a number, got None.",
        ),
        (
            (RIGHT[0], RIGHT[1][:5], RIGHT[2]),
            "(b) grad_norms must hold 6 numbers, one per run, got 5.",
        ),
        (
            (RIGHT[0], RIGHT[1], [np.nan] * 6),
            "(b) smallest_eigs[0] must be a number, got nan.",
        ),
        (
            (RIGHT[0], "0.1", RIGHT[2]),
            "(b) grad_norms must be a list of 6 numbers, got '0.1'.",
        ),
        (
            (RIGHT[0], [True] * 6, RIGHT[2]),
            "(b) grad_norms[0] must be a number, got True.",
        ),
        (
            ({1: "minimum"}, RIGHT[1], RIGHT[2]),
            "(a) kinds must be a list of 6 words, got {1: 'minimum'}.",
        ),
        (
            (RIGHT[0], np.zeros((6, 2)), RIGHT[2]),
            "(b) grad_norms must be a list of 6 numbers, got array(",
        ),
    ],
)
def test_bad_input_gets_a_plain_message(args, message):
    verdict = exercises.check_stopped_runs(*args)
    text = repr(verdict)
    assert not verdict.ok and message in text
    assert "Traceback" not in text and "Error" not in text

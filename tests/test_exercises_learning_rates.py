"""Chapter 2 checkers: the largest stable rate of a quadratic, against measured descent, and the diagnosis of six loss curves."""

import re

import numpy as np
import pytest

from gdcourse import exercises
from gdcourse.descent import gradient_descent
from gdcourse.exercises import learning_rates
from gdcourse.surfaces import quadratic


def correct(A):
    return 2.0 / np.max(np.linalg.eigvalsh(A))


def test_correct_answer_passes_every_case():
    result = exercises.check_largest_stable_rate(correct)
    assert result.ok and result.passed == result.total == 5
    assert repr(result) == "All 5 cases passed: largest_stable_rate(A) is right."


def test_the_reference_is_the_measured_edge_of_stability():
    A = np.array([[2.0, 1.0], [1.0, 2.0]])
    rate = learning_rates._largest_stable_rate(A)
    s = quadratic(A)
    assert not gradient_descent(s, [1.0, 0.5], lr=0.98 * rate, steps=2000).diverged
    assert gradient_descent(s, [1.0, 0.5], lr=1.02 * rate, steps=2000).diverged


def test_common_mistakes_are_reported_in_words():
    diagonal_only = exercises.check_largest_stable_rate(
        lambda A: 2.0 / np.max(np.diag(A))
    )
    assert not diagonal_only.ok and diagonal_only.passed == 2
    assert "Case 3" in repr(diagonal_only) and "the numbers differ" in repr(
        diagonal_only
    )
    smallest = exercises.check_largest_stable_rate(
        lambda A: 2.0 / np.min(np.linalg.eigvalsh(A))
    )
    assert not smallest.ok and smallest.passed == 1
    one_over = exercises.check_largest_stable_rate(
        lambda A: 1.0 / np.max(np.linalg.eigvalsh(A))
    )
    assert one_over.passed == 0
    starter = exercises.check_largest_stable_rate(lambda A: None)
    assert "returned None" in repr(starter)


def diagnosis(result):
    last = repr(result).splitlines()[-1].strip()
    return last if last.startswith("It looks like") else None


def test_classic_mistakes_are_named():
    one_over = exercises.check_largest_stable_rate(
        lambda A: 1.0 / np.linalg.eigvalsh(A)[-1]
    )
    assert "1/L instead of 2/L" in diagnosis(one_over)
    diagonal = exercises.check_largest_stable_rate(lambda A: 2.0 / np.max(np.diag(A)))
    assert "diagonal entry of A where its largest eigenvalue" in diagnosis(diagonal)
    smallest = exercises.check_largest_stable_rate(
        lambda A: 2.0 / np.linalg.eigvalsh(A)[0]
    )
    assert "the smallest curvature" in diagnosis(smallest)
    per_entry = exercises.check_largest_stable_rate(
        lambda A: 2.0 / np.linalg.eigvalsh(A)
    )
    assert "an array where a single number was expected" in diagnosis(per_entry)
    assert diagnosis(exercises.check_largest_stable_rate(lambda A: None)) is None


def test_the_reference_is_theory_stability_limit_of_the_largest_curvature():
    from gdcourse import theory

    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    assert learning_rates._largest_stable_rate(A) == theory.stability_limit(
        np.linalg.eigvalsh(A)[-1]
    )


def test_the_best_rate_is_named_as_the_best_rate_not_the_limit():
    def best_rate(A):
        curvatures = np.linalg.eigvalsh(A)
        return 2.0 / (curvatures[0] + curvatures[-1])

    result = exercises.check_largest_stable_rate(best_rate)
    assert not result.ok and result.passed == 0
    assert "2/(mu + L), the best fixed rate" in diagnosis(result)
    assert "largest rate that still converges" in diagnosis(result)


def test_each_classic_mistake_gets_only_its_own_diagnosis():
    ev = np.linalg.eigvalsh
    mistakes = {
        "1/L instead of 2/L": lambda A: 1.0 / ev(A)[-1],
        "the best fixed rate": lambda A: 2.0 / (ev(A)[0] + ev(A)[-1]),
        "diagonal entry": lambda A: 2.0 / np.max(np.diag(A)),
        "smallest curvature": lambda A: 2.0 / ev(A)[0],
        "reciprocal": lambda A: ev(A)[-1] / 2.0,
    }
    for words, wrong in mistakes.items():
        said = diagnosis(exercises.check_largest_stable_rate(wrong))
        assert said is not None and words in said, (words, said)
        others = [w for w in mistakes if w != words]
        assert not any(w in said for w in others), (words, said)


def test_unrecognised_wrong_answers_get_no_diagnosis():
    ev = np.linalg.eigvalsh
    for wrong in (
        lambda A: 1.0 / (ev(A)[0] + ev(A)[-1]),
        lambda A: 2.0 / np.trace(A),
        lambda A: 0.8 * 2.0 / ev(A)[-1],
    ):
        assert diagnosis(exercises.check_largest_stable_rate(wrong)) is None


def test_unsorted_eigvals_are_named_as_unsorted_not_as_the_smallest():
    for pick in (-1, 0):  # the last or the first of np.linalg.eigvals

        def unsorted(A, pick=pick):
            return 2.0 / np.linalg.eigvals(A)[pick]

        result = exercises.check_largest_stable_rate(unsorted)
        assert not result.ok
        said = diagnosis(result)
        assert said is not None and "does not sort them" in said, (pick, said)
        assert "eigvalsh" in said and "smallest curvature" not in said
    # eigvalsh sorts: its first entry is the smallest curvature on every case
    smallest = diagnosis(
        exercises.check_largest_stable_rate(lambda A: 2.0 / np.linalg.eigvalsh(A)[0])
    )
    assert "the smallest curvature" in smallest and "does not sort" not in smallest


def test_a_rate_just_below_the_limit_is_named():
    ev = np.linalg.eigvalsh
    for wrong, shown in (
        (lambda A: 0.99 * 2.0 / ev(A)[-1], "0.99 times it"),
        (lambda A: 1.9 / ev(A)[-1], "0.95 times it"),
        (lambda A: 2.0 / ev(A)[-1] - 1e-6, "times it"),
    ):
        said = diagnosis(exercises.check_largest_stable_rate(wrong))
        assert said is not None and "just below the limit" in said, said
        assert shown in said and "supremum" in said
    # the best fixed rate can be 0.9 of the limit on some cases, not on all
    best = diagnosis(
        exercises.check_largest_stable_rate(lambda A: 2.0 / (ev(A)[0] + ev(A)[-1]))
    )
    assert "the best fixed rate" in best and "just below" not in best
    # a rate above the limit, or one per eigenvalue, is not "just below"
    for wrong in (lambda A: 1.05 * 2.0 / ev(A)[-1], lambda A: 0.99 * 2.0 / ev(A)):
        said = diagnosis(exercises.check_largest_stable_rate(wrong))
        assert said is None or "just below" not in said


def test_bounds_on_the_largest_eigenvalue_are_named_not_called_a_margin():
    frobenius = diagnosis(
        exercises.check_largest_stable_rate(lambda A: 2.0 / np.linalg.norm(A))
    )
    assert frobenius is not None and "Frobenius norm" in frobenius
    assert "rank one" in frobenius and "just below" not in frobenius
    row_sum = diagnosis(
        exercises.check_largest_stable_rate(lambda A: 2.0 / np.abs(A).sum(axis=1).max())
    )
    assert row_sum is not None and "row sum" in row_sum
    assert "just below" not in row_sum
    # the spectral norm of a symmetric positive definite A is its largest
    # eigenvalue: that answer is right, not a bound
    assert exercises.check_largest_stable_rate(lambda A: 2.0 / np.linalg.norm(A, 2)).ok


def test_a_ratio_that_changes_from_case_to_case_is_not_a_margin():
    ev = np.linalg.eigvalsh
    for wrong in (
        lambda A: 2.0 / ev(A)[-1] - 1e-3,  # an offset, not a factor
        lambda A: 2.0 / (ev(A)[-1] + 0.01 * ev(A)[0]),
    ):
        said = diagnosis(exercises.check_largest_stable_rate(wrong))
        assert said is None or "just below" not in said, said


# Exercise 2.3: which rate made which curve, and the largest stable rate


def rate_problem():
    """The chapter's logistic regression, its minimiser by Newton's method."""
    from gdcourse import data, models

    moons = data.two_moons(n=300, noise=0.15, seed=0)
    X, y = moons.X_train, moons.y_train
    model = models.LogisticRegression(n_features=2)
    Xb = np.column_stack([X, np.ones(len(X))])
    theta = np.zeros(3)
    for _ in range(30):
        p = models.sigmoid(Xb @ theta)
        H = (Xb.T * p * (1 - p)) @ Xb / len(X)
        theta -= np.linalg.solve(H, Xb.T @ (p - y) / len(X))
    return model, X, y, theta, H


def run_from_zero(lr, steps):
    model, X, y, theta_star, _ = rate_problem()
    theta, gaps = np.zeros(3), []
    for _ in range(steps + 1):
        gaps.append(model.loss(theta, X, y) - model.loss(theta_star, X, y))
        theta = theta - lr * model.grad(theta, X, y)
    return np.array(gaps)


def the_limit():
    return 2.0 / np.linalg.eigvalsh(rate_problem()[4])[-1]


def right_labels():
    """The labels by the exercise's definitions, read from runs made here."""
    D = learning_rates.DIAGNOSIS
    runs = {lr: run_from_zero(lr, D["steps"]) for lr in D["rates"]}

    def reach(g):
        return np.argmax(g < D["target"]) if np.any(g < D["target"]) else np.inf

    fastest = min(reach(g) for g in runs.values())
    kinds = {}
    for lr, g in runs.items():
        end = reach(g) if np.isfinite(reach(g)) else len(g) - 1
        if np.any(np.diff(g[: end + 1]) > 0):
            kinds[lr] = "too large"
        elif reach(g) <= D["slower"] * fastest:
            kinds[lr] = "about right"
        else:
            kinds[lr] = "too small"
    return [kinds[D["rates"][i]] for i in learning_rates._ORDER]


def part(verdict, which):
    lines = repr(verdict).split("\n(b) ")
    return lines[0][4:] if which == "a" else lines[1]


def test_the_curves_are_the_runs_at_the_listed_rates():
    D = learning_rates.DIAGNOSIS
    order = learning_rates._ORDER
    curves = exercises.learning_rates.rate_curves()
    assert list(curves) == list("ABCDEF")
    for letter, i in zip("ABCDEF", order):
        mine = run_from_zero(D["rates"][i], D["steps"])
        big = mine > 1e-12
        assert np.allclose(curves[letter][big], mine[big], rtol=1e-6)
    # the shuffle: each rate once, not in increasing order, and not public
    assert sorted(order) == list(range(6)) and list(order) != sorted(order)
    assert "curves" not in D


def test_the_limit_is_the_measured_edge_of_stability():
    limit = the_limit()
    assert learning_rates._limit() == pytest.approx(limit, rel=1e-9)
    # below: the loss reaches the minimum; above: it stalls, bouncing
    assert run_from_zero(0.99 * limit, 3000)[-1] < 1e-12
    above = run_from_zero(1.01 * limit, 3000)
    assert above[-1] > 1e-5 and np.any(np.diff(above[-10:]) > 0)
    # it is not a round number, and no listed rate is within 3% of it
    assert all(abs(r / limit - 1) > 0.03 for r in learning_rates.DIAGNOSIS["rates"])
    assert abs(limit - round(limit)) > 0.3


def test_the_labels_follow_the_theory_of_the_chapter():
    """Too small below the best fixed rate, too large near or above the limit."""
    eig = np.linalg.eigvalsh(rate_problem()[4])
    best, limit = 2 / (eig[0] + eig[-1]), the_limit()
    D = learning_rates.DIAGNOSIS
    labels = dict(zip([D["rates"][i] for i in learning_rates._ORDER], right_labels()))
    for lr, kind in labels.items():
        if kind == "too large":
            assert lr > best
        else:
            assert lr < best
    assert sorted(labels.values()) == sorted(
        ["too small", "about right", "too large"] * 2
    )
    # one too large rate converges (with a sawtooth), the other does not
    large = [lr for lr, k in labels.items() if k == "too large"]
    assert min(large) < limit < max(large)


def overshooting():
    """The curve that rose and converged, and its rate, from runs made here."""
    D = learning_rates.DIAGNOSIS
    labels = right_labels()
    for letter, i, lab in zip("ABCDEF", learning_rates._ORDER, labels):
        g = run_from_zero(D["rates"][i], D["steps"])
        if lab == "too large" and g[-1] < 1e-9:
            return letter, D["rates"][i], g


def reading(a=40, b=100):
    letter, lr, g = overshooting()
    r = (g[b] / g[a]) ** (1 / (b - a))
    return letter, r, 2 * lr / (1 + np.sqrt(r))


def right_answer():
    return (right_labels(), *reading())


def test_a_right_answer_passes():
    verdict = exercises.check_rate_diagnosis(*right_answer())
    assert verdict.ok
    assert part(verdict, "a").startswith("Right")
    assert part(verdict, "b").startswith("Right")


def test_the_overshooting_curve_falls_along_its_steep_direction():
    """Its rate is above 2/(mu + L): the steep factor is the larger in size."""
    eig = np.linalg.eigvalsh(rate_problem()[4])
    _, lr, g = overshooting()
    assert 2 / (eig[0] + eig[-1]) < lr < the_limit()
    steep, flat = (1 - lr * eig[-1]) ** 2, (1 - lr * eig[0]) ** 2
    r = (g[100] / g[40]) ** (1 / 60)
    assert r == pytest.approx(steep, rel=2e-3) and abs(r / flat - 1) > 0.05


def test_the_estimate_read_from_the_overshooting_curve_passes():
    """2 lr / (1 + sqrt r), r the loss factor per step of the sawtooth curve."""
    D = learning_rates.DIAGNOSIS
    labels = right_labels()
    letter, lr, _ = overshooting()
    for a, b in ((20, 60), (30, 90), (40, 100), (60, 140), (80, 160)):
        _, r, estimate = reading(a, b)
        assert abs(estimate / the_limit() - 1) < 2e-3
        assert exercises.check_rate_diagnosis(labels, letter, r, estimate).ok
        # after step 40, a slope misread by a tenth still passes
        if a >= 40:
            for misread in (0.9, 1.1):
                rough = 2 * lr / (1 + np.sqrt(r**misread))
                verdict = exercises.check_rate_diagnosis(
                    labels, letter.lower(), r**misread, rough
                )
                assert verdict.ok, verdict
    # the nearest of the six rates is 4% below the limit
    nearest = min(D["rates"], key=lambda x: abs(x / the_limit() - 1))
    assert nearest < the_limit() and round(1 - nearest / the_limit(), 2) == 0.04


def test_the_slips_named_are_apart_from_each_other_and_from_the_answer():
    limit, tol = the_limit(), learning_rates.DIAGNOSIS["tol"]
    _, r, _ = reading()
    for misread in (0.9, 1.0, 1.1):
        spans = sorted(learning_rates._readings(r**misread).values())
        for (_, high), (low, _) in zip(spans, spans[1:]):
            assert high < low
        for low, high in spans:
            assert high < limit * (1 - tol) or low > limit * (1 + tol)


def test_the_limit_alone_does_not_pass():
    """The limit from the Hessian, or found by bisection, needs the reading too."""
    labels, letter, r, _ = right_answer()
    limit = the_limit()
    for curve, factor in ((None, None), (letter, 0.5), (letter, 0.95), ("E", r)):
        verdict = exercises.check_rate_diagnosis(labels, curve, factor, limit)
        assert not verdict.ok, (curve, factor)
    # between the two rates that bracket the limit, no run tells the side
    for guess in (15.0, 15.2, 15.6, 16.0, 17.0, 18.0, 19.5):
        b = part(exercises.check_rate_diagnosis(labels, letter, r, guess), "b")
        assert "converge" not in b and "run from" not in b, b


def test_guesses_from_the_rates_and_labels_fail():
    labels, letter, r, limit = right_answer()
    D = learning_rates.DIAGNOSIS
    large = sorted(
        D["rates"][i]
        for i, lab in zip(learning_rates._ORDER, labels)
        if lab == "too large"
    )
    guesses = [15.0, 15.5, 16.0, 17.0, 18.0, sum(large) / 2, *large, 10.0, 20.0]
    for guess in guesses:
        verdict = exercises.check_rate_diagnosis(labels, letter, r, guess)
        assert not verdict.ok, guess
    # the estimates that pass fill a small part of the interval the labels give
    window = 2 * D["tol"] * limit
    assert window / (large[1] - large[0]) < 0.04


def hint_of(verdict):
    b = part(verdict, "b")
    assert "\n" in b, b
    return b.split("\n", 1)[1]


ESTIMATE_CAUSES = [
    "the loss's factor per step taken as the error's",
    "taken as positive",
    "the reciprocal of the ratio",
    "a slow curve's factor",
    "1/L where 2/L was meant",
    "the best fixed rate",
    "smoothness bound",
    "the largest of the six rates whose curve converges",
    "the rate of the curve that stalls",
]


def test_typical_wrong_estimates_get_the_hint_of_their_cause():
    labels, letter, r, limit = right_answer()
    D = learning_rates.DIAGNOSIS
    curves = exercises.learning_rates.rate_curves()
    L = 2 / limit
    eig = np.linalg.eigvalsh(rate_problem()[4])
    _, lr_over, _ = overshooting()
    lr_slow = min(D["rates"])
    g_slow = curves["ABCDEF"[learning_rates._ORDER.index(D["rates"].index(lr_slow))]]
    r_slow = (g_slow[200] / g_slow[150]) ** (1 / 50)
    Xb = np.column_stack([rate_problem()[1], np.ones(len(rate_problem()[1]))])
    bound = np.linalg.eigvalsh(Xb.T @ Xb / len(Xb))[-1] / 4
    wrong = {
        # the loss factor taken as the error's factor
        2 * lr_over / (1 + r): ESTIMATE_CAUSES[0],
        # 1 - lr L = +sqrt(r)
        2 * lr_over / (1 - np.sqrt(r)): ESTIMATE_CAUSES[1],
        # L/2 for 2/L: the rate times (1 + sqrt r)/2
        lr_over * (1 + np.sqrt(r)) / 2: ESTIMATE_CAUSES[2],
        # the slowest curve read as if it showed L
        2 * lr_slow / (1 - np.sqrt(r_slow)): ESTIMATE_CAUSES[3],
        1 / L: ESTIMATE_CAUSES[4],
        2 / (eig[0] + eig[-1]): ESTIMATE_CAUSES[5],
        2 / bound: ESTIMATE_CAUSES[6],
        lr_over: ESTIMATE_CAUSES[7],
        max(D["rates"]): ESTIMATE_CAUSES[8],
    }
    assert len(set(wrong.values())) == len(ESTIMATE_CAUSES)
    for estimate, cause in wrong.items():
        verdict = exercises.check_rate_diagnosis(labels, letter, r, estimate)
        assert not verdict.ok and part(verdict, "a").startswith("Right")
        said = hint_of(verdict)
        assert cause in said, (estimate, said)
        others = [c for c in ESTIMATE_CAUSES if c != cause]
        assert not any(c in said for c in others), (estimate, said)


def test_a_wrong_curve_gets_the_hint_of_its_cause():
    labels, letter, r, limit = right_answer()
    stall_hint = "stops falling far above the minimum"
    flat_hint = "falls at the pace of its flattest direction"
    for k, lab in zip("ABCDEF", labels):
        if k == letter:
            continue
        g = exercises.learning_rates.rate_curves()[k]
        hint = stall_hint if g[-1] > 1e-3 else flat_hint
        other = flat_hint if hint == stall_hint else stall_hint
        b = part(exercises.check_rate_diagnosis(labels, k, r, limit), "b")
        assert b.startswith(f"Not yet: curve {k} ") and hint in b, b
        assert other not in b and letter not in b.split("\n")[1], b
        if hint == flat_hint:
            # the curves that never rise fall along the flat direction
            eig = np.linalg.eigvalsh(rate_problem()[4])
            lr = learning_rates.DIAGNOSIS["rates"][
                learning_rates._ORDER["ABCDEF".index(k)]
            ]
            assert lab != "too large"
            assert abs(1 - lr * eig[0]) > abs(1 - lr * eig[-1])


def test_a_wrong_factor_gets_the_hint_of_its_cause():
    labels, letter, r, limit = right_answer()
    _, _, g = overshooting()
    error = "the error's factor"
    early = "starts in the first 20 steps"
    plain = "divide its value at a later step"
    cases = {
        np.sqrt(r): error,
        (g[20] / g[0]) ** (1 / 20): early,
        (g[12] / g[2]) ** (1 / 10): early,
        0.6: plain,
        0.99: plain,
    }
    for factor, cause in cases.items():
        # a tenth off the slope of the straight stretch, or more
        assert abs(np.log(factor) / np.log(r) - 1) > 0.1
        b = part(exercises.check_rate_diagnosis(labels, letter, factor, limit), "b")
        assert b.startswith(
            f"Not yet: the factor per step you read from curve {letter}"
        )
        assert cause in b and not any(
            c in b for c in {error, early, plain} - {cause}
        ), b
        assert f"{r:.4g}" not in b


def test_a_failing_report_never_prints_a_passing_value():
    labels, letter, r, limit = right_answer()
    tol = learning_rates.DIAGNOSIS["tol"]
    cases = [(letter, r, e) for e in (1e-3, 5.0, 7.7, 14.4, 14.8, 15.2, 15.7, 16.0)]
    cases += [(letter, r, e) for e in (20.0, 300.0)]
    cases += [("E", r, limit), ("B", r, limit), (letter, 0.7, limit)]
    for case in cases:
        text = repr(exercises.check_rate_diagnosis(labels, *case))
        numbers = [float(x) for x in re.findall(r"\d+\.?\d*(?:e-?\d+)?", text)]
        assert not any(abs(x / limit - 1) <= tol for x in numbers if x > 0), text
        assert not any(
            abs(np.log(x) / np.log(r) - 1) <= 0.1 for x in numbers if 0 < x < 1
        )


def test_the_reports_of_a_run_say_what_it_did():
    labels, letter, r, _ = right_answer()

    def b(e):
        return part(exercises.check_rate_diagnosis(labels, letter, r, e), "b")

    assert "at your estimate 10 converges" in b(10.0)
    high = run_from_zero(25.0, learning_rates.DIAGNOSIS["long"])[-1]
    assert f"still {high:.2g} above the minimum" in b(25.0)
    tiny = b(1e-4)
    assert "is still falling" in tiny and "that rate is stable" in tiny
    assert "higher than where it started" in b(400.0)


def label_swap(labels, letter, new):
    out = list(labels)
    out["ABCDEF".index(letter)] = new
    return out


def test_typical_wrong_labels_get_the_hint_of_their_cause():
    labels, letter, r, limit = right_answer()
    curves = exercises.learning_rates.rate_curves()
    by_kind = {}
    for k, lab in zip("ABCDEF", labels):
        if lab == "too large":
            lab = "sawtooth" if curves[k][-1] < 1e-9 else "stall"
        by_kind.setdefault(lab, []).append(k)
    (saw,) = by_kind["sawtooth"]
    (stall,) = by_kind["stall"]
    small = by_kind["too small"]
    right = by_kind["about right"]
    # an about right curve whose loss rises only at rounding level, late
    late = [k for k in right if np.any(np.diff(curves[k]) > 0)]
    clean = [k for k in right if k not in late]
    assert len(late) == 1 and len(clean) == 1
    rises = np.flatnonzero(np.diff(curves[late[0]]) > 0)
    assert np.all(curves[late[0]][rises] < 1e-14)
    saw_hint = "Hint: look at its first 20 steps: the loss rises"
    stall_hint = "Hint: it is not crawling"
    shallow_hint = "Hint: it falls at every step, but its slope"
    falls_hint = "Hint: its loss falls at every one of its steps"
    until_hint = "Hint: its loss falls at every step until it is within 1e-8"
    rounding_hint = f"Hint: its loss rises only after step {rises[0]}"
    count_hint = "Hint: count the steps"
    cases = [
        (label_swap(labels, saw, "about right"), saw, saw_hint),
        (label_swap(labels, saw, "too small"), saw, saw_hint),
        (label_swap(labels, stall, "too small"), stall, stall_hint),
        (label_swap(labels, stall, "about right"), stall, stall_hint),
        (label_swap(labels, small[0], "about right"), small[0], shallow_hint),
        (label_swap(labels, small[1], "too large"), small[1], falls_hint),
        (label_swap(labels, right[0], "too small"), right[0], count_hint),
        (label_swap(labels, clean[0], "too large"), clean[0], until_hint),
        (label_swap(labels, late[0], "too large"), late[0], rounding_hint),
    ]
    hints = {
        saw_hint,
        stall_hint,
        shallow_hint,
        falls_hint,
        until_hint,
        rounding_hint,
        count_hint,
    }
    for given, k, hint in cases:
        verdict = exercises.check_rate_diagnosis(given, letter, r, limit)
        text = part(verdict, "a")
        assert not verdict.ok and part(verdict, "b").startswith("Right")
        assert text.startswith(f"Not yet: curve {k} is not"), text
        assert hint in text, (hint, text)
        assert not any(h in text for h in hints - {hint}), text
        # the label it should have is not given
        assert f'"{labels["ABCDEF".index(k)]}"' not in text


def test_labels_in_sorted_order_or_all_alike_fail():
    _, letter, r, limit = right_answer()
    for labels in (
        ["too small"] * 2 + ["about right"] * 2 + ["too large"] * 2,
        ["about right"] * 6,
    ):
        verdict = exercises.check_rate_diagnosis(labels, letter, r, limit)
        assert not verdict.ok and part(verdict, "a").startswith("Not yet")
    # a dict by letter, a 1-D array (as np.where makes) and 0-d arrays are
    # read like the list and floats
    d = dict(zip("ABCDEF", right_labels()))
    assert exercises.check_rate_diagnosis(d, letter, r, limit).ok
    array = np.array(right_labels())
    assert exercises.check_rate_diagnosis(
        array, letter, np.array(r), np.array(limit)
    ).ok
    # case and spaces do not matter
    shouted = [f"  {lab.upper()} " for lab in right_labels()]
    assert exercises.check_rate_diagnosis(shouted, f" {letter.lower()}", r, limit).ok


@pytest.mark.parametrize(
    "labels, curve, factor, limit, said",
    [
        (None, None, None, None, ("labels must be six labels", "curve must be")),
        (
            "too small",
            "D",
            0.85,
            15.0,
            ("labels must be six labels", "got 'too small'"),
        ),
        (["too small"] * 5, "D", 0.85, 15.0, ("got 5 labels, not 6",)),
        (["too small"] * 7, "D", 0.85, 15.0, ("got 7 labels, not 6",)),
        (["too small"] * 5 + [None], "D", 0.85, 15.0, ("curve F's label must be",)),
        (["too small"] * 5 + ["fine"], "D", 0.85, 15.0, ("curve F's label must be",)),
        ({"A": "too small"}, "D", 0.85, 15.0, ("labels must have the keys A to F",)),
        (np.zeros((2, 3)), "D", 0.85, 15.0, ("labels must be six labels",)),
        (np.arange(6), "D", 0.85, 15.0, ("labels must be six labels",)),
        (["too small"] * 6, "G", 0.85, 15.0, ("curve must be one of the letters",)),
        (["too small"] * 6, 3, 0.85, 15.0, ("curve must be one of the letters",)),
        (["too small"] * 6, "D", None, 15.0, ("factor must be", "got None")),
        (["too small"] * 6, "D", "0.85", 15.0, ("factor must be", "got '0.85'")),
        (["too small"] * 6, "D", 1.2, 15.0, ("between 0 and 1, got 1.2",)),
        (["too small"] * 6, "D", -0.07, 15.0, ("between 0 and 1",)),
        (["too small"] * 6, "D", [0.85], 15.0, ("factor must be",)),
        (["too small"] * 6, "D", 0.85, float("nan"), ("limit must be a positive",)),
        (["too small"] * 6, "D", 0.85, "15", ("limit must be", "got '15'")),
        (["too small"] * 6, "D", 0.85, -2.0, ("limit must be a positive number",)),
        (["too small"] * 6, "D", 0.85, np.inf, ("limit must be", "got inf")),
        (["too small"] * 6, "D", 0.85, [15.4], ("limit must be",)),
        (["too small"] * 6, "D", 0.85, True, ("limit must be",)),
    ],
)
def test_bad_input_gets_a_plain_message(labels, curve, factor, limit, said):
    verdict = exercises.check_rate_diagnosis(labels, curve, factor, limit)
    text = repr(verdict)
    assert not verdict.ok and "Traceback" not in text
    for words in said:
        assert words in text, text

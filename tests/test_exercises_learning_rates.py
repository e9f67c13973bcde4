"""Chapter 2 checkers: the largest stable rate of a quadratic, against measured descent, and the diagnosis of six loss curves."""

import functools
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


# Exercise 2.3: rates too small, about right or too large, and the limit


@functools.lru_cache(maxsize=1)
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


@functools.lru_cache(maxsize=1)
def _runs_by_letter():
    """The six runs made here, by letter."""
    D = learning_rates.DIAGNOSIS
    return {
        k: run_from_zero(D["rates"][i], D["steps"])
        for k, i in zip("ABCDEF", learning_rates._ORDER)
    }


def runs_by_letter():
    return {k: g.copy() for k, g in _runs_by_letter().items()}


def reach_of(g):
    below = np.flatnonzero(g < learning_rates.DIAGNOSIS["target"])
    return int(below[0]) if below.size else np.inf


def rises_of(g):
    end = int(min(reach_of(g), len(g) - 1))
    return int(np.sum(np.diff(g[: end + 1]) > 0))


def right_evidence():
    """Each curve's first step below the target and its rises before it."""
    runs = runs_by_letter()
    return [reach_of(g) for g in runs.values()], [rises_of(g) for g in runs.values()]


def right_labels():
    """The labels by the exercise's definitions, read from runs made here."""
    D = learning_rates.DIAGNOSIS
    reach, rises = right_evidence()
    fastest = min(reach)
    return [
        "too large"
        if n
        else "about right"
        if s <= D["slower"] * fastest
        else "too small"
        for s, n in zip(reach, rises)
    ]


def part(verdict, which):
    lines = repr(verdict).split("\n(b) ")
    return lines[0][4:] if which == "a" else lines[1]


def test_the_curves_are_the_runs_at_the_listed_rates():
    D = learning_rates.DIAGNOSIS
    order = learning_rates._ORDER
    curves = exercises.learning_rates.rate_curves()
    assert list(curves) == list("ABCDEF")
    for letter, mine in runs_by_letter().items():
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


@functools.lru_cache(maxsize=1)
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
    letter, r, limit = reading()
    return (right_labels(), *right_evidence(), letter, (40, 100), r, limit)


def check(*answer, **changes):
    """The checker on ``answer`` with some of its seven arguments changed."""
    names = ("labels", "reach", "rises", "curve", "stretch", "factor", "limit")
    args = dict(zip(names, answer))
    args.update(changes)
    return exercises.check_rate_diagnosis(*(args[n] for n in names))


def test_a_right_answer_passes():
    verdict = check(*right_answer())
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


def accepted_stretches():
    """The stretches the exercise's statement allows, on the run made here."""
    D = learning_rates.DIAGNOSIS
    _, _, g = overshooting()
    return [
        (a, b)
        for a in range(D["first"], D["steps"] + 1)
        for b in range(a + D["span"], D["steps"] + 1)
        if g[b] > D["floor"]
    ]


def test_every_accepted_stretch_gives_the_limit_within_the_tolerance():
    """So an accepted factor never leads the right formula to a failing limit."""
    D = learning_rates.DIAGNOSIS
    stretches = accepted_stretches()
    assert stretches == learning_rates._straight_stretches()
    errors = [abs(reading(a, b)[2] / the_limit() - 1) for a, b in stretches]
    # the notes of check_rate_diagnosis: within 0.4%, inside the tolerance
    assert max(errors) < 0.004 < D["tol"]
    answer = list(right_answer())
    # the reader reads the curves the package gives, the same to rounding
    g = exercises.learning_rates.rate_curves()[answer[3]]
    lr = overshooting()[1]
    for a, b in stretches[:: max(1, len(stretches) // 60)] + stretches[-3:]:
        r = (g[b] / g[a]) ** (1 / (b - a))
        answer[4:] = [(a, b), r, 2 * lr / (1 + np.sqrt(r))]
        assert check(*answer).ok, (a, b)
    # the nearest of the six rates is 4% below the limit
    nearest = min(D["rates"], key=lambda x: abs(x / the_limit() - 1))
    assert nearest < the_limit() and round(1 - nearest / the_limit(), 2) == 0.04


def fitted(g, a, b):
    """The factor per step of a least-squares line through log(g) over a..b."""
    k = np.arange(a, b + 1)
    return float(np.exp(np.polyfit(k, np.log(g[a : b + 1]), 1)[0]))


def test_a_factor_from_a_fitted_line_passes_on_every_accepted_stretch():
    """The slope of np.polyfit on the log is a reading of the factor too."""
    D = learning_rates.DIAGNOSIS
    stretches = accepted_stretches()
    _, lr, g = overshooting()
    errors = []
    for a, b in stretches:
        r = fitted(g, a, b)
        errors.append(abs(2 * lr / (1 + np.sqrt(r)) / the_limit() - 1))
    assert max(errors) < 0.004 < D["tol"]
    answer = list(right_answer())
    curves = exercises.learning_rates.rate_curves()[answer[3]]
    for a, b in stretches[:: max(1, len(stretches) // 40)] + [(20, 40), (30, 60)]:
        r = fitted(curves, a, b)
        # far enough from the ends' factor that only the fit can pass it
        answer[4:] = [(a, b), r, 2 * lr / (1 + np.sqrt(r))]
        assert check(*answer).ok, (a, b, check(*answer))
    ends = (curves[40] / curves[20]) ** (1 / 20)
    assert abs(fitted(curves, 20, 40) / ends - 1) > learning_rates.DIAGNOSIS["rtol"]
    # its square root is the error's factor, named as such
    answer[4:] = [(20, 40), np.sqrt(fitted(curves, 20, 40)), the_limit()]
    b_text = part(check(*answer), "b")
    assert FACTOR_CAUSES["error"] in b_text, b_text


def test_the_slips_named_are_apart_from_each_other_and_from_the_answer():
    limit, tol = the_limit(), learning_rates.DIAGNOSIS["tol"]
    factors = [reading(a, b)[1] for a, b in accepted_stretches()]
    for r in (min(factors), max(factors)):
        spans = sorted(learning_rates._readings(r).values())
        for (_, high), (low, _) in zip(spans, spans[1:]):
            assert high < low
        for low, high in spans:
            assert high < limit * (1 - tol) or low > limit * (1 + tol)


def test_the_limit_from_the_hessian_needs_the_reading_too():
    """2/L from H, which the chapter leaves in scope, with a guessed reading fails."""
    answer = right_answer()
    limit = the_limit()
    for stretch, factor in (((40, 100), 0.85), ((40, 100), 0.8), ((20, 200), 0.85)):
        verdict = check(*answer, stretch=stretch, factor=factor, limit=limit)
        assert not verdict.ok, (stretch, factor)
    for curve in ("E", "A", "B"):
        assert not check(*answer, curve=curve, limit=limit).ok
    # between the two rates that bracket the limit, no run tells the side
    for guess in (15.0, 15.2, 15.6, 16.0, 17.0, 18.0, 19.5):
        b = part(check(*answer, limit=guess), "b")
        assert "converge" not in b and "run from" not in b, b


def test_guesses_from_the_rates_and_labels_fail():
    answer = right_answer()
    labels, limit = answer[0], answer[-1]
    D = learning_rates.DIAGNOSIS
    large = sorted(
        D["rates"][i]
        for i, lab in zip(learning_rates._ORDER, labels)
        if lab == "too large"
    )
    guesses = [15.0, 15.5, 16.0, 17.0, 18.0, sum(large) / 2, *large, 10.0, 20.0]
    for guess in guesses:
        assert not check(*answer, limit=guess).ok, guess
    # the estimates that pass fill a small part of the interval the labels give
    window = 2 * D["tol"] * limit
    assert window / (large[1] - large[0]) < 0.04


def hint_of(verdict, which="b"):
    text = part(verdict, which)
    assert "\n" in text, text
    return text.split("\n", 1)[1]


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
    "the rate of another curve",
]


def test_typical_wrong_estimates_get_the_hint_of_their_cause():
    answer = right_answer()
    r, limit = answer[5], answer[6]
    D = learning_rates.DIAGNOSIS
    runs = runs_by_letter()
    L = 2 / limit
    eig = np.linalg.eigvalsh(rate_problem()[4])
    _, lr_over, _ = overshooting()
    lr_slow = min(D["rates"])
    g_slow = runs["ABCDEF"[learning_rates._ORDER.index(D["rates"].index(lr_slow))]]
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
    # the right formula with the rate of another curve: the stalling one's
    # and each slower one's
    for lr in D["rates"]:
        if lr != lr_over:
            wrong[2 * lr / (1 + np.sqrt(r))] = ESTIMATE_CAUSES[9]
    assert len(set(wrong.values())) == len(ESTIMATE_CAUSES)
    for estimate, cause in wrong.items():
        verdict = check(*answer, limit=estimate)
        assert not verdict.ok and part(verdict, "a").startswith("Right")
        said = hint_of(verdict)
        assert cause in said, (estimate, said)
        others = [c for c in ESTIMATE_CAUSES if c != cause]
        assert not any(c in said for c in others), (estimate, said)
    # the stalling rate's hint sends the reader to the curve whose loss
    # rises and converges, not to any curve that overshoots
    upper = hint_of(check(*answer, limit=max(D["rates"])))
    assert "rises in its first steps but still converges" in upper
    assert "overshoot" not in upper
    # the other curve's rate is named, and the hint points at the rises
    for lr in D["rates"]:
        if lr != lr_over:
            said = hint_of(check(*answer, limit=2 * lr / (1 + np.sqrt(r))))
            assert f"with lr = {lr:g}, the rate of another curve" in said, said
            assert "smaller of the two rates whose curves rise" in said, said
            assert f"lr = {lr_over:g}" not in said, said


def test_a_wrong_curve_gets_the_hint_of_its_cause():
    answer = right_answer()
    labels, letter = answer[0], answer[3]
    stall_hint = "stops falling far above the minimum"
    flat_hint = "falls at the pace of its flattest direction"
    for k, lab in zip("ABCDEF", labels):
        if k == letter:
            continue
        g = runs_by_letter()[k]
        hint = stall_hint if g[-1] > 1e-3 else flat_hint
        other = flat_hint if hint == stall_hint else stall_hint
        b = part(check(*answer, curve=k), "b")
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


STRETCH_CAUSES = {
    "early": "in its first 20 steps it rises and falls in a sawtooth",
    "short": "the exercise reads the factor over 20 steps or more",
    "rounding": "where rounding sets its values",
}


def test_a_stretch_where_the_curve_is_not_straight_gets_the_hint_of_its_cause():
    answer = right_answer()
    _, _, g = overshooting()
    D = learning_rates.DIAGNOSIS
    low = int(np.flatnonzero(g <= D["floor"])[0])
    # the sawtooth: the loss rises in the first steps, and not after step 20
    assert np.any(np.diff(g[:20]) > 0) and not np.any(np.diff(g[20:low]) > 0)
    cases = {(0, 60): "early", (12, 100): "early", (19, 120): "early"}
    cases |= {(40, 50): "short", (100, 119): "short", (100, 101): "short"}
    cases |= {(40, low): "rounding", (60, 200): "rounding"}
    for (a, b), cause in cases.items():
        r = (g[b] / g[a]) ** (1 / (b - a))
        estimate = 2 * overshooting()[1] / (1 + np.sqrt(r))
        verdict = check(*answer, stretch=(a, b), factor=r, limit=estimate)
        b_text = part(verdict, "b")
        said = f"Not yet: the steps {a} to {b} of curve {answer[3]} are not"
        assert not verdict.ok and b_text.startswith(said), b_text
        assert STRETCH_CAUSES[cause] in b_text, b_text
        others = [t for c, t in STRETCH_CAUSES.items() if c != cause]
        assert not any(t in b_text for t in others), b_text
        # the hints say what the curve shows, not why
        assert "direction" not in b_text and "not straight" not in b_text
        if cause == "early":
            rose = np.flatnonzero(np.diff(g[:21]) > 0)
            shown = f"it rises {rose.size} times, the last from step {rose[-1]}"
            assert shown in b_text, b_text
        if cause == "short":
            assert f"that is {b - a} step" in b_text, b_text
    # over a short stretch the factor from one step to the next does wobble
    one_step = g[41:101] / g[40:100]
    assert one_step.max() / one_step.min() > 1.02


FACTOR_CAUSES = {
    "error": "the square root of it, the error's factor",
    "ratio": "that is the ratio over all",
    "order": "take the root of order b - a",
    "other": "that is the factor of curve",
    "plain": "divide its value at step",
}


def test_a_wrong_factor_gets_the_hint_of_its_cause():
    answer = right_answer()
    letter, r = answer[3], answer[5]
    _, _, g = overshooting()
    runs = runs_by_letter()
    others = {k: (v[100] / v[40]) ** (1 / 60) for k, v in runs.items() if k != letter}
    converging = [k for k in others if runs[k][100] > 1e-12 and runs[k][-1] < 1e-8]
    cases = [
        (np.sqrt(r), "error"),
        (g[100] / g[40], "ratio"),
        ((g[100] / g[40]) ** (1 / 61), "order"),
        ((g[100] / g[40]) ** (1 / 59), "order"),
        *((others[k], "other") for k in converging),
        (0.85, "plain"),
        (0.6, "plain"),
    ]
    assert len(converging) == 2
    for factor, cause in cases:
        verdict = check(*answer, factor=factor)
        b = part(verdict, "b")
        assert not verdict.ok and b.startswith("Not yet: ") and "factor per step" in b
        assert FACTOR_CAUSES[cause] in b, (cause, b)
        wrong = [t for c, t in FACTOR_CAUSES.items() if c != cause]
        assert not any(t in b for t in wrong), (cause, b)
        assert f"{r:.4g}" not in b and f"{r:.3g}" not in b
    # the other curve's hint names the curve whose factor it is
    for k in converging:
        b = part(check(*answer, factor=others[k]), "b")
        assert f"that is the factor of curve {k} over those steps" in b


def test_a_failing_report_never_prints_a_passing_value():
    answer = right_answer()
    r, limit = answer[5], answer[6]
    tol = learning_rates.DIAGNOSIS["tol"]
    estimates = (1e-3, 5.0, 7.7, 14.4, 14.8, 15.2, 15.7, 16.0, 20.0, 300.0)
    cases = [{"limit": e} for e in estimates]
    cases += [{"curve": "E"}, {"curve": "B"}, {"factor": 0.7}, {"factor": 0.85}]
    # the right formula with the rates of other curves
    cases += [{"limit": 2 * x / (1 + np.sqrt(r))} for x in (3.0, 12.0, 20.0)]
    cases += [{"stretch": (10, 100)}, {"stretch": (40, 190)}]
    for change in cases:
        text = repr(check(*answer, **change))
        numbers = [float(x) for x in re.findall(r"\d+\.?\d*(?:e-?\d+)?", text)]
        assert not any(abs(x / limit - 1) <= tol for x in numbers if x > 0), text
        rtol = learning_rates.DIAGNOSIS["rtol"]
        assert not any(abs(x / r - 1) <= rtol for x in numbers if 0 < x < 1), text


def test_the_reports_of_a_run_say_what_it_did():
    answer = right_answer()

    def b(e):
        return part(check(*answer, limit=e), "b")

    assert "at your estimate 10 converges" in b(10.0)
    high = run_from_zero(25.0, learning_rates.DIAGNOSIS["long"])[-1]
    assert f"still {high:.2g} above the minimum" in b(25.0)
    tiny = b(1e-4)
    assert "is still falling" in tiny and "that rate is stable" in tiny
    assert "higher than where it started" in b(400.0)


REACH_CAUSES = {
    "argmax": "np.argmax(gaps < 1e-8) returns 0 when no entry is below",
    "any": "whether it gets there at all",
    "from one": "steps counted from 1",
    "plain": "give the first index k at which",
}
RISES_CAUSES = {
    "rounding": "the level of rounding",
    "falls": "counts the steps at which it fell",
    "length": "the number of entries of the mask",
    "both": "on this curve each of them is a fall",
    "thirty": "counts its first 30 steps only",
    "plain": "count the steps k at which gaps[k + 1] > gaps[k]",
}


def test_wrong_evidence_gets_the_hint_of_its_cause():
    answer = right_answer()
    labels, reach, rises = answer[:3]
    runs = runs_by_letter()
    never = [k for k, s in zip("ABCDEF", reach) if s == np.inf]
    gets = [k for k, s in zip("ABCDEF", reach) if s != np.inf]
    assert len(never) == 3 and len(gets) == 3
    argmax = [int(np.argmax(g < 1e-8)) for g in runs.values()]
    to_1e6 = [
        int(np.argmax(g < 1e-6)) if np.any(g < 1e-6) else np.inf for g in runs.values()
    ]
    reach_cases = [
        (argmax, never[0], "argmax"),
        ([s + 1 for s in reach], gets[0], "from one"),
        ([200 if s == np.inf else s for s in reach], never[0], "any"),
        ([np.inf] * 6, gets[0], "any"),
        (to_1e6, gets[0], "plain"),
    ]
    for given, k, cause in reach_cases:
        a = part(check(*answer, reach=given), "a")
        assert a.startswith(f"Not yet: curve {k}'s first step within 1e-8"), a
        assert REACH_CAUSES[cause] in a, (cause, a)
        assert not any(t in a for c, t in REACH_CAUSES.items() if c != cause), a
    curves = exercises.learning_rates.rate_curves()
    whole = [int(np.sum(np.diff(g) > 0)) for g in curves.values()]
    falls = [
        int(np.sum(np.diff(g[: int(min(reach_of(g), 200)) + 1]) < 0))
        for g in runs.values()
    ]
    thirty = [int(np.sum(np.diff(g[:30]) > 0)) for g in runs.values()]
    flags = [int(n > 0) for n in rises]
    late = [k for k, w, n in zip("ABCDEF", whole, rises) if w != n]
    short = [k for k, t, n in zip("ABCDEF", thirty, rises) if t != n]
    fell = [k for k, f, n in zip("ABCDEF", falls, rises) if f != n]
    flag = [k for k, f, n in zip("ABCDEF", flags, rises) if f != n]
    # len() of the mask in place of its sum, up to the first step within
    # 1e-8 or over all the steps
    ends = [int(min(reach_of(g), 200)) for g in runs.values()]
    lengths = [len(np.diff(g[: e + 1]) > 0) for g, e in zip(runs.values(), ends)]
    lengths_all = [len(np.diff(g) > 0) for g in runs.values()]
    sized = [k for k, m, n in zip("ABCDEF", lengths, rises) if m != n]
    # a curve that falls at every step, where the two slips give one count
    alike = [k for k, m, f in zip("ABCDEF", lengths, falls) if m == f]
    told = [k for k, m, f in zip("ABCDEF", lengths, falls) if m != f]
    assert sized[0] == fell[0] == alike[0] and told
    only = list(rises)
    only["ABCDEF".index(alike[0])] = lengths["ABCDEF".index(alike[0])]
    rises_cases = [
        (whole, late[0], "rounding"),
        (falls, fell[0], "falls"),
        (lengths, sized[0], "length"),
        (lengths_all, sized[0], "length"),
        (only, alike[0], "both"),
        (thirty, short[0], "thirty"),
        (flags, flag[0], "plain"),
    ]
    for given, k, cause in rises_cases:
        a = part(check(*answer, rises=given), "a")
        assert a.startswith(f"Not yet: curve {k}'s number of rises"), a
        assert RISES_CAUSES[cause] in a, (cause, a)
        assert not any(t in a for c, t in RISES_CAUSES.items() if c != cause), a
    # the rounding rises come after the curve is within 1e-8, at 1e-16 or so
    g = runs[late[0]]
    after = np.flatnonzero(np.diff(g) > 0)
    assert np.all(after >= reach_of(g)) and np.all(np.abs(np.diff(g)[after]) < 1e-15)


def test_a_failing_evidence_report_gives_no_right_step_or_count():
    answer = right_answer()
    _, reach, rises = answer[:3]
    runs = runs_by_letter()
    curves = exercises.learning_rates.rate_curves()
    argmax = [int(np.argmax(g < 1e-8)) for g in runs.values()]
    for change in (
        {"reach": [s + 1 for s in reach]},
        {"reach": [np.inf] * 6},
        {"reach": argmax},
        {"rises": [int(np.sum(np.diff(g) > 0)) for g in curves.values()]},
        {"rises": [0] * 6},
    ):
        a = part(check(*answer, **change), "a")
        k = a.split("curve ")[1][0]
        i = "ABCDEF".index(k)
        words = set(re.findall(r"(?<![\d.e-])\d+(?![\d.e])", a))
        right = reach[i] if "first step" in a else rises[i]
        assert str(right) not in words, (change, a)


def label_swap(labels, letter, new):
    out = list(labels)
    out["ABCDEF".index(letter)] = new
    return out


LABEL_CAUSES = {
    "rises": "rises at some step before it comes within 1e-8",
    "no rise": "has no rise before it comes within 1e-8",
    "slow": "needs more than 2 times the steps of the fastest curve",
    "fast": "comes within 1e-8 in at most 2 times the steps",
}


def test_typical_wrong_labels_get_the_hint_of_their_cause():
    answer = right_answer()
    labels = answer[0]
    runs = runs_by_letter()
    by_kind = {}
    for k, lab in zip("ABCDEF", labels):
        if lab == "too large":
            lab = "sawtooth" if runs[k][-1] < 1e-9 else "stall"
        by_kind.setdefault(lab, []).append(k)
    (saw,) = by_kind["sawtooth"]
    (stall,) = by_kind["stall"]
    small = by_kind["too small"]
    right = by_kind["about right"]
    cases = [
        (label_swap(labels, saw, "about right"), "rises"),
        (label_swap(labels, saw, "too small"), "rises"),
        (label_swap(labels, stall, "too small"), "rises"),
        (label_swap(labels, stall, "about right"), "rises"),
        (label_swap(labels, small[0], "about right"), "slow"),
        (label_swap(labels, small[1], "too large"), "no rise"),
        (label_swap(labels, right[0], "too small"), "fast"),
        (label_swap(labels, right[1], "too large"), "no rise"),
    ]
    for given, cause in cases:
        verdict = check(*answer, labels=given)
        text = part(verdict, "a")
        assert not verdict.ok and part(verdict, "b").startswith("Right")
        assert text.startswith("Not yet: not every label is right."), text
        assert LABEL_CAUSES[cause] in text, (cause, text)
        assert not any(t in text for c, t in LABEL_CAUSES.items() if c != cause)


def test_a_wrong_label_report_names_no_curve_and_no_count():
    """So the labels cannot be found by resubmitting and reading the reports."""
    import itertools

    answer = right_answer()
    kinds = ("too small", "about right", "too large")
    for labels in itertools.product(kinds, repeat=6):
        verdict = check(*answer, labels=list(labels))
        if verdict.ok:
            assert list(labels) == answer[0]
            continue
        text = part(verdict, "a")
        assert not re.search(r"curve [A-F]\b", text), text
        assert not re.search(r"\d+ (more )?labels?", text), text
        # the label the curve deserves is not given
        said = re.search(r"a curve you call '([a-z ]+)'", text).group(1)
        for k in set(kinds) - {said}:
            assert k not in text, text


def test_labels_without_their_evidence_do_not_pass():
    answer = right_answer()
    reach, rises = answer[1], answer[2]
    for change in (
        {"reach": None},
        {"rises": None},
        {"reach": [100] * 6},
        {"rises": [0] * 6},
        {"reach": [np.inf] * 6, "rises": [0] * 6},
    ):
        verdict = check(*answer, **change)
        assert not verdict.ok and not part(verdict, "a").startswith("Right")
    # the evidence as a dict by letter or an array is read like the lists
    assert check(*answer, reach=dict(zip("ABCDEF", reach)), rises=np.array(rises)).ok


def test_labels_in_sorted_order_or_all_alike_fail():
    answer = right_answer()
    for labels in (
        ["too small"] * 2 + ["about right"] * 2 + ["too large"] * 2,
        ["about right"] * 6,
    ):
        verdict = check(*answer, labels=labels)
        assert not verdict.ok and part(verdict, "a").startswith("Not yet")
    # a dict by letter, a 1-D array (as np.where makes) and 0-d arrays are
    # read like the list and floats
    d = dict(zip("ABCDEF", right_labels()))
    assert check(*answer, labels=d).ok
    array = np.array(right_labels())
    r, limit = answer[5], answer[6]
    assert check(
        *answer,
        labels=array,
        stretch=np.array([40, 100]),
        factor=np.array(r),
        limit=np.array(limit),
    ).ok
    # case and spaces do not matter
    shouted = [f"  {lab.upper()} " for lab in right_labels()]
    assert check(*answer, labels=shouted, curve=f" {answer[3].lower()}").ok


@pytest.mark.parametrize(
    "change, said",
    [
        ({"labels": None}, ("labels must be six labels",)),
        ({"labels": "too small"}, ("labels must be six labels", "got 'too small'")),
        ({"labels": ["too small"] * 5}, ("got 5, not 6",)),
        ({"labels": ["too small"] * 7}, ("got 7, not 6",)),
        ({"labels": ["too small"] * 5 + [None]}, ("curve F's label must be",)),
        ({"labels": ["too small"] * 5 + ["fine"]}, ("curve F's label must be",)),
        ({"labels": {"A": "too small"}}, ("labels must have the keys A to F",)),
        ({"labels": np.zeros((2, 3))}, ("labels must be six labels",)),
        ({"labels": np.arange(6)}, ("labels must be six labels",)),
        ({"reach": None}, ("reach must be six numbers", "got None")),
        ({"reach": [1, 2, 3]}, ("reach must be six numbers", "got 3, not 6")),
        ({"reach": [5.5] * 6}, ("curve A's reach must be a step", "got 5.5")),
        ({"reach": [-1] * 6}, ("curve A's reach must be", "got -1")),
        ({"reach": [np.nan] * 6}, ("curve A's reach must be", "got nan")),
        ({"reach": [None] * 6}, ("curve A's reach must be", "got None")),
        ({"reach": ["95"] * 6}, ("curve A's reach must be", "got '95'")),
        ({"rises": 6}, ("rises must be six numbers", "got 6")),
        ({"rises": [np.inf] * 6}, ("curve A's rises must be a count",)),
        ({"rises": [True] * 6}, ("curve A's rises must be a count", "got True")),
        ({"curve": "G"}, ("curve must be one of the letters",)),
        ({"curve": 3}, ("curve must be one of the letters",)),
        ({"stretch": None}, ("stretch must be the two steps", "got None")),
        ({"stretch": 40}, ("stretch must be the two steps", "got 40")),
        ({"stretch": (100, 40)}, ("stretch must be the two steps",)),
        ({"stretch": (40, 300)}, ("stretch must be the two steps",)),
        ({"stretch": (40.5, 100)}, ("stretch must be the two steps",)),
        ({"stretch": (40, 100, 160)}, ("stretch must be the two steps",)),
        ({"factor": None}, ("factor must be", "got None")),
        ({"factor": "0.85"}, ("factor must be", "got '0.85'")),
        ({"factor": 1.2}, ("between 0 and 1, got 1.2",)),
        ({"factor": -0.07}, ("between 0 and 1",)),
        ({"factor": [0.85]}, ("factor must be",)),
        ({"limit": float("nan")}, ("limit must be a positive",)),
        ({"limit": "15"}, ("limit must be", "got '15'")),
        ({"limit": -2.0}, ("limit must be a positive number",)),
        ({"limit": np.inf}, ("limit must be", "got inf")),
        ({"limit": [15.4]}, ("limit must be",)),
        ({"limit": True}, ("limit must be",)),
    ],
)
def test_bad_input_gets_a_plain_message(change, said):
    verdict = check(*right_answer(), **change)
    text = repr(verdict)
    assert not verdict.ok and "Traceback" not in text
    for words in said:
        assert words in text, text


def test_the_starter_gets_a_plain_message():
    verdict = exercises.check_rate_diagnosis(*[None] * 7)
    assert repr(verdict) == (
        '(a) labels must be six labels, one per curve A to F, each "too small" '
        'or "about right" or "too large", got None.\n'
        "(b) curve must be one of the letters A to F, got None."
    )

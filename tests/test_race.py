"""The race: the suite's problems (gradients, minima, sources), the protocol's
choices (tuning seeds only, failures, the early stop), determinism, the table,
the figure, and the contract check on broken optimizers."""

import dataclasses
import math
import warnings

import numpy as np
import pytest

from gdcourse import optimizers, race
from gdcourse.plotting import new_figure

INF = math.inf


@pytest.fixture(scope="module")
def full():
    """The whole suite with the reference entries and Lion (about a second)."""
    entries = list(race.reference_entries()) + [race.entry(optimizers.lion())]
    return race.run(entries=entries)


# ---------------------------------------------------------------------------
# the grid and the problems
# ---------------------------------------------------------------------------


def test_rate_grid_reads_its_rates_from_decimal_text():
    grid = race.rate_grid(1.3e-4, 4.2)
    assert grid[0] == 1.3e-4 and grid[-1] == 4.2 and len(grid) == 19
    assert all(r == float(f"{r:.2g}") for r in grid)
    ratios = np.diff(np.log10(grid))
    np.testing.assert_allclose(ratios, 0.25, atol=0.03)  # four a decade


@pytest.mark.parametrize(
    "lowest, highest, match",
    [
        (1.0, 4.2, "lowest must be 1.3, 2.4, 4.2 or 7.5"),
        (0.013, 0.5, "highest must be 1.3, 2.4, 4.2 or 7.5"),
        (0.42, 0.13, "highest must be at least"),
        (0.0, 1.3, "lowest must be a positive"),
    ],
)
def test_rate_grid_refuses_other_rates(lowest, highest, match):
    with pytest.raises(ValueError, match=match):
        race.rate_grid(lowest, highest)


def test_no_grid_rate_fits_a_whole_number_of_times_between_start_and_minimum():
    """A sign method moves every weight by exactly the rate: it must not land on a minimum."""
    for name in ("Rosenbrock", "Beale"):
        p = race.problem(name)
        offsets = np.abs(p.surface.minima[0] - p.start(0))
        for r in p.rates:
            counts = offsets[offsets > 0] / r
            assert np.all(np.abs(counts - np.round(counts)) > 1e-6), (name, r)


def test_the_suite_and_its_names():
    problems = race.suite()
    assert tuple(p.name for p in problems) == race.SUITE
    assert [p.deterministic for p in problems] == [True] * 4 + [False] * 2
    for p in problems:
        assert p.source and p.about and p.name in str(p)
        w0 = p.start(0)
        assert w0.shape == (p.dim,)
        f0, _ = p.loss_and_grad(w0[None])
        assert p.target < f0[0]  # the target is below the start
    with pytest.raises(ValueError, match="name must be one of"):
        race.problem("Himmelblau")


@pytest.mark.parametrize("name", race.SUITE)
def test_gradients_match_finite_differences(name):
    p = race.problem(name)
    rng = np.random.default_rng(1)
    W = p.start(0) + 0.3 * rng.standard_normal((3, p.dim))
    f, g = p.loss_and_grad(W)
    h = 1e-6
    for i in range(min(p.dim, 6)):
        e = np.zeros(p.dim)
        e[i] = h
        up, _ = p.loss_and_grad(W + e)
        down, _ = p.loss_and_grad(W - e)
        np.testing.assert_allclose(g[:, i], (up - down) / (2 * h), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", race.SUITE[:5])
def test_known_minima_are_zero_with_zero_gradient(name):
    p = race.problem(name)
    minimum = p.surface.minima[0] if p.surface is not None else None
    if minimum is None:  # the noisy quadratic: the gradient vanishes at its centre
        _, g0 = p.loss_and_grad(np.zeros((1, p.dim)))
        minimum = -g0[0] / np.linspace(0.1, 1.0, p.dim)
    f, g = p.loss_and_grad(minimum[None])
    assert p.f_min == 0.0
    np.testing.assert_allclose(f, 0.0, atol=1e-24)
    np.testing.assert_allclose(g, 0.0, atol=1e-12)


def test_beale_hessian_matches_finite_differences_of_its_gradient():
    s = race.problem("Beale").surface
    w = np.array([[1.0, 1.0], [3.0, 0.5], [-1.2, 2.1]])
    h = 1e-6
    H = s.hessian(w)
    for i in range(2):
        e = np.zeros(2)
        e[i] = h
        np.testing.assert_allclose(
            H[..., i], (s.grad(w + e) - s.grad(w - e)) / (2 * h), rtol=1e-6, atol=1e-6
        )
    np.testing.assert_allclose(s(np.array([1.0, 1.0])), 14.203125)


def test_quadratic_has_the_stated_condition_number_and_no_special_axis():
    p = race.problem("quadratic")
    A = p.surface.hessian(np.zeros(20))
    eig = np.linalg.eigvalsh(A)
    np.testing.assert_allclose(eig, np.linspace(0.01, 1.0, 20), atol=1e-12)
    assert eig[-1] / eig[0] == pytest.approx(100.0)
    # a Hadamard basis: every eigenvector spreads evenly over the axes
    np.testing.assert_allclose(np.diag(A), eig.mean(), rtol=1e-12)
    f0, _ = p.loss_and_grad(p.start(0)[None])
    assert f0[0] == pytest.approx(0.5 * eig.sum())  # one unit along every eigenvector
    H = race._paley_hadamard(19)
    np.testing.assert_array_equal(H @ H.T, 20 * np.eye(20, dtype=int))


@pytest.mark.parametrize("placement", [0, 1, 5])
def test_the_quadratics_minimum_is_spread_over_every_eigenvector_and_axis(placement):
    p = race.quadratic(placement)
    A = p.surface.hessian(np.zeros(20))
    eig, V = np.linalg.eigh(A)
    c = p.surface.minima[0]
    # one unit along every eigenvector from the start 0
    np.testing.assert_allclose(np.abs(V.T @ c), 1.0, rtol=1e-9)
    np.testing.assert_allclose(eig, np.linspace(0.01, 1.0, 20), atol=1e-12)
    # no axis carries the distance: every coordinate is off 0, none holds most
    assert np.all(np.abs(c) > 0.1)
    assert np.max(c * c) < 0.5 * np.sum(c * c)
    np.testing.assert_allclose(p.loss_and_grad(c[None])[0], 0.0, atol=1e-24)
    assert p.target == race.problem("quadratic").target


def test_placements_differ_and_placement_0_is_the_suites():
    suite = race.problem("quadratic").surface.minima[0]
    np.testing.assert_array_equal(race.quadratic().surface.minima[0], suite)
    others = [race.quadratic(k).surface.minima[0] for k in (1, 2, 3)]
    assert all(not np.allclose(o, suite) for o in others)
    with pytest.raises(ValueError, match="placement"):
        race.quadratic(-1)


def test_ravine_is_chapter_9s_turned_away_from_the_origin():
    p = race.problem("turned ravine")
    A = p.surface.hessian(np.zeros(2))
    np.testing.assert_allclose(A, [[0.505, -0.495], [-0.495, 0.505]], atol=1e-12)
    np.testing.assert_array_equal(p.surface.minima[0], [1.5, 0.5])


def test_seeds_a_problem_needs():
    assert race.problem("Beale").seeds((4, 5)) == (4,)
    assert race.problem("MLP on two moons").seeds((4, 5)) == (4, 5)
    mlp = race.problem("MLP on two moons")
    assert not np.array_equal(mlp.start(0), mlp.start(1))
    assert mlp.seeded and not mlp.deterministic
    noisy = race.problem("noisy quadratic")
    assert noisy.noise > 0 and not noisy.seeded and not noisy.deterministic


@pytest.mark.parametrize(
    "changes, match",
    [
        ({"rates": (0.1, 0.01)}, "rates must be increasing"),
        ({"rates": ()}, "rates must be increasing"),
        ({"steps": 0}, "steps must be"),
        ({"target": float("nan")}, "target must be"),
        ({"noise": -1.0}, "noise must be"),
    ],
)
def test_problem_refuses_bad_settings(changes, match):
    kwargs = {
        "name": "p",
        "dim": 1,
        "loss_and_grad": lambda W: (0.5 * (W * W).sum(-1), W),
        "start": lambda seed: np.ones(1),
        "target": 1e-3,
        "steps": 10,
        "rates": (0.1, 1.0),
    }
    kwargs.update(changes)
    with pytest.raises(ValueError, match=match):
        race.Problem(**kwargs)


# ---------------------------------------------------------------------------
# the protocol
# ---------------------------------------------------------------------------


def test_choose_rate_ranks_failures_then_median_then_loss_then_rate():
    # one failure loses to any rate without failures, however fast
    assert race.choose_rate([[90, 80, 85], [40, 45, INF], [50, 52, 60]]) == 2
    # the median decides, not the mean
    assert race.choose_rate([[10, 11, 200], [20, 20, 20]]) == 0
    # equal steps: the lower loss; equal everything: the smaller rate
    assert race.choose_rate([[5, 5], [5, 5]], [[1e-3, 1e-3], [1e-4, 1e-4]]) == 1
    assert race.choose_rate([[5, 5], [5, 5]]) == 0
    # all fail: the rate that came closest
    assert race.choose_rate([[INF], [INF], [INF]], [[3.0], [INF], [0.5]]) == 2


@pytest.mark.parametrize(
    "steps, losses, match",
    [
        ([1.0, 2.0], None, "steps must be a non-empty 2-d"),
        ([[1.0, np.nan]], None, "steps must be a non-empty 2-d"),
        ([[1.0, 2.0]], [[1.0]], "best_losses must have the shape"),
    ],
)
def test_choose_rate_refuses_bad_input(steps, losses, match):
    with pytest.raises(ValueError, match=match):
        race.choose_rate(steps, losses)


def _sign_descent():
    """A fake entry: every weight moves by exactly the rate, against the gradient."""

    def update(grad, state, params, lr):
        return params - lr * np.sign(grad), state

    return optimizers.Optimizer("sign", {}, lambda params: (), update)


def _seed_problem():
    """f = w^2 / 2 from 1 on seeds 0-2 and from 0.5 on seeds 3 and up; target: exactly 0.

    Sign descent reaches 0 in one step at rate 1 from 1 and at rate 0.5 from
    0.5; at rate 1 from 0.5 it bounces between -0.5 and 0.5 for ever.
    """
    return race.Problem(
        name="seeds",
        dim=1,
        loss_and_grad=lambda W: (0.5 * (W * W).sum(-1), W.copy()),
        start=lambda seed: np.array([1.0 if seed < 3 else 0.5]),
        target=0.0,
        steps=20,
        rates=(0.5, 1.0),
        seeded=True,
    )


def test_the_rate_is_chosen_on_the_tuning_seeds_only():
    p, sign = _seed_problem(), race.entry(_sign_descent())
    result = race.run([p], [sign])
    cell = result.cell("seeds", "sign")
    # best on the tuning seeds (1 step against 2), though it fails on every held-out seed
    assert cell.rate == 1.0 and cell.held_out
    assert cell.seeds == (3, 4, 5, 6, 7)
    assert cell.failures == 5 and set(cell.reasons) == {"budget"}
    # rate 0.5 was cut short after one step: it could no longer win
    np.testing.assert_array_equal(cell.tuning_steps, [[np.nan] * 3, [1, 1, 1]])
    assert cell.text() == "budget 5/5"
    # with the roles of the seeds swapped, the other rate is chosen and wins
    swapped = race.run([p], [sign], tuning_seeds=(3, 4), held_out_seeds=(0, 1))
    other = swapped.cell("seeds", "sign")
    assert other.rate == 0.5
    np.testing.assert_array_equal(other.steps, [2, 2])


def test_hold_asks_the_loss_to_stay_below_the_target():
    """Sign descent at 0.3 from 1: losses 0.5, 0.245, 0.08, 0.005, 0.02, 0.005, 0.02, ..."""
    base = dataclasses.replace(_seed_problem(), rates=(0.3,), target=0.01, seeded=False)
    sign = race.entry(_sign_descent())
    once = race.run([base], [sign]).cell("seeds", "sign")
    assert once.steps[0] == 3
    twice = race.run([dataclasses.replace(base, hold=2)], [sign]).cell("seeds", "sign")
    assert twice.reasons == ("budget",)
    # L-BFGS's losses never rise: holding for 3 steps takes 2 more
    beale = race.problem("Beale")
    held = dataclasses.replace(beale, hold=3)
    one = race.run([beale], ["L-BFGS"]).cell("Beale", "L-BFGS").steps[0]
    three = race.run([held], ["L-BFGS"]).cell("Beale", "L-BFGS").steps[0]
    assert three == one + 2
    with pytest.raises(ValueError, match="hold must be"):
        dataclasses.replace(beale, hold=0)


def test_held_out_runs_are_the_seeds_own_runs_and_shared_by_entries():
    p = race.problem("noisy quadratic")
    result = race.run([p], ["SGD", "Adam"], tuning_seeds=(0, 1), held_out_seeds=(7, 8))
    for name, opt in (("SGD", optimizers.sgd()), ("Adam", optimizers.adam())):
        cell = result.cell(p.name, name)
        for seed, steps in zip(cell.seeds, cell.steps):
            alone = race.sweep(p, opt, seeds=(seed,))
            i = p.rates.index(cell.rate)
            assert alone.steps[i, 0] == steps
    # the same seed gives the same noise to every entry: identical rules, identical runs
    twin = race.entry(optimizers.sgd(), "SGD again")
    again = race.run([p], ["SGD", twin], tuning_seeds=(0, 1), held_out_seeds=(7, 8))
    np.testing.assert_array_equal(
        again.cell(p.name, "SGD").steps, again.cell(p.name, "SGD again").steps
    )


@pytest.mark.parametrize("name", ["quadratic", "Beale", "noisy quadratic"])
def test_stopping_once_decided_makes_the_full_sweeps_choice(name):
    p = race.problem(name)
    for e in race.reference_entries()[:5]:
        sw = race.sweep(p, e, seeds=(0, 1, 2))
        chosen = race.run([p], [e]).cell(p.name, e.name).rate
        assert p.rates[race.choose_rate(sw.steps, sw.best)] == chosen, e.name


def test_a_diverged_run_is_a_failure_without_warnings():
    p = race.Problem(
        name="steep",
        dim=2,
        loss_and_grad=lambda W: (0.5 * (W * W).sum(-1) * 100, 100 * W),
        start=lambda seed: np.ones(2),
        target=1e-8,
        steps=200,
        rates=(0.1, 1.0),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = race.run([p], ["SGD", "L-BFGS"])
        sw = race.sweep(p, optimizers.sgd())
    cell = result.cell("steep", "SGD")
    assert cell.failures == 1 and cell.reasons == ("diverged",)
    assert cell.text() == "diverged"
    assert list(sw.reasons[:, 0]) == ["diverged", "diverged"]
    assert result.cell("steep", "L-BFGS") is None  # no surface for L-BFGS


def test_a_target_below_the_minimum_is_missed_and_lbfgs_stalls():
    base = race.problem("Beale")
    p = dataclasses.replace(base, target=-1.0, steps=300)
    result = race.run([p], ["Adam", "L-BFGS"])
    adam, lbfgs = result.cell("Beale", "Adam"), result.cell("Beale", "L-BFGS")
    assert adam.reasons == ("budget",) and np.isinf(adam.steps[0])
    assert lbfgs.reasons == ("stalled",) and lbfgs.text() == "stalled"


def test_the_race_is_deterministic():
    problems = [race.problem("Beale"), race.problem("MLP on two moons")]
    one = race.run(problems, ["momentum", "Adam", "L-BFGS"])
    two = race.run(problems, ["momentum", "Adam", "L-BFGS"])
    assert str(one) == str(two)
    for key, cell in one.cells.items():
        np.testing.assert_array_equal(cell.steps, two.cells[key].steps)
        assert cell.rate == two.cells[key].rate


def test_lbfgs_races_once_on_the_deterministic_problems_only(full):
    for p in full.problems:
        cell = full.cell(p.name, "L-BFGS")
        if p.deterministic:
            assert cell.rate is None and cell.seeds == (0,) and not cell.held_out
            assert cell.failures == 0
            assert np.all(cell.grads >= cell.steps)  # line searches cost extra
        else:
            assert cell is None


def test_every_reference_choice_lies_inside_its_grid(full):
    """Each tuned reference entry's best rate is not an end of the grid it was tuned on."""
    for p in full.problems:
        for e in full.entries:
            cell = full.cell(p.name, e.name)
            if cell is None or cell.rate is None or e.name == "lion":
                continue
            assert p.rates[0] < cell.rate < p.rates[-1], (p.name, e.name)


def test_the_suites_results(full):
    """What the race says today; a change to a problem or the protocol shows up here."""
    steps = {k: c.median() for k, c in full.cells.items()}
    # L-BFGS is the fastest wherever it runs; SGD never reaches Rosenbrock's target
    for p in race.SUITE[:4]:
        assert steps[p, "L-BFGS"] == min(v for (q, _), v in steps.items() if q == p)
    assert full.cell("Rosenbrock", "SGD").reasons == ("budget",)
    # AdamW's decay pulls towards the origin: it stalls above the target on Rosenbrock
    assert full.cell("Rosenbrock", "AdamW").reasons == ("budget",)
    # the seeded problems report five held-out seeds
    for p in race.SUITE[4:]:
        for e in ("SGD", "momentum", "Nesterov", "Adam", "AdamW", "lion"):
            assert full.cell(p, e).seeds == (3, 4, 5, 6, 7)


def test_grads_of_first_order_entries_equal_their_steps(full):
    for (_, e), cell in full.cells.items():
        assert set(cell.reasons) <= {"", *race.FAILURES}
        if e != "L-BFGS":
            np.testing.assert_array_equal(cell.grads, cell.steps)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (
            {"tuning_seeds": (0, 1), "held_out_seeds": (1, 2)},
            "held_out_seeds must differ",
        ),
        ({"tuning_seeds": ()}, "tuning_seeds must be distinct"),
        ({"held_out_seeds": (3, 3)}, "held_out_seeds must be distinct"),
        ({"held_out_seeds": (-1,)}, "held_out_seeds must be"),
        ({"entries": ["SGD", race.entry(optimizers.adam(), "SGD")]}, "distinct names"),
        ({"entries": ["Adagrad"]}, "entry must be one of"),
        ({"entries": [42]}, "entries must be Entry objects"),
        ({"problems": []}, "problems must hold at least one"),
        ({"problems": ["Beale"]}, "problems must be race Problems"),
    ],
)
def test_run_refuses_bad_arguments(kwargs, match):
    kwargs.setdefault("problems", [race.problem("Beale")])
    with pytest.raises(ValueError, match=match):
        race.run(**kwargs)


def test_a_start_of_the_wrong_shape_is_refused():
    p = race.Problem(
        name="bad",
        dim=2,
        loss_and_grad=lambda W: (W.sum(-1), np.ones_like(W)),
        start=lambda seed: np.ones(3),
        target=0.0,
        steps=5,
        rates=(0.1,),
    )
    with pytest.raises(ValueError, match=r"start\(seed\) must return shape \(2,\)"):
        race.sweep(p, optimizers.sgd())


# ---------------------------------------------------------------------------
# entries, cells, the table and the figure
# ---------------------------------------------------------------------------


def test_entries():
    names = [e.name for e in race.reference_entries()]
    assert names == ["SGD", "momentum", "Nesterov", "Adam", "AdamW", "L-BFGS"]
    refs = race.reference_entries()
    assert refs[1].optimizer.hyperparameters["momentum"] == 0.9
    assert refs[2].optimizer.hyperparameters["nesterov"] is True
    assert refs[4].optimizer.hyperparameters["weight_decay"] == 0.01
    assert not refs[5].tuned and refs[0].tuned
    mine = race.entry(optimizers.lion(), "my lion")
    assert mine.name == "my lion" and "lion(" in repr(mine)
    assert "no rate grid" in repr(refs[5])
    with pytest.raises(ValueError, match="optimizer must be a gdcourse"):
        race.entry("adam")
    with pytest.raises(ValueError, match="name must be a non-empty string"):
        race.entry(optimizers.adam(), "")
    with pytest.raises(ValueError, match="optimizer must be an Optimizer"):
        race.sweep(race.problem("Beale"), refs[5])


def test_an_optimizer_enters_under_its_own_name():
    result = race.run([race.problem("Beale")], [optimizers.lion()])
    assert [e.name for e in result.entries] == ["lion"]
    assert result.cell("Beale", "lion").rate in race.problem("Beale").rates


def test_cell_text_median_range_and_summary():
    steps = np.array([40.0, 38.0, INF, 47.0, 41.0])
    c = race.Cell("p", "e", 0.13, (3, 4, 5, 6, 7), True, steps, steps,
                  ("", "", "budget", "", ""))  # fmt: skip
    assert c.failures == 1
    assert c.median() == 41.0 and c.range() == (38.0, INF)
    assert c.text() == "41 [38-fail] 1/5 failed"
    assert c.summary() == (
        "41 [38-fail] 1/5 failed steps at rate 0.13 (median [range] over 5 held-out seeds)"
    )
    half = np.array([INF, 5.0, INF, INF])
    bad = race.Cell("p", "e", 0.1, (0, 1, 2, 3), True, half, half,
                    ("diverged", "", "budget", "budget"))  # fmt: skip
    assert bad.text() == "budget/diverged 3/4" and math.isinf(bad.median())
    even = np.array([4.0, 5.0])
    assert race.Cell("p", "e", 0.1, (0, 1), True, even, even, ("", "")).text() == (
        "4.5 [4-5]"
    )
    one = race.Cell(
        "p", "L", None, (0,), False, np.array([3.0]), np.array([8.0]), ("",)
    )
    assert (
        one.summary() == "3 steps, 8 gradients at no rate grid (one run: deterministic)"
    )
    with pytest.raises(ValueError, match="what must be one of"):
        one.median("rates")


def test_result_table_and_text():
    result = race.run(
        [race.problem("turned ravine"), race.problem("noisy quadratic")],
        ["SGD", "L-BFGS"],
        tuning_seeds=(0, 1, 2),
        held_out_seeds=(10, 12),
    )
    rows = result.table()
    assert rows[0] == ["problem", "SGD", "L-BFGS"]
    assert rows[1][0] == "turned ravine *" and rows[2][0] == "noisy quadratic"
    assert rows[2][2] == "-"  # L-BFGS not raced where the gradient is noisy
    rates = result.table("rate")
    assert rates[1][1] == "1.3" and rates[1][2] == "no grid"
    text = str(result)
    assert "held-out seeds 10, 12" in text and "tuning seeds 0-2" in text
    assert "Gradient evaluations" in text
    assert repr(result) == text
    with pytest.raises(ValueError, match="what must be one of"):
        result.table("loss")
    assert result.cell("Beale", "SGD") is None


def test_plot_draws_medians_ranges_and_failures():
    base = race.problem("Rosenbrock")
    result = race.run(
        [base, race.problem("MLP on two moons")], ["SGD", "Adam", "L-BFGS"]
    )
    fig, ax = new_figure()
    out = race.plot(result, ax)
    assert [len(a.get_xdata()) for a in out["medians"]] == [1, 2, 1]
    sgd_fail = out["failures"][0]
    assert len(sgd_fail.get_xdata()) == 1  # SGD misses Rosenbrock's target
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "Rosenbrock *",
        "MLP on two moons",
    ]
    assert ax.get_legend_handles_labels()[1] == ["SGD", "Adam", "L-BFGS"]
    grads = race.plot(result, new_figure()[1], what="grads")
    lbfgs = grads["medians"][2].get_ydata()[0]
    assert lbfgs == result.cell("Rosenbrock", "L-BFGS").grads[0]


# ---------------------------------------------------------------------------
# the contract
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "opt",
    [
        optimizers.sgd(),
        optimizers.sgd(momentum=0.9, nesterov=True, weight_decay=0.1),
        optimizers.adagrad(),
        optimizers.rmsprop(momentum=0.5, centered=True),
        optimizers.adam(weight_decay=0.1, amsgrad=True),
        optimizers.adamw(weight_decay=0.5),
        optimizers.lion(),
        optimizers.lion(weight_decay=0.3),
    ],
    ids=repr,
)
def test_the_course_optimizers_keep_the_contract(opt):
    report = race.check_optimizer(opt)
    assert report.ok, report
    assert repr(report) == f"{opt.name} keeps the contract: all 10 checks passed."


def _opt(update, init=lambda params: (), hyper=None, name="mine"):
    return optimizers.Optimizer(name, hyper or {}, init, update)


def _mutates_params(grad, state, params, lr):
    params -= lr * grad
    return params, state


class _MState(tuple):
    pass


def _momentum_init(params):
    return {"m": np.zeros_like(np.asarray(params, dtype=float))}


def _mutates_state(grad, state, params, lr):
    state["m"] *= 0.9
    state["m"] += grad
    return params - lr * state["m"], state


def _counter():
    count = [0]

    def update(grad, state, params, lr):
        count[0] += 1  # a step count outside the state
        return params - lr * grad / count[0], state

    return update


def _global_norm(grad, state, params, lr):
    return params - lr * grad / (np.linalg.norm(grad) + 1e-12), state


def _unit_step(grad, state, params, lr):
    return params - lr * grad / np.abs(grad), state  # 0 / 0 at a zero gradient


def _float_rate(grad, state, params, lr):
    return params - float(lr) * grad, state


def _zeros(params):
    return np.zeros_like(np.asarray(params, dtype=float))


def _two_zeros_pair(params):
    return _zeros(params), _zeros(params)


def _heavy_ball(grad, v, params, lr):
    v = 0.9 * v + grad
    return params - lr * v, v


def _growing_momentum(grad, v, params, lr):
    v = 1.5 * v + grad  # a factor above 1: the velocity grows without bound
    return params - lr * v, v


def _swapped_momentum(grad, v, params, lr):
    v = 0.9 * v + grad
    return v, params - lr * v


def _swapped_adam(grad, state, params, lr):
    m, v = state
    m, v = 0.9 * m + 0.1 * grad, 0.999 * v + 0.001 * grad * grad
    return (m, v), params - lr * m / (np.sqrt(v) + 1e-8)


# a generator outside the state: each call of update draws afresh
_OUTSIDE = np.random.default_rng()

BROKEN = [
    (_opt(_mutates_params), "changed the params array it was given"),
    (_opt(_mutates_state, init=_momentum_init), "changed the state it was given"),
    (_opt(_counter()), "two calls of update with the same arguments gave different"),
    (
        _opt(lambda g, s, p, lr: (p - lr * g * _OUTSIDE.random(), s)),
        "a random draw in update does the same",
    ),
    (_opt(lambda g, s, p, lr: p - lr * g), "update returned a ndarray, not a pair"),
    (_opt(lambda g, s, p, lr: ((p - lr * g)[None], s)), "into shape (1, 3)"),
    (_opt(_unit_step), "a zero gradient gave non-finite weights"),
    (_opt(_global_norm), "the starts influence each other"),
    (_opt(_float_rate), "a column of rates"),
    (
        _opt(lambda g, s, p, lr: (p - lr * g - 1e-3 * p, s)),
        "with lr = 0 the weights moved",
    ),
    (
        _opt(lambda g, s, p, lr: (p - lr * (g + p * p), s)),
        "depends on the weights themselves",
    ),
    (
        _opt(
            lambda g, s, p, lr: (p * (1 - lr * 0.5) - lr * g, s),
            hyper={"weight_decay": 0.1},
        ),
        "weight_decay=0.1 explains neither",
    ),
    (_opt(lambda g, s, p, lr: (p + lr * g, s)), "went uphill at every rate"),
    (_opt(lambda g, s, p, lr: (p + lr * g, s)), "check the sign"),
    (_opt(lambda g, s, p, lr: (p - lr * 3000 * g, s)), "overshoots the minimum"),
    (_opt(lambda g, s, p, lr: (p - g / lr, s)), "a division by lr"),
    (_opt(_growing_momentum, init=_zeros), "the steps grow as the run goes on"),
    (
        _opt(_heavy_ball, init=lambda p: np.array(p, dtype=float)),
        "init builds the state from the weights' values",
    ),
    (
        _opt(_swapped_momentum, init=_zeros),
        "update seems to return (new_state, new_params)",
    ),
    (
        _opt(_swapped_adam, init=_two_zeros_pair),
        "update seems to return (new_state, new_params)",
    ),
    (_opt(lambda g, s, p, lr: (p + 0 * lr, s)), "did not move"),
    (
        _opt(lambda g, s, p, lr: (p - lr * g, s), init=lambda p: 1 / 0),
        "init raised ZeroDivisionError",
    ),
    (
        _opt(lambda g, s, p, lr: (p - lr * g.reshape(2, -1), s)),
        "update raised ValueError",
    ),
]


@pytest.mark.parametrize("opt, message", BROKEN, ids=[m for _, m in BROKEN])
def test_a_broken_optimizer_gets_a_sentence_naming_its_fault(opt, message):
    report = race.check_optimizer(opt)
    assert not report.ok
    assert any(message in p for p in report.problems), report
    text = repr(report)
    assert text.startswith("mine breaks the contract:") and "Traceback" not in text


@pytest.mark.parametrize(
    "update, init",
    [
        (lambda g, s, p, lr: (p - lr * 3000 * g, s), lambda p: ()),
        (lambda g, s, p, lr: (p - g / lr, s), lambda p: ()),
        (_growing_momentum, _zeros),
    ],
    ids=["large factor", "divided by lr", "growing velocity"],
)
def test_a_step_against_the_gradient_is_not_told_to_check_its_sign(update, init):
    report = race.check_optimizer(_opt(update, init=init))
    assert not report.ok
    assert not any("check the sign" in p for p in report.problems), report
    assert not any("go against the gradient" in p for p in report.problems), report


def test_a_state_started_from_the_weights_is_blamed_on_init_not_update():
    report = race.check_optimizer(
        _opt(_heavy_ball, init=lambda p: np.array(p, dtype=float))
    )
    assert len(report.problems) == 1, report
    assert "init builds the state from the weights' values" in report.problems[0]
    assert "use params only to take the step from" not in report.problems[0]
    # the same update from zeros keeps the contract
    assert race.check_optimizer(_opt(_heavy_ball, init=_zeros)).ok


@pytest.mark.parametrize(
    "update, init",
    [(_swapped_momentum, _zeros), (_swapped_adam, _two_zeros_pair)],
    ids=["momentum", "adam"],
)
def test_a_pair_in_the_wrong_order_gets_that_sentence_alone(update, init):
    report = race.check_optimizer(_opt(update, init=init))
    assert report.problems == (
        "update seems to return (new_state, new_params): return the pair in the "
        "order (new_params, new_state), e.g. `return params - lr * step, new_state`.",
    )
    assert report.not_run == 8


def test_broken_optimizers_get_only_the_sentences_that_apply():
    assert race.check_optimizer(_opt(_mutates_params)).problems == (
        "update changed the params array it was given (an in-place operation such as "
        "`params -= ...`): return a new array, e.g. `params - lr * step`.",
    )
    report = race.check_optimizer(_opt(_float_rate))
    assert len(report.problems) == 1 and len(report.passed) == 9


def test_when_update_does_not_work_the_other_checks_wait():
    report = race.check_optimizer(_opt(lambda g, s, p, lr: p - lr * g))
    assert len(report.problems) == 1 and report.not_run == 8
    assert repr(report).startswith(
        "mine breaks the contract: 1 of 10 checks failed; 8 more wait for init and "
        "update to work."
    )
    assert race.check_optimizer("adam").problems[0].startswith("it is not an Optimizer")


def _adam_without_eps(grad, state, params, lr):
    m, v = state
    m, v = 0.9 * m + 0.1 * grad, 0.999 * v + 0.001 * grad * grad
    return params - lr * m / np.sqrt(v), (m, v)  # 0 / 0 at a zero gradient


def _adagrad_without_eps(grad, s, params, lr):
    s = s + grad * grad
    return params - lr * grad / np.sqrt(s), s


def _two_zeros(params):
    zeros = np.zeros_like(np.asarray(params, dtype=float))
    return zeros, zeros


@pytest.mark.parametrize(
    "opt",
    [
        _opt(_adam_without_eps, init=_two_zeros),
        _opt(_adagrad_without_eps, init=lambda p: np.zeros_like(p, dtype=float)),
        _opt(_unit_step),
    ],
    ids=["adam", "adagrad", "unit step"],
)
def test_a_nan_in_the_weights_gets_only_the_finite_weights_sentence(opt):
    report = race.check_optimizer(opt)
    assert len(report.problems) == 1, report
    assert "a zero gradient gave non-finite weights" in report.problems[0]
    # the descent check waits too: a nan step says nothing about its sign
    assert report.not_run == 5
    assert repr(report).startswith(
        "mine breaks the contract: 1 of 10 checks failed; 5 more wait for finite "
        "weights."
    )


def test_a_step_count_outside_the_state_gets_only_the_repeatability_sentence():
    report = race.check_optimizer(_opt(_counter()))
    assert len(report.problems) == 1, report
    assert "two calls of update with the same arguments" in report.problems[0]
    assert "in place" in report.problems[0]
    assert report.not_run == 3
    assert "3 more wait for repeatable steps" in repr(report)


def test_starts_that_mix_hold_back_the_rate_column_check():
    report = race.check_optimizer(_opt(_global_norm))
    assert len(report.problems) == 1 and "influence each other" in report.problems[0]
    assert not any("column of rates" in p for p in report.problems)
    assert report.not_run == 1 and len(report.passed) == 8
    assert "1 more waits for starts that run as if alone" in repr(report)
    # a column of rates that fails on its own is still reported
    assert any(
        "column of rates" in p for p in race.check_optimizer(_opt(_float_rate)).problems
    )


def test_check_optimizer_changes_nothing_it_is_given():
    opt = optimizers.adam()
    hyper = dict(opt.hyperparameters)
    race.check_optimizer(opt)
    assert opt.hyperparameters == hyper
    state = opt.init(np.ones(3))
    w, state = opt.update(np.ones(3), state, np.ones(3), 0.1)
    np.testing.assert_allclose(w, 0.9)


# ---------------------------------------------------------------------------
# loss curves and joined races
# ---------------------------------------------------------------------------


def test_sweep_curves_are_the_runs_losses_and_change_no_count():
    p = race.problem("turned ravine")
    plain = race.sweep(p, optimizers.sgd())
    sw = race.sweep(p, optimizers.sgd(), curves=True)
    assert plain.losses is None and sw.losses.shape == (len(p.rates), 1, p.steps + 1)
    for name in ("steps", "grads", "best", "reasons"):
        np.testing.assert_array_equal(getattr(sw, name), getattr(plain, name))
    # gradient descent by hand at the chosen rate, five steps
    i = p.rates.index(1.3)
    w = p.start(0)
    for k in range(6):
        f, g = p.loss_and_grad(w[None])
        assert sw.losses[i, 0, k] == f[0]
        w = w - 1.3 * g[0]
    # the target is first met at the counted step, and the run goes on past it
    k = int(sw.steps[i, 0])
    assert sw.losses[i, 0, k] <= p.target < sw.losses[i, 0, k - 1]
    assert sw.losses[i, 0, -1] < sw.losses[i, 0, k]
    # a diverged run: finite losses, then NaN from the step it left the bound
    j = len(p.rates) - 1
    assert sw.reasons[j, 0] == "diverged"
    curve = sw.losses[j, 0]
    first_nan = int(np.argmax(np.isnan(curve)))
    assert first_nan > 0 and np.all(np.isfinite(curve[:first_nan]))
    assert np.all(np.isnan(curve[first_nan:]))


def test_noisy_curves_hold_the_target_for_the_counted_steps():
    p = race.problem("noisy quadratic")
    sw = race.sweep(p, optimizers.sgd(), seeds=(3, 4), curves=True)
    checked = 0
    for i, j in zip(*np.nonzero(np.isfinite(sw.steps))):
        k = int(sw.steps[i, j])
        held = sw.losses[i, j, k - p.hold + 1 : k + 1]
        before = sw.losses[i, j, k - p.hold : k]
        assert np.all(held <= p.target) and not np.all(before <= p.target)
        checked += 1
    assert checked >= 10
    # each seed draws its own noise: the two seeds' curves differ
    assert not np.array_equal(sw.losses[0, 0], sw.losses[0, 1])


def test_join_puts_separate_races_side_by_side():
    problems = [race.problem("Beale"), race.problem("noisy quadratic")]
    seeds = dict(tuning_seeds=(0, 1), held_out_seeds=(5, 6))
    together = race.run(problems, ["SGD", "L-BFGS", optimizers.lion()], **seeds)
    apart = race.join(
        race.run(problems, ["SGD", "L-BFGS"], **seeds),
        race.run(problems, [optimizers.lion()], **seeds),
    )
    assert [e.name for e in apart.entries] == ["SGD", "L-BFGS", "lion"]
    assert str(apart) == str(together)
    assert apart.cell("noisy quadratic", "L-BFGS") is None


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda a, b, c: (), "results must be one or more"),
        (lambda a, b, c: (a, "SGD"), "results must be one or more"),
        (lambda a, b, c: (a, b), "results must race the same problems"),
        (lambda a, b, c: (a, c), "results must use the same seeds"),
        (lambda a, b, c: (a, a), "entries must have distinct names"),
    ],
)
def test_join_refuses_races_that_do_not_match(make, match):
    beale = race.run([race.problem("Beale")], ["SGD"])
    ravine = race.run([race.problem("turned ravine")], ["Adam"])
    other_seeds = race.run([race.problem("Beale")], ["Adam"], held_out_seeds=(8,))
    with pytest.raises(ValueError, match=match):
        race.join(*make(beale, ravine, other_seeds))


@pytest.mark.parametrize("name", race.SUITE)
def test_sweeps_make_each_optimizers_own_sweep_in_one_loop(name):
    p = race.problem(name)
    rules = [optimizers.sgd(momentum=0.9), optimizers.adam(), optimizers.lion()]
    if name == "MLP on two moons":  # the costly problem: two rules, fewer rates
        p, rules = dataclasses.replace(p, rates=p.rates[4:9]), rules[1:]
    seeds = (0, 3)
    together = race.sweeps(p, rules, seeds=seeds, curves=True)
    assert len(together) == len(rules)
    for rule, sw in zip(rules, together):
        alone = race.sweep(p, rule, seeds=seeds, curves=True)
        assert sw.rates == alone.rates and sw.seeds == alone.seeds
        for field_name in ("steps", "grads", "best", "reasons", "losses"):
            np.testing.assert_array_equal(
                getattr(sw, field_name), getattr(alone, field_name)
            )


def test_sweeps_refuse_what_is_not_a_tuned_optimizer():
    beale = race.problem("Beale")
    with pytest.raises(ValueError, match="rules must be Optimizers"):
        race.sweeps(beale, [optimizers.sgd(), race.reference_entries()[-1]])
    with pytest.raises(ValueError, match="rules must hold at least one"):
        race.sweeps(beale, [])
    # an Entry is taken for its optimizer; without curves no losses are kept
    (sw,) = race.sweeps(beale, [race.reference_entries()[0]])
    assert sw.losses is None and sw.steps.shape == (len(beale.rates), 1)


def _trust_ratio(grad, state, params, lr):
    """A LARS-style step: the gradient scaled by |w| / |g| (at most 1), per row."""
    w = np.linalg.norm(params, axis=-1, keepdims=True)
    g = np.linalg.norm(grad, axis=-1, keepdims=True)
    return params - lr * np.minimum(w / np.maximum(g, 1e-300), 1.0) * grad, state


def test_a_step_scaled_by_the_weights_is_told_it_is_outside_the_race():
    report = race.check_optimizer(_opt(_trust_ratio))
    # the one fault: the step reads the weights; every other check passes
    assert len(report.problems) == 1, report
    (problem,) = report.problems
    assert "depends on the weights themselves" in problem
    assert "not as a weight decay would" in problem
    assert "LARS and LAMB" in problem and "is outside it" in problem
    # declaring a decay would not make it pass: the message does not ask for one
    assert "weight_decay" not in problem and "declare" not in problem
    declared = race.check_optimizer(_opt(_trust_ratio, hyper={"weight_decay": 0.1}))
    assert not declared.ok


@pytest.mark.parametrize(
    "update",
    [
        lambda g, s, p, lr: (p * (1 - lr * 0.1) - lr * g, s),
        lambda g, s, p, lr: (p - lr * (g + 0.1 * p), s),
    ],
    ids=["decoupled", "L2 on plain steps"],
)
def test_an_undeclared_decay_is_told_to_declare_it(update):
    report = race.check_optimizer(_opt(update))
    (problem,) = report.problems
    assert "as a weight decay of about 0.1 would" in problem
    assert "declare it as hyperparameters['weight_decay']" in problem
    assert "LARS" not in problem and "outside" not in problem
    # declared, the same rule keeps the contract
    assert race.check_optimizer(_opt(update, hyper={"weight_decay": 0.1})).ok

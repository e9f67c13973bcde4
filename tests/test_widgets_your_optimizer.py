"""Chapter 12 explorer: what it draws is the race's sweeps, its star is the race's choice."""

import numpy as np
import pytest

from gdcourse import race, widgets
from gdcourse.widgets.your_optimizer import (
    FAIL_ROW,
    HELD_OUT_SEEDS,
    LOSS_RANGE,
    RACE_ENTRIES,
    RACE_PROBLEMS,
    RACE_RATES,
    race_sweeps,
)


@pytest.fixture(scope="module")
def ex():
    return widgets.EXPLORERS["race"]()


@pytest.fixture(scope="module")
def raced():
    """The race itself on the explorer's problems and entries."""
    entries = [race.entry(opt, name) for name, opt in RACE_ENTRIES.items()]
    return race.run([race.problem(p) for p in RACE_PROBLEMS], entries)


def test_the_sweeps_are_the_races_sweeps_over_the_wider_grid():
    problem, sweeps = race_sweeps("noisy quadratic")
    assert race_sweeps("noisy quadratic")[1] is sweeps  # computed once
    assert set(sweeps) == set(RACE_ENTRIES)
    adam = sweeps["Adam"]
    assert adam.rates == RACE_RATES and adam.seeds == tuple(range(8))
    own = race.sweep(problem, RACE_ENTRIES["Adam"], seeds=adam.seeds, curves=True)
    rows = [RACE_RATES.index(r) for r in problem.rates]
    np.testing.assert_array_equal(adam.losses[rows], own.losses)
    np.testing.assert_array_equal(adam.steps[rows], own.steps)
    with pytest.raises(ValueError, match="name must be one of"):
        race_sweeps("MLP on two moons")


@pytest.mark.parametrize("problem", RACE_PROBLEMS)
def test_the_star_is_the_races_choice_and_the_held_out_runs_its_report(
    ex, raced, problem
):
    for entry in RACE_ENTRIES:
        cell = raced.cell(problem, entry)
        ex.set(problem=problem, entry=entry, rate=cell.rate)
        assert ex.star.get_xdata()[0] == cell.rate
        assert "(the protocol's choice)" in ex.status
        p, sweeps = race_sweeps(problem)
        i = RACE_RATES.index(cell.rate)
        cols = [sweeps[entry].seeds.index(s) for s in cell.seeds]
        np.testing.assert_array_equal(sweeps[entry].steps[i, cols], cell.steps)
        if not p.deterministic:
            assert f"held-out seeds {cell.text()}" in ex.status


def test_the_curves_are_each_seeds_loss_over_its_start(ex):
    ex.set(problem="noisy quadratic", entry="Lion", rate=0.042)
    p, sweeps = race_sweeps("noisy quadratic")
    losses = sweeps["Lion"].losses[RACE_RATES.index(0.042)]
    shown = [line for line in ex.curves if line.get_visible()]
    assert len(shown) == 8
    for j, line in enumerate(shown):
        k = line.get_xdata()
        assert k[0] == 1 and k[-1] == p.steps
        want = np.clip(losses[j, k] / losses[j, 0], *LOSS_RANGE)
        np.testing.assert_array_equal(line.get_ydata(), want)
    held = ex.hits["held-out"]
    cell_steps = sweeps["Lion"].steps[RACE_RATES.index(0.042), 3:]
    np.testing.assert_array_equal(held.get_xdata(), cell_steps[np.isfinite(cell_steps)])
    # the target line sits at the target over the starting loss
    assert ex.target.get_ydata()[0] == pytest.approx(p.target / losses[0, 0])
    assert len(HELD_OUT_SEEDS) == len(cell_steps)


def test_a_deterministic_problem_draws_one_run(ex):
    ex.set(problem="quadratic", entry="SGD", rate=1.3)
    visible = [line for line in ex.curves if line.get_visible()]
    assert len(visible) == 1
    assert ex.status == (
        "SGD on the quadratic, rate 1.3 (the protocol's choice): the target in 88 steps"
    )
    assert len(ex.medians["tuning"].get_xdata()) == 0


def test_the_status_says_budget_divergence_and_off_grid_rates(ex):
    ex.set(problem="Rosenbrock", entry="AdamW", rate=0.13)
    assert ex.status.endswith("not at the target after 1000 steps")
    ex.set(problem="Beale", entry="SGD", rate=4.2)
    assert "diverged at step" in ex.status
    # the largest rate of the grid fails: an x on the fail row
    assert FAIL_ROW in ex.fails["one run"].get_ydata()
    ex.set(problem="noisy quadratic", entry="SGD", rate=RACE_RATES[0])
    assert "(not on this problem's grid)" in ex.status
    assert ex.now.get_linestyle() == ":"


def test_a_run_that_passes_the_target_on_its_way_up_still_counts(ex):
    """The race counts the first step at the target, as a time to a result does."""
    ex.set(problem="Beale", entry="Nesterov", rate=0.024)
    _, sweeps = race_sweeps("Beale")
    curve = sweeps["Nesterov"].losses[RACE_RATES.index(0.024), 0]
    assert ex.status.endswith("the target in 12 steps")
    assert np.isnan(curve[-1]) and np.nanmax(curve[12:]) > curve[0]


def test_refuses_what_it_does_not_offer():
    with pytest.raises(ValueError, match="problem must be one of"):
        widgets.EXPLORERS["race"](problem="MLP on two moons")
    with pytest.raises(ValueError, match="entry must be one of"):
        widgets.EXPLORERS["race"](entry="L-BFGS")

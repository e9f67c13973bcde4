"""Tests for gdcourse.schedules: PyTorch reference values, closed forms and properties."""

import inspect
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdcourse import schedules
from gdcourse.schedules import (
    ReduceOnPlateau,
    Schedule,
    as_schedule,
    constant,
    cosine,
    cosine_restarts,
    cyclic,
    exponential,
    one_cycle,
    step_decay,
    warmup,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TORCH_SCHEDULES = json.loads((FIXTURES / "torch_schedules.json").read_text())
TORCH_SGD = json.loads((FIXTURES / "torch_sgd.json").read_text())

RTOL, ATOL = 1e-12, 1e-15


def build(spec):
    """A schedule from a ``{"name": ..., "params": ...}`` spec as stored in the fixtures."""
    params = dict(spec["params"])
    if spec["name"] == "warmup":
        params["schedule"] = build(params["schedule"])
    return getattr(schedules, spec["name"])(**params)


# --------------------------------------------------------------------------
# PyTorch reference values
# --------------------------------------------------------------------------


#: Schedules ``torch.optim.lr_scheduler`` does not ship (or not with the same
#: meaning), each tested against its closed form or a worked example instead:
#: factory name -> the test of this module that does it.
WITHOUT_TORCH = {"constant": "test_constant"}


def schedule_factories():
    """The functions of ``schedules.__all__`` that make a schedule from its arguments.

    Every function there but ``as_schedule``, which turns a number into a
    ``constant`` schedule and returns a schedule as it is.
    """
    return {
        name
        for name in schedules.__all__
        if callable(obj := getattr(schedules, name))
        and not isinstance(obj, type)
        and name != "as_schedule"
    }


def test_fixtures_cover_every_schedule_and_mode():
    entries = TORCH_SCHEDULES["schedules"]
    names = {entry["name"] for entry in entries}
    factories = schedule_factories()
    assert {"step_decay", "cosine", "warmup", "constant"} <= factories
    assert names.isdisjoint(WITHOUT_TORCH)
    assert names | set(WITHOUT_TORCH) == factories, (
        "give a new schedule PyTorch cases (fixtures/make_torch_reference.py) or, "
        "if torch does not ship it, a closed-form test named in WITHOUT_TORCH"
    )
    for name, test in WITHOUT_TORCH.items():
        assert callable(globals().get(test)), (name, test)
    modes = {e["params"]["mode"] for e in entries if e["name"] == "cyclic"}
    assert modes == set(schedules.CYCLIC_MODES)
    anneals = {e["params"]["anneal"] for e in entries if e["name"] == "one_cycle"}
    assert anneals == set(schedules.ANNEAL_STRATEGIES)
    mults = {
        e["params"]["period_mult"] for e in entries if e["name"] == "cosine_restarts"
    }
    assert {1, 2} <= mults


@pytest.mark.parametrize("entry", TORCH_SCHEDULES["schedules"], ids=lambda e: e["id"])
def test_matches_torch_scheduler(entry):
    sched = build(entry)
    expected = np.array(entry["lrs"])
    steps = np.arange(len(expected))
    np.testing.assert_allclose(sched(steps), expected, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(
        [sched(int(t)) for t in steps], expected, rtol=RTOL, atol=ATOL
    )


def test_torch_cosine_fixture_runs_past_total_steps():
    # The cosine fixtures reach 2.5 * total_steps, where torch's rate has climbed back up.
    for entry in TORCH_SCHEDULES["schedules"]:
        if entry["name"] == "cosine":
            total = entry["params"]["total_steps"]
            assert len(entry["lrs"]) >= 2.5 * total
            assert entry["lrs"][2 * total] == pytest.approx(
                entry["params"]["lr0"], rel=1e-12
            )


@pytest.mark.parametrize(
    "entry", TORCH_SCHEDULES["reduce_on_plateau"], ids=lambda e: e["id"]
)
def test_reduce_on_plateau_matches_torch(entry):
    plateau = ReduceOnPlateau(**entry["params"])
    lrs, best, bad = [plateau.lr], [], []
    for loss in entry["losses"]:
        lrs.append(plateau.step(loss))
        best.append(plateau.best)
        bad.append(plateau.num_bad_epochs)
    np.testing.assert_allclose(lrs, entry["lrs"], rtol=RTOL, atol=0)
    assert best == entry["best"]
    assert bad == entry["num_bad_epochs"]


def test_reduce_on_plateau_fixture_exercises_every_branch():
    by_id = {e["id"]: e for e in TORCH_SCHEDULES["reduce_on_plateau"]}
    # reaches min_lr and stays there
    assert (
        min(by_id["reaches_min_lr"]["lrs"])
        == by_id["reaches_min_lr"]["params"]["min_lr"]
    )
    assert (
        by_id["reaches_min_lr"]["lrs"][-1]
        == by_id["reaches_min_lr"]["params"]["min_lr"]
    )
    # a cut smaller than 1e-8 is skipped, so the rate stops above 1e-8 / (1 - factor)
    assert by_id["cut_below_eps_skipped"]["lrs"][-1] == pytest.approx(1.25e-8)
    # several cuts happened in every case
    for entry in by_id.values():
        assert len(set(entry["lrs"])) >= 3


def test_sgd_fixture_is_well_formed():
    for case in TORCH_SGD["cases"]:
        d = len(case["w0"])
        weights = np.array(case["weights"])
        assert weights.shape == (case["steps"] + 1, d)
        np.testing.assert_array_equal(weights[0], case["w0"])
        assert np.array(case["A"]).shape == (d, d)
        assert len(case["b"]) == d and len(case["lrs"]) == case["steps"]
        assert case["lrs"][0] == case["lr"]


def test_sgd_fixture_schedules_match_gdcourse():
    scheduled = [c for c in TORCH_SGD["cases"] if c["schedule"] is not None]
    assert scheduled
    for case in scheduled:
        sched = build(case["schedule"])
        np.testing.assert_allclose(
            sched(np.arange(case["steps"])), case["lrs"], rtol=RTOL, atol=ATOL
        )


@pytest.mark.parametrize("case", TORCH_SGD["cases"], ids=lambda c: c["id"])
def test_sgd_fixture_follows_the_update_rule(case):
    # torch's trajectories obey v = m v + g; w = w - lr (g + m v) [nesterov] or w - lr v.
    a, b = np.array(case["A"]), np.array(case["b"])
    m = case["momentum"]
    w, v = np.array(case["w0"]), None
    rows = [w]
    for lr in case["lrs"]:
        g = a @ w - b
        v = g if v is None else m * v + g
        w = w - lr * (g + m * v if case["nesterov"] else v)
        rows.append(w)
    np.testing.assert_allclose(np.array(rows), case["weights"], rtol=1e-10, atol=1e-12)


# --------------------------------------------------------------------------
# as_schedule, constant, the Schedule object
# --------------------------------------------------------------------------


def test_as_schedule_turns_a_number_into_a_constant():
    sched = as_schedule(0.25)
    assert isinstance(sched, Schedule)
    assert repr(sched) == "constant(lr=0.25)"
    np.testing.assert_array_equal(sched(np.arange(4)), np.full(4, 0.25))
    assert as_schedule(np.float32(0.5))(3) == 0.5
    assert as_schedule(2)(0) == 2.0


def test_as_schedule_returns_callables_unchanged():
    sched = cosine(0.1, 10)
    assert as_schedule(sched) is sched

    def user_rule(t):
        return 0.1 / (1 + t)

    assert as_schedule(user_rule) is user_rule


@pytest.mark.parametrize("bad", [0, -0.1, math.nan, math.inf, "0.1", None, True, [0.1]])
def test_as_schedule_rejects(bad):
    with pytest.raises(
        ValueError, match="lr must be a positive finite number or a schedule"
    ):
        as_schedule(bad)


def test_constant():
    sched = constant(0.3)
    assert sched(0) == 0.3 and sched(10**6) == 0.3
    assert isinstance(sched(5), float)
    with pytest.raises(ValueError, match="lr must be a positive finite number"):
        constant(0.0)


@pytest.mark.parametrize(
    "sched, text",
    [
        (step_decay(0.1, 5), "step_decay(lr0=0.1, step_size=5, gamma=0.1)"),
        (exponential(0.1, 0.9), "exponential(lr0=0.1, gamma=0.9)"),
        (cosine(0.1, 100), "cosine(lr0=0.1, total_steps=100, lr_min=0.0)"),
        (
            cosine_restarts(0.1, 10, 2),
            "cosine_restarts(lr0=0.1, period=10, period_mult=2, lr_min=0.0)",
        ),
        (
            cyclic(0.01, 0.1, 5),
            "cyclic(lr_min=0.01, lr_max=0.1, half_cycle=5, mode='triangular', "
            "gamma=1.0)",
        ),
        (
            one_cycle(0.1, 50),
            "one_cycle(lr_max=0.1, total_steps=50, pct_start=0.3, div_factor=25.0, "
            "final_div_factor=10000.0, anneal='cos')",
        ),
        (warmup(0.1, 3), "warmup(schedule=constant(lr=0.1), warmup_steps=3)"),
    ],
)
def test_repr_names_the_factory_and_its_arguments(sched, text):
    assert repr(sched) == text
    assert sched.name == text.split("(")[0]


def test_repr_can_be_evaluated_back():
    namespace = vars(schedules)
    for sched in (
        cosine(0.1, 100, 0.01),
        cyclic(0.01, 0.1, 5, "exp_range", 0.99),
        warmup(step_decay(0.2, 3), 4),
    ):
        again = eval(repr(sched), dict(namespace))
        np.testing.assert_array_equal(again(np.arange(30)), sched(np.arange(30)))


@pytest.mark.parametrize(
    "bad",
    [
        -1,
        np.array([0, 3, -2]),
        1.0,
        np.array([0.0, 1.0]),
        True,
        "3",
        None,
        np.float64(2.0),
    ],
)
def test_step_must_be_a_non_negative_integer(bad):
    with pytest.raises(ValueError, match="t must be"):
        cosine(0.1, 10)(bad)


def test_output_type_and_shape_follow_the_input():
    sched = cyclic(0.01, 0.1, 3, mode="triangular2")
    assert isinstance(sched(4), float)
    assert isinstance(sched(np.int64(4)), float)
    grid = np.arange(12).reshape(3, 4)
    out = sched(grid)
    assert out.shape == (3, 4) and out.dtype == np.float64
    assert sched(np.array([], dtype=int)).shape == (0,)
    np.testing.assert_array_equal(sched([1, 2, 3]), sched(np.array([1, 2, 3])))


def test_huge_steps_raise_no_overflow_warning():
    # pytest turns RuntimeWarning into an error, so a warning here fails the test
    big = np.array([10**6, 10**9, 10**12])
    assert np.all(exponential(0.1, 0.5)(big) == 0.0)
    assert np.all(cyclic(0.01, 0.1, 1, mode="triangular2")(big + 1) == 0.01)
    assert np.all(cyclic(0.01, 0.1, 1, mode="exp_range", gamma=0.5)(big + 1) == 0.01)
    assert np.all(step_decay(0.1, 1, 0.5)(big) == 0.0)
    # restarts far out are computed directly, not by walking through every cycle
    assert cosine_restarts(0.1, 1)(10**12) == pytest.approx(0.1)
    assert cosine_restarts(0.1, 1, period_mult=2)(2**40 - 1) == pytest.approx(0.1)


# --------------------------------------------------------------------------
# closed-form spot checks
# --------------------------------------------------------------------------


def test_step_decay_closed_form():
    sched = step_decay(0.8, step_size=4, gamma=0.5)
    np.testing.assert_allclose(
        sched(np.array([0, 3, 4, 7, 8, 12])), [0.8, 0.8, 0.4, 0.4, 0.2, 0.1], rtol=1e-15
    )
    assert step_decay(0.3, 7, gamma=1.0)(100) == 0.3


def test_exponential_closed_form():
    sched = exponential(2.0, gamma=0.5)
    np.testing.assert_allclose(
        sched(np.arange(5)), [2.0, 1.0, 0.5, 0.25, 0.125], rtol=1e-15
    )
    lrs = exponential(0.1, 0.93)(np.arange(50))
    np.testing.assert_allclose(lrs[1:] / lrs[:-1], 0.93, rtol=1e-13)


@pytest.mark.parametrize(
    "lr0, total, lr_min", [(0.1, 100, 0.0), (1.0, 37, 0.2), (0.5, 2, 0.5)]
)
def test_cosine_closed_form(lr0, total, lr_min):
    sched = cosine(lr0, total, lr_min)
    assert sched(0) == pytest.approx(lr0, rel=1e-15)
    assert sched(total) == pytest.approx(lr_min, abs=1e-16)
    half = total / 2
    if total % 2 == 0:
        assert sched(int(half)) == pytest.approx((lr0 + lr_min) / 2, rel=1e-14)
    # symmetric about the middle, and periodic with period 2 * total past the end
    t = np.arange(total + 1)
    np.testing.assert_allclose(sched(t) + sched(total - t), lr0 + lr_min, rtol=1e-13)
    np.testing.assert_allclose(sched(t + 2 * total), sched(t), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        sched(total + t), sched(total - t), rtol=1e-12, atol=1e-15
    )


def test_cosine_restarts_with_period_mult_two():
    sched = cosine_restarts(1.0, period=4, period_mult=2, lr_min=0.0)
    restarts = [0, 4, 12, 28, 60]
    np.testing.assert_array_equal(sched(np.array(restarts)), 1.0)
    # midway through the cycle [12, 28) of length 16 the rate is half way down
    assert sched(20) == pytest.approx(0.5, rel=1e-14)
    # the step before a restart is the last, lowest, step of its cycle
    assert sched(27) == pytest.approx(
        0.5 * (1 + math.cos(math.pi * 15 / 16)), rel=1e-14
    )


def test_cosine_restarts_with_period_mult_one_is_periodic():
    sched = cosine_restarts(0.2, period=7, lr_min=0.02)
    t = np.arange(7)
    for k in range(1, 5):
        np.testing.assert_array_equal(sched(t + 7 * k), sched(t))
    np.testing.assert_allclose(sched(t), cosine(0.2, 7, 0.02)(t), rtol=1e-15)


def test_cyclic_peaks_and_troughs():
    h = 5
    peaks = h + 2 * h * np.arange(4)
    troughs = 2 * h * np.arange(5)
    tri = cyclic(0.1, 0.5, h, "triangular")
    np.testing.assert_allclose(tri(peaks), 0.5, rtol=1e-15)
    np.testing.assert_allclose(tri(troughs), 0.1, rtol=1e-15)
    tri2 = cyclic(0.1, 0.5, h, "triangular2")
    np.testing.assert_allclose(tri2(peaks), 0.1 + 0.4 / 2.0 ** np.arange(4), rtol=1e-15)
    exp = cyclic(0.1, 0.5, h, "exp_range", gamma=0.9)
    np.testing.assert_allclose(exp(peaks), 0.1 + 0.4 * 0.9**peaks, rtol=1e-14)
    # linear in between: the quarter point is half way up
    assert cyclic(0.0, 1.0, 4)(2) == pytest.approx(0.5)
    assert cyclic(0.0, 1.0, 4)(6) == pytest.approx(0.5)


def test_cyclic_gamma_is_ignored_outside_exp_range():
    t = np.arange(40)
    np.testing.assert_array_equal(
        cyclic(0.1, 0.2, 3, "triangular", 0.5)(t), cyclic(0.1, 0.2, 3, "triangular")(t)
    )


@pytest.mark.parametrize("anneal", ["cos", "linear"])
def test_one_cycle_end_points(anneal):
    sched = one_cycle(
        0.4,
        total_steps=80,
        pct_start=0.25,
        div_factor=20.0,
        final_div_factor=100.0,
        anneal=anneal,
    )
    assert sched(0) == pytest.approx(0.02, rel=1e-15)
    assert sched(19) == pytest.approx(0.4, rel=1e-15)  # the rise ends at 0.25 * 80 - 1
    assert sched(79) == pytest.approx(0.0002, rel=1e-12)
    lrs = sched(np.arange(80))
    assert np.argmax(lrs) == 19
    assert np.all(np.diff(lrs[:20]) > 0) and np.all(np.diff(lrs[19:]) < 0)
    if anneal == "linear":
        assert sched(8) == pytest.approx(0.02 + 0.38 * 8 / 19, rel=1e-14)
    else:  # the fall runs from step 19 to 79: half way down at 49
        assert sched(49) == pytest.approx(0.5 * (0.4 + 0.0002), rel=1e-14)


def test_one_cycle_cos_midpoints():
    sched = one_cycle(
        1.0, total_steps=21, pct_start=0.5, div_factor=10.0, final_div_factor=1e3
    )  # rise ends at step 9.5
    assert sched(0) == pytest.approx(0.1)
    rise_mid = 0.1 + (1.0 - 0.1) * (1 - math.cos(math.pi * 4 / 9.5)) / 2
    assert sched(4) == pytest.approx(rise_mid, rel=1e-14)
    # the fall runs from 9.5 to 20; at 14.75 it is half way down
    assert sched(20) == pytest.approx(1e-4, rel=1e-12)


def test_one_cycle_refuses_steps_past_the_run():
    sched = one_cycle(0.1, total_steps=30)
    sched(29)
    with pytest.raises(ValueError, match="t must be below total_steps=30"):
        sched(30)
    with pytest.raises(ValueError, match="total_steps"):
        sched(np.arange(31))


# --------------------------------------------------------------------------
# warmup
# --------------------------------------------------------------------------


def test_warmup_ramp_and_hand_over():
    base = cosine(0.1, total_steps=20, lr_min=0.01)
    sched = warmup(base, warmup_steps=4)
    np.testing.assert_allclose(
        sched(np.arange(4)), 0.1 * np.arange(1, 5) / 5, rtol=1e-15
    )
    t = np.arange(40)
    np.testing.assert_array_equal(sched(t + 4), base(t))
    # counts exclude the warmup: the cosine bottoms out at 4 + 20
    assert sched(24) == pytest.approx(0.01, rel=1e-14)


def test_warmup_accepts_numbers_and_user_functions():
    np.testing.assert_allclose(warmup(0.3, 2)(np.arange(5)), [0.1, 0.2, 0.3, 0.3, 0.3])
    sched = warmup(lambda t: 1.0 / (1 + t), 3)
    np.testing.assert_allclose(sched(np.arange(6)), [0.25, 0.5, 0.75, 1.0, 0.5, 1 / 3])
    assert sched(5) == pytest.approx(1 / 3)


def test_warmup_of_one_cycle_respects_its_end():
    sched = warmup(one_cycle(0.1, 10), 5)
    sched(14)
    with pytest.raises(ValueError, match="total_steps"):
        sched(15)


# --------------------------------------------------------------------------
# hypothesis properties
# --------------------------------------------------------------------------

rates = st.floats(1e-6, 10.0)
fractions = st.floats(0.0, 1.0)
gammas = st.floats(0.01, 1.0)
lengths = st.integers(1, 60)


@st.composite
def bounded_schedules(draw):
    """A random schedule with the bounds [low, high] it must stay within."""
    kind = draw(
        st.sampled_from(
            [
                "constant",
                "step",
                "exp",
                "cos",
                "restarts",
                "cyclic",
                "one_cycle",
                "warmup",
            ]
        )
    )
    lr0 = draw(rates)
    lr_min = lr0 * draw(fractions)
    if kind == "constant":
        return constant(lr0), lr0, lr0
    if kind == "step":
        return step_decay(lr0, draw(lengths), draw(gammas)), 0.0, lr0
    if kind == "exp":
        return exponential(lr0, draw(gammas)), 0.0, lr0
    if kind == "cos":
        return cosine(lr0, draw(lengths), lr_min), lr_min, lr0
    if kind == "restarts":
        return (
            cosine_restarts(lr0, draw(lengths), draw(st.integers(1, 3)), lr_min),
            lr_min,
            lr0,
        )
    if kind == "cyclic":
        low = lr0 * draw(st.floats(0.0, 0.99))
        mode = draw(st.sampled_from(schedules.CYCLIC_MODES))
        return cyclic(low, lr0, draw(lengths), mode, draw(gammas)), low, lr0
    if kind == "one_cycle":
        div, final = draw(st.floats(1.0, 100.0)), draw(st.floats(1.0, 1e4))
        sched = one_cycle(
            lr0,
            200,
            draw(st.floats(0.01, 0.99)),
            div,
            final,
            draw(st.sampled_from(["cos", "linear"])),
        )
        return sched, lr0 / div / final, lr0
    base = cosine(lr0, draw(lengths), lr_min)
    return warmup(base, draw(lengths)), 0.0, lr0


@settings(max_examples=150, deadline=None)
@given(bounded_schedules())
def test_every_schedule_stays_within_its_bounds(case):
    sched, low, high = case
    lrs = sched(np.arange(200))
    slack = 1e-12 * high
    assert np.all(lrs >= low - slack) and np.all(lrs <= high + slack)
    assert np.all(np.isfinite(lrs))


@settings(max_examples=100, deadline=None)
@given(bounded_schedules(), st.lists(st.integers(0, 199), min_size=1, max_size=10))
def test_int_and_array_inputs_agree_exactly(case, steps):
    sched = case[0]
    as_array = sched(np.array(steps))
    assert [sched(t) for t in steps] == list(as_array)


@settings(max_examples=100, deadline=None)
@given(rates, fractions, lengths, gammas, st.integers(1, 60))
def test_decays_are_monotone(lr0, frac, total, gamma, step_size):
    t = np.arange(total + 1)
    for lrs in (
        step_decay(lr0, step_size, gamma)(t),
        exponential(lr0, gamma)(t),
        cosine(lr0, total, lr0 * frac)(t),
    ):
        assert np.all(np.diff(lrs) <= 1e-15 * lr0)


@settings(max_examples=100, deadline=None)
@given(rates, fractions, lengths, st.integers(1, 3))
def test_cosine_restarts_return_to_lr0_at_each_restart(lr0, frac, period, mult):
    sched = cosine_restarts(lr0, period, mult, lr0 * frac)
    starts, length = [0], period
    while starts[-1] + length < 500:
        starts.append(starts[-1] + length)
        length *= mult
    np.testing.assert_allclose(sched(np.array(starts)), lr0, rtol=1e-15)
    # in between, the rate only falls: every rise is a restart
    lrs = sched(np.arange(500))
    rises = np.flatnonzero(np.diff(lrs) > 1e-15 * lr0) + 1
    assert set(rises) <= set(starts)
    if lr0 * frac < lr0 * (1 - 1e-12) and period > 1:
        assert set(rises) == set(starts[1:])


@settings(max_examples=100, deadline=None)
@given(bounded_schedules(), st.integers(1, 50))
def test_warmup_is_monotone_and_continuous(case, warmup_steps):
    base = case[0]
    sched = warmup(base, warmup_steps)
    ramp = sched(np.arange(warmup_steps + 1))
    assert np.all(np.diff(ramp) > 0) or base(0) == 0
    assert ramp[-1] == base(0)
    assert ramp[0] == pytest.approx(base(0) / (warmup_steps + 1), rel=1e-15)
    # the ramp climbs in equal steps, the last of which lands on the wrapped schedule's start
    steps = np.diff(ramp)
    np.testing.assert_allclose(steps, base(0) / (warmup_steps + 1), rtol=1e-12)


@settings(max_examples=100, deadline=None)
@given(
    rates,
    st.floats(0.01, 0.99),
    st.integers(0, 5),
    st.floats(0.0, 0.5),
    fractions,
    st.lists(st.floats(0.0, 100.0), max_size=60),
)
def test_reduce_on_plateau_only_lowers_the_rate(
    lr0, factor, patience, threshold, frac, losses
):
    min_lr = lr0 * frac
    plateau = ReduceOnPlateau(lr0, factor, patience, threshold, min_lr)
    lrs = [plateau.lr] + [plateau.step(loss) for loss in losses]
    assert np.all(np.diff(lrs) <= 0)
    assert min(lrs) >= min_lr
    assert 0 <= plateau.num_bad_epochs <= patience
    if losses:
        assert plateau.best <= losses[0]


# --------------------------------------------------------------------------
# ReduceOnPlateau behaviour
# --------------------------------------------------------------------------


def test_reduce_on_plateau_waits_patience_steps():
    plateau = ReduceOnPlateau(1.0, factor=0.5, patience=2)
    assert plateau.best == math.inf and plateau.num_bad_epochs == 0
    assert plateau.step(1.0) == 1.0  # first loss: an improvement on inf
    assert [plateau.step(1.0) for _ in range(2)] == [1.0, 1.0]
    assert plateau.num_bad_epochs == 2
    assert plateau.step(1.0) == 0.5  # third bad step in a row: cut
    assert plateau.num_bad_epochs == 0
    assert plateau.step(0.9) == 0.5 and plateau.best == 0.9


def test_reduce_on_plateau_relative_threshold():
    plateau = ReduceOnPlateau(1.0, patience=0, threshold=0.1)
    plateau.step(10.0)
    assert plateau.step(9.5) == pytest.approx(0.1)  # 5% better is not 10% better
    assert plateau.best == 10.0
    plateau.step(8.9)
    assert plateau.best == 8.9


def test_reduce_on_plateau_reset_and_read_only_state():
    plateau = ReduceOnPlateau(0.1, patience=0)
    plateau.step(1.0)
    plateau.step(2.0)
    assert plateau.lr == pytest.approx(0.01)
    with pytest.raises(AttributeError):
        plateau.lr = 1.0
    with pytest.raises(AttributeError):
        plateau.best = 0.0
    with pytest.raises(AttributeError):
        plateau.num_bad_epochs = 0
    plateau.reset()
    assert (plateau.lr, plateau.best, plateau.num_bad_epochs) == (0.1, math.inf, 0)
    assert repr(plateau) == (
        "ReduceOnPlateau(lr0=0.1, factor=0.1, patience=0, threshold=0.0001, min_lr=0.0)"
    )


def test_reduce_on_plateau_accepts_numpy_scalars_and_rejects_non_numbers():
    plateau = ReduceOnPlateau(0.1)
    plateau.step(np.float32(1.5))
    plateau.step(np.array(1.0))
    assert plateau.best == 1.0
    with pytest.raises(ValueError, match="loss must be a real number"):
        plateau.step("low")
    with pytest.raises(ValueError, match="loss must be a real number"):
        plateau.step(None)


# --------------------------------------------------------------------------
# argument validation
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "factory, kwargs, message",
    [
        (
            step_decay,
            dict(lr0=0.0, step_size=3),
            "lr0 must be a positive finite number",
        ),
        (
            step_decay,
            dict(lr0=0.1, step_size=0),
            "step_size must be an integer >= 1",
        ),
        (
            step_decay,
            dict(lr0=0.1, step_size=2.0),
            "step_size must be an integer >= 1",
        ),
        (
            step_decay,
            dict(lr0=0.1, step_size=True),
            "step_size must be an integer >= 1",
        ),
        (
            step_decay,
            dict(lr0=0.1, step_size=3, gamma=1.5),
            r"gamma must be a number in \(0, 1\]",
        ),
        (
            step_decay,
            dict(lr0=0.1, step_size=3, gamma=0.0),
            r"gamma must be a number in \(0, 1\]",
        ),
        (
            exponential,
            dict(lr0=math.inf, gamma=0.9),
            "lr0 must be a positive finite number",
        ),
        (exponential, dict(lr0=0.1, gamma=-0.5), r"gamma must be a number in \(0, 1\]"),
        (
            exponential,
            dict(lr0=0.1, gamma=math.nan),
            r"gamma must be a number in \(0, 1\]",
        ),
        (
            cosine,
            dict(lr0=-1.0, total_steps=10),
            "lr0 must be a positive finite number",
        ),
        (
            cosine,
            dict(lr0=0.1, total_steps=-5),
            "total_steps must be an integer >= 1",
        ),
        (
            cosine,
            dict(lr0=0.1, total_steps=10, lr_min=0.2),
            r"lr_min must be at most lr0=0.1",
        ),
        (
            cosine,
            dict(lr0=0.1, total_steps=10, lr_min=-0.01),
            "lr_min must be a non-negative",
        ),
        (cosine_restarts, dict(lr0=0.1, period=0), "period must be an integer >= 1"),
        (
            cosine_restarts,
            dict(lr0=0.1, period=5, period_mult=0),
            "period_mult must be an integer >= 1",
        ),
        (
            cosine_restarts,
            dict(lr0=0.1, period=5, period_mult=1.5),
            "period_mult must be an integer >= 1",
        ),
        (
            cosine_restarts,
            dict(lr0=0.1, period=5, lr_min=1.0),
            "lr_min must be at most lr0",
        ),
        (
            cosine_restarts,
            dict(lr0="a", period=5),
            "lr0 must be a positive finite number",
        ),
        (
            cyclic,
            dict(lr_min=0.1, lr_max=0.1, half_cycle=5),
            "lr_min must be below lr_max=0.1",
        ),
        (
            cyclic,
            dict(lr_min=-0.1, lr_max=0.1, half_cycle=5),
            "lr_min must be a non-negative",
        ),
        (
            cyclic,
            dict(lr_min=0.01, lr_max=math.inf, half_cycle=5),
            "lr_max must be a positive finite",
        ),
        (
            cyclic,
            dict(lr_min=0.01, lr_max=0.1, half_cycle=0),
            "half_cycle must be an integer >= 1",
        ),
        (
            cyclic,
            dict(lr_min=0.01, lr_max=0.1, half_cycle=5, mode="triangle"),
            r"mode must be one of \('triangular', 'triangular2', 'exp_range'\), got 'triangle'",
        ),
        (
            cyclic,
            dict(lr_min=0.01, lr_max=0.1, half_cycle=5, mode="exp_range", gamma=1.1),
            r"gamma must be a number in \(0, 1\]",
        ),
        (
            one_cycle,
            dict(lr_max=0.0, total_steps=100),
            "lr_max must be a positive finite number",
        ),
        (
            one_cycle,
            dict(lr_max=0.1, total_steps=0),
            "total_steps must be an integer >= 1",
        ),
        (
            one_cycle,
            dict(lr_max=0.1, total_steps=100, pct_start=0.0),
            r"pct_start must be a number in \(0, 1\)",
        ),
        (
            one_cycle,
            dict(lr_max=0.1, total_steps=100, pct_start=1.0),
            r"pct_start must be a number in \(0, 1\)",
        ),
        (
            one_cycle,
            dict(lr_max=0.1, total_steps=10, pct_start=0.1),
            r"pct_start \* total_steps must be greater than 1",
        ),
        (
            one_cycle,
            dict(lr_max=0.1, total_steps=1),
            r"pct_start \* total_steps must be greater than 1",
        ),
        (
            one_cycle,
            dict(lr_max=0.1, total_steps=100, div_factor=0.5),
            r"div_factor must be a number in \[1, inf\)",
        ),
        (
            one_cycle,
            dict(lr_max=0.1, total_steps=100, final_div_factor=math.inf),
            r"final_div_factor must be a number in \[1, inf\)",
        ),
        (
            one_cycle,
            dict(lr_max=0.1, total_steps=100, anneal="cosine"),
            r"anneal must be one of \('cos', 'linear'\), got 'cosine'",
        ),
        (
            warmup,
            dict(schedule=0.1, warmup_steps=0),
            "warmup_steps must be an integer >= 1",
        ),
        (
            warmup,
            dict(schedule=-0.1, warmup_steps=3),
            "lr must be a positive finite number or a schedule",
        ),
        (ReduceOnPlateau, dict(lr0=0.0), "lr0 must be a positive finite number"),
        (
            ReduceOnPlateau,
            dict(lr0=0.1, factor=1.0),
            r"factor must be a number in \(0, 1\)",
        ),
        (
            ReduceOnPlateau,
            dict(lr0=0.1, factor=0.0),
            r"factor must be a number in \(0, 1\)",
        ),
        (
            ReduceOnPlateau,
            dict(lr0=0.1, patience=-1),
            "patience must be an integer >= 0",
        ),
        (
            ReduceOnPlateau,
            dict(lr0=0.1, patience=2.5),
            "patience must be an integer >= 0",
        ),
        (
            ReduceOnPlateau,
            dict(lr0=0.1, threshold=1.0),
            r"threshold must be a number in \[0, 1\)",
        ),
        (
            ReduceOnPlateau,
            dict(lr0=0.1, threshold=-0.1),
            r"threshold must be a number in \[0, 1\)",
        ),
        (ReduceOnPlateau, dict(lr0=0.1, min_lr=0.2), "min_lr must be at most lr0=0.1"),
        (ReduceOnPlateau, dict(lr0=0.1, min_lr=-1.0), "min_lr must be a non-negative"),
    ],
)
def test_bad_arguments_raise(factory, kwargs, message):
    with pytest.raises(ValueError, match=message):
        factory(**kwargs)


@pytest.mark.parametrize(
    "factory, kwargs",
    [
        (schedules.constant, {"lr": 0.1}),
        (schedules.step_decay, {"lr0": 0.1, "step_size": 3, "gamma": 0.5}),
        (schedules.exponential, {"lr0": 0.1, "gamma": 0.9}),
        (schedules.cosine, {"lr0": 0.1, "total_steps": 10, "lr_min": 0.01}),
        (
            schedules.cosine_restarts,
            {"lr0": 0.1, "period": 5, "period_mult": 2, "lr_min": 0.01},
        ),
        (
            schedules.cyclic,
            {
                "lr_min": 0.01,
                "lr_max": 0.1,
                "half_cycle": 4,
                "mode": "exp_range",
                "gamma": 0.9,
            },
        ),
        (
            schedules.one_cycle,
            {
                "lr_max": 1.0,
                "total_steps": 100,
                "pct_start": 0.25,
                "div_factor": 10.0,
                "final_div_factor": 100.0,
                "anneal": "linear",
            },
        ),
    ],
)
def test_a_schedule_carries_its_factory_name_and_arguments(factory, kwargs):
    s = factory(**kwargs)
    assert s.name == factory.__name__
    assert s.params == kwargs
    assert list(s.params) == list(inspect.signature(factory).parameters)


def test_one_cycle_defaults_are_pytorchs():
    # OneCycleLR: start at lr_max / 25, end at that divided by 1e4
    s = schedules.one_cycle(1.0, 100)
    assert s(0) == pytest.approx(1.0 / 25, rel=1e-12)
    assert s(99) == pytest.approx(1.0 / 25 / 1e4, rel=1e-12)
    with pytest.raises(ValueError, match=r"^pct_start \* total_steps must be greater"):
        schedules.one_cycle(1.0, 2, pct_start=0.3)


def test_cosine_restarts_of_no_steps_is_empty():
    got = schedules.cosine_restarts(0.1, 5)(np.array([], dtype=int))
    assert got.shape == (0,)


def test_reduce_on_plateau_default_patience_and_its_edges():
    # patience 10 (PyTorch's): ten bad losses after the best are tolerated
    plateau = schedules.ReduceOnPlateau(1.0)
    lrs = [plateau.step(1.0) for _ in range(13)]
    assert lrs == [1.0] * 11 + [pytest.approx(0.1)] * 2
    # a floor equal to the start is allowed: the rate never moves
    flat = schedules.ReduceOnPlateau(0.1, patience=0, min_lr=0.1)
    assert [flat.step(1.0) for _ in range(4)] == [0.1] * 4
    # a cut of exactly eps (1e-8) is skipped, as in PyTorch: 2e-8 -> 1e-8
    tiny = schedules.ReduceOnPlateau(2e-8, factor=0.5, patience=0)
    assert [tiny.step(1.0) for _ in range(3)] == [2e-8] * 3

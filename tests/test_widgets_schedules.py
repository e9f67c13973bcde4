"""Tests of the chapter-6 explorer and its schedule factory (gdcourse.widgets)."""

import numpy as np
import pytest

from gdcourse import schedules, widgets

# -- schedule_from_kind ---------------------------------------------------------


def test_every_kind_builds_a_schedule_with_its_peak_rate():
    t = np.arange(300)
    for kind in widgets.SCHEDULE_KINDS:
        rates = widgets.schedule_from_kind(kind, 0.4, 60, 300)(t)
        assert rates.shape == (300,)
        assert np.all(np.isfinite(rates)) and np.all(rates >= 0)
        if kind == "exp_range":  # the amplitude shrinks from step 0 on
            assert 0.2 < rates.max() < 0.4
        else:
            assert rates.max() == pytest.approx(0.4, rel=1e-9)


def test_kinds_match_the_schedules_module():
    t = np.arange(200)
    expected = {
        "constant": schedules.constant(0.3),
        "step decay": schedules.step_decay(0.3, step_size=40, gamma=0.5),
        "exponential": schedules.exponential(0.3, gamma=0.5 ** (1 / 40)),
        "cosine": schedules.cosine(0.3, total_steps=200),
        "cosine restarts": schedules.cosine_restarts(0.3, period=40),
        "triangular": schedules.cyclic(0.012, 0.3, half_cycle=20),
        "triangular2": schedules.cyclic(0.012, 0.3, half_cycle=20, mode="triangular2"),
        "exp_range": schedules.cyclic(
            0.012, 0.3, half_cycle=20, mode="exp_range", gamma=0.5 ** (1 / 40)
        ),
        "one-cycle": schedules.one_cycle(0.3, total_steps=200),
    }
    for kind, sched in expected.items():
        np.testing.assert_allclose(
            widgets.schedule_from_kind(kind, 0.3, 40, 200)(t),
            sched(t),
            rtol=1e-12,
            err_msg=kind,
        )


def test_period_is_the_time_scale():
    t = np.array([0, 50, 100])
    # exponential: half-life of one period
    np.testing.assert_allclose(
        widgets.schedule_from_kind("exponential", 1.0, 50, 200)(t),
        [1.0, 0.5, 0.25],
        rtol=1e-12,
    )
    # step decay: halves every period
    np.testing.assert_allclose(
        widgets.schedule_from_kind("step decay", 1.0, 50, 200)(t),
        [1.0, 0.5, 0.25],
        rtol=1e-12,
    )
    # exp_range: the peak of each cycle (every period, at mid-cycle) halves every period
    sched = widgets.schedule_from_kind("exp_range", 1.0, 50, 200)
    peaks = sched(np.array([25, 75, 125]))
    lo = 1.0 / 25
    np.testing.assert_allclose(
        (peaks - lo) / (1 - lo), 0.5 ** (np.array([25, 75, 125]) / 50), rtol=1e-12
    )


def test_warmup_is_linear_then_the_main_schedule_over_the_rest():
    sched = widgets.schedule_from_kind("cosine", 1.0, 10, 110, warmup_steps=10)
    rates = sched(np.arange(110))
    np.testing.assert_allclose(rates[:10], np.arange(1, 11) / 11, rtol=1e-12)
    assert rates[10] == pytest.approx(1.0)
    # the cosine part spans the 100 steps after the warmup
    np.testing.assert_allclose(
        rates[10:], schedules.cosine(1.0, 100)(np.arange(100)), rtol=1e-12
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(kind="linear"), "kind must be one of"),
        (dict(period=1), "period must be an integer >= 2"),
        (dict(period=2.5), "period must be an integer >= 2"),
        (dict(total_steps=1), "total_steps must be an integer >= 2"),
        (dict(warmup_steps=-1), "warmup_steps must be an integer"),
        (dict(warmup_steps=99), "warmup_steps must be an integer"),
        (dict(lr=0.0), "lr"),
        (dict(lr=float("nan")), "lr"),
    ],
)
def test_bad_arguments_raise(kwargs, match):
    args = dict(kind="cosine", lr=0.1, period=10, total_steps=100, warmup_steps=0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        widgets.schedule_from_kind(**args)


# -- the explorer -----------------------------------------------------------------


@pytest.fixture(scope="module")
def explorer():
    return widgets.EXPLORERS["schedules"]()


def test_registered_with_its_controls(explorer):
    assert "schedules" in widgets.EXPLORERS
    assert list(explorer.controls) == ["kind", "lr", "period", "warmup"]
    assert list(explorer.controls["kind"].options) == list(widgets.SCHEDULE_KINDS)


def test_rate_curve_is_the_schedule_relative_to_its_peak(explorer):
    explorer.set(kind="step decay", lr=0.2, period=50, warmup=0)
    y = explorer.rate_line.get_ydata()
    np.testing.assert_allclose(y, 0.5 ** (np.arange(explorer.steps) // 50), rtol=1e-12)


def test_constant_rate_settles_at_the_noise_floor(explorer):
    # mean loss of SGD on a quadratic with constant rate: sum lr s^2 / (2 (2 - lr lam))
    explorer.set(kind="constant", lr=0.3, period=60, warmup=0)
    mean = explorer.mean_run.get_ydata()
    lams = np.array([0.1, 1.0])
    floor = np.sum(0.3 * explorer.noise**2 / (2 * (2 - 0.3 * lams)))
    assert mean[150:].mean() == pytest.approx(floor, rel=0.15)
    assert explorer.status.startswith("mean final loss")


def test_cosine_ends_below_the_constant_floor(explorer):
    explorer.set(kind="constant", lr=0.3, period=60, warmup=0)
    constant_end = explorer.mean_run.get_ydata()[-50:].mean()
    explorer.set(kind="cosine", lr=0.3, period=60, warmup=0)
    cosine_end = explorer.mean_run.get_ydata()[-50:].mean()
    assert cosine_end < 0.5 * constant_end


def test_rate_above_the_stability_limit_reports_divergence(explorer):
    explorer.set(kind="constant", lr=3.0, period=60, warmup=0)
    assert explorer.status.startswith("diverged at step")
    assert explorer.note.get_visible()
    k = int(explorer.status.split()[-1])
    mean = explorer.mean_run.get_ydata()
    assert np.all(np.isfinite(mean[: k + 1])) and np.all(np.isnan(mean[k + 1 :]))
    explorer.set(kind="constant", lr=0.3, period=60, warmup=0)
    assert not explorer.note.get_visible()


def test_every_control_value_works_without_warnings(explorer, recwarn):
    for kind in widgets.SCHEDULE_KINDS:
        for lr in (0.01, 10**0.5):
            for period in (10, 150):
                for warmup in (0, 100):
                    explorer.set(kind=kind, lr=lr, period=period, warmup=warmup)
                    assert not explorer.status.startswith("error"), explorer.status
    assert len(recwarn) == 0


def test_static_grid_offers_every_kind_and_ignores_the_period_where_there_is_none(
    explorer,
):
    grid = dict(explorer.static_grid())
    assert grid["kind"] == list(widgets.SCHEDULE_KINDS) and len(grid["lr"]) >= 10
    for kind in widgets.SCHEDULE_KINDS:
        values = dict(explorer.values, kind=kind)
        rates = [
            widgets.schedule_from_kind(kind, 0.3, p, 300)(np.arange(300))
            for p in (10, 150)
        ]
        same = np.array_equal(*rates)
        assert ("period" in explorer.ignores(values)) == same, kind

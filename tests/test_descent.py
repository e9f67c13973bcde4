"""Gradient descent: closed forms, PyTorch's SGD, vectorised starts, divergence, bad input."""

import json
import pathlib
import warnings

import numpy as np
import pytest

from gdcourse import optimizers, schedules, surfaces
from gdcourse.descent import (
    DIVERGENCE_BOUND,
    Trajectory,
    gradient_descent,
    within_bound,
)

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
TORCH_SGD = json.loads((FIXTURES / "torch_sgd.json").read_text())["cases"]


def test_x_squared_from_ten_at_rate_point_two():
    run = gradient_descent(surfaces.quadratic([[2.0]]), [10.0], lr=0.2, steps=10)
    assert run.weights.shape == (11, 1)
    assert f"{run.weights[-1, 0]:.10f}" == "0.0604661760"
    # closed form: x_k = (1 - 2 lr)^k x_0
    np.testing.assert_allclose(
        run.weights[:, 0], 10.0 * 0.6 ** np.arange(11), rtol=1e-14
    )


def test_trajectory_fields_are_consistent():
    s = surfaces.elongated_bowl(kappa=10.0)
    run = gradient_descent(s, [2.0, 1.0], lr=0.5, steps=25)
    assert isinstance(run, Trajectory)
    assert run.weights.shape == (26, 2)
    assert run.losses.shape == run.grad_norms.shape == (26,)
    assert run.lrs.shape == (25,)
    np.testing.assert_allclose(run.losses, s(run.weights))
    np.testing.assert_allclose(
        run.grad_norms, np.linalg.norm(s.grad(run.weights), axis=-1)
    )
    assert run.diverged is False and run.stopped_at == 25 and run.steps == 25
    np.testing.assert_array_equal(run.final_weights, run.weights[-1])
    assert run.final_loss == run.losses[-1]


def test_quadratic_error_contracts_at_the_closed_form_rate():
    mu, L, lr = 0.2, 2.0, 0.6
    s = surfaces.quadratic(np.diag([mu, L]))
    run = gradient_descent(s, [1.0, 1.0], lr=lr, steps=40)
    k = np.arange(41)
    np.testing.assert_allclose(run.weights[:, 0], (1 - lr * mu) ** k, rtol=1e-12)
    np.testing.assert_allclose(
        run.weights[:, 1], (1 - lr * L) ** k, rtol=1e-12, atol=1e-300
    )


@pytest.mark.parametrize("factor, converges", [(0.99, True), (1.01, False)])
def test_stability_limit_two_over_L(factor, converges):
    L = 4.0
    s = surfaces.quadratic(np.diag([0.5, L]))
    run = gradient_descent(s, [1.0, 1.0], lr=factor * 2.0 / L, steps=3000)
    if converges:
        assert not run.diverged
        assert np.abs(run.final_weights).max() < 1e-6
    else:
        assert run.diverged
        assert run.stopped_at < 3000


def test_zero_steps_returns_only_the_start():
    run = gradient_descent(surfaces.bowl(), [1.0, 2.0], lr=0.1, steps=0)
    assert run.weights.shape == (1, 2) and run.lrs.shape == (0,)
    np.testing.assert_array_equal(run.weights[0], [1.0, 2.0])


@pytest.mark.parametrize("case", TORCH_SGD, ids=[c["id"] for c in TORCH_SGD])
def test_matches_torch_sgd(case):
    s = surfaces.quadratic(case["A"], case["b"])
    if case["schedule"] is None:
        lr = case["lr"]
    else:
        lr = getattr(schedules, case["schedule"]["name"])(**case["schedule"]["params"])
    run = gradient_descent(
        s,
        case["w0"],
        lr=lr,
        steps=case["steps"],
        momentum=case["momentum"],
        nesterov=case["nesterov"],
    )
    np.testing.assert_allclose(run.lrs, case["lrs"], rtol=1e-12)
    np.testing.assert_allclose(run.weights, case["weights"], rtol=1e-10, atol=1e-12)


def test_torch_fixture_covers_momentum_nesterov_and_schedules():
    ids = {
        (c["momentum"] > 0, c["nesterov"], c["schedule"] is not None) for c in TORCH_SGD
    }
    assert {(False, False, False), (True, False, False), (True, True, False)} <= ids
    assert any(schedule for _, _, schedule in ids)


def test_momentum_by_hand():
    s = surfaces.elongated_bowl(kappa=20.0)
    lr, beta = 0.3, 0.8
    w, v = np.array([3.0, 1.0]), np.zeros(2)
    expected = [w]
    for _ in range(15):
        v = beta * v + s.grad(w)
        w = w - lr * v
        expected.append(w)
    run = gradient_descent(s, [3.0, 1.0], lr=lr, steps=15, momentum=beta)
    np.testing.assert_allclose(run.weights, expected, rtol=1e-14)


def test_nesterov_by_hand():
    s = surfaces.rosenbrock()
    lr, beta = 1e-3, 0.9
    w, v = np.array([-1.0, 2.0]), np.zeros(2)
    expected = [w]
    for _ in range(20):
        g = s.grad(w)
        v = beta * v + g
        w = w - lr * (g + beta * v)
        expected.append(w)
    run = gradient_descent(
        s, [-1.0, 2.0], lr=lr, steps=20, momentum=beta, nesterov=True
    )
    np.testing.assert_allclose(run.weights, expected, rtol=1e-13)


def test_schedule_can_be_given_as_lr_or_schedule():
    s = surfaces.bowl()
    sched = schedules.step_decay(0.2, step_size=5, gamma=0.5)
    a = gradient_descent(s, [1.0, 1.0], lr=sched, steps=12)
    b = gradient_descent(s, [1.0, 1.0], schedule=sched, steps=12)
    np.testing.assert_array_equal(a.weights, b.weights)
    np.testing.assert_allclose(a.lrs, sched(np.arange(12)))
    # x_{k+1} = (1 - 2 lr_k) x_k on the bowl
    np.testing.assert_allclose(
        a.weights[-1, 0], np.prod(1 - 2 * sched(np.arange(12))), rtol=1e-13
    )
    with pytest.raises(ValueError, match="either as lr or as schedule"):
        gradient_descent(s, [1.0, 1.0], lr=0.1, schedule=sched, steps=3)


@pytest.mark.parametrize(
    "momentum, nesterov", [(0.0, False), (0.9, False), (0.7, True)]
)
def test_many_starts_equal_their_single_runs(momentum, nesterov):
    s = surfaces.himmelblau()
    rng = np.random.default_rng(3)
    starts = rng.uniform(-5, 5, size=(64, 2))
    many = gradient_descent(
        s, starts, lr=0.01, steps=60, momentum=momentum, nesterov=nesterov
    )
    assert many.weights.shape == (61, 64, 2)
    assert many.losses.shape == many.grad_norms.shape == (61, 64)
    for i in (0, 17, 63):
        one = gradient_descent(
            s, starts[i], lr=0.01, steps=60, momentum=momentum, nesterov=nesterov
        )
        np.testing.assert_array_equal(many.weights[:, i], one.weights)
        np.testing.assert_array_equal(many.losses[:, i], one.losses)
        assert many.diverged[i] == one.diverged and many.stopped_at[i] == one.stopped_at


def test_many_starts_with_some_diverging():
    s = surfaces.quadratic([[2.0]])
    starts = np.array([[1.0], [1e-3], [0.0]])
    run = gradient_descent(s, starts, lr=1.2, steps=200)
    # |x_k| = 1.4^k |x_0|: bound crossed at the first k with 1.4^k |x_0| > 1e8
    expected = [
        int(np.floor(np.log(DIVERGENCE_BOUND / x) / np.log(1.4))) for x in (1.0, 1e-3)
    ]
    np.testing.assert_array_equal(run.diverged, [True, True, False])
    np.testing.assert_array_equal(run.stopped_at, expected + [200])
    assert np.isnan(run.weights[expected[0] + 1, 0]).all()
    assert np.isfinite(run.final_weights).all()


def test_divergence_is_quiet_and_reported():
    s = surfaces.rosenbrock()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = gradient_descent(s, [-1.5, 2.5], lr=0.05, steps=500)
    assert run.diverged is True
    assert 0 < run.stopped_at < 500
    valid = run.weights[: run.stopped_at + 1]
    assert np.isfinite(valid).all()
    assert np.isnan(run.weights[run.stopped_at + 1 :]).all()


def test_tol_stops_at_the_first_small_gradient():
    s = surfaces.quadratic([[2.0]])
    run = gradient_descent(s, [10.0], lr=0.2, steps=100, tol=1e-3)
    # |grad| = 2 * 10 * 0.6^k < 1e-3  <=>  k > log(5e-5) / log(0.6)
    k = int(np.ceil(np.log(1e-3 / 20.0) / np.log(0.6)))
    assert run.stopped_at == k and not run.diverged
    assert run.grad_norms[k] < 1e-3 <= run.grad_norms[k - 1]
    assert np.isnan(run.weights[k + 1 :]).all()


def test_a_run_prints_as_a_summary_not_its_arrays():
    s = surfaces.quadratic([[2.0]])
    # x_k = 10 * 0.6^k, loss x^2: 100 * 0.36^k after k steps
    run = gradient_descent(s, [10.0], lr=0.2, steps=1000)
    assert (
        repr(run) == f"Trajectory(steps=1000, d=1, final loss {100 * 0.36**1000:.4g})"
    )
    assert "array" not in repr(run) and len(repr(run)) < 80
    tol = gradient_descent(s, [10.0], lr=0.2, steps=100, tol=1e-3)
    assert repr(tol).startswith(
        f"Trajectory(steps=100, d=1, stopped at step {tol.stopped_at}, "
    )
    blown = gradient_descent(s, [1.0], lr=1.2, steps=200)
    assert (
        repr(blown)
        == f"Trajectory(steps=200, d=1, diverged at step {blown.stopped_at})"
    )
    # several starts: the range of the final losses of those that did not diverge
    many = gradient_descent(s, np.array([[1.0], [1e-3], [0.0], [0.5]]), lr=0.2, steps=3)
    assert (
        repr(many)
        == f"Trajectory(steps=3, starts=4, d=1, final loss 0 to {0.36**3:.4g})"
    )
    mixed = gradient_descent(s, np.array([[1.0], [1e-3], [0.0]]), lr=1.2, steps=200)
    assert (
        repr(mixed)
        == "Trajectory(steps=200, starts=3, d=1, final loss 0, 2 of 3 diverged)"
    )
    gone = gradient_descent(s, np.array([[1.0], [2.0]]), lr=1.2, steps=200)
    assert repr(gone) == "Trajectory(steps=200, starts=2, d=1, 2 of 2 diverged)"


def test_noise_is_seeded_and_zero_noise_is_exact():
    s = surfaces.saddle()
    a = gradient_descent(s, [1.0, 0.0], lr=0.1, steps=50, noise=0.01, seed=4)
    b = gradient_descent(s, [1.0, 0.0], lr=0.1, steps=50, noise=0.01, seed=4)
    c = gradient_descent(s, [1.0, 0.0], lr=0.1, steps=50, noise=0.01, seed=5)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert not np.array_equal(a.weights, c.weights)
    # without noise a start on the stable line never leaves it
    exact = gradient_descent(s, [1.0, 0.0], lr=0.1, steps=50)
    assert np.all(exact.weights[:, 1] == 0.0)
    assert np.abs(a.weights[-1, 1]) > 0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"lr": 0.0}, "lr must be a positive finite number"),
        ({"lr": -0.1}, "lr must be a positive finite number"),
        ({"lr": np.nan}, "lr must be a positive finite number"),
        ({"lr": np.inf}, "lr must be a positive finite number"),
        ({"lr": "fast"}, "lr must be a positive finite number"),
        ({"lr": None}, "lr must be a positive finite number"),
        ({"momentum": 1.0}, r"momentum must be a number in \[0, 1\)"),
        ({"momentum": -0.1}, r"momentum must be a number in \[0, 1\)"),
        ({"momentum": "lots"}, r"momentum must be a number in \[0, 1\)"),
        ({"steps": -1}, "steps must be a non-negative integer"),
        ({"steps": 2.5}, "steps must be a non-negative integer"),
        ({"steps": True}, "steps must be a non-negative integer"),
        ({"w0": [1.0, 2.0, 3.0]}, r"w0 must have shape \(2,\) or \(n, 2\)"),
        ({"w0": [[[1.0, 2.0]]]}, r"w0 must have shape"),
        ({"w0": [np.nan, 1.0]}, "w0 must hold finite numbers"),
        ({"w0": [np.inf, 1.0]}, "w0 must hold finite numbers"),
        ({"nesterov": True}, "nesterov=True needs momentum"),
        ({"noise": -1.0}, "noise must be a non-negative finite number"),
        ({"tol": 0.0}, "tol must be a positive finite number"),
    ],
)
def test_bad_input_raises_a_clear_value_error(kwargs, match):
    args = {"w0": [1.0, 2.0], "lr": 0.1, "steps": 10} | kwargs
    with pytest.raises(ValueError, match=match):
        gradient_descent(surfaces.bowl(), **args)


def test_surface_must_be_a_surface():
    with pytest.raises(ValueError, match="surface must be a gdcourse.surfaces.Surface"):
        gradient_descent(lambda w: w @ w, [1.0], lr=0.1, steps=1)


# ---------------------------------------------------------------------------
# any optimizer, gradient clipping
# ---------------------------------------------------------------------------

TORCH_OPTIM = json.loads((FIXTURES / "torch_optimizers.json").read_text())["cases"]


@pytest.mark.parametrize("case", TORCH_OPTIM, ids=[c["id"] for c in TORCH_OPTIM])
def test_optimizer_runs_match_torch_optim(case):
    """Every torch.optim trajectory, driven by the same schedule, within 1e-12."""
    s = getattr(surfaces, case["surface"]["name"])(**case["surface"]["params"])
    opt = getattr(optimizers, case["optimizer"]["name"])(**case["optimizer"]["params"])
    spec = case["schedule"]
    lr = case["lr"] if spec is None else _schedule(spec)
    run = gradient_descent(
        s,
        case["w0"],
        lr=lr,
        steps=case["steps"],
        optimizer=opt,
        clip_norm=case["clip_norm"],
    )
    assert not run.diverged and run.stopped_at == case["steps"]
    np.testing.assert_allclose(run.lrs, case["lrs"], rtol=1e-12)
    np.testing.assert_allclose(run.weights, case["weights"], rtol=1e-12, atol=1e-12)


def _schedule(spec):
    params = dict(spec["params"])
    if spec["name"] == "warmup":
        params["schedule"] = _schedule(params["schedule"])
    return getattr(schedules, spec["name"])(**params)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"momentum": 0.9},
        {"momentum": 0.7, "nesterov": True},
        {"momentum": 0.0},
    ],
)
def test_momentum_is_a_shorthand_for_sgd(kwargs):
    s = surfaces.rosenbrock()
    starts = [[-1.2, 1.0], [0.5, 0.5]]
    short = gradient_descent(s, starts, lr=1e-3, steps=50, **kwargs)
    explicit = gradient_descent(
        s, starts, lr=1e-3, steps=50, optimizer=optimizers.sgd(**kwargs)
    )
    np.testing.assert_array_equal(short.weights, explicit.weights)


@pytest.mark.parametrize(
    "opt",
    [optimizers.adam(amsgrad=True), optimizers.rmsprop(centered=True, momentum=0.5)],
    ids=repr,
)
def test_many_starts_with_an_optimizer_equal_single_runs(opt):
    s = surfaces.rosenbrock()
    starts = np.array([[-1.2, 1.0], [0.5, 0.5], [1.5, -0.5], [40.0, 40.0]])
    many = gradient_descent(
        s, starts, lr=schedules.cosine(0.05, 80), steps=80, optimizer=opt, clip_norm=3.0
    )
    for i, w0 in enumerate(starts):
        one = gradient_descent(
            s, w0, lr=schedules.cosine(0.05, 80), steps=80, optimizer=opt, clip_norm=3.0
        )
        np.testing.assert_array_equal(many.weights[:, i], one.weights)
        assert many.stopped_at[i] == one.stopped_at


def test_clip_norm_bounds_every_plain_step():
    s = surfaces.rosenbrock()
    run = gradient_descent(s, [-1.2, 1.0], lr=1e-3, steps=30, clip_norm=2.0)
    step_norms = np.linalg.norm(np.diff(run.weights, axis=0), axis=-1)
    assert np.all(step_norms <= 1e-3 * 2.0 * (1 + 1e-12))
    # the first gradient is long (about 232), so clipping changes the run
    free = gradient_descent(s, [-1.2, 1.0], lr=1e-3, steps=30)
    assert np.abs(free.weights[1] - run.weights[1]).max() > 0.1


def test_adam_divergence_stays_quiet():
    s = surfaces.quadratic([[-1.0]])  # unbounded below: every run leaves the bound
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = gradient_descent(s, [1.0], lr=1e6, steps=200, optimizer=optimizers.adam())
    assert run.diverged and 0 <= run.stopped_at < 200
    assert np.isnan(run.weights[run.stopped_at + 1 :]).all()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"optimizer": optimizers.adam(), "momentum": 0.9}, "momentum and nesterov"),
        (
            {"optimizer": optimizers.sgd(momentum=0.5), "nesterov": True},
            "momentum and nesterov",
        ),
        ({"optimizer": "adam"}, "optimizer must be None or a gdcourse.optimizers"),
        ({"clip_norm": 0.0}, "clip_norm must be a positive finite number"),
        ({"clip_norm": -1.0}, "clip_norm must be a positive finite number"),
    ],
)
def test_bad_optimizer_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        gradient_descent(surfaces.bowl(), [1.0, 2.0], lr=0.1, steps=3, **kwargs)


def test_within_bound_is_the_one_divergence_rule():
    from gdcourse import batching

    w = np.array([[1.0, -1e8], [np.nan, 0.0], [np.inf, 0.0], [0.0, -1.0000001e8]])
    np.testing.assert_array_equal(within_bound(w), [True, False, False, False])
    assert within_bound(np.array([0.5, 2.0])) == np.True_
    assert batching.DIVERGENCE_BOUND is DIVERGENCE_BOUND


def _same_run(a, b):
    for name in ("weights", "losses", "grad_norms", "lrs"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), name)
    np.testing.assert_array_equal(a.diverged, b.diverged)
    np.testing.assert_array_equal(a.stopped_at, b.stopped_at)
    assert np.ndim(a.stopped_at) == np.ndim(b.stopped_at)
    assert type(a.stopped_at) is type(b.stopped_at)
    assert type(a.diverged) is type(b.diverged)


def test_head_is_the_run_with_fewer_steps():
    # three starts on a steep wall blow up at steps 46, 63 and 48 (stopped
    # at 45, 62, 47): cut before, at and after each
    bowl = surfaces.elongated_bowl(kappa=4.0)
    starts = [[1.0, 1.0], [0.0, 1e-3], [0.5, 0.5]]
    run = gradient_descent(bowl, starts, lr=2.5, steps=80)
    assert run.stopped_at.tolist() == [45, 62, 47]
    for k in (0, 1, 45, 46, 47, 48, 62, 63, 80):
        _same_run(run.head(k), gradient_descent(bowl, starts, lr=2.5, steps=k))
    one = gradient_descent(bowl, starts[0], lr=2.5, steps=80)
    for k in (0, 45, 46, 80):
        _same_run(one.head(k), gradient_descent(bowl, starts[0], lr=2.5, steps=k))
    with pytest.raises(ValueError, match="^steps must be at most the run's 80 steps"):
        run.head(81)
    with pytest.raises(ValueError, match="^steps must"):
        run.head(-1)


def test_first_is_the_run_from_the_first_starts():
    bowl = surfaces.elongated_bowl(kappa=4.0)
    starts = [[1.0, 1.0], [0.0, 1e-3], [0.5, 0.5]]
    run = gradient_descent(bowl, starts, lr=2.5, steps=50)
    for n in (1, 2, 3):
        _same_run(run.first(n), gradient_descent(bowl, starts[:n], lr=2.5, steps=50))
    with pytest.raises(ValueError, match="^n must"):
        run.first(4)
    with pytest.raises(ValueError, match="^n must"):
        run.first(0)
    one = gradient_descent(bowl, starts[0], lr=2.5, steps=5)
    with pytest.raises(ValueError, match="^first needs a run from several starts"):
        one.first(1)


def test_argument_errors_say_what_is_wrong():
    bowl = surfaces.bowl()
    with pytest.raises(ValueError, match="^w0 must hold finite numbers$"):
        gradient_descent(bowl, [np.nan, 1.0], lr=0.1, steps=3)
    with pytest.raises(ValueError, match="^give the rate either as lr or as schedule"):
        gradient_descent(bowl, [1.0, 1.0], lr=0.1, schedule=schedules.constant(0.1))
    with pytest.raises(ValueError, match="^surface must be .*, got list$"):
        gradient_descent([1.0], [1.0, 1.0], lr=0.1, steps=3)


def test_a_run_takes_a_hundred_steps_by_default_and_an_integer_start():
    bowl = surfaces.bowl()
    run = gradient_descent(bowl, [1, 2], lr=0.1)
    assert run.steps == 100 and run.weights.dtype == float
    _same_run(run, gradient_descent(bowl, [1.0, 2.0], lr=0.1, steps=100))


def test_a_step_that_overflows_is_a_divergence_not_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = gradient_descent(surfaces.bowl(), [1.0, 1.0], lr=1e300, steps=5)
        # a step to -inf: the gradient there is inf - inf
        nan = gradient_descent(surfaces.two_valleys(), [2.0, 0.0], lr=1e308, steps=5)
    assert run.diverged and run.stopped_at == 0
    assert nan.diverged and nan.stopped_at == 0


def test_noise_is_added_to_the_gradient_from_the_seeded_generator():
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    s, w = surfaces.quadratic(A), np.array([1.0, -1.0])
    run = gradient_descent(s, w, lr=0.1, steps=4, noise=0.3, seed=7)
    rng = np.random.default_rng(7)
    g = A @ w
    for k in range(4):
        w = w - 0.1 * (g + 0.3 * rng.standard_normal(2))
        g = A @ w
        np.testing.assert_allclose(run.weights[k + 1], w, rtol=1e-12)


def test_each_start_runs_as_if_alone_while_others_stop():
    # one start diverges at step 5, one reaches the tolerance, one runs on
    bowl = surfaces.bowl()  # gradient 2 w
    starts = [[1e6, 0.0], [0.5, 0.0], [3.0, 4.0]]
    kw = {"lr": 0.45, "steps": 12, "tol": 0.05}
    run = gradient_descent(bowl, starts, **kw)
    wild = gradient_descent(bowl, starts, lr=1.6, steps=12)
    for i, start in enumerate(starts):
        alone = gradient_descent(bowl, start, **kw)
        for name in ("weights", "losses", "grad_norms"):
            np.testing.assert_array_equal(
                getattr(run, name)[:, i], getattr(alone, name)
            )
        assert run.stopped_at[i] == alone.stopped_at
        alone = gradient_descent(bowl, start, lr=1.6, steps=12)
        np.testing.assert_array_equal(wild.grad_norms[:, i], alone.grad_norms)
        assert wild.diverged[i] == alone.diverged


def test_tolerance_stops_strictly_below_it():
    bowl = surfaces.bowl()  # gradient 2 w: from (1, 0) with rate 1/4 it halves
    run = gradient_descent(bowl, [1.0, 0.0], lr=0.25, steps=6, tol=1.0)
    assert run.grad_norms[1] == 1.0 and run.stopped_at == 2
    # a start whose gradient is already below the tolerance takes no step
    flat = gradient_descent(bowl, [[0.0, 0.0], [0.5, 0.0]], lr=0.25, steps=6, tol=1.0)
    # (0.5, 0): gradient 1.0 is not below 1.0, one step later it is
    assert flat.stopped_at.tolist() == [0, 1] and not flat.diverged.any()
    assert np.isnan(flat.weights[1:, 0]).all()


def test_a_rate_per_start_is_each_starts_own_run_bit_for_bit():
    s = surfaces.rosenbrock()
    rates = [1e-4, 1e-3, 2e-3, 5e-3]
    starts = np.tile([-1.2, 1.0], (4, 1))
    for kw in (dict(), dict(momentum=0.9), dict(optimizer=optimizers.adam())):
        grid = gradient_descent(s, starts, lr=np.array(rates), steps=300, **kw)
        assert grid.lrs.shape == (300, 4)
        for i, lr in enumerate(rates):
            one = gradient_descent(s, starts[i], lr=lr, steps=300, **kw)
            np.testing.assert_array_equal(grid.weights[:, i], one.weights)
            np.testing.assert_array_equal(grid.lrs[:, i], one.lrs)
            assert grid.diverged[i] == one.diverged
            assert grid.stopped_at[i] == one.stopped_at


def test_a_rate_per_start_needs_one_positive_rate_per_start():
    s = surfaces.bowl()
    with pytest.raises(ValueError, match="one rate per start"):
        gradient_descent(s, [[1.0, 1.0], [2.0, 0.0]], lr=[0.1, 0.2, 0.3], steps=3)
    with pytest.raises(ValueError, match="one rate per start"):
        gradient_descent(s, [1.0, 1.0], lr=[0.1], steps=3)
    with pytest.raises(ValueError, match="positive finite"):
        gradient_descent(s, [[1.0, 1.0], [2.0, 0.0]], lr=[0.1, -0.2], steps=3)
    with pytest.raises(ValueError, match="not both"):
        gradient_descent(
            s, [[1.0, 1.0], [2.0, 0.0]], lr=[0.1, 0.2], schedule=lambda t: 0.1
        )

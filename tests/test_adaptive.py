"""Rotated ravines and Reddi et al.'s online problem."""

import numpy as np
import pytest

from gdcourse import adaptive, optimizers, theory


@pytest.mark.parametrize("angle", [0.0, 30.0, 45.0, -60.0, 90.0])
def test_ravine_is_the_rotated_diagonal_quadratic(angle):
    s = adaptive.ravine(kappa=50.0, angle=angle, L=2.0)
    theta = np.radians(angle)
    R = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    expected = R @ np.diag([2.0 / 50.0, 2.0]) @ R.T
    np.testing.assert_allclose(s.hessian(np.zeros(2)), expected, atol=1e-15)
    assert theory.condition_number(s.hessian(np.zeros(2))) == pytest.approx(50.0)
    w = np.array([[0.3, -1.2], [2.0, 0.5]])
    np.testing.assert_allclose(s(w), 0.5 * np.einsum("ni,ij,nj->n", w, expected, w))
    np.testing.assert_allclose(s.minima, [[0.0, 0.0]], atol=1e-12)


def test_flat_axis_points_along_the_angle():
    s = adaptive.ravine(kappa=100.0, angle=30.0)
    direction = np.array([np.cos(np.radians(30.0)), np.sin(np.radians(30.0))])
    np.testing.assert_allclose(
        s.hessian(np.zeros(2)) @ direction, 0.01 * direction, atol=1e-12
    )


def test_at_45_degrees_the_diagonal_forgets_the_condition_number():
    H = adaptive.ravine(kappa=100.0, angle=45.0).hessian(np.zeros(2))
    np.testing.assert_allclose(np.diag(H), [0.505, 0.505], rtol=1e-12)


def test_along_the_axes_there_are_no_negative_zeros():
    H = adaptive.ravine(kappa=10.0).hessian(np.zeros(2))
    assert not np.any(np.signbit(H))


def test_plain_descent_does_not_care_how_the_ravine_is_turned():
    from gdcourse.descent import gradient_descent

    c = s = np.sqrt(0.5)
    w0 = np.array([-3.0, -1.0])
    turned0 = np.array([c * w0[0] - s * w0[1], s * w0[0] + c * w0[1]])
    flat = gradient_descent(adaptive.ravine(100.0), w0, lr=1.0, steps=50)
    turned = gradient_descent(
        adaptive.ravine(100.0, angle=45.0), turned0, lr=1.0, steps=50
    )
    np.testing.assert_allclose(turned.losses, flat.losses, rtol=1e-9)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kappa": 0.5},
        {"kappa": np.inf},
        {"angle": 200.0},
        {"L": 0.0},
        {"half_width": -1.0},
    ],
)
def test_ravine_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError, match="must be"):
        adaptive.ravine(**kwargs)


def test_reddi_gradients_follow_the_cycle():
    g = adaptive.reddi_gradients(303)
    assert g.shape == (303,)
    assert np.flatnonzero(g == 1010.0).tolist() == [0, 101, 202]
    assert np.all(g[g != 1010.0] == -10.0)
    # one cycle adds up to 10 x: the best point of [-1, 1] is -1
    assert g[:101].sum() == pytest.approx(10.0)


@pytest.mark.parametrize(
    "kwargs",
    [{"steps": -1}, {"steps": 2.0}, {"period": 1}, {"big": np.nan}],
)
def test_reddi_gradients_reject_bad_arguments(kwargs):
    args = {"steps": 10, **kwargs}
    with pytest.raises(ValueError, match="must be"):
        adaptive.reddi_gradients(**args)


def test_online_descent_is_projected_sgd_for_sgd():
    g = np.array([3.0, -1.0, -1.0, 10.0, 0.5])
    xs = adaptive.online_descent(optimizers.sgd(), g, 0.2, lr=0.4)
    expected = [0.2]
    for gt in g:
        expected.append(min(max(expected[-1] - 0.4 * gt, -1.0), 1.0))
    np.testing.assert_allclose(xs, expected)


def test_online_descent_takes_a_schedule_and_many_coordinates():
    g = np.ones((4, 2))
    xs = adaptive.online_descent(
        optimizers.sgd(), g, [0.0, 0.5], lr=lambda t: 0.1 * (t + 1.0)
    )
    assert xs.shape == (5, 2)
    np.testing.assert_allclose(xs[:, 0], [0.0, -0.1, -0.3, -0.6, -1.0])


def test_adam_walks_to_the_worst_point_and_amsgrad_does_not():
    g = adaptive.reddi_gradients(3000)
    rate = lambda t: 1.0 / np.sqrt(t + 1.0)  # noqa: E731
    adam = adaptive.online_descent(optimizers.adam(betas=(0.9, 0.99)), g, 0.0, rate)
    ams = adaptive.online_descent(
        optimizers.adam(betas=(0.9, 0.99), amsgrad=True), g, 0.0, rate
    )
    assert adam[-1] > 0.9
    assert ams[-1] < -0.5


@pytest.mark.parametrize(
    "kwargs",
    [{"grads": [[[1.0]]]}, {"grads": [np.nan]}, {"bounds": (1.0, -1.0)}],
)
def test_online_descent_rejects_bad_arguments(kwargs):
    args = {"grads": [1.0, 2.0], "bounds": (-1.0, 1.0), **kwargs}
    with pytest.raises(ValueError, match="must be"):
        adaptive.online_descent(
            optimizers.sgd(), args["grads"], 0.0, 0.1, bounds=args["bounds"]
        )


def test_rotate_is_the_rotation_matrix_and_undoes_itself():
    w = np.array([[1.0, 2.0], [-3.0, 0.5]])
    theta = np.radians(30.0)
    R = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    np.testing.assert_allclose(adaptive.rotate(w, 30.0), w @ R.T, rtol=1e-14)
    np.testing.assert_allclose(
        adaptive.rotate(adaptive.rotate(w, 30.0), -30.0), w, rtol=1e-14
    )
    with pytest.raises(ValueError, match="shape"):
        adaptive.rotate([1.0, 2.0, 3.0], 10.0)


def test_steps_to_finds_the_first_step_below_the_cut():
    assert adaptive.steps_to([10.0, 5.0, 2.0, 0.5, 0.01], cut=0.1) == 3
    assert adaptive.steps_to([10.0, 0.9, 0.5], cut=0.1) == 1
    assert adaptive.steps_to([10.0, 5.0, np.nan], cut=0.1) is None
    with pytest.raises(ValueError, match="cut must be"):
        adaptive.steps_to([1.0], cut=0.0)


def test_steps_to_with_stay_waits_until_the_loss_stays_below():
    losses = [10.0, 0.5, 3.0, 0.5, 0.2]
    assert adaptive.steps_to(losses, cut=0.1) == 1
    assert adaptive.steps_to(losses, cut=0.1, stay=True) == 3
    # below at the end only at the last step, or not at the end at all
    assert adaptive.steps_to([10.0, 0.5, 3.0, 0.5], cut=0.1, stay=True) == 3
    assert adaptive.steps_to([10.0, 0.5, 3.0], cut=0.1, stay=True) is None
    assert adaptive.steps_to([10.0, 0.5, np.nan], cut=0.1, stay=True) is None
    # a monotone run arrives at the same step by either count
    falling = 10.0 * 0.5 ** np.arange(20)
    assert adaptive.steps_to(falling, stay=True) == adaptive.steps_to(falling)


def test_grid_steps_counts_each_rate_of_the_grid():
    from gdcourse.descent import gradient_descent

    s = adaptive.ravine(kappa=10.0)
    w0, rates = [-3.0, -1.0], [0.1, 0.5, 1.5, 5.0]
    opt = optimizers.adam()
    for stay in (False, True):
        counts = adaptive.grid_steps(s, w0, opt, rates, 200, stay=stay)
        expected = [
            adaptive.steps_to(
                gradient_descent(s, w0, lr=lr, steps=200, optimizer=opt).losses,
                stay=stay,
            )
            for lr in rates
        ]
        assert counts == expected
    # plain gradient descent on x**2 / 2: (1 - lr)**(2k) < 1e-4, never above 2
    one = adaptive.ravine(kappa=1.0)
    counts = adaptive.grid_steps(one, [1.0, 0.0], optimizers.sgd(), [0.5, 2.5], 50)
    assert counts == [int(np.ceil(np.log(1e-4) / (2 * np.log(0.5)))), None]


def test_best_rate_is_the_fastest_run_of_the_grid():
    from gdcourse.descent import gradient_descent

    s = adaptive.ravine(kappa=10.0)
    w0, rates = [-3.0, -1.0], [0.1, 0.5, 1.5]
    opt = optimizers.sgd(momentum=0.5)
    counts = [
        adaptive.steps_to(
            gradient_descent(s, w0, lr=lr, steps=200, optimizer=opt).losses
        )
        for lr in rates
    ]
    k, lr = adaptive.best_rate(s, w0, opt, rates, steps=200)
    assert k == min(c for c in counts if c is not None)
    assert lr == rates[counts.index(k)]
    assert adaptive.best_rate(s, w0, opt, [1e-6], steps=5) == (None, None)


def test_effective_rates_match_the_closed_forms_for_a_constant_gradient():
    ones = lambda w: np.ones_like(w)  # noqa: E731
    t = np.arange(1, 51)
    ada = adaptive.effective_rates(optimizers.adagrad(), ones, [0.0, 0.0], 0.5, 50)
    np.testing.assert_allclose(ada[:, 0], 0.5 / (np.sqrt(t) + 1e-10), rtol=1e-12)
    rms = adaptive.effective_rates(optimizers.rmsprop(alpha=0.9), ones, [0.0], 0.5, 50)
    np.testing.assert_allclose(
        rms[:, 0], 0.5 / (np.sqrt(1 - 0.9**t) + 1e-8), rtol=1e-12
    )


def test_effective_rates_are_seeded_and_refuse_other_optimizers():
    s = adaptive.ravine(kappa=10.0)
    a, b = (
        adaptive.effective_rates(
            optimizers.adagrad(), s.grad, [1.0, 1.0], 0.1, 20, noise=1.0, seed=3
        )
        for _ in range(2)
    )
    np.testing.assert_array_equal(a, b)
    for opt in (optimizers.adam(), optimizers.rmsprop(momentum=0.5)):
        with pytest.raises(ValueError, match="optimizer must be"):
            adaptive.effective_rates(opt, s.grad, [1.0, 1.0], 0.1, 5)


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.8, 0.99), (0.0, 0.9)])
def test_bias_factors_are_the_closed_form(betas):
    taken, raw = adaptive.bias_factors(betas, steps=200)
    t = np.arange(1, 201)
    b1, b2 = betas
    np.testing.assert_allclose(raw, (1 - b1**t) / np.sqrt(1 - b2**t), rtol=1e-10)
    np.testing.assert_allclose(taken, 1.0, rtol=1e-6)


def test_uncorrected_adam_schedule_gives_adam_without_bias_correction():
    rng = np.random.default_rng(0)
    grads = rng.standard_normal((40, 3))
    b1, b2, lr = 0.9, 0.99, 0.05
    opt, sched = (
        optimizers.adam(betas=(b1, b2), eps=1e-12),
        adaptive.uncorrected_adam(lr, (b1, b2)),
    )
    w, state = np.zeros(3), opt.init(np.zeros(3))
    ref, m, v = np.zeros(3), np.zeros(3), np.zeros(3)
    for t, g in enumerate(grads):
        w, state = opt.update(g, state, w, sched(t))
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        ref = ref - lr * m / np.sqrt(v)
    np.testing.assert_allclose(w, ref, rtol=1e-8)
    np.testing.assert_allclose(
        sched(np.arange(3)), [sched(0), sched(1), sched(2)], rtol=0
    )
    with pytest.raises(ValueError, match="betas"):
        adaptive.uncorrected_adam(0.1, (0.9,))


def test_adam_scales_follow_the_optimizer_and_the_closed_form():
    from gdcourse.descent import gradient_descent

    s = adaptive.ravine(kappa=10.0, angle=30.0)
    w0 = [1.0, -2.0]
    weights, scales = adaptive.adam_scales(s, w0, 0.05, 40, betas=(0.8, 0.99))
    run = gradient_descent(
        s, w0, lr=0.05, steps=40, optimizer=optimizers.adam(betas=(0.8, 0.99))
    )
    np.testing.assert_allclose(weights, run.weights, rtol=1e-13)
    # the bias-corrected average of squared gradients, written out
    g = s.grad(weights[:-1])
    t = np.arange(1, 41)
    v = np.cumsum(0.01 * 0.99 ** (40 - t)[:, None] * g**2, axis=0)
    v = v / 0.99 ** (40 - t)[:, None] / (1 - 0.99**t)[:, None]
    np.testing.assert_allclose(scales, np.sqrt(v) + 1e-8, rtol=1e-10)
    # a constant gradient: the scale is its size, at every step
    slope = type("Slope", (), {"grad": staticmethod(lambda w: np.full(1, -3.0))})
    _, const = adaptive.adam_scales(slope, [0.0], 0.1, 5)
    np.testing.assert_allclose(const[:, 0], 3.0 + 1e-8, rtol=1e-14)


def test_preconditioned_sharpness_is_the_top_eigenvalue_of_d_inverse_h():
    rng = np.random.default_rng(4)
    M = rng.standard_normal((3, 3))
    H = M @ M.T + 0.1 * np.eye(3)
    d = rng.uniform(0.1, 2.0, size=(5, 3))
    got = adaptive.preconditioned_sharpness(H, d)
    assert got.shape == (5,)
    for row, top in zip(d, got):
        eig = np.linalg.eigvals(np.diag(1 / row) @ H)
        assert top == pytest.approx(eig.real.max(), rel=1e-10)
    # diagonal H: the largest ratio of curvature to scale
    top = adaptive.preconditioned_sharpness(np.diag([1.0, 0.01]), [0.01, 1e-5])
    assert top == pytest.approx(1000.0, rel=1e-12)
    with pytest.raises(ValueError, match="scales must be"):
        adaptive.preconditioned_sharpness(H, [1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="scales must be"):
        adaptive.preconditioned_sharpness(H, [1.0, 1.0])


@pytest.mark.parametrize("beta1", [0.0, 0.5, 0.9, 0.99])
def test_frozen_adam_limit_is_where_frozen_adam_turns_unstable(beta1):
    limit = adaptive.frozen_adam_limit(beta1)
    # (m, w) -> (m', w') of Adam with a fixed preconditioner, eta = 1
    for h, stable in ((limit * 0.999, True), (limit * 1.001, False)):
        step = np.array([[beta1, (1 - beta1) * h], [-beta1, 1 - (1 - beta1) * h]])
        radius = np.abs(np.linalg.eigvals(step)).max()
        assert (radius < 1) == stable
    assert adaptive.frozen_adam_limit(0.9) == pytest.approx(38.0)
    with pytest.raises(ValueError, match="beta1"):
        adaptive.frozen_adam_limit(1.0)


def test_adam_on_a_quadratic_settles_at_the_edge_of_stability():
    for L in (1.0, 1000.0):
        s = adaptive.ravine(kappa=100.0, L=L)
        _, scales = adaptive.adam_scales(s, [-3.0, -1.0], 0.1, 3000, (0.9, 0.99))
        sharp = 0.1 * adaptive.preconditioned_sharpness(s.hessian(np.zeros(2)), scales)
        late = np.median(sharp[1000:])
        assert 0.9 * adaptive.frozen_adam_limit(0.9) < late < 38.0
        assert sharp[0] < 5.0  # it starts far below the edge


def test_adam_step_bound_holds_and_is_reached_by_growing_gradients():
    b1, b2 = 0.9, 0.999
    rho = b1**2 / b2
    assert adaptive.adam_step_bound() == pytest.approx(
        0.1 / np.sqrt(0.001 * (1 - rho)), rel=1e-12
    )
    assert adaptive.adam_step_bound(t=1) == pytest.approx(1.0, rel=1e-12)
    # gradients growing by beta2 / beta1 every step reach the bound at step t
    for t in (1, 5, 50, 2000):
        g = (b1 / b2) ** np.arange(t - 1, -1, -1.0)
        steps, _ = adaptive.adam_unit_steps(g, (b1, b2), eps=1e-12)
        bound = adaptive.adam_step_bound((b1, b2), t=t)
        assert abs(steps[-1]) == pytest.approx(bound, rel=1e-6)
        assert bound <= adaptive.adam_step_bound((b1, b2))
    # random streams (heavy tails, spikes, sign flips) never exceed it
    rng = np.random.default_rng(3)
    for betas in ((0.9, 0.999), (0.5, 0.99), (0.0, 0.9)):
        g = rng.standard_cauchy(3000) * rng.choice([1e-3, 1.0, 1e3], 3000)
        steps, _ = adaptive.adam_unit_steps(g, betas, eps=1e-12)
        t = np.arange(1, 3001)
        bounds = [adaptive.adam_step_bound(betas, t=int(k)) for k in t]
        assert np.all(np.abs(steps) <= np.array(bounds) * (1 + 1e-9))
        assert np.abs(steps).max() <= adaptive.adam_step_bound(betas)
    # a lone spike after a long quiet spell: (1 - beta1) / sqrt(1 - beta2)
    g = np.full(20000, 1e-9)
    g[-1] = 1.0
    steps, _ = adaptive.adam_unit_steps(g, (b1, b2), eps=1e-12)
    assert abs(steps[-1]) == pytest.approx(0.1 / np.sqrt(0.001), rel=1e-3)
    with pytest.raises(ValueError, match="betas"):
        adaptive.adam_step_bound((0.99, 0.9))
    with pytest.raises(ValueError, match="t must"):
        adaptive.adam_step_bound(t=0)


def test_adam_unit_steps_match_the_projected_run_and_the_steady_cycle():
    g = adaptive.reddi_gradients(101 * 60)
    steps, scales = adaptive.adam_unit_steps(g, betas=(0.9, 0.99))
    xs = adaptive.online_descent(
        optimizers.adam(betas=(0.9, 0.99)), g, 0.0, 1.0, bounds=(-1e9, 1e9)
    )
    np.testing.assert_allclose(steps, np.diff(xs), rtol=1e-9, atol=1e-12)
    # the average just before a large gradient, in closed form
    b, p = 0.99, 101
    v_min = (100.0 * (1 - b ** (p - 1)) + b ** (p - 1) * (1 - b) * 1010.0**2) / (
        1 - b**p
    )
    assert scales[-1] ** 2 == pytest.approx(v_min, rel=1e-9)
    assert scales[-101:].min() == scales[-1]
    # AMSGrad divides the whole cycle by one scale: it moves by -10 / scale
    ams, top = adaptive.adam_unit_steps(g, betas=(0.9, 0.99), amsgrad=True)
    np.testing.assert_allclose(top[-101:], top[-1], rtol=1e-12)
    assert ams[-101:].sum() == pytest.approx(-10.0 / top[-1], rel=1e-6)
    # Adam's cycle adds up to a move towards +1
    assert steps[-101:].sum() > 1.0
    with pytest.raises(ValueError, match="grads must be"):
        adaptive.adam_unit_steps([[1.0]])


def test_norm_log_records_what_the_optimizer_is_handed():
    from gdcourse import data, models, training

    log = adaptive.NormLog()
    opt = log.wrap(optimizers.adam())
    g, w = np.array([[3.0, 4.0]]), np.zeros((1, 2))
    new, _ = opt.update(g[0], opt.init(w[0]), w[0], 0.1)
    ref, _ = optimizers.adam().update(g[0], optimizers.adam().init(w[0]), w[0], 0.1)
    np.testing.assert_array_equal(new, ref)
    assert log.norms == [5.0]
    moons = data.standardize(data.two_moons(n=200, noise=0.2, seed=0))
    net = models.MLP([2, 4, 1], activation="tanh", task="binary")
    log = adaptive.NormLog()
    training.train(
        net,
        moons,
        lr=0.01,
        batch_size=20,
        epochs=2,
        seed=0,
        optimizer=log.wrap(optimizers.adam()),
        clip_norm=0.05,
    )
    norms = np.array(log.norms)
    assert norms.size == 2 * -(-moons.n_train // 20)
    stacked = adaptive.NormLog()
    training.train(
        net,
        moons,
        lr=0.01,
        batch_size=20,
        epochs=2,
        seed=[3, 0],
        optimizer=stacked.wrap(optimizers.adam()),
        clip_norm=0.05,
    )
    np.testing.assert_array_equal(np.array(stacked.norms)[:, 1], norms)  # seed 0's row
    assert np.all(norms <= 0.05) and np.any(norms > 0.0499)

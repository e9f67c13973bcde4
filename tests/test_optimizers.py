"""Optimizers: PyTorch's trajectories, closed forms, many starts, clipping, bad input.

The reference trajectories in ``fixtures/torch_optimizers.json`` were written by
``fixtures/make_torch_reference.py`` with ``torch.optim``; every weight of every
step must agree within 1e-12, absolute and relative (``assert_allclose`` with
``rtol=1e-12, atol=1e-12``).

The optimizers are found in ``gdcourse.optimizers.__all__``: every function
there that, called with its defaults, makes an :class:`Optimizer` named after
itself.  Each is checked against ``torch.optim`` or, for a rule PyTorch does
not ship, against its paper's closed form or a worked example (see
:data:`WITHOUT_TORCH`).
"""

import json
import pathlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gdcourse import optimizers, surfaces

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
TORCH_CASES = json.loads((FIXTURES / "torch_optimizers.json").read_text())["cases"]


def _factories():
    """Names of the optimizer factories of ``optimizers.__all__``.

    A factory, called with its defaults (PyTorch's), makes an Optimizer named
    after itself; ``resolve`` (which makes an ``sgd``), ``clip_by_norm`` and
    the classes do not.
    """
    names = []
    for name in optimizers.__all__:
        obj = getattr(optimizers, name)
        if isinstance(obj, type) or not callable(obj):
            continue
        try:
            made = obj()
        except TypeError:  # needs arguments: not a factory
            continue
        if isinstance(made, optimizers.Optimizer) and made.name == name:
            names.append(name)
    return names


FACTORIES = _factories()
TORCH_TESTED = sorted({c["optimizer"]["name"] for c in TORCH_CASES})

#: Rules ``torch.optim`` does not ship, each tested against its paper's closed
#: form or a worked example instead: factory name -> the test of this module
#: that does it.  Every other factory needs cases in the PyTorch fixture.
WITHOUT_TORCH = {"lion": "test_lion_worked_example_follows_the_paper"}

#: Options the PyTorch cases leave at their default, with the test that covers
#: them: AdamW's betas go through the very code of Adam's (``_adam``), which
#: the Adam cases cover and this test compares with AdamW's at other betas.
COVERED_ELSEWHERE = {
    ("adamw", "betas"): "test_adam_and_adamw_differ_only_by_where_the_decay_goes",
}

#: PyTorch's defaults of every factory tested against it.
TORCH_DEFAULTS = {
    "sgd": {"momentum": 0.0, "nesterov": False, "weight_decay": 0.0},
    "adagrad": {"eps": 1e-10, "initial_accumulator_value": 0.0},
    "rmsprop": {"alpha": 0.99, "eps": 1e-8, "momentum": 0.0, "centered": False},
    "adam": {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False},
    "adamw": {
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 1e-2,
        "amsgrad": False,
    },
}


def _surface(spec):
    return getattr(surfaces, spec["name"])(**spec["params"])


def _optimizer(spec):
    return getattr(optimizers, spec["name"])(**spec["params"])


def _run(opt, grad_fn, w0, lrs, clip_norm=None):
    """Weights at the start and after every step, shape ``(len(lrs) + 1, ...)``."""
    w = np.asarray(w0, dtype=float)
    state = opt.init(w)
    weights = [w]
    for lr in lrs:
        g = grad_fn(w)
        if clip_norm is not None:
            g = optimizers.clip_by_norm(g, clip_norm)
        w, state = opt.update(g, state, w, lr)
        weights.append(w)
    return np.array(weights)


@pytest.mark.parametrize("case", TORCH_CASES, ids=[c["id"] for c in TORCH_CASES])
def test_matches_torch_optim(case):
    s = _surface(case["surface"])
    opt = _optimizer(case["optimizer"])
    weights = _run(opt, s.grad, case["w0"], case["lrs"], case["clip_norm"])
    expected = np.array(case["weights"])
    np.testing.assert_allclose(weights, expected, rtol=1e-12, atol=1e-12)
    # the run goes somewhere: a test that compares a standing start proves little
    assert np.abs(expected[-1] - expected[0]).max() > 1e-2


def test_the_factories_are_found_in_all():
    assert set(FACTORIES) >= {"sgd", "adagrad", "rmsprop", "adam", "adamw"}
    assert "resolve" not in FACTORIES and "clip_by_norm" not in FACTORIES


def test_every_optimizer_is_tested_against_torch_or_its_paper():
    assert set(TORCH_TESTED) <= set(FACTORIES)
    for name in FACTORIES:
        assert (name in TORCH_TESTED) != (name in WITHOUT_TORCH), (
            f"{name}: give it PyTorch cases (fixtures/make_torch_reference.py) or, "
            "if torch.optim does not ship it, a closed-form test named in WITHOUT_TORCH"
        )
    for name, test in WITHOUT_TORCH.items():
        assert callable(globals().get(test)), (name, test)


def test_torch_cases_set_every_option():
    """Each hyperparameter of each factory takes a non-default value in some case."""
    for name in TORCH_TESTED:
        factory = getattr(optimizers, name)
        defaults = factory().hyperparameters
        configured = [
            factory(**c["optimizer"]["params"]).hyperparameters
            for c in TORCH_CASES
            if c["optimizer"]["name"] == name
        ]
        for option, default in defaults.items():
            if (name, option) in COVERED_ELSEWHERE:
                assert all(h[option] == default for h in configured), (name, option)
                assert callable(globals()[COVERED_ELSEWHERE[name, option]])
                continue
            assert any(h[option] != default for h in configured), (name, option)
    assert {c["surface"]["name"] for c in TORCH_CASES} == {"quadratic", "rosenbrock"}
    assert any(c["schedule"] is not None for c in TORCH_CASES)
    assert any(c["clip_norm"] is not None for c in TORCH_CASES)


@pytest.mark.parametrize(
    "case",
    [c for c in TORCH_CASES if c["clip_norm"] is not None],
    ids=lambda c: c["id"],
)
def test_clipped_torch_cases_do_clip(case):
    """Without clipping the trajectory differs, so the clipped cases test the clipping."""
    s = _surface(case["surface"])
    unclipped = _run(_optimizer(case["optimizer"]), s.grad, case["w0"], case["lrs"])
    assert np.abs(unclipped - np.array(case["weights"])).max() > 1e-6


def test_sgd_momentum_on_a_constant_gradient_is_a_geometric_sum():
    mu, lr, g = 0.9, 0.1, np.array([1.0, -2.0])
    weights = _run(optimizers.sgd(momentum=mu), lambda w: g, np.zeros(2), [lr] * 20)
    # v_t = (1 - mu^t) / (1 - mu) g and w_t = -lr * sum_{k<=t} v_k
    t = np.arange(1, 21)
    v = (1 - mu**t)[:, None] / (1 - mu) * g
    np.testing.assert_allclose(weights[1:], -lr * np.cumsum(v, axis=0), rtol=1e-12)


def test_sgd_weight_decay_is_l2():
    """Weight decay lambda on f equals plain SGD on f + lambda/2 |w|^2."""
    A, lam = np.array([[3.0, 0.5], [0.5, 1.0]]), 0.3
    decayed = _run(
        optimizers.sgd(weight_decay=lam), lambda w: A @ w, [1.0, -1.0], [0.1] * 30
    )
    l2 = _run(
        optimizers.sgd(), lambda w: (A + lam * np.eye(2)) @ w, [1.0, -1.0], [0.1] * 30
    )
    np.testing.assert_allclose(decayed, l2, rtol=1e-13)


def test_adagrad_first_step_and_sum():
    g, lr, eps = np.array([3.0, -0.25]), 0.5, 1e-10
    opt = optimizers.adagrad(eps=eps, initial_accumulator_value=1.0)
    w, state = opt.update(g, opt.init(np.zeros(2)), np.zeros(2), lr)
    np.testing.assert_allclose(state.sum_sq, 1.0 + g**2)
    np.testing.assert_allclose(w, -lr * g / (np.sqrt(1.0 + g**2) + eps), rtol=1e-15)


def test_rmsprop_on_a_constant_gradient():
    alpha, lr, g = 0.9, 0.01, np.array([2.0])
    weights = _run(
        optimizers.rmsprop(alpha=alpha, eps=1e-8), lambda w: g, [0.0], [lr] * 5
    )
    t = np.arange(1, 6)
    r = (1 - alpha**t) * g**2  # r_t = (1 - alpha^t) g^2
    steps = lr * g / (np.sqrt(r) + 1e-8)
    np.testing.assert_allclose(weights[1:, 0], -np.cumsum(steps), rtol=1e-13)


def test_adam_bias_correction_makes_a_constant_gradient_step_lr():
    """With a constant gradient the corrected moments are g and g^2: each step is lr."""
    g = np.array([1e-3, -1e3])
    weights = _run(optimizers.adam(eps=1e-12), lambda w: g, np.zeros(2), [0.1] * 10)
    np.testing.assert_allclose(
        np.diff(weights, axis=0), -0.1 * np.sign(g) * np.ones((10, 2)), rtol=1e-8
    )


def test_amsgrad_denominator_never_shrinks():
    grads = iter([np.array([10.0]), np.array([0.1])] + [np.array([0.1])] * 8)
    opt = optimizers.adam(amsgrad=True)
    w, state = np.zeros(1), opt.init(np.zeros(1))
    previous = state.max_exp_avg_sq.copy()
    for g in grads:
        w, state = opt.update(g, state, w, 0.01)
        assert np.all(state.max_exp_avg_sq >= previous)
        assert np.all(state.max_exp_avg_sq >= state.exp_avg_sq)
        previous = state.max_exp_avg_sq.copy()
    assert state.max_exp_avg_sq[0] > state.exp_avg_sq[0]


def test_adamw_decays_weights_outside_the_adaptive_step():
    lr, lam = 0.1, 0.5
    weights = _run(
        optimizers.adamw(weight_decay=lam),
        lambda w: np.zeros_like(w),
        [2.0, -1.0],
        [lr] * 7,
    )
    factors = (1 - lr * lam) ** np.arange(8)
    np.testing.assert_allclose(weights, factors[:, None] * [2.0, -1.0], rtol=1e-15)


def test_adam_and_adamw_differ_only_by_where_the_decay_goes():
    A = np.array([[3.0, 0.5], [0.5, 1.0]])
    for betas in [(0.9, 0.999), (0.5, 0.9)]:
        same = [
            _run(opt, lambda w: A @ w, [1.0, 1.0], [0.05] * 20)
            for opt in (
                optimizers.adam(betas=betas),
                optimizers.adamw(betas=betas, weight_decay=0.0),
            )
        ]
        np.testing.assert_array_equal(*same)
    decayed = [
        _run(opt, lambda w: A @ w, [1.0, 1.0], [0.05] * 20)
        for opt in (
            optimizers.adam(weight_decay=0.1),
            optimizers.adamw(weight_decay=0.1),
        )
    ]
    assert np.abs(decayed[0] - decayed[1]).max() > 1e-4


def test_lion_on_a_constant_gradient_steps_by_the_rate():
    """A constant g: m_t = (1 - beta2^t) g, and every step is -lr sign(g)."""
    g, lr, beta2 = np.array([1e-3, -1e3, 0.0]), 0.1, 0.99
    opt = optimizers.lion(betas=(0.9, beta2))
    w, state = np.array([0.5, 0.5, 0.5]), opt.init(np.zeros(3))
    for t in range(1, 11):
        w, state = opt.update(g, state, w, lr)
        np.testing.assert_allclose(state.exp_avg, (1 - beta2**t) * g, rtol=1e-14)
    np.testing.assert_allclose(w, 0.5 - 10 * lr * np.sign(g), rtol=1e-14)


def test_lion_decoupled_decay_on_a_constant_gradient():
    """w_t = a w_{t-1} - lr sign(g), a = 1 - lr lambda: a geometric sum."""
    lr, lam, g = 0.1, 0.5, np.array([2.0])
    weights = _run(optimizers.lion(weight_decay=lam), lambda w: g, [3.0], [lr] * 8)
    a, t = 1 - lr * lam, np.arange(9)
    expected = a**t * 3.0 - lr * (1 - a**t) / (1 - a)
    np.testing.assert_allclose(weights[:, 0], expected, rtol=1e-13)


def test_lion_worked_example_follows_the_paper():
    """Chen et al. (2023): c = b1 m + (1 - b1) g; w -= lr (sign c + lam w); m = b2 m + (1 - b2) g.

    Ten gradients of +1 build the momentum m_10 = 1 - 0.99^10 = 0.0956179...;
    then a gradient of -0.1 gives c_11 = 0.9 m_10 - 0.01 = 0.0760561... > 0,
    so the 11th step still goes the old way (w falls by lr), while m_11 =
    0.99 m_10 - 0.001 = 0.0936617... The paper's form of the decay,
    w - lr (sign c + lam w), is the reference code's (1 - lr lam) w - lr sign c.
    """
    lr, lam = 0.01, 0.2
    grads = [np.array([1.0])] * 10 + [np.array([-0.1])]
    opt = optimizers.lion(weight_decay=lam)
    w, state = np.array([1.0]), opt.init(np.zeros(1))
    ref_w, ref_m = 1.0, 0.0
    for g in grads:
        w, state = opt.update(g, state, w, lr)
        c = 0.9 * ref_m + 0.1 * g[0]
        ref_w = ref_w - lr * (np.sign(c) + lam * ref_w)
        ref_m = 0.99 * ref_m + 0.01 * g[0]
    np.testing.assert_allclose(w, [ref_w], rtol=1e-14)
    np.testing.assert_allclose(state.exp_avg, [0.0936617], atol=1e-7)
    # by hand: with a = 1 - lr lam = 0.998, eleven steps of -lr from w = 1
    a = 0.998
    np.testing.assert_allclose(w, [a**11 - lr * (1 - a**11) / (1 - a)], rtol=1e-13)
    # without momentum (beta1 = 0) the 11th step follows the gradient instead
    plain = optimizers.lion(betas=(0.0, 0.99))
    w0, st = np.array([1.0]), plain.init(np.zeros(1))
    for g in grads[:10]:
        w0, st = plain.update(g, st, w0, lr)
    w1, _ = plain.update(grads[10], st, w0, lr)
    np.testing.assert_allclose(w1 - w0, [lr], rtol=1e-12)


@pytest.mark.parametrize("name", FACTORIES)
def test_update_is_pure(name):
    opt = getattr(optimizers, name)()
    w = np.array([[1.0, -2.0], [0.5, 0.25]])
    state = opt.init(w)
    for _ in range(2):
        w, state = opt.update(2 * w, state, w, 0.1)
    w_copy = w.copy()
    state_copy = [np.array(s, copy=True) for s in state]
    opt.update(2 * w, state, w, 0.1)
    np.testing.assert_array_equal(w, w_copy)
    for before, after in zip(state_copy, state):
        np.testing.assert_array_equal(before, after)


def _configurations():
    """Every factory at its defaults, and every configuration of the PyTorch cases."""
    made = [getattr(optimizers, name)() for name in FACTORIES]
    made += [_optimizer(c["optimizer"]) for c in TORCH_CASES]
    return list({repr(opt): opt for opt in made}.values())


ALL_OPTIMIZERS = _configurations()


@pytest.mark.parametrize("opt", ALL_OPTIMIZERS, ids=repr)
# 40 examples for each of the 17 or so configurations
@settings(max_examples=40)
@given(
    starts=arrays(
        float,
        (3, 2),
        elements=st.floats(-2.0, 2.0, allow_nan=False, allow_subnormal=False),
    ),
    lr=st.floats(1e-4, 1e-2),
)
def test_many_starts_equal_single_runs_bit_for_bit(opt, starts, lr):
    s = surfaces.rosenbrock()
    lrs = [lr, lr / 2, lr] * 4
    many = _run(opt, s.grad, starts, lrs, clip_norm=10.0)
    for i, w0 in enumerate(starts):
        single = _run(opt, s.grad, w0, lrs, clip_norm=10.0)
        np.testing.assert_array_equal(many[:, i], single)


@given(
    g=arrays(float, (4, 3), elements=st.floats(-1e6, 1e6, allow_nan=False)),
    max_norm=st.floats(1e-3, 1e3),
)
def test_clip_never_increases_the_norm_and_keeps_the_direction(g, max_norm):
    clipped = optimizers.clip_by_norm(g, max_norm)
    before = np.linalg.norm(g, axis=-1)
    after = np.linalg.norm(clipped, axis=-1)
    assert np.all(after <= before * (1 + 1e-15))
    assert np.all(after <= max_norm * (1 + 1e-12))
    scale = np.minimum(max_norm / (before + 1e-6), 1.0)
    np.testing.assert_allclose(clipped, g * scale[:, None], rtol=1e-15)
    short = before + 1e-6 <= max_norm  # scale exactly 1
    np.testing.assert_array_equal(clipped[short], g[short])


def test_clip_rows_equal_single_clips_and_input_untouched():
    g = np.array([[30.0, 40.0], [0.3, 0.4], [0.0, 0.0]])
    copy = g.copy()
    clipped = optimizers.clip_by_norm(g, 1.0)
    np.testing.assert_array_equal(g, copy)
    for row, out in zip(g, clipped):
        np.testing.assert_array_equal(optimizers.clip_by_norm(row, 1.0), out)
    np.testing.assert_allclose(clipped[0], [0.6, 0.8], rtol=1e-6)


def test_repr_shows_the_hyperparameters():
    assert repr(optimizers.adamw()) == (
        "adamw(betas=(0.9, 0.999), eps=1e-08, weight_decay=0.01, amsgrad=False)"
    )


@pytest.mark.parametrize(
    "factory, kwargs, match",
    [
        (
            optimizers.sgd,
            {"momentum": 1.0},
            r"momentum must be a number in \[0, 1\)",
        ),
        (optimizers.sgd, {"momentum": -0.1}, "momentum must be"),
        (optimizers.sgd, {"nesterov": True}, "nesterov=True needs momentum"),
        (optimizers.sgd, {"weight_decay": -1.0}, "weight_decay must be a non-negative"),
        (optimizers.sgd, {"nesterov": "yes"}, "nesterov must be one of"),
        (optimizers.adagrad, {"eps": 0.0}, "eps must be a positive"),
        (
            optimizers.adagrad,
            {"initial_accumulator_value": -1},
            "initial_accumulator_value",
        ),
        (optimizers.rmsprop, {"alpha": 1.0}, "alpha must be a number in"),
        (optimizers.rmsprop, {"alpha": -0.5}, "alpha must be"),
        (optimizers.rmsprop, {"eps": -1e-8}, "eps must be a positive"),
        (optimizers.rmsprop, {"momentum": 1.5}, "momentum must be"),
        (optimizers.rmsprop, {"centered": 2}, "centered must be one of"),
        (optimizers.adam, {"betas": (1.0, 0.999)}, r"betas\[0\] must be a number in"),
        (optimizers.adam, {"betas": (0.9, -0.1)}, r"betas\[1\] must be"),
        (optimizers.adam, {"betas": 0.9}, "betas must be a pair"),
        (optimizers.adam, {"eps": float("nan")}, "eps must be a positive"),
        (optimizers.adam, {"weight_decay": -0.1}, "weight_decay must be"),
        (optimizers.adam, {"amsgrad": None}, "amsgrad must be one of"),
        (optimizers.adamw, {"weight_decay": float("inf")}, "weight_decay must be"),
        (optimizers.adamw, {"betas": (0.9, 1.0)}, r"betas\[1\] must be"),
        (optimizers.lion, {"betas": (1.0, 0.99)}, r"betas\[0\] must be a number in"),
        (optimizers.lion, {"weight_decay": -1.0}, "weight_decay must be"),
    ],
)
def test_bad_hyperparameters_raise(factory, kwargs, match):
    with pytest.raises(ValueError, match=match):
        factory(**kwargs)


@pytest.mark.parametrize("max_norm", [0.0, -1.0, float("nan"), None])
def test_bad_max_norm_raises(max_norm):
    with pytest.raises(ValueError, match="max_norm must be a positive"):
        optimizers.clip_by_norm([1.0, 2.0], max_norm)


def test_torch_defaults():
    assert set(TORCH_DEFAULTS) == set(TORCH_TESTED)
    for name, defaults in TORCH_DEFAULTS.items():
        assert getattr(optimizers, name)().hyperparameters == defaults, name


def test_each_factory_names_its_rule_and_records_its_switches():
    for name in TORCH_DEFAULTS:
        assert getattr(optimizers, name)().name == name
    assert optimizers.rmsprop(centered=True).hyperparameters["centered"] is True
    assert optimizers.adam(amsgrad=True).hyperparameters["amsgrad"] is True
    with pytest.raises(ValueError, match="^initial_accumulator_value must"):
        optimizers.adagrad(initial_accumulator_value=-1.0)


def test_a_fresh_state_holds_one_entry_per_weight():
    w = np.zeros((2, 3))
    for name in TORCH_DEFAULTS:
        state = getattr(optimizers, name)().init(w)
        arrays = [a for a in state if isinstance(a, np.ndarray)]
        assert arrays and all(a.shape == w.shape for a in arrays), name


def test_centered_rmsprop_without_momentum_over_several_steps():
    # the recursion of the docstring, written out: r and m average g^2 and g
    alpha, eps, lr = 0.9, 1e-8, 0.01
    opt = optimizers.rmsprop(alpha=alpha, eps=eps, centered=True)
    grads = np.array([[1.0, -2.0], [0.5, 1.0], [-1.0, 0.25], [2.0, 2.0]])
    w, state = np.array([0.3, -0.7]), opt.init(np.zeros(2))
    ref_w, r, m = w.copy(), np.zeros(2), np.zeros(2)
    for g in grads:
        w, state = opt.update(g, state, w, lr)
        r = alpha * r + (1 - alpha) * g * g
        m = alpha * m + (1 - alpha) * g
        ref_w = ref_w - lr * g / (np.sqrt(r - m * m) + eps)
    np.testing.assert_allclose(w, ref_w, rtol=1e-12)


def test_resolve_defaults_to_plain_sgd_and_says_what_it_refuses():
    plain = optimizers.resolve()
    assert plain.name == "sgd"
    assert plain.hyperparameters == TORCH_DEFAULTS["sgd"]
    with pytest.raises(ValueError, match="^optimizer must be None or a gdcourse"):
        optimizers.resolve("adam")
    with pytest.raises(ValueError, match="^momentum and nesterov must keep"):
        optimizers.resolve(optimizers.adam(), momentum=0.9)

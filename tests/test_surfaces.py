"""Surfaces: values, gradients and Hessians against closed forms and finite differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gdcourse import surfaces

# Factories, not surfaces: each test builds its own, so a test exercises the
# code as it is when the test runs (a mutation tester changes it per test).
ALL = {
    "bowl": surfaces.bowl,
    "elongated": lambda: surfaces.elongated_bowl(kappa=25.0, L=2.0),
    "two valleys": surfaces.two_valleys,
    "two valleys 1d": surfaces.two_valleys_1d,
    "saddle": lambda: surfaces.saddle(a=1.5, b=0.5),
    "degenerate saddle": surfaces.degenerate_saddle,
    "monkey saddle": surfaces.monkey_saddle,
    "rosenbrock": surfaces.rosenbrock,
    "himmelblau": surfaces.himmelblau,
    "quadratic 3d": lambda: surfaces.quadratic(
        [[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]], b=[1.0, -1.0, 2.0]
    ),
}


def sample_points(surface, n=25, seed=0):
    rng = np.random.default_rng(seed)
    lo = np.array([b[0] for b in surface.box])
    hi = np.array([b[1] for b in surface.box])
    return lo + (hi - lo) * rng.random((n, surface.dim))


def fd_gradient(f, w, h=1e-6):
    eye = np.eye(w.shape[-1])
    return np.stack([(f(w + h * e) - f(w - h * e)) / (2 * h) for e in eye], axis=-1)


@pytest.mark.parametrize("name", sorted(ALL))
def test_gradient_matches_finite_differences(name):
    s = ALL[name]()
    w = sample_points(s)
    scale = 1.0 + np.abs(s.grad(w)).max()
    np.testing.assert_allclose(
        s.grad(w), fd_gradient(s, w), rtol=1e-6, atol=1e-6 * scale
    )


@pytest.mark.parametrize("name", sorted(ALL))
def test_hessian_matches_finite_differences_of_gradient(name):
    s = ALL[name]()
    w = sample_points(s, seed=1)
    fd = np.swapaxes(fd_gradient(s.grad, w), -1, -2)
    scale = 1.0 + np.abs(s.hessian(w)).max()
    np.testing.assert_allclose(s.hessian(w), fd, rtol=1e-6, atol=1e-6 * scale)
    np.testing.assert_allclose(s.hessian(w), np.swapaxes(s.hessian(w), -1, -2))


@pytest.mark.parametrize("name", sorted(ALL))
def test_vectorised_over_leading_axes(name):
    s = ALL[name]()
    w = sample_points(s, n=12).reshape(3, 4, s.dim)
    assert s(w).shape == (3, 4)
    assert s.grad(w).shape == (3, 4, s.dim)
    assert s.hessian(w).shape == (3, 4, s.dim, s.dim)
    for i in range(3):
        for j in range(4):
            np.testing.assert_array_equal(s(w)[i, j], s(w[i, j]))
            np.testing.assert_array_equal(s.grad(w)[i, j], s.grad(w[i, j]))


@pytest.mark.parametrize("name", sorted(ALL))
def test_known_minima_are_minima(name):
    s = ALL[name]()
    for m in s.minima:
        np.testing.assert_allclose(s.grad(m), 0.0, atol=1e-9)
        assert np.linalg.eigvalsh(s.hessian(m)).min() > 0


def test_quadratic_convention_half_wAw_minus_bw():
    A = np.array([[4.0, 1.0], [1.0, 3.0]])
    b = np.array([1.0, 2.0])
    s = surfaces.quadratic(A, b)
    w = np.array([0.7, -1.3])
    assert s(w) == pytest.approx(0.5 * w @ A @ w - b @ w, rel=1e-14)
    np.testing.assert_allclose(s.grad(w), A @ w - b, rtol=1e-14)
    np.testing.assert_allclose(s.hessian(w), A)
    np.testing.assert_allclose(s.minima[0], np.linalg.solve(A, b), rtol=1e-14)


def test_quadratic_of_two_is_x_squared():
    s = surfaces.quadratic([[2.0]])
    x = np.linspace(-3, 3, 7)[:, None]
    np.testing.assert_allclose(s(x), x[:, 0] ** 2)
    np.testing.assert_allclose(s.grad(x), 2 * x)


def test_indefinite_quadratic_has_no_minimum():
    s = surfaces.quadratic([[1.0, 0.0], [0.0, -1.0]])
    assert s.minima.shape == (0, 2)
    assert s.global_minimum is None


@pytest.mark.parametrize(
    "A, match",
    [
        ([[1.0, 2.0], [0.0, 1.0]], "symmetric"),
        ([1.0, 2.0], "square matrix"),
        ([[np.nan]], "finite"),
    ],
)
def test_quadratic_rejects_bad_matrices(A, match):
    with pytest.raises(ValueError, match=match):
        surfaces.quadratic(A)


def test_quadratic_rejects_bad_b():
    with pytest.raises(ValueError, match="b must be a finite vector of shape"):
        surfaces.quadratic(np.eye(2), b=[1.0, 2.0, 3.0])


def test_points_of_the_wrong_dimension_are_rejected():
    with pytest.raises(ValueError, match=r"w must have shape \(\.\.\., 2\)"):
        surfaces.bowl()(np.zeros(3))
    with pytest.raises(ValueError, match="shape"):
        surfaces.bowl().grad(1.0)


def test_elongated_bowl_condition_number():
    s = surfaces.elongated_bowl(kappa=40.0, L=3.0)
    eig = np.linalg.eigvalsh(s.hessian(np.zeros(2)))
    assert eig.max() / eig.min() == pytest.approx(40.0)
    assert eig.max() == pytest.approx(3.0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"kappa": 0.5}, r"kappa must be a number in \[1, inf\)"),
        ({"kappa": np.inf}, "kappa"),
        ({"L": -1.0}, "L must be a positive finite number"),
        ({"L": "big"}, "L must be a positive finite number"),
    ],
)
def test_elongated_bowl_rejects_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        surfaces.elongated_bowl(**kwargs)


def test_two_valleys_has_a_deeper_left_valley():
    s = surfaces.two_valleys(tilt=0.3)
    left, right = s.minima
    assert left[0] < 0 < right[0]
    assert s(left) < s(right)
    np.testing.assert_array_equal(s.global_minimum, left)
    with pytest.raises(ValueError, match="tilt"):
        surfaces.two_valleys(tilt=1.5)
    with pytest.raises(ValueError, match="tilt"):
        surfaces.two_valleys_1d(tilt=-1.0)


def test_saddle_and_degenerate_saddle_hessians_at_origin():
    assert np.array_equal(
        surfaces.saddle(a=2.0, b=3.0).hessian(np.zeros(2)), np.diag([2.0, -3.0])
    )
    h = surfaces.degenerate_saddle().hessian(np.zeros(2))
    assert np.array_equal(h, np.diag([2.0, 0.0]))
    # along y the loss first falls (a way down exists): it is not a minimum
    s = surfaces.degenerate_saddle()
    assert s(np.array([0.0, 0.3])) < s(np.zeros(2))
    np.testing.assert_array_equal(
        surfaces.monkey_saddle().hessian(np.zeros(2)), np.zeros((2, 2))
    )


def test_himmelblau_minima_are_all_zero():
    s = surfaces.himmelblau()
    np.testing.assert_allclose(s(s.minima), 0.0, atol=1e-20)


def test_grid_spans_the_box():
    s = surfaces.rosenbrock()
    X, Y, Z = s.grid(31)
    assert X.shape == Y.shape == Z.shape == (31, 31)
    assert (X.min(), X.max(), Y.min(), Y.max()) == (-2.0, 2.0, -1.0, 3.0)
    np.testing.assert_allclose(Z[5, 7], s(np.array([X[5, 7], Y[5, 7]])))
    with pytest.raises(ValueError, match="2-weight"):
        surfaces.two_valleys_1d().grid()


def test_by_name_builds_catalogue_surfaces():
    assert surfaces.by_name("two valleys", tilt=0.1)(
        np.array([1.0, 0.0])
    ) == pytest.approx(0.1)
    assert set(surfaces.CATALOGUE) >= {"bowl", "saddle", "Rosenbrock", "Himmelblau"}
    with pytest.raises(ValueError, match="name must be one of"):
        surfaces.by_name("volcano")


@settings(max_examples=50, deadline=None)
@given(
    arrays(float, (2,), elements=st.floats(-2, 2)),
    arrays(float, (2,), elements=st.floats(-1, 1)),
)
def test_quadratic_taylor_expansion_is_exact(w, d):
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    s = surfaces.quadratic(A, b=[0.3, -0.2])
    predicted = s(w) + s.grad(w) @ d + 0.5 * d @ s.hessian(w) @ d
    assert s(w + d) == pytest.approx(predicted, rel=1e-9, abs=1e-12)


def test_least_squares_is_half_the_mean_squared_error_of_a_line():
    rng = np.random.default_rng(4)
    x = rng.uniform(-1, 3, 9)
    y = 1.5 * x - 1.0 + rng.normal(0, 0.5, 9)
    s = surfaces.least_squares(x, y)
    assert s.dim == 2 and s.name == "least squares"
    w = np.array([[0.7, -0.3], [2.0, 1.5]])
    r = w[:, :1] * x + w[:, 1:] - y  # residuals, one row per point
    np.testing.assert_allclose(s(w), 0.5 * (r**2).mean(-1), rtol=1e-12)
    grad = np.stack([(r * x).mean(-1), r.mean(-1)], axis=-1)
    np.testing.assert_allclose(s.grad(w), grad, rtol=1e-12, atol=1e-14)
    X = np.stack([x, np.ones_like(x)], axis=1)
    np.testing.assert_allclose(s.hessian(w), np.stack([X.T @ X / 9] * 2), rtol=1e-12)
    # its one minimum is numpy's least-squares line, in a box of half-width 3
    best = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(s.minima, [best], rtol=1e-10)
    np.testing.assert_allclose(np.ravel(s.box), np.repeat(best, 2) + [-3, 3, -3, 3])
    # x as a column, and a given box and name
    t = surfaces.least_squares(x[:, None], y, box=((0, 1), (2, 3)), name="fit")
    assert t.box == ((0.0, 1.0), (2.0, 3.0)) and t.name == "fit"
    assert t(w[0]) == pytest.approx(s(w[0]), rel=1e-12)


@pytest.mark.parametrize(
    "x, y, message",
    [
        ([1.0], [1.0], "x must be at least 2 finite numbers"),
        ([[1.0, 2.0], [3.0, 4.0]], [1.0, 2.0], "x must be at least 2"),
        ([1.0, np.nan], [1.0, 2.0], "x must be at least 2 finite numbers"),
        ([1.0, 2.0], [1.0, 2.0, 3.0], r"y must be finite numbers of the same shape"),
        ([1.0, 2.0], [1.0, np.inf], r"y must be finite numbers of the same shape"),
        ([2.0, 2.0], [1.0, 2.0], "x must take at least two distinct values"),
    ],
)
def test_least_squares_refuses_data_without_one_best_line(x, y, message):
    with pytest.raises(ValueError, match=f"^{message}"):
        surfaces.least_squares(x, y)


@pytest.mark.parametrize(
    "box",
    [
        ((0, 1), (1, 0)),
        ((1, 1), (0, 1)),
        ((0, 1), (1, 1)),
        ((0, np.inf), (0, 1)),
        ((0, 1),),
        "box",
        None,
    ],
)
def test_check_box_refuses_anything_but_two_finite_ranges(box):
    with pytest.raises(ValueError, match=r"^box must be \(\(lo, hi\), \(lo, hi\)\)"):
        surfaces.Surface.check_box(box)


def test_check_box_returns_floats_and_names_the_argument():
    box = surfaces.Surface.check_box(((0, 1), (-2, 3.5)))
    assert box == ((0.0, 1.0), (-2.0, 3.5))
    assert all(type(v) is float for pair in box for v in pair)
    with pytest.raises(ValueError, match="^limits must"):
        surfaces.Surface.check_box(None, name="limits")


#: What the chapters show of each catalogue surface: its name in legends, its
#: plotting box (the range of every figure and explorer) and its formula.
CATALOGUE_AS_SHOWN = {
    "bowl": ("bowl", ((-3.0, 3.0), (-3.0, 3.0)), r"x^2 + y^2"),
    "elongated_bowl": (
        "elongated bowl (kappa=10)",
        ((-4.0, 4.0), (-2.0, 2.0)),
        r"\tfrac12\left(\tfrac{L}{\kappa}x^2 + L y^2\right)",
    ),
    "two_valleys": (
        "two valleys",
        ((-2.0, 2.0), (-1.5, 1.5)),
        r"(x^2-1)^2 + t\,x + \tfrac12 y^2",
    ),
    "two_valleys_1d": ("two valleys (1-D)", ((-2.0, 2.0),), r"(x^2-1)^2 + t\,x"),
    "saddle": ("saddle", ((-2.0, 2.0), (-2.0, 2.0)), r"\tfrac12(a x^2 - b y^2)"),
    "degenerate_saddle": (
        "degenerate saddle",
        ((-1.5, 1.5), (-1.5, 1.5)),
        r"x^2 - y^4 + \tfrac12 y^6",
    ),
    "monkey_saddle": ("monkey saddle", ((-1.5, 1.5), (-1.5, 1.5)), r"x^3 - 3xy^2"),
    "rosenbrock": (
        "Rosenbrock",
        ((-2.0, 2.0), (-1.0, 3.0)),
        r"(a-x)^2 + b\,(y-x^2)^2",
    ),
    "himmelblau": (
        "Himmelblau",
        ((-5.0, 5.0), (-5.0, 5.0)),
        r"(x^2+y-11)^2 + (x+y^2-7)^2",
    ),
}


@pytest.mark.parametrize("factory", sorted(CATALOGUE_AS_SHOWN))
def test_catalogue_names_boxes_and_formulas(factory):
    s = getattr(surfaces, factory)()
    assert (s.name, s.box, s.formula) == CATALOGUE_AS_SHOWN[factory]
    assert s.minima.shape[1:] == (s.dim,)


def test_quadratic_defaults_and_grid_size():
    s = surfaces.quadratic([[1.0, 0.0], [0.0, 2.0]])
    assert s.name == "quadratic" and s.box == ((-3.0, 3.0), (-3.0, 3.0))
    assert s.formula == r"\tfrac12 w^\top A w - b^\top w"
    X, Y, Z = s.grid()
    assert X.shape == Y.shape == Z.shape == (200, 200)
    # the default elongated bowl: kappa 10, L 1
    bowl = surfaces.elongated_bowl()
    np.testing.assert_allclose(
        np.linalg.eigvalsh(bowl.hessian(np.zeros(2))), [0.1, 1.0], rtol=1e-12
    )


@pytest.mark.parametrize("name", sorted(ALL))
def test_derivatives_on_the_axes_are_finite_and_right(name):
    # points with a zero coordinate (the origin, the axes), where a formula
    # that divides by a coordinate would fail
    s = ALL[name]()
    pts = np.zeros((3, s.dim))
    pts[1, 0] = 0.7
    pts[2, -1] = -0.4
    assert np.all(np.isfinite(s(pts))) and np.all(np.isfinite(s.hessian(pts)))
    np.testing.assert_allclose(s.grad(pts), fd_gradient(s, pts), atol=1e-6)
    fd = np.swapaxes(fd_gradient(s.grad, pts), -1, -2)
    np.testing.assert_allclose(s.hessian(pts), fd, atol=1e-5)


def test_minima_in_closed_form():
    r = 2.0 / np.sqrt(3.0)  # -4 y^3 + 3 y^5 = 0
    np.testing.assert_allclose(
        surfaces.degenerate_saddle().minima, [[0.0, -r], [0.0, r]], rtol=1e-12
    )
    np.testing.assert_allclose(surfaces.rosenbrock(a=2.0, b=5.0).minima, [[2.0, 4.0]])
    assert surfaces.monkey_saddle().minima.shape == (0, 2)
    assert surfaces.saddle().minima.shape == (0, 2)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: surfaces.quadratic([[1.0, 2.0], [0.0, 1.0]]), "A must"),
        (lambda: surfaces.two_valleys(tilt=-1.5), "tilt must"),
        (lambda: surfaces.two_valleys_1d(tilt=1.5), "tilt must"),
        (lambda: surfaces.saddle(a=0.0), "a must"),
        (lambda: surfaces.saddle(b=-1.0), "b must"),
        (lambda: surfaces.rosenbrock(a=np.nan), "a must"),
        (lambda: surfaces.rosenbrock(b=0.0), "b must"),
    ],
)
def test_an_error_names_its_argument(make, message):
    with pytest.raises(ValueError, match=f"^{message}"):
        make()


def test_catalogue_values_and_minima_as_their_formulas_say():
    assert surfaces.bowl()(np.array([1.0, 2.0])) == pytest.approx(5.0)  # x^2 + y^2
    np.testing.assert_allclose(surfaces.saddle().hessian(np.zeros(2)), np.diag([1, -1]))
    rosen = surfaces.rosenbrock()  # a = 1, b = 100
    np.testing.assert_allclose(rosen.minima, [[1.0, 1.0]])
    np.testing.assert_allclose(
        rosen.hessian(np.ones(2)), [[802.0, -400.0], [-400.0, 200.0]]
    )
    himmelblau = surfaces.himmelblau()
    assert himmelblau.minima.shape == (4, 2)
    np.testing.assert_allclose(himmelblau(himmelblau.minima), 0.0, atol=1e-12)
    with pytest.raises(ValueError, match="^tilt must"):
        surfaces.two_valleys(tilt=-1.0)


def test_quadratic_minimum_and_default_box():
    # positive definite, smallest curvature 1/2: one minimum, A^-1 b
    s = surfaces.quadratic(np.diag([0.5, 2.0]), b=[1.0, 0.0])
    np.testing.assert_allclose(s.minima, [[2.0, 0.0]])
    # the default box: half-width 3 plus the minimum's largest coordinate
    assert s.box == ((-3.0, 7.0), (-5.0, 5.0))
    # a flat direction: no unique minimum, none listed
    flat = surfaces.quadratic(np.diag([1.0, 0.0]))
    assert flat.minima.shape == (0, 2)


def test_least_squares_hessian_shape_and_formula():
    s = surfaces.least_squares([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    assert s.hessian(np.zeros(2)).shape == (2, 2)
    assert s.formula == r"\frac{1}{2n}\sum_i (w_1 x_i + w_2 - y_i)^2"


@pytest.mark.parametrize(
    "make",
    [
        lambda: surfaces.quadratic([[2.0, 0.5], [0.5, 1.0]], b=[1.0, -2.0]),
        lambda: surfaces.elongated_bowl(kappa=10.0),
        surfaces.bowl,
        surfaces.saddle,
        lambda: surfaces.quadratic(np.diag([1.0, 2.0, 3.0])),
    ],
)
def test_value_and_grad_together_are_the_separate_numbers_to_the_last_bit(make):
    s = make()
    assert s.value_and_grad_fn is not None
    w = np.random.default_rng(3).normal(scale=5.0, size=(4, 7, s.dim))
    w[0, 0] = np.inf  # a diverged point
    with np.errstate(invalid="ignore", over="ignore"):
        value, grad = s.value_and_grad(w)
        np.testing.assert_array_equal(value, s(w))
        np.testing.assert_array_equal(grad, s.grad(w))


def test_value_and_grad_without_a_joint_function_calls_the_two():
    s = surfaces.two_valleys()
    assert s.value_and_grad_fn is None
    w = np.array([[0.3, -0.2], [1.0, 1.0]])
    value, grad = s.value_and_grad(w)
    np.testing.assert_array_equal(value, s(w))
    np.testing.assert_array_equal(grad, s.grad(w))

"""Chapter-1 plotting helpers: the line-fit loss surface and the figures of the line and the path."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from matplotlib.backends.backend_agg import FigureCanvasAgg

from gdcourse import data, models, plotting, surfaces
from gdcourse.descent import gradient_descent
from gdcourse.surfaces import Surface


@pytest.fixture(scope="module")
def xy():
    d = data.regression(
        n=80, weights=1.5, bias=-1.0, noise=0.8, x_range=(-1.0, 3.0), seed=1
    )
    return d.X_train[:, 0], d.y_train


@pytest.fixture(scope="module")
def surface(xy):
    return surfaces.least_squares(*xy, name="line fit")


def residual_loss(w, x, y):
    """The loss straight from its definition, one weight pair at a time."""
    return 0.5 * np.mean((w[0] * x + w[1] - y) ** 2)


# --- line_fit_surface ----------------------------------------------------------


def test_line_fit_surface_is_a_two_weight_surface(surface):
    assert isinstance(surface, Surface)
    assert surface.dim == 2 and surface.name == "line fit"


def test_loss_matches_its_definition_and_linear_regression(surface, xy):
    x, y = xy
    rng = np.random.default_rng(3)
    W = rng.normal(scale=3.0, size=(7, 2))
    by_definition = np.array([residual_loss(w, x, y) for w in W])
    np.testing.assert_allclose(surface(W), by_definition, rtol=1e-12)
    np.testing.assert_allclose(
        surface(W), models.LinearRegression(1).loss(W, x[:, None], y), rtol=1e-12
    )


def test_gradient_matches_finite_differences_and_the_written_out_partials(surface, xy):
    x, y = xy
    rng = np.random.default_rng(4)
    W = rng.normal(scale=2.0, size=(6, 2))
    h = 1e-6
    fd = np.stack(
        [(surface(W + h * e) - surface(W - h * e)) / (2 * h) for e in np.eye(2)],
        axis=-1,
    )
    np.testing.assert_allclose(surface.grad(W), fd, rtol=1e-6, atol=1e-7)
    r = W[:, :1] * x + W[:, 1:] - y
    partials = np.stack([np.mean(r * x, axis=1), np.mean(r, axis=1)], axis=-1)
    np.testing.assert_allclose(surface.grad(W), partials, rtol=1e-10, atol=1e-12)


def test_hessian_is_the_constant_second_moment_matrix(surface, xy):
    x, _ = xy
    expected = np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    H = surface.hessian(np.zeros((3, 4, 2)))
    assert H.shape == (3, 4, 2, 2)
    np.testing.assert_allclose(H, np.broadcast_to(expected, H.shape), rtol=1e-12)
    h, w = 1e-5, np.array([0.3, -0.7])
    fd = np.stack(
        [
            (surface.grad(w + h * e) - surface.grad(w - h * e)) / (2 * h)
            for e in np.eye(2)
        ],
        1,
    )
    np.testing.assert_allclose(fd, expected, rtol=1e-7)


def test_minimum_is_the_least_squares_line(surface, xy):
    x, y = xy
    exact = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]
    np.testing.assert_allclose(surface.minima, exact[None, :], rtol=1e-10)
    np.testing.assert_allclose(surface.grad(surface.global_minimum), 0.0, atol=1e-12)


def test_default_box_is_centred_on_the_minimum(surface):
    (x0, x1), (y0, y1) = surface.box
    m = surface.minima[0]
    np.testing.assert_allclose(
        [x0, x1, y0, y1], [m[0] - 3, m[0] + 3, m[1] - 3, m[1] + 3]
    )


def test_box_and_name_are_kept(xy):
    s = surfaces.least_squares(*xy, box=((-2, 5), (-4.5, 2.5)), name="my line")
    assert s.box == ((-2.0, 5.0), (-4.5, 2.5)) and s.name == "my line"


def test_works_on_grids_and_with_descent(surface):
    X, Y, Z = surface.grid(30)
    assert Z.shape == (30, 30) and np.all(Z >= surface(surface.global_minimum) - 1e-12)
    run = gradient_descent(surface, [-1.0, 1.5], lr=0.5, steps=300)
    np.testing.assert_allclose(run.final_weights, surface.global_minimum, atol=1e-8)


def test_exact_line_gives_zero_loss():
    x = np.array([0.0, 1.0, 2.0, 5.0])
    s = surfaces.least_squares(x, 3.0 * x - 2.0)
    np.testing.assert_allclose(s.minima[0], [3.0, -2.0], atol=1e-12)
    assert abs(s(np.array([3.0, -2.0]))) < 1e-12


@settings(max_examples=30, deadline=None)
@given(
    arrays(float, 8, elements=st.floats(-5, 5)),
    arrays(float, 8, elements=st.floats(-5, 5)),
    arrays(float, 2, elements=st.floats(-10, 10)),
)
def test_no_line_beats_the_minimum(x, y, w):
    if np.ptp(x) < 1e-3:
        return
    s = surfaces.least_squares(x, y)
    best = s(s.global_minimum)
    assert best <= residual_loss(w, x, y) + 1e-9
    assert abs(best - residual_loss(s.global_minimum, x, y)) < 1e-8 * (1 + best)


def test_inputs_are_not_modified():
    x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0])
    s = surfaces.least_squares(x, y)
    w = np.array([[0.5, 0.5]])
    s(w), s.grad(w)
    assert x.tolist() == [0.0, 1.0, 2.0] and y.tolist() == [1.0, 3.0, 5.0]
    assert w.tolist() == [[0.5, 0.5]]


@pytest.mark.parametrize(
    "x, y, match",
    [
        (np.ones((3, 2)), np.ones(3), "x must be at least 2 finite numbers"),
        ([1.0], [1.0], "x must be at least 2 finite numbers"),
        ([0.0, np.nan, 1.0], [1.0, 2.0, 3.0], "x must be at least 2 finite numbers"),
        ([0.0, 1.0, 2.0], [1.0, 2.0], "y must be finite numbers of the same shape"),
        (
            [0.0, 1.0, 2.0],
            [1.0, np.inf, 2.0],
            "y must be finite numbers of the same shape",
        ),
        ([2.0, 2.0, 2.0], [1.0, 2.0, 3.0], "x must take at least two distinct values"),
    ],
)
def test_bad_data_raises(x, y, match):
    with pytest.raises(ValueError, match=match):
        surfaces.least_squares(x, y)


@pytest.mark.parametrize(
    "box",
    [
        ((1.0, 0.0), (0.0, 1.0)),
        ((0.0, 1.0), (0.0, 0.0)),
        ((0.0, np.inf), (0.0, 1.0)),
        ((0.0, 1.0),),
        "wide",
        ((0.0, 1.0), ("a", 1.0)),
    ],
)
def test_bad_box_raises(box):
    with pytest.raises(ValueError, match=r"box must be \(\(lo, hi\), \(lo, hi\)\)"):
        surfaces.least_squares([0.0, 1.0, 2.0], [1.0, 3.0, 5.0], box=box)


# --- data_scatter, fit_line, update_fit_line -----------------------------------


@pytest.fixture
def ax():
    fig, ax = plotting.new_figure()
    return ax


def test_data_scatter_draws_every_point_and_labels_axes(ax, xy):
    x, y = xy
    pts = plotting.data_scatter(ax, x, y)
    np.testing.assert_array_equal(pts.get_offsets(), np.column_stack([x, y]))
    assert ax.get_xlabel() == "feature $x$" and ax.get_ylabel() == "target $y$"
    plotting.data_scatter(ax, x, y, labels=("size", "price"))
    assert ax.get_xlabel() == "size" and ax.get_ylabel() == "price"


def test_fit_line_passes_through_w1_x_plus_w2(ax):
    line = plotting.fit_line(ax, [-0.5, 2.0], (-1.0, 3.0), ls="--", lw=1.0)
    np.testing.assert_allclose(line.get_xdata(), [-1.0, 3.0])
    np.testing.assert_allclose(line.get_ydata(), [2.5, 0.5])
    assert line.get_linestyle() == "--" and line.get_linewidth() == 1.0


def test_update_fit_line_moves_the_same_artist(ax):
    line = plotting.fit_line(ax, [1.0, 0.0], (0.0, 2.0))
    same = plotting.update_fit_line(line, [2.0, -1.0])
    assert same is line
    np.testing.assert_allclose(line.get_xdata(), [0.0, 2.0])
    np.testing.assert_allclose(line.get_ydata(), [-1.0, 3.0])


# --- floor_path, drop_lines ------------------------------------------------------


@pytest.fixture
def ax3d():
    fig, ax = plotting.new_figure(projection="3d")
    ax.set_zlim(-2.0, 10.0)
    return ax


def test_floor_path_lies_on_the_floor(ax3d):
    w = np.array([[0.0, 0.0], [1.0, 0.5], [2.0, -1.0]])
    line = plotting.floor_path(ax3d, w)
    xs, ys, zs = line.get_data_3d()
    np.testing.assert_allclose(np.column_stack([xs, ys]), w)
    np.testing.assert_allclose(zs, -2.0)
    zs_given = plotting.floor_path(ax3d, w, z=1.5).get_data_3d()[2]
    np.testing.assert_allclose(zs_given, 1.5)


def test_drop_lines_join_floor_and_surface(ax3d, surface):
    w = np.array([[0.0, 0.0], [1.0, 0.5], [2.0, -1.0]])
    drops = plotting.drop_lines(ax3d, surface, w)
    FigureCanvasAgg(ax3d.figure).draw()
    assert len(drops.get_segments()) == 3  # drawn, projected to 2-D
    segments = np.asarray(drops._segments3d)  # the 3-D coordinates (no public getter)
    np.testing.assert_allclose(segments[:, 0, :2], w)
    np.testing.assert_allclose(segments[:, 1, :2], w)
    np.testing.assert_allclose(segments[:, 0, 2], -2.0)
    np.testing.assert_allclose(segments[:, 1, 2], surface(w))

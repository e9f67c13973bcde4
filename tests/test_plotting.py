"""Figure helpers: they draw what they are given and return the artists."""

import numpy as np
import pytest
from matplotlib.colors import to_rgb

from gdcourse import plotting, schedules, surfaces
from gdcourse.descent import gradient_descent


@pytest.fixture
def ax():
    fig, ax = plotting.new_figure()
    return ax


def test_new_figure_is_not_attached_to_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig, axes = plotting.new_figure(ncols=2, nrows=2)
    assert plt.get_fignums() == before
    assert axes.shape == (2, 2)


def test_contour_covers_the_box_with_labels(ax):
    s = surfaces.rosenbrock()
    cs = plotting.contour(ax, s, levels=10)
    assert ax.get_xlim() == s.box[0] and ax.get_ylim() == s.box[1]
    assert ax.get_xlabel() == "$w_1$" and ax.get_ylabel() == "$w_2$"
    assert len(cs.levels) >= 5


def test_path_and_update_path(ax):
    w = np.array([[1.0, 2.0], [0.5, 1.0], [np.nan, np.nan]])
    line, start = plotting.path(ax, w, color=plotting.COLORS["blue"])
    np.testing.assert_array_equal(line.get_xydata(), w)
    np.testing.assert_array_equal(start.get_xydata(), w[:1])
    assert to_rgb(line.get_color()) == to_rgb(plotting.COLORS["blue"])
    plotting.update_path(line, start, [[3.0, 3.0], [2.0, 1.0]])
    np.testing.assert_array_equal(start.get_xydata(), [[3.0, 3.0]])


def test_gradient_arrows_point_downhill_and_cross_contours_at_right_angles(ax):
    s = surfaces.elongated_bowl(kappa=4.0)
    pts = np.array([[1.0, 1.0], [-2.0, 0.5]])
    q = plotting.gradient_arrows(ax, s, pts)
    np.testing.assert_allclose(np.c_[q.U, q.V], -s.grad(pts))
    # the contour direction at each point is the gradient turned by 90 degrees
    tangent = s.grad(pts) @ np.array([[0.0, -1.0], [1.0, 0.0]])
    np.testing.assert_allclose(
        np.sum(np.c_[q.U, q.V] * tangent, axis=1), 0.0, atol=1e-12
    )


def test_surface_3d_and_lifted_path():
    fig, _ = plotting.new_figure()
    ax3d = fig.add_subplot(1, 2, 2, projection="3d")
    s = surfaces.bowl()
    plotting.surface_3d(ax3d, s, n=20)
    run = gradient_descent(s, [2.0, -2.0], lr=0.2, steps=5)
    line = plotting.lifted_path(ax3d, s, run.weights)
    xs, ys, zs = line.get_data_3d()
    np.testing.assert_allclose(zs, run.losses)
    assert ax3d.get_zlabel() == "loss"


def test_loss_and_grad_norm_curves(ax):
    line = plotting.loss_curve(ax, [4.0, 2.0, 1.0], floor=1.0)
    np.testing.assert_array_equal(line.get_ydata(), [3.0, 1.0, 0.0])
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "step"
    g = plotting.grad_norm_curve(ax, [1.0, 0.1])
    np.testing.assert_array_equal(g.get_xdata(), [0, 1])


def test_schedule_curve(ax):
    line = plotting.schedule_curve(ax, schedules.cosine(0.1, 10), 10)
    np.testing.assert_allclose(
        line.get_ydata(), schedules.cosine(0.1, 10)(np.arange(10))
    )


def test_diverged_note(ax):
    assert not plotting.diverged_note(ax).get_visible()
    note = plotting.diverged_note(ax, 7)
    assert note.get_visible() and note.get_text() == "diverged at step 7"


def test_mark_minima(ax):
    pts = plotting.mark_minima(ax, surfaces.himmelblau())
    assert pts.get_xydata().shape == (4, 2)


def test_trajectory_and_loss_for_a_diverging_run():
    s = surfaces.elongated_bowl(kappa=5.0)
    run = gradient_descent(s, [1.0, 1.0], lr=2.5, steps=60)
    fig, artists = plotting.trajectory_and_loss(s, run)
    assert artists["note"].get_text() == f"diverged at step {run.stopped_at}"
    assert len(fig.axes) == 2


def test_colours_are_the_okabe_ito_palette():
    assert (
        plotting.COLORS["vermillion"] == "#D55E00"
        and plotting.COLORS["blue"] == "#0072B2"
    )

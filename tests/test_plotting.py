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


def test_lifted_path_takes_line_properties():
    fig, _ = plotting.new_figure()
    ax3d = fig.add_subplot(1, 2, 2, projection="3d")
    line = plotting.lifted_path(ax3d, surfaces.bowl(), [[1.0, 1.0]], ls="--")
    assert line.get_linestyle() == "--"


# --- figures that compare several runs ---


def test_paths_draws_each_run_in_its_colour_and_style(ax):
    s = surfaces.elongated_bowl(kappa=4.0)
    runs = {
        "slow": gradient_descent(s, [2.0, 1.0], lr=0.1, steps=5).weights,
        "fast": gradient_descent(s, [2.0, 1.0], lr=0.4, steps=5).weights,
    }
    colors = [plotting.COLORS["sky"], plotting.COLORS["green"]]
    drawn = plotting.paths(
        ax, runs, colors=colors, styles=[{"ls": "--", "zorder": 7}, {}]
    )
    assert list(drawn) == ["slow", "fast"]
    for (label, w), color in zip(runs.items(), colors):
        line, start = drawn[label]
        np.testing.assert_array_equal(line.get_xydata(), w)
        np.testing.assert_array_equal(start.get_xydata(), w[:1])
        assert to_rgb(line.get_color()) == to_rgb(color) == to_rgb(start.get_color())
        assert line.get_label() == label
    assert drawn["slow"][0].get_linestyle() == "--"
    assert drawn["slow"][0].get_zorder() == 7
    assert drawn["fast"][0].get_linestyle() == "-"
    legend = ax.legend()
    assert [t.get_text() for t in legend.get_texts()] == ["slow", "fast"]


def test_paths_uses_the_cycle_and_needs_a_colour_per_run(ax):
    drawn = plotting.paths(ax, {"a": [[0.0, 0.0]], "b": [[1.0, 1.0]]})
    assert [to_rgb(line.get_color()) for line, _ in drawn.values()] == [
        to_rgb(c) for c in plotting.CYCLE[:2]
    ]
    with pytest.raises(ValueError, match="a colour and a style for each of the 2"):
        plotting.paths(ax, {"a": [[0.0, 0.0]], "b": [[1.0, 1.0]]}, colors=["red"])
    with pytest.raises(ValueError, match="got 2 colours and 1 styles"):
        plotting.paths(
            ax, {"a": [[0.0, 0.0]], "b": [[1.0, 1.0]]}, styles=[{}], colors="rg"
        )


def test_loss_curves_plot_each_run_above_the_floor(ax):
    losses = {"plain": np.array([4.0, 2.0, 1.5]), "momentum": np.array([4.0, 1.2])}
    lines = plotting.loss_curves(ax, losses, floor=1.0, styles=[{"ls": ":"}, {}])
    for label, curve in losses.items():
        np.testing.assert_array_equal(lines[label].get_ydata(), curve - 1.0)
        np.testing.assert_array_equal(lines[label].get_xdata(), np.arange(curve.size))
        assert lines[label].get_label() == label
    assert lines["plain"].get_linestyle() == ":"
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "loss above the minimum"
    fig, ax2 = plotting.new_figure()
    plotting.loss_curves(ax2, losses, log=False)
    assert ax2.get_yscale() == "linear"


def test_measured_and_theory_draws_points_and_a_thin_curve(ax):
    kappas = np.array([10.0, 100.0, 1000.0])
    fine = np.geomspace(10, 1000, 50)
    points, line = plotting.measured_and_theory(
        ax,
        kappas,
        np.sqrt(kappas) + 1,
        np.sqrt(fine),
        x_theory=fine,
        color=plotting.COLORS["vermillion"],
        labels=("HB, measured", "HB, theory"),
    )
    np.testing.assert_array_equal(
        points.get_xydata(), np.c_[kappas, np.sqrt(kappas) + 1]
    )
    assert points.get_linestyle() == "None" and points.get_marker() == "o"
    np.testing.assert_array_equal(line.get_xydata(), np.c_[fine, np.sqrt(fine)])
    assert line.get_linewidth() == 1 and line.get_linestyle() == "-"
    assert to_rgb(points.get_color()) == to_rgb(line.get_color())
    assert (points.get_label(), line.get_label()) == ("HB, measured", "HB, theory")
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"


def test_measured_and_theory_as_two_lines_on_chosen_axes():
    for log, scales in [("x", ("log", "linear")), ("", ("linear", "linear"))]:
        fig, ax = plotting.new_figure()
        k = np.arange(1.0, 6.0)
        measured, bound = plotting.measured_and_theory(
            ax, k, 1 / k**2, 1 / k, marker=None, ls="--", log=log
        )
        assert measured.get_linestyle() == "-" and measured.get_marker() == "None"
        np.testing.assert_array_equal(bound.get_xdata(), k)
        assert bound.get_linestyle() == "--"
        assert (ax.get_xscale(), ax.get_yscale()) == scales
    with pytest.raises(ValueError, match='log must be "xy"'):
        plotting.measured_and_theory(ax, k, k, k, log="loglog")


def test_layer_curves_number_the_layers(ax):
    norms = {"sigmoid": np.geomspace(1e-6, 1e-1, 11), "ReLU": np.ones(11)}
    lines = plotting.layer_curves(ax, norms, styles=[{}, {"lw": 3}])
    np.testing.assert_array_equal(lines["sigmoid"].get_xdata(), np.arange(1, 12))
    np.testing.assert_array_equal(lines["sigmoid"].get_ydata(), norms["sigmoid"])
    assert lines["ReLU"].get_linewidth() == 3
    assert lines["ReLU"].get_marker() == "o"
    np.testing.assert_array_equal(ax.get_xticks(), [1, 3, 5, 7, 9, 11])
    assert ax.get_xlabel() == "layer $l$ (1 = next to the input)"
    assert ax.get_yscale() == "log"
    fig, ax0 = plotting.new_figure()
    lines = plotting.layer_curves(ax0, {"spread": np.ones(11)}, first=0, log=False)
    np.testing.assert_array_equal(lines["spread"].get_xdata(), np.arange(11))
    np.testing.assert_array_equal(ax0.get_xticks(), [0, 2, 4, 6, 8, 10])
    assert ax0.get_xlabel() == "layer $l$ (0 = the input)"
    with pytest.raises(ValueError, match="first must be 0 or 1"):
        plotting.layer_curves(ax0, {"a": [1.0]}, first=2)


def test_legend_below_lists_the_labelled_curves_of_one_panel():
    fig, (ax1, ax2) = plotting.new_figure(ncols=2)
    for label in ("plain", "heavy ball", "Nesterov"):
        ax1.plot([0, 1], label=label)
    ax2.plot([0, 1], label="not listed")
    legend = plotting.legend_below(fig, ax1)
    assert fig.legends == [legend]
    assert [t.get_text() for t in legend.get_texts()] == [
        "plain",
        "heavy ball",
        "Nesterov",
    ]
    assert legend._ncols == 3
    # below both panels, once drawn
    fig.canvas.draw()
    box = legend.get_window_extent()
    assert box.y1 < min(a.get_window_extent().y0 for a in (ax1, ax2))
    assert plotting.legend_below(fig, ax1, ncols=2)._ncols == 2


def test_axes_3d_and_plane():
    from matplotlib.figure import Figure

    fig = Figure(layout="constrained")
    ax3d, ax = plotting.axes_3d_and_plane(fig, width_ratios=(2.0, 1.0))
    assert (ax3d.name, ax.name) == ("3d", "rectilinear")
    assert fig.axes == [ax3d, ax]
    spec = ax.get_subplotspec().get_gridspec()
    assert list(spec.get_width_ratios()) == [2.0, 1.0]
    assert (
        ax3d.get_subplotspec().colspan.start,
        ax.get_subplotspec().colspan.start,
    ) == (0, 1)

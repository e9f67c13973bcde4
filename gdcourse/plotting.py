"""The book's figures, as helpers that draw on an ``ax`` and return their artists.

Every helper takes a Matplotlib ``Axes`` (a 3-D one for :func:`surface_3d`),
draws, and returns what it made, so explorers can update the artists in place.
None calls ``plt.show()``, sets titles or touches global ``rcParams``.

Colours come from the Okabe-Ito palette (:data:`COLORS`), which stays
distinguishable with the common colour-vision deficiencies; surfaces use the
perceptually uniform ``cividis`` map.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = [
    "COLORS",
    "CMAP",
    "new_figure",
    "contour",
    "path",
    "mark_minima",
    "gradient_arrows",
    "surface_3d",
    "lifted_path",
    "loss_curve",
    "grad_norm_curve",
    "schedule_curve",
    "diverged_note",
    "update_path",
    "trajectory_and_loss",
]

#: Okabe-Ito colours, safe for colour-blind readers.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
#: Colours in the order a figure with several runs uses them.
CYCLE = [
    COLORS[k]
    for k in ("vermillion", "blue", "orange", "green", "purple", "sky", "black")
]
#: Colour map for loss surfaces.
CMAP = "cividis"


def new_figure(width=8.0, height=3.4, dpi=90, ncols=1, nrows=1, **subplot_kw):
    """A figure that is not attached to pyplot, with a grid of axes.

    Such a figure never shows itself in a notebook; render it with
    ``fig.savefig`` or display it explicitly.

    Parameters
    ----------
    width, height : float
        Size in inches.
    dpi : int
        Dots per inch.
    ncols, nrows : int
        Axes grid.
    **subplot_kw
        Passed to :meth:`matplotlib.figure.Figure.subplots` as ``subplot_kw``.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes or numpy.ndarray of Axes

    Examples
    --------
    >>> fig, (ax1, ax2) = new_figure(ncols=2)
    >>> print(len(fig.axes))
    2
    """
    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    axes = fig.subplots(nrows, ncols, subplot_kw=subplot_kw or None)
    return fig, axes


def contour(
    ax, surface, n=150, levels=18, filled=True, log=True, labels=("$w_1$", "$w_2$")
):
    """Draw the contours of a 2-weight surface over its box.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    surface : gdcourse.surfaces.Surface
        A surface with ``dim == 2``.
    n : int
        Grid points per side.
    levels : int
        Number of contour levels.
    filled : bool
        Filled contours (small, fast PNGs) or lines.
    log : bool
        Space the levels evenly in ``log(f - min f + 1)``, which shows both
        the floor of a valley and its walls.
    labels : tuple of str
        Axis labels.

    Returns
    -------
    matplotlib.contour.QuadContourSet

    Examples
    --------
    >>> from gdcourse import surfaces
    >>> fig, ax = new_figure()
    >>> cs = contour(ax, surfaces.bowl())
    >>> print(type(cs).__name__)
    QuadContourSet
    """
    X, Y, Z = surface.grid(n)
    if log:
        Z = np.log1p(Z - Z.min())
    draw = ax.contourf if filled else ax.contour
    cs = draw(X, Y, Z, levels=levels, cmap=CMAP)
    if filled:
        ax.contour(X, Y, Z, levels=cs.levels, colors="white", linewidths=0.3, alpha=0.5)
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_xlim(surface.box[0])
    ax.set_ylim(surface.box[1])
    ax.set_aspect("equal", adjustable="box")
    return cs


def path(ax, weights, color=COLORS["vermillion"], label=None, markersize=3.5, **kwargs):
    """Draw a trajectory in the weight plane, its start marked.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    weights : array_like, shape (k, 2)
        The weights after each step (NaN rows are skipped).
    color : str
    label : str, optional
    markersize : float
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.plot`.

    Returns
    -------
    line, start : matplotlib.lines.Line2D
        The path (one dot per step) and the start marker.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> line, start = path(ax, [[1.0, 1.0], [0.5, 0.4], [0.2, 0.1]])
    >>> print(line.get_xdata())
    [1.  0.5 0.2]
    """
    w = np.asarray(weights, dtype=float)
    (line,) = ax.plot(
        w[:, 0],
        w[:, 1],
        "-o",
        color=color,
        lw=1.4,
        ms=markersize,
        label=label,
        **kwargs,
    )
    (start,) = ax.plot(
        w[:1, 0], w[:1, 1], "s", color=color, ms=markersize + 3, markeredgecolor="white"
    )
    return line, start


def update_path(line, start, weights):
    """Move an existing :func:`path` to new weights (for explorers).

    Parameters
    ----------
    line, start : matplotlib.lines.Line2D
        The artists :func:`path` returned.
    weights : array_like, shape (k, 2)

    Returns
    -------
    tuple of Line2D
        The same artists, updated.
    """
    w = np.asarray(weights, dtype=float)
    line.set_data(w[:, 0], w[:, 1])
    start.set_data(w[:1, 0], w[:1, 1])
    return line, start


def mark_minima(ax, surface, color="white"):
    """Mark a surface's known minima with crosses.

    Returns
    -------
    matplotlib.lines.Line2D
    """
    m = np.asarray(surface.minima).reshape(-1, surface.dim)
    (pts,) = ax.plot(m[:, 0], m[:, 1], "x", color=color, ms=8, mew=2, label="minimum")
    return pts


def gradient_arrows(
    ax, surface, points, scale=None, color=COLORS["orange"], descent=True
):
    """Draw the (negative) gradient at some points: arrows cross contours at right angles.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Use an equal aspect ratio, or right angles will not look right.
    surface : gdcourse.surfaces.Surface
    points : array_like, shape (m, 2)
    scale : float, optional
        Matplotlib quiver scale; ``None`` lets Matplotlib choose.
    color : str
    descent : bool
        Draw :math:`-\\nabla f` (the way down) instead of :math:`\\nabla f`.

    Returns
    -------
    matplotlib.quiver.Quiver
    """
    p = np.asarray(points, dtype=float)
    g = surface.grad(p)
    if descent:
        g = -g
    return ax.quiver(
        p[:, 0],
        p[:, 1],
        g[:, 0],
        g[:, 1],
        color=color,
        angles="xy",
        scale_units="xy",
        scale=scale,
        width=0.006,
    )


def surface_3d(ax3d, surface, n=60, alpha=0.75):
    """Draw a 2-weight surface in 3-D with its contours on the floor.

    Parameters
    ----------
    ax3d : mpl_toolkits.mplot3d.axes3d.Axes3D
    surface : gdcourse.surfaces.Surface
    n : int
    alpha : float

    Returns
    -------
    mpl_toolkits.mplot3d.art3d.Poly3DCollection
    """
    X, Y, Z = surface.grid(n)
    surf = ax3d.plot_surface(
        X, Y, Z, cmap=CMAP, alpha=alpha, linewidth=0, antialiased=True
    )
    floor = Z.min() - 0.15 * (Z.max() - Z.min())
    ax3d.contour(X, Y, Z, levels=15, cmap=CMAP, offset=floor)
    ax3d.set_zlim(floor, Z.max())
    ax3d.set_xlabel("$w_1$")
    ax3d.set_ylabel("$w_2$")
    ax3d.set_zlabel("loss")
    return surf


def lifted_path(ax3d, surface, weights, color=COLORS["vermillion"], **kwargs):
    """Draw a path on a 3-D surface: the loss at each weight, lifted above the plane.

    Parameters
    ----------
    ax3d : mpl_toolkits.mplot3d.axes3d.Axes3D
    surface : gdcourse.surfaces.Surface
        A 2-weight surface.
    weights : array_like, shape (k, 2)
    color : str
    **kwargs
        Line properties set after drawing (``ls="--"``, ``lw=2``).

    Returns
    -------
    matplotlib.lines.Line2D
        The 3-D line (an ``mpl_toolkits.mplot3d.art3d.Line3D``).
    """
    w = np.asarray(weights, dtype=float)
    (line,) = ax3d.plot(
        w[:, 0], w[:, 1], surface(w), "-o", color=color, ms=3, zorder=10
    )
    line.set(**kwargs)
    return line


def loss_curve(ax, losses, color=COLORS["blue"], label=None, log=True, floor=None):
    """Plot the loss against the step.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    losses : array_like, shape (k,)
    color, label : str
    log : bool
        Logarithmic loss axis.
    floor : float, optional
        Subtract this (the minimum loss) first, so a log axis shows the gap
        to the minimum.

    Returns
    -------
    matplotlib.lines.Line2D
    """
    y = np.asarray(losses, dtype=float)
    if floor is not None:
        y = y - floor
    (line,) = ax.plot(np.arange(y.size), y, color=color, lw=1.6, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss" if floor is None else "loss above the minimum")
    return line


def grad_norm_curve(ax, grad_norms, color=COLORS["orange"], label=None):
    """Plot the gradient norm against the step on a log axis.

    Returns
    -------
    matplotlib.lines.Line2D
    """
    g = np.asarray(grad_norms, dtype=float)
    (line,) = ax.semilogy(np.arange(g.size), g, color=color, lw=1.6, label=label)
    ax.set_xlabel("step")
    ax.set_ylabel(r"gradient norm $\|\nabla f\|$")
    return line


def schedule_curve(ax, schedule, steps, color=COLORS["blue"], label=None):
    """Plot a learning-rate schedule over ``steps`` steps.

    Returns
    -------
    matplotlib.lines.Line2D
    """
    t = np.arange(int(steps))
    (line,) = ax.plot(t, schedule(t), color=color, lw=1.6, label=label)
    ax.set_xlabel("step")
    ax.set_ylabel(r"learning rate $\eta_t$")
    return line


def diverged_note(ax, step=None):
    """A text artist saying where a run diverged (empty when ``step`` is None).

    Returns
    -------
    matplotlib.text.Text
    """
    text = ax.text(
        0.5,
        0.92,
        "",
        transform=ax.transAxes,
        ha="center",
        va="top",
        color=COLORS["vermillion"],
        fontsize=11,
        fontweight="bold",
        bbox=dict(boxstyle="round", fc="white", ec=COLORS["vermillion"]),
    )
    text.set_text("" if step is None else f"diverged at step {step}")
    text.set_visible(step is not None)
    return text


def trajectory_and_loss(surface, trajectory, width=8.0, height=3.4):
    """The standard two-panel figure: path on the contours, and the loss curve.

    Parameters
    ----------
    surface : gdcourse.surfaces.Surface
        A 2-weight surface.
    trajectory : gdcourse.descent.Trajectory
        A single-start run.

    Returns
    -------
    fig : matplotlib.figure.Figure
    artists : dict
        ``contour``, ``path``, ``start``, ``loss``, ``note``.
    """
    fig, (ax_w, ax_l) = new_figure(width, height, ncols=2)
    cs = contour(ax_w, surface)
    mark_minima(ax_w, surface)
    line, start = path(ax_w, trajectory.weights)
    floor = (
        surface(surface.global_minimum) if surface.global_minimum is not None else None
    )
    loss = loss_curve(ax_l, trajectory.losses, floor=floor)
    note = diverged_note(ax_w, trajectory.stopped_at if trajectory.diverged else None)
    return fig, {
        "contour": cs,
        "path": line,
        "start": start,
        "loss": loss,
        "note": note,
    }


# --- Figures that compare several runs ---

__all__ += [
    "paths",
    "loss_curves",
    "measured_and_theory",
    "layer_curves",
    "legend_below",
    "axes_3d_and_plane",
]


def _colors_and_styles(n, colors, styles):
    """`n` colours (the :data:`CYCLE` by default) and `n` style dicts."""
    colors = CYCLE if colors is None else list(colors)
    styles = [{}] * n if styles is None else [dict(style) for style in styles]
    if len(colors) < n or len(styles) < n:
        raise ValueError(
            f"need a colour and a style for each of the {n} curves, got"
            f" {len(colors)} colours and {len(styles)} styles"
        )
    return colors[:n], styles[:n]


def paths(ax, runs, colors=None, styles=None, markersize=3.5):
    """Draw several trajectories in the weight plane, each labelled and marked at its start.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Usually after :func:`contour`.
    runs : dict
        ``{label: weights}``, each ``weights`` of shape ``(k, 2)`` as for
        :func:`path`.
    colors : sequence of str, optional
        One per run, in order; by default :data:`CYCLE`.
    styles : sequence of dict, optional
        One per run: line properties set on its path after drawing (``ls``,
        ``marker``, ``mfc``, ``ms``, ``zorder``, ...), so that paths that
        overlap stay distinguishable.
    markersize : float

    Returns
    -------
    dict
        ``{label: (line, start)}``, the artists of :func:`path`.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> drawn = paths(ax, {"a": [[1.0, 1.0], [0.0, 0.0]], "b": [[2.0, 0.0]]},
    ...               styles=[{"ls": "--"}, {}])
    >>> print(drawn["a"][0].get_linestyle(), drawn["b"][0].get_label())
    -- b
    """
    colors, styles = _colors_and_styles(len(runs), colors, styles)
    drawn = {}
    for (label, weights), color, style in zip(runs.items(), colors, styles):
        line, start = path(ax, weights, color=color, label=label, markersize=markersize)
        line.set(**style)
        drawn[label] = line, start
    return drawn


def loss_curves(ax, losses, colors=None, styles=None, log=True, floor=None):
    """Plot several loss curves against the step, each labelled.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    losses : dict
        ``{label: losses}``, each of shape ``(k,)``.
    colors : sequence of str, optional
        One per curve, in order; by default :data:`CYCLE`.
    styles : sequence of dict, optional
        One per curve: line properties set after drawing (``ls``, ``lw``).
    log, floor
        As for :func:`loss_curve`.

    Returns
    -------
    dict
        ``{label: matplotlib.lines.Line2D}``.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> lines = loss_curves(ax, {"fast": [4.0, 1.0], "slow": [4.0, 3.0]})
    >>> print(lines["slow"].get_ydata(), ax.get_yscale())
    [4. 3.] log
    """
    colors, styles = _colors_and_styles(len(losses), colors, styles)
    lines = {}
    for (label, curve), color, style in zip(losses.items(), colors, styles):
        line = loss_curve(ax, curve, color=color, label=label, log=log, floor=floor)
        line.set(**style)
        lines[label] = line
    return lines


def measured_and_theory(
    ax,
    x,
    measured,
    theory,
    x_theory=None,
    color=COLORS["blue"],
    labels=("measured", "theory"),
    marker="o",
    ls="-",
    log="xy",
):
    """Plot measured values and the curve a theory predicts for them, in one colour.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x, measured : array_like, shape (m,)
        Where the values were measured, and the values.
    theory : array_like
        The predicted values, at `x_theory` (at `x` when it is None).
    x_theory : array_like, optional
        A finer grid for the prediction.
    color : str
    labels : (str, str)
        Legend labels of the measured values and of the prediction.
    marker : str or None
        Marker of the measured values (drawn without a line); None draws
        them as a line, for a measurement at every step.
    ls : str
        Line style of the prediction, drawn thinner than a measured line.
    log : {"xy", "x", "y", ""}
        The logarithmic axes.

    Returns
    -------
    measured_line, theory_line : matplotlib.lines.Line2D

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> k = np.array([1.0, 10.0, 100.0])
    >>> points, line = measured_and_theory(ax, k, 1.1 / k, 1 / k, ls="--")
    >>> print(points.get_marker(), line.get_linestyle(), ax.get_xscale())
    o -- log
    """
    if log not in {"xy", "x", "y", ""}:
        raise ValueError(f'log must be "xy", "x", "y" or "", got {log!r}')
    x = np.asarray(x, dtype=float)
    x_theory = x if x_theory is None else np.asarray(x_theory, dtype=float)
    style = dict(ls="none", marker=marker) if marker else dict(ls="-")
    (points,) = ax.plot(x, measured, color=color, label=labels[0], **style)
    (line,) = ax.plot(x_theory, theory, ls, color=color, lw=1, label=labels[1])
    if "x" in log:
        ax.set_xscale("log")
    if "y" in log:
        ax.set_yscale("log")
    return points, line


def layer_curves(ax, values, colors=None, styles=None, first=1, log=True):
    """Plot one value per layer of a network for several networks.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    values : dict
        ``{label: values}``, ``values[i]`` belonging to layer ``first + i``.
    colors : sequence of str, optional
        One per network, in order; by default :data:`CYCLE`.
    styles : sequence of dict, optional
        One per network: line properties set after drawing.
    first : int
        The number of the first layer: 1 for the weight matrices (layer 1
        next to the input), 0 for the activations (layer 0 the input).
    log : bool
        Logarithmic value axis.

    Returns
    -------
    dict
        ``{label: matplotlib.lines.Line2D}``, each a line with a dot per
        layer.  Every other layer is numbered on the axis, from `first`.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> lines = layer_curves(ax, {"net": [1e-3, 1e-2, 1e-1]})
    >>> print(lines["net"].get_xdata(), ax.get_xlabel())
    [1 2 3] layer $l$ (1 = next to the input)
    """
    if first not in (0, 1):
        raise ValueError(f"first must be 0 or 1, got {first!r}")
    colors, styles = _colors_and_styles(len(values), colors, styles)
    lines, last = {}, first
    for (label, v), color, style in zip(values.items(), colors, styles):
        layers = np.arange(first, first + len(v))
        (line,) = ax.plot(layers, v, "o-", color=color, ms=4, label=label)
        line.set(**style)
        lines[label] = line
        last = max(last, layers[-1])
    if log:
        ax.set_yscale("log")
    ax.set_xticks(np.arange(first, last + 1, 2))
    where = "1 = next to the input" if first == 1 else "0 = the input"
    ax.set_xlabel(f"layer $l$ ({where})")
    return lines


def legend_below(fig, ax, ncols=None, fontsize=8):
    """One legend under all the panels of `fig`, for the curves of `ax`.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure with ``layout="constrained"``, which makes room for it.
    ax : matplotlib.axes.Axes
        The panel whose labelled artists the legend lists.
    ncols : int, optional
        Columns; by default one row.
    fontsize : float

    Returns
    -------
    matplotlib.legend.Legend

    Examples
    --------
    >>> fig, (ax1, ax2) = new_figure(ncols=2)
    >>> _ = ax1.plot([0, 1], label="a"), ax1.plot([1, 0], label="b")
    >>> print(legend_below(fig, ax1)._ncols)
    2
    """
    handles, labels = ax.get_legend_handles_labels()
    return fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=ncols or max(len(handles), 1),
        fontsize=fontsize,
    )


def axes_3d_and_plane(fig, width_ratios=(1.25, 1.0)):
    """A 3-D panel beside a flat one: a surface and its map of the weight plane.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure.
    width_ratios : (float, float)
        Widths of the 3-D panel and of the flat one.

    Returns
    -------
    ax3d : mpl_toolkits.mplot3d.axes3d.Axes3D
        For :func:`surface_3d`, :func:`lifted_path` and :func:`floor_path`.
    ax : matplotlib.axes.Axes
        For :func:`contour` and :func:`path`.

    Examples
    --------
    >>> fig = Figure(figsize=(8.0, 3.6), layout="constrained")
    >>> ax3d, ax = axes_3d_and_plane(fig)
    >>> print(ax3d.name, ax.name)
    3d rectilinear
    """
    grid = fig.add_gridspec(1, 2, width_ratios=width_ratios)
    return fig.add_subplot(grid[0], projection="3d"), fig.add_subplot(grid[1])


# --- Chapter 1 ---

__all__ += ["data_scatter", "fit_line", "update_fit_line", "floor_path", "drop_lines"]


def data_scatter(
    ax, x, y, color=COLORS["black"], label="data", labels=("feature $x$", "target $y$")
):
    """Scatter one-feature data, axes labelled.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x, y : array_like, shape (n,)
    color, label : str
    labels : tuple of str
        Axis labels.

    Returns
    -------
    matplotlib.collections.PathCollection

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> pts = data_scatter(ax, [0.0, 1.0], [1.0, 3.0])
    >>> print(pts.get_offsets().tolist(), ax.get_xlabel())
    [[0.0, 1.0], [1.0, 3.0]] feature $x$
    """
    pts = ax.scatter(
        np.asarray(x, dtype=float),
        np.asarray(y, dtype=float),
        s=14,
        color=color,
        alpha=0.6,
        linewidths=0,
        label=label,
    )
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    return pts


def fit_line(ax, weights, x_range, color=COLORS["vermillion"], label=None, **kwargs):
    """Draw the line :math:`\\hat y = w_1 x + w_2` across ``x_range``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    weights : array_like, shape (2,)
        Slope and intercept.
    x_range : (float, float)
        Where the line starts and ends.
    color, label : str
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.plot`.

    Returns
    -------
    matplotlib.lines.Line2D

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> line = fit_line(ax, [2.0, 1.0], (0.0, 3.0))
    >>> print(line.get_ydata())
    [1. 7.]
    """
    xs = np.asarray(x_range, dtype=float)
    w = np.asarray(weights, dtype=float)
    (line,) = ax.plot(xs, _line(w, xs), color=color, label=label, **{"lw": 2, **kwargs})
    return line


def _line(w, xs):
    """Heights :math:`w_1 x + w_2` of the line with slope and intercept ``w``."""
    return w[0] * xs + w[1]


def update_fit_line(line, weights):
    """Move a :func:`fit_line` to new weights (for explorers).

    Parameters
    ----------
    line : matplotlib.lines.Line2D
    weights : array_like, shape (2,)

    Returns
    -------
    matplotlib.lines.Line2D
        The same line.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> line = update_fit_line(fit_line(ax, [2.0, 1.0], (0.0, 3.0)), [-1.0, 0.0])
    >>> print(line.get_ydata())
    [ 0. -3.]
    """
    w = np.asarray(weights, dtype=float)
    xs = np.asarray(line.get_xdata(), dtype=float)
    line.set_ydata(_line(w, xs))
    return line


def floor_path(ax3d, weights, color=COLORS["vermillion"], z=None):
    """Draw a path on the floor of a 3-D plot: where the weights really move.

    Parameters
    ----------
    ax3d : mpl_toolkits.mplot3d.axes3d.Axes3D
        A 3-D axes, usually after :func:`surface_3d`.
    weights : array_like, shape (k, 2)
    color : str
    z : float, optional
        Height of the floor; by default the bottom of the z axis.

    Returns
    -------
    matplotlib.lines.Line2D
        The 3-D line (an ``mpl_toolkits.mplot3d.art3d.Line3D``).

    Examples
    --------
    >>> fig, ax = new_figure(projection="3d")
    >>> ax.set_zlim(-1.0, 4.0)
    (-1.0, 4.0)
    >>> line = floor_path(ax, [[0.0, 0.0], [1.0, 1.0]])
    >>> print(line.get_data_3d()[2])
    [-1. -1.]
    """
    w = np.asarray(weights, dtype=float)
    height = ax3d.get_zlim()[0] if z is None else float(z)
    (line,) = ax3d.plot(
        w[:, 0],
        w[:, 1],
        np.full(len(w), height),
        "-o",
        color=color,
        ms=2.5,
        lw=1.2,
        zorder=10,
    )
    return line


def drop_lines(ax3d, surface, weights, z=None, color="0.35"):
    """Thin vertical lines from the floor of a 3-D plot up to the surface, one per point.

    They join each point of a :func:`floor_path` to the same point of a
    :func:`lifted_path`, showing that the height is read off, not travelled.

    Parameters
    ----------
    ax3d : mpl_toolkits.mplot3d.axes3d.Axes3D
    surface : gdcourse.surfaces.Surface
        A 2-weight surface.
    weights : array_like, shape (k, 2)
    z : float, optional
        Height of the floor; by default the bottom of the z axis.
    color : str

    Returns
    -------
    mpl_toolkits.mplot3d.art3d.Line3DCollection

    Examples
    --------
    >>> from gdcourse import surfaces
    >>> fig, ax = new_figure(projection="3d")
    >>> drops = drop_lines(ax, surfaces.bowl(), [[1.0, 1.0], [0.0, 0.5]], z=-1.0)
    >>> print(type(drops).__name__)
    Line3DCollection
    """
    from mpl_toolkits.mplot3d.art3d import Line3DCollection

    w = np.asarray(weights, dtype=float)
    height = ax3d.get_zlim()[0] if z is None else float(z)
    top = surface(w)
    segments = [[(a, b, height), (a, b, t)] for (a, b), t in zip(w, top)]
    drops = Line3DCollection(segments, colors=color, linewidths=0.6, linestyles=":")
    ax3d.add_collection3d(drops)
    return drops

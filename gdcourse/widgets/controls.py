"""What several explorers share: controls declared once, the run status, the banded bowl.

A control is declared once, as a :class:`Control`: the live widget (whose
``description`` is its label) and the values the static form precomputes.
The factories below make the kinds the explorers use.

>>> c = log_slider(0.1, -2.0, 0.5, "learning rate", static=[0.05, 0.3])
>>> c.label, c.values(), c.value_label(0.3)
('learning rate', [0.05, 0.1, 0.3], '0.3')
>>> int_slider(30, 0, 80, "steps").values()   # no static values: the current one
[30]
"""

from __future__ import annotations

import functools

import ipywidgets as ipw
import numpy as np
from matplotlib.image import AxesImage

from gdcourse import checks, plotting, surfaces

__all__ = [
    "CONDITION_NUMBERS",
    "BandedBowl",
    "Control",
    "descent_controls",
    "divergence_status",
    "dropdown",
    "float_slider",
    "int_slider",
    "log_slider",
    "loss_gap",
    "number_label",
    "over_the_rest",
    "selection_slider",
    "stops",
]

_STYLE = {"description_width": "initial"}


class Control:
    """One control of an explorer: its live widget, static values and label, declared together.

    Parameters
    ----------
    widget : ipywidgets.ValueWidget
        The live control; its ``description`` is the label shown in Jupyter
        and on the site.
    static : sequence, optional
        The values the static form precomputes, one frame each (combined with
        the other controls' values); empty keeps the current value only.
    prefix : bool
        Each value only draws a prefix of what the largest value draws (more
        steps of a run, more restarts): the static form computes the largest
        value's drawing and offers every value of the slider, each drawn as
        its part of it (``static`` must then be empty).

    Raises
    ------
    ValueError
        If a static value is not one the widget can take, or a prefix
        control is not an integer slider or is given static values.
    """

    def __init__(self, widget, static=(), prefix=False):
        self.widget = widget
        self.static = tuple(static)
        self.prefix = bool(prefix)
        if self.prefix and (self.static or not isinstance(widget, ipw.IntSlider)):
            raise ValueError(
                "prefix must be False unless the widget is an IntSlider with no "
                f"static values (it offers every value), got {type(widget).__name__} "
                f"with static={self.static!r}"
            )
        for value in self.static:
            self._check(value)

    def is_menu(self):
        """Whether the control is a menu of options (shown as a select on the site)."""
        return isinstance(self.widget, ipw.Dropdown)

    @property
    def label(self):
        """The control's label (its widget's ``description``)."""
        return self.widget.description

    def _options(self):
        """(label, value) pairs of a control with options, else None."""
        options = getattr(self.widget, "options", None)
        if options is None:
            return None
        return [o if isinstance(o, tuple) else (str(o), o) for o in options]

    def _check(self, value):
        options = self._options()
        name = f"a static value of {self.label!r}"
        if options is not None:
            checks.one_of(name, value, [v for _, v in options])
        elif isinstance(self.widget, ipw.FloatLogSlider):
            w = self.widget
            checks.in_interval(name, value, w.base**w.min, w.base**w.max, "both")
        else:
            checks.in_interval(name, value, self.widget.min, self.widget.max, "both")

    def values(self):
        """The values the static form precomputes: the static ones and the current one.

        A prefix control offers every value of its slider.
        """
        w = self.widget
        if self.prefix:
            return list(range(w.min, w.max + 1, w.step))
        values = list(self.static)
        if w.value in values:
            return values
        # the current value joins them: the site opens on the setting the
        # stored picture shows
        options = self._options()
        if options is not None:
            return [v for _, v in options if v in values or v == w.value]
        return sorted([*values, w.value])

    def value_label(self, value):
        """How ``value`` is written next to the control on the site."""
        if isinstance(self.widget, ipw.Dropdown):
            for label, option in self._options():
                if option == value:
                    return str(label)
            return str(value)
        return number_label(value, self._digits)

    @functools.cached_property
    def _digits(self):
        """Significant digits that tell every value the control offers apart (at least 3)."""
        options = self._options()
        known = [v for _, v in options] if options is not None else list(self.static)
        numbers = [v for v in known if not isinstance(v, (str, int, np.integer))]
        for digits in range(3, 7):
            if len({number_label(v, digits) for v in numbers}) == len(set(numbers)):
                return digits
        return 3


def number_label(value, digits=3):
    """A number as the site writes it, with ``digits`` significant digits (an integer whole).

    >>> [number_label(v) for v in (3, 0.0, 0.6, 0.9999, 10 ** -1.3)]
    ['3', '0', '0.6', '1', '0.0501']
    >>> number_label(0.9999, 4)
    '0.9999'
    """
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return f"{value:.{digits}g}"


def log_slider(value, lo_exp, hi_exp, label, step=0.05, static=()):
    """A log-scale slider from ``10**lo_exp`` to ``10**hi_exp`` (learning rates)."""
    widget = ipw.FloatLogSlider(
        value=value,
        base=10,
        min=lo_exp,
        max=hi_exp,
        step=step,
        description=label,
        readout_format=".3g",
        style=_STYLE,
    )
    return Control(widget, static)


def float_slider(value, lo, hi, label, step=0.1, readout=".2f", static=()):
    """A slider over real numbers from ``lo`` to ``hi``."""
    widget = ipw.FloatSlider(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=label,
        readout_format=readout,
        style=_STYLE,
    )
    return Control(widget, static)


def int_slider(value, lo, hi, label, step=1, static=(), prefix=False):
    """A slider over the integers from ``lo`` to ``hi`` (counts: steps, layers, seeds).

    ``prefix=True`` for a count that only extends the drawing: steps, restarts
    (see :class:`Control`).
    """
    widget = ipw.IntSlider(
        value=value, min=lo, max=hi, step=step, description=label, style=_STYLE
    )
    return Control(widget, static, prefix)


def selection_slider(value, options, label, static=()):
    """A slider over a few given values (condition numbers, batch sizes)."""
    widget = ipw.SelectionSlider(
        options=list(options), value=value, description=label, style=_STYLE
    )
    return Control(widget, static)


def dropdown(value, options, label, static=(), wide_label=True):
    """A menu: ``options`` are values, or (label, value) pairs."""
    widget = ipw.Dropdown(
        options=list(options),
        value=value,
        description=label,
        **({"style": _STYLE} if wide_label else {}),
    )
    return Control(widget, static)


def stops(lo, hi, n=10, step=0.1):
    """``n`` evenly spaced values from ``lo`` to ``hi``, on the slider's grid of ``step``.

    >>> stops(-2.0, 2.0)
    [-2.0, -1.6, -1.1, -0.7, -0.2, 0.2, 0.7, 1.1, 1.6, 2.0]
    """
    values = np.round(np.linspace(lo, hi, n) / step) * step
    return [round(float(v), 10) for v in values]


def _start_stops(lo, hi, start):
    """Ten values over ``[lo, hi]``, ``start`` among them, none crowding another.

    Nine evenly spaced stops and the start, when the start lies at least a
    third of their spacing from each of them; otherwise the ten evenly spaced
    stops, with the one nearest the start moved onto it.

    >>> _start_stops(-4.0, 4.0, -2.5)
    [-4.0, -3.0, -2.5, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0]
    >>> _start_stops(-2.0, 2.0, 1.5)
    [-2.0, -1.6, -1.1, -0.7, -0.2, 0.2, 0.7, 1.1, 1.5, 2.0]
    """
    nine = stops(lo, hi, 9)
    if min(abs(v - start) for v in nine) >= (hi - lo) / 8 / 3:
        return sorted([*nine, start])
    ten = stops(lo, hi, 10)
    ten[int(np.argmin([abs(v - start) for v in ten]))] = start
    return ten


def descent_controls(lr, steps, max_steps, start, box, names, labels, static=None):
    """The controls of a plain descent explorer: rate (log scale), steps, and a 2-D start in ``box``.

    ``static`` maps some of the names ``"lr"`` and ``names`` to their static
    values (by default the starts offer :func:`stops` over the box); the steps
    are a prefix control (every value is offered).
    """
    static = static or {}
    (x_lo, x_hi), (y_lo, y_hi) = box
    return {
        "lr": log_slider(lr, -2.5, 0.3, "learning rate", static=static.get("lr", ())),
        # the steps only lengthen a run: the site offers every one
        "steps": int_slider(steps, 0, max_steps, "steps", prefix=True),
        names[0]: float_slider(
            start[0],
            x_lo,
            x_hi,
            labels[0],
            static=static.get(names[0], _start_stops(x_lo, x_hi, start[0])),
        ),
        names[1]: float_slider(
            start[1],
            y_lo,
            y_hi,
            labels[1],
            static=static.get(names[1], _start_stops(y_lo, y_hi, start[1])),
        ),
    }


def divergence_status(losses, stopped_at, diverged, note=None):
    """What went wrong with a run, in the one wording every explorer uses ('' if nothing did).

    A run stopped for leaving every bound "diverged"; a run that was not
    stopped but ends with a loss above its starting loss is "diverging".
    Given ``note`` (a text artist, see :func:`gdcourse.plotting.diverged_note`),
    the status up to its colon ("diverged at step k" or "diverging", short
    enough for any panel) is also written there, and the note hidden when
    nothing went wrong.

    Parameters
    ----------
    losses : array_like, shape (steps + 1,)
        The run's loss at every step (NaN after a stop).
    stopped_at : int
        The last step the run took.
    diverged : bool
        Whether the run was stopped for diverging.
    note : matplotlib.text.Text, optional

    Returns
    -------
    str

    Notes
    -----
    With losses :math:`L_0, \\dots, L_k` and :math:`k` the last step, a run
    that was not stopped is diverging when :math:`L_k > L_0`.

    Examples
    --------
    >>> divergence_status(np.array([4.0, 2.0, 5.0, 9.0]), 3, False)
    'diverging: loss up from 4 to 9 in 3 steps'
    >>> divergence_status(np.array([4.0, 2.0, 1.0]), 2, False)
    ''
    >>> divergence_status(np.array([4.0, 1e9, np.nan]), 1, True)
    'diverged at step 1'
    """
    k = int(stopped_at)
    first, last = float(losses[0]), float(losses[k])
    if diverged:
        status = f"diverged at step {k}"
    elif last > first:
        steps = "1 step" if k == 1 else f"{k} steps"
        status = f"diverging: loss up from {first:.3g} to {last:.3g} in {steps}"
    else:
        status = ""
    if note is not None:
        note.set_text(status.split(":")[0])
        note.set_visible(bool(status))
    return status


#: Condition numbers offered by the chapter-2 and chapter-7 explorers (ten stops).
CONDITION_NUMBERS = (1, 2, 3, 5, 7, 10, 20, 30, 50, 100)


def _loss_bands(surface, n=160, levels=18):
    """The log-spaced loss of a 2-weight surface in ``levels`` flat bands, for ``imshow``."""
    X, Y, Z = surface.grid(n)
    z = np.log1p(Z - Z.min())
    return np.floor(z / z.max() * (levels - 0.001))


def draw_bands(ax, surface, bands, xlabel="$w_1$", ylabel="$w_2$"):
    """Show a surface's loss bands over its box, with its minima; return the image artist."""
    (x0, x1), (y0, y1) = surface.box
    image = ax.imshow(
        bands,
        origin="lower",
        extent=(x0, x1, y0, y1),
        cmap=plotting.CMAP,
        interpolation="nearest",
        aspect="equal",
    )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    plotting.mark_minima(ax, surface)
    return image


class BandedBowl:
    """An elongated bowl per condition number, drawn as a banded image that can be swapped fast.

    Used by the chapter-2 and chapter-7 explorers.
    """

    def __init__(self, L, kappas, box_surface_factory=surfaces.elongated_bowl):
        self.L = float(L)
        self.surfaces = {
            k: box_surface_factory(kappa=float(k), L=self.L) for k in kappas
        }
        self.bands = {k: _loss_bands(s) for k, s in self.surfaces.items()}

    def draw(self, ax, kappa):
        """Draw the bowl of condition number ``kappa`` on ``ax``; return the image artist."""
        return draw_bands(
            ax,
            self.surfaces[kappa],
            self.bands[kappa],
            xlabel="$w_1$ (flat direction)",
            ylabel="$w_2$ (steep)",
        )


#: What :func:`over_the_rest` adds to a z-order: a line (2) or text (3) goes above a legend (5).
LIFT = 5


def over_the_rest(artists):
    """Draw an explorer's changing vector artists above its static ones, legends included.

    The site paints them over a background picture of everything else, so a
    path crossing a legend covers it there; live, artists are drawn in
    z-order, where a legend (z-order 5) covers a path (2).  Lifting each by
    :data:`LIFT`, keeping their order among themselves, makes the two
    pictures agree.  Images (the loss bands) are left where they are.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> (line,) = ax.plot([0, 1]); text = ax.text(0, 0, "x")
    >>> over_the_rest([line, text]); (line.get_zorder(), text.get_zorder())
    (7, 8)
    >>> plt.close(fig)
    """
    for artist in artists:
        if not isinstance(artist, AxesImage):
            artist.set_zorder(artist.get_zorder() + LIFT)


def loss_gap(run, surface):
    """Loss above the minimum, clipped away from 0 for a log axis (NaN after a stop stays NaN)."""
    gap = run.losses - float(surface(surface.global_minimum))
    return np.where(np.isnan(gap), np.nan, np.maximum(gap, 1e-16))

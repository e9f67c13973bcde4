"""Settings one key press away, drawn while the kernel is idle.

A learner moving a live explorer's control with the keyboard steps to a
neighbouring value.  After each change, while the kernel has nothing else to
do, the explorer records the drawing of every setting one key press away
(the control just moved first, onwards before back) and sends it to its
painted picture
(:class:`gdcourse.widgets.painter.LivePicture`).  The page paints such a
drawing the moment its controls reach that setting, without waiting for the
kernel; the kernel's own drawing of the setting follows as usual, and the page
counts any difference between the two (``data-mismatches`` on the canvas).

Each drawing ahead runs as its own callback on the kernel's event loop, with
a pause of :data:`PAUSE` between two, so a message from the page waits for
at most one of them.  Without a running event loop (a script, ``make bench``)
nothing is drawn ahead.

A setting is named as the page sees it: per control, its ``value``, or its
``index`` for a choice among options (:func:`page_attribute`).
"""

from __future__ import annotations

import asyncio
import math

import ipywidgets as ipw

__all__ = ["Lookahead", "key_steps", "one_key_away", "page_attribute", "page_state"]

#: Relative difference under which two values are the same setting (the page
#: computes a slider's value in its own floating point; so does the kernel).
SAME = 1e-9

#: How many drawings the page keeps (the latest; the kernel's own frames among
#: them) and the kernel remembers as sent.
KEPT = 64

#: Seconds between two drawings ahead: the kernel's event loop reads the page's
#: messages in them (with no pause, a message waited for most of the drawings).
PAUSE = 0.002


def page_attribute(widget):
    """The model attribute the page changes when ``widget`` moves: ``"index"`` or ``"value"``.

    >>> page_attribute(ipw.Dropdown(options=["a", "b"])), page_attribute(ipw.IntSlider())
    ('index', 'value')
    """
    return (
        "index"
        if isinstance(widget, ipw.widgets.widget_selection._Selection)
        else "value"
    )


def _options(widget):
    """The values a choice widget offers, in order (its options may be (label, value) pairs)."""
    return list(widget._options_values)


def page_state(widget, value):
    """``value`` of ``widget`` as the page's model holds it (an option's index, or the value).

    >>> page_state(ipw.Dropdown(options=[("one", 1), ("two", 2)]), 2)
    1
    >>> page_state(ipw.FloatSlider(), 0.5)
    0.5
    """
    if page_attribute(widget) == "index":
        return _options(widget).index(value)
    return value


def _grid_neighbours(x, lo, hi, step):
    """The points of the grid ``lo + k step`` one step below and above ``x``, within [lo, hi].

    A slider's arrow key adds or subtracts ``step`` and snaps to the nearest
    point of the grid, a tie upwards as noUiSlider rounds (so a value between
    grid points moves to one of them).  None where the key moves nowhere.
    """
    out = []
    for direction in (-1, 1):
        k = math.floor((x + direction * step - lo) / step + 0.5)  # as JS's Math.round
        y = min(max(lo + k * step, lo), hi)
        close = math.isclose(y, x, rel_tol=SAME, abs_tol=SAME * step)
        out.append(None if close else y)
    return out


def key_steps(widget, value=None):
    """The values the down and up arrow keys move ``widget`` to from ``value``.

    Sliders step by their ``step`` on the grid from ``min`` (a log slider by
    its exponent); a choice moves to the option before or after.

    Parameters
    ----------
    widget : ipywidgets.ValueWidget
    value : optional
        By default the widget's current value.

    Returns
    -------
    (down, up)
        Each a value, or None where the key moves nowhere (an end, or a
        widget that arrow keys do not move).

    Examples
    --------
    >>> key_steps(ipw.IntSlider(value=4, min=0, max=10, step=2))
    (2, 6)
    >>> key_steps(ipw.IntSlider(min=0, max=10, step=2), 10)
    (8, None)
    """
    value = widget.value if value is None else value
    if page_attribute(widget) == "index":
        options = _options(widget)
        i = options.index(value)
        return tuple(
            options[j] if 0 <= j < len(options) else None for j in (i - 1, i + 1)
        )
    if isinstance(widget, ipw.FloatLogSlider):
        exponent = math.log(value, widget.base)
        grid = _grid_neighbours(exponent, widget.min, widget.max, widget.step)
        return tuple(None if e is None else widget.base**e for e in grid)
    if isinstance(widget, (ipw.IntSlider, ipw.FloatSlider)):
        grid = _grid_neighbours(value, widget.min, widget.max, widget.step)
        whole = isinstance(widget, ipw.IntSlider)
        return tuple(None if v is None else int(v) if whole else v for v in grid)
    return None, None


def one_key_away(widget):
    """The values an arrow key moves ``widget`` to from its current value: down, then up.

    See :func:`key_steps`; widgets that arrow keys do not move: none.

    Examples
    --------
    >>> one_key_away(ipw.IntSlider(value=4, min=0, max=10, step=2))
    [2, 6]
    >>> [round(v, 6) for v in one_key_away(ipw.FloatLogSlider(value=1.0, min=-1, max=0, step=0.5))]
    [0.316228]
    >>> one_key_away(ipw.Dropdown(options=["a", "b", "c"], value="a"))
    ['b']
    """
    return [v for v in key_steps(widget) if v is not None]


class Lookahead:
    """Draws an explorer's settings one key press away, one per turn of the event loop.

    Parameters
    ----------
    explorer : gdcourse.widgets.base.Explorer
        With a painted picture (``explorer.live``).

    Attributes
    ----------
    sent : dict
        The last :data:`KEPT` settings sent to the page (per background
        generation, oldest first), not drawn again until :meth:`forget`.
    """

    def __init__(self, explorer):
        self.explorer = explorer
        self.token = 0
        self.queue = []
        self.sent = {}
        self.drawn = False
        self.last = None

    def forget(self):
        """Forget what was sent (a new view, with nothing drawn ahead)."""
        self.sent.clear()

    def stop(self):
        """Stop drawing ahead (a change came in; its own settings follow)."""
        self.token += 1
        self.queue = []

    def restart(self, moved=None):
        """Draw the settings one key press away from the current one, ``moved``'s first.

        Parameters
        ----------
        moved : str, optional
            The control that changed last.
        """
        self.stop()
        ex = self.explorer
        if ex._error is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop: nobody to paint ahead for
            return
        current = ex.values
        self._remember(current)  # the page keeps the kernel's own frame
        self.queue = [
            dict(current, **{name: value})
            for name in sorted(ex.controls, key=lambda name: name != moved)
            for value in self._in_order(name, current, moved)
        ]
        self.last = current
        self.drawn = False
        loop.call_soon(self._next, self.token, loop, current)

    def _in_order(self, name, current, moved):
        """``name``'s values to draw ahead, one key away.

        For the control just moved: the next value onwards, then the one
        after it (where a key held down goes next), then the one back.
        """
        widget = self.explorer.controls[name]
        if name != moved or self.last is None:
            return one_key_away(widget)
        was, now = (page_state(widget, v[name]) for v in (self.last, current))
        up = int(now > was)  # the index of "onwards" in (down, up)
        steps = key_steps(widget)
        onward, back = steps[up], steps[1 - up]
        further = None if onward is None else key_steps(widget, onward)[up]
        return [v for v in (onward, further, back) if v is not None]

    def _key(self, values):
        state = self.explorer.live.state(values)
        rounded = tuple(
            float(f"{s:.12g}") if isinstance(s, float) else s for s in state
        )
        return self.explorer.live.feed.generation, rounded

    def _remember(self, values):
        key = self._key(values)
        self.sent.pop(key, None)
        self.sent[key] = True
        while len(self.sent) > KEPT:
            del self.sent[next(iter(self.sent))]

    def _next(self, token, loop, current):
        if token != self.token:
            return
        ex = self.explorer
        while self.queue:
            values = self.queue.pop(0)
            if self._key(values) not in self.sent:
                break
        else:
            if self.drawn:
                self._settle(current)
            return
        status = ex.status
        try:
            ex.status = ex.draw(**values) or ""
        except Exception:  # an error is shown when the learner gets there
            pass
        else:
            ex.live.ahead(values, ex._alt(values), ex.status)
            self._remember(values)
        finally:
            self.drawn = True
            ex.status = status
        # a pause, so that the loop also reads the page's messages in between
        loop.call_later(PAUSE, self._next, token, loop, current)

    def _settle(self, current):
        """Leave the artists drawn for the current setting, as before drawing ahead."""
        ex = self.explorer
        status = ex.status
        try:
            ex.draw(**current)
        except Exception:  # noqa: S110 - drawn without error before; never raised here
            pass
        ex.status = status

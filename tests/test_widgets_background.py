"""Explorers' cached backgrounds: the live picture is the picture a full redraw makes.

An explorer draws its figure once without the artists listed in ``dynamic``,
keeps that background, and on every control change draws only the listed
artists over it (``Explorer._render``).  An artist that ``draw`` changes but
``build`` forgot to list is baked into the background in its first state and
goes stale with no error.  Here every registered explorer is set to several
settings and its live picture is compared, pixel for pixel, with a full
redraw of the whole figure (``canvas.draw()``, every artist drawn in its
current state).

The live view and the site draw the dynamic artists over the background, in
the order ``dynamic`` lists them, whatever their z-order; the full redraw is
made with them lifted above everything else in that same order, so that the
two pictures are the same to the last pixel and any difference is a stale
artist (or a background the raster state does not key).
"""

import numpy as np
import pytest

from gdcourse import widgets


def settings(explorer, seed=0):
    """The explorer's current setting, then others drawn from each control's values.

    Each control alone moved to another value (its last, or its first if the
    last is the current one), the others left as they are; every control at
    its first value; every control at its last (the largest rate: most
    explorers show a diverging run there, with its note); and each control
    at a random value other than its current one.  A control that swaps a
    raster artist (a surface's loss bands) swaps the background with it, so
    an artist that goes stale is seen only when the other controls move
    without it: hence the settings that move one control at a time.
    """
    rng = np.random.default_rng(seed)
    start = explorer.values
    values = {name: spec.values() for name, spec in explorer.specs.items()}
    chosen = [start]
    for name, offered in values.items():
        other = offered[-1] if offered[-1] != start[name] else offered[0]
        if other != start[name]:
            chosen.append(dict(start, **{name: other}))
    chosen.append({name: offered[0] for name, offered in values.items()})
    chosen.append({name: offered[-1] for name, offered in values.items()})
    mixed = {}
    for name, offered in values.items():
        others = [v for v in offered if v != start[name]] or offered
        mixed[name] = others[rng.integers(len(others))]
    chosen.append(mixed)
    return chosen


def picture(explorer):
    """The canvas as an RGBA array (a copy)."""
    return np.asarray(explorer.figure.canvas.buffer_rgba()).copy()


def full_redraw(explorer):
    """The whole figure drawn from scratch, the dynamic artists on top in their listed order."""
    vector = explorer._vector
    saved = [(a.get_animated(), a.get_zorder()) for a in vector]
    top = max(a.get_zorder() for a in explorer.figure.findobj()) + 1
    try:
        for i, artist in enumerate(vector):
            artist.set_animated(False)
            artist.set_zorder(top + i)
        explorer.figure.canvas.draw()
        return picture(explorer)
    finally:
        for artist, (animated, zorder) in zip(vector, saved):
            artist.set_animated(animated)
            artist.set_zorder(zorder)


def where(cached, full):
    """The number of differing pixels and their bounding box (x0, x1, y0, y1)."""
    ys, xs = np.nonzero(np.any(cached != full, axis=-1))
    return len(xs), (int(xs.min()), int(xs.max()), int(ys.min()), int(ys.max()))


@pytest.mark.parametrize("name", sorted(widgets.EXPLORERS))
def test_the_live_picture_is_a_full_redraw(name):
    explorer = widgets.EXPLORERS[name]()
    wrong = []
    for setting in settings(explorer):
        explorer.set(**setting)
        assert not explorer.status.startswith("error"), (setting, explorer.status)
        cached = picture(explorer)
        full = full_redraw(explorer)
        assert cached.shape == full.shape
        if not np.array_equal(cached, full):
            count, box = where(cached, full)
            wrong.append(f"{setting}: {count} pixels differ in x, y box {box}")
    assert not wrong, (
        f"explorer {name!r} shows stale pixels (an artist draw() changes "
        "that build() did not list in self.dynamic?):\n" + "\n".join(wrong)
    )

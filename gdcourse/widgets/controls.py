"""What several explorers share: control factories, run statuses, the banded bowl."""

from __future__ import annotations

import ipywidgets as ipw
import numpy as np

from gdcourse import plotting, surfaces


def _log_slider(value, lo_exp, hi_exp, description, step=0.05):
    return ipw.FloatLogSlider(
        value=value,
        base=10,
        min=lo_exp,
        max=hi_exp,
        step=step,
        description=description,
        readout_format=".3g",
        style={"description_width": "initial"},
    )


def _float_slider(value, lo, hi, description, step=0.1):
    return ipw.FloatSlider(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=description,
        readout_format=".2f",
        style={"description_width": "initial"},
    )


def _int_slider(value, lo, hi, description, step=1):
    return ipw.IntSlider(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=description,
        style={"description_width": "initial"},
    )


def _descent_controls(lr, steps, max_steps, start, box, names, labels):
    """The controls of a plain descent explorer: rate (log scale), steps, and a 2-D start in ``box``."""
    (x_lo, x_hi), (y_lo, y_hi) = box
    return {
        "lr": _log_slider(lr, -2.5, 0.3, "learning rate"),
        "steps": _int_slider(steps, 0, max_steps, "steps"),
        names[0]: _float_slider(start[0], x_lo, x_hi, labels[0]),
        names[1]: _float_slider(start[1], y_lo, y_hi, labels[1]),
    }


def run_status(run):
    """A short human description of a single-start :class:`~gdcourse.descent.Trajectory`."""
    if run.diverged:
        return f"diverged at step {run.stopped_at}"
    if run.stopped_at > 0 and run.final_loss > run.losses[0]:
        return f"diverging: loss {run.final_loss:.3g} after {run.stopped_at} steps, up from {run.losses[0]:.3g}"
    return f"loss {run.final_loss:.3g} after {run.stopped_at} steps"


#: Condition numbers offered by the chapter-2 and chapter-7 explorers.
CONDITION_NUMBERS = (1, 3, 10, 30, 100)


def _selection_slider(value, options, description):
    return ipw.SelectionSlider(
        options=list(options),
        value=value,
        description=description,
        style={"description_width": "initial"},
    )


def _loss_bands(surface, n=160, levels=18):
    """The log-spaced loss of a 2-weight surface in ``levels`` flat bands, for ``imshow``."""
    X, Y, Z = surface.grid(n)
    z = np.log1p(Z - Z.min())
    return np.floor(z / z.max() * (levels - 0.001))


class _BandedBowl:
    """An elongated bowl per condition number, drawn as a banded image that can be swapped fast."""

    def __init__(self, L, kappas, box_surface_factory=surfaces.elongated_bowl):
        self.L = float(L)
        self.surfaces = {
            k: box_surface_factory(kappa=float(k), L=self.L) for k in kappas
        }
        self.bands = {k: _loss_bands(s) for k, s in self.surfaces.items()}

    def draw(self, ax, kappa):
        s = self.surfaces[kappa]
        (x0, x1), (y0, y1) = s.box
        image = ax.imshow(
            self.bands[kappa],
            origin="lower",
            extent=(x0, x1, y0, y1),
            cmap=plotting.CMAP,
            interpolation="nearest",
            aspect="equal",
        )
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_xlabel("$w_1$ (flat direction)")
        ax.set_ylabel("$w_2$ (steep)")
        plotting.mark_minima(ax, s)
        return image


def _loss_gap(run, surface):
    """Loss above the minimum, clipped away from 0 for a log axis (NaN after a stop stays NaN)."""
    gap = run.losses - float(surface(surface.global_minimum))
    return np.where(np.isnan(gap), np.nan, np.maximum(gap, 1e-16))


def _growth_status(run):
    """Like :func:`run_status`, but a run whose loss ended above its start is called diverging."""
    if not run.diverged and run.final_loss > run.losses[0]:
        return f"diverging: loss grew {run.final_loss / run.losses[0]:.3g}-fold in {run.stopped_at} steps"
    return run_status(run)


def _show_trouble(note, status):
    """Show ``status`` on the figure if the run diverged or is diverging."""
    trouble = status.startswith("diverg")
    note.set_text(status if trouble else "")
    note.set_visible(trouble)

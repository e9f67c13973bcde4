"""Chapter 12 explorer: the race, rate by rate.

For one problem of the race's suite and one entry, every rate of the grid
run from every seed to the end of its budget (:func:`gdcourse.race.sweeps`):
the loss of each seed's run at the chosen rate (left), and the steps to the
target at every rate, tuning and held-out seeds apart, with the rate the
protocol picks (right).  The course's network is left out: its runs cost far
more than the others' (65 weights and 75 examples at every step).
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
from matplotlib.lines import Line2D

from gdcourse import optimizers, plotting, race
from gdcourse.widgets.base import Explorer
from gdcourse.widgets.controls import dropdown, selection_slider
from gdcourse.widgets.registry import register

__all__ = [
    "RACE_PROBLEMS",
    "RACE_ENTRIES",
    "RACE_RATES",
    "TUNING_SEEDS",
    "HELD_OUT_SEEDS",
    "race_sweeps",
    "RaceExplorer",
    "race_explorer",
]

#: The problems offered: the suite without the network (see the module docstring).
RACE_PROBLEMS = ("quadratic", "turned ravine", "Rosenbrock", "Beale", "noisy quadratic")

#: The entries offered: the tuned references and Lion, as the race makes them.
RACE_ENTRIES = {
    **{e.name: e.optimizer for e in race.reference_entries() if e.tuned},
    "Lion": optimizers.lion(),
}

#: Every rate of the offered problems' grids (the noisy quadratic's starts at 0.0013).
RACE_RATES = race.rate_grid(1.3e-4, 4.2)

#: The race's default seeds: the rate is chosen on the first, reported on the others.
TUNING_SEEDS = (0, 1, 2)
HELD_OUT_SEEDS = (3, 4, 5, 6, 7)

#: How the status names each problem.
PHRASES = {
    "quadratic": "the quadratic",
    "turned ravine": "the turned ravine",
    "Rosenbrock": "Rosenbrock's function",
    "Beale": "Beale's function",
    "noisy quadratic": "the noisy quadratic",
}

#: The loss, as a fraction of the starting loss, is drawn between these.
LOSS_RANGE = (1e-10, 1e3)
#: Steps to the target are drawn up to this; a failure sits on the row above.
STEPS_TOP, FAIL_ROW = 2000.0, 4000.0
#: About this many points of each loss curve are drawn, evenly spaced in log(step).
CURVE_POINTS = 200


def _shown_steps(budget):
    """The steps whose losses are drawn: 1 to ``budget``, evenly spaced on a log scale.

    >>> _shown_steps(1000)[:12], len(_shown_steps(1000))
    (array([ 1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12]), 131)
    """
    return np.unique(np.round(np.geomspace(1, budget, CURVE_POINTS)).astype(int))


@functools.cache
def race_sweeps(name):
    """Every offered entry's sweep of one problem over :data:`RACE_RATES`, with loss curves.

    The seeds are :data:`TUNING_SEEDS` and :data:`HELD_OUT_SEEDS` (one seed
    for a deterministic problem), every run to the end of its budget
    (:func:`gdcourse.race.sweeps`, ``curves=True``); computed once per
    problem and kept.

    Parameters
    ----------
    name : str
        One of :data:`RACE_PROBLEMS`.

    Returns
    -------
    problem : gdcourse.race.Problem
        The suite's problem, as the race defines it.
    sweeps : dict
        Entry name -> :class:`gdcourse.race.Sweep`.

    Examples
    --------
    >>> problem, sweeps = race_sweeps("Beale")
    >>> sweeps["Adam"].losses.shape  # rates, the one seed, steps + 1
    (19, 1, 1001)
    """
    if name not in RACE_PROBLEMS:
        raise ValueError(f"name must be one of {RACE_PROBLEMS}, got {name!r}")
    problem = race.problem(name)
    wide = dataclasses.replace(problem, rates=RACE_RATES)
    seeds = TUNING_SEEDS + HELD_OUT_SEEDS
    runs = race.sweeps(wide, list(RACE_ENTRIES.values()), seeds=seeds, curves=True)
    return problem, dict(zip(RACE_ENTRIES, runs))


def _chosen(problem, sweep):
    """Index into :data:`RACE_RATES` of the rate the protocol picks (on the problem's grid)."""
    own = [RACE_RATES.index(r) for r in problem.rates]
    tuning = [sweep.seeds.index(s) for s in problem.seeds(TUNING_SEEDS)]
    pick = race.choose_rate(
        sweep.steps[np.ix_(own, tuning)], sweep.best[np.ix_(own, tuning)]
    )
    return own[pick]


def _cell(problem, entry, i, sweep, seeds):
    """The runs of ``seeds`` at rate ``i``, as a :class:`gdcourse.race.Cell` (for its text)."""
    cols = [sweep.seeds.index(s) for s in seeds]
    return race.Cell(
        problem.name,
        entry,
        RACE_RATES[i],
        tuple(seeds),
        True,
        sweep.steps[i, cols],
        sweep.grads[i, cols],
        tuple(sweep.reasons[i, cols]),
    )


def _summary(series):
    """Median and range of each rate's runs (``inf`` when half or more failed)."""
    med = np.median(series, axis=1)
    return med, series.min(axis=1), series.max(axis=1)


def _bars(x, lo, hi):
    """One polyline of vertical bars from ``lo`` to ``hi`` at ``x`` (NaN between bars)."""
    xs = np.repeat(x, 3)
    ys = np.stack([lo, hi, np.full(len(x), np.nan)], axis=1).ravel()
    xs[2::3] = np.nan
    return xs, ys


class RaceExplorer(Explorer):
    """The race, rate by rate: one problem, one entry, one rate of the grid.

    Left: the loss of every seed's run at the chosen rate, as a fraction of
    the starting loss, the tuning seeds and the held-out seeds in two colours
    (one run on a deterministic problem), a dot where each run reached the
    target (held for :attr:`~gdcourse.race.Problem.hold` steps), and the
    target.  Right: the steps to the target at every rate of the grid, the
    median of the tuning seeds and of the held-out seeds with their ranges,
    failures on the top row, the rate the protocol picks from the tuning
    seeds (a star) and the chosen rate (a vertical line).

    Controls: the problem, the entry, the rate.
    """

    def __init__(self, problem="noisy quadratic", entry="SGD", rate=None):
        if problem not in RACE_PROBLEMS:
            raise ValueError(f"problem must be one of {RACE_PROBLEMS}, got {problem!r}")
        if entry not in RACE_ENTRIES:
            raise ValueError(
                f"entry must be one of {tuple(RACE_ENTRIES)}, got {entry!r}"
            )
        self.data = {name: race_sweeps(name) for name in RACE_PROBLEMS}
        if rate is None:
            p, sweeps = self.data[problem]
            rate = RACE_RATES[_chosen(p, sweeps[entry])]
        controls = {
            "problem": dropdown(
                problem, RACE_PROBLEMS, "problem", static=RACE_PROBLEMS
            ),
            "entry": dropdown(
                entry, tuple(RACE_ENTRIES), "entry", static=tuple(RACE_ENTRIES)
            ),  # fmt: skip
            "rate": selection_slider(rate, RACE_RATES, "rate", static=RACE_RATES),
        }
        super().__init__(controls, title="The race, rate by rate", height=3.6)

    def build(self, axes):
        ax_l, ax_s = axes
        colors = plotting.COLORS
        self.styles = {
            "tuning": dict(color=colors["blue"], lw=1.0, alpha=0.85),
            "held-out": dict(color=colors["vermillion"], lw=1.0, alpha=0.85),
            "one run": dict(color=colors["black"], lw=1.2),
        }
        n = len(TUNING_SEEDS) + len(HELD_OUT_SEEDS)
        self.curves = [ax_l.plot([], [], **self.styles["tuning"])[0] for _ in range(n)]
        self.hits = {
            kind: ax_l.plot([], [], "o", ms=4, color=style["color"])[0]
            for kind, style in self.styles.items()
        }
        (self.target,) = ax_l.plot([], [], "--", color="0.1", lw=1.4, zorder=4)
        ax_l.set_xscale("log")
        ax_l.set_yscale("log")
        ax_l.set_xlim(1, max(self.data[p][0].steps for p in RACE_PROBLEMS))
        ax_l.set_ylim(*LOSS_RANGE)
        ax_l.set_xlabel("step")
        ax_l.set_ylabel("loss / starting loss")
        handles = [Line2D([], [], **style) for style in self.styles.values()]
        handles.append(Line2D([], [], ls="--", color="0.1", lw=1.4))
        labels = [
            f"tuning seeds {TUNING_SEEDS[0]}-{TUNING_SEEDS[-1]}",
            f"held-out seeds {HELD_OUT_SEEDS[0]}-{HELD_OUT_SEEDS[-1]}",
            "one run (deterministic)",
            "target",
        ]

        self.medians, self.ranges, self.fails = {}, {}, {}
        for kind, style in self.styles.items():
            color = style["color"]
            self.medians[kind] = ax_s.plot([], [], "o", ms=4, color=color)[0]
            self.ranges[kind] = ax_s.plot([], [], "-", lw=1.2, color=color)[0]
            self.fails[kind] = ax_s.plot([], [], "x", ms=5, color=color)[0]
        (self.star,) = ax_s.plot([], [], "*", ms=12, color=colors["orange"],
                                 mec="0.2", mew=0.6, zorder=5)  # fmt: skip
        (self.now,) = ax_s.plot([], [], "-", color="0.5", lw=1.0, zorder=0)
        ax_s.axhline(np.sqrt(STEPS_TOP * FAIL_ROW), color="0.8", lw=0.8)
        ax_s.set_xscale("log")
        ax_s.set_yscale("log")
        ax_s.set_xlim(RACE_RATES[0] / 1.6, RACE_RATES[-1] * 1.6)
        ax_s.set_ylim(1.0, FAIL_ROW * 1.6)
        ax_s.set_yticks(
            [1, 10, 100, 1000, FAIL_ROW], ["1", "10", "100", "1000", "fail"]
        )
        ax_s.minorticks_off()
        ax_s.set_xlabel("rate")
        ax_s.set_ylabel("steps to the target")
        # small rates never reach the target in a few steps: the corner is free
        ax_s.legend(handles, labels, fontsize=7, loc="lower left")
        self.dynamic = [
            *self.curves,
            *self.hits.values(),
            self.target,
            *self.medians.values(),
            *self.ranges.values(),
            *self.fails.values(),
            self.star,
            self.now,
        ]

    def _draw_curves(self, problem, sweep, i):
        losses = sweep.losses[i]
        f0 = losses[:, :1]
        k = _shown_steps(problem.steps)
        shown = np.clip(losses[:, k] / f0, *LOSS_RANGE)
        kinds = self._kinds(problem, sweep)
        for line, row, kind in zip(self.curves, shown, kinds):
            line.set_data(k, row)
            line.set(**self.styles[kind])
            line.set_visible(True)
        for line in self.curves[len(kinds) :]:
            line.set_data([], [])
            line.set_visible(False)
        for kind, hit in self.hits.items():
            rows = [j for j, kk in enumerate(kinds) if kk == kind]
            reached = [j for j in rows if np.isfinite(sweep.steps[i, j])]
            at = [int(sweep.steps[i, j]) for j in reached]
            hit.set_data(at, [losses[j, a] / f0[j, 0] for j, a in zip(reached, at)])
        rel = problem.target / f0[0, 0]
        self.target.set_data([1, problem.steps], [rel, rel])

    @staticmethod
    def _kinds(problem, sweep):
        if problem.deterministic:
            return ["one run"] * len(sweep.seeds)
        return ["tuning" if s in TUNING_SEEDS else "held-out" for s in sweep.seeds]

    def _draw_steps(self, problem, sweep, i):
        kinds = self._kinds(problem, sweep)
        # off the problem's own grid the race tries no rate: nothing is drawn
        own = np.array([r in problem.rates for r in RACE_RATES])
        shift = {"tuning": 1 / 1.08, "held-out": 1.08, "one run": 1.0}
        for kind in self.styles:
            cols = [j for j, kk in enumerate(kinds) if kk == kind]
            if not cols:
                for artist in (self.medians, self.ranges, self.fails):
                    artist[kind].set_data([], [])
                continue
            med, lo, hi = _summary(sweep.steps[:, cols])
            x = np.array(RACE_RATES) * shift[kind]
            ok = own & np.isfinite(med)
            self.medians[kind].set_data(x[ok], med[ok])
            top = np.where(np.isfinite(hi), hi, FAIL_ROW)
            self.ranges[kind].set_data(*_bars(x[ok], lo[ok], top[ok]))
            failed = own & ~np.isfinite(med)
            self.fails[kind].set_data(x[failed], np.full(failed.sum(), FAIL_ROW))
        c = _chosen(problem, sweep)
        pick = sweep.steps[c, [j for j, kk in enumerate(kinds) if kk != "held-out"]]
        y = np.median(pick)
        self.star.set_data([RACE_RATES[c]], [y if np.isfinite(y) else FAIL_ROW])
        self.now.set_data([RACE_RATES[i]] * 2, [1.0, FAIL_ROW * 1.6])
        self.now.set_linestyle("-" if own[i] else ":")
        return c, bool(own[i])

    def draw(self, problem, entry, rate):
        p, sweeps = self.data[problem]
        sweep = sweeps[entry]
        i = RACE_RATES.index(rate)
        self._draw_curves(p, sweep, i)
        c, on_grid = self._draw_steps(p, sweep, i)
        head = f"{entry} on {PHRASES[problem]}, rate {rate:g}"
        if i == c:
            head += " (the protocol's choice)"
        if not on_grid:
            head += " (not on this problem's grid)"
        if p.deterministic:
            one = _cell(p, entry, i, sweep, sweep.seeds)
            if one.failures == 0:
                return f"{head}: the target in {one.text()} steps"
            if one.reasons[0] == "budget":
                return f"{head}: not at the target after {p.steps} steps"
            stop = int(np.argmax(np.isnan(sweep.losses[i, 0])))
            return f"{head}: diverged at step {stop}"
        tune = _cell(p, entry, i, sweep, TUNING_SEEDS).text()
        held = _cell(p, entry, i, sweep, HELD_OUT_SEEDS).text()
        return (
            f"{head}: steps to the target, median [range], tuning seeds {tune}, "
            f"held-out seeds {held}"
        )


@register("race")
def race_explorer(**kwargs):
    """The chapter-12 explorer: see :class:`RaceExplorer`."""
    return RaceExplorer(**kwargs)

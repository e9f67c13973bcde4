"""Chapter 6 explorer: learning-rate schedules and the noisy runs they drive."""

from __future__ import annotations

import numpy as np

from gdcourse import checks, descent, plotting, schedules, surfaces
from gdcourse.widgets.base import Explorer
from gdcourse.widgets.controls import (
    divergence_status,
    dropdown,
    int_slider,
    log_slider,
)
from gdcourse.widgets.registry import register

#: The schedule kinds the chapter-6 explorer offers, in menu order.
SCHEDULE_KINDS = (
    "constant",
    "step decay",
    "exponential",
    "cosine",
    "cosine restarts",
    "triangular",
    "triangular2",
    "exp_range",
    "one-cycle",
)

#: The kinds whose schedule does not depend on the period (see :func:`schedule_from_kind`).
UNTIMED_KINDS = ("constant", "cosine", "one-cycle")


def schedule_from_kind(kind, lr, period, total_steps, warmup_steps=0):
    """Build a schedule of :mod:`gdcourse.schedules` from a kind and three numbers.

    One ``period`` sets the time scale of every kind that has one, so a single
    slider can drive them all: the step-decay interval (the rate halves every
    ``period`` steps), the exponential half-life, the restart period, and the
    length of a full up-and-down cycle of the cyclical kinds.

    Parameters
    ----------
    kind : str
        One of :data:`SCHEDULE_KINDS`.
    lr : float
        Peak rate, positive and finite (the starting rate of the decaying
        kinds, the top of a cycle of the cyclical ones).
    period : int
        Time scale in steps, an integer >= 2.
    total_steps : int
        Length of the run, including the warmup; ``cosine`` and
        ``one-cycle`` reach their lowest rate at its end.
    warmup_steps : int, optional
        Length of a linear warmup put in front (0 for none), below ``total_steps - 1``.

    Returns
    -------
    gdcourse.schedules.Schedule

    Raises
    ------
    ValueError
        For an unknown kind or parameters out of range.

    Notes
    -----
    With peak :math:`\\eta` and period :math:`P`: step decay
    :math:`\\eta\\,0.5^{\\lfloor t/P \\rfloor}`; exponential
    :math:`\\eta\\,0.5^{t/P}`; cosine restarts with period :math:`P`; cyclical
    rates between :math:`\\eta/25` and :math:`\\eta` with half cycle
    :math:`\\lfloor P/2 \\rfloor`, ``exp_range`` halving its amplitude every
    :math:`P` steps (:math:`\\gamma = 0.5^{1/P}`); one-cycle with the PyTorch defaults.

    Examples
    --------
    >>> sched = schedule_from_kind("step decay", lr=0.4, period=10, total_steps=100)
    >>> sched
    step_decay(lr0=0.4, step_size=10, gamma=0.5)
    >>> print(np.round(schedule_from_kind("cosine", 1.0, 10, 11, warmup_steps=1)(np.arange(0, 11, 5)), 3))
    [0.5   0.655 0.024]
    """
    checks.one_of("kind", kind, SCHEDULE_KINDS)
    period = checks.integer("period", period, minimum=2)
    total_steps = checks.integer("total_steps", total_steps, minimum=2)
    warmup_steps = checks.integer(
        "warmup_steps", warmup_steps, minimum=0, maximum=total_steps - 2
    )
    main = total_steps - warmup_steps
    S = schedules
    if kind == "constant":
        sched = S.constant(lr)
    elif kind == "step decay":
        sched = S.step_decay(lr, step_size=period, gamma=0.5)
    elif kind == "exponential":
        sched = S.exponential(lr, gamma=0.5 ** (1.0 / period))
    elif kind == "cosine":
        sched = S.cosine(lr, total_steps=main)
    elif kind == "cosine restarts":
        sched = S.cosine_restarts(lr, period=period)
    elif kind == "one-cycle":
        sched = S.one_cycle(lr, total_steps=max(main, 4))
    else:
        sched = S.cyclic(
            lr / 25.0,
            lr,
            half_cycle=max(period // 2, 1),
            mode=kind,
            gamma=0.5 ** (1.0 / period),
        )
    return S.warmup(sched, warmup_steps) if warmup_steps else sched


class ScheduleExplorer(Explorer):
    """A schedule's rate curve beside the noisy training run it drives.

    The training problem is cheap on purpose: a two-weight quadratic model
    (an elongated bowl) trained with noisy gradients, as mini-batches give,
    from ``n_runs`` noise seeds at once in one vectorised call. The right
    panel shows the mean loss over the runs (and one run, faintly), so the
    noise floor that a constant rate leaves and that decay removes is visible.

    Controls: schedule kind (dropdown), peak rate (log scale), period (the
    time scale of step decay, exponential half-life, restarts and cycles) and
    warmup steps.
    """

    def __init__(
        self,
        kind="constant",
        lr=0.3,
        period=60,
        warmup_steps=0,
        steps=300,
        noise=0.5,
        n_runs=48,
        start=(-3.5, 1.5),
        surface=None,
    ):
        self.surface = surface or surfaces.elongated_bowl(kappa=10.0, L=1.0)
        self.steps = int(steps)
        self.noise = float(noise)
        self.starts = np.tile(np.asarray(start, dtype=float), (int(n_runs), 1))
        controls = {
            "kind": dropdown(
                kind,
                SCHEDULE_KINDS,
                "schedule",
                static=SCHEDULE_KINDS,
                wide_label=False,
            ),
            "lr": log_slider(
                lr,
                -2.0,
                0.5,
                "peak rate",
                static=[0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2, 2.0, 3.0],
            ),
            "period": int_slider(
                period,
                10,
                150,
                "period (steps)",
                step=10,
                static=[10, 20, 30, 40, 50, 60, 80, 100, 120, 150],
            ),
            "warmup": int_slider(
                warmup_steps,
                0,
                100,
                "warmup (steps)",
                step=10,
                static=range(0, 101, 10),
            ),
        }
        super().__init__(controls, title="Learning-rate schedule explorer")

    def build(self, axes):
        ax_r, ax_l = axes
        t = np.arange(self.steps)
        (self.rate_line,) = ax_r.plot(
            t, np.ones(self.steps), color=plotting.COLORS["blue"], lw=1.8
        )
        ax_r.set_xlim(0, self.steps)
        ax_r.set_ylim(0, 1.08)
        ax_r.set_xlabel("step")
        ax_r.set_ylabel(r"rate / peak rate, $\eta_t / \eta_{\max}$")
        ax_r.grid(True, alpha=0.3)
        self.peak_text = ax_r.text(
            0.97,
            0.96,
            "",
            transform=ax_r.transAxes,
            ha="right",
            va="top",
            fontsize=10,
            bbox=dict(boxstyle="round", fc="white", ec="0.8"),
        )
        (self.one_run,) = ax_l.plot(
            np.arange(self.steps + 1),
            np.ones(self.steps + 1),
            color=plotting.COLORS["sky"],
            lw=0.8,
            alpha=0.7,
            label="one run",
        )
        (self.mean_run,) = ax_l.plot(
            np.arange(self.steps + 1),
            np.ones(self.steps + 1),
            color=plotting.COLORS["vermillion"],
            lw=1.8,
            label=f"mean of {len(self.starts)} runs",
        )
        ax_l.set_yscale("log")
        ax_l.set_xlim(0, self.steps)
        ax_l.set_ylim(1e-4, 3e1)
        ax_l.set_xlabel("step")
        ax_l.set_ylabel("training loss above the minimum")
        ax_l.grid(True, which="major", alpha=0.3)
        ax_l.legend(loc="lower left", fontsize=8)
        self.note = plotting.diverged_note(ax_l)
        self.final_text = ax_l.text(
            0.97, 0.96, "", transform=ax_l.transAxes, ha="right", va="top", fontsize=9
        )
        self.dynamic = [
            self.rate_line,
            self.peak_text,
            self.one_run,
            self.mean_run,
            self.note,
            self.final_text,
        ]

    def ignores(self, values):
        """The period, for the kinds without one."""
        return {"period"} if values["kind"] in UNTIMED_KINDS else set()

    def draw(self, kind, lr, period, warmup):
        warmup = min(int(warmup), self.steps - 2)
        sched = schedule_from_kind(kind, lr, int(period), self.steps, warmup)
        rates = sched(np.arange(self.steps))
        self.rate_line.set_ydata(rates / lr)
        self.peak_text.set_text(f"{kind}, peak rate {lr:.3g}")
        run = descent.gradient_descent(
            self.surface,
            self.starts,
            lr=sched,
            steps=self.steps,
            noise=self.noise,
            seed=0,
        )
        diverged = bool(np.any(run.diverged))
        stop = int(np.min(run.stopped_at[run.diverged])) if diverged else self.steps
        mean = np.full(self.steps + 1, np.nan)
        mean[: stop + 1] = run.losses[: stop + 1].mean(axis=1)
        self.mean_run.set_ydata(np.clip(mean, 1e-12, None))
        self.one_run.set_ydata(np.clip(run.losses[:, 0], 1e-12, None))
        trouble = divergence_status(mean, stop, diverged, self.note)
        status = trouble or f"mean final loss {mean[-1]:.3g}"
        self.final_text.set_text("" if trouble else status)
        return status


@register("schedules")
def schedule_explorer(**kwargs):
    """The chapter-6 explorer: see :class:`ScheduleExplorer`."""
    return ScheduleExplorer(**kwargs)

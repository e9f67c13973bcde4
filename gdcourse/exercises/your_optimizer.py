"""Checkers of chapter 12: build your own optimizer and race it.

:func:`check_your_optimizer` grades a learner's update rule by the contract
(:func:`gdcourse.race.check_optimizer`) and by the race over the whole suite;
:func:`check_trusted_entry` grades a decision read from the race's runs on the
noisy quadratic.  Neither hint names an answer: each points at the evidence
(a rate, a loss, the seeds) that the learner can look at.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np

from . import diagnose as dg
from .core import describe

__all__ = [
    "RaceVerdict",
    "check_your_optimizer",
    "check_trusted_entry",
    "noisy_race",
    "TRUST",
]


@dataclass(frozen=True)
class RaceVerdict(dg.Verdict):
    """A verdict that carries the race it ran (``None`` if the rule broke the contract).

    Attributes
    ----------
    ok : bool
    text : str
    result : gdcourse.race.Result or None
        The learner's entry raced alone over the suite; :func:`gdcourse.race.join`
        sets it beside another race.
    """

    result: object = field(default=None, repr=False)

    def __repr__(self):
        return self.text


def _ordinal(k):
    return f"{k}{'st' if k == 1 else 'nd' if k == 2 else 'rd' if k == 3 else 'th'}"


def _place(result, against, problem, name):
    """Where the entry's median lands among ``against``'s entries on ``problem``: "2nd of 7"."""
    mine = result.cell(problem, name).median()
    others = [
        c.median()
        for (p, _), c in against.cells.items()
        if p == problem and c is not None
    ]
    ahead = sum(m < mine for m in others)
    if not np.isfinite(mine):
        shared = any(not np.isfinite(m) for m in others)
        place = "fail, shared last" if shared else "fail, last"
    else:
        place = f"{_ordinal(ahead + 1)} of {len(others) + 1}"
    fastest = min(
        (c for (p, _), c in against.cells.items() if p == problem),
        key=lambda c: c.median(),
    )
    best = "fail" if not np.isfinite(fastest.median()) else fastest.text()
    return place, f"{fastest.entry} {best}"


def _target_text(problem):
    """The target in words: "the target, 0.0395, and held it for 10 steps"."""
    held = f" and held it for {problem.hold} steps" if problem.hold > 1 else ""
    return f"the target, {problem.target:.3g},{held}"


#: How close to a failed problem's lowest loss (as a fraction of it) another
#: rate's lowest loss must come for the two to count as the same.
FLAT = 0.05

#: A run has settled when the highest loss of its last :data:`TAIL` steps is
#: at most this many times its lowest loss.
SETTLED = 1.25
TAIL = 20


def _failing_hint(problem, opt, cell, tuning_seeds):
    """What the runs show about a failed problem: ``(kind, sentence)``.

    ``kind`` is ``"seeds"`` (the tuned rate reached the target on every tuning
    seed, not on the held-out ones), ``"diverged"`` (every rate of the grid
    diverged), ``"flat"`` (four or more rates, a decade, came within
    :data:`FLAT` of the lowest loss, and at those rates the runs swing: the
    last :data:`TAIL` steps climb above :data:`SETTLED` times the run's
    lowest loss at half of those rates or more), ``"plateau"`` (the same,
    but the runs settle at most of them),
    ``"largest"`` or ``"smallest"`` (the lowest loss came at that end of the
    grid) or ``"inside"``.  On a seeded problem where some runs reached the
    target, the sentence counts them at the chosen rate.
    """
    from gdcourse import race

    seeds = problem.seeds(tuning_seeds)
    runs = race.sweep(problem, opt, seeds=seeds, curves=True)
    rates = problem.rates
    j = rates.index(cell.rate)
    if not problem.deterministic:
        tuned = runs.steps[j]
        if np.all(np.isfinite(tuned)):
            return "seeds", (
                f"at the rate chosen on the tuning seeds, {cell.rate:g}, every "
                f"tuning seed reached the target, but {cell.failures} of the "
                f"{len(cell.seeds)} held-out seeds did not"
            )
    if np.all(runs.reasons == "diverged"):
        return "diverged", f"every rate of the grid diverged, down to {rates[0]:g}"
    best = np.where(np.isfinite(runs.best), runs.best, np.nan)
    # a rate's lowest loss: its one run's, or the median of its seeds' runs
    with np.errstate(all="ignore"):
        lowest = np.array(
            [np.nan if np.all(np.isnan(b)) else np.nanmedian(b) for b in best]
        )
    i = int(np.nanargmin(lowest))
    kind = "largest" if i == len(rates) - 1 else "smallest" if i == 0 else "inside"
    where = {"largest": " (the grid's largest)", "smallest": " (the grid's smallest)"}
    at = f"rate {rates[i]:g}{where.get(kind, '')}"
    # a decade or more of rates within FLAT of the lowest: the rate hardly matters
    close = np.flatnonzero(lowest <= (1 + FLAT) * lowest[i])
    if close.size >= 4:
        # at those rates: the last steps' highest loss over the run's lowest
        with np.errstate(all="ignore"):
            tail = runs.losses[close, :, -TAIL:].max(axis=-1)
            rise = np.nanmedian(tail / np.nanmin(runs.losses[close], axis=-1), 1)
        settled = int(np.sum(rise <= SETTLED))
        kind = "plateau" if 2 * settled > close.size else "flat"
        settle = (
            f"at {settled} of them the runs end within {SETTLED - 1:.0%} of "
            "their lowest loss"
        )
        at = (
            f"rate {rates[i]:g}, and {close.size} of the grid's {len(rates)} "
            f"rates, between {rates[close[0]]:g} and {rates[close[-1]]:g}, came "
            f"within {FLAT:.0%} of it ({settle})"
        )
    if problem.deterministic:
        return kind, (
            f"no rate reached {_target_text(problem)} within {problem.steps} "
            f"steps; the lowest loss, {lowest[i]:.3g}, came at {at}"
        )
    reached = np.isfinite(runs.steps)
    median_low = (
        f"the median of the runs' lowest losses is least, {lowest[i]:.3g}, at {at}"
    )
    if not reached.any():
        return kind, (
            f"no run at any rate reached {_target_text(problem)} within "
            f"{problem.steps} steps; {median_low}"
        )
    tuned_ok = int(reached[j].sum())
    held_ok = len(cell.seeds) - cell.failures
    return kind, (
        f"at no rate did most runs reach {_target_text(problem)} within "
        f"{problem.steps} steps; at the chosen rate, {cell.rate:g}, "
        f"{tuned_ok} of the {reached.shape[1]} tuning seeds and {held_ok} of the "
        f"{len(cell.seeds)} held-out seeds reached it; {median_low}"
    )


#: What a rule that declares a weight decay is told when, on a problem, the
#: rate hardly changes its lowest loss: the decay is the first suspect.
_DECAY = (
    "On the {name} problem the lowest loss hardly changes with the rate, and "
    "your rule declares weight_decay={lam:g}: a decay pulls the weights towards "
    "0, away from a minimum that is not at the origin, and the race sets its "
    "targets at the problem's own minimum. Race the rule with a smaller decay, "
    "or none, and compare."
)

#: What each kind of failure asks the learner to look at (one sentence each);
#: ``{name}`` is the first failing problem of that kind, ``{grid}`` its grid.
_LOOK = {
    "seeds": (
        "At that rate the rule depends on the seed: "
        'race.sweep(race.problem("{name}"), mine, seeds=range(8)), with mine your '
        "rule, shows every rate on every seed."
    ),
    "diverged": (
        "Even the shortest steps blew up: can a step be far longer than lr "
        "times the gradient (a division by something tiny)?"
    ),
    "flat": (
        "On the {name} problem the lowest loss hardly changes with the rate, "
        "so no rate inside or outside the grid would do much better: something "
        "other than the rate keeps the run from settling, such as a momentum "
        "factor of 1 or a running sum that never decays. Look at a loss curve: "
        'race.sweep(race.problem("{name}"), mine, curves=True).losses, with mine '
        "your rule."
    ),
    "plateau": (
        "On the {name} problem the lowest loss hardly changes with the rate, "
        "and at those rates the runs settle rather than swing: on a plateau "
        "the rule's steps are too short to leave within the budget, or at a "
        "point the rule converges to that is not a minimum. Look at a loss "
        'curve, race.sweep(race.problem("{name}"), mine, curves=True).losses '
        "with mine your rule, and at the steps themselves: are they much "
        "shorter than lr times the gradient, or does their direction flip "
        "from one step to the next?"
    ),
    "largest": (
        "Larger rates than the grid's might do better: the {name} "
        "problem's grid spans {grid}, and a rule that needs rates outside it misses "
        "the target. Are its steps much shorter than lr times the gradient?"
    ),
    "smallest": (
        "Smaller rates than the grid's might do better: the {name} "
        "problem's grid spans {grid}, and a rule that needs rates outside it misses "
        "the target. Are its steps much longer than lr times the gradient?"
    ),
    "inside": (
        "Look at the closest run's loss curve: "
        'race.sweep(race.problem("{name}"), mine, curves=True).losses, with mine '
        "your rule."
    ),
}


def check_your_optimizer(opt, against=None):
    """Check a learner's update rule: the contract first, then the race over the suite.

    Exercise 12.1: the rule passes when it keeps the contract
    (:func:`gdcourse.race.check_optimizer`) and, raced under the protocol of
    :mod:`gdcourse.race` on every problem of :func:`gdcourse.race.suite`,
    reaches the target in its median run on every problem (fewer than half
    of the held-out seeds fail; the one run of a deterministic problem
    succeeds).

    Parameters
    ----------
    opt : gdcourse.optimizers.Optimizer
        The learner's rule.
    against : gdcourse.race.Result, optional
        A race over the suite with the same seeds (the references, say): the
        report then gives the rule's place on each problem and the fastest
        entry there.

    Returns
    -------
    RaceVerdict
        Its ``ok``, a report (the contract's sentences while it is broken;
        then each problem's steps and rate, and for a problem it fails, what
        the runs show), and ``result``, the rule's race (``None`` while the
        contract is broken).

    Notes
    -----
    A failure is explained only from the runs: the rate chosen on the
    tuning seeds reaching the target on all of them but not on the held-out
    seeds; every rate of the grid diverging; or the lowest loss any rate
    reached, whether it came at the end of the grid, and whether it hardly
    changed with the rate.

    Examples
    --------
    >>> from gdcourse import optimizers
    >>> check_your_optimizer(optimizers.sgd(momentum=0.9))
    sgd keeps the contract (10 checks) and races: steps to the target, median [range] over the held-out seeds (* one run), at the rate chosen on the tuning seeds.
    problem           steps       rate
    quadratic *       76          1.3
    turned ravine *   32          0.75
    Rosenbrock *      204         0.0024
    Beale *           75          0.013
    noisy quadratic   55 [51-58]  0.013
    MLP on two moons  20 [15-25]  2.4
    It finishes the race: its median run reached the target on all 6 problems.

    A rule that never moves breaks the contract, and the race waits:

    >>> def update(grad, state, params, lr):
    ...     return params, state
    >>> check_your_optimizer(optimizers.Optimizer("mine", {}, lambda p: (), update))
    mine breaks the contract: 1 of 10 checks failed.
    - on the bowl f(w) = |w|^2 / 2, 100 steps at rates 0.001, 0.01 and 0.1 did not move: does the step go against the gradient (`params - lr * step`)?
    The race waits for a rule that keeps the contract.
    """
    from gdcourse import race

    contract = race.check_optimizer(opt)
    if not contract.ok:
        text = f"{contract!r}\nThe race waits for a rule that keeps the contract."
        return RaceVerdict(False, text)
    result = race.run(entries=[race.entry(opt)])
    name = result.entries[0].name
    rows = [
        ["problem", "steps", "rate"] + (["place", "fastest other"] if against else [])
    ]
    failing = []
    for p in result.problems:
        cell = result.cell(p.name, name)
        row = [
            p.name + (" *" if p.deterministic else ""),
            cell.text(),
            f"{cell.rate:g}",
        ]
        if against is not None:
            row += list(_place(result, against, p.name, name))
        rows.append(row)
        if not np.isfinite(cell.median()):
            failing.append((p, cell))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    table = "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows
    )
    head = (
        f"{name} keeps the contract ({len(contract.passed)} checks) and races: "
        "steps to the target, median [range] over the held-out seeds "
        "(* one run), at the rate chosen on the tuning seeds."
    )
    if not failing:
        tail = (
            f"It finishes the race: its median run reached the target on all "
            f"{len(result.problems)} problems."
        )
        return RaceVerdict(True, f"{head}\n{table}\n{tail}", result)
    lines = [
        f"Not yet: on {len(failing)} of the {len(result.problems)} problems its "
        "median run missed the target."
    ]
    kinds = {}
    for p, cell in failing:
        kind, sentence = _failing_hint(p, opt, cell, result.tuning_seeds)
        kinds.setdefault(kind, p)
        lines.append(f"- {p.name}: {sentence}.")
    hyper = opt.hyperparameters if isinstance(opt.hyperparameters, dict) else {}
    lam = hyper.get("weight_decay", 0.0)
    decays = isinstance(lam, (int, float)) and lam > 0
    for k, p in kinds.items():
        grid = f"{p.rates[0]:.2g} to {p.rates[-1]:.2g}"
        if decays and k in ("plateau", "flat"):
            lines.append(_DECAY.format(name=p.name, lam=lam))
        else:
            lines.append(_LOOK[k].format(name=p.name, grid=grid))
    return RaceVerdict(False, "\n".join([head, table, *lines]), result)


# ---------------------------------------------------------------------------
# exercise 12.2: which entry to trust on the noisy quadratic
# ---------------------------------------------------------------------------

#: Exercise 12.2: the problem, and how many held-out seeds out of five the
#: entry to trust must win against each other entry, one by one.
TRUST = {"problem": "noisy quadratic", "wins": 4}


@functools.cache
def noisy_race():
    """The race on the noisy quadratic: the tuned references and Lion, default seeds.

    The same runs as the chapter's races (a deterministic computation), made
    once and kept.

    Returns
    -------
    gdcourse.race.Result

    Examples
    --------
    >>> [e.name for e in noisy_race().entries]
    ['SGD', 'momentum', 'Nesterov', 'Adam', 'AdamW', 'Lion']
    """
    from gdcourse import optimizers, race

    entries = [e for e in race.reference_entries() if e.tuned]
    entries.append(race.entry(optimizers.lion(), "Lion"))
    return race.run([race.problem(TRUST["problem"])], entries)


def _wins(result, a, b):
    """On how many held-out seeds entry ``a`` reached the target before ``b``."""
    p = TRUST["problem"]
    return int(np.sum(result.cell(p, a).steps < result.cell(p, b).steps))


def _counts(wins, choice, names):
    """``wins`` read as {other entry: count}, or a plain sentence saying why not."""
    others = [n for n in names if n != choice]
    form = (
        f"wins must be a dict with one count for each other entry, e.g. "
        f'{{"{others[0]}": 3, ...}}: on how many of the held-out seeds {choice} '
        "reached the target before that entry"
    )
    if not isinstance(wins, dict):
        return None, f"{form}; got {describe(wins)}."
    lower = {n.lower(): n for n in names}
    counts = {}
    for key, value in wins.items():
        name = lower.get(key.strip().lower()) if isinstance(key, str) else None
        if name is None:
            return None, f"{form}; {key!r} is not an entry of the race."
        if name == choice:
            return None, f"{form}; leave out {choice} itself."
        whole = isinstance(value, (int, np.integer, float, np.floating)) and (
            not isinstance(value, bool) and np.isfinite(value) and value == int(value)
        )
        if not whole or not 0 <= value <= 5:
            return None, (
                f"wins[{key!r}] must be a whole number of seeds from 0 to 5, got "
                f"{describe(value)}."
            )
        counts[name] = int(value)
    missing = [n for n in others if n not in counts]
    if missing:
        listed = ", ".join(missing[:-1]) + " and " if len(missing) > 1 else ""
        return None, f"{form}; missing: {listed}{missing[-1]}."
    return counts, None


def _count_hint(result, choice, counts):
    """Why the counts differ from the held-out runs: one sentence, no right count."""
    p = TRUST["problem"]
    mine = result.cell(p, choice).steps
    wrong = {}
    for b in counts:
        other = result.cell(p, b).steps
        wrong[b] = {
            "right": int(np.sum(mine < other)),
            "ties": int(np.sum(mine <= other)),
            "reversed": int(np.sum(other < mine)),
            "all": len(mine),
        }
    bad = [b for b, k in counts.items() if k != wrong[b]["right"]]
    names = bad[0] if len(bad) == 1 else ", ".join(bad[:-1]) + " and " + bad[-1]
    head = f"Not yet: the count against {names} is not what the held-out runs give."
    if len(bad) > 1:
        head = (
            f"Not yet: the counts against {names} are not what the held-out runs give."
        )

    def fits(key):
        return all(counts[b] == wrong[b][key] for b in bad)

    if fits("reversed"):
        why = (
            " They look like the other entries' wins: the seeds on which each "
            f"reached the target before {choice}. Fewer steps is first."
        )
    elif fits("ties"):
        why = (
            " A seed on which both took the same number of steps is a tie, not a "
            f"win for {choice}: count only the seeds with strictly fewer steps."
        )
    elif fits("all"):
        med = np.median(mine)
        lower = all(med < np.median(result.cell(p, b).steps) for b in bad)
        why = (
            f" {choice} did not reach the target first on every held-out seed "
            "against each of these"
            + (
                ": a lower median does not say so."
                if lower
                else f": {len(mine)} would mean every seed."
            )
            + " Compare the runs seed by seed."
        )
    else:
        why = " Compare the two entries' runs seed by seed."
    return (
        head
        + why
        + f' so_far.cell("{p}", name).steps lists the five held-out runs in the '
        "same order for every entry."
    )


def coin_tail(wins, seeds):
    """How often a fair coin does as well as ``wins`` of ``seeds``, in words.

    Examples
    --------
    >>> coin_tail(4, 5)
    'a fair coin lands heads on 4 or more of 5 tosses 6 times in 32'
    >>> coin_tail(5, 5)
    'a fair coin lands heads on all 5 of 5 tosses once in 32'
    """
    ways = sum(math.comb(seeds, k) for k in range(wins, seeds + 1))
    times = "once" if ways == 1 else f"{ways} times"
    some = f"all {wins}" if wins == seeds else f"{wins} or more"
    return f"a fair coin lands heads on {some} of {seeds} tosses {times} in {2**seeds}"


def check_trusted_entry(choice, wins=None):
    """Check which entry the learner would trust to reach the noisy quadratic's target first.

    Exercise 12.2: the race on the noisy quadratic (:func:`noisy_race`)
    gives each entry the same five held-out seeds, and a seed gives every
    entry the same noise, so the entries can be compared seed by seed.  The
    answer passes when ``wins`` holds the right counts for ``choice`` and
    the choice reached the target before each other entry on at least
    ``TRUST["wins"]`` of the five held-out seeds.

    Parameters
    ----------
    choice : str
        The name of an entry, as the race's table writes it (case aside).
    wins : dict
        For each other entry of the race, the number of held-out seeds on
        which ``choice`` reached the target in fewer steps than it.

    Returns
    -------
    gdcourse.exercises.diagnose.Verdict
        Its ``ok`` and a report; for an answer that fails, what the
        seed-by-seed comparison shows against it, never which entry passes
        or a count that is right.

    Examples
    --------
    >>> check_trusted_entry("AdamW", {"SGD": 1, "momentum": 5, "Nesterov": 2,
    ...                               "Adam": 0, "Lion": 5})
    Not yet: by your own counts, AdamW reached the target first on fewer than 4 of the 5 held-out seeds against at least one other entry, so another entry is the better bet. AdamW's runs are the most alike (46 to 50 steps), but a narrow range is not a head start: the entry to bet on wins the seed-by-seed count against every other entry.
    """
    result = noisy_race()
    names = [e.name for e in result.entries]
    if not isinstance(choice, str) or not choice.strip():
        return dg.Verdict(
            False,
            f'choice must be the name of an entry such as "Adam", got {choice!r}.',
        )
    lower = {n.lower(): n for n in names}
    if choice.strip().lower() == "l-bfgs":
        return dg.Verdict(
            False,
            "L-BFGS did not race on the noisy quadratic: the race runs it on the "
            "deterministic problems only. Choose among " + ", ".join(names) + ".",
        )
    if choice.strip().lower() not in lower:
        return dg.Verdict(
            False, f"choice must be one of {', '.join(names)}, got {choice!r}."
        )
    choice = lower[choice.strip().lower()]
    counts, problem = _counts(wins, choice, names)
    if problem:
        return dg.Verdict(False, problem)
    if any(counts[b] != _wins(result, choice, b) for b in counts):
        return dg.Verdict(False, _count_hint(result, choice, counts))
    seeds = len(result.held_out_seeds)
    least = min(counts.values())
    if least >= TRUST["wins"]:
        return dg.Verdict(
            True,
            f"{choice}: on the noisy quadratic it reached the target before each "
            f"other entry on at least {least} of the {seeds} held-out seeds, and "
            "every entry met the same noise on the same seed. Five seeds are few: "
            f"{coin_tail(least, seeds)}, so each such record alone says little; "
            "it is the race's best bet, not a proof.",
        )
    cell = result.cell(TRUST["problem"], choice)
    lo, hi = cell.range()
    spans = {n: np.ptp(result.cell(TRUST["problem"], n).steps) for n in names}
    text = (
        f"Not yet: by your own counts, {choice} reached the target first on fewer "
        f"than {TRUST['wins']} of the {seeds} held-out seeds against at least one "
        "other entry, so another entry is the better bet."
    )
    if spans[choice] == min(spans.values()) and np.isfinite(hi):
        text += (
            f" {choice}'s runs are the most alike ({lo:.0f} to {hi:.0f} steps), but a "
            "narrow range is not a head start:"
        )
    else:
        text += " Count the wins seed by seed:"
    text += (
        " the entry to bet on wins the seed-by-seed count against every other entry."
    )
    return dg.Verdict(False, text)

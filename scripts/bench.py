"""Time the book: every chapter executed, the notebook tests, every explorer.

``make bench`` runs all three parts; ``scripts/bench.py chapters`` or
``scripts/bench.py explorers`` runs one. Nothing here is asserted by
``make test``: the bars are COURSE.md's, and the README keeps the figures
with the date they were measured (on an idle 2-core machine: the load
average is printed first).

Chapters: each ``book/*.ipynb`` executed on its own in a fresh kernel, kernel
start included (bar: 12 s a chapter), then the notebook tests as ``make
test-notebooks`` runs them, two workers (bar: 90 s for the whole book).

Explorers: each control swept across its range, one core.

Prints, per explorer, the p50 and p95 of the time from a control change until
the figure is re-rendered to PNG and the slowest control (the bar is p95
under 50 ms); then the same for the painted picture that Jupyter shows where
the painter runs (:mod:`gdcourse.widgets.painter`: until the changing
artists' operations are recorded and their message is encoded as JSON; the
bar is p95 at most 10 ms); then its static form for the site: how many settings it offers
without a kernel, its size in kilobytes, settings per 100 KB, and the seconds
it took to compute (the bar is 1 MB an explorer: a chapter page, with its
explorers, must stay under 2 MB, which the browser test checks).

Run with ``make bench``.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_widgets import sweep_values  # noqa: E402

from gdcourse import data, models, training, widgets  # noqa: E402

BAR_MS = 50.0
#: p95 of a control change for the painted picture (no PNG), in ms.
BAR_PAINTED_MS = 10.0
#: Largest static form of one explorer, in kilobytes.
BAR_KB = 1000.0
REPEATS = 3


def _painted_message(explorer):
    """Encode what a change sends the painted picture, as the kernel's comm does."""
    picture = explorer.live.widget
    json.dumps({"frame": picture.frame, "n": len(picture.ints)})


def time_explorer(explorer, n=9, after=None):
    """Return {control: [ms, ...]} for every change in a sweep of every control.

    ``after(explorer)``, if given, runs inside each timed change.
    """
    timings = {}
    for name, widget in explorer.controls.items():
        start = widget.value
        samples = []
        for _ in range(REPEATS):
            for value in sweep_values(widget, n):
                t0 = time.perf_counter()
                widget.value = value
                if after:
                    after(explorer)
                samples.append((time.perf_counter() - t0) * 1e3)
        widget.value = start
        timings[name] = samples
    return timings


def time_small_training_run(repeats=5):
    """Median ms of a 5-epoch mini-batch run of a small MLP (what a live explorer recomputes)."""
    net = models.MLP([2, 16, 1], activation="tanh", task="binary")
    moons = data.two_moons(n=300, seed=0)
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        training.train(net, moons, lr=0.5, batch_size=32, epochs=5)
        samples.append((time.perf_counter() - t0) * 1e3)
    return float(np.median(samples))


#: Seconds a chapter may take to execute, kernel start included.
BAR_CHAPTER_S = 12.0
#: Seconds the notebook tests (``make test-notebooks``) may take.
BAR_NBVAL_S = 90.0
ROOT = Path(__file__).resolve().parents[1]


def time_chapters():
    """Execute every chapter in a fresh kernel; print seconds against the bar; return the late ones."""
    import nbformat
    from nbclient import NotebookClient

    late = []
    print(f"{'chapter':32} {'seconds':>8}  verdict")
    for path in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        t0 = time.perf_counter()
        NotebookClient(
            nb,
            timeout=600,
            resources={"metadata": {"path": str(path.parent)}},
            # the kernel's start-up notice about its local transport is not a result
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        ).execute()
        seconds = time.perf_counter() - t0
        ok = seconds <= BAR_CHAPTER_S
        late += [] if ok else [path.stem]
        print(f"{path.stem:32} {seconds:8.1f}  {'ok' if ok else 'OVER'}")
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--nbval",
        "--nbval-sanitize-with",
        "tests/nbval_sanitize.cfg",
        "book",
        "-n",
        "2",
        "--dist",
        "loadfile",
        "-q",
    ]
    t0 = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    seconds = time.perf_counter() - t0
    ok = seconds <= BAR_NBVAL_S
    print(
        f"{'notebook tests, 2 workers':32} {seconds:8.1f}  {'ok' if ok else 'OVER'}\n"
    )
    return late + ([] if ok else ["notebook tests"])


def main():
    parts = sys.argv[1:] or ["chapters", "explorers"]
    print(f"load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)\n")
    failed = time_chapters() if "chapters" in parts else []
    if "explorers" in parts:
        failed += time_explorers_and_runs()
    if failed:
        sys.exit(f"over the bar: {', '.join(failed)}")


def time_painted(explorers):
    """The painted picture's control changes per explorer; return those over the bar."""
    print(
        f"\n{'painted picture':24} {'changes':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'slowest control (p95)':>26}  verdict"
    )
    failed = []
    for name, explorer in explorers:
        # as when a view in Jupyter says it paints
        explorer.live._message(explorer.live.widget, {"type": "ready"}, [])
        timings = time_explorer(explorer, after=_painted_message)
        everything = np.concatenate(list(timings.values()))
        p50, p95 = np.percentile(everything, [50, 95])
        slowest = max(timings, key=lambda k: np.percentile(timings[k], 95))
        slow95 = np.percentile(timings[slowest], 95)
        ok = p95 <= BAR_PAINTED_MS
        failed += [] if ok else [f"{name} (painted)"]
        print(
            f"{name:24} {everything.size:7d} {p50:7.1f} {p95:7.1f} "
            f"{slowest + f' ({slow95:.1f})':>26}  {'ok' if ok else 'OVER'}"
        )
    return failed


def time_explorers_and_runs():
    """The explorers' controls, their static forms, a small training run, the basin map."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    print(
        f"{'explorer':24} {'changes':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'slowest control (p95)':>26}  verdict"
    )
    failed, forms = [], []
    for name, factory in sorted(widgets.EXPLORERS.items()):
        explorer = factory()
        timings = time_explorer(explorer)
        everything = np.concatenate(list(timings.values()))
        p50, p95 = np.percentile(everything, [50, 95])
        slowest = max(timings, key=lambda k: np.percentile(timings[k], 95))
        slow95 = np.percentile(timings[slowest], 95)
        ok = p95 < BAR_MS
        failed += [] if ok else [name]
        print(
            f"{name:24} {everything.size:7d} {p50:7.1f} {p95:7.1f} "
            f"{slowest + f' ({slow95:.1f})':>26}  {'ok' if ok else 'OVER'}"
        )
        forms.append((name, explorer))
    if widgets.painter.AVAILABLE:
        failed += time_painted(forms)
    print(
        f"\n{'static form':24} {'settings':>9} {'KB':>6} {'per 100 KB':>10} "
        f"{'build s':>8}  verdict"
    )
    for name, explorer in forms:
        settings = int(np.prod([len(s.values()) for s in explorer.specs.values()]))
        t0 = time.perf_counter()
        size = len(explorer.to_html(full=True).encode()) / 1e3
        seconds = time.perf_counter() - t0
        ok = size < BAR_KB
        failed += [] if ok else [f"{name} (static form)"]
        print(
            f"{name:24} {settings:9,d} {size:6.0f} {100 * settings / size:10,.0f} "
            f"{seconds:8.1f}  {'ok' if ok else 'OVER'}"
        )
    train_ms = time_small_training_run()
    train_ok = train_ms < BAR_MS
    failed += [] if train_ok else ["small MLP training run"]
    print(
        f"\nsmall MLP, 5 epochs of mini-batch SGD: median {train_ms:.1f} ms (bar {BAR_MS:.0f} ms)  "
        f"{'ok' if train_ok else 'OVER'}"
    )
    basins = Path(__file__).with_name("bench_basins.py")
    if basins.exists():
        print()
        subprocess.run([sys.executable, str(basins)], check=True)
    return failed


if __name__ == "__main__":
    main()

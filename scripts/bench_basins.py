"""Benchmark: a basin-of-attraction map, vectorised vs a Python loop over starts.

The course promises a 200 x 200 map of 200 gradient steps each in under 0.5 s,
and at least 50 times faster than running the starts one by one.  Run with

    python scripts/bench_basins.py [--grid 200] [--steps 200] [--sample 400]

The loop runs :func:`gdcourse.descent.gradient_descent` once per start on a
random sample of the starts (the full loop would take minutes) and
extrapolates to the whole grid; the output says so.  Both sides use the same
surface, rate and step count, and the sample's labels are checked against the map.
"""

import argparse
import time

import numpy as np

from gdcourse import descent, landscape, surfaces

CASES = [("Himmelblau", 0.01), ("two valleys", 0.05)]


def best_of(fn, repeats):
    """Smallest wall time of ``repeats`` calls, and the last result."""
    best, result = np.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def bench(name, lr, grid, steps, sample, repeats):
    s = surfaces.by_name(name)
    t_vec, bmap = best_of(lambda: landscape.basin_map(s, lr, steps, grid), repeats)
    rng = np.random.default_rng(0)
    flat = rng.choice(grid * grid, size=min(sample, grid * grid), replace=False)
    starts = np.stack([bmap.X.ravel()[flat], bmap.Y.ravel()[flat]], axis=-1)

    def loop():
        labels = []
        for w0 in starts:
            run = descent.gradient_descent(s, w0, lr=lr, steps=steps)
            labels.append(
                -1
                if run.diverged
                else int(landscape.label_minima(s, run.final_weights))
            )
        return np.array(labels)

    t_sample, loop_labels = best_of(loop, 1)
    agree = np.mean(loop_labels == bmap.labels.ravel()[flat])
    t_loop = t_sample * grid * grid / len(starts)
    extrapolated = len(starts) < grid * grid
    print(f"{name} (lr={lr:g}): {grid} x {grid} starts x {steps} steps")
    print(f"  vectorised basin_map : {t_vec:8.3f} s (best of {repeats})")
    how = f"extrapolated from {len(starts)} starts" if extrapolated else "measured"
    print(f"  Python loop          : {t_loop:8.1f} s ({how})")
    print(f"  speed-up             : {t_loop / t_vec:8.0f}x")
    print(f"  labels agree on the sample: {agree:.1%}")
    return t_vec, t_loop


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=int, default=200)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument(
        "--sample",
        type=int,
        default=400,
        help="starts timed in the loop (the rest is extrapolated)",
    )
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    results = [
        bench(name, lr, args.grid, args.steps, args.sample, args.repeats)
        for name, lr in CASES
    ]
    ok = all(t_vec < 0.5 and t_loop / t_vec >= 50 for t_vec, t_loop in results)
    print("targets (under 0.5 s, at least 50x):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()

"""Re-run nbval over the whole book under CPU configurations other than this one.

NumPy's OpenBLAS picks its kernels per CPU and NumPy dispatches its own SIMD
loops per CPU, so the last bits of a result depend on the machine.  The stored
outputs must not.  This script runs the book's nbval check once per
configuration below, two at a time, and fails if any cell fails in any of them:

- every OpenBLAS kernel family that ``OPENBLAS_CORETYPE`` can force on x86-64
  (Prescott, Nehalem, Sandybridge, Haswell, SkylakeX);
- NumPy's SIMD dispatch lowered to its baseline (``NPY_DISABLE_CPU_FEATURES``);
- OpenBLAS on one thread (``OPENBLAS_NUM_THREADS=1``, another blocking).

A kernel family the CPU cannot execute (SkylakeX needs AVX-512) is reported as
not runnable here, not as a pass.  Logs go to ``_build/portability/``.

Run with ``make portability``.
"""

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / "_build" / "portability"
NBVAL = [
    "-m",
    "pytest",
    "--nbval",
    "--nbval-sanitize-with",
    "tests/nbval_sanitize.cfg",
    "book",
    "-q",
    "-p",
    "no:xdist",
]
PROBE = "import numpy as np; a = np.ones((256, 256)); print((a @ a).sum())"


def simd_above_baseline():
    """The NumPy SIMD features this CPU dispatches to above NumPy's baseline."""
    from numpy._core import _multiarray_umath as umath

    return [f for f in umath.__cpu_dispatch__ if umath.__cpu_features__.get(f)]


def configurations():
    """(name, extra environment) for every configuration the book must pass."""
    configs = [
        (core, {"OPENBLAS_CORETYPE": core})
        for core in ("Prescott", "Nehalem", "Sandybridge", "Haswell", "SkylakeX")
    ]
    lowered = simd_above_baseline()
    if lowered:
        configs.append(
            ("NumPy SIMD at baseline", {"NPY_DISABLE_CPU_FEATURES": " ".join(lowered)})
        )
    configs.append(("one OpenBLAS thread", {"OPENBLAS_NUM_THREADS": "1"}))
    return configs


def environment(extra):
    env = dict(os.environ)
    for key in (
        "OPENBLAS_CORETYPE",
        "OPENBLAS_NUM_THREADS",
        "NPY_DISABLE_CPU_FEATURES",
        # the committed outputs hold one picture per explorer, as nbval runs them
        "GDCOURSE_STATIC_EXPLORERS",
    ):
        env.pop(key, None)
    env.update(extra)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def probe(extra):
    """The OpenBLAS core in use, or None if this CPU cannot run the configuration."""
    env = environment(extra) | {"OPENBLAS_VERBOSE": "2"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        return None
    printed = (done.stdout + done.stderr).splitlines()  # OpenBLAS prints to stderr
    cores = [line for line in printed if line.startswith("Core:")]
    return cores[0].removeprefix("Core:").strip() if cores else "?"


def run(config):
    name, extra = config
    core = probe(extra)
    if core is None:
        return name, "-", "not runnable on this CPU", 0.0
    log = LOGS / (name.replace(" ", "-") + ".log")
    start = time.perf_counter()
    with log.open("w") as out:
        done = subprocess.run(
            [sys.executable, *NBVAL],
            cwd=ROOT,
            env=environment(extra),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    seconds = time.perf_counter() - start
    summary = log.read_text().strip().splitlines()[-1] if log.stat().st_size else ""
    verdict = "ok" if done.returncode == 0 else f"FAILED (see {log.relative_to(ROOT)})"
    return name, core, f"{verdict}: {summary}", seconds


def main():
    LOGS.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    workers = max(1, min(2, os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(run, configurations()))
    print(f"{'configuration':24} {'OpenBLAS core':14} {'seconds':>7}  result")
    for name, core, verdict, seconds in results:
        print(f"{name:24} {core:14} {seconds:7.0f}  {verdict}")
    print(f"wall time {time.perf_counter() - start:.0f} s")
    if any("FAILED" in verdict for _, _, verdict, _ in results):
        sys.exit("stored outputs depend on the machine: see the logs above")


if __name__ == "__main__":
    main()

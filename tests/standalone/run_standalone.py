"""Run every chapter as a reader without this repository would: wheel, fresh venv, kernel.

Builds a wheel of gdcourse, makes a new virtualenv holding only ipykernel and the
wheel with its ``book`` extra (from the package registry), registers that venv as
a kernel, and executes each chapter top to bottom with nbclient, in a folder that
holds nothing but the notebook.  Prints one line a notebook and exits 1 if any
failed.

    .venv/bin/python tests/standalone/run_standalone.py [NOTEBOOK ...]

The wheel is built from the last commit (``git archive HEAD``), so work in
progress in the tree does not leak in; without arguments the chapters of that
commit are run, ``book/NN_name.ipynb``, and then their plain-Markdown copies
for Colab, ``colab/NN_name.ipynb`` (scripts/colab_notebooks.py), which must run
top to bottom in the same fresh environment.  ``--normalize`` runs that
commit's scripts/normalize_notebooks.py over the chapters first (not over the
copies, whose install cell differs).  Nothing in the repository is changed.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)


def snapshot(out, ref="HEAD"):
    """The repository at `ref`, unpacked into `out`."""
    out.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
    return out


def build_wheel(source, out):
    """Build gdcourse's wheel from `source` into `out`; return its path."""
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet"]
    run([*pip, str(source), "-w", str(out)])
    (wheel,) = out.glob("gdcourse-*.whl")
    return wheel


def fresh_venv(where, wheel):
    """A venv with ipykernel and the wheel's book extra; return its python."""
    run([sys.executable, "-m", "venv", str(where)])
    python = where / "bin" / "python"
    pip = [
        str(python),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ]
    run([*pip, "ipykernel", f"gdcourse[book] @ {wheel.as_uri()}"])
    return python


def register_kernel(python, jupyter_path):
    """A kernelspec named ``standalone`` that starts the fresh venv's Python."""
    spec = jupyter_path / "kernels" / "standalone"
    spec.mkdir(parents=True)
    argv = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "standalone", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))


def execute(notebook, workdir, timeout=600):
    """Execute a copy of `notebook` alone in `workdir`; return (ok, message, seconds)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    folder = workdir / f"{notebook.parent.name}-{notebook.stem}"
    folder.mkdir()
    nb = nbformat.read(shutil.copy(notebook, folder / notebook.name), as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="standalone",
        resources={"metadata": {"path": str(folder)}},
        # the kernel's start-up notice about its local transport is not a result
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    started = time.monotonic()
    try:
        client.execute()
    except CellExecutionError as error:
        lines = [line for line in str(error).splitlines() if line.strip()]
        return False, lines[-1][:200], time.monotonic() - started
    stderr = [
        "".join(o.get("text", ""))
        for cell in nb.cells
        for o in cell.get("outputs", [])
        if o.get("name") == "stderr"
    ]
    if stderr:
        return (
            False,
            "stderr: " + stderr[0].strip().splitlines()[-1][:200],
            time.monotonic() - started,
        )
    return True, "ok", time.monotonic() - started


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--ref", default="HEAD", help="commit to build the wheel from")
    parser.add_argument("--normalize", action="store_true", help="normalise the copies")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="notebooks run at once, each in its own kernel (default: one per core)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gdcourse-standalone-") as tmp:
        tmp = Path(tmp)
        source = snapshot(tmp / "source", args.ref)
        notebooks = [
            shutil.copy(nb, tmp / "source" / "book" / Path(nb).name)
            for nb in args.notebooks
        ] or sorted((source / "book").glob("[0-9][0-9]_*.ipynb"))
        notebooks = [Path(nb) for nb in notebooks]
        if args.normalize:
            normalizer = source / "scripts" / "normalize_notebooks.py"
            run([sys.executable, str(normalizer), *map(str, notebooks)])
        if not args.notebooks:
            notebooks += sorted((source / "colab").glob("[0-9][0-9]_*.ipynb"))
        wheel = build_wheel(source, tmp / "wheel")
        python = fresh_venv(tmp / "venv", wheel)
        listed = run(
            [str(python), "-m", "pip", "list", "--format=freeze"]
        ).stdout.split()
        myst = [p for p in listed if p.lower().startswith("myst")]
        print(f"fresh venv: {len(listed)} packages; myst packages: {myst or 'none'}")
        register_kernel(python, tmp / "jupyter")
        (tmp / "run").mkdir()
        os.environ["JUPYTER_PATH"] = str(tmp / "jupyter")
        failed = 0
        # one kernel per core: each notebook runs alone in its own folder and kernel
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            results = pool.map(lambda nb: execute(nb, tmp / "run"), notebooks)
            for notebook, (ok, message, seconds) in zip(notebooks, results):
                failed += not ok
                name = f"{notebook.parent.name}/{notebook.name}"
                print(
                    f"{'PASS' if ok else 'FAIL'} {name} ({seconds:.0f} s): {message}",
                    flush=True,
                )
    print(f"{len(notebooks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Rewrite chapter notebooks so they open, run and close cleanly in Jupyter.

A notebook executed by ``make notebooks`` is stored in the form JupyterLab 4 and
Notebook 7 would save it themselves, so opening and closing one leaves no diff.
:func:`normalize` is a pure function of the notebook's JSON; the command line
applies it to files in place (``--check`` only reports the files it would
change, and exits 1 if there are any).

Rules
-----
1. No widget state (``metadata.widgets``): it belongs to a kernel that is gone,
   and JupyterLab shows "model not found" for each view that refers to it.
2. ``metadata.kernelspec`` and ``metadata.language_info`` as Jupyter writes
   them when the kernel starts (it rewrites them, and marks the notebook
   modified, if they differ).  Cells lose nbclient's timing metadata.
3. Jupyter's own collapse flags follow the Jupyter Book tags, so what the site
   hides (exercise solutions) is also folded away in Jupyter: see
   :data:`SOURCE_HIDDEN` and :data:`OUTPUTS_HIDDEN`.
4. The first code cell installs the course package when it is missing (a
   notebook opened on its own, e.g. in Colab) and, if it cannot, prints one
   line saying what is missing and how to get it: :data:`INSTALL_BLOCK`, which
   installs from the repository ``_config.yml`` names (scripts/course_address.py).
5. Each Markdown cell stores the results of its inline expressions
   (``{eval}`glued["name"]```) in ``metadata.user_expressions``, in the form
   jupyterlab-myst stores a kernel's reply, taken from the notebook's glue
   outputs: :func:`prose_numbers`.  JupyterLab and Notebook 7 show them before
   anything has run, and a result cannot drift from the glue output that nbval
   checks.  Prose that names no glue output of its notebook is an error.
6. JSON as nbformat writes it: :func:`dumps`.

Short code cells
----------------
``--check`` also reports, per chapter, the visible code cells longer than
:data:`MAX_CELL_LINES` and the median length of its visible cells, and fails
when a cell is longer or when the median over the chapters is above
:data:`MAX_MEDIAN_LINES`: :func:`cell_length_report`.  A cell's length is its
number of code lines, :func:`code_lines`: the lines that are neither blank
nor only a comment (a comment on its own line is prose, so explaining a line
costs a cell nothing).  Cells whose source the site hides or removes
(``hide-cell``, ``hide-input``, ``remove-cell``, ``remove-input``: the install
cell, exercise solutions, glue cells, pure styling) are not counted.
"""

import argparse
import ast
import copy
import importlib.util
import json
import platform
import re
import statistics
import sys
from pathlib import Path


def _load_script(name):
    """A module of scripts/ (they are files, not a package)."""
    path = Path(__file__).resolve().parent / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"gdcourse_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


course_address = _load_script("course_address")

#: Where a reader without the package gets it, with the notebooks' own needs:
#: the repository named in ``_config.yml`` (``repository.url``).
PACKAGE = course_address.load().requirement


#: The book's code line length (book/ruff.toml).
CODE_WIDTH = 76


def install_block(package):
    """The install block of a chapter whose readers install `package`.

    Its lines stay within the book's code line length, :data:`CODE_WIDTH`:
    a long `package` is split after a ``/``.  IPython prints an exception's
    ``_render_traceback_()`` lines instead of a traceback; raising still stops
    "Run All".

    Examples
    --------
    >>> print(install_block("p @ git+https://git.example/a/b").splitlines()[7])
        package = "p @ git+https://git.example/a/b"
    >>> repo = "a-university-department/a-gradient-descent-course"
    >>> long = "p @ git+https://github.com/" + repo
    >>> print("\\n".join(install_block(long).splitlines()[7:11]))
        package = (
            "p @ git+https://github.com/a-university-department/"
            "a-gradient-descent-course"
        )
    """
    return f"""\
try:  # opened on its own (e.g. in Colab)? get the course package first
    import gdcourse as gd
except ImportError as missing:
    import importlib
    import subprocess
    import sys

{_assign("package", package, "    ")}
    pip = [sys.executable, "-m", "pip", "install", "--quiet", package]
    subprocess.run(pip, capture_output=True)
    importlib.invalidate_caches()
    try:
        import gdcourse as gd
    except ImportError:

        class NotInstalled(ImportError):
            def _render_traceback_(self):
                return [str(self)]  # one line, no traceback

        raise NotInstalled(
            f"{{missing.name}} is missing and pip could not install it"
            f" here; run  pip install '{{package}}'  and restart the kernel"
        ) from None"""


def _assign(name, text, indent):
    """``name = "text"`` within :data:`CODE_WIDTH`, split after a ``/`` if need be."""
    line = f'{indent}{name} = "{text}"'
    if len(line) <= CODE_WIDTH:
        return line
    room = CODE_WIDTH - len(indent) - 4 - 2  # the inner indent and the quotes
    pieces = [""]
    for part in re.split(r"(?<=/)", text):
        if pieces[-1] and len(pieces[-1]) + len(part) > room:
            pieces.append("")
        pieces[-1] += part
    body = "\n".join(f'{indent}    "{piece}"' for piece in pieces)
    return f"{indent}{name} = (\n{body}\n{indent})"


#: What the first code cell starts with.
INSTALL_BLOCK = install_block(PACKAGE)

#: The kernel the chapters run in, as JupyterLab 4 and Notebook 7 store it.
KERNELSPEC = {
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
    "name": "python3",
}


def language_info(python_version=None):
    """Return the ``language_info`` ipykernel reports for `python_version`.

    Parameters
    ----------
    python_version : str, optional
        Such as ``"3.11.7"``; by default the running interpreter's.

    Returns
    -------
    dict
        The kernel-info reply's ``language_info``, which Jupyter copies into
        the notebook when the kernel starts.
    """
    return {
        "codemirror_mode": {"name": "ipython", "version": 3},
        "file_extension": ".py",
        "mimetype": "text/x-python",
        "name": "python",
        "nbconvert_exporter": "python",
        "pygments_lexer": "ipython3",
        "version": python_version or platform.python_version(),
    }


def _load_server_config():
    """The repository's Jupyter server settings, home of the widget-view rule."""
    path = Path(__file__).resolve().parents[1] / ".jupyter" / "jupyter_server_config.py"
    spec = importlib.util.spec_from_file_location("gdcourse_jupyter_config", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: One rule for saved and committed notebooks alike: an output with a static
#: HTML form keeps no widget view (see ``.jupyter/jupyter_server_config.py``).
strip_widget_views = _load_server_config().strip_widget_views

#: Jupyter Book tags whose cell source the site hides or removes.
SOURCE_HIDDEN = {"hide-cell", "hide-input", "remove-cell", "remove-input"}
#: Jupyter Book tags whose cell outputs the site hides or removes.  A hidden
#: ``hide-cell`` output would hide the install cell's one-line message.
OUTPUTS_HIDDEN = {"hide-output", "remove-output", "remove-cell"}


def normalize(nb, python_version=None):
    """Return a normalised copy of the notebook `nb` (a dict, nbformat 4).

    Parameters
    ----------
    nb : dict
        A notebook as ``json.load`` reads it.
    python_version : str, optional
        The kernel's Python version for ``language_info``; by default the
        running interpreter's.

    Returns
    -------
    dict
        A new notebook; `nb` is not changed.  ``normalize(normalize(nb))``
        equals ``normalize(nb)``.

    Examples
    --------
    >>> nb = {"cells": [], "metadata": {"widgets": {}}, "nbformat": 4,
    ...       "nbformat_minor": 5}
    >>> out = normalize(nb, "3.11.7")
    >>> sorted(out["metadata"]), "widgets" in nb["metadata"]
    (['kernelspec', 'language_info'], True)
    """
    if not isinstance(nb, dict) or nb.get("nbformat") != 4:
        raise ValueError(f"nb must be an nbformat 4 notebook, got {type(nb).__name__}")
    nb = strip_widget_views(nb)  # a deep copy without widget views or state
    metadata = nb.setdefault("metadata", {})
    for key in ("widgets", "signature", "orig_nbformat", "orig_nbformat_minor"):
        metadata.pop(key, None)
    metadata["kernelspec"] = dict(KERNELSPEC)
    metadata["language_info"] = language_info(python_version)
    texts = glued_texts(nb)
    first_code = True
    for index, cell in enumerate(nb.get("cells", [])):
        cell["metadata"] = _cell_metadata(cell)
        if cell.get("cell_type") == "markdown":
            source = _text(cell.get("source", ""))
            try:
                results = prose_numbers(source, texts)
            except ValueError as error:
                raise ValueError(f"Markdown cell {index}: {error}") from None
            if results:
                cell["metadata"]["user_expressions"] = results
            else:
                cell["metadata"].pop("user_expressions", None)
        if "outputs" in cell:
            cell["outputs"] = stored_outputs(cell["outputs"])
        if cell.get("cell_type") == "code" and first_code:
            first_code = False
            cell["source"] = install_cell_source(_text(cell.get("source", "")))
            tags = cell["metadata"].setdefault("tags", [])
            if "hide-cell" not in tags:
                tags.append("hide-cell")
            cell["metadata"] = _cell_metadata(cell)
    return nb


#: An inline expression in the prose, as MyST writes it.
EVAL_ROLE = re.compile(r"\{eval\}`([^`]*)`")
#: The one expression the prose uses: the text glued under a name.
GLUED = re.compile(r'glued\["([^"\\]+)"\]')
#: A role of myst-nb's glue extension, which JupyterLab cannot show.
GLUE_ROLE = re.compile(r"\{glue(:\w+)?\}`[^`]*`")
#: The MIME type and metadata key of a glue output (gdcourse.report.glue).
GLUE_TEXT = "application/papermill.record/text/plain"


def glued_texts(nb):
    """The text each glue output of `nb` stores, by name (the last one wins).

    Returns
    -------
    dict
        ``{name: text}``, the text being the stored ``repr`` of a string, as
        :func:`gdcourse.report.glue` writes it, read back as the string.
    """
    texts = {}
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            stored = out.get("data", {}).get(GLUE_TEXT)
            if name is None or stored is None:
                continue
            value = ast.literal_eval(_text(stored))
            if not isinstance(value, str):
                raise ValueError(
                    f"glue output {name!r} must store the repr of a string,"
                    f" got {_text(stored)!r}"
                )
            texts[name] = value
    return texts


def prose_numbers(source, texts):
    """The ``user_expressions`` metadata of a Markdown cell with `source`.

    Parameters
    ----------
    source : str
        The cell's MyST text.
    texts : dict
        The notebook's glued texts by name, from :func:`glued_texts`.

    Returns
    -------
    list of dict
        One entry per ``{eval}`glued["name"]``` in the order of the text, as
        jupyterlab-myst stores a kernel's reply for each: the expression and
        ``{"status": "ok", "data": {"text/plain": text}, "metadata": {}}``,
        where `text` is the glued text itself (``gdcourse.report.Shown``
        displays without quotes).

    Notes
    -----
    jupyterlab-myst looks a result up by its expression, so the stored list
    is what a kernel that has run the notebook would store when the cell runs.

    Examples
    --------
    >>> prose_numbers('rate {eval}`glued["lr"]`.', {"lr": "0.05"})
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'expression': 'glued["lr"]', 'result': {'data': {'text/plain': '0.05'},
      'metadata': {}, 'status': 'ok'}}]
    """
    glue_role = GLUE_ROLE.search(source)
    if glue_role:
        raise ValueError(
            'a number in the prose must be shown with {eval}`glued["name"]`,'
            f" got {glue_role.group(0)}"
        )
    results = []
    for expression in EVAL_ROLE.findall(source):
        match = GLUED.fullmatch(expression)
        if match is None:
            raise ValueError(f'{{eval}} must hold glued["name"], got {expression!r}')
        name = match.group(1)
        if name not in texts:
            raise ValueError(
                f"{{eval}} must name a glue output of this notebook, got {name!r}"
            )
        result = {"data": {"text/plain": texts[name]}, "metadata": {}, "status": "ok"}
        results.append({"expression": expression, "result": result})
    return results


def stored_outputs(outputs):
    """A cell's outputs with consecutive chunks of one stream merged.

    How the kernel splits its writes into messages varies from run to run, so
    merging them keeps the stored notebook the same from one run to the next.

    Examples
    --------
    >>> outs = [{"output_type": "stream", "name": "stdout", "text": "a\\n"},
    ...         {"output_type": "stream", "name": "stdout", "text": ["b\\n"]}]
    >>> stored_outputs(outs)[0]["text"]
    'a\\nb\\n'
    """
    result = []
    for out in outputs:
        out = copy.deepcopy(out)
        previous = result[-1] if result else None
        if (
            out.get("output_type") == "stream"
            and previous is not None
            and previous.get("output_type") == "stream"
            and previous.get("name") == out.get("name")
        ):
            previous["text"] = _text(previous["text"]) + _text(out["text"])
            continue
        result.append(out)
    return result


def _cell_metadata(cell):
    """The cell's metadata without timing, with collapse flags from its tags."""
    dropped = {"execution", "trusted"}
    metadata = {k: v for k, v in cell.get("metadata", {}).items() if k not in dropped}
    if cell.get("cell_type") != "code":
        return metadata
    tags = set(metadata.get("tags", []))
    jupyter = dict(metadata.get("jupyter", {}))
    for flag, hiding in (
        ("source_hidden", SOURCE_HIDDEN),
        ("outputs_hidden", OUTPUTS_HIDDEN),
    ):
        if tags & hiding:
            jupyter[flag] = True
        else:
            jupyter.pop(flag, None)
    # JupyterLab keeps the old "collapsed" key in step with outputs_hidden.
    if jupyter.get("outputs_hidden"):
        metadata["collapsed"] = True
    else:
        metadata.pop("collapsed", None)
    if jupyter:
        metadata["jupyter"] = jupyter
    else:
        metadata.pop("jupyter", None)
    return metadata


def _text(source):
    return source if isinstance(source, str) else "".join(source)


def install_cell_source(source):
    """Return the first code cell's `source` with :data:`INSTALL_BLOCK` on top.

    A leading ``try:`` block that imports gdcourse (the previous install block)
    is replaced; the lines after it (the chapter's other imports) are kept.

    Examples
    --------
    >>> old = 'try:\\n    import gdcourse as gd\\nexcept ImportError:\\n'
    >>> old += '    %pip install gdcourse\\nimport numpy as np'
    >>> new = install_cell_source(old)
    >>> new.startswith(INSTALL_BLOCK), new.endswith("\\nimport numpy as np")
    (True, True)
    >>> install_cell_source(new) == new
    True
    """
    lines = source.splitlines()
    end = 0
    if lines and lines[0].startswith("try:") and "gdcourse" in "\n".join(lines[:3]):
        end = 1
        while end < len(lines) and _continues_block(lines[end]):
            end += 1
    rest = lines[end:]
    while rest and not rest[0].strip():
        rest = rest[1:]
    return "\n".join([INSTALL_BLOCK, *rest])


def _continues_block(line):
    return (
        not line.strip()
        or line[0] in " \t"
        or line.startswith(("except", "else:", "finally:"))
    )


def dumps(nb):
    """Return `nb` as the JSON text Jupyter writes (nbformat's v4 writer).

    Sorted keys, one-space indent, non-ASCII characters kept, multi-line
    strings in ``source`` and outputs split into lists of lines, and a final
    newline.
    """
    return (
        json.dumps(_split_lines(nb), sort_keys=True, indent=1, ensure_ascii=False)
        + "\n"
    )


def _split_lines(nb):
    """nbformat.v4.rwbase.split_lines, on a copy."""
    nb = copy.deepcopy(nb)
    for cell in nb.get("cells", []):
        if isinstance(cell.get("source"), str):
            cell["source"] = cell["source"].splitlines(True)
        for attachment in cell.get("attachments", {}).values():
            _split_bundle(attachment)
        for output in cell.get("outputs", []):
            if output.get("output_type") in {"execute_result", "display_data"}:
                _split_bundle(output.get("data", {}))
            elif output.get("output_type") == "stream" and isinstance(
                output.get("text"), str
            ):
                output["text"] = output["text"].splitlines(True)
    return nb


#: Besides text/*, the MIME types whose text nbformat stores as a list of lines.
SPLIT_MIMES = {"application/javascript", "image/svg+xml"}


def _split_bundle(bundle):
    """Split multi-line text in a MIME bundle as nbformat does."""
    for mime, data in bundle.items():
        if isinstance(data, str) and (mime.startswith("text/") or mime in SPLIT_MIMES):
            bundle[mime] = data.splitlines(True)


#: A visible code cell has at most this many code lines (:func:`code_lines`).
MAX_CELL_LINES = 15
#: The median visible code cell of the book has at most this many.
MAX_MEDIAN_LINES = 8


def code_lines(source):
    """The number of code lines in a cell's `source`.

    A code line is a line that is not blank and does not start, after its
    indentation, with ``#``.  A comment on its own line is prose for the
    reader, so it does not count; a comment after code adds no line either.

    Examples
    --------
    >>> code_lines("x = 1\\n\\n# why y is 2\\ny = 2  # and more\\n    # indented\\n")
    2
    """
    lines = _text(source).splitlines()
    return sum(
        1 for line in lines if line.strip() and not line.lstrip().startswith("#")
    )


def visible_code_cells(nb):
    """The code cells of `nb` whose source the site shows, with their lengths.

    Returns
    -------
    list of (int, str, int)
        For each such cell: its index in ``nb["cells"]`` (``cells[i]`` in the
        report of :func:`cell_length_report`), its first code line
        and its :func:`code_lines`.  A cell tagged with one of
        :data:`SOURCE_HIDDEN` is left out.
    """
    cells = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if SOURCE_HIDDEN & set(cell.get("metadata", {}).get("tags", [])):
            continue
        source = _text(cell.get("source", ""))
        first = next(
            (
                line.strip()
                for line in source.splitlines()
                if line.strip() and not line.lstrip().startswith("#")
            ),
            "",
        )
        cells.append((index, first, code_lines(source)))
    return cells


def cell_length_report(chapters):
    """Report the lengths of the visible code cells of `chapters`.

    Parameters
    ----------
    chapters : list of (str, dict)
        Each chapter's file name and notebook.

    Returns
    -------
    lines : list of str
        One line per chapter (its visible cells, their median length, how many
        are longer than :data:`MAX_CELL_LINES`), one per such cell, and one for
        the median over all of them.
    ok : bool
        False when a chapter has a cell longer than :data:`MAX_CELL_LINES` or
        the median over all of them is above :data:`MAX_MEDIAN_LINES`.

    Examples
    --------
    >>> cell = {"cell_type": "code", "metadata": {}, "source": "x = 1"}
    >>> lines, ok = cell_length_report([("01_a.ipynb", {"cells": [cell]})])
    >>> print("\\n".join(lines), ok, sep="\\n")
    01_a.ipynb: 1 visible code cells, median 1 lines, 0 over 15 lines
    checked chapters: median 1 lines over 1 visible code cells (at most 8)
    True
    """
    ok, checked, lines = True, [], []
    for name, nb in chapters:
        cells = visible_code_cells(nb)
        lengths = [n for _, _, n in cells]
        long = [(i, first, n) for i, first, n in cells if n > MAX_CELL_LINES]
        median = f"{statistics.median(lengths):g}" if lengths else "-"
        line = (
            f"{name}: {len(cells)} visible code cells, median {median} lines,"
            f" {len(long)} over {MAX_CELL_LINES} lines"
        )
        checked += lengths
        ok = ok and not long
        lines.append(line)
        lines += [f"    cells[{i}]: {n} lines, {first[:50]}" for i, first, n in long]
    if checked:
        median = statistics.median(checked)
        ok = ok and median <= MAX_MEDIAN_LINES
        lines.append(
            f"checked chapters: median {median:g} lines over {len(checked)}"
            f" visible code cells (at most {MAX_MEDIAN_LINES})"
        )
    return lines, ok


def normalize_file(path, check=False, python_version=None):
    """Normalise the notebook at `path` in place; return True if it changed.

    With `check`, report only: the file is left as it is.
    """
    path = Path(path)
    old = path.read_text(encoding="utf-8")
    new = dumps(normalize(json.loads(old), python_version))
    if new != old and not check:
        path.write_text(new, encoding="utf-8")
    return new != old


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="notebook files")
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; report code cell lengths; exit 1 if any file"
        " would change or a chapter has cells that are too long",
    )
    parser.add_argument(
        "--python-version", help="kernel Python version (default: this interpreter's)"
    )
    args = parser.parse_args(argv)
    changed = [
        p for p in args.paths if normalize_file(p, args.check, args.python_version)
    ]
    for path in changed:
        print(f"{'not normalised' if args.check else 'normalised'}: {path}")
    if not args.check:
        return 0
    chapters = [(p.name, json.loads(p.read_text(encoding="utf-8"))) for p in args.paths]
    lines, short = cell_length_report(chapters)
    print("\n".join(lines))
    if not short:
        print(
            f"visible code cells: at most {MAX_CELL_LINES} code lines each,"
            f" median at most {MAX_MEDIAN_LINES} (scripts/normalize_notebooks.py)"
        )
    return 1 if changed or not short else 0


if __name__ == "__main__":
    sys.exit(main())

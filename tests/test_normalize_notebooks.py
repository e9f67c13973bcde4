"""Tests for scripts/normalize_notebooks.py."""

import copy
import importlib.util
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))

_spec = importlib.util.spec_from_file_location(
    "normalize_notebooks", ROOT / "scripts" / "normalize_notebooks.py"
)
norm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(norm)

OLD_INSTALL = (
    "try:\n"
    "    import gdcourse as gd\n"
    "except ImportError:  # opened on its own, e.g. in Colab\n"
    '    %pip install --quiet "gdcourse @ git+https://github.com/gdcourse/gdcourse"\n'
    "    import gdcourse as gd\n"
    "import numpy as np\n"
    "import matplotlib.pyplot as plt\n"
    "from gdcourse.report import glue"
)


def code(source, tags=(), **metadata):
    if tags:
        metadata["tags"] = list(tags)
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": f"c{abs(hash(source)) % 10**8}",
        "metadata": metadata,
        "outputs": [],
        "source": source,
    }


def markdown(source):
    return {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": source}


def notebook(*cells, **metadata):
    return {
        "cells": list(cells),
        "metadata": metadata,
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def glue_output(name, text):
    """The output of ``gdcourse.report.glue(name, ...)`` that stored `text`."""
    return {
        "output_type": "display_data",
        "data": {norm.GLUE_TEXT: repr(text)},
        "metadata": {
            "scrapbook": {
                "name": name,
                "mime_prefix": "application/papermill.record/",
            }
        },
    }


def stored(text):
    """A Markdown cell's stored result for an expression whose text is `text`."""
    return {"data": {"text/plain": text}, "metadata": {}, "status": "ok"}


def sample():
    """A small chapter: title, install cell, a solution, a glue cell, a plot."""
    glue_cell = code('glue("slope", slope, ".1f")', ["remove-cell"])
    glue_cell["outputs"] = [glue_output("slope", "2.0")]
    return notebook(
        markdown('(ch-x)=\n# 1. X\n\nThe slope is {eval}`glued["slope"]`.'),
        code(OLD_INSTALL, ["hide-cell"], execution={"iopub.status.busy": "2026"}),
        code("slope = 2.0\nprint(slope)"),
        glue_cell,
        code("def solution():\n    return 1", ["hide-cell"]),
        code("plt.plot([1, 2])", ["hide-output"]),
        code("x = 1", jupyter={"source_hidden": True}, collapsed=True),
        kernelspec={
            "display_name": "Python 3",
            "language": "python",
            "name": "python3",
        },
        language_info={"name": "python", "version": "3.11.0"},
        widgets={"application/vnd.jupyter.widget-state+json": {"state": {}}},
    )


def test_normalize_is_idempotent_and_pure():
    nb = sample()
    before = copy.deepcopy(nb)
    once = norm.normalize(nb, "3.11.7")
    assert nb == before
    assert once != before
    assert norm.normalize(once, "3.11.7") == once
    assert norm.dumps(
        norm.normalize(json.loads(norm.dumps(once)), "3.11.7")
    ) == norm.dumps(once)


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_normalize_is_idempotent_on_chapters(path):
    once = norm.normalize(json.loads(path.read_text(encoding="utf-8")), "3.11.7")
    text = norm.dumps(once)
    assert norm.dumps(norm.normalize(json.loads(text), "3.11.7")) == text
    assert "widgets" not in once["metadata"]


def test_widget_state_is_removed_and_other_metadata_kept():
    nb = sample()
    nb["metadata"]["title"] = "X"
    out = norm.normalize(nb, "3.11.7")
    assert "widgets" not in out["metadata"]
    assert out["metadata"]["title"] == "X"


def test_kernel_metadata_is_what_jupyter_writes():
    out = norm.normalize(sample(), "3.12.1")
    assert out["metadata"]["kernelspec"] == {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    info = out["metadata"]["language_info"]
    assert info["version"] == "3.12.1"
    assert info["codemirror_mode"] == {"name": "ipython", "version": 3}
    assert info["pygments_lexer"] == "ipython3"


def test_kernel_metadata_matches_ipykernel():
    """The stored language_info is the one ipykernel itself reports."""
    from ipykernel.ipkernel import IPythonKernel

    reported = IPythonKernel.language_info
    expected = norm.language_info(reported["version"])
    assert expected == json.loads(json.dumps(reported))


def test_collapse_flags_follow_the_tags():
    out = norm.normalize(sample(), "3.11.7")
    meta = [cell["metadata"] for cell in out["cells"]]
    assert set(meta[0]) == {"user_expressions"}  # markdown: only its numbers
    assert meta[1]["jupyter"] == {"source_hidden": True}  # install cell
    assert "collapsed" not in meta[1]
    assert "jupyter" not in meta[2]
    assert meta[3]["jupyter"] == {"source_hidden": True, "outputs_hidden": True}
    assert meta[3]["collapsed"] is True
    assert meta[4]["jupyter"] == {"source_hidden": True}
    assert meta[4]["tags"] == ["hide-cell"]
    assert meta[5]["jupyter"] == {"outputs_hidden": True}
    assert meta[5]["collapsed"] is True
    # A flag without its tag goes: what is folded is decided by the tags.
    assert "jupyter" not in meta[6] and "collapsed" not in meta[6]


def test_timing_metadata_is_removed():
    out = norm.normalize(sample(), "3.11.7")
    assert all("execution" not in cell["metadata"] for cell in out["cells"])


def test_first_code_cell_gets_the_install_block_and_keeps_its_imports():
    out = norm.normalize(sample(), "3.11.7")
    first = out["cells"][1]["source"]
    assert first.startswith(norm.INSTALL_BLOCK)
    assert first[len(norm.INSTALL_BLOCK) :] == (
        "\nimport numpy as np\nimport matplotlib.pyplot as plt\n"
        "from gdcourse.report import glue"
    )
    assert "%pip" not in first
    assert out["cells"][2]["source"] == "slope = 2.0\nprint(slope)"


def test_first_code_cell_without_install_block_gets_one_and_the_tag():
    nb = notebook(code("import numpy as np"), code("x = 1"))
    out = norm.normalize(nb, "3.11.7")
    assert out["cells"][0]["source"] == norm.INSTALL_BLOCK + "\nimport numpy as np"
    assert out["cells"][0]["metadata"]["tags"] == ["hide-cell"]
    assert out["cells"][1]["source"] == "x = 1"


def test_install_block_installs_the_book_extra():
    assert "gdcourse[book]" in norm.INSTALL_BLOCK
    assert max(len(line) for line in norm.INSTALL_BLOCK.splitlines()) <= 76


def test_book_extra_is_declared():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "book" in project["optional-dependencies"]


def test_dumps_matches_nbformat_writer():
    nb = norm.normalize(sample(), "3.11.7")
    nb["cells"][2]["outputs"] = [
        {"name": "stdout", "output_type": "stream", "text": "2.0\nmore\n"},
        {
            "data": {
                "text/plain": "a\nb",
                "text/html": "<p>é</p>\n<p>ü</p>",
                "image/png": "iVBORw0KGgo=\n",
                "application/json": {"a": 1},
                "image/svg+xml": "<svg>\n</svg>",
            },
            "metadata": {},
            "output_type": "display_data",
        },
    ]
    expected = nbformat.writes(nbformat.from_dict(copy.deepcopy(nb))) + "\n"
    assert norm.dumps(nb) == expected
    assert "é" in norm.dumps(nb)


def test_cli_check_and_rewrite(tmp_path):
    path = tmp_path / "01_x.ipynb"
    path.write_text(json.dumps(sample()), encoding="utf-8")
    assert norm.main(["--check", "--python-version", "3.11.7", str(path)]) == 1
    assert json.loads(path.read_text()) == sample()
    assert norm.main(["--python-version", "3.11.7", str(path)]) == 0
    assert norm.main(["--check", "--python-version", "3.11.7", str(path)]) == 0


def test_rejects_what_is_not_a_notebook():
    with pytest.raises(ValueError, match="nbformat 4"):
        norm.normalize({"cells": []})


def _run_install_cell(tmp_path, module, package):
    """Execute the install block in a real kernel, for a given module and pip target."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    source = norm.INSTALL_BLOCK.replace("gdcourse as gd", f"{module} as gd")
    source = source.replace(norm.PACKAGE, package)
    nb = nbformat.from_dict(notebook(code(source), code("print('after')")))
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    try:
        client.execute()
    except CellExecutionError:
        pass
    return nb.cells[0].outputs, nb.cells[1].outputs


def test_install_cell_prints_one_line_when_it_cannot_install(tmp_path):
    missing = "gdcourse_not_installed_anywhere"
    # A local path that does not exist: pip fails at once, without the network.
    outputs, after = _run_install_cell(tmp_path, missing, str(tmp_path / "no-such-dir"))
    assert [o["output_type"] for o in outputs] == ["error"]
    (line,) = outputs[0]["traceback"]
    assert missing in line and "pip install" in line and "no-such-dir" in line
    assert "Traceback" not in line and "\n" not in line
    assert after == []  # the error stops the rest of the notebook


def test_install_cell_is_silent_when_the_package_is_there(tmp_path):
    outputs, after = _run_install_cell(tmp_path, "json", "unused")
    assert outputs == []
    assert after[0]["text"] == "after\n"


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_committed_chapters_are_normalised(path):
    """`make notebooks` runs the normaliser; a chapter saved otherwise fails here."""
    version = ".".join(map(str, sys.version_info[:3]))
    text = path.read_text(encoding="utf-8")
    normalised = norm.dumps(norm.normalize(json.loads(text), version)) == text
    assert normalised, f"run: python scripts/normalize_notebooks.py {path.name}"


def test_a_widget_view_with_an_html_form_keeps_only_the_html():
    view_type = "application/vnd.jupyter.widget-view+json"
    view = {"model_id": "abc", "version_major": 2, "version_minor": 0}
    outputs = [
        {
            "output_type": "display_data",
            "metadata": {},
            "data": {
                view_type: view,
                "text/html": "<div>frame</div>",
                "text/plain": "Explorer",
            },
        },
        {"output_type": "display_data", "metadata": {}, "data": {view_type: view}},
    ]
    code = {"cell_type": "code", "metadata": {}, "source": "x = 1", "outputs": []}
    cell = {"cell_type": "code", "metadata": {}, "source": "show()", "outputs": outputs}
    nb = {"cells": [code, cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    stored = norm.normalize(nb, "3.11.7")["cells"][1]["outputs"]
    assert view_type not in stored[0]["data"]
    assert stored[0]["data"]["text/html"] == "<div>frame</div>"
    assert stored[1]["data"] == {view_type: view}  # no fallback: left alone
    assert view_type in outputs[0]["data"]  # the input is not changed
    # the same rule as the server's pre-save hook, not a copy of it
    assert norm.strip_widget_views.__module__ == "gdcourse_jupyter_config"


def test_stream_chunks_are_merged_only_within_one_stream():
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": ["a\n"]},
        {"output_type": "stream", "name": "stdout", "text": "b\n"},
        {"output_type": "stream", "name": "stderr", "text": "c\n"},
        {"output_type": "stream", "name": "stdout", "text": "d\n"},
    ]
    stored = norm.stored_outputs(outputs)
    assert [(o["name"], "".join(o["text"])) for o in stored] == [
        ("stdout", "a\nb\n"),
        ("stderr", "c\n"),
        ("stdout", "d\n"),
    ]


def test_markdown_cells_store_the_glued_text_of_each_expression():
    nb = sample()
    nb["cells"][3]["outputs"].append(glue_output("rate", "1.2e-03"))
    nb["cells"].append(
        markdown(
            'Rate {eval}`glued["rate"]`, slope {eval}`glued["slope"]`,'
            ' rate again {eval}`glued["rate"]`.'
        )
    )
    nb["cells"].append(markdown("No numbers here."))
    nb["cells"][-1]["metadata"]["user_expressions"] = [{"expression": "x"}]
    out = norm.normalize(nb, "3.11.7")
    assert out["cells"][0]["metadata"]["user_expressions"] == [
        {"expression": 'glued["slope"]', "result": stored("2.0")}
    ]
    # One entry per expression, in the order of the text, as jupyterlab-myst.
    assert out["cells"][-2]["metadata"]["user_expressions"] == [
        {"expression": 'glued["rate"]', "result": stored("1.2e-03")},
        {"expression": 'glued["slope"]', "result": stored("2.0")},
        {"expression": 'glued["rate"]', "result": stored("1.2e-03")},
    ]
    assert "user_expressions" not in out["cells"][-1]["metadata"]  # stale: gone


def test_a_changed_glue_output_changes_the_stored_prose():
    nb = norm.normalize(sample(), "3.11.7")
    nb["cells"][3]["outputs"] = [glue_output("slope", "2.5")]
    again = norm.normalize(nb, "3.11.7")
    (entry,) = again["cells"][0]["metadata"]["user_expressions"]
    assert entry["result"]["data"] == {"text/plain": "2.5"}


def test_the_last_glue_of_a_name_wins_as_on_the_site():
    nb = sample()
    nb["cells"][5]["outputs"] = [glue_output("slope", "3.0")]
    out = norm.normalize(nb, "3.11.7")
    (entry,) = out["cells"][0]["metadata"]["user_expressions"]
    assert entry["result"]["data"] == {"text/plain": "3.0"}


@pytest.mark.parametrize(
    "prose, message",
    [
        (
            '{eval}`glued["nope"]`',
            "must name a glue output of this notebook, got 'nope'",
        ),
        ("{eval}`slope * 2`", "must hold glued"),
        ("{glue:text}`slope`", "must be shown with {eval}"),
        ("{glue}`slope`", "must be shown with {eval}"),
    ],
)
def test_prose_that_names_no_glue_output_is_refused(prose, message):
    nb = sample()
    nb["cells"].append(markdown(prose))
    with pytest.raises(ValueError, match=re.escape(message)):
        norm.normalize(nb, "3.11.7")


def test_stored_results_are_what_a_kernel_replies():
    """What the normaliser stores equals a real kernel's user_expressions reply."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        outputs = []
        kc.execute_interactive(
            "from gdcourse.report import glue, glued\n"
            'glue("rate", 0.0123456, ".2e")\n'
            'glue("steps", 1200)\n'
            'glue("name", "it\'s")',
            output_hook=lambda msg: outputs.append(msg),
            timeout=60,
        )
        displayed = [
            {"output_type": "display_data", **m["content"]}
            for m in outputs
            if m["msg_type"] == "display_data"
        ]
        prose = " ".join(f'{{eval}}`glued["{k}"]`' for k in ("rate", "steps", "name"))
        expressions = {str(i): e for i, e in enumerate(norm.EVAL_ROLE.findall(prose))}
        reply = kc.execute_interactive("", user_expressions=expressions, timeout=60)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    nb = notebook(markdown(prose), code("glue(...)"))
    nb["cells"][1]["outputs"] = displayed
    written = norm.prose_numbers(prose, norm.glued_texts(nb))
    replied = reply["content"]["user_expressions"]
    assert written == [
        {"expression": expressions[k], "result": replied[k]} for k in sorted(replied)
    ]
    assert [w["result"]["data"]["text/plain"] for w in written] == [
        "1.23e-02",
        "1200",
        "it's",
    ]


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_every_number_in_the_prose_is_a_glue_output_of_its_chapter(path):
    """The stored numbers of the prose are the glue outputs nbval compares."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    texts = norm.glued_texts(nb)
    expressions = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        assert not norm.GLUE_ROLE.search(source)
        names = [
            norm.GLUED.fullmatch(e).group(1) for e in norm.EVAL_ROLE.findall(source)
        ]
        assert set(names) <= set(texts)
        stored_results = cell["metadata"].get("user_expressions", [])
        assert [e["result"]["data"]["text/plain"] for e in stored_results] == [
            texts[n] for n in names
        ]
        expressions += len(names)
    assert expressions > 0


# --- short code cells ---------------------------------------------------------


def lines_of(n, comments=0, blanks=0):
    """A cell source of `n` code lines, plus comment-only and blank lines."""
    body = [f"x{k} = {k}" for k in range(n)]
    body += ["# a comment on its own line"] * comments + [""] * blanks
    return "\n".join(body)


def test_a_code_line_is_neither_blank_nor_only_a_comment():
    source = "def f(x):\n    # why\n\n    return x  # trailing\n\n\n# done\nf(1)"
    assert norm.code_lines(source) == 3
    assert norm.code_lines(source.splitlines(True)) == 3  # as stored: a list
    assert norm.code_lines("") == 0
    assert norm.code_lines(lines_of(4, comments=5, blanks=3)) == 4


@pytest.mark.parametrize("tag", sorted(norm.SOURCE_HIDDEN))
def test_cells_whose_source_the_site_hides_are_not_counted(tag):
    assert tag in {"hide-cell", "hide-input", "remove-cell", "remove-input"}
    nb = notebook(
        code(lines_of(40), [tag]),
        code(lines_of(3), ["hide-output"]),
        markdown(lines_of(30)),
        code(lines_of(2)),
    )
    cells = norm.visible_code_cells(nb)
    assert [(i, n) for i, _, n in cells] == [(1, 3), (3, 2)]
    assert cells[0][1] == "x0 = 0"


def test_a_cell_over_the_limit_fails_and_is_named():
    at_limit = notebook(
        code(lines_of(norm.MAX_CELL_LINES, comments=9)), code("x"), code("y")
    )
    lines, ok = norm.cell_length_report([("01_a.ipynb", at_limit)])
    assert ok
    over = notebook(code(lines_of(1)), code("y = 1\n" + lines_of(norm.MAX_CELL_LINES)))
    lines, ok = norm.cell_length_report([("01_a.ipynb", over)])
    assert not ok
    assert lines[0] == (
        "01_a.ipynb: 2 visible code cells, median 8.5 lines, 1 over 15 lines"
    )
    assert lines[1] == "    cells[1]: 16 lines, y = 1"


def test_the_median_over_the_checked_chapters_decides():
    eight = notebook(*(code(lines_of(n)) for n in (1, 8, 8, 15)))
    nine = notebook(*(code(lines_of(n)) for n in (1, 9, 9, 15)))
    lines, ok = norm.cell_length_report([("01_a.ipynb", eight)])
    assert ok and lines[-1].startswith("checked chapters: median 8 lines over 4")
    lines, ok = norm.cell_length_report([("02_b.ipynb", nine)])
    assert not ok and lines[-1].startswith("checked chapters: median 9 lines")
    # the book's median, not each chapter's: 1, 1, 8, 8, 9, 9, 15, 15 -> 8.5
    both = [("01_a.ipynb", eight), ("02_b.ipynb", nine)]
    lines, ok = norm.cell_length_report(both)
    assert not ok and "median 8.5 lines over 8" in lines[-1]
    short = notebook(*(code(lines_of(2)) for _ in range(4)))
    lines, ok = norm.cell_length_report(both + [("03_c.ipynb", short)])
    assert ok and "median 5 lines over 12" in lines[-1]


def test_check_fails_on_a_long_cell_of_a_normalised_chapter(tmp_path, capsys):
    nb = norm.normalize(notebook(code("import numpy"), code(lines_of(16))), "3.11.7")
    path = tmp_path / "01_x.ipynb"
    path.write_text(norm.dumps(nb), encoding="utf-8")
    args = ["--check", "--python-version", "3.11.7", str(path)]
    assert norm.main(args) == 1
    out = capsys.readouterr().out
    assert "not normalised" not in out
    assert "01_x.ipynb: 1 visible code cells, median 16 lines, 1 over 15" in out
    # 15 lines pass, with a median of 8 lines (the install cell is hidden)
    cells = [code(lines_of(15)), code(lines_of(8)), code(lines_of(2))]
    fixed = norm.normalize(notebook(code("import numpy"), *cells), "3.11.7")
    path.write_text(norm.dumps(fixed), encoding="utf-8")
    assert norm.main(args) == 0
    # normalising (without --check) never fails on lengths
    path.write_text(norm.dumps(nb), encoding="utf-8")
    assert norm.main(args[1:]) == 0


def test_committed_chapters_have_short_visible_cells():
    """What `make lint` checks: every chapter passes."""
    chapters = [(p.name, json.loads(p.read_text(encoding="utf-8"))) for p in CHAPTERS]
    lines, ok = norm.cell_length_report(chapters)
    assert ok, "\n".join(lines)

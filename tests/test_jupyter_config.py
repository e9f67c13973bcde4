"""Tests of the Jupyter server settings (.jupyter/jupyter_server_config.py)."""

import copy
import doctest
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / ".jupyter" / "jupyter_server_config.py"
BOOK = ROOT / "book"


def load_config_module():
    spec = importlib.util.spec_from_file_location("course_server_config", CONFIG)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


config = load_config_module()
VIEW = "application/vnd.jupyter.widget-view+json"


def joined(text):
    """nbformat's multi-line string: a list of lines or one string."""
    return "".join(text) if isinstance(text, list) else text


def display(**data):
    return {"output_type": "display_data", "metadata": {}, "data": data}


def notebook(*outputs, metadata=None):
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3"}, **(metadata or {})},
        "cells": [
            {"cell_type": "markdown", "id": "m", "metadata": {}, "source": "# Title"},
            {
                "cell_type": "code",
                "id": "c",
                "metadata": {},
                "execution_count": 1,
                "source": "explorer",
                "outputs": list(outputs),
            },
        ],
    }


EXPLORER = display(
    **{
        VIEW: {"version_major": 2, "version_minor": 0, "model_id": "abc"},
        "text/html": "<div>frame</div><p>Run this cell</p>",
        "text/plain": "<explorer>",
    }
)
PLAIN_WIDGET = display(**{VIEW: {"model_id": "def"}, "text/plain": "IntSlider()"})
STATE = {"application/vnd.jupyter.widget-state+json": {"state": {}}}


def test_the_docstring_examples_run():
    result = doctest.testmod(config)
    assert result.attempted > 0 and result.failed == 0


def test_a_widget_view_with_an_html_form_loses_only_the_view():
    saved = config.strip_widget_views(notebook(EXPLORER))
    (out,) = saved["cells"][1]["outputs"]
    expected = {k: v for k, v in EXPLORER["data"].items() if k != VIEW}
    assert out["data"] == expected
    assert out["metadata"] == EXPLORER["metadata"]
    assert out["output_type"] == "display_data"


def test_widgets_without_html_and_other_outputs_are_kept():
    others = [
        PLAIN_WIDGET,
        display(**{"text/html": "<b>table</b>", "text/plain": "table"}),
        {"output_type": "stream", "name": "stdout", "text": "hello\n"},
        {"output_type": "error", "ename": "E", "evalue": "v", "traceback": []},
    ]
    original = notebook(*others)
    saved = config.strip_widget_views(original)
    assert saved["cells"] == original["cells"]


def test_the_widget_state_is_removed_and_other_metadata_kept():
    saved = config.strip_widget_views(notebook(metadata={"widgets": STATE}))
    assert "widgets" not in saved["metadata"]
    assert saved["metadata"] == {"kernelspec": {"name": "python3"}}


def test_the_argument_is_not_modified_and_a_second_pass_changes_nothing():
    original = notebook(EXPLORER, PLAIN_WIDGET, metadata={"widgets": STATE})
    before = copy.deepcopy(original)
    once = config.strip_widget_views(original)
    assert original == before
    assert once != original
    assert config.strip_widget_views(once) == once


def test_the_hook_changes_notebooks_only():
    model = {"type": "notebook", "format": "json", "content": notebook(EXPLORER)}
    config.save_static_explorers(model=model, path="a.ipynb", contents_manager=None)
    assert VIEW not in model["content"]["cells"][1]["outputs"][0]["data"]
    text = {"type": "file", "format": "text", "content": json.dumps(notebook(EXPLORER))}
    unchanged = copy.deepcopy(text)
    config.save_static_explorers(model=text, path="a.json", contents_manager=None)
    assert text == unchanged
    rename = {"type": "notebook", "content": None}
    config.save_static_explorers(model=rename, path="a.ipynb", contents_manager=None)
    assert rename == {"type": "notebook", "content": None}


def server_config(tmp_path, monkeypatch):
    """The configuration a Jupyter server reads with JUPYTER_CONFIG_PATH set."""
    from jupyter_server.serverapp import ServerApp

    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "user-config"))
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(CONFIG.parent))
    monkeypatch.setenv("JUPYTER_NO_CONFIG", "")
    app = ServerApp()
    app.load_config_file()
    return app.config


def test_a_server_reads_the_hook_from_the_config_path(tmp_path, monkeypatch):
    hook = server_config(tmp_path, monkeypatch).ContentsManager.pre_save_hook
    model = {"type": "notebook", "content": notebook(EXPLORER)}
    hook(model=model, path="a.ipynb", contents_manager=None)
    assert VIEW not in model["content"]["cells"][1]["outputs"][0]["data"]


@pytest.mark.parametrize("chapter", ["01_gradient_descent.ipynb", "07_momentum.ipynb"])
def test_a_chapter_saved_by_the_contents_manager(tmp_path, monkeypatch, chapter):
    """A chapter saved through Jupyter's file manager keeps every output but the views."""
    from jupyter_server.services.contents.filemanager import FileContentsManager

    manager = FileContentsManager(
        config=server_config(tmp_path, monkeypatch), root_dir=str(tmp_path)
    )
    stored = json.loads((BOOK / chapter).read_text(encoding="utf-8"))
    stored["metadata"]["widgets"] = STATE
    # The committed chapters store no views; give each explorer the one a live
    # kernel adds, as a notebook saved after running has.
    for cell in stored["cells"]:
        for out in cell.get("outputs", []):
            html = joined(out.get("data", {}).get("text/html", ""))
            if 'class="gd-explorer"' in html:
                out["data"][VIEW] = {"model_id": "0" * 32, "version_major": 2}
    manager.save({"type": "notebook", "format": "json", "content": stored}, chapter)
    saved = json.loads((tmp_path / chapter).read_text(encoding="utf-8"))

    assert "widgets" not in saved["metadata"]
    assert len(saved["cells"]) == len(stored["cells"])
    dropped = 0
    for before, after in zip(stored["cells"], saved["cells"]):
        assert joined(after["source"]) == joined(before["source"])
        for old, new in zip(before.get("outputs", []), after.get("outputs", [])):
            data = dict(old.get("data", {}))
            if VIEW in data and "text/html" in data:
                del data[VIEW]
                dropped += 1
            assert {k: joined(v) for k, v in new.get("data", {}).items()} == {
                k: joined(v) for k, v in data.items()
            }
    assert dropped > 0, f"{chapter} stores no explorer"


def test_kernel_websockets_send_without_delay():
    import asyncio

    calls = []

    class Handler:
        async def open(self, kernel_id):
            calls.append(("open", kernel_id))

        def set_nodelay(self, value):
            calls.append(("nodelay", value))

    config.send_without_delay(Handler)
    config.send_without_delay(Handler)  # wrapped once, however often it is read
    asyncio.run(Handler().open("k1"))
    assert calls == [("nodelay", True), ("open", "k1")]


def test_the_server_s_kernel_websocket_can_be_told_so():
    import inspect

    from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

    # the class has what the wrapper uses: an async open and tornado's set_nodelay
    assert inspect.iscoroutinefunction(KernelWebsocketHandler.open)
    assert callable(KernelWebsocketHandler.set_nodelay)

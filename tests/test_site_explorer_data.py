"""The site build moves each dense explorer's data out of its page (book/_ext/gd_site.py)."""

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
import gd_site  # noqa: E402

DENSE = {
    "title": "An <explorer>",
    "controls": [{"name": "lr", "label": "rate", "kind": "range", "labels": ["1"]}],
    "note": "Without a kernel: ...",
    "backgrounds": ["data:image/webp;base64,AAAA"],
    "form": "H4sIAAAAAAAC/w==",
    "ints": "H4sIAAAAAAAC/w==",
}
SNAPSHOT = {"title": "Snap", "controls": [], "note": "n", "frames": {"0": {}}}


def block(data):
    blob = json.dumps(data, separators=(",", ":")).replace("<", "\\u003c")
    return f'<script type="application/json" class="gd-explorer-data">{blob}</script>'


def page(*datas):
    return "\n".join(f'<div class="gd-explorer">{block(d)}</div>' for d in datas)


def blocks(html):
    found = re.findall(r'class="gd-explorer-data">(.*?)</script>', html, re.S)
    return [json.loads(b) for b in found]


def split(html):
    files = {}

    def write(name, text):
        files[name] = text
        return f"../_static/explorers/{name}"

    return gd_site.split_explorer_data(html, write), files


def loaded(text):
    """What a data file hands to the page: (name, data)."""
    call = re.fullmatch(r'gdExplorerData\("(\w+)",(.*)\);\n', text, re.S)
    assert call, text[:80]
    return call.group(1), json.loads(call.group(2))


def test_a_dense_explorer_keeps_its_controls_and_points_at_the_rest():
    html, files = split(page(DENSE))
    (kept,) = blocks(html)
    assert set(kept) == {"title", "controls", "note", "src"}
    assert kept["title"] == DENSE["title"] and kept["controls"] == DENSE["controls"]
    assert "<explorer>" not in html  # "<" still escaped in the page
    (name,) = files
    assert kept["src"] == f"../_static/explorers/{name}"
    stem, rest = loaded(files[name])
    assert name == f"{stem}.js"
    # the page's part and the file's part make the data the explorer wrote
    assert {**kept, **rest} == {**DENSE, "src": kept["src"]}
    assert set(rest) == {"backgrounds", "form", "ints"}


def test_the_file_is_named_by_its_content():
    a, b = dict(DENSE), dict(DENSE, ints="H4sIAAAAAAAC/wM=")
    _, files = split(page(a, b, a))
    assert len(files) == 2
    assert gd_site.data_file({k: a[k] for k in ("backgrounds", "form", "ints")})[
        0
    ] in set(files)


def test_a_snapshot_stays_in_the_page():
    html = page(SNAPSHOT, DENSE)
    moved, files = split(html)
    snapshot, dense = blocks(moved)
    assert snapshot == SNAPSHOT and "src" in dense and len(files) == 1
    assert moved.startswith(page(SNAPSHOT))


def test_other_builders_and_pages_without_explorers_are_left_alone(tmp_path):
    class App:
        outdir = str(tmp_path)

        class builder:
            name = "singlehtml"

    context = {"body": page(DENSE), "pathto": lambda p, resource: p}
    gd_site.move_explorer_data(App, "page", "page.html", context, None)
    assert context["body"] == page(DENSE)
    App.builder.name = "html"
    gd_site.move_explorer_data(App, "page", "page.html", context, None)
    (kept,) = blocks(context["body"])
    written = tmp_path / kept["src"]
    assert written.parent == tmp_path / gd_site.DATA_DIR
    assert loaded(written.read_text())[1]["form"] == DENSE["form"]

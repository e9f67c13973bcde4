"""docs/static-form.md documents every key the writer emits and the site's script reads.

The key tables are read from the page (one per ``##`` section, a header
starting ``| Key |``); the data comes from two registered explorers, their
grids cut to two values a control, in both the dense and the snapshot form.
"""

import base64
import gzip
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from gdcourse import widgets
from gdcourse.widgets import overlay, static_form
from gdcourse.widgets.overlay import SCALE

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "static-form.md"
#: The site's script and the painter it loads first (which reads the form's tables).
SCRIPTS = (ROOT / "_static" / "gd-explorer.js", ROOT / "gdcourse/widgets/js/painter.js")

#: A prefix control with every step state and dashed lines; a control that
#: some settings ignore (frames stored as the key of another frame).
EXPLORERS = ("learning rate", "schedules")

#: The script's names for an object of each level -> the sections documenting it.
READERS = {
    "data": ("page data",),
    "form": ("form",),
    "spec": ("control",),
    "frame": ("frame", "snapshot frame"),
    "step": ("step",),
    "op": ("operation",),
    "style": ("style",),
    "font": ("font",),
}


def cells(line):
    """The cells of a Markdown table row (``\\|`` is a bar inside a cell)."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def tables():
    """Section -> header -> rows (lists of cells) of every table in the page."""
    out, section, header = defaultdict(dict), None, None
    for line in DOC.read_text().splitlines():
        if line.startswith("## "):
            section = line[3:].strip().lower()
        if not line.startswith("|"):
            header = None
        elif header is None:
            header = tuple(c.lower() for c in cells(line))
            out[section][header] = []
        elif not re.fullmatch(r"[\s|:-]+", line):
            out[section][header].append(cells(line))
    return out


def documented():
    """Section -> key -> its "Present" cell, from the key tables."""
    out = defaultdict(dict)
    for section, by_header in tables().items():
        for header, rows in by_header.items():
            if header[0] != "key":
                continue
            for row in rows:
                key = re.fullmatch(r"`(\w+)`", row[0])
                assert key, f"{section}: a key cell is one `name`, got {row[0]!r}"
                out[section][key.group(1)] = row[header.index("present")]
    return out


def trimmed(name):
    """A fresh explorer offering the ends and the start of each control (a cheap form)."""
    ex = widgets.EXPLORERS[name]()
    for spec in ex.specs.values():
        if len(spec.static) > 2:
            ends = (spec.static[0], spec.static[-1])
            current = spec.widget.value
            keep = (*ends, current) if current in spec.static else ends
            spec.static = tuple(dict.fromkeys(keep))
    return ex


def page_data(ex, full):
    page = ex.to_html(full=full)
    blob = re.search(r'class="gd-explorer-data">(.*?)</script>', page, re.S)
    return json.loads(blob.group(1))


def objects(data):
    """Section -> every object of that level in one explorer's page data."""
    out = defaultdict(list)
    out["page data"].append(data)
    out["control"] += data["controls"]
    if "form" not in data:
        out["snapshot frame"] += data["frames"].values()
        return out
    form = json.loads(gzip.decompress(base64.b64decode(data["form"])))
    out["form"].append(form)
    out["style"] += form["styles"]
    out["font"] += form["fonts"]
    for frame in form["frames"].values():
        if isinstance(frame, str):
            assert isinstance(form["frames"][frame], dict), "an alias of an alias"
            continue
        out["frame"].append(frame)
        out["operation"] += [op for ops in frame["o"] for op in ops]
        for step in frame.get("steps", []):
            out["step"].append(step)
            for state in step["a"]:
                if isinstance(state, list):
                    out["operation"] += state
                else:
                    assert state in (static_form.HIDDEN, static_form.SAME) or state > 0
    return out


@pytest.fixture(scope="module")
def emitted():
    out = defaultdict(list)
    for name in EXPLORERS:
        ex = trimmed(name)
        for full in (True, False):
            for section, found in objects(page_data(ex, full)).items():
                out[section] += found
    return out


def test_every_key_the_writer_emits_is_documented_at_its_level(emitted):
    doc = documented()
    for section, found in emitted.items():
        keys = set().union(*found)
        assert keys <= set(doc[section]), (section, keys - set(doc[section]))


def test_every_documented_key_is_emitted_and_those_always_present_are(emitted):
    for section, keys in documented().items():
        found = emitted[section]
        for key, present in keys.items():
            if present == "always":
                assert found and all(key in o for o in found), (section, key)
            elif "optional" not in present:
                assert any(key in o for o in found), (
                    f"{section}: no explorer of {EXPLORERS} emits {key!r}; mark it "
                    "optional in the table or test an explorer that emits it"
                )


def test_each_kind_of_operation_has_the_keys_its_rows_name(emitted):
    for key, present in documented()["operation"].items():
        kinds = re.match(r"`k` is ((?:`\w`(?: or )?)+)(, when)?", present)
        if not kinds:
            continue
        allowed = set(re.findall(r"`(\w)`", kinds.group(1)))
        ops = emitted["operation"]
        assert all(op["k"] in allowed for op in ops if key in op), key
        if not kinds.group(2):
            assert all(key in op for op in ops if op["k"] in allowed), key


def test_every_key_the_script_reads_is_documented():
    code = re.sub(r"(^|\s)//[^\n]*", r"\1", "\n".join(p.read_text() for p in SCRIPTS))
    doc = documented()
    # `op.u`, `this.form.scale`, `c.spec.run`; not `canvas.style.width`
    names = "|".join(READERS)
    reads = re.findall(rf"(?<![\w.$])(?:(?:this|c)\.)?({names})\.(\w+)", code)
    assert {name for name, _ in reads} == set(READERS)
    for name, key in reads:
        assert any(key in doc[s] for s in READERS[name]), (name, key)


def test_the_page_states_the_constants_writer_and_script_share():
    code = "\n".join(p.read_text() for p in SCRIPTS)
    states = {
        name.strip("`"): int(value.strip("`"))
        for value, name, _ in tables()["step"][("state", "name", "meaning")]
        if name.strip("`").isupper()
    }
    assert states == {"HIDDEN": static_form.HIDDEN, "SAME": static_form.SAME}
    script = re.search(r"var HIDDEN = (-?\d+), SAME = (-?\d+);", code)
    assert tuple(map(int, script.groups())) == (states["HIDDEN"], states["SAME"])
    assert re.search(r"SCALE = (\d+)", DOC.read_text()).group(1) == str(SCALE)
    where = DOC.relative_to(ROOT).as_posix()
    for text in (code, static_form.__doc__, overlay.__doc__):
        assert where in text

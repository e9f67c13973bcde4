"""The book's Sphinx extension: one copy of each page script, no embedded widget state."""

import sys
from pathlib import Path

from sphinx.builders.html._assets import _JavaScript

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
import gd_site  # noqa: E402


def test_repeated_inline_scripts_are_dropped_in_place():
    body = 'const THEBE_JS_URL = "x"'
    scripts = [
        _JavaScript("doctools.js"),
        _JavaScript(None, body=body),
        _JavaScript("", body=body),  # the same script, registered a second time
        _JavaScript(None, body="var other = 1;"),
        _JavaScript("doctools.js"),
    ]
    same_list = scripts
    context = {"script_files": scripts}
    gd_site.dedupe_scripts(None, "page", "page.html", context, None)
    assert context["script_files"] is same_list  # later handlers append to this list
    assert [(s.filename, s.attributes.get("body")) for s in scripts] == [
        ("doctools.js", None),
        (None, body),
        (None, "var other = 1;"),
    ]


def test_scripts_that_differ_are_kept():
    scripts = [
        _JavaScript("a.js"),
        _JavaScript("a.js", loading_method="async"),
        _JavaScript("b.js"),
    ]
    gd_site.dedupe_scripts(None, "page", "page.html", {"script_files": scripts}, None)
    assert len(scripts) == 3


def test_widget_state_is_not_embedded():
    state = _JavaScript(None, type=gd_site.WIDGET_STATE, body="{}")
    scripts = [_JavaScript("a.js"), state]
    gd_site.drop_widget_state(
        None, "page", "page.html", {"script_files": scripts}, None
    )
    assert scripts == [_JavaScript("a.js")]

"""Tests of the prose numbers (gdcourse.report)."""

import json

import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell

from gdcourse import report


@pytest.mark.parametrize(
    "value, fmt, text",
    [
        (0.123456, ".3f", "0.123"),
        (np.float64(2.5e-7), ".1e", "2.5e-07"),
        (0.25, ".0%", "25%"),
        (np.int64(12), None, "12"),
        (12, ".1f", "12.0"),
        ("SGD", None, "SGD"),
        (1234.5678, ".4g", "1235"),
    ],
)
def test_shown_formats_like_format(value, fmt, text):
    assert report.shown(value, fmt) == text


@pytest.mark.parametrize("value, fmt", [(-1e-12, ".2f"), (-4e-4, ".0%"), (-0.0, ".1e")])
def test_a_number_that_rounds_to_zero_has_no_sign(value, fmt):
    assert not report.shown(value, fmt).startswith("-")


def test_a_negative_number_keeps_its_sign():
    assert report.shown(-0.5, ".1f") == "-0.5"


def test_last_bit_differences_disappear_at_the_shown_precision():
    a = 0.1739640630453209
    b = np.nextafter(a, 1.0)
    assert repr(a) != repr(b)
    assert report.shown(a, ".4f") == report.shown(b, ".4f")


@pytest.mark.parametrize(
    "value, fmt, message",
    [
        (0.5, None, "fmt must be a format such as '.3f'"),
        (True, None, "value must be a number or a string"),
        ([1.0], ".2f", "value must be a number or a string"),
        ("text", ".2f", "fmt must be None for a string value"),
        (1.0, 3, "fmt must be a format string"),
        (1.0, ".2q", "fmt '.2q' cannot format 1.0"),
    ],
)
def test_bad_input_is_refused(value, fmt, message):
    with pytest.raises(ValueError, match=message):
        report.shown(value, fmt)


def test_glue_stores_what_myst_nb_reads(capsys):
    shell = InteractiveShell.instance()
    published = []
    shell.display_pub.publish = lambda data, metadata=None, **kw: published.append(
        (data, metadata)
    )
    report.glue("rate", 0.0123456, ".2e")
    ((data, metadata),) = published
    assert data == {report.GLUE_PREFIX + "text/plain": "'1.23e-02'"}
    assert metadata == {
        "scrapbook": {"name": "rate", "mime_prefix": report.GLUE_PREFIX}
    }
    json.dumps([data, metadata])


def test_glue_needs_a_name():
    with pytest.raises(ValueError, match="name must be a non-empty string"):
        report.glue("", 1)


def test_glue_returns_nothing_so_a_last_line_shows_nothing():
    shell = InteractiveShell.instance()
    shell.display_pub.publish = lambda data, metadata=None, **kw: None
    assert report.glue("nothing", 1) is None


def test_glued_holds_the_stored_text_for_the_prose():
    shell = InteractiveShell.instance()
    published = []
    shell.display_pub.publish = lambda data, metadata=None, **kw: published.append(data)
    report.glue("glued_rate", np.float64(0.0123456), ".2e")
    report.glue("glued_steps", np.int64(1200))
    stored = [d[report.GLUE_PREFIX + "text/plain"] for d in published]
    # What the prose shows in the kernel is what the glue output stores.
    assert [repr(str(report.glued[k])) for k in ("glued_rate", "glued_steps")] == (
        stored
    )
    assert isinstance(report.glued["glued_rate"], report.Shown)
    report.glue("glued_rate", 0.5, ".1f")  # a re-run cell replaces its value
    assert report.glued["glued_rate"] == report.shown(0.5, ".1f")


def test_glued_is_read_only_and_names_what_is_missing():
    with pytest.raises(TypeError):
        report.glued["x"] = report.Shown("1")
    with pytest.raises(KeyError, match="'never_glued' is not glued yet"):
        report.glued["never_glued"]


@pytest.mark.parametrize("text", ["0.123", "it's", 'a "b"', "1,200", "\\alpha"])
def test_shown_displays_as_its_text(text):
    data, metadata = InteractiveShell.instance().display_formatter.format(
        report.Shown(text)
    )
    assert data == {"text/plain": text}
    assert metadata == {}


def test_a_kernel_evaluates_the_prose_expression_to_the_stored_text():
    # jupyterlab-myst sends each {eval} expression of a Markdown cell as a
    # user expression and stores the reply under metadata.user_expressions.
    shell = InteractiveShell.instance()
    shell.display_pub.publish = lambda data, metadata=None, **kw: None
    shell.run_cell("from gdcourse.report import glue, glued")
    report.glue("kernel_rate", 0.0123456, ".2e")
    reply = shell.user_expressions(
        {"0": 'glued["kernel_rate"]', "1": 'glued["not_yet"]'}
    )
    assert reply["0"] == {
        "status": "ok",
        "data": {"text/plain": "1.23e-02"},
        "metadata": {},
    }
    assert reply["1"]["status"] == "error"
    assert reply["1"]["ename"] == "KeyError"

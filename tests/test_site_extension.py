"""The book's Sphinx extensions.

gd_site: one copy of each page script, no embedded widget state.
gd_colab: the Colab launch button opens the chapter's plain-Markdown copy.
"""

import inspect
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import sphinx_book_theme
import yaml
from sphinx.builders.html._assets import _JavaScript
from sphinx_book_theme.header_buttons.launch import add_launch_buttons

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
import gd_colab  # noqa: E402
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


# --------------------------------------------------------------------------
# gd_colab: the Colab launch button opens the plain-Markdown copy

ROOT = Path(__file__).resolve().parents[1]


def theme_page(srcdir, pagename):
    """A fake app and page context as jupyter-book sets them from _config.yml."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    org, name = repo["url"].rstrip("/").split("/")[-2:]
    theme = {
        "launch_buttons": config["launch_buttons"],
        "path_to_docs": repo["path_to_book"],
        "repository_url": repo["url"],
        "repository_branch": repo["branch"],
    }
    app = SimpleNamespace(
        srcdir=str(srcdir),
        outdir=str(srcdir / "_build" / "html"),
        env=SimpleNamespace(
            doc2path=lambda page: str(srcdir / f"{page}.ipynb"),
            metadata={pagename: {"kernelspec": {"name": "python3"}}},
        ),
    )
    app.config = _Config(theme)  # the theme reads app.config["html_theme_options"]
    context = {
        "pagename": pagename,
        "sourcename": f"{pagename}.ipynb",
        "header_buttons": [],
        "github_url": "https://github.com",
        "github_user": org,
        "github_repo": name,
    }
    return app, context, (org, name, repo["branch"])


class _Config(SimpleNamespace):
    def __init__(self, theme):
        super().__init__(html_theme_options=theme)

    def __getitem__(self, key):
        return getattr(self, key)


def launch_links(context):
    (group,) = [b for b in context["header_buttons"] if b["label"] == "launch-buttons"]
    return {button["text"]: button["url"] for button in group["buttons"]}


def test_colab_button_opens_the_copy_and_binder_the_chapter(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "colab").mkdir()
    (tmp_path / "book" / "01_x.ipynb").write_text("{}")
    (tmp_path / "colab" / "01_x.ipynb").write_text("{}")
    app, context, (org, name, branch) = theme_page(tmp_path, "book/01_x")
    add_launch_buttons(app, "book/01_x", "page.html", context, None)
    before = launch_links(context)
    assert "book/01_x.ipynb" in before["Colab"]
    gd_colab.point_colab_at_copy(app, "book/01_x", "page.html", context, None)
    after = launch_links(context)
    colab_url = app.config["html_theme_options"]["launch_buttons"]["colab_url"]
    assert after["Colab"] == (
        f"{colab_url}/github/{org}/{name}/blob/{branch}/colab/01_x.ipynb"
    )
    assert after["Binder"] == before["Binder"]  # JupyterLab renders MyST


def test_a_page_without_copy_keeps_its_colab_link(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "02_y.ipynb").write_text("{}")
    app, context, _ = theme_page(tmp_path, "book/02_y")
    add_launch_buttons(app, "book/02_y", "page.html", context, None)
    before = launch_links(context)
    gd_colab.point_colab_at_copy(app, "book/02_y", "page.html", context, None)
    assert launch_links(context) == before


def test_the_rewrite_runs_after_the_theme_builds_the_buttons():
    source = inspect.getsource(sphinx_book_theme.setup)
    theme = int(re.search(r"add_launch_buttons, priority=(\d+)", source)[1])
    connected = []

    class App:
        def connect(self, event, handler, priority=500):
            connected.append((event, handler, priority))

    gd_colab.setup(App())
    assert connected == [
        ("html-page-context", gd_colab.point_colab_at_copy, connected[0][2])
    ]
    assert connected[0][2] > theme


def test_repo_root_follows_the_book_path():
    assert gd_colab.repo_root("/r/docs/book", "docs/book") == Path("/r")
    assert gd_colab.repo_root("/r", ".") == Path("/r")
    assert gd_colab.repo_root("/r", "") == Path("/r")


def test_colab_copy_url_needs_a_repository_on_github():
    theme = {"repository_url": "https://gitlab.com/o/r", "repository_branch": "main"}
    with pytest.raises(ValueError, match="Colab opens notebooks on GitHub"):
        gd_colab.colab_copy_url(theme, "colab/x.ipynb")


def _chapter(prose):
    """A small executed notebook: one glue output, one Markdown cell of `prose`."""
    glue_output = {
        "output_type": "display_data",
        "data": {"application/papermill.record/text/plain": "'1.23e-02'"},
        "metadata": {
            "scrapbook": {
                "name": "rate",
                "mime_prefix": "application/papermill.record/",
            }
        },
    }
    return {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "id": "c1",
                "metadata": {},
                "outputs": [glue_output],
                "source": 'glue("rate", 0.0123456, ".2e")',
            },
            {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": prose},
        ],
        "metadata": {
            "kernelspec": {
                "display_name": "Python 3",
                "language": "python",
                "name": "python3",
            }
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _build(tmp_path, prose):
    """Build the notebook with myst-nb and the book's extension; return HTML, warnings."""
    import io
    import json

    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(gd_site.__file__).parent)!r})\n"
        "extensions = ['myst_nb', 'gd_site']\n"
        "nb_execution_mode = 'off'\n"
    )
    (src / "index.ipynb").write_text(json.dumps(_chapter(f"# T\n\n{prose}\n")))
    warnings = io.StringIO()
    app = Sphinx(
        str(src),
        str(src),
        str(tmp_path / "html"),
        str(tmp_path / "doctrees"),
        "html",
        status=None,
        warning=warnings,
        freshenv=True,
    )
    app.build()
    return (tmp_path / "html" / "index.html").read_text(), warnings.getvalue()


def test_eval_of_a_glued_name_shows_what_glue_text_shows(tmp_path):
    html, warnings = _build(tmp_path, 'A {eval}`glued["rate"]` B {glue:text}`rate` C')
    assert warnings == ""
    shown = re.findall(r'<span class="pasted-text">([^<]*)</span>', html)
    assert shown == ["1.23e-02", "1.23e-02"]


@pytest.mark.parametrize(
    "expression, message",
    [
        ('glued["nope"]', "No key 'nope' found in glue data"),
        ("rate * 2", "{eval} must hold glued"),
    ],
)
def test_eval_of_anything_else_is_a_warning(tmp_path, expression, message):
    html, warnings = _build(tmp_path, f"A {{eval}}`{expression}` B")
    assert message in warnings
    assert "pasted-text" not in html

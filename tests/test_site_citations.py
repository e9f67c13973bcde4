"""gd_site: a reference list is a list whose entries are its list items.

Docutils gives each cited work the role ``doc-biblioentry``, deprecated by
DPUB-ARIA 1.1, inside ``<div role="list">``; the site's extension makes each
entry a ``listitem`` and changes nothing else.
"""

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
import gd_site  # noqa: E402

#: Two cited works, as sphinxcontrib-bibtex hands them to the writer.
PAGE = """\
Title
=====

Descent [Cauchy1847]_ and its rates [Nesterov1983]_.

.. [Cauchy1847] A. Cauchy. Méthode générale pour la résolution des systèmes.
.. [Nesterov1983] Y. Nesterov. A method of solving a convex programming problem.
"""


def _build(tmp_path, builder, extensions):
    """Build :data:`PAGE` with the book's theme; return the page and the app."""
    import io

    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    src = tmp_path / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(gd_site.__file__).parent)!r})\n"
        f"extensions = {extensions!r}\n"
        "html_theme = 'sphinx_book_theme'\n"
    )
    (src / "index.rst").write_text(PAGE, encoding="utf-8")
    # docutils keeps the node classes an app registers: forget them after
    with docutils_namespace():
        app = Sphinx(
            str(src),
            str(src),
            str(tmp_path / builder),
            str(tmp_path / "doctrees"),
            builder,
            status=None,
            warning=io.StringIO(),
            freshenv=True,
        )
        app.build()
    return (tmp_path / builder / "index.html").read_text(encoding="utf-8"), app


def _entries(html):
    """The opening tags of the reference list and of each entry in it."""
    lists = re.findall(r'<div role="list" class="citation-list">', html)
    entries = re.findall(r'<div class="citation"[^>]*>', html)
    return lists, entries


@pytest.mark.parametrize("builder", ["html", "singlehtml"])
def test_each_cited_work_is_a_list_item(tmp_path, builder):
    html, app = _build(tmp_path, builder, ["gd_site"])
    lists, entries = _entries(html)
    assert len(lists) == 1 and len(entries) == 2
    assert all('role="listitem"' in entry for entry in entries), entries
    assert "doc-biblioentry" not in html
    # the theme's own translator is still the one extended
    names = [cls.__name__ for cls in app.builder.get_translator_class().__mro__]
    assert "BootstrapHTML5TranslatorMixin" in names, names


def test_without_the_extension_the_role_is_the_deprecated_one(tmp_path):
    """What the extension replaces: docutils' own markup of the same page."""
    html, _ = _build(tmp_path, "html", [])
    lists, entries = _entries(html)
    assert len(lists) == 1 and len(entries) == 2
    assert all('role="doc-biblioentry"' in entry for entry in entries), entries


def test_only_the_role_changes(tmp_path):
    """Ids, classes, labels and back-links of the entries are the same."""
    plain, _ = _build(tmp_path / "plain", "html", [])
    listed, _ = _build(tmp_path / "listed", "html", ["gd_site"])

    def reference_list(html):
        start = html.index('<div role="list" class="citation-list">')
        return html[start : html.index("</section>", start)]

    assert reference_list(listed) == reference_list(plain).replace(
        'role="doc-biblioentry"', 'role="listitem"'
    )

"""Tests for scripts/colab_notebooks.py: MyST prose to plain Markdown, and the copies."""

import copy
import importlib.util
import json
import re
from pathlib import Path

import pytest
from pybtex.database import parse_string
from sphinx.util.nodes import _make_id

from gdcourse.report import GLUE_PREFIX

ROOT = Path(__file__).resolve().parents[1]

_spec = importlib.util.spec_from_file_location(
    "colab_notebooks", ROOT / "scripts" / "colab_notebooks.py"
)
cn = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cn)

SITE = "https://example.org/course/"
BIB = """
@book{solo2001, author = {Solo, Ann}, title = {One}, publisher = {P}, year = {2001}}
@article{pair2002, author = {First, Bo and Second, Cy}, title = {Two},
  journal = {J}, year = {2002}}
@article{many2003, author = {Lead, Di and Mid, Ed and Last, Flo}, title = {Three},
  journal = {J}, year = {2003}}
"""
GLOSSARY = "```{glossary}\nLearning rate\n  The step size.\n\nEpoch\n  One pass.\n```\n"


def glue_output(name, text):
    """A glue output as gdcourse.report.glue stores it."""
    return {
        "output_type": "display_data",
        "data": {GLUE_PREFIX + "text/plain": repr(text)},
        "metadata": {"scrapbook": {"mime_prefix": GLUE_PREFIX, "name": name}},
    }


@pytest.fixture
def book():
    book = cn.Book(site_url=SITE, bibliography=parse_string(BIB, "bibtex"))
    book.numbers = {"book/03_here": 3, "book/05_other": 5}
    cn._collect_labels(book, "book/05_other", "(ch-other)=\n# Other chapter\n")
    cn._collect_labels(book, "book/03_here", "(ch-here)=\n# This chapter\n")
    cn._collect_labels(book, "book/05_other", "(sec-deep)=\n## A section\n")
    book.terms = cn.glossary_terms(GLOSSARY)
    book.glossary_doc = "book/appendix"
    return book


@pytest.fixture
def chapter(book):
    return cn.Chapter("book/03_here", book, glue={"rate": "0.125", "steps": "42"})


def convert(text, chapter):
    return cn.convert_markdown(text, chapter)


# --------------------------------------------------------------------------
# Numbers glued in code cells


@pytest.mark.parametrize(
    "role", ["{glue:text}`rate`", '{eval}`glued["rate"]`', "{eval}`glued['rate']`"]
)
def test_glue_and_eval_read_the_glued_text(chapter, role):
    assert convert(f"The rate is {role}.", chapter) == (
        f"The rate is {chapter.glue['rate']}."
    )


def test_glue_values_are_read_from_the_outputs():
    values = {"lr": "0.05", "name": "heavy ball", "steps": "12"}
    outputs = [glue_output(name, text) for name, text in values.items()]
    outputs.append({"output_type": "stream", "name": "stdout", "text": "x\n"})
    nb = {"cells": [{"cell_type": "code", "outputs": outputs}]}
    assert cn.glue_values(nb) == values


def test_a_name_that_was_not_glued_is_an_error(chapter):
    with pytest.raises(ValueError, match="glue name must be"):
        convert("{glue:text}`missing`", chapter)
    with pytest.raises(ValueError, match="eval expression must be"):
        convert("{eval}`1 + 1`", chapter)


# --------------------------------------------------------------------------
# Directives, labels, definition lists


def test_admonition_becomes_a_block_quote_with_a_bold_title(chapter):
    title, body = "Exercise 3.1: a step", ["First line.", "", "- an item"]
    text = "\n".join([f":::{{admonition}} {title}", ":class: tip", *body, ":::"])
    lines = convert(text, chapter).splitlines()
    assert lines[0] == f"> **{title}**"
    assert all(line.startswith(">") for line in lines)
    assert [line[2:] for line in lines[2:]] == body
    assert not any(":class:" in line for line in lines)


@pytest.mark.parametrize("name", ["note", "tip", "warning"])
def test_a_directive_without_title_is_titled_by_its_kind(chapter, name):
    lines = convert(f"```{{{name}}}\nMind it.\n```", chapter).splitlines()
    assert lines[0] == f"> **{cn.QUOTED[name]}**"
    assert lines[-1] == "> Mind it."


def test_nested_directives_nest_block_quotes(chapter):
    text = "::::{admonition} Outer\n:::{dropdown} Inner\nDeep.\n:::\n::::"
    lines = convert(text, chapter).splitlines()
    assert lines[0] == "> **Outer**"
    assert "> > **Inner**" in lines
    assert lines[-1] == "> > Deep."


def test_labels_are_dropped(chapter):
    assert convert("(ch-here)=\n# This chapter\n\nText.", chapter).splitlines() == [
        "# This chapter",
        "",
        "Text.",
    ]


def test_definition_list_becomes_a_list_with_bold_terms(chapter):
    text = "Intro.\n\nData\n: the examples.\n\nWeights\n: the numbers\nwe tune."
    assert convert(text, chapter).splitlines() == [
        "Intro.",
        "",
        "- **Data**: the examples.",
        "",
        "- **Weights**: the numbers",
        "we tune.",
    ]


def test_unknown_directives_and_roles_are_errors(chapter):
    with pytest.raises(ValueError, match="directive must be"):
        convert(":::{mystery}\nx\n:::", chapter)
    with pytest.raises(ValueError, match="role must be"):
        convert("a {mystery}`x` b", chapter)


def test_code_is_left_as_it_is(chapter):
    text = "Write `{glue:text}` as code.\n\n```python\nx = '{ref}`a`'\n$$ (eq-no)\n```"
    assert convert(text, chapter) == text


# --------------------------------------------------------------------------
# References, equations, figures


def test_ref_links_to_the_page_with_its_title(chapter, book):
    assert convert("See {ref}`ch-other`.", chapter) == (
        f"See [Other chapter]({SITE}book/05_other.html)."
    )
    assert convert("See {ref}`that part <sec-deep>`.", chapter) == (
        f"See [that part]({SITE}book/05_other.html#sec-deep)."
    )
    with pytest.raises(ValueError, match="ref target"):
        convert("{ref}`nowhere`", chapter)


def test_doc_links_to_the_page(chapter):
    assert convert("{doc}`05_other`", chapter) == (
        f"[Other chapter]({SITE}book/05_other.html)"
    )


def test_term_links_to_sphinx_glossary_anchor(chapter):
    for term in ("Learning rate", "Epoch"):
        anchor = _make_id(f"term-{term}")  # what Sphinx's glossary uses
        assert convert(f"{{term}}`the rate <{term}>`", chapter) == (
            f"[the rate]({SITE}book/appendix.html#{anchor})"
        )
    with pytest.raises(ValueError, match="term must be"):
        convert("{term}`Nonsense`", chapter)


def numbered_notebook(figures, equations):
    """A notebook with `figures` figure cells and `equations` labelled equations."""
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# This chapter"}]
    for k in range(max(figures, equations)):
        if k < equations:
            math = f"Equation:\n\n$$\nx_{k} = {k}\n$$ (eq-{k})\n\n$$\ny\n$$"
            cells.append({"cell_type": "markdown", "metadata": {}, "source": math})
        if k < figures:
            figure = {"caption": f"Figure {k}.", "name": f"fig-{k}"}
            cells.append(
                {
                    "cell_type": "code",
                    "id": f"figure-{k}",
                    "metadata": {"mystnb": {"figure": figure}},
                    "source": "",
                    "outputs": [],
                }
            )
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_figures_and_equations_are_numbered_in_order_within_the_chapter(book):
    chapter = cn.chapter_context(numbered_notebook(3, 4), "book/03_here", book)
    number = book.numbers["book/03_here"]
    assert chapter.figures == {f"fig-{k}": f"{number}.{k + 1}" for k in range(3)}
    assert chapter.equations == {f"eq-{k}": f"{number}.{k + 1}" for k in range(4)}
    assert convert("{numref}`fig-2` and {eq}`eq-3`", chapter) == (
        f"Fig. {number}.3 and ({number}.4)"
    )
    assert convert("{numref}`Figure %s <fig-0>`", chapter) == f"Figure {number}.1"


def test_a_labelled_equation_carries_its_number_as_a_tag(book):
    chapter = cn.chapter_context(numbered_notebook(0, 2), "book/03_here", book)
    lines = convert("$$\na = b\n$$ (eq-1)", chapter).splitlines()
    assert lines == ["$$", "a = b", f"\\tag{{{chapter.equations['eq-1']}}}", "$$"]
    assert convert("$$ a $$ (eq-0)", chapter) == (
        f"$$ a \\tag{{{chapter.equations['eq-0']}}} $$"
    )
    assert convert("$$\nc\n$$", chapter) == "$$\nc\n$$"


def test_references_to_another_chapters_figure_are_errors(chapter):
    with pytest.raises(ValueError, match="numref target"):
        convert("{numref}`fig-elsewhere`", chapter)
    with pytest.raises(ValueError, match="eq target"):
        convert("{eq}`eq-elsewhere`", chapter)


# --------------------------------------------------------------------------
# Citations


def test_textual_citation_names_authors_and_year(chapter, book):
    url = f"{SITE}{cn.BIBLIOGRAPHY_DOC}.html"
    entries = book.bibliography.entries
    expected = []
    for key in ("solo2001", "pair2002", "many2003"):
        surnames = [p.last_names[0] for p in entries[key].persons["author"]]
        authors = (
            f"{surnames[0]} et al." if len(surnames) > 2 else " and ".join(surnames)
        )
        year = entries[key].fields["year"]
        expected.append((key, authors, year))
    for key, authors, year in expected:
        assert convert(f"{{cite:t}}`{key}`", chapter) == f"[{authors} ({year})]({url})"
    keys = ",".join(key for key, _, _ in expected)
    parts = "; ".join(f"[{a}, {y}]({url})" for _, a, y in expected)
    assert convert(f"{{cite:p}}`{keys}`", chapter) == f"({parts})"
    assert convert(f"{{cite}}`{keys}`", chapter) == f"({parts})"
    with pytest.raises(ValueError, match="citation key"):
        convert("{cite}`unknown1999`", chapter)


def test_bibliography_lists_the_works_the_chapter_cites(book):
    nb = numbered_notebook(0, 0)
    nb["cells"].append(
        {"cell_type": "markdown", "metadata": {}, "source": "{cite:t}`pair2002`"}
    )
    nb["cells"].append(
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": "## References\n\n```{bibliography}\n:filter: docname in docnames\n```",
        }
    )
    out = cn.convert_notebook(nb, "book/03_here", book)
    last = out["cells"][-1]["source"].splitlines()
    assert last[0] == "## References"
    (item,) = [line for line in last if line.startswith("- ")]
    assert "First" in item and "Second" in item and "2002" in item
    assert "Solo" not in item


# --------------------------------------------------------------------------
# Whole notebooks


def tiny_chapter():
    nb = numbered_notebook(1, 1)
    install = cn.normalize_notebooks.INSTALL_BLOCK + "\nimport numpy as np"
    nb["cells"].insert(
        1,
        {
            "cell_type": "code",
            "id": "install",
            "metadata": {"tags": ["hide-cell"]},
            "source": install,
            "outputs": [],
        },
    )
    nb["cells"].append(
        {
            "cell_type": "code",
            "id": "glue",
            "metadata": {},
            "source": 'glue("rate", 0.125, ".3f")',
            "outputs": [glue_output("rate", "0.125")],
        }
    )
    nb["cells"].append(
        {
            "cell_type": "markdown",
            "id": "prose",
            "metadata": {"user_expressions": [{"expression": 'glued["rate"]'}]},
            "source": 'Rate {eval}`glued["rate"]`, see {numref}`fig-0`.',
        }
    )
    nb["metadata"] = {"kernelspec": {"name": "python3"}, "language_info": {}}
    return nb


def test_copy_keeps_code_outputs_and_metadata(book):
    nb = tiny_chapter()
    before = copy.deepcopy(nb)
    out = cn.convert_notebook(nb, "book/03_here", book)
    assert nb == before  # the chapter is not changed
    assert out["metadata"] == nb["metadata"]
    code_in = [c for c in nb["cells"] if c["cell_type"] == "code"]
    code_out = [c for c in out["cells"] if c["cell_type"] == "code"]
    assert [c["outputs"] for c in code_out] == [c["outputs"] for c in code_in]
    assert [c["source"] for c in code_out[1:]] == [c["source"] for c in code_in[1:]]
    assert code_out[0]["source"].startswith(cn.normalize_notebooks.INSTALL_BLOCK)
    assert "enable_custom_widget_manager" in code_out[0]["source"]
    assert code_out[0]["source"].endswith("\nimport numpy as np")
    prose = out["cells"][-1]
    assert prose["source"] == "Rate 0.125, see Fig. 3.1."
    assert "user_expressions" not in prose["metadata"]


def test_each_figure_is_followed_by_its_numbered_caption(book):
    out = cn.convert_notebook(tiny_chapter(), "book/03_here", book)
    cells = out["cells"]
    (k,) = [i for i, c in enumerate(cells) if cn._figure(c)]
    caption = cells[k + 1]
    assert caption["cell_type"] == "markdown"
    assert caption["source"] == "**Fig. 3.1** Figure 0."
    assert caption["id"] == f"{cells[k]['id']}-caption"


def test_the_install_cell_still_runs_without_colab():
    source = cn.colab_install_cell(cn.normalize_notebooks.INSTALL_BLOCK)
    namespace = {}
    exec(compile(source, "install", "exec"), namespace)  # gdcourse is installed here
    assert namespace["gd"].__name__ == "gdcourse"


def test_conversion_is_deterministic(book):
    texts = {
        cn.normalize_notebooks.dumps(
            cn.convert_notebook(tiny_chapter(), "book/03_here", book)
        )
        for _ in range(3)
    }
    assert len(texts) == 1


def test_site_url_prefers_the_configured_baseurl():
    repository = {"url": "https://github.com/Owner/name"}
    config = {"repository": repository, "html": {"baseurl": "https://a.example/b"}}
    assert cn.site_url(config) == "https://a.example/b/"
    assert cn.site_url({"repository": repository, "html": {}}) == (
        "https://owner.github.io/name/"
    )


# --------------------------------------------------------------------------
# The committed copies

CHAPTERS = cn.chapters()
COPIES = [ROOT / cn.COPY_DIR / path.name for path in CHAPTERS]
#: MyST syntax that plain Markdown front-ends would show raw.
MYST = {
    "role": re.compile(r"\{[a-zA-Z][\w:+.-]*\}`"),
    "directive": re.compile(r"^\s*(>\s*)*(`{3,}|:{3,})\{", re.M),
    "colon fence": re.compile(r"^\s*(>\s*)*:{3,}", re.M),
    "label": re.compile(r"^\s*(>\s*)*\([^()\s]+\)=\s*$", re.M),
    "equation label": re.compile(r"\$\$\s*\([^()\s]+\)"),
    "substitution": re.compile(r"\{\{[^}]*\}\}"),
    "definition": re.compile(r"^\s*(>\s*)*: ", re.M),
}


def markdown_cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def test_every_chapter_has_a_current_copy():
    assert CHAPTERS
    wanted = cn.copies()
    assert sorted(wanted) == sorted(COPIES)
    stale = [
        p.name for p in COPIES if not p.exists() or p.read_text("utf-8") != wanted[p]
    ]
    assert not stale, "run: .venv/bin/python scripts/colab_notebooks.py"
    assert sorted((ROOT / cn.COPY_DIR).glob("*.ipynb")) == sorted(COPIES)


@pytest.mark.parametrize("path", COPIES, ids=lambda p: p.stem)
def test_no_myst_syntax_is_left_in_a_copy(path):
    for text in markdown_cells(path):
        # Code spans and fenced code may show MyST to the reader, on purpose.
        prose = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
        prose = re.sub(r"(`+).+?\1", "", prose)
        for what, pattern in MYST.items():
            assert not pattern.search(prose), f"{what} left in {path.name}: {text}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_glued_number_in_the_prose_is_filled_in(chapter):
    nb = json.loads(chapter.read_text(encoding="utf-8"))
    values = cn.glue_values(nb)
    roles = [
        m
        for cell in nb["cells"]
        if cell["cell_type"] == "markdown"
        for m in re.finditer(r"\{(glue:text|eval)\}`([^`]+)`", "".join(cell["source"]))
    ]
    assert roles, "a chapter states computed numbers"
    names = [cn.glue_name(m[2]) if m[1] == "eval" else m[2] for m in roles]
    assert set(names) <= set(values)
    copied = "\n".join(markdown_cells(ROOT / cn.COPY_DIR / chapter.name))
    for name in names:
        assert values[name] in copied

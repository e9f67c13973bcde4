"""Plain-Markdown copies of the chapters for front-ends without MyST (Colab, GitHub).

The chapters' prose is MyST Markdown: labels, admonitions, cross-reference
and citation roles, labelled equations and numbers glued from code cells.
Colab and GitHub's notebook view render CommonMark and ``$math$`` only, so
there a chapter would show raw roles and no numbers.  This script writes, for
each executed chapter ``book/NN_name.ipynb``, a copy ``colab/NN_name.ipynb``
whose Markdown cells read right there:

* glued numbers (``{glue:text}`name``` or ``{eval}`name```) are filled in
  from the chapter's own stored glue outputs;
* admonitions and dropdowns become block quotes with a bold title;
* ``(label)=`` targets are dropped;
* ``{ref}``, ``{numref}``, ``{doc}`` and ``{term}`` become links to the page
  on the course site (``html.baseurl`` in ``_config.yml`` when it is set, else
  the GitHub Pages address of ``repository.url``: scripts/course_address.py);
  a figure or equation of the same chapter is named by its number as text,
  "Fig. 1.2" or "(1.2)";
* citations become "Author (year)" text linked to the site's bibliography
  page, and the chapter's ``{bibliography}`` becomes a list of the works it
  cites;
* a labelled display equation carries its number as ``\\tag{1.2}``; other
  math is left as it is;
* definition lists become bulleted lists with the term in bold;
* each figure's caption follows its cell as a Markdown cell.

Code cells and their outputs are unchanged, except the first code cell (the
install cell of scripts/normalize_notebooks.py), which also switches Colab to
the widget manager that ipywidgets 8 needs there.  The notebook metadata is
kept.  The copies are a pure function of the committed chapters, the table of
contents, the appendix pages and ``references.bib``: the same input gives the
same bytes.

    .venv/bin/python scripts/colab_notebooks.py           # write colab/*.ipynb
    .venv/bin/python scripts/colab_notebooks.py --check   # exit 1 if any is stale

A role or directive this script does not know raises ``ValueError``, so no
MyST syntax reaches a copy unconverted.
"""

import argparse
import ast
import copy
import functools
import importlib.util
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
#: Where the copies live; Colab opens them from GitHub.
COPY_DIR = "colab"
#: The site's bibliography page, which lists every work cited.
BIBLIOGRAPHY_DOC = "book/bibliography"
#: The MIME type under which ``gdcourse.report.glue`` stores a number's text.
GLUE_MIME = "application/papermill.record/text/plain"
#: How Sphinx names a numbered figure (its default ``numfig_format``).
FIGURE_FORMAT = "Fig. %s"

#: Added to the install cell of each copy: Colab shows ipywidgets 8 widgets
#: through its custom widget manager, which must be switched on.
COLAB_WIDGETS = """
import sys

if "google.colab" in sys.modules:  # widgets need Colab's widget manager
    from google.colab import output

    output.enable_custom_widget_manager()"""

_normalize_spec = importlib.util.spec_from_file_location(
    "normalize_notebooks", ROOT / "scripts" / "normalize_notebooks.py"
)
normalize_notebooks = importlib.util.module_from_spec(_normalize_spec)
_normalize_spec.loader.exec_module(normalize_notebooks)
#: The course's addresses, derived from ``_config.yml``.
course_address = normalize_notebooks.course_address


# --------------------------------------------------------------------------
# What the whole book knows: pages, labels, glossary, bibliography


@dataclass
class Book:
    """Everything a chapter's prose may refer to outside the chapter.

    Attributes
    ----------
    site_url : str
        The site's base address, ending in ``/``.
    titles : dict
        Page (docname such as ``"book/01_gradient_descent"``) to its title.
    numbers : dict
        Numbered page to its chapter number.
    labels : dict
        Label to ``(docname, anchor, title)``; `anchor` is None for a label
        that names the page itself, `title` None for a label that is not on a
        heading.
    terms : set
        The glossary's terms.
    glossary_doc : str or None
        The page holding the glossary.
    bibliography : pybtex.database.BibliographyData
        ``references.bib``, parsed.
    """

    site_url: str
    titles: dict = field(default_factory=dict)
    numbers: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    terms: set = field(default_factory=set)
    glossary_doc: str | None = None
    bibliography: object = None

    def page_url(self, docname, anchor=None):
        """The address of page `docname` on the site, with `anchor` if given."""
        url = f"{self.site_url}{docname}.html"
        return f"{url}#{anchor}" if anchor else url


def site_url(config):
    """The course site's base address from the book's `config` (a dict).

    ``html.baseurl`` when it is set, else the GitHub Pages address of
    ``repository.url`` (scripts/course_address.py); always ending in ``/``.

    Examples
    --------
    >>> repository = {"url": "https://github.com/ann/notes"}
    >>> site_url({"repository": repository})
    'https://ann.github.io/notes/'
    >>> site_url({"repository": repository, "html": {"baseurl": "https://a.b/c"}})
    'https://a.b/c/'
    """
    return course_address.CourseAddress.from_config(config).site


def toc_docnames(toc):
    """The pages of a ``_toc.yml`` (a dict) in order, with chapter numbers.

    Returns
    -------
    list of (str, int or None)
        Each page's docname and its number, None for unnumbered pages.  Pages
        are numbered 1, 2, ... across the parts marked ``numbered``.

    Examples
    --------
    >>> toc = {"root": "intro", "parts": [
    ...     {"numbered": True, "chapters": [{"file": "a"}, {"file": "b"}]},
    ...     {"chapters": [{"file": "c"}]}]}
    >>> toc_docnames(toc)
    [('intro', None), ('a', 1), ('b', 2), ('c', None)]
    """
    pages = [(toc["root"], None)]
    number = 0
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            if part.get("numbered"):
                number += 1
                pages.append((chapter["file"], number))
            else:
                pages.append((chapter["file"], None))
    return pages


def load_book(root=ROOT):
    """Read the book's configuration, pages, glossary and bibliography."""
    from pybtex.database import parse_file

    root = Path(root)
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    book = Book(site_url=site_url(config))
    for docname, number in toc_docnames(toc):
        if number is not None:
            book.numbers[docname] = number
        text = _page_markdown(root, docname)
        _collect_labels(book, docname, text)
        terms = glossary_terms(text)
        if terms:
            book.terms |= terms
            book.glossary_doc = docname
    (bibfile,) = config.get("bibtex_bibfiles", ["references.bib"])
    book.bibliography = parse_file(str(root / bibfile))
    return book


def _page_markdown(root, docname):
    """The Markdown of page `docname`: the file itself or a notebook's cells."""
    md = root / f"{docname}.md"
    if md.exists():
        return md.read_text(encoding="utf-8")
    import json

    nb = json.loads((root / f"{docname}.ipynb").read_text(encoding="utf-8"))
    return "\n\n".join(
        _text(cell["source"]) for cell in nb["cells"] if cell["cell_type"] == "markdown"
    )


_LABEL = re.compile(r"^\((?P<label>[^()\s]+)\)=\s*$")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")


def _collect_labels(book, docname, text):
    """Record the page's title and every ``(label)=`` target on it."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading and heading["hashes"] == "#" and docname not in book.titles:
            book.titles[docname] = heading["title"]
        label = _LABEL.match(line)
        if not label:
            continue
        following = next((x for x in lines[i + 1 :] if x.strip()), "")
        heading = _HEADING.match(following)
        title = heading["title"] if heading else None
        anchor = None if heading and heading["hashes"] == "#" else label["label"]
        book.labels[label["label"]] = (docname, anchor, title)


def glossary_terms(text):
    """The terms defined in the ``{glossary}`` directives of `text`.

    Examples
    --------
    >>> text = "```{glossary}\\nStep\\n  One update.\\n\\nEpoch\\n  One pass.\\n```"
    >>> sorted(glossary_terms(text))
    ['Epoch', 'Step']
    """
    terms = set()
    for block in re.finditer(r"^```\{glossary\}[^\n]*\n(.*?)^```", text, re.M | re.S):
        for line in block[1].splitlines():
            if line.strip() and not line[0].isspace() and not line.startswith(":"):
                terms.add(line.strip())
    return terms


def term_anchor(term):
    """The HTML id Sphinx gives a glossary term (``sphinx.util.nodes._make_id``).

    Examples
    --------
    >>> term_anchor("Learning rate")
    'term-Learning-rate'
    """
    ident = re.sub(r"[^a-zA-Z0-9._]+", "-", " ".join(f"term {term}".split()))
    return re.sub(r"^[-0-9._]+|-+$", "", ident)


# --------------------------------------------------------------------------
# What one chapter knows: its glue values, figure and equation numbers


@dataclass
class Chapter:
    """One chapter's glued values, numbers and citations, with the book around it."""

    docname: str
    book: Book
    glue: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    equations: dict = field(default_factory=dict)
    cited: list = field(default_factory=list)

    @property
    def number(self):
        return self.book.numbers.get(self.docname)

    def numbered(self, k):
        """The k-th numbered item's number as the site shows it: "3.2"."""
        return f"{self.number}.{k}" if self.number is not None else str(k)


def chapter_context(nb, docname, book):
    """Collect the glue values, figure and equation numbers of notebook `nb`."""
    chapter = Chapter(docname=docname, book=book)
    chapter.glue = glue_values(nb)
    chapter.cited = cited_keys(nb)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for label in equation_labels(_text(cell["source"])):
                chapter.equations[label] = chapter.numbered(len(chapter.equations) + 1)
        name = _figure(cell).get("name")
        if name:
            chapter.figures[name] = chapter.numbered(len(chapter.figures) + 1)
    return chapter


def glue_values(nb):
    """The text of every value glued in `nb`, by name.

    ``gdcourse.report.glue`` stores a value's text as the Python repr of a
    string under :data:`GLUE_MIME`; the name is in the output's metadata.

    Examples
    --------
    >>> out = {"output_type": "display_data", "data": {GLUE_MIME: "'1.5'"},
    ...        "metadata": {"scrapbook": {"name": "lr"}}}
    >>> glue_values({"cells": [{"cell_type": "code", "outputs": [out]}]})
    {'lr': '1.5'}
    """
    values = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name is None or GLUE_MIME not in out.get("data", {}):
                continue
            text = _text(out["data"][GLUE_MIME])
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                value = text
            values[name] = value if isinstance(value, str) else text
    return values


_MATH_LABEL = re.compile(r"\$\$\s*\((?P<label>[^()\s]+)\)\s*$")


def equation_labels(markdown):
    """The labels of the display equations in `markdown`, in order.

    A labelled equation closes with ``$$ (label)``, or is a ``{math}``
    directive with a ``:label:`` option.

    Examples
    --------
    >>> equation_labels("$$\\nx = 1\\n$$ (eq-one)\\n\\n$$\\ny\\n$$")
    ['eq-one']
    """
    lines = markdown.splitlines()
    labels = []
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        if re.match(r"^(```+|:::+)\{math\}", stripped):
            i += 1
            while i < len(lines) and re.match(r"^:[\w-]+:", lines[i]):
                option = re.match(r"^:label:\s*(\S+)", lines[i])
                if option:
                    labels.append(option[1])
                i += 1
            continue
        if stripped.startswith("$$"):
            i = _math_end(lines, i)
            label = _MATH_LABEL.search(lines[i].strip())
            if label:
                labels.append(label["label"])
        i += 1
    return labels


def _figure(cell):
    return cell.get("metadata", {}).get("mystnb", {}).get("figure", {}) or {}


# --------------------------------------------------------------------------
# Inline roles

_ROLE = re.compile(
    r"\{(?P<role>[a-zA-Z][\w:+.-]*)\}(?P<ticks>`+)(?P<content>.+?)(?P=ticks)"
    r"|(?P<code>(?P<cticks>`+).+?(?P=cticks))"
)
_EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)


def _explicit(content):
    """Split ``text <target>`` into (text, target); plain content has no text."""
    match = _EXPLICIT.match(content)
    if match and match["text"]:
        return match["text"], match["target"].strip()
    return None, content.strip()


def convert_inline(text, chapter):
    """Replace the MyST roles in one line or paragraph of `text`.

    Code spans are left as they are.

    Examples
    --------
    >>> book = Book(site_url="https://site/")
    >>> chapter = Chapter("book/01_x", book, glue={"n": "42"})
    >>> convert_inline("n is {glue:text}`n`, `{eval}` is code", chapter)
    'n is 42, `{eval}` is code'
    """

    def replace(match):
        if match["code"]:
            return match["code"]
        return _role(match["role"], match["content"], chapter)

    return _ROLE.sub(replace, text)


def _role(role, content, chapter):
    book = chapter.book
    if role in {"glue:text", "glue", "eval"}:
        name = glue_name(content) if role == "eval" else content.strip()
        if name not in chapter.glue:
            raise ValueError(
                f"glue name must be one glued in {chapter.docname}, got {name!r}"
            )
        return chapter.glue[name]
    if role == "math":
        return f"${content}$"
    if role == "ref":
        text, label = _explicit(content)
        docname, anchor, title = _label(book, label)
        return f"[{text or title or label}]({book.page_url(docname, anchor)})"
    if role == "numref":
        text, label = _explicit(content)
        if label not in chapter.figures:
            raise ValueError(
                f"numref target must be a figure of {chapter.docname}, got {label!r}"
            )
        number = chapter.figures[label]
        shown = (text or FIGURE_FORMAT).replace("%s", number)
        return shown.replace("{number}", number)
    if role == "eq":
        label = content.strip()
        if label not in chapter.equations:
            raise ValueError(
                f"eq target must be an equation of {chapter.docname}, got {label!r}"
            )
        return f"({chapter.equations[label]})"
    if role == "doc":
        text, target = _explicit(content)
        base = chapter.docname.rsplit("/", 1)[0]
        docname = target.lstrip("/") if target.startswith("/") else f"{base}/{target}"
        docname = str(Path(docname).with_suffix("")) if "." in target else docname
        if docname not in book.titles:
            raise ValueError(f"doc target must be a page of the book, got {target!r}")
        return f"[{text or book.titles[docname]}]({book.page_url(docname)})"
    if role == "term":
        text, term = _explicit(content)
        if term not in book.terms:
            raise ValueError(f"term must be one of the glossary's, got {term!r}")
        url = book.page_url(book.glossary_doc, term_anchor(term))
        return f"[{text or term}]({url})"
    if role in {"cite", "cite:p", "cite:t"}:
        keys = [key.strip() for key in content.split(",")]
        return citation(keys, book, textual=role == "cite:t")
    raise ValueError(f"role must be one this script converts, got {{{role}}}")


def glue_name(expression):
    """The glue name an ``{eval}`` expression reads: ``glued["name"]`` or ``name``.

    Examples
    --------
    >>> glue_name('glued["best_w1"]'), glue_name("steps")
    ('best_w1', 'steps')
    """
    match = re.fullmatch(
        r"\s*(?:glued\[(?P<q>[\"'])(?P<key>[^\"']+)(?P=q)\]|(?P<name>[A-Za-z_]\w*))\s*",
        expression,
    )
    if not match:
        raise ValueError(
            f'eval expression must be glued["name"] or a name, got {expression!r}'
        )
    return match["key"] or match["name"]


def _label(book, label):
    if label not in book.labels:
        raise ValueError(f"ref target must be a label of the book, got {label!r}")
    return book.labels[label]


def author_year(entry):
    """(authors, year) as an author-year citation names them.

    One author by surname, two joined by "and", more as "First et al.".
    """
    from pybtex.richtext import Text

    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    surnames = [
        Text.from_latex(" ".join(p.prelast_names + p.last_names)).render(
            _backend("text")
        )
        for p in persons
    ]
    if len(surnames) > 2:
        authors = f"{surnames[0]} et al."
    else:
        authors = " and ".join(surnames)
    return authors, entry.fields.get("year", "n.d.")


def citation(keys, book, textual=False):
    """Markdown for a citation of `keys`, each linked to the bibliography page.

    Textual (``{cite:t}``): "Cauchy (1847)"; parenthetical (``{cite}``,
    ``{cite:p}``): "(Goodfellow et al., 2016; Ruder, 2016)".
    """
    url = book.page_url(BIBLIOGRAPHY_DOC)
    parts = []
    for key in keys:
        if key not in book.bibliography.entries:
            raise ValueError(f"citation key must be in the bibliography, got {key!r}")
        authors, year = author_year(book.bibliography.entries[key])
        parts.append(
            f"[{authors} ({year})]({url})" if textual else f"[{authors}, {year}]({url})"
        )
    return ", ".join(parts) if textual else "(" + "; ".join(parts) + ")"


def reference_list(keys, book):
    """A Markdown list of the works `keys`, sorted and formatted as on the site."""
    from pybtex.plugin import find_plugin

    style = find_plugin("pybtex.style.formatting", "alpha")()
    unique = list(dict.fromkeys(keys))
    entries = style.format_bibliography(book.bibliography, unique)
    return [
        "- " + " ".join(entry.text.render(_backend("markdown")).split("\n"))
        for entry in entries
    ]


@functools.cache
def _backend(name):
    """pybtex's output backend `name`, looked up once (``Text.render_as`` looks
    it up among every installed package's entry points at each call)."""
    from pybtex.plugin import find_plugin

    return find_plugin("pybtex.backends", name)()


# --------------------------------------------------------------------------
# Blocks: directives, labels, math, definition lists

_FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*)$")
_CODE_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?!\{)")
#: Directives shown as a block quote, with the title they get when they have
#: none of their own.
QUOTED = {
    "admonition": "",
    "dropdown": "Details",
    "note": "Note",
    "tip": "Tip",
    "hint": "Hint",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
    "attention": "Attention",
    "danger": "Danger",
    "error": "Error",
    "seealso": "See also",
}


def convert_markdown(text, chapter):
    """Return the MyST Markdown `text` of one cell as plain CommonMark.

    Examples
    --------
    >>> chapter = Chapter("book/01_x", Book(site_url="https://site/"))
    >>> print(convert_markdown(":::{note}\\nMind the step.\\n:::", chapter))
    > **Note**
    >
    > Mind the step.
    """
    lines = text.splitlines()
    return "\n".join(_blocks(lines, chapter))


def _blocks(lines, chapter):
    out = []
    paragraph = []

    def flush():
        if paragraph:
            out.extend(convert_inline("\n".join(paragraph), chapter).split("\n"))
            paragraph.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        directive = _FENCE.match(line)
        code = _CODE_FENCE.match(line)
        if _LABEL.match(line):
            flush()
            i += 1
            if not out or not out[-1].strip():
                while i < len(lines) and not lines[i].strip():
                    i += 1
            continue
        if directive:
            flush()
            end = _closing(lines, i + 1, directive["fence"])
            body = lines[i + 1 : end]
            out.extend(_directive(directive["name"], directive["arg"], body, chapter))
            i = end + 1
            continue
        if code:
            flush()
            end = _closing(lines, i + 1, code["fence"])
            out.extend(lines[i : end + 1])
            i = end + 1
            continue
        if line.lstrip().startswith("$$"):
            flush()
            end = _math_end(lines, i)
            out.extend(_display_math(lines[i : end + 1], chapter))
            i = end + 1
            continue
        if (
            line.strip()
            and i + 1 < len(lines)
            and lines[i + 1].startswith(": ")
            and (i == 0 or not lines[i - 1].strip())
        ):
            flush()
            paragraph.append(f"- **{line.strip()}**: {lines[i + 1][2:]}")
            i += 2
            continue
        if not line.strip():
            flush()
            out.append(line)
        else:
            paragraph.append(line)
        i += 1
    flush()
    return out


def _closing(lines, start, fence):
    """Index of the line that closes `fence` opened just before `start`."""
    char = fence[0]
    depth = 0
    for j in range(start, len(lines)):
        stripped = lines[j].strip()
        opens = re.match(rf"^{re.escape(char)}{{{len(fence)},}}\S", stripped)
        if char == ":" and opens:
            depth += 1
        elif re.fullmatch(rf"{re.escape(char)}{{{len(fence)},}}", stripped):
            if depth == 0:
                return j
            depth -= 1
    raise ValueError(f"fence must be closed, got {fence!r} left open")


def _math_end(lines, start):
    """Index of the line that ends the display math opened at `start`."""
    first = lines[start].strip()[2:]
    if "$$" in first:
        return start
    for j in range(start + 1, len(lines)):
        if "$$" in lines[j]:
            return j
    raise ValueError("display math must be closed with $$, got it left open")


def _display_math(block, chapter):
    """A display equation, its label (if any) turned into ``\\tag{number}``."""
    label = _MATH_LABEL.search(block[-1].strip())
    if not label:
        return block
    number = chapter.equations[label["label"]]
    last = block[-1][: block[-1].rindex("$$")]
    if len(block) == 1:
        body = last.strip()[2:].strip()
        return [f"$$ {body} \\tag{{{number}}} $$"]
    lines = [*block[:-1], last] if last.strip() else list(block[:-1])
    return [*lines, f"\\tag{{{number}}}", "$$"]


def _directive(name, arg, body, chapter):
    """A directive's Markdown: a block quote, a list of works, or an equation."""
    options = {}
    while body and re.match(r"^:[\w-]+:", body[0]):
        key, _, value = body[0][1:].partition(":")
        options[key] = value.strip()
        body = body[1:]
    if name == "bibliography":
        return reference_list(chapter.cited, chapter.book)
    if name == "math":
        label = options.get("label")
        lines = ["$$", *body]
        if label:
            lines.append(f"\\tag{{{chapter.equations[label]}}}")
        return [*lines, "$$"]
    if name in QUOTED:
        title = arg.strip() or QUOTED[name]
        inner = _blocks(body, chapter)
        while inner and not inner[0].strip():
            inner = inner[1:]
        while inner and not inner[-1].strip():
            inner = inner[:-1]
        head = [f"> **{convert_inline(title, chapter)}**", ">"] if title else []
        return head + [f"> {line}" if line.strip() else ">" for line in inner]
    raise ValueError(f"directive must be one this script converts, got {{{name}}}")


# --------------------------------------------------------------------------
# Notebooks


def cited_keys(nb):
    """Every citation key in `nb`'s Markdown and figure captions, in order."""
    keys = []
    for text in _prose(nb):
        for match in _ROLE.finditer(text):
            if match["role"] in {"cite", "cite:p", "cite:t"}:
                keys.extend(key.strip() for key in match["content"].split(","))
    return keys


def _prose(nb):
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            yield _text(cell["source"])
        caption = _figure(cell).get("caption")
        if caption:
            yield caption


def convert_notebook(nb, docname, book):
    """Return the plain-Markdown copy of the chapter notebook `nb`.

    Parameters
    ----------
    nb : dict
        An executed chapter, nbformat 4, as ``json.load`` reads it.
    docname : str
        Its page name, such as ``"book/01_gradient_descent"``.
    book : Book
        What the whole book knows (:func:`load_book`).

    Returns
    -------
    dict
        A new notebook; `nb` is not changed.
    """
    chapter = chapter_context(nb, docname, book)
    out = copy.deepcopy(nb)
    cells = []
    first_code = True
    for cell in out["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = convert_markdown(_text(cell["source"]), chapter)
            # Results of the inline expressions the copy no longer has.
            cell.get("metadata", {}).pop("user_expressions", None)
        elif cell["cell_type"] == "code" and first_code:
            first_code = False
            cell["source"] = colab_install_cell(_text(cell["source"]))
        cells.append(cell)
        figure = _figure(cell)
        if figure.get("caption"):
            cells.append(caption_cell(cell, figure, chapter))
    out["cells"] = cells
    return out


def caption_cell(cell, figure, chapter):
    """A Markdown cell holding the figure's number and caption."""
    number = chapter.figures.get(figure.get("name"))
    caption = convert_inline(figure["caption"], chapter)
    head = f"**{FIGURE_FORMAT % number}** " if number else ""
    new = {"cell_type": "markdown", "metadata": {}, "source": head + caption}
    if "id" in cell:
        new["id"] = f"{cell['id']}-caption"[:64]
    return new


def colab_install_cell(source):
    """The install cell with :data:`COLAB_WIDGETS` after its install block.

    Examples
    --------
    >>> block = normalize_notebooks.INSTALL_BLOCK
    >>> cell = colab_install_cell(block + "\\nimport numpy as np")
    >>> cell == block + COLAB_WIDGETS + "\\nimport numpy as np"
    True
    """
    block = normalize_notebooks.INSTALL_BLOCK
    if not source.startswith(block):
        raise ValueError(
            "the first code cell must start with the install block of "
            f"scripts/normalize_notebooks.py, got {source[:40]!r}"
        )
    return block + COLAB_WIDGETS + source[len(block) :]


def _text(source):
    return source if isinstance(source, str) else "".join(source)


def chapters(root=ROOT):
    """The chapter notebooks, ``book/NN_name.ipynb``, in order."""
    return sorted((Path(root) / "book").glob("[0-9][0-9]_*.ipynb"))


def copies(root=ROOT, book=None):
    """Every copy's path and text, as this script would write them."""
    import json

    root = Path(root)
    book = book or load_book(root)
    result = {}
    for path in chapters(root):
        nb = json.loads(path.read_text(encoding="utf-8"))
        docname = path.relative_to(root).with_suffix("").as_posix()
        text = normalize_notebooks.dumps(convert_notebook(nb, docname, book))
        result[root / COPY_DIR / path.name] = text
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 if any copy is missing, stale or extra",
    )
    args = parser.parse_args(argv)
    wanted = copies()
    present = set((ROOT / COPY_DIR).glob("*.ipynb"))
    stale = [
        path
        for path, text in wanted.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    extra = sorted(present - set(wanted))
    if args.check:
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)}")
        for path in extra:
            print(f"no chapter: {path.relative_to(ROOT)}")
        if stale or extra:
            print("run: .venv/bin/python scripts/colab_notebooks.py")
        return 1 if stale or extra else 0
    (ROOT / COPY_DIR).mkdir(exist_ok=True)
    for path in stale:
        path.write_text(wanted[path], encoding="utf-8")
        print(f"wrote: {path.relative_to(ROOT)}")
    for path in extra:
        path.unlink()
        print(f"removed: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

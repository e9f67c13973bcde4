"""The course as one PDF (`make pdf`, scripts/pdf.py), as a reader of the paper copy gets it.

Reads ``_build/pdf/gdcourse.pdf`` and the report scripts/pdf.py writes beside
it.  The expected contents come from the sources: ``_toc.yml`` for the
documents and their order, the committed notebooks for the titles, figures,
explorers and glued numbers.
"""

import ast
import doctest
import json
import logging
import re
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PDF = ROOT / "_build" / "pdf" / "gdcourse.pdf"
REPORT = PDF.with_name("report.json")
SITE = ROOT / "_build" / "html"
MAX_BYTES = 40 * 2**20
GLUE = "application/papermill.record/text/plain"
# pypdf warns about the trailer Chromium writes (a /Size below its object count).
logging.getLogger("pypdf").setLevel(logging.ERROR)


#: The site's typographic quotes (Sphinx's smartquotes) read as the plain ones.
PLAIN_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
)


def _flat(text):
    """Text without white space, ligatures spelled out (pypdf gives "ﬁ"), plain quotes."""
    return "".join(unicodedata.normalize("NFKC", text).translate(PLAIN_QUOTES).split())


def _documents():
    """Each document of the book in order: name, title, number ('' if unnumbered)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    docs = [(toc["root"], False)]
    for part in toc["parts"]:
        docs += [(c["file"], bool(part.get("numbered"))) for c in part["chapters"]]
    out, number = [], 0
    for name, numbered in docs:
        path = ROOT / f"{name}.ipynb"
        if path.exists():
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            text = "".join(cells[0]["source"])
        else:
            text = (ROOT / f"{name}.md").read_text(encoding="utf-8")
        title = re.search(r"^# (.+)$", text, re.M).group(1).strip()
        number += numbered
        out.append((name, title, str(number) if numbered else ""))
    return out


DOCS = _documents()
CHAPTERS = [d for d in DOCS if d[2]]


def _notebook(name):
    path = ROOT / f"{name}.ipynb"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reader():
    from pypdf import PdfReader

    if not PDF.exists():
        pytest.fail("no PDF: run `make pdf`")
    return PdfReader(PDF)


@pytest.fixture(scope="module")
def report():
    return json.loads(REPORT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def texts(reader):
    """Each page's text (a whole-book extraction: about a minute)."""
    return [page.extract_text() for page in reader.pages]


@pytest.fixture(scope="module")
def bookmarks(reader):
    """The outline as (level, title, page from 1), in order."""
    out = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append(
                    (level, item.title, reader.get_destination_page_number(item) + 1)
                )

    walk(reader.outline, 0)
    return out


@pytest.fixture(scope="module")
def spans(bookmarks, reader):
    """Each document's pages, first and last (from 1), by name."""
    tops = [b for b in bookmarks if b[0] == 0]
    assert len(tops) == len(DOCS)
    starts = [page for _, _, page in tops] + [len(reader.pages) + 1]
    return {name: (starts[k], starts[k + 1] - 1) for k, (name, _, _) in enumerate(DOCS)}


def test_size_and_page_count(reader):
    size = PDF.stat().st_size
    pages = len(reader.pages)
    print(f"{pages} pages, {size / 2**20:.1f} MB")
    assert size < MAX_BYTES
    # a chapter fills well over ten pages; a page count far off means lost content
    assert 10 * len(CHAPTERS) < pages < 60 * len(DOCS)


def test_bookmarks_hold_every_document_in_order(bookmarks, texts):
    tops = [b for b in bookmarks if b[0] == 0]
    expected = [f"{n}. {t}" if n else t for _, t, n in DOCS]
    assert [title for _, title, _ in tops] == expected
    pages = [page for _, _, page in tops]
    assert pages == sorted(set(pages))
    for (_, title, page), (_, plain, _) in zip(tops, DOCS, strict=True):
        assert _flat(plain) in _flat(texts[page - 1]), f"{title} is not on page {page}"
    # each chapter's sections are bookmarked under it, none twice-worded
    assert len(bookmarks) > 5 * len(CHAPTERS)
    for _, title, _ in bookmarks:
        half = len(title) // 2
        assert not (len(title) > 2 and title[:half] == title[half:]), title


def test_first_page_says_what_differs_from_the_site(texts):
    first = _flat(texts[0])
    assert (
        _flat("collected under “Hints and solutions” at the end of each chapter")
        in first
    )
    assert _flat("Each explorer is printed as one picture") in first


def test_contents_give_each_document_its_page(texts, bookmarks):
    tops = [b for b in bookmarks if b[0] == 0]
    contents = "\n".join(texts[1 : tops[0][2] - 1])
    for (_, title, number), (_, _, page) in zip(DOCS, tops, strict=True):
        line = f"{number} {title} {page}" if number else f"{title} {page}"
        assert _flat(line) in _flat(contents), f"contents lack {line!r}"


RAW = {
    "a MyST role": r"\{(eval|numref|ref|cite(:[tp])?|doc|term|eq|glue(:text)?)\}",
    "glued[...]": r"glued\[",
    "a directive": r":::|```\{",
    "TeX delimiters": r"\$\$|\\\(|\\\)|\\\[|\\\]",
    "a TeX fraction": r"\\frac",
}


def test_no_raw_myst_or_tex(texts):
    """Every role rendered, every formula typeset (the one cell that draws TeX labels is folded)."""
    for page, text in enumerate(texts, 1):
        for what, pattern in RAW.items():
            found = re.search(pattern, text)
            assert found is None, (
                f"page {page} shows {what}: {text[found.start() - 40 : found.end() + 40]!r}"
            )


#: The shortest part of a glued sentence that a page break may leave on either page.
PHRASE = 12


def _printed(flat, chapter):
    """Whether `flat` is in `chapter`, whole or in two parts split by a page break.

    A page's text comes out of the PDF in its own order, so a sentence that
    runs onto the next page can have other text of its first page between its
    two parts; each part must be a phrase (12 characters or more), so that a
    number is always found whole.
    """
    return flat in chapter or any(
        flat[:i] in chapter and flat[i:] in chapter
        for i in range(PHRASE, len(flat) - PHRASE + 1)
    )


def test_every_glued_number_is_printed_in_its_chapter(texts, spans):
    missing = []
    for name, _, _ in DOCS:
        nb = _notebook(name)
        if nb is None:
            continue
        glued = {}
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                key = output.get("metadata", {}).get("scrapbook", {}).get("name")
                if key and GLUE in output.get("data", {}):
                    glued[key] = str(ast.literal_eval(output["data"][GLUE]))
        prose = "".join(
            "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"
        )
        first, last = spans[name]
        chapter = _flat("".join(texts[first - 1 : last]))
        for key in sorted(set(re.findall(r'glued\["([^"]+)"\]', prose))):
            if not _printed(_flat(glued[key]), chapter):
                missing.append((name, key, glued[key]))
    assert missing == []


def _figures_in_notebooks():
    count = 0
    for name, _, _ in DOCS:
        nb = _notebook(name)
        if nb is None:
            text = (ROOT / f"{name}.md").read_text(encoding="utf-8")
            count += len(re.findall(r"[:`]{3,}\{figure\}", text))
            continue
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                count += bool(cell["metadata"].get("mystnb", {}).get("figure"))
            else:
                count += len(re.findall(r"[:`]{3,}\{figure\}", "".join(cell["source"])))
    return count


def test_figures_as_on_the_site(texts):
    """Every numbered figure is printed with its caption number ("Fig. 7.3")."""
    printed = set(re.findall(r"Fig\. (\d+\.\d+)", "\n".join(texts)))
    assert len(printed) == _figures_in_notebooks()
    if SITE.exists():
        captions = set()
        for page in SITE.glob("book/*.html"):
            captions |= set(
                re.findall(
                    r'<span class="caption-number">Fig\. (\d+\.\d+)',
                    page.read_text(encoding="utf-8"),
                )
            )
        assert printed == captions


def test_explorers_are_their_picture_with_a_link(texts, reader, report):
    """One line per explorer says what the live one adds, linking its chapter's page."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import course_address

    site = course_address.load(ROOT).site
    explorers, pages = 0, set()
    for name, _, _ in DOCS:
        nb = _notebook(name)
        for cell in nb["cells"] if nb else []:
            for output in cell.get("outputs", []):
                html = "".join(output.get("data", {}).get("text/html", ""))
                if 'class="gd-explorer"' in html:
                    explorers += 1
                    pages.add(f"{site}{name}.html")
    assert report["explorers"] == explorers > 0
    lines = _flat("\n".join(texts)).count(_flat("the live explorer adds controls for"))
    assert lines == explorers
    links = set()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and str(action.get("/URI", "")).startswith(f"{site}book/"):
                links.add(str(action["/URI"]))
    assert links == pages


def test_internal_links_land_and_citations_reach_the_references(reader, bookmarks):
    """Every internal link has its destination; each chapter's citations link to its references."""
    named = reader.named_destinations
    reference_pages = {}
    chapter_of_page = {}
    tops = [b for b in bookmarks if b[0] == 0]
    for k, (_, _, first) in enumerate(tops):
        last = tops[k + 1][2] - 1 if k + 1 < len(tops) else len(reader.pages)
        for p in range(first, last + 1):
            chapter_of_page[p] = k
    sections = [b for b in bookmarks if b[0] == 1]
    for k, (_, title, page) in enumerate(sections):
        if title.endswith(". References"):
            end = sections[k + 1][2] if k + 1 < len(sections) else page
            reference_pages[chapter_of_page[page]] = set(range(page, end + 1))
    cited = set()
    for number, page in enumerate(reader.pages, 1):
        for annotation in page.get("/Annots") or []:
            a = annotation.get_object()
            if a.get("/Subtype") != "/Link" or "/Dest" not in a:
                continue
            dest = a["/Dest"]
            assert dest in named, f"page {number}: a link to {dest} has no destination"
            target = reader.get_destination_page_number(named[dest]) + 1
            chapter = chapter_of_page.get(number)
            if (
                target in reference_pages.get(chapter, ())
                and number not in reference_pages[chapter]
            ):
                cited.add(chapter)
    assert cited == set(reference_pages), (
        "a chapter's citations do not reach its references"
    )
    assert len(reference_pages) == len(CHAPTERS)


def test_nothing_is_wider_than_the_page(report):
    """Code, outputs, tables, figures and formulas fit the printed width (or wrap)."""
    assert report["overflow"] == []


def test_hints_and_solutions_are_collected(report, bookmarks):
    chapters_with = [
        t for lvl, t, _ in bookmarks if lvl == 1 and t.startswith("Hints and solutions")
    ]
    assert len(chapters_with) == len(CHAPTERS)
    assert report["solutions"] > len(CHAPTERS)


def test_the_site_offers_the_pdf():
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    import gd_pdf

    assert doctest.testmod(gd_pdf).failed == 0
    if not (SITE / "index.html").exists():
        pytest.skip("no built site (make book)")
    assert (SITE / gd_pdf.PDF_NAME).read_bytes() == PDF.read_bytes()
    page = (SITE / "book" / f"{Path(CHAPTERS[0][0]).name}.html").read_text(
        encoding="utf-8"
    )
    assert f'href="../{gd_pdf.PDF_NAME}"' in page

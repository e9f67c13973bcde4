"""The whole course as one PDF, ``_build/pdf/gdcourse.pdf``, offline.

Two steps, each usable alone:

1. ``html``: Jupyter Book's single-page HTML build of the committed, executed
   chapters into ``_build/pdfhtml`` (its own doctrees, so ``make book``'s
   build is untouched), with execution off: nothing is re-executed, and each
   explorer keeps the one stored picture the committed notebook holds.
2. ``print``: headless Chromium (Debian's, or the browser ``CHROMIUM`` names;
   Playwright never downloads one) opens that page from a local server with
   every other request blocked, waits until MathJax has typeset every formula
   and the fonts are in, lets ``scripts/pdf_prepare.js`` arrange the page for
   paper (chapters as top-level sections, unique ids, hints and solutions at
   the end of each chapter, explorers as their picture with a line and a link,
   a title page and contents), and prints it with ``_static/gd-print.css`` in
   force: A4, page numbers in the footer, PDF bookmarks from the headings,
   links kept.  The contents' page numbers come from a first print that paints
   only the headings; the second print fills them in.

When a built site exists (``_build/html``, from ``make book``) the PDF is also
copied there as ``gdcourse.pdf``, where every page's download menu links to it
(``book/_ext/gd_pdf.py``).

Usage: ``python scripts/pdf.py [html|print|all]`` (default ``all``).
"""

import argparse
import functools
import http.server
import io
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "pdfhtml"
HTML = OUT / "singlehtml"
#: The page Chromium prints: the single page, moved to the build's root.
PAGE = "gdcourse.html"
PDF = ROOT / "_build" / "pdf" / "gdcourse.pdf"
SITE = ROOT / "_build" / "html"
PREPARE = Path(__file__).with_name("pdf_prepare.js")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# As tests/browser/conftest.py starts it: headless, no background traffic.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
#: What the first page says about this copy, after the course's address.
ABOUT = [
    "This PDF holds the whole course as the site shows it: the introduction, "
    "every chapter, the appendices and the bibliography, with the same chapter, "
    "figure and equation numbers.",
    "Each explorer is printed as one picture, its default setting, with a line "
    "naming the controls the live explorer adds and a link to the chapter's "
    "page, where it runs in the browser.",
    "Exercises stay where they are; their hints and solutions, folded on the "
    "site, are collected under \u201cHints and solutions\u201d at the end of each "
    "chapter. Code the site folds away (the code drawing some figures, and each "
    "chapter's install cell) is left out; every output and figure is printed.",
]
FOOTER = (
    '<div style="font-size: 8px; width: 100%; text-align: center; color: #555;">'
    '<span class="pageNumber"></span></div>'
)
MARGIN_MM = 16
MARGIN = {side: f"{MARGIN_MM}mm" for side in ("top", "bottom", "left", "right")}


def build_html():
    """Build the single-page HTML of the committed chapters, without executing them."""
    from jupyter_book.sphinx import build_sphinx

    overrides = {
        "external_toc_path": (ROOT / "_toc.yml").as_posix(),
        "latex_individualpages": False,
        # the committed notebooks are executed: show their stored outputs
        "nb_execution_mode": "off",
        "nitpicky": True,
    }
    result = build_sphinx(
        ROOT,
        HTML,
        use_external_toc=True,
        noconfig=True,
        path_config=str(ROOT / "_config.yml"),
        confoverrides=overrides,
        doctreedir=OUT / ".doctrees",
        builder="singlehtml",
        warningiserror=True,
        keep_going=True,
        freshenv=True,
    )
    if result != 0:
        raise SystemExit(f"the single-page build failed: {result}")


def single_page():
    """Write the single page at the build's root, where its own links point.

    Sphinx writes it as ``book/intro.html`` (the root document's name) but
    links its styles, scripts and images as if it stood at the root, and its
    cross-references as ``book/intro.html#target``.
    """
    source = (HTML / "book" / "intro.html").read_text(encoding="utf-8")
    page = source.replace('href="book/intro.html#', 'href="#')
    (HTML / PAGE).write_text(page, encoding="utf-8")


def book_options():
    """What the page script needs from ``_config.yml`` and ``_toc.yml``."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import course_address

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    parts = [{"caption": None, "docs": [toc["root"]]}]
    for part in toc["parts"]:
        parts.append(
            {
                "caption": part.get("caption"),
                "docs": [c["file"] for c in part["chapters"]],
            }
        )
    return {
        "root": toc["root"],
        "title": config["title"],
        "author": config["author"],
        "site": course_address.load(ROOT).site,
        "parts": parts,
        "about": ABOUT,
        "pages": {},
    }


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(directory):
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


#: Every formula typeset: MathJax's start-up typesetting done, no math left raw.
WAIT_FOR_MATH = """async () => {
  await MathJax.startup.promise;
  await document.fonts.ready;
  const raw = [...document.querySelectorAll("article .math")]
    .filter((e) => !e.querySelector("mjx-container"))
    .map((e) => e.textContent.slice(0, 80));
  return {
    typeset: document.querySelectorAll("article mjx-container").length,
    raw,
  };
}"""

#: The width the pages' text block gives the page, in CSS pixels (96 per inch).
TEXT_WIDTH = round((210 - 2 * MARGIN_MM) / 25.4 * 96)

#: What would be cut off at the page's edge, laid out at the printed width:
#: anything reaching past it, and any box that would need a scroll bar.
OVERFLOW = """() => {
  const limit = document.documentElement.clientWidth + 1;
  const wide = [];
  const boxes = "pre, table, img, figure, .math, mjx-container, .gd-explorer, "
    + ".pst-scrollable-table-container, div.cell_output > *, div.highlight";
  for (const e of document.querySelectorAll(`article.bd-article :is(${boxes})`)) {
    if (!e.getClientRects().length) continue;
    const style = getComputedStyle(e);
    const cut = e.getBoundingClientRect().right > limit;
    const scrolls = !style.display.startsWith("inline")
      && style.overflowX !== "visible"
      && e.scrollWidth > e.clientWidth + 1;
    if (cut || scrolls) wide.push(`${e.tagName}.${e.className}: ${e.textContent.slice(0, 60)}`);
  }
  return wide;
}"""

#: Paint only what the first print measures (or everything again).
MEASURE = """(on) => document.documentElement.classList.toggle("gd-pdf-measure", on)"""

#: Fill in the contents' page numbers.
SET_PAGES = """(pages) => {
  for (const e of document.querySelectorAll(".gd-pdf-toc-page")) {
    e.textContent = pages[e.dataset.target];
  }
}"""


def target_pages(pdf_bytes, targets):
    """The page (from 1) each id in `targets` lands on, and the page count.

    Chromium names a destination after each id a link points to.
    """
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_bytes))
    named = reader.named_destinations
    pages = {
        t: reader.get_destination_page_number(named[f"/{t}"]) + 1
        for t in targets
        if f"/{t}" in named
    }
    return pages, len(reader.pages)


def finish(pdf_bytes, headings, title, author):
    """Set the bookmarks' titles and the document's, and open on the bookmarks.

    Chromium's bookmarks follow the headings but repeat the words of some
    (those laid out at a page break); `headings` are their texts, in the same
    order.  The changed objects are appended as an incremental update (PDF
    1.7, 7.5.6): the printed bytes stay as they are.
    """
    from pypdf import PdfReader
    from pypdf.generic import NameObject, NumberObject, TextStringObject

    reader = PdfReader(io.BytesIO(pdf_bytes))
    catalog = reader.trailer.raw_get("/Root")
    changed = {}  # object number -> object

    def walk(ref):
        while ref is not None:
            item = ref.get_object()
            changed[ref.idnum] = item
            if "/First" in item:
                walk(item.raw_get("/First"))
            ref = item.raw_get("/Next") if "/Next" in item else None

    walk(catalog.get_object()["/Outlines"].raw_get("/First"))
    items = list(changed.values())
    if len(items) != len(headings):
        raise SystemExit(
            f"{len(items)} bookmarks for {len(headings)} headings: "
            f"{[str(i['/Title']) for i in items[:5]]} ..."
        )
    for item, text in zip(items, headings, strict=True):
        item[NameObject("/Title")] = TextStringObject(text)
    root = catalog.get_object()
    root[NameObject("/PageMode")] = NameObject("/UseOutlines")
    changed[catalog.idnum] = root
    info_ref = reader.trailer.raw_get("/Info")
    info = info_ref.get_object()
    info[NameObject("/Title")] = TextStringObject(title)
    info[NameObject("/Author")] = TextStringObject(author)
    changed[info_ref.idnum] = info

    out = io.BytesIO()
    out.write(pdf_bytes if pdf_bytes.endswith(b"\n") else pdf_bytes + b"\n")
    offsets = {}
    for number in sorted(changed):
        offsets[number] = out.tell()
        out.write(f"{number} 0 obj\n".encode())
        changed[number].write_to_stream(out)
        out.write(b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 1\n0000000000 65535 f\r\n")
    for number in sorted(offsets):
        out.write(f"{number} 1\n{offsets[number]:010d} 00000 n\r\n".encode())
    trailer = reader.trailer.get_object()
    trailer[NameObject("/Size")] = NumberObject(
        max(int(trailer["/Size"]), max(changed) + 1)
    )
    previous = pdf_bytes[pdf_bytes.rindex(b"startxref") + len(b"startxref") :]
    trailer[NameObject("/Prev")] = NumberObject(int(previous.split()[0]))
    out.write(b"trailer\n")
    trailer.write_to_stream(out)
    out.write(f"\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def print_pdf(path=PDF):
    """Print the single page to `path`; return what the page script reported."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)"
        )
    single_page()
    options = book_options()
    server = _serve(HTML)
    url = f"http://127.0.0.1:{server.server_address[1]}/{PAGE}"
    clock = time.perf_counter
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=FLAGS
            )
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))

            def route(r):
                parsed = urlparse(r.request.url)
                if parsed.path.endswith("/gd-explorer.js"):
                    # the stored picture is what paper shows, not the site's canvas
                    r.fulfill(body="", content_type="text/javascript")
                elif r.request.url.startswith("data:") or parsed.hostname in (
                    "127.0.0.1",
                    "localhost",
                ):
                    r.continue_()
                else:
                    r.abort()

            page.route("**/*", route)
            t = clock()
            page.goto(url, wait_until="load", timeout=300_000)
            math = page.evaluate(WAIT_FOR_MATH)
            if math["raw"]:
                raise SystemExit(f"MathJax left formulas raw: {math['raw'][:5]}")
            report = page.evaluate(PREPARE.read_text(encoding="utf-8"), options)
            report["formulas"] = math["typeset"]
            if report["unresolved"]:
                raise SystemExit(f"links without a target: {report['unresolved'][:10]}")
            if errors:
                raise SystemExit(f"the page raised: {errors[:5]}")
            page.set_viewport_size({"width": TEXT_WIDTH, "height": 1000})
            page.emulate_media(media="print")
            report["overflow"] = page.evaluate(OVERFLOW)
            times = {"load": clock() - t}
            paper = dict(
                format="A4",
                margin=MARGIN,
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
            )
            # First print: where each entry of the contents lands.  Only the
            # sections and headings are painted (gd-print.css), which lays out
            # every page as the second print does, in less time.
            t = clock()
            page.evaluate(MEASURE, True)
            pages, count = target_pages(page.pdf(**paper), report["targets"])
            page.evaluate(MEASURE, False)
            times["first print"] = clock() - t
            missing = [x for x in report["targets"] if x not in pages]
            if missing:
                raise SystemExit(f"contents entries not found in the PDF: {missing}")
            page.evaluate(SET_PAGES, {x: str(n) for x, n in pages.items()})
            # Second print, with the page numbers, bookmarks and tags.
            t = clock()
            final = page.pdf(**paper, outline=True, tagged=True)
            times["second print"] = clock() - t
            browser.close()
    finally:
        server.shutdown()
    again, count_again = target_pages(final, report["targets"])
    if again != pages or count_again != count:
        raise SystemExit("the contents' pages moved between the two prints")
    final = finish(final, report["headings"], options["title"], options["author"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(final)
    report.update(pages=count, contents=pages, bytes=len(final), seconds=times)
    (path.parent / "report.json").write_text(
        json.dumps(report, indent=1), encoding="utf-8"
    )
    if (SITE / "index.html").exists():
        shutil.copyfile(path, SITE / path.name)
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "step", nargs="?", default="all", choices=["html", "print", "all"]
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.step in ("html", "all"):
        build_html()
        print(f"single page built in {time.perf_counter() - start:.0f} s")
    if args.step in ("print", "all"):
        if not (HTML / "book" / "intro.html").exists():
            raise SystemExit(
                "no single-page build: run `python scripts/pdf.py html` first"
            )
        t = time.perf_counter()
        report = print_pdf()
        print(
            f"{PDF.relative_to(ROOT)}: {report['pages']} pages, "
            f"{report['bytes'] / 2**20:.1f} MB, printed in {time.perf_counter() - t:.0f} s"
        )
    print(f"done in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()

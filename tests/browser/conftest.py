"""Serve the built site on localhost and drive Debian's Chromium with Playwright."""

import functools
import http.server
import os
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

# The built site; GDCOURSE_SITE=/path/to/html tests another build.
SITE = Path(
    os.environ.get(
        "GDCOURSE_SITE", Path(__file__).resolve().parents[2] / "_build" / "html"
    )
)
#: Every page of the book: the intro, the chapters, the appendices and the bibliography.
PAGES = (
    sorted(str(p.relative_to(SITE)) for p in SITE.glob("book/*.html"))
    if SITE.exists()
    else []
)
SHOTS = Path(__file__).resolve().parents[2] / "_build" / "screenshots"
# Debian's Chromium by default; CHROMIUM=/path/to/chrome to use another installed browser.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
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
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url():
    if not (SITE / "index.html").exists():
        pytest.fail("no built site: run `make book` first")
    handler = functools.partial(QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (never a downloaded one), with a fresh temporary profile."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)"
        )
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=FLAGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def open_page(browser, url, viewport, init_script=None):
    """Open ``url`` with every non-local request blocked; return page and what went wrong.

    The page has one device pixel per CSS pixel; ``init_script`` runs before
    the page's own scripts.  ``problems`` lists console errors, failed
    requests, blocked requests and ``loaded``, the paths of what the page
    fetched from the site.
    """
    page = browser.new_page(viewport=viewport, device_scale_factor=1)
    problems = {"console": [], "failed": [], "blocked": [], "loaded": []}
    if init_script:
        page.add_init_script(init_script)

    def route(r):
        host = urlparse(r.request.url).hostname
        if r.request.url.startswith("data:") or host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            problems["blocked"].append(r.request.url)
            r.abort()

    def finished(request):
        if urlparse(request.url).hostname == "127.0.0.1":
            problems["loaded"].append(urlparse(request.url).path)

    page.route("**/*", route)
    page.on(
        "console",
        lambda m: problems["console"].append(m.text) if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems["console"].append(str(e)))
    page.on(
        "requestfailed",
        lambda r: (
            problems["failed"].append(r.url)
            if urlparse(r.url).hostname == "127.0.0.1"
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            problems["failed"].append(f"{r.status} {r.url}")
            if r.status >= 400
            else None
        ),
    )
    page.on("requestfinished", finished)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)
    return page, problems


def wait_dense(root, timeout=20_000):
    """Wait until the site's script has turned explorer ``root`` into its dense form.

    The explorer is scrolled into view first: the site loads its data then.
    """
    root.scroll_into_view_if_needed()
    root.page.wait_for_function(
        "e => e.hasAttribute('data-gd-dense') || e.hasAttribute('data-gd-error')",
        arg=root.element_handle(),
        timeout=timeout,
    )
    error = root.get_attribute("data-gd-error")
    assert error is None, f"the explorer's script failed: {error}"

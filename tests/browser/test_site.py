"""Every page of the built book, opened in headless Chromium with the network blocked."""

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import SITE

PAGES = (
    sorted(str(p.relative_to(SITE)) for p in SITE.glob("book/*.html"))
    if SITE.exists()
    else []
)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def open_page(browser, url, viewport):
    """Open ``url`` with every non-local request blocked; return page and what went wrong."""
    page = browser.new_page(viewport=viewport)
    problems = {"console": [], "failed": [], "blocked": []}

    def route(r):
        host = urlparse(r.request.url).hostname
        if r.request.url.startswith("data:") or host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            problems["blocked"].append(r.request.url)
            r.abort()

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
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)
    return page, problems


def test_the_site_has_chapter_pages():
    assert "book/intro.html" in PAGES and len(PAGES) >= 2


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_offline(browser, site_url, screenshots, path):
    page, problems = open_page(browser, f"{site_url}/{path}", DESKTOP)
    assert problems["console"] == [], problems
    assert problems["failed"] == [], problems
    assert problems["blocked"] == [], (
        f"the page asked the network for {problems['blocked']}"
    )
    missing_alt = page.eval_on_selector_all(
        "main img",
        "els => els.filter(e => !e.getAttribute('alt')).map(e => e.src.slice(0, 80))",
    )
    assert missing_alt == []
    if page.locator("main .math").count():
        page.wait_for_selector(
            "mjx-container", state="attached", timeout=15_000
        )  # MathJax, from the site
        assert page.locator("main .math mjx-container, main mjx-container").count() > 0
    name = Path(path).stem
    page.screenshot(path=str(screenshots / f"{name}-desktop.png"))
    page.close()
    phone, _ = open_page(browser, f"{site_url}/{path}", PHONE)
    phone.screenshot(path=str(screenshots / f"{name}-phone.png"))
    phone.close()


@pytest.mark.parametrize("path", PAGES)
def test_code_fits_its_box_at_desktop_width(browser, site_url, path):
    """No code block needs a horizontal scroll bar in a 1280-pixel window."""
    page, _ = open_page(browser, f"{site_url}/{path}", DESKTOP)
    overflowing = page.eval_on_selector_all(
        "main div.cell pre, main div.highlight pre",
        """els => els
            .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
            .map(e => e.textContent.split('\\n')
                .reduce((a, b) => (b.length > a.length ? b : a), ''))""",
    )
    page.close()
    assert overflowing == [], f"code wider than its box: {overflowing}"


@pytest.mark.parametrize("path", PAGES)
def test_static_explorers_respond(browser, site_url, screenshots, path):
    page, _ = open_page(browser, f"{site_url}/{path}", DESKTOP)
    explorers = page.locator(".gd-explorer")
    for i in range(explorers.count()):
        root = explorers.nth(i)
        active = root.locator(".gd-frame.gd-active")
        assert active.count() == 1
        assert not root.locator(".gd-explorer-note").is_visible()
        assert root.locator(".gd-explorer-site-note").is_visible()
        assert root.locator("[aria-live=polite]").inner_text()
        controls = root.locator("input[type=range]:not([disabled]), select")
        assert controls.count() > 0
        for j in range(controls.count()):
            control = controls.nth(j)
            before = active.get_attribute("data-key")
            if control.evaluate("e => e.tagName") == "SELECT":
                options = control.locator("option")
                current = control.input_value()
                target = next(
                    options.nth(k).get_attribute("value")
                    for k in range(options.count())
                    if options.nth(k).get_attribute("value") != current
                )
                control.select_option(target)
            else:
                top = int(control.get_attribute("max"))
                value = int(control.input_value())
                control.fill(str(0 if value == top else top))
            after = root.locator(".gd-frame.gd-active")
            assert after.count() == 1
            assert after.get_attribute("data-key") != before
            assert after.evaluate("e => e.complete && e.naturalWidth > 0")
        root.scroll_into_view_if_needed()
        root.screenshot(
            path=str(screenshots / f"{Path(path).stem}-explorer{i + 1}.png")
        )
    page.close()


@pytest.mark.parametrize("path", PAGES)
def test_page_weight_under_two_megabytes(browser, site_url, path):
    """The page's own bytes: its HTML (static explorers are inlined) and its images.

    Scripts, styles, fonts and MathJax are shared by every page and cached
    after the first, so they are reported but not counted.
    """
    page, _ = open_page(browser, f"{site_url}/{path}", DESKTOP)
    page.wait_for_timeout(500)
    own, shared = page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const res = performance.getEntriesByType('resource');
        const isImage = r => r.initiatorType === 'img' || /_images\\//.test(r.name);
        const own = nav.decodedBodySize + res.filter(isImage).reduce((s, r) => s + r.decodedBodySize, 0);
        const shared = res.filter(r => !isImage(r)).reduce((s, r) => s + r.decodedBodySize, 0);
        return [own, shared];
    }""")
    page.close()
    print(f"{path}: page {own / 1e6:.2f} MB, shared assets {shared / 1e6:.2f} MB")
    assert own < 2_000_000, f"{path} weighs {own / 1e6:.2f} MB"


STATIC = Path(__file__).resolve().parents[2] / "_static"


@pytest.fixture(scope="module")
def stored_html():
    """The stored HTML of one explorer's full static form, as a notebook keeps it."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from gdcourse import widgets

    page = widgets.EXPLORERS["gradient descent"]().to_html(full=True)
    return f"<!doctype html><html><body><main>{page}</main></body></html>"


def test_stored_html_without_the_site_script_shows_one_frame_and_the_note(
    browser, stored_html, screenshots
):
    """As JupyterLab before a run, GitHub, nbviewer or Colab show it: no script, no style."""
    page = browser.new_page(viewport=DESKTOP)
    page.set_content(stored_html)
    root = page.locator(".gd-explorer")
    assert root.locator("img").count() == 1
    assert root.locator("img").evaluate("e => e.complete && e.naturalWidth > 0")
    assert root.locator("input, select").count() == 0
    note = root.locator(".gd-explorer-note")
    assert (
        note.is_visible() and "Run this cell for the live explorer" in note.inner_text()
    )
    page.screenshot(path=str(screenshots / "stored-explorer-bare.png"))
    page.close()


def test_stored_html_with_the_site_script_is_explorable(
    browser, stored_html, screenshots
):
    page = browser.new_page(viewport=DESKTOP)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content(stored_html)
    page.add_style_tag(path=str(STATIC / "gd-explorer.css"))
    page.add_script_tag(path=str(STATIC / "gd-explorer.js"))
    root = page.locator(".gd-explorer")
    assert not root.locator(".gd-explorer-note").is_visible()
    ranges = root.locator("input[type=range]:not([disabled])")
    assert ranges.count() > 0
    for j in range(ranges.count()):  # every control is labelled and keyboard-operable
        control = ranges.nth(j)
        assert control.evaluate("e => e.labels.length") == 1
        before = root.locator("img.gd-frame").get_attribute("data-key")
        control.focus()
        key = "ArrowLeft" if int(control.input_value()) > 0 else "ArrowRight"
        page.keyboard.press(key)
        after = root.locator("img.gd-frame").get_attribute("data-key")
        assert after != before
        assert control.get_attribute("aria-valuetext")
        assert root.locator("img.gd-frame").evaluate(
            "e => e.complete && e.naturalWidth > 0"
        )
    assert root.locator("[aria-live=polite]").inner_text()
    assert root.locator("img").count() == 1
    assert errors == []
    page.screenshot(path=str(screenshots / "stored-explorer-site.png"))
    page.close()

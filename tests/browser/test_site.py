"""Every page of the built book, opened in headless Chromium with the network blocked."""

import os
from pathlib import Path

import pytest
from conftest import DESKTOP, PAGES, PHONE, open_page, wait_dense


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
    """Each explorer becomes a canvas under controls that move it to another setting.

    Page weights are checked in test_explorers.py, with all a page loads.
    """
    page, problems = open_page(browser, f"{site_url}/{path}", DESKTOP)
    explorers = page.locator(".gd-explorer")
    for i in range(explorers.count()):
        root = explorers.nth(i)
        wait_dense(root)
        canvas = root.locator("canvas.gd-canvas")
        assert canvas.count() == 1 and canvas.is_visible()
        assert not root.locator("img.gd-frame").is_visible()
        assert not root.locator(".gd-explorer-note").is_visible()
        assert root.locator(".gd-explorer-site-note").is_visible()
        status = root.locator("[aria-live=polite]")
        assert status.inner_text()
        controls = root.locator("input[type=range]:not([disabled]), select")
        assert controls.count() > 0
        redrawn = []
        for j in range(controls.count()):
            control = controls.nth(j)
            before = canvas.get_attribute("data-key")
            picture = canvas.evaluate("c => c.toDataURL()")
            said = status.inner_text()
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
            assert root.locator("canvas").count() == 1
            assert canvas.get_attribute("data-key") != before
            redrawn.append(
                canvas.evaluate("c => c.toDataURL()") != picture
                or status.inner_text() != said
            )
        # a control may make no difference at some settings (test_explorers.py
        # checks each stop against the live explorer); some control must
        assert any(redrawn)
        root.scroll_into_view_if_needed()
        root.screenshot(
            path=str(screenshots / f"{Path(path).stem}-explorer{i + 1}.png")
        )
    assert problems["console"] == [], problems
    page.close()


STATIC = Path(__file__).resolve().parents[2] / "_static"
PAINTER = STATIC.parent / "gdcourse" / "widgets" / "js" / "painter.js"


@pytest.fixture(scope="module")
def stored_html():
    """The stored HTML of one explorer's full static form, as a notebook keeps it.

    The grid keeps two values per control (the ends, and the default), so
    the form is made in a second.
    """
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from gdcourse import widgets

    explorer = widgets.EXPLORERS["gradient descent"]()
    for spec in explorer.specs.values():
        if len(spec.static) > 2:
            ends = (spec.static[0], spec.static[-1])
            current = spec.widget.value
            spec.static = tuple(
                dict.fromkeys([*ends, current] if current in spec.static else ends)
            )
    page = explorer.to_html(full=True)
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
    assert root.locator("img").is_visible()
    assert root.locator("input, select, canvas").count() == 0
    note = root.locator(".gd-explorer-note")
    assert (
        note.is_visible() and "Run this cell for the live explorer" in note.inner_text()
    )
    page.screenshot(path=str(screenshots / "stored-explorer-bare.png"))
    page.close()


def test_stored_html_with_the_site_script_is_explorable(
    browser, stored_html, screenshots
):
    """The site's script turns it into labelled, keyboard-operable controls over a canvas."""
    page = browser.new_page(viewport=DESKTOP)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content(stored_html)
    page.add_style_tag(path=str(STATIC / "gd-explorer.css"))
    page.add_script_tag(path=str(PAINTER))
    page.add_script_tag(path=str(STATIC / "gd-explorer.js"))
    root = page.locator(".gd-explorer")
    wait_dense(root)
    assert not root.locator(".gd-explorer-note").is_visible()
    assert not root.locator("img.gd-frame").is_visible()
    canvas = root.locator("canvas.gd-canvas")
    assert canvas.count() == 1 and canvas.is_visible()
    ranges = root.locator("input[type=range]:not([disabled])")
    assert ranges.count() > 0
    status = root.locator("[aria-live=polite]")
    for j in range(ranges.count()):  # every control is labelled and keyboard-operable
        control = ranges.nth(j)
        assert control.evaluate("e => e.labels.length") == 1
        before = canvas.get_attribute("data-key")
        said = status.inner_text()
        control.focus()
        key = "ArrowLeft" if int(control.input_value()) > 0 else "ArrowRight"
        page.keyboard.press(key)
        assert canvas.get_attribute("data-key") != before
        assert status.inner_text() != said
        assert control.get_attribute("aria-valuetext")
    assert status.inner_text()
    assert canvas.get_attribute("aria-label").startswith("Gradient descent explorer: ")
    assert root.locator("img").count() == 1
    assert errors == []
    page.screenshot(path=str(screenshots / "stored-explorer-site.png"))
    page.close()

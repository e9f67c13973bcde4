"""Every page of the built book passes axe-core's WCAG 2 A and AA rules.

axe-core comes inside the ``axe-playwright-python`` wheel (``axe.min.js``),
so the check needs no network.  A page is checked once its formulas are
typeset and again once every explorer on it has been scrolled into view and
drawn by the site's script, so the controls the script builds are checked
too.
"""

import pytest
from conftest import DESKTOP, PAGES, open_page, wait_dense

#: axe-core's tags for the WCAG 2.0 level A and level AA rules.
TAGS = ["wcag2a", "wcag2aa"]
OPTIONS = {
    "runOnly": {"type": "tag", "values": TAGS},
    "resultTypes": ["violations"],
}


def axe(page):
    """Run axe-core on ``page``; return its results (a dict, as axe reports them)."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page, options=OPTIONS).response


def describe(violations):
    """One line per violated rule: its id, impact, node count and first node.

    Examples
    --------
    >>> describe([{"id": "image-alt", "impact": "critical",
    ...            "nodes": [{"target": ["main img"]}]}])
    'image-alt (critical) on 1 node, first main img'
    """
    return "\n".join(
        f"{v['id']} ({v['impact']}) on {len(v['nodes'])} node"
        f"{'s' if len(v['nodes']) != 1 else ''}, first "
        + " ".join(map(str, v["nodes"][0]["target"]))
        for v in violations
    )


def test_axe_reports_what_the_reference_lists_had(browser):
    """The check can fail: docutils' own reference list markup is reported."""
    page = browser.new_page(viewport=DESKTOP)
    page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body>'
        '<main><div role="list" class="citation-list">'
        '<div class="citation" id="a" role="doc-biblioentry">A. Cauchy</div>'
        "</div></main></body></html>"
    )
    report = describe(axe(page)["violations"])
    page.close()
    assert "aria-deprecated-role (minor)" in report, report
    assert "aria-required-children (critical)" in report, report
    assert "first #a" in report, report


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_accessibility_violations(browser, site_url, path):
    page, _ = open_page(browser, f"{site_url}/{path}", DESKTOP)
    if page.locator("main .math").count():
        page.wait_for_selector("mjx-container", state="attached", timeout=15_000)
    results = axe(page)
    assert results["passes"], "axe-core checked nothing"
    assert results["violations"] == [], describe(results["violations"])
    explorers = page.locator(".gd-explorer")
    if explorers.count():
        for i in range(explorers.count()):
            wait_dense(explorers.nth(i))
        found = axe(page)["violations"]
        assert found == [], "once the explorers are drawn:\n" + describe(found)
    page.close()

"""The site's dense static explorers against the live ones, in headless Chromium.

Each chapter page's explorers are driven as a reader would (controls set,
ranges moved with the keyboard, options chosen) and what the canvas, the
status line and the figure's description show is compared with the live
explorer of the same settings, built in this process as the chapter builds
it.  Also: every page's weight, the look at desktop and phone width and in
dark mode, and what a screen reader is given.
"""

import base64
import gzip
import io
import json
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pytest
from conftest import DESKTOP, PHONE, SITE, open_page, wait_dense
from PIL import Image, ImageFilter

BOOK = Path(__file__).resolve().parents[2] / "book"
CHAPTERS = sorted(BOOK.glob("[0-9][0-9]_*.ipynb"))
CALL = re.compile(r"EXPLORERS\[\"([^\"]+)\"\]\(([^)]*)\)")

#: Blur radius (pixels) and channel difference (of 255) above which a pixel differs.
BLUR, LEVEL = 1.5, 48
#: Largest fraction of differing pixels between the canvas and the live picture.
SAME_PICTURE = 0.002
#: Random settings compared per explorer, besides the default one.
SAMPLES = 4


# -- the chapters' explorers, built as the chapters build them ---------------------
def chapter_explorers(notebook):
    """(registry name, argument text) of each explorer a chapter shows, in page order."""
    cells = json.loads(notebook.read_text())["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return CALL.findall(code)


def _line_fit_data():
    """Chapter 1's ``x=x, y=y, box=surface.box``: its training data and loss map box.

    The chapter makes them in its own cells (checked by
    :func:`test_the_line_fit_arguments_are_the_chapters`).
    """
    import gdcourse as gd

    data = gd.data.regression(
        n=80, weights=1.5, bias=-1.0, noise=0.8, x_range=(-1.0, 3.0), seed=1
    )
    x, y = data.X_train[:, 0], data.y_train
    surface = gd.surfaces.least_squares(x, y, box=((-2.0, 5.0), (-4.5, 2.5)))
    return {"x": x, "y": y, "box": surface.box}


#: Argument text of a chapter's call -> the arguments, as the chapter makes them.
ARGUMENTS = {"": dict, "x=x, y=y, box=surface.box": _line_fit_data}
#: What chapter 1 runs to make the line fit's arguments (whitespace removed).
LINE_FIT_SOURCE = [
    "data=gd.data.regression(n=80,weights=1.5,bias=-1.0,noise=0.8,"
    "x_range=(-1.0,3.0),seed=1)",
    "x,y=data.X_train[:,0],data.y_train",
    "surface=gd.surfaces.least_squares(x,y,box=((-2.0,5.0),(-4.5,2.5)))",
]

EXPLORERS = [
    pytest.param(nb, i, name, args, id=f"{nb.stem}-{i + 1}-{name.replace(' ', '_')}")
    for nb in CHAPTERS
    for i, (name, args) in enumerate(chapter_explorers(nb))
]
PAGES = [f"book/{nb.stem}.html" for nb in CHAPTERS]

_live = {}


class Live:
    """A live explorer as its chapter builds it, and the site's control indices for it."""

    def __init__(self, name, args):
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        from gdcourse import widgets

        if args not in ARGUMENTS:
            pytest.fail(
                f"unknown arguments for {name!r}: {args!r}; add them to ARGUMENTS"
            )
        self.ex = widgets.EXPLORERS[name](**ARGUMENTS[args]())
        self.values = {n: s.values() for n, s in self.ex.specs.items()}
        self.default = {n: self.values[n].index(v) for n, v in self.ex.values.items()}
        self.prefix = [n for n, s in self.ex.specs.items() if s.prefix]

    def key(self, indices):
        """The canvas's data-key for these control indices."""
        key = "|".join(str(indices[n]) for n in self.values if n not in self.prefix)
        return key + "".join(f"#{indices[n]}" for n in self.prefix)

    def show(self, indices):
        """The live explorer at these indices: picture (RGB array), status, description."""
        values = {n: self.values[n][i] for n, i in indices.items()}
        png = self.ex.set(**values)
        rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
        return rgb, self.ex.status, self.ex._alt(self.ex.values)

    def redrawn(self, ratio=1):
        """The live figure at its current setting drawn whole, as an RGB array.

        Every artist is drawn in its z-order.
        With ``ratio`` > 1 the figure is drawn at ``ratio`` times its
        resolution and reduced to its size (box filter), as the site's
        backgrounds are.
        """
        from gdcourse.widgets.base import encode_png

        figure = self.ex.figure
        dpi = figure.dpi
        for artist in self.ex.dynamic:
            artist.set_animated(False)
        try:
            figure.set_dpi(dpi * ratio)
            figure.canvas.draw()
            image = Image.open(io.BytesIO(encode_png(figure))).convert("RGB")
        finally:
            figure.set_dpi(dpi)
            for artist in self.ex.dynamic:
                artist.set_animated(True)
            self.ex.invalidate()
        size = (image.width // ratio, image.height // ratio)
        return np.asarray(image.resize(size, Image.Resampling.BOX))


def live(name, args):
    if (name, args) not in _live:
        _live[name, args] = Live(name, args)
    return _live[name, args]


# -- the page side -------------------------------------------------------------
SET = """(root, indices) => {
    for (const [name, i] of Object.entries(indices)) {
        const e = root.querySelector(`[data-control="${name}"]`);
        e.value = String(i);
        e.dispatchEvent(new Event('input', {bubbles: true}));
    }
}"""
STATE = """(root, pixels) => {
    const c = root.querySelector('canvas.gd-canvas');
    return {
        key: c.getAttribute('data-key'),
        label: c.getAttribute('aria-label'),
        status: root.querySelector('.gd-explorer-status').textContent,
        png: pixels ? c.toDataURL('image/png') : null,
        indices: Object.fromEntries(Array.from(
            root.querySelectorAll('[data-control]'),
            e => [e.getAttribute('data-control'), Number(e.value)])),
    };
}"""


def state(root, pixels=True):
    return root.evaluate(STATE, pixels)


def pixels(data_url):
    raw = base64.b64decode(data_url.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(raw)).convert("RGB"))


def differing_pixels(a, b):
    """Where the largest channel differs by more than LEVEL after a blur (a boolean mask).

    The blur (Gaussian, radius BLUR) forgives what antialiasing and the
    browser's text rendering do differently from Matplotlib's; a curve or
    marker in another place still differs.
    """
    blur = ImageFilter.GaussianBlur(BLUR)
    A, B = (np.asarray(Image.fromarray(x).filter(blur), dtype=float) for x in (a, b))
    return np.abs(A - B).max(axis=2) > LEVEL


def differing(a, b):
    """Fraction of pixels that differ (:func:`differing_pixels`); 1 if the sizes differ."""
    if a.shape != b.shape:
        return 1.0
    return float(differing_pixels(a, b).mean())


def side_by_side(path, site, live_rgb):
    """The site's canvas, the live picture and, in black, the pixels counted as differing."""
    if site.shape == live_rgb.shape:
        mask = differing_pixels(site, live_rgb)
    else:
        mask = np.ones(site.shape[:2], dtype=bool)
    shown = np.where(mask[..., None], 0, 255).astype(np.uint8).repeat(3, axis=2)
    width = max(x.shape[1] for x in (site, live_rgb))
    rows = [
        np.pad(x, ((0, 0), (0, width - x.shape[1]), (0, 0))) for x in (site, live_rgb)
    ]
    Image.fromarray(np.concatenate([*rows, shown[:, :width]], axis=0)).save(path)


def explorer_on_page(browser, site_url, notebook, index):
    page, problems = open_page(
        browser, f"{site_url}/book/{notebook.stem}.html", DESKTOP
    )
    roots = page.locator(".gd-explorer")
    assert roots.count() == len(chapter_explorers(notebook))
    root = roots.nth(index)
    wait_dense(root)
    return page, root, problems


# -- the tests -----------------------------------------------------------------
def test_every_chapter_shows_its_explorers():
    assert len(EXPLORERS) >= len(CHAPTERS)
    assert all(chapter_explorers(nb) for nb in CHAPTERS)


def test_the_line_fit_arguments_are_the_chapters():
    (notebook,) = [nb for nb in CHAPTERS if nb.stem.startswith("01_")]
    code = "".join(
        "".join(c["source"])
        for c in json.loads(notebook.read_text())["cells"]
        if c["cell_type"] == "code"
    )
    code = re.sub(r"\s+", "", code)
    assert ("line fit", "x=x, y=y, box=surface.box") in chapter_explorers(notebook)
    for line in LINE_FIT_SOURCE:
        assert line in code


def test_the_picture_comparison_tells_settings_apart():
    """Same picture: nothing differs; one stop of the rate or of the start: over the bar."""
    ex = live("gradient descent", "")
    start = dict(ex.default)
    picture = ex.show(start)[0]
    assert differing(picture, picture.copy()) == 0.0
    for control in ("lr", "x0"):
        step = 1 if start[control] + 1 < len(ex.values[control]) else -1
        other = ex.show(dict(start, **{control: start[control] + step}))[0]
        assert differing(picture, other) > SAME_PICTURE, control


def settings(live_ex, name, samples=SAMPLES):
    """The default indices, then seeded random ones that show every stop of every grid control.

    At least ``samples`` random settings; as many as the grid control with
    the most stops has, each such control visiting its stops in a shuffled
    order (every stop once or more), the prefix control (steps) at random.
    """
    rng = np.random.default_rng(sum(name.encode()))
    grid = {n: len(v) for n, v in live_ex.values.items() if n not in live_ex.prefix}
    count = max([samples, *grid.values()])
    order = {
        n: rng.permutation(np.resize(np.arange(k), count)) for n, k in grid.items()
    }
    out = [dict(live_ex.default)]
    for j in range(count):
        indices = {n: int(rng.integers(len(v))) for n, v in live_ex.values.items()}
        indices.update({n: int(order[n][j]) for n in grid})
        out.append(indices)
    return out


_fidelity = {}


@pytest.mark.parametrize("notebook, index, name, args", EXPLORERS)
def test_canvas_matches_the_live_explorer(
    browser, site_url, screenshots, notebook, index, name, args
):
    """Canvas, status and description equal the live explorer's at sampled settings.

    The site paints vector overlays, drawn by the browser at the canvas's
    resolution, over a background drawn at ``BACKGROUND_RATIO`` times it
    and scaled down.  So the canvas is compared with the live figure at its
    own resolution and with the live figure drawn at that ratio and reduced
    (box filter); the closer of the two counts.  Pictures are compared by
    :func:`differing` (blur radius 1.5, level 48 of 255).

    Measured over every chapter: for the same setting at most about 0.15 %
    of pixels differ (text and legends rasterised at another resolution,
    antialiasing); one stop of one control away, mostly 0.3 % to 3 % (a path
    or curve moves; a different start 0.8 %, a neighbouring learning rate
    2 %).  The bar, ``SAME_PICTURE`` = 0.2 %, lies between the two.  A few
    neighbouring settings draw nearly the same picture (0.08 %), so which
    setting is shown is checked exactly as well: the key, the status and
    the description.
    """
    from gdcourse.widgets.static_form import BACKGROUND_RATIO

    ex = live(name, args)
    page, root, problems = explorer_on_page(browser, site_url, notebook, index)
    assert root.get_attribute("data-explorer") == ex.ex.title
    assert state(root, pixels=False)["indices"] == ex.default
    report = []
    for k, indices in enumerate(settings(ex, name)):
        if k:  # the first is the default, as the page opens
            root.evaluate(SET, indices)
        shown = state(root)
        site = pixels(shown["png"])
        rgb, status, alt = ex.show(indices)
        assert shown["indices"] == indices
        assert shown["key"] == ex.key(indices)
        assert shown["status"] == status, indices
        assert shown["label"] == alt, indices
        sharp = ex.redrawn(BACKGROUND_RATIO)
        fraction = min(differing(site, rgb), differing(site, sharp))
        report.append({"indices": indices, "differing": fraction})
        _fidelity[f"{notebook.stem} {name}"] = report
        (screenshots / "explorer-fidelity.json").write_text(
            json.dumps(_fidelity, indent=1, sort_keys=True)
        )
        if k < 2:
            closer = min((rgb, sharp), key=lambda r: differing(site, r))
            side_by_side(
                screenshots / f"fidelity-{notebook.stem}-{index + 1}-{k}.png",
                site,
                closer,
            )
        assert fraction < SAME_PICTURE, (
            f"{name} at {indices}: {fraction:.3%} of pixels differ from the live picture"
        )
    assert problems["console"] == [], problems
    page.close()


_stops = {}


def _write_stops(screenshots):
    (screenshots / "explorer-still-stops.json").write_text(
        json.dumps(_stops, indent=1, sort_keys=True)
    )


@pytest.mark.parametrize("notebook, index, name, args", EXPLORERS)
def test_every_stop_of_every_control(
    browser, site_url, screenshots, notebook, index, name, args
):
    """Each control, from the default setting, through all its stops.

    Ranges move with the keyboard (Home, then ArrowRight up to the last
    stop), selects by choosing each option.  At each stop the canvas's key
    follows, the status and description are the live explorer's, and the
    pixels or the status change; a stop where neither changes is recorded
    (``explorer-still-stops.json`` beside the screenshots) and fails unless
    the live explorer does not change there either.
    """
    ex = live(name, args)
    page, root, problems = explorer_on_page(browser, site_url, notebook, index)
    still, failures, moved = [], [], 0
    for control in ex.values:
        root.evaluate(SET, ex.default)
        element = root.locator(f'[data-control="{control}"]')
        stops = len(ex.values[control])
        if element.evaluate("e => e.tagName") == "SELECT":
            moves = [lambda k, e=element: e.select_option(str(k)) for _ in range(stops)]
        else:
            # no control is offered with one value (tests/test_widgets_static_stops.py)
            assert stops > 1 and not element.is_disabled(), control
            element.focus()
            moves = [lambda k: page.keyboard.press("Home")] + [
                lambda k: page.keyboard.press("ArrowRight")
            ] * (stops - 1)
        before = state(root)
        before_live = ex.show(ex.default)
        where = ex.default[control]
        statuses = {before["status"]}
        live_statuses = {before_live[1]}
        for k, move in enumerate(moves):
            move(k)
            after = state(root)
            indices = dict(ex.default, **{control: k})
            now_live = ex.show(indices)
            statuses.add(after["status"])
            live_statuses.add(now_live[1])
            assert after["indices"] == indices
            assert after["key"] == ex.key(indices)
            assert after["status"] == now_live[1], indices
            assert after["label"] == now_live[2], indices
            if k == where:  # the first stop was the default one: nothing moved
                continue
            where = k
            moved += 1
            assert after["key"] != before["key"]
            if after["png"] == before["png"] and after["status"] == before["status"]:
                live_same = (
                    np.array_equal(now_live[0], before_live[0])
                    and now_live[1] == before_live[1]
                )
                still.append(
                    {"control": control, "stop": k, "live changes": not live_same}
                )
                if not live_same:
                    failures.append((control, k))
            before, before_live = after, now_live
        # the polite status region speaks when a control moves (unless live is silent too)
        assert len(statuses) > 1 or len(live_statuses) == 1, control
    _stops[f"{notebook.stem} {name}"] = {"stops": moved, "still": still}
    assert moved >= sum(len(v) - 1 for v in ex.values.values())
    _write_stops(screenshots)
    assert failures == [], (
        f"stops where nothing changes but the live explorer does: {failures}"
    )
    assert problems["console"] == [], problems
    page.close()


_weights = {}


def served(path):
    """Bytes of a site file as a static host sends it: text gzip-compressed, the rest as is."""
    data = path.read_bytes()
    if path.suffix in (".html", ".js", ".css", ".svg", ".json", ".txt", ".map"):
        return len(gzip.compress(data, compresslevel=6, mtime=0))
    return len(data)


@pytest.mark.parametrize("path", PAGES)
def test_page_with_all_it_loads_is_under_two_megabytes(
    browser, site_url, screenshots, path
):
    """The HTML file and every file it loads from the site, as a host sends them.

    Counted: every file the page fetched (its images, the explorers' script
    and style, the theme's scripts, styles and fonts, MathJax), each as a
    static host sends it (``served``: text gzip-compressed, as GitHub Pages
    does; pictures and fonts are compressed already).  ``page-weights.json``
    beside the screenshots lists per page that total, the bytes on disk,
    and the page's own share (its HTML, its images and the data of the
    explorers in view when it loads; the others load when scrolled to).
    The budget, "a chapter page's first load, with its images and the
    explorers in view, under 2 MB", is on that own share, uncompressed: the theme's
    files (about 1.2 MB sent, most of it its icon font script and MathJax)
    are the same for every page and fetched once for the whole site.
    """
    page, problems = open_page(browser, f"{site_url}/{path}", DESKTOP)
    page.wait_for_load_state("networkidle")
    page.close()
    files = {p: SITE / unquote(p).lstrip("/") for p in set(problems["loaded"])}
    assert f"/{path}" in files, f"{path} itself was not among what it loaded"
    own = [
        p
        for p in files
        if p == f"/{path}" or p.startswith(("/_images/", "/_static/explorers/"))
    ]
    weight = {
        "sent": sum(served(f) for f in files.values()),
        "on disk": sum(f.stat().st_size for f in files.values()),
        "own on disk": sum(files[p].stat().st_size for p in own),
        "files": len(files),
        "largest": {
            p: f.stat().st_size
            for p, f in sorted(files.items(), key=lambda x: -x[1].stat().st_size)[:4]
        },
    }
    _weights[path] = weight
    (screenshots / "page-weights.json").write_text(
        json.dumps(_weights, indent=1, sort_keys=True)
    )
    assert weight["own on disk"] < 2_000_000, weight


def contrast(element):
    """WCAG contrast ratio of an element's text against the background it sits on."""
    return element.evaluate("""e => {
        const rgb = s => s.match(/[\\d.]+/g).map(Number);
        const lum = c => {
            const [r, g, b] = c.slice(0, 3).map(v => {
                v /= 255;
                return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
            });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        let back = [255, 255, 255];
        for (let n = e; n; n = n.parentElement) {
            const c = rgb(getComputedStyle(n).backgroundColor);
            if (c.length < 4 || c[3] > 0) { back = c; break; }
        }
        const [a, b] = [lum(rgb(getComputedStyle(e).color)), lum(back)];
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }""")


DARK = "localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');"
TEXTS = [
    ".gd-explorer-title",
    ".gd-control",
    ".gd-explorer-status",
    ".gd-explorer-site-note",
]


@pytest.mark.parametrize(
    "look, viewport, script",
    [("desktop", DESKTOP, None), ("phone", PHONE, None), ("dark", DESKTOP, DARK)],
)
def test_the_look(browser, site_url, screenshots, look, viewport, script):
    """Chapter 1's first explorer at desktop width, at phone width and in dark mode.

    At every look its texts are readable (contrast at least 4.5, WCAG AA)
    and the canvas fits; at phone width it scales down, keeping its shape,
    and the page does not scroll sideways.
    """
    (notebook,) = [nb for nb in CHAPTERS if nb.stem.startswith("01_")]
    page, problems = open_page(
        browser, f"{site_url}/book/{notebook.stem}.html", viewport, init_script=script
    )
    root = page.locator(".gd-explorer").first
    wait_dense(root)
    if look == "dark":
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    root.scroll_into_view_if_needed()
    root.screenshot(path=str(screenshots / f"look-{look}.png"))
    page.screenshot(path=str(screenshots / f"look-{look}-page.png"))
    for selector in TEXTS:
        for k in range(root.locator(selector).count()):
            ratio = contrast(root.locator(selector).nth(k))
            assert ratio >= 4.5, f"{selector} has contrast {ratio:.2f} ({look})"
    box = root.locator("canvas.gd-canvas").bounding_box()
    width, height = (
        int(root.locator("canvas").get_attribute(a)) for a in ("width", "height")
    )
    inner = root.evaluate("e => e.clientWidth")
    assert box["width"] <= inner
    assert box["height"] / box["width"] == pytest.approx(height / width, rel=0.02)
    if look == "phone":
        assert box["width"] < 390 < width
        assert page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth"
        ), "the page scrolls sideways at phone width"
    assert problems["console"] == [], problems
    page.close()


@pytest.mark.parametrize("path", PAGES)
def test_controls_are_labelled_and_the_status_is_polite(browser, site_url, path):
    """What a keyboard and a screen reader get: one label per control, a polite status."""
    page, problems = open_page(browser, f"{site_url}/{path}", DESKTOP)
    roots = page.locator(".gd-explorer")
    assert roots.count() > 0
    for i in range(roots.count()):
        root = roots.nth(i)
        wait_dense(root)
        labels = root.locator("[data-control]").evaluate_all(
            "els => els.map(e => [e.labels.length, e.labels[0].textContent])"
        )
        assert labels and all(n == 1 and text.strip() for n, text in labels), labels
        for r in range(root.locator("input[type=range]").count()):
            assert (
                root.locator("input[type=range]").nth(r).get_attribute("aria-valuetext")
            )
        status = root.locator(".gd-explorer-status")
        assert status.count() == 1
        assert status.get_attribute("role") == "status"
        assert status.get_attribute("aria-live") == "polite"
        assert status.inner_text()
        canvas = root.locator("canvas.gd-canvas")
        assert canvas.count() == 1 and canvas.is_visible()
        assert canvas.get_attribute("role") == "img" and canvas.get_attribute(
            "aria-label"
        )
        assert not root.locator("img.gd-frame").is_visible()
    assert problems["console"] == [], problems
    page.close()


def data_file(page_path, root):
    """The site path of the data file an explorer of the page at ``page_path`` names."""
    data = json.loads(root.locator("script.gd-explorer-data").text_content())
    assert "form" not in data and "backgrounds" not in data, "dense data in the page"
    joined = posixpath.join(posixpath.dirname(f"/{page_path}"), data["src"])
    return posixpath.normpath(joined)


@pytest.mark.parametrize("path", PAGES)
def test_an_explorer_loads_its_data_when_it_comes_into_view(browser, site_url, path):
    """Explorers below the first screen load nothing until scrolled to; then they work."""
    page, problems = open_page(browser, f"{site_url}/{path}", DESKTOP)
    page.wait_for_load_state("networkidle")
    roots = page.locator(".gd-explorer")
    files = [data_file(path, roots.nth(i)) for i in range(roots.count())]
    below = 0
    for i, file in enumerate(files):
        top = roots.nth(i).evaluate("e => e.getBoundingClientRect().top")
        if top > DESKTOP["height"] + 400:
            below += 1
            assert file not in problems["loaded"], f"explorer {i + 1} loaded unseen"
            assert roots.nth(i).get_attribute("data-gd-dense") is None
    for i, file in enumerate(files):
        wait_dense(roots.nth(i))
        assert file in problems["loaded"]
    assert below > 0, f"no explorer of {path} is below the first screen"
    assert problems["console"] == [] and problems["failed"] == [], problems
    page.close()


def test_the_site_opened_from_disk_loads_an_explorer(browser):
    """``file://`` pages (no server): the data file loads by a script element, not fetch."""
    (notebook,) = [nb for nb in CHAPTERS if nb.stem.startswith("02_")]
    page = browser.new_page(viewport=DESKTOP, device_scale_factor=1)
    errors, outside = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto((SITE / "book" / f"{notebook.stem}.html").as_uri(), wait_until="load")
    root = page.locator(".gd-explorer").first
    wait_dense(root)
    assert root.locator("canvas.gd-canvas").is_visible()
    key = root.locator("canvas.gd-canvas").get_attribute("data-key")
    slider = root.locator('input[type="range"]').first
    slider.fill("0" if slider.input_value() != "0" else slider.get_attribute("max"))
    assert root.locator("canvas.gd-canvas").get_attribute("data-key") != key
    assert errors == [] and outside == [], (errors, outside)
    page.close()

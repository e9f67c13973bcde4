"""The course's address is written once, in _config.yml (scripts/course_address.py).

Every chapter's install line, every Colab copy's links to the site and each
page's Colab button are derived from ``repository.url`` (and ``html.baseurl``
when it is set).  A fork changes that line and runs ``make notebooks``; here
the same is done on a temporary copy of the course, with the normaliser and
the Colab script (pure functions of the notebooks' JSON) instead of
re-executing the chapters.
"""

import ast
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
#: A fork's repository: a one-line change of ``repository.url``.
FORK = "https://github.com/A-Teacher/gd-course-fork"
#: What the fork's readers must be sent to.
FORK_REQUIREMENT = "gdcourse[book] @ git+https://github.com/A-Teacher/gd-course-fork"
FORK_SITE = "https://a-teacher.github.io/gd-course-fork/"
FORK_COLAB = (
    "https://colab.research.google.com/github/A-Teacher/gd-course-fork"
    "/blob/main/colab/01_gradient_descent.ipynb"
)
#: A link of a Colab copy to a page of the book (a reference to another site, a
#: tool's documentation say, is not one).
SITE_LINK = re.compile(r"\]\((https?://[^)\s]+/book/[^)\s/]+\.html(?:#[^)\s]*)?)\)")
#: An address on GitHub or GitHub Pages, wherever it appears in a notebook.
GITHUB_ADDRESS = re.compile(
    r"https?://(?:github\.com/[\w.-]+/[\w.-]+|[\w-]+\.github\.io/[\w.-]*)"
)


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def chapters(root):
    return sorted((root / "book").glob("[0-9][0-9]_*.ipynb"))


def copies(root):
    return sorted((root / "colab").glob("[0-9][0-9]_*.ipynb"))


def installed_package(nb):
    """The value the first code cell assigns to ``package`` (its install line)."""
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    tree = ast.parse("".join(cell["source"]))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "package" for t in node.targets
        ):
            return ast.literal_eval(node.value)
    return None


def colab_button(root, pagename):
    """The Colab button of page `pagename` of the book at `root`.

    The theme options come from ``root/_config.yml`` through jupyter-book, the
    launch buttons from sphinx-book-theme, and the rewrite from the book's own
    gd_colab extension, as in a build.
    """
    from jupyter_book.config import get_final_config
    from sphinx_book_theme.header_buttons import update_context_with_repository_info
    from sphinx_book_theme.header_buttons.launch import add_launch_buttons

    user_yaml = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config, _ = get_final_config(
        user_yaml=user_yaml, cli_config={"latex_individualpages": False}, sourcedir=root
    )
    app = SimpleNamespace(
        srcdir=str(root),
        outdir=str(root / "_build" / "html"),
        builder=None,
        env=SimpleNamespace(
            doc2path=lambda page: str(root / f"{page}.ipynb"),
            metadata={pagename: {"kernelspec": {"name": "python3"}}},
        ),
    )
    app.config = _Config(
        html_theme_options=config["html_theme_options"], html_context={}
    )
    update_context_with_repository_info(app)
    context = {
        **app.config.html_context,
        "pagename": pagename,
        "sourcename": f"{pagename}.ipynb",
        "header_buttons": [],
    }
    add_launch_buttons(app, pagename, "page.html", context, None)
    gd_colab = load(root / "book" / "_ext" / "gd_colab.py", "gd_colab_under_test")
    gd_colab.point_colab_at_copy(app, pagename, "page.html", context, None)
    (group,) = [b for b in context["header_buttons"] if b["label"] == "launch-buttons"]
    (url,) = [b["url"] for b in group["buttons"] if b["text"] == "Colab"]
    return url


class _Config(SimpleNamespace):
    def __getitem__(self, key):
        return getattr(self, key)


def disagreements(root):
    """Every install line, site link and Colab button of the book at `root`
    that is not what its ``_config.yml`` says, as a list of messages."""
    course = load(root / "scripts" / "course_address.py", "course_address").load(root)
    allowed = {course.repository, course.site.rstrip("/")}
    found = []
    for path in chapters(root) + copies(root):
        name = path.relative_to(root)
        text = path.read_text(encoding="utf-8")
        nb = json.loads(text)
        package = installed_package(nb)
        if package != course.requirement:
            found.append(f"{name}: installs {package!r}, not {course.requirement!r}")
        for address in set(GITHUB_ADDRESS.findall(text)):
            if not any(address.startswith(a) for a in allowed):
                found.append(f"{name}: names {address}")
        if path.parent.name == "colab":
            markdown = "".join(
                "".join(c["source"])
                for c in nb["cells"]
                if c["cell_type"] == "markdown"
            )
            links = SITE_LINK.findall(markdown)
            if not links:
                found.append(f"{name}: no link to the site")
            for link in links:
                if not link.startswith(course.site):
                    found.append(f"{name}: links to {link}, not under {course.site}")
    for path in copies(root):
        pagename = f"book/{path.stem}"
        button = colab_button(root, pagename)
        wanted = course.colab(path.relative_to(root).as_posix())
        if button != wanted:
            found.append(f"{pagename}: Colab button opens {button}, not {wanted}")
    return found


course_address = load(ROOT / "scripts" / "course_address.py", "course_address")
normalize_notebooks = load(ROOT / "scripts" / "normalize_notebooks.py", "normalize")


def test_the_rules_by_example():
    import doctest

    assert doctest.testmod(course_address).failed == 0
    Course = course_address.CourseAddress
    assert (
        Course("https://github.com/Ann/ann.github.io").site == "https://ann.github.io/"
    )
    assert (
        Course("https://github.com/ann/notes.git")
        .colab("c/x.ipynb")
        .endswith("/github/ann/notes/blob/main/c/x.ipynb")
    )
    with pytest.raises(ValueError, match="html.baseurl must be set"):
        _ = Course("https://gitlab.com/ann/notes").site
    with pytest.raises(ValueError, match="must set repository.url"):
        Course.from_config({"html": {"baseurl": "https://a.b/"}})


@pytest.mark.parametrize("owner", ["ann", "a-university-department-of-mathematics"])
def test_the_install_block_fits_the_code_width_and_installs_the_repository(owner):
    requirement = f"gdcourse[book] @ git+https://github.com/{owner}/gd-course"
    block = normalize_notebooks.install_block(requirement)
    nb = {"cells": [{"cell_type": "code", "source": block}]}
    assert installed_package(nb) == requirement
    assert max(map(len, block.splitlines())) <= normalize_notebooks.CODE_WIDTH


def test_every_address_agrees_with_the_config():
    assert chapters(ROOT) and copies(ROOT)
    assert disagreements(ROOT) == []


@pytest.fixture(scope="module")
def fork(tmp_path_factory):
    """A copy of the course whose ``_config.yml`` names another repository."""
    root = tmp_path_factory.mktemp("fork")
    skip = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    for name in ("book", "colab", "scripts", ".jupyter"):
        shutil.copytree(ROOT / name, root / name, ignore=skip)
    for name in ("_config.yml", "_toc.yml", "references.bib"):
        shutil.copy(ROOT / name, root / name)
    config = root / "_config.yml"
    text = config.read_text(encoding="utf-8")
    line = re.compile(r"^(  url: ).*$", re.M)
    assert len(line.findall(text)) == 1, "_config.yml names its repository once"
    config.write_text(line.sub(rf"\g<1>{FORK}", text), encoding="utf-8")
    return root


def test_a_fork_changes_one_line_and_regenerates(fork):
    course = load(fork / "scripts" / "course_address.py", "fork_address").load(fork)
    assert course.requirement == FORK_REQUIREMENT
    assert course.site == FORK_SITE

    # Before the notebooks are regenerated, every one of them disagrees; the
    # Colab button is made at build time, from the configuration itself.
    stale = disagreements(fork)
    for path in chapters(fork) + copies(fork):
        name = str(path.relative_to(fork))
        assert any(m.startswith(f"{name}: installs") for m in stale), name
    for path in copies(fork):
        name = str(path.relative_to(fork))
        assert any(m.startswith(f"{name}: links to") for m in stale), name
    assert not any("Colab button" in m for m in stale)

    # What `make notebooks` does after executing the chapters.
    python = [sys.executable, "-X", "utf8"]
    books = [str(p) for p in chapters(fork)]
    subprocess.run(
        [*python, fork / "scripts" / "normalize_notebooks.py", *books], check=True
    )
    subprocess.run([*python, fork / "scripts" / "colab_notebooks.py"], check=True)

    assert disagreements(fork) == []
    assert colab_button(fork, "book/01_gradient_descent") == FORK_COLAB
    old = load(ROOT / "scripts" / "course_address.py", "old_address").load(ROOT)
    for path in chapters(fork) + copies(fork):
        text = path.read_text(encoding="utf-8")
        assert old.repository not in text and old.site not in text, path.name

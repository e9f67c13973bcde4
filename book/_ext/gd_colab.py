"""The Colab launch button opens the chapter's plain-Markdown copy.

Colab renders CommonMark and ``$math$`` only, so a chapter opened from
``book/`` there shows raw MyST and no glued numbers.  scripts/colab_notebooks.py
commits a copy of each chapter under ``colab/`` that reads right in Colab;
this extension points each page's Colab button at that copy, when it exists.
The other launch buttons (Binder opens JupyterLab, which renders MyST) keep
opening ``book/``.

sphinx-book-theme builds the launch buttons in an ``html-page-context``
handler (priority 501) as ``context["header_buttons"]``: a group labelled
``launch-buttons`` with a Colab entry when the repository is on GitHub.
:func:`point_colab_at_copy` runs after it and points that entry at the copy,
by the rule scripts/course_address.py keeps for every address of the course,
from the repository and branch that ``_config.yml`` gives the theme.
"""

import importlib.util
from pathlib import Path, PurePosixPath

#: Where the copies live, relative to the repository root.
COPY_DIR = "colab"


def _course_address():
    """scripts/course_address.py (a file, not a package)."""
    path = (
        Path(__file__).resolve().parents[2]
        / "scripts"
        / "course_address.py"
    )
    spec = importlib.util.spec_from_file_location(
        "gdcourse_course_address", path
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


course_address = _course_address()


def colab_copy_url(theme, copy_path):
    """Colab's address of the copy `copy_path`, from the theme's options.

    Parameters
    ----------
    theme : dict
        ``html_theme_options``, as jupyter-book makes them from ``_config.yml``
        (``repository_url``, ``repository_branch``, ``launch_buttons``).
    copy_path : str
        The copy's path in the repository, such as ``colab/01_x.ipynb``.

    Examples
    --------
    >>> colab_copy_url(
    ...     {"repository_url": "https://github.com/o/r", "repository_branch": "dev"},
    ...     "colab/01_x.ipynb",
    ... )
    'https://colab.research.google.com/github/o/r/blob/dev/colab/01_x.ipynb'
    """
    course = course_address.CourseAddress(
        theme["repository_url"], theme.get("repository_branch") or "main"
    )
    launch = theme.get("launch_buttons") or {}
    return course.colab(
        copy_path, launch.get("colab_url") or course_address.COLAB_URL
    )


def copy_for(pagename, repo_root):
    """The copy of page `pagename` (``book/01_x``), as a repository path, or None."""
    name = PurePosixPath(pagename).name
    path = PurePosixPath(COPY_DIR) / f"{name}.ipynb"
    return str(path) if (Path(repo_root) / path).is_file() else None


def repo_root(srcdir, path_to_docs):
    """The repository root, given the book's source folder and its path in it.

    Examples
    --------
    >>> str(repo_root("/src/repo/docs", "docs/")), str(repo_root("/src/repo", "."))
    ('/src/repo', '/src/repo')
    """
    depth = len(
        [
            p
            for p in PurePosixPath(path_to_docs.strip("/")).parts
            if p != "."
        ]
    )
    root = Path(srcdir)
    for _ in range(depth):
        root = root.parent
    return root


def point_colab_at_copy(app, pagename, templatename, context, doctree):
    """Rewrite the page's Colab launch link to the copy in ``colab/``."""
    theme = app.config.html_theme_options or {}
    root = repo_root(app.srcdir, theme.get("path_to_docs", "") or "")
    copy_path = copy_for(pagename, root)
    if copy_path is None:
        return
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group.get("buttons", []):
            if button.get("text") == "Colab":
                button["url"] = colab_copy_url(theme, copy_path)


def setup(app):
    # After sphinx-book-theme's add_launch_buttons (priority 501).
    app.connect("html-page-context", point_colab_at_copy, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Every page's download menu offers the whole course as one PDF.

``make pdf`` (scripts/pdf.py) prints the course to ``_build/pdf/gdcourse.pdf``
and, when the site is built, copies it to the site's root as ``gdcourse.pdf``.
sphinx-book-theme builds each page's download menu in an ``html-page-context``
handler (priority 501), as the group labelled ``download-buttons`` in
``context["header_buttons"]``; :func:`add_course_pdf` runs after it and adds a
link to that file beside the page's own ``.ipynb``, ``.md`` and ``.pdf``
(which prints the page alone).
"""

#: The PDF's name at the site's root.
PDF_NAME = "gdcourse.pdf"

#: The menu entry; ``url`` is filled in per page.
BUTTON = {
    "type": "link",
    "text": PDF_NAME,
    "tooltip": "The whole course as one PDF",
    "icon": "fas fa-book",
    "label": "download-course-pdf-button",
}


def add_course_pdf(app, pagename, templatename, context, doctree):
    """Add the course's PDF to the page's download menu, if it has one.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> app = SimpleNamespace(builder=SimpleNamespace(name="html"))
    >>> menu = {"label": "download-buttons", "buttons": []}
    >>> context = {
    ...     "header_buttons": [menu],
    ...     "pathto": lambda name, resource: "../" + name,
    ... }
    >>> add_course_pdf(app, "book/01_x", "page.html", context, None)
    >>> menu["buttons"][0]["url"]
    '../gdcourse.pdf'
    """
    if app.builder.name not in ("html", "dirhtml"):
        return
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            url = context["pathto"](PDF_NAME, 1)
            group.setdefault("buttons", []).append({**BUTTON, "url": url})


def setup(app):
    # After sphinx-book-theme's add_header_buttons (priority 501).
    app.connect("html-page-context", add_course_pdf, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

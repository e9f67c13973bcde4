"""Site fixes for the course's Sphinx build.

* Each inline script is emitted once.  Jupyter Book 1 ends up registering the
  configuration snippets of sphinx-thebe and sphinx-togglebutton twice, so a
  page declared ``const THEBE_JS_URL`` twice and the browser threw a
  SyntaxError on every page.  We drop exact repeats of a script (same source,
  same inline body, same attributes), keeping the first; one copy of each
  arrives with ``filename=None`` and the other with ``filename=''``.
* No page embeds the ipywidgets state.  The site shows each explorer's
  static HTML form, never the widget view, so the state (which includes
  every Image widget's PNG) would only add weight to the page.
* Numbers in the prose: ``{eval}`glued["name"]``` shows the text the
  notebook glued under ``name`` (``gdcourse.report.glue``), as myst-nb's
  ``{glue:text}`name``` would.  In JupyterLab the same role is evaluated in
  the kernel or read from the cell's stored results; on the site the chapters
  are executed ahead of the build, so myst-nb's own ``eval`` role (which asks
  a kernel that is still running, in its "inline" execution mode only) is
  replaced by :class:`GluedText`, which reads the glue outputs.
"""

import re

from docutils import nodes

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

#: The one expression the prose evaluates: the text glued under a name.
GLUED = re.compile(r'glued\["([^"\\]+)"\]')


def _key(script):
    """What makes two script entries the same script (filename ``None`` and ``""`` alike)."""
    filename = getattr(script, "filename", script) or None
    attributes = tuple(
        sorted(
            (k, str(v))
            for k, v in getattr(script, "attributes", {}).items()
        )
    )
    return (filename, attributes)


def dedupe_scripts(app, pagename, templatename, context, doctree):
    """Remove repeated entries from the page's ``script_files``."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    # In place: later handlers (MathJax's) append to this very list.
    scripts[:] = unique


def drop_widget_state(app, pagename, templatename, context, doctree):
    """Remove the embedded ipywidgets state script from the page."""
    scripts = context.get("script_files")
    if scripts:
        scripts[:] = [
            s
            for s in scripts
            if getattr(s, "attributes", {}).get("type") != WIDGET_STATE
        ]


class GluedText:
    """The ``eval`` role: ``{eval}`glued["name"]``` is the glued text of ``name``.

    Renders exactly what myst-nb's ``{glue:text}`name``` renders (an inline
    node with class ``pasted-text``); anything else in the role, or a name the
    notebook did not glue, is a warning (an error under ``-W``).
    """

    def __call__(
        self, name, rawtext, text, lineno, inliner, options=None, content=()
    ):
        from myst_nb.core.variables import RetrievalError, format_plain_text
        from myst_nb.ext.glue.utils import glue_warning, retrieve_glue_data

        document = inliner.document
        source, line = inliner.reporter.get_source_and_line(lineno)
        match = GLUED.fullmatch(nodes.unescape(text))
        if match is None:
            message = f'{{eval}} must hold glued["name"], got {text!r}'
            return [], [glue_warning(message, document, line)]
        try:
            result = retrieve_glue_data(document, match.group(1))
            value = format_plain_text(result.data["text/plain"], "s")
        except (RetrievalError, KeyError) as error:
            return [], [glue_warning(f"{{eval}}: {error}", document, line)]
        node = nodes.inline(value, value, classes=["pasted-text"])
        node.source, node.line = source, line
        return [node], []


def setup(app):
    # myst-nb registers its own eval role in its setup: make sure it ran first.
    app.setup_extension("myst_nb")
    app.add_role("eval", GluedText(), override=True)
    # Early: emit_firstresult stops at the first handler that returns a template.
    app.connect("html-page-context", dedupe_scripts, priority=100)
    # Late: after myst-nb has added the notebook's scripts.
    app.connect("html-page-context", drop_widget_state, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

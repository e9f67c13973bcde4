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
* Each dense explorer's data leaves the page.  An explorer's stored HTML
  carries its data as inline JSON (``gdcourse.widgets.base.Explorer.to_html``);
  the dense form the book build computes is a megabyte or more, so the page
  keeps the small part (title, controls, note) and the rest (backgrounds,
  frames, coordinates) goes to a file of its own under ``_static/explorers/``,
  named by a hash of its content, which ``_static/gd-explorer.js`` loads once
  the explorer comes into view (:func:`move_explorer_data`).  The file is a
  script that hands its data to the page (``gdExplorerData(name, data)``), so
  it loads from a static host and from disk (``file://``, where a fetch of
  JSON is refused) alike.
* Numbers in the prose: ``{eval}`glued["name"]``` shows the text the
  notebook glued under ``name`` (``gdcourse.report.glue``), as myst-nb's
  ``{glue:text}`name``` would.  In JupyterLab the same role is evaluated in
  the kernel or read from the cell's stored results; on the site the chapters
  are executed ahead of the build, so myst-nb's own ``eval`` role (which asks
  a kernel that is still running, in its "inline" execution mode only) is
  replaced by :class:`GluedText`, which reads the glue outputs.
* A reference list is a list of list items.  Docutils writes a chapter's
  cited works as ``<div role="list">`` holding entries with the role
  ``doc-biblioentry``, which DPUB-ARIA 1.1 deprecates, so the list had no
  item a screen reader could count; :class:`CitationListItems` gives each
  entry the role ``listitem`` instead.  Only the role changes: the theme
  styles the entries by their ``citation`` class, so they look the same.
"""

import hashlib
import json
import re
from pathlib import Path

from docutils import nodes

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

#: An explorer's inline data block (its JSON writes ``<`` as ``\u003c``, so it
#: holds no ``</script>``).
EXPLORER_DATA = re.compile(
    r'(<script type="application/json" class="gd-explorer-data">)(.*?)(</script>)',
    re.S,
)
#: The keys of an explorer's data that stay in the page; the rest is moved.
KEPT = ("title", "controls", "note")
#: Where the moved data goes, under the site's root.
DATA_DIR = "_static/explorers"
#: Builders whose pages move the data out (the single-page build for the PDF keeps it).
MOVING_BUILDERS = ("html", "dirhtml")

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


def data_file(data):
    """A dense explorer's moved data as a script: its file name and text.

    The script calls ``gdExplorerData(name, data)``, ``name`` being the
    file's name without ``.js`` (a hash of the data, so the same data always
    gets the same name).

    Examples
    --------
    >>> name, text = data_file({"form": "H4sI"})
    >>> name.endswith(".js"), text.startswith("gdExplorerData(")
    (True, True)
    """
    body = json.dumps(data, separators=(",", ":"), sort_keys=True)
    stem = hashlib.sha256(body.encode()).hexdigest()[:20]
    return f"{stem}.js", f'gdExplorerData("{stem}",{body});\n'


def split_explorer_data(html, write):
    """Move each dense explorer's data out of ``html``; return the new HTML.

    ``write(name, text)`` stores a data file (see :func:`data_file`) and
    returns the address the page should load it from.  A dense explorer's
    block keeps :data:`KEPT` and gains ``src``, that address; other blocks
    (a snapshot's one frame) are left as they are.
    """

    def move(match):
        data = json.loads(match.group(2))
        if "form" not in data:
            return match.group(0)
        kept = {k: data.pop(k) for k in KEPT if k in data}
        kept["src"] = write(*data_file(data))
        blob = json.dumps(kept, separators=(",", ":")).replace(
            "<", "\\u003c"
        )
        return match.group(1) + blob + match.group(3)

    return EXPLORER_DATA.sub(move, html)


def move_explorer_data(app, pagename, templatename, context, doctree):
    """Put each dense explorer's data of the page in a file of its own (see the module)."""
    body = context.get("body")
    if (
        app.builder.name not in MOVING_BUILDERS
        or not body
        or "gd-explorer-data" not in body
    ):
        return
    folder = Path(app.outdir) / DATA_DIR
    pathto = context["pathto"]

    def write(name, text):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
        return pathto(f"{DATA_DIR}/{name}", 1)

    context["body"] = split_explorer_data(body, write)


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


class CitationListItems:
    """A translator mixin: each citation is a ``listitem`` of its ``list``."""

    def visit_citation(self, node):
        super().visit_citation(node)
        self.body[-1] = self.body[-1].replace(
            'role="doc-biblioentry"', 'role="listitem"'
        )


def list_citations(app):
    """Add :class:`CitationListItems` to the HTML builder's translator."""
    if app.builder.format != "html":
        return
    base = app.registry.translators.get(
        app.builder.name, app.builder.default_translator_class
    )
    if not issubclass(base, CitationListItems):
        translator = type(base.__name__, (CitationListItems, base), {})
        app.set_translator(app.builder.name, translator, override=True)


def setup(app):
    # myst-nb registers its own eval role in its setup: make sure it ran first.
    app.setup_extension("myst_nb")
    app.add_role("eval", GluedText(), override=True)
    # Early: emit_firstresult stops at the first handler that returns a template.
    app.connect("html-page-context", dedupe_scripts, priority=100)
    # Late: after myst-nb has added the notebook's scripts.
    app.connect("html-page-context", drop_widget_state, priority=900)
    app.connect("html-page-context", move_explorer_data, priority=900)
    # Late: after the theme has set the translator it builds on.
    app.connect("builder-inited", list_citations, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

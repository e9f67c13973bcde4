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
"""

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


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


def setup(app):
    # Early: emit_firstresult stops at the first handler that returns a template.
    app.connect("html-page-context", dedupe_scripts, priority=100)
    # Late: after myst-nb has added the notebook's scripts.
    app.connect("html-page-context", drop_widget_state, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Jupyter server settings for the course: saved notebooks keep explorers' static form.

An explorer displays as an ipywidgets view and carries a ``text/html`` form (one
frame and the note "Run this cell for the live explorer").  A trusted notebook
shows the widget view first, and once its kernel is gone ipywidgets shows
"Error displaying widget: model not found" instead.  The pre-save hook below
drops the widget view from every output that also has HTML, and the widget
state from the notebook's metadata, so a reopened notebook shows the stored
explorer.  Widgets without an HTML form are left as they are.

``make lab`` and the real-Jupyter test (``tests/jupyter``) read this file
through ``JUPYTER_CONFIG_PATH``; any Jupyter server started from the
repository's root does with::

    JUPYTER_CONFIG_PATH=$PWD/.jupyter jupyter lab book

Jupyter reads no configuration from the directory it starts in.  It does read
``~/.jupyter``, its user configuration directory, and Binder (repo2docker)
copies the repository into the home directory unless told otherwise, so there
this file is ``~/.jupyter/jupyter_server_config.py`` and needs no setting.
"""

import copy
import warnings

#: The MIME type of an ipywidgets view output.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strip_widget_views(notebook):
    """A copy of a notebook (nbformat 4 dict) that opens without its kernel.

    Parameters
    ----------
    notebook : dict
        The notebook's JSON content.

    Returns
    -------
    dict
        A deep copy in which no output carrying ``text/html`` keeps a
        widget-view entry and the metadata holds no ``widgets`` key.  The
        argument is not modified.

    Notes
    -----
    For each output ``o`` with ``data = o["data"]``: if ``WIDGET_VIEW`` and
    ``"text/html"`` are both in ``data``, ``data[WIDGET_VIEW]`` is deleted;
    every other entry and every other output is kept unchanged.

    Examples
    --------
    >>> out = {"output_type": "display_data", "metadata": {},
    ...        "data": {WIDGET_VIEW: {"model_id": "m"}, "text/html": "<p>x</p>"}}
    >>> nb = {"cells": [{"cell_type": "code", "outputs": [out]}],
    ...       "metadata": {"widgets": {}}}
    >>> saved = strip_widget_views(nb)
    >>> sorted(saved["cells"][0]["outputs"][0]["data"]), "widgets" in saved["metadata"]
    (['text/html'], False)
    >>> WIDGET_VIEW in out["data"]
    True
    """
    result = copy.deepcopy(notebook)
    result.get("metadata", {}).pop("widgets", None)
    for cell in result.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data and "text/html" in data:
                del data[WIDGET_VIEW]
    return result


def save_static_explorers(model, **kwargs):
    """``ContentsManager.pre_save_hook``: store notebooks through :func:`strip_widget_views`.

    Parameters
    ----------
    model : dict
        The contents model being saved; only ``type == "notebook"`` models
        with content are changed, by replacing ``model["content"]``.
    **kwargs
        ``path`` and ``contents_manager``, passed by the server and unused.
    """
    if model.get("type") == "notebook" and model.get("content") is not None:
        model["content"] = strip_widget_views(model["content"])


def send_without_delay(handler_class):
    """Make each kernel websocket of `handler_class` send its messages at once.

    jupyter_server's kernel websocket leaves Nagle's algorithm on, so after the
    kernel's first reply to a widget change ("busy") the rest (the explorer's
    new picture, "idle") wait for the browser's delayed acknowledgement, about
    40 ms on Linux: most of the time from a key press to the new picture,
    measured in JupyterLab (README, "Maintaining").  Turning the delay off
    (``TCP_NODELAY``, tornado's ``set_nodelay``) when a socket opens sends
    them at once.

    Parameters
    ----------
    handler_class : type
        ``jupyter_server.services.kernels.websocket.KernelWebsocketHandler``;
        its ``open`` is wrapped once.
    """
    opened = handler_class.open
    if getattr(opened, "sends_without_delay", False):
        return

    async def open_without_delay(self, *args, **kwargs):
        self.set_nodelay(True)
        return await opened(self, *args, **kwargs)

    open_without_delay.sends_without_delay = True
    handler_class.open = open_without_delay


if "get_config" in globals():  # read as a Jupyter config file
    from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

    c = get_config()  # noqa: F821
    c.ContentsManager.pre_save_hook = save_static_explorers
    send_without_delay(KernelWebsocketHandler)
    # jupyter_server validates a configured hook twice and then warns that it
    # replaces itself; only that message is hidden.
    warnings.filterwarnings(
        "ignore",
        message=r"Overriding existing pre_save_hook \(save_static_explorers\) "
        r"with a new one \(save_static_explorers\)",
    )

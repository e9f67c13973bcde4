"""The registry of explorers: every explorer the book uses, by name.

A chapter module (``gdcourse/widgets/<chapter>.py``) registers its
explorers' factories with :func:`register` when it is imported, importing
``register`` from here; :mod:`gdcourse.widgets` imports every chapter module
and re-exports :data:`EXPLORERS` and :func:`register`, so once
``gdcourse.widgets`` is imported the registry holds every explorer.  This
module imports nothing of the package, so a chapter module never imports
from the package that is importing it.

>>> import gdcourse.widgets
>>> EXPLORERS is gdcourse.widgets.EXPLORERS
True
>>> EXPLORERS["momentum"].__name__
'momentum_explorer'
"""

from __future__ import annotations

__all__ = ["EXPLORERS", "register"]

#: Registry of every explorer used in the book: name -> factory.
EXPLORERS = {}


def register(name):
    """Decorator adding an explorer factory to :data:`EXPLORERS` under ``name``.

    Parameters
    ----------
    name : str
        The name the chapter uses: ``gd.widgets.EXPLORERS[name]()``.

    Returns
    -------
    callable
        A decorator that registers a factory and returns it unchanged.

    Raises
    ------
    ValueError
        If an explorer is already registered under ``name``.
    """

    def add(factory):
        if name in EXPLORERS:
            raise ValueError(f"an explorer named {name!r} is already registered")
        EXPLORERS[name] = factory
        return factory

    return add

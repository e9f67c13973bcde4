"""gdcourse: the helper package of an open course on gradient descent.

Import it as ``import gdcourse as gd`` and reach the modules as attributes:
``gd.surfaces``, ``gd.descent``, ``gd.schedules``, ...
"""

from importlib import import_module

__version__ = "0.1.0"

_MODULES = (
    "surfaces",
    "descent",
    "schedules",
    "data",
    "models",
    "training",
    "landscape",
    "theory",
    "rangetest",
    "batching",
    "plotting",
    "widgets",
    "exercises",
    "optimizers",
    "checks",
    "report",
    "adaptive",
    "implicit",
    "stepsizes",
    "newton",
    "race",
)


def __getattr__(name):
    """Import a course module the first time it is used (keeps ``import gdcourse`` light)."""
    if name in _MODULES:
        return import_module(f"gdcourse.{name}")
    raise AttributeError(f"module 'gdcourse' has no attribute {name!r}")


__all__ = list(_MODULES)

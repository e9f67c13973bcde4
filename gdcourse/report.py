"""Numbers for the prose, stored exactly as the reader sees them.

A chapter computes a number in a code cell and stores it with
``glue("name", value, fmt)``; the prose shows it with
``{eval}`glued["name"]```.  :func:`glue` stores the *formatted text*, not the
full floating-point value: the page shows what was checked, and a difference
in the last bits between two machines (OpenBLAS and NumPy pick their kernels
per CPU) cannot change a stored output.

The same text reaches the reader three ways:

* on the site, the book's Sphinx extension (``book/_ext/gd_site.py``) renders
  ``{eval}`glued["name"]``` as the text of the glue output named ``name``;
* in JupyterLab and Notebook 7 (jupyterlab-myst), a Markdown cell shows the
  results stored in its ``metadata.user_expressions``, which
  ``scripts/normalize_notebooks.py`` writes from the notebook's glue outputs,
  so a chapter opened without running shows the stored numbers;
* once the cells have run, jupyterlab-myst evaluates ``glued["name"]`` in the
  kernel: :data:`glued` maps each name glued so far to its :class:`Shown`
  text, which displays without quotes.

nbval compares every glue output of a re-executed chapter with the stored one,
and the normaliser's ``--check`` fails if a cell's stored results differ from
the glue outputs, so every number the prose states is guarded.

Examples
--------
>>> from gdcourse.report import shown
>>> shown(0.123456, ".3f")
'0.123'
>>> shown(7)
'7'
>>> shown(-1e-12, ".2f")
'0.00'
"""

import math
from collections.abc import Mapping
from numbers import Integral, Real

__all__ = ["Shown", "glue", "glued", "shown"]

#: The MIME prefix under which myst-nb looks for glued values.
GLUE_PREFIX = "application/papermill.record/"


class Shown(str):
    """Text shown to the reader, displayed as itself (no quotes).

    A ``str`` whose ``repr`` is the text, so that its ``text/plain`` display
    (what a kernel returns for an inline expression) is exactly what the
    site shows.

    Examples
    --------
    >>> Shown("0.123")
    0.123
    >>> Shown("0.123") == "0.123"
    True
    """

    __slots__ = ()

    def __repr__(self):
        return str(self)


class Glued(Mapping):
    """The texts glued so far in this session, by name (read-only).

    Examples
    --------
    >>> table = Glued({"rate": Shown("0.05")})
    >>> table["rate"]
    0.05
    >>> table["steps"]
    Traceback (most recent call last):
    ...
    KeyError: "'steps' is not glued yet: run the cell that computes it"
    """

    def __init__(self, texts=None):
        self._texts = dict(texts or {})

    def __getitem__(self, name):
        try:
            return self._texts[name]
        except KeyError:
            message = f"{name!r} is not glued yet: run the cell that computes it"
            raise KeyError(message) from None

    def __iter__(self):
        return iter(self._texts)

    def __len__(self):
        return len(self._texts)

    def __repr__(self):
        return f"Glued({self._texts!r})"


#: Every text :func:`glue` has stored in this session, by name: the prose's
#: ``{eval}`glued["name"]``` reads it.
glued = Glued()


def shown(value, fmt=None):
    """Return `value` as the text a reader is shown.

    Parameters
    ----------
    value : int, float or str
        The number (a Python or NumPy scalar) or text to show.
    fmt : str, optional
        A format specification such as ``".3f"``, ``".1e"`` or ``".0%"``.
        Required for a number that is not an integer: the precision that means
        something is a decision, made where the number is computed.

    Returns
    -------
    str
        ``format(value, fmt)``; an integer without `fmt` is shown whole, a
        string as it is.  A result that rounds to zero is shown without a
        minus sign, so ``-1e-12`` and ``1e-12`` read the same.
    """
    if isinstance(value, str):
        if fmt is not None:
            raise ValueError(f"fmt must be None for a string value, got {fmt!r}")
        return str(value)
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"value must be a number or a string, got {value!r}")
    if fmt is None:
        if isinstance(value, Integral):
            return str(int(value))
        raise ValueError(
            f"fmt must be a format such as '.3f' for the non-integer {value!r}"
        )
    if not isinstance(fmt, str):
        raise ValueError(f"fmt must be a format string such as '.3f', got {fmt!r}")
    number = int(value) if isinstance(value, Integral) else float(value)
    try:
        text = format(number, fmt)
    except ValueError as error:
        raise ValueError(f"fmt {fmt!r} cannot format {value!r}: {error}") from None
    if text.startswith("-") and math.isfinite(number) and _is_zero(text):
        text = text[1:]
    return text


def _is_zero(text):
    """True if a formatted number reads as zero (e.g. ``-0.00``, ``-0e+00``, ``-0%``)."""
    digits = text.rstrip("%").lower().split("e")[0]
    return all(ch in "-+0.," for ch in digits)


def glue(name, value, fmt=None):
    """Store `value`, formatted, under `name` for ``{eval}`glued["name"]``` in the prose.

    Parameters
    ----------
    name : str
        The key the prose refers to.
    value : int, float or str
        See :func:`shown`.
    fmt : str, optional
        See :func:`shown`.

    Notes
    -----
    Two things are stored.  The cell's output is what ``myst_nb.glue(name,
    shown(value, fmt), display=False)`` stores (the text's ``repr`` as
    ``text/plain`` under myst-nb's glue MIME prefix), written directly so that
    a notebook needs only IPython to run: the site and nbval read it.  And
    ``glued[name]`` becomes ``Shown(shown(value, fmt))``, which the prose's
    inline expression evaluates to in a running kernel.  Nothing is returned,
    so a cell that ends with a call to :func:`glue` shows nothing more.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string, got {name!r}")
    text = shown(value, fmt)
    from IPython.display import display

    display(
        {GLUE_PREFIX + "text/plain": repr(text)},
        raw=True,
        metadata={"scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX}},
    )
    glued._texts[name] = Shown(text)

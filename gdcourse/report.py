"""Numbers for the prose, stored exactly as the reader sees them.

A chapter computes a number in a code cell and shows it in a sentence with
``{glue:text}`name```.  :func:`glue` stores the *formatted text*, not the full
floating-point value: the page shows what was checked, and a difference in the
last bits between two machines (OpenBLAS and NumPy pick their kernels per CPU)
cannot change a stored output.

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
from numbers import Integral, Real

__all__ = ["glue", "shown"]

#: The MIME prefix under which myst-nb looks for glued values.
GLUE_PREFIX = "application/papermill.record/"


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
        return value
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
    """Store `value`, formatted, under `name` for ``{glue:text}`name``` in the prose.

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
    The stored output is what ``myst_nb.glue(name, shown(value, fmt),
    display=False)`` stores (a ``text/plain`` string under myst-nb's glue MIME
    prefix), written directly so that a notebook needs only IPython to run.
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

"""The core of every checker: run the cases, compare, report in plain words.

A checker runs the reader's function on several cases, compares each answer
with a reference, and reports in plain words: how many cases passed and, for
the first one that did not, its inputs, the expected answer and what came back.
It never lets a traceback escape.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CheckResult", "check", "describe"]


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a check; shows itself as a plain-words report.

    Attributes
    ----------
    name : str
        The exercise's function signature, as shown to the reader.
    passed : int
        Cases that passed before the first failure (all of them if none failed).
    total : int
        Cases in the check.
    failure : str or None
        What went wrong in the first failing case.
    """

    name: str
    passed: int
    total: int
    failure: str | None = None

    @property
    def ok(self):
        """Whether every case passed."""
        return self.failure is None

    def __repr__(self):
        if self.ok:
            return f"All {self.total} cases passed: {self.name} is right."
        return (
            f"{self.passed} of {self.total} cases passed before one failed.\n"
            f"{self.failure}"
        )

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(self))


def describe(value):
    """A short, stable text for a value in a report (arrays rounded to 6 significant digits).

    Examples
    --------
    >>> describe(np.array([1.0, 2.5]))
    'array([1. , 2.5])'
    >>> describe(None)
    'None'
    """
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=6, separator=", ", threshold=12)
        return f"array({text})"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    return repr(value)


def _matches(got, expected, rtol, atol):
    """Return None if ``got`` matches ``expected``, else a reason."""
    if got is None:
        return "the function returned None (is a `return` missing?)"
    try:
        got_arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return (
            f"the answer is not a number or an array of numbers ({type(got).__name__})"
        )
    exp_arr = np.asarray(expected, dtype=float)
    if got_arr.shape != exp_arr.shape:
        return f"the answer has shape {got_arr.shape}, expected shape {exp_arr.shape}"
    if not np.allclose(got_arr, exp_arr, rtol=rtol, atol=atol, equal_nan=True):
        return "the numbers differ"
    return None


def check(function, reference, cases, name=None, rtol=1e-6, atol=1e-9):
    """Run ``function`` and ``reference`` on every case and compare the answers.

    Parameters
    ----------
    function : callable
        The reader's function.
    reference : callable
        The correct implementation.
    cases : list of tuple
        Positional arguments for each case.
    name : str, optional
        How to name the function in the report, e.g. ``"step(w, grad, lr)"``.
    rtol, atol : float
        Tolerances of :func:`numpy.allclose`.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> check(lambda x: x + 1, lambda x: x * 2, [(1.0,), (3.0,)], name="f(x)")
    1 of 2 cases passed before one failed.
    Case 2: f(3)
      expected: 6
      got:      4
      the numbers differ
    """
    name = name or f"{getattr(function, '__name__', 'function')}(...)"
    if not callable(function):
        return CheckResult(
            name, 0, len(cases), f"Expected a function, got {describe(function)}."
        )
    for i, args in enumerate(cases):
        shown = ", ".join(describe(a) for a in args)
        call = f"{name.split('(')[0]}({shown})"
        expected = reference(
            *[np.copy(a) if isinstance(a, np.ndarray) else a for a in args]
        )
        try:
            with np.errstate(all="ignore"):
                got = function(
                    *[np.copy(a) if isinstance(a, np.ndarray) else a for a in args]
                )
        except Exception as exc:  # the reader's bug, reported in words
            return CheckResult(
                name,
                i,
                len(cases),
                f"Case {i + 1}: {call}\n  raised {type(exc).__name__}: {exc}",
            )
        reason = _matches(got, expected, rtol, atol)
        if reason is not None:
            return CheckResult(
                name,
                i,
                len(cases),
                f"Case {i + 1}: {call}\n  expected: {describe(expected)}\n"
                f"  got:      {describe(got)}\n  {reason}",
            )
    return CheckResult(name, len(cases), len(cases))

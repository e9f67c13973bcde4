"""The core of every checker: run the cases, compare, report in plain words.

A checker runs the reader's function on several cases, compares each answer
with a reference, and reports in plain words: how many cases passed and, for
the first one that did not, its inputs, the expected answer and what came back.
It never lets a traceback escape.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from gdcourse import checks

from .diagnose import Outcome, diagnose

__all__ = ["CheckResult", "check", "describe", "finite_real", "one_line"]


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


def finite_real(value):
    """Whether ``value`` is a finite real number (a bool is not one).

    >>> [finite_real(v) for v in (2, 0.5, np.float64(1.0), True, float("nan"), "1", None)]
    [True, True, True, False, False, False, False]
    """
    return (
        isinstance(value, Real)
        and not isinstance(value, bool)
        and bool(np.isfinite(value))
    )


def describe(value):
    """A short, stable text for a value in a report (arrays rounded to 6 significant digits).

    Examples
    --------
    >>> describe(np.array([1.0, 2.5]))
    'array([1. , 2.5])'
    >>> describe((np.float64(0.1) + 0.2, np.int64(3)))
    '(0.3, 3)'
    >>> describe(None)
    'None'
    """
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=6, separator=", ", threshold=12)
        return f"array({text})"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    if isinstance(value, np.integer):
        return str(int(value))
    if isinstance(value, tuple):
        inner = ", ".join(describe(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
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
    if isinstance(expected, Integral) and not isinstance(got, Integral):
        return f"the answer must be an integer, got {type(got).__name__}"
    return None


def one_line(exc):
    """An exception as one line, ``"raised <Type>: <first line of the message>"``.

    Examples
    --------
    >>> one_line(KeyError("oops"))
    "raised KeyError: 'oops'"
    >>> one_line(ValueError("shapes (2,) and (3,) not aligned\\nmore detail"))
    'raised ValueError: shapes (2,) and (3,) not aligned ...'
    """
    lines = str(exc).splitlines()
    text = lines[0] if lines else ""
    if len(text) > 200:
        text = text[:200] + " ..."
    elif len(lines) > 1:
        text += " ..."
    return f"raised {type(exc).__name__}: {text}"


def _copies(args):
    return [np.copy(a) if isinstance(a, np.ndarray) else a for a in args]


def check(
    function,
    reference,
    cases,
    name=None,
    rtol=1e-6,
    atol=1e-9,
    *,
    diagnoses=(),
    compare=None,
    show=None,
):
    """Run ``function`` and ``reference`` on every case, compare the answers, diagnose.

    Every case is run.  The report shows the first failing case (its inputs,
    the expected answer, what came back and why they differ) and, when one of
    ``diagnoses`` explains *every* failing case (a known wrong variant must
    also agree with each case that passed), one sentence saying what the
    answer looks like, with a hint.

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
    diagnoses : sequence of callable, optional
        Diagnoses from :mod:`gdcourse.exercises.diagnose`, the most specific first.
    compare : callable, optional
        ``compare(got, expected) -> reason``: ``None`` for a match, else the
        reason shown (``""`` for none); default: numbers within the
        tolerances, and an integer where the expected answer is an integer.
    show : callable, optional
        ``show(*args) -> str``: the case's call as shown; default
        ``name(describe(arg), ...)``.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> from gdcourse.exercises import diagnose as dg
    >>> check(lambda x: x + 1, lambda x: x * 2, [(1.0,), (3.0,)], name="f(x)")
    1 of 2 cases passed before one failed.
    Case 2: f(3)
      expected: 6
      got:      4
      the numbers differ
    >>> check(lambda x: x * 4, lambda x: x * 2, [(1.0,), (3.0,)], name="f(x)",
    ...       diagnoses=[dg.factor(("2", lambda x: 2))])
    0 of 2 cases passed before one failed.
    Case 1: f(1)
      expected: 2
      got:      4
      the numbers differ
      It looks like the expected answer times 2. Hint: look for a factor 2 too many.
    """
    name = name or f"{getattr(function, '__name__', 'function')}(...)"
    checks.non_negative("rtol", rtol)
    checks.non_negative("atol", atol)
    if not callable(reference):
        raise ValueError(f"reference must be a function, got {reference!r}")
    if not callable(function):
        return CheckResult(
            name, 0, len(cases), f"Expected a function, got {describe(function)}."
        )
    compare = compare or (lambda got, expected: _matches(got, expected, rtol, atol))
    failing, passing, first = [], [], None
    for i, args in enumerate(cases):
        expected = reference(*_copies(args))
        got, error = None, None
        try:
            with np.errstate(all="ignore"):
                got = function(*_copies(args))
        except Exception as exc:  # the reader's bug, reported in words
            error = exc
        reason = one_line(error) if error is not None else compare(got, expected)
        if reason is None:
            passing.append(Outcome(tuple(args), expected, got))
            continue
        failing.append(Outcome(tuple(args), expected, got, error))
        if first is None:
            if show is None:
                shown = ", ".join(describe(a) for a in args)
                call = f"{name.split('(')[0]}({shown})"
            else:
                call = show(*args)
            if error is not None:
                first = i, f"Case {i + 1}: {call}\n  {reason}"
            else:
                first = (
                    i,
                    (
                        f"Case {i + 1}: {call}\n  expected: {describe(expected)}\n"
                        f"  got:      {describe(got)}"
                        + (f"\n  {reason}" if reason else "")
                    ),
                )
    if first is None:
        return CheckResult(name, len(cases), len(cases))
    passed, text = first
    sentence = diagnose(failing, diagnoses, passing)
    if sentence:
        text += f"\n  {sentence}"
    return CheckResult(name, passed, len(cases), text)

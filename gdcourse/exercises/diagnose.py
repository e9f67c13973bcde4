"""Diagnoses: what a wrong answer looks like, in one sentence with a hint.

A diagnosis is a function of the failing cases of a check (a list of
:class:`Outcome`) that returns a sentence, or ``None`` when it does not
explain them.  It is given only when it explains *every* failing case: the
factories below build diagnoses that compare each wrong answer with the
reference and with known wrong variants, and agree only if every failing
case gives the same sentence.  A known wrong variant must also give the
expected answer on every case the reader passed, so the mistake it names
reproduces the reader's whole record.  That is as far as the cases can
see: two mistakes that agree on every case look the same, so a checker's
cases are chosen to tell its classic mistakes apart.

Each checker declares which diagnoses apply to it, the specific ones (an
exercise's classic wrong variants) before the generic ones; the first that
explains every failing case is reported.

>>> import numpy as np
>>> failing = [Outcome((np.array([1.0, 2.0]),), np.array([1.0, 2.0]), np.array([-1.0, -2.0]))]
>>> print(sign("check the order of the subtraction")(failing))
It looks like the opposite sign: the answer is minus the expected one. Hint: check the order of the subtraction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral

import numpy as np

__all__ = [
    "Outcome",
    "Verdict",
    "close",
    "diagnose",
    "say",
    "variant",
    "factor",
    "sign",
    "off_by_one",
    "path_off_by_one",
    "wrong_shape",
    "not_an_integer",
    "components",
    "not_finite",
    "raised",
]


@dataclass(frozen=True)
class Outcome:
    """One case of a check: its arguments, the expected answer and what came back.

    Attributes
    ----------
    args : tuple
        The case's positional arguments.
    expected : object
        The reference's answer.
    got : object
        The reader's answer (``None`` if the function raised).
    error : Exception or None
        What the reader's function raised, if it did.
    """

    args: tuple
    expected: object
    got: object = None
    error: Exception | None = None


@dataclass(frozen=True)
class Verdict:
    """The outcome of a decision the reader made (a rate, a tolerance, a choice), shown as its report.

    A decision exercise runs the reader's choice and reports what it did; a
    wrong choice gets a hint that points at the evidence, never at the answer.

    Attributes
    ----------
    ok : bool
        Whether the choice does what the exercise asks.
    text : str
        The report, shown as the verdict's representation.

    Examples
    --------
    >>> Verdict(False, "Not yet: the run stopped too early.")
    Not yet: the run stopped too early.
    """

    ok: bool
    text: str

    def __repr__(self):
        return self.text

    def _repr_pretty_(self, printer, cycle):
        printer.text(self.text)


def say(what, hint):
    """The sentence of a diagnosis: ``"It looks like <what>. Hint: <hint>."``.

    Examples
    --------
    >>> say("the opposite sign", "descent moves against the gradient")
    'It looks like the opposite sign. Hint: descent moves against the gradient.'
    """
    end = "" if hint.endswith(("?", ".", "!")) else "."
    return f"It looks like {what}. Hint: {hint}{end}"


def diagnose(failing, diagnoses, passed=()):
    """The first diagnosis that explains every failing case, or ``None``.

    Parameters
    ----------
    failing : list of Outcome
        The cases that failed (at least one).
    diagnoses : sequence of callable
        Each maps ``failing`` to a sentence or ``None``; one that has the
        attribute ``reads_passed`` (as :func:`variant`'s do) is called as
        ``diagnosis(failing, passed)``.
    passed : sequence of Outcome, optional
        The cases the reader passed.

    Returns
    -------
    str or None

    Examples
    --------
    >>> failing = [Outcome((2.0,), 4.0, 8.0), Outcome((3.0,), 6.0, 12.0)]
    >>> print(diagnose(failing, [factor(("2", lambda x: 2.0))]))
    It looks like the expected answer times 2. Hint: look for a factor 2 too many.
    """
    if not failing:
        return None
    for diagnosis in diagnoses:
        try:
            with np.errstate(all="ignore"):
                if getattr(diagnosis, "reads_passed", False):
                    sentence = diagnosis(failing, passed)
                else:
                    sentence = diagnosis(failing)
        except Exception:  # a diagnosis that cannot read an answer does not apply
            sentence = None
        if sentence:
            return sentence
    return None


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _common(failing, per_case):
    """The explanation ``per_case`` gives for every failing case, if it is the same.

    ``per_case`` returns ``None``, a sentence, or a pair ``(kind, sentence)``:
    the cases must agree on the kind, and the sentence of the first failing
    case (the one the report shows) is given.
    """
    found = [per_case(o) for o in failing]
    if any(f is None for f in found):
        return None
    kinds = {f[0] if isinstance(f, tuple) else f for f in found}
    if len(kinds) != 1:
        return None
    return found[0][1] if isinstance(found[0], tuple) else found[0]


def _array(value):
    """``value`` as a float array, or ``None`` if it is not numbers."""
    if value is None or isinstance(value, (str, bytes)):
        return None
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def close(got, expected, rtol=1e-6, atol=1e-9):
    """Whether ``got`` has the shape and the values of ``expected`` (within tolerances)."""
    a, b = _array(got), _array(expected)
    if a is None or b is None or a.shape != b.shape:
        return False
    return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


def _finite(value):
    """Whether every number in ``value`` (an array, or a tuple of them) is finite."""
    parts = value if isinstance(value, tuple) else (value,)
    arrays = [_array(part) for part in parts]
    return all(a is None or bool(np.all(np.isfinite(a))) for a in arrays)


def _copied(args):
    return [np.copy(a) if isinstance(a, np.ndarray) else a for a in args]


# ---------------------------------------------------------------------------
# wrong variants of the answer
# ---------------------------------------------------------------------------


def variant(wrong, what, hint, rtol=1e-6, atol=1e-9):
    """A known wrong answer: ``wrong(*args)`` computes it for a case's arguments.

    It explains the failing cases when the reader's answer is the mistake's
    in each of them, and the mistake gives the expected answer in each case
    the reader passed (``passed``): a mistake that would have failed one of
    those is not the reader's.

    Parameters
    ----------
    wrong : callable
        The mistake, written as a function of the case's arguments.
    what, hint : str
        What the answer looks like, and a hint that does not give the solution.

    Examples
    --------
    >>> d = variant(lambda w, g, lr: w + lr * g, "a step uphill", "descent moves against the gradient")
    >>> print(d([Outcome((1.0, 2.0, 0.5), 0.0, 2.0)]))
    It looks like a step uphill. Hint: descent moves against the gradient.

    A reader who passed a case the mistake fails has made another one:

    >>> print(d([Outcome((1.0, 2.0, 0.5), 0.0, 2.0)], [Outcome((1.0, 1.0, 0.5), 0.5, 0.5)]))
    None
    """
    sentence = say(what, hint)

    def same(mistake, answer):
        if isinstance(mistake, str) or isinstance(answer, str):
            return mistake == answer
        if isinstance(mistake, tuple):
            return (
                isinstance(answer, (tuple, list))
                and len(answer) == len(mistake)
                and all(close(a, m, rtol, atol) for a, m in zip(answer, mistake))
            )
        return close(answer, mistake, rtol, atol)

    def explain(outcome):
        if outcome.error is not None:
            return None
        mistake = wrong(*_copied(outcome.args))
        if close(mistake, outcome.expected, rtol, atol):
            return None  # the mistake gives the right answer here: it cannot tell
        return sentence if same(mistake, outcome.got) else None

    def diagnosis(failing, passed=()):
        for outcome in passed:
            mistake = wrong(*_copied(outcome.args))
            if same(mistake, outcome.expected) or same(mistake, outcome.got):
                continue
            if not _finite(mistake):
                continue  # the formula breaks down here (0/0), a reader's form may not
            return None  # the mistake would have failed this case
        return _common(failing, explain)

    diagnosis.reads_passed = True
    return diagnosis


def factor(*named, hint=None, constant=True):
    """An answer off by a constant factor, named when recognisable.

    Parameters
    ----------
    *named : (str, callable)
        Factors worth naming: ``(label, value)`` where ``value(*args)`` is the
        factor in a case, e.g. ``("N (the number of examples)", lambda w, X, y: len(y))``.
        The answer may be that many times too large or too small.
    hint : str, optional
        Hint when the factor is a named one.
    constant : bool, default True
        Also recognise an unnamed factor, if it is the same in every failing
        case and at least two numbers show it.

    Examples
    --------
    >>> d = factor(("N", lambda n: n))
    >>> print(d([Outcome((4,), 1.0, 4.0), Outcome((5,), 2.0, 10.0)]))
    It looks like the expected answer times N. Hint: look for a factor N too many.
    """

    def ratio(outcome):
        got, expected = _array(outcome.got), _array(outcome.expected)
        if got is None or expected is None or got.shape != expected.shape:
            return None
        if not (np.all(np.isfinite(got)) and np.all(np.isfinite(expected))):
            return None
        zero = expected == 0
        if np.all(zero) or not np.all(got[zero] == 0):
            return None
        r = got[~zero] / expected[~zero]
        if not np.allclose(r, r[0], rtol=1e-6, atol=0) or r[0] in (0.0, 1.0):
            return None
        return float(r[0]), int(np.count_nonzero(~zero))

    def named_sentence(outcome):
        found = ratio(outcome)
        if found is None:
            return None
        r = found[0]
        for label, value in named:
            c = float(value(*outcome.args))
            if math.isclose(r, c, rel_tol=1e-6):
                return say(
                    f"the expected answer times {label}",
                    hint or f"look for a factor {label} too many",
                )
            if math.isclose(r, 1.0 / c, rel_tol=1e-6):
                return say(
                    f"the expected answer divided by {label}",
                    hint or f"look for a missing factor {label}",
                )
        return None

    def diagnosis(failing):
        sentence = _common(failing, named_sentence)
        if sentence or not constant:
            return sentence
        found = [ratio(o) for o in failing]
        if any(f is None for f in found) or sum(n for _, n in found) < 2:
            return None
        r = found[0][0]
        if r < 0 or not all(math.isclose(f[0], r, rel_tol=1e-6) for f in found):
            return None
        return say(
            f"the expected answer times a constant, {r:.4g}",
            "a constant factor is off: compare each term with the formula",
        )

    return diagnosis


def sign(hint):
    """An answer that is minus the expected one.

    Examples
    --------
    >>> print(sign("mind the order")([Outcome((), 2.0, -2.0)]))
    It looks like the opposite sign: the answer is minus the expected one. Hint: mind the order.
    """

    def explain(outcome):
        got, expected = _array(outcome.got), _array(outcome.expected)
        if got is None or expected is None or not np.any(expected != 0):
            return None
        if close(got, -expected):
            return say("the opposite sign: the answer is minus the expected one", hint)
        return None

    return lambda failing: _common(failing, explain)


def off_by_one(what, hint):
    """An integer answer one more or one less than expected (in every failing case, the same way).

    Parameters
    ----------
    what : str
        What is counted, e.g. ``"step"``.

    Examples
    --------
    >>> print(off_by_one("step", "count the first step")([Outcome((), 145, 144)]))
    It looks like an answer one step too small (off by one). Hint: count the first step.
    """

    def explain(outcome):
        got, expected = outcome.got, outcome.expected
        if not (isinstance(got, Integral) and isinstance(expected, Integral)):
            return None
        if got == expected + 1:
            return say(f"an answer one {what} too large (off by one)", hint)
        if got == expected - 1:
            return say(f"an answer one {what} too small (off by one)", hint)
        return None

    return lambda failing: _common(failing, explain)


def path_off_by_one():
    """A returned path without its start, or with one step too many or too few.

    Examples
    --------
    >>> expected = np.array([[3.0], [1.5], [0.75]])
    >>> print(path_off_by_one()([Outcome((), expected, expected[1:])]))
    It looks like the path is missing its start point. Hint: the first row of the path is w0 itself, before any step.
    """

    def explain(outcome):
        got, expected = _array(outcome.got), _array(outcome.expected)
        if got is None or expected is None or got.ndim != expected.ndim:
            return None
        if got.shape[1:] != expected.shape[1:]:
            return None
        if len(got) == len(expected) - 1 and close(got, expected[1:]):
            return say(
                "the path is missing its start point",
                "the first row of the path is w0 itself, before any step",
            )
        if len(got) == len(expected) - 1 and close(got, expected[:-1]):
            return say(
                "a path one step too short",
                "check when the loop stops: after the last allowed step, or at the first flat point",
            )
        if len(got) == len(expected) + 1 and close(got[:-1], expected):
            return say(
                "a path one step too long",
                "test the stopping rule before taking a step, and count the steps taken",
            )
        return None

    return lambda failing: _common(failing, explain)


def wrong_shape():
    """The right numbers in the wrong shape, or an array where a single number was expected.

    Examples
    --------
    >>> print(wrong_shape()([Outcome((), np.ones((3, 1)), np.ones((1, 3)))]))
    It looks like a row where a column was expected. Hint: the answer must have shape (3, 1); check which axis is which.
    """

    def explain(outcome):
        got, expected = _array(outcome.got), _array(outcome.expected)
        if got is None or expected is None or got.shape == expected.shape:
            return None
        want = expected.shape
        if expected.ndim == 0 and got.size >= 1:
            return say(
                "an array where a single number was expected",
                "the answer is one number (shape ()), not one per entry",
            )
        if got.ndim == 0:
            what = "a single number where an array was expected"
            return what, say(what, f"the answer must have shape {want}")
        if got.size != expected.size:
            return None
        if got.ndim == 2 and got.T.shape == want and close(got.T, expected):
            if 1 in want:
                kinds = ("a row", "a column") if want[1] == 1 else ("a column", "a row")
                what = f"{kinds[0]} where {kinds[1]} was expected"
            else:
                what = "the transpose of the expected answer"
            return say(
                what, f"the answer must have shape {want}; check which axis is which"
            )
        if close(got.reshape(want), expected):
            what = "the right numbers in the wrong shape"
            return what, say(what, f"the answer must have shape {want}")
        return None

    return lambda failing: _common(failing, explain)


def not_an_integer(what):
    """A float where an integer count was expected.

    A float less than one away from the count (not rounded, or rounded the
    wrong way) is told to round; a float equal to the count (``np.ceil``,
    ``np.floor`` and ``np.round`` return floats) is told to convert it.  A
    float further away has a second mistake besides its type: no diagnosis.

    Parameters
    ----------
    what : str
        What is counted, e.g. ``"steps"``.

    Examples
    --------
    >>> print(not_an_integer("steps")([Outcome((), 145, 144.6)]))
    It looks like a float where an integer count of steps was expected. Hint: a count is a whole number: which way must it be rounded?
    >>> print(not_an_integer("steps")([Outcome((), 145, 145.0)]))
    It looks like the right count as a float where an integer count of steps was expected. Hint: np.ceil, np.floor and np.round return floats: wrap the result in int().
    >>> print(not_an_integer("steps")([Outcome((), 145, 139.0)]))
    None

    An unrounded count that happens to be whole in one case is still unrounded:

    >>> print(not_an_integer("steps")([Outcome((), 145, 144.6), Outcome((), 2, 2.0)]))
    It looks like a float where an integer count of steps was expected. Hint: a count is a whole number: which way must it be rounded?
    """

    def explain(outcome):
        got = outcome.got
        if not isinstance(outcome.expected, Integral) or isinstance(got, Integral):
            return None
        value = _array(got)
        if value is None or value.ndim != 0 or isinstance(got, bool):
            return None
        if value == outcome.expected:
            return "whole", say(
                f"the right count as a float where an integer count of {what} "
                "was expected",
                "np.ceil, np.floor and np.round return floats: "
                "wrap the result in int()",
            )
        if not abs(value - outcome.expected) < 1:
            return None
        return "unrounded", say(
            f"a float where an integer count of {what} was expected",
            "a count is a whole number: which way must it be rounded?",
        )

    def explain_all(failing):
        # where the count is a whole number, an unrounded float equals it
        found = [explain(o) for o in failing]
        kinds = {f[0] for f in found if f is not None}
        if found and None not in found and kinds == {"whole", "unrounded"}:
            return next(f[1] for f in found if f[0] == "unrounded")
        return _common(failing, explain)

    return explain_all


def components(names, notes=None):
    """A tuple answer right in some components and wrong in others.

    Parameters
    ----------
    names : sequence of str
        The components' names, e.g. ``("w_new", "v_new")``.
    notes : dict, optional
        A hint for a set of wrong components, keyed by the tuple of their names.

    Examples
    --------
    >>> d = components(("w_new", "v_new"))
    >>> print(d([Outcome((), (1.0, 2.0), (1.0, 3.0))]))
    It looks like w_new is right but v_new is wrong. Hint: look again at how v_new is computed.
    """
    notes = notes or {}

    def explain(outcome):
        got, expected = outcome.got, outcome.expected
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return None
        ok = [close(g, e) for g, e in zip(got, expected)]
        if all(ok) or not any(ok):
            return None
        right = [n for n, good in zip(names, ok) if good]
        wrong = tuple(n for n, good in zip(names, ok) if not good)
        hint = notes.get(
            wrong,
            f"look again at how {' and '.join(wrong)} "
            f"{'is' if len(wrong) == 1 else 'are'} computed",
        )
        verb = "is" if len(right) == 1 else "are"
        return say(
            f"{' and '.join(right)} {verb} right but {' and '.join(wrong)} "
            f"{'is' if len(wrong) == 1 else 'are'} wrong",
            hint,
        )

    return lambda failing: _common(failing, explain)


def not_finite():
    """NaN or infinity in the answer where the expected one is finite.

    Examples
    --------
    >>> print(not_finite()([Outcome((), 1.0, float("nan"))]))
    It looks like NaN or infinity in the answer. Hint: look for a division by zero, the log of a number <= 0, or an overflow.
    """

    def explain(outcome):
        got, expected = _array(outcome.got), _array(outcome.expected)
        if got is None or expected is None or not np.all(np.isfinite(expected)):
            return None
        if np.all(np.isfinite(got)):
            return None
        return say(
            "NaN or infinity in the answer",
            "look for a division by zero, the log of a number <= 0, or an overflow",
        )

    return lambda failing: _common(failing, explain)


_EXCEPTION_HINTS = {
    "ValueError": "check the shapes of the arrays you combine (print their .shape)",
    "IndexError": "check the indices against the arrays' lengths (Python counts from 0)",
    "TypeError": "check the types: a list where an array is needed, or None used as a number",
    "ZeroDivisionError": "a division by zero: which quantity can be 0 here?",
    "NameError": "a name is used before it is defined (a typo, or a cell not run)",
    "AttributeError": "check the type of the object the attribute is taken from",
    "KeyError": "a dictionary lookup failed: check the key",
}


def raised():
    """The same exception in every failing case, with a hint for common kinds.

    Examples
    --------
    >>> print(raised()([Outcome((), 1.0, error=ZeroDivisionError("division by zero"))]))
    It looks like every failing case raised ZeroDivisionError. Hint: a division by zero: which quantity can be 0 here?
    """

    def explain(outcome):
        if outcome.error is None:
            return None
        kind = type(outcome.error).__name__
        hint = _EXCEPTION_HINTS.get(kind, "read the message on the line above")
        return say(f"every failing case raised {kind}", hint)

    return lambda failing: _common(failing, explain)

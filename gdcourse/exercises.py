"""Checkers for the coding exercises.

A checker runs the reader's function on several cases, compares each answer
with a reference, and reports in plain words: how many cases passed and, for
the first one that did not, its inputs, the expected answer and what came back.
It never lets a traceback escape.

>>> import numpy as np
>>> def my_step(w, grad, lr):
...     return w - lr * grad
>>> check_gradient_step(my_step)
All 4 cases passed: gradient_step(w, grad, lr) is right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "CheckResult",
    "check",
    "describe",
    "check_gradient_step",
    "check_mse_gradient",
]


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


def _gradient_step(w, grad, lr):
    return w - lr * grad


def check_gradient_step(function):
    """Check ``function(w, grad, lr)``: one gradient-descent update :math:`w - \\eta \\nabla f`.

    Parameters
    ----------
    function : callable
        The reader's update.

    Returns
    -------
    CheckResult
    """
    cases = [
        (np.array([1.0, -2.0]), np.array([0.5, 0.5]), 0.1),
        (np.array([3.0]), np.array([6.0]), 0.2),
        (np.array([0.0, 0.0, 1.0]), np.array([1.0, -1.0, 2.0]), 1.0),
        (np.array([2.0, 2.0]), np.array([0.0, 0.0]), 0.5),
    ]
    return check(function, _gradient_step, cases, name="gradient_step(w, grad, lr)")


def _mse_gradient(w, X, y):
    return X.T @ (X @ w - y) / len(y)


def check_mse_gradient(function):
    """Check ``function(w, X, y)``: the gradient of the mean squared error.

    Parameters
    ----------
    function : callable
        The reader's gradient.

    Returns
    -------
    CheckResult

    Notes
    -----
    For :math:`L(w) = \\frac{1}{2n} \\lVert X w - y \\rVert^2`,

    .. math:: \\nabla L(w) = \\tfrac1n X^\\top (X w - y).
    """
    rng = np.random.default_rng(0)
    cases = []
    for n, d in [(4, 2), (10, 3), (7, 1)]:
        X = np.round(rng.normal(size=(n, d)), 2)
        cases.append(
            (np.round(rng.normal(size=d), 2), X, np.round(rng.normal(size=n), 2))
        )
    return check(function, _mse_gradient, cases, name="mse_gradient(w, X, y)")


# --- Chapter 1: gradient descent ---

__all__ += ["check_descend"]


class _QuadraticGradient:
    """The gradient ``w -> A w`` of ``1/2 w^T A w``, named for the report."""

    def __init__(self, name, A):
        self.name = name
        self.A = np.asarray(A, dtype=float)

    def __call__(self, w):
        return self.A @ np.asarray(w, dtype=float)

    def __repr__(self):
        return self.name


def _descend(grad, w0, lr, tol, max_steps):
    path = [np.asarray(w0, dtype=float)]
    for _ in range(max_steps):
        g = grad(path[-1])
        if np.linalg.norm(g) < tol:
            break
        path.append(path[-1] - lr * g)
    return np.array(path)


def check_descend(function):
    """Check ``function(grad, w0, lr, tol, max_steps)``: gradient descent with a stopping rule.

    The reader's function starts at ``w0``, and at every point first computes
    the gradient: if its norm is below ``tol`` it stops there, otherwise it takes
    the step :math:`w - \\eta \\nabla f(w)`; it takes at most ``max_steps``
    steps.  It returns every point it visited, the start included, as an array
    of shape ``(k + 1, d)`` after ``k`` steps.

    Parameters
    ----------
    function : callable
        The reader's descent loop.

    Returns
    -------
    CheckResult

    Notes
    -----
    The rule is: stop at the first :math:`k \\le` ``max_steps`` with
    :math:`\\lVert \\nabla f(w_k) \\rVert <` ``tol``, where
    :math:`w_{k+1} = w_k - \\eta \\nabla f(w_k)`.
    The cases include a start that is already flat (no step at all), a run
    cut off by ``max_steps``, and a rate so large the run never settles.

    Examples
    --------
    >>> def descend(grad, w0, lr, tol, max_steps):
    ...     path = [w0]
    ...     while len(path) <= max_steps and np.linalg.norm(grad(path[-1])) >= tol:
    ...         path.append(path[-1] - lr * grad(path[-1]))
    ...     return np.array(path)
    >>> check_descend(descend)
    All 5 cases passed: descend(grad, w0, lr, tol, max_steps) is right.
    """
    parabola = _QuadraticGradient("gradient of x**2", [[2.0]])
    ravine = _QuadraticGradient(
        "gradient of (x**2 + 10 y**2) / 2", [[1.0, 0.0], [0.0, 10.0]]
    )
    cases = [
        (parabola, np.array([3.0]), 0.25, 0.1, 100),
        (ravine, np.array([1.0, 1.0]), 0.15, 1e-4, 500),
        (ravine, np.array([0.0, 0.0]), 0.1, 1e-6, 50),
        (parabola, np.array([3.0]), 0.01, 1e-9, 5),
        (parabola, np.array([3.0]), 1.5, 1e-3, 10),
    ]
    return check(
        function, _descend, cases, name="descend(grad, w0, lr, tol, max_steps)"
    )


# --- Chapter 6: learning-rate schedules ---

__all__ += ["check_cosine_warmup", "check_early_stopping"]


def _cosine_warmup(t, lr_max, warmup_steps, total_steps):
    from gdcourse import schedules

    sched = schedules.warmup(
        schedules.cosine(lr_max, total_steps - warmup_steps), warmup_steps
    )
    return sched(np.asarray(t))


def check_cosine_warmup(function):
    """Check ``function(t, lr_max, warmup_steps, total_steps)``: cosine decay after a linear warmup.

    The reference is :mod:`gdcourse.schedules`:
    ``warmup(cosine(lr_max, total_steps - warmup_steps), warmup_steps)(t)``.

    Parameters
    ----------
    function : callable
        The reader's schedule; ``t`` is an integer array of steps.

    Returns
    -------
    CheckResult

    Notes
    -----
    With :math:`W` warmup steps and :math:`T` steps in all,

    .. math::
        \\eta_t = \\begin{cases}
            \\eta_{\\max} \\dfrac{t + 1}{W + 1} & t < W \\\\
            \\tfrac12 \\eta_{\\max} \\left(1 + \\cos \\dfrac{\\pi (t - W)}{T - W}\\right) & t \\ge W.
        \\end{cases}

    Examples
    --------
    >>> def cosine_warmup(t, lr_max, warmup_steps, total_steps):
    ...     ramp = lr_max * (t + 1) / (warmup_steps + 1)
    ...     u = np.maximum(t - warmup_steps, 0) / (total_steps - warmup_steps)
    ...     return np.where(t < warmup_steps, ramp, lr_max * (1 + np.cos(np.pi * u)) / 2)
    >>> check_cosine_warmup(cosine_warmup)
    All 4 cases passed: cosine_warmup(t, lr_max, warmup_steps, total_steps) is right.
    """
    cases = [
        (np.arange(12), 1.0, 3, 12),
        (np.arange(0, 100, 9), 0.1, 10, 100),
        (np.arange(20), 0.5, 1, 20),
        (np.array([0, 19, 20, 21, 60, 99]), 0.3, 20, 100),
    ]
    return check(
        function,
        _cosine_warmup,
        cases,
        name="cosine_warmup(t, lr_max, warmup_steps, total_steps)",
    )


def _early_stopping(val_losses, patience):
    best, best_epoch, wait = np.inf, 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
        if wait >= patience:
            return best_epoch, epoch
    return best_epoch, len(val_losses)


def check_early_stopping(function):
    """Check ``function(val_losses, patience)``: which epoch is best and when training stops.

    ``val_losses[i]`` is the validation loss after epoch ``i + 1``. The answer is the pair
    ``(best_epoch, stop_epoch)``, epochs counted from 1, under the rule of
    :class:`gdcourse.training.EarlyStopping` (with ``min_delta=0``).

    Parameters
    ----------
    function : callable
        The reader's rule.

    Returns
    -------
    CheckResult

    Notes
    -----
    An epoch improves when its loss is below every earlier one; each epoch
    that does not improve adds one to a counter that an improvement resets to
    0; training stops after the epoch at which the counter reaches
    ``patience`` (or after the last epoch). If the best epoch is :math:`b` and
    nothing improves afterwards, training stops after epoch :math:`b + p`.

    Examples
    --------
    >>> def early_stopping(val_losses, patience):
    ...     best, best_epoch, wait = float("inf"), 0, 0
    ...     for epoch, loss in enumerate(val_losses, start=1):
    ...         if loss < best:
    ...             best, best_epoch, wait = loss, epoch, 0
    ...         else:
    ...             wait += 1
    ...         if wait == patience:
    ...             return best_epoch, epoch
    ...     return best_epoch, len(val_losses)
    >>> check_early_stopping(early_stopping)
    All 5 cases passed: early_stopping(val_losses, patience) is right.
    """
    cases = [
        (np.array([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9]), 3),
        (np.array([1.0, 0.9, 0.8, 0.7, 0.6]), 2),
        (np.array([0.5, 0.5, 0.5, 0.4, 0.6]), 2),
        (np.array([0.5, 0.6, 0.4, 0.45, 0.41, 0.39, 0.5, 0.5]), 1),
        (np.array([2.0, 1.0, 1.5, 0.9, 1.2, 1.1, 1.0, 0.95, 0.3]), 4),
    ]
    return check(
        function, _early_stopping, cases, name="early_stopping(val_losses, patience)"
    )


# --- Chapter 3: minima ---

_KINDS = ("minimum", "maximum", "saddle", "degenerate")


def _classify_kind(hessian):
    from gdcourse.landscape import classify_critical_point

    return classify_critical_point(hessian).kind


def check_classify_critical_point(function):
    """Check ``function(hessian)``: the kind of critical point a Hessian describes.

    The answer must be one of the words ``"minimum"``, ``"maximum"``,
    ``"saddle"`` or ``"degenerate"`` (the second-derivative test cannot decide).

    Parameters
    ----------
    function : callable
        The reader's classifier.

    Returns
    -------
    CheckResult

    Notes
    -----
    All eigenvalues of the Hessian positive: a minimum; all negative: a maximum;
    both signs: a saddle; otherwise (a zero eigenvalue, no mixed signs): degenerate.

    Examples
    --------
    >>> check_classify_critical_point(lambda H: "minimum")
    1 of 6 cases passed before one failed.
    Case 2: classify([[ 1., 0.], [ 0., -3.]])
      expected: 'saddle'
      got:      'minimum'
    """
    name = "classify(hessian)"
    cases = [
        np.array([[2.0, 0.0], [0.0, 5.0]]),
        np.array([[1.0, 0.0], [0.0, -3.0]]),
        np.array([[-2.0, 1.0], [1.0, -2.0]]),
        np.array([[1.0, 2.0], [2.0, 1.0]]),
        np.array([[2.0, 0.0], [0.0, 0.0]]),
        np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 0.0], [0.0, 0.0, 0.5]]),
    ]
    if not callable(function):
        return CheckResult(
            name, 0, len(cases), f"Expected a function, got {describe(function)}."
        )
    for i, H in enumerate(cases):
        call = f"classify({' '.join(np.array2string(H, separator=', ').split())})"
        expected = _classify_kind(H)
        try:
            with np.errstate(all="ignore"):
                got = function(np.copy(H))
        except Exception as exc:  # the reader's bug, reported in words
            return CheckResult(
                name,
                i,
                len(cases),
                f"Case {i + 1}: {call}\n  raised {type(exc).__name__}: {exc}",
            )
        if got is None:
            reason = "\n  the function returned None (is a `return` missing?)"
        elif not isinstance(got, str) or got not in _KINDS:
            reason = f"\n  the answer must be one of {', '.join(map(repr, _KINDS))}"
        else:
            reason = ""
        if got != expected:
            return CheckResult(
                name,
                i,
                len(cases),
                f"Case {i + 1}: {call}\n  expected: {expected!r}\n"
                f"  got:      {describe(got)}{reason}",
            )
    return CheckResult(name, len(cases), len(cases))


__all__ += ["check_classify_critical_point"]


# --- Chapter 4: saddle points ---


def _escape_step(eps, lr, b, radius):
    return int(np.ceil(np.log(radius / eps) / np.log1p(lr * b)))


def check_escape_step(function):
    """Check ``function(eps, lr, b, radius)``: the predicted escape step from a saddle.

    Parameters
    ----------
    function : callable
        The reader's prediction.

    Returns
    -------
    CheckResult

    Notes
    -----
    On :math:`f = \\tfrac12 (a x^2 - b y^2)` gradient descent multiplies the
    distance :math:`y_k` from the stable line by :math:`1 + \\eta b` every step,
    :math:`y_k = (1 + \\eta b)^k \\varepsilon`, so the first step with
    :math:`y_k \\ge R` is

    .. math:: k^* = \\left\\lceil \\frac{\\log(R / \\varepsilon)}{\\log(1 + \\eta b)} \\right\\rceil .

    Examples
    --------
    >>> import math
    >>> check_escape_step(lambda eps, lr, b, radius: math.ceil(math.log(radius / eps) / math.log(1 + lr * b)))
    All 5 cases passed: escape_step(eps, lr, b, radius) is right.
    """
    cases = [
        (1e-6, 0.1, 1.0, 1.0),
        (1e-3, 0.1, 1.0, 1.0),
        (1e-9, 0.05, 2.0, 1.0),
        (1e-4, 0.2, 0.5, 2.0),
        (0.5, 0.1, 1.0, 1.0),
    ]
    return check(
        function,
        _escape_step,
        cases,
        name="escape_step(eps, lr, b, radius)",
        rtol=0.0,
        atol=0.0,
    )


__all__ += ["check_escape_step"]


# --- Chapter 5: batch size ---

__all__ += ["check_minibatch_gradient"]


def _minibatch_gradient(w, X, y, idx):
    X_b, y_b = X[idx], y[idx]
    return X_b.T @ (X_b @ w - y_b) / len(idx)


def check_minibatch_gradient(function):
    """Check ``function(w, X, y, idx)``: the mean-squared-error gradient on the rows ``idx`` only.

    Parameters
    ----------
    function : callable
        The reader's mini-batch gradient.

    Returns
    -------
    CheckResult

    Notes
    -----
    For the loss :math:`L(w) = \\frac{1}{2n}\\lVert X w - y \\rVert^2` and a batch
    :math:`\\mathcal B` of :math:`B` row indices,

    .. math::

        g_{\\mathcal B}(w) = \\frac1B \\sum_{i \\in \\mathcal B} (x_i^\\top w - y_i)\\, x_i
        = \\tfrac1B X_{\\mathcal B}^\\top (X_{\\mathcal B} w - y_{\\mathcal B}).

    The cases include a single example (SGD), random batches of distinct rows,
    and the whole set (which must give the full gradient).

    Examples
    --------
    >>> def minibatch_gradient(w, X, y, idx):
    ...     Xb, yb = X[idx], y[idx]
    ...     return Xb.T @ (Xb @ w - yb) / len(idx)
    >>> check_minibatch_gradient(minibatch_gradient)
    All 4 cases passed: minibatch_gradient(w, X, y, idx) is right.
    """
    rng = np.random.default_rng(5)
    X = np.round(rng.normal(size=(12, 2)), 2)
    y = np.round(rng.normal(size=12), 2)
    X3 = np.round(rng.normal(size=(8, 3)), 2)
    y3 = np.round(rng.normal(size=8), 2)
    cases = [
        (np.array([0.5, -1.0]), X, y, np.array([3])),
        (np.array([1.0, 2.0]), X, y, np.array([7, 0, 11, 4])),
        (np.array([0.2, 0.0, -0.3]), X3, y3, np.array([5, 1, 6])),
        (np.array([0.5, -1.0]), X, y, np.arange(12)),
    ]
    return check(
        function, _minibatch_gradient, cases, name="minibatch_gradient(w, X, y, idx)"
    )


# --- Chapter 8: vanishing gradients ---

__all__ += ["check_sigmoid_layer_backward"]


def _sigmoid_layer_backward(x, W, b, grad_a):
    a = 0.5 * (1.0 + np.tanh(0.5 * (x @ W + b)))
    return x.T @ (grad_a * a * (1.0 - a))


def check_sigmoid_layer_backward(function):
    """Check ``function(x, W, b, grad_a)``: backpropagation through one sigmoid layer to its weights.

    The layer computes :math:`a = \\sigma(x W + b)` for a batch ``x`` of shape
    ``(n, m)``, weights ``W`` of shape ``(m, k)`` and bias ``b`` of shape ``(k,)``;
    ``grad_a`` (shape ``(n, k)``) is the gradient of the loss with respect to
    ``a``. The answer is the gradient with respect to ``W``, shape ``(m, k)``.

    Parameters
    ----------
    function : callable
        The reader's backward pass.

    Returns
    -------
    CheckResult

    Notes
    -----
    By the chain rule through :math:`z = x W + b` and :math:`\\sigma' = \\sigma (1 - \\sigma)`,

    .. math::

        \\delta = \\frac{\\partial L}{\\partial z} = \\frac{\\partial L}{\\partial a} \\odot a \\odot (1 - a),
        \\qquad
        \\frac{\\partial L}{\\partial W} = x^\\top \\delta .

    Examples
    --------
    >>> def sigmoid_layer_backward(x, W, b, grad_a):
    ...     a = 1 / (1 + np.exp(-(x @ W + b)))
    ...     return x.T @ (grad_a * a * (1 - a))
    >>> check_sigmoid_layer_backward(sigmoid_layer_backward)
    All 4 cases passed: sigmoid_layer_backward(x, W, b, grad_a) is right.
    """
    rng = np.random.default_rng(8)
    cases = []
    for n, m, k in [(1, 1, 1), (4, 2, 3), (5, 3, 2), (3, 4, 4)]:
        cases.append(
            (
                np.round(rng.normal(size=(n, m)), 2),
                np.round(rng.normal(size=(m, k)), 2),
                np.round(rng.normal(size=k), 2),
                np.round(rng.normal(size=(n, k)), 2),
            )
        )
    return check(
        function,
        _sigmoid_layer_backward,
        cases,
        name="sigmoid_layer_backward(x, W, b, grad_a)",
    )


# --- Chapter 2: learning rates ---


def _largest_stable_rate(A):
    return 2.0 / np.linalg.eigvalsh(np.asarray(A, dtype=float))[-1]


def check_largest_stable_rate(function):
    """Check ``function(A)``: the largest stable fixed rate of gradient descent on a quadratic.

    Parameters
    ----------
    function : callable
        The reader's function, taking the (symmetric positive definite)
        Hessian ``A`` of :math:`f(w) = \\tfrac12 w^\\top A w - b^\\top w`.

    Returns
    -------
    CheckResult

    Notes
    -----
    Rates below :math:`2/L` converge, with :math:`L = \\lambda_{\\max}(A)` the
    largest eigenvalue (curvature):

    .. math:: \\eta_{\\max} = \\frac{2}{\\lambda_{\\max}(A)} .

    Examples
    --------
    >>> check_largest_stable_rate(lambda A: 2.0 / np.max(np.linalg.eigvalsh(A)))
    All 5 cases passed: largest_stable_rate(A) is right.
    """
    rng = np.random.default_rng(2)
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    cases = [
        (np.array([[2.0]]),),
        (np.array([[0.1, 0.0], [0.0, 1.0]]),),
        (
            np.array([[2.0, 1.0], [1.0, 2.0]]),
        ),  # off-diagonal: the diagonal is not enough
        (np.array([[5.0, 0.0], [0.0, 0.5]]),),  # the steep direction comes first
        (np.round((q * np.array([0.3, 1.0, 4.0])) @ q.T, 12),),
    ]
    return check(function, _largest_stable_rate, cases, name="largest_stable_rate(A)")


__all__ += ["check_largest_stable_rate"]


# --- Chapter 7: momentum ---


def _momentum_step(w, v, g, lr, beta):
    v_new = beta * v + g
    return w - lr * v_new, v_new


def check_momentum_step(function):
    """Check ``function(w, v, g, lr, beta)``: one heavy-ball step, returning ``(w_new, v_new)``.

    Parameters
    ----------
    function : callable
        The reader's update: weights ``w``, velocity ``v``, gradient ``g`` at
        ``w``, rate ``lr`` and momentum ``beta`` in; the new weights and the
        new velocity out.

    Returns
    -------
    CheckResult

    Notes
    -----
    The convention of :func:`gdcourse.descent.gradient_descent` and
    PyTorch's ``torch.optim.SGD``:

    .. math:: v_{k+1} = \\beta v_k + g_k, \\qquad w_{k+1} = w_k - \\eta\\, v_{k+1} .

    Examples
    --------
    >>> def step(w, v, g, lr, beta):
    ...     v = beta * v + g
    ...     return w - lr * v, v
    >>> check_momentum_step(step)
    All 5 cases passed: momentum_step(w, v, g, lr, beta) is right.
    """
    cases = [
        (np.array([1.0, -2.0]), np.array([0.0, 0.0]), np.array([0.5, 0.5]), 0.1, 0.9),
        (np.array([3.0]), np.array([1.0]), np.array([2.0]), 0.5, 0.5),
        (
            np.array([0.0, 1.0, 2.0]),
            np.array([0.3, -0.2, 0.1]),
            np.array([1.0, -1.0, 2.0]),
            0.2,
            0.0,
        ),
        (np.array([2.0, 2.0]), np.array([-1.0, 4.0]), np.array([0.0, 0.0]), 1.0, 0.8),
        (
            np.array([1.5, -0.5]),
            np.array([2.0, 1.0]),
            np.array([-0.5, 0.25]),
            0.05,
            0.99,
        ),
    ]
    return check(
        function, _momentum_step, cases, name="momentum_step(w, v, g, lr, beta)"
    )


__all__ += ["check_momentum_step"]

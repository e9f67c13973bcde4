"""Models as functions of a flat weight vector: losses, gradients and a tiny MLP.

Every model here follows one small interface (:class:`Model`), so that
:func:`gdcourse.training.train`, the landscape tools and the explorers can
treat any of them as a loss ``f(theta)`` of a flat 1-D parameter vector:

- :class:`LinearRegression` -- mean squared error, ``theta = (w_1, ..., w_d, b)``;
  vectorised over many ``theta`` at once (leading axes), for contour plots.
- :class:`LogisticRegression` -- binary cross-entropy, numerically stable at
  any logit; also vectorised over leading axes of ``theta``.
- :class:`MLP` -- a fully connected network of any depth with hand-written
  backpropagation; it works on a list of ``(W, b)`` layers and, through
  :meth:`MLP.flatten` / :meth:`MLP.unflatten`, on a flat vector.

Gradients are means over the examples; ``per_example_grads`` returns one
gradient row per example, and their mean is the full-batch gradient.
"""

from typing import Protocol, runtime_checkable

import numpy as np

from gdcourse import checks

__all__ = [
    "Model",
    "LinearRegression",
    "LogisticRegression",
    "MLP",
    "ACTIVATIONS",
    "INITS",
    "TASKS",
    "init_params",
    "init_std",
    "least_squares_form",
    "quadratic_loss",
    "sigmoid",
]

ACTIVATIONS = ("sigmoid", "tanh", "relu")
INITS = (
    "normal",
    "glorot",
    "xavier",
    "glorot_normal",
    "xavier_normal",
    "he",
    "kaiming",
)
TASKS = ("regression", "binary", "multiclass")


@runtime_checkable
class Model(Protocol):
    """What :func:`gdcourse.training.train` needs from a model.

    Attributes
    ----------
    n_params : int
        Length of the flat parameter vector ``theta``.
    is_classifier : bool
        Whether :meth:`accuracy` is meaningful.

    Methods
    -------
    init(seed=0) -> ndarray of shape (n_params,)
        Starting parameters.
    loss(theta, X, y) -> float
        Mean loss over the examples.
    loss_and_grad(theta, X, y) -> (float, ndarray of shape (n_params,))
        Mean loss and its gradient.
    predict(theta, X) -> ndarray of shape (n,)
        Predicted values (regression) or labels (classification).
    accuracy(theta, X, y) -> float
        Share of correct labels (classifiers only).

    A model may also set ``stacked = True`` when ``loss``, ``loss_and_grad`` and
    (for classifiers) ``loss_and_accuracy`` take a stack of parameter vectors ``(S, n_params)`` with one batch of
    examples per row ``(S, n, d)`` (or one shared ``(n, d)``), each row computed exactly
    as on its own; :func:`gdcourse.training.train` then steps several seeds in one call.
    """

    n_params: int
    is_classifier: bool

    def init(self, seed=0): ...
    def loss(self, theta, X, y): ...
    def loss_and_grad(self, theta, X, y): ...
    def predict(self, theta, X): ...
    def accuracy(self, theta, X, y): ...


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


def sigmoid(z):
    """The logistic function, computed without overflow for any ``z``.

    Parameters
    ----------
    z : array_like
        Input.

    Returns
    -------
    ndarray
        :math:`\\sigma(z)`, same shape as ``z``.

    Notes
    -----
    .. math::

        \\sigma(z) = \\frac{1}{1 + e^{-z}} = \\tfrac12\\bigl(1 + \\tanh(z/2)\\bigr),

    and the right-hand form never overflows.

    Examples
    --------
    >>> print(sigmoid(np.array([-1000.0, 0.0, 1000.0])))
    [0.  0.5 1. ]
    """
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def _design(X):
    """Features with a column of ones appended, :math:`A = [X, \\mathbf 1]`."""
    return np.concatenate([X, np.ones((X.shape[0], 1))], axis=1)


def least_squares_form(X, y):
    """The half mean squared error of a linear model as a quadratic in its parameters.

    Parameters
    ----------
    X : ndarray, shape (n, d)
        Features, one row per example.
    y : ndarray, shape (n,)
        Targets.

    Returns
    -------
    H : ndarray, shape (d + 1, d + 1)
        The constant Hessian.
    c : ndarray, shape (d + 1,)
    c0 : float
        The loss at :math:`\\theta = 0`.

    Notes
    -----
    With :math:`A = [X, \\mathbf 1]` and :math:`\\theta = (w, b)`,

    .. math::

        \\frac{1}{2n}\\lVert A\\theta - y\\rVert^2
        = \\tfrac12 \\theta^\\top H \\theta - c^\\top \\theta + c_0,
        \\qquad
        H = \\tfrac1n A^\\top A,\\quad c = \\tfrac1n A^\\top y,\\quad
        c_0 = \\tfrac{1}{2n} y^\\top y .

    :func:`quadratic_loss` evaluates it, for any number of parameter vectors.

    Examples
    --------
    >>> X, y = np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0])
    >>> H, c, c0 = least_squares_form(X, y)
    >>> print(np.round(H, 4), np.round(c, 4), round(float(c0), 4))
    [[1.6667 1.    ]
     [1.     1.    ]] [4.3333 3.    ] 5.8333
    """
    A = _design(X)
    n = X.shape[0]
    return A.T @ A / n, A.T @ y / n, 0.5 * np.mean(y**2)


def quadratic_loss(theta, H, c, c0):
    """Value and gradient of :math:`\\tfrac12 \\theta^\\top H \\theta - c^\\top \\theta + c_0`.

    Parameters
    ----------
    theta : ndarray, shape (..., p)
        One or many parameter vectors.
    H, c, c0
        As returned by :func:`least_squares_form` (``H`` symmetric).

    Returns
    -------
    loss : ndarray, shape (...)
    grad : ndarray, shape (..., p)
        :math:`H \\theta - c`.

    Examples
    --------
    >>> X, y = np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0])
    >>> loss, grad = quadratic_loss(np.array([2.0, 1.0]), *least_squares_form(X, y))
    >>> print(round(float(loss), 12), np.round(grad, 12))
    0.0 [0. 0.]
    """
    H_theta = theta @ H
    return 0.5 * np.sum(theta * H_theta, axis=-1) - theta @ c + c0, H_theta - c


def _half_mse(residual):
    """Half the mean squared residual over the last axis."""
    return 0.5 * np.mean(residual**2, axis=-1)


def _binary_cross_entropy(z, y):
    """Mean of :math:`\\log(1 + e^{z}) - y z` over the last axis (never overflows)."""
    return np.mean(np.logaddexp(0.0, z) - y * z, axis=-1)


def _as_X(X, n_features):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != n_features:
        raise ValueError(f"X must have shape (n, {n_features}), got shape {X.shape}")
    return X


def _as_y(y, n, *, labels=None):
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValueError(f"y must have shape ({n},) to match X, got shape {y.shape}")
    if labels is not None:
        whole = y.dtype.kind in "iub" or bool(np.all(y == np.round(y)))
        if not (whole and (n == 0 or (y.min() >= 0 and y.max() < labels))):
            raise ValueError(f"y must hold integer labels in 0..{labels - 1}")
        return y.astype(int, copy=False)
    return y.astype(float)


def _as_theta(theta, n_params, *, batched):
    theta = np.asarray(theta, dtype=float)
    if (
        theta.ndim == 0
        or theta.shape[-1] != n_params
        or (theta.ndim > 1 and not batched)
    ):
        shape = "(..., {0})" if batched else "({0},)"
        raise ValueError(
            f"theta must have shape {shape.format(n_params)}, got shape {theta.shape}"
        )
    return theta


class _LinearModel:
    """Shared part of the two linear models: ``theta = (w_1, ..., w_d, b)``."""

    is_classifier = False

    def __init__(self, n_features=1):
        self.n_features = checks.integer("n_features", n_features, minimum=1)
        self.n_params = self.n_features + 1

    def __repr__(self):
        return f"{type(self).__name__}(n_features={self.n_features})"

    def init(self, seed=0):
        """Starting parameters: all zeros (the loss is convex; ``seed`` is accepted for
        a uniform interface and not used).

        Parameters
        ----------
        seed : int, default 0
            Ignored.

        Returns
        -------
        ndarray, shape (n_params,)
        """
        return np.zeros(self.n_params)

    def _check(self, theta, X, y=None, *, batched=True, labels=None):
        theta = _as_theta(theta, self.n_params, batched=batched)
        X = _as_X(X, self.n_features)
        if y is None:
            return theta, X
        return theta, X, _as_y(y, X.shape[0], labels=labels)

    def _scores(self, theta, X):
        """``x_i . w + b`` for every example; shape ``theta.shape[:-1] + (n,)``."""
        return theta[..., :-1] @ X.T + theta[..., -1:]

    def _per_example(self, dscore, X):
        """Per-example gradients from d loss_i / d score_i: shape (..., n, p)."""
        return dscore[..., :, None] * _design(X)

    def grad(self, theta, X, y):
        """Gradient of :meth:`loss` with respect to ``theta`` (mean over the examples).

        Parameters
        ----------
        theta : array_like, shape (..., n_params)
        X : array_like, shape (n, n_features)
        y : array_like, shape (n,)

        Returns
        -------
        ndarray, shape (..., n_params)
        """
        return self.loss_and_grad(theta, X, y)[1]

    def per_example_grads(self, theta, X, y):
        """One gradient per example; their mean over axis ``-2`` is :meth:`grad`.

        Parameters
        ----------
        theta : array_like, shape (..., n_params)
        X : array_like, shape (n, n_features)
        y : array_like, shape (n,)

        Returns
        -------
        ndarray, shape (..., n, n_params)
        """
        theta, X, y = self._check(theta, X, y, labels=self._labels)
        return self._per_example(self._dscore(theta, X, y), X)


# ----------------------------------------------------------------------------
# linear regression
# ----------------------------------------------------------------------------


class LinearRegression(_LinearModel):
    """Linear regression with the mean squared error, as a function of ``theta = (w, b)``.

    Parameters
    ----------
    n_features : int, default 1
        Number of features *d*; ``theta`` has ``d + 1`` entries, the intercept last.

    Notes
    -----
    The loss is half the mean squared residual,

    .. math::

        L(\\theta) = \\frac{1}{2n}\\sum_{i=1}^n (x_i^\\top w + b - y_i)^2,
        \\qquad
        \\nabla_w L = \\frac1n \\sum_i r_i x_i,\\quad
        \\partial_b L = \\frac1n \\sum_i r_i,

    with residuals :math:`r_i = x_i^\\top w + b - y_i`.
    The factor 1/2 makes the gradient the plain mean residual times the input,
    and the Hessian :math:`\\frac1n \\sum_i (x_i, 1)(x_i, 1)^\\top`.

    All methods accept many parameter vectors at once: ``theta`` of shape
    ``(..., d + 1)`` gives losses of shape ``(...)`` in one numpy call, e.g. a
    contour grid over slope and intercept.
    For such a batch, :meth:`loss` and :meth:`loss_and_grad` use the exact
    quadratic form of the loss, with :math:`A = [X, \\mathbf 1]`,

    .. math::

        L(\\theta) = \\tfrac12 \\theta^\\top H \\theta - c^\\top \\theta + \\tfrac{1}{2n} y^\\top y,
        \\qquad \\nabla L = H\\theta - c, \\qquad
        H = \\tfrac1n A^\\top A,\\quad c = \\tfrac1n A^\\top y,

    so the cost does not grow with the number of examples times the grid size
    (a 200 x 200 grid takes about a millisecond). It agrees with the residual
    form to rounding error.

    Examples
    --------
    >>> model = LinearRegression(n_features=1)
    >>> X, y = np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0])
    >>> float(model.loss([2.0, 1.0], X, y)), float(model.loss([0.0, 0.0], X, y))
    (0.0, 5.833333333333333)
    >>> W, B = np.meshgrid(np.linspace(0, 4, 5), np.linspace(-1, 3, 3))
    >>> model.loss(np.stack([W, B], axis=-1), X, y).shape
    (3, 5)
    """

    _labels = None

    def loss(self, theta, X, y):
        """Half mean squared error :math:`\\frac{1}{2n}\\sum_i (x_i^\\top w + b - y_i)^2`.

        Parameters
        ----------
        theta : array_like, shape (..., n_params)
            One or many parameter vectors ``(w_1, ..., w_d, b)``.
        X : array_like, shape (n, n_features)
        y : array_like, shape (n,)

        Returns
        -------
        float or ndarray of shape (...)
        """
        theta, X, y = self._check(theta, X, y)
        if theta.ndim > 1:
            return self._on_grid(theta, X, y)[0]
        return _half_mse(self._scores(theta, X) - y)

    def loss_and_grad(self, theta, X, y):
        """Loss and mean gradient in one pass (see the class Notes for the formulas).

        Parameters
        ----------
        theta : array_like, shape (..., n_params)
        X : array_like, shape (n, n_features)
        y : array_like, shape (n,)

        Returns
        -------
        loss : float or ndarray of shape (...)
        grad : ndarray, shape (..., n_params)
        """
        theta, X, y = self._check(theta, X, y)
        if theta.ndim > 1:
            return self._on_grid(theta, X, y)
        residual = self._scores(theta, X) - y
        n = X.shape[0]
        grad = np.concatenate([residual @ X / n, [residual.mean()]])
        return _half_mse(residual), grad

    def _on_grid(self, theta, X, y):
        """Loss and gradient for many theta at once, through the quadratic form (Notes)."""
        return quadratic_loss(theta, *least_squares_form(X, y))

    def _dscore(self, theta, X, y):
        return self._scores(theta, X) - y

    def predict(self, theta, X):
        """Predicted targets :math:`x_i^\\top w + b`.

        Parameters
        ----------
        theta : array_like, shape (..., n_params)
        X : array_like, shape (n, n_features)

        Returns
        -------
        ndarray, shape (..., n)
        """
        theta, X = self._check(theta, X)
        return self._scores(theta, X)

    def accuracy(self, theta, X, y):
        """Not defined for regression: raises ``ValueError``."""
        raise ValueError(
            "accuracy is defined for classifiers only; LinearRegression is a regression model"
        )

    def solve(self, X, y):
        """The exact least-squares minimiser of :meth:`loss`.

        Parameters
        ----------
        X : array_like, shape (n, n_features)
        y : array_like, shape (n,)

        Returns
        -------
        ndarray, shape (n_params,)

        Notes
        -----
        The minimiser solves the normal equations
        :math:`A^\\top A\\,\\theta = A^\\top y` with :math:`A = [X, \\mathbf 1]`
        (computed with ``np.linalg.lstsq``).

        Examples
        --------
        >>> X, y = np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0])
        >>> print(np.round(LinearRegression(1).solve(X, y), 12))
        [2. 1.]
        """
        X = _as_X(X, self.n_features)
        y = _as_y(y, X.shape[0])
        return np.linalg.lstsq(_design(X), y, rcond=None)[0]


# ----------------------------------------------------------------------------
# logistic regression
# ----------------------------------------------------------------------------


class LogisticRegression(_LinearModel):
    """Binary logistic regression with the cross-entropy loss, ``theta = (w, b)``.

    Parameters
    ----------
    n_features : int, default 1
        Number of features *d*; ``theta`` has ``d + 1`` entries, the intercept last.

    Notes
    -----
    With logits :math:`z_i = x_i^\\top w + b` and labels :math:`y_i \\in \\{0, 1\\}`,

    .. math::

        L(\\theta) = \\frac1n \\sum_i \\bigl[\\log(1 + e^{z_i}) - y_i z_i\\bigr],
        \\qquad
        \\nabla_\\theta L = \\frac1n \\sum_i (\\sigma(z_i) - y_i)\\,(x_i, 1).

    :math:`\\log(1 + e^{z})` is evaluated as ``np.logaddexp(0, z)``, which is exact
    and finite for any logit, so huge weights give large but finite losses and
    no overflow warnings.
    Like :class:`LinearRegression`, ``theta`` may carry leading axes.

    Examples
    --------
    >>> model = LogisticRegression(n_features=1)
    >>> X, y = np.array([[-1.0], [1.0]]), np.array([0, 1])
    >>> print(round(float(model.loss([0.0, 0.0], X, y)), 6))  # log 2
    0.693147
    >>> float(model.loss([1e6, 0.0], X, y)), float(model.loss([-1e6, 0.0], X, y))
    (0.0, 1000000.0)
    """

    is_classifier = True
    _labels = 2

    def loss(self, theta, X, y):
        """Mean binary cross-entropy :math:`\\frac1n\\sum_i \\log(1+e^{z_i}) - y_i z_i`.

        Parameters
        ----------
        theta : array_like, shape (..., n_params)
        X : array_like, shape (n, n_features)
        y : array_like of int in {0, 1}, shape (n,)

        Returns
        -------
        float or ndarray of shape (...)
        """
        theta, X, y = self._check(theta, X, y, labels=2)
        z = self._scores(theta, X)
        return _binary_cross_entropy(z, y)

    def loss_and_grad(self, theta, X, y):
        """Loss and mean gradient in one pass (see the class Notes for the formulas).

        Parameters
        ----------
        theta : array_like, shape (..., n_params)
        X : array_like, shape (n, n_features)
        y : array_like of int in {0, 1}, shape (n,)

        Returns
        -------
        loss : float or ndarray of shape (...)
        grad : ndarray, shape (..., n_params)
        """
        theta, X, y = self._check(theta, X, y, labels=2)
        z = self._scores(theta, X)
        dz = sigmoid(z) - y
        n = X.shape[0]
        grad = np.concatenate([dz @ X / n, dz.mean(axis=-1, keepdims=True)], axis=-1)
        return _binary_cross_entropy(z, y), grad

    def _dscore(self, theta, X, y):
        return sigmoid(self._scores(theta, X)) - y

    def predict_proba(self, theta, X):
        """Probability of class 1, :math:`\\sigma(x_i^\\top w + b)`.

        Parameters
        ----------
        theta : array_like, shape (..., n_params)
        X : array_like, shape (n, n_features)

        Returns
        -------
        ndarray, shape (..., n)
        """
        theta, X = self._check(theta, X)
        return sigmoid(self._scores(theta, X))

    def predict(self, theta, X):
        """Predicted labels: 1 where the logit is positive, else 0.

        Parameters
        ----------
        theta : array_like, shape (..., n_params)
        X : array_like, shape (n, n_features)

        Returns
        -------
        ndarray of int, shape (..., n)
        """
        theta, X = self._check(theta, X)
        return (self._scores(theta, X) > 0).astype(int)

    def accuracy(self, theta, X, y):
        """Share of examples whose predicted label equals ``y``.

        Parameters
        ----------
        theta : array_like, shape (..., n_params)
        X : array_like, shape (n, n_features)
        y : array_like of int in {0, 1}, shape (n,)

        Returns
        -------
        float or ndarray of shape (...)
        """
        theta, X, y = self._check(theta, X, y, labels=2)
        return np.mean(self.predict(theta, X) == y, axis=-1)


# ----------------------------------------------------------------------------
# the multilayer perceptron
# ----------------------------------------------------------------------------


def _activate(name, z):
    if name == "sigmoid":
        return sigmoid(z)
    if name == "tanh":
        return np.tanh(z)
    return np.maximum(z, 0.0)


def _activation_slope(name, z, a):
    """phi'(z), written with the activation a = phi(z) where that is the textbook form."""
    if name == "sigmoid":
        return a * (1.0 - a)
    if name == "tanh":
        return 1.0 - a**2
    return (z > 0).astype(float)


# The network's arithmetic, as functions of explicit arrays (see the MLP's
# Notes for the formulas); the MLP checks its arguments and calls them.


# Leading axes: ``W`` may be ``(..., m, k)`` and ``b`` ``(..., k)`` (one network per
# row of a stack) and ``X`` ``(n, d)`` or ``(..., n, d)``; each row then goes through
# the same matrix products and reductions as a network of its own, bit for bit.


def _forward(params, X, activation):
    """The output :math:`z_K` and the cache ``{"a": [a_0 .. a_{K-1}], "z": [z_1 .. z_K]}``."""
    activations, pre_activations = [X], []
    a = X
    for layer, (W, b) in enumerate(params, start=1):
        z = a @ W + b[..., None, :]
        pre_activations.append(z)
        if layer < len(params):
            a = _activate(activation, z)
            activations.append(a)
    return z, {"a": activations, "z": pre_activations}


def _output_loss(task, out, y):
    """Mean loss and :math:`\\delta_K` = d loss / d out (already divided by n)."""
    n = out.shape[-2]
    if task == "regression":
        residual = out[..., 0] - y
        return _half_mse(residual), residual[..., None] / n
    if task == "binary":
        z = out[..., 0]
        loss = _binary_cross_entropy(z, y)
        return loss, (sigmoid(z) - y)[..., None] / n
    log_norm = np.logaddexp.reduce(out, axis=-1)
    log_probs = out - log_norm[..., None]
    one_hot = np.eye(out.shape[-1])[y]
    labels = np.broadcast_to(y, out.shape[:-1])[..., None]
    picked = np.take_along_axis(log_probs, labels, axis=-1)[..., 0]
    loss = -np.mean(picked, axis=-1)
    return loss, (np.exp(log_probs) - one_hot) / n


def _backward(params, cache, delta, activation):
    """The chain rule from the top layer down: ``[(dW, db), ...]`` and every layer's delta."""
    n_layers = len(params)
    grads, deltas = [None] * n_layers, [None] * n_layers
    for k in reversed(range(n_layers)):
        W, _ = params[k]
        a_prev = cache["a"][k]
        deltas[k] = delta
        grads[k] = (np.swapaxes(a_prev, -1, -2) @ delta, delta.sum(axis=-2))
        if k > 0:
            slope = _activation_slope(activation, cache["z"][k - 1], a_prev)
            delta = (delta @ np.swapaxes(W, -1, -2)) * slope
    return grads, deltas


def _through(params, X, y, net):
    """Forward, loss and backward: ``(loss, grads, deltas, cache)`` of checked data."""
    out, cache = _forward(params, X, net.activation)
    loss, delta = _output_loss(net.task, out, y)
    grads, deltas = _backward(params, cache, delta, net.activation)
    return loss, grads, deltas, cache


def _scalar(value):
    """A 0-d result as a float; a result per row of a stack as it is."""
    return float(value) if np.ndim(value) == 0 else value


def _per_example_grads(cache, deltas):
    """Example *i*'s own flat gradient, :math:`a_{l-1,i}^\\top (n\\,\\delta_{l,i})` per layer, as rows."""
    n = cache["a"][0].shape[0]
    parts = []
    for a_prev, d in zip(cache["a"], deltas):
        parts.append(n * np.einsum("ni,nj->nij", a_prev, d).reshape(n, -1))
        parts.append(n * d)
    return np.concatenate(parts, axis=1)


def _flat(layers):
    """A list of ``(W, b)`` as one vector (per layer ``W`` row-major, then ``b``); one per row of a stack."""
    lead = layers[0][1].shape[:-1]
    parts = [part.reshape(*lead, -1) for layer in layers for part in layer]
    return np.concatenate(parts, axis=-1)


def _spreads(activations):
    """Per layer: root-mean-square distance from the mean representation, and root-mean-square size."""
    spreads, sizes = [], []
    for a in activations:
        spreads.append(np.sqrt(np.mean(np.sum((a - a.mean(axis=0)) ** 2, axis=1))))
        sizes.append(np.sqrt(np.mean(np.sum(a**2, axis=1))))
    return np.array(spreads), np.array(sizes)


def _check_sizes(sizes):
    """``sizes`` as a tuple of at least two ints >= 1, or ``ValueError``."""
    allowed = "a sequence of at least 2 positive integers"
    try:
        widths = tuple(sizes)
        if len(widths) < 2:
            raise ValueError
        return tuple(checks.integer("sizes", s, minimum=1) for s in widths)
    except (TypeError, ValueError):
        raise ValueError(f"sizes must be {allowed}, got {sizes!r}") from None


def init_std(init, fan_in, fan_out, std=1.0):
    """Standard deviation of the weights of one layer under a named initialisation.

    Parameters
    ----------
    init : str
        One of ``INITS`` (see :func:`init_params`).
    fan_in, fan_out : int
        Inputs and outputs of the layer.
    std : float, default 1.0
        The standard deviation used by ``"normal"`` (ignored by the others).

    Returns
    -------
    float

    Notes
    -----
    .. math::

        \\text{glorot: } \\sqrt{\\tfrac{2}{n_\\text{in} + n_\\text{out}}}, \\qquad
        \\text{he: } \\sqrt{\\tfrac{2}{n_\\text{in}}}.

    Examples
    --------
    >>> init_std("he", 50, 10), init_std("glorot", 3, 1), init_std("normal", 3, 1, std=0.01)
    (0.2, 0.7071067811865476, 0.01)
    """
    checks.one_of("init", init, INITS)
    if init == "normal":
        return float(std)
    if init in ("he", "kaiming"):
        return float(np.sqrt(2.0 / fan_in))
    return float(np.sqrt(2.0 / (fan_in + fan_out)))


def init_params(sizes, init="glorot", seed=0, *, std=1.0):
    """Random starting weights for a fully connected network.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths ``(n_inputs, hidden_1, ..., n_outputs)``, at least two entries.
    init : str, default "glorot"
        How to draw each weight matrix (biases start at zero):

        - ``"normal"`` -- :math:`\\mathcal N(0, \\text{std}^2)`; ``std=1`` is the classic
          "poor" initialisation, ``std=0.01`` the "too small" one;
        - ``"glorot"`` / ``"xavier"`` -- uniform on :math:`[-a, a]`,
          :math:`a = \\sqrt{6 / (n_\\text{in} + n_\\text{out})}` (Glorot & Bengio's
          "normalised" initialisation);
        - ``"glorot_normal"`` / ``"xavier_normal"`` -- normal with the same variance;
        - ``"he"`` / ``"kaiming"`` -- :math:`\\mathcal N(0, 2 / n_\\text{in})`
          (He et al., for ReLU).
    seed : int, default 0
        Seed of ``np.random.default_rng``.
    std : float, default 1.0
        Standard deviation for ``init="normal"``, greater than 0.

    Returns
    -------
    list of (W, b)
        One pair per layer: ``W`` of shape ``(n_in, n_out)``, ``b`` of shape ``(n_out,)``.

    Notes
    -----
    Every scheme has mean 0; the variances are

    .. math::

        \\operatorname{Var} W_{jk} =
        \\begin{cases}
        \\text{std}^2 & \\text{normal} \\\\
        2 / (n_\\text{in} + n_\\text{out}) & \\text{glorot (uniform or normal)} \\\\
        2 / n_\\text{in} & \\text{he}
        \\end{cases}

    (a uniform law on :math:`[-a, a]` has variance :math:`a^2 / 3`).

    References
    ----------
    .. [1] X. Glorot and Y. Bengio, "Understanding the difficulty of training deep
       feedforward neural networks", AISTATS 2010.
    .. [2] K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers:
       surpassing human-level performance on ImageNet classification", ICCV 2015.

    Examples
    --------
    >>> params = init_params([2, 16, 1], "he", seed=0)
    >>> [(W.shape, b.shape) for W, b in params]
    [((2, 16), (16,)), ((16, 1), (1,))]
    """
    sizes = _check_sizes(sizes)
    checks.one_of("init", init, INITS)
    checks.positive("std", std)
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        scale = init_std(init, fan_in, fan_out, std)
        if init in ("glorot", "xavier"):
            limit = np.sqrt(3.0) * scale
            W = rng.uniform(-limit, limit, size=(fan_in, fan_out))
        else:
            W = scale * rng.standard_normal((fan_in, fan_out))
        params.append((W, np.zeros(fan_out)))
    return params


class MLP:
    """A fully connected network with hand-written backpropagation.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths ``(n_inputs, hidden_1, ..., n_outputs)``; any depth.
    activation : {"sigmoid", "tanh", "relu"}, default "tanh"
        Activation of every hidden layer (the output layer is linear).
    task : {"regression", "binary", "multiclass"}, default "regression"
        What the outputs mean and which loss is used:

        - ``"regression"``: one output, the prediction; half mean squared error;
        - ``"binary"``: one output, the logit of class 1; binary cross-entropy;
        - ``"multiclass"``: ``k >= 2`` outputs, the class logits; softmax cross-entropy.
    init : str, default "glorot"
        Default initialisation for :meth:`init` / :meth:`init_params` (see :func:`init_params`).
    std : float, default 1.0
        Standard deviation used by ``init="normal"``.

    Notes
    -----
    Forward pass, with :math:`a_0 = X` (one row per example) and *K* layers:

    .. math::

        z_l = a_{l-1} W_l + b_l, \\qquad a_l = \\varphi(z_l) \\ (l < K), \\qquad
        \\text{output } z_K .

    For all three losses the derivative of the mean loss :math:`f` with respect to the
    output is :math:`\\delta_K = (\\hat y - y) / n`, where :math:`\\hat y` is the
    prediction (regression), :math:`\\sigma(z_K)` (binary) or
    :math:`\\operatorname{softmax}(z_K)` against one-hot labels (multiclass).
    Backpropagation is then the chain rule, layer by layer, from the top:

    .. math::

        \\frac{\\partial f}{\\partial W_l} = a_{l-1}^\\top \\delta_l, \\qquad
        \\frac{\\partial f}{\\partial b_l} = \\mathbf 1^\\top \\delta_l, \\qquad
        \\delta_{l-1} = (\\delta_l W_l^\\top) \\odot \\varphi'(z_{l-1}).

    Each step back multiplies by a weight matrix and by :math:`\\varphi'`; with
    the sigmoid, :math:`\\varphi' \\le 1/4`, which is why early layers of a deep
    sigmoid network receive vanishing gradients (see :meth:`layer_grad_norms`).

    The network works on a list of ``(W, b)`` pairs (``params``); the methods of
    the :class:`Model` interface (:meth:`init`, :meth:`loss`, :meth:`loss_and_grad`,
    ...) take the same weights as one flat vector ``theta``
    (:meth:`flatten` / :meth:`unflatten` convert, layer by layer, ``W`` row-major then ``b``).
    They also take a stack of such vectors, ``theta`` of shape ``(S, n_params)``, with
    the examples shared or one batch per row (``X`` of shape ``(S, n, d)``): each row is
    computed with the same matrix products as on its own, bit for bit, so
    :func:`gdcourse.training.train` runs several seeds as one (``stacked`` is True).

    Examples
    --------
    >>> net = MLP([2, 16, 1], activation="tanh", task="binary")
    >>> net.n_params
    65
    >>> theta = net.init(seed=0)
    >>> X, y = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([0, 1])
    >>> loss, grad = net.loss_and_grad(theta, X, y)
    >>> grad.shape
    (65,)
    >>> thetas = np.stack([net.init(seed=0), net.init(seed=1)])
    >>> losses, grads = net.loss_and_grad(thetas, X, y)
    >>> grads.shape, bool(losses[0] == loss)
    ((2, 65), True)
    """

    #: The flat-vector methods take a stack of parameter vectors, one batch per row.
    stacked = True

    def __init__(
        self, sizes, activation="tanh", task="regression", init="glorot", *, std=1.0
    ):
        self.sizes = _check_sizes(sizes)
        checks.one_of("activation", activation, ACTIVATIONS)
        checks.one_of("task", task, TASKS)
        if task in ("regression", "binary") and self.sizes[-1] != 1:
            raise ValueError(
                f"sizes must end in 1 for task={task!r}, got {self.sizes!r}"
            )
        if task == "multiclass" and self.sizes[-1] < 2:
            raise ValueError(
                f"sizes must end in the number of classes (>= 2) for task='multiclass', got {self.sizes!r}"
            )
        checks.one_of("init", init, INITS)
        self.activation = activation
        self.task = task
        self.init_name = init
        self.std = std
        self.is_classifier = task != "regression"
        self.shapes = [((m, k), (k,)) for m, k in zip(self.sizes[:-1], self.sizes[1:])]
        self.n_params = sum(m * k + k for (m, k), _ in self.shapes)
        checks.positive("std", std)

    def __repr__(self):
        return (
            f"MLP(sizes={list(self.sizes)}, activation={self.activation!r}, "
            f"task={self.task!r}, init={self.init_name!r})"
        )

    @property
    def n_layers(self):
        """Number of weight layers (``len(sizes) - 1``)."""
        return len(self.shapes)

    # -- parameters ---------------------------------------------------------

    def init_params(self, seed=0, init=None, *, std=None):
        """Random starting weights as a list of ``(W, b)`` (see :func:`init_params`).

        Parameters
        ----------
        seed : int, default 0
        init : str, optional
            Overrides the network's default initialisation.
        std : float, optional
            Overrides the network's ``std`` for ``init="normal"``.

        Returns
        -------
        list of (W, b)
        """
        return init_params(
            self.sizes,
            self.init_name if init is None else init,
            seed,
            std=self.std if std is None else std,
        )

    def init(self, seed=0, init=None, *, std=None):
        """Random starting weights as one flat vector (see :meth:`init_params`).

        Parameters
        ----------
        seed : int, default 0
        init : str, optional
        std : float, optional

        Returns
        -------
        ndarray, shape (n_params,)
        """
        return self.flatten(self.init_params(seed, init, std=std))

    def flatten(self, params):
        """Join a list of ``(W, b)`` into one flat vector (``W`` row-major, then ``b``, per layer).

        Parameters
        ----------
        params : list of (W, b)

        Returns
        -------
        ndarray, shape (n_params,)

        Examples
        --------
        >>> net = MLP([2, 3, 1])
        >>> params = net.init_params(seed=0)
        >>> theta = net.flatten(params)
        >>> all(np.array_equal(a, b) for layer, back in zip(params, net.unflatten(theta))
        ...     for a, b in zip(layer, back))
        True
        """
        return _flat(self._check_params(params))

    def unflatten(self, theta):
        """Split a flat vector into a list of ``(W, b)`` (read-only views of ``theta``).

        Parameters
        ----------
        theta : array_like, shape (n_params,)

        Returns
        -------
        list of (W, b)
        """
        return self._split(_as_theta(theta, self.n_params, batched=False))

    def _split(self, theta):
        """Read-only ``(W, b)`` views of a checked ``theta`` of shape ``(..., n_params)``."""
        lead = theta.shape[:-1]
        params, start = [], 0
        for (m, k), _ in self.shapes:
            W = theta[..., start : start + m * k].reshape(*lead, m, k)
            b = theta[..., start + m * k : start + m * k + k]
            W.flags.writeable = b.flags.writeable = False
            params.append((W, b))
            start += m * k + k
        return params

    def _check_params(self, params):
        params = list(params)
        if len(params) != self.n_layers:
            raise ValueError(
                f"params must hold {self.n_layers} (W, b) pairs, got {len(params)}"
            )
        checked = []
        for (W, b), (w_shape, b_shape) in zip(params, self.shapes):
            W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
            if W.shape != w_shape or b.shape != b_shape:
                raise ValueError(
                    f"params must have layer shapes {self.shapes}, got W {W.shape} and b {b.shape}"
                )
            checked.append((W, b))
        return checked

    def _layers(self, params):
        """Checked ``(W, b)`` pairs from pairs or from a flat vector."""
        if isinstance(params, np.ndarray) and params.ndim == 1:
            params = self.unflatten(params)
        return self._check_params(params)

    def _check_data(self, X, y=None):
        X = _as_X(X, self.sizes[0])
        if y is None:
            return X
        return X, _as_y(y, X.shape[0], labels=self._labels())

    def _labels(self):
        """Number of labels ``y`` may take (None for regression targets)."""
        return {"regression": None, "binary": 2, "multiclass": self.sizes[-1]}[
            self.task
        ]

    def _check_stack(self, theta, X, y=None):
        """``theta`` of shape ``(..., n_params)`` and data shared by every row, ``X`` of
        shape ``(n, d)``, or one batch per row, ``(..., n, d)`` with the same leading shape."""
        theta = _as_theta(theta, self.n_params, batched=True)
        lead, X = theta.shape[:-1], np.asarray(X, dtype=float)
        if X.ndim == 2 or not lead:
            return (
                (theta, self._check_data(X))
                if y is None
                else (theta, *self._check_data(X, y))
            )
        if X.shape[:-2] != lead or X.shape[-1] != self.sizes[0]:
            raise ValueError(
                f"X must have shape (n, {self.sizes[0]}) or {lead + ('n', self.sizes[0])} "
                f"to match theta's leading shape, got shape {X.shape}"
            )
        if y is None:
            return theta, X
        y = np.asarray(y)
        if y.shape != X.shape[:-1]:
            raise ValueError(
                f"y must have shape {X.shape[:-1]} to match X, got shape {y.shape}"
            )
        checked = _as_y(y.reshape(-1), y.size, labels=self._labels())
        return theta, X, checked.reshape(y.shape)

    # -- forward and backward ------------------------------------------------

    def forward(self, params, X):
        """Run the network forward and keep what backpropagation needs.

        Parameters
        ----------
        params : list of (W, b)
        X : array_like, shape (n, sizes[0])

        Returns
        -------
        output : ndarray, shape (n, sizes[-1])
            The last layer's linear output :math:`z_K` (prediction or logits).
        cache : dict
            ``"a"``: list of activations :math:`a_0 = X, a_1, \\dots, a_{K-1}`;
            ``"z"``: list of pre-activations :math:`z_1, \\dots, z_K`.
        """
        params = self._check_params(params)
        return _forward(params, self._check_data(X), self.activation)

    def _backprop(self, params, X, y):
        """Checked data through the network and back: loss, grads, deltas and the cache."""
        loss, grads, deltas, cache = _through(params, *self._check_data(X, y), self)
        return float(loss), grads, deltas, cache

    def loss_and_grads(self, params, X, y):
        """Mean loss and its gradient for every layer, by backpropagation.

        Parameters
        ----------
        params : list of (W, b)
        X : array_like, shape (n, sizes[0])
        y : array_like, shape (n,)
            Targets (regression) or integer labels (classification).

        Returns
        -------
        loss : float
        grads : list of (dW, db)
            Same structure and shapes as ``params``.

        Notes
        -----
        See the class Notes for the chain rule used.
        """
        loss, grads, _, _ = self._backprop(self._check_params(params), X, y)
        return loss, grads

    def layer_grad_norms(self, params, X, y):
        """Frobenius norm of the loss gradient with respect to each weight matrix.

        Parameters
        ----------
        params : list of (W, b) or ndarray of shape (n_params,)
            The weights, as pairs or as a flat vector.
        X : array_like, shape (n, sizes[0])
        y : array_like, shape (n,)

        Returns
        -------
        ndarray, shape (n_layers,)
            :math:`\\lVert \\partial f / \\partial W_l \\rVert_F` for
            :math:`l = 1, \\dots, K` (input layer first).

        Examples
        --------
        >>> net = MLP([4, 8, 8, 8, 1], activation="sigmoid", init="normal")
        >>> X = np.random.default_rng(0).standard_normal((50, 4))
        >>> norms = net.layer_grad_norms(net.init_params(seed=0), X, X[:, 0])
        >>> norms.shape, bool(norms[0] < norms[-1])
        ((4,), True)
        """
        _, grads, _, _ = self._backprop(self._layers(params), X, y)
        return np.array([np.linalg.norm(dW) for dW, _ in grads])

    def layer_spreads(self, params, X, *, relative=False):
        """How far apart the inputs' representations are, layer by layer.

        The forward pass multiplies differences between inputs by the same
        Jacobians that backpropagation multiplies gradients by, so a network
        whose gradients vanish towards the input also maps every input to
        nearly the same vector towards the output.

        Parameters
        ----------
        params : list of (W, b) or ndarray of shape (n_params,)
            The weights, as pairs or as a flat vector.
        X : array_like, shape (n, sizes[0])
            At least two inputs.
        relative : bool, default False
            Divide each spread by the root-mean-square size of the layer's
            representations (scale-free: 1 means as spread out as they are
            large, near 0 means every input gives nearly the same vector).

        Returns
        -------
        ndarray, shape (n_layers,)
            :math:`s_0, \\dots, s_{K-1}`: the input itself, then every hidden
            layer's activations.

        Notes
        -----
        With :math:`a_{l,i}` the representation of input *i* at layer *l* and
        :math:`\\bar a_l` its mean over the *n* inputs,

        .. math::

            s_l = \\Bigl(\\frac1n \\sum_{i=1}^n
            \\lVert a_{l,i} - \\bar a_l \\rVert^2\\Bigr)^{1/2},
            \\qquad
            s_l^{\\text{rel}} = s_l \\Big/ \\Bigl(\\frac1n \\sum_{i=1}^n
            \\lVert a_{l,i} \\rVert^2\\Bigr)^{1/2},

        the root-mean-square distance of a representation from the mean one;
        the mean squared distance between two inputs' representations is
        :math:`2 s_l^2`. For a small difference :math:`\\Delta a_{l-1}`,
        :math:`\\Delta a_l \\approx \\Delta a_{l-1} W_l D_l` with
        :math:`D_l = \\operatorname{diag}(\\varphi'(z_l))`: the transposes of
        the factors in backpropagation's product.

        Examples
        --------
        >>> net = MLP([2, 16, 16, 16, 1], activation="sigmoid", init="glorot")
        >>> X = np.random.default_rng(0).standard_normal((100, 2))
        >>> spreads = net.layer_spreads(net.init_params(seed=0), X, relative=True)
        >>> spreads.shape, bool(np.all(np.diff(spreads) < 0))
        ((4,), True)
        """
        params = self._layers(params)
        X = self._check_data(X)
        checks.integer("the number of rows of X", X.shape[0], minimum=2)
        _, cache = _forward(params, X, self.activation)
        spreads, sizes = _spreads(cache["a"])
        if not relative:
            return spreads
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(sizes > 0, spreads / sizes, 0.0)

    # -- the flat-vector Model interface ------------------------------------

    def loss(self, theta, X, y):
        """Mean loss at the flat parameter vector ``theta``.

        Parameters
        ----------
        theta : array_like, shape (n_params,) or (..., n_params)
            One parameter vector, or a stack of them (one network per row).
        X : array_like, shape (n, sizes[0]) or (..., n, sizes[0])
            Examples shared by every row, or one batch per row of ``theta``.
        y : array_like, shape (n,) or (..., n)

        Returns
        -------
        float or ndarray of shape (...)
        """
        theta, X, y = self._check_stack(theta, X, y)
        out, _ = _forward(self._split(theta), X, self.activation)
        return _scalar(_output_loss(self.task, out, y)[0])

    def loss_and_grad(self, theta, X, y):
        """Mean loss and its gradient as a flat vector.

        Parameters
        ----------
        theta : array_like, shape (n_params,) or (..., n_params)
            One parameter vector, or a stack of them (one network per row).
        X : array_like, shape (n, sizes[0]) or (..., n, sizes[0])
            Examples shared by every row, or one batch per row of ``theta``.
        y : array_like, shape (n,) or (..., n)

        Returns
        -------
        loss : float or ndarray of shape (...)
        grad : ndarray, shape (..., n_params)
        """
        theta, X, y = self._check_stack(theta, X, y)
        loss, grads, _, _ = _through(self._split(theta), X, y, self)
        return _scalar(loss), _flat(grads)

    def grad(self, theta, X, y):
        """Gradient of :meth:`loss` as a flat vector.

        Parameters
        ----------
        theta : array_like, shape (n_params,) or (..., n_params)
            One parameter vector, or a stack of them (one network per row).
        X : array_like, shape (n, sizes[0]) or (..., n, sizes[0])
            Examples shared by every row, or one batch per row of ``theta``.
        y : array_like, shape (n,) or (..., n)

        Returns
        -------
        ndarray, shape (..., n_params)
        """
        return self.loss_and_grad(theta, X, y)[1]

    def per_example_grads(self, theta, X, y):
        """One flat gradient per example; their mean over axis 0 is :meth:`grad`.

        Parameters
        ----------
        theta : array_like, shape (n_params,)
        X : array_like, shape (n, sizes[0])
        y : array_like, shape (n,)

        Returns
        -------
        ndarray, shape (n, n_params)

        Notes
        -----
        Example *i*'s own gradient is the outer product
        :math:`a_{l-1,i}^\\top (n\\,\\delta_{l,i})` (the factor *n* undoes the mean).
        """
        _, _, deltas, cache = self._backprop(self.unflatten(theta), X, y)
        return _per_example_grads(cache, deltas)

    def predict_proba(self, theta, X):
        """Class probabilities (classifiers only).

        Parameters
        ----------
        theta : array_like, shape (n_params,) or (..., n_params)
            One parameter vector, or a stack of them (one network per row).
        X : array_like, shape (n, sizes[0])

        Returns
        -------
        ndarray
            Shape ``(n,)`` with the probability of class 1 (binary) or
            ``(n, k)`` with one column per class (multiclass).
        """
        if not self.is_classifier:
            raise ValueError(
                "predict_proba is defined for classifiers only; this MLP has task='regression'"
            )
        out = self._out(theta, X)
        if self.task == "binary":
            return sigmoid(out[..., 0])
        return np.exp(out - np.logaddexp.reduce(out, axis=-1)[..., None])

    def predict(self, theta, X):
        """Predicted values (regression) or labels (classification).

        Parameters
        ----------
        theta : array_like, shape (n_params,) or (..., n_params)
            One parameter vector, or a stack of them (one network per row).
        X : array_like, shape (n, sizes[0])

        Returns
        -------
        ndarray, shape (..., n)
        """
        out = self._out(theta, X)
        if self.task == "regression":
            return out[..., 0]
        if self.task == "binary":
            return (out[..., 0] > 0).astype(int)
        return np.argmax(out, axis=-1)

    def loss_and_accuracy(self, theta, X, y):
        """Mean loss and accuracy from one forward pass (classifiers only).

        Parameters
        ----------
        theta : array_like, shape (n_params,) or (..., n_params)
            One parameter vector, or a stack of them (one network per row).
        X : array_like, shape (n, sizes[0])
        y : array_like of int, shape (n,)

        Returns
        -------
        loss, accuracy : float or ndarray of shape (...)
            Equal to :meth:`loss` and :meth:`accuracy`, bit for bit.
        """
        if not self.is_classifier:
            raise ValueError(
                "accuracy is defined for classifiers only; this MLP has task='regression'"
            )
        theta, X, y = self._check_stack(theta, X, y)
        out, _ = _forward(self._split(theta), X, self.activation)
        labels = out[..., 0] > 0 if self.task == "binary" else np.argmax(out, axis=-1)
        loss = _output_loss(self.task, out, y)[0]
        return _scalar(loss), _scalar(np.mean(labels == y, axis=-1))

    def _out(self, theta, X):
        """The last layer's output for checked ``theta`` (or a stack of them) and ``X``."""
        theta, X = self._check_stack(theta, X)
        return _forward(self._split(theta), X, self.activation)[0]

    def accuracy(self, theta, X, y):
        """Share of examples whose predicted label equals ``y`` (classifiers only).

        Parameters
        ----------
        theta : array_like, shape (n_params,) or (..., n_params)
            One parameter vector, or a stack of them (one network per row).
        X : array_like, shape (n, sizes[0])
        y : array_like of int, shape (n,)

        Returns
        -------
        float or ndarray of shape (...)
        """
        if not self.is_classifier:
            raise ValueError(
                "accuracy is defined for classifiers only; this MLP has task='regression'"
            )
        theta, X, y = self._check_stack(theta, X, y)
        return _scalar(np.mean(self.predict(theta, X) == y, axis=-1))

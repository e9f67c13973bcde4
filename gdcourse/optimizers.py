"""Update rules as values: SGD, AdaGrad, RMSProp, Adam, AdamW, Lion and gradient clipping.

Each factory returns an :class:`Optimizer`, a pair of pure functions (the
``(init, update)`` pattern of optax and ``jax.example_libraries.optimizers``):

- ``state = opt.init(params)`` builds the state (buffers of zeros, a step count);
- ``params, state = opt.update(grad, state, params, lr)`` takes one step and
  returns the new parameters and the new state, changing neither input.

The learning rate is not part of the optimizer: it is passed to every
``update``, so any schedule of :mod:`gdcourse.schedules` drives any optimizer.
Hyperparameters, defaults, the place of ``eps``, bias correction and weight
decay follow PyTorch's ``torch.optim`` (``SGD`` with ``dampening=0``,
``Adagrad`` with ``lr_decay=0``, ``RMSprop``, ``Adam``, ``AdamW``).

Parameters may hold one point, shape ``(d,)``, or many starts at once, shape
``(n, d)``: every operation is elementwise, so each start of a batched run is
bit for bit its own single run. :func:`clip_by_norm` rescales each start's
gradient over its last axis.

>>> import numpy as np
>>> from gdcourse import optimizers
>>> opt = optimizers.adam()
>>> w = np.array([1.0, -2.0])
>>> state = opt.init(w)
>>> for _ in range(3):
...     w, state = opt.update(2 * w, state, w, lr=0.1)
>>> print(np.round(w, 4))
[ 0.7016 -1.7006]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from gdcourse import checks

__all__ = [
    "Optimizer",
    "SGDState",
    "AdagradState",
    "RMSpropState",
    "AdamState",
    "LionState",
    "sgd",
    "adagrad",
    "rmsprop",
    "adam",
    "adamw",
    "lion",
    "clip_by_norm",
    "resolve",
]


@dataclass(frozen=True, eq=False)
class Optimizer:
    """An update rule: ``init(params) -> state`` and ``update(grad, state, params, lr)``.

    Attributes
    ----------
    name : str
        The factory that made it, e.g. ``"adam"``.
    hyperparameters : dict
        Its checked keyword arguments.
    init : callable
        ``init(params) -> state``: the state before the first step, for
        parameters of shape ``(d,)`` or ``(n, d)``.
    update : callable
        ``update(grad, state, params, lr) -> (new_params, new_state)``: one step
        with rate ``lr``. Pure: neither ``state`` nor ``params`` is changed.
    """

    name: str
    hyperparameters: dict = field(repr=False)
    init: Callable = field(repr=False)
    update: Callable = field(repr=False)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters.items())
        return f"{self.name}({args})"


class SGDState(NamedTuple):
    """State of :func:`sgd`: the momentum buffer (zeros before the first step)."""

    velocity: np.ndarray


class AdagradState(NamedTuple):
    """State of :func:`adagrad`: the running sum of squared gradients."""

    sum_sq: np.ndarray


class RMSpropState(NamedTuple):
    """State of :func:`rmsprop`: averages of squared gradients and of gradients, momentum buffer."""

    square_avg: np.ndarray
    grad_avg: np.ndarray
    velocity: np.ndarray


class AdamState(NamedTuple):
    """State of :func:`adam` and :func:`adamw`: step count and moment estimates."""

    count: int
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray
    max_exp_avg_sq: np.ndarray


class LionState(NamedTuple):
    """State of :func:`lion`: the momentum, a running average of the gradients."""

    exp_avg: np.ndarray


def _zeros(params):
    return np.zeros_like(np.asarray(params, dtype=float))


def _check_betas(betas):
    try:
        beta1, beta2 = betas
    except (TypeError, ValueError):
        raise ValueError(f"betas must be a pair of numbers, got {betas!r}") from None
    return (
        checks.in_interval("betas[0]", beta1, 0, 1),
        checks.in_interval("betas[1]", beta2, 0, 1),
    )


def sgd(momentum=0.0, nesterov=False, weight_decay=0.0):
    """Stochastic gradient descent with optional momentum, as ``torch.optim.SGD``.

    Parameters
    ----------
    momentum : float, default 0.0
        :math:`\\mu \\in [0, 1)`; 0 is plain gradient descent.
    nesterov : bool, default False
        Nesterov's momentum (needs ``momentum > 0``).
    weight_decay : float, default 0.0
        :math:`\\lambda \\ge 0`, added to the gradient as :math:`\\lambda w` (L2).

    Returns
    -------
    Optimizer
        State :class:`SGDState`.

    Notes
    -----
    With :math:`v_0 = 0` and :math:`g_t` the gradient at :math:`w_t`
    (``torch.optim.SGD`` with ``dampening=0``; its first buffer, a copy of
    :math:`d_t`, is the same number),

    .. math::

        d_t = g_t + \\lambda w_t, \\qquad
        v_{t+1} = \\mu v_t + d_t, \\qquad
        w_{t+1} = w_t - \\eta_t \\begin{cases}
            v_{t+1} & \\text{heavy ball} \\\\
            d_t + \\mu v_{t+1} & \\text{Nesterov.}
        \\end{cases}

    References
    ----------
    .. [1] B. T. Polyak, "Some methods of speeding up the convergence of
       iteration methods", USSR Computational Mathematics and Mathematical
       Physics 4(5), 1964.
    .. [2] I. Sutskever, J. Martens, G. Dahl and G. Hinton, "On the importance
       of initialization and momentum in deep learning", ICML 2013.

    Examples
    --------
    >>> opt = sgd(momentum=0.9)
    >>> opt
    sgd(momentum=0.9, nesterov=False, weight_decay=0.0)
    >>> w, state = opt.update(np.array([1.0]), opt.init([0.0]), np.array([0.0]), lr=0.1)
    >>> w, state.velocity
    (array([-0.1]), array([1.]))
    """
    mu = checks.in_interval("momentum", momentum, 0, 1)
    nesterov = checks.one_of("nesterov", nesterov, (False, True))
    if nesterov and mu == 0.0:
        raise ValueError(f"nesterov=True needs momentum > 0, got momentum={momentum!r}")
    wd = checks.non_negative("weight_decay", weight_decay)

    def init(params):
        return SGDState(_zeros(params))

    def update(grad, state, params, lr):
        d = grad + wd * params if wd else grad
        v = mu * state.velocity + d
        step = d + mu * v if nesterov else v
        return params - lr * step, SGDState(v)

    hyper = {"momentum": mu, "nesterov": bool(nesterov), "weight_decay": wd}
    return Optimizer("sgd", hyper, init, update)


def adagrad(eps=1e-10, initial_accumulator_value=0.0):
    """AdaGrad: one rate per coordinate, shrinking with its summed squared gradients.

    As ``torch.optim.Adagrad`` with ``lr_decay=0`` and ``weight_decay=0``.

    Parameters
    ----------
    eps : float, default 1e-10
        Added to the square root of the sum (> 0).
    initial_accumulator_value : float, default 0.0
        Starting value of the sum (>= 0).

    Returns
    -------
    Optimizer
        State :class:`AdagradState`.

    Notes
    -----
    With :math:`s_0` = ``initial_accumulator_value``,

    .. math::

        s_{t+1} = s_t + g_t^2, \\qquad
        w_{t+1} = w_t - \\eta_t \\frac{g_t}{\\sqrt{s_{t+1}} + \\epsilon},

    squares, roots and quotients taken coordinate by coordinate.

    References
    ----------
    .. [1] J. Duchi, E. Hazan and Y. Singer, "Adaptive subgradient methods for
       online learning and stochastic optimization", Journal of Machine
       Learning Research 12, 2011.

    Examples
    --------
    >>> opt = adagrad()
    >>> w, _ = opt.update(np.array([3.0, -0.5]), opt.init([0.0, 0.0]), np.zeros(2), lr=0.1)
    >>> print(w)
    [-0.1  0.1]
    """
    eps = checks.positive("eps", eps)
    s0 = checks.non_negative("initial_accumulator_value", initial_accumulator_value)

    def init(params):
        return AdagradState(np.full_like(_zeros(params), s0))

    def update(grad, state, params, lr):
        s = state.sum_sq + grad * grad
        return params - lr * grad / (np.sqrt(s) + eps), AdagradState(s)

    hyper = {"eps": eps, "initial_accumulator_value": s0}
    return Optimizer("adagrad", hyper, init, update)


def rmsprop(alpha=0.99, eps=1e-8, momentum=0.0, centered=False):
    """RMSProp: divide by a running root mean square of the gradients.

    As ``torch.optim.RMSprop`` with ``weight_decay=0``.

    Parameters
    ----------
    alpha : float, default 0.99
        Smoothing constant :math:`\\alpha \\in [0, 1)` of the averages.
    eps : float, default 1e-8
        Added to the root (outside it, as in PyTorch) (> 0).
    momentum : float, default 0.0
        :math:`\\mu \\in [0, 1)`, momentum on the scaled step.
    centered : bool, default False
        Divide by an estimate of the standard deviation instead: subtract the
        squared running mean of the gradients.

    Returns
    -------
    Optimizer
        State :class:`RMSpropState`.

    Notes
    -----
    With :math:`r_0 = m_0 = b_0 = 0`,

    .. math::

        r_{t+1} = \\alpha r_t + (1 - \\alpha) g_t^2, \\qquad
        m_{t+1} = \\alpha m_t + (1 - \\alpha) g_t \\ \\text{(centered only)},

        a_{t+1} = \\sqrt{r_{t+1} - m_{t+1}^2} + \\epsilon
        \\ \\text{(centered) or} \\ \\sqrt{r_{t+1}} + \\epsilon,

        b_{t+1} = \\mu b_t + g_t / a_{t+1}, \\qquad
        w_{t+1} = w_t - \\eta_t b_{t+1}

    (with :math:`\\mu = 0`, simply :math:`w_{t+1} = w_t - \\eta_t g_t / a_{t+1}`).

    References
    ----------
    .. [1] T. Tieleman and G. Hinton, "Lecture 6.5 -- RMSProp: divide the
       gradient by a running average of its recent magnitude", COURSERA:
       Neural Networks for Machine Learning, 2012.
    .. [2] A. Graves, "Generating sequences with recurrent neural networks",
       arXiv:1308.0850, 2013 (the centered form).

    Examples
    --------
    >>> opt = rmsprop()
    >>> w, _ = opt.update(np.array([2.0]), opt.init([0.0]), np.zeros(1), lr=0.01)
    >>> print(f"{w[0]:.6f}")
    -0.100000
    """
    alpha = checks.in_interval("alpha", alpha, 0, 1)
    eps = checks.positive("eps", eps)
    mu = checks.in_interval("momentum", momentum, 0, 1)
    centered = checks.one_of("centered", centered, (False, True))

    def init(params):
        zeros = _zeros(params)
        return RMSpropState(zeros, zeros.copy(), zeros.copy())

    def update(grad, state, params, lr):
        r = alpha * state.square_avg + (1 - alpha) * grad * grad
        m = state.grad_avg
        if centered:
            m = alpha * m + (1 - alpha) * grad
            avg = np.sqrt(r - m * m) + eps
        else:
            avg = np.sqrt(r) + eps
        if mu:
            b = mu * state.velocity + grad / avg
            return params - lr * b, RMSpropState(r, m, b)
        return params - lr * grad / avg, RMSpropState(r, m, state.velocity)

    hyper = {"alpha": alpha, "eps": eps, "momentum": mu, "centered": bool(centered)}
    return Optimizer("rmsprop", hyper, init, update)


def _adam(name, betas, eps, weight_decay, amsgrad, decoupled):
    beta1, beta2 = _check_betas(betas)
    eps = checks.positive("eps", eps)
    wd = checks.non_negative("weight_decay", weight_decay)
    amsgrad = checks.one_of("amsgrad", amsgrad, (False, True))

    def init(params):
        zeros = _zeros(params)
        return AdamState(0, zeros, zeros.copy(), zeros.copy())

    def update(grad, state, params, lr):
        if wd and decoupled:
            params = params * (1 - lr * wd)
        elif wd:
            grad = grad + wd * params
        t = state.count + 1
        m = beta1 * state.exp_avg + (1 - beta1) * grad
        v = beta2 * state.exp_avg_sq + (1 - beta2) * grad * grad
        v_max = np.maximum(state.max_exp_avg_sq, v) if amsgrad else state.max_exp_avg_sq
        bias1 = 1 - beta1**t
        bias2_sqrt = (1 - beta2**t) ** 0.5
        denom = np.sqrt(v_max if amsgrad else v) / bias2_sqrt + eps
        new_params = params - (lr / bias1) * (m / denom)
        return new_params, AdamState(t, m, v, v_max)

    hyper = {
        "betas": (beta1, beta2),
        "eps": eps,
        "weight_decay": wd,
        "amsgrad": bool(amsgrad),
    }
    return Optimizer(name, hyper, init, update)


def adam(betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
    """Adam: momentum and RMSProp with bias correction, as ``torch.optim.Adam``.

    Parameters
    ----------
    betas : pair of float, default (0.9, 0.999)
        Decay rates :math:`\\beta_1, \\beta_2 \\in [0, 1)` of the first and
        second moment estimates.
    eps : float, default 1e-8
        Added to the bias-corrected root, outside it (> 0).
    weight_decay : float, default 0.0
        :math:`\\lambda \\ge 0`, added to the gradient as :math:`\\lambda w`
        (L2, which the adaptive scaling then rescales; see :func:`adamw`).
    amsgrad : bool, default False
        Divide by the running maximum of the second moment (AMSGrad).

    Returns
    -------
    Optimizer
        State :class:`AdamState`.

    Notes
    -----
    With :math:`m_0 = v_0 = \\hat v_0 = 0`, :math:`d_t = g_t + \\lambda w_t`
    and steps counted from :math:`t = 1`,

    .. math::

        m_t = \\beta_1 m_{t-1} + (1 - \\beta_1) d_t, \\qquad
        v_t = \\beta_2 v_{t-1} + (1 - \\beta_2) d_t^2,

        w_t = w_{t-1} - \\frac{\\eta_t}{1 - \\beta_1^t}\\,
        \\frac{m_t}{\\sqrt{u_t} / \\sqrt{1 - \\beta_2^t} + \\epsilon},

    where :math:`u_t = v_t`, or with AMSGrad
    :math:`u_t = \\hat v_t = \\max(\\hat v_{t-1}, v_t)`.

    References
    ----------
    .. [1] D. P. Kingma and J. Ba, "Adam: a method for stochastic
       optimization", ICLR 2015.
    .. [2] S. J. Reddi, S. Kale and S. Kumar, "On the convergence of Adam and
       beyond", ICLR 2018 (AMSGrad).

    Examples
    --------
    Adam's first step moves every coordinate by about the rate, whatever the
    gradient's scale:

    >>> opt = adam()
    >>> w, state = opt.update(np.array([1e-3, 1e3]), opt.init([0.0, 0.0]), np.zeros(2), lr=0.1)
    >>> print(np.round(w, 4), state.count)
    [-0.1 -0.1] 1
    """
    return _adam("adam", betas, eps, weight_decay, amsgrad, decoupled=False)


def adamw(betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
    """AdamW: Adam with decoupled weight decay, as ``torch.optim.AdamW``.

    Parameters
    ----------
    betas, eps, amsgrad
        As for :func:`adam`.
    weight_decay : float, default 1e-2
        :math:`\\lambda \\ge 0`: the weights shrink by the factor
        :math:`1 - \\eta_t \\lambda` every step, outside the adaptive scaling.

    Returns
    -------
    Optimizer
        State :class:`AdamState`.

    Notes
    -----
    As :func:`adam` with :math:`d_t = g_t` (no L2 term in the gradient), and
    the decay applied to the weights first:

    .. math::

        w_{t-1}' = (1 - \\eta_t \\lambda)\\, w_{t-1}, \\qquad
        w_t = w_{t-1}' - \\frac{\\eta_t}{1 - \\beta_1^t}\\,
        \\frac{m_t}{\\sqrt{u_t} / \\sqrt{1 - \\beta_2^t} + \\epsilon}.

    References
    ----------
    .. [1] I. Loshchilov and F. Hutter, "Decoupled weight decay
       regularization", ICLR 2019.

    Examples
    --------
    With a zero gradient only the decay acts:

    >>> opt = adamw(weight_decay=0.5)
    >>> w, _ = opt.update(np.zeros(1), opt.init([2.0]), np.array([2.0]), lr=0.1)
    >>> print(w)
    [1.9]
    """
    return _adam("adamw", betas, eps, weight_decay, amsgrad, decoupled=True)


def lion(betas=(0.9, 0.99), weight_decay=0.0):
    """Lion: step by the sign of a blend of the momentum and the gradient.

    ``torch.optim`` does not ship it; this is the algorithm of Chen et al.
    (2023) as their reference implementation writes it, defaults included.

    Parameters
    ----------
    betas : pair of float, default (0.9, 0.99)
        :math:`\\beta_1, \\beta_2 \\in [0, 1)`: the blend of momentum and
        gradient that gives the step's sign, and the decay of the momentum.
    weight_decay : float, default 0.0
        :math:`\\lambda \\ge 0`, decoupled as in :func:`adamw`: the weights
        shrink by the factor :math:`1 - \\eta_t \\lambda` every step.

    Returns
    -------
    Optimizer
        State :class:`LionState`.

    Notes
    -----
    With :math:`m_0 = 0` and the sign taken coordinate by coordinate
    (:math:`\\operatorname{sign} 0 = 0`),

    .. math::

        c_t = \\beta_1 m_{t-1} + (1 - \\beta_1) g_t, \\qquad
        w_t = w_{t-1} - \\eta_t \\left(\\operatorname{sign}(c_t)
        + \\lambda w_{t-1}\\right), \\qquad
        m_t = \\beta_2 m_{t-1} + (1 - \\beta_2) g_t .

    Every coordinate moves by exactly :math:`\\eta_t` (plus the decay),
    whatever the gradient's size: the step's length is set by the rate alone.
    The momentum that carries over (:math:`\\beta_2`) decays more slowly than
    the blend that sets the step (:math:`\\beta_1`).

    References
    ----------
    .. [1] X. Chen, C. Liang, D. Huang, E. Real, K. Wang, Y. Liu, H. Pham,
       X. Dong, T. Luong, C.-J. Hsieh, Y. Lu and Q. V. Le, "Symbolic
       discovery of optimization algorithms", NeurIPS 2023 (arXiv:2302.06675).

    Examples
    --------
    The first step moves every coordinate by the rate, against the gradient:

    >>> opt = lion()
    >>> w, state = opt.update(np.array([1e-3, -1e3]), opt.init([0.0, 0.0]), np.zeros(2), lr=0.1)
    >>> print(w, state.exp_avg)
    [-0.1  0.1] [ 1.e-05 -1.e+01]
    """
    beta1, beta2 = _check_betas(betas)
    wd = checks.non_negative("weight_decay", weight_decay)

    def init(params):
        return LionState(_zeros(params))

    def update(grad, state, params, lr):
        if wd:
            params = params * (1 - lr * wd)
        blend = beta1 * state.exp_avg + (1 - beta1) * grad
        m = beta2 * state.exp_avg + (1 - beta2) * grad
        return params - lr * np.sign(blend), LionState(m)

    hyper = {"betas": (beta1, beta2), "weight_decay": wd}
    return Optimizer("lion", hyper, init, update)


def clip_by_norm(grad, max_norm):
    """Rescale each start's gradient to norm at most about ``max_norm``.

    As ``torch.nn.utils.clip_grad_norm_`` on one parameter tensor per start:
    the norm is taken over all coordinates of a start (the last axis).

    Parameters
    ----------
    grad : array_like, shape (d,) or (..., d)
        One gradient, or one per start.
    max_norm : float
        Largest norm allowed (> 0).

    Returns
    -------
    numpy.ndarray
        The rescaled gradient, same shape; ``grad`` itself is not changed.

    Notes
    -----
    With :math:`\\lVert g \\rVert` the Euclidean norm over the start's coordinates,

    .. math::

        g \\leftarrow g \\cdot \\min\\left(1,
        \\frac{\\text{max\\_norm}}{\\lVert g \\rVert + 10^{-6}}\\right),

    so a gradient shorter than ``max_norm`` is kept (multiplied by 1) and a
    longer one ends up with norm just under ``max_norm``.

    Examples
    --------
    >>> print(clip_by_norm([3.0, 4.0], max_norm=1.0).round(6))
    [0.6 0.8]
    >>> print(clip_by_norm([[0.3, 0.4], [30.0, 40.0]], max_norm=1.0).round(6))
    [[0.3 0.4]
     [0.6 0.8]]
    """
    max_norm = checks.positive("max_norm", max_norm)
    g = np.asarray(grad, dtype=float)
    norm = np.sqrt((g * g).sum(axis=-1, keepdims=True))
    return g * np.minimum(max_norm / (norm + 1e-6), 1.0)


def resolve(optimizer=None, momentum=0.0, nesterov=False):
    """The optimizer a training loop uses: ``optimizer``, or ``sgd(momentum, nesterov)``.

    The loops' ``momentum=`` and ``nesterov=`` are shorthands for
    :func:`sgd`; giving them together with an optimizer is an error.

    Parameters
    ----------
    optimizer : Optimizer or None
    momentum : float, default 0.0
    nesterov : bool, default False

    Returns
    -------
    Optimizer

    Examples
    --------
    >>> resolve(None, momentum=0.9)
    sgd(momentum=0.9, nesterov=False, weight_decay=0.0)
    >>> resolve(adam())
    adam(betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0, amsgrad=False)
    """
    if optimizer is None:
        return sgd(momentum=momentum, nesterov=nesterov)
    if not isinstance(optimizer, Optimizer):
        raise ValueError(
            "optimizer must be None or a gdcourse.optimizers.Optimizer, "
            f"got {optimizer!r}"
        )
    if not (momentum == 0 and nesterov is False):
        raise ValueError(
            "momentum and nesterov must keep their defaults when an optimizer is "
            f"given (use sgd(momentum=..., nesterov=...)), got momentum={momentum!r}, "
            f"nesterov={nesterov!r}"
        )
    return optimizer

"""Checkers of chapter 8: vanishing gradients."""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real

import numpy as np

from . import diagnose as dg
from .core import check, describe

__all__ = [
    "check_sigmoid_layer_backward",
    "check_he_variance",
    "check_clip_by_norm",
    "check_vanishing_fix",
    "PATIENT",
]


def _sigmoid_layer_backward(x, W, b, grad_a):
    return x.T @ _delta(x, W, b, grad_a)


def _delta(x, W, b, grad_a):
    a = _sigmoid(x @ W + b)
    return grad_a * a * (1.0 - a)


def _sigmoid(z):
    from gdcourse import models

    return models.sigmoid(z)


def _with_slope(slope):
    """The backward pass with ``slope(x, W, b)`` in place of the sigmoid's slope."""
    return lambda x, W, b, grad_a: x.T @ (grad_a * slope(x, W, b))


_SIGMOID_BACKWARD_MISTAKES = (
    dg.variant(
        lambda x, W, b, grad_a: x.T @ grad_a,
        "the sigmoid's slope is missing: x^T grad_a",
        "the chain rule passes through z = xW + b, and a = sigma(z) has its own derivative",
    ),
    dg.variant(
        _with_slope(lambda x, W, b: _sigmoid(x @ W + b)),
        "sigma(z) where its derivative sigma'(z) was meant",
        "sigma'(z) = sigma(z) (1 - sigma(z)): a factor (1 - a) is missing",
    ),
    dg.variant(
        _with_slope(lambda x, W, b: 1 - _sigmoid(x @ W + b)),
        "1 - sigma(z) where its derivative sigma'(z) was meant",
        "sigma'(z) = sigma(z) (1 - sigma(z)): a factor a is missing",
    ),
    dg.variant(
        _with_slope(lambda x, W, b: (x @ W + b) * (1 - (x @ W + b))),
        "the slope computed from the pre-activation z where the activation a = sigma(z) was meant",
        "sigma'(z) = a (1 - a) is written with the layer's output a, not with z",
    ),
    dg.variant(
        _with_slope(lambda x, W, b: _sigmoid(x @ W) * (1 - _sigmoid(x @ W))),
        "a pre-activation without its bias",
        "the sigmoid's slope is taken at z = xW + b, bias included",
    ),
    dg.variant(
        _delta,
        "the layer's delta df/dz, shape (n, k), not the gradient of W",
        "one step is left: the gradient of W pairs every input column of x "
        "with every column of the delta, summed over the batch",
    ),
    dg.variant(
        lambda x, W, b, grad_a: _delta(x, W, b, grad_a) @ W.T,
        "delta W^T, the gradient with respect to the layer's input x",
        "that is what the layer passes down to the layer below; "
        "the gradient of W pairs the delta with the input x instead",
    ),
    dg.variant(
        lambda x, W, b, grad_a: _sigmoid_layer_backward(x, W, b, grad_a).T,
        "the transpose of the expected answer",
        "the gradient with respect to W has the shape of W, (inputs, outputs)",
    ),
    dg.sign(
        "sigma'(z) = a (1 - a) is positive, and the function returns "
        "the gradient, not the descent step"
    ),
    dg.variant(
        lambda x, W, b, grad_a: len(x) * _sigmoid_layer_backward(x, W, b, grad_a),
        "the expected answer times n (the batch size)",
        "grad_a is already the loss's gradient, with any 1/n of a mean in it; "
        "the sum over the batch needs no extra factor",
    ),
    dg.variant(
        lambda x, W, b, grad_a: _sigmoid_layer_backward(x, W, b, grad_a) / len(x),
        "the expected answer divided by n (the batch size)",
        "grad_a already holds the loss's gradient; the sum over the batch needs no extra mean",
    ),
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


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
    with :math:`f` the loss,

    .. math::

        \\delta = \\frac{\\partial f}{\\partial z} = \\frac{\\partial f}{\\partial a} \\odot a \\odot (1 - a),
        \\qquad
        \\frac{\\partial f}{\\partial W} = x^\\top \\delta .

    The first case has a different size on every axis (``n, m, k = 2, 3, 1``),
    so that a delta, an input gradient or a transpose returned instead
    shows in its shape.

    Examples
    --------
    >>> def sigmoid_layer_backward(x, W, b, grad_a):
    ...     a = 1 / (1 + np.exp(-(x @ W + b)))
    ...     return x.T @ (grad_a * a * (1 - a))
    >>> check_sigmoid_layer_backward(sigmoid_layer_backward)
    All 4 cases passed: sigmoid_layer_backward(x, W, b, grad_a) is right.

    A classic mistake, the layer's delta returned as the answer:

    >>> def delta_only(x, W, b, grad_a):
    ...     a = 1 / (1 + np.exp(-(x @ W + b)))
    ...     return grad_a * a * (1 - a)
    >>> check_sigmoid_layer_backward(delta_only)
    0 of 4 cases passed before one failed.
    Case 1: sigmoid_layer_backward(array([[-1.74, -1.34, -1.36],
     [-0.35, -2.31, -0.19]]), array([[-0.96],
     [ 0.89],
     [ 0.96]]), array([1.39]), array([[ 0.77],
     [-0.05]]))
      expected: array([[-0.305717],
     [-0.211535],
     [-0.23993 ]])
      got:      array([[ 0.178056],
     [-0.011714]])
      the answer has shape (2, 1), expected shape (3, 1)
      It looks like the layer's delta df/dz, shape (n, k), not the gradient of W. Hint: one step is left: the gradient of W pairs every input column of x with every column of the delta, summed over the batch.
    """
    rng = np.random.default_rng(8)
    cases = []
    for n, m, k in [(2, 3, 1), (4, 2, 3), (5, 3, 2), (1, 1, 1)]:
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
        diagnoses=_SIGMOID_BACKWARD_MISTAKES,
    )


def _leaky_he_variance(fan_in, alpha):
    # gdcourse.models has no leaky ReLU: He's ReLU variance (the package's
    # own) divided by (1 + alpha^2), the leaky ReLU's extra second moment
    from gdcourse import models

    return models.init_std("he", fan_in, 1) ** 2 / (1.0 + alpha**2)


_HE_VARIANCE_MISTAKES = (
    dg.variant(
        lambda fan_in, alpha: 2.0 / fan_in,
        "the ReLU's variance 2/fan_in, whatever the slope alpha",
        "a leaky ReLU passes part of the negative half too, "
        "so it keeps more than half of the second moment",
    ),
    dg.variant(
        lambda fan_in, alpha: 1.0 / fan_in,
        "1/fan_in, the variance of a layer that keeps the whole second moment "
        "(a linear layer, or Glorot's with as many outputs as inputs)",
        "only the positive half passes unchanged; the negative half is scaled by alpha",
    ),
    dg.variant(
        lambda fan_in, alpha: 2.0 / ((1.0 + alpha) * fan_in),
        "the slope alpha where its square belongs",
        "a second moment averages a**2, and on the negative half a = alpha z",
    ),
    dg.variant(
        lambda fan_in, alpha: np.sqrt(_leaky_he_variance(fan_in, alpha)),
        "the standard deviation where the variance was meant",
        "the variance is the square of the spread",
    ),
    dg.variant(
        lambda fan_in, alpha: 1.0 / _leaky_he_variance(fan_in, alpha),
        "the reciprocal of the expected variance",
        "more inputs add more terms to each sum, so each weight must be smaller",
    ),
    dg.variant(
        lambda fan_in, alpha: 2.0 * _leaky_he_variance(fan_in, alpha),
        "the expected answer times 2",
        "the activation takes its share of the second moment once per layer; "
        "the weights make up for that share once, not twice",
    ),
    dg.variant(
        lambda fan_in, alpha: _leaky_he_variance(fan_in, alpha) / 2.0,
        "the expected answer divided by 2",
        "the activation lowers the second moment: the weights must make up for it",
    ),
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


def check_he_variance(function):
    """Check ``function(fan_in, alpha)``: the weight variance that keeps a leaky-ReLU network's signal steady.

    A layer with ``fan_in`` inputs, each the output of a leaky ReLU
    :math:`\\varphi(z) = z` for :math:`z > 0` and :math:`\\alpha z`
    otherwise, with weights independent of its input and symmetric about 0
    and biases 0: the answer is the weight variance that keeps the second
    moment of the pre-activations the same from layer to layer. With
    ``alpha = 0`` it is He initialisation's, the one of
    :func:`gdcourse.models.init_params` with ``init="he"``.

    Parameters
    ----------
    function : callable
        The reader's answer.

    Returns
    -------
    CheckResult

    Notes
    -----
    A pre-activation :math:`z = \\sum_{j=1}^{n} W_j a_j` of independent
    zero-mean weights has :math:`\\mathbb E[z^2] = n \\operatorname{Var} W
    \\, \\mathbb E[a^2]`, and a leaky ReLU of a symmetric :math:`z` keeps
    :math:`\\mathbb E[a^2] = \\tfrac12 (1 + \\alpha^2) \\mathbb E[z^2]`.
    The second moment stays the same from layer to layer when

    .. math:: \\operatorname{Var} W = \\frac{2}{(1 + \\alpha^2)\\, n_\\text{in}} ,

    He et al.'s condition for their parametric ReLU (:math:`\\alpha = 0`:
    the ReLU; :math:`\\alpha = 1`: a linear layer).

    References
    ----------
    .. [1] K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers:
       surpassing human-level performance on ImageNet classification", ICCV 2015.

    Examples
    --------
    >>> check_he_variance(lambda fan_in, alpha: 2 / ((1 + alpha**2) * fan_in))
    All 5 cases passed: he_variance(fan_in, alpha) is right.

    A classic mistake, the ReLU's variance whatever the slope:

    >>> check_he_variance(lambda fan_in, alpha: 2 / fan_in)
    1 of 5 cases passed before one failed.
    Case 2: he_variance(2, 0.5)
      expected: 0.8
      got:      1
      the numbers differ
      It looks like the ReLU's variance 2/fan_in, whatever the slope alpha. Hint: a leaky ReLU passes part of the negative half too, so it keeps more than half of the second moment.
    """
    cases = [(50, 0.0), (2, 0.5), (100, 1.0), (3, 0.2), (784, 0.1)]
    return check(
        function,
        _leaky_he_variance,
        cases,
        name="he_variance(fan_in, alpha)",
        diagnoses=_HE_VARIANCE_MISTAKES,
    )


# ----------------------------------------------------------------------------
# Exercise 8.5: clipping a gradient by its norm
# ----------------------------------------------------------------------------


def _clip_by_norm(g, max_norm):
    from gdcourse import optimizers

    return optimizers.clip_by_norm(g, max_norm)


def _norm(g):
    return np.sqrt(np.sum(np.asarray(g, dtype=float) ** 2))


def _scaled(g, max_norm, norm, scale):
    """``g`` times ``scale(max_norm, norm)`` when ``norm`` exceeds ``max_norm``, else ``g``."""
    n = norm(g)
    return g * scale(max_norm, n) if n > max_norm else g


_CLIP_BY_NORM_MISTAKES = (
    dg.variant(
        lambda g, max_norm: np.clip(g, -max_norm, max_norm),
        "each coordinate clipped to [-max_norm, max_norm] on its own",
        "clipping by the norm shortens the whole vector and keeps its direction; "
        "clipping each coordinate changes the direction, and lets through a "
        "vector whose coordinates are all small but whose length is not",
    ),
    dg.variant(
        lambda g, max_norm: g * max_norm / _norm(g),
        "every gradient rescaled to length max_norm, the short ones too",
        "a gradient no longer than max_norm is kept as it is; only a longer one "
        "is shortened",
    ),
    dg.variant(
        lambda g, max_norm: _scaled(g, max_norm, _norm, lambda m, n: 1.0 / n),
        "a long gradient divided by its norm without the factor max_norm: "
        "a unit vector",
        "the clipped gradient has length max_norm, not 1",
    ),
    dg.variant(
        lambda g, max_norm: g * max(1.0, max_norm / _norm(g)),
        "short gradients stretched to length max_norm and long ones kept",
        "clipping only ever shortens: the factor that multiplies the gradient "
        "is never above 1",
    ),
    dg.variant(
        lambda g, max_norm: _scaled(
            g, max_norm, lambda v: np.sum(v**2), lambda m, n: m / n
        ),
        "the squared norm where the norm belongs",
        "the length of a vector is the square root of the sum of its squared "
        "coordinates (np.linalg.norm)",
    ),
    dg.variant(
        lambda g, max_norm: _scaled(
            g, max_norm, lambda v: np.sum(np.abs(v)), lambda m, n: m / n
        ),
        "the sum of absolute values (the L1 norm) where the Euclidean norm belongs",
        "the gradient's norm is its Euclidean length, np.linalg.norm(g)",
    ),
    dg.variant(
        lambda g, max_norm: _scaled(
            g, max_norm, lambda v: np.max(np.abs(v)), lambda m, n: m / n
        ),
        "the largest absolute coordinate where the Euclidean norm belongs",
        "the gradient's norm is its Euclidean length, np.linalg.norm(g)",
    ),
    dg.variant(
        lambda g, max_norm: (
            g * (max_norm / _norm(g)) if np.max(np.abs(g)) > max_norm else g
        ),
        "the test made on the largest coordinate, |g_i| > max_norm, where the "
        "length belongs",
        "a gradient whose every coordinate is below max_norm can still be "
        "longer than max_norm: compare its length with max_norm",
    ),
    dg.variant(
        lambda g, max_norm: _scaled(g, max_norm, _norm, lambda m, n: n / m),
        "a long gradient multiplied by norm / max_norm, the factor upside down: "
        "it comes back longer",
        "the factor turns the length norm into max_norm",
    ),
    dg.variant(
        lambda g, max_norm: _scaled(g, max_norm, _norm, lambda m, n: 1.0 / m),
        "a long gradient divided by max_norm, without its norm: its length "
        "becomes norm / max_norm",
        "the factor turns the length norm into max_norm",
    ),
    dg.variant(
        lambda g, max_norm: min(1.0, max_norm / _norm(g)),
        "the factor alone, one number, not the clipped gradient",
        "return the gradient multiplied by that factor",
    ),
    dg.variant(
        lambda g, max_norm: min(_norm(g), max_norm),
        "the clipped length, one number, not the clipped gradient",
        "return a vector of that length pointing the way g points",
    ),
    dg.sign("clipping shortens the gradient; it never turns it around"),
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


def check_clip_by_norm(function):
    """Check ``function(g, max_norm)``: a gradient clipped to norm at most ``max_norm``.

    Exercise 8.5.  A gradient longer than ``max_norm`` is rescaled to length
    ``max_norm``, keeping its direction; a shorter one is returned unchanged.
    The reference is :func:`gdcourse.optimizers.clip_by_norm`, PyTorch's
    ``clip_grad_norm_`` for one tensor, whose ``1e-6`` added to the norm is
    within the check's tolerance.

    Parameters
    ----------
    function : callable
        The reader's clipping.

    Returns
    -------
    CheckResult

    Notes
    -----
    .. math:: g \\leftarrow g \\cdot \\min\\left(1, \\frac{\\text{max\\_norm}}{\\lVert g \\rVert}\\right) .

    The cases include a gradient whose every coordinate is below
    ``max_norm`` but whose length is not (clipping coordinates lets it
    through), short gradients (which must come back unchanged), a zero
    gradient, and long ones with ``max_norm`` other than 1 (where a unit
    vector is not the answer).

    Examples
    --------
    >>> def clip(g, max_norm):
    ...     norm = np.linalg.norm(g)
    ...     return g * min(1.0, max_norm / norm) if norm > 0 else g
    >>> check_clip_by_norm(clip)
    All 6 cases passed: clip_by_norm(g, max_norm) is right.

    A classic mistake, clipping each coordinate:

    >>> check_clip_by_norm(lambda g, max_norm: np.clip(g, -max_norm, max_norm))
    0 of 6 cases passed before one failed.
    Case 1: clip_by_norm(array([ 6., -8.]), 2)
      expected: array([ 1.2, -1.6])
      got:      array([ 2., -2.])
      the numbers differ
      It looks like each coordinate clipped to [-max_norm, max_norm] on its own. Hint: clipping by the norm shortens the whole vector and keeps its direction; clipping each coordinate changes the direction, and lets through a vector whose coordinates are all small but whose length is not.
    """
    cases = [
        (np.array([6.0, -8.0]), 2.0),
        (np.array([0.3, 0.4]), 1.0),
        (np.array([0.8, 0.8, 0.8, 0.8]), 1.0),
        (np.array([30.0, 0.0, 40.0]), 10.0),
        (np.array([0.0, 0.0]), 1.0),
        (np.array([-1.5, 2.0]), 5.0),
    ]
    return check(
        function,
        _clip_by_norm,
        cases,
        name="clip_by_norm(g, max_norm)",
        rtol=1e-5,
        diagnoses=_CLIP_BY_NORM_MISTAKES,
    )


# ----------------------------------------------------------------------------
# Exercise 8.4: which layers vanish, and which initialisation fixes it
# ----------------------------------------------------------------------------

#: Exercise 8.4's network: its activation, initialisation, hidden layers and
#: width on the chapter's two moons; a layer vanishes when its gradient norm
#: is below ``ratio`` times the largest layer's, measured at ``seed``; a fix
#: must leave no such layer at any of ``seeds``; ``deeper`` hidden layers is
#: the depth the report on a fix compares with.
PATIENT = {
    "activation": "sigmoid",
    "init": "He",
    "hidden": 8,
    "width": 32,
    "seed": 0,
    "ratio": 0.01,
    "seeds": (0, 1, 2, 3, 4),
    "deeper": 12,
}


def _inits():
    """The initialisations the chapter's explorer offers: label -> (init, std)."""
    from gdcourse.widgets.vanishing_gradients import VANISHING_INITS

    return VANISHING_INITS


def patient_grad_norms(init=None, seed=None, std=None, hidden=None):
    """Gradient norms of the layers of exercise 8.4's network, at initialisation.

    Parameters
    ----------
    init : str, optional
        A label of the explorer's initialisations; default the network's own.
    seed : int, optional
        Seed of the initial weights; default ``PATIENT["seed"]``.
    std : float, optional
        Instead of ``init``, draw every layer's weights from a normal
        distribution with this standard deviation (``init="normal"``).
    hidden : int, optional
        Hidden layers; default ``PATIENT["hidden"]``.

    Returns
    -------
    numpy.ndarray, shape (hidden + 1,)
        :math:`\\lVert \\partial f / \\partial W_l \\rVert_F`, layer 1 (the input
        layer's weights) first, from :meth:`gdcourse.models.MLP.layer_grad_norms`.

    Examples
    --------
    >>> norms = patient_grad_norms(std=1.0, hidden=3)
    >>> norms.shape
    (4,)
    """
    from gdcourse import data, models

    if std is None:
        name, std = _inits()[init or PATIENT["init"]]
    else:
        name = "normal"
    sizes = [2] + [PATIENT["width"]] * (hidden or PATIENT["hidden"]) + [1]
    net = models.MLP(
        sizes, activation=PATIENT["activation"], task="binary", init=name, std=std
    )
    moons = data.two_moons(n=400, noise=0.2, seed=0)
    params = net.init_params(PATIENT["seed"] if seed is None else seed)
    return net.layer_grad_norms(params, moons.X_train, moons.y_train)


def _vanishing(norms):
    """1-based numbers of the layers below ``PATIENT["ratio"]`` of the largest."""
    return {int(i) + 1 for i in np.flatnonzero(norms < PATIENT["ratio"] * norms.max())}


def _layers_verdict(layers):
    """(ok, text) for part (a): the layers the reader named."""
    norms = patient_grad_norms()
    n, truth = len(norms), _vanishing(norms)
    threshold = "1/100 of the largest layer's"
    if isinstance(layers, (str, bytes)) or not isinstance(
        layers, (Sequence, np.ndarray, set, frozenset)
    ):
        return False, (f"Give the layers as a list of numbers, got {describe(layers)}.")
    values = list(layers)
    if len(values) == n and all(isinstance(v, (bool, np.bool_)) for v in values):
        return False, (
            "This looks like a mask, one True or False per layer. Hint: give "
            f"the numbers of the layers, 1 (the input layer's weights) to {n}."
        )
    if not all(
        isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
        for v in values
    ):
        return False, f"The layers must be whole numbers, got {describe(layers)}."
    got = {int(v) for v in values}
    if got == truth:
        return True, (
            f"Right: layers {', '.join(map(str, sorted(got)))} have a gradient "
            f"below {threshold}."
        )
    everything = set(range(1, n + 1))
    cases = [
        (
            {v - 1 for v in truth},
            "it looks like the layers are numbered from 0",
            f"the figures number the weight layers from 1 (the input layer's "
            f"weights) to {n} (the output layer's)",
        ),
        (
            {n + 1 - v for v in truth},
            "it looks like the layers are counted from the output",
            f"layer 1 is the input layer's weights, the first entry of "
            f"layer_grad_norms, and layer {n} the output layer's",
        ),
        (
            everything - truth,
            "these are the layers whose gradients do not vanish",
            f"the question asks for the layers below {threshold}",
        ),
        (
            everything,
            "not every layer vanishes",
            f"a layer vanishes when its gradient norm is below {threshold}, "
            "and the largest cannot be below a share of itself",
        ),
        (
            {1},
            "the first layer is not the only one",
            f"compare every layer's gradient norm with {threshold}, not only "
            "the smallest",
        ),
    ]
    for wrong, what, hint in cases:
        if got == wrong:
            return False, f"Not yet: {what}. Hint: {hint}."
    if len(got ^ truth) == 1 and max(got ^ truth) in (max(truth), max(truth) + 1):
        return False, (
            "Not yet: one layer too many or too few where the gradients cross "
            f"the threshold. Hint: compare the layers near it with {threshold} "
            "again, as measured at seed 0."
        )
    return False, (
        f"Not yet: these are not the layers whose gradient is below "
        f"{threshold}. Hint: measure them (layer_grad_norms with seed "
        f"{PATIENT['seed']}, or the explorer) and compare each with the largest."
    )


def _below(value, target):
    """``value``, below ``target``, in digits that do not round it up to the target."""
    for digits in (2, 3, 4):
        text = f"{value:.{digits}g}"
        if float(text) < target:
            return text
    return f"just below {target:g}"


def _measured(std, hidden=None):
    """For each seed of ``PATIENT``: (smallest / largest, layer of each, factor per layer, seed).

    The factor per layer is :math:`(g_1 / g_K)^{1/(K-1)}`, with :math:`g_l`
    the gradient norm of layer :math:`l` of :math:`K`: the geometric mean of
    the ratios of each layer's gradient to the one above it.
    """
    out = []
    for seed in PATIENT["seeds"]:
        norms = patient_grad_norms(seed=seed, std=std, hidden=hidden)
        factor = (norms[0] / norms[-1]) ** (1.0 / (len(norms) - 1))
        low, high = int(np.argmin(norms)), int(np.argmax(norms))
        ratio = float(norms[low] / norms[high])
        out.append((ratio, low + 1, high + 1, factor, seed))
    return out


def _std_verdict(std):
    """(ok, text) for part (b): the standard deviation the reader chose."""
    from gdcourse import models

    width, seeds = PATIENT["width"], PATIENT["seeds"]
    call = f'deep_net("sigmoid", "normal", std, hidden={PATIENT["hidden"]})'
    if isinstance(std, str):
        return False, (
            "Give a standard deviation, a number: the check draws every "
            "layer's weights from a normal distribution with it, as "
            f"{call} does."
        )
    if (
        not isinstance(std, Real)
        or isinstance(std, bool)
        or not np.isfinite(std)
        or std <= 0
    ):
        return False, f"std must be a positive number, got {describe(std)}."
    std = float(std)
    measured = _measured(std)
    worst = min(measured)
    factors = [m[3] for m in measured]
    span = f"seeds {seeds[0]} to {seeds[-1]}"
    top = PATIENT["hidden"] + 1
    low, high = f"{min(factors):.2g}", f"{max(factors):.2g}"
    change = (
        f"from layer {top} down to layer 1 the gradient changes by a factor of "
        + (f"{low} to {high} per layer over {span}" if low != high else "")
        + (f"{low} per layer at each of {span}" if low == high else "")
    )
    if worst[0] >= PATIENT["ratio"]:
        deeper = min(_measured(std, PATIENT["deeper"]))[0]
        there = "still within" if deeper >= PATIENT["ratio"] else "below"
        return True, (
            f"Right at this depth: with std {std:g}, on each of {span} every "
            "layer's gradient is at least 1/100 of the largest layer's (the "
            f"smallest is {worst[0]:.2g} times the largest); {change}. "
            f"With {PATIENT['deeper']} hidden layers the same std leaves the "
            f"smallest at {deeper:.2g} times the largest, {there} 1/100."
        )
    said = (
        f"Not yet: with std {std:g}, at seed {worst[4]} (the worst of {span}) "
        f"layer {worst[1]}'s gradient is {_below(worst[0], PATIENT['ratio'])} "
        f"times the largest layer's (layer {worst[2]}'s); {change}."
    )
    known = {
        "He's": (
            models.init_std("he", width, width),
            f"for layers of {width} inputs, derived for ReLU units, which pass "
            "the gradient with slope 1",
        ),
        "Glorot's": (
            models.init_std("glorot", width, width),
            f"for layers of {width} inputs and {width} outputs, derived for "
            "units that are linear near zero, like tanh's, with slope 1 there",
        ),
    }
    own = [k for k, (v, _) in known.items() if abs(std / v - 1) < 0.05]
    if own:
        hint = (
            f"that is {own[0]} standard deviation {known[own[0]][1]}; a "
            "sigmoid's slope is at most 1/4 (its figure in this chapter)"
        )
    elif max(factors) < 1.0:
        hint = (
            "the gradient shrinks on its way down at every seed, and the "
            "factors of the layers multiply: the sigmoid's slopes and the size "
            "of the weights set each factor (the section 'A product of many "
            "factors'); measure how the factor per layer moves with the std"
        )
    elif min(factors) > 1.0:
        hint = (
            "the gradient grows on its way down at every seed, so the upper "
            "layers get the smallest gradients; measure how the factor per "
            "layer moves with the std"
        )
    else:
        hint = (
            "the factor per layer is below 1 at some seeds and above 1 at "
            "others; measure it at each seed, for a few stds"
        )
    end = "" if hint.endswith("?") else "."
    return False, f"{said}\nHint: {hint}{end}"


def check_vanishing_fix(layers, std):
    """Check a diagnosis and a fix: which layers' gradients vanish, and which weight size fixes it at this depth.

    Exercise 8.4, on :data:`PATIENT`: a sigmoid network of 8 hidden layers of
    32 units with He's initialisation, on the chapter's two moons.

    Parameters
    ----------
    layers : sequence of int
        (a) The weight layers, numbered 1 (the input layer's) to 9 (the
        output layer's), whose gradient norm at initialisation (seed 0) is
        below 1/100 of the largest layer's.
    std : float
        (b) A standard deviation for the weights of every layer, drawn from
        a normal distribution (``init="normal"``), checked by measuring the
        gradient norms it gives: it fixes the network at this depth when no
        layer's gradient is below 1/100 of the largest, for each of the
        seeds 0 to 4.

    Returns
    -------
    gdcourse.exercises.diagnose.Verdict
        Its ``ok`` and a report on each part, with a hint that points at the
        evidence (the measured factors per layer) for a part that is wrong.
        It never gives the right layers or a standard deviation that passes.

    Notes
    -----
    The factor per layer in the report is :math:`(g_1 / g_9)^{1/8}`, with
    :math:`g_l` the gradient norm of layer :math:`l`.  The standard
    deviations that pass at 8 hidden layers span about a decade, from about
    0.9 to about 9; above it the units saturate, the worst layer wanders
    around 1/100 from one std to the next, and a few larger ones pass as
    well (11 and 30 do, 10 and 20 do not).  The report on a std that passes
    adds what it does with ``PATIENT["deeper"]`` hidden layers, where fewer
    pass.

    Examples
    --------
    >>> check_vanishing_fix([0, 1, 2, 3, 4], 0.25)
    (a) Not yet: it looks like the layers are numbered from 0. Hint: the figures number the weight layers from 1 (the input layer's weights) to 9 (the output layer's).
    (b) Not yet: with std 0.25, at seed 4 (the worst of seeds 0 to 4) layer 1's gradient is 1.5e-05 times the largest layer's (layer 9's); from layer 9 down to layer 1 the gradient changes by a factor of 0.25 to 0.32 per layer over seeds 0 to 4.
    Hint: that is He's standard deviation for layers of 32 inputs, derived for ReLU units, which pass the gradient with slope 1; a sigmoid's slope is at most 1/4 (its figure in this chapter).
    """
    ok_a, text_a = _layers_verdict(layers)
    ok_b, text_b = _std_verdict(std)
    return dg.Verdict(ok_a and ok_b, f"(a) {text_a}\n(b) {text_b}")

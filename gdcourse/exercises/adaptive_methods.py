"""Checkers of chapter 9: adaptive methods."""

from __future__ import annotations

import numpy as np

from . import diagnose as dg
from .core import _matches, check, describe, finite_real

__all__ = ["check_adam_first_step", "check_adamw_step", "check_turned_ravine", "TURNED"]

_BETAS = (0.9, 0.999)


def _adam_first_step(grad, lr, eps):
    from gdcourse import optimizers

    adam = optimizers.adam(betas=_BETAS, eps=eps)
    w0 = np.zeros_like(np.asarray(grad, dtype=float))
    w1, _ = adam.update(grad, adam.init(w0), w0, lr)
    return w1 - w0


def _without_bias_correction(grad, lr, eps):
    beta1, beta2 = _BETAS
    m, v = (1 - beta1) * grad, (1 - beta2) * grad**2
    return -lr * m / (np.sqrt(v) + eps)


def _only_m_corrected(grad, lr, eps):
    beta1, beta2 = _BETAS
    m_hat, v = (1 - beta1) * grad / (1 - beta1), (1 - beta2) * grad**2
    return -lr * m_hat / (np.sqrt(v) + eps)


def _only_v_corrected(grad, lr, eps):
    beta1, beta2 = _BETAS
    m, v_hat = (1 - beta1) * grad, (1 - beta2) * grad**2 / (1 - beta2)
    return -lr * m / (np.sqrt(v_hat) + eps)


def _m_without_its_factor(grad, lr, eps):
    # m_1 written as g, then bias-corrected: 1 / (1 - beta1) times too long
    beta1, beta2 = _BETAS
    m_hat, v_hat = grad / (1 - beta1), (1 - beta2) * grad**2 / (1 - beta2)
    return -lr * m_hat / (np.sqrt(v_hat) + eps)


def _corrected_as_at_step_two(grad, lr, eps):
    # the correction factors of step t = 2, 1 - beta**2, at step 1
    beta1, beta2 = _BETAS
    m_hat = (1 - beta1) * grad / (1 - beta1**2)
    v_hat = (1 - beta2) * grad**2 / (1 - beta2**2)
    return -lr * m_hat / (np.sqrt(v_hat) + eps)


def _eps_before_correction(grad, lr, eps):
    # the paper's "efficient" ordering, also TensorFlow/Keras's: the rate
    # carries the correction, lr * sqrt(1 - beta2**t) / (1 - beta1**t), and
    # eps is added to the root of the uncorrected v
    beta1, beta2 = _BETAS
    m, v = (1 - beta1) * grad, (1 - beta2) * grad**2
    step = lr * np.sqrt(1 - beta2) / (1 - beta1)
    return -step * m / (np.sqrt(v) + eps)


def _root_of_square_as_g(grad, lr, eps):
    # sqrt(g**2) written as g: the denominator changes sign with the gradient
    return -lr * grad / (grad + eps)


def _eps_inside_root(grad, lr, eps):
    return -lr * grad / np.sqrt(grad**2 + eps)


def _without_eps(grad, lr, eps):
    return -lr * grad / np.abs(grad)


def _plain_gradient_step(grad, lr, eps):
    return -lr * grad


_ADAM_FIRST_STEP_MISTAKES = (
    dg.variant(
        _without_bias_correction,
        "Adam's first step without bias correction",
        "m and v start at 0, so after one step they are too small by the factors "
        "1 - beta1 and 1 - beta2; Adam divides these out",
    ),
    dg.variant(
        _only_m_corrected,
        "m bias-corrected but not v",
        "v_1 = (1 - beta2) g**2 is too small by the factor 1 - beta2 as well; "
        "divide it by 1 - beta2 before taking the square root",
    ),
    dg.variant(
        _only_v_corrected,
        "v bias-corrected but not m",
        "m_1 = (1 - beta1) g is too small by the factor 1 - beta1 as well; "
        "divide it by 1 - beta1",
    ),
    dg.variant(
        _m_without_its_factor,
        "a step 1 / (1 - beta1) = 10 times Adam's",
        "m_1 = (1 - beta1) g: it carries the factor 1 - beta1 that the bias "
        "correction divides out, so m_hat_1 = g",
    ),
    dg.variant(
        _corrected_as_at_step_two,
        "the bias correction of step t = 2, 1 - beta**2, at step 1",
        "the first step is t = 1: divide m_1 by 1 - beta1 and v_1 by 1 - beta2",
    ),
    dg.variant(
        _eps_before_correction,
        "eps added to the root of v before the bias correction, "
        "as TensorFlow/Keras (and the paper's faster form) do",
        "torch.optim.Adam bias-corrects v first and adds eps to the root of "
        "v_hat; added to the root of the uncorrected v, eps counts "
        "1 / sqrt(1 - beta2), about 32, times as much",
    ),
    dg.variant(
        _root_of_square_as_g,
        "the root of g**2 taken as g itself",
        "v_hat is a mean of squares, so its root is positive whatever the "
        "gradient's sign: each coordinate moves against its own gradient",
    ),
    dg.variant(
        _eps_inside_root,
        "eps inside the square root",
        "torch.optim.Adam adds eps to the square root of v, outside it",
    ),
    dg.variant(
        _without_eps,
        "no eps in the denominator",
        "torch.optim.Adam adds eps to the square root of v, so a step is "
        "shorter than lr wherever the gradient is not much larger than eps",
    ),
    dg.variant(
        _plain_gradient_step,
        "a plain gradient step, -lr * grad",
        "Adam divides the first moment by the root of the second, per coordinate",
    ),
    dg.sign(
        "the update is the change in the weights, which moves against the gradient"
    ),
    dg.factor(
        ("lr", lambda grad, lr, eps: lr),
        hint="the rate multiplies the whole update once",
        constant=False,
    ),
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


def _compare(got, expected):
    # the report prints 6 digits: when the two print alike, say by how much
    # they differ, so that "the numbers differ" never sits under equal text
    reason = _matches(got, expected, 1e-6, 1e-9)
    if reason != "the numbers differ" or describe(got) != describe(expected):
        return reason
    a, b = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    with np.errstate(all="ignore"):
        gap = np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-9))
    return (
        f"the numbers differ beyond the 6 digits shown: by up to {gap:.1g} "
        "of the expected value"
    )


def check_adam_first_step(function):
    """Check ``function(grad, lr, eps)``: the first update of Adam, ``w_1 - w_0``.

    The reader's function gets the gradient of the first step (an array), the
    rate and :math:`\\epsilon`, and returns the change in the weights after
    Adam's first step with the defaults of ``torch.optim.Adam``
    (:math:`\\beta_1 = 0.9`, :math:`\\beta_2 = 0.999`, bias correction), an
    array of the same shape as ``grad``.  The reference is
    :func:`gdcourse.optimizers.adam`.

    Parameters
    ----------
    function : callable
        The reader's first update.

    Returns
    -------
    CheckResult

    Notes
    -----
    From :math:`m_0 = v_0 = 0`, the first step gives :math:`m_1 = (1 - \\beta_1) g`
    and :math:`v_1 = (1 - \\beta_2) g^2`; bias correction divides them by
    :math:`1 - \\beta_1` and :math:`1 - \\beta_2`, so
    :math:`\\hat m_1 = g`, :math:`\\hat v_1 = g^2` and

    .. math::

        w_1 - w_0 = -\\eta \\, \\frac{\\hat m_1}{\\sqrt{\\hat v_1} + \\epsilon}
        = -\\eta \\, \\frac{g}{|g| + \\epsilon} ,

    a step of size :math:`\\eta` (up to :math:`\\epsilon`) in every coordinate
    where the gradient is not 0, whatever the gradient's scale.

    Examples
    --------
    >>> def adam_first_step(grad, lr, eps):
    ...     return -lr * grad / (np.abs(grad) + eps)
    >>> check_adam_first_step(adam_first_step)
    All 5 cases passed: adam_first_step(grad, lr, eps) is right.

    The classic mistake, forgetting the bias correction:

    >>> def no_correction(grad, lr, eps):
    ...     m, v = 0.1 * grad, 0.001 * grad**2
    ...     return -lr * m / (np.sqrt(v) + eps)
    >>> check_adam_first_step(no_correction)
    0 of 5 cases passed before one failed.
    Case 1: adam_first_step(array([ 0.5, -2. ]), 0.1, 1e-08)
      expected: array([-0.1,  0.1])
      got:      array([-0.316228,  0.316228])
      the numbers differ
      It looks like Adam's first step without bias correction. Hint: m and v start at 0, so after one step they are too small by the factors 1 - beta1 and 1 - beta2; Adam divides these out.
    """
    cases = [
        (np.array([0.5, -2.0]), 0.1, 1e-8),
        (np.array([1e-3, 1e3, -7.0]), 0.01, 1e-8),
        (np.array([3.0, 0.0, -0.25]), 0.5, 1e-8),
        (np.array([1e-8, -4e-8]), 0.1, 1e-8),  # eps matters at this scale
        (np.array([[2.0, -1.0], [0.1, 5.0]]), 0.001, 0.1),
    ]
    return check(
        function,
        _adam_first_step,
        cases,
        name="adam_first_step(grad, lr, eps)",
        diagnoses=_ADAM_FIRST_STEP_MISTAKES,
        compare=_compare,
    )


# ---------------------------------------------------------------------------
# Exercise 9.3: one step of AdamW
# ---------------------------------------------------------------------------

_EPS = 1e-8


def _adamw_step(w, grad, m, v, t, lr, weight_decay):
    from gdcourse import optimizers

    adamw = optimizers.adamw(betas=_BETAS, eps=_EPS, weight_decay=weight_decay)
    m, v = np.asarray(m, dtype=float), np.asarray(v, dtype=float)
    state = optimizers.AdamState(t - 1, m, v, np.zeros_like(v))
    w_new, state = adamw.update(grad, state, np.asarray(w, dtype=float), lr)
    return w_new, state.exp_avg, state.exp_avg_sq


def _moments(grad, m, v):
    beta1, beta2 = _BETAS
    return beta1 * m + (1 - beta1) * grad, beta2 * v + (1 - beta2) * grad**2


def _adam_direction(m, v, t):
    # the adaptive step of eq-adam, per unit rate
    beta1, beta2 = _BETAS
    return (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + _EPS)


def _l2_coupled(w, grad, m, v, t, lr, weight_decay):
    # torch.optim.Adam(weight_decay=...): the decay joins the gradient
    from gdcourse import optimizers

    adam = optimizers.adam(betas=_BETAS, eps=_EPS, weight_decay=weight_decay)
    state = optimizers.AdamState(t - 1, m, v, np.zeros_like(v))
    w_new, state = adam.update(grad, state, w, lr)
    return w_new, state.exp_avg, state.exp_avg_sq


def _decay_without_rate(w, grad, m, v, t, lr, weight_decay):
    m, v = _moments(grad, m, v)
    return (1 - weight_decay) * w - lr * _adam_direction(m, v, t), m, v


def _decay_scaled(w, grad, m, v, t, lr, weight_decay):
    # lambda * w divided by the adaptive denominator, the moments left alone
    beta2 = _BETAS[1]
    m, v = _moments(grad, m, v)
    denom = np.sqrt(v / (1 - beta2**t)) + _EPS
    return w - lr * (_adam_direction(m, v, t) + weight_decay * w / denom), m, v


def _no_bias_correction(w, grad, m, v, t, lr, weight_decay):
    m, v = _moments(grad, m, v)
    step = m / (np.sqrt(v) + _EPS)
    return (1 - lr * weight_decay) * w - lr * step, m, v


def _correction_of_next_step(w, grad, m, v, t, lr, weight_decay):
    m, v = _moments(grad, m, v)
    return (1 - lr * weight_decay) * w - lr * _adam_direction(m, v, t + 1), m, v


def _decay_sign(w, grad, m, v, t, lr, weight_decay):
    m, v = _moments(grad, m, v)
    return (1 + lr * weight_decay) * w - lr * _adam_direction(m, v, t), m, v


def _step_sign(w, grad, m, v, t, lr, weight_decay):
    m, v = _moments(grad, m, v)
    return (1 - lr * weight_decay) * w + lr * _adam_direction(m, v, t), m, v


def _decay_after_step(w, grad, m, v, t, lr, weight_decay):
    m, v = _moments(grad, m, v)
    return (1 - lr * weight_decay) * (w - lr * _adam_direction(m, v, t)), m, v


def _no_decay(w, grad, m, v, t, lr, weight_decay):
    m, v = _moments(grad, m, v)
    return w - lr * _adam_direction(m, v, t), m, v


def _correction_of_previous_step(w, grad, m, v, t, lr, weight_decay):
    # t - 1 in the correction: at the first step it divides by 1 - beta**0 = 0
    m, v = _moments(grad, m, v)
    return (1 - lr * weight_decay) * w - lr * _adam_direction(m, v, t - 1), m, v


def _hats_as_state(w, grad, m, v, t, lr, weight_decay):
    # the bias-corrected moments returned in place of m_t and v_t
    beta1, beta2 = _BETAS
    m, v = _moments(grad, m, v)
    w_new = (1 - lr * weight_decay) * w - lr * _adam_direction(m, v, t)
    return w_new, m / (1 - beta1**t), v / (1 - beta2**t)


def _decay_twice(w, grad, m, v, t, lr, weight_decay):
    # lambda * w added to the gradient and the weights also shrunk
    m, v = _moments(grad + weight_decay * w, m, v)
    return (1 - lr * weight_decay) * w - lr * _adam_direction(m, v, t), m, v


def _only_m_hat(w, grad, m, v, t, lr, weight_decay):
    m, v = _moments(grad, m, v)
    step = m / (1 - _BETAS[0] ** t) / (np.sqrt(v) + _EPS)
    return (1 - lr * weight_decay) * w - lr * step, m, v


def _only_v_hat(w, grad, m, v, t, lr, weight_decay):
    m, v = _moments(grad, m, v)
    step = m / (np.sqrt(v / (1 - _BETAS[1] ** t)) + _EPS)
    return (1 - lr * weight_decay) * w - lr * step, m, v


def _beta1_swapped(w, grad, m, v, t, lr, weight_decay):
    # 0.1 * m + 0.9 * g: the weights of the old mean and the new gradient swapped
    beta1, beta2 = _BETAS
    m = (1 - beta1) * m + beta1 * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return (1 - lr * weight_decay) * w - lr * _adam_direction(m, v, t), m, v


def _change_instead_of_weights(w, grad, m, v, t, lr, weight_decay):
    # the change w_t - w_{t-1}, Exercise 9.2's quantity, returned as w_new
    w_new, m, v = _adamw_step(w, grad, m, v, t, lr, weight_decay)
    return w_new - w, m, v


def _moments_swapped(w, grad, m, v, t, lr, weight_decay):
    w_new, m, v = _adamw_step(w, grad, m, v, t, lr, weight_decay)
    return w_new, v, m


def _adamw_with(denominator):
    """AdamW with the adaptive step's denominator written otherwise."""

    def step(w, grad, m, v, t, lr, weight_decay):
        beta1, beta2 = _BETAS
        m, v = _moments(grad, m, v)
        m_hat = m / (1 - beta1**t)
        w_new = (1 - lr * weight_decay) * w - lr * m_hat / denominator(v, t)
        return w_new, m, v

    return step


def _eps_inside_root_w(v, t):
    return np.sqrt(v / (1 - _BETAS[1] ** t) + _EPS)


def _eps_before_correction_w(v, t):
    # the rate carries the correction (Kingma and Ba's faster form, also
    # TensorFlow/Keras's): eps meets the root of the uncorrected v
    return (np.sqrt(v) + _EPS) / np.sqrt(1 - _BETAS[1] ** t)


def _without_eps_w(v, t):
    return np.sqrt(v / (1 - _BETAS[1] ** t))


def _eps_of(eps):
    return lambda v, t: np.sqrt(v / (1 - _BETAS[1] ** t)) + eps


def _in_own_units(got, expected):
    """Each part of a (w, m, v) answer over the expected part's largest size.

    The moments of the cases with gradients of the size of eps are of order
    1e-9 and 1e-17: measured in their own units they are compared, and
    diagnosed, as closely as those of the other cases.  ``None`` when the
    answer is not three arrays of the expected shapes.
    """
    if not isinstance(got, (tuple, list)) or len(got) != len(expected):
        return None
    try:
        parts = [np.asarray(g, dtype=float) for g in got]
    except (TypeError, ValueError):
        return None
    if any(p.shape != np.shape(e) for p, e in zip(parts, expected)):
        return None
    units = [np.max(np.abs(e), initial=0.0) or 1.0 for e in expected]
    return (
        tuple(p / u for p, u in zip(parts, units)),
        tuple(np.asarray(e) / u for e, u in zip(expected, units)),
    )


def _structure(got, expected):
    """What is wrong with the form of an answer that is not a tuple
    ``(w_new, m_new, v_new)`` of the expected shapes (None: nothing, or
    something the plain comparison names, such as None or a string)."""
    want = f"expected a tuple of {len(expected)} arrays (w_new, m_new, v_new)"
    if isinstance(got, (tuple, list)):
        if len(got) != len(expected):
            return f"{want}; got a {type(got).__name__} of {len(got)}"
        try:
            shapes = [np.shape(np.asarray(g, dtype=float)) for g in got]
        except (TypeError, ValueError):
            return None
        if shapes != [np.shape(e) for e in expected]:
            return (
                f"{want}, each of shape {np.shape(expected[0])}; got parts of "
                f"shapes {', '.join(map(str, shapes))}"
            )
        return None
    if got is None or isinstance(got, (str, bytes)):
        return None
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None
    if arr.shape == (len(expected), *np.shape(expected[0])):
        # the three stacked in one array: compared as they are
        return None
    if arr.ndim == 0:
        return f"{want}; got one number"
    return f"{want}; got one array of shape {arr.shape}"


def _compare_steps(got, expected):
    # as _compare, for the tuple (w_new, m_new, v_new), each part in its units
    scaled = _in_own_units(got, expected)
    if scaled is None:
        return _structure(got, expected) or _matches(got, expected, 1e-6, 1e-9)
    reason = _matches(*scaled, 1e-6, 1e-9)
    if reason != "the numbers differ" or describe(got) != describe(expected):
        return reason
    with np.errstate(all="ignore"):
        gap = max(
            float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-9)))
            for a, b in zip(*scaled)
        )
    return (
        f"the numbers differ beyond the 6 digits shown: by up to {gap:.1g} "
        "of the expected value"
    )


def _own_units(diagnosis):
    """``diagnosis`` applied to the answers in their own units."""

    def run(failing):
        outcomes = []
        for o in failing:
            scaled = None if o.error is not None else _in_own_units(o.got, o.expected)
            outcomes.append(
                o if scaled is None else dg.Outcome(o.args, scaled[1], scaled[0])
            )
        return diagnosis(outcomes)

    return run


_ADAMW_STEP_MISTAKES = (
    dg.variant(
        _l2_coupled,
        "Adam with L2 regularisation: lambda * w added to the gradient",
        "that is torch.optim.Adam's weight_decay: the term then passes through "
        "m, v and the division by the root of v_hat; AdamW leaves the moments "
        "to the loss's gradient and shrinks the weights on their own",
    ),
    dg.variant(
        _decay_without_rate,
        "the weights shrunk by 1 - lambda instead of 1 - lr * lambda",
        "in torch.optim.AdamW, the form of this chapter, the decay per step is "
        "the rate times lambda (the paper's own form multiplies lambda by the "
        "schedule's factor instead, 1 at a constant rate)",
    ),
    dg.variant(
        _decay_scaled,
        "lambda * w divided by the adaptive denominator",
        "decoupled means the decay never meets sqrt(v_hat) + eps: each weight "
        "shrinks by the same factor, whatever the size of its gradients",
    ),
    dg.variant(
        _no_bias_correction,
        "AdamW without bias correction",
        "m and v start at 0: divide m_t by 1 - beta1**t and v_t by "
        "1 - beta2**t before the step, as in Adam",
    ),
    dg.variant(
        _correction_of_next_step,
        "the bias correction of step t + 1",
        "t is the number of the step being taken, 1 for the first, and the "
        "correction uses that t",
    ),
    dg.variant(
        _decay_sign,
        "weights that grow by 1 + lr * lambda",
        "decay shrinks every weight towards 0",
    ),
    dg.variant(
        _step_sign,
        "the adaptive step added instead of subtracted",
        "the update moves against m_hat, the running average of the gradients",
    ),
    dg.variant(
        _decay_after_step,
        "the decay applied to the weights after the adaptive step",
        "torch.optim.AdamW shrinks w_{t-1}, the weights the step starts from, "
        "then subtracts the adaptive step from them",
    ),
    dg.variant(
        _no_decay,
        "Adam's step without the weight decay",
        "where lambda > 0 every weight also shrinks by the factor 1 - lr * lambda",
    ),
    dg.variant(
        _correction_of_previous_step,
        "the bias correction of step t - 1",
        "t is the number of the step being taken, 1 for the first: the "
        "correction divides by 1 - beta**t, which is never 0",
    ),
    dg.variant(
        _hats_as_state,
        "the bias-corrected m_hat and v_hat returned as the new moments",
        "the state to return is m_t and v_t as the moments' update gives them; "
        "m_hat and v_hat serve only this step, and the next step corrects "
        "again with its own t",
    ),
    dg.variant(
        _decay_twice,
        "the decay applied twice: lambda * w added to the gradient, and the "
        "weights also shrunk by 1 - lr * lambda",
        "AdamW is Adam on the loss's own gradient plus the shrinking of the "
        "weights; the L2 term in the gradient is what it replaces",
    ),
    dg.variant(
        _only_m_hat,
        "only m bias-corrected, v used as it is",
        "both moments start at 0: divide v_t by 1 - beta2**t too before its root",
    ),
    dg.variant(
        _only_v_hat,
        "only v bias-corrected, m used as it is",
        "both moments start at 0: divide m_t by 1 - beta1**t too",
    ),
    dg.variant(
        _beta1_swapped,
        "m updated as 0.1 * m + 0.9 * g, the weights beta1 and 1 - beta1 exchanged",
        "beta1 = 0.9 weighs the old mean, and 1 - beta1 the new gradient",
    ),
    dg.variant(
        _moments_swapped,
        "m_new and v_new returned in each other's places",
        "the function returns (w_new, m_new, v_new): the running mean of the "
        "gradients, then that of their squares",
    ),
    dg.variant(
        _change_instead_of_weights,
        "the change w_t - w_{t-1} returned instead of the new weights w_t "
        "(the quantity of Exercise 9.2)",
        "w_new is the weights after the step, not the update: add the update "
        "to w_{t-1}",
    ),
    dg.variant(
        _adamw_with(_eps_before_correction_w),
        "eps added to the root of v before the bias correction, "
        "as TensorFlow/Keras (and Kingma and Ba's faster form) do",
        "torch.optim.AdamW bias-corrects v first and adds eps to the root of "
        "v_hat; added to the root of the uncorrected v, eps counts "
        "1 / sqrt(1 - beta2**t) times as much",
    ),
    dg.variant(
        _adamw_with(_eps_inside_root_w),
        "eps inside the square root",
        "torch.optim.AdamW adds eps to the square root of v_hat, outside it",
    ),
    dg.variant(
        _adamw_with(_without_eps_w),
        "no eps in the denominator",
        "torch.optim.AdamW adds eps = 1e-8 to the root of v_hat: it keeps the "
        "division finite where the gradients have all been 0, and shortens "
        "the step where they are not much larger than eps",
    ),
    *(
        dg.variant(
            _adamw_with(_eps_of(eps)),
            f"eps = {eps:g} instead of 1e-8",
            "the exercise asks for torch.optim.AdamW's default, eps = 1e-8",
        )
        for eps in (1e-10, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3)
    ),
    dg.not_finite(),
    _own_units(
        dg.components(
            ("w_new", "m_new", "v_new"),
            notes={
                ("m_new", "v_new"): "return the moments after this step's update",
                (
                    "w_new",
                ): "the moments are right: look again at the new weights w_new",
            },
        )
    ),
    dg.raised(),
)


def check_adamw_step(function):
    """Check ``function(w, grad, m, v, t, lr, weight_decay)``: one AdamW step, returning ``(w_new, m_new, v_new)``.

    The reader's function gets the weights :math:`w_{t-1}`, the gradient
    :math:`g_t` there, the moments :math:`m_{t-1}` and :math:`v_{t-1}`, the
    number :math:`t` of the step (1 for the first), the rate and the weight
    decay :math:`\\lambda`, with :math:`\\beta_1 = 0.9`,
    :math:`\\beta_2 = 0.999` and :math:`\\epsilon = 10^{-8}`; it returns the
    new weights and moments.  The reference is
    :func:`gdcourse.optimizers.adamw`, which the package's tests compare with
    ``torch.optim.AdamW``.

    Parameters
    ----------
    function : callable
        The reader's step.

    Returns
    -------
    CheckResult

    Notes
    -----
    Decoupled weight decay (Loshchilov and Hutter, 2019) in PyTorch's form:
    the moments see only the gradient, and the weights shrink outside the
    adaptive step,

    .. math::

        m_t = \\beta_1 m_{t-1} + (1 - \\beta_1) g_t, \\qquad
        v_t = \\beta_2 v_{t-1} + (1 - \\beta_2) g_t^2,

        w_t = (1 - \\eta\\lambda)\\, w_{t-1}
        - \\eta\\, \\frac{m_t / (1 - \\beta_1^t)}
        {\\sqrt{v_t / (1 - \\beta_2^t)} + \\epsilon} .

    Examples
    --------
    >>> def adamw_step(w, grad, m, v, t, lr, weight_decay):
    ...     m = 0.9 * m + 0.1 * grad
    ...     v = 0.999 * v + 0.001 * grad**2
    ...     m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.999**t)
    ...     w = (1 - lr * weight_decay) * w
    ...     return w - lr * m_hat / (np.sqrt(v_hat) + 1e-8), m, v
    >>> check_adamw_step(adamw_step)
    All 8 cases passed: adamw_step(w, grad, m, v, t, lr, weight_decay) is right.

    The classic mistake, the decay added to the gradient (Adam with L2):

    >>> def l2(w, grad, m, v, t, lr, weight_decay):
    ...     return adamw_step(w, grad + weight_decay * w, m, v, t, lr, 0.0)
    >>> check_adamw_step(l2)
    0 of 8 cases passed before one failed.
    Case 1: adamw_step(array([ 1., -2.]), array([0.5, 0.5]), array([0., 0.]), array([0., 0.]), 1, 0.1, 0.1)
      expected: (array([ 0.89, -2.08]), array([0.05, 0.05]), array([0.00025, 0.00025]))
      got:      (array([ 0.9, -2.1]), array([0.06, 0.03]), array([3.6e-04, 9.0e-05]))
      the numbers differ
      It looks like Adam with L2 regularisation: lambda * w added to the gradient. Hint: that is torch.optim.Adam's weight_decay: the term then passes through m, v and the division by the root of v_hat; AdamW leaves the moments to the loss's gradient and shrinks the weights on their own.
    """
    cases = [
        # the first step, from m = v = 0
        (np.array([1.0, -2.0]), np.array([0.5, 0.5]), np.zeros(2), np.zeros(2))
        + (1, 0.1, 0.1),
        # no decay: AdamW is Adam
        (np.array([3.0, -1.0]), np.array([2.0, -0.5]), np.zeros(2), np.zeros(2))
        + (1, 0.01, 0.0),
        (np.array([2.0, 0.5]), np.array([1.0, -4.0]), np.array([0.2, -0.5]))
        + (np.array([0.04, 1.0]), 3, 0.01, 0.5),
        (np.array([0.5, -1.0, 4.0]), np.array([0.1, 0.0, -2.0]))
        + (np.array([0.05, 0.1, -0.3]), np.array([0.01, 0.02, 0.5]), 20, 0.2, 1.0),
        (np.array([-2.0, 1.0]), np.array([3.0, 1.0]), np.array([1.0, 0.2]))
        + (np.array([4.0, 0.1]), 100, 0.001, 0.01),
        (np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([[0.3, 0.0], [-1.0, 2.0]]))
        + (np.zeros((2, 2)), np.zeros((2, 2)), 1, 0.05, 0.2),
        # gradients of the size of eps: where eps goes, and its value, show
        (np.array([0.5, -1.0, 2.0]), np.array([1e-8, -3e-8, 2e-9]))
        + (np.zeros(3), np.zeros(3), 1, 0.1, 0.2),
        (np.array([1.0, -0.5]), np.array([2e-8, -1e-8]), np.array([1e-8, -5e-9]))
        + (np.array([1e-15, 3e-16]), 4, 0.01, 0.1),
    ]
    return check(
        function,
        _adamw_step,
        cases,
        name="adamw_step(w, grad, m, v, t, lr, weight_decay)",
        diagnoses=_ADAMW_STEP_MISTAKES,
        compare=_compare_steps,
    )


# ---------------------------------------------------------------------------
# Exercise 9.4: which method the turned ravine defeats, with the evidence
# ---------------------------------------------------------------------------

#: The race of the chapter's first section: the two ravines (kappa 100, the
#: second turned by 45 degrees), the start turned with the ravine, 300 steps,
#: the steps counted to ``cut`` of the starting loss for good; the race's
#: rates (``grid``) span ``lr_range``; a lead "by far" takes at most
#: ``by_far`` of momentum's steps, and must hold when the runs go on to
#: ``hold`` steps; the ratios of the effective rates are read after step
#: ``read_at``, to within ``rtol``.
TURNED = {
    "kappa": 100.0,
    "angle": 45.0,
    "start": (-3.0, -1.0),
    "steps": 300,
    "cut": 1e-4,
    "grid": (0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0),
    "lr_range": (0.03, 100.0),
    "by_far": 0.5,
    "hold": 1000,
    "read_at": 20,
    "rtol": 0.001,
}

_METHODS = ("GD", "momentum", "AdaGrad", "RMSProp", "Adam")
_CUT = f"{TURNED['cut']:.0e}".replace("e-0", "e-")


def _ravines():
    from gdcourse import adaptive

    start = np.array(TURNED["start"])
    return {
        "along the axes": (adaptive.ravine(kappa=TURNED["kappa"]), start),
        "turned": (
            adaptive.ravine(kappa=TURNED["kappa"], angle=TURNED["angle"]),
            adaptive.rotate(start, TURNED["angle"]),
        ),
    }


def _heavy_ball():
    from gdcourse import theory

    return theory.heavy_ball_optimal(1.0 / TURNED["kappa"], 1.0)


def _optimizer(method):
    from gdcourse import optimizers

    return {
        "GD": optimizers.sgd,
        "momentum": lambda: optimizers.sgd(momentum=_heavy_ball()[1]),
        "AdaGrad": optimizers.adagrad,
        "RMSProp": optimizers.rmsprop,
        "Adam": optimizers.adam,
    }[method]()


def _losses(optimizer, lr, which, steps):
    from gdcourse import descent

    surface, start = _ravines()[which]
    with np.errstate(all="ignore"):
        run = descent.gradient_descent(
            surface, start, lr=lr, steps=steps, optimizer=optimizer
        )
    return run.losses


def _counts(optimizer, lr, steps=None):
    """Steps to the cut for good on each ravine (None: not within the run)."""
    from gdcourse import adaptive

    steps = TURNED["steps"] if steps is None else steps
    return [
        adaptive.steps_to(_losses(optimizer, lr, which, steps), TURNED["cut"], True)
        for which in _ravines()
    ]


def _back_above(optimizer, lr):
    """The first step after the race at which the loss along the axes is back
    above the cut, in a run of ``TURNED["hold"]`` steps (None: it never is)."""
    losses = _losses(optimizer, lr, "along the axes", TURNED["hold"])
    rel = losses / losses[0]
    late = ~(rel[TURNED["steps"] + 1 :] < TURNED["cut"])
    return int(np.argmax(late)) + TURNED["steps"] + 1 if late.any() else None


def _rates_after(method, lr, after=None):
    """Each coordinate's effective rate after step ``after``, on each ravine."""
    from gdcourse import adaptive

    after = TURNED["read_at"] if after is None else after
    out = []
    for surface, start in _ravines().values():
        if method in ("GD", "momentum"):
            # one rate for every coordinate
            out.append(np.full(2, lr))
            continue
        if method == "Adam":
            scales = adaptive.adam_scales(surface, start, lr, after)[1]
            rates = lr / scales
        else:
            rates = adaptive.effective_rates(
                _optimizer(method), surface.grad, start, lr, after
            )
        out.append(np.asarray(rates[after - 1], dtype=float))
    return out


def _rate_ratios(method, lr, after=None):
    """Larger over smaller effective rate after step ``after``, on each ravine."""
    return [float(r.max() / r.min()) for r in _rates_after(method, lr, after)]


def _kappa(rates, hessian):
    """Condition number of P^1/2 H P^1/2, P = diag(rates)."""
    root = np.sqrt(rates)
    eig = np.linalg.eigvalsh(np.outer(root, root) * hessian)
    return float(eig.max() / eig.min())


def _hessians():
    return [s.hessian(np.zeros(2)) for s, _ in _ravines().values()]


def _kappas(method, lr, after=None, invert=False):
    """The preconditioned Hessian's condition number on each ravine, with P
    the effective rates after step ``after`` (``invert``: their inverses)."""
    return [
        _kappa(1 / r if invert else r, h)
        for r, h in zip(_rates_after(method, lr, after), _hessians())
    ]


def _kappas_hint(method, lr, given, measured):
    """The hint for condition numbers that are not the run's, or None."""
    a, b = given
    if _near(a, measured[0]) and _near(b, measured[1]):
        return None
    read_at = TURNED["read_at"]
    kappa = TURNED["kappa"]

    def fits(pair):
        return _near(a, pair[0]) and _near(b, pair[1])

    if fits(measured[::-1]):
        return (
            "the condition numbers in the other order: the ravine along the axes first"
        )
    if fits([1 / k for k in measured]):
        return (
            "the smallest eigenvalue over the largest: a condition number is "
            "the largest over the smallest, at least 1"
        )
    ratios = _rate_ratios(method, lr)
    if fits(ratios):
        return (
            "the ratios of the effective rates given again: the condition "
            "numbers are those of the Hessian scaled by them, P^1/2 H P^1/2"
        )
    if _near(a, kappa) and not _near(a, measured[0]):
        return (
            "the Hessian's own condition number along the axes, before any "
            "preconditioning: scale H by the run's effective rates first"
        )
    if fits(_kappas(method, lr, invert=True)):
        return (
            "P built from the inverses of the effective rates: P holds the "
            "rates themselves, each coordinate's step per unit of gradient"
        )
    if fits(_kappas(method, lr, 1)):
        return (
            f"the condition numbers after the first step: the check reads the "
            f"rates after step {read_at}, as for the ratios"
        )
    if _near(a, measured[0]) and _near(b, ratios[1]):
        # the diagonal's entries times the rates, as if H were diagonal: right
        # along the axes; turned, the equal diagonal leaves the rates' ratio
        return (
            "the turned ravine's read from H's diagonal alone, as if H were "
            "diagonal there too: the rates also scale its off-diagonal "
            "entries; take the eigenvalues of P^1/2 H P^1/2"
        )
    if fits((1.0, kappa)):
        return (
            "the condition numbers that the Hessian's own diagonal gives as a "
            f"preconditioner, as at the start of the chapter; {method}'s rates "
            f"after step {read_at} are not exactly the inverse curvatures: "
            "build P from them"
        )
    said = _which_is_off("condition number", given, measured)
    return (
        f"{said} the run's (within {TURNED['rtol']:.1%}); with P the diagonal "
        f"matrix of {method}'s effective rates after step {read_at}, take the "
        "largest over the smallest eigenvalue of P^1/2 H P^1/2 on each ravine"
    )


def _which_is_off(noun, given, measured):
    """ "neither <noun> is" or "the <noun> along the axes / on the turned ravine is not"."""
    off = [
        where
        for where, g, m in zip(("along the axes", "turned"), given, measured)
        if not _near(g, m)
    ]
    if len(off) == 2:
        return f"neither {noun} is"
    where = "on the turned ravine" if off == ["turned"] else "along the axes"
    return f"the {noun} {where} is not"


def _settled(early, later, method):
    """What the ratios at half the reading step say about when they were set."""
    gap = max(abs(e / g - 1.0) for e, g in zip(early, later))
    if gap <= 0.005:
        return (
            "the first, largest gradients set them, and "
            f"{method}'s sum of squares never forgets them."
        )
    return f"they still moved by up to {gap:.1%} between the two readings."


def _not_a_positive_pair(name, pair):
    """The message for an argument that is not two positive numbers, or None."""
    if isinstance(pair, (str, bytes)) or not isinstance(
        pair, (tuple, list, np.ndarray)
    ):
        return (
            f"{name} must be a pair of numbers (along the axes, turned), "
            f"got {describe(pair)}."
        )
    if len(pair) != 2 or not all(finite_real(x) and x > 0 for x in pair):
        return (
            f"{name} must be two positive numbers (along the axes, turned), "
            f"got {describe(pair)}."
        )
    return None


def _near(got, want, rtol=None):
    return abs(got / want - 1.0) <= (TURNED["rtol"] if rtol is None else rtol)


def _rounded(value):
    # given to three significant digits or fewer
    return float(f"{value:.3g}") == value


def _steps(k):
    return f"not within {TURNED['steps']} steps" if k is None else f"{k} steps"


def _ratios_hint(method, lr, given, measured):
    """The hint for ratios that are not the run's, or None if they are."""
    a, b = given
    if _near(a, measured[0]) and _near(b, measured[1]):
        return None
    read_at = TURNED["read_at"]
    if _near(a, measured[1]) and _near(b, measured[0]):
        return "the pair in the other order: give the ravine along the axes first"
    if _near(a, 1 / measured[0]) and _near(b, 1 / measured[1]):
        return (
            "the smaller effective rate over the larger: give the larger "
            "over the smaller, a ratio of at least 1"
        )
    rounded = all(
        _near(g, m) or (_near(g, m, 0.01) and _rounded(g))
        for g, m in zip(given, measured)
    )
    # the Hessian's pair, (100, 1), as given: equal to it to the digits shown
    hessian = _near(a, TURNED["kappa"], 5e-4) and _near(b, 1.0, 5e-4)
    if rounded and _near(a, TURNED["kappa"], 0.01) and _near(b, 1.0, 0.01):
        # the run's own ratios, rounded, are also near those of the Hessian:
        # say what to do, and no cause
        return (
            f"read both ratios from {method}'s effective rates after step "
            f"{read_at} and give them to four significant digits; "
            f"({TURNED['kappa']:g}, 1) is the ratio of the Hessian's diagonal "
            f"entries, which {method} never sees"
        )
    if rounded:
        return (
            f"the run's ratios rounded: within 1% of them but not within "
            f"{TURNED['rtol']:.1%}; give each to four significant digits"
        )
    first = _rate_ratios(method, lr, 1)
    if _near(a, first[0]) and _near(b, first[1]):
        return (
            f"the ratios after the first step: the check reads them after step "
            f"{read_at}, the row {read_at - 1} of a run's effective rates "
            "counted from 0"
        )

    def fits(ratios):
        return _near(a, ratios[0]) and _near(b, ratios[1])

    # another run's ratios come before the Hessian's: at large rates a run's
    # ratios are within 1% of (100, 1), and the cause is then the other run
    # RMSProp at a rate takes nearly the steps of AdaGrad at ten times it, so
    # another method's ratios can also be this method's at another rate
    rates = set(TURNED["grid"]) | {10 * lr, lr / 10}
    other_rate = any(
        fits(_rate_ratios(method, r)) for r in rates if not np.isclose(r, lr)
    )
    others = [
        other
        for other in _METHODS
        if other not in (method, "GD", "momentum") and fits(_rate_ratios(other, lr))
    ]
    if other_rate and others:
        return (
            f"these are not {method}'s ratios at rate {lr:g}, though another "
            f"run gives them: run the method you name at the rate you name, "
            f"on both ravines, and read them after step {read_at}"
        )
    if other_rate:
        return (
            f"{method}'s ratios at another rate, not at {lr:g}: run it at the "
            "rate you name"
        )
    if others:
        return f"{others[0]}'s ratios at this rate, not {method}'s"
    if hessian and all(
        float(f"{m:.2g}") == float(f"{h:.2g}")
        for m, h in zip(measured, (TURNED["kappa"], 1.0))
    ):
        # the run's own ratios read to two digits are the Hessian's as well:
        # say both, and assert neither
        return (
            f"({TURNED['kappa']:g}, 1) is the ratio of the Hessian's diagonal "
            f"entries, and also this run's ratios to two significant digits; "
            f"read both from {method}'s effective rates after step {read_at} "
            "and give them to four significant digits"
        )
    if hessian:
        return (
            "the ratio of the Hessian's diagonal entries, the curvatures; "
            f"{method} never sees the Hessian: it sets its rates from the "
            "gradients it meets, so read them from its run"
        )
    said = _which_is_off("ratio", given, measured)
    return (
        f"{said} the run's (within {TURNED['rtol']:.1%}); run {method} at "
        f"rate {lr:g} on both ravines from the race's starts, take its two "
        f"effective rates after step {read_at} and divide the larger by the "
        "smaller"
    )


def check_turned_ravine(method, lr, ratios, kappas):
    """Check a diagnosis of the turned ravine: the method whose lead it takes away, and the evidence.

    Exercise 9.4, on the race of the chapter's first section
    (:data:`TURNED`): the ravine of condition number 100 along the axes and
    turned by 45 degrees, the start turned with it, 300 steps, each count the
    steps until the loss is below ``TURNED["cut"]`` of its start for good
    (:func:`gdcourse.adaptive.steps_to` with ``stay=True``).

    Parameters
    ----------
    method : str
        One of the race's methods: ``"GD"``, ``"momentum"`` (heavy ball at
        the ravine's optimal momentum), ``"AdaGrad"``, ``"RMSProp"``,
        ``"Adam"`` (PyTorch's defaults otherwise).
    lr : float
        The rate to run it at, in the race's range ``TURNED["lr_range"]``
        (from 0.03 to 100: at much larger rates the ratios of AdaGrad and
        RMSProp tend to the Hessian's, 100 and 1).
    ratios : pair of float
        The evidence: on the ravine along the axes and on the turned one, the
        larger of the method's two effective rates divided by the smaller,
        after step ``TURNED["read_at"]`` (read from
        :func:`gdcourse.adaptive.effective_rates` for AdaGrad and RMSProp,
        from the scales of :func:`gdcourse.adaptive.adam_scales` for Adam;
        1 for GD and momentum, whose rate is the same for every coordinate).
    kappas : pair of float
        The why: on each ravine, the condition number of the preconditioned
        Hessian :math:`P^{1/2} H P^{1/2}`, with :math:`P` the diagonal matrix
        of those effective rates after step ``TURNED["read_at"]``.

    Returns
    -------
    gdcourse.exercises.diagnose.Verdict
        Right when, at this rate, the method beats tuned heavy ball by far
        along the axes (in at most ``TURNED["by_far"]`` of its steps), keeps
        its loss there below the cut when the run goes on to
        ``TURNED["hold"]`` steps, and loses to tuned heavy ball on the turned
        ravine (all counted by running them), and
        the ratios and the condition numbers are the run's to within
        ``TURNED["rtol"]``.
        A wrong choice gets the counts it ran and a hint that points at the
        evidence; the report never gives a method, rate, ratio or condition
        number that passes.

    Notes
    -----
    A diagonal preconditioner rescales each coordinate.  Along the axes the
    flat coordinate's gradients are small, so its effective rate stays far
    above the steep one's; turned by 45 degrees both coordinates carry the
    same mix of steep and flat, their gradients are alike, and the two rates
    stay nearly equal: the method is then plain gradient descent at one rate
    on a problem of condition number 100.  With :math:`P` the diagonal
    matrix of the effective rates, the steps are gradient descent at rate 1
    on the quadratic of Hessian :math:`P^{1/2} H P^{1/2}` in the variable
    :math:`P^{-1/2} w`: its condition number is what the scaling leaves.

    Examples
    --------
    >>> check_turned_ravine("Adam", 0.1, (30.0, 1.0), (3.0, 100.0))
    Not yet: Adam at rate 0.1: 79 steps along the axes, not within 300 steps on the turned ravine; tuned heavy ball: 45 steps on each.
    Hint: at this rate Adam does not beat tuned momentum along the axes, so the turn has no lead to take away; the chapter reads Adam's pace in the race as set by its momentum beta1 on both ravines; look in the race for a method whose count along the axes is far below momentum's.
    """
    if not isinstance(method, str):
        return dg.Verdict(
            False,
            f"method must be one of {', '.join(map(repr, _METHODS))}, "
            f"got {describe(method)}.",
        )
    named = {m.lower(): m for m in _METHODS}
    if method.strip().lower() not in named:
        return dg.Verdict(
            False,
            f"method must be one of {', '.join(map(repr, _METHODS))}, got {method!r}.",
        )
    method = named[method.strip().lower()]
    if not finite_real(lr) or lr <= 0:
        return dg.Verdict(False, f"lr must be a positive number, got {describe(lr)}.")
    lo, hi = TURNED["lr_range"]
    if not lo <= lr <= hi:
        return dg.Verdict(
            False,
            f"lr must be a rate of the race's range, from {lo:g} to {hi:g}, "
            f"got {describe(lr)}.",
        )
    lr = float(lr)
    for name, pair in (("ratios", ratios), ("kappas", kappas)):
        problem = _not_a_positive_pair(name, pair)
        if problem:
            return dg.Verdict(False, problem)
    given = [float(r) for r in ratios]
    given_kappas = [float(k) for k in kappas]
    mine = _counts(_optimizer(method), lr)
    hb_lr, _ = _heavy_ball()
    ref = _counts(_optimizer("momentum"), hb_lr)
    hb = (
        f"{_steps(ref[0])} on each"
        if ref[0] == ref[1]
        else f"{_steps(ref[0])} and {_steps(ref[1])}"
    )
    said = (
        f"{method} at rate {lr:g}: {_steps(mine[0])} along the axes, "
        f"{_steps(mine[1])} on the turned ravine; tuned heavy ball: {hb}."
    )
    beats = mine[0] is not None and mine[0] < ref[0]
    leads = beats and mine[0] <= TURNED["by_far"] * ref[0]
    loses = mine[1] is None or mine[1] > ref[1]
    if method in ("GD", "momentum"):
        hint = (
            f"{method} moves every coordinate at the same rate, so turning "
            "the ravine turns its path and changes nothing else; look in the "
            "race for a method whose count changes with the turn"
        )
    elif beats and not leads:
        hint = (
            f"at this rate {method} beats tuned momentum along the axes, but "
            f"not by far: the exercise asks for at most "
            f"{TURNED['by_far']:.0%} of momentum's steps; count its steps at "
            "other rates of the race"
        )
    elif not leads and method == "Adam":
        hint = (
            "at this rate Adam does not beat tuned momentum along the axes, "
            "so the turn has no lead to take away; the chapter reads Adam's "
            "pace in the race as set by its momentum beta1 on both ravines; "
            "look in the race for a method whose count along the axes is far "
            "below momentum's"
        )
    elif not leads:
        hint = (
            f"at this rate {method} does not beat tuned momentum along the "
            "axes, so the turn has no lead to take away; the race ran every "
            "adaptive method over a grid of rates: count its steps at others"
        )
    elif not loses:
        hint = (
            f"{method} keeps its lead on the turned ravine at this rate; "
            "look for a method that loses it"
        )
    elif (back := _back_above(_optimizer(method), lr)) is not None:
        said += (
            f" Run on to {TURNED['hold']} steps, its loss along the axes is "
            f"back above {_CUT} of its start at step {back}."
        )
        hint = (
            f"this lead lasts only to the end of the race's "
            f"{TURNED['steps']} steps, so it is not one the turn takes away; "
            "the race's text says which method's count depends on the length "
            "of the run: look for a lead that holds on a longer run"
        )
    else:
        hint = _ratios_hint(method, lr, given, _rate_ratios(method, lr))
        if hint is None:
            hint = _kappas_hint(method, lr, given_kappas, _kappas(method, lr))
        if hint is None:
            a, b = given
            ka, kb = given_kappas
            early = _rate_ratios(method, lr, TURNED["read_at"] // 2)
            return dg.Verdict(
                True,
                f"Right: {said} Run on to {TURNED['hold']} steps, its loss "
                f"along the axes stays below {_CUT} of its start. After step {TURNED['read_at']} its "
                f"effective rates differ by a factor of {a:.4g} along the "
                f"axes, where the flat coordinate's small gradients earn it "
                f"the larger rate, and {b:.4g} turned, where both coordinates "
                "see the same mix of steep and flat: there its diagonal "
                "scaling is almost one rate for both. Scaled by these rates, "
                f"the Hessian's condition number, {TURNED['kappa']:g} on both "
                f"ravines, becomes {ka:.4g} along the axes and stays "
                f"{kb:.4g} turned. After step {TURNED['read_at'] // 2} the "
                f"ratios were {early[0]:.4g} and {early[1]:.4g}: "
                f"{_settled(early, given, method)}",
            )
        return dg.Verdict(False, f"Not yet: {said}\nHint: {hint}.")
    return dg.Verdict(False, f"Not yet: {said}\nHint: {hint}.")

"""Checkers of chapter 7: momentum."""

from __future__ import annotations

import math
from functools import lru_cache
from numbers import Real

import numpy as np

from . import diagnose as dg
from .core import check, describe, finite_real
from .gradient_descent import _above, _QuadraticGradient

__all__ = [
    "check_momentum_step",
    "check_optimal_momentum",
    "check_nesterov_step",
    "check_momentum_choice",
    "CHOICE",
    "CHOICE_FACTOR_RTOL",
]


def _momentum_step(w, v, g, lr, beta):
    from gdcourse import optimizers

    w_new, state = optimizers.sgd(momentum=beta).update(
        g, optimizers.SGDState(v), w, lr
    )
    return w_new, state.velocity


def _lr_inside(w, v, g, lr, beta):
    v_new = beta * v + lr * g
    return w - v_new, v_new


def _rate_in_velocity(w, v, g, lr, beta):
    v_new = beta * v - lr * g
    return w + v_new, v_new


def _damped(w, v, g, lr, beta):
    v_new = beta * v + (1 - beta) * g
    return w - lr * v_new, v_new


def _uphill(w, v, g, lr, beta):
    v_new = beta * v + g
    return w + lr * v_new, v_new


def _downhill_velocity(w, v, g, lr, beta):
    v_new = beta * v - g
    return w + lr * v_new, v_new


def _stale_velocity(w, v, g, lr, beta):
    return w - lr * (beta * v + g), v


def _swapped(w, v, g, lr, beta):
    return _momentum_step(w, v, g, lr, beta)[::-1]


_MOMENTUM_STEP_MISTAKES = (
    dg.variant(
        _lr_inside,
        "the other momentum convention, v = beta*v + lr*g and w = w - v",
        "here the rate multiplies the velocity in the weights' update, "
        "as in torch.optim.SGD and gd.descent",
    ),
    dg.variant(
        _rate_in_velocity,
        "the form with the rate inside the velocity, v = beta*v - lr*g and "
        "w = w + v: the same weights for a constant rate, but its velocity is "
        "-lr times this exercise's, so from the same v it takes another step",
        "in this exercise the velocity sums raw gradients and the rate scales "
        "it only in the weights' update, as in torch.optim.SGD and gd.descent",
    ),
    dg.variant(
        _damped,
        "a damped average, v = beta*v + (1 - beta)*g",
        "in this convention the gradient enters the velocity undamped",
    ),
    dg.variant(
        _uphill,
        "a step uphill, along the velocity",
        "the velocity accumulates gradients, which point uphill",
    ),
    dg.variant(
        _downhill_velocity,
        "the velocity pointing downhill, v = beta*v - g and w = w + lr*v: "
        "over a run from v = 0 it gives the same weights with the velocity "
        "negated, but given this exercise's v it adds beta*v the wrong way",
        "here the velocity sums the gradients, which point uphill, and the "
        "weights step against it, as in torch.optim.SGD and gd.descent",
    ),
    dg.variant(
        _stale_velocity,
        "the new weights returned with the old velocity, the v passed in",
        "the next step starts from the velocity this step computed, so return that one",
    ),
    dg.variant(
        _swapped,
        "the pair in the other order, (new_v, new_w)",
        "return (new_w, new_v)",
    ),
    dg.components(
        ("w_new", "v_new"),
        notes={
            ("v_new",): "the weights are right, so look at the velocity you "
            "return: it is not the new one of this convention (an old one, "
            "or one in another convention)",
            (
                "w_new",
            ): "the velocity is right; check the step the weights take with it",
        },
    ),
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


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

    .. math:: v_k = \\beta v_{k-1} + g_k, \\qquad w_{k+1} = w_k - \\eta\\, v_k .

    The other form, :math:`v \\leftarrow \\beta v - \\eta g` and
    :math:`w \\leftarrow w + v`, gives the same weights for a constant rate
    but a velocity :math:`-\\eta` times this one; given this convention's
    velocity it takes another step, and the check names it.  It also names
    the form with the velocity pointing downhill, :math:`v \\leftarrow \\beta v - g`
    and :math:`w \\leftarrow w + \\eta v` (the same weights over a run, the
    velocity negated), the old velocity returned with the new weights, and the
    pair in the other order.

    Examples
    --------
    >>> def step(w, v, g, lr, beta):
    ...     v = beta * v + g
    ...     return w - lr * v, v
    >>> check_momentum_step(step)
    All 5 cases passed: momentum_step(w, v, g, lr, beta) is right.

    A classic mistake, the other convention:

    >>> def other(w, v, g, lr, beta):
    ...     v = beta * v + lr * g
    ...     return w - v, v
    >>> check_momentum_step(other)
    0 of 5 cases passed before one failed.
    Case 1: momentum_step(array([ 1., -2.]), array([0., 0.]), array([0.5, 0.5]), 0.1, 0.9)
      expected: (array([ 0.95, -2.05]), array([0.5, 0.5]))
      got:      (array([ 0.95, -2.05]), array([0.05, 0.05]))
      the numbers differ
      It looks like the other momentum convention, v = beta*v + lr*g and w = w - v. Hint: here the rate multiplies the velocity in the weights' update, as in torch.optim.SGD and gd.descent.
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
        function,
        _momentum_step,
        cases,
        name="momentum_step(w, v, g, lr, beta)",
        diagnoses=_MOMENTUM_STEP_MISTAKES,
    )


def _optimal_momentum(mu, L):
    from gdcourse import theory

    return theory.heavy_ball_optimal(mu, L)


def _sqrt_kappa_ratio(mu, L):
    sq_k = np.sqrt(L / mu)
    return (sq_k - 1) / (sq_k + 1)


def _edge_difference_rate(mu, L):
    lr, beta = _optimal_momentum(mu, L)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.float64(4 * np.sqrt(beta)) / np.float64(L - mu), beta


_OPTIMAL_MOMENTUM_MISTAKES = (
    dg.variant(
        lambda mu, L: (2.0 / (mu + L), _optimal_momentum(mu, L)[1]),
        "the best rate of plain gradient descent, 2/(mu + L), where heavy ball's was meant",
        "with momentum the best rate is larger; balance the two extreme "
        "curvatures through their square roots",
    ),
    dg.variant(
        lambda mu, L: (_optimal_momentum(mu, L)[0], _sqrt_kappa_ratio(mu, L)),
        "the momentum without its square: that ratio is the per-step factor, not beta",
        "the per-step factor of the optimal run is sqrt(beta)",
    ),
    dg.variant(
        lambda mu, L: (_optimal_momentum(mu, L)[0], ((L - mu) / (L + mu)) ** 2),
        "kappa where its square root was meant, in the momentum",
        "heavy ball's speed-up comes from sqrt(kappa)",
    ),
    dg.variant(
        lambda mu, L: (4.0 / (L + mu), _optimal_momentum(mu, L)[1]),
        "L + mu where (sqrt(L) + sqrt(mu))**2 was meant, in the rate",
        "the rate is built from the square roots of the curvatures",
    ),
    dg.variant(
        lambda mu, L: _optimal_momentum(mu, L)[::-1],
        "the pair in the other order, (momentum, rate)",
        "return (lr, beta)",
    ),
    dg.variant(
        _edge_difference_rate,
        "the rate from 4 sqrt(beta) = lr (L - mu), which divides by L - mu = 0 "
        "when mu = L",
        "use an edge condition that holds for every mu <= L: "
        "lr = (1 + sqrt(beta))**2 / L",
    ),
    dg.not_finite(),
    dg.components(("lr", "beta")),
    dg.raised(),
)


def check_optimal_momentum(function):
    """Check ``function(mu, L)``: the rate and momentum that make heavy ball fastest on a quadratic.

    The answer is the pair ``(lr, beta)`` in the convention of
    :func:`check_momentum_step` (``torch.optim.SGD``), for a quadratic whose
    curvatures lie between ``mu`` and ``L``.  The reference is
    :func:`gdcourse.theory.heavy_ball_optimal`.

    Parameters
    ----------
    function : callable
        The reader's prediction.

    Returns
    -------
    CheckResult

    Notes
    -----
    With :math:`\\kappa = L / \\mu`,

    .. math::

        \\eta^* = \\frac{4}{(\\sqrt{L} + \\sqrt{\\mu})^2}, \\qquad
        \\beta^* = \\left(\\frac{\\sqrt{\\kappa} - 1}{\\sqrt{\\kappa} + 1}\\right)^2 ,

    and the error then shrinks by :math:`\\sqrt{\\beta^*}` per step.

    Examples
    --------
    >>> def optimal_momentum(mu, L):
    ...     lr = 4 / (np.sqrt(L) + np.sqrt(mu)) ** 2
    ...     root = np.sqrt(L / mu)
    ...     return lr, ((root - 1) / (root + 1)) ** 2
    >>> check_optimal_momentum(optimal_momentum)
    All 5 cases passed: optimal_momentum(mu, L) is right.

    A classic mistake, plain gradient descent's best rate:

    >>> def gd_rate(mu, L):
    ...     root = np.sqrt(L / mu)
    ...     return 2 / (mu + L), ((root - 1) / (root + 1)) ** 2
    >>> check_optimal_momentum(gd_rate)
    0 of 5 cases passed before one failed.
    Case 1: optimal_momentum(1, 100)
      expected: (0.0330579, 0.669421)
      got:      (0.019802, 0.669421)
      the numbers differ
      It looks like the best rate of plain gradient descent, 2/(mu + L), where heavy ball's was meant. Hint: with momentum the best rate is larger; balance the two extreme curvatures through their square roots.
    """
    cases = [(1.0, 100.0), (0.1, 1.0), (2.0, 50.0), (0.01, 4.0), (3.0, 3.0)]
    return check(
        function,
        _optimal_momentum,
        cases,
        name="optimal_momentum(mu, L)",
        diagnoses=_OPTIMAL_MOMENTUM_MISTAKES,
    )


# ----------------------------------------------------------------------------
# Exercise 7.1: Nesterov's step, kept where the gradient steps land
# ----------------------------------------------------------------------------


class _NamedGradient:
    """A surface's gradient, named for the report."""

    def __init__(self, name, surface):
        self.name, self.surface = name, surface

    def __call__(self, w):
        return self.surface.grad(np.asarray(w, dtype=float))

    def __repr__(self):
        return self.name


def _nesterov_step(grad, theta, v, lr, beta):
    """One step through ``gdcourse.optimizers.sgd(nesterov=True)`` at the look-ahead point.

    PyTorch's form stores the look-ahead point ``w = theta - lr * beta * v``;
    after its step, the new ``theta`` is the new look-ahead point plus
    ``lr * beta * v_new``.
    """
    from gdcourse import optimizers

    w = theta - lr * beta * v
    sgd = optimizers.sgd(momentum=beta, nesterov=beta > 0)
    w_new, state = sgd.update(grad(w), optimizers.SGDState(v), w, lr)
    return w_new + lr * beta * state.velocity, state.velocity


def _look(theta, v, lr, beta):
    return theta - lr * beta * v


def _at_current_point(grad, theta, v, lr, beta):
    v_new = beta * v + grad(theta)
    return theta - lr * v_new, v_new


def _look_ahead_uphill(grad, theta, v, lr, beta):
    v_new = beta * v + grad(theta + lr * beta * v)
    return theta - lr * v_new, v_new


def _look_ahead_without_rate(grad, theta, v, lr, beta):
    v_new = beta * v + grad(theta - beta * v)
    return theta - lr * v_new, v_new


def _look_ahead_without_momentum(grad, theta, v, lr, beta):
    v_new = beta * v + grad(theta - lr * v)
    return theta - lr * v_new, v_new


def _pytorch_form(grad, theta, v, lr, beta):
    g = grad(theta)
    v_new = beta * v + g
    return theta - lr * (g + beta * v_new), v_new


def _pytorch_step_from_look_ahead(grad, theta, v, lr, beta):
    g = grad(_look(theta, v, lr, beta))
    v_new = beta * v + g
    return theta - lr * (g + beta * v_new), v_new


def _returns_look_ahead(grad, theta, v, lr, beta):
    theta_new, v_new = _nesterov_step(grad, theta, v, lr, beta)
    return theta_new - lr * beta * v_new, v_new


def _sutskever_units(grad, theta, v, lr, beta):
    u_new = beta * v - lr * grad(theta + beta * v)
    return theta + u_new, u_new


def _nesterov_uphill(grad, theta, v, lr, beta):
    v_new = beta * v + grad(_look(theta, v, lr, beta))
    return theta + lr * v_new, v_new


def _nesterov_old_velocity(grad, theta, v, lr, beta):
    return _nesterov_step(grad, theta, v, lr, beta)[0], v


def _nesterov_damped(grad, theta, v, lr, beta):
    v_new = beta * v + (1 - beta) * grad(_look(theta, v, lr, beta))
    return theta - lr * v_new, v_new


_HERE = (
    "here the stored point is theta, where the gradient steps land, and the "
    "gradient is taken at the look-ahead point, where the velocity alone "
    "would carry theta"
)

_NESTEROV_STEP_MISTAKES = (
    dg.variant(
        _at_current_point,
        "heavy ball: the gradient taken at theta itself, not at the look-ahead point",
        "Nesterov's method takes the gradient where the velocity alone would "
        "carry the weights: which point is that, with a velocity in units of "
        "gradients?",
    ),
    dg.variant(
        _look_ahead_uphill,
        "a look-ahead in the wrong direction, at theta + lr*beta*v",
        "the velocity sums gradients, which point uphill, and the weights move "
        "against it; the look-ahead goes the way the weights are moving",
    ),
    dg.variant(
        _look_ahead_without_rate,
        "a look-ahead at theta - beta*v, without the rate",
        "v is measured in units of gradients, not of weights: the step it makes "
        "is lr times it",
    ),
    dg.variant(
        _look_ahead_without_momentum,
        "a look-ahead at theta - lr*v, without the momentum beta",
        "the velocity decays by beta before it moves the weights: the look-ahead "
        "point is where the decayed velocity alone would carry theta",
    ),
    dg.variant(
        _pytorch_form,
        "PyTorch's form, w - lr*(g + beta*v_new) with the gradient at the stored "
        "point, applied to theta",
        "PyTorch's form stores the look-ahead point itself, so it takes the "
        f"gradient where it stands and steps with g + beta*v_new; {_HERE}",
    ),
    dg.variant(
        _pytorch_step_from_look_ahead,
        "PyTorch's step, theta - lr*(g + beta*v_new), from the look-ahead gradient",
        "PyTorch's step moves its stored look-ahead point, whose offset from "
        "theta changes every step; theta itself moves by lr times the new "
        "velocity alone",
    ),
    dg.variant(
        _returns_look_ahead,
        "the next look-ahead point, theta_new - lr*beta*v_new, returned instead "
        "of theta_new (the weights PyTorch's form stores)",
        "return the point where the gradient step lands; the look-ahead point "
        "is only where the next gradient is taken",
    ),
    dg.variant(
        _sutskever_units,
        "Sutskever et al.'s form with v taken as a velocity in units of weights, "
        "u = beta*u - lr*g(theta + beta*u) and theta + u",
        "this exercise's velocity is the one of the heavy-ball equation, a sum "
        "of gradients (u = -lr*v): convert the look-ahead and the step",
    ),
    dg.variant(
        _nesterov_uphill,
        "a step uphill, along the velocity",
        "the velocity accumulates gradients, which point uphill",
    ),
    dg.variant(
        _nesterov_old_velocity,
        "the new point returned with the old velocity, the v passed in",
        "the next step starts from the velocity this step computed, so return that one",
    ),
    dg.variant(
        _nesterov_damped,
        "a damped average, v = beta*v + (1 - beta)*g",
        "in this convention the gradient enters the velocity undamped",
    ),
    dg.variant(
        lambda *args: _nesterov_step(*args)[::-1],
        "the pair in the other order, (v_new, theta_new)",
        "return (theta_new, v_new)",
    ),
    dg.components(
        ("theta_new", "v_new"),
        notes={
            ("v_new",): "the point is right, so look at the velocity you return: "
            "it is not the new one of this convention",
            ("theta_new",): "the velocity is right; check the step theta takes with it",
        },
    ),
    dg.not_finite(),
    dg.wrong_shape(),
    dg.raised(),
)


def check_nesterov_step(function):
    """Check ``function(grad, theta, v, lr, beta)``: one Nesterov step, kept where the gradient steps land.

    Exercise 7.1.  The state is Sutskever et al.'s point :math:`\theta_k`,
    where each gradient step lands, with the velocity of the heavy-ball
    equation (``torch.optim.SGD``'s buffer, a sum of gradients) in place of
    their velocity in units of weights (:math:`u_k = -\\eta\\, v_{k-1}`).
    ``grad`` is a function; the answer is the pair ``(theta_new, v_new)``.

    Parameters
    ----------
    function : callable
        The reader's step.

    Returns
    -------
    CheckResult

    Notes
    -----
    With the look-ahead point :math:`w_k = \\theta_k - \\eta\\beta\\, v_{k-1}`
    (PyTorch's stored weights),

    .. math::

        v_k = \\beta v_{k-1} + \\nabla f(\\theta_k - \\eta\\beta\\, v_{k-1}),
        \\qquad \\theta_{k+1} = \\theta_k - \\eta\\, v_k .

    The reference runs :func:`gdcourse.optimizers.sgd` with
    ``nesterov=True`` at :math:`w_k` and adds :math:`\\eta\\beta\\, v_k` back.
    The first case starts with :math:`v = 0`, where the look-ahead point is
    :math:`\theta` itself, so heavy ball passes it and fails the others.

    Examples
    --------
    >>> def nesterov_step(grad, theta, v, lr, beta):
    ...     v = beta * v + grad(theta - lr * beta * v)
    ...     return theta - lr * v, v
    >>> check_nesterov_step(nesterov_step)
    All 5 cases passed: nesterov_step(grad, theta, v, lr, beta) is right.

    A classic mistake, the gradient at the current point:

    >>> def heavy_ball(grad, theta, v, lr, beta):
    ...     v = beta * v + grad(theta)
    ...     return theta - lr * v, v
    >>> check_nesterov_step(heavy_ball)
    1 of 5 cases passed before one failed.
    Case 2: nesterov_step(gradient of (x**2 + 10 y**2) / 2, array([ 1., -1.]), array([ 2., -3.]), 0.05, 0.9)
      expected: (array([ 0.8645, -0.4325]), array([  2.71, -11.35]))
      got:      (array([ 0.86 , -0.365]), array([  2.8, -12.7]))
      the numbers differ
      It looks like heavy ball: the gradient taken at theta itself, not at the look-ahead point. Hint: Nesterov's method takes the gradient where the velocity alone would carry the weights: which point is that, with a velocity in units of gradients?
    """
    from gdcourse import surfaces

    ravine = _QuadraticGradient(
        "gradient of (x**2 + 10 y**2) / 2", [[1.0, 0.0], [0.0, 10.0]]
    )
    parabola = _QuadraticGradient("gradient of x**2", [[2.0]])
    banana = _NamedGradient("gradient of Rosenbrock's function", surfaces.rosenbrock())
    cases = [
        (ravine, np.array([1.0, 1.0]), np.array([0.0, 0.0]), 0.1, 0.9),
        (ravine, np.array([1.0, -1.0]), np.array([2.0, -3.0]), 0.05, 0.9),
        (parabola, np.array([3.0]), np.array([1.0]), 0.25, 0.5),
        (ravine, np.array([0.5, 2.0]), np.array([1.0, 1.0]), 0.1, 0.0),
        (banana, np.array([-1.2, 1.0]), np.array([0.5, -0.5]), 0.001, 0.9),
    ]
    return check(
        function,
        _nesterov_step,
        cases,
        name="nesterov_step(grad, theta, v, lr, beta)",
        diagnoses=_NESTEROV_STEP_MISTAKES,
    )


# ----------------------------------------------------------------------------
# Exercise 7.4: one rate and momentum for a condition number known roughly
# ----------------------------------------------------------------------------

#: Exercise 7.4: the bowls (L = 1), the chapter's start, the relative
#: distance to reach and the step budget.
CHOICE = {
    "kappas": (30.0, 100.0, 300.0),
    "start": (-3.5, 1.5),
    "tol": 1e-6,
    "steps": 200,
}

#: Exercise 7.4: relative tolerance on the slowest factor per step.
CHOICE_FACTOR_RTOL = 1e-3


@lru_cache(maxsize=64)
def _choice_runs(lr, beta):
    """Steps heavy ball needs on each bowl of :data:`CHOICE`, and the distance left."""
    from gdcourse import descent, surfaces, theory

    needed, left, blew = [], [], []
    for kappa in CHOICE["kappas"]:
        run = descent.gradient_descent(
            surfaces.elongated_bowl(kappa=kappa, L=1.0),
            CHOICE["start"],
            lr=lr,
            momentum=beta,
            steps=CHOICE["steps"],
        )
        needed.append(theory.measured_steps(run.weights, [0.0, 0.0], CHOICE["tol"]))
        final = run.weights[run.stopped_at]
        left.append(np.linalg.norm(final) / np.linalg.norm(CHOICE["start"]))
        blew.append(run.stopped_at + 1 if run.diverged else 0)
    return np.array(needed), np.array(left), np.array(blew)


def _passes(lr, beta):
    return bool(np.all(_choice_runs(lr, beta)[0] <= CHOICE["steps"]))


def _slow_direction(lr, beta, kappa):
    """Which curvature of the bowl is slowest, its factor per step and its regime."""
    from gdcourse import theory

    curvatures = np.array([1.0 / kappa, 1.0])
    factors = theory.heavy_ball_radius(lr, beta, curvatures)
    slow = int(np.argmax(factors))
    regime = int(theory.heavy_ball_regime(lr, beta, curvatures[slow]))
    return slow, float(factors[slow]), theory.HEAVY_BALL_REGIMES[regime]


def _steps_at(factor):
    """Steps a factor per step takes to shrink an error to ``CHOICE["tol"]`` of its start."""
    return math.ceil(math.log(CHOICE["tol"]) / math.log(factor))


def _near_double_root(lr, beta, kappa, factor):
    """The curvature (0: 1/kappa, 1: L = 1) whose two roots nearly coincide, and their distance.

    Nearly: closer to each other than the slowest factor is to 1, so that
    over the steps the error takes to shrink by a factor e the two terms
    :math:`c_1 z_1^k` and :math:`c_2 z_2^k` do not part, and the error
    behaves as at a double root, :math:`(c_1 + c_2 k) r^k`.  ``None`` when
    neither curvature's roots are that close.
    """
    from gdcourse import theory

    roots = theory.heavy_ball_roots(lr, beta, np.array([1.0 / kappa, 1.0]))
    apart = np.abs(roots[:, 0] - roots[:, 1])
    near = int(np.argmin(apart))
    return (near, float(apart[near])) if apart[near] < 1.0 - factor else None


def _choice_factors(lr, beta):
    """Heavy ball's factor per step at each curvature of the bowls, and its smaller root's size."""
    from gdcourse import theory

    curvatures = np.array([h for k in CHOICE["kappas"] for h in (1.0 / k, 1.0)])
    roots = np.abs(theory.heavy_ball_roots(lr, beta, curvatures))
    return curvatures, roots[:, 0], roots[:, 1]


def _alone(factor):
    """Steps the factor alone needs to reach ``CHOICE["tol"]`` (``inf`` at or above 1)."""
    return math.inf if factor >= 1.0 else _steps_at(factor) if factor > 0.0 else 1


def _is_number(value):
    return (
        isinstance(value, Real)
        and not isinstance(value, bool)
        and not math.isnan(value)
    )


def _factor_hint(lr, beta, factor):
    """Why ``factor`` is not the slowest factor per step of the setting ``(lr, beta)``."""
    curvatures, big, small = _choice_factors(lr, beta)
    slow = float(big.max())

    def near(value):
        return abs(factor - value) <= CHOICE_FACTOR_RTOL * max(abs(value), 1e-12)

    where = (
        "gd.theory.heavy_ball_radius at each bowl's two curvatures, 1/kappa and L = 1"
    )
    if near(beta) and not near(slow):
        return (
            "that is beta itself, the product of heavy ball's two roots; in the "
            "spiralling band the two roots are complex and their size is the "
            "square root of that product"
        )
    plain = np.abs(1.0 - lr * curvatures)
    if any(near(p) for p in plain):
        return (
            "that is a factor of plain gradient descent, |1 - lr * curvature|, "
            "which leaves the velocity out; with momentum the factor is the size "
            f"of the larger of heavy ball's two roots ({where})"
        )
    # a factor of the setting itself is told by the loops below
    own = any(near(b) for b in big) or any(near(s) for s in small)
    for kappa in CHOICE["kappas"]:
        best = (math.sqrt(kappa) - 1.0) / (math.sqrt(kappa) + 1.0)
        if near(best) and not own:
            return (
                f"that is the optimal factor (sqrt(kappa) - 1)/(sqrt(kappa) + 1) "
                f"for kappa = {kappa:g}, which only that bowl's optimal setting "
                f"reaches; the exercise asks for your setting's factor ({where})"
            )
    for h, s, b in zip(curvatures, small, big):
        if near(s) and not near(b):
            name = "L = 1" if h == 1.0 else f"1/{1.0 / h:g}"
            return (
                f"that is the size of the smaller of the two roots at curvature "
                f"{name}; the larger root sets the pace, as its term outlasts "
                "the other"
            )
    for h, b in zip(curvatures, big):
        if near(b):
            name = "L = 1" if h == 1.0 else f"1/{1.0 / h:g}"
            return (
                f"that is the factor at curvature {name}, which is not the "
                "slowest one: take the largest factor over all three bowls' "
                "curvatures, as the slowest bowl sets the count"
            )
    return f"it is not the slowest factor of your setting; compute {where}, and take the largest"


def _steps_hint(lr, beta, factor, steps):
    """Why ``steps`` is not what the slowest factor alone needs."""
    tol = CHOICE["tol"]
    if steps <= 0:
        return (
            f"a number of steps is positive; ln({tol:g}) and ln(factor) are both "
            "negative, so their ratio is positive"
        )

    def near(value):
        return math.isfinite(value) and abs(steps - value) <= 1.0

    if factor < 1.0:
        e = -1.0 / math.log(factor)
        if near(e) or near(1.0 / (1.0 - factor)):
            return (
                "that is about the steps the factor needs to shrink the error by "
                f"a factor e, not to {tol:g} of the start: multiply by ln(1/{tol:g})"
            )
        if near(math.log10(tol) / math.log(factor)) or near(
            math.log(tol) / math.log10(factor)
        ):
            return (
                "that mixes two bases of logarithm; ln(tol) / ln(factor) needs the "
                "same base above and below"
            )
    if 0.0 < beta < 1.0 and near(math.log(tol) / math.log(beta)):
        return (
            "that is the count for beta as the factor; the factor per step is the "
            "one you gave, the size of the slower root"
        )
    needed = _choice_runs(lr, beta)[0]
    if any(near(float(k)) for k in needed):
        return (
            "that is a count of steps that one of the runs took; the exercise asks "
            "what the slowest factor alone would need, the smallest k with "
            f"factor**k <= {tol:g}, which may differ from what the run takes"
        )
    return (
        f"it is not the smallest k with factor**k <= {tol:g}; take "
        f"ln({tol:g}) / ln(factor) and round up"
    )


def _evidence_hint(lr, beta, factor, steps):
    """``None`` when both pieces of evidence are right, else a report for the first wrong one."""
    for name, value in (("factor", factor), ("steps", steps)):
        if not _is_number(value):
            return f"{name} must be a number, got {describe(value)}."
    factor, steps = float(factor), float(steps)
    slow = float(_choice_factors(lr, beta)[1].max())
    if abs(factor - slow) > CHOICE_FACTOR_RTOL * slow:
        return (
            "Not yet: the factor per step is not that of the slowest bowl with "
            f"your setting.\nHint: {_factor_hint(lr, beta, factor)}."
        )
    alone = _alone(slow)
    if math.isinf(alone):
        if math.isinf(steps) and steps > 0:
            return None
        return (
            "Not yet: the steps are not what that factor alone needs.\nHint: a "
            "factor of 1 or more never shrinks the error; pass math.inf."
        )
    if math.isinf(steps) or abs(steps - alone) > 1.0:
        return (
            "Not yet: the steps are not what that factor alone needs.\n"
            f"Hint: {_steps_hint(lr, beta, slow, steps)}."
        )
    return None


def _choice_hint(lr, beta, kappa):
    """What holds the run back on the bowl ``kappa``, and where to look."""
    slow, factor, regime = _slow_direction(lr, beta, kappa)
    bowl = f"on the bowl with kappa = {kappa:g}"
    edge = "the edge of the stable region of the convergence map, lr * L = 2 (1 + beta)"
    if regime == "diverging" or factor >= 1.0 - 1e-9:
        return (
            f"{bowl} the error across the ravine (curvature L = 1) does not "
            f"shrink: its factor per step is {factor:.4g}; the rate is at or "
            f"past {edge}"
        )
    tol, budget = CHOICE["tol"], CHOICE["steps"]
    alone = _steps_at(factor) if factor > 0.0 else 1
    double = _near_double_root(lr, beta, kappa, factor) if alone <= budget else None
    if double is not None:
        near, apart = double
        curvature = f"1/{kappa:g}" if near == 0 else "L = 1"
        place = "along the flat floor" if near == 0 else "across the ravine"
        return (
            f"{bowl} the slowest factor per step is {factor:.4g}, which alone "
            f"would bring the error to {tol:g} of the start in {alone} steps; "
            f"but {place} (curvature {curvature}) heavy ball's two roots nearly "
            f"coincide (they are {apart:.2g} apart), at an edge of the "
            "spiralling band, where the error goes like (c1 + c2 k) r^k and "
            "the factor 1 + ck costs extra steps (see the section on the "
            "optimal rate and momentum): move that curvature inside the band, "
            "away from its edges"
        )
    share = "more than the" if alone > budget else "of the"
    takes = (
        f"at that factor alone, reaching {tol:g} of the start takes {alone} "
        f"steps, {share} {budget} steps"
    ).replace(" steps, of the", " of the")
    if regime == "spiralling":
        return (
            f"{bowl} the error spirals, and its amplitude shrinks by "
            f"sqrt(beta) = {factor:.3g} per step whatever the rate: {takes}; "
            "see the section on too much momentum"
        )
    if slow == 1 and regime == "oscillating":
        return (
            f"{bowl} the error across the ravine (curvature L = 1) flips sign "
            f"every step and shrinks by only {factor:.4g} per step ({takes}): "
            f"the rate is close to {edge}"
        )
    curvature = f"1/{kappa:g}" if slow == 0 else "L = 1"
    place = "along the flat floor" if slow == 0 else "across the ravine"
    text = (
        f"{bowl} the error {place} (curvature {curvature}) is the slowest "
        f"part: it shrinks by only {factor:.4g} per step ({takes}), in the "
        f"{regime} region of the convergence map (its left panel, at rate "
        f"times curvature lr * {curvature})"
    )
    if slow == 0 and _passes(lr / (1.0 - beta), beta):
        text += (
            "; if you computed the rate for a velocity that averages, "
            "v = beta*v + (1 - beta)*g, this exercise's velocity sums the "
            "gradients, as in the heavy-ball equation"
        )
    return text


def check_momentum_choice(lr, beta, factor=None, steps=None):
    """Check a rate and momentum for heavy ball on bowls whose condition number is known only roughly.

    Exercise 7.4: one setting ``(lr, beta)``, in the convention of
    :func:`gdcourse.descent.gradient_descent`, must bring heavy ball from the
    chapter's start to within ``CHOICE["tol"]`` of the start's distance to
    the minimum in at most ``CHOICE["steps"]`` steps on each of the
    elongated bowls ``gdcourse.surfaces.elongated_bowl(kappa, L=1)`` with
    ``kappa`` in ``CHOICE["kappas"]`` (counted by
    :func:`gdcourse.theory.measured_steps`).

    Parameters
    ----------
    lr, beta : float
        The reader's rate and momentum.
    factor : float
        The evidence: with this setting, the factor per step by which the
        slowest of the three bowls' errors shrinks, the largest of
        :func:`gdcourse.theory.heavy_ball_radius` over the bowls' curvatures
        ``1/kappa`` and ``L = 1`` (``sqrt(beta)`` where all of them lie in
        the spiralling band), matched within ``CHOICE_FACTOR_RTOL``.
    steps : float
        The steps that factor alone needs to shrink the error to
        ``CHOICE["tol"]`` of the start, the smallest ``k`` with
        ``factor**k <= CHOICE["tol"]``, matched within one step
        (``math.inf`` for a factor of 1 or more).

    Returns
    -------
    gdcourse.exercises.diagnose.Verdict
        Its ``ok`` and a report.  The evidence is checked first: a wrong
        factor is told what it looks like (beta itself, a factor of plain
        descent, a bowl's optimal factor, the smaller root, a curvature that
        is not the slowest), and wrong steps likewise (the steps to shrink
        by e, two bases of logarithm, beta as the factor, a run's measured
        count, a sign); the setting is judged only once both are right.
        Then the steps each bowl took (or the distance left), and for a
        setting that fails, what holds back the first bowl it fails on,
        read from :func:`gdcourse.theory.heavy_ball_radius` and
        :func:`gdcourse.theory.heavy_ball_regime` at its two curvatures: its
        slowest factor per step and the steps that factor alone needs, or,
        when those fit the budget, the two roots that nearly coincide at one
        curvature.  The report never gives a setting, or a piece of
        evidence, that passes.

    Notes
    -----
    One setting serves every bowl when it puts every curvature from the
    smallest :math:`\\mu` to :math:`L` in heavy ball's spiralling band with a
    small enough :math:`\\sqrt\\beta`; the bowls share :math:`L = 1` and
    differ in :math:`\\mu = 1/\\kappa`.

    Examples
    --------
    >>> check_momentum_choice(1.0, 0.9)
    factor must be a number, got None.
    >>> check_momentum_choice(1.0, 0.9, 0.9, 132)
    Not yet: the factor per step is not that of the slowest bowl with your setting.
    Hint: that is beta itself, the product of heavy ball's two roots; in the spiralling band the two roots are complex and their size is the square root of that product.
    >>> check_momentum_choice(1.0, 0.9, 0.9487, 263)
    The slowest factor per step is 0.9487, which alone needs 263 steps. Not yet: kappa 30: still 9.9e-06 of the start's distance away after 200 steps; kappa 100: still 7.9e-06 of the start's distance away after 200 steps; kappa 300: still 2e-05 of the start's distance away after 200 steps.
    Hint: on the bowl with kappa = 30 the error spirals, and its amplitude shrinks by sqrt(beta) = 0.949 per step whatever the rate: at that factor alone, reaching 1e-06 of the start takes 263 steps, more than the 200 steps; see the section on too much momentum.
    """
    for name, value in (("lr", lr), ("beta", beta)):
        if not finite_real(value):
            return dg.Verdict(False, f"{name} must be a number, got {describe(value)}.")
    lr, beta = float(lr), float(beta)
    if not 0.0 <= beta < 1.0:
        text = f"beta must be in [0, 1), got {describe(beta)}."
        if 0.0 < lr < 1.0 and beta > 1.0:
            text += " It looks like the pair in the other order: pass (lr, beta)."
        return dg.Verdict(False, text)
    if lr <= 0.0:
        return dg.Verdict(False, f"lr must be positive, got {describe(lr)}.")
    evidence = _evidence_hint(lr, beta, factor, steps)
    if evidence is not None:
        return dg.Verdict(False, evidence)
    slow = float(_choice_factors(lr, beta)[1].max())
    said = f"The slowest factor per step is {slow:.4g}" + (
        f", which alone needs {_alone(slow)} steps. "
        if slow < 1.0
        else ", and the error does not shrink at it. "
    )
    needed, left, blew = _choice_runs(lr, beta)
    budget = CHOICE["steps"]
    parts = []
    for kappa, k, d, step in zip(CHOICE["kappas"], needed, left, blew):
        if k <= budget:
            parts.append(f"kappa {kappa:g}: {int(k)} steps")
        elif step:
            parts.append(f"kappa {kappa:g}: diverged at step {step}")
        elif d < 1.0:
            parts.append(
                f"kappa {kappa:g}: still {_above(d, CHOICE['tol'])} of the "
                f"start's distance away after {budget} steps"
            )
        else:
            parts.append(
                f"kappa {kappa:g}: {d:.2g} times the start's distance away "
                f"after {budget} steps"
            )
    report = "; ".join(parts)
    if np.all(needed <= budget):
        return dg.Verdict(True, f"{said}Each bowl within {budget} steps: {report}.")
    first = CHOICE["kappas"][int(np.argmax(needed > budget))]
    return dg.Verdict(
        False,
        f"{said}Not yet: {report}.\nHint: {_choice_hint(lr, beta, first)}.",
    )

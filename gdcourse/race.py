"""A fair race between optimizers over a fixed benchmark suite.

The suite (:func:`suite`) holds six small problems, each with its source, a
target and a step budget: an ill-conditioned quadratic in 20 dimensions, the
turned ravine of chapter 9, Rosenbrock's and Beale's functions, a quadratic
with noisy gradients and the course's small network on two moons.  An entry
(:class:`Entry`) is an optimizer of :mod:`gdcourse.optimizers`, a learner's
own :class:`~gdcourse.optimizers.Optimizer`, or L-BFGS.  :func:`run` races
every entry on every problem under one protocol and returns a
:class:`Result`, a table that prints itself and that :func:`plot` draws;
:func:`join` sets the entries of separate races side by side, and
:func:`sweep` keeps every rate's runs (their loss curves too).
:func:`check_optimizer` tells a learner, in plain words, whether an update
rule keeps the contract the race relies on.

The protocol
------------
1. **One rate grid per problem**, the same for every entry
   (:attr:`Problem.rates`, made by :func:`rate_grid`: four rates a decade,
   1.3, 2.4, 4.2, 7.5).  L-BFGS has no rate to tune (its line search picks
   each step): it runs once, and only on the deterministic problems.
2. **The rate is chosen on the tuning seeds** (0, 1, 2 by default) by
   :func:`choose_rate`: the fewest failures, then the lowest median number
   of steps to the target, then the lowest median of the lowest loss each
   run reached, then the smaller rate.  A tuning run stops as soon as no
   rate still running can win any more (the same choice as running every
   rate to the end of its budget; :func:`sweep` does that).
3. **The result is reported on held-out seeds** (3 to 7 by default), which
   the choice never saw: for each seed, the steps and the gradient
   evaluations to the target, summarised by the **median and the range
   (minimum to maximum)**.  A seed sets the start (the network's
   initialisation) and the gradient noise; every entry gets the same starts
   and the same noise for the same seed, so differences can be paired.
4. A **deterministic problem** (a fixed start and exact gradients) gives the
   same run for every seed, so it needs one seed: its rate is chosen on that
   run and the same run is reported (marked ``*`` in the table).
5. **Failures are counted, never raised**: a run whose weights leave the
   bound of :data:`gdcourse.descent.DIVERGENCE_BOUND` or whose loss stops
   being finite has ``"diverged"``; one that has not reached the target
   when its budget of steps is spent has ``"budget"``; an L-BFGS run that
   stops above the target (its line search found no decrease, or its
   gradient vanished) has ``"stalled"``.  A failure counts as infinitely
   many steps in the medians.

The measure is the time to a result, as in AlgoPerf [5]_, counted in steps
and in gradient evaluations rather than seconds.
A run reaches the target at step :math:`k` when the exact loss at
:math:`w_k` is at most the target (for a problem with noisy gradients the
loss itself is exact: only the gradient the optimizer sees is noisy); on the
noisy quadratic the loss must have stayed at or below the target for the 10
steps up to :math:`k` (:attr:`Problem.hold`), so that a rate whose loss
hovers above the target cannot win by one lucky dip.  The gradient
evaluations it needed to arrive there are :math:`k` for a
first-order entry (one at each of :math:`w_0, \\dots, w_{k-1}`); L-BFGS
also pays for every point its line searches tried, the accepted ones
included (``g_evals[k]`` of its :class:`~gdcourse.descent.Trajectory`).

>>> from gdcourse import optimizers, race
>>> quad = race.problem("quadratic")
>>> result = race.run([quad], [race.entry(optimizers.sgd(), "SGD"), "Adam"])
>>> print(result.cell("quadratic", "SGD").summary())
88 steps at rate 1.3 (one run: deterministic)

References
----------
.. [1] H. H. Rosenbrock, "An automatic method for finding the greatest or
   least value of a function", The Computer Journal 3(3), 1960.
.. [2] E. M. L. Beale, "On an iterative method for finding a local minimum
   of a function of more than one variable", technical report, Statistical
   Techniques Research Group, Princeton University, 1958.
.. [3] J. J. More, B. S. Garbow and K. E. Hillstrom, "Testing unconstrained
   optimization software", ACM Transactions on Mathematical Software 7(1),
   1981 (problems 1 and 5: Rosenbrock's and Beale's functions, with their
   standard starts).
.. [4] R. M. Schmidt, F. Schneider and P. Hennig, "Descending through a
   crowded valley: benchmarking deep learning optimizers", ICML 2021.
.. [5] G. E. Dahl et al., "Benchmarking neural network training
   algorithms", arXiv:2306.07179, 2023 (AlgoPerf).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from gdcourse import adaptive, checks, data, models, newton, optimizers, surfaces
from gdcourse.descent import within_bound

__all__ = [
    "Problem",
    "Entry",
    "Cell",
    "Result",
    "Sweep",
    "Contract",
    "FAILURES",
    "rate_grid",
    "suite",
    "problem",
    "quadratic",
    "SUITE",
    "reference_entries",
    "entry",
    "choose_rate",
    "sweep",
    "sweeps",
    "run",
    "join",
    "plot",
    "check_optimizer",
]

#: Why a run failed: it diverged, it spent its budget above the target, or
#: (L-BFGS) it stopped above the target.
FAILURES = ("diverged", "budget", "stalled")


# ---------------------------------------------------------------------------
# problems
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Problem:
    """A problem of the race: a loss with its gradient, a start, a target and a budget.

    Attributes
    ----------
    name : str
        Short name, used in tables and figures.
    dim : int
        Number of weights ``d``.
    loss_and_grad : callable
        ``loss_and_grad(W) -> (losses, grads)`` for weights ``W`` of shape
        ``(n, d)``: the exact loss, shape ``(n,)``, and its exact gradient,
        shape ``(n, d)``, each row on its own.
    start : callable
        ``start(seed) -> w0``, shape ``(d,)``; a fixed start ignores the seed.
    target : float
        A run reaches the target at the first step whose loss is at most this.
    steps : int
        The budget: a run that has not reached the target after this many
        steps has failed.
    rates : tuple of float
        The rate grid every entry is tuned on, increasing.
    noise : float, default 0.0
        Standard deviation of the Gaussian noise added to every coordinate
        of every gradient an optimizer sees (the seed's own draws).
    seeded : bool, default False
        Whether ``start`` depends on the seed.
    hold : int, default 1
        A run reaches the target at the first step by which its loss has
        been at or below the target for ``hold`` steps in a row (1: the
        first step at or below it).  With noisy gradients, a rate whose
        loss hovers above the target can dip below it by chance; holding it
        for a few steps asks for the level the rate settles at.
    surface : Surface, optional
        The loss as a :class:`~gdcourse.surfaces.Surface`, for L-BFGS.
    f_min : float, optional
        The known minimum of the loss, when there is one.
    source : str
        Where the problem comes from.
    about : str
        One line on what it is and how the target is set.
    """

    name: str
    dim: int
    loss_and_grad: Callable = field(repr=False)
    start: Callable = field(repr=False)
    target: float = field(repr=False)
    steps: int = field(repr=False)
    rates: tuple = field(repr=False)
    noise: float = field(default=0.0, repr=False)
    seeded: bool = field(default=False, repr=False)
    hold: int = field(default=1, repr=False)
    surface: object = field(default=None, repr=False)
    f_min: float | None = field(default=None, repr=False)
    source: str = field(default="", repr=False)
    about: str = field(default="", repr=False)

    def __post_init__(self):
        checks.integer("dim", self.dim, minimum=1)
        checks.number("target", self.target)
        checks.integer("steps", self.steps, minimum=1)
        checks.non_negative("noise", self.noise)
        checks.integer("hold", self.hold, minimum=1)
        rates = np.asarray(self.rates, dtype=float)
        if (
            rates.ndim != 1
            or rates.size == 0
            or not np.all(np.isfinite(rates) & (rates > 0))
            or np.any(np.diff(rates) <= 0)
        ):
            raise ValueError(
                f"rates must be increasing positive finite numbers, got {self.rates!r}"
            )
        object.__setattr__(self, "rates", tuple(float(r) for r in rates))

    @property
    def deterministic(self):
        """Whether every seed gives the same run (a fixed start and exact gradients)."""
        return not self.seeded and self.noise == 0

    def seeds(self, seeds):
        """The seeds this problem needs out of ``seeds``: the first alone if deterministic.

        Examples
        --------
        >>> problem("Beale").seeds((0, 1, 2)), problem("noisy quadratic").seeds((0, 1, 2))
        ((0,), (0, 1, 2))
        """
        seeds = tuple(seeds)
        return seeds[:1] if self.deterministic else seeds

    def __str__(self):
        """Name, source, size, target, budget, grid and what the seeds change."""
        lo, hi = self.rates[0], self.rates[-1]
        seeds = (
            "deterministic (one seed)"
            if self.deterministic
            else "the seed sets " + ("the start" if self.seeded else "the noise")
        )
        return (
            f"{self.name}: {self.about}\n"
            f"  source: {self.source}\n"
            f"  d = {self.dim}, target: loss <= {self.target:.3g}"
            + (f" for {self.hold} steps in a row" if self.hold > 1 else "")
            + ", "
            f"budget {self.steps} steps, {len(self.rates)} rates "
            f"{lo:g} to {hi:g}; {seeds}"
        )


def rate_grid(lowest, highest):
    """Rates 1.3, 2.4, 4.2, 7.5 per decade from ``lowest`` to ``highest`` (both in the grid).

    Four rates a decade, evenly spaced on a log scale (each is
    :math:`10^{(k + 1/2)/4}` to two digits), and no power of ten among them:
    the suite's starts lie a round distance from their minima (Beale's
    (1, 1) is (2, 0.5) from (3, 0.5)), so a method that moves every weight
    by exactly the rate, as Lion and plain sign descent do, could otherwise land
    on a minimum by arithmetic coincidence.  Each rate is read from its
    decimal text, so the grid is the same to the last bit everywhere.

    Parameters
    ----------
    lowest, highest : float
        Positive, of the form ``m * 10**e`` with ``m`` one of 1.3, 2.4,
        4.2, 7.5.

    Returns
    -------
    tuple of float

    Examples
    --------
    >>> rate_grid(0.013, 1.3)
    (0.013, 0.024, 0.042, 0.075, 0.13, 0.24, 0.42, 0.75, 1.3)
    """
    lowest = checks.positive("lowest", lowest)
    highest = checks.positive("highest", highest)
    if highest < lowest:
        raise ValueError(f"highest must be at least lowest={lowest!r}, got {highest!r}")
    first = math.floor(math.log10(lowest)) - 1
    last = math.ceil(math.log10(highest)) + 1
    grid = [float(f"{m}e{e}") for e in range(first, last + 1) for m in _MANTISSAS]
    for name, value in (("lowest", lowest), ("highest", highest)):
        if value not in grid:
            raise ValueError(
                f"{name} must be 1.3, 2.4, 4.2 or 7.5 times a power of 10, "
                f"got {value!r}"
            )
    return tuple(r for r in grid if lowest <= r <= highest)


_MANTISSAS = ("1.3", "2.4", "4.2", "7.5")


def _paley_hadamard(q):
    """A Hadamard matrix of order ``q + 1`` (Paley's construction, ``q`` a prime = 3 mod 4)."""
    squares = {(i * i) % q for i in range(1, q)}
    chi = np.array([0] + [1 if a in squares else -1 for a in range(1, q)])
    jacobsthal = chi[(np.arange(q)[None, :] - np.arange(q)[:, None]) % q]
    skew = np.zeros((q + 1, q + 1), dtype=int)
    skew[0, 1:], skew[1:, 0], skew[1:, 1:] = 1, -1, jacobsthal
    return np.eye(q + 1, dtype=int) + skew


def _surface_problem(surface, loss_and_grad=None, **kwargs):
    if loss_and_grad is None:

        def loss_and_grad(W):
            return surface.value_fn(W), surface.grad_fn(W)

    return Problem(loss_and_grad=loss_and_grad, surface=surface, **kwargs)


def _fixed(w0):
    w0 = np.array(w0, dtype=float)

    def start(seed):
        return w0.copy()

    return start


def _bowl(lam, center, name, A=None):
    """The Surface 1/2 (w - c)^T A (w - c), A = diag(lam) unless given; summed elementwise.

    Returns the surface and its ``loss_and_grad``, which takes the loss from
    the one gradient it computes (the same numbers as ``value_fn``).
    """
    c = np.asarray(center, dtype=float)
    d = c.size
    A = np.diag(lam) if A is None else A

    def grad(w):
        return ((w - c)[..., None, :] * A).sum(-1)

    def from_grad(w, g):
        return 0.5 * ((w - c) * g).sum(-1)

    def value(w):
        return from_grad(w, grad(w))

    def loss_and_grad(W):
        g = grad(W)
        return from_grad(W, g), g

    def hessian(w):
        return np.broadcast_to(A, w.shape[:-1] + (d, d)).copy()

    half = 3.0 + float(np.abs(c).max())
    box = tuple((float(x) - half, float(x) + half) for x in c)
    surface = surfaces.Surface(name, d, value, grad, hessian, box=box,
                               minima=c[None, :].copy(),
                               formula=r"\tfrac12 (w - c)^\top A (w - c)")  # fmt: skip
    return surface, loss_and_grad


def _evenly(kappa, d):
    """Eigenvalues 1/kappa .. 1, evenly spaced."""
    return np.array([1 / kappa + (1 - 1 / kappa) * k / (d - 1) for k in range(d)])


def _signs(placement, d):
    """``d`` signs drawn from the seed ``placement``, an odd number of them negative.

    With an odd number of minus signs, every entry of ``H @ s`` for a Hadamard
    matrix ``H`` of order 20 is 2 modulo 4, so none is zero.
    """
    s = np.random.default_rng(placement).choice([-1.0, 1.0], size=d)
    if np.sum(s < 0) % 2 == 0:
        s[-1] = -s[-1]
    return s


def _quadratic(kappa=100.0, d=20, placement=0):
    """The 20-d quadratic: eigenvalues 1/kappa .. 1, eigenvectors a Hadamard basis.

    The minimum lies one unit along every eigenvector from the start 0, with
    the signs drawn from the seed ``placement``; the suite's is placement 0.
    """
    H = _paley_hadamard(d - 1).astype(float)
    lam = _evenly(kappa, d)
    # A = H diag(lam) H^T / d, summed elementwise: the same bits on every machine
    A = (H[:, None, :] * H[None, :, :] * lam).sum(-1) / d
    # one unit along every eigenvector, with signs that leave no coordinate at 0
    center = (H * _signs(placement, d)).sum(-1) / math.sqrt(d)
    s, loss_and_grad = _bowl(lam, center, "quadratic (20-d)", A=A)
    f0 = 0.5 * float(lam.sum())
    return _surface_problem(
        s,
        loss_and_grad,
        name="quadratic",
        dim=d,
        start=_fixed(np.zeros(d)),
        target=1e-4 * f0,
        steps=1000,
        rates=rate_grid(1.3e-4, 4.2),
        f_min=0.0,
        source="chapters 2 and 7: a quadratic with condition number kappa",
        about=(
            f"f = (w - c)^T A (w - c) / 2 in {d} dimensions, eigenvalues evenly "
            f"spaced from {1 / kappa:g} to 1 (kappa = {kappa:g}), eigenvectors a "
            "Hadamard basis (no coordinate axis is special); start 0, the "
            "minimum c one unit along every eigenvector from it, with signs drawn "
            f"from the seed {placement} so that no coordinate of c is 0; target: "
            "1e-4 of the starting loss"
        ),
    )


def _ravine(kappa=100.0, angle=45.0):
    s0 = adaptive.ravine(kappa=kappa, angle=angle)
    A = s0.hessian_fn(np.zeros(2))
    center = np.array([1.5, 0.5])
    s, loss_and_grad = _bowl(
        None, center, f"turned ravine (kappa={kappa:g}, {angle:g} degrees)", A=A
    )
    w0 = center + adaptive.rotate([-3.0, -1.0], angle)
    f0 = float(s.value_fn(w0))
    return _surface_problem(
        s,
        loss_and_grad,
        name="turned ravine",
        dim=2,
        start=_fixed(w0),
        target=1e-4 * f0,
        steps=1000,
        rates=rate_grid(1.3e-4, 4.2),
        f_min=0.0,
        source="chapter 9: gdcourse.adaptive.ravine(kappa=100, angle=45)",
        about=(
            f"chapter 9's quadratic ravine, kappa = {kappa:g}, turned {angle:g} "
            "degrees from the axes (a per-coordinate rate cannot see it), moved "
            "so that its minimum is (1.5, 0.5), not the origin; start (-3, -1) "
            "turned with it, from the minimum; target: 1e-4 of the starting loss"
        ),
    )


def _rosenbrock():
    s = surfaces.rosenbrock()
    return _surface_problem(
        s,
        name="Rosenbrock",
        dim=2,
        start=_fixed([-1.2, 1.0]),
        target=1e-4 * 24.2,
        steps=1000,
        rates=rate_grid(1.3e-4, 4.2),
        f_min=0.0,
        source="Rosenbrock (1960); More, Garbow and Hillstrom (1981), problem 1",
        about=(
            "(1 - x)^2 + 100 (y - x^2)^2, a curved valley; start (-1.2, 1), "
            "minimum 0 at (1, 1); target: 1e-4 of the starting loss 24.2"
        ),
    )


def _beale_surface():
    c = (1.5, 2.25, 2.625)

    def parts(w):
        x, y = w[..., 0], w[..., 1]
        powers = (y, y * y, y * y * y)
        return x, y, [ci - x * (1.0 - p) for ci, p in zip(c, powers)]

    def value(w):
        _, _, r = parts(w)
        return r[0] * r[0] + r[1] * r[1] + r[2] * r[2]

    def grad(w):
        x, y, r = parts(w)
        dx = -2.0 * (r[0] * (1.0 - y) + r[1] * (1.0 - y * y) + r[2] * (1.0 - y * y * y))
        dy = 2.0 * x * (r[0] + r[1] * 2.0 * y + r[2] * 3.0 * y * y)
        return np.stack([dx, dy], axis=-1)

    def hessian(w):
        x, y, r = parts(w)
        a = (1.0 - y, 1.0 - y * y, 1.0 - y * y * y)  # -d r_i / dx
        b = (x, 2.0 * x * y, 3.0 * x * y * y)  # d r_i / dy
        db_dy = (0.0 * x, 2.0 * x, 6.0 * x * y)
        da_dy = (-1.0 + 0.0 * y, -2.0 * y, -3.0 * y * y)  # d a_i / dy
        hxx = 2.0 * sum(ai * ai for ai in a)
        hyy = 2.0 * sum(bi * bi + ri * dbi for bi, ri, dbi in zip(b, r, db_dy))
        hxy = 2.0 * sum(-ai * bi - ri * dai for ai, bi, ri, dai in zip(a, b, r, da_dy))
        hxx, hxy, hyy = np.broadcast_arrays(hxx, hxy, hyy)
        return np.stack([np.stack([hxx, hxy], -1), np.stack([hxy, hyy], -1)], -2)

    return surfaces.Surface(
        "Beale",
        2,
        value,
        grad,
        hessian,
        box=((-4.5, 4.5), (-4.5, 4.5)),
        minima=np.array([[3.0, 0.5]]),
        formula=r"\sum_{i=1}^3 \left(c_i - x (1 - y^i)\right)^2",
    )


def _beale():
    s = _beale_surface()
    return _surface_problem(
        s,
        name="Beale",
        dim=2,
        start=_fixed([1.0, 1.0]),
        target=1e-4 * 14.203125,
        steps=1000,
        rates=rate_grid(1.3e-4, 4.2),
        f_min=0.0,
        source="Beale (1958); More, Garbow and Hillstrom (1981), problem 5",
        about=(
            "sum over i = 1, 2, 3 of (c_i - x (1 - y^i))^2 with c = (1.5, 2.25, "
            "2.625); steep towards the corners of its box, constant (14.2) "
            "along y = 1; minimum 0 at (3, 0.5); start (1, 1); "
            "target: 1e-4 of the starting loss 14.2"
        ),
    )


def _noisy_quadratic(d=10, kappa=10.0, noise=0.2):
    lam = _evenly(kappa, d)
    center = np.array([(-1.0) ** i * (0.5 + i / (d - 1)) for i in range(d)])

    def loss_and_grad(W):
        g = (W - center) * lam
        return 0.5 * ((W - center) * g).sum(-1), g

    f0 = 0.5 * float((lam * center * center).sum())
    return Problem(
        name="noisy quadratic",
        dim=d,
        loss_and_grad=loss_and_grad,
        start=_fixed(np.zeros(d)),
        target=1e-2 * f0,
        steps=500,
        rates=rate_grid(1.3e-3, 4.2),
        noise=noise,
        hold=10,
        f_min=0.0,
        source="chapters 4 and 5: gradient_descent(noise=...) on a quadratic",
        about=(
            f"f = sum lam_i (w_i - c_i)^2 / 2 in {d} dimensions, lam evenly "
            f"spaced from {1 / kappa:g} to 1, c_i = +-(0.5 + i / {d - 1}); every "
            f"gradient coordinate plus N(0, {noise:g}^2) noise (the seed's "
            "draws); start 0; target: 1e-2 of the starting loss, held for 10 "
            "steps in a row"
        ),
    )


def _mlp(n=100):
    ds = data.two_moons(n=n, noise=0.15, seed=0)
    net = models.MLP([2, 16, 1], activation="tanh", task="binary")
    X, y = ds.X_train, ds.y_train

    def loss_and_grad(W):
        return net.loss_and_grad(W, X, y)

    def start(seed):
        return net.init(seed)

    return Problem(
        name="MLP on two moons",
        dim=net.n_params,
        loss_and_grad=loss_and_grad,
        start=start,
        target=0.1,
        steps=400,
        rates=rate_grid(2.4e-2, 42.0),
        seeded=True,
        source="chapters 3 and 4: MLP([2, 16, 1], tanh) on two_moons(noise=0.15)",
        about=(
            f"the course's network, 2-16-1 with tanh, {net.n_params} weights, "
            f"full-batch cross-entropy on the {len(X)} training points of "
            f"two_moons(n={n}, noise=0.15, seed=0); the seed sets the "
            "initialisation; target: training loss 0.1"
        ),
    )


_BUILDERS = {
    "quadratic": _quadratic,
    "turned ravine": _ravine,
    "Rosenbrock": _rosenbrock,
    "Beale": _beale,
    "noisy quadratic": _noisy_quadratic,
    "MLP on two moons": _mlp,
}

#: The names of the suite's problems, in the order of :func:`suite`.
SUITE = tuple(_BUILDERS)


def problem(name):
    """One problem of the suite, by name (see :data:`SUITE`).

    Examples
    --------
    >>> p = problem("Rosenbrock")
    >>> p, p.deterministic, p.steps
    (Problem(name='Rosenbrock', dim=2), True, 1000)
    """
    checks.one_of("name", name, SUITE)
    return _BUILDERS[name]()


def quadratic(placement=0):
    """The suite's 20-d quadratic, with its minimum placed by the seed ``placement``.

    The minimum lies one unit along every eigenvector from the start 0; the
    seed draws the sign of each unit (an odd number of them negative, so
    that no coordinate of the minimum is 0).  Every placement has the same
    curvatures, the same starting loss and the same target; the suite's
    quadratic, ``problem("quadratic")``, is placement 0.

    Parameters
    ----------
    placement : int, default 0
        The seed of the signs.

    Returns
    -------
    Problem

    Examples
    --------
    >>> a, b = quadratic(), quadratic(placement=1)
    >>> f0 = [float(p.loss_and_grad(p.start(0)[None])[0][0]) for p in (a, b)]
    >>> print(f"{f0[0]:.3f} {f0[1]:.3f}", a.target == b.target)
    5.050 5.050 True
    >>> bool(np.abs(a.surface.minima[0]).min() > 0)
    True
    """
    checks.integer("placement", placement, minimum=0)
    return _quadratic(placement=placement)


def suite():
    """The benchmark suite: the problems of :data:`SUITE`, built afresh.

    Returns
    -------
    tuple of Problem

    Examples
    --------
    >>> for p in suite():
    ...     print(f"{p.name:18} d={p.dim:<3} budget {p.steps:4}  "
    ...           f"{'deterministic' if p.deterministic else 'seeded'}")
    quadratic          d=20  budget 1000  deterministic
    turned ravine      d=2   budget 1000  deterministic
    Rosenbrock         d=2   budget 1000  deterministic
    Beale              d=2   budget 1000  deterministic
    noisy quadratic    d=10  budget  500  seeded
    MLP on two moons   d=65  budget  400  seeded
    """
    return tuple(build() for build in _BUILDERS.values())


# ---------------------------------------------------------------------------
# entries
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Entry:
    """A competitor: a name and an update rule, or L-BFGS.

    Attributes
    ----------
    name : str
        As shown in tables and legends.
    optimizer : Optimizer or None
        The rule, tuned over each problem's rate grid; ``None`` for L-BFGS
        (:func:`gdcourse.newton.lbfgs` with its default memory of 10 pairs,
        stopped once its gradient norm is below 1e-12), which has no rate to
        tune and races on the deterministic problems only.
    """

    name: str
    optimizer: object = None

    @property
    def tuned(self):
        """Whether the entry is tuned over the rate grid (every entry but L-BFGS)."""
        return self.optimizer is not None

    def __repr__(self):
        rule = (
            "L-BFGS, no rate grid" if self.optimizer is None else repr(self.optimizer)
        )
        return f"Entry({self.name!r}: {rule})"


def entry(optimizer, name=None):
    """An entry for the race from an optimizer (a learner's own, say).

    Parameters
    ----------
    optimizer : Optimizer
        Any :class:`gdcourse.optimizers.Optimizer`.
    name : str, optional
        Default: the optimizer's name.

    Returns
    -------
    Entry

    Examples
    --------
    >>> entry(optimizers.lion())
    Entry('lion': lion(betas=(0.9, 0.99), weight_decay=0.0))
    """
    if not isinstance(optimizer, optimizers.Optimizer):
        raise ValueError(
            "optimizer must be a gdcourse.optimizers.Optimizer "
            f"(see check_optimizer), got {optimizer!r}"
        )
    name = optimizer.name if name is None else name
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string, got {name!r}")
    return Entry(name, optimizer)


def reference_entries():
    """The six reference entries: SGD, momentum, Nesterov, Adam, AdamW and L-BFGS.

    Momentum and Nesterov use :math:`\\mu = 0.9`; Adam and AdamW PyTorch's
    defaults (AdamW's weight decay 0.01).

    Returns
    -------
    tuple of Entry

    Examples
    --------
    >>> [e.name for e in reference_entries()]
    ['SGD', 'momentum', 'Nesterov', 'Adam', 'AdamW', 'L-BFGS']
    """
    return (
        Entry("SGD", optimizers.sgd()),
        Entry("momentum", optimizers.sgd(momentum=0.9)),
        Entry("Nesterov", optimizers.sgd(momentum=0.9, nesterov=True)),
        Entry("Adam", optimizers.adam()),
        Entry("AdamW", optimizers.adamw()),
        Entry("L-BFGS", None),
    )


def _entries(entries):
    if entries is None:
        return reference_entries()
    if isinstance(entries, (Entry, optimizers.Optimizer, str)):
        entries = [entries]
    refs = {e.name: e for e in reference_entries()}
    made = []
    for e in entries:
        if isinstance(e, str):
            checks.one_of("entry", e, tuple(refs))
            e = refs[e]
        elif isinstance(e, optimizers.Optimizer):
            e = entry(e)
        elif not isinstance(e, Entry):
            raise ValueError(
                "entries must be Entry objects, optimizers or names of reference "
                f"entries, got {e!r}"
            )
        made.append(e)
    names = [e.name for e in made]
    if len(set(names)) < len(names) or not made:
        raise ValueError(f"entries must have distinct names, at least one, got {names}")
    return tuple(made)


# ---------------------------------------------------------------------------
# the protocol
# ---------------------------------------------------------------------------


def choose_rate(steps, best_losses=None):
    """The index of the rate the protocol picks from tuning runs.

    Parameters
    ----------
    steps : array_like, shape (rates, seeds)
        Steps each tuning run took to the target, ``inf`` for a failure.
    best_losses : array_like, shape (rates, seeds), optional
        The lowest loss each run reached (``inf`` if it diverged); it
        decides only between rates equal in failures and median steps (when
        every rate failed, say).

    Returns
    -------
    int
        Index into the (increasing) grid.

    Notes
    -----
    Rates are ranked by, in turn: the number of failures (fewest first), the
    median of ``steps`` over the seeds (a failure counting as infinitely
    many), the median of ``best_losses``, and the rate (smaller first).  A
    rate that fails on one tuning seed therefore loses to any rate that
    never fails.

    Examples
    --------
    >>> inf = float("inf")
    >>> choose_rate([[90, 80, 85], [40, 45, inf], [50, 52, 60]])  # 1 failed once
    2
    >>> choose_rate([[inf, inf], [inf, inf]], best_losses=[[0.3, 0.2], [0.1, 0.2]])
    1
    """
    steps = np.asarray(steps, dtype=float)
    if steps.ndim != 2 or steps.size == 0 or np.isnan(steps).any():
        raise ValueError(
            f"steps must be a non-empty 2-d array without NaN, got shape {steps.shape}"
        )
    losses = (
        np.zeros_like(steps) if best_losses is None else np.asarray(best_losses, float)
    )
    if losses.shape != steps.shape:
        raise ValueError(
            f"best_losses must have the shape of steps {steps.shape}, got {losses.shape}"
        )
    losses = np.where(np.isnan(losses), np.inf, losses)
    fails = np.isinf(steps).sum(axis=1)
    order = np.lexsort(
        (np.arange(len(steps)), np.median(losses, 1), np.median(steps, 1), fails)
    )
    return int(order[0])


def _undecided(steps, done, k):
    """Whether some rate still running could still beat the best finished rate.

    ``steps`` holds the finished runs' steps (inf for failures), ``done`` which
    runs are finished; a running run will take at least ``k + 1`` steps.
    """
    complete = done.all(axis=1)
    if not complete.any():
        return True
    lower = np.sort(np.where(done, steps, k + 1.0), axis=1)
    S = lower.shape[1]
    medians = 0.5 * (lower[:, (S - 1) // 2] + lower[:, S // 2])
    fails = np.isinf(lower).sum(1)
    # the best finished rate, by failures, then median (its losses only break ties)
    best_fails = fails[complete].min()
    best_median = medians[complete & (fails == best_fails)].min()
    running = ~complete
    return bool(
        np.any(running & (fails < best_fails))
        or np.any(running & (fails == best_fails) & (medians <= best_median))
    )


@dataclass(frozen=True)
class _Runs:
    """Runs of one entry on one problem: one row per (rate, seed), rates slowest."""

    steps: (
        np.ndarray
    )  # (R, S): steps to the target, inf for a failure, nan if cut short
    grads: np.ndarray  # (R, S): gradient evaluations to the target (same convention)
    best: np.ndarray  # (R, S): lowest loss before the run stopped (inf if diverged)
    reasons: np.ndarray  # (R, S): "" or one of FAILURES ("" also for runs cut short)
    last_step: int  # the last step any run was evaluated at
    losses: np.ndarray | None = None  # (R, S, steps + 1) when recorded, else None


def _first_order(problem, opt, rates, seeds, decide=False, record=False):
    """Every rate of ``rates`` from every seed, as one vectorised run.

    ``opt`` is an optimizer, or a tuple of them: their runs then go in one
    loop, each optimizer's rows a block of its own (one loss evaluation per
    step for all of them), and the arrays returned gain a leading axis, one
    entry per optimizer.  With ``record``, every run goes on to the end of the
    budget (reaching the target stops only its count) and its loss at every
    step is kept, NaN from the step its weights leave the bound or its loss
    stops being finite.  ``decide`` (stop once the choice of rate is decided)
    takes one optimizer.
    """
    many = isinstance(opt, tuple)
    opts = opt if many else (opt,)
    rates = np.asarray(rates, dtype=float)
    n_opts, R, S = len(opts), len(rates), len(seeds)
    if decide and many:
        raise ValueError("decide takes one optimizer")
    starts = np.stack([np.asarray(problem.start(s), dtype=float) for s in seeds])
    if starts.shape != (S, problem.dim):
        raise ValueError(
            f"start(seed) must return shape ({problem.dim},) for the problem "
            f"{problem.name!r}, got shape {starts.shape[1:]}"
        )
    W = np.tile(starts, (n_opts * R, 1))
    lr = np.tile(np.repeat(rates, S), n_opts)[:, None]
    if problem.noise:
        table = np.stack(
            [
                np.random.default_rng(s).standard_normal((problem.steps, problem.dim))
                for s in seeds
            ]
        )
    block = R * S
    n = n_opts * block
    blocks = [slice(i * block, (i + 1) * block) for i in range(n_opts)]
    steps = np.full(n, np.nan)
    best = np.full(n, np.inf)
    reasons = np.full(n, "", dtype=object)
    running = np.ones(n, dtype=bool)
    below = np.zeros(n, dtype=int)  # steps in a row at or below the target
    alive = np.ones(n, dtype=bool)  # within the bound, with a finite loss
    losses = np.full((problem.steps + 1, n), np.nan) if record else None
    states = [o.init(W) for o in opts] if n_opts == 1 else [
        o.init(W[b]) for o, b in zip(opts, blocks)]  # fmt: skip
    k = 0
    with np.errstate(all="ignore"):
        for k in range(problem.steps + 1):
            f, g = problem.loss_and_grad(W)
            f = np.asarray(f, dtype=float)
            if record:
                alive &= within_bound(W) & np.isfinite(f)
                losses[k] = np.where(alive, f, np.nan)
            blown = running & ~(within_bound(W) & np.isfinite(f))
            steps[blown], reasons[blown] = np.inf, "diverged"
            running &= ~blown
            best = np.where(running, np.fmin(best, f), best)
            below = np.where(f <= problem.target, below + 1, 0)
            hit = running & (below >= problem.hold)
            steps[hit] = k
            running &= ~hit
            if not running.any() and not (record and alive.any()):
                break
            if decide and not _undecided(
                steps.reshape(R, S), ~running.reshape(R, S), k
            ):
                break
            if k == problem.steps:
                steps[running], reasons[running] = np.inf, "budget"
                break
            if problem.noise:
                g = g + problem.noise * np.tile(table[:, k], (n_opts * R, 1))
            if n_opts == 1:
                W, states[0] = opts[0].update(g, states[0], W, lr)
                continue
            parts = []
            for i, (o, b) in enumerate(zip(opts, blocks)):
                w, states[i] = o.update(g[b], states[i], W[b], lr[b])
                parts.append(w)
            W = np.concatenate(parts)
    shape = (n_opts, R, S) if many else (R, S)
    return _Runs(
        steps.reshape(shape),
        steps.reshape(shape).copy(),
        best.reshape(shape),
        reasons.reshape(shape),
        k,
        None if losses is None else losses.T.reshape(*shape, -1),
    )


#: L-BFGS stops once its gradient norm is below this (far below every target's).
_LBFGS_TOL = 1e-12


def _lbfgs(problem, seeds):
    """L-BFGS from each seed's start (one run each), read as the race reads runs."""
    S = len(seeds)
    steps, grads = np.full((1, S), np.inf), np.full((1, S), np.inf)
    best = np.full((1, S), np.inf)
    reasons = np.full((1, S), "", dtype=object)
    last = 0
    for j, seed in enumerate(seeds):
        traj = newton.lbfgs(
            problem.surface, problem.start(seed), problem.steps, tol=_LBFGS_TOL
        )
        losses = traj.losses[: traj.stopped_at + 1]
        best[0, j] = np.min(losses) if not traj.diverged else np.inf
        ok = (losses <= problem.target).astype(int)
        held = np.convolve(ok, np.ones(problem.hold, dtype=int))[: ok.size]
        reached = np.flatnonzero(held >= problem.hold)
        if reached.size:
            k = int(reached[0])
            steps[0, j], grads[0, j] = k, traj.g_evals[k]
            last = max(last, k)
            continue
        last = max(last, int(traj.stopped_at))
        if traj.diverged:
            reasons[0, j] = "diverged"
        elif traj.stopped_at < problem.steps:
            reasons[0, j] = "stalled"
        else:
            reasons[0, j] = "budget"
    return _Runs(steps, grads, best, reasons, last)


def _check_problem(p):
    if not isinstance(p, Problem):
        raise ValueError(f"problems must be race Problems, got {p!r}")
    return p


def _check_seeds(name, seeds):
    try:
        seeds = tuple(checks.integer(name, s, minimum=0) for s in seeds)
    except TypeError:
        raise ValueError(
            f"{name} must be a sequence of integers >= 0, got {seeds!r}"
        ) from None
    if not seeds or len(set(seeds)) < len(seeds):
        raise ValueError(
            f"{name} must be distinct integers >= 0, at least one, got {seeds!r}"
        )
    return seeds


@dataclass(frozen=True)
class Sweep:
    """Every rate of a problem's grid, run from every seed to the end of its budget.

    Attributes
    ----------
    rates : tuple of float
    seeds : tuple of int
    steps, grads : numpy.ndarray, shape (rates, seeds)
        Steps and gradient evaluations to the target, ``inf`` for a failure.
    best : numpy.ndarray, shape (rates, seeds)
        The lowest loss each run reached before it stopped.
    reasons : numpy.ndarray of str, shape (rates, seeds)
        ``""`` or one of ``"diverged"``, ``"budget"``.
    losses : numpy.ndarray, shape (rates, seeds, steps + 1), or None
        With ``curves=True``: the exact loss of each run at every step of the
        budget, NaN from the step its weights leave the bound (or its loss
        stops being finite); runs go on after reaching the target.
    """

    rates: tuple
    seeds: tuple
    steps: np.ndarray
    grads: np.ndarray
    best: np.ndarray
    reasons: np.ndarray
    losses: np.ndarray | None = field(default=None, repr=False)


def sweep(problem, optimizer, seeds=(0,), curves=False):
    """Run an optimizer at every rate of a problem's grid, every run to its end.

    The data behind a rate-by-rate view of the race; :func:`run` makes the
    same choice of rate from fewer steps (it stops once the choice is
    decided).

    Parameters
    ----------
    problem : Problem
    optimizer : Optimizer or Entry
        A tuned entry (not L-BFGS).
    seeds : sequence of int, default (0,)
        For a deterministic problem only the first is run.
    curves : bool, default False
        Also keep every run's loss at every step (:attr:`Sweep.losses`);
        the runs then go on to the end of the budget after reaching the
        target, which changes none of the counts.

    Returns
    -------
    Sweep

    Examples
    --------
    >>> sw = sweep(problem("turned ravine"), optimizers.sgd())
    >>> [f"{r:g}: {s:g}" for r, s in zip(sw.rates, sw.steps[:, 0]) if s < 1000]
    ['0.42: 798', '0.75: 447', '1.3: 257']
    >>> print(sw.reasons[-1, 0])
    diverged

    With ``curves=True`` each run's losses go on past the target
    (5.45e-05 here, reached at step 257 at rate 1.3):

    >>> sw = sweep(problem("turned ravine"), optimizers.sgd(), curves=True)
    >>> losses = sw.losses[sw.rates.index(1.3), 0]
    >>> print(sw.losses.shape, f"{losses[256]:.3g} {losses[257]:.3g} {losses[-1]:.3g}")
    (19, 1, 1001) 5.54e-05 5.4e-05 1.94e-13
    """
    problem = _check_problem(problem)
    if isinstance(optimizer, Entry):
        optimizer = optimizer.optimizer
    if not isinstance(optimizer, optimizers.Optimizer):
        raise ValueError(f"optimizer must be an Optimizer, got {optimizer!r}")
    seeds = problem.seeds(_check_seeds("seeds", seeds))
    r = _first_order(problem, optimizer, problem.rates, seeds, record=curves)
    return Sweep(
        problem.rates,
        seeds,
        r.steps,
        r.grads,
        r.best,
        r.reasons.astype(str),
        r.losses,
    )


def sweeps(problem, rules, seeds=(0,), curves=False):
    """:func:`sweep` for several optimizers at once, in one vectorised loop.

    Each optimizer's runs are its own rows, so each :class:`Sweep` holds the
    same numbers as :func:`sweep` would return for it; the loop evaluates the
    loss and its gradient once per step for all of them, which costs less
    than one sweep each when the problem is cheap to evaluate and the steps
    are many.

    Parameters
    ----------
    problem : Problem
    rules : sequence of Optimizer or Entry
        Tuned entries (not L-BFGS), at least one.
    seeds : sequence of int, default (0,)
        For a deterministic problem only the first is run.
    curves : bool, default False
        Keep every run's loss at every step, as in :func:`sweep`.

    Returns
    -------
    tuple of Sweep
        One per optimizer, in order.

    Examples
    --------
    >>> ravine = problem("turned ravine")
    >>> plain, heavy = sweeps(ravine, [optimizers.sgd(), optimizers.sgd(momentum=0.9)])
    >>> [int(sw.steps.min()) for sw in (plain, heavy)]
    [257, 32]
    """
    problem = _check_problem(problem)
    opts = []
    for rule in rules:
        rule = rule.optimizer if isinstance(rule, Entry) else rule
        if not isinstance(rule, optimizers.Optimizer):
            raise ValueError(f"rules must be Optimizers, got {rule!r}")
        opts.append(rule)
    if not opts:
        raise ValueError("rules must hold at least one Optimizer")
    seeds = problem.seeds(_check_seeds("seeds", seeds))
    r = _first_order(problem, tuple(opts), problem.rates, seeds, record=curves)
    return tuple(
        Sweep(
            problem.rates,
            seeds,
            r.steps[i],
            r.grads[i],
            r.best[i],
            r.reasons[i].astype(str),
            None if r.losses is None else r.losses[i],
        )
        for i in range(len(opts))
    )


# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One entry on one problem: the rate chosen and the runs reported.

    Attributes
    ----------
    problem, entry : str
        Names.
    rate : float or None
        The rate chosen on the tuning seeds; ``None`` for L-BFGS.
    seeds : tuple of int
        The seeds reported: the held-out seeds, or the one seed of a
        deterministic problem.
    held_out : bool
        Whether ``seeds`` are held out from the choice of rate (False for a
        deterministic problem and for L-BFGS's single runs).
    steps, grads : numpy.ndarray, shape (len(seeds),)
        Steps and gradient evaluations to the target, ``inf`` for a failure.
    reasons : tuple of str
        ``""`` for a run that reached the target, else one of
        ``"diverged"``, ``"budget"``, ``"stalled"``.
    tuning_steps : numpy.ndarray or None
        Steps of the tuning runs, shape (rates, tuning seeds): ``inf`` for a
        failure, ``nan`` for a run cut short once the choice was decided.
    """

    problem: str
    entry: str
    rate: float | None
    seeds: tuple
    held_out: bool
    steps: np.ndarray = field(repr=False)
    grads: np.ndarray = field(repr=False)
    reasons: tuple = field(repr=False)
    tuning_steps: np.ndarray | None = field(default=None, repr=False)

    @property
    def failures(self):
        """Number of reported runs that failed."""
        return int(np.isinf(self.steps).sum())

    def median(self, what="steps"):
        """Median over the reported seeds (``inf`` if half or more failed)."""
        return float(np.median(self._values(what)))

    def range(self, what="steps"):
        """(minimum, maximum) over the reported seeds (``inf`` for a failure)."""
        v = self._values(what)
        return float(v.min()), float(v.max())

    def _values(self, what):
        checks.one_of("what", what, ("steps", "grads"))
        return self.steps if what == "steps" else self.grads

    def text(self, what="steps"):
        """The table's text for this cell: median [min-max], or the failure.

        Examples
        --------
        >>> inf = float("inf")
        >>> c = Cell("p", "e", 0.1, (3, 4, 5), True, np.array([40.0, 38.0, inf]),
        ...          np.array([40.0, 38.0, inf]), ("", "", "budget"))
        >>> c.text()
        '40 [38-fail] 1/3 failed'
        """
        v = self._values(what)
        if v.size == 1:
            return _count(v[0]) if np.isfinite(v[0]) else self.reasons[0]
        med = np.median(v)
        if not np.isfinite(med):
            kinds = sorted({r for r in self.reasons if r})
            return f"{'/'.join(kinds)} {self.failures}/{v.size}"
        text = f"{_count(med)} [{_count(v.min())}-{_count(v.max())}]"
        if self.failures:
            text += f" {self.failures}/{v.size} failed"
        return text

    def summary(self):
        """One sentence: steps (and gradients), the rate, and what was reported."""
        rate = "no rate grid" if self.rate is None else f"rate {self.rate:g}"
        if len(self.seeds) == 1:
            what = (
                "one run: deterministic" if not self.held_out else "one held-out seed"
            )
        else:
            what = f"median [range] over {len(self.seeds)} held-out seeds"
        text = f"{self.text()} steps"
        if not np.array_equal(self.steps, self.grads):
            text += f", {self.text('grads')} gradients"
        return f"{text} at {rate} ({what})"


def _count(x):
    return "fail" if not np.isfinite(x) else f"{x:.0f}" if x == int(x) else f"{x:.1f}"


@dataclass(frozen=True)
class Result:
    """The race: one :class:`Cell` per problem and entry, printed as a table.

    Attributes
    ----------
    problems : tuple of Problem
    entries : tuple of Entry
    cells : dict
        ``(problem name, entry name) -> Cell``; a missing pair was not raced
        (L-BFGS on a problem that is not deterministic).
    tuning_seeds, held_out_seeds : tuple of int
    """

    problems: tuple
    entries: tuple
    cells: dict = field(repr=False)
    tuning_seeds: tuple = ()
    held_out_seeds: tuple = ()

    def cell(self, problem, entry):
        """The cell of a problem and an entry (by name), or None if not raced."""
        return self.cells.get((problem, entry))

    def table(self, what="steps"):
        """The table as rows of text: a header, then one row per problem.

        Parameters
        ----------
        what : {"steps", "grads", "rate"}
            Steps to the target, gradient evaluations to it, or the rate chosen.
        """
        checks.one_of("what", what, ("steps", "grads", "rate"))
        rows = [["problem"] + [e.name for e in self.entries]]
        for p in self.problems:
            row = [p.name + (" *" if p.deterministic else "")]
            for e in self.entries:
                c = self.cell(p.name, e.name)
                if c is None:
                    row.append("-")
                elif what == "rate":
                    row.append("no grid" if c.rate is None else f"{c.rate:g}")
                else:
                    row.append(c.text(what))
            rows.append(row)
        return rows

    def __str__(self):
        lines = [
            "Steps to the target: median [min-max] over the held-out seeds "
            f"{_seed_text(self.held_out_seeds)} (* deterministic: one run).",
            "Failures: diverged, budget (target not reached in the budget), "
            "stalled (L-BFGS stopped",
            "above the target), fail (in a range); -: not raced.",
            "",
        ]
        lines += _layout(self.table("steps"))
        differ = [
            j + 1
            for j, e in enumerate(self.entries)
            if any(
                not np.array_equal(c.steps, c.grads)
                for (_, name), c in self.cells.items()
                if name == e.name
            )
        ]
        if differ:
            grads = [[r[0]] + [r[j] for j in differ] for r in self.table("grads")]
            lines += ["", "Gradient evaluations to the target, where they differ:"]
            lines += _layout(grads)
        lines += [
            "",
            f"Rate chosen on the tuning seeds {_seed_text(self.tuning_seeds)} "
            "(* on the one run):",
        ]
        lines += _layout(self.table("rate"))
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self))


def _seed_text(seeds):
    if len(seeds) > 2 and list(seeds) == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}-{seeds[-1]}"
    return ", ".join(str(s) for s in seeds)


def _layout(rows):
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:])
        ]
        out.append("  ".join(cells).rstrip())
    return out


def run(
    problems=None,
    entries=None,
    *,
    tuning_seeds=(0, 1, 2),
    held_out_seeds=(3, 4, 5, 6, 7),
):
    """Race entries over problems under the protocol of this module's docstring.

    Parameters
    ----------
    problems : sequence of Problem, optional
        Default: the whole :func:`suite`.
    entries : sequence, optional
        :class:`Entry` objects, optimizers (named after themselves) or names
        of reference entries (``"SGD"``, ..., ``"L-BFGS"``); default
        :func:`reference_entries`.
    tuning_seeds : sequence of int, default (0, 1, 2)
        The seeds the rate is chosen on.
    held_out_seeds : sequence of int, default (3, 4, 5, 6, 7)
        The seeds the result is reported on; none may be a tuning seed.

    Returns
    -------
    Result

    Examples
    --------
    >>> r = run([problem("turned ravine")], ["SGD", "momentum", "L-BFGS"])
    >>> print(r)
    Steps to the target: median [min-max] over the held-out seeds 3-7 (* deterministic: one run).
    Failures: diverged, budget (target not reached in the budget), stalled (L-BFGS stopped
    above the target), fail (in a range); -: not raced.
    <BLANKLINE>
    problem          SGD  momentum  L-BFGS
    turned ravine *  257        32       3
    <BLANKLINE>
    Gradient evaluations to the target, where they differ:
    problem          L-BFGS
    turned ravine *       8
    <BLANKLINE>
    Rate chosen on the tuning seeds 0-2 (* on the one run):
    problem          SGD  momentum   L-BFGS
    turned ravine *  1.3      0.75  no grid
    """
    problems = suite() if problems is None else tuple(map(_check_problem, problems))
    if not problems:
        raise ValueError("problems must hold at least one Problem")
    entries = _entries(entries)
    tuning = _check_seeds("tuning_seeds", tuning_seeds)
    held_out = _check_seeds("held_out_seeds", held_out_seeds)
    if set(tuning) & set(held_out):
        raise ValueError(
            f"held_out_seeds must differ from the tuning seeds {tuning}, got {held_out}"
        )
    cells = {}
    for p in problems:
        for e in entries:
            c = _race_cell(p, e, tuning, held_out)
            if c is not None:
                cells[p.name, e.name] = c
    return Result(problems, entries, cells, tuning, held_out)


def join(*results):
    """One race from several over the same problems and seeds: their entries side by side.

    So a new entry races alone and joins a race already run (the references,
    say) without running it again.

    Parameters
    ----------
    *results : Result
        At least one; the same problems (by name, in the same order), the
        same tuning and held-out seeds, and entries of distinct names.

    Returns
    -------
    Result
        The entries of each result in turn, with their cells.

    Examples
    --------
    >>> beale = [problem("Beale")]
    >>> references = run(beale, ["SGD", "Adam"])
    >>> mine = run(beale, [entry(optimizers.lion(), "mine")])
    >>> print(join(references, mine).table()[1])
    ['Beale *', '120', '26', '68']
    """
    if not results or not all(isinstance(r, Result) for r in results):
        raise ValueError(f"results must be one or more race Results, got {results!r}")
    first = results[0]
    names = [p.name for p in first.problems]
    for r in results[1:]:
        if [p.name for p in r.problems] != names:
            raise ValueError(
                f"results must race the same problems {names}, got "
                f"{[p.name for p in r.problems]}"
            )
        if (r.tuning_seeds, r.held_out_seeds) != (
            first.tuning_seeds,
            first.held_out_seeds,
        ):
            raise ValueError(
                "results must use the same seeds, got tuning "
                f"{r.tuning_seeds} and held-out {r.held_out_seeds} against "
                f"{first.tuning_seeds} and {first.held_out_seeds}"
            )
    entries = tuple(e for r in results for e in r.entries)
    labels = [e.name for e in entries]
    if len(set(labels)) < len(labels):
        raise ValueError(f"entries must have distinct names, got {labels}")
    cells = {key: c for r in results for key, c in r.cells.items()}
    return Result(
        first.problems, entries, cells, first.tuning_seeds, first.held_out_seeds
    )


def _race_cell(p, e, tuning, held_out):
    """The protocol for one problem and one entry."""
    if not e.tuned:
        if not p.deterministic or p.surface is None:
            return None
        seeds = p.seeds(tuning)
        r = _lbfgs(p, seeds)
        return Cell(p.name, e.name, None, seeds, False, r.steps[0], r.grads[0],
                    tuple(r.reasons[0]))  # fmt: skip
    seeds = p.seeds(tuning)
    tune = _first_order(p, e.optimizer, p.rates, seeds, decide=True)
    done = ~np.isnan(tune.steps)
    steps = np.where(done, tune.steps, np.inf)  # cut short: could not win
    i = choose_rate(steps, tune.best)
    rate = p.rates[i]
    if p.deterministic:
        return Cell(p.name, e.name, rate, seeds, False, tune.steps[i], tune.grads[i],
                    tuple(tune.reasons[i]), tune.steps)  # fmt: skip
    rep = _first_order(p, e.optimizer, [rate], held_out)
    return Cell(p.name, e.name, rate, held_out, True, rep.steps[0], rep.grads[0],
                tuple(rep.reasons[0]), tune.steps)  # fmt: skip


# ---------------------------------------------------------------------------
# the figure
# ---------------------------------------------------------------------------


def plot(result, ax, what="steps"):
    """Draw a race: per problem, each entry's median as a marker and its range as a bar.

    A failed cell (median a failure) is drawn as an ``x`` on a "fail" row
    above the others, and a range that ends in a failure reaches that row;
    problems run along the x-axis, steps (log scale) up, deterministic
    problems marked ``*`` (one run: no range).

    Parameters
    ----------
    result : Result
    ax : matplotlib.axes.Axes
    what : {"steps", "grads"}

    Returns
    -------
    dict
        ``"medians"``, ``"ranges"`` and ``"failures"``: lists of the artists,
        one per entry (markers, vertical lines, ``x`` markers);
        ``"fail_line"``: the line under the fail row.

    Examples
    --------
    >>> from gdcourse.plotting import new_figure
    >>> r = run([problem("turned ravine")], ["SGD", "L-BFGS"])
    >>> fig, ax = new_figure()
    >>> sorted(plot(r, ax))
    ['fail_line', 'failures', 'medians', 'ranges']
    """
    from gdcourse.plotting import CYCLE

    checks.one_of("what", what, ("steps", "grads"))
    P, E = len(result.problems), len(result.entries)
    values = [c._values(what) for c in result.cells.values()]
    finite = np.concatenate([v[np.isfinite(v)] for v in values] + [np.ones(1)])
    top = 10 ** math.ceil(math.log10(max(finite.max(), 10.0)) + 0.3)
    positive = finite[finite >= 1]
    bottom = 10 ** math.floor(math.log10(positive.min() if positive.size > 1 else 1))
    width = 0.8 / E
    markers = "osD^vP*h"  # no X: a cross marks a failure
    out = {"medians": [], "ranges": [], "failures": []}
    for j, e in enumerate(result.entries):
        color = CYCLE[j] if j < len(CYCLE) else "0.5"  # grey after the cycle
        xs, meds, lo, hi, fx = [], [], [], [], []
        for i, p in enumerate(result.problems):
            c = result.cell(p.name, e.name)
            if c is None:
                continue
            x = i - 0.4 + width * (j + 0.5)
            med = c.median(what)
            if not np.isfinite(med):
                fx.append(x)
                continue
            a, b = c.range(what)
            xs.append(x)
            meds.append(max(med, 1.0))
            lo.append(max(a, 1.0))
            hi.append(top if not np.isfinite(b) else max(b, 1.0))
        (line,) = ax.plot(xs, meds, linestyle="none", marker=markers[j % len(markers)],
                          color=color, label=e.name, markersize=5)  # fmt: skip
        out["medians"].append(line)
        out["ranges"].append(ax.vlines(xs, lo, hi, color=color, linewidth=1.5))
        (fail,) = ax.plot(fx, [top] * len(fx), linestyle="none", marker="x",
                          color=color, markersize=6)  # fmt: skip
        out["failures"].append(fail)
    out["fail_line"] = ax.axhline(top / 1.6, color="0.7", linewidth=0.8)
    for i in range(1, P):
        ax.axvline(i - 0.5, color="0.9", linewidth=0.8, zorder=0)
    ax.set_yscale("log")
    ax.set_ylim(bottom * 0.8, top * 1.6)
    ax.set_xticks(range(P))
    ax.set_xticklabels([p.name + (" *" if p.deterministic else "") for p in result.problems],
                       fontsize=8)  # fmt: skip
    ax.set_xlim(-0.5, P - 0.5)
    ax.set_ylabel(
        "steps to the target" if what == "steps" else "gradients to the target"
    )
    ax.text(P - 0.5, top, " fail", va="center", ha="left", fontsize=8, color="0.4")
    return out


# ---------------------------------------------------------------------------
# the contract
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Contract:
    """What :func:`check_optimizer` found; shows itself as a plain-words report.

    Attributes
    ----------
    name : str
        The optimizer's name.
    passed : tuple of str
        The checks it passed, in plain words.
    problems : tuple of str
        One sentence for each check it failed, with a hint.
    not_run : int
        Checks not run because a check they build on failed.
    waiting : str
        What those checks wait for, in plain words.
    """

    name: str
    passed: tuple
    problems: tuple
    not_run: int = 0
    waiting: str = "init and update to work"

    @property
    def ok(self):
        """Whether every check passed."""
        return not self.problems and not self.not_run

    def __repr__(self):
        total = len(self.passed) + len(self.problems) + self.not_run
        if self.ok:
            return f"{self.name} keeps the contract: all {total} checks passed."
        failed = len(self.problems)
        head = f"{self.name} breaks the contract: {failed} of {total} checks failed"
        if self.not_run:
            verb = "waits" if self.not_run == 1 else "wait"
            head += f"; {self.not_run} more {verb} for {self.waiting}"
        return "\n".join([head + "."] + [f"- {p}" for p in self.problems])

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(self))


def _one_line(exc):
    lines = str(exc).splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"[:200]


def _arrays(state):
    """Every array (and number) inside a state, in order: NamedTuples, tuples, lists, dicts."""
    if isinstance(state, dict):
        return [a for k in sorted(state, key=str) for a in _arrays(state[k])]
    if isinstance(state, (tuple, list)):
        return [a for s in state for a in _arrays(s)]
    if isinstance(state, np.ndarray):
        return [state]
    if isinstance(state, (int, float, np.number)):
        return [np.asarray(state)]
    return []


def _snapshot(state):
    return [np.array(a, copy=True) for a in _arrays(state)]


def _same(a, b):
    return len(a) == len(b) and all(
        x.shape == y.shape and np.array_equal(x, y, equal_nan=True)
        for x, y in zip(a, b)
    )


class _Broken(Exception):
    """A check failed; its message is the plain-words sentence."""


# A fixed sequence of gradients for 4 starts of 3 weights, with a zero and
# sizes from 1e-3 to 1e2.
_P = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-2.0, 1.0, 0.1], [0.3, 0.3, 0.3]])
_G = [
    np.array([[1.0, -2.0, 0.5], [0.1, 0.0, -3.0], [2.0, 1.0, 1.0], [-0.5, 0.5, 1e-3]]),
    np.array([[0.8, -1.0, 0.2], [0.2, 0.1, -2.0], [1.0, 1.5, 0.5], [-0.4, 0.6, 1e-3]]),
    np.array([[-0.5, 1.0, 0.1], [0.3, -0.1, 1.0], [0.5, -1.0, 0.2], [1e2, 0.7, 2e-3]]),
]
_LR = 0.01


def _call_update(opt, g, state, w, lr, where):
    try:
        out = opt.update(g, state, w, lr)
    except Exception as exc:  # noqa: BLE001 - a learner's bug becomes a sentence
        raise _Broken(f"update raised {_one_line(exc)} ({where}).") from None
    if not (isinstance(out, tuple) and len(out) == 2):
        got = type(out).__name__
        raise _Broken(
            f"update returned a {got}, not a pair: it must return "
            "(new_params, new_state), e.g. `return params - lr * step, new_state`."
        )
    new, state = out
    new = np.asarray(new) if not isinstance(new, np.ndarray) else new
    if new.shape != np.shape(w):
        if isinstance(state, np.ndarray) and state.shape == np.shape(w):
            raise _Broken(_SWAPPED)
        raise _Broken(
            f"update turned weights of shape {np.shape(w)} into shape {new.shape} "
            f"({where}): keep the shape of params, and work coordinate by coordinate."
        )
    return new, state


_SWAPPED = (
    "update seems to return (new_state, new_params): return the pair in the "
    "order (new_params, new_state), e.g. `return params - lr * step, new_state`."
)


def _trajectory(opt, w0, grads, lr, where):
    """Weights after each step of ``grads`` from ``w0`` (the list of steps)."""
    w, state = np.array(w0, dtype=float), opt.init(np.array(w0, dtype=float))
    out = []
    for g in grads:
        w, state = _call_update(opt, g, state, w, lr, where)
        out.append(np.array(w, dtype=float))
    return out


def _c_init(opt):
    p = _P.copy()
    try:
        opt.init(p)
        opt.init(p[0].copy())
    except Exception as exc:  # noqa: BLE001
        raise _Broken(f"init raised {_one_line(exc)}.") from None
    if not np.array_equal(p, _P):
        raise _Broken(
            "init changed the params it was given: build the state from new "
            "arrays such as np.zeros_like(params)."
        )


def _c_pair_and_shape(opt):
    for w, g, where in ((_P[0], _G[0][0], "one start, shape (3,)"),
                        (_P, _G[0], "four starts, shape (4, 3)")):  # fmt: skip
        _call_update(opt, g.copy(), opt.init(w.copy()), w.copy(), _LR, where)
    # at lr = 0 the new weights are the old ones; in the wrong order, the state is
    w = _P[0].copy()
    new, state = _call_update(opt, _G[0][0].copy(), opt.init(w.copy()), w.copy(),
                              0.0, "lr = 0")  # fmt: skip
    if (
        not np.array_equal(new, w)
        and isinstance(state, np.ndarray)
        and state.shape == w.shape
        and np.array_equal(state, w)
    ):
        raise _Broken(_SWAPPED)


def _c_pure(opt):
    w, state = _P.copy(), opt.init(_P.copy())
    for g in _G[:2]:
        w, state = _call_update(opt, g.copy(), state, w, _LR, "four starts")
    w_before, state_before, g = w.copy(), _snapshot(state), _G[2].copy()
    _call_update(opt, g, state, w, _LR, "four starts")
    if not np.array_equal(w, w_before, equal_nan=True):
        raise _Broken(
            "update changed the params array it was given (an in-place "
            "operation such as `params -= ...`): return a new array, e.g. "
            "`params - lr * step`."
        )
    if not np.array_equal(g, _G[2]):
        raise _Broken(
            "update changed the gradient array it was given (an in-place "
            "operation such as `grad *= ...`): compute new arrays instead."
        )
    if not _same(state_before, _snapshot(state)):
        raise _Broken(
            "update changed the state it was given (e.g. `m *= beta` or "
            "`state['m'] = ...`): build a new state and return it, so that an "
            "old state still means what it meant."
        )


def _c_repeatable(opt):
    w, state = _P.copy(), opt.init(_P.copy())
    w, state = _call_update(opt, _G[0].copy(), state, w, _LR, "four starts")
    first, _ = _call_update(opt, _G[1].copy(), state, w.copy(), _LR, "four starts")
    again, _ = _call_update(opt, _G[1].copy(), state, w.copy(), _LR, "four starts")
    if not np.array_equal(first, again, equal_nan=True):
        raise _Broken(
            "two calls of update with the same arguments gave different weights: "
            "keep everything that changes from step to step (a step count, a "
            "running average) in the state that update returns, not in a "
            "variable outside it, and build a new state rather than changing "
            "the one given in place; a random draw in update does the same: "
            "keep a generator in the state, made in init from a seed."
        )


def _c_finite(opt):
    for g, what in (
        (np.zeros(3), "a zero gradient"),
        (np.full(3, 1e-12), "a tiny gradient (1e-12)"),
        (np.full(3, 1e6), "a large gradient (1e6)"),
    ):
        new = _trajectory(opt, _P[0], [g, g], _LR, what)
        if not all(np.all(np.isfinite(w)) for w in new):
            hint = (
                " a division by zero? add a small eps where a root such as "
                "sqrt(v) divides, and count the steps from 1 in a bias "
                "correction (1 - beta**t is 0 at t = 0)."
                if what != "a large gradient (1e6)"
                else " an overflow? square roots of sums of squares stay finite."
            )
            raise _Broken(f"{what} gave non-finite weights (nan or inf):{hint}")


def _c_rows(opt):
    many = _trajectory(opt, _P, _G, _LR, "four starts")
    for i in range(len(_P)):
        one = _trajectory(opt, _P[i], [g[i] for g in _G], _LR, "one start")
        if not all(np.allclose(m[i], o, rtol=1e-12, atol=0) for m, o in zip(many, one)):
            raise _Broken(
                "with several starts (params of shape (n, d)) the starts "
                "influence each other: a norm, sum, mean or max over the whole "
                "array mixes them; reduce over the last axis only "
                "(axis=-1, keepdims=True), or work coordinate by coordinate."
            )


def _c_rate_column(opt):
    rates = np.array([[0.001], [0.01], [0.1], [1.0]])
    try:
        many = _trajectory(opt, _P, _G, rates, "lr of shape (4, 1)")
    except _Broken as broken:
        raise _Broken(
            f"{str(broken)[:-1]}: the race passes a column of rates, one per "
            "start; use lr only in arithmetic such as `params - lr * step`."
        ) from None
    for i in range(len(_P)):
        one = _trajectory(
            opt, _P[i], [g[i] for g in _G], float(rates[i, 0]), "one start"
        )
        if not all(np.allclose(m[i], o, rtol=1e-12, atol=0) for m, o in zip(many, one)):
            raise _Broken(
                "a column of rates (lr of shape (n, 1), one per start, as the race "
                "passes them) did not give each start its own rate's steps: use lr "
                "only in arithmetic such as `params - lr * step`."
            )


def _c_zero_rate(opt):
    new = _trajectory(opt, _P, _G, 0.0, "lr = 0")
    if not all(np.array_equal(w, _P) for w in new):
        raise _Broken(
            "with lr = 0 the weights moved: the rate must scale the whole step "
            "(weight decay included), or the rate grid cannot tune it."
        )


def _c_gradient_only(opt):
    lam = opt.hyperparameters.get("weight_decay", 0.0) if isinstance(
        opt.hyperparameters, dict) else 0.0  # fmt: skip
    p, q = _P[0].copy(), _P[2].copy()
    sp, sq = opt.init(p.copy()), opt.init(q.copy())
    sq2 = opt.init(q.copy())
    q2 = q.copy()
    same = decoupled = l2 = True
    apart, gaps = [], []  # the two starts' steps apart, and the starts apart
    for g in (row[0] for row in _G):
        p_new, sp = _call_update(opt, g.copy(), sp, p, _LR, "one start")
        q_new, sq = _call_update(opt, g.copy(), sq, q, _LR, "one start")
        dp, dq = p_new - p, q_new - q
        apart.append(dp - dq)
        gaps.append(p - q)
        same &= np.allclose(dp, dq, rtol=1e-9, atol=1e-15)
        decoupled &= np.allclose(dp - dq, -_LR * lam * (p - q), rtol=1e-9, atol=1e-15)
        if lam:
            # L2: the gradient g + lam w; from q, hand over the gradient that makes it p's
            q2_new, sq2 = _call_update(
                opt, g + lam * (p - q2), sq2, q2, _LR, "one start"
            )
            l2 &= np.allclose(dp, q2_new - q2, rtol=1e-9, atol=1e-15)
            q2 = q2_new
        p, q = p_new, q_new
    if same and not lam:
        return
    if lam and (decoupled or l2):
        return
    if not _same(_snapshot(opt.init(_P[0].copy())), _snapshot(opt.init(_P[2].copy()))):
        raise _Broken(
            "init builds the state from the weights' values (two starts got "
            "different states), so the same gradients move two starts "
            "differently: start the state from zeros, e.g. np.zeros_like(params)."
        )
    head = (
        "the step depends on the weights themselves, not only on the gradient "
        "and the state: from two starts, the same gradients moved them differently"
    )
    if lam:
        raise _Broken(
            f"{head} (its weight_decay={lam!r} explains neither a decoupled decay, "
            "w * (1 - lr * weight_decay), nor an L2 term, grad + weight_decay * "
            "w). The race hands every rule the gradient; use params only to take "
            "the step from, apart from the declared decay."
        )
    # an undeclared decay: the steps differ by -lr * k * (p - q), one k throughout
    apart, gaps = np.concatenate(apart), np.concatenate(gaps)
    k = -float(apart @ gaps) / (_LR * float(gaps @ gaps))
    if k > 0 and np.allclose(apart, -_LR * k * gaps, rtol=1e-6, atol=1e-15):
        raise _Broken(
            f"{head}, as a weight decay of about {k:.3g} would, w * (1 - lr * "
            f"{k:.3g}): declare it as hyperparameters['weight_decay'], so that "
            "the check and the race know of it."
        )
    raise _Broken(
        f"{head}, and not as a weight decay would. This race takes only rules "
        "whose step depends on the gradient and the state, so that it compares "
        "what rules do with the gradients they are given; a step scaled by the "
        "weights, as the trust ratios of LARS and LAMB are, is outside it. Use "
        "params only to take the step from."
    )


def _c_descends(opt):
    w0 = np.ones(3)
    start = float(0.5 * (w0 @ w0))  # the bowl's loss at the start, 1.5
    curves = []
    for lr in (1e-3, 1e-2, 1e-1):
        w, state, losses = w0.copy(), opt.init(w0.copy()), []
        for _ in range(100):
            w, state = _call_update(opt, w.copy(), state, w, lr, "on the bowl")
            finite = np.all(np.isfinite(w))
            losses.append(float(0.5 * (w * w).sum()) if finite else np.inf)
        curves.append(np.array(losses))
    # a run that settles: its last 20 losses stay under 3/4 of the start, or
    # it falls at every step (a slow descent, which the race's grid may suit)
    for losses in curves:
        if losses[-20:].max() < 0.75 * start:
            return
        if losses[-1] < start and np.all(np.diff(losses, prepend=start) <= 0):
            return
    where = "on the bowl f(w) = |w|^2 / 2, 100 steps at rates 0.001, 0.01 and 0.1"
    if all(np.all(losses == start) for losses in curves):
        raise _Broken(
            f"{where} did not move: does the step go against the gradient "
            "(`params - lr * step`)?"
        )
    ends = [losses[-1] for losses in curves]
    if min(ends) < start:
        peak = min(losses[-20:].max() for losses in curves)
        raise _Broken(
            f"{where} did not settle: at every rate the loss rose again to "
            f"{peak:.3g} or more over the last 20 steps (the start's is 1.5), so "
            "the run swings about the minimum without losing speed. Does the state "
            "never forget (a momentum factor of 1, a running sum of gradients that "
            "never decays)?"
        )
    # the first step at the smallest rate, from w0, where the gradient is w0
    first, _ = _call_update(opt, w0.copy(), opt.init(w0.copy()), w0.copy(), 1e-3,
                            "on the bowl")  # fmt: skip
    step = np.asarray(first, dtype=float) - w0
    if not np.all(np.isfinite(step)):
        raise _Broken(
            f"{where} ended with no finite loss below the start: the first step "
            "at rate 0.001, from weights and gradient (1, 1, 1), gave non-finite "
            "weights (nan or inf). Is something divided by zero at the first step?"
        )
    if -(step @ w0) <= 0:
        raise _Broken(
            f"{where} went uphill at every rate, and the first step at rate 0.001 "
            "does not go against the gradient: check the sign "
            "(`params - lr * step`)."
        )
    length = float(np.linalg.norm(step))
    if length > 2 * float(np.linalg.norm(w0)):
        raise _Broken(
            f"{where} went uphill at every rate, though each step points "
            f"downhill: at rate 0.001 the first step is {length:.3g} long, "
            f"{length / (1e-3 * float(np.linalg.norm(w0))):.3g} times the length of "
            "lr * grad, and overshoots the minimum, which lies "
            f"{float(np.linalg.norm(w0)):.3g} away. Is the step much longer than lr "
            "times the gradient (a large factor, a division by lr or by something "
            "tiny)?"
        )
    # under a constant gradient a rule whose state enters with the right sign
    # keeps stepping downhill; one that adds it with the wrong sign turns uphill
    with np.errstate(all="ignore"):
        path = _trajectory(opt, w0, [w0.copy() for _ in range(30)], 1e-3, "on the bowl")
    moves = np.diff(np.array([w0, *path]), axis=0) @ w0
    if np.any(moves[np.isfinite(moves)] > 0):
        k = int(np.argmax(moves > 0)) + 1
        raise _Broken(
            f"{where} went uphill at every rate, though the first step points "
            "downhill and does not overshoot. Under a constant gradient, (1, 1, 1) "
            f"at every step, step {k} goes uphill: is a term of the state added "
            "with the wrong sign (`+ beta * v` where it should be `- beta * v`, or "
            "the reverse)?"
        )
    raise _Broken(
        f"{where} went uphill at every rate, though the first step points "
        "downhill and does not overshoot: the steps grow as the run goes on. "
        "Does something in the state grow without bound (a momentum factor of 1 "
        "or more, a running sum that never decays)?"
    )


_CHECKS = (
    ("init builds a state and leaves params alone", _c_init),
    (
        "update returns (new_params, new_state) of the params' shape, "
        "for shapes (d,) and (n, d)",
        _c_pair_and_shape,
    ),  # fmt: skip
    ("update changes none of its inputs", _c_pure),
    ("the same arguments give the same step", _c_repeatable),
    ("zero, tiny and large gradients give finite weights", _c_finite),
    ("several starts run as if each ran alone", _c_rows),
    ("a column of rates gives each start its own rate", _c_rate_column),
    ("lr = 0 leaves the weights where they are", _c_zero_rate),
    (
        "the step uses only the gradient and the state (and the declared weight decay)",
        _c_gradient_only,
    ),  # fmt: skip
    ("it goes downhill on a bowl at some rate", _c_descends),
)
#: The first checks the others build on: init and update must work at all.
_FOUNDATIONS = 2
#: Checks that compare steps, and the checks whose failure would make a
#: comparison fail for another reason (a nan, a count kept outside the
#: state, starts that mix), with what they wait for in plain words.
_NEEDS = {
    _c_rows: (_c_repeatable, _c_finite),
    _c_rate_column: (_c_repeatable, _c_finite, _c_rows),
    _c_zero_rate: (_c_finite,),
    _c_gradient_only: (_c_repeatable, _c_finite),
    _c_descends: (_c_finite,),
}
_WAITING = {
    _c_repeatable: "repeatable steps",
    _c_finite: "finite weights",
    _c_rows: "starts that run as if alone",
}


def check_optimizer(opt):
    """Check that an update rule keeps the contract the race relies on.

    Never raises: whatever the rule does wrong (or raises) becomes a
    sentence in the report.

    Parameters
    ----------
    opt : Optimizer
        ``Optimizer(name, hyperparameters, init, update)``.

    Returns
    -------
    Contract
        Prints as a report: the checks passed, or each one failed with a hint.

    Notes
    -----
    The contract, as :mod:`gdcourse.optimizers` states it: ``init(params)``
    builds the state; ``update(grad, state, params, lr)`` returns
    ``(new_params, new_state)`` and changes none of its inputs; parameters
    may be one start, shape ``(d,)``, or ``n`` starts, shape ``(n, d)``,
    each as if alone; ``lr`` may be a column of shape ``(n, 1)``, one rate
    per start, and scales the whole step (``lr = 0`` does not move).  The
    step may use only the gradient and the state, apart from a weight decay
    declared as ``hyperparameters["weight_decay"]`` (decoupled, as AdamW's,
    or an L2 term, as SGD's).  The checks run on fixed gradients for four
    starts of three weights, and on the bowl :math:`|w|^2 / 2`.

    Examples
    --------
    >>> check_optimizer(optimizers.lion())
    lion keeps the contract: all 10 checks passed.
    >>> def update(grad, state, params, lr):
    ...     params -= lr * grad
    ...     return params, state
    >>> check_optimizer(optimizers.Optimizer("mine", {}, lambda p: (), update))
    mine breaks the contract: 1 of 10 checks failed.
    - update changed the params array it was given (an in-place operation such as `params -= ...`): return a new array, e.g. `params - lr * step`.

    A check that compares steps waits for the checks it builds on: with a
    nan in the weights, or a step count kept outside the state, every
    comparison would fail for that reason alone.

    >>> def update(grad, state, params, lr):
    ...     return params - lr * grad / np.sqrt(grad * grad), state
    >>> check_optimizer(optimizers.Optimizer("mine", {}, lambda p: (), update))
    mine breaks the contract: 1 of 10 checks failed; 5 more wait for finite weights.
    - a zero gradient gave non-finite weights (nan or inf): a division by zero? add a small eps where a root such as sqrt(v) divides, and count the steps from 1 in a bias correction (1 - beta**t is 0 at t = 0).
    """
    if not isinstance(opt, optimizers.Optimizer):
        return Contract(
            str(getattr(opt, "name", type(opt).__name__)),
            (),
            (
                "it is not an Optimizer: make one with gdcourse.optimizers."
                "Optimizer(name, hyperparameters, init, update).",
            ),
            len(_CHECKS) - 1,
        )
    passed, problems, failed, broke, waiting = [], [], set(), set(), []
    for i, (what, test) in enumerate(_CHECKS):
        blocked = [c for c in _NEEDS.get(test, ()) if c in failed]
        if blocked:
            failed.add(test)
            waiting += [
                _WAITING[c]
                for c in blocked
                if c in broke and _WAITING[c] not in waiting
            ]
            continue
        try:
            with np.errstate(all="ignore"):
                test(opt)
        except _Broken as broken:
            problems.append(str(broken))
        except Exception as exc:  # noqa: BLE001 - never let a traceback escape
            problems.append(f"while checking that {what}: {_one_line(exc)}.")
        else:
            passed.append(what)
            continue
        failed.add(test)
        broke.add(test)
        if i < _FOUNDATIONS:  # the other checks need init and update to work
            rest = len(_CHECKS) - i - 1
            return Contract(opt.name, tuple(passed), tuple(problems), rest)
    rest = len(_CHECKS) - len(passed) - len(problems)
    if not rest:
        return Contract(opt.name, tuple(passed), tuple(problems))
    words = " and ".join(waiting)
    return Contract(opt.name, tuple(passed), tuple(problems), rest, words)

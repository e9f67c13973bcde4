"""Batch size: mini-batch gradients, their noise, and many SGD runs at once.

The chapter on batch size asks questions that need hundreds of training runs
(every batch size, every learning rate, several seeds), so this module runs
mini-batch SGD on least-squares linear regression for many runs as one array
computation, and measures the statistics the chapter compares with theory:

- :func:`minibatch_indices` -- which examples each step uses: the data are
  reshuffled every epoch and cut into batches, without replacement;
- :func:`least_squares_sgd` -- mini-batch SGD on the half mean squared error
  of a linear model (drawn as :func:`gdcourse.surfaces.least_squares`), many
  runs at once;
- :func:`gradient_variance` and :func:`gradient_variance_theory` -- the
  variance of a mini-batch gradient, measured over many batches and predicted
  (with the finite-population correction for sampling without replacement);
- :func:`noise_scale` -- McCandlish et al.'s gradient noise scale
  (:math:`B_\\text{noise}`, or :math:`B_\\text{simple}` without a Hessian);
- :func:`steps_to_target` and :func:`fit_critical_batch` -- steps needed to
  reach a loss, and the critical batch size fitted to them;
- :func:`expected_loss`, :func:`mean_square_rate` and
  :func:`expected_steps_to_target` -- the loss averaged over every possible
  sequence of batches (a fresh independent batch each step), computed exactly
  rather than over seeds, its long-run growth factor, and the steps it needs.

The sharpness of a trained network (its largest Hessian eigenvalue) is
measured with :func:`gdcourse.landscape.sharpness`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdcourse import checks, models
from gdcourse import data as _data
from gdcourse.descent import DIVERGENCE_BOUND, within_bound  # noqa: F401 (re-exported)

__all__ = [
    "two_weight_problem",
    "minibatch_indices",
    "SGDRuns",
    "least_squares_sgd",
    "gradient_variance",
    "gradient_variance_theory",
    "noise_scale",
    "steps_to_target",
    "fit_critical_batch",
    "tuned_steps_to_target",
    "expected_loss",
    "mean_square_rate",
    "expected_steps_to_target",
]

# ----------------------------------------------------------------------------
# argument checks
# ----------------------------------------------------------------------------


def _check_per_example(per_example):
    g = np.asarray(per_example, dtype=float)
    if g.ndim == 1:
        g = g[:, None]
    if g.ndim != 2 or g.shape[0] < 2 or not np.all(np.isfinite(g)):
        raise ValueError(
            "per_example must be a finite array of shape (n, p) with n >= 2 "
            f"(one gradient per example), got shape {np.shape(per_example)}"
        )
    return g


def _check_data(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or X.shape[0] < 1 or not np.all(np.isfinite(X)):
        raise ValueError(
            f"X must be a finite 2-D array of shape (n, d), got shape {X.shape}"
        )
    if y.shape != (X.shape[0],) or not np.all(np.isfinite(y)):
        raise ValueError(
            f"y must be a finite array of shape ({X.shape[0]},) to match X, got shape {y.shape}"
        )
    return X, y


def _design(X):
    """Features with a column of ones appended: ``theta = (w_1, ..., w_d, b)``."""
    return np.concatenate([X, np.ones((X.shape[0], 1))], axis=1)


# ----------------------------------------------------------------------------
# the chapter's problem and its batches
# ----------------------------------------------------------------------------


def two_weight_problem(n=1280, seed=0):
    """The batch-size chapter's data: a slope and an intercept to fit from noisy points.

    Parameters
    ----------
    n : int, default 1280
        Examples in all; a fifth is held out, so ``n=1280`` leaves 1024 for training.
    seed : int, default 0

    Returns
    -------
    Dataset
        :func:`gdcourse.data.regression` with slope 1.5, intercept -0.5, noise
        of standard deviation 1 and features uniform on [-1, 3] (off-centre, so
        slope and intercept are correlated and the loss contours are tilted ellipses).

    Examples
    --------
    >>> two_weight_problem()
    Dataset(name='regression', n_train=1024, n_test=256, n_features=1)
    """
    return _data.regression(
        n=n,
        weights=1.5,
        bias=-0.5,
        noise=1.0,
        x_range=(-1.0, 3.0),
        seed=seed,
        test_fraction=0.2,
    )


def minibatch_indices(n, batch_size, steps, seed=0):
    """The examples used by each step of mini-batch SGD, epoch by epoch.

    Every epoch draws a fresh random order of the ``n`` examples and cuts it
    into ``n // batch_size`` batches; the few examples left over (when
    ``batch_size`` does not divide ``n``) are skipped that epoch. So within an
    epoch no example is used twice: each batch is a sample *without replacement*.

    Parameters
    ----------
    n : int
        Number of training examples, at least 1.
    batch_size : int
        Examples per step, in ``1..n``.
    steps : int
        Number of steps, at least 0.
    seed : int, default 0
        Seed of ``np.random.default_rng``; one ``rng.permutation(n)`` is drawn
        per epoch, the order :func:`gdcourse.training.train` uses with
        ``drop_last=True``.

    Returns
    -------
    ndarray of int, shape (steps, batch_size)

    Notes
    -----
    With :math:`k = \\lfloor n / B \\rfloor` batches per epoch and the epoch's
    permutation :math:`\\pi`, step :math:`t = e k + j` uses

    .. math:: \\{\\pi_{jB}, \\dots, \\pi_{jB + B - 1}\\}.

    Examples
    --------
    >>> idx = minibatch_indices(6, 2, steps=4, seed=0)
    >>> idx.shape
    (4, 2)
    >>> sorted(idx[:3].ravel().tolist())    # the first epoch uses every example once
    [0, 1, 2, 3, 4, 5]
    """
    n = checks.integer("n", n, minimum=1)
    batch_size = checks.integer("batch_size", batch_size, minimum=1, maximum=n)
    steps = checks.integer("steps", steps, minimum=0)
    per_epoch = n // batch_size
    epochs = -(-steps // per_epoch)
    rng = np.random.default_rng(seed)
    orders = [rng.permutation(n)[: per_epoch * batch_size] for _ in range(epochs)]
    if not orders:
        return np.empty((0, batch_size), dtype=int)
    return np.concatenate(orders).reshape(-1, batch_size)[:steps]


# ----------------------------------------------------------------------------
# least squares
# ----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SGDRuns:
    """Many mini-batch SGD runs on one least-squares problem.

    Attributes
    ----------
    weights : ndarray, shape (steps + 1, runs, p)
        The start, then the weights after every step; rows after a run
        diverged are NaN.
    losses : ndarray, shape (steps + 1, runs)
        Full training loss (half mean squared error) at every row of ``weights``.
    diverged : ndarray of bool, shape (runs,)
        Whether each run left every bound (a weight above ``1e8`` in size, or not finite).
    stopped_at : ndarray of int, shape (runs,)
        Index of each run's last valid row: ``steps``, or the last step before it diverged.
    batch_size : int
    lrs : ndarray, shape (runs,)
        Learning rate of every run.
    """

    weights: np.ndarray
    losses: np.ndarray
    diverged: np.ndarray
    stopped_at: np.ndarray
    batch_size: int
    lrs: np.ndarray

    @property
    def steps(self):
        """Number of steps each run was given."""
        return self.weights.shape[0] - 1


def least_squares_sgd(X, y, theta0, lr, batch_size, steps, seeds=0):
    """Mini-batch SGD on the half mean squared error of a linear model, many runs at once.

    Each run has its own learning rate and seed (its own batches, drawn by
    :func:`minibatch_indices`); all runs step together as one numpy
    computation, so a sweep over rates and seeds costs about as much as one run.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Features; an intercept is added (``theta = (w_1, ..., w_d, b)``).
    y : array_like, shape (n,)
        Targets.
    theta0 : array_like, shape (d + 1,) or (runs, d + 1)
        Start(s), finite.
    lr : float or array_like of shape (runs,)
        Positive finite learning rate(s).
    batch_size : int
        Examples per step, in ``1..n``.
    steps : int
        Steps per run, at least 0.
    seeds : int or sequence of int, default 0
        One seed per run; an int is one run (or shared, see below).

    Returns
    -------
    SGDRuns

    Notes
    -----
    The number of runs is the longest of ``theta0``'s runs, ``lr`` and
    ``seeds``; the others broadcast (a single value is shared). Step *t* of a
    run with batch :math:`\\mathcal B_t` and rate :math:`\\eta` is

    .. math::

        \\theta_{t+1} = \\theta_t - \\frac{\\eta}{B} \\sum_{i \\in \\mathcal B_t}
        (a_i^\\top \\theta_t - y_i)\\, a_i, \\qquad a_i = (x_i, 1),

    the update of :func:`gdcourse.training.train` with ``drop_last=True``.
    A run whose weights grow beyond ``1e8`` stops (marked ``diverged``),
    without overflow warnings.

    Examples
    --------
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 3.0, 5.0, 7.0])
    >>> runs = least_squares_sgd(X, y, [0.0, 0.0], lr=[0.1, 0.2], batch_size=2, steps=200, seeds=[0, 1])
    >>> print(np.round(runs.weights[-1], 3))
    [[2. 1.]
     [2. 1.]]
    >>> bool(least_squares_sgd(X, y, [0.0, 0.0], lr=2.0, batch_size=4, steps=50).diverged[0])
    True
    """
    X, y = _check_data(X, y)
    n, p = X.shape[0], X.shape[1] + 1
    batch_size = checks.integer("batch_size", batch_size, minimum=1, maximum=n)
    steps = checks.integer("steps", steps, minimum=0)
    theta0 = np.asarray(theta0, dtype=float)
    if theta0.shape[-1:] != (p,) or theta0.ndim > 2 or not np.all(np.isfinite(theta0)):
        raise ValueError(
            f"theta0 must be a finite array of shape ({p},) or (runs, {p}), got shape {theta0.shape}"
        )
    lr = np.atleast_1d(np.asarray(lr, dtype=float))
    if lr.ndim != 1 or not np.all(np.isfinite(lr) & (lr > 0)):
        raise ValueError(
            f"lr must be a positive finite number or a 1-D array of them, got {lr!r}"
        )
    seeds = np.atleast_1d(np.asarray(seeds))
    if seeds.ndim != 1 or seeds.dtype.kind not in "iu":
        raise ValueError(
            f"seeds must be an int or a 1-D sequence of ints, got {seeds!r}"
        )
    counts = {len(theta0) if theta0.ndim == 2 else 1, lr.size, seeds.size} - {1}
    if len(counts) > 1:
        raise ValueError(
            f"theta0, lr and seeds must have the same number of runs (or one), got {sorted(counts)}"
        )
    runs = counts.pop() if counts else 1
    theta = np.broadcast_to(theta0, (runs, p)).copy()
    lr = np.broadcast_to(lr, (runs,)).copy()
    seeds = np.broadcast_to(seeds, (runs,))

    A = _design(X)
    H, c, const = models.least_squares_form(X, y)
    if len(set(seeds.tolist())) == 1:
        idx = np.broadcast_to(
            minibatch_indices(n, batch_size, steps, int(seeds[0]))[:, None, :],
            (steps, runs, batch_size),
        )
    else:
        idx = np.stack(
            [minibatch_indices(n, batch_size, steps, int(s)) for s in seeds], axis=1
        )

    weights = np.full((steps + 1, runs, p), np.nan)
    weights[0] = theta
    alive = np.ones(runs, dtype=bool)
    stopped_at = np.full(runs, steps)
    with np.errstate(all="ignore"):
        for t in range(steps):
            A_b = A[idx[t]]  # (runs, B, p)
            residual = np.einsum("rbp,rp->rb", A_b, theta) - y[idx[t]]
            g = np.einsum("rbp,rb->rp", A_b, residual) / batch_size
            theta = theta - lr[:, None] * g
            bad = alive & ~within_bound(theta)
            stopped_at[bad] = t
            alive &= ~bad
            theta[~alive] = np.nan
            weights[t + 1] = theta
        losses = models.quadratic_loss(weights, H, c, const)[0]
    return SGDRuns(weights, losses, ~alive, stopped_at, batch_size, lr)


# ----------------------------------------------------------------------------
# gradient noise
# ----------------------------------------------------------------------------


def gradient_variance(per_example, batch_size, draws=1000, seed=0):
    """Measured variance of the mini-batch gradient, over many random batches.

    Each batch is ``batch_size`` distinct examples drawn at random (without
    replacement); its gradient is the mean of their per-example gradients.

    Parameters
    ----------
    per_example : array_like, shape (n, p)
        One gradient per example (e.g. ``model.per_example_grads(theta, X, y)``).
    batch_size : int
        In ``1..n``.
    draws : int, default 1000
        Number of random batches, at least 2.
    seed : int, default 0
        Seed of ``np.random.default_rng``.

    Returns
    -------
    float
        The mean squared distance between a batch gradient and the full gradient.

    Notes
    -----
    With full gradient :math:`\\bar g = \\frac1n \\sum_i g_i` and batch gradients
    :math:`g_{\\mathcal B_1}, \\dots, g_{\\mathcal B_K}`,

    .. math::

        \\widehat{\\operatorname{Var}}(B) = \\frac1K \\sum_{k=1}^K
        \\lVert g_{\\mathcal B_k} - \\bar g \\rVert^2
        \\;\\approx\\; \\mathbb E \\lVert g_{\\mathcal B} - \\bar g \\rVert^2,

    the total variance (the trace of the covariance); compare
    :func:`gradient_variance_theory`.

    Examples
    --------
    >>> g = np.arange(10.0)[:, None]          # ten 1-D "gradients" 0..9
    >>> print(f"{gradient_variance(g, 10):.1f}")   # the whole set: no noise at all
    0.0
    >>> print(f"{gradient_variance(g, 5, draws=20000):.2f}", f"{gradient_variance_theory(g, 5):.2f}")
    0.92 0.92
    """
    g = _check_per_example(per_example)
    n = g.shape[0]
    batch_size = checks.integer("batch_size", batch_size, minimum=1, maximum=n)
    draws = checks.integer("draws", draws, minimum=2)
    rng = np.random.default_rng(seed)
    order = rng.permuted(np.broadcast_to(np.arange(n), (draws, n)), axis=1)[
        :, :batch_size
    ]
    batch = g[order].mean(axis=1)
    return float(np.mean(np.sum((batch - g.mean(axis=0)) ** 2, axis=1)))


def gradient_variance_theory(per_example, batch_size, replace=False):
    """Variance of the mini-batch gradient predicted from the per-example gradients.

    Parameters
    ----------
    per_example : array_like, shape (n, p)
        One gradient per example.
    batch_size : int or array_like of int
        In ``1..n``.
    replace : bool, default False
        Batches drawn with replacement (the plain :math:`\\sigma^2 / B` law) or
        without (with the finite-population correction).

    Returns
    -------
    float or ndarray
        Same shape as ``batch_size``.

    Notes
    -----
    With the per-example spread :math:`\\sigma^2 = \\frac1n \\sum_i \\lVert g_i - \\bar g\\rVert^2`,

    .. math::

        \\operatorname{Var}(B) = \\frac{\\sigma^2}{B} \\ \\text{(with replacement)},
        \\qquad
        \\operatorname{Var}(B) = \\frac{\\sigma^2}{B}\\,\\frac{n - B}{n - 1}
        \\ \\text{(without)},

    the second reaching exactly zero at :math:`B = n`.

    Examples
    --------
    >>> g = np.arange(10.0)[:, None]
    >>> print(gradient_variance_theory(g, [1, 5, 10]))
    [8.25       0.91666667 0.        ]
    >>> print(gradient_variance_theory(g, [1, 5, 10], replace=True))
    [8.25  1.65  0.825]
    """
    g = _check_per_example(per_example)
    n = g.shape[0]
    B = np.asarray(batch_size)
    if B.dtype.kind not in "iu" or np.any(B < 1) or np.any(B > n):
        raise ValueError(
            f"batch_size must be an integer (or integers) in 1..{n}, got {batch_size!r}"
        )
    sigma2 = float(np.mean(np.sum((g - g.mean(axis=0)) ** 2, axis=1)))
    variance = sigma2 / B if replace else sigma2 / B * (n - B) / (n - 1)
    return float(variance) if variance.ndim == 0 else variance


def noise_scale(per_example, hessian=None):
    """McCandlish et al.'s gradient noise scale: :math:`B_\\text{noise}`, or its simplification :math:`B_\\text{simple}`.

    A batch of about this size has gradient noise as large as the gradient
    itself: much smaller batches are dominated by noise, much larger ones
    barely improve the step. McCandlish et al. predict the critical batch
    size with :math:`B_\\text{noise}`, which needs the Hessian, and measure
    :math:`B_\\text{simple}`, which is what :math:`B_\\text{noise}` becomes
    when the Hessian is a multiple of the identity.

    Parameters
    ----------
    per_example : array_like, shape (n, p)
        One gradient per example.
    hessian : array_like, shape (p, p), optional
        Hessian of the loss at the same point. Without it the result is
        :math:`B_\\text{simple}`; with it, :math:`B_\\text{noise}`.

    Returns
    -------
    float
        ``inf`` if the full gradient is exactly zero (or, with a Hessian,
        has zero curvature :math:`G^\\top H G`).

    Raises
    ------
    ValueError
        If ``hessian`` is not a finite ``(p, p)`` array, or if the curvature
        along the gradient, :math:`G^\\top H G`, is negative (then no step
        size along the gradient is best and the noise scale has no meaning).

    Notes
    -----
    With the full gradient :math:`G = \\frac1n \\sum_i g_i` and the covariance
    :math:`\\Sigma = \\frac1n \\sum_i (g_i - G)(g_i - G)^\\top` of the per-example gradients,

    .. math::

        B_\\text{noise} = \\frac{\\operatorname{tr}(H\\Sigma)}{G^\\top H G},
        \\qquad
        B_\\text{simple} = \\frac{\\operatorname{tr}\\Sigma}{\\lVert G \\rVert^2}.

    On a quadratic model of the loss, a step :math:`-\\epsilon g_{\\mathcal B}`
    with batches of :math:`B` examples drawn with replacement lowers the
    expected loss most at :math:`\\epsilon_\\text{opt}(B) =
    \\epsilon_\\text{max} / (1 + B_\\text{noise}/B)`, where
    :math:`\\epsilon_\\text{max} = \\lVert G\\rVert^2 / G^\\top H G` is the best
    step with the exact gradient: at :math:`B = B_\\text{noise}` the best
    step is half the noiseless one.

    References
    ----------
    .. [1] S. McCandlish, J. Kaplan, D. Amodei and the OpenAI Dota Team,
       "An empirical model of large-batch training", arXiv:1812.06162, 2018.

    Examples
    --------
    >>> g = np.array([[1.0], [3.0]])     # mean 2, spread 1
    >>> print(noise_scale(g))
    0.25
    >>> g = np.array([[1.0, 0.0], [3.0, 2.0]])    # G = (2, 1)
    >>> print(noise_scale(g), noise_scale(g, hessian=np.diag([1.0, 4.0])))
    0.4 0.625
    """
    g = _check_per_example(per_example)
    G = g.mean(axis=0)
    deviation = g - G
    if hessian is None:
        trace = float(np.mean(np.sum(deviation**2, axis=1)))
        curvature = float(G @ G)
    else:
        H = np.asarray(hessian, dtype=float)
        p = g.shape[1]
        if H.shape != (p, p) or not np.all(np.isfinite(H)):
            raise ValueError(
                f"hessian must be a finite array of shape ({p}, {p}), got shape {np.shape(hessian)}"
            )
        trace = float(np.mean(np.einsum("np,pq,nq->n", deviation, H, deviation)))
        curvature = float(G @ H @ G)
        if curvature < 0:
            raise ValueError(
                "hessian must have non-negative curvature along the mean gradient "
                f"(G^T H G >= 0), got {curvature:.3g}"
            )
    return np.inf if curvature == 0 else trace / curvature


# ----------------------------------------------------------------------------
# steps and the critical batch size
# ----------------------------------------------------------------------------


def steps_to_target(losses, target):
    """The first step at which a loss curve reaches ``target`` (``inf`` if never).

    Parameters
    ----------
    losses : array_like, shape (steps + 1, ...)
        Loss curves along axis 0 (NaN after a divergence never counts as reached).
    target : float
        Finite target loss.

    Returns
    -------
    float or ndarray
        Shape ``losses.shape[1:]``; ``inf`` where the curve never reaches the target.

    Examples
    --------
    >>> print(steps_to_target([5.0, 3.0, 1.0, 0.5], 1.0), steps_to_target([5.0, 4.0], 1.0))
    2.0 inf
    """
    losses = np.asarray(losses, dtype=float)
    if losses.ndim < 1 or losses.shape[0] == 0:
        raise ValueError(
            f"losses must have at least one entry along axis 0, got shape {losses.shape}"
        )
    if not checks.is_number(target):
        raise ValueError(f"target must be a finite number, got {target!r}")
    with np.errstate(invalid="ignore"):
        hit = losses <= target
    first = np.where(hit.any(axis=0), hit.argmax(axis=0), np.inf).astype(float)
    return float(first) if first.ndim == 0 else first


def fit_critical_batch(batch_sizes, steps, population=None):
    """Fit McCandlish et al.'s law :math:`S = S_\\min (1 + B_\\text{crit} / B)` to measured steps.

    Parameters
    ----------
    batch_sizes : array_like of float, shape (k,)
        Positive batch sizes, at least two distinct.
    steps : array_like of float, shape (k,)
        Positive finite steps needed at each batch size.
    population : int, optional
        The number :math:`N` of examples, when each batch holds ``B``
        *distinct* examples (drawn without replacement): the law is then
        fitted against the effective batch size
        :math:`B_\text{eff} = B (N - 1) / (N - B)`, the batch drawn with
        replacement whose gradient is as noisy (infinite at :math:`B = N`).
        By default the batches are taken as drawn with replacement.

    Returns
    -------
    s_min : float
        Steps needed with an infinitely large batch (with ``population``:
        with the exact gradient).
    b_crit : float
        The critical batch size: below it, doubling ``B`` nearly halves the
        steps; above it, the steps barely fall. With ``population`` it is an
        effective batch size, in the units of a batch drawn with replacement.

    Notes
    -----
    The law is linear in :math:`1/B`: :math:`S = a + b / B` with
    :math:`a = S_\\min`, :math:`b = S_\\min B_\\text{crit}`. The fit minimises
    the *relative* squared error :math:`\\sum_j ((a + b / B_j) / S_j - 1)^2`,
    so small and large step counts weigh alike. Equivalently, the examples
    processed :math:`E = S B` follow :math:`E = E_\\min (1 + B / B_\\text{crit})`
    with :math:`E_\\min = S_\\min B_\\text{crit}`.

    Without replacement the variance of a batch mean is
    :math:`\\sigma^2 (N - B) / (B (N - 1)) = \\sigma^2 / B_\\text{eff}`, still
    affine in :math:`1/B` but vanishing at :math:`B = N`, so ``population``
    replaces :math:`1/B` by :math:`1/B_\\text{eff} = (N - B) / (B (N - 1))`.

    References
    ----------
    .. [1] S. McCandlish, J. Kaplan, D. Amodei and the OpenAI Dota Team,
       "An empirical model of large-batch training", arXiv:1812.06162, 2018.

    Examples
    --------
    >>> B = np.array([1, 4, 16, 64, 256])
    >>> s_min, b_crit = fit_critical_batch(B, 10.0 * (1 + 32 / B))
    >>> print(f"{s_min:.3f} {b_crit:.3f}")
    10.000 32.000
    >>> B_eff = B * 1023 / (1024 - B)  # B distinct examples out of 1024
    >>> s_min, b_crit = fit_critical_batch(B, 10.0 * (1 + 32 / B_eff), 1024)
    >>> print(f"{s_min:.3f} {b_crit:.3f}")
    10.000 32.000
    """
    B = np.asarray(batch_sizes, dtype=float)
    S = np.asarray(steps, dtype=float)
    if B.ndim != 1 or B.shape != S.shape:
        raise ValueError(
            f"batch_sizes and steps must be 1-D arrays of the same length, got shapes {B.shape} and {S.shape}"
        )
    if not np.all(np.isfinite(B) & (B > 0)) or np.unique(B).size < 2:
        raise ValueError(
            "batch_sizes must be positive finite numbers with at least two distinct values"
        )
    if not np.all(np.isfinite(S) & (S > 0)):
        raise ValueError(
            "steps must be positive finite numbers (drop batch sizes that never reached the target)"
        )
    inverse = 1.0 / B
    if population is not None:
        n = checks.integer("population", population, minimum=2)
        if B.max() > n:
            raise ValueError(f"batch_sizes must not exceed population = {n}")
        inverse = (n - B) / (B * (n - 1))  # 1 / B_eff, zero at B = N
    design = np.column_stack([1.0 / S, inverse / S])
    (a, b), *_ = np.linalg.lstsq(design, np.ones_like(S), rcond=None)
    return float(a), float(b / a)


def tuned_steps_to_target(X, y, theta0, batch_size, lrs, seeds, targets, steps):
    """Fewest steps to reach each target loss at one batch size, the learning rate tuned.

    Every learning rate in ``lrs`` is run with every seed in ``seeds`` (one
    :func:`least_squares_sgd` call); the loss curves are averaged over the
    seeds, and for each target the rate that reaches it first wins.

    Parameters
    ----------
    X, y, theta0, batch_size, steps
        As for :func:`least_squares_sgd` (``theta0`` a single start).
    lrs : array_like of float, shape (k,)
        Candidate learning rates.
    seeds : array_like of int, shape (s,)
        Seeds averaged over.
    targets : array_like of float, shape (m,)
        Target values of the *mean* full training loss.

    Returns
    -------
    best_steps : ndarray, shape (m,)
        Fewest steps to reach each target (``inf`` if no rate did within ``steps``).
    best_lrs : ndarray, shape (m,)
        The rate that achieved it (NaN where none did).

    Notes
    -----
    With :math:`\\bar L_\\eta(t)` the seed-averaged loss after :math:`t` steps at rate :math:`\\eta`,

    .. math::

        S(B, L_\\text{target}) = \\min_\\eta \\ \\min\\{t : \\bar L_\\eta(t) \\le L_\\text{target}\\},

    the quantity whose dependence on :math:`B` McCandlish et al. model as
    :math:`S_\\min (1 + B_\\text{crit} / B)` (see :func:`fit_critical_batch`).

    Examples
    --------
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 3.0, 5.0, 7.0])
    >>> s, lr = tuned_steps_to_target(X, y, [0.0, 0.0], 4, [0.05, 0.2], [0], [1.0, 0.1], 100)
    >>> print(s, lr)
    [1. 2.] [0.2 0.2]
    """
    lrs = np.asarray(lrs, dtype=float)
    seeds = np.asarray(seeds)
    targets = np.atleast_1d(np.asarray(targets, dtype=float))
    if lrs.ndim != 1 or lrs.size == 0:
        raise ValueError(
            f"lrs must be a non-empty 1-D array of learning rates, got {lrs!r}"
        )
    if seeds.ndim != 1 or seeds.size == 0:
        raise ValueError(
            f"seeds must be a non-empty 1-D sequence of ints, got {seeds!r}"
        )
    if targets.ndim != 1 or not np.all(np.isfinite(targets)):
        raise ValueError(f"targets must be finite numbers, got {targets!r}")
    runs = least_squares_sgd(
        X,
        y,
        theta0,
        np.repeat(lrs, seeds.size),
        batch_size,
        steps,
        seeds=np.tile(seeds, lrs.size),
    )
    mean = runs.losses.reshape(steps + 1, lrs.size, seeds.size).mean(axis=-1)
    best_steps, best_lrs = [], []
    for target in targets:
        first = steps_to_target(mean, float(target))
        k = int(np.argmin(first))
        best_steps.append(first[k])
        best_lrs.append(lrs[k] if np.isfinite(first[k]) else np.nan)
    return np.array(best_steps), np.array(best_lrs)


# ----------------------------------------------------------------------------
# the expected loss, exactly
# ----------------------------------------------------------------------------


def _moment_operators(X, y, lr, batch_size):
    """Operators of the second-moment recursion, one per rate (see :func:`expected_loss`)."""
    A = _design(X)
    n, p = A.shape
    H = A.T @ A / n
    theta_star = np.linalg.lstsq(A, y, rcond=None)[0]
    residual = A @ theta_star - y
    q = p + 1
    # K_i = T_i - mean(T): the part of example i's update map that varies
    K = np.zeros((n, q, q))
    K[:, :p, :p] = A[:, :, None] * A[:, None, :] - H
    K[:, :p, p] = A * residual[:, None]
    spread = np.einsum("nij,nkl->ikjl", K, K).reshape(q * q, q * q) / n
    kappa = (n - batch_size) / (batch_size * (n - 1))
    mean_map = np.broadcast_to(np.eye(q), (lr.size, q, q)).copy()
    mean_map[:, :p, :p] -= lr[:, None, None] * H
    ops = np.einsum("kij,kab->kiajb", mean_map, mean_map).reshape(-1, q * q, q * q)
    ops += (lr**2 * kappa)[:, None, None] * spread
    return ops, H, theta_star


def _check_rates(lr):
    lr = np.atleast_1d(np.asarray(lr, dtype=float))
    if lr.ndim != 1 or lr.size == 0 or not np.all(np.isfinite(lr) & (lr > 0)):
        raise ValueError(
            f"lr must be a positive finite number or a 1-D array of them, got {lr!r}"
        )
    return lr


def expected_loss(X, y, theta0, lr, batch_size, steps):
    """Expected full training loss of mini-batch SGD after every step, computed exactly.

    Every step draws a fresh batch of ``batch_size`` distinct examples,
    uniformly at random and independently of the steps before (the sampling
    that :func:`gradient_variance_theory` and :func:`noise_scale` assume; the
    reshuffled epochs of :func:`least_squares_sgd` are a different process).
    For a linear model the mean and covariance of the weights over all
    possible batch sequences follow a small linear recursion, so the
    expectation over infinitely many seeds costs about as much as one run.

    Parameters
    ----------
    X, y, theta0, batch_size, steps
        As for :func:`least_squares_sgd` (``theta0`` a single start, shape ``(d + 1,)``).
    lr : float or array_like of shape (k,)
        Positive finite learning rate(s).

    Returns
    -------
    ndarray, shape (steps + 1,) or (steps + 1, k)
        :math:`\\mathbb E f(\\theta_t)` for ``t = 0..steps``, one column per rate
        for an array ``lr``; ``inf`` once a rate's expected loss (or a second
        moment of its weights) has grown past about ``1e16``, as it does when
        :func:`mean_square_rate` is above 1.

    Notes
    -----
    With :math:`a_i = (x_i, 1)`, the minimiser :math:`\\theta^\\star`, its
    residuals :math:`r_i = a_i^\\top\\theta^\\star - y_i` and
    :math:`s_t = (\\theta_t - \\theta^\\star, 1)`, a step on batch
    :math:`\\mathcal B` is :math:`s_{t+1} = T_{\\mathcal B} s_t`, where
    :math:`T_{\\mathcal B}` is the mean over the batch of the per-example maps

    .. math::

        T_i = \\begin{pmatrix} I - \\eta\\, a_i a_i^\\top & -\\eta\\, r_i a_i \\\\
        0 & 1 \\end{pmatrix}, \\qquad \\bar T = \\frac1n \\sum_i T_i .

    The second moment :math:`S_t = \\mathbb E[s_t s_t^\\top]` then follows,
    with the finite-population factor of a batch drawn without replacement,

    .. math::

        S_{t+1} = \\bar T S_t \\bar T^\\top + \\frac{n - B}{B\\,(n - 1)}\\,
        \\frac1n \\sum_{i=1}^n (T_i - \\bar T)\\, S_t\\, (T_i - \\bar T)^\\top,

    and :math:`\\mathbb E f(\\theta_t) = f(\\theta^\\star) + \\tfrac12
    \\operatorname{tr}(H S_t^{\\theta\\theta})`, with :math:`S^{\\theta\\theta}`
    the block of :math:`\\theta`. At :math:`B = n` the correction vanishes
    and this is full-batch gradient descent.

    Examples
    --------
    Three points, batches of two, one step: the exact expectation is the mean
    over the three possible batches.

    >>> X, y = np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 2.0, 5.0])
    >>> A, theta0 = np.c_[X, np.ones(3)], np.zeros(2)
    >>> after = [0.3 * A[b].T @ y[b] / 2 for b in ([0, 1], [0, 2], [1, 2])]
    >>> loss = models.quadratic_loss(np.array(after), *models.least_squares_form(X, y))[0]
    >>> print(f"{loss.mean():.6f}")
    1.094167
    >>> print(f"{expected_loss(X, y, theta0, 0.3, 2, steps=1)[1]:.6f}")
    1.094167
    """
    X, y = _check_data(X, y)
    n, p = X.shape[0], X.shape[1] + 1
    batch_size = checks.integer("batch_size", batch_size, minimum=1, maximum=n)
    steps = checks.integer("steps", steps, minimum=0)
    theta0 = np.asarray(theta0, dtype=float)
    if theta0.shape != (p,) or not np.all(np.isfinite(theta0)):
        raise ValueError(
            f"theta0 must be a finite array of shape ({p},), got shape {theta0.shape}"
        )
    scalar = np.ndim(lr) == 0
    lr = _check_rates(lr)
    ops, H, theta_star = _moment_operators(X, y, lr, batch_size)
    q = p + 1
    s0 = np.append(theta0 - theta_star, 1.0)
    state = np.tile(np.outer(s0, s0).ravel(), (lr.size, 1))
    weigh = np.zeros((q, q))
    weigh[:p, :p] = H / 2
    weigh = weigh.ravel()
    floor = float(
        models.quadratic_loss(theta_star, *models.least_squares_form(X, y))[0]
    )
    # blocks of `chunk` steps: read the losses of a whole block from the state
    # at its start (rows readout[m] = weigh^T Op^m), then jump Op^chunk ahead
    chunk = max(1, min(64, steps))
    readout = np.empty((chunk, lr.size, q * q))
    readout[0] = weigh
    with np.errstate(all="ignore"):
        for m in range(1, chunk):
            readout[m] = np.einsum("ki,kij->kj", readout[m - 1], ops)
        jump = np.broadcast_to(np.eye(q * q), ops.shape)
        for _ in range(chunk):
            jump = ops @ jump
        gaps = np.empty((steps + 1, lr.size))
        bound = DIVERGENCE_BOUND**2
        for start in range(0, steps + 1, chunk):
            block = np.einsum("mki,ki->mk", readout, state)
            gaps[start : start + chunk] = block[: steps + 1 - start]
            state = np.einsum("kij,kj->ki", jump, state)
            blown = ~(np.abs(state) <= bound).all(axis=1)
            state[blown] = np.inf  # every later loss of the rate is then infinite
        # once past the bound, a rate's expected loss stays infinite
        past = np.maximum.accumulate(~(np.abs(gaps) <= bound), axis=0)
        gaps[past] = np.inf
    losses = floor + gaps
    return losses[:, 0] if scalar else losses


def mean_square_rate(X, y, lr, batch_size):
    """Long-run factor by which mini-batch SGD multiplies its mean squared error each step.

    With batches drawn as in :func:`expected_loss`, the expected squared
    distance from the minimiser of a run on noise-free targets shrinks (or
    grows) by this factor per step in the long run; below 1 the expected loss
    settles at a finite floor, above 1 it grows without bound.

    Parameters
    ----------
    X, y : array_like
        As for :func:`least_squares_sgd`.
    lr : float or array_like of shape (k,)
        Positive finite learning rate(s).
    batch_size : int
        In ``1..n``.

    Returns
    -------
    float or ndarray of shape (k,)

    Notes
    -----
    The spectral radius of the operator that maps :math:`\\mathbb E[e e^\\top]`,
    :math:`e = \\theta - \\theta^\\star`, to its value one step later,

    .. math::

        \\rho = \\rho\\Big((I - \\eta H) \\otimes (I - \\eta H)
        + \\eta^2 \\frac{n - B}{B\\,(n - 1)}\\, \\frac1n \\sum_i
        (a_i a_i^\\top - H) \\otimes (a_i a_i^\\top - H)\\Big).

    At :math:`B = n` it is :math:`\\max_i (1 - \\eta\\lambda_i)^2`, below 1
    exactly when :math:`\\eta < 2/\\lambda_{\\max}`; smaller batches add the
    second, positive term and can push it above 1 at smaller rates.

    Examples
    --------
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 3.0, 5.0, 7.0])
    >>> print(np.round(mean_square_rate(X, y, [0.1, 0.5], batch_size=4), 4))
    [0.9414 1.2128]
    >>> print(np.round(mean_square_rate(X, y, [0.1, 0.5], batch_size=1), 4))
    [0.9424 4.7643]
    """
    X, y = _check_data(X, y)
    n = X.shape[0]
    batch_size = checks.integer("batch_size", batch_size, minimum=1, maximum=n)
    scalar = np.ndim(lr) == 0
    lr = _check_rates(lr)
    ops, _, _ = _moment_operators(X, y, lr, batch_size)
    p = X.shape[1] + 1
    q = p + 1
    # the block acting on E[e e^T] alone: rows and columns with both indices < p
    keep = (np.arange(q)[:, None] < p) & (np.arange(q)[None, :] < p)
    keep = keep.ravel()
    block = ops[:, keep][:, :, keep]
    rho = np.abs(np.linalg.eigvals(block)).max(axis=1)
    return float(rho[0]) if scalar else rho


def expected_steps_to_target(X, y, theta0, batch_size, lrs, targets, steps):
    """Fewest steps after which the expected loss stays within each target, the rate tuned.

    The expected loss of every rate in ``lrs`` is computed exactly
    (:func:`expected_loss`, a fresh independent batch every step); for each
    target, a rate needs the first step from which its expected loss stays at
    or below the target up to step ``steps``, and the rate that needs the
    fewest wins.

    Parameters
    ----------
    X, y, theta0, batch_size, steps
        As for :func:`expected_loss`.
    lrs : array_like of float, shape (k,)
        Candidate learning rates.
    targets : array_like of float, shape (m,)
        Target values of the expected full training loss.

    Returns
    -------
    best_steps : ndarray, shape (m,)
        Fewest steps for each target (``inf`` if no rate is within it at step ``steps``).
    best_lrs : ndarray, shape (m,)
        The rate that achieved it (NaN where none did).

    Notes
    -----
    With :math:`\\bar L_\\eta(t) = \\mathbb E f(\\theta_t)` at rate :math:`\\eta`
    and the cap :math:`T` (``steps``),

    .. math::

        S(B, L_\\text{target}) = \\min_\\eta \\ \\min\\{t \\le T :
        \\bar L_\\eta(u) \\le L_\\text{target} \\text{ for } t \\le u \\le T\\},

    the quantity whose dependence on :math:`B` McCandlish et al. model as
    :math:`S_\\min (1 + B_\\text{crit} / B)` (see :func:`fit_critical_batch`).
    A rate whose expected loss dips below the target and rises above it
    again before the cap is not counted at the dip.

    Examples
    --------
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 3.0, 5.0, 7.0])
    >>> s, lr = expected_steps_to_target(X, y, [0.0, 0.0], 4, [0.05, 0.2], [1.0, 0.1], 100)
    >>> print(s, lr)
    [1. 2.] [0.2 0.2]
    """
    lrs = _check_rates(lrs)
    targets = np.atleast_1d(np.asarray(targets, dtype=float))
    if targets.ndim != 1 or targets.size == 0 or not np.all(np.isfinite(targets)):
        raise ValueError(f"targets must be finite numbers, got {targets!r}")
    losses = expected_loss(X, y, theta0, lrs, batch_size, steps)
    best_steps, best_lrs = [], []
    for target in targets:
        above = ~(losses <= target)
        # the step after the last one above the target (0 if never above)
        last_above = np.where(
            above.any(axis=0), losses.shape[0] - 1 - np.argmax(above[::-1], axis=0), -1
        )
        settled = np.where(above[-1], np.inf, last_above + 1.0)
        k = int(np.argmin(settled))
        best_steps.append(settled[k])
        best_lrs.append(lrs[k] if np.isfinite(settled[k]) else np.nan)
    return np.array(best_steps), np.array(best_lrs)

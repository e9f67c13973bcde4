"""Small deterministic datasets for the course's training runs.

Every generator is seeded and returns a :class:`Dataset`: a frozen record of
read-only train and test arrays.
The sets are small (a few hundred to a few thousand points) so that a whole
training run takes milliseconds.

- :func:`regression` -- noisy linear data ``y = X w + b + noise`` that keeps
  its true weights, so a fit can be compared with the truth.
- :func:`two_moons` -- two interleaving half circles, labels 0 and 1.
- :func:`spirals` -- ``classes`` interleaved spiral arms, labels ``0 .. classes - 1``.
- :func:`train_test_split` -- a seeded random split of any ``(X, y)``.
- :func:`standardize` -- rescale features with the training mean and spread.
"""

from dataclasses import dataclass, replace

import numpy as np

from gdcourse import checks

__all__ = [
    "Dataset",
    "regression",
    "two_moons",
    "spirals",
    "train_test_split",
    "standardize",
]


@dataclass(frozen=True, eq=False)
class Dataset:
    """A named train/test split of features and targets.

    Attributes
    ----------
    name : str
        Short name of the generator, e.g. ``"two_moons"``.
    X_train, X_test : ndarray of float, shape (n_train, d) and (n_test, d)
        Features, one row per example.
    y_train, y_test : ndarray, shape (n_train,) and (n_test,)
        Targets: ``float`` for regression, ``int`` class labels for classification.
    true_weights : ndarray of float, shape (d,), or None
        For :func:`regression`, the weights the data were generated from.
    true_bias : float or None
        For :func:`regression`, the intercept the data were generated from.

    Notes
    -----
    The arrays are read-only views: code that wants to change them must copy first.
    """

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    true_weights: np.ndarray | None = None
    true_bias: float | None = None

    @property
    def n_train(self):
        """Number of training examples."""
        return self.X_train.shape[0]

    @property
    def n_test(self):
        """Number of test examples."""
        return self.X_test.shape[0]

    @property
    def n_features(self):
        """Number of features per example."""
        return self.X_train.shape[1]

    @property
    def n_classes(self):
        """Number of classes (labels ``0 .. k - 1``), or None for a regression set."""
        if not np.issubdtype(self.y_train.dtype, np.integer):
            return None
        return int(max(self.y_train.max(), self.y_test.max())) + 1

    def __repr__(self):
        return (
            f"Dataset(name={self.name!r}, n_train={self.n_train}, "
            f"n_test={self.n_test}, n_features={self.n_features})"
        )


# ----------------------------------------------------------------------------
# argument checks
# ----------------------------------------------------------------------------


def _check_test_fraction(test_fraction, n):
    checks.in_interval("test_fraction", test_fraction, 0, 1, closed="neither")
    n_test = int(round(test_fraction * n))
    if not 1 <= n_test <= n - 1:
        raise ValueError(
            f"test_fraction={test_fraction!r} leaves {n_test} of n={n} points for testing; "
            f"test_fraction * n must round to a count in 1..{n - 1}"
        )
    return n_test


def _frozen(a, dtype):
    a = np.array(a, dtype=dtype)
    a.setflags(write=False)
    return a


def _streams(seed):
    """Two independent generators from one seed: one draws the data, one splits it."""
    data_seed, split_seed = np.random.SeedSequence(seed).spawn(2)
    return np.random.default_rng(data_seed), np.random.default_rng(split_seed)


def _dataset(name, X, y, test_fraction, split_rng, y_dtype, **truth):
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction, split_rng)
    return Dataset(
        name,
        _frozen(X_train, float),
        _frozen(y_train, y_dtype),
        _frozen(X_test, float),
        _frozen(y_test, y_dtype),
        **truth,
    )


# ----------------------------------------------------------------------------
# splitting and scaling
# ----------------------------------------------------------------------------


def train_test_split(X, y, test_fraction=0.25, seed=0):
    """Split examples at random into a training and a test part.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Features, one row per example.
    y : array_like, shape (n,) or (n, k)
        Targets, one per example.
    test_fraction : float, default 0.25
        Share of the examples held out for testing, in (0, 1); the test count is
        ``round(test_fraction * n)`` and must leave at least one example on each side.
    seed : int or numpy.random.Generator, default 0
        Seed of the random permutation (anything ``np.random.default_rng`` accepts).

    Returns
    -------
    X_train, X_test, y_train, y_test : ndarray
        New arrays (the inputs are not changed), in the order scikit-learn uses.

    Notes
    -----
    With a permutation :math:`\\pi` of :math:`\\{0, \\dots, n-1\\}` drawn from
    ``np.random.default_rng(seed)`` and :math:`m = \\operatorname{round}(f\\,n)`,

    .. math::

        \\text{test} = \\{\\pi_0, \\dots, \\pi_{m-1}\\},
        \\qquad \\text{train} = \\{\\pi_m, \\dots, \\pi_{n-1}\\}.

    Examples
    --------
    >>> X = np.arange(10.0).reshape(5, 2)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, np.arange(5), 0.4, seed=0)
    >>> X_train.shape, X_test.shape
    ((3, 2), (2, 2))
    >>> sorted(np.concatenate([y_train, y_test]).tolist())
    [0, 1, 2, 3, 4]
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array of shape (n, d), got shape {X.shape}")
    if y.ndim not in (1, 2) or y.shape[0] != X.shape[0]:
        raise ValueError(
            f"y must have one row per row of X ({X.shape[0]}), got shape {y.shape}"
        )
    n = checks.integer("n", X.shape[0], minimum=2)
    n_test = _check_test_fraction(test_fraction, n)
    order = np.random.default_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def standardize(data):
    """Rescale every feature to mean 0 and standard deviation 1 on the training set.

    The test features are moved with the *training* mean and spread, so no
    information leaks from the test set.
    For a regression set the true weights are rewritten for the new features,
    so that the data still satisfy ``y = X' w' + b' + noise`` exactly.

    Parameters
    ----------
    data : Dataset
        The set to rescale (not changed).

    Returns
    -------
    Dataset
        A new dataset named ``data.name + "_standardized"``.

    Notes
    -----
    With the training mean :math:`\\mu_j` and standard deviation :math:`s_j` of feature *j*,

    .. math::

        x'_j = \\frac{x_j - \\mu_j}{s_j}, \\qquad
        w'_j = s_j w_j, \\qquad b' = b + \\sum_j w_j \\mu_j .

    A constant feature (:math:`s_j = 0`) is only centred.

    Examples
    --------
    >>> d = standardize(regression(n=100, weights=[3.0], bias=1.0, seed=0))
    >>> print(np.round(d.X_train.mean(axis=0), 12) + 0.0, np.round(d.X_train.std(axis=0), 12))
    [0.] [1.]
    """
    if not isinstance(data, Dataset):
        raise ValueError(f"data must be a Dataset, got {type(data).__name__}")
    mean = data.X_train.mean(axis=0)
    std = data.X_train.std(axis=0)
    scale = np.where(std > 0, std, 1.0)
    truth = {}
    if data.true_weights is not None:
        truth = dict(
            true_weights=_frozen(data.true_weights * scale, float),
            true_bias=float(data.true_bias + data.true_weights @ mean),
        )
    return replace(
        data,
        name=data.name + "_standardized",
        X_train=_frozen((data.X_train - mean) / scale, float),
        X_test=_frozen((data.X_test - mean) / scale, float),
        **truth,
    )


# ----------------------------------------------------------------------------
# generators
# ----------------------------------------------------------------------------


def regression(
    n=200,
    *,
    weights=2.0,
    bias=1.0,
    noise=0.5,
    x_range=(-2.0, 2.0),
    seed=0,
    test_fraction=0.25,
):
    """Noisy linear regression data with known true weights.

    Parameters
    ----------
    n : int, default 200
        Total number of examples (train plus test), at least 2.
    weights : float or sequence of float, default 2.0
        True weights; a single number gives one feature (a slope), a sequence of
        length *d* gives *d* features.
    bias : float, default 1.0
        True intercept.
    noise : float, default 0.5
        Standard deviation of the Gaussian noise added to *y*, at least 0.
    x_range : (float, float), default (-2.0, 2.0)
        Features are drawn uniformly from this interval, independently per feature.
    seed : int, default 0
        Seed of the generator (features, noise and the split).
    test_fraction : float, default 0.25
        Share of the examples held out for testing, in (0, 1).

    Returns
    -------
    Dataset
        Named ``"regression"``, float targets, with ``true_weights`` and ``true_bias``.

    Notes
    -----
    .. math::

        x_i \\sim \\mathcal{U}[a, b]^d, \\qquad
        y_i = x_i^\\top w + b_0 + \\varepsilon_i, \\qquad
        \\varepsilon_i \\sim \\mathcal{N}(0, \\sigma^2).

    Examples
    --------
    >>> d = regression(n=200, weights=2.0, bias=1.0, noise=0.5, seed=0)
    >>> d
    Dataset(name='regression', n_train=150, n_test=50, n_features=1)
    >>> d.true_weights, d.true_bias
    (array([2.]), 1.0)
    """
    n = checks.integer("n", n, minimum=2)
    noise = checks.non_negative("noise", noise)
    _check_test_fraction(test_fraction, n)
    w = np.atleast_1d(np.asarray(weights, dtype=float))
    if w.ndim != 1 or w.size == 0 or not np.all(np.isfinite(w)):
        raise ValueError(
            f"weights must be a finite number or a 1-D sequence of them, got {weights!r}"
        )
    checks.number("bias", bias)
    lo, hi = _check_range(x_range)
    rng, split_rng = _streams(seed)
    X = rng.uniform(lo, hi, size=(n, w.size))
    y = X @ w + bias + noise * rng.standard_normal(n)
    return _dataset(
        "regression",
        X,
        y,
        test_fraction,
        split_rng,
        float,
        true_weights=_frozen(w, float),
        true_bias=float(bias),
    )


def _check_range(x_range):
    try:
        lo, hi = (float(v) for v in x_range)
    except (TypeError, ValueError):
        raise ValueError(
            f"x_range must be a pair (low, high) of finite numbers, got {x_range!r}"
        ) from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(
            f"x_range must be a pair (low, high) of finite numbers with low < high, got {x_range!r}"
        )
    return lo, hi


def two_moons(n=300, *, noise=0.1, seed=0, test_fraction=0.25):
    """Two interleaving half circles: a classic non-linear binary problem.

    Parameters
    ----------
    n : int, default 300
        Total number of examples, at least 2; the upper moon (label 0) gets
        ``ceil(n / 2)``, the lower moon (label 1) the rest.
    noise : float, default 0.1
        Standard deviation of the Gaussian noise added to both coordinates, at least 0.
    seed : int, default 0
        Seed of the generator (noise and split).
    test_fraction : float, default 0.25
        Share of the examples held out for testing, in (0, 1).

    Returns
    -------
    Dataset
        Named ``"two_moons"``, two features, integer labels 0 and 1.

    Notes
    -----
    For evenly spaced angles :math:`t \\in [0, \\pi]`,

    .. math::

        \\text{label 0: } (\\cos t,\\ \\sin t), \\qquad
        \\text{label 1: } (1 - \\cos t,\\ \\tfrac12 - \\sin t),

    plus :math:`\\mathcal{N}(0, \\sigma^2)` noise per coordinate (the layout of
    scikit-learn's ``make_moons``).

    Examples
    --------
    >>> d = two_moons(n=300, noise=0.1, seed=0)
    >>> d.X_train.shape, d.n_classes, np.bincount(np.concatenate([d.y_train, d.y_test])).tolist()
    ((225, 2), 2, [150, 150])
    """
    n = checks.integer("n", n, minimum=2)
    noise = checks.non_negative("noise", noise)
    _check_test_fraction(test_fraction, n)
    n_upper = (n + 1) // 2
    n_lower = n - n_upper
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n_lower)
    upper = np.column_stack([np.cos(t_upper), np.sin(t_upper)])
    lower = np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
    X = np.concatenate([upper, lower])
    y = np.concatenate([np.zeros(n_upper, int), np.ones(n_lower, int)])
    rng, split_rng = _streams(seed)
    X = X + noise * rng.standard_normal(X.shape)
    return _dataset("two_moons", X, y, test_fraction, split_rng, int)


def spirals(n=300, *, classes=2, turns=1.0, noise=0.1, seed=0, test_fraction=0.25):
    """Interleaved spiral arms, one per class: hard for a linear model, easy for an MLP.

    Parameters
    ----------
    n : int, default 300
        Total number of examples, at least ``classes``; spread as evenly as possible
        over the arms (the first ``n % classes`` arms get one more point).
    classes : int, default 2
        Number of arms (classes), at least 2.
    turns : float, default 1.0
        How many full turns each arm makes, greater than 0.
    noise : float, default 0.1
        Standard deviation of the Gaussian noise added to both coordinates, at least 0.
    seed : int, default 0
        Seed of the generator (noise and split).
    test_fraction : float, default 0.25
        Share of the examples held out for testing, in (0, 1).

    Returns
    -------
    Dataset
        Named ``"spirals"``, two features, integer labels ``0 .. classes - 1``.

    Notes
    -----
    Arm *k* holds points at evenly spaced radii :math:`r \\in (0, 1]` and angles

    .. math::

        \\phi = 2\\pi\\,\\text{turns}\\; r + \\frac{2\\pi k}{K}, \\qquad
        x = (r\\cos\\phi,\\ r\\sin\\phi) + \\mathcal{N}(0, \\sigma^2 I).

    Examples
    --------
    >>> d = spirals(n=300, classes=3, seed=0)
    >>> d.n_classes, np.bincount(np.concatenate([d.y_train, d.y_test])).tolist()
    (3, [100, 100, 100])
    """
    classes = checks.integer("classes", classes, minimum=2)
    n = checks.integer("n", n, minimum=classes)
    noise = checks.non_negative("noise", noise)
    checks.positive("turns", turns)
    _check_test_fraction(test_fraction, n)
    counts = np.full(classes, n // classes) + (np.arange(classes) < n % classes)
    y = np.repeat(np.arange(classes), counts)
    # radius runs from 1/m to 1 along each arm of m points
    position = np.concatenate([np.arange(1, m + 1) / m for m in counts])
    phi = 2 * np.pi * turns * position + 2 * np.pi * y / classes
    X = position[:, None] * np.column_stack([np.cos(phi), np.sin(phi)])
    rng, split_rng = _streams(seed)
    X = X + noise * rng.standard_normal(X.shape)
    return _dataset("spirals", X, y, test_fraction, split_rng, int)

"""The learning-rate range test: sweep the rate upwards once and read off a good one.

Train a model for a few hundred mini-batches while the learning rate grows
exponentially from tiny to huge, one step of the sweep per mini-batch, and
record the loss.  At first the rate is too small to change anything, then the
loss falls, and past the largest rate the problem tolerates it shoots up.
This is a variant of Smith's (2017) range test, which raises the rate
linearly over several epochs and reads the usable range off the accuracy;
the exponential sweep over mini-batches, the smoothed loss, the stop once it
blows up and the two rules of :func:`suggest_lr` are the conventions of
fastai's ``Learner.lr_find``.  The suggestion used by default is fastai's
"minimum" rule, a tenth of the rate at which the smoothed loss is lowest:
safely below the blow-up and less moved by mini-batch noise than the point
of steepest fall.

>>> from gdcourse import data, models, rangetest
>>> d = data.regression(n=200, weights=[2.0, -1.0], seed=0)
>>> result = rangetest.range_test(models.LinearRegression(2), d, lr_min=1e-4, lr_max=10.0,
...                               steps=100, batch_size=16)
>>> print(f"{result.suggestion:.3g}")
0.221

The training loop is :func:`gdcourse.training.train`, given the rising rates
as its schedule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdcourse import checks, training

__all__ = [
    "RangeTest",
    "exponential_rates",
    "smooth",
    "suggest_lr",
    "range_test",
    "METHODS",
    "SETTLE",
]

#: Ways to turn a range test into one rate (see :func:`suggest_lr`).
METHODS = ("minimum", "steepest")
#: Steps at the start of a sweep that neither count as a blow-up nor as the lowest loss.
SETTLE = 10


@dataclass(frozen=True, eq=False)
class RangeTest:
    """The record of a learning-rate range test.

    Attributes
    ----------
    lrs : numpy.ndarray, shape (k,)
        The rate of each recorded step, rising exponentially.
    losses : numpy.ndarray, shape (k,)
        Mini-batch loss of each step, measured before that step's update.
    smoothed : numpy.ndarray, shape (k,)
        ``losses`` smoothed by :func:`smooth`.
    stopped_at : int
        Number of recorded steps ``k``: the sweep stops once the smoothed loss
        exceeds ``explode`` times its lowest value, or the run diverges.
    exploded : bool
        Whether the sweep stopped early (the loss blew up) before ``steps``.
    suggestion : float
        The suggested learning rate (:func:`suggest_lr`).
    method : str
        How the suggestion was made, one of :data:`METHODS`.
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    stopped_at: int
    exploded: bool
    suggestion: float
    method: str

    def __repr__(self):
        return (
            f"RangeTest(steps={self.stopped_at}, lrs {self.lrs[0]:.3g}..{self.lrs[-1]:.3g}, "
            f"suggestion={self.suggestion:.3g} by {self.method!r})"
        )


def exponential_rates(lr_min, lr_max, steps):
    """Rates rising by the same factor every step, from ``lr_min`` to ``lr_max``.

    Parameters
    ----------
    lr_min, lr_max : float
        First and last rate, positive, ``lr_min < lr_max``.
    steps : int
        Number of rates, at least 2.

    Returns
    -------
    numpy.ndarray, shape (steps,)

    Notes
    -----
    .. math:: \\eta_t = \\eta_{\\min} \\left(\\frac{\\eta_{\\max}}{\\eta_{\\min}}\\right)^{t/(T-1)},
              \\qquad t = 0, \\dots, T-1,

    evenly spaced on a log axis: each step multiplies the rate by
    :math:`(\\eta_{\\max}/\\eta_{\\min})^{1/(T-1)}`.

    Examples
    --------
    >>> print(exponential_rates(1e-3, 1.0, 4))
    [0.001 0.01  0.1   1.   ]
    """
    lr_min = checks.positive("lr_min", lr_min)
    lr_max = checks.positive("lr_max", lr_max)
    if not lr_min < lr_max:
        raise ValueError(
            f"lr_min must be below lr_max, got lr_min={lr_min!r}, lr_max={lr_max!r}"
        )
    steps = checks.integer("steps", steps, minimum=2)
    rates = np.geomspace(lr_min, lr_max, steps)
    rates[0], rates[-1] = lr_min, lr_max
    return rates


def smooth(losses, beta=0.98):
    """Exponential moving average of a loss sequence, with bias correction.

    Parameters
    ----------
    losses : array_like, shape (k,)
        Finite losses, in order.
    beta : float
        Weight of the past, in [0, 1); 0 returns the losses unchanged.

    Returns
    -------
    numpy.ndarray, shape (k,)

    Notes
    -----
    With :math:`a_0 = 0`,

    .. math:: a_t = \\beta a_{t-1} + (1 - \\beta)\\,\\ell_t, \\qquad
              \\bar\\ell_t = \\frac{a_t}{1 - \\beta^{t}}, \\qquad t = 1, 2, \\dots

    The division undoes the pull towards :math:`a_0 = 0`, so a constant
    sequence stays constant.

    Examples
    --------
    >>> print(smooth([1.0, 1.0, 1.0], beta=0.9))
    [1. 1. 1.]
    >>> print(np.round(smooth([1.0, 0.0], beta=0.5), 4))
    [1.     0.3333]
    """
    beta = checks.in_interval("beta", beta, 0, 1)
    x = checks.finite_array("losses", losses, ndim=1)
    if x.size == 0:
        raise ValueError(f"losses must be a non-empty sequence, got {losses!r}")
    average = np.empty_like(x)
    a = 0.0
    for t, loss in enumerate(x):  # a recurrence in time: one pass over the steps
        a = beta * a + (1.0 - beta) * loss
        average[t] = a
    return average / (1.0 - beta ** np.arange(1, x.size + 1))


def suggest_lr(lrs, smoothed, method="minimum", skip_start=10):
    """Turn a range test's curve into one learning rate.

    Parameters
    ----------
    lrs : array_like, shape (k,)
        Rising rates.
    smoothed : array_like, shape (k,)
        The smoothed loss at each rate.
    method : {"minimum", "steepest"}
        ``"minimum"`` (default): a tenth of the rate at the lowest smoothed
        loss.  ``"steepest"``: the rate where the smoothed loss falls fastest per
        factor of rate (the most negative slope against :math:`\\log\\eta`,
        looked for before the lowest loss); it can be closer to the best rate
        on a clean, full-batch curve, but with mini-batches it can move by
        more than an order of magnitude from one seed to the next (a factor
        of about 50 over six seeds on the two-moons network of the
        learning-rates chapter, against about 2.6 for ``"minimum"``).
    skip_start : int
        Ignore this many first points (the smoothed loss still rests on a
        handful of mini-batches there); ignored if the curve is not longer.

    Returns
    -------
    float

    Notes
    -----
    .. math::

        \\eta_{\\text{steepest}} = \\operatorname*{arg\\,min}_{\\eta_t,\\ s \\le t \\le t_{\\min}}
            \\frac{d\\bar\\ell}{d \\log \\eta}\\Big|_{\\eta_t},
        \\qquad
        \\eta_{\\text{minimum}} = \\tfrac{1}{10}\\,\\eta_{t_{\\min}},
        \\qquad t_{\\min} = \\operatorname*{arg\\,min}_{t \\ge s} \\bar\\ell_t ,

    with :math:`s` = ``skip_start``.

    If the loss is lowest too early to measure a slope (fewer than three
    points before it), ``"steepest"`` falls back to ``"minimum"``.

    References
    ----------
    L. N. Smith, "Cyclical learning rates for training neural networks", WACV 2017
    (the range test, with a linear sweep).
    J. Howard and S. Gugger, fastai, ``Learner.lr_find`` (the exponential sweep,
    the smoothing and the suggestion rules used here).

    Examples
    --------
    >>> lrs = np.geomspace(1e-4, 1e2, 61)
    >>> curve = 1.0 - np.tanh(np.log10(lrs) + 1.0)      # falls fastest at 0.1
    >>> print(f"{suggest_lr(lrs, curve, 'steepest'):.3g} {suggest_lr(lrs, curve):.3g}")
    0.1 10
    """
    checks.one_of("method", method, METHODS)
    lrs = np.asarray(lrs, dtype=float)
    loss = np.asarray(smoothed, dtype=float)
    if lrs.ndim != 1 or lrs.shape != loss.shape or lrs.size < 2:
        raise ValueError(
            f"lrs and smoothed must be 1-D of the same length >= 2, got shapes "
            f"{lrs.shape} and {loss.shape}"
        )
    if not (np.all(np.isfinite(lrs)) and np.all(lrs > 0) and np.all(np.diff(lrs) > 0)):
        raise ValueError("lrs must be positive, finite and rising")
    checks.finite_array("smoothed", loss)
    checks.integer("skip_start", skip_start, minimum=0)
    skip = skip_start if skip_start < loss.size else 0
    lowest = skip + int(np.argmin(loss[skip:]))
    if method == "minimum" or lowest - skip < 3:
        return float(lrs[lowest] / 10.0)
    window = slice(skip, lowest + 1)
    slope = np.gradient(loss[window], np.log(lrs[window]))
    return float(lrs[window][int(np.argmin(slope))])


def range_test(
    model,
    data,
    *,
    lr_min=1e-5,
    lr_max=10.0,
    steps=100,
    batch_size=32,
    beta=0.98,
    explode=4.0,
    method="minimum",
    momentum=0.0,
    seed=0,
    theta0=None,
):
    """Run the learning-rate range test on a model and a dataset.

    Parameters
    ----------
    model : gdcourse.models.Model
        E.g. :class:`~gdcourse.models.LinearRegression` or :class:`~gdcourse.models.MLP`.
    data : gdcourse.data.Dataset
        Its training part is used.
    lr_min, lr_max : float
        The sweep's first and last rate.
    steps : int
        Mini-batches in the sweep (at least 2); the rate rises by the factor
        :math:`(\\eta_{\\max}/\\eta_{\\min})^{1/(\\text{steps}-1)}` per mini-batch.
    batch_size : int
        Examples per mini-batch, in ``1..n``.
    beta : float
        Smoothing of the recorded loss (:func:`smooth`).
    explode : float
        Stop once the smoothed loss exceeds ``explode`` times its lowest value
        so far (greater than 1); the first :data:`SETTLE` steps, whose average
        rests on a few mini-batches, are not judged.
    method : {"minimum", "steepest"}
        How to suggest a rate (:func:`suggest_lr`).
    momentum : float
        Momentum of the sweep, in [0, 1) (use the one you will train with).
    seed : int
        Seeds the starting weights and the shuffles: the same seed gives the
        same result.
    theta0 : array_like, optional
        Starting weights instead of ``model.init(seed)``.

    Returns
    -------
    RangeTest

    Notes
    -----
    Step :math:`t` uses the rate of :func:`exponential_rates` and records the
    mini-batch loss before its update, so the loss at :math:`\\eta_t` shows
    the effect of all the smaller rates before it.  Because the rate keeps
    rising, the loss blows up a little after the largest stable rate, not
    exactly at it: read the blow-up as an upper bound.

    References
    ----------
    L. N. Smith, "Cyclical learning rates for training neural networks", WACV 2017
    (the range test, with a linear sweep).
    J. Howard and S. Gugger, fastai, ``Learner.lr_find`` (the exponential sweep,
    the smoothing and the suggestion rules used here).

    Examples
    --------
    >>> from gdcourse import data, models
    >>> d = data.two_moons(n=200, seed=0)
    >>> net = models.MLP([2, 8, 1], task="binary")
    >>> result = range_test(net, d, lr_min=1e-3, lr_max=100.0, steps=80, batch_size=20)
    >>> print(result.stopped_at <= 80, result.lrs[0] == 1e-3)
    True True
    """
    rates = exponential_rates(lr_min, lr_max, steps)
    beta = checks.in_interval("beta", beta, 0, 1)
    checks.in_interval("explode", explode, 1, np.inf, closed="neither")
    checks.one_of("method", method, METHODS)
    n = len(getattr(data, "X_train", ()))
    checks.integer("batch_size", batch_size, minimum=1, maximum=n)
    per_epoch = -(-n // batch_size)
    epochs = -(-steps // per_epoch)
    padded = np.concatenate([rates, np.full(epochs * per_epoch - steps, lr_max)])
    run = training.train(
        model,
        data,
        lr=lambda t: padded[t],
        batch_size=int(batch_size),
        epochs=epochs,
        momentum=momentum,
        seed=seed,
        theta0=theta0,
    )
    losses = np.asarray(run.step_loss[:steps], dtype=float)
    finite = (
        int(np.argmin(np.isfinite(losses)))
        if not np.all(np.isfinite(losses))
        else losses.size
    )
    losses = losses[:finite]
    if losses.size < 2:
        raise ValueError(
            "the loss was not finite within the first two steps: lower lr_min"
        )
    smoothed = smooth(losses, beta)
    settle = SETTLE if losses.size > SETTLE else 0
    lowest_so_far = np.minimum.accumulate(smoothed[settle:])
    blown = np.concatenate(
        [np.zeros(settle, bool), smoothed[settle:] > explode * lowest_so_far]
    )
    stop = int(np.argmax(blown)) + 1 if blown.any() else losses.size
    lrs, losses, smoothed = rates[:stop], losses[:stop], smoothed[:stop]
    return RangeTest(
        lrs=lrs,
        losses=losses,
        smoothed=smoothed,
        stopped_at=stop,
        exploded=stop < steps,
        suggestion=suggest_lr(lrs, smoothed, method, skip_start=SETTLE),
        method=method,
    )

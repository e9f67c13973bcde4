"""Mini-batch stochastic gradient descent on a model and a dataset.

:func:`train` runs the loop the course builds up to: shuffle, cut into
mini-batches, step with a learning rate (a number or a schedule), optionally
with momentum or any optimizer of :mod:`gdcourse.optimizers`, and watch the
validation loss after every epoch for early stopping, reduce-on-plateau and
stochastic weight averaging.

The model is anything with the :class:`gdcourse.models.Model` interface
(``init``, ``loss``, ``loss_and_grad``, ``predict``, ``accuracy``, ``n_params``,
``is_classifier``) -- :class:`~gdcourse.models.LinearRegression`,
:class:`~gdcourse.models.LogisticRegression` and :class:`~gdcourse.models.MLP`
all are. Parameters are one flat vector inside the loop.

Conventions
-----------
- Epochs count from 1; arrays "per epoch" have one entry more than the number
  of epochs run, entry 0 being the starting parameters.
- Steps count from 0; the rate of step ``t`` is ``schedule(t)``.
- The last, smaller batch of an epoch is **kept** (``drop_last=False``, as in
  PyTorch's ``DataLoader``); ``drop_last=True`` drops it.
- The monitored ("validation") loss that early stopping and reduce-on-plateau
  see is the loss on ``validation=(X, y)`` when given, otherwise on the
  dataset's test part (``TrainingResult.val_loss`` records it either way).
"""

import copy
from dataclasses import dataclass, field

import numpy as np

from gdcourse import checks, optimizers, schedules

__all__ = ["EarlyStopping", "SWA", "TrainingResult", "train", "evaluate"]


class EarlyStopping:
    """Stop when the monitored loss has not improved for ``patience`` epochs.

    Show it each epoch's validation loss with :meth:`step`; it returns whether
    to stop and keeps the best epoch. :func:`train` works on a fresh copy, so
    the object passed to it is never changed.

    Parameters
    ----------
    patience : int
        Number of epochs without improvement after which training stops (>= 1).
    min_delta : float, default 0.0
        An epoch improves only if its loss is below the best so far by more
        than ``min_delta`` (>= 0).
    restore_best : bool, default True
        Whether :func:`train` hands back the best parameters seen (in
        ``TrainingResult.params``) rather than the last ones.

    Attributes
    ----------
    best : float
        The lowest loss seen so far (``inf`` before the first).
    best_epoch : int or None
        The epoch (from 1) that gave it; None before the first.
    epoch : int
        Losses seen so far.
    num_bad_epochs : int
        Epochs in a row without improvement.

    Notes
    -----
    After epoch *e* (from 1) with loss :math:`v_e`:
    if :math:`v_e < v_\\text{best} - \\text{min\\_delta}` the epoch becomes the
    best and the counter resets to 0, otherwise the counter grows by 1; training
    stops once the counter reaches ``patience`` (the rule of Keras'
    ``EarlyStopping``). The starting parameters (epoch 0) are not candidates.
    So if the best epoch is *b* and nothing improves afterwards, training stops
    after epoch :math:`b + \\text{patience}`. A ``nan`` loss is no improvement.

    Examples
    --------
    >>> stopper = EarlyStopping(patience=2)
    >>> stopper
    EarlyStopping(patience=2, min_delta=0.0, restore_best=True)
    >>> [stopper.step(loss) for loss in [3.0, 2.0, 2.5, 2.0]]
    [False, False, False, True]
    >>> stopper.best_epoch, stopper.best
    (2, 2.0)
    """

    def __init__(self, patience, min_delta=0.0, restore_best=True):
        self._patience = checks.integer("patience", patience, minimum=1)
        self._min_delta = checks.non_negative("min_delta", min_delta)
        self._restore_best = checks.one_of("restore_best", restore_best, (False, True))
        self.reset()

    @property
    def patience(self):
        """Epochs without improvement tolerated."""
        return self._patience

    @property
    def min_delta(self):
        """Smallest decrease that counts as an improvement."""
        return self._min_delta

    @property
    def restore_best(self):
        """Whether :func:`train` hands back the best parameters."""
        return self._restore_best

    @property
    def best(self):
        """The lowest loss seen so far (``inf`` before the first)."""
        return self._best

    @property
    def best_epoch(self):
        """The epoch (from 1) of the lowest loss; None before the first."""
        return self._best_epoch

    @property
    def epoch(self):
        """Losses seen so far."""
        return self._epoch

    @property
    def num_bad_epochs(self):
        """Epochs in a row without improvement."""
        return self._num_bad_epochs

    def reset(self):
        """Forget every loss seen."""
        self._best, self._best_epoch = np.inf, None
        self._epoch, self._num_bad_epochs = 0, 0

    def step(self, loss):
        """Record the loss after the next epoch; return whether to stop.

        Parameters
        ----------
        loss : float

        Returns
        -------
        bool
        """
        self._epoch += 1
        if loss < self._best - self._min_delta:
            self._best, self._best_epoch, self._num_bad_epochs = loss, self._epoch, 0
        else:
            self._num_bad_epochs += 1
        return self._num_bad_epochs >= self._patience

    @property
    def improved(self):
        """Whether the last loss shown was a new best."""
        return self._epoch > 0 and self._best_epoch == self._epoch

    def __repr__(self):
        return (
            f"EarlyStopping(patience={self._patience!r}, "
            f"min_delta={self._min_delta!r}, restore_best={self._restore_best!r})"
        )


@dataclass(frozen=True)
class SWA:
    """Stochastic weight averaging: average iterates from some point on.

    Parameters
    ----------
    start : int
        First epoch (from 1) -- or first step count, with ``unit="step"`` --
        whose end-of-epoch (end-of-step) parameters enter the average (>= 1).
    every : int, default 1
        Cache every ``every``-th epoch (step) from ``start`` on: the end of each
        cycle when a cyclical schedule with that period is used (>= 1).
    unit : {"epoch", "step"}, default "epoch"
        Whether ``start`` and ``every`` count epochs or optimisation steps.
    lr : float, optional
        If given, the rate from the start of the averaging phase on is this
        constant (the "SWA learning rate"); otherwise the schedule continues.

    Notes
    -----
    The parameters :math:`\\theta_{c_1}, \\dots, \\theta_{c_m}` cached at counts
    :math:`c_j = \\text{start} + (j - 1)\\,\\text{every}` are averaged,

    .. math::

        \\theta_\\text{SWA} = \\frac1m \\sum_{j=1}^m \\theta_{c_j},

    kept as a running mean :math:`\\bar\\theta \\leftarrow \\bar\\theta + (\\theta - \\bar\\theta)/(j)`.

    References
    ----------
    .. [1] P. Izmailov, D. Podoprikhin, T. Garipov, D. Vetrov and A. G. Wilson,
       "Averaging weights leads to wider optima and better generalization", UAI 2018.

    Examples
    --------
    >>> SWA(start=5)
    SWA(start=5, every=1, unit='epoch', lr=None)
    """

    start: int
    every: int = 1
    unit: str = "epoch"
    lr: float | None = None

    def __post_init__(self):
        checks.integer("start", self.start, minimum=1)
        checks.integer("every", self.every, minimum=1)
        checks.one_of("unit", self.unit, ("epoch", "step"))
        if self.lr is not None:
            checks.positive("lr", self.lr)

    def caches(self, count):
        """Whether the parameters at epoch (or step) ``count`` enter the average.

        Parameters
        ----------
        count : int
            Epochs (or steps) completed.

        Returns
        -------
        bool

        Examples
        --------
        >>> [c for c in range(1, 12) if SWA(start=4, every=3).caches(c)]
        [4, 7, 10]
        """
        return count >= self.start and (count - self.start) % self.every == 0

    def averaging(self, epoch, step):
        """Whether step ``step`` (from 0) of epoch ``epoch`` (from 1) is in the averaging phase.

        Examples
        --------
        >>> SWA(start=3).averaging(epoch=3, step=0), SWA(start=3, unit="step").averaging(1, 1)
        (True, False)
        """
        return epoch >= self.start if self.unit == "epoch" else step + 1 >= self.start


@dataclass(frozen=True, eq=False)
class TrainingResult:
    """Everything recorded during one :func:`train` run.

    Attributes
    ----------
    params : ndarray, shape (p,)
        The parameters handed back: the best ones when early stopping restored
        them, otherwise the last iterate.
    last_params : ndarray, shape (p,)
        The last (finite) iterate.
    initial_params : ndarray, shape (p,)
        Where training started.
    step_loss : ndarray, shape (steps,)
        Mini-batch loss of every step, at the parameters *before* that step's update.
    lrs : ndarray, shape (steps,)
        Learning rate used by every step.
    train_loss, test_loss : ndarray, shape (epochs_run + 1,)
        Full training-set and test-set loss at the start (entry 0) and after every epoch.
    train_accuracy, test_accuracy : ndarray or None
        Same, for classifiers; None for regression models.
    val_loss : ndarray, shape (epochs_run + 1,)
        The monitored loss, the one early stopping and reduce-on-plateau see:
        on ``validation`` when it was given, otherwise on the test part (then
        equal to ``test_loss``).
    val_accuracy : ndarray or None
        Same, for classifiers.
    stopped_epoch : int
        Epochs completed (equals ``epochs`` unless early stopping or divergence ended the run).
    early_stopped : bool
        Whether early stopping ended the run.
    best_epoch : int or None
        Epoch with the lowest monitored loss (``val_loss``), when early stopping is on.
    best_params : ndarray or None
        Parameters after ``best_epoch``, when early stopping is on.
    diverged : bool
        Whether the run produced a non-finite loss, gradient or parameter.
    diverged_step : int or None
        The step at which that happened.
    swa_params : ndarray or None
        Average of the cached iterates (None without SWA or before its start).
    swa_counts : ndarray of int or None
        Epochs (or steps, for ``unit="step"``) whose parameters were averaged.
    swa_train_loss, swa_test_loss : float or None
        Losses of ``swa_params``.
    swa_train_accuracy, swa_test_accuracy : float or None
        Accuracies of ``swa_params`` (classifiers).
    path : ndarray or None
        With ``record_path=True``: parameters at the start and after every step,
        shape ``(steps + 1, p)``.
    batch_size : int
        Batch size used.
    steps_per_epoch : int
        Number of mini-batches per epoch.

    Examples
    --------
    Printed, a result is a one-line summary: epochs and steps run, the batch
    size, and the final test loss or the step the run diverged at.  The
    arrays are its attributes.

    >>> from gdcourse import data as gdata, models
    >>> d = gdata.regression(n=200, weights=2.0, bias=1.0, noise=0.5, seed=0)
    >>> train(models.LinearRegression(1), d, lr=0.1, batch_size=16, epochs=20)
    TrainingResult(epochs=20, steps=200, batch_size=16, final test loss 0.1627)
    >>> train(models.LinearRegression(1), d, lr=50.0, batch_size=16, epochs=20)
    TrainingResult(epochs=8, steps=85, batch_size=16, diverged at step 84)
    """

    params: np.ndarray
    last_params: np.ndarray
    initial_params: np.ndarray
    step_loss: np.ndarray
    lrs: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_accuracy: np.ndarray | None
    test_accuracy: np.ndarray | None
    stopped_epoch: int
    early_stopped: bool
    best_epoch: int | None
    best_params: np.ndarray | None
    diverged: bool
    diverged_step: int | None
    swa_params: np.ndarray | None
    swa_counts: np.ndarray | None
    swa_train_loss: float | None
    swa_test_loss: float | None
    swa_train_accuracy: float | None
    swa_test_accuracy: float | None
    path: np.ndarray | None
    batch_size: int
    steps_per_epoch: int
    val_loss: np.ndarray | None = None
    val_accuracy: np.ndarray | None = None

    @property
    def steps(self):
        """Number of optimisation steps taken."""
        return len(self.step_loss)

    def __repr__(self):
        status = (
            f"diverged at step {self.diverged_step}"
            if self.diverged
            else (f"final test loss {self.test_loss[-1]:.4g}")
        )
        return (
            f"TrainingResult(epochs={self.stopped_epoch}, steps={self.steps}, "
            f"batch_size={self.batch_size}, {status})"
        )


def evaluate(model, theta, data):
    """Training and test loss (and accuracy, for classifiers) of one parameter vector.

    Parameters
    ----------
    model : Model
    theta : array_like, shape (model.n_params,)
    data : Dataset

    Returns
    -------
    dict
        Keys ``"train_loss"``, ``"test_loss"`` and, for classifiers,
        ``"train_accuracy"``, ``"test_accuracy"``; values are floats.

    Examples
    --------
    >>> from gdcourse import data as gdata, models
    >>> d = gdata.regression(n=100, weights=2.0, bias=1.0, noise=0.0, seed=0)
    >>> m = evaluate(models.LinearRegression(1), [2.0, 1.0], d)
    >>> print(f"{m['train_loss']:.3g} {m['test_loss']:.3g}")
    0 0
    """
    metrics = {
        "train_loss": float(model.loss(theta, data.X_train, data.y_train)),
        "test_loss": float(model.loss(theta, data.X_test, data.y_test)),
    }
    if model.is_classifier:
        metrics["train_accuracy"] = float(
            model.accuracy(theta, data.X_train, data.y_train)
        )
        metrics["test_accuracy"] = float(
            model.accuracy(theta, data.X_test, data.y_test)
        )
    return metrics


def _check_args(
    model, data, batch_size, epochs, early_stopping, reduce_on_plateau, swa, lr
):
    """Check train()'s arguments; return the batch size as an int."""
    for name in (
        "n_params",
        "is_classifier",
        "init",
        "loss",
        "loss_and_grad",
        "accuracy",
    ):
        if not hasattr(model, name):
            raise ValueError(
                f"model must follow the gdcourse.models.Model interface; it has no {name!r}"
            )
    for name in ("X_train", "y_train", "X_test", "y_test"):
        if not hasattr(data, name):
            raise ValueError(
                "data must be a gdcourse.data.Dataset (or have X_train, y_train, "
                f"X_test, y_test); it has no {name!r}"
            )
    n = len(data.X_train)
    batch_size = n if batch_size is None else batch_size
    batch_size = checks.integer("batch_size", batch_size, minimum=1, maximum=n)
    checks.integer("epochs", epochs, minimum=1)
    if early_stopping is not None and not isinstance(early_stopping, EarlyStopping):
        raise ValueError(
            f"early_stopping must be None or an EarlyStopping, got {early_stopping!r}"
        )
    if swa is not None and not isinstance(swa, SWA):
        raise ValueError(f"swa must be None or an SWA, got {swa!r}")
    if reduce_on_plateau is not None:
        if not (
            hasattr(reduce_on_plateau, "step") and hasattr(reduce_on_plateau, "lr")
        ):
            raise ValueError(
                "reduce_on_plateau must be None or a gdcourse.schedules.ReduceOnPlateau, "
                f"got {reduce_on_plateau!r}"
            )
        if lr is not None:
            raise ValueError(
                "lr must be None when reduce_on_plateau is given (its lr0 is the starting rate)"
            )
    elif lr is None:
        raise ValueError(
            "lr must be given (a positive number or a schedule) unless reduce_on_plateau is"
        )
    return batch_size


def _check_validation(validation):
    """``validation`` as a pair of arrays ``(X, y)``, or None."""
    if validation is None:
        return None
    try:
        X, y = validation
    except (TypeError, ValueError):
        raise ValueError(
            f"validation must be None or a pair (X, y), got {validation!r}"
        ) from None
    X = checks.finite_array("validation X", X)
    y = checks.finite_array("validation y", y, shape=(len(X),) if X.ndim else None)
    return X, y


def _start(model, theta0, seed):
    """The starting parameters: ``theta0`` (copied) or ``model.init(seed)``."""
    if theta0 is None:
        return np.asarray(model.init(seed), dtype=float)
    return np.array(
        checks.finite_array("theta0", theta0, shape=(model.n_params,)), dtype=float
    )


def _rates(schedule, total_steps):
    """The rate of every step 0 .. total_steps - 1, checked.

    A :class:`gdcourse.schedules.Schedule` is evaluated on all steps in one call;
    any other callable is called once per step with an ``int``.
    """
    if isinstance(schedule, schedules.Schedule):
        lrs = np.asarray(schedule(np.arange(total_steps)), dtype=float)
    else:
        lrs = np.array([float(schedule(t)) for t in range(total_steps)])
    bad = np.flatnonzero(~(np.isfinite(lrs) & (lrs >= 0)))
    if bad.size:
        t = int(bad[0])
        raise ValueError(
            f"lr must be a finite number >= 0 at every step; the schedule gave {lrs[t]!r} at step {t}"
        )
    return lrs


@dataclass
class _Run:
    """What one :func:`train` run carries from step to step."""

    theta: np.ndarray
    initial: np.ndarray
    path: list | None
    batch_size: int
    steps_per_epoch: int
    step_loss: list = field(default_factory=list)
    lrs: list = field(default_factory=list)
    t: int = 0
    diverged_step: int | None = None
    swa_mean: np.ndarray | None = None
    swa_counts: list = field(default_factory=list)
    best_params: np.ndarray | None = None

    def cache_for_swa(self, count):
        """Add the current parameters to the running SWA mean."""
        self.swa_counts.append(count)
        if self.swa_mean is None:
            self.swa_mean = self.theta.copy()
        else:
            self.swa_mean = self.swa_mean + (self.theta - self.swa_mean) / len(
                self.swa_counts
            )


def _step_rate(run, epoch, planned, plateau, swa):
    """The rate of the next step: SWA's own rate, the planned schedule, or the plateau's."""
    if swa is not None and swa.lr is not None and swa.averaging(epoch, run.t):
        return swa.lr
    return planned[run.t] if planned is not None else plateau.lr


def _loss_and_grad_rows(model, theta, X, y):
    """Loss and gradient of every row of ``theta`` on its own batch ``X[s], y[s]``.

    A model that takes stacks (``model.stacked``) computes all rows in one call,
    each as on its own; any other model is called once per row.
    """
    if getattr(model, "stacked", False):
        return model.loss_and_grad(theta, X, y)
    pairs = [model.loss_and_grad(*row) for row in zip(theta, X, y)]
    return np.array([loss for loss, _ in pairs]), np.array([g for _, g in pairs])


def _update_rows(opt, grads, state, theta, rates):
    """``opt.update`` on every row; one row is handed over as a plain vector."""
    rate = rates[0] if np.all(rates == rates[0]) else rates[:, None]
    if len(theta) == 1:
        new, state = opt.update(grads[0], state, theta[0], rate)
        return new[None], state
    return opt.update(grads, state, theta, rate)


def _step_rows(runs, running, model, opt, state, theta, X, y, rates, clip_norm):
    """One mini-batch update of every row; rows that meet a non-finite number stop.

    Returns the new stack, the optimizer state and the rows still running.
    """
    loss, g = _loss_and_grad_rows(model, theta, X, y)
    finite = np.isfinite(loss) & np.all(np.isfinite(g), axis=-1)
    if clip_norm is not None:
        g = optimizers.clip_by_norm(g, clip_norm)
    new_theta, state = _update_rows(opt, g, state, theta, rates)
    finite &= np.all(np.isfinite(new_theta), axis=-1)
    for s in running:
        run = runs[s]
        run.step_loss.append(float(loss[s]))
        run.lrs.append(rates[s])
        if not finite[s]:
            run.diverged_step = run.t
            continue
        run.theta, run.t = new_theta[s], run.t + 1
        if run.path is not None:
            run.path.append(new_theta[s].copy())
    return new_theta, state, [s for s in running if finite[s]]


def _after_epoch(run, epoch, metrics, history, swa, plateau, stopper):
    """Record an epoch's metrics, feed the monitored loss on; True when early stopping says stop."""
    for key, value in metrics.items():
        history[key].append(value)
    if swa is not None and swa.unit == "epoch" and swa.caches(epoch):
        run.cache_for_swa(epoch)
    if plateau is not None:
        plateau.step(metrics["val_loss"])
    if stopper is None:
        return False
    stop = stopper.step(metrics["val_loss"])
    if stopper.improved:
        run.best_params = run.theta.copy()
    return stop


def _metrics(model, theta, data, validation):
    """evaluate() plus the monitored loss (and accuracy): ``val_loss``, ``val_accuracy``."""
    metrics = evaluate(model, theta, data)
    if validation is None:
        metrics["val_loss"] = metrics["test_loss"]
        if model.is_classifier:
            metrics["val_accuracy"] = metrics["test_accuracy"]
    else:
        metrics["val_loss"] = float(model.loss(theta, *validation))
        if model.is_classifier:
            metrics["val_accuracy"] = float(model.accuracy(theta, *validation))
    return metrics


def _metrics_rows(model, theta, data, validation):
    """:func:`_metrics` of every row of ``theta``, a list of dicts (one call for a stacked model)."""
    if not getattr(model, "stacked", False):
        return [_metrics(model, row, data, validation) for row in theta]
    test = (data.X_test, data.y_test)
    parts = {"train": (data.X_train, data.y_train), "test": test}
    parts["val"] = test if validation is None else validation  # what is monitored
    values = {}
    for part, (X, y) in parts.items():
        if model.is_classifier:
            loss, accuracy = model.loss_and_accuracy(theta, X, y)
            values[f"{part}_loss"], values[f"{part}_accuracy"] = loss, accuracy
        else:
            values[f"{part}_loss"] = model.loss(theta, X, y)
    return [{key: float(v[s]) for key, v in values.items()} for s in range(len(theta))]


def _check_seeds(seed):
    """``seed`` as a list of ints >= 0, and whether a single int was given."""
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return [checks.integer("seed", seed, minimum=0)], True
    allowed = "an int >= 0 or a non-empty sequence of them"
    try:
        seeds = [checks.integer("seed", s, minimum=0) for s in seed]
    except (TypeError, ValueError):
        raise ValueError(f"seed must be {allowed}, got {seed!r}") from None
    if not seeds:
        raise ValueError(f"seed must be {allowed}, got {seed!r}")
    return seeds, False


def train(
    model,
    data,
    *,
    lr=None,
    batch_size=None,
    epochs=10,
    momentum=0.0,
    nesterov=False,
    seed=0,
    shuffle=True,
    drop_last=False,
    theta0=None,
    early_stopping=None,
    reduce_on_plateau=None,
    swa=None,
    record_path=False,
    validation=None,
    optimizer=None,
    clip_norm=None,
):
    """Train a model by mini-batch stochastic gradient descent (or any optimizer).

    Parameters
    ----------
    model : Model
        E.g. :class:`~gdcourse.models.LinearRegression`, :class:`~gdcourse.models.MLP`.
    data : Dataset
        Training data and a test part (both evaluated after every epoch).
    lr : float or callable, or a list of them
        Learning rate: a positive number or a schedule ``t -> lr`` of the 0-based
        step (see :mod:`gdcourse.schedules`). Must be omitted when
        ``reduce_on_plateau`` is given. A list trains one run per rate (and
        per seed, when ``seed`` is a sequence too), all in step.
    batch_size : int, optional
        Examples per step, in ``1..n`` (*n* training examples); default *n*
        (full-batch gradient descent).
    epochs : int, default 10
        Maximum number of passes over the training data (>= 1).
    momentum : float, default 0.0
        Heavy-ball momentum in [0, 1), with PyTorch's convention (Notes); a
        shorthand for ``optimizer=optimizers.sgd(momentum=...)``.
    nesterov : bool, default False
        Nesterov momentum (needs ``momentum > 0``).
    seed : int or sequence of int, default 0
        Seeds the starting parameters (``model.init(seed)``) and the per-epoch
        shuffles (``np.random.default_rng(seed)``). A sequence trains one run per
        seed, all in step (one model call per step for a model with ``stacked``
        set, such as the MLP), each exactly the run its seed gives alone.
    shuffle : bool, default True
        Reshuffle the training examples every epoch; if False, batches follow the stored order.
    drop_last : bool, default False
        Drop the last, smaller batch of each epoch instead of keeping it.
    theta0 : array_like, optional
        Starting parameters (overrides ``model.init(seed)``; not changed).
    early_stopping : EarlyStopping, optional
        Stop when the monitored loss stalls (and optionally restore the best
        parameters). A fresh copy is used; the object passed is not changed.
    reduce_on_plateau : gdcourse.schedules.ReduceOnPlateau, optional
        Rate controller fed the monitored loss after every epoch; the rate it
        returns is used for the next epoch. It is copied, never changed.
    swa : SWA, optional
        Stochastic weight averaging.
    record_path : bool, default False
        Keep the parameters after every step in ``TrainingResult.path``.
    validation : pair of arrays (X, y), optional
        The split to monitor: early stopping, reduce-on-plateau and
        ``TrainingResult.val_loss`` use the loss on it. Without it the
        **test part** of ``data`` is monitored (``val_loss`` is then
        ``test_loss``), as in earlier versions; give a split held out from
        both training and test data to keep the test loss an unbiased estimate.
    optimizer : gdcourse.optimizers.Optimizer, optional
        The update rule, e.g. ``optimizers.adam()``; default
        ``optimizers.sgd(momentum, nesterov)``. Giving it with a non-default
        ``momentum`` or ``nesterov`` is an error.
    clip_norm : float, optional
        Rescale each mini-batch gradient to norm at most ``clip_norm`` before
        the update (:func:`gdcourse.optimizers.clip_by_norm`).

    Returns
    -------
    TrainingResult or list of TrainingResult
        One result; one per seed when ``seed`` is a sequence, one per rate when
        ``lr`` is a list, and ``results[i][j]`` for rate *i* and seed *j* when both are.

    Raises
    ------
    ValueError
        For bad arguments, e.g. a batch size outside ``1..n``. A diverging run
        is not an error: it stops and sets ``diverged``, without warnings.

    Notes
    -----
    Every epoch draws a permutation of the *n* training examples and walks
    through it in batches :math:`B_k` of ``batch_size`` (the last one may be
    smaller, unless dropped), so each example is used exactly once per epoch.
    Step *t* with rate :math:`\\eta_t` and mini-batch gradient
    :math:`g_t = \\nabla L_{B_k}(\\theta_t)` updates, as ``torch.optim.SGD``,

    .. math::

        v_{t+1} = \\mu v_t + g_t \\ (v_0 = 0), \\qquad
        \\theta_{t+1} = \\theta_t - \\eta_t v_{t+1}
        \\quad\\text{or (Nesterov)}\\quad
        \\theta_{t+1} = \\theta_t - \\eta_t (g_t + \\mu v_{t+1}).

    With :math:`\\mu = 0` this is plain SGD, :math:`\\theta_{t+1} = \\theta_t - \\eta_t g_t`.
    Another ``optimizer`` replaces this update by its own, with the same
    :math:`g_t` (clipped first, with ``clip_norm``) and :math:`\\eta_t`.

    Examples
    --------
    >>> from gdcourse import data as gdata, models
    >>> d = gdata.regression(n=200, weights=2.0, bias=1.0, noise=0.5, seed=0)
    >>> result = train(models.LinearRegression(1), d, lr=0.1, batch_size=16, epochs=20)
    >>> result
    TrainingResult(epochs=20, steps=200, batch_size=16, final test loss 0.1627)
    >>> print(np.round(result.params, 1))
    [2. 1.]

    Several seeds at once, each the run it gives alone:

    >>> net = models.MLP([1, 8, 1], activation="tanh")
    >>> runs = train(net, d, lr=0.1, batch_size=16, epochs=5, seed=[0, 1, 2])
    >>> [bool(np.array_equal(r.params, train(net, d, lr=0.1, batch_size=16, epochs=5,
    ...  seed=s).params)) for s, r in zip([0, 1, 2], runs)]
    [True, True, True]
    """
    batch_size = _check_args(
        model, data, batch_size, epochs, early_stopping, reduce_on_plateau, swa, lr
    )
    seeds, one_seed = _check_seeds(seed)
    rates, one_rate = (lr, False) if isinstance(lr, (list, tuple)) else ([lr], True)
    if not rates:
        raise ValueError("lr must be a number, a schedule or a non-empty list of them")
    opt = optimizers.resolve(optimizer, momentum, nesterov)
    clip_norm = None if clip_norm is None else checks.positive("clip_norm", clip_norm)
    validation = _check_validation(validation)
    X, y = np.asarray(data.X_train), np.asarray(data.y_train)
    n = len(X)
    steps_per_epoch = n // batch_size if drop_last else -(-n // batch_size)
    planned = [
        None
        if reduce_on_plateau is not None
        else _rates(schedules.as_schedule(rate), epochs * steps_per_epoch)
        for rate in rates
    ]
    # one row per (rate, seed), the rate varying slowest
    n_seeds = len(seeds)
    planned = [p for p in planned for _ in range(n_seeds)]
    seeds = seeds * len(rates)
    theta = np.stack([_start(model, theta0, s) for s in seeds])
    plateaus = [copy.deepcopy(reduce_on_plateau) for _ in seeds]
    stoppers = [copy.deepcopy(early_stopping) for _ in seeds]
    for stopper in stoppers:
        if stopper is not None:
            stopper.reset()
    rngs = [np.random.default_rng(s) for s in seeds]
    runs = [
        _Run(
            theta=row,
            initial=row.copy(),
            path=[row.copy()] if record_path else None,
            batch_size=batch_size,
            steps_per_epoch=steps_per_epoch,
        )
        for row in theta
    ]
    state = opt.init(theta[0] if len(seeds) == 1 else theta)
    running, completed = list(range(len(seeds))), [epochs] * len(seeds)
    early_stopped = [False] * len(seeds)
    with np.errstate(all="ignore"):
        metrics = _metrics_rows(model, theta, data, validation)
        histories = [{key: [value] for key, value in m.items()} for m in metrics]
        for epoch in range(1, epochs + 1):
            orders = np.stack(
                [rng.permutation(n) if shuffle else np.arange(n) for rng in rngs]
            )
            for k in range(steps_per_epoch):
                batch = orders[:, k * batch_size : (k + 1) * batch_size]
                rates = np.array(
                    [
                        _step_rate(run, epoch, plan, plateau, swa)
                        for run, plan, plateau in zip(runs, planned, plateaus)
                    ]
                )
                before = running
                theta, state, running = _step_rows(
                    runs,
                    running,
                    model,
                    opt,
                    state,
                    theta,
                    X[batch],
                    y[batch],
                    rates,
                    clip_norm,
                )
                for s in set(before) - set(running):
                    completed[s] = epoch - 1  # a diverged epoch is not one
                if swa is not None and swa.unit == "step":
                    for s in running:
                        if swa.caches(runs[s].t):
                            runs[s].cache_for_swa(runs[s].t)
                if not running:
                    break
            metrics = _metrics_rows(model, theta, data, validation)
            for s in list(running):
                if not all(np.isfinite(v) for v in metrics[s].values()):
                    runs[s].diverged_step, completed[s] = runs[s].t, epoch - 1
                    running.remove(s)
                elif _after_epoch(
                    runs[s],
                    epoch,
                    metrics[s],
                    histories[s],
                    swa,
                    plateaus[s],
                    stoppers[s],
                ):
                    early_stopped[s], completed[s] = True, epoch
                    running.remove(s)
            if not running:
                break
    results = []
    for s, run in enumerate(runs):
        run.theta = run.theta.copy()
        with np.errstate(all="ignore"):
            swa_metrics = (
                {} if run.swa_mean is None else evaluate(model, run.swa_mean, data)
            )
        results.append(
            _result(
                run,
                histories[s],
                swa_metrics,
                completed[s],
                early_stopped[s],
                stoppers[s],
                swa,
            )
        )
    per_rate = [results[i : i + n_seeds] for i in range(0, len(results), n_seeds)]
    if one_seed:
        per_rate = [runs[0] for runs in per_rate]
    return per_rate[0] if one_rate else per_rate


def _result(run, history, swa_metrics, epochs_completed, early_stopped, stopper, swa):
    """The :class:`TrainingResult` of a finished run."""

    def as_array(key):
        return np.array(history[key]) if key in history else None

    restore = (
        stopper is not None and stopper.restore_best and run.best_params is not None
    )
    return TrainingResult(
        params=run.best_params if restore else run.theta,
        last_params=run.theta,
        initial_params=run.initial,
        step_loss=np.array(run.step_loss),
        lrs=np.array(run.lrs),
        train_loss=as_array("train_loss"),
        test_loss=as_array("test_loss"),
        train_accuracy=as_array("train_accuracy"),
        test_accuracy=as_array("test_accuracy"),
        stopped_epoch=epochs_completed,
        early_stopped=early_stopped,
        best_epoch=None if stopper is None else stopper.best_epoch,
        best_params=run.best_params,
        diverged=run.diverged_step is not None,
        diverged_step=run.diverged_step,
        swa_params=run.swa_mean,
        swa_counts=np.array(run.swa_counts, dtype=int) if swa is not None else None,
        swa_train_loss=swa_metrics.get("train_loss"),
        swa_test_loss=swa_metrics.get("test_loss"),
        swa_train_accuracy=swa_metrics.get("train_accuracy"),
        swa_test_accuracy=swa_metrics.get("test_accuracy"),
        path=np.array(run.path) if run.path is not None else None,
        batch_size=run.batch_size,
        steps_per_epoch=run.steps_per_epoch,
        val_loss=as_array("val_loss"),
        val_accuracy=as_array("val_accuracy"),
    )

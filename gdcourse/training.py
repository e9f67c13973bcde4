"""Mini-batch stochastic gradient descent on a model and a dataset.

:func:`train` runs the loop the course builds up to: shuffle, cut into
mini-batches, step with a learning rate (a number or a schedule), optionally
with momentum, and watch the validation loss after every epoch for early
stopping, reduce-on-plateau and stochastic weight averaging.

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
- The validation set is the dataset's test part.
"""

import copy
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from . import schedules

__all__ = ["EarlyStopping", "SWA", "TrainingResult", "train", "evaluate"]


@dataclass(frozen=True)
class EarlyStopping:
    """Stop when the validation loss has not improved for ``patience`` epochs.

    Parameters
    ----------
    patience : int
        Number of epochs without improvement after which training stops (>= 1).
    min_delta : float, default 0.0
        An epoch improves only if its validation loss is below the best so far
        by more than ``min_delta`` (>= 0).
    restore_best : bool, default True
        Whether :func:`train` hands back the best parameters seen (in
        ``TrainingResult.params``) rather than the last ones.

    Notes
    -----
    After epoch *e* (from 1) with validation loss :math:`v_e`:
    if :math:`v_e < v_\\text{best} - \\text{min\\_delta}` the epoch becomes the
    best and the counter resets to 0, otherwise the counter grows by 1; training
    stops once the counter reaches ``patience`` (the rule of Keras'
    ``EarlyStopping``). The starting parameters (epoch 0) are not candidates.
    So if the best epoch is *b* and nothing improves afterwards, training stops
    after epoch :math:`b + \\text{patience}`.

    Examples
    --------
    >>> EarlyStopping(patience=3)
    EarlyStopping(patience=3, min_delta=0.0, restore_best=True)
    """

    patience: int
    min_delta: float = 0.0
    restore_best: bool = True

    def __post_init__(self):
        if (
            isinstance(self.patience, bool)
            or not isinstance(self.patience, Integral)
            or self.patience < 1
        ):
            raise ValueError(f"patience must be an integer >= 1, got {self.patience!r}")
        if not isinstance(self.min_delta, Real) or not (
            np.isfinite(self.min_delta) and self.min_delta >= 0
        ):
            raise ValueError(
                f"min_delta must be a finite number >= 0, got {self.min_delta!r}"
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
        for name in ("start", "every"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
        if self.unit not in ("epoch", "step"):
            raise ValueError(f"unit must be 'epoch' or 'step', got {self.unit!r}")
        if self.lr is not None and (
            isinstance(self.lr, bool)
            or not isinstance(self.lr, Real)
            or not (np.isfinite(self.lr) and self.lr > 0)
        ):
            raise ValueError(
                f"lr must be None or a positive finite number, got {self.lr!r}"
            )

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
    stopped_epoch : int
        Epochs completed (equals ``epochs`` unless early stopping or divergence ended the run).
    early_stopped : bool
        Whether early stopping ended the run.
    best_epoch : int or None
        Epoch with the lowest validation loss, when early stopping is on.
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
    model,
    data,
    batch_size,
    epochs,
    momentum,
    nesterov,
    early_stopping,
    reduce_on_plateau,
    swa,
    lr,
):
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
                f"data must be a gdcourse.data.Dataset (or have X_train, y_train, X_test, y_test); it has no {name!r}"
            )
    n = len(data.X_train)
    if batch_size is None:
        batch_size = n
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, Integral)
        or not 1 <= batch_size <= n
    ):
        raise ValueError(
            f"batch_size must be an integer in 1..{n} (the number of training examples), got {batch_size!r}"
        )
    if isinstance(epochs, bool) or not isinstance(epochs, Integral) or epochs < 1:
        raise ValueError(f"epochs must be an integer >= 1, got {epochs!r}")
    if (
        isinstance(momentum, bool)
        or not isinstance(momentum, Real)
        or not 0 <= momentum < 1
    ):
        raise ValueError(f"momentum must be a number in [0, 1), got {momentum!r}")
    if nesterov and momentum == 0:
        raise ValueError("nesterov=True needs momentum > 0, got momentum=0")
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
                f"reduce_on_plateau must be None or a gdcourse.schedules.ReduceOnPlateau, got {reduce_on_plateau!r}"
            )
        if lr is not None:
            raise ValueError(
                "lr must be None when reduce_on_plateau is given (its lr0 is the starting rate)"
            )
    elif lr is None:
        raise ValueError(
            "lr must be given (a positive number or a schedule) unless reduce_on_plateau is"
        )
    return int(batch_size)


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
):
    """Train a model by mini-batch stochastic gradient descent.

    Parameters
    ----------
    model : Model
        E.g. :class:`~gdcourse.models.LinearRegression`, :class:`~gdcourse.models.MLP`.
    data : Dataset
        Training data, and the test part used as the validation set.
    lr : float or callable
        Learning rate: a positive number or a schedule ``t -> lr`` of the 0-based
        step (see :mod:`gdcourse.schedules`). Must be omitted when
        ``reduce_on_plateau`` is given.
    batch_size : int, optional
        Examples per step, in ``1..n`` (*n* training examples); default *n*
        (full-batch gradient descent).
    epochs : int, default 10
        Maximum number of passes over the training data (>= 1).
    momentum : float, default 0.0
        Heavy-ball momentum in [0, 1), with PyTorch's convention (Notes).
    nesterov : bool, default False
        Nesterov momentum (needs ``momentum > 0``).
    seed : int, default 0
        Seeds the starting parameters (``model.init(seed)``) and the per-epoch
        shuffles (``np.random.default_rng(seed)``).
    shuffle : bool, default True
        Reshuffle the training examples every epoch; if False, batches follow the stored order.
    drop_last : bool, default False
        Drop the last, smaller batch of each epoch instead of keeping it.
    theta0 : array_like, optional
        Starting parameters (overrides ``model.init(seed)``; not changed).
    early_stopping : EarlyStopping, optional
        Stop when the validation loss stalls (and optionally restore the best parameters).
    reduce_on_plateau : gdcourse.schedules.ReduceOnPlateau, optional
        Rate controller fed the validation loss after every epoch; the rate it
        returns is used for the next epoch. It is copied, never changed.
    swa : SWA, optional
        Stochastic weight averaging.
    record_path : bool, default False
        Keep the parameters after every step in ``TrainingResult.path``.

    Returns
    -------
    TrainingResult

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

    Examples
    --------
    >>> from gdcourse import data as gdata, models
    >>> d = gdata.regression(n=200, weights=2.0, bias=1.0, noise=0.5, seed=0)
    >>> result = train(models.LinearRegression(1), d, lr=0.1, batch_size=16, epochs=20)
    >>> result
    TrainingResult(epochs=20, steps=200, batch_size=16, final test loss 0.1627)
    >>> print(np.round(result.params, 1))
    [2. 1.]
    """
    batch_size = _check_args(
        model,
        data,
        batch_size,
        epochs,
        momentum,
        nesterov,
        early_stopping,
        reduce_on_plateau,
        swa,
        lr,
    )
    X, y = np.asarray(data.X_train), np.asarray(data.y_train)
    n = len(X)
    if theta0 is None:
        theta = np.asarray(model.init(seed), dtype=float)
    else:
        theta = np.array(theta0, dtype=float)
        if theta.shape != (model.n_params,) or not np.all(np.isfinite(theta)):
            raise ValueError(
                f"theta0 must be a finite vector of shape ({model.n_params},), got {theta0!r}"
            )
    steps_per_epoch = n // batch_size if drop_last else -(-n // batch_size)
    planned = (
        None
        if reduce_on_plateau is not None
        else _rates(schedules.as_schedule(lr), epochs * steps_per_epoch)
    )
    plateau = copy.deepcopy(reduce_on_plateau)
    rng = np.random.default_rng(seed)

    initial = theta.copy()
    velocity = np.zeros_like(theta)
    step_loss, lrs, path = [], [], [theta.copy()] if record_path else None
    with np.errstate(all="ignore"):
        history = {key: [value] for key, value in evaluate(model, theta, data).items()}
    best = {"loss": np.inf, "epoch": None, "params": None, "wait": 0}
    swa_mean, swa_counts = None, []
    diverged_step, early_stopped, epoch, t = None, False, 0, 0

    def cache_for_swa(count):
        nonlocal swa_mean
        swa_counts.append(count)
        swa_mean = (
            theta.copy()
            if swa_mean is None
            else swa_mean + (theta - swa_mean) / len(swa_counts)
        )

    with np.errstate(all="ignore"):
        for epoch in range(1, epochs + 1):
            order = rng.permutation(n) if shuffle else np.arange(n)
            epoch_lr = plateau.lr if plateau is not None else None
            for k in range(steps_per_epoch):
                batch = order[k * batch_size : (k + 1) * batch_size]
                in_swa_phase = (
                    swa is not None
                    and swa.lr is not None
                    and (
                        epoch >= swa.start
                        if swa.unit == "epoch"
                        else t + 1 >= swa.start
                    )
                )
                if in_swa_phase:
                    rate = swa.lr
                elif planned is not None:
                    rate = planned[t]
                else:
                    rate = epoch_lr
                loss, g = model.loss_and_grad(theta, X[batch], y[batch])
                if not (np.isfinite(loss) and np.all(np.isfinite(g))):
                    diverged_step = t
                    step_loss.append(float(loss))
                    lrs.append(rate)
                    break
                velocity = momentum * velocity + g
                update = g + momentum * velocity if nesterov else velocity
                new_theta = theta - rate * update
                step_loss.append(float(loss))
                lrs.append(rate)
                if not np.all(np.isfinite(new_theta)):
                    diverged_step = t
                    break
                theta = new_theta
                t += 1
                if record_path:
                    path.append(theta.copy())
                if swa is not None and swa.unit == "step" and swa.caches(t):
                    cache_for_swa(t)
            if diverged_step is not None:
                epoch -= 1
                break
            metrics = evaluate(model, theta, data)
            if not all(np.isfinite(v) for v in metrics.values()):
                diverged_step = t
                epoch -= 1
                break
            for key, value in metrics.items():
                history[key].append(value)
            if swa is not None and swa.unit == "epoch" and swa.caches(epoch):
                cache_for_swa(epoch)
            val = metrics["test_loss"]
            if plateau is not None:
                plateau.step(val)
            if early_stopping is not None:
                if val < best["loss"] - early_stopping.min_delta:
                    best.update(loss=val, epoch=epoch, params=theta.copy(), wait=0)
                else:
                    best["wait"] += 1
                if best["wait"] >= early_stopping.patience:
                    early_stopped = True
                    break

    restore = (
        early_stopping is not None
        and early_stopping.restore_best
        and best["params"] is not None
    )
    with np.errstate(all="ignore"):
        swa_metrics = evaluate(model, swa_mean, data) if swa_mean is not None else {}
    as_array = lambda key: np.array(history[key]) if key in history else None  # noqa: E731
    return TrainingResult(
        params=best["params"] if restore else theta,
        last_params=theta,
        initial_params=initial,
        step_loss=np.array(step_loss),
        lrs=np.array(lrs),
        train_loss=as_array("train_loss"),
        test_loss=as_array("test_loss"),
        train_accuracy=as_array("train_accuracy"),
        test_accuracy=as_array("test_accuracy"),
        stopped_epoch=epoch,
        early_stopped=early_stopped,
        best_epoch=best["epoch"],
        best_params=best["params"],
        diverged=diverged_step is not None,
        diverged_step=diverged_step,
        swa_params=swa_mean,
        swa_counts=np.array(swa_counts, dtype=int) if swa is not None else None,
        swa_train_loss=swa_metrics.get("train_loss"),
        swa_test_loss=swa_metrics.get("test_loss"),
        swa_train_accuracy=swa_metrics.get("train_accuracy"),
        swa_test_accuracy=swa_metrics.get("test_accuracy"),
        path=np.array(path) if record_path else None,
        batch_size=batch_size,
        steps_per_epoch=steps_per_epoch,
    )

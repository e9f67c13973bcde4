"""Checkers for the coding exercises, one module per chapter.

A checker runs the reader's function on several cases, compares each answer
with a reference, and reports in plain words: how many cases passed and, for
the first one that did not, its inputs, the expected answer and what came back.
When one classic mistake (a constant factor, the opposite sign, off by one,
the wrong shape or type, the other convention, floor for ceiling, ...)
explains every failing case, it is named in one sentence with a hint
(:mod:`gdcourse.exercises.diagnose`).  It never lets a traceback escape.

>>> import numpy as np
>>> def my_step(w, grad, lr):
...     return w - lr * grad
>>> check_gradient_step(my_step)
All 4 cases passed: gradient_step(w, grad, lr) is right.
>>> check_largest_stable_rate(lambda A: 1.0 / np.linalg.eigvalsh(A)[-1])
0 of 5 cases passed before one failed.
Case 1: largest_stable_rate(array([[2.]]))
  expected: 1
  got:      0.5
  the numbers differ
  It looks like 1/L instead of 2/L: half the largest stable rate. Hint: the error along the steepest direction is multiplied by 1 - lr*L; for which rates is its size below 1?
"""

from .adaptive_methods import (
    check_adam_first_step,
    check_adamw_step,
    check_turned_ravine,
)
from .batch_size import check_batch_noise, check_fpc_factor, check_plateau_fix
from .core import CheckResult, check, describe
from .gradient_descent import (
    check_descend,
    check_gradient_step,
    check_mse_gradient,
    check_stopping_tol,
)
from .implicit_bias import check_early_stopped, check_matching_steps
from .learning_rates import check_largest_stable_rate, check_rate_diagnosis
from .minima import check_classify_critical_point, check_stopped_runs
from .momentum import (
    check_momentum_choice,
    check_momentum_step,
    check_nesterov_step,
    check_optimal_momentum,
)
from .saddle_points import check_escape_step, check_plateau
from .schedules import (
    check_cosine_warmup,
    check_early_stopping,
    check_noise_floor,
    check_schedule_choice,
)
from .step_size import check_backtrack, check_newton_damping, check_newton_step
from .vanishing_gradients import (
    check_clip_by_norm,
    check_he_variance,
    check_sigmoid_layer_backward,
    check_vanishing_fix,
)
from .your_optimizer import check_trusted_entry, check_your_optimizer

__all__ = [
    # core
    "CheckResult",
    "check",
    "describe",
    # chapter 1: gradient descent
    "check_gradient_step",
    "check_mse_gradient",
    "check_descend",
    "check_stopping_tol",
    # chapter 2: learning rates
    "check_largest_stable_rate",
    "check_rate_diagnosis",
    # chapter 3: minima
    "check_classify_critical_point",
    "check_stopped_runs",
    # chapter 4: saddle points
    "check_escape_step",
    "check_plateau",
    # chapter 5: batch size
    "check_batch_noise",
    "check_fpc_factor",
    "check_plateau_fix",
    # chapter 6: schedules
    "check_cosine_warmup",
    "check_early_stopping",
    "check_noise_floor",
    "check_schedule_choice",
    # chapter 7: momentum
    "check_momentum_step",
    "check_optimal_momentum",
    "check_nesterov_step",
    "check_momentum_choice",
    # chapter 8: vanishing gradients
    "check_sigmoid_layer_backward",
    "check_he_variance",
    "check_vanishing_fix",
    "check_clip_by_norm",
    # chapter 9: adaptive methods
    "check_adam_first_step",
    "check_adamw_step",
    "check_turned_ravine",
    # chapter 10: how far to step
    "check_backtrack",
    "check_newton_step",
    "check_newton_damping",
    # chapter 11: what gradient descent prefers
    "check_early_stopped",
    "check_matching_steps",
    # chapter 12: your optimizer
    "check_your_optimizer",
    "check_trusted_entry",
]

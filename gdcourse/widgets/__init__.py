"""Explorers: figures with controls, live in Jupyter and still explorable on the static site.

An explorer owns one persistent Matplotlib figure.  In Jupyter it shows as
ipywidgets controls above its picture, painted in the browser by the site's
painter (:mod:`~gdcourse.widgets.painter`, an anywidget): moving a control
updates only the artists that changed, and the kernel sends what they draw.
Where the painter cannot run, the picture is an ``ipywidgets.Image`` holding
a PNG re-rendered at each change.

On the static site (no kernel) the same output renders as HTML: a
``<div class="gd-explorer">`` with an ``<input type="range">`` or ``<select>``
per control over a canvas.  For every setting of a dense grid (ten or more
values of most numeric controls, every option of a menu, every step of a
run) Python computed the run and recorded what the changing artists draw
(:mod:`~gdcourse.widgets.overlay`, :mod:`~gdcourse.widgets.static_form`);
a small script that ships with the book (``_static/gd-explorer.js``) builds
the controls, and the same painter (``gdcourse/widgets/js/painter.js``)
paints that record over the setting's background.  Computing the grid takes seconds,
so a live display and the committed notebooks carry one picture; the dense
form is made when ``GDCOURSE_STATIC_EXPLORERS=1`` is set, as the book build
does.

The registered explorers, by chapter: "gradient descent" and "line fit" (1),
"learning rate" (2), "minima" (3), "saddle" (4), "batch size" (5),
"schedules" (6), "momentum" (7), "vanishing gradients" (8),
"adaptive methods" (9), "step size" (10), "implicit bias" (11) and "race"
(12).

The package holds the base class (:mod:`~gdcourse.widgets.base`, whose
docstring has a template for a new explorer), the registry
(:mod:`~gdcourse.widgets.registry`: :data:`EXPLORERS` and :func:`register`),
what several explorers share (:mod:`~gdcourse.widgets.controls`: control
declarations, the one wording of a diverging run) and one module per
chapter, named after the chapter's notebook.  A chapter module registers its
explorers with ``gdcourse.widgets.registry.register`` when it is imported;
import it below (that is all a new chapter needs) and re-export its public
names in ``__all__``.

>>> ex = EXPLORERS["gradient descent"]()
>>> sorted(ex.controls)
['lr', 'steps', 'x0', 'y0']
>>> ex.controls["lr"].value = 2.0          # far above 2/L: the run diverges
>>> ex.status
'diverged at step 22'
"""

from gdcourse.widgets.registry import EXPLORERS, register

# isort: split
# The chapter modules below add their explorers to EXPLORERS when imported.
# The registry is bound first, so a chapter module that still imports
# register from this package (rather than from gdcourse.widgets.registry)
# finds it here while the package is being imported.
from gdcourse.widgets.adaptive_methods import (
    AdaptiveExplorer,
    adaptive_explorer,
)
from gdcourse.widgets.base import (
    STATIC_ENV,
    Explorer,
    static_mode,
)
from gdcourse.widgets.batch_size import (
    BatchSizeExplorer,
    batch_size_explorer,
)
from gdcourse.widgets.controls import (
    CONDITION_NUMBERS,
    Control,
    divergence_status,
)
from gdcourse.widgets.gradient_descent import (
    LINE_FIT_BOX,
    LINE_FIT_DATA,
    GradientDescentExplorer,
    LineFitExplorer,
    gradient_descent_explorer,
    line_fit_explorer,
)
from gdcourse.widgets.implicit_bias import (
    ImplicitBiasExplorer,
    implicit_bias_explorer,
)
from gdcourse.widgets.learning_rates import (
    LearningRateExplorer,
    learning_rate_explorer,
)
from gdcourse.widgets.minima import (
    BASIN_COLORS,
    MinimaExplorer,
    minima_explorer,
)
from gdcourse.widgets.momentum import MomentumExplorer, momentum_explorer
from gdcourse.widgets.pictures import encode_frame, encode_png
from gdcourse.widgets.saddle_points import (
    SADDLE_NOISE,
    SaddleExplorer,
    saddle_explorer,
)
from gdcourse.widgets.schedules import (
    SCHEDULE_KINDS,
    ScheduleExplorer,
    schedule_explorer,
    schedule_from_kind,
)
from gdcourse.widgets.step_size import (
    STEP_SIZE_METHODS,
    STEP_SIZE_SURFACES,
    StepSizeExplorer,
    step_size_explorer,
)
from gdcourse.widgets.vanishing_gradients import (
    VANISHING_INITS,
    VanishingGradientsExplorer,
    layer_statistics,
    plotting_integer_locator,
    vanishing_gradients_explorer,
)
from gdcourse.widgets.your_optimizer import (
    RACE_ENTRIES,
    RACE_PROBLEMS,
    RaceExplorer,
    race_explorer,
)

__all__ = [
    "register",
    "static_mode",
    "STATIC_ENV",
    "encode_png",
    "encode_frame",
    "Explorer",
    "Control",
    "divergence_status",
    "GradientDescentExplorer",
    "gradient_descent_explorer",
    "LineFitExplorer",
    "line_fit_explorer",
    "LearningRateExplorer",
    "learning_rate_explorer",
    "MomentumExplorer",
    "momentum_explorer",
    "MinimaExplorer",
    "minima_explorer",
    "SaddleExplorer",
    "saddle_explorer",
    "BatchSizeExplorer",
    "batch_size_explorer",
    "schedule_from_kind",
    "ScheduleExplorer",
    "schedule_explorer",
    "layer_statistics",
    "VanishingGradientsExplorer",
    "AdaptiveExplorer",
    "adaptive_explorer",
    "plotting_integer_locator",
    "vanishing_gradients_explorer",
    "ImplicitBiasExplorer",
    "implicit_bias_explorer",
    "StepSizeExplorer",
    "step_size_explorer",
    "RaceExplorer",
    "race_explorer",
    "EXPLORERS",
    "LINE_FIT_DATA",
    "LINE_FIT_BOX",
    "CONDITION_NUMBERS",
    "BASIN_COLORS",
    "SADDLE_NOISE",
    "SCHEDULE_KINDS",
    "VANISHING_INITS",
    "STEP_SIZE_METHODS",
    "STEP_SIZE_SURFACES",
    "RACE_PROBLEMS",
    "RACE_ENTRIES",
]

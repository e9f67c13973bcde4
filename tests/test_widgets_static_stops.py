"""Every static explorer offers every setting the live one does: no control cut short.

The site's form of an explorer (``gdcourse.widgets.static_form``) offers,
for each control, the values its ``Control.values()`` lists: every option
of a menu, every value of a run-length (prefix) control, and at least ten
values of every other numeric control, none of them the only one (a
control with one value is shown disabled).  These checks read the values
only; nothing is computed, so they run on every registered explorer fast.
"""

import pytest

from gdcourse import widgets
from gdcourse.widgets import static_form

#: Fewest values a numeric control offers on the site.
MIN_STOPS = 10
#: Controls that set how long a run is: the site offers every value.
RUN_LENGTHS = ("steps", "epochs")


@pytest.fixture(scope="module", params=sorted(widgets.EXPLORERS))
def explorer(request):
    return widgets.EXPLORERS[request.param]()


def site_controls(explorer):
    """The controls as the site builds them (``static_form.control_data``), by name."""
    out = {}
    for name, spec in explorer.specs.items():
        values = spec.values()
        out[name] = static_form.control_data(name, spec, values, 0)
    return out


def slider_values(widget):
    """Every value an integer slider can take."""
    return list(range(widget.min, widget.max + 1, widget.step))


def test_no_control_is_disabled(explorer):
    for name, data in site_controls(explorer).items():
        assert len(data["labels"]) > 1, f"{name!r} offers one value on the site"


def test_every_option_of_a_menu(explorer):
    for name, spec in explorer.specs.items():
        if spec.is_menu():
            options = [v for _, v in spec._options()]
            assert spec.values() == options, name


def test_run_lengths_offer_every_step(explorer):
    for name, spec in explorer.specs.items():
        if name in RUN_LENGTHS:
            assert spec.prefix, f"{name!r} is a run length but not a prefix control"
        if spec.prefix:
            assert spec.values() == slider_values(spec.widget), name


def test_every_numeric_control_offers_ten_stops(explorer):
    for name, spec in explorer.specs.items():
        if spec.is_menu() or spec.prefix:
            continue
        values = spec.values()
        assert len(values) >= MIN_STOPS, (
            f"{name!r} offers {len(values)} values on the site"
        )
        options = getattr(spec.widget, "options", None)
        if options is not None:
            # a slider over given values: the live one offers no more than these
            assert len(options) >= MIN_STOPS, (
                f"{name!r} offers {len(options)} values live"
            )


def test_the_labels_of_a_control_tell_its_values_apart(explorer):
    for name, data in site_controls(explorer).items():
        labels = data["labels"]
        assert len(set(labels)) == len(labels), (name, labels)

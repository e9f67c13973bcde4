"""The explorer base class's own mechanisms: the per-explorer cache of runs."""

import numpy as np
import pytest

from gdcourse import widgets
from gdcourse.widgets.base import Explorer


class _Counting(Explorer):
    """Not built: only its cached method is used."""

    def __init__(self):
        self.calls = 0

    @Explorer.cached(maxsize=2)
    def run(self, lr, steps=3):
        self.calls += 1
        return np.arange(steps) * lr


def _bare():
    return object.__new__(_Counting)  # no figure: the metaclass's build is skipped


def test_a_cached_method_runs_once_per_arguments_and_forgets_the_least_recent():
    ex = _bare()
    ex.calls = 0
    first = ex.run(0.1)
    assert ex.run(0.1) is first and ex.calls == 1
    ex.run(0.2)
    ex.run(0.1, steps=4)
    assert ex.calls == 3
    ex.run(0.1)  # the oldest of three, with room for two: computed again
    assert ex.calls == 4
    np.testing.assert_array_equal(ex.run(0.1), [0.0, 0.1, 0.2])


def test_each_explorer_keeps_its_own_cache():
    one, two = _bare(), _bare()
    one.calls = two.calls = 0
    a, b = one.run(0.5), two.run(0.5)
    assert a is not b and one.calls == two.calls == 1
    assert _Counting.run.__name__ == "run"  # the method keeps its name and docstring


@pytest.mark.parametrize("name", sorted(widgets.EXPLORERS))
def test_moving_a_prefix_control_computes_no_new_run(name):
    explorer = widgets.EXPLORERS[name]()
    prefix = [n for n, spec in explorer.specs.items() if spec.prefix]
    if not prefix:
        pytest.skip("no prefix control")
    caches = explorer.__dict__.get("_cached", {})
    assert caches, "a prefix control's drawing comes from an Explorer.cached run"
    misses = {n: cache.cache_info().misses for n, cache in caches.items()}
    for n in prefix:
        values = explorer.specs[n].values()
        for value in [*values[::5], values[-1]]:
            explorer.set(**{n: value})
            assert not explorer.status.startswith("error"), explorer.status
    assert {n: cache.cache_info().misses for n, cache in caches.items()} == misses

"""The explorer registry: one module, re-exported by the package."""

import ast
import pathlib

import pytest

from gdcourse import widgets
from gdcourse.widgets import registry

WIDGETS = pathlib.Path(widgets.__file__).parent


def test_the_package_re_exports_the_registry():
    assert widgets.EXPLORERS is registry.EXPLORERS
    assert widgets.register is registry.register
    assert {"EXPLORERS", "register"} <= set(widgets.__all__)


def test_every_registered_factory_lives_in_a_chapter_module():
    for name, factory in registry.EXPLORERS.items():
        module = factory.__module__
        assert module.startswith("gdcourse.widgets."), (name, module)
        assert (WIDGETS / (module.rsplit(".", 1)[1] + ".py")).exists(), name


def test_register_returns_the_factory_and_refuses_a_taken_name():
    def factory():
        return None

    try:
        assert registry.register("a test explorer")(factory) is factory
        assert registry.EXPLORERS["a test explorer"] is factory
        with pytest.raises(ValueError, match="'a test explorer' is already registered"):
            registry.register("a test explorer")(factory)
    finally:
        registry.EXPLORERS.pop("a test explorer", None)


def test_the_registry_imports_nothing_of_the_package():
    tree = ast.parse((WIDGETS / "registry.py").read_text())
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    ]
    assert not [m for m in imported if m and m.startswith("gdcourse")]

"""The core registers its built-ins lazily: every reference imports, and resolves by plain and core> name."""

import importlib
import subprocess
import sys

import pytest

from oneiros._plugins import host

PACKAGES = {"layers": "oneiros.layers", "losses": "oneiros.losses", "metrics": "oneiros.metrics",
            "optimizers": "oneiros.optimizers", "callbacks": "oneiros.callbacks"}


def resolve(reference):
    module, _, attribute = reference.partition(":")
    value = importlib.import_module(module)
    for part in attribute.split("."):
        value = getattr(value, part)
    return value


@pytest.mark.parametrize("kind", sorted(PACKAGES))
def test_every_builtin_resolves_by_plain_and_qualified_name(kind):
    registry = host().registry(kind)
    for item in importlib.import_module(PACKAGES[kind]).BUILTINS:
        name, reference = item if isinstance(item, tuple) else (item.rpartition(":")[2], item)
        expected = resolve(reference)
        assert registry.get(f"core>{name}") is expected, name
        assert registry.entry_for(expected) is not None


def test_public_layer_classes_of_the_core_are_all_registered():
    import pkgutil

    import oneiros.layers
    from oneiros.layers import Layer

    registered = {resolve(item if isinstance(item, str) else item[1]) for item in oneiros.layers.BUILTINS}
    for module_info in pkgutil.iter_modules(oneiros.layers.__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"oneiros.layers.{module_info.name}")
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, Layer) and value is not Layer
                    and value.__module__ == module.__name__
                    and not value.__name__.startswith("_")):
                assert value in registered, f"{module.__name__}.{value.__name__} is not in oneiros.layers.BUILTINS"


def test_discovery_imports_no_builtin_class_module_and_no_numpy():
    watched = ("oneiros.losses._regression", "oneiros.metrics._accuracy", "oneiros.optimizers._adam",
               "oneiros.layers.dense", "oneiros.callbacks._early_stopping", "numpy")
    code = (f"import sys; from oneiros._plugins import host; host().load(); "
            f"print(sorted(m for m in {watched!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr

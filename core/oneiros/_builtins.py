"""The core's own features, registered through the same hooks as any plugin (name "core")."""

from __future__ import annotations

from oneiros._hookspecs import hookimpl
from oneiros._lazy import lazy


@hookimpl
def register_backends(register):
    register(lazy("oneiros.backends.numpy_reference:NumpyBackend"), name="numpy")


def _register_all(register, package: str) -> None:
    import importlib

    for reference in importlib.import_module(package).BUILTINS:
        alias, reference = reference if isinstance(reference, tuple) else (None, reference)
        register(lazy(reference), name=alias)


@hookimpl
def register_losses(register):
    _register_all(register, "oneiros.losses")


@hookimpl
def register_metrics(register):
    _register_all(register, "oneiros.metrics")


@hookimpl
def register_optimizers(register):
    _register_all(register, "oneiros.optimizers")


@hookimpl
def register_callbacks(register):
    _register_all(register, "oneiros.callbacks")


@hookimpl
def register_layers(register):
    _register_all(register, "oneiros.layers")


@hookimpl
def register_data_adapters(register):
    for name in ("ArrayAdapter", "GeneratorAdapter", "DatasetAdapter"):
        register(lazy(f"oneiros.data.adapters:{name}"))

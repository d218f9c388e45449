"""The core's own features, registered through the same hooks as any plugin (name "core")."""

from __future__ import annotations

from oneiros._hookspecs import hookimpl


def _numpy_backend():
    from oneiros.backends.numpy_reference import NumpyBackend

    return NumpyBackend()


@hookimpl
def register_backends(register):
    register(_numpy_backend, name="numpy")


def _register_all(register, package: str) -> None:
    import importlib

    module = importlib.import_module(package)
    for obj in module._builtins() if hasattr(module, "_builtins") else module.BUILTINS:
        if isinstance(obj, tuple):
            register(obj[1], name=obj[0])
        else:
            register(obj)


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
    from oneiros.data.adapters import BUILTIN_ADAPTERS

    for adapter in BUILTIN_ADAPTERS:
        register(adapter)

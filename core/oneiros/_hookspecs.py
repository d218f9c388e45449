"""Hook specifications: the whole contract between the core and its plugins.

Each hook receives ``register``, a callable bound to the calling plugin:
``register(obj, name=None, *, override=False)``. ``name`` defaults to ``obj.__name__``.
"""

from __future__ import annotations

from collections.abc import Callable

import pluggy

PROJECT_NAME = "oneiros"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

Register = Callable[..., None]


@hookspec
def register_backends(register: Register) -> None:
    """Register compute backends: ``register(factory, name)``; ``factory()`` returns a Backend."""


@hookspec
def register_layers(register: Register) -> None:
    """Register Layer subclasses (and Model subclasses that must be loadable from files)."""


@hookspec
def register_losses(register: Register) -> None:
    """Register loss classes or loss functions ``fn(y_true, y_pred)``."""


@hookspec
def register_metrics(register: Register) -> None:
    """Register Metric subclasses."""


@hookspec
def register_optimizers(register: Register) -> None:
    """Register Optimizer subclasses and learning-rate schedules."""


@hookspec
def register_callbacks(register: Register) -> None:
    """Register Callback subclasses."""


@hookspec
def register_data_loaders(register: Register) -> None:
    """Register named dataset sources: ``fn(path, **options)`` returning arrays or a Dataset."""


@hookspec
def register_data_adapters(register: Register) -> None:
    """Register DataAdapter classes that turn user input types into batch iterators."""


@hookspec
def register_exporters(register: Register) -> None:
    """Register model exporters ``fn(model, path, **options)`` by format name, e.g. "onnx"."""


@hookspec
def register_model_readers(register: Register) -> None:
    """Register readers ``fn(path)`` of exported files by format name; what they return has ``predict(x)``."""


REGISTRY_KINDS: dict[str, str] = {
    "register_backends": "backends",
    "register_layers": "layers",
    "register_losses": "losses",
    "register_metrics": "metrics",
    "register_optimizers": "optimizers",
    "register_callbacks": "callbacks",
    "register_data_loaders": "data_loaders",
    "register_data_adapters": "data_adapters",
    "register_exporters": "exporters",
    "register_model_readers": "model_readers",
}

"""Remembered ``steps_per_execution="auto"`` choices, so that the next run of the same program
trains with the measured group size from its first batch instead of measuring again.

A choice is stored in ``$ONEIROS_HOME/choices/steps_per_execution.json`` under a digest of
everything that decides it: the model (each layer's class and config but its name, every
variable's shape and dtype), the compiled losses and metrics, the optimizer's config, the shapes
and dtypes of a batch, the kind of call (training here), the backend and its device kind. Any change
to one of them is another key, so a stale choice is never read. Opt out with
``ONEIROS_REMEMBER_CHOICES=0`` or ``"remember_choices": false`` in ``$ONEIROS_HOME/config.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oneiros._settings import home, switch
from oneiros.data._structure import leaves

if TYPE_CHECKING:
    from oneiros.models.model import Model

FILE_NAME = "steps_per_execution.json"
FIRST_CALL_FILE_NAME = "first_call_seconds.json"
"""Beside the choices, the seconds a first training call took (trace and compile): a later run
whose programs come from the compilation cache cannot measure what compiling a fused group
will cost, so it reads this instead."""


def enabled() -> bool:
    return switch("ONEIROS_REMEMBER_CHOICES", "remember_choices")


def store_path() -> Path:
    return home() / "choices" / FILE_NAME


def _without_names(config: Any) -> Any:
    if isinstance(config, dict):
        return {key: _without_names(value) for key, value in config.items() if key != "name"}
    if isinstance(config, (list, tuple)):
        return [_without_names(value) for value in config]
    return config


def _layer_config(layer: Any) -> Any:
    """A layer's config without names (auto-generated names differ from run to run)."""
    try:
        return _without_names(layer.get_config())
    except Exception:  # no get_config, or one that serializes unregistered sublayers: the class names it
        return None


def _config_of(obj: Any) -> Any:
    get_config = getattr(obj, "get_config", None)
    return get_config() if callable(get_config) else repr(obj)


def choice_key(model: Model, kind: str, batch: Any, backend: Any, compiled: Any = None) -> str:
    """The digest a choice for ``kind`` calls of ``model`` on batches like ``batch`` is stored under."""
    described = {
        "kind": kind,
        "layers": [(type(layer).__qualname__, _layer_config(layer)) for layer in model._all_layers()],
        "variables": [(list(v.shape), str(v.dtype), bool(v.trainable)) for v in model.variables],
        "batch": [[(path, list(array.shape), str(array.dtype)) for path, array in leaves(part)]
                  for part in batch if part is not None],
        "backend": backend.name,
        "device": backend.device_kind(),
    }
    if compiled is not None:
        described["loss"] = repr(compiled.loss_spec)
        described["metrics"] = [repr(compiled.metric_spec), repr(compiled.weighted_metric_spec),
                                repr(compiled.loss_weights)]
        described["optimizer"] = [type(compiled.optimizer).__qualname__, _config_of(compiled.optimizer)]
    text = json.dumps(described, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def _read(path: Path) -> dict[str, Any]:
    try:
        stored = json.loads(path.read_text())
    except (OSError, ValueError):  # none yet, or a torn file: measuring again is always safe
        return {}
    return stored if isinstance(stored, dict) else {}


def _store(path: Path, key: str, value: Any) -> None:
    """Stores ``value`` under ``key`` in the JSON file ``path`` (an atomic replace; nothing when
    remembering is off)."""
    if not enabled():
        return
    stored = _read(path)
    stored[key] = value
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".choices-")
        with os.fdopen(handle, "w") as file:
            json.dump(stored, file, sort_keys=True)
        os.replace(temporary, path)
    except OSError:  # a read-only home only costs the next run a measurement
        return


def remembered(key: str) -> int | None:
    """The group size stored under ``key``, or None (none stored, or remembering is off)."""
    if not enabled():
        return None
    value = _read(store_path()).get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


def remember(key: str, steps: int) -> None:
    _store(store_path(), key, steps)


def first_call_path() -> Path:
    return home() / "choices" / FIRST_CALL_FILE_NAME


def remembered_first_call(key: str) -> float | None:
    """The seconds the first compiled call under ``key`` took when nothing was cached, or None."""
    if not enabled():
        return None
    value = _read(first_call_path()).get(key)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else None


def remember_first_call(key: str, seconds: float) -> None:
    _store(first_call_path(), key, seconds)

"""Saving and loading models: ``.oneiros`` archives, safetensors weights, JSON configs.

Loading resolves classes only through the registries (never importing a module or calling a
function named by a file), refuses code-carrying objects while ``safe_mode`` is on, checks every
size before allocating, and raises only :class:`oneiros.errors.OneirosError` subclasses for a bad
file. Saving writes a temporary file beside the target and renames it, so a crash never leaves a
partial file.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from oneiros._version import __version__
from oneiros.errors import CorruptFileError, OneirosError, WeightsMismatchError
from oneiros.saving import _archive, _weights
from oneiros.saving._atomic import atomic_write
from oneiros.saving._budget import weight_budget
from oneiros.saving._limits import DEFAULT_LIMITS, LoadLimits, parse_json
from oneiros.saving._safe_mode import refuse_code, safe_mode_enabled, safe_mode_scope

__all__ = ["LoadLimits", "load_model", "load_weights", "model_from_json", "model_to_json", "refuse_code",
           "safe_mode_enabled", "safe_mode_scope", "save_model", "save_weights"]

FORMAT_VERSION = 1
OPTIMIZER_PREFIX = "optimizer/"
BUDGET_SLACK_BYTES = 1 << 20
"""Weights a loaded config may create beyond those its file stores (which then fail to match)."""


def _registered(kind: str, obj: Any) -> str:
    from oneiros._plugins import host

    entry = host().registry(kind).entry_for(obj)
    if entry is None:
        raise OneirosError(f"{obj!r} is not registered among the {kind}, so it cannot be saved by name.")
    return entry.qualified_name


def _serialize_spec(kind: str, spec: Any) -> Any:
    if spec is None or isinstance(spec, (str, int, float)):
        return spec
    if isinstance(spec, dict):
        return {key: _serialize_spec(kind, value) for key, value in spec.items()}
    if isinstance(spec, (list, tuple)):
        return [_serialize_spec(kind, value) for value in spec]
    if isinstance(spec, type) or callable(spec) and not hasattr(spec, "get_config"):
        return _registered(kind, spec)
    return {"class_name": _registered(kind, type(spec)), "config": spec.get_config()}


def _compile_config(model: Any) -> dict[str, Any] | None:
    compiled = model.compiled
    if compiled is None:
        return None
    try:
        return {
            "optimizer": _serialize_spec("optimizers", compiled.optimizer),
            "loss": _serialize_spec("losses", compiled.loss_spec),
            "metrics": _serialize_spec("metrics", compiled.metric_spec),
            "weighted_metrics": _serialize_spec("metrics", compiled.weighted_metric_spec),
            "loss_weights": compiled.loss_weights,
            "steps_per_execution": compiled.steps_per_execution,
        }
    except OneirosError as exc:
        warnings.warn(f"The compile configuration is not saved: {exc}", stacklevel=3)
        return None


def model_config(model: Any) -> dict[str, Any]:
    """The JSON-ready description of ``model``: class, config, build and compile configs."""
    from oneiros.models._graph_config import layer_config

    config = layer_config(model)
    build = getattr(model, "_build_record", None)
    if build is not None:
        config["build_config"] = build
    config["compile_config"] = _compile_config(model)
    return config


def _flatten_state(tree: Any, prefix: str) -> dict[str, np.ndarray]:
    from oneiros import ops

    if isinstance(tree, dict):
        return {k: v for key in sorted(tree) for k, v in _flatten_state(tree[key], f"{prefix}{key}/").items()}
    if isinstance(tree, (list, tuple)):
        return {k: v for i, item in enumerate(tree) for k, v in _flatten_state(item, f"{prefix}{i}/").items()}
    return {prefix.rstrip("/"): np.asarray(ops.to_numpy(tree))}


def _weights_of(model: Any) -> dict[str, np.ndarray]:
    tensors: dict[str, np.ndarray] = {}
    for key, variable in model._storage_keys():
        if key in tensors:
            raise OneirosError(f"Two weights share the key {key!r}; give their weights distinct names.")
        tensors[key] = variable.numpy()
    return tensors


def _optimizer_state_of(model: Any) -> dict[str, np.ndarray]:
    trainer = getattr(model, "_trainer", None)
    state = getattr(trainer, "optimizer_state", None)
    return {} if state is None else _flatten_state(state, OPTIMIZER_PREFIX)


def save_model(model: Any, path: str | Path) -> Path:
    """Writes ``model`` (architecture, weights, optimizer state, compile config) atomically."""
    path = Path(path)
    if path.suffix != ".oneiros":
        raise ValueError(f"Model files end in .oneiros; received {str(path)!r} (use save_weights for weights only).")
    tensors = {**_weights_of(model), **_optimizer_state_of(model)}
    from oneiros._plugins import host

    metadata = {
        "format_version": FORMAT_VERSION,
        "oneiros_version": __version__,
        "plugins": {r.name: r.version for r in host().plugin_records() if r.status == "loaded"},
        "backend": _backend_name(model),
    }
    return _archive.write_archive(path, {
        _archive.CONFIG: json.dumps(model_config(model)).encode(),
        _archive.METADATA: json.dumps(metadata).encode(),
        _archive.WEIGHTS: _weights.encode(tensors),
    })


def _backend_name(model: Any) -> str:
    from oneiros.backend import get_backend

    return getattr(model, "backend", None) or get_backend().name


def save_weights(model: Any, path: str | Path) -> Path:
    """Writes the model's weights (only) as a safetensors file, atomically."""
    data = _weights.encode(_weights_of(model), metadata={"format": "oneiros", "oneiros_version": __version__})
    return atomic_write(path, lambda stream: stream.write(data))


def _assign_weights(model: Any, tensors: dict[str, np.ndarray], allow_non_finite: bool, strict: bool = True) -> None:
    keyed = model._storage_keys()
    expected = {key for key, _ in keyed}
    stored = {name for name in tensors if not name.startswith(OPTIMIZER_PREFIX)}
    missing, extra = sorted(expected - stored), sorted(stored - expected)
    if strict and (missing or extra):
        raise WeightsMismatchError(f"The file's weights do not match the model: missing {missing}, "
                                   f"unexpected {extra}.")
    values = [_weights.matched(key, tensors[key], v.shape, v.dtype, allow_non_finite) for key, v in keyed]
    for (_, variable), value in zip(keyed, values):
        variable.assign(value)


def load_weights(model: Any, path: str | Path, *, allow_non_finite: bool = False,
                 limits: LoadLimits = DEFAULT_LIMITS) -> None:
    """Loads a safetensors weights file (or the weights of a .oneiros file) into ``model``.

    Every weight is checked (names, shapes, dtypes, finiteness) before any is assigned.
    """
    path = Path(path)
    if path.suffix == ".oneiros":
        data = _archive.read_archive(path, limits)[_archive.WEIGHTS]
    else:
        size = path.stat().st_size
        if size > limits.max_weights_bytes:
            from oneiros.errors import ResourceLimitError

            raise ResourceLimitError(f"{path} is {size} bytes; the limit is {limits.max_weights_bytes}.")
        data = path.read_bytes()
    tensors, _ = _weights.decode(data, limits)
    _assign_weights(model, tensors, allow_non_finite)


def _build_from_config(config: Any, safe_mode: bool, weight_bytes: int, what: str) -> Any:
    """The model a config describes; its weights may total ``weight_bytes`` (``what`` says why)."""
    from oneiros.models._graph_config import layer_from_config

    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise CorruptFileError("The model config must be an object with a class_name string.")
    with safe_mode_scope(safe_mode), weight_budget(weight_bytes, what):
        try:
            model = layer_from_config({"class_name": config["class_name"], "config": config.get("config")})
            build = config.get("build_config")
            if build is not None and not model.variables:
                model.build_from_record(build)
        except OneirosError:
            raise
        except Exception as exc:  # a config that layer constructors reject is a corrupt file
            raise CorruptFileError(f"The model config cannot be rebuilt: {type(exc).__name__}: {exc}") from None
    return model


def _compile_from_config(model: Any, compile_config: dict[str, Any], safe_mode: bool) -> None:
    from oneiros._plugins import host
    from oneiros.models._compile import ACCURACY_ALIASES

    def revive(kind: str, spec: Any) -> Any:
        if isinstance(spec, str):
            if not (kind == "metrics" and spec in ACCURACY_ALIASES):
                host().registry(kind).entry(spec)  # compile resolves names lazily: fail at load instead
            return spec
        if isinstance(spec, dict) and set(spec) == {"class_name", "config"} and isinstance(spec["class_name"], str):
            return host().registry(kind).get(spec["class_name"]).from_config(spec["config"])
        if isinstance(spec, dict):
            return {key: revive(kind, value) for key, value in spec.items()}
        if isinstance(spec, list):
            return [revive(kind, value) for value in spec]
        return spec

    with safe_mode_scope(safe_mode):
        try:
            model.compile(
                optimizer=revive("optimizers", compile_config["optimizer"]),
                loss=revive("losses", compile_config["loss"]),
                metrics=revive("metrics", compile_config.get("metrics")),
                weighted_metrics=revive("metrics", compile_config.get("weighted_metrics")),
                loss_weights=compile_config.get("loss_weights"),
                steps_per_execution=compile_config.get("steps_per_execution", 1),
            )
        except OneirosError:
            raise
        except Exception as exc:
            raise CorruptFileError(f"The compile config cannot be restored: {type(exc).__name__}: {exc}") from None


def _optimizer_state_from(model: Any, tensors: dict[str, np.ndarray]) -> Any:
    """The optimizer state stored in ``tensors``, checked against the model's optimizer; None when
    the file holds none or the model is not compiled."""
    stored = {k: v for k, v in tensors.items() if k.startswith(OPTIMIZER_PREFIX)}
    if not stored or model.compiled is None:
        return None
    from oneiros import ops

    template = model.compiled.optimizer.init([v.value for v in model.trainable_weights])
    names = _flatten_state(template, OPTIMIZER_PREFIX)
    if set(names) != set(stored):
        raise WeightsMismatchError(f"The optimizer state in the file has entries {sorted(stored)[:6]}..., the "
                                   f"model's optimizer expects {sorted(names)[:6]}...")
    def fill(tree: Any, prefix: str) -> Any:
        if isinstance(tree, dict):
            return {key: fill(tree[key], f"{prefix}{key}/") for key in tree}
        if isinstance(tree, (list, tuple)):
            return type(tree)(fill(item, f"{prefix}{i}/") for i, item in enumerate(tree))
        name = prefix.rstrip("/")
        value = _weights.matched(name, stored[name], names[name].shape, str(names[name].dtype), False)
        return ops.convert_to_tensor(value)

    return fill(template, OPTIMIZER_PREFIX)


def load_model(path: str | Path, backend: str | None = None, *, safe_mode: bool = True, compile: bool = True,
               allow_non_finite: bool = False, limits: LoadLimits = DEFAULT_LIMITS) -> Any:
    """A model from a ``.oneiros`` file, built on ``backend`` (default: the active one).

    Raises a :class:`oneiros.errors.ModelFileError` subclass for any problem with the file.
    """
    from oneiros.backend import backend_scope, get_backend

    members = _archive.read_archive(path, limits)
    config = parse_json(members[_archive.CONFIG], "config.json", limits)
    metadata = parse_json(members[_archive.METADATA], "metadata.json", limits)
    if not isinstance(metadata, dict) or metadata.get("format_version") != FORMAT_VERSION:
        raise CorruptFileError(f"metadata.json declares format_version {metadata.get('format_version') if isinstance(metadata, dict) else None!r}; "
                               f"this Oneiros reads version {FORMAT_VERSION}.")
    tensors, _ = _weights.decode(members[_archive.WEIGHTS], limits)
    with backend_scope(backend or get_backend()) as chosen:
        stored = sum(v.nbytes for k, v in tensors.items() if not k.startswith(OPTIMIZER_PREFIX))
        model = _build_from_config(config, safe_mode, stored + BUDGET_SLACK_BYTES,
                                   f"the {stored} bytes of weights in {path}")
        _assign_weights(model, tensors, allow_non_finite)
        compile_config = config.get("compile_config")
        if compile and isinstance(compile_config, dict):
            _compile_from_config(model, compile_config, safe_mode)
            optimizer_state = _optimizer_state_from(model, tensors)
            if optimizer_state is not None:
                model._pending_optimizer_state = optimizer_state
    if backend is not None:
        model.backend = chosen.name
    return model


def model_to_json(model: Any) -> str:
    """The model's architecture (no weights) as a JSON string."""
    from oneiros.models._graph_config import layer_config

    return json.dumps(layer_config(model))


def model_from_json(text: str, *, safe_mode: bool = True, limits: LoadLimits = DEFAULT_LIMITS) -> Any:
    """A freshly initialised model from :func:`model_to_json` output."""
    data = text.encode() if isinstance(text, str) else bytes(text)
    return _build_from_config(parse_json(data, "the model JSON", limits), safe_mode, limits.max_weights_bytes,
                              "limits.max_weights_bytes")

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
from oneiros.errors import CorruptFileError, OneirosError, UnknownNameError, WeightsMismatchError
from oneiros.saving import _archive, _weights
from oneiros.saving._atomic import atomic_write
from oneiros.saving._budget import weight_budget
from oneiros.saving._custom_objects import (CustomObjectScope, custom_object_scope, get_custom_objects,
                                            get_registered_name, get_registered_object, register_keras_serializable,
                                            register_serializable)
from oneiros.saving._limits import DEFAULT_LIMITS, LoadLimits, parse_json
from oneiros.saving._safe_mode import refuse_code, safe_mode_enabled, safe_mode_scope
from oneiros.saving._serialization import deserialize_keras_object, serialize_keras_object

__all__ = ["CustomObjectScope", "KerasFileEditor", "LoadLimits", "clone_model", "custom_object_scope", "deserialize_keras_object",
           "get_custom_objects", "get_registered_name", "get_registered_object", "load_model", "load_weights",
           "model_from_json", "model_to_json", "refuse_code", "register_keras_serializable", "register_serializable",
           "safe_mode_enabled", "safe_mode_scope", "save_model", "save_weights", "serialize_keras_object"]

FORMAT_VERSION = 1
OPTIMIZER_PREFIX = "optimizer/"
NATIVE_SUFFIX = ".oneiros"
KERAS_SUFFIX = ".keras"
KERAS_WEIGHTS_SUFFIX = ".weights.h5"
FORMATS = ("a .oneiros archive (Oneiros's own)", "a .keras archive (Keras 3)", "a Keras 2 .h5 model file")
ZIP_SIGNATURE = b"PK\x03\x04"
BUDGET_SLACK_BYTES = 1 << 20
"""Weights a loaded config may create beyond those its file stores (which then fail to match)."""


def _registered(kind: str, obj: Any) -> str:
    from oneiros._plugins import host
    from oneiros.saving._custom_objects import name_of

    custom = name_of(obj)
    if custom is not None:
        return custom
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
            "run_eagerly": compiled.run_eagerly,
            "jit_compile": compiled.jit_compile,
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
    """The trainer's optimizer state, else the one loading attached (kept until training replaces it)."""
    trainer = getattr(model, "_trainer", None)
    state = getattr(trainer, "optimizer_state", None)
    if state is None:
        state = model.__dict__.get("_pending_optimizer_state")
    return {} if state is None else _flatten_state(state, OPTIMIZER_PREFIX)


def save_model(model: Any, path: str | Path, overwrite: bool = True) -> Path:
    """Writes ``model`` (architecture, weights, optimizer state, compile config) atomically; the
    suffix decides the format: ``.oneiros`` (Oneiros's own) or ``.keras`` (Keras 3's, which Keras
    loads)."""
    path = Path(path)
    if not overwrite and path.exists():
        raise FileExistsError(f"{path} exists and overwrite=False.")
    if path.name.endswith(KERAS_SUFFIX):
        from oneiros.saving import _keras_files

        return _keras_files.save_keras(model, path, _compile_config(model))
    if path.suffix != NATIVE_SUFFIX:
        raise ValueError(f"Model files end in .oneiros (Oneiros's format) or .keras (Keras 3's); received "
                         f"{str(path)!r} (Keras 2 .h5 files are read-only; use save_weights for weights only).")
    tensors = {**_weights_of(model), **_optimizer_state_of(model)}
    from oneiros._plugins import host, saved_plugins

    metadata = {
        "format_version": FORMAT_VERSION,
        "oneiros_version": __version__,
        "plugins": {r.name: r.version for r in host().plugin_records() if r.status == "loaded"},
        "plugin_distributions": saved_plugins(),
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


def save_weights(model: Any, path: str | Path, overwrite: bool = True) -> Path:
    """Writes the model's weights (only), atomically: Keras 3's h5 layout for a ``.weights.h5``
    name (with the optimizer state, as Keras writes it), safetensors otherwise."""
    path = Path(path)
    if not overwrite and path.exists():
        raise FileExistsError(f"{path} exists and overwrite=False.")
    if path.name.endswith(KERAS_WEIGHTS_SUFFIX):
        from oneiros.saving import _keras_files

        data = _keras_files.weights_h5(model)
    elif path.suffix in (".h5", ".hdf5", ".keras", NATIVE_SUFFIX):
        raise ValueError(f"Weights files end in .weights.h5 (Keras's format) or .safetensors; received "
                         f"{str(path)!r}.")
    else:
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


def _read_limited(path: Path, limit: int) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileNotFoundError(f"Cannot read {path}: {exc.strerror}.") from None
    if size > limit:
        from oneiros.errors import ResourceLimitError

        raise ResourceLimitError(f"{path} is {size} bytes; the limit is {limit}.")
    return path.read_bytes()


def _signature(path: Path) -> bytes:
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder; expected a model or weights file (.oneiros, .keras, "
                                ".weights.h5, Keras 2 .h5 or .safetensors).")
    try:
        with open(path, "rb") as stream:
            return stream.read(8)
    except OSError as exc:
        raise FileNotFoundError(f"Cannot read {path}: {exc.strerror}.") from None


def load_weights(model: Any, path: str | Path, *, allow_non_finite: bool = False,
                 limits: LoadLimits = DEFAULT_LIMITS, by_layer_order: bool = False) -> None:
    """Loads weights into ``model`` from a safetensors file, a Keras ``.weights.h5`` (with the
    optimizer state when the model is compiled), a Keras 2 ``.h5``, or the weights of a
    ``.oneiros``/``.keras`` file.

    A Keras 2 ``.h5`` is matched layer by layer by name, or with ``by_layer_order`` by the order
    of the layers holding weights (as Keras 3 reads Keras's published application weights).

    Every weight is checked (names, shapes, dtypes, finiteness) before any is assigned.
    """
    from oneiros.saving import _h5, _keras_files

    path = Path(path)
    signature = _signature(path)
    if signature.startswith(ZIP_SIGNATURE) and _keras_files.WEIGHTS in _archive.member_names(path, limits):
        members = _archive.read_archive(path, limits, _keras_files.MEMBERS, _keras_files.WEIGHTS,
                                        _keras_files.ASSETS)
        data = members[_keras_files.WEIGHTS]
    elif signature.startswith(ZIP_SIGNATURE):
        tensors, _ = _weights.decode(_archive.read_archive(path, limits)[_archive.WEIGHTS], limits)
        _assign_weights(model, tensors, allow_non_finite)
        return
    elif signature == _h5.HDF5_SIGNATURE:
        data = _read_limited(path, limits.max_weights_bytes)
    else:
        tensors, _ = _weights.decode(_read_limited(path, limits.max_weights_bytes), limits)
        _assign_weights(model, tensors, allow_non_finite)
        return
    contents = _h5.open_checked(data, str(path), limits)
    try:
        if "model_weights" in contents.groups or contents.string_list_attribute("", "layer_names"):
            _keras_files.assign_legacy_weights(model, contents, allow_non_finite, by_layer_order)
        else:
            state = _keras_files.stored_optimizer_state(model, contents, strict=False)
            _keras_files.assign_weights(model, contents, allow_non_finite)
            _keras_files.set_optimizer_state(model, state)
    finally:
        contents.file.close()


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

    from oneiros.saving._custom_objects import find

    def revive(kind: str, spec: Any) -> Any:
        if isinstance(spec, str):
            custom = find(spec)
            if custom is not None:
                return custom() if isinstance(custom, type) else custom
            if not (kind == "metrics" and spec in ACCURACY_ALIASES):
                host().registry(kind).entry(spec)  # compile resolves names lazily: fail at load instead
            return spec
        if isinstance(spec, dict) and set(spec) == {"class_name", "config"} and isinstance(spec["class_name"], str):
            cls = find(spec["class_name"]) or host().registry(kind).get(spec["class_name"])
            return cls.from_config(spec["config"])
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
                run_eagerly=compile_config.get("run_eagerly", False),
                jit_compile=compile_config.get("jit_compile", "auto"),
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

    model._assign_variable_paths()
    template = model.compiled.optimizer.init_for(model.trainable_weights)
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
               custom_objects: dict[str, Any] | None = None, allow_non_finite: bool = False,
               limits: LoadLimits = DEFAULT_LIMITS, quantize: str | None = None, calibration_data: Any = None) -> Any:
    """A model from a ``.oneiros`` or ``.keras`` archive or a Keras 2 ``.h5`` file (told apart by
    content), built on ``backend`` (default: the active one). ``custom_objects`` maps names in
    the file to classes or functions not registered otherwise. With ``quantize`` ("int8",
    "float16"), the backend serves the model in fewer bits (``Backend.quantized_model``: the onnx
    backend does, static int8 when ``calibration_data`` rows are given) and that is returned.

    Raises a :class:`oneiros.errors.ModelFileError` subclass for any problem with the file.
    """
    from oneiros.backend import backend_scope, get_backend
    from oneiros.saving import _h5, _keras_files

    if calibration_data is not None and quantize is None:
        raise ValueError("calibration_data is used only with quantize='int8' or 'float16'; received quantize=None.")
    path = Path(path)
    signature = _signature(path)
    with custom_object_scope(custom_objects or {}), backend_scope(backend or get_backend()) as chosen:
        if signature.startswith(ZIP_SIGNATURE) and _keras_files.WEIGHTS in _archive.member_names(path, limits):
            model = _load_keras(path, safe_mode, compile, allow_non_finite, limits, legacy=False)
        elif signature.startswith(ZIP_SIGNATURE):
            model = _load_native(path, safe_mode, compile, allow_non_finite, limits)
        elif signature == _h5.HDF5_SIGNATURE:
            model = _load_keras(path, safe_mode, compile, allow_non_finite, limits, legacy=True)
        elif path.suffix.lower() == ".onnx":
            raise CorruptFileError(f"{path} is an ONNX file, which load_model does not read; serve it with "
                                   "oneiros_onnx.load_onnx(path) (an OnnxModel with predict and evaluate).")
        else:
            raise CorruptFileError(f"{path} is none of the model formats load_model reads: {'; '.join(FORMATS)}.")
    if backend is not None:
        model.backend = chosen.name
    if quantize is not None:
        with backend_scope(chosen):
            return chosen.quantized_model(model, quantize, calibration_data)
    return model


def _load_native(path: Path, safe_mode: bool, compile: bool, allow_non_finite: bool, limits: LoadLimits) -> Any:
    members = _archive.read_archive(path, limits)
    config = parse_json(members[_archive.CONFIG], "config.json", limits)
    metadata = parse_json(members[_archive.METADATA], "metadata.json", limits)
    if not isinstance(metadata, dict) or metadata.get("format_version") != FORMAT_VERSION:
        raise CorruptFileError(f"metadata.json declares format_version {metadata.get('format_version') if isinstance(metadata, dict) else None!r}; "
                               f"this Oneiros reads version {FORMAT_VERSION}.")
    tensors, _ = _weights.decode(members[_archive.WEIGHTS], limits)
    stored = sum(v.nbytes for k, v in tensors.items() if not k.startswith(OPTIMIZER_PREFIX))
    try:
        model = _build_from_config(config, safe_mode, stored + BUDGET_SLACK_BYTES, f"the {stored} bytes of weights in {path}")
        _assign_weights(model, tensors, allow_non_finite)
        compile_config = config.get("compile_config")
        if compile and isinstance(compile_config, dict):
            _compile_from_config(model, compile_config, safe_mode)
            optimizer_state = _optimizer_state_from(model, tensors)
            if optimizer_state is not None:
                model._pending_optimizer_state = optimizer_state
    except UnknownNameError as exc:
        from oneiros._plugins import missing_plugin_error

        raise (missing_plugin_error(exc, metadata.get("plugin_distributions")) or exc) from exc
    return model


def _load_keras(path: Path, safe_mode: bool, compile: bool, allow_non_finite: bool, limits: LoadLimits,
                legacy: bool) -> Any:
    """A model from a ``.keras`` archive or (``legacy``) a Keras 2 ``.h5`` file."""
    from oneiros.saving import _h5, _keras_files

    contents = None
    try:
        with safe_mode_scope(safe_mode):
            if legacy:
                contents = _h5.open_checked(_read_limited(path, limits.max_archive_bytes), str(path), limits)
                config = _keras_files.read_legacy_h5(contents, limits)
            else:
                config, contents, assets = _keras_files.read_keras(path, limits)
        stored = contents.weight_bytes(OPTIMIZER_PREFIX)
        model = _build_from_config(config, safe_mode, stored + BUDGET_SLACK_BYTES,
                                   f"the {stored} bytes of weights in {path}")
        if legacy:
            _keras_files.assign_legacy_weights(model, contents, allow_non_finite)
        else:
            _keras_files.assign_weights(model, contents, allow_non_finite)
            _keras_files.load_assets(model, assets)
        compile_config = config.get("compile_config")
        if compile and isinstance(compile_config, dict):
            _compile_from_config(model, compile_config, safe_mode)
            _keras_files.set_optimizer_state(model, _keras_files.stored_optimizer_state(model, contents, strict=False))
        return model
    except OneirosError:
        raise
    except Exception as exc:  # a config the translation cannot follow is a damaged file
        raise CorruptFileError(f"{path} cannot be read as a Keras model: {type(exc).__name__}: {exc}") from None
    finally:
        if contents is not None:
            contents.file.close()


def model_to_json(model: Any) -> str:
    """The model's architecture (no weights) as a JSON string."""
    from oneiros.models._graph_config import layer_config

    return json.dumps(layer_config(model))


def model_from_json(text: str, *, custom_objects: dict[str, Any] | None = None, safe_mode: bool = True,
                    limits: LoadLimits = DEFAULT_LIMITS) -> Any:
    """A freshly initialised model from :func:`model_to_json` output (or a Keras ``to_json()``)."""
    data = text.encode() if isinstance(text, str) else bytes(text)
    config = parse_json(data, "the model JSON", limits)
    with custom_object_scope(custom_objects or {}):
        if isinstance(config, dict) and "module" in config:
            from oneiros.saving import _keras_config

            with safe_mode_scope(safe_mode):
                config = _keras_config.model_config(config)
        return _build_from_config(config, safe_mode, limits.max_weights_bytes, "limits.max_weights_bytes")


def clone_model(model: Any, *, clone_function: Any = None, custom_objects: dict[str, Any] | None = None) -> Any:
    """A new model with ``model``'s architecture and freshly initialised weights (not compiled), as
    Keras's ``clone_model``: ``clone_function(layer)`` makes each new layer of a Sequential or
    functional model (default: the layer rebuilt from its config)."""
    from oneiros.models._graph_config import functional_config, functional_from_config, layer_config
    from oneiros.models.functional import Functional
    from oneiros.models.sequential import Sequential

    with custom_object_scope(custom_objects or {}):
        if clone_function is None:
            config = layer_config(model)
            build = getattr(model, "_build_record", None)
            if build is not None:
                config["build_config"] = build
            return _build_from_config(config, True, DEFAULT_LIMITS.max_weights_bytes, "the cloned model's size")
        if not callable(clone_function):
            raise TypeError(f"clone_function must be callable (layer -> new layer); received {clone_function!r}.")
        if isinstance(model, Sequential):
            from oneiros.models._graph_config import layer_from_config

            head = [] if model._input_layer is None else [layer_from_config(layer_config(model._input_layer))]
            return Sequential([*head, *(clone_function(layer) for layer in model.layers)], name=model.name)
        if isinstance(model, Functional):
            from oneiros.layers.input_layer import InputLayer

            originals = {node.layer.name: node.layer for node in model._nodes}
            built = {name: clone_function(layer) for name, layer in originals.items()
                     if not isinstance(layer, InputLayer)}
            return functional_from_config(functional_config(model), built)
        raise ValueError(f"clone_function applies to Sequential and functional models (as in Keras); "
                         f"{model.name!r} is a subclassed {type(model).__name__}.")


def __getattr__(name: str) -> Any:
    if name == "KerasFileEditor":
        from oneiros.saving._file_editor import KerasFileEditor

        return KerasFileEditor
    raise AttributeError(f"module 'oneiros.saving' has no attribute {name!r}")

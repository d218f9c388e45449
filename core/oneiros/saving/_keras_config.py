"""Keras configs (``config.json`` of a ``.keras`` file, ``model_config`` of a Keras 2 ``.h5``)
translated to Oneiros configs, and Oneiros models described in Keras 3's config format.

Reading never imports anything: every ``class_name``/``module``/``registered_name`` is looked up
in the registries or among the custom objects, and a module outside ``keras`` that names no
registered object is refused. Keras arguments Oneiros lacks are dropped only at their neutral
value (``quantization_config=None``...); any other value is an error naming the layer.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

from oneiros._registry import QUALIFIER
from oneiros.errors import CorruptFileError, ModelFileError, UnsafeConfigError
from oneiros.saving import _custom_objects
from oneiros.saving._keras_names import (DTYPE_POLICIES, FUNCTION_CLASS, KERAS_LAYERS, KERAS_MODULES,
                                         MODEL_MODULES, TENSOR_CLASS, is_keras_module, kind_of_key)
from oneiros.saving._keras_operations import keras_operation, operation_entry
from oneiros.saving._safe_mode import refuse_code

ANY_VALUE = object()
NEUTRAL_KERAS_ARGUMENTS: dict[str, Any] = {
    "quantization_config": (None,), "lora_rank": (None,), "lora_alpha": (None,), "sparse": (False, None),
    "ragged": (False, None), "optional": (False,), "renorm": (False,), "renorm_clipping": (None,),
    "renorm_momentum": ANY_VALUE, "synchronized": (False,), "autocast": (True,), "input_spec": (None,),
    "use_gate": (False,), "fill_mode": ("constant",), "fill_value": (0, 0.0), "antialias": (False,),
    "sliding_window": (None,), "flash_attention": (None,), "seed": (None,),
    "vocabulary_size": ANY_VALUE, "oov_method": ("floormod",), "vocabulary_dtype": ("int32", "int64", "string"),
    "salt": (None,),
}
"""Keras layer arguments Oneiros does not have, and the values at which dropping them changes nothing."""
KERAS_OPS_MODULE = "keras.src.ops."
CODE_CLASSES = frozenset({"Lambda", "__lambda__", "TFSMLayer", "TorchModuleWrapper", "JaxLayer", "FlaxLayer"})
MODEL_CLASSES = frozenset({"Sequential", "Functional", "Model"})


def _registry(kind: str) -> Any:
    from oneiros._plugins import host

    return host().registry(kind)


# --- reading -----------------------------------------------------------------------------------

def _refuse_code(class_name: str, where: str) -> None:
    refuse_code(f"{where} (Keras class {class_name!r})")
    raise UnsafeConfigError(f"{where} is a Keras {class_name}, which carries Python code; Oneiros never runs "
                            "code stored in a file, even with safe_mode=False. Rebuild that layer in code.")


def _class_name(entry: dict[str, Any], kind: str, where: str) -> str:
    """The name Oneiros resolves for a Keras object entry (a registered or custom object)."""
    class_name, module, registered = entry.get("class_name"), entry.get("module"), entry.get("registered_name")
    if not isinstance(class_name, str) or not class_name:
        raise CorruptFileError(f"{where}: class_name must be a non-empty string; received {class_name!r}.")
    if class_name in CODE_CLASSES:
        _refuse_code(class_name, where)
    for name in (registered, class_name):
        if isinstance(name, str) and _custom_objects.find(name) is not None:
            return name
    registry = _registry(kind)
    if isinstance(registered, str) and QUALIFIER in registered and registered in registry:
        return registered  # an Oneiros-only class, written by Oneiros under its qualified name
    if not is_keras_module(module):
        raise UnsafeConfigError(
            f"{where} names class {class_name!r} from module {module!r}; Oneiros never imports a module named "
            f"by a file. Register the class (oi.saving.register_keras_serializable(package=...), registered name "
            f"{registered!r}) or pass custom_objects={{{class_name!r}: TheClass}}.")
    if class_name not in registry:
        raise CorruptFileError(f"{where} uses the Keras {kind[:-1]} {class_name!r}, which no installed Oneiros "
                               f"plugin registers under that name.")
    return registry.entry(class_name).qualified_name


def _accepted_arguments(cls: type) -> set[str] | None:
    """Every keyword ``cls(...)`` accepts along its ``**kwargs`` chain; None when it takes anything
    (``Layer.__init__`` ends the chain: its ``**kwargs`` refuses unknown names)."""
    from oneiros.layers.layer import Layer

    accepted: set[str] = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        parameters = inspect.signature(init).parameters.values()
        accepted.update(p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
        if klass is Layer or not any(p.kind is p.VAR_KEYWORD for p in parameters):
            return accepted
    return None


def _without_keras_only(cls: type, config: dict[str, Any], where: str) -> dict[str, Any]:
    accepted = _accepted_arguments(cls)
    if accepted is None:
        return config
    kept = {}
    for key, value in config.items():
        neutral = NEUTRAL_KERAS_ARGUMENTS.get(key)
        if key in accepted:
            kept[key] = value
        elif neutral is None or not (neutral is ANY_VALUE or value in neutral):
            raise CorruptFileError(f"{where}: Keras argument {key}={value!r} is not supported by Oneiros's "
                                   f"{cls.__name__}.")
    return kept


def _nested_value(key: str, value: Any, where: str) -> Any:
    """A value inside a Keras layer config, with Keras object entries made Oneiros ones."""
    if isinstance(value, list):
        return [_nested_value(key, item, where) for item in value]
    if not isinstance(value, dict):
        return value
    if "class_name" not in value:
        return {k: _nested_value(k, v, where) for k, v in value.items() if k != "shared_object_id"}
    class_name, module = value.get("class_name"), value.get("module")
    inner = value.get("config")
    if class_name in DTYPE_POLICIES:
        return inner.get("name") if isinstance(inner, dict) else inner
    if class_name in CODE_CLASSES:
        _refuse_code(class_name, f"{where}, argument {key!r}")
    if class_name == FUNCTION_CLASS:
        named = value.get("registered_name") or inner
        if isinstance(named, str) and _custom_objects.find(named) is not None:
            return named
        if isinstance(inner, str) and (is_keras_module(module) or module == "builtins"):
            return inner
        raise UnsafeConfigError(f"{where}, argument {key!r}: the function {inner!r} of module {module!r} is not "
                                "registered; Oneiros never imports a module named by a file.")
    kind = kind_of_key(key) or next((k for k, m in KERAS_MODULES.items() if m == module and k != "layers"), None)
    if kind is None:
        return layer_entry(value, f"{where}, argument {key!r}")
    custom = [n for n in (value.get("registered_name"), class_name)
              if isinstance(n, str) and _custom_objects.find(n) is not None]
    if not custom and not is_keras_module(module):
        raise UnsafeConfigError(f"{where}, argument {key!r}: class {class_name!r} of module {module!r} is not "
                                "registered; Oneiros never imports a module named by a file.")
    return {"class_name": custom[0] if custom else class_name,
            "config": _nested_value("config", inner if inner is not None else {}, where)}


def layer_entry(entry: Any, where: str = "the model") -> dict[str, Any]:
    """An Oneiros ``{"class_name", "config"}`` layer entry from a Keras layer entry."""
    if not isinstance(entry, dict) or not isinstance(entry.get("config", {}), dict):
        raise CorruptFileError(f"{where}: a layer entry must be an object with a config object; received "
                               f"{type(entry).__name__}.")
    config = dict(entry.get("config") or {})
    where = f"layer {config.get('name', entry.get('name'))!r}" if where == "the model" else where
    if str(entry.get("module")).startswith(KERAS_OPS_MODULE):
        return operation_entry(entry, config, where)
    name = _class_name(entry, "layers", where)
    plain = name.rpartition(">")[2]
    if plain == "Sequential" and _custom_objects.find(name) is None:
        return {"class_name": name, "config": _sequential(config)}
    if plain in ("Functional", "Model") and _custom_objects.find(name) is None:
        return {"class_name": _registry("layers").entry("Functional").qualified_name, "config": _functional(config)}
    config = {key: _nested_value(key, value, where) for key, value in config.items() if key != "shared_object_id"}
    batch_shape = config.pop("batch_input_shape", None) or config.pop("batch_shape", None)  # Keras 2, Keras 3
    if plain == "InputLayer" and isinstance(batch_shape, list) and batch_shape:
        config["batch_size"], config["shape"] = batch_shape[0], batch_shape[1:]
    custom = _custom_objects.find(name)
    cls = custom if custom is not None else _registry("layers").get(name)
    if custom is None and isinstance(cls, type):
        config = _without_keras_only(cls, config, where)
    return {"class_name": name, "config": config}


def _is_input(entry: dict[str, Any]) -> bool:
    return entry["class_name"].rpartition(">")[2] == "InputLayer"


def _input_entry(batch_shape: Any, dtype: Any, name: str) -> dict[str, Any]:
    config = {"batch_shape": batch_shape, "name": name}
    if isinstance(dtype, str):
        config["dtype"] = dtype
    return {"class_name": _registry("layers").entry("InputLayer").qualified_name, "config": config}


def _sequential(config: dict[str, Any]) -> dict[str, Any]:
    raw = config.get("layers")
    if not isinstance(raw, list):
        raise CorruptFileError("A Sequential config needs a list of layers.")
    first = raw[0].get("config", {}) if raw and isinstance(raw[0], dict) else {}
    layers = [layer_entry(item) for item in raw]
    if layers and not _is_input(layers[0]):
        batch_shape = config.get("build_input_shape") or (first.get("batch_input_shape") if isinstance(first, dict)
                                                          else None)
        if batch_shape is not None:
            layers.insert(0, _input_entry(batch_shape, first.get("dtype"), f"{config.get('name', 'sequential')}_input"))
    return {"name": config.get("name"), "trainable": config.get("trainable", True), "layers": layers}


def _history(value: Any) -> tuple[str, int, int] | None:
    """``(layer, node, tensor)`` of a Keras 3 tensor reference or a Keras 2 ``[layer, node, tensor, kwargs]``."""
    if isinstance(value, dict) and value.get("class_name") == TENSOR_CLASS:
        value = (value.get("config") or {}).get("keras_history")
    if (isinstance(value, list) and len(value) in (3, 4) and isinstance(value[0], str)
            and all(type(i) is int and i >= 0 for i in value[1:3])):
        return value[0], value[1], value[2]
    return None


def _tensor_refs(value: Any, ids: dict[tuple[str, int], int] | None, found: list | None = None) -> Any:
    """``value`` with Keras tensor references as Oneiros ``{"node", "index"}`` references (or, with
    ``ids`` None, only collected into ``found``)."""
    history = _history(value) if isinstance(value, dict) else None
    if history is not None:
        if found is not None:
            found.append(history[:2])
        return None if ids is None else {"node": ids[history[:2]], "index": history[2]}
    if isinstance(value, dict):
        return {k: _tensor_refs(v, ids, found) for k, v in value.items()}
    if isinstance(value, list):
        return [_tensor_refs(v, ids, found) for v in value]
    return value


def _call_arguments(layer: dict[str, Any], node: Any) -> tuple[Any, dict[str, Any]]:
    """The first input structure and the keyword arguments of one Keras inbound node."""
    if isinstance(node, dict):
        args, kwargs = node.get("args") or [], node.get("kwargs") or {}
        if not isinstance(args, list) or not args or not isinstance(kwargs, dict):
            raise CorruptFileError(f"Layer {layer['name']!r}: an inbound node needs args (a non-empty list) and "
                                   "kwargs (an object).")
        if "operation_inputs" in layer:
            return layer["operation_inputs"], {}
        if len(args) > 1:
            from oneiros.layers.layer import Layer

            cls = _custom_objects.find(layer["class_name"]) or _registry("layers").get(layer["class_name"])
            target = cls.call if cls.__call__ is Layer.__call__ else cls.__call__  # e.g. mha(query, value)
            names = [p.name for p in inspect.signature(target).parameters.values()
                     if p.kind is p.POSITIONAL_OR_KEYWORD][2:]
            if len(names) < len(args) - 1:
                raise CorruptFileError(f"Layer {layer['name']!r} is called with {len(args)} positional inputs; "
                                       f"its call takes {len(names) + 1}.")
            kwargs = {**dict(zip(names, args[1:])), **kwargs}
        return args[0], kwargs
    if isinstance(node, list) and node and all(_history(item) is not None for item in node):  # Keras 2
        references = [{"class_name": TENSOR_CLASS, "config": {"keras_history": item[:3]}} for item in node]
        kwargs = node[0][3] if len(node[0]) == 4 and isinstance(node[0][3], dict) else {}
        return references[0] if len(references) == 1 else references, kwargs
    raise CorruptFileError(f"Layer {layer['name']!r} has an inbound node of unknown form.")


def _functional(config: dict[str, Any]) -> dict[str, Any]:
    raw = config.get("layers")
    if not isinstance(raw, list):
        raise CorruptFileError("A functional model config needs a list of layers.")
    layers, calls = [], []
    for item in raw:
        entry = layer_entry(item)
        name = item.get("name") or entry["config"].get("name")
        if not isinstance(name, str):
            raise CorruptFileError("Every layer of a functional model config needs a name.")
        entry = {"name": name, **entry}
        layers.append({key: value for key, value in entry.items() if key != "operation_inputs"})
        inbound = item.get("inbound_nodes") or []
        if _is_input(entry):
            calls.append((name, 0, None, None))
        elif not isinstance(inbound, list):
            raise CorruptFileError(f"Layer {name!r}: inbound_nodes must be a list.")
        else:
            calls.extend((name, index, *_call_arguments(entry, node)) for index, node in enumerate(inbound))
    ids: dict[tuple[str, int], int] = {}
    nodes = []
    waiting: dict[tuple[str, int], list[int]] = {}
    missing = []
    for position, (name, index, inputs, kwargs) in enumerate(calls):
        found: list = []
        _tensor_refs([inputs, kwargs], None, found)
        missing.append(len(set(found)))
        for reference in set(found):
            waiting.setdefault(reference, []).append(position)
    ready = [position for position, count in enumerate(missing) if count == 0]
    while ready:  # Kahn's order: each call once its inputs' producers are placed
        position = ready.pop(0)
        name, index, inputs, kwargs = calls[position]
        ids[(name, index)] = len(nodes)
        nodes.append({"layer": name, "inputs": None if inputs is None else _tensor_refs(inputs, ids),
                      "kwargs": _tensor_refs(kwargs or {}, ids)})
        for dependent in waiting.pop((name, index), []):
            missing[dependent] -= 1
            if missing[dependent] == 0:
                ready.append(dependent)
    if len(nodes) != len(calls) or waiting:
        unplaced = sorted({calls[p][0] for p, count in enumerate(missing) if count})
        raise CorruptFileError(f"The functional model config refers to tensors no layer produces, or has a cycle "
                               f"(layers {unplaced[:8]}).")

    def reference(structure: Any) -> Any:
        history = _history(structure)
        if history is not None:
            if history[:2] not in ids:
                raise CorruptFileError(f"The model's inputs/outputs name an unknown tensor {list(history)}.")
            return {"node": ids[history[:2]], "index": history[2]}
        if isinstance(structure, dict):
            return {key: reference(value) for key, value in structure.items()}
        if isinstance(structure, list):
            return [reference(value) for value in structure]
        raise CorruptFileError(f"The model's inputs/outputs hold {structure!r}; expected [layer, node, tensor].")

    inputs, outputs = config.get("input_layers"), config.get("output_layers")
    if raw and isinstance(raw[0], dict) and "module" not in raw[0]:  # Keras 2 lists even a single tensor
        inputs, outputs = (value[0] if isinstance(value, list) and len(value) == 1 else value
                           for value in (inputs, outputs))
    return {"name": config.get("name"), "trainable": config.get("trainable", True), "layers": layers,
            "nodes": nodes, "inputs": reference(inputs), "outputs": reference(outputs)}


def _plain_object(kind: str, value: Any, where: str) -> Any:
    """A compile argument (optimizer, losses, metrics) in Oneiros's ``{"class_name", "config"}`` form."""
    if isinstance(value, list):
        return [_plain_object(kind, item, where) for item in value]
    if not isinstance(value, dict):
        return value
    if "class_name" not in value:
        return {key: _plain_object(kind, item, where) for key, item in value.items()}
    if value["class_name"] == FUNCTION_CLASS:
        return _nested_value(kind, value, where)
    name = _class_name(value, kind, where)
    inner = value.get("config") or {}
    if not isinstance(inner, dict):
        raise CorruptFileError(f"{where}: the config of {value.get('class_name')!r} must be an object.")
    return {"class_name": name,
            "config": {key: _schedule(item, where) for key, item in inner.items() if key != "shared_object_id"}}


def _schedule(value: Any, where: str) -> Any:
    if isinstance(value, dict) and "class_name" in value:
        if not is_keras_module(value.get("module")):
            raise UnsafeConfigError(f"{where}: {value.get('class_name')!r} of module {value.get('module')!r} is "
                                    "not registered; Oneiros never imports a module named by a file.")
        return {"class_name": value["class_name"], "config": value.get("config") or {}}
    return value


def compile_config(config: Any) -> dict[str, Any] | None:
    """Oneiros's compile config from Keras's (None when the file has none)."""
    if not isinstance(config, dict) or config.get("optimizer") is None:
        return None
    steps = config.get("steps_per_execution", 1)
    return {
        "optimizer": _plain_object("optimizers", config.get("optimizer"), "the compile config's optimizer"),
        "loss": _plain_object("losses", config.get("loss"), "the compile config's loss"),
        "metrics": _plain_object("metrics", config.get("metrics"), "the compile config's metrics"),
        "weighted_metrics": _plain_object("metrics", config.get("weighted_metrics"), "the compile config's metrics"),
        "loss_weights": config.get("loss_weights"),
        "steps_per_execution": steps if type(steps) is int and steps > 0 else 1,
        "run_eagerly": config.get("run_eagerly") is True,
        "jit_compile": config["jit_compile"] if isinstance(config.get("jit_compile"), bool) else "auto",
    }


LEGACY_OPTIMIZER_DEFAULTS = {"decay": 0.0}
"""Keras 2 optimizer arguments that Keras 3 (and Oneiros) dropped, at their no-op values."""


def legacy_compile_config(training: Any) -> dict[str, Any] | None:
    """Oneiros's compile config from a Keras 2 ``.h5`` file's ``training_config``."""
    if not isinstance(training, dict) or not isinstance(training.get("optimizer_config"), dict):
        return None
    optimizer = dict(training["optimizer_config"])
    arguments = dict(optimizer.get("config") or {})
    for key, neutral in LEGACY_OPTIMIZER_DEFAULTS.items():
        if arguments.get(key) == neutral:
            arguments.pop(key)
    if "lr" in arguments:  # Keras 2.2's spelling
        arguments["learning_rate"] = arguments.pop("lr")
    optimizer["config"] = arguments
    return compile_config({**training, "optimizer": optimizer})


def model_config(config: Any) -> dict[str, Any]:
    """An Oneiros model config (class, config, build and compile configs) from a Keras one; any
    shape of config the translation cannot follow is a CorruptFileError."""
    try:
        return _model_config(config)
    except ModelFileError:
        raise
    except Exception as exc:  # wrong types anywhere in a hand-edited or damaged config
        raise CorruptFileError(f"The Keras model config cannot be read: {type(exc).__name__}: {exc}") from None


def _model_config(config: Any) -> dict[str, Any]:
    if not isinstance(config, dict):
        raise CorruptFileError("The Keras model config must be a JSON object.")
    entry = layer_entry(config)
    result: dict[str, Any] = {**entry, "compile_config": compile_config(config.get("compile_config"))}
    build = config.get("build_config")
    shape = build.get("input_shape") if isinstance(build, dict) else None
    if shape is not None and entry["class_name"].rpartition(">")[2] not in MODEL_CLASSES:
        result["build_config"] = {"shapes": shape, "dtypes": _float_like(shape)}
    return result


def _float_like(shape: Any) -> Any:
    if isinstance(shape, dict):
        return {key: _float_like(value) for key, value in shape.items()}
    if isinstance(shape, list) and shape and isinstance(shape[0], (list, dict)):
        return [_float_like(value) for value in shape]
    return "float32"


# --- writing -----------------------------------------------------------------------------------

def _keras_object(kind: str, spec: Any) -> Any:
    """An Oneiros ``{"class_name", "config"}`` object (or a name) as Keras writes it."""
    if isinstance(spec, list):
        return [_keras_object(kind, item) for item in spec]
    if not isinstance(spec, dict):
        return spec
    if set(spec) != {"class_name", "config"}:
        return {key: _keras_object(kind, value) for key, value in spec.items()}
    name = spec["class_name"]
    custom = _custom_objects.find(name)
    inner = {key: (_keras_object("schedules", value) if isinstance(value, dict) and "class_name" in value else value)
             for key, value in (spec["config"] or {}).items()}
    if custom is not None:
        return {"module": custom.__module__, "class_name": custom.__name__, "config": inner,
                "registered_name": _custom_objects.name_of(custom) or name}
    module = KERAS_MODULES.get(kind, "keras.optimizers.schedules")
    return {"module": module, "class_name": name.rpartition(">")[2], "config": inner, "registered_name": None}


def _keras_layer_config(config: dict[str, Any]) -> dict[str, Any]:
    converted = {}
    for key, value in config.items():
        kind = kind_of_key(key)
        if kind and isinstance(value, dict):
            converted[key] = _keras_object(kind, value)
        elif isinstance(value, dict) and set(value) == {"class_name", "config"}:
            converted[key] = _nested_keras_layer(value)
        else:
            converted[key] = value
    return converted


def _nested_keras_layer(entry: dict[str, Any]) -> dict[str, Any]:
    layer_cls = _custom_objects.find(entry["class_name"]) or _registry("layers").get(entry["class_name"])
    return _keras_entry(layer_cls, entry["class_name"], entry["config"], unsupported=[])


def _keras_entry(cls: type, name: str, config: dict[str, Any], unsupported: list[str]) -> dict[str, Any]:
    registered = _custom_objects.name_of(cls)
    plain = name.rpartition(">")[2]
    if registered is not None:
        module, class_name = cls.__module__, cls.__name__
    elif plain in KERAS_LAYERS:
        module, class_name, registered = KERAS_MODULES["layers"], plain, None
    else:
        module, class_name, registered = "oneiros", plain, name
        unsupported.append(f"{config.get('name')!r} ({name})")
    if plain == "InputLayer":
        config = {"batch_shape": [config.get("batch_size"), *config["shape"]], "dtype": config.get("dtype"),
                  "sparse": False, "ragged": False, "name": config.get("name")}
    else:
        config = _keras_layer_config(config)
    return {"module": module, "class_name": class_name, "config": config, "registered_name": registered}


def keras_model_config(model: Any, compile_config: dict[str, Any] | None,
                       on_unsupported: Callable[[list[str]], None] | None = None) -> dict[str, Any]:
    """``model`` in Keras 3's ``config.json`` form."""
    from oneiros.models._graph_config import registered_name
    from oneiros.models.functional import Functional
    from oneiros.models.sequential import Sequential

    unsupported: list[str] = []

    def entry_of(layer: Any) -> dict[str, Any]:
        return _keras_entry(type(layer), registered_name(layer), layer.get_config(), unsupported)

    if isinstance(model, Sequential):
        layers = ([entry_of(model._input_layer)] if model._input_layer is not None else []) + \
                 [entry_of(layer) for layer in model.layers]
        result = {"module": MODEL_MODULES["Sequential"], "class_name": "Sequential",
                  "config": {"name": model.name, "trainable": model.trainable, "layers": layers},
                  "registered_name": None}
        if model._input_layer is not None:
            result["build_config"] = {"input_shape": list(model.input_shape)}
    elif isinstance(model, Functional):
        result = {"module": MODEL_MODULES["Functional"], "class_name": "Functional",
                  "config": _keras_functional(model, entry_of), "registered_name": "Functional"}
    else:
        result = entry_of(model)
        record = getattr(model, "_build_record", None)
        if record is not None:
            result["build_config"] = {"input_shape": record["shapes"]}
    if unsupported:
        (on_unsupported or _warn_unsupported)(unsupported)
    if compile_config is not None:
        result["compile_config"] = {
            "optimizer": _keras_object("optimizers", compile_config["optimizer"]),
            "loss": _keras_object("losses", compile_config["loss"]),
            "loss_weights": compile_config.get("loss_weights"),
            "metrics": _keras_object("metrics", compile_config.get("metrics")),
            "weighted_metrics": _keras_object("metrics", compile_config.get("weighted_metrics")),
            "steps_per_execution": compile_config["steps_per_execution"]
            if type(compile_config.get("steps_per_execution")) is int else 1,
            "run_eagerly": compile_config.get("run_eagerly", False),
            "jit_compile": compile_config.get("jit_compile", True),
        }
    return result


def _warn_unsupported(layers: list[str]) -> None:
    warnings.warn(f"Keras 3 has no layer class for {', '.join(layers)}: the file names each by its Oneiros "
                  "registered_name, so Keras loads it only where an equivalent class is registered under that "
                  "name (keras.saving.register_keras_serializable).", stacklevel=4)


def _keras_functional(model: Any, entry_of: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    from oneiros.layers._symbolic import SymbolicTensor, map_structure
    from oneiros.layers.input_layer import InputLayer
    from oneiros.layers.layer import Layer
    from oneiros.layers.op_layer import OpLayer

    call_index: dict[int, tuple[str, int]] = {}
    per_layer: dict[int, int] = {}
    layers: dict[int, Any] = {}
    for node in model._nodes:
        layer = node.layer
        index = per_layer.get(id(layer), 0)
        per_layer[id(layer)] = index + 1
        call_index[id(node)] = (layer.name, index)
        layers.setdefault(id(layer), layer)

    def tensor(item: Any) -> Any:
        if not isinstance(item, SymbolicTensor):
            return item
        name, index = call_index[id(item.node)]
        return {"class_name": "__keras_tensor__",
                "config": {"shape": list(item.shape), "dtype": item.dtype, "keras_history": [name, index, item.index]}}

    def history(item: SymbolicTensor) -> list[Any]:
        name, index = call_index[id(item.node)]
        return [name, index, item.index]

    operations = {}
    for node in model._nodes:
        if isinstance(node.layer, OpLayer):
            inputs = list(node.inputs) if isinstance(node.inputs, (list, tuple)) else [node.inputs]
            written = keras_operation(node.layer, inputs, tensor)
            if written is not None:
                operations[id(node.layer)] = written
    entries = {key: {**(operations[key][0] if key in operations else entry_of(layer)), "name": layer.name,
                     "inbound_nodes": []} for key, layer in layers.items()}
    for node in model._nodes:
        if isinstance(node.layer, InputLayer):
            continue
        if id(node.layer) in operations:
            entries[id(node.layer)]["inbound_nodes"].append({"args": operations[id(node.layer)][1], "kwargs": {}})
            continue
        args = map_structure(tensor, node.inputs)
        unpacks = type(node.layer).__call__ is not Layer.__call__ and isinstance(node.inputs, (list, tuple))
        entries[id(node.layer)]["inbound_nodes"].append(  # mha(query, value, key) was packed into one list
            {"args": list(args) if unpacks else [args], "kwargs": map_structure(tensor, node.call_kwargs)})
    structure = map_structure(history, model._input_structure)
    outputs = map_structure(history, model._output_structure)
    if isinstance(structure, tuple):
        structure = list(structure)
    return {"name": model.name, "trainable": model.trainable, "layers": list(entries.values()),
            "input_layers": structure, "output_layers": list(outputs) if isinstance(outputs, tuple) else outputs}


"""Keras ops applied to symbolic tensors, both ways between Keras's model files and ``OpLayer``.

Keras writes ``ops.mean(x, axis=1)`` in a functional model as an operation entry: the class
(``keras.src.ops.numpy.Mean``) with its constructor arguments as config (``axis``), and one
inbound node whose args are the call's arguments (``x``). Oneiros records the same call as an
``OpLayer`` holding the op's name and arguments. The parameters of each Keras class come from
``_keras_operations_table`` (generated from Keras); Oneiros's op signatures have Keras's names.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from oneiros.errors import CorruptFileError
from oneiros.saving._keras_names import TENSOR_CLASS
from oneiros.saving._keras_operations_table import OPERATIONS

_FUNCTIONS = {spec[1]: class_name for class_name, spec in sorted(OPERATIONS.items(), reverse=True)}
"""Oneiros op name -> the Keras class writing it (``abs`` and ``absolute`` each have their own)."""
_VARIADIC = ("var_positional", "var_keyword")


def _signature(function: str) -> inspect.Signature | None:
    from oneiros import ops

    target = getattr(ops, function, None)
    return inspect.signature(target) if callable(target) else None


# --- reading --------------------------------------------------------------------------------------

def operation_entry(entry: dict[str, Any], config: dict[str, Any], where: str) -> dict[str, Any]:
    """The ``OpLayer`` entry for a Keras operation entry; ``operation_inputs`` lists the Keras
    tensor references of its node, in the positions the OpLayer's arguments refer to."""
    from oneiros._plugins import host

    class_name = entry.get("class_name")
    spec = OPERATIONS.get(class_name) if isinstance(class_name, str) else None
    signature = _signature(spec[1]) if spec else None
    if spec is None or signature is None:
        raise CorruptFileError(f"{where} is the Keras operation {class_name!r} applied to symbolic tensors, which "
                               "oneiros.ops does not have.")
    _, function, init, call = spec
    nodes = entry.get("inbound_nodes")
    if not (isinstance(nodes, list) and len(nodes) == 1 and isinstance(nodes[0], dict)
            and isinstance(nodes[0].get("args", []), list) and isinstance(nodes[0].get("kwargs", {}), dict)):
        raise CorruptFileError(f"{where}: a Keras operation entry needs exactly one inbound node with args and kwargs.")
    tensors: list[Any] = []
    args = [_from_keras(value, tensors) for value in nodes[0].get("args", [])]
    named = {key: _from_keras(value, tensors) for key, value in nodes[0].get("kwargs", {}).items()}
    extra: list[Any] = []
    for position, value in enumerate(args):
        if position < len(call) and call[position][1] not in _VARIADIC:
            named[call[position][0]] = value
        else:
            extra.append(value)
    parameters = signature.parameters
    for name, has_default, default in init:
        if name not in config:
            continue
        value = _from_keras(config[name], tensors)
        if name in parameters:
            named[name] = value
        elif not (has_default and value == default):
            raise CorruptFileError(f"{where}: Keras operation {class_name} argument {name}={config[name]!r} is not "
                                   f"supported by oneiros.ops.{function}.")
    if function == "get_item" and isinstance(named.get("key"), list):
        named["key"] = {"__tuple__": named["key"]}  # Keras writes the tuple of an ``x[:, 0]`` as a list
    arguments = _arguments_for(signature, named, extra, f"{where} (Keras operation {class_name})")
    return {"class_name": host().registry("layers").entry("OpLayer").qualified_name,
            "config": {"name": config.get("name", entry.get("name")), "op": function, "arguments": arguments},
            "operation_inputs": tensors}


def _arguments_for(signature: inspect.Signature, named: dict[str, Any], extra: list[Any], where: str) -> dict:
    """OpLayer arguments calling a function of ``signature``: positional while every earlier
    parameter is given, by keyword after, and ``extra`` for its ``*args``."""
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    positional = True
    for parameter in signature.parameters.values():
        if parameter.kind is parameter.VAR_POSITIONAL:
            args.extend(extra)
            extra = []
            positional = False
        elif parameter.kind is parameter.VAR_KEYWORD:
            kwargs.update(named)
            named = {}
        elif parameter.name in named:
            value = named.pop(parameter.name)
            if positional and parameter.kind is not parameter.KEYWORD_ONLY:
                args.append(value)
            else:
                kwargs[parameter.name] = value
        else:
            positional = False
    if named or extra:
        raise CorruptFileError(f"{where}: arguments {sorted(named) or extra} do not fit {signature}.")
    return {"args": args, "kwargs": kwargs}


def _from_keras(value: Any, tensors: list[Any]) -> Any:
    """A Keras-serialized argument in OpLayer's encoding, tensors replaced by their position."""
    if isinstance(value, list):
        return [_from_keras(item, tensors) for item in value]
    if not isinstance(value, dict):
        return value
    kind, inner = value.get("class_name"), value.get("config") or {}
    if kind == TENSOR_CLASS:
        tensors.append(value)
        return {"__tensor__": len(tensors) - 1}
    if kind == "__slice__":
        return {"__slice__": [_from_keras(inner.get(part), tensors) for part in ("start", "stop", "step")]}
    if kind == "__ellipsis__":
        return {"__ellipsis__": True}
    if kind in ("__numpy__", "__tensor__"):
        return {"__array__": inner.get("value"), "dtype": inner.get("dtype")}
    if kind is not None:
        raise CorruptFileError(f"A Keras operation argument of class {kind!r} is not supported.")
    return {key: _from_keras(item, tensors) for key, item in value.items()}


# --- writing --------------------------------------------------------------------------------------

def keras_operation(layer: Any, inputs: list[Any], tensor: Callable[[Any], Any]) -> tuple[dict, list] | None:
    """``(entry without inbound nodes, node args)`` writing an OpLayer as the Keras operation of the
    same call, or None when Keras has no such operation (``tensor`` writes a symbolic tensor)."""
    class_name = _FUNCTIONS.get(layer.op)
    signature = _signature(layer.op)
    if class_name is None or signature is None:
        return None
    module, _, init, call = OPERATIONS[class_name]
    try:
        bound = signature.bind(*layer.arguments["args"], **layer.arguments["kwargs"])
    except TypeError:
        return None
    named = dict(bound.arguments)
    config: dict[str, Any] = {"name": layer.name}
    for name, has_default, _ in init:
        if name in named:
            config[name] = _to_keras(named.pop(name), inputs, tensor)
        elif not has_default:
            default = signature.parameters[name].default if name in signature.parameters else inspect.Parameter.empty
            if default is inspect.Parameter.empty:
                return None
            config[name] = default
    args: list[Any] = []
    for name, kind in call:
        if kind == "var_positional":
            args.extend(_to_keras(item, inputs, tensor) for item in named.pop(name, ()))
        elif kind != "var_keyword" and name in named:
            args.append(_to_keras(named.pop(name), inputs, tensor))
        elif kind != "var_keyword":
            break
    if named:
        return None
    return {"module": module, "class_name": class_name, "config": config, "registered_name": class_name}, args


def _to_keras(value: Any, inputs: list[Any], tensor: Callable[[Any], Any]) -> Any:
    if isinstance(value, list):
        return [_to_keras(item, inputs, tensor) for item in value]
    if not isinstance(value, dict):
        return value
    if "__tensor__" in value:
        return tensor(inputs[value["__tensor__"]])
    if "__tuple__" in value:
        return [_to_keras(item, inputs, tensor) for item in value["__tuple__"]]
    if "__slice__" in value:
        start, stop, step = (_to_keras(part, inputs, tensor) for part in value["__slice__"])
        return {"class_name": "__slice__", "config": {"start": start, "stop": stop, "step": step}}
    if "__ellipsis__" in value:
        return {"class_name": "__ellipsis__", "config": {}}
    if "__array__" in value:
        return {"class_name": "__numpy__", "config": {"value": value["__array__"], "dtype": value["dtype"]}}
    return {key: _to_keras(item, inputs, tensor) for key, item in value.items()}

"""Writes core/oneiros/saving/_keras_operations_table.py from the installed Keras 3: every
operation class of ``keras.src.ops`` with its function, constructor and call parameters, which
is how Keras writes an op applied to symbolic tensors (``x[:, 0]``, ``ops.mean(x, axis=1)``)
into a model file. Run ``python tests/saving/keras_operations_table.py`` after upgrading Keras;
tests/saving/test_keras_operations.py fails while the table is stale."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pprint
import sys
from pathlib import Path

TABLE = Path(__file__).resolve().parents[2] / "core" / "oneiros" / "saving" / "_keras_operations_table.py"
SUBMODULES = ("numpy", "nn", "math", "core", "linalg", "image")
HEADER = '''"""Keras 3's operation classes, as its model files name them: class name -> (module, function,
constructor parameters as (name, has_default, default), call parameters as (name, kind)).

Generated from Keras {version} by tests/saving/keras_operations_table.py; do not edit.
"""

from typing import Any

OPERATIONS: dict[str, tuple[str, str, list[tuple[str, bool, Any]], list[tuple[str, str]]]] = '''


def _default(parameter: inspect.Parameter) -> tuple[str, bool, object]:
    if parameter.default is inspect.Parameter.empty:
        return parameter.name, False, None
    try:
        json.dumps(parameter.default)
    except TypeError:
        return parameter.name, True, repr(parameter.default)
    value = list(parameter.default) if isinstance(parameter.default, tuple) else parameter.default
    return parameter.name, True, value


def _function_of(module: object, class_name: str) -> str | None:
    wanted = class_name.lower()
    names = [name for name in dir(module) if not name.startswith("_") and name.replace("_", "") == wanted
             and inspect.isfunction(getattr(module, name))]
    return names[0] if names else None


def operations() -> dict[str, tuple]:
    from keras.src.ops.operation import Operation

    table = {}
    for submodule in SUBMODULES:
        module = importlib.import_module(f"keras.src.ops.{submodule}")
        for class_name, cls in sorted(vars(module).items()):
            if not (inspect.isclass(cls) and issubclass(cls, Operation) and cls.__module__ == module.__name__):
                continue
            function = _function_of(module, class_name)
            if function is None:
                continue
            init = [_default(p) for p in list(inspect.signature(cls.__init__).parameters.values())[1:]
                    if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL) and p.name != "name"]
            call = [(p.name, p.kind.name.lower()) for p in list(inspect.signature(cls.call).parameters.values())[1:]]
            table[class_name] = (module.__name__, function, init, call)
    return table


def source() -> str:
    import keras

    lines = []
    for class_name, spec in sorted(operations().items()):
        entry = f"    {class_name!r}: {pprint.pformat(spec, width=116 - len(repr(class_name)) - 6)},"
        lines.append(entry.replace("\n", "\n" + " " * (len(repr(class_name)) + 6)))
    return HEADER.format(version=keras.__version__) + "{\n" + "\n".join(lines) + "\n}\n"


if __name__ == "__main__":
    os.environ.setdefault("KERAS_BACKEND", "jax")
    TABLE.write_text(source())
    print(f"wrote {TABLE}", file=sys.stderr)

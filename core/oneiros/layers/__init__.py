"""Oneiros layers: the core's built-ins, and every plugin's through ``get`` and attribute access.

Only the base classes live here as plain attributes; every concrete layer (``layers.Dense``,
``layers.Conv2D``...) resolves through the layer registry, so plugins and overrides apply.
"""

from oneiros._namespace import registry_accessors
from oneiros.layers._symbolic import SymbolicTensor
from oneiros.layers.layer import InputSpec, Layer

get, __getattr__ = registry_accessors("layers", __name__)


def _builtins() -> list:
    from oneiros.layers.dense import Dense
    from oneiros.layers.input_layer import Input, InputLayer
    from oneiros.models import Functional, Model, Sequential

    return [InputLayer, ("Input", Input), Dense, Model, Functional, Sequential]


__all__ = ["InputSpec", "Layer", "SymbolicTensor", "get"]

"""How an op runs: traced arguments build graph nodes; concrete ones run the same lowering eagerly.

An eager call traces the op alone into a small graph whose inputs are its array arguments, builds
an ONNX Runtime session for it once per signature (op, static arguments, dtypes and shapes) and
runs it, so eager results come from the same lowering that compiled graphs use. ``backend.jit``
traces whole functions the same way (:class:`TraceCache`).
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

from oneiros_onnx._graph import Graph, Symbol
from oneiros_onnx._layer_context import naming_layer
from oneiros_onnx._runtime import EAGER_OPTIONS, CompiledGraph, RuntimeOptions
from oneiros_onnx._trace import concrete, is_python_scalar, is_symbolic, tracing
from oneiros_onnx._tree import Unhashable, flatten, structure_key


def is_array(value: Any) -> bool:
    """A concrete tensor argument: numpy arrays and scalars, and other engines' arrays."""
    if isinstance(value, (np.ndarray, np.generic)):
        return True
    return (not isinstance(value, (Symbol, str, bytes, list, tuple, dict)) and not is_python_scalar(value)
            and hasattr(value, "__array__") and hasattr(value, "shape") and hasattr(value, "dtype"))


class TraceCache:
    """Runs functions of arrays by tracing them into graphs, one session per argument signature.

    Array leaves of the arguments become graph inputs; everything else (Python scalars, shapes,
    strings) is static and part of the signature. A function among the static arguments makes
    the call uncacheable: it is traced afresh each time.
    """

    def __init__(self, options: RuntimeOptions, size: int):
        self.options = options
        self.size = size
        self.traces = 0
        self._cache: OrderedDict[Any, CompiledGraph] = OrderedDict()
        self._lock = threading.Lock()

    def run(self, function: Callable, args: tuple, kwargs: dict) -> Any:
        leaves, rebuild = flatten((args, kwargs), is_array)
        arrays = [concrete(leaf) for leaf in leaves]
        try:
            key = (function, structure_key((args, kwargs), is_array, lambda _: None),
                   tuple((array.dtype.str, array.shape) for array in arrays))
        except Unhashable:
            key = None
        compiled = self._lookup(key)
        if compiled is None:
            compiled = self._trace(function, rebuild, arrays)
            self._store(key, compiled)
        return compiled.run(arrays)

    def _trace(self, function: Callable, rebuild: Callable, arrays: list[np.ndarray]) -> CompiledGraph:
        graph = Graph()
        with tracing(graph), naming_layer():
            inputs = [graph.add_input(array.dtype.name, array.shape) for array in arrays]
            traced_args, traced_kwargs = rebuild(inputs)
            result = function(*traced_args, **traced_kwargs)
        self.traces += 1
        return CompiledGraph(graph, inputs, result, self.options, name=getattr(function, "__name__", "function"))

    def _lookup(self, key: Any) -> CompiledGraph | None:
        if key is None:
            return None
        with self._lock:
            compiled = self._cache.get(key)
            if compiled is not None:
                self._cache.move_to_end(key)
            return compiled

    def _store(self, key: Any, compiled: CompiledGraph) -> None:
        if key is None:
            return
        with self._lock:
            self._cache[key] = compiled
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)


EAGER = TraceCache(EAGER_OPTIONS, size=1024)  # ~80 KB per one-op session


def lowered(function: Callable, name: str | None = None) -> Callable:
    """The op (called ``name``, default the function's) for ``function``, a lowering written on
    traced values."""

    @functools.wraps(function)
    def op(*args: Any, **kwargs: Any) -> Any:
        if is_symbolic(args) or is_symbolic(kwargs):
            return function(*args, **kwargs)
        return EAGER.run(function, args, kwargs)

    if name is not None:
        op.__name__ = op.__qualname__ = name
    return op

"""Whole functions compiled to ONNX Runtime sessions: inference (weights as initializers) and jit."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from oneiros_onnx._concurrent import ConcurrentRuns, splits_by_rows, worth_splitting
from oneiros_onnx._dispatch import TraceCache, is_array
from oneiros_onnx._graph import Graph, Symbol
from oneiros_onnx._layer_context import naming_layer
from oneiros_onnx._runtime import CompiledGraph, RuntimeOptions
from oneiros_onnx._trace import concrete, tracing
from oneiros_onnx._tree import Unhashable, flatten, structure_key


@dataclass
class TracedModel:
    """A function traced with its parameters as initializers and a dynamic batch axis on its inputs."""

    graph: Graph
    inputs: list[Symbol]
    result: Any


def trace_inference(function: Callable, params: Sequence[Any], inputs: Any, *,
                    param_names: Sequence[str] | None = None, input_names: Sequence[str] | None = None) -> TracedModel:
    """Traces ``function(*params, inputs)``: array leaves of ``params`` become initializers (named
    ``param_names``), array leaves of ``inputs`` graph inputs whose first axis is the batch."""
    param_leaves, rebuild_params = flatten(list(params), is_array)
    input_leaves, rebuild_inputs = flatten(inputs, is_array)
    graph = Graph()
    with tracing(graph), naming_layer():
        weights = [graph.initializer(concrete(leaf), None if param_names is None else param_names[index])
                   for index, leaf in enumerate(param_leaves)]
        symbols = [graph.add_batched_input(array.dtype.name, array.shape,
                                           None if input_names is None else input_names[index])
                   for index, array in enumerate(concrete(leaf) for leaf in input_leaves)]
        result = function(*rebuild_params(weights), rebuild_inputs(symbols))
    return TracedModel(graph, symbols, result)


@dataclass
class _Session:
    params: list[Any]
    generation: int
    compiled: CompiledGraph
    concurrent: ConcurrentRuns | None
    checked: bool = False
    """Whether a call has shown that row chunks reproduce the whole batch's outputs."""

    def serves(self, params: list[Any], generation: int) -> bool:
        """Built with these very parameter objects, under the backend's current options."""
        return generation == self.generation and len(params) == len(self.params) and all(
            held is given for held, given in zip(self.params, params))


class InferenceFunction:
    """``fn(*params, inputs)`` for repeated inference calls, compiled once per input signature.

    The signature is the inputs' structure, dtypes and shapes without the batch axis, which is
    dynamic: batches of any size share one session. The parameters (weights) are initializers
    of the graph, so ONNX Runtime can pre-pack them; new parameter objects (after training, or
    ``set_weights``) rebuild the session. ``sessions_built`` counts the sessions made.

    Batches are split into row chunks run at once (``RuntimeOptions.concurrent_runs``) when every
    input and output has the batch axis first and rows are large (:func:`worth_splitting`); the
    first call that splits also runs the batch whole and compares, and a function whose rows
    interact (outputs differ) gets a session of one run per call instead.
    """

    def __init__(self, function: Callable, backend: Any):
        self.function = function
        self.backend = backend
        self.sessions_built = 0
        self._sessions: dict[Any, _Session] = {}
        self._lock = threading.Lock()

    def __call__(self, *args: Any) -> Any:
        if not args:
            raise TypeError("An inference function takes its parameters then its inputs; received no arguments.")
        *params, inputs = args
        param_leaves, _ = flatten(params, is_array)
        input_leaves, _ = flatten(inputs, is_array)
        arrays = [concrete(leaf) for leaf in input_leaves]
        key = self._signature(params, inputs, arrays)
        session = self._sessions.get(key)
        if session is None or not session.serves(param_leaves, self.backend.generation):
            session = self._build(key, params, inputs, param_leaves, self.backend.options.inference_runs())
        compiled, concurrent = session.compiled, session.concurrent
        if concurrent is None or concurrent.chunks(arrays) == 1:
            return compiled.run(arrays)
        if session.checked:
            return compiled.assemble(concurrent.run(compiled.outputs, arrays))
        whole = compiled.outputs(arrays)
        if concurrent.agrees(compiled.outputs, arrays, whole):
            session.checked = True
        else:
            self._build(key, params, inputs, param_leaves, runs=1)
        return compiled.assemble(whole)

    @staticmethod
    def _signature(params: Any, inputs: Any, arrays: list[np.ndarray]) -> Any:
        try:
            static = structure_key((params, inputs), is_array, lambda _: None)
        except Unhashable:
            static = None
        return static, tuple((array.dtype.str, array.shape[1:], array.ndim) for array in arrays)

    def _build(self, key: Any, params: list[Any], inputs: Any, param_leaves: list[Any], runs: int) -> _Session:
        with self._lock:
            traced = trace_inference(self.function, params, inputs)
            options = self.backend.options
            name = getattr(self.function, "__name__", "inference")
            if runs == 1 or not splits_by_rows(traced.inputs, traced.result):
                compiled = CompiledGraph(traced.graph, traced.inputs, traced.result, options, name=name)
                concurrent = None
            else:
                compiled = CompiledGraph(traced.graph, traced.inputs, traced.result, options, name=name,
                                         options_for_rows=lambda row_bytes: options.for_concurrent_runs(
                                             runs if worth_splitting(row_bytes) else 1))
                concurrent = ConcurrentRuns.for_rows_of(runs, compiled.row_bytes) \
                    if worth_splitting(compiled.row_bytes) else None
            session = _Session(list(param_leaves), self.backend.generation, compiled, concurrent)
            if key[0] is not None:
                self._sessions[key] = session
            self.sessions_built += 1
            return session


class JitFunction:
    """``backend.jit(fn)``: ``fn`` traced per argument signature (static shapes) and run in a session."""

    def __init__(self, function: Callable, backend: Any):
        self.function = function
        self.backend = backend
        self._generation = backend.generation
        self._cache = TraceCache(backend.options, size=64)

    @property
    def traces(self) -> int:
        return self._cache.traces

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._generation != self.backend.generation:
            self._generation, self._cache = self.backend.generation, TraceCache(self.backend.options, size=64)
        return self._cache.run(self.function, args, kwargs)


__all__ = ["InferenceFunction", "JitFunction", "RuntimeOptions", "TracedModel", "trace_inference"]

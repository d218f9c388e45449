"""The PyTensor backend: ops build PyTensor graphs, gradients come from ``pytensor.grad``, and
``jit`` compiles one ``pytensor.function`` per call signature with the C linker (see ``_linker``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytensor
import pytensor.tensor as pt
from oneiros import dtypes
from oneiros._tree import tree_leaves, tree_map
from oneiros.backend import JIT, TRAINABLE, Backend
from pytensor.graph.basic import Variable
from pytensor.graph.replace import graph_replace
from pytensor.graph.traversal import io_toposort

from oneiros_pytensor import ops as pytensor_ops
from oneiros_pytensor._graph import any_traced, evaluate, evaluate_tree
from oneiros_pytensor._linker import compile_mode, linker_name, use_oneiros_compiledir
from oneiros_pytensor._tensors import as_numpy, static_shape, tensor


def _rebuild(tree: Any, leaves: list[Any]) -> Any:
    remaining = iter(leaves)
    return tree_map(lambda _: next(remaining), tree)


def _is_array(value: Any) -> bool:
    return isinstance(value, (np.ndarray, np.generic)) and not isinstance(value, (bool, int, float))


def _placeholder(value: Any) -> Any:
    array = as_numpy(value)
    return pt.tensor(dtype=array.dtype.name, shape=array.shape)


def _gradients(fn: Callable, has_aux: bool, params: Any, leaves: list[Any], args: tuple, kwargs: dict) -> tuple:
    """The traced (value, aux) and gradients of ``fn`` for traced parameter ``leaves``."""
    not_float = [leaf.dtype for leaf in leaves if leaf.dtype not in dtypes.FLOATS]
    if not_float:
        raise TypeError(f"value_and_grad differentiates float tensors only; params hold {not_float}.")
    output = fn(_rebuild(params, leaves), *args, **kwargs)
    value, aux = output if has_aux else (output, None)
    value = tensor(value)
    if value.ndim != 0 or value.dtype not in dtypes.FLOATS:
        raise TypeError(f"value_and_grad needs fn to return a float scalar; it returned "
                        f"{value.dtype}{list(static_shape(value))}.")
    grads = pt.grad(value, leaves, disconnected_inputs="ignore", return_disconnected="zero") if leaves else []
    grads = [grad if grad.dtype == leaf.dtype else pt.cast(grad, leaf.dtype) for grad, leaf in zip(grads, leaves)]
    return value, aux, grads


@dataclass
class _Traced:
    """One signature's graph: its placeholders, output tree and traced output positions, the
    number of calls so far and, once compiled, its function."""

    placeholders: list[Any]
    output: Any
    traced: list[int]
    nodes: list[Any]
    calls: int = 0
    function: Any = None


class _Compiled:
    """``fn`` traced once per signature (tree structure, dtypes and shapes of the array leaves,
    values of the other leaves), then run by the linker ``_linker.linker_name`` names.

    With a compiling linker, a signature's first calls still run on the numpy ``perform``
    interpreter: a function called once or twice (an evaluation, a gradient check, the
    conformance kit's) never waits for a compile; a training step compiles at its third.
    """

    COMPILE_AT_CALL = 3

    def __init__(self, fn: Callable) -> None:
        self.fn = fn
        self.graphs: dict[Any, _Traced] = {}

    def _trace(self, arguments: Any, leaves: list[Any]) -> _Traced:
        substituted = list(leaves)
        placeholders = []
        for index, leaf in enumerate(leaves):
            if isinstance(leaf, np.ndarray):
                substituted[index] = _placeholder(leaf)
                placeholders.append(substituted[index])
        args, kwargs = _rebuild(arguments, substituted)
        output = self.fn(*args, **kwargs)
        output_leaves = tree_leaves(output)
        traced = [index for index, leaf in enumerate(output_leaves) if isinstance(leaf, Variable)]
        nodes = io_toposort([], [output_leaves[index] for index in traced])
        return _Traced(placeholders, output, traced, nodes)

    def _compile(self, graph: _Traced, mode: Any) -> Any:
        output_leaves = tree_leaves(graph.output)
        function = pytensor.function(graph.placeholders, [output_leaves[index] for index in graph.traced],
                                     mode=mode, on_unused_input="ignore")
        function.trust_input = True  # the signature key already guarantees dtypes and shapes
        return function

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        arguments = (args, kwargs)
        leaves = tree_leaves(arguments)
        if any_traced(leaves):
            return self.fn(*args, **kwargs)  # inside another trace: inline
        leaves = [as_numpy(leaf) if _is_array(leaf) else leaf for leaf in leaves]
        key = (repr(_rebuild(arguments, [None] * len(leaves))),
               tuple((leaf.dtype.name, leaf.shape) if isinstance(leaf, np.ndarray) else ("static", repr(leaf))
                     for leaf in leaves))
        graph = self.graphs.get(key)
        if graph is None:
            graph = self.graphs[key] = self._trace(arguments, leaves)
        graph.calls += 1
        arrays = [leaf for leaf in leaves if isinstance(leaf, np.ndarray)]
        output_leaves = list(tree_leaves(graph.output))
        mode = compile_mode(linker_name())
        if graph.function is None and mode is not None and graph.calls >= self.COMPILE_AT_CALL:
            graph.function = self._compile(graph, mode)
        if graph.function is None:
            targets = [output_leaves[index] for index in graph.traced]
            values = evaluate(targets, dict(zip(graph.placeholders, arrays)), graph.nodes)
            results = [values[id(target)] for target in targets]
        else:
            results = graph.function(*arrays)
        for index, value in zip(graph.traced, results):
            output_leaves[index] = value
        return _rebuild(graph.output, output_leaves)


class PytensorBackend(Backend):
    """Eager tensors are numpy arrays; traced ones are PyTensor variables.

    Eager ops evaluate their small graph at once with each node's numpy ``perform`` (no
    compilation); ``jit`` traces a function into one graph per call signature and runs it the
    way ``oneiros_pytensor._linker`` chose by measurement (or ``ONEIROS_PYTENSOR_LINKER`` asks).
    """

    name: ClassVar[str] = "pytensor"
    capabilities: ClassVar[frozenset[str]] = frozenset({TRAINABLE, JIT})
    ops = pytensor_ops
    conformance_exclusions: ClassVar[Path] = Path(__file__).with_name("conformance_exclusions.txt")

    def __init__(self) -> None:
        use_oneiros_compiledir()

    def value_and_grad(self, fn: Callable, has_aux: bool = False) -> Callable:
        def run(params: Any, *args: Any, **kwargs: Any) -> Any:
            leaves = tree_leaves(params)
            if any_traced(leaves) or any_traced(args) or any_traced(kwargs):
                # Gradients for fresh root variables, then the leaves put in their place: a tensor
                # passed twice gets two separate gradients, and a scan body closing over a leaf
                # still reaches it (scan takes a closed-over variable's whole graph back to its
                # roots as inputs, which would leave a non-root leaf disconnected).
                traced = [tensor(leaf) for leaf in leaves]
                roots = [leaf.type() for leaf in traced]
                value, aux, grads = _gradients(fn, has_aux, params, roots, args, kwargs)
                outputs = [value, *tree_leaves(aux), *grads]
                symbolic = [index for index, output in enumerate(outputs) if isinstance(output, Variable)]
                replaced = graph_replace([outputs[index] for index in symbolic], dict(zip(roots, traced)),
                                         strict=False)
                for index, output in zip(symbolic, replaced):
                    outputs[index] = output
                aux_count = len(outputs) - 1 - len(grads)
                value, aux = outputs[0], _rebuild(aux, outputs[1:1 + aux_count])
                return ((value, aux) if has_aux else value), _rebuild(params, outputs[1 + aux_count:])
            arrays = [as_numpy(leaf) for leaf in leaves]
            placeholders = [_placeholder(array) for array in arrays]
            value, aux, grads = _gradients(fn, has_aux, params, placeholders, args, kwargs)
            value, aux, grads = evaluate_tree((value, aux, grads), dict(zip(placeholders, arrays)))
            return ((value, aux) if has_aux else value), _rebuild(params, grads)

        return run

    def jit(self, fn: Callable, donate_argnums: Sequence[int] = ()) -> Callable:
        return _Compiled(fn)

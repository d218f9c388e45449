"""``Backend.jit`` on PyTensor: one traced graph per call signature, run on perform, then compiled.

Donated state is updated in place. The compiled function takes the leaves of the arguments the
caller donates (``jit(fn, donate_argnums)``: the trainer's state) as ``In(mutable=True)`` inputs,
so PyTensor's inplace rewrites write the new weights and Adam's moments into the buffers they
replace instead of allocating fresh ones every step, as XLA reuses donated buffers. Only buffers
this module made may be overwritten: the arrays a donating compiled function returned (PyTensor
copies any output that would alias an input it did not destroy). Any other donated array (one a
variable holds since ``set_weights`` or its creation, an initializer's, the same array donated
twice) is copied once before the call. ``to_numpy`` always copies, so arrays handed out through it
(``get_weights``, ``Variable.numpy()``, callbacks' saved weights) never change; a backend tensor
read from ``Variable.value`` after a fit may change in a later fit, as JAX deletes donated ones.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.graph.basic import Constant, Variable
from pytensor.graph.traversal import io_toposort

from oneiros_pytensor._graph import evaluate
from oneiros_pytensor._linker import compile_mode, linker_name
from oneiros_pytensor._tensors import SUPPORTED, as_numpy

_SUPPORTED_DTYPES = frozenset(np.dtype(name) for name in SUPPORTED)


def flatten(tree: Any) -> tuple[list[Any], Any]:
    """The leaves of nested lists, tuples, named tuples and dicts (None is no leaf, as in
    ``oneiros._tree``), and a hashable description of the nesting. Runs on every step: arrays,
    the usual leaves, are recognised first."""
    leaves: list[Any] = []
    append = leaves.append

    def walk(node: Any) -> Any:
        kind = type(node)
        if kind is np.ndarray:
            append(node)
            return ()
        if kind is list or kind is tuple or (kind is not dict and isinstance(node, (list, tuple))):
            return (kind, tuple([walk(item) for item in node]))
        if isinstance(node, dict):
            return (dict, tuple([(key, walk(value)) for key, value in node.items()]))
        if node is None:
            return None
        append(node)
        return ()

    return leaves, walk(tree)


def unflatten(structure: Any, leaves: Sequence[Any]) -> Any:
    """The tree ``flatten`` described, holding ``leaves``."""
    remaining = iter(leaves)

    def build(node: Any) -> Any:
        if node is None:
            return None
        if node == ():
            return next(remaining)
        kind, children = node
        if kind is dict:
            return {key: build(child) for key, child in children}
        items = [build(child) for child in children]
        return kind(*items) if hasattr(kind, "_fields") else kind(items)

    return build(structure)


def _host(leaf: Any) -> Any:
    """An array leaf as a numpy array of a supported dtype; other leaves as they are."""
    if isinstance(leaf, np.ndarray) and leaf.dtype in _SUPPORTED_DTYPES:
        return leaf
    if isinstance(leaf, (np.ndarray, np.generic)):
        return as_numpy(leaf)
    return leaf


def _traced(leaf: Any) -> bool:
    return isinstance(leaf, Variable) and not isinstance(leaf, Constant)


class OwnedBuffers:
    """Arrays a donating compiled function returned: it may overwrite them when they come back
    donated. Held weakly, by identity (numpy arrays do not hash)."""

    def __init__(self) -> None:
        self._references: dict[int, weakref.ref] = {}

    def adopt(self, arrays: Sequence[Any]) -> None:
        for array in arrays:
            key = id(array)
            if key not in self._references:
                self._references[key] = weakref.ref(array, lambda _, key=key: self._references.pop(key, None))

    def owns(self, array: Any) -> bool:
        reference = self._references.get(id(array))
        return reference is not None and reference() is array


OWNED = OwnedBuffers()


@dataclass
class _Traced:
    """One signature's graph: its placeholders, which of them the caller donates, the output
    tree and its traced positions, the calls so far and, once compiled, its function."""

    placeholders: list[Any]
    donated: list[int]
    output_leaves: list[Any]
    output_structure: Any
    traced: list[int]
    targets: list[Any]
    nodes: list[Any]
    calls: int = 0
    function: Any = None


class Compiled:
    """``fn`` traced once per signature (tree structure, dtypes and shapes of the array leaves,
    values of the other leaves), then run by the linker ``_linker.linker_name`` names.

    With a compiling linker, a signature's first calls still run on the numpy ``perform``
    interpreter: a function called once or twice (an evaluation, a gradient check, the
    conformance kit's) never waits for a compile; a training step compiles at its third.
    """

    COMPILE_AT_CALL = 3

    def __init__(self, fn: Callable, donate_argnums: Sequence[int] = ()) -> None:
        self.fn = fn
        self.donate_argnums = tuple(donate_argnums)
        self.graphs: dict[Any, _Traced] = {}

    def _donated_leaves(self, args: tuple) -> set[int]:
        """Positions, among the leaves of ``(args, kwargs)``, of those in donated arguments."""
        positions: set[int] = set()
        start = 0
        for index, arg in enumerate(args):
            count = len(flatten(arg)[0])
            if index in self.donate_argnums:
                positions.update(range(start, start + count))
            start += count
        return positions

    def _trace(self, args: tuple, structure: Any, leaves: list[Any]) -> _Traced:
        donated_leaves = self._donated_leaves(args)
        substituted = list(leaves)
        placeholders, donated = [], []
        for index, leaf in enumerate(leaves):
            if isinstance(leaf, np.ndarray):
                if index in donated_leaves:
                    donated.append(len(placeholders))
                substituted[index] = pt.tensor(dtype=leaf.dtype.name, shape=leaf.shape)
                placeholders.append(substituted[index])
        traced_args, kwargs = unflatten(structure, substituted)
        output_leaves, output_structure = flatten(self.fn(*traced_args, **kwargs))
        traced = [index for index, leaf in enumerate(output_leaves) if isinstance(leaf, Variable)]
        targets = [output_leaves[index] for index in traced]
        return _Traced(placeholders, donated, output_leaves, output_structure, traced, targets,
                       io_toposort([], targets))

    def _compile(self, graph: _Traced, mode: Any) -> Any:
        donated = set(graph.donated)
        inputs = [pytensor.In(placeholder, mutable=True) if index in donated else placeholder
                  for index, placeholder in enumerate(graph.placeholders)]
        function = pytensor.function(inputs, graph.targets, mode=mode, on_unused_input="ignore")
        function.trust_input = True  # the signature key already guarantees dtypes and shapes
        return function

    @staticmethod
    def _writable(graph: _Traced, arrays: list[np.ndarray]) -> None:
        """Copies, in ``arrays``, each donated array the function may not overwrite: one it did
        not return, or one passed in two places."""
        donated = set(graph.donated)
        seen = {id(array) for index, array in enumerate(arrays) if index not in donated}
        for index in graph.donated:
            array = arrays[index]
            if id(array) in seen or not OWNED.owns(array):
                array = arrays[index] = array.copy()
            seen.add(id(array))

    def prepare(self, args: tuple, kwargs: dict) -> tuple[_Traced, list[np.ndarray]] | None:
        """The graph of this call's signature (traced at its first call, compiled at its
        :data:`COMPILE_AT_CALL`-th) and the call's arrays; None inside another trace."""
        leaves, structure = flatten((args, kwargs))
        for index, leaf in enumerate(leaves):
            if type(leaf) is np.ndarray and leaf.dtype in _SUPPORTED_DTYPES:
                continue
            if _traced(leaf):
                return None
            leaves[index] = _host(leaf)
        key = (structure, tuple([(leaf.dtype, leaf.shape) if isinstance(leaf, np.ndarray) else ("static", repr(leaf))
                                 for leaf in leaves]))
        graph = self.graphs.get(key)
        if graph is None:
            graph = self.graphs[key] = self._trace(args, structure, leaves)
        graph.calls += 1
        mode = compile_mode(linker_name())
        if graph.function is None and mode is not None and graph.calls >= self.COMPILE_AT_CALL:
            graph.function = self._compile(graph, mode)
        return graph, [leaf for leaf in leaves if isinstance(leaf, np.ndarray)]

    def run(self, graph: _Traced, arrays: list[np.ndarray]) -> list[Any]:
        """The values of ``graph``'s traced outputs for input ``arrays``."""
        if graph.function is None:
            values = evaluate(graph.targets, dict(zip(graph.placeholders, arrays)), graph.nodes)
            return [values[id(target)] for target in graph.targets]
        if graph.donated:
            self._writable(graph, arrays)
        results = graph.function(*arrays)
        if graph.donated:
            OWNED.adopt(results)
        return results

    @staticmethod
    def outputs(graph: _Traced, results: Sequence[Any]) -> Any:
        """``fn``'s return value: its output tree holding ``results`` where it was traced."""
        output_leaves = list(graph.output_leaves)
        for index, value in zip(graph.traced, results):
            output_leaves[index] = value
        return unflatten(graph.output_structure, output_leaves)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        prepared = self.prepare(args, kwargs)
        if prepared is None:
            return self.fn(*args, **kwargs)  # inside another trace: inline
        graph, arrays = prepared
        return self.outputs(graph, self.run(graph, arrays))

"""The PlaidML backend: ops build Tile programs; ``jit`` composes one program per input signature."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import plaidml.op
import plaidml.tile as tile
from oneiros import dtypes
from oneiros._tree import tree_leaves, tree_map
from oneiros.backend import JIT, TRAINABLE, Backend

from oneiros_plaidml import ops as plaidml_ops
from oneiros_plaidml._engine import engine, tile_dtype
from oneiros_plaidml._tensor import PlaidTensor, as_tensor, emit, materialize


def _rebuild(tree: Any, leaves: Sequence[Any]) -> Any:
    remaining = iter(leaves)
    return tree_map(lambda _: next(remaining), tree)


def _is_array(leaf: Any) -> bool:
    return isinstance(leaf, (PlaidTensor, np.ndarray))


def _concrete_var(tensor: PlaidTensor) -> Any:
    """The device buffer holding ``tensor`` (running its program first if it is still lazy)."""
    if tensor._value is not None and not tensor._value.source:
        return tensor._value.var
    if tensor._value is not None:
        materialize([tensor])
    return tensor.value.var


class _Program:
    """One traced and composed PlaidML function for one input signature."""

    def __init__(self, fn: Callable, tree: Any, leaves: list[Any]) -> None:
        self.tree = tree
        placeholders = []
        traced_leaves = []
        for leaf in leaves:
            if _is_array(leaf):
                tensor = as_tensor(leaf)
                placeholder = tile.Value.from_dimensions(tensor.shape, tile_dtype(tensor.dtype))
                placeholders.append(placeholder)
                traced_leaves.append(PlaidTensor(tensor.shape, tensor.dtype, placeholder, traced=True))
            else:
                traced_leaves.append(leaf)
        args, kwargs = _rebuild(tree, traced_leaves)
        output = fn(*args, **kwargs)
        self.output_tree = output
        self.output_leaves: list[Any] = []
        self.results: list[tuple[int, tuple[int, ...], str]] = []
        outputs = []
        for position, leaf in enumerate(tree_leaves(output)):
            if isinstance(leaf, PlaidTensor) and leaf.traced:
                if leaf._value.var is not None:
                    leaf = emit("O = I0;", [leaf], leaf.shape, leaf.dtype)
                outputs.append((f"Y{len(outputs)}", leaf.value))
                self.results.append((position, leaf.shape, leaf.dtype))
            self.output_leaves.append(leaf)
        run = engine()
        inputs = [(f"X{index}", placeholder) for index, placeholder in enumerate(placeholders)]
        self.invoker = run.invoker(run.compose(inputs, outputs)) if outputs else None
        self.input_names = [name for name, _ in inputs]

    def __call__(self, arrays: list[PlaidTensor]) -> Any:
        leaves = list(self.output_leaves)
        if self.invoker is not None:
            run = engine()
            for name, tensor in zip(self.input_names, arrays):
                self.invoker.set_input(name, _concrete_var(tensor))
            for index, (position, shape, dtype) in enumerate(self.results):
                buffer = run.allocate(shape, dtype)
                self.invoker.set_output(f"Y{index}", buffer)
                leaves[position] = PlaidTensor(shape, dtype, tile.Value.from_var(buffer, shape, tile_dtype(dtype)))
            self.invoker.invoke()
        return _rebuild(self.output_tree, leaves)


class _Compiled:
    """``fn`` compiled once per signature (shapes and dtypes of its arrays, its other arguments)."""

    def __init__(self, fn: Callable) -> None:
        self.fn = fn
        self.programs: dict[Any, _Program] = {}

    def trace_and_run(self, params: Any, args: tuple, kwargs: dict) -> Any:
        """Runs ``fn(params, *args, **kwargs)`` compiled with only ``params`` as program inputs.

        Traced afresh on every call: whatever ``args``, ``kwargs`` or ``fn``'s closure hold becomes
        a constant of the program, and those may differ between calls (eager semantics).
        """
        leaves = tree_leaves(params)
        program = _Program(lambda *flat: self.fn(_rebuild(params, list(flat)), *args, **kwargs),
                           (tuple(leaves), {}), leaves)
        return program(leaves)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        tree = (args, kwargs)
        leaves = tree_leaves(tree)
        if any(isinstance(leaf, PlaidTensor) and leaf.traced for leaf in leaves):
            return self.fn(*args, **kwargs)  # already inside a traced program: inline
        arrays = [as_tensor(leaf) for leaf in leaves if _is_array(leaf)]
        static = tuple(repr(leaf) for leaf in leaves if not _is_array(leaf))
        key = (tuple((array.shape, array.dtype) for array in arrays), static, repr(_rebuild(tree, [0] * len(leaves))))
        program = self.programs.get(key)
        if program is None:
            program = self.programs[key] = _Program(self.fn, tree, leaves)
        return program(arrays)


class PlaidmlBackend(Backend):
    """Tensors are Tile values with static shapes on PlaidML's device (LLVM CPU by default).

    Eager op calls build a Tile expression; reading a result composes and runs it as one
    program. ``jit`` traces a function with placeholders once per input signature and keeps
    the composed program; gradients come from PlaidML's autodiff over the Tile program. Loops
    (``scan``, ``fori_loop``) are unrolled: Tile has no control flow.
    """

    name: ClassVar[str] = "plaidml"
    capabilities: ClassVar[frozenset[str]] = frozenset({TRAINABLE, JIT})
    ops = plaidml_ops
    conformance_exclusions: ClassVar[Path] = Path(__file__).with_name("conformance_exclusions.txt")

    def devices(self) -> list[str]:
        return engine().device_names()

    def jit(self, fn: Callable, donate_argnums: Sequence[int] = ()) -> Callable:
        return _Compiled(fn)

    def to_device(self, tree: Any) -> Any:
        return tree_map(as_tensor, tree)

    def value_and_grad(self, fn: Callable, has_aux: bool = False) -> Callable:
        def differentiate(params: Any, *args: Any, **kwargs: Any) -> Any:
            """PlaidML differentiates with respect to program inputs only: ``params`` are placeholders."""
            leaves = tree_leaves(params)
            output = fn(params, *args, **kwargs)
            value, aux = output if has_aux else (output, None)
            value = as_tensor(value)
            if value.shape != () or value.dtype not in dtypes.FLOATS:
                raise TypeError(f"value_and_grad needs fn to return a float scalar; it returned "
                                f"{value.dtype}{list(value.shape)}.")
            gradients = plaidml.op.gradients(value.value, [leaf.value for leaf in leaves]) if leaves else []
            grads = [PlaidTensor(leaf.shape, leaf.dtype, gradient, traced=True)
                     for leaf, gradient in zip(leaves, gradients)]
            return ((value, aux) if has_aux else value), _rebuild(params, grads)

        compiled = _Compiled(differentiate)

        def run(params: Any, *args: Any, **kwargs: Any) -> Any:
            leaves = [as_tensor(leaf) for leaf in tree_leaves(params)]
            not_float = [leaf.dtype for leaf in leaves if leaf.dtype not in dtypes.FLOATS]
            if not_float:
                raise TypeError(f"value_and_grad differentiates float tensors only; params hold {not_float}.")
            if not any(leaf.traced for leaf in leaves):
                # Eagerly: one program computing the value and the gradients, params its inputs.
                return compiled.trace_and_run(_rebuild(params, leaves), args, kwargs)
            if not all(_is_placeholder(leaf) for leaf in leaves):
                raise TypeError("value_and_grad inside jit differentiates with respect to the compiled "
                                "function's own array arguments only (PlaidML's autodiff follows program inputs).")
            return differentiate(_rebuild(params, leaves), *args, **kwargs)

        return run


def _is_placeholder(tensor: PlaidTensor) -> bool:
    return tensor._value is not None and tensor._value.source is None and tensor.traced

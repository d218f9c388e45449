"""The PyTensor backend: ops build PyTensor graphs, gradients come from ``pytensor.grad``, and
``jit`` compiles one ``pytensor.function`` per call signature with the C linker (see ``_linker``),
updating donated state in place (see ``_compiled``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytensor.tensor as pt
from oneiros import dtypes
from oneiros._tree import tree_leaves, tree_map
from oneiros.backend import JIT, TRAINABLE, Backend
from pytensor.graph.basic import Variable
from pytensor.graph.replace import graph_replace

from oneiros_pytensor import ops as pytensor_ops
from oneiros_pytensor._compiled import Compiled
from oneiros_pytensor._fused_updates import fused_update
from oneiros_pytensor._graph import any_traced, evaluate_tree
from oneiros_pytensor._linker import linker_name, use_oneiros_compiledir
from oneiros_pytensor._looped_steps import FusedSteps, LoopedSteps
from oneiros_pytensor._tensors import as_numpy, static_shape, tensor


def _rebuild(tree: Any, leaves: list[Any]) -> Any:
    remaining = iter(leaves)
    return tree_map(lambda _: next(remaining), tree)


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


AUTO_GROUP = 8


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
        if isinstance(fn, FusedSteps):
            return LoopedSteps(fn, donate_argnums)
        return Compiled(fn, donate_argnums)

    def fuse_steps(self, step: Callable, steps: int) -> Callable:
        """Looped, not traced into one graph: see ``_looped_steps``."""
        return FusedSteps(step, steps, super().fuse_steps(step, steps))

    @property
    def auto_steps_per_execution(self) -> int:
        """Eight: a group compiles nothing new (see ``fuse_steps``) and 8 steps per call leave
        an eighth of the Python around each step, under 1% of the MLP's 2 ms step (whose fits
        ran 2% faster), while per-batch callbacks that only read the logs (the progress bar)
        still hear of every eighth batch."""
        return AUTO_GROUP

    def fused_optimizer_update(self, rule: str, hyperparameters: Mapping[str, Any],
                               param_dtypes: Sequence[str]) -> Callable | None:
        if linker_name() == "numba":
            return None  # the fused op has no Numba code (object mode); Numba fuses the rule's ops itself
        return fused_update(rule, hyperparameters, param_dtypes)

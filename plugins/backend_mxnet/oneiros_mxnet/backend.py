"""The MXNet backend: eager ops on mxnet.numpy, gradients with mxnet.autograd."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from mxnet import autograd
from mxnet.base import MXNetError
from oneiros import dtypes
from oneiros._tree import tree_leaves, tree_map
from oneiros.backend import TRAINABLE, Backend

from oneiros_mxnet import ops as mxnet_ops
from oneiros_mxnet._donation import donating
from oneiros_mxnet._engine import device_names
from oneiros_mxnet._fused_updates import fused_update
from oneiros_mxnet._tensor import as_tensor, dtype_name, fresh_view


_NOT_RECORDED = "not in a computational graph"


def _rebuild(tree: Any, leaves: list[Any]) -> Any:
    remaining = iter(leaves)
    return tree_map(lambda _: next(remaining), tree)


def _backward(value: Any) -> None:
    """Fills the variables' gradients; a value computed without them leaves the zeros there."""
    try:
        value.backward()
    except MXNetError as exc:
        if _NOT_RECORDED not in str(exc):
            raise


class MxnetBackend(Backend):
    """Arrays are mxnet.numpy ndarrays on MXNet's current context; every op runs eagerly.

    ``jit`` runs functions as they are (so the backend does not declare ``jit``): MXNet 1.9 can
    only compile graphs written against its symbol API, not arbitrary Python over
    ``oneiros.ops``. It keeps ``donate_argnums``' meaning, though: kernels may overwrite donated
    buffers (the fused optimizer updates donated moments in place). MXNet's asynchronous engine
    runs the operators while Python issues the next ones; nothing in a training step waits for a
    result (uploads are zero-copy, see ``_tensor.upload``).
    """

    name: ClassVar[str] = "mxnet"
    capabilities: ClassVar[frozenset[str]] = frozenset({TRAINABLE})
    ops = mxnet_ops
    conformance_exclusions: ClassVar[Path] = Path(__file__).with_name("conformance_exclusions.txt")

    def devices(self) -> list[str]:
        return device_names()

    def value_and_grad(self, fn: Callable, has_aux: bool = False) -> Callable:
        def run(params: Any, *args: Any, **kwargs: Any) -> Any:
            leaves = [as_tensor(leaf) for leaf in tree_leaves(params)]
            not_float = [dtype_name(leaf) for leaf in leaves if not dtypes.is_float(dtype_name(leaf))]
            if not_float:
                raise TypeError(f"value_and_grad differentiates float tensors only; params hold {not_float}.")
            # A fresh array object per leaf carries the gradient, so the caller's arrays are
            # never marked, and a tensor passed twice gets two separate gradients.
            variables = [fresh_view(leaf) for leaf in leaves]
            for variable in variables:
                variable.attach_grad()
            with autograd.record():
                output = fn(_rebuild(params, variables), *args, **kwargs)
                value, aux = output if has_aux else (output, None)
                value = as_tensor(value)
            if value.shape != () or not dtypes.is_float(dtype_name(value)):
                raise TypeError(f"value_and_grad needs fn to return a float scalar; it returned "
                                f"{dtype_name(value)}{list(value.shape)}.")
            _backward(value)
            grads = _rebuild(params, [variable.grad for variable in variables])
            return ((value, aux) if has_aux else value), grads

        return run

    def jit(self, fn: Callable, donate_argnums: Sequence[int] = ()) -> Callable:
        if not donate_argnums:
            return fn

        def run(*args: Any, **kwargs: Any) -> Any:
            with donating([leaf for index in donate_argnums for leaf in tree_leaves(args[index])]):
                return fn(*args, **kwargs)

        return run

    def block_until_ready(self, value: Any) -> Any:
        for leaf in tree_leaves(value):
            if hasattr(leaf, "wait_to_read"):
                leaf.wait_to_read()
        return value

    def fused_optimizer_update(self, rule: str, hyperparameters: Mapping[str, Any],
                               param_dtypes: Sequence[str]) -> Callable | None:
        return fused_update(rule, hyperparameters, param_dtypes)

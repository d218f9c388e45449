"""``scan`` and ``fori_loop`` as Python loops, for eager backends, with their checks.

The loops refuse what a compiling backend would refuse: a carry that changes its structure,
shapes or dtypes between steps, ``ys`` that differ between steps, or ``xs`` whose leading axes
disagree. A backend describes its arrays once (:class:`EagerArrays`) and calls
:func:`eager_scan` / :func:`eager_fori_loop`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from oneiros._tree import tree_leaves, tree_map


def tree_structure(tree: Any) -> Any:
    """The containers of a pytree with every leaf replaced by a marker, for comparison."""
    if isinstance(tree, dict):
        keys = sorted(tree, key=repr)
        return dict, tuple(keys), tuple(tree_structure(tree[key]) for key in keys)
    if isinstance(tree, (list, tuple)):
        return type(tree), len(tree), tuple(tree_structure(item) for item in tree)
    return None if tree is None else "leaf"


def tree_signature(tree: Any, dtype_name: Callable[[Any], str]) -> list[str]:
    """``dtype[shape]`` of every leaf, e.g. ``["float32[2, 3]"]``."""
    return [f"{dtype_name(leaf)}{list(leaf.shape)}" for leaf in tree_leaves(tree)]


def check_carry(new: Any, old: Any, what: str, dtype_name: Callable[[Any], str]) -> None:
    """Raises TypeError unless ``new`` has the structure, shapes and dtypes of ``old``."""
    new_signature, old_signature = tree_signature(new, dtype_name), tree_signature(old, dtype_name)
    if tree_structure(new) != tree_structure(old) or new_signature != old_signature:
        raise TypeError(
            f"{what} must return a carry with the structure, shapes and dtypes of the initial "
            f"one; received {new_signature} in {tree_structure(new)!r}, expected "
            f"{old_signature} in {tree_structure(old)!r}."
        )


def scan_length(xs: Any, length: int | None) -> int:
    """The number of scan steps: the leading axis all ``xs`` leaves (and ``length``) agree on."""
    lengths = set()
    for leaf in tree_leaves(xs):
        if leaf.ndim == 0:
            raise ValueError("scan's xs leaves need a leading axis to scan over; received a scalar.")
        lengths.add(leaf.shape[0])
    if length is not None:
        lengths.add(int(length))
    if not lengths:
        raise ValueError("scan needs xs or a length; received neither.")
    if len(lengths) > 1:
        raise ValueError(
            f"scan's xs leaves (and length, if given) must agree on the leading axis; received "
            f"lengths {sorted(lengths)}."
        )
    return lengths.pop()


@dataclass(frozen=True)
class EagerArrays:
    """What the eager loops need from a backend's arrays."""

    as_tensor: Callable[[Any], Any]
    dtype_name: Callable[[Any], str]
    slice_placeholder: Callable[[Any], Any]
    """Zeros shaped like one step's slice of an ``xs`` leaf (a zero-length scan calls ``f`` on it)."""
    empty_stacked: Callable[[Any], Any]
    """A zero-length stack of values like a ``ys`` leaf."""
    stack: Callable[[list[Any]], Any]
    loop_index: Callable[[int], Any]
    """The loop counter as an int32 scalar tensor."""

    def tensors(self, tree: Any) -> Any:
        return tree_map(self.as_tensor, tree)

    def signature(self, tree: Any) -> list[str]:
        return tree_signature(tree, self.dtype_name)


def _step_output(arrays: EagerArrays, output: Any) -> tuple[Any, Any]:
    if not isinstance(output, (tuple, list)) or len(output) != 2:
        raise TypeError(f"scan's f must return a pair (carry, y); received {type(output).__name__}.")
    return arrays.tensors(output[0]), arrays.tensors(output[1])


def eager_scan(arrays: EagerArrays, f: Callable, init: Any, xs: Any, length: int | None,
               reverse: bool) -> tuple[Any, Any]:
    """``ops.scan`` as a Python loop over ``arrays``."""
    xs = arrays.tensors(xs)
    steps = scan_length(xs, length)
    carry = arrays.tensors(init)
    if steps == 0:
        # Like a traced scan, learn the structure of y from one call on a placeholder slice.
        _, y = _step_output(arrays, f(carry, tree_map(arrays.slice_placeholder, xs)))
        return carry, tree_map(arrays.empty_stacked, y)
    ys: dict[int, Any] = {}
    for index in (reversed(range(steps)) if reverse else range(steps)):
        new_carry, ys[index] = _step_output(arrays, f(carry, tree_map(lambda leaf: leaf[index], xs)))
        check_carry(new_carry, carry, "scan's f", arrays.dtype_name)
        carry = new_carry
    first = ys[0]
    for index in range(1, steps):
        if tree_structure(ys[index]) != tree_structure(first) or arrays.signature(ys[index]) != arrays.signature(first):
            raise TypeError(
                f"scan's f must return ys of one structure, shapes and dtypes at every step; "
                f"step 0 gave {arrays.signature(first)}, step {index} gave {arrays.signature(ys[index])}."
            )
    stacked = tree_map(lambda *leaves: arrays.stack(list(leaves)), first, *(ys[i] for i in range(1, steps)))
    return carry, stacked


def eager_fori_loop(arrays: EagerArrays, lower: Any, upper: Any, body_fun: Callable, init_val: Any) -> Any:
    """``ops.fori_loop`` as a Python loop over ``arrays``."""
    carry = arrays.tensors(init_val)
    for index in range(int(lower), int(upper)):
        new_carry = arrays.tensors(body_fun(arrays.loop_index(index), carry))
        check_carry(new_carry, carry, "fori_loop's body_fun", arrays.dtype_name)
        carry = new_carry
    return carry

"""Control flow: Python loops when running eagerly (checked like a traced loop), and single
tf.while_loop / tf.cond ops inside a ``tf.function``, so traced programs see one loop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tensorflow as tf
from oneiros._tree import tree_leaves, tree_map
from oneiros.backend.eager_loops import (
    EagerArrays,
    check_carry,
    eager_fori_loop,
    eager_scan,
    scan_length,
    tree_structure,
)

from oneiros_tensorflow._dtypes import INT32, name_of, tensor
from oneiros_tensorflow._xla import LOOP_NAME

__all__ = ["cond", "custom_gradient", "fori_loop", "jvp", "scan"]

_ARRAYS = EagerArrays(
    as_tensor=tensor,
    dtype_name=name_of,
    slice_placeholder=lambda leaf: tf.zeros(leaf.shape[1:], leaf.dtype),
    empty_stacked=lambda leaf: tf.zeros((0, *leaf.shape), leaf.dtype),
    stack=tf.stack,
    loop_index=lambda index: tf.constant(index, INT32),
)


def _rebuild(tree: Any, leaves: list[Any]) -> Any:
    remaining = iter(leaves)
    return tree_map(lambda _: next(remaining), tree)


def _scan_output(output: Any) -> tuple[Any, Any]:
    if not isinstance(output, (tuple, list)) or len(output) != 2:
        raise TypeError(f"scan's f must return a pair (carry, y); received {type(output).__name__}.")
    return _ARRAYS.tensors(output[0]), _ARRAYS.tensors(output[1])


def _traced_scan(f: Callable, init: Any, xs: Any, length: int | None, reverse: bool) -> tuple[Any, Any]:
    xs = _ARRAYS.tensors(xs)
    steps = scan_length(xs, length)
    carry = _ARRAYS.tensors(init)
    # One call outside the loop learns the structure of y (the traced ops are pruned, unused).
    _, probe_y = _scan_output(f(carry, tree_map(lambda leaf: leaf[0] if steps else _ARRAYS.slice_placeholder(leaf), xs)))
    y_leaves = tree_leaves(probe_y)
    if steps == 0:
        return carry, tree_map(_ARRAYS.empty_stacked, probe_y)
    carry_leaves = tree_leaves(carry)
    # The time steps read from TensorArrays, as Keras 2's TensorFlow loop does: the gradient of a
    # read writes one slice, where a tf.gather of the whole xs inside the loop accumulates a
    # gradient of all of xs at every iteration (graph-mode LSTM step 3.2x the CPU time).
    inputs = [tf.TensorArray(leaf.dtype, size=steps, element_shape=leaf.shape[1:]).unstack(leaf)
              for leaf in tree_leaves(xs)]

    def body(index, carry_values, *arrays):
        position = steps - 1 - index if reverse else index
        step_xs = _rebuild(xs, [array.read(position) for array in inputs])
        new_carry, y = _scan_output(f(_rebuild(carry, list(carry_values)), step_xs))
        check_carry(new_carry, carry, "scan's f", name_of)
        if tree_structure(y) != tree_structure(probe_y):
            raise TypeError("scan's f must return ys of one structure at every step.")
        written = [array.write(position, leaf) for array, leaf in zip(arrays, tree_leaves(y))]
        return (index + 1, tuple(tree_leaves(new_carry)), *written)

    arrays = [tf.TensorArray(leaf.dtype, size=steps, element_shape=leaf.shape) for leaf in y_leaves]
    results = tf.while_loop(lambda index, *_: index < steps, body,
                            (tf.constant(0, INT32), tuple(carry_leaves), *arrays),
                            maximum_iterations=steps, name=LOOP_NAME)
    final_carry = _rebuild(carry, list(results[1]))
    return final_carry, _rebuild(probe_y, [array.stack() for array in results[2:]])


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    if tf.executing_eagerly():
        return eager_scan(_ARRAYS, f, init, xs, length, reverse)
    return _traced_scan(f, init, xs, length, reverse)


def _predicate(pred: Any) -> tf.Tensor:
    flag = tensor(pred)
    if tuple(flag.shape) != () or flag.dtype.is_floating:
        raise TypeError(f"cond needs a scalar bool (or int) predicate; received {flag.dtype.name}{list(flag.shape)}.")
    return flag if flag.dtype == tf.bool else tf.not_equal(flag, tf.zeros((), flag.dtype))


def cond(pred, true_fn, false_fn, *operands):
    flag = _predicate(pred)
    if tf.executing_eagerly():
        return (true_fn if bool(flag) else false_fn)(*operands)
    return tf.cond(flag, lambda: true_fn(*operands), lambda: false_fn(*operands))


def fori_loop(lower, upper, body_fun, init_val):
    if tf.executing_eagerly():
        return eager_fori_loop(_ARRAYS, lower, upper, body_fun, init_val)
    carry = _ARRAYS.tensors(init_val)

    def body(index, values):
        new_carry = _ARRAYS.tensors(body_fun(index, _rebuild(carry, list(values))))
        check_carry(new_carry, carry, "fori_loop's body_fun", name_of)
        return index + 1, tuple(tree_leaves(new_carry))

    start = tf.cast(tensor(lower), INT32)
    stop = tf.cast(tensor(upper), INT32)
    # Static bounds give the loop a trip count, which XLA needs to differentiate it.
    static = all(isinstance(bound, int) for bound in (lower, upper))
    _, values = tf.while_loop(lambda index, _: index < stop, body, (start, tuple(tree_leaves(carry))),
                              maximum_iterations=max(upper - lower, 0) if static else None, name=LOOP_NAME)
    return _rebuild(carry, list(values))


def custom_gradient(f: Callable) -> Callable:
    return tf.custom_gradient(f)


def jvp(fun: Callable, primals: Any, tangents: Any, has_aux: bool = False) -> Any:
    primals = tf.nest.map_structure(tensor, primals)
    with tf.autodiff.ForwardAccumulator(primals, tf.nest.map_structure(tensor, tangents)) as accumulator:
        result = fun(*primals)
    outputs, aux = result if has_aux else (result, None)
    tangents_out = tf.nest.map_structure(
        lambda output: accumulator.jvp(output, unconnected_gradients=tf.UnconnectedGradients.ZERO), outputs)
    return (outputs, tangents_out, aux) if has_aux else (outputs, tangents_out)

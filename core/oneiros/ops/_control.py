"""Control flow that compiled backends must see as one op."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oneiros import ops
from oneiros.ops._contract import derived, op


@op("control", "f(carry, x) -> (carry, y) keeping the carry's structure, shapes and dtypes")
def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loops ``f`` over the leading axis of ``xs`` (pytrees allowed), like ``jax.lax.scan``.

    Returns (final carry, stacked ys).
    """


@op("control", "a scalar bool predicate and two functions returning the same structure")
def cond(pred, true_fn, false_fn, *operands):
    """``true_fn(*operands)`` if ``pred`` else ``false_fn(*operands)``."""


@op("control", "ints lower <= upper and body(i, carry) -> carry keeping the carry's structure")
def fori_loop(lower, upper, body_fun, init_val):
    """``carry = body_fun(i, carry)`` for i in [lower, upper)."""


def _as_tuple(loop_vars: Any) -> tuple[tuple[Any, ...], bool]:
    is_sequence = isinstance(loop_vars, (tuple, list))
    return (tuple(loop_vars) if is_sequence else (loop_vars,)), is_sequence


@derived("control", "cond(*loop_vars) -> scalar bool, body(*loop_vars) -> loop_vars of the same "
                    "structure, shapes and dtypes; maximum_iterations None or an int >= 0", differentiable=False)
def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``, at most ``maximum_iterations``
    times; a single tensor (not a tuple or list) is passed and returned as itself, as Keras.

    The definition is a Python loop reading the predicate, so it runs eagerly; compiling backends
    override it with their loop primitive.
    """
    state, is_sequence = _as_tuple(loop_vars)
    iterations = 0
    while (maximum_iterations is None or iterations < maximum_iterations) and bool(
            ops.to_numpy(cond(*state))):
        updated = body(*state)
        state = tuple(updated) if is_sequence else (updated,)
        iterations += 1
    return (type(loop_vars)(state) if is_sequence else state[0])


@derived("control", "an int index, a non-empty sequence of functions returning the same structure, and "
                    "their operands")
def switch(index, branches, *operands):
    """``branches[index](*operands)``, the index clamped to [0, len(branches) - 1] as Keras."""
    if not branches:
        raise ValueError("switch needs at least one branch; received none.")
    index = ops.clip(ops.cast(index, "int32"), 0, len(branches) - 1)

    def pick(first: int) -> Callable[..., Any]:
        if first == len(branches) - 1:
            return branches[first]
        return lambda *args: ops.cond(ops.equal(index, first), branches[first], pick(first + 1), *args)

    return pick(0)(*operands)


@derived("control", "f(x) -> a pytree of tensors, and xs a pytree of tensors sharing their leading axis")
def map(f, xs):
    """``f`` applied to each slice of ``xs`` along the leading axis, results stacked."""
    _, ys = ops.scan(lambda carry, x: (carry, f(x)), ops.zeros((), "int32"), xs)
    return ys


@derived("control", "function(element) -> a pytree of tensors, and elements a pytree of tensors sharing "
                    "their leading axis")
def vectorized_map(function, elements):
    """``function`` applied to each slice of ``elements`` along the leading axis, results stacked
    (engines with vectorisation, such as ``jax.vmap``, override the sequential definition)."""
    return map(function, elements)


@derived("control", "an associative f(a, b) on pytrees of tensors and elems whose leaves share the "
                    "length of ``axis``")
def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive prefix combination: out[i] = f(out[i - 1], elems[i]) along ``axis`` (from the end
    when ``reverse``); any association order gives the same result for an associative ``f``."""
    leaves, rebuild = _leaves_of(elems)
    moved = [ops.moveaxis(leaf, axis, 0) for leaf in leaves]
    length = ops.shape(moved[0])[0]
    # One scan over every element (no concatenation, whose static length traced loops may lose):
    # the first element visited passes through, each later one combines with the carry.
    start = length - 1 if reverse else 0

    def combine(carry: Any, step: tuple[Any, Any]) -> tuple[Any, Any]:
        index, x = step
        combined, _ = _leaves_of(f(carry, x))
        fresh, _ = _leaves_of(x)
        chosen = rebuild([ops.where(ops.equal(index, start), new, old) for new, old in zip(fresh, combined)])
        return chosen, chosen

    init = rebuild([ops.take(leaf, start, axis=0) for leaf in moved])
    _, scanned = ops.scan(combine, init, (ops.arange(length), rebuild(moved)), reverse=reverse)
    scanned_leaves, _ = _leaves_of(scanned)
    return rebuild([ops.moveaxis(leaf, 0, axis) for leaf in scanned_leaves])


def _leaves_of(tree: Any) -> tuple[list[Any], Callable[[list[Any]], Any]]:
    from oneiros import tree as trees

    return trees.flatten(tree), lambda leaves: trees.pack_sequence_as(tree, leaves)


@op("control", "f(*args) -> (output, grad_fn) with grad_fn(upstream) -> one gradient per argument",
    differentiable=False)
def custom_gradient(f):
    """A function computing ``f``'s output whose gradient is ``grad_fn`` (Keras/jax semantics).

    The result belongs to the backend active when ``custom_gradient`` is called, as in Keras.
    """


@op("control", "fun(*primals) -> a pytree of float tensors; primals and tangents of equal structure")
def jvp(fun, primals, tangents, has_aux=False):
    """(fun(*primals), the directional derivative along ``tangents``) [, aux], like ``jax.jvp``."""

"""Control flow as single lax ops, so compiled programs see one loop or branch.

Called eagerly (concrete operands, outside any trace), a lax control-flow op compiles its whole
loop or branch on every call (~130 ms for an LSTM's scan). Eager calls therefore trace the op
to a jaxpr, with every captured array (weights read by the loop body included) hoisted into an
argument, and run a compiled program cached per jaxpr and argument signature: the next call
with the same body and shapes only traces.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import jax
from jax import lax

__all__ = ["associative_scan", "cond", "custom_gradient", "fori_loop", "jvp", "scan", "vectorized_map",
           "while_loop"]

CACHED_PROGRAMS = 64
"""Eager control-flow programs kept compiled, least recently used dropped first."""

_programs: OrderedDict[tuple[Any, ...], Callable[..., Any]] = OrderedDict()


def _traced(tree: Any) -> bool:
    return any(isinstance(leaf, jax.core.Tracer) for leaf in jax.tree_util.tree_leaves(tree))


def _evaluate_cached(op: Callable[..., Any], *operands: Any) -> Any:
    """``op(*operands)``, run by a compiled program cached on the jaxpr it traces to."""
    closed, out_shape = jax.make_jaxpr(op, return_shape=True)(*operands)
    if _traced(closed.consts):  # the body closes over an enclosing trace's values
        return op(*operands)
    flat_operands, _ = jax.tree_util.tree_flatten(operands)
    signature = tuple((tuple(jax.numpy.shape(leaf)), str(jax.numpy.result_type(leaf))) for leaf in flat_operands)
    key = (str(closed.jaxpr), signature, tuple((c.shape, str(c.dtype)) for c in map(jax.numpy.asarray, closed.consts)))
    program = _programs.get(key)
    if program is None:
        jaxpr = closed.jaxpr
        program = jax.jit(lambda consts, *args: jax.core.eval_jaxpr(jaxpr, consts, *args))
        _programs[key] = program
        while len(_programs) > CACHED_PROGRAMS:
            _programs.popitem(last=False)
    else:
        _programs.move_to_end(key)
    outputs = program(list(closed.consts), *flat_operands)
    return jax.tree_util.tree_unflatten(jax.tree_util.tree_structure(out_shape), outputs)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    body = _recomputed_in_reverse(f) if jax.default_backend() == "cpu" else f

    def run(carry: Any, stacked: Any) -> Any:
        return lax.scan(body, carry, stacked, length=length, reverse=reverse, unroll=unroll)

    if _traced((init, xs)):
        return run(init, xs)
    return _evaluate_cached(run, init, xs)


# A matrix product whose every output element sums fewer terms than this is recomputed in a scan's
# derivative rather than stored for it (measured on XLA:CPU below).
SAVED_CONTRACTION = 256


def _recomputed_in_reverse(body: Callable) -> Callable:
    """``body`` with its intermediates recomputed, step by step, when the scan is differentiated.

    Stacking every step's intermediates for the reverse pass costs XLA:CPU more than recomputing
    them: an LSTM(64)'s training step spends 15% less CPU (its scan stored eleven
    (time, batch, units) stacks), and a scan of 512x512 dense layers 35% less. Products with long
    contractions are still stored (recomputing them is what would cost there); forward-only
    scans are unchanged. Values and gradients are the same computation, so the same numbers.
    """
    return jax.checkpoint(body, policy=_saves_long_contractions, prevent_cse=False)


def _saves_long_contractions(primitive: Any, *operands: Any, **params: Any) -> bool:
    if primitive is lax.dot_general_p:
        (contracting, _), _ = params["dimension_numbers"]
        return math.prod(operands[0].shape[axis] for axis in contracting) >= SAVED_CONTRACTION
    return primitive is lax.conv_general_dilated_p


def cond(pred, true_fn, false_fn, *operands):
    if _traced((pred, operands)):
        return lax.cond(pred, true_fn, false_fn, *operands)
    return _evaluate_cached(lambda p, *args: lax.cond(p, true_fn, false_fn, *args), pred, *operands)


def fori_loop(lower, upper, body_fun, init_val):
    if _traced((lower, upper, init_val)):
        return lax.fori_loop(lower, upper, body_fun, init_val)
    return _evaluate_cached(lambda low, high, init: lax.fori_loop(low, high, body_fun, init), lower, upper, init_val)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    def run(initial: Any) -> Any:
        return _while_loop(cond, body, initial, maximum_iterations)

    if _traced(loop_vars):
        return run(loop_vars)
    return _evaluate_cached(run, loop_vars)


def _while_loop(cond, body, loop_vars, maximum_iterations):
    is_sequence = isinstance(loop_vars, (tuple, list))
    state = tuple(loop_vars) if is_sequence else (loop_vars,)

    def step(counted):
        iterations, values = counted
        updated = body(*values)
        return iterations + 1, tuple(updated) if is_sequence else (updated,)

    def going(counted):
        iterations, values = counted
        proceed = cond(*values)
        if maximum_iterations is None:
            return proceed
        return jax.numpy.logical_and(proceed, iterations < maximum_iterations)

    _, final = lax.while_loop(going, step, (0, state))
    return type(loop_vars)(final) if is_sequence else final[0]


def associative_scan(f, elems, reverse=False, axis=0):
    return lax.associative_scan(f, elems, reverse=reverse, axis=axis)


def vectorized_map(function, elements):
    return jax.vmap(function)(elements)


def custom_gradient(f):
    return jax.custom_gradient(f)


def jvp(fun, primals, tangents, has_aux=False):
    return jax.jvp(fun, primals, tangents, has_aux=has_aux)

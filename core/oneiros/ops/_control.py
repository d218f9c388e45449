"""Control flow that compiled backends must see as one op."""

from __future__ import annotations

from oneiros.ops._contract import op


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

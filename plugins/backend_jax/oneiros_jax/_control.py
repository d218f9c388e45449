"""Control flow as single lax ops, so compiled programs see one loop or branch."""

from __future__ import annotations

from jax import lax

__all__ = ["cond", "fori_loop", "scan"]


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    return lax.scan(f, init, xs, length=length, reverse=reverse, unroll=unroll)


def cond(pred, true_fn, false_fn, *operands):
    return lax.cond(pred, true_fn, false_fn, *operands)


def fori_loop(lower, upper, body_fun, init_val):
    return lax.fori_loop(lower, upper, body_fun, init_val)

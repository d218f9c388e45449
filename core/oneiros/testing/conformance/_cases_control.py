"""Cases for scan, cond and fori_loop, with pytree carries and operands.

The step functions are written in ``oneiros.ops``, so they run on whichever backend is active
(and are traced by backends that compile).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros import ops
from oneiros.testing.conformance._case import call, case
from oneiros.testing.conformance._data import integers, normal

STEPS = 5


def _recurrent_step(carry: dict[str, Any], x: tuple[Any, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    inputs, gate = x
    hidden = ops.tanh(ops.add(ops.multiply(carry["h"], 0.5), ops.multiply(inputs, gate)))
    total = ops.add(carry["total"], ops.sum(hidden))
    return {"h": hidden, "total": total}, {"h": hidden, "norm": ops.sum(ops.square(hidden))}


def _recurrent_arguments(r: np.random.Generator) -> tuple[dict[str, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    init = {"h": normal(r, (3,)), "total": np.zeros((), np.float32)}
    return init, (normal(r, (STEPS, 3)), normal(r, (STEPS, 1)))


def _geometric_step(carry: Any, _: Any) -> tuple[Any, Any]:
    return ops.add(ops.multiply(carry, 1.5), 1.0), carry


def _counting_step(carry: tuple[Any, Any], x: Any) -> tuple[tuple[Any, Any], Any]:
    count, running = carry
    return (ops.add(count, 1), ops.maximum(running, x)), ops.multiply(x, count)


def _branches() -> tuple[Any, Any]:
    def double(x: Any, extra: dict[str, Any]) -> tuple[Any, Any]:
        return ops.multiply(x, 2.0), ops.exp(extra["y"])

    def shift(x: Any, extra: dict[str, Any]) -> tuple[Any, Any]:
        return ops.subtract(x, 1.0), ops.multiply(extra["y"], extra["y"])

    return double, shift


def _cond_call(pred: Any):
    def build(r: np.random.Generator):
        double, shift = _branches()
        return call(pred, double, shift, normal(r, (3,)), {"y": normal(r, (2,))})

    return build


def _decay_body(i: Any, carry: tuple[Any, Any]) -> tuple[Any, Any]:
    x, total = carry
    updated = ops.add(ops.multiply(ops.sin(x), 0.9), i)
    return updated, ops.add(total, ops.sum(updated))


def _decay_init(r: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return normal(r, (2, 2)), np.zeros((), np.float32)


CASES = [
    case("scan", "dict-carry-tuple-xs", lambda r: call(_recurrent_step, *_recurrent_arguments(r)),
         wrt=(1, 2), jit=True),
    case("scan", "reverse", lambda r: call(_recurrent_step, *_recurrent_arguments(r), reverse=True),
         wrt=(1, 2), jit=True),
    case("scan", "unroll2", lambda r: call(_recurrent_step, *_recurrent_arguments(r), unroll=2)),
    case("scan", "length-without-xs", lambda r: call(_geometric_step, normal(r, (2,)), length=4),
         wrt=(1,), jit=True),
    case("scan", "int-and-float-carry",
         lambda r: call(_counting_step, (np.zeros((), np.int32), np.full((2,), -np.inf, np.float32)),
                        normal(r, (STEPS, 2)))),
    case("cond", "true-tensor-pred", _cond_call(np.array(True)), wrt=(3, 4), jit=True),
    case("cond", "false-tensor-pred", _cond_call(np.array(False)), wrt=(3, 4), jit=True),
    case("cond", "python-bool-pred", _cond_call(False)),
    case("fori_loop", "tuple-carry", lambda r: call(0, 4, _decay_body, _decay_init(r)), wrt=(3,), jit=True),
    case("fori_loop", "empty-range", lambda r: call(3, 3, _decay_body, _decay_init(r))),
    case("fori_loop", "int-carry",
         lambda r: call(1, 5, lambda i, c: ops.add(ops.multiply(c, 2), i), integers(r, (3,), -5, 5))),
]

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


def _halve_until_small(x: Any, count: Any) -> tuple[Any, Any]:
    return ops.multiply(x, 0.5), ops.add(count, 1)


def _norm_above_one(x: Any, count: Any) -> Any:
    return ops.greater(ops.sum(ops.square(x)), 1.0)


def _branch_list() -> list[Any]:
    return [lambda x, y: ops.add(x, y), lambda x, y: ops.multiply(x, y), lambda x, y: ops.subtract(x, ops.exp(y))]


def _switch_call(index: Any):
    return lambda r: call(index, _branch_list(), normal(r, (3,)), normal(r, (3,)))


def _row_summary(row: dict[str, Any]) -> tuple[Any, Any]:
    return ops.sum(ops.multiply(row["a"], row["b"])), ops.tanh(row["a"])


def _rows(r: np.random.Generator) -> dict[str, np.ndarray]:
    return {"a": normal(r, (4, 3)), "b": normal(r, (4, 3))}


def _affine_compose(first: tuple[Any, Any], second: tuple[Any, Any]) -> tuple[Any, Any]:
    """x -> a x + b maps composed (first, then second): associative, not commutative."""
    (a1, b1), (a2, b2) = first, second
    return ops.multiply(a1, a2), ops.add(ops.multiply(a2, b1), b2)


CASES += [
    case("while_loop", "tuple-vars", lambda r: call(_norm_above_one, _halve_until_small,
                                                     (normal(r, (3,), 3.0), np.zeros((), np.int32)))),
    case("while_loop", "single-var-maximum", lambda r: call(lambda x: ops.less(ops.sum(x), 100.0),
                                                            lambda x: ops.add(ops.multiply(x, 2.0), 1.0),
                                                            normal(r, (2,)) + 3, maximum_iterations=3)),
    case("while_loop", "never-runs", lambda r: call(lambda x: ops.less(ops.sum(x), -1e9),
                                                    lambda x: [ops.add(x, 1.0)], [normal(r, (2,))])),
    case("switch", "index0", _switch_call(np.array(0, np.int32)), wrt=(2, 3), jit=True),
    case("switch", "index2", _switch_call(np.array(2, np.int32)), wrt=(2, 3)),
    case("switch", "clamped-high", _switch_call(7)),
    case("switch", "clamped-negative", _switch_call(np.array(-3, np.int32))),
    case("map", "dict-rows", lambda r: call(_row_summary, _rows(r)), wrt=(1,), jit=True),
    case("map", "matrix-rows", lambda r: call(lambda row: ops.softmax(row), normal(r, (3, 4))), wrt=(1,)),
    case("vectorized_map", "dict-rows", lambda r: call(_row_summary, _rows(r)), wrt=(1,), jit=True),
    case("vectorized_map", "outer-products",
         lambda r: call(lambda pair: ops.matmul(ops.expand_dims(pair[0], 1), ops.expand_dims(pair[1], 0)),
                        (normal(r, (2, 3)), normal(r, (2, 4))))),
    case("associative_scan", "cumulative-sum", lambda r: call(ops.add, normal(r, (5, 2))), wrt=(1,), jit=True),
    case("associative_scan", "affine-maps-axis1",
         lambda r: call(_affine_compose, (normal(r, (2, 6)), normal(r, (2, 6))), axis=1), wrt=(1,)),
    case("associative_scan", "affine-maps-reverse",
         lambda r: call(_affine_compose, (normal(r, (5,)), normal(r, (5,))), reverse=True), wrt=(1,)),
    case("associative_scan", "maximum-length1", lambda r: call(ops.maximum, normal(r, (1, 3)))),
]

"""``_xla.prefers_xla``: on a CPU, XLA for every traced function but those holding a convolution,
a pooling or an ``ops.scan``/``ops.fori_loop`` loop; on a GPU, XLA for all."""

from __future__ import annotations

import numpy as np
import pytest
from oneiros import ops

from oneiros_tensorflow._xla import prefers_xla

IMAGES = np.ones((2, 6, 6, 1), np.float32)
KERNEL = np.ones((3, 3, 1, 2), np.float32)


def dense(x, kernel):
    return ops.relu(ops.matmul(ops.reshape(x, (2, -1)), ops.ones((36, 4))))


def convolution(x, kernel):
    return ops.conv(x, kernel)


def pooling(x, kernel):
    return ops.max_pool(x, 2)


def recurrent(x, kernel):
    return ops.scan(lambda carry, row: (carry + ops.sum(row), carry), ops.zeros(()), ops.reshape(x, (12, -1)))[0]


def counted_loop(x, kernel):
    return ops.fori_loop(0, 3, lambda index, value: value * 2.0, ops.sum(x))


def traced(tf, function):
    return tf.function(function, autograph=False).get_concrete_function(IMAGES, KERNEL)


@pytest.mark.parametrize("function, on_cpu", [(dense, True), (convolution, False), (pooling, False),
                                              (recurrent, False), (counted_loop, False)])
def test_xla_on_a_cpu_except_for_convolutions_pooling_and_loops(tf, on_tensorflow, function, on_cpu):
    concrete = traced(tf, function)
    assert prefers_xla(concrete, on_gpu=False) is on_cpu
    assert prefers_xla(concrete, on_gpu=True) is True


def test_the_fused_steps_loop_is_no_reason_against_xla(tf, on_tensorflow, tensorflow_backend):
    """fuse_steps's own tf.while_loop repeats whole steps, one after another in any case."""
    fused = tensorflow_backend.fuse_steps(lambda state, batch: (state + ops.sum(batch), {"sum": ops.sum(batch)}), 3)
    concrete = tf.function(fused, autograph=False).get_concrete_function(np.zeros((), np.float32),
                                                                        np.ones((3, 2), np.float32))
    assert prefers_xla(concrete, on_gpu=False) is True

"""Eager constants (zeros, ones, fills) and conversions of host data are made with numpy and
placed on the device: they compile no XLA program, and equal numpy's values and jnp's dtypes."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from oneiros.backend import get_backend

from oneiros_jax import _core


@pytest.fixture(scope="module")
def ops():
    return get_backend("jax").ops


@pytest.fixture()
def compiles():
    """A list that grows by one for every XLA compile request (persistent-cache hits included)."""
    requests = []

    def listener(event, seconds, **_):
        if event == "/jax/core/compile/backend_compile_duration":
            requests.append(event)

    jax.monitoring.register_event_duration_secs_listener(listener)
    yield requests
    jax.monitoring.unregister_event_duration_listener(listener)


def _made_eagerly(ops):
    held = np.arange(38, dtype=np.float64).reshape(2, 19)  # shapes no other test makes, so no in-memory cache hides a compile
    return [
        (ops.zeros((3, 17), "float32"), np.zeros((3, 17), np.float32)),
        (ops.ones((23,), "int32"), np.ones(23, np.int32)),
        (ops.full((2, 29), 7, "bfloat16"), np.full((2, 29), 7, jnp.bfloat16)),
        (ops.full((31, 3), np.array([1.0, 2.0, 3.0], np.float32)), np.tile(np.float32([1, 2, 3]), (31, 1))),
        (ops.zeros_like(held), np.zeros((2, 19), np.float32)),
        (ops.ones_like(held, "int8"), np.ones((2, 19), np.int8)),
        (ops.full_like(np.zeros(37, bool), True), np.ones(37, bool)),
        (ops.convert_to_tensor(held), held.astype(np.float32)),
        (ops.convert_to_tensor([[1, 2, 3, 4, 5]], "float16"), np.float16([[1, 2, 3, 4, 5]])),
        (ops.cast(np.float32([1.7, -2.5, 0.2, 9.9, -0.5, 3.0, 4.0]), "int32"), np.int32([1, -2, 0, 9, 0, 3, 4])),
    ]


def test_eager_constants_and_host_conversions_compile_nothing(ops, compiles):
    ops.zeros((1,), "float32")
    made = _made_eagerly(ops)
    assert compiles == []
    for actual, expected in made:
        assert isinstance(actual, jax.Array) and not actual.weak_type
        assert actual.dtype == expected.dtype and actual.shape == expected.shape
        np.testing.assert_array_equal(np.asarray(actual), expected)


def test_constants_under_a_trace_stay_in_the_program(ops):
    # A traced constant is part of the program (no array of the host's captured as a literal).
    jaxpr = jax.make_jaxpr(lambda x: ops.add(ops.zeros((3,), "float32"), ops.full_like(x, 2.0)))(jnp.ones(3))
    assert not jaxpr.consts
    np.testing.assert_array_equal(jax.jit(lambda x: ops.ones_like(x) + ops.zeros((3,)))(jnp.ones(3)), [1, 1, 1])


def test_large_constants_are_made_on_the_device(ops, compiles):
    shape = (_core.LARGEST_HOST_CONSTANT + 1,)
    zeros = ops.zeros(shape, "float32")
    assert compiles and zeros.shape == shape and not np.asarray(zeros).any()

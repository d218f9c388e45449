"""Adam's update as one nested XLA function (``fused_optimizer_update``) against Keras's Adam
written out in float64 numpy, in a plain graph and under XLA."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import ops

RNG = np.random.default_rng(29)
SHAPES = [(2, 3, 4), (5,), (7, 3)]
STEPS = 5
LEARNING_RATE, BETA_1, BETA_2, EPSILON = 0.02, 0.7, 0.95, 1e-4
PARAMS = [RNG.normal(size=shape).astype(np.float32) for shape in SHAPES]
GRADS = [[RNG.normal(scale=0.5, size=shape).astype(np.float32) for shape in SHAPES] for _ in range(STEPS)]


def adam_in_float64() -> list[np.ndarray]:
    """Keras's Adam written out in numpy (float64): the moments, then the bias-corrected step."""
    params = [param.astype(np.float64) for param in PARAMS]
    momenta = [np.zeros_like(param) for param in params]
    velocities = [np.zeros_like(param) for param in params]
    for step, grads in enumerate(GRADS, start=1):
        step_size = LEARNING_RATE * np.sqrt(1 - BETA_2**step) / (1 - BETA_1**step)
        for index, grad in enumerate(grads):
            momenta[index] += (grad - momenta[index]) * (1 - BETA_1)
            velocities[index] += (grad**2 - velocities[index]) * (1 - BETA_2)
            params[index] -= step_size * momenta[index] / (np.sqrt(velocities[index]) + EPSILON)
    return params


def xla_clusters(tf, function, *args) -> int:
    """How many calls in ``function``'s traced graph TensorFlow must compile with XLA."""
    graph = tf.function(function, autograph=False).get_concrete_function(*args).graph.as_graph_def()
    return sum(1 for node in graph.node if node.attr["_XlaMustCompile"].b)


@pytest.mark.parametrize("jit_compile", [False, True])
def test_traced_adam_is_one_xla_call_and_matches_numpy(tf, jit_compile):
    from oneiros_tensorflow.backend import TensorflowBackend

    backend = TensorflowBackend(jit_compile=jit_compile)
    with oi.backend_scope(backend):
        optimizer = oi.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1, beta_2=BETA_2, epsilon=EPSILON)
        params = [ops.convert_to_tensor(param) for param in PARAMS]
        state = optimizer.init(params)
        assert xla_clusters(tf, optimizer.apply, GRADS[0], params, state) == 1
        step = backend.jit(optimizer.apply)
        for grads in GRADS:
            params, state = step(list(grads), params, state)
        assert int(ops.to_numpy(state["iterations"])) == STEPS
    for got, want in zip(params, adam_in_float64()):
        np.testing.assert_allclose(ops.to_numpy(got), want, rtol=2e-5, atol=2e-6)


def test_eager_updates_other_rules_and_dtypes_run_the_optimizers_ops(tensorflow_backend):
    adam = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
    assert tensorflow_backend.fused_optimizer_update("adam", adam, ["float32"]) is None  # eager here
    from oneiros_tensorflow._fused_updates import fused_update

    assert fused_update("adam", adam, ["float32"]) is not None
    assert fused_update("adam", adam, ["float32", "bfloat16"]) is None
    assert fused_update("sgd", {"momentum": 0.9}, ["float32"]) is None


def test_every_trace_calls_one_nested_function(tf, on_tensorflow):
    """A retraced step (a smaller last batch) reuses the nested update, so XLA compiles it once."""
    optimizer = oi.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1, beta_2=BETA_2, epsilon=EPSILON)
    params = [ops.convert_to_tensor(param) for param in PARAMS]
    state = optimizer.init(params)

    def called_function(*args):
        graph = tf.function(optimizer.apply, autograph=False).get_concrete_function(*args).graph.as_graph_def()
        return {node.attr["f"].func.name for node in graph.node if node.attr["_XlaMustCompile"].b}

    first = called_function(GRADS[0], params, state)
    assert len(first) == 1
    assert called_function(GRADS[1], params, state) == first

"""Compiled calls through the concrete function of their signature (``_dispatch.FlatDispatch``):
same results as ``tf.function``'s own call, which still takes every call the key cannot describe."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pytest


class Pair(NamedTuple):
    first: Any
    second: Any


class CountingFunction:
    """A ``tf.function`` that counts the calls made through it (not through its concrete functions)."""

    def __init__(self, function: Any) -> None:
        self.function = function
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.function(*args, **kwargs)

    def get_concrete_function(self, *args: Any, **kwargs: Any) -> Any:
        return self.function.get_concrete_function(*args, **kwargs)


def step(state: Any, batch: Any, scale: int = 1) -> Any:
    """Dict keys in an order other than sorted, a NamedTuple, None leaves and an int argument."""
    import tensorflow as tf

    weights, extras = state
    x, target, sample_weight = batch
    error = x @ weights["w"] + weights["b"] - target
    new = {"w": weights["w"] - 0.1 * scale * extras.first * (tf.transpose(x) @ error),
           "b": weights["b"] - 0.1 * tf.reduce_sum(error, axis=0)}
    return (new, Pair(extras.first + 1.0, extras.second)), {"loss": error * error}


def numpy_step(state: Any, batch: Any, scale: int = 1) -> Any:
    (weights, (count, _)), (x, target, _) = state, batch
    error = x @ weights["w"] + weights["b"] - target
    return ({"w": weights["w"] - 0.1 * scale * count * (x.T @ error), "b": weights["b"] - 0.1 * error.sum(axis=0)},
            count + 1.0, error * error)


@pytest.fixture
def counted(tf):
    from oneiros_tensorflow._dispatch import FlatDispatch

    function = CountingFunction(tf.function(step, autograph=False))
    return FlatDispatch(function), function


def states(tf, seed: int = 0) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    weights = {"w": rng.normal(size=(3, 2)).astype(np.float32), "b": rng.normal(size=(2,)).astype(np.float32)}
    host = ({"w": weights["w"], "b": weights["b"]}, Pair(np.float32(1.0), None))
    traced = ({"w": tf.constant(weights["w"]), "b": tf.constant(weights["b"])}, Pair(tf.constant(1.0), None))
    return host, traced


def batch(tf, rows: int, seed: int) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    x, target = rng.normal(size=(rows, 3)).astype(np.float32), rng.normal(size=(rows, 2)).astype(np.float32)
    return (x, target, None), (tf.constant(x), tf.constant(target), None)


def assert_state(state: Any, expected_weights: dict, expected_count: float) -> None:
    weights, extras = state
    for name in ("w", "b"):
        np.testing.assert_allclose(weights[name].numpy(), expected_weights[name], rtol=1e-5)
    assert float(extras.first) == expected_count and extras.second is None


def test_repeated_calls_skip_tf_function_and_match_numpy(tf, counted):
    dispatch, function = counted
    (host_weights, (count, _)), state = states(tf)
    for index in range(4):
        host_batch, tensors = batch(tf, 4, index)
        host_weights, count, loss = numpy_step((host_weights, (count, None)), host_batch)
        state, logs = dispatch(state, tensors)
        assert_state(state, host_weights, count)
        np.testing.assert_allclose(logs["loss"].numpy(), loss, rtol=1e-5)
    assert function.calls == 1


def test_a_new_shape_or_python_value_takes_tf_function_once(tf, counted):
    dispatch, function = counted
    (host_weights, (count, _)), state = states(tf)
    for index, (rows, scale) in enumerate([(4, 1), (4, 1), (5, 1), (5, 1), (4, 2), (4, 2)]):
        host_batch, tensors = batch(tf, rows, index)
        host_weights, count, _ = numpy_step((host_weights, (count, None)), host_batch, scale)
        state, _ = dispatch(state, tensors, scale)
        assert_state(state, host_weights, count)
    assert function.calls == 3


def test_an_aliased_tensor_takes_tf_function(tf, counted):
    """tf.function traces a tensor passed twice as one input; the flat call would pass it twice."""
    dispatch, function = counted
    rng = np.random.default_rng(0)
    host_weights = {"w": rng.normal(size=(3, 3)).astype(np.float32), "b": rng.normal(size=(3,)).astype(np.float32)}
    x = rng.normal(size=(4, 3)).astype(np.float32)
    state = ({name: tf.constant(value) for name, value in host_weights.items()}, Pair(tf.constant(1.0), None))
    shared = tf.constant(x)
    for _ in range(2):
        result, _ = dispatch(state, (shared, shared, None))
        expected, count, _ = numpy_step((host_weights, (1.0, None)), (x, x, None))
        assert_state(result, expected, count)
    assert function.calls == 2


@pytest.mark.parametrize("case", ["keyword argument", "float leaf", "numpy leaf"])
def test_calls_the_key_cannot_describe_take_tf_function(tf, counted, case):
    dispatch, function = counted
    (host_weights, _), state = states(tf)
    host_batch, tensors = batch(tf, 4, 0)
    calls = {"keyword argument": lambda: dispatch(state, batch=tensors),
             "float leaf": lambda: dispatch(state, tensors, 1.0),
             "numpy leaf": lambda: dispatch(state, (host_batch[0], tensors[1], None))}[case]
    for _ in range(2):
        result, _ = calls()
        expected, count, _ = numpy_step((host_weights, (1.0, None)), host_batch)
        assert_state(result, expected, count)
    assert function.calls == 2


def test_a_call_inside_a_trace_and_under_a_gradient_tape(tf, counted):
    """Recorded by a tape, eagerly (the flat call) and nested in another tf.function (a
    trace: tf.function's call): gradients as by hand."""
    dispatch, function = counted
    (host_weights, _), state = states(tf)
    host_batch, tensors = batch(tf, 4, 0)
    dispatch(state, tensors)

    def loss(weights: dict) -> Any:
        _, logs = dispatch((weights, state[1]), tensors)
        return tf.reduce_sum(logs["loss"])

    nested = tf.function(loss, autograph=False)
    x, target, _ = host_batch
    error = x @ host_weights["w"] + host_weights["b"] - target
    for run, calls in ((loss, 1), (nested, 2)):
        weights = {name: tf.constant(value) for name, value in host_weights.items()}
        with tf.GradientTape() as tape:
            tape.watch(weights)
            value = run(weights)
        grads = tape.gradient(value, weights)
        np.testing.assert_allclose(value.numpy(), (error * error).sum(), rtol=1e-5)
        np.testing.assert_allclose(grads["w"].numpy(), 2 * x.T @ error, rtol=1e-4)
        np.testing.assert_allclose(grads["b"].numpy(), 2 * error.sum(axis=0), rtol=1e-4)
        assert function.calls == calls

"""Adam's fused update op against Keras 3's Adam (the oracle), eager, on perform and compiled in place."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import ops

RNG = np.random.default_rng(23)
SHAPES = [(3, 3, 1, 4), (4,), (6, 5)]
STEPS = 6
PARAMS = [RNG.normal(size=shape).astype(np.float32) for shape in SHAPES]
GRADS = [[RNG.normal(scale=0.5, size=shape).astype(np.float32) for shape in SHAPES] for _ in range(STEPS)]
SETTINGS = {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3}


@pytest.fixture(scope="module")
def keras_params() -> list[np.ndarray]:
    import keras

    optimizer = keras.optimizers.Adam(**SETTINGS)
    variables = [keras.Variable(param) for param in PARAMS]
    for grads in GRADS:
        optimizer.apply_gradients(zip(grads, variables))
    return [np.asarray(variable.numpy()) for variable in variables]


def _adam_on(apply) -> list[np.ndarray]:
    optimizer = oi.optimizers.Adam(**SETTINGS)
    params = [ops.convert_to_tensor(param) for param in PARAMS]
    state = optimizer.init(params)
    for grads in GRADS:
        params, state = apply(optimizer)(list(grads), params, state)
    assert int(ops.to_numpy(state["iterations"])) == STEPS
    return [ops.to_numpy(param) for param in params]


def _assert_close(actual: list[np.ndarray], expected: list[np.ndarray]) -> None:
    for got, want in zip(actual, expected):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-6)


def test_eager_adam_runs_the_fused_op_and_matches_keras(pytensor_backend, keras_params):
    hyperparameters = oi.optimizers.Adam(**SETTINGS).fused_rule().hyperparameters
    assert pytensor_backend.fused_optimizer_update("adam", hyperparameters, ["float32"]) is not None
    _assert_close(_adam_on(lambda optimizer: optimizer.apply), keras_params)


@pytest.mark.parametrize("linker, donate", [("perform", False), ("c", False), ("c", True)])
def test_jitted_adam_matches_keras(pytensor_backend, keras_params, monkeypatch, linker, donate):
    monkeypatch.setenv("ONEIROS_PYTENSOR_LINKER", linker)
    compiled = []

    def jitted(optimizer):
        if not compiled:
            compiled.append(pytensor_backend.jit(optimizer.apply, donate_argnums=(1, 2) if donate else ()))
        return compiled[0]

    _assert_close(_adam_on(jitted), keras_params)
    functions = [graph.function for graph in compiled[0].graphs.values() if graph.function is not None]
    assert (len(functions) == 1) == (linker == "c")
    for function in functions:
        updates = [node.op for node in function.maker.fgraph.apply_nodes if type(node.op).__name__ == "AdamUpdate"]
        assert len(updates) == len(SHAPES) and all(op.inplace == donate for op in updates)


def test_other_rules_and_dtypes_run_the_optimizers_ops(pytensor_backend):
    adam = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
    assert pytensor_backend.fused_optimizer_update("adam", adam, ["float32", "float16"]) is None
    assert pytensor_backend.fused_optimizer_update("sgd", {"momentum": 0.9}, ["float32"]) is None


def test_the_op_refuses_mismatched_inputs(pytensor_backend):
    from oneiros_pytensor._fused_updates import AdamUpdate

    param = np.zeros((2, 3), np.float32)
    with pytest.raises(TypeError, match=r"one float32 type; received .*float64"):
        AdamUpdate(0.9, 0.999, 1e-7)(param, param, param.astype(np.float64), param, np.float32(0.1))
    with pytest.raises(TypeError, match=r"float32 scalar step size; received .*\(2,\)"):
        AdamUpdate(0.9, 0.999, 1e-7)(param, param, param, param, np.zeros(2, np.float32))

"""Gradients, jit with donation, fused steps, pytrees and op errors of the JAX backend."""

import jax
import numpy as np
import oneiros
import pytest
from oneiros import ops as oi_ops
from oneiros.backend import get_backend
from oneiros.errors import OpError


@pytest.fixture(scope="module")
def backend():
    return get_backend("jax")


@pytest.fixture(scope="module")
def ops(backend):
    return backend.ops


def _numpy_loss(params, x):
    """The loss of ``_loss`` in float64 numpy: the independent side of the finite differences."""
    hidden = np.tanh(x @ params["w"] + params["b"])
    return float(np.sum(hidden**2) + np.sum(params["w"] ** 2) * 0.1)


def _loss(ops, params, x):
    hidden = ops.tanh(ops.add(ops.matmul(x, params["w"]), params["b"]))
    regulariser = ops.multiply(ops.sum(ops.square(params["w"])), 0.1)
    value = ops.add(ops.sum(ops.square(hidden)), regulariser)
    return value, {"hidden_mean": ops.mean(hidden)}


def test_value_and_grad_matches_central_finite_differences(backend, ops):
    rng = np.random.default_rng(0)
    params64 = {"w": rng.normal(size=(3, 2)) * 0.5, "b": rng.normal(size=(2,)) * 0.5}
    x64 = rng.normal(size=(4, 3))
    params = backend.tree_map(lambda leaf: ops.convert_to_tensor(leaf), params64)
    (value, aux), grads = backend.value_and_grad(lambda p, x: _loss(ops, p, x), has_aux=True)(params, x64.astype(np.float32))
    assert abs(float(value) - _numpy_loss(params64, x64)) < 1e-4
    assert set(aux) == {"hidden_mean"}
    step = 1e-6
    for name, leaf in params64.items():
        numeric = np.zeros_like(leaf)
        for index in np.ndindex(leaf.shape):
            plus = {**params64, name: leaf.copy()}
            minus = {**params64, name: leaf.copy()}
            plus[name][index] += step
            minus[name][index] -= step
            numeric[index] = (_numpy_loss(plus, x64) - _numpy_loss(minus, x64)) / (2 * step)
        np.testing.assert_allclose(np.asarray(grads[name]), numeric, rtol=1e-3, atol=1e-4, err_msg=name)


def test_value_and_grad_without_aux(backend, ops):
    value, grad = backend.value_and_grad(lambda w: ops.sum(ops.power(w, 3)))(ops.convert_to_tensor([1.0, 2.0]))
    assert float(value) == 9
    np.testing.assert_allclose(np.asarray(grad), [3.0, 12.0])


def test_jit_with_donation_matches_eager(backend, ops):
    def update(state, delta):
        return {"w": ops.add(state["w"], ops.multiply(delta, 2.0)), "count": ops.add(state["count"], 1)}

    def fresh_state():
        return {"w": ops.convert_to_tensor([1.0, 2.0, 3.0]), "count": ops.convert_to_tensor(0)}

    delta = ops.convert_to_tensor([0.5, -1.0, 0.0])
    eager = update(fresh_state(), delta)
    compiled = backend.jit(update, donate_argnums=(0,))
    donated = fresh_state()
    result = compiled(donated, delta)
    np.testing.assert_array_equal(np.asarray(result["w"]), np.asarray(eager["w"]))
    assert int(result["count"]) == int(eager["count"]) == 1
    assert donated["w"].is_deleted(), "the donated state's buffer should have been reused"
    assert not delta.is_deleted()


def _sgd_step(backend, ops):
    def loss(params, batch):
        prediction = ops.add(ops.matmul(batch["x"], params["w"]), params["b"])
        return ops.mean(ops.square(ops.subtract(prediction, batch["y"])))

    value_and_grad = backend.value_and_grad(loss)

    def step(state, batch):
        value, grads = value_and_grad(state, batch)
        new_state = backend.tree_map(lambda p, g: ops.subtract(p, ops.multiply(g, 0.1)), state, grads)
        return new_state, {"loss": value}

    return step


def test_fuse_steps_equals_sequential_steps(backend, ops):
    rng = np.random.default_rng(1)
    batches = {"x": rng.normal(size=(8, 16, 3)).astype(np.float32), "y": rng.normal(size=(8, 16, 1)).astype(np.float32)}
    state = {"w": ops.zeros((3, 1)), "b": ops.zeros((1,))}
    step = _sgd_step(backend, ops)
    one_step = backend.jit(step)
    sequential, logs = state, None
    for index in range(8):
        sequential, logs = one_step(sequential, {key: value[index] for key, value in batches.items()})
    fused_state, fused_logs = backend.fuse_steps(step, 8)(state, batches)
    backend.block_until_ready(fused_state)
    for name in state:
        np.testing.assert_allclose(np.asarray(fused_state[name]), np.asarray(sequential[name]), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(float(fused_logs["loss"]), float(logs["loss"]), rtol=1e-6, atol=1e-6)
    assert not np.array_equal(np.asarray(fused_state["w"]), np.zeros((3, 1))), "the steps should have trained"


def test_fuse_steps_refuses_bad_step_counts_and_batches(backend, ops):
    with pytest.raises(ValueError, match="steps"):
        backend.fuse_steps(_sgd_step(backend, ops), 0)
    fused = backend.fuse_steps(_sgd_step(backend, ops), 4)
    short = {"x": np.zeros((3, 2, 3), np.float32), "y": np.zeros((3, 2, 1), np.float32)}
    with pytest.raises(ValueError):
        fused({"w": ops.zeros((3, 1)), "b": ops.zeros((1,))}, short)


def test_compile_inference_and_tree_map(backend, ops):
    predict = backend.compile_inference(lambda params, x: ops.relu(ops.matmul(x, params)))
    out = predict(ops.convert_to_tensor([[1.0], [-1.0]]), ops.convert_to_tensor([[2.0, 1.0], [1.0, 3.0]]))
    np.testing.assert_array_equal(np.asarray(out), [[1.0], [0.0]])
    summed = backend.tree_map(lambda a, b: a + b, {"a": [1, 2], "b": (3,)}, {"a": [10, 20], "b": (30,)})
    assert summed == {"a": [11, 22], "b": (33,)}


def test_bfloat16_mixed_precision_step(backend, ops):
    def loss(w, x):
        logits = ops.matmul(ops.cast(x, "bfloat16"), ops.cast(w, "bfloat16"))
        return ops.mean(ops.cast(ops.softmax(logits), "float32"))

    value, grad = backend.value_and_grad(loss)(ops.ones((4, 3)), ops.ones((2, 4)))
    assert ops.dtype(value) == "float32" and ops.dtype(grad) == "float32"
    np.testing.assert_allclose(float(value), 1 / 3, rtol=1e-2)


def test_incompatible_shapes_through_oneiros_ops_raise_op_error():
    with oneiros.backend_scope("jax"):
        with pytest.raises(OpError) as caught:
            oi_ops.add(oi_ops.ones((2, 3)), oi_ops.ones((4,)))
        message = str(caught.value)
        assert "ops.add" in message and "'jax'" in message and "[2, 3]" in message and "[4]" in message
        with pytest.raises(OpError) as caught:
            oi_ops.matmul(oi_ops.ones((2, 3)), oi_ops.ones((4, 5)))
        assert "ops.matmul" in str(caught.value) and "[2, 3]" in str(caught.value) and "[4, 5]" in str(caught.value)
        with pytest.raises(OpError, match="ops.conv"):
            oi_ops.conv(oi_ops.ones((1, 5, 5, 5)), oi_ops.ones((3, 3, 2, 4)))


def test_oneiros_ops_dispatch_to_jax_arrays():
    with oneiros.backend_scope("jax"):
        result = oi_ops.add(oi_ops.ones((2,)), 1.0)
    assert isinstance(result, jax.Array)
    np.testing.assert_array_equal(np.asarray(result), [2.0, 2.0])

"""oneiros.activations against hand-written float64 numpy formulas, and Keras 3 as a second oracle."""

import math
from decimal import Decimal, getcontext

import numpy as np
import pytest

from oneiros import activations, ops
from oneiros.errors import UnknownNameError

# Large magnitudes probe overflow in exp/square; values near 0 and the kinks probe the pieces.
GRID = np.array([-1e4, -100.0, -80.0, -30.0, -5.0, -3.0, -1.5, -1.0, -0.5, -1e-3, 0.0, 1e-3, 0.5,
                 1.0, 1.5, 3.0, 5.0, 30.0, 80.0, 100.0, 1e4], dtype=np.float32)

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def np_sigmoid(x):
    return np.exp(-np.logaddexp(0.0, -x))


def np_softplus(x):
    return np.logaddexp(0.0, x)


def np_elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def np_gelu_exact(x):
    return np.array([0.5 * v * (1.0 + math.erf(v / math.sqrt(2.0))) for v in x.ravel()]).reshape(x.shape)


def np_gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))


def np_relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Keras's relu, one element at a time: keep x above threshold (capped to [0, max_value]),
    add the negative slope's part below it."""
    out = []
    for v in x.ravel():
        kept = v if v > threshold else 0.0
        if max_value is not None:
            kept = min(max(kept, 0.0), max_value)
        out.append(kept - negative_slope * max(threshold - v, 0.0))
    return np.array(out).reshape(x.shape)


def np_squareplus(x, b=4):
    getcontext().prec = 60
    return np.array([float((Decimal(float(v)) + (Decimal(float(v)) ** 2 + Decimal(b)).sqrt()) / 2)
                     for v in x.ravel()]).reshape(x.shape)


def np_softmax(x, axis=-1):
    shifted = x - x.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def np_sparsemax(x, axis=-1):
    """Projection onto the simplex by bisection on tau: sum(max(x - tau, 0)) = 1."""
    moved = np.moveaxis(x, axis, -1)
    out = np.empty_like(moved)
    for index in np.ndindex(moved.shape[:-1]):
        row = moved[index]
        low, high = row.max() - 1.0, row.max()
        for _ in range(200):
            tau = (low + high) / 2
            low, high = (tau, high) if np.maximum(row - tau, 0).sum() > 1 else (low, tau)
        out[index] = np.maximum(row - (low + high) / 2, 0.0)
    return np.moveaxis(out, -1, axis)


def np_log_softmax(x, axis=-1):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


ORACLES = {
    "relu": (lambda x: np.maximum(x, 0.0), {}),
    "relu6": (lambda x: np.minimum(np.maximum(x, 0.0), 6.0), {}),
    "leaky_relu": (lambda x: np.where(x >= 0, x, 0.2 * x), {}),
    "elu": (np_elu, {}),
    "selu": (lambda x: SELU_SCALE * np_elu(x, SELU_ALPHA), {}),
    "celu": (lambda x: np.where(x > 0, x, 0.7 * np.expm1(np.minimum(x, 0.0) / 0.7)), {"alpha": 0.7}),
    "gelu": (np_gelu_exact, {}),
    "silu": (lambda x: x * np_sigmoid(x), {}),
    "swish": (lambda x: x * np_sigmoid(x), {}),
    "sigmoid": (np_sigmoid, {}),
    "hard_sigmoid": (lambda x: np.clip(x / 6.0 + 0.5, 0.0, 1.0), {}),
    "sparse_sigmoid": (lambda x: np.clip(0.5 * (x + 1.0), 0.0, 1.0), {}),
    "hard_silu": (lambda x: x * np.clip(x / 6.0 + 0.5, 0.0, 1.0), {}),
    "hard_swish": (lambda x: x * np.clip(x / 6.0 + 0.5, 0.0, 1.0), {}),
    "log_sigmoid": (lambda x: -np.logaddexp(0.0, -x), {}),
    "softplus": (np_softplus, {}),
    "softsign": (lambda x: x / (1.0 + np.abs(x)), {}),
    "sparse_plus": (lambda x: np.where(x <= -1, 0.0, np.where(x >= 1, x, (x + 1) ** 2 / 4)), {}),
    "squareplus": (np_squareplus, {}),
    "mish": (lambda x: x * np.tanh(np_softplus(x)), {}),
    "tanh": (np.tanh, {}),
    "tanh_shrink": (lambda x: x - np.tanh(x), {}),
    "hard_tanh": (lambda x: np.clip(x, -1.0, 1.0), {}),
    "soft_shrink": (lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0.0)), {}),
    "hard_shrink": (lambda x: np.where(np.abs(x) > 0.5, x, 0.0), {}),
    "threshold": (lambda x: np.where(x > 1.0, x, -2.0), {"threshold": 1.0, "default_value": -2.0}),
    "exponential": (np.exp, {}),
    "linear": (lambda x: x, {}),
}

AXIS_ORACLES = {
    "softmax": np_softmax,
    "log_softmax": np_log_softmax,
    "sparsemax": np_sparsemax,
}


def glu_oracle(x, axis):
    a, b = np.split(x, 2, axis=axis)
    return a * np_sigmoid(b)


def check(result, expected, rtol=2e-6, atol=1e-6):
    result = ops.to_numpy(result)
    assert not np.isnan(result).any()
    with np.errstate(over="ignore"):
        expected = np.asarray(expected, dtype=np.float64).astype(np.float32)
    np.testing.assert_allclose(result, expected, rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", sorted(ORACLES))
def test_elementwise_activation_matches_numpy_over_large_range(backend, name):
    oracle, kwargs = ORACLES[name]
    with np.errstate(over="ignore"):
        expected = oracle(GRID.astype(np.float64))
    check(activations.get(name)(ops.convert_to_tensor(GRID), **kwargs), expected)


def test_gelu_approximate_uses_tanh_formula(backend):
    check(activations.gelu(ops.convert_to_tensor(GRID), approximate=True),
          np_gelu_tanh(GRID.astype(np.float64)))


@pytest.mark.parametrize("kwargs", [
    {"negative_slope": 0.1},
    {"max_value": 6.0},
    {"max_value": 2.5},
    {"threshold": 1.0},
    {"threshold": -1.0},
    {"negative_slope": 0.5, "threshold": 1.0},
    {"negative_slope": 0.5, "max_value": 2.0},
    {"negative_slope": 0.5, "max_value": 8.0, "threshold": 4.0},
])
def test_relu_arguments_match_elementwise_definition(backend, kwargs):
    x = np.array([-10.0, -5.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 10.0], np.float32)
    expected = np_relu(x.astype(np.float64), **kwargs)
    check(activations.relu(ops.convert_to_tensor(x), **kwargs), expected)


def test_relu_keras_doc_examples(backend):
    x = ops.convert_to_tensor(np.array([-10, -5, 0.0, 5, 10], np.float32))
    check(activations.relu(x), [0, 0, 0, 5, 10])
    check(activations.relu(x, negative_slope=0.5), [-5, -2.5, 0, 5, 10])
    check(activations.relu(x, max_value=5.0), [0, 0, 0, 5, 5])
    check(activations.relu(x, threshold=5.0), [0, 0, 0, 0, 10])


@pytest.mark.parametrize("name", sorted(AXIS_ORACLES))
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_axis_activation_matches_numpy(backend, name, axis):
    x = np.random.default_rng(0).normal(size=(3, 4, 5)).astype(np.float32) * 3
    x[0, 0, 0], x[1, 1, 1] = 1e4, -1e4
    check(activations.get(name)(ops.convert_to_tensor(x), axis=axis),
          AXIS_ORACLES[name](x.astype(np.float64), axis), rtol=1e-5, atol=1e-5)


def test_sparsemax_is_a_sparse_distribution(backend):
    x = ops.convert_to_tensor(np.array([[0.5, 0.4, -2.0], [3.0, 0.0, 0.0]], np.float32))
    result = ops.to_numpy(activations.sparsemax(x))
    np.testing.assert_allclose(result, [[0.55, 0.45, 0.0], [1.0, 0.0, 0.0]], atol=1e-6)


@pytest.mark.parametrize("axis", [-1, 0])
def test_glu_matches_numpy(backend, axis):
    x = np.random.default_rng(1).normal(size=(4, 6)).astype(np.float32) * 50
    check(activations.glu(ops.convert_to_tensor(x), axis=axis), glu_oracle(x.astype(np.float64), axis),
          atol=1e-5)


def test_glu_rejects_odd_axis(backend):
    with pytest.raises(ValueError, match=r"even.*\(4, 3\).*axis=-1"):
        activations.glu(ops.ones((4, 3)))


@pytest.mark.parametrize("name", activations.names())
def test_half_precision_input_keeps_its_dtype(backend, name):
    _, kwargs = ORACLES.get(name, (None, {}))
    x = ops.convert_to_tensor(np.array([[-2.0, -0.5, 0.0, 0.5], [2.0, 1.0, -1.0, 3.0]], np.float32),
                              "float16")
    assert ops.dtype(activations.get(name)(x, **kwargs)) == "float16"


@pytest.mark.parametrize("name", sorted(set(activations.names()) - {"threshold"}))
def test_activation_compiles_to_the_same_values(backend, name):
    x = ops.convert_to_tensor(np.linspace(-4, 4, 12, dtype=np.float32).reshape(3, 4))
    fn = activations.get(name)
    np.testing.assert_allclose(ops.to_numpy(backend.jit(fn)(x)), ops.to_numpy(fn(x)), rtol=1e-6, atol=1e-7)


def test_gradients_stay_finite_at_large_magnitudes():
    import oneiros

    with oneiros.backend_scope("jax") as jax_backend:
        x = ops.convert_to_tensor(np.array([-1e4, -100.0, 0.0, 100.0, 1e4], np.float32))
        for name in ("celu", "elu", "squareplus", "softplus", "sigmoid", "log_sigmoid", "mish",
                     "silu", "selu", "gelu", "sparse_plus"):
            fn = activations.get(name)
            _, grad = jax_backend.jit(jax_backend.value_and_grad(lambda v, fn=fn: ops.sum(fn(v))))(x)
            assert np.isfinite(ops.to_numpy(grad)).all(), name


def test_at_least_twenty_activations_and_keras_names():
    import keras

    keras_names = {name for name in dir(keras.activations)
                   if not name.startswith("_") and name not in {"get", "serialize", "deserialize"}}
    assert len(activations.names()) >= 20
    assert keras_names <= set(activations.names())


def keras_cases():
    return [
        (name, kwargs) for name in sorted(activations.names())
        # Keras 3.15's sparsemax divides the sum of the running sums, not the support's sum, by
        # the support size, so its rows need not sum to 1 ([0.5, 0.4] -> [0.3, 0.2]); ours is
        # checked against a bisection oracle above.
        if name not in {"sparsemax", "threshold"}
        for kwargs in [{}]
    ] + [
        ("relu", {"negative_slope": 0.3, "max_value": 2.0, "threshold": 0.5}),
        ("relu", {"max_value": 6.0}),
        ("relu", {"threshold": -0.5}),
        ("leaky_relu", {"negative_slope": 0.05}),
        ("elu", {"alpha": 0.5}),
        ("celu", {"alpha": 2.0}),
        ("gelu", {"approximate": True}),
        ("softmax", {"axis": 0}),
        ("log_softmax", {"axis": 0}),
        ("glu", {"axis": 0}),
        ("squareplus", {"b": 1.5}),
        ("soft_shrink", {"threshold": 1.0}),
        ("hard_shrink", {"threshold": 1.0}),
        ("threshold", {"threshold": 0.2, "default_value": 7.0}),
    ]


@pytest.mark.parametrize(("name", "kwargs"), keras_cases())
def test_matches_keras(backend, name, kwargs):
    import keras

    x = np.random.default_rng(2).normal(size=(4, 6)).astype(np.float32) * 3
    expected = np.asarray(getattr(keras.activations, name)(x, **kwargs))
    check(activations.get(name)(ops.convert_to_tensor(x), **kwargs), expected, rtol=1e-5, atol=1e-6)


def test_get_and_serialize():
    assert activations.get(None) is activations.linear
    assert activations.get("swish") is activations.silu
    assert activations.get("hard_swish") is activations.hard_silu

    def custom(x):
        return x

    assert activations.get(custom) is custom
    for name in activations.names():
        fn = activations.get(name)
        assert activations.get(activations.serialize(fn)) is fn
    assert activations.serialize(activations.swish) == "silu"


def test_unknown_name_lists_close_matches():
    with pytest.raises(UnknownNameError, match="activation 'rleu'.*relu") as info:
        activations.get("rleu")
    assert info.value.kind == "activation"
    assert "relu" in info.value.close_matches


def test_get_rejects_non_callables():
    with pytest.raises(ValueError, match="3.*int"):
        activations.get(3)


@pytest.mark.parametrize("fn", [lambda x: x, np.tanh])  # no name / a name that means the built-in tanh
def test_serialize_refuses_unnamed_callables(fn):
    with pytest.raises(ValueError, match="Cannot serialize the activation"):
        activations.serialize(fn)

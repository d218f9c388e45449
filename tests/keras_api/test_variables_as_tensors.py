"""A Variable works wherever a tensor does: every op, Python operators, indexing, numpy, the
assign family — eagerly and inside compiled training steps, where reads see the traced value.

Oracles: the same computation on the variable's numpy value; hand-computed SGD steps.
"""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops

RNG = np.random.default_rng(3)
W = RNG.normal(size=(3, 2)).astype("float32")
X = RNG.normal(size=(4, 3)).astype("float32")

OPS = {
    "matmul": (lambda v: ops.matmul(X, v), lambda w: X @ w),
    "add": (lambda v: ops.add(v, 1.0), lambda w: w + 1.0),
    "exp": (lambda v: ops.exp(v), np.exp),
    "sum": (lambda v: ops.sum(v, axis=0), lambda w: w.sum(axis=0)),
    "concatenate": (lambda v: ops.concatenate([v, v], axis=1), lambda w: np.concatenate([w, w], axis=1)),
    "stack": (lambda v: ops.stack((v, v)), lambda w: np.stack((w, w))),
    "where": (lambda v: ops.where(ops.greater(v, 0), v, 0.0), lambda w: np.where(w > 0, w, 0.0)),
    "transpose": (lambda v: ops.transpose(v), lambda w: w.T),
    "cast": (lambda v: ops.cast(v, "int32"), lambda w: w.astype("int32")),
    "einsum": (lambda v: ops.einsum("ij,kj->ik", X, ops.transpose(v)), lambda w: X @ w),
}

OPERATORS = {
    "x + v": (lambda v: X @ W + v[0], lambda w: X @ W + w[0]),
    "v + 1": (lambda v: v + 1, lambda w: w + 1),
    "1 - v": (lambda v: 1 - v, lambda w: 1 - w),
    "v * v": (lambda v: v * v, lambda w: w * w),
    "v / 2": (lambda v: v / 2, lambda w: w / 2),
    "2 ** v": (lambda v: 2 ** v, lambda w: 2 ** w),
    "x @ v": (lambda v: X @ v, lambda w: X @ w),
    "-v": (lambda v: -v, lambda w: -w),
    "abs(v)": (lambda v: abs(v), np.abs),
    "v[1:, 0]": (lambda v: v[1:, 0], lambda w: w[1:, 0]),
    "v[..., None]": (lambda v: v[..., None], lambda w: w[..., None]),
    "v < 0": (lambda v: v < 0, lambda w: w < 0),
    "v == v": (lambda v: v == v, lambda w: w == w),
    "numpy + v": (lambda v: np.ones((3, 2), "float32") + v, lambda w: 1 + w),
}


@pytest.mark.parametrize("backend", ["numpy", "jax"])
@pytest.mark.parametrize("name", sorted(OPS) + sorted(OPERATORS))
def test_a_variable_is_accepted_like_its_value(backend, name):
    with oi.backend_scope(backend):
        variable = oi.Variable(W, name="w")
        compute, reference = {**OPS, **OPERATORS}[name]
        result = ops.to_numpy(compute(variable))
        expected = reference(W)
        np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-6)
        assert result.dtype == np.asarray(expected).dtype or name == "2 ** v"


def test_properties_numpy_conversion_and_the_assign_family():
    variable = oi.Variable(W, name="w", trainable=False)
    assert (variable.shape, variable.dtype, variable.ndim, len(variable)) == ((3, 2), "float32", 2, 3)
    assert variable.trainable is False and variable.path == "w"
    np.testing.assert_array_equal(np.asarray(variable), W)
    np.testing.assert_array_equal(ops.to_numpy(variable.value), W)
    variable.assign_add(np.ones((3, 2)))
    variable.assign_sub(2 * np.ones((3, 2), "float32"))
    np.testing.assert_allclose(variable.numpy(), W - 1, rtol=1e-6)
    assert float(oi.Variable(np.float32(2.5), name="s")) == 2.5
    with pytest.raises(ValueError, match=r"shape \(2,\) to variable 'w' of shape \(3, 2\)"):
        variable.assign(np.ones(2))
    with pytest.raises(TypeError, match="cannot be used as a boolean"):
        bool(variable)


class Affine(layers.Layer):
    """A Keras-style custom layer: ops.matmul(x, self.w) + self.b, and a step counter."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 1), initializer="zeros", name="w")
        self.b = self.add_weight(shape=(1,), initializer="zeros", name="b")
        self.steps = self.add_weight(shape=(), initializer="zeros", trainable=False, name="steps")

    def call(self, inputs, training=None):
        if training:
            self.steps.assign_add(1.0)
        return ops.matmul(inputs, self.w) + self.b


def test_variables_in_compiled_training_steps_match_hand_computed_sgd():
    x = RNG.normal(size=(8, 3)).astype("float32")
    y = RNG.normal(size=(8, 1)).astype("float32")
    with oi.backend_scope("jax"):
        layer = Affine()
        model = oi.Sequential([layers.Input((3,)), layer])
        model.compile(optimizer=oi.optimizers.SGD(learning_rate=0.1), loss="mse")
        model.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0)
        w, b = np.zeros((3, 1)), np.zeros(1)
        for _ in range(3):
            for start in (0, 4):
                xb, yb = x[start:start + 4], y[start:start + 4]
                error = xb @ w + b - yb
                w, b = w - 0.1 * 2 * xb.T @ error / 4, b - 0.1 * 2 * error.mean(axis=0)
        np.testing.assert_allclose(layer.w.numpy(), w, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(layer.b.numpy(), b, rtol=1e-4, atol=1e-6)
        assert float(layer.steps) == 6.0, "the counter counts training steps, not shape probes"

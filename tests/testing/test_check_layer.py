"""check_layer passes a correct layer and catches each kind of broken layer."""

import types

import pytest

import oneiros as oi
from oneiros import ops
from oneiros.testing import check_layer


class Scale(oi.layers.Layer):
    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.scale = self.add_weight((input_shape[-1],), "ones", name="scale")

    def call(self, inputs):
        return ops.multiply(ops.multiply(inputs, self.scale.value), self.factor)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class WrongShape(Scale):
    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], 1)


class ForgetsConfig(Scale):
    def get_config(self):
        config = super().get_config()
        config.pop("factor")
        return config


class BlockedGradient(Scale):
    def call(self, inputs):
        return ops.multiply(ops.multiply(inputs, ops.stop_gradient(self.scale.value)), self.factor)


@pytest.fixture(autouse=True, scope="module")
def registered():
    from oneiros._plugins import host

    module = types.ModuleType("check_layer_plugin")

    @oi.hookimpl
    def register_layers(register):
        for cls in (Scale, WrongShape, ForgetsConfig, BlockedGradient):
            register(cls)

    module.register_layers = register_layers
    host().register_module(module, "checks")
    with oi.backend_scope("jax"):
        yield
    host().unregister("checks")


def test_a_correct_layer_passes_on_every_backend():
    report = check_layer(Scale, {"factor": 2.0}, input_shape=(2, 3), expected_output_shape=(2, 3),
                         expected_num_trainable_weights=1, expected_num_non_trainable_weights=0)
    assert set(report["backends"]) == set(oi.backend.available_backends()) >= {"jax", "numpy"}
    assert report["gradients"] == "checked"


def test_wrong_symbolic_shape_is_caught():
    with pytest.raises(AssertionError, match="symbolic output shape"):
        check_layer(WrongShape, {}, input_shape=(2, 3))


def test_incomplete_config_is_caught():
    with pytest.raises(AssertionError, match="rebuilt layer computes different outputs"):
        check_layer(ForgetsConfig, {"factor": 3.0}, input_shape=(2, 3))


def test_wrong_gradient_is_caught():
    with pytest.raises(AssertionError, match="central differences"):
        check_layer(BlockedGradient, {"factor": 2.0}, input_shape=(2, 3))


def test_wrong_weight_count_is_caught():
    with pytest.raises(AssertionError, match="1 trainable weights, expected 2"):
        check_layer(Scale, {}, input_shape=(2, 3), expected_num_trainable_weights=2)

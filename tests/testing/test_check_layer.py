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


class WeightlessCopy:
    """What an exporter that forgot the weights reads back: the identity."""

    def __init__(self, path):
        self.path = path

    def predict(self, inputs):
        return inputs


def export_without_weights(model, path):
    path.write_text(model.name)


class MaskDropper(Scale):
    supports_masking = True

    def compute_mask(self, inputs, mask=None):
        return None if mask is None else mask[:, :1]


@pytest.fixture(autouse=True, scope="module")
def registered():
    from oneiros._plugins import host

    module = types.ModuleType("check_layer_plugin")

    @oi.hookimpl
    def register_layers(register):
        for cls in (Scale, WrongShape, ForgetsConfig, BlockedGradient, MaskDropper):
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
    assert report["exports"] == {"onnx": [(2, 3)]}


def test_an_export_that_loses_the_weights_is_caught(register_plugin):
    module = types.ModuleType("weightless_export")

    @oi.hookimpl
    def register_layers(register):
        register(Scale)

    @oi.hookimpl
    def register_exporters(register):
        register(export_without_weights, name="weightless")

    @oi.hookimpl
    def register_model_readers(register):
        register(WeightlessCopy, name="weightless")

    module.register_layers = register_layers
    module.register_exporters = register_exporters
    module.register_model_readers = register_model_readers
    register_plugin(module, "weightless")
    with pytest.raises(AssertionError, match="exported to 'weightless' and read back, it differs"):
        check_layer(Scale, {"factor": 2.0}, input_shape=(2, 3), backends=[], exports=["weightless"])


def test_an_export_format_without_a_reader_is_refused():
    with pytest.raises(ValueError, match=r"cannot export to \['web'\]: a format needs both an exporter and a model "
                                         r"reader; .*readers: \[.*'onnx'"):
        check_layer(Scale, {}, input_shape=(2, 3), backends=[], exports=["web"])


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


def test_training_call_counts_losses_and_state_updates():
    check_layer(oi.layers.BatchNormalization, {}, input_shape=(4, 3), expected_state_update=True,
                expected_num_losses=0, backends=["numpy"], check_gradients=False)
    with pytest.raises(AssertionError, match="changed the non-trainable weights .'moving_mean', 'moving_variance'.; "
                                             "expected them to be kept"):
        check_layer(oi.layers.BatchNormalization, {}, input_shape=(4, 3), expected_state_update=False, backends=[],
                    check_gradients=False)
    check_layer(oi.layers.Dense, {"units": 2, "kernel_regularizer": "l2"}, expected_num_losses=1, backends=[],
                check_gradients=False)
    with pytest.raises(AssertionError, match="a call added 0 losses .add_loss., expected 1"):
        check_layer(oi.layers.Dense, {"units": 2}, expected_num_losses=1, backends=[])


def test_masks_are_checked_when_the_layer_supports_them():
    check_layer(oi.layers.Masking, {}, input_shape=(2, 4, 3), backends=[])
    with pytest.raises(AssertionError, match=r"compute_mask gives shape\(s\) \[\(2, 1\)\], the input mask has \(2, 4\)"):
        check_layer(MaskDropper, {}, input_shape=(2, 4, 3), backends=[])


def test_inside_register_plugin_every_installed_backend_is_checked(register_plugin):
    module = types.ModuleType("isolated_plugin")

    @oi.hookimpl
    def register_layers(register):
        register(Scale)

    module.register_layers = register_layers
    register_plugin(module, "isolated")
    assert {"jax", "numpy", "onnx"} <= set(oi.backend.available_backends())
    report = check_layer(Scale, {"factor": 2.0}, backends=["numpy", "onnx"])
    assert set(report["backends"]) == {"jax", "numpy", "onnx"}

"""MultiOptimizer and OptimizerMap against Keras 3: the same lookups, the same weights after the same
fit (within 1e-5), the same optimizer variables in .keras files both ways, .oneiros round trips."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import optimizers


def test_lookup_is_keras_docstring_example():
    adam, sgd, rmsprop = optimizers.Adam(), optimizers.SGD(), optimizers.RMSprop()
    optimizer_map = optimizers.OptimizerMap(default_optimizer=rmsprop)
    optimizer_map["encoder/layer_0/dense"] = adam
    optimizer_map["encoder/.*"] = sgd
    optimizer_map["decoder"] = adam
    assert optimizer_map["decoder"] is adam
    assert optimizer_map["encoder/layer_0/dense"] is adam  # an exact key wins over a matching pattern
    assert optimizer_map["encoder/layer_0/attention/query"] is sgd
    assert optimizer_map["decoder/layer_0/dense"] is rmsprop  # patterns match whole paths only
    assert len(optimizer_map) == 3 and list(optimizer_map) == ["encoder/layer_0/dense", "encoder/.*", "decoder"]
    del optimizer_map["decoder"]
    assert optimizer_map["decoder"] is rmsprop


def test_bad_entries_name_what_was_received_and_expected():
    optimizer_map = optimizers.OptimizerMap(optimizers.SGD(), {"dense.*": optimizers.Adam(), ".*kernel": optimizers.Adam()})
    with pytest.raises(ValueError, match=r"'dense/kernel' matches several keys \['dense\.\*', '\.\*kernel'\]"):
        optimizer_map["dense/kernel"]
    with pytest.raises(ValueError, match=r"'dense\.\*' already maps to"):
        optimizer_map["dense.*"] = optimizers.SGD()
    with pytest.raises(TypeError, match="received 3 of type int"):
        optimizer_map[3] = optimizers.SGD()
    with pytest.raises(ValueError, match="cannot be a LossScaleOptimizer"):
        optimizer_map["out"] = optimizers.LossScaleOptimizer(optimizers.SGD())
    with pytest.raises(TypeError, match=r"`default_optimizer` must be an Optimizer; received 'adam'"):
        optimizers.OptimizerMap("adam")
    with pytest.raises(TypeError, match="`optimizer_map` must be a dict"):
        optimizers.OptimizerMap(optimizers.SGD(), [("a", optimizers.Adam())])
    with pytest.raises(TypeError, match="`optimizer_map` must be an OptimizerMap or a callable"):
        optimizers.MultiOptimizer({"a": optimizers.Adam()})
    with pytest.raises(ValueError, match="loss_scale_factor"):
        optimizers.MultiOptimizer(optimizers.OptimizerMap(optimizers.SGD()), loss_scale_factor=128.0)
    multi = optimizers.MultiOptimizer(optimizers.OptimizerMap(optimizers.SGD()))
    with pytest.raises(AttributeError, match="no learning rate of its own"):
        multi.learning_rate
    nested = optimizers.MultiOptimizer(lambda variable: multi)
    with oi.backend_scope("numpy"), pytest.raises(ValueError, match="cannot be a MultiOptimizer"):
        nested.init([oi.ops.ones((2,))], ["dense/bias"])


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(9)
    x = rng.normal(size=(32, 3)).astype(np.float32)
    y = np.tanh(x @ rng.normal(size=(3, 2))).astype(np.float32)
    weights = [rng.normal(scale=0.5, size=shape).astype(np.float32) for shape in [(3, 6), (6,), (6, 2), (2,)]]
    return x, y, weights


def build(namespace, weights, optimizer):
    """A functional model (paths "encoder/kernel", "out/bias"... in both libraries) compiled with ``optimizer``."""
    inputs = namespace.Input((3,))
    hidden = namespace.layers.Dense(6, activation="tanh", name="encoder")(inputs)
    model = namespace.Model(inputs, namespace.layers.Dense(2, name="out")(hidden))
    model.set_weights(weights)
    model.compile(optimizer=optimizer, loss="mse")
    return model


def mapped(namespace):
    return namespace.optimizers.MultiOptimizer(namespace.optimizers.OptimizerMap(
        namespace.optimizers.Adam(0.01), {"encoder/.*": namespace.optimizers.SGD(0.1, momentum=0.5, use_ema=True)}))


def selected(namespace):
    adam, sgd = namespace.optimizers.Adam(0.02, amsgrad=True), namespace.optimizers.SGD(0.05)
    return namespace.optimizers.MultiOptimizer(lambda variable: sgd if variable.path.endswith("bias") else adam)


@pytest.fixture(scope="module")
def keras_fits(data):
    """Keras's model and weights after 2 epochs, per optimizer maker."""
    import keras

    x, y, weights = data
    fits = {}
    for make in (mapped, selected):
        model = build(keras, weights, make(keras))
        model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
        fits[make.__name__] = model
    return fits


@pytest.mark.parametrize("make", [mapped, selected])
def test_fit_matches_keras(make, data, keras_fits):
    x, y, weights = data
    model = build(oi, weights, make(oi))
    model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    theirs = keras_fits[make.__name__]
    for ours, expected in zip(model.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5)
    assert [int(o.iterations.numpy()) for o in model.optimizer.optimizers] == \
        [int(o.iterations.numpy()) for o in theirs.optimizer.optimizers]


def keras_optimizer_arrays(model):
    return [np.asarray(v.numpy()) for v in model.optimizer.variables]


def our_optimizer_arrays(model, in_keras_order):
    return in_keras_order(model.optimizer, model._get_trainer().optimizer_state)


def assert_arrays_close(ours, theirs):
    assert [a.shape for a in ours] == [a.shape for a in theirs]
    for got, want in zip(ours, theirs):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_keras_files_hold_keras_layout_both_ways(data, keras_fits, in_keras_order, tmp_path):
    import keras

    x, y, weights = data
    ours = build(oi, weights, mapped(oi))
    ours.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    ours.save(tmp_path / "ours.keras")
    assert_arrays_close(keras_optimizer_arrays(keras.saving.load_model(tmp_path / "ours.keras")),
                        our_optimizer_arrays(ours, in_keras_order))
    keras_fits["mapped"].save(tmp_path / "theirs.keras")
    loaded = oi.load_model(tmp_path / "theirs.keras")
    assert_arrays_close(in_keras_order(loaded.optimizer, loaded._pending_optimizer_state),
                        keras_optimizer_arrays(keras_fits["mapped"]))
    assert isinstance(loaded.optimizer, optimizers.MultiOptimizer)
    assert [type(o).__name__ for o in loaded.optimizer.optimizers] == ["SGD", "Adam"]
    loaded.fit(x[:8], y[:8], epochs=1, batch_size=8, shuffle=False, verbose=0)
    assert [int(o.iterations.numpy()) for o in loaded.optimizer.optimizers] == [9, 9]  # Keras's 8 steps, then one


def test_oneiros_file_round_trip(data, in_keras_order, tmp_path):
    x, y, weights = data
    model = build(oi, weights, mapped(oi))
    model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    model.save(tmp_path / "multi.oneiros")
    loaded = oi.load_model(tmp_path / "multi.oneiros")
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    loaded.fit(x[:8], y[:8], epochs=1, batch_size=8, shuffle=False, verbose=0)
    model.fit(x[:8], y[:8], epochs=1, batch_size=8, shuffle=False, verbose=0)
    assert_arrays_close(our_optimizer_arrays(loaded, in_keras_order), our_optimizer_arrays(model, in_keras_order))
    assert selected(oi).get_config()["optimizer_map"]["class_name"] == "function"  # by name, as Keras


def test_a_registered_selector_loads(data, tmp_path):
    x, y, weights = data
    adam, sgd = optimizers.Adam(0.01), optimizers.SGD(0.1)

    @oi.saving.register_keras_serializable(package="tests")
    def bias_to_sgd(variable):
        return sgd if variable.path.endswith("bias") else adam

    model = build(oi, weights, optimizers.MultiOptimizer(bias_to_sgd))
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    model.save(tmp_path / "selector.oneiros")
    loaded = oi.load_model(tmp_path / "selector.oneiros")
    assert loaded.optimizer.optimizer_map is bias_to_sgd
    loaded.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert [type(o).__name__ for o in loaded.optimizer.optimizers] == ["Adam", "SGD"]


def test_config_is_keras_config():
    import keras

    theirs = keras.saving.serialize_keras_object(mapped(keras))
    ours = oi.saving.serialize_keras_object(optimizers.MultiOptimizer.from_config(theirs["config"]))
    inner = ours["config"]["optimizer_map"]["config"]
    assert ours["class_name"] == "MultiOptimizer" and ours["config"]["optimizer_map"]["class_name"] == "OptimizerMap"
    assert inner["default_optimizer"]["class_name"] == "Adam"
    assert inner["optimizer_map"]["encoder/.*"]["config"]["momentum"] == 0.5
    assert inner["optimizer_map"]["encoder/.*"]["config"]["use_ema"] is True


def test_loss_scale_optimizer_file_loads_in_keras(data, in_keras_order, tmp_path):
    """The other wrapper: Keras reads a LossScaleOptimizer's inner state from its own group too."""
    import keras

    x, y, weights = data
    model = build(oi, weights, optimizers.LossScaleOptimizer(optimizers.SGD(0.1, momentum=0.5, use_ema=True)))
    model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    model.save(tmp_path / "scaled.keras")
    assert_arrays_close(keras_optimizer_arrays(keras.saving.load_model(tmp_path / "scaled.keras")),
                        our_optimizer_arrays(model, in_keras_order))


def test_an_inner_learning_rate_set_between_fits_reaches_the_state(data):
    x, y, weights = data
    model = build(oi, weights, mapped(oi))
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    sgd, adam = model.optimizer.optimizers
    adam.learning_rate = 0.0
    before = model.get_weights()
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    after = model.get_weights()
    assert not np.allclose(after[0], before[0])  # encoder/kernel: SGD
    np.testing.assert_array_equal(after[2], before[2])  # out/kernel: Adam at rate 0

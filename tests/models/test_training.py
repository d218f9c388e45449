"""fit / evaluate / predict on the jax backend against closed-form and hand-computed oracles."""

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers
from oneiros.data import DataError
from oneiros.errors import CapabilityError
from oneiros.models._pipeline import FUSION_CANDIDATES

RNG = np.random.default_rng(0)
X = RNG.normal(size=(256, 4)).astype("float32")
TRUE_W = np.array([[1.5], [-2.0], [0.25], [3.0]], "float32")
Y = X @ TRUE_W + 0.5


def linear_model(optimizer=None, **compile_kwargs):
    model = oi.Sequential([layers.Input((4,)), layers.Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer=optimizer or oi.optimizers.SGD(learning_rate=0.1), loss="mse", **compile_kwargs)
    return model


def test_fit_reaches_the_least_squares_solution():
    model = linear_model()
    history = model.fit(X, Y, epochs=30, batch_size=32, verbose=0)
    solution, *_ = np.linalg.lstsq(np.hstack([X, np.ones((len(X), 1), "float32")]), Y, rcond=None)
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel, solution[:4], atol=1e-4)
    np.testing.assert_allclose(bias, solution[4], atol=1e-4)
    assert history.history["loss"][-1] < 1e-8 < history.history["loss"][0]
    assert len(history.history["loss"]) == 30


def test_steps_per_execution_gives_the_same_weights_as_single_steps():
    single = linear_model()
    fused = linear_model(steps_per_execution=4)
    fused.set_weights(single.get_weights())
    for model in (single, fused):
        model.fit(X[:250], Y[:250], epochs=2, batch_size=16, shuffle=False, verbose=0)
    for a, b in zip(single.get_weights(), fused.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_evaluate_loss_and_metrics_are_hand_computable():
    model = oi.Sequential([layers.Input((4,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    predictions = model.predict(X, batch_size=64, verbose=0)
    logs = model.evaluate(X, Y, batch_size=50, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "mae"]
    np.testing.assert_allclose(logs["loss"], np.mean((predictions - Y) ** 2), rtol=1e-5)
    np.testing.assert_allclose(logs["mae"], np.mean(np.abs(predictions - Y)), rtol=1e-5)
    loss, mae = model.evaluate(X, Y, verbose=0)
    np.testing.assert_allclose([loss, mae], [logs["loss"], logs["mae"]], rtol=1e-6)


def test_fused_evaluation_gives_the_hand_computed_metrics_and_callback_steps():
    model = oi.Sequential([layers.Input((4,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"], steps_per_execution=4)
    predictions = model.predict(X, batch_size=64, verbose=0)
    seen_steps = []
    recorder = oi.callbacks.LambdaCallback(on_test_batch_end=lambda step, logs: seen_steps.append(step))
    logs = model.evaluate(X[:250], Y[:250], batch_size=16, verbose=0, return_dict=True, callbacks=[recorder])
    np.testing.assert_allclose(logs["loss"], np.mean((predictions[:250] - Y[:250]) ** 2), rtol=1e-5)
    np.testing.assert_allclose(logs["mae"], np.mean(np.abs(predictions[:250] - Y[:250])), rtol=1e-5)
    # 15 full batches of 16 and one of 10: three groups of four, then four single steps
    assert seen_steps == [3, 7, 11, 12, 13, 14, 15]


def two_output_model(steps_per_execution):
    inputs = oi.Input((4,))
    hidden = layers.Dense(3, activation="tanh", name="hidden")(inputs)
    model = oi.Model(inputs, {"hidden": hidden, "sum": layers.Dense(1, name="sum")(hidden)})
    model.compile(optimizer="sgd", loss="mse", steps_per_execution=steps_per_execution)
    return model


def numpy_forward(model, x):
    kernel, bias, sum_kernel, sum_bias = model.get_weights()
    hidden = np.tanh(x @ kernel + bias)
    return {"hidden": hidden, "sum": hidden @ sum_kernel + sum_bias}


@pytest.mark.parametrize("steps_per_execution", [4, "auto"])
def test_fused_prediction_equals_a_numpy_forward_pass(steps_per_execution):
    model = two_output_model(steps_per_execution)
    x = np.tile(X, (5, 1))[:1250]  # 78 batches of 16 and one of 2: enough for "auto" to measure
    seen_steps = []
    recorder = oi.callbacks.LambdaCallback(on_predict_batch_end=lambda step, logs: seen_steps.append(step))
    predictions = model.predict(x, batch_size=16, verbose=0, callbacks=[recorder])
    expected = numpy_forward(model, x)
    for name in ("hidden", "sum"):
        assert predictions[name].shape == expected[name].shape
        np.testing.assert_allclose(predictions[name], expected[name], rtol=1e-5, atol=1e-6)
    if steps_per_execution == 4:  # 19 groups of four, then three single batches
        assert seen_steps == [*range(3, 76, 4), 76, 77, 78]
    else:
        assert seen_steps[-1] == 78


def test_sample_and_class_weights_weight_the_loss():
    model = oi.Sequential([layers.Input((4,)), layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    labels = RNG.integers(0, 3, len(X)).astype("int32")
    probabilities = model.predict(X, verbose=0)
    per_sample = -np.log(probabilities[np.arange(len(X)), labels])
    weights = RNG.random(len(X)).astype("float32")
    loss = model.evaluate(X, labels, sample_weight=weights, batch_size=len(X), verbose=0)
    np.testing.assert_allclose(loss, np.sum(per_sample * weights) / len(X), rtol=1e-5)
    before = [w.copy() for w in model.get_weights()]
    result = model.train_on_batch(X, labels, class_weight={0: 1.0, 1: 2.0, 2: 0.5})
    class_weights = np.array([1.0, 2.0, 0.5])[labels]
    np.testing.assert_allclose(result, np.sum(per_sample * class_weights) / len(X), rtol=1e-5)
    assert any(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))


def test_validation_split_holds_out_the_last_samples():
    model = linear_model()
    history = model.fit(X, Y, epochs=1, batch_size=32, validation_split=0.25, verbose=0)
    held_out = model.evaluate(X[192:], Y[192:], verbose=0)
    np.testing.assert_allclose(history.history["val_loss"][-1], held_out, rtol=1e-5)


def test_functional_model_with_two_inputs_and_two_outputs():
    image = oi.Input((4,), name="image")
    extra = oi.Input((2,), name="extra")
    hidden = layers.Dense(8, activation="relu")(image)
    merged_in = layers.Dense(8)(extra)
    shared = layers.Dense(8, activation="tanh")
    a, b = shared(hidden), shared(merged_in)
    first = layers.Dense(1, name="first")(a)
    second = layers.Dense(3, activation="softmax", name="second")(b)
    model = oi.Model([image, extra], [first, second])
    assert first.shape == (None, 1) and second.shape == (None, 3)
    assert model.output_names == ["first", "second"]
    model.compile(optimizer="adam", loss={"first": "mse", "second": "sparse_categorical_crossentropy"},
                  loss_weights={"first": 2.0, "second": 0.5})
    extra_x = RNG.normal(size=(len(X), 2)).astype("float32")
    classes = RNG.integers(0, 3, len(X)).astype("int32")
    logs = model.evaluate({"image": X, "extra": extra_x}, {"first": Y, "second": classes},
                          batch_size=len(X), verbose=0, return_dict=True)
    predicted_first, predicted_second = model.predict([X, extra_x], verbose=0)
    mse = np.mean((predicted_first - Y) ** 2)
    crossentropy = np.mean(-np.log(predicted_second[np.arange(len(X)), classes]))
    # 1e-4: on a GPU, evaluate's batch of 256 and predict's batches of 32 take different matmul kernels
    np.testing.assert_allclose(logs["first_loss"], mse, rtol=1e-4)
    np.testing.assert_allclose(logs["second_loss"], crossentropy, rtol=1e-4)
    np.testing.assert_allclose(logs["loss"], 2.0 * mse + 0.5 * crossentropy, rtol=1e-4)
    history = model.fit([X, extra_x], [Y, classes], epochs=2, batch_size=64, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]


def test_subclassed_model_trains():
    class TwoLayer(oi.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(16, activation="relu")
            self.out = layers.Dense(1)

        def call(self, inputs):
            return self.out(self.hidden(inputs))

    model = TwoLayer()
    model.compile(optimizer=oi.optimizers.Adam(learning_rate=0.02), loss="mse")
    history = model.fit(X, Y, epochs=5, batch_size=32, verbose=0)
    assert len(model.trainable_weights) == 4
    assert history.history["loss"][-1] < history.history["loss"][0] / 4


def test_frozen_layers_do_not_change():
    model = oi.Sequential([layers.Input((4,)), layers.Dense(8), layers.Dense(1)])
    model.layers[0].trainable = False
    model.compile(optimizer="sgd", loss="mse")
    frozen = model.layers[0].get_weights()
    trained = model.layers[1].get_weights()
    model.fit(X, Y, epochs=1, verbose=0)
    for before, after in zip(frozen, model.layers[0].get_weights()):
        np.testing.assert_array_equal(before, after)
    assert not np.allclose(trained[0], model.layers[1].get_weights()[0])
    assert len(model.non_trainable_weights) == 2 and len(model.trainable_weights) == 2


def test_summary_counts_parameters():
    model = oi.Sequential([layers.Input((784,)), layers.Dense(512), layers.Dense(10)])
    text = model.summary(print_fn=lambda _: None)
    assert "(None, 512)" in text and "(None, 10)" in text
    assert f"Total params: {784 * 512 + 512 + 512 * 10 + 10:,}" in text


def test_config_round_trip_predicts_the_same():
    inputs = oi.Input((4,))
    outputs = layers.Dense(2, activation="relu")(layers.Dense(3)(inputs))
    for model in (oi.Model(inputs, outputs), oi.Sequential([layers.Input((4,)), layers.Dense(3), layers.Dense(2)])):
        clone = type(model).from_config(model.get_config())
        clone.set_weights(model.get_weights())
        np.testing.assert_allclose(clone.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)


def test_generator_and_dataset_inputs():
    class Batches(oi.data.Dataset):
        def __len__(self):
            return 8

        def __getitem__(self, index):
            return X[index * 32:(index + 1) * 32], Y[index * 32:(index + 1) * 32]

    from_dataset = linear_model()
    from_dataset.fit(Batches(workers=2), epochs=3, verbose=0)
    from_arrays = linear_model()
    from_arrays.fit(X, Y, epochs=3, batch_size=32, shuffle=False, verbose=0)
    for a, b in zip(from_dataset.get_weights(), from_arrays.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)

    def generator():
        while True:
            for start in range(0, 256, 32):
                yield X[start:start + 32], Y[start:start + 32]

    from_generator = linear_model()
    from_generator.fit(generator(), steps_per_epoch=8, epochs=3, verbose=0)
    for a, b in zip(from_generator.get_weights(), from_arrays.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_bad_data_is_refused_before_the_first_step():
    model = linear_model()
    before = model.get_weights()
    with pytest.raises(DataError, match=r"x: 256.*y: 100"):
        model.fit(X, Y[:100], verbose=0)
    with pytest.raises(DataError, match=r"x has shape \(256, 5\).*expects input 'x' of shape \(None, 4\)"):
        model.fit(np.ones((256, 5), "float32"), Y, verbose=0)
    with pytest.raises(DataError, match="must hold numbers"):
        model.fit(np.array([["a"] * 4] * 256), Y, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_inference_only_backend_refuses_fit_but_predicts():
    model = linear_model()
    expected = model.predict(X, verbose=0)
    with oi.backend_scope("numpy"):
        clone = oi.Sequential.from_config(model.get_config())
        clone.set_weights(model.get_weights())
        np.testing.assert_allclose(clone.predict(X, verbose=0), expected, rtol=1e-5)
        clone.compile(optimizer="sgd", loss="mse")
        with pytest.raises(CapabilityError, match="'numpy' does not support 'trainable'"):
            clone.fit(X, Y, verbose=0)


def test_on_batch_methods():
    model = linear_model()
    before = model.predict_on_batch(X[:8])
    loss = model.train_on_batch(X[:8], Y[:8])
    np.testing.assert_allclose(loss, np.mean((before - Y[:8]) ** 2), rtol=1e-5)
    after = model.predict_on_batch(X[:8])
    assert not np.allclose(before, after)
    np.testing.assert_allclose(model.test_on_batch(X[:8], Y[:8]), np.mean((after - Y[:8]) ** 2), rtol=1e-5)


def test_mixed_bfloat16_computes_in_bfloat16_and_keeps_float32_weights():
    model = oi.Sequential([layers.Input((4,)), layers.Dense(16, activation="relu", dtype="mixed_bfloat16"),
                           layers.Dense(1, dtype="mixed_bfloat16")])
    hidden = model.layers[0](X[:2])
    assert oi.ops.dtype(hidden) == "bfloat16"
    assert all(v.dtype == "float32" for v in model.weights)
    model.compile(optimizer=oi.optimizers.Adam(learning_rate=0.02), loss="mse")
    history = model.fit(X, Y, epochs=4, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] / 4
    assert all(v.dtype == "float32" for v in model.weights)


def test_batches_reach_the_model_unstacked_and_predictions_match_targets():
    seen = []

    class Probe(oi.layers.Layer):
        def call(self, inputs):
            seen.append(tuple(oi.ops.shape(inputs)))
            return inputs

        def compute_output_shape(self, input_shape):
            return input_shape

    for steps in (1, 3):
        seen.clear()
        model = oi.Sequential([layers.Input((4,)), Probe(), layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse", steps_per_execution=steps)
        model.fit(X[:96], Y[:96], batch_size=16, epochs=1, verbose=0)
        assert set(seen) == {(16, 4)}, (steps, seen)


def test_calling_build_directly_marks_the_layer_built():
    layer = layers.Dense(3)
    layer.build((None, 4))
    assert layer.built
    assert oi.ops.shape(layer(X[:2])) == (2, 3)
    assert len(layer.weights) == 2


def test_autocast_false_weights_keep_their_dtype_in_mixed_precision_calls():
    seen = {}

    class Stats(oi.layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight((input_shape[-1],), "ones", name="scale")
            self.statistic = self.add_weight((input_shape[-1],), "zeros", name="statistic", trainable=False,
                                             autocast=False)

        def call(self, inputs):
            seen["scale"], seen["statistic"] = oi.ops.dtype(self.scale.value), oi.ops.dtype(self.statistic.value)
            return inputs * self.scale.value

    Stats(dtype="mixed_bfloat16")(X[:2])
    assert seen == {"scale": "bfloat16", "statistic": "float32"}


def dropout_model(steps_per_execution):
    oi.set_random_seed(7)
    model = oi.Sequential([layers.Input((4,)), layers.Dense(16, activation="relu"), layers.Dropout(0.3, seed=5),
                           layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", steps_per_execution=steps_per_execution)
    return model


def test_fused_and_unfused_training_give_the_same_weights_with_dropout_and_shuffling():
    results = []
    for steps in (1, 4):
        model = dropout_model(steps)
        model.fit(X, Y, epochs=2, batch_size=16, shuffle=True, verbose=0)
        results.append(model.get_weights())
    for single, fused in zip(*results):
        np.testing.assert_allclose(single, fused, rtol=1e-6, atol=1e-6)


def test_auto_steps_per_execution_measures_without_touching_the_training():
    x = np.tile(X, (4, 1))
    y = np.tile(Y, (4, 1))
    reference = dropout_model(1)
    reference.fit(x, y, epochs=1, batch_size=8, shuffle=True, verbose=0)
    automatic = dropout_model("auto")
    history = automatic.fit(x, y, epochs=1, batch_size=8, shuffle=True, verbose=0)
    assert history.params["steps_per_execution"] in (1, *FUSION_CANDIDATES)
    for expected, got in zip(reference.get_weights(), automatic.get_weights()):
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)
    small = dropout_model("auto")
    assert small.fit(X, Y, epochs=1, batch_size=32, verbose=0).params["steps_per_execution"] == 1


def test_default_names_and_parameter_counts_follow_keras():
    from oneiros.layers.layer import snake_case

    assert [snake_case(n) for n in ("Conv2D", "GRUCell", "BatchNormalization", "LSTM")] == [
        "conv2d", "gru_cell", "batch_normalization", "lstm"]
    model = oi.Sequential([layers.Input((4,)), layers.Dense(3), layers.Dropout(0.5, seed=1), layers.Dense(1)])
    assert model.count_params() == (4 * 3 + 3) + (3 * 1 + 1)
    assert "Total params: 19" in model.summary(print_fn=lambda _: None)

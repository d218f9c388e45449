"""SwapEMAWeights against Keras 3: validation metrics of the averaged weights, the weights other
callbacks see with swap_on_epoch, and the weights fit ends with."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(40, 3)).astype(np.float32)
    y = np.sin(x @ np.array([[1.0], [-2.0], [0.5]], np.float32)).astype(np.float32)
    weights = [rng.normal(scale=0.5, size=shape).astype(np.float32) for shape in [(3, 5), (5,), (5, 1), (1,)]]
    return x, y, weights


def build(namespace, weights, **ema):
    model = namespace.Sequential([namespace.Input((3,)), namespace.layers.Dense(5, activation="tanh"),
                                  namespace.layers.Dense(1)])
    model.set_weights(weights)
    model.compile(optimizer=namespace.optimizers.SGD(0.2, momentum=0.5, use_ema=True, ema_momentum=0.6, **ema),
                  loss="mse", metrics=["mae"])
    return model


def fit_recording(namespace, data, swap_on_epoch):
    """The history and the weights a callback after SwapEMAWeights saw at each epoch end."""
    x, y, weights = data
    model = build(namespace, weights)
    seen = []
    record = namespace.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(model.get_weights()))
    history = model.fit(x[:32], y[:32], validation_data=(x[32:], y[32:]), epochs=3, batch_size=8, shuffle=False,
                        verbose=0, callbacks=[namespace.callbacks.SwapEMAWeights(swap_on_epoch=swap_on_epoch), record])
    return history.history, seen, model.get_weights()


def test_matches_keras(data):
    """Validation runs on the averages (swapped in before it, out after); with swap_on_epoch the
    callbacks after this one see the averages at each epoch end too."""
    import keras

    theirs = fit_recording(keras, data, swap_on_epoch=True)
    ours = fit_recording(oi, data, swap_on_epoch=True)
    assert sorted(ours[0]) == sorted(theirs[0])
    for key, values in theirs[0].items():
        np.testing.assert_allclose(ours[0][key], values, rtol=1e-5, atol=1e-6, err_msg=key)
    for got, want in zip([w for epoch in ours[1] for w in epoch] + ours[2],
                         [w for epoch in theirs[1] for w in epoch] + theirs[2], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_validation_sees_the_averages_and_training_the_weights(data):
    x, y, weights = data
    model = build(oi, weights)
    model.fit(x[:32], y[:32], epochs=1, batch_size=8, shuffle=False, verbose=0)
    model.train_on_batch(x[:8], y[:8])  # weights and averages now differ (fit ended on the averages)
    trained = model.get_weights()
    state = model._get_trainer().optimizer_state
    averages = [np.asarray(oi.ops.to_numpy(a)) for a in state["average"]]
    swap = oi.callbacks.SwapEMAWeights()
    predicted = model.predict(x, verbose=0, callbacks=[swap])
    evaluated = model.evaluate(x, y, verbose=0, callbacks=[swap], return_dict=True)
    hidden = np.tanh(x @ averages[0] + averages[1])
    np.testing.assert_allclose(predicted, hidden @ averages[2] + averages[3], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(evaluated["loss"], np.mean((hidden @ averages[2] + averages[3] - y) ** 2), rtol=1e-5)
    for got, want in zip(model.get_weights(), trained, strict=True):  # Keras leaves the averages after predict
        np.testing.assert_array_equal(got, want)


def test_refuses_an_optimizer_without_averages(data):
    x, y, weights = data
    model = oi.Sequential([oi.Input((3,)), oi.layers.Dense(1)])
    model.compile(optimizer=oi.optimizers.SGD(0.1), loss="mse")
    with pytest.raises(ValueError, match=r"needs an optimizer with use_ema=True.*SGD"):
        model.fit(x, y, validation_data=(x, y), epochs=1, verbose=0, callbacks=[oi.callbacks.SwapEMAWeights()])
    with pytest.raises(TypeError, match="swap_on_epoch"):
        oi.callbacks.SwapEMAWeights(swap_on_epoch="yes")

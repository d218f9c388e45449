"""The model builders: architecture and weight counts computed by hand, and they train."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import backend_scope
from oneiros_vision.models import mnist_convnet, small_resnet


def test_mnist_convnet_is_the_classic_keras_example(jax_backend):
    model = mnist_convnet()
    assert [type(layer).__name__ for layer in model.layers] == [
        "Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dropout", "Dense"]
    # conv 3*3*1*32 + 32, conv 3*3*32*64 + 64, dense 5*5*64*10 + 10
    assert sum(w.numpy().size for w in model.trainable_weights) == 320 + 18_496 + 16_010
    probabilities = model.predict(np.zeros((2, 28, 28, 1), "float32"), verbose=0)
    assert probabilities.shape == (2, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_small_resnet_weight_counts_by_hand():
    with backend_scope("numpy"):
        model = small_resnet()
        resnet20 = small_resnet(blocks_per_stage=3)
    # stem 3*3*3*16 + BN; stage 1: two 3x3 16->16 convs + BNs; stages 2 and 3: 3x3 convs, a 1x1
    # projection, three BNs (4 values per channel, 2 of them trainable); dense 64*10 + 10.
    stem = 432 + 64
    stage1 = 2 * 2304 + 2 * 64
    stage2 = 4608 + 9216 + 512 + 3 * 128
    stage3 = 18_432 + 36_864 + 2048 + 3 * 256
    assert model.count_params() == stem + stage1 + stage2 + stage3 + 650
    assert sum(w.numpy().size for w in model.non_trainable_weights) == 2 * (16 * 3 + 32 * 3 + 64 * 3)
    names = [type(layer).__name__ for layer in resnet20.layers]
    assert names.count("Conv2D") == 1 + 2 * 9 + 2 and names.count("Add") == 9 and names.count("Dense") == 1


def test_small_resnet_fits_a_few_images(jax_backend):
    oi.set_random_seed(0)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 32, 32, 3)).astype("float32"), np.arange(16) % 4
    model = small_resnet(num_classes=4, stage_filters=(8, 16))
    model.compile(optimizer=oi.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


@pytest.mark.parametrize(("kwargs", "message"), [({"blocks_per_stage": 0}, "blocks_per_stage"),
                                                 ({"stage_filters": ()}, "stage_filters")])
def test_bad_builder_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        small_resnet(**kwargs)

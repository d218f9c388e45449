"""keras-io example: Image classification with Vision Transformer
(https://keras.io/examples/vision/image_classification_with_vision_transformer/).

A small ViT on MNIST digits instead of CIFAR-100: a Patches layer cutting images with
ops.image.extract_patches, a PatchEncoder adding position embeddings to projected patches,
transformer blocks of LayerNormalization, MultiHeadAttention, an MLP with GELU and residual adds,
then a flattened representation and an MLP head giving logits; trained with AdamW.
"""
import numpy as np

import keras
from keras import layers, ops

from _data import mnist
from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

num_classes = 10
input_shape = (28, 28, 1)
(x_train, y_train), (x_test, y_test) = mnist(train=768, test=256)

image_size = 28
patch_size = 7
num_patches = (image_size // patch_size) ** 2
projection_dim = 16
num_heads = 2
transformer_units = [projection_dim * 2, projection_dim]
transformer_layers = 2
mlp_head_units = [32]


def mlp(x, hidden_units, dropout_rate):
    for units in hidden_units:
        x = layers.Dense(units, activation=keras.activations.gelu)(x)
        x = layers.Dropout(dropout_rate)(x)
    return x


class Patches(layers.Layer):
    def __init__(self, patch_size):
        super().__init__()
        self.patch_size = patch_size

    def call(self, images):
        input_shape = ops.shape(images)
        batch_size = input_shape[0]
        height = input_shape[1]
        width = input_shape[2]
        channels = input_shape[3]
        num_patches_h = height // self.patch_size
        num_patches_w = width // self.patch_size
        patches = keras.ops.image.extract_patches(images, size=self.patch_size)
        patches = ops.reshape(patches, (batch_size, num_patches_h * num_patches_w,
                                        self.patch_size * self.patch_size * channels))
        return patches

    def get_config(self):
        config = super().get_config()
        config.update({"patch_size": self.patch_size})
        return config


class PatchEncoder(layers.Layer):
    def __init__(self, num_patches, projection_dim):
        super().__init__()
        self.num_patches = num_patches
        self.projection = layers.Dense(units=projection_dim)
        self.position_embedding = layers.Embedding(input_dim=num_patches, output_dim=projection_dim)

    def call(self, patch):
        positions = ops.expand_dims(ops.arange(start=0, stop=self.num_patches, step=1), axis=0)
        projected_patches = self.projection(patch)
        encoded = projected_patches + self.position_embedding(positions)
        return encoded

    def get_config(self):
        config = super().get_config()
        config.update({"num_patches": self.num_patches})
        return config


patches = Patches(patch_size)(x_test[:1])
report("exact", "patches_shape", list(patches.shape))
report("close", "patch_values", np.asarray(patches)[0, 5, 21:28])  # the centre row of a central patch


def create_vit_classifier():
    inputs = keras.Input(shape=input_shape)
    patches = Patches(patch_size)(inputs)
    encoded_patches = PatchEncoder(num_patches, projection_dim)(patches)
    for _ in range(transformer_layers):
        x1 = layers.LayerNormalization(epsilon=1e-6)(encoded_patches)
        attention_output = layers.MultiHeadAttention(num_heads=num_heads, key_dim=projection_dim, dropout=0.1)(x1, x1)
        x2 = layers.Add()([attention_output, encoded_patches])
        x3 = layers.LayerNormalization(epsilon=1e-6)(x2)
        x3 = mlp(x3, hidden_units=transformer_units, dropout_rate=0.1)
        encoded_patches = layers.Add()([x3, x2])
    representation = layers.LayerNormalization(epsilon=1e-6)(encoded_patches)
    representation = layers.Flatten()(representation)
    representation = layers.Dropout(0.5)(representation)
    features = mlp(representation, hidden_units=mlp_head_units, dropout_rate=0.5)
    logits = layers.Dense(num_classes)(features)
    return keras.Model(inputs=inputs, outputs=logits)


model = create_vit_classifier()
seed_and_describe(model)
report("close", "initial_logits", model.predict(x_test[:2], verbose=0))
optimizer = keras.optimizers.AdamW(learning_rate=1e-3, weight_decay=1e-4)
model.compile(optimizer=optimizer, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
report("close", "initial_evaluate", model.evaluate(x_test, y_test, verbose=0))
history = model.fit(x_train, y_train, batch_size=64, epochs=3, shuffle=False, verbose=0)
# Dropout draws its masks from each framework's own random streams: training differs a little
report("exact", "history_keys", sorted(history.history))
report("loose", "loss", history.history["loss"])
report("loose", "test_loss", model.evaluate(x_test, y_test, verbose=0)[0])

"""keras-io example: Convolutional autoencoder for image denoising
(https://keras.io/examples/vision/autoencoder/).

An encoder of strided convolutions and pooling, a decoder of transposed convolutions, trained
first to reconstruct MNIST digits and then to remove Gaussian noise added with numpy.
"""
import numpy as np

import keras
from keras import layers

from _data import mnist
from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

(train, _), (test, _) = mnist(train=1024, test=128)
rng = np.random.default_rng(0)
noisy_train = np.clip(train + 0.4 * rng.normal(size=train.shape), 0.0, 1.0).astype("float32")
noisy_test = np.clip(test + 0.4 * rng.normal(size=test.shape), 0.0, 1.0).astype("float32")

inputs = layers.Input(shape=(28, 28, 1))
x = layers.Conv2D(16, (3, 3), activation="relu", padding="same")(inputs)
x = layers.MaxPooling2D((2, 2), padding="same")(x)
x = layers.Conv2D(16, (3, 3), activation="relu", padding="same")(x)
encoded = layers.MaxPooling2D((2, 2), padding="same")(x)
x = layers.Conv2DTranspose(16, (3, 3), strides=2, activation="relu", padding="same")(encoded)
x = layers.Conv2DTranspose(16, (3, 3), strides=2, activation="relu", padding="same")(x)
decoded = layers.Conv2D(1, (3, 3), activation="sigmoid", padding="same")(x)

autoencoder = keras.Model(inputs, decoded)
report("exact", "encoded_shape", encoded.shape)
report("exact", "decoded_shape", autoencoder.output_shape)
seed_and_describe(autoencoder)
report("close", "initial_reconstruction", autoencoder.predict(test[:1], verbose=0)[0, 10:14, 10:14, 0])

autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
report("close", "initial_loss", autoencoder.evaluate(test, test, verbose=0))
history = autoencoder.fit(train, train, epochs=2, batch_size=128, shuffle=False,
                          validation_data=(test, test), verbose=0)
report("trained", "reconstruction_loss", history.history["loss"])
report("trained", "reconstruction_val_loss", history.history["val_loss"])

history = autoencoder.fit(noisy_train, train, epochs=1, batch_size=128, shuffle=False, verbose=0)
report("trained", "denoising_loss", history.history["loss"])
denoised = autoencoder.predict(noisy_test, verbose=0)
report("trained", "denoised_error", float(np.mean(np.abs(denoised - test))))
report("close", "noisy_error", float(np.mean(np.abs(noisy_test - test))))

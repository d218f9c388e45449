"""keras-io example: Variational AutoEncoder (https://keras.io/examples/generative/vae/).

A dense VAE on MNIST digits: a Sampling layer drawing its noise with keras.random and a
SeedGenerator, the KL divergence added by a layer through add_loss, the reconstruction loss
given to compile, separate encoder and decoder models, and checks that the noise is fresh on
every call while seeded draws repeat.
"""
import numpy as np

import keras
from keras import layers, ops

from _data import mnist
from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

latent_dim = 2


class Sampling(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(shape=ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


class KLDivergence(layers.Layer):
    def call(self, inputs):
        z_mean, z_log_var = inputs
        kl = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
        self.add_loss(ops.mean(ops.sum(kl, axis=1)) / 784.0)
        return z_mean


(x_train, _), (x_test, _) = mnist(train=1024, test=64)
x_train, x_test = x_train.reshape(-1, 784), x_test.reshape(-1, 784)

encoder_inputs = keras.Input(shape=(784,))
h = layers.Dense(64, activation="relu")(encoder_inputs)
z_mean = layers.Dense(latent_dim, name="z_mean")(h)
z_log_var = layers.Dense(latent_dim, name="z_log_var")(h)
z = Sampling()([KLDivergence()([z_mean, z_log_var]), z_log_var])
encoder = keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")

latent_inputs = keras.Input(shape=(latent_dim,))
decoder_outputs = layers.Dense(784, activation="sigmoid")(layers.Dense(64, activation="relu")(latent_inputs))
decoder = keras.Model(latent_inputs, decoder_outputs, name="decoder")

vae = keras.Model(encoder_inputs, decoder(encoder(encoder_inputs)[2]), name="vae")
report("exact", "encoder_output_shapes", [tuple(t.shape) for t in encoder.outputs])
seed_and_describe(vae)
means, log_vars, _ = encoder.predict(x_test[:3], verbose=0)
report("close", "z_mean", means)
report("close", "z_log_var", log_vars)
report("close", "decoded", decoder.predict(np.array([[0.5, -1.0]], "float32"), verbose=0)[0, 300:310])
encoder(x_test[:8])
report("close", "kl_loss", [float(loss) for loss in encoder.losses])

first, second = vae.predict(x_test[:4], verbose=0), vae.predict(x_test[:4], verbose=0)
report("exact", "fresh_noise_per_predict", bool(np.any(first != second)))
seeded = [keras.random.normal((3,), seed=7) for _ in range(2)]
report("exact", "seeded_draws_repeat", bool(np.all(np.asarray(seeded[0]) == np.asarray(seeded[1]))))
generator = keras.random.SeedGenerator(3)
report("exact", "generator_draws_differ",
       bool(np.any(np.asarray(keras.random.uniform((3,), seed=generator)) !=
                   np.asarray(keras.random.uniform((3,), seed=generator)))))

vae.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
history = vae.fit(x_train, x_train, epochs=3, batch_size=128, shuffle=False, verbose=0)
report("loose", "loss", history.history["loss"])
report("loose", "test_loss", vae.evaluate(x_test, x_test, verbose=0))

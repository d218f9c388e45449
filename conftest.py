"""Settings every test shares, read before any test module imports Keras.

Keras 3 is the oracle of many tests and picks its backend once, at its first import: JAX, as
those tests compare against (TensorFlow is installed too and would otherwise be Keras's default).
"""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

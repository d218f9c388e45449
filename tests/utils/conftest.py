"""oi.utils is checked against Keras 3 itself (JAX backend) wherever Keras computes the same thing."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

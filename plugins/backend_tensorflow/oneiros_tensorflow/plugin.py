"""Entry point ``tensorflow``: registers the TensorFlow backend behind a factory that imports
TensorFlow on first use."""

import os

import oneiros

ONEIROS_PLUGIN_API = 1


def _tensorflow_backend():
    # TensorFlow's C++ start-up logs (oneDNN, CPU features) say nothing a user can act on; a
    # level the user set is kept.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from oneiros_tensorflow.backend import TensorflowBackend

    return TensorflowBackend()


@oneiros.hookimpl
def register_backends(register):
    register(_tensorflow_backend, name="tensorflow")

"""Entry point ``tensorflow``: the TensorFlow backend (behind a factory that imports TensorFlow on
first use), the tf.data input adapter and the SavedModel / TFLite exporters (lazy references)."""

import os

import oneiros
from oneiros import lazy

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


@oneiros.hookimpl
def register_data_adapters(register):
    register(lazy("oneiros_tensorflow.data_adapter:TensorflowDatasetAdapter"))


@oneiros.hookimpl
def register_exporters(register):
    register(lazy("oneiros_tensorflow.export:export_saved_model"), name="tf_saved_model")
    register(lazy("oneiros_tensorflow.export:export_tflite"), name="tflite")

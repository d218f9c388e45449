"""Entry point ``pytensor``: registers the PyTensor backend (also as ``theano``, the name Keras 2
users type) behind a factory that imports pytensor on first use."""

import functools

import oneiros

ONEIROS_PLUGIN_API = 1


@functools.cache  # one instance behind both names, so both share its compiled functions
def _pytensor_backend():
    from oneiros_pytensor.backend import PytensorBackend

    return PytensorBackend()


@oneiros.hookimpl
def register_backends(register):
    register(_pytensor_backend, name="pytensor")
    register(_pytensor_backend, name="theano")

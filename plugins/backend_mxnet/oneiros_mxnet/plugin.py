"""Entry point ``mxnet``: registers the MXNet backend behind a factory that imports mxnet on first use."""

import warnings

import oneiros

ONEIROS_PLUGIN_API = 1


def _mxnet_backend():
    with warnings.catch_warnings():
        # Importing MXNet 1.9 warns about numpy and distutils APIs it uses; nothing a user can act on.
        warnings.simplefilter("ignore", DeprecationWarning)
        from oneiros_mxnet.backend import MxnetBackend

    return MxnetBackend()


@oneiros.hookimpl
def register_backends(register):
    register(_mxnet_backend, name="mxnet")

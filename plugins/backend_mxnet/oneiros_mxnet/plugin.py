"""Entry point ``mxnet``: registers the MXNet backend behind a factory that imports mxnet on first use."""

import oneiros

ONEIROS_PLUGIN_API = 1


def _mxnet_backend():
    from oneiros_mxnet.backend import MxnetBackend

    return MxnetBackend()


@oneiros.hookimpl
def register_backends(register):
    register(_mxnet_backend, name="mxnet")

"""Entry point ``jax``: registers the JAX backend behind a factory that imports jax on first use."""

import oneiros

ONEIROS_PLUGIN_API = 1


def _jax_backend():
    from oneiros_jax.backend import JaxBackend

    return JaxBackend()


@oneiros.hookimpl
def register_backends(register):
    register(_jax_backend, name="jax")

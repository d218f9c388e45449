"""Entry point ``counting``: the backend class, registered as a lazy reference, is its own factory;
discovery imports nothing, and the first use of the backend imports and instantiates it."""

import oneiros

ONEIROS_PLUGIN_API = 1


@oneiros.hookimpl
def register_backends(register):
    register(oneiros.lazy("oneiros_counting.backend:CountingBackend"), name="counting")

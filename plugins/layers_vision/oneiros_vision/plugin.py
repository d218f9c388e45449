"""Entry point of the vision plugin: registers its layers and data loaders.

Everything is registered as a lazy reference (see ``_catalog``), so discovering the plugin
imports neither its layers nor numpy nor Pillow.
"""

import oneiros

ONEIROS_PLUGIN_API = 1


@oneiros.hookimpl
def register_layers(register):
    from oneiros_vision._catalog import ALIASES, layer_references

    references = layer_references()
    for name, reference in references.items():
        register(oneiros.lazy(reference), name=name)
    for alias, name in ALIASES.items():
        register(oneiros.lazy(references[name]), name=alias)


@oneiros.hookimpl
def register_data_loaders(register):
    from oneiros_vision._catalog import DATA_LOADERS

    for name, reference in DATA_LOADERS.items():
        register(oneiros.lazy(reference), name=name)

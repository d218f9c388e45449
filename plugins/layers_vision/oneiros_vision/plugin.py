"""Entry point of the vision plugin: registers its layers and data loaders.

Imports nothing heavy: the layer modules load when a layer registry is first used, Pillow only
when an image file is read or written.
"""

import oneiros

ONEIROS_PLUGIN_API = 1


@oneiros.hookimpl
def register_layers(register):
    from oneiros_vision.layers import ALIASES, LAYERS

    for layer in LAYERS:
        register(layer)
    for alias, layer in ALIASES.items():
        register(layer, name=alias)


@oneiros.hookimpl
def register_data_loaders(register):
    from oneiros_vision._loaders import LOADERS

    for name, loader in LOADERS.items():
        register(loader, name=name)

"""Entry point of the text plugin (``text = "oneiros_text.plugin"``).

Importing this module imports nothing but the core; the hooks import the layers, preprocessing
layers and data loaders when the core asks for them (on first use of a registry).
"""

import oneiros

ONEIROS_PLUGIN_API = 1


@oneiros.hookimpl
def register_layers(register):
    from oneiros_text.layers import layer_classes
    from oneiros_text.preprocessing import layer_classes as preprocessing_classes

    for layer_class in layer_classes() + preprocessing_classes():
        register(layer_class)


@oneiros.hookimpl
def register_data_loaders(register):
    from oneiros_text.data import load_delimited, text_dataset_from_directory

    register(text_dataset_from_directory, name="text_folder")
    register(load_delimited, name="delimited")

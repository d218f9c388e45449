"""Entry point of the text plugin (``text = "oneiros_text.plugin"``).

Importing this module imports nothing but the core, and the hooks register lazy references: a
layer or loader module is imported when a registry lookup first asks for it.
"""

import oneiros

ONEIROS_PLUGIN_API = 1


@oneiros.hookimpl
def register_layers(register):
    from oneiros_text.layers import layer_references
    from oneiros_text.preprocessing import layer_references as preprocessing_references

    for name, reference in {**layer_references(), **preprocessing_references()}.items():
        register(oneiros.lazy(reference), name=name)


@oneiros.hookimpl
def register_data_loaders(register):
    register(oneiros.lazy("oneiros_text.data.text_folder:text_dataset_from_directory"), name="text_folder")
    register(oneiros.lazy("oneiros_text.data.delimited:load_delimited"), name="delimited")

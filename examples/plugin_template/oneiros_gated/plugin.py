"""Entry point ``gated``: what this plugin adds to Oneiros."""

import oneiros

ONEIROS_PLUGIN_API = 1


@oneiros.hookimpl
def register_layers(register):
    from oneiros_gated.gated_dense import GatedDense

    register(GatedDense)


@oneiros.hookimpl
def register_losses(register):
    from oneiros_gated.charbonnier import CharbonnierLoss

    register(CharbonnierLoss)

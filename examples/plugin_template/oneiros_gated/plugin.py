"""Entry point ``gated``: what this plugin adds to Oneiros."""

import oneiros

ONEIROS_PLUGIN_API = 1


@oneiros.hookimpl
def register_layers(register):
    register(oneiros.lazy("oneiros_gated.gated_dense:GatedDense"))


@oneiros.hookimpl
def register_losses(register):
    register(oneiros.lazy("oneiros_gated.charbonnier:CharbonnierLoss"))

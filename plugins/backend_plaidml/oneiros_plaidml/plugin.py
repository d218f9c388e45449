"""Entry point ``plaidml``: registers the PlaidML backend behind a factory that imports plaidml on first use."""

import os

import oneiros

ONEIROS_PLUGIN_API = 1

DEVICE_VARIABLE = "ONEIROS_PLAIDML_DEVICE"
DEFAULT_DEVICE = "llvm_cpu.0"


def _choose_device() -> None:
    """``ONEIROS_PLAIDML_DEVICE`` wins; else PlaidML's own settings; else its LLVM CPU device.

    PlaidML reads these variables when it first opens a context, so this runs before the import.
    The CPU device is experimental in PlaidML 0.7.0, and without a device list PlaidML asks the
    user to run ``plaidml-setup`` first.
    """
    chosen = os.environ.get(DEVICE_VARIABLE)
    if chosen:
        os.environ["PLAIDML_DEVICE_IDS"] = chosen
    elif not os.environ.get("PLAIDML_DEVICE_IDS"):
        os.environ["PLAIDML_DEVICE_IDS"] = DEFAULT_DEVICE
    if os.environ["PLAIDML_DEVICE_IDS"].startswith("llvm_cpu"):
        os.environ.setdefault("PLAIDML_EXPERIMENTAL", "1")


def _plaidml_backend():
    _choose_device()
    try:
        from oneiros_plaidml.backend import PlaidmlBackend
    except ModuleNotFoundError as exc:
        if exc.name != "plaidml":
            raise
        raise ImportError("The plaidml backend needs PlaidML 0.7.0: pip install --no-deps plaidml==0.7.0 "
                          "(without --no-deps pip would also install enum34, which breaks Python 3's enum).",
                          name="plaidml") from exc

    return PlaidmlBackend()


@oneiros.hookimpl
def register_backends(register):
    register(_plaidml_backend, name="plaidml")

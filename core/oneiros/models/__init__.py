"""Models: ``Model`` (functional or subclassed) and ``Sequential``, and Keras's saving names
(``load_model``, ``save_model``, ``clone_model``, ``model_from_json``), which live in
:mod:`oneiros.saving`."""

from typing import Any

from oneiros.models.functional import Functional
from oneiros.models.model import Model
from oneiros.models.sequential import Sequential

__all__ = ["Functional", "Model", "Sequential", "clone_model", "load_model", "model_from_json", "save_model"]

_SAVING_NAMES = ("clone_model", "load_model", "model_from_json", "save_model")


def __getattr__(name: str) -> Any:
    if name in _SAVING_NAMES:
        from oneiros import saving

        return getattr(saving, name)
    raise AttributeError(f"module 'oneiros.models' has no attribute {name!r}")

"""Models: ``Model`` (functional or subclassed) and ``Sequential``."""

from oneiros.models.functional import Functional
from oneiros.models.model import Model
from oneiros.models.sequential import Sequential

__all__ = ["Functional", "Model", "Sequential", "model_from_json"]


def model_from_json(text: str, **options):
    """A freshly initialised model from ``model.to_json()`` output (safe_mode=True by default)."""
    from oneiros.saving import model_from_json as load

    return load(text, **options)

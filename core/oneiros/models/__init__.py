"""Models: ``Model`` (functional or subclassed) and ``Sequential``."""

from oneiros.models.functional import Functional
from oneiros.models.model import Model
from oneiros.models.sequential import Sequential

__all__ = ["Functional", "Model", "Sequential"]

"""Errors of the onnx plugin."""

from __future__ import annotations

from oneiros.errors import OneirosError


class LoweringError(OneirosError):
    """An op (or a Python operation on a traced tensor) cannot be expressed in the ONNX graph.

    ``layer`` names the layer whose ``call`` was being traced, when one was.
    """

    def __init__(self, op: str, reason: str, layer: str | None = None):
        self.op = op
        self.reason = reason
        self.layer = layer
        where = f" in layer {layer}" if layer else ""
        super().__init__(f"Cannot lower {op}{where} to ONNX: {reason}.")

    def in_layer(self, layer: str) -> LoweringError:
        return type(self)(self.op, self.reason, layer)


class TracedValueError(LoweringError, TypeError):
    """Python asked a traced tensor for its value (``bool(x)``, ``float(x)``, ``numpy.asarray(x)``).

    A TypeError too, as jax's tracers raise, so code that falls back on TypeError still can.
    """


class UnsafeModelError(OneirosError):
    """An .onnx file refers to data outside its own folder (or is otherwise unsafe to load)."""

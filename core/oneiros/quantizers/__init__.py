"""Quantizers with Keras 3's names (``keras.quantizers``): int8 weights and activations for
``model.quantize("int8")``, and the float8 scaling helpers.

``abs_max_quantize(x, axis)`` scales ``x`` so that its largest magnitude along ``axis`` maps to
127, rounds (half to even) and clips: ``(int8 values, scale)``, where ``x ~= values / scale``.
Dense, EinsumDense and Embedding store int8 kernels with one scale per output channel and, by
default, quantize their inputs per row with :class:`AbsMaxQuantizer` at call time, as Keras does.

Example::

    values, scale = oi.quantizers.abs_max_quantize(kernel, axis=0)   # one scale per column
    model.quantize("int8")                                           # every Dense/EinsumDense/Embedding
    model.quantize(config=Int8QuantizationConfig(activation_quantizer=None))   # weights only
"""

from __future__ import annotations

from typing import Any

from oneiros._catalog import Catalog
from oneiros.quantizers._quantizers import (
    EPSILON,
    AbsMaxQuantizer,
    Quantizer,
    abs_max_quantize,
    compute_float8_amax_history,
    compute_float8_scale,
    quantize_and_dequantize,
)

__all__ = ["EPSILON", "AbsMaxQuantizer", "Int8QuantizationConfig", "QUANTIZATION_MODES", "QuantizationConfig",
           "Quantizer", "abs_max_quantize", "compute_float8_amax_history", "compute_float8_scale",
           "deserialize", "get", "quantization_config_for", "quantize_and_dequantize", "serialize"]

QUANTIZATION_MODES = ("int8",)
"""The modes ``model.quantize`` implements (Keras also has int4, float8, gptq and awq)."""


class QuantizationConfig:
    """Which quantizer a layer uses for its weights and for its inputs (None: the mode's default
    for weights; no input quantization for activations)."""

    def __init__(self, weight_quantizer: Quantizer | None = None, activation_quantizer: Quantizer | None = None):
        for argument, value in (("weight_quantizer", weight_quantizer), ("activation_quantizer", activation_quantizer)):
            if value is not None and not isinstance(value, Quantizer):
                raise ValueError(f"{argument} must be a Quantizer or None; received {value!r}.")
        self.weight_quantizer = weight_quantizer
        self.activation_quantizer = activation_quantizer

    @property
    def mode(self) -> str:
        raise NotImplementedError("QuantizationConfig is a base class; use Int8QuantizationConfig.")

    def get_config(self) -> dict[str, Any]:
        return {"weight_quantizer": serialize(self.weight_quantizer),
                "activation_quantizer": serialize(self.activation_quantizer)}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> QuantizationConfig:
        return cls(weight_quantizer=deserialize(config.get("weight_quantizer")),
                   activation_quantizer=deserialize(config.get("activation_quantizer")))

    @staticmethod
    def weight_quantizer_or_default(config: QuantizationConfig | None, default: Quantizer) -> Quantizer:
        if config is not None and config.weight_quantizer is not None:
            return config.weight_quantizer
        return default

    @staticmethod
    def activation_quantizer_or_default(config: QuantizationConfig | None, default: Quantizer) -> Quantizer | None:
        return config.activation_quantizer if config is not None else default


class Int8QuantizationConfig(QuantizationConfig):
    """int8 weights (default: :class:`AbsMaxQuantizer` per output channel) and inputs quantized
    per row ("default": ``AbsMaxQuantizer()``; None keeps float inputs: weight-only int8)."""

    def __init__(self, weight_quantizer: Quantizer | None = None, activation_quantizer: Any = "default"):
        if isinstance(activation_quantizer, str) and activation_quantizer == "default":
            activation_quantizer = AbsMaxQuantizer()
        super().__init__(weight_quantizer, activation_quantizer)
        if weight_quantizer is not None and weight_quantizer.output_dtype != "int8":
            raise ValueError(f"Int8QuantizationConfig requires a weight_quantizer with output_dtype='int8'; "
                             f"received output_dtype={weight_quantizer.output_dtype!r}.")

    @property
    def mode(self) -> str:
        return "int8"


_CATALOG = Catalog("quantizer", Quantizer, {
    "quantizer": Quantizer, "abs_max_quantizer": AbsMaxQuantizer, "quantization_config": QuantizationConfig,
    "int8_quantization_config": Int8QuantizationConfig,
})


def get(identifier: Any) -> Any:
    """None, a Quantizer as is, or a new one from a name or config dict."""
    return _CATALOG.get(identifier)


def serialize(quantizer: Any) -> Any:
    """``{"class_name": ..., "config": ...}`` of a quantizer or quantization config; None for None."""
    return None if quantizer is None else _CATALOG.serialize(quantizer)


def deserialize(config: Any) -> Any:
    """The quantizer or quantization config ``config`` describes; None for None."""
    return None if config is None else _CATALOG.deserialize(config)


def quantization_config_for(mode: str | None,
                            config: QuantizationConfig | None) -> tuple[str, QuantizationConfig | None]:
    """The mode ``model.quantize(mode, config=...)`` asks for, checked: one of the implemented modes,
    agreeing with ``config.mode`` when both are given."""
    if config is not None and not isinstance(config, QuantizationConfig):
        raise ValueError(f"config must be a QuantizationConfig such as Int8QuantizationConfig(); received {config!r}.")
    chosen = config.mode if mode is None and config is not None else mode
    if chosen not in QUANTIZATION_MODES:
        raise ValueError(f"Invalid quantization mode {chosen!r}; Oneiros implements {list(QUANTIZATION_MODES)}.")
    if config is not None and config.mode != chosen:
        raise ValueError(f"mode={mode!r} disagrees with config.mode={config.mode!r}.")
    return chosen, config

"""Identity: returns its inputs unchanged (a placeholder, or a named tap in a graph)."""

from __future__ import annotations

from typing import Any

import oneiros.layers._validation as _validation
from oneiros.layers._symbolic import map_structure
from oneiros.layers.layer import Layer


class Identity(Layer):
    """Returns its inputs (any structure) unchanged; passes masks through.

    Example::

        y = oi.layers.Identity()(x)                      # y is x
    """

    supports_masking = True

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def compute_output_dtype(self, input_dtype: Any) -> Any:
        return map_structure(lambda dtype: _validation.passthrough_dtype(self, dtype), input_dtype)

"""Oneiros layers: the core's built-ins, and every plugin's through ``get`` and attribute access.

Only the base classes live here as plain attributes; every concrete layer (``layers.Dense``,
``layers.Conv2D``...) resolves through the layer registry, so plugins and overrides apply.
"""

from oneiros._namespace import registry_accessors
from oneiros.layers._symbolic import SymbolicTensor
from oneiros.layers.layer import InputSpec, Layer

BUILTINS: list = [
    "oneiros.layers.input_layer:InputLayer",
    ("Input", "oneiros.layers.input_layer:Input"),
    "oneiros.layers.dense:Dense",
    "oneiros.models.model:Model",
    "oneiros.models.functional:Functional",
    "oneiros.models.sequential:Sequential",
    "oneiros.layers.activation:Activation",
    "oneiros.layers.re_lu:ReLU",
    "oneiros.layers.leaky_re_lu:LeakyReLU",
    "oneiros.layers.p_re_lu:PReLU",
    "oneiros.layers.elu:ELU",
    "oneiros.layers.softmax:Softmax",
    "oneiros.layers.identity:Identity",
    "oneiros.layers.lambda_layer:Lambda",
    "oneiros.layers.masking:Masking",
    "oneiros.layers.einsum_dense:EinsumDense",
    "oneiros.layers.activity_regularization:ActivityRegularization",
    "oneiros.layers.dropout:Dropout",
    "oneiros.layers.spatial_dropout1d:SpatialDropout1D",
    "oneiros.layers.spatial_dropout2d:SpatialDropout2D",
    "oneiros.layers.spatial_dropout3d:SpatialDropout3D",
    "oneiros.layers.gaussian_noise:GaussianNoise",
    "oneiros.layers.gaussian_dropout:GaussianDropout",
    "oneiros.layers.alpha_dropout:AlphaDropout",
    "oneiros.layers.flatten:Flatten",
    "oneiros.layers.reshape:Reshape",
    "oneiros.layers.permute:Permute",
    "oneiros.layers.repeat_vector:RepeatVector",
    "oneiros.layers.add:Add",
    "oneiros.layers.subtract:Subtract",
    "oneiros.layers.multiply:Multiply",
    "oneiros.layers.average:Average",
    "oneiros.layers.maximum:Maximum",
    "oneiros.layers.minimum:Minimum",
    "oneiros.layers.concatenate:Concatenate",
    "oneiros.layers.dot:Dot",
    "oneiros.layers.batch_normalization:BatchNormalization",
    "oneiros.layers.layer_normalization:LayerNormalization",
    "oneiros.layers.group_normalization:GroupNormalization",
    "oneiros.layers.rms_normalization:RMSNormalization",
    "oneiros.layers.unit_normalization:UnitNormalization",
]
"""What the core registers through ``register_layers``, as lazy ``"module:Name"`` references (an
``(alias, reference)`` pair registers an alias), so plugin discovery imports none of them."""

__all__ = ["BUILTINS", "InputSpec", "Layer", "SymbolicTensor", "get"]

get, __getattr__ = registry_accessors("layers", __name__)

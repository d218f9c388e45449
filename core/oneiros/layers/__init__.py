"""Oneiros layers: the core's built-ins, and every plugin's through ``get`` and attribute access.

The base classes and the merge functions are attributes read from their modules on first use;
every concrete layer (``layers.Dense``, ``layers.Conv2D``...) resolves through the layer registry,
so plugins and overrides apply. Nothing is imported before it is asked for: plugin discovery
reads ``BUILTINS`` without importing a layer, the ops or numpy.
"""

from oneiros._namespace import registry_accessors

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
    "oneiros.layers.op_layer:OpLayer",
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
    "oneiros.layers.merging.add:Add",
    "oneiros.layers.merging.subtract:Subtract",
    "oneiros.layers.merging.multiply:Multiply",
    "oneiros.layers.merging.average:Average",
    "oneiros.layers.merging.maximum:Maximum",
    "oneiros.layers.merging.minimum:Minimum",
    "oneiros.layers.merging.concatenate:Concatenate",
    "oneiros.layers.merging.dot:Dot",
    "oneiros.layers.batch_normalization:BatchNormalization",
    "oneiros.layers.layer_normalization:LayerNormalization",
    "oneiros.layers.group_normalization:GroupNormalization",
    "oneiros.layers.rms_normalization:RMSNormalization",
    "oneiros.layers.unit_normalization:UnitNormalization",
    "oneiros.layers.wrapper:Wrapper",
    "oneiros.layers.spectral_normalization:SpectralNormalization",
    "oneiros.layers.pipeline:Pipeline",
    "oneiros.layers.normalization:Normalization",
    "oneiros.layers.discretization:Discretization",
    "oneiros.layers.stft_spectrogram:STFTSpectrogram",
    "oneiros.layers.mel_spectrogram:MelSpectrogram",
]
"""What the core registers through ``register_layers``, as lazy ``"module:Name"`` references (an
``(alias, reference)`` pair registers an alias), so plugin discovery imports none of them."""

BASES = {"InputSpec": "oneiros.layers.layer", "Layer": "oneiros.layers.layer",
         "SymbolicTensor": "oneiros.layers._symbolic"}
"""The base classes of this namespace, by the module defining each."""

FUNCTIONS = {name: f"oneiros.layers.merging.{name}" for name in
             ("add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate", "dot")}
"""Plain functions of this namespace (Keras's ``layers.add(...)``...), by the module defining each."""

__all__ = ["BASES", "BUILTINS", "FUNCTIONS", "InputSpec", "Layer", "SymbolicTensor", "get", *FUNCTIONS]

get, __getattr__ = registry_accessors("layers", __name__, {**BASES, **FUNCTIONS})

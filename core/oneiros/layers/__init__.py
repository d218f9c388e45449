"""Oneiros layers: the core's built-ins, and every plugin's through ``get`` and attribute access.

Only the base classes live here as plain attributes; every concrete layer (``layers.Dense``,
``layers.Conv2D``...) resolves through the layer registry, so plugins and overrides apply.
"""

from oneiros._namespace import registry_accessors
from oneiros.layers._symbolic import SymbolicTensor
from oneiros.layers.layer import InputSpec, Layer

get, __getattr__ = registry_accessors("layers", __name__)


def _builtins() -> list:
    from oneiros.layers.activation import Activation
    from oneiros.layers.activity_regularization import ActivityRegularization
    from oneiros.layers.add import Add
    from oneiros.layers.alpha_dropout import AlphaDropout
    from oneiros.layers.average import Average
    from oneiros.layers.batch_normalization import BatchNormalization
    from oneiros.layers.concatenate import Concatenate
    from oneiros.layers.dense import Dense
    from oneiros.layers.dot import Dot
    from oneiros.layers.dropout import Dropout
    from oneiros.layers.einsum_dense import EinsumDense
    from oneiros.layers.flatten import Flatten
    from oneiros.layers.gaussian_dropout import GaussianDropout
    from oneiros.layers.gaussian_noise import GaussianNoise
    from oneiros.layers.group_normalization import GroupNormalization
    from oneiros.layers.identity import Identity
    from oneiros.layers.input_layer import Input, InputLayer
    from oneiros.layers.lambda_layer import Lambda
    from oneiros.layers.layer_normalization import LayerNormalization
    from oneiros.layers.masking import Masking
    from oneiros.layers.maximum import Maximum
    from oneiros.layers.minimum import Minimum
    from oneiros.layers.multiply import Multiply
    from oneiros.layers.permute import Permute
    from oneiros.layers.repeat_vector import RepeatVector
    from oneiros.layers.reshape import Reshape
    from oneiros.layers.rms_normalization import RMSNormalization
    from oneiros.layers.spatial_dropout1d import SpatialDropout1D
    from oneiros.layers.spatial_dropout2d import SpatialDropout2D
    from oneiros.layers.spatial_dropout3d import SpatialDropout3D
    from oneiros.layers.subtract import Subtract
    from oneiros.layers.unit_normalization import UnitNormalization
    from oneiros.models import Functional, Model, Sequential

    return [
        InputLayer, ("Input", Input), Dense, Model, Functional, Sequential,
        Activation, Identity, Lambda, Masking, EinsumDense, ActivityRegularization,
        Dropout, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, GaussianNoise, GaussianDropout,
        AlphaDropout,
        Flatten, Reshape, Permute, RepeatVector,
        Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot,
        BatchNormalization, LayerNormalization, GroupNormalization, RMSNormalization, UnitNormalization,
    ]


__all__ = ["InputSpec", "Layer", "SymbolicTensor", "get"]

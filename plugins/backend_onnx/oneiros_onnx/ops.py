"""The onnx backend's ``ops`` namespace: one function per op of ``oneiros.ops.CONTRACT``."""

from oneiros_onnx import (
    _lower_control,
    _lower_conv,
    _lower_core,
    _lower_elementwise,
    _lower_gather,
    _lower_image,
    _lower_linalg,
    _lower_nn,
    _lower_pool,
    _lower_random,
    _lower_reduce,
    _lower_shape,
)

_MODULES = (_lower_control, _lower_conv, _lower_core, _lower_elementwise, _lower_gather, _lower_image, _lower_linalg,
            _lower_nn, _lower_pool, _lower_random, _lower_reduce, _lower_shape)

globals().update({name: getattr(module, name) for module in _MODULES for name in module.__all__})

__all__ = sorted(name for module in _MODULES for name in module.__all__)

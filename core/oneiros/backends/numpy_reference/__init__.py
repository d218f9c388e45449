"""The core's numpy reference backend (tensors are plain ``numpy.ndarray``)."""

from oneiros.backends.numpy_reference._backend import NumpyBackend

__all__ = ["NumpyBackend"]

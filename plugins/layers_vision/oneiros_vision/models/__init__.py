"""Small model builders for examples and benchmarks."""

from oneiros_vision.models.mnist_convnet import mnist_convnet
from oneiros_vision.models.small_resnet import small_resnet

__all__ = ["mnist_convnet", "small_resnet"]

"""The vision plugin for Oneiros: image layers, image data and small image models.

- ``oneiros_vision.layers``: convolution, pooling, resampling, preprocessing and augmentation
  layers (also reachable as ``oi.layers.Conv2D`` once the plugin is installed);
- ``oneiros_vision.data``: image files to arrays and back, image folders as Datasets, IDX files;
- ``oneiros_vision.datasets.mnist``: MNIST from a local folder or a verified, cached download;
- ``oneiros_vision.models``: the classic MNIST convnet and a small ResNet.
"""

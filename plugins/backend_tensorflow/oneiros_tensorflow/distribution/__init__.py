"""Distribution on TensorFlow's DTensor: meshes and layouts of ``tf.experimental.dtensor``.

:class:`TensorflowDistributionSupport` is what the TensorFlow backend exposes as
``backend.distribution`` (the ``oneiros.distribution.DistributionSupport`` protocol).
"""

from oneiros_tensorflow.distribution._support import TensorflowDistributionSupport

__all__ = ["TensorflowDistributionSupport"]

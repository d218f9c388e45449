"""The TensorFlow backend of Oneiros (``oneiros-tensorflow``), its tf.data adapter and exporters."""

"""ConvLSTM3D: an LSTM over sequences of 3D feature maps, with convolutional gates."""

from __future__ import annotations

from oneiros_text.layers._conv_lstm import ConvLSTM


class ConvLSTM3D(ConvLSTM):
    """A convolutional LSTM over inputs ``(batch, time, depth, rows, cols, channels)``
    (Keras 3's ConvLSTM3D: arguments, defaults,
    weights ``kernel``, ``recurrent_kernel``, ``bias`` with gates i, f, c, o). The input
    convolution uses ``strides``, ``padding`` and ``dilation_rate``; the recurrent one is
    ``"same"`` with stride 1. ``stateful=True`` is refused, as for every Oneiros RNN.

    Example::

        layer = ConvLSTM3D(4, 3)
        layer(np.ones((2, 5, 6, 6, 6, 3), "float32")).shape      # (2, 4, 4, 4, 4)
    """

    rank = 3

"""ConvLSTM1D: an LSTM over sequences of 1D feature maps, with convolutional gates."""

from __future__ import annotations

from oneiros_text.layers._conv_lstm import ConvLSTM


class ConvLSTM1D(ConvLSTM):
    """A convolutional LSTM over inputs ``(batch, time, steps, channels)``
    (Keras 3's ConvLSTM1D: arguments, defaults,
    weights ``kernel``, ``recurrent_kernel``, ``bias`` with gates i, f, c, o). The input
    convolution uses ``strides``, ``padding`` and ``dilation_rate``; the recurrent one is
    ``"same"`` with stride 1. ``stateful=True`` is refused, as for every Oneiros RNN.

    Example::

        layer = ConvLSTM1D(4, 3)
        layer(np.ones((2, 5, 10, 3), "float32")).shape      # (2, 8, 4)
    """

    rank = 1

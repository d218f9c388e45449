"""Acceptance on real data, TensorFlow backend: the MNIST convnet (the vision plugin's protocol)
and the SMS spam LSTM (the text plugin's protocol and bars)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import oneiros as oi
from oneiros import layers

TEXT_TESTS = Path(__file__).resolve().parents[2] / "layers_text" / "tests"


@pytest.mark.slow
def test_classic_convnet_reaches_98_percent_on_held_out_mnist(shared_data, on_tensorflow):
    """``oneiros_vision.acceptance``'s protocol, 15 epochs of 128."""
    from oneiros_vision.acceptance import train_mnist_convnet

    result = train_mnist_convnet(shared_data, epochs=15)
    assert result.last_epoch_accuracy > result.first_epoch_accuracy
    assert result.test_accuracy >= 0.98, f"after 15 epochs: {result}"


@pytest.fixture(scope="module")
def sms():
    sys.path.insert(0, str(TEXT_TESTS))
    try:
        import test_sms_spam
    finally:
        sys.path.remove(str(TEXT_TESTS))
    return test_sms_spam, test_sms_spam.sms.__wrapped__()


@pytest.mark.slow
def test_an_lstm_detects_spam(sms, on_tensorflow):
    """The text plugin's LSTM, 80/20 split, 4 epochs: accuracy >= 98% and spam F1 >= 0.90."""
    protocol, data = sms
    oi.set_random_seed(1)
    model = oi.Sequential([layers.Input((protocol.LENGTH,), dtype="int32"),
                           layers.Embedding(protocol.VOCABULARY, 32, mask_zero=True),
                           layers.LSTM(32), layers.Dense(1, activation="sigmoid")])
    accuracy, f1 = protocol.train_and_score(model, data, epochs=4)
    assert accuracy >= 0.98 and f1 >= 0.90, (accuracy, f1)

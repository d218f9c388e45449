"""TextVectorization against Keras's own (which runs on TensorFlow): the same strings give the
same vocabulary, in the same order, and the same outputs."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros import layers

pytest.importorskip("tensorflow", reason="Keras's TextVectorization, the oracle, needs TensorFlow")

TEXTS = [
    "The cat sat on the mat.", "THE DOG ate the cat's food!!", "Über café: Ünïcode stays ÜBER",
    "tabs\tand  double   spaces\nand newlines", "ties: zeta alpha mu", "one-two three_four (five) [six]",
    "don't stop; won't stop", "ÉCOLE école Ecole", "a a a b b c", "  leading and trailing  ",
]
UNSEEN = ["the unseen zebra sat", "ÜBER über", "", "cat cat cat cat cat cat cat cat cat cat"]

CASES = {
    "defaults": {},
    "max_tokens and length": {"max_tokens": 12, "output_sequence_length": 6},
    "lower, widths 1 and 3": {"standardize": "lower", "ngrams": (1, 3), "max_tokens": 40},
    "punctuation, bigrams": {"standardize": "strip_punctuation", "ngrams": 2, "output_sequence_length": 10},
    "characters": {"split": "character", "max_tokens": 15},
    "unstandardized counts": {"standardize": None, "output_mode": "count"},
    "multi_hot": {"output_mode": "multi_hot", "max_tokens": 10},
    "tf_idf": {"output_mode": "tf_idf", "max_tokens": 16, "pad_to_max_tokens": True},
}


@pytest.fixture(scope="module", params=sorted(CASES))
def both(request, keras):
    arguments = CASES[request.param]
    theirs = keras.layers.TextVectorization(**arguments)
    theirs.adapt(TEXTS)
    ours = layers.TextVectorization(**arguments)
    ours.adapt(TEXTS)
    return ours, theirs


def test_the_vocabulary_and_its_order_match_keras(both):
    ours, theirs = both
    assert ours.get_vocabulary() == [str(token) for token in theirs.get_vocabulary()]


def test_outputs_match_keras(both):
    ours, theirs = both
    for texts in (TEXTS, UNSEEN):
        np.testing.assert_allclose(np.asarray(ours(texts)), np.asarray(theirs(texts)), rtol=1e-6)


def test_lowercasing_is_ascii_only_as_in_keras(keras):
    """tf.strings.lower maps A-Z only: "Ü" and "ü" stay two tokens."""
    theirs = keras.layers.TextVectorization(standardize="lower")
    theirs.adapt(["Ü ü É é A a"])
    ours = layers.TextVectorization(standardize="lower")
    ours.adapt(["Ü ü É é A a"])
    assert sorted(ours.get_vocabulary()) == sorted(str(token) for token in theirs.get_vocabulary())
    assert {"Ü", "ü", "É", "é", "a"} <= set(ours.get_vocabulary())

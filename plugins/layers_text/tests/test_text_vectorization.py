"""TextVectorization against hand-computed vocabularies, sequences and tf-idf values."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops

CORPUS = ["The cat sat.", "The dog sat!", "the cat ran, the cat", "A bird"]
# After lowercasing and stripping punctuation the counts are the:4 cat:3 sat:2 and 1 for ran, dog,
# bird, a; ties are ordered by token, descending.
LEARNED = ["the", "cat", "sat", "ran", "dog", "bird", "a"]


def numpy_of(value):
    return np.asarray(ops.to_numpy(value))


def adapted(**arguments):
    layer = layers.TextVectorization(**arguments)
    layer.adapt(CORPUS)
    return layer


def test_adapt_orders_tokens_by_count_then_token_descending():
    assert adapted().get_vocabulary() == ["", "[UNK]", *LEARNED]
    assert adapted(max_tokens=5).get_vocabulary() == ["", "[UNK]", "the", "cat", "sat"]
    assert adapted(output_mode="multi_hot").get_vocabulary() == ["[UNK]", *LEARNED]
    assert adapted().get_vocabulary(include_special_tokens=False) == LEARNED
    assert adapted().vocabulary_size() == 9


def test_int_output_pads_and_truncates():
    texts = ["the cat ran", "Dog? fish"]
    np.testing.assert_array_equal(numpy_of(adapted()(texts)), [[2, 3, 5], [6, 1, 0]])
    np.testing.assert_array_equal(numpy_of(adapted(output_sequence_length=4)(texts)), [[2, 3, 5, 0], [6, 1, 0, 0]])
    np.testing.assert_array_equal(numpy_of(adapted(output_sequence_length=2)(np.array([[t] for t in texts]))),
                                  [[2, 3], [6, 1]])
    result = adapted()(np.array(texts, dtype=object))
    assert ops.dtype(result) == "int32"


def test_multi_hot_count_and_tf_idf_values():
    text = ["the cat the fish"]
    np.testing.assert_array_equal(numpy_of(adapted(output_mode="multi_hot")(text)), [[1, 1, 1, 0, 0, 0, 0, 0]])
    np.testing.assert_array_equal(numpy_of(adapted(output_mode="count")(text)), [[1, 2, 1, 0, 0, 0, 0, 0]])
    documents_with = {"the": 3, "cat": 2, "sat": 2, "ran": 1, "dog": 1, "bird": 1, "a": 1}
    idf = [math.log(1 + 4 / (1 + documents_with[token])) for token in LEARNED]
    expected = np.zeros(8)
    expected[:3] = [np.mean(idf), 2 * idf[0], idf[1]]
    layer = adapted(output_mode="tf_idf")
    np.testing.assert_allclose(numpy_of(layer(text))[0], expected, rtol=1e-6)
    padded = adapted(output_mode="count", max_tokens=12, pad_to_max_tokens=True)
    assert numpy_of(padded(text)).shape == (1, 12)


def test_standardize_split_and_ngrams_modes():
    layer = layers.TextVectorization(standardize="lower", ngrams=2)
    layer.adapt(["The cat. The cat."])
    # the:2 cat.:2 "the cat.":2 "cat. the":1; among equal counts "the cat." > "the" > "cat."
    assert layer.get_vocabulary()[2:] == ["the cat.", "the", "cat.", "cat. the"]
    characters = layers.TextVectorization(standardize=None, split="character")
    characters.adapt(["aab a"])
    assert characters.get_vocabulary()[2:] == ["a", "b", " "]
    stripped = layers.TextVectorization(standardize="strip_punctuation", split=None)
    stripped.adapt(["Hello, World!", "Hello, World!", "x"])
    assert stripped.get_vocabulary()[2:] == ["Hello World", "x"]
    widths = layers.TextVectorization(ngrams=(1, 3))
    widths.adapt(["a b c d"])
    assert sorted(widths.get_vocabulary()[2:]) == ["a", "a b c", "b", "b c d", "c", "d"]


def test_callables_standardize_and_split_a_batch():
    layer = layers.TextVectorization(standardize=lambda batch: np.char.upper(batch.astype(str)),
                                     split=lambda batch: [text.split("-") for text in batch])
    layer.adapt(["a-b-b", "c"])
    assert layer.get_vocabulary()[2:] == ["B", "C", "A"]
    np.testing.assert_array_equal(numpy_of(layer(["b-a-z"])), [[2, 4, 1]])
    with pytest.raises(ValueError, match="callable `standardize`"):
        layer.get_config()


class Batches(oi.data.Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, index):
        return np.array(CORPUS[2 * index:2 * index + 2], dtype=object), np.zeros(2)


def test_adapt_takes_a_list_an_array_or_a_dataset():
    for data in (CORPUS, np.array(CORPUS), np.array(CORPUS)[:, None], Batches()):
        layer = layers.TextVectorization()
        layer.adapt(data)
        assert layer.get_vocabulary()[2:] == LEARNED
    with pytest.raises(ValueError, match="single string"):
        layers.TextVectorization().adapt("the cat")


def test_the_vocabulary_and_idf_weights_travel_in_the_config():
    for layer in (adapted(output_sequence_length=3), adapted(output_mode="tf_idf")):
        config = json.loads(json.dumps(layer.get_config()))
        rebuilt = layers.TextVectorization.from_config(config)
        assert rebuilt.get_vocabulary() == layer.get_vocabulary()
        np.testing.assert_allclose(numpy_of(rebuilt(CORPUS)), numpy_of(layer(CORPUS)), rtol=1e-6)


def test_a_saved_model_restores_the_vocabulary(tmp_path):
    vectorizer = adapted(output_sequence_length=4)
    model = oi.Sequential([vectorizer, layers.Embedding(9, 3, mask_zero=True), layers.GRU(2)])
    expected = numpy_of(model(np.array(CORPUS)))
    path = tmp_path / "model.oneiros"
    model.save(path)
    loaded = oi.load_model(path)
    assert loaded.layers[0].get_vocabulary() == vectorizer.get_vocabulary()
    np.testing.assert_allclose(numpy_of(loaded(np.array(CORPUS))), expected, rtol=1e-6)


def test_a_vocabulary_is_a_list_never_a_path(tmp_path):
    file = tmp_path / "vocabulary.txt"
    file.write_text("cat\ndog\n")
    for path in (str(file), Path(file)):
        with pytest.raises(ValueError, match="never read from a path"):
            layers.TextVectorization(vocabulary=path)
    layer = layers.TextVectorization(vocabulary=["cat", "dog"])
    assert layer.get_vocabulary() == ["", "[UNK]", "cat", "dog"]
    layer.set_vocabulary(["", "[UNK]", "emu"])
    assert layer.get_vocabulary() == ["", "[UNK]", "emu"]


def test_vocabulary_errors():
    with pytest.raises(ValueError, match="idf_weights"):
        layers.TextVectorization(output_mode="tf_idf", vocabulary=["a", "b"])
    with pytest.raises(ValueError, match="repeats 'a'"):
        layers.TextVectorization(vocabulary=["a", "b", "a"])
    with pytest.raises(ValueError, match="max_tokens is 3"):
        layers.TextVectorization(max_tokens=3, vocabulary=["a", "b"])
    with pytest.raises(ValueError, match="no vocabulary"):
        layers.TextVectorization()(["a"])
    with pytest.raises(ValueError, match="output_sequence_length"):
        layers.TextVectorization(output_mode="count", output_sequence_length=3)
    tf_idf = layers.TextVectorization(output_mode="tf_idf", vocabulary=["a", "b"], idf_weights=[0.5, 2.0])
    np.testing.assert_allclose(numpy_of(tf_idf(["a b b c"])), [[1.25, 0.5, 4.0]])


def test_symbolic_shapes_and_dtypes():
    model = oi.Sequential([adapted(output_sequence_length=5)])
    model.build((None,))
    assert model.compute_output_shape((None,)) == (None, 5)
    counts = adapted(output_mode="count")
    assert counts.compute_output_shape((None,)) == (None, 8)
    assert counts.compute_output_dtype("string") == "float32"

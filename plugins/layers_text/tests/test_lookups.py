"""StringLookup, IntegerLookup, Hashing, CategoryEncoding and pad_sequences against hand-computed
values (and Keras's own Hashing for the bins, FarmHash and salted SipHash)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops
from oneiros.testing import check_layer
from oneiros_text import pad_sequences


def numpy_of(value):
    return np.asarray(ops.to_numpy(value))


def keras_bins(texts, bins, salt=None):
    """Keras's bins of ``texts`` (its Hashing layer: TensorFlow's FarmHash, or SipHash with a salt)."""
    import keras

    return np.asarray(keras.layers.Hashing(num_bins=bins, salt=salt)(np.array(texts)[:, None]))[:, 0].tolist()


def test_string_lookup_indices_and_inversion():
    lookup = layers.StringLookup(vocabulary=["a", "b", "c"])
    np.testing.assert_array_equal(numpy_of(lookup(np.array([["a", "c"], ["d", "b"]]))), [[1, 3], [0, 2]])
    np.testing.assert_array_equal(numpy_of(lookup([b"c", b"a"])), [3, 1])
    masked = layers.StringLookup(vocabulary=["a", "b"], mask_token="")
    assert masked.get_vocabulary() == ["", "[UNK]", "a", "b"]
    np.testing.assert_array_equal(numpy_of(masked(["", "b", "x"])), [0, 3, 1])
    inverse = layers.StringLookup(vocabulary=["a", "b", "c"], invert=True)
    assert inverse(np.array([[1, 3], [0, 2]])).tolist() == [["a", "c"], ["[UNK]", "b"]]


def test_string_lookup_spreads_unknown_strings_over_hashed_oov_indices():
    lookup = layers.StringLookup(vocabulary=["a"], num_oov_indices=3)
    unknown = ["zebra", "yak", "xerus", "wombat"]
    np.testing.assert_array_equal(numpy_of(lookup(unknown)), keras_bins(unknown, 3))
    np.testing.assert_array_equal(numpy_of(lookup(["a"])), [3])
    with pytest.raises(ValueError, match="num_oov_indices=0"):
        layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(["b"])


def test_string_lookup_adapt_and_encodings():
    lookup = layers.StringLookup(output_mode="count")
    lookup.adapt(np.array([["a", "b"], ["b", "c"], ["c", "c"]]))
    assert lookup.get_vocabulary() == ["[UNK]", "c", "b", "a"]
    np.testing.assert_array_equal(numpy_of(lookup(np.array([["c", "c", "z"], ["a", "b", "a"]]))),
                                  [[1, 2, 0, 0], [0, 0, 1, 2]])
    one_hot = layers.StringLookup(vocabulary=["a", "b"], output_mode="one_hot")
    np.testing.assert_array_equal(numpy_of(one_hot(np.array([["b"], ["q"]]))), [[0, 0, 1], [1, 0, 0]])
    assert one_hot.compute_output_shape((None, 1)) == (None, 3)
    multi_hot = layers.StringLookup(vocabulary=["a", "b"], output_mode="multi_hot", max_tokens=5,
                                    pad_to_max_tokens=True)
    np.testing.assert_array_equal(numpy_of(multi_hot(np.array([["a", "a"]]))), [[0, 1, 0, 0, 0]])


def test_integer_lookup():
    lookup = layers.IntegerLookup(vocabulary=[12, 36, 1138])
    np.testing.assert_array_equal(numpy_of(lookup(np.array([[12, 1138], [42, 36]]))), [[1, 3], [0, 2]])
    assert lookup.get_vocabulary() == [-1, 12, 36, 1138]
    buckets = layers.IntegerLookup(vocabulary=[7], num_oov_indices=2, mask_token=0)
    np.testing.assert_array_equal(numpy_of(buckets(np.array([0, 42, 43, 7]))), [0, 1, 2, 3])
    inverse = layers.IntegerLookup(vocabulary=[12, 36], invert=True)
    assert inverse(np.array([2, 1, 9])).tolist() == [36, 12, -1]
    with pytest.raises(ValueError, match="expects integers"):
        lookup(np.array([1.5]))


def test_lookup_configs_restore_the_vocabulary():
    lookup = layers.StringLookup(output_mode="tf_idf")
    lookup.adapt([["a", "b"], ["a", "a"], ["c", "a"]])
    rebuilt = layers.StringLookup.from_config(lookup.get_config())
    np.testing.assert_allclose(numpy_of(rebuilt([["a", "c"]])), numpy_of(lookup([["a", "c"]])))
    with pytest.raises(ValueError, match="never read from a path"):
        layers.StringLookup(vocabulary="vocabulary.txt")


def test_hashing_bins_are_keras_bins():
    words = ["A", "B", "C", "D", "E"]
    np.testing.assert_array_equal(numpy_of(layers.Hashing(3)(np.array(words)[:, None]))[:, 0],
                                  keras_bins(words, 3))
    np.testing.assert_array_equal(numpy_of(layers.Hashing(7, salt=1234)(words)), keras_bins(words, 7, 1234))
    np.testing.assert_array_equal(numpy_of(layers.Hashing(3, salt=[133, 137])(words)),
                                  keras_bins(words, 3, [133, 137]))
    np.testing.assert_array_equal(numpy_of(layers.Hashing(5)(np.array([12, 7]))),
                                  numpy_of(layers.Hashing(5)(["12", "7"])))
    masked = numpy_of(layers.Hashing(4, mask_value="")(["", "x"]))
    np.testing.assert_array_equal(masked, [0, 1 + keras_bins(["x"], 3)[0]])
    counts = numpy_of(layers.Hashing(3, output_mode="count")(np.array([["A", "A", "B"]])))
    expected = np.zeros(3)
    for word in ["A", "A", "B"]:
        expected[keras_bins([word], 3)[0]] += 1
    np.testing.assert_array_equal(counts[0], expected)


def test_hashing_is_the_same_in_another_process():
    script = ("import numpy as np; from oneiros import layers, ops; "
              "print(np.asarray(ops.to_numpy(layers.Hashing(1000)(['spam', 'ham', 'eggs']))).tolist())")
    environments = [{"PYTHONHASHSEED": seed, "ONEIROS_BACKEND": "numpy", "PATH": ""} for seed in ("1", "2")]
    outputs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                              env=environment).stdout.strip() for environment in environments}
    assert outputs == {str(keras_bins(["spam", "ham", "eggs"], 1000))}


def test_category_encoding(backend):
    ids = np.array([[0, 1, 1], [3, 2, 7]], "int32")
    np.testing.assert_array_equal(numpy_of(layers.CategoryEncoding(4)(ids)), [[1, 1, 0, 0], [0, 0, 1, 1]])
    counted = layers.CategoryEncoding(4, output_mode="count")(ids, count_weights=np.array([[1, 2, 3], [4, 5, 6]]))
    np.testing.assert_array_equal(numpy_of(counted), [[1, 5, 0, 0], [0, 0, 5, 4]])
    one_hot = layers.CategoryEncoding(3, output_mode="one_hot")
    np.testing.assert_array_equal(numpy_of(one_hot(np.array([2, 0]))), [[0, 0, 1], [1, 0, 0]])
    assert numpy_of(one_hot(np.array([[2, 0]]))).shape == (1, 2, 3)


def test_category_encoding_check_layer():
    check_layer(layers.CategoryEncoding, {"num_tokens": 6, "output_mode": "count"}, input_shape=(2, 4),
                input_dtype="int32")


def test_host_layers_explain_that_they_do_not_run_in_compiled_code():
    lookup = layers.IntegerLookup(vocabulary=[1, 2])
    with pytest.raises(TypeError, match="runs on the host"):
        oi.get_backend("jax").jit(lambda x: lookup(x))(np.array([1, 2], "int32"))


def test_pad_sequences_like_keras():
    sequences = [[1, 2, 3], [4, 5], [6]]
    np.testing.assert_array_equal(pad_sequences(sequences), [[1, 2, 3], [0, 4, 5], [0, 0, 6]])
    np.testing.assert_array_equal(pad_sequences(sequences, maxlen=2), [[2, 3], [4, 5], [0, 6]])
    np.testing.assert_array_equal(pad_sequences(sequences, maxlen=2, padding="post", truncating="post", value=-1),
                                  [[1, 2], [4, 5], [6, -1]])
    assert pad_sequences([[], [1]], dtype="float32").dtype == np.float32
    assert pad_sequences([[[1, 2]], []]).shape == (2, 1, 2)
    with pytest.raises(ValueError, match="padding"):
        pad_sequences(sequences, padding="middle")


@pytest.mark.parametrize("layer_class,arguments", [
    (layers.IntegerLookup, {"vocabulary": [0, 1, 2]}),
    (layers.Hashing, {"num_bins": 4, "output_mode": "multi_hot"}),
])
def test_check_layer_on_integer_inputs(layer_class, arguments):
    # Host layers run in numpy before the model, so an exported graph cannot hold them.
    check_layer(layer_class, arguments, input_shape=(2, 4), input_dtype="int32", exports=[])


@pytest.mark.parametrize("layer_class,arguments", [
    (layers.TextVectorization, {"vocabulary": ["the", "cat", "dog"], "output_sequence_length": 4}),
    (layers.TextVectorization, {"vocabulary": ["the", "cat"], "output_mode": "tf_idf", "idf_weights": [0.5, 2.0]}),
    (layers.StringLookup, {"vocabulary": ["the", "cat", "dog"], "output_mode": "one_hot"}),
])
def test_check_layer_on_strings(layer_class, arguments):
    check_layer(layer_class, arguments, input_shape=(3,), input_data=np.array(["the cat", "a dog", "cat"]),
                exports=[])

"""audio_dataset_from_directory against keras.utils.audio_dataset_from_directory itself (tf.audio under it)
on the same small WAV files."""

import wave

import keras
import numpy as np
import pytest

import oneiros as oi
from oneiros.data import DataError

FILES = {"dog": [(130, 1), (90, 1), (40, 1)], "cat": [(75, 1), (120, 1)], "bird": [(55, 1), (100, 1), (65, 1)]}
"""class -> (samples, channels) of each of its files; the sample counts tell the files apart."""


def write_wav(path, samples, channels=1, rate=8000, width=2):
    rng = np.random.default_rng(samples * 7 + channels)
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        dtype = "<i2" if width == 2 else "u1"
        info = np.iinfo(dtype)
        writer.writeframes(rng.integers(info.min, info.max, size=(samples, channels)).astype(dtype).tobytes())


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("audio")
    for name, files in FILES.items():
        (root / name).mkdir()
        for index, (samples, channels) in enumerate(files):
            write_wav(root / name / f"{index}_{samples}.wav", samples, channels)
    return root


def batches(dataset):
    return [(np.asarray(x), np.asarray(y)) for x, y in dataset]


def assert_same_batches(ours, theirs):
    ours, theirs = batches(ours), batches(theirs)
    assert len(ours) == len(theirs)
    for (x, y), (expected_x, expected_y) in zip(ours, theirs):
        assert x.dtype == np.float32 and x.shape == expected_x.shape
        np.testing.assert_array_equal(x, expected_x)
        np.testing.assert_array_equal(y, expected_y)


@pytest.mark.parametrize("label_mode", ["int", "categorical"])
def test_batches_equal_keras(folder, label_mode):
    kwargs = dict(label_mode=label_mode, batch_size=3, shuffle=False, verbose=False)
    ours = oi.utils.audio_dataset_from_directory(folder, **kwargs)
    assert isinstance(ours, oi.data.Dataset)
    assert ours.class_names == ["bird", "cat", "dog"]
    assert_same_batches(ours, keras.utils.audio_dataset_from_directory(folder, **kwargs))


def test_output_sequence_length_and_class_names_equal_keras(folder):
    kwargs = dict(batch_size=4, shuffle=False, output_sequence_length=80, class_names=["dog", "bird", "cat"],
                  verbose=False)
    ours = oi.utils.audio_dataset_from_directory(folder, **kwargs)
    assert_same_batches(ours, keras.utils.audio_dataset_from_directory(folder, **kwargs))
    assert {x.shape[1] for x, _ in batches(ours)} == {80}


def test_ragged_equals_keras(folder):
    kwargs = dict(batch_size=8, shuffle=False, ragged=True, verbose=False)
    (x, y), = batches(oi.utils.audio_dataset_from_directory(folder, **kwargs))
    expected_x, expected_y = next(iter(keras.utils.audio_dataset_from_directory(folder, **kwargs)))
    assert x.dtype == object and len(x) == 8
    for ours, theirs in zip(x, expected_x.to_list()):
        np.testing.assert_array_equal(ours, np.asarray(theirs, dtype=np.float32))
    np.testing.assert_array_equal(y, np.asarray(expected_y))


def test_validation_split_holds_keras_files(folder):
    """Labels given as one id per file (sorted order) name the files each subset holds."""
    ids = list(range(8))
    kwargs = dict(labels=ids, batch_size=8, validation_split=0.25, subset="both", seed=11, verbose=False)
    ours = oi.utils.audio_dataset_from_directory(folder, **kwargs)
    theirs = keras.utils.audio_dataset_from_directory(folder, **kwargs)
    for our_subset, their_subset in zip(ours, theirs):
        our_ids = np.concatenate([y for _, y in batches(our_subset)])
        their_ids = np.concatenate([y for _, y in batches(their_subset)])
        assert sorted(our_ids) == sorted(their_ids)
    assert len(our_ids) == 2


def test_stereo_and_binary_by_hand(tmp_path):
    for name, samples in (("left", 30), ("right", 20)):
        (tmp_path / name).mkdir()
        write_wav(tmp_path / name / "a.wav", samples, channels=2)
    (x, y), = batches(oi.utils.audio_dataset_from_directory(tmp_path, label_mode="binary", shuffle=False,
                                                            verbose=False))
    with wave.open(str(tmp_path / "right" / "a.wav")) as reader:
        raw = np.frombuffer(reader.readframes(20), "<i2").reshape(20, 2)
    assert x.shape == (2, 30, 2) and y.tolist() == [[0.0], [1.0]]
    np.testing.assert_array_equal(x[1, :20], raw / 32768.0)
    np.testing.assert_array_equal(x[1, 20:], 0.0)


def test_refusals(tmp_path, folder):
    (tmp_path / "c").mkdir()
    write_wav(tmp_path / "c" / "eight_bit.wav", 10, width=1)
    with pytest.raises(DataError, match=r"eight_bit\.wav.*8-bit.*16-bit PCM"):
        oi.utils.audio_dataset_from_directory(tmp_path, verbose=False)
    (tmp_path / "c" / "eight_bit.wav").write_bytes(b"RIFF0000WAVEjunk")
    with pytest.raises(DataError, match=r"eight_bit\.wav.*not a PCM WAV"):
        oi.utils.audio_dataset_from_directory(tmp_path, verbose=False)
    with pytest.raises(DataError, match=r"8000 Hz, not sampling_rate=16000"):
        oi.utils.audio_dataset_from_directory(folder, sampling_rate=16000, verbose=False)
    with pytest.raises(ValueError, match=r"ragged.*output_sequence_length=5"):
        oi.utils.audio_dataset_from_directory(folder, ragged=True, output_sequence_length=5)
    with pytest.raises(ValueError, match=r"label_mode.*'sparse'"):
        oi.utils.audio_dataset_from_directory(folder, label_mode="sparse")
    with pytest.raises(ValueError, match=r"binary.*2 classes; found 3"):
        oi.utils.audio_dataset_from_directory(folder, label_mode="binary", verbose=False)
    with pytest.raises(ValueError, match=r"validation_split.*subset=None"):
        oi.utils.audio_dataset_from_directory(folder, validation_split=0.2)

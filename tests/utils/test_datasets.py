"""split_dataset and timeseries_dataset_from_array against plain-Python loops written from Keras's
documented rules and, where TensorFlow is installed (Keras's versions run on tf.data), against
keras.utils itself; the folder datasets through the vision and text plugins' loaders, trained on
with fit."""

from __future__ import annotations

import importlib.util
import random

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import oneiros as oi  # noqa: E402
from oneiros import layers, utils  # noqa: E402

ORACLES = ["loops", *(["keras"] if importlib.util.find_spec("tensorflow") else [])]


def keras_samples(dataset):
    """The samples of an unbatched tf.data.Dataset of (x, y) or x, as numpy arrays."""
    return [tuple(np.asarray(part) for part in item) if isinstance(item, tuple) else np.asarray(item)
            for item in dataset.as_numpy_iterator()]


X = np.arange(40, dtype="float32").reshape(20, 2)
Y = np.arange(20, dtype="int64") * 10


def split_by_loops(samples, left_size, right_size, shuffle, seed):
    """Keras's split of a list of samples: shuffled with the global ``random`` seeded by ``seed``,
    float sizes rounded, the left part first and the right part last."""
    samples = list(samples)
    if shuffle:
        random.seed(seed)
        random.shuffle(samples)
    total = len(samples)
    left = round(left_size * total) if isinstance(left_size, float) else left_size
    right = round(right_size * total) if isinstance(right_size, float) else right_size
    left = total - right if left is None else left
    right = total - left if right is None else right
    return samples[:left], samples[total - right:]


@pytest.mark.parametrize("oracle", ORACLES)
@pytest.mark.parametrize("left_size, right_size, shuffle", [
    (0.8, None, False), (None, 0.25, True), (7, None, True), (None, 3, False), (0.5, 0.3, True), (12, 5, False),
])
def test_split_dataset_matches_keras(oracle, left_size, right_size, shuffle):
    ours = utils.split_dataset((X, Y), left_size=left_size, right_size=right_size, shuffle=shuffle, seed=11)
    if oracle == "keras":
        expected = [keras_samples(part) for part in keras.utils.split_dataset(
            (X, Y), left_size=left_size, right_size=right_size, shuffle=shuffle, seed=11)]
    else:
        expected = split_by_loops(zip(X, Y), left_size, right_size, shuffle, 11)
    for (x_part, y_part), samples in zip(ours, expected):
        np.testing.assert_array_equal(x_part, np.stack([x for x, _ in samples]))
        np.testing.assert_array_equal(y_part, np.stack([y for _, y in samples]))


def test_split_dataset_keeps_the_structure():
    left, right = utils.split_dataset({"a": X, "b": Y}, left_size=0.75)
    assert left["a"].shape == (15, 2) and right["b"].shape == (5,)
    x_left, x_right = utils.split_dataset(X, right_size=4)
    np.testing.assert_array_equal(x_right, X[-4:])


@pytest.mark.parametrize("left_size, right_size, message", [
    (None, None, "neither"), (1.5, None, r"left_size=1.5"), (20, None, r"\[1, 20\) for 20 samples"),
    (0.7, 0.6, r"ask for 26 samples"), ("half", None, r"left_size='half'"), (0.01, None, "left part empty"),
])
def test_split_dataset_names_bad_sizes(left_size, right_size, message):
    with pytest.raises((ValueError, TypeError), match=message):
        utils.split_dataset((X, Y), left_size=left_size, right_size=right_size)
    with pytest.raises(ValueError, match=r"lengths \[20, 3\]"):
        utils.split_dataset((X, Y[:3]), left_size=0.5)


SERIES = np.arange(60, dtype="float32").reshape(30, 2)
TARGETS = np.arange(100, 130, dtype="int32")
CASES = [
    dict(sequence_length=5),
    dict(sequence_length=4, sequence_stride=3, sampling_rate=2, batch_size=4),
    dict(sequence_length=3, start_index=4, end_index=25, batch_size=5),
    dict(sequence_length=6, sampling_rate=3, batch_size=None),
    dict(sequence_length=2, sequence_stride=2, start_index=3, batch_size=3, targets=None),
]


def windows_by_loops(data, targets, sequence_length, sequence_stride=1, sampling_rate=1, batch_size=128,
                     start_index=None, end_index=None):
    """Keras's documented windows, one by one: rows first, first + rate, ... before end_index, the
    target at the window's first row; then cut into batches."""
    start, end = start_index or 0, end_index or len(data)
    samples, first = [], start
    while first + (sequence_length - 1) * sampling_rate < end and (targets is None or first < len(targets)):
        window = np.stack([data[first + k * sampling_rate] for k in range(sequence_length)])
        samples.append(window if targets is None else (window, targets[first]))
        first += sequence_stride
    if batch_size is None:
        return samples
    batches = [samples[i:i + batch_size] for i in range(0, len(samples), batch_size)]
    if targets is None:
        return [np.stack(batch) for batch in batches]
    return [(np.stack([w for w, _ in batch]), np.stack([t for _, t in batch])) for batch in batches]


def reference_batches(oracle, arguments):
    if oracle == "keras":
        return keras_samples(keras.utils.timeseries_dataset_from_array(SERIES, **arguments))
    arguments = {key: value for key, value in arguments.items() if key not in ("shuffle", "seed")}
    return windows_by_loops(SERIES, **arguments)


def arguments_of(case, **extra):
    return {"targets": TARGETS, "batch_size": 7, **case, **extra}


@pytest.mark.parametrize("oracle", ORACLES)
@pytest.mark.parametrize("case", CASES)
def test_timeseries_windows_match_keras(oracle, case):
    ours = utils.timeseries_dataset_from_array(SERIES, **arguments_of(case))
    expected_batches = reference_batches(oracle, arguments_of(case))
    assert len(ours) == len(expected_batches)
    for index, expected in enumerate(expected_batches):
        batch = ours[index]
        for part, expected_part in zip(batch if isinstance(batch, tuple) else (batch,),
                                       expected if isinstance(expected, tuple) else (expected,)):
            assert part.dtype == np.asarray(expected_part).dtype
            np.testing.assert_array_equal(part, expected_part)


def sorted_windows(batches):
    return sorted(map(tuple, np.concatenate([np.asarray(batch[0]).reshape(len(batch[0]), -1) for batch in batches])))


@pytest.mark.parametrize("oracle", ORACLES)
@pytest.mark.parametrize("case", CASES[:3])
def test_shuffled_timeseries_hold_keras_windows_in_its_first_order(oracle, case):
    ours = utils.timeseries_dataset_from_array(SERIES, **arguments_of(case, shuffle=True, seed=5))
    expected = reference_batches(oracle, arguments_of(case, shuffle=True, seed=5))
    assert sorted_windows([ours[i] for i in range(len(ours))]) == sorted_windows(expected)
    stride = case.get("sequence_stride", 1)
    positions = np.arange(0, len(ours.starts) * stride, stride)
    np.random.RandomState(5).shuffle(positions)
    np.testing.assert_array_equal(ours.starts, positions + case.get("start_index", 0))


def test_timeseries_dataset_trains_with_fit():
    dataset = utils.timeseries_dataset_from_array(SERIES[:-5], SERIES[5:, 0], sequence_length=5, batch_size=8)
    model = oi.Sequential([layers.Input((5, 2)), layers.Flatten(), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    assert np.isfinite(model.fit(dataset, epochs=1, verbose=0).history["loss"][0])


@pytest.mark.parametrize("arguments, message", [
    (dict(sequence_length=0), r"sequence_length=0"),
    (dict(sequence_length=3, sampling_rate=30), r"below the length of the data \(30\)"),
    (dict(sequence_length=3, start_index=30), r"start_index=30"),
    (dict(sequence_length=3, start_index=5, end_index=5), r"end_index=5"),
    (dict(sequence_length=20, sampling_rate=2), r"too few for one window"),
])
def test_timeseries_names_bad_arguments(arguments, message):
    with pytest.raises(ValueError, match=message):
        utils.timeseries_dataset_from_array(SERIES, TARGETS, **arguments)


def test_image_dataset_from_directory_reads_through_the_vision_loader(tmp_path):
    image = pytest.importorskip("PIL.Image")
    for label, name in enumerate(["cats", "dogs"]):
        (tmp_path / name).mkdir()
        for k in range(3):
            image.fromarray(np.full((6, 8, 3), 40 * label + k, np.uint8)).save(tmp_path / name / f"{k}.png")
    train, validation = utils.image_dataset_from_directory(tmp_path, image_size=(6, 8), batch_size=2, seed=3,
                                                           validation_split=0.5, subset="both", verbose=False)
    assert train.class_names == ["cats", "dogs"]
    images, labels = train[0]
    assert images.shape == (2, 6, 8, 3) and labels.dtype == np.int32
    model = oi.Sequential([layers.Input((6, 8, 3)), layers.Flatten(), layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    assert np.isfinite(model.fit(train, validation_data=validation, epochs=1, verbose=0).history["val_loss"][0])


def test_text_dataset_from_directory_reads_through_the_text_loader(tmp_path):
    for name, texts in {"ham": ["see you soon", "lunch?"], "spam": ["win cash now", "free prize"]}.items():
        (tmp_path / name).mkdir()
        for k, text in enumerate(texts):
            (tmp_path / name / f"{k}.txt").write_text(text)
    dataset = utils.text_dataset_from_directory(tmp_path, batch_size=4, shuffle=False, label_mode="binary")
    texts, labels = dataset[0]
    assert list(texts) == ["see you soon", "lunch?", "win cash now", "free prize"]
    np.testing.assert_array_equal(labels[:, 0], [0, 0, 1, 1])


def test_folder_datasets_without_their_plugin_say_which_plugin(tmp_path, monkeypatch):
    from oneiros import _plugins

    monkeypatch.setenv("ONEIROS_PLUGINS", "")
    previous = _plugins.set_host(None)
    try:
        with pytest.raises(oi.errors.OneirosError, match=r"the oneiros-text plugin provides it"):
            utils.text_dataset_from_directory(tmp_path)
        with pytest.raises(oi.errors.OneirosError, match=r"the oneiros-vision plugin provides it"):
            utils.image_dataset_from_directory(tmp_path)
    finally:
        _plugins.set_host(previous)

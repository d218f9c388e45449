"""Image files with Pillow: load/save round trips and image_dataset_from_directory on generated
class folders (every pixel value known, so each batch can be checked exactly)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import oneiros as oi
from oneiros_vision.data import array_to_img, image_dataset_from_directory, img_to_array, load_img, save_img

CLASSES = {"cats": 3, "dogs": 2, "owls": 4}


@pytest.fixture
def folder(tmp_path):
    """Class subfolders of 6x8 PNGs; image k of class c is filled with the value 10 * c + k."""
    root = tmp_path / "images"
    for class_index, (name, count) in enumerate(CLASSES.items()):
        (root / name / "nested").mkdir(parents=True)
        for k in range(count):
            where = root / name / ("nested" if k == 0 else "") / f"img_{k}.png"
            Image.fromarray(np.full((6, 8, 3), 10 * class_index + k, np.uint8)).save(where)
        (root / name / "notes.txt").write_text("not an image")
    Image.fromarray(np.zeros((6, 8, 3), np.uint8)).save(root / "stray.png")
    return root


def test_save_and_load_round_trip_every_color_mode(tmp_path):
    rgb = np.random.default_rng(0).integers(0, 256, size=(5, 7, 3)).astype("float32")
    save_img(tmp_path / "rgb.png", rgb, scale=False)
    loaded = load_img(tmp_path / "rgb.png")
    assert loaded.mode == "RGB" and loaded.size == (7, 5)
    np.testing.assert_array_equal(img_to_array(loaded), rgb)
    gray = img_to_array(load_img(tmp_path / "rgb.png", color_mode="grayscale"))
    assert gray.shape == (5, 7, 1)
    assert img_to_array(load_img(tmp_path / "rgb.png", color_mode="rgba"))[..., 3].min() == 255
    first = img_to_array(loaded, data_format="channels_first")
    np.testing.assert_array_equal(first, np.moveaxis(rgb, -1, 0))
    save_img(tmp_path / "first.png", first, data_format="channels_first", scale=False)
    np.testing.assert_array_equal(img_to_array(load_img(tmp_path / "first.png")), rgb)


def test_scaling_maps_the_array_range_to_0_255(tmp_path):
    ramp = np.linspace(-1, 1, 5, dtype="float32").reshape(1, 5, 1)
    image = array_to_img(ramp)
    assert image.mode == "L"
    np.testing.assert_array_equal(np.asarray(image)[0], [0, 64, 128, 191, 255])


def test_load_img_resizes_and_can_keep_the_aspect_ratio(tmp_path):
    pixels = np.zeros((4, 8, 3), np.uint8)
    pixels[:, 2:6] = 200
    save_img(tmp_path / "wide.png", pixels, scale=False)
    stretched = img_to_array(load_img(tmp_path / "wide.png", target_size=(4, 4)))
    assert stretched.shape == (4, 4, 3) and stretched[:, 0].max() == 0
    cropped = img_to_array(load_img(tmp_path / "wide.png", target_size=(2, 2), keep_aspect_ratio=True))
    np.testing.assert_array_equal(cropped, np.full((2, 2, 3), 200.0))


def test_inferred_labels_follow_sorted_class_folders_at_any_depth(folder):
    dataset = image_dataset_from_directory(folder, image_size=(6, 8), batch_size=4, shuffle=False, verbose=False)
    assert dataset.class_names == ["cats", "dogs", "owls"]
    assert len(dataset) == 3
    batches = [dataset[i] for i in range(len(dataset))]
    images = np.concatenate([x for x, _ in batches])
    labels = np.concatenate([y for _, y in batches])
    assert images.shape == (9, 6, 8, 3) and images.dtype == np.float32 and labels.dtype == np.int32
    values = images[:, 0, 0, 0].astype(int)
    assert sorted(values.tolist()) == [0, 1, 2, 10, 11, 20, 21, 22, 23]
    np.testing.assert_array_equal(labels, values // 10)


def test_label_modes_and_class_name_order(folder):
    dataset = image_dataset_from_directory(folder, label_mode="categorical", class_names=["owls", "cats", "dogs"],
                                           image_size=(3, 4), batch_size=9, shuffle=False, verbose=False)
    images, one_hot = dataset[0]
    assert images.shape == (9, 3, 4, 3) and one_hot.shape == (9, 3) and one_hot.dtype == np.float32
    np.testing.assert_array_equal(one_hot.argmax(axis=1), [{2: 0, 0: 1, 1: 2}[v // 10]
                                                           for v in images[:, 0, 0, 0].astype(int)])
    unlabeled = image_dataset_from_directory(folder, labels=None, label_mode=None, image_size=(6, 8),
                                             batch_size=20, shuffle=False, verbose=False)
    assert unlabeled[0].shape == (10, 6, 8, 3)
    grayscale = image_dataset_from_directory(folder / "cats", labels=[0, 1, 1], label_mode="binary",
                                             color_mode="grayscale", image_size=(6, 8), batch_size=3,
                                             shuffle=False, verbose=False)
    images, binary = grayscale[0]
    assert images.shape == (3, 6, 8, 1) and binary.tolist() == [[0.0], [1.0], [1.0]]


def test_validation_split_gives_disjoint_reproducible_subsets(folder):
    kwargs = dict(image_size=(6, 8), batch_size=2, validation_split=0.34, seed=7, verbose=False)
    training, validation = image_dataset_from_directory(folder, subset="both", **kwargs)
    assert len(training.file_paths) == 6 and len(validation.file_paths) == 3
    assert not set(training.file_paths) & set(validation.file_paths)
    again = image_dataset_from_directory(folder, subset="validation", **kwargs)
    assert again.file_paths == validation.file_paths
    other = image_dataset_from_directory(folder, subset="validation", **{**kwargs, "seed": 8})
    assert other.file_paths != validation.file_paths


def test_a_model_trains_on_the_dataset_through_the_registered_loader(folder, jax_backend):
    assert "vision>image_folder" in oi.data.loaders()
    dataset = oi.data.load("image_folder", folder, image_size=(6, 8), batch_size=4, seed=1, verbose=False)
    oi.set_random_seed(0)
    model = oi.Sequential([oi.layers.Input((6, 8, 3)), oi.layers.Rescaling(1 / 255),
                           oi.layers.Conv2D(2, 3), oi.layers.GlobalMaxPooling2D(),
                           oi.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(dataset, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"label_mode": "sparse"}, "label_mode"),
    ({"labels": None}, "label_mode"),
    ({"color_mode": "cmyk"}, "color_mode"),
    ({"interpolation": "area"}, "interpolation"),
    ({"image_size": (0, 4)}, "image_size"),
    ({"batch_size": 0}, "batch_size"),
    ({"validation_split": 0.2, "subset": "training"}, "seed"),
    ({"validation_split": 1.5, "subset": "training", "seed": 1}, "validation_split"),
    ({"subset": "training"}, "validation_split"),
    ({"class_names": ["cats", "lions"]}, "class_names"),
    ({"label_mode": "binary"}, "exactly 2 classes"),
    ({"labels": [0, 1]}, "one non-negative int per file"),
])
def test_bad_arguments_are_refused(folder, kwargs, message):
    with pytest.raises(ValueError, match=message):
        image_dataset_from_directory(folder, verbose=False, **kwargs)


def test_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(ValueError, match="existing folder"):
        image_dataset_from_directory(tmp_path / "nowhere")

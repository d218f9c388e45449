"""``image_dataset_from_directory``: a folder of class subfolders of images as a Dataset."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from oneiros.data import DataError, Dataset
from oneiros.data.directory import labelled_files, split_subsets
from oneiros.random_state import next_seed

from oneiros.utils._images import COLOR_MODES, INTERPOLATIONS, img_to_array, load_img

IMAGE_SUFFIXES = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
LABEL_MODES = ("int", "categorical", "binary", None)
SUBSETS = ("training", "validation", "both")


class ImageFolderDataset(Dataset):
    """Batches ``(images, labels)`` (or just images) decoded from files when first needed.

    ``images`` are float32 ``(batch, height, width, channels)`` with values in [0, 255];
    ``labels`` are int32 class indices ("int"), one-hot float32 rows ("categorical") or float32
    ``(batch, 1)`` zeros and ones ("binary"). ``class_names`` and ``file_paths`` say which is
    which.
    """

    def __init__(self, file_paths: Sequence[str], labels: np.ndarray | None, class_names: list[str] | None,
                 image_size: tuple[int, int], batch_size: int, color_mode: str, interpolation: str,
                 crop_to_aspect_ratio: bool, label_mode: str | None, shuffle: bool, seed: int, workers: int = 1):
        super().__init__(workers=workers, shuffle=shuffle, seed=seed)
        self.file_paths = list(file_paths)
        self.labels = labels
        self.class_names = class_names
        self.image_size = image_size
        self.batch_size = batch_size
        self.color_mode = color_mode
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.label_mode = label_mode

    def __len__(self) -> int:
        return math.ceil(len(self.file_paths) / self.batch_size)

    def __getitem__(self, index: int) -> Any:
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range for {len(self)} batches")
        start = index * self.batch_size
        paths = self.file_paths[start:start + self.batch_size]
        images = np.stack([self._image(path) for path in paths])
        if self.label_mode is None or self.labels is None:
            return images
        return images, self._encode(self.labels[start:start + self.batch_size])

    def _image(self, path: str) -> np.ndarray:
        try:
            return img_to_array(load_img(path, color_mode=self.color_mode, target_size=self.image_size,
                                         interpolation=self.interpolation,
                                         keep_aspect_ratio=self.crop_to_aspect_ratio))
        except OSError as error:  # Pillow's truncated or unidentifiable images, unreadable files
            raise DataError(f"image_dataset_from_directory: cannot read image {str(path)!r}: {error}.") from error

    def _encode(self, labels: np.ndarray) -> np.ndarray:
        if self.label_mode == "categorical":
            return np.eye(len(self.class_names or []), dtype="float32")[labels]
        if self.label_mode == "binary":
            return labels.astype("float32")[:, np.newaxis]
        return labels.astype("int32")


def _check_arguments(directory: Path, labels: Any, label_mode: Any, class_names: Any, color_mode: str,
                     image_size: Any, batch_size: Any, validation_split: Any, subset: Any, shuffle: bool,
                     seed: Any, interpolation: Any) -> None:
    def fail(message: str) -> None:
        raise ValueError(f"image_dataset_from_directory: {message}")

    if not directory.is_dir():
        fail(f"`directory` must be an existing folder; received {str(directory)!r}.")
    if label_mode not in LABEL_MODES:
        fail(f"`label_mode` must be one of {LABEL_MODES}; received label_mode={label_mode!r}.")
    if class_names is not None and labels != "inferred":
        fail(f"`class_names` needs labels='inferred'; received labels={labels!r}.")
    if labels is None and label_mode is not None:
        fail(f"with labels=None, `label_mode` must be None; received label_mode={label_mode!r}.")
    if color_mode not in COLOR_MODES:
        fail(f"`color_mode` must be one of {tuple(COLOR_MODES)}; received color_mode={color_mode!r}.")
    if (not isinstance(image_size, Sequence) or len(image_size) != 2
            or not all(isinstance(v, int) and v > 0 for v in image_size)):
        fail(f"`image_size` must be (height, width), two positive ints; received image_size={image_size!r}.")
    if interpolation not in INTERPOLATIONS:
        fail(f"`interpolation` must be one of {INTERPOLATIONS}; received interpolation={interpolation!r}.")
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        fail(f"`batch_size` must be a positive int; received batch_size={batch_size!r}.")
    if validation_split is not None:
        if not isinstance(validation_split, (int, float)) or not 0 < validation_split < 1:
            fail(f"`validation_split` must be a number in (0, 1); received validation_split={validation_split!r}.")
        if subset not in SUBSETS:
            fail(f"with validation_split, `subset` must be one of {SUBSETS}; received subset={subset!r}.")
        if shuffle and seed is None:
            fail("with validation_split and shuffle, give a `seed` so that the training and validation subsets "
                 "do not overlap.")
    elif subset is not None:
        fail(f"`subset` needs a validation_split; received subset={subset!r} and validation_split=None.")


def image_dataset_from_directory(directory: str | os.PathLike, labels: Any = "inferred", label_mode: str | None = "int",
                                 class_names: Sequence[str] | None = None, color_mode: str = "rgb",
                                 batch_size: int = 32, image_size: tuple[int, int] = (256, 256), shuffle: bool = True,
                                 seed: int | None = None, validation_split: float | None = None,
                                 subset: str | None = None, interpolation: str = "bilinear",
                                 follow_links: bool = False, crop_to_aspect_ratio: bool = False,
                                 workers: int = 1, verbose: bool = True) -> Any:
    """A Dataset of image batches from ``directory``, Keras's ``image_dataset_from_directory``.

    With ``labels="inferred"`` each subfolder is a class (sorted by name, or in the order of
    ``class_names``) and its images (.bmp, .gif, .jpeg, .jpg, .png, at any depth) get that
    class. ``labels`` may instead be None (images only) or one int per image file, the files
    taken in sorted order. Images are converted to ``color_mode`` and resized to
    ``image_size`` (height, width) with Pillow.

    ``shuffle`` shuffles the files once (with ``seed``, or a seed from ``oi.set_random_seed``'s
    sequence), then the batch order every epoch.
    ``validation_split`` keeps the last fraction of the (shuffled) files for validation:
    ``subset`` is "training", "validation" or "both" (a pair of Datasets).

    Example::

        train, val = image_dataset_from_directory("flowers/", image_size=(64, 64), batch_size=16,
                                                  validation_split=0.2, subset="both", seed=1)
        model.fit(train, validation_data=val, epochs=5)
    """
    directory = Path(directory)
    _check_arguments(directory, labels, label_mode, class_names, color_mode, image_size, batch_size,
                     validation_split, subset, shuffle, seed, interpolation)
    if seed is None:
        seed = next_seed()
    paths, label_values, names = labelled_files(directory, IMAGE_SUFFIXES, labels, label_mode, class_names,
                                                follow_links, shuffle, seed, "image_dataset_from_directory")
    if verbose:
        print(f"Found {len(paths)} files" + (f" belonging to {len(names)} classes." if names else "."))

    def subset_of(part: slice) -> ImageFolderDataset:
        if verbose and validation_split is not None:
            print(f"Using {len(paths[part])} files for {'training' if part.start == 0 else 'validation'}.")
        return ImageFolderDataset(
            [str(path) for path in paths[part]], None if label_values is None else label_values[part], names or None,
            tuple(image_size), batch_size, color_mode, interpolation, crop_to_aspect_ratio, label_mode, shuffle,
            seed, workers)

    return split_subsets(len(paths), validation_split, subset, subset_of)

"""image_dataset_from_directory and text_dataset_from_directory: Keras's names for the folder loaders
that the vision and text plugins register (``oi.data.load("image_folder" | "text_folder", ...)``)."""

from __future__ import annotations

import os
from typing import Any

PROVIDERS = {"image_folder": "oneiros-vision", "text_folder": "oneiros-text"}


def image_dataset_from_directory(directory: str | os.PathLike, **kwargs: Any) -> Any:
    """``keras.utils.image_dataset_from_directory``: the data loader ``"image_folder"`` (registered by
    the vision plugin), which takes Keras's arguments (``labels``, ``label_mode``, ``class_names``,
    ``color_mode``, ``batch_size``, ``image_size``, ``shuffle``, ``seed``, ``validation_split``,
    ``subset``, ``interpolation``, ``follow_links``, ``crop_to_aspect_ratio``) and returns an
    ``oneiros.data.Dataset`` (a pair with ``subset="both"``) that ``fit`` takes.

    Example::

        train, val = image_dataset_from_directory("flowers/", image_size=(64, 64), validation_split=0.2,
                                                  subset="both", seed=1)
    """
    return _load("image_folder", directory, kwargs)


def text_dataset_from_directory(directory: str | os.PathLike, **kwargs: Any) -> Any:
    """``keras.utils.text_dataset_from_directory``: the data loader ``"text_folder"`` (registered by
    the text plugin), which takes Keras's arguments (``labels``, ``label_mode``, ``class_names``,
    ``batch_size``, ``max_length``, ``shuffle``, ``seed``, ``validation_split``, ``subset``,
    ``follow_links``) and returns an ``oneiros.data.Dataset`` of ``(texts, labels)`` batches.

    Example::

        train = text_dataset_from_directory("aclImdb/train", batch_size=32, seed=1)
    """
    return _load("text_folder", directory, kwargs)


def _load(loader: str, directory: str | os.PathLike, kwargs: dict[str, Any]) -> Any:
    from oneiros import data
    from oneiros.errors import OneirosError, UnknownNameError

    try:
        return data.load(loader, directory, **kwargs)
    except UnknownNameError as exc:
        if exc.name != loader:
            raise
        raise OneirosError(f"No data loader {loader!r} is registered; the {PROVIDERS[loader]} plugin provides it "
                           f"(is it installed and enabled? see `oneiros plugins`).") from exc

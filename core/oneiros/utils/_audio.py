"""audio_dataset_from_directory: a Dataset of WAV files whose labels are their folders' names, read with the
standard library's ``wave`` module (no TensorFlow, no audio package)."""

from __future__ import annotations

import math
import os
import wave
from pathlib import Path
from typing import Any

import numpy as np

from oneiros import arguments
from oneiros.data import DataError, Dataset
from oneiros.data.directory import LABEL_MODES, check_split, encode_labels, labelled_files, split_subsets

PCM16_BYTES = 2


class AudioDataset(Dataset):
    """Batches of ``(audio, labels)`` (or ``audio`` alone): float32 ``(batch, samples, channels)``, each
    batch zero-padded to its longest file (Keras's ``padded_batch``), or, with ``ragged``, a numpy object
    array of each file's ``(samples, channels)`` array. With ``shuffle`` the order is redrawn every epoch.

    ``file_paths``, ``labels`` and ``class_names`` are available as attributes.
    """

    def __init__(self, waves: list[np.ndarray], labels: np.ndarray | None, file_paths: list[str], batch_size: int,
                 class_names: list[str], ragged: bool, shuffle: bool, seed: int):
        super().__init__(workers=1, max_queue_size=1)
        self.waves = waves
        self.labels = labels
        self.file_paths = file_paths
        self.batch_size = batch_size
        self.class_names = class_names
        self.ragged = ragged
        self._shuffle_samples = shuffle
        self._generator = np.random.default_rng(seed)
        self._order = self._draw_order()

    def _draw_order(self) -> np.ndarray:
        return self._generator.permutation(len(self.waves)) if self._shuffle_samples else np.arange(len(self.waves))

    def __len__(self) -> int:
        return math.ceil(len(self.waves) / self.batch_size)

    def __getitem__(self, index: int) -> Any:
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range for {len(self)} batches")
        chosen = self._order[index * self.batch_size:(index + 1) * self.batch_size]
        audio = self._batch([self.waves[i] for i in chosen])
        return audio if self.labels is None else (audio, self.labels[chosen])

    def _batch(self, waves: list[np.ndarray]) -> np.ndarray:
        if self.ragged:
            batch = np.empty(len(waves), dtype=object)
            batch[:] = waves
            return batch
        batch = np.zeros((len(waves), max(len(w) for w in waves), waves[0].shape[1]), dtype=np.float32)
        for row, samples in zip(batch, waves):
            row[:len(samples)] = samples
        return batch

    def on_epoch_end(self) -> None:
        self._order = self._draw_order()


def audio_dataset_from_directory(directory: str | os.PathLike, labels: Any = "inferred", label_mode: str | None = "int",
                                 class_names: list[str] | None = None, batch_size: int = 32,
                                 sampling_rate: int | None = None, output_sequence_length: int | None = None,
                                 ragged: bool = False, shuffle: bool = True, seed: int | None = None,
                                 validation_split: float | None = None, subset: str | None = None,
                                 follow_links: bool = False, verbose: bool = True) -> Any:
    """``keras.utils.audio_dataset_from_directory``: every ``.wav`` file under ``directory`` (16-bit PCM,
    scaled to ``[-1, 1)`` as ``tf.audio.decode_wav`` does), served in batches, with Keras's arguments:

    - ``labels="inferred"`` (a class per subfolder), a list of ints (one per file, sorted order) or
      None; ``label_mode`` ``"int"``, ``"categorical"``, ``"binary"`` or None; ``class_names`` orders
      the subfolders.
    - ``output_sequence_length``: every file cut or zero-padded to that many samples; otherwise each
      batch is padded to its longest file, or with ``ragged=True`` left as a list of arrays.
    - ``sampling_rate``: the rate every file must have (files are not resampled: one at another rate
      is an error naming it).
    - ``shuffle``/``seed``/``validation_split``/``subset`` (``"training"``, ``"validation"``, ``"both"``):
      the file list is shuffled with ``seed`` as Keras shuffles it and its last fraction kept for
      validation, so the subsets hold the files Keras's would.

    Returns an ``oneiros.data.Dataset`` (a pair with ``subset="both"``) that ``fit`` takes.

    Example::

        train, val = audio_dataset_from_directory("speech_commands/", output_sequence_length=16000,
                                                  validation_split=0.2, subset="both", seed=1)
    """
    owner = "audio_dataset_from_directory"
    root = Path(directory)
    if not root.is_dir():
        raise DataError(f"{owner}: no directory at {str(directory)!r}.")
    batch_size = arguments.positive_int(owner, "batch_size", batch_size)
    sampling_rate = arguments.positive_int(owner, "sampling_rate", sampling_rate, optional=True)
    output_sequence_length = arguments.positive_int(owner, "output_sequence_length", output_sequence_length,
                                                    optional=True)
    label_mode = arguments.choice(owner, "label_mode", label_mode, LABEL_MODES)
    if arguments.flag(owner, "ragged", ragged) and output_sequence_length is not None:
        raise ValueError(f"{owner}: `ragged` and `output_sequence_length` exclude each other; received ragged=True, "
                         f"output_sequence_length={output_sequence_length}.")
    validation_split = check_split(owner, validation_split, subset, shuffle, seed)
    if seed is None:
        seed = int(np.random.default_rng().integers(2**31))
    if labels is None:
        label_mode = None
    paths, targets, names = labelled_files(root, (".wav",), labels, label_mode, class_names, follow_links, shuffle,
                                           seed, owner)
    waves = [read_wav(path, sampling_rate, output_sequence_length) for path in paths]
    encoded = None if targets is None or label_mode is None else encode_labels(targets, label_mode, len(names))
    if verbose:
        print(f"Found {len(paths)} files belonging to {len(names)} classes.")

    def dataset(part: slice) -> AudioDataset:
        return AudioDataset(waves[part], None if encoded is None else encoded[part], [str(p) for p in paths[part]],
                            batch_size, names, ragged, shuffle, seed)

    return split_subsets(len(paths), validation_split, subset, dataset)


def read_wav(path: str | os.PathLike, sampling_rate: int | None = None, length: int | None = None) -> np.ndarray:
    """The float32 ``(samples, channels)`` contents of a 16-bit PCM WAV file, divided by 32768 as
    ``tf.audio.decode_wav`` does; cut or zero-padded to ``length`` samples when given."""
    try:
        with wave.open(str(path), "rb") as reader:
            if reader.getsampwidth() != PCM16_BYTES:
                raise DataError(f"audio_dataset_from_directory: {str(path)!r} holds {8 * reader.getsampwidth()}-bit "
                                f"samples; only 16-bit PCM WAV files are read.")
            if sampling_rate is not None and reader.getframerate() != sampling_rate:
                raise DataError(f"audio_dataset_from_directory: {str(path)!r} is sampled at {reader.getframerate()} "
                                f"Hz, not sampling_rate={sampling_rate} (files are not resampled).")
            channels = reader.getnchannels()
            frames = reader.readframes(reader.getnframes())
    except (wave.Error, EOFError) as exc:
        raise DataError(f"audio_dataset_from_directory: {str(path)!r} is not a PCM WAV file "
                        f"(16-bit PCM expected): {exc}.") from exc
    samples = np.frombuffer(frames, dtype="<i2").reshape(-1, channels).astype(np.float32) / 32768.0
    if length is None:
        return samples
    fitted = np.zeros((length, channels), dtype=np.float32)
    fitted[:min(length, len(samples))] = samples[:length]
    return fitted

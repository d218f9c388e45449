"""What ModelCheckpoint and BackupAndRestore share: when a ``save_freq`` says to save, and which
state must not be written because it holds NaN or infinite values."""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros import saving


class SaveSchedule:
    """Counts training batches for ``save_freq``: ``"epoch"``, or save every that many batches.

    Batch indices restart at each epoch and may skip values when several steps run per call
    (``steps_per_execution``), so the count grows by the distance between indices, as in Keras.
    """

    def __init__(self, owner: str, save_freq: Any):
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int)
                                     or save_freq < 1):
            raise ValueError(f"{owner}: argument `save_freq` must be 'epoch' or a positive int (a number of "
                             f"batches); received save_freq={save_freq!r}.")
        self.save_freq = save_freq
        self._since_last_save = 0
        self._last_batch: int | None = None

    @property
    def per_batch(self) -> bool:
        return self.save_freq != "epoch"

    def batch_ended(self, batch: int) -> bool:
        """Whether to save after the 0-based ``batch`` of the current epoch."""
        if self._last_batch is None or batch <= self._last_batch:
            self._since_last_save += batch + 1
        else:
            self._since_last_save += batch - self._last_batch
        self._last_batch = batch
        if self._since_last_save >= self.save_freq:
            self._since_last_save = 0
            return True
        return False


def non_finite(tensors: dict[str, np.ndarray]) -> list[str]:
    """The names of the floating-point tensors holding NaN or infinite values."""
    found = []
    for name, array in tensors.items():
        if array.dtype.name == "bfloat16":  # numpy cannot test ml_dtypes' bfloat16 directly
            array = array.astype(np.float32)
        if array.dtype.kind == "f" and not np.isfinite(array).all():
            found.append(name)
    return found


def model_state(model: Any, include_optimizer: bool) -> dict[str, np.ndarray]:
    """The model's weights (and optimizer state) by the names the saving functions write."""
    tensors = saving._weights_of(model)
    if include_optimizer:
        tensors.update(saving._optimizer_state_of(model))
    return tensors

"""CSVLogger: one CSV row per epoch of fit."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from typing import IO, Any

from oneiros.callbacks._base import Callback


def _cell(value: Any) -> Any:
    """A log value as Keras writes it: a sequence as a quoted ``"[a, b]"``, anything else as is."""
    if isinstance(value, str) or getattr(value, "ndim", None) == 0:
        return value
    if isinstance(value, Iterable):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Streams each epoch's logs to a CSV file, as Keras 3 does.

    The columns are ``epoch`` and then the first epoch's log keys, sorted; when those hold no
    ``val_*`` key, a ``val_`` column is added for each (so that later validation epochs fit), and a
    missing value is written as ``NA``. Each row is flushed as it is written; the file is closed at
    the end of training.

    Args:
        filename: the CSV file, e.g. ``"run/log.csv"`` (a str or path).
        separator: the string between fields.
        append: True appends to an existing file (writing the header only when it is empty);
            False overwrites it.

    Example::

        model.fit(x, y, epochs=10, callbacks=[oi.callbacks.CSVLogger("training.csv")])
    """

    def __init__(self, filename: str | os.PathLike, separator: str = ",", append: bool = False) -> None:
        super().__init__()
        if not isinstance(filename, (str, os.PathLike)):
            raise TypeError(f"CSVLogger: `filename` must be a str or a path; received {filename!r}.")
        if not isinstance(separator, str) or len(separator) != 1:
            raise ValueError(f"CSVLogger: `separator` must be a one-character string; received "
                             f"separator={separator!r}.")
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = bool(append)
        self.keys: list[str] | None = None
        self.csv_file: IO[str] | None = None
        self.writer: csv.DictWriter | None = None
        self._write_header = True

    def on_train_begin(self, logs: dict | None = None) -> None:
        write_header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename, encoding="utf-8") as existing:
                write_header = not existing.readline()
        self._close()
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="",
                             encoding="utf-8")
        self._write_header = write_header
        self.keys = None
        self.writer = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        if self.keys is None:
            keys = sorted(logs)
            if keys and not any(key.startswith("val_") for key in keys):
                keys += [f"val_{key}" for key in keys]
            self.keys = keys
        if self.writer is None:
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch", *self.keys],
                                         delimiter=self.sep)
            if self._write_header:
                self.writer.writeheader()
        row = {"epoch": epoch, **{key: _cell(logs.get(key, "NA")) for key in self.keys}}
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs: dict | None = None) -> None:
        self._close()
        self.writer = None

    def _close(self) -> None:
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()

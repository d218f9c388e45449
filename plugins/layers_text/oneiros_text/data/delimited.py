"""load_delimited: texts and labels from a TSV or CSV file."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np

from oneiros.data import DataError

from oneiros_text.data._decoding import read_text


def load_delimited(path: str | os.PathLike, label_column: int | str, text_column: int | str,
                   delimiter: str = "\t", header: bool | str = "infer", encoding: str = "utf-8",
                   quoting: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Reads ``(texts, labels)`` from a delimited file: two numpy object arrays of str, in file order.

    - ``label_column`` / ``text_column``: a column index (0-based) or a header name.
    - ``header``: True (the first line names the columns), False (every line is data), or
      ``"infer"``: a header exactly when a column is given by name.
    - ``quoting``: whether fields may be quoted with ``"`` (CSV rules); default None means
      yes for a comma and no otherwise, so quotes inside tab-separated texts stay as they are.
    - A line without enough fields, a missing column name or bytes that are not valid in
      ``encoding`` raise ``oneiros.data.DataError`` naming the file and the line. Blank lines
      are skipped.

    Registered as the data loader ``"delimited"``::

        texts, labels = oi.data.load("delimited", "SMSSpamCollection.tsv", label_column="Label",
                                     text_column="SMS")
    """
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise ValueError(f"load_delimited: argument `delimiter` must be one character; received {delimiter!r}.")
    if header not in (True, False, "infer"):
        raise ValueError(f"load_delimited: argument `header` must be True, False or 'infer'; received {header!r}.")
    for name, column in (("label_column", label_column), ("text_column", text_column)):
        if isinstance(column, bool) or not isinstance(column, (int, str)) or isinstance(column, int) and column < 0:
            raise ValueError(f"load_delimited: argument `{name}` must be a column index >= 0 or a header name; "
                             f"received {name}={column!r}.")
    named = isinstance(label_column, str) or isinstance(text_column, str)
    has_header = named if header == "infer" else header
    if named and not has_header:
        raise ValueError("load_delimited: columns given by name need header=True (or 'infer').")
    quoted = delimiter == "," if quoting is None else quoting
    source = str(path)
    text = read_text(_existing(source), encoding)
    # strict: a quote never closed is an error, not a field swallowing every following line
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True,
                        quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE)
    rows = ((reader.line_num, row) for row in reader if row)
    label_index, text_index = label_column, text_column
    texts, labels = [], []
    line = 0
    try:
        if has_header:
            line, names = next(rows, (1, []))
            label_index, text_index = (_column_index(source, line, names, column)
                                       for column in (label_column, text_column))
        needed = max(label_index, text_index) + 1
        for line, row in rows:
            if len(row) < needed:
                raise DataError(f"{source}: line {line} has {len(row)} field(s) separated by {delimiter!r}; "
                                f"expected at least {needed}.")
            texts.append(row[text_index])
            labels.append(row[label_index])
    except csv.Error as error:
        raise DataError(f"{source}: line {reader.line_num}: {error} (the record starting on line {line + 1} "
                        "has a quote that is never closed, or text after a closing quote).") from None
    return np.asarray(texts, dtype=object), np.asarray(labels, dtype=object)


def _existing(source: str) -> Path:
    path = Path(source)
    if not path.is_file():
        raise DataError(f"load_delimited: no file at {source!r}.")
    return path


def _column_index(source: str, line: int, names: list[str], column: int | str) -> int:
    if isinstance(column, int):
        return column
    if column not in names:
        raise DataError(f"{source}: line {line} (the header) has no column {column!r}; its columns are {names}.")
    return names.index(column)

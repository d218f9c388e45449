"""Local data for the programs: MNIST's test set and the SMS Spam Collection in
``../shared/data`` (relative to the project's root), read with gzip, csv and numpy only, and
synthetic series."""

from __future__ import annotations

import csv
import gzip
import re
from collections import Counter
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parents[4] / "shared" / "data"


def _data_file(name: str) -> Path:
    path = DATA_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: the programs read the shared data sets "
                                f"from {DATA_DIR} (see its README.md)")
    return path


def _idx(name: str, magic: int, header_ints: int) -> np.ndarray:
    raw = gzip.decompress(_data_file(name).read_bytes())
    header = np.frombuffer(raw, dtype=">i4", count=header_ints)
    if header[0] != magic:
        raise ValueError(f"{name}: IDX magic {header[0]}, expected {magic}")
    return np.frombuffer(raw, dtype=np.uint8, offset=4 * header_ints).reshape(header[1:])


def mnist(train: int, test: int, seed: int = 0):
    """``(x_train, y_train), (x_test, y_test)``: disjoint random subsets of MNIST's test set,
    images float32 in [0, 1] with shape (n, 28, 28, 1), labels uint8."""
    images = _idx("t10k-images-idx3-ubyte.gz", 2051, 4)
    labels = _idx("t10k-labels-idx1-ubyte.gz", 2049, 2)
    order = np.random.default_rng(seed).permutation(len(labels))
    x = images[order[: train + test]].astype("float32")[..., None] / 255.0
    y = labels[order[: train + test]]
    return (x[:train], y[:train]), (x[train:], y[train:])


def sms_spam(count: int, vocabulary: int, seed: int = 0):
    """``(token_ids, labels, vocabulary_words)`` for ``count`` random messages: each message a
    list of word ids (0 padding, 1 out-of-vocabulary, then words by frequency), label 1 = spam."""
    with _data_file("SMSSpamCollection.tsv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    order = np.random.default_rng(seed).permutation(len(rows))[:count]
    words = [re.findall(r"[a-z0-9']+", rows[i][1].lower()) for i in order]
    labels = np.array([rows[i][0] == "spam" for i in order], dtype="float32")
    counts = Counter(word for message in words for word in message)
    kept = [word for word, _ in counts.most_common(vocabulary - 2)]
    index = {word: i + 2 for i, word in enumerate(kept)}
    ids = [[index.get(word, 1) for word in message] for message in words]
    return ids, labels, kept


def noisy_sines(count: int, length: int, rng: np.random.Generator, noise: float = 0.5):
    """``(series, classes)``: ``count`` univariate series of shape (length, 1), class 0 a noisy
    sine of about 3 periods, class 1 of about 5, random phases (a stand-in for FordA)."""
    classes = rng.integers(0, 2, size=count)
    time = np.arange(length) / length
    frequency = np.where(classes == 0, 3.0, 5.0)[:, None] + rng.normal(0, 0.3, size=(count, 1))
    phase = rng.uniform(0, 2 * np.pi, size=(count, 1))
    series = np.sin(2 * np.pi * frequency * time + phase) + rng.normal(0, noise, size=(count, length))
    return series[..., None].astype("float32"), classes.astype("int32")

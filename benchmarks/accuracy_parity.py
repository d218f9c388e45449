"""Accuracy parity with Keras 3: the same program, trained over seeds, in both frameworks.

Each task below is one program written once against the Keras API; the module it receives is
``keras`` (Keras 3 on JAX) or ``oneiros`` (``import oneiros as keras``). Every (side, seed) run
is a fresh process that seeds itself with ``keras.utils.set_random_seed(seed)``; the data and
its split are fixed, so only the framework and the seed change. Test metrics are computed here
in numpy from ``model.predict``, not by either framework's metrics.

Tasks (the same sizes on both sides; chosen to keep the whole run near 25 CPU-minutes):

- ``mnist``: the Keras MNIST convnet (Conv2D 32 -> pool -> Conv2D 64 -> pool -> Dropout(0.5)
  -> Dense 10), Adam, batch 128, 3 epochs on the first 8,000 of a fixed permutation of the
  MNIST test set, tested on the other 2,000. Metric: accuracy (%).
- ``sms``: Embedding(10000, 64, mask_zero) -> LSTM(32) -> Dense(1, sigmoid), Adam, 5 epochs,
  batch 64, on the SMS Spam Collection split 80/20 stratified (fixed seed), vectorized for both
  sides by one regex tokenizer here (lowercase ``[a-z0-9']+`` tokens, most frequent first,
  0 = padding, 1 = out of vocabulary, padded/cut to 64 tokens). Metric: accuracy (%).
- ``sms_textvec``: the same model, each side vectorizing with its own
  ``keras.layers.TextVectorization(max_tokens=10000, output_sequence_length=64)`` adapted on
  the training texts (Keras's runs on TensorFlow, which must be installed).
- ``diabetes``: Dense(256, relu) -> Dense(1), Adam(learning_rate=0.003), MSE, 100 full-batch
  epochs, on scikit-learn's diabetes data (features standardized, target divided by its
  training standard deviation), split 80/20 (fixed seed). Metric: test R^2 (%). Full batches
  and a wide layer keep the seed-to-seed spread near one point: with batch 32 and 32 units the
  R^2 of 89 test samples moved by +-3 points between seeds and epochs alike, which would drown
  any difference between the frameworks.

The table gives, per task and side, the mean, standard deviation and minimum of the metric over
the seeds, and a bootstrap 95% interval of mean(Oneiros) - mean(Keras) (each side resampled on
its own). Parity holds when no interval lies wholly below 0 and Oneiros's worst seed is at most
one point below Keras's worst.

Run: .venv/bin/python benchmarks/accuracy_parity.py [--seeds 8] [--jobs 2] [--tasks mnist,sms,...]
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _harness import TABLE_WIDTH, run_worker  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
SIDES = {"keras": "keras", "oneiros": "oneiros"}
SPLIT_SEED = 0
VOCABULARY = 10000
SEQUENCE_LENGTH = 64
BOOTSTRAP_SAMPLES = 10000


def mnist_data() -> tuple[np.ndarray, ...]:
    """The 10,000 MNIST test images in [0, 1], (n, 28, 28, 1), split 8,000 / 2,000."""
    with gzip.open(DATA / "t10k-images-idx3-ubyte.gz") as file:
        images = np.frombuffer(file.read(), np.uint8, offset=16).reshape(-1, 28, 28, 1)
    with gzip.open(DATA / "t10k-labels-idx1-ubyte.gz") as file:
        labels = np.frombuffer(file.read(), np.uint8, offset=8).astype(np.int32)
    order = np.random.default_rng(SPLIT_SEED).permutation(len(labels))
    images = images[order].astype(np.float32) / 255.0
    labels = labels[order]
    return images[:8000], labels[:8000], images[8000:], labels[8000:]


def sms_texts() -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    """The SMS messages and their spam labels, split 80/20 stratified."""
    from sklearn.model_selection import train_test_split

    rows = [line.split("\t", 1) for line in (DATA / "SMSSpamCollection.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    texts = [text for _, text in rows]
    labels = np.array([label == "spam" for label, _ in rows], np.float32)[:, None]
    train_texts, test_texts, train_labels, test_labels = train_test_split(
        texts, labels, test_size=0.2, stratify=labels[:, 0], random_state=SPLIT_SEED)
    return train_texts, train_labels, test_texts, test_labels


TOKEN = re.compile(r"[a-z0-9']+")


def regex_vectorize(train_texts: list[str], *texts: list[str]) -> list[np.ndarray]:
    """Token ids of ``texts`` by a vocabulary of ``train_texts``: most frequent first (ties by
    token), 0 = padding, 1 = out of vocabulary, padded or cut at the end to SEQUENCE_LENGTH."""
    counts = Counter(token for text in train_texts for token in TOKEN.findall(text.lower()))
    ranked = sorted(counts, key=lambda token: (-counts[token], token))[:VOCABULARY - 2]
    index = {token: position + 2 for position, token in enumerate(ranked)}
    result = []
    for batch in (train_texts, *texts):
        ids = np.zeros((len(batch), SEQUENCE_LENGTH), np.int32)
        for row, text in enumerate(batch):
            tokens = [index.get(token, 1) for token in TOKEN.findall(text.lower())][:SEQUENCE_LENGTH]
            ids[row, :len(tokens)] = tokens
        result.append(ids)
    return result


def accuracy(probabilities: np.ndarray, labels: np.ndarray) -> float:
    if probabilities.shape[-1] == 1:
        predicted = (probabilities[:, 0] > 0.5).astype(labels.dtype)
        return 100.0 * float(np.mean(predicted == labels[:, 0]))
    return 100.0 * float(np.mean(np.argmax(probabilities, axis=-1) == labels))


def mnist(keras: Any, seed: int) -> float:
    x_train, y_train, x_test, y_test = mnist_data()
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(64, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x_train, y_train, batch_size=128, epochs=3, verbose=0)
    return accuracy(np.asarray(model.predict(x_test, batch_size=500, verbose=0)), y_test)


def _spam_classifier(keras: Any, x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
                     y_test: np.ndarray) -> float:
    model = keras.Sequential([
        keras.Input((SEQUENCE_LENGTH,), dtype="int32"),
        keras.layers.Embedding(VOCABULARY, 64, mask_zero=True),
        keras.layers.LSTM(32),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(x_train, y_train, batch_size=64, epochs=5, verbose=0)
    return accuracy(np.asarray(model.predict(x_test, batch_size=500, verbose=0)), y_test)


def sms(keras: Any, seed: int) -> float:
    train_texts, y_train, test_texts, y_test = sms_texts()
    x_train, x_test = regex_vectorize(train_texts, test_texts)
    keras.utils.set_random_seed(seed)
    return _spam_classifier(keras, x_train, y_train, x_test, y_test)


def sms_textvec(keras: Any, seed: int) -> float:
    train_texts, y_train, test_texts, y_test = sms_texts()
    keras.utils.set_random_seed(seed)
    vectorizer = keras.layers.TextVectorization(max_tokens=VOCABULARY, output_sequence_length=SEQUENCE_LENGTH)
    vectorizer.adapt(train_texts)
    x_train = np.asarray(vectorizer(train_texts)).astype(np.int32)
    x_test = np.asarray(vectorizer(test_texts)).astype(np.int32)
    return _spam_classifier(keras, x_train, y_train, x_test, y_test)


def diabetes(keras: Any, seed: int) -> float:
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split

    features, target = load_diabetes(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(features, target, test_size=0.2, random_state=SPLIT_SEED)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    x_train, x_test = ((x - mean) / std for x in (x_train, x_test))
    scale = y_train.std()
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((features.shape[1],)),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003), loss="mse")
    model.fit(x_train.astype(np.float32), (y_train / scale).astype(np.float32)[:, None], batch_size=len(x_train),
              epochs=100, verbose=0)
    predicted = np.asarray(model.predict(x_test.astype(np.float32), verbose=0))[:, 0] * scale
    return 100.0 * float(1 - np.sum((y_test - predicted) ** 2) / np.sum((y_test - y_test.mean()) ** 2))


TASKS: dict[str, tuple[str, Callable[[Any, int], float]]] = {
    "mnist": ("MNIST convnet, accuracy %", mnist),
    "sms": ("SMS LSTM, regex ids, accuracy %", sms),
    "sms_textvec": ("SMS LSTM, own TextVectorization, accuracy %", sms_textvec),
    "diabetes": ("diabetes MLP, R^2 %", diabetes),
}


def bootstrap_interval(ours: np.ndarray, theirs: np.ndarray) -> tuple[float, float]:
    """95% percentile interval of mean(ours) - mean(theirs), each side resampled with replacement."""
    rng = np.random.default_rng(0)
    differences = (rng.choice(ours, (BOOTSTRAP_SAMPLES, len(ours))).mean(axis=1)
                   - rng.choice(theirs, (BOOTSTRAP_SAMPLES, len(theirs))).mean(axis=1))
    low, high = np.percentile(differences, [2.5, 97.5])
    return float(low), float(high)


def run_all(tasks: list[str], seeds: int, jobs: int) -> dict[tuple[str, str], list[float]]:
    """Every (task, side, seed) in a fresh process, ``jobs`` at a time, the sides interleaved so
    that load from elsewhere falls on both alike."""
    runs = [(task, side, seed) for task in tasks for seed in range(seeds) for side in SIDES]
    with ThreadPoolExecutor(jobs) as pool:
        results = list(pool.map(lambda run: run_worker(__file__, run[1], ["--task", run[0], "--seed", str(run[2])]),
                                runs))
    metrics: dict[tuple[str, str], list[float]] = {}
    for (task, side, seed), result in zip(runs, results):
        if "error" in result:
            raise RuntimeError(f"{side} {task} seed {seed} failed: {result['error']}")
        metrics.setdefault((task, side), []).append(result["metric"])
    return metrics


def print_table(metrics: dict[tuple[str, str], list[float]], tasks: list[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Accuracy parity with Keras 3 ({len(metrics[tasks[0], 'keras'])} seeds per side)")
    for column in ("task", "side", "mean", "std", "min", "Oneiros - Keras, 95% CI", "parity"):
        table.add_column(column)
    for task in tasks:
        keras_values, ours = (np.array(metrics[task, side]) for side in SIDES)
        low, high = bootstrap_interval(ours, keras_values)
        holds = high >= 0 and ours.min() >= keras_values.min() - 1
        for side, values in (("keras", keras_values), ("oneiros", ours)):
            is_ours = side == "oneiros"
            table.add_row(TASKS[task][0] if not is_ours else "", side, f"{values.mean():.2f}",
                          f"{values.std(ddof=1):.2f}", f"{values.min():.2f}",
                          f"[{low:+.2f}, {high:+.2f}]" if is_ours else "", ("yes" if holds else "NO") if is_ours else "")
    console = Console()
    if not console.is_terminal:
        console = Console(width=TABLE_WIDTH)
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=2, help="runs at a time")
    parser.add_argument("--tasks", default=",".join(TASKS), help=f"comma-separated, of {', '.join(TASKS)}")
    parser.add_argument("--json", type=Path, help="also write every run's metric to this file")
    parser.add_argument("--worker", choices=sorted(SIDES))
    parser.add_argument("--task", choices=sorted(TASKS))
    parser.add_argument("--seed", type=int)
    args = parser.parse_args()
    if args.worker:
        metric = TASKS[args.task][1](importlib.import_module(SIDES[args.worker]), args.seed)
        print(json.dumps({"metric": metric}))
        return
    tasks = args.tasks.split(",")
    unknown = sorted(set(tasks) - set(TASKS))
    if unknown:
        parser.error(f"unknown tasks {unknown}; expected some of {sorted(TASKS)}")
    metrics = run_all(tasks, args.seeds, args.jobs)
    if args.json:
        args.json.write_text(json.dumps({f"{task}/{side}": values for (task, side), values in metrics.items()}))
    print_table(metrics, tasks)


if __name__ == "__main__":
    main()

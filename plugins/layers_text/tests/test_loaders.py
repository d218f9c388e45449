"""The text data loaders: folders of .txt files and delimited files (and the SMS data's counts)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import oneiros as oi
from oneiros.data import DataError

SMS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "SMSSpamCollection.tsv"


@pytest.fixture
def reviews(tmp_path):
    texts = {"neg": ["bad film", "awful", "dull plot"], "pos": ["great", "lovely acting"]}
    for label, items in texts.items():
        (tmp_path / label / "nested").mkdir(parents=True)
        for index, text in enumerate(items):
            folder = tmp_path / label / ("nested" if index == 2 else "")
            (folder / f"{index}.txt").write_text(text, encoding="utf-8")
        (tmp_path / label / "notes.md").write_text("ignored")
    return tmp_path


def collect(dataset):
    batches = [dataset[index] for index in range(len(dataset))]
    return np.concatenate([b[0] for b in batches]).tolist(), np.concatenate([b[1] for b in batches])


def test_text_folder_infers_labels_from_subdirectories(reviews):
    dataset = oi.data.load("text_folder", reviews, batch_size=2, shuffle=False)
    assert dataset.class_names == ["neg", "pos"] and len(dataset) == 3
    texts, labels = collect(dataset)
    assert texts == ["bad film", "awful", "dull plot", "great", "lovely acting"]
    np.testing.assert_array_equal(labels, [0, 0, 0, 1, 1])
    assert labels.dtype == np.int32


def test_text_folder_label_modes_class_names_and_max_length(reviews):
    dataset = oi.data.load("text_folder", reviews, label_mode="binary", class_names=["pos", "neg"], max_length=4,
                     shuffle=False)
    texts, labels = collect(dataset)
    assert texts == ["grea", "love", "bad ", "awfu", "dull"]
    np.testing.assert_array_equal(labels, [[0], [0], [1], [1], [1]])
    categorical = oi.data.load("text_folder", reviews, label_mode="categorical", shuffle=False)
    assert collect(categorical)[1].tolist()[0] == [1.0, 0.0]
    unlabelled = oi.data.load("text_folder", reviews, labels=None, shuffle=False)
    assert isinstance(unlabelled[0], np.ndarray)


def test_text_folder_splits_shuffled_files_without_overlap(reviews):
    training, validation = oi.data.load("text_folder", reviews, validation_split=0.4, subset="both", seed=3)
    train_texts, _ = collect(training)
    validation_texts, _ = collect(validation)
    assert len(train_texts) == 3 and len(validation_texts) == 2
    assert sorted(train_texts + validation_texts) == sorted(["bad film", "awful", "dull plot", "great",
                                                             "lovely acting"])
    again = oi.data.load("text_folder", reviews, validation_split=0.4, subset="validation", seed=3)
    assert sorted(collect(again)[0]) == sorted(validation_texts)
    with pytest.raises(ValueError, match="needs a seed"):
        oi.data.load("text_folder", reviews, validation_split=0.4, subset="training")


def test_text_folder_reshuffles_each_epoch(reviews):
    dataset = oi.data.load("text_folder", reviews, batch_size=5, seed=1)
    orders = []
    for _ in range(4):
        orders.append(tuple(dataset[0][0]))
        dataset.on_epoch_end()
    assert len(set(orders)) > 1
    assert all(sorted(order) == sorted(orders[0]) for order in orders)


def test_delimited_files_with_and_without_headers(tmp_path):
    tsv = tmp_path / "data.tsv"
    tsv.write_text('label\ttext\nham\tsee you "soon"\n\nspam\tWIN now\n', encoding="utf-8")
    texts, labels = oi.data.load("delimited", tsv, label_column="label", text_column="text")
    assert texts.tolist() == ['see you "soon"', "WIN now"] and labels.tolist() == ["ham", "spam"]
    texts, labels = oi.data.load("delimited", tsv, label_column=0, text_column=1, header=False)
    assert labels.tolist() == ["label", "ham", "spam"]
    csv_file = tmp_path / "data.csv"
    csv_file.write_text('1,"hello, world"\n0,bye\n', encoding="utf-8")
    texts, labels = oi.data.load("delimited", csv_file, label_column=0, text_column=1, delimiter=",")
    assert texts.tolist() == ["hello, world", "bye"] and labels.tolist() == ["1", "0"]


def test_delimited_errors_name_the_line(tmp_path):
    broken = tmp_path / "broken.tsv"
    broken.write_bytes(b"label\ttext\nham\tfine\nspam\tcaf\xe9 latin-1\n")
    with pytest.raises(DataError, match=r"line 3, column 9: bytes b'\\xe9' are not valid utf-8"):
        oi.data.load("delimited", broken, label_column="label", text_column="text")
    texts, _ = oi.data.load("delimited", broken, label_column="label", text_column="text", encoding="latin-1")
    assert texts[-1] == "café latin-1"
    short = tmp_path / "short.tsv"
    short.write_text("label\ttext\nham\tok\nspam\n")
    with pytest.raises(DataError, match="line 3 has 1 field"):
        oi.data.load("delimited", short, label_column="label", text_column="text")
    with pytest.raises(DataError, match="no column 'body'"):
        oi.data.load("delimited", short, label_column="label", text_column="body")


def test_the_sms_spam_collection_has_its_published_counts():
    texts, labels = oi.data.load("delimited", SMS, label_column="Label", text_column="SMS")
    assert len(texts) == 5574
    assert (labels == "ham").sum() == 4827 and (labels == "spam").sum() == 747


def test_text_folder_subsets_hold_the_files_keras_puts_in_them(reviews):
    import keras

    kwargs = dict(validation_split=0.4, subset="both", seed=5, batch_size=8)
    ours = oi.data.load("text_folder", reviews, **kwargs)
    theirs = keras.utils.text_dataset_from_directory(reviews, verbose=False, **kwargs)
    for our_subset, their_subset in zip(ours, theirs):
        their_texts = [text.decode() for texts, _ in their_subset for text in texts.numpy()]
        assert sorted(collect(our_subset)[0]) == sorted(their_texts)

"""CSVLogger: the exact bytes of the file, by hand and against Keras 3's CSVLogger."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros.callbacks import CSVLogger

TRAIN_ONLY = [{"loss": 0.5, "accuracy": 0.25}, {"loss": 0.125, "accuracy": 0.75}]
WITH_VALIDATION = [{"loss": 0.5, "val_loss": 0.75}, {"loss": 0.25, "val_loss": 0.625}]


def log(callback, sequence):
    callback.on_train_begin(None)
    for epoch, logs in enumerate(sequence):
        callback.on_epoch_end(epoch, dict(logs))
    callback.on_train_end(None)


def test_train_only_logs_get_val_columns_filled_with_na(tmp_path):
    path = tmp_path / "log.csv"
    log(CSVLogger(path), TRAIN_ONLY)
    assert path.read_bytes() == (b"epoch,accuracy,loss,val_accuracy,val_loss\r\n"
                                 b"0,0.25,0.5,NA,NA\r\n"
                                 b"1,0.75,0.125,NA,NA\r\n")


def test_columns_come_from_the_first_epoch(tmp_path):
    path = tmp_path / "log.csv"
    log(CSVLogger(str(path)), WITH_VALIDATION + [{"loss": 0.125, "extra": 3.0}])
    assert path.read_bytes().decode() == ("epoch,loss,val_loss\r\n"
                                          "0,0.5,0.75\r\n"
                                          "1,0.25,0.625\r\n"
                                          "2,0.125,NA\r\n")


def test_separator(tmp_path):
    path = tmp_path / "log.csv"
    log(CSVLogger(path, separator=";"), WITH_VALIDATION[:1])
    assert path.read_bytes().decode() == "epoch;loss;val_loss\r\n0;0.5;0.75\r\n"


def test_append_writes_the_header_only_into_an_empty_file(tmp_path):
    path = tmp_path / "log.csv"
    log(CSVLogger(path, append=True), WITH_VALIDATION[:1])
    log(CSVLogger(path, append=True), WITH_VALIDATION[1:])
    assert path.read_bytes().decode() == "epoch,loss,val_loss\r\n0,0.5,0.75\r\n0,0.25,0.625\r\n"
    log(CSVLogger(path), WITH_VALIDATION[1:])
    assert path.read_bytes().decode() == "epoch,loss,val_loss\r\n0,0.25,0.625\r\n"


def test_each_row_is_flushed_and_the_file_closed_at_train_end(tmp_path):
    path = tmp_path / "log.csv"
    logger = CSVLogger(path)
    logger.on_train_begin(None)
    logger.on_epoch_end(0, {"loss": 1.5, "val_loss": 2.0})
    assert path.read_bytes().decode() == "epoch,loss,val_loss\r\n0,1.5,2.0\r\n"
    assert not logger.csv_file.closed
    logger.on_train_end(None)
    assert logger.csv_file.closed


def test_a_second_fit_rewrites_the_file(tmp_path):
    path = tmp_path / "log.csv"
    logger = CSVLogger(path)
    log(logger, WITH_VALIDATION)
    log(logger, [{"accuracy": 1.0, "val_accuracy": 0.5}])
    assert path.read_bytes().decode() == "epoch,accuracy,val_accuracy\r\n0,1.0,0.5\r\n"


@pytest.mark.parametrize("kwargs, error, match", [
    ({"filename": 3}, TypeError, "received 3"),
    ({"filename": "x.csv", "separator": ", "}, ValueError, "separator=', '"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        CSVLogger(**kwargs)


def test_matches_keras_byte_for_byte(keras, tmp_path):
    sequences = [
        TRAIN_ONLY,
        WITH_VALIDATION + [{"loss": 0.1}],
        [{"loss": 1 / 3, "names": "a,b", "vector": np.array([1.5, 2.0]), "scalar": np.asarray(0.5),
          "learning_rate": 0.001}],
        [],
    ]
    for index, sequence in enumerate(sequences):
        for separator in (",", "\t"):
            ours, theirs = tmp_path / f"ours{index}.csv", tmp_path / f"keras{index}.csv"
            log(CSVLogger(ours, separator=separator), sequence)
            log(keras.callbacks.CSVLogger(str(theirs), separator=separator), sequence)
            assert ours.read_bytes() == theirs.read_bytes(), (index, separator)

"""Odd files given to the data loaders: each is an error naming the file, or (symlinks) counted once.

Oracles: files written by hand; counts of the real files.
"""

from __future__ import annotations

import gzip
import os

import numpy as np
import pytest

import oneiros as oi
from oneiros.data import DataError


def test_an_unterminated_csv_quote_is_an_error_not_a_swallowed_field(tmp_path):
    path = tmp_path / "sms.csv"
    path.write_text('label,text\nham,fine\nspam,"win now\nham,see you\nham,ok\n')
    with pytest.raises(DataError, match=r"sms.csv: line 5: .*record starting on line 3 has a quote that is "
                                        r"never closed"):
        oi.data.load("delimited", path, label_column="label", text_column="text", delimiter=",")


def test_quoted_fields_spanning_lines_still_load(tmp_path):
    path = tmp_path / "sms.csv"
    path.write_text('label,text\nham,"two\nlines"\nspam,"a ""quote"""\n')
    texts, labels = oi.data.load("delimited", path, label_column="label", text_column="text", delimiter=",")
    assert texts.tolist() == ["two\nlines", 'a "quote"'] and labels.tolist() == ["ham", "spam"]


def _text_tree(root):
    for label, count in (("neg", 2), ("pos", 3)):
        (root / label).mkdir(parents=True)
        for index in range(count):
            (root / label / f"{index}.txt").write_text(f"{label} {index}")


def test_symlink_loops_count_each_real_file_once(tmp_path):
    _text_tree(tmp_path)
    os.symlink(tmp_path / "pos", tmp_path / "pos" / "again")  # pos/again/again/... forever
    os.symlink(tmp_path / "neg" / "0.txt", tmp_path / "neg" / "alias.txt")
    dataset = oi.data.load("text_folder", tmp_path, follow_links=True, shuffle=False, batch_size=100)
    assert sorted(dataset.texts.tolist()) == ["neg 0", "neg 1", "pos 0", "pos 1", "pos 2"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_named_txt_is_an_error_not_a_hang(tmp_path):
    _text_tree(tmp_path)
    os.mkfifo(tmp_path / "pos" / "pipe.txt")
    with pytest.raises(DataError, match=r"pipe.txt' is not a regular file"):
        oi.data.load("text_folder", tmp_path, shuffle=False)


def test_a_truncated_png_names_the_file(tmp_path):
    from PIL import Image

    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        Image.fromarray(np.full((8, 8, 3), 100, np.uint8)).save(tmp_path / label / "ok.png")
    broken = tmp_path / "b" / "z.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)).save(broken)
    broken.write_bytes(broken.read_bytes()[:200])
    dataset = oi.data.load("image_folder", tmp_path, image_size=(8, 8), batch_size=8, shuffle=False)
    with pytest.raises(DataError, match=r"cannot read image '.*z.png'"):
        dataset[0]


def test_an_idx_header_with_255_dimensions(tmp_path):
    from oneiros_vision.data.idx import IdxFormatError

    path = tmp_path / "dims.idx"
    path.write_bytes(b"\x00\x00\x08\xff" + (1).to_bytes(4, "big") * 255 + b"\x07")
    with pytest.raises(IdxFormatError, match=r"dims.idx: the IDX header declares 255 dimensions; at most 32"):
        oi.data.load("idx", path)


def test_an_idx_gzip_bomb_reads_no_more_than_the_declared_size(tmp_path):
    from oneiros_vision.data.idx import IdxFormatError

    path = tmp_path / "bomb.gz"
    with gzip.open(path, "wb") as stream:
        stream.write(b"\x00\x00\x08\x01" + (10).to_bytes(4, "big"))
        for _ in range(16):
            stream.write(bytes(1 << 20))  # 16 MB of zeros behind a header declaring 10 bytes
    with pytest.raises(IdxFormatError, match=r"oversized IDX file: shape \(10,\)"):
        oi.data.load("idx", path)

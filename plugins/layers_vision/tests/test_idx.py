"""The IDX reader on the real MNIST test files (published checksums and label counts) and on
crafted broken files."""

from __future__ import annotations

import gzip
import hashlib
import struct

import numpy as np
import pytest

import oneiros as oi
from oneiros_vision.data import IdxFormatError, load_idx
from oneiros_vision.datasets.mnist import load_split

IMAGES_MD5 = "2646ac647ad5339dbf082846283269ea"  # of the uncompressed t10k images file
LABEL_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def idx_bytes(array: np.ndarray, type_code: int) -> bytes:
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def test_mnist_test_images_match_their_published_checksum(shared_data):
    images = load_idx(shared_data / "t10k-images-idx3-ubyte.gz")
    assert images.dtype == np.uint8 and images.shape == (10000, 28, 28)
    assert hashlib.md5(idx_bytes(images, 0x08)).hexdigest() == IMAGES_MD5


def test_mnist_test_labels_have_the_published_counts(shared_data):
    labels = load_idx(shared_data / "t10k-labels-idx1-ubyte.gz")
    assert labels.dtype == np.uint8 and labels.shape == (10000,)
    assert np.bincount(labels).tolist() == LABEL_COUNTS


def test_mnist_idx_loader_reads_the_pair_through_the_registry(shared_data):
    assert "vision>mnist_idx" in oi.data.loaders()
    images, labels = oi.data.load("mnist_idx", shared_data)
    assert images.shape == (10000, 28, 28) and np.bincount(labels).tolist() == LABEL_COUNTS
    assert oi.data.load("vision>idx", shared_data / "t10k-labels-idx1-ubyte.gz").shape == (10000,)


def test_plain_and_gzip_files_of_every_type_round_trip(tmp_path):
    arrays = {
        0x08: np.arange(24, dtype=np.uint8).reshape(2, 3, 4),
        0x09: np.array([-128, 0, 127], dtype=np.int8),
        0x0B: np.array([[-30000, 1], [2, 30000]], dtype=np.int16),
        0x0C: np.array([-(2 ** 31), 2 ** 31 - 1], dtype=np.int32),
        0x0D: np.array([[1.5, -2.25]], dtype=np.float32),
        0x0E: np.array([np.pi], dtype=np.float64),
    }
    for code, array in arrays.items():
        plain, packed = tmp_path / f"{code}.idx", tmp_path / f"{code}.idx.gz"
        plain.write_bytes(idx_bytes(array, code))
        packed.write_bytes(gzip.compress(idx_bytes(array, code)))
        for path in (plain, packed):
            loaded = load_idx(path)
            assert loaded.dtype == array.dtype and loaded.dtype.isnative
            np.testing.assert_array_equal(loaded, array)


def test_a_gzip_file_is_recognised_by_content_not_name(tmp_path):
    path = tmp_path / "labels.idx"
    path.write_bytes(gzip.compress(idx_bytes(np.array([3, 1, 4], np.uint8), 0x08)))
    np.testing.assert_array_equal(load_idx(path), [3, 1, 4])


VALID = idx_bytes(np.arange(12, dtype=np.uint8).reshape(3, 4), 0x08)


@pytest.mark.parametrize(("content", "message"), [
    (b"\x00\x00\x08", "truncated IDX file: 3 bytes"),
    (b"\x01\x00\x08\x02" + VALID[4:], "not an IDX file: magic number 0x01000802"),
    (b"\x00\x00\x07\x02" + VALID[4:], "not an IDX file: magic number 0x00000702"),
    (b"\x00\x00\x08\x00", "not an IDX file"),
    (VALID[:10], "truncated IDX header: 2 dimensions need 8 bytes of sizes, found 6"),
    (VALID[:-1], r"truncated IDX data: shape \(3, 4\) of u1 needs 12 bytes, found 11"),
    (VALID + b"\x00", r"oversized IDX file: shape \(3, 4\) of u1 needs 12 bytes, but more data follows"),
    (b"\x00\x00\x08\x03" + struct.pack(">3I", 60000, 60000, 60000) + b"\x00" * 10, "truncated IDX data"),
])
@pytest.mark.parametrize("compressed", [False, True])
def test_broken_files_are_refused_with_a_clear_error(tmp_path, content, message, compressed):
    path = tmp_path / "broken.idx"
    path.write_bytes(gzip.compress(content) if compressed else content)
    with pytest.raises(IdxFormatError, match=message) as caught:
        load_idx(path)
    assert str(path) in str(caught.value)


def test_a_truncated_gzip_stream_is_refused(tmp_path):
    path = tmp_path / "cut.idx.gz"
    path.write_bytes(gzip.compress(VALID)[:-12])
    with pytest.raises(IdxFormatError, match="corrupt or truncated gzip stream"):
        load_idx(path)


def test_mnist_split_checks_that_images_and_labels_agree(tmp_path):
    images = np.zeros((3, 28, 28), np.uint8)
    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(idx_bytes(images, 0x08))
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(np.array([1, 2], np.uint8), 0x08)))
    with pytest.raises(ValueError, match="expected 3 uint8 labels in 0-9"):
        load_split(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(np.array([1, 2, 3], np.uint8), 0x08)))
    loaded_images, labels = load_split(tmp_path)
    assert loaded_images.shape == (3, 28, 28) and labels.tolist() == [1, 2, 3]
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte"):
        load_split(tmp_path, "train")
    with pytest.raises(ValueError, match="split"):
        load_split(tmp_path, "validation")

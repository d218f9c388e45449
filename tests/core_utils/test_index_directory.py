"""oi.data.index_directory: the files of a folder tree and their labels, in Keras's order."""

import os

import numpy as np
import pytest

import oneiros as oi
from oneiros.data import DataError, index_directory
from oneiros.data.directory import labelled_files


@pytest.fixture
def tree(tmp_path):
    for relative in ("cats/b.png", "cats/a.PNG", "cats/notes.txt", "dogs/deep/c.jpg", "dogs/d.png", "top.png"):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    return tmp_path


def names(paths, root):
    return [path.relative_to(root).as_posix() for path in paths]


def test_inferred_labels_are_the_sorted_subfolders(tree):
    paths, labels, class_names = index_directory(tree, (".png", ".jpg"))
    assert names(paths, tree) == ["cats/a.PNG", "cats/b.png", "dogs/d.png", "dogs/deep/c.jpg"]
    np.testing.assert_array_equal(labels, [0, 0, 1, 1])
    assert labels.dtype == np.int32 and class_names == ["cats", "dogs"]


def test_class_names_choose_the_label_order(tree):
    paths, labels, class_names = index_directory(tree, (".png", ".jpg"), class_names=["dogs", "cats"])
    assert names(paths, tree)[:2] == ["dogs/d.png", "dogs/deep/c.jpg"]
    np.testing.assert_array_equal(labels, [0, 0, 1, 1])
    assert class_names == ["dogs", "cats"]


def test_without_labels_every_file_is_listed_folder_by_folder(tree):
    paths, labels, class_names = index_directory(tree, (".png", ".jpg"), labels=None)
    assert names(paths, tree) == ["top.png", "cats/a.PNG", "cats/b.png", "dogs/d.png", "dogs/deep/c.jpg"]
    assert labels is None and class_names is None


def test_given_labels_follow_the_file_order(tree):
    _, labels, class_names = index_directory(tree, (".txt",), labels=[2])
    np.testing.assert_array_equal(labels, [2])
    assert class_names == ["0", "1", "2"]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"class_names": ["owls"]}, r"`class_names` must name distinct subfolders of .*\['cats', 'dogs'\].*\['owls'\]"),
    ({"class_names": ["cats", "cats"]}, r"`class_names` must name distinct subfolders"),
    ({"labels": [0, 1]}, r"one non-negative int per file \(1 .txt files found .*received labels=\[0, 1\]"),
    ({"labels": [-1]}, r"one non-negative int per file"),
])
def test_bad_labels_name_what_was_found(tree, kwargs, message):
    with pytest.raises(ValueError, match=message):
        index_directory(tree, (".txt",), owner="loader", **kwargs)


def test_a_folder_loop_is_walked_once_and_a_fifo_is_refused(tree):
    os.symlink(tree / "cats", tree / "cats" / "again")
    paths, _, _ = index_directory(tree / "cats", (".png",), labels=None, follow_links=True)
    assert names(paths, tree) == ["cats/a.PNG", "cats/b.png"]
    os.mkfifo(tree / "dogs" / "pipe.png")
    with pytest.raises(DataError, match=r"pipe.png' is not a regular file"):
        index_directory(tree, (".png",))


def test_it_is_public_in_oi_data():
    assert oi.data.index_directory is index_directory


@pytest.mark.parametrize("class_names", [None, ["dogs"], ["dogs", "cats"]])
def test_shuffled_labelled_files_equal_keras_index_directory(tree, class_names):
    from keras.src.utils.dataset_utils import index_directory as keras_index_directory

    (tree / ".cache").mkdir()
    (tree / ".cache" / "x.png").write_bytes(b"")
    paths, labels, found = labelled_files(tree, (".png", ".jpg"), "inferred", "int", class_names, False, True, 13,
                                          "loader")
    their_paths, their_labels, their_names = keras_index_directory(
        str(tree), "inferred", (".png", ".jpg"), class_names=class_names, shuffle=True, seed=13, verbose=False)
    assert [str(path) for path in paths] == their_paths
    np.testing.assert_array_equal(labels, their_labels)
    assert found == their_names

"""Text data loaders: ``text_dataset_from_directory`` ("text_folder") and ``load_delimited``
("delimited"), reachable through ``oneiros.data.load``."""

from oneiros_text.data.delimited import load_delimited
from oneiros_text.data.text_folder import text_dataset_from_directory

__all__ = ["load_delimited", "text_dataset_from_directory"]

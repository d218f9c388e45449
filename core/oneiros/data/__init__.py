"""``oi.data``: datasets, data adapters, and named data loaders registered by plugins."""

from __future__ import annotations

from typing import Any

from oneiros.data.adapters import (
    ArrayAdapter,
    DataAdapter,
    DataError,
    DatasetAdapter,
    GeneratorAdapter,
    adapter_for,
)
from oneiros.data._finite import NonFiniteDataWarning, set_finite_check
from oneiros.data.array_dataset import ArrayDataset
from oneiros.data.dataset import Dataset
from oneiros.data.directory import index_directory

__all__ = ["ArrayAdapter", "ArrayDataset", "DataAdapter", "DataError", "Dataset", "DatasetAdapter",
           "GeneratorAdapter", "NonFiniteDataWarning", "adapter_for", "index_directory", "load", "loaders",
           "set_finite_check"]


def loaders() -> list[str]:
    """Names of every registered data loader (``register_data_loaders``), qualified."""
    from oneiros._plugins import host

    return [entry.qualified_name for entry in host().registry("data_loaders").entries()]


def load(name: str, *args: Any, **kwargs: Any) -> Any:
    """Calls the data loader registered as ``name`` (plain or ``plugin>name``)."""
    from oneiros._plugins import host

    return host().registry("data_loaders").get(name)(*args, **kwargs)

"""KerasFileEditor: inspect and edit the weights of a ``.keras`` or ``.weights.h5`` file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from oneiros.saving import _archive, _h5
from oneiros.saving._atomic import atomic_write
from oneiros.saving._keras_files import ASSETS, CONFIG, MEMBERS, METADATA, WEIGHTS, variable_paths
from oneiros.saving._limits import DEFAULT_LIMITS, LoadLimits, parse_json

Weights = dict[str, Any]


class KerasFileEditor:
    """Keras 3's weights editor: ``weights_dict`` holds the file's weights as nested dicts
    (``{"layers": {"dense": {"0": kernel, "1": bias}}}``, the ``vars`` level left out as Keras
    does), which :meth:`rename_object`, :meth:`delete_object`, :meth:`add_object`,
    :meth:`delete_weight` and :meth:`add_weights` edit, and :meth:`save` writes to a
    ``.weights.h5`` file that Keras and Oneiros load. A ``.keras`` archive's ``config`` and
    ``metadata`` are kept as read. The file passes the same checks and limits as any load.

    Example::

        editor = oi.saving.KerasFileEditor("model.keras")
        editor.rename_object("dense_3", "dense_2")
        editor.save("fixed.weights.h5")
        model.load_weights("fixed.weights.h5")
    """

    def __init__(self, filepath: Any, limits: LoadLimits = DEFAULT_LIMITS):
        self.filepath = str(filepath)
        self.config = self.metadata = None
        if self.filepath.endswith(".keras"):
            members = _archive.read_archive(self.filepath, limits, MEMBERS, WEIGHTS, ASSETS)
            self.config = parse_json(members[CONFIG], CONFIG, limits)
            self.metadata = parse_json(members[METADATA], METADATA, limits)
            data = members[WEIGHTS]
        elif self.filepath.endswith(".weights.h5"):
            data = Path(self.filepath).read_bytes()
        else:
            raise ValueError(f"KerasFileEditor: expected a .keras or .weights.h5 file; received filepath="
                             f"{self.filepath!r}.")
        contents = _h5.open_checked(data, self.filepath, limits)
        try:
            self.object_metadata: dict[str, dict[str, Any]] = {}
            self.weights_dict = self._extract(contents, contents.file, "")
        finally:
            contents.file.close()

    def _extract(self, contents: _h5.H5Contents, group: Any, path: str) -> Weights:
        h5py = _h5.h5py_module()
        attributes = {key: value for key, value in group.attrs.items()}
        if attributes:
            self.object_metadata[path] = attributes
        result: Weights = {}
        for key in group:
            item = group[key]
            inner = f"{path}/{key}"
            if isinstance(item, h5py.Group):
                source = item["vars"] if "vars" in item else item
                if len(source):
                    result[key] = self._extract(contents, source, inner)
            else:
                result[key] = contents.read(item.name.lstrip("/"))
        return result

    def summary(self) -> None:
        """Prints the file's objects and the shapes of their weights."""
        print(f"Keras model file '{self.filepath}'")
        if self.metadata is not None:
            print(f"Saved with Keras {self.metadata.get('keras_version')} on {self.metadata.get('date_saved')}")

        def show(weights: Weights, indent: int) -> None:
            for name, value in weights.items():
                if isinstance(value, dict):
                    print(f"{'  ' * indent}{name}")
                    show(value, indent + 1)
                else:
                    print(f"{'  ' * indent}{name}: shape={value.shape}, dtype={value.dtype}")

        show(self.weights_dict, 0)

    def compare(self, reference_model: Any) -> dict[str, Any]:
        """Checks every weight of ``reference_model`` against the file (present, same shape) and
        lists the mismatches: ``{"status": "success" | "error", "error_count", "match_count"}``."""
        errors = matches = 0
        for path, variable in variable_paths(reference_model):
            keys = [key for key in path.split("/") if key != "vars"]
            node: Any = self.weights_dict
            for key in keys:
                node = node.get(key) if isinstance(node, dict) else None
            if node is None or isinstance(node, dict):
                print(f"Weight {path!r} of the model is missing from the file.")
                errors += 1
            elif tuple(node.shape) != tuple(variable.shape):
                print(f"Weight {path!r}: the file holds shape {tuple(node.shape)}, the model {tuple(variable.shape)}.")
                errors += 1
            else:
                matches += 1
        return {"status": "error" if errors else "success", "error_count": errors, "match_count": matches}

    def _edit_object(self, edit: Callable[[Weights, str], None], source_name: str) -> None:
        """Applies ``edit(parent_dict, key)`` to the object at a path, or to the one object named so."""
        if "/" in source_name:
            *parents, leaf = source_name.split("/")
            node = self.weights_dict
            for key in parents:
                if not isinstance(node.get(key), dict):
                    raise ValueError(f"Path {source_name!r} not found in the file.")
                node = node[key]
            if leaf not in node:
                raise ValueError(f"Path {source_name!r} not found in the file.")
            edit(node, leaf)
            return
        holders = []

        def find(node: Weights) -> None:
            for value in node.values():
                if isinstance(value, dict):
                    find(value)
            if source_name in node:
                holders.append(node)

        find(self.weights_dict)
        if len(holders) != 1:
            problem = "does not appear" if not holders else f"occurs {len(holders)} times; pass its full path"
            raise ValueError(f"Name {source_name!r} {problem} in the file (see summary()).")
        edit(holders[0], source_name)

    def rename_object(self, object_name: str, new_name: str) -> None:
        """Renames an object (e.g. ``"dense_2"`` or ``"layers/dense_2"``) to the leaf name ``new_name``."""
        if "/" in new_name:
            raise ValueError(f"`new_name` is a leaf name, not a path; received new_name={new_name!r}.")
        self._edit_object(lambda node, key: node.__setitem__(new_name, node.pop(key)), object_name)

    def delete_object(self, object_name: str) -> None:
        """Removes an object (e.g. a layer) and its weights."""
        self._edit_object(lambda node, key: node.pop(key), object_name)

    def add_object(self, object_path: str, weights: dict[str, Any]) -> None:
        """Adds an object at ``object_path`` (e.g. ``"layers/dense_2"``) with ``{"0": kernel, ...}``."""
        weights = _checked_weights(weights)
        *parents, leaf = object_path.split("/")
        node = self.weights_dict
        for key in parents:
            if not isinstance(node.get(key), dict):
                raise ValueError(f"Path {'/'.join(parents)!r} not found in the file.")
            node = node[key]
        node[leaf] = weights

    def delete_weight(self, object_name: str, weight_name: str) -> None:
        """Removes the weight ``weight_name`` (e.g. ``"1"``) of an object."""

        def delete(node: Weights, key: str) -> None:
            if weight_name not in node[key]:
                raise ValueError(f"Weight {weight_name!r} not found in object {object_name!r}; it has "
                                 f"{list(node[key])}.")
            node[key].pop(weight_name)

        self._edit_object(delete, object_name)

    def add_weights(self, object_name: str, weights: dict[str, Any]) -> None:
        """Adds (or replaces) weights ``{"2": value, ...}`` of an existing object."""
        weights = _checked_weights(weights)
        self._edit_object(lambda node, key: node[key].update(weights), object_name)

    def save(self, filepath: Any) -> None:
        """Writes the edited weights to a ``.weights.h5`` file (atomically), in Keras's layout."""
        filepath = str(filepath)
        if not filepath.endswith(".weights.h5"):
            raise ValueError(f"KerasFileEditor.save writes a .weights.h5 file; received filepath={filepath!r}.")
        datasets: dict[str, np.ndarray] = {}

        def collect(node: Weights, path: str) -> None:
            leaves = {name: value for name, value in node.items() if not isinstance(value, dict)}
            for name, value in leaves.items():
                datasets[f"{path}/vars/{name}" if path else f"vars/{name}"] = np.asarray(value)
            for name, value in node.items():
                if isinstance(value, dict) and value:
                    collect(value, f"{path}/{name}" if path else name)

        collect(self.weights_dict, "")
        data = _h5.write(datasets, {})
        atomic_write(filepath, lambda stream: stream.write(data))

    resave_weights = save


def _checked_weights(weights: Any) -> dict[str, np.ndarray]:
    if not isinstance(weights, dict):
        raise ValueError(f"`weights` must be a dict of weight names ('0', '1'...) to arrays; received "
                         f"{type(weights).__name__}.")
    return {str(name): np.asarray(value) for name, value in weights.items()}

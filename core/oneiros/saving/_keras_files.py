"""Keras's files: ``.keras`` archives and ``.weights.h5`` (Keras 3, both ways) and Keras 2 ``.h5``
(read only).

Weights live in Keras 3's h5 layout: a layer's own variables at ``<path>/vars/<i>`` (trainable
ones first), its sublayers below it under their attribute names, a model's layers under
``layers/<snake_case class name>[_<n>]``, and the optimizer's variables at ``optimizer/vars/<i>``
(``iterations``, ``learning_rate``, then the slots in the order Keras's ``build`` creates them).
"""

from __future__ import annotations

import datetime
import json
import warnings
from typing import Any

import numpy as np

from oneiros._version import __version__
from oneiros.errors import CorruptFileError, WeightsMismatchError
from oneiros.saving import _archive, _h5, _keras_config, _weights
from oneiros.saving._limits import LoadLimits, parse_json

CONFIG = "config.json"
METADATA = "metadata.json"
WEIGHTS = "model.weights.h5"
MEMBERS = (METADATA, CONFIG, WEIGHTS)
ASSETS = "assets/"
"""The archive folder of the files layers keep outside their variables (a lookup's vocabulary.txt)."""
KERAS_FORMAT_VERSION = "3.15.1"
"""The Keras version whose format the files written here follow (metadata.json's keras_version)."""
OPTIMIZER_GROUP = "optimizer/vars"
# --- where each variable lives --------------------------------------------------------------------

def variable_paths(root: Any) -> list[tuple[str, Any]]:
    """``(h5 path, variable)`` for every weight of ``root`` (a model or a layer), in Keras's layout."""
    return _walk(root)[0]


def layer_paths(root: Any) -> dict[str, Any]:
    """Every layer of ``root`` (itself at ``""``) by its path in Keras's layout (``layers/dense``),
    the path of its variables' group and of its assets folder."""
    return _walk(root)[1]


def _walk(root: Any) -> tuple[list[tuple[str, Any]], dict[str, Any]]:
    from oneiros.layers.layer import Layer, snake_case
    from oneiros.models.functional import Functional
    from oneiros.models.model import Model
    from oneiros.models.sequential import Sequential

    found: list[tuple[str, Any]] = []
    layers: dict[str, Any] = {}
    visited: set[int] = set()

    def container(items: list[Any], prefix: str) -> None:
        used: dict[str, int] = {}
        for item in items:
            base = snake_case(type(item).__name__)
            used[base] = used.get(base, -1) + 1
            walk(item, f"{prefix}{base if used[base] == 0 else f'{base}_{used[base]}'}/")

    def walk(layer: Any, prefix: str) -> None:
        if id(layer) in visited:
            return
        visited.add(id(layer))
        layers[prefix.rstrip("/")] = layer
        weights = [v for v in layer._own_variables if v.counts_as_parameter]  # not random-generator states
        own = [v for v in weights if v.trainable] + [v for v in weights if not v.trainable]
        found.extend((f"{prefix}vars/{index}", variable) for index, variable in enumerate(own))
        if isinstance(layer, Sequential):
            container(layer.layers, f"{prefix}layers/")
            return
        if isinstance(layer, Functional):
            unique = list({id(node.layer): node.layer for node in layer._nodes}.values())
            container(unique, f"{prefix}layers/")
            return
        children: dict[str, Any] = {}
        for name, value in vars(layer).items():
            if isinstance(value, Layer):
                children[name] = value
            elif (isinstance(value, (list, tuple)) and value and not name.startswith("_")
                  and all(isinstance(item, Layer) for item in value)):
                children[name] = list(value)
        if isinstance(layer, Model):  # Keras walks a model's ``layers`` property among its attributes
            children["layers"] = list(layer._sublayers)
        for name in sorted(children):
            value = children[name]
            if isinstance(value, list):
                container(value, f"{prefix}{name}/")
            else:
                walk(value, f"{prefix}{name}/")

    walk(root, "")
    return found, layers


def _layer_groups(root: Any) -> dict[str, dict[str, str]]:
    """Every ``<path>/vars`` group Keras writes (also for layers without weights), with its name."""
    from oneiros.layers.layer import snake_case
    from oneiros.models.functional import Functional
    from oneiros.models.sequential import Sequential

    groups = {"vars": {"name": root.name}}
    if isinstance(root, (Sequential, Functional)):
        items = root.layers if isinstance(root, Sequential) else \
            list({id(node.layer): node.layer for node in root._nodes}.values())
        used: dict[str, int] = {}
        for item in items:
            base = snake_case(type(item).__name__)
            used[base] = used.get(base, -1) + 1
            groups[f"layers/{base if used[base] == 0 else f'{base}_{used[base]}'}/vars"] = {"name": item.name}
    return groups


# --- optimizer state ------------------------------------------------------------------------------

_SCALARS = ("iterations", "learning_rate")
"""Optimizer variables Keras stores in other dtypes than Oneiros (int64 iterations)."""


def _keras_layout(optimizer: Any, state: Any) -> list[tuple[Any, ...]]:
    try:
        return optimizer.keras_layout(state)
    except ValueError as exc:
        raise WeightsMismatchError(str(exc)) from None


def _at(tree: Any, key: tuple[Any, ...]) -> Any:
    for part in key:
        tree = tree[part]
    return tree


def _replaced(tree: Any, key: tuple[Any, ...], value: Any) -> Any:
    """``tree`` (dicts and lists) with the leaf at ``key`` replaced, copying only along the path."""
    if not key:
        return value
    head, rest = key[0], key[1:]
    if isinstance(tree, dict):
        return {**tree, head: _replaced(tree[head], rest, value)}
    items = list(tree)
    items[head] = _replaced(items[head], rest, value)
    return items


def _optimizer_datasets(model: Any) -> tuple[dict[str, np.ndarray], dict[str, dict[str, str]]] | None:
    """The optimizer state as Keras writes it (datasets and their groups' attributes): every
    variable in ``optimizer/vars`` (iteration counts int64), a wrapper's inner optimizers also in
    their own groups."""
    from oneiros import ops

    trainer = getattr(model, "_trainer", None)
    state = getattr(trainer, "optimizer_state", None) or getattr(model, "_pending_optimizer_state", None)
    if state is None or model.compiled is None:
        return None
    try:
        groups = model.compiled.optimizer.keras_variable_groups(state)
    except ValueError as exc:
        raise WeightsMismatchError(str(exc)) from None
    datasets, attributes = {}, {}
    for group, (name, layout) in groups.items():
        attributes[f"optimizer/{group}"] = {"name": name}
        for index, key in enumerate(layout):
            if key is None:  # a wrapper's unused learning rate
                datasets[f"optimizer/{group}/{index}"] = np.zeros((), np.float32)
                continue
            array = np.asarray(ops.to_numpy(_at(state, key)))
            datasets[f"optimizer/{group}/{index}"] = array.astype(np.int64) if array.dtype.kind in "iu" else array
    return datasets, attributes


def _optimizer_state(model: Any, contents: _h5.H5Contents) -> Any:
    """The optimizer state stored in ``contents``, checked against the model's optimizer; None when
    the file has none or the model is not compiled."""
    from oneiros import ops

    stored = sorted((p for p in contents.datasets if p.startswith(f"{OPTIMIZER_GROUP}/")),
                    key=lambda p: int(p.rpartition("/")[2]) if p.rpartition("/")[2].isdigit() else -1)
    if not stored or model.compiled is None:
        return None
    optimizer = model.compiled.optimizer
    model._assign_variable_paths()
    template = optimizer.init_for(model.trainable_weights)
    layout = _keras_layout(optimizer, template)
    scalars = sum(1 for key in layout if key is None or key[-1] in _SCALARS)
    if len(stored) <= scalars < len(layout):  # Keras saves only the scalars of an optimizer never built
        return None
    if len(stored) != len(layout) or stored[0] != f"{OPTIMIZER_GROUP}/0":
        raise WeightsMismatchError(f"The file's optimizer state has {len(stored)} variables; the model's "
                                   f"{type(optimizer).__name__} has {len(layout)}.")
    state = template
    for name, key in zip(stored, layout):
        if key is None:
            continue
        expected = _at(template, key)
        shape, dtype = tuple(ops.shape(expected)), str(ops.dtype(expected))
        value = contents.read(name, shape)
        if key[-1] in _SCALARS or (value.dtype.kind in "iu" and np.dtype(dtype).kind in "iu"):
            value = _counter(name, value, dtype)
        else:
            value = _weights.matched(name, value, shape, dtype, False)
        state = _replaced(state, key, ops.convert_to_tensor(value))
    return state


def _counter(name: str, value: np.ndarray, dtype: str) -> np.ndarray:
    """An optimizer scalar or counter in the model's dtype: Keras and Oneiros write integer counters
    (iterations, a loss scale's step counter) as int64 and keep them narrower, so only a value
    that does not fit is refused."""
    converted = value.astype(dtype)
    if value.dtype.kind in "iu" and np.any(converted != value):
        raise WeightsMismatchError(f"Weight {name!r}: {value!r} does not fit the optimizer's {dtype}.")
    return converted


# --- weights --------------------------------------------------------------------------------------

def weights_h5(model: Any, include_optimizer: bool = True) -> bytes:
    """Keras 3's ``model.weights.h5`` for ``model`` (with its optimizer state when it has one)."""
    datasets = {path: variable.numpy() for path, variable in variable_paths(model)}
    groups = _layer_groups(model)
    optimizer = _optimizer_datasets(model) if include_optimizer else None
    if optimizer is not None:
        datasets.update(optimizer[0])
        groups.update(optimizer[1])
    return _h5.write(datasets, groups)


def assign_weights(model: Any, contents: _h5.H5Contents, allow_non_finite: bool) -> None:
    """Assigns every weight from ``contents`` after checking them all (names, shapes, dtypes)."""
    expected = variable_paths(model)
    stored = {p for p in contents.datasets if not p.startswith("optimizer/")}
    missing = sorted({p for p, _ in expected} - stored)
    extra = sorted(stored - {p for p, _ in expected})
    if missing or extra:
        raise WeightsMismatchError(f"The file's weights do not match the model: missing {missing[:8]}, "
                                   f"unexpected {extra[:8]}.")
    values = [_weights.matched(path, contents.read(path, tuple(v.shape)), tuple(v.shape), str(v.dtype),
                               allow_non_finite) for path, v in expected]
    for (_, variable), value in zip(expected, values):
        variable.assign(value)


def stored_optimizer_state(model: Any, contents: _h5.H5Contents, strict: bool) -> Any:
    """The optimizer state in ``contents`` (None if none); a state that does not fit the model's
    optimizer raises when ``strict``, else is skipped with a warning, as Keras does (Keras's Nadam
    and Adafactor keep their state in another layout than Oneiros's)."""
    try:
        return _optimizer_state(model, contents)
    except WeightsMismatchError as exc:
        if strict:
            raise
        warnings.warn(f"The optimizer state in the file is not loaded: {exc}", stacklevel=3)
        return None


def set_optimizer_state(model: Any, state: Any) -> None:
    """Makes the next training step start from ``state`` (None: leaves the optimizer as it is)."""
    if state is not None:
        model._pending_optimizer_state = state
        model._trainer = None


# --- .keras archives ------------------------------------------------------------------------------

def keras_archive_members(model: Any, compile_config: dict[str, Any] | None) -> dict[str, bytes]:
    config = _keras_config.keras_model_config(model, compile_config)
    metadata = {"keras_version": KERAS_FORMAT_VERSION, "oneiros_version": __version__,
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    return {CONFIG: json.dumps(config).encode(), METADATA: json.dumps(metadata).encode(),
            WEIGHTS: weights_h5(model)}


def save_keras(model: Any, path: Any, compile_config: dict[str, Any] | None) -> Any:
    return _archive.write_archive(path, keras_archive_members(model, compile_config), MEMBERS, WEIGHTS)


def read_keras(path: Any, limits: LoadLimits) -> tuple[dict[str, Any], _h5.H5Contents, dict[str, dict[str, bytes]]]:
    """The Oneiros model config, the checked weights and the assets (by layer path, then file name)
    of a ``.keras`` archive."""
    members = _archive.read_archive(path, limits, MEMBERS, WEIGHTS, ASSETS)
    metadata = parse_json(members[METADATA], METADATA, limits)
    if not isinstance(metadata, dict) or not isinstance(metadata.get("keras_version", ""), str):
        raise CorruptFileError(f"{METADATA} must be an object with a keras_version string.")
    config = _keras_config.model_config(parse_json(members[CONFIG], CONFIG, limits))
    assets: dict[str, dict[str, bytes]] = {}
    for name, content in members.items():
        if name.startswith(ASSETS):
            folder, _, file_name = name[len(ASSETS):].rpartition("/")
            assets.setdefault(folder, {})[file_name] = content
    return config, _h5.open_checked(members[WEIGHTS], f"{path}:{WEIGHTS}", limits), assets


def load_assets(model: Any, assets: dict[str, dict[str, bytes]]) -> None:
    """Gives each layer the asset files Keras saved for it (``layer.load_keras_assets(files)``).

    Files below a layer that reads assets belong to its internals (Keras's TextVectorization also
    writes its inner lookup's copy of the vocabulary) and are left to it; files for a layer that
    reads none, or for no layer at all, make the file unreadable rather than silently incomplete.
    """
    layers = layer_paths(model)
    readers = {path: layer for path, layer in layers.items() if hasattr(layer, "load_keras_assets")}
    for folder in sorted(assets):
        if folder in readers:
            continue
        if any(folder.startswith(f"{path}/") for path in readers if path):
            continue
        owner = layers.get(folder)
        what = f"layer {owner.name!r} ({type(owner).__name__}), which keeps none" if owner is not None else \
            "no layer of the model"
        raise CorruptFileError(f"The archive holds assets {sorted(assets[folder])} for {ASSETS}{folder}: {what}.")
    for folder, files in sorted(assets.items()):
        if folder in readers:
            readers[folder].load_keras_assets(files)


def read_legacy_h5(contents: _h5.H5Contents, limits: LoadLimits) -> dict[str, Any]:
    """The Oneiros model config of a Keras 2 ``.h5`` model file (its ``model_config`` attribute)."""
    text = contents.text_attribute("", "model_config")
    if text is None:
        raise CorruptFileError("This HDF5 file has no model_config attribute: it holds weights only; build the "
                               "model in code and call model.load_weights(path).")
    config = _keras_config.model_config(parse_json(text.encode("utf-8"), "model_config", limits))
    training = contents.text_attribute("", "training_config")
    config["compile_config"] = None if training is None else _keras_config.legacy_compile_config(
        parse_json(training.encode("utf-8"), "training_config", limits))
    return config


def assign_legacy_weights(model: Any, contents: _h5.H5Contents, allow_non_finite: bool,
                          by_layer_order: bool = False) -> None:
    """Assigns the weights of a Keras 2 ``.h5`` file, layer by layer in Keras's weight order.

    Layers are matched by name, or with ``by_layer_order`` as Keras 3's ``load_weights`` does: the
    n-th stored layer holding weights fills the n-th model layer holding weights (the published
    application files name layers by Keras 2's counters, ``conv2d_1``...).
    """
    root = "model_weights" if "model_weights" in contents.groups else ""
    names = contents.string_list_attribute(root, "layer_names")
    stored: dict[str, list[str]] = {}
    for name in names:
        group = f"{root}/{name}" if root else name
        stored[name] = [f"{group}/{weight}" for weight in contents.string_list_attribute(group, "weight_names")]
    if by_layer_order:
        stored = {name: paths for name, paths in stored.items() if paths}
        weighted = [layer for layer in model.layers if layer.variables]
        if len(weighted) != len(stored):
            raise WeightsMismatchError(f"The file holds weights for {len(stored)} layers, the model has "
                                       f"{len(weighted)} layers with weights.")
        layers = {name: layer for name, layer in zip(stored, weighted)}
    else:
        layers = {layer.name: layer for layer in _named_layers(model)}
    assignments = []
    for name, paths in stored.items():
        layer = layers.get(name)
        if layer is None:
            if paths:
                raise WeightsMismatchError(f"The file holds weights for layer {name!r}, which the model lacks.")
            continue
        variables = [variable for _, variable in variable_paths(layer)]
        if len(paths) != len(variables):
            raise WeightsMismatchError(f"Layer {name!r}: the file holds {len(paths)} weights, the model's layer "
                                       f"{layer.name!r} has {len(variables)}.")
        for path, variable in zip(paths, variables):
            if path not in contents.datasets:
                raise CorruptFileError(f"Weight {path!r} is listed in weight_names but not stored.")
            value = contents.read(path, tuple(variable.shape))
            assignments.append((variable, _weights.matched(path, value, tuple(variable.shape), str(variable.dtype),
                                                           allow_non_finite)))
    filled = {id(layers[name]) for name in stored if name in layers}
    unfilled = [layer.name for layer in _named_layers(model) if layer.variables and id(layer) not in filled]
    if unfilled:
        raise WeightsMismatchError(f"The file holds no weights for the layers {unfilled}.")
    for variable, value in assignments:
        variable.assign(value)


def _named_layers(model: Any) -> list[Any]:
    from oneiros.models.functional import Functional

    if isinstance(model, Functional):
        return list({id(node.layer): node.layer for node in model._nodes}.values())
    return list(model.layers)


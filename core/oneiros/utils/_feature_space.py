"""FeatureSpace: Keras's one-object preprocessing of structured (tabular) data, built from the preprocessing
layers (Normalization, Discretization, StringLookup, IntegerLookup, Hashing, HashedCrossing,
CategoryEncoding, Rescaling) and run eagerly on numpy arrays, without tf.data."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from oneiros import arguments, ops
from oneiros.layers import Layer

FEATURE_OUTPUT_MODES = ("int", "one_hot", "float")
CROSS_OUTPUT_MODES = ("int", "one_hot")
OUTPUT_MODES = ("concat", "dict")
_counter = itertools.count()
Number = float
"""``float`` for annotations inside FeatureSpace, whose ``float`` class method hides the builtin."""


def _layers() -> Any:
    from oneiros import layers

    return layers


def _auto_name(kind: str) -> str:
    return f"{kind}_{next(_counter)}"


class Cross:
    """A crossed feature: the ``feature_names`` values hashed together into ``crossing_dim`` bins."""

    def __init__(self, feature_names: Iterable[str], crossing_dim: int, output_mode: str = "one_hot"):
        self.output_mode = arguments.choice("Cross", "output_mode", output_mode, CROSS_OUTPUT_MODES)
        self.feature_names = tuple(feature_names)
        self.crossing_dim = arguments.positive_int("Cross", "crossing_dim", crossing_dim)

    @property
    def name(self) -> str:
        return "_X_".join(self.feature_names)

    def get_config(self) -> dict[str, Any]:
        return {"feature_names": self.feature_names, "crossing_dim": self.crossing_dim, "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Cross:
        return cls(**config)


class Feature:
    """One input feature: its ``dtype``, the ``preprocessor`` layer applied to it and how its result is
    encoded (``"int"`` as is, ``"one_hot"`` over the preprocessor's output space, ``"float"`` as is)."""

    def __init__(self, dtype: str, preprocessor: Any, output_mode: str):
        self.output_mode = arguments.choice("Feature", "output_mode", output_mode, FEATURE_OUTPUT_MODES)
        if preprocessor is None:
            preprocessor = _Identity()
        elif isinstance(preprocessor, Mapping):
            from oneiros.saving import deserialize_keras_object

            preprocessor = deserialize_keras_object(preprocessor)
        self.dtype = dtype
        self.preprocessor = preprocessor

    def get_config(self) -> dict[str, Any]:
        from oneiros.saving import serialize_keras_object

        preprocessor = None if isinstance(self.preprocessor, _Identity) else serialize_keras_object(self.preprocessor)
        return {"dtype": self.dtype, "preprocessor": preprocessor, "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Feature:
        return cls(**config)


class _Identity:
    """The preprocessor of a plain ``float`` feature (``None`` in its config)."""

    def __call__(self, x: Any) -> Any:
        return x


class FeatureSpace(Layer):
    """``keras.utils.FeatureSpace``: preprocesses a dict of features (one column each) into one float
    matrix (``output_mode="concat"``) or a dict of encoded features (``"dict"``).

    Feature types by name (``"float"``, ``"float_rescaled"``, ``"float_normalized"``, ``"float_discretized"``,
    ``"integer_categorical"``, ``"string_categorical"``, ``"integer_hashed"``, ``"string_hashed"``) or by
    the class methods of the same names for their arguments; ``crosses`` hash feature tuples together
    (``FeatureSpace.cross``). ``adapt`` learns vocabularies, means and bin boundaries from a dict of
    arrays or an iterable of dict batches (an ``oi.data.Dataset``, a list, a ``tf.data.Dataset``).

    Example::

        space = FeatureSpace({"age": "float_normalized", "city": "string_categorical",
                              "zip": FeatureSpace.integer_hashed(num_bins=64)},
                             crosses=[("city", "zip")], crossing_dim=16)
        space.adapt({"age": ages, "city": cities, "zip": zips})
        x = space({"age": ages, "city": cities, "zip": zips})   # (samples, width) float32
    """

    @classmethod
    def cross(cls, feature_names: Iterable[str], crossing_dim: int, output_mode: str = "one_hot") -> Cross:
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype: str, preprocessor: Any, output_mode: str) -> Feature:
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name: str | None = None) -> Feature:
        return Feature("float32", None, "float")

    @classmethod
    def float_rescaled(cls, scale: Number = 1.0, offset: Number = 0.0, name: str | None = None) -> Feature:
        name = name or _auto_name("float_rescaled")
        return Feature("float32", _layers().Rescaling(scale=scale, offset=offset, name=f"{name}_preprocessor"),
                       "float")

    @classmethod
    def float_normalized(cls, name: str | None = None) -> Feature:
        name = name or _auto_name("float_normalized")
        return Feature("float32", _layers().Normalization(axis=-1, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_discretized(cls, num_bins: int, bin_boundaries: list[Number] | None = None,
                          output_mode: str = "one_hot", name: str | None = None) -> Feature:
        name = name or _auto_name("float_discretized")
        preprocessor = _layers().Discretization(num_bins=num_bins, bin_boundaries=bin_boundaries,
                                                name=f"{name}_preprocessor")
        return Feature("float32", preprocessor, output_mode)

    @classmethod
    def integer_categorical(cls, max_tokens: int | None = None, num_oov_indices: int = 1,
                            output_mode: str = "one_hot", name: str | None = None) -> Feature:
        name = name or _auto_name("integer_categorical")
        preprocessor = _layers().IntegerLookup(name=f"{name}_preprocessor", max_tokens=max_tokens,
                                               num_oov_indices=num_oov_indices)
        return Feature("int32", preprocessor, output_mode)

    @classmethod
    def string_categorical(cls, max_tokens: int | None = None, num_oov_indices: int = 1,
                           output_mode: str = "one_hot", name: str | None = None) -> Feature:
        name = name or _auto_name("string_categorical")
        preprocessor = _layers().StringLookup(name=f"{name}_preprocessor", max_tokens=max_tokens,
                                              num_oov_indices=num_oov_indices)
        return Feature("string", preprocessor, output_mode)

    @classmethod
    def string_hashed(cls, num_bins: int, output_mode: str = "one_hot", name: str | None = None) -> Feature:
        name = name or _auto_name("string_hashed")
        return Feature("string", _layers().Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    @classmethod
    def integer_hashed(cls, num_bins: int, output_mode: str = "one_hot", name: str | None = None) -> Feature:
        name = name or _auto_name("integer_hashed")
        return Feature("int32", _layers().Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    def __init__(self, features: Mapping[str, Any], output_mode: str = "concat", crosses: Any = None,
                 crossing_dim: int = 32, hashing_dim: int = 32, num_discretization_bins: int = 32,
                 name: str | None = None, **kwargs: Any):
        owner = "FeatureSpace"
        if not isinstance(features, Mapping) or not features:
            raise ValueError(f"{owner}: `features` must be a non-empty dict of feature name -> type; "
                             f"received features={features!r}.")
        output_mode = arguments.choice(owner, "output_mode", output_mode, OUTPUT_MODES)
        self.crossing_dim = crossing_dim
        self.hashing_dim = arguments.positive_int(owner, "hashing_dim", hashing_dim)
        self.num_discretization_bins = arguments.positive_int(owner, "num_discretization_bins",
                                                              num_discretization_bins)
        standardized = {key: self._standardize_feature(key, value) for key, value in features.items()}
        standardized_crosses = [self._standardize_cross(cross, set(features), crossing_dim) for cross in crosses or ()]
        super().__init__(name=name, **kwargs)
        self.output_mode = output_mode
        self.features = standardized
        self.crosses = standardized_crosses
        self.preprocessors = {key: feature.preprocessor for key, feature in standardized.items()}
        self.crossers = {cross.name: _layers().HashedCrossing(cross.crossing_dim, name=cross.name)
                         for cross in standardized_crosses}
        self._is_adapted = not self._adaptable()

    def _standardize_feature(self, name: str, feature: Any) -> Feature:
        if isinstance(feature, Feature):
            return feature
        if isinstance(feature, Mapping):
            return Feature.from_config(feature.get("config", feature))
        makers = {
            "float": lambda: self.float(name=name),
            "float_normalized": lambda: self.float_normalized(name=name),
            "float_rescaled": lambda: self.float_rescaled(name=name),
            "float_discretized": lambda: self.float_discretized(self.num_discretization_bins, name=name),
            "integer_categorical": lambda: self.integer_categorical(name=name),
            "string_categorical": lambda: self.string_categorical(name=name),
            "integer_hashed": lambda: self.integer_hashed(self.hashing_dim, name=name),
            "string_hashed": lambda: self.string_hashed(self.hashing_dim, name=name),
        }
        if feature not in makers:
            raise ValueError(f"FeatureSpace: feature {name!r} must be a FeatureSpace feature or one of "
                             f"{list(makers)}; received {feature!r}.")
        return makers[feature]()

    @staticmethod
    def _standardize_cross(cross: Any, names: set[str], crossing_dim: Any) -> Cross:
        if isinstance(cross, Cross):
            return cross
        if isinstance(cross, Mapping):
            return Cross.from_config(cross.get("config", cross))
        unknown = [key for key in cross if key not in names]
        if unknown:
            raise ValueError(f"FeatureSpace: every feature in `crosses` must be in `features` ({sorted(names)}); "
                             f"received unknown {unknown} in cross {tuple(cross)!r}.")
        if not crossing_dim:
            raise ValueError(f"FeatureSpace: `crosses` need a `crossing_dim`; received crossing_dim={crossing_dim!r}.")
        return Cross(cross, crossing_dim)

    def _adaptable(self) -> list[str]:
        layers = _layers()
        adaptable = []
        for key, preprocessor in self.preprocessors.items():
            if isinstance(preprocessor, layers.Normalization) and preprocessor.input_mean is not None:
                continue
            if isinstance(preprocessor, layers.Discretization) and preprocessor.bin_boundaries is not None:
                continue
            if hasattr(preprocessor, "adapt"):
                adaptable.append(key)
        return adaptable

    def adapt(self, dataset: Any) -> None:
        """Learns each adaptable preprocessor's state from ``dataset``: a dict of arrays (one row per
        sample) or an iterable of such dicts (batches)."""
        columns = _columns(dataset, list(self.features))
        for key in self._adaptable():
            self.preprocessors[key].adapt(columns[key])
        self._is_adapted = True
        self.built = True

    def _cardinality(self, key: str) -> int:
        layers = _layers()
        preprocessor = self.preprocessors.get(key) or self.crossers[key]
        if isinstance(preprocessor, (layers.IntegerLookup, layers.StringLookup)):
            return int(preprocessor.vocabulary_size())
        if isinstance(preprocessor, layers.CategoryEncoding):
            return int(preprocessor.num_tokens)
        if isinstance(preprocessor, layers.Discretization) and preprocessor.bin_boundaries is not None:
            return len(preprocessor.bin_boundaries) + 1
        if isinstance(preprocessor, (layers.Discretization, layers.Hashing, layers.HashedCrossing)):
            return int(preprocessor.num_bins)
        raise ValueError(f"FeatureSpace: feature {key!r} has output_mode='one_hot' but its preprocessor "
                         f"{type(preprocessor).__name__} has no known output size; use output_mode='int'.")

    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """Encodes ``inputs``, a dict of feature arrays (one row per sample, or one scalar per feature for a
        single sample); ``training``/``mask`` arguments are accepted and ignored, as preprocessing has none."""
        if not isinstance(inputs, Mapping):
            raise ValueError(f"FeatureSpace can only be called with a dict of feature arrays; received "
                             f"{type(inputs).__name__}.")
        missing = [key for key in self.features if key not in inputs]
        if missing:
            raise ValueError(f"FeatureSpace: the inputs lack features {missing}; they have {sorted(inputs)}.")
        if not self._is_adapted:
            raise ValueError("FeatureSpace: call .adapt(dataset) before using it (its features "
                             f"{self._adaptable()} learn from data).")
        columns = {key: np.asarray(inputs[key]) for key in self.features}
        single = all(column.ndim == 0 for column in columns.values())
        columns = {key: _column(column) for key, column in columns.items()}
        preprocessed = {key: self.preprocessors[key](column) for key, column in columns.items()}
        crossed = {cross.name: self.crossers[cross.name]([preprocessed[key] for key in cross.feature_names])
                   for cross in self.crosses}
        specs: dict[str, Feature | Cross] = {**self.features, **{cross.name: cross for cross in self.crosses}}
        encoded = {}
        for key, value in [*sorted(preprocessed.items()), *sorted(crossed.items())]:
            if specs[key].output_mode == "one_hot":
                value = _layers().CategoryEncoding(num_tokens=self._cardinality(key), output_mode="multi_hot")(value)
            encoded[key] = ops.convert_to_tensor(value)
        if self.output_mode == "dict":
            return {key: ops.squeeze(value, axis=0) if single else value for key, value in encoded.items()}
        for key, value in encoded.items():
            if not str(ops.convert_to_numpy(value).dtype).startswith("float"):
                raise ValueError(f"FeatureSpace: cannot concatenate feature {key!r}, which is not encoded "
                                 f"(dtype {ops.convert_to_numpy(value).dtype}); use output_mode='dict'.")
        merged = ops.concatenate([ops.cast(value, "float32") for value in encoded.values()], axis=-1)
        return ops.squeeze(merged, axis=0) if single else merged

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name,
                "features": {key: {"class_name": "Feature", "config": feature.get_config()}
                             for key, feature in self.features.items()},
                "output_mode": self.output_mode,
                "crosses": [{"class_name": "Cross", "config": cross.get_config()} for cross in self.crosses],
                "crossing_dim": self.crossing_dim, "hashing_dim": self.hashing_dim,
                "num_discretization_bins": self.num_discretization_bins}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> FeatureSpace:
        return cls(**config)


def _column(array: np.ndarray) -> np.ndarray:
    """A feature as Keras feeds its preprocessor: one column, ``(samples, 1)``."""
    if array.ndim == 0:
        return array.reshape(1, 1)
    return array[:, None] if array.ndim == 1 else array


def _columns(dataset: Any, names: list[str]) -> dict[str, np.ndarray]:
    batches = [dataset] if isinstance(dataset, Mapping) else list(dataset)
    if not batches or not all(isinstance(batch, Mapping) for batch in batches):
        raise ValueError(f"FeatureSpace.adapt: expected a dict of arrays or an iterable of dicts; received "
                         f"{type(dataset).__name__}.")
    missing = [key for key in names if key not in batches[0]]
    if missing:
        raise ValueError(f"FeatureSpace.adapt: the data lacks features {missing}; it has {sorted(batches[0])}.")
    return {key: np.concatenate([_column(_numpy(batch[key])) for batch in batches]) for key in names}


def _numpy(value: Any) -> np.ndarray:
    if hasattr(value, "numpy"):
        value = value.numpy()
    array = np.asarray(value)
    return array.astype(str) if array.dtype.kind in "SO" else array

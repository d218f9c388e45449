"""Oneiros losses: the core's built-ins, and every plugin's through `get` and attribute access."""

from oneiros._namespace import registry_accessors
from oneiros.losses import _base, _hinge, _probabilistic, _regression

_CLASSES = [
    _base.Loss,
    _base.LossFunctionWrapper,
    _regression.MeanSquaredError,
    _regression.MeanAbsoluteError,
    _regression.MeanAbsolutePercentageError,
    _regression.MeanSquaredLogarithmicError,
    _regression.Huber,
    _regression.LogCosh,
    _regression.CosineSimilarity,
    _probabilistic.BinaryCrossentropy,
    _probabilistic.BinaryFocalCrossentropy,
    _probabilistic.CategoricalCrossentropy,
    _probabilistic.SparseCategoricalCrossentropy,
    _probabilistic.KLDivergence,
    _probabilistic.Poisson,
    _hinge.Hinge,
    _hinge.SquaredHinge,
    _hinge.CategoricalHinge,
]
_FUNCTIONS = [
    _regression.mean_squared_error,
    _regression.mean_absolute_error,
    _regression.mean_absolute_percentage_error,
    _regression.mean_squared_logarithmic_error,
    _regression.huber,
    _regression.log_cosh,
    _regression.cosine_similarity,
    _probabilistic.binary_crossentropy,
    _probabilistic.binary_focal_crossentropy,
    _probabilistic.categorical_crossentropy,
    _probabilistic.sparse_categorical_crossentropy,
    _probabilistic.kl_divergence,
    _probabilistic.poisson,
    _hinge.hinge,
    _hinge.squared_hinge,
    _hinge.categorical_hinge,
]
# Keras's short names resolve to the function forms, as keras.losses.get does.
_ALIASES = [
    *((alias, _regression.mean_squared_error) for alias in ("mse", "MSE")),
    *((alias, _regression.mean_absolute_error) for alias in ("mae", "MAE")),
    *((alias, _regression.mean_absolute_percentage_error) for alias in ("mape", "MAPE")),
    *((alias, _regression.mean_squared_logarithmic_error) for alias in ("msle", "MSLE")),
    *((alias, _probabilistic.binary_crossentropy) for alias in ("bce", "BCE")),
    *((alias, _probabilistic.kl_divergence) for alias in ("kld", "KLD")),
    ("logcosh", _regression.log_cosh),
]

BUILTINS: list = [*_CLASSES, *_FUNCTIONS, *_ALIASES]
"""What the core registers through `register_losses`; each entry is a class, a function, or
an ``(alias, object)`` pair."""

get, __getattr__ = registry_accessors("losses", __name__)

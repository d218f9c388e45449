"""Oneiros metrics: the core's built-ins, and every plugin's through `get` and attribute access."""

from oneiros._namespace import registry_accessors
from oneiros.losses._base import snake_case as _snake_case
from oneiros.metrics import _accuracy, _auc, _base, _confusion, _fscore, _probabilistic, _reduction
from oneiros.metrics import _regression

_BASES = [_base.Metric, _reduction.MeanMetricWrapper]
_METRICS = [
    _reduction.Mean,
    _reduction.Sum,
    _accuracy.Accuracy,
    _accuracy.BinaryAccuracy,
    _accuracy.CategoricalAccuracy,
    _accuracy.SparseCategoricalAccuracy,
    _accuracy.TopKCategoricalAccuracy,
    _accuracy.SparseTopKCategoricalAccuracy,
    _confusion.TruePositives,
    _confusion.TrueNegatives,
    _confusion.FalsePositives,
    _confusion.FalseNegatives,
    _confusion.Precision,
    _confusion.Recall,
    _auc.AUC,
    _fscore.FBetaScore,
    _fscore.F1Score,
    _regression.MeanSquaredError,
    _regression.MeanAbsoluteError,
    _regression.MeanAbsolutePercentageError,
    _regression.MeanSquaredLogarithmicError,
    _regression.RootMeanSquaredError,
    _regression.CosineSimilarity,
    _regression.LogCoshError,
    _regression.R2Score,
    _probabilistic.BinaryCrossentropy,
    _probabilistic.CategoricalCrossentropy,
    _probabilistic.SparseCategoricalCrossentropy,
    _probabilistic.KLDivergence,
    _probabilistic.Poisson,
    _probabilistic.Hinge,
    _probabilistic.SquaredHinge,
    _probabilistic.CategoricalHinge,
]
# As in keras.metrics.get, snake_case names and short names resolve to the classes.
# Which accuracy class "accuracy" means for a given loss is the training loop's choice.
_SHORT_NAMES = {
    "acc": _accuracy.Accuracy,
    "mse": _regression.MeanSquaredError,
    "MSE": _regression.MeanSquaredError,
    "mae": _regression.MeanAbsoluteError,
    "MAE": _regression.MeanAbsoluteError,
    "mape": _regression.MeanAbsolutePercentageError,
    "MAPE": _regression.MeanAbsolutePercentageError,
    "msle": _regression.MeanSquaredLogarithmicError,
    "MSLE": _regression.MeanSquaredLogarithmicError,
    "rmse": _regression.RootMeanSquaredError,
    "bce": _probabilistic.BinaryCrossentropy,
    "BCE": _probabilistic.BinaryCrossentropy,
    "kld": _probabilistic.KLDivergence,
    "fbeta_score": _fscore.FBetaScore,
    "logcosh": _regression.LogCoshError,
}
_ALIASES = {_snake_case(cls.__name__): cls for cls in _METRICS} | _SHORT_NAMES

BUILTINS: list = [*_BASES, *_METRICS, *_ALIASES.items()]
"""What the core registers through `register_metrics`; each entry is a class or an
``(alias, class)`` pair."""

get, __getattr__ = registry_accessors("metrics", __name__)

"""Oneiros losses: the core's built-ins, and every plugin's through `get` and attribute access.

``Loss`` and ``LossFunctionWrapper`` are the base classes to subclass; concrete losses resolve
through the registry. As in ``keras.losses.get``, short names ("mse", "mae"...) resolve to the
function forms.
"""

from oneiros._namespace import registry_accessors

BUILTINS: list = [
    "oneiros.losses._base:Loss",
    "oneiros.losses._base:LossFunctionWrapper",
    "oneiros.losses._regression:MeanSquaredError",
    "oneiros.losses._regression:MeanAbsoluteError",
    "oneiros.losses._regression:MeanAbsolutePercentageError",
    "oneiros.losses._regression:MeanSquaredLogarithmicError",
    "oneiros.losses._regression:Huber",
    "oneiros.losses._regression:LogCosh",
    "oneiros.losses._regression:CosineSimilarity",
    "oneiros.losses._probabilistic:BinaryCrossentropy",
    "oneiros.losses._probabilistic:BinaryFocalCrossentropy",
    "oneiros.losses._probabilistic:CategoricalCrossentropy",
    "oneiros.losses._probabilistic:SparseCategoricalCrossentropy",
    "oneiros.losses._probabilistic:KLDivergence",
    "oneiros.losses._probabilistic:Poisson",
    "oneiros.losses._hinge:Hinge",
    "oneiros.losses._hinge:SquaredHinge",
    "oneiros.losses._hinge:CategoricalHinge",
    "oneiros.losses._overlap:Dice",
    "oneiros.losses._overlap:Tversky",
    "oneiros.losses._robust_categorical:CategoricalFocalCrossentropy",
    "oneiros.losses._robust_categorical:CategoricalGeneralizedCrossEntropy",
    "oneiros.losses._circle:Circle",
    "oneiros.losses._ctc:CTC",
    "oneiros.losses._ctc:ctc",
    "oneiros.losses._overlap:dice",
    "oneiros.losses._overlap:tversky",
    "oneiros.losses._robust_categorical:categorical_focal_crossentropy",
    "oneiros.losses._robust_categorical:categorical_generalized_cross_entropy",
    "oneiros.losses._circle:circle",
    "oneiros.losses._regression:mean_squared_error",
    "oneiros.losses._regression:mean_absolute_error",
    "oneiros.losses._regression:mean_absolute_percentage_error",
    "oneiros.losses._regression:mean_squared_logarithmic_error",
    "oneiros.losses._regression:huber",
    "oneiros.losses._regression:log_cosh",
    "oneiros.losses._regression:cosine_similarity",
    "oneiros.losses._probabilistic:binary_crossentropy",
    "oneiros.losses._probabilistic:binary_focal_crossentropy",
    "oneiros.losses._probabilistic:categorical_crossentropy",
    "oneiros.losses._probabilistic:sparse_categorical_crossentropy",
    "oneiros.losses._probabilistic:kl_divergence",
    "oneiros.losses._probabilistic:poisson",
    "oneiros.losses._hinge:hinge",
    "oneiros.losses._hinge:squared_hinge",
    "oneiros.losses._hinge:categorical_hinge",
    ("mse", "oneiros.losses._regression:mean_squared_error"),
    ("MSE", "oneiros.losses._regression:mean_squared_error"),
    ("mae", "oneiros.losses._regression:mean_absolute_error"),
    ("MAE", "oneiros.losses._regression:mean_absolute_error"),
    ("mape", "oneiros.losses._regression:mean_absolute_percentage_error"),
    ("MAPE", "oneiros.losses._regression:mean_absolute_percentage_error"),
    ("msle", "oneiros.losses._regression:mean_squared_logarithmic_error"),
    ("MSLE", "oneiros.losses._regression:mean_squared_logarithmic_error"),
    ("bce", "oneiros.losses._probabilistic:binary_crossentropy"),
    ("BCE", "oneiros.losses._probabilistic:binary_crossentropy"),
    ("kld", "oneiros.losses._probabilistic:kl_divergence"),
    ("KLD", "oneiros.losses._probabilistic:kl_divergence"),
    ("logcosh", "oneiros.losses._regression:log_cosh"),
]
"""What the core registers through ``register_losses``, as lazy ``"module:Name"`` references (an
``(alias, reference)`` pair registers an alias), so plugin discovery imports none of them."""

__all__ = ["BUILTINS", "Loss", "LossFunctionWrapper", "get"]

get, __getattr__ = registry_accessors("losses", __name__, {"Loss": "oneiros.losses._base",
                                                           "LossFunctionWrapper": "oneiros.losses._base"})

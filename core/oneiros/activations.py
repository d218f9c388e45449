"""Activation functions with Keras 3 names, arguments and defaults, written in ``oneiros.ops``.

They run on every backend and inside compiled code. ``get("relu")`` looks one up by name,
``serialize(fn)`` gives the name back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oneiros import ops
from oneiros.errors import UnknownNameError

__all__ = [
    "celu", "deserialize", "elu", "exponential", "gelu", "get", "glu", "hard_shrink", "hard_sigmoid", "hard_silu",
    "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish",
    "names", "relu", "relu6", "selu", "serialize", "sigmoid", "silu", "soft_shrink", "softmax",
    "softplus", "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish",
    "tanh", "tanh_shrink", "threshold",
]


def relu(x: Any, negative_slope: float = 0.0, max_value: float | None = None,
         threshold: float = 0.0) -> Any:
    """``x`` above ``threshold`` (else 0), capped at ``max_value``, plus
    ``negative_slope * (x - threshold)`` below ``threshold`` (``keras.activations.relu``)."""
    x = ops.convert_to_tensor(x)
    if negative_slope != 0.0 and max_value is None and threshold == 0.0:
        return ops.leaky_relu(x, negative_slope)
    if threshold != 0.0:
        output = ops.where(ops.greater(x, threshold), x, 0.0)
    else:
        output = ops.relu(x)
    if max_value is not None:
        output = ops.clip(output, 0.0, max_value)
    if negative_slope != 0.0:
        output = ops.subtract(output, ops.multiply(ops.relu(ops.subtract(threshold, x)), negative_slope))
    return output


def relu6(x: Any) -> Any:
    """min(max(x, 0), 6)."""
    return ops.relu6(x)


def leaky_relu(x: Any, negative_slope: float = 0.2) -> Any:
    """x for x >= 0, ``negative_slope * x`` below."""
    return ops.leaky_relu(x, negative_slope)


def elu(x: Any, alpha: float = 1.0) -> Any:
    """x for x > 0, ``alpha * (exp(x) - 1)`` below."""
    return ops.elu(x, alpha)


def selu(x: Any) -> Any:
    """scale * elu(x, alpha) with alpha = 1.6732632..., scale = 1.0507009..."""
    return ops.selu(x)


def celu(x: Any, alpha: float = 1.0) -> Any:
    """x for x > 0, ``alpha * (exp(x / alpha) - 1)`` below."""
    x = ops.convert_to_tensor(x)
    # expm1 sees only non-positive values, so the branch where() discards never overflows
    # (an inf there would turn the gradient into NaN).
    negative = ops.multiply(ops.expm1(ops.divide(ops.minimum(x, 0.0), alpha)), alpha)
    return ops.where(ops.greater(x, 0.0), x, negative)


def gelu(x: Any, approximate: bool = False) -> Any:
    """x * Phi(x) (exact by default, like Keras 3); the tanh approximation when ``approximate``."""
    return ops.gelu(x, approximate)


def silu(x: Any) -> Any:
    """x * sigmoid(x), also called swish."""
    return ops.silu(x)


swish = silu


def sigmoid(x: Any) -> Any:
    """1 / (1 + exp(-x))."""
    return ops.sigmoid(x)


def hard_sigmoid(x: Any) -> Any:
    """clip(x / 6 + 0.5, 0, 1)."""
    return ops.hard_sigmoid(x)


def sparse_sigmoid(x: Any) -> Any:
    """clip((x + 1) / 2, 0, 1)."""
    x = ops.convert_to_tensor(x)
    return ops.clip(ops.multiply(ops.add(x, 1.0), 0.5), 0.0, 1.0)


def hard_silu(x: Any) -> Any:
    """x * hard_sigmoid(x), also called hard_swish."""
    return ops.hard_silu(x)


hard_swish = hard_silu


def log_sigmoid(x: Any) -> Any:
    """log(sigmoid(x))."""
    return ops.log_sigmoid(x)


def softmax(x: Any, axis: int = -1) -> Any:
    """exp(x) / sum(exp(x)) along ``axis``."""
    return ops.softmax(x, axis)


def log_softmax(x: Any, axis: int = -1) -> Any:
    """x - logsumexp(x) along ``axis``."""
    return ops.log_softmax(x, axis)


def softplus(x: Any) -> Any:
    """log(1 + exp(x))."""
    return ops.softplus(x)


def softsign(x: Any) -> Any:
    """x / (1 + |x|)."""
    return ops.softsign(x)


def sparse_plus(x: Any) -> Any:
    """0 for x <= -1, (x + 1)**2 / 4 for -1 < x < 1, x for x >= 1."""
    x = ops.convert_to_tensor(x)
    middle = ops.multiply(ops.square(ops.add(x, 1.0)), 0.25)
    return ops.where(ops.less_equal(x, -1.0), 0.0, ops.where(ops.greater_equal(x, 1.0), x, middle))


def squareplus(x: Any, b: float = 4) -> Any:
    """(x + sqrt(x**2 + b)) / 2."""
    x = ops.convert_to_tensor(x)
    magnitude = ops.abs(x)
    # sqrt(x**2 + b) as |x| * sqrt(1 + b / x**2) for |x| > 1, so x**2 cannot overflow; and for
    # x < 0 the equal form b / (2 * (root + |x|)), which does not cancel as x + root would.
    large = ops.maximum(magnitude, 1.0)
    root = ops.where(ops.greater(magnitude, 1.0),
                     ops.multiply(large, ops.sqrt(ops.add(ops.divide(b, ops.square(large)), 1.0))),
                     ops.sqrt(ops.add(ops.square(magnitude), b)))
    negative = ops.less(x, 0.0)
    denominator = ops.where(negative, ops.multiply(ops.add(root, magnitude), 2.0), 1.0)
    return ops.where(negative, ops.divide(b, denominator), ops.multiply(ops.add(x, root), 0.5))


def mish(x: Any) -> Any:
    """x * tanh(softplus(x))."""
    return ops.mish(x)


def tanh(x: Any) -> Any:
    """Hyperbolic tangent."""
    return ops.tanh(x)


def tanh_shrink(x: Any) -> Any:
    """x - tanh(x)."""
    x = ops.convert_to_tensor(x)
    return ops.subtract(x, ops.tanh(x))


def hard_tanh(x: Any) -> Any:
    """clip(x, -1, 1)."""
    return ops.clip(ops.convert_to_tensor(x), -1.0, 1.0)


def soft_shrink(x: Any, threshold: float = 0.5) -> Any:
    """x - threshold above ``threshold``, x + threshold below ``-threshold``, else 0."""
    x = ops.convert_to_tensor(x)
    shrunk = ops.where(ops.less(x, -threshold), ops.add(x, threshold), 0.0)
    return ops.where(ops.greater(x, threshold), ops.subtract(x, threshold), shrunk)


def hard_shrink(x: Any, threshold: float = 0.5) -> Any:
    """x where |x| > ``threshold``, else 0."""
    x = ops.convert_to_tensor(x)
    return ops.where(ops.greater(ops.abs(x), threshold), x, 0.0)


def threshold(x: Any, threshold: float, default_value: float) -> Any:
    """x where x > ``threshold``, else ``default_value``."""
    x = ops.convert_to_tensor(x)
    return ops.where(ops.greater(x, threshold), x, default_value)


def glu(x: Any, axis: int = -1) -> Any:
    """a * sigmoid(b), with ``x`` split into equal halves a, b along ``axis``."""
    x = ops.convert_to_tensor(x)
    shape = tuple(ops.shape(x))
    if not -len(shape) <= axis < len(shape) or shape[axis] % 2:
        raise ValueError(f"glu: expected an axis within the {len(shape)} dimensions of x whose "
                         f"size is even; received x of shape {shape} and axis={axis}.")
    first, second = ops.split(x, 2, axis)
    return ops.multiply(first, ops.sigmoid(second))


def sparsemax(x: Any, axis: int = -1) -> Any:
    """The Euclidean projection of ``x`` onto the probability simplex along ``axis``:
    max(x - tau, 0), with tau chosen so the result sums to 1 (Martins & Astudillo, 2016)."""
    x = ops.convert_to_tensor(x)
    shape = tuple(ops.shape(x))
    if not -len(shape) <= axis < len(shape):
        raise ValueError(f"sparsemax: expected an axis within the {len(shape)} dimensions of x; "
                         f"received x of shape {shape} and axis={axis}.")
    descending = ops.negative(ops.sort(ops.negative(x), axis))
    running_sums = ops.cumsum(descending, axis)
    rank_shape = [1] * len(shape)
    rank_shape[axis] = shape[axis]
    ranks = ops.reshape(ops.arange(1, shape[axis] + 1, dtype=ops.dtype(x)), tuple(rank_shape))
    # The k largest entries form the support while 1 + k * x_(k) > x_(1) + ... + x_(k).
    in_support = ops.greater(ops.add(ops.multiply(ranks, descending), 1.0), running_sums)
    support_size = ops.cast(ops.sum(in_support, axis, keepdims=True), ops.dtype(x))
    support_total = ops.sum(ops.where(in_support, descending, 0.0), axis, keepdims=True)
    tau = ops.divide(ops.subtract(support_total, 1.0), support_size)
    return ops.maximum(ops.subtract(x, tau), 0.0)


def exponential(x: Any) -> Any:
    """exp(x)."""
    return ops.exp(x)


def linear(x: Any) -> Any:
    """``x`` unchanged."""
    return x


_ACTIVATIONS: dict[str, Callable[..., Any]] = {
    fn.__name__: fn
    for fn in (
        relu, relu6, leaky_relu, elu, selu, celu, gelu, silu, sigmoid, hard_sigmoid,
        sparse_sigmoid, hard_silu, log_sigmoid, softmax, log_softmax, softplus, softsign,
        sparse_plus, squareplus, mish, tanh, tanh_shrink, hard_tanh, soft_shrink, hard_shrink,
        threshold, glu, sparsemax, exponential, linear,
    )
}
_ALIASES = {"swish": silu, "hard_swish": hard_silu}


def names() -> list[str]:
    """Every name :func:`get` accepts."""
    return sorted({**_ACTIVATIONS, **_ALIASES})


def get(identifier: str | Callable[..., Any] | None) -> Callable[..., Any]:
    """The activation called ``identifier``; None gives ``linear``; a callable is returned as is."""
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        found = _ACTIVATIONS.get(identifier) or _ALIASES.get(identifier)
        if found is None:
            from oneiros.saving._custom_objects import find

            found = find(identifier)
        if found is None:
            raise UnknownNameError("activation", identifier, names())
        return found
    if callable(identifier):
        return identifier
    raise ValueError(f"Cannot interpret {identifier!r} (of type {type(identifier).__name__}) as an "
                     "activation; expected None, a name such as 'relu', or a callable.")


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Callable[..., Any]:
    """The activation a :func:`serialize` name, a registered name or Keras's function dict names."""
    from oneiros.saving import custom_object_scope, deserialize_keras_object

    if isinstance(config, str):
        with custom_object_scope(custom_objects or {}):
            return get(config)
    return deserialize_keras_object(config, custom_objects)


def serialize(activation: Callable[..., Any]) -> str:
    """The name :func:`get` maps back to ``activation`` (aliases give the canonical name)."""
    name = getattr(activation, "__name__", None)
    from oneiros.saving._custom_objects import name_of

    custom = name_of(activation)
    if custom is not None:
        return custom
    if _ACTIVATIONS.get(name) is activation:
        return name
    if name in _ACTIVATIONS or name in _ALIASES or not isinstance(name, str) or not name.isidentifier():
        raise ValueError(
            f"Cannot serialize the activation {activation!r}: it has no name of its own that loading "
            f"could map back to it (built-in names: {', '.join(names())}). Give it a def name, or "
            "register it with oi.saving.register_keras_serializable."
        )
    # As Keras does, a plain function is saved by its name; loading finds it only among the
    # custom objects passed or registered, never by importing anything.
    return name

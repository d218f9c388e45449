"""What every application shares: argument checks, the input, the head, and the weights.

Each public constructor (``ResNet50``...) is made by :func:`constructor`, which gives it Keras's
signature and checks Keras's arguments before any layer exists; the architecture module then
builds its body from registered layers (``oi.layers.Conv2D``...) and hands the output to
:func:`model`, which makes the functional model and loads the weights (``None``, a file, or
``"imagenet"`` fetched with its checksum into ``$ONEIROS_HOME/models``).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from oneiros import layers

KERAS_APPLICATIONS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/"
MIRROR_VARIABLE = "ONEIROS_APPLICATIONS_URL"
"""Replaces ``KERAS_APPLICATIONS_URL`` (an organization's mirror serving the same folders and files)."""

POOLINGS = (None, "avg", "max")


@dataclass(frozen=True)
class WeightFile:
    """One published weight file: ``base/folder/name`` and its hash (Keras publishes none for some),
    cached as ``cached_name`` (default ``name``)."""

    folder: str
    name: str
    file_hash: str | None
    base: str = KERAS_APPLICATIONS_URL
    cached_name: str | None = None

    def fetch(self) -> str:
        """The cached local copy, downloaded and checked on first use (from the mirror when one is set)."""
        from oneiros.utils import get_file

        base = (os.environ.get(MIRROR_VARIABLE) or self.base).rstrip("/")
        path = f"{self.folder}/{self.name}" if self.folder else self.name
        return get_file(self.cached_name or self.name, f"{base}/{path}", cache_subdir="models",
                        file_hash=self.file_hash)


@dataclass(frozen=True)
class Arguments:
    """Keras's application constructor arguments, checked by :func:`check_arguments`."""

    include_top: bool = True
    weights: Any = "imagenet"
    input_tensor: Any = None
    input_shape: Any = None
    pooling: str | None = None
    classes: int = 1000
    classifier_activation: Any = "softmax"


STANDARD = {field.name: field.default for field in dataclasses.fields(Arguments)}
"""Keras's usual constructor parameters, in its order (``name`` follows them)."""


def shape_first(options: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    """The parameters of the MobileNets and NASNets: ``input_shape``, ``options``, the usual others, ``name``."""
    return {"input_shape": None, **options, **{key: value for key, value in STANDARD.items() if key != "input_shape"},
            "name": name}


def constructor(public_name: str, build: Callable[..., Any], doc: str, defaults: dict[str, Any]) -> Callable[..., Any]:
    """A Keras application function ``public_name(**defaults)`` (``defaults`` in Keras's parameter
    order) that checks the standard arguments, then returns ``build(arguments, **the_others)``."""
    signature = inspect.Signature([inspect.Parameter(key, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=value)
                                   for key, value in defaults.items()])

    def application(*args: Any, **kwargs: Any) -> Any:
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise TypeError(f"{public_name}{signature}: {exc}") from None
        bound.apply_defaults()
        values = dict(bound.arguments)
        arguments = Arguments(**{key: values.pop(key) for key in STANDARD})
        check_arguments(public_name, arguments)
        return build(arguments, **values)

    application.__signature__ = signature  # type: ignore[attr-defined]
    application.__name__ = application.__qualname__ = public_name
    application.__module__ = (build.func if isinstance(build, functools.partial) else build).__module__
    application.__doc__ = doc
    return application


def check_arguments(name: str, arguments: Arguments, *, has_imagenet: bool = True) -> None:
    """Raises, naming what was received, for argument values Keras refuses."""
    weights = arguments.weights
    if not (weights is None or weights == "imagenet" and has_imagenet
            or isinstance(weights, (str, os.PathLike)) and os.path.exists(weights)):
        expected = "None, 'imagenet' or" if has_imagenet else "None or"
        raise ValueError(f"{name}: `weights` must be {expected} the path of an existing weights file; "
                         f"received weights={weights!r}.")
    if weights == "imagenet" and arguments.include_top and arguments.classes != 1000:
        raise ValueError(f"{name}: with weights='imagenet' and include_top=True, `classes` must be 1000; "
                         f"received classes={arguments.classes!r}.")
    if arguments.pooling not in POOLINGS:
        raise ValueError(f"{name}: `pooling` must be one of {POOLINGS}; received pooling={arguments.pooling!r}.")
    if not isinstance(arguments.classes, int) or arguments.classes < 1:
        raise ValueError(f"{name}: `classes` must be a positive integer; received classes={arguments.classes!r}.")
    if weights is not None and arguments.include_top:
        from oneiros import activations

        activation = activations.get(arguments.classifier_activation)
        if activation not in (activations.get("softmax"), activations.get(None)):
            raise ValueError(f"{name}: with pretrained weights, `classifier_activation` must be None or 'softmax'; "
                             f"received classifier_activation={arguments.classifier_activation!r}.")


def input_shape(name: str, arguments: Arguments, *, default_size: int, min_size: int,
                require_flatten: bool | None = None) -> tuple:
    """The image shape (height, width, channels) the model is built for, as Keras's ``obtain_input_shape``.

    ``require_flatten`` defaults to ``include_top``: a classifier needs a static shape.
    """
    require_flatten = arguments.include_top if require_flatten is None else require_flatten
    given = arguments.input_shape
    if given is not None:
        given = tuple(given)
    if arguments.weights != "imagenet" and given and len(given) == 3:
        if given[-1] not in (1, 3):
            warnings.warn(f"{name} usually expects 1 or 3 input channels; received input_shape={given}.",
                          stacklevel=3)
        default_shape = (default_size, default_size, given[-1])
    else:
        default_shape = (default_size, default_size, 3)
    if arguments.weights == "imagenet" and require_flatten:
        if given is not None and given != default_shape:
            raise ValueError(f"{name}: with include_top=True and weights='imagenet', `input_shape` must be "
                             f"{default_shape}; received input_shape={given}.")
        return default_shape
    if given:
        if len(given) != 3:
            raise ValueError(f"{name}: `input_shape` must be (height, width, channels); received {given}.")
        if given[-1] != 3 and arguments.weights == "imagenet":
            raise ValueError(f"{name}: ImageNet weights need 3 input channels; received input_shape={given}.")
        if any(size is not None and size < min_size for size in given[:2]):
            raise ValueError(f"{name}: the input must be at least {min_size}x{min_size}; "
                             f"received input_shape={given}.")
        shape = given
    else:
        shape = default_shape if require_flatten else (None, None, 3)
    if require_flatten and None in shape:
        raise ValueError(f"{name}: with include_top=True the input shape must be static; received {shape}.")
    return shape


def with_tensor_shape(arguments: Arguments) -> Arguments:
    """``arguments`` whose missing ``input_shape`` is read from ``input_tensor`` (the MobileNetV2/V3 rule)."""
    if arguments.input_shape is None and arguments.input_tensor is not None:
        return dataclasses.replace(arguments, input_shape=(*tuple(arguments.input_tensor.shape[1:3]), 3))
    return arguments


def image_input(name: str, arguments: Arguments, shape: tuple) -> Any:
    """The symbolic image the body starts from: ``input_tensor`` or a new ``Input(shape)``."""
    if arguments.input_tensor is None:
        return layers.Input(shape=shape)
    from oneiros.utils import is_keras_tensor

    if not is_keras_tensor(arguments.input_tensor):
        raise TypeError(f"{name}: `input_tensor` must be a symbolic tensor (the output of oi.Input or of a "
                        f"layer); received {type(arguments.input_tensor).__name__}.")
    return arguments.input_tensor


def classifier(x: Any, arguments: Arguments, dropout: float = 0.0) -> Any:
    """Keras's usual top: global average pooling, optional dropout, the ``predictions`` Dense."""
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if dropout:
        x = layers.Dropout(dropout, name="top_dropout")(x)
    return layers.Dense(arguments.classes, activation=arguments.classifier_activation, name="predictions")(x)


def pooled(x: Any, pooling: str | None, names: tuple[str | None, str | None] = ("avg_pool", "max_pool")) -> Any:
    """The feature map, or its global average or maximum (``pooling``), without a classifier."""
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=names[0])(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=names[1])(x)
    return x


def model(name: str, image: Any, outputs: Any, arguments: Arguments,
          weight_files: tuple[WeightFile | None, WeightFile | None] | None = None) -> Any:
    """The functional model from the source inputs of ``image`` to ``outputs``, with its weights loaded.

    ``weight_files`` are the published (with top, without top) ImageNet files.
    """
    from oneiros.models.functional import Functional
    from oneiros.utils import get_source_inputs

    inputs = get_source_inputs(arguments.input_tensor) if arguments.input_tensor is not None else image
    built = Functional(inputs, outputs, name=name)
    if arguments.weights == "imagenet":
        top, notop = weight_files or (None, None)
        chosen = top if arguments.include_top else notop
        if chosen is None:
            raise ValueError(f"{name}: Keras publishes no ImageNet weights for include_top={arguments.include_top}.")
        load_weights(built, chosen.fetch())
    elif arguments.weights is not None:
        load_weights(built, arguments.weights)
    return built


def load_weights(built: Any, path: Any) -> None:
    """A Keras 2 ``.h5`` (the published files) by layer order, as Keras does; ``.keras``, ``.weights.h5``
    and ``.oneiros`` files by their own layout."""
    from oneiros.saving import load_weights as load_file

    load_file(built, path, by_layer_order=True)

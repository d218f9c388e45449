"""A model ready for a web page: ``python -m oneiros_onnx.web MODEL.oneiros OUT_DIR``.

Writes ``OUT_DIR/model.onnx`` (the ONNX exporter's file, which onnxruntime-web runs) and
``OUT_DIR/model.json``, which tells the page what the graph alone does not: the input's name,
shape and dtype, how an image of 8-bit gray pixels becomes that input (the preprocessing the
model was trained with), whether the output already holds probabilities, and the class names.
It is the web counterpart of ``oneiros export``; ``examples/web_digits`` is a page that reads
it. For example, for a model trained on MNIST pixels divided by 255::

    python -m oneiros_onnx.web digits.oneiros site/model --scale 1/255

``model.json``'s ``preprocessing`` says: take ``size`` = [height, width] gray pixels, 0 black to
255 white, row-major; replace each value v by 255 - v when ``invert``; multiply by ``scale``;
repeat each value ``channels`` times (channels-last); reshape to the input's shape. A page that
rasterises a drawing first scales the strokes to fit a ``digit_box``-pixel square and centres
them, as the MNIST images were made.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import onnx

from oneiros.errors import OneirosError
from oneiros.saving._atomic import atomic_write
from oneiros_onnx.export import ExportError, to_onnx
from oneiros_onnx.quantize import MODES

MANIFEST_FORMAT = "oneiros-web"
MANIFEST_VERSION = 1
MODEL_FILE = "model.onnx"
MANIFEST_FILE = "model.json"
MNIST_DIGIT_BOX = 20 / 28
"""MNIST digits were scaled to fit 20x20 pixels, then centred in 28x28."""
GRAY_CHANNELS = (1, 3)


@dataclass(frozen=True)
class ImagePreprocessing:
    """How a page turns ``size`` gray 8-bit pixels into the model's input (see the module doc)."""

    size: tuple[int, int]
    channels: int
    scale: float
    invert: bool
    digit_box: int


@dataclass(frozen=True)
class _Interface:
    input_name: str
    input_shape: tuple[int, ...]
    output_name: str
    classes: int
    probabilities: bool


def _tensor_shape(value: onnx.ValueInfoProto) -> list[int | str]:
    return [dim.dim_param if dim.HasField("dim_param") else dim.dim_value
            for dim in value.type.tensor_type.shape.dim]


def _ends_in_softmax(graph: onnx.GraphProto, output_name: str) -> bool:
    """Whether ``output_name`` is a Softmax's result, possibly renamed by Identity nodes."""
    producers = {name: node for node in graph.node for name in node.output}
    node = producers.get(output_name)
    while node is not None and node.op_type == "Identity":
        node = producers.get(node.input[0])
    return node is not None and node.op_type == "Softmax"


def _interface(proto: onnx.ModelProto) -> _Interface:
    """The one float32 image input and the one (batch, classes) output a digit page can use."""
    graph = proto.graph
    weights = {initializer.name for initializer in graph.initializer}
    inputs = [value for value in graph.input if value.name not in weights]
    if len(inputs) != 1 or len(graph.output) != 1:
        raise ExportError(f"A web export needs a model with one input and one output; received "
                          f"{len(inputs)} inputs and {len(graph.output)} outputs.")
    source, result = inputs[0], graph.output[0]
    for value in (source, result):
        if value.type.tensor_type.elem_type != onnx.TensorProto.FLOAT:
            kind = onnx.TensorProto.DataType.Name(value.type.tensor_type.elem_type).lower()
            raise ExportError(f"A web export needs float32 inputs and outputs; {value.name!r} is {kind}.")
    input_shape, output_shape = _tensor_shape(source)[1:], _tensor_shape(result)[1:]
    if len(output_shape) != 1 or not isinstance(output_shape[0], int) or output_shape[0] < 2:
        raise ExportError(f"A web export needs an output of shape (batch, classes) with at least 2 classes; "
                          f"{result.name!r} has shape {_tensor_shape(result)}.")
    return _Interface(source.name, tuple(input_shape), result.name, output_shape[0],
                      _ends_in_softmax(graph, result.name))


def _image_geometry(input_shape: tuple[int, ...], image_size: Sequence[int] | None) -> tuple[tuple[int, int], int]:
    """(height, width) and channels of the image behind ``input_shape`` (channels-last)."""
    if len(input_shape) == 3 and (image_size is None or tuple(image_size) == input_shape[:2]):
        size, channels = (input_shape[0], input_shape[1]), input_shape[2]
    elif len(input_shape) == 2 and (image_size is None or tuple(image_size) == input_shape):
        size, channels = (input_shape[0], input_shape[1]), 1
    elif len(input_shape) == 1 and image_size is not None and len(image_size) == 2 and all(image_size):
        size = (int(image_size[0]), int(image_size[1]))
        channels = input_shape[0] // (size[0] * size[1])
        if channels * size[0] * size[1] != input_shape[0]:
            channels = 0
    else:
        raise ExportError(f"Cannot read an image of image_size={image_size} from the model's input shape "
                          f"{list(input_shape)}: give (height, width, channels) or (height, width) inputs, or "
                          "image_size=(height, width) for a flat input.")
    if channels not in GRAY_CHANNELS:
        raise ExportError(f"A web export feeds gray pixels, repeated to {GRAY_CHANNELS} channels; the input shape "
                          f"{list(input_shape)} with image_size={list(size)} needs {channels or 'a fraction of'} "
                          "channels.")
    return size, channels


def _class_names(names: Sequence[str] | None, classes: int) -> list[str]:
    if names is None:
        return [str(index) for index in range(classes)]
    names = [str(name) for name in names]
    if len(names) != classes:
        raise ExportError(f"The model has {classes} classes; received {len(names)} class names {names}.")
    return names


def export_web(model: Any, directory: str | Path, *, scale: float = 1 / 255, invert: bool = False,
               image_size: Sequence[int] | None = None, digit_box: int | None = None,
               class_names: Sequence[str] | None = None, quantize: str | None = None,
               calibration_data: Any = None) -> Path:
    """Writes ``directory/model.onnx`` and ``directory/model.json`` for a page; returns the latter.

    ``scale`` and ``invert`` are the preprocessing the model was trained with (pixels 0-255);
    ``image_size`` = (height, width) is needed only for flat inputs; ``digit_box`` (default: 20/28
    of the image, as MNIST) is the square a page fits drawn strokes into; ``class_names`` default
    to "0", "1", ... ``quantize`` ("int8": about 4x smaller to download; "float16") and
    ``calibration_data`` are the ONNX exporter's. Everything is checked before anything is written.
    """
    if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale > 0):
        raise ExportError(f"scale must be a positive finite number; received {scale!r}.")
    proto = to_onnx(model, quantize=quantize, calibration_data=calibration_data)
    interface = _interface(proto)
    size, channels = _image_geometry(interface.input_shape, image_size)
    box = round(min(size) * MNIST_DIGIT_BOX) if digit_box is None else digit_box
    if not (isinstance(box, int) and 1 <= box <= min(size)):
        raise ExportError(f"digit_box must be a whole number of pixels from 1 to {min(size)}; received {box!r}.")
    preprocessing = ImagePreprocessing(size, channels, float(scale), bool(invert), box)
    manifest = {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "model": MODEL_FILE,
        "input": {"name": interface.input_name, "shape": list(interface.input_shape), "dtype": "float32"},
        "output": {"name": interface.output_name, "classes": interface.classes,
                   "probabilities": interface.probabilities},
        "preprocessing": asdict(preprocessing),
        "class_names": _class_names(class_names, interface.classes),
    }
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    data = proto.SerializeToString()
    atomic_write(target / MODEL_FILE, lambda stream: stream.write(data))
    text = json.dumps(manifest, indent=2).encode()
    return atomic_write(target / MANIFEST_FILE, lambda stream: stream.write(text))


def _quotient(text: str) -> float:
    """A number written plainly or as a quotient, as training code writes scales: 0.5, 1/255."""
    numerator, _, denominator = text.partition("/")
    try:
        return float(numerator) / float(denominator or 1)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"expected a number such as 0.5 or 1/255; received {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m oneiros_onnx.web",
        description="Export a saved .oneiros image classifier for a web page running onnxruntime-web: "
                    "OUT_DIR/model.onnx and OUT_DIR/model.json (input, preprocessing, class names).")
    parser.add_argument("model", type=Path, help="a saved .oneiros model")
    parser.add_argument("out_dir", type=Path, help="folder to write model.onnx and model.json into")
    parser.add_argument("--scale", type=_quotient, default=1 / 255,
                        help="factor the training applied to 0-255 pixels (default 1/255)")
    parser.add_argument("--invert", action="store_true",
                        help="the training used 255 - pixel (dark strokes on a light background)")
    parser.add_argument("--image-size", type=int, nargs=2, metavar=("HEIGHT", "WIDTH"),
                        help="image size behind a flat input such as (784,)")
    parser.add_argument("--digit-box", type=int, help="square, in pixels, that drawn strokes are fitted into "
                                                      "(default 20/28 of the image, as MNIST)")
    parser.add_argument("--class-names", type=lambda text: text.split(","),
                        help="comma-separated class names (default 0,1,2,...)")
    parser.add_argument("--quantize", choices=MODES, help="int8 or float16 weights (default float32)")
    parser.add_argument("--calibration", type=Path, metavar="FILE.npy",
                        help="model inputs (a .npy array) to calibrate int8 activations on and to measure agreement")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.model.is_file():
        parser.error(f"model file {str(args.model)!r} does not exist")
    from oneiros.saving import load_model

    try:
        model = load_model(args.model, compile=False)
        written = export_web(model, args.out_dir, scale=args.scale, invert=args.invert, image_size=args.image_size,
                             digit_box=args.digit_box, class_names=args.class_names, quantize=args.quantize,
                             calibration_data=args.calibration)
    except (OneirosError, ValueError) as exc:
        parser.exit(1, f"error: {exc}\n")
    print(f"Exported {args.model} to {written.parent / MODEL_FILE} and {written}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``check_layer``: the one harness every layer test uses, for core, plugin and third-party layers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from oneiros import backend_scope, ops
from oneiros.backend import TRAINABLE, available_backends, get_backend


def _random_inputs(shape: tuple, dtype: str, rng: np.random.Generator) -> np.ndarray:
    if "int" in dtype:
        return rng.integers(0, 5, size=shape).astype(dtype)
    if dtype == "bool":
        return rng.random(shape) < 0.5
    return rng.normal(size=shape).astype(dtype)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _usable_backends(requested: Sequence[str] | None) -> list[str]:
    names = list(requested) if requested is not None else available_backends()
    usable = []
    for name in names:
        try:
            get_backend(name)
        except ImportError:
            continue
        usable.append(name)
    return usable


def _exported_formats(requested: Sequence[str] | None) -> list[str]:
    """The formats check_layer exports to: those with both an exporter and a reader registered."""
    from oneiros._plugins import host

    exporters, readers = host().registry("exporters"), host().registry("model_readers")
    if requested is None:
        return [name for name in exporters.names() if name in readers]
    unreadable = [name for name in requested if name not in exporters or name not in readers]
    if unreadable:
        raise ValueError(f"check_layer cannot export to {unreadable}: a format needs both an exporter and a model "
                         f"reader; exporters: {exporters.names()}, readers: {readers.names()}.")
    return list(requested)


def _check_exports(config: dict, weights: list, inputs: Any, outputs: list[np.ndarray], shapes: list[tuple],
                   input_dtype: str, formats: list[str], tolerance: float) -> dict[str, list[tuple]]:
    """Exports a one-layer model to each format, reads it back and compares its predictions."""
    import tempfile
    from pathlib import Path

    from oneiros._plugins import host
    from oneiros.layers.input_layer import Input
    from oneiros.models._graph_config import layer_from_config
    from oneiros.models.model import Model

    exported: dict[str, list[tuple]] = {}
    multi_input = len(shapes) > 1
    for name in formats:
        layer = layer_from_config(config)
        symbolic_inputs = [Input(shape[1:], dtype=input_dtype) for shape in shapes]
        model = Model(symbolic_inputs if multi_input else symbolic_inputs[0],
                      layer(symbolic_inputs if multi_input else symbolic_inputs[0]))
        layer.set_weights(weights)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"layer.{name}"
            host().registry("exporters").get(name)(model, path)
            predictions = _as_list(host().registry("model_readers").get(name)(path).predict(inputs))
        for original, again in zip(outputs, predictions):
            np.testing.assert_allclose(
                np.asarray(again, dtype=np.float64), original.astype(np.float64), rtol=max(tolerance, 1e-4),
                atol=max(tolerance, 1e-4), err_msg=f"{layer.name}: exported to {name!r} and read back, it differs")
        exported[name] = [np.shape(p) for p in predictions]
    return exported


def _numpy_outputs(layer: Any, inputs: Any) -> list[np.ndarray]:
    return [np.asarray(ops.to_numpy(output)) for output in _as_list(layer(inputs, training=False))]


def _finite_difference_check(layer: Any, inputs: Any, rng: np.random.Generator, epsilon: float,
                             tolerance: float, coordinates: int) -> None:
    """Gradients of sum(output * R) w.r.t. trainable weights vs central differences."""
    backend = get_backend()
    variables = layer.trainable_weights
    if not variables:
        return
    probe_outputs = _numpy_outputs(layer, inputs)
    projections = [rng.normal(size=o.shape).astype("float32") for o in probe_outputs]

    def objective(values: list[Any]) -> Any:
        from oneiros.variables import swapped_values

        with swapped_values(variables, values):
            outputs = _as_list(layer(inputs, training=False))
        total = None
        for output, projection in zip(outputs, projections):
            term = ops.sum(ops.multiply(ops.cast(output, "float32"), projection))
            total = term if total is None else ops.add(total, term)
        return total

    values = [variable.value for variable in variables]
    _, grads = backend.value_and_grad(objective)(values)
    for index, variable in enumerate(variables):
        analytic = np.asarray(ops.to_numpy(grads[index]), dtype=np.float64)
        base = np.asarray(variable.numpy(), dtype=np.float64)
        flat_indices = rng.choice(base.size, size=min(coordinates, base.size), replace=False)
        for flat in flat_indices:
            position = np.unravel_index(flat, base.shape)
            shifted = []
            for sign in (1, -1):
                perturbed = base.copy()
                perturbed[position] += sign * epsilon
                trial = list(values)
                trial[index] = ops.convert_to_tensor(perturbed.astype(variable.dtype))
                shifted.append(float(ops.to_numpy(objective(trial))))
            numeric = (shifted[0] - shifted[1]) / (2 * epsilon)
            scale = max(1.0, abs(numeric), abs(analytic[position]))
            if abs(numeric - analytic[position]) > tolerance * scale:
                raise AssertionError(
                    f"{layer.name}: gradient of weight {variable.name!r}{list(position)} is "
                    f"{analytic[position]:.6g} by autodiff but {numeric:.6g} by central differences."
                )


def _check_training_call(layer: Any, inputs: Any, inference_shapes: list[tuple], expected_num_losses: int | None,
                         expected_state_update: bool | None) -> None:
    weights = layer.get_weights()
    before = [np.asarray(v.numpy()).copy() for v in layer.non_trainable_weights]
    outputs = [np.asarray(ops.to_numpy(o)) for o in _as_list(layer(inputs, training=True))]
    after = [np.asarray(v.numpy()) for v in layer.non_trainable_weights]
    layer.set_weights(weights)  # the later checks compare against the outputs of these weights
    if [o.shape for o in outputs] != list(inference_shapes):
        raise AssertionError(f"{layer.name}: training=True gives output shapes {[o.shape for o in outputs]}, "
                             f"inference gives {inference_shapes}.")
    if expected_num_losses is not None and len(layer.losses) != expected_num_losses:
        raise AssertionError(f"{layer.name}: a call added {len(layer.losses)} losses (add_loss), "
                             f"expected {expected_num_losses}.")
    if expected_state_update is not None:
        changed = any(not np.array_equal(a, b) for a, b in zip(before, after))
        if changed != expected_state_update:
            raise AssertionError(f"{layer.name}: a training=True call {'changed' if changed else 'left'} the "
                                 f"non-trainable weights {[v.name for v in layer.non_trainable_weights]}"
                                 f"{'' if changed else ' unchanged'}; expected them to be "
                                 f"{'updated' if expected_state_update else 'kept'}.")


def _check_masking(layer: Any, inputs: np.ndarray) -> None:
    """A masked call works with a sequence mask over (batch, time) as recurrent and attention layers
    take it, or else one of the input's own shape (as Softmax takes it)."""
    refusals = []
    tensor = ops.convert_to_tensor(inputs)  # a pass-through layer returns what it gets: give it the backend's tensor
    for shape in (inputs.shape[:2], inputs.shape):
        mask = np.ones(shape, dtype=bool)
        mask[:, -1] = False
        try:
            outputs = _as_list(layer(tensor, training=False, mask=ops.convert_to_tensor(mask)))
        except ValueError as exc:
            refusals.append(f"mask of shape {shape}: {exc}")
            continue
        if not all(ops.is_tensor(o) for o in outputs):
            raise AssertionError(f"{layer.name}: a masked call returned {[type(o).__name__ for o in outputs]}.")
        computed = [m for m in _as_list(layer.compute_mask(inputs, ops.convert_to_tensor(mask))) if m is not None]
        shapes = [tuple(np.asarray(ops.to_numpy(m)).shape) for m in computed]
        if any(computed_shape != mask.shape for computed_shape in shapes):
            raise AssertionError(f"{layer.name}: compute_mask gives shape(s) {shapes}, the input mask has {mask.shape}.")
        return
    raise AssertionError(f"{layer.name}: supports_masking is True, but every masked call failed: " + "; ".join(refusals))


def check_layer(layer_cls: type, init_kwargs: dict[str, Any] | None = None,
                input_shape: Sequence[int] | Sequence[Sequence[int]] = (2, 3),
                input_dtype: str = "float32", input_data: Any = None,
                expected_output_shape: Any = None,
                expected_num_trainable_weights: int | None = None,
                expected_num_non_trainable_weights: int | None = None,
                expected_num_losses: int | None = None,
                expected_state_update: bool | None = None,
                backends: Sequence[str] | None = None, check_gradients: bool = True,
                exports: Sequence[str] | None = None,
                tolerance: float = 1e-5, seed: int = 0) -> dict[str, Any]:
    """Checks a layer class the way every Oneiros layer is checked, and returns what it measured.

    - the symbolic output shape (functional API, before data) agrees with the real output;
    - ``get_config`` survives JSON and ``from_config`` rebuilds an equal config;
    - weights round-trip through ``get_weights``/``set_weights`` into the rebuilt layer, which
      then computes the same outputs;
    - trainable / non-trainable weight counts, when given;
    - a ``training=True`` call gives outputs of the inference call's shapes, adds
      ``expected_num_losses`` losses (``add_loss``) when given, and, with
      ``expected_state_update``, changes (True) or keeps (False) the non-trainable weights
      (a moving mean updated in ``call``);
    - a layer with ``supports_masking`` accepts a mask over the first two axes of a rank >= 3
      input (or else of the input's shape), and ``compute_mask`` gives a mask of that shape or None;
    - gradients of the trainable weights agree with central finite differences (on trainable
      backends);
    - every installed backend (or those in ``backends``) computes the same outputs with the same
      weights, within ``tolerance``;
    - a model of the layer alone, exported to each format in ``exports`` (default: every format
      with both an exporter and a model reader registered, e.g. "onnx"; ``[]`` for none) and
      read back, predicts the same outputs.

    Raises AssertionError naming the layer and what differed.
    """
    from oneiros.layers.input_layer import Input
    from oneiros.models._graph_config import layer_config, layer_from_config

    init_kwargs = dict(init_kwargs or {})
    rng = np.random.default_rng(seed)
    multi_input = bool(input_shape) and isinstance(input_shape[0], (list, tuple))
    shapes = [tuple(s) for s in input_shape] if multi_input else [tuple(input_shape)]
    if input_data is None:
        arrays = [_random_inputs(shape, input_dtype, rng) for shape in shapes]
    else:
        arrays = [np.asarray(a) for a in _as_list(input_data)] if multi_input else [np.asarray(input_data)]
    inputs: Any = arrays if multi_input else arrays[0]
    report: dict[str, Any] = {"layer": layer_cls.__name__, "backends": {}}

    reference_backend = get_backend().name
    layer = layer_cls(**init_kwargs)
    symbolic_inputs = [Input(shape[1:], dtype=input_dtype) for shape in shapes]
    symbolic = layer(symbolic_inputs if multi_input else symbolic_inputs[0])
    symbolic_shapes = [tuple(t.shape) for t in _as_list(symbolic)]
    outputs = _numpy_outputs(layer, inputs)
    real_shapes = [o.shape for o in outputs]
    for symbolic_shape, real_shape in zip(symbolic_shapes, real_shapes):
        if len(symbolic_shape) != len(real_shape) or any(
                s is not None and s != r for s, r in zip(symbolic_shape, real_shape)):
            raise AssertionError(f"{layer.name}: symbolic output shape {symbolic_shape} does not match the "
                                 f"real output shape {real_shape}.")
    if expected_output_shape is not None:
        expected = [tuple(s) for s in expected_output_shape] if isinstance(
            expected_output_shape[0], (list, tuple)) else [tuple(expected_output_shape)]
        if expected != [tuple(s) for s in real_shapes]:
            raise AssertionError(f"{layer.name}: output shapes {real_shapes}, expected {expected}.")
    counts = (len(layer.trainable_weights), len(layer.non_trainable_weights))
    for label, expected_count, actual in (("trainable", expected_num_trainable_weights, counts[0]),
                                          ("non-trainable", expected_num_non_trainable_weights, counts[1])):
        if expected_count is not None and expected_count != actual:
            raise AssertionError(f"{layer.name}: {actual} {label} weights, expected {expected_count}.")

    _check_training_call(layer, inputs, real_shapes, expected_num_losses, expected_state_update)
    if getattr(layer, "supports_masking", False) and not multi_input and arrays[0].ndim >= 3:
        _check_masking(layer, inputs)

    config = json.loads(json.dumps(layer_config(layer)))
    rebuilt = layer_from_config(config)
    if layer_config(rebuilt) != config:
        raise AssertionError(f"{layer.name}: from_config(get_config()) gives a different config:\n"
                             f"{layer_config(rebuilt)}\n!=\n{config}")
    weights = layer.get_weights()
    rebuilt(inputs if not multi_input else list(inputs), training=False)
    rebuilt.set_weights(weights)
    for original, again in zip(outputs, _numpy_outputs(rebuilt, inputs)):
        np.testing.assert_allclose(again, original, rtol=tolerance, atol=tolerance,
                                   err_msg=f"{layer.name}: the rebuilt layer computes different outputs")
    report["backends"][reference_backend] = real_shapes

    if check_gradients and TRAINABLE in get_backend().capabilities:
        _finite_difference_check(layer, inputs, rng, epsilon=1e-2, tolerance=2e-2, coordinates=6)
        report["gradients"] = "checked"

    for name in _usable_backends(backends):
        if name == reference_backend:
            continue
        with backend_scope(name):
            other = layer_from_config(config)
            other(inputs, training=False)
            other.set_weights(weights)
            other_outputs = _numpy_outputs(other, inputs)
        for original, again in zip(outputs, other_outputs):
            np.testing.assert_allclose(
                again.astype(np.float64), original.astype(np.float64), rtol=max(tolerance, 1e-4),
                atol=max(tolerance, 1e-4),
                err_msg=f"{layer.name}: backend {name!r} differs from {reference_backend!r}")
        report["backends"][name] = [o.shape for o in other_outputs]
    report["exports"] = _check_exports(config, weights, inputs, outputs, shapes, input_dtype,
                                       _exported_formats(exports), tolerance)
    return report

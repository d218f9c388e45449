"""Adam's update as one PyTensor op (see ``Backend.fused_optimizer_update``): a single C loop
over each parameter instead of PyTensor's fused elementwise ops.

PyTensor fuses Adam's ops into one elementwise loop, but the per-step scalar (the bias-corrected
step size) enters it as a broadcast ``(1, 1)`` input, which puts the loop on PyTensor's strided
path: 3.6 ms per step for a 784x512 kernel on one core here, against 1.6 ms for the same loop
without the broadcast input. This op's loop runs over contiguous float32 arrays, which g++
vectorizes. In a compiled step whose state is donated, ``_adam_in_place`` makes it update the
parameter and both moments where they lie.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pytensor.tensor as pt
from oneiros import ops
from pytensor.compile import optdb
from pytensor.graph.basic import Apply
from pytensor.graph.rewriting.basic import dfs_rewriter, node_rewriter
from pytensor.link.c.op import COp

from oneiros_pytensor._graph import graph_op

FUSED_TAG = "oneiros_fused_updates"
"""The rewrite tag ``_linker.compile_mode`` includes (PyTensor's own modes do not)."""

Update = Callable[[list[Any], list[Any], list[dict[str, Any]], Any, Any], tuple[list[Any], list[dict[str, Any]]]]


class AdamUpdate(COp):
    """``(param, momentum, velocity, grad, step_size) -> (param, momentum, velocity)``, float32:
    ``m += (g - m) * (1 - beta_1)``; ``v += (g**2 - v) * (1 - beta_2)``;
    ``param -= m * step_size / (sqrt(v) + epsilon)`` (Keras's Adam with the bias corrections
    folded into ``step_size``). With ``inplace`` the outputs overwrite the first three inputs."""

    __props__ = ("beta_1", "beta_2", "epsilon", "inplace")

    def __init__(self, beta_1: float, beta_2: float, epsilon: float, inplace: bool = False) -> None:
        self.beta_1, self.beta_2, self.epsilon, self.inplace = float(beta_1), float(beta_2), float(epsilon), inplace
        if inplace:
            self.destroy_map = {0: [0], 1: [1], 2: [2]}
        super().__init__()

    def make_node(self, param: Any, momentum: Any, velocity: Any, grad: Any, step_size: Any) -> Apply:
        tensors = [pt.as_tensor_variable(value) for value in (param, momentum, velocity, grad)]
        step_size = pt.as_tensor_variable(step_size)
        if any(tensor.type != tensors[0].type for tensor in tensors) or tensors[0].dtype != "float32":
            raise TypeError(f"AdamUpdate needs param, momentum, velocity and grad of one float32 type; received "
                            f"{[tensor.type for tensor in tensors]}.")
        if step_size.type.ndim != 0 or step_size.dtype != "float32":
            raise TypeError(f"AdamUpdate needs a float32 scalar step size; received {step_size.type}.")
        return Apply(self, [*tensors, step_size], [tensor.type() for tensor in tensors[:3]])

    def infer_shape(self, fgraph: Any, node: Apply, shapes: list[Any]) -> list[Any]:
        return shapes[:3]

    def _factors(self) -> tuple[np.float32, np.float32, np.float32]:
        return np.float32(1 - self.beta_1), np.float32(1 - self.beta_2), np.float32(self.epsilon)

    def perform(self, node: Apply, inputs: list[np.ndarray], outputs: list[list[Any]]) -> None:
        param, momentum, velocity, grad, step_size = inputs
        keep_1, keep_2, epsilon = self._factors()
        new_momentum = momentum + (grad - momentum) * keep_1
        new_velocity = velocity + (np.square(grad) - velocity) * keep_2
        new_param = param - new_momentum * step_size / (np.sqrt(new_velocity) + epsilon)
        for storage, value in zip(outputs, (new_param, new_momentum, new_velocity)):
            storage[0] = value

    def c_headers(self, **kwargs: Any) -> list[str]:
        return ["<math.h>"]

    def c_code_cache_version(self) -> tuple[int, ...]:
        return (1,)

    def c_code(self, node: Apply, name: str, inputs: list[str], outputs: list[str], sub: dict[str, str]) -> str:
        param, momentum, velocity, grad, step_size = inputs
        new_param, new_momentum, new_velocity = outputs
        keep_1, keep_2, epsilon = (f"{float(value)!r}f" for value in self._factors())
        fail = sub["fail"]
        return f"""
        {{
            PyArrayObject* sources[3] = {{{param}, {momentum}, {velocity}}};
            PyArrayObject** targets[3] = {{&{new_param}, &{new_momentum}, &{new_velocity}}};
            for (int k = 0; k < 3; ++k) {{
                Py_XDECREF(*targets[k]);
                if ({int(self.inplace)} && PyArray_IS_C_CONTIGUOUS(sources[k]) && PyArray_ISWRITEABLE(sources[k])) {{
                    Py_INCREF(sources[k]);
                    *targets[k] = sources[k];
                }} else {{
                    *targets[k] = (PyArrayObject*)PyArray_NewCopy(sources[k], NPY_CORDER);
                    if (*targets[k] == NULL) {fail}
                }}
            }}
            PyArrayObject* gradient = PyArray_GETCONTIGUOUS({grad});
            if (gradient == NULL) {fail}
            const npy_intp size = PyArray_SIZE(gradient);
            float* __restrict__ p = (float*)PyArray_DATA({new_param});
            float* __restrict__ m = (float*)PyArray_DATA({new_momentum});
            float* __restrict__ v = (float*)PyArray_DATA({new_velocity});
            const float* __restrict__ g = (const float*)PyArray_DATA(gradient);
            const float step = *(const float*)PyArray_DATA({step_size});
            for (npy_intp i = 0; i < size; ++i) {{
                const float momentum = m[i] + (g[i] - m[i]) * {keep_1};
                const float velocity = v[i] + (g[i] * g[i] - v[i]) * {keep_2};
                m[i] = momentum;
                v[i] = velocity;
                p[i] = p[i] - momentum * step / (sqrtf(velocity) + {epsilon});
            }}
            Py_DECREF(gradient);
        }}
        """


@node_rewriter([AdamUpdate], inplace=True)
def _adam_in_place(fgraph: Any, node: Apply) -> list[Any] | None:
    op = node.op
    if op.inplace:
        return None
    return AdamUpdate(op.beta_1, op.beta_2, op.epsilon, inplace=True)(*node.inputs, return_list=True)


def register_rewrites() -> None:
    """Adds the in-place rewrite to PyTensor's rewrite database under :data:`FUSED_TAG` (once)."""
    if _adam_in_place.__name__ not in optdb.__db__:
        optdb.register(_adam_in_place.__name__, dfs_rewriter(_adam_in_place), FUSED_TAG, "inplace",
                       position=50.25)  # with PyTensor's in-place BLAS rewrites, before elementwise ones


def _one_minus_power(beta: float, step: Any) -> Any:
    """``1 - beta**step`` as ``oneiros.optimizers.Adam`` computes it (``-expm1(step * log(beta))``)."""
    return ops.negative(ops.expm1(ops.multiply(step, math.log(beta) if beta > 0 else -math.inf)))


@graph_op
def _adam(op: AdamUpdate, param: Any, momentum: Any, velocity: Any, grad: Any, step_size: Any) -> list[Any]:
    return op(param, momentum, velocity, grad, step_size, return_list=True)


def adam(beta_1: float, beta_2: float, epsilon: float) -> Update:
    """The "adam" rule on :class:`AdamUpdate`, with Adam's bias-corrected step size."""
    op = AdamUpdate(beta_1, beta_2, epsilon)

    def update(grads: list[Any], params: list[Any], slots: list[dict[str, Any]], learning_rate: Any,
               step: Any) -> tuple[list[Any], list[dict[str, Any]]]:
        rate, count = ops.cast(learning_rate, "float32"), ops.cast(step, "float32")
        step_size = ops.divide(ops.multiply(rate, ops.sqrt(_one_minus_power(beta_2, count))),
                               _one_minus_power(beta_1, count))
        new_params, new_slots = [], []
        for grad, param, param_slots in zip(grads, params, slots):
            new_param, momentum, velocity = _adam(op, param, param_slots["momentum"], param_slots["velocity"], grad,
                                                  step_size)
            new_params.append(new_param)
            new_slots.append({**param_slots, "momentum": momentum, "velocity": velocity})
        return new_params, new_slots

    return update


def fused_update(rule: str, hyperparameters: Mapping[str, Any], param_dtypes: Sequence[str]) -> Update | None:
    """The update for ``rule`` on float32 parameters; None for other rules and dtypes."""
    if rule != "adam" or any(dtype != "float32" for dtype in param_dtypes):
        return None
    return adam(hyperparameters["beta_1"], hyperparameters["beta_2"], hyperparameters["epsilon"])

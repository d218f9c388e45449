"""The TensorFlow backend: ops on tf.math / tf.nn, gradients with tf.GradientTape, compiling
with tf.function (graph mode; XLA where measured to pay)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import tensorflow as tf
from oneiros import dtypes
from oneiros._tree import tree_leaves, tree_map
from oneiros.backend import BFLOAT16, DISTRIBUTED, FUSED_STEPS, JIT, TRAINABLE, Backend

from oneiros_tensorflow import ops as tensorflow_ops
from oneiros_tensorflow._compiled import CompiledFunction, host_to_tensors
from oneiros_tensorflow._dtypes import INT32, name_of, tensor
from oneiros_tensorflow._fused_updates import fused_update
from oneiros_tensorflow.distribution._devices import split_cpu_from_environment
from oneiros_tensorflow.distribution._inputs import aligned, on_mesh


def _rebuild(tree: Any, leaves: list[Any]) -> Any:
    remaining = iter(leaves)
    return tree_map(lambda _: next(remaining), tree)


class TensorflowBackend(Backend):
    """Arrays are tf.Tensors on TensorFlow's default device; training steps are pure functions
    of tensors traced once per input signature by ``tf.function`` (no tf.Variable anywhere).

    ``jit_compile``: True or False compiles every function of this backend instance with or
    without XLA; None (the default) chooses per function when it is first called, from its
    traced graph (see ``_xla``: on a CPU, XLA unless it holds a convolution, pooling or recurrent loop).
    """

    name: ClassVar[str] = "tensorflow"
    capabilities: ClassVar[frozenset[str]] = frozenset({TRAINABLE, JIT, FUSED_STEPS, BFLOAT16, DISTRIBUTED})
    ops = tensorflow_ops
    conformance_exclusions: ClassVar[Path] = Path(__file__).with_name("conformance_exclusions.txt")

    def __init__(self, jit_compile: bool | None = None) -> None:
        if jit_compile not in (None, True, False):
            raise ValueError(f"jit_compile must be None (choose per function), True or False; received {jit_compile!r}.")
        self.jit_compile = jit_compile
        split_cpu_from_environment()

    @functools.cached_property
    def distribution(self) -> Any:
        """Meshes and layouts for ``oneiros.distribution`` (tf.experimental.dtensor, this process's devices)."""
        from oneiros_tensorflow.distribution import TensorflowDistributionSupport

        return TensorflowDistributionSupport()

    def devices(self) -> list[str]:
        return [device.name for device in tf.config.list_logical_devices()]

    def value_and_grad(self, fn: Callable, has_aux: bool = False) -> Callable:
        def run(params: Any, *args: Any, **kwargs: Any) -> Any:
            leaves = [tensor(leaf) for leaf in tree_leaves(params)]
            not_float = [leaf.dtype.name for leaf in leaves if not leaf.dtype.is_floating]
            if not_float:
                raise TypeError(f"value_and_grad differentiates float tensors only; params hold {not_float}.")
            with tf.GradientTape() as tape:
                # A fresh tensor per leaf: a tensor passed twice gets two separate gradients.
                variables = [tf.identity(leaf) for leaf in leaves]
                tape.watch(variables)
                output = fn(_rebuild(params, variables), *args, **kwargs)
                value, aux = output if has_aux else (output, None)
                value = tensor(value)
            if tuple(value.shape) != () or not dtypes.is_float(name_of(value)):
                raise TypeError(f"value_and_grad needs fn to return a float scalar; it returned "
                                f"{name_of(value)}{list(value.shape)}.")
            grads = tape.gradient(value, variables, unconnected_gradients=tf.UnconnectedGradients.ZERO)
            # Gathers (embeddings, ops.take) give IndexedSlices; parameters are dense tensors.
            dense = [tf.convert_to_tensor(grad) for grad in grads]
            return ((value, aux) if has_aux else value), _rebuild(params, dense)

        return run

    def jit(self, fn: Callable, donate_argnums: Sequence[int] = ()) -> Callable:
        # TensorFlow has no buffer donation; donate_argnums only allows what it would allow.
        # autograph=False: ops.cond/scan/fori_loop are the control flow; Python stays Python.
        return CompiledFunction(fn, self.jit_compile, lambda: self._on_gpu)

    def ahead_of_time(self, fn: Callable, *example_args: Any) -> Callable[[], Callable]:
        """Traces ``fn`` (a result of :meth:`jit`) here; the returned function runs it once on
        ``example_args``, where TensorFlow optimises the graph (and XLA compiles it). Without
        this, a fused candidate's first call in training pays both, and ``steps_per_execution="auto"``
        drops it as pathologically slow (over 3x a single step's time)."""
        if not isinstance(fn, CompiledFunction):
            return lambda: fn
        return fn.ahead_of_time(*example_args)

    def output_spec(self, fn: Callable, *args: Any) -> Any:
        with on_mesh():
            return fn(*aligned(args))

    def fuse_steps(self, step: Callable, steps: int) -> Callable:
        """One traced call running ``steps`` steps: the first one peeled (it fixes the structure
        of the logs), the rest in a tf.while_loop over the batches stacked on axis 0."""
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise ValueError(f"fuse_steps: expected steps to be an int >= 1; received {steps!r}.")

        def run(state: Any, stacked_batches: Any) -> Any:
            batch_leaves = tree_leaves(stacked_batches)
            state, logs = step(state, _rebuild(stacked_batches, [leaf[0] for leaf in batch_leaves]))
            if steps == 1:
                return state, logs
            state_leaves, log_leaves = tree_leaves(state), tree_leaves(logs)

            def body(index, state_values, log_values):
                batch = _rebuild(stacked_batches, [tf.gather(leaf, index) for leaf in batch_leaves])
                new_state, new_logs = step(_rebuild(state, list(state_values)), batch)
                return index + 1, tuple(tree_leaves(new_state)), tuple(tree_leaves(new_logs))

            _, state_values, log_values = tf.while_loop(
                lambda index, *_: index < steps, body,
                (tf.constant(1, INT32), tuple(state_leaves), tuple(tensor(leaf) for leaf in log_leaves)),
                maximum_iterations=steps - 1)
            return _rebuild(state, list(state_values)), _rebuild(logs, list(log_values))

        return self.jit(run)

    def fused_optimizer_update(self, rule: str, hyperparameters: Mapping[str, Any],
                               param_dtypes: Sequence[str]) -> Callable | None:
        if tf.executing_eagerly():
            return None  # an eager update runs op by op either way
        return fused_update(rule, hyperparameters, param_dtypes)

    def tree_map(self, fn: Callable, tree: Any, *rest: Any) -> Any:
        return tree_map(fn, tree, *rest)

    def to_device(self, tree: Any) -> Any:
        return host_to_tensors(tree)

    @functools.cached_property
    def _on_gpu(self) -> bool:
        return bool(tf.config.list_logical_devices("GPU"))

    @property
    def prefetch_depth(self) -> int:
        # On a GPU the host-to-device copies then overlap the running step; on the CPU the
        # tensors already live in host memory.
        return 2 if self._on_gpu else 0

    def block_until_ready(self, value: Any) -> Any:
        if self._on_gpu:
            tf.test.experimental.sync_devices()
        return value

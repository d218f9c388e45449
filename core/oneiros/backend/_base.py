"""The Backend interface: what a backend plugin's factory returns."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from oneiros.errors import CapabilityError

TRAINABLE = "trainable"
JIT = "jit"
FUSED_STEPS = "fused_steps"
DISTRIBUTED = "distributed"
BFLOAT16 = "bfloat16"
JAX_STEPS = "jax_steps"

KNOWN_CAPABILITIES = frozenset({TRAINABLE, JIT, FUSED_STEPS, DISTRIBUTED, BFLOAT16, JAX_STEPS})


class Backend:
    """One compute engine behind ``oneiros.ops``.

    Subclasses set :attr:`name`, :attr:`capabilities` and :attr:`ops` (a namespace holding one
    function per op of ``oneiros.ops.CONTRACT``, same names and signatures) and override the
    methods their capabilities promise. Three engine shapes fit: compiling functional engines
    (jit and value_and_grad over pure functions), graph tracers (``compile_inference`` traces
    ``fn`` once per input signature) and eager engines with their own autograd.

    Arrays handed between ops are the backend's own tensors; models keep weights as backend
    tensors and call functions with explicit weight values, so no backend needs mutable
    variables.
    """

    name: ClassVar[str] = "?"
    capabilities: ClassVar[frozenset[str]] = frozenset()
    ops: Any = None
    conformance_exclusions: ClassVar[Path | None] = None
    """A file of ``op_or_case_id: reason`` lines the conformance kit skips and prints."""

    def require(self, capability: str) -> None:
        """Raises :class:`CapabilityError` unless this backend declares ``capability``."""
        if capability not in self.capabilities:
            raise CapabilityError(self.name, capability, self.capabilities)

    def devices(self) -> list[str]:
        """Names of the devices arrays can live on, default first."""
        return ["cpu"]

    def device_kind(self) -> str:
        """What kind of device runs the programs, for remembering what was measured on it
        (e.g. ``"gpu:NVIDIA H100 80GB HBM3 x1"``); by default the first device's name."""
        return self.devices()[0]

    def value_and_grad(self, fn: Callable, has_aux: bool = False) -> Callable:
        """``fn(params, *args)`` -> ``((value, aux) or value, grads of params)``, params a pytree."""
        self.require(TRAINABLE)
        raise NotImplementedError

    def jit(self, fn: Callable, donate_argnums: Sequence[int] = ()) -> Callable:
        """A compiled ``fn`` (pure, pytrees in and out); backends without jit run it as is.

        The caller gives up the arguments at ``donate_argnums``: the compiled function may update
        their buffers in place (as JAX's donation does), but only buffers the backend owns; any
        other donated array (one a user passed in) is copied first. Arrays handed out through
        ``ops.to_numpy`` (``get_weights``, ``Variable.numpy()``) are never changed by a later call.
        """
        return fn

    def fuse_steps(self, step: Callable, steps: int) -> Callable:
        """``step(state, batch) -> (state, logs)`` repeated over batches stacked on axis 0.

        The default is a Python loop of ``step``; compiling backends may fuse it into one call.
        Returns ``(state, logs of the last step)``.
        """
        def run(state: Any, stacked_batches: Any) -> Any:
            logs = None
            for index in range(steps):
                batch = self.tree_map(lambda leaf, i=index: leaf[i], stacked_batches)
                state, logs = step(state, batch)
            return state, logs

        return run

    def ahead_of_time(self, fn: Callable, *example_args: Any) -> Callable[[], Callable]:
        """Prepares ``fn`` (a result of :meth:`jit`) for arguments shaped like ``example_args``, in
        this thread, and returns a function that compiles it and returns the compiled callable;
        that function may run in another thread while this one keeps training. The default
        compiles nothing ahead: ``fn`` compiles on its first call, as usual."""
        return lambda: fn

    def output_spec(self, fn: Callable, *args: Any) -> Any:
        """What ``fn(*args)`` returns, or stand-ins with its leaves' ``shape`` and ``dtype`` where
        the backend can infer them without computing (``fn`` pure, creating no variables). The
        default computes."""
        return fn(*args)

    def compile_inference(self, fn: Callable) -> Callable:
        """A function for repeated inference calls of ``fn(params, inputs)``."""
        return self.jit(fn)

    def tree_map(self, fn: Callable, tree: Any, *rest: Any) -> Any:
        """Maps ``fn`` over the leaves of nested lists, tuples and dicts."""
        from oneiros._tree import tree_map

        return tree_map(fn, tree, *rest)

    def to_device(self, tree: Any) -> Any:
        """``tree`` (of numpy arrays) copied to the default device, ahead of its use."""
        return tree

    @property
    def prefetch_depth(self) -> int:
        """How many batches fit should copy to the device ahead of the running step (0: none,
        for backends whose arrays live in host memory anyway)."""
        return 0

    @property
    def auto_steps_per_execution(self) -> int | None:
        """Training steps per call that ``steps_per_execution="auto"`` takes on this backend
        without measuring; None (the default): measured where the backend declares
        ``fused_steps``, else one. For a backend whose ``fuse_steps`` loops its one compiled step
        on the host: grouping compiles nothing new, gives the numbers of single steps and can
        only remove the Python between steps, so there is nothing to measure."""
        return None

    def block_until_ready(self, value: Any) -> Any:
        """Waits for asynchronous computation producing ``value``; returns it."""
        return value

    def describe(self) -> dict[str, Any]:
        return {
            "backend": self.name,
            "devices": self.devices(),
            "capabilities": sorted(self.capabilities),
        }

    def quantized_model(self, model: Any, mode: str, calibration_data: Any = None) -> Any:
        """``model`` served with ``mode`` ("int8" or "float16") arithmetic, its ``predict`` and
        ``evaluate`` as a model's: what ``load_model(path, backend=..., quantize=mode,
        calibration_data=...)`` returns. The default serves none; ``model.quantize("int8")``
        quantizes weights in-framework on every backend."""
        raise CapabilityError(self.name, f"quantized serving (quantize={mode!r}; the onnx backend serves int8 and "
                                         "float16)", self.capabilities)

    def fused_optimizer_update(self, rule: str, hyperparameters: Mapping[str, Any],
                               param_dtypes: Sequence[str]) -> Callable | None:
        """A fused kernel for the optimizer update ``rule``, or None to run the rule's ops.

        ``rule`` names an update formula an optimizer declares through
        ``Optimizer.fused_rule`` ("adam", "sgd": see those optimizers for the exact formulas),
        with its ``hyperparameters`` (Python numbers); ``param_dtypes`` are the dtypes of the
        parameters about to be updated. The callable takes ``(grads, params, slots,
        learning_rate, step)``: aligned lists of gradients (cast to their parameter's dtype),
        parameters and slot dicts, the float32 scalar learning rate and the int32 scalar
        1-based step; it returns ``(new_params, new_slots)`` equal to the rule's ops within
        float32 rounding, and changes no input (a slot inside an argument the caller donated
        to :meth:`jit` may be overwritten in place). The default declines every rule; a backend
        returns None for any rule, hyperparameters or dtypes its kernels do not express exactly.
        """
        return None

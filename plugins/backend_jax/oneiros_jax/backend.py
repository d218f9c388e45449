"""The JAX backend: ops on jax.numpy, gradients with jax.value_and_grad, compiling with jax.jit."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import jax
from jax import lax
from oneiros.backend import BFLOAT16, DISTRIBUTED, FUSED_STEPS, JAX_STEPS, JIT, TRAINABLE, Backend

from oneiros_jax import ops as jax_ops
from oneiros_jax._cache import configure_compilation_cache


class JaxBackend(Backend):
    """Arrays are jax.Arrays on JAX's default device; training steps are pure jitted functions."""

    name: ClassVar[str] = "jax"
    capabilities: ClassVar[frozenset[str]] = frozenset({TRAINABLE, JIT, FUSED_STEPS, BFLOAT16, DISTRIBUTED, JAX_STEPS})
    ops = jax_ops

    def __init__(self) -> None:
        configure_compilation_cache()

    @functools.cached_property
    def distribution(self) -> Any:
        """Meshes, shardings and processes for ``oneiros.distribution`` (jax.sharding, jax.distributed)."""
        from oneiros_jax.distribution import JaxDistributionSupport

        return JaxDistributionSupport()

    def devices(self) -> list[str]:
        # jax.devices() lists the default backend's devices with the default one first.
        return [str(device) for device in jax.devices()]

    def device_kind(self) -> str:
        device = jax.devices()[0]
        return f"{device.platform}:{device.device_kind} x{jax.device_count()}"

    def value_and_grad(self, fn: Callable, has_aux: bool = False) -> Callable:
        return jax.value_and_grad(fn, argnums=0, has_aux=has_aux)

    def jit(self, fn: Callable, donate_argnums: Sequence[int] = ()) -> Callable:
        return jax.jit(fn, donate_argnums=tuple(donate_argnums))

    def fuse_steps(self, step: Callable, steps: int) -> Callable:
        """One jitted call running ``steps`` steps in a lax.scan; batches stacked on axis 0.

        The input state is not donated: like the default loop, the caller's state stays valid.
        """
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise ValueError(f"fuse_steps: expected steps to be an int >= 1; received {steps!r}.")

        def run(state: Any, stacked_batches: Any) -> Any:
            state, stacked_logs = lax.scan(step, state, stacked_batches, length=steps)
            return state, jax.tree_util.tree_map(lambda logs: logs[-1], stacked_logs)

        return jax.jit(run)

    def ahead_of_time(self, fn: Callable, *example_args: Any) -> Callable[[], Callable]:
        """Lowers the jitted ``fn`` here for arguments shaped like ``example_args``; the returned
        function runs XLA's compile, which releases the GIL, so another thread can run it."""
        def abstract(leaf: Any) -> Any:
            if not hasattr(leaf, "shape"):
                return leaf  # a Python scalar: jit abstracts it the same way when it is called
            return jax.ShapeDtypeStruct(leaf.shape, leaf.dtype, weak_type=getattr(leaf, "weak_type", False))

        lowered = fn.lower(*jax.tree_util.tree_map(abstract, example_args))
        return lowered.compile

    def output_spec(self, fn: Callable, *args: Any) -> Any:
        return jax.eval_shape(fn, *args)

    def tree_map(self, fn: Callable, tree: Any, *rest: Any) -> Any:
        return jax.tree_util.tree_map(fn, tree, *rest)

    def block_until_ready(self, value: Any) -> Any:
        return jax.block_until_ready(value)

    def to_device(self, tree: Any) -> Any:
        return jax.device_put(tree)

    @property
    def prefetch_depth(self) -> int:
        # On a GPU the host-to-device copies then overlap the running step. On XLA:CPU (2 cores,
        # quiet) it was worth +1-7% for the MNIST convnet, -3 to -15% for the MLP 784-512-512-10,
        # and ~130 us a step for a tiny Dense model: kept for the accelerators.
        return 2

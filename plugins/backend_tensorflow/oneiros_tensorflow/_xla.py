"""Whether a traced function should run under XLA (``tf.function(jit_compile=True)``).

Measured with benchmarks/train_tensorflow.py on the 2-core CPU (process CPU time per sample,
plain graph vs XLA, one oneiros ``fit`` each, and the hand-written ``tf.function`` steps alike):

- the MLP 784-512-512-10: 52 vs 34 µs (hand-written step 48 vs 32; quiet machine, samples/s:
  hand-written 30k vs 38k): XLA fuses the optimizer's elementwise updates into single loops;
- the MNIST convnet: samples/s 1,860-3,440 vs 290-370 (XLA:CPU's convolution and pooling
  gradients, as for JAX on XLA:CPU);
- the Embedding + LSTM: 774 vs 694 µs, but the graph's loop runs on both cores (the executor
  overlaps successive iterations' independent work, ``parallel_iterations``) where XLA runs the
  iterations one after another: on a quiet machine the hand-written graph loop ran 2,356
  samples/s against 1,892 under XLA.

So on a CPU a function runs under XLA unless it holds a convolution or pooling, or a loop of
``ops.scan`` or ``ops.fori_loop``; on a GPU every function runs under XLA.
"""

from __future__ import annotations

from typing import Any

LOOP_NAME = "oneiros_loop"
"""The name the backend gives the tf.while_loop of ``ops.scan`` and ``ops.fori_loop``."""

_LOOP_OPS = frozenset({"While", "StatelessWhile"})
_SLOW_ON_XLA_CPU = ("Conv", "Pool")


def _nodes(concrete_function: Any) -> list[Any]:
    """The nodes of a concrete function's graph, including its loop and branch bodies."""
    graph = concrete_function.graph.as_graph_def()
    nodes = list(graph.node)
    for function in graph.library.function:
        nodes.extend(function.node_def)
    return nodes


def _runs_better_as_graph_on_cpu(node: Any) -> bool:
    return any(fragment in node.op for fragment in _SLOW_ON_XLA_CPU) or (
        node.op in _LOOP_OPS and LOOP_NAME in node.name)


def prefers_xla(concrete_function: Any, on_gpu: bool) -> bool:
    return on_gpu or not any(_runs_better_as_graph_on_cpu(node) for node in _nodes(concrete_function))

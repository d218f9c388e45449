"""Whether a traced function should run under XLA (``tf.function(jit_compile=True)``).

Measured with benchmarks/train_tensorflow.py on the 2-core CPU (samples/s, plain graph vs XLA,
one oneiros ``fit`` each): the Embedding + LSTM 73-129 vs 345-423 (the recurrence is a loop of
small ops, whose per-iteration cost XLA removes); the MNIST convnet 1,860-3,440 vs 290-370
(XLA:CPU's convolution and pooling gradients, as for JAX on XLA:CPU); the MLP 784-512-512-10
no clear difference (wall-clock rates swung 3x either way with the machine's load; process CPU
time per 8,192-sample epoch 0.41 s graph vs 0.39 s XLA, while XLA compiles 3-4x longer). So on
a CPU a function runs under XLA when it holds a loop of ``ops.scan`` or ``ops.fori_loop`` and
no convolution or pooling; on a GPU every function runs under XLA.
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


def prefers_xla(concrete_function: Any, on_gpu: bool) -> bool:
    if on_gpu:
        return True
    nodes = _nodes(concrete_function)
    if any(fragment in node.op for node in nodes for fragment in _SLOW_ON_XLA_CPU):
        return False
    return any(node.op in _LOOP_OPS and LOOP_NAME in node.name for node in nodes)

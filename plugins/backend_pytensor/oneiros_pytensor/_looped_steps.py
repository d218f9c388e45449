"""``fuse_steps`` on PyTensor: the one training step compiled once and looped on the host.

Traced as one graph, N fused steps are N copies of the step: the MLP 784-512-512-10's 8-step
graph took 5 s to rewrite and compile, its 32-step graph 50 s, and the C code gains nothing
from seeing several steps at once (each step's products and updates need the last step's
weights). Here a call of N steps runs the single step's compiled function N times over the
stacked batches, handing each step's new state arrays straight to the next step's inputs: no
new graph (a step's numbers are exactly those of one step per call), and no Python between
steps beyond the call itself, where one step per call flattens and rebuilds the training state
and goes through ``fit``'s loop (about 0.04 ms of a 2 ms MLP step).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from oneiros_pytensor._compiled import Compiled, _host, _traced, _Traced, flatten, unflatten


@dataclass(frozen=True)
class FusedSteps:
    """What the backend's ``fuse_steps(step, steps)`` returns: called directly (eagerly, or
    inside another trace) it is ``loop``, the base backend's Python loop; ``jit`` runs it as
    :class:`LoopedSteps`."""

    step: Callable
    steps: int
    loop: Callable

    def __call__(self, state: Any, stacked_batches: Any) -> Any:
        return self.loop(state, stacked_batches)


class LoopedSteps:
    """A jitted :class:`FusedSteps`: ``step`` compiled by one :class:`Compiled`, called once per
    stacked batch. Until that compiles (its first calls run on ``perform``) and wherever the
    state cannot be handed on as it is (see :meth:`_handed_on`), each step is an ordinary call."""

    def __init__(self, fused: FusedSteps, donate_argnums: Sequence[int] = ()) -> None:
        self.fused = fused
        self.step = Compiled(fused.step, donate_argnums)
        self._handoffs: dict[int, int] = {}

    def __call__(self, state: Any, stacked_batches: Any) -> Any:
        stacked, structure = flatten(stacked_batches)
        if any(_traced(leaf) for leaf in stacked):
            return self.fused(state, stacked_batches)  # inside another trace: inline
        stacked = [_host(leaf) for leaf in stacked]
        index, logs = 0, None
        while index < self.fused.steps:
            prepared = self.step.prepare((state, unflatten(structure, [leaf[index] for leaf in stacked])), {})
            if prepared is None:
                return self.fused(state, stacked_batches)  # the state is traced: inline
            graph, arrays = prepared
            results = self.step.run(graph, arrays)
            index += 1
            count = self._handed_on(graph, state) if graph.function is not None else 0
            while count and index < self.fused.steps and _same_types(results[:count], arrays[:count]):
                arrays = [*results[:count], *(leaf[index] for leaf in stacked)]
                results = self.step.run(graph, arrays)
                index += 1
            state, logs = self.step.outputs(graph, results)
        return state, logs

    def _handed_on(self, graph: _Traced, state: Any) -> int:
        """How many of the step's first outputs are its next state's arrays, in the order of its
        first inputs; 0 where the state is not handed on as it is: it holds other leaves than
        arrays, comes back with another structure, or passes a leaf through as a constant."""
        count = self._handoffs.get(id(graph))
        if count is None:
            state_leaves, state_structure = flatten(state)
            count = len(state_leaves)
            output_kind, output_children = graph.output_structure
            hands_on = (all(isinstance(leaf, np.ndarray) for leaf in state_leaves)
                        and output_kind is tuple and len(output_children) == 2
                        and output_children[0] == state_structure
                        and graph.traced[:count] == list(range(count)))
            count = self._handoffs[id(graph)] = count if hands_on else 0
        return count


def _same_types(new: Sequence[Any], old: Sequence[np.ndarray]) -> bool:
    """Whether the arrays ``new`` match ``old`` in dtype and shape, so that they fit the
    signature the compiled step was made for (it trusts its inputs)."""
    return all(isinstance(a, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape for a, b in zip(new, old))

"""Random ops, drawn on the host with the numpy reference's generators.

Inference graphs draw no random numbers (dropout and noise layers vanish with training=False),
and ONNX's random ops take their seed as a fixed attribute, so they could not follow the keys
Oneiros passes. Random values are therefore computed when the op runs (weight initialisation,
eager code) and enter graphs as constants; a random op on a traced tensor or key cannot lower.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from oneiros.backends.numpy_reference import ops as host
from oneiros_onnx._trace import is_symbolic
from oneiros_onnx.errors import LoweringError

NAMES = ("bernoulli", "categorical", "dropout", "make_seed", "normal", "randint", "shuffle", "split_seed",
         "truncated_normal", "uniform")

__all__ = list(NAMES)


def _host_only(name: str) -> Callable:
    reference = getattr(host, name)

    @functools.wraps(reference)
    def op(*args: Any, **kwargs: Any) -> Any:
        if is_symbolic(args) or is_symbolic(kwargs):
            raise LoweringError(name, "random numbers are drawn on the host, so their seed, shape and inputs must be "
                                "known when the graph is built (inference graphs draw none: call the model with "
                                "training=False)")
        return reference(*args, **kwargs)

    op.__module__ = __name__
    return op


bernoulli = _host_only("bernoulli")
categorical = _host_only("categorical")
dropout = _host_only("dropout")
make_seed = _host_only("make_seed")
normal = _host_only("normal")
randint = _host_only("randint")
shuffle = _host_only("shuffle")
split_seed = _host_only("split_seed")
truncated_normal = _host_only("truncated_normal")
uniform = _host_only("uniform")

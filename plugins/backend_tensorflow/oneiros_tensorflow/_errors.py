"""TensorFlow's run-time argument errors as the ``ValueError`` Oneiros ops raise."""

from __future__ import annotations

import functools
from collections.abc import Callable

import tensorflow as tf


def as_value_errors(fn: Callable) -> Callable:
    """``fn``, raising ``ValueError`` where TensorFlow raises ``InvalidArgumentError``."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except tf.errors.InvalidArgumentError as exc:
            raise ValueError(exc.message) from exc

    return run

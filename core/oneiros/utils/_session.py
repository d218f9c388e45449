"""clear_session: forget the generated layer names, as Keras's ``clear_session`` does."""

from __future__ import annotations

import gc


def clear_session(free_memory: bool = True) -> None:
    """Restarts automatic layer names (the next unnamed ``Dense`` is ``dense`` again) and, with
    ``free_memory``, runs Python's garbage collector, as ``keras.utils.clear_session``.

    Example::

        for trial in range(10):
            oi.utils.clear_session()
            model = build_model()          # the same layer names on every trial
    """
    from oneiros.layers import layer

    with layer._name_lock:
        layer._name_counts.clear()
    if free_memory:
        gc.collect()

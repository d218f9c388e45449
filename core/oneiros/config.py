"""``oi.config``: Keras 3's ``keras.config`` — the process-wide settings, with Keras's names,
signatures, defaults and return values, each mapped to what Oneiros has.

- ``backend()`` / ``set_backend(name)``: Oneiros's active backend (``oneiros.set_backend``).
- ``floatx`` / ``epsilon`` / ``image_data_format``: the values Oneiros computes with; their setters
  accept those values and refuse others (Oneiros fixes them; the setters are
  :mod:`oneiros.backend`'s, as Keras's are ``keras.backend``'s too).
- ``dtype_policy`` / ``set_dtype_policy``: the global policy of :mod:`oneiros.mixed_precision`.
- ``enable_unsafe_deserialization``: turns loading's safe mode off for the whole process (a
  Lambda's stored code is still never run).
- ``enable/disable/is_interactive_logging_enabled``: progress bars and messages on stdout, or
  lines to the ``"oneiros"`` logger.
- ``max_epochs`` / ``max_steps_per_epoch`` and setters: caps on ``fit``, as Keras's.
- Flags Oneiros keeps for Keras's getters and setters without acting on them: traceback
  filtering, flash attention, NNX (each function's docstring says why).

Beyond :mod:`oneiros.backend` (which ``import oneiros`` loads anyway), every function imports what
it needs when called, so ``import oneiros.config`` loads nothing else.

Example::

    import oneiros as keras

    keras.config.disable_interactive_logging()
    keras.config.set_dtype_policy("mixed_bfloat16")
    keras.config.set_max_epochs(1)                 # a quick debugging run: fit stops after 1 epoch
"""

from __future__ import annotations

from typing import Any

from oneiros.backend import available_backends
from oneiros.backend import get_backend as _get_backend
from oneiros.backend import set_backend as _set_backend
from oneiros.backend._keras_settings import epsilon, floatx, image_data_format
from oneiros.backend._keras_settings import set_epsilon, set_floatx, set_image_data_format

__all__ = [
    "backend", "disable_flash_attention", "disable_interactive_logging", "disable_traceback_filtering",
    "dtype_policy", "enable_flash_attention", "enable_interactive_logging", "enable_traceback_filtering",
    "enable_unsafe_deserialization", "epsilon", "floatx", "image_data_format", "is_flash_attention_enabled",
    "is_interactive_logging_enabled", "is_nnx_enabled", "is_traceback_filtering_enabled", "max_epochs",
    "max_steps_per_epoch", "set_backend", "set_dtype_policy", "set_epsilon", "set_floatx",
    "set_image_data_format", "set_max_epochs", "set_max_steps_per_epoch",
]

_flags: dict[str, Any] = {"traceback_filtering": True, "flash_attention": None}
"""Keras's flags Oneiros records without acting on them, at Keras's defaults."""


def backend() -> str:
    """The name of the active Oneiros backend (``"jax"``, ``"numpy"``...), as Keras's names its own."""
    return _get_backend().name


def set_backend(backend: str) -> None:
    """Makes ``backend`` (a registered Oneiros backend's name) the process-wide backend.

    Where Oneiros differs: Keras sets ``KERAS_BACKEND`` and re-imports every ``keras`` module, so
    objects made before are stale; Oneiros switches in place (``oneiros.set_backend``): nothing
    is re-imported and nothing made before is rebuilt. A ``backend_scope`` block still runs on its
    own backend. Names are Oneiros's backends (``oneiros.backend.available_backends()``), not
    Keras's list.
    """
    names = available_backends()
    if backend not in names:
        raise ValueError(f"Available backends are {names}. Received: backend={backend!r}")
    _set_backend(backend)


def dtype_policy() -> Any:
    """The global ``DTypePolicy`` of layers created without a ``dtype`` (Keras's default: ``"float32"``)."""
    from oneiros import mixed_precision

    return mixed_precision.dtype_policy()


def set_dtype_policy(policy: Any) -> None:
    """Sets the global policy: a name (``"mixed_float16"``, ``"mixed_bfloat16"``, ``"float32"``...)
    or a ``DTypePolicy``; layers created afterwards without a ``dtype`` use it."""
    from oneiros import mixed_precision

    if isinstance(policy, mixed_precision.DTypePolicy):
        policy = policy.name
    elif not isinstance(policy, str):
        raise ValueError("Invalid `policy` argument. Expected the string name of a policy (such as "
                         f"'mixed_float16') or a `DTypePolicy` instance. Received: policy={policy!r} "
                         f"(of type {type(policy).__name__})")
    mixed_precision.set_dtype_policy(policy)


def enable_unsafe_deserialization() -> None:
    """Turns loading's safe mode off for the whole process and every thread, overriding each
    ``safe_mode=True``, as Keras's does; nothing turns it back on (Keras has no such function).

    Where Oneiros differs: Keras then runs the Python code a file stores (a Lambda's bytecode);
    Oneiros never runs code stored in a file, so a file with a Lambda still refuses to load, with
    an error that says so. Rebuild such layers in code, or save models whose layers are
    registered classes.
    """
    from oneiros.saving import _safe_mode

    _safe_mode.enable_unsafe_deserialization()


def enable_interactive_logging() -> None:
    """Progress bars and messages on stdout (the default)."""
    from oneiros.utils import _logging

    _logging.enable_interactive_logging()


def disable_interactive_logging() -> None:
    """No live progress bar; ``fit``/``evaluate``/``predict``'s per-epoch lines and the messages
    of ``oneiros.utils`` go to the ``"oneiros"`` logger at INFO instead of stdout (where Keras
    writes them to absl's logger), so they show only where logging is configured to show INFO."""
    from oneiros.utils import _logging

    _logging.disable_interactive_logging()


def is_interactive_logging_enabled() -> bool:
    """Whether progress and messages are written to stdout (True unless disabled)."""
    from oneiros.utils import _logging

    return _logging.is_interactive_logging_enabled()


def max_epochs() -> int | None:
    """The cap on ``fit``'s epochs (None: no cap; ``KERAS_MAX_EPOCHS`` sets it at start, as in Keras)."""
    from oneiros.models import _limits

    return _limits.cap("max_epochs")


def set_max_epochs(max_epochs: int | None) -> None:
    """Caps every later ``fit`` at ``max_epochs`` epochs (it warns "Limiting epochs to N" when it
    cuts), for quick debugging runs; None or 0 removes the cap."""
    from oneiros.models import _limits

    _limits.set_cap("max_epochs", max_epochs)


def max_steps_per_epoch() -> int | None:
    """The cap on steps per epoch (None: no cap; ``KERAS_MAX_STEPS_PER_EPOCH`` sets it at start)."""
    from oneiros.models import _limits

    return _limits.cap("max_steps_per_epoch")


def set_max_steps_per_epoch(max_steps_per_epoch: int | None) -> None:
    """Caps the steps of every later ``fit`` epoch, ``evaluate`` and ``predict`` (``predict`` then
    returns the first rows only), warning "Limiting steps_per_epoch to N" when it cuts, as
    Keras's; None or 0 removes the cap.

    Where Oneiros differs: ``fit``'s validation passes are not cut (Keras's are).
    """
    from oneiros.models import _limits

    _limits.set_cap("max_steps_per_epoch", max_steps_per_epoch)


def enable_traceback_filtering() -> None:
    """Records the flag (Keras's default, on). Oneiros has no traceback filtering: its errors
    always show every frame, so the flag changes nothing."""
    _flags["traceback_filtering"] = True


def disable_traceback_filtering() -> None:
    """Records the flag off. Oneiros's tracebacks are never filtered, so it changes nothing."""
    _flags["traceback_filtering"] = False


def is_traceback_filtering_enabled() -> bool:
    """The recorded flag (True unless disabled), as Keras's getter; Oneiros does not filter either way."""
    return bool(_flags["traceback_filtering"])


def enable_flash_attention() -> None:
    """Sets the flag back to Keras's default, None ("use flash attention when available"). No
    Oneiros backend has a flash kernel, so attention computes the same either way."""
    _flags["flash_attention"] = None


def disable_flash_attention() -> None:
    """Sets the flag to False. No Oneiros backend has a flash kernel: nothing changes."""
    _flags["flash_attention"] = False


def is_flash_attention_enabled() -> bool | None:
    """The flag as Keras returns it: None (the default, and after ``enable_flash_attention``) or
    False after ``disable_flash_attention``."""
    return _flags["flash_attention"]


def is_nnx_enabled() -> bool:
    """False: Oneiros does not build layers on Flax NNX (Keras's JAX-only option)."""
    return False

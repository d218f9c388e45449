"""Interactive logging: progress and messages on stdout (the default), or to Python's ``logging``.

Keras sends them to ``absl.logging`` when interactive logging is off; Oneiros uses the standard
library's logger ``"oneiros"`` at level INFO, so servers route them with ordinary handlers.
"""

from __future__ import annotations

import logging
import sys

LOGGER = logging.getLogger("oneiros")

_interactive = True


def enable_interactive_logging() -> None:
    """Progress bars and messages go to stdout (the default), as Keras's."""
    global _interactive
    _interactive = True


def disable_interactive_logging() -> None:
    """Progress bars and messages go to the ``"oneiros"`` logger at INFO instead of stdout."""
    global _interactive
    _interactive = False


def is_interactive_logging_enabled() -> bool:
    """Whether progress and messages are written to stdout."""
    return _interactive


def print_msg(message: str, line_break: bool = True) -> None:
    """``message`` on stdout when interactive logging is on, else logged (one record per message,
    without the terminal's carriage returns)."""
    message = str(message)
    if _interactive:
        sys.stdout.write(f"{message}\n" if line_break else message)
        sys.stdout.flush()
        return
    text = message.strip("\r\n\b")
    if text:
        LOGGER.info(text)

"""Progress messages of long commands: a callback that may be absent."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str], None] | None
"""What long commands (``build``, ``add``, ``push``) take to report progress: a callable, or None."""


def say(progress: Progress, message: str) -> None:
    """Pass ``message`` to ``progress``, if there is one."""
    if progress is not None:
        progress(message)

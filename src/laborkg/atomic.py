"""Atomic file writes: a temporary file beside the target, flushed, fsynced, renamed over it.

A write that fails or is killed part-way leaves the previous file byte-identical (at worst a stray
``.tmp`` file beside it, which the next successful write does not need).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_writer(target: Path | str, mode: str = "wb") -> Iterator[IO]:
    """Open a temporary file beside ``target``; on success it replaces ``target`` atomically."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(target: Path | str, data: bytes | str) -> None:
    """Write ``data`` to ``target`` atomically."""
    with atomic_writer(target, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)

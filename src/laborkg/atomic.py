"""Atomic writes: a file written beside its target and renamed over it, a directory swapped into place."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_writer(target: Path | str, mode: str = "wb") -> Iterator[IO]:
    """Open a temporary file beside ``target``; on success it is flushed, fsynced and renamed over
    ``target``. A write that fails or is killed part-way leaves the previous file byte-identical (at worst
    a stray ``.tmp`` file beside it)."""
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


def replace_directory(new: Path | str, target: Path | str) -> None:
    """Move the complete directory ``new`` to ``target`` (on the same file system). An existing ``target``
    is renamed aside first (a fresh name beside it) and removed only once ``new`` is in place; if that
    rename fails, ``target`` is put back."""
    new, target = Path(new), Path(target)
    if not target.exists():
        os.replace(new, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    old.rmdir()
    os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)

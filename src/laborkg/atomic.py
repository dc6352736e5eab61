"""Atomic writes: a file written beside its target and renamed over it, a directory swapped into place."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import glob
import os
import secrets
import shutil
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def alive(pid: int) -> bool:
    """Is process ``pid`` running (or not ours to signal)? A zombie is not."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (killed, not yet reaped) is gone too
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rfind(")") + 2 :][:1] != "Z"


def _clean_stale_files(target: Path) -> None:
    """Remove the temporary files ``.NAME.tmp-PID-…`` that killed writes of ``target`` left beside it."""
    try:
        entries = list(target.parent.glob(f".{glob.escape(target.name)}.tmp-*"))
    except OSError:
        return
    for entry in entries:
        pid = entry.name[len(target.name) + 6 :].partition("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not alive(int(pid)):
            with contextlib.suppress(OSError):
                entry.unlink()


def _mode_for(target: Path) -> int | None:
    """The permission bits of the file ``target`` replaces, or None for a new file (the umask's)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return None


@contextlib.contextmanager
def atomic_writer(target: Path | str, mode: str = "wb") -> Iterator[IO]:
    """Open a temporary file beside ``target``; on success it is flushed, fsynced and renamed over
    ``target``. A write that fails or is killed part-way leaves the previous file byte-identical (a
    killed one leaves ``.NAME.tmp-PID-…``, removed by the next write of ``target``). The file gets the
    permissions of the file it replaces, else those the umask gives (as ``open`` would)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _clean_stale_files(target)
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        previous = _mode_for(target)
        if previous is not None:
            os.fchmod(fd, previous)
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(target: Path | str, data: bytes | str) -> None:
    """Write ``data`` to ``target`` atomically."""
    with atomic_writer(target, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


@functools.cache
def _renameat2():
    """libc's ``renameat2`` (glibc ≥ 2.28, Linux), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_NOT_SUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP}


def exchange(a: Path | str, b: Path | str) -> bool:
    """Swap the paths ``a`` and ``b`` (both existing, on one file system) in one step, so that neither is
    ever missing: ``renameat2(RENAME_EXCHANGE)``. False where the system or the file system does not
    offer it (nothing was changed); an :class:`OSError` for any other failure."""
    fn = _renameat2()
    if fn is None:
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in _NOT_SUPPORTED:
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def _sync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (best effort: not every system can fsync a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def aside_name(target: Path, kind: str) -> Path:
    """A fresh name beside ``target`` for work on it by this process: ``.NAME.KIND-PID-RANDOM`` (the PID
    tells a later run whether its owner is still alive: :func:`laborkg.store.layout.clean_stale`)."""
    return target.parent / f".{target.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}"


def replace_directory(new: Path | str, target: Path | str) -> None:
    """Move the complete directory ``new`` to ``target`` (on the same file system), so that ``target``
    exists at every instant: where it exists already the two are exchanged in one step
    (:func:`exchange`) and the old copy, now at ``new``, is removed. Where the system cannot exchange,
    ``target`` is renamed aside to ``.NAME.old-PID-…`` first and removed once ``new`` is in place; a
    kill between the two renames leaves that copy, which :func:`laborkg.store.layout.recover` puts back
    (docs/architecture.md, crash safety)."""
    new, target = Path(new), Path(target)
    if not target.exists():
        os.replace(new, target)
        _sync_directory(target.parent)
        return
    if exchange(new, target):
        _sync_directory(target.parent)
        shutil.rmtree(new, ignore_errors=True)
        return
    old = aside_name(target, "old")
    os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(old, target)
        raise
    _sync_directory(target.parent)
    shutil.rmtree(old, ignore_errors=True)

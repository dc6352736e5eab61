"""A store directory: its manifest and database, the checks before replacing one, and its writers' lock."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from laborkg import paths
from laborkg.atomic import alive
from laborkg.errors import InputError

STORE_FORMAT = "laborkg-store"
STORE_VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "oxigraph"  # the pyoxigraph (RocksDB) directory inside a store directory
NAMES_GRAPH = "urn:laborkg:names"  # lower-cased names (labels, acronyms...): resolving a name is a look-up
NAME = "urn:laborkg:name"


# What laborkg writes beside a store ``NAME`` while it works on it: ``.NAME.KIND-PID…`` (the old copy set
# aside by a swap, a store being built, an addition or ingestion being prepared)
_ASIDE = re.compile(r"^\.(?P<name>.+)\.(?P<kind>old|building|adding|findings)-(?P<pid>\d+)?(?:-.*)?$")
_ASIDE_LEGACY_OLD = re.compile(r"^\.(?P<name>.+)\.old-[a-z0-9_]{8}$")  # before PIDs: tempfile.mkdtemp


def _aside(directory: Path) -> list[tuple[Path, str, int | None]]:
    """The folders beside ``directory`` that laborkg set aside for it: (path, kind, owner's PID)."""
    out: list[tuple[Path, str, int | None]] = []
    try:
        entries = list(directory.parent.iterdir())
    except OSError:
        return out
    for entry in entries:
        m = _ASIDE.match(entry.name)
        if m and m["name"] == directory.name:
            out.append((entry, m["kind"], int(m["pid"]) if m["pid"] else None))
        elif (legacy := _ASIDE_LEGACY_OLD.match(entry.name)) and legacy["name"] == directory.name:
            out.append((entry, "old", None))
    return out


def recover(directory: Path | str) -> bool:
    """Put back a store that a swap killed half-way left aside: ``directory`` missing, and beside it the
    old copy ``.NAME.old-PID-…`` of a process that is gone (only where the system cannot exchange two
    paths in one step: :func:`laborkg.atomic.replace_directory`). The newest such copy holding a
    manifest is renamed back; True if one was."""
    directory = Path(os.path.realpath(directory))  # the store a symbolic link points at
    if os.path.lexists(directory):
        return False
    olds = [p for p, kind, pid in _aside(directory) if kind == "old" and (pid is None or not alive(pid))]
    for old in sorted(olds, key=_mtime, reverse=True):
        if not (old / MANIFEST).is_file():
            continue
        try:
            os.replace(old, directory)
        except OSError:  # another reader put one back first, or this one went
            return directory.is_dir()
        return True
    return False


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def clean_stale(directory: Path | str) -> list[Path]:
    """Remove what killed runs left beside the store ``directory`` (a store being built, an addition or
    ingestion being prepared, an old copy a swap set aside) whose process is gone; a missing store is
    recovered first (:func:`recover`). Folders of a live process are kept. Returns what was removed."""
    directory = Path(os.path.realpath(directory))
    recover(directory)
    if not directory.exists():
        return []
    removed = []
    for path, _kind, pid in _aside(directory):
        if pid is not None and (pid == os.getpid() or alive(pid)):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def read_manifest(directory: Path | str) -> dict:
    """The manifest of the store in ``directory``, or :class:`InputError` if it is not a laborkg store.
    A store a killed swap left aside is put back first (:func:`recover`)."""
    directory = Path(directory)
    manifest = directory / MANIFEST
    if not directory.is_dir():
        recover(directory)
    if not directory.is_dir():
        raise InputError(f"{directory}: no such store (build it with: laborkg build --store {directory})")
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(f"{directory}: not a laborkg store (no readable {MANIFEST})") from None
    if not isinstance(data, dict) or data.get("format") != STORE_FORMAT:
        raise InputError(f"{directory}: not a laborkg store ({MANIFEST} is not a laborkg manifest)")
    if data.get("version") != STORE_VERSION:
        raise InputError(
            f"{directory}: store version {data.get('version')!r}, this laborkg reads version "
            f"{STORE_VERSION}: rebuild it with laborkg build --store {directory}"
        )
    return data


def file_entry(path: Path) -> dict:
    data = path.read_bytes()
    try:
        name = str(path.resolve().relative_to(paths.ROOT))
    except ValueError:
        name = str(path.resolve())
    return {"file": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def check_target(directory: Path) -> None:
    """Refuse to replace anything but an empty directory or a laborkg store."""
    if not directory.exists():
        return
    if not directory.is_dir():
        raise InputError(f"{directory}: exists and is not a directory")
    if not any(directory.iterdir()):
        return
    try:
        read_manifest(directory)
    except InputError:
        raise InputError(
            f"{directory}: exists and is not a laborkg store; refusing to replace it "
            "(give a new or an empty directory)"
        ) from None


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """One writer at a time per store (``laborkg add``): an exclusive ``flock`` on the directory itself,
    waited for (nothing is written for it, so a refused addition still leaves every file as it was).
    Writers replace the directory by another (a swap): a lock taken on the one swapped out is taken
    again on the one now in place."""
    said = False
    while True:
        fd = os.open(directory, os.O_RDONLY)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not said:
                    waiting = f"{directory}: another laborkg add is writing to this store; waiting for it"
                    sys.stderr.write(f"laborkg: {waiting}\n")
                    said = True
                fcntl.flock(fd, fcntl.LOCK_EX)
            if _same_file(fd, directory):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the writer before swapped another store into place: lock that one
    try:
        yield
    finally:
        os.close(fd)  # releases the lock


def _same_file(fd: int, directory: Path) -> bool:
    try:
        here = os.stat(directory)
    except FileNotFoundError:
        recover(directory)
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (here.st_dev, here.st_ino)


def index_names(store, subjects=None) -> None:
    """Write the lower-cased names of ``subjects`` (every IRI when None) into :data:`NAMES_GRAPH` of the
    writable pyoxigraph ``store``: ``?s <urn:laborkg:name> LCASE(STR(?name))`` for each name property, so
    that resolving a name is an index look-up. Oxigraph computes LCASE both here and when resolving, so
    both agree. Idempotent; the default graph (what queries read and exports write) is untouched."""
    from laborkg.query.catalogue import NAME_PROPERTIES

    values = ""
    if subjects is not None:
        iris = sorted({str(s) for s in subjects if str(s).startswith(("http://", "https://", "urn:"))})
        if not iris:
            return
        values = "VALUES ?s { " + " ".join(f"<{i}>" for i in iris) + " } "
    props = " ".join(f"<{p}>" for p in NAME_PROPERTIES)
    store.update(
        f"INSERT {{ GRAPH <{NAMES_GRAPH}> {{ ?s <{NAME}> ?lc }} }} WHERE {{ {values}VALUES ?p {{ {props} }} "
        "?s ?p ?o FILTER(isIRI(?s) && isLiteral(?o)) BIND(LCASE(STR(?o)) AS ?lc) }"
    )

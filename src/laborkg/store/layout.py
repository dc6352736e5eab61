"""A store directory: its manifest and database, the checks before replacing one, and its writers' lock."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from laborkg import paths
from laborkg.errors import InputError

STORE_FORMAT = "laborkg-store"
STORE_VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "oxigraph"  # the pyoxigraph (RocksDB) directory inside a store directory
NAMES_GRAPH = "urn:laborkg:names"  # lower-cased names (labels, acronyms...): resolving a name is a look-up
NAME = "urn:laborkg:name"


def read_manifest(directory: Path | str) -> dict:
    """The manifest of the store in ``directory``, or :class:`InputError` if it is not a laborkg store."""
    directory = Path(directory)
    manifest = directory / MANIFEST
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
    waited for (nothing is written for it, so a refused addition still leaves every file as it was)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting = f"{directory}: another laborkg add is writing to this store; waiting for it"
            sys.stderr.write(f"laborkg: {waiting}\n")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


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

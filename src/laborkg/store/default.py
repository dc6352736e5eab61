"""The default store: ontology + data reasoned, validated and bulk-loaded once into the cache directory,
keyed by the inputs; every later command just opens it."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from laborkg.backends.oxigraph import OxigraphStore
from laborkg.errors import InputError
from laborkg.inputs import cache_dir, input_files, inputs_key, reasoner_name
from laborkg.progress import say

KEEP = 4  # default stores kept in the cache (the most recently used ones)


def store_dir(files: list[Path], reasoner: str | None = None) -> Path:
    """Where the default store of ``files`` lives in the cache."""
    return cache_dir() / "stores" / inputs_key(files, "query", reasoner_name(reasoner))[:32]


def open_default(
    data: Iterable[Path | str] | None = None,
    use_cache: bool = True,
    reasoner: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> OxigraphStore:
    """The store of ontology + ``data`` (the shipped data by default), built the first time the inputs
    are seen (progress through ``progress``); ``use_cache=False`` builds a private one that is removed
    when the store is closed. Raises what :func:`laborkg.store.build.build` raises (malformed input,
    data that does not conform) with nothing left behind."""
    files = input_files(data)
    if not use_cache:
        return _private(data, reasoner, progress)
    directory = store_dir(files, reasoner)
    with contextlib.suppress(InputError):
        store = OxigraphStore(directory)
        directory.touch()  # most recently used: kept by _prune
        return store
    from laborkg.store.build import build

    say(progress, f"building the store for these inputs in {directory} (once, until they change)")
    build(directory, data, use_cache=True, reasoner=reasoner, progress=progress)
    _prune(directory.parent, keep=directory)
    return OxigraphStore(directory)


class _PrivateStore(OxigraphStore):
    """A store built for one command (``--no-cache``), removed when closed."""

    def close(self) -> None:
        super().close()
        if self.directory is not None:
            shutil.rmtree(self.directory.parent, ignore_errors=True)


def _private(data, reasoner, progress) -> OxigraphStore:
    from laborkg.store.build import build

    parent = Path(tempfile.mkdtemp(prefix="laborkg-store-"))
    try:
        build(parent / "store", data, use_cache=False, reasoner=reasoner, progress=progress)
        return _PrivateStore(parent / "store")
    except BaseException:
        shutil.rmtree(parent, ignore_errors=True)
        raise


def _prune(stores: Path, keep: Path) -> None:
    """Remove all but the :data:`KEEP` most recently used default stores (never ``keep``)."""
    try:
        found = sorted(
            (p for p in stores.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
    except OSError:
        return
    for old in [p for p in found if p != keep][KEEP - 1 :]:
        shutil.rmtree(old, ignore_errors=True)

"""Installed versions of laborkg and the libraries it records (``--version``, manifests, cache keys)."""

from __future__ import annotations

import functools
import os
import re
import sys


@functools.cache
def installed_version(dist: str = "laborkg") -> str:
    """The installed version of the distribution ``dist``, or ``"unknown"`` when it is not installed (e.g.
    laborkg run from a source tree without being installed)."""
    found = _from_dist_info(dist)
    if found is not None:
        return found
    from importlib import metadata  # slow to import: only when the directory names do not tell

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


def _from_dist_info(dist: str) -> str | None:
    """The version in the name of ``dist``'s ``NAME-VERSION.dist-info`` directory on ``sys.path`` (what
    importlib.metadata reads first, without its ~30 ms of imports); None when there is not exactly one."""
    name = re.sub(r"[-_.]+", "_", dist).lower()
    hits = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for n in names:
            if n.endswith(".dist-info"):
                stem = n[: -len(".dist-info")]
                base, _, version = stem.partition("-")
                if re.sub(r"[-_.]+", "_", base).lower() == name and version:
                    hits.add(version)
        if hits:
            break  # the first sys.path entry that has it wins, as for imports
    return hits.pop() if len(hits) == 1 else None

"""Installed versions of laborkg and the libraries it records (``--version``, manifests, cache keys)."""

from __future__ import annotations


def installed_version(dist: str = "laborkg") -> str:
    """The installed version of the distribution ``dist``, or ``"unknown"`` when it is not installed (e.g.
    laborkg run from a source tree without being installed)."""
    from importlib import metadata  # slow to import: only when a version is asked for

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"

"""Download USDOL's Findings XML from its public repository into the cache, each file checked against its
known SHA-256 before it is kept (docs/findings.md)."""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

from laborkg.atomic import write_atomic
from laborkg.errors import InputError
from laborkg.ingest.usdol_xml import KNOWN_SHA256, YEARS, file_name
from laborkg.inputs import cache_dir

#: Where each reporting year's file is published: (commit, file name) in USDepartmentofLabor/
#: Child-Labor-Android, folder app/src/main/assets (../shared/findings/README.md). The repository's file
#: names do not always match the reporting year.
PUBLISHED: dict[int, tuple[str, str]] = {
    2014: ("ced95d2", "countries_for_app.xml"),
    2015: ("a623efca5159129133dbb006d5dd9823bcddcebb", "countries_2015.xml"),
    2016: ("c09ea76", "countries_2016.xml"),
    2017: ("f5c375a", "countries_2017.xml"),
    2018: ("c92eacb", "countries_2018.xml"),
    2019: ("b0c9a3e", "countries_2019.xml"),
    2020: ("243183a", "countries_2020.xml"),
    2021: ("cb7b65f", "countries_2021.xml"),
    2022: ("c3624a4", "countries_2021.xml"),
}
BASE_URL = "https://raw.githubusercontent.com/USDepartmentofLabor/Child-Labor-Android"
MAX_BYTES = 64 * 1024 * 1024  # the largest file is ~7 MB


def url(year: int, base: str | None = None) -> str:
    """The public address of a reporting year's file (``$LABORKG_FINDINGS_URL`` replaces the base)."""
    commit, name = PUBLISHED[year]
    base = (base or os.environ.get("LABORKG_FINDINGS_URL") or BASE_URL).rstrip("/")
    return f"{base}/{commit}/app/src/main/assets/{name}"


def findings_dir() -> Path:
    """Where downloaded files are kept: ``<cache>/findings``."""
    return cache_dir() / "findings"


def fetch(
    years: Iterable[int] = YEARS,
    directory: Path | None = None,
    progress: Callable[[str], None] | None = None,
    timeout: float = 60.0,
) -> Path:
    """Make sure the files of ``years`` are in ``directory`` (default :func:`findings_dir`), downloading the
    missing ones; a file is written (atomically) only when its SHA-256 is the known one, else InputError.
    Returns the directory."""
    directory = directory or findings_dir()
    for year in years:
        if year not in KNOWN_SHA256:
            raise InputError(f"reporting year {year} is not one of {YEARS[0]}-{YEARS[-1]}")
        target = directory / file_name(year)
        if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == KNOWN_SHA256[year]:
            continue
        save_checked(url(year), KNOWN_SHA256[year], target, progress, timeout, f"the known SHA-256 of {year}")
    return directory


def save_checked(
    address: str,
    sha256: str,
    target: Path,
    progress: Callable[[str], None] | None = None,
    timeout: float = 60.0,
    which: str = "the expected SHA-256",
) -> None:
    """Download ``address`` into ``target`` (atomically) if its bytes have ``sha256`` (``which`` names
    it in the error); else InputError, and nothing is kept."""
    if progress:
        progress(f"downloading {address}")
    try:
        with urllib.request.urlopen(address, timeout=timeout) as response:  # noqa: S310 (https or a test's)
            data = response.read(MAX_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(f"cannot download {address}: {reason}") from None
    if len(data) > MAX_BYTES:
        raise InputError(f"{address}: larger than {MAX_BYTES} bytes; refused")
    got = hashlib.sha256(data).hexdigest()
    if got != sha256:
        raise InputError(f"{address}: SHA-256 {got} is not {which}, {sha256}; refused (nothing kept)")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, data)

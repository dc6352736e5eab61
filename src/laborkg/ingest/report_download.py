"""Download a Findings country report (PDF) from USDOL's public repository into the cache, its SHA-256
checked before it is kept (docs/reports.md)."""

from __future__ import annotations

import hashlib
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from laborkg.errors import InputError
from laborkg.ingest.download import save_checked
from laborkg.inputs import cache_dir

#: The commit of USDepartmentofLabor/Child-Labor (folder ``Child Labor/``) holding each reporting year's
#: reports, as ../shared/reports/pdf/README.md names them (2018's given only abbreviated there).
COMMITS: dict[int, str] = {
    2018: "8391279",
    2019: "ecb1a58d7ebb8d4f89bd9b09c84b81f283a98c1d",
    2020: "5eabdf4ec429a06a6b416fb0c844acc7543767f6",
    2021: "bb35965ac689c69a8bf9602f1d2fc0e750f7e590",
}
#: SHA-256 of the reports laborkg has read (the eleven of ../shared/reports/pdf); any other needs --sha256.
KNOWN_SHA256: dict[tuple[str, int], str] = {
    ("Brazil", 2018): "5637c7eb801791ea3d993ba997a9da16704dbf399f0785765fdfac5ad600ae60",
    ("Brazil", 2019): "7d5ba5c9737d90fe1fce2ab4c8cf9336cecd8d7ff790280a48a4879d02f8b78a",
    ("Brazil", 2020): "02fa139136b63d93c9800059d5f1a296b1b0d78ea0372fc00ebf8b15ae1c3887",
    ("Brazil", 2021): "49b43c10f80f90230e177b80e4f76d250fe41303166cf2fd733f80db488195c9",
    ("Mexico", 2019): "afd0917015f6f554025b8bdb0c4b94166a707a18ee1d4872ad367ce0270d2c23",
    ("Mexico", 2020): "9aa847da682e2f283d42b4a022f02481037fd108ea5380122da097c13feabff6",
    ("Mexico", 2021): "3c943662c72c131085ea865073797273c3764b937350af0884b471627bcb6e12",
    ("Philippines", 2018): "40e89e99e8107ee459f202ccac0dbb05592ea3b939d61149f15a20b740f9d6de",
    ("Philippines", 2019): "daec81606326f6b1044139733acf4fda106817f6f58ff158177398b4a71f6ece",
    ("Philippines", 2020): "2b36617b40545f96eb0f8017345261075be0ecfa1609d09d5a6dd25da0dd93dc",
    ("Philippines", 2021): "8c33901171b7a9c782e55dcdefadaa7a39cfcd3649d54f0e4529c2d51327a31a",
}
BASE_URL = "https://raw.githubusercontent.com/USDepartmentofLabor/Child-Labor"
_SHA256 = re.compile(r"[0-9a-f]{64}")


def url(country: str, year: int, base: str | None = None) -> str:
    """The public address of ``country``'s report for ``year`` (``$LABORKG_REPORTS_URL`` replaces the
    base): the repository names each file after the country."""
    if year not in COMMITS:
        raise InputError(f"no published reports of reporting year {year} are known (known: {_years()})")
    base = (base or os.environ.get("LABORKG_REPORTS_URL") or BASE_URL).rstrip("/")
    return f"{base}/{COMMITS[year]}/Child%20Labor/{urllib.parse.quote(country)}.pdf"


def _years() -> str:
    return ", ".join(map(str, COMMITS))


def expected_sha256(country: str, year: int, given: str | None = None) -> str:
    """The SHA-256 the download must have: ``given`` (checked against the known one, if any), else the
    known one; InputError when there is neither."""
    known = KNOWN_SHA256.get((country, year))
    if given is not None:
        given = given.strip().lower()
        if not _SHA256.fullmatch(given):
            raise InputError(f"--sha256 {given!r}: not 64 hexadecimal digits")
        if known and given != known:
            raise InputError(f"--sha256 {given} is not the known {known} of {country} {year}")
        return given
    if known is None:
        raise InputError(
            f"no known SHA-256 for the {country} {year} report: give --sha256 with the hash of the file "
            "you expect (nothing is kept unchecked)"
        )
    return known


def reports_cache() -> Path:
    """Where downloaded reports are kept: ``<cache>/reports``."""
    return cache_dir() / "reports"


def fetch_report(
    country: str,
    year: int,
    sha256: str | None = None,
    directory: Path | None = None,
    progress: Callable[[str], None] | None = None,
    timeout: float = 60.0,
) -> Path:
    """The path of ``country``'s ``year`` report in ``directory`` (default :func:`reports_cache`),
    downloaded when it is not there with the expected SHA-256; written (atomically) only when the bytes
    have that hash, else InputError and nothing kept."""
    address = url(country, year)
    want = expected_sha256(country, year, sha256)
    target = (directory or reports_cache()) / f"{country.replace('/', '_')}_{year}.pdf"
    if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == want:
        return target
    save_checked(address, want, target, progress, timeout)
    return target

"""The USDOL findings XML the tests read (never committed: ../shared/findings beside the checkout), and the
countries of the findings store the tests share."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from laborkg import paths

FINDINGS = Path(os.environ.get("LABORKG_FINDINGS_DIR") or Path(paths.ROOT).parent / "shared" / "findings")

#: The countries of the shared findings store (every reporting year): Mexico and the "northern Central
#: America" of seed 004, the other countries whose reports are in ../shared/reports, and a territory.
COUNTRIES = (
    "Mexico",
    "Guatemala",
    "Honduras",
    "El Salvador",
    "Brazil",
    "Philippines",
    "West Bank and the Gaza Strip",
)


def require_findings() -> None:
    """Skip (fail under CI) when the findings directory is absent."""
    if FINDINGS.is_dir():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{FINDINGS} is missing and CI is set: the findings data must be provided", pytrace=False)
    pytest.skip(f"{FINDINGS} is absent (USDOL findings XML, never committed)", allow_module_level=True)

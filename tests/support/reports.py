"""The USDOL Findings country reports (PDF) the tests read (never committed: ../shared/reports/pdf beside the
checkout, or $LABORKG_REPORTS_DIR), and a store holding the findings series with a report added."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from laborkg import paths

REPORTS = Path(
    os.environ.get("LABORKG_REPORTS_DIR") or Path(paths.ROOT).parent / "shared" / "reports" / "pdf"
)
PDFS = sorted(REPORTS.glob("*.pdf")) if REPORTS.is_dir() else []


def require_reports() -> None:
    """Skip (fail under CI) when the report PDFs are absent."""
    if PDFS:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{REPORTS} is missing and CI is set: the report PDFs must be provided", pytrace=False)
    pytest.skip(f"{REPORTS} is absent (USDOL report PDFs, never committed)")


def store_with_report(source: Path, target: Path, pdf: Path) -> Path:
    """A copy of the store ``source`` in ``target`` with the report ``pdf`` added (``laborkg ingest
    report``'s path); ``source`` is not changed."""
    from laborkg.store.report import add_report

    shutil.copytree(source, target)
    add_report(target, pdf)
    return target

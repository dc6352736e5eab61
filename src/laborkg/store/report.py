"""Add a Findings country report (PDF) to a store: its facts written once as N-Triples beside the store
(the store's inputs must stay on disk) and added with the store's incremental add."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from laborkg.ingest.report_facts import map_report
from laborkg.ingest.report_pdf import read_report, sha256_of
from laborkg.progress import say
from laborkg.store.layout import read_manifest


def reports_dir(directory: Path) -> Path:
    """Where the reports' N-Triples added to the store in ``directory`` are kept (beside it)."""
    return directory.parent / f"{directory.name}.reports"


def add_report(
    directory: Path | str,
    pdf: Path | str,
    country: str | None = None,
    year: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Read ``pdf``, map it and add its facts to the store; a report the store holds already (the same
        file's SHA-256) adds nothing, and is not read again. Returns ``triples_added``, ``summary`` (None
    when the report was in the store already), ``manifest``, ``already``."""
    from laborkg.ingest.findings import write_ntriples
    from laborkg.store.incremental import add

    directory = Path(directory)
    manifest = read_manifest(directory)  # not a store: InputError before the PDF is read
    if Path(pdf).is_file():  # the same bytes added before: nothing to read
        name = f"usdol-report-{sha256_of(Path(pdf))[:16]}.nt"
        if any(Path(e["file"]).name == name for e in manifest["inputs"]["files"]):
            return {"triples_added": 0, "summary": None, "manifest": manifest, "already": True}
    report = read_report(pdf)
    say(progress, f"report {report.path.name}: {report.country}, {report.year}, {len(report.pages)} pages")
    graph, summary = map_report(report, country, year)
    target = reports_dir(directory) / f"usdol-report-{report.sha256[:16]}.nt"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_ntriples(graph, target)
    try:
        result = add(directory, [target], progress=progress, rebuild=False)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return {**result, "summary": summary, "already": False}


def write_report(pdf: Path | str, output: Path | str, country: str | None = None, year: int | None = None):
    """The report's facts as N-Triples in ``output`` (not reasoned): (triples, summary)."""
    from laborkg.ingest.findings import write_ntriples

    report = read_report(pdf)
    graph, summary = map_report(report, country, year)
    return write_ntriples(graph, output), summary

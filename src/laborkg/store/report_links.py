"""The lkg:conflictsWith links between a Findings country report's facts and the structured findings of
its country-year, whichever of the two joins a store first (docs/reports.md)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, RDFS

from laborkg.namespace import LKG

PREFIX = "usdol-report-"  # the file names of the reports' N-Triples beside a store


def report_files(manifest: dict) -> list[Path]:
    """The reports' N-Triples among a store's inputs."""
    files = (Path(e["file"]) for e in manifest["inputs"]["files"])
    return [f for f in files if f.name.startswith(PREFIX) and f.suffix == ".nt"]


def reports_by_year(manifest: dict, years) -> dict[int, list[Graph]]:
    """The facts of each report a store holds for one of ``years``, as added (read from its N-Triples)."""
    out: dict[int, list[Graph]] = {}
    for path in report_files(manifest):
        g = Graph().parse(path, format="nt")
        doc = next(g.subjects(RDF.type, LKG.FindingsReport), None)
        year = g.value(doc, LKG.reportingYear) if doc is not None else None
        if year is not None and int(str(year)) in years:
            out.setdefault(int(str(year)), []).append(g)
    return out


def links(report: Graph, findings: Graph, country: str, year: int, text: str) -> list[tuple]:
    """``(report fact, lkg:conflictsWith, findings fact)`` for every difference
    :func:`laborkg.ingest.crosscheck.compare` finds between ``report``'s facts and ``findings``' record of
    ``country`` and ``year``; ``text``: the report's text (for its summary paragraph)."""
    from laborkg.ingest.crosscheck import compare

    doc = next(report.subjects(RDF.type, LKG.FindingsReport))
    name = str(report.value(doc, LKG.fileName))
    result = compare(report, findings, country, year, text, narrative=name)
    return [(a, LKG.conflictsWith, b) for a, b in result.conflict_pairs()]


def links_to_reports(reports: list[Graph], findings: Graph, year: int) -> Graph:
    """For a year of structured findings added to a store that already holds reports of that year: the
    links of each report whose country the findings give, with the report's own facts (the links'
    subjects are validated with them; the store holds them already)."""
    out = Graph()
    for report in reports:
        doc = next(report.subjects(RDF.type, LKG.FindingsReport))
        country = report.value(doc, LKG.about)
        name = findings.value(country, RDFS.label) if country is not None else None
        if name is None or (country, RDF.type, LKG.Country) not in findings:
            continue
        text = "\n".join(sorted(str(q) for q in report.objects(None, LKG.quote)))
        found = links(report, findings, str(name), year, text)
        if found:
            out += report
            for t in found:
                out.add(t)
    return out

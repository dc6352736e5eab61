"""How a report's facts agree with USDOL's structured data for the same country-year: the comparison of
:mod:`laborkg.ingest.crosscheck` run on each report PDF of a directory, as figures and differences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from laborkg.errors import InputError
from laborkg.ingest import crosscheck, findings
from laborkg.ingest.report_facts import T1_ROWS, T6_ROWS, T7_ROWS, map_report
from laborkg.ingest.report_pdf import read_report
from laborkg.namespace import LKG, LKR

#: The indicators of the report's Tables 1, 3, 6 and 7.
TABLE_INDICATORS = (
    {LKR[findings.MAPPED["Country/Enforcements/" + el].target] for _k, el in T6_ROWS + T7_ROWS}
    | {LKR[f"indicator-{ind}"] for _k, spec in T1_ROWS for ind, _kind in spec}
    | {LKR[t.target] for p, t in findings.MAPPED.items() if "_Ratified" in p}
)

#: The kinds of values both a report's tables and the structured data give.
COMPARABLE = (
    "assessment",
    "statistics",
    "ratifications",
    "legal standards",
    "enforcement",
    "suggested actions",
)


@dataclass
class Quality:
    """One report against its record: per kind (agree, differ, only in the structured data)."""

    file: str
    country: str
    year: int
    counts: dict[str, list[int]] = field(default_factory=dict)
    differences: list[str] = field(default_factory=list)
    not_in_tables: int = 0  # structured values of indicators no table of the report has

    def share(self, kinds: tuple[str, ...] = COMPARABLE) -> tuple[int, int]:
        """(structured values the report gives equal, structured values of ``kinds``)."""
        agree = sum(self.counts.get(k, [0, 0, 0])[0] for k in kinds)
        total = sum(sum(self.counts.get(k, [0, 0, 0])) for k in kinds)
        return agree, total


def measure(pdf: Path, findings_dir: Path | str) -> Quality:
    report = read_report(pdf)
    graph, _summary = map_report(report)
    mapped, _r = findings.ingest(findings_dir, [report.year], [report.country])
    text = "\n".join(p.text for p in report.pages)
    result = crosscheck.compare(graph, mapped, report.country, report.year, text, narrative=pdf.name)
    q = Quality(pdf.name, report.country, report.year)
    for row in result.rows:
        if row.kind not in COMPARABLE or row.status == "seed-only":
            continue
        if row.status == "xml-only" and row.xml and not _in_tables(mapped, row.xml.facts):
            q.not_in_tables += 1  # e.g. the Mechanisms elements, Figure 1's sector shares
            continue
        slot = {"agree": 0, "differ": 1, "xml-only": 2}[row.status]
        q.counts.setdefault(row.kind, [0, 0, 0])[slot] += 1
        if row.status != "agree":
            report_value = row.seed.value if row.seed else "(not in the report's facts)"
            xml_value = row.xml.value if row.xml else "-"
            q.differences.append(f"{row.kind}: {row.what}: report {report_value!r}, structured {xml_value!r}")
    return q


def _in_tables(mapped: Graph, facts: tuple) -> bool:
    """Whether a structured value's indicator is one the report's tables give (Tables 1, 3, 6, 7;
    legal standards and suggested actions always are)."""
    indicators = {mapped.value(f, LKG.indicator) for f in facts} - {None}
    return not indicators or bool(indicators & TABLE_INDICATORS)


def measure_all(
    directory: Path | str, findings_dir: Path | str, progress: Callable[[str], None] | None = None
) -> list[Quality]:
    pdfs = sorted(Path(directory).glob("*.pdf"))
    if not pdfs:
        raise InputError(f"{directory}: no report PDFs (*.pdf)")
    out = []
    for pdf in pdfs:
        out.append(measure(pdf, findings_dir))
        if progress:
            progress(f"{pdf.name}: compared")
    return out


def _pct(a: int, n: int) -> str:
    return f"{100 * a / n:.1f}% ({a}/{n})" if n else "- (0/0)"


def text(results: list[Quality]) -> str:
    """Per report: agreement on the enforcement figures and on all comparable values; the differences."""
    lines = ["report                    enforcement          all comparable"]
    for q in results:
        lines.append(
            f"{q.file:<25} {_pct(*q.share(('enforcement',))):<20} {_pct(*q.share())}"
            f"   ({q.not_in_tables} structured values of indicators no table gives, not counted)"
        )
    for q in results:
        if q.differences:
            lines.append("")
            lines.append(f"{q.file} ({q.country}, {q.year}): {len(q.differences)} difference(s)")
            lines += [f"  {d}" for d in q.differences]
    return "\n".join(lines) + "\n"

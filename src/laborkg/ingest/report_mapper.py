"""What every table of a Findings report is mapped with: the Mapper that mints the passages a fact
cites (verbatim, on their page), the summary of what was read, and the helpers the tables share."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import QB, RDF, RDFS, XSD

from laborkg.ingest.countries import Country, slug
from laborkg.ingest.report_pdf import Report
from laborkg.ingest.report_tables import Part, Row, Table
from laborkg.namespace import LKG, LKR

PASSAGE = "https://w3id.org/laborkg/id/passage/"
MARKS = "†‡*§"


@dataclass
class Summary:
    """What a report gave: facts (fact nodes) per table, passages cited, rows not mapped."""

    facts: Counter[str] = field(default_factory=Counter)
    passages: int = 0
    unmapped: list[str] = field(default_factory=list)

    def line(self) -> str:
        per = ", ".join(f"{k} {v}" for k, v in sorted(self.facts.items(), key=lambda kv: _order(kv[0])))
        return f"{sum(self.facts.values())} facts ({per}); {self.passages} passages cited"


def _order(key: str) -> tuple[int, str]:
    m = re.search(r"\d+", key)
    return (int(m.group()) if m else 0, key)


def year_literal(y: int | str) -> Literal:
    return Literal(str(y), datatype=XSD.gYear)


def norm(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


class Mapper:
    """Maps one report into a graph; ``cite(part)`` mints (once) the passage of a part of a page."""

    def __init__(self, report: Report, country: Country, year: int, file_name: str) -> None:
        self.r = report
        self.country = country
        self.year = year
        self.g = Graph()
        self.summary = Summary()
        self.cslug = slug(country.name)
        self.base = f"usdol-report-{year}-{self.cslug}"
        self.doc = LKR[f"{self.base}-pdf-{report.sha256[:12]}"]
        g = self.g
        g.add((self.doc, RDF.type, LKG.FindingsReport))
        g.add((self.doc, LKG.fileName, Literal(file_name)))
        g.add((self.doc, LKG.reportSha256, Literal(report.sha256)))
        g.add((self.doc, LKG.reportingYear, year_literal(year)))
        g.add((self.doc, LKG.about, country.iri))
        title = (
            f"USDOL Findings on the Worst Forms of Child Labor: {country.name}, reporting year {year} (PDF)"
        )
        g.add((self.doc, RDFS.label, Literal(title, lang="en")))
        g.add((self.doc, RDFS.comment, Literal("Label given by laborkg, not by the report.", lang="en")))

    def cite(self, part: Part, refs: list[int] | None = None) -> URIRef:
        key = hashlib.sha256(f"{part.page}\n{part.quote}".encode()).hexdigest()[:16]
        iri = URIRef(f"{PASSAGE}{self.base}-{self.r.sha256[:12]}-p{part.page}-{key}")
        if (iri, RDF.type, LKG.ReportPassage) not in self.g:
            if not self.verbatim(part):  # a bug of the table reader, not bad input
                raise RuntimeError(f"quote not in the text of page {part.page}: {part.quote[:80]!r}")
            self.g.add((iri, RDF.type, LKG.ReportPassage))
            self.g.add((iri, LKG.inDocument, self.doc))
            self.g.add((iri, LKG.quote, Literal(part.quote)))
            self.g.add((iri, LKG.page, Literal(part.page)))
            self.summary.passages += 1
        for n in refs or []:
            self.g.add((iri, LKG.endnote, Literal(n)))
        return iri

    def verbatim(self, part: Part) -> bool:
        """Whether ``part``'s quote is in the text of its page."""
        return 0 < part.page <= len(self.r.pages) and part.quote in self.r.page(part.page).text

    def cite_row(self, node: URIRef, row: Row, table: Table, refs: list[int] | None = None) -> None:
        for p in row.parts:
            self.g.add((node, LKG.source, self.cite(p, refs)))
        self.g.add((node, LKG.source, self.cite(table.title_part)))

    def dataset(self, obs: URIRef, table: Table) -> None:
        """``obs`` in the table's qb:DataSet (as seed 002's tables are), made once."""
        iri = LKR[f"dataset-{self.base}-table-{table.number}"]
        if (iri, RDF.type, QB.DataSet) not in self.g:
            self.g.add((iri, RDF.type, QB.DataSet))
            self.g.add((iri, QB.structure, LKG.StatisticsStructure))
            label = f"{table.title} ({self.country.name}, reporting year {self.year}, USDOL report)"
            self.g.add((iri, RDFS.label, Literal(label, lang="en")))
            self.g.add((iri, LKG.source, self.cite(table.title_part)))
        self.g.add((obs, QB.dataSet, iri))

    def fact(self, key: str) -> None:
        self.summary.facts[key] += 1


def split_marks(text: str) -> tuple[str, str]:
    """("29,177", "†") from "29,177†"."""
    core = text.rstrip(MARKS + " ")
    return core, text[len(core) :].replace(" ", "")


def areas(table: Table, known: dict[str, str]) -> list[tuple[str | None, Row]]:
    """Rows with their group label (a label printed over several rows joined; an empty cell carries
    the group above)."""
    out: list[tuple[str | None, Row]] = []
    partial = ""
    for row in table.rows:
        cell = row.cells[0].strip()
        if cell:
            partial = f"{partial} {cell}".strip() if partial and norm(partial) not in known else cell
        key = norm(split_marks(partial)[0])
        if key not in known:  # a label printed over rows ("Government" / "Policies"): its one completion
            completions = [k for k in known if k.startswith(key + " ")]
            key = completions[0] if len(completions) == 1 else key
        out.append((key if key in known else None, row))
    return out

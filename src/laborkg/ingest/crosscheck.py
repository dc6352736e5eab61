"""Cross-check USDOL's structured Findings record of a country-year with the facts curated from its
narrative report (Mexico 2022: seed 002): which values agree, which differ, which are in one source only,
each with its sources; and the lkg:conflictsWith links that keep every difference as two sourced facts
(docs/crosscheck-mexico-2022.md)."""

from __future__ import annotations

from rdflib import Graph, Literal
from rdflib.term import Node

from laborkg.errors import InputError
from laborkg.ingest.countries import reconcile
from laborkg.ingest.crosscheck_kinds import (
    CORRESPONDS,
    LEVELS,
    actions,
    advancement,
    observations,
    ratifications,
    standards,
    summary,
    xml_only,
)
from laborkg.ingest.crosscheck_sources import Curated, Findings, fact_classes
from laborkg.ingest.crosscheck_values import (
    SPELLINGS,
    STATUSES,
    Comparison,
    Row,
    Side,
    Source,
    gyear,
    normalise,
    shorten,
    state,
)
from laborkg.namespace import LKG

#: What other modules import from here (the comparison is split over crosscheck_values, _sources, _kinds).
__all__ = [
    "COUNTRY",
    "CORRESPONDS",
    "KINDS",
    "LEVELS",
    "NARRATIVES",
    "SPELLINGS",
    "STATUSES",
    "YEAR",
    "Comparison",
    "Row",
    "Side",
    "Source",
    "compare",
    "conflict_triples",
    "normalise",
    "shorten",
    "state",
]

#: The country-year cross-checked by default: the one seed 002 reports on.
COUNTRY, YEAR = "Mexico", 2022

#: The narrative report curated for a country-year: (country, reporting year) -> its seed file.
NARRATIVES: dict[tuple[str, int], str] = {("Mexico", 2022): "002_050c8baefa641c9c.txt"}

#: The order of the kinds of values in a report (others, only in the XML, after them).
KINDS = (
    "assessment",
    "summary",
    "profile",
    "statistics",
    "ratifications",
    "legal standards",
    "enforcement",
    "enforcements",
    "suggested actions",
    "goods",
)


def compare(
    curated: Graph,
    findings: Graph,
    country: str = COUNTRY,
    year: int = YEAR,
    seed_text: str | None = None,
    narrative: str | None = None,
) -> Comparison:
    """Compare the ``year`` record of ``country`` in ``findings`` (mapped from the XML, or a store's) with
    the facts of ``curated`` that cite the country-year's narrative (:data:`NARRATIVES`). ``seed_text``:
    the narrative's text (default: read from seeds/), for locating its summary paragraph; ``narrative``: the
    file name of the narrative whose facts are compared (default: the country-year's in NARRATIVES)."""
    if narrative is None and (country, year) not in NARRATIVES:
        known = ", ".join(f"{c} {y}" for c, y in NARRATIVES)
        raise InputError(f"no curated narrative report for {country} {year} (only {known})")
    # ``narrative``: the file name of another narrative (a report PDF read by laborkg ingest report)
    seed_file = narrative or NARRATIVES[(country, year)]
    iri = reconcile(country).iri
    facts = fact_classes(curated, findings)
    cur = Curated(curated, seed_file, facts)
    fin = Findings(findings, iri, year, facts)
    if seed_text is None:
        from laborkg import paths

        seed_text = (paths.SEEDS_DIR / seed_file).read_text(encoding="utf-8")
    out = Comparison(country, year, seed_file, fin.file_name, fin.sha256, fin.position)
    out.rows += advancement(cur, fin)
    out.rows += summary(cur, fin, seed_text)
    obs_rows, skipped = observations(cur, fin, iri, year)
    out.rows += ratifications(cur, fin, iri)
    out.rows += standards(cur, fin, iri, out)
    out.rows += obs_rows
    out.rows += actions(cur, fin, out)
    if skipped:
        out.not_compared.append(
            (
                skipped,
                f"figures of seed 002's enforcement tables for earlier years than {year} (the report's "
                f"previous-year column): the {year} record gives {year} figures only",
            )
        )
    out.rows += xml_only(fin)
    order = {k: i for i, k in enumerate(KINDS)}
    out.rows.sort(key=lambda r: order.get(r.kind, len(order)))
    return out


def conflict_triples(curated: Graph, findings: Graph) -> list[tuple[Node, Node, Node]]:
    """``(curated fact, lkg:conflictsWith, findings fact)`` for every difference between the findings
    graph's records and the narratives curated in ``curated`` (:data:`NARRATIVES`), stated once (the
    property is symmetric). Both facts exist already, each with its own sources: nothing is cited or
    invented here. Empty when ``findings`` holds no record of a curated country-year, or ``curated`` no
    fact of its narrative (a store built from other data)."""
    out: set[tuple[Node, Node, Node]] = set()
    for (country, year), seed in NARRATIVES.items():
        iri = reconcile(country).iri
        has_year = any(
            findings.value(ev, LKG.inDocument) is not None
            and findings.value(findings.value(ev, LKG.inDocument), LKG.reportingYear) == gyear(year)
            for ev in findings.objects(iri, LKG.source)
        )
        doc = next(curated.subjects(LKG.fileName, Literal(seed)), None)
        if not has_year or doc is None or next(curated.subjects(LKG.inDocument, doc), None) is None:
            continue
        for a, b in compare(curated, findings, country, year).conflict_pairs():
            out.add((a, LKG.conflictsWith, b))
    return sorted(out, key=str)

"""Synthetic graphs shaped like laborkg's data, of a given size, that conform to shapes/.

Each *cluster* is one small story like the worked example in docs/model.md: a funder government funds a
set of programs (with one named program) for a government agency that has a sub-agency; the funding has
an amount, currency and period, organisation roles name the funder and an implementer, some sets are
cancelled (a cancellation event, with its date and canceller) or suspended; there is a meeting of the
agency, a ratification of a convention by a country, and statistical observations about the agency.
Every entity and fact cites source passages, whose quotes are real quotes of the seeds (taken from the
shipped data), so the verbatim-quote check passes too. Pools of countries, conventions, indicators and
focus areas are shared by all clusters.

    python bench/generate.py 100k -o /tmp/syn-100k.ttl

The graph is deterministic for a size and a seed. Sizes count asserted triples of the generated file
(the ontology and data/sources.ttl, about 2,600 triples, come on top).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PREFIXES = """@prefix lkg: <https://w3id.org/laborkg/ontology#> .
@prefix lkc: <https://w3id.org/laborkg/code/> .
@prefix lkr: <https://w3id.org/laborkg/id/> .
@prefix lkp: <https://w3id.org/laborkg/id/passage/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

"""
STATUSES = ["lkc:iati-activity-status-2", "lkc:iati-activity-status-3", "lkc:iati-activity-status-5",
            "lkc:iati-activity-status-6"]  # fmt: skip
COUNTRIES = 60
CONVENTIONS = 25
INDICATORS = 12
FOCUS_AREAS = 8
FUNDERS = 40


def parse_size(text: str) -> int:
    """``10k`` → 10000, ``1M`` → 1000000, ``2500`` → 2500."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip())
    if not m:
        raise ValueError(f"not a size: {text!r} (e.g. 10k, 100k, 1M)")
    return int(float(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()])


def real_quotes() -> list[tuple[str, str]]:
    """(document IRI, quote) pairs of the shipped data, from which synthetic passages quote."""
    from rdflib import Graph

    from laborkg.namespace import LKG

    g = Graph()
    for f in sorted((ROOT / "data").glob("*.ttl")):
        g.parse(f, format="turtle")
    out = []
    for passage, quote in g.subject_objects(LKG.quote):
        doc = g.value(passage, LKG.inDocument)
        if doc is not None and 20 <= len(str(quote)) <= 400:
            out.append((str(doc), str(quote)))
    return sorted(out)


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class Writer:
    def __init__(self, out, quotes: list[tuple[str, str]], rng: random.Random) -> None:
        self.out = out
        self.quotes = quotes
        self.rng = rng
        self.triples = 0
        self.passages = 0

    def entity(self, iri: str, lines: list[tuple[str, str]]) -> None:
        """``iri p o ; …`` with ``lines`` of (predicate, object) in Turtle."""
        body = " ;\n    ".join(f"{p} {o}" for p, o in lines)
        self.out.write(f"{iri} {body} .\n")
        self.triples += len(lines)

    def passage(self) -> str:
        self.passages += 1
        doc, quote = self.quotes[self.passages % len(self.quotes)]
        iri = f"lkp:syn-{self.passages}"
        self.entity(
            iri, [("a", "lkg:SourcePassage"), ("lkg:inDocument", f"<{doc}>"), ("lkg:quote", _lit(quote))]
        )
        return iri

    def sources(self, n: int = 1) -> tuple[str, str]:
        return ("lkg:source", " , ".join(self.passage() for _ in range(n)))


def pools(w: Writer) -> None:
    for i in range(COUNTRIES):
        w.entity(
            f"lkr:syn-country-{i}",
            [("a", "lkg:Country"), ("rdfs:label", f'"Country {i}"@en , "País {i}"@es'), w.sources()],
        )
    for i in range(CONVENTIONS):
        w.entity(
            f"lkr:syn-convention-{i}",
            [("a", "lkg:Convention"), ("rdfs:label", f'"Convention No. {100 + i}"@en'), w.sources()],
        )
    for i in range(INDICATORS):
        w.entity(
            f"lkr:syn-indicator-{i}",
            [("a", "lkg:Indicator"), ("rdfs:label", f'"Indicator {i}"@en , "Indicador {i}"@es'), w.sources()],
        )
    for i in range(FOCUS_AREAS):
        w.entity(
            f"lkr:syn-focus-{i}",
            [("a", "lkg:FocusArea"), ("rdfs:label", f'"focus area {i}"@en'), w.sources()],
        )
    for i in range(FUNDERS):
        w.entity(
            f"lkr:syn-funder-{i}",
            [
                ("a", "lkg:NationalGovernment"),
                ("rdfs:label", f'"Government of country {i}"@en , "Gobierno del país {i}"@es'),
                ("lkg:jurisdiction", f"lkr:syn-country-{i % COUNTRIES}"),
                w.sources(),
            ],
        )


def cluster(w: Writer, i: int) -> None:
    rng = w.rng
    agency, unit, group = f"lkr:syn-agency-{i}", f"lkr:syn-unit-{i}", f"lkr:syn-implementer-{i}"
    pset, program = f"lkr:syn-programs-{i}", f"lkr:syn-program-{i}"
    funding, canc = f"lkr:syn-funding-{i}", f"lkr:syn-cancellation-{i}"
    funder = f"lkr:syn-funder-{rng.randrange(FUNDERS)}"
    country = f"lkr:syn-country-{rng.randrange(COUNTRIES)}"
    start = rng.randrange(2000, 2022)
    end_year = start + rng.randrange(1, 4)
    end = f"{end_year}-{rng.randrange(1, 13):02d}"
    status = rng.choice(STATUSES)
    w.entity(
        agency,
        [
            ("a", "lkg:GovernmentAgency"),
            ("rdfs:label", f'"Secretariat of Labor {i}"@en , "Secretaría del Trabajo {i}"@es'),
            ("lkg:acronym", f'"SL{i}"'),
            ("lkg:jurisdiction", country),
            w.sources(2),
        ],
    )
    w.entity(
        unit,
        [
            ("a", "lkg:SubAgency"),
            ("rdfs:label", f'"Labor Inspectorate {i}"@en'),
            ("lkg:subAgencyOf", agency),
            w.sources(),
        ],
    )
    w.entity(
        group,
        [("a", "lkg:UnspecifiedGroup"), ("rdfs:label", f'"civil organisations {i}"@en'), w.sources()],
    )
    w.entity(
        program,
        [("a", "lkg:TechnicalAssistanceProject"), ("rdfs:label", f'"TA project {i}"@en'), w.sources()],
    )
    w.entity(
        pset,
        [
            ("a", "lkg:ProgramSet"),
            ("rdfs:label", f'"{3 + i % 20} technical assistance programs {i}"@en'),
            ("lkg:programCount", str(3 + i % 20)),
            ("lkg:status", status),
            ("lkg:startDate", f'"{start}"^^xsd:gYear'),
            ("lkg:endDate", f'"{end}"^^xsd:gYearMonth'),
            ("lkg:focusArea", f"lkr:syn-focus-{i % FOCUS_AREAS} , lkr:syn-focus-{(i + 3) % FOCUS_AREAS}"),
            ("lkg:includesProgram", program),
            w.sources(2),
        ],
    )
    w.entity(
        funding,
        [
            ("a", "lkg:Funding"),
            ("rdfs:label", f'"Funding of programs {i}"@en'),
            ("lkg:funder", funder),
            ("lkg:fundedInitiative", pset),
            ("lkg:beneficiary", agency),
            ("lkg:amount", f"{rng.randrange(1, 500) * 100000}.0"),
            ("lkg:currency", "lkc:USD"),
            ("lkg:startDate", f'"{start}"^^xsd:gYear'),
            ("lkg:endDate", f'"{end}"^^xsd:gYearMonth'),
            w.sources(2),
        ],
    )
    for role, org, code in (("funding", funder, 1), ("implementing", group, 4)):
        w.entity(
            f"lkr:syn-role-{role}-{i}",
            [
                ("a", "lkg:OrganisationRole"),
                ("rdfs:label", f'"{role} role in programs {i}"@en'),
                ("lkg:roleOrganisation", org),
                ("lkg:roleInInitiative", pset),
                ("lkg:roleType", f"lkc:iati-organisation-role-{code}"),
                w.sources(),
            ],
        )
    if status == "lkc:iati-activity-status-5":
        w.entity(
            canc,
            [
                ("a", "lkg:Cancellation"),
                ("rdfs:label", f'"Cancellation of programs {i}"@en'),
                ("lkg:date", f'"{end}"^^xsd:gYearMonth'),
                ("lkg:cancelledBy", funder),
                ("lkg:cancelledInitiative", pset),
                w.sources(2),
            ],
        )
    w.entity(
        f"lkr:syn-meeting-{i}",
        [
            ("a", "lkg:Meeting"),
            ("rdfs:label", f'"Meeting {i} on labor inspection"@en'),
            ("lkg:date", f'"{end_year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"^^xsd:date'),
            ("lkg:participant", f"{agency} , {group}"),
            ("lkg:organiser", agency),
            w.sources(),
        ],
    )
    w.entity(
        f"lkr:syn-ratification-{i}",
        [
            ("a", "lkg:Ratification"),
            ("rdfs:label", f'"Ratification {i}"@en'),
            ("lkg:ratifyingParty", country),
            ("lkg:ratifiedInstrument", f"lkr:syn-convention-{rng.randrange(CONVENTIONS)}"),
            ("lkg:date", f'"{rng.randrange(1950, 2023)}"^^xsd:gYear'),
            w.sources(),
        ],
    )
    for year in (2021, 2022):
        w.entity(
            f"lkr:syn-obs-{i}-{year}",
            [
                ("a", "lkg:Observation"),
                ("rdfs:label", f'"Inspections by agency {i}, {year}"@en'),
                ("lkg:indicator", f"lkr:syn-indicator-{i % INDICATORS}"),
                ("lkg:refYear", f'"{year}"^^xsd:gYear'),
                ("lkg:refArea", country),
                ("lkg:refEntity", agency),
                ("lkg:value", f"{rng.randrange(0, 100000)}.0"),
                ("lkg:unit", "lkc:unit-count"),
                w.sources(),
            ],
        )


def generate(size: int, out_path: Path, seed: int = 7) -> dict:
    """Write a graph of about ``size`` asserted triples to ``out_path``; return counts."""
    rng = random.Random(seed)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(PREFIXES)
        w = Writer(fh, real_quotes(), rng)
        pools(w)
        i = 0
        while w.triples < size:
            cluster(w, i)
            i += 1
    tmp.replace(out_path)
    return {"triples": w.triples, "clusters": i, "passages": w.passages}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("size", help="asserted triples, e.g. 10k, 100k, 1M")
    p.add_argument("-o", "--output", required=True, help="Turtle file to write")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    counts = generate(parse_size(args.size), Path(args.output), args.seed)
    print(f"{args.output}: {counts['triples']} triples, {counts['clusters']} clusters", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

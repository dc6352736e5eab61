#!/usr/bin/env python3
"""Write data/usdol-2022-references.ttl (seed 002's numbered references) and data/usdol-2022-citations.ttl
(which references each seed-002 passage cites): ``scripts/usdol_references.py [OUT_DIR]``."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "002_050c8baefa641c9c.txt"
DATA = ROOT / "data"
REFERENCES = "usdol-2022-references.ttl"
CITATIONS = "usdol-2022-citations.ttl"

MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "January February March April May June July August September October November December".split()
    )
}
MONTHS["Febrero"] = 2  # reference 118 gives its month in Spanish
MONTH = "|".join(MONTHS)
DATE = rf"(?:(?:{MONTH}) \d{{1,2}},? \d{{4}}|(?:{MONTH}) \d{{4}}|\d{{4}})"
# The date that closes an entry: "May 1, 2019.", "Enacted: February 5, 1917.", "Accessed (January 31, 2023).",
# "Enacted: September 11, 1940 (Amended May 18 2022)."
TAIL = re.compile(
    rf"(?:(?P<kind>Accessed|Enacted)(?::| on)? ?\(?)?(?P<date>{DATE})\)?(?P<amended> \(Amended [^)]*\))?\.?$"
)
# Parts of an entry after its date that are not bibliographic fields.
TRAILERS = (
    " Source on file.",
    " For more information, please see “Children’s Work and Education Statistics: Sources and Definitions”"
    " in the Reference Materials section of this report.",
    ' Labor force data is government-reported data collected by the ILO. Please see "Labor Law Enforcement:'
    ' Sources and Definitions" in the Reference Materials section of this report.',
)
# Entries whose creator, title and publisher the general rule cannot split: each value is the seed's text.
SPLITS: dict[int, tuple[str, str, str | None, str | None]] = {
    # number: (creator, title, place, publisher)
    6: (
        "Wagner, Christian",
        "Are Mexican avocados the next ‘conflict commodity’?",
        None,
        "Verisk Maplecroft",
    ),
    11: (
        "Lakhani, Nina",
        "Mexico: children toil in tobacco fields as reforms fail to fix poverty",
        "Santiago de Ixmiquilpan",
        "The Guardian",
    ),
    18: (
        "Karen, Selma",
        "Cierre de aulas y crisis orilla al trabajo infantil en la pandemia",
        None,
        "La Cartita News",
    ),
    27: (
        "Cultura Colectiva",
        '"Esclavas modernas", así trabajan miles de niñas en el empleo doméstico',
        None,
        None,
    ),
    34: ("U.S. Department of State", "Trafficking in Persons Report- 2021: Mexico", "Washington, D.C.", None),
    43: (
        "REDIM",
        "Reclutamiento y utilización de niñas, niños y adolescentes por grupos delictivos en México."
        " Análisis desde las políticas públicas y la legislación",
        None,
        None,
    ),
    51: (
        "Instituto Nacional de los Pueblos Indígenas",
        "Niñas, niños y adolescentes indígenas. Datos de la Encuesta Intercensal 2015",
        None,
        None,
    ),
    76: ("TV Azteca", "¿Cuales son los cambios a la Ley del Servicio Militar?", "Mexico City", "TV Azteca"),
    81: ("STPS official", "Interview with USDOL official", None, None),
    83: ("Ortiz de Rosas,Ambassador", "ILO Regional Meeting Panama 2018", None, None),
    85: (
        "Procuraduría Federal de la Defensa del Trabajo",
        "¿Qué es la PROFEDET y cuáles son sus funciones?",
        None,
        None,
    ),
    88: ("STPS official", "Interview with USDOL official", None, None),
    97: (
        "Instituto Nacional de Migración",
        'La SRE, el DIF y la UNICEF, presentan el "Modelo de cuidados alternativos para niñas, niños y'
        ' adolescentes."',
        None,
        None,
    ),
    103: (
        "FEVIMTRA",
        "¿Cuáles son las obligaciones de las y los Agentes del Ministerio Público?",
        None,
        None,
    ),
    113: (
        "Animal Politico",
        'La costosa "austeridad republicana" de AMLO: lo barato sale caro',
        "Mexico City",
        "Yahoo!noticias",
    ),
}
ENTRY = re.compile(r"^- (\d+) (.*)$")
# Creators that are entities of the graph (data/structure.ttl): their documents get lkg:author.
AUTHORS = {"U.S. Embassy- Mexico City": "lkr:us-embassy-mexico-city"}


def _unescape(url: str) -> str:
    return url.replace("\\\\_", "_")


def _date(text: str) -> tuple[str, str]:
    """The date as an xsd literal: (lexical form, datatype)."""
    text = text.replace(",", "")
    parts = text.split()
    if len(parts) == 3:
        return f"{parts[2]}-{MONTHS[parts[0]]:02d}-{int(parts[1]):02d}", "date"
    if len(parts) == 2:
        return f"{parts[1]}-{MONTHS[parts[0]]:02d}", "gYearMonth"
    return parts[0], "gYear"


def entries(text: str) -> list[dict]:
    """Every numbered reference of the seed: its number, verbatim entry (quote, offset) and fields."""
    start = text.index("## REFERENCES")
    lines = text[start:].split("\n")
    offsets = []
    pos = start
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    found = []
    for i, line in enumerate(lines):
        m = ENTRY.match(line)
        if not m:
            continue
        number = int(m.group(1))
        begin = offsets[i] + 2
        end = offsets[i] + len(line.rstrip())
        body = m.group(2).rstrip()
        if i + 1 < len(lines) and lines[i + 1].startswith(("<", "[")):
            end = offsets[i + 1] + len(lines[i + 1].rstrip())
            body = body + " " + lines[i + 1].rstrip()
        found.append({"number": number, "quote": text[begin:end], "offset": begin, **_fields(number, body)})
    return found


def _fields(number: int, body: str) -> dict:
    fields: dict = {"addresses": []}
    link = re.search(r"\s*(?:<([^>]*)>|\[([^\]]*)\]\(([^)]*)\))$", body)
    if link:
        if link.group(1) is not None:
            fields["addresses"] = [link.group(1)]
        else:
            shown, target = _unescape(link.group(2)), link.group(3)
            fields["addresses"] = [target] if shown == target else [target, shown]
        body = body[: link.start()]
    for trailer in TRAILERS:
        if body.endswith(trailer):
            body = body[: -len(trailer)]
    tail = TAIL.search(body)
    if tail is None:
        raise ValueError(f"reference {number}: no date at the end of {body!r}")
    key = "accessed" if tail.group("kind") == "Accessed" else "date"
    fields[key] = _date(tail.group("date"))
    if tail.group("kind") == "Enacted":
        fields["enacted"] = True
    rest = body[: tail.start()].rstrip(" ,.:")
    if number in SPLITS:
        creator, title, place, publisher = SPLITS[number]
    else:
        place = publisher = None
        creator, _, rest = re.split(r"(?<!U\.S)(\. )", rest, maxsplit=1) if ". " in rest else (rest, "", "")
        parts = re.split(r"(?<=\.) ", rest)
        if len(parts) > 1 and ":" in parts[-1]:
            place, _, publisher = (s.strip(" ,.") for s in parts[-1].partition(":"))
            rest = " ".join(parts[:-1])
        title = rest.rstrip(".")
        if not title:
            raise ValueError(f"reference {number}: no title in {body!r}")
    fields.update(creator=creator, title=title, place=place, publisher=publisher)
    return fields


def _lit(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return '"' + escaped + '"'


PREFIXES = """@prefix lkg:     <https://w3id.org/laborkg/ontology#> .
@prefix lkr:     <https://w3id.org/laborkg/id/> .
@prefix lkp:     <https://w3id.org/laborkg/id/passage/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""


def references_ttl(refs: list[dict]) -> str:
    out = [
        "# Generated by scripts/usdol_references.py from seed 002's REFERENCES: do not edit by hand.",
        "# One lkg:CitedDocument per numbered reference, its fields as the entry gives them (no date where",
        "# it gives none), each sourced by a passage quoting the whole entry.",
        PREFIXES,
    ]
    for r in refs:
        n = r["number"]
        label = r["quote"].split("\n")[0].rstrip()
        link = re.search(r"\s*(?:<[^>]*>|\[[^\]]*\]\([^)]*\))$", label)
        if link:
            label = label[: link.start()]
        lines = [
            f"lkr:usdol-2022-ref-{n} a lkg:CitedDocument ;",
            f"    rdfs:label {_lit(label)}@en ;",
            f"    lkg:referenceNumber {n} ;",
            "    lkg:citedIn lkr:seed-002 ;",
            f"    dcterms:creator {_lit(r['creator'])} ;",
            f"    dcterms:title {_lit(r['title'])} ;",
        ]
        if r["creator"] in AUTHORS:
            lines.append(f"    lkg:author {AUTHORS[r['creator']]} ;")
        if r["place"]:
            lines.append(f"    lkg:publicationPlace {_lit(r['place'])} ;")
        if r["publisher"]:
            lines.append(f"    dcterms:publisher {_lit(r['publisher'])} ;")
        if "date" in r:
            prop = "lkg:enactedDate" if r.get("enacted") else "dcterms:date"
            lines.append(f"    {prop} {_lit(r['date'][0])}^^xsd:{r['date'][1]} ;")
        if "accessed" in r:
            lines.append(f"    lkg:accessedDate {_lit(r['accessed'][0])}^^xsd:{r['accessed'][1]} ;")
        for address in r["addresses"]:
            lines.append(f"    lkg:webAddress {_lit(address)} ;")
        lines.append(f"    lkg:source lkp:002-ref-{n} .")
        lines.append(
            f"lkp:002-ref-{n} a lkg:SourcePassage ; lkg:inDocument lkr:seed-002 ;"
            f" lkg:charOffset {r['offset']} ;"
        )
        lines.append(f"    lkg:quote {_lit(r['quote'])} .")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


# A citation marker: "(12)", "(69,81-86)", "(9,41,82,86,91,103)", not followed by a lowercase word (the
# enumeration "(1) promoting …") and every number one of the references (not "(2022)" or "(866,293)").
MARKER = re.compile(r"\((\d+(?:[-–]\d+)?(?:,\d+(?:[-–]\d+)?)*)\)(?! [a-z])")


def cited_numbers(quote: str, count: int) -> list[int]:
    """The reference numbers a quote's citation markers give, ranges expanded, in order of first mention."""
    numbers: list[int] = []
    for m in MARKER.finditer(quote):
        group: list[int] = []
        for item in m.group(1).split(","):
            low, _, high = item.replace("–", "-").partition("-")
            group.extend(range(int(low), int(high or low) + 1))
        if all(1 <= n <= count for n in group):
            numbers.extend(n for n in group if n not in numbers)
    return numbers


def _passages(paths: list[Path]) -> list[tuple[str, str]]:
    """(passage IRI, quote) of every seed-002 passage in the data files, read with rdflib."""
    from rdflib import Graph, URIRef

    lkg = "https://w3id.org/laborkg/ontology#"
    seed = URIRef("https://w3id.org/laborkg/id/seed-002")
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return sorted(
        (str(p), str(graph.value(p, URIRef(lkg + "quote"))))
        for p in graph.subjects(URIRef(lkg + "inDocument"), seed)
        if not str(p).startswith("https://w3id.org/laborkg/id/passage/002-ref-")
    )


def citations_ttl(passages: list[tuple[str, str]], count: int) -> str:
    out = [
        "# Generated by scripts/usdol_references.py from the citation markers ending seed-002 quotes",
        '# ("(12)", "(69,81-86)"): do not edit by hand; run the script again after adding passages.',
        PREFIXES,
    ]
    for iri, quote in passages:
        numbers = sorted(cited_numbers(quote, count))
        if numbers:
            name = iri.rsplit("/", 1)[1]
            refs = " , ".join(f"lkr:usdol-2022-ref-{n}" for n in numbers)
            out.append(f"lkp:{name} lkg:citesReference {refs} .")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    out_dir = Path(argv[0]) if argv else DATA
    text = SEED.read_text(encoding="utf-8")
    refs = entries(text)
    numbers = [r["number"] for r in refs]
    if numbers != list(range(1, len(refs) + 1)):
        raise SystemExit(f"usdol_references: references are not numbered 1..{len(refs)}")
    data_files = sorted(p for p in DATA.glob("usdol-2022-*.ttl") if p.name not in (REFERENCES, CITATIONS))
    (out_dir / REFERENCES).write_text(references_ttl(refs), encoding="utf-8")
    (out_dir / CITATIONS).write_text(citations_ttl(_passages(data_files), len(refs)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

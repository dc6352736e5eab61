"""A Findings report's Table 2: the activities in each sector, with the hazardous and worst-form marks
as the notes under the table define them."""

from __future__ import annotations

import hashlib
import re

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from laborkg.ingest.countries import slug
from laborkg.ingest.report_mapper import MARKS, Mapper, areas, norm, year_literal
from laborkg.ingest.report_tables import Row, Table, split_refs
from laborkg.namespace import LKG, LKR

SECTORS = {
    "agriculture": "sector-agriculture",
    "industry": "sector-industry",
    "services": "sector-services",
    "categorical worst forms of child labor": "sector-categorical-worst-forms-of-child-labor",
}


#: What a note under Table 2 says its mark means -> the property the curated data gives a marked activity.
MARK_MEANINGS = (
    ("as hazardous", LKG.hazardous),
    ("worst forms of child labor per se", LKG.categoricalWorstForm),
)


def _mark_meanings(m: Mapper, table: Table) -> dict[str, tuple[URIRef, URIRef]]:
    """Table 2's marks (†, ‡) as the notes under it define them: mark -> (property, the note's passage)."""
    out: dict[str, tuple[URIRef, URIRef]] = {}
    for text, part in table.notes:
        mk = re.match(rf"^([{MARKS}])\s*(.+)$", text)
        prop = next((p for words, p in MARK_MEANINGS if mk and words in norm(mk.group(2))), None)
        if mk and prop is not None:
            out.setdefault(mk.group(1), (prop, m.cite(part)))
    return out


def _marked_words(text: str, mark: str) -> list[tuple[str, str]]:
    """The words each ``mark`` in an activity cell follows (those since the previous comma or mark, less a
    leading "and", "or", "including"), with what they are to the row's activity: "row" where the mark ends
    the row's first phrase and marks the row itself ("Working in agriculture,† including …", "Street work†
    as vendors …", "Domestic work†"); "broader" where the words open the row and name its kind
    ("Manufacturing† footwear, …"); else "part" ("Production of footwear† and textiles", "tobacco,†")."""
    out = []
    for mk in re.finditer(re.escape(mark), text):
        before = text[: mk.start()].rstrip()
        comma = before.endswith(",")
        before = before.rstrip(",")
        cut = max(before.rfind(", "), max(before.rfind(c) for c in MARKS))
        words = re.sub(r"^(?:and|or|including)\s+", "", before[cut + 1 :].strip(" ,"))
        rest = text[mk.end() :].lstrip(f" ,{MARKS}")
        if cut >= 0 or words != before.strip() or re.match(r"^(?:and|or) ", rest):
            out.append((words, "part"))
        elif not rest or comma or rest.startswith(("as ", "including ")):
            out.append((words, "row"))
        else:
            out.append((words, "broader"))
    return out


_PRODUCTION = re.compile(r"^(?P<head>.+?),?\s+including (?:in )?the production of (?P<items>.+)$")


def _production_list(text: str) -> list[tuple[str, str]]:
    """The crops of a row "X, including (in) the production of A, B (c, d), tobacco,† and C": each item
    with the marks printed after it; none when the list runs on into other words (", sometimes as …")."""
    mt = _PRODUCTION.match(text)
    if not mt or re.search(r",\s+(?:sometimes|as|which)\b", mt.group("items")):
        return []
    pieces, depth, start, body = [], 0, 0, mt.group("items")
    for i, ch in enumerate(body):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            pieces.append(body[start:i])
            start = i + 1
    pieces.append(body[start:])
    if len(pieces) == 1:  # "A and B"
        pieces = re.split(r"\s+and\s+", pieces[0], maxsplit=1)
    out: list[tuple[str, str]] = []
    for piece in pieces:
        lead = re.match(rf"^\s*([{MARKS}]*)", piece).group(1)  # type: ignore[union-attr]
        if lead and out:
            out[-1] = (out[-1][0], out[-1][1] + lead)
        words = re.sub(r"^(?:and|or)\s+", "", piece.strip().lstrip(MARKS).strip())
        mk = re.search(rf"[{MARKS}]+$", words)
        if words:
            out.append((words[: mk.start()].strip() if mk else words, mk.group(0) if mk else ""))
    return out


def _activity(
    m: Mapper, node: URIRef, name: str, sector: URIRef, row: Row, table: Table, refs: list[int]
) -> None:
    m.g.add((node, RDF.type, LKG.ChildLaborActivity))
    m.g.add((node, RDFS.label, Literal(name, lang="en")))
    m.g.add((node, LKG.inSector, sector))
    m.g.add((node, LKG.appliesIn, m.country.iri))
    m.g.add((node, LKG.reportingYear, year_literal(m.year)))
    m.cite_row(node, row, table, refs)
    m.fact("Table 2")


def activities(m: Mapper, table: Table) -> None:
    """Table 2: one lkg:ChildLaborActivity per row in its sector, labelled with the row's words (its †
    and ‡ marks left out; the passage keeps them). A mark gives the property the note under the table
    defines (lkg:hazardous, lkg:categoricalWorstForm), as the curated data does: on every activity of a
    sector whose name carries it, on the row's activity when it marks the row's first phrase, else on an
    activity of the marked words (skos:broader the row's; the row's broader where the words open the row
    and name its kind: "Manufacturing† footwear, …")."""
    from rdflib.namespace import SKOS

    meanings = _mark_meanings(m, table)
    rows = areas(table, SECTORS)
    sector_marks: dict[str, list[tuple[URIRef, URIRef, Row]]] = {}  # sector -> (property, note, marked row)
    for sector_key, row in rows:
        for mark in dict.fromkeys(c for c in row.cells[0] if c in meanings and sector_key is not None):
            sector_marks.setdefault(str(sector_key), []).append((*meanings[mark], row))
    for sector_key, row in rows:
        text, refs = split_refs(row.cells[1] if len(row.cells) > 1 else "")
        if sector_key is None or not text:
            m.summary.unmapped.append(f"Table 2: {row.cells!r}"[:120])
            continue
        digest = hashlib.sha256(text.encode()).hexdigest()[:10]
        iri = LKR[f"activity-{m.cslug}-{digest}-usdol-report"]
        sector = LKR[SECTORS[sector_key]]
        _activity(m, iri, " ".join(re.sub(rf"[{MARKS}]", "", text).split()), sector, row, table, refs)
        for prop, note, marked in sector_marks.get(sector_key, []):
            m.g.add((iri, prop, Literal(True)))
            m.g.add((iri, LKG.source, note))
            m.cite_row(iri, marked, table)
        items = _production_list(text) if sector_key != "categorical worst forms of child labor" else []
        for item, item_marks in items:
            node = LKR[f"activity-{m.cslug}-{digest}-{slug(item)[:40].strip('-')}-production-usdol-report"]
            _activity(m, node, f"Production of {item}", sector, row, table, refs)
            m.g.add((node, SKOS.broader, iri))
            why = f"Listed in Table 2 of the report as '{text}'; the label is laborkg's, from the row's list."
            m.g.add((node, RDFS.comment, Literal(why, lang="en")))
            m.g.add((node, LKG.ownLabel, Literal(f"Production of {item}", lang="en")))
            for mark in item_marks:
                if mark in meanings:
                    m.g.add((node, meanings[mark][0], Literal(True)))
                    m.g.add((node, LKG.source, meanings[mark][1]))
        listed = {item for item, _ in items}
        for mark, (prop, note) in meanings.items():
            for words, relation in _marked_words(text, mark):
                node = iri
                if not words or (relation == "part" and words in listed):
                    continue
                if relation != "row":
                    key = slug(words)[:40].strip("-") or hashlib.sha256(words.encode()).hexdigest()[:8]
                    node = LKR[f"activity-{m.cslug}-{digest}-{key}-usdol-report"]
                    _activity(m, node, words, sector, row, table, refs)
                    m.g.add((iri, SKOS.broader, node) if relation == "broader" else (node, SKOS.broader, iri))
                    why = f"Listed in Table 2 of the report as '{text}'; the {mark} mark follows '{words}'."
                    m.g.add((node, RDFS.comment, Literal(why, lang="en")))
                m.g.add((node, prop, Literal(True)))
                m.g.add((node, LKG.source, note))

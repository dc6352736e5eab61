"""Recall and precision of the table facts report_text parses from seed 002 against the facts curated by
hand from the same tables (data/usdol-2022-*.ttl): per table and overall, with every miss and every
parsed fact no curated fact matches (the comparable units: docs/reports.md)."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from laborkg.errors import InputError
from laborkg.ingest.crosscheck import CORRESPONDS
from laborkg.ingest.report_tables import split_refs
from laborkg.ingest.report_text import map_text
from laborkg.namespace import LKG

SEED = "002_050c8baefa641c9c.txt"
CURATED = "usdol-2022-*.ttl"
TARGETS = {"recall": 0.80, "precision": 0.95}
_TITLE = re.compile(r"^\*\*Table (\d{1,2})\.")
_MARKS = re.compile(r"[†‡§]|\*(?!\*)")
_DASHES = {0x2013: "-", 0x2014: "-", 0x2011: "-", 0x2019: "'", 0x2018: "'", 0x201C: '"', 0x201D: '"'}
#: Classes of the units' keys (an indicator, sector, standard type, law or provision, instrument, action
#: area): compared through the facts that use them, not as facts of their own.
_KEYS = {
    LKG.Indicator,
    LKG.Sector,
    LKG.StandardType,
    LKG.Law,
    LKG.Constitution,
    LKG.LegalProvision,
    LKG.Convention,
    LKG.Protocol,
    LKG.ActionArea,
}
#: Tables 5, 8, 9, 10: the class of the entity a row names.
NAMED = {5: LKG.GovernmentAgency, 8: LKG.CoordinatingBody, 9: LKG.Policy, 10: LKG.SocialProgram}


@dataclass(frozen=True)
class Unit:
    """One comparable fact: its table, key (what it is about) and value, what it says, the node."""

    table: int
    key: tuple[str, ...]
    value: str
    node: str

    def show(self) -> str:
        return (
            f"Table {self.table}: {' / '.join(self.key)} = {self.value or '(stated)'}  [{_local(self.node)}]"
        )


@dataclass
class Score:
    """Curated and parsed units of one table, and the matching (curated unit -> parsed unit)."""

    table: int
    curated: list[Unit] = field(default_factory=list)
    parsed: list[Unit] = field(default_factory=list)
    matches: list[tuple[Unit, Unit]] = field(default_factory=list)

    @property
    def missed(self) -> list[Unit]:
        got = {id(c) for c, _p in self.matches}
        return [c for c in self.curated if id(c) not in got]

    @property
    def unmatched(self) -> list[Unit]:
        got = {id(p) for _c, p in self.matches}
        return [p for p in self.parsed if id(p) not in got]


@dataclass
class Quality:
    """Seed 002's tables: a score per table, and the curated facts citing a table that no unit covers."""

    scores: dict[int, Score]
    not_comparable: list[str]
    unmapped: list[str]

    def figures(self, table: int | None = None, without: int | None = None) -> dict[str, int]:
        """Curated, parsed and matched units of ``table`` (all tables if None, but ``without``)."""
        scores = (
            [self.scores[table]] if table is not None else [s for t, s in self.scores.items() if t != without]
        )
        return {
            "curated": sum(len(s.curated) for s in scores),
            "parsed": sum(len(s.parsed) for s in scores),
            "matched": sum(len(s.matches) for s in scores),
        }

    def recall(self, table: int | None = None, without: int | None = None) -> float:
        f = self.figures(table, without)
        return f["matched"] / f["curated"] if f["curated"] else 0.0

    def precision(self, table: int | None = None, without: int | None = None) -> float:
        f = self.figures(table, without)
        return f["matched"] / f["parsed"] if f["parsed"] else 0.0


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------


def norm(text: object) -> str:
    """Text as compared: NFC, reference markers "(12,99)" and marks (†, ‡, *) removed, typographic
    quotes and dashes as ASCII, lower case, spaces collapsed, a final full stop dropped."""
    t = unicodedata.normalize("NFC", split_refs(str(text))[0]).translate(_DASHES)
    t = _MARKS.sub("", t)
    t = " ".join(t.lower().split()).replace(" ,", ",")
    return t.rstrip(".").strip()


def _number(node: Node | None) -> str:
    if node is None:
        return ""
    d = Decimal(str(node))
    return format(d.normalize(), "f") if d == d.to_integral() else str(d.normalize())


def _true(node: Node) -> bool:
    return str(node).lower() in ("true", "1")


def _local(node: Node | str) -> str:
    return str(node).rsplit("/", 1)[-1]


# --------------------------------------------------------------------------------------------
# The seed's table lines (independent of the reader: a line with a tab under a "**Table N." title)
# --------------------------------------------------------------------------------------------


def table_lines(text: str) -> list[tuple[int, int, int, list[str]]]:
    """(table, start offset, end offset, cells) of every row line of the text's tables (the header line,
    the first tab-separated line under a title, left out)."""
    out = []
    table, header_seen, at = 0, True, 0
    for line in text.split("\n"):
        m = _TITLE.match(line)
        if m:
            table, header_seen = int(m.group(1)), False
        elif "\t" in line and table:
            if header_seen:
                out.append((table, at, at + len(line), line.split("\t")))
            header_seen = True
        at += len(line) + 1
    return out


def _table_passages(curated: Graph, text: str) -> dict[Node, int]:
    """Curated passages quoting (a part of) a table's row line: passage -> table number."""
    lines = table_lines(text)
    out: dict[Node, int] = {}
    for p, quote in curated.subject_objects(LKG.quote):
        q = str(quote)
        off = curated.value(p, LKG.charOffset)
        o = int(str(off)) if off is not None else -1
        at = o if o >= 0 and text[o : o + len(q)] == q else text.find(q)
        if at < 0 or not q.strip():
            continue
        for table, a, b, _cells in lines:
            if a <= at and at + len(q) <= b:
                out[p] = table
                break
    return out


# --------------------------------------------------------------------------------------------
# Units of a graph (curated or parsed)
# --------------------------------------------------------------------------------------------


def _obs_value(g: Graph, o: Node) -> str:
    parts = []
    if (v := g.value(o, LKG.value)) is not None:
        parts.append(f"{_number(v)} {_local(g.value(o, LKG.unit) or '')}")
    if (b := g.value(o, LKG.booleanValue)) is not None:
        parts.append("yes" if _true(b) else "no")
    if (n := g.value(o, LKG.valueNote)) is not None:
        parts.append(norm(n))
    if (a := g.value(o, LKG.ageRange)) is not None:
        parts.append(f"ages {a}")
    caveats = sorted(norm(g.value(c, RDFS.label) or "") for c in g.objects(o, LKG.caveat))
    if caveats:
        parts.append("caveats: " + "; ".join(caveats))
    return ", ".join(parts)


def _indicator(g: Graph, o: Node, year: int) -> str:
    ind = _local(g.value(o, LKG.indicator) or "")
    return CORRESPONDS.get((ind, year), (ind, ""))[0]


def _observations(g: Graph, nodes: list[Node], table: int, year: int) -> list[Unit]:
    out = []
    for o in nodes:
        ref = g.value(o, LKG.refYear)
        out.append(Unit(table, (_indicator(g, o, year), str(ref or "-")), _obs_value(g, o), str(o)))
    return out


_PROVISION = re.compile(r"^Articles? (.+?) of (?:the )?(.+)$")


def provisions(legislation: str) -> list[tuple[str, str]]:
    """(article, law) of each provision a Table 4 legislation cell names: "Articles 11, 12, and 22 of
    the Trafficking in Persons Law" -> 11, 12 and 22 of it; "Article 7, Section IV of …" stays one."""
    out = []
    for piece in split_refs(legislation)[0].split(";"):
        m = _PROVISION.match(piece.strip())
        if not m:
            if piece.strip():
                out.append(("", norm(piece)))
            continue
        numbers: list[str] = []
        for n in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group(1)):
            if n.lower().startswith("section") and numbers:
                numbers[-1] += f", {n}"
            elif n:
                numbers.append(n)
        out += [(norm(n), norm(m.group(2))) for n in numbers]
    return out


def _standard_units(g: Graph, s: Node, laws: list[tuple[str, str]]) -> list[Unit]:
    kind = _local(g.value(s, LKG.standardType) or "")
    out = []
    meets = g.value(s, LKG.meetsInternationalStandards)
    if meets is not None:
        out.append(Unit(4, (kind, "meets international standards"), "yes" if _true(meets) else "no", str(s)))
    age = g.value(s, LKG.minimumAge)
    if age is not None:
        out.append(Unit(4, (kind, "age"), str(int(str(age))), str(s)))
    out += [Unit(4, (kind, "legislation", f"article {a} of {law}"), "", str(s)) for a, law in laws]
    return out


def _names(g: Graph, e: Node) -> set[str]:
    """The names an entity goes by, as a table's first cell may print them: label, alternative labels,
    with its acronym and its years ("… (PRONAPPINA) (2021–2024)")."""
    labels = [str(x) for p in (RDFS.label, SKOS.altLabel) for x in g.objects(e, p)]
    acronyms = [str(x) for x in g.objects(e, LKG.acronym)]
    start, end = g.value(e, LKG.startDate), g.value(e, LKG.endDate)
    years = [f" ({start}-{end})"] if start is not None and end is not None else []
    out = set()
    for label in labels:
        for a in ["", *[f" ({x})" for x in acronyms]]:
            for y in ["", *years]:
                out.add(norm(label + a + y))
    return out


def curated_units(curated: Graph, text: str) -> tuple[dict[int, list[Unit]], list[str]]:
    """The curated facts of the tables, per table, and the curated facts that cite a table's row but
    state something no table unit covers (a name in a cell's prose, a sub-activity's broader …)."""
    passages = _table_passages(curated, text)
    first_cells: dict[int, set[str]] = defaultdict(set)
    for table, _a, _b, cells in table_lines(text):
        first_cells[table].add(norm(cells[0]))
    subjects: dict[Node, set[int]] = defaultdict(set)
    for s, p in curated.subject_objects(LKG.source):
        if p in passages:
            subjects[s].add(passages[p])
    year = 2022
    units: dict[int, list[Unit]] = defaultdict(list)
    other: list[str] = []
    for s, tables in sorted(subjects.items(), key=lambda kv: str(kv[0])):
        types = set(curated.objects(s, RDF.type))
        for t in sorted(tables):
            if LKG.Observation in types and t in (1, 6, 7):
                units[t] += _observations(curated, [s], t, year)
            elif LKG.Ratification in types and t == 3:
                inst = _local(curated.value(s, LKG.ratifiedInstrument) or "")
                units[3].append(Unit(3, (inst,), "ratified", str(s)))
            elif LKG.LegalStandard in types and t == 4:
                laws = []
                for prov in curated.objects(s, LKG.establishedBy):
                    laws += provisions(str(curated.value(prov, RDFS.label) or ""))
                units[4] += _standard_units(curated, s, laws)
            elif LKG.ChildLaborActivity in types and t == 2:
                sector = _local(curated.value(s, LKG.inSector) or "")
                units[2].append(Unit(2, (sector, norm(curated.value(s, RDFS.label) or "")), "", str(s)))
            elif LKG.SuggestedAction in types and t == 11:
                units[11].append(_action_unit(curated, s))
            elif t in NAMED and NAMED[t] in types and (names := _names(curated, s) & first_cells[t]):
                units[t].append(Unit(t, (sorted(names)[0],), "", str(s)))
            elif not types & _KEYS:
                kinds = ", ".join(sorted(_local(x).split("#")[-1] for x in types)) or "no type"
                other.append(f"Table {t}: {_local(s)} ({kinds})")
    return units, other


def _action_unit(g: Graph, s: Node) -> Unit:
    area = _local(g.value(s, LKG.actionArea) or "")
    years = ", ".join(sorted(str(y) for y in g.objects(s, LKG.yearSuggested)))
    return Unit(11, (area, norm(g.value(s, LKG.actionText) or "")), years, str(s))


def _activity_head(label: str) -> str:
    """A parsed Table 2 row's head: its words up to the first mark or comma ("Working in agriculture,†
    including …" -> "working in agriculture"); the curated data names activities so."""
    head = re.split(r"[,†‡]", split_refs(label)[0], maxsplit=1)[0]
    return norm(head)


def parsed_units(parsed: Graph, year: int) -> dict[int, list[Unit]]:
    """The parsed facts per table, in the same units (a parsed Table 3 mark is one unit: its observation;
    the lkg:Ratification it also makes for a ✓ is the same fact)."""
    units: dict[int, list[Unit]] = defaultdict(list)
    for o in parsed.subjects(RDF.type, LKG.Observation):
        m = re.search(r"-t(\d{1,2})-", _local(o))
        t = int(m.group(1)) if m else 0
        if t == 3:
            inst = _local(parsed.value(o, LKG.indicator) or "").removeprefix("indicator-findings-ratified-")
            ok = parsed.value(o, LKG.booleanValue)
            units[3].append(Unit(3, (inst,), "ratified" if ok and _true(ok) else "not ratified", str(o)))
        elif t in (1, 6, 7):
            units[t] += _observations(parsed, [o], t, year)
    for s in parsed.subjects(RDF.type, LKG.LegalStandard):
        desc = str(parsed.value(s, LKG.description) or "").removeprefix("Legislation: ")
        units[4] += _standard_units(parsed, s, provisions(desc) if desc else [])
    for s in parsed.subjects(RDF.type, LKG.ChildLaborActivity):
        sector = _local(parsed.value(s, LKG.inSector) or "")
        units[2].append(Unit(2, (sector, _activity_head(str(parsed.value(s, RDFS.label) or ""))), "", str(s)))
    for s in parsed.subjects(RDF.type, LKG.SuggestedAction):
        units[11].append(_action_unit(parsed, s))
    for t, cls in NAMED.items():
        for s in parsed.subjects(RDF.type, cls):
            desc = str(parsed.value(s, LKG.description) or "")
            if f"Table {t})" in desc:
                units[t].append(Unit(t, (norm(parsed.value(s, RDFS.label) or ""),), "", str(s)))
    return units


def match(curated: list[Unit], parsed: list[Unit]) -> list[tuple[Unit, Unit]]:
    """Pairs of equal units (same table, key and value), each unit in at most one pair."""
    free: dict[tuple, list[Unit]] = defaultdict(list)
    for p in parsed:
        free[(p.table, p.key, p.value)].append(p)
    out = []
    for c in curated:
        got = free.get((c.table, c.key, c.value))
        if got:
            out.append((c, got.pop(0)))
    return out


# --------------------------------------------------------------------------------------------
# The measurement and its report
# --------------------------------------------------------------------------------------------


def measure(seed: Path | str, curated: Graph) -> Quality:
    """Parse ``seed``'s tables and compare them with the ``curated`` facts."""
    path = Path(seed)
    graph, summary, report = map_text(path)
    cur, other = curated_units(curated, report.text)
    par = parsed_units(graph, report.year)
    scores = {}
    for t in range(1, 12):
        s = Score(t, sorted(cur.get(t, []), key=_order), sorted(par.get(t, []), key=_order))
        s.matches = match(s.curated, s.parsed)
        scores[t] = s
    return Quality(scores, other, list(summary.unmapped))


def _order(u: Unit) -> tuple:
    return (u.key, u.value, u.node)


def curated_graph(data_dir: Path | str) -> Graph:
    """The hand-curated facts of seed 002 (data/usdol-2022-*.ttl), with the names (labels, acronyms)
    the other curated files give the entities they share (CITI's is in data/cancellation.ttl)."""
    files = sorted(Path(data_dir).glob(CURATED))
    if not files:
        raise InputError(f"{data_dir}: no curated files {CURATED}")
    g = Graph()
    for f in files:
        g.parse(f, format="turtle")
    for f in sorted(set(Path(data_dir).glob("*.ttl")) - set(files)):
        other = Graph().parse(f, format="turtle")
        for p in (RDFS.label, SKOS.altLabel, LKG.acronym):
            for t in other.triples((None, p, None)):
                g.add(t)
    return g


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def text(q: Quality) -> str:
    """Per table and overall: curated, parsed, matched, recall, precision; then every miss (with the
    parsed value of the same key, if any) and every parsed fact no curated fact matches."""
    lines = ["table   curated  parsed  matched  recall   precision"]
    for t in q.scores:
        f = q.figures(t)
        lines.append(
            f"{t:<7} {f['curated']:>7} {f['parsed']:>7} {f['matched']:>8}  {_pct(q.recall(t)):>7}  "
            f"{_pct(q.precision(t)):>8}"
        )
    f = q.figures()
    lines.append(
        f"{'all':<7} {f['curated']:>7} {f['parsed']:>7} {f['matched']:>8}  {_pct(q.recall()):>7}  "
        f"{_pct(q.precision()):>8}   (targets: recall >= {_pct(TARGETS['recall'])}, "
        f"precision >= {_pct(TARGETS['precision'])})"
    )
    f = q.figures(without=2)
    lines.append(
        f"{'not 2':<7} {f['curated']:>7} {f['parsed']:>7} {f['matched']:>8}  {_pct(q.recall(without=2)):>7}  "
        f"{_pct(q.precision(without=2)):>8}   (all but Table 2, whose curated data splits some rows into "
        "sub-activities the parser keeps whole)"
    )
    missed = [(s, c) for s in q.scores.values() for c in s.missed]
    lines += ["", f"missed: {len(missed)} curated fact(s) the parsed facts do not give equal"]
    for s, c in missed:
        same_key = [p for p in s.parsed if p.key == c.key]
        parsed = f"; parsed {same_key[0].value or '(stated)'!r}" if same_key else "; not parsed"
        lines.append(f"  {c.show()}{parsed}")
    unmatched = [p for s in q.scores.values() for p in s.unmatched]
    lines += ["", f"unmatched: {len(unmatched)} parsed fact(s) no curated fact matches"]
    lines += [f"  {p.show()}" for p in unmatched]
    lines += ["", f"rows the parser did not map: {len(q.unmapped)}"] + [f"  {u}" for u in q.unmapped]
    lines += [
        "",
        f"not compared: {len(q.not_comparable)} curated fact(s) citing a table row that state what no "
        "table unit covers",
    ]
    lines += [f"  {x}" for x in q.not_comparable]
    return "\n".join(lines) + "\n"


def as_dict(q: Quality) -> dict:
    def unit(u: Unit) -> dict:
        return {"table": u.table, "key": list(u.key), "value": u.value, "fact": u.node}

    return {
        "seed": SEED,
        "targets": TARGETS,
        "overall": {**q.figures(), "recall": q.recall(), "precision": q.precision()},
        "without_table_2": {
            **q.figures(without=2),
            "recall": q.recall(without=2),
            "precision": q.precision(without=2),
        },
        "tables": {
            str(t): {**q.figures(t), "recall": q.recall(t), "precision": q.precision(t)} for t in q.scores
        },
        "matched": [[unit(c), unit(p)] for s in q.scores.values() for c, p in s.matches],
        "missed": [unit(c) for s in q.scores.values() for c in s.missed],
        "unmatched": [unit(p) for s in q.scores.values() for p in s.unmatched],
        "unmapped_rows": q.unmapped,
        "not_compared": q.not_comparable,
    }


__all__ = ["Quality", "Score", "Unit", "curated_graph", "measure", "norm", "provisions", "text"]

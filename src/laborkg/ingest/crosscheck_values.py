"""What a cross-check holds (sources, sides, rows, the comparison) and how two values compare: numbers
exactly, Yes/No as booleans, states by their spelling (:data:`SPELLINGS`), words after :func:`normalise`."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import Graph, Literal
from rdflib.namespace import RDFS, XSD
from rdflib.term import Node

from laborkg.namespace import LKG, LKR

#: How a row compared, in the order the outputs list them.
STATUSES = ("differ", "agree", "seed-only", "xml-only")
_TYPOGRAPHY = {0x2019: "'", 0x2018: "'", 0x201C: '"', 0x201D: '"'}

# --------------------------------------------------------------------------------------------
# What a comparison holds
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a value is read: a seed passage (``where`` its IRI) or an XML element (``where`` its path),
    with its verbatim text."""

    file: str
    where: str
    text: str

    def as_dict(self) -> dict:
        key = "element" if self.file.endswith(".xml") else "passage"
        return {"file": self.file, key: self.where, "text": self.text}


@dataclass(frozen=True)
class Side:
    """One source's value: as shown, the facts stating it and the sources they cite for it."""

    value: str
    facts: tuple[Node, ...]
    sources: tuple[Source, ...]
    words: str = ""  # where a value is part of a longer text: the words compared

    def as_dict(self) -> dict:
        out = {
            "value": self.value,
            "facts": [str(f) for f in self.facts],
            "sources": [s.as_dict() for s in self.sources],
        }
        if self.words:
            out["words"] = self.words
        return out


@dataclass(frozen=True)
class Row:
    """One value of one kind (``what``), compared: ``status`` is agree, differ, seed-only or xml-only.
    ``conflicts``: the (curated fact, findings fact) pairs a difference links with lkg:conflictsWith."""

    kind: str
    what: str
    status: str
    seed: Side | None
    xml: Side | None
    note: str = ""
    conflicts: tuple[tuple[Node, Node], ...] = ()

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "kind": self.kind,
            "what": self.what,
            "seed": self.seed.as_dict() if self.seed else None,
            "xml": self.xml.as_dict() if self.xml else None,
            "note": self.note,
            "conflicts": [[str(a), str(b)] for a, b in self.conflicts],
        }


@dataclass
class Comparison:
    """A country-year's record (``xml_file``, its SHA-256 and record position) against the facts curated
    from ``seed_file``: rows, and what was left out of the comparison (count, why)."""

    country: str
    year: int
    seed_file: str
    xml_file: str
    sha256: str
    record: int
    rows: list[Row] = field(default_factory=list)
    not_compared: list[tuple[int, str]] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.rows)

    def figures(self) -> dict[str, int]:
        """values compared (agree + differ), agree, differ, seed-only, xml-only."""
        agree, differ = self.count("agree"), self.count("differ")
        return {
            "compared": agree + differ,
            "agree": agree,
            "differ": differ,
            "seed-only": self.count("seed-only"),
            "xml-only": self.count("xml-only"),
        }

    def conflict_pairs(self) -> list[tuple[Node, Node]]:
        return sorted({p for r in self.rows for p in r.conflicts}, key=str)


def gyear(year: int) -> Literal:
    return Literal(str(year), datatype=XSD.gYear)


def normalise(text: str) -> str:
    """Text compared as words: NFKC, typographic quotes as plain ones, whitespace collapsed."""
    t = unicodedata.normalize("NFKC", text)
    t = t.translate(_TYPOGRAPHY)
    return " ".join(t.split())


def label(graphs: Iterable[Graph], node: Node | None) -> str:
    if node is None:
        return "?"
    for g in graphs:
        for lit in g.objects(node, RDFS.label):
            if getattr(lit, "language", None) in ("en", None):
                return " ".join(str(lit).split())
    return str(node).rsplit("/", 1)[-1]


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    number: Decimal | None = None
    boolean: bool | None = None
    note: str | None = None
    unit: Node | None = None
    ages: tuple[int, ...] | None = None
    age_text: str | None = None


def observed(g: Graph, obs: Node) -> Value:
    number = g.value(obs, LKG.value)
    boolean = g.value(obs, LKG.booleanValue)
    note = g.value(obs, LKG.valueNote)
    age = g.value(obs, LKG.ageRange)
    return Value(
        number=Decimal(str(number)) if number is not None else None,
        boolean=as_bool(boolean),
        note=str(note) if note is not None else None,
        unit=g.value(obs, LKG.unit),
        ages=tuple(int(n) for n in re.findall(r"\d+", str(age))) if age is not None else None,
        age_text=str(age) if age is not None else None,
    )


def as_bool(lit: Node | None) -> bool | None:
    return None if lit is None else str(lit).strip().lower() in ("true", "1")


def _number(d: Decimal) -> str:
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.normalize():f}"


def show(v: Value) -> str:
    if v.number is not None:
        text = _number(v.number)
        if v.unit == LKR["unit-percent"] or str(v.unit).endswith("unit-percent"):
            text += "%"
        elif v.unit is not None and str(v.unit).endswith("/USD"):
            text = "$" + text
    elif v.boolean is not None:
        text = "Yes" if v.boolean else "No"
    else:
        text = v.note or "?"
    return text + (f" (ages {v.age_text})" if v.age_text else "")


#: Pure spellings of one state, as the two sources write it (lower case -> the spelling compared): the
#: structured data's "Not Applicable" is the tables' "N/A" (docs/reports.md, Agreement). Other states
#: (Unknown, Unavailable, None) are different answers, never equated.
SPELLINGS = {"not applicable": "n/a"}


def state(note: str) -> str:
    """A state as compared: case and spacing aside, one spelling for each of :data:`SPELLINGS`."""
    key = " ".join(note.split()).casefold()
    return SPELLINGS.get(key, key)


def agree(seed: Value, xml: Value) -> tuple[bool, list[str]]:
    """Whether two observed values are the same, and notes on what was not compared."""
    notes: list[str] = []
    if seed.number is not None and xml.number is not None:
        same = seed.number == xml.number
    elif seed.boolean is not None and xml.boolean is not None:
        same = seed.boolean == xml.boolean
    elif seed.note is not None and xml.note is not None:
        same = state(seed.note) == state(xml.note)
        if same and seed.note.casefold() != xml.note.casefold():
            notes.append(f"the same state, spelled {seed.note!r} and {xml.note!r}")
    else:
        same = False
    if seed.unit != xml.unit and seed.number is not None and xml.number is not None:
        if seed.unit is None or xml.unit is None:
            which = "the XML" if xml.unit is None else "seed 002"
            notes.append(f"{which} states no unit ({label([], seed.unit or xml.unit)} in the other)")
        else:
            same = False
    if seed.ages is not None and xml.ages is not None and seed.ages != xml.ages:
        same = False
    return same, notes


def number_counts(text: str) -> Counter:
    out: Counter = Counter()
    for n in re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", text):
        try:
            out[Decimal(n.replace(",", ""))] += 1
        except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
            pass
    return out


def fragments(a: str, b: str) -> tuple[str, str]:
    """The words where two texts differ: (a's, b's), parts joined with ' … '."""
    wa, wb = a.split(), b.split()
    fa, fb = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if tag != "equal":
            fa.append(" ".join(wa[i1:i2]) or "(nothing)")
            fb.append(" ".join(wb[j1:j2]) or "(nothing)")
    return " … ".join(fa), " … ".join(fb)


def shorten(text: str, n: int = 72) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1].rstrip() + "…"

"""Cross-check USDOL's structured Findings record of a country-year with the facts curated from its
narrative report (Mexico 2022: seed 002): which values agree, which differ, which are in one source only,
each with its sources; and the lkg:conflictsWith links that keep every difference as two sourced facts
(docs/crosscheck-mexico-2022.md)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import QB, RDF, RDFS, XSD
from rdflib.term import Node

from laborkg.errors import InputError
from laborkg.ingest.countries import reconcile
from laborkg.namespace import BASE, LKG, LKR

#: The country-year cross-checked by default: the one seed 002 reports on.
COUNTRY, YEAR = "Mexico", 2022

#: The narrative report curated for a country-year: (country, reporting year) -> its seed file.
NARRATIVES: dict[tuple[str, int], str] = {("Mexico", 2022): "002_050c8baefa641c9c.txt"}

#: Findings indicators whose element, in a reporting year, fills a row of the narrative's tables that seed
#: 002 curates under another indicator: (findings indicator, year) -> (seed indicator, why). Only where the
#: year's file has no element of the seed's own indicator and the report's table has one such row.
CORRESPONDS: dict[tuple[str, int], tuple[str, str]] = {
    ("indicator-findings-labor-inspections", 2022): (
        "indicator-number-of-labor-inspections-at-worksite",
        "the 2022 file has no Labor_Worksite_Inspections element (2015-2021 only), and the 2022 report's "
        "Table 6 has one inspections row, 'Number of Labor Inspections Conducted at Worksite'",
    ),
    ("indicator-findings-labor-new-employee-training", 2022): (
        "indicator-training-for-labor-inspectors-provided",
        "the 2022 file's one training element for labor inspectors (Labor_New_Law_Training and "
        "Labor_Refresher_Courses are 2015-2021 only); the 2022 report's Table 6 has one training row, "
        "'Training for Labor Inspectors Provided'",
    ),
    ("indicator-findings-criminal-new-employee-training", 2022): (
        "indicator-training-for-criminal-investigators-provided",
        "the 2022 file's one training element for criminal investigators (Criminal_New_Law_Training and "
        "Criminal_Refresher_Courses are 2015-2021 only); the 2022 report's Table 7 has one training row, "
        "'Training for Criminal Investigators Provided'",
    ),
}

#: USDOL's assessment levels, as the narrative's heading writes them.
LEVELS = (
    "Significant Advancement",
    "Moderate Advancement",
    "Minimal Advancement",
    "No Advancement",
    "No Assessment",
)

STATUSES = ("differ", "agree", "seed-only", "xml-only")
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
_RATIFIED = "indicator-findings-ratified-"
_TYPOGRAPHY = {0x2019: "'", 0x2018: "'", 0x201C: '"', 0x201D: '"'}
_IDENTIFYING = {"Name", "Good_Name", "Age_Range", "Year"}
_TERRITORY = URIRef(BASE + "ontology#territoryName")  # a findings term not every version maps yet

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


# --------------------------------------------------------------------------------------------
# Reading the two graphs
# --------------------------------------------------------------------------------------------


def _gyear(year: int) -> Literal:
    return Literal(str(year), datatype=XSD.gYear)


def normalise(text: str) -> str:
    """Text compared as words: NFKC, typographic quotes as plain ones, whitespace collapsed."""
    t = unicodedata.normalize("NFKC", text)
    t = t.translate(_TYPOGRAPHY)
    return " ".join(t.split())


def _label(graphs: Iterable[Graph], node: Node | None) -> str:
    if node is None:
        return "?"
    for g in graphs:
        for lit in g.objects(node, RDFS.label):
            if getattr(lit, "language", None) in ("en", None):
                return " ".join(str(lit).split())
    return str(node).rsplit("/", 1)[-1]


def _fact_classes(*graphs: Graph) -> set[URIRef]:
    """lkg:Fact and its subclasses, from the graphs' ontology (or the shipped ontology's files)."""
    from laborkg import paths

    schema = Graph()
    for g in graphs:
        for t in g.triples((None, RDFS.subClassOf, None)):
            schema.add(t)
    if not any(schema.subjects(RDFS.subClassOf, LKG.Fact)):
        for f in paths.ontology_files():
            schema.parse(f, format="turtle")
    found, todo = {LKG.Fact}, [LKG.Fact]
    while todo:
        for sub in schema.subjects(RDFS.subClassOf, todo.pop()):
            if isinstance(sub, URIRef) and sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


class _Curated:
    """The facts curated from the narrative: those citing a passage of ``seed_file``."""

    def __init__(self, g: Graph, seed_file: str, facts: set[URIRef]) -> None:
        self.g = g
        self.seed_file = seed_file
        doc = next(g.subjects(LKG.fileName, Literal(seed_file)), None)
        if doc is None:
            raise InputError(f"the curated data cite no passage of {seed_file}: nothing to cross-check")
        self.passages = set(g.subjects(LKG.inDocument, doc))
        self.cited: Counter[Node] = Counter(p for p in self.passages for _ in g.subjects(LKG.source, p))
        self.facts: set[Node] = {
            s
            for p in self.passages
            for s in g.subjects(LKG.source, p)
            if isinstance(s, URIRef) and any(c in facts for c in g.objects(s, RDF.type))
        }

    def of_type(self, cls: URIRef) -> list[Node]:
        return sorted((f for f in self.facts if (f, RDF.type, cls) in self.g), key=str)

    def passages_of(self, fact: Node, value: str = "") -> list[Node]:
        """The seed passages a fact cites: first those whose quote holds ``value`` (as the seed writes it),
        then the most specific (the passages fewest subjects cite)."""
        ps = [p for p in self.g.objects(fact, LKG.source) if p in self.passages]
        token = re.sub(r"\s*\(ages .*\)$", "", value).strip("$%")
        return sorted(ps, key=lambda p: (not token or token not in self.quote(p), self.cited[p], str(p)))

    def source(self, passage: Node) -> Source:
        return Source(self.seed_file, "lkp:" + str(passage).rsplit("/", 1)[-1], self.quote(passage))

    def quote(self, passage: Node) -> str:
        return str(self.g.value(passage, LKG.quote) or "")

    def side(
        self, value: str, facts: Iterable[Node], passages: Iterable[Node] | None = None, match: str = ""
    ) -> Side:
        """A value, the facts stating it and the passages they cite (first those quoting ``match``)."""
        facts = tuple(sorted(set(facts), key=str))
        if passages is None:
            seen: dict[Node, None] = {}
            for f in facts:
                seen.update(dict.fromkeys(self.passages_of(f, match)))
            passages = seen
        return Side(value, facts, tuple(self.source(p) for p in passages))


class _Findings:
    """The facts of one country-year's record in the findings graph, and the element values they cite."""

    def __init__(self, g: Graph, country: URIRef, year: int, facts: set[URIRef]) -> None:
        self.g = g
        self.year = year
        self.record: Node | None = None
        self.file: Node | None = None
        for ev in g.objects(country, LKG.source):
            doc = g.value(ev, LKG.inDocument)
            if str(g.value(ev, LKG.elementPath)) == "Name[1]" and g.value(doc, LKG.reportingYear) == _gyear(
                year
            ):
                self.record = g.value(ev, LKG.countryRecord)
                self.file = doc
        if self.record is None:
            raise InputError(f"the findings graph holds no {year} record of {_label([g], country)}")
        self.file_name = str(g.value(self.file, LKG.fileName))
        self.sha256 = str(g.value(self.file, LKG.sha256))
        self.position = int(str(g.value(self.record, LKG.recordPosition) or 0))
        self.values = {
            ev for ev in g.subjects(LKG.countryRecord, self.record) if (ev, RDF.type, LKG.ElementValue) in g
        }
        self.facts: set[Node] = {
            s
            for ev in self.values
            for s in g.subjects(LKG.source, ev)
            if isinstance(s, URIRef) and any(c in facts for c in g.objects(s, RDF.type))
        }
        self.used: set[Node] = set()  # element values a row has compared

    def of_type(self, cls: URIRef) -> list[Node]:
        return sorted((f for f in self.facts if (f, RDF.type, cls) in self.g), key=str)

    def path(self, ev: Node) -> str:
        return str(self.g.value(ev, LKG.elementPath))

    def values_of(self, fact: Node) -> list[Node]:
        """The element values a fact cites: its values first, then what identifies them (a good's name,
        an age range, the record's Name)."""
        evs = [ev for ev in self.g.objects(fact, LKG.source) if ev in self.values]
        return sorted(evs, key=lambda ev: (self.identifies(ev), self.path(ev)))

    def identifies(self, ev: Node) -> bool:
        """Whether an element names what a value is about (Name, Good_Name, Age_Range, Year), not a value."""
        return re.sub(r"\[\d+\]$", "", self.path(ev).rsplit("/", 1)[-1]) in _IDENTIFYING

    def element(self, fact: Node, name: str) -> Node | None:
        """The element value of ``fact`` whose last step is ``name`` (``Labor_Inspectors``)."""
        for ev in self.values_of(fact):
            if re.sub(r"\[\d+\]$", "", self.path(ev).rsplit("/", 1)[-1]) == name:
                return ev
        return None

    def source(self, ev: Node) -> Source:
        return Source(self.file_name, self.path(ev), str(self.g.value(ev, LKG.quote) or ""))

    def side(self, value: str, facts: Iterable[Node], evs: Iterable[Node]) -> Side:
        evs = sorted(set(evs), key=lambda ev: (self.identifies(ev), self.path(ev)))
        self.used.update(evs)
        return Side(value, tuple(sorted(set(facts), key=str)), tuple(self.source(ev) for ev in evs))


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Value:
    number: Decimal | None = None
    boolean: bool | None = None
    note: str | None = None
    unit: Node | None = None
    ages: tuple[int, ...] | None = None
    age_text: str | None = None


def _observed(g: Graph, obs: Node) -> _Value:
    number = g.value(obs, LKG.value)
    boolean = g.value(obs, LKG.booleanValue)
    note = g.value(obs, LKG.valueNote)
    age = g.value(obs, LKG.ageRange)
    return _Value(
        number=Decimal(str(number)) if number is not None else None,
        boolean=_bool(boolean),
        note=str(note) if note is not None else None,
        unit=g.value(obs, LKG.unit),
        ages=tuple(int(n) for n in re.findall(r"\d+", str(age))) if age is not None else None,
        age_text=str(age) if age is not None else None,
    )


def _bool(lit: Node | None) -> bool | None:
    return None if lit is None else str(lit).strip().lower() in ("true", "1")


def _number(d: Decimal) -> str:
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.normalize():f}"


def _show(v: _Value) -> str:
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


def _agree(seed: _Value, xml: _Value) -> tuple[bool, list[str]]:
    """Whether two observed values are the same, and notes on what was not compared."""
    notes: list[str] = []
    if seed.number is not None and xml.number is not None:
        same = seed.number == xml.number
    elif seed.boolean is not None and xml.boolean is not None:
        same = seed.boolean == xml.boolean
    elif seed.note is not None and xml.note is not None:
        same = seed.note.casefold() == xml.note.casefold()
    else:
        same = False
    if seed.unit != xml.unit and seed.number is not None and xml.number is not None:
        if seed.unit is None or xml.unit is None:
            which = "the XML" if xml.unit is None else "seed 002"
            notes.append(f"{which} states no unit ({_label([], seed.unit or xml.unit)} in the other)")
        else:
            same = False
    if seed.ages is not None and xml.ages is not None and seed.ages != xml.ages:
        same = False
    return same, notes


def _numbers(text: str) -> Counter:
    out: Counter = Counter()
    for n in re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", text):
        try:
            out[Decimal(n.replace(",", ""))] += 1
        except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
            pass
    return out


def _fragments(a: str, b: str) -> tuple[str, str]:
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


# --------------------------------------------------------------------------------------------
# The comparison, kind by kind
# --------------------------------------------------------------------------------------------


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
    facts = _fact_classes(curated, findings)
    cur = _Curated(curated, seed_file, facts)
    fin = _Findings(findings, iri, year, facts)
    if seed_text is None:
        from laborkg import paths

        seed_text = (paths.SEEDS_DIR / seed_file).read_text(encoding="utf-8")
    out = Comparison(country, year, seed_file, fin.file_name, fin.sha256, fin.position)
    out.rows += _advancement(cur, fin)
    out.rows += _summary(cur, fin, seed_text)
    obs_rows, skipped = _observations(cur, fin, iri, year)
    out.rows += _ratifications(cur, fin, iri)
    out.rows += _standards(cur, fin, iri, out)
    out.rows += obs_rows
    out.rows += _actions(cur, fin, out)
    if skipped:
        out.not_compared.append(
            (
                skipped,
                f"figures of seed 002's enforcement tables for earlier years than {year} (the report's "
                f"previous-year column): the {year} record gives {year} figures only",
            )
        )
    out.rows += _xml_only(fin)
    order = {k: i for i, k in enumerate(KINDS)}
    out.rows.sort(key=lambda r: order.get(r.kind, len(order)))
    return out


def _advancement(cur: _Curated, fin: _Findings) -> list[Row]:
    """The profile's lkg:advancementLevel against the narrative's heading naming a level."""
    levels = {lv.casefold(): lv for lv in LEVELS}
    seed: dict[str, list[tuple[Node, Node]]] = defaultdict(list)
    for f in cur.facts:
        for p in cur.passages_of(f):
            level = levels.get(" ".join(cur.quote(p).replace("#", " ").split()).casefold())
            if level:
                seed[level].append((f, p))
    xml: list[tuple[Node, str, Node]] = []
    for prof in fin.of_type(LKG.CountryProfile):
        for lit in fin.g.objects(prof, LKG.advancementLevel):
            ev = fin.element(prof, "Advancement_Level")
            if ev is not None:
                xml.append((prof, " ".join(str(lit).split()), ev))
    if not seed and not xml:
        return []
    s_side = None
    if seed:
        pairs = [fp for lv in sorted(seed) for fp in seed[lv]]
        s_side = cur.side(" / ".join(sorted(seed)), [f for f, _ in pairs], dict.fromkeys(p for _, p in pairs))
    x_side = None
    if xml:
        x_side = fin.side(
            " / ".join(sorted({t for _, t, _ in xml})), [p for p, _, _ in xml], [e for *_, e in xml]
        )
    if s_side is None or x_side is None:
        status = "seed-only" if x_side is None else "xml-only"
        return [Row("assessment", "advancement level", status, s_side, x_side)]
    same = {v.casefold() for v in seed} == {t.casefold() for _, t, _ in xml}
    conflicts = () if same else tuple((a, b) for a in s_side.facts for b in x_side.facts)
    return [
        Row("assessment", "advancement level", "agree" if same else "differ", s_side, x_side, "", conflicts)
    ]


def _position_maps(a: str, b: str) -> tuple[list[int], list[int]]:
    """For each position i of ``a``: where a span starting at i starts in ``b``, and where a span ending
    at i (exclusive) ends in ``b``."""
    start, end = [0] * (len(a) + 1), [0] * (len(a) + 1)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        for i in range(i1, i2):
            start[i] = j1 + (i - i1) if tag == "equal" else j1
            end[i + 1] = j1 + (i - i1) + 1 if tag == "equal" else j2
    start[len(a)] = len(b)
    return start, end


def _summary(cur: _Curated, fin: _Findings, seed_text: str) -> list[Row]:
    """The passages curated from the narrative's summary paragraph against the same words of the XML's
    Description (the profile's lkg:description): a sentence whose words differ is a difference, and the
    curated facts stating a figure that the XML's words do not give conflict with the profile."""
    rows: list[Row] = []
    for prof in fin.of_type(LKG.CountryProfile):
        ev = fin.element(prof, "Description")
        if ev is None:
            continue
        desc = normalise(str(fin.g.value(ev, LKG.quote)))
        paragraphs = [normalise(line) for line in seed_text.splitlines() if line.strip()]
        # the closest of the paragraphs whose characters could match (quick_ratio bounds ratio from above)
        likely = sorted(paragraphs, key=lambda p: -difflib.SequenceMatcher(None, p, desc).quick_ratio())[:5]
        para = max(likely, key=lambda p: difflib.SequenceMatcher(None, p, desc, autojunk=False).ratio())
        if difflib.SequenceMatcher(None, para, desc, autojunk=False).ratio() < 0.8:
            continue  # the narrative has no paragraph like the XML's description
        start, end = _position_maps(para, desc)
        fin.used.add(ev)
        located = []
        for p in cur.passages:
            q = normalise(cur.quote(p))
            at = para.find(q) if q else -1
            if at >= 0 and [f for f in cur.facts if (f, LKG.source, p) in cur.g]:
                located.append((at, p, q))
        for at, p, q in sorted(located, key=lambda t: (t[0], str(t[1]))):
            said = [f for f in sorted(cur.facts, key=str) if (f, LKG.source, p) in cur.g]
            xml_words = desc[start[at] : end[at + len(q)]].strip()
            what = f"{_sentences(para, at, at + len(q))}: {shorten(q, 48)}"
            same = q == xml_words
            note = ""
            raw = " ".join(cur.quote(p).split())
            if same and raw not in " ".join(str(fin.g.value(ev, LKG.quote)).split()):
                note = "the same words; the typography differs (quotes, apostrophes or spacing)"
            if same:
                s_val, x_val = shorten(q, 60), shorten(xml_words, 60)
            else:
                s_val, x_val = _fragments(q, xml_words)
            seed_side = replace(cur.side(s_val, said, [p]), words=q)
            xml_side = replace(fin.side(x_val, [prof], [ev]), words=xml_words)
            conflicts: tuple = ()
            if not same:
                gone = _numbers(q) - _numbers(xml_words)
                stating = [f for f in said if _states_number(cur.g, f, gone)]
                if not stating:
                    stating = [f for f in said if _states_words(cur.g, f, s_val)]
                conflicts = tuple((f, prof) for f in stating)
                note = (
                    "curated facts stating what the XML's words do not: "
                    + ", ".join("lkr:" + str(f).rsplit("/", 1)[-1] for f in stating)
                    if stating
                    else "no curated fact states the differing words as a value"
                )
            rows.append(
                Row("summary", what, "agree" if same else "differ", seed_side, xml_side, note, conflicts)
            )
    return rows


def _sentences(paragraph: str, start: int, end: int) -> str:
    """``sentence 3`` or ``sentences 1-2``: the sentences of ``paragraph`` the span [start, end) covers."""
    bounds = [0] + [m.end() for m in re.finditer(r"(?<=\.) (?=[A-Z])", paragraph)] + [len(paragraph) + 1]
    covered = [i + 1 for i in range(len(bounds) - 1) if bounds[i] < end and start < bounds[i + 1]]
    if len(covered) == 1:
        return f"sentence {covered[0]}"
    return f"sentences {covered[0]}-{covered[-1]}"


def _states_number(g: Graph, fact: Node, numbers: Counter) -> bool:
    for prop in (LKG.value, LKG.quantityMin, LKG.quantityMax):
        for v in g.objects(fact, prop):
            try:
                if Decimal(str(v)) in numbers:
                    return True
            except InvalidOperation:
                continue
    return False


def _states_words(g: Graph, fact: Node, words: str) -> bool:
    parts = [w for w in words.split(" … ") if w and w != "(nothing)"]
    return bool(parts) and any(
        all(normalise(w) in normalise(str(o)) for w in parts)
        for p, o in g.predicate_objects(fact)
        if isinstance(o, Literal) and p not in (RDFS.label, RDFS.comment)
    )


def _observations(cur: _Curated, fin: _Findings, country: Node, year: int) -> tuple[list[Row], int]:
    """The record's observations (figures, Yes/No, explicit states) against the observations of the
    narrative's tables (qb:dataSet) for the same indicator: of the same year where the XML gives one (its
    enforcement figures), else of any year (its statistics, whose data year the XML does not give)."""
    g, fg = cur.g, fin.g
    table = [
        o
        for o in cur.of_type(LKG.Observation)
        if g.value(o, QB.dataSet) is not None and g.value(o, LKG.refArea) == country
    ]
    xml_obs = [o for o in fin.of_type(LKG.Observation) if fg.value(o, LKG.good) is None]
    xml_obs = [
        o for o in xml_obs if not str(fg.value(o, LKG.indicator)).rsplit("/", 1)[-1].startswith(_RATIFIED)
    ]
    xml_obs = [o for o in xml_obs if fg.value(o, _TERRITORY) is None]
    undated = {fg.value(o, LKG.indicator) for o in xml_obs if fg.value(o, LKG.refYear) is None}
    in_scope = [
        o for o in table if g.value(o, LKG.refYear) == _gyear(year) or g.value(o, LKG.indicator) in undated
    ]
    skipped = len(table) - len(in_scope)
    matched: set[Node] = set()
    rows: list[Row] = []
    labels = (g, fg)
    for o in xml_obs:
        ind = fg.value(o, LKG.indicator)
        local = str(ind).rsplit("/", 1)[-1]
        seed_ind, why = ind, ""
        if (local, year) in CORRESPONDS:
            seed_local, reason = CORRESPONDS[(local, year)]
            seed_ind, why = LKR[seed_local], f"matched by a declared correspondence: {reason}"
        ref = fg.value(o, LKG.refYear)
        cands = [
            c
            for c in in_scope
            if g.value(c, LKG.indicator) == seed_ind and (ref is None or g.value(c, LKG.refYear) == ref)
        ]
        ev = fin.values_of(o)
        x = _observed(fg, o)
        xml_side = fin.side(_show(x), [o], ev)
        kind = "enforcement" if ref is not None else "statistics"
        what = _label(labels, seed_ind) + (f", {ref}" if ref is not None else "")
        if not cands:
            rows.append(
                Row(
                    kind,
                    _label(labels, ind) + (f", {ref}" if ref is not None else ""),
                    "xml-only",
                    None,
                    xml_side,
                )
            )
            continue
        for c in cands:
            matched.add(c)
            s = _observed(g, c)
            same, notes = _agree(s, x)
            if ref is None and g.value(c, LKG.refYear) is not None:
                notes.append(f"data year: seed 002 {g.value(c, LKG.refYear)}; the XML gives none")
            if why:
                notes.append(why)
            seed_side = cur.side(_show(s), [c], match=_show(s))
            conflicts = () if same else ((c, o),)
            rows.append(
                Row(
                    kind,
                    what,
                    "agree" if same else "differ",
                    seed_side,
                    xml_side,
                    "; ".join(notes),
                    conflicts,
                )
            )
    for c in in_scope:
        if c not in matched:
            ref = g.value(c, LKG.refYear)
            kind = "enforcement" if g.value(c, LKG.indicator) not in undated else "statistics"
            what = _label(labels, g.value(c, LKG.indicator)) + (f", {ref}" if ref is not None else "")
            rows.append(
                Row(
                    kind,
                    what,
                    "seed-only",
                    cur.side(_show(_observed(g, c)), [c], match=_show(_observed(g, c))),
                    None,
                )
            )
    return rows, skipped


def _ratifications(cur: _Curated, fin: _Findings, country: Node) -> list[Row]:
    """The record's <instrument>_Ratified (an observation of lkr:indicator-findings-ratified-X, and a
    lkg:Ratification where it is mapped as one) against the narrative's ratifications of X."""
    g, fg = cur.g, fin.g
    seed: dict[Node | None, list[Node]] = defaultdict(list)
    for r in cur.of_type(LKG.Ratification):
        if g.value(r, LKG.ratifyingParty) == country:
            seed[g.value(r, LKG.ratifiedInstrument)].append(r)
    xml_obs: dict[Node | None, list[Node]] = defaultdict(list)
    for o in fin.of_type(LKG.Observation):
        local = str(fg.value(o, LKG.indicator)).rsplit("/", 1)[-1]
        if local.startswith(_RATIFIED):
            xml_obs[LKR[local[len(_RATIFIED) :]]].append(o)
    xml_rat: dict[Node | None, list[Node]] = defaultdict(list)
    for r in fin.of_type(LKG.Ratification):
        if fg.value(r, LKG.ratifyingParty) == country:
            xml_rat[fg.value(r, LKG.ratifiedInstrument)].append(r)
    rows = []
    for inst in sorted(set(seed) | set(xml_obs) | set(xml_rat), key=str):
        what = _label((g, fg), inst)
        s_side = cur.side("ratified", seed[inst]) if seed.get(inst) else None
        x_side, said = None, set()
        if xml_obs.get(inst) or xml_rat.get(inst):
            said = {_ratified(_observed(fg, o)) for o in xml_obs.get(inst, [])}
            if xml_rat.get(inst):
                said.add("ratified")
            facts = xml_obs.get(inst, []) + xml_rat.get(inst, [])
            evs = [ev for f in facts for ev in fin.values_of(f)]
            shown = " / ".join(sorted(said))
            x_side = fin.side(shown, facts, evs)
        if s_side is None or x_side is None:
            rows.append(
                Row("ratifications", what, "seed-only" if x_side is None else "xml-only", s_side, x_side)
            )
            continue
        same = said == {"ratified"}
        conflicts = (
            ()
            if same
            else tuple(
                (a, b)
                for a in s_side.facts
                for b in xml_obs.get(inst, [])
                if _observed(fg, b).boolean is False
            )
        )
        note = "" if same or conflicts else "not linked: the XML states no Yes/No"
        rows.append(
            Row("ratifications", what, "agree" if same else "differ", s_side, x_side, note, conflicts)
        )
    return rows


def _ratified(v: _Value) -> str:
    if v.boolean is None:
        return v.note or "?"
    return "ratified" if v.boolean else "not ratified"


def _standard_value(g: Graph, s: Node) -> tuple[bool | None, int | None, str]:
    meets = g.value(s, LKG.meetsInternationalStandards)
    age = g.value(s, LKG.minimumAge)
    note = g.value(s, LKG.valueNote)
    m = _bool(meets)
    a = int(str(age)) if age is not None else None
    parts = [] if m is None else ["meets international standards: " + ("Yes" if m else "No")]
    parts.append(f"age {a}" if a is not None else f"age {note}" if note is not None else "no age")
    return m, a, ", ".join(parts)


def _standards(cur: _Curated, fin: _Findings, country: Node, out: Comparison) -> list[Row]:
    """The record's legal standards (lkg:LegalStandard of the country as a whole) against the narrative's
    Table 4, by lkg:standardType: whether it meets international standards, and its age."""
    g, fg = cur.g, fin.g
    seed = {
        g.value(s, LKG.standardType): s
        for s in cur.of_type(LKG.LegalStandard)
        if g.value(s, LKG.appliesIn) == country
    }
    xml = {
        fg.value(s, LKG.standardType): s
        for s in fin.of_type(LKG.LegalStandard)
        if fg.value(s, LKG.appliesIn) == country and fg.value(s, _TERRITORY) is None
    }
    if seed and not fin.of_type(LKG.LegalStandard):
        out.not_compared.append(
            (
                len(seed),
                "legal standards of seed 002's Table 4: the findings mapping does not read the XML's "
                "Legal_Standards yet",
            )
        )
        return []
    rows = []
    for t in sorted(set(seed) | set(xml), key=str):
        what = _label((g, fg), t)
        s, x = seed.get(t), xml.get(t)
        s_side = cur.side(_standard_value(g, s)[2], [s]) if s else None
        x_side = fin.side(_standard_value(fg, x)[2], [x], fin.values_of(x)) if x else None
        if s is None or x is None:
            rows.append(
                Row("legal standards", what, "seed-only" if x is None else "xml-only", s_side, x_side)
            )
            continue
        sm, sa, _ = _standard_value(g, s)
        xm, xa, _ = _standard_value(fg, x)
        same = (sm is None or xm is None or sm == xm) and sa == xa
        rows.append(
            Row(
                "legal standards",
                what,
                "agree" if same else "differ",
                s_side,
                x_side,
                "",
                () if same else ((s, x),),
            )
        )
    return rows


def _actions(cur: _Curated, fin: _Findings, out: Comparison) -> list[Row]:
    """The record's suggested actions against the narrative's (Table 11), by area and words."""
    g, fg = cur.g, fin.g
    seed = cur.of_type(LKG.SuggestedAction)
    xml = fin.of_type(LKG.SuggestedAction)
    if seed and not xml:
        out.not_compared.append(
            (
                len(seed),
                "suggested actions of seed 002's Table 11: the findings mapping does not read the XML's "
                "Suggested_Actions yet",
            )
        )
        return []

    def text(graph: Graph, a: Node) -> str:
        return normalise(str(graph.value(a, LKG.actionText) or ""))

    rows, matched = [], set()
    for x in xml:
        area = fg.value(x, LKG.actionArea)
        best, ratio = None, 0.0
        for s in seed:
            if s in matched or g.value(s, LKG.actionArea) != area:
                continue
            r = difflib.SequenceMatcher(None, text(g, s), text(fg, x), autojunk=False).ratio()
            if r > ratio:
                best, ratio = s, r
        what = f"{_label((g, fg), area)}: {shorten(text(fg, x), 56)}"
        x_side = fin.side(shorten(text(fg, x), 60), [x], fin.values_of(x))
        if best is None or ratio < 0.8:
            rows.append(Row("suggested actions", what, "xml-only", None, x_side))
            continue
        matched.add(best)
        a, b = text(g, best), text(fg, x)
        same = a.replace(" ", "") == b.replace(" ", "")
        note = "" if a == b or not same else "the same words; the spacing differs"
        s_val, x_val = (shorten(a, 60), shorten(b, 60)) if same else _fragments(a, b)
        rows.append(
            Row(
                "suggested actions",
                what,
                "agree" if same else "differ",
                cur.side(s_val, [best]),
                fin.side(x_val, [x], fin.values_of(x)),
                note,
                () if same else ((best, x),),
            )
        )
    for s in seed:
        if s not in matched:
            what = f"{_label((g,), g.value(s, LKG.actionArea))}: {shorten(text(g, s), 56)}"
            rows.append(
                Row("suggested actions", what, "seed-only", cur.side(shorten(text(g, s), 60), [s]), None)
            )
    return rows


def _xml_only(fin: _Findings) -> list[Row]:
    """Every value of the record's facts that no row compared: one row per fact, or, for a fact some of
    whose values were compared (the country-year profile), one per value left. Elements that identify
    what a value is about (Name, Good_Name, Age_Range) are cited with it, not counted as values."""
    fg = fin.g
    rows = []

    def natural(f: Node) -> list:
        first = fin.values_of(f)
        path = fin.path(first[0]) if first else ""
        return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path)] + [str(f)]

    for f in sorted(fin.facts, key=natural):
        evs = fin.values_of(f)
        values = [ev for ev in evs if not fin.identifies(ev)]
        left = [ev for ev in values if ev not in fin.used]
        if not left:
            continue
        if len(left) < len(values):  # the profile: its values not compared, one by one
            for ev in left:
                leaf = re.sub(r"\[\d+\]$", "", fin.path(ev).rsplit("/", 1)[-1]).replace("_", " ")
                text = shorten(str(fg.value(ev, LKG.quote)), 60)
                rows.append(Row("profile", leaf, "xml-only", None, fin.side(text, [f], [ev])))
            continue
        good = fg.value(f, LKG.good)
        ind = fg.value(f, LKG.indicator)
        if ind is not None:
            value = _show(_observed(fg, f))
            what = _label([fg], ind) + (f": {_label([fg], good)}" if good is not None else "")
            ref = fg.value(f, LKG.refYear)
            what += f", {ref}" if ref is not None and good is None else ""
        else:
            value = shorten(str(fg.value(left[0], LKG.quote)), 60)
            what = _label([fg], f)
        rows.append(Row(_kind(fin.path(left[0])), what, "xml-only", None, fin.side(value, [f], evs)))
    return rows


def _kind(path: str) -> str:
    return re.sub(r"\[\d+\]", "", path.split("/")[0]).replace("_", " ").lower()


# --------------------------------------------------------------------------------------------
# Conflicts
# --------------------------------------------------------------------------------------------


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
            and findings.value(findings.value(ev, LKG.inDocument), LKG.reportingYear) == _gyear(year)
            for ev in findings.objects(iri, LKG.source)
        )
        doc = next(curated.subjects(LKG.fileName, Literal(seed)), None)
        if not has_year or doc is None or next(curated.subjects(LKG.inDocument, doc), None) is None:
            continue
        for a, b in compare(curated, findings, country, year).conflict_pairs():
            out.add((a, LKG.conflictsWith, b))
    return sorted(out, key=str)

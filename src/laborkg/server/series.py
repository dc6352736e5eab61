"""The USDOL findings series for the web view: the server's own queries (``server/sparql/*.rq``, read like
packaged queries and bound by the engine, never pasted into the text) and their answers as plain values —
country profiles year by year, observations with the elements that state them, and their grouping into
charts. Nothing here speaks HTTP or writes HTML."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef

from laborkg.backends.base import Bound, Store
from laborkg.namespace import LKC, LKG, LKR
from laborkg.query.catalogue import PackagedQuery, read_query
from laborkg.query.engine import Answer

QUERY_DIR = Path(__file__).resolve().parent / "sparql"
PROFILE_PROPERTIES = (LKG.advancementLevel, LKG.usdolRegion, LKG.description)
"""The values of a country profile the country page shows, in its order."""

_STEP = re.compile(r"[^/\[]+")


@functools.cache
def queries() -> dict[str, PackagedQuery]:
    """The server's own queries, by name (read once per process)."""
    return {p.stem: read_query(p) for p in sorted(QUERY_DIR.glob("*.rq"))}


def bound(store: Store, name: str, params: dict[str, str] | None = None) -> Bound:
    """The server's query ``name`` with ``params`` checked and converted to RDF terms by the store (as a
    packaged query's are: :class:`~laborkg.errors.QueryError` for a bad value)."""
    query = queries()[name]
    return Bound(query, store.bindings(query, params or {}))


# ---------------------------------------------------------------------------------------------
# Values


@dataclass(frozen=True)
class Source:
    """An element of a Findings XML file: the file's name, the element's path and its text verbatim."""

    passage: str
    file: str
    path: str
    quote: str

    @property
    def section(self) -> str:
        """The first step of the element path (``Enforcements``, ``Country_Statistics``, …)."""
        m = _STEP.match(self.path)
        return m.group(0) if m else ""


@dataclass
class Value:
    """One observation of the findings: a number, a yes/no, or the state a file writes instead of a figure
    (``N/A``, ``Unknown``…), in the reporting year of the file it was read from, with its sources."""

    observation: URIRef
    indicator: URIRef
    country: URIRef
    year: int
    number: Literal | None = None
    boolean: Literal | None = None
    state: str | None = None
    unit: URIRef | None = None
    good: URIRef | None = None
    age: str | None = None
    comments: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)

    @property
    def section(self) -> str:
        return min((s.section for s in self.sources), default="")

    @property
    def key(self) -> tuple[URIRef, str]:
        """What a line of a chart follows: the indicator, and the age range when one is given."""
        return self.indicator, self.age or ""

    @property
    def amount(self) -> float | None:
        """The number as a float, for drawing (the exact value is :attr:`number`)."""
        return float(self.number.toPython()) if self.number is not None else None


def _year(term) -> int:
    return int(str(term)[:4])


def values(answer: Answer, indicator: URIRef | None = None) -> list[Value]:
    """The observations of a ``findings-observations`` or ``findings-indicator-values`` answer (one row
    per observation and passage), in the answer's order, each once with all its sources."""
    col = {v: i for i, v in enumerate(answer.vars)}

    def get(row, name):
        i = col.get(name)
        return None if i is None else row[i]

    out: dict[URIRef, Value] = {}
    for row in answer.rows:
        obs = get(row, "observation")
        value = out.get(obs)
        if value is None:
            value = out[obs] = Value(
                observation=obs,
                indicator=get(row, "indicator") or indicator or URIRef(""),
                country=get(row, "country"),
                year=_year(get(row, "year") or get(row, "fileYear")),
                number=get(row, "value"),
                boolean=get(row, "booleanValue"),
                state=None if get(row, "valueNote") is None else str(get(row, "valueNote")),
                unit=get(row, "unit"),
                good=get(row, "good"),
                age=None if get(row, "ageRange") is None else str(get(row, "ageRange")),
            )
        comment = get(row, "comment")
        if comment is not None and str(comment) not in value.comments:
            value.comments.append(str(comment))
        source = Source(
            str(get(row, "passage")), str(get(row, "fileName")), str(get(row, "path")), str(get(row, "quote"))
        )
        if source not in value.sources:
            value.sources.append(source)
    for value in out.values():
        value.sources.sort(key=lambda s: s.path)
    return list(out.values())


# ---------------------------------------------------------------------------------------------
# Profiles and countries


def _normal(text: str) -> str:
    return " ".join(text.split())


@dataclass
class ProfileYear:
    """A country's profile in one reporting year: each value with the element whose text it is."""

    year: int
    profile: URIRef
    values: dict[URIRef, tuple[Literal, Source | None]] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)


def profiles(answer: Answer) -> list[ProfileYear]:
    """The profiles of a ``findings-profiles`` answer, by year. A value is matched to the passage whose
    text is the value (spaces aside: descriptions are stored with runs of spaces collapsed)."""
    col = {v: i for i, v in enumerate(answer.vars)}
    years: dict[int, ProfileYear] = {}
    for row in answer.rows:
        year = _year(row[col["year"]])
        entry = years.setdefault(year, ProfileYear(year, row[col["profile"]]))
        prop, passage = row[col["property"]], row[col["passage"]]
        if prop is not None:
            entry.values[prop] = (row[col["value"]], None)
        elif passage is not None:
            entry.sources.append(
                Source(str(passage), str(row[col["fileName"]]), str(row[col["path"]]), str(row[col["quote"]]))
            )
    for entry in years.values():
        by_text = {_normal(s.quote): s for s in sorted(entry.sources, key=lambda s: s.path)}
        for prop, (value, _) in list(entry.values.items()):
            entry.values[prop] = (value, by_text.get(_normal(str(value))))
    return [years[y] for y in sorted(years)]


@dataclass
class CountryEntry:
    """A country of the findings: its ISO code and, per reporting year, the region and advancement level
    the file gives."""

    country: URIRef
    code: str | None = None
    years: dict[int, tuple[str | None, str | None]] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        """The local name of the country's IRI (``mexico``): the key of its page."""
        return str(self.country)[len(str(LKR)) :] if str(self.country).startswith(str(LKR)) else ""

    @property
    def regions(self) -> set[str]:
        return {region for region, _ in self.years.values() if region}

    def latest(self) -> tuple[int, str | None, str | None]:
        """(year, region, level) of the latest reporting year."""
        year = max(self.years)
        return (year, *self.years[year])


def countries(answer: Answer) -> dict[URIRef, CountryEntry]:
    """The countries of a ``findings-countries`` answer."""
    out: dict[URIRef, CountryEntry] = {}
    for country, year, region, level, code in answer.rows:
        entry = out.setdefault(country, CountryEntry(country))
        if code is not None:
            entry.code = str(code)
        entry.years[_year(year)] = (
            None if region is None else str(region),
            None if level is None else str(level),
        )
    return out


def regions(entries: Iterable[CountryEntry]) -> dict[str, tuple[int, int, int]]:
    """Each region as the files write it: (first year, last year, countries)."""
    spans: dict[str, list[int]] = {}
    members: dict[str, set[URIRef]] = {}
    for entry in entries:
        for year, (region, _) in entry.years.items():
            if region:
                spans.setdefault(region, []).append(year)
                members.setdefault(region, set()).add(entry.country)
    return {r: (min(ys), max(ys), len(members[r])) for r, ys in sorted(spans.items())}


@dataclass(frozen=True)
class IndicatorEntry:
    """An indicator with figures in the findings: how many, of how many countries, first and last year."""

    indicator: URIRef
    figures: int
    countries: int
    first: int
    last: int
    units: tuple[URIRef, ...] = ()

    @property
    def kind(self) -> str:
        """count, percent or amount: the kind of its numbers (amount when they are of several kinds)."""
        kinds = {UNIT_KINDS.get(u, "amount") for u in self.units} or {"amount"}
        return kinds.pop() if len(kinds) == 1 else "amount"


def indicators(answer: Answer) -> list[IndicatorEntry]:
    """The indicators of a ``findings-indicators`` answer."""
    return [
        IndicatorEntry(
            ind, int(n), int(c), _year(first), _year(last), tuple(URIRef(u) for u in str(units or "").split())
        )
        for ind, n, c, first, last, units in answer.rows
    ]


# ---------------------------------------------------------------------------------------------
# Charts


UNIT_KINDS = {LKC["unit-count"]: "count", LKC["unit-percent"]: "percent"}
"""Units drawn on their own axis; numbers in any other unit (or none, as funding mostly is) are amounts."""


def kind(value: Value) -> str:
    return UNIT_KINDS.get(value.unit, "amount") if value.unit is not None else "amount"


@dataclass
class Group:
    """The lines of one chart: a section of the files (``Enforcements``…) and one kind of number."""

    section: str
    kind: str
    keys: list[tuple[URIRef, str]] = field(default_factory=list)


SECTION_ORDER = ("Enforcements", "Country_Statistics")
KIND_ORDER = ("count", "amount", "percent")


def chart_groups(items: Iterable[Value], figures: dict[URIRef, str] | None = None) -> list[Group]:
    """The charts of a country's values: one per section of the files and kind of number (counts, percents,
    amounts), each with the lines (indicator and age range) that have a number in some year. A line whose
    values here are all states (``N/A``…) joins the chart of its section and kind when its indicator is
    one of ``figures`` (indicator → kind of its numbers elsewhere in the findings) and that chart exists,
    so its states are shown; yes/no answers and goods are not charted."""
    figures = figures or {}
    numeric: dict[tuple[URIRef, str], tuple[str, str]] = {}
    states: dict[tuple[URIRef, str], str] = {}
    yes_no: set[tuple[URIRef, str]] = set()
    for v in items:
        if v.good is not None:
            continue
        if v.number is not None:
            numeric.setdefault(v.key, (v.section, kind(v)))
        elif v.boolean is not None:
            yes_no.add(v.key)
        elif v.state is not None and v.indicator in figures:
            states.setdefault(v.key, v.section)
    groups: dict[tuple[str, str], Group] = {}
    for key, (section, k) in numeric.items():
        groups.setdefault((section, k), Group(section, k)).keys.append(key)
    for key, section in states.items():
        home = groups.get((section, figures[key[0]]))
        if home is not None and key not in numeric and key not in yes_no:
            home.keys.append(key)

    def order(g: Group):
        s = SECTION_ORDER.index(g.section) if g.section in SECTION_ORDER else len(SECTION_ORDER)
        k = KIND_ORDER.index(g.kind) if g.kind in KIND_ORDER else len(KIND_ORDER)
        return s, g.section, k, g.kind

    return sorted(groups.values(), key=order)

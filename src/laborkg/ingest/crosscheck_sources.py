"""The two graphs a cross-check reads: the facts curated from a narrative (a seed, or a report PDF's
facts) and the facts of one country-year's record in the structured findings, with the sources each
value cites."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from laborkg.errors import InputError
from laborkg.ingest.crosscheck_values import Side, Source, gyear, label
from laborkg.namespace import LKG

_IDENTIFYING = {"Name", "Good_Name", "Age_Range", "Year"}


def fact_classes(*graphs: Graph) -> set[URIRef]:
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


class Curated:
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


class Findings:
    """The facts of one country-year's record in the findings graph, and the element values they cite."""

    def __init__(self, g: Graph, country: URIRef, year: int, facts: set[URIRef]) -> None:
        self.g = g
        self.year = year
        self.record: Node | None = None
        self.file: Node | None = None
        for ev in g.objects(country, LKG.source):
            doc = g.value(ev, LKG.inDocument)
            if str(g.value(ev, LKG.elementPath)) == "Name[1]" and g.value(doc, LKG.reportingYear) == gyear(
                year
            ):
                self.record = g.value(ev, LKG.countryRecord)
                self.file = doc
        if self.record is None:
            raise InputError(f"the findings graph holds no {year} record of {label([g], country)}")
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

"""The link report: which entities of the graph the SSSOM mappings (:mod:`laborkg.pipeline.sssom`) link to
external open-data graphs (Wikidata, ISO codes, ILO NORMLEX, IATI), and which they do not."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

from rdflib import Graph, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.query import ResultRow

from laborkg.namespace import PREFIXES, bind_prefixes, sparql_prologue
from laborkg.pipeline.sssom import RDFS_NS, Mapping

__all__ = ["EntityLinks", "LinkReport", "Target", "link_report"]

COUNTRY = "country"
CURRENCY = "currency"
IATI_CODE = "IATI code"
ILO_INSTRUMENT = "ILO instrument"
INSTRUMENT = "international instrument"
ORGANISATION = "organisation"
OTHER = "other"
KINDS: tuple[str, ...] = (COUNTRY, CURRENCY, IATI_CODE, ILO_INSTRUMENT, INSTRUMENT, ORGANISATION, OTHER)
"""Kinds of entity the link report groups by, in the order an entity is classified."""


@dataclass(frozen=True)
class Target:
    """Where one entity links to: predicate and object as written in the file, and the row's source."""

    predicate_id: str
    object_id: str
    object: URIRef
    object_label: str
    source: str
    where: str


@dataclass(frozen=True)
class EntityLinks:
    """An entity of the graph with its kind, label and links (none for an unlinked entity)."""

    entity: URIRef
    curie: str
    label: str
    kind: str
    targets: tuple[Target, ...] = ()


@dataclass(frozen=True)
class LinkReport:
    """Which entities are linked to external graphs and to what, and which are not.

    ``linked`` holds every entity of the graph that has a mapping, and ``unlinked`` the countries,
    currencies, IATI codes, international instruments (ILO and others) and organisations that have none;
    ``missing`` holds mapped subjects the graph does not describe (empty when the mappings were checked).
    """

    linked: list[EntityLinks]
    unlinked: list[EntityLinks]
    missing: list[EntityLinks] = field(default_factory=list)

    def counts(self) -> dict[str, tuple[int, int]]:
        """Kind → (number linked, number not linked), for the kinds present."""
        out: dict[str, list[int]] = {}
        for e in self.linked:
            out.setdefault(e.kind, [0, 0])[0] += 1
        for e in self.unlinked:
            out.setdefault(e.kind, [0, 0])[1] += 1
        return {k: (out[k][0], out[k][1]) for k in KINDS if k in out}

    def linked_of(self, kind: str) -> list[EntityLinks]:
        """The linked entities of one kind."""
        return [e for e in self.linked if e.kind == kind]

    def unlinked_of(self, kind: str) -> list[EntityLinks]:
        """The unlinked entities of one kind."""
        return [e for e in self.unlinked if e.kind == kind]

    def text(self) -> str:
        """The report for people: counts by kind, each linked entity with its links, the unlinked ones."""
        out = [
            f"Links to external graphs: {len(self.linked)} entities linked, {len(self.unlinked)} not linked",
            "",
        ]
        width = max((len(k) for k in self.counts()), default=0)
        for kind, (yes, no) in self.counts().items():
            out.append(f"  {kind:<{width}}  {yes:>3} linked  {no:>3} not linked")
        for kind in KINDS:
            entities = self.linked_of(kind)
            if not entities:
                continue
            out += ["", f"Linked, {kind} ({len(entities)}):"]
            for e in entities:
                out.append(f"  {e.curie} ({e.label})")
                for t in e.targets:
                    label = f" ({t.object_label})" if t.object_label else ""
                    out.append(f"      {t.predicate_id} {t.object_id}{label}  [source: {t.source}]")
        for kind in KINDS:
            entities = self.unlinked_of(kind)
            if not entities:
                continue
            out += ["", f"Not linked, {kind} ({len(entities)}):"]
            out += [f"  {e.curie} ({e.label})" for e in entities]
        if self.missing:
            out += ["", f"Mapped but not in the graph ({len(self.missing)}):"]
            out += [f"  {e.curie} ({e.targets[0].where})" for e in self.missing]
        return "\n".join(out) + "\n"


_KIND_QUERIES: dict[str, str] = {
    COUNTRY: "SELECT DISTINCT ?e WHERE { ?e a lkg:Country }",
    CURRENCY: "SELECT DISTINCT ?e WHERE { ?e a lkg:Currency }",
    IATI_CODE: """SELECT DISTINCT ?e WHERE {
        { ?e a lkg:ActivityStatus } UNION { ?e a lkg:OrganisationRoleType } }""",
    ILO_INSTRUMENT: r"""SELECT DISTINCT ?e WHERE {
        ?e a/rdfs:subClassOf* lkg:InternationalInstrument .
        { ?e rdfs:label|skos:altLabel ?name }
        UNION { ?e lkg:supplements|^lkg:supplements ?other . ?other rdfs:label|skos:altLabel ?name .
                ?other a/rdfs:subClassOf* lkg:InternationalInstrument }
        FILTER (REGEX(STR(?name), "^ILO\\b|International Labou?r Organi[sz]ation"))
    }""",
    INSTRUMENT: "SELECT DISTINCT ?e WHERE { ?e a/rdfs:subClassOf* lkg:InternationalInstrument }",
    ORGANISATION: "SELECT DISTINCT ?e WHERE { ?e a/rdfs:subClassOf* lkg:Organisation }",
}
"""How each kind is found; ``a/rdfs:subClassOf*`` works on asserted data + ontology and on the closure.
An ILO instrument is one named "ILO …" or "International Labo(u)r Organization's …", or one that such an
instrument supplements or is supplemented by (the Forced Labour Convention, 1930, and its 2014 Protocol)."""


def _kinds(graph: Graph) -> dict[URIRef, str]:
    """Entity → kind, the first kind of :data:`KINDS` that applies."""
    found: dict[URIRef, str] = {}
    prologue = sparql_prologue()
    for kind in KINDS:
        query = _KIND_QUERIES.get(kind)
        if query is None:
            continue
        for row in graph.query(prologue + query):
            entity = cast(ResultRow, row)[0]
            if isinstance(entity, URIRef):
                found.setdefault(entity, kind)
    return found


def _label(graph: Graph, entity: URIRef, fallback: str) -> str:
    labels = list(graph.objects(entity, URIRef(RDFS_NS + "label")))
    english = [str(v) for v in labels if getattr(v, "language", None) == "en"]
    if english:
        return sorted(english)[0]
    return sorted(str(v) for v in labels)[0] if labels else fallback


def link_report(graph: Graph, mappings: Iterable[Mapping]) -> LinkReport:
    """Report, for ``graph`` (ontology + data, asserted or reasoned), what ``mappings`` link and what not."""
    mappings = list(mappings)
    nm = NamespaceManager(bind_prefixes(Graph()), bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        nm.bind(prefix, ns, override=True, replace=True)

    def curie(iri: URIRef) -> str:
        return iri.n3(nm)

    targets: dict[URIRef, list[Target]] = defaultdict(list)
    for m in mappings:
        targets[m.subject].append(
            Target(m.predicate_id, m.object_id, m.object, m.object_label, m.source, m.where)
        )
    kinds = _kinds(graph)

    linked: list[EntityLinks] = []
    missing: list[EntityLinks] = []
    for subject, ts in targets.items():
        name = curie(subject)
        if (subject, None, None) not in graph:
            missing.append(EntityLinks(subject, name, name, OTHER, tuple(ts)))
            continue
        kind = kinds.get(subject, OTHER)
        linked.append(EntityLinks(subject, name, _label(graph, subject, name), kind, tuple(ts)))
    unlinked = [
        EntityLinks(entity, curie(entity), _label(graph, entity, curie(entity)), kind)
        for entity, kind in kinds.items()
        if entity not in targets
    ]

    def order(e: EntityLinks) -> tuple[int, str]:
        return KINDS.index(e.kind), e.curie

    return LinkReport(
        linked=sorted(linked, key=order),
        unlinked=sorted(unlinked, key=order),
        missing=sorted(missing, key=lambda e: e.curie),
    )

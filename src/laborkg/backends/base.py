"""The store interface every backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from laborkg.namespace import LKG, LKP, bind_prefixes
from laborkg.query import catalogue as _queries
from laborkg.query.catalogue import check_iri
from laborkg.query.engine import DEFAULT_TIMEOUT, Answer, prepare

_LABEL_PROPERTIES = (RDFS.label, LKG.acronym, SKOS.notation)
_PASSAGE_PROPERTIES = (LKG.inDocument, LKG.quote, LKG.elementPath, LKG.citesReference, LKG.page)


@dataclass(frozen=True)
class Bound:
    """A packaged query with its parameters checked and converted to RDF terms (by name), once."""

    query: _queries.PackagedQuery
    values: dict[str, object]


class Store(ABC):
    """What every backend offers (the CLI, the server, the API, validation and export use only this):
    packaged and ad-hoc queries, name resolution and parameter binding, labels, describe, size, close.

    A backend implements :meth:`_candidates`, :meth:`_values`, :meth:`run_bound`, :meth:`run_checked` and
    :meth:`size`; everything else is shared, so every backend resolves, binds, labels and describes alike.
    ``max_rows``: an answer of more rows (or triples) raises :class:`~laborkg.errors.QueryError` (too
    large); backends stop evaluating after ``max_rows + 1``."""

    kind = "store"

    # -- what each backend implements

    @abstractmethod
    def _candidates(self, value: str) -> Iterable[tuple]:
        """(subject IRI, name literal) pairs whose name may equal ``value`` (a backend may narrow)."""

    @abstractmethod
    def run_bound(
        self, bound: Bound, timeout: float | None = DEFAULT_TIMEOUT, max_rows: int | None = None
    ) -> Answer:
        """Run a bound packaged query (``timeout=None``: in this process, without a limit of its own)."""

    @abstractmethod
    def run_checked(
        self, text: str, timeout: float | None = DEFAULT_TIMEOUT, max_rows: int | None = None
    ) -> Answer:
        """Run a query text that :meth:`check` returned (``timeout=None``: in this process, no limit)."""

    @abstractmethod
    def size(self) -> int | None:
        """Triples in the graph, when known."""

    # -- shared

    def check(self, text: str, allow_service: Iterable[str] = ()) -> str:
        """The text to run for an ad-hoc query, or :class:`QueryError` (malformed, an update, SERVICE not
        in ``allow_service``); what runs is exactly the text returned."""
        from laborkg.query.guard import check

        checked = check(text, allow_service)  # read as the grammar (and Oxigraph) reads it
        prepare(checked, allow_service)  # and parsed by rdflib: a second line of defence, and syntax errors
        return checked

    def bind(self, name: str, params: dict[str, str] | None = None) -> Bound:
        """The packaged query ``name`` with ``params`` (text) checked and converted, once per request."""
        query = _queries.get(name)
        return Bound(query, self.bindings(query, params or {}))

    def query(
        self,
        name: str | Bound,
        params: dict[str, str] | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_rows: int | None = None,
    ) -> Answer:
        """Run the packaged query ``name`` with ``params`` (text values) bound by the engine."""
        bound = name if isinstance(name, Bound) else self.bind(name, params)
        return _queries.canonical(self.run_bound(bound, timeout, max_rows), bound.query)

    def sparql(
        self,
        text: str,
        timeout: float | None = DEFAULT_TIMEOUT,
        allow_service: Iterable[str] = (),
        max_rows: int | None = None,
    ) -> Answer:
        """Run an ad-hoc query: read-only, SERVICE only to ``allow_service``, within ``timeout`` seconds."""
        return self.run_checked(self.check(text, allow_service), timeout, max_rows)

    def resolve_iri(self, value: str) -> URIRef:
        """An IRI from a full IRI, a prefixed name or a label/acronym (case-insensitive, any language)."""
        return _queries.resolve(value, self._candidates)

    def bindings(self, query: _queries.PackagedQuery, raw: dict[str, str]) -> dict[str, object]:
        """The packaged query's parameters as RDF terms (IRIs resolved by :meth:`resolve_iri`), by name."""
        return _queries.bind(
            query,
            raw,
            lambda p, value: self.resolve_iri(value) if p.type == "iri" else _queries.convert(None, p, value),
        )

    def label(self, iri, lang: str = "en") -> str | None:
        """The entity's label in ``lang`` (falling back to English, then any); ``iri`` may be a prefixed
        name or a label, resolved as query parameters are."""
        node = iri if isinstance(iri, URIRef) else self.resolve_iri(str(iri))
        labels = {
            o.language: str(o) for _, _, o in self._values([node], [RDFS.label]) if isinstance(o, Literal)
        }
        for key in (lang, "en", None):
            if key in labels:
                return labels[key]
        return next(iter(labels.values()), None)

    def describe(self, iri: URIRef, timeout: float | None = DEFAULT_TIMEOUT) -> Graph:
        """The triples about ``iri``: its own and those pointing to it from IRIs (empty: not in the graph)."""
        check_iri(str(iri))
        text = (
            f"CONSTRUCT {{ <{iri}> ?p ?o . ?s ?q <{iri}> }} "
            f"WHERE {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?q <{iri}> FILTER(isIRI(?s)) }} }}"
        )
        return bind_prefixes(self.run_checked(text, timeout).graph or Graph())

    def __len__(self) -> int:
        return self.size() or 0

    @abstractmethod
    def _values(self, subjects: Iterable[URIRef], properties: Iterable[URIRef]) -> Iterable[tuple]:
        """Every (subject, property, value) triple of these subjects and properties."""

    def label_graph(self, answer: Answer) -> Graph:
        """A graph holding what :func:`laborkg.render.table` needs to label ``answer``: the labels of its
        IRIs, and the quote and seed file of its source passages, each looked up once."""
        graph = bind_prefixes(Graph())
        if answer.kind != "select":
            return graph
        iris: set[URIRef] = set()
        passages: set[URIRef] = set()
        lkp = str(LKP)
        for row in answer.rows:
            for term in row:
                if isinstance(term, URIRef):
                    iris.add(term)
                elif isinstance(term, Literal):
                    parts = str(term).split()
                    if parts and all(p.startswith(lkp) for p in parts):
                        passages.update(URIRef(p) for p in parts)
        for triple in self._values(iris, _LABEL_PROPERTIES):
            graph.add(triple)
        documents = set()
        for s, p, o in self._values(
            passages | {i for i in iris if str(i).startswith(lkp)}, _PASSAGE_PROPERTIES
        ):
            graph.add((s, p, o))
            if p == LKG.inDocument and isinstance(o, URIRef):
                documents.add(o)
            elif p == LKG.citesReference and isinstance(o, URIRef) and o not in iris:
                iris.add(o)
                for triple in self._values({o}, (RDFS.label,)):
                    graph.add(triple)
        for triple in self._values(documents, (LKG.fileName,)):
            graph.add(triple)
        return graph

    def close(self) -> None:  # noqa: B027 - a no-op unless a backend holds something to release
        """Release the store (a no-op where there is nothing to release)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

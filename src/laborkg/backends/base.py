"""The store interface every backend implements."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from laborkg.namespace import LKG, LKP, bind_prefixes
from laborkg.query import catalogue as _queries
from laborkg.query.engine import DEFAULT_TIMEOUT, Answer

_LABEL_PROPERTIES = (RDFS.label, LKG.acronym, SKOS.notation)
_PASSAGE_PROPERTIES = (LKG.inDocument, LKG.quote)


class Store:
    """What every backend offers: packaged and ad-hoc queries, IRI resolution and labels."""

    kind = "store"

    def query(
        self, name: str, params: dict[str, str] | None = None, timeout: float | None = DEFAULT_TIMEOUT
    ) -> Answer:
        """Run the packaged query ``name`` with ``params`` (text values) bound by the engine."""
        raise NotImplementedError

    def sparql(
        self, text: str, timeout: float | None = DEFAULT_TIMEOUT, allow_service: Iterable[str] = ()
    ) -> Answer:
        """Run an ad-hoc query: read-only, SERVICE only to ``allow_service``, within ``timeout`` seconds."""
        raise NotImplementedError

    def resolve_iri(self, value: str) -> URIRef:
        """An IRI from a full IRI, a prefixed name or a label/acronym (as :func:`queries.resolve_iri`)."""
        raise NotImplementedError

    def bindings(self, query: _queries.PackagedQuery, raw: dict[str, str]) -> dict[str, object]:
        """The packaged query's parameters as RDF terms (IRIs resolved by :meth:`resolve_iri`), by name."""
        return _queries.bind(
            query,
            raw,
            lambda p, value: self.resolve_iri(value) if p.type == "iri" else _queries.convert(None, p, value),
        )

    def _values(self, subjects: Iterable[URIRef], properties: Iterable[URIRef]) -> Iterable[tuple]:
        """Every (subject, property, value) triple of these subjects and properties."""
        raise NotImplementedError

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
        for triple in self._values(documents, (LKG.fileName,)):
            graph.add(triple)
        return graph

    def close(self) -> None:
        """Release the store (a no-op where there is nothing to release)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

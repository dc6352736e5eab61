"""The closure as an in-memory rdflib graph, queried by rdflib's SPARQL engine (the reference)."""

from __future__ import annotations

from rdflib import Graph, URIRef

from laborkg.backends.base import Store
from laborkg.query import catalogue as _queries
from laborkg.query.engine import DEFAULT_TIMEOUT, Answer, execute


class MemoryStore(Store):
    """The closure as an in-memory rdflib graph (laborkg's default)."""

    kind = "memory"

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def query(self, name, params=None, timeout=DEFAULT_TIMEOUT) -> Answer:
        return _queries.run(self.graph, name, params or {}, timeout=timeout)

    def sparql(self, text, timeout=DEFAULT_TIMEOUT, allow_service=()) -> Answer:
        return execute(self.graph, text, timeout=timeout, allow_service=allow_service)

    def resolve_iri(self, value: str) -> URIRef:
        return _queries.resolve_iri(self.graph, value)

    def label_graph(self, answer: Answer) -> Graph:
        return self.graph

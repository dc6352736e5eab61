"""The closure as an in-memory rdflib graph, queried by rdflib's SPARQL engine: the reference the tests
compare the other backends with (laborkg's commands use Oxigraph)."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.term import Variable

from laborkg.backends.base import Bound, Store
from laborkg.query import catalogue as _queries
from laborkg.query.engine import DEFAULT_TIMEOUT, Answer, execute, prepare


class RdflibStore(Store):
    """An rdflib graph (the OWL RL closure) behind the store interface."""

    kind = "rdflib"

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def _candidates(self, value: str) -> Iterable[tuple]:
        for prop in _queries.NAME_PROPERTIES:
            for s, o in self.graph.subject_objects(prop):
                if isinstance(s, URIRef) and isinstance(o, Literal):
                    yield s, o

    def _values(self, subjects, properties) -> list[tuple]:
        properties = list(properties)
        return [(s, p, o) for s in subjects for p in properties for o in self.graph.objects(s, p)]

    def run_bound(self, bound: Bound, timeout=DEFAULT_TIMEOUT, max_rows=None) -> Answer:
        init = {Variable(k): v for k, v in bound.values.items()}
        return execute(self.graph, prepare(bound.query.text), init, timeout=timeout)

    def run_checked(self, text: str, timeout=DEFAULT_TIMEOUT, max_rows=None) -> Answer:
        query = prepare(text)
        return execute(self.graph, query if max_rows is None else _capped(query, max_rows), timeout=timeout)

    def size(self) -> int | None:
        return len(self.graph)


def _capped(query, max_rows: int):
    """The query with its solutions cut after ``max_rows + 1`` (a slice around the pattern), so an answer
    that is too large is known to be so without computing all of it."""
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.plugins.sparql.sparql import Query

    algebra = query.algebra
    if algebra.name not in ("SelectQuery", "ConstructQuery") or (
        algebra.name == "ConstructQuery" and not algebra.get("template")
    ):
        return query  # CONSTRUCT WHERE reads its template from the pattern; DESCRIBE is counted after
    wrapped = CompValue(algebra.name, **algebra)
    wrapped["p"] = CompValue("Slice", p=algebra["p"], start=0, length=max_rows + 1)
    return Query(query.prologue, wrapped)

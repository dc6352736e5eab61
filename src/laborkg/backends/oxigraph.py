"""The embedded Oxigraph store (pyoxigraph, RocksDB on disk): packaged and ad-hoc queries, labels.

How parameters are bound and where answers differ from other engines: docs/architecture.md."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from laborkg.backends.base import Store
from laborkg.backends.terms import to_oxigraph, to_rdflib
from laborkg.errors import InputError, QueryError
from laborkg.namespace import PREFIXES, bind_prefixes, sparql_prologue
from laborkg.query import catalogue as _queries
from laborkg.query.engine import DEFAULT_TIMEOUT, Answer, prepare, run_limited
from laborkg.query.guard import check
from laborkg.query.rewrite import project_parameters
from laborkg.store.layout import DATABASE, read_manifest


@functools.lru_cache(maxsize=256)
def _project_cached(text: str, names: tuple[str, ...]) -> tuple[str, list[str]]:
    return project_parameters(text, names)



class OxigraphStore(Store):
    """A store built by :func:`build`, opened read-only (several processes may read it at once)."""

    kind = "oxigraph"

    def __init__(self, directory: Path | str) -> None:
        import pyoxigraph as ox

        self.directory = Path(directory)
        self.manifest = read_manifest(self.directory)
        try:
            self._store = ox.Store.read_only(str(self.directory / DATABASE))
        except (OSError, RuntimeError) as exc:  # RuntimeError: RocksDB finds it corrupt
            raise InputError(f"{self.directory}: cannot open the store ({exc})") from None

    def close(self) -> None:
        self._store = None

    # -- raw access (no time limit: for trusted, bounded look-ups)

    def _values(self, subjects, properties) -> list[tuple]:
        import pyoxigraph as ox

        properties = [(p, ox.NamedNode(str(p))) for p in properties]
        out = []
        for s in subjects:
            node = to_oxigraph(s)
            for p, pnode in properties:
                out += [(s, p, to_rdflib(q.object)) for q in self._store.quads_for_pattern(node, pnode, None)]
        return out

    def _select(self, text: str, substitutions: dict | None = None):
        import pyoxigraph as ox

        return self._store.query(
            sparql_prologue() + text,
            substitutions={ox.Variable(k): to_oxigraph(v) for k, v in (substitutions or {}).items()},
        )

    def _answer(self, result, drop: Iterable[str] = ()) -> Answer:
        import pyoxigraph as ox

        if isinstance(result, ox.QueryBoolean):
            return Answer("ask", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            keep = [i for i, n in enumerate(names) if n not in set(drop)]
            rows = []
            for solution in result:
                rows.append(tuple(to_rdflib(solution[i]) for i in keep))
            return Answer("select", vars=[names[i] for i in keep], rows=rows)
        graph = bind_prefixes(Graph())
        for t in result:
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return Answer("graph", graph=graph)

    def evaluate(self, text: str, substitutions: dict | None = None, drop: Iterable[str] = ()) -> Answer:
        """Run ``text`` in this process with no time limit and no check: for a text already checked
        (read-only, no SERVICE; e.g. by the server's ``engine.prepare``) run where a limit is kept."""
        try:
            return self._answer(self._select(text, substitutions), drop)
        except (SyntaxError, ValueError, RuntimeError, OSError) as exc:
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise QueryError(f"the query failed: {detail}") from None

    # -- the interface

    def resolve_iri(self, value: str) -> URIRef:
        # LCASE narrows the candidates in the store; casefold decides, as for the in-memory graph
        return _queries.resolve(
            value,
            lambda v: (
                (sol["s"].value, sol["o"].value)
                for sol in self._select(
                    "SELECT DISTINCT ?s ?o ?wanted WHERE { VALUES ?p { "
                    + " ".join(f"<{p}>" for p in _queries.NAME_PROPERTIES)
                    + " } ?s ?p ?o . "
                    "FILTER(isIRI(?s) && isLiteral(?o) && LCASE(STR(?o)) = LCASE(STR(?wanted))) }",
                    {"wanted": Literal(v)},
                )
            ),
        )

    def query(self, name, params=None, timeout=DEFAULT_TIMEOUT) -> Answer:
        packaged = _queries.get(name)
        values = self.bindings(packaged, params or {})
        text, added = _project_cached(packaged.text, tuple(values))
        return run_limited(lambda: self.evaluate(text, values, drop=added), timeout)

    def sparql(self, text, timeout=DEFAULT_TIMEOUT, allow_service=()) -> Answer:
        prepare(text, allow_service)  # refused (updates, SERVICE) or malformed: rdflib's parser says why
        text = check(text, allow_service)  # what runs is what was checked (cached: no second reading)
        return run_limited(lambda: self.evaluate(text), timeout)

    def __len__(self) -> int:
        return int(self.manifest.get("triples", 0))


STORE_EXPORT_FORMATS = ("ttl", "nt", "jsonld")


def dump(store: OxigraphStore, fmt: str, output=None) -> bytes | None:
    """Write the store's closure as Turtle, N-Triples or JSON-LD (``fmt``: ttl, nt, jsonld) to the binary
    stream ``output`` (None: return the bytes), streamed by pyoxigraph: exactly what the store holds
    (Oxigraph keeps numbers in canonical form: ``207000000.0`` reads back as ``207000000``); Turtle with
    laborkg's prefixes, JSON-LD in expanded form; not sorted like ``laborkg export`` of the files."""
    import pyoxigraph as ox

    format = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}[fmt]
    prefixes = None if fmt == "nt" else {p: str(ns) for p, ns in PREFIXES.items()}
    kwargs = {"prefixes": prefixes} if prefixes else {}
    return store._store.dump(output, format=format, from_graph=ox.DefaultGraph(), **kwargs)


def open_store(directory: Path | str) -> OxigraphStore:
    """Open the store built in ``directory`` (read-only)."""
    return OxigraphStore(directory)


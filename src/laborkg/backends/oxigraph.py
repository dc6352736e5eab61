"""The embedded Oxigraph store (pyoxigraph, RocksDB on disk): packaged and ad-hoc queries, labels.

How parameters are bound and where answers differ from other engines: docs/architecture.md."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Literal

from laborkg.backends.base import Bound, Store
from laborkg.backends.terms import to_oxigraph, to_rdflib
from laborkg.errors import InputError, QueryError
from laborkg.namespace import PREFIXES, bind_prefixes, sparql_prologue
from laborkg.query import catalogue as _queries
from laborkg.query.engine import DEFAULT_TIMEOUT, Answer, engine_position, run_limited
from laborkg.query.rewrite import project_parameters
from laborkg.store.layout import DATABASE, NAME, NAMES_GRAPH, read_manifest


@functools.lru_cache(maxsize=256)
def _project_cached(text: str, names: tuple[str, ...]) -> tuple[str, list[str]]:
    return project_parameters(text, names)


class OxigraphStore(Store):
    """An Oxigraph store: one built by :func:`laborkg.store.build.build`, opened read-only (several
    processes may read it at once), or an in-memory one (:meth:`in_memory`)."""

    kind = "oxigraph"

    def __init__(
        self, directory: Path | str | None = None, *, store=None, manifest: dict | None = None
    ) -> None:
        import pyoxigraph as ox

        self.directory = Path(directory) if directory is not None else None
        self.manifest = manifest or {}
        if store is not None:
            self._store = store
            return
        if self.directory is None:
            raise InputError("an Oxigraph store needs a directory or an in-memory store")
        self.manifest = read_manifest(self.directory)
        try:
            self._store = ox.Store.read_only(str(self.directory / DATABASE))
        except (OSError, RuntimeError) as exc:  # RuntimeError: RocksDB finds it corrupt
            raise InputError(f"{self.directory}: cannot open the store ({exc})") from None

    @classmethod
    def in_memory(cls, ntriples: Path | str | bytes) -> OxigraphStore:
        """An in-memory store holding the N-Triples ``ntriples`` (a file, or its bytes)."""
        import pyoxigraph as ox

        store = ox.Store()
        if isinstance(ntriples, bytes):
            store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
        else:
            store.bulk_load(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES)
        return cls(store=store, manifest={"backend": "oxigraph-memory", "triples": len(store)})

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

    def _answer(self, result, drop: Iterable[str] = (), max_rows: int | None = None) -> Answer:
        import pyoxigraph as ox

        limit = None if max_rows is None else max_rows + 1  # one more shows the answer is too large
        if isinstance(result, ox.QueryBoolean):
            return Answer("ask", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            keep = [i for i, n in enumerate(names) if n not in set(drop)]
            rows = []
            for solution in result:
                rows.append(tuple(to_rdflib(solution[i]) for i in keep))
                if limit is not None and len(rows) >= limit:
                    break
            return Answer("select", vars=[names[i] for i in keep], rows=rows)
        graph = bind_prefixes(Graph())
        for t in result:
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
            if limit is not None and len(graph) >= limit:
                break
        return Answer("graph", graph=graph)

    def evaluate(
        self,
        text: str,
        substitutions: dict | None = None,
        drop: Iterable[str] = (),
        max_rows: int | None = None,
    ) -> Answer:
        """Run ``text`` in this process with no time limit and no check (see :meth:`run_checked`)."""
        try:
            return self._answer(self._select(text, substitutions), drop, max_rows)
        except (SyntaxError, ValueError, RuntimeError, OSError) as exc:
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            detail = engine_position(detail, sparql_prologue())
            raise QueryError(f"the query failed: {detail}") from None

    # -- the interface

    def _candidates(self, value: str):
        # LCASE narrows the candidates in the store (by the name index when the store has one); casefold
        # decides, as on every backend
        if self.manifest.get("names") == NAMES_GRAPH:
            return self._indexed_candidates(value)
        return (
            (sol["s"].value, sol["o"].value)
            for sol in self._select(
                "SELECT DISTINCT ?s ?o ?wanted WHERE { VALUES ?p { "
                + " ".join(f"<{p}>" for p in _queries.NAME_PROPERTIES)
                + " } ?s ?p ?o . "
                "FILTER(isIRI(?s) && isLiteral(?o) && LCASE(STR(?o)) = LCASE(STR(?wanted))) }",
                {"wanted": Literal(value)},
            )
        )

    def _indexed_candidates(self, value: str) -> list[tuple]:
        """Candidates from the store's name index: index look-ups, no scan of every label."""
        import pyoxigraph as ox

        lowered = next(
            iter(self._select("SELECT (LCASE(STR(?w)) AS ?lc) ?w WHERE {}", {"w": Literal(value)}))
        )
        names = self._store.quads_for_pattern(
            None, ox.NamedNode(NAME), lowered["lc"], ox.NamedNode(NAMES_GRAPH)
        )
        props = [ox.NamedNode(str(p)) for p in _queries.NAME_PROPERTIES]
        out = []
        for q in names:
            for p in props:
                for t in self._store.quads_for_pattern(q.subject, p, None, ox.DefaultGraph()):
                    if isinstance(t.object, ox.Literal):
                        out.append((q.subject.value, t.object.value))
        return out

    def run_bound(self, bound: Bound, timeout=DEFAULT_TIMEOUT, max_rows=None) -> Answer:
        text, added = _project_cached(bound.query.text, tuple(bound.values))
        return run_limited(lambda: self.evaluate(text, bound.values, drop=added, max_rows=max_rows), timeout)

    def run_checked(self, text: str, timeout=DEFAULT_TIMEOUT, max_rows=None) -> Answer:
        return run_limited(lambda: self.evaluate(text, max_rows=max_rows), timeout)

    def size(self) -> int | None:
        if "triples" in self.manifest:
            return int(self.manifest["triples"])
        return len(self._store)


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

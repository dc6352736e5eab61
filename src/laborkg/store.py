"""Where the closure lives and how queries reach it: one interface, two backends.

- :class:`MemoryStore` — the OWL RL closure as an in-memory rdflib ``Graph`` (reasoned on demand and
  cached, as laborkg always did). Queries run on rdflib's SPARQL engine.
- :class:`OxigraphStore` — a persistent embedded store (pyoxigraph, RocksDB on disk) that
  ``laborkg build --store DIR`` fills once with the validated closure. Opening it neither reasons nor
  parses RDF: ``laborkg query NAME --store DIR`` and ``laborkg sparql … --store DIR`` answer from it
  directly, 10–40× faster than rdflib on large graphs.

Both give an :class:`~laborkg.engine.Answer` of rdflib terms, so rendering, golden results and the
Python API work unchanged, and both keep the engine's rules: read-only (updates are refused), SERVICE
refused unless its endpoint is allowed, and a time limit (the query runs in a forked child that is
killed at the limit; pyoxigraph has no timeout of its own).

**Parameters** of packaged queries are bound with pyoxigraph's ``substitutions`` (SEP-0007), never
pasted into the query text. Oxigraph only substitutes variables of the outermost SELECT projection, so a
parameter the query does not project is added to the projection (and to the outer GROUP BY, where it is
a constant) by name, and its column is dropped from the answer. What SEP-0007 substitution does not
reach, the packaged queries avoid (each says so where it matters): ``BOUND(?param)`` is false for a
substituted parameter, so a query asks ``COALESCE(sameTerm(?p, ?p), false)``; a bare ``BIND(?param AS
?x)`` is not substituted (``BIND(IRI(?param) AS ?x)`` is); subqueries do not see parameters.

**Where the answers of the two backends differ**, and why it is harmless (``tests/test_store.py``
compares every packaged query on both):

- Oxigraph stores numbers by value: ``207000000.0`` (``xsd:decimal``, as written) comes back as
  ``207000000``, the same value. Tables show both as ``207,000,000``; ``--format json`` gives the
  canonical form.
- An aggregate over a group with no bound value: rdflib gives ``""`` for GROUP_CONCAT, Oxigraph leaves
  it unbound. Both mean "none", and tables show both as an empty cell. (Where a sum could be 0 or
  unbound, the queries sum in a subquery over bound values only, so both engines agree.)
- Plain literals come back as plain literals; an explicit ``"x"^^xsd:string`` comes back plain too.

Table labels come from the store: :meth:`OxigraphStore.label_graph` looks up the labels, acronyms and
notations of the IRIs in an answer and the quotes and files of its source passages, and returns them as
a small graph for :func:`laborkg.render.table`.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import hashlib
import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS, XSD

from . import paths
from . import queries as _queries
from .engine import DEFAULT_TIMEOUT, Answer, execute, prepare, run_limited
from .errors import InputError, LaborKGError, QueryError
from .namespace import LKG, LKP, PREFIXES, bind_prefixes, sparql_prologue

STORE_FORMAT = "laborkg-store"
STORE_VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "oxigraph"  # the pyoxigraph (RocksDB) directory inside a store directory

_LABEL_PROPERTIES = (RDFS.label, LKG.acronym, SKOS.notation)
_PASSAGE_PROPERTIES = (LKG.inDocument, LKG.quote)


class NotConforming(LaborKGError):
    """The data does not conform to the shapes (exit 1): nothing was written."""

    exit_code = 1

    def __init__(self, report) -> None:
        self.report = report
        super().__init__(
            f"the data does not conform ({len(report.violations)} violation(s)); the store was not written"
        )


def _version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


# ---------------------------------------------------------------------------------------------
# The interface


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


# ---------------------------------------------------------------------------------------------
# Terms between rdflib and pyoxigraph


def to_rdflib(term):
    """A pyoxigraph term (or None) as the rdflib term rdflib's own parsers would give."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise QueryError(f"unsupported term in an answer: {term!r}")


def to_oxigraph(term):
    """An rdflib term as a pyoxigraph term."""
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise QueryError(f"cannot bind {term!r}")


# ---------------------------------------------------------------------------------------------
# Projecting parameters (Oxigraph substitutes only variables of the outer SELECT projection)

_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_STRING = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'",
    re.S,
)
_AGGREGATE = re.compile(r"\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(", re.I)


def _mask(text: str) -> str:
    """``text`` with comments, strings and IRIs blanked out (same length), so keywords and braces in
    them are not mistaken for the query's own."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
            continue
        m = _STRING.match(text, i) if c in "\"'" else _IRI.match(text, i) if c == "<" else None
        if m:
            out.append(c + " " * (m.end() - i - 2) + text[m.end() - 1])
            i = m.end()
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _outer(masked: str, pattern: str):
    """The first match of ``pattern`` outside every ``{…}`` (the outermost query, not a subquery)."""
    depth, depths = 0, []
    for ch in masked:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        depths.append(depth)
    for m in re.finditer(pattern, masked, re.I):
        if depths[m.start()] == 0:
            return m
    return None


def _projected(clause: str) -> set[str]:
    """Variables a SELECT clause projects: bare ``?v`` and ``(… AS ?v)``."""
    out, depth = set(), 0
    for m in re.finditer(r"[()]|\bAS\s+[?$](\w+)|[?$](\w+)", clause, re.I):
        tok = m.group(0)
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
        elif m.group(1):
            out.add(m.group(1))
        elif depth == 0:
            out.add(m.group(2))
    return out


def project_parameters(text: str, names: Iterable[str]) -> tuple[str, list[str]]:
    """``text`` with the variables ``names`` added to its outermost SELECT projection (and GROUP BY) where
    it does not project them yet, so that Oxigraph can substitute them; and the names it added.

    Only variable names are added, never values: the values are bound by the engine. ASK, CONSTRUCT and
    DESCRIBE queries are returned unchanged (Oxigraph substitutes in them as they are)."""
    masked = _mask(text)
    select = _outer(masked, r"\bSELECT\b(\s+(DISTINCT|REDUCED)\b)?")
    if select is None:
        return text, []
    where = _outer(masked[select.end() :], r"\bWHERE\b|\{")
    clause = masked[select.end() : select.end() + (where.start() if where else len(masked))]
    if clause.strip().startswith("*"):
        missing = list(names)
        if missing:
            raise QueryError("a packaged query with parameters must list its variables, not SELECT *")
        return text, []
    missing = [n for n in names if n not in _projected(clause)]
    if not missing:
        return text, []
    group = _outer(masked, r"\bGROUP\s+BY\b")
    if group is None and _AGGREGATE.search(clause):
        raise QueryError("a packaged query that aggregates without GROUP BY cannot take parameters")
    extra = "".join(f" ?{n}" for n in missing)
    inserts = [(select.end(), extra)] + ([(group.end(), extra)] if group else [])
    for pos, piece in sorted(inserts, reverse=True):
        text = text[:pos] + piece + text[pos:]
    return text, missing


@functools.lru_cache(maxsize=256)
def _project_cached(text: str, names: tuple[str, ...]) -> tuple[str, list[str]]:
    return project_parameters(text, names)


# ---------------------------------------------------------------------------------------------
# The pyoxigraph backend


def read_manifest(directory: Path | str) -> dict:
    """The manifest of the store in ``directory``, or :class:`InputError` if it is not a laborkg store."""
    directory = Path(directory)
    manifest = directory / MANIFEST
    if not directory.is_dir():
        raise InputError(f"{directory}: no such store (build it with: laborkg build --store {directory})")
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(f"{directory}: not a laborkg store (no readable {MANIFEST})") from None
    if not isinstance(data, dict) or data.get("format") != STORE_FORMAT:
        raise InputError(f"{directory}: not a laborkg store ({MANIFEST} is not a laborkg manifest)")
    if data.get("version") != STORE_VERSION:
        raise InputError(
            f"{directory}: store version {data.get('version')!r}, this laborkg reads version "
            f"{STORE_VERSION}: rebuild it with laborkg build --store {directory}"
        )
    return data


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


# ---------------------------------------------------------------------------------------------
# Building a store


def validate_closure(graph: Graph, ntriples: Path | None = None):
    """Validate a validation closure as :func:`laborkg.validate.validate` does, with the violation queries
    (``queries/checks/``) run on pyoxigraph instead of rdflib: the same rows, 10–100× faster on large
    graphs. pySHACL (the reference) and the verbatim-quote check run on the rdflib graph as before.
    ``ntriples``: the closure as an N-Triples file (the reasoner's cache), read instead of re-serialising."""
    import pyoxigraph as ox

    from .validate import ValidationReport, Violation, _shacl, check_files, quote_violations, shapes_graph

    store = ox.Store()
    if ntriples is not None and ntriples.is_file():
        store.load(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES)
    else:
        store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    checks = []
    for f in check_files():
        result = store.query(sparql_prologue() + f.read_text(encoding="utf-8"))
        names = [v.value for v in result.variables]
        for solution in result:
            row = {n: to_rdflib(solution[n]) for n in names if solution[n] is not None}
            checks.append(
                Violation(
                    focus=str(row.get("focus", "")),
                    path=str(row["path"]) if row.get("path") is not None else None,
                    component=f"check:{f.stem}",
                    shape=None,
                    value=str(row["value"]) if row.get("value") is not None else None,
                    message=str(row.get("message", "")),
                )
            )
    return ValidationReport(_shacl(graph, shapes_graph()) + checks + quote_violations(graph))


def _file_entry(path: Path) -> dict:
    data = path.read_bytes()
    try:
        name = str(path.resolve().relative_to(paths.ROOT))
    except ValueError:
        name = str(path.resolve())
    return {"file": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _check_target(directory: Path) -> None:
    """Refuse to replace anything but an empty directory or a laborkg store."""
    if not directory.exists():
        return
    if not directory.is_dir():
        raise InputError(f"{directory}: exists and is not a directory")
    if not any(directory.iterdir()):
        return
    try:
        read_manifest(directory)
    except InputError:
        raise InputError(
            f"{directory}: exists and is not a laborkg store; refusing to replace it "
            "(give a new or an empty directory)"
        ) from None


def _say(progress, message: str) -> None:
    if progress is not None:
        progress(message)


def build(
    directory: Path | str,
    data: Iterable[Path | str] | None = None,
    use_cache: bool = True,
    reasoner: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Load ontology + data, reason, validate once and store the closure in ``directory``; return the
    manifest.

    Malformed input raises :class:`InputError` (exit 2), data that does not conform raises
    :class:`NotConforming` (exit 1); in both cases nothing is written and a store already in
    ``directory`` is left as it was. The store is built beside ``directory`` and renamed into place
    only when complete."""
    import pyoxigraph as ox

    from .graph import input_files
    from .reason import cache_dir, closure, inputs_key, reasoner_name
    from .validate import check_files

    directory = Path(directory)
    _check_target(directory)
    files = input_files(data)
    name = reasoner_name(reasoner, sum(f.stat().st_size for f in files) // 60)  # 60 bytes/triple, roughly
    _say(progress, f"reasoning ({name}) and validating {len(files)} files")
    checked = closure(files, use_cache=use_cache, for_validation=True, reasoner=name)
    report = validate_closure(
        checked,
        cache_dir() / f"closure-validation-{inputs_key(files, 'validation', name)}.nt" if use_cache else None,
    )
    if not report.conforms:
        raise NotConforming(report)
    _say(progress, "validated: the data conforms; reasoning for queries")
    graph = closure(files, use_cache=use_cache, reasoner=name)
    cached = cache_dir() / f"closure-query-{inputs_key(files, 'query', name)}.nt"

    parent = directory.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = parent / f".{directory.name}.building-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir()
        _say(progress, f"loading {len(graph)} triples into {directory}")
        store = ox.Store(str(tmp / DATABASE))
        if use_cache and cached.is_file():  # the closure as reason.py cached it: no need to serialise again
            store.bulk_load(path=str(cached), format=ox.RdfFormat.N_TRIPLES)
        else:
            store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        store.flush()
        store.optimize()
        triples = len(store)
        del store
        from .incremental import write_delta  # here: incremental imports this module

        write_delta(tmp, graph, checked)  # what validation reads that queries do not, and the reverse
        del checked
        manifest = {
            "format": STORE_FORMAT,
            "version": STORE_VERSION,
            "backend": "oxigraph",
            "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "triples": triples,
            "inputs": {"sha256": inputs_key(files, "query", name), "files": [_file_entry(f) for f in files]},
            "reasoner": {"name": name, "version": _version(name)},
            "validation": {
                "conforms": True,
                "shapes": [str(p.name) for p in paths.shape_files()],
                "checks": [str(p.name) for p in check_files()],
            },
            "versions": {
                "laborkg": _version("laborkg"),
                "python": sys.version.split()[0],
                "rdflib": _version("rdflib"),
                "pyoxigraph": _version("pyoxigraph"),
                "pyshacl": _version("pyshacl"),
                "owlrl": _version("owlrl"),
                "reasonable": _version("reasonable"),
            },
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _replace(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    del graph
    _say(progress, f"stored {triples} triples in {directory}")
    return manifest


def _replace(new: Path, directory: Path) -> None:
    """Move the complete store ``new`` to ``directory``, replacing the store there (if any)."""
    if directory.exists():
        old = directory.resolve().parent / f".{directory.name}.old-{os.getpid()}"
        shutil.rmtree(old, ignore_errors=True)
        os.rename(directory, old)
        try:
            os.rename(new, directory)
        except BaseException:
            os.rename(old, directory)
            raise
        with contextlib.suppress(OSError):
            shutil.rmtree(old)
    else:
        os.rename(new, directory)


__all__ = [
    "Store",
    "MemoryStore",
    "OxigraphStore",
    "NotConforming",
    "build",
    "open_store",
    "dump",
    "STORE_EXPORT_FORMATS",
    "validate_closure",
    "read_manifest",
    "project_parameters",
    "run_limited",
    "to_oxigraph",
    "to_rdflib",
]

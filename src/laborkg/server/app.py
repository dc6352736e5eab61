"""``laborkg serve``: a read-only SPARQL 1.1 Protocol endpoint and a web view, on the standard library.

One process (``http.server.ThreadingHTTPServer``) answers:

- ``/sparql`` — SPARQL 1.1 Protocol: ``GET ?query=``, ``POST`` form-encoded (``query=``) or
  ``application/sparql-query``. SELECT/ASK answers in SPARQL JSON (default), XML, CSV or TSV, CONSTRUCT/
  DESCRIBE in Turtle (default), JSON-LD or N-Triples, chosen by ``Accept`` (or ``format=``); ``406`` when
  nothing acceptable is offered. Updates (``update=``, ``application/sparql-update``, or update text as a
  query) get ``403``; SERVICE, FROM/FROM NAMED and the dataset parameters are refused before evaluation.
- ``/queries`` (JSON or HTML) and ``/queries/NAME?param=…`` — the packaged queries, parameters bound by
  the engine (:func:`laborkg.queries.run`).
- ``/id/LOCAL`` (and ``/code/LOCAL``) — the graph's IRIs, dereferenced: HTML, Turtle, JSON-LD or N-Triples.
- ``/``, ``/timeline``, ``/graph``, ``/stats`` and ``/static/NAME`` — the web view (``laborkg/web/``),
  plain HTML/CSS/JS served from the package: nothing is loaded from anywhere else.

Limits (all configurable, see :class:`Limits`): each query runs in one of ``max_concurrent`` worker
processes forked at start (:class:`Workers`); a worker still busy at the time limit is killed and
replaced (``503``, JSON body ``{"error": "timeout"}``); an answer with more rows (or triples) than the cap
is refused with ``413`` and ``{"error": "result-too-large"}`` (never truncated); bodies or query texts
over the size cap get ``413`` ``{"error": "request-too-large"}``; at most ``max_concurrent`` queries are
evaluated at once (others wait ``queue_wait`` seconds, then ``503`` ``busy``) and at most
``max_connections`` connections are served at once, so one runaway query never stalls the others.

The server reads its graph through a :class:`Backend`; :class:`ClosureBackend` is the in-memory OWL RL
closure. Another store can be plugged in by implementing the same few methods.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import socket
import sys
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from laborkg.errors import InputError, LaborKGError, QueryError
from laborkg.namespace import LKC, LKG, LKR, bind_prefixes
from laborkg.query import catalogue as q
from laborkg.query import render
from laborkg.query.engine import Answer, QueryTimeout, execute, is_update, prepare
from laborkg.query.guard import check
from laborkg.server.limits import Limits, serve_arguments  # noqa: F401 - re-exported: laborkg.server.Limits

if TYPE_CHECKING:  # rdflib's SPARQL parser loads with the first query, not with ``laborkg --help``
    from rdflib.plugins.sparql.sparql import Query

WEB_DIR = Path(__file__).resolve().parent / "web"

# Media types
RESULTS_JSON = "application/sparql-results+json"
RESULTS_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
JSONLD = "application/ld+json"
NTRIPLES = "application/n-triples"
HTML = "text/html"
JSON = "application/json"
TABLE = "application/vnd.laborkg.table+json"
"""Rows with labels in one language, formatted values and source passages as notes (the web view's)."""

# What /sparql and /queries/NAME offer, in order of preference (the first is the default).
ROW_OFFERS = {
    RESULTS_JSON: "json",
    RESULTS_XML: "xml",
    CSV: "csv",
    TSV: "tsv",
    JSON: "json",
    "application/xml": "xml",
    "text/xml": "xml",
    TABLE: "table",
    HTML: "html",
}
GRAPH_OFFERS = {
    TURTLE: "turtle",
    JSONLD: "json-ld",
    NTRIPLES: "nt",
    "application/x-turtle": "turtle",
    JSON: "json-ld",
    HTML: "html",
}
ENTITY_OFFERS = {TURTLE: "turtle", HTML: "html", JSONLD: "json-ld", NTRIPLES: "nt", JSON: "json-ld"}
FORMAT_NAMES = {
    "json": (RESULTS_JSON, JSONLD),
    "xml": (RESULTS_XML,),
    "csv": (CSV,),
    "tsv": (TSV,),
    "table": (TABLE,),
    "html": (HTML,),
    "turtle": (TURTLE,),
    "ttl": (TURTLE,),
    "json-ld": (JSONLD,),
    "jsonld": (JSONLD,),
    "nt": (NTRIPLES,),
    "ntriples": (NTRIPLES,),
    "n-triples": (NTRIPLES,),
}
RESERVED_PARAMS = ("format", "labels")
"""Query-string names /queries/NAME keeps for itself (no packaged query may use them)."""

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_LOCAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~/-]{0,300}")
_STATIC = re.compile(r"[a-z0-9][a-z0-9_-]*\.(?:html|js|css|svg|png)")
_PAGES = {"/": "index.html", "/timeline": "timeline.html", "/graph": "graph.html", "/stats": "stats.html"}
_LINK_OUT = {
    "www.wikidata.org": "Wikidata",
    "normlex.ilo.org": "ILO NORMLEX",
    "www.ilo.org": "ILO",
    "iatistandard.org": "IATI",
    "www.iso.org": "ISO",
    "publications.europa.eu": "EU Publications Office",
}


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("laborkg")
    except metadata.PackageNotFoundError:
        return "unknown"


# ---------------------------------------------------------------------------------------------
# Limits and the graph behind the server


class Backend(Protocol):
    """Where the server's answers come from. The server itself parses every query with rdflib and
    refuses updates, SERVICE and FROM before a backend sees it; a backend only evaluates. Nothing else
    of the graph is read directly: labels come from :meth:`label_graph`, entity pages from
    :meth:`describe` and packaged queries, so a persistent store plugs in through :class:`StoreBackend`."""

    def run(self, text: str, query: Query, timeout: float | None, max_rows: int) -> Answer:
        """Evaluate an ad-hoc query (its text and rdflib's parse of it) within ``timeout`` seconds
        (:class:`QueryTimeout`); it may stop after ``max_rows + 1`` rows. ``timeout=None`` (as the
        server's worker processes call it, and :meth:`packaged` and :meth:`describe` too): in this
        process, without a limit of its own."""

    def packaged(self, name: str, params: dict[str, str], timeout: float) -> Answer:
        """Run a packaged query with its parameters (text) bound by the engine."""

    def check_params(self, name: str, params: dict[str, str]) -> None:
        """Raise :class:`QueryError` when a parameter is unknown, missing, ill-typed or unresolvable."""

    def label_graph(self, answer: Answer) -> Graph:
        """A graph with the labels, acronyms and passages (quote, seed file) that ``answer`` refers to."""

    def describe(self, iri: URIRef, timeout: float) -> Graph:
        """The triples about ``iri``: its own and those pointing to it (empty: not in the graph)."""

    def size(self) -> int | None:
        """Triples in the graph, when known."""


def _capped(query: Query, max_rows: int) -> Query:
    """The query with its solutions cut after ``max_rows + 1`` (a SLICE around the pattern), so an
    answer that is too large is known to be so without computing all of it."""
    algebra = query.algebra
    if algebra.name not in ("SelectQuery", "ConstructQuery") or (
        algebra.name == "ConstructQuery" and not algebra.get("template")
    ):
        return query  # CONSTRUCT WHERE reads its template from the pattern; DESCRIBE is counted after
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.plugins.sparql.sparql import Query

    wrapped = CompValue(algebra.name, **algebra)
    wrapped["p"] = CompValue("Slice", p=algebra["p"], start=0, length=max_rows + 1)
    return Query(query.prologue, wrapped)


class ClosureBackend:
    """The in-memory OWL RL closure (:func:`laborkg.api.open` / :func:`laborkg.reason.closure`), queried
    with :func:`laborkg.engine.execute` (each query in a forked child with a time limit)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def run(self, text: str, query: Query, timeout: float, max_rows: int) -> Answer:
        return execute(self.graph, _capped(query, max_rows), timeout=timeout)

    def packaged(self, name: str, params: dict[str, str], timeout: float) -> Answer:
        return q.run(self.graph, name, params, timeout=timeout)

    def check_params(self, name: str, params: dict[str, str]) -> None:
        q.bindings(self.graph, q.get(name), params)

    def label_graph(self, answer: Answer) -> Graph:
        return self.graph

    def describe(self, iri: URIRef, timeout: float) -> Graph:
        out = bind_prefixes(Graph())
        for t in self.graph.triples((iri, None, None)):
            out.add(t)
        for s, p, _ in self.graph.triples((None, None, iri)):
            if isinstance(s, URIRef):
                out.add((s, p, iri))
        return out

    def size(self) -> int | None:
        return len(self.graph)


class StoreBackend:
    """Any :class:`laborkg.store.Store` (``query``, ``sparql``, ``resolve_iri``, ``label_graph``), e.g. the
    persistent Oxigraph store of ``laborkg build --store DIR``. Row caps are checked on the answer."""

    def __init__(self, store) -> None:
        self.store = store

    def run(self, text: str, query: Query | None, timeout: float | None, max_rows: int) -> Answer:
        evaluate = getattr(self.store, "evaluate", None)  # OxigraphStore's, in this process
        if timeout is None and evaluate is not None:
            # in a worker: the server has checked the text already (engine.prepare), so rdflib need not
            # parse it again (its parse is not shared between workers and costs 30-900 ms); Oxigraph does
            return evaluate(text)
        return self.store.sparql(text, timeout=timeout)

    def packaged(self, name: str, params: dict[str, str], timeout: float) -> Answer:
        return self.store.query(name, params, timeout=timeout)

    def check_params(self, name: str, params: dict[str, str]) -> None:
        query = q.get(name)
        for key in params:
            query.param(key)
        for p in query.params:
            value = params.get(p.name, p.default)
            if value is None:
                if p.required:
                    raise QueryError(f"query {name!r} needs parameter {p.name!r} ({p.description})")
            elif p.type == "iri":
                self.store.resolve_iri(value)
            else:
                q.convert(None, p, value)

    def label_graph(self, answer: Answer) -> Graph:
        return self.store.label_graph(answer)

    def describe(self, iri: URIRef, timeout: float) -> Graph:
        text = (
            f"CONSTRUCT {{ <{iri}> ?p ?o . ?s ?q <{iri}> }} "
            f"WHERE {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?q <{iri}> FILTER(isIRI(?s)) }} }}"
        )
        return bind_prefixes(self.store.sparql(text, timeout=timeout).graph or Graph())

    def size(self) -> int | None:
        try:
            return len(self.store)
        except TypeError:
            return None


class _Union:
    """Several graphs read as one (only what labelling needs: triples, objects, value)."""

    def __init__(self, *graphs: Graph) -> None:
        self.graphs: list[Graph] = []
        for g in graphs:
            if not any(g is seen for seen in self.graphs):
                self.graphs.append(g)

    def triples(self, pattern):
        seen = set()
        for g in self.graphs:
            for t in g.triples(pattern):
                if t not in seen:
                    seen.add(t)
                    yield t

    def objects(self, subject=None, predicate=None):
        for _, _, o in self.triples((subject, predicate, None)):
            yield o

    def value(self, subject=None, predicate=RDF.value, object=None, default=None, any=True):  # noqa: A002
        return next(self.objects(subject, predicate), default)

    def __contains__(self, triple) -> bool:
        return any(triple in g for g in self.graphs)


# ---------------------------------------------------------------------------------------------
# Query processes: forked once at start, reused, killed (and replaced) at the time limit


def _portable(result) -> tuple[str, Any]:
    """A result as a worker sends it back: graphs as N-Triples text, everything else as it is."""
    if isinstance(result, Graph):
        return "graph", result.serialize(format="nt")
    if isinstance(result, Answer) and result.kind == "graph":
        return "graph-answer", (result.graph if result.graph is not None else Graph()).serialize(format="nt")
    return "value", result


def _restore(kind: str, data):
    if kind == "value":
        return data
    graph = bind_prefixes(Graph())
    graph.parse(data=data, format="nt")
    return graph if kind == "graph" else Answer("graph", graph=graph)


def _close_inherited_sockets(keep: int) -> None:
    """In a worker: close the sockets forked with it (the listening socket, clients' connections, the
    other workers' pipes), so that none stays open because a worker holds a copy. Files (the store's)
    stay open."""
    import os
    import stat

    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return
    for fd in fds:
        if fd == keep or fd <= 2:
            continue
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:
            pass


def _call(backend, method: str, args: tuple):
    """What a worker does for one request: the backend's own method, with no time limit (``None``: in
    this process; the server kills the whole worker at the limit)."""
    if method == "run":
        text, max_rows = args
        parsed = None if isinstance(backend, StoreBackend) else prepare(text)  # a store parses its own
        return backend.run(text, parsed, None, max_rows)
    if method == "packaged":
        name, params = args
        return backend.packaged(name, params, None)
    if method == "describe":
        return backend.describe(URIRef(args[0]), None)
    raise ValueError(f"unknown call {method!r}")


def _worker(conn, backend) -> None:
    """A worker's loop: read (method, args), call the backend, send back ("ok", kind, data) or an error."""
    import os
    import pickle
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    _close_inherited_sockets(conn.fileno())
    while True:
        try:
            method, args = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            os._exit(0)
        try:
            data = pickle.dumps(("ok", *_portable(_call(backend, method, args))))
        except LaborKGError as exc:
            data = pickle.dumps(("laborkg", str(exc)))
        except Exception as exc:  # noqa: BLE001 - everything goes back to the server as one line
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            data = pickle.dumps(("error", f"{type(exc).__name__}: {detail}"))
        try:
            conn.send_bytes(data)
        except OSError:
            os._exit(0)


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Any
    calls: int = 0
    seen: dict = field(default_factory=dict)
    """Keys of the calls it answered lately (the query texts it has parsed and cached), oldest first."""


class Workers:
    """``size`` processes forked from the server once, each evaluating one call at a time on its copy of
    the backend (shared copy-on-write). A call past its time limit has its process killed and a new one
    forked in its place; so does a process that has served ``max_calls`` calls (memory it copied is given
    back). Forking for every query cost 15–25 ms; handing a query to a waiting process costs under 1 ms."""

    def __init__(self, backend, size: int, max_calls: int = 1000) -> None:
        import multiprocessing as mp

        self.backend, self.max_calls, self.closed = backend, max_calls, False
        self._context = mp.get_context("fork")
        self._idle: list[_Worker] = []  # the worker used last (caches warm) at the end
        self._free = threading.Condition()
        self._lock = threading.Lock()
        self._live: set[_Worker] = set()
        for _ in range(size):
            self._put(self._start())

    def _put(self, worker: _Worker) -> None:
        with self._free:
            self._idle.append(worker)
            self._free.notify()

    def _take(self, key) -> _Worker:
        """An idle worker: one that has answered ``key`` lately (its parse of the text is cached), else
        the one used last. rdflib's parse is not shared between processes and costs 30-900 ms."""
        with self._free:
            if not self._free.wait_for(lambda: self._idle, timeout=30):
                raise LaborKGError("no query process is free")
            for i in range(len(self._idle) - 1, -1, -1):
                if key in self._idle[i].seen:
                    return self._idle.pop(i)
            return self._idle.pop()

    def _start(self) -> _Worker:
        import gc

        ours, theirs = self._context.Pipe(duplex=True)
        process = self._context.Process(target=_worker, args=(theirs, self.backend), daemon=True)
        gc.freeze()  # the worker's collector leaves inherited objects alone: fewer pages copied
        try:
            process.start()
        finally:
            gc.unfreeze()
        theirs.close()
        worker = _Worker(process, ours)
        with self._lock:
            self._live.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._live.discard(worker)
        worker.conn.close()
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)

    def call(self, method: str, args: tuple, timeout: float | None):
        """``method`` (run, packaged or describe) with ``args`` in a worker, within ``timeout`` seconds
        (:class:`QueryTimeout`). The caller holds one of the server's query slots, so a worker is free."""
        import pickle

        if self.closed:
            raise LaborKGError("the server is stopping")
        key = (method, args[0])
        worker = self._take(key)
        healthy = False
        try:
            worker.conn.send_bytes(pickle.dumps((method, args)))
            if not worker.conn.poll(timeout):
                raise QueryTimeout(
                    f"the query ran longer than its time limit of {timeout:g} s and was stopped"
                )
            payload = pickle.loads(worker.conn.recv_bytes())
            healthy = True
        except (EOFError, OSError):
            raise LaborKGError("the query process ended without an answer") from None
        finally:
            worker.calls += 1
            worker.seen.pop(key, None)
            worker.seen[key] = True
            if len(worker.seen) > 128:  # as many as engine.prepare keeps
                del worker.seen[next(iter(worker.seen))]
            if healthy and worker.calls < self.max_calls and not self.closed:
                self._put(worker)
            else:
                self._retire(worker)
                if not self.closed:
                    self._put(self._start())
        if payload[0] == "laborkg":
            raise QueryError(payload[1])
        if payload[0] == "error":
            raise QueryError(f"the query failed: {payload[1]}")
        return _restore(payload[1], payload[2])

    def close(self) -> None:
        self.closed = True
        with self._lock:
            live = list(self._live)
        for worker in live:
            self._retire(worker)


class PooledBackend:
    """A :class:`Backend` whose queries (``run``, ``packaged``, ``describe``) run in :class:`Workers`;
    labels, parameter checks and the size are read from the backend in the server's process."""

    def __init__(self, backend, size: int) -> None:
        self.backend = backend
        self.workers = Workers(backend, size)

    def run(self, text: str, query: Query, timeout: float, max_rows: int) -> Answer:
        return self.workers.call("run", (text, max_rows), timeout)

    def packaged(self, name: str, params: dict[str, str], timeout: float) -> Answer:
        return self.workers.call("packaged", (name, dict(params)), timeout)

    def describe(self, iri: URIRef, timeout: float) -> Graph:
        return self.workers.call("describe", (str(iri),), timeout)

    def check_params(self, name: str, params: dict[str, str]) -> None:
        self.backend.check_params(name, params)

    def label_graph(self, answer: Answer) -> Graph:
        return self.backend.label_graph(answer)

    def size(self) -> int | None:
        return self.backend.size()

    def close(self) -> None:
        self.workers.close()


# ---------------------------------------------------------------------------------------------
# Errors and content negotiation


class HTTPError(Exception):
    """An answer other than 2xx, with a JSON body ``{"error": code, "message": …, "status": …}``."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def parse_accept(header: str | None) -> list[tuple[str, str, float]]:
    """The media ranges of an Accept header as (type, subtype, q); an absent or empty header accepts
    anything. Malformed ranges are dropped; a header with no usable range is refused (406)."""
    if header is None or not header.strip():
        return [("*", "*", 1.0)]
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        kind, slash, sub = fields[0].lower().partition("/")
        if not slash or not _TOKEN.fullmatch(kind) or not _TOKEN.fullmatch(sub) or (kind == "*" != sub):
            continue
        quality: float | None = 1.0
        for f in fields[1:]:
            key, _, value = f.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = None
                break
        if quality is None or not 0.0 <= quality <= 1.0:
            continue
        ranges.append((kind, sub, quality))
    if not ranges:
        raise HTTPError(406, "not-acceptable", f"the Accept header {header[:200]!r} names no media type")
    return ranges


def negotiate(header: str | None, offers: Iterable[str]) -> str | None:
    """The offered media type the Accept header prefers (ties go to the earlier offer), or None."""
    ranges = parse_accept(header)
    best, best_q = None, 0.0
    for offer in offers:
        kind, _, sub = offer.partition("/")
        quality, specificity = 0.0, -1
        for rk, rs, rq in ranges:
            if rk == kind and rs == sub:
                level = 2
            elif rk == kind and rs == "*":
                level = 1
            elif rk == "*":
                level = 0
            else:
                continue
            if level > specificity or (level == specificity and rq > quality):
                specificity, quality = level, rq
        if quality > best_q:
            best, best_q = offer, quality
    return best


def choose(header: str | None, fmt: str | None, offers: dict[str, str]) -> tuple[str, str]:
    """(media type, renderer) for a request: ``format=`` (a name or a media type) wins over Accept."""
    if fmt:
        wanted = FORMAT_NAMES.get(fmt.lower(), (fmt.lower(),))
        if fmt.lower() not in FORMAT_NAMES and "/" not in fmt:
            names = ", ".join(sorted(FORMAT_NAMES))
            raise HTTPError(400, "bad-format", f"unknown format {fmt[:50]!r} (one of {names})")
        for media in wanted:
            if media in offers:
                return media, offers[media]
        raise HTTPError(
            406, "not-acceptable", f"format {fmt[:50]!r} is not offered here (offered: {', '.join(offers)})"
        )
    media = negotiate(header, offers)
    if media is None:
        raise HTTPError(
            406,
            "not-acceptable",
            f"none of the accepted media types is offered (offered: {', '.join(offers)})",
        )
    return media, offers[media]


# ---------------------------------------------------------------------------------------------
# Labelled tables (the web view's format) and HTML


def entity_href(iri: str) -> str | None:
    """The server path that dereferences ``iri``, when it is one of the graph's own."""
    for ns, path in ((LKR, "/id/"), (LKC, "/code/")):
        if iri.startswith(str(ns)):
            local = iri[len(str(ns)) :]
            if _LOCAL.fullmatch(local):
                return path + urllib.parse.quote(local, safe="/-._~")
    return None


def _cell(node, lab: render.Labeller) -> dict | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        cell = {"type": "uri", "value": str(node), "text": lab.term(node)}
        href = entity_href(str(node))
        if href:
            cell["href"] = href
        return cell
    if isinstance(node, BNode):
        return {"type": "bnode", "value": str(node), "text": "_:" + str(node)}
    cell = {"type": "literal", "value": str(node), "text": lab.literal(node)}
    if node.language:
        cell["xml:lang"] = node.language
    elif node.datatype:
        cell["datatype"] = str(node.datatype)
    return cell


def passage_note(graph: Graph, iri: URIRef) -> dict:
    """A source passage: its quote, seed file and link."""
    doc = graph.value(iri, LKG.inDocument)
    fname = graph.value(doc, LKG.fileName) if doc is not None else None
    quote = graph.value(iri, LKG.quote)
    note = {"iri": str(iri), "quote": None if quote is None else str(quote)}
    note["file"] = None if fname is None else f"seeds/{fname}"
    href = entity_href(str(iri))
    if href:
        note["href"] = href
    return note


def table_json(answer: Answer, graph: Graph, lang: str = "en", title: str | None = None) -> dict:
    """Rows with labels in ``lang``, formatted values, and source passages as numbered notes (quote,
    seed file). Each cell keeps the exact term too (``value``, ``datatype``)."""
    lab = render.Labeller(graph, lang)
    doc: dict[str, Any] = {"kind": answer.kind, "lang": lang}
    if title:
        doc["title"] = title
    if answer.kind == "ask":
        doc["boolean"] = bool(answer.boolean)
        return doc
    notes: dict[str, int] = {}
    rows = []
    for row in answer.rows:
        cells = []
        for node in row:
            refs = render.cite(node, notes)
            if refs:
                cells.append({"type": "sources", "value": str(node), "notes": refs})
            else:
                cells.append(_cell(node, lab))
        rows.append(cells)
    doc["vars"] = list(answer.vars)
    doc["rows"] = rows
    doc["notes"] = [{"n": n, **passage_note(graph, URIRef(iri))} for n, iri in enumerate(notes, 1)]
    return doc


def esc(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


NAV = (
    ("/", "Query"),
    ("/queries", "Packaged queries"),
    ("/timeline", "Timeline"),
    ("/graph", "Funding graph"),
    ("/stats", "Enforcement 2021–2022"),
)


def shell(title: str, body: str, lang: str = "en", page: str = "", here: str = "") -> str:
    """A page of the web view: the same head, navigation and language switch as the static pages."""
    links = "".join(
        f'<a href="{path}"{" aria-current=page" if path == here else ""}>{esc(name)}</a>'
        for path, name in NAV
    )
    switch = "".join(
        f'<a href="?labels={code}" class="lang{" on" if code == lang else ""}" data-lang="{code}">{code}</a>'
        for code in ("en", "es")
    )
    return (
        "<!doctype html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{esc(title)} · laborkg</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
        '<link rel="stylesheet" href="/static/style.css"></head>'
        f'<body data-page="{esc(page)}"><header class="top"><a class="brand" href="/">laborkg</a>'
        f'<nav>{links}</nav><span class="langs">labels: {switch}</span></header>'
        f'<main>{body}</main><script src="/static/common.js"></script></body></html>\n'
    )


def table_html(doc: dict) -> str:
    """A labelled table (from :func:`table_json`) as HTML, with its notes."""
    if doc["kind"] == "ask":
        return f'<p class="ask">{"yes" if doc["boolean"] else "no"}</p>'
    out = ['<div class="scroll"><table class="results"><thead><tr>']
    out += [f"<th>{esc(v)}</th>" for v in doc["vars"]]
    out.append("</tr></thead><tbody>")
    for row in doc["rows"]:
        out.append("<tr>")
        for cell in row:
            out.append(f"<td>{cell_html(cell)}</td>")
        out.append("</tr>")
    out.append(f'</tbody></table></div><p class="count">{len(doc["rows"])} row(s)</p>')
    if doc["notes"]:
        out.append('<ol class="notes">')
        for note in doc["notes"]:
            out.append(f'<li id="note-{note["n"]}">{note_html(note)}</li>')
        out.append("</ol>")
    return "".join(out)


def cell_html(cell: dict | None) -> str:
    if cell is None:
        return ""
    if cell["type"] == "sources":
        return " ".join(f'<a class="ref" href="#note-{n}">[{n}]</a>' for n in cell["notes"])
    if cell.get("href"):
        return f'<a href="{esc(cell["href"])}" title="{esc(cell["value"])}">{esc(cell["text"])}</a>'
    if cell["type"] == "uri":
        return f'<span title="{esc(cell["value"])}">{esc(cell["text"])}</span>'
    return esc(cell["text"])


def note_html(note: dict) -> str:
    file = f'<span class="seed">{esc(note["file"])}</span> ' if note.get("file") else ""
    quote = f"<q>{esc(note['quote'])}</q>" if note.get("quote") else esc(note["iri"])
    link = f' <a href="{esc(note["href"])}">passage</a>' if note.get("href") else ""
    return f"{file}{quote}{link}"


# ---------------------------------------------------------------------------------------------
# Static files: a fixed table read once; a name outside it is 404, whatever it contains


def static_files(directory: Path = WEB_DIR) -> dict[str, tuple[bytes, str, str]]:
    """Name → (bytes, media type, ETag) for every file of the web view."""
    types = {
        ".html": "text/html; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".svg": "image/svg+xml",
        ".png": "image/png",
    }
    table = {}
    for path in sorted(directory.iterdir()) if directory.is_dir() else ():
        if path.is_file() and not path.is_symlink() and _STATIC.fullmatch(path.name):
            data = path.read_bytes()
            table[path.name] = (data, types[path.suffix], '"' + hashlib.sha256(data).hexdigest()[:20] + '"')
    return table


# ---------------------------------------------------------------------------------------------
# The server


@dataclass
class Counters:
    requests: int = 0
    queries: int = 0
    timeouts: int = 0
    refused: int = 0
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + 1)


class LaborKGServer(ThreadingHTTPServer):
    """A thread per connection; queries in worker processes (:class:`PooledBackend`); the limits of
    :class:`Limits`. ``server_close()`` stops the workers."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, backend: Backend, limits: Limits | None = None, log=None) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.backend = backend
        self.limits = limits or Limits()
        self.log = log
        self.log_lock = threading.Lock()
        self.query_slots = threading.BoundedSemaphore(self.limits.max_concurrent)
        self.connection_slots = threading.BoundedSemaphore(self.limits.max_connections)
        self.static = static_files()
        self.catalogue = q.catalogue()
        self.forms: dict[str, str] = {}
        self.counters = Counters()
        self.started = time.time()
        super().__init__(address, Handler)
        try:
            self.backend = PooledBackend(backend, self.limits.max_concurrent)
        except BaseException:
            super().server_close()
            raise

    def server_close(self) -> None:
        super().server_close()
        if isinstance(self.backend, PooledBackend):
            self.backend.close()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def process_request(self, request, client_address) -> None:
        if not self.connection_slots.acquire(blocking=False):
            body = _json_error(503, "busy", "too many connections; try again shortly")
            head = (
                "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
            )
            try:
                request.settimeout(2)
                request.sendall(head.encode("ascii") + body)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.connection_slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connection_slots.release()

    def handle_error(self, request, client_address) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):  # the client went away: nothing to report
            return
        self.write_log("internal error:\n" + traceback.format_exc())

    def write_log(self, line: str) -> None:
        if self.log is None:
            return
        with self.log_lock:
            try:
                self.log.write(line.rstrip("\n") + "\n")
                self.log.flush()
            except (OSError, ValueError):
                pass

    def query_form(self, name: str) -> str:
        """SelectQuery, AskQuery, ConstructQuery or DescribeQuery of a packaged query (parsed once)."""
        if name not in self.forms:
            self.forms[name] = prepare(self.catalogue[name].text).algebra.name
        return self.forms[name]


def _json_error(status: int, code: str, message: str) -> bytes:
    return (
        json.dumps({"error": code, "message": message, "status": status}, ensure_ascii=False) + "\n"
    ).encode()


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class Handler(BaseHTTPRequestHandler):
    server: LaborKGServer
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.0"  # errors in unparsable request lines get a status line too
    server_version = f"laborkg/{_version()}"
    sys_version = ""

    def version_string(self) -> str:
        return self.server_version

    # -- plumbing ---------------------------------------------------------------------------

    def setup(self) -> None:
        self.timeout = self.server.limits.read_timeout
        super().setup()
        self._drain_input = False

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        self.server.write_log(f"{self.address_string()} - {format % args}")

    def log_request(self, code="-", size="-") -> None:
        line = (self.requestline or "")[:300]
        self.server.write_log(
            f'{self.address_string()} "{line}" {int(code) if str(code).isdigit() else code}'
        )

    def send_error(self, code, message=None, explain=None) -> None:
        """Errors the base class finds (bad request line, 414, 431, an unknown method…) as JSON too."""
        headers = {}
        if code == HTTPStatus.NOT_IMPLEMENTED:  # an unknown method: the same answer as PUT or DELETE
            code, message = 405, f"{self.command} is not allowed (GET, HEAD, POST)"
            headers["Allow"] = "GET, HEAD, POST"
        try:
            short = HTTPStatus(code).phrase
        except ValueError:
            short = "Error"
        name = short.lower().replace(" ", "-")
        self.close_connection = True
        self._send(Response(code, _json_error(code, name, message or short), "application/json", headers))

    def _send(self, resp: Response, head_only: bool = False) -> None:
        ctype = resp.content_type
        if (ctype.startswith("text/") or ctype.endswith("json") or ctype.endswith("xml")) and (
            "charset" not in ctype
        ):
            ctype += "; charset=utf-8"
        try:
            self.send_response(resp.status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(resp.body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            if ctype.startswith("text/html"):
                self.send_header("Content-Security-Policy", CSP)
            if "Cache-Control" not in resp.headers:
                self.send_header("Cache-Control", "no-store")
            for key, value in resp.headers.items():
                self.send_header(key, value)
            self.send_header("Connection", "close")
            self.end_headers()
            if not head_only:
                self.wfile.write(resp.body)
            self.wfile.flush()
        except OSError:
            pass
        self.close_connection = True
        if self._drain_input:
            self._drain()

    def _drain(self, limit: int = 8 * 1024 * 1024, seconds: float = 2.0) -> None:
        """After refusing a body without reading it: read and drop it (bounded), so that the client
        reads the answer instead of a connection reset."""
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(0.25)
            deadline, total = time.monotonic() + seconds, 0
            while total < limit and time.monotonic() < deadline:
                chunk = self.connection.recv(65536)
                if not chunk:
                    break
                total += len(chunk)
        except OSError:
            pass

    def _dispatch(self, method: str) -> None:
        self.server.counters.add("requests")
        head_only = method == "HEAD"
        try:
            resp = self._route("GET" if head_only else method)
        except HTTPError as exc:
            resp = self._error(exc)
        except Exception:  # a bug: logged, answered 500 with one line
            self.server.counters.add("errors")
            self.server.write_log("internal error:\n" + traceback.format_exc())
            resp = self._error(HTTPError(500, "internal-error", "internal error (logged by the server)"))
        self._send(resp, head_only)

    def _error(self, exc: HTTPError) -> Response:
        if exc.status in (403, 413):
            self.server.counters.add("refused")
        try:
            wants_html = negotiate(self.headers.get("Accept"), (JSON, HTML)) == HTML and "html" in (
                self.headers.get("Accept") or ""
            )
        except HTTPError:
            wants_html = False
        if wants_html:
            body = shell(
                f"{exc.status} {exc.code}",
                f'<h1>{exc.status} {esc(exc.code)}</h1><p class="error">{esc(exc.message)}</p>',
            )
            return Response(exc.status, body.encode(), HTML, dict(exc.headers))
        return Response(exc.status, _json_error(exc.status, exc.code, exc.message), JSON, dict(exc.headers))

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._dispatch("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._dispatch("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch("POST")

    def _not_allowed(self) -> None:
        self._drain_input = "Content-Length" in self.headers or "Transfer-Encoding" in self.headers
        self.server.counters.add("requests")
        self._send(
            self._error(
                HTTPError(
                    405,
                    "method-not-allowed",
                    f"{self.command} is not allowed: this endpoint is read-only (GET, HEAD, POST)",
                    {"Allow": "GET, HEAD, POST"},
                )
            )
        )

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _not_allowed  # noqa: N815

    # -- routing ----------------------------------------------------------------------------

    def _target(self) -> tuple[str, str]:
        raw = self.path
        if len(raw.encode("latin-1", "replace")) > self.server.limits.max_url:
            raise HTTPError(
                414, "uri-too-long", f"the request target is longer than {self.server.limits.max_url} bytes"
            )
        if raw.startswith(("http://", "https://")):
            split = urllib.parse.urlsplit(raw)
            raw = (split.path or "/") + ("?" + split.query if split.query else "")
        if not raw.startswith("/"):
            raise HTTPError(400, "bad-request", "the request target must be a path")
        path, _, query = raw.partition("?")
        return path, query.partition("#")[0]

    def _route(self, method: str) -> Response:
        path, query = self._target()
        if method == "POST":
            if path.rstrip("/") != "/sparql":
                self._drain_input = True
                raise HTTPError(405, "method-not-allowed", "only /sparql takes POST", {"Allow": "GET, HEAD"})
            return self._sparql(query, post=True)
        if path == "/sparql" or path == "/sparql/":
            return self._sparql(query, post=False)
        if path in _PAGES:
            return self._static(_PAGES[path])
        if path.startswith("/static/"):
            return self._static(self._unquote(path[len("/static/") :]))
        if path.rstrip("/") == "/queries":
            return self._catalogue(query)
        if path.startswith("/queries/"):
            return self._packaged(self._unquote(path[len("/queries/") :]).rstrip("/"), query)
        if path.startswith("/id/"):
            return self._entity(LKR, path[len("/id/") :], query)
        if path.startswith("/code/"):
            return self._entity(LKC, path[len("/code/") :], query)
        if path == "/status":
            return self._status()
        raise HTTPError(404, "not-found", f"nothing at {path[:200]}")

    @staticmethod
    def _unquote(text: str) -> str:
        try:
            return urllib.parse.unquote(text, errors="strict")
        except UnicodeDecodeError:
            raise HTTPError(400, "bad-request", "the path is not UTF-8") from None

    def _params(self, query: str) -> dict[str, list[str]]:
        try:
            return urllib.parse.parse_qs(
                query, keep_blank_values=True, strict_parsing=False, errors="strict", max_num_fields=100
            )
        except (UnicodeDecodeError, ValueError) as exc:
            raise HTTPError(400, "bad-request", f"malformed query string: {exc}") from None

    @staticmethod
    def _one(params: dict[str, list[str]], name: str) -> str | None:
        values = params.get(name)
        if not values:
            return None
        if len(values) > 1:
            raise HTTPError(400, "bad-request", f"{name!r} is given {len(values)} times; give it once")
        return values[0]

    def _labels_lang(self, params) -> str:
        lang = self._one(params, "labels") or "en"
        if lang not in ("en", "es"):
            raise HTTPError(400, "bad-parameter", f"labels must be en or es, not {lang[:20]!r}")
        return lang

    # -- static files and pages -------------------------------------------------------------

    def _static(self, name: str) -> Response:
        entry = self.server.static.get(name)
        if entry is None:
            raise HTTPError(404, "not-found", "no such file")
        data, ctype, etag = entry
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        if self.headers.get("If-None-Match") == etag:
            return Response(304, b"", ctype, headers)
        return Response(200, data, ctype, headers)

    def _status(self) -> Response:
        s, lim = self.server, self.server.limits
        doc = {
            "version": _version(),
            "triples": s.backend.size(),
            "uptime": round(time.time() - s.started, 1),
            "limits": {k: getattr(lim, k) for k in lim.__dataclass_fields__},
            "counters": {
                k: getattr(s.counters, k) for k in ("requests", "queries", "timeouts", "refused", "errors")
            },
        }
        return Response(200, (json.dumps(doc, indent=2) + "\n").encode(), JSON)

    # -- queries ----------------------------------------------------------------------------

    def _read_body(self) -> tuple[str, bytes]:
        limits = self.server.limits
        if "Transfer-Encoding" in self.headers:
            self._drain_input = True
            raise HTTPError(
                411, "length-required", "send the body with a Content-Length (no chunked encoding)"
            )
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            raise HTTPError(411, "length-required", "a POST needs a Content-Length")
        if not length_text.strip().isdigit():
            self._drain_input = True
            raise HTTPError(400, "bad-request", "Content-Length is not a number")
        length = int(length_text)
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            self._drain_input = True
            raise HTTPError(403, "read-only", "SPARQL Update is not allowed: laborkg's endpoint is read-only")
        if length > limits.max_body:
            self._drain_input = True
            raise HTTPError(
                413,
                "request-too-large",
                f"the request body has {length} bytes; the limit is {limits.max_body}",
            )
        try:
            body = self.rfile.read(length) if length else b""
        except TimeoutError:
            raise HTTPError(408, "request-timeout", "the request body did not arrive in time") from None
        if len(body) < length:
            raise HTTPError(400, "bad-request", "the request body is shorter than its Content-Length")
        return ctype, body

    def _decode(self, data: bytes, what: str) -> str:
        charset = "utf-8"
        for part in (self.headers.get("Content-Type") or "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset":
                charset = value.strip().strip('"').lower()
        if charset not in ("utf-8", "utf8", "us-ascii", "ascii"):
            raise HTTPError(415, "unsupported-media-type", f"{what} must be UTF-8, not {charset[:30]!r}")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPError(400, "bad-request", f"{what} is not UTF-8") from None

    def _sparql(self, query_string: str, post: bool) -> Response:
        self._drain_input = post  # until the body is read, an early answer must drain it
        params = self._params(query_string)
        text = None
        if post:
            ctype, body = self._read_body()
            self._drain_input = False
            if ctype == "application/x-www-form-urlencoded":
                try:
                    form = urllib.parse.parse_qs(
                        body.decode("ascii"), keep_blank_values=True, errors="strict", max_num_fields=100
                    )
                except (UnicodeDecodeError, ValueError) as exc:
                    raise HTTPError(400, "bad-request", f"malformed form body: {exc}") from None
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
            elif ctype == "application/sparql-query":
                text = self._decode(body, "the query")
            else:
                raise HTTPError(
                    415,
                    "unsupported-media-type",
                    "POST a form (application/x-www-form-urlencoded) or a query (application/sparql-query)",
                )
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            raise HTTPError(403, "read-only", "SPARQL Update is not allowed: laborkg's endpoint is read-only")
        if "default-graph-uri" in params or "named-graph-uri" in params:
            raise HTTPError(
                400,
                "dataset-not-supported",
                "default-graph-uri and named-graph-uri are not supported: the endpoint has one graph",
            )
        given = self._one(params, "query")
        if text is not None and given is not None:
            raise HTTPError(400, "bad-request", "give the query in the body or in ?query=, not both")
        text = text if text is not None else given
        if text is None:
            if not post and negotiate(self.headers.get("Accept"), (JSON, HTML)) == HTML:
                return Response(303, b"", HTML, {"Location": "/"})
            raise HTTPError(400, "missing-query", "no query: give ?query=… (GET) or POST one")
        limits = self.server.limits
        if len(text.encode("utf-8")) > limits.max_body:
            raise HTTPError(413, "request-too-large", f"the query is longer than {limits.max_body} bytes")
        prepared = self._prepare(text)
        checked = check(text)  # the text that runs is the one _prepare checked (cached: no second reading)
        form = prepared.algebra.name
        offers = GRAPH_OFFERS if form in ("ConstructQuery", "DescribeQuery") else ROW_OFFERS
        media, fmt = choose(self.headers.get("Accept"), self._one(params, "format"), offers)
        lang = self._labels_lang(params)
        answer = self._evaluate(
            lambda: self.server.backend.run(checked, prepared, limits.timeout, limits.max_rows)
        )
        return self._answer(answer, media, fmt, lang, title="SPARQL query", query_text=text)

    def _prepare(self, text: str) -> Query:
        if "\x00" in text:
            raise HTTPError(400, "malformed-query", "the query contains a NUL character")
        try:
            prepared = prepare(text)  # the engine's checks: updates and SERVICE refused
        except QueryError as exc:
            if is_update(text):
                raise HTTPError(
                    403, "read-only", "updates (INSERT, DELETE, LOAD, CLEAR, …) are not allowed: read-only"
                ) from None
            message = str(exc)
            if message.startswith("SERVICE"):
                raise HTTPError(
                    403, "service-not-allowed", f"{message.split(' (use')[0]}: federation is off"
                ) from None
            raise HTTPError(400, "malformed-query", message) from None
        except RecursionError:
            raise HTTPError(400, "malformed-query", "the query is nested too deeply") from None
        if prepared.algebra.get("datasetClause"):
            raise HTTPError(
                400,
                "dataset-not-supported",
                "FROM and FROM NAMED are not supported: the endpoint has one graph",
            )
        return prepared

    def _evaluate(self, run: Callable[[], Any]) -> Any:
        """Run in a query slot; errors and limits as HTTP answers. An :class:`Answer` over the row cap
        is refused (a described entity, a Graph, is not capped)."""
        server, limits = self.server, self.server.limits
        if not server.query_slots.acquire(timeout=limits.queue_wait):
            raise HTTPError(503, "busy", "every query slot is taken; try again shortly", {"Retry-After": "2"})
        server.counters.add("queries")
        try:
            answer = run()
        except QueryTimeout as exc:
            server.counters.add("timeouts")
            raise HTTPError(503, "timeout", str(exc), {"Retry-After": "10"}) from None
        except QueryError as exc:
            raise HTTPError(400, "query-failed", str(exc)) from None
        except LaborKGError as exc:
            raise HTTPError(503, "query-failed", str(exc)) from None
        finally:
            server.query_slots.release()
        if isinstance(answer, Answer) and answer.kind != "ask" and len(answer) > limits.max_rows:
            what = "triples" if answer.kind == "graph" else "rows"
            raise HTTPError(
                413,
                "result-too-large",
                f"the answer has more than {limits.max_rows} {what}; narrow the query or page it with "
                "LIMIT and OFFSET",
                {"LaborKG-Row-Limit": str(limits.max_rows)},
            )
        return answer

    def _answer(
        self, answer: Answer, media: str, fmt: str, lang: str, title: str, query_text: str | None = None
    ) -> Response:
        headers = {"Vary": "Accept"}
        if fmt == "table":
            graph = self.server.backend.label_graph(answer)
            body = json.dumps(table_json(answer, graph, lang, title), ensure_ascii=False)
        elif fmt == "html":
            if answer.kind == "graph":
                content = f'<pre class="turtle">{esc(render.graph_output(answer.graph, "turtle"))}</pre>'
            else:
                graph = self.server.backend.label_graph(answer)
                content = table_html(table_json(answer, graph, lang, title))
            shown = (
                f"<details><summary>query</summary><pre>{esc(query_text)}</pre></details>"
                if query_text
                else ""
            )
            body = shell(title, f"<h1>{esc(title)}</h1>{shown}{content}", lang)
        elif answer.kind == "graph":
            body = render.graph_output(answer.graph, fmt)
        else:
            body = render.machine(answer, fmt)
        return Response(200, body.encode("utf-8"), media, headers)

    def _catalogue(self, query_string: str) -> Response:
        params = self._params(query_string)
        media, _ = choose(
            self.headers.get("Accept"), self._one(params, "format"), {JSON: "json", HTML: "html"}
        )
        cat = self.server.catalogue
        if media == JSON:
            data = [
                {
                    "name": x.name,
                    "summary": x.summary,
                    "description": x.description,
                    "tags": x.tags,
                    "params": [vars(p) for p in x.params],
                    "examples": x.examples,
                    "href": f"/queries/{x.name}",
                    "text": x.text,
                }
                for x in cat.values()
            ]
            return Response(
                200,
                (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode(),
                JSON,
                {"Vary": "Accept"},
            )
        items = []
        for x in cat.values():
            ps = "".join(
                f"<li><code>{esc(p.name)}</code> ({esc(p.type)}"
                f"{', required' if p.required else (', default ' + esc(p.default) if p.default else '')}) "
                f"{esc(p.description)}</li>"
                for p in x.params
            )
            items.append(
                f'<li class="query" id="{esc(x.name)}">'
                f'<h2><a href="/?name={esc(x.name)}">{esc(x.name)}</a></h2>'
                f"<p>{esc(x.summary)}</p>{'<ul class=params>' + ps + '</ul>' if ps else ''}"
                f'<p><a href="/queries/{esc(x.name)}?format=html">results</a> · '
                f'<a href="/queries/{esc(x.name)}?format=json">SPARQL JSON</a></p></li>'
            )
        body = shell(
            "Packaged queries",
            f"<h1>Packaged queries</h1><p>{len(cat)} queries. Parameters are bound by the SPARQL engine.</p>"
            f'<ul class="catalogue">{"".join(items)}</ul>',
            here="/queries",
        )
        return Response(200, body.encode(), HTML, {"Vary": "Accept"})

    def _packaged(self, name: str, query_string: str) -> Response:
        cat = self.server.catalogue
        if name not in cat:
            raise HTTPError(
                404, "unknown-query", f"no packaged query named {name[:100]!r}; /queries lists them"
            )
        params = self._params(query_string)
        raw = {}
        for key in params:
            if key not in RESERVED_PARAMS:
                raw[key] = self._one(params, key)
        try:
            for key in raw:
                cat[name].param(key)
            self.server.backend.check_params(name, raw)  # checked before anything runs
        except QueryError as exc:
            raise HTTPError(400, "bad-parameter", str(exc)) from None
        form = self.server.query_form(name)
        offers = GRAPH_OFFERS if form in ("ConstructQuery", "DescribeQuery") else ROW_OFFERS
        media, fmt = choose(self.headers.get("Accept"), self._one(params, "format"), offers)
        lang = self._labels_lang(params)
        limits = self.server.limits
        answer = self._evaluate(lambda: self.server.backend.packaged(name, raw, limits.timeout))
        return self._answer(answer, media, fmt, lang, title=cat[name].summary or name)

    # -- entities ---------------------------------------------------------------------------

    def _entity(self, namespace, raw_local: str, query_string: str) -> Response:
        local = self._unquote(raw_local)
        if not _LOCAL.fullmatch(local) or "//" in local:
            raise HTTPError(404, "not-found", "no such entity")
        iri = URIRef(str(namespace) + local)
        params = self._params(query_string)
        media, fmt = choose(self.headers.get("Accept"), self._one(params, "format"), ENTITY_OFFERS)
        lang = self._labels_lang(params)
        limits = self.server.limits
        described = self._evaluate(lambda: self.server.backend.describe(iri, limits.timeout))
        if not len(described):
            raise HTTPError(404, "not-found", f"{iri} is not in the graph")
        if fmt == "html":
            return Response(200, self._entity_page(iri, described, lang).encode(), HTML, {"Vary": "Accept"})
        if fmt == "json-ld":
            from laborkg.pipeline import jsonld

            body = jsonld.dumps(jsonld.compact(described))
        else:
            body = render.graph_output(described, fmt)
        return Response(200, body.encode(), media, {"Vary": "Accept"})

    def _entity_page(self, iri: URIRef, described: Graph, lang: str) -> str:
        backend, limits = self.server.backend, self.server.limits
        statements_answer = self._evaluate(
            lambda: backend.packaged("describe-entity", {"entity": str(iri)}, limits.timeout)
        )
        sources = self._evaluate(
            lambda: backend.packaged("entity-sources", {"entity": str(iri)}, limits.timeout)
        )
        graph = _Union(described, backend.label_graph(statements_answer), backend.label_graph(sources))
        lab = render.Labeller(graph, lang)
        labels = {}
        for lit in graph.objects(iri, RDFS.label):
            labels.setdefault(getattr(lit, "language", None) or "", str(lit))
        title = lab.term(iri)
        parts = [f'<h1 class="entity">{esc(title)}</h1>', f'<p class="iri"><code>{esc(iri)}</code></p>']
        rows = []
        for code, name in (("en", "English"), ("es", "Spanish")):
            if code in labels:
                rows.append(
                    f"<tr><th>{name} label</th>"
                    f'<td lang="{code}" class="label-{code}">{esc(labels[code])}</td></tr>'
                )
        alts = sorted({str(a) for a in graph.objects(iri, SKOS.altLabel)})
        if alts:
            rows.append(f"<tr><th>also called</th><td>{esc('; '.join(alts))}</td></tr>")
        kinds = sorted(  # the narrowest classes, as describe-entity gives them
            lab.term(value)
            for direction, prop, value in statements_answer.rows
            if str(direction) == "→" and prop == RDF.type
        )
        if kinds:
            rows.append(f"<tr><th>kinds</th><td>{esc(', '.join(kinds))}</td></tr>")
        quote = graph.value(iri, LKG.quote)
        if quote is not None:
            note = passage_note(graph, iri)
            rows.append(
                f'<tr><th>quote</th><td><blockquote class="quote">{esc(quote)}</blockquote>'
                f'<span class="seed">{esc(note["file"])}</span></td></tr>'
            )
        links = []
        for prop in (SKOS.exactMatch, SKOS.closeMatch):
            for target in sorted(str(t) for t in graph.objects(iri, prop) if isinstance(t, URIRef)):
                host = urllib.parse.urlsplit(target).hostname or ""
                where = _LINK_OUT.get(host, host)
                kind = "exact match" if prop == SKOS.exactMatch else "close match"
                links.append(
                    f'<li><a class="out" rel="noopener noreferrer" href="{esc(target)}">{esc(where)}: '
                    f"{esc(target)}</a> <small>({kind})</small></li>"
                )
        if links:
            rows.append(f'<tr><th>elsewhere</th><td><ul class="links">{"".join(links)}</ul></td></tr>')
        parts.append(f'<table class="facts summary">{"".join(rows)}</table>')

        statements = table_json(statements_answer, graph, lang)
        if statements["rows"]:
            parts.append("<h2>Statements</h2>")
            parts.append('<table class="results statements"><tbody>')
            for direction, prop, value in statements["rows"]:
                if prop and prop["value"] == str(LKG.source):
                    continue  # the entity's own passages are quoted under Sources
                arrow = direction["text"] if direction else ""
                parts.append(
                    f'<tr><td class="dir">{esc(arrow)}</td><td>{cell_html(prop)}</td>'
                    f"<td>{cell_html(value)}</td></tr>"
                )
            parts.append("</tbody></table>")
        if sources.rows:
            parts.append("<h2>Sources</h2><p>Every passage that states this entity or a fact about it.</p>")
            parts.append('<ul class="sources">')
            by_fact: dict = {iri: []}  # the entity's own passages first, then each fact's, once each
            for cited_by, file, quote_text, passage in sources.rows:
                entry = (file, quote_text, passage)
                if entry not in by_fact.setdefault(cited_by, []):
                    by_fact[cited_by].append(entry)
            for cited_by, passages in by_fact.items():
                if not passages:
                    continue
                who = "this entity" if cited_by == iri else cell_html(_cell(cited_by, lab))
                parts.append(f'<li class="fact"><div class="cited">{who}</div>')
                for file, quote_text, passage in passages:
                    href = entity_href(str(passage))
                    link = f' <a href="{esc(href)}">passage</a>' if href else ""
                    parts.append(
                        f'<blockquote class="quote">{esc(quote_text)}</blockquote>'
                        f'<div class="seed">seeds/{esc(file)}{link}</div>'
                    )
                parts.append("</li>")
            parts.append("</ul>")
        fmt_links = " · ".join(
            f'<a href="?format={f}">{name}</a>'
            for f, name in (("turtle", "Turtle"), ("json-ld", "JSON-LD"), ("nt", "N-Triples"))
        )
        parts.append(f'<p class="formats">This entity as {fmt_links}</p>')
        return shell(title, "".join(parts), lang, page="entity")


# ---------------------------------------------------------------------------------------------
# Starting it


def make_server(
    host: str = "127.0.0.1",
    port: int = 0,
    backend=None,
    limits: Limits | None = None,
    log=None,
) -> LaborKGServer:
    """A server bound to ``host:port`` (0: any free port), not yet serving: call ``serve_forever()``.
    ``backend`` is a :class:`Backend`, an rdflib Graph (the closure) or a :class:`laborkg.store.Store`;
    by default the shipped graph's closure."""
    if backend is None:
        from laborkg.api import open as open_graph

        backend = open_graph().graph
    if isinstance(backend, Graph):
        backend = ClosureBackend(backend)
    elif hasattr(backend, "sparql") and hasattr(backend, "label_graph") and not hasattr(backend, "run"):
        backend = StoreBackend(backend)
    try:
        return LaborKGServer((host, port), backend, limits, log)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def serve(graph, args, out) -> int:
    """``laborkg serve``: serve ``graph`` (the closure, or a :class:`laborkg.store.Store` for ``--store``)
    until interrupted."""
    limits = Limits(
        timeout=args.timeout,
        max_rows=args.max_rows,
        max_body=args.max_body,
        max_concurrent=args.max_concurrent,
        queue_wait=args.queue_wait,
        max_connections=args.max_connections,
    )
    server = make_server(args.host, args.port, graph, limits, log=None if args.quiet else sys.stderr)
    source = f"; store {args.store}" if getattr(args, "store", None) else ""
    out.write(f"laborkg: serving {server.url} (SPARQL endpoint {server.url}sparql{source}); Ctrl-C stops\n")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        out.write(f"laborkg: warning: listening on {args.host}, not only this machine\n")
    out.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


__all__ = [
    "Backend",
    "ClosureBackend",
    "StoreBackend",
    "HTTPError",
    "LaborKGServer",
    "PooledBackend",
    "Workers",
    "Limits",
    "choose",
    "make_server",
    "negotiate",
    "parse_accept",
    "serve",
    "serve_arguments",
    "table_json",
]

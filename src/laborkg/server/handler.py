"""The server's routes: one :class:`Handler` per request, reading the graph only through the server's
:class:`~laborkg.backends.base.Store` (a :class:`~laborkg.server.workers.PooledStore`)."""

from __future__ import annotations

import functools
import gzip
import io
import json
import re
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Protocol, TypeVar

from rdflib import Graph, URIRef

from laborkg.backends.base import Store
from laborkg.errors import LaborKGError, MemoryLimitError, QueryError
from laborkg.namespace import LKC, LKR, bind_prefixes
from laborkg.query import render
from laborkg.query.catalogue import PackagedQuery
from laborkg.query.engine import EMPTY, Answer, QueryTimeout, is_update, prepare
from laborkg.server import description, findings, landing, series
from laborkg.server.limits import Limits
from laborkg.server.pages import AXIOMS, Axioms, answer_page, catalogue_page, entity_page, error_page
from laborkg.server.protocol import (
    CATALOGUE_OFFERS,
    CORS_PREFLIGHT,
    CSP,
    DOCUMENT_OFFERS,
    ENTITY_OFFERS,
    GRAPH_FORMS,
    GRAPH_OFFERS,
    GZIP_MIN,
    HTML,
    JSON,
    RESERVED_PARAMS,
    ROW_OFFERS,
    HTTPError,
    Response,
    accepts_gzip,
    add_vary,
    choose,
    cors_headers,
    decode_utf8,
    format_wanted,
    json_error,
    labels_lang,
    negotiate,
    one,
    parse_params,
    split_target,
    unquote,
    wants_html,
)
from laborkg.server.static import PAGES
from laborkg.server.tables import LOCAL, catalogue_json, table_json
from laborkg.versions import installed_version

T = TypeVar("T")


def version() -> str:
    """laborkg's version (the Server header, /status)."""
    return installed_version("laborkg")


@dataclass
class Counters:
    requests: int = 0
    queries: int = 0
    timeouts: int = 0
    refused: int = 0
    errors: int = 0
    memory: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + 1)


class Site(Protocol):
    """What a :class:`Handler` reads from its server (:class:`laborkg.server.app.LaborKGServer`)."""

    store: Store
    limits: Limits
    counters: Counters
    query_slots: threading.BoundedSemaphore
    static: dict[str, tuple[bytes, str, str]]
    catalogue: dict[str, PackagedQuery]
    started: float
    memo: dict[str, object]
    memo_lock: threading.Lock
    received: dict[socket.socket, tuple[bytes, float]]
    allowed_hosts: frozenset[str] | None

    @property
    def url(self) -> str: ...

    def write_log(self, line: str) -> None: ...

    def query_form(self, name: str) -> str: ...


class Received(io.RawIOBase):
    """A request's bytes: those the reception read (:mod:`laborkg.server.reception`), then the socket's,
    until the request's deadline (then TimeoutError: 408 or the connection dropped)."""

    def __init__(self, data: bytes, sock: socket.socket, deadline: float, write_timeout: float) -> None:
        super().__init__()
        self.data, self.at, self.sock = data, 0, sock
        self.deadline, self.write_timeout = deadline, write_timeout
        self.live = True
        """False once the request is answered: what is left is only what was read already."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.at < len(self.data):
            n = min(len(buffer), len(self.data) - self.at)
            buffer[:n] = self.data[self.at : self.at + n]
            self.at += n
            return n
        if not self.live:
            return 0
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request did not arrive in time")
        self.sock.settimeout(left)
        try:
            return self.sock.recv_into(buffer)
        finally:
            self.sock.settimeout(self.write_timeout)


def host_name(header: str) -> str:
    """The name of a Host header, lower case, without its port or IPv6 brackets."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class Handler(BaseHTTPRequestHandler):
    server: Site  # type: ignore[assignment]
    _headers_buffer: list[bytes]  # http.server's, written by flush_headers()
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.0"  # errors in unparsable request lines get a status line too
    server_version = f"laborkg/{version()}"
    sys_version = ""

    def version_string(self) -> str:
        return self.server_version

    # -- plumbing ---------------------------------------------------------------------------

    def setup(self) -> None:
        limits = self.server.limits
        self.timeout = limits.read_timeout  # type: ignore[misc]  # http.server reads it per instance
        super().setup()
        self._drain_input = False
        data, deadline = self.server.received.pop(
            self.request, (b"", time.monotonic() + limits.request_timeout)
        )
        self.rfile.close()  # the socket's own reader: the request is read through Received
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        self.rfile = io.BufferedReader(Received(data, self.connection, deadline, limits.read_timeout))

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
            code, message = 405, f"{self.command} is not allowed (GET, HEAD, POST, OPTIONS)"
            headers["Allow"] = "GET, HEAD, POST, OPTIONS"
        try:
            short = HTTPStatus(code).phrase
        except ValueError:
            short = "Error"
        name = short.lower().replace(" ", "-")
        self.close_connection = True
        self._send(Response(code, json_error(code, name, message or short), JSON, headers))

    def _send(self, resp: Response, head_only: bool = False) -> None:
        resp = self._transport(resp)
        ctype = resp.content_type
        if (ctype.startswith("text/") or ctype.endswith("json") or ctype.endswith("xml")) and (
            "charset" not in ctype
        ):
            ctype += "; charset=utf-8"
        if resp.status >= 400 or self._drain_input:  # an error: the rest of the request is not read
            self.close_connection = True
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
            if self.close_connection:
                self.send_header("Connection", "close")
            elif self.request_version == "HTTP/1.0":
                self.send_header("Connection", "keep-alive")
            # head and body in one write: two would wait on the client's delayed ACK (Nagle) on a
            # kept-alive connection, 40 ms an answer
            body = b"" if head_only else resp.body
            if hasattr(self, "_headers_buffer"):
                self._headers_buffer.append(b"\r\n" + body)
                self.flush_headers()
            else:  # an HTTP/0.9 request: no head
                self.wfile.write(body)
        except OSError:
            self.close_connection = True
        if self._drain_input:
            self._drain()

    def _transport(self, resp: Response) -> Response:
        """The answer as sent: CORS headers (``laborkg serve --cors``), gzip when the client takes it."""
        headers = dict(resp.headers)
        received = getattr(self, "headers", None)  # None: the request line could not be read
        origin = received.get("Origin") if received is not None else None
        for key, value in cors_headers(self.server.limits.cors, origin).items():
            if key == "Vary":
                add_vary(headers, value)
            else:
                headers[key] = value
        body = resp.body
        if resp.status == 200 and len(body) >= GZIP_MIN and "ETag" not in headers:
            add_vary(headers, "Accept-Encoding")
            if received is not None and accepts_gzip(received.get("Accept-Encoding")):
                body = gzip.compress(body, compresslevel=6, mtime=0)
                headers["Content-Encoding"] = "gzip"
        return Response(resp.status, body, resp.content_type, headers)

    # -- persistent connections -------------------------------------------------------------

    kept: bytes | None = None
    """After :meth:`handle`: None when the connection closes, else the bytes of the client's next
    request that were read already (the server hands the connection back to its reception)."""

    def handle(self) -> None:
        """One request; a connection kept alive waits for the next in the reception, not in a thread."""
        self.close_connection = True
        self.handle_one_request()
        if self.close_connection:
            return
        received = getattr(self.rfile, "raw", None)
        if not isinstance(received, Received):
            return
        received.live = False  # no more socket reads: only what was read already
        rest = bytearray()
        try:
            while chunk := self.rfile.read1(65536):
                rest += chunk
        except (OSError, ValueError):
            return
        self.kept = bytes(rest)

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

    def _refuse_early(self) -> None:
        """Before routing: a Host this server does not answer for (421), conflicting Content-Lengths
        (400): the request is not read further."""
        allowed = self.server.allowed_hosts
        host = self.headers.get("Host")
        if allowed is not None and host is not None and host_name(host) not in allowed:
            self._drain_input = "Content-Length" in self.headers
            raise HTTPError(
                421,
                "host-not-allowed",
                f"this server does not answer for the host {host.strip()[:100]!r} (laborkg serve "
                "--allow-host NAME)",
            )
        lengths = {v.strip() for v in self.headers.get_all("Content-Length") or ()}
        if len(lengths) > 1:
            raise HTTPError(400, "bad-request", "the request has conflicting Content-Length headers")

    def _dispatch(self, method: str) -> None:
        self.server.counters.add("requests")
        head_only = method == "HEAD"
        try:
            self._refuse_early()
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
        if wants_html(self.headers.get("Accept")):
            body = error_page(exc.status, exc.code, exc.message)
            return Response(exc.status, body.encode(), HTML, dict(exc.headers))
        return Response(exc.status, json_error(exc.status, exc.code, exc.message), JSON, dict(exc.headers))

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._dispatch("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._dispatch("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch("POST")

    def _not_allowed(self) -> None:
        self._drain_input = "Content-Length" in self.headers or "Transfer-Encoding" in self.headers
        self.server.counters.add("requests")
        try:
            self._refuse_early()
        except HTTPError as exc:
            self._send(self._error(exc))
            return
        self._send(
            self._error(
                HTTPError(
                    405,
                    "method-not-allowed",
                    f"{self.command} is not allowed: this endpoint is read-only (GET, HEAD, POST, OPTIONS)",
                    {"Allow": "GET, HEAD, POST, OPTIONS"},
                )
            )
        )

    do_PUT = do_DELETE = do_PATCH = do_TRACE = do_CONNECT = _not_allowed  # noqa: N815

    def do_OPTIONS(self) -> None:  # noqa: N802
        """A CORS preflight (or a client asking what is allowed): 204, nothing read or run."""
        self.server.counters.add("requests")
        self._drain_input = "Content-Length" in self.headers or "Transfer-Encoding" in self.headers
        try:
            self._refuse_early()
        except HTTPError as exc:
            self._send(self._error(exc))
            return
        headers = {"Allow": "GET, HEAD, POST, OPTIONS"}
        if self.server.limits.cors and self.headers.get("Origin") is not None:
            headers |= CORS_PREFLIGHT
        self._send(Response(204, b"", "text/plain", headers))

    # -- routing ----------------------------------------------------------------------------

    def _route(self, method: str) -> Response:
        path, query = split_target(self.path, self.server.limits.max_url)
        if method == "POST":
            if path.rstrip("/") != "/sparql":
                self._drain_input = True
                raise HTTPError(405, "method-not-allowed", "only /sparql takes POST", {"Allow": "GET, HEAD"})
            return self._sparql(query, post=True)
        if path == "/sparql" or path == "/sparql/":
            return self._sparql(query, post=False)
        if path == "/":
            return self._landing(query)
        if path in PAGES:
            return self._static(PAGES[path])
        if path.startswith("/static/"):
            return self._static(unquote(path[len("/static/") :]))
        if path.rstrip("/") == "/queries":
            return self._catalogue(query)
        if path.startswith("/queries/"):
            return self._packaged(unquote(path[len("/queries/") :]).rstrip("/"), query)
        if path.startswith("/id/"):
            return self._entity(LKR, path[len("/id/") :], query)
        if path.startswith("/code/"):
            return self._entity(LKC, path[len("/code/") :], query)
        if path == "/status":
            return self._status()
        if path.rstrip("/") == description.ONTOLOGY_PATH:
            return self._ontology(query)
        if path.rstrip("/") == "/countries":
            return self._countries(query)
        if path.startswith("/country/"):
            return self._country(path[len("/country/") :], query)
        if path.rstrip("/") == "/compare":
            return self._compare(query)
        raise HTTPError(404, "not-found", f"nothing at {path[:200]}")

    def _choose(self, params: dict[str, list[str]], offers: dict[str, str]) -> tuple[str, str]:
        wanted = format_wanted(params, offers)
        if wanted is not None:
            return wanted, offers[wanted]
        return choose(self.headers.get("Accept"), None, offers)

    # -- static files and status ------------------------------------------------------------

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
            "version": version(),
            "triples": s.store.size(),
            "uptime": round(time.time() - s.started, 1),
            "limits": {k: getattr(lim, k) for k in lim.__dataclass_fields__},
            "counters": {
                k: getattr(s.counters, k)
                for k in ("requests", "queries", "timeouts", "memory", "refused", "errors")
            },
        }
        return Response(200, (json.dumps(doc, indent=2) + "\n").encode(), JSON)

    # -- /sparql ----------------------------------------------------------------------------

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

    def _sparql(self, query_string: str, post: bool) -> Response:
        self._drain_input = post  # until the body is read, an early answer must drain it
        params = parse_params(query_string)
        text = None
        if post:
            ctype, body = self._read_body()
            self._drain_input = False
            if ctype == "application/x-www-form-urlencoded":
                try:
                    fields = parse_params(body.decode("ascii"), "form body")
                except UnicodeDecodeError as exc:
                    raise HTTPError(400, "bad-request", f"malformed form body: {exc}") from None
                for key, values in fields.items():
                    params.setdefault(key, []).extend(values)
            elif ctype == "application/sparql-query":
                text = decode_utf8(body, self.headers.get("Content-Type"), "the query")
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
        given = one(params, "query")
        if text is not None and given is not None:
            raise HTTPError(400, "bad-request", "give the query in the body or in ?query=, not both")
        text = text if text is not None else given
        if text is None:
            if not post and negotiate(self.headers.get("Accept"), (JSON, HTML)) == HTML:
                return Response(303, b"", HTML, {"Location": "/query"})
            if not post and set(params) <= {"format", "output", "results"}:
                described = self._service_description(params)
                if described is not None:
                    return described
            raise HTTPError(400, "missing-query", "no query: give ?query=… (GET) or POST one")
        if not text.strip():
            raise HTTPError(
                400, "empty-query", "the query is empty: give a SELECT, ASK, CONSTRUCT or DESCRIBE query"
            )
        limits = self.server.limits
        if len(text.encode("utf-8")) > limits.max_body:
            raise HTTPError(413, "request-too-large", f"the query is longer than {limits.max_body} bytes")
        checked, form = self._check(text)
        media, fmt = self._choose(params, GRAPH_OFFERS if form in GRAPH_FORMS else ROW_OFFERS)
        lang = labels_lang(params)
        store = self.server.store
        answer = self._evaluate(lambda: store.run_checked(checked, limits.timeout, limits.max_rows))
        return self._answer(answer, media, fmt, lang, title="SPARQL query", query_text=checked)

    def _check(self, text: str) -> tuple[str, str]:
        """(the text to run, its form): the store's check (:meth:`Store.check`: malformed queries,
        updates and SERVICE refused), then the server's own (FROM and FROM NAMED) on the checked text.
        Only the text the store returned is ever evaluated."""
        if "\x00" in text:
            raise HTTPError(400, "malformed-query", "the query contains a NUL character")
        try:
            checked = self.server.store.check(text, allow_service=())
            parsed = prepare(checked)  # cached: the store's check parsed the same text
        except QueryError as exc:
            if is_update(text):
                raise HTTPError(
                    403, "read-only", "updates (INSERT, DELETE, LOAD, CLEAR, …) are not allowed: read-only"
                ) from None
            message = str(exc)
            if message == EMPTY:
                raise HTTPError(400, "empty-query", message) from None
            if message.startswith("SERVICE"):
                raise HTTPError(
                    403, "service-not-allowed", f"{message.split(' (use')[0]}: federation is off"
                ) from None
            raise HTTPError(400, "malformed-query", message) from None
        except RecursionError:
            raise HTTPError(400, "malformed-query", "the query is nested too deeply") from None
        if parsed.algebra.get("datasetClause"):
            raise HTTPError(
                400,
                "dataset-not-supported",
                "FROM and FROM NAMED are not supported: the endpoint has one graph",
            )
        return checked, parsed.algebra.name

    # -- the service description and the ontology -------------------------------------------

    def _service_description(self, params: dict[str, list[str]]) -> Response | None:
        """The SPARQL 1.1 Service Description of /sparql (None when Accept names no RDF format)."""
        wanted = format_wanted(params, DOCUMENT_OFFERS)
        media = wanted or negotiate(self.headers.get("Accept"), DOCUMENT_OFFERS)
        if media is None:
            return None
        host = self.headers.get("Host") or self.server.url.split("/")[2]
        endpoint = f"http://{host.strip()}/sparql"
        triples = self._memo("size", self.server.store.size)
        graph = description.service_description(endpoint, triples, version())
        return self._document(graph, media, DOCUMENT_OFFERS[media])

    def _ontology(self, query_string: str) -> Response:
        """``https://w3id.org/laborkg/ontology`` (and its terms ``…#X``) dereferenced: the ontology."""
        params = parse_params(query_string)
        media, fmt = self._choose(params, DOCUMENT_OFFERS)
        graph = self._memo("ontology", description.ontology)
        return self._document(graph, media, fmt)

    @staticmethod
    def _document(graph: Graph, media: str, fmt: str) -> Response:
        """``graph`` in the format chosen (JSON-LD self-contained: readable offline)."""
        body = render.graph_output(graph, fmt)
        return Response(200, body.encode("utf-8"), media, {"Vary": "Accept"})

    # -- evaluation and answers -------------------------------------------------------------

    def _evaluate(self, run: Callable[[], T]) -> T:
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
        except MemoryLimitError as exc:
            server.counters.add("memory")
            raise HTTPError(503, "memory-limit", str(exc), {"Retry-After": "10"}) from None
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
        store = self.server.store
        if fmt == "table":
            body = json.dumps(table_json(answer, store.label_graph(answer), lang, title), ensure_ascii=False)
        elif fmt == "html":
            labels = None if answer.kind == "graph" else store.label_graph(answer)
            body = answer_page(answer, labels, lang, title, query_text)
        elif answer.kind == "graph":
            body = render.graph_output(answer.graph if answer.graph is not None else Graph(), fmt)
        else:
            body = render.machine(answer, fmt)
        return Response(200, body.encode("utf-8"), media, {"Vary": "Accept"})

    # -- packaged queries -------------------------------------------------------------------

    def _catalogue(self, query_string: str) -> Response:
        params = parse_params(query_string)
        media, _ = self._choose(params, CATALOGUE_OFFERS)
        cat = self.server.catalogue
        if media == HTML:
            page = catalogue_page(cat.values(), labels_lang(params))
            return Response(200, page.encode(), HTML, {"Vary": "Accept"})
        data = catalogue_json(cat.values())
        body = (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()
        return Response(200, body, JSON, {"Vary": "Accept"})

    def _packaged(self, name: str, query_string: str) -> Response:
        cat = self.server.catalogue
        if name not in cat:
            raise HTTPError(
                404, "unknown-query", f"no packaged query named {name[:100]!r}; /queries lists them"
            )
        params = parse_params(query_string)
        raw = {key: one(params, key) or "" for key in params if key not in RESERVED_PARAMS}
        store, limits = self.server.store, self.server.limits
        try:
            bound = store.bind(name, raw)  # checked and converted once, before anything runs
        except QueryError as exc:
            raise HTTPError(400, "bad-parameter", str(exc)) from None
        except LaborKGError as exc:  # a remote store could not resolve a name: not the client's fault
            raise HTTPError(503, "query-failed", str(exc)) from None
        form = self.server.query_form(name)
        media, fmt = self._choose(params, GRAPH_OFFERS if form in GRAPH_FORMS else ROW_OFFERS)
        lang = labels_lang(params)
        answer = self._evaluate(lambda: store.query(bound, timeout=limits.timeout, max_rows=limits.max_rows))
        return self._answer(answer, media, fmt, lang, title=cat[name].summary or name)

    # -- entities ---------------------------------------------------------------------------

    def _entity(self, namespace, raw_local: str, query_string: str) -> Response:
        local = unquote(raw_local)
        if not LOCAL.fullmatch(local) or "//" in local:
            raise HTTPError(404, "not-found", "no such entity")
        iri = URIRef(str(namespace) + local)
        params = parse_params(query_string)
        media, fmt = self._choose(params, ENTITY_OFFERS)
        lang = labels_lang(params)
        store, limits = self.server.store, self.server.limits
        described = self._evaluate(lambda: store.describe(iri, limits.timeout))
        if not len(described):
            raise HTTPError(404, "not-found", f"{iri} is not in the graph")
        if fmt == "html":
            return Response(200, self._entity_html(iri, described, lang).encode(), HTML, {"Vary": "Accept"})
        if fmt == "json-ld":
            from laborkg.pipeline import jsonld

            body = jsonld.dumps(jsonld.compact(described, inline=True))
        else:
            body = render.graph_output(described, fmt)
        return Response(200, body.encode(), media, {"Vary": "Accept"})

    def _entity_html(self, iri: URIRef, described: Graph, lang: str) -> str:
        store, limits = self.server.store, self.server.limits
        answers = []
        for name in ("describe-entity", "entity-sources"):
            bound = store.bind(name, {"entity": str(iri)})
            answers.append(
                self._evaluate(
                    functools.partial(store.query, bound, timeout=limits.timeout, max_rows=limits.max_rows)
                )
            )
        statements, sources = answers
        # one look-up of the labels and passages of every term on the page, the entity's own included
        terms = Answer("select", rows=[(iri,), *statements.rows, *sources.rows])
        graph = bind_prefixes(Graph())
        graph += described
        graph += store.label_graph(terms)
        return entity_page(iri, graph, statements, sources, lang, self._source_docs(), self._axioms())

    # -- the landing page ---------------------------------------------------------------------

    def _landing(self, query_string: str) -> Response:
        """``/``: the landing page. A link to the query page from before it moved to ``/query`` (``?name=``,
        ``?query=``) is sent there, its parameters kept."""
        params = parse_params(query_string)
        if "name" in params or "query" in params:
            return Response(302, b"", HTML, {"Location": "/query?" + query_string})
        lang = labels_lang(params)
        entries = self._findings_countries()
        years = sorted({y for e in entries.values() for y in e.years})
        page = landing.landing_page(
            self._source_docs().values(), len(entries), years, self.server.store.size(), version(), lang
        )
        return self._html(page)

    def _source_docs(self) -> dict[str, landing.SourceDoc]:
        return self._memo("source-docs", lambda: landing.source_docs(self._internal(landing.SOURCES)))

    def _axioms(self) -> Axioms:
        return self._memo("axioms", lambda: Axioms.from_rows(self._internal(AXIOMS).rows))

    def _internal(self, text: str) -> Answer:
        """One of the server's own fixed query texts (no parameters), in a query slot."""
        store, limits = self.server.store, self.server.limits
        return self._evaluate(functools.partial(store.sparql, text, limits.timeout, (), limits.max_rows))

    # -- the findings series: /countries, /country/KEY, /compare ------------------------------

    def _series(self, name: str, params: dict[str, str] | None = None) -> Answer:
        """Run one of the server's own queries (``server/sparql``) with ``params`` bound by the engine."""
        store, limits = self.server.store, self.server.limits
        try:
            bound = series.bound(store, name, params)
        except QueryError as exc:
            raise HTTPError(400, "bad-parameter", str(exc)) from None
        except LaborKGError as exc:
            raise HTTPError(503, "query-failed", str(exc)) from None
        return self._evaluate(
            functools.partial(store.query, bound, timeout=limits.timeout, max_rows=limits.max_rows)
        )

    def _memo(self, name: str, make: Callable[[], T]) -> T:
        """What ``make`` returns, computed once per server: the store is read-only while it serves."""
        with self.server.memo_lock:
            if name in self.server.memo:
                return self.server.memo[name]  # type: ignore[return-value]
        value = make()
        with self.server.memo_lock:
            return self.server.memo.setdefault(name, value)  # type: ignore[return-value]

    def _findings_countries(self) -> dict[URIRef, series.CountryEntry]:
        return self._memo("countries", lambda: series.countries(self._series("findings-countries")))

    def _findings_indicators(self) -> list[series.IndicatorEntry]:
        return self._memo("indicators", lambda: series.indicators(self._series("findings-indicators")))

    def _labels(self, terms) -> Graph:
        """One look-up of the labels of ``terms`` (IRIs; None is skipped)."""
        rows = [(t,) for t in dict.fromkeys(terms) if isinstance(t, URIRef)]
        return self.server.store.label_graph(Answer("select", vars=["term"], rows=rows))

    @staticmethod
    def _scale(params: dict[str, list[str]]) -> str:
        scale = one(params, "scale") or "auto"
        if scale not in ("auto", "linear", "log"):
            raise HTTPError(400, "bad-parameter", f"scale must be auto, linear or log, not {scale[:20]!r}")
        return scale

    @staticmethod
    def _html(page: str) -> Response:
        return Response(200, page.encode("utf-8"), HTML)

    def _countries(self, query_string: str) -> Response:
        params = parse_params(query_string)
        lang = labels_lang(params)
        entries = self._findings_countries()
        labels = self._labels(entries)
        return self._html(findings.countries_page(entries.values(), labels, lang))

    def _country(self, raw_key: str, query_string: str) -> Response:
        """A country's page, by the local name of its IRI (``/country/mexico``, as ``/id/mexico``); an ISO
        3166 alpha-2 code (``/country/MX``) redirects there."""
        key = unquote(raw_key).rstrip("/")
        params = parse_params(query_string)
        lang, scale = labels_lang(params), self._scale(params)
        entries = self._findings_countries()
        if re.fullmatch(r"[A-Za-z]{2}", key):
            entry = next((e for e in entries.values() if (e.code or "").upper() == key.upper()), None)
            if entry is None:
                raise HTTPError(
                    404, "not-found", f"no country of the USDOL findings has the ISO code {key!r}"
                )
            location = findings.country_href(entry) + ("?" + query_string if query_string else "")
            return Response(302, b"", HTML, {"Location": location})
        if not LOCAL.fullmatch(key) or "/" in key:
            raise HTTPError(404, "not-found", "no such country")
        iri = URIRef(str(LKR) + key)
        found = entries.get(iri)
        if found is None:
            raise HTTPError(404, "not-found", f"{iri} has no profile in the USDOL findings")
        profiles = series.profiles(self._series("findings-profiles", {"country": str(iri)}))
        items = series.values(self._series("findings-observations", {"country": str(iri)}))
        labels = self._labels([iri, *(t for v in items for t in (v.indicator, v.unit, v.good))])
        figures = {i.indicator: i.kind for i in self._findings_indicators()}
        return self._html(findings.country_page(found, profiles, items, labels, lang, scale, figures))

    def _compare(self, query_string: str) -> Response:
        """One indicator across countries: ``indicator`` (IRI, prefixed name or label; one with figures in
        the findings), ``year`` (absent: the latest; empty: all years), ``region`` (as the files write it)."""
        params = parse_params(query_string)
        lang, scale = labels_lang(params), self._scale(params)
        entries = self._findings_countries()
        indicators = self._findings_indicators()
        known = {i.indicator for i in indicators}
        years = sorted({y for e in entries.values() for y in e.years})
        regions = series.regions(entries.values())
        if not known or not years:
            raise HTTPError(404, "not-found", "the store has no USDOL findings (laborkg ingest findings)")
        raw = (one(params, "indicator") or "").strip()
        if raw:
            try:
                indicator = self.server.store.resolve_iri(raw)
            except QueryError as exc:
                raise HTTPError(400, "bad-parameter", f"indicator: {exc}") from None
            if indicator not in known:
                raise HTTPError(
                    400, "bad-parameter", f"indicator: {indicator} has no figures in the USDOL findings"
                )
        else:
            default = LKR["indicator-number-of-labor-inspectors"]
            indicator = default if default in known else indicators[0].indicator
        year_raw = one(params, "year")
        year: int | None
        if year_raw is None:
            year = years[-1]
        elif year_raw.strip() in ("", "all"):
            year = None
        elif re.fullmatch(r"\d{4}", year_raw.strip()) and int(year_raw) in years:
            year = int(year_raw)
        else:
            raise HTTPError(
                400,
                "bad-parameter",
                f"year must be one of {years[0]}–{years[-1]} or empty, not {year_raw[:20]!r}",
            )
        region = (one(params, "region") or "").strip() or None
        if region is not None and region not in regions:
            raise HTTPError(
                400, "bad-parameter", f"region {region[:100]!r} is not one the findings files name"
            )
        bound = {"indicator": str(indicator)} | ({"year": str(year)} if year is not None else {})
        items = series.values(self._series("findings-indicator-values", bound), indicator)
        if region is not None:
            items = [v for v in items if v.country in entries and region in entries[v.country].regions]
        labels = self._labels([*known, *entries, *(t for v in items for t in (v.country, v.unit))])
        choice = findings.Choice(indicator, year, region, scale)
        return self._html(findings.compare_page(choice, items, entries, indicators, regions, labels, lang))

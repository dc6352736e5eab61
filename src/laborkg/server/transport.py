"""The HTTP level of a request: reading it, the answer's headers (CORS, gzip, keep-alive), errors;
what is routed where is :mod:`laborkg.server.handler`'s."""

from __future__ import annotations

import gzip
import io
import socket
import threading
import time
import traceback
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

from laborkg.server.limits import Limits
from laborkg.server.pages import error_page
from laborkg.server.protocol import (
    CORS_PREFLIGHT,
    CSP,
    GZIP_MIN,
    HTML,
    JSON,
    HTTPError,
    Response,
    accepts_gzip,
    add_vary,
    cors_headers,
    json_error,
    wants_html,
)


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


class Listener(Protocol):
    """What a :class:`Transport` reads from its server (:class:`laborkg.server.app.LaborKGServer`)."""

    limits: Limits
    counters: Counters
    received: dict[socket.socket, tuple[bytes, float]]
    allowed_hosts: frozenset[str] | None

    def write_log(self, line: str) -> None: ...


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


class Transport(BaseHTTPRequestHandler):
    """One HTTP request and its answer; what the answer is, is :meth:`_route`'s (a subclass's)."""

    server: Listener  # type: ignore[assignment]
    _headers_buffer: list[bytes]  # http.server's, written by flush_headers()
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.0"  # errors in unparsable request lines get a status line too
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
            body = error_page(exc.status, exc.code, exc.message, self._page_lang())
            return Response(exc.status, body.encode(), HTML, dict(exc.headers))
        return Response(exc.status, json_error(exc.status, exc.code, exc.message), JSON, dict(exc.headers))

    def _page_lang(self) -> str:
        """The interface language the request chose (``labels=es``), for an error page."""
        query = urlsplit(self.path).query if isinstance(self.path, str) else ""
        return "es" if "es" in parse_qs(query).get("labels", []) else "en"

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

    def _route(self, method: str) -> Response:
        """The answer to the request (``method``: GET for a HEAD)."""
        raise NotImplementedError

    # -- a POST's body ----------------------------------------------------------------------

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

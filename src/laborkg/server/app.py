"""``laborkg serve``: the server object, built on a Store; routes in handler.py, limits in limits.py
(what each endpoint answers: docs/server.md)."""

from __future__ import annotations

import socket
import sys
import threading
import time
import traceback
from http.server import ThreadingHTTPServer

from laborkg.backends.base import Store
from laborkg.errors import InputError
from laborkg.query import catalogue as q
from laborkg.query.engine import prepare
from laborkg.server.handler import Counters, Handler
from laborkg.server.limits import Limits
from laborkg.server.protocol import json_error
from laborkg.server.static import static_files
from laborkg.server.workers import PooledStore


class LaborKGServer(ThreadingHTTPServer):
    """A thread per connection; queries in worker processes (:class:`PooledStore`); the limits of
    :class:`Limits`. ``server_close()`` stops the workers (the store stays its owner's to close)."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, store: Store, limits: Limits | None = None, log=None) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.limits = limits or Limits()
        self.log = log
        self.log_lock = threading.Lock()
        self.query_slots = threading.BoundedSemaphore(self.limits.max_concurrent)
        self.connection_slots = threading.BoundedSemaphore(self.limits.max_connections)
        self.static = static_files()
        self.catalogue = q.catalogue()
        self.forms: dict[str, str] = {}
        self.memo: dict[str, object] = {}
        self.memo_lock = threading.Lock()
        self.counters = Counters()
        self.started = time.time()
        super().__init__(address, Handler)
        try:
            self.store: Store = PooledStore(store, self.limits.max_concurrent)
        except BaseException:
            super().server_close()
            raise

    def server_close(self) -> None:
        super().server_close()
        self.store.close()

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def process_request(self, request, client_address) -> None:
        if not self.connection_slots.acquire(blocking=False):
            body = json_error(503, "busy", "too many connections; try again shortly")
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


def make_server(
    store: Store,
    limits: Limits | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    log=None,
) -> LaborKGServer:
    """A server on ``store`` bound to ``host:port`` (0: any free port), not yet serving: call
    ``serve_forever()``, then ``server_close()`` (which stops its workers, not the store)."""
    if not isinstance(store, Store):
        raise TypeError(f"make_server needs a laborkg Store, not {type(store).__name__}")
    try:
        return LaborKGServer((host, port), store, limits, log)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def serve(store: Store, args, out) -> int:
    """``laborkg serve``: serve ``store`` (the CLI's: the default store or ``--store DIR``) with the
    limits of ``args`` until interrupted."""
    limits = Limits(
        timeout=args.timeout,
        max_rows=args.max_rows,
        max_body=args.max_body,
        max_concurrent=args.max_concurrent,
        queue_wait=args.queue_wait,
        max_connections=args.max_connections,
    )
    log = None if args.quiet else sys.stderr
    server = make_server(store, limits, host=args.host, port=args.port, log=log)
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

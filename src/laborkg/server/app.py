"""``laborkg serve``: the server object, built on a Store; routes in handler.py, limits in limits.py
(what each endpoint answers: docs/server.md)."""

from __future__ import annotations

import re
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
from laborkg.server.editor import editor_files, with_editor
from laborkg.server.handler import Counters, Handler
from laborkg.server.limits import Limits
from laborkg.server.reception import Reception, refusal, send_and_close
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
        self.received: dict[socket.socket, tuple[bytes, float]] = {}
        self.allowed_hosts = allowed_hosts(address[0], self.limits.allow_hosts)
        self.assets = editor_files()
        self.static = with_editor(static_files(), self.assets)
        self.catalogue = q.catalogue()
        self.forms: dict[str, str] = {}
        self.memo: dict[str, object] = {}
        self.memo_lock = threading.Lock()
        self.counters = Counters()
        self.started = time.time()
        super().__init__(address, Handler)
        try:
            self.store: Store = PooledStore(
                store, self.limits.max_concurrent, max_memory=self.limits.max_memory
            )
        except BaseException:
            super().server_close()
            raise
        self.reception = Reception(self.limits, self.hand_off)

    def server_close(self) -> None:
        super().server_close()
        self.reception.close()
        self.store.close()

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def process_request(self, request, client_address) -> None:
        """A new connection waits in the reception (one thread for all) until its request has arrived."""
        self.reception.add(request, client_address)

    def hand_off(self, request, client_address, data: bytes, deadline: float) -> None:
        """A whole request arrived: answer it in a thread of its own, if one of ``max_connections`` is
        free (else 503 at once)."""
        if not self.connection_slots.acquire(blocking=False):
            send_and_close(request, refusal(503, "busy", "too many requests at once; try again shortly"))
            self.reception.done(client_address)
            return
        self.received[request] = (data, deadline)
        try:
            threading.Thread(
                target=self.process_request_thread, args=(request, client_address), daemon=True
            ).start()
        except BaseException:
            self.received.pop(request, None)
            self.connection_slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        """Answer one request; a connection kept alive goes back to the reception for its next."""
        kept = None
        try:
            kept = Handler(request, client_address, self).kept
        except Exception:  # noqa: BLE001 - as socketserver does: logged, the connection closed
            self.handle_error(request, client_address)
        finally:
            self.received.pop(request, None)
            self.connection_slots.release()
            if kept is None or not self.reception.keep(request, client_address, kept):
                self.shutdown_request(request)
                self.reception.done(client_address)

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


LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def allowed_hosts(host: str, given: tuple[str, ...] | None) -> frozenset[str] | None:
    """The Host names a server listening on ``host`` accepts (lower case, no port; None: any): the
    loopback names, ``host`` and those ``given``; any name when none is given and ``host`` is not a
    loopback address, or when ``*`` is given."""
    import ipaddress

    names = {name.strip().lower().strip("[]") for name in given or ()}
    if "*" in names:
        return None
    try:
        loopback = ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = host.lower() == "localhost"
    if not names and not loopback:
        return None
    return frozenset({*names, *LOOPBACK_NAMES, host.lower().strip("[]")})


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


def cors_origins(given: list[str] | None, off: bool) -> tuple[str, ...]:
    """The origins of ``--cors ORIGIN…`` (``*`` when none is given; none with ``--no-cors``), without a
    trailing slash; an origin that is not scheme://host[:port] is refused."""
    if off:
        return ()
    if not given:
        return ("*",)
    origins = []
    for origin in given:
        origin = origin.strip().rstrip("/")
        if origin != "*" and not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+", origin):
            raise InputError(f"--cors {origin!r}: give an origin such as https://example.org, or '*'")
        origins.append(origin if origin == "*" else origin.lower())
    return ("*",) if "*" in origins else tuple(origins)


def _raise_open_files(wanted: int) -> None:
    """Raise this process's soft limit of open files towards ``wanted`` (each connection is one)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass


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
        request_timeout=args.request_timeout,
        max_pending=args.max_pending,
        max_per_client=args.max_per_client,
        max_memory=args.max_memory,
        allow_hosts=tuple(args.allow_host) if args.allow_host else None,
        cors=cors_origins(getattr(args, "cors", None), getattr(args, "no_cors", False)),
    )
    _raise_open_files(limits.max_pending + limits.max_connections + 256)
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

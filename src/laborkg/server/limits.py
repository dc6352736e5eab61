"""The limits of ``laborkg serve`` and its command-line flags.

Kept apart from :mod:`laborkg.server` so that building the command line (``laborkg --help``, ``laborkg
query``) does not load the server.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field

from laborkg.query.engine import DEFAULT_MAX_MEMORY


@dataclass(frozen=True)
class Limits:
    """What one request may cost. Every number is a ``laborkg serve`` flag."""

    timeout: float = 30.0
    """Seconds a query may run (its worker process is killed then; the client gets 503 ``timeout``)."""
    max_rows: int = 10_000
    """Rows of a SELECT (or triples of a CONSTRUCT/DESCRIBE) answer; more: 413 ``result-too-large``."""
    max_body: int = 64 * 1024
    """Bytes of a request body, and of a query text however sent; more: 413 ``request-too-large``."""
    max_url: int = 16 * 1024
    """Bytes of a request target (path and query string); more: 414."""
    max_concurrent: int = 4
    """Queries evaluated at the same time (each in one of as many worker processes)."""
    queue_wait: float = 10.0
    """Seconds a query waits for one of those slots before 503 ``busy``."""
    max_connections: int = 64
    """Requests answered at the same time (a thread each, from when the whole request has arrived); more
    are answered 503 at once."""
    request_timeout: float = 10.0
    """Seconds a client has to send its whole request (line, headers and body); then 408 and closed."""
    max_pending: int = 1024
    """Connections still sending their request (waited on by one thread, not one each); more: 503."""
    max_per_client: int = 128
    """Open connections from one address (sending or being answered); more: 503 at once."""
    max_memory: int | None = DEFAULT_MAX_MEMORY
    """Bytes a query worker may allocate beyond what it holds when forked; past it: 503 ``memory-limit``."""
    allow_hosts: tuple[str, ...] | None = field(default=None, compare=False)
    """Host header names accepted (any port) besides the loopback names; None: any name unless the
    server listens on a loopback address. ``*`` accepts any."""
    read_timeout: float = 20.0
    """Seconds a write of the answer may block (a client that does not read is dropped)."""
    cors: tuple[str, ...] = field(default=("*",), compare=False)
    """Origins whose pages may read the answers (``Access-Control-Allow-Origin``); ``*``: any; empty:
    no CORS headers."""


SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?", re.IGNORECASE)


def memory_size(text: str) -> int | None:
    """A memory size as ``--max-memory`` takes it: 512M, 2G, 1.5GiB, 800MB (powers of 1024; a bare
    number is MiB); 0 or ``none``: no limit (None)."""
    if text.strip().lower() in ("0", "none", "off"):
        return None
    m = SIZE.fullmatch(text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size (e.g. 512M, 2G; 0: no limit)")
    unit = (m.group(2) or "m").lower()
    value = int(float(m.group(1)) * 1024 ** "bkmgt".index(unit))
    if value < 16 * 1024**2:
        raise argparse.ArgumentTypeError(f"{text!r} is too small: give at least 16M (0: no limit)")
    return value


def size_text(value: int | None) -> str:
    """``value`` bytes as ``--max-memory`` would take it (2G, 512M; none)."""
    if not value:
        return "none"
    if value % 1024**3 == 0:
        return f"{value // 1024**3}G"
    return f"{value / 1024**2:g}M"


def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError("must be greater than 0")
        return value

    return parse


def serve_arguments(p: argparse.ArgumentParser) -> None:
    """The ``laborkg serve`` flags (defaults from :class:`Limits`)."""
    d = Limits()
    p.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)"
    )
    p.add_argument(
        "--port", type=int, default=8080, help="port to listen on (default 8080; 0: any free port)"
    )
    p.add_argument(
        "--allow-host",
        action="append",
        metavar="NAME",
        help="also accept requests whose Host header names NAME (any port; repeatable; '*': any). "
        "Always accepted: localhost, 127.0.0.1, [::1]; without --allow-host, any name when not listening "
        "on a loopback address. Other names get 421 (a defence against DNS rebinding)",
    )
    p.add_argument(
        "--store",
        metavar="DIR",
        help="serve the store 'laborkg build --store DIR' made (pyoxigraph, on disk) instead of reasoning "
        "over the data at start",
    )
    g = p.add_argument_group("limits")
    g.add_argument(
        "--timeout",
        type=_positive(float),
        default=d.timeout,
        metavar="SECONDS",
        help=f"stop a query after this many seconds and answer 503 (default {d.timeout:g})",
    )
    g.add_argument(
        "--max-rows",
        type=_positive(int),
        default=d.max_rows,
        metavar="N",
        help=f"refuse answers of more than N rows or triples with 413 (default {d.max_rows})",
    )
    g.add_argument(
        "--max-body",
        type=_positive(int),
        default=d.max_body,
        metavar="BYTES",
        help=f"refuse bodies and query texts longer than this with 413 (default {d.max_body})",
    )
    g.add_argument(
        "--max-concurrent",
        type=_positive(int),
        default=d.max_concurrent,
        metavar="N",
        help=f"queries evaluated at once, each in its own process (default {d.max_concurrent})",
    )
    g.add_argument(
        "--queue-wait",
        type=_positive(float),
        default=d.queue_wait,
        metavar="SECONDS",
        help=f"how long a query waits for a free slot before 503 (default {d.queue_wait:g})",
    )
    g.add_argument(
        "--max-connections",
        type=_positive(int),
        default=d.max_connections,
        metavar="N",
        help=f"requests answered at once, once fully received; more get 503 (default {d.max_connections})",
    )
    g.add_argument(
        "--request-timeout",
        type=_positive(float),
        default=d.request_timeout,
        metavar="SECONDS",
        help="time a client has to send its whole request (line, headers, body); then 408 and closed "
        f"(default {d.request_timeout:g})",
    )
    g.add_argument(
        "--max-pending",
        type=_positive(int),
        default=d.max_pending,
        metavar="N",
        help=f"connections still sending their request; more get 503 (default {d.max_pending})",
    )
    g.add_argument(
        "--max-per-client",
        type=_positive(int),
        default=d.max_per_client,
        metavar="N",
        help=f"open connections from one address; more get 503 (default {d.max_per_client})",
    )
    memory_option(g, "a query worker")
    cors = p.add_mutually_exclusive_group()
    cors.add_argument(
        "--cors",
        action="append",
        metavar="ORIGIN",
        help="let pages from ORIGIN (e.g. https://example.org) read the answers (repeatable; default: "
        "any origin, '*': every answer is read-only)",
    )
    cors.add_argument(
        "--no-cors", action="store_true", help="send no CORS headers (browsers keep other sites out)"
    )
    p.add_argument("--quiet", action="store_true", help="do not log requests on standard error")


def memory_option(p, who: str = "the query's process") -> None:
    """``--max-memory SIZE`` (``laborkg serve``, ``query``, ``sparql``)."""
    p.add_argument(
        "--max-memory",
        type=memory_size,
        default=DEFAULT_MAX_MEMORY,
        metavar="SIZE",
        help=f"memory {who} may allocate, e.g. 512M, 4G (default {size_text(DEFAULT_MAX_MEMORY)}; 0: no "
        "limit); past it the query is stopped",
    )

"""The limits of ``laborkg serve`` and its command-line flags.

Kept apart from :mod:`laborkg.server` so that building the command line (``laborkg --help``, ``laborkg
query``) does not load the server.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass


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
    """Connections served at the same time; more are answered 503 at once."""
    read_timeout: float = 20.0
    """Seconds to receive a request before the connection is dropped (slow or idle clients)."""


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
        help=f"connections served at once; more are answered 503 (default {d.max_connections})",
    )
    p.add_argument("--quiet", action="store_true", help="do not log requests on standard error")

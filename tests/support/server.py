"""``laborkg serve``'s server run in a thread of the test process, on a free port."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from laborkg.server.app import make_server
from laborkg.server.limits import Limits


@contextmanager
def running(store, limits: Limits | None = None) -> Iterator:
    """The server on ``store`` while the block runs (yields the server; its port is
    ``server.server_address[1]``); shut down and closed after it, the store left open."""
    server = make_server(store, limits or Limits())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def base_url(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


@contextmanager
def static_files(root) -> Iterator[str]:
    """A plain HTTP server of the files under ``root`` (a stand-in for a public repository's raw
    addresses) while the block runs; yields its base URL."""
    from functools import partial
    from http.server import HTTPServer, SimpleHTTPRequestHandler

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)

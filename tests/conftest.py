"""Shared fixtures: the shipped graph (asserted and closure) and a private closure cache."""

from __future__ import annotations

import pytest
from rdflib import Graph

from laborkg import paths
from laborkg.pipeline.load import input_files, load
from laborkg.pipeline.reason import closure


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Every test session reasons into its own cache directory, never the user's."""
    mp = pytest.MonkeyPatch()
    mp.setenv("LABORKG_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()


@pytest.fixture(scope="session")
def asserted() -> Graph:
    """Ontology + shipped data as written, without reasoning."""
    return load(input_files())


@pytest.fixture(scope="session")
def data_graph() -> Graph:
    """The shipped instance data alone."""
    return load(paths.data_files())


@pytest.fixture(scope="session")
def kg(_private_cache) -> Graph:
    """The OWL RL closure of ontology + shipped data (what queries read)."""
    return closure(input_files())


class _CanaryHandler(__import__("http.server").server.BaseHTTPRequestHandler):
    """Counts every request it receives and answers with a small body."""

    body = b"<http://x/a> <http://x/b> <http://x/c> ."

    def _answer(self):
        self.server.hits.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = do_POST = _answer  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture
def canary():
    """A live HTTP server on 127.0.0.1 that records every request: (base URL, list of requests)."""
    import threading
    from http.server import HTTPServer

    server = HTTPServer(("127.0.0.1", 0), _CanaryHandler)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", server.hits
    finally:
        server.shutdown()
        server.server_close()

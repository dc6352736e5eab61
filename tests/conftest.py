"""Shared fixtures: the shipped graph (asserted and closure), its store built once, a private closure cache.

The session also checks that it wrote nothing into the checkout (``support.checkout``).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path

import pytest
from rdflib import Graph

from laborkg import paths
from laborkg.pipeline.load import input_files, load
from laborkg.pipeline.reason import closure

pytest_plugins = ["support.checkout"]


# A test using one of these fixtures must carry the marker, so that -m "not virtuoso" and the fast tier
# really leave out what needs the program.
MARKED_FIXTURES = {
    "virtuoso": {"virtuoso", "capped", "pushed", "remote"},
    "browser": {"browser", "shot"},
}


def pytest_collection_modifyitems(config, items):
    """Collection fails on a test that needs Virtuoso or a browser without the marker saying so."""
    missing = [
        f"{item.nodeid} uses {sorted(names & set(item.fixturenames))}: mark it @pytest.mark.{marker}"
        for item in items
        for marker, names in MARKED_FIXTURES.items()
        if names & set(getattr(item, "fixturenames", ())) and item.get_closest_marker(marker) is None
    ]
    if missing:
        raise pytest.UsageError("unmarked tests:\n" + "\n".join(missing))


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


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory) -> Path:
    """Where tests leave reports and screenshots for people: ``$LABORKG_TEST_ARTIFACTS`` when set (keep it
    outside the checkout), else a temporary directory. Never the checkout."""
    chosen = os.environ.get("LABORKG_TEST_ARTIFACTS")
    if not chosen:
        return tmp_path_factory.mktemp("artifacts")
    directory = Path(chosen).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _fingerprint(directory: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(p for p in directory.rglob("*") if p.is_file()):
        h.update(str(f.relative_to(directory)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="session")
def built_store(tmp_path_factory, _private_cache) -> Path:
    """The store ``laborkg build`` makes of the shipped data, built once per test session and shared by the
    xdist workers (a file lock: the first builds, the others wait and reuse it). Read-only: a test that
    changes a store copies this one (``shutil.copytree``); the session fails if it was changed."""
    from laborkg.store.build import build

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the session's directory, shared by its workers (basetemp/popen-gwN)
    directory = base / "built-store" / "kg"
    directory.parent.mkdir(parents=True, exist_ok=True)
    with open(directory.parent / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (directory.parent / "fingerprint").exists():
            build(directory)
            (directory.parent / "fingerprint").write_text(_fingerprint(directory))
        fcntl.flock(lock, fcntl.LOCK_UN)
    expected = (directory.parent / "fingerprint").read_text()
    yield directory
    assert _fingerprint(directory) == expected, (
        f"a test changed the shared store {directory}: copy it instead"
    )


@pytest.fixture(scope="session")
def findings_store(built_store, tmp_path_factory) -> Path:
    """The built store plus USDOL's findings of :data:`support.findings.COUNTRIES`, every reporting year
    (``laborkg ingest findings --store``), built once per session and shared by the xdist workers.
    Read-only, as :func:`built_store`."""
    import shutil

    from support.findings import COUNTRIES, FINDINGS, require_findings

    from laborkg.ingest.usdol_xml import YEARS
    from laborkg.store.ingest import add_findings

    require_findings()
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    directory = base / "findings-store" / "kg"
    directory.parent.mkdir(parents=True, exist_ok=True)
    with open(directory.parent / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (directory.parent / "fingerprint").exists():
            shutil.rmtree(directory, ignore_errors=True)
            shutil.copytree(built_store, directory)
            add_findings(directory, FINDINGS, YEARS, COUNTRIES)
            (directory.parent / "fingerprint").write_text(_fingerprint(directory))
        fcntl.flock(lock, fcntl.LOCK_UN)
    expected = (directory.parent / "fingerprint").read_text()
    yield directory
    assert _fingerprint(directory) == expected, (
        f"a test changed the shared store {directory}: copy it instead"
    )


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

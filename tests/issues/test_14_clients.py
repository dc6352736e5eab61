"""Issue 14, item 1: other people's SPARQL clients, unchanged, against a running laborkg serve."""

from __future__ import annotations

import gzip
import http.client
import io
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from xml.dom.minidom import Document

import pytest
import SPARQLWrapper
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result

from laborkg.backends.oxigraph import open_store
from laborkg.query.engine import Answer
from laborkg.server.app import cors_origins, make_server
from laborkg.server.limits import Limits

LKG = "https://w3id.org/laborkg/ontology#"
QUERIES = {
    "select": f"SELECT ?agency ?label WHERE {{ ?agency a <{LKG}GovernmentAgency> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?agency ?label LIMIT 12",
    "ask": f"ASK {{ <https://w3id.org/laborkg/id/stps> <{LKG}jurisdiction> "
    "<https://w3id.org/laborkg/id/mexico> }",
    "construct": f"CONSTRUCT {{ ?unit <{LKG}subAgencyOf> <https://w3id.org/laborkg/id/fgr> ; ?p ?o }} "
    f"WHERE {{ ?unit <{LKG}subAgencyOf> <https://w3id.org/laborkg/id/fgr> ; ?p ?o }}",
    "describe": "DESCRIBE <https://w3id.org/laborkg/id/stps>",
}
RESULTS_JSON, RESULTS_XML = "application/sparql-results+json", "application/sparql-results+xml"
# SPARQLWrapper's return format -> the media type laborkg answers (SELECT/ASK, CONSTRUCT/DESCRIBE). A format
# an answer does not have gets the default, as Oxigraph answers it (SPARQLWrapper then sends Accept */*).
SW_FORMATS = {
    "json": (RESULTS_JSON, "application/ld+json"),
    "xml": (RESULTS_XML, "application/rdf+xml"),
    "csv": ("text/csv", "text/turtle"),
    "tsv": ("text/tab-separated-values", "text/turtle"),
    "json-ld": (RESULTS_JSON, "application/ld+json"),
    "rdf+xml": (RESULTS_JSON, "application/rdf+xml"),
    "n3": (RESULTS_JSON, "text/n3"),
    "turtle": (RESULTS_JSON, "text/turtle"),
}
RDF_PARSERS = {
    "text/turtle": "turtle",
    "text/n3": "n3",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
}
ROWS_PARSERS = {
    RESULTS_JSON: "json",
    RESULTS_XML: "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}


def _start(store, limits: Limits):
    server = make_server(store, limits)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture(scope="module")
def kg(built_store):
    store = open_store(built_store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def laborkg(kg):
    server, thread = _start(kg, Limits(timeout=30, max_concurrent=2))
    yield server
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.fixture(scope="module")
def endpoint(laborkg) -> str:
    return f"http://127.0.0.1:{laborkg.server_address[1]}/sparql"


@pytest.fixture(scope="module")
def own(kg):
    """laborkg's own answer to each of QUERIES, read from the store directly."""
    return {kind: kg.run_checked(kg.check(text, allow_service=()), None) for kind, text in QUERIES.items()}


def _rows(answer: Answer) -> set[tuple]:
    return {tuple(row) for row in answer.rows}


def _same(kind: str, media: str, body, expected: Answer) -> None:
    """``body`` (bytes, or what SPARQLWrapper's convert() made of them) is laborkg's own ``expected``."""
    media = media.split(";")[0].strip()
    if kind in ("construct", "describe"):
        graph = body if isinstance(body, Graph) else Graph().parse(data=body, format=RDF_PARSERS[media])
        assert len(expected.graph) > 0 and isomorphic(graph, expected.graph)
        return
    if isinstance(body, dict):
        body = json.dumps(body).encode()
    elif isinstance(body, Document):
        body = body.toxml().encode()
    if kind == "ask" and media in ("text/csv", "text/tab-separated-values"):  # no standard: as Oxigraph
        assert body.strip() == b"true"
        return
    parsed = Result.parse(io.BytesIO(body), format=ROWS_PARSERS[media])
    if kind == "ask":
        assert parsed.askAnswer is expected.boolean is True
    elif media == "text/csv":  # CSV has no term types: compare the texts
        got = {tuple(str(t) for t in row) for row in parsed}
        assert got == {tuple(str(t) for t in row) for row in expected.rows}
    else:
        assert len(expected.rows) > 0 and {tuple(row) for row in parsed} == _rows(expected)


# -- SPARQLWrapper, with its defaults ---------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", [*SW_FORMATS, None])
@pytest.mark.parametrize("kind", list(QUERIES))
def test_sparqlwrapper(endpoint, own, kind, fmt, method):
    wrapper = SPARQLWrapper.SPARQLWrapper(endpoint)
    if fmt is not None:
        wrapper.setReturnFormat(fmt)
    wrapper.setMethod(method)
    wrapper.setQuery(QUERIES[kind])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "Sending Accept header '*/*'", for SELECT as N3
        result = wrapper.query()  # raises on any status but 2xx
        media = result.info()["content-type"]
        converted = result.convert()
    graph = kind in ("construct", "describe")
    wanted = SW_FORMATS[fmt or "xml"][1 if graph else 0]  # SPARQLWrapper's default is XML
    assert media.split(";")[0] == wanted
    _same(kind, media, converted, own[kind])


# -- rdflib's SPARQLStore, with its defaults ---------------------------------------------------


@pytest.mark.parametrize("kind", list(QUERIES))
def test_rdflib_sparqlstore_defaults(endpoint, own, kind):
    result = Graph(store=SPARQLStore(endpoint)).query(QUERIES[kind])
    expected = own[kind]
    if kind == "ask":
        assert result.askAnswer is True
    elif kind == "select":
        assert {tuple(row) for row in result} == _rows(expected)
    else:
        assert isomorphic(result.graph, expected.graph)


# -- Oxigraph federating into laborkg ----------------------------------------------------------

FEDERATED = {
    "select": "SELECT ?agency ?label WHERE {{ SERVICE <{url}> {{ {query} }} }}",
    "ask": "ASK {{ SERVICE <{url}> {{ <https://w3id.org/laborkg/id/stps> <" + LKG + "jurisdiction> ?c }} }}",
    "construct": "CONSTRUCT {{ ?unit <" + LKG + "subAgencyOf> <https://w3id.org/laborkg/id/fgr> }} WHERE "
    "{{ SERVICE <{url}> {{ ?unit <" + LKG + "subAgencyOf> <https://w3id.org/laborkg/id/fgr> }} }}",
}


def _federated(kind: str, url: str) -> str:
    return FEDERATED[kind].format(url=url, query=QUERIES["select"])


def _units(own) -> set:
    return set(own["construct"].graph.subjects(URIRef(LKG + "subAgencyOf"), None))


def _check_federated(kind: str, media: str, body: bytes, own) -> None:
    if kind == "construct":
        graph = Graph().parse(data=body, format=RDF_PARSERS[media.split(";")[0]])
        assert set(graph.subjects()) == _units(own) and len(graph) == len(_units(own)) == 3
    else:
        _same(kind, media, body, own[kind])


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    """``oxigraph serve`` (the CLI of the PyPI package oxigraph), for real, on a free port."""
    exe = shutil.which("oxigraph") or str(__import__("pathlib").Path(sys.executable).with_name("oxigraph"))
    if not __import__("os").path.exists(exe):
        pytest.fail("the oxigraph CLI is missing: pip install 'laborkg[test]' installs it")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    location = tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen(
        [exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("oxigraph serve did not start")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/query"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.parametrize("kind", list(FEDERATED))
def test_oxigraph_server_federates_into_laborkg(oxigraph_server, endpoint, own, kind):
    accept = "text/turtle" if kind == "construct" else RESULTS_JSON
    data = urllib.parse.urlencode({"query": _federated(kind, endpoint)}).encode()
    request = urllib.request.Request(oxigraph_server, data, {"Accept": accept})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200
        _check_federated(kind, response.headers["Content-Type"], response.read(), own)


@pytest.mark.parametrize("kind", list(FEDERATED))
def test_pyoxigraph_store_federates_into_laborkg(endpoint, own, kind):
    import pyoxigraph

    answer = pyoxigraph.Store().query(_federated(kind, endpoint))
    if kind == "construct":
        body = answer.serialize(format=pyoxigraph.RdfFormat.N_TRIPLES)
        _check_federated(kind, "application/n-triples", body, own)
    else:
        body = answer.serialize(format=pyoxigraph.QueryResultsFormat.JSON)
        _check_federated(kind, RESULTS_JSON, body, own)


# -- curl, with the Accept headers people send ---------------------------------------------------

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
CURL_CASES = [
    ("select", "*/*", RESULTS_JSON),
    ("select", None, RESULTS_JSON),
    ("select", RESULTS_JSON, RESULTS_JSON),
    ("select", "text/csv", "text/csv"),
    ("select", "text/turtle;q=0.9, */*;q=0.1", RESULTS_JSON),
    ("select", BROWSER, "text/html"),
    ("ask", "*/*", RESULTS_JSON),
    ("ask", RESULTS_JSON, RESULTS_JSON),
    ("construct", "*/*", "text/turtle"),
    ("construct", "application/rdf+xml", "application/rdf+xml"),
    ("construct", "text/turtle;q=0.9, */*;q=0.1", "text/turtle"),
    ("construct", BROWSER, "text/html"),
    ("describe", "application/rdf+xml", "application/rdf+xml"),
    ("describe", "*/*", "text/turtle"),
]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(("kind", "accept", "wanted"), CURL_CASES)
def test_curl(endpoint, own, kind, accept, wanted, method):
    curl = shutil.which("curl")
    if curl is None:
        pytest.fail("curl is missing")
    command = [curl, "-sS", "--max-time", "60", "-o", "-", "-w", "\n%{http_code} %{content_type}"]
    if accept is not None:
        command += ["-H", f"Accept: {accept}"]
    command += ["--data-urlencode", f"query={QUERIES[kind]}", endpoint]
    if method == "GET":
        command.insert(1, "-G")
    out = subprocess.run(command, capture_output=True, check=True, timeout=90).stdout
    body, _, status_line = out.rpartition(b"\n")
    status, media = status_line.decode().split(" ", 1)
    assert status == "200" and media.split(";")[0] == wanted
    if wanted != "text/html":
        _same(kind, media, body, own[kind])


# -- the service description, CORS, gzip, keep-alive, the ontology --------------------------------


def _get(url: str, headers: dict[str, str] | None = None, method: str = "GET"):
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


SD = "http://www.w3.org/ns/sparql-service-description#"


def test_service_description(endpoint, kg):
    status, headers, body = _get(endpoint)  # no Accept: Turtle
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=body, format="turtle")
    (service,) = graph.subjects(RDF.type, URIRef(SD + "Service"))
    assert graph.value(service, URIRef(SD + "endpoint")) == URIRef(endpoint)
    assert (service, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")) in graph
    formats = {str(f).rsplit("/", 1)[1] for f in graph.objects(service, URIRef(SD + "resultFormat"))}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "RDF_XML"} <= formats
    assert list(graph.objects(service, URIRef(SD + "feature")))
    triples = next(graph.objects(None, URIRef("http://rdfs.org/ns/void#triples")))
    assert int(triples) == kg.size()
    for accept, parser in (("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")):
        status, headers, body = _get(endpoint, {"Accept": accept})
        assert status == 200 and headers["Content-Type"].startswith(accept)
        assert isomorphic(Graph().parse(data=body, format=parser), graph)
    assert _get(endpoint, {"Accept": BROWSER})[0] == 303  # browsers still go to the query page


def test_cors(endpoint, laborkg):
    status, headers, _ = _get(endpoint + "?query=ASK%7B%7D", {"Origin": "https://example.org"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    preflight = {
        "Origin": "https://example.org",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    status, headers, body = _get(endpoint, preflight, method="OPTIONS")
    assert status == 204 and body == b""
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert {"GET", "POST", "OPTIONS"} <= {
        m.strip() for m in headers["Access-Control-Allow-Methods"].split(",")
    }
    assert "content-type" in headers["Access-Control-Allow-Headers"].lower()


def test_cors_configured(kg):
    assert cors_origins(None, False) == ("*",) and cors_origins(["x"], True) == ()
    assert cors_origins(["https://a.example/", "https://B.example:8443"], False) == (
        "https://a.example",
        "https://b.example:8443",
    )
    for limits, origin, allowed in (
        (Limits(cors=()), "https://a.example", None),
        (Limits(cors=("https://a.example",)), "https://a.example", "https://a.example"),
        (Limits(cors=("https://a.example",)), "https://evil.example", None),
    ):
        server, thread = _start(kg, limits)
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/sparql?query=ASK%7B%7D"
            status, headers, _ = _get(url, {"Origin": origin})
            assert status == 200 and headers["Access-Control-Allow-Origin"] == allowed
        finally:
            server.shutdown()
            server.server_close()
            thread.join(10)


def test_serve_cors_flags(built_store):
    """``laborkg serve --cors ORIGIN`` and ``--no-cors``, for real."""
    for flags, origin, allowed in (
        (["--cors", "https://a.example"], "https://a.example", "https://a.example"),
        (["--no-cors"], "https://a.example", None),
    ):
        command = [sys.executable, "-m", "laborkg", "serve", "--store", str(built_store), "--port", "0"]
        proc = subprocess.Popen([*command, *flags, "--quiet"], stdout=subprocess.PIPE, text=True)
        try:
            line = proc.stdout.readline()
            url = line.split("serving ", 1)[1].split(" ", 1)[0]
            status, headers, _ = _get(url + "sparql?query=ASK%7B%7D", {"Origin": origin})
            assert status == 200 and headers["Access-Control-Allow-Origin"] == allowed
        finally:
            proc.terminate()
            proc.wait(30)
    bad = subprocess.run([*command, "--cors", "not an origin"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.startswith("laborkg: error: --cors")


def test_gzip(endpoint):
    url = endpoint + "?query=" + urllib.parse.quote(QUERIES["select"])
    status, plain_headers, plain = _get(url)
    assert status == 200 and plain_headers.get("Content-Encoding") is None and len(plain) > 1024
    status, headers, packed = _get(url, {"Accept-Encoding": "gzip, deflate"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert int(headers["Content-Length"]) == len(packed) < len(plain)
    assert gzip.decompress(packed) == plain
    assert "accept-encoding" in headers["Vary"].lower()


def test_keep_alive(laborkg):
    port = laborkg.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        sockets = set()
        for path in (
            "/sparql?query=ASK%7B%7D",
            "/status",
            "/sparql?query=" + urllib.parse.quote(QUERIES["select"]),
        ):
            conn.request("GET", path)
            response = conn.getresponse()
            assert response.status == 200 and response.getheader("Connection") is None
            response.read()
            sockets.add(id(conn.sock))
        assert len(sockets) == 1  # one connection for the three
        # idle, it holds no thread nor connection slot: it waits in the reception
        deadline = time.monotonic() + 30
        while laborkg.reception.counts()[0] != 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert laborkg.reception.counts()[0] == 1
        assert laborkg.connection_slots._value == laborkg.limits.max_connections
        conn.request("GET", "/status", headers={"Connection": "close"})
        response = conn.getresponse()
        assert response.status == 200 and response.getheader("Connection") == "close"
    finally:
        conn.close()


def test_pipelined_requests(laborkg):
    ask = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost\r\n\r\n"
    last = b"GET /status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", laborkg.server_address[1]), timeout=60) as s:
        s.sendall(ask + ask + last)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    assert data.count(b"HTTP/1.1 200 OK") == 3 and data.count(b'"boolean": true') == 2


def test_kept_alive_connection_has_a_deadline(kg):
    """An idle kept-alive connection is closed ``--request-timeout`` after its answer; its next request
    trickled slowly is cut at that deadline too."""
    server, thread = _start(kg, Limits(request_timeout=1.0))
    try:
        request = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost\r\n\r\n"
        with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=60) as s:
            s.sendall(request)
            first = s.recv(65536)
            assert first.startswith(b"HTTP/1.1 200") and b"Connection: close" not in first
            started = time.monotonic()
            assert s.recv(65536) == b""  # closed by the server, idle
            assert time.monotonic() - started < 30
        with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=60) as s:
            s.sendall(request)
            assert s.recv(65536).startswith(b"HTTP/1.1 200")
            answer = b""
            for byte in request[:-4]:  # the next request, a byte at a time: never complete in time
                try:
                    s.sendall(bytes([byte]))
                except OSError:
                    break
                time.sleep(0.05)
            s.settimeout(30)
            try:
                while chunk := s.recv(65536):
                    answer += chunk
            except ConnectionResetError:
                pass
            assert answer == b"" or answer.startswith(b"HTTP/1.1 408")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.mark.parametrize(
    ("accept", "parser"),
    [(None, "turtle"), ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld"), ("text/n3", "n3")],
)
def test_ontology_iris_dereference(laborkg, accept, parser):
    base = f"http://127.0.0.1:{laborkg.server_address[1]}"
    for path in ("/ontology", "/ontology#subAgencyOf"):  # a term's IRI: the same document
        status, headers, body = _get(base + path, {"Accept": accept} if accept else {})
        assert status == 200 and headers["Content-Type"].startswith(accept or "text/turtle")
        graph = Graph().parse(data=body, format=parser)
        assert (URIRef("https://w3id.org/laborkg/ontology"), RDF.type, OWL.Ontology) in graph
        assert (URIRef(LKG + "subAgencyOf"), RDF.type, OWL.ObjectProperty) in graph
        assert graph.value(URIRef(LKG + "GovernmentAgency"), RDFS.label) is not None


def test_rdfxml_for_graph_answers(endpoint, own):
    for kind in ("construct", "describe"):
        url = endpoint + "?query=" + urllib.parse.quote(QUERIES[kind])
        status, headers, body = _get(url, {"Accept": "application/rdf+xml"})
        assert status == 200 and headers["Content-Type"].startswith("application/rdf+xml")
        _same(kind, "application/rdf+xml", body, own[kind])
        import pyoxigraph

        parsed = list(pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.RDF_XML))
        assert len(parsed) == len(own[kind].graph)


def test_repeated_and_unknown_format_parameters(endpoint):
    """SPARQLWrapper sends format=, output= and results= at once (twice for TSV); unknown values and
    values naming a format the answer does not have leave the choice to Accept."""
    q = urllib.parse.quote(QUERIES["select"])
    for extra, accept, wanted in (
        ("&format=tsv&format=text/tab-separated-values&output=tsv", None, "text/tab-separated-values"),
        ("&format=n3&output=n3&results=n3", "*/*", RESULTS_JSON),
        ("&format=no-such-format", "text/csv", "text/csv"),
        ("&format=csv&format=json", "text/csv", "text/csv"),  # two different ones: Accept decides
    ):
        status, headers, _ = _get(f"{endpoint}?query={q}{extra}", {"Accept": accept} if accept else {})
        assert status == 200 and headers["Content-Type"].startswith(wanted), extra

"""Issue 11: the text a query runs is the text that was checked (SERVICE, updates, nesting hidden by CR)."""

from __future__ import annotations

import http.client
import io
import urllib.parse

import pytest
from rdflib import Graph
from support.server import running

from laborkg.backends.oxigraph import open_store
from laborkg.cli import main
from laborkg.errors import QueryError
from laborkg.query.engine import execute
from laborkg.server.limits import Limits

# Each text hides a SERVICE to {url} (the canary) from a reader that ends "#" comments only at LF, or
# spells it with codepoint escapes; every one must be refused before anything is contacted.
HIDDEN = {
    "lone CR": "SELECT * WHERE {{ # x\rSERVICE <{url}> {{ ?s ?p ?o }}\n}}",
    "CRLF": "SELECT * WHERE {{ # x\r\nSERVICE <{url}> {{ ?s ?p ?o }}\n}}",
    "CR, silent": "SELECT * WHERE {{ ?s ?p ?o # x\rSERVICE SILENT <{url}> {{ ?s ?p ?o }} # y\n}}",
    "CR, prefixed endpoint": "PREFIX c: <{url}>\nSELECT * WHERE {{ # x\rSERVICE SILENT c: {{ ?s ?p ?o }}\n}}",
    "CR, variable endpoint": "SELECT * WHERE {{ BIND(<{url}> AS ?e) # x\rSERVICE ?e {{ ?s ?p ?o }}\n}}",
    "escaped keyword": "SELECT * WHERE {{ \\u0053ERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "escaped quote and line end": (
        'SELECT * WHERE {{ BIND("\\u0022 #" AS ?x) SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}\n'
        "# \\u000A AS ?x) }}"
    ),
    "after a comment": "# a SERVICE in a comment\nSELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
}
DEEP = "SELECT * WHERE { # x\r" + "{" * 10_000 + " ?s ?p ?o " + "}" * 10_000 + "\n}"
"""10,000 nested groups: rdflib sees one comment; pyoxigraph 0.5.13 overflows its stack (a segfault) at
about 2,200."""


def _texts(url: str) -> list[tuple[str, str]]:
    return [(name, text.format(url=url)) for name, text in HIDDEN.items()]


@pytest.fixture(scope="module")
def store_dir(built_store):
    return built_store


@pytest.fixture(scope="module")
def store(store_dir):
    with open_store(store_dir) as s:
        yield s


@pytest.fixture(scope="module")
def store_server(store_dir):
    with running(open_store(store_dir), Limits(timeout=20, max_concurrent=2)) as server:
        yield server


def _post(server, query: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=60)
    try:
        body = urllib.parse.urlencode({"query": query}).encode()
        conn.request("POST", "/sparql", body, {"Content-Type": "application/x-www-form-urlencoded"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# ---------------------------------------------------------------------------------------------
# The reproductions, on every path: refused, and the canary sees no request


def test_rdflib_path_refuses_hidden_service(canary):
    url, hits = canary
    for name, text in _texts(url):
        with pytest.raises(QueryError, match="SERVICE|malformed") as info:
            execute(Graph(), text, timeout=None)
        assert "\n" not in str(info.value), name
    assert hits == []


def test_rdflib_path_refuses_hidden_nesting():
    with pytest.raises(QueryError, match="nested too deeply"):
        execute(Graph(), DEEP, timeout=None)


def test_store_refuses_hidden_service(store, canary):
    url, hits = canary
    for name, text in _texts(url):
        with pytest.raises(QueryError, match="SERVICE|malformed"):
            store.sparql(text, timeout=None)
        assert hits == [], name


def test_store_refuses_hidden_nesting(store):
    """Checked before Oxigraph sees it (the query runs in a forked child, so a regression is a failed
    query, not a crashed test run)."""
    with pytest.raises(QueryError, match="nested too deeply"):
        store.sparql(DEEP, timeout=30)


def test_cli_refuses_hidden_service_and_nesting(store_dir, canary):
    url, hits = canary
    for name, text in [*_texts(url), ("deep", DEEP)]:
        code, out, err = _cli("sparql", "--store", str(store_dir), text)
        assert code == 2 and out == "", (name, out, err)
        assert err.startswith("laborkg: error: ") and err.count("\n") == 1, (name, err)
        assert ("SERVICE" in err and "not allowed" in err) or "malformed" in err or "nested" in err, err
    assert hits == []


def test_server_refuses_hidden_service_and_nesting(store_server, canary):
    url, hits = canary
    for name, text in [*_texts(url), ("deep", DEEP)]:
        status, body = _post(store_server, text)
        assert status in (400, 403), (name, status, body[:300])
    assert hits == []
    status, _ = _post(store_server, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert status == 200  # the workers survived
    status, body = _post(store_server, "SELECT * WHERE { ?s ?p ?o } # x\rDROP ALL")
    assert status == 403 and b"read-only" in body


def test_hidden_update_is_refused_as_an_update():
    text = "SELECT * WHERE { ?s ?p ?o } # x\rINSERT DATA { <http://x/a> <http://x/b> <http://x/c> }"
    with pytest.raises(QueryError, match="read-only"):
        execute(Graph(), text, timeout=None)


# ---------------------------------------------------------------------------------------------
# The test can fail: an allowed SERVICE is contacted, on the store and on the CLI


def test_allowed_service_after_a_cr_is_contacted(store, store_dir, canary):
    url, hits = canary
    text = f"SELECT * WHERE {{ # x\rSERVICE SILENT <{url}> {{ ?s ?p ?o }}\n}}"
    store.sparql(text, timeout=None, allow_service=[url])
    assert len(hits) == 1
    code, _, err = _cli("sparql", "--store", str(store_dir), "--allow-service", url, text)
    assert code == 0, err
    assert len(hits) == 2
    with pytest.raises(QueryError, match="not allowed"):
        store.sparql(text, timeout=None, allow_service=[url + "other"])
    assert len(hits) == 2


# ---------------------------------------------------------------------------------------------
# The lexer and the check: what is read as what


def _check(text: str, **kwargs) -> str:
    from laborkg.query.guard import check

    return check(text, **kwargs)


def test_strings_iris_and_names_holding_service_are_not_service():
    for text in [
        'SELECT ?x WHERE { BIND("a # { SERVICE <http://x/> {" AS ?x) }',
        "SELECT ?x WHERE { BIND('''SERVICE\r<http://x/> {''' AS ?x) }",
        'SELECT ?x WHERE { BIND("\\" SERVICE <http://x/> { \\\\" AS ?x) }',
        "SELECT ?x WHERE { ?x <http://x/a#SERVICE> ?o }",
        "PREFIX ex: <http://x/>\nSELECT ?SERVICE WHERE { ?SERVICE ex:SERVICE ex:a\\#SERVICE }",
        "PREFIX : <http://x/>\nSELECT * WHERE { ?s :SERVICE $SERVICE }",
    ]:
        assert _check(text) == text  # a CR in a string is part of the string


def test_comments_go_and_line_ends_become_lf():
    text = "SELECT * # a { comment\rWHERE { ?s ?p ?o }\r\n# the end\rLIMIT 1 # last"
    assert _check(text) == "SELECT * \nWHERE { ?s ?p ?o }\n\nLIMIT 1 "
    assert _check(_check(text)) == _check(text)


def test_comment_line_ends_are_oxigraph_s():
    """A comment ends at LF or CR and nowhere else, for the lexer as for pyoxigraph (measured: NEL, U+2028,
    U+2029, VT, FF and NUL do not end one)."""
    import pyoxigraph as ox

    from laborkg.query.lexer import tokenize

    s = ox.Store()
    s.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/b"), ox.NamedNode("http://x/c")))
    for end in ["\n", "\r", "\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x00"]:
        text = "SELECT * WHERE { ?s ?p ?o # c" + end + " FILTER(false) \n}"
        oxigraph_ends_it = list(s.query(text)) == []
        lexer_ends_it = "FILTER" in [t.text for t in tokenize(text)]
        assert oxigraph_ends_it == lexer_ends_it == (end in "\r\n"), repr(end)


def test_codepoint_escapes():
    import pyoxigraph as ox

    # outside strings and IRIs: refused (pyoxigraph: a syntax error; the grammar and rdflib: a keyword)
    for text in ["SELECT * WHERE { \\u0053ERVICE <http://x/> { } }", "\\U00000053ELECT * { }"]:
        with pytest.raises(QueryError, match="codepoint escapes"):
            _check(text)
    # inside strings and IRIs: decoded and written without escapes, the value pyoxigraph gives
    text = 'SELECT ?x ?y WHERE { BIND("a\\u0022b\\U0001F600" AS ?x) BIND(<http://x/\\u00e9\\u0027> AS ?y) }'
    checked = _check(text)
    assert "\\u0022" not in checked and "\\u00e9" not in checked
    (before,) = ox.Store().query(text)
    (after,) = ox.Store().query(checked)
    assert before["x"] == after["x"] and before["y"] == after["y"]
    assert after["x"].value == 'a"b\U0001f600'
    # an escape standing for a character an IRI cannot hold; a \u000A that would end a comment elsewhere
    for text in ["SELECT * WHERE { ?s <http://x/\\u003E> ?o }", "SELECT * { } # \\u000A SERVICE"]:
        with pytest.raises(QueryError, match="malformed"):
            _check(text)
    # an escaped backslash followed by "u0041" is no escape
    text = 'SELECT * WHERE { BIND("\\\\u0041" AS ?x) }'
    assert _check(text) == text


def test_less_than_in_expressions_and_iris_in_lists():
    from laborkg.query.lexer import tokenize

    kinds = [t.kind for t in tokenize("SELECT * WHERE { FILTER(?a<?b&&?c>?d) }")]
    assert "iri" not in kinds
    assert _check("ASK { FILTER(?a<?b) }") == "ASK { FILTER(?a< ?b) }"
    text = "SELECT * WHERE { VALUES (?a ?b) { (<http://x/a> <http://x/b#c>) } ?s ?p (<http://x/a> <x#y>) }"
    assert [t.kind for t in tokenize(text)].count("iri") == 4
    assert _check(text) == text
    # ORDER BY and FILTER function calls by IRI
    text = "SELECT * WHERE { ?s ?p ?o FILTER <http://x/f>(?o) } ORDER BY ?s <http://x/g>(?o)"
    assert [t.kind for t in tokenize(text)].count("iri") == 2


def test_service_endpoints():
    allowed = ["http://x/sparql"]
    assert _check("SELECT * WHERE { SERVICE <http://x/sparql> { ?s ?p ?o } }", allow_service=allowed)
    assert _check("PREFIX x: <http://x/> SELECT * WHERE { SERVICE x:sparql { } }", allow_service=allowed)
    for text, message in [
        ("SELECT * WHERE { SERVICE <http://x/other> { } }", "SERVICE <http://x/other> is not allowed"),
        ("SELECT * WHERE { service silent <http://x/other> { } }", "not allowed"),
        ("SELECT * WHERE { SERVICE ?e { } }", "SERVICE with a variable endpoint is not allowed"),
        ("SELECT * WHERE { SERVICE $e { } }", "variable endpoint"),
        ("SELECT * WHERE { SERVICE y:sparql { } }", "not allowed"),
        ("PREFIX x: <http://y/> SELECT * WHERE { SERVICE x:sparql { } }", "SERVICE <http://y/sparql>"),
        ("BASE <http://x/> SELECT * WHERE { SERVICE <sparql> { } }", "SERVICE <sparql> is not allowed"),
    ]:
        with pytest.raises(QueryError, match=message):
            _check(text, allow_service=allowed)


def test_updates_are_refused():
    for text in [
        "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "load <http://x/>",
        "SELECT * { } # x\rDROP ALL",
        "CLEAR DEFAULT",
    ]:
        with pytest.raises(QueryError, match="updates .* not allowed: laborkg is read-only"):
            _check(text)
    assert _check("SELECT ?insert WHERE { ?insert ?delete ?load }")


def test_nesting_and_size_limits():
    ok = "SELECT * WHERE " + "{" * 64 + "}" * 64
    assert _check(ok) == ok
    for text in [
        "SELECT * WHERE " + "{" * 65 + "}" * 65,
        "SELECT * WHERE { FILTER(" + "(" * 64 + "1" + ")" * 64 + ") }",
        "SELECT * WHERE { ?s ?p " + "[ ?p " * 65 + "?o" + " ]" * 65 + " }",
        # an IRI's brackets count too: a reader taking its "<" for less-than would nest them
        "SELECT * WHERE { ?s <http://x/" + "(" * 70 + "> ?o }",
    ]:
        with pytest.raises(QueryError, match="nested too deeply"):
            _check(text)
    with pytest.raises(QueryError, match="longer than 100 characters"):
        _check("SELECT * WHERE { }" + " " * 100, max_length=100)
    for text in ["SELECT * WHERE { { }", "SELECT * WHERE { ) }", "SELECT * WHERE { ] }"]:
        with pytest.raises(QueryError, match="malformed"):
            _check(text)


def test_chain_limit():
    """A chain of 3,000 BINDs overflows pyoxigraph's stack (measured): chains are bounded too."""
    binds = " ".join(f"BIND(1 AS ?v{i})" for i in range(3000))
    with pytest.raises(QueryError, match="more than 500 operators"):
        _check("SELECT * WHERE { " + binds + " }")
    with pytest.raises(QueryError, match="more than 500 operators"):
        _check("ASK { FILTER(" + "||".join(["1"] * 600) + ") }")
    assert _check("ASK { FILTER(" + "||".join(["1"] * 400) + ") }")


def test_endpoint_store_sends_the_checked_text(canary, monkeypatch):
    """``--endpoint``: a refused query sends nothing (the endpoint is the canary); an accepted one is sent
    as checked (no comment, no CR)."""
    from laborkg.backends.remote import EndpointStore

    url, hits = canary
    store = EndpointStore(url + "/sparql")
    for name, text in _texts(url):
        with pytest.raises(QueryError, match="SERVICE|malformed"):
            store.sparql(text, timeout=None)
        assert hits == [], name
    sent = []
    monkeypatch.setattr(EndpointStore, "_run", lambda self, text, form, timeout: sent.append(text))
    store.sparql("SELECT * WHERE { ?s ?p ?o } # x\rLIMIT 1", timeout=None)
    assert sent[0].endswith("SELECT * WHERE { ?s ?p ?o } \nLIMIT 1")

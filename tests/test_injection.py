"""Hostile text in every string parameter never widens an answer.

Parameters are bound by the engine, never pasted into the query, so SPARQL in a parameter is just text.
For each packaged query with a string parameter, a Python oracle computes the honest answer for that
text straight from the graph; at least 1,000 hostile strings go through the real query path (the same
as `laborkg query -p …`) and each answer must equal the oracle's.
"""

from __future__ import annotations

import pytest
from support.hostile import FINDINGS_ORACLES, ORACLES, findings_strings, hostile_strings

from laborkg.query import catalogue as queries


def test_every_string_parameter_has_an_oracle():
    params = {(q.name, p.name) for q in queries.catalogue().values() for p in q.params if p.type == "string"}
    assert params == set(ORACLES) | set(FINDINGS_ORACLES)


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(ORACLES), ids=lambda k: f"{k[0]}.{k[1]}")
def test_hostile_strings_never_widen_the_answer(kg, key):
    name, param = key
    column, oracle = ORACLES[key]
    strings = hostile_strings()
    honest_hits = 0
    for text in strings:
        answer = queries.run(kg, name, {param: text}, timeout=None)
        got = {row[column] for row in answer.dicts() if column in row}
        want = oracle(kg, text)
        assert got == want, f"{name} -p {param}={text!r}: {len(got)} rows, oracle {len(want)}"
        honest_hits += bool(want)
    # the strings that contain real text do find things: the comparison is not vacuous
    assert honest_hits > 0


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(FINDINGS_ORACLES), ids=lambda k: f"{k[0]}.{k[1]}")
def test_hostile_strings_never_widen_a_findings_answer(findings_store, key):
    """The findings queries' string parameters, on the findings store (the shipped graph has no findings):
    the honest answer is the answer without the parameter, filtered by the documented comparison."""
    from laborkg.backends.oxigraph import OxigraphStore

    name, param = key
    column, filtered, keeps = FINDINGS_ORACLES[key]
    store = OxigraphStore(findings_store)
    try:
        universe = store.query(name, {}, timeout=None).dicts()
        assert universe
        honest_hits = 0
        for text in findings_strings(param):
            answer = store.query(name, {param: text}, timeout=None)
            got = {row[column] for row in answer.dicts()}
            want = {row[column] for row in universe if keeps(text, str(row[filtered]))}
            assert got == want, f"{name} -p {param}={text!r}: {len(got)} rows, oracle {len(want)}"
            honest_hits += 0 < len(want) < len(universe)
        assert honest_hits > 0  # some texts narrow the answer without emptying it: the test is not vacuous
    finally:
        store.close()


# ---------------------------------------------------------------------------------------------
# Every parameter type, both Oxigraph backends (in memory, --store), the command line and HTTP: a hostile
# value is a clear refusal (QueryError: exit 2, HTTP 4xx) or an answer no wider than without it.

#: One optional parameter of each type the catalogue uses (integer: no packaged query has one; below).
TYPED = {
    "iri": ("child-labor-activities", "sector"),
    "string": ("policies", "table"),
    "language": ("coordinating-bodies", "lang"),
    "date": ("launches", "on"),
    "year": ("policies", "year"),
}

#: Hostile values: quotes, braces, comment and line ends, NUL, lone surrogates (what invalid UTF-8 on a
#: command line becomes), escapes, keywords, long strings; each alone and around a real value.
HOSTILE_CORE = [
    "'",
    '"',
    "}",
    "{",
    "#",
    "\n",
    "\r\n",
    "\x00",
    "\ud800",
    "\udcff",
    "\\u0022",
    "\\U0001F600",
    "\\",
    "} UNION { ?s ?p ?o } #",
    '" } UNION { ?s ?p ?o } #',
    "SELECT * WHERE { ?s ?p ?o }",
    "INSERT DATA { <a:b> <a:c> <a:d> }",
    "SERVICE <http://127.0.0.1:9/> { }",
    "<javascript:alert(1)>",
    "%FF",
    "%00",
    "2024-13-45",
    "99999",
    "-1",
    "en-",
    "x" * 5000,
    "{" * 3000,
]


def typed_hostile() -> list[str]:
    real = ["STPS", "Table 3", "2016", "es", "2016-01-01"]
    return list(dict.fromkeys(real + HOSTILE_CORE + [r + h for r in real for h in HOSTILE_CORE[:12]]))


def _keys(answer) -> list[tuple]:
    return [tuple(sorted((k, str(v)) for k, v in row.items())) for row in answer.dicts()]


@pytest.fixture(scope="module")
def both_backends(kg, built_store):
    from laborkg.backends.oxigraph import OxigraphStore

    memory = OxigraphStore.in_memory(kg.serialize(format="nt", encoding="utf-8"))
    disk = OxigraphStore(built_store)
    yield {"in-memory": memory, "store": disk}
    memory.close()
    disk.close()


@pytest.mark.parametrize("ptype", sorted(TYPED))
def test_hostile_values_of_every_type_on_both_backends(both_backends, ptype):
    from laborkg.errors import QueryError

    name, param = TYPED[ptype]
    for backend, store in both_backends.items():
        baseline = store.query(name, {}, timeout=30)
        allowed = set(_keys(baseline))
        answered = 0
        for text in typed_hostile():
            try:
                answer = store.query(name, {param: text}, timeout=30)
            except QueryError as exc:
                assert "\n" not in str(exc).strip(), (backend, name, param, text[:40])
                continue
            answered += 1
            rows = _keys(answer)
            if ptype == "language":  # labels change with the language, never the number of rows
                assert len(rows) <= len(baseline.rows), (backend, name, param, text[:40])
            else:
                assert set(rows) <= allowed, (backend, name, param, text[:40])
        assert answered, f"{backend} {name} {param}: every value was refused (the real ones must answer)"


def test_hostile_integer_values_convert_or_refuse():
    from laborkg.errors import QueryError
    from laborkg.query.catalogue import Param, convert

    param = Param("n", "integer", None, False, "a number")
    for text in typed_hostile():
        try:
            term = convert(None, param, text)
        except QueryError:
            continue
        assert isinstance(term.toPython(), int), text[:40]


def test_hostile_values_on_the_command_line(built_store, capsys):
    from laborkg.cli import main

    for ptype, (name, param) in sorted(TYPED.items()):
        for text in HOSTILE_CORE:
            code = main(
                ["query", name, "-p", f"{param}={text}", "--store", str(built_store), "--format", "json"]
            )
            err = capsys.readouterr().err
            assert code in (0, 2), (ptype, text[:40], err)
            assert "Traceback" not in err and len(err.strip().splitlines()) <= 1, (ptype, text[:40], err)


#: Raw percent-escapes: invalid UTF-8, NUL, an encoded surrogate, an overlong form.
RAW_ESCAPES = ["%FF", "%00", "%ED%A0%80", "%C0%AF", "%E2%80", "%25FF", "%7D%23%0A", "%22%20%7D"]


@pytest.mark.parametrize("backend", ["in-memory", "store"])
def test_hostile_values_over_http(both_backends, backend):
    """Through a real server on each backend: 200 with no extra rows, or a 4xx; never a 500; the server
    answers afterwards."""
    import http.client
    import json
    import threading
    import urllib.parse

    from laborkg.server.app import make_server
    from laborkg.server.limits import Limits

    srv = make_server(both_backends[backend], Limits(timeout=30))
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()

    def get(target):
        conn = http.client.HTTPConnection(*srv.server_address[:2], timeout=60)
        try:
            conn.request("GET", target, headers={"Accept": "application/sparql-results+json"})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    try:
        for ptype, (name, param) in sorted(TYPED.items()):
            status, body = get(f"/queries/{name}")
            assert status == 200
            allowed = {json.dumps(b, sort_keys=True) for b in json.loads(body)["results"]["bindings"]}
            encoded = [urllib.parse.quote(t.encode("utf-8", "surrogatepass"), safe="") for t in HOSTILE_CORE]
            for value in encoded + RAW_ESCAPES:
                status, body = get(f"/queries/{name}?{param}={value}")
                assert status in (200, 400), (ptype, value[:60], status, body[:200])
                if status == 200 and ptype != "language":
                    rows = {json.dumps(b, sort_keys=True) for b in json.loads(body)["results"]["bindings"]}
                    assert rows <= allowed, (ptype, value[:60])
        for value in encoded + RAW_ESCAPES:
            status, body = get(f"/sparql?query={value}")
            assert 400 <= status < 500, (value[:60], status, body[:200])
        assert get("/status")[0] == 200
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(10)

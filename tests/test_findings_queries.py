"""Every packaged query with a golden answer on the findings store (tests/golden/findings/<name>.json, the
answer to its parameters in support.golden.FINDINGS_CASES; the store: the shipped graph plus the findings of
support.findings.COUNTRIES, every year) gives it on every backend: the store on disk, the same closure in
memory, rdflib's engine (the reference), laborkg serve over HTTP, and Virtuoso.

Answers are compared as ``support.compare.comparable`` makes them (numbers by value, GROUP_CONCAT parts as
sets); the goldens are regenerated with ``python tests/support/golden.py --findings`` (docs/testing.md)."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph
from support.compare import comparable
from support.findings import require_findings
from support.golden import FINDINGS_CASES, FINDINGS_GOLDEN, compute_on_store, example_params
from support.server import base_url, running

from laborkg.backends.oxigraph import OxigraphStore, dump, open_store
from laborkg.backends.rdflib import RdflibStore
from laborkg.backends.remote import EndpointStore
from laborkg.query import catalogue as queries
from laborkg.server.limits import Limits

require_findings()

CATALOGUE = queries.catalogue()
GOLDEN_NAMES = sorted(FINDINGS_CASES)


def _golden(name: str) -> dict:
    return json.loads((FINDINGS_GOLDEN / f"{name}.json").read_text())


def _diff(want: dict, got: dict) -> str:
    if want.get("vars") != got.get("vars"):
        return f"variables differ: golden {want.get('vars')} vs now {got.get('vars')}"
    w = [json.dumps(r, ensure_ascii=False) for r in want.get("rows", [])]
    g = [json.dumps(r, ensure_ascii=False) for r in got.get("rows", [])]
    missing, extra = [r for r in w if r not in g], [r for r in g if r not in w]
    return "\n".join(
        [f"{len(missing)} row(s) missing, {len(extra)} unexpected:"]
        + [f"- {r}" for r in missing[:10]]
        + [f"+ {r}" for r in extra[:10]]
    )


@pytest.fixture(scope="module")
def disk(findings_store):
    store = OxigraphStore(findings_store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def dumped(disk) -> bytes:
    data = dump(disk, "nt")
    assert data
    return data


@pytest.fixture(scope="module")
def memory(dumped):
    store = OxigraphStore.in_memory(dumped)
    yield store
    store.close()


@pytest.fixture(scope="module")
def reference(dumped):
    return RdflibStore(Graph().parse(data=dumped, format="nt"))


@pytest.fixture(scope="module")
def http(findings_store):
    """``laborkg serve`` on the findings store, queried through the SPARQL protocol (terms written in)."""
    with running(open_store(findings_store), Limits(timeout=60, max_concurrent=1)) as server:
        yield EndpointStore(base_url(server) + "/sparql", None)


def test_every_findings_golden_has_a_case_and_a_query():
    assert {p.stem for p in FINDINGS_GOLDEN.glob("*.json")} == set(FINDINGS_CASES)
    assert set(FINDINGS_CASES) <= set(CATALOGUE), "a golden answer without its query"
    tagged = {name for name, q in CATALOGUE.items() if "findings" in q.tags}
    assert len(tagged) >= 7 and tagged <= set(FINDINGS_CASES), "a findings query without a golden answer"


@pytest.mark.parametrize("name", GOLDEN_NAMES)
def test_the_golden_answer_has_rows(name):
    want = _golden(name)
    assert want["rows"], f"{name}: an empty golden answer checks little; choose parameters that find rows"
    if "findings" in CATALOGUE[name].tags:  # the findings queries' goldens are their documented examples
        assert FINDINGS_CASES[name] == example_params(CATALOGUE[name]), name


@pytest.mark.parametrize("backend", ["disk", "memory", "reference", "http"])
@pytest.mark.parametrize("name", GOLDEN_NAMES)
def test_findings_query_gives_its_golden_answer(request, backend, name):
    store = request.getfixturevalue(backend)
    want = _golden(name)
    got = compute_on_store(store, name)
    assert got == want, _diff(want, got)


@pytest.mark.parametrize("name", GOLDEN_NAMES)
def test_every_row_cites_its_source(disk, name):
    """Each row of the golden answer carries a source (``source``, ``…Source`` or the ``sources`` list), and
    every source it names is a passage with its quote; for the findings queries (tagged ``findings``: they
    read only the findings) an lkg:ElementValue with its element path."""
    want = _golden(name)
    columns = [i for i, v in enumerate(want["vars"]) if v in ("source", "sources") or v.endswith("Source")]
    assert columns, f"{name} has no source column"
    cited = set()
    for row in want["rows"]:
        cells = [row[i] for i in columns if row[i]]
        iris = [iri for cell in cells for iri in (cell if isinstance(cell, list) else [cell])]
        assert iris, f"{name}: a row without a source: {row}"
        cited.update(iri if iri.startswith("<") else f"<{iri}>" for iri in iris)
    if "findings" in CATALOGUE[name].tags:
        passage = "?s a lkg:ElementValue ; lkg:elementPath ?p ; lkg:quote ?q"
    else:
        passage = "?s a lkg:SourcePassage ; lkg:quote ?q"
    values = " ".join(sorted(cited))
    query = f"SELECT ?s WHERE {{ VALUES ?s {{ {values} }} FILTER NOT EXISTS {{ {passage} }} }}"
    bad = disk.sparql(query, timeout=None)
    assert not bad.rows, [str(r[0]) for r in bad.rows[:5]]


# ---------------------------------------------------------------------------------------------
# Virtuoso


@pytest.fixture(scope="module")
def virtuoso_findings(tmp_path_factory, reference):
    """A private Virtuoso holding the findings store's closure (pushed with the Graph Store Protocol)."""
    from support.virtuoso import PASSWORD, USER, start

    from laborkg.publish.push import push

    server = start(tmp_path_factory.mktemp("virtuoso-findings"))
    try:
        push(server.sparql_auth, reference.graph, gsp=server.gsp, user=USER, password=PASSWORD)
        yield EndpointStore(server.sparql)
    finally:
        server.stop()


@pytest.mark.virtuoso
@pytest.mark.parametrize("name", GOLDEN_NAMES)
def test_findings_query_gives_its_golden_answer_on_virtuoso(virtuoso_findings, name):
    want = _golden(name)
    got = compute_on_store(virtuoso_findings, name)
    assert got == want, _diff(want, got)


@pytest.mark.parametrize("name", GOLDEN_NAMES)
def test_every_example_gives_the_same_answer_on_disk_and_in_memory(disk, memory, name):
    """The examples after the first, which have no golden answer, agree between the two Oxigraph stores."""
    query = CATALOGUE[name]
    for n in range(1, len(query.examples)):
        params = example_params(type(query)(**{**vars(query), "examples": query.examples[n:]}))
        on_disk = comparable(disk.query(name, params, timeout=None), query.text)
        assert on_disk["rows"], (name, params)
        assert comparable(memory.query(name, params, timeout=None), query.text) == on_disk, (name, params)

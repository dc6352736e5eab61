"""Issue 15: GROUP_CONCAT(DISTINCT ?x) over an OPTIONAL sometimes unbound answers on every backend."""

from __future__ import annotations

import pytest
from support.server import base_url, running

from laborkg.backends.oxigraph import OxigraphStore
from laborkg.backends.rdflib import RdflibStore
from laborkg.backends.remote import EndpointStore
from laborkg.server.limits import Limits

# Every organisation with its acronyms: 25 of 59 have one, so ?acronym is unbound in some solutions.
QUERY = """
SELECT ?agency (GROUP_CONCAT(DISTINCT ?acronym; separator="|") AS ?acronyms)
       (COUNT(DISTINCT ?acronym) AS ?n) (MAX(DISTINCT ?acronym) AS ?last)
WHERE { ?agency a lkg:Organisation OPTIONAL { ?agency lkg:acronym ?acronym } }
GROUP BY ?agency
"""


def _answer(store) -> dict[str, tuple]:
    answer = store.sparql(QUERY, timeout=60)
    out = {}
    for row in answer.dicts():
        names = sorted(x for x in str(row.get("acronyms") or "").split("|") if x)
        out[str(row["agency"])] = (names, int(row["n"]), str(row.get("last") or ""))
    return out


@pytest.fixture(scope="module")
def backends(kg, built_store):
    memory = OxigraphStore.in_memory(kg.serialize(format="nt", encoding="utf-8"))
    disk = OxigraphStore(built_store)
    with running(OxigraphStore(built_store), Limits(timeout=60, max_concurrent=1)) as server:
        endpoint = EndpointStore(base_url(server) + "/sparql", None)
        yield {"rdflib": RdflibStore(kg), "in-memory": memory, "store": disk, "endpoint": endpoint}
    memory.close()
    disk.close()


def test_distinct_group_concat_over_an_optional_agrees_on_every_backend(backends, kg):
    answers = {name: _answer(store) for name, store in backends.items()}
    reference = answers.pop("in-memory")
    with_none = [a for a, (names, _n, _last) in reference.items() if not names]
    with_some = [a for a, (names, _n, _last) in reference.items() if names]
    assert with_none and with_some  # the OPTIONAL really is unbound for some agencies
    for name, answer in answers.items():
        assert answer == reference, name
    for names, n, last in reference.values():  # the aggregates say what the graph holds
        assert n == len(names) and last == (max(names) if names else "")

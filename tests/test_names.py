"""A store's name index resolves every name exactly as the scan of every label does."""

from __future__ import annotations

import random

import pytest

from laborkg.backends.oxigraph import OxigraphStore, dump, open_store
from laborkg.errors import QueryError
from laborkg.query.catalogue import NAME_PROPERTIES
from laborkg.store.layout import NAMES_GRAPH


def _resolve(store, value: str) -> str:
    try:
        return str(store.resolve_iri(value))
    except QueryError as exc:
        return f"error: {exc}"


@pytest.fixture(scope="module")
def stores(built_store):
    indexed = open_store(built_store)
    scanned = OxigraphStore.in_memory(dump(indexed, "nt"))  # the default graph only: no name index
    yield indexed, scanned
    indexed.close()
    scanned.close()


def test_the_built_store_has_the_index_and_the_copy_does_not(stores):
    indexed, scanned = stores
    assert indexed.manifest.get("names") == NAMES_GRAPH
    assert "names" not in scanned.manifest


def test_names_resolve_alike_with_and_without_the_index(stores):
    indexed, scanned = stores
    names = sorted(
        {
            str(row[0])
            for p in NAME_PROPERTIES
            for row in indexed.sparql(
                f"SELECT DISTINCT ?o WHERE {{ ?s <{p}> ?o FILTER(isLiteral(?o)) }}"
            ).rows
        }
    )
    assert len(names) > 500
    seed = random.randrange(1 << 30)
    print(f"name sample seed: {seed}")
    sample = random.Random(seed).sample(names, 150)
    sample += [n.upper() for n in sample[:30]] + [n.lower() for n in sample[30:60]]
    sample += ["stps", "STPS", "Cancelled", "nothing is called this", "", "fgr"]
    differ = [(v, _resolve(indexed, v), _resolve(scanned, v)) for v in sample]
    differ = [d for d in differ if d[1] != d[2]]
    assert not differ, f"index and scan disagree (seed {seed}): {differ[:5]}"


def test_an_ambiguous_name_is_ambiguous_through_the_index_too(stores):
    indexed, scanned = stores
    # a name two entities share, found in the data itself (not assumed)
    rows = indexed.sparql(
        "SELECT ?o WHERE { ?a rdfs:label ?o . ?b rdfs:label ?o FILTER(isIRI(?a) && isIRI(?b) && ?a != ?b) } "
        "LIMIT 1"
    ).rows
    if not rows:
        pytest.skip("no two entities share a label in the shipped data")
    name = str(rows[0][0])
    assert _resolve(indexed, name).startswith("error:") and "ambiguous" in _resolve(indexed, name)
    assert _resolve(indexed, name) == _resolve(scanned, name)

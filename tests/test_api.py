"""The Python API: docstring examples run as tests; typed values; DataFrames; ad-hoc SPARQL."""

from __future__ import annotations

import datetime
import doctest
import sys
from decimal import Decimal

import pytest
from rdflib import Graph, URIRef

import laborkg
import laborkg.api
from laborkg.errors import QueryError
from laborkg.query.engine import QueryTimeout


@pytest.mark.parametrize("module", [laborkg, laborkg.api], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.fixture(scope="module")
def api_kg():
    return laborkg.open()


def test_rows_have_python_values(api_kg):
    (row,) = api_kg.query("agencies-lost-support")
    assert isinstance(row["amount"], Decimal) and row["amount"] == 207_000_000
    assert row["programCount"] == 21 and isinstance(row["programCount"], int)
    assert row["start"] == "2019" and row["cancellationDate"] == "2025-03"
    assert isinstance(row["agency"], URIRef) and str(row["agency"]) == "https://w3id.org/laborkg/id/stps"
    (launch,) = api_kg.query("launches", on="2025-02-04")
    assert launch["date"] == datetime.date(2025, 2, 4)


def test_dataframe(api_kg):
    df = api_kg.query("activities-under-initiative").to_dataframe()
    assert list(df.columns) == ["date", "event", "initiative", "participants", "sources"]
    assert len(df) >= 5


def test_dataframe_without_pandas(api_kg, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install 'laborkg\\[pandas\\]'"):
        api_kg.query("agencies-lost-support").to_dataframe()


def test_sparql_kinds(api_kg):
    assert api_kg.sparql("ASK { lkr:stps a lkg:GovernmentAgency }") is True
    g = api_kg.sparql("CONSTRUCT { ?s a lkg:SubAgency } WHERE { ?s a lkg:SubAgency }")
    assert isinstance(g, Graph) and len(g) >= 6
    d = api_kg.sparql("DESCRIBE lkr:stps")
    assert isinstance(d, Graph) and len(d) > 5


def test_sparql_refuses_updates_and_service(api_kg):
    with pytest.raises(QueryError, match="read-only"):
        api_kg.sparql("DELETE WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError, match="SERVICE"):
        api_kg.sparql("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match="variable endpoint"):
        api_kg.sparql("SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }")


def test_runaway_query_is_stopped(api_kg):
    with pytest.raises(QueryTimeout):
        api_kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=1)
    assert api_kg.sparql("ASK { ?s ?p ?o }") is True  # the graph is still usable


def test_unknown_query_and_parameter(api_kg):
    with pytest.raises(QueryError, match="no packaged query"):
        api_kg.query("nope")
    with pytest.raises(QueryError, match="has no parameter"):
        api_kg.query("agencies-lost-support", donor="x")

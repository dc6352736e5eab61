"""Other people's SPARQL clients (rdflib's SPARQLStore, SPARQLWrapper) against a running laborkg serve."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from support.server import base_url, running

from laborkg.backends.oxigraph import open_store
from laborkg.server.limits import Limits

STPS = URIRef("https://w3id.org/laborkg/id/stps")


@pytest.fixture(scope="module")
def endpoint(built_store):
    with running(open_store(built_store), Limits(timeout=20, max_concurrent=2)) as server:
        yield base_url(server) + "/sparql"


def test_rdflib_sparqlstore_selects_and_asks(endpoint):
    graph = Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    rows = list(
        graph.query(
            "SELECT ?unit WHERE { ?unit <https://w3id.org/laborkg/ontology#subAgencyOf> "
            "<https://w3id.org/laborkg/id/fgr> }"
        )
    )
    assert len(rows) == 3 and all(isinstance(r[0], URIRef) for r in rows)
    asked = graph.query(
        "ASK { <https://w3id.org/laborkg/id/stps> <https://w3id.org/laborkg/ontology#jurisdiction> "
        "<https://w3id.org/laborkg/id/mexico> }"
    )
    assert asked.askAnswer is True
    assert graph.query("ASK { <https://w3id.org/laborkg/id/stps> ?p <urn:nothing> }").askAnswer is False


def test_rdflib_sparqlstore_sees_labels_in_both_languages(endpoint):
    graph = Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    labels = {
        (str(r[0]), r[0].language)
        for r in graph.query(
            f"SELECT ?l WHERE {{ <{STPS}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
        )
    }
    assert ("Secretariat of Labor and Social Welfare", "en") in labels
    assert ("Secretaría del Trabajo y Previsión Social", "es") in labels


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore_constructs_with_each_method(endpoint, method):
    """rdflib's default Accept for a graph names RDF/XML first (406 before issue 14)."""
    graph = Graph(store=SPARQLStore(endpoint, method=method))
    answer = graph.query(
        "CONSTRUCT { ?unit <https://w3id.org/laborkg/ontology#subAgencyOf> ?parent } WHERE "
        "{ ?unit <https://w3id.org/laborkg/ontology#subAgencyOf> ?parent "
        "FILTER(?parent = <https://w3id.org/laborkg/id/fgr>) }"
    )
    assert answer.graph is not None and len(answer.graph) == 3
    described = graph.query(f"DESCRIBE <{STPS}>").graph
    assert described is not None and (STPS, None, None) in described


def test_sparqlwrapper_keeps_its_own_defaults(endpoint):
    """SPARQLWrapper's default (XML: SPARQL XML results, RDF/XML for graphs), converted by itself."""
    from SPARQLWrapper import SPARQLWrapper

    wrapper = SPARQLWrapper(endpoint)
    wrapper.setQuery(f"SELECT ?p WHERE {{ <{STPS}> ?p ?o }} LIMIT 3")
    document = wrapper.query().convert()
    assert len(document.getElementsByTagName("result")) == 3
    wrapper.setQuery(f"CONSTRUCT {{ <{STPS}> ?p ?o }} WHERE {{ <{STPS}> ?p ?o }}")
    graph = wrapper.query().convert()
    assert isinstance(graph, Graph) and len(graph) > 3 and (STPS, None, None) in graph

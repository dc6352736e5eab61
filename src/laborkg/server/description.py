"""What the server says about itself and its vocabulary: the SPARQL 1.1 Service Description at
``GET /sparql`` and the ontology document its term IRIs dereference to."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from laborkg import paths
from laborkg.namespace import BASE, bind_prefixes

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

ONTOLOGY_PATH = "/ontology"
"""Where the ontology (``https://w3id.org/laborkg/ontology``, terms ``…/ontology#X``) is served."""

RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "JSON-LD",
    "N-Triples",
    "RDF_XML",
    "N3",
)
"""The W3C format IRIs (``http://www.w3.org/ns/formats/``) of what /sparql answers."""


def service_description(endpoint: str, triples: int | None, version: str) -> Graph:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint`` (its absolute URL)."""
    g = bind_prefixes(Graph())
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("formats", FORMATS)
    service = URIRef(endpoint + "#service")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(endpoint)))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for name in RESULT_FORMATS:
        g.add((service, SD.resultFormat, FORMATS[name]))
    g.add((service, SD.feature, SD.UnionDefaultGraph))  # one graph: every triple is in the default graph
    g.add((service, DCTERMS.title, Literal("laborkg SPARQL endpoint (read-only)", lang="en")))
    g.add((service, DCTERMS.hasVersion, Literal(version)))
    dataset, graph = BNode("dataset"), BNode("default")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, DCTERMS.source, URIRef(BASE)))
    g.add((dataset, SD.defaultGraph, graph))
    g.add((graph, RDF.type, SD.Graph))
    g.add((graph, RDF.type, VOID.Dataset))
    g.add((graph, VOID.vocabulary, URIRef(BASE + "ontology#")))
    g.add((graph, VOID.sparqlEndpoint, URIRef(endpoint)))
    if triples is not None:
        g.add((graph, VOID.triples, Literal(triples, datatype=XSD.integer)))
    return g


def ontology() -> Graph:
    """The ontology as its files state it (``ontology/*.ttl``: no inferred triples)."""
    g = bind_prefixes(Graph())
    for path in paths.ontology_files():
        g.parse(path, format="turtle")
    return g

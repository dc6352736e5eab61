"""Namespaces of laborkg and the vocabularies it aligns to, with one prefix binder."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, QB, RDF, RDFS, SDO, SKOS, TIME, XSD

BASE = "https://w3id.org/laborkg/"
LKG = Namespace(BASE + "ontology#")
"""The ontology's classes and properties."""
LKC = Namespace(BASE + "code/")
"""Code lists (IATI ActivityStatus and OrganisationRole, ISO 4217)."""
LKR = Namespace(BASE + "id/")
"""Instance data: entities and facts."""
LKP = Namespace(BASE + "id/passage/")
"""Source passages."""
SH = Namespace("http://www.w3.org/ns/shacl#")

PREFIXES: dict[str, Namespace] = {
    "lkg": LKG,
    "lkc": LKC,
    "lkr": LKR,
    "lkp": LKP,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "org": ORG,
    "schema": SDO,
    "foaf": FOAF,
    "qb": QB,
    "time": TIME,
    "sh": SH,
}

ACTIVITY_STATUS = {code: LKC[f"iati-activity-status-{code}"] for code in range(1, 7)}
CANCELLED = ACTIVITY_STATUS[5]
SUSPENDED = ACTIVITY_STATUS[6]


def bind_prefixes(graph: Graph) -> Graph:
    """Bind laborkg's prefixes on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def sparql_prologue() -> str:
    """PREFIX declarations for every laborkg prefix, to prepend to packaged queries."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def is_own_term(iri: str) -> bool:
    """True for an IRI of the ontology or of its code lists (which the ontology must declare)."""
    return iri.startswith(str(LKG)) or iri.startswith(str(LKC))

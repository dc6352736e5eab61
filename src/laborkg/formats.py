"""Format names, one set for every command: Jena riot's and rdfpipe's, with laborkg's older names as
aliases."""

from __future__ import annotations

from laborkg.errors import InputError

RDF = ("turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml")
"""RDF serialisations, by their riot/rdfpipe names."""
RDF_ALIASES = {
    "ttl": "turtle",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "nq": "nquads",
    "n-quads": "nquads",
    "json-ld": "jsonld",
    "rdf": "rdfxml",
    "rdf/xml": "rdfxml",
    "xml": "rdfxml",  # RDF/XML where the answer is a graph; SPARQL results XML where it is rows
}
RESULTS = ("table", "json", "xml", "csv", "tsv")
"""SPARQL results: a table for people, the SPARQL 1.1 result formats for machines."""
RESULT_ALIASES = {"srj": "json", "srx": "xml"}

SUFFIX = {
    "turtle": ".ttl",
    "ntriples": ".nt",
    "nquads": ".nq",
    "trig": ".trig",
    "jsonld": ".jsonld",
    "rdfxml": ".rdf",
}
"""The file suffix laborkg reads each RDF format by."""
MEDIA_TYPE = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
RDFLIB = {
    "turtle": "turtle",
    "ntriples": "nt",
    "nquads": "nquads",
    "trig": "trig",
    "jsonld": "json-ld",
    "rdfxml": "xml",
}
"""rdflib's plugin names."""


def rdf(name: str) -> str:
    """The riot name of an RDF format given by any of its names; an unknown name is bad input."""
    key = name.strip().lower()
    key = RDF_ALIASES.get(key, key)
    if key not in RDF:
        raise InputError(f"unknown RDF format {name!r} (one of {', '.join(RDF)})")
    return key


def result(name: str) -> str:
    """The name of a results format (or of an RDF format, for graph answers) given by any of its names."""
    key = name.strip().lower()
    key = RESULT_ALIASES.get(key, key)
    if key in RESULTS:
        return key
    return rdf(key)


def rdf_choices() -> tuple[str, ...]:
    """Every name the RDF options accept (riot names first)."""
    return (*RDF, *RDF_ALIASES)


def answer_choices() -> tuple[str, ...]:
    """Every name ``sparql --format`` accepts: results formats, then RDF formats."""
    return (*RESULTS, *RESULT_ALIASES, *(n for n in rdf_choices() if n != "xml"))


__all__ = [
    "RDF",
    "RESULTS",
    "SUFFIX",
    "MEDIA_TYPE",
    "RDFLIB",
    "rdf",
    "result",
    "rdf_choices",
    "answer_choices",
]

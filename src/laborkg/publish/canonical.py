"""Canonical exports: blank nodes labelled by RDFC-1.0 and literals in Oxigraph's canonical forms."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from laborkg.backends.terms import to_rdflib


def _to_rdflib(term) -> Node:
    # normalize=False: keep the lexical form Oxigraph chose (rdflib would rewrite 150 as 150.0)
    return to_rdflib(term, normalize=False)


def _canonical_quads(nquads: bytes) -> list:
    """Quads read into an in-memory Oxigraph store (which writes literals in canonical form, as the
    store ``laborkg build`` makes does), their blank nodes relabelled by RDFC-1.0."""
    store = ox.Store()
    store.load(nquads, format=ox.RdfFormat.N_QUADS)
    dataset = ox.Dataset(store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return list(dataset)


def graph(source: Graph) -> Graph:
    """``source`` with canonical blank-node labels (``c14n0``, …) and literals; its prefixes kept."""
    out = Graph()
    for prefix, ns in source.namespaces():
        out.bind(prefix, ns, override=True, replace=True)
    for q in _canonical_quads(source.serialize(format="nt", encoding="utf-8")):
        out.add((_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)))
    return out


def dataset(source: Dataset) -> Dataset:
    """``source`` (named graphs) with canonical blank-node labels and literals; its prefixes kept."""
    out = Dataset()
    for prefix, ns in source.namespaces():
        out.bind(prefix, ns, override=True, replace=True)
    for q in _canonical_quads(source.serialize(format="nquads", encoding="utf-8")):
        name = q.graph_name
        target = out.default_graph if isinstance(name, ox.DefaultGraph) else out.graph(URIRef(name.value))
        target.add((_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)))
    return out


__all__ = ["graph", "dataset"]

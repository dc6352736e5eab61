"""Export the graph (asserted or closure) as Turtle, JSON-LD, N-Triples, N-Quads or TriG, with its VoID/DCAT
description, written atomically."""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef, plugin
from rdflib.namespace import SKOS, XSD
from rdflib.plugins.serializers.trig import TrigSerializer
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.serializer import Serializer

from laborkg import formats, paths
from laborkg.atomic import write_atomic
from laborkg.errors import InputError
from laborkg.namespace import LKG, bind_prefixes
from laborkg.pipeline import jsonld
from laborkg.pipeline.load import load
from laborkg.publish import canonical
from laborkg.publish.metadata import GRAPH_BASE, describe


class _ExactDoubles:
    """rdflib's Turtle and TriG writers print ``xsd:double`` values rounded to six significant digits
    (``1.234568e+00``); this writes them as typed strings with every digit instead."""

    def label(self, node, position):
        if isinstance(node, Literal) and node.datatype == XSD.double:
            return node._literal_n3(use_plain=False, qname_callback=lambda dt: self.get_pname(dt, True))
        return super().label(node, position)


class ExactTurtleSerializer(_ExactDoubles, TurtleSerializer):
    """rdflib's Turtle writer with exact doubles."""


class ExactTrigSerializer(_ExactDoubles, TrigSerializer):
    """rdflib's TriG writer with exact doubles and its named graphs in order (rdflib's follow set order)."""

    def __init__(self, store) -> None:
        super().__init__(store)
        self.contexts.sort(key=lambda g: str(g.identifier))


plugin.register("laborkg-turtle", Serializer, "laborkg.publish.export", "ExactTurtleSerializer")
plugin.register("laborkg-trig", Serializer, "laborkg.publish.export", "ExactTrigSerializer")

FORMATS = formats.RDF
"""Export formats by their riot names (``formats.rdf`` takes the older ``ttl``, ``nt``… too)."""
JSONLD_CONTEXTS = ("inline", "url")


_MAPPING_PREDICATES = {SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch}


def partition(graph: Graph, ontology_subjects: set) -> dict[str, Graph]:
    """Named graphs by provenance: ``seed-NNN`` per source document, ``ontology``, ``mappings`` (links to
    external graphs, from data/mappings), ``other``."""
    doc_name: dict = {}
    for doc, fname in graph.subject_objects(LKG.fileName):
        doc_name[doc] = "seed-" + str(fname)[:3]
    passage_doc = {p: doc_name.get(d) for p, d in graph.subject_objects(LKG.inDocument)}
    parts: dict[str, Graph] = {}

    def add(name: str, triple) -> None:
        parts.setdefault(name, bind_prefixes(Graph())).add(triple)

    homes: dict = {}
    for s in set(graph.subjects()):
        names = set()
        if s in doc_name:
            names.add(doc_name[s])
        elif s in passage_doc and passage_doc[s]:
            names.add(passage_doc[s])
        else:
            names |= {passage_doc.get(p) for p in graph.objects(s, LKG.source)} - {None}
        if not names:
            names = {"ontology" if s in ontology_subjects else "other"}
        homes[s] = names
    for t in graph:
        if t[1] in _MAPPING_PREDICATES:
            add("mappings", t)  # links to external graphs come from data/mappings, not from a seed
            continue
        for name in homes[t[0]]:
            add(name, t)
    return parts


def _ontology_subjects() -> set:
    return set(load(paths.ontology_files()).subjects())


def to_dataset(graph: Graph, **where) -> Dataset:
    """``graph`` as named graphs by provenance, with its description in ``…/graph/metadata``; ``where``:
    :func:`describe`'s ``base_url`` and ``sparql_endpoint``."""
    ds = Dataset()
    for prefix, ns in graph.namespaces():
        ds.bind(prefix, ns, override=True, replace=True)
    parts = partition(graph, _ontology_subjects())
    for name, part in sorted(parts.items()):
        g = ds.graph(URIRef(GRAPH_BASE + name))
        for t in part:
            g.add(t)
    meta = ds.graph(URIRef(GRAPH_BASE + "metadata"))
    for t in describe(graph, parts, **where):
        meta.add(t)
    return ds


def with_metadata(graph: Graph, **where) -> Graph:
    """``graph`` with its VoID/DCAT description."""
    out = bind_prefixes(Graph())
    out += graph
    out += describe(graph, partition(graph, _ontology_subjects()), **where)
    for prefix, ns in describe(Graph()).namespaces():
        out.bind(prefix, ns, override=False)
    return out


def _sorted_lines(text: str) -> str:
    lines = sorted(line for line in text.splitlines() if line.strip())
    return "\n".join(lines) + "\n" if lines else ""


def _rdfxml(graph: Graph) -> str:
    """RDF/XML written by pyoxigraph from the sorted triples (rdflib's writers drop statements about
    list nodes or follow set order)."""
    import pyoxigraph as ox

    lines = _sorted_lines(graph.serialize(format="nt")).encode("utf-8")
    prefixes = {p: str(ns) for p, ns in graph.namespaces() if p}
    triples = ox.parse(lines, format=ox.RdfFormat.N_TRIPLES)
    out = ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes)
    return (out or b"").decode("utf-8")


def serialize(
    graph: Graph,
    fmt: str,
    frame: str | None = None,
    *,
    context: str = "inline",
    base_url: str | None = None,
    sparql_endpoint: str | None = None,
) -> str:
    """The export of ``graph`` (with its VoID/DCAT description) in ``fmt`` (any name of an RDF format):
    blank nodes labelled by RDFC-1.0 and literals in canonical form, so two runs give the same bytes
    and a file export agrees with a store export. JSON-LD carries its ``context`` inline (default; it
    then parses offline) or by URL; the description names the dumps under ``base_url`` and the
    ``sparql_endpoint`` when given."""
    fmt = formats.rdf(fmt)
    if context not in JSONLD_CONTEXTS:
        raise InputError(f"--context is one of {', '.join(JSONLD_CONTEXTS)}, not {context!r}")
    inline = context == "inline"
    where: dict = {"sparql_endpoint": sparql_endpoint}
    if base_url:
        where["base_url"] = base_url
    if frame is not None:
        if fmt != "jsonld" or frame != "programs":
            raise InputError("--frame programs is only for --format jsonld")
        return jsonld.dumps(jsonld.frame_programs(canonical.graph(graph), inline=inline))
    if fmt in ("nquads", "trig"):
        ds = canonical.dataset(to_dataset(graph, **where))
        if fmt == "nquads":
            return _sorted_lines(ds.serialize(format="nquads"))
        return ds.serialize(format="laborkg-trig")
    full = canonical.graph(with_metadata(graph, **where))
    if fmt == "turtle":
        return full.serialize(format="laborkg-turtle")
    if fmt == "ntriples":
        return _sorted_lines(full.serialize(format="nt"))
    if fmt == "rdfxml":
        return _rdfxml(full)
    return jsonld.dumps(jsonld.compact(full, inline=inline))


def parse_export(text: str, fmt: str) -> Graph:
    """Read an export back (the union of its named graphs for TriG and N-Quads)."""
    fmt = formats.rdf(fmt)
    if fmt == "jsonld":
        return jsonld.to_graph(text)
    if fmt in ("nquads", "trig"):
        ds = Dataset()
        ds.parse(data=text, format=fmt)
        union = bind_prefixes(Graph())
        for g in ds.graphs():
            union += g
        return union
    g = bind_prefixes(Graph())
    g.parse(data=text, format=formats.RDFLIB[fmt])
    return g


def write(text: str, output: str | Path | None, stdout=None) -> None:
    """Write to ``output`` atomically, or to standard output for ``-`` or None."""
    if output in (None, "-"):
        (stdout or sys.stdout).write(text)
        return
    target = Path(output)
    if target.is_dir():
        raise InputError(f"{target}: is a directory; give a file name")
    try:
        write_atomic(target, text)
    except OSError as exc:
        raise InputError(f"{target}: cannot write ({exc.strerror or exc})") from None


__all__ = [
    "FORMATS",
    "serialize",
    "parse_export",
    "write",
    "partition",
    "to_dataset",
    "ExactTurtleSerializer",
]

"""The OWL RL closure of ontology + data (for queries, and without domains and ranges for validation),
by laborkg's own rules, reasonable or owlrl, cached by a hash of its inputs."""

from __future__ import annotations

import logging
from pathlib import Path

import owlrl
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from laborkg.atomic import write_atomic
from laborkg.inputs import CLOSURE_VERSION, REASONERS, RULES_VERSION, cache_dir, inputs_key, reasoner_name  # noqa: F401
from laborkg.namespace import bind_prefixes
from laborkg.pipeline.load import load

_log = logging.getLogger(__name__)
_REFLEXIVE_NOISE = (
    OWL.sameAs,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
)


def property_chains(graph: Graph) -> list[tuple[URIRef, list]]:
    """The property chains declared in ``graph``: (p, [p1, p2, …]) for ``p owl:propertyChainAxiom (…)``."""
    out = []
    for prop, head in graph.subject_objects(OWL.propertyChainAxiom):
        steps = list(Collection(graph, head))
        if isinstance(prop, URIRef) and steps and all(isinstance(s, URIRef) for s in steps):
            out.append((prop, steps))
    return out


def chain_entailments(graph: Graph, chains: list[tuple[URIRef, list]]) -> set[tuple]:
    """Triples ``x p z`` entailed by rule prp-spo2 (``x p1 y1 … yn-1 pn z``) that ``graph`` lacks."""
    new: set[tuple] = set()
    for prop, steps in chains:
        pairs = set(graph.subject_objects(steps[0]))
        for step in steps[1:]:
            following: dict = {}
            for y, z in graph.subject_objects(step):
                following.setdefault(y, []).append(z)
            pairs = {(x, z) for x, y in pairs for z in following.get(y, ())}
        new.update((x, prop, z) for x, z in pairs if not isinstance(x, Literal) and (x, prop, z) not in graph)
    return new


def _plain(graph: Graph, triple: tuple) -> tuple:
    """reasonable writes plain literals as ``xsd:string`` ones (the same RDF 1.1 term): keep the form the
    graph already has, else the plain form rdflib and owlrl use."""
    s, p, o = triple
    if isinstance(o, Literal) and o.datatype == XSD.string and (s, p, o) not in graph:
        return (s, p, Literal(str(o)))
    return triple


def _thing_typings_to_drop(graph: Graph, asserted: set) -> list:
    """reasonable types as ``owl:Thing`` every node it sees used (blank list cells, classes, properties,
    and an untyped subject, which would hide it from the untyped-subject check). Keep ``x a owl:Thing``
    only where OWL RL entails it as owlrl does: asserted, or from a class of ``x`` (every ``owl:Class`` is
    below ``owl:Thing``, rule scm-cls), or from a property whose domain or range is ``owl:Thing``."""
    thing_classes = set(graph.subjects(RDF.type, OWL.Class)) | set(graph.subjects(RDFS.subClassOf, OWL.Thing))
    thing_classes.discard(OWL.Thing)
    entailed = set(asserted)
    for prop in graph.subjects(RDFS.domain, OWL.Thing):
        entailed.update(graph.subjects(prop, None))
    for prop in graph.subjects(RDFS.range, OWL.Thing):
        entailed.update(o for o in graph.objects(None, prop) if not isinstance(o, Literal))
    drop = []
    for x in graph.subjects(RDF.type, OWL.Thing):
        if x in entailed or any(c in thing_classes for c in graph.objects(x, RDF.type)):
            continue
        drop.append((x, RDF.type, OWL.Thing))
    return drop


def _reasonable_expand(graph: Graph) -> None:
    """Expand ``graph`` in place with reasonable, adding property-chain entailments until a fixpoint."""
    import reasonable

    asserted_things = set(graph.subjects(RDF.type, OWL.Thing))
    chains = property_chains(graph)
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(graph)
    while True:
        for triple in reasoner.reason():
            graph.add(_plain(graph, triple))
        new = chain_entailments(graph, chains)
        if not new:
            break
        for triple in new:
            graph.add(triple)
        reasoner.from_graph(list(new))
    for triple in _thing_typings_to_drop(graph, asserted_things):
        graph.remove(triple)


def owl_rl_closure(graph: Graph, reasoner: str | None = None) -> Graph:
    """Expand ``graph`` in place with its OWL RL closure and tidy it; return it.

    ``reasoner``: ``laborkg`` (laborkg's own, :mod:`laborkg.pipeline.rules`; owlrl where it does not apply),
    ``reasonable`` (property chains added by laborkg), ``owlrl`` (the reference) or ``auto``/``None``
    (``$LABORKG_REASONER``, else see :func:`reasoner_name`)."""
    name = reasoner_name(reasoner, len(graph))
    if name == "laborkg":
        from laborkg.pipeline import rules

        try:
            rules.materialise(graph)  # tidied already
            return graph
        except rules.Unsupported as exc:
            _log.info("laborkg's reasoner leaves this graph to owlrl: %s", exc)
            name = "owlrl"
    if name == "reasonable":
        _reasonable_expand(graph)
    else:
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(
            graph
        )
    noise = [t for t in graph if isinstance(t[0], Literal)]
    noise += [(s, p, o) for p in _REFLEXIVE_NOISE for s, _, o in graph.triples((None, p, None)) if s == o]
    for t in noise:
        graph.remove(t)
    return graph


def closure(
    files: list[Path], use_cache: bool = True, for_validation: bool = False, reasoner: str | None = None
) -> Graph:
    """The tidied OWL RL closure of ``files``, from the cache when the inputs are unchanged.

    ``for_validation`` drops ``rdfs:domain`` and ``rdfs:range`` axioms before reasoning (see above);
    ``reasoner`` chooses the reasoner (see :func:`reasoner_name`).
    """
    mode = "validation" if for_validation else "query"
    cached = cache_dir() / f"closure-{mode}-{inputs_key(files, mode, reasoner)}.nt"
    if use_cache and cached.is_file():
        graph = bind_prefixes(Graph())
        try:
            graph.parse(cached, format="nt")
            return graph
        except Exception:  # a damaged cache file is rebuilt, never trusted
            cached.unlink(missing_ok=True)
    graph = load(files)
    if for_validation:
        graph.remove((None, RDFS.domain, None))
        graph.remove((None, RDFS.range, None))
    graph = owl_rl_closure(graph) if reasoner is None else owl_rl_closure(graph, reasoner=reasoner)
    if use_cache:
        try:
            write_atomic(cached, graph.serialize(format="nt", encoding="utf-8"))
        except OSError:
            pass  # a read-only cache is not an error; the closure is simply recomputed next time
    return graph

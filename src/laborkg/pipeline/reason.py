"""The OWL RL closure of ontology + data, computed once and cached by a hash of its inputs.

The closure is what queries and validation read. Three reasoners compute it:

- ``laborkg`` (:mod:`laborkg.rules`, laborkg's own materialiser, the default): the OWL 2 RL rules that
  can fire on laborkg's ontology, compiled once per graph (schema closure, then each property's
  subproperty/inverse/symmetry moves, transitive properties and property chains joined semi-naively,
  then types), in pure Python. It gives exactly owlrl's closure after the tidying below (a test compares
  them on the shipped graph, both modes, on a generated graph and on one small graph per rule), about
  100× faster than owlrl (bench/reasoners.py, CPU time: 0.12 s against 13 s at 10k generated triples,
  1.1 s against 112 s at 100k) with about owlrl's peak memory (335 MB against 298 MB at 100k; reasonable
  needs 5.7 GB). Where a graph needs a rule it does not implement (``owl:sameAs``, restrictions,
  ``owl:hasKey``, two values of a functional property, an inconsistency owlrl would report, …) it says
  so and owlrl computes the closure instead, so the closure is never silently smaller.
- ``reasonable`` (a Rust OWL 2 RL reasoner): 10× faster than owlrl at 10k and 3× at 100k synthetic
  triples (bench/), but far hungrier for memory (5.7 GB at 100k). It does not implement property
  chains (``owl:propertyChainAxiom``, rule prp-spo2), so laborkg adds those itself and reasons again
  until nothing new follows; it writes plain literals as ``xsd:string``-typed ones, which are the same
  RDF 1.1 term and are written back as plain literals.
- ``owlrl`` (the reference OWL RL implementation in Python): the reference the tests compare the others
  with, and the fallback. On laborkg's instances (``https://w3id.org/laborkg/id/…``) reasonable gives the
  same triples; owlrl alone adds schema-level triples (``owl:Nothing`` below every class, domains and
  ranges widened to superclasses, datatype and annotation-property declarations), which no query or
  check reads (laborkg's own reasoner adds them too); reasonable types every node it sees used as
  ``owl:Thing`` (an untyped subject too, which would hide it from the untyped-subject check), and
  laborkg keeps only the ``owl:Thing`` typings OWL RL entails.

``$LABORKG_REASONER`` (``laborkg``, ``reasonable``, ``owlrl`` or ``auto``, the default) chooses; ``auto``
takes laborkg's own. Every closure is then tidied: triples about literals as subjects and the reflexive
``owl:sameAs`` / equivalence / subclass triples carry no information and are dropped.

Validation reads a second closure, computed the same way from the ontology *without* its
``rdfs:domain`` / ``rdfs:range`` axioms: otherwise a range axiom would retype a wrongly used node
(a law given as a funder would become an agent) and the shapes could never catch the mistake.
Every other entailment (subclasses, subproperties, inverses, chains, symmetry, transitivity) is kept.

The cache key is the SHA-256 of every input file's name and bytes, plus the reasoner and the versions
of rdflib and the reasoner; the closure is stored as N-Triples under the cache directory and written
atomically. A hit parses that file and never calls the reasoner.
"""

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
    new = set()
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

    ``reasoner``: ``laborkg`` (laborkg's own, :mod:`laborkg.rules`; owlrl where it does not apply),
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

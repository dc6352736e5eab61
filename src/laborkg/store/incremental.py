"""``laborkg add``: add documents to a built store, reasoning and validating over the addition and its
neighbourhood in the store only (docs/architecture.md says why a neighbourhood is enough)."""

from __future__ import annotations

import datetime as _dt
import json
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH

from laborkg import paths
from laborkg.atomic import aside_name, replace_directory, write_atomic
from laborkg.backends.terms import to_oxigraph, to_rdflib
from laborkg.errors import InputError, LaborKGError
from laborkg.namespace import LKG
from laborkg.pipeline.load import expand_paths, load
from laborkg.pipeline.validate import (
    ValidationReport,
    Violation,
    check_files,
    ill_typed_violations,
    quote_violations,
    shacl_violations,
    shapes_graph,
    violation_key,
)
from laborkg.progress import say
from laborkg.store.build import NotConforming, build, oxigraph_check_violations
from laborkg.store.delta import (
    DELTA,
    JOURNAL,
    QUERY_ONLY,
    VALIDATION_ONLY,
    apply_journal,
    compute_delta,
    inputs_unchanged,
    quad,
    recover,
    triples_json,
)
from laborkg.store.layout import DATABASE, MANIFEST, clean_stale, file_entry, locked, read_manifest

MAX_NODES = 20_000  # a neighbourhood larger than this is not "local": rebuild instead
LOCAL_TRIPLES = 10_000  # the size the reasoner is chosen for: the ontology plus a neighbourhood
QUOTE_CHECK_DEPTH = 2  # passage → document → file name

# Schema predicates: an addition that uses them changes the ontology, which reaches every node.
_SCHEMA_PREDICATES = {
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.inverseOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.propertyChainAxiom,
    OWL.disjointWith,
    OWL.propertyDisjointWith,
    OWL.hasKey,
    OWL.onProperty,
}
_SCHEMA_TYPES = {
    OWL.Class,
    RDFS.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    RDF.Property,
    OWL.TransitiveProperty,
    OWL.SymmetricProperty,
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.AsymmetricProperty,
    OWL.IrreflexiveProperty,
    OWL.Restriction,
}
# OWL RL constructs whose rules join on more than the nodes of the new triples
_NON_LOCAL = (
    OWL.someValuesFrom,
    OWL.allValuesFrom,
    OWL.hasValue,
    OWL.hasKey,
    OWL.maxCardinality,
    OWL.maxQualifiedCardinality,
    OWL.intersectionOf,
    OWL.unionOf,
    OWL.oneOf,
    OWL.sameAs,
)


class Rebuild(LaborKGError):
    """The addition reaches beyond a neighbourhood that can be checked locally: rebuild instead."""


# ---------------------------------------------------------------------------------------------
# What the ontology and the shapes need


def join_predicates(tbox: Graph) -> set[URIRef]:
    """Predicates whose *incoming* triples a rule joins on: transitive properties and every step of a
    property chain but the last. Raises :class:`Rebuild` for constructs whose rules are not local."""
    for p in _NON_LOCAL:
        if (None, p, None) in tbox:
            raise Rebuild(f"the ontology uses {p.n3()}, whose entailments are not local")
    if (None, RDF.type, OWL.InverseFunctionalProperty) in tbox:
        raise Rebuild("the ontology has inverse-functional properties, whose entailments are not local")
    out = set(tbox.subjects(RDF.type, OWL.TransitiveProperty))
    for _prop, head in tbox.subject_objects(OWL.propertyChainAxiom):
        steps = list(Collection(tbox, head))
        out.update(s for s in steps[:-1] if isinstance(s, URIRef))
    return {p for p in out if isinstance(p, URIRef)}


_NESTED = (SH.node, SH.qualifiedValueShape, SH["not"])
_LISTS = (SH["or"], SH["and"], SH.xone)


def shape_reach(shapes: Graph) -> tuple[int, bool]:
    """How many hops of outgoing triples from a focus node the shapes read (1: the node's own triples;
    2: its values' triples too), and whether all they read of the values is their types (``sh:class``):
    then only the values' ``rdf:type`` triples are fetched, not their whole outgoing triples (a country
    is the value of many nodes and has many triples). Raises :class:`Rebuild` for paths that are not
    a plain predicate (inverse, sequence, alternative paths read incoming or deeper triples)."""
    beyond_types: list = []

    def node_depth(shape, seen) -> int:
        if shape in seen:
            return 0
        seen = seen | {shape}
        depth = 0
        for nested in (o for p in _NESTED for o in shapes.objects(shape, p)):
            depth = max(depth, node_depth(nested, seen))
        for p in _LISTS:
            for head in shapes.objects(shape, p):
                for member in Collection(shapes, head):
                    depth = max(depth, node_depth(member, seen))
        for prop in shapes.objects(shape, SH.property):
            depth = max(depth, property_depth(prop, seen))
        if (shape, SH.path, None) in shapes:
            depth = max(depth, property_depth(shape, seen))
        for constraint in shapes.objects(shape, SH.sparql):
            text = str(shapes.value(constraint, SH.select) or "")
            body = text[text.find("{") + 1 : text.rfind("}")]
            lines = [ln.strip() for ln in body.splitlines()]
            patterns = [ln for ln in lines if ln and not ln.startswith(("BIND", "FILTER"))]
            if not all(ln.startswith("$this") for ln in patterns):
                raise Rebuild(f"the SPARQL constraint {constraint} reads beyond its focus node's triples")
            depth = max(depth, 1)
        return depth

    def property_depth(prop, seen) -> int:
        path = shapes.value(prop, SH.path)
        if not isinstance(path, URIRef):
            raise Rebuild(f"the shape {prop} has a complex path ({path}), which reads beyond a neighbourhood")
        values = 1 if (prop, SH["class"], None) in shapes else 0
        nested = [o for p in _NESTED for o in shapes.objects(prop, p)]
        nested += [m for p in _LISTS for head in shapes.objects(prop, p) for m in Collection(shapes, head)]
        for shape in nested:
            inner = node_depth(shape, seen)
            if inner:
                beyond_types.append(shape)  # reads the values' own triples, not only their types
            values = max(values, inner)
        return 1 + values

    shape_nodes = set(shapes.subjects(RDF.type, SH.NodeShape))
    shape_nodes |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    depth = max((node_depth(s, frozenset()) for s in shape_nodes), default=1)
    return depth, not beyond_types


def shape_depth(shapes: Graph) -> int:
    """The number of hops of :func:`shape_reach`."""
    return shape_reach(shapes)[0]


# ---------------------------------------------------------------------------------------------
# Terms and triples


def _nodes(triples: Iterable[tuple], skip: set) -> set:
    out = set()
    for s, _p, o in triples:
        for t in (s, o):
            if not isinstance(t, Literal) and t not in skip:
                out.add(t)
    return out


def _canonical(graph: Graph) -> Graph:
    """``graph`` with its literals as the store holds them: Oxigraph keeps numbers by value
    (``207000000.0`` becomes ``207000000``), so an addition that restates an old fact compares equal to
    it instead of giving a functional property a second value."""
    import pyoxigraph as ox

    store = ox.Store()
    store.extend(quad(t) for t in graph)
    out = Graph()
    for q in store:
        out.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return out


class _Reader:
    """Look-ups in the store and its validation delta (read-only, or in memory for a fresh delta)."""

    def __init__(self, store, delta) -> None:
        self.store = store
        self.delta = delta

    def close(self) -> None:
        """Drop the read-only handles (a commit opens the databases for writing)."""
        self.store = self.delta = None

    def star(self, node, predicates: Iterable[URIRef] | None = None) -> list[tuple]:
        """The outgoing triples of ``node`` (with one of ``predicates``, when given)."""
        import pyoxigraph as ox

        out = []
        for p in [None] if predicates is None else [to_oxigraph(p) for p in predicates]:
            for q in self.store.quads_for_pattern(to_oxigraph(node), p, None, ox.DefaultGraph()):
                out.append((node, to_rdflib(q.predicate), to_rdflib(q.object)))
        return out

    def incoming(self, node, predicates: set[URIRef]) -> list[tuple]:
        import pyoxigraph as ox

        out = []
        for p in predicates:
            for q in self.store.quads_for_pattern(None, to_oxigraph(p), to_oxigraph(node), ox.DefaultGraph()):
                out.append((to_rdflib(q.subject), p, node))
        return out

    def delta_star(self, node, graph: str) -> list[tuple]:
        import pyoxigraph as ox

        return [
            (node, to_rdflib(q.predicate), to_rdflib(q.object))
            for q in self.delta.quads_for_pattern(to_oxigraph(node), None, None, ox.NamedNode(graph))
        ]

    def in_store(self, triple) -> bool:
        return quad(triple) in self.store

    def in_delta(self, triple, graph: str) -> bool:
        return quad(triple, graph) in self.delta

    def in_validation(self, triple) -> bool:
        """Is ``triple`` in the validation closure of the old data?"""
        if self.in_delta(triple, VALIDATION_ONLY):
            return True
        return self.in_store(triple) and not self.in_delta(triple, QUERY_ONLY)


# ---------------------------------------------------------------------------------------------
# Reasoning


def _copy(graph: Graph) -> Graph:
    out = Graph()
    out += graph
    return out


def _reason(graph: Graph, reasoner: str, validation: bool) -> Graph:
    from laborkg.pipeline.reason import owl_rl_closure

    graph = _copy(graph)
    if validation:
        graph.remove((None, RDFS.domain, None))
        graph.remove((None, RDFS.range, None))
    return owl_rl_closure(graph, reasoner=reasoner)


# ---------------------------------------------------------------------------------------------
# Adding


def _tbox(manifest: dict, reasoner: str) -> tuple[Graph, Graph]:
    """The closure of the ontology alone, for queries and for validation (without domains and ranges),
    cached beside reason.py's closures: every ``add`` starts from them (reasoning over a closure again
    gives the same closure). Refused if the ontology changed since the store was built."""
    from laborkg.pipeline.reason import cache_dir, inputs_key

    files = paths.ontology_files()
    recorded = {e["file"]: e["sha256"] for e in manifest["inputs"]["files"]}
    for f in files:
        entry = file_entry(f)
        if recorded.get(entry["file"]) != entry["sha256"]:
            raise Rebuild(f"the ontology ({entry['file']}) changed since the store was built")
    out = []
    for mode, validation in (("tbox-query", False), ("tbox-validation", True)):
        cached = cache_dir() / f"incremental-{mode}-{inputs_key(files, mode, reasoner)}.nt"
        graph = Graph()
        try:
            graph.parse(cached, format="nt")
        except Exception:  # missing or damaged: recomputed
            graph = _reason(load(files), reasoner, validation)
            try:
                write_atomic(cached, graph.serialize(format="nt", encoding="utf-8"))
            except OSError:
                pass
        out.append(graph)
    return out[0], out[1]


def _check(graph: Graph, focus: set, shapes: Graph, checks: list[Path], seeds_dir: Path | None = None):
    """Validate ``graph`` (a neighbourhood) as build does, keeping the violations about ``focus`` nodes."""
    import pyoxigraph as ox

    focus_text = {str(f) for f in focus}
    iris = [f for f in focus if isinstance(f, URIRef)]
    found = shacl_violations(graph, shapes, focus_nodes=iris if len(iris) == len(focus) else None)
    store = ox.Store()  # the violation queries run on pyoxigraph, as build runs them
    store.extend(quad(t) for t in graph)
    found += oxigraph_check_violations(store, checks)
    found += quote_violations(graph, seeds_dir)
    return ValidationReport(sorted({v for v in found if v.focus in focus_text}, key=violation_key))


def add(
    directory: Path | str,
    files: Iterable[Path | str],
    progress: Callable[[str], None] | None = None,
    rebuild: bool = True,
) -> dict:
    """Add the RDF ``files`` to the store in ``directory``; return a summary (``triples_added``,
    ``neighbourhood``, ``focus_nodes``, ``rebuilt``, ``manifest``).

    Malformed input raises :class:`InputError` (exit 2) and an addition that does not conform raises
    :class:`~laborkg.store.build.NotConforming` (exit 1); both leave the store as it was. An addition whose
    entailments are not local (docs/architecture.md) rebuilds the store from its inputs plus
    ``files`` when ``rebuild`` (else raises :class:`Rebuild`)."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    new_files = expand_paths(files)
    if not new_files:
        raise InputError("give at least one file to add")
    addition = _canonical(load(new_files))  # all-or-nothing; ParseError names file and line
    with locked(directory):
        if recover(directory):
            say(progress, "finished an interrupted addition first")
        manifest = read_manifest(directory)
        clean_stale(directory)
        try:
            return _add(directory, manifest, new_files, addition, progress)
        except Rebuild as why:
            if not rebuild:
                raise
            return _rebuild(directory, manifest, new_files, str(why), progress)


def _rebuild(directory: Path, manifest: dict, new_files: list[Path], why: str, progress) -> dict:
    old = inputs_unchanged(manifest)
    if old is None:
        raise InputError(
            f"cannot add incrementally ({why}), and the files {directory} was built from have changed or "
            "gone, so it cannot be rebuilt with the addition: rebuild it with laborkg build"
        )
    if manifest.get("sources"):
        raise InputError(
            f"cannot add incrementally ({why}), and rebuilding {directory} from its input files would drop "
            f"what was ingested into it ({', '.join(sorted(manifest['sources']))}): rebuild it with laborkg "
            "build --data (old files + new) and ingest again"
        )
    say(progress, f"cannot add incrementally ({why}): rebuilding the store from its inputs")
    ontology = set(paths.ontology_files())
    data = [f for f in old if f not in ontology] + new_files
    before = manifest["triples"]
    new_manifest = build(
        directory, data=data, reasoner=manifest["reasoner"]["name"], progress=progress, lock=False
    )
    return {
        "triples_added": new_manifest["triples"] - before,
        "neighbourhood": None,
        "focus_nodes": None,
        "rebuilt": why,
        "manifest": new_manifest,
    }


def _add(directory: Path, manifest: dict, new_files: list[Path], addition: Graph, progress) -> dict:
    import pyoxigraph as ox

    from laborkg.pipeline.reason import reasoner_name

    # Reason over the subgraph with the reasoner laborkg picks for a graph of its size
    # (reason.reasoner_name; $LABORKG_REASONER decides), whichever reasoner built the store: on
    # laborkg's instances they give the same triples (reason.py; tests compare them with owlrl).
    reasoner = reasoner_name(None, LOCAL_TRIPLES)
    tbox_q, tbox_v = _tbox(manifest, reasoner)
    schema = [
        t for t in addition if t[1] in _SCHEMA_PREDICATES or (t[1] == RDF.type and t[2] in _SCHEMA_TYPES)
    ]
    if schema:
        raise Rebuild(f"the addition carries schema axioms ({schema[0][0]} {schema[0][1].n3()} …)")
    joins = join_predicates(tbox_q)
    shapes = shapes_graph()
    depth, types_only = shape_reach(shapes)
    depth = max(depth, QUOTE_CHECK_DEPTH)
    # at the last hop: the values' types (sh:class, the dangling-reference check) and the documents'
    # file names (quote check), unless the shapes read more of the values
    value_predicates = {RDF.type, LKG.fileName} if types_only and depth == 2 else None
    schema_terms = set(tbox_q.subjects())
    ill_typed = ill_typed_violations(addition)
    if ill_typed:  # owlrl finds them inconsistent: a violation, before any reasoning
        raise NotConforming(ValidationReport(ill_typed))

    delta_present = (directory / DELTA).is_dir()
    if delta_present:
        delta = ox.Store.read_only(str(directory / DELTA))
        fresh = None
    else:
        say(progress, "first addition: computing the validation delta from the store's inputs")
        delta = fresh = compute_delta(manifest, directory)
    store = ox.Store.read_only(str(directory / DATABASE))
    reader = _Reader(store, delta)

    neighbourhood = Graph()  # old triples, as the store holds them (query closure)
    checked_old = Graph()  # the same nodes' triples in the validation closure
    fetched: set = set()

    def fetch(nodes) -> None:
        for n in nodes:
            if n in fetched:
                continue
            fetched.add(n)
            star = reader.star(n)
            for t in star + reader.incoming(n, joins):
                neighbourhood.add(t)
            query_only = set(reader.delta_star(n, QUERY_ONLY))
            for t in star:
                if t not in query_only:
                    checked_old.add(t)
            for t in reader.incoming(n, joins):
                if reader.in_validation(t):
                    checked_old.add(t)
            for t in reader.delta_star(n, VALIDATION_ONLY):
                checked_old.add(t)
        if len(fetched) > MAX_NODES:
            raise Rebuild(f"its neighbourhood exceeds {MAX_NODES} nodes")

    frontier = _nodes(addition, schema_terms)
    while True:
        fetch(frontier)
        local = tbox_q + addition + neighbourhood
        new_q = {t for t in _reason(local, reasoner, False) if t not in tbox_q and t not in neighbourhood}
        new_q = {t for t in new_q if not reader.in_store(t)}
        local_v = tbox_v + addition + checked_old
        closure_v = _reason(local_v, reasoner, True)
        new_v = {t for t in closure_v if t not in tbox_v and t not in checked_old}
        new_v = {t for t in new_v if not reader.in_validation(t)}
        inconsistent = _inconsistencies(new_q | new_v)
        if inconsistent:
            reader.close()
            raise NotConforming(ValidationReport(inconsistent))
        # blank nodes the reasoner made are new (owlrl makes fresh ones each time): nothing to fetch
        frontier = {n for n in _nodes(new_q | new_v, schema_terms) if not isinstance(n, BNode)} - fetched
        if not frontier:
            break
    same = [t for t in new_q | new_v if t[1] == OWL.sameAs and t[0] != t[2]]
    if same:
        raise Rebuild(
            f"it makes {same[0][0]} and {same[0][2]} the same (owl:sameAs), which reaches all their triples"
        )

    # Validation: the focus nodes' triples and their values' triples, in the validation closure
    focus = {t[0] for t in addition} | {t[0] for t in new_v}
    focus -= schema_terms
    graph = Graph()
    graph += closure_v
    level = set(focus)
    for _ in range(depth - 1):
        values = {o for f in level for o in graph.objects(f, None) if not isinstance(o, Literal)}
        values -= schema_terms
        if value_predicates is None:
            fetch(values)
        else:
            for n in values - fetched:
                for t in reader.star(n, value_predicates) + reader.delta_star(n, VALIDATION_ONLY):
                    if t[1] in value_predicates and reader.in_validation(t):
                        graph.add(t)
        level = values
    for n in fetched:  # old nodes reached only now: their validation-closure triples
        for t in checked_old.triples((n, None, None)):
            graph.add(t)
    say(progress, f"validating {len(focus)} focus nodes in a neighbourhood of {len(graph)} triples")
    report = _check(graph, focus, shapes, check_files())
    stats = {"neighbourhood": len(neighbourhood), "validated": len(graph), "focus_nodes": len(focus)}
    if not report.conforms:
        reader.close()
        raise NotConforming(report)

    # The delta's updates (docs/architecture.md, the validation delta)
    q_add = [t for t in new_q if not reader.in_delta(t, VALIDATION_ONLY) and t not in new_v]
    v_remove = [t for t in new_q if reader.in_delta(t, VALIDATION_ONLY)]
    q_remove = [t for t in new_v if reader.in_store(t)]  # in the store, so in QUERY_ONLY until now
    v_add = [t for t in new_v if not reader.in_store(t) and t not in new_q]
    reader.close()
    del store, delta  # the read-only handles: the commit opens the databases for writing

    entries = [file_entry(f) for f in new_files]
    new_manifest = json.loads(json.dumps(manifest))
    new_manifest["triples"] = manifest["triples"] + len(new_q)
    new_manifest["inputs"]["files"] += entries
    new_manifest.setdefault("additions", []).append(
        {
            "added": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "files": [e["file"] for e in entries],
            "asserted": len(addition),
            "triples": len(new_q),
            **stats,
        }
    )
    journal = {
        "manifest": new_manifest,
        "old_manifest": manifest,
        "delta_was_present": delta_present,
        "store": triples_json(new_q),
        "delta": {
            QUERY_ONLY: {"add": triples_json(q_add), "remove": triples_json(q_remove)},
            VALIDATION_ONLY: {"add": triples_json(v_add), "remove": triples_json(v_remove)},
        },
    }
    _commit(directory, journal, fresh)
    say(progress, f"added {len(new_q)} triples to {directory}")
    return {"triples_added": len(new_q), **stats, "rebuilt": None, "manifest": new_manifest}


def _commit(directory: Path, journal: dict, fresh) -> None:
    """Write the addition into a copy of the store made beside it and swap the copy into place
    (:func:`~laborkg.atomic.replace_directory`): the database, the validation delta and the manifest
    change together, at one instant, whenever the addition is killed. The databases are copied as
    RocksDB checkpoints (hard links to their immutable files: little is written)."""
    import pyoxigraph as ox

    target = directory.resolve()  # a symbolic link to the store keeps pointing at it
    work = aside_name(target, "adding")
    work.mkdir()
    try:
        databases = [DATABASE] if fresh is not None else [DATABASE, DELTA]
        for name in databases:
            ox.Store.read_only(str(directory / name)).backup(str(work / name))
        for entry in directory.iterdir():
            if entry.name not in (DATABASE, DELTA, MANIFEST, JOURNAL):
                (shutil.copytree if entry.is_dir() else shutil.copy2)(entry, work / entry.name)
        apply_journal(work, journal, fresh)
        replace_directory(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _inconsistencies(triples: Iterable[tuple]) -> list[Violation]:
    """owlrl's reports of an inconsistency (``[] a err:ErrorMessage ; err:error "…"``) among
    ``triples``, as violations."""
    messages = {o for _s, p, o in triples if p == _ERR.error}
    return [
        Violation(
            focus="(the addition)", path=None, component="owlrl:inconsistency", shape=None, message=str(m)
        )
        for m in sorted(messages)
    ]


_ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")  # owlrl's vocabulary for errors


__all__ = ["add", "join_predicates", "shape_depth", "shape_reach", "Rebuild", "MAX_NODES"]

"""laborkg's own OWL 2 RL materialiser: owlrl's closure, tidied as laborkg keeps it, computed in stages;
what it does not implement raises :class:`Unsupported` before the graph is touched."""

from __future__ import annotations

import gc
import re
from collections import defaultdict, deque
from typing import Any, cast

from owlrl.AxiomaticTriples import OWLRL_Datatypes_Disjointness
from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.OWLRL import OWLRL_Annotation_properties
from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions, OWL_RL_Datatypes
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.plugins.stores.memory import Memory

__all__ = ["Unsupported", "fits_datatype", "materialise"]

_NOISE_PREDICATES = (
    OWL.sameAs,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
)

# Predicates owlrl has rules for that this module does not implement: their presence means fall back.
_UNSUPPORTED_PREDICATES = frozenset(
    {
        OWL.intersectionOf,
        OWL.unionOf,
        OWL.complementOf,
        OWL.oneOf,
        OWL.someValuesFrom,
        OWL.allValuesFrom,
        OWL.hasValue,
        OWL.maxCardinality,
        OWL.maxQualifiedCardinality,
        OWL.hasKey,
        OWL.propertyDisjointWith,
        OWL.sourceIndividual,
        OWL.differentFrom,
    }
)
# Classes whose instances owlrl's rules react to. Declared in the data or the ontology they are read by the
# schema stage; entailed through a subclass, domain or range axiom they would change the schema
# while the instances are reasoned about, so that means fall back.
_META_CLASSES = frozenset(
    {
        OWL.Class,
        RDFS.Class,
        RDF.Property,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.FunctionalProperty,
        OWL.InverseFunctionalProperty,
        OWL.IrreflexiveProperty,
        OWL.SymmetricProperty,
        OWL.AsymmetricProperty,
        OWL.TransitiveProperty,
        OWL.AllDifferent,
        OWL.AllDisjointClasses,
        OWL.AllDisjointProperties,
        OWL.Nothing,
    }
)
_UNSUPPORTED_TYPES = frozenset(
    {
        OWL.InverseFunctionalProperty,
        OWL.IrreflexiveProperty,
        OWL.AsymmetricProperty,
        OWL.AllDifferent,
        OWL.AllDisjointClasses,
        OWL.AllDisjointProperties,
        OWL.Nothing,
    }
)
# Vocabulary the rules read: never allowed in a property's moves, domain or range (docs/architecture.md).
_ACTIVE = (
    frozenset(
        {
            RDF.type,
            RDF.first,
            RDF.rest,
            OWL.sameAs,
            RDFS.subClassOf,
            OWL.equivalentClass,
            RDFS.subPropertyOf,
            OWL.equivalentProperty,
            RDFS.domain,
            RDFS.range,
            OWL.inverseOf,
            OWL.propertyChainAxiom,
            OWL.disjointWith,
            OWL.onProperty,
            OWL.onClass,
            OWL.members,
            OWL.distinctMembers,
            OWL.assertionProperty,
            OWL.targetIndividual,
            OWL.targetValue,
        }
    )
    | _UNSUPPORTED_PREDICATES
)


class Unsupported(Exception):
    """The graph needs a rule this materialiser does not implement (or owlrl would report an
    inconsistency): compute the closure with owlrl instead."""


def _closure(pairs: set) -> dict:
    """The irreflexive transitive closure of a relation given as (a, b) pairs: a -> {c reachable, c != a}."""
    succ = defaultdict(set)
    for a, b in pairs:
        if a != b:
            succ[a].add(b)
    out = {}
    for start in list(succ):
        seen = set()
        stack = list(succ[start])
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            stack.extend(succ.get(n, ()))
        seen.discard(start)
        out[start] = seen
    return out


def _read_list(first: dict, rest: dict, head, nil) -> list:
    """The members of an rdf:List, or :class:`Unsupported` if it is not a well-formed list."""
    items, seen = [], set()
    while head != nil:
        if head in seen or len(first.get(head, ())) != 1 or len(rest.get(head, ())) != 1:
            raise Unsupported("a property chain is not a well-formed rdf:List")
        seen.add(head)
        items.append(next(iter(first[head])))
        head = next(iter(rest[head]))
    return items


def _memory_context(graph: Graph) -> str | None:
    """The context key under which rdflib's default in-memory store holds ``graph``, when the store holds
    that graph alone and nobody listens to its events: then its indexes are read and written directly
    (the entries ``Memory.add`` makes, without its per-triple event and context bookkeeping, which is
    faster). ``None`` otherwise: the public API is used."""
    store: Any = graph.store  # rdflib's Memory store: its private indexes, read directly
    if type(store) is not Memory or type(graph) is not Graph:
        return None
    store = cast(Any, store)  # (the type test narrowed it to Memory, whose private names mypy rejects)
    ident = graph.identifier
    ctx = f"{type(ident).__name__}:{ident}"
    try:
        alone = (
            store._Memory__defaultContexts == {ctx: False, None: False}
            and not store._Memory__tripleContexts
            and set(store._Memory__contextTriples) <= {None, ctx}
            and isinstance(store._Memory__spo, dict)
            and isinstance(store._Memory__pos, dict)
            and isinstance(store._Memory__osp, dict)
            and not store.dispatcher.get_map()
        )
    except AttributeError:  # another rdflib version: the public API it is
        return None
    return ctx if alone else None


def _add(graph: Graph, new: list, noise: list) -> None:
    """Remove ``noise`` from ``graph`` and add ``new`` (triples it does not hold): on rdflib's in-memory
    store holding this graph alone (see :func:`_memory_context`), straight into its indexes."""
    for t in noise:
        graph.remove(t)
    ctx = _memory_context(graph)
    if ctx is None:
        for t in new:
            graph.add(t)
        return
    store: Any = graph.store
    spo, pos, osp = store._Memory__spo, store._Memory__pos, store._Memory__osp
    every, mine = store._Memory__contextTriples[None], store._Memory__contextTriples[ctx]
    for t in new:
        s, p, o = t
        x = spo.get(s)
        if x is None:
            x = spo[s] = {}
        y = x.get(p)
        if y is None:
            y = x[p] = {}
        if o in y:
            continue
        y[o] = 1
        x = pos.get(p)
        if x is None:
            x = pos[p] = {}
        y = x.get(o)
        if y is None:
            y = x[o] = {}
        y[s] = 1
        x = osp.get(o)
        if x is None:
            x = osp[o] = {}
        y = x.get(s)
        if y is None:
            y = x[s] = {}
        y[p] = 1
        every.add(t)
        mine.add(t)


class _Input:
    """The asserted graph with its terms numbered: everything below works on small integers."""

    def __init__(self, graph: Graph) -> None:
        self.ids: dict = {}
        self.terms: list = []
        for t in (RDF.type, OWL.sameAs, *_NOISE_PREDICATES):
            self.num(t)
        TYPE, SAME = self.ids[RDF.type], self.ids[OWL.sameAs]
        noise_ids = {self.ids[p] for p in _NOISE_PREDICATES}
        self.noise = []  # asserted triples laborkg's tidying drops
        self.edges: dict = defaultdict(set)  # predicate -> {(s, o)}, every predicate but rdf:type
        self.types: dict = defaultdict(set)  # node -> {class}
        ids, terms, edges, types = self.ids, self.terms, self.edges, self.types
        get = ids.get
        if _memory_context(graph) is not None:
            by_subject = ((s, po.items()) for s, po in cast(Any, graph.store)._Memory__spo.items())
        else:
            index: dict = defaultdict(lambda: defaultdict(list))
            for s, p, o in graph:
                index[s][p].append(o)
            by_subject = ((s, po.items()) for s, po in index.items())
        for s, po in by_subject:
            si = get(s)
            if si is None:
                si = ids[s] = len(terms)
                terms.append(s)
            if isinstance(s, Literal):
                raise Unsupported("a triple has a literal subject")
            for p, objects in po:
                pi = get(p)
                if pi is None:
                    if isinstance(p, BNode):
                        raise Unsupported("a triple has a blank-node predicate (owlrl drops those)")
                    pi = ids[p] = len(terms)
                    terms.append(p)
                target = types[si] if pi == TYPE else None
                pairs = edges[pi] if target is None else None
                for o in objects:
                    oi = get(o)
                    if oi is None:
                        oi = ids[o] = len(terms)
                        terms.append(o)
                    if pairs is not None:
                        pairs.add((si, oi))
                    elif target is not None:
                        target.add(oi)
                    if si == oi and pi in noise_ids:
                        self.noise.append((s, p, o))
        if SAME in types or any(SAME in cs for cs in types.values()):
            raise Unsupported("the graph says something about owl:sameAs")
        if any(si != oi for si, oi in edges.get(SAME, ())):
            raise Unsupported("the graph uses owl:sameAs, which laborkg's reasoner does not implement")
        for pairs in edges.values():
            for si, oi in pairs:
                if si == SAME or oi == SAME:
                    raise Unsupported("the graph says something about owl:sameAs")
        for p in _UNSUPPORTED_PREDICATES:
            if edges.get(ids.get(p, -1)):
                raise Unsupported(f"the graph uses {p.n3()}, which laborkg's reasoner does not implement")
        self.is_literal = [isinstance(t, Literal) for t in terms]

    def num(self, term) -> int:
        i = self.ids.get(term)
        if i is None:
            i = self.ids[term] = len(self.terms)
            self.terms.append(term)
            if hasattr(self, "is_literal"):
                self.is_literal.append(isinstance(term, Literal))
        return i


_DATATYPES = frozenset(OWL_RL_Datatypes)
# The integer datatypes, by the sign a value of unbounded size may have (True: any sign); the others
# are bounded (xsd:long and narrower), so a very long number is out of their range.
_UNBOUNDED_INTEGERS = {
    XSD.integer: True,
    XSD.nonNegativeInteger: False,
    XSD.positiveInteger: False,
    XSD.nonPositiveInteger: True,
    XSD.negativeInteger: True,
}
_BOUNDED_INTEGERS = frozenset(
    {XSD.long, XSD.int, XSD.short, XSD.byte, XSD.unsignedLong, XSD.unsignedInt}
    | {XSD.unsignedShort, XSD.unsignedByte}
)
_INTEGER_FORM = re.compile(r"^\s*([+-]?)0*(\d+)\s*$")
_LONG_DIGITS = 1000  # Python's int() refuses more than sys.get_int_max_str_digits() (4300), and is slow


def fits_datatype(literal: Literal) -> bool:
    """Does ``literal``'s lexical form fit its datatype, as owlrl judges it (an OWL RL datatype it
    cannot convert is an inconsistency)? Literals of other datatypes fit. An integer of any length is
    judged by its form and sign, not converted (owlrl's ``int()`` refuses more than 4,300 digits)."""
    dt = literal.datatype
    if dt not in _DATATYPES:
        return True
    text = str(literal)
    if dt in _UNBOUNDED_INTEGERS or dt in _BOUNDED_INTEGERS:
        m = _INTEGER_FORM.match(text)
        if m and len(m[2]) > _LONG_DIGITS:
            if dt in _BOUNDED_INTEGERS:
                return False
            negative = m[1] == "-"
            return negative if dt in (XSD.nonPositiveInteger, XSD.negativeInteger) else not negative
        if m:
            text = m[1] + m[2]  # leading zeros gone: int() sees at most _LONG_DIGITS digits
        elif len(text) > _LONG_DIGITS:
            return False  # not an integer's form (int() would say so, slowly)
    try:
        AltXSDToPYTHON.get(dt, str)(text)
    except Exception:  # owlrl reports a ValueError as an inconsistency (and crashes on others)
        return False
    return True


def _datatype_triples(g: _Input) -> list:
    """owlrl's one-time datatype rules (dt-type1, dt-type2, dt-not-type and its datatype subsumptions and
    disjointness), as ``OWLRL_Semantics._one_time_rules_datatypes`` applies them to the input graph."""
    out = []
    implicit = {
        t: t.datatype
        for t, lit in zip(g.terms, g.is_literal, strict=True)
        if lit and t.datatype in _DATATYPES
    }
    used = set(implicit.values())
    for lt, dt in implicit.items():
        out.append((lt, RDF.type, dt))
        if not fits_datatype(lt):
            raise Unsupported(f"the literal {lt.n3()} does not fit its datatype")
    explicit = defaultdict(set)
    datatype_ids = {g.ids[dt] for dt in _DATATYPES if dt in g.ids}
    for x, cs in g.types.items():
        for c in cs & datatype_ids:
            used.add(g.terms[c])
            explicit[g.terms[x]].add(g.terms[c])
    out += [(dt, RDF.type, RDFS.Datatype) for dt in OWL_RL_Datatypes]
    out += [(dt, RDF.type, RDFS.Datatype) for dts in explicit.values() for dt in dts]

    def subsumptions(r, dt):
        for new_dt in OWL_Datatype_Subsumptions.get(dt, ()):
            out.append((r, RDF.type, new_dt))
            out.append((new_dt, RDF.type, RDFS.Datatype))
            used.add(new_dt)

    for r, dts in explicit.items():
        for dt in dts:
            subsumptions(r, dt)
    for r, dt in implicit.items():
        subsumptions(r, dt)
    out += [t for t in OWLRL_Datatypes_Disjointness if t[0] in used and t[2] in used]
    return out


def _one_time_triples(g: _Input) -> list:
    """What owlrl adds before its first cycle: cls-thing, cls-nothing1, prp-ap and the datatype rules."""
    out = [(OWL.Thing, RDF.type, OWL.Class), (OWL.Nothing, RDF.type, OWL.Class)]
    out += [(a, RDF.type, OWL.AnnotationProperty) for a in OWLRL_Annotation_properties]
    return out + _datatype_triples(g)


def materialise(graph: Graph) -> None:
    """Expand ``graph`` in place with its OWL RL closure, tidied (docs/architecture.md): the triples
    owlrl would add and laborkg would keep, and the asserted noise laborkg drops removed.

    Raises :class:`Unsupported`, leaving ``graph`` untouched, where owlrl must be used instead."""
    collecting = gc.isenabled()
    gc.disable()  # the work allocates hundreds of thousands of small objects and frees none of them
    try:
        _materialise(graph)
    finally:
        if collecting:
            gc.enable()


def _materialise(graph: Graph) -> None:
    g = _Input(graph)
    num, terms = g.num, g.terms
    new = []  # the triples to add
    one_time_types = defaultdict(set)
    for t in _one_time_triples(g):
        s, p, o = t
        if p == RDF.type:
            one_time_types[num(s)].add(num(o))
        elif (num(s), num(o)) not in g.edges[num(p)]:
            g.edges[num(p)].add((num(s), num(o)))
            new.append(t)
    meta = {num(c) for c in _META_CLASSES}
    schema_types: dict = defaultdict(set)  # node -> the classes of _META_CLASSES it is an instance of
    for table in (g.types, one_time_types):
        for x, cs in table.items():
            if cs & meta:
                schema_types[x] |= cs & meta
    while True:
        types, derived, tables = _reason(g, one_time_types, schema_types)
        more = [
            (x, cs & meta)
            for x, cs in types.items()
            if cs & meta and not cs & meta <= schema_types.get(x, set())
        ]
        if not more:
            break
        for x, cs in more:  # instances entailed to be classes, symmetric properties, …: reason again
            schema_types[x] |= cs
        for s, q, o in derived:
            g.edges[q].discard((s, o))

    # What owlrl adds and laborkg keeps: no triple about a literal, nothing reflexive that is noise.
    is_literal, TYPE = g.is_literal, g.ids[RDF.type]
    tp = terms[TYPE]
    for x, cs in types.items():
        if is_literal[x]:
            continue
        sx = terms[x]
        have = g.types.get(x, ())
        new.extend((sx, tp, terms[c]) for c in cs if c not in have)
    new.extend((terms[s], terms[p], terms[o]) for s, p, o in derived if not is_literal[s])
    for rel, pairs in tables:
        tr, have = terms[num(rel)], g.edges.get(num(rel), ())
        new.extend((terms[a], tr, terms[b]) for a, b in pairs if not is_literal[a] and (a, b) not in have)
    noise = g.noise
    del g, num, types, derived, tables
    _add(graph, new, noise)


def _reason(g: _Input, one_time_types: dict, schema_types: dict) -> tuple:
    """Stages 1–3 (docs/architecture.md) given which nodes are classes, symmetric properties, …:
    (node -> its classes, the edges entailed as (s, p, o), the schema triples as (predicate, pairs))."""
    ids, terms, edges, num = g.ids, g.terms, g.edges, g.num
    SCO, EQC, SPO, EQP, DOM, RNG, INV, CHAIN, FIRST, REST, NIL, DISJ = map(
        num,
        (
            RDFS.subClassOf,
            OWL.equivalentClass,
            RDFS.subPropertyOf,
            OWL.equivalentProperty,
            RDFS.domain,
            RDFS.range,
            OWL.inverseOf,
            OWL.propertyChainAxiom,
            RDF.first,
            RDF.rest,
            RDF.nil,
            OWL.disjointWith,
        ),
    )
    THING, NOTHING = num(OWL.Thing), num(OWL.Nothing)
    unsupported_types = {num(c) for c in _UNSUPPORTED_TYPES}

    def having(cls) -> set:
        c = num(cls)
        return {x for x, cs in schema_types.items() if c in cs}

    # ---- 1. schema
    classes = having(OWL.Class)
    sco_pairs = set(edges.get(SCO, ()))
    sco_pairs |= {(b, a) for a, b in edges.get(EQC, ())} | set(edges.get(EQC, ()))
    sco_pairs |= {(c, THING) for c in classes} | {(NOTHING, c) for c in classes}
    sup_c = _closure(sco_pairs)
    spo_pairs = set(edges.get(SPO, ())) | set(edges.get(EQP, ())) | {(b, a) for a, b in edges.get(EQP, ())}
    sup_p = _closure(spo_pairs)

    def up(cs) -> set:
        out = set(cs)
        for c in cs:
            out.update(sup_c.get(c, ()))
        return out

    def widened(rel: int) -> dict:
        """scm-dom1/2 (or scm-rng1/2): p -> every class its domain (range) entails."""
        direct = defaultdict(set)
        for p, c in edges.get(rel, ()):
            direct[p].add(c)
        out = {}
        for p in set(direct) | {p for p in sup_p if any(q in direct for q in sup_p[p])}:
            cs = set(direct.get(p, ()))
            for q in sup_p.get(p, ()):
                cs.update(direct.get(q, ()))
            out[p] = up(cs)
        return out

    dom, rng = widened(DOM), widened(RNG)
    symmetric, transitive = having(OWL.SymmetricProperty), having(OWL.TransitiveProperty)
    functional = having(OWL.FunctionalProperty)
    inverse = defaultdict(set)
    for a, b in edges.get(INV, ()):
        inverse[a].add(b)
        inverse[b].add(a)
    first, rest = defaultdict(set), defaultdict(set)
    for s, o in edges.get(FIRST, ()):
        first[s].add(o)
    for s, o in edges.get(REST, ()):
        rest[s].add(o)
    chains = []
    for prop, head in edges.get(CHAIN, ()):
        steps = _read_list(first, rest, head, NIL)
        if not all(isinstance(terms[s], URIRef) for s in steps):
            raise Unsupported("a property chain has a step that is not an IRI")
        if steps:
            chains.append((prop, steps))

    active = {ids[t] for t in _ACTIVE if t in ids}
    in_tables = set(sup_p) | {q for qs in sup_p.values() for q in qs} | set(inverse) | symmetric | transitive
    in_tables |= (
        functional | set(dom) | set(rng) | {p for p, _ in chains} | {s for _, st in chains for s in st}
    )
    if in_tables & active:
        names = ", ".join(sorted(terms[i].n3() for i in in_tables & active))
        raise Unsupported(f"the graph gives property axioms to the vocabulary the rules read ({names})")

    # ---- 2. edges
    moves: dict = {}  # p -> ((q, flipped), ...): the triples one triple of p entails, itself included

    def moves_of(p) -> tuple:
        m = moves.get(p)
        if m is None:
            seen = {(p, False)}
            stack = [(p, False)]
            while stack:
                q, f = stack.pop()
                nxt = [(q2, f) for q2 in sup_p.get(q, ())] + [(q2, not f) for q2 in inverse.get(q, ())]
                if q in symmetric:
                    nxt.append((q, not f))
                for n in nxt:
                    if n not in seen:
                        seen.add(n)
                        stack.append(n)
            m = moves[p] = tuple(seen)
        return m

    chain_steps = defaultdict(list)  # step property -> [(chain property, steps, position)]
    for prop, steps in chains:
        for i, step in enumerate(steps):
            chain_steps[step].append((prop, steps, i))
    joined = transitive | set(chain_steps)
    out_idx: dict = {q: defaultdict(set) for q in joined}  # q -> s -> {o}
    in_idx: dict = {q: defaultdict(set) for q in joined}  # q -> o -> {s}
    queue: deque = deque()
    derived = []  # (s, p, o) edges entailed
    for q in joined:
        for s, o in edges.get(q, ()):
            out_idx[q][s].add(o)
            in_idx[q][o].add(s)
            queue.append((s, q, o))

    def emit(s, p, o) -> None:
        for q, f in moves_of(p):
            a, b = (o, s) if f else (s, o)
            pairs = edges[q]
            if (a, b) not in pairs:
                pairs.add((a, b))
                derived.append((a, q, b))
                if q in joined:
                    out_idx[q][a].add(b)
                    in_idx[q][b].add(a)
                    queue.append((a, q, b))

    for p in list(edges):
        if len(moves_of(p)) > 1:
            for s, o in list(edges[p]):
                emit(s, p, o)
    while queue:
        x, q, y = queue.popleft()
        if q in transitive:
            for z in tuple(out_idx[q].get(y, ())):
                emit(x, q, z)
            for w in tuple(in_idx[q].get(x, ())):
                emit(w, q, y)
        for prop, steps, i in chain_steps.get(q, ()):
            left = {x}
            for step in reversed(steps[:i]):
                idx = in_idx[step]
                left = {w for v in left for w in idx.get(v, ())}
            right = {y}
            for step in steps[i + 1 :]:
                idx = out_idx[step]
                right = {w for v in right for w in idx.get(v, ())}
            for a in left:
                for b in right:
                    emit(a, prop, b)

    for p in functional:
        subjects = set()
        for s, _ in edges.get(p, ()):
            if s in subjects:
                raise Unsupported(f"{terms[s].n3()} has two values of the functional {terms[p].n3()}")
            subjects.add(s)

    # ---- 3. types
    types: dict = defaultdict(set)
    for table in (g.types, one_time_types):
        for x, cs in table.items():
            types[x] |= cs
    for p, cs in dom.items():
        for s, _ in edges.get(p, ()):
            types[s] |= cs
    for p, cs in rng.items():
        for _, o in edges.get(p, ()):
            types[o] |= cs
    disjoint = list(edges.get(DISJ, ()))
    disjoint_classes = {c for pair in disjoint for c in pair}
    for x, cs in types.items():
        full = types[x] = up(cs)
        if full & unsupported_types:
            raise Unsupported(f"{terms[x].n3()} has a type laborkg's reasoner does not implement")
        if len(full & disjoint_classes) > 1 and any(a in full and b in full for a, b in disjoint):
            raise Unsupported(f"{terms[x].n3()} is an instance of two disjoint classes")

    tables = [
        (RDFS.subClassOf, [(a, b) for a, bs in sup_c.items() for b in bs]),
        (RDFS.subPropertyOf, [(a, b) for a, bs in sup_p.items() for b in bs]),
        (OWL.equivalentClass, [(a, b) for a, bs in sup_c.items() for b in bs if a in sup_c.get(b, ())]),
        (OWL.equivalentProperty, [(a, b) for a, bs in sup_p.items() for b in bs if a in sup_p.get(b, ())]),
        (RDFS.domain, [(p, c) for p, cs in dom.items() for c in cs]),
        (RDFS.range, [(p, c) for p, cs in rng.items() for c in cs]),
    ]
    return types, derived, tables

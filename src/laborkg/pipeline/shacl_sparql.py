"""Validate with the SHACL shapes compiled to SPARQL SELECT queries, run on a pyoxigraph store: the
results pySHACL gives (:func:`laborkg.pipeline.validate.shacl_violations`), at the store's speed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD, NamespaceManager

from laborkg.namespace import SH, bind_prefixes
from laborkg.pipeline.shacl_components import (
    RANGES,
    ClassConstraint,
    CompiledCheck,
    Constraint,
    CountConstraint,
    DatatypeConstraint,
    HasValueConstraint,
    InConstraint,
    LanguageInConstraint,
    LengthConstraint,
    NodeConstraint,
    NodeKindConstraint,
    OrConstraint,
    PatternConstraint,
    QualifiedConstraint,
    RangeConstraint,
    Shape,
    UniqueLangConstraint,
    Vars,
    label,
)
from laborkg.pipeline.shacl_literals import UnsupportedShape, sparql_term
from laborkg.pipeline.shacl_select import SparqlSelectConstraint
from laborkg.pipeline.validate import Violation, violation_key

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_PARAMETERS = frozenset(
    SH[n]
    for n in (
        "class datatype nodeKind minCount maxCount minLength maxLength pattern flags languageIn uniqueLang "
        "in hasValue node property or qualifiedValueShape qualifiedMinCount qualifiedMaxCount "
        "qualifiedValueShapesDisjoint sparql " + " ".join(RANGES)
    ).split()
)
# Every other term of the SHACL namespace a shapes graph may use; anything else is refused.
_VOCABULARY = (
    _PARAMETERS
    | frozenset(
        SH[n]
        for n in (
            "path inversePath alternativePath zeroOrMorePath oneOrMorePath zeroOrOnePath message severity "
            "deactivated name description order group defaultValue select prefixes declare prefix namespace "
            "NodeShape PropertyShape SPARQLConstraint Violation Warning Info IRI BlankNode Literal "
            "BlankNodeOrIRI BlankNodeOrLiteral IRIOrLiteral"
        ).split()
    )
    | frozenset(_TARGETS)
)


# ---------------------------------------------------------------------------------------------
# The shapes graph, read as pySHACL reads it


def _check_vocabulary(g: Graph) -> None:
    """Refuse any SHACL term the compiler does not translate (SHACL-AF, sh:and, sh:closed, …)."""
    for s, p, o in g:
        term = p if p != RDF.type else o
        if isinstance(term, URIRef) and term.startswith(str(SH)) and term not in _VOCABULARY:
            raise UnsupportedShape(f"{label(s)}: {term.n3(g.namespace_manager)} is not supported")


def _shapes(g: Graph) -> dict[Any, Shape]:
    """Every shape pySHACL finds (ShapesGraph._build_node_shape_cache): declared, targeted, or used."""
    declared_nodes = set(g.subjects(RDF.type, SH.NodeShape))
    declared_props = set(g.subjects(RDF.type, SH.PropertyShape))
    found = declared_nodes | declared_props
    found |= {s for t in (*_TARGETS, SH.property, SH.node) for s in g.subjects(t, None)}
    found |= {o for t in (SH.property, SH.node, SH.qualifiedValueShape) for o in g.objects(None, t)}
    for head in g.objects(None, SH["or"]):
        members = list(g.items(head))
        if not members:
            raise UnsupportedShape(f"sh:or {label(head)} is not a list of shapes")
        found |= set(members)
    out = {}
    for node in found:
        paths = list(g.objects(node, SH.path))
        if node in declared_nodes and paths:
            raise UnsupportedShape(f"{label(node)}: a sh:NodeShape cannot have a sh:path")
        if len(paths) > 1 or (node in declared_props and not paths):
            raise UnsupportedShape(f"{label(node)}: a property shape needs exactly one sh:path")
        if isinstance(node, Literal):
            raise UnsupportedShape(f"the literal {label(node)} is used as a shape")
        severities = list(g.objects(node, SH.severity))
        flags: list[Any] = list(g.objects(node, SH.deactivated))
        if len(flags) > 1 or (flags and not isinstance(flags[0], Literal)):
            raise UnsupportedShape(f"{label(node)}: sh:deactivated must be one literal")
        out[node] = Shape(
            node=node,
            path=paths[0] if paths else None,
            severity=severities[0] if severities else SH.Violation,
            deactivated=bool(flags[0].value) if flags else False,
            messages=tuple(g.objects(node, SH.message)),
        )
        if len(severities) > 1:
            raise UnsupportedShape(f"{label(node)}: more than one sh:severity")
    return out


def _sparql_path(g: Graph, path) -> str:
    """A SHACL path as a SPARQL property path (inverse paths only of a single property)."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    if not isinstance(path, BNode):
        raise UnsupportedShape(f"sh:path {label(path)} is not a path")
    if g.value(path, RDF.first) is not None:
        items = list(g.items(path))
        if len(items) < 2:
            raise UnsupportedShape("a sequence path needs at least two steps")
        return "(" + "/".join(_sparql_path(g, i) for i in items) + ")"
    kinds = {p: o for p, o in g.predicate_objects(path)}
    if len(kinds) != 1:
        raise UnsupportedShape(f"sh:path {label(path)} is not a SHACL path")
    ((kind, inner),) = kinds.items()
    if kind == SH.inversePath:
        if not isinstance(inner, URIRef):  # pySHACL inverts the steps of a complex path in place
            raise UnsupportedShape("sh:inversePath of anything but a property is not supported")
        return f"^<{inner}>"
    if kind == SH.alternativePath:
        items = list(g.items(inner))
        if len(items) < 2:
            raise UnsupportedShape("an alternative path needs at least two paths")
        return "(" + "|".join(_sparql_path(g, i) for i in items) + ")"
    suffixes: dict[Any, str] = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}
    suffix = suffixes.get(kind)
    if suffix is None:
        raise UnsupportedShape(f"sh:path {label(path)}: {label(kind)} is not a SHACL path")
    return f"({_sparql_path(g, inner)}){suffix}"


# ---------------------------------------------------------------------------------------------
# Patterns: each matches once per result of a constraint, its focus node in ``x``


class _Compiler:
    def __init__(self, g: Graph) -> None:
        _check_vocabulary(g)
        self.g = g
        self.shapes = _shapes(g)
        self._check_cycles()

    def shape(self, node) -> Shape:
        try:
            return self.shapes[node]
        except KeyError:
            raise UnsupportedShape(f"{label(node)} is used as a shape but is not one") from None

    def _children(self, node) -> list:
        out = list(self.g.objects(node, SH.property)) + list(self.g.objects(node, SH.node))
        out += list(self.g.objects(node, SH.qualifiedValueShape))
        for head in self.g.objects(node, SH["or"]):
            out += list(self.g.items(head))
        return out

    def _check_cycles(self) -> None:
        state: dict = {}

        def visit(node, trail):
            if state.get(node) == "done":
                return
            if state.get(node) == "open":
                raise UnsupportedShape("recursive shapes are not supported: " + " → ".join(map(label, trail)))
            state[node] = "open"
            for child in self._children(node):
                visit(child, [*trail, child])
            state[node] = "done"

        for node in self.shapes:
            visit(node, [node])

    def path(self, shape: Shape) -> str:
        return _sparql_path(self.g, shape.path)

    def values(self, shape: Shape, x: str, v: str) -> str:
        """The pattern binding ``v`` to each value node of ``shape`` at focus ``x`` (node shape: v is x)."""
        return "" if not shape.is_property else f"{x} {self.path(shape)} {v} ."

    # Nested shapes ------------------------------------------------------------------------------

    def results(self, shape: Shape, x: str, vars: Vars, allowed: frozenset) -> str | None:
        """A pattern with a solution iff validating ``x`` against ``shape`` gives a result whose severity
        is not in ``allowed`` (None: never). pySHACL's sh:node fails on any result (allowed empty); sh:or
        and qualified counts ask for conformance, where Warning and Info results do not count."""
        if shape.deactivated:
            return None
        parts = []
        if shape.severity not in allowed:
            for constraint in self.constraints(shape):
                v = x if not shape.is_property else vars.new()
                pattern = constraint.pattern(x, v, vars, top=None)
                if pattern is not None:
                    parts.append(pattern)
        for child in self.g.objects(shape.node, SH.property):
            p = self.shape(child)
            v = x if not shape.is_property else vars.new()
            inner = self.results(p, v, vars, allowed)
            if inner is not None:
                parts.append(f"{self.values(shape, x, v)} {inner}")
        if not parts:
            return None
        return " UNION ".join(f"{{ {p} }}" for p in parts)

    def fails(self, node, v: str, vars: Vars, allowed: frozenset) -> str | None:
        """An expression true iff ``v`` does not conform to the shape ``node`` (None: it always does)."""
        shape = self.shape(node)
        if shape.severity in allowed:
            return None
        pattern = self.results(shape, v, vars, allowed)
        return None if pattern is None else f"EXISTS {{ {pattern} }}"

    # Constraints --------------------------------------------------------------------------------

    def constraints(self, shape: Shape) -> list[Constraint]:
        g, node = self.g, shape.node
        params = {p for p in g.predicates(node, None) if p in _PARAMETERS}
        out: list[Constraint] = []
        for c in g.objects(node, SH["class"]):
            out.append(ClassConstraint(self, shape, c))
        if SH.datatype in params:
            out.append(DatatypeConstraint(self, shape))
        if SH.nodeKind in params:
            out.append(NodeKindConstraint(self, shape))
        for kind in ("minCount", "maxCount"):
            if SH[kind] in params:
                out.append(CountConstraint(self, shape, kind))
        for kind in RANGES:
            for bound in g.objects(node, SH[kind]):
                out.append(RangeConstraint(self, shape, kind, bound))
        for kind in ("minLength", "maxLength"):
            if SH[kind] in params:
                out.append(LengthConstraint(self, shape, kind))
        for pattern in g.objects(node, SH.pattern):
            out.append(PatternConstraint(self, shape, pattern))
        if SH.flags in params and SH.pattern not in params:
            raise UnsupportedShape(f"{label(node)}: sh:flags without sh:pattern")
        if SH.languageIn in params:
            out.append(LanguageInConstraint(self, shape))
        if SH.uniqueLang in params:
            out.append(UniqueLangConstraint(self, shape))
        if SH["in"] in params:
            out.append(InConstraint(self, shape))
        for value in g.objects(node, SH.hasValue):
            out.append(HasValueConstraint(self, shape, value))
        for target in g.objects(node, SH.node):
            out.append(NodeConstraint(self, shape, target))
        for head in g.objects(node, SH["or"]):
            out.append(OrConstraint(self, shape, head))
        if params & {SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount}:
            for q in g.objects(node, SH.qualifiedValueShape):
                for kind in ("qualifiedMinCount", "qualifiedMaxCount"):
                    if SH[kind] in params:
                        out.append(QualifiedConstraint(self, shape, q, kind))
            if SH.qualifiedValueShape not in params:
                raise UnsupportedShape(f"{label(node)}: a qualified count without sh:qualifiedValueShape")
        if SH.sparql in params:
            out.append(SparqlSelectConstraint(self, shape))
        return [c for c in out if c.active]


# ---------------------------------------------------------------------------------------------
# Targets, checks and the run


def _focus(c: _Compiler, shape: Shape) -> Callable[[str, Vars], str] | None:
    """The focus nodes of ``shape``'s own targets, as a subquery binding the given variable."""
    g, node = c.g, shape.node
    classes = list(g.objects(node, SH.targetClass))
    rdfs_classes = {RDFS.Class, *g.subjects(RDFS.subClassOf, RDFS.Class)}
    if any(t in rdfs_classes for t in g.objects(node, RDF.type)):
        classes.append(node)  # an implicit class target
    for cls in classes:
        if not isinstance(cls, URIRef):
            raise UnsupportedShape(f"{label(node)}: a target class must be an IRI")
    nodes = [sparql_term(n) for n in g.objects(node, SH.targetNode)]
    subjects_of = list(g.objects(node, SH.targetSubjectsOf))
    objects_of = list(g.objects(node, SH.targetObjectsOf))
    if not (classes or nodes or subjects_of or objects_of):
        return None

    def focus(var: str, vars: Vars) -> str:
        parts = []
        for cls in classes:
            t = vars.new("t")
            parts.append(f"{var} <{RDF.type}> {t} . {t} <{RDFS.subClassOf}>* <{cls}> .")
        parts += [f"VALUES {var} {{ {n} }}" for n in nodes]
        parts += [f"{var} <{p}> {vars.new('o')} ." for p in subjects_of]
        parts += [f"{vars.new('s')} <{p}> {var} ." for p in objects_of]
        return f"{{ SELECT DISTINCT {var} WHERE {{ {' UNION '.join(f'{{ {p} }}' for p in parts)} }} }}"

    return focus


def _shape_checks(c: _Compiler, shape: Shape, focus: Callable[[str, Vars], str]) -> list[CompiledCheck]:
    if shape.deactivated:
        return []
    out = [check for constraint in c.constraints(shape) for check in constraint.checks(focus)]
    for child in c.g.objects(shape.node, SH.property):
        p = c.shape(child)
        if not p.is_property:
            raise UnsupportedShape(f"{label(shape.node)}: sh:property {label(child)} is not a property shape")
        out += _shape_checks(c, p, focus if not shape.is_property else _values_focus(c, shape, focus))
    return out


def _values_focus(
    c: _Compiler, shape: Shape, focus: Callable[[str, Vars], str]
) -> Callable[[str, Vars], str]:
    """The value nodes of ``shape`` at its focus nodes: the focus nodes of its property shapes."""

    def values(var: str, vars: Vars) -> str:
        f = vars.new("f")
        return f"{{ SELECT DISTINCT {var} WHERE {{ {focus(f, vars)} {f} {c.path(shape)} {var} . }} }}"

    return values


def compile_shapes(shapes: Graph) -> list[CompiledCheck]:
    """Every constraint of ``shapes`` reached from a target, as SPARQL SELECT queries; a SHACL feature the
    compiler does not translate raises :class:`UnsupportedShape` (every shape is compiled, used or not)."""
    c = _Compiler(shapes)
    for shape in c.shapes.values():
        c.constraints(shape)
    out = []
    for _, shape in sorted(c.shapes.items(), key=lambda item: str(item[0])):
        focus = _focus(c, shape)
        if focus is not None:
            out += _shape_checks(c, shape, focus)
    _check_parses(out)
    return out


def _check_parses(checks: list[CompiledCheck]) -> None:
    """Every query parses on Oxigraph (a SPARQL constraint's own text included)."""
    import pyoxigraph as ox

    empty = ox.Store()
    for check in checks:
        try:
            empty.query(check.query)
        except SyntaxError as e:
            raise UnsupportedShape(f"{label(check.shape)}: Oxigraph cannot parse the query: {e}") from None


def _from_oxigraph(term):
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _path_text(path) -> str | None:
    """As :func:`laborkg.pipeline.validate.shacl_violations` writes sh:resultPath."""
    if path is None:
        return None
    return str(path) if isinstance(path, URIRef) else path.n3()


def _format(message: str, values: dict) -> str:
    """pySHACL's {?var} substitution in a SPARQL constraint's message (re.sub, one variable at a time)."""
    for name, value in values.items():
        message = re.sub(f"{{[?$]{name}}}", str(value), message)
    return message


def message_graph(namespaces: Graph | NamespaceManager | None = None) -> Graph:
    """The prefixes pySHACL's own messages write data IRIs with: those of its copy of the data graph
    (rdflib's core prefixes, then the data graph's). Default: laborkg's closure graphs' prefixes."""
    source = namespaces if namespaces is not None else bind_prefixes(Graph())
    manager = source.namespace_manager if isinstance(source, Graph) else source
    g = Graph(bind_namespaces="core")
    for prefix, ns in manager.namespaces():
        g.namespace_manager.bind(prefix, ns, override=True, replace=True)
    return g


def _violations(check: CompiledCheck, rows, data: Graph) -> Iterator[Violation]:
    for row in rows:
        focus = _from_oxigraph(row["this"])
        if check.sparql is None:
            value = _from_oxigraph(row["value"]) if check.reports_value else None
            path = check.path
            if check.messages:
                messages = [str(m) for m in check.messages]
            else:
                messages = [check.generic(data, focus, value)] if check.generic else []
        else:
            bound = {n: _from_oxigraph(row[n]) for n in check.sparql.variables if n != "this"}
            bound = {n: t for n, t in bound.items() if t is not None}
            row_path, row_value = bound.pop("path", None), bound.pop("value", None)
            value = row_value if row_value is not None else (focus if check.sparql.node_shape else None)
            path = row_path if row_path is not None else check.path
            filled = {**bound, "this": focus}
            filled.update({k: t for k, t in (("path", row_path), ("value", value)) if t is not None})
            extra = [m for m in check.sparql.messages if m not in check.messages]
            messages = [_format(str(m.value), filled) for m in (*extra, *check.messages)]
        yield Violation(
            focus=str(focus),
            path=_path_text(path),
            component=str(check.component),
            shape=str(check.shape) if isinstance(check.shape, URIRef) else None,
            value=None if value is None else str(value),
            message=min(messages) if messages else "",
            severity=str(check.severity).rsplit("#", 1)[-1],
        )


def shacl_violations_store(
    store,
    shapes: Graph,
    checks: list[CompiledCheck] | None = None,
    namespaces: Graph | NamespaceManager | None = None,
) -> list[Violation]:
    """The violations of ``shapes`` in the default graph of the pyoxigraph ``store``: the records
    :func:`~laborkg.pipeline.validate.shacl_violations` gets from pySHACL, sorted by
    :func:`~laborkg.pipeline.validate.violation_key`. ``checks``: ``compile_shapes(shapes)``, when
    already compiled; ``namespaces``: the data graph's prefixes, for pySHACL's own messages."""
    checks = compile_shapes(shapes) if checks is None else checks
    data = message_graph(namespaces)
    out = [v for check in checks for v in _violations(check, store.query(check.query), data)]
    return sorted(out, key=violation_key)


__all__ = ["CompiledCheck", "UnsupportedShape", "compile_shapes", "message_graph", "shacl_violations_store"]

"""The SHACL constraint components as SPARQL patterns, with pySHACL's own messages, for
:mod:`laborkg.pipeline.shacl_sparql`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Protocol

from pyshacl.rdfutil import stringify_node
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Identifier

from laborkg.namespace import SH
from laborkg.pipeline.shacl_literals import (
    UnsupportedShape,
    datatype_matches,
    in_range,
    sparql_regex,
    sparql_string,
    sparql_term,
)

ALLOWED = frozenset({SH.Info, SH.Warning})  # pySHACL runs with allow_warnings: these never fail a shape
RANGES = ("minInclusive", "minExclusive", "maxInclusive", "maxExclusive")
_RANGE_TEXT = {"minInclusive": ">=", "minExclusive": ">", "maxInclusive": "<=", "maxExclusive": "<"}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isIRI({v}) || isBlank({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
_AT_LEAST_MAX = 4  # counts inside nested shapes are written as that many distinct values, at most

Generic = Callable[[Graph, Identifier, "Identifier | None"], str]


class Compiler(Protocol):
    """What a constraint asks of the shapes it was read from (:mod:`laborkg.pipeline.shacl_sparql`)."""

    g: Graph

    def shape(self, node) -> Shape: ...

    def path(self, shape: Shape) -> str: ...

    def values(self, shape: Shape, x: str, v: str) -> str: ...

    def fails(self, node, v: str, vars: Vars, allowed: frozenset) -> str | None: ...


@dataclass(frozen=True)
class CompiledCheck:
    """One SPARQL SELECT whose rows are the results of one constraint of one shape, reached from the
    shapes' targets, and how pySHACL reports each row."""

    query: str
    shape: URIRef | BNode
    component: URIRef
    severity: URIRef
    path: URIRef | BNode | None  # the property shape's path (the result path unless a row gives one)
    reports_value: bool
    messages: tuple[Literal, ...]  # the shape's sh:message
    generic: Generic | None = None  # pySHACL's own message, where the shape has none
    sparql: SparqlConstraint | None = None


@dataclass(frozen=True)
class SparqlConstraint:
    """What a SHACL-SPARQL constraint adds to a check: its messages and its projected variables."""

    messages: tuple[Literal, ...]
    variables: tuple[str, ...]
    node_shape: bool


@dataclass(frozen=True)
class Shape:
    """A node or property shape (a property shape has a path), as pySHACL reads it."""

    node: Any
    path: Any
    severity: Any
    deactivated: bool
    messages: tuple[Any, ...]

    @property
    def is_property(self) -> bool:
        return self.path is not None


class Vars:
    """Fresh variable names for one query (EXISTS substitutes every outer variable it sees)."""

    def __init__(self) -> None:
        self.n = 0

    def new(self, hint: str = "v") -> str:
        self.n += 1
        return f"?_{hint}{self.n}"


def label(node) -> str:
    return node.n3() if isinstance(node, URIRef | BNode | Literal) else str(node)


def count_parameter(g: Graph, shape: Shape, name: str) -> int:
    values = list(g.objects(shape.node, SH[name]))
    if len(values) != 1 or not isinstance(values[0], Literal) or values[0].datatype != XSD.integer:
        raise UnsupportedShape(f"{label(shape.node)}: sh:{name} must be one xsd:integer")
    if int(values[0]) < 0:
        raise UnsupportedShape(f"{label(shape.node)}: sh:{name} must be ≥ 0")
    return int(values[0])


class Constraint:
    """One constraint of one shape: its results as a SPARQL pattern, and pySHACL's message for them."""

    component: URIRef
    reports_value = True
    active = True

    def __init__(self, compiler: Compiler, shape: Shape) -> None:
        self.c = compiler
        self.g = compiler.g
        self.shape = shape

    def pattern(self, x: str, v: str, vars: Vars, top: str | None) -> str | None:
        """A pattern with one solution per result at focus ``x`` (bound before it); ``v`` is bound to the
        result's value where the component reports one (for a node shape ``v`` is ``x``). ``top``: at the
        top level, the pattern of the focus nodes (joined from outside, so the pattern may select over
        the whole store and join); None inside a nested shape (correlated forms only)."""
        raise NotImplementedError

    def generic(self, data: Graph, focus, value) -> str:
        """pySHACL's message where the shape has no sh:message."""
        raise NotImplementedError

    def sg(self, node) -> str:
        return stringify_node(self.g, node)

    def checks(self, focus: Callable[[str, Vars], str]) -> list[CompiledCheck]:
        vars = Vars()
        value = "?this" if not self.shape.is_property else "?value"
        pattern = self.pattern("?this", value, vars, top=focus("?this", vars))
        if pattern is None:
            return []
        value = ""
        if self.reports_value:
            value = " ?value" if self.shape.is_property else " (?this AS ?value)"
        extra = "".join(f" {e}" for e in self.extra_columns())
        query = f"SELECT DISTINCT ?this{value}{extra} WHERE {{ {focus('?this', vars)} {pattern} }}"
        return [self.check(query)]

    def extra_columns(self) -> list[str]:
        return []

    def check(self, query: str, component: URIRef | None = None) -> CompiledCheck:
        return CompiledCheck(
            query=query,
            shape=self.shape.node,
            component=component or self.component,
            severity=self.shape.severity,
            path=self.shape.path,
            reports_value=self.reports_value,
            messages=self.shape.messages,
            generic=None if self.shape.messages else self.generic,
        )


def one_value(g: Graph, shape: Shape, name: str):
    values = list(g.objects(shape.node, SH[name]))
    if len(values) != 1:
        raise UnsupportedShape(f"{label(shape.node)}: sh:{name} must have exactly one value")
    return values[0]


class ClassConstraint(Constraint):
    component = SH.ClassConstraintComponent

    def __init__(self, compiler, shape, cls) -> None:
        super().__init__(compiler, shape)
        if not isinstance(cls, URIRef):
            raise UnsupportedShape(f"{label(shape.node)}: sh:class {label(cls)} is not an IRI")
        self.cls = cls

    def pattern(self, x, v, vars, top):
        t = vars.new("t")
        instance = f"{v} <{RDF.type}> {t} . {t} <{RDFS.subClassOf}>* <{self.cls}> ."
        if top is not None:  # the instances once, then a set difference: 10-40x faster than EXISTS
            return f"{self.c.values(self.shape, x, v)} MINUS {{ SELECT DISTINCT {v} WHERE {{ {instance} }} }}"
        return f"{self.c.values(self.shape, x, v)} FILTER NOT EXISTS {{ {instance} }}"

    def generic(self, data, focus, value):
        rules = list(self.g.objects(self.shape.node, SH["class"]))
        if len(rules) < 2:
            return f"Value does not have class {self.sg(rules[0])}"
        return "Value class is not in classes ({})".format(", ".join(self.sg(c) for c in rules))


class DatatypeConstraint(Constraint):
    component = SH.DatatypeConstraintComponent

    def __init__(self, compiler, shape) -> None:
        super().__init__(compiler, shape)
        self.datatype = one_value(self.g, shape, "datatype")
        if not isinstance(self.datatype, URIRef):
            raise UnsupportedShape(f"{label(shape.node)}: sh:datatype must be an IRI")
        datatype_matches("?v", self.datatype)  # refuses what it cannot judge, at compile time

    def pattern(self, x, v, vars, top):
        return f"{self.c.values(self.shape, x, v)} FILTER(!{datatype_matches(v, self.datatype)})"

    def generic(self, data, focus, value):
        return f"Value is not Literal with datatype {self.sg(self.datatype)}"


class NodeKindConstraint(Constraint):
    component = SH.NodeKindConstraintComponent

    def __init__(self, compiler, shape) -> None:
        super().__init__(compiler, shape)
        self.kind = one_value(self.g, shape, "nodeKind")
        if self.kind not in _NODE_KINDS:
            raise UnsupportedShape(f"{label(shape.node)}: sh:nodeKind {label(self.kind)} is not a node kind")

    def pattern(self, x, v, vars, top):
        return f"{self.c.values(self.shape, x, v)} FILTER(!{_NODE_KINDS[self.kind].format(v=v)})"

    def generic(self, data, focus, value):
        return f"Value is not of Node Kind {self.sg(self.kind)}"


def _at_least(x: str, path: str, k: int, condition: Callable[[str], str] | None, vars: Vars) -> str:
    """A pattern with a solution iff ``x`` has at least ``k`` distinct values along ``path`` meeting
    ``condition`` (a filter on one value)."""
    if k > _AT_LEAST_MAX:
        raise UnsupportedShape(f"a count needing {k} distinct values inside a nested shape is not supported")
    ws = [vars.new("w") for _ in range(k)]
    tests = [f"!sameTerm({a}, {b})" for a, b in combinations(ws, 2)]
    tests += [condition(w) for w in ws] if condition else []
    return " ".join(f"{x} {path} {w} ." for w in ws) + (f" FILTER({' && '.join(tests)})" if tests else "")


def _count_pattern(
    x: str, path: str, condition: Callable[[str], str] | None, op: str, n: int, vars: Vars, top: str | None
) -> str | None:
    """A pattern with a solution iff the number of ``x``'s distinct values meeting ``condition`` ``op``
    ``n`` (op: "<" or ">"). At the top level, complex paths are followed from the focus nodes only
    (``top``): a path such as ``p*`` from every node of the store would be costly."""
    scope = top if top is not None and not path.startswith("<") else ""
    if op == "<":
        if n == 0:
            return None
        if (
            n == 1 and top is not None
        ):  # the nodes that have one, then a set difference: 2x faster than NOT EXISTS
            w = vars.new("w")
            return f"MINUS {{ {scope} {x} {path} {w} .{f' FILTER({condition(w)})' if condition else ''} }}"
        if n == 1 or top is None:
            return f"FILTER NOT EXISTS {{ {_at_least(x, path, n, condition, vars)} }}"
        w, c = vars.new("w"), vars.new("n")
        test = f" FILTER({condition(w)})" if condition else ""
        counted = f"SELECT {x} (COUNT(DISTINCT {w}) AS {c}) WHERE {{ {scope} {x} {path} {w} .{test} }}"
        return f"OPTIONAL {{ {counted} GROUP BY {x} }} FILTER(COALESCE({c}, 0) < {n})"
    if top is None:
        return _at_least(x, path, n + 1, condition, vars)
    w = vars.new("w")
    test = f" FILTER({condition(w)})" if condition else ""
    return (
        f"{{ SELECT {x} WHERE {{ {scope} {x} {path} {w} .{test} }} GROUP BY {x} "
        f"HAVING (COUNT(DISTINCT {w}) > {n}) }}"
    )


class CountConstraint(Constraint):
    reports_value = False

    def __init__(self, compiler, shape, kind) -> None:
        super().__init__(compiler, shape)
        if not shape.is_property:
            raise UnsupportedShape(f"{label(shape.node)}: sh:{kind} on a node shape")
        self.kind = kind
        self.n = count_parameter(self.g, shape, kind)
        self.component = (
            SH.MinCountConstraintComponent if kind == "minCount" else SH.MaxCountConstraintComponent
        )

    def pattern(self, x, v, vars, top):
        op = "<" if self.kind == "minCount" else ">"
        return _count_pattern(x, self.c.path(self.shape), None, op, self.n, vars, top)

    def generic(self, data, focus, value):
        word = "Less" if self.kind == "minCount" else "More"
        return f"{word} than {self.n} values on {stringify_node(data, focus)}->{self.sg(self.shape.path)}"


class RangeConstraint(Constraint):
    def __init__(self, compiler, shape, kind, bound) -> None:
        super().__init__(compiler, shape)
        self.kind = kind
        self.bound = bound
        self.component = SH[kind[0].upper() + kind[1:] + "ConstraintComponent"]
        in_range("?v", kind, bound)  # refuses what it cannot judge, at compile time

    def pattern(self, x, v, vars, top):
        return f"{self.c.values(self.shape, x, v)} FILTER(!{in_range(v, self.kind, self.bound)})"

    def generic(self, data, focus, value):
        bounds = list(self.g.objects(self.shape.node, SH[self.kind]))
        op = _RANGE_TEXT[self.kind]
        if len(bounds) < 2:
            return f"Value is not {op} {self.sg(bounds[0])}"
        return "Value is not {} in ({})".format(op, ", ".join(self.sg(b) for b in bounds))


class LengthConstraint(Constraint):
    def __init__(self, compiler, shape, kind) -> None:
        super().__init__(compiler, shape)
        self.kind = kind
        self.rule = one_value(self.g, shape, kind)
        self.n = count_parameter(self.g, shape, kind)
        self.component = (
            SH.MinLengthConstraintComponent if kind == "minLength" else SH.MaxLengthConstraintComponent
        )
        self.active = not (kind == "minLength" and self.n == 0)

    def pattern(self, x, v, vars, top):
        op = "<" if self.kind == "minLength" else ">"
        return f"{self.c.values(self.shape, x, v)} FILTER(isBlank({v}) || STRLEN(STR({v})) {op} {self.n})"

    def generic(self, data, focus, value):
        op = ">=" if self.kind == "minLength" else "<="
        return f"String length not {op} {stringify_node(data, self.rule)}"


def _regex_compiles(pattern: str, flags: str) -> bool:
    import pyoxigraph as ox

    query = f'SELECT (REGEX("", {sparql_string(pattern)}, {sparql_string(flags)}) AS ?ok) {{}}'
    result = ox.Store().query(query)
    return isinstance(result, ox.QuerySolutions) and any(row["ok"] is not None for row in result)


class PatternConstraint(Constraint):
    component = SH.PatternConstraintComponent

    def __init__(self, compiler, shape, pattern) -> None:
        super().__init__(compiler, shape)
        if not isinstance(pattern, Literal) or not isinstance(pattern.value, str):
            raise UnsupportedShape(f"{label(shape.node)}: sh:pattern must be a string")
        flags = list(self.g.objects(shape.node, SH.flags))
        if len(flags) > 1:
            raise UnsupportedShape(f"{label(shape.node)}: more than one sh:flags")
        self.regex, self.flags = sparql_regex(str(pattern), str(flags[0]) if flags else "")
        if not _regex_compiles(self.regex, self.flags):
            raise UnsupportedShape(
                f"{label(shape.node)}: Oxigraph cannot compile sh:pattern {str(pattern)!r}"
            )

    def pattern(self, x, v, vars, top):
        regex = f"REGEX(STR({v}), {sparql_string(self.regex)}, {sparql_string(self.flags)})"
        return f"{self.c.values(self.shape, x, v)} FILTER(isBlank({v}) || !{regex})"

    def generic(self, data, focus, value):
        rules = list(self.g.objects(self.shape.node, SH.pattern))
        if len(rules) < 2:
            return f"Value does not match pattern '{rules[0].value}'"
        return "Value does not match every pattern in ('{}')".format("', '".join(str(r.value) for r in rules))


class LanguageInConstraint(Constraint):
    component = SH.LanguageInConstraintComponent

    def __init__(self, compiler, shape) -> None:
        super().__init__(compiler, shape)
        self.head = one_value(self.g, shape, "languageIn")
        tags: list[Any] = list(self.g.items(self.head))
        if not all(isinstance(t, Literal) and isinstance(t.value, str) for t in tags):
            raise UnsupportedShape(f"{label(shape.node)}: sh:languageIn must list strings")
        self.tags = sorted({str(t.value).lower() for t in tags})

    def pattern(self, x, v, vars, top):
        listed = ", ".join(sparql_string(t) for t in self.tags)
        if "*" in self.tags:
            test = "true"
        else:
            first = f'LCASE(STRBEFORE(CONCAT(LANG({v}), "-"), "-"))'
            test = f"(LCASE(LANG({v})) IN ({listed}) || {first} IN ({listed}))"
        allowed = f'COALESCE(isLiteral({v}) && LANG({v}) != "" && {test}, false)'
        return f"{self.c.values(self.shape, x, v)} FILTER(!{allowed})"

    def generic(self, data, focus, value):
        return f"String language is not in {self.sg(self.head)}"


class UniqueLangConstraint(Constraint):
    component = SH.UniqueLangConstraintComponent
    reports_value = False

    def __init__(self, compiler, shape) -> None:
        super().__init__(compiler, shape)
        flag = one_value(self.g, shape, "uniqueLang")
        if not shape.is_property or not isinstance(flag, Literal) or not isinstance(flag.value, bool):
            raise UnsupportedShape(
                f"{label(shape.node)}: sh:uniqueLang must be a boolean on a property shape"
            )
        self.active = flag.value

    def pattern(self, x, v, vars, top):
        a, b = vars.new("w"), vars.new("w")
        path = self.c.path(self.shape)
        if top is not None:  # counted per node and language, then joined: linear
            scope = "" if path.startswith("<") else top
            tagged = f'isLiteral({a}) && LANG({a}) != ""'
            counted = f"{scope} {x} {path} {a} . FILTER({tagged}) BIND(LCASE(LANG({a})) AS ?lang)"
            grouped = f"GROUP BY {x} ?lang HAVING (COUNT(DISTINCT {a}) > 1)"
            return f"{{ SELECT {x} ?lang WHERE {{ {counted} }} {grouped} }}"
        lang = vars.new("lang")
        same = f'isLiteral({a}) && isLiteral({b}) && LANG({a}) != "" && !sameTerm({a}, {b})'
        same += f" && LCASE(LANG({a})) = LCASE(LANG({b}))"
        return f"{x} {path} {a} . {x} {path} {b} . FILTER({same}) BIND(LCASE(LANG({a})) AS {lang})"

    def extra_columns(self):
        return ["?lang"]  # one result per language used twice

    def generic(self, data, focus, value):
        return "More than one String shares the same Language"


class InConstraint(Constraint):
    component = SH.InConstraintComponent

    def __init__(self, compiler, shape) -> None:
        super().__init__(compiler, shape)
        self.values: set = set()
        for item in self.g.items(one_value(self.g, shape, "in")):
            self.values.add(item)
        self.terms = [sparql_term(t) for t in self.values]

    def pattern(self, x, v, vars, top):
        member = " || ".join(f"sameTerm({v}, {t})" for t in self.terms) or "false"
        return f"{self.c.values(self.shape, x, v)} FILTER(!({member}))"

    def generic(self, data, focus, value):
        listed = [self.sg(t) for t in self.values]
        return f"Value {stringify_node(data, value)} not in list {listed}"


class HasValueConstraint(Constraint):
    component = SH.HasValueConstraintComponent
    reports_value = False

    def __init__(self, compiler, shape, value) -> None:
        super().__init__(compiler, shape)
        self.value = value
        self.term = sparql_term(value)

    def pattern(self, x, v, vars, top):
        if not self.shape.is_property:
            return f"FILTER(!sameTerm({x}, {self.term}))"
        if top is not None:
            path = self.c.path(self.shape)
            return f"MINUS {{ {'' if path.startswith('<') else top} {x} {path} {self.term} }}"
        return f"FILTER NOT EXISTS {{ {x} {self.c.path(self.shape)} {self.term} }}"

    def generic(self, data, focus, value):
        listed = [self.sg(s) for s in set(self.g.objects(self.shape.node, SH.hasValue))]
        node = stringify_node(data, focus)
        if self.shape.is_property:
            return f"Node {node}->{self.sg(self.shape.path)} does not contain a value in the set: {listed}"
        return f"Node {node} value is not a in the set of values: {listed}"


class NodeConstraint(Constraint):
    component = SH.NodeConstraintComponent

    def __init__(self, compiler, shape, target) -> None:
        super().__init__(compiler, shape)
        self.target = target
        if compiler.shape(target).is_property:
            raise UnsupportedShape(f"{label(shape.node)}: sh:node {label(target)} is a property shape")

    def pattern(self, x, v, vars, top):
        fails = self.c.fails(self.target, v, vars, frozenset())
        return None if fails is None else f"{self.c.values(self.shape, x, v)} FILTER({fails})"

    def generic(self, data, focus, value):
        targets = list(self.g.objects(self.shape.node, SH.node))
        if len(targets) < 2:
            m = f"Value does not conform to Shape {self.sg(targets[0])}."
        else:
            m = "Value must conform to every Shape in ('{}').".format(
                "', '".join(self.sg(t) for t in targets)
            )
        return m + " See details for more information."


class OrConstraint(Constraint):
    component = SH.OrConstraintComponent

    def __init__(self, compiler, shape, head) -> None:
        super().__init__(compiler, shape)
        self.members = list(dict.fromkeys(self.g.items(head)))
        for m in self.members:
            compiler.shape(m)

    def pattern(self, x, v, vars, top):
        fails = [self.c.fails(m, v, vars, ALLOWED) for m in self.members]
        if any(f is None for f in fails):
            return None  # a member every value conforms to
        return f"{self.c.values(self.shape, x, v)} FILTER({' && '.join(str(f) for f in fails)})"

    def generic(self, data, focus, value):
        heads = list(self.g.objects(self.shape.node, SH["or"]))
        if len(heads) < 2:
            text = " , ".join(self.sg(m) for m in self.g.items(heads[0]))
        else:
            text = " and ".join("({})".format(" , ".join(self.sg(m) for m in self.g.items(h))) for h in heads)
        return f"Node {stringify_node(data, value)} must conform to one or more shapes in {text}"


class QualifiedConstraint(Constraint):
    reports_value = False

    def __init__(self, compiler, shape, q, kind) -> None:
        super().__init__(compiler, shape)
        if not shape.is_property:
            raise UnsupportedShape(f"{label(shape.node)}: sh:qualifiedValueShape on a node shape")
        disjoint = self.g.objects(shape.node, SH.qualifiedValueShapesDisjoint)
        if any(isinstance(d, Literal) and d.value is True for d in disjoint):
            raise UnsupportedShape(f"{label(shape.node)}: sh:qualifiedValueShapesDisjoint is not supported")
        compiler.shape(q)
        self.q, self.kind = q, kind
        self.n = count_parameter(self.g, shape, kind)
        self.component = (
            SH.QualifiedMinCountConstraintComponent
            if kind == "qualifiedMinCount"
            else SH.QualifiedMaxCountConstraintComponent
        )

    def pattern(self, x, v, vars, top):
        condition = None
        if self.c.fails(self.q, "?_probe", Vars(), ALLOWED) is not None:

            def condition(w: str) -> str:
                return f"!{self.c.fails(self.q, w, vars, ALLOWED)}"

        op = "<" if self.kind == "qualifiedMinCount" else ">"
        return _count_pattern(x, self.c.path(self.shape), condition, op, self.n, vars, top)

    def generic(self, data, focus, value):
        shapes = set(self.g.objects(self.shape.node, SH.qualifiedValueShape))
        text = ",".join(self.sg(s) for s in shapes)
        counts = ""
        for kind, word in (("qualifiedMinCount", "MinCount"), ("qualifiedMaxCount", "MaxCount")):
            if self.g.value(self.shape.node, SH[kind]) is not None:
                counts += f" {word} {count_parameter(self.g, self.shape, kind)}"
        if len(shapes) > 1:
            return f"Focus node does not conform to shapes{counts}: ({text})"
        return f"Focus node does not conform to shape{counts}: {text}"

"""sh:sparql SELECT constraints as one joined query over all focus nodes, for
:mod:`laborkg.pipeline.shacl_sparql`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from rdflib import Graph, Literal, Variable
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from laborkg.namespace import SH
from laborkg.pipeline.shacl_components import (
    Constraint,
    SparqlConstraint,
    Vars,
    label,
)
from laborkg.pipeline.shacl_literals import UnsupportedShape


class SparqlSelectConstraint(Constraint):
    """sh:sparql: each SELECT runs once over all focus nodes, joined on $this; pySHACL runs it once per
    focus node with $this pre-bound. Both agree where $this is bound by the query's own triple patterns
    before any expression reads it, which :func:`_check_prebinding` demands."""

    component = SH.SPARQLConstraintComponent

    def __init__(self, compiler, shape) -> None:
        super().__init__(compiler, shape)
        self.selects: list[tuple[str, str, SparqlConstraint]] = []
        for node in set(self.g.objects(shape.node, SH.sparql)):
            flags: list[Any] = list(self.g.objects(node, SH.deactivated))
            if flags and not (isinstance(flags[0], Literal) and isinstance(flags[0].value, bool)):
                raise UnsupportedShape(f"{label(node)}: sh:deactivated must be a boolean")
            if flags and flags[0].value:
                continue
            selects = list(self.g.objects(node, SH.select))
            if (
                len(selects) != 1
                or not isinstance(selects[0], Literal)
                or not isinstance(selects[0].value, str)
            ):
                raise UnsupportedShape(
                    f"{label(node)}: a SPARQL constraint needs exactly one sh:select string"
                )
            messages = tuple(self.g.objects(node, SH.message))
            if not all(isinstance(m, Literal) and isinstance(m.value, str) for m in messages):
                raise UnsupportedShape(f"{label(node)}: sh:message must be a string")
            self.selects.append(self._compile(node, str(selects[0].value), messages))
        self.active = bool(self.selects)

    def _compile(self, node, text: str, messages: tuple) -> tuple[str, str, SparqlConstraint]:
        """(PREFIX lines, the query as pySHACL runs it, what the check needs of it), or refused."""
        where = label(node)
        if re.search(r"(?im)^\s*(PREFIX|BASE)\b", text):
            raise UnsupportedShape(f"{where}: PREFIX and BASE go in sh:prefixes, not in sh:select")
        for name in ("shapesGraph", "currentShape"):
            if re.search(r"[\$\?]" + name + r"\b", text):
                raise UnsupportedShape(f"{where}: ${name} is not supported")
        if re.search(r"([\s{}()])[\$\?]PATH", text, flags=re.M):
            if not self.shape.is_property:
                raise UnsupportedShape(f"{where}: $PATH in a SPARQL constraint of a node shape")
            path = self.c.path(self.shape)
            text = re.sub(r"([\s{}()])[\$\?]PATH", lambda m: m.group(1) + path, text, flags=re.M)
        if not re.search(r"([\s{}()])[\$\?]this", text, flags=re.M):
            raise UnsupportedShape(f"{where}: the query does not use $this")
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in _prefixes(self.g, node).items())
        try:
            parsed = prepareQuery(prologue + "\n" + text)
        except Exception as e:
            raise UnsupportedShape(f"{where}: the query does not parse: {e}") from None
        algebra = parsed.algebra
        if algebra.name != "SelectQuery" or algebra.get("datasetClause"):
            raise UnsupportedShape(f"{where}: sh:select must be a SELECT query without FROM")
        variables = [str(v) for v in algebra["PV"]]
        if "this" not in variables:
            raise UnsupportedShape(f"{where}: the query must project $this")
        if "failure" in variables:
            raise UnsupportedShape(f"{where}: ?failure is not supported")
        _check_prebinding(algebra["p"], where)
        if THIS not in _certain(algebra["p"]):
            raise UnsupportedShape(
                f"{where}: $this must be bound by a triple pattern of the query's own group"
            )
        return prologue, text, SparqlConstraint(messages, tuple(variables), not self.shape.is_property)

    def pattern(self, x, v, vars, top):
        raise UnsupportedShape(
            f"{label(self.shape.node)}: SPARQL constraints in nested shapes are not supported"
        )

    def checks(self, focus):
        out = []
        for prologue, text, constraint in self.selects:
            others = " ".join(f"?{n}" for n in constraint.variables if n != "this")
            query = (
                f"{prologue}SELECT DISTINCT ?this {others} WHERE {{ {focus('?this', Vars())} {{ {text}\n}} }}"
            )
            out.append(replace(self.check(query), sparql=constraint, generic=None))
        return out


THIS = Variable("this")
_PREBINDING_UNSUPPORTED = {
    "Minus": "MINUS",
    "ServiceGraphPattern": "SERVICE",
    "Graph": "GRAPH",
    "Slice": "LIMIT and OFFSET",
    "Group": "GROUP BY",
    "AggregateJoin": "aggregates",
}


def _mentions(node) -> bool:
    if isinstance(node, Variable):
        return node == THIS
    if isinstance(node, dict):
        return any(_mentions(v) for k, v in node.items() if k != "_vars")
    if isinstance(node, list | tuple | set):
        return any(_mentions(v) for v in node)
    return False


def _triple_vars(triples) -> set:
    return {t for triple in triples for t in (triple[0], triple[2]) if isinstance(t, Variable)}


def _certain(node) -> set:
    """Variables every solution of the algebra ``node`` binds."""
    name = node.name
    if name == "BGP":
        return _triple_vars(node["triples"])
    if name == "Join":
        return _certain(node["p1"]) | _certain(node["p2"])
    if name == "LeftJoin":
        return _certain(node["p1"])
    if name == "Union":
        return _certain(node["p1"]) & _certain(node["p2"])
    if name == "Project":
        return _certain(node["p"]) & set(node["PV"])
    if name in ("Filter", "Extend", "Distinct", "Reduced", "OrderBy", "ToMultiSet"):
        return _certain(node["p"])
    return set()


def _parts(node) -> Iterator[CompValue]:
    """``node`` and the graph patterns under it."""
    yield node
    for key in ("p", "p1", "p2"):
        if isinstance(node.get(key), CompValue):
            yield from _parts(node[key])


def _check_prebinding(node, where: str) -> None:
    """Refuse queries where joining on $this afterwards differs from pySHACL's pre-bound $this: every
    expression and OPTIONAL reading $this must come after a pattern that binds it."""
    if not isinstance(node, CompValue):
        return
    for part in _parts(node):
        if part.name in _PREBINDING_UNSUPPORTED:
            raise UnsupportedShape(f"{where}: {_PREBINDING_UNSUPPORTED[part.name]} is not supported")
    name = node.name
    if name in _PREBINDING_UNSUPPORTED or (name == "ToMultiSet" and node["p"].name == "values"):
        raise UnsupportedShape(f"{where}: {_PREBINDING_UNSUPPORTED.get(name, 'VALUES')} is not supported")
    if name in ("Filter", "Extend") and _mentions(node["expr"]) and THIS not in _certain(node["p"]):
        raise UnsupportedShape(f"{where}: an expression reads $this before a triple pattern binds it")
    if name == "Extend" and node["var"] == THIS:
        raise UnsupportedShape(f"{where}: $this cannot be assigned")
    if name == "LeftJoin" and (_mentions(node["p2"]) or _mentions(node.get("expr"))):
        if THIS not in _certain(node["p1"]):
            raise UnsupportedShape(f"{where}: an OPTIONAL reads $this before a triple pattern binds it")
    if name == "Project" and _mentions(node["p"]) and THIS not in node["PV"]:
        raise UnsupportedShape(f"{where}: a subquery must project $this")
    if name not in ("BGP", "Filter", "Extend", "Join", "LeftJoin", "Union", "Project", "Distinct", "Reduced",
                    "OrderBy", "ToMultiSet"):  # fmt: skip
        raise UnsupportedShape(f"{where}: {name} is not supported in a SPARQL constraint")
    for key in ("p", "p1", "p2"):
        if key in node:
            _check_prebinding(node[key], where)


def _prefixes(g: Graph, node) -> dict[str, str]:
    """The PREFIX declarations pySHACL writes before a SPARQL constraint (SPARQLQueryHelper)."""
    out = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
    ontologies = set(g.subjects(RDF.type, OWL.Ontology))
    named = set(g.objects(g.identifier, SH.declare)) if g.identifier else set()
    shared = named.union(*(set(g.objects(o, SH.declare)) for o in ontologies))
    for holder in set(g.objects(node, SH.prefixes)):
        own = set(g.objects(holder, SH.declare))
        for declaration in (own | named) if own and holder in ontologies else (shared | own):
            prefixes = list(g.objects(declaration, SH.prefix))
            namespaces = list(g.objects(declaration, SH.namespace))
            if len(prefixes) != 1 or len(namespaces) != 1:
                raise UnsupportedShape(
                    f"{label(declaration)}: sh:declare needs one sh:prefix and one sh:namespace"
                )
            out[str(prefixes[0])] = str(namespaces[0])
    return out

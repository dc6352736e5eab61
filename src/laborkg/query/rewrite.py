"""Rewriting query texts: masking, projecting parameters for Oxigraph, binding them as terms for endpoints."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from laborkg.errors import QueryError
from laborkg.query.catalogue import check_iri

# ---------------------------------------------------------------------------------------------
# Projecting parameters (Oxigraph substitutes only variables of the outer SELECT projection)

_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_STRING = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'",
    re.S,
)
_AGGREGATE = re.compile(r"\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(", re.I)


def mask(text: str) -> str:
    """``text`` with comments, strings and IRIs blanked out (same length), so keywords and braces in
    them are not mistaken for the query's own."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
            continue
        m = _STRING.match(text, i) if c in "\"'" else _IRI.match(text, i) if c == "<" else None
        if m:
            out.append(c + " " * (m.end() - i - 2) + text[m.end() - 1])
            i = m.end()
            continue
        out.append(c)
        i += 1
    return "".join(out)


def outer(masked: str, pattern: str):
    """The first match of ``pattern`` outside every ``{…}`` (the outermost query, not a subquery)."""
    depth, depths = 0, []
    for ch in masked:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        depths.append(depth)
    for m in re.finditer(pattern, masked, re.I):
        if depths[m.start()] == 0:
            return m
    return None


def _projected(clause: str) -> set[str]:
    """Variables a SELECT clause projects: bare ``?v`` and ``(… AS ?v)``."""
    out, depth = set(), 0
    for m in re.finditer(r"[()]|\bAS\s+[?$](\w+)|[?$](\w+)", clause, re.I):
        tok = m.group(0)
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
        elif m.group(1):
            out.add(m.group(1))
        elif depth == 0:
            out.add(m.group(2))
    return out


def project_parameters(text: str, names: Iterable[str]) -> tuple[str, list[str]]:
    """``text`` with the variables ``names`` added to its outermost SELECT projection (and GROUP BY) where
    it does not project them yet, so that Oxigraph can substitute them; and the names it added.

    Only variable names are added, never values: the values are bound by the engine. ASK, CONSTRUCT and
    DESCRIBE queries are returned unchanged (Oxigraph substitutes in them as they are)."""
    masked = mask(text)
    select = outer(masked, r"\bSELECT\b(\s+(DISTINCT|REDUCED)\b)?")
    if select is None:
        return text, []
    where = outer(masked[select.end() :], r"\bWHERE\b|\{")
    clause = masked[select.end() : select.end() + (where.start() if where else len(masked))]
    if clause.strip().startswith("*"):
        missing = list(names)
        if missing:
            raise QueryError("a packaged query with parameters must list its variables, not SELECT *")
        return text, []
    missing = [n for n in names if n not in _projected(clause)]
    if not missing:
        return text, []
    group = outer(masked, r"\bGROUP\s+BY\b")
    if group is None and _AGGREGATE.search(clause):
        raise QueryError("a packaged query that aggregates without GROUP BY cannot take parameters")
    extra = "".join(f" ?{n}" for n in missing)
    inserts = [(select.end(), extra)] + ([(group.end(), extra)] if group else [])
    for pos, piece in sorted(inserts, reverse=True):
        text = text[:pos] + piece + text[pos:]
    return text, missing


# ---------------------------------------------------------------------------------------------
# RDF terms as SPARQL text


_LANG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_ESCAPE = re.compile(r'[\\"\n\r\t\b\f]')


def _escape(text: str) -> str:
    return _ESCAPE.sub(lambda m: _ESCAPES[m.group(0)], text)


def sparql_term(term) -> str:
    """An rdflib term as SPARQL (and N-Triples) text that reads back as exactly that term."""
    if isinstance(term, URIRef):
        return f"<{check_iri(str(term))}>"
    if isinstance(term, Literal):
        if "\x00" in str(term):  # endpoints written in C (Virtuoso) end the query text there
            raise QueryError("a value with a NUL character cannot be sent to an endpoint")
        body = f'"{_escape(str(term))}"'
        if term.language:
            if not _LANG.match(term.language):
                raise QueryError(f"{term.language!r} is not a language tag")
            return f"{body}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{body}^^{sparql_term(URIRef(term.datatype))}"
        return body
    if isinstance(term, BNode):
        return "_:b" + re.sub(r"[^A-Za-z0-9]", "x", str(term))
    raise QueryError(f"cannot write {term!r} as a SPARQL term")


# ---------------------------------------------------------------------------------------------
# Binding parameters into a query's text

_VAR = r"[?$]({})(?![\w\u00b7\u0300-\u036f\u203f-\u2040])"
_FORM = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.I)
_MODIFIER_END = {
    "group": r"\bHAVING\b|\bORDER\s+BY\b|\bLIMIT\b|\bOFFSET\b|\bVALUES\b|[{}]",
    "order": r"\bLIMIT\b|\bOFFSET\b|\bVALUES\b|[{}]",
}


@dataclass
class _Query:
    """Where the parts of one query or subquery are in its (masked) text."""

    outer: bool
    where: int  # the opening brace of its WHERE group
    close: int  # the closing brace of its WHERE group
    projection: tuple[int, int] | None = None  # SELECT's variables and expressions
    group: tuple[int, int, int] | None = None  # (keyword, start, end) of the GROUP BY conditions
    order: tuple[int, int, int] | None = None  # (keyword, start, end) of the ORDER BY conditions


def _structure(masked: str) -> tuple[list[_Query], list[int]]:
    """Every query and subquery of a masked query text, and the parenthesis depth before each character."""
    depth, level, braces, parens, stack, match = 0, 0, [], [], [], {}
    for i, ch in enumerate(masked):
        braces.append(depth)
        parens.append(level)
        if ch == "{":
            stack.append(i)
            depth += 1
        elif ch == "}":
            depth -= 1
            if stack:
                match[stack.pop()] = i
        elif ch == "(":
            level += 1
        elif ch == ")":
            level -= 1

    def first(pattern: str, start: int, at_depth: int) -> re.Match | None:
        for e in re.finditer(pattern, masked[start:], re.I):
            if braces[start + e.start()] <= at_depth:
                return e
        return None

    out = []
    for m in _FORM.finditer(masked):
        d, form = braces[m.start()], m.group(1).upper()
        projection = None
        if form == "SELECT":
            modifier = re.compile(r"\s+(DISTINCT|REDUCED)\b", re.I).match(masked, m.end())
            start = modifier.end() if modifier else m.end()
            end = first(r"\bWHERE\b|\{", start, d)
            if end is None:
                continue
            projection = (start, start + end.start())
            where = masked.find("{", start + end.start())
        elif form == "CONSTRUCT":
            keyword = first(r"\bWHERE\b", m.end(), d)
            where = masked.find("{", m.end() + keyword.end() if keyword else m.end())
        else:
            where = masked.find("{", m.end())
        if where not in match:
            continue
        query = _Query(outer=d == 0, where=where, close=match[where], projection=projection)
        pos = match[where] + 1
        group = re.compile(r"\s*(GROUP\s+BY)\b", re.I).match(masked, pos)
        if group:
            end = first(_MODIFIER_END["group"], group.end(), d)
            pos = group.end() + end.start() if end else len(masked)
            query.group = (group.start(1), group.end(), pos)
        order = re.compile(r"[^{}]*?\b(ORDER\s+BY)\b", re.I | re.S).match(masked, pos)
        if order:
            end = first(_MODIFIER_END["order"], order.end(), d)
            query.order = (order.start(1), order.end(), order.end() + end.start() if end else len(masked))
        out.append(query)
    return out, parens


def bind_parameters(text: str, values: dict[str, object]) -> str:
    """``text`` with each variable named in ``values`` bound to its value written as an RDF term
    (:func:`sparql_term`), never as raw text:

    - in a WHERE group, an expression or a CONSTRUCT template the term replaces the variable;
    - a bare ``?p`` in a SELECT projection becomes ``(TERM AS ?p)``; in a subquery's projection it is
      dropped (the outer query has the term);
    - a parameter that is a GROUP BY key stays a variable throughout, bound by ``VALUES ?p { TERM }`` at the
      start of each WHERE group that uses it (grouping on nothing would turn no rows into one group; and
      Virtuoso 7.2 loses rows when the key is a constant);
    - a bare ``?p`` in ORDER BY is dropped (a constant key orders nothing).

    Raises :class:`QueryError` where the query assigns a parameter (``AS ?p``, ``VALUES ?p``)."""
    if not values:
        return text
    terms = {name: sparql_term(term) for name, term in values.items()}
    masked = mask(text)
    var = _VAR.format("|".join(re.escape(n) for n in sorted(terms, key=len, reverse=True)))
    found = list(re.finditer(var, masked))
    if not found:
        return text
    for m in re.finditer(r"\bVALUES\s*(\([^)]*\)|[?$]\w+)", masked, re.I):
        if any(m.start() <= v.start() < m.end() for v in found):
            raise QueryError(
                "a packaged query that lists a parameter in VALUES cannot be sent to an endpoint"
            )
    for v in found:
        if re.search(r"\bAS\s*$", masked[max(0, v.start() - 40) : v.start()], re.I):
            raise QueryError(
                f"a packaged query that assigns its parameter ?{v.group(1)} cannot be sent to an endpoint"
            )
    structure, parens = _structure(masked)

    def where_is(pos: int):
        """(query, clause name, bare) for a variable at ``pos``; the innermost clause holding it."""
        for query in sorted(structure, key=lambda q: -q.where):
            for kind in ("projection", "group", "order"):
                span = getattr(query, kind)
                if span is None:
                    continue
                start, end = span[-2], span[-1]
                if start <= pos < end:
                    return query, kind, parens[pos] == parens[start]
        return None, None, False

    located = [(v, *where_is(v.start())) for v in found]
    kept = {v.group(1) for v, q, kind, bare in located if kind == "group" and bare}
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), applied right to left
    emptied: set[tuple[int, str]] = set()
    for v, query, kind, bare in located:
        name = v.group(1)
        term = terms[name]
        if name in kept:
            continue  # a group key: bound by VALUES at the start of each WHERE group using it
        if not bare:
            edits.append((v.start(), v.end(), term))
        elif kind == "projection" and query.outer:
            edits.append((v.start(), v.end(), f"({term} AS ?{name})"))
        else:  # a subquery's projection, or ORDER BY
            edits.append((v.start(), v.end(), ""))
            emptied.add((id(query), kind))
    for query in structure:
        names = sorted(
            {v.group(1) for v in found if v.group(1) in kept and query.where < v.start() < query.close}
        )
        if names:
            clause = "".join(f" VALUES ?{n} {{ {terms[n]} }}" for n in names)
            edits.append((query.where + 1, query.where + 1, clause))
        for kind in ("projection", "order"):
            if (id(query), kind) not in emptied:
                continue
            span = getattr(query, kind)
            if re.sub(var, "", masked[span[-2] : span[-1]]).strip():
                continue
            if kind == "projection":
                edits.append((span[0], span[0], " (1 AS ?laborkg_placeholder)"))
            else:
                edits.append((span[0], span[1], ""))
    for start, end, piece in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + piece + text[end:]
    return text

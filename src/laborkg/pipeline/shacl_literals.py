"""SPARQL expressions that judge a value as pySHACL does on rdflib terms (sh:datatype, value ranges,
sh:pattern), for :mod:`laborkg.pipeline.shacl_sparql`."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib import term as rdflib_term
from rdflib.namespace import RDF, RDFS, XSD

from laborkg.errors import LaborKGError


class UnsupportedShape(LaborKGError):
    """The shapes use a SHACL feature the SPARQL compiler does not translate (exit 2): nothing runs, so
    that no constraint is skipped."""


# What rdflib's Literal(...) accepts for each datatype, as a regex on the lexical form (Python's int(),
# Decimal() and float(); surrounding whitespace is what str.strip() removes).
_WS = r"[\s\x1c-\x1f]*"
_INT_RE = rf"^{_WS}[+-]?\d+(_\d+)*{_WS}$"
_DECIMAL_RE = (
    rf"^{_WS}[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|inf(inity)?|s?nan\d*){_WS}$"  # "_" removed first
)
_FLOAT_RE = (
    r"^\s*[+-]?((\d+(_\d+)*(\.(\d+(_\d+)*)?)?|\.\d+(_\d+)*)([eE][+-]?\d+(_\d+)*)?|inf(inity)?|nan)\s*$"
)
# rdflib's xsd:date: a trailing Z dropped, then a time part (T…) or a +hh:mm / -hh:mm zone, then
# date.fromisoformat (ISO week dates left out: see docs/architecture.md).
_DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(T.*|(\+[^+T]*|-[^-+T]*:[^-+T]*)?[Zz]?)$"

# rdflib's numeric datatypes (rdflib.term._NUMERIC_LITERAL_TYPES) and the ranges its checkers enforce.
_INTEGER_RANGES: dict[URIRef, tuple[int | None, int | None]] = {
    XSD.integer: (None, None),
    XSD.long: (None, None),
    XSD.int: (-(2**31), 2**31 - 1),
    XSD.short: (-(2**15), 2**15 - 1),
    XSD.byte: (-(2**7), 2**7 - 1),
    XSD.unsignedLong: (0, None),
    XSD.unsignedInt: (0, 2**32 - 1),
    XSD.unsignedShort: (0, 2**16 - 1),
    XSD.unsignedByte: (0, 2**8 - 1),
    XSD.nonNegativeInteger: (0, None),
    XSD.positiveInteger: (1, None),
    XSD.negativeInteger: (None, -1),
    XSD.nonPositiveInteger: (None, 0),
}
NUMERIC = (*_INTEGER_RANGES, XSD.decimal, XSD.double, XSD.float)
# Oxigraph stores a valid value of a type derived from xsd:integer as xsd:integer: those types cannot be
# told apart on the store.
DERIVED_INTEGERS = tuple(t for t in _INTEGER_RANGES if t != XSD.integer)
# Datatypes whose rdflib value is a Python str (plain and language-tagged literals too).
_STRING_VALUED = (XSD.string, XSD.normalizedString, XSD.token, XSD.language, XSD.anyURI)


def sparql_string(text: str) -> str:
    """``text`` as a SPARQL string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"'


def sparql_term(term) -> str:
    """An IRI or a literal of the shapes graph as SPARQL text (blank nodes have no SPARQL constant)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        if term.language:
            return f"{sparql_string(str(term))}@{term.language}"
        return f"{sparql_string(str(term))}^^<{term.datatype or XSD.string}>"
    raise UnsupportedShape(f"the blank node {term.n3()} is used as a value, which SPARQL cannot name")


def _in(expr: str, terms) -> str:
    return f"{expr} IN ({', '.join(f'<{t}>' for t in terms)})"


def _value(v: str) -> str:
    """The number rdflib reads from ``v``: Oxigraph's when it holds a valid number, else the lexical form
    without whitespace and '_' read as a decimal (an error where that is not one)."""
    return f'IF(ISNUMERIC({v}), {v}, <{XSD.decimal}>(REPLACE(STR({v}), "[\\\\s\\\\x1c-\\\\x1f_]", "")))'


def _well_typed_numeric(v: str, datatype: URIRef) -> str:
    """True where rdflib reads ``v`` (of ``datatype``, a numeric type) as a well-typed number."""
    if datatype in (XSD.double, XSD.float):
        return f'(ISNUMERIC({v}) || REGEX(STR({v}), {sparql_string(_FLOAT_RE)}, "i"))'
    if datatype == XSD.decimal:
        return f'(ISNUMERIC({v}) || REGEX(REPLACE(STR({v}), "_", ""), {sparql_string(_DECIMAL_RE)}, "i"))'
    low, high = _INTEGER_RANGES[datatype]
    parse = f"(ISNUMERIC({v}) || REGEX(STR({v}), {sparql_string(_INT_RE)}))"
    bounds = ([f"{_value(v)} >= {low}"] if low is not None else []) + (
        [f"{_value(v)} <= {high}"] if high is not None else []
    )
    if not bounds:
        return parse
    return f"({parse} && COALESCE({' && '.join(bounds)}, false))"


def well_typed(v: str) -> str:
    """True where ``v`` is a literal of one of rdflib's numeric types that rdflib reads as well typed."""
    cases = [f"(DATATYPE({v}) = <{t}> && {_well_typed_numeric(v, t)})" for t in NUMERIC]
    return f"COALESCE(isLiteral({v}) && ({' || '.join(cases)}), false)"


def datatype_matches(v: str, datatype: URIRef) -> str:
    """An expression (never an error) true where pySHACL finds ``v`` a literal of ``datatype``."""
    if datatype == RDFS.Literal:
        return f"isLiteral({v})"
    if datatype == RDF.langString:
        return f'(isLiteral({v}) && LANG({v}) != "")'
    if datatype in DERIVED_INTEGERS:
        raise UnsupportedShape(
            f"sh:datatype <{datatype}>: the store keeps valid values of types derived from xsd:integer "
            "as xsd:integer, so it cannot tell them apart"
        )
    same = f"isLiteral({v}) && DATATYPE({v}) = <{datatype}>"
    if datatype in NUMERIC:
        return f"COALESCE({same} && {_well_typed_numeric(v, datatype)}, false)"
    if datatype == XSD.boolean:  # rdflib's checker: exactly these lexical forms
        return f'COALESCE({same} && STR({v}) IN ("true", "false", "1", "0"), false)'
    if datatype == XSD.date:
        valid_day = f"DATATYPE(<{XSD.date}>(SUBSTR(STR({v}), 1, 10))) = <{XSD.date}>"
        pattern = f"REGEX(STR({v}), {sparql_string(_DATE_RE)}, 's')"
        return f'COALESCE({same} && {pattern} && SUBSTR(STR({v}), 1, 4) != "0000" && {valid_day}, false)'
    if datatype in _STRING_VALUED or datatype not in rdflib_term.XSDToPython:
        # a string, or a datatype rdflib's own table does not read (owlrl adds xsd:gYear and a few more
        # when it reasons, for the literals made afterwards in that process): any lexical form
        return f"COALESCE({same}, false)"
    raise UnsupportedShape(f"sh:datatype <{datatype}> is not supported by the SPARQL compiler")


_RANGE_OPERATORS = {
    "minInclusive": ">=",
    "minExclusive": ">",
    "maxInclusive": "<=",
    "maxExclusive": "<",
}


def in_range(v: str, kind: str, bound: Literal) -> str:
    """An expression (never an error) true where pySHACL finds ``v`` within sh:``kind`` ``bound`` (a
    number): numbers compare by value; rdflib orders other literals by their datatype's IRI."""
    if not (
        isinstance(bound, Literal) and bound.datatype in (XSD.integer, XSD.decimal) and not bound.ill_typed
    ):
        raise UnsupportedShape(
            f"sh:{kind} {bound.n3()}: only xsd:integer and xsd:decimal bounds are supported"
        )
    op = _RANGE_OPERATORS[kind]
    upward = op.startswith(">")
    number = f"COALESCE({_value(v)} {op} {sparql_term(bound)}, false)"
    # Not a well-typed number: rdflib compares the datatypes' IRIs, except for an ill-typed literal of the
    # bound's own datatype (an error) and for values Python holds as datetime or time (an error too).
    datatype_order = f"STR(DATATYPE({v})) {'>' if upward else '<'} {sparql_string(str(bound.datatype))}"
    temporal = f"<{XSD.time if upward else XSD.dateTime}>"
    is_temporal = f"(DATATYPE({v}) = {temporal} && COALESCE({temporal}({v}) = {v}, false))"
    other = f"(DATATYPE({v}) != <{bound.datatype}> && !{is_temporal} && {datatype_order})"
    string_valued = f'(LANG({v}) != "" || {_in(f"DATATYPE({v})", _STRING_VALUED)})'
    return f"COALESCE(isLiteral({v}) && !{string_valued} && IF({well_typed(v)}, {number}, {other}), false)"


def sparql_regex(pattern: str, flags: str) -> tuple[str, str]:
    """(pattern, flags) for SPARQL REGEX on Oxigraph (Rust's regex crate) that match as Python's
    ``re.search`` does with pySHACL's flags (only i and m), or :class:`UnsupportedShape`.

    Python's ``$`` also matches before a final newline: outside multi-line mode it becomes ``(?:\\n?$)``.
    Constructs with no equivalent (look-around, back-references, ``\\Z``, inline flags, possessive
    quantifiers) are refused."""
    try:
        re.compile(pattern)
    except re.error as e:
        raise UnsupportedShape(f"sh:pattern {pattern!r} is not a regular expression: {e}") from None
    kept = "".join(f for f in "im" if f in flags.lower())

    def refuse(what: str):
        return UnsupportedShape(f"sh:pattern {pattern!r}: {what} is not supported by the SPARQL compiler")

    out = []
    i, in_class = 0, False
    while i < len(pattern):
        c, nxt = pattern[i], pattern[i + 1 : i + 2]
        if c == "\\":
            if nxt.isdigit() or nxt in ("Z", "N", "<", ">") or (in_class and nxt == "b"):
                raise refuse(f"\\{nxt}")
            out.append(c + nxt)
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            elif c == "[":
                raise refuse("a nested [ in a character class")
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            if pattern[i : i + 1] == "^":
                out.append("^")
                i += 1
            if pattern[i : i + 1] == "]":  # a leading ] is a literal in Python
                out.append("\\]")
                i += 1
            continue
        quantifier = re.match(r"\{(\d*)(,\d*)?\}", pattern[i:])
        if c == "{" and quantifier and (quantifier.group(1) or quantifier.group(2)):
            low = quantifier.group(1) or "0"
            out.append("{" + low + (quantifier.group(2) or "") + "}")
            i += len(quantifier.group(0))
            c, nxt = "}", pattern[i : i + 1]
        elif c in "{}":
            out.append("\\" + c)
            i += 1
            continue
        elif c == "(" and nxt == "?" and pattern[i + 2 : i + 3] != ":":
            raise refuse("(?" + pattern[i + 2 : i + 3] + "…)")
        elif c == "$" and "m" not in kept:
            out.append("(?:\\n?$)")
            i += 1
            continue
        else:
            out.append(c)
            i += 1
        if c in "*+?}" and pattern[i : i + 1] == "+":
            raise refuse("a possessive quantifier")
    return "".join(out), kept

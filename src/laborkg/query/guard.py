"""What an ad-hoc query may do, checked on the lexer's reading; the text it returns is the one to run.

Read-only (no update operation), no SERVICE unless its endpoint is allowed, nesting and size bounded.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from laborkg.errors import QueryError
from laborkg.query.lexer import Token, iri_text, string_text, tokenize

MAX_DEPTH = 64
"""Deepest nesting of ``{``, ``(`` and ``[`` allowed. pyoxigraph 0.5.13 overflows its stack (a segfault of
the whole process) at about 2,200 nested groups and 4,600 nested parentheses on an 8 MiB stack."""

MAX_LENGTH = 100_000
"""Longest query text allowed, in characters."""

MAX_CHAIN = 500
"""Most operators and UNION, OPTIONAL, MINUS, BIND, FILTER, GRAPH, SERVICE, EXISTS a query may hold: a
chain of them makes a tree as deep as it is long, and pyoxigraph 0.5.13 overflows its stack on chains of
about 3,000 BINDs or MINUSes, 6,500 UNIONs, 9,000 ||s (measured on an 8 MiB stack)."""

CHAINING = frozenset({"UNION", "OPTIONAL", "MINUS", "BIND", "FILTER", "GRAPH", "SERVICE", "EXISTS"})
OPERATORS = frozenset({"||", "&&", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "|", "^"})

UPDATES = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
"""Words that only SPARQL Update uses: an ad-hoc query holding one as a keyword is refused."""

READ_ONLY = "updates (INSERT, DELETE, LOAD, CLEAR, …) are not allowed: laborkg is read-only"

_COMMENT = re.compile(r"#[^\r\n]*")


def check(
    text: str,
    allow_service: Iterable[str] = (),
    max_depth: int = MAX_DEPTH,
    max_length: int = MAX_LENGTH,
    prefixes: Mapping[str, str] | None = None,
    max_chain: int = MAX_CHAIN,
) -> str:
    """The text to run for the ad-hoc query ``text``, or a one-line :class:`QueryError`.

    The returned text is ``text`` as read by :func:`laborkg.query.lexer.tokenize` and written back with
    no comments, line ends as LF, and no codepoint escapes (strings and IRIs holding one are rewritten),
    so every engine reads it as it was checked. Refused: update operations, SERVICE to an endpoint that
    is not in ``allow_service`` (a variable endpoint always), nesting deeper than ``max_depth``, texts
    longer than ``max_length``, more than ``max_chain`` operators and clauses (:data:`MAX_CHAIN`).
    ``prefixes`` are declared before ``text`` (default: laborkg's)."""
    if prefixes is None:
        from laborkg.namespace import PREFIXES

        prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    allowed = tuple(sorted({str(a) for a in allow_service}))
    return _check(text, allowed, max_depth, max_length, tuple(sorted(prefixes.items())), max_chain)


@functools.lru_cache(maxsize=256)
def _check(
    text: str, allowed: tuple, max_depth: int, max_length: int, prefixes: tuple, max_chain: int
) -> str:
    if len(text) > max_length:
        raise QueryError(f"the query is longer than {max_length} characters, the limit for ad-hoc queries")
    tokens = tokenize(text)
    declared = dict(prefixes)
    depth = extra = chain = 0
    for k, token in enumerate(tokens):
        word = token.text.upper() if token.kind == "word" else ""
        if (
            word in CHAINING
            or (token.kind == "punct" and token.text in OPERATORS)
            or (token.kind == "number" and token.text[0] in "+-")  # 1 -1: a subtraction
        ):
            chain += 1
            if chain > max_chain:
                raise QueryError(
                    f"the query holds more than {max_chain} operators and UNION, OPTIONAL, MINUS, BIND or "
                    "FILTER clauses, the limit for ad-hoc queries"
                )
        if token.text in ("{", "(", "["):
            depth += 1
        elif token.text in ("}", ")", "]"):
            depth -= 1
        elif token.kind == "iri":
            # read as code by a parser that took its "<" for less-than, its brackets would nest
            peak, net = _brackets(token.value)
            if depth + extra + peak > max_depth:
                raise _too_deep(max_depth)
            extra += max(0, net)
        if depth + extra > max_depth:
            raise _too_deep(max_depth)
        if word in UPDATES:
            raise QueryError(READ_ONLY)
        if word == "PREFIX" and k + 2 < len(tokens) and tokens[k + 2].kind == "iri":
            declared[tokens[k + 1].text[:-1]] = tokens[k + 2].value
        if word == "SERVICE":
            _service(tokens, k + 1, declared, allowed)
    return _written(text, tokens)


def _too_deep(max_depth: int) -> QueryError:
    return QueryError(f"the query is nested too deeply (more than {max_depth} levels of {{ }}, ( ) or [ ])")


def _brackets(value: str) -> tuple[int, int]:
    peak = net = 0
    for c in value:
        if c in "([":
            net += 1
            peak = max(peak, net)
        elif c in ")]":
            net -= 1
    return peak, net


def _service(tokens: list[Token], k: int, declared: dict, allowed: tuple) -> None:
    if k < len(tokens) and tokens[k].kind == "word" and tokens[k].text.upper() == "SILENT":
        k += 1
    endpoint = tokens[k] if k < len(tokens) else None
    if endpoint is not None and endpoint.kind == "var":
        raise QueryError("SERVICE with a variable endpoint is not allowed")
    if endpoint is None or endpoint.kind not in ("iri", "pname"):
        raise QueryError("malformed SPARQL query: SERVICE must be followed by its endpoint")
    if endpoint.kind == "iri":
        iri = endpoint.value
    else:
        prefix, _, local = endpoint.text.partition(":")
        if prefix not in declared:
            raise QueryError(f"SERVICE {endpoint.text} is not allowed (its prefix is not declared)")
        iri = declared[prefix] + re.sub(r"\\(.)", r"\1", local)
    if iri not in allowed:
        raise QueryError(f"SERVICE <{iri}> is not allowed (use --allow-service {iri} to permit it)")


def _written(text: str, tokens: list[Token]) -> str:
    out: list[str] = []
    end = 0
    for token in tokens:
        gap = _blank(text[end : token.start])
        if not gap and out and out[-1] in ("<", "<="):
            gap = " "  # less-than stays less-than for a reader that would try an IRI here
        out.append(gap)
        if token.kind == "iri" and ("\\" in token.text or "'" in token.text):
            out.append(iri_text(token.value))
        elif token.kind == "string" and "\\u" in token.text.lower():
            out.append(string_text(token.value))
        else:
            out.append(token.text)
        end = token.start + len(token.text)
    return "".join(out) + _blank(text[end:])


def _blank(gap: str) -> str:
    """Whitespace and comments between two tokens as whitespace alone, every line end an LF."""
    if "#" in gap:
        gap = _COMMENT.sub("", gap)
    return gap.replace("\r\n", "\n").replace("\r", "\n") if "\r" in gap else gap

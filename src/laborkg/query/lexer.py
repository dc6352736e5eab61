"""Read a SPARQL query text the way the SPARQL 1.1 grammar and Oxigraph do: a list of tokens.

Measured on pyoxigraph 0.5.13: comments end at LF or CR only; whitespace is space, tab, CR, LF; codepoint
escapes are decoded inside strings and IRIs only (elsewhere they are a syntax error, and so they are here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from laborkg.errors import QueryError

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PREFIX = rf"(?:[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?)?:"
_LOCAL = rf"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"

WHITESPACE = " \t\r\n"
"""The only whitespace Oxigraph accepts (form feed, NEL, U+2028, NBSP, a BOM: syntax errors)."""
LINE_ENDS = "\r\n"
"""What ends a ``#`` comment for Oxigraph and the grammar (not U+2028, NEL, VT or FF); rdflib: LF only."""

_PATTERNS = [
    ("pname", re.compile(rf"{_PREFIX}(?:{_LOCAL})?")),
    ("blank", re.compile(rf"_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?")),
    ("var", re.compile(rf"[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*")),
    (
        "number",
        re.compile(r"[+-]?(?:[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.?[0-9]+[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+)"),
    ),
    ("langtag", re.compile(r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")),
    ("word", re.compile(r"[A-Za-z][A-Za-z0-9_]*")),
    ("punct", re.compile(r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;*+\-/!=<>^|?]")),
]
_IRI = re.compile(r'<((?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*)>')
_IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ESCAPED_LINE_END = re.compile(r"\\u000[aAdD]|\\U0000000[aAdD]")
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_OPERANDS = {"var", "iri", "pname", "string", "number", "langtag", "blank"}


@dataclass(frozen=True)
class Token:
    """One terminal: ``kind`` (iri, pname, var, string, number, langtag, blank, word, punct), the text as
    written (``text``, at ``start``), and for strings and IRIs the ``value`` with escapes decoded."""

    kind: str
    text: str
    start: int
    value: str = ""
    in_expression: bool = False
    """For ``(``: whether it opens an expression (where ``<`` after an operand is less-than)."""


def malformed(text: str, pos: int, why: str) -> QueryError:
    """A one-line "malformed SPARQL query" error naming the line and column of ``pos`` in ``text``."""
    line = text.count("\n", 0, pos) + text.count("\r", 0, pos) - text.count("\r\n", 0, pos) + 1
    column = pos - max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos))
    return QueryError(f"malformed SPARQL query: {why} (line:{line} col:{column})")


def _codepoint(text: str, pos: int, digits: str) -> str:
    value = int(digits, 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        raise malformed(text, pos, f"\\u{digits} is not a Unicode character")
    return chr(value)


def _string(text: str, pos: int) -> tuple[int, str]:
    """The end of the string literal at ``pos`` (any of the four quote forms) and its decoded value."""
    quote = text[pos]
    long = text.startswith(quote * 3, pos)
    i = pos + (3 if long else 1)
    out: list[str] = []
    while True:
        if i >= len(text):
            raise malformed(text, pos, "unterminated string")
        c = text[i]
        if long and text.startswith(quote * 3, i):
            return i + 3, "".join(out)
        if not long and c == quote:
            return i + 1, "".join(out)
        if not long and c in LINE_ENDS:
            raise malformed(text, i, "a line break in a short string (use a \\n escape or triple quotes)")
        if c == "\\":
            nxt = text[i + 1 : i + 2]
            if nxt in _ECHAR:
                out.append(_ECHAR[nxt])
                i += 2
                continue
            m = _UCHAR.match(text, i)
            if not m:
                raise malformed(text, i, f"invalid escape {text[i : i + 2]!r} in a string")
            out.append(_codepoint(text, i, m.group(1) or m.group(2)))
            i = m.end()
            continue
        out.append(c)
        i += 1


def _iri(text: str, pos: int) -> tuple[int, str] | None:
    """The end and decoded value of the IRIREF at ``pos``, or None when ``<`` does not start one."""
    m = _IRI.match(text, pos)
    if not m:
        return None
    value = _UCHAR.sub(lambda u: _codepoint(text, pos, u.group(1) or u.group(2)), m.group(1))
    if _IRI_FORBIDDEN.search(value):  # Oxigraph refuses these too ("IRI parsing failed")
        raise malformed(text, pos, "an escape in an IRI stands for a character IRIs cannot hold")
    return m.end(), value


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` (comments and whitespace dropped), or a :class:`QueryError`.

    ``<`` is read as the grammar's parsers read it: less-than right after an operand inside an expression's
    parentheses, else the start of an IRI when one follows. ``(`` tokens say whether they open an expression:
    after FILTER, BIND, a function's name, at the top level (SELECT, GROUP BY, ORDER BY, HAVING) or inside
    another expression; not a collection, a VALUES row or a property path's group."""
    tokens: list[Token] = []
    stack: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in WHITESPACE:
            i += 1
            continue
        if c == "#":
            end = min((j for j in (text.find("\n", i), text.find("\r", i)) if j >= 0), default=n)
            if _ESCAPED_LINE_END.search(text, i, end):
                raise malformed(text, i, "a \\u000A or \\u000D escape in a comment (engines disagree on it)")
            i = end
            continue
        if c in "\"'":
            end, value = _string(text, i)
            tokens.append(Token("string", text[i:end], i, value))
            i = end
            continue
        prev = tokens[-1] if tokens else None
        if c == "<":
            top = stack[-1] if stack else None
            after_operand = prev is not None and (
                prev.kind in _OPERANDS
                or prev.text in (")", "]")
                or (prev.kind == "word" and prev.text.lower() in ("true", "false"))
            )
            in_expression = top is not None and top.text == "(" and top.in_expression
            iri = None if (after_operand and in_expression) else _iri(text, i)
            if iri is not None:
                tokens.append(Token("iri", text[i : iri[0]], i, iri[1]))
                i = iri[0]
                continue
        if c == "\\":
            if _UCHAR.match(text, i):
                raise malformed(
                    text, i, "codepoint escapes (\\uXXXX) are only allowed inside strings and IRIs"
                )
            raise malformed(text, i, "unexpected backslash")
        for kind, pattern in _PATTERNS:  # noqa: B007 - the kind of the match
            m = pattern.match(text, i)
            if m:
                break
        else:
            raise malformed(text, i, f"unexpected character {c!r}")
        word = m.group()
        if word == "(":
            tokens.append(Token("punct", "(", i, in_expression=_opens_expression(tokens, stack)))
            stack.append(tokens[-1])
        else:
            tokens.append(Token(kind, word, i))
            if word in ("{", "["):
                stack.append(tokens[-1])
            elif word in ("}", ")", "]"):
                if not stack or stack[-1].text + word not in ("{}", "()", "[]"):
                    raise malformed(text, i, f"unbalanced {word!r}")
                stack.pop()
        i = m.end()
    if stack:
        raise malformed(text, stack[-1].start, f"{stack[-1].text!r} is never closed")
    return tokens


def _opens_expression(tokens: list[Token], stack: list[Token]) -> bool:
    """Whether a ``(`` read now (not yet in ``tokens``) opens an expression."""
    if not stack:
        return True  # SELECT (… AS ?x), GROUP BY (…), ORDER BY ASC(…), HAVING (…)
    top = stack[-1]
    if top.text == "(":
        return top.in_expression  # inside an expression: calls and groups; inside a collection: a list
    prev = tokens[-1] if tokens else None
    if prev is None:
        return False
    if prev.kind == "word":
        return prev.text != "a" and prev.text.upper() != "VALUES"  # FILTER, BIND, a built-in's name
    before = tokens[-2] if len(tokens) > 1 else None
    return (
        prev.kind in ("iri", "pname")
        and before is not None
        and before.kind == "word"
        and before.text.upper() == "FILTER"
    )


def iri_text(value: str) -> str:
    """An IRI as an IRIREF with no escapes (``'`` written as ``\\u0027``, which every reader decodes as
    part of the IRI, never as the start of a string)."""
    return "<" + value.replace("'", "\\u0027") + ">"


def string_text(value: str) -> str:
    """A string literal as a double-quoted literal with no codepoint escapes."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'

"""A remote SPARQL 1.1 endpoint as a laborkg store, and ``laborkg push`` to fill one.

:class:`EndpointStore` sends packaged and ad-hoc queries over the SPARQL 1.1 Protocol (an URL-encoded
POST, or GET) with the standard library's ``urllib`` and parses the answers (SPARQL JSON or XML results,
N-Triples or Turtle graphs) into the same :class:`~laborkg.engine.Answer` of rdflib terms as the
embedded stores, so rendering, labels and the Python API work unchanged. ``docs/endpoints.md`` gives the
URLs of Virtuoso, Fuseki, GraphDB and QLever.

**Parameters.** The protocol has no bindings, so each parameter of a packaged query is written into the
query as an RDF term serialised here (:func:`sparql_term`), never as raw text: an IRI is checked against
the SPARQL ``IRIREF`` grammar (no spaces, quotes, ``<>{}|^`\\``) before it is written between ``<…>``;
a literal is written between double quotes with ``\\``, ``"`` and line breaks escaped, so nothing in it
can end the string; a language tag and a datatype IRI are checked too. The term takes the variable's
place where it occurs (:func:`bind_parameters`): in a SELECT projection a bare ``?p`` becomes ``(TERM AS
?p)`` (in a subquery it is dropped: the outer query has the term), in ORDER BY it is dropped; a parameter
that is a GROUP BY key stays a variable, bound by ``VALUES ?p { TERM }`` at the start of each WHERE group
using it. A query that assigns a parameter (``AS ?p``, ``VALUES ?p``) is refused. The bound query is
parsed again before it is sent, so a mistake here fails loudly instead of sending something else.

**Dataset.** Queries read the graph ``graph`` (sent as ``default-graph-uri``; default
:data:`DEFAULT_GRAPH`, where ``laborkg push`` puts the closure). ``graph=None`` reads the endpoint's own
default graph.

**Incomplete answers are errors** (:class:`~laborkg.errors.RemoteError`, exit 4), never rows:

- HTTP 206, or an ``X-SQL-State`` header (Virtuoso's "anytime" partial results: 206 from Virtuoso 7.2.6
  on, a 200 with ``X-SQL-State: S1TAT`` in 7.2.5);
- a silent cap on the number of rows (Virtuoso's ``ResultSetMaxRows``). The cap is known when the
  endpoint announces it (Virtuoso's ``X-SPARQL-MaxRows`` header, sent when a result reaches it), when it
  is given (``max_rows``), or else it is measured: the first time an answer has ``n`` rows or triples, a
  cheap probe asks for ``n + 1`` generated rows (``VALUES``, no data read); fewer back means a cap at or
  below ``n``. When an answer reaches a known cap, a SELECT is counted again on the endpoint
  (``SELECT (COUNT(*) …) { { query } }``, which the cap does not cut) and is an error unless the count
  equals the rows received (a query whose own LIMIT equals the cap is fine); a graph answer that reaches
  the cap cannot be counted and is an error. Labels are fetched as SELECT rows for the same reason.

The time limit is the client's: the whole request (connect, wait, read) must end within ``timeout``
seconds or :class:`~laborkg.engine.QueryTimeout` is raised; nothing engine-specific (such as Virtuoso's
``timeout`` parameter) is sent unless it is part of the endpoint URL.
"""

from __future__ import annotations

import base64
import io
import json
import math
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from . import queries as _queries
from .engine import DEFAULT_TIMEOUT, Answer, QueryTimeout, prepare
from .errors import InputError, QueryError, RemoteError
from .namespace import BASE, bind_prefixes, sparql_prologue
from .queries import IRI_FORBIDDEN, IRI_SCHEME, check_iri
from .store import Store, _mask, _outer

DEFAULT_GRAPH = BASE + "graph/closure"
"""The named graph ``laborkg push`` fills by default and :class:`EndpointStore` reads by default."""
ASSERTED_GRAPH = BASE + "graph/asserted"
"""The named graph ``laborkg push --asserted`` fills by default."""

USER_ENV = "LABORKG_ENDPOINT_USER"
PASSWORD_ENV = "LABORKG_ENDPOINT_PASSWORD"

_RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.5"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
_GRAPH_FORMATS = {
    "application/n-triples": "nt",
    "text/plain": "nt",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}
_BATCH = 400  # IRIs per label request


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
    masked = _mask(text)
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
            values = "".join(f" VALUES ?{n} {{ {terms[n]} }}" for n in names)
            edits.append((query.where + 1, query.where + 1, values))
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


# ---------------------------------------------------------------------------------------------
# HTTP


def _check_url(url: str, what: str = "endpoint") -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{what} {url!r} is not an http(s) URL")
    return url


def _first_line(body: bytes, limit: int = 300) -> str:
    text = body.decode("utf-8", "replace")
    for line in text.splitlines():
        line = re.sub(r"<[^>]+>", " ", line).strip()
        if line:
            return line[:limit]
    return ""


class _Response:
    def __init__(self, status: int, headers, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def media_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()


class _BasicAuth(urllib.request.HTTPBasicAuthHandler):
    """Basic authentication that leaves a Digest challenge to the Digest handler (urllib raises instead)."""

    def http_error_401(self, req, fp, code, msg, headers):
        challenges = " ".join(headers.get_all("WWW-Authenticate") or [])
        if not re.search(r"\bbasic\b", challenges, re.I):
            return None
        return super().http_error_401(req, fp, code, msg, headers)


class _Client:
    """HTTP requests with Basic or Digest authentication and a deadline for the whole request."""

    def __init__(
        self, user: str | None = None, password: str | None = None, urls: Iterable[str] = ()
    ) -> None:
        user = user if user is not None else os.environ.get(USER_ENV)
        password = password if password is not None else os.environ.get(PASSWORD_ENV)
        handlers: list = []
        self.authenticated = bool(user)
        if user:
            # the credentials go only to the hosts of the URLs given, and only when they ask
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in urls:
                parts = urllib.parse.urlsplit(url)
                manager.add_password(None, f"{parts.scheme}://{parts.netloc}/", user, password or "")
            self.digest = urllib.request.HTTPDigestAuthHandler(manager)
            handlers += [self.digest, _BasicAuth(manager)]
        self.credentials = (user, password or "") if user else None
        self.opener = urllib.request.build_opener(*handlers)

    def _authorize(self, req: urllib.request.Request, timeout: float | None) -> None:
        """Answer the server's challenge before sending a large body: a server that refuses the
        unauthenticated upload may close the connection while it is being sent."""
        probe = urllib.request.Request(req.full_url, method="GET", headers={"User-Agent": "laborkg"})
        try:
            urllib.request.build_opener().open(probe, timeout=timeout or None).close()
            return
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate") or ""
            exc.close()
        except OSError:
            return
        scheme, _, rest = challenge.partition(" ")
        if scheme.lower() == "digest":
            chal = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(rest)))
            auth = self.digest.get_authorization(req, chal)
            if auth:
                req.add_unredirected_header("Authorization", f"Digest {auth}")
        elif scheme.lower() == "basic":
            token = base64.b64encode(":".join(self.credentials).encode("utf-8")).decode("ascii")
            req.add_unredirected_header("Authorization", f"Basic {token}")

    def request(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> _Response:
        deadline = time.monotonic() + timeout if timeout else None
        req = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
        req.add_header("User-Agent", "laborkg")
        if self.credentials and body is not None and len(body) > 32_768:
            self._authorize(req, timeout)
        host = urllib.parse.urlsplit(url).netloc
        try:
            try:
                resp = self.opener.open(req, timeout=timeout or None)
            except urllib.error.HTTPError as exc:
                resp = exc
            chunks = []
            while chunk := resp.read(1 << 16):  # each read waits at most `timeout`; the whole, too
                chunks.append(chunk)
                if deadline is not None and time.monotonic() > deadline:
                    raise TimeoutError
            return _Response(
                resp.status if hasattr(resp, "status") else resp.code, resp.headers, b"".join(chunks)
            )
        except TimeoutError:
            raise QueryTimeout(f"the endpoint at {host} did not answer within {timeout or 0:g} s") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise QueryTimeout(
                    f"the endpoint at {host} did not answer within {timeout or 0:g} s"
                ) from None
            raise RemoteError(f"cannot reach the endpoint at {url}: {reason}") from None
        except (OSError, ValueError) as exc:
            raise RemoteError(f"cannot reach the endpoint at {url}: {exc}") from None


def _raise_for_status(resp: _Response, url: str, what: str, authenticated: bool) -> None:
    if resp.status == 401:
        hint = (
            "the user name or password was refused"
            if authenticated
            else f"it asks for a user name and password (--user/--password or {USER_ENV}/{PASSWORD_ENV})"
        )
        raise RemoteError(f"the endpoint at {url} refused {what}: {hint}")
    if resp.status >= 400:
        detail = _first_line(resp.body) or resp.headers.get("X-SQL-Message") or ""
        raise RemoteError(
            f"the endpoint at {url} refused {what} (HTTP {resp.status}){': ' + detail if detail else ''}"
        )
    state = resp.headers.get("X-SQL-State")
    if resp.status == 206 or state:
        message = resp.headers.get("X-SQL-Message") or ""
        detail = f" ({state}: {message.strip()[:160]})" if state else ""
        raise RemoteError(
            f"the endpoint at {url} returned an incomplete answer{detail}: it stopped the query early "
            "(a time or size limit of the endpoint); no rows are shown"
        )


# ---------------------------------------------------------------------------------------------
# Answers


def _term(cell: dict):
    kind, value = cell.get("type"), cell.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        lang = cell.get("xml:lang") or cell.get("lang")
        if lang:
            return Literal(value, lang=lang)
        datatype = cell.get("datatype")
        if datatype and datatype not in (str(XSD.string), str(RDF.langString)):
            return Literal(value, datatype=URIRef(datatype))
        return Literal(value)
    raise RemoteError(f"the endpoint answered with a term laborkg cannot read: {cell!r}")


def _plain(term):
    """rdflib's parsers give plain literals for xsd:string; so does :func:`_term`."""
    if isinstance(term, Literal) and term.datatype == XSD.string and not term.language:
        return Literal(str(term))
    return term


def parse_results(resp: _Response, url: str) -> Answer:
    """A SELECT or ASK answer from SPARQL 1.1 JSON or XML results."""
    media = resp.media_type
    try:
        if media in ("application/sparql-results+json", "application/json"):
            doc = json.loads(resp.body.decode("utf-8"))
            if "boolean" in doc:
                return Answer("ask", boolean=bool(doc["boolean"]))
            names = list(doc["head"].get("vars", []))
            rows = [tuple(_term(b[n]) if n in b else None for n in names) for b in doc["results"]["bindings"]]
            return Answer("select", vars=names, rows=rows)
        if media in ("application/sparql-results+xml", "application/xml", "text/xml"):
            from rdflib.query import Result

            result = Result.parse(io.BytesIO(resp.body), format="xml")
            if result.type == "ASK":
                return Answer("ask", boolean=bool(result.askAnswer))
            names = [str(v) for v in result.vars]
            rows = [
                tuple(_plain(row[i]) if row[i] is not None else None for i in range(len(names)))
                for row in result
            ]
            return Answer("select", vars=names, rows=rows)
    except RemoteError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the parser says, as one line
        raise RemoteError(
            f"the endpoint at {url} sent results laborkg cannot read: {type(exc).__name__}: {exc}"
        ) from None
    raise RemoteError(
        f"the endpoint at {url} answered {media or 'without a content type'}, not SPARQL results"
    )


def parse_graph(resp: _Response, url: str) -> Answer:
    """A CONSTRUCT or DESCRIBE answer from N-Triples, Turtle, RDF/XML or JSON-LD."""
    fmt = _GRAPH_FORMATS.get(resp.media_type)
    if fmt is None:
        raise RemoteError(
            f"the endpoint at {url} answered {resp.media_type or 'without a content type'}, not RDF"
        )
    graph = bind_prefixes(Graph())
    try:
        graph.parse(data=resp.body.decode("utf-8"), format=fmt)
    except Exception as exc:  # noqa: BLE001
        raise RemoteError(
            f"the endpoint at {url} sent RDF laborkg cannot read: {type(exc).__name__}: {exc}"
        ) from None
    return Answer("graph", graph=bind_prefixes(graph))


# ---------------------------------------------------------------------------------------------
# The store


def _split_prologue(text: str) -> tuple[str, str]:
    """(prologue, query) of a query text: BASE/PREFIX declarations, then the query form."""
    m = _outer(_mask(text), r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b")
    if m is None:
        return "", text
    return text[: m.start()], text[m.start() :]


class EndpointStore(Store):
    """A remote SPARQL 1.1 endpoint (read through the SPARQL 1.1 Protocol)."""

    kind = "endpoint"

    def __init__(
        self,
        url: str,
        graph: str | None = DEFAULT_GRAPH,
        user: str | None = None,
        password: str | None = None,
        method: str = "POST",
        max_rows: int | None = None,
        check_truncation: bool = True,
    ) -> None:
        self.url = _check_url(url)
        self.graph = check_iri(graph) if graph else None
        if method not in ("POST", "GET"):
            raise InputError(f"method {method!r}: give POST or GET")
        self.method = method
        self.cap = max_rows
        self.check_truncation = check_truncation
        self._uncapped_below = 1  # answers smaller than this are known not to be cut by a cap
        self._client = _Client(user, password, [self.url])

    # -- the protocol

    def _send(self, text: str, accept: str, timeout: float | None) -> _Response:
        form = [("query", text)] + ([("default-graph-uri", self.graph)] if self.graph else [])
        encoded = urllib.parse.urlencode(form)
        headers = {"Accept": accept}
        if self.method == "GET":
            url = self.url + ("&" if urllib.parse.urlsplit(self.url).query else "?") + encoded
            resp = self._client.request("GET", url, None, headers, timeout)
        else:
            headers["Content-Type"] = "application/x-www-form-urlencoded; charset=UTF-8"
            resp = self._client.request("POST", self.url, encoded.encode("utf-8"), headers, timeout)
        _raise_for_status(resp, self.url, "the query", self._client.authenticated)
        announced = resp.headers.get("X-SPARQL-MaxRows")
        if announced and announced.strip().isdigit():
            cap = int(announced)
            self.cap = cap if self.cap is None else min(self.cap, cap)
        return resp

    def _run(self, text: str, form: str, timeout: float | None, check: bool = True) -> Answer:
        """``text`` (a complete query, prologue included) of form ``form`` ('select', 'ask', 'graph')."""
        if form == "graph":
            answer = parse_graph(self._send(text, _GRAPH_ACCEPT, timeout), self.url)
        else:
            answer = parse_results(self._send(text, _RESULTS_ACCEPT, timeout), self.url)
        if check and self.check_truncation and answer.kind != "ask":
            self._check_complete(answer, text, timeout)
        return answer

    def _check_complete(self, answer: Answer, text: str, timeout: float | None) -> None:
        n = len(answer)
        if n == 0:
            return
        if self.cap is None and n >= self._uncapped_below:
            self._probe(n, timeout)
        if self.cap is None or n < self.cap:
            return
        what = "rows" if answer.kind == "select" else "triples"
        if answer.kind == "select":
            prologue, body = _split_prologue(text)
            count = f"{prologue}SELECT (COUNT(*) AS ?laborkg_rows) WHERE {{ {{ {body}\n}} }}"
            try:
                total = self._run(count, "select", timeout, check=False).rows[0][0]
                total = int(total)
            except (RemoteError, QueryTimeout, IndexError, TypeError, ValueError):
                total = None
            if total == n:
                return
            if total is not None:
                raise RemoteError(
                    f"the endpoint at {self.url} cut the answer to {n} of {total} rows (it returns at most "
                    f"{self.cap} rows: Virtuoso's ResultSetMaxRows); no rows are shown"
                )
        raise RemoteError(
            f"the answer has {n} {what}, the most the endpoint at {self.url} returns ({self.cap}): it may be "
            "cut short and could not be verified; no rows are shown"
        )

    def _probe(self, n: int, timeout: float | None) -> None:
        """Learn whether the endpoint caps answers at ``n`` rows or fewer: ask for ``n + 1`` rows made
        from VALUES alone (no data is read)."""
        blocks = max(1, math.ceil(math.log10(n + 2)))
        digits = " ".join(str(i) for i in range(10))
        where = " ".join(f"VALUES ?d{i} {{ {digits} }}" for i in range(blocks))
        answer = self._run(f"SELECT ?d0 WHERE {{ {where} }} LIMIT {n + 1}", "select", timeout, check=False)
        if len(answer.rows) > n:
            self._uncapped_below = n + 1
        elif self.cap is None:
            self.cap = len(answer.rows)

    # -- the interface

    def sparql(self, text, timeout=DEFAULT_TIMEOUT, allow_service=()) -> Answer:
        # refused (updates, SERVICE) or malformed: rdflib's parser says why
        query = prepare(text, allow_service)
        return self._run(sparql_prologue() + text, _form(query), timeout)

    def bound_query(self, name: str, params: dict[str, str] | None = None) -> tuple[str, str]:
        """(the text sent for the packaged query ``name`` with ``params``, its form)."""
        packaged = _queries.get(name)
        text = bind_parameters(packaged.text, self.bindings(packaged, params or {}))
        try:
            query = prepare(text)
        except QueryError as exc:
            raise QueryError(f"query {name!r} could not be bound for an endpoint: {exc}") from None
        return sparql_prologue() + text, _form(query)

    def query(self, name, params=None, timeout=DEFAULT_TIMEOUT) -> Answer:
        text, form = self.bound_query(name, params)
        return self._run(text, form, timeout)

    def resolve_iri(self, value: str) -> URIRef:
        # LCASE narrows the candidates at the endpoint; casefold decides, as for the in-memory graph
        return _queries.resolve(
            value,
            lambda v: (
                self._run(
                    "SELECT DISTINCT ?s ?o WHERE { VALUES ?p { "
                    + " ".join(f"<{p}>" for p in _queries.NAME_PROPERTIES)
                    + " } ?s ?p ?o . FILTER(isIRI(?s) && isLiteral(?o) && LCASE(STR(?o)) = LCASE("
                    + sparql_term(Literal(v))
                    + ")) }",
                    "select",
                    DEFAULT_TIMEOUT,
                ).rows
            ),
        )

    def _values(self, subjects: Iterable[URIRef], properties: Iterable[URIRef]) -> list[tuple]:
        subjects = sorted(
            {s for s in subjects if IRI_SCHEME.match(str(s)) and not IRI_FORBIDDEN.search(str(s))}
        )
        props = " ".join(f"<{p}>" for p in properties)
        rows: list[tuple] = []
        for i in range(0, len(subjects), _BATCH):
            batch = " ".join(f"<{s}>" for s in subjects[i : i + _BATCH])
            text = f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {batch} }} VALUES ?p {{ {props} }} ?s ?p ?o }}"
            rows += self._run(text, "select", DEFAULT_TIMEOUT).rows
        return rows

    def triples(self, graph: str | None = None, timeout: float | None = DEFAULT_TIMEOUT) -> int:
        """How many triples the named graph ``graph`` (default: the one this store reads) holds."""
        target = check_iri(graph or self.graph or DEFAULT_GRAPH)
        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{target}> {{ ?s ?p ?o }} }}"
        saved, self.graph = self.graph, None
        try:
            rows = self._run(text, "select", timeout, check=False).rows
        finally:
            self.graph = saved
        try:
            return int(rows[0][0])
        except (IndexError, TypeError, ValueError):
            raise RemoteError(f"the endpoint at {self.url} did not count the triples of <{target}>") from None


def _form(query) -> str:
    name = query.algebra.name
    return {"SelectQuery": "select", "AskQuery": "ask"}.get(name, "graph")


def open_endpoint(url: str, graph: str | None = DEFAULT_GRAPH, **options) -> EndpointStore:
    """A store reading the graph ``graph`` at the SPARQL endpoint ``url``."""
    return EndpointStore(url, graph, **options)


# ---------------------------------------------------------------------------------------------
# laborkg push


def _say(progress, message: str) -> None:
    if progress is not None:
        progress(message)


def _chunks(graph: Graph, size: int) -> list[list[str]]:
    """Triples as SPARQL lines in chunks of ``size``: first every triple with a blank node, in one chunk
    (a blank node label means the same node only within one request), then the others."""
    with_bnodes, plain = [], []
    for t in graph:
        line = " ".join(sparql_term(x) for x in t) + " ."
        (with_bnodes if any(isinstance(x, BNode) for x in t) else plain).append(line)
    plain.sort()
    return ([with_bnodes] if with_bnodes else []) + [plain[i : i + size] for i in range(0, len(plain), size)]


def push(
    url: str,
    graph: Graph,
    target: str = DEFAULT_GRAPH,
    *,
    gsp: str | None = None,
    update: str | None = None,
    replace: bool = False,
    user: str | None = None,
    password: str | None = None,
    chunk: int = 500,
    timeout: float | None = 300.0,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Put ``graph`` into the named graph ``target`` at the endpoint ``url``; return a summary.

    The triples go first to a new temporary graph (``urn:uuid:…``): with the Graph Store Protocol (one
    PUT of N-Triples to ``gsp``) if ``gsp`` is given, else with SPARQL Update ``INSERT DATA`` in chunks of
    ``chunk`` triples to ``update`` (default: ``url``). Once the endpoint counts all of them there, one
    ``MOVE`` replaces ``target`` with it. A ``target`` that already holds triples is only replaced with
    ``replace``. Every failure raises: :class:`InputError` (exit 2) before anything is sent, else
    :class:`RemoteError` (exit 4) whose message says what the endpoint holds afterwards."""
    _check_url(url)
    update = _check_url(update, "update endpoint") if update else url
    gsp = _check_url(gsp, "graph store") if gsp else None
    target = check_iri(target)
    if chunk < 1:
        raise InputError("the chunk size must be at least 1 triple")
    started = time.monotonic()
    expected = len(graph)
    store = EndpointStore(url, None, user=user, password=password, check_truncation=False)
    client = store._client = _Client(user, password, [url, update] + ([gsp] if gsp else []))

    def run_update(text: str, what: str) -> None:
        body = urllib.parse.urlencode([("update", text)]).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8", "Accept": "*/*"}
        resp = client.request("POST", update, body, headers, timeout)
        _raise_for_status(resp, update, what, client.authenticated)

    before = store.triples(target, timeout)
    if before and not replace:
        raise InputError(
            f"the graph <{target}> at {url} already holds {before} triples: give --replace to replace them "
            "(nothing was sent)"
        )
    temporary = f"urn:uuid:{uuid.uuid4()}"
    unchanged = f"<{target}> was not changed"
    try:
        if gsp:
            _say(progress, f"sending {expected} triples to {gsp} (Graph Store Protocol)")
            data = graph.serialize(format="nt", encoding="utf-8")
            sep = "&" if urllib.parse.urlsplit(gsp).query else "?"
            put = gsp + sep + urllib.parse.urlencode([("graph", temporary)])
            resp = client.request("PUT", put, data, {"Content-Type": "application/n-triples"}, timeout)
            _raise_for_status(resp, gsp, "the upload", client.authenticated)
        else:
            chunks = _chunks(graph, chunk)
            for i, lines in enumerate(chunks, 1):
                _say(progress, f"sending chunk {i}/{len(chunks)} ({len(lines)} triples) to {update}")
                body = f"GRAPH <{temporary}> {{\n" + "\n".join(lines) + "\n}"
                # blank nodes: INSERT … WHERE {} (Virtuoso 7.2 refuses them in INSERT DATA)
                has_bnodes = any("_:" in line for line in lines)
                text = f"INSERT {{ {body} }} WHERE {{}}" if has_bnodes else f"INSERT DATA {{ {body} }}"
                run_update(text, f"chunk {i} of {len(chunks)}")
        stored = store.triples(temporary, timeout)
        if stored != expected:
            raise RemoteError(f"the endpoint holds {stored} of the {expected} triples sent")
    except (RemoteError, QueryTimeout) as exc:
        try:
            run_update(f"DROP SILENT GRAPH <{temporary}>", "dropping the temporary graph")
            left = ""
        except (RemoteError, QueryTimeout):
            left = f"; the temporary graph <{temporary}> may remain (DROP GRAPH <{temporary}>)"
        raise RemoteError(f"push failed: {exc}; {unchanged}{left}") from None
    try:
        _say(progress, f"moving the {expected} triples into <{target}>")
        run_update(f"MOVE <{temporary}> TO <{target}>", "the MOVE into the target graph")
        after = store.triples(target, timeout)
    except (RemoteError, QueryTimeout) as exc:
        raise RemoteError(
            f"push failed while moving the data into place: {exc}; <{target}> may be unchanged or empty and "
            f"the complete data may remain in <{temporary}> (check, then MOVE or DROP it)"
        ) from None
    if after != expected:
        raise RemoteError(
            f"push failed: <{target}> holds {after} triples after the MOVE, {expected} were sent"
        )
    return {
        "endpoint": url,
        "graph": target,
        "triples": expected,
        "replaced": before,
        "method": "gsp" if gsp else "update",
        "seconds": round(time.monotonic() - started, 3),
    }


__all__ = [
    "ASSERTED_GRAPH",
    "DEFAULT_GRAPH",
    "EndpointStore",
    "bind_parameters",
    "check_iri",
    "open_endpoint",
    "parse_graph",
    "parse_results",
    "push",
    "sparql_term",
]

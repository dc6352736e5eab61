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

import math
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable

from rdflib import Literal, URIRef

from laborkg.backends.base import Store
from laborkg.backends.protocol import (
    GRAPH_ACCEPT,
    RESULTS_ACCEPT,
    Client,
    Response,
    check_url,
    parse_graph,
    parse_results,
    raise_for_status,
)
from laborkg.errors import InputError, QueryError, RemoteError
from laborkg.namespace import BASE, sparql_prologue
from laborkg.query import catalogue as _queries
from laborkg.query.catalogue import IRI_FORBIDDEN, IRI_SCHEME, check_iri
from laborkg.query.engine import DEFAULT_TIMEOUT, Answer, QueryTimeout, prepare
from laborkg.query.guard import check
from laborkg.query.rewrite import bind_parameters, mask, outer, sparql_term

DEFAULT_GRAPH = BASE + "graph/closure"
"""The named graph ``laborkg push`` fills by default and :class:`EndpointStore` reads by default."""
ASSERTED_GRAPH = BASE + "graph/asserted"
"""The named graph ``laborkg push --asserted`` fills by default."""


_BATCH = 400  # IRIs per label request





# ---------------------------------------------------------------------------------------------
# The store


def _split_prologue(text: str) -> tuple[str, str]:
    """(prologue, query) of a query text: BASE/PREFIX declarations, then the query form."""
    m = outer(mask(text), r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b")
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
        self.url = check_url(url)
        self.graph = check_iri(graph) if graph else None
        if method not in ("POST", "GET"):
            raise InputError(f"method {method!r}: give POST or GET")
        self.method = method
        self.cap = max_rows
        self.check_truncation = check_truncation
        self._uncapped_below = 1  # answers smaller than this are known not to be cut by a cap
        self._client = Client(user, password, [self.url])

    # -- the protocol

    def _send(self, text: str, accept: str, timeout: float | None) -> Response:
        form = [("query", text)] + ([("default-graph-uri", self.graph)] if self.graph else [])
        encoded = urllib.parse.urlencode(form)
        headers = {"Accept": accept}
        if self.method == "GET":
            url = self.url + ("&" if urllib.parse.urlsplit(self.url).query else "?") + encoded
            resp = self._client.request("GET", url, None, headers, timeout)
        else:
            headers["Content-Type"] = "application/x-www-form-urlencoded; charset=UTF-8"
            resp = self._client.request("POST", self.url, encoded.encode("utf-8"), headers, timeout)
        raise_for_status(resp, self.url, "the query", self._client.authenticated)
        announced = resp.headers.get("X-SPARQL-MaxRows")
        if announced and announced.strip().isdigit():
            cap = int(announced)
            self.cap = cap if self.cap is None else min(self.cap, cap)
        return resp

    def _run(self, text: str, form: str, timeout: float | None, check: bool = True) -> Answer:
        """``text`` (a complete query, prologue included) of form ``form`` ('select', 'ask', 'graph')."""
        if form == "graph":
            answer = parse_graph(self._send(text, GRAPH_ACCEPT, timeout), self.url)
        else:
            answer = parse_results(self._send(text, RESULTS_ACCEPT, timeout), self.url)
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
        text = check(text, allow_service)  # what runs is what was checked (cached: no second reading)
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



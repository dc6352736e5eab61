"""laborkg push: send the closure to a named graph of a remote SPARQL 1.1 endpoint, atomically."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable

from rdflib import BNode, Graph

from laborkg.backends.protocol import Client, check_url, raise_for_status
from laborkg.backends.remote import DEFAULT_GRAPH, EndpointStore
from laborkg.errors import InputError, RemoteError
from laborkg.progress import say
from laborkg.query.catalogue import check_iri
from laborkg.query.engine import QueryTimeout
from laborkg.query.rewrite import sparql_term


def _chunks(graph: Graph, size: int) -> list[list[str]]:
    """Triples as SPARQL lines in chunks of ``size``: first every triple with a blank node, in one chunk
    (a blank node label means the same node only within one request), then the others."""
    with_bnodes: list[str] = []
    plain: list[str] = []
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
    check_url(url)
    update = check_url(update, "update endpoint") if update else url
    gsp = check_url(gsp, "graph store") if gsp else None
    target = check_iri(target)
    if chunk < 1:
        raise InputError("the chunk size must be at least 1 triple")
    started = time.monotonic()
    expected = len(graph)
    store = EndpointStore(url, None, user=user, password=password, check_truncation=False)
    client = store._client = Client(user, password, [url, update] + ([gsp] if gsp else []))

    def run_update(text: str, what: str) -> None:
        body = urllib.parse.urlencode([("update", text)]).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8", "Accept": "*/*"}
        resp = client.request("POST", update, body, headers, timeout)
        raise_for_status(resp, update, what, client.authenticated)

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
            say(progress, f"sending {expected} triples to {gsp} (Graph Store Protocol)")
            data = graph.serialize(format="nt", encoding="utf-8")
            sep = "&" if urllib.parse.urlsplit(gsp).query else "?"
            put = gsp + sep + urllib.parse.urlencode([("graph", temporary)])
            resp = client.request("PUT", put, data, {"Content-Type": "application/n-triples"}, timeout)
            raise_for_status(resp, gsp, "the upload", client.authenticated)
        else:
            chunks = _chunks(graph, chunk)
            for i, lines in enumerate(chunks, 1):
                say(progress, f"sending chunk {i}/{len(chunks)} ({len(lines)} triples) to {update}")
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
        say(progress, f"moving the {expected} triples into <{target}>")
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

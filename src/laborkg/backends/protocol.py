"""The SPARQL 1.1 Protocol from the client side: HTTP requests (urllib), answers parsed into rdflib terms."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from laborkg.errors import InputError, RemoteError
from laborkg.namespace import bind_prefixes
from laborkg.query.engine import Answer, QueryTimeout

USER_ENV = "LABORKG_ENDPOINT_USER"
PASSWORD_ENV = "LABORKG_ENDPOINT_PASSWORD"

RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.5"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
GRAPH_FORMATS = {
    "application/n-triples": "nt",
    "text/plain": "nt",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


# ---------------------------------------------------------------------------------------------
# HTTP


def check_url(url: str, what: str = "endpoint") -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{what} {url!r} is not an http(s) URL")
    return url


def first_line(body: bytes, limit: int = 300) -> str:
    text = body.decode("utf-8", "replace")
    for line in text.splitlines():
        line = re.sub(r"<[^>]+>", " ", line).strip()
        if line:
            return line[:limit]
    return ""


class Response:
    def __init__(self, status: int, headers, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def media_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()


class BasicAuth(urllib.request.HTTPBasicAuthHandler):
    """Basic authentication that leaves a Digest challenge to the Digest handler (urllib raises instead)."""

    def http_error_401(self, req, fp, code, msg, headers):
        challenges = " ".join(headers.get_all("WWW-Authenticate") or [])
        if not re.search(r"\bbasic\b", challenges, re.I):
            return None
        return super().http_error_401(req, fp, code, msg, headers)


class Client:
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
            handlers += [self.digest, BasicAuth(manager)]
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
            chal = urllib.request.parse_keqv_list([x for x in urllib.request.parse_http_list(rest) if x])
            auth = self.digest.get_authorization(req, chal)
            if auth:
                req.add_unredirected_header("Authorization", f"Digest {auth}")
        elif scheme.lower() == "basic":
            token = base64.b64encode(":".join(self.credentials or ("", "")).encode("utf-8")).decode("ascii")
            req.add_unredirected_header("Authorization", f"Basic {token}")

    def request(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> Response:
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
            return Response(
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


def raise_for_status(resp: Response, url: str, what: str, authenticated: bool) -> None:
    if resp.status == 401:
        hint = (
            "the user name or password was refused"
            if authenticated
            else f"it asks for a user name and password (--user/--password or {USER_ENV}/{PASSWORD_ENV})"
        )
        raise RemoteError(f"the endpoint at {url} refused {what}: {hint}")
    if resp.status >= 400:
        detail = first_line(resp.body) or resp.headers.get("X-SQL-Message") or ""
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


def parse_results(resp: Response, url: str) -> Answer:
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
            names = [str(v) for v in result.vars or ()]
            solutions: list[Any] = list(result)
            rows = [
                tuple(_plain(row[i]) if row[i] is not None else None for i in range(len(names)))
                for row in solutions
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


def parse_graph(resp: Response, url: str) -> Answer:
    """A CONSTRUCT or DESCRIBE answer from N-Triples, Turtle, RDF/XML or JSON-LD."""
    fmt = GRAPH_FORMATS.get(resp.media_type)
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

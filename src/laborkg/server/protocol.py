"""HTTP for the server: media types, Accept parsing and negotiation, query strings, errors and responses.

Nothing here reads the graph; the handler (:mod:`laborkg.server.handler`) combines these pieces."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field

# Media types
RESULTS_JSON = "application/sparql-results+json"
RESULTS_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
JSONLD = "application/ld+json"
NTRIPLES = "application/n-triples"
RDFXML = "application/rdf+xml"
N3 = "text/n3"
HTML = "text/html"
JSON = "application/json"
TABLE = "application/vnd.laborkg.table+json"
"""Rows with labels in one language, formatted values and source passages as notes (the web view's)."""

# What /sparql and /queries/NAME offer, in order of preference (the first is the default).
ROW_OFFERS = {
    RESULTS_JSON: "json",
    RESULTS_XML: "xml",
    CSV: "csv",
    TSV: "tsv",
    JSON: "json",
    "application/xml": "xml",
    "text/xml": "xml",
    TABLE: "table",
    HTML: "html",
}
GRAPH_OFFERS = {
    TURTLE: "turtle",
    JSONLD: "json-ld",
    NTRIPLES: "nt",
    RDFXML: "xml",
    N3: "n3",
    "application/x-turtle": "turtle",
    "application/turtle": "turtle",
    "text/rdf+n3": "n3",
    "application/n3": "n3",
    "application/x-json+ld": "json-ld",
    JSON: "json-ld",
    HTML: "html",
}
ENTITY_OFFERS = {
    TURTLE: "turtle",
    HTML: "html",
    JSONLD: "json-ld",
    NTRIPLES: "nt",
    RDFXML: "xml",
    N3: "n3",
    JSON: "json-ld",
}
DOCUMENT_OFFERS = {media: name for media, name in GRAPH_OFFERS.items() if name != "html"}
"""What the service description and the ontology document offer (no HTML of their own)."""
CATALOGUE_OFFERS = {JSON: "json", HTML: "html"}
FORMAT_NAMES = {
    "json": (RESULTS_JSON, JSONLD),
    "xml": (RESULTS_XML, RDFXML),
    "csv": (CSV,),
    "tsv": (TSV,),
    "table": (TABLE,),
    "html": (HTML,),
    "turtle": (TURTLE,),
    "ttl": (TURTLE,),
    "json-ld": (JSONLD,),
    "jsonld": (JSONLD,),
    "nt": (NTRIPLES,),
    "ntriples": (NTRIPLES,),
    "n-triples": (NTRIPLES,),
    "rdf+xml": (RDFXML,),
    "rdfxml": (RDFXML,),
    "rdf": (RDFXML,),
    "n3": (N3,),
}
FORMAT_PARAMS = ("format", "output")
"""Query-string names that choose a format (``output`` is what SPARQLWrapper and Joseki send too)."""
GRAPH_FORMS = ("ConstructQuery", "DescribeQuery")
"""Query forms (rdflib's algebra names) whose answer is a graph: they get :data:`GRAPH_OFFERS`."""
RESERVED_PARAMS = ("format", "output", "results", "labels")
"""Query-string names /queries/NAME keeps for itself (no packaged query may use them)."""
LABEL_LANGUAGES = ("en", "es")

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
"""The Content-Security-Policy of every HTML answer: nothing is loaded from anywhere else."""

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


class HTTPError(Exception):
    """An answer other than 2xx, with a JSON body ``{"error": code, "message": …, "status": …}``."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def json_error(status: int, code: str, message: str) -> bytes:
    """The JSON body of an error answer."""
    return (
        json.dumps({"error": code, "message": message, "status": status}, ensure_ascii=False) + "\n"
    ).encode()


# ---------------------------------------------------------------------------------------------
# Content negotiation


def parse_accept(header: str | None) -> list[tuple[str, str, float]]:
    """The media ranges of an Accept header as (type, subtype, q); an absent or empty header accepts
    anything. Malformed ranges are dropped; a header with no usable range is refused (406)."""
    if header is None or not header.strip():
        return [("*", "*", 1.0)]
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        kind, slash, sub = fields[0].lower().partition("/")
        if not slash or not _TOKEN.fullmatch(kind) or not _TOKEN.fullmatch(sub) or (kind == "*" != sub):
            continue
        quality: float | None = 1.0
        for f in fields[1:]:
            key, _, value = f.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = None
                break
        if quality is None or not 0.0 <= quality <= 1.0:
            continue
        ranges.append((kind, sub, quality))
    if not ranges:
        raise HTTPError(406, "not-acceptable", f"the Accept header {header[:200]!r} names no media type")
    return ranges


def negotiate(header: str | None, offers: Iterable[str]) -> str | None:
    """The offered media type the Accept header prefers (ties go to the earlier offer), or None."""
    ranges = parse_accept(header)
    best, best_q = None, 0.0
    for offer in offers:
        kind, _, sub = offer.partition("/")
        quality, specificity = 0.0, -1
        for rk, rs, rq in ranges:
            if rk == kind and rs == sub:
                level = 2
            elif rk == kind and rs == "*":
                level = 1
            elif rk == "*":
                level = 0
            else:
                continue
            if level > specificity or (level == specificity and rq > quality):
                specificity, quality = level, rq
        if quality > best_q:
            best, best_q = offer, quality
    return best


def choose(header: str | None, fmt: str | None, offers: dict[str, str]) -> tuple[str, str]:
    """(media type, renderer) for a request: ``format=`` (a name or a media type) wins over Accept."""
    if fmt:
        wanted = FORMAT_NAMES.get(fmt.lower(), (fmt.lower(),))
        if fmt.lower() not in FORMAT_NAMES and "/" not in fmt:
            names = ", ".join(sorted(FORMAT_NAMES))
            raise HTTPError(400, "bad-format", f"unknown format {fmt[:50]!r} (one of {names})")
        for media in wanted:
            if media in offers:
                return media, offers[media]
        raise HTTPError(
            406, "not-acceptable", f"format {fmt[:50]!r} is not offered here (offered: {', '.join(offers)})"
        )
    chosen = negotiate(header, offers)
    if chosen is None:
        raise HTTPError(
            406,
            "not-acceptable",
            f"none of the accepted media types is offered (offered: {', '.join(offers)})",
        )
    return chosen, offers[chosen]


def format_wanted(params: dict[str, list[str]], offers: dict[str, str]) -> str | None:
    """The one offered media type that ``format=`` and ``output=`` name, or None (then Accept decides).

    Clients send these as they like: SPARQLWrapper sends ``format``, ``output`` and ``results`` at once,
    twice for some formats (``format=tsv&format=text/tab-separated-values``), and names formats an
    answer does not have (``n3`` for a SELECT), as Oxigraph, which ignores them, answers them: values that
    name nothing offered, or offered media types that differ, leave the choice to Accept."""
    values = [v.strip() for name in FORMAT_PARAMS for v in params.get(name, ()) if v.strip()]
    if not values:
        return None
    found: list[str] = []
    for value in values:
        for media in FORMAT_NAMES.get(value.lower(), (value.lower().split(";")[0].strip(),)):
            if media in offers:
                found.append(media)
                break
    return found[0] if len(set(found)) == 1 else None


def wants_html(header: str | None) -> bool:
    """True when an Accept header names HTML and prefers it to JSON (a browser), for error pages."""
    try:
        return negotiate(header, (JSON, HTML)) == HTML and "html" in (header or "")
    except HTTPError:
        return False


# ---------------------------------------------------------------------------------------------
# Request targets and query strings


def split_target(raw: str, max_url: int) -> tuple[str, str]:
    """(path, query string) of a request target (origin or absolute form); 414 over ``max_url`` bytes."""
    if len(raw.encode("latin-1", "replace")) > max_url:
        raise HTTPError(414, "uri-too-long", f"the request target is longer than {max_url} bytes")
    if raw.startswith(("http://", "https://")):
        split = urllib.parse.urlsplit(raw)
        raw = (split.path or "/") + ("?" + split.query if split.query else "")
    if not raw.startswith("/"):
        raise HTTPError(400, "bad-request", "the request target must be a path")
    path, _, query = raw.partition("#")[0].partition("?")  # a fragment is the client's own
    return path, query


def unquote(text: str) -> str:
    """A percent-encoded path segment, decoded (strict UTF-8: 400 otherwise)."""
    try:
        return urllib.parse.unquote(text, errors="strict")
    except UnicodeDecodeError:
        raise HTTPError(400, "bad-request", "the path is not UTF-8") from None


def parse_params(query: str, what: str = "query string") -> dict[str, list[str]]:
    """A query string (or form body) as name → values; 400 when malformed or not UTF-8."""
    try:
        return urllib.parse.parse_qs(
            query, keep_blank_values=True, strict_parsing=False, errors="strict", max_num_fields=100
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise HTTPError(400, "bad-request", f"malformed {what}: {exc}") from None


def one(params: dict[str, list[str]], name: str) -> str | None:
    """The single value of ``name`` (None when absent); 400 when it is given more than once."""
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise HTTPError(400, "bad-request", f"{name!r} is given {len(values)} times; give it once")
    return values[0]


def labels_lang(params: dict[str, list[str]]) -> str:
    """The language of labels (``labels=``: en or es, default en)."""
    lang = one(params, "labels") or "en"
    if lang not in LABEL_LANGUAGES:
        raise HTTPError(400, "bad-parameter", f"labels must be en or es, not {lang[:20]!r}")
    return lang


def content_charset(content_type: str | None) -> str:
    """The charset parameter of a Content-Type header, lower-case (utf-8 when absent)."""
    charset = "utf-8"
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return charset


def decode_utf8(data: bytes, content_type: str | None, what: str) -> str:
    """A body as text: only UTF-8 (or ASCII) is accepted (415 for another charset, 400 if not UTF-8)."""
    charset = content_charset(content_type)
    if charset not in ("utf-8", "utf8", "us-ascii", "ascii"):
        raise HTTPError(415, "unsupported-media-type", f"{what} must be UTF-8, not {charset[:30]!r}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPError(400, "bad-request", f"{what} is not UTF-8") from None


# ---------------------------------------------------------------------------------------------
# CORS and compression

GZIP_MIN = 1024
"""Bytes under which an answer is sent as it is (compressing it would gain little)."""
CORS_PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept, Accept-Language, Accept-Encoding",
    "Access-Control-Max-Age": "86400",
}
CORS_EXPOSE = "Content-Length, Retry-After, LaborKG-Row-Limit"


def cors_headers(allowed: tuple[str, ...], origin: str | None) -> dict[str, str]:
    """The CORS headers of an answer to a request from ``origin``, for the origins ``allowed``."""
    if not allowed:
        return {}
    if "*" in allowed:
        return {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": CORS_EXPOSE}
    headers = {"Vary": "Origin"}
    if origin is not None and origin.strip().rstrip("/").lower() in allowed:
        headers["Access-Control-Allow-Origin"] = origin.strip()
        headers["Access-Control-Expose-Headers"] = CORS_EXPOSE
    return headers


def accepts_gzip(header: str | None) -> bool:
    """True when an Accept-Encoding header takes gzip (``gzip`` or ``*`` with a q above 0)."""
    found: dict[str, float] = {}
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        name = fields[0].lower()
        if not name:
            continue
        quality = 1.0
        for f in fields[1:]:
            key, _, value = f.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        found[name] = quality
    if "gzip" in found or "x-gzip" in found:
        return max(found.get("gzip", 0.0), found.get("x-gzip", 0.0)) > 0
    return found.get("*", 0.0) > 0


def add_vary(headers: dict[str, str], name: str) -> None:
    """Add ``name`` to the Vary header of ``headers``."""
    names = [n.strip() for n in headers.get("Vary", "").split(",") if n.strip()]
    if name.lower() not in (n.lower() for n in names):
        names.append(name)
    headers["Vary"] = ", ".join(names)

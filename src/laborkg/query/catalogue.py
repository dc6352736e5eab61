"""Packaged SPARQL queries: ``queries/*.rq`` and their ``#+`` headers, read once; parameters bound by the
engine, never pasted into the text."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef, Variable
from rdflib.namespace import RDFS, SKOS, XSD

from laborkg import paths
from laborkg.errors import QueryError
from laborkg.namespace import LKG, PREFIXES
from laborkg.query.engine import DEFAULT_TIMEOUT, Answer, execute, prepare

PARAM_TYPES = ("iri", "string", "language", "date", "year", "integer")
_HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*)$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None
    required: bool
    description: str


@dataclass
class PackagedQuery:
    name: str
    path: Path
    text: str
    summary: str = ""
    description: str = ""
    params: list[Param] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params) or "none"
        raise QueryError(f"query {self.name!r} has no parameter {name!r} (parameters: {known})")

    @property
    def concatenations(self) -> dict[str, str]:
        """The columns this query fills with ``GROUP_CONCAT(… ; separator=S) AS ?v``: {v: S}."""
        return dict(_concatenations(self.text))


_CONCAT = re.compile(
    r"GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*?(;\s*separator\s*=\s*\"([^\"]*)\")?\s*\)\s*AS\s*[?$](\w+)", re.I
)


@functools.lru_cache(maxsize=256)
def _concatenations(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((m.group(3), m.group(2) if m.group(1) else " ") for m in _CONCAT.finditer(text))


def canonical(answer: Answer, query: PackagedQuery) -> Answer:
    """``answer`` with the parts of each GROUP_CONCAT column in sorted order: SPARQL leaves their order to
    the engine (Oxigraph's differs between a store on disk and one in memory), so output is the same on
    every backend."""
    concat = query.concatenations
    if answer.kind != "select" or not concat:
        return answer
    where = [(i, concat[v]) for i, v in enumerate(answer.vars) if v in concat]
    rows = []
    for row in answer.rows:
        cells = list(row)
        for i, sep in where:
            cell = cells[i]
            if isinstance(cell, Literal) and sep and sep in str(cell):
                ordered = sep.join(sorted(str(cell).split(sep)))
                cells[i] = Literal(ordered, lang=cell.language, datatype=cell.datatype)
        rows.append(tuple(cells))
    return Answer("select", vars=answer.vars, rows=rows)


def _parse_param(qname: str, spec: str) -> Param:
    parts = [p.strip() for p in spec.split("|")]
    if len(parts) != 4:
        raise QueryError(
            f"query {qname!r}: malformed param header {spec!r} (want NAME | TYPE | DEFAULT | text)"
        )
    name, ptype, default, text = parts
    if ptype not in PARAM_TYPES:
        raise QueryError(f"query {qname!r}: parameter {name!r} has unknown type {ptype!r}")
    required = default == "required"
    return Param(name, ptype, None if default in ("-", "required") else default, required, text)


def read_query(path: Path) -> PackagedQuery:
    text = path.read_text(encoding="utf-8")
    q = PackagedQuery(name=path.stem, path=path, text=text)
    for line in text.splitlines():
        m = _HEADER.match(line)
        if not m:
            if line.strip() and not line.startswith("#"):
                break
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "summary":
            q.summary = value
        elif key == "description":
            q.description = value
        elif key == "param":
            q.params.append(_parse_param(q.name, value))
        elif key == "tags":
            q.tags = [t.strip() for t in value.split(",") if t.strip()]
        elif key == "example":
            q.examples.append(value)
    return q


@functools.cache
def _read(directory: Path) -> dict[str, PackagedQuery]:
    """The queries of ``directory``, read once per process (the packaged queries do not change)."""
    return {p.stem: read_query(p) for p in sorted(directory.glob("*.rq"))}


def catalogue(directory: Path | None = None) -> dict[str, PackagedQuery]:
    """Every packaged query, by name (read once; a new dict on each call, the queries shared)."""
    return dict(_read(Path(directory or paths.QUERIES_DIR)))


def get(name: str) -> PackagedQuery:
    """The packaged query ``name``, or :class:`QueryError` naming the closest ones."""
    cat = _read(paths.QUERIES_DIR)
    if name not in cat:
        close = [n for n in cat if name.lower() in n or n in name.lower()]
        hint = f"; did you mean {', '.join(close)}?" if close else "; 'laborkg queries' lists them"
        raise QueryError(f"no packaged query named {name!r}{hint}")
    return cat[name]


def query_json(query: PackagedQuery) -> dict:
    """A packaged query as ``laborkg queries --format json`` and the server's ``/queries`` list it."""
    return {
        "name": query.name,
        "summary": query.summary,
        "description": query.description,
        "tags": query.tags,
        "params": [dataclasses.asdict(p) for p in query.params],
        "examples": query.examples,
    }


def catalogue_json() -> list[dict]:
    """Every packaged query as :func:`query_json`, in name order."""
    return [query_json(q) for q in _read(paths.QUERIES_DIR).values()]


# ---------------------------------------------------------------------------------------------
# Parameters


# What a parameter value may name an entity by (case-insensitive, any language)
NAME_PROPERTIES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel, LKG.acronym, SKOS.notation)
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')
IRI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def check_iri(value: str) -> str:
    """``value`` if it is an absolute IRI that can be written between ``<…>``, else :class:`QueryError`."""
    if not IRI_SCHEME.match(value) or IRI_FORBIDDEN.search(value):
        raise QueryError(f"{value!r} is not an IRI (an absolute IRI without spaces, quotes or <>{{}}|^`\\)")
    return value


def resolve(value: str, labelled: Callable[[str], Iterable[tuple]]) -> URIRef:
    """An IRI from a full IRI (checked), a prefixed name, or a label/acronym: ``labelled(value)`` gives
    (subject, name) candidates, which a backend may narrow (e.g. by LCASE); Python's casefold decides, so
    every backend resolves a name alike."""
    value = value.strip()
    if re.match(r"^https?://", value):
        return URIRef(check_iri(value))
    m = re.match(r"^([A-Za-z][\w-]*):([\w.-]+)$", value)
    if m and m.group(1) in PREFIXES:
        return URIRef(str(PREFIXES[m.group(1)]) + m.group(2))
    wanted = value.casefold()
    found = {str(s) for s, name in labelled(value) if s is not None and str(name).casefold() == wanted}
    if not found:
        raise QueryError(
            f"nothing in the graph is labelled {value!r} "
            "(give an IRI, a prefixed name, a label or an acronym)"
        )
    if len(found) > 1:
        raise QueryError(f"{value!r} is ambiguous: it labels {', '.join(sorted(found))}")
    return URIRef(found.pop())


def resolve_iri(graph: Graph, value: str) -> URIRef:
    """An IRI from a full IRI, a prefixed name, or a label/acronym (case-insensitive, any language)."""

    def labelled(_value):
        for prop in NAME_PROPERTIES:
            for s, o in graph.subject_objects(prop):
                if isinstance(s, URIRef) and isinstance(o, Literal):
                    yield s, o

    return resolve(value, labelled)


def convert(graph: Graph | None, param: Param, raw: str):
    """The RDF term for a raw parameter value, or :class:`QueryError` saying why not."""
    t = param.type
    if t == "iri":
        if graph is None:
            raise QueryError(f"parameter {param.name!r}: an IRI is resolved by the store, not here")
        return resolve_iri(graph, raw)
    if t == "string":
        return Literal(raw)
    if t == "language":
        if not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", raw):
            raise QueryError(f"parameter {param.name!r}: {raw!r} is not a language tag (e.g. en, es)")
        return Literal(raw.lower())
    if t == "date":
        try:
            return Literal(_dt.date.fromisoformat(raw), datatype=XSD.date)
        except ValueError:
            raise QueryError(f"parameter {param.name!r}: {raw!r} is not a date (YYYY-MM-DD)") from None
    if t == "year":
        if not re.fullmatch(r"\d{4}", raw):
            raise QueryError(f"parameter {param.name!r}: {raw!r} is not a year (YYYY)")
        return Literal(raw, datatype=XSD.gYear)
    if t == "integer":
        if not re.fullmatch(r"[+-]?\d+", raw):
            raise QueryError(f"parameter {param.name!r}: {raw!r} is not an integer")
        return Literal(int(raw))
    raise QueryError(f"parameter {param.name!r}: unknown type {t!r}")


def bind(
    query: PackagedQuery, raw: dict[str, str], term: Callable[[Param, str], object]
) -> dict[str, object]:
    """The packaged query's parameters as RDF terms by name: ``term(param, text)`` converts each value
    given (or defaulted); unknown names and missing required parameters are errors."""
    for name in raw:
        query.param(name)  # unknown names are errors
    out: dict[str, object] = {}
    for p in query.params:
        value = raw.get(p.name, p.default)
        if value is None:
            if p.required:
                raise QueryError(
                    f"query {query.name!r} needs parameter {p.name!r} ({p.description}); give -p {p.name}=…"
                )
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: invalid UTF-8 read from a command line, "\uD800"
            raise QueryError(
                f"parameter {p.name!r}: the value is not valid text (invalid UTF-8 or a lone surrogate)"
            ) from None
        out[p.name] = term(p, value)
    return out


def bindings(graph: Graph, query: PackagedQuery, raw: dict[str, str]) -> dict[Variable, object]:
    """:func:`bind` on an rdflib graph, keyed by rdflib Variable (``initBindings``)."""
    return {Variable(k): v for k, v in bind(query, raw, lambda p, value: convert(graph, p, value)).items()}


def run(
    graph: Graph, name: str, params: dict[str, str] | None = None, timeout: float | None = DEFAULT_TIMEOUT
) -> Answer:
    """Run the packaged query ``name`` on ``graph`` with ``params`` bound by the engine (never pasted
    into the query text), within ``timeout`` seconds."""
    query = get(name)
    init = bindings(graph, query, params or {})
    return execute(graph, prepare(query.text), init, timeout=timeout)  # prepare caches the parse

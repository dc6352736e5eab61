"""One RDF file read by pyoxigraph's conformant parsers as rdflib quads; errors as FILE:LINE:COLUMN."""

from __future__ import annotations

import logging
import re
import uuid
from pathlib import Path
from xml.parsers import expat

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from laborkg.errors import InputError, ParseError

FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "xml": ox.RdfFormat.RDF_XML,
}

Quad = tuple[Node, Node, Node, Node | None]
"""Subject, predicate, object and graph name (None for the default graph), as rdflib terms."""

EXPANSION_FACTOR = 16
EXPANSION_SLACK = 1 << 20
"""An RDF/XML file's declared entities may expand it to at most 16 times its size plus 1 MiB."""

_ENTITY = re.compile(rb'<!ENTITY\s+([A-Za-z_:][\w.:-]*)\s+"([^"]*)"\s*>')
_REFERENCE = re.compile(rb"&([A-Za-z_:][\w.:-]*);")
_XSD_STRING = str(XSD.string)
_ILL_TYPED = "Failed to convert Literal lexical form to value"


class _QuietIllTyped(logging.Filter):
    """Drop rdflib's warning (with a traceback) for an ill-typed literal: validation reports those."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_ILL_TYPED)


def quiet_ill_typed_literals() -> None:
    """Silence rdflib's log line for each ill-typed literal (``"2025-13-45"^^xsd:date``, an integer of
    more digits than Python converts): the literal is kept as written, and SHACL reports it."""
    logger = logging.getLogger("rdflib.term")
    if not any(isinstance(f, _QuietIllTyped) for f in logger.filters):
        logger.addFilter(_QuietIllTyped())


quiet_ill_typed_literals()


def check_xml_entities(data: bytes, where: str) -> None:
    """Refuse XML entity declarations that could expand without bound (the "billion laughs").

    Plain internal entities (``<!ENTITY xsd "http://www.w3.org/2001/XMLSchema#">``, as ontology editors
    write) are allowed while their expansion stays within :data:`EXPANSION_FACTOR` times the file's size;
    an entity that refers to another, a parameter or external entity, or a larger expansion is refused
    before anything is expanded."""
    if b"<!ENTITY" not in data:
        return
    entities = dict(_ENTITY.findall(data))
    if data.count(b"<!ENTITY") != len(_ENTITY.findall(data)):
        raise InputError(f"{where}: XML entity declaration refused (only plain internal entities are read)")
    if any(b"&" in v or b"%" in v or b"<" in v for v in entities.values()):
        raise InputError(f"{where}: XML entity refers to another entity: refused (no nested expansion)")
    expansion = sum(len(entities.get(name, b"")) for name in _REFERENCE.findall(data))
    if expansion > EXPANSION_FACTOR * len(data) + EXPANSION_SLACK:
        raise InputError(f"{where}: XML entities would expand to {expansion:,} bytes: refused")


def _reason(exc: SyntaxError) -> str:
    message = str(exc.msg or exc)
    return re.sub(r"^Parser error [^:]*: ", "", message).splitlines()[0] if message else "syntax error"


def _syntax_error(path: Path, data: bytes, fmt: str, exc: SyntaxError) -> ParseError:
    """The parser's error with its line and column; where the parser gives none (RDF/XML), the line of
    the first invalid UTF-8 byte, of the XML well-formedness error, or of the text the error quotes."""
    if exc.lineno:
        return ParseError(str(path), exc.lineno, _reason(exc), exc.offset or None)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as bad:
        line = data.count(b"\n", 0, bad.start) + 1
        return ParseError(str(path), line, f"not UTF-8 text ({bad.reason})")
    if fmt == "xml":
        reader = expat.ParserCreate()
        try:
            reader.Parse(data, True)
        except expat.ExpatError as malformed:
            reason = expat.ErrorString(malformed.code) or _reason(exc)
            return ParseError(str(path), malformed.lineno, f"malformed XML: {reason}", malformed.offset + 1)
    quoted = re.search(r"'([^']+)'", _reason(exc))  # e.g. "error while parsing IRI 'http://x/a b'"
    if quoted and data.count(quoted.group(1).encode()) == 1:  # the only place it is written
        return ParseError(
            str(path), data.count(b"\n", 0, data.index(quoted.group(1).encode())) + 1, _reason(exc)
        )
    return ParseError(str(path), None, _reason(exc))


class _Terms:
    """pyoxigraph terms as the rdflib terms rdflib's own parsers give, each converted once (so a blank
    node of the file is one rdflib blank node, new to the process: files never share one)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: dict[object, Node] = {}
        self.prefix = uuid.uuid4().hex
        self.blank_nodes = 0

    def __call__(self, term: object) -> Node:
        node = self.seen.get(term)
        if node is None:
            node = self.seen[term] = self._convert(term)
        return node

    def _convert(self, term: object) -> Node:
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):  # numbered in the file's order under a prefix of the file's,
            self.blank_nodes += 1  # as rdflib's parsers do: a writer sorting by id is the same every run
            return BNode(f"n{self.prefix}b{self.blank_nodes}")
        if isinstance(term, ox.Literal):
            if term.direction:
                raise ParseError(
                    str(self.path), None, f"literal {term} has a base direction: RDF 1.2, not read"
                )
            if term.language:
                return Literal(term.value, lang=term.language)
            if term.datatype.value == _XSD_STRING:
                return Literal(term.value)
            return Literal(term.value, datatype=URIRef(term.datatype.value))
        raise ParseError(str(self.path), None, f"triple term {term}: RDF 1.2, not read")


def read_quads(path: Path, fmt: str, base_iri: str | None = None) -> list[Quad]:
    """Every quad of ``path`` in format ``fmt`` (a key of :data:`FORMATS`), read whole before any is
    returned; relative IRIs resolve against ``base_iri``, by default the file's URI (as rdflib does).
    Blank nodes are new rdflib blank nodes, so two files' ``_:b`` never merge. A malformed file raises
    :class:`ParseError` naming file, line and column."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if fmt == "xml":
        check_xml_entities(data, str(path))
    term = _Terms(path)
    quads: list[Quad] = []
    base = base_iri or path.absolute().as_uri()
    try:
        for q in ox.parse(input=data, format=FORMATS[fmt], base_iri=base):
            graph = None if isinstance(q.graph_name, ox.DefaultGraph) else term(q.graph_name)
            quads.append((term(q.subject), term(q.predicate), term(q.object), graph))
    except SyntaxError as exc:
        raise _syntax_error(path, data, fmt, exc) from None
    return quads

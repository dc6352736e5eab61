"""Load the ontology and the data into one graph, all-or-nothing (every file parses, or nothing is merged)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph

from laborkg.errors import InputError, ParseError
from laborkg.inputs import RDF_FORMATS, expand_paths, input_files  # noqa: F401 - input_files: used by importers
from laborkg.namespace import bind_prefixes
from laborkg.pipeline import parse
from laborkg.pipeline.parse import Quad


def rdf_format(path: Path) -> str:
    """The rdflib parser name for ``path``, from its suffix (``sssom`` for SSSOM mapping tables)."""
    if path.name.lower().endswith(".sssom.tsv"):
        return "sssom"
    try:
        return RDF_FORMATS[path.suffix.lower()]
    except KeyError:
        raise InputError(
            f"{path}: unknown RDF file type {path.suffix!r} (expected one of {', '.join(RDF_FORMATS)})"
        ) from None


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ParseError(str(path), line, f"not UTF-8 text ({exc.reason})") from None


def _other_graph(path: Path, fmt: str) -> Graph:
    """An SSSOM table (one skos mapping triple per row) or a JSON-LD file (laborkg's offline processor:
    no remote context is fetched)."""
    if fmt == "sssom":
        from laborkg.pipeline.sssom import mapping_graph, read_sssom

        return mapping_graph(read_sssom(path))
    from laborkg.pipeline.jsonld import to_graph

    text = _read_text(path)
    try:
        return to_graph(text, where=str(path))
    except ParseError:
        raise
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None


def _checked(path: Path) -> tuple[Path, str]:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    return path, rdf_format(path)


def read_quads(path: Path, base_iri: str | None = None) -> list[Quad]:
    """Every quad of one RDF file (graph name None for the default graph), or :class:`ParseError` naming
    file and line. Turtle, N-Triples, N-Quads, TriG and RDF/XML are read by pyoxigraph's conformant
    parsers; relative IRIs resolve against ``base_iri``, by default the file's URI."""
    path, fmt = _checked(path)
    if fmt in parse.FORMATS:
        return parse.read_quads(path, fmt, base_iri)
    return [(s, p, o, None) for s, p, o in _other_graph(path, fmt)]


def parse_file(path: Path, base_iri: str | None = None) -> Graph:
    """Parse one RDF file into a new graph (named graphs merged into it), or raise :class:`ParseError`
    naming file and line."""
    path, fmt = _checked(path)
    if fmt not in parse.FORMATS:
        return _other_graph(path, fmt)
    graph = Graph()
    for s, p, o, _ in parse.read_quads(path, fmt, base_iri):
        graph.add((s, p, o))
    return graph


def load(files: Iterable[Path]) -> Graph:
    """Parse every file, then merge; nothing is merged unless every file parsed."""
    parts = [parse_file(f) for f in files]
    merged = bind_prefixes(Graph())
    for part in parts:
        merged += part
    return merged

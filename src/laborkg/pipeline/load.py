"""Load the ontology and the data into one graph, all-or-nothing (every file parses, or nothing is merged)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from laborkg.errors import InputError, ParseError
from laborkg.inputs import RDF_FORMATS, expand_paths, input_files  # noqa: F401 - input_files: used by importers
from laborkg.namespace import bind_prefixes


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


def _first_line(text: str) -> str:
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), text.strip())


def parse_file(path: Path) -> Graph:
    """Parse one RDF file into a new graph, or raise :class:`ParseError` naming file and line."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    fmt = rdf_format(path)
    if fmt == "sssom":  # links to external graphs: one skos mapping triple per row
        from laborkg.pipeline.sssom import mapping_graph, read_sssom

        return mapping_graph(read_sssom(path))
    if fmt == "json-ld":  # through laborkg's offline JSON-LD processor: no remote context is fetched
        from laborkg.pipeline.jsonld import to_graph

        try:
            return to_graph(path.read_text(encoding="utf-8"))
        except InputError as exc:
            raise InputError(f"{path}: {exc}") from None
    graph = Graph()
    try:
        graph.parse(path, format=fmt)
    except BadSyntax as exc:
        reason = re.sub(r"^Bad syntax \((.*)\) at \^ in:.*$", r"\1", str(exc._why), flags=re.S)
        raise ParseError(str(path), exc.lines + 1 if exc.lines is not None else None, reason) from None
    except UnicodeDecodeError as exc:
        raise ParseError(str(path), None, f"not UTF-8 text ({exc.reason})") from None
    except InputError:
        raise
    except Exception as exc:  # rdflib's other parsers raise assorted exception types
        line = getattr(exc, "lineno", None) or getattr(exc, "line", None)
        raise ParseError(str(path), line if isinstance(line, int) else None, _first_line(str(exc))) from None
    return graph


def load(files: Iterable[Path]) -> Graph:
    """Parse every file, then merge; nothing is merged unless every file parsed."""
    parts = [parse_file(f) for f in files]
    merged = bind_prefixes(Graph())
    for part in parts:
        merged += part
    return merged

"""SSSOM mapping files (``data/mappings/*.sssom.tsv``): read and checked offline, and their mappings as
triples; a malformed file raises :class:`~laborkg.errors.ParseError` (``FILE:LINE: reason``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from laborkg import paths
from laborkg.errors import InputError, ParseError
from laborkg.namespace import BASE, PREFIXES, bind_prefixes

__all__ = [
    "ALLOWED_PREDICATES",
    "Mapping",
    "VerifiedId",
    "check_subjects",
    "load_mappings",
    "mapping_graph",
    "mappings_dir",
    "read_sssom",
    "read_verified_ids",
]

SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
SEMAPV_NS = "https://w3id.org/semapv/vocab/"

BUILTIN_PREFIXES: dict[str, str] = {
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": RDFS_NS,
    "skos": SKOS_NS,
    "semapv": SEMAPV_NS,
    "sssom": "https://w3id.org/sssom/",
}
"""Prefixes SSSOM declares itself; a file may repeat them but not bind them to other IRIs."""

ALLOWED_PREDICATES: frozenset[URIRef] = frozenset(
    URIRef(iri)
    for iri in (
        SKOS_NS + "exactMatch",
        SKOS_NS + "closeMatch",
        SKOS_NS + "broadMatch",
        SKOS_NS + "narrowMatch",
        SKOS_NS + "relatedMatch",
        RDFS_NS + "seeAlso",
    )
)
"""The mapping predicates a row may use."""

JUSTIFICATIONS: frozenset[URIRef] = frozenset(
    URIRef(SEMAPV_NS + name)
    for name in (
        "ManualMappingCuration",
        "LexicalMatching",
        "LogicalReasoning",
        "CompositeMatching",
        "UnspecifiedMatching",
        "SemanticSimilarityThresholdMatching",
        "LexicalSimilarityThresholdMatching",
        "MappingChaining",
        "MappingReview",
        "MappingInversion",
        "StructuralMatching",
        "InstanceBasedMatching",
        "BackgroundKnowledgeBasedMatching",
    )
)
"""The SEMAPV mapping justifications SSSOM allows in ``mapping_justification``."""

REQUIRED_COLUMNS: tuple[str, ...] = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "see_also",
)
"""Columns every mapping file must have (plus ``author_label`` or ``creator_label``)."""
AUTHOR_COLUMNS: tuple[str, ...] = ("author_label", "creator_label")
SOURCE_COLUMN = "see_also"
"""The column naming the public source of a row."""
REQUIRED_METADATA: tuple[str, ...] = ("curie_map", "mapping_set_id", "license")

WIKIDATA_IRI = re.compile(r"^https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/(?P<id>.*)$")
WIKIDATA_ITEM = re.compile(r"^Q\d+$")
_CURIE = re.compile(r"^(?P<prefix>[A-Za-z_][\w.\-]*):(?P<local>[^\s<>\"{}|\\^`]*)$")
_IRI_FORBIDDEN = re.compile(r"[\s<>\"{}|\\^`]")
_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w.\-]*):(?:\s+(?P<value>.*))?$")


def mappings_dir() -> Path:
    """The shipped mapping files' folder, ``data/mappings/``."""
    return paths.DATA_DIR / "mappings"


# --------------------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mapping:
    """One row of an SSSOM file, with its CURIEs expanded and where it was read."""

    path: Path
    line: int
    mapping_set_id: str
    subject_id: str
    subject_label: str
    predicate_id: str
    object_id: str
    object_label: str
    justification_id: str
    source: str
    comment: str
    subject: URIRef
    predicate: URIRef
    object: URIRef
    justification: URIRef

    @property
    def where(self) -> str:
        """``FILE:LINE`` of the row."""
        return f"{self.path}:{self.line}"

    @property
    def wikidata_id(self) -> str | None:
        """The Wikidata ID (``Q96``) when the object is a Wikidata entity, else None."""
        m = WIKIDATA_IRI.match(str(self.object))
        return m.group("id") if m else None

    @property
    def object_prefix(self) -> str:
        """The CURIE prefix of the object (``wikidata`` for ``wikidata:Q96``)."""
        return self.object_id.split(":", 1)[0]


@dataclass(frozen=True)
class VerifiedId:
    """A Wikidata identifier of the verified list, with the entity it names and where it was seen."""

    wikidata_id: str
    entity: str
    source: str
    line: int


def _fail(path: Path, line: int, reason: str) -> ParseError:
    return ParseError(str(path), line, reason)


def _scalar(text: str, path: Path, line: int) -> str:
    """A YAML scalar of the subset SSSOM headers use: plain, "double-quoted" or 'single-quoted'."""
    text = text.strip()
    if text.startswith('"'):
        out: list[str] = []
        i = 1
        while i < len(text):
            ch = text[i]
            if ch == "\\" and i + 1 < len(text):
                nxt = text[i + 1]
                out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\", "/": "/"}.get(nxt, "\\" + nxt))
                i += 2
                continue
            if ch == '"':
                rest = text[i + 1 :].strip()
                if rest and not rest.startswith("#"):
                    raise _fail(path, line, f"unexpected text after quoted value: {rest!r}")
                return "".join(out)
            out.append(ch)
            i += 1
        raise _fail(path, line, "unterminated double-quoted value")
    if text.startswith("'"):
        m = re.match(r"^'((?:[^']|'')*)'\s*(#.*)?$", text)
        if not m:
            raise _fail(path, line, "malformed single-quoted value")
        return m.group(1).replace("''", "'")
    return re.split(r"\s+#", text, maxsplit=1)[0].strip()


def _parse_metadata(lines: Sequence[tuple[int, str]], path: Path) -> dict[str, object]:
    """Parse the ``#`` metadata block: top-level ``key: value``, one level of mapping or list beneath."""
    meta: dict[str, object] = {}
    base: int | None = None
    parent: str | None = None
    for lineno, raw in lines:
        body = raw[1:].rstrip()
        if not body.strip():
            continue
        indent = len(body) - len(body.lstrip(" "))
        if "\t" in body[: indent + 1]:
            raise _fail(path, lineno, "tab in the indentation of the metadata block")
        text = body.strip()
        if base is None:
            base = indent
        if indent < base:
            raise _fail(path, lineno, "metadata line indented less than the first one")
        if indent == base:
            m = _KEY.match(text)
            if not m:
                raise _fail(path, lineno, f"metadata line is not 'key: value': {text!r}")
            key, value = m.group("key"), m.group("value")
            if key in meta:
                raise _fail(path, lineno, f"metadata key {key!r} given twice")
            if value is None or not value.strip() or value.strip().startswith("#"):
                meta[key] = None
                parent = key
            else:
                meta[key] = _scalar(value, path, lineno)
                parent = None
            continue
        if parent is None:
            raise _fail(path, lineno, "indented metadata line under a key that has a value")
        current = meta[parent]
        if text.startswith("- ") or text == "-":
            if current is None:
                current = meta[parent] = []
            if not isinstance(current, list):
                raise _fail(path, lineno, f"metadata key {parent!r} mixes a list and a mapping")
            current.append(_scalar(text[1:], path, lineno))
            continue
        m = _KEY.match(text)
        if not m or m.group("value") is None:
            raise _fail(path, lineno, f"expected 'key: value' under {parent!r}: {text!r}")
        if current is None:
            current = meta[parent] = {}
        if not isinstance(current, dict):
            raise _fail(path, lineno, f"metadata key {parent!r} mixes a list and a mapping")
        if m.group("key") in current:
            raise _fail(path, lineno, f"{parent} key {m.group('key')!r} given twice")
        current[m.group("key")] = _scalar(m.group("value"), path, lineno)
    return meta


def _curie_map(meta: dict[str, object], path: Path, line: int) -> dict[str, str]:
    raw = meta.get("curie_map")
    if not isinstance(raw, dict) or not raw:
        raise _fail(path, line, "metadata curie_map must map prefixes to IRIs")
    prefixes = dict(BUILTIN_PREFIXES)
    for prefix, iri in raw.items():
        if not iri or _IRI_FORBIDDEN.search(iri) or not re.match(r"^[A-Za-z][\w+.\-]*:", iri):
            raise _fail(path, line, f"curie_map prefix {prefix!r} does not expand to an IRI: {iri!r}")
        if prefix in BUILTIN_PREFIXES and iri != BUILTIN_PREFIXES[prefix]:
            raise _fail(path, line, f"curie_map redefines the built-in prefix {prefix!r}")
        prefixes[prefix] = iri
    return prefixes


def _expand(column: str, value: str, prefixes: dict[str, str], path: Path, line: int) -> URIRef:
    if re.match(r"^https?://", value):
        raise _fail(path, line, f"{column} {value!r} is a full IRI; write a CURIE with a prefix in curie_map")
    m = _CURIE.match(value)
    if not m:
        raise _fail(path, line, f"{column} {value!r} is not a CURIE (prefix:local)")
    prefix = m.group("prefix")
    if prefix not in prefixes:
        raise _fail(
            path, line, f"{column} {value!r} uses prefix {prefix!r}, which curie_map does not declare"
        )
    return URIRef(prefixes[prefix] + m.group("local"))


def _check_wikidata(
    mapping: Mapping, verified: dict[str, VerifiedId] | None, verified_path: Path | None
) -> None:
    qid = mapping.wikidata_id
    if qid is None:
        return
    if not WIKIDATA_ITEM.match(qid):
        raise _fail(
            mapping.path, mapping.line, f"Wikidata ID {qid!r} is not an item ID (Q followed by digits)"
        )
    if verified is not None and qid not in verified:
        raise _fail(
            mapping.path, mapping.line, f"Wikidata ID {qid} is not in the verified list {verified_path}"
        )


def read_sssom(
    path: Path | str,
    *,
    verified: dict[str, VerifiedId] | None = None,
    verified_path: Path | None = None,
) -> list[Mapping]:
    """Read and check one SSSOM TSV file; raise :class:`ParseError` (``FILE:LINE: reason``) if malformed.

    ``verified`` (from :func:`read_verified_ids`) restricts Wikidata objects to the listed IDs.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise ParseError(str(path), None, f"not UTF-8 text ({exc.reason})") from None
    lines = text.splitlines()

    meta_lines: list[tuple[int, str]] = []
    header_at: int | None = None
    for i, raw in enumerate(lines, start=1):
        if raw.startswith("#"):
            meta_lines.append((i, raw))
        elif raw.strip():
            header_at = i
            break
    if header_at is None:
        raise _fail(path, len(lines) or 1, "no header row (subject_id, predicate_id, …) after the metadata")
    if not meta_lines:
        raise _fail(path, 1, "no metadata block (# curie_map: …) before the header row")
    meta = _parse_metadata(meta_lines, path)
    first_meta = meta_lines[0][0]
    for key in REQUIRED_METADATA:
        if not meta.get(key):
            raise _fail(path, first_meta, f"metadata has no {key}")
    prefixes = _curie_map(meta, path, first_meta)
    set_id = str(meta["mapping_set_id"])

    header = lines[header_at - 1].rstrip("\r").split("\t")
    if len(set(header)) != len(header):
        raise _fail(path, header_at, "a column name appears twice in the header")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if not any(c in header for c in AUTHOR_COLUMNS):
        missing.append(" or ".join(AUTHOR_COLUMNS))
    if missing:
        raise _fail(path, header_at, f"missing column(s): {', '.join(missing)}")

    mappings: list[Mapping] = []
    seen: dict[tuple[URIRef, URIRef, URIRef], int] = {}
    for lineno in range(header_at + 1, len(lines) + 1):
        raw = lines[lineno - 1].rstrip("\r")
        if not raw.strip():
            continue
        if raw.startswith("#"):
            raise _fail(path, lineno, "comment line after the header row (metadata belongs above it)")
        cells = raw.split("\t")
        if len(cells) != len(header):
            raise _fail(path, lineno, f"{len(cells)} fields where the header has {len(header)}")
        row = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        for column in ("subject_id", "predicate_id", "object_id"):
            if not row[column]:
                raise _fail(path, lineno, f"empty {column}")
        if not row["mapping_justification"]:
            raise _fail(path, lineno, "row has no mapping_justification")
        if not row[SOURCE_COLUMN]:
            raise _fail(path, lineno, f"row names no source ({SOURCE_COLUMN} is empty)")
        subject = _expand("subject_id", row["subject_id"], prefixes, path, lineno)
        predicate = _expand("predicate_id", row["predicate_id"], prefixes, path, lineno)
        obj = _expand("object_id", row["object_id"], prefixes, path, lineno)
        justification = _expand("mapping_justification", row["mapping_justification"], prefixes, path, lineno)
        if not str(subject).startswith(BASE):
            raise _fail(path, lineno, f"subject_id {row['subject_id']!r} is not a laborkg IRI ({BASE}…)")
        if predicate not in ALLOWED_PREDICATES:
            raise _fail(
                path,
                lineno,
                f"predicate_id {row['predicate_id']!r} is not one of skos:exactMatch, closeMatch, "
                "broadMatch, narrowMatch, relatedMatch or rdfs:seeAlso",
            )
        if justification not in JUSTIFICATIONS:
            raise _fail(
                path, lineno, f"mapping_justification {row['mapping_justification']!r} is not a SEMAPV term"
            )
        triple = (subject, predicate, obj)
        if triple in seen:
            raise _fail(path, lineno, f"same mapping as line {seen[triple]}")
        seen[triple] = lineno
        mapping = Mapping(
            path=path,
            line=lineno,
            mapping_set_id=set_id,
            subject_id=row["subject_id"],
            subject_label=row["subject_label"],
            predicate_id=row["predicate_id"],
            object_id=row["object_id"],
            object_label=row["object_label"],
            justification_id=row["mapping_justification"],
            source=row[SOURCE_COLUMN],
            comment=row.get("comment", ""),
            subject=subject,
            predicate=predicate,
            object=obj,
            justification=justification,
        )
        _check_wikidata(mapping, verified, verified_path)
        mappings.append(mapping)
    return mappings


def read_verified_ids(path: Path | str) -> dict[str, VerifiedId]:
    """Read a TSV list of verified Wikidata IDs (columns entity, wikidata, source; ``#`` comments)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    header: list[str] | None = None
    out: dict[str, VerifiedId] = {}
    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = [c.strip() for c in raw.rstrip("\r").split("\t")]
        if header is None:
            header = cells
            missing = [c for c in ("entity", "wikidata", "source") if c not in header]
            if missing:
                raise _fail(path, lineno, f"missing column(s): {', '.join(missing)}")
            continue
        if len(cells) != len(header):
            raise _fail(path, lineno, f"{len(cells)} fields where the header has {len(header)}")
        row = dict(zip(header, cells, strict=True))
        qid = row["wikidata"]
        if not WIKIDATA_ITEM.match(qid):
            raise _fail(path, lineno, f"Wikidata ID {qid!r} is not an item ID (Q followed by digits)")
        if not row["source"]:
            raise _fail(path, lineno, f"{qid} names no source")
        if qid in out:
            raise _fail(path, lineno, f"{qid} listed twice (first at line {out[qid].line})")
        out[qid] = VerifiedId(qid, row["entity"], row["source"], lineno)
    if header is None:
        raise _fail(path, 1, "no header row (entity, wikidata, source)")
    return out


def _check_across(mappings: Sequence[Mapping]) -> None:
    """One Wikidata item per entity and one entity per Wikidata item, for exact matches across files."""
    exact = URIRef(SKOS_NS + "exactMatch")
    by_subject: dict[URIRef, Mapping] = {}
    by_item: dict[str, Mapping] = {}
    seen: dict[tuple[URIRef, URIRef, URIRef], Mapping] = {}
    for m in mappings:
        key = (m.subject, m.predicate, m.object)
        if key in seen:
            raise _fail(m.path, m.line, f"same mapping as {seen[key].where}")
        seen[key] = m
        qid = m.wikidata_id
        if qid is None or m.predicate != exact:
            continue
        other = by_subject.setdefault(m.subject, m)
        if other.wikidata_id != qid:
            raise _fail(
                m.path, m.line, f"{m.subject_id} already matches {other.wikidata_id} at {other.where}"
            )
        other = by_item.setdefault(qid, m)
        if other.subject != m.subject:
            raise _fail(m.path, m.line, f"{qid} already matches {other.subject_id} at {other.where}")


def check_subjects(mappings: Iterable[Mapping], graph: Graph) -> None:
    """Raise :class:`ParseError` at the first row whose subject is not described in ``graph``."""
    for m in mappings:
        if (m.subject, None, None) not in graph:
            raise _fail(m.path, m.line, f"subject {m.subject_id} is not in the graph")


def load_mappings(
    directory: Path | str | None = None,
    *,
    graph: Graph | None = None,
    verified: Path | str | None = None,
) -> list[Mapping]:
    """Read and check every ``*.sssom.tsv`` in ``directory`` (default ``data/mappings/``), in name order.

    With ``graph``, every subject must be described in it; with ``verified`` (a TSV file such as
    ``verified-ids.tsv``), every Wikidata object must be listed there. Raises :class:`ParseError` naming
    the file and line of the first problem.
    """
    folder = Path(directory) if directory is not None else mappings_dir()
    if not folder.is_dir():
        raise InputError(f"{folder}: no such directory")
    verified_path = Path(verified) if verified is not None else None
    verified_ids = read_verified_ids(verified_path) if verified_path is not None else None
    mappings: list[Mapping] = []
    for path in sorted(folder.glob("*.sssom.tsv")):
        mappings.extend(read_sssom(path, verified=verified_ids, verified_path=verified_path))
    _check_across(mappings)
    if graph is not None:
        check_subjects(mappings, graph)
    return mappings


# --------------------------------------------------------------------------------------------------------
# Graph
# --------------------------------------------------------------------------------------------------------


def _object_namespaces(mappings: Iterable[Mapping]) -> dict[str, str]:
    """Prefix → namespace IRI of the objects, recovered from each CURIE and its expansion."""
    out: dict[str, str] = {}
    for m in mappings:
        prefix, local = m.object_id.split(":", 1)
        iri = str(m.object)
        out.setdefault(prefix, iri[: len(iri) - len(local)] if local else iri)
    return out


def mapping_graph(mappings: Iterable[Mapping]) -> Graph:
    """The mappings as triples ``subject predicate object`` (IRIs), with laborkg's and the files' prefixes."""
    mappings = list(mappings)
    graph = bind_prefixes(Graph())
    for prefix, ns in _object_namespaces(mappings).items():
        if prefix not in PREFIXES:
            graph.bind(prefix, ns, override=False)
    for m in mappings:
        graph.add((m.subject, m.predicate, m.object))
    return graph

"""The validation delta beside a store (what validation reads that queries do not, and the reverse), and
the journal that writes additions to the store and the delta atomically."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Literal, URIRef

from laborkg import paths
from laborkg.atomic import write_atomic
from laborkg.backends.terms import to_oxigraph
from laborkg.errors import InputError
from laborkg.store.layout import DATABASE, MANIFEST, index_names

DELTA = "validation-delta"  # the second database, beside DATABASE in the store directory
JOURNAL = "adding.json"
QUERY_ONLY = "urn:laborkg:delta:query-only"  # in the store, not in the validation closure
VALIDATION_ONLY = "urn:laborkg:delta:validation-only"  # in the validation closure, not in the store


# ---------------------------------------------------------------------------------------------
# Terms and triples


def quad(triple: tuple, graph: str | None = None):
    """``triple`` (rdflib terms) as a pyoxigraph quad, in ``graph`` (a named graph) or the default graph."""
    import pyoxigraph as ox

    s, p, o = (to_oxigraph(t) for t in triple)
    return ox.Quad(s, p, o, ox.NamedNode(graph) if graph else ox.DefaultGraph())


def _encode(term) -> list:
    if isinstance(term, URIRef):
        return ["iri", str(term)]
    if isinstance(term, BNode):
        return ["bnode", str(term)]
    if term.language:
        return ["lang", str(term), term.language]
    return ["literal", str(term), str(term.datatype) if term.datatype else None]


def _decode(data: list):
    kind = data[0]
    if kind == "iri":
        return URIRef(data[1])
    if kind == "bnode":
        return BNode(data[1])
    if kind == "lang":
        return Literal(data[1], lang=data[2])
    return Literal(data[1], datatype=URIRef(data[2]) if data[2] else None)


def triples_json(triples: Iterable[tuple]) -> list:
    """Triples as JSON-ready lists (the journal's form), sorted."""
    return [[_encode(t) for t in triple] for triple in sorted(triples)]


def triples_from_json(data: list) -> list[tuple]:
    """The triples of :func:`triples_json`."""
    return [tuple(_decode(t) for t in triple) for triple in data]


# ---------------------------------------------------------------------------------------------
# The validation delta


def _input_paths(manifest: dict) -> list[Path]:
    out = []
    for entry in manifest["inputs"]["files"]:
        p = Path(entry["file"])
        out.append(p if p.is_absolute() else paths.ROOT / p)
    return out


def inputs_unchanged(manifest: dict) -> list[Path] | None:
    """The store's input files if every one is still there with the bytes it was built from."""
    files = _input_paths(manifest)
    for f, entry in zip(files, manifest["inputs"]["files"], strict=True):
        if not f.is_file() or hashlib.sha256(f.read_bytes()).hexdigest() != entry["sha256"]:
            return None
    return files


def compute_delta(manifest: dict, directory: Path):
    """The validation delta of a store that has none yet, in memory: from the (cached) closures of the
    inputs it was built from. Triples with blank nodes (the ontology's lists and anonymous structures,
    labelled differently in each closure) are left out: no instance rule reads them."""
    import pyoxigraph as ox

    from laborkg.pipeline.reason import closure

    files = inputs_unchanged(manifest)
    if files is None:
        raise InputError(
            f"{directory}: the files this store was built from have changed or gone, so the closure "
            f"validation reads cannot be recovered; rebuild it with laborkg build --store {directory}"
        )
    name = manifest["reasoner"]["name"]
    delta = ox.Store()
    query, checked = closure(files, reasoner=name), closure(files, for_validation=True, reasoner=name)
    delta.extend(delta_quads(query, checked))
    return delta


def delta_quads(query, checked) -> list:
    """The validation delta of a query closure and a validation closure (rdflib graphs), as quads."""

    def plain(t) -> bool:
        return not any(isinstance(x, BNode) for x in t)

    return [quad(t, QUERY_ONLY) for t in query if plain(t) and t not in checked] + [
        quad(t, VALIDATION_ONLY) for t in checked if plain(t) and t not in query
    ]


def write_delta(directory: Path, query, checked) -> None:
    """Write the validation delta of a store being built in ``directory`` (``laborkg build`` has both
    closures at hand, so the first ``laborkg add`` need not reason twice to recover it)."""
    import pyoxigraph as ox

    delta = ox.Store(str(Path(directory) / DELTA))
    delta.extend(delta_quads(query, checked))
    delta.flush()
    del delta


# ---------------------------------------------------------------------------------------------
# Journal: what a commit writes, replayable


def apply_journal(directory: Path, journal: dict, fresh_delta=None) -> None:
    """Write a journal's insertions to the store and the delta (idempotent), then its manifest;
    ``fresh_delta``: an in-memory delta (a first addition's) to write first."""
    import pyoxigraph as ox

    store = ox.Store(str(directory / DATABASE))
    try:
        added = triples_from_json(journal["store"])
        store.extend(quad(t) for t in added)
        index_names(store, {t[0] for t in added})
        store.flush()
    finally:
        del store
    delta_dir = directory / DELTA
    delta = ox.Store(str(delta_dir))
    try:
        if fresh_delta is not None:
            delta.extend(fresh_delta.quads_for_pattern(None, None, None, None))
        for graph in (QUERY_ONLY, VALIDATION_ONLY):
            ops = journal["delta"][graph]
            delta.extend(quad(t, graph) for t in triples_from_json(ops["add"]))
            for t in triples_from_json(ops["remove"]):
                delta.remove(quad(t, graph))
        delta.flush()
    finally:
        del delta
    write_atomic(directory / MANIFEST, json.dumps(journal["manifest"], indent=2) + "\n")


def recover(directory: Path | str) -> bool:
    """Finish an ``add`` that was interrupted after it began to write (replays its journal)."""
    directory = Path(directory)
    journal_file = directory / JOURNAL
    if not journal_file.is_file():
        return False
    journal = json.loads(journal_file.read_text(encoding="utf-8"))
    if not (directory / DELTA).is_dir() and not journal.get("delta_was_present", True):
        # the journal of a first add: its fresh delta was not kept; recompute it from the old manifest
        fresh = compute_delta(journal["old_manifest"], directory)
        shutil.rmtree(directory / DELTA, ignore_errors=True)
        apply_journal(directory, journal, fresh)
    else:
        apply_journal(directory, journal)
    journal_file.unlink()
    return True

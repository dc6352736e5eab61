"""laborkg build: reason, validate once and bulk-load the closure into a store."""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib import Graph

from laborkg import paths
from laborkg.atomic import replace_directory
from laborkg.backends.terms import to_rdflib
from laborkg.errors import LaborKGError
from laborkg.namespace import sparql_prologue
from laborkg.pipeline.validate import (
    ValidationReport,
    Violation,
    check_files,
    check_violation,
    quote_violations,
    shacl_violations,
    shapes_graph,
)
from laborkg.progress import say
from laborkg.store.delta import write_delta
from laborkg.store.layout import (
    DATABASE,
    MANIFEST,
    NAMES_GRAPH,
    STORE_FORMAT,
    STORE_VERSION,
    check_target,
    clean_stale,
    file_entry,
    index_names,
    locked,
)
from laborkg.versions import installed_version


class NotConforming(LaborKGError):
    """The data does not conform to the shapes (exit 1): nothing was written."""

    exit_code = 1

    def __init__(self, report) -> None:
        self.report = report
        super().__init__(
            f"the data does not conform ({len(report.violations)} violation(s)); the store was not written"
        )


def oxigraph_check_violations(store, files: list[Path]) -> list[Violation]:
    """The violation queries ``files`` run on the pyoxigraph ``store``, as violations: the rows
    :func:`~laborkg.pipeline.validate.check_violations` gives on rdflib, much faster on large graphs."""
    out = []
    for f in files:
        result = store.query(sparql_prologue() + f.read_text(encoding="utf-8"))
        names = [v.value for v in result.variables]
        for solution in result:
            row = {n: to_rdflib(solution[n]) for n in names if solution[n] is not None}
            out.append(check_violation(row, f))
    return out


def validate_closure(graph: Graph, ntriples: Path | None = None) -> ValidationReport:
    """Validate a validation closure as :func:`laborkg.pipeline.validate.validate` does, with the violation
    queries run on pyoxigraph (:func:`oxigraph_check_violations`); pySHACL (the reference) and the
    verbatim-quote check run on the rdflib graph. ``ntriples``: the closure as an N-Triples file (the
    reasoner's cache), read instead of re-serialising."""
    import pyoxigraph as ox

    store = ox.Store()
    if ntriples is not None and ntriples.is_file():
        store.load(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES)
    else:
        store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    checks = oxigraph_check_violations(store, check_files())
    return ValidationReport(shacl_violations(graph, shapes_graph()) + checks + quote_violations(graph))


def build(
    directory: Path | str,
    data: Iterable[Path | str] | None = None,
    use_cache: bool = True,
    reasoner: str | None = None,
    progress: Callable[[str], None] | None = None,
    lock: bool = True,
) -> dict:
    """Load ontology + data, reason, validate once and store the closure in ``directory``; return the
    manifest.

    Malformed input raises :class:`InputError` (exit 2), data that does not conform raises
    :class:`NotConforming` (exit 1); in both cases nothing is written and a store already in
    ``directory`` is left as it was. The store is built beside ``directory`` and swapped into place
    only when complete, under the writers' lock (``lock``: False when the caller holds it already), so
    that ``directory`` holds a whole store at every instant; what killed runs left beside it is removed
    first (:func:`~laborkg.store.layout.clean_stale`)."""
    import pyoxigraph as ox

    from laborkg.pipeline.load import input_files
    from laborkg.pipeline.reason import cache_dir, closure, inputs_key, reasoner_name

    directory = Path(directory)
    check_target(directory)
    clean_stale(directory)
    files = input_files(data)
    name = reasoner_name(reasoner, sum(f.stat().st_size for f in files) // 60)  # 60 bytes/triple, roughly
    say(progress, f"reasoning ({name}) and validating {len(files)} files")
    checked = closure(files, use_cache=use_cache, for_validation=True, reasoner=name)
    report = validate_closure(
        checked,
        cache_dir() / f"closure-validation-{inputs_key(files, 'validation', name)}.nt" if use_cache else None,
    )
    if not report.conforms:
        raise NotConforming(report)
    say(progress, "validated: the data conforms; reasoning for queries")
    graph = closure(files, use_cache=use_cache, reasoner=name)
    cached = cache_dir() / f"closure-query-{inputs_key(files, 'query', name)}.nt"

    target = directory.resolve()  # a symbolic link to the store keeps pointing at it
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.building-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir()
        say(progress, f"loading {len(graph)} triples into {directory}")
        store = ox.Store(str(tmp / DATABASE))
        if use_cache and cached.is_file():  # the closure as reason.py cached it: no need to serialise again
            store.bulk_load(path=str(cached), format=ox.RdfFormat.N_TRIPLES)
        else:
            store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        triples = len(store)  # the closure (the name index below lives in a named graph of its own)
        index_names(store)
        store.flush()
        store.optimize()
        del store
        write_delta(tmp, graph, checked)  # what validation reads that queries do not, and the reverse
        del checked
        manifest = {
            "format": STORE_FORMAT,
            "version": STORE_VERSION,
            "backend": "oxigraph",
            "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "triples": triples,
            "names": NAMES_GRAPH,
            "inputs": {"sha256": inputs_key(files, "query", name), "files": [file_entry(f) for f in files]},
            "reasoner": {"name": name, "version": installed_version(name)},
            "validation": {
                "conforms": True,
                "shapes": [str(p.name) for p in paths.shape_files()],
                "checks": [str(p.name) for p in check_files()],
            },
            "versions": {
                "laborkg": installed_version("laborkg"),
                "python": sys.version.split()[0],
                "rdflib": installed_version("rdflib"),
                "pyoxigraph": installed_version("pyoxigraph"),
                "pyshacl": installed_version("pyshacl"),
                "owlrl": installed_version("owlrl"),
                "reasonable": installed_version("reasonable"),
            },
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        with locked(directory) if lock and directory.is_dir() else contextlib.nullcontext():
            replace_directory(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    del graph
    say(progress, f"stored {triples} triples in {directory}")
    return manifest

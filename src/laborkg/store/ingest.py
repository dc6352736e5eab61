"""Add an ingested source (USDOL's Findings XML) to a store: mapped, reasoned and validated year by year,
then loaded into a copy of the store that replaces it only when complete."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from laborkg.atomic import aside_name, replace_directory
from laborkg.errors import InputError
from laborkg.progress import say
from laborkg.store.layout import DATABASE, MANIFEST, clean_stale, index_names, locked, read_manifest

SOURCE = "usdol-findings"  # the manifest's key for this source
ALL = "all"  # every country of a year


def in_store(manifest: dict) -> dict[int, set[str] | str]:
    """The findings already in a store: reporting year -> ``"all"`` or the country IRIs added."""
    years = manifest.get("sources", {}).get(SOURCE, {}).get("years", {})
    return {int(y): (ALL if e["countries"] == ALL else set(e["countries"])) for y, e in years.items()}


def _curated(manifest: dict, directory: Path) -> list[Path]:
    from laborkg.store.delta import inputs_unchanged

    files = inputs_unchanged(manifest)
    if files is None:
        raise InputError(
            f"{directory}: the files this store was built from have changed or gone, so the findings cannot "
            "be reasoned with them: rebuild it with laborkg build"
        )
    return files


class Reasoner:
    """The closures of ontology + the store's inputs (``base``) + one year of findings: the validation
    closure (no domain or range axioms) by laborkg's OWL RL materialiser, and the query closure from it
    by adding what domain and range axioms entail (types, and their superclasses); rules that react to
    those types are outside what laborkg's materialiser supports, which raises rather than guess. A test
    proves both equal to the closures computed from scratch."""

    def __init__(self, base) -> None:
        from rdflib import Graph
        from rdflib.namespace import RDF, RDFS

        from laborkg.pipeline.reason import owl_rl_closure

        self.base = Graph()
        for t in base:
            if t[1] not in (RDFS.domain, RDFS.range):
                self.base.add(t)
        schema = owl_rl_closure(Graph() + base, reasoner="laborkg")
        supers: dict = {}
        for c, d in schema.subject_objects(RDFS.subClassOf):
            supers.setdefault(c, {c}).add(d)
        # the closure's domains and ranges, with their superclasses
        self.domains = {p: self._up(supers, d) for p, d in _grouped(schema, RDFS.domain).items()}
        self.ranges = {p: self._up(supers, r) for p, r in _grouped(schema, RDFS.range).items()}
        self.type = RDF.type

    @staticmethod
    def _up(supers: dict, classes: set) -> set:
        return set().union(*(supers.get(c, {c}) for c in classes))

    def closures(self, year_graph) -> tuple[bytes, bytes]:
        """(validation closure of base + ``year_graph``, what its query closure adds to the store's) as
        N-Triples; triples with blank nodes (the ontology's lists) are the store's already. Reasons in
        ``year_graph`` itself (it gets base and the entailments), so that nothing is copied."""
        from rdflib import BNode, Literal

        from laborkg.pipeline.reason import owl_rl_closure

        g = year_graph
        g += self.base
        owl_rl_closure(g, reasoner="laborkg")
        validation, plain = _ntriples(g)
        types: dict = {}  # node -> the classes its properties' domains and ranges give it
        for p, classes in self.domains.items():
            for x in g.subjects(p, None, unique=True):
                if not isinstance(x, BNode):
                    types.setdefault(x, set()).update(classes)
        for p, classes in self.ranges.items():
            for x in g.objects(None, p, unique=True):
                if not isinstance(x, (Literal, BNode)):
                    types.setdefault(x, set()).update(classes)
        a, rdf_type = f" {self.type.n3()} ", self.type
        typing = [f"<{x}>{a}<{c}> ." for x, cs in types.items() for c in cs if (x, rdf_type, c) not in g]
        return validation, (plain + "\n".join(typing) + "\n").encode("utf-8")


def _ntriples(g) -> tuple[bytes, str]:
    """``g`` as N-Triples (as rdflib writes them, each term written once and remembered), and the lines
    without blank nodes."""
    from rdflib import BNode, Literal
    from rdflib.plugins.serializers.nt import _quoteLiteral

    written: dict = {}
    every, plain = [], []
    for triple in g:
        row = []
        for t in triple:
            text = written.get(t)
            if text is None:
                text = written[t] = _quoteLiteral(t) if isinstance(t, Literal) else t.n3()
            row.append(text)
        line = f"{row[0]} {row[1]} {row[2]} ."
        every.append(line)
        if not isinstance(triple[0], BNode) and not isinstance(triple[2], BNode):
            plain.append(line)
    return ("\n".join(every) + "\n").encode("utf-8"), "\n".join(plain) + "\n"


def _has_bnode(triple) -> bool:
    from rdflib import BNode

    return isinstance(triple[0], BNode) or isinstance(triple[2], BNode)


def _grouped(graph, predicate) -> dict:
    out: dict = {}
    for s, o in graph.subject_objects(predicate):
        out.setdefault(s, set()).add(o)
    return out


_SHAPES: list = []  # (shapes graph, compiled checks), compiled once per process (workers inherit it)


def validate_lines(ntriples: bytes) -> list:
    """Violations of the SHACL shapes (compiled to SPARQL, :mod:`laborkg.pipeline.shacl_sparql`) and of
    the violation queries in one year's validation closure, run on an in-memory pyoxigraph store."""
    import pyoxigraph as ox

    from laborkg.pipeline.shacl_sparql import compile_shapes, shacl_violations_store
    from laborkg.pipeline.validate import check_files, shapes_graph
    from laborkg.store.build import oxigraph_check_violations

    if not _SHAPES:
        shapes = shapes_graph()
        _SHAPES.append((shapes, compile_shapes(shapes)))
    shapes, compiled = _SHAPES[0]
    store = ox.Store()
    store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return shacl_violations_store(store, shapes, compiled) + oxigraph_check_violations(store, check_files())


def add_findings(
    directory: Path | str,
    source: Path | str,
    years: Iterable[int],
    countries: Iterable[str] = (),
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Add the findings of ``years`` (only ``countries`` when given) read from ``source`` to the store in
    ``directory``; what the store already holds is not read again. Returns a summary (``years``,
    ``triples_added``, ``report``, ``manifest``).

    Everything is read, mapped, reasoned and validated before the store is touched: bad input raises
    :class:`InputError` (exit 2), data that does not conform raises
    :class:`~laborkg.store.build.NotConforming` (exit 1), and the store is left as it was."""
    import pyoxigraph as ox
    from rdflib import URIRef

    from laborkg.ingest import findings
    from laborkg.ingest.countries import reconcile
    from laborkg.pipeline.load import load
    from laborkg.pipeline.validate import ValidationReport
    from laborkg.store.build import NotConforming
    from laborkg.store.report_links import reports_by_year

    directory = Path(directory)
    read_manifest(directory)
    years = list(years)
    wanted = {str(reconcile(n).iri) for n in countries}
    with locked(directory):
        clean_stale(directory)
        manifest = read_manifest(directory)
        have = in_store(manifest)
        skip: dict[int, set] = {}
        todo = []
        for y in years:
            got = have.get(y, set())
            if isinstance(got, str) or (wanted and wanted <= got):  # "all", or every country asked for
                continue
            todo.append(y)
            skip[y] = {URIRef(i) for i in got}
        if not todo:
            say(progress, "the store already holds these findings: nothing to add")
            return {"years": [], "triples_added": 0, "report": [], "manifest": manifest}
        started = time.monotonic()
        reasoner = Reasoner(load(_curated(manifest, directory)))
        validate_lines(b"")  # the shapes compiled once, before the workers fork
        say(progress, f"reading {len(todo)} reporting year(s) from {source}")
        work = aside_name(directory.resolve(), "findings")
        work.mkdir()
        try:
            loaded, wanted_iris = findings.prepare(source, todo, countries)
            reports = reports_by_year(manifest, set(todo))  # reports already held: link them too
            _JOB.update(
                loaded=loaded, wanted=wanted_iris, skip=skip, reasoner=reasoner, work=work, reports=reports
            )
            # the copy of the store is made first, so that each year is loaded while the workers map
            # the next ones; it replaces the store only if every year conforms
            new_db = work / "store"
            new_db.mkdir()
            old = ox.Store.read_only(str(directory / DATABASE))
            before = _count(old)
            old.backup(str(new_db / DATABASE))
            del old
            for entry in directory.iterdir():
                if entry.name not in (DATABASE, MANIFEST):
                    (shutil.copytree if entry.is_dir() else shutil.copy2)(entry, new_db / entry.name)
            store = ox.Store(str(new_db / DATABASE))
            added_countries, violations = {}, []
            report = findings.Report()
            for year, counts, added, found, path in _each_year(len(loaded)):
                for name, n in counts.items():
                    getattr(report, name)[year] = n
                added_countries[year] = added
                violations += found
                if not violations:
                    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
                path.unlink()
                say(progress, f"findings {report.line(year)}; reasoned, validated, loaded, {_since(started)}")
            if violations:
                del store
                raise NotConforming(ValidationReport(sorted(set(violations))))
            index_names(store)
            store.flush()
            after = _count(store)
            del store
            entries = manifest.setdefault("sources", {}).setdefault(
                SOURCE, {"from": "USDOL Findings on the Worst Forms of Child Labor, XML", "years": {}}
            )["years"]
            every = not countries
            for year in todo:
                old_c = have.get(year, set())
                now = ALL if every else sorted(set(old_c) | added_countries.get(year, set()))
                entries[str(year)] = {"sha256": findings.KNOWN_SHA256[year], "countries": now}
            manifest["triples"] = after
            (new_db / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
            replace_directory(new_db, directory.resolve())
        finally:
            _JOB.clear()
            shutil.rmtree(work, ignore_errors=True)
    say(progress, f"added {after - before} triples to {directory} ({time.monotonic() - started:.0f} s)")
    return {
        "years": todo,
        "triples_added": after - before,
        "report": report.lines() if report else [],
        "manifest": manifest,
    }


_JOB: dict = {}  # what the forked workers of _each_year read (inherited, not pickled)
WORKERS = 2


def _one_year(i: int) -> tuple:
    """Map, reason and validate the ``i``-th parsed file of :data:`_JOB` (in a worker process)."""
    from rdflib.namespace import RDF

    from laborkg.ingest import findings
    from laborkg.ingest.crosscheck import conflict_triples
    from laborkg.store.report_links import links_to_reports

    ff, root = _JOB["loaded"][i]
    report = findings.Report()
    g = findings.map_file(ff, root, _JOB["wanted"], _JOB["skip"].get(ff.year, set()), report)
    for t in conflict_triples(_JOB["reasoner"].base, g):  # disagreements with the curated facts
        g.add(t)
    g += links_to_reports(_JOB.get("reports", {}).get(ff.year, []), g, ff.year)  # and with reports held
    added = {str(c) for c in g.subjects(RDF.type, findings.LKG.Country)}
    validation, query = _JOB["reasoner"].closures(g)
    del g
    found = validate_lines(validation)
    path = _JOB["work"] / f"{ff.year}.nt"
    path.write_bytes(query)
    counts = {name: getattr(report, name)[ff.year] for name in ("read", "mapped", "not_mapped", "unreadable")}
    return ff.year, counts, added, found, path


def _each_year(n: int):
    """The results of :func:`_one_year` for every file, in order, computed by :data:`WORKERS` forked
    processes (one when there is one file, or where fork is not available)."""
    import multiprocessing as mp

    if n < 2 or WORKERS < 2 or "fork" not in mp.get_all_start_methods():
        yield from map(_one_year, range(n))
        return
    with mp.get_context("fork").Pool(min(WORKERS, n)) as pool:
        yield from pool.imap(_one_year, range(n))


def _since(started: float) -> str:
    return f"{time.monotonic() - started:.0f} s"


def _count(store) -> int:
    """Triples in the default graph (what queries read; the name index is a named graph)."""
    for row in store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"):
        return int(row[0].value)
    return 0


__all__ = ["add_findings", "in_store", "validate_lines"]

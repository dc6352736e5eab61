"""Add a Findings country report (PDF) to a store: its facts written once as N-Triples beside the store
(the store's inputs must stay on disk), with the lkg:conflictsWith links of their differences from the
structured findings of the same country-year the store holds, and added with the store's incremental add."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from laborkg.ingest.report_facts import map_report
from laborkg.ingest.report_pdf import Report, read_report, sha256_of
from laborkg.progress import say
from laborkg.store.layout import read_manifest


def reports_dir(directory: Path) -> Path:
    """Where the reports' N-Triples added to the store in ``directory`` are kept (beside it)."""
    return directory.parent / f"{directory.name}.reports"


def add_report(
    directory: Path | str,
    pdf: Path | str,
    country: str | None = None,
    year: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Read ``pdf``, map it and add its facts to the store; a report the store holds already (the same
        file's SHA-256) adds nothing, and is not read again. Returns ``triples_added``, ``summary`` (None
    when the report was in the store already), ``manifest``, ``already``."""
    from laborkg.ingest.findings import write_ntriples
    from laborkg.store.incremental import add

    directory = Path(directory)
    manifest = read_manifest(directory)  # not a store: InputError before the PDF is read
    if Path(pdf).is_file():  # the same bytes added before: nothing to read
        name = f"usdol-report-{sha256_of(Path(pdf))[:16]}.nt"
        if any(Path(e["file"]).name == name for e in manifest["inputs"]["files"]):
            return {"triples_added": 0, "summary": None, "manifest": manifest, "already": True}
    report = read_report(pdf)
    say(progress, f"report {report.path.name}: {report.country}, {report.year}, {len(report.pages)} pages")
    graph, summary = map_report(report, country, year)
    links = conflict_links(directory, report, graph)
    for t in links:
        graph.add(t)
    if links:
        say(progress, f"{len(links)} difference(s) from the structured findings linked (lkg:conflictsWith)")
    target = reports_dir(directory) / f"usdol-report-{report.sha256[:16]}.nt"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_ntriples(graph, target)
    try:
        result = add(directory, [target], progress=progress, rebuild=False)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return {**result, "summary": summary, "already": False}


#: The record of one country-year in a store's structured findings: (record, file).
_RECORD_OF = """PREFIX lkg: <https://w3id.org/laborkg/ontology#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?record ?file WHERE {
  <COUNTRY> lkg:source ?name .
  ?name lkg:elementPath "Name[1]" ; lkg:countryRecord ?record ; lkg:inDocument ?file .
  ?file lkg:reportingYear "YEAR"^^xsd:gYear .
}"""
#: That record's file, the record, its element values, the facts citing them (their other sources left
#: out) and the labels of what those facts name: what :func:`laborkg.ingest.crosscheck.compare` reads of a
#: findings graph. RECORD and FILE are written in as IRIs, so that each branch starts from a constant
#: (as variables bound outside the UNION, Oxigraph evaluated each branch over the whole store).
_FINDINGS_OF = """PREFIX lkg: <https://w3id.org/laborkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?s ?p ?o } WHERE {
  { <FILE> ?p ?o BIND(<FILE> AS ?s) }
  UNION { <RECORD> ?p ?o BIND(<RECORD> AS ?s) }
  UNION { ?s lkg:countryRecord <RECORD> ; ?p ?o }
  UNION { ?value lkg:countryRecord <RECORD> . ?s lkg:source ?value ; ?p ?o FILTER(?p != lkg:source) }
  UNION { ?o lkg:countryRecord <RECORD> . ?s lkg:source ?o BIND(lkg:source AS ?p) }
  UNION { ?value lkg:countryRecord <RECORD> . ?fact lkg:source ?value ; ?named ?s . ?s rdfs:label ?o
          BIND(rdfs:label AS ?p) }
}"""


def findings_of(directory: Path, country: str, year: int):
    """The structured findings of ``country``'s ``year`` record in the store (an rdflib graph, empty when
    the store holds none), fetched with two queries, not the whole store."""
    from rdflib import Graph

    from laborkg.backends.oxigraph import open_store
    from laborkg.ingest.countries import reconcile

    text = _RECORD_OF.replace("COUNTRY", str(reconcile(country).iri)).replace("YEAR", str(int(year)))
    with open_store(directory) as store:
        rows = store.sparql(text, timeout=None).dicts()
        if not rows:
            return Graph()
        record, file = rows[0]["record"], rows[0]["file"]
        query = _FINDINGS_OF.replace("RECORD", str(record)).replace("FILE", str(file))
        answer = store.sparql(query, timeout=None)
    return answer.graph if answer.graph is not None else Graph()


def conflict_links(directory: Path, report: Report, graph) -> list[tuple]:
    """``(report fact, lkg:conflictsWith, findings fact)`` for every difference between the report's facts
    (``graph``) and the structured findings of its country-year in the store: the pairs of
    :func:`laborkg.ingest.crosscheck.compare`, as ``laborkg crosscheck reports`` lists them. Empty when the
    store holds no findings of that country-year."""
    from laborkg.ingest.countries import reconcile
    from laborkg.store.ingest import ALL, in_store
    from laborkg.store.report_links import links

    held = in_store(read_manifest(directory)).get(report.year)
    if held is None or (held != ALL and str(reconcile(report.country).iri) not in held):
        return []
    findings = findings_of(directory, report.country, report.year)
    if not len(findings):
        return []
    return links(graph, findings, report.country, report.year, "\n".join(p.text for p in report.pages))


def write_report(pdf: Path | str, output: Path | str, country: str | None = None, year: int | None = None):
    """The report's facts as N-Triples in ``output`` (not reasoned): (triples, summary)."""
    from laborkg.ingest.findings import write_ntriples

    report = read_report(pdf)
    graph, summary = map_report(report, country, year)
    return write_ntriples(graph, output), summary

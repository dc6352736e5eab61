"""Issue 16: a report joining a store with its country-year's findings links each difference as two claims."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from support.cli import run
from support.findings import FINDINGS, require_findings
from support.reports import REPORTS, require_reports

from laborkg.ingest.report_pdf import read_report

PDF = "mexico_2019.pdf"  # differs from the 2019 XML in a Table 6 figure and a suggested action's words


def _triples(store) -> int:
    return json.loads((store / "manifest.json").read_text())["triples"]


@pytest.fixture(scope="module")
def store(built_store, tmp_path_factory):
    """The built store with Mexico's 2019 findings, then the 2019 report added."""
    require_reports()
    require_findings()
    from laborkg.store.ingest import add_findings

    directory = tmp_path_factory.mktemp("conflicts") / "kg"
    shutil.copytree(built_store, directory)
    add_findings(directory, FINDINGS, [2019], ["Mexico"])
    before = _triples(directory)
    code, _out, err = run("ingest", "report", str(REPORTS / PDF), "--store", str(directory))
    assert code == 0, err
    assert _triples(directory) > before
    return directory


def _conflicts(directory) -> list[dict]:
    code, out, err = run("query", "conflicts", "--store", str(directory), "--format", "json")
    assert code == 0, err
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(out)["results"]["bindings"]]


def _listed_differences(tmp_path, pdf: str = PDF) -> int:
    """The differences ``laborkg crosscheck reports`` lists for the report that the report's facts give
    a value of (the others are values only the structured data gives: no pair)."""
    (tmp_path / "pdf").mkdir()
    shutil.copy(REPORTS / pdf, tmp_path / "pdf" / pdf)
    pdfs = tmp_path / "pdf"
    code, out, err = run("crosscheck", "reports", "--from", str(pdfs), "--findings", str(FINDINGS))
    assert code == 0, err
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if re.match(rf"{pdf} \(.*\): \d+ difference", line))
    listed = [line for line in lines[at + 1 :] if line.startswith("  ")]
    return sum("(not in the report's facts)" not in line for line in listed)


def test_report_and_xml_differences_are_pairs_of_sourced_claims(store, tmp_path):
    import pyoxigraph as ox

    pairs = [r for r in _conflicts(store) if PDF in (r["claimFiles"], r["otherFiles"])]
    expected = _listed_differences(tmp_path)
    assert expected >= 1
    assert len(pairs) == expected
    report = read_report(REPORTS / PDF)
    db = ox.Store.read_only(str(store / "oxigraph"))
    lkg = "https://w3id.org/laborkg/ontology#"

    def value(iri: str, prop: str):
        quads = db.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(lkg + prop), None)
        return next(iter(quads)).object.value

    for r in pairs:
        sides = {r["claimFiles"]: r["claimSources"], r["otherFiles"]: r["otherSources"]}
        assert set(sides) == {PDF, "countries_2019.xml"}, r
        for passage in sides[PDF].split():  # the report's side: a quote on its page
            page = int(value(passage, "page"))
            assert value(passage, "quote") in report.page(page).text
        for element in sides["countries_2019.xml"].split():  # the XML's side: a value at its path
            assert re.match(r"^[A-Z][A-Za-z_]*\[\d+\]", value(element, "elementPath"))
    # the table for people names the report's page
    code, out, err = run("query", "conflicts", "--store", str(store))
    assert code == 0, err
    assert re.search(rf"\] {re.escape(PDF)}, page \d+: “", out)


def test_the_same_pdf_again_adds_nothing(store):
    before = _triples(store)
    code, out, err = run("ingest", "report", str(REPORTS / PDF), "--store", str(store))
    assert code == 0, err
    assert "0 triples added" in out and _triples(store) == before


def test_a_report_of_a_year_the_store_has_no_findings_of_links_nothing(store):
    before = len(_conflicts(store))
    code, _out, err = run("ingest", "report", str(REPORTS / "mexico_2020.pdf"), "--store", str(store))
    assert code == 0, err
    rows = _conflicts(store)
    assert len(rows) == before
    assert not [r for r in rows if "mexico_2020.pdf" in (r["claimFiles"], r["otherFiles"])]


def test_findings_added_after_a_report_are_linked_with_it(built_store, tmp_path):
    """The other order: the report first, then its country-year's findings; the same pairs."""
    require_reports()
    require_findings()
    from laborkg.store.ingest import add_findings

    pdf, year = PDF, 2019
    directory = tmp_path / "kg"
    shutil.copytree(built_store, directory)
    code, _out, err = run("ingest", "report", str(REPORTS / pdf), "--store", str(directory))
    assert code == 0, err
    assert not [r for r in _conflicts(directory) if pdf in (r["claimFiles"], r["otherFiles"])]
    add_findings(directory, FINDINGS, [year], ["Mexico"])
    pairs = [r for r in _conflicts(directory) if pdf in (r["claimFiles"], r["otherFiles"])]
    assert {frozenset((r["claimFiles"], r["otherFiles"])) for r in pairs} == {
        frozenset((pdf, f"countries_{year}.xml"))
    }
    assert len(pairs) == _listed_differences(tmp_path, pdf) >= 1

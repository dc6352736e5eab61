"""`laborkg sparql`: ad-hoc queries of every form and format, refused updates and SERVICE, time limit."""

from __future__ import annotations

import csv
import io
import json
import time
import xml.etree.ElementTree as ET

from rdflib import Graph

from laborkg.cli import main

SELECT = "SELECT ?unit WHERE { ?unit lkg:subAgencyOf lkr:fgr } ORDER BY ?unit"


def run(*argv: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_select_table_shows_labels():
    code, out, _ = run("sparql", SELECT)
    assert code == 0
    assert "Specialized Office for Organized Crime (FEMDO)" in out and "(3 rows)" in out
    assert "https://" not in out


def test_select_machine_formats():
    _, out, _ = run("sparql", SELECT, "--format", "json")
    assert len(json.loads(out)["results"]["bindings"]) == 3
    _, out, _ = run("sparql", SELECT, "--format", "csv")
    assert [r["unit"] for r in csv.DictReader(io.StringIO(out))][0].startswith("https://w3id.org/laborkg/id/")
    _, out, _ = run("sparql", SELECT, "--format", "tsv")
    assert out.splitlines()[0] == "?unit" and out.splitlines()[1].startswith("<https://")
    _, out, _ = run("sparql", SELECT, "--format", "xml")
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    assert len(ET.fromstring(out).findall(".//s:result", ns)) == 3


def test_literals_keep_datatype_and_language_in_json_and_xml():
    q = (
        "SELECT ?amount ?label WHERE { ?f lkg:amount ?amount ; lkg:beneficiary lkr:stps . "
        'lkr:stps rdfs:label ?label FILTER(LANG(?label) = "es") }'
    )
    _, out, _ = run("sparql", q, "--format", "json")
    b = json.loads(out)["results"]["bindings"][0]
    assert b["amount"]["datatype"].endswith("#decimal") and b["label"]["xml:lang"] == "es"
    _, out, _ = run("sparql", q, "--format", "xml")
    assert 'datatype="http://www.w3.org/2001/XMLSchema#decimal"' in out and 'xml:lang="es"' in out


def test_ask():
    code, out, _ = run("sparql", "ASK { lkr:stps a lkg:Agent }")
    assert code == 0 and out.strip() == "yes"
    _, out, _ = run("sparql", "ASK { lkr:stps a lkg:Law }", "--format", "json")
    assert json.loads(out) == {"head": {}, "boolean": False}


def test_construct_and_describe_formats():
    q = "CONSTRUCT { ?u lkg:subAgencyOf lkr:fgr } WHERE { ?u lkg:subAgencyOf lkr:fgr }"
    for fmt, parser in (("turtle", "turtle"), ("json-ld", "json-ld"), ("nt", "nt")):
        code, out, _ = run("sparql", q, "--format", fmt)
        assert code == 0
        assert len(Graph().parse(data=out, format=parser)) == 3, fmt
    code, out, _ = run("sparql", "DESCRIBE lkr:stps")
    assert code == 0 and "@prefix" in out


def test_query_from_file_and_stdin(tmp_path, monkeypatch):
    f = tmp_path / "q.rq"
    f.write_text(SELECT)
    code, out, _ = run("sparql", "-f", str(f), "--format", "csv")
    assert code == 0 and len(out.splitlines()) == 4
    code, out, _ = run("sparql", "-", "--format", "csv", stdin=SELECT, monkeypatch=monkeypatch)
    assert code == 0 and len(out.splitlines()) == 4


def one_line(err: str) -> bool:
    return err.startswith("laborkg: error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_refusals_and_errors_exit_2(tmp_path):
    cases = {
        "INSERT DATA { lkr:a lkr:b lkr:c }": "read-only",
        "LOAD <http://127.0.0.1:9/x.ttl>": "read-only",
        "DROP ALL": "read-only",
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }": "is not allowed",
        "SELECT * WHERE { ?s ?p }": "malformed SPARQL query",
    }
    for q, fragment in cases.items():
        code, out, err = run("sparql", q)
        assert code == 2 and fragment in err and one_line(err), q
        assert out == ""
    code, _, err = run("sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--format", "turtle")
    assert code == 2 and "CONSTRUCT" in err
    code, _, err = run("sparql")
    assert code == 2 and one_line(err)
    code, _, err = run("sparql", "-f", str(tmp_path / "missing.rq"))
    assert code == 2 and one_line(err)


def test_malformed_query_position_is_in_the_users_text():
    _, _, err = run("sparql", "SELECT * WHERE { ?s ?p }")
    assert "line:1" in err


def test_allowed_service_passes_the_check_only_for_that_endpoint():
    from laborkg.query.engine import prepare

    prepare(
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/a> { ?s ?p ?o } }",
        allow_service=["http://127.0.0.1:9/a"],
    )
    code, _, err = run(
        "sparql",
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/b> { ?s ?p ?o } }",
        "--allow-service",
        "http://127.0.0.1:9/a",
    )
    assert code == 2 and "<http://127.0.0.1:9/b>" in err


def test_time_limit_stops_a_runaway_query():
    start = time.monotonic()
    code, out, err = run(
        "sparql", "--timeout", "1", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    )
    assert code == 2 and "time limit of 1 s" in err and one_line(err) and out == ""
    assert time.monotonic() - start < 30

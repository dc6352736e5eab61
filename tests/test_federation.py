"""Federated queries against a real SPARQL server (Oxigraph, from PyPI) started on 127.0.0.1: laborkg's
programs and agencies joined with remote facts through their Wikidata identifiers. Without
--allow-service, SERVICE is refused before any request is made."""

from __future__ import annotations

import csv
import io
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from support.cli import run

FIXTURE = Path(__file__).parent / "fixtures" / "federation" / "wikidata-shaped.ttl"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    exe = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    assert exe, "the oxigraph server (PyPI package 'oxigraph') is a test dependency"
    db = tmp_path_factory.mktemp("oxigraph") / "db"
    subprocess.run(
        [exe, "load", "--location", str(db), "--file", str(FIXTURE)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = _free_port()
    proc = subprocess.Popen(
        [exe, "serve-read-only", "--location", str(db), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2).read()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the oxigraph server did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=30)


PROGRAMS_AND_AGENCIES = """
SELECT ?program ?agent ?remoteLabel WHERE {
  ?funding lkg:fundedInitiative ?program ; lkg:funder|lkg:beneficiary ?direct .
  ?direct lkg:subAgencyOf* ?agent .
  ?agent skos:exactMatch ?wd .
  FILTER(STRSTARTS(STR(?wd), "http://www.wikidata.org/entity/"))
  SERVICE <%s> { ?wd rdfs:label ?remoteLabel FILTER(LANG(?remoteLabel) = "en") }
}"""

COUNTRIES = """
SELECT ?country ?isoHere ?isoThere WHERE {
  ?country a lkg:Country ; skos:exactMatch ?wd , ?iso .
  FILTER(STRSTARTS(STR(?wd), "http://www.wikidata.org/entity/"))
  FILTER(STRSTARTS(STR(?iso), "https://www.iso.org/obp/ui/#iso:code:3166:"))
  BIND(STRAFTER(STR(?iso), "3166:") AS ?isoHere)
  SERVICE <%s> { ?wd <http://www.wikidata.org/prop/direct/P297> ?isoThere }
}"""


def test_programs_and_agencies_joined_with_remote_facts(endpoint):
    code, out, err = run(
        "sparql", "--allow-service", endpoint, "--format", "csv", PROGRAMS_AND_AGENCIES % endpoint
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows, "no row joined"
    joined = {
        (r["program"].rsplit("/", 1)[-1], r["agent"].rsplit("/", 1)[-1], r["remoteLabel"]) for r in rows
    }
    assert ("solidarity-center-mexico-program", "usdol", "United States Department of Labor") in joined


def test_countries_agree_with_the_remote_iso_codes(endpoint):
    code, out, err = run("sparql", "--allow-service", endpoint, "--format", "csv", COUNTRIES % endpoint)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 6
    assert all(r["isoHere"] == r["isoThere"] for r in rows)


def test_service_without_the_flag_is_refused(endpoint):
    code, out, err = run("sparql", PROGRAMS_AND_AGENCIES % endpoint)
    assert code == 2 and "is not allowed" in err and out == ""


def test_refused_service_sends_no_request(canary):
    base, hits = canary
    q = f"SELECT * WHERE {{ SERVICE <{base}/sparql> {{ ?s ?p ?o }} }}"
    assert run("sparql", q)[0] == 2
    assert run("sparql", "--allow-service", "http://127.0.0.1:9/other", q)[0] == 2
    assert hits == []

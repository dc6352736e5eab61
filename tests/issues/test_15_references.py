"""Issue 15: seed 002's numbered references are cited documents, and every citing passage links to them."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys

from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF
from support import markup
from support.server import running

from laborkg import api, paths
from laborkg.backends.oxigraph import open_store
from laborkg.namespace import LKG, LKR

SEED = paths.SEEDS_DIR / "002_050c8baefa641c9c.txt"
SCRIPT = paths.ROOT / "scripts" / "usdol_references.py"
GENERATED = ("usdol-2022-references.ttl", "usdol-2022-citations.ttl")


def _seed() -> str:
    return SEED.read_text(encoding="utf-8")


def _entry_numbers() -> list[int]:
    text = _seed()
    return [int(n) for n in re.findall(r"^- (\d+) ", text[text.index("## REFERENCES") :], re.M)]


def _references(graph) -> dict[int, URIRef]:
    return {int(graph.value(d, LKG.referenceNumber)): d for d in graph.subjects(RDF.type, LKG.CitedDocument)}


def test_every_numbered_reference_is_a_cited_document(data_graph):
    numbers = _entry_numbers()
    assert numbers == list(range(1, 148))
    assert sorted(_references(data_graph)) == numbers


def test_each_reference_is_sourced_by_its_whole_entry(data_graph):
    text = _seed()
    for number, doc in _references(data_graph).items():
        (passage,) = data_graph.objects(doc, LKG.source)
        quote = str(data_graph.value(passage, LKG.quote))
        offset = int(data_graph.value(passage, LKG.charOffset))
        assert text[offset : offset + len(quote)] == quote, number
        assert text[offset - 2 : offset] == "- " and quote.startswith(f"{number} "), number
        assert re.match(r"[ \t]*(\n|$)", text[offset + len(quote) :]), f"reference {number}: quote cut short"
        plain = quote.replace("\\\\_", "_")
        for prop in (DCTERMS.creator, DCTERMS.title, DCTERMS.publisher, LKG.publicationPlace, LKG.webAddress):
            for value in data_graph.objects(doc, prop):
                assert str(value) in plain, f"reference {number}: {prop} {value!s} is not in its entry"
        for prop in (DCTERMS.date, LKG.enactedDate, LKG.accessedDate):
            for value in data_graph.objects(doc, prop):
                assert str(value)[:4] in quote, f"reference {number}: {prop} {value} is not in its entry"


def test_no_date_where_the_entry_gives_none(data_graph):
    refs = _references(data_graph)
    dated = {n for n, d in refs.items() if any(data_graph.objects(d, DCTERMS.date | LKG.enactedDate))}
    accessed = {n for n, d in refs.items() if any(data_graph.objects(d, LKG.accessedDate))}
    assert accessed == {1, 10, 80, 85, 102, 138}
    assert not dated & accessed and dated | accessed == set(refs)
    assert str(data_graph.value(refs[66], LKG.enactedDate)) == "1917-02-05"
    assert str(data_graph.value(refs[82], DCTERMS.date)) == "2015"
    # Reference 79 shows one address and links to another: both are kept.
    assert len(set(data_graph.objects(refs[79], LKG.webAddress))) == 2
    assert not any(data_graph.objects(refs[12], LKG.webAddress))


def test_regenerating_gives_the_committed_files(tmp_path):
    subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], check=True)
    for name in GENERATED:
        assert (tmp_path / name).read_text(encoding="utf-8") == (paths.DATA_DIR / name).read_text(
            encoding="utf-8"
        ), f"data/{name} differs from what scripts/usdol_references.py writes: run it again"


def _markers(quote: str) -> set[int]:
    """The reference numbers of a quote's citation markers, read independently of the generating script."""
    found: set[int] = set()
    for m in re.finditer(r"\(([\d,\-–]+)\)", quote):
        if re.match(r" [a-z]", quote[m.end() : m.end() + 2]):
            continue  # an enumeration: "(1) promoting …"
        numbers: set[int] = set()
        for item in m.group(1).split(","):
            bounds = [int(x) for x in re.split("[-–]", item) if x]
            numbers.update(range(bounds[0], bounds[-1] + 1))
        if numbers and max(numbers) <= 147:
            found |= numbers
    return found


def test_every_passage_links_exactly_the_references_its_markers_give(kg):
    seed = LKR["seed-002"]
    checked = 0
    for passage in kg.subjects(LKG.inDocument, seed):
        linked = {int(kg.value(r, LKG.referenceNumber)) for r in kg.objects(passage, LKG.citesReference)}
        is_entry = any((s, RDF.type, LKG.CitedDocument) in kg for s in kg.subjects(LKG.source, passage))
        expected = set() if is_entry else _markers(str(kg.value(passage, LKG.quote)))
        assert linked == expected, f"{passage}: markers {sorted(expected)}, links {sorted(linked)}"
        checked += bool(expected)
    assert checked >= 100


def test_a_range_is_expanded(data_graph):
    passage = URIRef("https://w3id.org/laborkg/id/passage/002b-t5-stps-leads")
    assert str(data_graph.value(passage, LKG.quote)).endswith("(69,81-86)")
    linked = {
        int(data_graph.value(r, LKG.referenceNumber)) for r in data_graph.objects(passage, LKG.citesReference)
    }
    assert linked == {69, 81, 82, 83, 84, 85, 86}


def test_evidence_answers_what_usdol_cites_for_a_figure(built_store):
    kg = api.open(store=built_store)
    try:
        rows = kg.query("evidence", fact="lkr:obs-federal-labor-inspectors-2022")
        by_number = kg.query("evidence", reference="65")
    finally:
        kg.close()
    assert {(int(r["number"]), str(r["title"]), str(r["date"])) for r in rows} == {
        (12, "Reporting", "2023-02-14")
    }
    # Reference 65, the decree approving the Forced Labor Protocol, supports what its passage states.
    assert str(LKR["government-of-mexico"]) in {str(r["citedBy"]) for r in by_number}


def test_an_entity_page_shows_the_references_its_passages_cite(built_store):
    store = open_store(built_store)
    try:
        with running(store) as srv:
            conn = http.client.HTTPConnection("127.0.0.1", srv.server_address[1], timeout=90)
            conn.request("GET", "/id/obs-federal-labor-inspectors-2022", headers={"Accept": "text/html"})
            resp = conn.getresponse()
            status, body = resp.status, resp.read().decode()
            conn.close()
    finally:
        store.close()
    assert status == 200
    cites = markup.parse(body).find_all("details", "cites")
    links = {(a["href"], " ".join(a.text().split())) for d in cites for a in d.find_all("a")}
    assert ("/id/usdol-2022-ref-12", "12 U.S. Embassy- Mexico City. Reporting. February 14, 2023.") in links

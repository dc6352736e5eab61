"""HTML documentation of the ontology (pyLODE): complete, bilingual, offline and written atomically."""

from __future__ import annotations

import socket
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from laborkg import paths
from laborkg.errors import InputError
from laborkg.namespace import LKG
from laborkg.pipeline.load import load
from laborkg.publish import docs

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)


class _Page(HTMLParser):
    """The page's text, and per documented term (one ``div.entity``) its heading and full text."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.entities: list[dict] = []  # {"heading": str, "text": str}
        self._div_depth = 0
        self._entity_depth: int | None = None
        self._in_h3 = self._in_sup = False
        self._heading: list[str] = []
        self._body: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "div":
            self._div_depth += 1
            if "entity" in (dict(attrs).get("class") or "").split() and self._entity_depth is None:
                self._entity_depth = self._div_depth
                self._heading, self._body = [], []
        elif tag == "h3":
            self._in_h3 = True
        elif tag == "sup":
            self._in_sup = True

    def handle_endtag(self, tag):
        if tag == "div":
            if self._entity_depth == self._div_depth:
                self.entities.append(
                    {"heading": " ".join("".join(self._heading).split()), "text": " ".join(self._body)}
                )
                self._entity_depth = None
            self._div_depth -= 1
        elif tag == "h3":
            self._in_h3 = False
        elif tag == "sup":
            self._in_sup = False

    def handle_data(self, data):
        self.text.append(data)
        if self._entity_depth is not None:
            self._body.append(data)
            if self._in_h3 and not self._in_sup:
                self._heading.append(data)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load(paths.ontology_files())


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    return docs.write_docs(tmp_path_factory.mktemp("site") / "docs")


@pytest.fixture(scope="module")
def page(generated) -> _Page:
    parser = _Page()
    parser.feed(generated.read_text(encoding="utf-8"))
    return parser


def _english(graph: Graph, term) -> str | None:
    return next((str(v) for v in graph.objects(term, RDFS.label) if v.language == "en"), None)


def _spanish(graph: Graph, term) -> str | None:
    return next((str(v) for v in graph.objects(term, RDFS.label) if v.language == "es"), None)


def _entity(page: _Page, iri: str) -> dict:
    found = [e for e in page.entities if iri in e["text"].split()]
    assert len(found) == 1, f"{iri}: documented {len(found)} times"
    return found[0]


def test_writes_index_html(generated):
    assert generated.name == "index.html" and generated.is_file()
    assert sorted(p.name for p in generated.parent.iterdir()) == ["index.html"]


def test_every_class_and_property_is_documented(ontology, page):
    terms = {s for t in TERM_TYPES for s in ontology.subjects(RDF.type, t) if isinstance(s, URIRef)}
    assert len(terms) > 150
    for term in sorted(terms):
        entity = _entity(page, str(term))  # each term once, its IRI in its table
        label = _english(ontology, term)
        if label is not None:
            assert entity["heading"] == label
        else:  # external terms the ontology declares without a label, e.g. org:memberOf
            prefix, _, local = ontology.compute_qname(term, generate=False)
            assert entity["heading"] == f"{prefix}:{local}"


def test_headings_are_english_and_spanish_labels_are_rows(ontology, page):
    for term in {s for t in TERM_TYPES for s in ontology.subjects(RDF.type, t)}:
        english, spanish = _english(ontology, term), _spanish(ontology, term)
        if english is None or spanish is None or spanish == english:
            continue
        entity = _entity(page, str(term))
        assert entity["heading"] == english  # never "government agencydependencia gubernamental"
        assert f"Spanish Label {spanish}" in " ".join(entity["text"].split())


@pytest.mark.parametrize(
    "term, english, spanish",
    [
        (LKG.GovernmentAgency, "government agency", "dependencia gubernamental"),
        (LKG.SubAgency, "sub-agency", "unidad administrativa"),
        (LKG.subAgencyOf, None, None),
    ],
)
def test_both_labels_visible(ontology, page, term, english, spanish):
    english = english or _english(ontology, term)
    spanish = spanish or _spanish(ontology, term)
    text = " ".join(" ".join(page.text).split())
    assert english in text and spanish in text
    entity = _entity(page, str(term))
    assert entity["heading"] == english
    assert spanish in entity["text"]


def test_alternative_labels_and_code_lists_are_shown(page):
    ngo = " ".join(_entity(page, str(LKG.NonGovernmentalOrganisation))["text"].split())
    assert "Alternative Label civil society organisation" in ngo
    assert "Spanish Alternative Label organización de la sociedad civil" in ngo
    status = " ".join(_entity(page, str(LKG.ActivityStatus))["text"].split())
    assert "Code List IATI ActivityStatus" in status
    assert "Cancelled" in status and "Suspended" in status


def test_title_is_the_ontology_not_a_code_list(generated):
    html = generated.read_text(encoding="utf-8")
    assert "<title>laborkg ontology</title>" in html


def test_no_network_during_generation(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network use during documentation generation: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    index = docs.write_docs(tmp_path / "docs")
    assert "dependencia gubernamental" in index.read_text(encoding="utf-8")


def test_does_not_change_the_loaded_graph(ontology):
    before = set(ontology)
    docs.doc_graph(ontology)
    assert set(ontology) == before


def test_output_is_reproducible(tmp_path, generated):
    again = docs.write_docs(tmp_path / "docs")
    assert again.read_bytes() == generated.read_bytes()


def test_replaces_an_earlier_run_and_leaves_no_temporary_directory(tmp_path):
    target = tmp_path / "docs"
    target.mkdir()
    (target / "index.html").write_text("stale", encoding="utf-8")
    index = docs.write_docs(target)
    assert index == target / "index.html"
    assert "laborkg ontology" in index.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]


def test_a_failed_run_keeps_the_earlier_directory(tmp_path, monkeypatch):
    target = tmp_path / "docs"
    target.mkdir()
    (target / "index.html").write_text("good", encoding="utf-8")
    # a lone surrogate cannot be written as UTF-8: the write fails inside the temporary directory
    monkeypatch.setattr(docs, "render_html", lambda: "<html>\ud800</html>")
    with pytest.raises(UnicodeEncodeError):
        docs.write_docs(target)
    assert (target / "index.html").read_text(encoding="utf-8") == "good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]


def test_creates_missing_parents(tmp_path):
    index = docs.write_docs(tmp_path / "a" / "b" / "docs")
    assert index.is_file()


@pytest.mark.parametrize("case", ["file", "foreign-dir", "parent-is-file", "symlink"])
def test_unusable_output_directories(tmp_path, case, monkeypatch):
    monkeypatch.setattr(docs, "render_html", lambda: pytest.fail("rendered before checking the target"))
    if case == "file":
        target = tmp_path / "docs"
        target.write_text("x", encoding="utf-8")
    elif case == "foreign-dir":
        target = tmp_path / "docs"
        target.mkdir()
        (target / "notes.txt").write_text("mine", encoding="utf-8")
    elif case == "parent-is-file":
        (tmp_path / "f").write_text("x", encoding="utf-8")
        target = tmp_path / "f" / "docs"
    else:
        (tmp_path / "real").mkdir()
        target = tmp_path / "docs"
        target.symlink_to(tmp_path / "real")
    with pytest.raises(InputError) as info:
        docs.write_docs(target)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(target))
    if case == "foreign-dir":
        assert (target / "notes.txt").read_text(encoding="utf-8") == "mine"


_FRESH_RUN = """
import logging, socket, sys
from pathlib import Path

def refuse(*args, **kwargs):
    raise AssertionError(f"network use: {args!r}")

socket.socket.connect = socket.socket.connect_ex = refuse
socket.create_connection = socket.getaddrinfo = refuse
from laborkg.publish.docs import write_docs

write_docs(Path(sys.argv[1]))
assert not logging.getLogger().handlers, logging.getLogger().handlers
"""


def test_fresh_interpreter_no_network_and_no_log_output(tmp_path):
    """From pyLODE's import on: no socket, and none of pyLODE's logging.basicConfig(DEBUG) output."""
    command = [sys.executable, "-c", _FRESH_RUN, str(tmp_path / "docs")]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stderr == "" and run.stdout == ""
    assert (tmp_path / "docs" / "index.html").is_file()


def test_other_languages_get_their_own_rows():
    graph = load(paths.ontology_files())
    graph.add((LKG.GovernmentAgency, RDFS.label, Literal("agence gouvernementale", lang="fr")))
    prepared = docs.doc_graph(graph)
    labels = {str(o) for o in prepared.objects(LKG.GovernmentAgency, RDFS.label)}
    assert labels == {"government agency"}
    french = Literal("agence gouvernementale", lang="fr")
    assert (LKG.GovernmentAgency, docs.DOC["label-fr"], french) in prepared

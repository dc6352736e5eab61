"""Issue 14, the web view's pages over HTTP: the landing page, the entity page, the interface in Spanish."""

from __future__ import annotations

import http.client
import re
import threading
import urllib.parse

import pytest
from support import markup

from laborkg.backends.oxigraph import open_store
from laborkg.server.app import make_server
from laborkg.server.limits import Limits

LKR = "https://w3id.org/laborkg/id/"
SEEDS_QUERY = """
SELECT ?file ?title ?date WHERE {
  ?doc a lkg:SourceDocument ; lkg:fileName ?file ; dcterms:date ?date .
  OPTIONAL { ?doc dcterms:title ?title }
  FILTER NOT EXISTS { ?doc a lkg:FindingsFile }
}"""


@pytest.fixture(scope="module")
def port(built_store):
    store = open_store(built_store)
    srv = make_server(store, Limits())
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()
    store.close()


def get(port, target, accept="text/html"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=90)
    try:
        conn.request("GET", target, headers={"Accept": accept})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read().decode()
    finally:
        conn.close()


def page(port, target) -> markup.Node:
    status, _, body = get(port, target)
    assert status == 200, (target, status, body[:300])
    return markup.parse(body)


def text(node: markup.Node | None) -> str:
    return "" if node is None else " ".join(node.text().split())


def one(node: markup.Node, tag: str | None, cls: str | None = None) -> markup.Node | None:
    found = node.find_all(tag, cls)
    return found[0] if found else None


def seeds(port) -> list[tuple[str, str | None, str]]:
    target = "/sparql?" + urllib.parse.urlencode({"query": SEEDS_QUERY, "format": "csv"})
    status, _, body = get(port, target, "text/csv")
    assert status == 200, body
    lines = body.strip().splitlines()[1:]
    import csv

    return [(f, t or None, d) for f, t, d in csv.reader(lines)]


def test_home_page_tells_the_story_sources_licence_and_citation(port):
    """The home page was the SPARQL editor: nothing said what the graph is, where from, under what licence."""
    doc = page(port, "/")
    words = text(doc)
    assert doc.find_all("textarea") == []  # the editor moved to /query
    assert "21 technical-assistance programs" in words and "USD 207 million" in words
    assert "CC BY 4.0" in words and "MIT" in words and "To cite the graph" in words
    cited = [text(li) for li in doc.find_all("li", "source-doc")]
    known = seeds(port)
    assert len(known) >= 5
    for file, title, date in known:  # every seed by its title (when the graph has one) and its date
        entry = next(c for c in cited if file in c)
        assert (title or "") in entry and date[:4] in entry
    links = {a["href"] for a in doc.find_all("a")}
    assert {"/query", "/countries", "/timeline", "/stats"} <= links
    status, _, body = get(port, "/query")
    assert status == 200 and 'id="editor"' in body


def test_old_editor_links_keep_working(port):
    """Links to the editor at / (with ?name= or ?query=) go to /query with their parameters."""
    for qs in ("name=agencies-lost-support&run=1", "query=" + urllib.parse.quote("SELECT * WHERE {}")):
        status, headers, _ = get(port, "/?" + qs)
        assert status == 302 and headers["location"] == "/query?" + qs


def _statement_rows(doc):
    """(subject, property, object) texts of the entity page's statements outside the inferred block."""
    return [
        tuple(text(one(tr, "td", c)) for c in ("subj", "prop", "obj"))
        for section in doc.find_all("section", "topic")
        for tr in section.find_all("tr")
        if one(tr, "td", "subj") is not None
    ]


def _inferred_rows(doc):
    details = doc.find_all("details", "inferred")
    return [tr for d in details for tr in d.find_all("tr") if one(tr, "td", "subj")]


def _topic_rows(doc, cls: str | None = None):
    return [
        tr
        for section in doc.find_all("section", "topic")
        for tr in section.find_all("tr", cls)
        if one(tr, "td", "subj") is not None
    ]


def test_entity_page_shows_each_unit_once_and_marks_inferred_rows(port):
    """Inferred inverse rows duplicated each unit three times (has sub-agency, ← sub-agency of, ← unit of),
    with no "inferred" mark."""
    doc = page(port, "/id/stps")
    main = [r for r in _statement_rows(doc) if "PROFEDET" in " ".join(r)]
    assert len(main) == 1 and main[0][1].startswith("has sub-agency")
    profedet = [tr for tr in _inferred_rows(doc) if "PROFEDET" in text(tr)]
    assert len(profedet) == 2
    assert all(one(tr, "span", "inferred") for tr in profedet)
    assert {text(one(tr, "td", "prop")) for tr in profedet} == {
        "sub-agency of →",
        "unit of →",
    }
    assert len(set(_statement_rows(doc))) == len(_statement_rows(doc))


def test_entity_page_arrows_read_right(port):
    """Incoming relations were shown as "← property value", which reads backwards."""
    doc = page(port, "/id/stps")
    assert "←" not in text(one(doc, "main"))
    title = text(one(doc, "h1", "entity"))
    incoming = _topic_rows(doc, "in")
    assert incoming
    for tr in incoming:  # "CITI — chaired by → STPS": the other entity first, this one last
        assert one(one(tr, "td", "obj"), "span", "this")["title"] == title  # shown short: STPS
        assert one(one(tr, "td", "subj"), "a")["href"].startswith("/id/")
    chaired = next(tr for tr in incoming if "chaired by" in text(tr))
    assert "CITI" in text(one(chaired, "td", "subj"))


def test_entity_page_statements_sit_next_to_their_sources_cited_by_title(port):
    """Sources sat 50 rows below the statements, and files were cited by their hashed name."""
    doc = page(port, "/id/stps")
    known = {file: (title, date) for file, title, date in seeds(port)}
    row = next(r for r in _topic_rows(doc) if "PROFEDET" in text(r))
    quotes = one(row, "td", "source").find_all("blockquote", "quote")
    assert quotes and all(text(q) for q in quotes)
    cites = [text(c) for c in one(row, "td", "source").find_all("div", "cite")]
    assert cites
    for cite in cites:
        file = re.search(r"seeds/(\S+\.txt)", cite).group(1)
        title, date = known[file]
        assert (title or "") in cite and date[:4] in cite
        assert cite.index(file) > 0  # the title first, the file name after it
    funding = text(one(next(r for r in _topic_rows(doc) if "receives funding" in text(r)), "td", "source"))
    assert "$207 million" in funding
    assert "US Cancels 21 Labor Support Programs in Mexico" in funding


ENGLISH_UI = (
    "Packaged queries",
    "Timeline",
    "Funding graph",
    "Compare countries",
    "language:",
    "Statements",
    "Sources",
    "inferred",
    "also called",
    "English label",
    "Spanish label",
    "This entity as",
    "To cite the graph",
    "results",
    "Organisation",
)


@pytest.mark.parametrize("target", ["/", "/id/stps", "/queries", "/id/profedet"])
def test_pages_in_spanish_say_so_and_have_no_english_interface(port, target):
    """The Spanish switch changed data labels only; the pages said lang="en"."""
    sep = "&" if "?" in target else "?"
    doc = page(port, target + sep + "labels=es")
    assert one(doc, "html")["lang"] == "es"
    words = text(one(doc, "header")) + " " + _interface_text(doc)
    found = [w for w in ENGLISH_UI if re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", words)]
    assert found == []


def _interface_text(doc) -> str:
    """The page's own words: headings, table headers, summaries, badges, notes (not data values)."""
    parts = [
        *doc.find_all("h1", "landing"),
        *doc.find_all("h2"),
        *doc.find_all("h3"),
        *doc.find_all("th"),
        *doc.find_all("summary"),
        *doc.find_all("span", "badge"),
        *doc.find_all("p", "lead"),
        *doc.find_all("p", "formats"),
        *doc.find_all("small", "file"),
        *doc.find_all("ul", "explore"),
    ]
    return " ".join(text(p) for p in parts)


def test_error_page_in_spanish_when_spanish_is_chosen(port):
    """Error pages were English whatever the language chosen; the detail stays English, marked so."""
    status, _, body = get(port, "/id/no-such-entity?labels=es")
    assert status == 404
    doc = markup.parse(body)
    assert one(doc, "html")["lang"] == "es"
    assert text(one(doc, "h1")) == "404 No encontrado"
    assert one(one(doc, "p", "error"), "span")["lang"] == "en"
    english = get(port, "/id/no-such-entity")
    assert english[0] == 404 and 'lang="en"' in english[2] and "No encontrado" not in english[2]

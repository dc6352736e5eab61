"""Issue 16: the country page shows, for a year with a report, the quote behind each figure with its page."""

from __future__ import annotations

import urllib.request

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import XSD
from support import markup
from support.cli import start_serve
from support.hostile import PAYLOADS
from support.reports import REPORTS, require_reports, store_with_report

from laborkg.ingest.crosscheck_values import state
from laborkg.namespace import LKG, LKR
from laborkg.query.engine import Answer
from laborkg.server import reports

PDF = "mexico_2021.pdf"
YEAR = 2021


@pytest.fixture(scope="module")
def store(findings_store, tmp_path_factory):
    """The findings store (Mexico, every year) with Mexico's 2021 report (PDF) added."""
    require_reports()
    return store_with_report(findings_store, tmp_path_factory.mktemp("report-web") / "kg", REPORTS / PDF)


def _select(store, text: str) -> list[dict[str, str]]:
    db = ox.Store.read_only(str(store / "oxigraph"))
    try:
        result = db.query(text)
        names = [v.value for v in result.variables]
        return [{n: (None if s[n] is None else s[n].value) for n in names} for s in result]
    finally:
        del db


@pytest.fixture(scope="module")
def stored(store):
    """What the store holds of the report, read back with SPARQL: its file and SHA-256, and per figure
    (an observation citing a passage of the report) the (quote, page) of every passage it cites."""
    rows = _select(
        store,
        f"""SELECT ?file ?sha ?obs ?quote ?page WHERE {{
          ?report <{LKG.about}> <{LKR.mexico}> ; <{LKG.reportSha256}> ?sha ; <{LKG.fileName}> ?file .
          ?p <{LKG.inDocument}> ?report ; <{LKG.quote}> ?quote ; <{LKG.page}> ?page .
          ?obs <{LKG.source}> ?p ; <{LKG.indicator}> ?indicator .
        }}""",
    )
    assert rows, "the report added no figure"
    figures: dict[str, set[tuple[str, int]]] = {}
    for r in rows:
        figures.setdefault(r["obs"], set()).add((r["quote"], int(r["page"])))
    (file, sha), *more = {(r["file"], r["sha"]) for r in rows}
    assert not more
    return {"file": file, "sha": sha, "figures": figures}


@pytest.fixture(scope="module")
def served(store, stored):
    proc, port = start_serve("--store", str(store))
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(30)


def get(base: str, path: str) -> str:
    with urllib.request.urlopen(base + path, timeout=120) as resp:
        assert resp.status == 200
        return resp.read().decode()


def _quotes(node) -> set[tuple[str, int]]:
    """(text, page) of every quote under ``node``, each checked to be followed by its "p. N"."""
    out = set()
    for q in node.find_all("q", "report-quote"):
        page = int(q["data-page"])
        siblings = q.parent.children
        after = siblings[siblings.index(q) + 2]  # the quote, a space, the page
        assert after.text() == f"p. {page}", (q.text(), after.text())
        out.add((q.text(), page))
    return out


def _block(doc, year: int):
    found = doc.find_all("section", "report", data_year=str(year))
    return found[0] if found else None


def test_each_figure_shows_the_stored_quotes_with_their_pages(served, stored):
    doc = markup.parse(get(served, "/country/mexico"))
    block = _block(doc, YEAR)
    assert block is not None, "no block for the year of the report"
    file = block.find("span", "report-file")
    assert file.text() == stored["file"] == PDF and stored["sha"] in file["title"]
    assert block.find("code", "sha256").text() == stored["sha"]
    rows = block.find_all("tr", "report-figure")
    shown = {r["data-observation"]: r for r in rows}
    assert len(shown) == len(rows) == len(stored["figures"])
    assert set(shown) == set(stored["figures"])
    for obs, row in shown.items():
        table = row.parent.parent  # tbody, table: the caption quotes the table's title
        caption = table.find_all("caption")
        quotes = _quotes(row) | (_quotes(caption[0]) if caption else set())
        assert quotes == stored["figures"][obs], obs
        assert _quotes(row), obs  # a quote of its own, not only the table's title
    sections = {r.parent.parent.find("caption").text().split(".")[0] for r in rows}
    assert {"Table 1", "Table 3", "Table 6", "Table 7"} <= sections


def test_each_legal_standard_shows_its_quotes_beside_the_structured_standard(served, store):
    rows = _select(
        store,
        f"""SELECT ?standard ?quote ?page WHERE {{
          ?report <{LKG.about}> <{LKR.mexico}> ; <{LKG.reportSha256}> ?sha .
          ?p <{LKG.inDocument}> ?report ; <{LKG.quote}> ?quote ; <{LKG.page}> ?page .
          ?standard <{LKG.source}> ?p ; <{LKG.standardType}> ?type .
        }}""",
    )
    expected: dict[str, set[tuple[str, int]]] = {}
    for r in rows:
        expected.setdefault(r["standard"], set()).add((r["quote"], int(r["page"])))
    assert len(expected) >= 10
    doc = markup.parse(get(served, "/country/mexico"))
    table = _block(doc, YEAR).find("table", "report-standards")
    shown = {r["data-standard"]: r for r in table.find_all("tr", "report-standard")}
    assert set(shown) == set(expected)
    title = _quotes(table.find("caption"))
    for iri, row in shown.items():
        assert _quotes(row) and _quotes(row) | title == expected[iri], iri
        # beside it, the structured data's standard of the same type and year, with its elements
        for li in row.find("td", "in-xml").find_all("li"):
            found = _select(
                store,
                f"""SELECT ?file WHERE {{
                  <{li["data-standard"]}> <{LKG.standardType}> ?t ; <{LKG.source}> ?p .
                  <{iri}> <{LKG.standardType}> ?t .
                  ?p <{LKG.elementPath}> ?path ; <{LKG.inDocument}> ?f . ?f <{LKG.fileName}> ?file }}""",
            )
            assert {r["file"] for r in found} == {f"countries_{YEAR}.xml"}, li["data-standard"]
        assert row["data-status"] in ("agree", "differ", "report-only")
    assert {r["data-status"] for r in shown.values()} & {"agree", "differ"}


def test_each_figure_is_beside_the_structured_value_of_its_year(served, store):
    doc = markup.parse(get(served, "/country/mexico"))
    rows = _block(doc, YEAR).find_all("tr", "report-figure")
    statuses = {r["data-status"] for r in rows}
    assert "agree" in statuses and "differ" in statuses  # Table 7's 2020 investigations: 845, the XML 601
    spelled = [r for r in rows if "N/A" in r.find("td", "in-report").text() and "Not Applicable" in r.text()]
    assert spelled and all(r["data-status"] == "agree" for r in spelled)  # one state, two spellings
    for row in rows:
        mine = [v.text() for v in row.find("td", "in-report").find_all(None, "value")]
        mine += [v.text() for v in row.find("td", "in-report").find_all("em", "state")]
        xml_cell = row.find("td", "in-xml")
        theirs = [v.text() for v in xml_cell.find_all(None, "value")]
        theirs += [v.text() for v in xml_cell.find_all("em", "state")]
        status = row["data-status"]
        assert (status == "report-only") == (not theirs), row["data-observation"]
        said, told = {state(v) for v in mine}, {state(v) for v in theirs}  # "N/A" is "Not Applicable"
        if status == "agree":
            assert said & told, (row["data-observation"], mine, theirs)
        elif status == "differ":
            assert not said & told, (row["data-observation"], mine, theirs)
        # each structured value shown is of the figure's indicator, read from the file of its year
        for li in xml_cell.find_all("li"):
            found = _select(
                store,
                f"""SELECT ?file WHERE {{
                  <{li["data-observation"]}> <{LKG.indicator}> ?i ; <{LKG.source}> ?p .
                  <{row["data-observation"]}> <{LKG.indicator}> ?i .
                  ?p <{LKG.elementPath}> ?path ; <{LKG.inDocument}> ?f . ?f <{LKG.fileName}> ?file }}""",
            )
            assert {r["file"] for r in found} == {f"countries_{row['data-year']}.xml"}, li["data-observation"]


def test_a_year_without_a_report_shows_no_report_block(served):
    doc = markup.parse(get(served, "/country/mexico"))
    profile = {r["data-year"]: r for r in doc.find("table", "profile").find_all("tr") if r.get("data-year")}
    assert len(profile) > 2
    for year, row in profile.items():
        links = row.find_all("a", "report-link")
        if int(year) == YEAR:
            assert [a["href"] for a in links] == [f"#report-{YEAR}"]
            assert _block(doc, YEAR) is not None
        else:
            assert links == [] and _block(doc, int(year)) is None, year
    assert len(doc.find_all("section", "report")) == 1
    # a country without a report: no section at all
    other = markup.parse(get(served, "/country/guatemala"))
    assert other.find_all("section", "reports") == [] and other.find_all("q", "report-quote") == []
    assert other.find("table", "profile")


def test_spanish_labels_keep_the_quotes_verbatim(served, stored):
    doc = markup.parse(get(served, "/country/mexico?labels=es"))
    assert doc.find("h2", id="reports-head").text() == reports.text("es", "reports")
    assert doc.find("html")["lang"] == "es"
    quotes = set()
    for row in _block(doc, YEAR).find_all("tr", "report-figure"):
        quotes |= _quotes(row)
    assert quotes and quotes <= set().union(*stored["figures"].values())


def test_report_text_is_escaped():
    """A quote, file name or hash as hostile text is shown as text, never as markup."""
    names = "report reportYear fileName sha256 observation indicator passage page quote property object"
    names += " dataset titlePassage"
    for payload in PAYLOADS:
        head = [LKR["r"], Literal("2021", datatype=XSD.gYear), Literal(payload), Literal(payload)]
        head += [LKR["o"], LKR["indicator-x"]]
        rows = [
            (*head, LKR["p"], Literal(3), Literal(payload), None, None, None, None),
            (*head, None, None, None, LKG.value, Literal("1", datatype=XSD.decimal), None, None),
            (*head, None, None, None, LKG.ageRange, Literal(payload), None, None),
        ]
        found = reports.reports(Answer("select", vars=names.split(), rows=rows))
        page = reports.reports_section(found, Graph(), "en")
        doc = markup.parse(f"<main>{page}</main>")
        assert not doc.find_all("script") and not doc.find_all("img")
        assert [q.text() for q in doc.find_all("q", "report-quote")] == [payload]
        assert doc.find("span", "report-file").text() == payload


@pytest.mark.browser
def test_the_quote_and_its_page_are_visible(served, stored):
    from support.browser import chrome, css, open_page, wait

    for driver in chrome():
        open_page(driver, served + "/country/mexico")
        wait(driver, lambda d: css(d, f"section.report[data-year='{YEAR}'] q.report-quote"))
        css(driver, f"th a.report-link[href='#report-{YEAR}']")[0].click()
        wait(driver, lambda d: d.execute_script("return location.hash") == f"#report-{YEAR}")
        row = css(driver, f"section.report[data-year='{YEAR}'] tr.report-figure")[0]
        driver.execute_script("arguments[0].scrollIntoView()", row)
        quote = css(row, "q.report-quote")[0]
        page = css(row, "q.report-quote + .page")[0]
        assert quote.is_displayed() and page.is_displayed()
        text = driver.execute_script("return arguments[0].textContent", quote)
        assert any(text == q for q, _ in stored["figures"][row.get_attribute("data-observation")])
        assert page.text == f"p. {quote.get_attribute('data-page')}"
        assert quote.rect["width"] > 0 and quote.rect["height"] > 0

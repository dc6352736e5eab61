"""The web view in a real browser: headless Chromium (Debian's chromium + chromium-driver, installed by
scripts/setup-test-env) driven by Selenium against ``laborkg serve`` on 127.0.0.1. Screenshots go to
``$LABORKG_TEST_ARTIFACTS`` (else a temporary directory; never the checkout): docs/web-view.png is a copy of
query-page.png, refreshed by hand.

Without Chromium the tests are skipped with the reason, except under CI (``CI`` set), where they fail;
selenium is a test dependency, imported plainly: a broken install fails."""

from __future__ import annotations

import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from support.browser import chrome
from support.browser import css as _css
from support.browser import offline_and_clean as _offline_and_clean
from support.browser import open_page as _open
from support.browser import set_query as _set_query
from support.browser import wait as _wait
from support.cli import start_serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live():
    """``laborkg serve`` in its own process on a free port; its base URL."""
    proc, port = start_serve()
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(30)


@pytest.fixture(scope="module")
def browser():
    yield from chrome()


@pytest.fixture
def shot(browser, artifacts):
    """Saves a screenshot of the whole page as ``name`` in the artifacts directory."""

    def take(name: str) -> Path:
        return _shot(browser, artifacts / name)

    return take


def _shot(driver, path: Path) -> Path:
    height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 3000)")
    chrome = driver.execute_script("return window.outerHeight - window.innerHeight") or 0
    driver.set_window_size(1280, max(800, int(height) + int(chrome)))
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 1000)
    return path


def test_query_page_runs_a_packaged_query(browser, live, shot):
    from selenium.webdriver.support.ui import Select

    _open(browser, live + "/query")
    _wait(browser, lambda d: _css(d, "#example[data-loaded]"))
    Select(_css(browser, "#example")[0]).select_by_value("agencies-lost-support")
    assert "agencies-lost-support" in _css(browser, "#mode")[0].text
    assert [i.get_attribute("name") for i in _css(browser, "#params input")] == ["funder", "since", "until"]
    _css(browser, "#run")[0].click()
    _wait(browser, lambda d: _css(d, "#results table.results tbody tr"))
    rows = _css(browser, "#results table.results tbody tr")
    assert len(rows) == 1
    text = rows[0].text
    assert "Secretariat of Labor and Social Welfare (STPS)" in text and "207,000,000" in text
    links = [a.get_attribute("href") for a in _css(browser, "#results table.results a[href*='/id/']")]
    assert live + "/id/stps" in links
    notes = " ".join(li.text for li in _css(browser, "#results ol.notes li"))
    assert "seeds/000_7e04030125ad1ee4.txt" in notes and "$207 million" in notes
    assert "name=agencies-lost-support" in browser.current_url  # the page can be linked to
    shot("query-page.png")
    _offline_and_clean(browser, live)


def test_query_page_adhoc_sparql_and_errors(browser, live):
    _open(browser, live + "/query")
    _wait(browser, lambda d: _css(d, "#example[data-loaded]"))
    _set_query(browser, "SELECT ?unit WHERE { ?unit lkg:subAgencyOf lkr:fgr } ORDER BY ?unit")
    assert "ad-hoc" in _css(browser, "#mode")[0].text
    _css(browser, "#run")[0].click()
    _wait(browser, lambda d: _css(d, "#results[data-state=done] table.results tbody tr"))
    cells = [td.text for td in _css(browser, "#results table.results tbody td")]
    assert len(cells) == 3 and any("Organized Crime" in c for c in cells)

    _set_query(browser, 'INSERT DATA { lkr:stps rdfs:label "x" }')
    _css(browser, "#run")[0].click()
    _wait(browser, lambda d: _css(d, "#results[data-state=error] .error"))
    assert "403" in _css(browser, "#results .error")[0].text

    _set_query(browser, "SELECT WHERE {")
    _css(browser, "#run")[0].click()
    _wait(browser, lambda d: _css(d, "#results[data-state=error] .error"))
    assert "400" in _css(browser, "#results .error")[0].text


def test_spanish_labels_and_deep_link(browser, live, shot):
    _open(browser, live + "/?labels=es&name=agencies-lost-support&run=1")
    _wait(browser, lambda d: _css(d, "#results table.results tbody tr"))
    row = _css(browser, "#results table.results tbody tr")[0].text
    assert "Secretaría del Trabajo y Previsión Social" in row
    assert "marzo de 2025" in row
    shot("query-page-es.png")


def test_stps_entity_page(browser, live, shot):
    _open(browser, live + "/id/stps")
    _wait(browser, lambda d: _css(d, "h1.entity"))
    assert "Secretariat of Labor and Social Welfare" in _css(browser, "h1.entity")[0].text
    assert _css(browser, "td.label-es")[0].text == "Secretaría del Trabajo y Previsión Social"
    quotes = [q.text for q in _css(browser, "ul.sources blockquote.quote")]
    assert any("$207 million" in q for q in quotes)
    cites = [c.text for c in _css(browser, "ul.sources .cite")]
    assert any(
        c.startswith("US Cancels 21 Labor Support Programs in Mexico")
        and "seeds/000_7e04030125ad1ee4.txt" in c
        for c in cites
    )
    statements = _css(browser, "section.topic table.statements tr")
    assert any("has sub-agency" in tr.text for tr in statements)
    assert _css(browser, "details.inferred .badge.inferred")
    shot("entity-stps.png")
    _offline_and_clean(browser, live)


def test_entity_page_links_out(browser, live):
    query = (
        "SELECT ?e WHERE { ?e skos:exactMatch ?w "
        "FILTER(STRSTARTS(STR(?w), 'http://www.wikidata.org/entity/')) "
        "FILTER(STRSTARTS(STR(?e), STR(lkr:))) } ORDER BY ?e LIMIT 1"
    )
    with urllib.request.urlopen(
        urllib.request.Request(
            live + "/sparql?" + urllib.parse.urlencode({"query": query, "format": "csv"}),
        ),
        timeout=60,
    ) as resp:
        entity = resp.read().decode().splitlines()[1]
    _open(browser, live + "/id/" + entity.rsplit("/id/", 1)[1])
    _wait(browser, lambda d: _css(d, "h1.entity"))
    links = [a.get_attribute("href") for a in _css(browser, "a.out")]
    assert any(h.startswith("http://www.wikidata.org/entity/Q") for h in links), links


def test_timeline(browser, live, shot):
    _open(browser, live + "/timeline")
    _wait(browser, lambda d: _css(d, "#chart[data-events] svg"))
    events = int(_css(browser, "#chart")[0].get_attribute("data-events"))
    assert events >= 10
    assert len(_css(browser, "#chart circle.event")) == events
    labels = " ".join(t.text for t in _css(browser, "#chart text.label"))
    assert "Cancellation of the 21 US technical assistance programs" in labels
    assert {t.text for t in _css(browser, "#chart text.year")} >= {"2022", "2024", "2025"}
    shot("timeline.png")
    _offline_and_clean(browser, live)


def test_funding_graph(browser, live, shot):
    _open(browser, live + "/graph")
    _wait(browser, lambda d: _css(d, "#chart[data-nodes] svg"))
    assert int(_css(browser, "#chart")[0].get_attribute("data-nodes")) >= 8
    cancelled = _css(browser, "#chart g.initiative.cancelled")
    assert len(cancelled) >= 1
    iris = [g.get_attribute("data-iri") for g in cancelled]
    assert "https://w3id.org/laborkg/id/us-ta-programs-2019-2025" in iris
    assert _css(browser, "#chart g.funder") and _css(browser, "#chart g.beneficiary")
    assert _css(browser, "#chart path.edge.cancelled")
    shot("funding-graph.png")
    _offline_and_clean(browser, live)


def test_enforcement_chart(browser, live, shot):
    _open(browser, live + "/stats")
    _wait(browser, lambda d: _css(d, "#chart[data-rows] svg"))
    bars21 = _css(browser, "#chart rect.bar.y2021")
    bars22 = _css(browser, "#chart rect.bar.y2022")
    assert bars21 and bars22
    values = {float(b.get_attribute("data-value")) for b in bars21 + bars22}
    assert {471.0, 529.0} <= values  # labor inspectors, 2021 and 2022
    assert _css(browser, "#booleans table.results tbody tr")
    shot("enforcement-chart.png")
    _offline_and_clean(browser, live)


# ---------------------------------------------------------------------------------------------
# The findings series: /countries, /country/KEY, /compare (server-side SVG charts)

INSPECTORS = "https://w3id.org/laborkg/id/indicator-number-of-labor-inspectors"
COLLECTED = "https://w3id.org/laborkg/id/indicator-number-of-child-labor-penalties-collected"


@pytest.fixture(scope="module")
def live_findings(findings_store):
    """``laborkg serve --store`` on the findings store (7 countries, every year): its base URL."""
    proc, port = start_serve("--store", str(findings_store))
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(30)


def test_country_page(browser, live_findings, shot):
    base = live_findings
    _open(browser, base + "/")
    _css(browser, "#link-countries")[0].click()
    _wait(browser, lambda d: _css(d, "table.countries a.country"))
    next(a for a in _css(browser, "table.countries a.country") if a.text == "Mexico").click()
    _wait(browser, lambda d: _css(d, "svg.chart"))
    assert browser.current_url == base + "/country/mexico"
    assert _css(browser, "h1.country")[0].text == "Mexico"
    # the enforcement chart: one line per indicator, the inspectors' points are the stored figures
    chart = _css(browser, "figure.chart svg.line-chart")[0]
    assert chart.get_attribute("role") == "img" and chart.get_attribute("aria-labelledby")
    line = f'g.series[data-key="{INSPECTORS}"]'
    points = {
        p.get_attribute("data-year"): p.get_attribute("data-value") for p in _css(chart, f"{line} .point")
    }
    assert points["2022"] == "529" and points["2021"] == "471"
    assert _css(chart, f"{line} path.line")
    # a line given only as states: named under the axis, no point, no line
    states = [t.text for t in _css(chart, f'g.state-row[data-key="{COLLECTED}"] text.state')]
    assert states and set(states) == {"Unknown"}
    assert not _css(chart, f'g.series[data-key="{COLLECTED}"] .point')
    # the data table beside the chart, and every value with its source
    assert "529" in _css(browser, "figure.chart table.pivot")[0].text
    rows = _css(browser, "table.values tr[data-observation]")
    assert len(rows) > 100
    shot("country-page.png")
    # a point links to the row citing its element
    point = _css(chart, f'{line} .point[data-year="2022"]')[0]
    target = browser.execute_script("return arguments[0].parentNode.getAttribute('href')", point)
    browser.execute_script(
        "arguments[0].parentNode.dispatchEvent(new MouseEvent('click', {bubbles: true}))", point
    )
    _wait(browser, lambda d: d.execute_script("return location.hash") == target)
    row = _css(browser, f"tr{target}")[0]
    assert "Enforcements[1]/Labor_Inspectors[1]" in row.text and "countries_2022.xml" in row.text
    assert [q.text for q in _css(row, "td.source q.quote")] == ["529"]
    _offline_and_clean(browser, base)
    # the language switch keeps the page
    _css(browser, "header.top a.lang[data-lang=es]")[0].click()
    _wait(browser, lambda d: "labels=es" in d.current_url and _css(d, "svg.chart"))
    assert _css(browser, "h1.country")[0].text == "México"
    assert browser.execute_script("return document.documentElement.lang") == "es"
    assert _css(browser, "h2#profile")[0].text == "Perfil año por año"
    assert "Año de informe" in _css(browser, "svg.chart text.axis-label.x")[0].text
    browser.execute_script("window.scrollTo(0, 0)")
    shot("country-page-es.png")
    # the entity page links to the country page
    _open(browser, base + "/id/mexico")
    _wait(browser, lambda d: _css(d, "a.findings"))
    _css(browser, "a.findings")[0].click()
    _wait(browser, lambda d: _css(d, "svg.chart"))
    assert browser.current_url == base + "/country/mexico"


def test_compare_page(browser, live_findings, shot):
    from selenium.webdriver.support.ui import Select

    base = live_findings
    _open(browser, base + "/")
    _css(browser, "#link-compare")[0].click()
    _wait(browser, lambda d: _css(d, "svg.bar-chart"))
    bars = {b.get_attribute("data-value") for b in _css(browser, "svg.bar-chart rect.bar")}
    assert "529" in bars  # Mexico's inspectors, the latest year (2022)
    labels = [t.text for t in _css(browser, "svg.bar-chart text.bar-label")]
    assert "Mexico" in labels and len(labels) >= 5
    assert len(_css(browser, "table.values tr[data-observation]")) == len(labels)
    # all years, one region, by the form
    Select(_css(browser, "#indicator")[0]).select_by_value(INSPECTORS)
    Select(_css(browser, "#year")[0]).select_by_value("all")
    Select(_css(browser, "#region")[0]).select_by_value("Latin America and the Caribbean")
    _css(browser, "#show")[0].click()
    _wait(browser, lambda d: _css(d, "svg.line-chart"))
    keys = {g.get_attribute("data-key") for g in _css(browser, "svg.line-chart g.series")}
    assert "https://w3id.org/laborkg/id/mexico" in keys
    assert "https://w3id.org/laborkg/id/philippines" not in keys
    assert len(_css(browser, "svg.line-chart path.line")) >= 3
    assert _css(browser, "table.pivot tbody tr") and _css(browser, "table.values td.source li")
    shot("compare-page.png")
    _offline_and_clean(browser, base)
    _css(browser, "header.top a.lang[data-lang=es]")[0].click()
    _wait(browser, lambda d: "labels=es" in d.current_url and _css(d, "svg.line-chart"))
    assert _css(browser, "h1")[0].text == "Comparar países: un indicador"
    region = Select(_css(browser, "#region")[0]).first_selected_option.get_attribute("value")
    assert region == "Latin America and the Caribbean"  # the choices survive the switch
    assert Select(_css(browser, "#year")[0]).first_selected_option.get_attribute("value") == "all"
    assert _css(browser, "input[name=labels]")[0].get_attribute("value") == "es"
    shot("compare-page-es.png")


# ---------------------------------------------------------------------------------------------
# Issue 14: the landing page, the query page's results, downloads, charts, the interface in Spanish


def _sparql_csv(base: str, query: str) -> list[list[str]]:
    import csv

    url = base + "/sparql?" + urllib.parse.urlencode({"query": query, "format": "csv"})
    with urllib.request.urlopen(url, timeout=60) as resp:
        return list(csv.reader(resp.read().decode().splitlines()))[1:]


def test_landing_page(browser, live, shot):
    _open(browser, live + "/")
    _wait(browser, lambda d: _css(d, "h1.landing"))
    story = _css(browser, "p.story")[0].text
    assert "21 technical-assistance programs" in story and "USD 207 million" in story
    titles = _sparql_csv(live, "SELECT ?t WHERE { ?d a lkg:SourceDocument ; dcterms:title ?t }")
    cited = " ".join(li.text for li in _css(browser, "ul.source-docs li"))
    assert titles and all(t in cited for (t,) in titles)
    assert "CC BY 4.0" in _css(browser, "p.licence")[0].text
    assert _css(browser, "blockquote.citation")[0].text.startswith("laborkg:")
    assert browser.execute_script("return document.documentElement.lang") == "en"
    shot("landing.png")
    _offline_and_clean(browser, live)
    _css(browser, "header.top a.lang[data-lang=es]")[0].click()
    _wait(browser, lambda d: "labels=es" in d.current_url and _css(d, "h1.landing"))
    assert browser.execute_script("return document.documentElement.lang") == "es"
    assert "207 millones de dólares" in _css(browser, "p.story")[0].text
    assert [a.text for a in _css(browser, "header.top nav a")][:2] == ["Inicio", "Consulta"]
    shot("landing-es.png")
    _css(browser, "#link-query")[0].click()  # the way to the editor keeps the language
    _wait(browser, lambda d: _css(d, "#example[data-loaded]"))
    assert "/query" in browser.current_url and "labels=es" in browser.current_url
    assert _css(browser, "#run")[0].text == "Ejecutar"


def _numbers_query(values: list[int]) -> str:
    rows = " ".join(f"({v} 'item {i}')" for i, v in enumerate(values))
    return f"SELECT ?n ?name WHERE {{ VALUES (?n ?name) {{ {rows} }} }}"


def _column(driver, j: int) -> list[str]:
    return [tr.find_elements("css selector", "td")[j].text for tr in _css(driver, "#results tbody tr")]


def test_query_results_are_sorted_filtered_and_paged(browser, live, shot):
    import random

    values = random.Random(14).sample(range(1000, 99999), 130)
    _open(browser, live + "/query")
    _wait(browser, lambda d: _css(d, "#example[data-loaded]"))
    _set_query(browser, _numbers_query(values))
    _css(browser, "#run")[0].click()
    _wait(browser, lambda d: _css(d, "#results[data-state=done] table.results tbody tr"))
    assert len(_css(browser, "#results tbody tr")) == 50  # paged
    assert _css(browser, "#page-info")[0].text.endswith(" 130")
    table = _css(browser, "#results table.results")[0]
    assert (table.get_attribute("data-page"), table.get_attribute("data-pages")) == ("1", "3")
    shown = lambda: [int(x.replace(",", "")) for x in _column(browser, 0)]  # noqa: E731
    assert shown() == values[:50]  # the answer's own order until a header is clicked
    header = _css(browser, "#results thead th")[0]
    header.click()
    _wait(browser, lambda d: header.get_attribute("aria-sort") == "ascending")
    assert shown() == sorted(values)[:50]
    _css(browser, "#next")[0].click()
    assert shown() == sorted(values)[50:100] and table.get_attribute("data-page") == "2"
    header.click()
    _wait(browser, lambda d: header.get_attribute("aria-sort") == "descending")
    assert shown() == sorted(values, reverse=True)[:50] and table.get_attribute("data-page") == "1"
    # the filter keeps the rows whose text contains it, still sorted
    digit = "7"
    expected = sorted(
        (v for v in values if digit in f"{v:,}" or digit in f"item {values.index(v)}"), reverse=True
    )
    _css(browser, "#filter")[0].send_keys(digit)
    _wait(browser, lambda d: table.get_attribute("data-shown") == str(len(expected)))
    assert shown() == expected[:50]
    _css(browser, "#filter")[0].clear()
    _css(browser, "#filter")[0].send_keys(" ")  # an "input" event with an empty filter: every row
    _wait(browser, lambda d: table.get_attribute("data-shown") == "130")
    header.click()  # ascending again, for the screenshot
    shot("query-sorted-paged.png")
    # a chart of any answer with a numeric column and a label column: the rows shown, in their order
    _css(browser, "#chart-toggle")[0].click()
    _wait(browser, lambda d: _css(d, "#result-chart svg rect.bar"))
    bars = [float(b.get_attribute("data-value")) for b in _css(browser, "#result-chart rect.bar")]
    assert bars == sorted(values)[:50]
    labels = [t.text for t in _css(browser, "#result-chart text.bar-label")]
    assert labels[0] == f"item {values.index(min(values))}"
    assert _css(browser, ".chart-downloads a.download-svg") and _css(
        browser, ".chart-downloads a.download-png"
    )
    _css(browser, "#next")[0].click()
    _wait(
        browser,
        lambda d: (
            [float(b.get_attribute("data-value")) for b in _css(d, "#result-chart rect.bar")]
            == sorted(values)[50:100]
        ),
    )
    # the URL names the ad-hoc query: opening it runs it again
    url = browser.current_url
    assert "query=" in url
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["query"] == [_numbers_query(values)]
    _open(browser, url)
    _wait(browser, lambda d: _css(d, "#results[data-state=done] table.results tbody tr"))
    assert len(_css(browser, "#results tbody tr")) == 50
    _open(browser, url + "&labels=es")
    _wait(browser, lambda d: _css(d, "#results[data-state=done] table.results tbody tr"))
    _css(browser, "#results thead th")[0].click()
    assert "de 130" in _css(browser, "#page-info")[0].text
    assert _css(browser, "#next")[0].text.startswith("siguiente")
    shot("query-sorted-paged-es.png")
    _offline_and_clean(browser, live)


def test_shared_links_run_without_run_1(browser, live):
    _open(browser, live + "/?name=agencies-lost-support")  # the editor's old address, no run=1
    _wait(browser, lambda d: _css(d, "#results[data-state=done] table.results tbody tr"))
    assert urllib.parse.urlsplit(browser.current_url).path == "/query"
    assert "207,000,000" in _css(browser, "#results tbody tr")[0].text
    assert not _css(browser, "#editor")[0].get_attribute("value").startswith("#+")  # no machine header


def _download_links(driver) -> dict[str, str]:
    return {a.get_attribute("data-format"): a.get_attribute("href") for a in _css(driver, "#downloads a")}


def _fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as resp:
            return resp.status, resp.headers["Content-Type"].split(";")[0]
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def test_downloads_fit_the_answer_kind(browser, live):
    _open(browser, live + "/query")
    _wait(browser, lambda d: _css(d, "#example[data-loaded]"))
    _set_query(browser, "CONSTRUCT { ?u lkg:subAgencyOf lkr:fgr } WHERE { ?u lkg:subAgencyOf lkr:fgr }")
    _css(browser, "#run")[0].click()
    _wait(browser, lambda d: _css(d, "#results[data-state=done]") and _css(d, "#downloads a"))
    links = _download_links(browser)
    assert set(links) == {"turtle", "nt", "json-ld"}
    types = {fmt: _fetch(url) for fmt, url in links.items()}
    assert types == {
        "turtle": (200, "text/turtle"),
        "nt": (200, "application/n-triples"),
        "json-ld": (200, "application/ld+json"),
    }
    _set_query(browser, "SELECT ?u WHERE { ?u lkg:subAgencyOf lkr:fgr }")
    _css(browser, "#run")[0].click()
    _wait(browser, lambda d: _css(d, "#results[data-state=done] tbody tr") and "csv" in _download_links(d))
    assert all(_fetch(url)[0] == 200 for url in _download_links(browser).values())


@pytest.mark.parametrize(
    ("path", "ready"), [("/stats", "#chart[data-rows] svg"), ("/timeline", "#chart[data-events] svg")]
)
def test_charts_download_as_svg_and_png(browser, live, path, ready):
    import base64
    import xml.etree.ElementTree as ET

    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "deny"})  # nothing written to disk
    _open(browser, live + path)
    _wait(browser, lambda d: _css(d, ready) and _css(d, ".chart-downloads a.download-png"))
    svg_link = _css(browser, ".chart-downloads a.download-svg")[0]
    svg_link.click()
    _wait(browser, lambda d: svg_link.get_attribute("href").startswith("data:image/svg+xml"))
    text = urllib.parse.unquote(svg_link.get_attribute("href").split(",", 1)[1])
    root = ET.fromstring(text)  # a well-formed, standalone SVG file with the page's styles
    assert (
        root.tag == "{http://www.w3.org/2000/svg}svg"
        and root.find("{http://www.w3.org/2000/svg}style") is not None
    )
    drawn = _css(browser, "#chart svg")[0].get_attribute("outerHTML")
    assert drawn.count("<rect") == text.count("<rect") and drawn.count("<text") == text.count("<text")
    png_link = _css(browser, ".chart-downloads a.download-png")[0]
    png_link.click()
    _wait(browser, lambda d: png_link.get_attribute("href").startswith("data:image/png;base64,"))
    data = base64.b64decode(png_link.get_attribute("href").split(",", 1)[1])
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000


ENGLISH_UI = (
    "Home",
    "Packaged queries",
    "Packaged query",
    "Funding graph",
    "Compare countries",
    "language:",
    "Ask the knowledge graph",
    "write your own",
    "Run",
    "download",
    "Sources",
    "Statements",
    "inferred",
    "Timeline of events",
    "From",
    "Show",
    "Yes/no indicators",
    "funders",
    "beneficiaries",
    "English label",
    "also called",
    "To cite the graph",
    "Explore",
)


SPANISH_UI_TEXT = """
const skip = document.querySelectorAll(
  'textarea, .sparql-editor, select, pre, code, q, blockquote, cite, .cite, .catalogue li > p, ' +
  'svg text:not(.column), ' +
  'a[href^="/id/"], a[href^="/code/"], table.results:not(.statements) td, .params');
const saved = [...skip].map(n => [n, n.textContent]);
saved.forEach(([n]) => { n.textContent = ''; });
const text = document.body.innerText;
saved.forEach(([n, s]) => { n.textContent = s; });
return text;
"""
"""The page's own words: its text without the data (labels, quotes, query texts, table values)."""


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("/", "h1.landing"),
        ("/query", "#example[data-loaded]"),
        ("/queries", "ul.catalogue"),
        ("/timeline", "#chart[data-events] svg"),
        ("/graph", "#chart[data-nodes] svg"),
        ("/stats", "#chart[data-rows] svg"),
        ("/id/stps", "h1.entity"),
    ],
)
def test_spanish_interface(browser, live, shot, path, ready):
    import re

    _open(browser, live + path + "?labels=es")
    _wait(browser, lambda d: _css(d, ready))
    assert browser.execute_script("return document.documentElement.lang") == "es"
    # the interface's words: what the page itself writes, not the data (query texts and summaries aside)
    text = browser.execute_script(SPANISH_UI_TEXT)
    found = [w for w in ENGLISH_UI if re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", text)]
    assert found == [], found
    if path == "/id/stps":
        shot("entity-stps-es.png")

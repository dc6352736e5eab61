"""The web view of the USDOL findings series: the server's own queries on the findings store, the SVG charts
and pages as markup (values present, states as named gaps and never as 0, every value with its source,
hostile text escaped), and ``laborkg serve --store`` answering /countries, /country/KEY and /compare over
HTTP. The browser tests are in tests/test_web.py."""

from __future__ import annotations

import re
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, XSD
from support import markup
from support.cli import start_serve
from support.hostile import PAYLOADS

from laborkg.backends.oxigraph import OxigraphStore
from laborkg.namespace import LKC, LKG, LKR
from laborkg.query.engine import Answer
from laborkg.server import charts, compare, findings, series
from laborkg.server.protocol import RESERVED_PARAMS

MEXICO = LKR.mexico
INSPECTORS = LKR["indicator-number-of-labor-inspectors"]
COLLECTED = LKR["indicator-number-of-child-labor-penalties-collected"]


@pytest.fixture(scope="module")
def store(findings_store):
    s = OxigraphStore(findings_store)
    yield s
    s.close()


def run(store, name: str, **params) -> Answer:
    return store.query(series.bound(store, name, params), timeout=120)


def labels(store, terms) -> Graph:
    rows = [(t,) for t in dict.fromkeys(terms) if isinstance(t, URIRef)]
    return store.label_graph(Answer("select", vars=["t"], rows=rows))


@pytest.fixture(scope="module")
def entries(store):
    return series.countries(run(store, "findings-countries"))


@pytest.fixture(scope="module")
def figures(store):
    return series.indicators(run(store, "findings-indicators"))


@pytest.fixture(scope="module")
def mexico(store, entries, figures):
    """Mexico's page, rendered from the findings store: (html, values, profiles)."""
    profiles = series.profiles(run(store, "findings-profiles", country=str(MEXICO)))
    values = series.values(run(store, "findings-observations", country=str(MEXICO)))
    graph = labels(store, [MEXICO, *(t for v in values for t in (v.indicator, v.unit, v.good))])
    kinds = {i.indicator: i.kind for i in figures}
    page = findings.country_page(entries[MEXICO], profiles, values, graph, "en", "linear", kinds)
    return page, values, profiles


# ---------------------------------------------------------------------------------------------
# The server's queries and their values


def test_server_queries_are_read_with_their_parameters():
    qs = series.queries()
    assert set(qs) == {
        "findings-countries",
        "findings-indicators",
        "findings-indicator-values",
        "findings-observations",
        "findings-profiles",
        "findings-report-figures",
        "findings-report-standards",
    }
    params = {name: [(p.name, p.type, p.required) for p in q.params] for name, q in qs.items()}
    assert params["findings-observations"] == [("country", "iri", True)]
    assert params["findings-report-figures"] == [("country", "iri", True)]
    assert params["findings-report-standards"] == [("country", "iri", True), ("year", "year", True)]
    assert params["findings-indicator-values"] == [("indicator", "iri", True), ("year", "year", False)]
    assert not {p for ps in params.values() for p, *_ in ps} & set(RESERVED_PARAMS)


def test_country_values_cite_their_elements(mexico):
    _, values, _ = mexico
    inspectors = {v.year: v for v in values if v.indicator == INSPECTORS}
    v = inspectors[2022]
    assert v.number == Literal("529", datatype=XSD.decimal) and v.unit == LKC["unit-count"]
    assert [(s.file, s.path, s.quote) for s in v.sources] == [
        ("countries_2022.xml", "Enforcements[1]/Labor_Inspectors[1]", "529")
    ]
    assert v.section == "Enforcements"
    collected = [v for v in values if v.indicator == COLLECTED]
    assert collected and all(v.number is None and v.state for v in collected)
    for v in values:  # every value has a source, and the source is of the value's year
        assert v.sources and all(s.file == f"countries_{v.year}.xml" for s in v.sources), v


def test_profile_values_are_the_text_of_their_elements(store, entries):
    for country in entries:
        for p in series.profiles(run(store, "findings-profiles", country=str(country))):
            for prop, (value, source) in p.values.items():
                assert source is not None, (country, p.year, prop)
                assert " ".join(str(value).split()) == " ".join(source.quote.split())
                assert source.file == f"countries_{p.year}.xml"


def test_countries_and_regions(entries):
    assert len(entries) == 7
    mx = entries[MEXICO]
    assert mx.code == "MX" and mx.slug == "mexico" and min(mx.years) == 2014 and max(mx.years) == 2022
    regions = series.regions(entries.values())
    assert any("Latin America" in r for r in regions)
    first, last, n = regions[max(regions, key=lambda r: regions[r][2])]
    assert first <= last and n >= 2


def test_indicators_have_kinds(figures):
    by = {i.indicator: i for i in figures}
    assert by[INSPECTORS].kind == "count" and by[INSPECTORS].figures >= 7
    assert by[LKR["indicator-attending-school"]].kind == "percent"
    assert by[LKR["indicator-labor-inspectorate-funding"]].kind == "amount"


# ---------------------------------------------------------------------------------------------
# Charts as markup


def _line(points):
    return charts.Line("A <line> & \"its\" 'name'", "https://example.org/a", points)


def test_line_chart_breaks_at_states_and_names_them():
    points = [
        charts.Point(2014, 10, "10", "#v1"),
        charts.Point(2015, 12, "12", "#v2"),
        charts.Point(2016, None, "N/A", "#v3"),
        charts.Point(2017, 0, "0", "#v4"),
        charts.Point(2018, 30, "30", "#v5"),
    ]
    svg = charts.line_chart(
        [_line(points)],
        range(2014, 2020),
        chart_id="c",
        title="T",
        desc="D",
        x_label="Year",
        y_label="Number",
        states_label="States:",
        scale="linear",
    )
    root = markup.svgs(svg)[0]
    assert root.find(markup.SVG + "title").text == "T" and root.find(markup.SVG + "desc").text == "D"
    assert root.get("aria-labelledby") == "c-title c-desc"
    path = markup.svg_all(root, "path", "line")[0].get("d")
    assert path.count("M") == 2  # 2014–2015 and 2017–2018: the state breaks the line
    pts = markup.svg_all(root, "circle", "point")
    assert {p.get("data-year") for p in pts} == {"2014", "2015", "2017", "2018"}
    zero = next(p for p in pts if p.get("data-year") == "2017")
    assert float(zero.get("cy")) == 324.0  # a real 0 is on the axis …
    states = markup.svg_all(root, "text", "state")
    assert [(s.get("data-year"), s.get("data-state")) for s in states] == [("2016", "N/A")]
    assert float(states[0].get("y")) > 324  # … and the state is under it, not a point at 0
    labels = {t.text for t in markup.svg_all(root, "text", "axis-label")}
    assert labels == {"Year", "Number"}
    assert "A <line> & \"its\" 'name'" in {t.text for t in markup.svg_all(root, "text", "legend")}


def test_line_chart_auto_scale_is_log_when_lines_differ_a_hundredfold():
    big = charts.Line("big", "b", [charts.Point(2020, 38000, "38,000"), charts.Point(2021, 35000, "35,000")])
    small = charts.Line("small", "s", [charts.Point(2020, 25, "25"), charts.Point(2021, 40, "40")])
    args = dict(chart_id="c", title="T", desc="D", x_label="x", y_label="Number", states_label="s")
    root = markup.svgs(charts.line_chart([big, small], [2020, 2021], **args, scale="auto"))[0]
    assert markup.svg_all(root, "g", "axes")[0].get("data-scale") == "log"
    assert "Number (log scale)" in {t.text for t in markup.svg_all(root, "text", "axis-label")}
    root = markup.svgs(charts.line_chart([small], [2020, 2021], **args, scale="auto"))[0]
    assert markup.svg_all(root, "g", "axes")[0].get("data-scale") == "linear"


def test_bar_chart_writes_states_in_place_of_bars():
    bars = [
        charts.Bar("Alpha", "a", 529, "529", "#v1", "/country/a"),
        charts.Bar("Beta", "b", None, "Unknown", "#v2"),
        charts.Bar("Gamma", "c", 0, "0", "#v3"),
    ]
    root = markup.svgs(charts.bar_chart(bars, chart_id="b", title="T", desc="D", x_label="Number"))[0]
    rects = markup.svg_all(root, "rect", "bar")
    assert [r.get("data-value") for r in rects] == ["529", "0"]
    assert [s.get("data-state") for s in markup.svg_all(root, "text", "state")] == ["Unknown"]
    rows = markup.svg_all(root, "g", "bar-row")
    beta = next(r for r in rows if r.get("data-key") == "b")
    assert not beta.findall(f".//{markup.SVG}rect")


def test_scale_ticks():
    s = charts.Scale([529, 471], 300, 0)
    assert s.ticks[0] == 0 and s.ticks[-1] >= 529 and s(0) == 300 and s(s.ticks[-1]) == 0
    log = charts.Scale([38000, 25, 0], 300, 0, "log")
    assert log.kind == "log" and log.ticks[:2] == [0.0, 10.0] and log(0) == 300
    assert charts.Scale([-5, 10], 300, 0, "log").kind == "linear"  # log(1 + v) needs v ≥ 0


# ---------------------------------------------------------------------------------------------
# The country page


def test_country_page_charts_the_enforcement_figures(mexico):
    page, values, _ = mexico
    svgs = markup.svgs(page)
    enforcement = svgs[0]
    assert enforcement.find(markup.SVG + "title").text.startswith("Enforcement")
    series_g = markup.svg_all(enforcement, "g", "series", data_key=str(INSPECTORS))
    assert len(series_g) == 1
    points = {
        p.get("data-year"): p.get("data-value") for p in series_g[0].iter() if p.get("class") == "point"
    }
    expected = {str(v.year): f"{int(v.number.toPython()):,}" for v in values if v.indicator == INSPECTORS}
    assert points == expected and points["2022"] == "529"
    # a line whose values are all states: its states are named, it has no point
    collected = markup.svg_all(enforcement, "g", "state-row", data_key=str(COLLECTED))
    assert collected, "the states of penalties collected are named under the axis"
    states = {t.get("data-year"): t.get("data-state") for t in collected[0].iter(markup.SVG + "text")}
    states.pop(None, None)
    assert states and set(states.values()) <= {"Unknown", "N/A", "Unknown*", "Not Applicable", "Unavailable"}
    line = markup.svg_all(enforcement, "g", "series", data_key=str(COLLECTED))[0]
    assert not [e for e in line.iter() if e.get("class") in ("line", "point")]


def test_no_state_is_drawn_as_a_number(mexico):
    page, values, _ = mexico
    for svg in markup.svgs(page):
        for g in markup.svg_all(svg, "g", "series"):
            stated = {
                str(v.year)
                for v in values
                if str(v.indicator) == g.get("data-key") and v.state and v.number is None and not v.age
            }
            drawn = {p.get("data-year") for p in g.iter() if p.get("class") == "point"}
            assert not stated & drawn, g.get("data-key")


def test_every_value_on_the_page_is_traceable(mexico):
    page, values, profiles = mexico
    doc = markup.parse(page)
    rows = [r for r in doc.find("table", "values").find_all("tr") if r.get("data-observation")]
    assert len(rows) == len(values)
    ids = {r["id"] for r in rows}
    for r in rows:
        cites = r.find("td", "source").find_all("li")
        assert cites, r["id"]
        for li in cites:
            assert re.fullmatch(r"countries_\d{4}\.xml", li.find("span", "file").text())
            assert li.find("code", "path").text() and li.find("q", "quote") is not None
    # every point and state of every chart, and every cell of the data tables, links to a row
    targets = [a["href"] for a in doc.find_all("a") if a["href"].startswith("#v")]
    assert targets and {t[1:] for t in targets} <= ids
    for svg in markup.svgs(page):
        for point in (e for e in svg.iter() if e.get("class") in ("point", "state")):
            parent = next(a for a in svg.iter(markup.SVG + "a") if point in list(a))
            assert parent.get("href")[1:] in ids
    row = next(r for r in rows if r.find_all("td", data_value="529") and "2022" in r.text())
    assert "Enforcements[1]/Labor_Inspectors[1]" in row.text() and "countries_2022.xml" in row.text()
    # the profile: each value with its element
    profile = doc.find("table", "profile")
    for p in profiles:
        tr = profile.find("tr", data_year=str(p.year))
        for prop, (_, source) in p.values.items():
            cell = tr.find("td", prop.fragment)
            assert source.path in cell.text() and source.file in cell.text()


def test_country_page_in_spanish(store, entries, mexico):
    _, values, profiles = mexico
    graph = labels(store, [MEXICO, *(t for v in values for t in (v.indicator, v.unit, v.good))])
    page = findings.country_page(entries[MEXICO], profiles, values, graph, "es")
    doc = markup.parse(page)
    assert doc.find("html")["lang"] == "es"
    assert doc.find("h1").text() == "México"
    assert "Perfil año por año" in page and "Cada valor y su fuente" in page
    assert "número" in page  # the unit's Spanish label


def test_hostile_text_is_escaped():
    """Labels, values, states, comments, paths and quotes from the graph are text, never markup."""
    hostile = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>&amp;]]>"
    country, indicator = LKR["c"], LKR["i"]
    graph = Graph()
    graph.add((country, RDFS.label, Literal(hostile, lang="en")))
    graph.add((indicator, RDFS.label, Literal(hostile, lang="en")))
    source = series.Source(str(LKR) + "passage/p", hostile, "Enforcements[1]/" + hostile, hostile)
    values = [
        series.Value(
            LKR["o1"],
            indicator,
            country,
            2021,
            number=Literal("5", datatype=XSD.decimal),
            unit=LKC["unit-count"],
            comments=[hostile],
            sources=[source],
        ),
        series.Value(LKR["o2"], indicator, country, 2022, state=hostile, sources=[source]),
    ]
    entry = series.CountryEntry(country, hostile, {2021: (hostile, hostile), 2022: (hostile, None)})
    profile = series.ProfileYear(2021, LKR["p"], {LKG.usdolRegion: (Literal(hostile), source)}, [source])
    kinds = {indicator: "count"}
    pages = [
        findings.country_page(entry, [profile], values, graph, "en", "auto", kinds),
        findings.countries_page([entry], graph, "en"),
        compare.compare_page(
            compare.Choice(indicator, 2022, hostile),
            values,
            {country: entry},
            [series.IndicatorEntry(indicator, 1, 1, 2021, 2022)],
            {hostile: (2021, 2022, 1)},
            graph,
            "en",
        ),
        compare.compare_page(
            compare.Choice(indicator, None, None),
            values,
            {country: entry},
            [series.IndicatorEntry(indicator, 1, 1, 2021, 2022)],
            {hostile: (2021, 2022, 1)},
            graph,
            "en",
        ),
    ]
    for page in pages:
        assert "<script>" not in page and "<img" not in page and "onerror=alert(1)>" not in page
        assert "&lt;script&gt;" in page
        markup.svgs(page)  # well-formed XML
        assert all(s.get("src") for s in markup.parse(page).find_all("script"))
    for payload in PAYLOADS:
        svg = charts.line_chart(
            [charts.Line(payload, payload, [charts.Point(2020, None, payload, payload, payload)])],
            [2020],
            chart_id="x",
            title=payload,
            desc=payload,
            x_label=payload,
            y_label=payload,
            states_label=payload,
        )
        root = markup.svgs(svg)[0]  # well-formed, whatever the text
        expected = payload.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
        assert root.find(markup.SVG + "title").text == expected
        states = markup.svg_all(root, "text", "state")  # attribute values: white space normalised
        assert [" ".join(s.get("data-state").split()) for s in states] == [" ".join(expected.split())]


# ---------------------------------------------------------------------------------------------
# laborkg serve --store: the routes over HTTP


@pytest.fixture(scope="module")
def served(findings_store):
    """``laborkg serve --store`` on the findings store (a subprocess): its base URL."""
    proc, port = start_serve("--store", str(findings_store))
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(30)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(base: str, path: str, **params) -> tuple[int, dict, str]:
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers={"Accept": "text/html"}), timeout=120) as resp:
            return resp.status, dict(resp.headers), resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def test_http_countries(served):
    status, headers, body = get(served, "/countries")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    doc = markup.parse(body)
    links = {a["href"] for a in doc.find_all("a", "country")}
    assert "/country/mexico" in links and len(links) == 7
    status, _, body = get(served, "/countries", labels="es")
    assert (
        status == 200
        and "Países en las conclusiones del USDOL" in body
        and "/country/mexico?labels=es" in body
    )


def test_http_country_page(served):
    status, _, body = get(served, "/country/mexico")
    assert status == 200
    svgs = markup.svgs(body)
    assert svgs and markup.svg_all(svgs[0], "g", "series", data_key=str(INSPECTORS))
    assert "Enforcements[1]/Labor_Inspectors[1]" in body
    status, headers, _ = get(served, "/country/MX", labels="es")
    assert status == 302 and headers["Location"] == "/country/mexico?labels=es"
    status, headers, _ = get(served, "/country/mx")
    assert status == 302 and headers["Location"] == "/country/mexico"
    status, _, body = get(served, "/country/mexico", labels="es", scale="log")
    assert status == 200 and 'data-scale="log"' in body and "Cifras año por año" in body


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/country/nowhere", {}, 404),
        ("/country/stps", {}, 404),  # in the graph, but no profile
        ("/country/ZZ", {}, 404),
        ("/country/..%2F..%2Fetc", {}, 404),
        ("/country/mexico", {"scale": "cubic"}, 400),
        ("/country/mexico", {"labels": "fr"}, 400),
        ("/compare", {"year": "1999"}, 400),
        ("/compare", {"year": "2022'"}, 400),
        ("/compare", {"region": "Atlantis"}, 400),
        ("/compare", {"indicator": "https://w3id.org/laborkg/id/stps"}, 400),
        ("/compare", {"indicator": "nothing is called this"}, 400),
        ("/compare", {"scale": "x"}, 400),
    ],
)
def test_http_bad_requests(served, path, params, status):
    got, headers, body = get(served, path, **params)
    assert got == status, body[:300]
    assert "internal" not in body


def test_http_hostile_parameters_are_refused_cleanly(served):
    for payload in PAYLOADS[:30]:
        for name in ("indicator", "region", "year"):
            status, _, body = get(served, "/compare", **{name: payload})
            assert status in (200, 400), (name, payload, status, body[:200])
            assert "<" not in payload or payload not in body
        status, _, _ = get(served, "/country/" + urllib.parse.quote(payload, safe=""))
        assert status in (400, 404), payload


def test_http_compare(served):
    status, _, body = get(served, "/compare")
    assert status == 200
    doc = markup.parse(body)
    chosen = [o for o in doc.find("select", id="indicator").find_all("option") if "selected" in o.attrs]
    assert [o["value"] for o in chosen] == [str(INSPECTORS)]
    bars = markup.svg_all(markup.svgs(body)[0], "rect", "bar")
    assert "529" in {b.get("data-value") for b in bars}  # Mexico, 2022
    rows = [r for r in doc.find("table", "values").find_all("tr") if r.get("data-observation")]
    assert len(rows) >= len(bars) and all(r.find("td", "source").find_all("li") for r in rows)
    # by label, all years, one region
    entries_region = "Latin America and the Caribbean"
    status, _, body = get(
        served, "/compare", indicator="Number of Labor Inspectors", year="", region=entries_region
    )
    assert status == 200
    root = markup.svgs(body)[0]
    keys = {g.get("data-key") for g in markup.svg_all(root, "g", "series")}
    assert str(MEXICO) in keys and str(LKR.philippines) not in keys
    status, _, body = get(served, "/compare", indicator=str(INSPECTORS), year="2022", labels="es")
    assert status == 200 and "Comparar países" in body
    # the scale links keep every choice, "all years" included
    status, _, body = get(served, "/compare", year="all", region=entries_region, scale="linear")
    assert status == 200 and 'data-scale="linear"' in body
    links = [a["href"] for a in markup.parse(body).find_all("a", "scale")]
    assert links and all("year=all" in h and "region=Latin+America" in h for h in links)


def test_http_links_to_the_new_pages(served):
    _, _, body = get(served, "/id/mexico")
    assert 'href="/country/mexico"' in body
    _, _, body = get(served, "/id/mexico", labels="es")
    assert 'href="/country/mexico?labels=es"' in body
    _, _, body = get(served, "/id/stps")
    assert "/country/" not in body
    _, _, body = get(served, "/")
    assert 'href="/countries"' in body and 'href="/compare"' in body

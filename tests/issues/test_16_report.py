"""Issue 16: USDOL Findings country reports as published (PDF) into the graph, every fact citing its page."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib.namespace import RDF
from support.cli import assert_one_line_error, run
from support.reports import PDFS, REPORTS, require_reports

from laborkg.ingest.report_facts import T6_ROWS, T7_ROWS, map_report
from laborkg.ingest.report_pdf import Line, Page, Word, join_lines, read_report
from laborkg.ingest.report_tables import read_tables, split_refs
from laborkg.namespace import LKG, LKR

GOLD = REPORTS.parent / "gold"
_require = require_reports


_CACHE: dict[Path, tuple] = {}


def _mapped(pdf: Path):
    if pdf not in _CACHE:
        report = read_report(pdf)
        _CACHE[pdf] = (report, *map_report(report))
    return _CACHE[pdf]


# --------------------------------------------------------------------------------------------
# Extraction quirks, on made-up lines
# --------------------------------------------------------------------------------------------


def _line(text: str, top: float, x0: float = 54) -> Line:
    words, x = [], x0
    for w in text.split():
        words.append(Word(w, x, x + 5 * len(w), top, top + 9))
        x += 5 * len(w) + 3
    return Line(tuple(words))


def test_page_number_run_into_the_footer_is_not_body_text():
    page = Page(
        7,
        [
            _line("Mexico", 25, 480),
            _line("MODERATE ADVANCEMENT", 57, 404),
            _line("Some text of the page.", 80),
            _line("72021 FINDINGS ON THE WORST FORMS OF CHILD LABOR", 755, 200),
        ],
    )
    assert [line.text for line in page.body()] == ["Some text of the page."]
    assert "72021 FINDINGS" in page.text  # the page's text stays as extracted


def test_hyphenation_is_undone_only_for_words_the_report_uses():
    assert join_lines(["labor inspec-", "tions were"], {"inspections"}) == "labor inspections were"
    assert join_lines(["federal and state-", "level inspectors"], {"inspections"}) == (
        "federal and state-level inspectors"
    )


def test_reference_markers_are_references_not_numbers():
    assert split_refs("Yes (42,138)") == ("Yes", [42, 138])
    assert split_refs("Article 47 of the Law (16,88-90)") == ("Article 47 of the Law", [16, 88, 89, 90])
    assert split_refs("4.0 (866,293)") == ("4.0 (866,293)", [])  # a population: its numbers do not rise


# --------------------------------------------------------------------------------------------
# The eleven reports
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pdf", PDFS, ids=[p.stem for p in PDFS])
def test_every_quote_is_in_the_text_of_its_page(pdf):
    _require()
    report, g, summary = _mapped(pdf)
    country, year = pdf.stem.rsplit("_", 1)
    assert (report.country.lower(), report.year) == (country, int(year))
    passages = set(g.subjects(RDF.type, LKG.ReportPassage))
    assert len(passages) >= 50
    for p in passages:
        page = int(g.value(p, LKG.page))
        assert str(g.value(p, LKG.quote)) in report.page(page).text, (pdf.name, page)
    # every fact cites a passage of this report
    for fact in set(g.subjects(RDF.type, LKG.Observation)) | set(g.subjects(RDF.type, LKG.SuggestedAction)):
        assert set(g.objects(fact, LKG.source)) & passages, fact
    for table in [f"Table {n}" for n in (1, 2, 4, 5, 6, 7, 8, 9, 10, 11)]:
        assert summary.facts[table] > 0, (pdf.name, table, summary.line())


@pytest.mark.parametrize("pdf", PDFS, ids=[p.stem for p in PDFS])
def test_tables_1_to_11_are_read_with_their_rows(pdf):
    _require()
    report = _mapped(pdf)[0]
    tables = read_tables(report)
    assert sorted(tables) == list(range(1, 12))
    assert len(tables[4].rows) == 12
    assert [r.cells[0].split(" (")[0].lower() for r in tables[1].rows] == [
        "working",
        "attending school",
        "combining work and school",
        "primary completion rate",
    ]
    assert "figure" not in tables[1].title.lower()
    for n, keys in ((6, T6_ROWS), (7, T7_ROWS)):
        t = tables[n]
        years = [int(h) for h in t.header[1:]]
        assert years == [report.year - 1, report.year]
        mapped = [r for r in t.rows if any(k in r.cells[0].lower() for k, _ in keys)]
        assert len(mapped) >= len(t.rows) - 1, [r.cells[0] for r in t.rows]


_GOLD_ELEMENTS = dict(T6_ROWS + T7_ROWS)


@pytest.mark.parametrize("year", [2019, 2020, 2021])
def test_enforcement_figures_agree_with_usdol_structured_data(year):
    """Mexico's Table 6 and 7 figures of the reporting year against USDOL's own XML of the same report."""
    _require()
    gold = GOLD / f"mexico_{year}.xml"
    if not gold.is_file():
        pytest.skip(f"{gold} is absent")
    text = gold.read_text(encoding="utf-8")
    root = ET.fromstring(text[text.index("<Country") :])
    _report, g, _summary = _mapped(REPORTS / f"mexico_{year}.pdf")
    compared = agree = 0
    for element in _GOLD_ELEMENTS.values():
        el = root.find(f"Enforcements/{element}")
        figure = re.fullmatch(r"\$?([\d,]+)", (el.text or "").strip()) if el is not None else None
        if figure is None:
            continue
        obs = [
            o
            for o in g.subjects(RDF.type, LKG.Observation)
            if str(o).endswith(f"-{year}")
            and f"-t{'6' if element.startswith('Labor') else '7'}-" in str(o)
            and any(str(i).endswith(_indicator(element)) for i in g.objects(o, LKG.indicator))
        ]
        compared += 1
        values = {int(v) for o in obs for v in g.objects(o, LKG.value)}
        agree += int(figure.group(1).replace(",", "")) in values
    assert compared >= 4
    assert agree / compared >= 0.95, (agree, compared)


def _indicator(element: str) -> str:
    from laborkg.ingest.findings import MAPPED

    return MAPPED["Country/Enforcements/" + element].target


# --------------------------------------------------------------------------------------------
# The command: a report joins a store, once
# --------------------------------------------------------------------------------------------


def _triples(store: Path) -> int:
    import json

    return json.loads((store / "manifest.json").read_text())["triples"]


def test_ingest_report_adds_once_and_links_to_the_country(built_store, tmp_path):
    _require()
    store = tmp_path / "kg"
    shutil.copytree(built_store, store)
    pdf = REPORTS / "mexico_2021.pdf"
    code, out, err = run("ingest", "report", str(pdf), "--store", str(store))
    assert code == 0, err
    added = _triples(store)
    assert added > _triples(built_store)
    assert "facts (" in out
    code, out, err = run("ingest", "report", str(pdf), "--store", str(store), "--country", "Mexico")
    assert code == 0, err
    assert "0 triples added" in out and _triples(store) == added
    import pyoxigraph as ox

    db = ox.Store.read_only(str(store / "oxigraph"))
    ask = f"ASK {{ ?o <{LKG.refArea}> <{LKR.mexico}> ; <{LKG.source}> ?p . ?p <{LKG.page}> 6 }}"
    assert db.query(ask)


def test_ingest_report_writes_ntriples(tmp_path):
    _require()
    target = tmp_path / "r.nt"
    code, out, err = run("ingest", "report", str(REPORTS / "brazil_2020.pdf"), "-o", str(target))
    assert code == 0, err
    assert target.stat().st_size > 10_000 and "triples written" in out
    code, out, err = run(
        "ingest", "report", str(REPORTS / "brazil_2020.pdf"), "--year", "2019", "-o", str(target)
    )
    assert code == 2
    assert_one_line_error(err)


# --------------------------------------------------------------------------------------------
# Bad input: one line, exit 2, nothing added
# --------------------------------------------------------------------------------------------


def _pdf(content: bytes, encrypt: bool = False) -> bytes:
    """A one-page PDF whose page draws ``content`` (with Helvetica as F1), optionally with an /Encrypt
    dictionary (the standard handler, a password nobody knows)."""
    stream = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        stream,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if encrypt:
        objs.append(
            b"<< /Filter /Standard /V 1 /R 2 /O <" + b"41" * 32 + b"> /U <" + b"42" * 32 + b"> /P -4 >>"
        )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objs) + 1)
    if encrypt:
        trailer += (
            b" /Encrypt 6 0 R /ID [<0123456789abcdef0123456789abcdef><0123456789abcdef0123456789abcdef>]"
        )
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


TEXT = b"BT /F1 12 Tf 72 720 Td (Minutes of the meeting of 3 May) Tj ET"


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    real = REPORTS / "mexico_2021.pdf"
    cases = {
        "not a PDF": (b"Mexico 2021 FINDINGS ON THE WORST FORMS OF CHILD LABOR\n", "not a PDF"),
        "truncated": (real.read_bytes()[: real.stat().st_size // 2], "truncated"),
        "not a report": (_pdf(TEXT), "not a USDOL Findings"),
        "image-only": (_pdf(b"q 0 0 1 rg 72 72 200 200 re f Q"), "no text"),
        "encrypted": (_pdf(TEXT, encrypt=True), "encrypted"),
    }
    out = {}
    for name, (data, message) in cases.items():
        f = tmp_path / (name.replace(" ", "-") + ".pdf")
        f.write_bytes(data)
        out[name] = (f, message)
    return out


def test_bad_pdfs_exit_2_with_one_line_and_nothing_added(built_store, tmp_path):
    _require()
    store = tmp_path / "kg"
    shutil.copytree(built_store, store)
    before = sorted((p.name, p.stat().st_size) for p in (store).rglob("*") if p.is_file())
    for name, (pdf, message) in _bad_inputs(tmp_path).items():
        code, _out, err = run("ingest", "report", str(pdf), "--store", str(store))
        assert code == 2, (name, err)
        assert_one_line_error(err)
        assert message in err, (name, err)
    assert sorted((p.name, p.stat().st_size) for p in store.rglob("*") if p.is_file()) == before
    assert not (tmp_path / "kg.reports").exists() or not any((tmp_path / "kg.reports").iterdir())


def test_crosscheck_reports_prints_agreement_and_differences(tmp_path):
    """The quality command: per report, the share of USDOL's structured values the report gives equal."""
    _require()
    from support.findings import FINDINGS, require_findings

    require_findings()
    (tmp_path / "pdf").mkdir()
    shutil.copy(REPORTS / "mexico_2021.pdf", tmp_path / "pdf" / "mexico_2021.pdf")
    code, out, err = run(
        "crosscheck", "reports", "--from", str(tmp_path / "pdf"), "--findings", str(FINDINGS)
    )
    assert code == 0, err
    row = next(line for line in out.splitlines() if line.startswith("mexico_2021.pdf"))
    enforcement = re.search(r"\((\d+)/(\d+)\)", row)
    assert enforcement and int(enforcement.group(2)) >= 20
    assert int(enforcement.group(1)) / int(enforcement.group(2)) >= 0.95, row
    code, _out, err = run("crosscheck", "reports", "--from", str(tmp_path), "--findings", str(FINDINGS))
    assert code == 2
    assert_one_line_error(err)

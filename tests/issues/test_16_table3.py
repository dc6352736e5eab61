"""Issue 16, item 3: Table 3's ratification marks recovered from the page's drawing objects."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pdfplumber
import pytest
from support.findings import FINDINGS

from laborkg import paths
from laborkg.ingest import usdol_xml
from laborkg.ingest.report_table3 import Ratification, classify_glyph, classify_outline, read_table3

REPORTS = Path(
    os.environ.get("LABORKG_REPORTS_DIR") or Path(paths.ROOT).parent / "shared" / "reports" / "pdf"
)
PDFS = sorted(REPORTS.glob("*.pdf")) if REPORTS.is_dir() else []

#: Each row's label as printed → the findings XML element of the same instrument (under <Conventions>).
ELEMENT = {
    "ILO C. 138, Minimum Age": "C_138_Ratified",
    "ILO C. 182, Worst Forms of Child Labor": "C_182_Ratified",
    "UN CRC": "Convention_on_the_Rights_of_the_Child_Ratified",
    "UN CRC Optional Protocol on Armed Conflict": "CRC_Armed_Conflict_Ratified",
    "UN CRC Optional Protocol on the Sale of Children, Child Prostitution and Child Pornography": (
        "CRC_Commercial_Sexual_Exploitation_of_Children_Ratified"
    ),
    "Palermo Protocol on Trafficking in Persons": "Palermo_Ratified",
}


def _require(path: Path) -> None:
    if path.is_dir():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{path} is missing and CI is set: the USDOL data must be provided", pytrace=False)
    pytest.skip(f"{path} is absent (USDOL data, never committed)")


def _xml_conventions(country: str, year: int) -> dict[str, str]:
    ff, root = usdol_xml.load(FINDINGS / usdol_xml.file_name(year))
    for rec, el in usdol_xml.records(ff, root):
        if rec.name == country:
            conv = el.find("Conventions")
            return {} if conv is None else {c.tag: (c.text or "").strip() for c in conv}
    raise AssertionError(f"{country} is not in {ff.path}")


# --------------------------------------------------------------------------------------------
# The eleven reports
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pdf_path", PDFS or [REPORTS / "absent.pdf"], ids=lambda p: p.stem)
def test_table3_rows_quotes_and_marks_agree_with_the_findings_xml(pdf_path: Path) -> None:
    _require(REPORTS)
    _require(FINDINGS)
    country, year = pdf_path.stem.rsplit("_", 1)
    with pdfplumber.open(pdf_path) as pdf:
        first = pdf.pages[0].extract_text() or ""
        country = country.capitalize()
        # The file name is the reporting year, that of the findings XML file: the summary says so.
        assert re.search(rf"In {year}, (the )?{country} made|the {year} reporting period", first), first[:300]
        rows = read_table3(pdf)
        texts = {r.page: pdf.pages[r.page - 1].extract_text() or "" for r in rows}
    assert [r.instrument for r in rows] == list(ELEMENT), rows  # every row, in the printed order
    for r in rows:
        assert r.quote and r.quote in texts[r.page], r
        assert r.method == "vector-drawing", r  # these reports draw their marks as filled outlines
    xml = _xml_conventions(country, int(year))
    compared = 0
    for r in rows:
        value = xml.get(ELEMENT[r.instrument])
        if value in ("Yes", "No"):
            assert r.ratified is (value == "Yes"), (r, value)
            compared += 1
    assert compared == len(rows)  # the XML has every value for these country-years


def test_a_pdf_without_table_3_gives_nothing() -> None:
    _require(REPORTS)
    with pdfplumber.open(REPORTS / "mexico_2019.pdf", pages=[1, 2]) as pdf:
        assert read_table3(pdf) == []


# --------------------------------------------------------------------------------------------
# Marks of every kind, on a page written here
# --------------------------------------------------------------------------------------------

CHECK = [(0, 0.55), (0.15, 0.45), (0.35, 0.7), (0.85, 0), (1, 0.1), (0.35, 1)]  # a ✓ outline, y downwards
CROSS = [
    (0, 0.1), (0.1, 0), (0.5, 0.4), (0.9, 0), (1, 0.1), (0.6, 0.5),
    (1, 0.9), (0.9, 1), (0.5, 0.6), (0.1, 1), (0, 0.9), (0.4, 0.5),
]  # fmt: skip


def _polygon(pts: list[tuple[float, float]], x: float, y: float, size: float = 8) -> str:
    ops = [
        f"{x + px * size:.2f} {y + (1 - py) * size:.2f} {'m' if i == 0 else 'l'}"
        for i, (px, py) in enumerate(pts)
    ]
    return "\n".join(ops) + "\nh f"


def _mark(kind: str, y: float) -> str:
    x = 516.0
    if kind == "check-outline":
        return _polygon(CHECK, x, y)
    if kind == "cross-outline":
        return _polygon(CROSS, x, y)
    if kind == "cross-strokes":
        return f"1 w {x} {y} m {x + 8} {y + 8} l S {x} {y + 8} m {x + 8} {y} l S"
    if kind == "check-strokes":
        return f"1 w {x} {y + 5} m {x + 3} {y} l {x + 8} {y + 8} l S"
    if kind == "box":
        return f"1 w {x} {y} 8 8 re S"
    if kind == "image":
        return f"q 8 0 0 8 {x} {y} cm /Im1 Do Q"
    if kind.startswith("zapf:"):
        return f"BT /F2 9 Tf {x} {y} Td ({kind[5:]}) Tj ET"
    assert kind == "blank", kind
    return ""


def _text(x: float, y: float, s: str) -> str:
    s = s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"BT /F1 9 Tf {x} {y} Td ({s}) Tj ET"


def _write_pdf(path: Path, rows: list[tuple[list[str], str]], caption: str = "Table 3.") -> Path:
    """A one-page PDF with a Table 3 laid out as USDOL's reports lay it out, one mark per row."""
    ops = [
        _text(54, 740, "II. Legal Framework for Child Labor"),
        _text(54, 720, f"{caption} Ratification of International Conventions on Child Labor"),
        _text(116, 700, "Convention"),
        _text(490, 700, "Ratification"),
    ]
    y = 680.0
    for lines, kind in rows:
        ops.append(_mark(kind, y - 1))
        for i, line in enumerate(lines):
            ops.append(_text(116, y - 10 * i, line))
        y -= 10 * len(lines) + 12
    ops.append(
        _text(54, y - 10, "The government's laws and regulations are in line with international standards.")
    )
    content = "\n".join(ops).encode("latin-1")
    image = bytes([0] * 64)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources"
        b" << /Font << /F1 5 0 R /F2 6 0 R >> /XObject << /Im1 7 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /ZapfDingbats >>",
        b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray"
        b" /BitsPerComponent 8 /Length 64 >>\nstream\n" + image + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


ROWS: list[tuple[list[str], str, bool | None, str]] = [
    (["ILO C. 138, Minimum Age"], "check-outline", True, "vector-drawing"),
    (["ILO C. 182, Worst Forms of Child Labor"], "cross-outline", False, "vector-drawing"),
    (["UN CRC"], "zapf:4", True, "glyph"),  # ZapfDingbats a20 ✔
    (["UN CRC Optional Protocol on Armed Conflict"], "blank", False, "blank"),
    (
        ["UN CRC Optional Protocol on the Sale of Children,", "Child Prostitution and Child Pornography"],
        "cross-strokes",
        False,
        "vector-drawing",
    ),
    (["Palermo Protocol on Trafficking in Persons"], "box", None, "vector-drawing"),
    (["ILO C. 189, Domestic Workers"], "image", None, "image"),
    (["UN CRC Optional Protocol on a Communications Procedure"], "zapf:8", False, "glyph"),  # a24 ✘
    (["ILO C. 29, Forced Labour"], "check-strokes", True, "vector-drawing"),
]


def test_every_kind_of_mark_on_a_written_page(tmp_path: Path) -> None:
    path = _write_pdf(tmp_path / "t3.pdf", [(lines, kind) for lines, kind, _, _ in ROWS])
    with pdfplumber.open(path) as pdf:
        got = read_table3(pdf)
        text = pdf.pages[0].extract_text() or ""
    expected = [
        Ratification(" ".join(lines), value, 1, "\n".join(lines), method) for lines, _, value, method in ROWS
    ]
    assert got == expected
    assert all(r.quote in text for r in got)


def test_a_table_without_any_mark_is_not_told(tmp_path: Path) -> None:
    path = _write_pdf(tmp_path / "t3.pdf", [(["ILO C. 138, Minimum Age"], "blank"), (["UN CRC"], "blank")])
    with pdfplumber.open(path) as pdf:
        got = read_table3(pdf)
    assert [(r.ratified, r.method) for r in got] == [(None, "none"), (None, "none")]


def test_a_page_without_table_3_gives_nothing(tmp_path: Path) -> None:
    path = _write_pdf(
        tmp_path / "t4.pdf", [(["ILO C. 138, Minimum Age"], "check-outline")], caption="Table 4."
    )
    with pdfplumber.open(path) as pdf:
        assert read_table3(pdf) == []


def test_glyphs_and_outlines_unknown_are_not_guessed() -> None:
    assert classify_glyph("✓", "Helvetica") is True
    assert classify_glyph("✘", "Helvetica") is False
    assert classify_glyph("a", "ABCDEF+ZapfDingbats") is None
    assert classify_glyph("P", "Wingdings2") is True
    assert classify_glyph("P", "Helvetica") is None
    assert classify_outline([(0, 0), (8, 0), (8, 8), (0, 8)], 1) is None  # a box
    assert classify_outline([(0, 0), (8, 8)], 1) is None  # a slash
    assert classify_outline([(0, 0), (30, 1)], 1) is None  # a rule
    mirrored = [(1 - x, 1 - y) for x, y in CHECK]
    assert classify_outline([(8 * x, 8 * y) for x, y in mirrored], 1) is None

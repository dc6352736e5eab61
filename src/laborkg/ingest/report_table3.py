"""Table 3 of a USDOL country report (PDF): the ratification marks recovered from the page's objects
(glyphs, images or vector drawings), each row with its page and verbatim text (docs/reports.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pdfplumber
    from pdfplumber.page import Page

__all__ = ["Ratification", "classify_glyph", "classify_outline", "read_table3"]


@dataclass(frozen=True)
class Ratification:
    """One row of Table 3."""

    instrument: str  # the row label as printed, e.g. "ILO C. 138, Minimum Age"
    ratified: bool | None  # ✓ = True, ✗/blank = False, None = could not tell
    page: int  # 1-based page number in the PDF
    quote: str  # the row's text, verbatim: a substring of page.extract_text() for that page
    method: str  # how the mark was recovered: glyph, vector-drawing, image, blank, none


Obj = dict[str, Any]

_CAPTION = re.compile(r"(?im)^table 3\.")
#: Where a row's label begins (a wrapped label's further lines begin otherwise).
_ROW_START = re.compile(r"(ILO\b|UN\b|Palermo\b)")
_LINE_TOL = 3.0  # words whose tops differ by less are on one line
_MAX_MARK = 25.0  # a mark is at most this wide and high (pt); wider objects are rules and backgrounds


def read_table3(pdf: pdfplumber.PDF) -> list[Ratification]:
    """Table 3's rows, from the first page whose text has a line beginning "Table 3." and whose table
    has the Convention / Ratification header; [] when no page has it."""
    for page in pdf.pages:
        text = page.extract_text() or ""
        if not _CAPTION.search(text):
            continue
        rows = _read_page(page, text)
        if rows:
            return rows
    return []


# --------------------------------------------------------------------------------------------
# Layout: caption, header, rows
# --------------------------------------------------------------------------------------------


def _lines(words: Iterable[Obj]) -> list[list[Obj]]:
    """Words grouped into lines (by top), each line left to right, lines top to bottom."""
    lines: list[list[Obj]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(w["top"] - lines[-1][0]["top"]) < _LINE_TOL:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _text(line: Sequence[Obj]) -> str:
    return " ".join(w["text"] for w in line)


@dataclass
class _Row:
    lines: list[list[Obj]]

    @property
    def top(self) -> float:
        return min(w["top"] for w in self.lines[0])

    @property
    def bottom(self) -> float:
        return max(w["bottom"] for w in self.lines[-1])


def _read_page(page: Page, text: str) -> list[Ratification]:
    lines = _lines(page.extract_words())
    caption = next(
        (
            i
            for i, line in enumerate(lines)
            if len(line) >= 2 and line[0]["text"].lower() == "table" and line[1]["text"] == "3."
        ),
        None,
    )
    if caption is None:
        return []
    # The header: the first line within a few lines of the caption naming both columns.
    header = None
    for i in range(caption + 1, min(caption + 4, len(lines))):
        names = {w["text"].lower(): w for w in lines[i]}
        if "convention" in names and "ratification" in names:
            header, conv, rat = i, names["convention"], names["ratification"]
            break
    if header is None:
        return []
    label_x0 = conv["x0"] - 4
    mark_x0 = rat["x0"] - 12  # the marks sit under the header word, centred in its column
    rows: list[_Row] = []
    for line in lines[header + 1 :]:
        if line[0]["x0"] < label_x0:  # text at the left margin: the table has ended
            break
        label = [w for w in line if w["x1"] <= mark_x0]
        if not label:
            break
        if _ROW_START.match(label[0]["text"]):
            rows.append(_Row([label]))
            continue
        prev = rows[-1] if rows else None
        height = label[0]["bottom"] - label[0]["top"]
        if prev is None or min(w["top"] for w in label) - prev.bottom > 0.8 * height:
            break  # not a wrapped line of the row above (a page footer, the next paragraph)
        prev.lines.append(label)
    if not rows:
        return []
    pitch = max(r.bottom - r.top for r in rows) + 6
    bands = _bands(rows, float(rat["bottom"]), pitch)
    marks = _mark_objects(page, mark_x0, bands[0][0], bands[-1][1])
    cells: list[list[tuple[str, Obj]]] = [[] for _ in rows]
    for kind, obj in marks:
        mid = (obj["top"] + obj["bottom"]) / 2
        for i, (lo, hi) in enumerate(bands):
            if lo <= mid < hi:
                cells[i].append((kind, obj))
                break
    any_mark = any(cells)
    out = []
    for row, cell in zip(rows, cells, strict=True):
        ratified, method = _classify_cell(cell, any_mark)
        quote = "\n".join(_text(line) for line in row.lines)
        if quote not in text:  # the label shares its line with other text: quote line by line
            quote = _text(row.lines[0])
        out.append(
            Ratification(
                instrument=" ".join(_text(line) for line in row.lines),
                ratified=ratified,
                page=page.page_number,
                quote=quote,
                method=method,
            )
        )
    return out


def _bands(rows: Sequence[_Row], header_bottom: float, pitch: float) -> list[tuple[float, float]]:
    """Each row's vertical extent for its mark: from halfway to the row above to halfway to the next."""
    bands = []
    for i, row in enumerate(rows):
        lo = header_bottom if i == 0 else (rows[i - 1].bottom + row.top) / 2
        hi = (row.bottom + rows[i + 1].top) / 2 if i + 1 < len(rows) else row.bottom + pitch / 2
        bands.append((lo, hi))
    return bands


def _mark_objects(page: Page, x0: float, top: float, bottom: float) -> list[tuple[str, Obj]]:
    """The page's small objects right of ``x0`` between ``top`` and ``bottom``: (kind, object)."""
    found: list[tuple[str, Obj]] = []
    groups = (
        ("char", page.chars),
        ("image", page.images),
        ("curve", page.curves),
        ("line", page.lines),
        ("rect", page.rects),
    )
    for kind, objs in groups:
        for o in objs:
            mid = (o["top"] + o["bottom"]) / 2
            if o["x0"] < x0 or not top <= mid < bottom:
                continue
            if kind == "char" and not o["text"].strip():
                continue
            if o["x1"] - o["x0"] > _MAX_MARK or o["bottom"] - o["top"] > _MAX_MARK:
                continue
            found.append((kind, o))
    return found


# --------------------------------------------------------------------------------------------
# Marks
# --------------------------------------------------------------------------------------------

_CHECK = set("✓✔☑√")
_CROSS = set("✗✘✕✖☒×")
#: Dingbat fonts whose codes pdfminer may pass through unmapped: (font name part, checks, crosses).
_DINGBATS: tuple[tuple[str, set[str], set[str]], ...] = (
    ("zapfdingbats", set("34"), set("5678")),  # a19 ✓ a20 ✔ · a21 ✕ a22 ✖ a23 ✗ a24 ✘
    ("wingdings3", set(), set()),  # arrows: no mark
    ("wingdings2", set("PR"), set("OS")),  # ✓ ☑ · ✗ ☒
    ("wingdings", set("üþ"), set("ûý")),  # ✓ ☑ · ✗ ☒
)


def classify_glyph(text: str, fontname: str) -> bool | None:
    """✓ → True, ✗ → False, anything else → None, for one character in its font."""
    if text in _CHECK:
        return True
    if text in _CROSS:
        return False
    font = fontname.split("+")[-1].lower().replace(" ", "").replace("-", "")
    for name, checks, crosses in _DINGBATS:
        if name in font:
            return True if text in checks else False if text in crosses else None
    return None


def _near(pts: Sequence[tuple[float, float]], x: float, y: float, tol: float = 0.25) -> bool:
    return any(abs(px - x) <= tol and abs(py - y) <= tol for px, py in pts)


def classify_outline(points: Sequence[tuple[float, float]], segments: int) -> bool | None:
    """A drawn mark from its vertices (PDF points, y downwards) and its number of separate paths:
    ✓ → True, ✗ → False, None otherwise. The shape is judged in its own bounding box: a check reaches
    the top-right corner and the bottom somewhere left of the middle, and neither the top-left nor the
    bottom-right corner; a cross reaches all four corners and crosses in the middle (a vertex near the
    centre of a filled outline, or two separate strokes)."""
    if len(points) < 2:
        return None
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    if w < 2 or h < 2 or not 0.4 <= w / h <= 2.5:
        return None
    pts = [((x - min(xs)) / w, (y - min(ys)) / h) for x, y in points]
    tl, tr, bl, br = (_near(pts, 0, 0), _near(pts, 1, 0), _near(pts, 0, 1), _near(pts, 1, 1))
    if tl and tr and bl and br:
        centre = _near(pts, 0.5, 0.5, 0.2)
        return False if centre or segments == 2 else None
    low_middle = any(py >= 0.85 and 0.1 <= px <= 0.6 for px, py in pts)
    if tr and not tl and not br and low_middle:
        return True
    return None


def _classify_cell(cell: Sequence[tuple[str, Obj]], any_mark: bool) -> tuple[bool | None, str]:
    """A row's mark and the method that read it."""
    if not cell:
        # A blank cell where other rows carry marks is a row without a mark; a table with no mark
        # at all may be one whose marks this reader cannot see: not told.
        return (False, "blank") if any_mark else (None, "none")
    chars = [o for k, o in cell if k == "char"]
    if chars:
        values = {classify_glyph(c["text"], c.get("fontname", "")) for c in chars}
        return (values.pop(), "glyph") if len(values) == 1 else (None, "glyph")
    if any(k == "image" for k, _ in cell):
        # Images are told apart only against a reference; no report of the dev set draws its marks so.
        return None, "image"
    drawn = [o for k, o in cell if k in ("curve", "line")]
    if not drawn:  # rectangles only: a box or a background, not a mark
        return None, "vector-drawing"
    points = [(float(x), float(y)) for o in drawn for x, y in o["pts"]]
    return classify_outline(points, len(drawn)), "vector-drawing"

"""Open a USDOL Findings country report (PDF) with pdfplumber: its pages' text line by line (words with
their positions), its SHA-256, and the country, year and advancement level read from the report."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from laborkg.errors import InputError

#: The running footer of odd pages, sometimes with the page number run into it ("72021 FINDINGS …").
_FOOTER_ODD = re.compile(r"^(?:\d{1,3}\s?)?(20\d\d) FINDINGS ON THE WORST FORMS OF CHILD LABOR(?: \d{1,3})?$")
_FOOTER_EVEN = re.compile(
    r"^\d{0,3} ?BUREAU OF INTERNATIONAL LABOR AFFAIRS(?: 20\d\d FINDINGS ON THE WORST FORMS OF CHILD LABOR)?$"
)
_YEAR = re.compile(r"(20\d\d) FINDINGS ON THE WORST FORMS OF CHILD LABOR")
_LEVELS = (
    "SIGNIFICANT ADVANCEMENT",
    "MODERATE ADVANCEMENT",
    "MINIMAL ADVANCEMENT",
    "NO ADVANCEMENT",
    "NO ASSESSMENT",
)
_LEVEL_LINE = re.compile(
    r"^(?:(SIGNIFICANT|MODERATE|MINIMAL|NO) ADVANCEMENT|NO ASSESSMENT)"
    r"(?:\s*[–-]\s*[A-Z][A-Za-z ]+)?$",
    re.IGNORECASE,
)
_OPENING = re.compile(
    r"In (20\d\d), (.+?) made (?:an? )?(significant|moderate|minimal|no) advancement"
    r"|For the (20\d\d) reporting period, no assessment"
)


@dataclass(frozen=True)
class Word:
    """One word as pdfplumber extracts it, with its box (points from the page's top left)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True)
class Line:
    """Words at one height, left to right; ``text`` is the words joined by single spaces, exactly as it
    stands in the page's text."""

    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    def within(self, x0: float, x1: float) -> str:
        """The words whose middle lies between ``x0`` and ``x1``, joined by spaces."""
        return " ".join(w.text for w in self.words if x0 <= (w.x0 + w.x1) / 2 < x1)


@dataclass(frozen=True)
class Rule:
    """A thin filled shape (a table's row rule) or a shaded box (a table's header cell)."""

    x0: float
    x1: float
    top: float
    bottom: float
    dark: bool


@dataclass
class Page:
    """One page: its 1-based number, lines (running header and footer included) and shapes."""

    number: int
    lines: list[Line]
    rules: list[Rule] = field(default_factory=list)
    width: float = 612.0

    @property
    def text(self) -> str:
        """The page's extracted text: its lines joined by newlines (every quote is a part of it)."""
        return "\n".join(line.text for line in self.lines)

    def body(self) -> list[Line]:
        """The lines without the running header (country, advancement level) and footer."""
        out = []
        for i, line in enumerate(self.lines):
            t = line.text
            if i < 3 and (_LEVEL_LINE.match(t) or (i == 0 and len(line.words) <= 6 and line.top < 60)):
                continue
            if _FOOTER_ODD.match(t) or _FOOTER_EVEN.match(t):
                continue
            out.append(line)
        return out


@dataclass
class Report:
    """A report as read: file, SHA-256, pages, and what it says it is."""

    path: Path
    sha256: str
    pages: list[Page]
    country: str
    year: int
    level: str  # e.g. "Moderate Advancement", as the running header gives it (title case)
    level_line: tuple[int, str]  # (page, the header line as extracted)
    opening: tuple[int, str] | None  # (page, the opening sentence's first line), when found

    def page(self, number: int) -> Page:
        return self.pages[number - 1]

    def iter_lines(self) -> Iterator[tuple[Page, Line]]:
        for p in self.pages:
            for line in p.body():
                yield p, line


def _lines(words: list[dict[str, Any]]) -> list[Line]:
    """Cluster words into lines by their vertical middle (superscripts join their line)."""
    rows: list[list[dict[str, Any]]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        mid = (w["top"] + w["bottom"]) / 2
        for row in reversed(rows[-3:]):
            r_top = min(x["top"] for x in row)
            r_bottom = max(x["bottom"] for x in row)
            if r_top - 1 <= mid <= r_bottom + 1 and not any(
                x["x0"] < w["x1"] and w["x0"] < x["x1"] for x in row
            ):
                row.append(w)
                break
        else:
            rows.append([w])
    out = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        out.append(Line(tuple(Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"]) for w in row)))
    out.sort(key=lambda line: line.top)
    return out


def _lightness(color: Any) -> float | None:
    """0 (black) to 1 (white) for a gray, RGB or CMYK colour; None if unknown (a pattern)."""
    if isinstance(color, int | float):
        color = (color,)
    if not isinstance(color, tuple | list) or not all(isinstance(c, int | float) for c in color):
        return None
    if len(color) == 1:
        return float(color[0])
    if len(color) == 3:
        return float(min(color))
    if len(color) == 4:
        return float(1 - min(1.0, max(color[:3]) + color[3]))
    return None


def _rules(page: Any) -> list[Rule]:
    """Header cells (filled, not white, 5-60 pt high) and row rules (thin filled shapes, horizontal
    stroked lines, and the top and bottom edges of white cell boxes)."""
    out = []
    for obj in list(page.rects) + list(page.curves) + list(page.lines):
        h = obj["bottom"] - obj["top"]
        x0, x1, top, bottom = obj["x0"], obj["x1"], obj["top"], obj["bottom"]
        if obj.get("fill"):
            light = _lightness(obj.get("non_stroking_color"))
            if h < 2.5:
                out.append(Rule(x0, x1, top, bottom, False))
            elif light is not None and light < 0.9 and 5 < h < 60:
                out.append(Rule(x0, x1, top, bottom, True))
            elif light is not None and light > 0.95:
                out.append(Rule(x0, x1, top, top, False))
                out.append(Rule(x0, x1, bottom, bottom, False))
        elif obj.get("stroke") and h < 1:
            out.append(Rule(x0, x1, top, bottom, False))
    return out


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def open_pdf(path: Path | str) -> Any:
    """``pdfplumber.open`` with every way it fails turned into one InputError line (the caller closes)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    with p.open("rb") as f:
        head = f.read(1024)
    if b"%PDF-" not in head:
        raise InputError(f"{p}: not a PDF file")
    with p.open("rb") as f:
        f.seek(max(0, p.stat().st_size - 2048))
        tail = f.read()
    if b"%%EOF" not in tail:
        raise InputError(f"{p}: the PDF is truncated (no end-of-file marker)")
    try:
        pdf = pdfplumber.open(p)
        _ = pdf.pages
    except (PDFPasswordIncorrect, PDFEncryptionError) as e:
        raise InputError(f"{p}: the PDF is encrypted ({type(e).__name__})") from None
    except PDFSyntaxError as e:
        raise InputError(f"{p}: not a readable PDF (truncated or corrupt: {e})") from None
    except Exception as e:  # pdfminer raises many kinds on a damaged file
        if "password" in str(e).lower() or "encrypt" in str(e).lower():
            raise InputError(f"{p}: the PDF is encrypted") from None
        raise InputError(f"{p}: not a readable PDF (truncated or corrupt: {type(e).__name__})") from None
    if getattr(pdf.doc, "encryption", None):
        pdf.close()
        raise InputError(f"{p}: the PDF is encrypted")
    return pdf


def read_pages(pdf: Any, path: Path) -> list[Page]:
    """Every page's lines and shapes; an unreadable page is an InputError."""
    pages = []
    try:
        for i, pg in enumerate(pdf.pages, 1):
            words = pg.extract_words(keep_blank_chars=False, use_text_flow=False)
            pages.append(Page(i, _lines(words), _rules(pg), float(pg.width)))
    except InputError:
        raise
    except Exception as e:
        raise InputError(f"{path}: not a readable PDF (page {len(pages) + 1}: {type(e).__name__})") from None
    return pages


def identify(pages: list[Page], path: Path) -> tuple[str, int, str, tuple[int, str], tuple[int, str] | None]:
    """(country, year, level, (page, level line), opening) read from the report; a PDF that has no text
    or is not a Findings report is an InputError."""
    if not any(p.lines for p in pages):
        raise InputError(f"{path}: the PDF has no text (image-only or empty); OCR is not attempted")
    years = []
    for p in pages:
        for line in p.lines:
            m = _YEAR.search(line.text)
            if m and (_FOOTER_ODD.match(line.text) or _FOOTER_EVEN.match(line.text)):
                years.append(int(m.group(1)))
    first = pages[0].lines
    level_at = next((i for i, line in enumerate(first[:4]) if _LEVEL_LINE.match(line.text)), None)
    if not years or level_at is None or level_at == 0:
        raise InputError(
            f"{path}: not a USDOL Findings on the Worst Forms of Child Labor country report "
            "(no 'YEAR FINDINGS ON THE WORST FORMS OF CHILD LABOR' footer or advancement header)"
        )
    country = " ".join(line.text for line in first[:level_at])
    level_text = first[level_at].text
    level = next(lv for lv in _LEVELS if level_text.upper().startswith(lv)).title()
    year = max(set(years), key=years.count)
    opening = None
    for p in pages[:1]:
        for line in p.lines:
            if _OPENING.search(line.text):
                opening = (p.number, line.text)
                break
    return country, year, level, (1, level_text), opening


def read_report(path: Path | str) -> Report:
    """Open, extract and identify a report (the PDF is closed before this returns)."""
    p = Path(path)
    pdf = open_pdf(p)
    try:
        pages = read_pages(pdf, p)
    finally:
        pdf.close()
    country, year, level, level_line, opening = identify(pages, p)
    return Report(p, sha256_of(p), pages, country, year, level, level_line, opening)


_HYPHEN_END = re.compile(r"([A-Za-z]+)-$")


def join_lines(parts: list[str], vocabulary: set[str] | None = None) -> str:
    """Join a cell's wrapped lines with spaces; a word hyphenated at a line end ("inspec-" + "tions") is
    joined without its hyphen when the joined word is in ``vocabulary`` (words seen in the report),
    otherwise the hyphen is kept ("state-" + "level" -> "state-level")."""
    out = ""
    for part in (x.strip() for x in parts):
        if not part:
            continue
        m = _HYPHEN_END.search(out)
        if m and part[:1].isalpha():
            head = part.split(" ", 1)[0]
            word = m.group(1) + re.sub(r"\W+$", "", head)
            joined = vocabulary is not None and word.lower() in vocabulary
            out = out[:-1] + part if joined else out + part
        else:
            out = f"{out} {part}" if out else part
    return out


def vocabulary(report: Report) -> set[str]:
    """Lower-case words of the report's text (for :func:`join_lines`)."""
    words: set[str] = set()
    for p in report.pages:
        for line in p.lines:
            for w in line.words:
                words.add(re.sub(r"^\W+|\W+$", "", w.text).lower())
    return words

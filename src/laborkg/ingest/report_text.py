"""A Findings report given as plain text with tab-separated tables (seed 002, the Mexico 2022 report
whose PDF is not at hand) read into report_tables' rows and mapped by report_facts, every fact citing a
verbatim passage of the text (lkg:SourcePassage: quote and character offset)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from laborkg.errors import InputError
from laborkg.ingest.countries import reconcile, slug
from laborkg.ingest.report_facts import map_tables
from laborkg.ingest.report_mapper import PASSAGE, Mapper, Summary
from laborkg.ingest.report_table3 import Ratification
from laborkg.ingest.report_tables import Part, Row, Table
from laborkg.namespace import LKG, LKR

_TITLE = re.compile(r"^\*\*Table (\d{1,2})\. (.+?)\*\*\s*$")
_NOTE = re.compile(r"^[†‡*§]+\s*\S")
_SOURCE = re.compile(r"^(Source for|Primary completion rate was)")
_OPENING = re.compile(r"In (20\d\d), (.+?) made (?:an? )?(?:significant|moderate|minimal|no) advancement")
#: Markdown escapes of the text ("\$1,536,366"), undone in the cells (the quotes keep them).
_ESCAPE = re.compile(r"\\([\\$*_#\[\]])")
#: The end of one of Table 2's activities: its reference marker, then the next activity's first word.
_ACTIVITY_END = re.compile(
    r"\(\d{1,3}(?:\s?[-–]\s?\d{1,3})?(?:,\s?\d{1,3}(?:\s?[-–]\s?\d{1,3})?)*\) (?=[A-Z])"
)


@dataclass(frozen=True)
class TextPart(Part):
    """A part of a text without pages (``page`` 0): its quote and where it starts in the text."""

    offset: int = -1


@dataclass
class TextReport:
    """A report as text: its file, the text, and the country and reporting year its opening gives."""

    path: Path
    text: str
    country: str
    year: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def read_text(path: Path | str) -> TextReport:
    """Read a report's text; country and year from its opening sentence ("In 2022, Mexico made …")."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{p}: cannot read the report's text ({e.__class__.__name__})") from None
    m = _OPENING.search(text[:5000])
    if m is None:
        raise InputError(f"{p}: not a Findings report's text (no 'In YEAR, COUNTRY made … advancement')")
    return TextReport(p, text, m.group(2), int(m.group(1)))


def _unescape(cell: str) -> str:
    return _ESCAPE.sub(r"\1", cell).strip()


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line) of every line of ``text``."""
    out, at = [], 0
    for line in text.split("\n"):
        out.append((at, line))
        at += len(line) + 1
    return out


def _split_activities(offset: int, line: str) -> list[tuple[int, str]]:
    """Table 2's line of one sector as the report prints it: one row per activity, each ending with its
    reference marker (the text writes a sector's activities on one line)."""
    cuts = [m.end() for m in _ACTIVITY_END.finditer(line)]
    starts = [0, *cuts]
    ends = [c - 1 for c in cuts] + [len(line)]
    return [(offset + a, line[a:b]) for a, b in zip(starts, ends, strict=True)]


def _row(number: int, offset: int, quote: str, first: bool) -> Row:
    cells = [_unescape(c) for c in quote.split("\t")]
    if not first:  # a further activity of the sector above: its first cell empty, as the PDF prints it
        cells = ["", *cells]
    return Row(number, cells, [TextPart(0, quote, offset)])


def read_text_tables(text: str) -> dict[int, Table]:
    """Tables 1-11 of a text: a bold title line "**Table N. …**", a tab-separated header line, one line
    per row, and the notes under it (lines starting with †, ‡ or *; Table 1's "Source for …" lines); a
    "(Cont.)" part's rows appended to its table."""
    lines = _lines(text)
    tables: dict[int, Table] = {}
    i = 0
    while i < len(lines):
        offset, line = lines[i]
        m = _TITLE.match(line)
        i += 1
        if m is None:
            continue
        number = int(m.group(1))
        j = i
        while j < len(lines) and not lines[j][1].strip():
            j += 1
        if j >= len(lines) or "\t" not in lines[j][1]:
            continue
        title = re.sub(r"\s*\(Cont\.\)$", "", m.group(2))
        table = Table(
            number,
            title,
            TextPart(0, line, offset),
            [_unescape(c) for c in lines[j][1].split("\t")],
        )
        j += 1
        while j < len(lines) and "\t" in lines[j][1]:
            at, row_line = lines[j]
            pieces = _split_activities(at, row_line) if number == 2 else [(at, row_line)]
            for k, (a, quote) in enumerate(pieces):
                table.rows.append(_row(number, a, quote, k == 0))
            j += 1
        while j < len(lines):
            at, note = lines[j]
            if not note.strip():
                j += 1
                continue
            if note.startswith("**") or not (_NOTE.match(note) or (number == 1 and _SOURCE.match(note))):
                break
            table.notes.append((_unescape(note), TextPart(0, note, at)))
            j += 1
        i = j
        known = tables.get(number)
        if known is None:
            tables[number] = table
        else:  # "(Cont.)": the part's rows and notes go with the table
            known.rows.extend(table.rows)
            known.notes.extend(table.notes)
    return tables


def text_marks(table: Table) -> list[Ratification]:
    """Table 3's marks as the text writes them: "✓" ratified, "✗" not, none: cannot tell."""
    out = []
    for row in table.rows:
        mark = row.cells[1] if len(row.cells) > 1 else ""
        ratified = True if "✓" in mark else False if "✗" in mark else None
        out.append(Ratification(row.cells[0], ratified, 0, row.quote, "text"))
    return out


class TextMapper(Mapper):
    """report_facts' Mapper citing passages of a text (lkg:SourcePassage of the text's document, with
    quote and character offset) instead of a PDF's pages."""

    def __init__(self, report: TextReport, document: URIRef) -> None:
        country = reconcile(report.country)
        self.r = report  # type: ignore[assignment]
        self.text = report.text
        self.country = country
        self.year = report.year
        self.g = Graph()
        self.summary = Summary()
        self.cslug = slug(country.name)
        self.base = f"usdol-text-{report.year}-{self.cslug}"
        self.doc = document

    def offset(self, part: Part) -> int:
        if (
            isinstance(part, TextPart)
            and self.text[part.offset : part.offset + len(part.quote)] == part.quote
        ):
            return part.offset
        return self.text.find(part.quote)

    def verbatim(self, part: Part) -> bool:
        return bool(part.quote) and self.offset(part) >= 0

    def cite(self, part: Part, refs: list[int] | None = None) -> URIRef:
        at = self.offset(part)
        if at < 0:  # a bug of the text reader, not bad input
            raise RuntimeError(f"quote not in the text: {part.quote[:80]!r}")
        key = hashlib.sha256(f"{at}\n{part.quote}".encode()).hexdigest()[:16]
        iri = URIRef(f"{PASSAGE}{self.base}-{at}-{key}")
        if (iri, RDF.type, LKG.SourcePassage) not in self.g:
            self.g.add((iri, RDF.type, LKG.SourcePassage))
            self.g.add((iri, LKG.inDocument, self.doc))
            self.g.add((iri, LKG.quote, Literal(part.quote)))
            self.g.add((iri, LKG.charOffset, Literal(at)))
            self.summary.passages += 1
        for n in refs or []:
            self.g.add((iri, LKG.endnote, Literal(n)))
        return iri


def map_text(path: Path | str, document: URIRef | None = None) -> tuple[Graph, Summary, TextReport]:
    """The table facts of a report's text, in report_facts' model; passages cite ``document`` (by
    default the seed document of that file name: lkr:seed-NNN for seeds/NNN_*.txt)."""
    report = read_text(path)
    if document is None:
        m = re.match(r"^(\d{3})_", report.path.name)
        document = LKR[f"seed-{m.group(1)}"] if m else LKR[f"text-{report.sha256[:12]}"]
    mapper = TextMapper(report, document)
    tables = read_text_tables(report.text)
    map_tables(mapper, tables, text_marks(tables[3]) if 3 in tables else None)
    return mapper.g, mapper.summary, report

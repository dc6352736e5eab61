"""Tables 1-11 of a Findings report as rows of cells: columns from the shaded header cells, rows from the
thin rules between them, rows wrapped over lines and continued over pages joined, every row with the
lines it was read from (verbatim, per page) and reference markers ("(16,88-90)") kept apart."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from laborkg.ingest.report_pdf import Line, Page, Report, Rule, join_lines, vocabulary

_TITLE = re.compile(r"^Table (\d{1,2})\. (.+?)(?: Figure \d+\..*)?$", re.IGNORECASE)
_SOURCE = re.compile(r"^(Source for|Primary completion rate was)")
_NOTE = re.compile(r"^[†‡*§]+\s*\S")
_REF_GROUP = re.compile(r"\s*\((\d{1,3}(?:\s?[-–]\s?\d{1,3})?(?:,\s?\d{1,3}(?:\s?[-–]\s?\d{1,3})?)*)\)")


@dataclass(frozen=True)
class Part:
    """The lines of a row on one page, as extracted (a part of the page's text)."""

    page: int
    quote: str


@dataclass
class Row:
    """One row of a table: its cells (wrapped lines joined), and the parts it was read from."""

    table: int
    cells: list[str]
    parts: list[Part]

    @property
    def page(self) -> int:
        return self.parts[0].page

    @property
    def quote(self) -> str:
        return self.parts[0].quote


@dataclass
class Table:
    """A table: its number, title and header as printed, rows, and the notes printed under it."""

    number: int
    title: str
    title_part: Part
    header: list[str]
    rows: list[Row] = field(default_factory=list)
    notes: list[tuple[str, Part]] = field(default_factory=list)  # (note text, where it stands)


def split_refs(text: str) -> tuple[str, list[int]]:
    """A cell's text without its reference markers, and the references they cite, in order: "Yes
    (42,138)" -> ("Yes", [42, 138]); "(88-90)" cites 88, 89 and 90. A parenthesised group is a reference
    marker only if its numbers rise (so "(866,293)", a population, is kept as text)."""
    refs: list[int] = []

    def take(m: re.Match[str]) -> str:
        nums: list[int] = []
        for piece in m.group(1).split(","):
            a, _, b = re.sub(r"\s", "", piece).replace("–", "-").partition("-")
            lo, hi = int(a), int(b or a)
            if hi < lo or hi - lo > 400:
                return m.group(0)
            nums.extend(range(lo, hi + 1))
        if any(x >= y for x, y in zip(nums, nums[1:], strict=False)):
            return m.group(0)
        refs.extend(nums)
        return ""

    rest = _REF_GROUP.sub(take, text)
    return " ".join(rest.split()), refs


def _header_cells(page: Page, after: float, before: float) -> list[Rule]:
    """The shaded header cells of the first header row below ``after`` (and above ``before``)."""
    cells = [
        r
        for r in page.rules
        if r.dark and after - 2 <= r.top < before and 5 < r.bottom - r.top < 60 and r.x1 - r.x0 > 20
    ]
    if not cells:
        return []
    top = min(r.top for r in cells)
    row = sorted((r for r in cells if abs(r.top - top) < 2), key=lambda r: r.x0)
    out: list[Rule] = []
    for r in row:  # drop a cell drawn twice
        if not out or r.x0 >= out[-1].x1 - 2:
            out.append(r)
    return out


def _row_rules(page: Page, x0: float, x1: float, top: float, bottom: float) -> list[float]:
    """Tops of the thin rules across the table's columns between ``top`` and ``bottom`` (merged)."""
    tops = sorted(
        r.top
        for r in page.rules
        if not r.dark
        and r.bottom - r.top < 2.5
        and r.x1 - r.x0 > 20
        and r.x0 >= x0 - 3
        and r.x1 <= x1 + 3
        and top - 1 < r.top < bottom
    )
    merged: list[float] = []
    for t in tops:
        if not merged or t - merged[-1] > 2:
            merged.append(t)
    return merged


def _cells(lines: list[Line], bounds: list[tuple[float, float]], vocab: set[str]) -> list[str]:
    return [join_lines([line.within(a, b) for line in lines], vocab) for a, b in bounds]


def _part(page: Page, lines: list[Line]) -> Part:
    """The page's lines from the first of ``lines`` to the last, all of them (a figure's label printed
    between two lines of a note stays in the quote, which is a part of the page's text)."""
    first, last = page.lines.index(lines[0]), page.lines.index(lines[-1])
    return Part(page.number, "\n".join(line.text for line in page.lines[first : last + 1]))


def _page_tables(page: Page, vocab: set[str]) -> list[tuple[Table, bool, float]]:
    """The tables (or continued parts of tables) on one page: (table, continued, bottom)."""
    body = page.body()
    titles = [(i, m) for i, line in enumerate(body) if (m := _TITLE.match(line.text))]
    out = []
    for k, (i, m) in enumerate(titles):
        title_line = body[i]
        limit = body[titles[k + 1][0]].top if k + 1 < len(titles) else page_bottom(page)
        header = _header_cells(page, title_line.bottom, min(limit, title_line.bottom + 45))
        if not header:
            continue
        x0, x1 = header[0].x0, header[-1].x1
        h_top, h_bottom = min(r.top for r in header), max(r.bottom for r in header)
        bounds = [
            (c.x0 - 2, (header[j + 1].x0 - 2) if j + 1 < len(header) else x1 + 2)
            for j, c in enumerate(header)
        ]
        # a title printed over two lines (Table 1 beside Figure 1): the lines between it and the header
        title_lines = [line for line in body[i:] if line.top < h_top - 0.5]
        title = join_lines(
            [
                line.within(x0 - 2, x1 + 2) if line is not title_line else m.group(0)[: m.end(2)]
                for line in title_lines
            ]
        )
        head_lines = [line for line in body if h_top - 1 <= line.top < h_bottom]
        table = Table(
            int(m.group(1)),
            title,
            _part(page, title_lines),
            _cells(head_lines, bounds, vocab),
        )
        rules = _row_rules(page, x0, x1, h_bottom, limit)
        continued = "(cont.)" in title_line.text.lower()
        edges = [h_bottom, *rules]
        bottom = rules[-1] if rules else h_bottom
        for a, b in zip(edges, edges[1:], strict=False):
            lines = [line for line in body if a - 1 <= line.top < b - 1 and line.within(x0 - 2, x1 + 2)]
            ends = next((j for j, line in enumerate(lines) if _ends_rows(line, table.number)), None)
            if ends is not None:  # the notes under a table without a bottom rule
                lines, bottom = lines[:ends], lines[ends].top - 0.5
            if table.number == 1 and len(lines) > 1 and all(line.within(*bounds[-1]) for line in lines):
                groups = [[line] for line in lines]  # Table 1 rows not ruled apart (Brazil 2019)
            else:
                groups = [lines] if lines else []
            for group in groups:
                table.rows.append(Row(table.number, _cells(group, bounds, vocab), [_part(page, group)]))
            if ends is not None:
                break
        # rows after the last rule up to the page's end (a table that goes on over the page)
        tail = [line for line in body if bottom - 1 <= line.top < limit]
        notes: list[Line] = []
        for line in tail:
            text = line.within(x0 - 2, x1 + 2)
            if table.number == 1:  # source notes beside Figure 1: skip the figure's labels, stop at a gap
                if not text:
                    continue
                if _TITLE.match(line.text) or (notes and line.top - notes[-1].bottom > 9):
                    break
                notes.append(line)
            elif _NOTE.match(line.text) or (notes and text and line.top - notes[-1].bottom < 4):
                notes.append(line)
            else:
                break
        table.notes = _notes(page, notes, table.number, x0, x1, vocab)
        out.append((table, continued, bottom))
    return out


def _ends_rows(line: Line, number: int) -> bool:
    return bool(_NOTE.match(line.text) or (number == 1 and _SOURCE.match(line.text)))


def _notes(page: Page, lines: list[Line], number: int, x0: float, x1: float, vocab: set[str]):
    """Notes under a table: one per line starting with a mark (†, ‡, *), lines after it joined; Table
    1's source notes (no mark) until a paragraph of the page's full width."""
    groups: list[list[Line]] = []
    for line in lines:
        starts = _NOTE.match(line.text) or (number == 1 and _SOURCE.match(line.text))
        if starts or not groups:
            groups.append([line])
        else:
            groups[-1].append(line)
    out = []
    for g in groups:
        text = join_lines([line.within(x0 - 2, x1 + 2) if number == 1 else line.text for line in g], vocab)
        out.append((text, _part(page, g)))
    return out


def page_bottom(page: Page) -> float:
    return max((line.bottom for line in page.lines), default=800.0) + 1


def read_tables(report: Report) -> dict[int, Table]:
    """Tables 1-11 (those found), continued parts joined to their table; a row continued over a page
    (its first cell empty on the next page) joined to the row it continues."""
    vocab = vocabulary(report)
    tables: dict[int, Table] = {}
    for page in report.pages:
        for table, continued, _bottom in _page_tables(page, vocab):
            known = tables.get(table.number)
            if continued and (known is None or known.header != table.header):
                # a continued part whose title names the wrong table (Mexico 2019: "Table 10 (Cont.)"
                # over Table 11's rows) goes with the latest table of the same header
                same = [t for t in tables.values() if t.header == table.header]
                known = same[-1] if same else known
            if known is None or not continued:
                if known is None:
                    tables[table.number] = table
                continue
            for j, row in enumerate(table.rows):
                prev = known.rows[-1] if known.rows else None
                if j == 0 and prev is not None and not row.cells[0].strip():
                    prev.cells = [
                        join_lines([a, b], vocab) for a, b in zip(prev.cells, row.cells, strict=True)
                    ]
                    prev.parts.extend(row.parts)
                else:
                    known.rows.append(row)
            known.notes.extend(table.notes)
    return tables

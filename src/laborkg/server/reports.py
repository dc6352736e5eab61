"""The Findings country reports (PDF) on a country's page: each report's figures with the verbatim quote
and page they were read from, beside the structured data's value of the same indicator and year, and
whether the two agree. Reads a ``findings-report-figures`` answer; renders HTML (docs/reports.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef

from laborkg.ingest.crosscheck_values import state
from laborkg.namespace import LKG
from laborkg.query.engine import Answer
from laborkg.query.render import Labeller
from laborkg.server.findings import line_name, source_html, value_text
from laborkg.server.pages import esc
from laborkg.server.series import Source, Value
from laborkg.server.tables import entity_href

TEXT = {
    "en": {
        "reports": "The published reports: the quote behind each figure",
        "reports-lead": "USDOL's country reports as published (PDF) that the store holds, one per reporting "
        "year. Each figure read from a report's tables is shown with the text of the report it was read "
        "from, verbatim, and its page; beside it, the value the structured data (the findings XML) gives "
        "for the same indicator and year, and whether the two agree. Both are kept as sourced claims.",
        "report-year": "Reporting year {year}: the report as published",
        "sha256": "SHA-256 of the file",
        "figures-n": "{n} figures; {agree} agree with the structured data, {differ} differ, {only} are "
        "in the report only.",
        "indicator": "indicator",
        "year": "year",
        "in-report": "in the report",
        "quote": "verbatim quote · page",
        "in-xml": "in the structured data (XML)",
        "agreement": "agreement",
        "agree": "agree",
        "differ": "differ",
        "report-only": "not in the structured data",
        "page": "p. {page}",
        "table": "table",
        "passage": "passage",
        "standards": "Table 4: legal standards",
        "standard": "standard",
        "meets": "meets international standards: {v}",
        "age": "minimum age {v}",
        "yes": "yes",
        "no": "no",
    },
    "es": {
        "reports": "Los informes publicados: la cita detrás de cada cifra",
        "reports-lead": "Los informes de país del USDOL tal como se publicaron (PDF) que contiene el "
        "almacén, uno por año de informe. Cada cifra leída de las tablas de un informe se muestra con el "
        "texto del informe del que se leyó, literal, y su página; a su lado, el valor que dan los datos "
        "estructurados (el XML de las conclusiones) para el mismo indicador y año, y si coinciden. Ambos "
        "se conservan como afirmaciones con su fuente.",
        "report-year": "Año de informe {year}: el informe publicado",
        "sha256": "SHA-256 del archivo",
        "figures-n": "{n} cifras; {agree} coinciden con los datos estructurados, {differ} difieren, "
        "{only} solo están en el informe.",
        "indicator": "indicador",
        "year": "año",
        "in-report": "en el informe",
        "quote": "cita literal · página",
        "in-xml": "en los datos estructurados (XML)",
        "agreement": "concordancia",
        "agree": "coinciden",
        "differ": "difieren",
        "report-only": "no está en los datos estructurados",
        "page": "p. {page}",
        "table": "tabla",
        "passage": "pasaje",
        "standards": "Tabla 4: normas legales",
        "standard": "norma",
        "meets": "cumple las normas internacionales: {v}",
        "age": "edad mínima {v}",
        "yes": "sí",
        "no": "no",
    },
}
MARKS = {"agree": "=", "differ": "≠", "report-only": "–"}


def text(lang: str, key: str, **values) -> str:
    template = TEXT.get(lang, TEXT["en"]).get(key) or TEXT["en"][key]
    return template.format(**values) if values else template


# ---------------------------------------------------------------------------------------------
# The answer as reports and figures


@dataclass(frozen=True)
class Quote:
    """A passage of a report: its IRI, its page (1-based) and its text as extracted, verbatim."""

    passage: str
    page: int
    text: str


@dataclass
class Figure:
    """One observation read from a report's table: its value (as a :class:`~laborkg.server.series.Value`,
    whose year is the one the structured data files it under) and the quotes it cites."""

    value: Value
    dataset: str | None = None
    title: Quote | None = None
    quotes: list[Quote] = field(default_factory=list)
    matches: list[Value] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``agree``, ``differ`` or ``report-only`` against :attr:`matches`."""
        if not self.matches:
            return "report-only"
        return "agree" if any(same(self.value, m) for m in self.matches) else "differ"


@dataclass
class Standard:
    """A legal standard of one reporting year (a report's Table 4 row, or the structured data's): whether
    it meets international standards, the minimum age (or the text given instead), and its sources: pages
    of the report (``quotes``) or elements of a findings file (``sources``)."""

    iri: str
    type: URIRef
    meets: Literal | None = None
    age: Literal | None = None
    note: str | None = None
    territory: str | None = None
    quotes: list[Quote] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    matches: list[Standard] = field(default_factory=list)

    def says(self) -> tuple:
        return (
            None if self.meets is None else self.meets.toPython(),
            None if self.age is None else int(self.age),
            (self.note or "").casefold() if self.age is None else "",
        )

    @property
    def status(self) -> str:
        """``agree``, ``differ`` or ``report-only`` against :attr:`matches`; an empty age cell of the
        report states no age, so only whether the standard meets international standards is compared."""
        if not self.matches:
            return "report-only"
        n = 3 if self.age is not None or self.note else 1
        return "agree" if any(m.says()[:n] == self.says()[:n] for m in self.matches) else "differ"


@dataclass
class Report:
    """A Findings country report held by the store: the file, its SHA-256, its reporting year, figures."""

    iri: str
    year: int
    file: str
    sha256: str
    figures: list[Figure] = field(default_factory=list)
    standards: list[Standard] = field(default_factory=list)
    standards_title: Quote | None = None


def _year(term) -> int:
    return int(str(term)[:4])


def reports(answer: Answer) -> list[Report]:
    """The reports of a ``findings-report-figures`` answer (rows of an observation's passages, values and
    table), by reporting year, each figure once with its quotes (those cited by fewer of the report's
    figures first); the table's title is kept apart."""
    col = {v: i for i, v in enumerate(answer.vars)}
    out: dict[str, Report] = {}
    rows: dict[tuple[str, URIRef], list] = {}
    for row in answer.rows:
        iri = str(row[col["report"]])
        if iri not in out:
            out[iri] = Report(
                iri, _year(row[col["reportYear"]]), str(row[col["fileName"]]), str(row[col["sha256"]])
            )
        rows.setdefault((iri, row[col["observation"]]), []).append(row)
    for (iri, obs), mine in rows.items():
        values = {str(r[col["property"]]): r[col["object"]] for r in mine if r[col["property"]] is not None}
        title = next((r for r in mine if r[col["titlePassage"]] is not None), None)

        def get(name: str, values=values):
            return values.get(str(LKG[name]))

        # statistics are filed under the reporting year (their data year is another matter), the
        # enforcement figures and ratifications under the year they are of, as the structured data's
        year = get("reportingYear") or get("refYear") or out[iri].year
        value = Value(
            observation=obs,
            indicator=mine[0][col["indicator"]],
            country=URIRef(""),
            year=_year(year),
            number=get("value"),
            boolean=get("booleanValue"),
            state=None if get("valueNote") is None else str(get("valueNote")),
            unit=get("unit"),
            age=None if get("ageRange") is None else str(get("ageRange")),
        )
        figure = Figure(value, None if title is None else str(title[col["dataset"]]))
        out[iri].figures.append(figure)
        for r in mine:
            if r[col["passage"]] is None:
                continue
            quote = Quote(str(r[col["passage"]]), int(r[col["page"]]), str(r[col["quote"]]))
            if title is not None and quote.passage == str(title[col["titlePassage"]]):
                figure.title = quote
            elif quote not in figure.quotes:
                figure.quotes.append(quote)
    for report in out.values():  # the most specific passage first: the row before a note under the table
        cited: dict[str, int] = {}
        for figure in report.figures:
            for q in figure.quotes:
                cited[q.passage] = cited.get(q.passage, 0) + 1
        for figure in report.figures:
            figure.quotes.sort(key=lambda q: (cited[q.passage], q.page, len(q.text), q.passage))
    return sorted(out.values(), key=lambda r: (r.year, r.file))


def _ages(age: str | None) -> tuple[str, ...]:
    """The numbers of an age range: "5 to 14" (a report) and "5-14" (the XML) are one range."""
    return tuple(re.findall(r"\d+", age or ""))


def match(found: Sequence[Report], items: Iterable[Value]) -> None:
    """Give each figure the structured data's values of its indicator and year (and age range, where both
    give one); goods aside."""
    by_key: dict[tuple[URIRef, int], list[Value]] = {}
    for v in items:
        if v.good is None:
            by_key.setdefault((v.indicator, v.year), []).append(v)
    for report in found:
        for figure in report.figures:
            mine = figure.value
            figure.matches = [
                v
                for v in by_key.get((mine.indicator, mine.year), [])
                if not (mine.age and v.age) or _ages(mine.age) == _ages(v.age)
            ]


def standards(report: Report, answer: Answer) -> None:
    """The report's Table 4 rows from a ``findings-report-standards`` answer of its country and year, each
    with the structured data's standards of its type (the country's own, territories aside). A passage
    every row of the report cites is the table's title."""
    col = {v: i for i, v in enumerate(answer.vars)}
    found: dict[str, Standard] = {}
    in_report: set[str] = set()
    for row in answer.rows:

        def get(name, row=row):
            return row[col[name]]

        iri = str(get("standard"))
        std = found.get(iri)
        if std is None:
            note, territory = get("valueNote"), get("territory")
            std = found[iri] = Standard(
                iri,
                get("type"),
                get("meets"),
                get("minimumAge"),
                None if note is None else str(note),
                None if territory is None else str(territory),
            )
        if get("page") is not None:
            if str(get("fileName")) == report.file:
                in_report.add(iri)
            q = Quote(str(get("passage")), int(get("page")), str(get("quote")))
            if q not in std.quotes:
                std.quotes.append(q)
        elif get("path") is not None:
            src = Source(str(get("passage")), str(get("fileName")), str(get("path")), str(get("quote")))
            if src not in std.sources:
                std.sources.append(src)
    mine = [found[i] for i in sorted(in_report)]
    xml = [s for s in found.values() if s.sources and not s.quotes and s.territory is None]
    if len(mine) > 1:
        shared = set.intersection(*({q.passage for q in s.quotes} for s in mine))
        for s in mine:
            title = [q for q in s.quotes if q.passage in shared]
            s.quotes = [q for q in s.quotes if q.passage not in shared]
            report.standards_title = report.standards_title or (title[0] if title else None)
    for s in mine:
        s.quotes.sort(key=lambda q: (q.page, q.passage))
        s.matches = [x for x in xml if x.type == s.type]
        for x in s.matches:
            x.sources.sort(key=lambda src: src.path)
    report.standards = mine


def same(a: Value, b: Value) -> bool:
    """Whether two values say the same: equal numbers, equal yes/no, or the same state (case aside, and
    one spelling of each, as the cross-check compares them: "N/A" is "Not Applicable")."""
    if a.number is not None or b.number is not None:
        return a.number is not None and b.number is not None and a.number.toPython() == b.number.toPython()
    if a.boolean is not None or b.boolean is not None:
        return (
            a.boolean is not None and b.boolean is not None and a.boolean.toPython() == b.boolean.toPython()
        )
    return state(a.state or "") == state(b.state or "")


# ---------------------------------------------------------------------------------------------
# HTML


def anchor(year: int) -> str:
    """The id of a reporting year's block (the profile table links to it)."""
    return f"report-{year}"


def _quote_html(q: Quote, lang: str, css: str = "report-quote") -> str:
    href = entity_href(q.passage)
    page = esc(text(lang, "page", page=q.page))
    page_html = (
        f'<a class="page" href="{esc(href)}">{page}</a>' if href else f'<span class="page">{page}</span>'
    )
    return (
        f'<q class="{css}" data-page="{q.page}" data-passage="{esc(q.passage)}" lang="en">{esc(q.text)}</q>'
        f" {page_html}"
    )


def _value_html(value: Value, lab: Labeller) -> str:
    shown, state = value_text(value, lab)
    unit = lab.term(value.unit) if value.unit is not None and not state else ""
    core = f'<em class="state">{esc(shown)}</em>' if state else f'<span class="value">{esc(shown)}</span>'
    return core + (f' <small class="unit">{esc(unit)}</small>' if unit else "")


def _matches_html(matches: Iterable[tuple[str, str, str, Sequence[Source]]], lang: str) -> str:
    """The structured values matched to a report's figure: (IRI, data attribute, value HTML, sources)."""
    return "".join(
        f'<li data-{attr}="{esc(iri)}">{value}'
        + "".join(f'<div class="cite">{source_html(src, lang)}</div>' for src in sources)
        + "</li>"
        for iri, attr, value, sources in matches
    )


def _figure_row(figure: Figure, lab: Labeller, lang: str) -> str:
    v = figure.value
    status = figure.status
    quotes = "".join(f"<li>{_quote_html(q, lang)}</li>" for q in figure.quotes)
    xml = _matches_html(
        ((m.observation, "observation", _value_html(m, lab), m.sources) for m in figure.matches), lang
    )
    return (
        f'<tr class="report-figure {status}" data-observation="{esc(v.observation)}" data-status="{status}" '
        f'data-year="{v.year}">'
        f"<td>{esc(line_name(v.key, lab, lang))}</td><td>{v.year}</td>"
        f'<td class="in-report">{_value_html(v, lab)}</td>'
        f'<td class="quotes"><ul class="report-quotes">{quotes}</ul></td>'
        f'<td class="in-xml">{f"<ul>{xml}</ul>" if xml else "–"}</td>'
        f'<td class="agreement"><span class="mark">{MARKS[status]}</span> {esc(text(lang, status))}</td></tr>'
    )


def _table_html(title: Quote | None, figures: Sequence[Figure], lab: Labeller, lang: str) -> str:
    head = ("indicator", "year", "in-report", "quote", "in-xml", "agreement")
    caption = f"<caption>{_quote_html(title, lang, 'report-quote table-title')}</caption>" if title else ""
    return (
        f'<div class="scroll"><table class="results report-figures">{caption}<thead><tr>'
        + "".join(f'<th scope="col">{esc(text(lang, h))}</th>' for h in head)
        + "</tr></thead><tbody>"
        + "".join(_figure_row(f, lab, lang) for f in figures)
        + "</tbody></table></div>"
    )


def _standard_value(s: Standard, lang: str) -> str:
    parts = []
    if s.meets is not None:
        yes_no = text(lang, "yes" if s.meets.toPython() else "no")
        parts.append(f'<span class="meets">{esc(text(lang, "meets", v=yes_no))}</span>')
    if s.age is not None:
        parts.append(f'<span class="age">{esc(text(lang, "age", v=s.age))}</span>')
    elif s.note:
        parts.append(f'<em class="state">{esc(s.note)}</em>')
    return "<br>".join(parts) or "–"


def _standards_html(report: Report, lab: Labeller, lang: str) -> str:
    head = ("standard", "in-report", "quote", "in-xml", "agreement")
    title = report.standards_title
    caption = f"<caption>{_quote_html(title, lang, 'report-quote table-title')}</caption>" if title else ""
    rows = []
    for s in sorted(report.standards, key=lambda s: lab.term(s.type).casefold()):
        status = s.status
        quotes = "".join(f"<li>{_quote_html(q, lang)}</li>" for q in s.quotes)
        xml = _matches_html(
            ((m.iri, "standard", _standard_value(m, lang), m.sources) for m in s.matches), lang
        )
        rows.append(
            f'<tr class="report-standard {status}" data-standard="{esc(s.iri)}" data-status="{status}">'
            f"<td>{esc(lab.term(s.type))}</td>"
            f'<td class="in-report">{_standard_value(s, lang)}</td>'
            f'<td class="quotes"><ul class="report-quotes">{quotes}</ul></td>'
            f'<td class="in-xml">{f"<ul>{xml}</ul>" if xml else "–"}</td>'
            f'<td class="agreement"><span class="mark">{MARKS[status]}</span> {esc(text(lang, status))}</td>'
            "</tr>"
        )
    return (
        f'<h4 class="standards">{esc(text(lang, "standards"))}</h4>'
        f'<div class="scroll"><table class="results report-standards">{caption}<thead><tr>'
        + "".join(f'<th scope="col">{esc(text(lang, h))}</th>' for h in head)
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def report_html(report: Report, lab: Labeller, lang: str) -> str:
    """One report's block: the file (its SHA-256 on hover and folded), then one table per table of the
    report (captioned with the title's quote and page) of its figures."""
    counts = {s.replace("report-", ""): sum(f.status == s for f in report.figures) for s in MARKS}
    tables: dict[str | None, list[Figure]] = {}
    for f in report.figures:
        tables.setdefault(f.dataset, []).append(f)

    def first_page(fs: list[Figure]) -> tuple[int, str]:
        pages = [q.page for f in fs for q in ([f.title] if f.title else []) + f.quotes]
        return (min(pages, default=0), fs[0].dataset or "")

    parts = [
        f'<section class="report" id="{anchor(report.year)}" data-year="{report.year}" '
        f'data-report="{esc(report.iri)}">',
        f"<h3>{esc(text(lang, 'report-year', year=report.year))}: "
        f'<span class="file report-file" title="SHA-256 {esc(report.sha256)}">{esc(report.file)}</span></h3>',
        f'<details class="sha256"><summary>{esc(text(lang, "sha256"))}</summary>'
        f'<code class="sha256">{esc(report.sha256)}</code></details>',
        f'<p class="lead">{esc(text(lang, "figures-n", n=len(report.figures), **counts))}</p>',
    ]
    for fs in sorted(tables.values(), key=first_page):
        fs = sorted(fs, key=lambda f: (line_name(f.value.key, lab, lang).casefold(), f.value.year))
        parts.append(_table_html(fs[0].title, fs, lab, lang))
    if report.standards:
        parts.append(_standards_html(report, lab, lang))
    parts.append("</section>")
    return "".join(parts)


def reports_section(found: Sequence[Report], labels: Graph, lang: str) -> str:
    """The section of the country page with every report's block; empty when the store holds none."""
    if not found:
        return ""
    lab = Labeller(labels, lang)
    return (
        f'<section class="reports" id="reports"><h2 id="reports-head">{esc(text(lang, "reports"))}</h2>'
        f'<p class="lead">{esc(text(lang, "reports-lead"))}</p>'
        + "".join(report_html(r, lab, lang) for r in found)
        + "</section>"
    )


def terms(found: Iterable[Report]) -> list[URIRef]:
    """The IRIs whose labels the section shows (indicators, units, types of legal standard)."""
    out: list[URIRef] = []
    for r in found:
        for f in r.figures:
            out += [t for t in (f.value.indicator, f.value.unit) if t is not None]
        out += [s.type for s in r.standards]
    return out

"""A Findings report's tables as facts in the model of data/usdol-2022-*.ttl and of the structured
findings (same country, indicator and standard-type IRIs), every fact citing the lines it was read
from on their page of the PDF (lkg:ReportPassage: quote, page, document)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from laborkg.errors import InputError
from laborkg.ingest.countries import reconcile, slug
from laborkg.ingest.findings import MAPPED
from laborkg.ingest.findings_more import STANDARD_TYPES, suggested_action_iri, year_span
from laborkg.ingest.report_activities import activities
from laborkg.ingest.report_mapper import (
    MARKS,
    Mapper,
    Summary,
    areas,
    norm,
    split_marks,
    year_literal,
)
from laborkg.ingest.report_pdf import Report
from laborkg.ingest.report_tables import Part, Row, Table, read_tables, split_refs
from laborkg.namespace import LKC, LKG, LKR

#: Table 6 and 7 row labels (lower case; the first key found in the label wins) -> the findings XML
#: element of the same figure, whose indicator the observation takes.
T6_ROWS: list[tuple[str, str]] = [
    ("funding", "Labor_Funding"),
    ("number of labor inspectors", "Labor_Inspectors"),
    ("were collected", "Labor_Penalties_Collected"),
    ("penalties were imposed", "Labor_Penalties_Imposed"),
    ("assess", "Authorized_Access_Penalties"),
    ("initial training", "Labor_New_Employee_Training"),
    ("training on new laws", "Labor_New_Law_Training"),
    ("refresher", "Labor_Refresher_Courses"),
    ("training for labor inspectors provided", "Labor_New_Employee_Training"),
    ("number of labor inspections", "Labor_Inspections"),
    ("worksite", "Labor_Worksite_Inspections"),
    ("desk review", "Labor_Desk_Review_Inspections"),
    ("violations found", "Labor_Violations"),
    ("routine inspections conducted", "Labor_Routine_Inspections_Conducted"),
    ("routine inspections targeted", "Labor_Routine_Inspections_Targeted"),
    ("unannounced inspections permitted", "Labor_Unannounced_Inspections_Premitted"),
    ("unannounced inspections conducted", "Labor_Unannounced_Inspections_Conducted"),
    ("complaint mechanism", "Labor_Complaint_Mechanism"),
    ("referral mechanism", "Labor_Referral_Mechanism"),
]
T7_ROWS: list[tuple[str, str]] = [
    ("initial training", "Criminal_New_Employee_Training"),
    ("training for investigators", "Criminal_New_Employee_Training"),
    ("training on new laws", "Criminal_New_Law_Training"),
    ("refresher", "Criminal_Refresher_Courses"),
    ("training for criminal investigators provided", "Criminal_New_Employee_Training"),
    ("number of investigations", "Criminal_Investigations"),
    ("violations found", "Criminal_Violations"),
    ("prosecutions initiated", "Criminal_Prosecutions"),
    ("convictions", "Criminal_Convictions"),
    ("imposed penalties", "Criminal_Penalties_for_WFCL"),
    ("referral mechanism", "Criminal_Referral_Mechanism"),
]
#: Row labels read as an element whose name they do not spell out, and why (an rdfs:comment on the
#: observations read from such a row; docs/reports.md).
READ_AS: dict[str, str] = {
    "training for investigators": (
        "the row 'Training for Investigators' is read as Criminal_New_Employee_Training: it is the first of "
        "Table 7's three training rows, where the other reports print 'Initial Training for New Criminal "
        "Investigators', and the structured data of the same country-year gives that element beside "
        "Criminal_New_Law_Training and Criminal_Refresher_Courses"
    ),
    "training for labor inspectors provided": (
        "the row 'Training for Labor Inspectors Provided' (the one training row of the 2022 layout) is read "
        "as Labor_New_Employee_Training: the 2022 structured data has that one training element for labor "
        "inspectors (Labor_New_Law_Training and Labor_Refresher_Courses are 2015-2021 only)"
    ),
    "training for criminal investigators provided": (
        "the row 'Training for Criminal Investigators Provided' (the one training row of the 2022 layout) is "
        "read as Criminal_New_Employee_Training: the 2022 structured data has that one training element for "
        "criminal investigators (Criminal_New_Law_Training and Criminal_Refresher_Courses are 2015-2021 only)"
    ),
}
#: Table 1 row labels -> (indicator, kind) as the findings statistics map them.
T1_ROWS: list[tuple[str, list[tuple[str, str]]]] = [
    ("working", [("working-children-percent", "percent"), ("working-children-population", "count")]),
    ("attending school", [("attending-school", "percent")]),
    ("combining work and school", [("combining-work-and-school", "percent")]),
    ("primary completion rate", [("primary-completion-rate", "percent")]),
]
#: Table 3 row labels (lower case, first match wins) -> the instrument IRIs of seed 002 and the findings.
INSTRUMENTS: list[tuple[str, str]] = [
    ("c. 138", "ilo-c138"),
    ("c. 182", "ilo-c182"),
    ("armed conflict", "un-crc-optional-protocol-armed-conflict"),
    ("sale of children", "un-crc-optional-protocol-sale-of-children"),
    ("palermo", "palermo-protocol"),
    ("un crc", "un-crc"),
]
ACTION_AREAS = {
    "legal framework": "legal-framework",
    "laws": "legal-framework",
    "enforcement": "enforcement",
    "coordination": "coordination",
    "government policies": "government-policies",
    "social programs": "social-programs",
}
#: As the findings mapping labels the areas (the same label on the same suggested-action node).
AREA_LABELS = {
    "legal-framework": "Legal Framework",
    "enforcement": "Enforcement",
    "coordination": "Coordination",
    "government-policies": "Government Policies",
    "social-programs": "Social Programs",
}
_STATES = {"n/a": "N/A", "na": "N/A", "unknown": "Unknown", "unavailable": "Unavailable", "none": "None"}


def _value(g: Graph, obs: URIRef, text: str, kind: str) -> bool:
    """The cell's value on ``obs`` (number with unit, boolean or state); False if not readable."""
    t = text.strip()
    if norm(t) in _STATES:
        g.add((obs, LKG.valueNote, Literal(_STATES[norm(t)])))
        return True
    if kind == "boolean":
        b = {"yes": True, "no": False}.get(norm(t))
        if b is None:
            return False
        g.add((obs, LKG.booleanValue, Literal(b)))
        return True
    m = re.fullmatch(r"(\$)?\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(\s*million)?", t)
    if not m:
        return False
    n = Decimal(m.group(2).replace(",", ""))
    if m.group(3):
        n *= 1_000_000
        g.add((obs, RDFS.comment, Literal(f"written '{t}'; 'million' multiplied out", lang="en")))
    g.add((obs, LKG.value, Literal(n, datatype=XSD.decimal)))
    unit = LKC.USD if m.group(1) else LKC["unit-percent" if kind == "percent" else "unit-count"]
    g.add((obs, LKG.unit, unit))
    return True


def _caveats(m: Mapper, table: Table) -> dict[str, URIRef]:
    """One lkg:Caveat per marked note under a table (†, ‡, *), citing the note."""
    out: dict[str, URIRef] = {}
    for text, part in table.notes:
        mk = re.match(rf"^([{MARKS}]+)\s*(.+)$", text)
        if not mk:
            continue
        body, refs = split_refs(mk.group(2))
        iri = LKR[f"caveat-{m.base}-t{table.number}-{len(out) + 1}"]
        m.g.add((iri, RDF.type, LKG.Caveat))
        m.g.add((iri, RDFS.label, Literal(body.rstrip("."), lang="en")))
        m.g.add((iri, LKG.source, m.cite(part, refs)))
        out.setdefault(mk.group(1), iri)
    return out


def _enforcement(m: Mapper, table: Table, rows: list[tuple[str, str]]) -> None:
    years = [int(y.group()) for y in (re.search(r"20\d\d", h) for h in table.header[1:]) if y]
    caveats = _caveats(m, table)
    tcode = f"t{table.number}"
    for row in table.rows:
        label = norm(row.cells[0])
        key, element = next(((k, el) for k, el in rows if k in label), ("", None))
        if len(label) > 150:  # a paragraph drawn inside the table's frame (Brazil 2018), not a row
            element = None
        if element is None or len(row.cells) < 1 + len(years):
            m.summary.unmapped.append(f"Table {table.number}: {row.cells[0]!r}")
            continue
        target = MAPPED["Country/Enforcements/" + element]
        for y, cell in zip(years, row.cells[1:], strict=False):
            text, refs = split_refs(cell)
            core, marks = split_marks(text)
            obs = LKR[f"obs-{m.base}-{tcode}-{target.target.removeprefix('indicator-')}-{y}"]
            if (obs, RDF.type, LKG.Observation) in m.g:  # a second row taken for this one (a paragraph)
                m.summary.unmapped.append(f"Table {table.number}: {row.cells[0][:60]!r} {y}: a second row")
                continue
            if not core or not _value(m.g, obs, core, target.kind):
                m.summary.unmapped.append(f"Table {table.number}: {row.cells[0]!r} {y}: {cell!r}")
                m.g.remove((obs, None, None))
                continue
            m.g.add((obs, RDF.type, LKG.Observation))
            m.dataset(obs, table)
            m.g.add(
                (obs, RDFS.label, Literal(f"{row.cells[0]}, {y} (Table {table.number}): {text}", lang="en"))
            )
            m.g.add((obs, LKG.indicator, LKR[target.target]))
            if key in READ_AS:
                m.g.add((obs, RDFS.comment, Literal(READ_AS[key], lang="en")))
            m.g.add((obs, LKG.refYear, year_literal(y)))
            m.g.add((obs, LKG.refArea, m.country.iri))
            _indicator(m, target.target, target.label, row, table)
            for mark in marks:
                if mark in caveats:
                    m.g.add((obs, LKG.caveat, caveats[mark]))
                    m.g.add((obs, LKG.source, next(m.g.objects(caveats[mark], LKG.source))))
            m.cite_row(obs, row, table, refs)
            m.fact(f"Table {table.number}")


def _indicator(m: Mapper, target: str, label: str, row: Row, table: Table) -> None:
    """An indicator the findings mapping defines (not one of seed 002's, which data/ defines)."""
    if label and (LKR[target], RDF.type, LKG.Indicator) not in m.g:
        m.g.add((LKR[target], RDF.type, LKG.Indicator))
        m.g.add((LKR[target], RDFS.label, Literal(label, lang="en")))
        m.cite_row(LKR[target], row, table)


def _statistics(m: Mapper, table: Table) -> None:
    notes = {("primary" if "primary completion" in norm(t) else "other"): (t, p) for t, p in table.notes}
    for row in table.rows:
        label = norm(row.cells[0])
        spec = next((s for key, s in T1_ROWS if label.startswith(key)), None)
        if spec is None or len(row.cells) < 3:
            m.summary.unmapped.append(f"Table 1: {row.cells[0]!r}")
            continue
        ages = re.fullmatch(r"(\d{1,2}) ?(?:to|-|–) ?(\d{1,2})", row.cells[1].strip())
        value = row.cells[2].strip()
        pm = re.fullmatch(r"([\d.]+|\S+)\s*(?:\(\s?(\d{1,3}(?:,\d{3})*)\s?\))?", value)
        figures = [pm.group(1), pm.group(2)] if pm else [value]
        note = notes.get("primary" if spec[0][0] == "primary-completion-rate" else "other")
        for (ind, kind), fig in zip(spec, figures, strict=False):
            if fig is None:
                continue
            obs = LKR[f"obs-{m.base}-t1-{ind}"]
            if not _value(m.g, obs, fig, kind):
                m.summary.unmapped.append(f"Table 1: {row.cells[0]!r}: {value!r}")
                continue
            m.g.add((obs, RDF.type, LKG.Observation))
            m.dataset(obs, table)
            m.g.add((obs, RDFS.label, Literal(f"{row.cells[0]} (Table 1): {value}", lang="en")))
            m.g.add((obs, LKG.indicator, LKR[f"indicator-{ind}"]))
            m.g.add((obs, LKG.reportingYear, year_literal(m.year)))
            m.g.add((obs, LKG.refArea, m.country.iri))
            if ages:
                m.g.add((obs, LKG.ageRange, Literal(f"{ages.group(1)} to {ages.group(2)}")))
            if note:
                data_year = re.search(r"Data from (20\d\d)", note[0]) or re.search(
                    r"(?:19|20)\d\d(?=\D*$)",
                    split_refs(note[0])[0],  # "…, 2019. (10)": 2019
                )
                if data_year and "unavailable" not in norm(note[0]):
                    m.g.add((obs, LKG.refYear, year_literal(data_year.group(data_year.lastindex or 0))))
                m.g.add((obs, LKG.source, m.cite(note[1])))
            m.cite_row(obs, row, table)
            m.fact("Table 1")


_STANDARD_BY_LABEL = {norm(label): type_slug for type_slug, label in STANDARD_TYPES.values()}


def _standards(m: Mapper, table: Table) -> None:
    for row in table.rows:
        if len(row.cells) < 4:
            continue
        name, refs0 = split_refs(row.cells[0])
        name_core, _ = split_marks(name)
        type_slug = _STANDARD_BY_LABEL.get(norm(name_core))
        if type_slug is None:
            m.summary.unmapped.append(f"Table 4: {row.cells[0]!r}")
            continue
        meets, _r1 = split_refs(row.cells[1])
        age_text, _r2 = split_refs(row.cells[2])
        law, refs = split_refs(row.cells[3])
        iri = LKR[f"{m.base}-standard-{type_slug}"]
        age = re.match(r"^(\d{1,2})(?!\d)", age_text.strip())
        label = f"{m.country.name}: {name_core}" + (f" ({age.group(1)})" if age else "")
        m.g.add((iri, RDF.type, LKG.LegalStandard))
        m.g.add((iri, RDFS.label, Literal(f"{label} (USDOL report {m.year})", lang="en")))
        m.g.add((iri, LKG.standardType, LKR[f"standard-type-{type_slug}"]))
        m.g.add((iri, LKG.appliesIn, m.country.iri))
        m.g.add((iri, LKG.reportingYear, year_literal(m.year)))
        mb = {"yes": True, "no": False}.get(norm(split_marks(meets)[0]))
        if mb is not None:
            m.g.add((iri, LKG.meetsInternationalStandards, Literal(mb)))
        if age:
            m.g.add((iri, LKG.minimumAge, Literal(int(age.group(1)))))
        elif age_text.strip():
            m.g.add((iri, LKG.valueNote, Literal(age_text.strip())))
        if law:
            m.g.add((iri, LKG.description, Literal(f"Legislation: {law}", lang="en")))
        m.cite_row(iri, row, table, refs0 + refs)
        m.fact("Table 4")


def _actions(m: Mapper, table: Table) -> None:
    for area_label, row in areas(table, ACTION_AREAS):
        if len(row.cells) < 3 or area_label is None:
            m.summary.unmapped.append(f"Table 11: {row.cells[:2]!r}")
            continue
        area = ACTION_AREAS[area_label]
        area_label = AREA_LABELS[area]
        text, refs = split_refs(row.cells[1])
        years = year_span(row.cells[2].replace("–", "–")) or year_span(row.cells[2].replace(" ", ""))
        if not text or not years:
            m.summary.unmapped.append(f"Table 11: {row.cells[1][:40]!r} {row.cells[2]!r}")
            continue
        iri = suggested_action_iri(m.country, area, text)
        short = text if len(text) <= 70 else text[:69].rstrip() + "…"
        m.g.add((iri, RDF.type, LKG.SuggestedAction))
        m.g.add(
            (
                iri,
                RDFS.label,
                Literal(f"Suggested action for {m.country.name} ({area_label}): {short}", lang="en"),
            )
        )
        m.g.add((iri, LKG.actionArea, LKR[f"action-area-{area}"]))
        m.g.add((iri, LKG.actionText, Literal(text, lang="en")))
        for y in years:
            m.g.add((iri, LKG.yearSuggested, year_literal(y)))
        m.g.add((iri, LKG.suggestedBy, LKR.usdol))
        m.g.add((iri, LKG.addressedTo, m.country.iri))
        m.cite_row(iri, row, table, refs)
        m.fact("Table 11")


def _pdf_marks(m: Mapper, pdf_path: str) -> list | None:
    """Table 3's marks as report_table3 recovers them from the PDF (None if it is not available)."""
    read = _table3_reader()
    if read is None:
        m.summary.unmapped.append("Table 3: the check-mark reader (report_table3) is not available")
        return None
    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        return list(read(pdf))


def _ratifications(m: Mapper, table: Table, marks: list) -> None:
    """Table 3: ``marks`` are report_table3.Ratification records (instrument, ratified, page, quote,
    method), from the PDF's drawing or from a text's mark characters."""
    for rat in marks:
        inst = next((i for key, i in INSTRUMENTS if key in norm(rat.instrument)), None)
        part = Part(rat.page, rat.quote)
        if inst is None or rat.ratified is None or not rat.quote or not m.verbatim(part):
            m.summary.unmapped.append(f"Table 3: {rat.instrument!r} ({rat.method}: {rat.ratified})")
            continue
        target = f"indicator-findings-ratified-{inst}"
        obs = LKR[f"obs-{m.base}-t3-ratified-{inst}"]
        label = next((t.label for t in MAPPED.values() if t.target == target), "")
        if label and (LKR[target], RDF.type, LKG.Indicator) not in m.g:  # as the findings mapping defines it
            m.g.add((LKR[target], RDF.type, LKG.Indicator))
            m.g.add((LKR[target], RDFS.label, Literal(label, lang="en")))
            m.g.add((LKR[target], LKG.source, m.cite(part)))
        m.g.add((obs, RDF.type, LKG.Observation))
        m.dataset(obs, table)
        m.g.add(
            (
                obs,
                RDFS.label,
                Literal(f"{rat.instrument} (Table 3): {'✓' if rat.ratified else '✗'}", lang="en"),
            )
        )
        m.g.add((obs, LKG.indicator, LKR[target]))
        m.g.add((obs, LKG.refYear, year_literal(m.year)))
        m.g.add((obs, LKG.refArea, m.country.iri))
        m.g.add((obs, LKG.booleanValue, Literal(rat.ratified)))
        how = (
            f"The mark was recovered from the page by laborkg ({rat.method}); the extracted text has no mark."
            if rat.method != "text"
            else f"The mark is the text's own character, read from the table's line: {rat.quote!r}."
        )
        m.g.add((obs, RDFS.comment, Literal(how, lang="en")))
        m.g.add((obs, LKG.source, m.cite(part)))
        m.g.add((obs, LKG.source, m.cite(table.title_part)))
        m.fact("Table 3")
        if rat.ratified:  # as the findings mapping does for a "Yes": the country's ratification
            iri = LKR[f"ratification-{m.cslug}-{inst}-usdol-report"]
            m.g.add((iri, RDF.type, LKG.Ratification))
            what = f"{m.country.name}'s ratification of {rat.instrument} (USDOL report {m.year}, Table 3)"
            m.g.add((iri, RDFS.label, Literal(what, lang="en")))
            m.g.add((iri, LKG.ratifyingParty, m.country.iri))
            m.g.add((iri, LKG.ratifiedInstrument, LKR[inst]))
            m.g.add((iri, LKG.dateNotStated, Literal(True)))
            m.g.add((iri, LKG.source, m.cite(part)))
            m.g.add((iri, LKG.source, m.cite(table.title_part)))


#: Tables 5, 8, 9 and 10: (class, IRI infix) of the entity each row names.
NAMED = {5: (LKG.GovernmentAgency, "agency"), 8: (LKG.CoordinatingBody, "body"), 9: (LKG.Policy, "policy")}


def _named(m: Mapper, table: Table) -> None:
    """Tables 5, 8, 9, 10: the agency, coordinating body, policy or program a row names (one entity per
    country and name as printed, across reports), with the row's role or description."""
    cls, infix = NAMED.get(table.number, (LKG.SocialProgram, "program"))
    rows: list[Row] = []
    for row in table.rows:  # a name printed once over several ruled rows: one row
        if rows and not row.cells[0].strip() and len(row.cells) == len(rows[-1].cells):
            last = rows[-1]
            rows[-1] = Row(
                last.table,
                [f"{a} {b}".strip() for a, b in zip(last.cells, row.cells, strict=True)],
                last.parts + row.parts,
            )
        else:
            rows.append(row)
    for row in rows:
        if len(row.cells) < 2:
            continue
        name, refs0 = split_refs(row.cells[0])
        name = split_marks(name)[0]
        text, refs = split_refs(row.cells[1])
        if not name or not text or norm(name).startswith("usdol-funded") and table.number != 10:
            m.summary.unmapped.append(f"Table {table.number}: {row.cells[0][:60]!r}")
            continue
        digest = hashlib.sha256(" ".join(name.split()).encode()).hexdigest()[:8]
        iri = LKR[f"{m.cslug}-{infix}-{slug(name)[:60].strip('-')}-{digest}-usdol-report"]
        m.g.add((iri, RDF.type, cls))
        m.g.add((iri, RDFS.label, Literal(name, lang="en")))
        if cls in (LKG.GovernmentAgency, LKG.CoordinatingBody):
            m.g.add((iri, LKG.jurisdiction, m.country.iri))
        else:
            m.g.add((iri, LKG.appliesIn, m.country.iri))
        m.g.add(
            (
                iri,
                LKG.description,
                Literal(f"{text} (USDOL report {m.year}, Table {table.number})", lang="en"),
            )
        )
        m.cite_row(iri, row, table, refs0 + refs)
        m.fact(f"Table {table.number}")


def _table3_reader() -> Callable | None:
    try:
        from laborkg.ingest import report_table3  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    return getattr(report_table3, "read_table3", None)


def _assessment(m: Mapper) -> None:
    """The advancement level (running header) and the summary paragraph of page 1, as a Statement."""
    r = m.r
    page = r.page(1)
    body = page.body()
    start = next((i for i, line in enumerate(body) if r.opening and line.text == r.opening[1]), None)
    iri = LKR[f"statement-{m.cslug}-{m.year}-advancement-usdol-report"]
    m.g.add((iri, RDF.type, LKG.Statement))
    label = (
        f"Assessment of {m.country.name}'s efforts to eliminate the worst forms of child labor in {m.year}: "
        f"{r.level}"
    )
    m.g.add((iri, RDFS.label, Literal(f"{label} (USDOL report)", lang="en")))
    m.g.add((iri, LKG.about, m.country.iri))
    m.g.add(
        (iri, LKG.description, Literal(f"Assessment level: {r.level} (reporting year {m.year}).", lang="en"))
    )
    m.g.add((iri, LKG.source, m.cite(Part(1, r.level_line[1]))))
    if start is not None:
        lines = []
        for line in body[start:]:
            if re.match(r"^I\. ", line.text) or norm(line.text).startswith("table 1"):
                break
            lines.append(line)
        from laborkg.ingest.report_pdf import join_lines, vocabulary

        text = join_lines([line.text for line in lines], vocabulary(r))
        m.g.add((iri, LKG.statementText, Literal(text, lang="en")))
        m.g.add((iri, LKG.source, m.cite(Part(1, "\n".join(line.text for line in lines)))))
    m.fact("assessment")


def map_report(report: Report, country: str | None = None, year: int | None = None) -> tuple[Graph, Summary]:
    """The report's facts; ``country``/``year`` given must agree with what the report says."""
    if country is not None and reconcile(country).iri != reconcile(report.country).iri:
        raise InputError(f"{report.path}: the report is about {report.country}, not {country}")
    if year is not None and year != report.year:
        raise InputError(f"{report.path}: the report is for reporting year {report.year}, not {year}")
    try:
        c = reconcile(report.country)
    except InputError:
        raise InputError(
            f"{report.path}: the report's country {report.country!r} is not a USDOL country"
        ) from None
    m = Mapper(report, c, report.year, report.path.name)
    # the country, as the running header names it (the same IRI as the structured data's)
    head = report.page(1).lines
    at = next(i for i, line in enumerate(head) if line.text == report.level_line[1])
    m.g.add((c.iri, RDF.type, LKG.Country))
    m.g.add((c.iri, RDFS.label, Literal(c.name, lang="en")))
    if c.alpha2:
        m.g.add((c.iri, LKG.iso3166Alpha2, Literal(c.alpha2)))
        m.g.add((c.iri, LKG.iso3166Alpha3, Literal(c.alpha3)))
    m.g.add((c.iri, LKG.source, m.cite(Part(1, "\n".join(line.text for line in head[:at])))))
    tables = read_tables(report)
    _assessment(m)
    marks = _pdf_marks(m, str(report.path)) if 3 in tables else None
    map_tables(m, tables, marks)
    return m.g, m.summary


def map_tables(m: Mapper, tables: dict[int, Table], marks: list | None) -> None:
    """Tables 1-11 (those given) into ``m``'s graph; ``marks`` are Table 3's (None: not read)."""
    for number, fn in ((1, _statistics), (4, _standards), (11, _actions)):
        if number in tables:
            fn(m, tables[number])
    if 6 in tables:
        _enforcement(m, tables[6], T6_ROWS)
    if 7 in tables:
        _enforcement(m, tables[7], T7_ROWS)
    if 3 in tables and marks is not None:
        _ratifications(m, tables[3], marks)
    if 2 in tables:
        activities(m, tables[2])
    for number in (5, 8, 9, 10):
        if number in tables:
            _named(m, tables[number])

"""Map USDOL's "Findings on the Worst Forms of Child Labor" XML (reporting years 2014-2022) into
triples, every value citing its file (year, SHA-256), country record, element path and verbatim text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from laborkg.errors import InputError
from laborkg.ingest import findings_more
from laborkg.ingest.countries import Country, reconcile, slug
from laborkg.ingest.literals import Parsed, parse_boolean, parse_number, parse_percent
from laborkg.ingest.usdol_xml import (
    KNOWN_SHA256,
    YEARS,
    FindingsFile,
    Record,
    Value,
    file_name,
    find_files,
    load,
    records,
    values,
    walk,
)
from laborkg.namespace import LKC, LKG, LKR

# --------------------------------------------------------------------------------------------
# Mapping: element paths -> the ontology
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What an element's value becomes: ``kind`` is one of profile (a property of the country-year
    profile), entity (the country), good (a good's flag), number/count/boolean/percent (an
    observation of ``indicator``, in ``sector`` if given), and standard/action/project/derived/territory
    (the names of a territory): elements read in groups by ``findings_more`` (``findings_more.grouped``
    says which; a territory's figure keeps its indicator's kind); ``note`` is added to the inventory."""

    kind: str
    target: str
    label: str = ""
    sector: str = ""
    note: str = ""


_E = "Country/Enforcements/"
_S = "Country/Country_Statistics/"

MAPPED: dict[str, Target] = {
    "Country/Name": Target("entity", "rdfs:label / skos:altLabel of the reconciled country"),
    "Country/Region": Target("profile", "lkg:usdolRegion"),
    "Country/Advancement_Level": Target("profile", "lkg:advancementLevel"),
    "Country/Description": Target("profile", "lkg:description"),
    "Country/Webpage": Target("profile", "lkg:webpage"),
    "Country/Automatic_Downgrade": Target("profile", "lkg:downgradeAssessment"),
    "Country/Multiple_Territories": Target("profile", "lkg:multipleTerritories"),
    "Country/Goods/Good/Good_Name": Target("good", "lkg:good (rdfs:label of the good)"),
    "Country/Goods/Good/Child_Labor": Target(
        "good", "indicator-findings-good-child-labor", "Good produced with child labor"
    ),
    "Country/Goods/Good/Forced_Labor": Target(
        "good", "indicator-findings-good-forced-labor", "Good produced with forced labor"
    ),
    "Country/Goods/Good/Forced_Child_Labor": Target(
        "good", "indicator-findings-good-forced-child-labor", "Good produced with forced child labor"
    ),
    "Country/Goods/Good/Derived_Labor_Exploitation": Target(
        "good",
        "indicator-findings-good-derived-labor-exploitation",
        "Good listed as derived from labor exploitation (made with inputs produced with child labor "
        "or forced labor)",
    ),
    "Country/Mechanisms/Coordination": Target(
        "boolean",
        "indicator-findings-mechanism-to-coordinate",
        "Mechanism to coordinate efforts on child labor",
    ),
    "Country/Mechanisms/Policy": Target(
        "boolean",
        "indicator-findings-national-policy-established",
        "National policy on the worst forms of child labor established",
    ),
    "Country/Mechanisms/Program": Target(
        "boolean",
        "indicator-findings-national-program-established",
        "National program on the worst forms of child labor established",
    ),
}
for _path, (_kind, _what) in findings_more.TARGETS.items():
    MAPPED[_path] = Target(_kind, _what)
_RATIFIED = {
    "C_138_Ratified": ("ilo-c138", "Ratified ILO C. 138, Minimum Age"),
    "C_182_Ratified": ("ilo-c182", "Ratified ILO C. 182, Worst Forms of Child Labor"),
    "Convention_on_the_Rights_of_the_Child_Ratified": ("un-crc", "Ratified the UN CRC"),
    "CRC_Armed_Conflict_Ratified": (
        "un-crc-optional-protocol-armed-conflict",
        "Ratified the UN CRC Optional Protocol on Armed Conflict",
    ),
    "CRC_Commercial_Sexual_Exploitation_of_Children_Ratified": (
        "un-crc-optional-protocol-sale-of-children",
        "Ratified the UN CRC Optional Protocol on the Sale of Children, Child Prostitution and "
        "Child Pornography",
    ),
    "Palermo_Ratified": ("palermo-protocol", "Ratified the Palermo Protocol on Trafficking in Persons"),
}
_RATIFIED_PREFIX = "indicator-findings-ratified-"
for _el, (_inst, _label) in _RATIFIED.items():
    for _parent in ("Country/Conventions/", "Country/Master_Data/"):
        MAPPED[_parent + _el] = Target("boolean", f"indicator-findings-ratified-{_inst}", _label)

#: Enforcement elements given for the whole country (not per territory): (indicator, kind, label).
_ENFORCEMENT = {
    "Labor_Funding": ("labor-inspectorate-funding", "number", ""),
    "Labor_Inspectors": ("number-of-labor-inspectors", "count", ""),
    "Labor_Inspectors_Intl_Standards": (
        "findings-labor-inspectors-meet-ilo-standard",
        "boolean",
        "Number of labor inspectors meets the ILO's technical advice",
    ),
    "Authorized_Access_Penalties": ("mechanism-to-assess-civil-penalties", "boolean", ""),
    "Labor_New_Employee_Training": (
        "findings-labor-new-employee-training",
        "boolean",
        "Initial training for new labor inspectors",
    ),
    "Labor_New_Law_Training": (
        "findings-labor-new-law-training",
        "boolean",
        "Training on new laws for labor inspectors",
    ),
    "Labor_Refresher_Courses": (
        "findings-labor-refresher-courses",
        "boolean",
        "Refresher courses for labor inspectors",
    ),
    "Labor_Inspections": ("findings-labor-inspections", "count", "Number of labor inspections conducted"),
    "Labor_Worksite_Inspections": ("number-of-labor-inspections-at-worksite", "count", ""),
    "Labor_Desk_Review_Inspections": (
        "findings-labor-desk-review-inspections",
        "count",
        "Number of labor inspections by desk review",
    ),
    "Labor_Violations": ("number-of-child-labor-violations-found", "count", ""),
    "Labor_Penalties_Imposed": ("number-of-child-labor-violations-penalized", "count", ""),
    "Labor_Penalties_Collected": ("number-of-child-labor-penalties-collected", "count", ""),
    "Labor_Routine_Inspections_Conducted": ("routine-inspections-conducted", "boolean", ""),
    "Labor_Routine_Inspections_Targeted": ("routine-inspections-targeted", "boolean", ""),
    "Labor_Unannounced_Inspections_Premitted": ("unannounced-inspections-permitted", "boolean", ""),
    "Labor_Unannounced_Inspections_Conducted": ("unannounced-inspections-conducted", "boolean", ""),
    "Labor_Complaint_Mechanism": ("complaint-mechanism-exists", "boolean", ""),
    "Labor_Referral_Mechanism": ("referral-mechanism-labor-social-services", "boolean", ""),
    "Dedicated_Labor_Inspectors": (
        "findings-dedicated-labor-inspectors",
        "count",
        "Number of labor inspectors dedicated to child labor",
    ),
    "Criminal_New_Employee_Training": (
        "findings-criminal-new-employee-training",
        "boolean",
        "Initial training for new criminal investigators",
    ),
    "Criminal_New_Law_Training": (
        "findings-criminal-new-law-training",
        "boolean",
        "Training on new laws for criminal investigators",
    ),
    "Criminal_Refresher_Courses": (
        "findings-criminal-refresher-courses",
        "boolean",
        "Refresher courses for criminal investigators",
    ),
    "Criminal_Investigations": ("number-of-investigations", "count", ""),
    "Criminal_Violations": ("findings-criminal-violations", "count", "Number of violations found (criminal)"),
    "Criminal_Prosecutions": ("number-of-prosecutions-initiated", "count", ""),
    "Criminal_Convictions": ("number-of-convictions", "count", ""),
    "Criminal_Penalties_for_WFCL": ("imposed-penalties-worst-forms-violations", "boolean", ""),
    "Criminal_Referral_Mechanism": ("referral-mechanism-criminal-social-services", "boolean", ""),
}
for _el, (_ind, _kind, _label) in _ENFORCEMENT.items():
    MAPPED[_E + _el] = Target(_kind, f"indicator-{_ind}", _label)
    # per territory (Bosnia and Herzegovina, Iraq, Pakistan, Somalia, Tanzania, Saint Helena …): the same
    # indicator, read with its Territory_Name by findings_more
    _per = "per territory, with lkg:territoryName"
    MAPPED[f"{_E}{_el}/Territory/Enforcement"] = Target(_kind, f"indicator-{_ind}", _label, note=_per)
    for _name in ("Territory_Name", "Territory_Display_Name"):
        MAPPED[f"{_E}{_el}/Territory/{_name}"] = Target(
            "territory", f"lkg:territoryName of the territory's {_el} observation"
        )

_STATS = {
    "Children_Work_Statistics/Total_Percentage_of_Working_Children": ("working-children-percent", "percent"),
    "Children_Work_Statistics/Total_Working_Population": ("working-children-population", "count"),
    "Education_Statistics_Attendance_Statistics/Percentage": ("attending-school", "percent"),
    "Children_Working_and_Studying_7-14_yrs_old/Total": ("combining-work-and-school", "percent"),
    "UNESCO_Primary_Completion_Rate/Rate": ("primary-completion-rate", "percent"),
}
for _el, (_ind, _kind) in _STATS.items():
    MAPPED[_S + _el] = Target(_kind, f"indicator-{_ind}", "")
for _sector in ("Agriculture", "Industry", "Services"):
    MAPPED[f"{_S}Children_Work_Statistics/{_sector}"] = Target(
        "percent",
        "indicator-findings-working-children-by-sector",
        "Working children in a sector (percent of the working children of the age range)",
        sector=f"sector-{_sector.lower()}",
        note=f"lkg:refSector lkr:sector-{_sector.lower()}",
    )
for _group in (
    "Children_Work_Statistics",
    "Education_Statistics_Attendance_Statistics",
    "Children_Working_and_Studying_7-14_yrs_old",
):
    MAPPED[f"{_S}{_group}/Age_Range"] = Target("dimension", "lkg:ageRange of the group's observations")
for _group in (
    "Children_Working_and_Studying_7-14_yrs_old",
    "Education_Statistics_Attendance_Statistics",
    "UNESCO_Primary_Completion_Rate",
):
    MAPPED[f"{_S}{_group}/Year"] = Target(
        "dimension", "lkg:refYear (and lkg:refYearEnd) of the group's observations"
    )

#: Not mapped, by path prefix (longest prefix wins): why.
NOT_MAPPED_PREFIXES: dict[str, str] = {
    "Country/ISO2": "USDOL's 2014 codes, 4 not ISO 3166-1 (BU, KS, KV, WB); pycountry: lkg:iso3166Alpha2",
    "Country/ISO3": "USDOL's 2014 codes, 4 not ISO 3166-1 (BUR, KSO, KVR, WBG); pycountry: lkg:iso3166Alpha3",
    "Country/Legal_Standards": "empty container (a record without legal standards)",
    "Country/Mechanisms": "empty container (2016-2017)",
    "Country/Suggested_Actions": "empty container (a record without suggested actions)",
    "Country/ILAB_Projects": "empty container (a record without ILAB projects)",
    "Country/Country_Statistics": "empty container",
    "Country/Enforcements": "empty container (2015-2017)",
    "Country/Conventions": "empty container (2016-2017)",
    "Country/Master_Data": "empty container (2014)",
    "Country/Goods": "empty container",
}


def status(schema_path: str) -> tuple[bool, str]:
    """(mapped, target or reason) for a schema path; unknown paths raise InputError."""
    if schema_path in MAPPED:
        t = MAPPED[schema_path]
        what = t.target if t.target.startswith(("lkg:", "rdfs:")) else f"{t.kind}: lkr:{t.target}"
        return True, what + (f" ({t.note})" if t.note else "")
    best = max((p for p in NOT_MAPPED_PREFIXES if schema_path.startswith(p)), key=len, default=None)
    if best is None:
        raise InputError(f"unknown element path {schema_path}: neither mapped nor listed as not mapped")
    return False, NOT_MAPPED_PREFIXES[best]


# --------------------------------------------------------------------------------------------
# Inventory
# --------------------------------------------------------------------------------------------


def inventory(files: Iterable[tuple[FindingsFile, ET.Element]]) -> dict[str, set[int]]:
    """Every element path that holds a value or is a leaf somewhere, with the years it occurs in."""
    out: dict[str, set[int]] = defaultdict(set)
    for ff, root in files:
        for _rec, el in records(ff, root):
            for path, child in walk(el, ""):
                if len(child) == 0 or (child.text or "").strip():
                    out["Country/" + re.sub(r"\[\d+\]", "", path)].add(ff.year)
    return dict(out)


def _years(ys: set[int]) -> str:
    ys_ = sorted(ys)
    if ys_ == list(range(ys_[0], ys_[-1] + 1)):
        return str(ys_[0]) if len(ys_) == 1 else f"{ys_[0]}–{ys_[-1]}"
    return ", ".join(map(str, ys_))


def inventory_markdown(inv: dict[str, set[int]]) -> str:
    """The inventory as a markdown table (path, years, mapped, target or reason)."""
    n_mapped = sum(status(p)[0] for p in inv)
    lines = [
        f"{len(inv)} element paths; {n_mapped} mapped, {len(inv) - n_mapped} not mapped.",
        "",
        "| element path | years | mapped | to / why not |",
        "|---|---|---|---|",
    ]
    for p in sorted(inv):
        ok, what = status(p)
        lines.append(f"| `{p}` | {_years(inv[p])} | {'yes' if ok else 'no'} | {what} |")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# Triples
# --------------------------------------------------------------------------------------------


@dataclass
class Report:
    """Values read per reporting year: mapped, not mapped (their path is in the not-mapped table) and
    unreadable (a mapped path whose text is not a value of its kind, e.g. a count where Yes/No is
    expected); skipped = not mapped + unreadable."""

    read: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    mapped: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    not_mapped: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    unreadable: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def skipped(self, year: int) -> int:
        return self.not_mapped[year] + self.unreadable[year]

    def line(self, year: int) -> str:
        """``2022: 18622 read, 6524 mapped, 12098 skipped (12089 not mapped, 9 unreadable)``."""
        return (
            f"{year}: {self.read[year]} read, {self.mapped[year]} mapped, {self.skipped(year)} skipped "
            f"({self.not_mapped[year]} not mapped, {self.unreadable[year]} unreadable)"
        )

    def lines(self) -> list[str]:
        """One line per year read."""
        return [self.line(y) for y in sorted(self.read)]


def _year(y: int) -> Literal:
    return Literal(str(y), datatype=XSD.gYear)


def _provenance(g: Graph, v: Value) -> URIRef:
    """The ElementValue of ``v`` (with its record and file), added once per graph."""
    if (v.iri, RDF.type, LKG.ElementValue) in g:  # cited already: a look-up is cheaper than 12 adds
        return v.iri
    ff, rec = v.record.file, v.record
    if (rec.iri, RDF.type, LKG.CountryRecord) not in g:
        g.add((ff.iri, RDF.type, LKG.FindingsFile))
        g.add((ff.iri, LKG.fileName, Literal(file_name(ff.year))))
        g.add((ff.iri, LKG.reportingYear, _year(ff.year)))
        g.add((ff.iri, LKG.sha256, Literal(ff.sha256)))
        g.add((rec.iri, RDF.type, LKG.CountryRecord))
        g.add((rec.iri, LKG.inFile, ff.iri))
        g.add((rec.iri, LKG.recordPosition, Literal(rec.position)))
    g.add((v.iri, RDF.type, LKG.ElementValue))
    g.add((v.iri, LKG.inDocument, ff.iri))
    g.add((v.iri, LKG.countryRecord, rec.iri))
    g.add((v.iri, LKG.elementPath, Literal(v.path)))
    g.add((v.iri, LKG.quote, Literal(v.text)))
    return v.iri


def _parse(kind: str, v: Value) -> Parsed | None:
    if kind in ("boolean", "good"):
        return parse_boolean(v.text)
    if kind == "percent":
        return parse_percent(v.text, v.record.file.year)
    return parse_number(v.text)


def _observation(g: Graph, obs: URIRef, target: Target, country: Country, v: Value) -> bool:
    p = _parse(target.kind, v)
    if p is None:
        return False
    g.add((obs, RDF.type, LKG.Observation))
    g.add((obs, LKG.indicator, LKR[target.target]))
    if target.kind == "percent" or target.target == "indicator-working-children-population":
        # statistics describe a survey's data year, which the XML does not give (2014's <Year> aside)
        g.add((obs, LKG.reportingYear, _year(v.record.file.year)))
    else:
        g.add((obs, LKG.refYear, _year(v.record.file.year)))
    g.add((obs, LKG.refArea, country.iri))
    if p.number is not None:
        g.add((obs, LKG.value, Literal(p.number, datatype=XSD.decimal)))
        if target.kind in ("count", "percent"):
            g.add((obs, LKG.unit, LKC["unit-count" if target.kind == "count" else "unit-percent"]))
        elif p.usd:
            g.add((obs, LKG.unit, LKC.USD))
    elif p.boolean is not None:
        g.add((obs, LKG.booleanValue, Literal(p.boolean)))
    else:
        g.add((obs, LKG.valueNote, Literal(p.state)))
    if p.note:
        g.add((obs, RDFS.comment, Literal(p.note, lang="en")))
    g.add((obs, LKG.source, _provenance(g, v)))
    if target.label and (LKR[target.target], RDF.type, LKG.Indicator) not in g:
        # an indicator of the findings data (seed 002's are reused, not redefined): defined by its
        # element, it cites the first element value read for it
        g.add((LKR[target.target], RDF.type, LKG.Indicator))
        g.add((LKR[target.target], RDFS.label, Literal(target.label, lang="en")))
        g.add((LKR[target.target], LKG.source, v.iri))
    return True


_PROFILE_PROPERTIES = {
    "lkg:usdolRegion": LKG.usdolRegion,
    "lkg:advancementLevel": LKG.advancementLevel,
    "lkg:description": LKG.description,
    "lkg:webpage": LKG.webpage,
    "lkg:downgradeAssessment": LKG.downgradeAssessment,
    "lkg:multipleTerritories": LKG.multipleTerritories,
}


def _profile_value(prop: URIRef, text: str) -> Literal | None:
    """A profile property's value: the description in English, the web page without its stray spaces,
    Multiple_Territories as a boolean (None if not Yes/No), the others as written (spaces collapsed)."""
    if prop == LKG.webpage:
        return Literal("".join(text.split()), datatype=XSD.anyURI)
    if prop == LKG.multipleTerritories:
        p = parse_boolean(text)
        return None if p is None or p.boolean is None else Literal(p.boolean)
    text = " ".join(text.split())
    return Literal(text, lang="en") if prop == LKG.description else Literal(text)


def map_record(g: Graph, rec: Record, vals: list[Value], report: Report) -> None:
    """Map one record's values into ``g``, counting them in ``report``."""
    year = rec.file.year
    name_vals = [v for v in vals if v.path == "Name[1]"]
    if not name_vals:
        raise InputError(f"{rec.file.path}: record {rec.position} has no <Name>")
    country = reconcile(name_vals[0].text)
    c = country.iri
    name_src = _provenance(g, name_vals[0])
    g.add((c, RDF.type, LKG.Country))
    label = " ".join(name_vals[0].text.split())
    # the canonical name (a USDOL spelling, see ALIASES) is the label whichever years are read
    g.add((c, RDFS.label, Literal(country.name, lang="en")))
    if label != country.name:
        g.add((c, SKOS.altLabel, Literal(label, lang="en")))
    g.add((c, LKG.source, name_src))
    if country.alpha2:
        g.add((c, LKG.iso3166Alpha2, Literal(country.alpha2)))
        g.add((c, LKG.iso3166Alpha3, Literal(country.alpha3)))
    profile = LKR[f"usdol-findings-{year}-{slug(country.name)}"]
    g.add((profile, RDF.type, LKG.CountryProfile))
    g.add((profile, LKG.profileOf, c))
    g.add((profile, LKG.reportingYear, _year(year)))
    g.add((profile, LKG.countryRecord, rec.iri))
    g.add((profile, LKG.source, name_src))
    used: set[str] = set()
    deferred: list[Value] = []
    in_groups: list[Value] = []
    repeats: dict[str, int] = defaultdict(int)
    for v in vals:
        repeats[v.schema_path] += 1
    for v in vals:
        report.read[year] += 1
        sp = v.schema_path
        status(sp)  # an unknown path is an error
        t = MAPPED.get(sp)
        ok = False
        if t is None:
            pass
        elif findings_more.grouped(sp):
            in_groups.append(v)  # legal standards, suggested actions, projects…: counted once grouped
            continue
        elif t.kind == "entity":
            ok = True
        elif t.kind == "profile":
            prop = _PROFILE_PROPERTIES[t.target]
            value = _profile_value(prop, v.text)
            if value is not None:
                g.add((profile, prop, value))
                g.add((profile, LKG.source, _provenance(g, v)))
                ok = True
        elif t.kind == "good":
            good_path = v.path.rsplit("/", 1)[0]
            if sp.endswith("/Good_Name"):
                good = LKR[f"usdol-good-{slug(v.text)}"]
                g.add((good, RDF.type, LKG.Good))
                g.add((good, RDFS.label, Literal(" ".join(v.text.split()), lang="en")))
                g.add((good, LKG.source, _provenance(g, v)))
                ok = True
            else:
                name_v = next((w for w in vals if w.path == good_path + "/Good_Name[1]"), None)
                if name_v is not None:
                    good = LKR[f"usdol-good-{slug(name_v.text)}"]
                    step = good_path.rsplit("[", 1)[1].rstrip("]")
                    obs = LKR[f"obs-usdol-findings-{year}-{slug(country.name)}-{t.target[10:]}-{step}"]
                    ok = _observation(g, obs, t, country, v)
                    if ok:
                        g.add((obs, LKG.good, good))
                        g.add((obs, LKG.source, _provenance(g, name_v)))
        elif t.kind == "dimension":
            deferred.append(v)  # counted as mapped once an observation of its group cites it
            continue
        else:
            suffix = ""
            if repeats[sp] > 1:  # the same element more than once in a record (Pakistan's statistics)
                suffix = "-" + "-".join(re.findall(r"\[(\d+)\]", v.path))
            name = t.target[10:] + (f"-{t.sector[7:]}" if t.sector else "")
            obs = LKR[f"obs-usdol-findings-{year}-{slug(country.name)}-{name}{suffix}"]
            ok = _observation(g, obs, t, country, v)
            if ok and t.sector:
                g.add((obs, LKG.refSector, LKR[t.sector]))
            if (
                ok
                and t.target.startswith(_RATIFIED_PREFIX)
                and g.value(obs, LKG.booleanValue) == Literal(True)
            ):
                instrument = t.target[len(_RATIFIED_PREFIX) :]
                findings_more.ratification(g, country, instrument, t.label, v, lambda w: _provenance(g, w))
            if ok and suffix:
                note = (
                    f"One of {repeats[sp]} {sp.rsplit('/', 1)[1]} elements in this record; "
                    "the XML does not say what distinguishes them."
                )
                g.add((obs, RDFS.comment, Literal(note, lang="en")))
            if ok and sp.startswith(_S):
                used.update(_statistics_dimensions(g, obs, v, vals))
        if ok:
            report.mapped[year] += 1
        elif t is None:
            report.not_mapped[year] += 1
        else:
            report.unreadable[year] += 1
    if in_groups:
        ctx = findings_more.Context(
            g,
            country,
            year,
            vals,
            cite=lambda w: _provenance(g, w),
            observe=lambda obs, w: _observation(g, obs, MAPPED[w.schema_path], country, w),
        )
        for done in findings_more.map_groups(ctx, in_groups).values():
            if done:
                report.mapped[year] += 1
            else:
                report.unreadable[year] += 1
    for v in deferred:  # age ranges and data years, after the figures of their group
        if v.path in used:
            report.mapped[year] += 1
        else:
            report.unreadable[year] += 1


_AGES = re.compile(r"(\d{1,2})-(\d{1,2})")
_DATA_YEAR = re.compile(r"(\d{4})(?:\.0)?|(\d{4})-(\d{2})")


def _statistics_dimensions(g: Graph, obs: URIRef, v: Value, vals: list[Value]) -> list[str]:
    """Add the age range (and, in 2014, the data year) of a statistic's group; return the paths used."""
    group, last = v.path.rsplit("/", 1)
    k = last.rsplit("[", 1)[1]  # the k-th figure of a group goes with its k-th age range and year
    used = []
    for w in vals:
        if w.path == f"{group}/Age_Range[{k}" and _AGES.fullmatch(w.text.strip()):
            g.add((obs, LKG.ageRange, Literal(w.text.strip())))
        elif w.path == f"{group}/Year[{k}" and (m := _DATA_YEAR.fullmatch(w.text.strip())):
            first = m.group(1) or m.group(2)
            g.add((obs, LKG.refYear, Literal(first, datatype=XSD.gYear)))
            if m.group(3):
                g.add((obs, LKG.refYearEnd, Literal(first[:2] + m.group(3), datatype=XSD.gYear)))
        else:
            continue
        g.add((obs, LKG.source, _provenance(g, w)))
        used.append(w.path)
    return used


def prepare(
    directory: Path | str, years: Iterable[int] = YEARS, countries: Iterable[str] = ()
) -> tuple[list[tuple[FindingsFile, ET.Element]], set[URIRef]]:
    """Verify and parse the files of ``years`` and reconcile ``countries`` (a name that names nothing in
    the files is an InputError): (the parsed files, the wanted countries' IRIs, empty for all)."""
    wanted = {reconcile(n).iri: n for n in countries}
    loaded = [load(p) for p in find_files(directory, years)]
    seen = {reconcile(rec.name).iri for ff, root in loaded for rec, _ in records(ff, root)}
    for iri, name in wanted.items():
        if iri not in seen:
            raise InputError(f"country {name!r}: no record in the files read")
    return loaded, set(wanted)


def map_file(
    ff: FindingsFile, root: ET.Element, wanted: set[URIRef], skip: set[URIRef], report: Report
) -> Graph:
    """One parsed file's records (only ``wanted`` countries when not empty, never ``skip``) as a graph."""
    g = Graph()
    by_record: dict[Record, list[Value]] = defaultdict(list)
    for v in values(ff, root):
        by_record[v.record].append(v)
    for rec, vals in by_record.items():
        iri = reconcile(rec.name).iri
        if (wanted and iri not in wanted) or iri in skip:
            continue
        map_record(g, rec, vals, report)
    return g


def ingest_years(
    directory: Path | str,
    years: Iterable[int] = YEARS,
    countries: Iterable[str] = (),
    progress: Callable[[int, Report], None] | None = None,
    skip: dict[int, set[URIRef]] | None = None,
) -> Iterator[tuple[int, Graph, Report]]:
    """Read the files of ``years`` in ``directory``, one graph per reporting year (memory stays bounded by
    a year). Every file is verified and parsed and every country name reconciled (:func:`prepare`) before
    the first year is yielded; ``progress(year, report)`` follows each year; ``skip[year]``: countries
    (IRIs) of that year not to map."""
    loaded, wanted = prepare(directory, years, countries)
    report = Report()
    for ff, root in loaded:
        g = map_file(ff, root, wanted, (skip or {}).get(ff.year, set()), report)
        if progress:
            progress(ff.year, report)
        yield ff.year, g, report


def ingest(
    directory: Path | str,
    years: Iterable[int] = YEARS,
    countries: Iterable[str] = (),
    progress: Callable[[int, Report], None] | None = None,
) -> tuple[Graph, Report]:
    """All of :func:`ingest_years` in one graph (for a few countries or years; the whole series is read
    year by year)."""
    g, report = Graph(), Report()
    for _year, yg, seen in ingest_years(directory, years, countries, progress):
        g += yg
        report = seen
    return g, report


def parse_years(text: str) -> list[int]:
    """``"2014-2022"`` or ``"2019"`` -> the reporting years, which must be known."""
    m = re.fullmatch(r"(\d{4})(?:\s*[-–]\s*(\d{4}))?", text.strip())
    if not m:
        raise InputError(f"--years {text!r}: expected YEAR or FIRST-LAST, e.g. 2014-2022")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if first > last or first not in KNOWN_SHA256 or last not in KNOWN_SHA256:
        raise InputError(f"--years {text!r}: the findings files cover {YEARS[0]}-{YEARS[-1]}")
    return list(range(first, last + 1))


def ntriples_lines(g: Graph) -> list[str]:
    """``g`` as N-Triples lines (no trailing newline), unsorted."""
    return [line for line in g.serialize(format="nt").splitlines() if line.strip()]


def write_ntriples(graphs: Graph | Iterable[Graph], target: Path | str) -> int:
    """Write ``graphs`` (one graph, or one per year) as sorted, deduplicated N-Triples, atomically; return
    the number of triples."""
    from laborkg.atomic import write_atomic

    lines: set[str] = set()
    for g in [graphs] if isinstance(graphs, Graph) else graphs:
        lines.update(ntriples_lines(g))
    write_atomic(target, "\n".join(sorted(lines)) + "\n")
    return len(lines)

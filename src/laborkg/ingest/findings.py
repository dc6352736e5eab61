"""Read USDOL's "Findings on the Worst Forms of Child Labor" XML (reporting years 2014-2022) into
triples, every value citing its file (year, SHA-256), country record, element path and verbatim text."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pycountry
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from laborkg.errors import InputError
from laborkg.namespace import LKC, LKG, LKP, LKR

#: SHA-256 of the nine known files, by reporting year (see /work/shared/findings/README.md).
KNOWN_SHA256: dict[int, str] = {
    2014: "23e24bafeca74cc847e1c7eb5451358a2949829db1590170ce5834c49a22b837",
    2015: "9808de8c1945cb7d8b49e532acde66e8cc8a2d978bc3c44369e34938238b27de",
    2016: "a634884f0e06aac36c3558116afc697019a9d7a57ccde52202c4785f8bd1ce72",
    2017: "68441b28355f6c4ca229170970eeea20139ff30df66467dd6137c113552e4ca1",
    2018: "2c9b45c6a6114910f6481ddc44c931f4c397a22899783f2537ac57781a212281",
    2019: "17c7f5172e534c25f5de36d19c03bb7b28647a96b330b86fe1dc32f7e5756c88",
    2020: "b25d5c123e835c446d5d82f0759b9d6221564f64913191444f4b5a3d3ef4f154",
    2021: "cd59d532fd1ef27051f88da5cdd998ce81a9d522c12635f2ecc7f6dcf1f2b12e",
    2022: "55f343150552be8fe256318a47eef5eef6f9be7e6ae3a63db5173ebbd5a300fc",
}
YEARS = tuple(sorted(KNOWN_SHA256))
_FILE_RE = re.compile(r"countries_(\d{4})\.xml")


def file_name(year: int) -> str:
    """The file name of a reporting year's file."""
    return f"countries_{year}.xml"


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindingsFile:
    """One verified file: its reporting year, SHA-256 and path."""

    year: int
    sha256: str
    path: Path

    @property
    def iri(self) -> URIRef:
        return LKR[f"usdol-findings-xml-{self.year}"]


@dataclass(frozen=True)
class Record:
    """One ``<Country>`` element: its 1-based position in the file and its name as written."""

    file: FindingsFile
    position: int
    name: str

    @property
    def iri(self) -> URIRef:
        return LKR[f"usdol-findings-xml-{self.file.year}-country-{self.position}"]


@dataclass(frozen=True)
class Value:
    """A non-empty element text. ``path`` is relative to the record, every step with its 1-based
    position among same-named siblings (``Goods[1]/Good[3]/Child_Labor[1]``), so that
    ``record_element.find(path)`` finds exactly this element."""

    record: Record
    path: str
    text: str

    @property
    def schema_path(self) -> str:
        """The path without positions, from ``Country`` (the inventory's key)."""
        return "Country/" + re.sub(r"\[\d+\]", "", self.path)

    @property
    def iri(self) -> URIRef:
        step = self.path.replace("/", ".").replace("[", "-").replace("]", "")
        return LKP[f"usdol-findings-{self.record.file.year}-c{self.record.position}-{step}"]


def verify(path: Path | str) -> tuple[FindingsFile, bytes]:
    """Read ``path`` and check its SHA-256 against the known file of its reporting year."""
    path = Path(path)
    m = _FILE_RE.fullmatch(path.name)
    if not m or int(m.group(1)) not in KNOWN_SHA256:
        raise InputError(
            f"{path}: not one of the known findings files (countries_2014.xml … countries_2022.xml)"
        )
    year = int(m.group(1))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != KNOWN_SHA256[year]:
        raise InputError(
            f"{path}: SHA-256 {digest} is not that of the known {year} file ({KNOWN_SHA256[year]}); refused"
        )
    return FindingsFile(year, digest, path), data


def parse_bytes(data: bytes, where: str) -> ET.Element:
    """Parse XML with the standard library, refusing DOCTYPE and ENTITY declarations (no expansion)."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise InputError(f"{where}: DOCTYPE/ENTITY declarations are refused")
    parser = ET.XMLParser()
    try:
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as exc:
        line, col = exc.position
        raise InputError(f"{where}:{line}:{col}: malformed XML: {str(exc).split(':')[0]}") from None
    if root.tag != "Countries":
        raise InputError(f"{where}: root element is <{root.tag}>, expected <Countries>")
    return root


def load(path: Path | str) -> tuple[FindingsFile, ET.Element]:
    """Verify and parse one file."""
    ff, data = verify(path)
    return ff, parse_bytes(data, str(ff.path))


def records(ff: FindingsFile, root: ET.Element) -> Iterator[tuple[Record, ET.Element]]:
    """The file's country records with their elements."""
    for pos, el in enumerate(root.findall("Country"), start=1):
        yield Record(ff, pos, el.findtext("Name") or ""), el


def _walk(el: ET.Element, prefix: str) -> Iterator[tuple[str, ET.Element]]:
    seen: dict[str, int] = defaultdict(int)
    for child in el:
        seen[child.tag] += 1
        path = f"{prefix}{child.tag}[{seen[child.tag]}]"
        yield path, child
        yield from _walk(child, path + "/")


def values(ff: FindingsFile, root: ET.Element) -> Iterator[Value]:
    """Every non-empty element text of every record, verbatim (after XML character decoding)."""
    for rec, el in records(ff, root):
        for path, child in _walk(el, ""):
            if child.text is not None and child.text.strip():
                yield Value(rec, path, child.text)


def read(path: Path | str) -> list[Value]:
    """Verify, parse and list one file's values (nothing is returned if the file is refused)."""
    ff, root = load(path)
    return list(values(ff, root))


def find_files(directory: Path | str, years: Iterable[int] = YEARS) -> list[Path]:
    """The files of ``years`` in ``directory``; a missing one is an InputError."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(f"{directory}: no such directory")
    out = []
    for y in years:
        if y not in KNOWN_SHA256:
            raise InputError(f"reporting year {y} is not one of {YEARS[0]}-{YEARS[-1]}")
        p = directory / file_name(y)
        if not p.is_file():
            raise InputError(f"{p}: missing")
        out.append(p)
    return out


# --------------------------------------------------------------------------------------------
# Values as data
# --------------------------------------------------------------------------------------------

#: Texts that stand for no figure, kept verbatim as explicit states (lkg:valueNote), never as 0.
#: "Unknown*" carries a footnote mark whose note the XML does not include; "MTC" (2017) is unexplained.
STATES = {"N/A", "Not Applicable", "Unknown", "Unknown*", "Unavailable", "MTC", "None"}


@dataclass(frozen=True)
class Parsed:
    """A value as data: a number, a boolean or an explicit state, with a note where it was ambiguous
    or carried more than the figure (a footnote mark, "million"), and ``usd`` when written with "$"."""

    number: Decimal | None = None
    boolean: bool | None = None
    state: str | None = None
    note: str | None = None
    usd: bool = False


_NUMBER = re.compile(
    r"(?P<usd>\$)?\s*(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<million>\s*[Mm]illion)?\s*(?P<mark>[*†‡]+)?"
)


def parse_number(text: str) -> Parsed | None:
    """``"1,234"`` -> 1234, ``"$4.5 million"`` -> 4500000 (exact decimals); a trailing footnote mark
    (*, †, ‡: its note is not in the XML) is noted; states kept; None if not a number or a state."""
    t = text.strip()
    if t in STATES:
        return Parsed(state=t)
    m = _NUMBER.fullmatch(t)
    if not m:
        return None
    n = Decimal(m["n"].replace(",", ""))
    notes = []
    if m["million"]:
        n *= 1_000_000
        notes.append(f"written '{t}'; 'million' multiplied out, the figure is as rounded as written")
    if m["mark"]:
        notes.append(f"footnote mark '{m['mark']}' in the source; the XML does not include its note")
    return Parsed(number=n, note="; ".join(notes) or None, usd=bool(m["usd"]))


def parse_boolean(text: str) -> Parsed | None:
    """``"Yes"``/``"No"`` (any case) -> booleans; states kept; None otherwise (a number is not read
    as a boolean)."""
    t = text.strip()
    if t in STATES:
        return Parsed(state=t)
    return {"yes": Parsed(boolean=True), "no": Parsed(boolean=False)}.get(t.lower())


def parse_percent(text: str, year: int) -> Parsed | None:
    """A percentage, on one scale (percent). 2014-2015 write percents ("99.3"); from 2016 on values
    are fractions ("0.609" -> 60.9) except the few written as percents (>= 2, kept as written, with
    a note); "1" and other values in [1, 2) from 2016 on are read as fractions (a completion rate
    may exceed 100 percent) and the reading is noted when the text is exactly "1"."""
    p = parse_number(text.rstrip().rstrip("%"))
    if p is None or p.number is None:
        return p
    if p.usd or "million" in (p.note or ""):
        return None
    n, notes = p.number, [p.note] if p.note else []
    if year <= 2015 or text.strip().endswith("%"):
        pct = n
    elif n >= 2:
        pct = n
        notes.append(f"'{text.strip()}' is written as a percent among fractions; kept as written")
    else:
        pct = n * 100
        if n == 1:
            notes.append("'1' is ambiguous (1 percent or the fraction 1); read as the fraction 1")
    return Parsed(number=pct, note="; ".join(notes) or None)


# --------------------------------------------------------------------------------------------
# Countries
# --------------------------------------------------------------------------------------------

#: Spellings USDOL used in some years -> the one name an entity is minted from (its latest spelling,
#: except Turkey, whose 2022 name adds "(Türkiye)" and is kept as an alternative label).
ALIASES: dict[str, str] = {
    "Gambia": "The Gambia",
    "Gambia, The": "The Gambia",
    "Swaziland": "Eswatini",
    "Macedonia": "North Macedonia",
    "Moldova, Republic of": "Moldova",
    "Saint Helena, Ascensión, and Tristán da Cunha": "Saint Helena, Ascension, and Tristan da Cunha",
    "West Bank & Gaza Strip": "West Bank and the Gaza Strip",
    "Turkey (Türkiye)": "Turkey",
}

#: Canonical names pycountry does not find by name -> ISO 3166-1 alpha-2; None: no ISO 3166-1 code.
ISO_OVERRIDES: dict[str, str | None] = {
    "Burma": "MM",
    "British Indian Ocean Territories": "IO",
    "Congo, Democratic Republic of the": "CD",
    "Congo, Republic of the": "CG",
    "Falkland Islands (Islas Malvinas)": "FK",
    "The Gambia": "GM",
    "Heard and McDonald Islands": "HM",
    "Kosovo": None,  # not in ISO 3166-1 (XK is a user-assigned code)
    "Pitcairn Islands": "PN",
    "Russia": "RU",
    "Saint Helena, Ascension, and Tristan da Cunha": "SH",
    "São Tomé and Príncipe": "ST",
    "Turkey": "TR",
    "West Bank and the Gaza Strip": "PS",  # ISO 3166-1 PS covers the West Bank and the Gaza Strip
}


def slug(text: str) -> str:
    """ASCII lower-case words joined by hyphens ("Côte d'Ivoire" -> "cote-d-ivoire")."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")


@dataclass(frozen=True)
class Country:
    """A reconciled country or territory: one IRI across years and spellings."""

    name: str
    alpha2: str | None
    alpha3: str | None

    @property
    def iri(self) -> URIRef:
        return LKR[slug(self.name)]


def reconcile(name: str) -> Country:
    """The entity a USDOL spelling names, with ISO 3166-1 codes from pycountry where one exists."""
    canonical = ALIASES.get(" ".join(name.split()), " ".join(name.split()))
    if canonical in ISO_OVERRIDES:
        code = ISO_OVERRIDES[canonical]
        c = pycountry.countries.get(alpha_2=code) if code else None
    else:
        try:
            c = pycountry.countries.lookup(canonical)
        except LookupError:
            raise InputError(
                f"country {name!r}: not reconciled (add it to ALIASES or ISO_OVERRIDES)"
            ) from None
    return Country(canonical, c.alpha_2 if c else None, c.alpha_3 if c else None)


# --------------------------------------------------------------------------------------------
# Mapping: element paths -> the ontology
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What an element's value becomes: ``kind`` is one of profile (a property of the country-year
    profile), entity (the country), good (a good's flag), and number/count/boolean/percent (an
    observation of ``indicator``)."""

    kind: str
    target: str
    label: str = ""


_E = "Country/Enforcements/"
_S = "Country/Country_Statistics/"

MAPPED: dict[str, Target] = {
    "Country/Name": Target("entity", "rdfs:label / skos:altLabel of the reconciled country"),
    "Country/Region": Target("profile", "lkg:usdolRegion"),
    "Country/Advancement_Level": Target("profile", "lkg:advancementLevel"),
    "Country/Description": Target("profile", "lkg:description"),
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
}
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

_STATS = {
    "Children_Work_Statistics/Total_Percentage_of_Working_Children": ("working-children-percent", "percent"),
    "Children_Work_Statistics/Total_Working_Population": ("working-children-population", "count"),
    "Education_Statistics_Attendance_Statistics/Percentage": ("attending-school", "percent"),
    "Children_Working_and_Studying_7-14_yrs_old/Total": ("combining-work-and-school", "percent"),
    "UNESCO_Primary_Completion_Rate/Rate": ("primary-completion-rate", "percent"),
}
for _el, (_ind, _kind) in _STATS.items():
    MAPPED[_S + _el] = Target(_kind, f"indicator-{_ind}", "")
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
    "Country/Webpage": "a link, not a finding; to map with the report documents (next issue)",
    "Country/ISO2": "USDOL's own codes, not all ISO 3166 (BU, KV, KS, WB); pycountry gives the codes",
    "Country/ISO3": "USDOL's own codes, not all ISO 3166 (BUR, KVR, KSO, WBG); pycountry gives the codes",
    "Country/Multiple_Territories": "territory-level figures are not mapped yet (see Territory)",
    "Country/Automatic_Downgrade": "2016-2017 only; meaning to be checked against the reports",
    "Country/Goods/Good/Derived_": (
        "2021-2022 derived-labor flags; meaning to be checked against the List of Goods"
    ),
    "Country/Legal_Standards": "legal standards (ages, conformity): next step of the issue",
    "Country/Master_Data/Minimum_Age": "2014 legal standards: next step of the issue",
    "Country/Master_Data/Compulsory_Education": "2014 legal standards: next step of the issue",
    "Country/Master_Data/Free_Public_Education": "2014 legal standards: next step of the issue",
    "Country/Mechanisms": "coordination mechanisms, policies and programs: next step of the issue",
    "Country/Suggested_Actions": "suggested actions: next step of the issue",
    "Country/ILAB_Projects": "ILAB projects (titles, links with stray spaces): next step of the issue",
    "Country/Country_Statistics/Children_Work_Statistics/Agriculture": (
        "sector shares of working children: dimension (sector) to be modelled with the statistics"
    ),
    "Country/Country_Statistics/Children_Work_Statistics/Industry": (
        "sector shares of working children: dimension (sector) to be modelled with the statistics"
    ),
    "Country/Country_Statistics/Children_Work_Statistics/Services": (
        "sector shares of working children: dimension (sector) to be modelled with the statistics"
    ),
    "Country/Country_Statistics": "empty container",
    "Country/Enforcements": "per-territory enforcement figures: territory entities not modelled yet",
    "Country/Conventions": "empty container (2016-2017)",
    "Country/Master_Data": "empty container (2014)",
    "Country/Goods": "empty container",
}


def status(schema_path: str) -> tuple[bool, str]:
    """(mapped, target or reason) for a schema path; unknown paths raise InputError."""
    if schema_path in MAPPED:
        t = MAPPED[schema_path]
        return True, t.target if t.target.startswith(("lkg:", "rdfs:")) else f"{t.kind}: lkr:{t.target}"
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
            for path, child in _walk(el, ""):
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
    ff, rec = v.record.file, v.record
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
}


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
        elif t.kind == "entity":
            ok = True
        elif t.kind == "profile":
            prop = _PROFILE_PROPERTIES[t.target]
            text = " ".join(v.text.split())
            g.add((profile, prop, Literal(text, lang="en") if prop == LKG.description else Literal(text)))
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
            obs = LKR[f"obs-usdol-findings-{year}-{slug(country.name)}-{t.target[10:]}{suffix}"]
            ok = _observation(g, obs, t, country, v)
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


def ingest(
    directory: Path | str,
    years: Iterable[int] = YEARS,
    countries: Iterable[str] = (),
    progress: Callable[[int, Report], None] | None = None,
) -> tuple[Graph, Report]:
    """Read the files of ``years`` in ``directory`` into a graph. Every file is verified and parsed and
    every country name reconciled before anything is mapped; ``progress(year, report)`` follows each year.
    A name in ``countries`` that names nothing in the files is an InputError."""
    wanted = {reconcile(n).iri: n for n in countries}
    loaded = [load(p) for p in find_files(directory, years)]
    seen = {reconcile(rec.name).iri for ff, root in loaded for rec, _ in records(ff, root)}
    for iri, name in wanted.items():
        if iri not in seen:
            raise InputError(f"country {name!r}: no record in the files read")
    g, report = Graph(), Report()
    for ff, root in loaded:
        by_record: dict[Record, list[Value]] = defaultdict(list)
        for v in values(ff, root):
            by_record[v.record].append(v)
        for rec, vals in by_record.items():
            if wanted and reconcile(rec.name).iri not in wanted:
                continue
            map_record(g, rec, vals, report)
        if progress:
            progress(ff.year, report)
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


def write_ntriples(g: Graph, target: Path | str) -> int:
    """Write ``g`` as sorted N-Triples, atomically; return the number of triples."""
    from laborkg.atomic import write_atomic

    lines = sorted(line for line in g.serialize(format="nt").splitlines() if line.strip())
    write_atomic(target, "\n".join(lines) + "\n")
    return len(lines)

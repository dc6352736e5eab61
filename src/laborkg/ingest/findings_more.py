"""Findings elements read as groups: legal standards, suggested actions, ILAB projects, per-territory figures
and derived-labor goods, each group one node citing every element it was read from (docs/findings.md)."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from laborkg.ingest.countries import Country, reconcile, slug
from laborkg.ingest.literals import STATES
from laborkg.ingest.usdol_xml import Value
from laborkg.namespace import LKG, LKR

# --------------------------------------------------------------------------------------------
# Mapping tables
# --------------------------------------------------------------------------------------------

#: Legal_Standards/<element> -> (seed 002's standard type, its label). All twelve types are curated in
#: data/usdol-2022-prevalence-laws.ttl; the XML's element names keep USDOL's spelling ("Minumum").
STANDARD_TYPES: dict[str, tuple[str, str]] = {
    "Minimum_Work": ("minimum-age-for-work", "Minimum Age for Work"),
    "Minimum_Hazardous_Work": ("minimum-age-for-hazardous-work", "Minimum Age for Hazardous Work"),
    "Types_Hazardous_Work": (
        "identification-of-hazardous-occupations",
        "Identification of Hazardous Occupations or Activities Prohibited for Children",
    ),
    "Prohibition_Forced_Labor": ("prohibition-of-forced-labor", "Prohibition of Forced Labor"),
    "Prohibition_Child_Trafficking": ("prohibition-of-child-trafficking", "Prohibition of Child Trafficking"),
    "Prohibition_CSEC": (
        "prohibition-of-commercial-sexual-exploitation-of-children",
        "Prohibition of Commercial Sexual Exploitation of Children",
    ),
    "Prohibition_Illicit_Activities": (
        "prohibition-of-using-children-in-illicit-activities",
        "Prohibition of Using Children in Illicit Activities",
    ),
    "Minimum_Compulsory_Military": (
        "prohibition-of-compulsory-recruitment-of-children-by-state-military",
        "Prohibition of Compulsory Recruitment of Children by (State) Military",
    ),
    "Minumum_Voluntary_Military": (
        "minimum-age-for-voluntary-state-military-recruitment",
        "Minimum Age for Voluntary State Military Recruitment",
    ),
    "Minumum_Non_State_Military": (
        "prohibition-of-military-recruitment-by-non-state-armed-groups",
        "Prohibition of Military Recruitment by Non-state Armed Groups",
    ),
    "Compulsory_Education": ("compulsory-education-age", "Compulsory Education Age"),
    "Free_Public_Education": ("free-public-education", "Free Public Education"),
}

#: 2014's Master_Data elements of the legal standards -> (Legal_Standards element, what the value is).
MASTER_DATA_STANDARDS: dict[str, tuple[str, str]] = {
    "Minimum_Age_for_Work": ("Minimum_Work", "Age"),
    "Minimum_Age_for_Work_Estabslished": ("Minimum_Work", "Established"),
    "Minimum_Age_for_Hazardous_Work": ("Minimum_Hazardous_Work", "Age"),
    "Minimum_Age_for_Hazardous_Work_Estabslished": ("Minimum_Hazardous_Work", "Established"),
    "Minimum_Age_for_Compulsory_Education": ("Compulsory_Education", "Age"),
    "Compulsory_Education_Age_Established": ("Compulsory_Education", "Established"),
    "Free_Public_Education_Estabslished": ("Free_Public_Education", "Established"),
}

#: Suggested_Actions/<area> -> seed 002's action area. "Laws" and "Policies" (2014) are read as USDOL's
#: Sweat & Toil app reads them: as Legal Framework and Government Policies.
ACTION_AREAS: dict[str, str] = {
    "Legal_Framework": "legal-framework",
    "Laws": "legal-framework",
    "Enforcement": "enforcement",
    "Coordination": "coordination",
    "Government_Policies": "government-policies",
    "Policies": "government-policies",
    "Social_Programs": "social-programs",
}
_AREA_LABELS = {
    "legal-framework": "Legal Framework",
    "enforcement": "Enforcement",
    "coordination": "Coordination",
    "government-policies": "Government Policies",
    "social-programs": "Social Programs",
}

_S = "Country/Legal_Standards/"
_STANDARD_LEAVES = {
    "Standard": (
        "lkg:LegalStandard: lkg:standardEstablished (2015); 2016-2022 the table's 'meets international "
        "standards' column, lkg:meetsInternationalStandards with Conforms_To_Intl_Standard"
    ),
    "Age": "lkg:LegalStandard: lkg:minimumAge (whole years) or lkg:valueNote (as written)",
    "Calculated_Age": "lkg:LegalStandard: lkg:ageCalculated",
    "Conforms_To_Intl_Standard": "lkg:LegalStandard: lkg:meetsInternationalStandards",
}

#: Element paths read in groups: path -> (kind, what it becomes). findings.MAPPED takes them in.
TARGETS: dict[str, tuple[str, str]] = {}
for _el in STANDARD_TYPES:
    for _part, _what in _STANDARD_LEAVES.items():
        TARGETS[f"{_S}{_el}/{_part}"] = ("standard", _what)
        TARGETS[f"{_S}{_el}/Territory/{_part}"] = ("standard", _what + ", per territory")
    TARGETS[f"{_S}{_el}/Territory/Territory_Name"] = ("standard", "lkg:territoryName of the legal standard")
    TARGETS[f"{_S}{_el}/Territory/Territory_Display_Name"] = (
        "standard",
        "lkg:LegalStandard (cited; rdfs:comment where it differs from Territory_Name)",
    )
for _el, (_std, _what) in MASTER_DATA_STANDARDS.items():
    TARGETS[f"Country/Master_Data/{_el}"] = (
        "standard",
        "lkg:LegalStandard: "
        + ("lkg:minimumAge (whole years) or lkg:valueNote" if _what == "Age" else "lkg:standardEstablished"),
    )
for _area in ACTION_AREAS:
    TARGETS[f"Country/Suggested_Actions/{_area}/Action/Name"] = (
        "action",
        "lkg:SuggestedAction: lkg:actionText, lkg:yearSuggested (the reporting year)",
    )
    TARGETS[f"Country/Suggested_Actions/{_area}/Action/Years"] = (
        "action",
        "lkg:yearSuggested of the suggested action (one per year of the span)",
    )
TARGETS["Country/ILAB_Projects/Project/Title"] = (
    "project",
    "lkg:TechnicalAssistanceProject rdfs:label / skos:altLabel; lkg:ProjectListing lkg:projectTitle",
)
TARGETS["Country/ILAB_Projects/Project/Link"] = (
    "project",
    "lkg:webpage of the lkg:TechnicalAssistanceProject (spaces removed)",
)
TARGETS["Country/Goods/Good/Derived_Country"] = (
    "derived",
    "lkg:inputCountry of the good's derived-labor observation ('No': none)",
)

_GROUPED = (
    _S,
    "Country/Master_Data/Minimum_Age",
    "Country/Master_Data/Compulsory_Education",
    "Country/Master_Data/Free_Public_Education",
    "Country/Suggested_Actions/",
    "Country/ILAB_Projects/",
    "Country/Goods/Good/Derived_",
)


def grouped(schema_path: str) -> bool:
    """Whether the element is read with others of its group (by this module), not on its own."""
    return schema_path.startswith(_GROUPED) or (
        schema_path.startswith("Country/Enforcements/") and "/Territory/" in schema_path
    )


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------

_MARKS = "*†‡"
_WHOLE = re.compile(r"\d{1,2}(?:\.0)?")
_SPAN = r"(\d{4})\s*(?:[-–—]+\s*(\d{4}))?"
_SPANS = re.compile(rf"{_SPAN}(?:[\s,;]+{_SPAN})*")


def split_mark(text: str) -> tuple[str, str]:
    """``"18‡"`` -> ("18", "‡"): a trailing footnote mark (its note is not in the XML) read off."""
    t = text.strip()
    core = t.rstrip(_MARKS).rstrip()
    return core, t[len(core) :].strip()


def yes_no(text: str) -> bool | None:
    """Yes/No (any case, a footnote mark read off) -> a boolean; anything else (N/A, Unknown) -> None."""
    return {"yes": True, "no": False}.get(split_mark(text)[0].lower())


def parse_age(text: str) -> tuple[int | None, str | None, list[str]]:
    """(whole years, the text kept as a value note, notes). ``"15"``, ``"15.0"`` -> 15; ``"18‡"`` -> 18 with
    a note; ``"N/A"``, ``"None"``, ``"17.5"``, ``"15/16"`` -> no age, the text as written (never 0)."""
    t = text.strip()
    core, mark = split_mark(t)
    notes = [f"age written '{t}': footnote mark '{mark}' in the source; the XML does not include its note"]
    notes = notes if mark else []
    if _WHOLE.fullmatch(core):
        return int(core.split(".")[0]), None, notes
    if core not in STATES and any(ch.isdigit() for ch in core):
        notes.append(f"age written '{t}': not one whole number of years; kept as written (lkg:valueNote)")
    return None, t, notes


def year_span(text: str) -> list[int] | None:
    """``"2009 – 2014"`` -> 2009…2014; ``"2014"`` -> [2014]; ``"2009, 2011 – 2014"`` -> 2009, 2011…2014;
    None if the text is not years and spans of years."""
    if not _SPANS.fullmatch(text.strip()):
        return None
    years: set[int] = set()
    for a, b in re.findall(_SPAN, text):
        first, last = int(a), int(b or a)
        if not first <= last <= first + 30:
            return None
        years.update(range(first, last + 1))
    return sorted(years)


def canonical_title(title: str) -> str:
    """A project title without its parenthesised parts ("(GAP)", "(TECL II)"), which USDOL wrote in some
    years and not in others, spaces collapsed: the same project's one label across years."""
    t = re.sub(r"\s*\([^()]*\)", "", title)
    return re.sub(r"\s+([,.;:])", r"\1", " ".join(t.split()))


def _digest(text: str, n: int = 12) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


def _year(y: int) -> Literal:
    return Literal(str(y), datatype=XSD.gYear)


def _leaf(path: str) -> str:
    return re.sub(r"\[\d+\]$", "", path.rsplit("/", 1)[-1])


# --------------------------------------------------------------------------------------------
# Groups
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """One record being mapped: the graph, its country and year, all its values, ``cite(value)`` (the
    value's lkg:ElementValue) and ``observe(node, value)`` (an observation of the value's MAPPED target;
    False if the text is not a value of its kind)."""

    g: Graph
    country: Country
    year: int
    vals: list[Value]
    cite: Callable[[Value], URIRef]
    observe: Callable[[URIRef, Value], bool]

    @property
    def cslug(self) -> str:
        return slug(self.country.name)


def map_groups(ctx: Context, vals: Iterable[Value]) -> dict[str, bool]:
    """Map the grouped values of one record; value path -> mapped (True) or unreadable (False)."""
    families: dict[str, list[Value]] = defaultdict(list)
    for v in vals:
        sp = v.schema_path
        if sp.startswith(_S):
            families["standards"].append(v)
        elif sp.startswith("Country/Master_Data/"):
            families["master"].append(v)
        elif sp.startswith("Country/Suggested_Actions/"):
            families["actions"].append(v)
        elif sp.startswith("Country/ILAB_Projects/"):
            families["projects"].append(v)
        elif sp.startswith("Country/Goods/"):
            families["derived"].append(v)
        else:
            families["territories"].append(v)
    out: dict[str, bool] = {}
    out.update(_standards(ctx, families["standards"]))
    out.update(_master_data(ctx, families["master"]))
    out.update(_actions(ctx, families["actions"]))
    out.update(_projects(ctx, families["projects"]))
    out.update(_derived(ctx, families["derived"]))
    out.update(_territory_figures(ctx, families["territories"]))
    return out


def _by_parent(vals: Iterable[Value]) -> dict[str, dict[str, Value]]:
    groups: dict[str, dict[str, Value]] = defaultdict(dict)
    for v in vals:
        groups[v.path.rsplit("/", 1)[0]][_leaf(v.path)] = v
    return groups


class _Minted:
    """IRIs minted in one record: a second node of the same name gets the group's positions appended."""

    def __init__(self) -> None:
        self.seen: set[URIRef] = set()

    def __call__(self, name: str, group: str) -> URIRef:
        iri = LKR[name]
        if iri in self.seen:
            iri = LKR[name + "-" + "-".join(re.findall(r"\[(\d+)\]", group))]
        self.seen.add(iri)
        return iri


def _standard_node(ctx: Context, iri: URIRef, element: str, territory: str | None, age: int | None) -> URIRef:
    g = ctx.g
    type_slug, type_label = STANDARD_TYPES[element]
    label = f"{ctx.country.name}: {type_label}" + (f" ({age})" if age is not None else "")
    label += (f", {territory}" if territory else "") + f" (USDOL findings {ctx.year})"
    g.add((iri, RDF.type, LKG.LegalStandard))
    g.add((iri, RDFS.label, Literal(label, lang="en")))
    g.add((iri, LKG.standardType, LKR[f"standard-type-{type_slug}"]))
    g.add((iri, LKG.appliesIn, ctx.country.iri))
    g.add((iri, LKG.reportingYear, _year(ctx.year)))
    if territory:
        g.add((iri, LKG.territoryName, Literal(territory)))
    return iri


def _age_triples(ctx: Context, iri: URIRef, v: Value | None, notes: list[str]) -> None:
    if v is None:
        return
    age, note, age_notes = parse_age(v.text)
    if age is not None:
        ctx.g.add((iri, LKG.minimumAge, Literal(age)))
    else:
        ctx.g.add((iri, LKG.valueNote, Literal(note)))
    notes.extend(age_notes)


def _standards(ctx: Context, vals: list[Value]) -> dict[str, bool]:
    """Legal_Standards/<element>[/Territory]: one lkg:LegalStandard per standard (and territory)."""
    out: dict[str, bool] = {}
    minted = _Minted()
    for group, leaves in _by_parent(vals).items():
        element = re.sub(r"\[\d+\]$", "", group.split("/")[1])
        name_v = leaves.get("Territory_Name") or leaves.get("Territory_Display_Name")
        territory = " ".join(name_v.text.split()) if name_v else None
        age = parse_age(leaves["Age"].text)[0] if "Age" in leaves else None
        name = f"usdol-findings-{ctx.year}-{ctx.cslug}-standard-{STANDARD_TYPES[element][0]}"
        name += f"-territory-{slug(territory)}" if territory else ""
        iri = _standard_node(ctx, minted(name, group), element, territory, age)
        notes: list[str] = []
        display = leaves.get("Territory_Display_Name")
        if territory and display and " ".join(display.text.split()) != territory:
            notes.append(f"territory displayed as '{' '.join(display.text.split())}'")
        _age_triples(ctx, iri, leaves.get("Age"), notes)
        if "Calculated_Age" in leaves:
            calc = yes_no(leaves["Calculated_Age"].text)
            if calc is None:
                notes.append(f"Calculated_Age written '{leaves['Calculated_Age'].text.strip()}'")
            else:
                ctx.g.add((iri, LKG.ageCalculated, Literal(calc)))
        _conformity(ctx, iri, leaves.get("Standard"), leaves.get("Conforms_To_Intl_Standard"), notes)
        if notes:
            ctx.g.add((iri, RDFS.comment, Literal("; ".join(notes), lang="en")))
        for v in leaves.values():
            ctx.g.add((iri, LKG.source, ctx.cite(v)))
            out[v.path] = True
    return out


def _conformity(
    ctx: Context, iri: URIRef, standard: Value | None, conforms: Value | None, notes: list[str]
) -> None:
    """2015: Standard says whether the law establishes the standard, Conforms_To_Intl_Standard whether it
    meets international standards. 2016-2022 both give the table's "meets international standards" (they
    agree in all but a few records): one value from both; where one is a state (N/A) the other's answer;
    where they disagree, none, and a note."""
    s = yes_no(standard.text) if standard else None
    c = yes_no(conforms.text) if conforms else None
    for v, b in ((standard, s), (conforms, c)):
        if v is not None and (b is None or split_mark(v.text)[1]):
            notes.append(f"{_leaf(v.path)} written '{v.text.strip()}'")
    if ctx.year <= 2015:
        if s is not None:
            ctx.g.add((iri, LKG.standardEstablished, Literal(s)))
        if c is not None:
            ctx.g.add((iri, LKG.meetsInternationalStandards, Literal(c)))
        return
    if s is not None and c is not None and s != c:
        notes.append("Standard and Conforms_To_Intl_Standard disagree: no yes/no is given")
        return
    meets = c if c is not None else s
    if meets is not None:
        ctx.g.add((iri, LKG.meetsInternationalStandards, Literal(meets)))


def _master_data(ctx: Context, vals: list[Value]) -> dict[str, bool]:
    """2014: Minimum_Age_for_Work (age) and Minimum_Age_for_Work_Estabslished (established) …: one
    lkg:LegalStandard per standard; 2014 has no judgement of international standards."""
    out: dict[str, bool] = {}
    by_standard: dict[str, dict[str, Value]] = defaultdict(dict)
    for v in vals:
        element, what = MASTER_DATA_STANDARDS[_leaf(v.path)]
        by_standard[element][what] = v
    for element, leaves in by_standard.items():
        age = parse_age(leaves["Age"].text)[0] if "Age" in leaves else None
        iri = LKR[f"usdol-findings-{ctx.year}-{ctx.cslug}-standard-{STANDARD_TYPES[element][0]}"]
        _standard_node(ctx, iri, element, None, age)
        notes: list[str] = []
        _age_triples(ctx, iri, leaves.get("Age"), notes)
        if "Established" in leaves:
            established = leaves["Established"]
            est = yes_no(established.text)
            if est is None:
                notes.append(f"{_leaf(established.path)} written '{established.text.strip()}'")
            else:
                ctx.g.add((iri, LKG.standardEstablished, Literal(est)))
        if notes:
            ctx.g.add((iri, RDFS.comment, Literal("; ".join(notes), lang="en")))
        for v in leaves.values():
            ctx.g.add((iri, LKG.source, ctx.cite(v)))
            out[v.path] = True
    return out


def suggested_action_iri(country: Country, area: str, text: str) -> URIRef:
    """One node per (country, area, text as written, spaces collapsed) across the reporting years."""
    return LKR[f"suggested-action-{slug(country.name)}-{area}-{_digest(' '.join(text.split()))}"]


def _actions(ctx: Context, vals: list[Value]) -> dict[str, bool]:
    """Suggested_Actions/<area>/Action: one lkg:SuggestedAction per (country, area, text), its years
    accumulating over the reporting years; 2014 gives the years (Years), later files only list the action
    in the year's record."""
    out: dict[str, bool] = {}
    g = ctx.g
    for _action, leaves in _by_parent(vals).items():
        name, years_v = leaves.get("Name"), leaves.get("Years")
        if name is None:
            out.update({v.path: False for v in leaves.values()})
            continue
        area = ACTION_AREAS[name.path.split("/")[1].split("[")[0]]
        text = " ".join(name.text.split())
        iri = suggested_action_iri(ctx.country, area, text)
        years = [ctx.year]
        if years_v is not None:
            span = year_span(years_v.text)
            out[years_v.path] = span is not None
            if span is not None:
                years = span
                g.add((iri, LKG.source, ctx.cite(years_v)))
        short = text if len(text) <= 70 else text[:69].rstrip() + "…"
        g.add((iri, RDF.type, LKG.SuggestedAction))
        label = f"Suggested action for {ctx.country.name} ({_AREA_LABELS[area]}): {short}"
        g.add((iri, RDFS.label, Literal(label, lang="en")))
        g.add((iri, LKG.actionArea, LKR[f"action-area-{area}"]))
        g.add((iri, LKG.actionText, Literal(text, lang="en")))
        for y in years:
            g.add((iri, LKG.yearSuggested, _year(y)))
        g.add((iri, LKG.suggestedBy, LKR.usdol))
        g.add((iri, LKG.addressedTo, ctx.country.iri))
        g.add((iri, LKG.source, ctx.cite(name)))
        out[name.path] = True
    return out


def project_iri(title: str, link: str) -> URIRef:
    """An ILAB project: its link (spaces and scheme removed) with its title without parenthesised parts."""
    canonical = canonical_title(title)
    key = re.sub(r"^https?://", "", link) + "\n" + canonical.casefold()
    stem = slug(canonical)[:48].rstrip("-")
    return LKR[f"ilab-project-{stem}-{_digest(key, 8)}"]


def _projects(ctx: Context, vals: list[Value]) -> dict[str, bool]:
    """ILAB_Projects/Project: the project (lkg:TechnicalAssistanceProject, across countries and years) and
    its listing for the country in the reporting year (lkg:ProjectListing). Afghanistan's 2019 record
    holds three placeholders ("Sample Title, Its a very long sample title…"): refused."""
    out: dict[str, bool] = {}
    g = ctx.g
    for _project, leaves in _by_parent(vals).items():
        title_v, link_v = leaves.get("Title"), leaves.get("Link")
        title = " ".join(title_v.text.split()) if title_v else ""
        if not title or title.startswith("Sample Title"):
            out.update({v.path: False for v in leaves.values()})
            continue
        link = "".join(link_v.text.split()) if link_v else ""
        project = project_iri(title, link)
        canonical = canonical_title(title)
        g.add((project, RDF.type, LKG.TechnicalAssistanceProject))
        g.add((project, RDFS.label, Literal(canonical, lang="en")))
        if title != canonical:
            g.add((project, SKOS.altLabel, Literal(title, lang="en")))
        if link:
            g.add((project, LKG.webpage, Literal(link, datatype=XSD.anyURI)))
        listing = LKR[f"usdol-findings-{ctx.year}-{ctx.cslug}-ilab-project-{str(project)[-8:]}"]
        g.add((listing, RDF.type, LKG.ProjectListing))
        label = f"{ctx.country.name}, {ctx.year}: ILAB project {canonical} (USDOL findings)"
        g.add((listing, RDFS.label, Literal(label, lang="en")))
        g.add((listing, LKG.listedProject, project))
        g.add((listing, LKG.appliesIn, ctx.country.iri))
        g.add((listing, LKG.reportingYear, _year(ctx.year)))
        g.add((listing, LKG.projectTitle, Literal(title, lang="en")))
        for v in leaves.values():
            src = ctx.cite(v)
            g.add((project, LKG.source, src))
            g.add((listing, LKG.source, src))
            out[v.path] = True
    return out


def _derived(ctx: Context, vals: list[Value]) -> dict[str, bool]:
    """Goods/Good/Derived_Labor_Exploitation (2021-2022) and Derived_Country: an observation of the flag
    for the good, with the country the XML names beside it (lkg:inputCountry; "No": none)."""
    out: dict[str, bool] = {}
    g = ctx.g
    for good_path, leaves in _by_parent(vals).items():
        flag, where = leaves.get("Derived_Labor_Exploitation"), leaves.get("Derived_Country")
        name_v = next((w for w in ctx.vals if w.path == good_path + "/Good_Name[1]"), None)
        step = good_path.rsplit("[", 1)[1].rstrip("]")
        name = f"obs-usdol-findings-{ctx.year}-{ctx.cslug}-findings-good-derived-labor-exploitation"
        obs = LKR[f"{name}-{step}"]
        if flag is None or name_v is None or not ctx.observe(obs, flag):
            out.update({v.path: False for v in leaves.values()})
            continue
        g.add((obs, LKG.good, LKR[f"usdol-good-{slug(name_v.text)}"]))
        g.add((obs, LKG.source, ctx.cite(name_v)))
        out[flag.path] = True
        if where is not None:
            src = ctx.cite(where)
            g.add((obs, LKG.source, src))
            if where.text.strip() != "No":
                other = reconcile(where.text)
                g.add((obs, LKG.inputCountry, other.iri))
                # the named country is described even when its own record is not read
                g.add((other.iri, RDF.type, LKG.Country))
                g.add((other.iri, RDFS.label, Literal(other.name, lang="en")))
                g.add((other.iri, LKG.source, src))
            out[where.path] = True
    return out


def _territory_figures(ctx: Context, vals: list[Value]) -> dict[str, bool]:
    """Enforcements/<element>/Territory: the element's observation for one territory (lkg:territoryName, as
    the XML names it: 'Punjab', 'Federal', 'All Territories'), beside the country as lkg:refArea."""
    out: dict[str, bool] = {}
    minted = _Minted()
    for group, leaves in _by_parent(vals).items():
        fig = leaves.get("Enforcement")
        name_v = leaves.get("Territory_Name") or leaves.get("Territory_Display_Name")
        if fig is None or name_v is None:
            out.update({v.path: False for v in leaves.values()})
            continue
        territory = " ".join(name_v.text.split())
        element = slug(group.split("/")[1].split("[")[0])
        name = f"obs-usdol-findings-{ctx.year}-{ctx.cslug}-{element}-territory-{slug(territory)}"
        obs = minted(name, group)
        if not ctx.observe(obs, fig):
            out.update({v.path: False for v in leaves.values()})
            continue
        ctx.g.add((obs, LKG.territoryName, Literal(territory)))
        display = leaves.get("Territory_Display_Name")
        if display is not None and " ".join(display.text.split()) != territory:
            note = f"territory displayed as '{' '.join(display.text.split())}'"
            ctx.g.add((obs, RDFS.comment, Literal(note, lang="en")))
        for v in leaves.values():
            ctx.g.add((obs, LKG.source, ctx.cite(v)))
            out[v.path] = True
    return out


def ratification(
    g: Graph, country: Country, instrument: str, label: str, v: Value, cite: Callable[[Value], URIRef]
) -> URIRef:
    """A 'Yes' of <instrument>_Ratified: the country's lkg:Ratification of the curated instrument, one node
    per (country, instrument) across years, citing each year's element; the XML gives no date."""
    iri = LKR[f"ratification-{slug(country.name)}-{instrument}-usdol-findings"]
    what = label.removeprefix("Ratified ")
    g.add((iri, RDF.type, LKG.Ratification))
    g.add((iri, RDFS.label, Literal(f"{country.name}'s ratification of {what} (USDOL findings)", lang="en")))
    g.add((iri, LKG.ratifyingParty, country.iri))
    g.add((iri, LKG.ratifiedInstrument, LKR[instrument]))
    g.add((iri, LKG.dateNotStated, Literal(True)))
    g.add((iri, LKG.source, cite(v)))
    return iri

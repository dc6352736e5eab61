"""The comparison of a country-year's structured record with a narrative's facts, kind by kind:
assessment, summary, statistics and enforcement figures, ratifications, legal standards, suggested
actions, and what only the structured record holds."""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import QB, RDFS
from rdflib.term import Node

from laborkg.ingest.crosscheck_sources import Curated, Findings
from laborkg.ingest.crosscheck_values import (
    Comparison,
    Row,
    Value,
    agree,
    as_bool,
    fragments,
    gyear,
    label,
    normalise,
    number_counts,
    observed,
    shorten,
    show,
)
from laborkg.namespace import BASE, LKG, LKR

#: Findings indicators whose element, in a reporting year, fills a row of the narrative's tables that seed
#: 002 curates under another indicator: (findings indicator, year) -> (seed indicator, why). Only where the
#: year's file has no element of the seed's own indicator and the report's table has one such row.
CORRESPONDS: dict[tuple[str, int], tuple[str, str]] = {
    ("indicator-findings-labor-inspections", 2022): (
        "indicator-number-of-labor-inspections-at-worksite",
        "the 2022 file has no Labor_Worksite_Inspections element (2015-2021 only), and the 2022 report's "
        "Table 6 has one inspections row, 'Number of Labor Inspections Conducted at Worksite'",
    ),
    ("indicator-findings-labor-new-employee-training", 2022): (
        "indicator-training-for-labor-inspectors-provided",
        "the 2022 file's one training element for labor inspectors (Labor_New_Law_Training and "
        "Labor_Refresher_Courses are 2015-2021 only); the 2022 report's Table 6 has one training row, "
        "'Training for Labor Inspectors Provided'",
    ),
    ("indicator-findings-criminal-new-employee-training", 2022): (
        "indicator-training-for-criminal-investigators-provided",
        "the 2022 file's one training element for criminal investigators (Criminal_New_Law_Training and "
        "Criminal_Refresher_Courses are 2015-2021 only); the 2022 report's Table 7 has one training row, "
        "'Training for Criminal Investigators Provided'",
    ),
}

#: USDOL's assessment levels, as the narrative's heading writes them.
LEVELS = (
    "Significant Advancement",
    "Moderate Advancement",
    "Minimal Advancement",
    "No Advancement",
    "No Assessment",
)

_RATIFIED = "indicator-findings-ratified-"
_TERRITORY = URIRef(BASE + "ontology#territoryName")  # a findings term not every version maps yet


def advancement(cur: Curated, fin: Findings) -> list[Row]:
    """The profile's lkg:advancementLevel against the narrative's heading naming a level."""
    levels = {lv.casefold(): lv for lv in LEVELS}
    seed: dict[str, list[tuple[Node, Node]]] = defaultdict(list)
    for f in cur.facts:
        for p in cur.passages_of(f):
            level = levels.get(" ".join(cur.quote(p).replace("#", " ").split()).casefold())
            if level:
                seed[level].append((f, p))
    xml: list[tuple[Node, str, Node]] = []
    for prof in fin.of_type(LKG.CountryProfile):
        for lit in fin.g.objects(prof, LKG.advancementLevel):
            ev = fin.element(prof, "Advancement_Level")
            if ev is not None:
                xml.append((prof, " ".join(str(lit).split()), ev))
    if not seed and not xml:
        return []
    s_side = None
    if seed:
        pairs = [fp for lv in sorted(seed) for fp in seed[lv]]
        s_side = cur.side(" / ".join(sorted(seed)), [f for f, _ in pairs], dict.fromkeys(p for _, p in pairs))
    x_side = None
    if xml:
        x_side = fin.side(
            " / ".join(sorted({t for _, t, _ in xml})), [p for p, _, _ in xml], [e for *_, e in xml]
        )
    if s_side is None or x_side is None:
        status = "seed-only" if x_side is None else "xml-only"
        return [Row("assessment", "advancement level", status, s_side, x_side)]
    same = {v.casefold() for v in seed} == {t.casefold() for _, t, _ in xml}
    conflicts = () if same else tuple((a, b) for a in s_side.facts for b in x_side.facts)
    return [
        Row("assessment", "advancement level", "agree" if same else "differ", s_side, x_side, "", conflicts)
    ]


def _position_maps(a: str, b: str) -> tuple[list[int], list[int]]:
    """For each position i of ``a``: where a span starting at i starts in ``b``, and where a span ending
    at i (exclusive) ends in ``b``."""
    start, end = [0] * (len(a) + 1), [0] * (len(a) + 1)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        for i in range(i1, i2):
            start[i] = j1 + (i - i1) if tag == "equal" else j1
            end[i + 1] = j1 + (i - i1) + 1 if tag == "equal" else j2
    start[len(a)] = len(b)
    return start, end


def summary(cur: Curated, fin: Findings, seed_text: str) -> list[Row]:
    """The passages curated from the narrative's summary paragraph against the same words of the XML's
    Description (the profile's lkg:description): a sentence whose words differ is a difference, and the
    curated facts stating a figure that the XML's words do not give conflict with the profile."""
    rows: list[Row] = []
    for prof in fin.of_type(LKG.CountryProfile):
        ev = fin.element(prof, "Description")
        if ev is None:
            continue
        desc = normalise(str(fin.g.value(ev, LKG.quote)))
        paragraphs = [normalise(line) for line in seed_text.splitlines() if line.strip()]
        # the closest of the paragraphs whose characters could match (quick_ratio bounds ratio from above)
        likely = sorted(paragraphs, key=lambda p: -difflib.SequenceMatcher(None, p, desc).quick_ratio())[:5]
        para = max(likely, key=lambda p: difflib.SequenceMatcher(None, p, desc, autojunk=False).ratio())
        if difflib.SequenceMatcher(None, para, desc, autojunk=False).ratio() < 0.8:
            continue  # the narrative has no paragraph like the XML's description
        start, end = _position_maps(para, desc)
        fin.used.add(ev)
        located = []
        for p in cur.passages:
            q = normalise(cur.quote(p))
            at = para.find(q) if q else -1
            if at >= 0 and [f for f in cur.facts if (f, LKG.source, p) in cur.g]:
                located.append((at, p, q))
        for at, p, q in sorted(located, key=lambda t: (t[0], str(t[1]))):
            said = [f for f in sorted(cur.facts, key=str) if (f, LKG.source, p) in cur.g]
            xml_words = desc[start[at] : end[at + len(q)]].strip()
            what = f"{_sentences(para, at, at + len(q))}: {shorten(q, 48)}"
            same = q == xml_words
            note = ""
            raw = " ".join(cur.quote(p).split())
            if same and raw not in " ".join(str(fin.g.value(ev, LKG.quote)).split()):
                note = "the same words; the typography differs (quotes, apostrophes or spacing)"
            if same:
                s_val, x_val = shorten(q, 60), shorten(xml_words, 60)
            else:
                s_val, x_val = fragments(q, xml_words)
            seed_side = replace(cur.side(s_val, said, [p]), words=q)
            xml_side = replace(fin.side(x_val, [prof], [ev]), words=xml_words)
            conflicts: tuple = ()
            if not same:
                gone = number_counts(q) - number_counts(xml_words)
                stating = [f for f in said if _states_number(cur.g, f, gone)]
                if not stating:
                    stating = [f for f in said if _states_words(cur.g, f, s_val)]
                conflicts = tuple((f, prof) for f in stating)
                note = (
                    "curated facts stating what the XML's words do not: "
                    + ", ".join("lkr:" + str(f).rsplit("/", 1)[-1] for f in stating)
                    if stating
                    else "no curated fact states the differing words as a value"
                )
            rows.append(
                Row("summary", what, "agree" if same else "differ", seed_side, xml_side, note, conflicts)
            )
    return rows


def _sentences(paragraph: str, start: int, end: int) -> str:
    """``sentence 3`` or ``sentences 1-2``: the sentences of ``paragraph`` the span [start, end) covers."""
    bounds = [0] + [m.end() for m in re.finditer(r"(?<=\.) (?=[A-Z])", paragraph)] + [len(paragraph) + 1]
    covered = [i + 1 for i in range(len(bounds) - 1) if bounds[i] < end and start < bounds[i + 1]]
    if len(covered) == 1:
        return f"sentence {covered[0]}"
    return f"sentences {covered[0]}-{covered[-1]}"


def _states_number(g: Graph, fact: Node, numbers: Counter) -> bool:
    for prop in (LKG.value, LKG.quantityMin, LKG.quantityMax):
        for v in g.objects(fact, prop):
            try:
                if Decimal(str(v)) in numbers:
                    return True
            except InvalidOperation:
                continue
    return False


def _states_words(g: Graph, fact: Node, words: str) -> bool:
    parts = [w for w in words.split(" … ") if w and w != "(nothing)"]
    return bool(parts) and any(
        all(normalise(w) in normalise(str(o)) for w in parts)
        for p, o in g.predicate_objects(fact)
        if isinstance(o, Literal) and p not in (RDFS.label, RDFS.comment)
    )


def observations(cur: Curated, fin: Findings, country: Node, year: int) -> tuple[list[Row], int]:
    """The record's observations (figures, Yes/No, explicit states) against the observations of the
    narrative's tables (qb:dataSet) for the same indicator: of the same year where the XML gives one (its
    enforcement figures), else of any year (its statistics, whose data year the XML does not give)."""
    g, fg = cur.g, fin.g
    table = [
        o
        for o in cur.of_type(LKG.Observation)
        if g.value(o, QB.dataSet) is not None and g.value(o, LKG.refArea) == country
    ]
    xml_obs = [o for o in fin.of_type(LKG.Observation) if fg.value(o, LKG.good) is None]
    xml_obs = [
        o for o in xml_obs if not str(fg.value(o, LKG.indicator)).rsplit("/", 1)[-1].startswith(_RATIFIED)
    ]
    xml_obs = [o for o in xml_obs if fg.value(o, _TERRITORY) is None]
    undated = {fg.value(o, LKG.indicator) for o in xml_obs if fg.value(o, LKG.refYear) is None}
    in_scope = [
        o for o in table if g.value(o, LKG.refYear) == gyear(year) or g.value(o, LKG.indicator) in undated
    ]
    skipped = len(table) - len(in_scope)
    matched: set[Node] = set()
    rows: list[Row] = []
    labels = (g, fg)
    for o in xml_obs:
        ind = fg.value(o, LKG.indicator)
        local = str(ind).rsplit("/", 1)[-1]
        seed_ind, why = ind, ""
        if (local, year) in CORRESPONDS:
            seed_local, reason = CORRESPONDS[(local, year)]
            seed_ind, why = LKR[seed_local], f"matched by a declared correspondence: {reason}"
        ref = fg.value(o, LKG.refYear)
        cands = [
            c
            for c in in_scope
            if g.value(c, LKG.indicator) == seed_ind and (ref is None or g.value(c, LKG.refYear) == ref)
        ]
        ev = fin.values_of(o)
        x = observed(fg, o)
        xml_side = fin.side(show(x), [o], ev)
        kind = "enforcement" if ref is not None else "statistics"
        what = label(labels, seed_ind) + (f", {ref}" if ref is not None else "")
        if not cands:
            rows.append(
                Row(
                    kind,
                    label(labels, ind) + (f", {ref}" if ref is not None else ""),
                    "xml-only",
                    None,
                    xml_side,
                )
            )
            continue
        for c in cands:
            matched.add(c)
            s = observed(g, c)
            same, notes = agree(s, x)
            if ref is None and g.value(c, LKG.refYear) is not None:
                notes.append(f"data year: seed 002 {g.value(c, LKG.refYear)}; the XML gives none")
            if why:
                notes.append(why)
            seed_side = cur.side(show(s), [c], match=show(s))
            conflicts = () if same else ((c, o),)
            rows.append(
                Row(
                    kind,
                    what,
                    "agree" if same else "differ",
                    seed_side,
                    xml_side,
                    "; ".join(notes),
                    conflicts,
                )
            )
    for c in in_scope:
        if c not in matched:
            ref = g.value(c, LKG.refYear)
            kind = "enforcement" if g.value(c, LKG.indicator) not in undated else "statistics"
            what = label(labels, g.value(c, LKG.indicator)) + (f", {ref}" if ref is not None else "")
            rows.append(
                Row(
                    kind,
                    what,
                    "seed-only",
                    cur.side(show(observed(g, c)), [c], match=show(observed(g, c))),
                    None,
                )
            )
    return rows, skipped


def ratifications(cur: Curated, fin: Findings, country: Node) -> list[Row]:
    """The record's <instrument>_Ratified (an observation of lkr:indicator-findings-ratified-X, and a
    lkg:Ratification where it is mapped as one) against the narrative's ratifications of X."""
    g, fg = cur.g, fin.g
    seed: dict[Node | None, list[Node]] = defaultdict(list)
    for r in cur.of_type(LKG.Ratification):
        if g.value(r, LKG.ratifyingParty) == country:
            seed[g.value(r, LKG.ratifiedInstrument)].append(r)
    xml_obs: dict[Node | None, list[Node]] = defaultdict(list)
    for o in fin.of_type(LKG.Observation):
        local = str(fg.value(o, LKG.indicator)).rsplit("/", 1)[-1]
        if local.startswith(_RATIFIED):
            xml_obs[LKR[local[len(_RATIFIED) :]]].append(o)
    xml_rat: dict[Node | None, list[Node]] = defaultdict(list)
    for r in fin.of_type(LKG.Ratification):
        if fg.value(r, LKG.ratifyingParty) == country:
            xml_rat[fg.value(r, LKG.ratifiedInstrument)].append(r)
    rows = []
    for inst in sorted(set(seed) | set(xml_obs) | set(xml_rat), key=str):
        what = label((g, fg), inst)
        s_side = cur.side("ratified", seed[inst]) if seed.get(inst) else None
        x_side, said = None, set()
        if xml_obs.get(inst) or xml_rat.get(inst):
            said = {_ratified(observed(fg, o)) for o in xml_obs.get(inst, [])}
            if xml_rat.get(inst):
                said.add("ratified")
            facts = xml_obs.get(inst, []) + xml_rat.get(inst, [])
            evs = [ev for f in facts for ev in fin.values_of(f)]
            shown = " / ".join(sorted(said))
            x_side = fin.side(shown, facts, evs)
        if s_side is None or x_side is None:
            rows.append(
                Row("ratifications", what, "seed-only" if x_side is None else "xml-only", s_side, x_side)
            )
            continue
        same = said == {"ratified"}
        conflicts = (
            ()
            if same
            else tuple(
                (a, b)
                for a in s_side.facts
                for b in xml_obs.get(inst, [])
                if observed(fg, b).boolean is False
            )
        )
        note = "" if same or conflicts else "not linked: the XML states no Yes/No"
        rows.append(
            Row("ratifications", what, "agree" if same else "differ", s_side, x_side, note, conflicts)
        )
    return rows


def _ratified(v: Value) -> str:
    if v.boolean is None:
        return v.note or "?"
    return "ratified" if v.boolean else "not ratified"


def _standard_value(g: Graph, s: Node) -> tuple[bool | None, int | None, str]:
    meets = g.value(s, LKG.meetsInternationalStandards)
    age = g.value(s, LKG.minimumAge)
    note = g.value(s, LKG.valueNote)
    m = as_bool(meets)
    a = int(str(age)) if age is not None else None
    parts = [] if m is None else ["meets international standards: " + ("Yes" if m else "No")]
    parts.append(f"age {a}" if a is not None else f"age {note}" if note is not None else "no age")
    return m, a, ", ".join(parts)


def standards(cur: Curated, fin: Findings, country: Node, out: Comparison) -> list[Row]:
    """The record's legal standards (lkg:LegalStandard of the country as a whole) against the narrative's
    Table 4, by lkg:standardType: whether it meets international standards, and its age."""
    g, fg = cur.g, fin.g
    seed = {
        g.value(s, LKG.standardType): s
        for s in cur.of_type(LKG.LegalStandard)
        if g.value(s, LKG.appliesIn) == country
    }
    xml = {
        fg.value(s, LKG.standardType): s
        for s in fin.of_type(LKG.LegalStandard)
        if fg.value(s, LKG.appliesIn) == country and fg.value(s, _TERRITORY) is None
    }
    if seed and not fin.of_type(LKG.LegalStandard):
        out.not_compared.append(
            (
                len(seed),
                "legal standards of seed 002's Table 4: the findings mapping does not read the XML's "
                "Legal_Standards yet",
            )
        )
        return []
    rows = []
    for t in sorted(set(seed) | set(xml), key=str):
        what = label((g, fg), t)
        s, x = seed.get(t), xml.get(t)
        s_side = cur.side(_standard_value(g, s)[2], [s]) if s else None
        x_side = fin.side(_standard_value(fg, x)[2], [x], fin.values_of(x)) if x else None
        if s is None or x is None:
            rows.append(
                Row("legal standards", what, "seed-only" if x is None else "xml-only", s_side, x_side)
            )
            continue
        sm, sa, _ = _standard_value(g, s)
        xm, xa, _ = _standard_value(fg, x)
        same = (sm is None or xm is None or sm == xm) and sa == xa
        rows.append(
            Row(
                "legal standards",
                what,
                "agree" if same else "differ",
                s_side,
                x_side,
                "",
                () if same else ((s, x),),
            )
        )
    return rows


def actions(cur: Curated, fin: Findings, out: Comparison) -> list[Row]:
    """The record's suggested actions against the narrative's (Table 11), by area and words."""
    g, fg = cur.g, fin.g
    seed = cur.of_type(LKG.SuggestedAction)
    xml = fin.of_type(LKG.SuggestedAction)
    if seed and not xml:
        out.not_compared.append(
            (
                len(seed),
                "suggested actions of seed 002's Table 11: the findings mapping does not read the XML's "
                "Suggested_Actions yet",
            )
        )
        return []

    def text(graph: Graph, a: Node) -> str:
        return normalise(str(graph.value(a, LKG.actionText) or ""))

    rows, matched = [], set()
    for x in xml:
        area = fg.value(x, LKG.actionArea)
        best, ratio = None, 0.0
        for s in seed:
            if s in matched or g.value(s, LKG.actionArea) != area:
                continue
            r = difflib.SequenceMatcher(None, text(g, s), text(fg, x), autojunk=False).ratio()
            if r > ratio:
                best, ratio = s, r
        what = f"{label((g, fg), area)}: {shorten(text(fg, x), 56)}"
        x_side = fin.side(shorten(text(fg, x), 60), [x], fin.values_of(x))
        if best is None or ratio < 0.8:
            rows.append(Row("suggested actions", what, "xml-only", None, x_side))
            continue
        matched.add(best)
        a, b = text(g, best), text(fg, x)
        same = a.replace(" ", "") == b.replace(" ", "")
        note = "" if a == b or not same else "the same words; the spacing differs"
        s_val, x_val = (shorten(a, 60), shorten(b, 60)) if same else fragments(a, b)
        rows.append(
            Row(
                "suggested actions",
                what,
                "agree" if same else "differ",
                cur.side(s_val, [best]),
                fin.side(x_val, [x], fin.values_of(x)),
                note,
                () if same else ((best, x),),
            )
        )
    for s in seed:
        if s not in matched:
            what = f"{label((g,), g.value(s, LKG.actionArea))}: {shorten(text(g, s), 56)}"
            rows.append(
                Row("suggested actions", what, "seed-only", cur.side(shorten(text(g, s), 60), [s]), None)
            )
    return rows


def xml_only(fin: Findings) -> list[Row]:
    """Every value of the record's facts that no row compared: one row per fact, or, for a fact some of
    whose values were compared (the country-year profile), one per value left. Elements that identify
    what a value is about (Name, Good_Name, Age_Range) are cited with it, not counted as values."""
    fg = fin.g
    rows = []

    def natural(f: Node) -> list:
        first = fin.values_of(f)
        path = fin.path(first[0]) if first else ""
        return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path)] + [str(f)]

    for f in sorted(fin.facts, key=natural):
        evs = fin.values_of(f)
        values = [ev for ev in evs if not fin.identifies(ev)]
        left = [ev for ev in values if ev not in fin.used]
        if not left:
            continue
        if len(left) < len(values):  # the profile: its values not compared, one by one
            for ev in left:
                leaf = re.sub(r"\[\d+\]$", "", fin.path(ev).rsplit("/", 1)[-1]).replace("_", " ")
                text = shorten(str(fg.value(ev, LKG.quote)), 60)
                rows.append(Row("profile", leaf, "xml-only", None, fin.side(text, [f], [ev])))
            continue
        good = fg.value(f, LKG.good)
        ind = fg.value(f, LKG.indicator)
        if ind is not None:
            value = show(observed(fg, f))
            what = label([fg], ind) + (f": {label([fg], good)}" if good is not None else "")
            ref = fg.value(f, LKG.refYear)
            what += f", {ref}" if ref is not None and good is None else ""
        else:
            value = shorten(str(fg.value(left[0], LKG.quote)), 60)
            what = label([fg], f)
        rows.append(Row(_kind(fin.path(left[0])), what, "xml-only", None, fin.side(value, [f], evs)))
    return rows


def _kind(path: str) -> str:
    return re.sub(r"\[\d+\]", "", path.split("/")[0]).replace("_", " ").lower()

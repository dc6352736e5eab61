"""Seed 002 cell by cell: the tables are parsed from the seed itself and every cell or row is looked up
in the graph, so a cell the curators missed, or a value they mistyped, fails here."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, RDFS, XSD

from laborkg import paths
from laborkg.namespace import LKG, LKR

SEED = (paths.SEEDS_DIR / "002_050c8baefa641c9c.txt").read_text(encoding="utf-8")
QB_DATASET = "http://purl.org/linked-data/cube#dataSet"


def table_rows(n: int) -> list[list[str]]:
    """Rows (split on tabs) of every part of Table n, header rows left out."""
    lines = SEED.splitlines()
    rows = []
    for i, line in enumerate(lines):
        if line.startswith(f"**Table {n}."):
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            j += 1  # the header row
            while j < len(lines) and lines[j].strip():
                rows.append(lines[j].split("\t"))
                j += 1
    assert rows, f"Table {n} not found"
    return rows


def passages_containing(kg, text: str) -> set:
    return {p for p, q in kg.subject_objects(LKG.quote) if text in str(q)}


def cited_by(kg, passages: set, cls) -> set:
    return {s for p in passages for s in kg.subjects(LKG.source, p) if (s, RDF.type, cls) in kg}


# --- Tables 1, 6, 7: every cell an observation --------------------------------------------------------


def parse_cell(cell: str):
    """('number', Decimal) | ('boolean', bool) | ('note', str), and the footnote marks."""
    marks = set(re.findall(r"[†‡]", cell))
    text = re.sub(r"\s*\([\d,\-–\s]+\)\s*$", "", cell)  # the reference numbers
    text = re.sub(r"[†‡]", "", text).replace("\\$", "").replace("$", "").strip()
    if text in ("Yes", "No"):
        return ("boolean", text == "Yes"), marks
    if text in ("N/A", "Unknown"):
        return ("note", text), marks
    return ("number", Decimal(text.replace(",", ""))), marks


def footnotes(table: int) -> dict[str, str]:
    """Mark → footnote text, as printed under the table."""
    start = SEED.index(f"**Table {table}.")
    out = {}
    for mark in "†‡":
        m = re.search(rf"^{mark} (.+?)(?: \([\d,\s]+\))?$", SEED[start : start + 6000], re.M)
        out[mark] = m.group(1)
    return out


def observations(kg, table: int, row_text: str, year: str) -> list:
    dataset = LKR[f"dataset-usdol-2022-mexico-table-{table}"]
    found = []
    for p in passages_containing(kg, row_text):
        for obs in kg.subjects(LKG.source, p):
            if (obs, RDF.type, LKG.Observation) in kg and (obs, None, dataset) in kg:
                if str(kg.value(obs, LKG.refYear)) == year and obs not in found:
                    found.append(obs)
    return found


def check_observation(kg, obs, expected, marks, notes):
    assert kg.value(obs, LKG.indicator) is not None
    kind, value = expected
    if kind == "number":
        got = kg.value(obs, LKG.value)
        assert got is not None and got.datatype == XSD.decimal and got.toPython() == value, (obs, got, value)
    elif kind == "boolean":
        assert kg.value(obs, LKG.booleanValue) == Literal(value), obs
    else:
        assert str(kg.value(obs, LKG.valueNote)) == value, obs
    caveat_texts = {
        str(q)
        for c in kg.objects(obs, LKG.caveat)
        for p in kg.objects(c, LKG.source)
        for q in kg.objects(p, LKG.quote)
    }
    for mark in marks:
        assert any(notes[mark] in q for q in caveat_texts), (obs, mark, notes[mark])
    assert len(set(kg.objects(obs, LKG.caveat))) == len(marks), (obs, marks)


@pytest.mark.parametrize("table", [6, 7])
def test_tables_6_and_7_every_cell_is_an_observation(kg, table):
    notes = footnotes(table)
    cells = 0
    for row in table_rows(table):
        label, y2021, y2022 = row
        for year, cell in (("2021", y2021), ("2022", y2022)):
            found = observations(kg, table, "\t".join(row), year)
            assert len(found) == 1, f"Table {table} {label!r} {year}: {len(found)} observations"
            expected, marks = parse_cell(cell)
            check_observation(kg, found[0], expected, marks, notes)
            cells += 1
    assert cells == {6: 28, 7: 12}[table]


def test_table_1_every_figure_is_an_observation(kg):
    figures = 0
    for row in table_rows(1):
        label, age, cell = row
        found = observations(kg, 1, "\t".join(row), "2020" if "Primary Completion" in label else "2019")
        numbers = [Decimal(x.replace(",", "")) for x in re.findall(r"[\d.,]+", cell)]
        got = sorted(kg.value(o, LKG.value).toPython() for o in found)
        assert got == sorted(numbers), (label, got, numbers)
        for o in found:
            assert kg.value(o, LKG.indicator) is not None and kg.value(o, LKG.unit) is not None
            if age:
                assert str(kg.value(o, LKG.ageRange)) == age
        figures += len(numbers)
    assert figures == 5


# --- Tables 3, 4, 9, 10, 11: every row in the graph ----------------------------------------------------


def test_table_3_every_ratification(kg):
    for row in table_rows(3):
        name, mark = row
        assert mark == "✓"
        facts = cited_by(kg, passages_containing(kg, "\t".join(row)), LKG.Ratification)
        assert facts, name
        (fact,) = facts
        assert kg.value(fact, LKG.ratifyingParty) == LKR.mexico
        assert kg.value(fact, LKG.ratifiedInstrument) is not None


def test_the_2014_protocol_was_ratified_on_2022_11_10(kg):
    facts = cited_by(
        kg,
        passages_containing(kg, "Protocol of 2014 to the Forced Labor Convention, 1930 on November 10"),
        LKG.Ratification,
    )
    assert {str(kg.value(f, LKG.date)) for f in facts} == {"2022-11-10"}


def test_table_4_every_standard(kg):
    rows = table_rows(4)
    assert len(rows) == 12
    for standard, meets, age, legislation in rows:
        facts = cited_by(kg, passages_containing(kg, f"{standard}\t{meets}\t{age}\t"), LKG.LegalStandard)
        assert len(facts) == 1, standard
        (fact,) = facts
        assert kg.value(fact, LKG.meetsInternationalStandards) == Literal(meets == "Yes")
        if age:
            assert kg.value(fact, LKG.minimumAge).toPython() == int(age)
        else:
            assert kg.value(fact, LKG.minimumAge) is None
        articles = set(kg.objects(fact, LKG.establishedBy))
        assert len(articles) >= legislation.count(";") + 1, standard
        assert all((a, RDF.type, LKG.LegalProvision) in kg for a in articles)


def test_table_9_every_policy_with_its_period(kg):
    rows = table_rows(9)
    assert len(rows) == 3
    for name_cell, _ in rows:
        start, end = re.search(r"\((\d{4})–(\d{4})\)", name_cell).groups()
        name = name_cell.split(" (")[0].rstrip("†‡ ")
        policies = cited_by(kg, passages_containing(kg, name_cell), LKG.Policy)
        assert policies, name
        assert any(
            str(kg.value(p, LKG.startDate)) == start and str(kg.value(p, LKG.endDate)) == end
            for p in policies
        ), name


def test_table_10_every_program(kg):
    rows = table_rows(10)
    assert len(rows) == 3
    for name_cell, description in rows:
        programs = cited_by(kg, passages_containing(kg, description[:80]), LKG.SocialProgram)
        assert programs, name_cell


def test_table_11_every_suggested_action_with_area_and_years(kg):
    area = None
    count = 0
    for cell_area, action, years in table_rows(11):
        area = cell_area or area
        facts = {
            f
            for f in cited_by(kg, passages_containing(kg, action), LKG.SuggestedAction)
            if str(kg.value(f, LKG.actionText)) == action
        }
        assert len(facts) == 1, action[:60]
        (fact,) = facts

        assert area in {str(x) for x in kg.objects(kg.value(fact, LKG.actionArea), RDFS.label)}, action[:60]
        first, last = re.match(r"(\d{4})(?: – (\d{4}))?", years).groups()
        want = {str(y) for y in range(int(first), int(last or first) + 1)}
        assert {str(y) for y in kg.objects(fact, LKG.yearSuggested)} == want, action[:60]
        count += 1
    assert count == 18


@pytest.mark.slow
def test_every_seed_contributes_and_there_are_enough_entities(kg):
    from laborkg.publish.stats import compute

    s = compute(kg)
    assert s.entities >= 230
    for f, entities, _facts, passages in s.by_source:
        assert entities > 0 and passages > 0, f


def test_statistical_datasets_declare_their_cube_structure(kg):
    qb = "http://purl.org/linked-data/cube#"
    from rdflib import URIRef

    datasets = set(kg.subjects(RDF.type, URIRef(qb + "DataSet")))
    assert {LKR[f"dataset-usdol-2022-mexico-table-{n}"] for n in (1, 6, 7)} <= datasets
    for ds in datasets:
        assert kg.value(ds, URIRef(qb + "structure")) == LKG.StatisticsStructure, ds

"""Competency questions CQ07–CQ16 of ../shared/competency-questions.md, answered by packaged SPARQL
queries over the shipped graph (the closure), checked against the answers the seeds give."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from rdflib import Literal
from rdflib.namespace import RDFS, SKOS, XSD

from laborkg.cli import main
from laborkg.namespace import LKC, LKG, LKP, LKR
from laborkg.query import catalogue as queries


def rows(kg, name, **params):
    return [r.asdict() for r in queries.run(kg, name, params)]


def label(kg, node, lang="en"):
    return next(str(o) for o in kg.objects(node, RDFS.label) if o.language == lang)


def acronyms(kg, node):
    return {str(o) for o in kg.objects(node, LKG.acronym)}


def passages(row, column="sources"):
    return set(str(row[column]).split()) if column in row else set()


def seeds_cited(row, column="sources"):
    """The seed file numbers ('000', '003', …) of the passages in a sources column."""
    return {str(p).rsplit("/", 1)[-1][:3] for p in passages(row, column)}


def number(literal):
    return literal.toPython()


def test_cq07_trade_agreement_of_the_civil_society_meeting(kg):
    """CQ07: on 14 November 2024 civil society organizations met STPS about reviewing the T-MEC / USMCA."""
    (row,) = rows(kg, "events-about", on="2024-11-14", kind="lkg:TradeAgreement")
    assert row["event"] == LKR["civil-society-tmec-meeting-2024-11-14"]
    assert row["about"] == LKR.usmca and row["aboutClass"] == LKG.TradeAgreement
    assert label(kg, row["about"]) == "Mexico-United States-Canada Agreement (T-MEC)"
    assert set(str(row["acronyms"]).split(", ")) == {"T-MEC", "USMCA"}
    assert (LKR.usmca, SKOS.altLabel, Literal("United States-Mexico-Canada Agreement", lang="en")) in kg
    assert "reviewing the T-MEC" in str(row["topic"])
    assert "civil society organizations" in str(row["participants"])
    assert "Secretariat of Labor and Social Welfare" in str(row["participants"])
    assert {"000", "001"} <= seeds_cited(row)
    assert "003" in seeds_cited(row, "aboutSources")
    # the same answer by participant instead of date
    by_participant = rows(kg, "events-about", participant="STPS", kind="lkg:TradeAgreement")
    assert [r["about"] for r in by_participant if str(r.get("date")) == "2024-11-14"] == [LKR.usmca]


def test_cq08_table3_ratifications(kg):
    """CQ08: the six conventions and protocols on child labor Table 3 lists as ratified by Mexico."""
    result = rows(kg, "ratifications", country="Mexico", quoting="Table 3")
    assert sorted(label(kg, r["instrument"]) for r in result) == sorted(
        [
            "ILO C. 138, Minimum Age",
            "ILO C. 182, Worst Forms of Child Labor",
            "UN CRC",
            "UN CRC Optional Protocol on Armed Conflict",
            "UN CRC Optional Protocol on the Sale of Children, Child Prostitution and Child Pornography",
            "Palermo Protocol on Trafficking in Persons",
        ]
    )
    # Table 3 gives no dates: each row says so rather than leaving the date silently out
    assert all("date" not in r and r["dateNotStated"].toPython() is True for r in result)
    assert all(str(LKP["002a-table3-title"]) in passages(r) for r in result)
    # the 2014 Protocol is a ratification of Mexico too, but not one Table 3 lists
    everything = rows(kg, "ratifications")
    assert len(everything) == 7
    assert LKR["protocol-of-2014-to-the-forced-labor-convention-1930"] not in {
        r["instrument"] for r in result
    }


def test_cq09_date_of_the_2014_protocol_ratification(kg):
    """CQ09: Mexico ratified the Protocol of 2014 to the Forced Labor Convention, 1930 on 2022-11-10."""
    (row,) = rows(kg, "ratifications", instrument="Protocol of 2014 to the Forced Labor Convention, 1930")
    assert row["instrument"] == LKR["protocol-of-2014-to-the-forced-labor-convention-1930"]
    assert row["supplements"] == LKR["forced-labor-convention-1930"]
    assert row["date"] == Literal("2022-11-10", datatype=XSD.date)
    assert str(LKP["002a-protocol-2014-ratified"]) in passages(row)


def test_cq10_minimum_ages(kg):
    """CQ10: Table 4's minimum ages: work 15, hazardous work 18, voluntary military recruitment 18,
    compulsory education 18."""
    result = rows(kg, "minimum-ages", country="Mexico")
    assert {label(kg, r["standardType"]): number(r["age"]) for r in result} == {
        "Minimum Age for Work": 15,
        "Minimum Age for Hazardous Work": 18,
        "Minimum Age for Voluntary State Military Recruitment": 18,
        "Compulsory Education Age": 18,
    }
    assert all(r["meetsInternationalStandards"].toPython() is True for r in result)
    work = next(r for r in result if number(r["age"]) == 15)
    assert "Article 123 of the Constitution" in str(work["legislation"])
    assert all(seeds_cited(r) == {"002"} for r in result)


def test_cq11_federal_labor_inspectors(kg):
    """CQ11: 471 labor inspectors in 2021, 529 federal labor inspectors in 2022, 58 added in 2022."""
    inspectors = rows(kg, "enforcement-statistics", indicator="Number of Labor Inspectors")
    by_year = {}
    for r in inspectors:
        by_year.setdefault(str(r["year"]), {})[r["entity"]] = number(r["value"])
    assert set(by_year["2021"].values()) == {Decimal(471)}
    assert by_year["2022"][LKR["stps-inspectorate"]] == Decimal(529)  # "federal labor inspectors"
    assert "federal inspectorate" in {str(o) for o in kg.objects(LKR["stps-inspectorate"], SKOS.altLabel)}
    # Table 6 gives both years for the same agencies: 529 - 471 = 58
    (change,) = rows(kg, "statistic-change", indicator="Number of Labor Inspectors")
    assert (number(change["fromValue"]), number(change["toValue"])) == (Decimal(471), Decimal(529))
    assert number(change["change"]) == Decimal(58)
    # the prose: "Mexico added 58 labor inspectors at the federal level in 2022"
    (added,) = rows(kg, "enforcement-statistics", indicator="Number of labor inspectors added", year="2022")
    assert added["entity"] == LKR["stps-inspectorate"] and number(added["value"]) == Decimal(58)


def test_cq12_labor_inspectorate_funding_change(kg):
    """CQ12: labor inspectorate funding $1,536,366 (2021) and $1,658,234 (2022): up $121,868."""
    (row,) = rows(
        kg, "statistic-change", indicator="Labor Inspectorate Funding", fromYear="2021", toYear="2022"
    )
    assert number(row["fromValue"]) == Decimal("1536366")
    assert number(row["toValue"]) == Decimal("1658234")
    assert number(row["change"]) == Decimal("121868")
    assert row["unit"] == LKC.USD
    assert seeds_cited(row) == {"002"}


def test_cq13_child_labor_violations_federal_and_state(kg):
    """CQ13: federal inspectorate 2 (2021), 0 (2022); local-level state authorities 215 (2021),
    58 (2022, reported by eleven authorities)."""
    result = rows(kg, "enforcement-statistics", indicator="Number of Child Labor Violations Found")
    state = LKR["state-authorities-reporting-child-labor-violations"]
    federal = LKR["stps-inspectorate"]
    assert {(r["entity"], str(r["year"])): number(r["value"]) for r in result} == {
        (federal, "2021"): Decimal(2),
        (federal, "2022"): Decimal(0),
        (state, "2021"): Decimal(215),
        (state, "2022"): Decimal(58),
    }
    assert all(
        str(r["caveats"]) == "Data are for federal inspectorate only"
        for r in result
        if r["entity"] == federal
    )
    assert "local-level state authorities" in label(kg, state)
    (authorities,) = rows(
        kg,
        "enforcement-statistics",
        indicator="Number of authorities reporting a figure",
        agency=str(state),
        year="2022",
    )
    assert number(authorities["value"]) == Decimal(11)
    changes = rows(kg, "statistic-change", indicator="Number of Child Labor Violations Found")
    assert {r["refEntity"]: number(r["change"]) for r in changes} == {
        federal: Decimal(-2),
        state: Decimal(-157),
    }


def test_cq14_fgr_units_on_trafficking_and_sexual_exploitation(kg):
    """CQ14: FEVIMTRA, UEITMPO and FEMDO, the FGR's units that investigate and prosecute human
    trafficking or commercial sexual exploitation of children."""
    result = rows(kg, "agency-units", agency="FGR")
    assert {a for r in result for a in acronyms(kg, r["unit"])} == {"FEVIMTRA", "UEITMPO", "FEMDO"}
    assert {label(kg, r["unit"]) for r in result} == {
        "Specialized Unit for Crimes against Women and Trafficking in Persons",
        "Specialized Unit on Trafficking in Minors, People, and Organs",
        "Specialized Office for Organized Crime",
    }
    for r in result:
        text = str(r["description"]).lower()
        assert "investigat" in text and "prosecut" in text
        assert "human trafficking" in text or "commercial sexual exploitation of children" in text
        assert r["directlyUnitOf"] == LKR.fgr


def test_cq15_citi_chair_and_meetings(kg):
    """CQ15: CITI is chaired by STPS and meets quarterly."""
    (row,) = rows(kg, "coordinating-bodies", body="CITI")
    assert row["body"] == LKR.citi
    assert row["chair"] == LKR.stps and acronyms(kg, row["chair"]) == {"STPS"}
    assert str(row["meetingFrequency"]) == "quarterly"
    assert str(LKP["002c-citi-members"]) in passages(row)


def test_cq16_government_bodies_on_citi(kg):
    """CQ16: the twelve government bodies represented on CITI."""
    result = rows(kg, "coordinating-body-members", body="CITI", kind="lkg:GovernmentAgency")
    expected = [
        ("Interior", "SEGOB"),
        ("Economy", None),
        ("Foreign Affairs", "SRE"),
        ("Wellbeing", None),
        ("Agriculture", None),
        ("Transportation", None),
        ("Education", "SEP"),
        ("Health", None),
        ("Tourism", None),
        ("Social Security", None),
        ("System for Integral Family Development", "SNDIF"),
        (None, "FGR"),
    ]
    members = [r["member"] for r in result]
    assert len(members) == len(set(members)) == len(expected)
    for words, acronym in expected:
        found = [
            m
            for m in members
            if (words is None or words in label(kg, m)) and (acronym is None or acronym in acronyms(kg, m))
        ]
        assert len(found) == 1, (words, acronym, found)
    # the non-government participants are members too, but not of this kind
    everyone = {r["member"] for r in rows(kg, "coordinating-body-members", body="CITI")}
    assert {LKR.ilo, LKR.iom, LKR.unodc} <= everyone - set(members)


NEW_QUERIES = [
    "events-about",
    "ratifications",
    "minimum-ages",
    "enforcement-statistics",
    "statistic-change",
    "agency-units",
    "coordinating-bodies",
    "coordinating-body-members",
]


@pytest.mark.parametrize("name", NEW_QUERIES)
def test_answers_cite_passages(kg, name):
    """Every answer row carries its source passages."""
    result = rows(kg, name)
    assert result
    for r in result:
        assert "sources" in r
        assert all(p.startswith(str(LKP)) for p in passages(r))


@pytest.mark.parametrize("name", NEW_QUERIES)
def test_cli_table_and_csv(kg, name):
    """Each query prints a readable table and a CSV from the command line."""
    out = io.StringIO()
    assert main(["query", name], out=out) == 0
    assert "rows)" in out.getvalue() or "(1 row)" in out.getvalue()
    out = io.StringIO()
    assert main(["query", name, "--format", "csv"], out=out) == 0
    table = list(csv.reader(io.StringIO(out.getvalue())))
    assert len(table) > 1 and "sources" in table[0]

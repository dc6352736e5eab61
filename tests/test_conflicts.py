"""Where the seeds disagree, both claims stay, each with its source, linked, and a query lists them."""

from __future__ import annotations

from decimal import Decimal

from rdflib import RDF

from laborkg.namespace import LKG, LKR
from laborkg.query import catalogue as queries


def pairs(kg):
    out = []
    for r in queries.run(kg, "conflicts"):
        d = r.asdict()
        out.append((d["claim"], d["otherClaim"], str(d["claimFiles"]), str(d["otherFiles"])))
    return out


def find(kg, test):
    return [p for p in pairs(kg) if test(p[0], p[1]) or test(p[1], p[0])]


def test_each_pair_is_listed_once_with_sources(kg):
    listed = pairs(kg)
    assert len(listed) == len({frozenset(p[:2]) for p in listed}) >= 5
    for _a, _b, fa, fb in listed:
        assert fa.endswith(".txt") and fb.endswith(".txt")


def test_sheinbaums_office(kg):
    def test(a, b):
        return (
            kg.value(a, LKG.positionJurisdiction) == LKR["mexico-city"]
            and kg.value(b, LKG.positionJurisdiction) == LKR.mexico
            and kg.value(a, LKG.holder) == kg.value(b, LKG.holder) == LKR["claudia-sheinbaum"]
        )

    ((a, b, fa, fb),) = find(kg, test)
    assert {fa, fb} == {"000_7e04030125ad1ee4.txt", "001_7bc4c820ebaf7bb2.txt"}


def test_informal_employment_share(kg):
    def test(a, b):
        return (
            (a, RDF.type, LKG.Observation) in kg
            and None not in (kg.value(a, LKG.value), kg.value(b, LKG.value))
            and kg.value(a, LKG.value).toPython() == Decimal("55.2")
            and kg.value(b, LKG.value).toPython() == Decimal("55")
        )

    assert len(find(kg, test)) == 1


def test_program_acronym_spellings(kg):
    def test(a, b):
        return {str(kg.value(a, LKG.name)), str(kg.value(b, LKG.name))} == {
            "PRONAPPINA",
            "PRONAPINNA",
        } and kg.value(a, LKG.namedEntity) == kg.value(b, LKG.namedEntity)

    assert len(find(kg, test)) == 1


def test_commission_named_only_in_spanish(kg):
    def test(a, b):
        return (
            kg.value(a, RDF.object) == LKR.citi
            and kg.value(b, RDF.object) is None
            and kg.value(a, RDF.subject) == kg.value(b, RDF.subject)
        )

    ((_, _, fa, fb),) = find(kg, test)
    assert {fa, fb} == {"000_7e04030125ad1ee4.txt", "001_7bc4c820ebaf7bb2.txt"}


def test_unhcr_spelled_out_as_the_human_rights_office(kg):
    def test(a, b):
        return "High Commissioner for Human Rights" in str(kg.value(a, LKG.name)) and kg.value(
            a, LKG.namedEntity
        ) == kg.value(b, LKG.namedEntity)

    ((_, _, fa, fb),) = find(kg, test)
    assert fa == fb == "004_cde81b52d282b313.txt"

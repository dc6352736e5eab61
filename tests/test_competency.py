"""The competency questions of ../shared/competency-questions.md, answered by packaged SPARQL
queries over the shipped graph (the closure), checked against the answers the seeds give."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Literal
from rdflib.namespace import RDFS

from laborkg.namespace import CANCELLED, LKC, LKR
from laborkg.query import catalogue as queries


def rows(kg, name, **params):
    return [r.asdict() for r in queries.run(kg, name, params)]


def label(kg, node, lang="en"):
    return next(str(o) for o in kg.objects(node, RDFS.label) if o.language == lang)


def test_cq01_agency_that_lost_support(kg):
    """CQ01: STPS lost US support when the 21 programs were cancelled in March 2025."""
    result = rows(kg, "agencies-lost-support")
    cancelled = [
        r for r in result if r["status"] == CANCELLED and str(r.get("cancellationDate")) == "2025-03"
    ]
    assert {r["agency"] for r in cancelled} == {LKR.stps}
    assert label(kg, LKR.stps, "es") == "Secretaría del Trabajo y Previsión Social"
    assert label(kg, LKR.stps, "en") == "Secretariat of Labor and Social Welfare"


def test_cq02_number_of_cancelled_programs(kg):
    """CQ02: 21 programs were cancelled in March 2025."""
    result = [
        r
        for r in rows(kg, "programs-by-status", status="Cancelled")
        if str(r.get("cancellationDate")) == "2025-03"
    ]
    assert sum(int(r["programCount"]) for r in result if "programCount" in r) == 21


def test_cq03_total_investment(kg):
    """CQ03: USD 207 million from 2019 until March 2025."""
    (row,) = [r for r in rows(kg, "agencies-lost-support") if r["agency"] == LKR.stps]
    assert row["amount"].toPython() == Decimal("207000000") and row["currency"] == LKC.USD
    assert str(row["start"]) == "2019" and str(row["end"]) == "2025-03"
    cancelled = [r for r in rows(kg, "programs-by-status") if str(r.get("cancellationDate")) == "2025-03"]
    assert sum(r["totalAmount"].toPython() for r in cancelled) == Decimal("207000000")


def test_cq04_focus_areas(kg):
    """CQ04: the three focus areas of the cancelled programs."""
    result = rows(kg, "initiative-focus-areas", status="Cancelled")
    areas = {label(kg, r["focusArea"]) for r in result if r["initiative"] == LKR["us-ta-programs-2019-2025"]}
    assert areas == {
        "combating child and forced labor",
        "improving workplace safety and health",
        "reinforcing collective rights established by the 2019 labor reform",
    }


def test_cq05_activities_in_order(kg):
    """CQ05: the five STPS activities under the cancelled projects, in date order."""
    result = [
        r
        for r in rows(kg, "activities-under-initiative", status="Cancelled")
        if r["initiative"] == LKR["us-ta-programs-2019-2025"]
    ]
    assert [(str(r["date"]), r["event"]) for r in result] == [
        ("2024-11-07", LKR["second-intersecretarial-table-2024-11-07"]),
        ("2024-11-14", LKR["civil-society-tmec-meeting-2024-11-14"]),
        ("2024-12-19", LKR["caaarem-meeting-2024-12-19"]),
        ("2025-02-04", LKR["diplomado-launch-2025-02-04"]),
        ("2025-03-20", LKR["honduras-exchange-2025-03-20"]),
    ]
    assert "Second Intersecretarial Table" in label(kg, result[0]["event"])
    assert "CAAAREM" in label(kg, result[2]["event"])
    assert "Honduras" in label(kg, result[4]["event"])
    assert all("Secretariat of Labor and Social Welfare" in str(r["participants"]) for r in result)


def test_cq06_diplomado_university_and_project(kg):
    """CQ06: the diplomado of 4 February 2025: Universidad de Chiapas imparted it, AccioNNAr supported it."""
    (row,) = rows(kg, "launches", on="2025-02-04")
    assert label(kg, row["providedBy"]) == "Universidad de Chiapas"
    assert row["supportedBy"] == LKR.accionnar
    assert (LKR.accionnar, RDFS.label, Literal("AccioNNAr project", lang="en")) in kg


@pytest.mark.parametrize(
    "name",
    [
        "agencies-lost-support",
        "programs-by-status",
        "initiative-focus-areas",
        "activities-under-initiative",
        "launches",
    ],
)
def test_answers_cite_passages(kg, name):
    """Every answer row carries its source passages."""
    for r in rows(kg, name):
        if "sources" in r:
            assert str(r["sources"]).startswith("https://w3id.org/laborkg/id/passage/")

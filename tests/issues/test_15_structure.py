"""Issue 15: what a user asks about is structure (numbers, entities, links), each read in its passage."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from laborkg import api, paths
from laborkg.namespace import LKC, LKG, LKR


@pytest.fixture(scope="module")
def store(built_store):
    graph = api.open(store=built_store)
    yield graph
    graph.close()


@pytest.fixture(scope="module")
def quotes(asserted: Graph):
    """The quotes of the passages a subject cites, by subject."""

    def of(subject) -> list[str]:
        return [str(asserted.value(p, LKG.quote)) for p in asserted.objects(URIRef(subject), LKG.source)]

    return of


def _number(value) -> str:
    """A figure as the seeds write it: 3835 → '3,835', 57500000 → '57.5 million'."""
    value = Decimal(value)
    if value >= 1_000_000:
        return f"{value / 1_000_000:f}".rstrip("0").rstrip(".") + " million"
    return f"{int(value):,}"


def test_targets_of_suggested_actions_are_numbers_read_in_the_action(store, quotes, asserted):
    rows = store.query("suggested-action-targets")
    assert len(rows) == 2
    for row in rows:
        (quote,) = quotes(row["target"])
        assert f"from {_number(row['fromValue'])} to {_number(row['toValue'])}" in quote, quote
        assert any(quote in q for q in quotes(row["action"]))  # the action's own row of Table 11
    inspectors = next(r for r in rows if r["counted"] == LKR["indicator-number-of-labor-inspectors"])
    assert (inspectors["fromValue"], inspectors["toValue"]) == (529, 3835)
    (basis_quote,) = quotes(inspectors["basis"])
    assert f"approximately {_number(inspectors['basisValue'])}" in basis_quote
    # The estimate's qualifier, once the ontology declares lkg:valueQualifier (issue 15, item 2).
    qualifier = URIRef(LKG._NS + "valueQualifier")
    if (qualifier, SKOS.definition, None) in asserted:
        assert asserted.value(inspectors["basis"], qualifier) == LKC["qualifier-approximately"]


def test_legal_basis_names_the_law_the_source_puts_it_under(store, quotes, asserted):
    rows = store.query("legal-basis")
    found = {(r["subject"], r["instrument"]) for r in rows}
    law = LKR["general-law-on-human-trafficking"]
    assert {(LKR["pntdp"], law), (LKR["inter-agency-commission-human-trafficking"], law)} <= found
    assert (LKR["rrlm"], LKR["usmca"]) in found
    for row in rows:
        if row["relation"] == LKG.operatesUnder:
            label = str(asserted.value(row["instrument"], RDFS.label))
            assert any(f"under the {label}" in q for q in quotes(row["subject"])), row
    only = store.query("legal-basis", law="General Law on Human Trafficking")
    assert {r["instrument"] for r in only} == {law}


def test_the_parties_of_the_usmca_are_those_its_names_give(store, quotes):
    rows = store.query("agreement-parties", agreement="USMCA")
    assert {r["party"] for r in rows} == {LKR["mexico"], LKR["united-states"], LKR["canada"]}
    names = " ".join(quotes(LKR["usmca"]))
    assert "Mexico-United States-Canada Agreement" in names
    for english, spanish in (("Mexico", "México"), ("United States", "Estados Unidos"), ("Canada", "Canadá")):
        assert english in names and spanish in names


def test_meeting_agendas_name_the_wage_return_mechanism_and_the_tmec_review(store, quotes, asserted):
    rows = store.query("meeting-agenda")
    topics = {(r["event"], r["topic"]) for r in rows if r.get("topic")}
    mechanism, review = LKR["wage-return-mechanism-migrant-workers"], LKR["usmca-review"]
    assert (LKR["second-intersecretarial-table-2024-11-07"], mechanism) in topics
    assert (LKR["civil-society-tmec-meeting-2024-11-14"], review) in topics
    for label in asserted.objects(mechanism, RDFS.label):
        assert any(str(label).lower() in q.lower() for q in quotes(mechanism)), label
    assert any("review" in q or "revisión" in q for q in quotes(review))
    assert asserted.value(review, LKG.about) == LKR["usmca"]
    # An agenda topic is what the event is about: events-about lists the review for the meeting.
    about = store.query("events-about", on="2024-11-14")
    assert review in {r.get("about") for r in about}


def test_the_stps_inspectorate_covers_the_sugar_and_tobacco_industries(store, quotes):
    rows = store.query("figures-about", entity="lkr:stps-inspectorate")
    sectors = {r["sector"] for r in rows if r.get("sector")}
    assert sectors == {LKR["sector-sugar-industry"], LKR["sector-tobacco-industry"]}
    for sector in sectors:
        assert any("including the sugar and tobacco industries" in q for q in quotes(sector))


def test_the_informal_sector_carries_its_share_of_employment(store, quotes):
    rows = store.query("figures-about", entity="Informal sector")
    assert {r.get("value") for r in rows} == {Decimal("55.0"), Decimal("55.2")}
    for row in rows:
        number = f"{row['value']:f}".removesuffix(".0")
        assert any(re.search(rf"\b{re.escape(number)} percent", q) for q in quotes(row["subject"])), row


def test_the_us_embassy_is_the_author_of_the_references_it_wrote(store):
    text = (paths.SEEDS_DIR / "002_050c8baefa641c9c.txt").read_text(encoding="utf-8")
    written = {int(n) for n in re.findall(r"^- (\d+) U\.S\. Embassy- Mexico City\. ", text, re.M)}
    rows = store.query("evidence", author="U.S. Embassy- Mexico City")
    cited = {int(r["number"]) for r in rows}
    assert cited and cited <= written
    # Every embassy reference that some passage cites is found.
    everything = {int(r["number"]) for r in store.query("evidence")}
    assert cited == written & everything


def test_numbered_objectives_keep_the_source_numbers(store):
    rows = store.query("objectives", initiative="PNTdP")
    quote = next(iter({str(r["sources"]) for r in rows}))
    assert [r["number"] for r in rows] == [1, 2, 3, 4, 5]
    assert quote.endswith("pntdp-objectives")
    text = (paths.SEEDS_DIR / "002_050c8baefa641c9c.txt").read_text(encoding="utf-8")
    for row in rows:
        assert f"({row['number']}) {row['objective']}" in text

"""Issue 15, item 6: modelling slips found in a sample (subject, role, scope, labels) stay fixed."""

from __future__ import annotations

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, RDFS
from support.own_labels import labels_no_seed_gives, seed_text

from laborkg import paths
from laborkg.namespace import LKC, LKG, LKR
from laborkg.pipeline.load import load

IMPLEMENTING = LKC["iati-organisation-role-4"]


def _quotes(graph, node) -> str:
    return " ".join(str(graph.value(p, LKG.quote)) for p in graph.objects(node, LKG.source))


def test_the_child_trafficking_claim_is_about_trafficking_not_commercial_sexual_exploitation(data_graph):
    claim = LKR["claim-child-trafficking-perpetrators"]
    assert "perpetrators of child trafficking" in _quotes(data_graph, claim)
    assert data_graph.value(claim, RDF.subject) == LKR["practice-child-trafficking"]


def test_no_claim_about_trafficking_alone_is_attached_to_commercial_sexual_exploitation(data_graph):
    cse = {
        LKR["activity-commercial-sexual-exploitation"],
        LKR["practice-commercial-sexual-exploitation-of-children"],
    }
    for claim in data_graph.subjects(RDF.type, LKG.Claim):
        text = _quotes(data_graph, claim)
        if data_graph.value(claim, RDF.subject) in cse:
            assert "sexual exploitation" in text, claim


def test_unhcrs_key_role_is_not_typed_implementing(data_graph):
    role = LKR["role-unhcr-refugee-job-effort"]
    assert data_graph.value(role, LKG.roleOrganisation) == LKR.unhcr
    assert "with a key role played by UNHCR" in _quotes(data_graph, role)
    assert data_graph.value(role, LKG.roleType) is None


@pytest.mark.parametrize("words", ["key role", "in conjunction with", "as well as"])
def test_no_role_resting_on_such_words_is_typed_implementing(data_graph, words):
    """A role the source describes only as 'a key role', 'in conjunction with' or 'as well as' is no
    IATI Implementing role: the quote does not say the organisation carries the activity out."""
    for role in data_graph.subjects(LKG.roleType, IMPLEMENTING):
        for description in data_graph.objects(role, LKG.description):
            assert words not in str(description).lower(), role


def test_the_11_percent_wage_outcome_is_mexican_unions_not_one_centers_partners(data_graph):
    outcome = LKR["outcome-mexican-unions-average-wage-increase-2024"]
    assert "Mexican unions achieved an average wage increase of 11%" in _quotes(data_graph, outcome)
    (group,) = data_graph.objects(outcome, LKG.outcomeOf)
    assert group != LKR["solidarity-center-mexican-union-partners"]
    assert (group, RDF.type, LKG.UnspecifiedGroup) in data_graph
    assert str(data_graph.value(group, LKG.description)) == "Mexican unions"
    assert data_graph.value(outcome, LKG.supportedBy) == LKR["solidarity-center"]


def test_an_outcome_concerns_what_its_quote_names_not_a_narrower_body(data_graph):
    """The summary's 'municipal-level bodies' are not narrowed to Table 8's CITI committees: the outcome
    concerns the bodies the summary names, linked to the committees as laborkg's reading."""
    outcome = LKR["outcome-municipal-child-labor-bodies-increase-2022"]
    bodies = LKR["mexico-municipal-child-labor-coordinating-bodies"]
    assert data_graph.value(outcome, LKG.refEntity) == bodies
    assert (bodies, LKG.sameThingAs, LKR["citi-municipal-committees"]) in data_graph


@pytest.fixture(scope="module")
def unmarked(data_graph):
    return labels_no_seed_gives(data_graph, load(paths.ontology_files()), seed_text(paths.SEEDS_DIR))


def test_the_rrlms_spanish_label_is_marked_as_laborkgs_own(data_graph, unmarked):
    label = Literal("Mecanismo Laboral de Respuesta Rápida", lang="es")
    assert (LKR.rrlm, RDFS.label, label) in data_graph
    assert (LKR.rrlm, label) in unmarked  # no seed gives it
    assert (LKR.rrlm, LKG.ownLabel, label) in data_graph


def test_every_label_no_seed_gives_is_marked_and_only_those(data_graph, unmarked):
    marked = set(data_graph.subject_objects(LKG.ownLabel))
    missing = unmarked - marked
    assert not missing, (
        f"{len(missing)} labels no seed gives are not marked lkg:ownLabel (regenerate data/own-labels.ttl "
        f"with tests/support/own_labels.py): {sorted(missing)[:5]}"
    )
    assert marked - unmarked == set(), "lkg:ownLabel on a label a seed gives, or on no label of the entity"
    # a name the seeds give stays unmarked
    for label in data_graph.objects(
        LKR.citi, RDFS.label
    ):  # both from a seed (002 in English, 001 in Spanish)
        assert (LKR.citi, label) not in marked

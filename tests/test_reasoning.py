"""OWL RL closure: the entailments the queries rely on, the cache, and no network."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from laborkg import paths, reason
from laborkg.graph import input_files
from laborkg.namespace import LKG, LKR

ORG = "http://www.w3.org/ns/org#"


def test_subclass_typing(kg):
    types = set(kg.objects(LKR.stps, RDF.type))
    for cls in (
        LKG.GovernmentAgency,
        LKG.Organisation,
        LKG.Agent,
        LKG.NamedEntity,
        LKG.Resource,
        URIRef(ORG + "Organization"),
        URIRef("http://www.w3.org/ns/prov#Agent"),
    ):
        assert cls in types, cls


def test_funding_chains(kg):
    """supportedThrough and fundedBy are entailed from funding facts (property chains)."""
    programs = LKR["us-ta-programs-2019-2025"]
    assert (LKR.stps, LKG.supportedThrough, programs) in kg
    assert (programs, LKG.fundedBy, LKR["us-government"]) in kg


def test_inverses(kg):
    programs = LKR["us-ta-programs-2019-2025"]
    assert (programs, LKG.cancelledIn, LKR["cancellation-us-ta-programs-2025-03"]) in kg
    assert (LKR.accionnar, LKG.inProgramSet, programs) in kg


def test_conflicts_are_symmetric(kg):
    assert (LKR["sheinbaum-position-per-001"], LKG.conflictsWith, LKR["sheinbaum-position-per-000"]) in kg


def test_acronyms_are_alternative_labels(kg):
    assert (LKR.stps, SKOS.altLabel, Literal("STPS")) in kg


def test_subproperties_reach_standard_terms(kg):
    assert (LKR.stps, URIRef("http://www.w3.org/ns/org#memberOf"), None) not in kg  # nothing invented
    assert (LKR["diplomado-launch-2025-02-04"], URIRef("https://schema.org/attendee"), LKR.stps) in kg
    assert (
        LKR["funding-us-ta-programs-2019-2025"],
        URIRef("https://schema.org/funder"),
        LKR["us-government"],
    ) in kg


SYNTHETIC = """
@prefix lkg: <https://w3id.org/laborkg/ontology#> .
@prefix lkr: <https://w3id.org/laborkg/id/> .
lkr:t-unit a lkg:SubAgency ; lkg:subAgencyOf lkr:t-agency .
lkr:t-agency a lkg:GovernmentAgency ; lkg:unitOf lkr:t-ministry .
lkr:t-ministry a lkg:GovernmentAgency .
lkr:t-body a lkg:CoordinatingBody .
lkr:t-membership a lkg:Membership ; lkg:member lkr:t-agency ; lkg:memberOf lkr:t-body .
lkr:t-ratification a lkg:Ratification ; lkg:ratifyingParty lkr:t-country ; lkg:ratifiedInstrument lkr:t-conv .
"""


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    f = tmp_path_factory.mktemp("syn") / "syn.ttl"
    f.write_text(SYNTHETIC)
    return reason.closure(paths.ontology_files() + [f], use_cache=False)


def test_sub_organisations_are_transitive(synthetic):
    t = URIRef(ORG + "transitiveSubOrganizationOf")
    assert (LKR["t-unit"], t, LKR["t-ministry"]) in synthetic
    assert (LKR["t-agency"], LKG.hasSubAgency, LKR["t-unit"]) in synthetic


def test_memberships_give_has_member(synthetic):
    assert (LKR["t-body"], LKG.hasMember, LKR["t-agency"]) in synthetic


def test_ratifications_give_has_ratified(synthetic):
    assert (LKR["t-country"], LKG.hasRatified, LKR["t-conv"]) in synthetic


def test_range_typing_is_left_out_for_validation(tmp_path):
    """In the validation closure a node is not retyped by a range axiom; in the query closure it is."""
    f = tmp_path / "x.ttl"
    f.write_text(SYNTHETIC)
    files = paths.ontology_files() + [f]
    q = reason.closure(files, use_cache=False)
    v = reason.closure(files, use_cache=False, for_validation=True)
    assert (LKR["t-conv"], RDF.type, LKG.InternationalInstrument) in q
    assert (LKR["t-conv"], RDF.type, LKG.InternationalInstrument) not in v
    assert (LKR["t-body"], LKG.hasMember, LKR["t-agency"]) in v  # other entailments stay


def test_closure_is_tidy(kg):
    assert not [t for t in kg if isinstance(t[0], Literal)]
    assert not [s for s, o in kg.subject_objects(OWL.sameAs) if s == o]


def test_closure_is_cached_and_not_recomputed(tmp_path, monkeypatch):
    monkeypatch.setenv("LABORKG_CACHE_DIR", str(tmp_path))
    calls = []
    real = reason.owl_rl_closure
    monkeypatch.setattr(reason, "owl_rl_closure", lambda g: calls.append(1) or real(g))
    files = input_files()
    first = reason.closure(files)
    assert calls == [1]
    second = reason.closure(files)
    assert calls == [1], "the closure was recomputed although nothing changed"

    def ground(g):
        return {t for t in g if not any(isinstance(n, BNode) for n in t)}

    assert len(first) == len(second) and ground(first) == ground(second)
    assert len(list(tmp_path.glob("closure-query-*.nt"))) == 1


def test_a_change_in_the_data_invalidates_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LABORKG_CACHE_DIR", str(tmp_path / "cache"))
    calls = []
    real = reason.owl_rl_closure
    monkeypatch.setattr(reason, "owl_rl_closure", lambda g: calls.append(1) or real(g))
    data = tmp_path / "d.ttl"
    data.write_text(SYNTHETIC)
    files = paths.ontology_files() + [data]
    reason.closure(files)
    data.write_text(SYNTHETIC + "lkr:t-extra a lkg:GovernmentAgency .\n")
    g = reason.closure(files)
    assert calls == [1, 1]
    assert (LKR["t-extra"], RDF.type, LKG.Agent) in g


def test_a_damaged_cache_file_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("LABORKG_CACHE_DIR", str(tmp_path))
    files = input_files()
    reason.closure(files)
    (cached,) = tmp_path.glob("closure-query-*.nt")
    cached.write_text("<broken")
    g = reason.closure(files)
    assert (LKR.stps, RDF.type, LKG.Agent) in g


def test_owl_imports_are_never_fetched(tmp_path, canary):
    """A data file importing an ontology from a live local server: the server sees no request."""
    base, hits = canary
    f = tmp_path / "imports.ttl"
    f.write_text(f"<https://w3id.org/laborkg/id/t> <{OWL.imports}> <{base}/onto.ttl> .\n")
    g = reason.closure(paths.ontology_files() + [f], use_cache=False)
    assert (URIRef("http://x/a"), None, None) not in g
    assert hits == []

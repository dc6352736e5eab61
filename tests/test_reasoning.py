"""OWL RL closure: the entailments the queries rely on, the cache, and no network."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from laborkg import paths
from laborkg.namespace import LKG, LKR
from laborkg.pipeline import reason, rules
from laborkg.pipeline.load import input_files, load

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


# ---------------------------------------------------------------------------------------------
# laborkg's own reasoner (laborkg.rules) gives exactly owlrl's closure after laborkg's tidying

PREFIXES = """@prefix : <http://example.org/t#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

# One small graph per group of rules; each compared with owlrl.
RULE_CASES = {
    "classes": """
        :A a owl:Class ; rdfs:subClassOf :B .  :B owl:equivalentClass :C .  :C rdfs:subClassOf :D .
        :D rdfs:subClassOf :B .  :E rdfs:subClassOf :A .  :x a :E .  :y a :C .  :z a :Undeclared .
        :Undeclared rdfs:subClassOf :A .""",
    "properties": """
        :p a owl:ObjectProperty ; rdfs:subPropertyOf :q .  :q owl:equivalentProperty :r .
        :r rdfs:subPropertyOf :s .  :s rdfs:subPropertyOf :q .  :x :p :y .  :y :r :z .""",
    "domain-range": """
        :p rdfs:domain :A ; rdfs:range :B .  :A rdfs:subClassOf :C .  :C a owl:Class .
        :q rdfs:subPropertyOf :p .  :x :q :y .
        :d a owl:DatatypeProperty ; rdfs:range xsd:string ; rdfs:domain :A .
        :x :d "text" , "texto"@es .  :n rdfs:range xsd:decimal .  :x :n 5 , 2.5 , "7"^^xsd:byte .
        :b rdfs:range xsd:boolean .  :x :b true .  :r a xsd:int .""",
    "inverse": """
        :p owl:inverseOf :q .  :p2 rdfs:subPropertyOf :p .  :q rdfs:subPropertyOf :q2 .
        :q2 owl:inverseOf :p3 .  :x :p :y .  :z :q :w .  :u :p2 :v .""",
    "symmetric-transitive": """
        :s a owl:SymmetricProperty .  :x :s :y .  :t a owl:TransitiveProperty .  :a :t :b .  :b :t :c .
        :c :t :d .  :u rdfs:subPropertyOf :t .  :d :u :e .  :t owl:inverseOf :ti .
        :st a owl:SymmetricProperty , owl:TransitiveProperty .  :m :st :n .  :n :st :o .""",
    "chains": """
        :P owl:propertyChainAxiom ( :p1 :p2 ) ; rdfs:subPropertyOf :Psuper ; owl:inverseOf :Pinv .
        :x :p1 :y .  :y :p2 :z .  :y :p2 :z2 .  :x2 :p1 :y .
        :Q owl:propertyChainAxiom ( :P :p3 :p4 ) .  :z :p3 :w .  :w :p4 :v .
        :R owl:propertyChainAxiom ( :t :p1 ) .  :t a owl:TransitiveProperty .  :a :t :b .  :b :t :x .
        :S owl:propertyChainAxiom ( :Pinv :p1 ) .  :Psuper rdfs:domain :HasChain .
        :T a owl:TransitiveProperty ; owl:propertyChainAxiom ( :a1 :a2 ) .
        :w :T :k .  :k :a1 :m .  :m :a2 :n .""",
    "literal-inverse": """
        :d a owl:DatatypeProperty ; owl:inverseOf :di .  :di rdfs:subPropertyOf :dj .  :dj owl:inverseOf :dk .
        :x :d "value" .""",
    "class-declared-by-range": """
        :kind rdfs:range owl:Class .  :g :kind :Foo .  :y a :Foo .
        :how rdfs:range owl:TransitiveProperty .  :g :how :t .  :a :t :b .  :b :t :c .""",
    "datatype-clash-unseen": """
        :n rdfs:range xsd:decimal .  :x :n true .""",  # no decimal literal: no disjointness, no clash
    "functional-with-one-value": """
        :f a owl:FunctionalProperty , owl:ObjectProperty ; owl:inverseOf :fi .  :x :f :y .  :z :f :y .""",
}

# Graphs that need a rule laborkg's reasoner does not implement, or that owlrl finds inconsistent.
FALLBACK_CASES = {
    "sameAs": ":x owl:sameAs :y .  :x :p :z .",
    "hasValue": ":R owl:onProperty :p ; owl:hasValue :v .  :C owl:equivalentClass :R .  :x :p :v .",
    "union": ":U owl:unionOf ( :A :B ) .  :x a :A .",
    "two-functional-values": ":f a owl:FunctionalProperty .  :x :f :a , :b .",
    "nothing": ":x a owl:Nothing .",
    "disjoint": ":A owl:disjointWith :B .  :x a :A , :B .",
    "ill-typed-literal": ':x :n "many"^^xsd:integer .',
    "literal-in-disjoint-datatypes": ":n rdfs:range xsd:decimal .  :x :n true .  :y :m 2.5 .",
    "inverse-functional": ":f a owl:InverseFunctionalProperty .  :x :f :a .",
    "axioms-on-rdf-type": "rdf:type rdfs:domain :Typed .  :x a :A .",
}


def _parse(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def _both(asserted) -> tuple:
    """(laborkg.rules' closure, owlrl's tidied closure) of copies of ``asserted`` (same blank nodes)."""
    ours, reference = Graph(), Graph()
    ours += asserted
    reference += asserted
    rules.materialise(ours)  # raises where it would fall back: these graphs must not
    reason.owl_rl_closure(reference, reasoner="owlrl")
    return ours, reference


def _assert_same(ours, reference):
    only_ours, only_owlrl = set(ours) - set(reference), set(reference) - set(ours)
    assert not only_ours and not only_owlrl, (sorted(only_ours)[:10], sorted(only_owlrl)[:10])


@pytest.fixture(scope="module", params=[False, True], ids=["query", "validation"])
def shipped_closures(request):
    asserted = load(input_files())
    if request.param:
        asserted.remove((None, RDFS.domain, None))
        asserted.remove((None, RDFS.range, None))
    return _both(asserted)


@pytest.mark.owlrl
@pytest.mark.slow
def test_laborkg_reasoner_gives_owlrls_closure_of_the_shipped_graph(shipped_closures):
    ours, reference = shipped_closures
    _assert_same(ours, reference)
    assert len(ours) > 10_000


@pytest.mark.owlrl
@pytest.mark.parametrize("case", sorted(RULE_CASES))
def test_laborkg_reasoner_gives_owlrls_closure_rule_by_rule(case):
    ours, reference = _both(_parse(RULE_CASES[case]))
    _assert_same(ours, reference)


@pytest.mark.owlrl
@pytest.mark.slow
def test_laborkg_reasoner_gives_owlrls_closure_of_a_generated_graph(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "bench"))
    from generate import generate

    f = tmp_path / "syn-10k.ttl"
    generate(10_000, f)
    ours, reference = _both(load(paths.ontology_files() + [paths.DATA_DIR / "sources.ttl", f]))
    _assert_same(ours, reference)


@pytest.mark.owlrl
@pytest.mark.parametrize("case", sorted(FALLBACK_CASES))
def test_laborkg_reasoner_leaves_what_it_does_not_implement_to_owlrl(case):
    asserted = _parse(FALLBACK_CASES[case])
    untouched = Graph()
    untouched += asserted
    with pytest.raises(rules.Unsupported):
        rules.materialise(untouched)
    assert set(untouched) == set(asserted)  # nothing written before giving up
    ours, reference = Graph(), Graph()
    ours += asserted
    reference += asserted
    reason.owl_rl_closure(ours, reasoner="laborkg")
    reason.owl_rl_closure(reference, reasoner="owlrl")

    def ground(g):  # owlrl reports an inconsistency with fresh blank nodes
        return {t for t in g if not any(isinstance(n, BNode) for n in t)}

    assert len(ours) == len(reference) and ground(ours) == ground(reference)


@pytest.mark.owlrl
def test_the_comparison_catches_a_dropped_rule(monkeypatch):
    """The comparison can fail: with the subclass hierarchy no longer closed transitively (rule scm-sco
    dropped), the closures differ."""

    def one_step(pairs):
        out: dict = {}
        for a, b in pairs:
            if a != b:
                out.setdefault(a, set()).add(b)
        return out

    monkeypatch.setattr(rules, "_closure", one_step)
    ours, reference = _both(_parse(RULE_CASES["classes"]))
    assert set(reference) - set(ours)


def test_laborkg_reasoner_writes_an_ordinary_rdflib_graph(asserted):
    """The closure is written straight into rdflib's in-memory indexes: the graph then answers every
    pattern, counts, removes and adds as one built triple by triple does."""
    fast = Graph()
    fast += asserted
    assert rules._memory_context(fast) is not None  # the direct path is the one taken
    rules.materialise(fast)
    slow = Graph()
    for t in fast:
        slow.add(t)
    assert len(fast) == len(slow) > len(asserted)
    s, p, o = next(iter(fast.triples((LKR.stps, RDF.type, None))))
    for pattern in (
        (s, None, None),
        (None, p, None),
        (None, None, o),
        (s, p, None),
        (None, p, o),
        (s, None, o),
    ):
        assert set(fast.triples(pattern)) == set(slow.triples(pattern))
    fast.remove((s, None, None))
    slow.remove((s, None, None))
    fast.add((s, RDF.type, LKG.Agent))
    slow.add((s, RDF.type, LKG.Agent))
    assert set(fast) == set(slow) and len(fast) == len(slow)
    assert (s, RDF.type, LKG.Agent) in fast and len(list(fast.triples((s, None, None)))) == 1


@pytest.mark.owlrl
def test_laborkg_reasoner_through_rdflibs_public_api(monkeypatch):
    """Where the store is not rdflib's in-memory one holding the graph alone, the public API is used."""
    monkeypatch.setattr(rules, "_memory_context", lambda graph: None)
    for case in ("chains", "domain-range"):
        ours, reference = _both(_parse(RULE_CASES[case] + " :a rdfs:subClassOf :a ."))
        _assert_same(ours, reference)


def test_laborkg_reasoner_is_selectable(monkeypatch):
    monkeypatch.setenv("LABORKG_REASONER", "laborkg")
    assert reason.reasoner_name() == "laborkg"
    files = input_files()
    keys = {reason.inputs_key(files, "query", name) for name in ("laborkg", "owlrl", "reasonable")}
    assert len(keys) == 3

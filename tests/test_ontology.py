"""The ontology: every term labelled in English and Spanish and defined; nothing imported;
the modelling the seeds need is there, aligned to standard vocabularies."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from laborkg import paths
from laborkg.namespace import LKC, LKG, is_own_term
from laborkg.pipeline.load import load

DECLARING_TYPES = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    SKOS.ConceptScheme,
    URIRef("http://purl.org/linked-data/cube#DataStructureDefinition"),
    LKG.ActivityStatus,
    LKG.OrganisationRoleType,
    LKG.Currency,
    LKG.UnitOfMeasure,
    LKG.ValueQualifier,
    LKG.ConflictKind,
    LKG.ConflictSeverity,
}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return load(paths.ontology_files())


def own_terms(g: Graph) -> set[URIRef]:
    return {s for s, t in g.subject_objects(RDF.type) if isinstance(s, URIRef) and is_own_term(str(s))}


def test_ontology_declares_many_terms(onto):
    terms = own_terms(onto)
    assert len([t for t in terms if (t, RDF.type, OWL.Class) in onto]) >= 60
    assert (
        len([t for t in terms if str(t).startswith(str(LKG)) and (t, RDF.type, OWL.Class) not in onto]) >= 100
    )


def test_every_term_has_english_and_spanish_labels_and_a_definition(onto):
    problems = []
    for term in sorted(own_terms(onto)):
        langs = {lit.language for lit in onto.objects(term, RDFS.label) if isinstance(lit, Literal)}
        if not {"en", "es"} <= langs:
            problems.append(f"{term}: labels in {sorted(x or '-' for x in langs)}")
        defs = [
            d for d in onto.objects(term, SKOS.definition) if isinstance(d, Literal) and d.language == "en"
        ]
        if len(defs) != 1:
            problems.append(f"{term}: {len(defs)} English definitions")
        for lang in ("en", "es"):
            if len([lit for lit in onto.objects(term, RDFS.label) if lit.language == lang]) > 1:
                problems.append(f"{term}: more than one @{lang} label")
    assert not problems, "\n".join(problems)


def test_every_own_term_used_in_the_ontology_is_declared(onto):
    declared = own_terms(onto)
    used = {n for t in onto for n in t if isinstance(n, URIRef) and is_own_term(str(n))}
    assert used - declared == set()


def test_terms_are_declared_with_a_known_kind(onto):
    for term in own_terms(onto):
        assert set(onto.objects(term, RDF.type)) & DECLARING_TYPES, term


def test_nothing_is_imported(onto):
    assert not list(onto.triples((None, OWL.imports, None)))


def test_own_terms_stay_in_own_namespace(onto):
    """Alignment axioms about external terms never give them labels or definitions of ours."""
    for s in onto.subjects(SKOS.definition, None):
        assert is_own_term(str(s)), s


@pytest.mark.parametrize(
    "cls, ancestor",
    [
        ("GovernmentAgency", "http://www.w3.org/ns/org#Organization"),
        ("SubAgency", "http://www.w3.org/ns/org#OrganizationalUnit"),
        ("Person", "http://xmlns.com/foaf/0.1/Person"),
        ("Agent", "http://www.w3.org/ns/prov#Agent"),
        ("Program", "http://www.w3.org/ns/prov#Activity"),
        ("Policy", "http://www.w3.org/ns/prov#Plan"),
        ("Observation", "http://purl.org/linked-data/cube#Observation"),
        ("Concept", "http://www.w3.org/2004/02/skos/core#Concept"),
        ("Event", "https://schema.org/Event"),
        ("LegalInstrument", "https://schema.org/Legislation"),
        ("Country", "https://schema.org/Country"),
        ("SourcePassage", "http://www.w3.org/ns/prov#Entity"),
        ("PositionHolding", "http://www.w3.org/ns/org#Membership"),
    ],
)
def test_classes_align_to_standard_vocabularies(onto, cls, ancestor):
    assert URIRef(ancestor) in set(onto.transitive_objects(LKG[cls], RDFS.subClassOf))


REQUIRED_CLASSES = """
    GovernmentAgency SubAgency InternationalOrganisation NonGovernmentalOrganisation Union University
    BusinessAssociation CoordinatingBody NationalGovernment UnspecifiedGroup Person PositionHolding Membership
    Country SubnationalState City
    TechnicalAssistanceProject SocialProgram Policy LaborMobilityProgram WorkingGroup ProgramSet Mechanism
    TrainingProgram Funding OrganisationRole ActivityStatus OrganisationRoleType Currency
    Law Constitution LegalProvision LegalStandard LegalAmendment LegalReform
    Convention Protocol TradeAgreement Declaration Memorandum Ratification
    Meeting Launch ExperienceExchange Cancellation Summit Commitment
    Sector ChildLaborActivity Observation Indicator Caveat SuggestedAction ActionArea
    SourceDocument SourcePassage Claim NameClaim Statement Outcome
""".split()


@pytest.mark.parametrize("name", REQUIRED_CLASSES)
def test_the_model_can_say_what_the_seeds_say(onto, name):
    assert (LKG[name], RDF.type, OWL.Class) in onto


def test_code_lists_hold_the_iati_and_iso_codes(onto):
    def english(c):
        return next(str(x) for x in onto.objects(c, RDFS.label) if x.language == "en")

    codes = onto.subjects(RDF.type, LKG.ActivityStatus)
    status = {str(onto.value(c, SKOS.notation)): english(c) for c in codes}
    assert status["5"] == "Cancelled" and status["6"] == "Suspended" and len(status) == 6
    roles = {str(onto.value(c, SKOS.notation)) for c in onto.subjects(RDF.type, LKG.OrganisationRoleType)}
    assert roles == {"1", "2", "3", "4"}
    assert (LKC.USD, SKOS.notation, Literal("USD")) in onto


def test_amounts_are_decimal_and_marks_boolean(onto):
    from rdflib.namespace import XSD

    assert onto.value(LKG.amount, RDFS.range) == XSD.decimal
    assert onto.value(LKG.hazardous, RDFS.range) == XSD.boolean
    assert onto.value(LKG.categoricalWorstForm, RDFS.range) == XSD.boolean


def test_python_namespace_lists_exactly_the_ontology_terms(onto):
    """laborkg.namespace.LKG is a closed namespace kept in sync with the ontology."""
    from laborkg.namespace import LKG as closed

    declared = {str(s)[len(str(LKG)) :] for s in own_terms(onto) if str(s).startswith(str(LKG))}
    assert set(closed.__annotations__) == declared

"""Namespaces of laborkg and the vocabularies it aligns to, with one prefix binder."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    QB,
    RDF,
    RDFS,
    SDO,
    SKOS,
    TIME,
    XSD,
    DefinedNamespace,
)

BASE = "https://w3id.org/laborkg/"


class LKG(DefinedNamespace):
    """laborkg's ontology terms, closed: a misspelt term fails at import time (kept in sync with
    ontology/laborkg.ttl by a test)."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    ActionArea: URIRef
    ActionTarget: URIRef
    ActivityStatus: URIRef
    Agent: URIRef
    BusinessAssociation: URIRef
    Cancellation: URIRef
    Caveat: URIRef
    ChildLaborActivity: URIRef
    CitedDocument: URIRef
    City: URIRef
    Claim: URIRef
    Commitment: URIRef
    Concept: URIRef
    Conflict: URIRef
    ConflictKind: URIRef
    ConflictSeverity: URIRef
    Constitution: URIRef
    Convention: URIRef
    CoordinatingBody: URIRef
    Country: URIRef
    CountryProfile: URIRef
    CountryRecord: URIRef
    Currency: URIRef
    Declaration: URIRef
    Document: URIRef
    ElementValue: URIRef
    Enactment: URIRef
    Event: URIRef
    ExperienceExchange: URIRef
    Fact: URIRef
    FindingsFile: URIRef
    FindingsReport: URIRef
    FocusArea: URIRef
    Funding: URIRef
    Good: URIRef
    GovernmentAgency: URIRef
    Indicator: URIRef
    Initiative: URIRef
    InternationalInstrument: URIRef
    InternationalOrganisation: URIRef
    LaborMobilityProgram: URIRef
    Launch: URIRef
    Law: URIRef
    LegalAmendment: URIRef
    LegalInstrument: URIRef
    LegalProvision: URIRef
    LegalReform: URIRef
    LegalStandard: URIRef
    Mechanism: URIRef
    Meeting: URIRef
    Membership: URIRef
    Memorandum: URIRef
    NameClaim: URIRef
    NamedEntity: URIRef
    NationalGovernment: URIRef
    NonGovernmentalOrganisation: URIRef
    Objective: URIRef
    Observation: URIRef
    Organisation: URIRef
    OrganisationRole: URIRef
    OrganisationRoleType: URIRef
    Outcome: URIRef
    Person: URIRef
    Place: URIRef
    Policy: URIRef
    PositionHolding: URIRef
    Program: URIRef
    ProgramSet: URIRef
    ProjectListing: URIRef
    Protocol: URIRef
    Ratification: URIRef
    Report: URIRef
    Resource: URIRef
    Sector: URIRef
    SocialProgram: URIRef
    SourceDocument: URIRef
    ReportPassage: URIRef
    SourcePassage: URIRef
    StandardType: URIRef
    Statement: URIRef
    StatisticsStructure: URIRef
    SubAgency: URIRef
    SubnationalState: URIRef
    SuggestedAction: URIRef
    Summit: URIRef
    TechnicalAssistanceProject: URIRef
    TradeAgreement: URIRef
    TrainingProgram: URIRef
    Union: URIRef
    UnitOfMeasure: URIRef
    University: URIRef
    UnspecifiedGroup: URIRef
    ValueQualifier: URIRef
    WorkingGroup: URIRef
    about: URIRef
    accessedDate: URIRef
    acronym: URIRef
    actionArea: URIRef
    actionText: URIRef
    addressedTo: URIRef
    advancementLevel: URIRef
    ageCalculated: URIRef
    ageRange: URIRef
    agendaItem: URIRef
    agendaTopic: URIRef
    agreementParty: URIRef
    amends: URIRef
    amount: URIRef
    appliesIn: URIRef
    articleNumber: URIRef
    author: URIRef
    basedIn: URIRef
    beneficiary: URIRef
    booleanValue: URIRef
    cancelledBy: URIRef
    cancelledIn: URIRef
    cancelledInitiative: URIRef
    categoricalWorstForm: URIRef
    caveat: URIRef
    chair: URIRef
    charOffset: URIRef
    citedIn: URIRef
    citesReference: URIRef
    claim: URIRef
    commitmentText: URIRef
    committedBy: URIRef
    componentOf: URIRef
    conflictKind: URIRef
    conflictsWith: URIRef
    contributor: URIRef
    countryRecord: URIRef
    coversSector: URIRef
    currency: URIRef
    date: URIRef
    dateNotStated: URIRef
    description: URIRef
    downgradeAssessment: URIRef
    elementPath: URIRef
    enactedDate: URIRef
    endDate: URIRef
    establishedBy: URIRef
    establishedUnder: URIRef
    fileName: URIRef
    focusArea: URIRef
    fromValue: URIRef
    fundedBy: URIRef
    fundedInitiative: URIRef
    funder: URIRef
    good: URIRef
    hasBudget: URIRef
    hasComponent: URIRef
    hasFunding: URIRef
    hasMember: URIRef
    hasMembership: URIRef
    hasRatified: URIRef
    hasSubAgency: URIRef
    hasTarget: URIRef
    hazardous: URIRef
    holder: URIRef
    inDocument: URIRef
    inFile: URIRef
    inProgramSet: URIRef
    inSector: URIRef
    includesProgram: URIRef
    indicator: URIRef
    inputCountry: URIRef
    iso3166Alpha2: URIRef
    iso3166Alpha3: URIRef
    jurisdiction: URIRef
    launched: URIRef
    listedProject: URIRef
    madeAt: URIRef
    managedBy: URIRef
    meetingFrequency: URIRef
    meetsInternationalStandards: URIRef
    member: URIRef
    memberKind: URIRef
    memberOf: URIRef
    minimumAge: URIRef
    multipleTerritories: URIRef
    name: URIRef
    namedEntity: URIRef
    objective: URIRef
    objectiveOf: URIRef
    objectiveText: URIRef
    operatesUnder: URIRef
    ordinal: URIRef
    organiser: URIRef
    outcomeOf: URIRef
    ownLabel: URIRef
    partOfLaw: URIRef
    partOfPlace: URIRef
    participant: URIRef
    partner: URIRef
    partyToRatification: URIRef
    positionIn: URIRef
    positionJurisdiction: URIRef
    positionTitle: URIRef
    profileOf: URIRef
    programCount: URIRef
    prohibits: URIRef
    projectTitle: URIRef
    providedBy: URIRef
    publicationPlace: URIRef
    publishedBy: URIRef
    quantityMax: URIRef
    quantityMin: URIRef
    quantityUnit: URIRef
    quote: URIRef
    ratifiedInstrument: URIRef
    ratifyingParty: URIRef
    receivesFunding: URIRef
    recordPosition: URIRef
    refArea: URIRef
    refEntity: URIRef
    refSector: URIRef
    refYear: URIRef
    refYearEnd: URIRef
    referenceNumber: URIRef
    reportedBy: URIRef
    reportedIn: URIRef
    reportingYear: URIRef
    roleInInitiative: URIRef
    roleOrganisation: URIRef
    roleType: URIRef
    sameThingAs: URIRef
    sector: URIRef
    severity: URIRef
    sha256: URIRef
    page: URIRef
    reportSha256: URIRef
    endnote: URIRef
    sharedExperienceOf: URIRef
    source: URIRef
    speaker: URIRef
    standardEstablished: URIRef
    standardType: URIRef
    startDate: URIRef
    statementText: URIRef
    statisticalSource: URIRef
    status: URIRef
    subAgencyOf: URIRef
    suggestedBy: URIRef
    supplements: URIRef
    supportedBy: URIRef
    supportedThrough: URIRef
    supportsImplementationOf: URIRef
    targetBasis: URIRef
    targetIndicator: URIRef
    targetStandard: URIRef
    territoryName: URIRef
    toValue: URIRef
    topic: URIRef
    underInitiative: URIRef
    unit: URIRef
    unitOf: URIRef
    usdolRegion: URIRef
    value: URIRef
    valueNote: URIRef
    valueQualifier: URIRef
    webAddress: URIRef
    webpage: URIRef
    yearSuggested: URIRef


LKC = Namespace(BASE + "code/")
"""Code lists (IATI ActivityStatus and OrganisationRole, ISO 4217)."""
LKR = Namespace(BASE + "id/")
"""Instance data: entities and facts."""
LKP = Namespace(BASE + "id/passage/")
"""Source passages."""
SH = Namespace("http://www.w3.org/ns/shacl#")

PREFIXES: dict[str, Namespace | type[DefinedNamespace]] = {
    "lkg": LKG,
    "lkc": LKC,
    "lkr": LKR,
    "lkp": LKP,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "org": ORG,
    "schema": SDO,
    "foaf": FOAF,
    "qb": QB,
    "time": TIME,
    "sh": SH,
}

ACTIVITY_STATUS = {code: LKC[f"iati-activity-status-{code}"] for code in range(1, 7)}
CANCELLED = ACTIVITY_STATUS[5]
SUSPENDED = ACTIVITY_STATUS[6]


def bind_prefixes(graph: Graph) -> Graph:
    """Bind laborkg's prefixes on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def sparql_prologue() -> str:
    """PREFIX declarations for every laborkg prefix, to prepend to packaged queries."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def is_own_term(iri: str) -> bool:
    """True for an IRI of the ontology or of its code lists (which the ontology must declare)."""
    return iri.startswith(str(LKG)) or iri.startswith(str(LKC))

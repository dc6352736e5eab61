"""The SHACL shapes compiled to SPARQL and run on pyoxigraph (``laborkg.pipeline.shacl_sparql``) give
pySHACL's report (``laborkg.pipeline.validate.shacl_violations``) field by field.

pySHACL judges a literal by the rdflib ``Literal`` made when the data was parsed, with rdflib's table of
datatypes at that moment; owlrl adds entries to that table (xsd:gYear, …) when it reasons, so that a test
session that reasoned with owlrl before would give a different reference. The reference graph is
therefore parsed with rdflib's own table (``rdflib_datatypes``), as in ``laborkg build``.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, term
from rdflib.namespace import RDF, RDFS, XSD

from laborkg import paths
from laborkg.namespace import LKC, LKG, SH
from laborkg.pipeline.load import input_files
from laborkg.pipeline.reason import closure
from laborkg.pipeline.shacl_literals import sparql_regex, sparql_string
from laborkg.pipeline.shacl_sparql import UnsupportedShape, compile_shapes, shacl_violations_store
from laborkg.pipeline.validate import shacl_violations, shapes_graph, violation_key

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
BAD = sorted((FIXTURES / "bad").glob("*.ttl"))
PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://ex/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
"""


@contextlib.contextmanager
def rdflib_datatypes():
    """rdflib's own datatype table while the block runs (see the module's docstring)."""
    saved = dict(term._toPythonMapping)
    term._toPythonMapping.clear()
    term._toPythonMapping.update(term.XSDToPython)
    try:
        yield
    finally:
        term._toPythonMapping.clear()
        term._toPythonMapping.update(saved)


def reports(graph: Graph, shapes: Graph, store_only: tuple = ()) -> tuple[list, list]:
    """(pySHACL's violations, the store's) for ``graph``, both sorted; ``store_only``: triples added to
    the store alone."""
    data = graph.serialize(format="nt", encoding="utf-8")
    with rdflib_datatypes():
        reference = Graph()
        reference.namespace_manager = graph.namespace_manager
        reference.parse(data=data, format="nt")
    expected = sorted(shacl_violations(reference, shapes), key=violation_key)
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_TRIPLES)
    for s, p, o in store_only:
        store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.Literal(o), ox.DefaultGraph()))
    return expected, shacl_violations_store(store, shapes, namespaces=graph)


def assert_same(expected: list, got: list) -> None:
    missing = [v for v in expected if v not in got]
    extra = [v for v in got if v not in expected]
    assert (missing, extra) == ([], []), f"only pySHACL: {missing}\nonly the store: {extra}"
    assert got == expected  # multiplicity and order too


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return shapes_graph()


@pytest.fixture(scope="module")
def shipped() -> Graph:
    """The shipped graph's validation closure, as laborkg build validates it."""
    return closure(input_files(), for_validation=True)


def fixture_closure(*extra: Path) -> Graph:
    return closure(
        paths.ontology_files() + [paths.DATA_DIR / "sources.ttl", FIXTURES / "good.ttl", *extra],
        for_validation=True,
    )


# ---------------------------------------------------------------------------------------------
# The shipped graph and the shape fixtures


def test_the_shipped_closure_conforms_on_both(shipped, shapes):
    expected, got = reports(shipped, shapes)
    assert expected == [] and got == []
    assert len(compile_shapes(shapes)) > 60  # every constraint reached from a target has a query


def test_all_bad_fixtures_together_give_the_same_report(shapes):
    expected, got = reports(fixture_closure(*BAD), shapes)
    assert len(expected) > 30  # some fixtures are for the violation queries, not the shapes
    assert_same(expected, got)


def test_pyshacls_own_messages_where_shapes_have_none(shapes):
    """Without sh:message, every result carries pySHACL's default text: the store writes the same."""
    bare = Graph()
    bare.namespace_manager = shapes.namespace_manager
    for t in shapes:
        if t[1] != SH.message:
            bare.add(t)
    expected, got = reports(fixture_closure(*BAD), bare)
    assert {v.message for v in expected} - {""}, "pySHACL gave no message of its own"
    assert any("Less than 1 values on lkr:" in v.message for v in got)
    assert_same(expected, got)


@pytest.mark.slow  # 46 closures and comparisons, ~50 s together; the test above covers the fast tier
@pytest.mark.parametrize("fixture", [FIXTURES / "good.ttl", *BAD], ids=lambda p: p.stem)
def test_each_fixture_gives_the_same_report(fixture, shapes):
    graph = fixture_closure() if fixture.name == "good.ttl" else fixture_closure(fixture)
    expected, got = reports(graph, shapes)
    expects_shapes = re.search(r"^# expect: \S+ \S+ sh:", fixture.read_text(), flags=re.M)
    assert bool(expected) >= bool(expects_shapes) and (expected == []) >= (fixture.name == "good.ttl")
    assert_same(expected, got)


def test_a_difference_is_seen(shipped, shapes):
    """The comparison can fail: a value only the store holds is reported only by the store."""
    passage = sorted(shipped.subjects(RDF.type, LKG.SourcePassage))[0]
    expected, got = reports(shipped, shapes, store_only=((str(passage), str(LKG.quote), "twice"),))
    assert expected == []
    assert [(v.focus, v.component) for v in got] == [(str(passage), str(SH.MaxCountConstraintComponent))]


# ---------------------------------------------------------------------------------------------
# Mutations of the shipped closure: every constraint component the shapes use fires


def _first(graph: Graph, query: str):
    return sorted(row[0] for row in graph.query(f"PREFIX lkg: <{LKG._NS}>\n{query}"))[0]


def _set(graph: Graph, s, p, *objects) -> None:
    graph.remove((s, p, None))
    for o in objects:
        graph.add((s, p, o))


def mutate(g: Graph) -> set[tuple[str, str]]:
    """Alter ``g`` in place; return the (focus, constraint component) each alteration must give."""
    want = set()

    def expect(node, component: str) -> None:
        want.add((str(node), str(SH[component + "ConstraintComponent"])))

    funding = _first(g, "SELECT ?f { ?f a lkg:Funding ; lkg:funder ?x }")
    _set(g, funding, LKG.funder)
    expect(funding, "MinCount")
    other = _first(g, "SELECT ?f { ?f a lkg:Funding ; lkg:funder ?x } ORDER BY DESC(?f)")
    convention = _first(g, "SELECT ?c { ?c a lkg:Convention }")
    _set(g, other, LKG.funder, convention)
    expect(other, "Class")
    passage = _first(g, "SELECT ?p { ?p a lkg:SourcePassage ; lkg:charOffset ?o ; lkg:quote ?q }")
    documents = sorted(g.subjects(RDF.type, LKG.SourceDocument))
    _set(g, passage, LKG.inDocument, *documents[:2])
    _set(g, passage, LKG.charOffset, Literal(-1))
    _set(g, passage, LKG.quote, Literal(""))
    expect(passage, "MaxCount")
    expect(passage, "MinInclusive")
    expect(passage, "MinLength")
    _set(g, documents[0], LKG.fileName, Literal("notes.txt"))
    expect(documents[0], "Pattern")
    unsourced = _first(g, "SELECT ?r { ?r a lkg:Initiative ; lkg:source ?s }")
    _set(g, unsourced, LKG.source)
    expect(unsourced, "MinCount")
    program = _first(g, "SELECT ?p { ?p lkg:status ?s }")
    _set(g, program, LKG.status, LKC["iati-organisation-role-1"])
    expect(program, "In")
    money = _first(g, "SELECT ?m { ?m lkg:amount ?a }")
    _set(g, money, LKG.amount, Literal(5))
    expect(money, "Datatype")
    observations = sorted(g.subjects(RDF.type, LKG.Observation))
    with_value = _first(g, "SELECT ?o { ?o a lkg:Observation ; lkg:value ?v }")
    _set(g, with_value, LKG.value, Literal("12"))
    _set(g, with_value, LKG.refYear, Literal("2019", datatype=XSD.gYear), Literal("2020", datatype=XSD.gYear))
    expect(with_value, "Datatype")
    expect(with_value, "MaxCount")
    yes_no = _first(g, "SELECT ?o { ?o a lkg:Observation ; lkg:booleanValue ?v }")
    _set(g, yes_no, LKG.booleanValue, Literal(1))
    expect(yes_no, "Datatype")
    empty = next(o for o in observations if o not in (with_value, yes_no))
    for p in (LKG.value, LKG.booleanValue, LKG.valueNote):
        _set(g, empty, p)
    expect(empty, "Or")
    entity = _first(g, "SELECT ?e { ?e a lkg:Country ; rdfs:label ?l }")
    _set(g, entity, RDFS.label, Literal("Solo", lang="es"))
    expect(entity, "QualifiedMinCount")
    twice = _first(g, "SELECT ?e { ?e a lkg:Agent ; rdfs:label ?l }")
    g.add((twice, RDFS.label, Literal("Another English name", lang="en")))
    expect(twice, "UniqueLang")
    event = _first(g, "SELECT ?e { ?e a lkg:Event ; lkg:date ?d }")
    _set(g, event, LKG.date)
    expect(event, "Node")  # WhenStated: no date and no lkg:dateNotStated true (sh:or, sh:hasValue)
    unstated = _first(g, "SELECT ?e { ?e a lkg:Event ; lkg:dateNotStated true }")
    _set(g, unstated, LKG.dateNotStated, Literal(False))
    expect(unstated, "Node")
    dated = _first(g, "SELECT ?d { ?d lkg:date ?x FILTER NOT EXISTS { ?d a lkg:Event } }")
    _set(g, dated, LKG.date, Literal("2020-13-01", datatype=XSD.date))
    expect(dated, "Node")  # DateValue: sh:or of sh:datatype and sh:pattern
    period = _first(g, "SELECT ?p { ?p lkg:startDate ?s ; lkg:endDate ?e }")
    _set(g, period, LKG.startDate, Literal("2031", datatype=XSD.gYear))
    expect(period, "SPARQL")
    holding = _first(g, "SELECT ?h { ?h a lkg:PositionHolding }")
    _set(g, holding, LKG.positionTitle, Literal("Secretary"))
    expect(holding, "Datatype")
    conflict = _first(g, "SELECT ?c { ?c lkg:conflictsWith ?x }")
    _set(g, conflict, LKG.conflictsWith, LKC["iati-activity-status-1"])
    expect(conflict, "Class")
    return want


def test_every_component_fires_on_mutations_of_the_shipped_closure(shipped, shapes):
    g = Graph()
    g.namespace_manager = shipped.namespace_manager
    for t in shipped:
        g.add(t)
    want = mutate(g)
    expected, got = reports(g, shapes)
    assert_same(expected, got)
    fired = {(v.focus, v.component) for v in got}
    assert want - fired == set(), "mutations that fired nothing"
    used = {p for p in shapes.predicates() if p.startswith(str(SH))}
    components = {c.rsplit("#", 1)[1] for _, c in fired}
    for parameter, component in [
        ("minCount", "MinCount"),
        ("maxCount", "MaxCount"),
        ("class", "Class"),
        ("datatype", "Datatype"),
        ("node", "Node"),
        ("or", "Or"),
        ("pattern", "Pattern"),
        ("in", "In"),
        ("minInclusive", "MinInclusive"),
        ("minLength", "MinLength"),
        ("uniqueLang", "UniqueLang"),
        ("qualifiedMinCount", "QualifiedMinCount"),
        ("sparql", "SPARQL"),
    ]:
        assert SH[parameter] in used and component + "ConstraintComponent" in components, parameter


# ---------------------------------------------------------------------------------------------
# Literals, and the features laborkg's shapes do not use yet

X = str(XSD)
# Values whose lexical form rdflib and Oxigraph both keep: canonical for both, or ill-typed for both.
ZOO = {
    "integer": ["5", "-1", "abc", "5.0", ""],
    "decimal": ["1.5", "0.5", "abc"],
    "boolean": ["true", "false"],
    "date": ["2020-01-01", "2020-02-30", "2020-1-1", "20200101", "-0001-01-01", "12020-01-01", "0000-01-01"],
    "gYear": ["2020", "20x9", "0999", "-0044", "2020Z"],
    "gYearMonth": ["2020-01", "2020-13"],
    "double": ["INF", "abc"],
    "time": ["12:00:00", "25:00:00"],
    "dateTime": ["2020-01-01T00:00:00", "x"],
}
OTHER_VALUES = [
    *('"x"', '""', '"x"@en', '"x"@en-us', '"y"@es', '"a.txt\\n"', '"2020"', '"hello"', "<http://ex/iri>"),
    *('"x"^^<https://example.org/dt>', '"x"^^<http://example.org/dt>'),
]
# Forms rdflib rewrites (" 5" becomes "5", "yes"^^xsd:boolean becomes "false", ill-typed still) and
# Oxigraph keeps as written.
PYTHON_ONLY = {
    "boolean": ["TRUE", " true", "yes"],
    "integer": [" 5", "5 ", "1_000"],
    "decimal": [" 1.5", "1_0.5"],
    "date": ["2020-01-01Z", "2020-01-01+02:00", "2020-01-01-05:00", "2020-01-01T00:00:00"],
}
TYPES = (
    "string",
    "integer",
    "decimal",
    "boolean",
    "date",
    "gYear",
    "gYearMonth",
    "double",
    "float",
    "anyURI",
)
DATATYPES = {
    **{f"datatype-{d}": f"sh:datatype xsd:{d}" for d in TYPES},
    "datatype-langString": "sh:datatype <http://www.w3.org/1999/02/22-rdf-syntax-ns#langString>",
    "datatype-Literal": "sh:datatype rdfs:Literal",
    "datatype-own": "sh:datatype <https://example.org/dt>",
}
RANGES = {
    "minInclusive": "sh:minInclusive 0",
    "minInclusive-decimal": "sh:minInclusive 1.5",
    "maxInclusive": "sh:maxInclusive 0",
    "minExclusive": "sh:minExclusive 0",
    "maxExclusive-decimal": "sh:maxExclusive 2.5",
}
OTHERS = {
    "minLength": "sh:minLength 1",
    "maxLength": "sh:maxLength 3",
    "pattern": 'sh:pattern "^[0-9]{4}$"',
    "pattern-newline": 'sh:pattern "a\\\\.txt$"',
    "pattern-flags": 'sh:pattern "^X" ; sh:flags "i"',
    "languageIn": 'sh:languageIn ( "en" )',
    "languageIn-subtags": 'sh:languageIn ( "en-us" "ES" )',
    "nodeKind": "sh:nodeKind sh:BlankNodeOrIRI",
    "in": 'sh:in ( "x" 5 <http://ex/iri> "x"@en )',
    "class": "sh:class ex:C",
}


def zoo(values: list[str], constraints: dict[str, str]) -> tuple[Graph, Graph]:
    """(data: one node of class ex:C per value of ex:p, shapes: one property shape per constraint)."""
    data = PREFIXES + "".join(f"ex:s{i} a ex:C ; ex:p {v} .\n" for i, v in enumerate(values))
    shapes = PREFIXES + "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property "
    shapes += " , ".join(f"ex:{name}" for name in constraints) + " .\n"
    shapes += "".join(f"ex:{name} sh:path ex:p ; {c} .\n" for name, c in constraints.items())
    with rdflib_datatypes():
        return Graph().parse(data=data, format="turtle"), Graph().parse(data=shapes, format="turtle")


def test_literals_are_judged_as_pyshacl_judges_them():
    values = [f'"{lex}"^^<{X}{dt}>' for dt, lexes in ZOO.items() for lex in lexes] + OTHER_VALUES
    constraints = {**DATATYPES, **RANGES, **OTHERS}
    graph, shapes = zoo(values, constraints)
    expected, got = reports(graph, shapes)
    assert len(expected) > 300
    assert {v.shape.rsplit("/", 1)[1] for v in expected} == set(constraints)
    assert_same(expected, got)


@pytest.mark.filterwarnings("ignore:Parsing weird boolean")
def test_lexical_forms_only_python_reads_get_the_same_verdicts():
    """rdflib reads " 5"^^xsd:integer as 5 and reports it as "5"; Oxigraph keeps it as written: the
    results are the same, their values' text is not (docs/architecture.md)."""
    values = [f'"{lex}"^^<{X}{dt}>' for dt, lexes in PYTHON_ONLY.items() for lex in lexes]
    graph, shapes = zoo(values, {**DATATYPES, **RANGES})
    expected, got = reports(graph, shapes)
    assert len(expected) > 50

    def verdicts(report):
        return sorted((v.focus, v.shape, v.component) for v in report)

    assert verdicts(got) == verdicts(expected)


EXTRAS = FIXTURES.parent / "shacl_sparql"


@pytest.mark.parametrize("messages", [True, False], ids=["sh:message", "pySHACL's messages"])
def test_features_beyond_laborkgs_shapes(messages):
    """Targets of every kind, complex paths, nested property shapes, counts above one (top level and
    nested), severities in nested shapes (pySHACL's allow_warnings), sh:deactivated, SPARQL constraints
    with $PATH, prefixes and {?var} messages."""
    shapes = Graph().parse(EXTRAS / "extras-shapes.ttl", format="turtle")
    if not messages:
        shapes.remove((None, SH.message, None))
    with rdflib_datatypes():
        graph = Graph().parse(EXTRAS / "extras-data.ttl", format="turtle")
    expected, got = reports(graph, shapes)
    assert len({v.component for v in expected}) >= 14 and {v.severity for v in expected} == {
        "Violation",
        "Warning",
        "Info",
    }
    assert_same(expected, got)


# ---------------------------------------------------------------------------------------------
# What the compiler refuses, at compile time

P = "sh:property [ sh:path ex:p ;"  # the snippets below are completed as "ex:S sh:targetClass ex:C ; …"
Q = "<http://ex/p>"
QUALIFIED = (
    "sh:qualifiedValueShape [ sh:class ex:D ] ; sh:qualifiedMinCount 1 ; sh:qualifiedValueShapesDisjoint"
)
# (what is refused, the same shape with the feature, without it)
UNSUPPORTED = [
    ("sh:and", "sh:and ( [ sh:class ex:D ] ) .", "sh:or ( [ sh:class ex:D ] ) ."),
    ("sh:closed", "sh:closed true .", "sh:class ex:D ."),
    ("sh:equals", f"{P} sh:equals ex:q ] .", f"{P} sh:class ex:q ] ."),
    ("SHACL-AF rules", "sh:rule [ a sh:TripleRule ] .", "sh:class ex:D ."),
    ("custom targets", "sh:target [ sh:select 'SELECT ?this {}' ] ; sh:class ex:D .", "sh:class ex:D ."),
    ("recursion", f"sh:node ex:T . ex:T {P} sh:node ex:S ] .",
     f"sh:node ex:T . ex:T {P} sh:node ex:U ] . ex:U sh:class ex:D ."),
    ("a derived integer type", f"{P} sh:datatype xsd:int ] .", f"{P} sh:datatype xsd:integer ] ."),
    ("xsd:dateTime", f"{P} sh:datatype xsd:dateTime ] .", f"{P} sh:datatype xsd:date ] ."),
    ("a date bound", f"{P} sh:minInclusive '2020-01-01'^^xsd:date ] .", f"{P} sh:minInclusive 2020 ] ."),
    ("look-ahead", f"{P} sh:pattern '^a(?=b)' ] .", f"{P} sh:pattern '^a(?:b)' ] ."),
    ("inverse sequences", "sh:property [ sh:path [ sh:inversePath ( ex:p ex:q ) ] ; sh:minCount 1 ] .",
     "sh:property [ sh:path ( [ sh:inversePath ex:q ] [ sh:inversePath ex:p ] ) ; sh:minCount 1 ] ."),
    ("nested counts above 4", f"sh:node [ {P} sh:minCount 5 ] ] .",
     f"sh:node [ {P} sh:minCount 4 ] ] ."),
    ("disjoint qualified shapes", f"{P} {QUALIFIED} true ] .",
     f"{P} {QUALIFIED} false ] ."),
    ("a blank target node", "sh:targetNode [ ex:p 1 ] ; sh:class ex:C .",
     "sh:targetNode ex:n ; sh:class ex:C ."),
    ("$this read before bound",
     f"sh:sparql [ sh:select 'SELECT $this {{ ?x {Q} ?y FILTER(?y = $this) }}' ] .",
     f"sh:sparql [ sh:select 'SELECT $this {{ ?x {Q} ?y . $this {Q} ?x FILTER(?y = $this) }}' ] ."),
    ("OPTIONAL before $this", f"sh:sparql [ sh:select 'SELECT $this {{ OPTIONAL {{ $this {Q} ?y }} }}' ] .",
     f"sh:sparql [ sh:select 'SELECT $this {{ $this a ?t OPTIONAL {{ $this {Q} ?y }} }}' ] ."),
    ("LIMIT", f"sh:sparql [ sh:select 'SELECT $this {{ $this {Q} ?y }} LIMIT 1' ] .",
     f"sh:sparql [ sh:select 'SELECT $this {{ $this {Q} ?y }} ORDER BY ?y' ] ."),
    ("MINUS", f"sh:sparql [ sh:select 'SELECT $this {{ $this {Q} ?y MINUS {{ $this {Q} 1 }} }}' ] .",
     f"sh:sparql [ sh:select 'SELECT $this {{ $this {Q} ?y FILTER NOT EXISTS {{ $this {Q} 1 }} }}' ] ."),
    ("VALUES", f"sh:sparql [ sh:select 'SELECT $this {{ $this {Q} ?y VALUES ?y {{ 1 }} }}' ] .",
     f"sh:sparql [ sh:select 'SELECT $this {{ $this {Q} ?y FILTER(?y = 1) }}' ] ."),
    ("aggregates",
     f"sh:sparql [ sh:select 'SELECT $this (COUNT(?y) AS ?n) {{ $this {Q} ?y }} GROUP BY $this' ] .",
     f"sh:sparql [ sh:select 'SELECT $this ?y {{ $this {Q} ?y }}' ] ."),
    ("$shapesGraph", f"sh:sparql [ sh:select 'SELECT $this {{ $this {Q} $shapesGraph }}' ] .",
     f"sh:sparql [ sh:select 'SELECT $this {{ $this {Q} ?shapes }}' ] ."),
    ("SPARQL in nested shapes", f"sh:node [ sh:sparql [ sh:select 'SELECT $this {{ $this {Q} ?y }}' ] ] .",
     f"sh:sparql [ sh:select 'SELECT $this {{ $this {Q} ?y }}' ] ."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("refused", "without"), [u[1:] for u in UNSUPPORTED], ids=[u[0] for u in UNSUPPORTED]
)
def test_an_unsupported_feature_is_refused_at_compile_time(refused, without):
    def shapes(text: str) -> Graph:
        return Graph().parse(data=PREFIXES + "ex:S sh:targetClass ex:C ; " + text, format="turtle")

    assert compile_shapes(shapes(without))
    with pytest.raises(UnsupportedShape):
        compile_shapes(shapes(refused))


def test_an_unsupported_feature_is_refused_even_in_a_shape_nothing_targets():
    shapes = Graph().parse(data=PREFIXES + "ex:Unused a sh:NodeShape ; sh:xone ( [ sh:class ex:C ] ) .")
    with pytest.raises(UnsupportedShape, match="xone"):
        compile_shapes(shapes)


# ---------------------------------------------------------------------------------------------
# The regular expressions that stand for rdflib and Python


@pytest.mark.parametrize(
    ("pattern", "flags", "text", "matches"),
    [
        ("a\\.txt$", "", "a.txt\n", True),  # Python's $ before a final newline
        ("a\\.txt$", "", "a.txt\n\n", False),
        ("^a$", "m", "b\na\nc", True),
        ("^X", "i", "xyz", True),
        ("^X", "is", "xyz", True),  # pySHACL keeps only i and m
        ("[]a]", "", "]", True),  # a leading ] is a literal in Python
        ("a{,2}b", "", "aab", True),  # Python's {,n}
        ("a{", "", "a{", True),  # a brace that is no quantifier
    ],
)
def test_patterns_match_on_oxigraph_as_in_python(pattern, flags, text, matches):
    python_flags = (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0)
    assert bool(re.search(pattern, text, python_flags)) == matches
    regex, kept = sparql_regex(pattern, flags)
    query = f"SELECT (REGEX({sparql_string(text)}, {sparql_string(regex)}, {sparql_string(kept)}) AS ?m) {{}}"
    [row] = list(ox.Store().query(query))
    assert row["m"].value == ("true" if matches else "false")


def test_date_and_number_lexical_forms_follow_rdflib():
    """The regexes standing for rdflib's parsers agree with rdflib on sample lexical forms."""
    from laborkg.pipeline import shacl_literals as sl

    samples = ["2020-01-01", "2020-01-01Z", "2020-01-01z", "2020-01-01+02:00", "2020-01-01-05:00",
               "2020-01-01-0500",
               "2020-01-01T10:00", "2020-01-01+T", "2020-01-01ZZ", "20200101", "-2020-01-01", "2020-1-01",
               "2020-01-01 ", " 2020-01-01", "2020-01-01+02:00+03:00", "٢٠٢٠-01-01"]  # fmt: skip
    with rdflib_datatypes():
        for s in samples:
            rdflib_ok = not Literal(s, datatype=XSD.date).ill_typed
            assert bool(re.search(sl._DATE_RE, s, re.S)) == rdflib_ok, s
        for s in ["5", " 5 ", "+5", "1_000", "_1", "1__0", "٣", "5.0", "", "0x1", "1e3"]:
            assert bool(re.search(sl._INT_RE, s)) == (not Literal(s, datatype=XSD.integer).ill_typed), s
        for s in [
            "1.5",
            " 1.5",
            "1_0.5",
            "_1",
            "1e3",
            "Infinity",
            "-inf",
            "nan",
            "snan",
            "1e",
            ".",
            "+.5",
            "5.",
        ]:
            assert bool(re.search(sl._DECIMAL_RE, s.replace("_", ""), re.I)) == (
                not Literal(s, datatype=XSD.decimal).ill_typed
            ), s
        for s in ["1.5", "1e3", "INF", "-Infinity", "nan", "1_0.5", "_1", "1__0", " 2 ", "1e", "0x1"]:
            assert bool(re.search(sl._FLOAT_RE, s, re.I)) == (
                not Literal(s, datatype=XSD.double).ill_typed
            ), s


# ---------------------------------------------------------------------------------------------
# What the store cannot know, as docs/architecture.md says


def test_the_documented_differences():
    data = PREFIXES + (
        "ex:a a ex:C ; ex:p '1.50'^^xsd:decimal . ex:b a ex:C ; ex:p '5'^^xsd:long . ex:c a ex:C ; ex:p [] ."
    )
    shapes = Graph().parse(
        data=PREFIXES + "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:datatype xsd:integer ] .",
        format="turtle",
    )
    with rdflib_datatypes():
        graph = Graph().parse(data=data, format="turtle")
    expected, got = reports(graph, shapes)
    by_focus = {v.focus.rsplit("/", 1)[1]: v for v in expected}
    store = {v.focus.rsplit("/", 1)[1]: v for v in got}
    assert (by_focus["a"].value, store["a"].value) == ("1.50", "1.5")  # Oxigraph's canonical form
    assert "b" in by_focus and "b" not in store  # xsd:long is stored as xsd:integer
    assert by_focus["c"].value != store["c"].value  # blank node labels are the store's own

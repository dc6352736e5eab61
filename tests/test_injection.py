"""Hostile text in every string parameter never widens an answer.

Parameters are bound by the engine, never pasted into the query, so SPARQL in a parameter is just text.
For each packaged query with a string parameter, a Python oracle computes the honest answer for that
text straight from the graph; at least 1,000 hostile strings go through the real query path (the same
as `laborkg query -p …`) and each answer must equal the oracle's.
"""

from __future__ import annotations

import itertools

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from laborkg.query import catalogue as queries
from laborkg.namespace import LKG, LKR

PAYLOADS = [
    "'",
    '"',
    "'''",
    '"""',
    "\\",
    "\\'",
    '\\"',
    "{",
    "}",
    "} UNION { ?s ?p ?o }",
    '" } UNION { ?s ?p ?o } #',
    "') || true || ('",
    '") || true || ("',
    "?s ?p ?o",
    "} . ?entity ?p ?o . {",
    "FILTER(true)",
    "# comment",
    "\n",
    "\r\n",
    "\t",
    "\u0000",
    "*/",
    "/*",
    "-- ",
    "<https://w3id.org/laborkg/id/stps>",
    "lkr:stps",
    "SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o }",
    "INSERT DATA { <a:b> <a:c> <a:d> }",
    "; DROP ALL",
    "%00",
    "%27",
    "&#39;",
    "\u202e",
    "\u200b",
    "ǅ",
    "ß",
    "İ",
    "🙂",
    "表",
    "ñ",
    "Ｔａｂｌｅ",
    "e\u0301",
    ")",
    "(",
    ".",
    ",",
    "|",
    "^^xsd:string",
    "@en",
    "\\u0022",
    "\\x22",
    "${name}",
    "{{name}}",
    "%s",
    "UNION",
    "OPTIONAL",
    "VALUES ?x { 1 }",
    "BIND(1 AS ?x)",
    "LIMIT 0",
    "}}}}}}}}",
    "{{{{{{{{",
]
REAL = ["STPS", "Table 3", "Table 9", "Table 1", "secretaría", "inspect", "", " ", "a"]


def hostile_strings(n: int = 1000) -> list[str]:
    """n hostile strings (every payload in several contexts), plus the plain real strings."""
    combos = list(
        dict.fromkeys(p + x + s for p, x, s in itertools.product(REAL, PAYLOADS, ["", "'", '"', " #", "\n}"]))
    )
    extra = [p * 40 for p in PAYLOADS[:20]] + ["x" * 10_000]
    step = len(combos) / (n - len(extra))
    unique = list(dict.fromkeys(extra + [combos[int(i * step)] for i in range(n - len(extra))]))
    assert len(unique) >= n
    return REAL + unique


def _lower(s: str) -> str:
    return s.lower()


def _quotes(kg, node):
    return [str(q) for p in kg.objects(node, LKG.source) for q in kg.objects(p, LKG.quote)]


def _in_table(quote: str, table: str) -> bool:
    return f"{table}." in quote or f"({table})" in quote


def oracle_find_entity(kg, text):
    names = (RDFS.label, SKOS.altLabel, LKG.acronym)
    return {
        e
        for e in kg.subjects(RDF.type, LKG.NamedEntity)
        if any(_lower(text) in _lower(str(o)) for p in names for o in kg.objects(e, p))
    }


def oracle_ratifications(kg, text):
    return {
        r
        for r in kg.subjects(LKG.ratifyingParty, LKR.mexico)
        if any(_lower(text) in _lower(q) for q in _quotes(kg, r))
    }


def oracle_policies(kg, text):
    return {p for p in kg.subjects(RDF.type, LKG.Policy) if any(_in_table(q, text) for q in _quotes(kg, p))}


def oracle_statistics(kg, text):
    """Observations of a dataset that cites a passage naming the table."""
    in_dataset = URIRef("http://purl.org/linked-data/cube#dataSet")
    return {
        o
        for o, ds in kg.subject_objects(in_dataset)
        if (o, RDF.type, LKG.Observation) in kg and any(_in_table(q, text) for q in _quotes(kg, ds))
    }


# query → (string parameter, the column that identifies a row, oracle)
ORACLES = {
    ("find-entity", "name"): ("entity", oracle_find_entity),
    ("ratifications", "quoting"): ("ratification", oracle_ratifications),
    ("policies", "table"): ("policy", oracle_policies),
    ("child-labor-statistics", "table"): ("observation", oracle_statistics),
}


def test_every_string_parameter_has_an_oracle():
    params = {(q.name, p.name) for q in queries.catalogue().values() for p in q.params if p.type == "string"}
    assert params == set(ORACLES)


@pytest.mark.parametrize("key", sorted(ORACLES), ids=lambda k: f"{k[0]}.{k[1]}")
def test_hostile_strings_never_widen_the_answer(kg, key):
    name, param = key
    column, oracle = ORACLES[key]
    strings = hostile_strings()
    honest_hits = 0
    for text in strings:
        answer = queries.run(kg, name, {param: text}, timeout=None)
        got = {row[column] for row in answer.dicts() if column in row}
        want = oracle(kg, text)
        assert got == want, f"{name} -p {param}={text!r}: {len(got)} rows, oracle {len(want)}"
        honest_hits += bool(want)
    # the strings that contain real text do find things: the comparison is not vacuous
    assert honest_hits > 0

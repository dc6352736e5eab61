"""Hostile strings for string parameters, and Python oracles of the honest answer for each such parameter."""

from __future__ import annotations

import itertools
import re

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SKOS

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


def oracle_evidence(kg, text):
    """Passages that cite references, are cited by a fact or entity and whose quote contains the text."""
    return {
        p
        for p in set(kg.subjects(LKG.citesReference, None))
        if any(kg.subjects(LKG.source, p)) and _lower(text) in _lower(str(kg.value(p, LKG.quote)))
    }


# query → (string parameter, the column that identifies a row, oracle)
ORACLES = {
    ("find-entity", "name"): ("entity", oracle_find_entity),
    ("ratifications", "quoting"): ("ratification", oracle_ratifications),
    ("policies", "table"): ("policy", oracle_policies),
    ("child-labor-statistics", "table"): ("observation", oracle_statistics),
    ("evidence", "text"): ("passage", oracle_evidence),
}


# ---------------------------------------------------------------------------------------------
# The findings queries' string parameters (answered on the findings store, not the shipped graph)


def region_key(text: str) -> str:
    """A USDOL region name as the findings queries compare it: lower case, letters a-z only, without the
    words "and" and "the" ("Latin America & the Caribbean" -> "latinamericacaribbean")."""
    spaced = " " + re.sub("[^a-z]+", " ", text.lower()) + " "
    for _ in range(2):  # "and the": the second word's leading space is the first's trailing one
        spaced = re.sub(" (and|the) ", " ", spaced)
    return spaced.replace(" ", "")


def region_matches(text: str, region: str) -> bool:
    return region_key(text) in region_key(region)


def kind_matches(text: str, exploitation: str) -> bool:
    return re.sub("[^a-z]+", "", text.lower()) == exploitation.replace(" ", "")


#: Honest values of the findings queries' string parameters, tried plain and inside the payloads' contexts.
FINDINGS_REAL = {
    "region": ["Latin America", "pacific", "Middle East & North Africa", "LATIN america AND the caribbean"],
    "kind": ["child labor", "Forced-Labor", "forced child labor"],
}


def findings_strings(param: str) -> list[str]:
    """The hostile strings, plus honest values of ``param`` plain and followed by a payload."""
    honest = [r + p for r in FINDINGS_REAL[param] for p in ["", "'", '"', " #", "\n}", *PAYLOADS[9:14]]]
    return hostile_strings() + honest


# query → (string parameter, the column that identifies a row, the column the parameter filters on, whether a
# text keeps a row with that value): the honest answer is the answer without the parameter, filtered so.
FINDINGS_ORACLES = {
    ("findings-country-ranking", "region"): ("observation", "usdolRegion", region_matches),
    ("findings-goods", "region"): ("observation", "usdolRegion", region_matches),
    ("findings-goods", "kind"): ("observation", "exploitation", kind_matches),
}

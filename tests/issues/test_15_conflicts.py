"""Issue 15, item 1: every disagreement in the seeds is a conflict with kind, seriousness and both quotes."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from laborkg import paths
from laborkg.namespace import LKC, LKG, LKR
from laborkg.query import catalogue as queries

SEEDS = {p.name: p.read_text(encoding="utf-8") for p in paths.SEEDS_DIR.glob("[0-9]*.txt")}


def _rows(graph) -> list[dict]:
    return [r.asdict() for r in queries.run(graph, "conflicts")]


def _quotes(graph, cell) -> list[str]:
    return [str(graph.value(URIRef(iri), LKG.quote)) for iri in str(cell or "").split()]


@pytest.fixture(scope="module")
def rows(kg) -> list[dict]:
    return _rows(kg)


def test_every_conflict_has_two_claims_each_with_a_verbatim_quoted_source(kg):
    conflicts = set(kg.subjects(RDF.type, LKG.Conflict))
    assert len(conflicts) >= 30  # the careful reading of the issue found about 30
    for conflict in conflicts:
        claims = set(kg.objects(conflict, LKG.claim))
        assert len(claims) == 2, conflict
        a, b = claims
        assert (a, LKG.conflictsWith, b) in kg, (
            f"{conflict}: its claims are not linked with lkg:conflictsWith"
        )
        cited = set(kg.objects(conflict, LKG.source))
        for claim in claims:
            passages = set(kg.objects(claim, LKG.source)) & cited
            assert passages, f"{conflict}: no passage of {claim} is cited by the conflict"
            for passage in passages:
                seed = str(kg.value(kg.value(passage, LKG.inDocument), LKG.fileName))
                assert str(kg.value(passage, LKG.quote)) in SEEDS[seed], passage
        assert kg.value(conflict, RDFS.comment) is not None, conflict


def test_the_query_lists_every_conflict_once_with_kind_seriousness_sources_and_quotes(kg, rows):
    listed = [r["conflict"] for r in rows if r.get("conflict") is not None]
    assert sorted(listed) == sorted(kg.subjects(RDF.type, LKG.Conflict))
    for r in rows:
        assert (r["kind"], SKOS.inScheme, LKC["conflict-kinds"]) in kg, r
        assert (r["severity"], SKOS.inScheme, LKC["conflict-severities"]) in kg, r
        for side in ("claimSources", "otherSources"):
            quotes = _quotes(kg, r[side])
            assert quotes and all(q != "None" for q in quotes), (r["conflict"], side)
        assert str(r["claimFiles"]).endswith(".txt") and str(r["otherFiles"]).endswith(".txt")


# One disagreement of each kind: words read in one claim's quotes and in the other's.
EXAMPLES = {
    "number-differs": ("more than 57 million workers", "approximately 57.5 million people"),
    "date-differs": ("484†", "January 1, 2021, to July 31, 2021"),
    "name-differs": (
        "Instituto Nacional de Estadística y Geografía",
        "Instituto Nacional de Geografía y Estadística",
    ),
    "value-differs": ("current head of government in Mexico City", "presidenta Claudia Sheinbaum"),
    "attribution-differs": ("supported by civil organizations", "se implementaban en México a través de"),
    "same-thing-two-nodes": ("Trafficking in Persons Law", "General Law on Human Trafficking"),
    "questioned-by-source": ("42‡", "Data reported may not be complete"),
    "reading-ambiguous": ("requesting their participation", "que solicitaron su participación"),
}


def test_every_kind_has_an_example_below(kg):
    kinds = {str(kg.value(k, SKOS.notation)) for k in kg.subjects(SKOS.inScheme, LKC["conflict-kinds"])}
    assert kinds == set(EXAMPLES)


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_a_conflict_of_each_kind(kg, rows, kind):
    one, other = EXAMPLES[kind]
    found = []
    for r in rows:
        quotes = [" ".join(_quotes(kg, r["claimSources"])), " ".join(_quotes(kg, r["otherSources"]))]
        if any(one in q and other in p for q, p in (quotes, quotes[::-1])):
            found.append(r)
    assert len(found) == 1, f"{kind}: {len(found)} rows quote both {one!r} and {other!r}"
    (r,) = found
    assert r["kind"] == LKC[f"conflict-kind-{kind}"]
    assert r["note"] and r["claim"] != r["otherClaim"]


def test_two_nodes_for_one_law_are_linked_but_not_merged(kg):
    law, general = LKR["trafficking-in-persons-law"], LKR["general-law-on-human-trafficking"]
    assert (law, LKG.sameThingAs, general) in kg and (general, LKG.sameThingAs, law) in kg
    labels = [str(x) for node in (law, general) for x in kg.objects(node, RDFS.label) if x.language == "en"]
    assert sorted(labels) == ["General Law on Human Trafficking", "Trafficking in Persons Law"]


def _pair(values: tuple) -> Graph:
    """Two facts linked as the Findings cross-check links them: no lkg:Conflict node."""
    g = Graph()
    doc = URIRef(LKR + "doc")
    g.add((doc, LKG.fileName, Literal("countries_2022.xml")))
    a, b = URIRef(LKR + "a"), URIRef(LKR + "b")
    for fact, value in zip((a, b), values, strict=True):
        passage = URIRef(str(fact) + "-passage")
        g.add((fact, LKG.source, passage))
        g.add((passage, LKG.inDocument, doc))
        if value is not None:
            g.add((fact, LKG.value, Literal(value)))
    g.add((a, LKG.conflictsWith, b))
    g.add((b, LKG.conflictsWith, a))
    return g


def test_a_cross_check_difference_gets_its_kind_from_the_values():
    (numbers,) = _rows(_pair((529, 530)))
    assert numbers["kind"] == LKC["conflict-kind-number-differs"] and numbers.get("severity") is None
    (words,) = _rows(_pair((None, 530)))
    assert words["kind"] == LKC["conflict-kind-value-differs"]

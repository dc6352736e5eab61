"""Issue 15: every number a quote qualifies ("more than 30,000") is stored with that qualifier, as a bound."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, SKOS

from laborkg.ingest.literals import parse_number
from laborkg.namespace import LKC, LKG

# The words before a figure, and the code each stands for (ontology/codelists.ttl, lkc:value-qualifiers).
WORDS = {
    "more than": "more-than",
    "over": "more-than",
    "at least": "at-least",
    "approximately": "approximately",
    "about": "approximately",
    "around": "approximately",
    "nearly": "nearly",
    "almost": "nearly",
    "up to": "at-most",
    "at most": "at-most",
    "fewer than": "less-than",
    "less than": "less-than",
}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "half": 50}  # fmt: skip
FIGURE = r"(\$?\d[\d,]*(?:\.\d+)?|" + "|".join(NUMBER_WORDS) + r")(\s+(?:million|billion))?"
QUALIFIED = re.compile(r"\b(" + "|".join(WORDS) + r")\s+" + FIGURE, re.IGNORECASE)
OR_MORE = re.compile(r"\b" + FIGURE + r"\s+or\s+more\b", re.IGNORECASE)
FIGURES = (LKG.value, LKG.amount, LKG.quantityMin, LKG.quantityMax)


def _number(text: str, scale: str | None) -> Decimal:
    word = text.lower()
    n = Decimal(NUMBER_WORDS[word]) if word in NUMBER_WORDS else Decimal(text.lstrip("$").replace(",", ""))
    factor = {"million": 10**6, "billion": 10**9}.get((scale or "").strip().lower(), 1)
    return n * factor


def qualified_figures(quote: str) -> list[tuple[Decimal, str, str]]:
    """(number, qualifier code, the words) for each figure the quote qualifies."""
    out = [(_number(m[2], m[3]), WORDS[m[1].lower()], m[0]) for m in QUALIFIED.finditer(quote)]
    out += [(_number(m[1], m[2]), "at-least", m[0]) for m in OR_MORE.finditer(quote)]
    return out


def _code(g, fact) -> str | None:
    q = g.value(fact, LKG.valueQualifier)
    return None if q is None else str(q).removeprefix(str(LKC) + "qualifier-")


def _figures(g, fact) -> set[Decimal]:
    return {Decimal(str(o)) for p in FIGURES for o in g.objects(fact, p) if isinstance(o, Literal)}


@pytest.fixture(scope="module")
def quoted(asserted):
    """Each (fact, number, code, words) where a fact cites a passage whose quote qualifies that number."""
    found = []
    for passage, quote in asserted.subject_objects(LKG.quote):
        for number, code, words in qualified_figures(str(quote)):
            for fact in asserted.subjects(LKG.source, passage):
                if number in _figures(asserted, fact):
                    found.append((fact, number, code, words, passage))
    return found


def test_the_reader_finds_qualified_figures():
    read = qualified_figures
    assert read("partners with over 900 organizations") == [(Decimal(900), "more-than", "over 900")]
    assert read("more than three million mine workers")[0][:2] == (Decimal(3_000_000), "more-than")
    assert read("approximately 57.5 million people")[0][:2] == (Decimal(57_500_000), "approximately")
    assert qualified_figures("affecting two or more states") == [(Decimal(2), "at-least", "two or more")]
    assert qualified_figures("in 60 countries") == []


def test_every_qualified_figure_in_a_quote_is_stored_with_its_qualifier(asserted, quoted):
    # Not vacuous: the curated data has at least these (30,000, 900, three million, 57 million, 70,000, …).
    assert len({f for f, *_ in quoted}) >= 7, quoted
    wrong = [
        f"{fact}: the quote says '{words}', stored {number} qualified {_code(asserted, fact)} ({passage})"
        for fact, number, code, words, passage in quoted
        if _code(asserted, fact) != code
    ]
    assert not wrong, "\n".join(wrong)


def test_every_stored_qualifier_is_in_a_quote_of_the_fact(asserted):
    qualified = set(asserted.subjects(LKG.valueQualifier, None))
    assert qualified
    unsupported = []
    for fact in sorted(qualified):
        words = {
            (number, code)
            for passage in asserted.objects(fact, LKG.source)
            for number, code, _ in qualified_figures(str(asserted.value(passage, LKG.quote) or ""))
        }
        if not any((n, _code(asserted, fact)) in words for n in _figures(asserted, fact)):
            unsupported.append(f"{fact}: qualifier {_code(asserted, fact)} on {_figures(asserted, fact)}")
    assert not unsupported, "\n".join(unsupported)


def test_a_bound_is_a_qualifier_not_a_range_without_an_end(asserted):
    """lkg:quantityMin/Max are for ranges a source gives (15,000-20,000); a bound is a qualified figure."""
    open_ended = [
        s
        for s in set(asserted.subjects(LKG.quantityMin, None)) | set(asserted.subjects(LKG.quantityMax, None))
        if asserted.value(s, LKG.quantityMin) is None or asserted.value(s, LKG.quantityMax) is None
    ]
    assert not open_ended, open_ended


@pytest.mark.parametrize("text", ["<1", "more than 1,000", "approximately 5", "over 900", "~3"])
def test_findings_values_with_a_qualifier_are_never_read_as_exact(text):
    """USDOL's findings files carry no qualified figures today; if one comes, it is not read as a number."""
    parsed = parse_number(text)
    assert parsed is None or parsed.number is None


def test_codes_are_in_the_scheme(asserted):
    codes = set(asserted.objects(None, LKG.valueQualifier))
    scheme = LKC["value-qualifiers"]
    assert codes
    for code in codes:
        assert (code, RDF.type, LKG.ValueQualifier) in asserted and (code, SKOS.inScheme, scheme) in asserted
        assert asserted.value(code, SKOS.notation) is not None


# ---------------------------------------------------------------------------------------------
# Tables print the qualifier next to the number; the numeric filter respects it
# ---------------------------------------------------------------------------------------------


def test_the_cli_table_prints_bounds_as_bounds():
    from support.cli import run

    code, out, err = run("query", "outcomes", "--format", "table")
    assert code == 0, err
    record = out.split("More than 30,000 Mexican workers joined")[1].split("-[")[0]
    assert re.search(r"^value\s+\| > 30,000$", record, re.M), record
    code, out, err = run("query", "figures", "-p", "atLeast=50000", "--lang", "es")
    assert code == 0, err
    assert "≥ 70,000" in out and "> 57,000,000" in out and "> 512,000" in out


@pytest.fixture(scope="module")
def served(built_store):
    from support.server import base_url, running

    from laborkg.backends.oxigraph import OxigraphStore
    from laborkg.server.limits import Limits

    with running(OxigraphStore(built_store), Limits(timeout=60, max_concurrent=1)) as server:
        yield base_url(server)


def test_the_web_table_prints_bounds_as_bounds(served):
    import json
    import urllib.request

    request = urllib.request.Request(
        served + "/queries/figures?atLeast=900", headers={"Accept": "application/vnd.laborkg.table+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        doc = json.load(response)
    value, qualifier = doc["vars"].index("value"), doc["vars"].index("valueQualifier")
    shown = {(row[value]["value"], row[value]["text"]) for row in doc["rows"] if row[qualifier]}
    assert ("900", "> 900") in shown and ("3000000", "> 3,000,000") in shown, shown
    exact = [row[value]["text"] for row in doc["rows"] if not row[qualifier]]
    assert exact and all(text[0].isdigit() for text in exact)


BOUNDS = """
@prefix lkg: <https://w3id.org/laborkg/ontology#> . @prefix lkc: <https://w3id.org/laborkg/code/> .
@prefix lkr: <https://w3id.org/laborkg/id/> .
lkr:doc a lkg:SourceDocument . lkr:passage lkg:inDocument lkr:doc ; lkg:quote "figures" .
lkr:exact lkg:value 100.0 ; lkg:source lkr:passage .
lkr:exact-below lkg:value 99.0 ; lkg:source lkr:passage .
""" + "".join(
    f"lkr:{code} lkg:value 100.0 ; lkg:valueQualifier lkc:qualifier-{code} ; lkg:source lkr:passage .\n"
    for code in ("more-than", "at-least", "approximately", "nearly", "less-than", "at-most")
)


@pytest.mark.parametrize(
    ("at_least", "kept"),
    [
        ("100", {"exact", "more-than", "at-least", "approximately"}),
        ("99", {"exact", "exact-below", "more-than", "at-least", "approximately", "nearly"}),
        ("101", set()),
    ],
)
def test_at_least_keeps_a_figure_only_when_its_words_put_it_there(at_least, kept):
    """A lower bound satisfies ">= N" only when the bound is >= N; an upper bound never; "nearly 100" is below
    100. The same on rdflib and Oxigraph."""
    from rdflib import Graph

    from laborkg.backends.oxigraph import OxigraphStore
    from laborkg.backends.rdflib import RdflibStore

    graph = Graph().parse(data=BOUNDS, format="turtle")
    stores = [RdflibStore(graph), OxigraphStore.in_memory(graph.serialize(format="nt", encoding="utf-8"))]
    for store in stores:
        rows = store.query("figures", {"atLeast": at_least}, timeout=60).dicts()
        assert {str(r["fact"]).rsplit("/", 1)[1] for r in rows} == kept, store


def test_the_entity_page_prints_a_bound_as_a_bound(served):
    import urllib.request

    page = served + "/id/obs-los-mineros-mine-workers"
    request = urllib.request.Request(page, headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=60) as response:
        page = response.read().decode("utf-8")
    assert "&gt; 3,000,000" in page, page[:2000]

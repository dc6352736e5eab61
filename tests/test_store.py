"""The pyoxigraph store gives the answers of the in-memory closure, and reasonable the entailments of owlrl.

Every packaged query runs with each of its example parameters, and with none, on the store that
``laborkg build`` makes from the shipped data and on the in-memory closure; the answers must be equal
after ``support.compare.comparable``: ``support.golden.normalise`` and two documented normalisations:

- numbers compare by value: Oxigraph stores ``207000000.0`` (``xsd:decimal``) as ``207000000``;
- a GROUP_CONCAT over a group with no bound value is ``""`` in rdflib and unbound in Oxigraph: both are
  "no values" (the golden form ``[]``).
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from support.compare import cases, comparable, table_signature
from support.golden import example_params

from laborkg import paths
from laborkg.backends.oxigraph import open_store
from laborkg.cli import main
from laborkg.errors import InputError, QueryError
from laborkg.pipeline import reason
from laborkg.pipeline.load import input_files, load
from laborkg.pipeline.validate import validate
from laborkg.query import catalogue as queries
from laborkg.query import render
from laborkg.query.engine import QueryTimeout
from laborkg.query.rewrite import project_parameters
from laborkg.store.build import NotConforming, build, validate_closure

CATALOGUE = queries.catalogue()
_NUMERIC = {XSD.decimal, XSD.integer, XSD.double, XSD.float, XSD.nonNegativeInteger, XSD.positiveInteger}


@pytest.fixture(scope="module")
def store_dir(built_store):
    """The shipped data's store (read-only: ``built`` copies it)."""
    return built_store


@pytest.fixture(scope="module")
def store(store_dir):
    with open_store(store_dir) as s:
        yield s


@pytest.mark.parametrize(("name", "params"), list(cases()))
def test_store_answers_as_the_in_memory_closure(kg, store, name, params):
    query = CATALOGUE[name]
    want = comparable(queries.run(kg, name, params, timeout=None), query.text)
    got = comparable(store.query(name, params, timeout=None), query.text)
    assert got == want


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize(
    "name", ["agencies-lost-support", "agency-units", "ratifications", "timeline", "conflicts"]
)
def test_tables_from_the_store_are_labelled_as_in_memory(kg, store, name, lang):
    params = example_params(CATALOGUE[name])
    mem = queries.run(kg, name, params, timeout=None)
    got = store.query(name, params, timeout=None)
    labels = store.label_graph(got)
    assert len(labels) < len(kg) / 10  # only what the answer needs, never the whole graph
    want_table = render.table(mem, kg, lang=lang, width=200)
    got_table = render.table(got, labels, lang=lang, width=200)
    assert table_signature(got_table) == table_signature(want_table)


def test_the_headline_query_from_the_store(store):
    answer = store.query("agencies-lost-support")
    rows = answer.dicts()
    assert [r["agency"] for r in rows] == [URIRef("https://w3id.org/laborkg/id/stps")]
    assert Decimal(str(rows[0]["amount"])) == Decimal("207000000")
    assert rows[0]["programCount"] == Literal(21)
    assert store.query("agencies-lost-support", {"since": "2026-01-01"}).rows == []


def test_store_parameters_are_resolved_in_the_store(store):
    assert store.resolve_iri("STPS") == URIRef("https://w3id.org/laborkg/id/stps")
    assert store.resolve_iri("lkr:stps") == URIRef("https://w3id.org/laborkg/id/stps")
    with pytest.raises(QueryError, match="nothing in the graph is labelled"):
        store.resolve_iri("no such thing anywhere")
    with pytest.raises(QueryError, match="needs parameter"):
        store.query("describe-entity", {})
    with pytest.raises(QueryError, match="has no parameter"):
        store.query("agencies-lost-support", {"nope": "1"})


def test_names_resolve_alike_in_memory_and_in_the_store(kg, store):
    """One resolution for every backend (queries.resolve): the same IRI, the same errors."""
    from laborkg.backends.rdflib import RdflibStore as MemoryStore

    memory = MemoryStore(kg)
    for value in (
        "STPS",
        "stps",
        "  lkr:stps ",
        "https://w3id.org/laborkg/id/stps",
        "Secretaría del Trabajo",
    ):
        try:
            want = memory.resolve_iri(value)
        except QueryError as exc:
            with pytest.raises(QueryError, match="nothing in the graph is labelled"):
                store.resolve_iri(value)
            assert "nothing in the graph is labelled" in str(exc)
            continue
        assert store.resolve_iri(value) == want
    for bad in ('http://x"y', "http://x y", "https://x/<a>"):
        for backend in (memory, store):
            with pytest.raises(QueryError, match="is not an IRI"):
                backend.query("funding-flows", {"funder": bad})


def test_store_parameters_are_bound_not_pasted(store):
    """A value that would change the query if pasted into it is only ever a value."""
    evil = '") } UNION { ?entity ?matched ?language . BIND("x'
    assert store.query("find-entity", {"name": evil}).rows == []


def test_store_is_read_only_and_refuses_service(store):
    with pytest.raises(QueryError, match="read-only"):
        store.sparql("INSERT DATA { lkr:a lkr:b lkr:c }")
    with pytest.raises(QueryError, match="SERVICE"):
        store.sparql("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match="malformed"):
        store.sparql("SELECT WHERE {")
    assert store.sparql("ASK { lkr:stps lkg:jurisdiction lkr:mexico }").boolean is True


def test_store_queries_stop_at_the_time_limit(store):
    with pytest.raises(QueryTimeout):
        store.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=1)


def test_parameters_are_projected_by_name_only():
    text = "SELECT ?a (COUNT(?b) AS ?n) WHERE { ?a ?p ?b { SELECT ?x WHERE { ?x ?y ?z } } } GROUP BY ?a"
    out, added = project_parameters(text, ["p", "a", "n"])
    assert added == ["p"]
    assert out.startswith("SELECT ?p ?a") and "GROUP BY ?p ?a" in out and "{ SELECT ?x WHERE" in out
    assert project_parameters("ASK { ?s ?p ?o }", ["p"]) == ("ASK { ?s ?p ?o }", [])
    tricky = 'SELECT DISTINCT ?a # SELECT ?q\nWHERE { ?a <http://x/{> "GROUP BY" }'
    out, added = project_parameters(tricky, ["q"])
    assert out.startswith("SELECT DISTINCT ?q ?a #") and added == ["q"]


@pytest.mark.slow
def test_build_validation_reports_what_validate_reports():
    """laborkg build runs the violation queries on pyoxigraph: the same violations as on rdflib."""
    fixtures = Path(__file__).parent / "fixtures" / "shapes"
    files = [*paths.ontology_files(), paths.DATA_DIR / "sources.ttl", fixtures / "good.ttl"]
    graph = reason.closure(files + sorted((fixtures / "bad").glob("*.ttl")), for_validation=True)
    want = sorted(validate(graph).violations)
    assert any(v.component.startswith("check:") for v in want)
    assert sorted(validate_closure(graph).violations) == want


# ---------------------------------------------------------------------------------------------
# laborkg build: exit codes, and a failed build leaves the store as it was


def _snapshot(directory):
    return {p.relative_to(directory): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def built(tmp_path, store_dir):
    """A copy of the good store to try to overwrite."""
    directory = tmp_path / "kg"
    shutil.copytree(store_dir, directory)
    return directory


def test_build_with_malformed_data_exits_2_and_keeps_the_store(tmp_path, built, capsys):
    before = _snapshot(built)
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix lkr: <https://w3id.org/laborkg/id/> .\nlkr:x lkr:y .\n")
    assert main(["build", "--store", str(built), "--data", str(bad)]) == 2
    assert "bad.ttl:2:" in capsys.readouterr().err
    assert _snapshot(built) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ttl", "kg"]  # nothing left behind


def test_build_with_nonconforming_data_exits_1_and_keeps_the_store(tmp_path, built, capsys):
    before = _snapshot(built)
    data = tmp_path / "data"
    data.mkdir()
    (data / "nc.ttl").write_text(
        "@prefix lkg: <https://w3id.org/laborkg/ontology#> .\n"
        "@prefix lkr: <https://w3id.org/laborkg/id/> .\n"
        'lkr:t-x lkg:acronym "XX" .\n'
    )
    assert main(["build", "--store", str(built), "--data", str(data)]) == 1
    captured = capsys.readouterr()
    assert "untyped-subject" in captured.out and "the store was not written" in captured.err
    assert _snapshot(built) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "kg"]
    with open_store(built) as s:
        assert s.query("agencies-lost-support").rows


def test_build_replaces_a_store_and_refuses_anything_else(tmp_path, store_dir):
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep me")
    with pytest.raises(InputError, match="not a laborkg store"):
        build(other)
    assert (other / "mine.txt").read_text() == "keep me"
    bad = tmp_path / "nc.ttl"
    bad.write_text('<https://w3id.org/laborkg/id/t-x> <https://w3id.org/laborkg/ontology#acronym> "X" .\n')
    with pytest.raises(NotConforming):
        build(tmp_path / "new", data=[bad])
    assert not (tmp_path / "new").exists()


def test_cli_query_and_sparql_from_the_store(store_dir, capsys):
    assert main(["query", "agencies-lost-support", "--store", str(store_dir), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["results"]["bindings"][0]["agency"]["value"] == "https://w3id.org/laborkg/id/stps"
    assert main(["query", "agencies-lost-support", "--store", str(store_dir), "--lang", "es"]) == 0
    assert "Secretaría del Trabajo y Previsión Social" in capsys.readouterr().out
    assert (
        main(["sparql", "SELECT ?unit WHERE { ?unit lkg:subAgencyOf lkr:fgr }", "--store", str(store_dir)])
        == 0
    )
    assert "(3 rows)" in capsys.readouterr().out
    assert main(["query", "agencies-lost-support", "--store", str(store_dir), "--data", "data"]) == 2
    assert main(["query", "agencies-lost-support", "--store", str(store_dir / "missing")]) == 2
    assert "no such store" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_build_makes_the_shared_store(tmp_path, store_dir, capsys):
    """``laborkg build --store`` (the command; the other tests share a store ``build`` made) exits 0 and
    makes the same store: the same inputs, triples and validation."""
    directory = tmp_path / "kg"
    assert main(["build", "--store", str(directory)]) == 0
    mine, shared = (json.loads((d / "manifest.json").read_text()) for d in (directory, store_dir))
    for key in ("inputs", "triples", "reasoner", "validation"):
        assert mine[key] == shared[key], key


def test_manifest_names_inputs_and_versions(store_dir):
    manifest = json.loads((store_dir / "manifest.json").read_text())
    assert manifest["format"] == "laborkg-store" and manifest["validation"]["conforms"] is True
    names = [f["file"] for f in manifest["inputs"]["files"]]
    assert "ontology/laborkg.ttl" in names and any(n.startswith("data/") for n in names)
    assert manifest["inputs"]["sha256"] == reason.inputs_key(
        input_files(), "query", manifest["reasoner"]["name"]
    )
    assert {"laborkg", "python", "rdflib", "pyoxigraph", "pyshacl"} <= set(manifest["versions"])


# ---------------------------------------------------------------------------------------------
# reasonable (fast path) and owlrl (reference) entail the same about laborkg's instances

ID = "https://w3id.org/laborkg/id/"


def _about_instances(graph):
    return {t for t in graph if any(isinstance(n, URIRef) and str(n).startswith(ID) for n in t)}


@pytest.mark.owlrl
@pytest.mark.slow
@pytest.mark.parametrize("for_validation", [False, True], ids=["query", "validation"])
def test_reasonable_entails_what_owlrl_entails(for_validation):
    asserted = load(input_files())
    if for_validation:
        asserted.remove((None, RDFS.domain, None))
        asserted.remove((None, RDFS.range, None))
    fast, reference = Graph(), Graph()
    fast += asserted  # the same blank nodes in both
    reference += asserted
    reason.owl_rl_closure(fast, reasoner="reasonable")
    reason.owl_rl_closure(reference, reasoner="owlrl")
    assert _about_instances(fast) == _about_instances(reference)
    # What only owlrl adds is schema-level (owl:Nothing below every class, domains and ranges widened to
    # superclasses, datatype and annotation-property declarations): nothing about an instance.
    extra = set(reference) - set(fast)
    assert extra and not any(str(s).startswith(ID) for s, _, _ in extra)
    assert set(fast) - set(reference) == set()


def test_reasonable_adds_property_chains_and_keeps_untyped_subjects_untyped(tmp_path):
    f = tmp_path / "x.ttl"
    f.write_text(
        "@prefix lkg: <https://w3id.org/laborkg/ontology#> .\n@prefix lkr: <https://w3id.org/laborkg/id/> .\n"
        "lkr:t-body a lkg:CoordinatingBody .\n"
        "lkr:t-m a lkg:Membership ; lkg:member lkr:t-agency ; lkg:memberOf lkr:t-body .\n"
        'lkr:t-untyped lkg:acronym "U" .\n'
    )
    files = paths.ontology_files() + [f]
    for mode in (False, True):
        g = reason.closure(files, use_cache=False, for_validation=mode, reasoner="reasonable")
        member = URIRef("http://www.w3.org/ns/org#hasMember")
        assert (URIRef(ID + "t-body"), member, URIRef(ID + "t-agency")) in g  # chain, then subproperty
        if mode:  # reasonable types it owl:Thing; that would hide it from the untyped-subject check
            assert not list(g.objects(URIRef(ID + "t-untyped"), RDF.type))


def test_auto_reasoner_is_laborkgs_own_at_any_size(monkeypatch):
    monkeypatch.delenv("LABORKG_REASONER", raising=False)
    assert reason.reasoner_name(None, 10_000) == reason.reasoner_name(None, 10**9) == "laborkg"
    assert reason.reasoner_name("reasonable", 10**9) == "reasonable"  # asked for by name: as asked
    assert reason.reasoner_name("owlrl") == "owlrl"
    with pytest.raises(InputError):
        reason.reasoner_name("fast")


# ---------------------------------------------------------------------------------------------
# laborkg export --store: streamed by pyoxigraph, exact round trip


def _by_value(graph: Graph) -> set:
    """Triples with numeric literals compared by value (Oxigraph stores canonical numbers; see above)."""
    out = set()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype in _NUMERIC:
            o = (o.datatype in (XSD.double, XSD.float), Decimal(str(o.toPython())))
        out.add((s, p, o))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("fmt, parse_as", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_export_from_the_store_round_trips_exactly(kg, store, store_dir, tmp_path, fmt, parse_as):
    from rdflib.compare import isomorphic, to_canonical_graph

    target = tmp_path / f"closure.{fmt}"
    assert main(["export", "--store", str(store_dir), "--format", fmt, "-o", str(target)]) == 0
    exported = Graph().parse(target, format=parse_as)
    again = pyoxigraph.Store()
    again.load(path=str(target), format=pyoxigraph.RdfFormat.from_extension(fmt))
    assert len(again) == len(exported) == len(store)
    # exact: term for term what the store holds (blank nodes up to renaming)
    held = store._store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    assert isomorphic(exported, Graph().parse(data=held.decode("utf-8"), format="nt"))
    # and the closure the files entail (numbers by value, as the store keeps them canonical)
    assert _by_value(to_canonical_graph(exported)) == _by_value(to_canonical_graph(kg))


def test_export_from_the_store_refuses_what_a_store_cannot_give(store_dir, tmp_path, capsys):
    for extra in (
        ["--asserted"],
        ["--format", "trig"],
        ["--format", "nq"],
        ["--format", "jsonld", "--frame", "programs"],
    ):
        target = tmp_path / "out"
        target.write_text("keep me")
        assert main(["export", "--store", str(store_dir), "-o", str(target), *extra]) == 2
        assert capsys.readouterr().err.count("\n") == 1
        assert target.read_text() == "keep me"
    assert main(["export", "--store", str(tmp_path / "missing"), "-o", str(tmp_path / "x.ttl")]) == 2
    assert not (tmp_path / "x.ttl").exists()

"""``laborkg add`` gives what a full build of the old inputs plus the new file gives.

For each addition the incremental verdict (conforms or not, and the violations' focus, path and
constraint) equals a full ``build`` of the shipped data plus the new file, and after a conforming
addition the store holds the same triples (isomorphic: the ontology's blank nodes are relabelled by
each build). A failed addition leaves every file of the store byte-for-byte as it was.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF

from laborkg import paths
from laborkg.backends.terms import to_rdflib
from laborkg.cli import main
from laborkg.errors import InputError, QueryError
from laborkg.namespace import LKG
from laborkg.store import delta, incremental
from laborkg.store.build import NotConforming, build
from laborkg.store.layout import DATABASE

LKR = "https://w3id.org/laborkg/id/"
PREFIXES = """@prefix lkg: <https://w3id.org/laborkg/ontology#> .
@prefix lkc: <https://w3id.org/laborkg/code/> .
@prefix lkr: <https://w3id.org/laborkg/id/> .
@prefix lkp: <https://w3id.org/laborkg/id/passage/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
PASSAGE = """
lkp:test-union-school a lkg:SourcePassage ; lkg:inDocument lkr:seed-003 ;
    lkg:quote "The Solidarity Center trained 40 new union organizers through its Union School" .
"""
# A program with its funding (funder, beneficiary: an old node gains lkg:receivesFunding, the inverse),
# an organisation role and a source passage quoting seed 003.
VALID_PROGRAM = (
    PREFIXES
    + PASSAGE
    + """
lkr:test-union-school a lkg:Program ;
    rdfs:label "Union School (test)"@en ;
    lkg:source lkp:test-union-school .

lkr:test-funding-union-school a lkg:Funding ;
    rdfs:label "ILAB funding of the Union School (test)"@en ;
    lkg:funder lkr:ilab ;
    lkg:fundedInitiative lkr:test-union-school ;
    lkg:beneficiary lkr:los-mineros ;
    lkg:amount 1000.0 ; lkg:currency lkc:USD ;
    lkg:source lkp:test-union-school .

lkr:test-role-union-school a lkg:OrganisationRole ;
    rdfs:label "Solidarity Center: implementer of the Union School (test)"@en ;
    lkg:roleOrganisation lkr:solidarity-center ;
    lkg:roleInInitiative lkr:test-union-school ;
    lkg:roleType lkc:iati-organisation-role-4 ;
    lkg:source lkp:test-union-school .
"""
)
# Entailments about old nodes: a symmetric partner (lkr:usw gains a partner), an inverse and a
# transitive property (a unit below lkr:ilab, itself below lkr:usdol: lkr:ilab gains a sub-agency,
# and the new unit is a transitive sub-organisation of lkr:usdol).
TOUCHES_OLD = (
    PREFIXES
    + PASSAGE
    + """
lkr:test-union a lkg:Union ;
    rdfs:label "Test union"@en ;
    lkg:partner lkr:usw ;
    lkg:source lkp:test-union-school .

lkr:test-office a lkg:SubAgency ;
    rdfs:label "Test office of ILAB"@en ;
    lkg:subAgencyOf lkr:ilab ;
    lkg:source lkp:test-union-school .
"""
)
# An old fact restated as written in data/ (the store holds the amount by value: 207000000).
RESTATES_OLD = (
    PREFIXES
    + PASSAGE
    + """
lkr:funding-us-ta-programs-2019-2025 lkg:amount 207000000.0 ; lkg:source lkp:test-union-school .
"""
)
MISSING_SOURCE = (
    PREFIXES
    + """
lkr:test-unsourced a lkg:Program ; rdfs:label "Unsourced program (test)"@en .
"""
)
# lkr:los-angeles-declaration is an initiative only by a range axiom of the query closure: validation,
# which reasons without domains and ranges, must still see that it is not one.
WRONG_CLASS = (
    PREFIXES
    + PASSAGE
    + """
lkr:test-funding-wrong a lkg:Funding ;
    rdfs:label "Funding of a declaration by a law (test)"@en ;
    lkg:funder lkr:usmca ;
    lkg:fundedInitiative lkr:los-angeles-declaration ;
    lkg:source lkp:test-union-school .
"""
)
BAD_QUOTE = (
    PREFIXES
    + """
lkp:test-misquoted a lkg:SourcePassage ; lkg:inDocument lkr:seed-003 ;
    lkg:quote "The Solidarity Center trained 41 new union organizers" .
lkr:test-misquoted-program a lkg:Program ; rdfs:label "Misquoted (test)"@en ; lkg:source lkp:test-misquoted .
"""
)
# A functional property with two values: lkc:USD and lkc:MXN become owl:sameAs, which reaches every
# triple of both; add rebuilds the store from its inputs instead.
SAME_AS = (
    PREFIXES
    + PASSAGE
    + """
lkr:test-two-currencies a lkg:Funding ;
    rdfs:label "A funding in two currencies (test)"@en ;
    lkg:funder lkr:ilab ;
    lkg:fundedInitiative lkr:solidarity-center-mexico-program ;
    lkg:currency lkc:USD , lkc:MXN ;
    lkg:source lkp:test-union-school .
"""
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


def _dump(directory: Path) -> Graph:
    store = pyoxigraph.Store.read_only(str(directory / DATABASE))
    graph = Graph()
    for q in store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()):
        graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return graph


def _hash(directory: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(p for p in directory.rglob("*") if p.is_file()):
        h.update(str(f.relative_to(directory)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def _same_triples(a: Graph, b: Graph) -> None:
    if isomorphic(a, b):
        return
    _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
    pytest.fail(
        f"incremental and full build differ: {len(only_a)} triples only in the incremental store "
        f"(e.g. {sorted(only_a)[:3]}), {len(only_b)} only in the full build (e.g. {sorted(only_b)[:3]})"
    )


def _key(report) -> set:
    return {(v.focus, v.path, v.component) for v in report.violations}


@pytest.fixture
def store(built_store, tmp_path) -> Path:
    """A copy of the shipped data's store, to add to."""
    directory = tmp_path / "kg"
    shutil.copytree(built_store, directory)
    return directory


def _full(tmp_path: Path, *files: Path) -> Path:
    directory = tmp_path / "full"
    build(directory, data=paths.data_files() + list(files))
    return directory


@pytest.mark.slow
@pytest.mark.parametrize(
    "text", [VALID_PROGRAM, TOUCHES_OLD, RESTATES_OLD], ids=["program", "touches-old-nodes", "restates-old"]
)
def test_conforming_addition_equals_full_build(store, tmp_path, text):
    doc = _write(tmp_path, "addition.ttl", text)
    done = incremental.add(store, [doc])
    assert done["rebuilt"] is None and done["triples_added"] > 0
    full = _full(tmp_path, doc)
    _same_triples(_dump(store), _dump(full))
    manifest = json.loads((store / "manifest.json").read_text())
    full_manifest = json.loads((full / "manifest.json").read_text())
    assert manifest["triples"] == full_manifest["triples"] == len(_dump(store))
    assert manifest["inputs"]["files"] == full_manifest["inputs"]["files"]
    assert manifest["additions"][-1]["files"] == [manifest["inputs"]["files"][-1]["file"]]


@pytest.mark.owlrl
@pytest.mark.slow
def test_store_built_with_owlrl(tmp_path):
    """The subgraph is reasoned with laborkg's default reasoner whichever reasoner built the store: the
    instances' entailments are the same, so the store equals a full owlrl build."""
    store, full = tmp_path / "kg", tmp_path / "full"
    build(store, reasoner="owlrl")
    doc = _write(tmp_path, "addition.ttl", TOUCHES_OLD)
    incremental.add(store, [doc])
    build(full, data=paths.data_files() + [doc], reasoner="owlrl")
    _same_triples(_dump(store), _dump(full))


def test_entailments_about_old_nodes_are_stored(store, tmp_path):
    incremental.add(store, [_write(tmp_path, "addition.ttl", TOUCHES_OLD)])
    graph = _dump(store)
    usw, ilab, usdol = URIRef(LKR + "usw"), URIRef(LKR + "ilab"), URIRef(LKR + "usdol")
    union, office = URIRef(LKR + "test-union"), URIRef(LKR + "test-office")
    assert (usw, LKG.partner, union) in graph  # symmetric
    assert (ilab, LKG.hasSubAgency, office) in graph  # inverse
    transitive = URIRef("http://www.w3.org/ns/org#transitiveSubOrganizationOf")
    assert (office, transitive, usdol) in graph  # transitive, through lkr:ilab's old triple


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [MISSING_SOURCE, WRONG_CLASS, BAD_QUOTE],
    ids=["missing-source", "wrong-class", "quote-not-in-seed"],
)
def test_non_conforming_addition_is_refused_as_full_build(store, tmp_path, text):
    doc = _write(tmp_path, "addition.ttl", text)
    before = _hash(store)
    with pytest.raises(NotConforming) as incremental_result:
        incremental.add(store, [doc])
    assert _hash(store) == before
    with pytest.raises(NotConforming) as full_result:
        _full(tmp_path, doc)
    assert _key(incremental_result.value.report) == _key(full_result.value.report)


def test_cli_refuses_and_leaves_store_untouched(store, tmp_path, capsys):
    before = _hash(store)
    bad = _write(tmp_path, "bad.ttl", BAD_QUOTE)
    assert main(["add", "--store", str(store), str(bad)]) == 1
    captured = capsys.readouterr()
    assert "quote is not verbatim" in captured.out
    assert captured.err.strip().splitlines()[-1].startswith("laborkg: error: the data does not conform")
    broken = _write(tmp_path, "broken.ttl", PREFIXES + "lkr:a lkg:source .\n")
    assert main(["add", "--store", str(store), str(bad), str(broken)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("laborkg: error: ") and "broken.ttl" in err[-1]
    assert main(["add", "--store", str(tmp_path / "nowhere"), str(bad)]) == 2
    assert _hash(store) == before


def test_cli_adds(store, tmp_path, capsys):
    doc = _write(tmp_path, "addition.ttl", VALID_PROGRAM)
    assert main(["add", "--store", str(store), str(doc)]) == 0
    assert "the data conforms" in capsys.readouterr().out
    assert main(["query", "funding-flows", "--store", str(store), "--format", "csv"]) == 0
    assert f"{LKR}test-union-school" in capsys.readouterr().out


def test_an_added_name_resolves_through_the_index(store, tmp_path):
    from laborkg.backends.oxigraph import open_store

    doc = _write(tmp_path, "addition.ttl", VALID_PROGRAM)
    with open_store(store) as before:
        with pytest.raises(QueryError):
            before.resolve_iri("union school (TEST)")
    incremental.add(store, [doc])
    with open_store(store) as after:
        assert after.manifest.get("names")
        assert str(after.resolve_iri("union school (TEST)")) == LKR + "test-union-school"


@pytest.mark.slow
def test_json_ld_addition(store, tmp_path):
    turtle = Graph().parse(data=VALID_PROGRAM, format="turtle")
    doc = _write(tmp_path, "addition.jsonld", turtle.serialize(format="json-ld"))
    assert incremental.add(store, [doc])["rebuilt"] is None
    _same_triples(_dump(store), _dump(_full(tmp_path, _write(tmp_path, "same.ttl", VALID_PROGRAM))))


def test_build_writes_the_validation_delta(store):
    """laborkg build writes the delta a first addition would otherwise recover by reasoning twice."""
    assert (store / delta.DELTA).is_dir()
    written = pyoxigraph.Store.read_only(str(store / delta.DELTA))
    manifest = json.loads((store / "manifest.json").read_text())
    recovered = delta.compute_delta(manifest, store)
    assert len(written) > 0
    assert set(written.quads_for_pattern(None, None, None, None)) == set(
        recovered.quads_for_pattern(None, None, None, None)
    )


@pytest.mark.slow
def test_store_without_a_delta_recovers_it(store, tmp_path):
    """A store built before build wrote the delta: the first addition computes it, and equals a build."""
    shutil.rmtree(store / delta.DELTA)
    program = _write(tmp_path, "program.ttl", VALID_PROGRAM)
    incremental.add(store, [program])
    assert (store / delta.DELTA).is_dir()
    _same_triples(_dump(store), _dump(_full(tmp_path, program)))


@pytest.mark.slow
def test_successive_additions_equal_full_build(store, tmp_path):
    first = _write(tmp_path, "first.ttl", VALID_PROGRAM)
    second = _write(tmp_path, "second.ttl", TOUCHES_OLD.replace("lkp:test-union-school a", "lkp:test-2 a"))
    incremental.add(store, [first])
    assert (store / delta.DELTA).is_dir()
    incremental.add(store, [second])
    _same_triples(_dump(store), _dump(_full(tmp_path, first, second)))


@pytest.mark.slow
def test_interrupted_commit_leaves_the_store_as_it_was(store, tmp_path, monkeypatch):
    """The commit writes a copy of the store swapped into place: interrupted after the copy's database
    was written and before its manifest, it leaves every file of the store as it was."""
    first = _write(tmp_path, "first.ttl", VALID_PROGRAM)
    second = _write(tmp_path, "second.ttl", TOUCHES_OLD)
    real_apply = incremental.apply_journal

    def crash(directory, journal, fresh=None):
        real_apply(directory, {**journal, "manifest": journal["old_manifest"]}, fresh)
        raise KeyboardInterrupt  # after the database was written, before the manifest

    before = _hash(store)
    monkeypatch.setattr(incremental, "apply_journal", crash)
    with pytest.raises(KeyboardInterrupt):
        incremental.add(store, [first])
    assert _hash(store) == before
    assert sorted(p.name for p in store.parent.iterdir() if p.name.startswith(f".{store.name}.")) == []
    monkeypatch.setattr(incremental, "apply_journal", real_apply)
    incremental.add(store, [first, second])
    _same_triples(_dump(store), _dump(_full(tmp_path, first, second)))
    assert json.loads((store / "manifest.json").read_text())["triples"] == len(_dump(store))


@pytest.mark.slow
def test_a_journal_an_earlier_laborkg_left_is_replayed(store, tmp_path, monkeypatch):
    """An earlier laborkg wrote additions in place through a journal (``adding.json``); one it left,
    interrupted, is finished by the next ``add``."""
    first = _write(tmp_path, "first.ttl", VALID_PROGRAM)
    second = _write(tmp_path, "second.ttl", TOUCHES_OLD)

    def in_place(directory, journal, fresh):  # the earlier commit, interrupted before the manifest
        (directory / delta.JOURNAL).write_text(json.dumps(journal))
        if fresh is not None:
            shutil.rmtree(directory / delta.DELTA, ignore_errors=True)
        old = json.loads((directory / "manifest.json").read_text())
        delta.apply_journal(directory, {**journal, "manifest": old}, fresh)
        raise KeyboardInterrupt

    monkeypatch.setattr(incremental, "_commit", in_place)
    with pytest.raises(KeyboardInterrupt):
        incremental.add(store, [first])
    assert (store / delta.JOURNAL).is_file()
    monkeypatch.undo()
    incremental.add(store, [second])  # finishes the first addition, then adds the second
    assert not (store / delta.JOURNAL).exists()
    _same_triples(_dump(store), _dump(_full(tmp_path, first, second)))
    assert json.loads((store / "manifest.json").read_text())["triples"] == len(_dump(store))


@pytest.mark.slow
def test_same_as_falls_back_to_a_full_build(store, tmp_path):
    doc = _write(tmp_path, "addition.ttl", SAME_AS)
    before = _hash(store)
    with pytest.raises(incremental.Rebuild, match="sameAs"):
        incremental.add(store, [doc], rebuild=False)
    assert _hash(store) == before
    # the rebuild finds what a full build finds: lkc:USD = lkc:MXN has two notations, two labels…
    with pytest.raises(NotConforming) as rebuilt:
        incremental.add(store, [doc])
    assert _hash(store) == before
    with pytest.raises(NotConforming) as full:
        _full(tmp_path, doc)
    assert _key(rebuilt.value.report) == _key(full.value.report)


@pytest.mark.slow
def test_schema_in_addition_rebuilds(store, tmp_path):
    doc = _write(tmp_path, "schema.ttl", PREFIXES + "lkg:Program rdfs:subClassOf lkg:Initiative .\n")
    assert incremental.add(store, [doc])["rebuilt"].startswith("the addition carries schema axioms")


def test_shape_depth_is_derived_from_the_shapes():
    from laborkg.pipeline.validate import shapes_graph

    assert incremental.shape_depth(shapes_graph()) == 2  # sh:class reads the values' types
    inverse = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ] .""",
        format="turtle",
    )
    with pytest.raises(incremental.Rebuild):
        incremental.shape_depth(inverse)


def test_store_without_inputs_cannot_start_incremental(store, tmp_path):
    """A store with no validation delta (built before build wrote it) needs its inputs to recover it."""
    shutil.rmtree(store / delta.DELTA)
    manifest = json.loads((store / "manifest.json").read_text())
    manifest["inputs"]["files"][-1]["sha256"] = "0" * 64  # as if a data file had changed since the build
    (store / "manifest.json").write_text(json.dumps(manifest))
    before = _hash(store)
    with pytest.raises(InputError, match="rebuild it"):
        incremental.add(store, [_write(tmp_path, "addition.ttl", VALID_PROGRAM)])
    assert _hash(store) == before
    assert (RDF.type, RDF.type, RDF.Property) not in _dump(store)  # the store still opens

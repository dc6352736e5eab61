"""Exports: every format round-trips (numbers, dates and long literals included), Turtle is stable,
writes are atomic, JSON-LD uses the context and never fetches one, VoID/DCAT is computed."""

from __future__ import annotations

import io
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from decimal import Decimal

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD

from laborkg import paths
from laborkg.atomic import atomic_writer, write_atomic
from laborkg.cli import main
from laborkg.namespace import LKG, LKR
from laborkg.pipeline import jsonld
from laborkg.pipeline.load import input_files, load
from laborkg.publish import export
from laborkg.publish.metadata import VOID, describe

FORMATS = export.FORMATS


@pytest.fixture(scope="module")
def asserted_graph():
    return load(input_files())


def synthetic() -> Graph:
    g = Graph()
    ex = "http://example.org/"
    s = URIRef(ex + "thing")
    values = [
        Literal("1.2345678901234567", datatype=XSD.double),
        Literal("6.02214076E23", datatype=XSD.double),
        Literal("-0.0001", datatype=XSD.double),
        Literal("207000000.0", datatype=XSD.decimal),
        Literal("0.10000000000000000000001", datatype=XSD.decimal),
        Literal("-12345678901234567890.5", datatype=XSD.decimal),
        Literal("42", datatype=XSD.integer),
        Literal("2025-02-04", datatype=XSD.date),
        Literal("2025-03", datatype=XSD.gYearMonth),
        Literal("2019", datatype=XSD.gYear),
        Literal("2025-03-20T10:30:00-06:00", datatype=XSD.dateTime),
        Literal("true", datatype=XSD.boolean),
        Literal("línea 1\nline 2 \"quoted\" 'single' \\ backslash\t tab " + "largo " * 2000),
        Literal("Secretaría del Trabajo", lang="es"),
        Literal("🙂 表 \u202e ǅ"),
    ]
    for i, v in enumerate(values):
        g.add((s, URIRef(f"{ex}p{i}"), v))
    b = BNode()
    g.add((s, URIRef(ex + "node"), b))
    g.add((b, RDF.value, Literal("3.0", datatype=XSD.decimal)))
    return g


def _by_value(graph: Graph) -> Graph:
    """``graph`` with every literal read again by rdflib (so ``60`` and ``60.0`` as xsd:decimal meet)."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype in (XSD.decimal, XSD.integer):
            o = Literal(format(Decimal(str(o)).normalize(), "f"), datatype=o.datatype)
        elif isinstance(o, Literal) and o.datatype in (XSD.double, XSD.float):
            o = Literal(repr(float(str(o))), datatype=o.datatype)
        out.add((s, p, o))
    return out


def _roundtrip(graph: Graph, fmt: str) -> tuple[Graph, Graph]:
    """What the export should hold and what it holds, literals compared by value (an export writes
    them in canonical form, as a store does)."""
    text = export.serialize(graph, fmt)
    back = export.parse_export(text, fmt)
    return _by_value(export.with_metadata(graph)), _by_value(back)


@pytest.mark.parametrize("fmt", FORMATS)
def test_synthetic_round_trip_is_exact(fmt):
    want, back = _roundtrip(synthetic(), fmt)
    assert isomorphic(want, back), fmt
    doubles = {float(o) for o in back.objects() if isinstance(o, Literal) and o.datatype == XSD.double}
    assert {1.2345678901234567, 6.02214076e23, -0.0001} <= doubles  # every digit kept


@pytest.mark.slow
@pytest.mark.parametrize("closure_mode", [False, True], ids=["asserted", "closure"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_shipped_graph_round_trip(fmt, closure_mode, asserted_graph, kg):
    graph = kg if closure_mode else asserted_graph
    want, back = _roundtrip(graph, fmt)
    assert len(want) == len(back)
    assert isomorphic(want, back)


def test_rdflib_alone_would_round_doubles():
    """Why the exact Turtle writer exists: rdflib's own writer loses digits of an xsd:double."""
    g = synthetic()
    back = Graph().parse(data=g.serialize(format="turtle"), format="turtle")
    assert not isomorphic(g, back)


@pytest.mark.slow
def test_turtle_is_byte_identical_across_runs(tmp_path):
    outs = []
    for seed in ("1", "2"):
        target = tmp_path / f"out{seed}.ttl"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "laborkg", "export", "-o", str(target)], check=True, env=env, timeout=600
        )
        outs.append(target.read_bytes())
    assert outs[0] == outs[1] and len(outs[0]) > 100_000


def test_nquads_keep_one_named_graph_per_source(asserted_graph):
    ds = export.to_dataset(asserted_graph)
    names = {str(g.identifier).rsplit("/", 1)[-1] for g in ds.graphs() if len(g)}
    assert {"seed-000", "seed-001", "seed-002", "seed-003", "seed-004", "ontology", "metadata"} <= names
    seed001 = ds.graph(URIRef("https://w3id.org/laborkg/graph/seed-001"))
    assert (
        LKR.stps,
        URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
        Literal("Secretaría del Trabajo y Previsión Social", lang="es"),
    ) in seed001
    seed003 = ds.graph(URIRef("https://w3id.org/laborkg/graph/seed-003"))
    assert (LKR["us-ta-programs-2019-2025"], None, None) not in seed003


# --- atomic writes -----------------------------------------------------------------------------------


def test_failed_write_leaves_previous_file(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_text("previous content\n")
    with pytest.raises(RuntimeError), atomic_writer(target) as fh:
        fh.write(b"half of a new file")
        raise RuntimeError("serializer failed part-way")
    assert target.read_text() == "previous content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_failed_export_from_the_cli_leaves_previous_file(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_text("previous content\n")
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n")
    err = __import__("io").StringIO()
    assert main(["export", "-o", str(target), "--data", str(bad)], err=err) == 2
    assert target.read_text() == "previous content\n"


def test_killed_write_leaves_previous_file(tmp_path):
    """A process killed while writing a large file: the previous file is byte-identical."""
    target = tmp_path / "graph.nt"
    previous = b"<urn:a> <urn:b> <urn:c> .\n"
    target.write_bytes(previous)
    marker = tmp_path / "started"
    script = textwrap.dedent(f"""
        import time
        from laborkg.atomic import atomic_writer
        with atomic_writer({str(target)!r}) as fh:
            for i in range(10_000):
                fh.write(b"<urn:s> <urn:p> <urn:o%d> .\\n" % i)
                fh.flush()
                if i == 100:
                    open({str(marker)!r}, "w").close()
                time.sleep(0.01)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the writer never started"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert target.read_bytes() == previous
    partial = [p for p in tmp_path.iterdir() if p.name.startswith(".graph.nt.tmp-")]
    assert partial and partial[0].stat().st_size > 0  # it really was killed part-way through writing
    write_atomic(target, previous + previous)  # the next write of the file removes what the kill left
    assert not partial[0].exists() and target.read_bytes() == previous + previous


def test_written_files_keep_the_umask_or_the_previous_mode(tmp_path):
    """Files are republishable: a new one gets the mode the umask gives (not 0600); one written over an
    existing file keeps that file's mode."""
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.ttl"
        assert main(["export", "-o", str(fresh)], err=io.StringIO()) == 0
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        os.umask(0o077)
        kept = tmp_path / "kept.nt"
        kept.write_text("")
        kept.chmod(0o664)
        write_atomic(kept, "<urn:a> <urn:b> <urn:c> .\n")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o664
        private = tmp_path / "private.nt"
        write_atomic(private, "")
        assert stat.S_IMODE(private.stat().st_mode) == 0o600  # the umask, as open() would give
    finally:
        os.umask(old)


# --- JSON-LD ----------------------------------------------------------------------------------------


def test_context_file_is_generated_from_the_ontology():
    built = jsonld.build_context(load(paths.ontology_files()))
    on_disk = json.loads(jsonld.LOCAL_DOCUMENTS[jsonld.CONTEXT_URL].read_text())
    assert built == on_disk, "regenerate with laborkg.jsonld.write_context"


@pytest.mark.slow
def test_compact_output_uses_short_names(asserted_graph):
    doc = jsonld.compact(asserted_graph)
    assert doc["@context"] == jsonld.CONTEXT_URL
    nodes = {n["id"]: n for n in doc["@graph"]}
    stps = nodes["lkr:stps"]
    assert stps["type"] == "GovernmentAgency"
    assert stps["label"] == {
        "en": "Secretariat of Labor and Social Welfare",
        "es": "Secretaría del Trabajo y Previsión Social",
    }
    assert stps["jurisdiction"] == "lkr:mexico"
    funding = nodes["lkr:funding-us-ta-programs-2019-2025"]
    assert funding["amount"] == "207000000.0" and funding["currency"] == "lkc:USD"
    keys = {k for n in doc["@graph"] for k in n}
    assert not [k for k in keys if k.startswith("https://w3id.org/laborkg/ontology#")]


def test_framed_program_document_matches_its_frame(asserted_graph):
    frame = json.loads(jsonld.LOCAL_DOCUMENTS[jsonld.PROGRAM_FRAME_URL].read_text())
    doc = jsonld.frame_programs(asserted_graph)
    assert doc["@context"] == frame["@context"]
    allowed_types = set(frame["@type"])
    programs = {n["id"]: n for n in doc["@graph"]}
    assert len(programs) >= 10
    for node in doc["@graph"]:
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
        assert set(types) & allowed_types, node["id"]
    story = programs["lkr:us-ta-programs-2019-2025"]
    assert story["programCount"] == "21" and story["status"]["notation"] == "5"
    assert story["funding"]["funder"]["id"] == "lkr:us-government"
    assert story["funding"]["beneficiary"]["id"] == "lkr:stps"
    assert story["funding"]["amount"] == "207000000.0"
    assert story["cancellation"]["date"] == {"type": "xsd:gYearMonth", "@value": "2025-03"}
    quotes = [s["quote"] for s in story["source"]]
    assert any("terminated 21 technical assistance programs" in q for q in quotes)
    files = {
        s["inDocument"]["fileName"] if isinstance(s["inDocument"], dict) else None for s in story["source"]
    }
    assert "000_7e04030125ad1ee4.txt" in files


def test_remote_context_is_refused_without_network(tmp_path, canary):
    base, hits = canary
    doc = {"@context": f"{base}/context.jsonld", "@id": "http://example.org/x", "name": "x"}
    with pytest.raises(jsonld.RemoteContextRefused, match="does not fetch"):
        jsonld.to_graph(doc)
    f = tmp_path / "remote.jsonld"
    f.write_text(json.dumps(doc))
    err = __import__("io").StringIO()
    assert main(["validate", "--data", str(f)], err=err) == 2
    assert "does not fetch" in err.getvalue() and err.getvalue().count("\n") == 1
    assert hits == []


def test_laborkg_context_is_served_offline():
    g = jsonld.to_graph(
        {"@context": jsonld.CONTEXT_URL, "id": "lkr:x", "type": "GovernmentAgency", "label": {"en": "X"}}
    )
    assert (LKR.x, RDF.type, LKG.GovernmentAgency) in g


# --- VoID / DCAT --------------------------------------------------------------------------------------


def test_dataset_description_is_computed(asserted_graph):
    meta = describe(
        asserted_graph, export.partition(asserted_graph, set(load(paths.ontology_files()).subjects()))
    )
    d = LKR.dataset
    assert int(meta.value(d, VOID.triples)) == len(asserted_graph)
    agencies = {s for s in asserted_graph.subjects(RDF.type, LKG.GovernmentAgency)}
    parts = {
        meta.value(p, VOID["class"]): int(meta.value(p, VOID.entities))
        for p in meta.objects(d, VOID.classPartition)
    }
    assert parts[LKG.GovernmentAgency] == len(agencies)
    subsets = {
        str(meta.value(s, URIRef("http://purl.org/dc/terms/identifier"))).rsplit("/", 1)[-1]
        for s in meta.objects(d, VOID.subset)
    }
    assert {"seed-000", "seed-001", "seed-002", "seed-003", "seed-004"} <= subsets
    assert meta.value(d, URIRef("http://purl.org/dc/terms/license")) is not None
    assert len(list(meta.objects(d, URIRef("http://purl.org/dc/terms/source")))) == 5


@pytest.mark.slow
def test_exports_include_the_description():
    out = __import__("io").StringIO()
    assert main(["export", "--format", "nt"], out=out) == 0
    assert "<http://rdfs.org/ns/void#Dataset>" in out.getvalue()

"""The W3C RDF 1.1 Turtle, N-Triples, TriG and N-Quads test suites through laborkg's loader."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, Namespace

from laborkg import paths
from laborkg.backends.terms import to_oxigraph
from laborkg.cli import main
from laborkg.errors import InputError
from laborkg.pipeline.load import parse_file, read_quads

W3C = Path(os.environ.get("LABORKG_W3C_DIR") or Path(paths.ROOT).parent / "shared" / "w3c")
SUITES = ("rdf-turtle", "rdf-n-triples", "rdf-trig", "rdf-n-quads")
BASE = "https://w3c.github.io/rdf-tests/rdf/rdf11/{suite}/"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")


def _suite_dir(suite: str) -> Path:
    return W3C / "rdf" / "rdf11" / suite


def _entries() -> list:
    """(suite, kind, action file, result file or None) of every test in the four manifests."""
    out = []
    for suite in SUITES:
        manifest = _suite_dir(suite) / "manifest.ttl"
        if not manifest.is_file():
            continue
        base = BASE.format(suite=suite)
        graph = Graph().parse(manifest, format="turtle", publicID=base + "manifest.ttl")
        for entry in Collection(graph, next(graph.objects(None, MF.entries))):
            kind = str(graph.value(entry, RDF.type)).rpartition("#")[2]
            action = str(graph.value(entry, MF.action)).removeprefix(base)
            result = graph.value(entry, MF.result)
            name = f"{suite}/{str(entry).rpartition('#')[2]}"
            out.append(pytest.param(suite, kind, action, result and str(result).removeprefix(base), id=name))
    return out


ENTRIES = _entries()


@pytest.fixture(autouse=True, scope="module")
def _require_suites():
    missing = [s for s in SUITES if not (_suite_dir(s) / "manifest.ttl").is_file()]
    if not missing:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{W3C}: W3C suites {', '.join(missing)} missing and CI is set", pytrace=False)
    pytest.skip(f"{W3C}: W3C suites {', '.join(missing)} absent (never committed)")


def test_every_suite_is_read():
    kinds = {(p.values[0], p.values[1]) for p in ENTRIES}
    for suite in SUITES:
        assert any(s == suite and "Positive" in k for s, k in kinds), suite
        assert any(s == suite and "Negative" in k for s, k in kinds), suite
    assert len(ENTRIES) > 800


def _dataset(quads) -> ox.Dataset:
    """A canonical dataset (blank nodes relabelled) of rdflib quads, to compare two datasets."""
    default = ox.DefaultGraph()
    dataset = ox.Dataset(
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), default if g is None else to_oxigraph(g))
        for s, p, o, g in quads
    )
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


def _lower_languages(graph: Graph) -> Graph:
    """The graph with language tags in lower case, their value space (RDF 1.1 Concepts, 3.3): rdflib keeps
    them as written, Oxigraph lowers them (``en-UK``), both conformant."""
    out = Graph()
    for s, p, o in graph:
        out.add(
            (s, p, Literal(str(o), lang=o.language.lower()) if isinstance(o, Literal) and o.language else o)
        )
    return out


@pytest.mark.parametrize("suite, kind, action, result", ENTRIES)
def test_w3c(suite, kind, action, result):
    path = _suite_dir(suite) / action
    base = BASE.format(suite=suite) + action
    if "Negative" in kind:  # negative syntax and negative evaluation: the document is rejected
        with pytest.raises(InputError):
            read_quads(path, base_iri=base)
        return
    quads = read_quads(path, base_iri=base)  # positive syntax: accepted
    if not kind.endswith("Eval"):
        return
    expected = _suite_dir(suite) / result  # read by rdflib's N-Triples / N-Quads reader, a parser of its own
    if suite in ("rdf-turtle", "rdf-n-triples"):
        graph = parse_file(path, base_iri=base)  # what validate, build and add read
        assert isomorphic(graph, _lower_languages(Graph().parse(expected, format="nt"))), (
            f"{action} is not {result}"
        )
    else:
        wanted = Dataset().parse(expected, format="nquads")
        default = DATASET_DEFAULT_GRAPH_ID
        wanted_quads = [(s, p, o, None if g == default else g) for s, p, o, g in wanted.quads()]
        assert _dataset(quads) == _dataset(wanted_quads), f"{action} is not the dataset of {result}"


@pytest.mark.parametrize(
    "suite, action, where",
    [
        ("rdf-turtle", "turtle-syntax-bad-struct-02.ttl", "2:40"),  # "=" after a comment line
        ("rdf-n-triples", "nt-syntax-bad-string-01.nt", "1:"),  # an unterminated string
        ("rdf-trig", "trig-syntax-bad-struct-02.trig", "2:20"),
        ("rdf-n-quads", "nq-syntax-bad-quint-01.nq", "2:"),  # a fifth term
    ],
)
def test_validate_refuses_a_negative_test_with_exit_2(suite, action, where):
    path = _suite_dir(suite) / action
    out, err = io.StringIO(), io.StringIO()
    assert main(["validate", "--data", str(path)], out=out, err=err) == 2
    message = err.getvalue()
    assert message.startswith(f"laborkg: error: {path}:{where}"), message
    assert message.count("\n") == 1 and "Traceback" not in message
    assert out.getvalue() == ""

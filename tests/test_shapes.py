"""Every shape and every violation check is exercised both ways.

``fixtures/shapes/good.ttl`` conforms and gives every node shape at least one focus node and every
property shape at least one value. Each ``fixtures/shapes/bad/*.ttl`` adds one defect to it and names
in ``# expect:`` lines the results it must produce (focus, path, constraint component, shape); the
run must produce exactly those results, nothing more.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF

from laborkg import paths
from laborkg.namespace import PREFIXES, SH
from laborkg.pipeline.load import load
from laborkg.pipeline.reason import closure
from laborkg.pipeline.validate import check_files, validate

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
BAD = sorted((FIXTURES / "bad").glob("*.ttl"))
SHAPES_NS = "https://w3id.org/laborkg/shapes#"
CURIES = {**{k: str(v) for k, v in PREFIXES.items()}, "lkgsh": SHAPES_NS}


def expand(token: str) -> str | None:
    if token == "-":
        return None
    prefix, _, local = token.partition(":")
    if prefix == "check":
        return token
    return CURIES[prefix] + local


def expectations(path: Path) -> set[tuple]:
    out = set()
    for line in path.read_text().splitlines():
        if line.startswith("# expect:"):
            focus, rpath, component, shape = line.split(":", 1)[1].split()
            out.add((expand(focus), expand(rpath), expand(component), expand(shape)))
    assert out, f"{path.name} has no '# expect:' line"
    return out


def _validate(*extra: Path):
    files = paths.ontology_files() + [paths.DATA_DIR / "sources.ttl", FIXTURES / "good.ttl", *extra]
    return validate(closure(files, for_validation=True))


def _key(v):
    return (v.focus, v.path, v.component, v.shape if v.shape and v.shape.startswith(SHAPES_NS) else None)


def test_good_fixture_conforms():
    report = _validate()
    assert report.conforms, report.text()


@pytest.mark.slow
def test_all_bad_fixtures_together_give_exactly_the_expected_results():
    report = _validate(*BAD)
    got = {_key(v) for v in report.violations}
    want = set().union(*(expectations(p) for p in BAD))
    assert got - want == set(), "unexpected results"
    assert want - got == set(), "expected results that did not appear"


def _named_shapes(shapes: Graph) -> set[URIRef]:
    found = set()
    for kind in (SH.NodeShape, SH.PropertyShape):
        found |= {s for s in shapes.subjects(RDF.type, kind) if isinstance(s, URIRef)}
    return found


def test_every_shape_and_check_has_a_failing_fixture():
    shapes = load(paths.shape_files())
    exercised = set().union(*(expectations(p) for p in BAD))
    failing_shapes = {e[3] for e in exercised if e[3]}
    failing_checks = {e[2] for e in exercised if e[2] and e[2].startswith("check:")}
    # Node shapes used only through sh:node from others are exercised through the shapes using them.
    used_via_node = set(shapes.objects(None, SH.node))
    # Node shapes that only group property shapes report through those property shapes.
    groups = {
        s
        for s in _named_shapes(shapes)
        if (s, RDF.type, SH.NodeShape) in shapes
        and all(shapes.value(s, p) is None for p in (SH.sparql, SH.node, SH["or"], SH.message))
    }
    missing = {str(s) for s in _named_shapes(shapes) - used_via_node - groups} - failing_shapes
    assert not missing, f"shapes without a non-conforming fixture: {sorted(missing)}"
    for s in used_via_node:
        assert any(
            (x, SH.node, s) in shapes and str(x) in failing_shapes for x in shapes.subjects(SH.node, s)
        ), s
    want_checks = {f"check:{f.stem}" for f in check_files()} | {"check:quote-verbatim"}
    assert want_checks <= failing_checks, want_checks - failing_checks


def test_every_shape_has_a_conforming_focus_in_the_good_fixture():
    """Each node shape targets something in good.ttl and each property shape's path has values there."""
    shapes = load(paths.shape_files())
    g = closure(
        paths.ontology_files() + [paths.DATA_DIR / "sources.ttl", FIXTURES / "good.ttl"], for_validation=True
    )
    fixture_subjects = {
        s
        for s in load([FIXTURES / "good.ttl", paths.DATA_DIR / "sources.ttl"]).subjects()
        if isinstance(s, URIRef)
    }

    def targets(shape) -> set:
        out = set()
        for cls in shapes.objects(shape, SH.targetClass):
            out |= set(g.subjects(RDF.type, cls))
        for prop in shapes.objects(shape, SH.targetSubjectsOf):
            out |= set(g.subjects(prop, None))
        return out & fixture_subjects

    for shape in _named_shapes(shapes):
        if (shape, RDF.type, SH.NodeShape) in shapes and any(
            shapes.value(shape, p) is not None for p in (SH.targetClass, SH.targetSubjectsOf)
        ):
            assert targets(shape), f"{shape} has no focus node in good.ttl"
    for shape in shapes.subjects(RDF.type, SH.PropertyShape):
        path = shapes.value(shape, SH.path)
        parents = list(shapes.subjects(SH.property, shape))
        foci = set().union(*(targets(p) for p in parents)) if parents else set()
        assert foci, f"{shape}: no focus node in good.ttl"
        if isinstance(path, URIRef) and not isinstance(shape, BNode):
            assert any(g.value(f, path) is not None for f in foci), (
                f"{shape}: {path} has no value in good.ttl"
            )

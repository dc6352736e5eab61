"""Every packaged query parses, has a full header and an example, and gives its golden result."""

from __future__ import annotations

import json

import pytest
from support.golden import GOLDEN, compute, example_params

from laborkg.query import catalogue as queries
from laborkg.query.engine import prepare

CATALOGUE = queries.catalogue()


def test_there_are_at_least_thirty_packaged_queries():
    assert len(CATALOGUE) >= 30


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_query_parses_and_has_a_header(name):
    q = CATALOGUE[name]
    prepare(q.text)
    assert q.summary and q.description and q.tags and q.examples, name
    assert q.examples[0].startswith(f"laborkg query {name}")
    for p in q.params:
        assert p.description, (name, p.name)
    assert set(example_params(q)) <= {p.name for p in q.params}
    assert (GOLDEN / f"{name}.json").is_file(), f"no golden result for {name}"


def test_no_golden_file_without_a_query():
    assert {p.stem for p in GOLDEN.glob("*.json")} <= set(CATALOGUE)


def _diff(want: dict, got: dict) -> str:
    if want.get("vars") != got.get("vars"):
        return f"variables differ: golden {want.get('vars')} vs now {got.get('vars')}"
    w = [json.dumps(r, ensure_ascii=False) for r in want.get("rows", want.get("triples", []))]
    g = [json.dumps(r, ensure_ascii=False) for r in got.get("rows", got.get("triples", []))]
    missing = [r for r in w if r not in g]
    extra = [r for r in g if r not in w]
    lines = [f"{len(missing)} row(s) missing, {len(extra)} unexpected:"]
    lines += [f"- {r}" for r in missing[:20]] + [f"+ {r}" for r in extra[:20]]
    return "\n".join(lines)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_query_gives_its_golden_result(kg, name):
    want = json.loads((GOLDEN / f"{name}.json").read_text())
    got = compute(kg, CATALOGUE[name])
    assert got == want, _diff(want, got)

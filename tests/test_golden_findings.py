"""The queries about USDOL's findings give their golden answers on the findings store (the shipped graph and
the findings of support.findings.COUNTRIES, every reporting year)."""

from __future__ import annotations

import json

import pytest
from support.golden import FINDINGS_CASES, FINDINGS_GOLDEN, compute_on_store

from laborkg.query import catalogue as queries


def _diff(want: dict, got: dict) -> str:
    w = [json.dumps(r, ensure_ascii=False) for r in want["rows"]]
    g = [json.dumps(r, ensure_ascii=False) for r in got["rows"]]
    missing, extra = [r for r in w if r not in g], [r for r in g if r not in w]
    lines = [f"{len(missing)} row(s) missing, {len(extra)} unexpected:"]
    return "\n".join(lines + [f"- {r}" for r in missing[:20]] + [f"+ {r}" for r in extra[:20]])


def test_every_findings_golden_file_has_a_case():
    assert {p.stem for p in FINDINGS_GOLDEN.glob("*.json")} == set(FINDINGS_CASES)
    assert set(FINDINGS_CASES) <= set(queries.catalogue())


@pytest.fixture(scope="module")
def store(findings_store):
    from laborkg.backends.oxigraph import OxigraphStore

    s = OxigraphStore(findings_store)
    yield s
    s.close()


@pytest.mark.parametrize("name", sorted(FINDINGS_CASES))
def test_findings_query_gives_its_golden_answer(store, name):
    want = json.loads((FINDINGS_GOLDEN / f"{name}.json").read_text())
    got = compute_on_store(store, name)
    assert want["vars"] == got["vars"]
    assert got == want, _diff(want, got)
    assert got["rows"], f"{name}: the findings store answers with rows"

"""Hostile text in every string parameter never widens an answer.

Parameters are bound by the engine, never pasted into the query, so SPARQL in a parameter is just text.
For each packaged query with a string parameter, a Python oracle computes the honest answer for that
text straight from the graph; at least 1,000 hostile strings go through the real query path (the same
as `laborkg query -p …`) and each answer must equal the oracle's.
"""

from __future__ import annotations

import pytest
from support.hostile import FINDINGS_ORACLES, ORACLES, findings_strings, hostile_strings

from laborkg.query import catalogue as queries


def test_every_string_parameter_has_an_oracle():
    params = {(q.name, p.name) for q in queries.catalogue().values() for p in q.params if p.type == "string"}
    assert params == set(ORACLES) | set(FINDINGS_ORACLES)


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(ORACLES), ids=lambda k: f"{k[0]}.{k[1]}")
def test_hostile_strings_never_widen_the_answer(kg, key):
    name, param = key
    column, oracle = ORACLES[key]
    strings = hostile_strings()
    honest_hits = 0
    for text in strings:
        answer = queries.run(kg, name, {param: text}, timeout=None)
        got = {row[column] for row in answer.dicts() if column in row}
        want = oracle(kg, text)
        assert got == want, f"{name} -p {param}={text!r}: {len(got)} rows, oracle {len(want)}"
        honest_hits += bool(want)
    # the strings that contain real text do find things: the comparison is not vacuous
    assert honest_hits > 0


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(FINDINGS_ORACLES), ids=lambda k: f"{k[0]}.{k[1]}")
def test_hostile_strings_never_widen_a_findings_answer(findings_store, key):
    """The findings queries' string parameters, on the findings store (the shipped graph has no findings):
    the honest answer is the answer without the parameter, filtered by the documented comparison."""
    from laborkg.backends.oxigraph import OxigraphStore

    name, param = key
    column, filtered, keeps = FINDINGS_ORACLES[key]
    store = OxigraphStore(findings_store)
    try:
        universe = store.query(name, {}, timeout=None).dicts()
        assert universe
        honest_hits = 0
        for text in findings_strings(param):
            answer = store.query(name, {param: text}, timeout=None)
            got = {row[column] for row in answer.dicts()}
            want = {row[column] for row in universe if keeps(text, str(row[filtered]))}
            assert got == want, f"{name} -p {param}={text!r}: {len(got)} rows, oracle {len(want)}"
            honest_hits += 0 < len(want) < len(universe)
        assert honest_hits > 0  # some texts narrow the answer without emptying it: the test is not vacuous
    finally:
        store.close()

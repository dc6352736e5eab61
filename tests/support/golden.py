"""Golden results of the packaged queries: how they are computed, normalised and compared.

Each query runs with the parameters of its first ``#+ example:`` line. A result is stored as
``tests/golden/<name>.json``: the variables and the rows as N-Triples terms, rows sorted, and the
columns made with GROUP_CONCAT split on their separator and sorted (SPARQL leaves their order open).
Regenerate after an intended change with ``.venv/bin/python tests/support/golden.py`` and review the diff.

The queries about USDOL's findings data also have golden answers on the findings store (the shipped graph
and the findings of ``support.findings.COUNTRIES``, every year: the ``findings_store`` fixture), stored as
``tests/golden/findings/<name>.json``: the answer to the parameters of :data:`FINDINGS_CASES`, made
comparable across backends (``support.compare.comparable``: numbers by value). Regenerate them with
``.venv/bin/python tests/support/golden.py --findings [STORE]`` (STORE: a findings store; without it, one is
built in a temporary directory, ~30 s) and review the diff.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
FINDINGS_GOLDEN = GOLDEN / "findings"
_CONCAT = re.compile(
    r"GROUP_CONCAT\s*\((?:[^()]|\([^()]*(?:\([^()]*\))*[^()]*\))*?"
    r'separator\s*=\s*"([^"]*)"\s*\)\s*AS\s*\?(\w+)',
    re.I | re.S,
)


def concat_columns(text: str) -> dict[str, str]:
    """Variables made with GROUP_CONCAT in the query, with their separators."""
    return {m.group(2): m.group(1) for m in _CONCAT.finditer(text)}


def example_params(query) -> dict[str, str]:
    """The -p parameters of the query's first example line."""
    if not query.examples:
        return {}
    words = shlex.split(query.examples[0])
    params = {}
    for i, word in enumerate(words):
        if word in ("-p", "--param") and i + 1 < len(words):
            name, _, value = words[i + 1].partition("=")
            params[name] = value
    return params


def _cell(term, separator: str | None):
    if term is None:
        return None
    if separator is not None:
        return sorted(str(term).split(separator)) if str(term) else []
    return term.n3()


def normalise(answer, text: str = "") -> dict:
    if answer.kind == "ask":
        return {"boolean": bool(answer.boolean)}
    if answer.kind == "graph":
        return {"triples": sorted(answer.graph.serialize(format="nt").splitlines())}
    seps = concat_columns(text)
    rows = sorted(
        ([_cell(t, seps.get(v)) for v, t in zip(answer.vars, row, strict=True)] for row in answer.rows),
        key=lambda r: json.dumps(r, ensure_ascii=False),
    )
    return {"vars": list(answer.vars), "rows": rows}


def compute(graph, query) -> dict:
    from laborkg.query import catalogue as queries

    return normalise(queries.run(graph, query.name, example_params(query), timeout=None), query.text)


def write_all() -> None:
    from laborkg.pipeline.load import input_files
    from laborkg.pipeline.reason import closure
    from laborkg.query import catalogue as queries

    graph = closure(input_files())
    GOLDEN.mkdir(exist_ok=True)
    for query in queries.catalogue().values():
        data = compute(graph, query)
        (GOLDEN / f"{query.name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        print(f"{query.name}: {len(data.get('rows', data.get('triples', [])))} rows", file=sys.stderr)


#: Packaged queries with a golden answer on the findings store, with their parameters (for the findings-*
#: queries, those of their first example: the example docs/findings.md shows).
FINDINGS_CASES: dict[str, dict[str, str]] = {
    "minimum-age-below-compulsory-education": {},
    "standards-not-meeting-international-standards": {"year": "2022"},
    "suggested-actions-over-the-years": {"country": "Mexico"},
    "ilab-projects": {"country": "Mexico"},
    "findings-advancement-levels": {"country": "Mexico"},
    "findings-country-profile": {"country": "Mexico", "year": "2022"},
    "findings-country-ranking": {
        "indicator": "Number of Labor Inspectors",
        "year": "2022",
        "region": "Latin America and the Caribbean",
    },
    "findings-enforcement-mexico-central-america": {"indicator": "Number of Labor Inspectors"},
    "findings-goods": {"kind": "forced labor", "region": "Latin America"},
    "findings-indicator-over-years": {"country": "Mexico", "indicator": "Number of Labor Inspectors"},
    "findings-value-sources": {
        "country": "Mexico",
        "year": "2022",
        "indicator": "Number of Labor Inspectors",
    },
}
FINDINGS_GOLDEN = GOLDEN / "findings"


def compute_on_store(store, name: str) -> dict:
    """The answer of ``name`` with its :data:`FINDINGS_CASES` parameters on a Store (any backend), made
    comparable across backends (``support.compare.comparable``: numbers by value, an empty GROUP_CONCAT
    as no values)."""
    from laborkg.query import catalogue as queries
    from support.compare import comparable

    return comparable(store.query(name, FINDINGS_CASES[name], timeout=None), queries.get(name).text)


def write_findings(directory: Path | None = None) -> None:
    """Write ``tests/golden/findings/<name>.json`` for every :data:`FINDINGS_CASES` entry, from the findings
    store in ``directory`` (built in a temporary directory when None, as the ``findings_store`` fixture
    builds it: the shipped graph, then the findings of ``support.findings.COUNTRIES``, every year)."""
    import os
    import tempfile

    from laborkg.backends.oxigraph import OxigraphStore

    FINDINGS_GOLDEN.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if directory is None:
            from laborkg.ingest.usdol_xml import YEARS
            from laborkg.store.build import build
            from laborkg.store.ingest import add_findings
            from support.findings import COUNTRIES, FINDINGS

            os.environ["LABORKG_CACHE_DIR"] = str(Path(tmp) / "cache")  # never the user's cache
            directory = Path(tmp) / "kg"
            build(directory)
            add_findings(directory, FINDINGS, YEARS, COUNTRIES)
        store = OxigraphStore(directory)
        try:
            for name in FINDINGS_CASES:
                data = compute_on_store(store, name)
                target = FINDINGS_GOLDEN / f"{name}.json"
                target.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
                print(f"findings/{name}: {len(data['rows'])} rows", file=sys.stderr)
        finally:
            store.close()


if __name__ == "__main__":
    if "--findings" in sys.argv[1:]:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: support.* as tests import it
        rest = sys.argv[sys.argv.index("--findings") + 1 :]
        write_findings(Path(rest[0]) if rest else None)
    else:
        write_all()

"""The findings queries on a store holding USDOL's findings: laborkg against raw pyoxigraph, one run.

Every packaged query tagged ``findings``, with each example's parameters and with none where none is
required, on a store (``--store DIR``; by default the whole series, 2014-2022, every country, ingested into a
copy of a fresh build in a temporary directory: 2-3 min): ``OxigraphStore.query`` in-process against raw
pyoxigraph on the same store directory with the same query text and parameter terms (issue 11's target:
within 1.5x). Medians of wall and CPU time (CPU time of this thread: the machine's other load left out).

Usage: python bench/findings_queries.py [--store DIR] [--repeat N] [-o FILE]   (progress on stderr)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def say(message: str) -> None:
    sys.stderr.write(f"bench: {message}\n")
    sys.stderr.flush()


def medians(fn, repeat: int) -> tuple[float, float]:
    """(wall, CPU) medians in seconds."""
    wall, cpu = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.thread_time()
        fn()
        cpu.append(time.thread_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(wall), statistics.median(cpu)


def whole_series(directory: Path) -> Path:
    from laborkg.ingest.usdol_xml import YEARS
    from laborkg.store.build import build
    from laborkg.store.ingest import add_findings

    findings = Path(os.environ.get("LABORKG_FINDINGS_DIR") or HERE.parent.parent / "shared" / "findings")
    store = directory / "kg"
    say(f"building a store and ingesting {findings} into {store}")
    build(store)
    add_findings(store, findings, YEARS, ())
    return store


def per_query(store_dir: Path, repeat: int) -> list[dict]:
    import pyoxigraph as ox

    sys.path.insert(0, str(HERE.parent / "tests"))
    from support.golden import example_params

    from laborkg.backends.oxigraph import OxigraphStore
    from laborkg.backends.terms import to_oxigraph
    from laborkg.namespace import sparql_prologue
    from laborkg.query.catalogue import catalogue
    from laborkg.query.rewrite import project_parameters
    from laborkg.store.layout import DATABASE

    store = OxigraphStore(store_dir)
    raw = ox.Store.read_only(str(store.directory / DATABASE))
    rows = []
    for name, query in sorted(catalogue().items()):
        if "findings" not in query.tags:
            continue
        cases = [
            example_params(type(query)(**{**vars(query), "examples": query.examples[n:]}))
            for n in range(len(query.examples))
        ]
        if not any(p.required for p in query.params):
            cases.append({})
        for params in cases:
            bound = store.bind(name, params)  # names resolved once: both sides get the same terms
            text, _ = project_parameters(query.text, list(bound.values))
            subs = {ox.Variable(k): to_oxigraph(v) for k, v in bound.values.items()}
            full = sparql_prologue() + text
            terms = {**params, **{k: str(v) for k, v in bound.values.items() if query.param(k).type == "iri"}}
            n = len(store.query(name, terms, timeout=None).rows)
            lk = medians(lambda n=name, p=terms: store.query(n, p, timeout=None), repeat)
            ox_t = medians(lambda q=full, s=subs: len(list(raw.query(q, substitutions=s))), repeat)
            rows.append({"query": name, "params": params, "rows": n, "laborkg": lk, "oxigraph": ox_t})
            say(
                f"{name} {params}: {n} rows, laborkg {lk[1] * 1e3:.1f} ms, "
                f"pyoxigraph {ox_t[1] * 1e3:.1f} ms CPU"
            )
    store.close()
    return rows


def report(rows: list[dict], triples: int | None, args) -> str:
    lines = [
        f"Findings store of {triples or '?'} triples, one run ({time.strftime('%Y-%m-%d')}, `python "
        f"bench/findings_queries.py --repeat {args.repeat}`); medians; load average at start "
        f"{os.getloadavg()[0]:.2f}.",
        "",
        "| query | parameters | rows | laborkg (CPU) | raw pyoxigraph (CPU) | ratio (CPU) | ratio (wall) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        params = ", ".join(f"{k}={v}" for k, v in r["params"].items()) or "–"
        lines.append(
            f"| `{r['query']}` | {params} | {r['rows']} | {r['laborkg'][1] * 1e3:.1f} ms "
            f"| {r['oxigraph'][1] * 1e3:.1f} ms | {r['laborkg'][1] / r['oxigraph'][1]:.2f}× "
            f"| {r['laborkg'][0] / r['oxigraph'][0]:.2f}× |"
        )
    worst = max(r["laborkg"][1] / r["oxigraph"][1] for r in rows)
    lines += [
        "",
        f"Target ≤ 1.5× raw pyoxigraph: worst {worst:.2f}× (CPU); **{'met' if worst <= 1.5 else 'missed'}**.",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", help="a store holding the findings (default: the whole series, built here)")
    ap.add_argument("--repeat", type=int, default=11, help="timings per query (median)")
    ap.add_argument("-o", "--output", help="write the markdown report here (default: stdout)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="laborkg-bench-") as tmp:
        os.environ.setdefault("LABORKG_CACHE_DIR", str(Path(tmp) / "cache"))
        store = Path(args.store) if args.store else whole_series(Path(tmp))
        from laborkg.backends.oxigraph import OxigraphStore

        with OxigraphStore(store) as opened:
            triples = opened.size()
        text = report(per_query(store, args.repeat), triples, args)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

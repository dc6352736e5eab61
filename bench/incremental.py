"""How the cost of ``laborkg add`` grows with the store: the same small document added to stores of
different sizes.

    python bench/incremental.py --sizes 10k,100k [--repeat 3] [--workdir DIR]

For each size, bench/generate.py writes a synthetic graph (shaped like data/, conforming to shapes/),
``laborkg build`` stores it with data/sources.ttl, and a first ``add`` of a small document computes
the store's validation delta (once per store, from the build's cached closures; timed apart). Then
the same document of a few dozen triples (a program with its funding, organisation role, source
passage and a new sub-unit: entailments about old nodes through inverse, symmetric and transitive
properties) is added ``--repeat`` times, each to a fresh copy of that store, and the median time of
``incremental.add`` (in this process: imports excluded) is printed with its ratio to the smallest
size. A benchmark, not a test: it never fails on time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

from generate import generate, parse_size, real_quotes  # noqa: E402


def document(tag: str) -> str:
    """A few dozen triples about cluster 1 of every generated graph (it exists at every size)."""
    doc, quote = real_quotes()[0]
    quote = quote.replace("\\", "\\\\").replace('"', '\\"')
    return f"""@prefix lkg: <https://w3id.org/laborkg/ontology#> .
@prefix lkc: <https://w3id.org/laborkg/code/> .
@prefix lkr: <https://w3id.org/laborkg/id/> .
@prefix lkp: <https://w3id.org/laborkg/id/passage/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

lkp:bench-{tag} a lkg:SourcePassage ; lkg:inDocument <{doc}> ; lkg:quote "{quote}" .
lkr:bench-program-{tag} a lkg:TechnicalAssistanceProject ;
    rdfs:label "Benchmark project {tag}"@en ; lkg:source lkp:bench-{tag} .
lkr:bench-funding-{tag} a lkg:Funding ;
    rdfs:label "Benchmark funding {tag}"@en ;
    lkg:funder lkr:syn-funder-3 ; lkg:fundedInitiative lkr:bench-program-{tag} ;
    lkg:beneficiary lkr:syn-agency-1 ;
    lkg:amount 125000.0 ; lkg:currency lkc:USD ;
    lkg:startDate "2021"^^xsd:gYear ; lkg:endDate "2023-06"^^xsd:gYearMonth ;
    lkg:source lkp:bench-{tag} .
lkr:bench-role-{tag} a lkg:OrganisationRole ;
    rdfs:label "Benchmark implementer {tag}"@en ;
    lkg:roleOrganisation lkr:syn-implementer-1 ; lkg:roleInInitiative lkr:bench-program-{tag} ;
    lkg:roleType lkc:iati-organisation-role-4 ; lkg:source lkp:bench-{tag} .
lkr:bench-unit-{tag} a lkg:SubAgency ;
    rdfs:label "Benchmark office {tag}"@en , "Oficina de referencia {tag}"@es ;
    lkg:subAgencyOf lkr:syn-unit-1 ; lkg:partner lkr:syn-implementer-1 ;
    lkg:source lkp:bench-{tag} .
"""


def say(message: str) -> None:
    print(f"[bench/incremental] {message}", file=sys.stderr, flush=True)


def bench_size(label: str, size: int, workdir: Path, repeat: int) -> dict:
    from laborkg import incremental, paths
    from laborkg.store import build

    d = workdir / label
    d.mkdir(parents=True, exist_ok=True)
    os.environ["LABORKG_CACHE_DIR"] = str(d / "cache")
    data = d / f"syn-{label}.ttl"
    if not data.is_file():
        say(f"{label}: generating ~{size} triples")
        generate(size, data)
    store = d / "store"
    t = time.perf_counter()
    manifest = build(store, data=[paths.DATA_DIR / "sources.ttl", data])
    built = time.perf_counter() - t
    say(f"{label}: built {manifest['triples']} triples in {built:.1f} s ({manifest['reasoner']['name']})")
    first = d / "first.ttl"
    first.write_text(document("first"), encoding="utf-8")
    t = time.perf_counter()
    incremental.add(store, [first])
    prepared = time.perf_counter() - t
    doc = d / "doc.ttl"
    doc.write_text(document("timed"), encoding="utf-8")
    times, last = [], {}
    for i in range(repeat):
        copy = d / f"copy-{i}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(store, copy)
        t = time.perf_counter()
        last = incremental.add(copy, [doc])
        times.append(time.perf_counter() - t)
        shutil.rmtree(copy, ignore_errors=True)
        assert last["rebuilt"] is None
    result = {
        "label": label,
        "store_triples": manifest["triples"],
        "reasoner": manifest["reasoner"]["name"],
        "build_s": built,
        "first_add_s": prepared,
        "add_s": statistics.median(times),
        "add_runs": times,
        "asserted": last["manifest"]["additions"][-1]["asserted"],
        "triples_added": last["triples_added"],
        "neighbourhood": last["neighbourhood"],
        "focus_nodes": last["focus_nodes"],
    }
    say(f"{label}: add {result['add_s'] * 1000:.0f} ms (runs {', '.join(f'{x:.2f}' for x in times)} s)")
    return result


def report(results: list[dict]) -> str:
    base = results[0]["add_s"]
    lines = [
        "| store | triples in store | reasoner | build | first add (+ validation delta) | add (median) | "
        "× smallest | document → new triples | neighbourhood (triples) | focus nodes |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['label']} | {r['store_triples']:,} | {r['reasoner']} | {r['build_s']:.1f} s | "
            f"{r['first_add_s']:.2f} s | {r['add_s'] * 1000:.0f} ms | {r['add_s'] / base:.2f}× | "
            f"{r['asserted']} → {r['triples_added']} | {r['neighbourhood']} | {r['focus_nodes']} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="10k,100k", help="comma-separated sizes (default 10k,100k)")
    p.add_argument("--repeat", type=int, default=3, help="timed additions per size (median), default 3")
    p.add_argument("--workdir", help="where graphs and stores go (default: a temporary directory)")
    args = p.parse_args(argv)
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="laborkg-incremental-"))
    results = [bench_size(s, parse_size(s), workdir, args.repeat) for s in args.sizes.split(",")]
    print(report(results))
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

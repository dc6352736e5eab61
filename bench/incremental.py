"""How the cost of ``laborkg add`` grows with the store: the same small document added to stores of
different sizes.

    python bench/incremental.py --sizes 10k,100k [--repeat 3] [--workdir DIR]

For each size, bench/generate.py writes a synthetic graph (shaped like data/, conforming to shapes/),
``laborkg build`` stores it with data/sources.ttl, and a first ``add`` of a small document computes
the store's validation delta (once per store, from the build's cached closures; timed apart). Then
the same document of a few dozen triples (a program with its funding, organisation role, source
passage and a new sub-unit: entailments about old nodes through inverse, symmetric and transitive
properties) is added ``--repeat`` times to each size, sizes alternating, each time to a fresh copy of
the prepared store, after one untimed warm-up; the median time of ``incremental.add`` (in this
process: imports excluded) is printed with its ratio to the smallest size. A benchmark, not a test:
it never fails on time.
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


def _closure(files: list[str], validation: bool) -> None:
    from laborkg.pipeline.load import input_files
    from laborkg.pipeline.reason import closure

    closure(input_files(files), for_validation=validation)  # cached as N-Triples, as build caches it


def build_unvalidated(store: Path, files: list[Path]) -> dict:
    """``build`` without its SHACL pass, for sizes where pySHACL would take too long here: both
    closures are computed in parallel (reason.py caches them), then ``build`` stores the query closure
    with validation replaced by "conforms". bench/generate.py's graphs conform by construction (the
    smaller sizes are built with validation)."""
    import multiprocessing as mp

    from laborkg.backends import oxigraph as store_module
    from laborkg.pipeline.validate import ValidationReport
    from laborkg.store.build import build

    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_closure, args=([str(f) for f in files], v)) for v in (False, True)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
        if proc.exitcode:
            raise SystemExit(f"reasoning failed (exit {proc.exitcode})")
    real = store_module.validate_closure
    store_module.validate_closure = lambda *args, **kwargs: ValidationReport([])
    try:
        return build(store, data=files)
    finally:
        store_module.validate_closure = real


def prepare(label: str, size: int, workdir: Path, reuse: bool, unvalidated_from: int) -> dict:
    """Generate, build and make the first addition (which computes the validation delta)."""
    from laborkg import paths
    from laborkg.store import incremental
    from laborkg.store.build import build
    from laborkg.store.layout import read_manifest

    d = workdir / label
    d.mkdir(parents=True, exist_ok=True)
    os.environ["LABORKG_CACHE_DIR"] = str(d / "cache")
    data = d / f"syn-{label}.ttl"
    if not data.is_file():
        say(f"{label}: generating ~{size} triples")
        generate(size, data)
    store = d / "store"
    info = {"label": label, "dir": d, "store": store, "build_s": None, "first_add_s": None}
    if reuse and (store / incremental.DELTA).is_dir():
        info["manifest"] = read_manifest(store)
        return info
    files = [paths.DATA_DIR / "sources.ttl", data]
    t = time.perf_counter()
    if size >= unvalidated_from:
        info["manifest"] = build_unvalidated(store, files)
        info["unvalidated"] = True
    else:
        info["manifest"] = build(store, data=files)
    info["build_s"] = time.perf_counter() - t
    say(f"{label}: built {info['manifest']['triples']} triples in {info['build_s']:.1f} s")
    first = d / "first.ttl"
    first.write_text(document("first"), encoding="utf-8")
    t = time.perf_counter()
    incremental.add(store, [first])
    info["first_add_s"] = time.perf_counter() - t
    info["manifest"] = read_manifest(store)
    return info


def time_add(info: dict, run: int) -> tuple[float, dict]:
    """One timed addition of the document to a fresh copy of the prepared store."""
    from laborkg.store import incremental

    os.environ["LABORKG_CACHE_DIR"] = str(info["dir"] / "cache")
    doc = info["dir"] / "doc.ttl"
    doc.write_text(document("timed"), encoding="utf-8")
    copy = info["dir"] / f"copy-{run}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(info["store"], copy)
    t = time.perf_counter()
    done = incremental.add(copy, [doc])
    seconds = time.perf_counter() - t
    shutil.rmtree(copy, ignore_errors=True)
    assert done["rebuilt"] is None
    say(f"{info['label']}: add {seconds:.2f} s")
    return seconds, done


def bench(sizes: list[str], workdir: Path, repeat: int, reuse: bool, unvalidated_from: int) -> list[dict]:
    infos = [prepare(s, parse_size(s), workdir, reuse, unvalidated_from) for s in sizes]
    for info in infos:
        time_add(info, -1)  # warm-up: the ontology's closures are cached, the files in the page cache
    runs: dict[str, list[float]] = {i["label"]: [] for i in infos}
    last: dict[str, dict] = {}
    for r in range(repeat):  # sizes alternate, so a busy moment of the machine hits them alike
        for info in infos:
            seconds, last[info["label"]] = time_add(info, r)
            runs[info["label"]].append(seconds)
    out = []
    for info in infos:
        done = last[info["label"]]
        out.append(
            {
                "label": info["label"],
                "store_triples": info["manifest"]["triples"],
                "unvalidated": info.get("unvalidated", False),
                "reasoner": info["manifest"]["reasoner"]["name"],
                "build_s": info["build_s"],
                "first_add_s": info["first_add_s"],
                "add_s": statistics.median(runs[info["label"]]),
                "add_runs": runs[info["label"]],
                "asserted": done["manifest"]["additions"][-1]["asserted"],
                "triples_added": done["triples_added"],
                "neighbourhood": done["neighbourhood"],
                "validated": done["validated"],
                "focus_nodes": done["focus_nodes"],
            }
        )
    return out


def _s(seconds: float | None) -> str:
    return "(reused)" if seconds is None else f"{seconds:.1f} s"


def report(results: list[dict]) -> str:
    base = results[0]["add_s"]
    lines = [
        "| store | triples in store | reasoner | build | first add (+ validation delta) | add (median) | "
        "× smallest | document → new triples | neighbourhood read for reasoning / validation (triples) | "
        "focus nodes |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['label']}{' (built without SHACL)' if r['unvalidated'] else ''} | "
            f"{r['store_triples']:,} | {r['reasoner']} | {_s(r['build_s'])} | "
            f"{_s(r['first_add_s'])} | {r['add_s'] * 1000:.0f} ms | {r['add_s'] / base:.2f}× | "
            f"{r['asserted']} → {r['triples_added']} | {r['neighbourhood']} / {r['validated']} | "
            f"{r['focus_nodes']} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="10k,100k", help="comma-separated sizes (default 10k,100k)")
    p.add_argument("--repeat", type=int, default=3, help="timed additions per size (median), default 3")
    p.add_argument("--workdir", help="where graphs and stores go (default: a temporary directory)")
    p.add_argument(
        "--reuse", action="store_true", help="reuse the stores already prepared in --workdir (no build)"
    )
    p.add_argument(
        "--unvalidated-from",
        default="1M",
        help="from this size on, build the store without the SHACL pass (pySHACL at 1M takes too long on a "
        "shared 2-core machine); default 1M",
    )
    args = p.parse_args(argv)
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="laborkg-incremental-"))
    results = bench(
        args.sizes.split(","), workdir, args.repeat, args.reuse, parse_size(args.unvalidated_from)
    )
    print(report(results))
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark laborkg (pyoxigraph store) against plain rdflib and raw pyoxigraph on synthetic graphs.

    python bench/run.py --sizes 10k,100k [--repeat 3] [--out BENCHMARKS.md] [--workdir DIR]

For each size, bench/generate.py writes a graph shaped like laborkg's data (conforming to shapes/), and
every measurement runs in a fresh Python subprocess that reports its wall time and its peak resident
memory (``resource.getrusage``), repeated ``--repeat`` times (the median is reported; sizes of 1M and up
run once unless ``--repeat-large`` says otherwise). Measured, on the same data:

- load: parse ontology + data (rdflib; pyoxigraph in memory); laborkg build = reason + validate once +
  load the closure into the on-disk store, end to end;
- reasoning: OWL RL closure with reasonable (laborkg's fast path) and owlrl (the reference; skipped above
  ``--owlrl-max``, 100k by default, as it takes about 13 minutes at 1M);
- validation: pySHACL + laborkg's SPARQL checks + the verbatim-quote check on the precomputed closure;
- queries: three packaged queries (agencies-lost-support, funding-flows, entity-sources) with their
  parameters bound by the engine: laborkg from the on-disk store, rdflib on the closure in memory, raw
  pyoxigraph on the closure in memory; first run and median of the next ``--query-repeat``;
- export to Turtle: the on-disk store (laborkg), rdflib's writer, pyoxigraph in memory, and laborkg's
  stable (sorted, exact) writer.

Results go to stdout as they come (progress on stderr) and to BENCHMARKS.md with the machine description.
Benchmarks never run in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from generate import generate, parse_size  # noqa: E402

QUERIES = [
    ("agencies-lost-support", {}),
    ("funding-flows", {"funder": "https://w3id.org/laborkg/id/syn-funder-3"}),
    ("entity-sources", {"entity": "https://w3id.org/laborkg/id/syn-agency-1"}),
]


# ---------------------------------------------------------------------------------------------
# Tasks: each runs in its own subprocess and prints one JSON object


def _files(spec: dict) -> list[Path]:
    from laborkg import paths

    return paths.ontology_files() + [ROOT / "data" / "sources.ttl", Path(spec["data"])]


def _cached(spec: dict, mode: str) -> Path:
    from laborkg.reason import inputs_key

    return Path(spec["cache"]) / f"closure-{mode}-{inputs_key(_files(spec), mode)}.nt"  # as build chose


def _rdflib_closure(spec: dict):
    from rdflib import Graph

    g = Graph()
    g.parse(_cached(spec, "query"), format="nt")
    return g


def _oxigraph_closure(spec: dict):
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(_cached(spec, "query")), format=ox.RdfFormat.N_TRIPLES)
    return store


def task_load_rdflib(spec):
    from laborkg.graph import load

    t = time.perf_counter()
    g = load(_files(spec))
    return {"seconds": time.perf_counter() - t, "triples": len(g)}


def task_load_oxigraph(spec):
    import pyoxigraph as ox

    t = time.perf_counter()
    store = ox.Store()
    for f in _files(spec):
        store.load(path=str(f), format=ox.RdfFormat.TURTLE)
    return {"seconds": time.perf_counter() - t, "triples": len(store)}


def task_reason(spec):
    from laborkg.graph import load
    from laborkg.reason import owl_rl_closure

    g = load(_files(spec))
    t = time.perf_counter()
    owl_rl_closure(g, reasoner=spec["reasoner"])
    return {"seconds": time.perf_counter() - t, "triples": len(g)}


def task_build(spec):
    from laborkg.store import build

    shutil.rmtree(spec["cache"], ignore_errors=True)
    os.environ["LABORKG_CACHE_DIR"] = spec["cache"]
    marks = []
    t = time.perf_counter()
    manifest = build(
        spec["store"], data=_files(spec)[-2:], progress=lambda m: marks.append((time.perf_counter() - t, m))
    )
    return {"seconds": time.perf_counter() - t, "triples": manifest["triples"], "steps": marks}


def task_validate(spec):
    from rdflib import Graph

    from laborkg.store import validate_closure
    from laborkg.validate import validate

    nt = _cached(spec, "validation")
    g = Graph()
    g.parse(nt, format="nt")
    t = time.perf_counter()
    # laborkg build: pySHACL + the violation queries on pyoxigraph; plain: everything on rdflib
    report = validate_closure(g, nt) if spec["validator"] == "laborkg" else validate(g)
    return {"seconds": time.perf_counter() - t, "violations": len(report.violations)}


def _timed_queries(run, repeat: int) -> dict:
    out = {}
    for name, params in QUERIES:
        t = time.perf_counter()
        rows = run(name, params)
        first = time.perf_counter() - t
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            run(name, params)
            times.append(time.perf_counter() - t)
        out[name] = {"first": first, "median": statistics.median(times), "rows": rows}
    return out


def task_query_laborkg(spec):
    from laborkg.store import open_store

    t = time.perf_counter()
    store = open_store(spec["store"])
    opened = time.perf_counter() - t
    result = _timed_queries(lambda n, p: len(store.query(n, p, timeout=None)), spec["query_repeat"])
    t = time.perf_counter()
    answer = store.query("agencies-lost-support", {})  # with the default time limit: in a forked child
    forked = time.perf_counter() - t
    t = time.perf_counter()
    store.label_graph(answer)
    labels = time.perf_counter() - t
    return {"open": opened, "queries": result, "forked": forked, "labels": labels, "rows": len(answer)}


def task_query_rdflib(spec):
    from laborkg import queries

    t = time.perf_counter()
    g = _rdflib_closure(spec)
    loaded = time.perf_counter() - t
    result = _timed_queries(lambda n, p: len(queries.run(g, n, p, timeout=None)), spec["query_repeat"])
    return {"open": loaded, "queries": result}


def task_query_oxigraph(spec):
    import pyoxigraph as ox
    from rdflib import URIRef

    from laborkg import queries
    from laborkg.namespace import sparql_prologue
    from laborkg.store import project_parameters, to_oxigraph

    t = time.perf_counter()
    store = _oxigraph_closure(spec)
    loaded = time.perf_counter() - t

    def run(name, params):
        text, _ = project_parameters(queries.get(name).text, params)
        subs = {ox.Variable(k): to_oxigraph(URIRef(v)) for k, v in params.items()}
        return len(list(store.query(sparql_prologue() + text, substitutions=subs)))

    return {"open": loaded, "queries": _timed_queries(run, spec["query_repeat"])}


def task_export(spec):
    import pyoxigraph as ox

    which = spec["exporter"]
    if which == "store":
        from laborkg.store import open_store

        store = open_store(spec["store"])._store
        t = time.perf_counter()
        data = store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
    elif which == "oxigraph":
        store = _oxigraph_closure(spec)
        t = time.perf_counter()
        data = store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
    elif which == "rdflib":
        g = _rdflib_closure(spec)
        t = time.perf_counter()
        data = g.serialize(format="turtle", encoding="utf-8")
    else:  # laborkg's stable, exact Turtle writer (on an rdflib graph)
        from laborkg import export

        g = _rdflib_closure(spec)
        t = time.perf_counter()
        data = export.serialize(g, "ttl")
    return {"seconds": time.perf_counter() - t, "bytes": len(data)}


TASKS = {
    "load-rdflib": task_load_rdflib,
    "load-oxigraph": task_load_oxigraph,
    "reason": task_reason,
    "build": task_build,
    "validate": task_validate,
    "query-laborkg": task_query_laborkg,
    "query-rdflib": task_query_rdflib,
    "query-oxigraph": task_query_oxigraph,
    "export": task_export,
}


def run_task(name: str, spec: dict) -> None:
    result = TASKS[name](spec)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


# ---------------------------------------------------------------------------------------------
# The driver


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def measure(name: str, spec: dict, repeat: int) -> dict:
    """Run task ``name`` ``repeat`` times, each in a fresh subprocess; the median run (by time)."""
    runs = []
    for n in range(repeat):
        proc = subprocess.run(
            [sys.executable, __file__, "--task", name, "--spec", json.dumps(spec)],
            capture_output=True,
            text=True,
            env={**os.environ, "LABORKG_CACHE_DIR": spec["cache"]},
        )
        if proc.returncode != 0:
            raise RuntimeError(f"task {name} failed:\n{proc.stderr[-3000:]}")
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        label = spec.get("reasoner") or spec.get("exporter") or spec.get("validator") or ""
        seconds = runs[-1].get("seconds")
        shown = f"{seconds:.2f} s" if seconds is not None else "done"
        say(f"  {name} {label} run {n + 1}/{repeat}: {shown}, peak {runs[-1]['peak_mb']:.0f} MB")
    if "seconds" in runs[0]:
        runs.sort(key=lambda r: r["seconds"])
    return runs[len(runs) // 2]


def _fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.1f} s" if seconds < 100 else f"{seconds:.0f} s"


def _ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "–"
    return f"{a / b:.1f}×"


def bench_size(label: str, size: int, args, workdir: Path) -> dict:
    d = workdir / label
    d.mkdir(parents=True, exist_ok=True)
    data = d / f"syn-{label}.ttl"
    if not data.is_file():
        say(f"{label}: generating ~{size} triples")
        counts = generate(size, data)
        say(f"{label}: {counts['triples']} triples in {counts['clusters']} clusters")
    spec = {
        "data": str(data),
        "cache": str(d / "cache"),
        "store": str(d / "store"),
        "query_repeat": args.query_repeat,
    }
    repeat = args.repeat if size < 1_000_000 else args.repeat_large
    r: dict = {"label": label, "size": size, "repeat": repeat}
    say(f"{label}: laborkg build (reason ×2, validate, store)")
    r["build"] = measure("build", spec, repeat)
    say(f"{label}: load")
    r["load-rdflib"] = measure("load-rdflib", spec, repeat)
    r["load-oxigraph"] = measure("load-oxigraph", spec, repeat)
    say(f"{label}: reasoning")
    r["reason-reasonable"] = measure("reason", {**spec, "reasoner": "reasonable"}, repeat)
    if size <= parse_size(args.owlrl_max):
        r["reason-owlrl"] = measure("reason", {**spec, "reasoner": "owlrl"}, repeat)
    say(f"{label}: validation")
    r["validate-laborkg"] = measure("validate", {**spec, "validator": "laborkg"}, repeat)
    r["validate-rdflib"] = measure("validate", {**spec, "validator": "rdflib"}, repeat)
    say(f"{label}: queries")
    r["query-laborkg"] = measure("query-laborkg", spec, 1)
    r["query-rdflib"] = measure("query-rdflib", spec, 1)
    r["query-oxigraph"] = measure("query-oxigraph", spec, 1)
    say(f"{label}: export to Turtle")
    for exporter in ("store", "rdflib", "oxigraph", "laborkg-stable"):
        r[f"export-{exporter}"] = measure("export", {**spec, "exporter": exporter}, repeat)
    return r


def _cell(x: dict | None) -> str:
    return "–" if x is None else f"{_fmt_s(x['seconds'])} ({x['peak_mb']:.0f} MB)"


def _row(lines: list, op: str, lk: dict | None, rd: dict | None, ox: dict | None) -> None:
    ratio = _ratio(rd and rd["seconds"], lk and lk["seconds"])
    lines.append(f"| {op} | {_cell(lk)} | {_cell(rd)} | {_cell(ox)} | {ratio} |")


def report(results: list[dict], args, started: float) -> str:
    lines = ["# Benchmarks", ""]
    lines += [
        f"Measured with `python bench/run.py --sizes {args.sizes} --repeat {args.repeat}` "
        f"on {time.strftime('%Y-%m-%d')} in {(time.time() - started) / 60:.0f} minutes. Synthetic graphs "
        "from `bench/generate.py` (shaped like `data/`, conforming to `shapes/`); sizes are asserted "
        "triples of the generated file, plus the ontology and `data/sources.ttl`. Each figure is the "
        "median of the runs (each run a fresh Python process); memory is that process's peak resident "
        "set (`getrusage`), imports included. Ratios: how many times longer plain rdflib takes.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in machine().items()],
        "",
    ]
    for r in results:
        b = r["build"]
        closure_triples = b["triples"]
        lines += [
            f"## {r['label']} ({r['load-rdflib']['triples']:,} asserted triples, "
            f"{closure_triples:,} after reasoning; {r['repeat']} run(s) each)",
            "",
            "| operation | laborkg (pyoxigraph store) | plain rdflib | raw pyoxigraph (memory) "
            "| rdflib ÷ laborkg |",
            "|---|---|---|---|---|",
        ]

        _row(lines, "load ontology + data (parse)", None, r["load-rdflib"], r["load-oxigraph"])
        _row(lines, "build: reason + validate + store (end to end)", b, None, None)
        owl = r.get("reason-owlrl")
        _row(
            lines, "OWL RL reasoning (laborkg: reasonable; rdflib: owlrl)", r["reason-reasonable"], owl, None
        )
        _row(
            lines,
            "validation, closure given (laborkg: pySHACL + checks on pyoxigraph; rdflib: all on rdflib)",
            r["validate-laborkg"],
            r["validate-rdflib"],
            None,
        )
        lk, rd, ox = r["query-laborkg"], r["query-rdflib"], r["query-oxigraph"]
        lines.append(
            f"| open (laborkg: store on disk; others: parse the closure) | {_fmt_s(lk['open'])} | "
            f"{_fmt_s(rd['open'])} | {_fmt_s(ox['open'])} | {_ratio(rd['open'], lk['open'])} |"
        )
        for name, _ in QUERIES:
            a, c, x = lk["queries"][name], rd["queries"][name], ox["queries"][name]
            lines.append(
                f"| query `{name}` ({a['rows']} rows): median (first) | {_fmt_s(a['median'])} "
                f"({_fmt_s(a['first'])}) | {_fmt_s(c['median'])} ({_fmt_s(c['first'])}) | "
                f"{_fmt_s(x['median'])} ({_fmt_s(x['first'])}) | {_ratio(c['median'], a['median'])} |"
            )
        lines.append(
            f"| query `agencies-lost-support` in a forked child (time limit on) + labels for the table | "
            f"{_fmt_s(lk['forked'])} + {_fmt_s(lk['labels'])} | – | – | – |"
        )
        _row(
            lines,
            "export Turtle (laborkg: dump of the store)",
            r["export-store"],
            r["export-rdflib"],
            r["export-oxigraph"],
        )
        _row(
            lines,
            "export Turtle, laborkg's stable sorted writer (rdflib graph)",
            r["export-laborkg-stable"],
            None,
            None,
        )
        lines.append(
            f"| peak memory, queries (open + 3 queries) | {lk['peak_mb']:.0f} MB | {rd['peak_mb']:.0f} MB | "
            f"{ox['peak_mb']:.0f} MB | – |"
        )
        steps = "; ".join(f"{m} at {s:.1f} s" for s, m in b.get("steps", []))
        lines += ["", f"Build steps: {steps}.", ""]
        if owl is None:
            lines += [f"owlrl was not run at this size (above `--owlrl-max {args.owlrl_max}`).", ""]
    lines += [
        "## Notes",
        "",
        "- laborkg's queries go through its store interface: parameters resolved and bound with "
        "pyoxigraph's substitutions, answers converted to rdflib terms; raw pyoxigraph runs the same "
        "query text on an in-memory store. rdflib runs laborkg's in-memory backend (`initBindings`).",
        "- Validation: both run pySHACL (the reference) on an rdflib graph of the closure and the "
        "verbatim-quote check; laborkg build runs the violation queries (queries/checks/) on pyoxigraph, "
        "plain rdflib on rdflib (identical violations, tested in tests/test_store.py).",
        "- Reasoning: reasonable does not implement property chains; laborkg adds them and reasons again to "
        "a fixpoint, so the time includes that. owlrl is the reference (same entailments about instances, "
        "tested in tests/test_store.py).",
        "",
    ]
    return "\n".join(lines)


def machine() -> dict:
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def v(d):
        try:
            return metadata.version(d)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "CPU": f"{cpu}, {os.cpu_count()} logical cores (nproc)",
        "memory": mem,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "libraries": ", ".join(
            f"{d} {v(d)}" for d in ("laborkg", "rdflib", "pyoxigraph", "reasonable", "owlrl", "pyshacl")
        ),
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="10k,100k", help="comma-separated sizes (default 10k,100k; 1M is slow)")
    p.add_argument("--repeat", type=int, default=3, help="runs of each measurement (median), default 3")
    p.add_argument("--repeat-large", type=int, default=1, help="runs at sizes of 1M and up (default 1)")
    p.add_argument("--query-repeat", type=int, default=5, help="timed repetitions of each query (default 5)")
    p.add_argument("--owlrl-max", default="100k", help="largest size owlrl is run at (default 100k)")
    p.add_argument("--workdir", help="where graphs and stores go (default: a temporary directory)")
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    p.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"), help="report file (default BENCHMARKS.md)")
    p.add_argument("--task", help=argparse.SUPPRESS)
    p.add_argument("--spec", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.task:
        run_task(args.task, json.loads(args.spec))
        return 0
    started = time.time()
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="laborkg-bench-"))
    results = []
    try:
        for label in [s.strip() for s in args.sizes.split(",") if s.strip()]:
            results.append(bench_size(label, parse_size(label), args, workdir))
            text = report(results, args, started)
            Path(args.out).write_text(text, encoding="utf-8")
            print(text)
            say(f"{label}: done; {args.out} written")
    finally:
        if not args.workdir and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

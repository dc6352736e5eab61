"""pySHACL against the shapes compiled to SPARQL on pyoxigraph (laborkg.pipeline.shacl_sparql), on the
shipped graph's validation closure and on larger copies of it.

    python bench/shacl.py [--sizes 200k,1M,2M] [--repeat 5] [--pyshacl-max 300k] [--workdir DIR]

The larger graphs are the closure's instance data (every triple whose subject is an IRI under
https://w3id.org/laborkg/id/) copied with those IRIs renamed (``…-c1``, ``…-c2``, …) until the size is
reached; the ontology and code lists are kept once. Each measurement runs in a fresh Python process:

- pySHACL: ``validate.shacl_violations`` on an rdflib graph of the N-Triples (parsing not timed), once,
  up to ``--pyshacl-max`` triples (it takes minutes beyond) and stopped after ``--pyshacl-timeout``
  seconds (then reported as more than that);
- the store: the N-Triples loaded into pyoxigraph in memory and on disk (not timed), the shapes
  compiled (timed apart), then ``shacl_violations_store`` (median of ``--repeat`` runs);

where both finish, their reports are compared. Ratios are pySHACL's time over the store's, measured in
one run. A benchmark, not a test: it never fails on time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

from generate import parse_size  # noqa: E402

INSTANCE = re.compile(r"<(https://w3id\.org/laborkg/id/[^>]*)>")


def shipped_closure(workdir: Path) -> Path:
    """The shipped graph's validation closure as N-Triples (as laborkg build validates it)."""
    from laborkg.pipeline.load import input_files
    from laborkg.pipeline.reason import closure

    out = workdir / "shipped.nt"
    if not out.is_file():
        out.write_bytes(closure(input_files(), for_validation=True).serialize(format="nt", encoding="utf-8"))
    return out


def copies(shipped: Path, size: int, workdir: Path) -> Path:
    """The closure with its instance data copied under renamed IRIs up to ``size`` triples."""
    out = workdir / f"copies-{size}.nt"
    if out.is_file():
        return out
    lines = [ln for ln in shipped.read_text(encoding="utf-8").splitlines() if ln.strip()]
    instance = [ln for ln in lines if ln.startswith("<https://w3id.org/laborkg/id/")]
    shared = [ln for ln in lines if not ln.startswith("<https://w3id.org/laborkg/id/")]
    n = max(1, math.ceil((size - len(shared)) / len(instance)))
    with out.open("w", encoding="utf-8") as f:
        f.write("\n".join(shared) + "\n")
        for k in range(n):
            f.write(
                "\n".join(INSTANCE.sub(lambda m, k=k: f"<{m.group(1)}-c{k}>", ln) for ln in instance) + "\n"
            )
    return out


def count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for _ in f)


# ---------------------------------------------------------------------------------------------
# Tasks, each in its own process, printing one JSON object


def task_pyshacl(data: str) -> dict:
    from rdflib import Graph

    from laborkg.pipeline.validate import shacl_violations, shapes_graph

    graph = Graph()
    graph.parse(data, format="nt")
    shapes = shapes_graph()
    t = time.perf_counter()
    violations = shacl_violations(graph, shapes)
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "violations": sorted(map(repr, violations))}


def task_store(data: str, repeat: int, disk: str | None) -> dict:
    import pyoxigraph as ox

    from laborkg.pipeline.shacl_sparql import compile_shapes, shacl_violations_store
    from laborkg.pipeline.validate import shapes_graph

    t = time.perf_counter()
    store = ox.Store(disk) if disk else ox.Store()
    if disk:
        store.bulk_load(path=data, format=ox.RdfFormat.N_TRIPLES)
    else:
        store.load(path=data, format=ox.RdfFormat.N_TRIPLES)
    load = time.perf_counter() - t
    shapes = shapes_graph()
    t = time.perf_counter()
    checks = compile_shapes(shapes)
    compile_seconds = time.perf_counter() - t
    runs, violations = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        violations = shacl_violations_store(store, shapes, checks=checks)
        runs.append(time.perf_counter() - t)
    slowest = []
    for check in checks:  # one more pass, per query, to show where the time goes
        t = time.perf_counter()
        sum(1 for _ in store.query(check.query))
        slowest.append((time.perf_counter() - t, f"{check.shape.n3()} {check.component.rsplit('#', 1)[1]}"))
    return {
        "load": load,
        "compile": compile_seconds,
        "seconds": statistics.median(runs),
        "runs": runs,
        "queries": len(checks),
        "slowest": sorted(slowest, reverse=True)[:3],
        "violations": sorted(map(repr, violations)),
    }


def run(task: str, *args, timeout: float | None = None) -> dict | None:
    """A task in a fresh process; None when it ran past ``timeout`` seconds."""
    code = f"import json, sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); import shacl; "
    code += f"print(json.dumps(shacl.task_{task}(*json.loads(sys.argv[1]))))"
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, json.dumps(args)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
    except subprocess.TimeoutExpired:
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def seconds(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="200k,1M,2M", help="sizes of the copies (the shipped closure first)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs of the store's validation per size")
    parser.add_argument("--pyshacl-max", default="300k", help="the largest graph pySHACL validates")
    parser.add_argument("--pyshacl-timeout", type=float, default=120.0)
    parser.add_argument("--workdir", type=Path, help="where the graphs are written (kept)")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="laborkg-bench-shacl-"))
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("LABORKG_CACHE_DIR", str(workdir / "cache"))
    shipped = shipped_closure(workdir)
    graphs = [("shipped closure", shipped)]
    graphs += [(size, copies(shipped, parse_size(size), workdir)) for size in args.sizes.split(",") if size]

    print(f"# {time.strftime('%Y-%m-%d %H:%M')}; {platform.python_version()}; {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    print("| graph | triples | pySHACL | store in memory | ratio | store on disk | ratio | same report |")
    print("|---|---|---|---|---|---|---|---|")
    for name, path in graphs:
        triples = count_lines(path)
        ref = None
        if triples <= parse_size(args.pyshacl_max):
            ref = run("pyshacl", str(path), timeout=args.pyshacl_timeout)
        memory = run("store", str(path), args.repeat, None)
        with tempfile.TemporaryDirectory(dir=workdir) as disk:
            on_disk = run("store", str(path), args.repeat, disk)
        assert memory is not None and on_disk is not None
        if ref is None and triples > parse_size(args.pyshacl_max):
            py, same, ratios = "not run", "–", ["–", "–"]
        elif ref is None:
            py, same = f"> {seconds(args.pyshacl_timeout)}", "–"
            ratios = [f"> {args.pyshacl_timeout / r['seconds']:.0f}×" for r in (memory, on_disk)]
        else:
            py = seconds(ref["seconds"])
            ratios = [f"{ref['seconds'] / r['seconds']:.0f}×" for r in (memory, on_disk)]
            same = "yes" if ref["violations"] == memory["violations"] == on_disk["violations"] else "NO"
        print(
            f"| {name} | {triples:,} | {py} | {seconds(memory['seconds'])} | {ratios[0]} | "
            f"{seconds(on_disk['seconds'])} | {ratios[1]} | {same} |"
        )
        print(
            f"<!-- {name}: {memory['queries']} queries, compiled in {seconds(memory['compile'])}; load "
            f"{seconds(memory['load'])} (memory), {seconds(on_disk['load'])} (disk); runs "
            f"{[round(r, 2) for r in memory['runs']]} / {[round(r, 2) for r in on_disk['runs']]}; "
            f"violations {len(memory['violations'])}; slowest (disk) "
            f"{[(round(s, 2), c) for s, c in on_disk['slowest']]} -->",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

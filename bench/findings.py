"""Issue 12's targets on the real series (USDOL's findings XML, 2014-2022), measured side by side in one run.

1. The whole series ingested, reasoned, validated and stored (``laborkg ingest findings --store``) into a
   store of the shipped graph: wall time and peak memory of the whole process tree; beside it, what plain
   rdflib and raw pyoxigraph take to load the same triples (N-Triples dump of the result).
2. One more year added to a store holding 2014-2021, against that year's share of the whole.
3. Every packaged query with a findings golden (tests/golden/findings/) on that store: laborkg against raw
   pyoxigraph on the same store directory (the same text and terms), and plain rdflib (one run).

Usage: python bench/findings.py --from DIR [--repeat N] [-o FILE]   (progress on stderr)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def say(message: str) -> None:
    sys.stderr.write(f"bench: {message}\n")
    sys.stderr.flush()


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[int(entry.name)] = int(line.split()[1]) * 1024
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


def run_measured(cmd: list[str], env: dict) -> tuple[float, int]:
    """(wall seconds, peak resident bytes of the process tree sampled every 50 ms) of ``cmd``."""
    peak = 0
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def sample() -> None:
        nonlocal peak
        while proc.poll() is None:
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.05)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - started
    t.join()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed: {err.decode()[-2000:]}")
    return elapsed, peak


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="source", required=True, help="directory of the findings XML files")
    ap.add_argument("--repeat", type=int, default=11, help="timings per query (median)")
    ap.add_argument("-o", "--output", help="write the markdown report here (default: stdout)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="laborkg-bench-findings-"))
    os.environ["LABORKG_CACHE_DIR"] = str(work / "cache")
    env = dict(os.environ)
    laborkg = str(Path(sys.executable).parent / "laborkg")
    try:
        say("building the store of the shipped graph (not timed)")
        subprocess.run(
            [laborkg, "build", "--store", str(work / "base")], env=env, check=True, capture_output=True
        )
        whole = work / "whole"
        shutil.copytree(work / "base", whole)
        say("the whole series: laborkg ingest findings --store (timed, memory sampled)")
        ingest = [laborkg, "ingest", "findings", "--from", args.source, "--store"]
        t_all, peak = run_measured([*ingest, str(whole)], env)
        say(f"whole series: {t_all:.1f} s, peak {peak / 2**30:.2f} GiB")

        part = work / "part"
        shutil.copytree(work / "base", part)
        subprocess.run([*ingest, str(part), "--years", "2014-2021"], env=env, check=True, capture_output=True)
        t_one, peak_one = run_measured([*ingest, str(part), "--years", "2022"], env)
        share = _share(work / "base", whole, ingest, env)
        say(f"2022 added to 2014-2021: {t_one:.1f} s ({share:.1%} of the triples)")

        loads = _loads(whole, work)
        rows = _queries(whole, args.repeat)
        text = _report(t_all, peak, t_one, peak_one, share, loads, rows, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _count(directory: Path) -> int:
    import json

    return int(json.loads((directory / "manifest.json").read_text())["triples"])


def _share(base: Path, whole: Path, ingest: list[str], env: dict) -> float:
    """2022's share of the triples the whole series adds (2022 ingested alone into a copy of ``base``,
    untimed)."""
    only = whole.parent / "only-2022"
    shutil.copytree(base, only)
    subprocess.run([*ingest, str(only), "--years", "2022"], env=env, check=True, capture_output=True)
    return (_count(only) - _count(base)) / (_count(whole) - _count(base))


def _loads(store_dir: Path, work: Path) -> dict:
    """Loading the store's triples (an N-Triples dump) with plain rdflib and raw pyoxigraph."""
    import pyoxigraph as ox
    from rdflib import Graph

    from laborkg.store.layout import DATABASE

    dump = work / "whole.nt"
    src = ox.Store.read_only(str(store_dir / DATABASE))
    with open(dump, "wb") as fh:
        src.dump(fh, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    del src
    t = time.perf_counter()
    mem = ox.Store()
    mem.bulk_load(path=str(dump), format=ox.RdfFormat.N_TRIPLES)
    t_ox = time.perf_counter() - t
    n = len(mem)
    del mem
    t = time.perf_counter()
    g = Graph()
    g.parse(dump, format="nt")
    t_rd = time.perf_counter() - t
    return {"triples": n, "pyoxigraph": t_ox, "rdflib": t_rd, "graph": g}


def _queries(store_dir: Path, repeat: int) -> list[dict]:
    import pyoxigraph as ox

    sys.path.insert(0, str(HERE.parent / "tests"))
    from support.golden import example_params

    from laborkg.backends.oxigraph import OxigraphStore
    from laborkg.backends.terms import to_oxigraph
    from laborkg.namespace import sparql_prologue
    from laborkg.query.catalogue import catalogue
    from laborkg.query.rewrite import project_parameters
    from laborkg.store.layout import DATABASE

    goldens = HERE.parent / "tests" / "golden" / "findings"
    names = sorted(p.stem for p in goldens.glob("*.json"))
    store = OxigraphStore(store_dir)
    raw = ox.Store.read_only(str(store_dir / DATABASE))
    rows = []
    for name in names:
        query = catalogue()[name]
        params = example_params(query)
        bound = store.bind(name, params)
        text, _ = project_parameters(query.text, list(bound.values))
        subs = {ox.Variable(k): to_oxigraph(v) for k, v in bound.values.items()}
        full = sparql_prologue() + text

        def raw_run(full=full, subs=subs):
            return len(list(raw.query(full, substitutions=subs)))

        given = {k: str(v) for k, v in bound.values.items() if query.param(k).type == "iri"}
        terms = {**params, **given}
        lk = median_seconds(lambda n=name, p=terms: store.query(n, p, timeout=None), repeat)
        ox_t = median_seconds(raw_run, repeat)
        n_rows = len(store.query(name, terms, timeout=None).rows)
        rows.append({"query": name, "laborkg": lk, "oxigraph": ox_t, "rows": n_rows, "params": params})
        say(f"{name}: laborkg {lk * 1e3:.2f} ms, pyoxigraph {ox_t * 1e3:.2f} ms ({n_rows} rows)")
    return rows


def _rdflib_times(rows: list[dict], graph) -> None:
    from laborkg.backends.rdflib import RdflibStore

    reference = RdflibStore(graph)
    for r in rows:
        t = time.perf_counter()
        try:
            reference.query(r["query"], r["params"], timeout=120)
            r["rdflib"] = time.perf_counter() - t
        except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
            r["rdflib"] = None
            r["rdflib_error"] = type(exc).__name__
        say(f"{r['query']}: rdflib {r['rdflib'] if r['rdflib'] is None else round(r['rdflib'], 2)} s")


def _report(t_all, peak, t_one, peak_one, share, loads, rows, args) -> str:
    _rdflib_times(rows, loads.pop("graph"))
    gib = 2**30
    lines = [
        f"Real series, one run ({time.strftime('%Y-%m-%d')}, `python bench/findings.py --from DIR --repeat "
        f"{args.repeat}`); load average at start {os.getloadavg()[0]:.2f}; 2 cores.",
        "",
        "| step | time | peak memory (process tree) | target |",
        "|---|---|---|---|",
        "| whole series 2014–2022 ingested, reasoned, validated, stored "
        f"| {t_all:.1f} s | {peak / gib:.2f} GiB "
        f"| ≤ 90 s, ≤ 2 GB: **{'met' if t_all <= 90 and peak <= 2e9 else 'missed'}** |",
        f"| 2022 added to a store of 2014–2021 | {t_one:.1f} s | {peak_one / gib:.2f} GiB "
        f"| about 2022's share ({share:.1%} of the triples → {share * t_all:.1f} s of the whole): "
        f"{t_one / (share * t_all):.1f}× the share |",
        "",
        f"The store then holds {loads['triples']:,} triples. Loading them (N-Triples) into raw pyoxigraph "
        "in memory: "
        f"{loads['pyoxigraph']:.1f} s; into plain rdflib: {loads['rdflib']:.1f} s "
        f"({loads['rdflib'] / loads['pyoxigraph']:.0f}× slower).",
        "",
        "| packaged query (findings) | rows | laborkg | raw pyoxigraph, same store | ratio "
        "| plain rdflib (one run) |",
        "|---|---|---|---|---|---|",
    ]
    worst = 0.0
    for r in rows:
        ratio = r["laborkg"] / r["oxigraph"]
        worst = max(worst, ratio)
        rd = "failed: " + r["rdflib_error"] if r["rdflib"] is None else f"{r['rdflib'] * 1000:.0f} ms"
        lines.append(
            f"| `{r['query']}` | {r['rows']} | {r['laborkg'] * 1000:.2f} ms | {r['oxigraph'] * 1000:.2f} ms "
            f"| {ratio:.2f}× | {rd} |"
        )
    over = [r["query"] for r in rows if r["laborkg"] / r["oxigraph"] > 1.5]
    lines += [
        "",
        f"Target every new packaged query ≤ 1.5× raw pyoxigraph: worst {worst:.2f}×; "
        + ("**met**." if not over else f"**missed** for {len(over)} of {len(rows)}: {', '.join(over)}."),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())

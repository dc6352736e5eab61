"""Time and peak memory of the OWL RL reasoners on generated graphs: laborkg's own, reasonable, owlrl.

    python bench/reasoners.py --sizes 10k,100k [--reasoners laborkg,reasonable,owlrl] [--repeat 3]

For each size, bench/generate.py writes a graph (into ``--workdir``, kept between runs); every run is a
fresh Python subprocess that loads ontology + data/sources.ttl + that graph (laborkg.graph.load, not
timed), then times ``reason.owl_rl_closure`` alone, on the wall clock and in CPU seconds (the machine is
shared: CPU time moves less with the load), and reports the process's peak resident memory
(``resource.getrusage``: the loaded graph and the closure included). The median of ``--repeat`` runs is
printed, with the speed-up over owlrl measured in the same invocation. Above 10k, owlrl and reasonable
run once (``--repeat-slow``: minutes each at 100k, and reasonable needs ~6 GB). Nothing here runs in
the test suite.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from generate import generate, parse_size  # noqa: E402


def task(reasoner: str, data: str) -> dict:
    import resource
    import time

    from laborkg import paths
    from laborkg.pipeline import reason
    from laborkg.pipeline.load import load

    graph = load(paths.ontology_files() + [ROOT / "data" / "sources.ttl", Path(data)])
    asserted = len(graph)
    wall, cpu = time.perf_counter(), time.process_time()
    reason.owl_rl_closure(graph, reasoner=reasoner)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"wall": wall, "cpu": cpu, "peak_bytes": rss, "asserted": asserted, "closure": len(graph)}


def measure(reasoner: str, data: Path, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        cmd = [sys.executable, __file__, "--task", reasoner, str(data)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]} | {"runs": len(runs)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="10k,100k", help="comma-separated sizes (default 10k,100k)")
    p.add_argument("--reasoners", default="laborkg,reasonable,owlrl", help="which, comma-separated")
    p.add_argument("--repeat", type=int, default=3, help="runs of each measurement (median), default 3")
    p.add_argument("--repeat-slow", type=int, default=1, help="runs of owlrl and reasonable above 10k")
    p.add_argument("--workdir", default="/tmp/laborkg-bench-reasoners", help="where the graphs go")
    p.add_argument("--task", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.task:
        print(json.dumps(task(*args.task)))
        return 0
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    print("| size | reasoner | closure triples | wall s | CPU s | peak memory | × owlrl (wall / CPU) |")
    print("|---|---|---|---|---|---|---|")
    for label in args.sizes.split(","):
        size = parse_size(label)
        data = work / f"syn-{label}.ttl"
        if not data.is_file():
            generate(size, data)
        results = {}
        for name in args.reasoners.split(","):
            repeat = args.repeat if name == "laborkg" or size <= 10_000 else args.repeat_slow
            print(f"{label}: {name} ×{repeat}", file=sys.stderr, flush=True)
            results[name] = measure(name, data, repeat)
        ref = results.get("owlrl")
        for name, r in results.items():
            ratio = f"{ref['wall'] / r['wall']:.0f}× / {ref['cpu'] / r['cpu']:.0f}×" if ref else "–"
            print(
                f"| {label} ({r['asserted']:,} asserted) | {name} | {r['closure']:,} | {r['wall']:.2f} | "
                f"{r['cpu']:.2f} | {r['peak_bytes'] / 2**20:,.0f} MB | {ratio} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

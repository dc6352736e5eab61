"""How fast ``laborkg serve --store`` answers the findings pages (/countries, /country/KEY, /compare) on a
store holding the whole series.

    laborkg build --store /tmp/kg && cp -r /tmp/kg /tmp/web-kg
    laborkg ingest findings --from ../shared/findings --store /tmp/web-kg
    python bench/web.py --store /tmp/web-kg [--runs 7]

Starts one server on the store, asks each page once (the first request: the server computes its list of
countries and of indicators once), then ``--runs`` times more, pages in turn; prints the first time, the
median and the slowest, the page's size, and the median's ratio to the entity page /id/mexico (the
existing page the country page is compared with). Whole HTTP requests from this process, the body read.
A benchmark, not a test: it never fails on time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LKR = "https://w3id.org/laborkg/id/"

PAGES = [
    ("/id/mexico", "entity page of Mexico (baseline)"),
    ("/countries", "the list of countries"),
    ("/country/mexico", "Mexico (497 values)"),
    ("/country/india", "India (966 values, the most)"),
    ("/country/west-bank-and-the-gaza-strip", "West Bank and the Gaza Strip (297 values)"),
    ("/country/mexico?labels=es&scale=log", "Mexico, Spanish, log scale"),
    ("/compare", "inspectors, latest year (bars)"),
    ("/compare?year=", "inspectors, all years, all countries (lines)"),
    ("/compare?year=&region=Sub-Saharan+Africa", "inspectors, all years, one region"),
    (
        "/compare?"
        + urllib.parse.urlencode({"indicator": LKR + "indicator-working-children-percent", "year": ""}),
        "working children (%), all years",
    ),
]


def fetch(url: str) -> tuple[float, int]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as resp:
        body = resp.read()
        assert resp.status == 200, (url, resp.status)
    return time.perf_counter() - start, len(body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, help="a store with the whole findings series")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "laborkg", "serve", "--store", args.store, "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        if not line.startswith("laborkg: serving "):
            print(f"laborkg serve did not start: {line!r}", file=sys.stderr)
            return 2
        base = line.split()[2].rstrip("/")
        load = os.getloadavg()[0]
        first = {path: fetch(base + path) for path, _ in PAGES}
        times: dict[str, list[float]] = {path: [] for path, _ in PAGES}
        for _ in range(args.runs):
            for path, _ in PAGES:
                times[path].append(fetch(base + path)[0])
        baseline = statistics.median(times[PAGES[0][0]])
        print(f"{args.runs} runs after a first request; load average at start {load:.2f}\n")
        print("| page | what | first | median | slowest | size | median ÷ /id/mexico |")
        print("|---|---|---|---|---|---|---|")
        for path, what in PAGES:
            median = statistics.median(times[path])
            slowest, size = max(times[path]), first[path][1]
            print(
                f"| `{path}` | {what} | {first[path][0] * 1000:.0f} ms | {median * 1000:.0f} ms | "
                f"{slowest * 1000:.0f} ms | {size / 1024:.0f} KiB | {median / baseline:.1f}× |"
            )
    finally:
        proc.terminate()
        proc.wait(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Issue 13's load parts of the hostile-input suite: kills at random points of the commands that write, and
``laborkg add`` on hostile literals. Not run by CI; prints counts and timings.

1. Kills. Each command is first run to the end to time it, then run ``--kills`` times more, each killed
   (SIGKILL) at a random time within that duration (the seed is printed; ``--seed`` repeats a run):
   ``laborkg build --store S`` over an existing store, ``laborkg add --store S FILE``, ``laborkg ingest
   findings --store S`` (one country, one year; with ``--from DIR`` only) and ``laborkg export --store S
   -o FILE``. After each kill it records what the command left: whether the store opens and answers a
   query, whether its manifest agrees with its database (the triples it records are those the default
   graph holds), whether the addition is there, the folders left beside the store (and whether the next
   command cleaned them); for export, whether the previous file is byte-identical or the new one whole.
   A retried command must then succeed.
2. ``laborkg add`` on hostile literals, on a copy of the store each: wall time and exit code for an
   ill-typed date (the issue's ``"2025-13-45"^^xsd:date``), a 5,000-digit integer typed and bare, a
   50,000-digit one, and a 5,000-digit ``xsd:int`` (out of range). Each run is stopped at ``--timeout``.

Usage: python bench/hostile.py [--kills N] [--seed S] [--from DIR] [--timeout SECONDS]
A store of the shipped data is built in a temporary directory with a private cache; progress on stderr.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

LKR = "https://w3id.org/laborkg/id/"
ADDITION = f'<{LKR}ilab> <http://example.org/hostile> "added by bench/hostile.py" .\n'
XSD = "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
LITERALS = {
    "ill-typed date (the issue's)": XSD + f'<{LKR}d> <http://example.org/p> "2025-13-45"^^xsd:date .\n',
    "ill-typed date, typed subject": XSD + f'<{LKR}ilab> <http://example.org/p> "2025-13-45"^^xsd:date .\n',
    "5,000-digit xsd:integer": XSD + f'<{LKR}ilab> <http://example.org/p> "{"1" * 5000}"^^xsd:integer .\n',
    "5,000-digit bare integer": f"<{LKR}ilab> <http://example.org/p> {'1' * 5000} .\n",
    "50,000-digit xsd:integer": XSD + f'<{LKR}ilab> <http://example.org/p> "{"7" * 50000}"^^xsd:integer .\n',
    "5,000-digit xsd:int (out of range)": XSD
    + f'<{LKR}ilab> <http://example.org/p> "{"9" * 5000}"^^xsd:int .\n',
}


def say(message: str) -> None:
    sys.stderr.write(f"bench: {message}\n")
    sys.stderr.flush()


def laborkg(*args: str) -> list[str]:
    return [sys.executable, "-m", "laborkg", *args]


def timed(command: list[str], timeout: float | None = None) -> tuple[float, int | None]:
    """(wall seconds, exit code; None when stopped at ``timeout``) of ``command``."""
    started = time.monotonic()
    try:
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        return time.monotonic() - started, None
    return time.monotonic() - started, done.returncode


def killed_after(command: list[str], delay: float) -> bool:
    """Run ``command`` and kill it after ``delay`` s; True if it was killed (not finished before)."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True


def state(directory: Path) -> dict:
    """What a store directory holds: opens, agrees (manifest ↔ database), has the addition, folders beside."""
    from laborkg.backends.oxigraph import OxigraphStore
    from laborkg.errors import LaborKGError
    from laborkg.store.layout import read_manifest

    beside = [p.name for p in directory.parent.iterdir() if p.name.startswith(f".{directory.name}.")]
    out = {"opens": False, "agrees": False, "added": False, "beside": len(beside)}
    try:
        manifest = read_manifest(directory)  # a store a kill left aside is put back here
        store = OxigraphStore(directory)
    except (LaborKGError, OSError):
        return out
    try:
        rows = store.evaluate("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
        out["opens"] = bool(store.evaluate(f"ASK {{ <{LKR}ilab> ?p ?o }}").boolean)
        out["agrees"] = int(rows[0][0]) == manifest["triples"]
        out["added"] = bool(store.evaluate(f"ASK {{ <{LKR}ilab> <http://example.org/hostile> ?o }}").boolean)
    finally:
        store.close()
    return out


def kills(name: str, base: Path, work: Path, command, n: int, rng: random.Random, fresh: bool) -> Counter:
    """Kill ``command(store)`` ``n`` times at random points; count what each left. ``fresh``: a new copy
    of ``base`` for each kill (else the same store, killed again and again)."""
    timing = work / f"{name}-timing"
    shutil.copytree(base, timing)
    span, code = timed(command(timing))
    if code != 0:
        raise SystemExit(f"{name}: the unkilled run failed (exit {code})")
    say(f"{name}: {span:.1f} s unkilled; {n} kills")
    counts: Counter = Counter()
    store = work / f"{name}-kg"
    for i in range(n):
        if fresh or not store.exists():
            shutil.rmtree(store, ignore_errors=True)
            shutil.copytree(base, store)
        counts["killed" if killed_after(command(store), rng.uniform(0, span * 1.05)) else "finished"] += 1
        after = state(store)
        counts["store opens"] += after["opens"]
        counts["manifest agrees"] += after["agrees"]
        if name == "add":
            counts["addition present"] += after["added"]
        counts["folders left beside"] += after["beside"] > 0
        if fresh:
            _, code = timed(command(store))  # retried: must succeed and clean what the kill left
            again = state(store)
            counts["retry succeeds"] += code == 0 and again["opens"] and again["agrees"]
            counts["cleaned by the retry"] += after["beside"] > 0 and again["beside"] == 0
        if (i + 1) % 10 == 0:
            say(f"{name}: {i + 1}/{n}")
    return counts


def export_kills(base: Path, work: Path, n: int, rng: random.Random) -> Counter:
    import pyoxigraph as ox

    from laborkg.store.layout import read_manifest

    out = work / "export.nt"
    command = laborkg("export", "--store", str(base), "--format", "nt", "-o", str(out))
    span, code = timed(command)
    if code != 0:
        raise SystemExit(f"export: the unkilled run failed (exit {code})")
    say(f"export: {span:.1f} s unkilled; {n} kills")
    triples = read_manifest(base)["triples"]
    previous = b"<http://example.org/previous> <http://example.org/p> <http://example.org/o> .\n"
    counts: Counter = Counter()
    for _ in range(n):
        out.write_bytes(previous)
        counts["killed" if killed_after(command, rng.uniform(0, span * 1.05)) else "finished"] += 1
        data = out.read_bytes()
        if data == previous:
            counts["previous file byte-identical"] += 1
            continue
        store = ox.Store()
        try:
            store.load(data, format=ox.RdfFormat.N_TRIPLES)
            whole = len(store) == triples
        except (SyntaxError, ValueError):
            whole = False
        counts["new file whole" if whole else "file damaged"] += 1
    counts["stray .tmp files"] = sum(1 for p in work.iterdir() if p.name.startswith(".export.nt.tmp-"))
    return counts


def literal_timings(base: Path, work: Path, timeout: float) -> list[tuple[str, float, int | None]]:
    rows = []
    for label, text in LITERALS.items():
        store = work / "literal-kg"
        shutil.rmtree(store, ignore_errors=True)
        shutil.copytree(base, store)
        path = work / "literal.ttl"
        path.write_text(text)
        seconds, code = timed(laborkg("add", "--store", str(store), str(path)), timeout)
        rows.append((label, seconds, code))
        say(f"add, {label}: {seconds:.2f} s, exit {code}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=30, help="kills per command (default 30)")
    parser.add_argument(
        "--seed", type=int, default=None, help="the random seed (default: a new one, printed)"
    )
    parser.add_argument("--from", dest="findings", type=Path, help="USDOL findings XML: kill ingest too")
    parser.add_argument(
        "--timeout", type=float, default=300, help="stop an add on a literal after this (300 s)"
    )
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    print(f"seed {seed} (python bench/hostile.py --seed {seed} repeats the kill times)")
    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="laborkg-bench-hostile-"))
    os.environ["LABORKG_CACHE_DIR"] = str(work / "cache")
    try:
        base = work / "base"
        say("building a store of the shipped data")
        subprocess.run(laborkg("build", "--store", str(base)), check=True, stderr=subprocess.DEVNULL)
        addition = work / "addition.nt"
        addition.write_text(ADDITION)
        results = {
            "build over a store": kills(
                "build",
                base,
                work,
                lambda s: laborkg("build", "--store", str(s)),
                args.kills,
                rng,
                fresh=False,
            ),
            "add": kills(
                "add",
                base,
                work,
                lambda s: laborkg("add", "--store", str(s), str(addition)),
                args.kills,
                rng,
                True,
            ),
        }
        if args.findings:
            ingest = ["ingest", "findings", "--from", str(args.findings), "--years", "2022-2022"]

            def ingest_command(s: Path) -> list[str]:
                return laborkg(*ingest, "--country", "Mexico", "--store", str(s))

            results["ingest findings"] = kills("ingest", base, work, ingest_command, args.kills, rng, True)
        results["export --store -o"] = export_kills(base, work, args.kills, rng)
        literals = literal_timings(base, work, args.timeout)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nKills at random points ({args.kills} per command):")
    for name, counts in results.items():
        print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print("\nlaborkg add on hostile literals (wall s, exit code; None: stopped at the timeout):")
    for label, seconds, code in literals:
        print(f"  {label:<38} {seconds:7.2f} s  exit {code}")


if __name__ == "__main__":
    main()

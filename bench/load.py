"""SPARQL endpoints under load: laborkg serve against oxigraph serve-read-only and rdflib-endpoint.

    python bench/load.py [--clients 8] [--requests 400] [--seconds 60] [--servers NAME,…]
                         [--workdir DIR] [--json FILE] [--out BENCHMARKS.md]

On the same data (the shipped graph's OWL RL closure as ``laborkg build --store`` stores it, dumped once as
N-Triples for the others; the in-memory server's count of triples is checked equal) the script starts each
server in turn as a subprocess on a free port of 127.0.0.1, and measures it alone:

- ``laborkg`` — ``laborkg serve`` (the in-memory closure, rdflib, each query in a forked child);
- ``laborkg-store`` — ``laborkg serve --store DIR`` (the store of ``laborkg build --store DIR``);
- ``oxigraph`` — ``oxigraph serve-read-only`` on the N-Triples loaded with ``oxigraph load``;
- ``rdflib-endpoint`` — rdflib-endpoint (FastAPI under uvicorn) serving an rdflib Graph of the N-Triples
  (``pip install -e '.[bench]'``).

The mix: every packaged query, with the parameters of its first example (and its defaults) bound the same
way for every server: resolved to RDF terms once, and written into the text as laborkg does for a remote
endpoint (``laborkg.endpoint.bind_parameters``: the term in place of the variable), so every server gets
the same text (the prologue of laborkg's prefixes included),
sent as ``POST application/sparql-query``, one connection per request, ``Accept:
application/sparql-results+json``. Before measuring, each query runs once on every server and the answers
are compared (rows as sets, after the normalisations of tests/test_store.py: numbers by value, plain =
xsd:string, an empty GROUP_CONCAT = unbound); a query whose answers differ is reported and left out of
the mix, and so is one whose substituted text does not answer as laborkg's packaged query does.

Then ``--clients`` threads send the mix round-robin until ``--requests`` answers or ``--seconds`` have
passed. Reported per server: requests, throughput (answers per second of wall time), p50 and p99 latency,
errors (anything but a 200, and any 200 whose rows differ from the agreed answer: a fast wrong answer does
not count), and the server's CPU seconds (its own and its children's), then laborkg ÷ oxigraph throughput.
Progress goes to stderr. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal, InvalidOperation
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BIN = Path(sys.executable).parent
SERVERS = ("laborkg", "laborkg-store", "oxigraph", "rdflib-endpoint")
SECTION = "## SPARQL endpoint under load (issue 7)"
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {
    XSD + t for t in ("decimal", "integer", "double", "float", "nonNegativeInteger", "positiveInteger")
}
_CONCAT = re.compile(r'separator\s*=\s*"([^"]*)"\s*\)\s*AS\s*\?(\w+)', re.I | re.S)


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# The data: one closure, as N-Triples, a laborkg store and an Oxigraph database


def prepare_data(work: Path) -> dict:
    """The store ``laborkg build --store`` makes of the shipped data, its closure dumped as N-Triples (what
    every other server loads), and an Oxigraph database of that file."""
    import pyoxigraph as ox

    work.mkdir(parents=True, exist_ok=True)
    nt, store, oxdb = work / "closure.nt", work / "store", work / "oxigraph"
    if not (store / "manifest.json").is_file():
        say("building the laborkg store (laborkg build --store)")
        run([BIN / "laborkg", "build", "--store", store])
    if not nt.is_file():
        say("dumping the store's closure as N-Triples")
        db = ox.Store.read_only(str(store / "oxigraph"))
        db.dump(str(nt), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        del db
    if not oxdb.is_dir():
        say("loading the N-Triples into an Oxigraph database (oxigraph load)")
        run([BIN / "oxigraph", "load", "--location", oxdb, "--file", nt])
    triples = sum(1 for line in nt.open(encoding="utf-8") if line.strip())
    stored = json.loads((store / "manifest.json").read_text())["triples"]
    if stored != triples:
        raise SystemExit(f"the store holds {stored} triples, its dump {triples}: not the same data")
    return {"nt": nt, "store": store, "oxigraph": oxdb, "triples": triples}


def run(cmd) -> None:
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{done.stderr[-2000:]}")


# ---------------------------------------------------------------------------------------------
# The mix: packaged queries with their parameters bound in the text, the same for every server


def example_params(query) -> dict[str, str]:
    if not query.examples:
        return {}
    words = shlex.split(query.examples[0])
    out = {}
    for i, word in enumerate(words):
        if word in ("-p", "--param") and i + 1 < len(words):
            name, _, value = words[i + 1].partition("=")
            out[name] = value
    return out


def with_values(text: str, values: dict) -> str:
    """``text`` with ``VALUES (?a ?b) { (A B) }`` at the start of its outermost WHERE group."""
    from laborkg.query.rewrite import mask as _mask
    from laborkg.query.rewrite import outer as _outer

    if not values:
        return text
    masked = _mask(text)
    select = _outer(masked, r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b")
    at = masked.index("{", select.end()) + 1  # no packaged query has braces in its projection
    names = " ".join(f"?{k}" for k in values)
    terms = " ".join(v.n3() for v in values.values())
    return text[:at] + f" VALUES ({names}) {{ ({terms}) }} " + text[at:]


def build_mix(store_dir: Path) -> list[dict]:
    from laborkg.backends.oxigraph import open_store
    from laborkg.namespace import sparql_prologue
    from laborkg.query import catalogue as queries

    try:  # how laborkg binds parameters for a remote endpoint (the SPARQL protocol has no bindings)
        from laborkg.query.rewrite import bind_parameters as bind
    except ImportError:
        bind = with_values
    mix = []
    with open_store(store_dir) as store:
        for name, query in sorted(queries.catalogue().items()):
            raw = example_params(query)
            values = store.bindings(query, raw)
            text = sparql_prologue() + bind(query.text, values)
            mix.append({"name": name, "params": raw, "text": text, "concat": _concat(query.text)})
    return mix


def _concat(text: str) -> dict[str, str]:
    return {m.group(2): m.group(1) for m in _CONCAT.finditer(text)}


# ---------------------------------------------------------------------------------------------
# Answers, normalised so that equal answers compare equal whatever the engine


def normalise(body: bytes, concat: dict[str, str]):
    doc = json.loads(body)
    if "boolean" in doc:
        return ("ask", bool(doc["boolean"]))
    names = list(doc["head"]["vars"])
    rows = []
    for binding in doc["results"]["bindings"]:
        row = []
        for v in names:
            cell = binding.get(v)
            if v in concat:
                text = "" if cell is None else cell["value"]
                row.append(sorted(text.split(concat[v])) if text else [])
            else:
                row.append(_term(cell))
        rows.append(json.dumps(row, ensure_ascii=False))
    return ("select", tuple(names), tuple(sorted(rows)))


def _term(cell):
    if cell is None:
        return None
    kind, value = cell["type"], cell["value"]
    if kind == "bnode":
        return "_:"
    if kind == "uri":
        return f"<{value}>"
    datatype = cell.get("datatype")
    if datatype in NUMERIC:
        try:
            value = f"{Decimal(value).normalize():f}"
        except InvalidOperation:
            pass
        return f"{value}^^{datatype}"
    if cell.get("xml:lang"):
        return f"{value}@{cell['xml:lang'].lower()}"
    if datatype and datatype != XSD + "string":
        return f"{value}^^{datatype}"
    return value


def describe(answer) -> str:
    return "ASK" if answer[0] == "ask" else f"{len(answer[2])} rows"


# ---------------------------------------------------------------------------------------------
# The servers


class Server:
    def __init__(self, name: str, data: dict, timeout: float) -> None:
        self.name, self.port = name, free_port()
        addr = f"127.0.0.1:{self.port}"
        self.path = "/sparql"
        if name == "laborkg":
            cmd = [BIN / "laborkg", "serve", "--port", self.port, "--quiet", "--timeout", timeout]
        elif name == "laborkg-store":
            cmd = [BIN / "laborkg", "serve", "--store", data["store"], "--port", self.port, "--quiet"]
            cmd += ["--timeout", timeout]
        elif name == "oxigraph":
            cmd = [BIN / "oxigraph", "serve-read-only", "--location", data["oxigraph"], "--bind", addr]
            cmd += ["--timeout-s", int(timeout)]
            self.path = "/query"
        elif name == "rdflib-endpoint":
            cmd = [
                sys.executable,
                Path(__file__).resolve(),
                "--rdflib-endpoint",
                data["nt"],
                "--port",
                self.port,
            ]
        else:
            raise SystemExit(f"unknown server {name!r} (known: {', '.join(SERVERS)})")
        self.proc = subprocess.Popen(
            [str(c) for c in cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )

    def post(self, text: str, timeout: float = 120.0) -> tuple[int | str, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(
                "POST",
                self.path,
                body=text.encode("utf-8"),
                headers={
                    "Content-Type": "application/sparql-query",
                    "Accept": "application/sparql-results+json",
                    "Connection": "close",
                },
            )
            resp = conn.getresponse()
            return resp.status, resp.read()
        except OSError as exc:
            return type(exc).__name__, b""
        finally:
            conn.close()

    def wait_ready(self, limit: float = 300.0) -> float:
        started = time.monotonic()
        while time.monotonic() - started < limit:
            if self.proc.poll() is not None:
                raise SystemExit(
                    f"{self.name} exited ({self.proc.returncode}): {self.proc.stderr.read()[-2000:]}"
                )
            status, _ = self.post("ASK { ?s ?p ?o }", timeout=5)
            if status == 200:
                return time.monotonic() - started
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"{self.name} did not answer within {limit:g} s")

    def cpu_seconds(self) -> float:
        """User + system time of the server and of every process under it (its workers), live or ended."""
        stats = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                stats[int(entry.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
        tree, total = {self.proc.pid}, 0
        changed = True
        while changed:
            changed = False
            for pid, (ppid, _) in stats.items():
                if ppid in tree and pid not in tree:
                    tree.add(pid)
                    changed = True
        total = sum(stats[pid][1] for pid in tree if pid in stats)
        return total / os.sysconf("SC_CLK_TCK")

    def peak_memory_mb(self) -> float:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(15)


def serve_rdflib_endpoint(nt: str, port: int) -> None:
    """The rdflib-endpoint server: an rdflib Graph of ``nt`` behind rdflib-endpoint, under uvicorn."""
    import uvicorn
    from rdflib import Graph
    from rdflib_endpoint import SparqlEndpoint

    graph = Graph()
    graph.parse(nt, format="nt")
    uvicorn.run(SparqlEndpoint(graph=graph, path="/sparql"), host="127.0.0.1", port=port, log_level="warning")


# ---------------------------------------------------------------------------------------------
# Measuring


def agree(servers: list[Server], mix: list[dict]) -> tuple[list[dict], list[str]]:
    """Run every query once on every server; keep the queries all answer alike (and as laborkg's packaged
    query does). Returns the agreed mix (each with its ``answer``) and notes on what was left out."""
    kept, notes = [], []
    reference = servers[0]
    for entry in mix:
        answers = {}
        for srv in servers:
            status, body = srv.post(entry["text"])
            answers[srv.name] = normalise(body, entry["concat"]) if status == 200 else f"HTTP {status}"
        if reference.name.startswith("laborkg"):
            target = f"/queries/{entry['name']}"
            if entry["params"]:
                import urllib.parse

                target += "?" + urllib.parse.urlencode(entry["params"])
            conn = http.client.HTTPConnection("127.0.0.1", reference.port, timeout=120)
            conn.request("GET", target, headers={"Accept": "application/sparql-results+json"})
            resp = conn.getresponse()
            packaged = (
                normalise(resp.read(), entry["concat"]) if resp.status == 200 else f"HTTP {resp.status}"
            )
            conn.close()
            if packaged != answers[reference.name]:
                notes.append(f"{entry['name']}: the substituted text does not answer as the packaged query")
                continue
        first = answers[reference.name]
        differ = [n for n, a in answers.items() if a != first]
        if isinstance(first, str) or differ:
            shown = ", ".join(f"{n} {a if isinstance(a, str) else describe(a)}" for n, a in answers.items())
            notes.append(f"{entry['name']}: answers differ ({shown})")
            continue
        kept.append({**entry, "answer": first})
        say(f"  {entry['name']}: {describe(first)}, every server alike")
    return kept, notes


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def load(srv: Server, mix: list[dict], clients: int, total: int, seconds: float) -> dict:
    lock = threading.Lock()
    counter = iter(range(total))
    results: list[tuple[int, float, object, bytes]] = []
    deadline = time.monotonic() + seconds

    def work() -> None:
        while time.monotonic() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            entry = mix[n % len(mix)]
            started = time.monotonic()
            status, body = srv.post(entry["text"], timeout=max(5.0, deadline - started + 30))
            latency = time.monotonic() - started
            with lock:
                results.append((n, latency, status, body))

    cpu0 = srv.cpu_seconds()
    started = time.monotonic()
    threads = [threading.Thread(target=work, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        for t in threads:
            t.join(5)
        done = len(results)
        say(f"  {srv.name}: {done}/{total} answers, {done / (time.monotonic() - started):.1f} req/s so far")
    elapsed = time.monotonic() - started
    cpu = srv.cpu_seconds() - cpu0
    errors: dict[str, int] = {}
    for n, _, status, body in results:  # checked after the clock stopped
        entry = mix[n % len(mix)]
        if status != 200:
            key = f"HTTP {status}"
        else:
            try:
                key = None if normalise(body, entry["concat"]) == entry["answer"] else "wrong answer"
            except (ValueError, KeyError):
                key = "unreadable answer"
        if key:
            errors[key] = errors.get(key, 0) + 1
    latencies = [r[1] for r in results]
    by_query: dict[str, list[float]] = {}
    for n, latency, _, _ in results:
        by_query.setdefault(mix[n % len(mix)]["name"], []).append(latency)
    return {
        "by_query_ms": {k: round(statistics.median(v) * 1000, 1) for k, v in sorted(by_query.items())},
        "server": srv.name,
        "requests": len(results),
        "seconds": round(elapsed, 2),
        "throughput": len(results) / elapsed if elapsed else 0.0,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "cpu_s": round(cpu, 2),
        "peak_rss_mb": round(srv.peak_memory_mb(), 1),
    }


# ---------------------------------------------------------------------------------------------
# Report


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def report(args, data: dict, mix: list[dict], notes: list[str], rows: list[dict], load_avg) -> str:
    by = {r["server"]: r for r in rows}
    lines = [
        SECTION,
        "",
        f"Measured with `python bench/load.py --clients {args.clients} --requests {args.requests} "
        f"--seconds {args.seconds:g}` on {dt.date.today().isoformat()}: {data['triples']:,} triples (the "
        "shipped closure), "
        f"{len(mix)} packaged queries in the mix, {args.clients} concurrent clients, one connection per "
        "request. Load average before each server: "
        + ", ".join(f"{n} {a}" for n, a in load_avg.items())
        + f". Machine: {os.cpu_count()} logical cores, Python {platform.python_version()}, laborkg "
        f"{_version('laborkg')}, rdflib {_version('rdflib')}, pyoxigraph {_version('pyoxigraph')}, "
        f"oxigraph (server) {_version('oxigraph')}, rdflib-endpoint {_version('rdflib-endpoint')}, uvicorn "
        f"{_version('uvicorn')}.",
        "",
        "| server | answers | throughput | p50 | p99 | errors | server CPU | peak RSS |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        kinds = ", ".join(f"{k}: {v}" for k, v in r["error_kinds"].items())
        lines.append(
            f"| {r['server']} | {r['requests']} in {r['seconds']:.1f} s | {r['throughput']:.1f} req/s | "
            f"{r['p50_ms']:.0f} ms | {r['p99_ms']:.0f} ms | {r['errors']}{f' ({kinds})' if kinds else ''} | "
            f"{r['cpu_s']:.1f} s | {r['peak_rss_mb']:.0f} MB |"
        )
    lines.append("")
    if "oxigraph" in by:
        for name in ("laborkg", "laborkg-store"):
            if name in by and by["oxigraph"]["throughput"]:
                ratio = by[name]["throughput"] / by["oxigraph"]["throughput"]
                lines.append(f"- {name} ÷ oxigraph throughput: **{ratio:.2f}** (target ≥ 0.5)")
    for note in notes:
        lines.append(f"- left out of the mix: {note}")
    return "\n".join(lines) + "\n"


def write_section(path: Path, text: str) -> None:
    """Replace this script's section of ``path`` (or append it), leaving every other section as it is."""
    old = path.read_text(encoding="utf-8") if path.is_file() else "# Benchmarks\n"
    start = old.find(SECTION)
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        after = old.find("\n## ", start + len(SECTION))
        notes_at = old.find("\n### Notes", start)  # hand-written notes under the figures are kept
        end = len(old) if after < 0 else after + 1
        keep = old[notes_at + 1 : end] if 0 <= notes_at < end else ""
        new = old[:start] + text + ("\n" + keep if keep else "") + old[end:]
    path.write_text(new, encoding="utf-8")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    p.add_argument("--requests", type=int, default=400, help="answers to wait for per server (default 400)")
    p.add_argument("--seconds", type=float, default=60, help="time limit per server (default 60)")
    p.add_argument(
        "--servers", default=",".join(SERVERS), help=f"which, in order (default {','.join(SERVERS)})"
    )
    p.add_argument("--timeout", type=float, default=30, help="per-query time limit given to the servers")
    p.add_argument("--workdir", default="/tmp/laborkg-bench-load", help="where the data files go")
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    p.add_argument("--out", metavar="FILE", help=f"write the report into FILE's section {SECTION[3:]!r}")
    p.add_argument("--rdflib-endpoint", metavar="NT", help=argparse.SUPPRESS)
    p.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.rdflib_endpoint:
        serve_rdflib_endpoint(args.rdflib_endpoint, args.port)
        return 0
    names = [n.strip() for n in args.servers.split(",") if n.strip()]
    data = prepare_data(Path(args.workdir))
    mix = build_mix(data["store"])
    say(f"{data['triples']} triples; {len(mix)} packaged queries; servers: {', '.join(names)}")

    servers = []
    try:
        for name in names:
            srv = Server(name, data, args.timeout)
            servers.append(srv)
            say(f"{name} answers after {srv.wait_ready():.1f} s")
            if name.startswith("laborkg"):
                conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
                conn.request("GET", "/status")
                served = json.loads(conn.getresponse().read())["triples"]
                conn.close()
                if served != data["triples"]:
                    raise SystemExit(f"{name} serves {served} triples, the store holds {data['triples']}")
        say("comparing every query's answers across the servers")
        mix, notes = agree(servers, mix)
    finally:
        for srv in servers:
            srv.stop()
    if not mix:
        raise SystemExit("no query answers alike on every server: " + "; ".join(notes))

    rows, load_avg = [], {}
    for name in names:  # one server at a time, alone on the machine
        load_avg[name] = "{:.2f}/{:.2f}/{:.2f}".format(*os.getloadavg())
        srv = Server(name, data, args.timeout)
        try:
            srv.wait_ready()
            for entry in mix:  # a warm-up pass, not measured
                srv.post(entry["text"])
            say(f"{name}: {args.clients} clients, up to {args.requests} answers or {args.seconds:g} s")
            rows.append(load(srv, mix, args.clients, args.requests, args.seconds))
        finally:
            srv.stop()
        r = rows[-1]
        say(
            f"{name}: {r['throughput']:.1f} req/s, p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms, "
            f"errors {r['errors']} {r['error_kinds'] or ''}"
        )
    text = report(args, data, mix, notes, rows, load_avg)
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "notes": notes, "load": load_avg}, indent=2))
    if args.out:
        write_section(Path(args.out), text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How long ``laborkg ingest report`` takes per report, into a store that holds the findings series.

    python bench/reports.py [--reports ../shared/reports/pdf] [--findings ../shared/findings]
                            [--store DIR] [--workdir DIR]

Without --store, builds the shipped data's store and ingests the findings of every reporting year for
the countries of the reports (timed apart). Then each PDF of --reports is added in turn (read, tables,
facts, incremental add) and the time of each step is printed per report, with the triples added; the
same PDFs are added a second time (nothing to add: the cost of noticing). The baselines, in the same
run: the report's N-Triples (as added) parsed by plain rdflib into a Graph, and loaded by raw pyoxigraph
into an empty in-memory Store: the cost of the triples alone, without reasoning, validation, the
cross-check links or the store's checkpoint. A benchmark, not a test: it never fails on time.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", default=str(ROOT.parent / "shared" / "reports" / "pdf"))
    ap.add_argument("--findings", default=str(ROOT.parent / "shared" / "findings"))
    ap.add_argument("--store", help="a store holding the series (copied, not changed)")
    ap.add_argument("--workdir", help="where to work (default: a temporary directory)")
    args = ap.parse_args()

    from laborkg.ingest.report_facts import map_report
    from laborkg.ingest.report_pdf import read_report, sha256_of
    from laborkg.store.report import add_report

    pdfs = sorted(Path(args.reports).glob("*.pdf"))
    work = Path(args.workdir or tempfile.mkdtemp(prefix="laborkg-bench-reports-"))
    store = work / "kg"
    shutil.rmtree(store, ignore_errors=True)
    shutil.rmtree(work / "kg.reports", ignore_errors=True)
    if args.store:
        shutil.copytree(args.store, store)
    else:
        from laborkg.ingest.usdol_xml import YEARS
        from laborkg.store.build import build
        from laborkg.store.ingest import add_findings

        countries = sorted({p.stem.rsplit("_", 1)[0].title() for p in pdfs})
        t = time.perf_counter()
        build(store)
        add_findings(store, args.findings, YEARS, countries)
        print(f"store with the findings series of {', '.join(countries)}: {time.perf_counter() - t:.1f} s")
    import json

    print(f"store: {json.loads((store / 'manifest.json').read_text())['triples']} triples")
    print(
        f"{'report':<22} {'read s':>7} {'map s':>6} {'add s':>6} {'triples':>8} {'again s':>8} "
        f"{'rdflib s':>9} {'oxi s':>6} {'add/rdflib':>10} {'add/oxi':>8}"
    )
    totals = []
    for pdf in pdfs:
        t0 = time.perf_counter()
        report = read_report(pdf)
        t1 = time.perf_counter()
        map_report(report)
        t2 = time.perf_counter()
        result = add_report(store, pdf)  # reads and maps again: the command's whole cost
        t3 = time.perf_counter()
        add_report(store, pdf)
        t4 = time.perf_counter()
        totals.append(t3 - t2)
        plain, raw = _baselines(work / "kg.reports" / f"usdol-report-{sha256_of(pdf)[:16]}.nt")
        print(
            f"{pdf.name:<22} {t1 - t0:7.2f} {t2 - t1:6.2f} {t3 - t2:6.2f} {result['triples_added']:8d} "
            f"{t4 - t3:8.2f} {plain:9.3f} {raw:6.3f} {(t3 - t2) / plain:10.0f} {(t3 - t2) / raw:8.0f}"
        )
    if totals:
        print(
            f"ingest report (whole command, in process): median {sorted(totals)[len(totals) // 2]:.2f} s, "
            f"max {max(totals):.2f} s, {len(totals)} reports"
        )
    return 0


def _baselines(nt: Path) -> tuple[float, float]:
    """Seconds for plain rdflib to parse ``nt`` into a Graph, and for raw pyoxigraph to load it into an
    empty in-memory Store."""
    import pyoxigraph
    from rdflib import Graph

    t = time.perf_counter()
    Graph().parse(nt, format="nt")
    plain = time.perf_counter() - t
    t = time.perf_counter()
    pyoxigraph.Store().load(path=str(nt), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return plain, time.perf_counter() - t


if __name__ == "__main__":
    sys.exit(main())

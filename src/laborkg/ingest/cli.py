"""The ``laborkg ingest`` command: external structured data into N-Triples (for now: USDOL findings)."""

from __future__ import annotations

import argparse
import sys


def add_ingest_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``laborkg ingest findings`` on the CLI's subparsers."""
    p = sub.add_parser(
        "ingest",
        help="read external structured data into N-Triples",
        description="Read external structured data into N-Triples, every value citing where it was read.",
    )
    which = p.add_subparsers(dest="source", metavar="SOURCE")
    which.required = True
    f = which.add_parser(
        "findings",
        help="USDOL Findings on the Worst Forms of Child Labor, XML, reporting years 2014-2022",
        description="Read USDOL's Findings XML (countries_2014.xml … countries_2022.xml, each checked "
        "against its known SHA-256) and write N-Triples atomically; progress per year on stderr.",
    )
    f.add_argument(
        "--from", dest="directory", required=True, metavar="DIR", help="directory of the XML files"
    )
    f.add_argument("--years", default="2014-2022", metavar="A-B", help="reporting years (default 2014-2022)")
    f.add_argument(
        "--country", nargs="+", default=[], metavar="NAME", help="only these countries (any spelling)"
    )
    f.add_argument("-o", "--output", required=True, metavar="FILE.nt", help="N-Triples file to write")


def cmd_ingest(args: argparse.Namespace, out) -> int:
    """Run ``laborkg ingest findings``: nothing is written unless every file is read and mapped."""
    from laborkg.ingest import findings

    def progress(year: int, report: findings.Report) -> None:
        sys.stderr.write(
            f"laborkg: findings {report.lines()[-1] if report.read else f'{year}: nothing read'}\n"
        )

    years = findings.parse_years(args.years)
    graphs = (g for _y, g, _r in findings.ingest_years(args.directory, years, args.country, progress))
    n = findings.write_ntriples(graphs, args.output)
    out.write(f"{n} triples written to {args.output}\n")
    return 0

"""The ``laborkg ingest`` command: external structured data (for now USDOL's findings) into a store, or
into N-Triples."""

from __future__ import annotations

import argparse
import sys

from laborkg.errors import InputError


def add_ingest_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``laborkg ingest findings`` on the CLI's subparsers."""
    p = sub.add_parser(
        "ingest",
        help="add external structured data to the store (or write it as N-Triples)",
        description="Read external structured data, every value citing where it was read, into the "
        "default store, the store named by --store, or an N-Triples file (-o).",
    )
    which = p.add_subparsers(dest="source", metavar="SOURCE")
    which.required = True
    f = which.add_parser(
        "findings",
        help="USDOL Findings on the Worst Forms of Child Labor, XML, reporting years 2014-2022",
        description="Read USDOL's Findings XML (countries_2014.xml … countries_2022.xml, each checked "
        "against its known SHA-256), reason and validate it year by year with the store's own data, and "
        "add it to the default store (or --store DIR); years and countries the store holds already are "
        "not read again. With -o, write N-Triples (not reasoned) instead. Progress on stderr; bad input "
        "exits 2 and data that does not conform exits 1, with the store unchanged.",
        epilog="examples:\n  laborkg ingest findings --from ../shared/findings\n"
        "  laborkg ingest findings            (downloads the files into the cache first)\n"
        "  laborkg ingest findings --from ../shared/findings --years 2022 --country Mexico Guatemala\n"
        "  laborkg ingest findings --from ../shared/findings --store kg/\n"
        "  laborkg ingest findings --from ../shared/findings -o findings.nt",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    f.add_argument(
        "--from",
        dest="directory",
        metavar="DIR",
        help="directory of the XML files (default: download them from USDOL's public repository into "
        "the cache, each checked against its known SHA-256)",
    )
    f.add_argument("--years", default="2014-2022", metavar="A-B", help="reporting years (default 2014-2022)")
    f.add_argument(
        "--country",
        nargs="+",
        action="extend",
        default=[],
        metavar="NAME",
        help="only these countries (any spelling; repeatable)",
    )
    where = f.add_mutually_exclusive_group()
    where.add_argument("--store", metavar="DIR", help="the store to add to (default: the default store)")
    where.add_argument(
        "-o", "--output", metavar="FILE.nt", help="write N-Triples (as mapped, not reasoned) instead"
    )
    f.add_argument("--data", nargs="+", metavar="FILE", help="the default store of these inputs")
    r = which.add_parser(
        "report",
        help="a USDOL Findings country report as published (PDF): its tables as facts citing their pages",
        description="Read a Findings on the Worst Forms of Child Labor country report (PDF), its country "
        "and year read from the report (or checked against --country/--year), map Tables 1, 3, 4, 6, 7 "
        "and 11 and the assessment into facts that cite the lines of their page, and add them to the "
        "default store (or --store DIR) with the store's incremental add; the same PDF twice adds "
        "nothing. With -o, write N-Triples (not reasoned) instead. A file that is not a readable, "
        "unencrypted Findings report with text exits 2, data that does not conform exits 1, with the "
        "store unchanged. With --fetch instead of FILE.pdf, the report of --country and --year is "
        "downloaded from USDOL's public repository (USDepartmentofLabor/Child-Labor, 2018-2021) into the "
        "cache and kept only if its SHA-256 is the known one (or --sha256's), else it exits 2 with "
        "nothing kept.",
        epilog="examples:\n  laborkg ingest report ../shared/reports/pdf/mexico_2021.pdf --store kg/\n"
        "  laborkg ingest report mexico_2021.pdf --country Mexico --year 2021 -o mexico_2021.nt\n"
        "  laborkg ingest report --fetch --country Brazil --year 2020 --store kg/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    r.add_argument("pdf", metavar="FILE.pdf", nargs="?", help="the report (or --fetch)")
    r.add_argument(
        "--fetch",
        action="store_true",
        help="download the report of --country and --year from USDOL's public repository (SHA-256 checked)",
    )
    r.add_argument("--sha256", metavar="HEX", help="with --fetch: the SHA-256 the download must have")
    r.add_argument("--country", metavar="NAME", help="the country the report must be about")
    r.add_argument("--year", type=int, metavar="YEAR", help="the reporting year the report must be for")
    where_r = r.add_mutually_exclusive_group()
    where_r.add_argument("--store", metavar="DIR", help="the store to add to (default: the default store)")
    where_r.add_argument("-o", "--output", metavar="FILE.nt", help="write N-Triples (not reasoned) instead")
    r.add_argument("--data", nargs="+", metavar="FILE", help="the default store of these inputs")


def _cmd_report(args: argparse.Namespace, out) -> int:
    from laborkg.store.report import add_report, write_report

    def say(message: str) -> None:
        sys.stderr.write(f"laborkg: {message}\n")

    if args.fetch:
        from laborkg.ingest.report_download import fetch_report

        if args.pdf or not (args.country and args.year):
            raise InputError("--fetch takes --country and --year, and no FILE.pdf")
        args.pdf = fetch_report(args.country, args.year, args.sha256, progress=say)
    elif not args.pdf:
        raise InputError("give the report, FILE.pdf, or --fetch with --country and --year")
    elif args.sha256:
        raise InputError("--sha256 goes with --fetch")
    if args.output:
        n, summary = write_report(args.pdf, args.output, args.country, args.year)
        out.write(f"{summary.line()}\n{n} triples written to {args.output}\n")
        return 0
    if args.store:
        directory = args.store
    else:
        from laborkg.inputs import input_files
        from laborkg.store.default import open_default, store_dir

        open_default(args.data, progress=say).close()
        directory = store_dir(input_files(args.data))
    result = add_report(directory, args.pdf, args.country, args.year, progress=say)
    if result["summary"] is not None:
        out.write(f"{result['summary'].line()}\n")
    if result["already"]:
        out.write(f"0 triples added to {directory} (the report is in the store already)\n")
    else:
        total = result["manifest"]["triples"]
        out.write(f"{result['triples_added']} triples added to {directory} ({total} in all)\n")
    return 0


def cmd_ingest(args: argparse.Namespace, out) -> int:
    """Run ``laborkg ingest findings``: nothing is written unless every file is read and mapped."""
    if args.source == "report":
        return _cmd_report(args, out)
    from laborkg.ingest import findings

    def progress(year: int, report: findings.Report) -> None:
        sys.stderr.write(
            f"laborkg: findings {report.lines()[-1] if report.read else f'{year}: nothing read'}\n"
        )

    years = findings.parse_years(args.years)
    if args.directory is None:
        from laborkg.ingest.download import fetch

        def note(message: str) -> None:
            sys.stderr.write(f"laborkg: {message}\n")

        args.directory = fetch(years, progress=note)
    if args.output:
        graphs = (g for _y, g, _r in findings.ingest_years(args.directory, years, args.country, progress))
        n = findings.write_ntriples(graphs, args.output)
        out.write(f"{n} triples written to {args.output}\n")
        return 0
    from laborkg.store.ingest import add_findings

    def say(message: str) -> None:
        sys.stderr.write(f"laborkg: {message}\n")

    if args.store:
        directory = args.store
    else:
        from laborkg.store.default import open_default

        open_default(args.data, progress=say).close()  # built first if needed
        from laborkg.inputs import input_files
        from laborkg.store.default import store_dir

        directory = store_dir(input_files(args.data))
    summary = add_findings(directory, args.directory, years, args.country, progress=say)
    for line in summary["report"]:
        out.write(f"{line}\n")
    out.write(
        f"{summary['triples_added']} triples added to {directory} "
        f"({len(summary['years'])} reporting year(s) read; {summary['manifest']['triples']} in all)\n"
    )
    return 0

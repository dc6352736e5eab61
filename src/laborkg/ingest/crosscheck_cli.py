"""The ``laborkg crosscheck findings`` command: USDOL's structured 2022 record of Mexico against the facts
curated from seed 002, as a table, JSON, CSV or the report (docs/crosscheck-mexico-2022.md)."""

from __future__ import annotations

import argparse
import sys

REPORT = "docs/crosscheck-mexico-2022.md"
#: The command line that writes the report, as the report states it.
REPORT_COMMAND = f"laborkg crosscheck findings --from ../shared/findings --format markdown -o {REPORT}"

EPILOG = f"""exit codes:
  0  the comparison was made, whether or not values differ (differences are findings, not errors)
  2  bad input: the XML directory or file (missing, altered: not its known SHA-256, malformed), the data
     files, the store
  3  internal error (a bug in laborkg; please report it)

examples:
  laborkg crosscheck findings --from ../shared/findings
  laborkg crosscheck findings --from ../shared/findings --format json
  laborkg crosscheck findings --from ../shared/findings --store kg/ --format csv
  laborkg crosscheck findings --from ../shared/findings --conflicts links.nt
  {REPORT_COMMAND}
"""


def add_crosscheck_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``laborkg crosscheck findings`` on the CLI's subparsers."""
    p = sub.add_parser(
        "crosscheck",
        help="compare external structured data with the curated graph (values that agree, differ, are in "
        "one source only)",
        description="Compare an external source's structured record with the facts curated from the "
        "narrative it summarises, value by value, each with its sources. Reads; writes nothing but -o and "
        "--conflicts.",
    )
    which = p.add_subparsers(dest="source", metavar="SOURCE")
    which.required = True
    f = which.add_parser(
        "findings",
        help="USDOL's Findings XML record of Mexico, 2022, against seed 002 (data/usdol-2022-*.ttl)",
        description="Map USDOL's 2022 Findings record of Mexico (countries_2022.xml, checked against its "
        "known SHA-256) and compare it with the facts curated from seed 002, USDOL's narrative report for "
        "Mexico 2022 (the shipped data, --data FILES, or the curated facts a store holds, --store DIR): "
        "the assessment, the summary's words, statistics, ratifications, legal standards, enforcement "
        "figures and suggested actions. Each value is listed as agreeing, differing, or only in one source, "
        "with the seed passage (its verbatim quote) and the XML element (its path and text). Differences are "
        "kept as two sourced facts linked with lkg:conflictsWith (--conflicts writes the links).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    f.add_argument(
        "--from",
        dest="directory",
        metavar="DIR",
        help="directory of the XML files (default: download countries_2022.xml from USDOL's public "
        "repository into the cache, checked against its known SHA-256)",
    )
    curated = f.add_mutually_exclusive_group()
    curated.add_argument(
        "--data",
        action="append",
        metavar="PATH",
        help="curated data files or directories instead of the shipped data/ (repeatable)",
    )
    curated.add_argument(
        "--store",
        metavar="DIR",
        help="read the curated facts from the store 'laborkg build --store DIR' made (the facts citing seed "
        "002 and their passages)",
    )
    f.add_argument(
        "--format",
        choices=("table", "json", "csv", "markdown"),
        default="table",
        help="table for people (default); json, csv for machines; markdown: the report " + REPORT,
    )
    f.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    f.add_argument(
        "--conflicts",
        metavar="FILE.nt",
        help="also write the lkg:conflictsWith links of the differences as N-Triples (for laborkg add "
        "--store DIR FILE.nt)",
    )

    add_reports_parser(which)
    add_seed_tables_parser(which)


def add_reports_parser(which: argparse._SubParsersAction) -> None:
    """Register ``laborkg crosscheck reports``."""
    r = which.add_parser(
        "reports",
        help="each Findings report PDF of a directory against USDOL's structured data of its country-year",
        description="Read every report PDF of --from (laborkg ingest report's reading) and compare its "
        "facts with USDOL's Findings XML of the same country and year (--findings): the share of the "
        "structured values the report gives equal, for the enforcement figures and for all comparable "
        "values (assessment, statistics, ratifications, legal standards, enforcement, suggested actions), "
        "and every difference. Reads; writes nothing.",
    )
    r.add_argument("--from", dest="directory", required=True, metavar="DIR", help="directory of report PDFs")
    r.add_argument("--findings", required=True, metavar="DIR", help="directory of the findings XML files")


def add_seed_tables_parser(which: argparse._SubParsersAction) -> None:
    """Register ``laborkg crosscheck seed-tables``."""
    t = which.add_parser(
        "seed-tables",
        help="recall and precision of the table facts parsed from seed 002's text against the curated "
        "data/usdol-2022-*.ttl",
        description="Read the tables of seed 002 (USDOL's Mexico 2022 report as text; laborkg ingest "
        "report's mapping) and compare the facts with those curated by hand from the same tables "
        "(data/usdol-2022-*.ttl): recall and precision per table and overall, every curated fact missed, "
        "every parsed fact unmatched (units: docs/reports.md). Reads; writes nothing.",
    )
    t.add_argument("--seed", metavar="FILE", help="the seed's text (default: seeds/002_*.txt)")
    t.add_argument("--curated", metavar="DIR", help="directory of the curated data (default: data/)")
    t.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")


def curated_from_store(directory: str):
    """The curated facts a store holds: every subject citing a passage of a narrative of
    :data:`~laborkg.ingest.crosscheck.NARRATIVES`, the passages and the documents, as an rdflib graph."""
    from rdflib import Graph

    from laborkg.backends.oxigraph import open_store
    from laborkg.ingest.crosscheck import NARRATIVES

    names = " ".join(f'"{name}"' for name in sorted(set(NARRATIVES.values())))
    text = (
        "PREFIX lkg: <https://w3id.org/laborkg/ontology#>\n"
        "CONSTRUCT { ?s ?p ?o } WHERE {\n"
        f"  VALUES ?name {{ {names} }}\n"
        "  ?d lkg:fileName ?name .\n"
        "  { ?s lkg:source ?passage . ?passage lkg:inDocument ?d . ?s ?p ?o }\n"
        "  UNION { ?s lkg:inDocument ?d . ?s ?p ?o }\n"
        "  UNION { ?d ?p ?o . BIND(?d AS ?s) }\n"
        "}"
    )
    with open_store(directory) as store:
        answer = store.sparql(text, timeout=None)
    return answer.graph if answer.graph is not None else Graph()


def cmd_crosscheck(args: argparse.Namespace, out) -> int:
    """Run ``laborkg crosscheck findings``: exit 0 whether or not values differ."""
    if args.source == "seed-tables":
        import json

        from laborkg.ingest import seed_quality
        from laborkg.paths import DATA_DIR, SEEDS_DIR

        seed = args.seed or str(SEEDS_DIR / seed_quality.SEED)
        q = seed_quality.measure(seed, seed_quality.curated_graph(args.curated or DATA_DIR))
        out.write(
            json.dumps(seed_quality.as_dict(q), indent=2) + "\n"
            if args.format == "json"
            else seed_quality.text(q)
        )
        return 0
    if args.source == "reports":
        from laborkg.ingest import report_quality

        def note(message: str) -> None:
            sys.stderr.write(f"laborkg: {message}\n")

        out.write(report_quality.text(report_quality.measure_all(args.directory, args.findings, note)))
        return 0
    from laborkg.ingest import crosscheck, findings
    from laborkg.ingest import crosscheck_report as report

    def say(message: str) -> None:
        sys.stderr.write(f"laborkg: {message}\n")

    country, year = crosscheck.COUNTRY, crosscheck.YEAR
    directory = args.directory
    if directory is None:
        from laborkg.ingest.download import fetch

        directory = fetch([year], progress=say)
    mapped, _report = findings.ingest(directory, [year], [country])
    if args.store:
        curated = curated_from_store(args.store)
    else:
        from laborkg.inputs import input_files
        from laborkg.pipeline.load import load

        curated = load(input_files(args.data))
    result = crosscheck.compare(curated, mapped, country, year)
    if args.format == "json":
        text = report.as_json(result)
    elif args.format == "csv":
        text = report.as_csv(result)
    elif args.format == "markdown":
        text = report.markdown(result, _command(args))
    else:
        text = report.table(result)
    if args.conflicts:
        from rdflib import Graph

        from laborkg.ingest.findings import ntriples_lines

        links = Graph()
        for t in crosscheck.conflict_triples(curated, mapped):
            links.add(t)
        report.write("\n".join(sorted(ntriples_lines(links))) + ("\n" if len(links) else ""), args.conflicts)
        say(f"{len(links)} lkg:conflictsWith link(s) written to {args.conflicts}")
    if args.output:
        report.write(text, args.output)
        say(f"{report.figures_line(result)}; written to {args.output}")
    else:
        out.write(text)
    return 0


def _command(args: argparse.Namespace) -> str:
    """The command line the report states: the canonical one for the shipped data (wherever the XML was
    read from and the report written), else one with these options."""
    if not args.data and not args.store:
        return REPORT_COMMAND
    parts = ["laborkg crosscheck findings", f"--from {args.directory or '(downloaded)'}"]
    parts += [f"--data {d}" for d in args.data or ()]
    parts += [f"--store {args.store}"] if args.store else []
    parts += ["--format markdown"] + ([f"-o {args.output}"] if args.output else [])
    return " ".join(parts)

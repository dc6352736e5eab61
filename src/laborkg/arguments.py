"""The ``laborkg`` command line's arguments: the parser, its options, help and exit codes."""

from __future__ import annotations

import argparse
import sys

from laborkg import formats
from laborkg.errors import InputError
from laborkg.ingest.cli import add_ingest_parser
from laborkg.ingest.crosscheck_cli import add_crosscheck_parser
from laborkg.query import render
from laborkg.query.engine import DEFAULT_TIMEOUT

EXPORT_FORMATS = formats.RDF  # export.FORMATS (a test keeps them equal)
ALIASES_HELP = "older names are aliases: ttl, nt, nq, json-ld, rdf or xml (RDF/XML)"


def _converter(convert, what: str):
    def parse(text: str) -> str:
        try:
            return convert(text)
        except InputError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = what  # argparse names the option's type in its message
    return parse


rdf_format = _converter(formats.rdf, "RDF format")
answer_format = _converter(formats.result, "format")


def _results_format(text: str) -> str:
    name = formats.result(text)
    if name not in formats.RESULTS:
        raise InputError(
            f"{text!r} is an RDF format; a packaged query gives rows: {', '.join(formats.RESULTS)}"
        )
    return name


results_format = _converter(_results_format, "results format")

EPILOG = """exit codes:
  0  success
  1  validate: the data does not conform (the report says why)
  2  bad input or usage: malformed RDF (file:line given), unknown query or parameter
  3  internal error (a bug in laborkg; please report it)
  4  a remote SPARQL endpoint failed, refused or answered incompletely (query/sparql/push --endpoint)

examples:
  laborkg query agencies-lost-support
  laborkg query agencies-lost-support --lang es
  laborkg query agencies-lost-support -p funder="United States government" --format json
  laborkg sparql 'SELECT ?agency WHERE { ?agency a lkg:GovernmentAgency }'
  laborkg sparql -f question.rq --format csv
  laborkg validate --data my-data/
  laborkg stats
"""


class _VersionAction(argparse.Action):
    """--version, reading the installed version only when asked (importlib.metadata is slow to load)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest, nargs=0, default=default, help=help or "show the version")

    def __call__(self, parser, namespace, values, option_string=None):
        sys.stdout.write(f"laborkg {_version()}\n")  # on stdout, as argparse's own version action
        parser.exit()


def _version() -> str:
    from laborkg.versions import installed_version

    return installed_version("laborkg")


def _graph_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("graph")
    g.add_argument(
        "--data",
        action="append",
        metavar="PATH",
        help="instance data file or directory to use instead of the shipped data/ (repeatable); '-' reads "
        "standard input",
    )
    g.add_argument(
        "--no-cache",
        action="store_true",
        help="recompute the OWL RL closure instead of reading it from the cache",
    )
    input_format_option(g)


def input_format_option(p) -> None:
    """``-i/--input-format``: the RDF format of files given by name (``-`` is standard input)."""
    p.add_argument(
        "-i",
        "--input-format",
        type=rdf_format,
        metavar="FORMAT",
        help=f"the RDF format of --data files and of '-' (standard input): {', '.join(formats.RDF)} "
        "(default: from each file's suffix; Turtle for '-')",
    )


def _timeout_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop the query after this many seconds (default {DEFAULT_TIMEOUT:g}; 0: no limit, and no "
        "memory limit)",
    )
    from laborkg.server.limits import memory_option

    memory_option(p)


def _store_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--store",
        metavar="DIR",
        help="answer from the store 'laborkg build --store DIR' made (pyoxigraph, on disk): no reasoning, "
        "no loading; not with --data",
    )


def _endpoint_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--endpoint",
        metavar="URL",
        help="answer from a remote SPARQL 1.1 endpoint (see docs/endpoints.md); not with --store or --data",
    )
    p.add_argument(
        "--graph",
        metavar="IRI",
        help="with --endpoint: the named graph to read (default: where laborkg push puts the closure, "
        "https://w3id.org/laborkg/graph/closure); 'default' reads the endpoint's default graph",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="laborkg",
        description="A sourced knowledge graph of US–Mexico labor cooperation: validate it, "
        "count what it holds, and ask it packaged questions.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-V", "--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser(
        "query",
        help="run a packaged query",
        description="Run a packaged query on the graph.",
        epilog="'laborkg queries' lists the packaged queries and their parameters.",
    )
    p.add_argument("name", help="packaged query name, e.g. agencies-lost-support")
    p.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="query parameter (repeatable); an IRI parameter also takes a label or acronym",
    )
    p.add_argument(
        "--format",
        type=results_format,
        choices=render.FORMATS,
        default="table",
        help="table for people (labels, formatted numbers, sources as footnotes); "
        "csv, tsv, json, xml (SPARQL 1.1 results) for machines. Default: table",
    )
    p.add_argument(
        "--lang", choices=("en", "es"), default="en", help="language of labels in tables (default en)"
    )
    _timeout_option(p)
    _graph_options(p)
    _store_option(p)
    _endpoint_option(p)

    p = sub.add_parser(
        "sparql",
        help="run an ad-hoc SPARQL query (read-only, time-limited)",
        description="Run an ad-hoc SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) on the graph. Updates are "
        "refused; SERVICE is refused unless its endpoint is given with --allow-service.",
    )
    p.add_argument("query", nargs="?", help="the query text, or '-' to read it from standard input")
    p.add_argument("-f", "--file", help="read the query from FILE ('-': standard input)")
    p.add_argument(
        "--format",
        type=answer_format,
        choices=(*formats.RESULTS, *formats.RDF),
        default=None,
        help="table (default for SELECT/ASK), csv, tsv, json, xml; turtle (default for CONSTRUCT/DESCRIBE), "
        f"ntriples, jsonld, rdfxml (xml for a graph answer); {ALIASES_HELP}",
    )
    p.add_argument(
        "--lang", choices=("en", "es"), default="en", help="language of labels in tables (default en)"
    )
    p.add_argument(
        "--allow-service",
        action="append",
        metavar="URL",
        help="let SERVICE call this endpoint (repeatable); any other SERVICE is refused",
    )
    _timeout_option(p)
    _graph_options(p)
    _store_option(p)
    _endpoint_option(p)

    p = sub.add_parser(
        "push",
        help="send the graph to a remote SPARQL endpoint (a named graph, replaced as a whole)",
        description="Send the closure (default; what queries read, so remote answers match) or the "
        "asserted graph to the named graph --graph at a SPARQL 1.1 endpoint: into a temporary graph first "
        "(Graph Store Protocol PUT to --gsp, else SPARQL Update INSERT DATA in chunks to --update or the "
        "endpoint), counted there, then moved into place with one MOVE. A graph that already holds triples "
        "is only replaced with --replace. On failure the exit code is 4 and the message says what the "
        "endpoint holds. URLs for Virtuoso, Fuseki, GraphDB and QLever: docs/endpoints.md.",
    )
    p.add_argument("--endpoint", required=True, metavar="URL", help="the SPARQL query endpoint (counts)")
    p.add_argument("--update", metavar="URL", help="the SPARQL Update endpoint (default: --endpoint)")
    p.add_argument("--gsp", metavar="URL", help="a Graph Store Protocol endpoint: one PUT instead of chunks")
    p.add_argument(
        "--graph",
        metavar="IRI",
        help="the named graph (default https://w3id.org/laborkg/graph/closure, or …/graph/asserted)",
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--closure", dest="closure", action="store_true", default=True, help="the OWL RL closure (default)"
    )
    which.add_argument("--asserted", dest="closure", action="store_false", help="the graph as written")
    p.add_argument("--replace", action="store_true", help="replace the triples the graph holds already")
    p.add_argument("--user", help="user for HTTP Basic/Digest authentication (or $LABORKG_ENDPOINT_USER)")
    p.add_argument("--password", help="password (or $LABORKG_ENDPOINT_PASSWORD, which keeps it out of ps)")
    p.add_argument(
        "--timeout", type=float, default=300.0, metavar="SECONDS", help="per request (default 300; 0: none)"
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="json prints a summary")
    _graph_options(p)

    p = sub.add_parser(
        "build",
        help="reason, validate and store the graph on disk for fast queries (--store DIR)",
        description="Load ontology + data, compute the OWL RL closure, validate it once, and store it in "
        "DIR (pyoxigraph, on disk) with a manifest of its inputs and versions. 'laborkg query/sparql --store "
        "DIR' then answer from it without reasoning or loading. Data that does not conform (exit 1) or "
        "malformed input (exit 2) writes nothing: a store already in DIR is left as it was.",
    )
    p.add_argument(
        "--store", required=True, metavar="DIR", help="directory of the store (created or replaced)"
    )
    p.add_argument(
        "--reasoner",
        choices=("auto", "laborkg", "reasonable", "owlrl"),
        default=None,
        help="OWL RL reasoner: laborkg (its own, fast; owlrl where it does not apply), reasonable (fast, "
        "memory-hungry), owlrl (reference), auto (laborkg; default, or $LABORKG_REASONER)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="json prints the manifest")
    _graph_options(p)

    p = sub.add_parser(
        "add",
        help="add a document to a built store, validating it with its neighbourhood (--store DIR)",
        description="Parse FILE… (Turtle, N-Triples, JSON-LD, …), reason and validate it with the part of "
        "the store it touches, and insert it with its entailments into the store 'laborkg build --store DIR' "
        "made; its cost does not grow with the store. Data that does not conform (exit 1) or malformed "
        "input (exit 2) leaves the store as it was. An addition whose entailments are not local rebuilds "
        "the store from its inputs (and says so).",
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="RDF file(s) to add (a directory: its RDF files; '-': standard input)",
    )
    p.add_argument("--store", required=True, metavar="DIR", help="directory of a store laborkg build made")
    input_format_option(p)

    p = sub.add_parser(
        "export",
        help="write the graph as Turtle, JSON-LD, N-Triples, N-Quads or TriG",
        description="Export the graph with its VoID/DCAT description. Turtle is stable (byte-identical "
        "for the same input) and exact; TriG and N-Quads keep one named graph per source document. Files are "
        "written atomically: a failed export leaves the previous file unchanged.",
    )
    p.add_argument(
        "--format",
        type=rdf_format,
        choices=EXPORT_FORMATS,
        default="turtle",
        help=f"output format (default turtle); {ALIASES_HELP}",
    )
    p.add_argument(
        "--context",
        choices=("inline", "url"),
        default="inline",
        help="jsonld: laborkg's context inlined (default; the file parses offline) or named by its URL",
    )
    p.add_argument(
        "--base-url",
        metavar="URL",
        help="where the dumps are published, for the VoID/DCAT description (default https://w3id.org/laborkg/)",
    )
    p.add_argument(
        "--sparql-endpoint",
        metavar="URL",
        help="the public SPARQL endpoint serving the graph, for the VoID/DCAT description (default: none)",
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--asserted",
        dest="closure",
        action="store_false",
        default=None,
        help="ontology + data as written (default, but with --store)",
    )
    which.add_argument(
        "--closure", dest="closure", action="store_true", help="with everything OWL RL reasoning entails"
    )
    p.add_argument("--frame", choices=("programs",), help="jsonld only: the program-centric framed document")
    p.add_argument(
        "-o", "--output", default="-", metavar="FILE", help="output file, or - for standard output"
    )
    p.add_argument(
        "--store",
        metavar="DIR",
        help="export the closure held by the store 'laborkg build --store DIR' made, streamed by pyoxigraph "
        "(turtle, ntriples or jsonld; fast at millions of triples; Turtle with laborkg's prefixes, JSON-LD "
        "expanded; "
        "not sorted)",
    )
    _graph_options(p)

    p = sub.add_parser(
        "link",
        help="links to external graphs: which entities are linked (Wikidata, ISO, ILO, IATI) and which not",
        description="Read data/mappings/*.sssom.tsv (every row with its source and justification), check it "
        "against the graph, and report which entities are linked to external graphs and which are not. The "
        "links are part of the graph as skos:exactMatch/closeMatch triples; -o writes them as Turtle.",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="also write the link triples (Turtle) to FILE ('-': to standard output, the report to "
        "standard error)",
    )
    _graph_options(p)

    p = sub.add_parser(
        "docs",
        help="write HTML documentation of the ontology (pyLODE)",
        description="Write HTML documentation of the ontology (classes, properties, code lists, English and "
        "Spanish labels) with pyLODE, offline, into DIR (replaced atomically).",
    )
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="output directory")

    p = sub.add_parser(
        "queries",
        help="list the packaged queries",
        description="List the packaged queries with their parameters.",
    )
    p.add_argument(
        "--format",
        choices=("table", "json", "markdown"),
        default="table",
        help="markdown prints the catalogue table kept in the README",
    )

    p = sub.add_parser(
        "validate",
        help="check the data against the SHACL shapes and violation queries",
        description="Validate ontology + data (after OWL RL reasoning) with shapes/ and "
        "queries/checks/. Exit 0 conforms, 1 violations, 2 bad input.",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    _graph_options(p)

    p = sub.add_parser(
        "stats",
        help="entities by class and by source document",
        description="Count what the graph holds, by class and by source document.",
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
    _graph_options(p)

    p = sub.add_parser(
        "serve",
        help="serve a read-only SPARQL endpoint and a web view (localhost by default)",
        description="Serve the graph over HTTP: a read-only SPARQL 1.1 Protocol endpoint at /sparql, the "
        "packaged queries at /queries, dereferenceable IRIs at /id/…, and a web view at /. Updates get 403; "
        "a query past --timeout gets 503, an answer over --max-rows 413.",
    )
    from laborkg.server.limits import serve_arguments

    serve_arguments(p)
    _graph_options(p)
    add_ingest_parser(sub)
    add_crosscheck_parser(sub)
    return parser

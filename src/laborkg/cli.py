"""The ``laborkg`` command line.

Exit codes: 0 success; 1 the data does not conform (validate); 2 bad input or usage (a malformed
file, an unknown query or parameter); 3 an internal error (a bug); 130 interrupted.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from rdflib import Graph

# Reasoning, validation, export and the server are imported by the commands that use them.
from laborkg.arguments import EXPORT_FORMATS, build_parser  # noqa: F401 - EXPORT_FORMATS: cli's
from laborkg.errors import InputError, LaborKGError
from laborkg.ingest.cli import cmd_ingest
from laborkg.ingest.crosscheck_cli import cmd_crosscheck
from laborkg.query import catalogue as q
from laborkg.query import render
from laborkg.query.engine import memory_limit, prepare


def _load(args, for_validation: bool = False, progress=None) -> Graph:
    from laborkg.pipeline.load import input_files
    from laborkg.pipeline.reason import closure
    from laborkg.progress import say

    files = input_files(args.data)
    say(progress, f"loading and reasoning over {len(files)} files")
    return closure(files, use_cache=not args.no_cache, for_validation=for_validation)


def _named_inputs(items: list[str] | None, fmt: str | None, folder: Path, stdin) -> list[str] | None:
    """``items`` with ``-`` replaced by a file holding standard input, and, when ``fmt`` is given, every
    file named by a link whose suffix says ``fmt`` (laborkg reads a file's format from its suffix)."""
    from laborkg import formats

    if not items:
        return items
    suffix = formats.SUFFIX[fmt or "turtle"]
    out = []
    for n, item in enumerate(items):
        target = folder / f"{n}-{'stdin' if item == '-' else Path(item).stem}{suffix}"
        if item == "-":
            target.write_bytes(getattr(stdin, "buffer", stdin).read())
        elif fmt and Path(item).is_file():
            target.symlink_to(Path(item).resolve())
        else:
            out.append(item)
            continue
        out.append(str(target))
    return out


def _params(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise InputError(f"parameter {pair!r} is not NAME=VALUE")
        out[name.strip()] = value
    return out


def cmd_query(args, out) -> int:
    query = q.get(args.name)  # an unknown name fails before the graph is opened
    params = _params(args.param)
    for name in params:
        query.param(name)
    with open_store(args) as store, memory_limit(args.max_memory):
        answer = store.query(store.bind(args.name, params), timeout=args.timeout)
        labels = store.label_graph(answer) if args.format == "table" else None
    _write_answer(answer, labels, args, out, title=query.summary or query.name)
    return 0


def _progress(message: str) -> None:
    sys.stderr.write(f"laborkg: {message}\n")
    sys.stderr.flush()


def open_store(args):
    """The store a command reads: ``--endpoint URL``, ``--store DIR``, or the default store of the inputs
    (built into the cache the first time they are seen)."""
    if getattr(args, "endpoint", None):
        return _open_endpoint(args)
    if getattr(args, "store", None):
        from laborkg.backends.oxigraph import open_store as open_dir

        if args.data or args.no_cache:
            raise InputError("--store answers from the store as it was built: give --data to laborkg build")
        return open_dir(args.store)
    from laborkg.store.default import open_default

    return open_default(args.data, use_cache=not args.no_cache, progress=_progress)


def _open_endpoint(args):
    from laborkg.backends.remote import DEFAULT_GRAPH, EndpointStore

    if args.store or args.data or args.no_cache:
        raise InputError("--endpoint answers from the remote graph: not with --store, --data or --no-cache")
    graph = None if args.graph == "default" else args.graph or DEFAULT_GRAPH
    return EndpointStore(args.endpoint, graph)


def _write_answer(answer, graph, args, out, title: str | None = None) -> None:
    from laborkg import formats

    fmt = args.format
    if answer.kind == "graph":
        fmt = {None: "turtle", "table": "turtle", "xml": "rdfxml"}.get(fmt, fmt)
        if fmt == "rdfxml":
            out.write(answer.graph.serialize(format="xml"))
            return
        name = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}.get(fmt)
        if name is None:
            raise InputError(f"a graph answer is written as turtle, ntriples, jsonld or rdfxml, not {fmt}")
        out.write(render.graph_output(answer.graph, name))
        return
    fmt = fmt or "table"
    if fmt in formats.RDF:
        raise InputError(f"--format {fmt} is for CONSTRUCT and DESCRIBE; this query gives rows")
    if fmt == "table":
        if title:
            out.write(f"{title}\n\n")  # summaries exist in English only
        out.write(render.table(answer, graph, lang=args.lang))
        if answer.kind == "ask":
            out.write("\n")
    else:
        out.write(render.machine(answer, fmt))


def _query_text(args) -> str:
    given = [x for x in (args.query, args.file) if x is not None]
    if len(given) != 1:
        raise InputError("give the query as an argument, with -f FILE, or '-' to read standard input")
    if args.file == "-":
        return sys.stdin.read()
    if args.file is not None:
        try:
            return Path(args.file).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{args.file}: {exc.strerror or exc}") from None
    if args.query == "-":
        return sys.stdin.read()
    return args.query


def cmd_sparql(args, out) -> int:
    text = _query_text(args)
    allow = args.allow_service or ()
    prepare(text, allow_service=allow)  # refused or malformed before the graph is opened
    with open_store(args) as store, memory_limit(args.max_memory):
        answer = store.sparql(text, timeout=args.timeout, allow_service=allow)
        labels = store.label_graph(answer) if args.format in (None, "table") else None
    _write_answer(answer, labels, args, out)
    return 0


def cmd_export(args, out) -> int:
    from laborkg.pipeline.load import input_files, load
    from laborkg.pipeline.reason import closure
    from laborkg.publish import export

    if args.store:
        return _export_store(args, out)
    files = input_files(args.data)
    graph = closure(files, use_cache=not args.no_cache) if args.closure else load(files)
    text = export.serialize(
        graph,
        args.format,
        frame=args.frame,
        context=args.context,
        base_url=args.base_url,
        sparql_endpoint=args.sparql_endpoint,
    )
    export.write(text, args.output, stdout=out)
    return 0


def _export_store(args, out) -> int:
    from laborkg.backends.oxigraph import STORE_EXPORT_FORMATS, dump

    if args.closure is False:
        raise InputError(
            "a store holds the closure only: --asserted needs the files (export without --store)"
        )
    if args.frame:
        raise InputError("--frame needs the JSON-LD processor: export without --store")
    store_names = {"turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld"}
    if store_names.get(args.format) not in STORE_EXPORT_FORMATS:
        raise InputError(
            f"--format {args.format}: a store is exported as {', '.join(store_names)}; "
            "export without --store for the others"
        )
    fmt = store_names[args.format]
    with open_store(args) as store:
        if args.output in (None, "-"):
            stream = getattr(out, "buffer", None)
            if stream is None:  # a text stream (tests): write the bytes decoded
                out.write((dump(store, fmt, None) or b"").decode("utf-8"))
            else:
                out.flush()
                dump(store, fmt, stream)
                stream.flush()
            return 0
        from laborkg.atomic import atomic_writer

        target = Path(args.output)
        if target.is_dir():
            raise InputError(f"{target}: is a directory; give a file name")
        try:
            with atomic_writer(target) as fh:
                dump(store, fmt, fh)
        except OSError as exc:
            raise InputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    return 0


def cmd_link(args, out) -> int:
    from laborkg.pipeline import sssom
    from laborkg.publish import (
        export,
        link,  # export registers the laborkg-turtle writer
    )

    graph = _load(args)
    mappings = sssom.load_mappings(graph=graph)
    report = link.link_report(graph, mappings)
    if args.output:
        export.write(
            sssom.mapping_graph(mappings).serialize(format="laborkg-turtle"), args.output, stdout=out
        )
        if args.output == "-":
            out = sys.stderr  # the triples on standard output, the report apart
    if args.format == "json":
        counts = report.counts()
        out.write(
            json.dumps(
                {
                    "counts": counts,
                    "linked": [
                        {
                            "entity": str(e.entity),
                            "kind": e.kind,
                            "label": e.label,
                            "targets": [str(t.object) for t in e.targets],
                        }
                        for e in report.linked
                    ],
                    "unlinked": [
                        {"entity": str(e.entity), "kind": e.kind, "label": e.label} for e in report.unlinked
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
    else:
        out.write(report.text() + "\n")
    return 0


def cmd_docs(args, out) -> int:
    from laborkg.publish.docs import write_docs

    index = write_docs(Path(args.output))
    out.write(f"wrote {index}\n")
    return 0


def cmd_queries(args, out) -> int:
    cat = q.catalogue()
    if args.format == "json":
        data = q.catalogue_json()
        out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return 0
    if args.format == "markdown":
        out.write(markdown_catalogue(cat))
        return 0
    width = max(len(n) for n in cat) if cat else 0
    for x in cat.values():
        out.write(f"{x.name.ljust(width)}  {x.summary}\n")
        for p in x.params:
            default = "required" if p.required else (f"default {p.default}" if p.default else "optional")
            out.write(f"{' ' * width}    -p {p.name}=<{p.type}>  ({default}) {p.description}\n")
    return 0


def _param_summary(p: q.Param) -> str:
    extra = f", default {p.default}" if p.default else (", required" if p.required else "")
    return f"`{p.name}` ({p.type}{extra})"


def markdown_catalogue(cat: dict[str, q.PackagedQuery]) -> str:
    """The README's table of packaged queries, generated from the query headers."""
    lines = ["| query | answers | parameters |", "|---|---|---|"]
    for x in cat.values():
        params = "<br>".join(_param_summary(p) for p in x.params) or "–"
        lines.append(f"| `{x.name}` | {x.summary} | {params} |")
    return "\n".join(lines) + "\n"


def cmd_validate(args, out) -> int:
    from laborkg.pipeline.validate import validate

    # progress on a terminal only (as git does): an error stays the one line scripts read
    progress = _progress if args.format == "text" and sys.stderr.isatty() else None
    graph = _load(args, for_validation=True, progress=progress)
    if progress:
        progress(f"validating {len(graph)} triples (SHACL shapes, violation queries, quotes)")
    report = validate(graph)
    if args.format == "json":
        out.write(
            json.dumps(
                {"conforms": report.conforms, "violations": [vars(v) for v in sorted(report.violations)]},
                indent=2,
            )
            + "\n"
        )
    else:
        out.write(report.text(shorten=render.Labeller(graph).short) + "\n")
    return 0 if report.conforms else 1


def cmd_build(args, out) -> int:
    from laborkg.store.build import NotConforming, build

    def progress(message: str) -> None:
        sys.stderr.write(f"laborkg: {message}\n")

    try:
        manifest = build(
            args.store,
            data=args.data,
            use_cache=not args.no_cache,
            reasoner=args.reasoner,
            progress=progress if args.format == "text" else None,
        )
    except NotConforming as exc:
        out.write(exc.report.text(shorten=render.Labeller(Graph()).short) + "\n")
        raise
    if args.format == "json":
        out.write(json.dumps(manifest, indent=2) + "\n")
    else:
        files, reasoner = len(manifest["inputs"]["files"]), manifest["reasoner"]
        out.write(
            f"built {args.store}: {manifest['triples']} triples from {files} files "
            f"(reasoner {reasoner['name']} {reasoner['version']}); the data conforms\n"
        )
    return 0


def cmd_add(args, out) -> int:
    from laborkg.store.build import NotConforming
    from laborkg.store.incremental import add

    try:
        done = add(args.store, args.files, progress=_progress)
    except NotConforming as exc:
        out.write(exc.report.text(shorten=render.Labeller(Graph()).short) + "\n")
        raise
    how = f"rebuilt ({done['rebuilt']})" if done["rebuilt"] else "validated with its neighbourhood"
    out.write(
        f"added {', '.join(args.files)} to {args.store}: {done['triples_added']} new triples, "
        f"{done['manifest']['triples']} in all; {how}; the data conforms\n"
    )
    return 0


def cmd_stats(args, out) -> int:
    from laborkg.publish.stats import compute as compute_stats

    graph = _load(args)
    s = compute_stats(graph)
    short = render.Labeller(graph).short
    if args.format == "json":
        out.write(
            json.dumps(
                {
                    "triples": s.triples,
                    "named_entities": s.entities,
                    "facts": s.facts,
                    "passages": s.passages,
                    "by_class": {short(c): n for c, n in s.by_class},
                    "by_source": [
                        {"file": f, "named_entities": e, "facts": fa, "passages": p}
                        for f, e, fa, p in s.by_source
                    ],
                },
                indent=2,
            )
            + "\n"
        )
        return 0
    out.write(
        f"{s.entities} named entities, {s.facts} facts, {s.passages} source passages, "
        f"{s.triples} triples after reasoning\n\n"
    )
    out.write("By class (most specific):\n")
    w = max((len(short(c)) for c, _ in s.by_class), default=5)
    for c, n in s.by_class:
        out.write(f"  {short(c).ljust(w)}  {n:>5}\n")
    out.write("\nBy source document:\n")
    out.write(f"  {'file'.ljust(26)}  {'entities':>8}  {'facts':>5}  {'passages':>8}\n")
    for f, e, fa, p in s.by_source:
        out.write(f"  {f.ljust(26)}  {e:>8}  {fa:>5}  {p:>8}\n")
    return 0


def cmd_push(args, out) -> int:
    import os

    from laborkg.backends.protocol import PASSWORD_ENV, USER_ENV
    from laborkg.backends.remote import ASSERTED_GRAPH, DEFAULT_GRAPH
    from laborkg.pipeline.load import input_files, load
    from laborkg.pipeline.reason import closure
    from laborkg.publish.push import push

    if args.password and not args.user and not os.environ.get(USER_ENV):
        raise InputError(f"--password without --user (or {USER_ENV})")
    if args.user and args.password is None and os.environ.get(PASSWORD_ENV) is None:
        raise InputError(f"--user without --password (or {PASSWORD_ENV})")
    target = args.graph or (DEFAULT_GRAPH if args.closure else ASSERTED_GRAPH)
    files = input_files(args.data)
    graph = closure(files, use_cache=not args.no_cache) if args.closure else load(files)
    summary = push(
        args.endpoint,
        graph,
        target,
        gsp=args.gsp,
        update=args.update,
        replace=args.replace,
        user=args.user,
        password=args.password,
        timeout=args.timeout or None,
        progress=_progress,
    )
    if args.format == "json":
        out.write(json.dumps(summary, indent=2) + "\n")
    else:
        out.write(
            f"pushed {summary['triples']} triples to <{summary['graph']}> at {summary['endpoint']} "
            f"({summary['method']}, {summary['seconds']:.1f} s"
            + (f"; replaced {summary['replaced']} triples" if summary["replaced"] else "")
            + ")\n"
        )
    return 0


def cmd_serve(args, out) -> int:
    from laborkg.server.app import serve

    return serve(open_store(args), args, out)


COMMANDS = {
    "serve": cmd_serve,
    "query": cmd_query,
    "sparql": cmd_sparql,
    "export": cmd_export,
    "link": cmd_link,
    "docs": cmd_docs,
    "queries": cmd_queries,
    "validate": cmd_validate,
    "stats": cmd_stats,
    "build": cmd_build,
    "push": cmd_push,
    "add": cmd_add,
    "ingest": cmd_ingest,
    "crosscheck": cmd_crosscheck,
}


def main(argv: Sequence[str] | None = None, out=None, err=None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed its usage message
        return int(exc.code or 0)
    import tempfile

    try:
        with tempfile.TemporaryDirectory(prefix="laborkg-input-") as folder:
            fmt = getattr(args, "input_format", None)
            for name in ("data", "files"):
                if getattr(args, name, None):
                    setattr(args, name, _named_inputs(getattr(args, name), fmt, Path(folder), sys.stdin))
            return COMMANDS[args.command](args, out)
    except LaborKGError as exc:
        err.write(f"laborkg: error: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        err.write("laborkg: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: one line, not a traceback
        err.write(f"laborkg: internal error: {type(exc).__name__}: {exc}\n")
        return 3


if __name__ == "__main__":
    sys.exit(main())

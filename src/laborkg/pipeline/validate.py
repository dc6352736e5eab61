"""Validate a closure with the SHACL shapes, the violation queries and the verbatim-quote check, into a
typed report."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.query import ResultRow

from laborkg import paths
from laborkg.namespace import LKG, PREFIXES, SH, sparql_prologue
from laborkg.pipeline.load import load
from laborkg.pipeline.rules import fits_datatype


@dataclass(frozen=True, order=True)
class Violation:
    """One reason the data does not conform."""

    focus: str
    path: str | None
    component: str
    shape: str | None
    value: str | None = None
    message: str = ""
    severity: str = "Violation"


def violation_key(v: Violation) -> tuple:
    """Sort key: fields that may be None (path, shape, value) sort first instead of raising."""
    return tuple("" if x is None else x for x in vars(v).values())


@dataclass
class ValidationReport:
    violations: list[Violation] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.violations

    def text(self, shorten=None) -> str:
        """A report for people: one block per violation, sorted by focus node."""

        def short(x: str) -> str:
            return shorten(x) if shorten and x.startswith("http") else x

        if self.conforms:
            return "Conforms: no violations."
        lines = [f"Does not conform: {len(self.violations)} violation(s)."]
        for v in sorted(self.violations, key=violation_key):
            where = short(v.focus) + (f"  {short(v.path)}" if v.path else "")
            lines.append(f"- {v.severity}: {where}")
            if v.message:
                lines.append(f"    {v.message}")
            if v.value is not None:
                lines.append(f"    value: {short(v.value)}")
            lines.append(f"    ({short(v.component)}; shape {short(v.shape) if v.shape else '-'})")
        return "\n".join(lines)


def shapes_graph(files: list[Path] | None = None) -> Graph:
    return load(files if files is not None else paths.shape_files())


def _path_text(graph: Graph, node) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return str(node)
    return node.n3()  # a complex SHACL path is a blank-node structure; show it as is


def shacl_violations(
    closure: Graph, shapes: Graph, focus_nodes: list[URIRef] | None = None
) -> list[Violation]:
    """pySHACL's results as violations; ``focus_nodes``: validate only these nodes (IRIs) among the
    shapes' targets (incremental validation, :mod:`laborkg.store.incremental`)."""
    nodes: list[str | URIRef] | None = list(focus_nodes) if focus_nodes else None
    _conforms, results, _text = shacl_validate(
        closure,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        focus_nodes=nodes,
    )
    out = []
    # Only the report's own results: nested sh:detail results repeat them from inside sh:node shapes.
    top = [
        r for rep in results.subjects(RDF.type, SH.ValidationReport) for r in results.objects(rep, SH.result)
    ]
    for result in top:
        value = results.value(result, SH.value)
        shape = results.value(result, SH.sourceShape)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        out.append(
            Violation(
                focus=str(results.value(result, SH.focusNode)),
                path=_path_text(results, results.value(result, SH.resultPath)),
                component=str(results.value(result, SH.sourceConstraintComponent)),
                shape=str(shape) if isinstance(shape, URIRef) else None,
                value=None if value is None else str(value),
                message=messages[0] if messages else "",
                severity=str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            )
        )
    return out


def check_files() -> list[Path]:
    """The violation queries, ``queries/checks/*-violation.rq``: every row they return is a violation."""
    return sorted(paths.CHECKS_DIR.glob("*-violation.rq"))


def check_violation(row: dict, check: Path) -> Violation:
    """One row of the violation query ``check`` (variable name → rdflib term, unbound ones left out)."""
    return Violation(
        focus=str(row.get("focus", "")),
        path=str(row["path"]) if row.get("path") is not None else None,
        component=f"check:{check.stem}",
        shape=None,
        value=str(row["value"]) if row.get("value") is not None else None,
        message=str(row.get("message", "")),
    )


def check_violations(closure: Graph, files: list[Path]) -> list[Violation]:
    """The rows of the violation queries ``files`` run on ``closure`` (rdflib), as violations."""
    out = []
    for f in files:
        for row in closure.query(sparql_prologue() + f.read_text(encoding="utf-8")):
            out.append(check_violation(cast(ResultRow, row).asdict(), f))
    return out


def quote_violations(graph: Graph, seeds_dir: Path | None = None) -> list[Violation]:
    """Passages whose quote is not found character for character in the seed they cite."""
    seeds_dir = seeds_dir or paths.SEEDS_DIR
    texts: dict[str, str | None] = {}
    out = []
    for passage in graph.subjects(RDF.type, LKG.SourcePassage):
        doc = graph.value(passage, LKG.inDocument)
        fname = graph.value(doc, LKG.fileName) if doc is not None else None
        quote = graph.value(passage, LKG.quote)
        if fname is None or quote is None:
            continue  # the shapes report missing documents and quotes
        if str(fname).endswith(".pdf"):
            continue  # a report's page text: checked when read (laborkg.ingest.report_facts, issue 16)
        if str(fname) not in texts:
            f = seeds_dir / str(fname)
            texts[str(fname)] = f.read_text(encoding="utf-8") if f.is_file() else None
        text = texts[str(fname)]
        offset = graph.value(passage, LKG.charOffset)
        if text is None:
            problem = f"cites seeds/{fname}, which does not exist"
        elif str(quote) not in text:
            problem = f"quote is not verbatim in seeds/{fname}"
        elif (
            isinstance(offset, Literal)
            and offset.datatype == XSD.integer
            and int(offset) >= 0
            and text[int(offset) : int(offset) + len(str(quote))] != str(quote)
        ):
            problem = f"quote is in seeds/{fname} but not at offset {offset}"
        else:
            continue
        out.append(
            Violation(
                focus=str(passage),
                path=str(LKG.quote),
                component="check:quote-verbatim",
                shape=None,
                value=str(quote)[:200],
                message=problem,
            )
        )
    return out


def ill_typed_violations(
    graph: Graph, reported: AbstractSet[tuple[str, str]] = frozenset()
) -> list[Violation]:
    """The literals of ``graph`` whose lexical form does not fit their datatype (``"2025-13-45"^^
    xsd:date``), as violations: owlrl, the reasoner laborkg falls back to, finds them inconsistent.
    ``reported``: (focus, value) pairs a shape already reports, left out."""
    out = []
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype is not None and (str(s), str(o)) not in reported:
            if fits_datatype(o):
                continue
            shown = str(o) if len(str(o)) <= 80 else str(o)[:77] + "..."
            out.append(
                Violation(
                    focus=str(s),
                    path=str(p),
                    component="laborkg:IllTypedLiteral",
                    shape=None,
                    value=f'"{shown}"^^<{o.datatype}>',
                    message=f"the value is not a valid {_xsd(o.datatype)}: write it in that datatype's form",
                )
            )
    return sorted(set(out), key=violation_key)


def _xsd(datatype: URIRef) -> str:
    return "xsd:" + datatype[len(str(XSD)) :] if datatype.startswith(str(XSD)) else datatype.n3()


def validate(
    closure: Graph, shapes: Graph | None = None, checks: list[Path] | None = None
) -> ValidationReport:
    """Validate a closure with the shapes, the violation queries and the verbatim-quote check."""
    shapes = shapes if shapes is not None else shapes_graph()
    checks = checks if checks is not None else check_files()
    shacl = shacl_violations(closure, shapes)
    reported = {(v.focus, v.value) for v in shacl if v.value is not None}
    return ValidationReport(
        shacl
        + check_violations(closure, checks)
        + quote_violations(closure)
        + ill_typed_violations(closure, reported)
    )


__all__ = [
    "Violation",
    "ValidationReport",
    "validate",
    "shapes_graph",
    "check_files",
    "check_violation",
    "check_violations",
    "ill_typed_violations",
    "quote_violations",
    "shacl_violations",
    "violation_key",
    "PREFIXES",
]

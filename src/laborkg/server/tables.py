"""The server's JSON documents besides SPARQL's: labelled tables (``application/vnd.laborkg.table+json``,
the web view's: labels in one language, source passages as numbered notes) and the query catalogue."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable
from typing import Any

from rdflib import BNode, Graph, URIRef

from laborkg.namespace import LKC, LKG, LKR
from laborkg.query import render
from laborkg.query.catalogue import PackagedQuery, query_json
from laborkg.query.engine import Answer

LOCAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~/-]{0,300}")
"""What may follow /id/ or /code/ (the local part of one of the graph's own IRIs)."""


def entity_href(iri: str) -> str | None:
    """The server path that dereferences ``iri``, when it is one of the graph's own."""
    for ns, path in ((LKR, "/id/"), (LKC, "/code/")):
        if iri.startswith(str(ns)):
            local = iri[len(str(ns)) :]
            if LOCAL.fullmatch(local):
                return path + urllib.parse.quote(local, safe="/-._~")
    return None


def cell(node, lab: render.Labeller) -> dict | None:
    """One term of a row as a table cell: its exact value, its text in the labeller's language, a link."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        out = {"type": "uri", "value": str(node), "text": lab.term(node)}
        href = entity_href(str(node))
        if href:
            out["href"] = href
        return out
    if isinstance(node, BNode):
        return {"type": "bnode", "value": str(node), "text": "_:" + str(node)}
    out = {"type": "literal", "value": str(node), "text": lab.literal(node)}
    if node.language:
        out["xml:lang"] = node.language
    elif node.datatype:
        out["datatype"] = str(node.datatype)
    return out


def passage_note(graph: Graph, iri: URIRef) -> dict:
    """A source passage: its quote, seed file and link."""
    doc = graph.value(iri, LKG.inDocument)
    fname = graph.value(doc, LKG.fileName) if doc is not None else None
    quote = graph.value(iri, LKG.quote)
    note = {"iri": str(iri), "quote": None if quote is None else str(quote)}
    path = graph.value(iri, LKG.elementPath)
    if fname is not None and path is not None:  # a value of a USDOL findings file: file and element path
        note["file"] = f"{fname}, {path}"
    else:
        note["file"] = None if fname is None else f"seeds/{fname}"
    href = entity_href(str(iri))
    if href:
        note["href"] = href
    return note


def table_json(answer: Answer, graph: Graph, lang: str = "en", title: str | None = None) -> dict:
    """Rows with labels in ``lang``, formatted values (a figure with its qualifier's sign: "> 30,000"), and
    source passages as numbered notes (quote, seed file). Each cell keeps the exact term too (``value``,
    ``datatype``). ``graph`` holds the labels
    and passages (:meth:`~laborkg.backends.base.Store.label_graph`)."""
    lab = render.Labeller(graph, lang)
    doc: dict[str, Any] = {"kind": answer.kind, "lang": lang}
    if title:
        doc["title"] = title
    if answer.kind == "ask":
        doc["boolean"] = bool(answer.boolean)
        return doc
    notes: dict[str, int] = {}
    rows = []
    bounds = render.qualified_columns(answer.vars)
    for row in answer.rows:
        cells: list[dict | None] = []
        for node in row:
            refs = render.cite(node, notes)
            if refs:
                cells.append({"type": "sources", "value": str(node), "notes": refs})
            else:
                cells.append(cell(node, lab))
        for figure, qualifier in bounds.items():
            shown = cells[figure]
            if shown is not None and "text" in shown:
                shown["text"] = render.qualify(shown["text"], row[qualifier], lab)
        rows.append(cells)
    doc["vars"] = list(answer.vars)
    doc["rows"] = rows
    doc["notes"] = [{"n": n, **passage_note(graph, URIRef(iri))} for n, iri in enumerate(notes, 1)]
    return doc


def catalogue_json(queries: Iterable[PackagedQuery]) -> list[dict]:
    """/queries as JSON: each packaged query with its parameters, examples, text and link."""
    return [{**query_json(x), "href": f"/queries/{x.name}", "text": x.text} for x in queries]

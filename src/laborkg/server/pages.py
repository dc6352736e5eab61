"""The server's HTML: the page shell (head, navigation, language switch), tables, the packaged-query
catalogue and the entity page. Every function here renders what it is given; none reads the graph."""

from __future__ import annotations

import html
import urllib.parse
from collections.abc import Iterable

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from laborkg.namespace import LKG
from laborkg.query import render
from laborkg.query.catalogue import PackagedQuery
from laborkg.query.engine import Answer
from laborkg.server.tables import cell, entity_href, passage_note, table_json

NAV = (
    ("/", "Query"),
    ("/queries", "Packaged queries"),
    ("/timeline", "Timeline"),
    ("/graph", "Funding graph"),
    ("/stats", "Enforcement 2021–2022"),
    ("/countries", "Countries"),
    ("/compare", "Compare countries"),
)
LINK_OUT = {
    "www.wikidata.org": "Wikidata",
    "normlex.ilo.org": "ILO NORMLEX",
    "www.ilo.org": "ILO",
    "iatistandard.org": "IATI",
    "www.iso.org": "ISO",
    "publications.europa.eu": "EU Publications Office",
}
"""Hosts an entity links out to, by the name the entity page gives them."""


def esc(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def shell(
    title: str, body: str, lang: str = "en", page: str = "", here: str = "", doc_lang: str = "en"
) -> str:
    """A page of the web view: the same head, navigation and language switch as the static pages.
    ``lang`` is the language of labels; ``doc_lang`` that of the page's own text (``<html lang>``)."""
    links = "".join(
        f'<a href="{path}"{" aria-current=page" if path == here else ""}>{esc(name)}</a>'
        for path, name in NAV
    )
    switch = "".join(
        f'<a href="?labels={code}" class="lang{" on" if code == lang else ""}" data-lang="{code}">{code}</a>'
        for code in ("en", "es")
    )
    return (
        "<!doctype html>\n"
        f'<html lang="{esc(doc_lang)}"><head><meta charset="utf-8"><title>{esc(title)} · laborkg</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
        '<link rel="stylesheet" href="/static/style.css"></head>'
        f'<body data-page="{esc(page)}"><header class="top"><a class="brand" href="/">laborkg</a>'
        f'<nav>{links}</nav><span class="langs">labels: {switch}</span></header>'
        f'<main>{body}</main><script src="/static/common.js"></script></body></html>\n'
    )


def error_page(status: int, code: str, message: str) -> str:
    return shell(f"{status} {code}", f'<h1>{status} {esc(code)}</h1><p class="error">{esc(message)}</p>')


def table_html(doc: dict) -> str:
    """A labelled table (from :func:`~laborkg.server.tables.table_json`) as HTML, with its notes."""
    if doc["kind"] == "ask":
        return f'<p class="ask">{"yes" if doc["boolean"] else "no"}</p>'
    out = ['<div class="scroll"><table class="results"><thead><tr>']
    out += [f"<th>{esc(v)}</th>" for v in doc["vars"]]
    out.append("</tr></thead><tbody>")
    for row in doc["rows"]:
        out.append("<tr>")
        for c in row:
            out.append(f"<td>{cell_html(c)}</td>")
        out.append("</tr>")
    out.append(f'</tbody></table></div><p class="count">{len(doc["rows"])} row(s)</p>')
    if doc["notes"]:
        out.append('<ol class="notes">')
        for note in doc["notes"]:
            out.append(f'<li id="note-{note["n"]}">{note_html(note)}</li>')
        out.append("</ol>")
    return "".join(out)


def cell_html(c: dict | None) -> str:
    if c is None:
        return ""
    if c["type"] == "sources":
        return " ".join(f'<a class="ref" href="#note-{n}">[{n}]</a>' for n in c["notes"])
    if c.get("href"):
        return f'<a href="{esc(c["href"])}" title="{esc(c["value"])}">{esc(c["text"])}</a>'
    if c["type"] == "uri":
        return f'<span title="{esc(c["value"])}">{esc(c["text"])}</span>'
    return esc(c["text"])


def note_html(note: dict) -> str:
    file = f'<span class="seed">{esc(note["file"])}</span> ' if note.get("file") else ""
    quote = f"<q>{esc(note['quote'])}</q>" if note.get("quote") else esc(note["iri"])
    link = f' <a href="{esc(note["href"])}">passage</a>' if note.get("href") else ""
    return f"{file}{quote}{link}"


def answer_page(
    answer: Answer, labels: Graph | None, lang: str, title: str, query_text: str | None = None
) -> str:
    """An answer as a page: a labelled table (``labels``: the store's label graph), or a graph as Turtle."""
    if answer.kind == "graph":
        graph = answer.graph if answer.graph is not None else Graph()
        content = f'<pre class="turtle">{esc(render.graph_output(graph, "turtle"))}</pre>'
    else:
        content = table_html(table_json(answer, labels if labels is not None else Graph(), lang, title))
    shown = f"<details><summary>query</summary><pre>{esc(query_text)}</pre></details>" if query_text else ""
    return shell(title, f"<h1>{esc(title)}</h1>{shown}{content}", lang)


def catalogue_page(queries: Iterable[PackagedQuery]) -> str:
    """/queries as HTML: each packaged query with its parameters and links to its results."""
    queries = list(queries)
    items = []
    for x in queries:
        ps = "".join(
            f"<li><code>{esc(p.name)}</code> ({esc(p.type)}"
            f"{', required' if p.required else (', default ' + esc(p.default) if p.default else '')}) "
            f"{esc(p.description)}</li>"
            for p in x.params
        )
        items.append(
            f'<li class="query" id="{esc(x.name)}">'
            f'<h2><a href="/?name={esc(x.name)}">{esc(x.name)}</a></h2>'
            f"<p>{esc(x.summary)}</p>{'<ul class=params>' + ps + '</ul>' if ps else ''}"
            f'<p><a href="/queries/{esc(x.name)}?format=html">results</a> · '
            f'<a href="/queries/{esc(x.name)}?format=json">SPARQL JSON</a></p></li>'
        )
    return shell(
        "Packaged queries",
        f"<h1>Packaged queries</h1><p>{len(queries)} queries. Parameters are bound by the SPARQL engine.</p>"
        f'<ul class="catalogue">{"".join(items)}</ul>',
        here="/queries",
    )


# ---------------------------------------------------------------------------------------------
# The entity page


def entity_page(iri: URIRef, graph: Graph, statements: Answer, sources: Answer, lang: str) -> str:
    """The page of ``iri``: labels, kinds, quote, links out, statements and sources. ``graph`` holds the
    entity's triples (``describe``) and the labels and passages that ``statements`` (the describe-entity
    query) and ``sources`` (entity-sources) refer to."""
    lab = render.Labeller(graph, lang)
    labels: dict[str, str] = {}
    for lit in graph.objects(iri, RDFS.label):
        labels.setdefault(getattr(lit, "language", None) or "", str(lit))
    title = lab.term(iri)
    parts = [f'<h1 class="entity">{esc(title)}</h1>', f'<p class="iri"><code>{esc(iri)}</code></p>']
    rows = []
    for code, name in (("en", "English"), ("es", "Spanish")):
        if code in labels:
            rows.append(
                f"<tr><th>{name} label</th>"
                f'<td lang="{code}" class="label-{code}">{esc(labels[code])}</td></tr>'
            )
    alts = sorted({str(a) for a in graph.objects(iri, SKOS.altLabel)})
    if alts:
        rows.append(f"<tr><th>also called</th><td>{esc('; '.join(alts))}</td></tr>")
    kinds = sorted(  # the narrowest classes, as describe-entity gives them
        lab.term(value)
        for direction, prop, value in statements.rows
        if str(direction) == "→" and prop == RDF.type
    )
    if kinds:
        rows.append(f"<tr><th>kinds</th><td>{esc(', '.join(kinds))}</td></tr>")
    quote = graph.value(iri, LKG.quote)
    if quote is not None:
        note = passage_note(graph, iri)
        rows.append(
            f'<tr><th>quote</th><td><blockquote class="quote">{esc(quote)}</blockquote>'
            f'<span class="seed">{esc(note["file"])}</span></td></tr>'
        )
    findings = findings_href(graph, iri, lang)
    if findings:
        rows.append(
            f'<tr><th>USDOL findings</th><td><a class="findings" href="{esc(findings)}">'
            "profile, figures and sources year by year</a></td></tr>"
        )
    links = _links_out(graph, iri)
    if links:
        rows.append(f'<tr><th>elsewhere</th><td><ul class="links">{"".join(links)}</ul></td></tr>')
    parts.append(f'<table class="facts summary">{"".join(rows)}</table>')
    parts += _statements(table_json(statements, graph, lang))
    parts += _sources(iri, sources, lab)
    fmt_links = " · ".join(
        f'<a href="?format={f}">{name}</a>'
        for f, name in (("turtle", "Turtle"), ("json-ld", "JSON-LD"), ("nt", "N-Triples"))
    )
    parts.append(f'<p class="formats">This entity as {fmt_links}</p>')
    return shell(title, "".join(parts), lang, page="entity")


def findings_href(graph: Graph, iri: URIRef, lang: str = "en") -> str | None:
    """The country page of ``iri`` (``/country/LOCAL``) when the graph has a findings profile of it."""
    href = entity_href(str(iri))
    if not href or not href.startswith("/id/") or graph.value(None, LKG.profileOf, iri) is None:
        return None
    return "/country/" + href[len("/id/") :] + (f"?labels={lang}" if lang != "en" else "")


def linkable(iri: str) -> bool:
    """True for an IRI a page may link to: http or https, with a host (never ``javascript:``, ``data:``)."""
    parts = urllib.parse.urlsplit(iri.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and iri == iri.strip()


def _links_out(graph: Graph, iri: URIRef) -> list[str]:
    links = []
    for prop in (SKOS.exactMatch, SKOS.closeMatch):
        for target in sorted(str(t) for t in graph.objects(iri, prop) if isinstance(t, URIRef)):
            host = urllib.parse.urlsplit(target).hostname or ""
            where = LINK_OUT.get(host, host)
            kind = "exact match" if prop == SKOS.exactMatch else "close match"
            if not linkable(target):  # javascript:, data:, file:… shown, never followed
                links.append(f"<li>{esc(target)} <small>({kind})</small></li>")
                continue
            links.append(
                f'<li><a class="out" rel="noopener noreferrer" href="{esc(target)}">{esc(where)}: '
                f"{esc(target)}</a> <small>({kind})</small></li>"
            )
    return links


def _statements(statements: dict) -> list[str]:
    if not statements["rows"]:
        return []
    parts = ["<h2>Statements</h2>", '<table class="results statements"><tbody>']
    for direction, prop, value in statements["rows"]:
        if prop and prop["value"] == str(LKG.source):
            continue  # the entity's own passages are quoted under Sources
        arrow = direction["text"] if direction else ""
        parts.append(
            f'<tr><td class="dir">{esc(arrow)}</td><td>{cell_html(prop)}</td><td>{cell_html(value)}</td></tr>'
        )
    parts.append("</tbody></table>")
    return parts


def _sources(iri: URIRef, sources: Answer, lab: render.Labeller) -> list[str]:
    if not sources.rows:
        return []
    parts = ["<h2>Sources</h2><p>Every passage that states this entity or a fact about it.</p>"]
    parts.append('<ul class="sources">')
    by_fact: dict = {iri: []}  # the entity's own passages first, then each fact's, once each
    for cited_by, file, quote_text, passage in sources.rows:
        entry = (file, quote_text, passage)
        if entry not in by_fact.setdefault(cited_by, []):
            by_fact[cited_by].append(entry)
    for cited_by, passages in by_fact.items():
        if not passages:
            continue
        who = "this entity" if cited_by == iri else cell_html(cell(cited_by, lab))
        parts.append(f'<li class="fact"><div class="cited">{who}</div>')
        for file, quote_text, passage in passages:
            href = entity_href(str(passage))
            link = f' <a href="{esc(href)}">passage</a>' if href else ""
            parts.append(
                f'<blockquote class="quote">{esc(quote_text)}</blockquote>'
                f'<div class="seed">seeds/{esc(file)}{link}</div>'
            )
        parts.append("</li>")
    parts.append("</ul>")
    return parts

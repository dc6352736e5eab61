"""The server's HTML: the page shell (head, navigation, language switch), tables, the packaged-query
catalogue and the entity page. Every function here renders what it is given; none reads the graph."""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from laborkg.namespace import LKG
from laborkg.query import render
from laborkg.query.catalogue import PackagedQuery
from laborkg.query.engine import Answer
from laborkg.server.tables import cell, entity_href, passage_note, table_json

NAV = (
    ("/", "home"),
    ("/query", "query"),
    ("/queries", "packaged"),
    ("/timeline", "timeline"),
    ("/graph", "graph"),
    ("/stats", "stats"),
    ("/countries", "countries"),
    ("/compare", "compare"),
)
UI = {
    "en": {
        "home": "Home",
        "query": "Query",
        "packaged": "Packaged queries",
        "timeline": "Timeline",
        "graph": "Funding graph",
        "stats": "Enforcement 2021–2022",
        "countries": "Countries",
        "compare": "Compare countries",
        "language": "language:",
        "file": "file",
        "English label": "English label",
        "Spanish label": "Spanish label",
        "also called": "also called",
        "kinds": "kinds",
        "quote": "quote",
        "USDOL findings": "USDOL findings",
        "findings-link": "profile, figures and sources year by year",
        "elsewhere": "elsewhere",
        "exact match": "exact match",
        "close match": "close match",
        "statements": "Statements",
        "statements-lead": "What the graph states about this entity, by topic; each statement with the "
        "source passage that supports it.",
        "own-sources": "Sources of this entity",
        "this": "this",
        "source": "source",
        "passage": "passage",
        "more-passages": "{n} more passage(s)",
        "cites": "cites",
        "inferred": "inferred",
        "inferred-h": "Inferred statements ({n})",
        "inferred-lead": "Derived by the ontology's axioms from the statements above (the same relation read "
        "the other way, owl:inverseOf; or a broader property, rdfs:subPropertyOf).",
        "inverse-of": "the inverse of “{p}”",
        "broader-than": "broader than “{p}”",
        "as": "This entity as",
        "group:names": "Names and description",
        "group:organisation": "Organisation",
        "group:funding": "Funding and programs",
        "group:events": "Events and actions",
        "group:findings": "Findings, claims and figures",
        "group:other": "Other relations",
        "queries-title": "Packaged queries",
        "queries-lead": "{n} queries. Parameters are bound by the SPARQL engine.",
        "results": "results",
        "required": "required",
        "default": "default",
        "rows": "{n} row(s)",
        "yes": "yes",
        "no": "no",
        "query-shown": "query",
        "kind:news article": "news article",
    },
    "es": {
        "home": "Inicio",
        "query": "Consulta",
        "packaged": "Consultas preparadas",
        "timeline": "Cronología",
        "graph": "Grafo de financiamiento",
        "stats": "Aplicación de la ley 2021–2022",
        "countries": "Países",
        "compare": "Comparar países",
        "language": "idioma:",
        "file": "archivo",
        "English label": "nombre en inglés",
        "Spanish label": "nombre en español",
        "also called": "también llamado",
        "kinds": "tipos",
        "quote": "cita",
        "USDOL findings": "hallazgos del USDOL",
        "findings-link": "perfil, cifras y fuentes año por año",
        "elsewhere": "en otros sitios",
        "exact match": "equivalente exacto",
        "close match": "equivalente cercano",
        "statements": "Afirmaciones",
        "statements-lead": "Lo que el grafo afirma de esta entidad, por tema; cada afirmación con el pasaje "
        "de la fuente que la respalda.",
        "own-sources": "Fuentes de esta entidad",
        "this": "esta entidad",
        "source": "fuente",
        "passage": "pasaje",
        "more-passages": "{n} pasaje(s) más",
        "cites": "cita",
        "inferred": "inferida",
        "inferred-h": "Afirmaciones inferidas ({n})",
        "inferred-lead": "Derivadas por los axiomas de la ontología de las afirmaciones de arriba (la misma "
        "relación leída al revés, owl:inverseOf, o una propiedad más amplia, rdfs:subPropertyOf).",
        "inverse-of": "la inversa de «{p}»",
        "broader-than": "más amplia que «{p}»",
        "as": "Esta entidad en",
        "group:names": "Nombres y descripción",
        "group:organisation": "Organización",
        "group:funding": "Financiamiento y programas",
        "group:events": "Eventos y acciones",
        "group:findings": "Hallazgos, afirmaciones y cifras",
        "group:other": "Otras relaciones",
        "queries-title": "Consultas preparadas",
        "queries-lead": "{n} consultas. El motor SPARQL vincula los parámetros.",
        "results": "resultados",
        "required": "obligatorio",
        "default": "por omisión",
        "rows": "{n} fila(s)",
        "yes": "sí",
        "no": "no",
        "query-shown": "consulta",
        "kind:news article": "artículo de prensa",
        "kind:government report": "informe de gobierno",
        "kind:article": "artículo",
        "kind:government fact sheet": "hoja informativa de gobierno",
    },
}
"""The interface's own words, in English and Spanish (the findings pages have theirs in findings.py)."""


def ui(lang: str, key: str, default: str | None = None, **values) -> str:
    """An interface string in ``lang`` (English when Spanish lacks it; ``default`` when neither has it)."""
    fallback = default if default is not None else key
    template = UI.get(lang, UI["en"]).get(key) or UI["en"].get(key) or fallback
    return template.format(**values) if values else template


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
    title: str, body: str, lang: str = "en", page: str = "", here: str = "", doc_lang: str | None = None
) -> str:
    """A page of the web view: the same head, navigation and language switch as the static pages.
    ``lang`` is the language of labels and of the interface; ``doc_lang`` that of the page's own text
    (``<html lang>``; ``lang`` when not given)."""
    doc_lang = doc_lang or lang
    q = f"?labels={lang}" if lang != "en" else ""
    links = "".join(
        f'<a href="{path}{q}"{" aria-current=page" if path == here else ""}>{esc(ui(lang, key))}</a>'
        for path, key in NAV
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
        f'<nav>{links}</nav><span class="langs">{esc(ui(lang, "language"))} {switch}</span></header>'
        f'<main>{body}</main><script src="/static/common.js"></script></body></html>\n'
    )


ERROR_TITLES_ES = {
    400: "Solicitud incorrecta",
    403: "Prohibido",
    404: "No encontrado",
    405: "Método no permitido",
    406: "Formato no disponible",
    408: "Tiempo de espera agotado",
    413: "Respuesta demasiado grande",
    414: "Dirección demasiado larga",
    415: "Tipo de contenido no admitido",
    421: "Servidor equivocado",
    429: "Demasiadas solicitudes",
    500: "Error interno",
    503: "Servicio no disponible",
    504: "La consulta tardó demasiado",
}
"""Headings of error pages in Spanish; the one-line detail stays in English (marked ``lang="en"``)."""


def error_page(status: int, code: str, message: str, lang: str = "en") -> str:
    if lang == "es":
        title = ERROR_TITLES_ES.get(status, "Error")
        body = (
            f'<h1>{status} {esc(title)}</h1><p class="error"><code>{esc(code)}</code>: '
            f'<span lang="en">{esc(message)}</span></p>'
        )
        return shell(f"{status} {title}", body, lang="es")
    return shell(f"{status} {code}", f'<h1>{status} {esc(code)}</h1><p class="error">{esc(message)}</p>')


def table_html(doc: dict) -> str:
    """A labelled table (from :func:`~laborkg.server.tables.table_json`) as HTML, with its notes."""
    if doc["kind"] == "ask":
        return f'<p class="ask">{ui(doc.get("lang", "en"), "yes" if doc["boolean"] else "no")}</p>'
    out = ['<div class="scroll"><table class="results"><thead><tr>']
    out += [f"<th>{esc(v)}</th>" for v in doc["vars"]]
    out.append("</tr></thead><tbody>")
    for row in doc["rows"]:
        out.append("<tr>")
        for c in row:
            out.append(f"<td>{cell_html(c)}</td>")
        out.append("</tr>")
    count = ui(doc.get("lang", "en"), "rows", n=len(doc["rows"]))
    out.append(f'</tbody></table></div><p class="count">{esc(count)}</p>')
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
    shown = (
        f"<details><summary>{esc(ui(lang, 'query-shown'))}</summary><pre>{esc(query_text)}</pre></details>"
        if query_text
        else ""
    )
    return shell(title, f"<h1>{esc(title)}</h1>{shown}{content}", lang)


def _param_note(p, lang: str) -> str:
    if p.required:
        return ", " + ui(lang, "required")
    return f", {ui(lang, 'default')} {esc(p.default)}" if p.default else ""


def catalogue_page(queries: Iterable[PackagedQuery], lang: str = "en") -> str:
    """/queries as HTML: each packaged query with its parameters and links to its results."""
    queries = list(queries)
    q = "&labels=es" if lang == "es" else ""
    items = []
    for x in queries:
        ps = "".join(
            f"<li><code>{esc(p.name)}</code> ({esc(p.type)}{_param_note(p, lang)}) {esc(p.description)}</li>"
            for p in x.params
        )
        items.append(
            f'<li class="query" id="{esc(x.name)}">'
            f'<h2><a href="/query?name={esc(x.name)}{q}">{esc(x.name)}</a></h2>'
            f"<p>{esc(x.summary)}</p>{'<ul class=params>' + ps + '</ul>' if ps else ''}"
            f'<p><a href="/queries/{esc(x.name)}?format=html{q}">{esc(ui(lang, "results"))}</a> · '
            f'<a href="/queries/{esc(x.name)}?format=json">SPARQL JSON</a></p></li>'
        )
    return shell(
        ui(lang, "queries-title"),
        f"<h1>{esc(ui(lang, 'queries-title'))}</h1><p>{esc(ui(lang, 'queries-lead', n=len(queries)))}</p>"
        f'<ul class="catalogue">{"".join(items)}</ul>',
        lang,
        here="/queries",
    )


# ---------------------------------------------------------------------------------------------
# The entity page


def entity_page(
    iri: URIRef,
    graph: Graph,
    statements: Answer,
    sources: Answer,
    lang: str,
    docs: Mapping[str, Cited] | None = None,
    axioms: Axioms | None = None,
) -> str:
    """The page of ``iri``: labels, kinds, quote, links out, its own sources, then its statements grouped
    by topic, each next to the passages of the fact it goes through, and the statements the ontology's
    axioms derive (``axioms``) apart, marked inferred. ``graph`` holds the entity's triples (``describe``)
    and the labels and passages that ``statements`` (describe-entity) and ``sources`` (entity-sources) refer
    to; ``docs`` the source documents by file name, to cite them by title and date."""
    docs = docs or {}
    lab = render.Labeller(graph, lang)
    labels: dict[str, str] = {}
    for lit in graph.objects(iri, RDFS.label):
        labels.setdefault(getattr(lit, "language", None) or "", str(lit))
    title = lab.term(iri)
    parts = [f'<h1 class="entity">{esc(title)}</h1>', f'<p class="iri"><code>{esc(iri)}</code></p>']
    rows = []
    for code, name in (("en", "English label"), ("es", "Spanish label")):
        if code in labels:
            rows.append(
                f"<tr><th>{esc(ui(lang, name))}</th>"
                f'<td lang="{code}" class="label-{code}">{esc(labels[code])}</td></tr>'
            )
    alts = sorted({str(a) for a in graph.objects(iri, SKOS.altLabel)})
    if alts:
        rows.append(f"<tr><th>{esc(ui(lang, 'also called'))}</th><td>{esc('; '.join(alts))}</td></tr>")
    kinds = sorted(  # the narrowest classes, as describe-entity gives them
        lab.term(value)
        for direction, prop, value in statements.rows
        if str(direction) == "→" and prop == RDF.type
    )
    if kinds:
        rows.append(f"<tr><th>{esc(ui(lang, 'kinds'))}</th><td>{esc(', '.join(kinds))}</td></tr>")
    quote = graph.value(iri, LKG.quote)
    if quote is not None:
        note = passage_note(graph, iri)
        doc = _doc_of(note.get("file"), docs)
        cited = doc.cite(lang) if doc is not None else f'<span class="seed">{esc(note["file"])}</span>'
        rows.append(
            f'<tr><th>{esc(ui(lang, "quote"))}</th><td><blockquote class="quote">{esc(quote)}</blockquote>'
            f'<div class="cite">{cited}</div></td></tr>'
        )
    findings = findings_href(graph, iri, lang)
    if findings:
        rows.append(
            f"<tr><th>{esc(ui(lang, 'USDOL findings'))}</th>"
            f'<td><a class="findings" href="{esc(findings)}">'
            f"{esc(ui(lang, 'findings-link'))}</a></td></tr>"
        )
    links = _links_out(graph, iri, lang)
    if links:
        rows.append(
            f'<tr><th>{esc(ui(lang, "elsewhere"))}</th><td><ul class="links">{"".join(links)}</ul></td></tr>'
        )
    parts.append(f'<table class="facts summary">{"".join(rows)}</table>')
    by_fact = _passages(iri, sources)
    parts += _statements(iri, statements, lab, by_fact, docs, axioms or Axioms(), lang)
    if by_fact.get(iri):  # the passages stating the entity itself (its names, kinds, summary)
        parts.append(f'<h2 id="own-sources">{esc(ui(lang, "own-sources"))}</h2><ul class="sources">')
        parts += [f"<li>{_passage_html(p, docs, lang, lab)}</li>" for p in by_fact[iri]]
        parts.append("</ul>")
    fmt_links = " · ".join(
        f'<a href="?format={f}">{name}</a>'
        for f, name in (("turtle", "Turtle"), ("json-ld", "JSON-LD"), ("nt", "N-Triples"))
    )
    parts.append(f'<p class="formats">{esc(ui(lang, "as"))} {fmt_links}</p>')
    return shell(title, "".join(parts), lang, page="entity")


class Cited(Protocol):
    """A source document that can cite itself (:class:`laborkg.server.landing.SourceDoc`)."""

    file: str

    def cite(self, lang: str) -> str: ...


@dataclass
class Axioms:
    """The ontology's property axioms the entity page reads: owl:inverseOf pairs (both ways) and, for each
    property, its broader properties (rdfs:subPropertyOf, transitively)."""

    inverse: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    broader: dict[URIRef, set[URIRef]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple]) -> Axioms:
        """From (property, relation, other) rows, relation "inverse" or "sub"."""
        out = cls()
        direct: dict[URIRef, set[URIRef]] = {}
        for p, rel, q in rows:
            if not (isinstance(p, URIRef) and isinstance(q, URIRef)) or p == q:
                continue
            if str(rel) == "inverse":
                out.inverse.setdefault(p, set()).add(q)
                out.inverse.setdefault(q, set()).add(p)
            else:
                direct.setdefault(p, set()).add(q)
        for p in direct:
            seen: set[URIRef] = set()
            todo = list(direct[p])
            while todo:
                q = todo.pop()
                if q not in seen and q != p:
                    seen.add(q)
                    todo += direct.get(q, ())
            out.broader[p] = seen
        return out


AXIOMS = """\
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?p ?rel ?q
WHERE {
  { ?p owl:inverseOf ?q BIND("inverse" AS ?rel) }
  UNION
  { ?p rdfs:subPropertyOf ?q BIND("sub" AS ?rel) }
  FILTER(isIRI(?p) && isIRI(?q))
}"""
"""The property axioms of :class:`Axioms`, as the store holds them."""

GROUPS = (
    ("names", re.compile(r"(?i)^(label|altLabel|acronym|description|comment|name|title|definition|note)")),
    ("funding", re.compile(r"(?i)fund|beneficiar|support|amount|budget|cancel|grant|donor|cost")),
    (
        "findings",
        re.compile(
            r"(?i)about|refEntity|observ|indicator|claim|suggest|profile|statistic|finding|"
            r"ratif|standard|law|gap"
        ),
    ),
    (
        "events",
        re.compile(
            r"(?i)particip|organi[sz]er|speaker|event|reportedBy|contributor|launch|publish|"
            r"action|date|host|sign|announce"
        ),
    ),
    (
        "organisation",
        re.compile(
            r"(?i)agency|unit|member|chair|jurisdiction|role|partner|component|"
            r"programSet|partOf|organi[sz]ation|implement|coordinat|head|lead"
        ),
    ),
)
"""The topics of the entity page, each by a pattern over the property's local name; first match wins."""


SHOWN_PASSAGES = 2
"""Passages shown beside a statement; the others are one click away."""


def statements_value(statements: Answer, prop: URIRef):
    """The first value of ``prop`` among the entity's outgoing statements, or None."""
    return next((v for d, p, v in statements.rows if str(d) == "→" and p == prop), None)


def _group(prop: URIRef) -> str:
    local = re.split(r"[#/]", str(prop))[-1]
    return next((name for name, pattern in GROUPS if pattern.search(local)), "other")


def _doc_of(file: str | None, docs: Mapping[str, Cited]) -> Cited | None:
    if not file:
        return None
    name = file.split(",", 1)[0].removeprefix("seeds/")
    return docs.get(name)


def _passages(iri: URIRef, sources: Answer) -> dict:
    """The passages of each fact (and of the entity itself), once each: fact → [(file, quote, passage)]."""
    by_fact: dict = {iri: []}
    for cited_by, file, quote_text, passage in sources.rows:
        entry = (str(file), str(quote_text), passage)
        if entry not in by_fact.setdefault(cited_by, []):
            by_fact[cited_by].append(entry)
    return by_fact


def _passage_html(
    entry: tuple, docs: Mapping[str, Cited], lang: str, lab: render.Labeller | None = None
) -> str:
    file, quote_text, passage = entry
    doc = docs.get(file)
    cited = doc.cite(lang) if doc is not None else f'<span class="seed">seeds/{esc(file)}</span>'
    href = entity_href(str(passage))
    link = f' · <a href="{esc(href)}">{esc(ui(lang, "passage"))}</a>' if href else ""
    html_ = f'<blockquote class="quote">{esc(quote_text)}</blockquote><div class="cite">{cited}{link}</div>'
    return html_ + (_references_html(passage, lab, lang) if lab is not None else "")


def _references_html(passage, lab: render.Labeller, lang: str) -> str:
    """The references a passage's citation markers point to (lkg:citesReference), by their number."""
    refs = [(lab.term(r), entity_href(str(r))) for r in lab.graph.objects(passage, LKG.citesReference)]
    if not refs:
        return ""
    refs.sort(key=lambda ref: (int(ref[0].split()[0]) if ref[0].split()[0].isdigit() else 0, ref[0]))
    items = "".join(f'<li><a href="{esc(href)}">{esc(label)}</a></li>' for label, href in refs)
    summary = f"{esc(ui(lang, 'cites'))} ({len(refs)})"
    return f'<details class="cites"><summary>{summary}</summary><ul>{items}</ul></details>'


def _derived(rows: list[tuple], axioms: Axioms) -> dict[tuple, tuple[str, URIRef]]:
    """The rows the axioms derive from other rows of the page: row → (why, the property it comes from).
    An incoming row mirroring an outgoing one through owl:inverseOf is the inverse; a row whose property
    is broader than that of another row with the same direction and value is the broader one."""
    out = {(p, v) for d, p, v in rows if d == "→"}
    inc = {(p, v) for d, p, v in rows if d == "←"}
    derived = {}
    for d, p, v in rows:
        same = out if d == "→" else inc
        narrower = next((q for q, w in same if w == v and p in axioms.broader.get(q, ())), None)
        if narrower is not None:
            derived[(d, p, v)] = ("broader-than", narrower)
        elif d == "←":
            mirror = next((q for q in axioms.inverse.get(p, ()) if (q, v) in out), None)
            if mirror is not None:
                derived[(d, p, v)] = ("inverse-of", mirror)
    return derived


def _statements(
    iri: URIRef,
    statements: Answer,
    lab: render.Labeller,
    by_fact: dict,
    docs: Mapping[str, Cited],
    axioms: Axioms,
    lang: str,
) -> list[str]:
    skip = {LKG.source, RDF.type, RDFS.label, SKOS.altLabel}  # shown above, in the summary and sources
    rows = [(str(d), p, v) for d, p, v in statements.rows if p not in skip]
    if not rows:
        return []
    derived = _derived(rows, axioms)
    acronym = statements_value(statements, LKG.acronym)
    short = str(acronym) if acronym is not None else lab.term(iri)
    this = f'<span class="this" title="{esc(lab.term(iri))}">{esc(short)}</span>'
    qualifier = statements_value(statements, LKG.valueQualifier)  # its figure shows "> 30,000"

    def row_html(d: str, p: URIRef, v, why: tuple[str, URIRef] | None) -> str:
        prop = cell_html(cell(p, lab))
        term = cell(v, lab)
        if d == "→" and p in (LKG.value, LKG.amount) and term is not None and "text" in term:
            term["text"] = render.qualify(term["text"], qualifier, lab)
        value = cell_html(term)
        if d == "→":
            subj, obj, cls = this, value, "out"
        else:  # incoming: the other entity is the subject, the sentence reads left to right
            subj, obj, cls = value, this, "in"
        badge = ""
        if why is not None:
            reason = ui(lang, why[0], p=lab.term(why[1]))
            badge = f' <span class="badge inferred" title="{esc(reason)}">{esc(ui(lang, "inferred"))}</span>'
        passages = by_fact.get(v, []) if v != iri and why is None else []
        shown = [f'<div class="src">{_passage_html(e, docs, lang, lab)}</div>' for e in passages]
        src = "".join(shown[:SHOWN_PASSAGES])
        if len(shown) > SHOWN_PASSAGES:  # the rest on demand: a row stays readable
            more = ui(lang, "more-passages", n=len(shown) - SHOWN_PASSAGES)
            rest = "".join(shown[SHOWN_PASSAGES:])
            src += f'<details class="more"><summary>{esc(more)}</summary>{rest}</details>'
        return (
            f'<tr class="{cls}{" inferred" if why else ""}"><td class="subj">{subj}</td>'
            f'<td class="prop">{prop} <span class="arrow">→</span></td><td class="obj">{obj}{badge}</td>'
            f'<td class="source">{src}</td></tr>'
        )

    head = f"<thead><tr><th></th><th></th><th></th><th>{esc(ui(lang, 'source'))}</th></tr></thead>"
    groups: dict[str, list[str]] = {name: [] for name, _ in GROUPS}
    groups["other"] = []
    for row in rows:
        if row not in derived:
            groups[_group(row[1])].append(row_html(*row, None))
    order = ("names", "organisation", "funding", "events", "findings", "other")
    parts = [
        f'<h2 id="statements">{esc(ui(lang, "statements"))}</h2>'
        f'<p class="lead">{esc(ui(lang, "statements-lead"))}</p>'
    ]
    for name in order:
        if groups[name]:
            parts.append(
                f'<section class="topic" data-topic="{name}"><h3>{esc(ui(lang, "group:" + name))}</h3>'
                f'<table class="results statements">{head}<tbody>{"".join(groups[name])}</tbody></table>'
                "</section>"
            )
    if derived:
        inferred = [row_html(*row, derived[row]) for row in rows if row in derived]
        parts.append(
            f'<details class="inferred"><summary>{esc(ui(lang, "inferred-h", n=len(inferred)))}</summary>'
            f'<p class="lead">{esc(ui(lang, "inferred-lead"))}</p>'
            f'<table class="results statements">{head}<tbody>{"".join(inferred)}</tbody></table></details>'
        )
    return parts


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


def _links_out(graph: Graph, iri: URIRef, lang: str = "en") -> list[str]:
    links = []
    for prop in (SKOS.exactMatch, SKOS.closeMatch):
        for target in sorted(str(t) for t in graph.objects(iri, prop) if isinstance(t, URIRef)):
            host = urllib.parse.urlsplit(target).hostname or ""
            where = LINK_OUT.get(host, host)
            kind = ui(lang, "exact match" if prop == SKOS.exactMatch else "close match")
            if not linkable(target):  # javascript:, data:, file:… shown, never followed
                links.append(f"<li>{esc(target)} <small>({kind})</small></li>")
                continue
            links.append(
                f'<li><a class="out" rel="noopener noreferrer" href="{esc(target)}">{esc(where)}: '
                f"{esc(target)}</a> <small>({kind})</small></li>"
            )
    return links

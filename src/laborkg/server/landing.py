"""The landing page (``/``): what the graph is about, its scope, its sources with titles and dates, its
licence and how to cite it. The source documents are read from the graph (:data:`SOURCES`); the page
renders what it is given."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef

from laborkg.query import render
from laborkg.query.engine import Answer
from laborkg.server.pages import esc, shell, ui
from laborkg.server.tables import entity_href

SOURCES = """\
PREFIX lkg: <https://w3id.org/laborkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?doc ?file ?title ?label ?date ?type ?creator ?publisher ?findings
WHERE {
  ?doc a lkg:SourceDocument ; lkg:fileName ?file .
  OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?doc rdfs:label ?label }
  OPTIONAL { ?doc dcterms:date ?date }
  OPTIONAL { ?doc dcterms:type ?type }
  OPTIONAL { ?doc dcterms:creator ?creator }
  OPTIONAL { ?doc dcterms:publisher ?publisher }
  BIND(EXISTS { ?doc a lkg:FindingsFile } AS ?findings)
}
ORDER BY ?file"""
"""Every source document of the graph with what the graph says of it (seeds and USDOL findings files)."""

SEED_PREFIX = re.compile(r"^(Seed|Semilla) \d+: ")


@dataclass
class SourceDoc:
    """A source document as the graph describes it: titles by language, date, kind, creator, publisher."""

    iri: URIRef
    file: str
    titles: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    date: Literal | None = None
    kind: str | None = None
    creator: str | None = None
    publisher: str | None = None
    findings: bool = False

    def cite(self, lang: str) -> str:
        return cite_html(self, lang)

    def title(self, lang: str) -> str:
        for names in (self.titles, self.labels):
            if lang in names:
                return names[lang]
        for names in (self.titles, self.labels):
            if "en" in names:
                return names["en"]
        return next(iter({**self.labels, **self.titles}.values()), self.file)


def source_docs(answer: Answer) -> dict[str, SourceDoc]:
    """The rows of :data:`SOURCES` by file name (a dcterms:title wins over an rdfs:label, whose
    "Seed NNN: " is dropped)."""
    out: dict[str, SourceDoc] = {}
    for doc, file, title, label, date, kind, creator, publisher, findings in answer.rows:
        d = out.setdefault(str(file), SourceDoc(doc, str(file)))
        for lit, names in ((title, d.titles), (label, d.labels)):
            if isinstance(lit, Literal):
                names.setdefault(lit.language or "en", SEED_PREFIX.sub("", str(lit)))
        d.date = date if isinstance(date, Literal) else d.date
        d.kind = str(kind) if kind is not None else d.kind
        d.creator = str(creator) if creator is not None else d.creator
        d.publisher = str(publisher) if publisher is not None else d.publisher
        d.findings = d.findings or (findings is not None and bool(findings.toPython()))
    return out


def cite_html(doc: SourceDoc, lang: str, file_hint: bool = True) -> str:
    """A source as a journalist cites it: title, publisher (or author), kind, date; the file name small."""
    lab = render.Labeller(Graph(), lang)
    bits = [f'<cite class="title">{esc(doc.title(lang))}</cite>']
    who = doc.publisher or doc.creator
    if who:
        bits.append(f'<span class="publisher">{esc(who)}</span>')
    if doc.kind:
        bits.append(f'<span class="kind">{esc(ui(lang, "kind:" + doc.kind, default=doc.kind))}</span>')
    if doc.date is not None:
        bits.append(f'<span class="date">{esc(lab.literal(doc.date))}</span>')
    href = entity_href(str(doc.iri))
    shown = doc.file if doc.findings else "seeds/" + doc.file
    name = f'<a href="{esc(href)}">{esc(shown)}</a>' if href else esc(shown)
    hint = f' <small class="file">({ui(lang, "file")} {name})</small>' if file_hint else ""
    return ", ".join(bits) + hint


TEXT = {
    "en": {
        "title": "US labour cooperation with Mexico, and child labour findings: a knowledge graph",
        "story": "In March 2025 the United States cancelled "
        "<strong>21 technical-assistance programs</strong> in Mexico that had supported "
        "the Secretariat of Labor and Social Welfare "
        '(<a href="/id/stps{q}">STPS</a>) since 2019 — <strong>USD 207 million</strong>, by STPS\'s own '
        "account. This graph records what those programs were, who funded and ran them, what was cancelled "
        "and when, and what Mexico's labour institutions do, every fact with the verbatim passage of the "
        "source it comes from.",
        "story-links": "Start with "
        '<a href="/query?name=agencies-lost-support{a}">the agencies that lost support</a>, '
        '<a href="/id/cancellation-us-ta-programs-2025-03{q}">the cancellation itself</a>, '
        '<a href="/timeline{q}">the timeline of events</a> or '
        '<a href="/graph{q}">who funded what</a>.',
        "findings-h": "USDOL's Findings on the Worst Forms of Child Labor",
        "findings": "The graph also holds the US Department of Labor's yearly Findings on the Worst Forms of "
        "Child Labor: <strong>{countries} countries and territories</strong>, reporting years "
        "<strong>{first}–{last}</strong>, every figure with the element of the file it was read from.",
        "findings-none": "This store does not hold the yearly USDOL findings series (laborkg ingest findings "
        "adds it); the 2022 findings for Mexico are one of the sources below.",
        "findings-links": '<a href="/countries{q}" id="link-countries">Each country\'s profile and '
        'figures</a> · <a href="/compare{q}" id="link-compare">one indicator compared across countries</a>',
        "explore-h": "Explore",
        "explore": '<li><a href="/query{q}" id="link-query">Ask your own question</a> (SPARQL, with '
        "packaged queries to start from)</li>"
        '<li><a href="/queries{q}">Packaged queries</a>: the questions the graph answers</li>'
        '<li><a href="/timeline{q}">Timeline</a> · <a href="/graph{q}">Funding graph</a> · '
        '<a href="/stats{q}">Enforcement figures 2021–2022</a></li>',
        "sources-h": "Sources",
        "sources": "Every statement cites a passage of one of these documents, quoted verbatim.",
        "findings-files": "and {n} USDOL findings files (XML, one per reporting year)",
        "size": "The graph has {triples} triples, inferences included.",
        "licence-h": "Licence and citation",
        "licence": "The data (ontology, curated graph, mappings) are offered under "
        '<a rel="license" href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>; the code is '
        "MIT-licensed. The source documents keep their publishers' rights: quotes are given so that every "
        "fact can be checked.",
        "cite": "To cite the graph:",
        "citation": "laborkg: a knowledge graph of US labour cooperation with Mexico and the USDOL "
        "Findings on the Worst Forms of Child Labor, version {version}. https://w3id.org/laborkg/ "
        "(CC BY 4.0).",
        "cite-fact": "To cite a fact, link its page (every entity has one under /id/) and quote the source "
        "passage it gives.",
    },
    "es": {
        "title": "La cooperación laboral de EE. UU. con México y los hallazgos sobre trabajo infantil: un "
        "grafo de conocimiento",
        "story": "En marzo de 2025 Estados Unidos canceló "
        "<strong>21 programas de asistencia técnica</strong> en México que desde 2019 "
        "apoyaban a la Secretaría del Trabajo y Previsión Social "
        '(<a href="/id/stps{q}">STPS</a>): <strong>207 millones de dólares</strong>, según la propia STPS. '
        "Este grafo registra qué eran esos programas, quién los financiaba y ejecutaba, qué se canceló y "
        "cuándo, y qué hacen las instituciones laborales de México; cada hecho con el pasaje literal de la "
        "fuente de la que procede.",
        "story-links": "Empiece por "
        '<a href="/query?name=agencies-lost-support{a}">las dependencias que perdieron apoyo</a>, '
        '<a href="/id/cancellation-us-ta-programs-2025-03{q}">la cancelación misma</a>, '
        '<a href="/timeline{q}">la cronología</a> o '
        '<a href="/graph{q}">quién financió qué</a>.',
        "findings-h": "Los hallazgos del USDOL sobre las peores formas de trabajo infantil",
        "findings": "El grafo contiene también los informes anuales del Departamento de Trabajo de EE. UU. "
        "sobre las peores formas de trabajo infantil: <strong>{countries} países y territorios</strong>, "
        "años de informe <strong>{first}–{last}</strong>, cada cifra con el elemento del archivo del que se "
        "leyó.",
        "findings-none": "Este almacén no contiene la serie anual de hallazgos del USDOL (laborkg ingest "
        "findings la añade); los hallazgos de 2022 sobre México son una de las fuentes de abajo.",
        "findings-links": '<a href="/countries{q}" id="link-countries">El perfil y las cifras de cada '
        'país</a> · <a href="/compare{q}" id="link-compare">un indicador comparado entre países</a>',
        "explore-h": "Explorar",
        "explore": '<li><a href="/query{q}" id="link-query">Haga su propia pregunta</a> (SPARQL, con '
        "consultas preparadas para empezar)</li>"
        '<li><a href="/queries{q}">Consultas preparadas</a>: las preguntas que el grafo responde</li>'
        '<li><a href="/timeline{q}">Cronología</a> · <a href="/graph{q}">Grafo de financiamiento</a> · '
        '<a href="/stats{q}">Cifras de aplicación de la ley 2021–2022</a></li>',
        "sources-h": "Fuentes",
        "sources": "Cada afirmación cita un pasaje de uno de estos documentos, de forma literal.",
        "findings-files": "y {n} archivos de hallazgos del USDOL (XML, uno por año de informe)",
        "size": "El grafo tiene {triples} tripletas, inferencias incluidas.",
        "licence-h": "Licencia y cita",
        "licence": "Los datos (ontología, grafo curado, correspondencias) se ofrecen bajo "
        '<a rel="license" href="https://creativecommons.org/licenses/by/4.0/deed.es">CC BY 4.0</a>; el '
        "código tiene licencia MIT. Los documentos fuente conservan los derechos de sus editores: las citas "
        "literales permiten comprobar cada hecho.",
        "cite": "Para citar el grafo:",
        "citation": "laborkg: un grafo de conocimiento de la cooperación laboral de EE. UU. con México y de "
        "los hallazgos del USDOL sobre las peores formas de trabajo infantil, versión {version}. "
        "https://w3id.org/laborkg/ (CC BY 4.0).",
        "cite-fact": "Para citar un hecho, enlace su página (cada entidad tiene una bajo /id/) y cite el "
        "pasaje de la fuente que indica.",
    },
}


def _t(lang: str, key: str, **values) -> str:
    template = TEXT.get(lang, TEXT["en"]).get(key) or TEXT["en"][key]
    return template.format(**values) if values else template


def landing_page(
    docs: Iterable[SourceDoc],
    countries: int,
    years: list[int],
    triples: int | None,
    version: str,
    lang: str = "en",
) -> str:
    """``/``: the story, the findings series' scope (``countries``, ``years``: what the store holds), the
    seed documents cited by title and date, the size of the graph, the licence and the citation."""
    q = "?labels=es" if lang == "es" else ""
    a = "&labels=es" if lang == "es" else ""
    docs = list(docs)
    seeds = [d for d in docs if not d.findings]
    findings_files = [d for d in docs if d.findings]
    parts = [f'<h1 class="landing">{esc(_t(lang, "title"))}</h1>']
    parts.append(f'<p class="story">{_t(lang, "story", q=q)}</p>')
    parts.append(f'<p class="lead">{_t(lang, "story-links", q=q, a=a)}</p>')
    parts.append(f'<h2 id="findings">{esc(_t(lang, "findings-h"))}</h2>')
    if countries and years:
        parts.append(
            f'<p class="scope">{_t(lang, "findings", countries=countries, first=years[0], last=years[-1])}'
            "</p>"
        )
    else:
        parts.append(f'<p class="scope">{esc(_t(lang, "findings-none"))}</p>')
    parts.append(f'<p class="findings-links">{_t(lang, "findings-links", q=q)}</p>')
    parts.append(f'<h2 id="explore">{esc(_t(lang, "explore-h"))}</h2>')
    parts.append(f'<ul class="explore">{_t(lang, "explore", q=q)}</ul>')
    parts.append(f'<h2 id="sources">{esc(_t(lang, "sources-h"))}</h2><p>{esc(_t(lang, "sources"))}</p>')
    parts.append('<ul class="source-docs">')
    parts += [f'<li class="source-doc">{cite_html(d, lang)}</li>' for d in seeds]
    if findings_files:
        files = esc(_t(lang, "findings-files", n=len(findings_files)))
        parts.append(f'<li class="source-doc findings">{files}</li>')
    parts.append("</ul>")
    if triples is not None:
        number = f"{triples:,}" if lang == "en" else f"{triples:,}".replace(",", " ")
        parts.append(f'<p class="size">{esc(_t(lang, "size", triples=number))}</p>')
    parts.append(f'<h2 id="licence">{esc(_t(lang, "licence-h"))}</h2>')
    parts.append(f'<p class="licence">{_t(lang, "licence")}</p>')
    parts.append(
        f'<p>{esc(_t(lang, "cite"))}</p><blockquote class="citation">'
        f"{esc(_t(lang, 'citation', version=version))}</blockquote><p>{esc(_t(lang, 'cite-fact'))}</p>"
    )
    return shell(ui(lang, "home"), "".join(parts), lang, page="landing", here="/")

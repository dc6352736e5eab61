"""Query results for people (tables with labels, amounts and dates formatted) and for machines
(SPARQL JSON, CSV, TSV: exact terms, nothing rounded or relabelled)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import textwrap
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import escape

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS, XSD

from laborkg.namespace import LKG, PREFIXES

FORMATS = ("table", "csv", "tsv", "json", "xml")
_MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
}


class Labeller:
    """Labels of IRIs in one language, falling back to English, then any label, then a short name."""

    def __init__(self, graph: Graph, lang: str = "en") -> None:
        self.graph = graph
        self.lang = lang

    def short(self, iri: str) -> str:
        best = ""
        for prefix, ns in PREFIXES.items():
            if iri.startswith(str(ns)) and len(str(ns)) > len(best):
                best, name = str(ns), f"{prefix}:{iri[len(str(ns)) :]}"
        return name if best else f"<{iri}>"

    def label(self, node) -> str:
        labels: dict[str, str] = {}
        for lit in sorted(self.graph.objects(node, RDFS.label), key=str):  # the same label on every backend
            labels.setdefault(getattr(lit, "language", None) or "", str(lit))
        for lang in (self.lang, "en", ""):
            if lang in labels:
                text = labels[lang]
                break
        else:
            text = next(iter(labels.values()), None) or self.short(str(node))
        acronym = self._first(node, LKG.acronym)
        if acronym is not None and str(acronym) not in text:
            text = f"{text} ({acronym})"
        return text

    def notation(self, node) -> str | None:
        """The least skos:notation of ``node`` (a code's sign: ">" for lkc:qualifier-more-than), if any."""
        found = self._first(node, SKOS.notation) if isinstance(node, URIRef) else None
        return None if found is None else str(found)

    def _first(self, node, prop):
        """The least value of ``prop`` (a node may have several acronyms; stores list them in any order)."""
        return min(self.graph.objects(node, prop), key=str, default=None)

    def term(self, node) -> str:
        if node is None:
            return ""
        if isinstance(node, URIRef):
            notation = self._first(node, SKOS.notation)
            if self.graph.value(node, RDFS.label) is None and notation is not None:
                return str(notation)
            return self.label(node)
        if isinstance(node, BNode):
            return "_:" + str(node)
        return self.literal(node)

    def literal(self, lit: Literal) -> str:
        dt = lit.datatype
        text = str(lit)
        if dt in (XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger):
            try:
                d = Decimal(text)
            except InvalidOperation:
                return text
            d = d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()
            return f"{d:,}"
        if dt == XSD.gYearMonth and len(text) == 7:
            year, month = text.split("-")
            if month.isdigit() and 1 <= int(month) <= 12:
                name = _MONTHS.get(self.lang, _MONTHS["en"])[int(month) - 1]
                return f"{name} {year}" if self.lang != "es" else f"{name} de {year}"
        if dt == XSD.boolean:
            return (
                {"true": "yes", "false": "no"}.get(text, text)
                if self.lang != "es"
                else {"true": "sí", "false": "no"}.get(text, text)
            )
        return text


QUALIFIER_SUFFIX = "Qualifier"
"""A column ``<x>Qualifier`` (a lkg:valueQualifier code) qualifies the column ``<x>`` of the same row."""


def qualified_columns(variables) -> dict[int, int]:
    """Index of each column that has a qualifier column (``value``, ``valueQualifier``) -> that column's."""
    names = [str(v) for v in variables]
    return {
        names.index(name[: -len(QUALIFIER_SUFFIX)]): i
        for i, name in enumerate(names)
        if name.endswith(QUALIFIER_SUFFIX) and name[: -len(QUALIFIER_SUFFIX)] in names
    }


def qualify(text: str, qualifier, lab: Labeller) -> str:
    """``text`` of a figure with its qualifier's sign in front ("> 30,000", "≥ 70,000", "≈ 57,500,000");
    unchanged when the figure is exact (no qualifier) or the cell is empty."""
    sign = lab.notation(qualifier) if qualifier is not None and text else None
    return f"{sign} {text}" if sign else text


def _passages(node) -> list[str]:
    """Passage IRIs in a cell: one passage IRI, or a space-separated list (GROUP_CONCAT)."""
    if node is None or isinstance(node, BNode):
        return []
    parts = str(node).split()
    lkp = str(PREFIXES["lkp"])
    return parts if parts and all(p.startswith(lkp) for p in parts) else []


def cite(node, notes: dict[str, int]) -> list[int]:
    """The footnote numbers of the passages in a cell; a passage not yet in ``notes`` (IRI -> number, in
    order of first use) gets the next number. A dict, not a list: answers can cite tens of thousands."""
    return [notes.setdefault(iri, len(notes) + 1) for iri in _passages(node)]


COLUMNS_ES = {
    "passage": "pasaje",
    "sources": "fuentes",
    "source": "fuente",
    "unit": "unidad",
    "value": "valor",
    "date": "fecha",
    "initiative": "iniciativa",
    "start": "inicio",
    "end": "fin",
    "currency": "moneda",
    "booleanValue": "valor sí/no",
    "valueNote": "nota del valor",
    "valueQualifier": "calificador del valor",
    "observation": "observación",
    "indicator": "indicador",
    "year": "año",
    "years": "años",
    "quote": "cita",
    "event": "evento",
    "amount": "monto",
    "totalAmount": "monto total",
    "ageRange": "rango de edad",
    "age": "edad",
    "sector": "sector",
    "territory": "territorio",
    "funder": "financiador",
    "description": "descripción",
    "descriptionText": "descripción",
    "refYear": "año de referencia",
    "text": "texto",
    "body": "órgano",
    "usdolRegion": "región USDOL",
    "country": "país",
    "good": "bien",
    "elementPath": "ruta del elemento",
    "managedBy": "gestionado por",
    "place": "lugar",
    "action": "acción",
    "actionArea": "área de acción",
    "participants": "participantes",
    "participantLabel": "participante",
    "agency": "dependencia",
    "programCount": "número de programas",
    "cancellationDate": "fecha de cancelación",
    "status": "estado",
    "jurisdiction": "jurisdicción",
    "dataset": "conjunto de datos",
    "refArea": "área de referencia",
    "caveats": "salvedades",
    "caveatLabel": "salvedad",
    "conflict": "discrepancia",
    "severity": "gravedad",
    "claim": "afirmación",
    "otherClaim": "otra afirmación",
    "claimFiles": "archivos",
    "otherFiles": "otros archivos",
    "claimSources": "fuentes",
    "otherSources": "otras fuentes",
    "note": "nota",
    "commitment": "compromiso",
    "entity": "entidad",
    "file": "archivo",
    "role": "rol",
    "kind": "tipo",
    "type": "tipo",
    "fact": "hecho",
    "focusArea": "área de enfoque",
    "supportedBy": "apoyado por",
    "instrument": "instrumento",
    "reportingYear": "año del informe",
    "standard": "norma",
    "organisation": "organización",
    "program": "programa",
    "by": "por",
    "to": "a",
    "firstYear": "primer año",
    "lastYear": "último año",
    "suggestedIn": "sugerido en",
    "cancelledBy": "cancelado por",
    "label": "etiqueta",
    "law": "ley",
    "title": "título",
    "rank": "posición",
    "beneficiary": "beneficiario",
    "project": "proyecto",
    "union": "sindicato",
    "member": "miembro",
}
"""Column headings of tables in Spanish: laborkg's own words for its query variables (others unchanged)."""


def heading(var: str, lang: str = "en") -> str:
    """The heading of column ``var`` in ``lang``."""
    return COLUMNS_ES.get(var, var) if lang == "es" else var


def table(answer, graph: Graph, lang: str = "en", width: int | None = None) -> str:
    """A table of labels (vertical records when too wide), with source passages as footnotes; headings,
    the row count and the sources heading in ``lang``."""
    lab = Labeller(graph, lang)
    if answer.kind == "ask":
        return ("yes" if answer.boolean else "no") if lang != "es" else ("sí" if answer.boolean else "no")
    cols = [heading(v, lang) for v in answer.vars]
    notes: dict[str, int] = {}  # passage IRI -> footnote number, in order of first use
    cells: list[list[str]] = []
    bounds = qualified_columns(answer.vars)
    for row in answer.rows:
        line = []
        for node in row:
            refs = cite(node, notes)
            line.append("[" + ", ".join(map(str, refs)) + "]" if refs else lab.term(node))
        for figure, qualifier in bounds.items():
            line[figure] = qualify(line[figure], row[qualifier], lab)
        cells.append(line)
    width = width or shutil.get_terminal_size((120, 24)).columns
    out = io.StringIO()
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]
    if sum(widths) + 3 * len(cols) <= width:
        out.write(" | ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip() + "\n")
        out.write("-+-".join("-" * w for w in widths) + "\n")
        for r in cells:
            out.write(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n")
    else:
        key = max(len(c) for c in cols)
        for n, r in enumerate(cells, 1):
            out.write(f"-[ {n} ]" + "-" * max(0, min(width, 60) - 8) + "\n")
            for c, v in zip(cols, r, strict=True):
                wrapped = textwrap.wrap(v, max(20, width - key - 3)) or [""]
                out.write(f"{c.ljust(key)} | {wrapped[0]}\n")
                for more in wrapped[1:]:
                    out.write(f"{' ' * key} | {more}\n")
    plural = "s" if len(cells) != 1 else ""
    out.write(f"({len(cells)} fila{plural})\n" if lang == "es" else f"({len(cells)} row{plural})\n")
    if notes:
        out.write("\nFuentes:\n" if lang == "es" else "\nSources:\n")
        for n, iri in enumerate(notes, 1):
            ref = URIRef(iri)
            doc = graph.value(ref, LKG.inDocument)
            fname = graph.value(doc, LKG.fileName) if doc is not None else None
            quote = graph.value(ref, LKG.quote)
            path = graph.value(ref, LKG.elementPath)
            page = graph.value(ref, LKG.page)
            if fname and path is not None:  # a value of a USDOL findings file: file and element path
                head = f"[{n}] {fname}, {path}: "
            elif fname and page is not None:  # a passage of a report PDF: file and page
                head = f"[{n}] {fname}, page {page}: "
            else:
                head = f"[{n}] seeds/{fname}: " if fname else f"[{n}] "
            body = f"“{quote}”" if quote is not None else str(ref)
            out.write(textwrap.fill(head + body, width=max(40, width), subsequent_indent="    ") + "\n")
    return out.getvalue()


def _nt(node) -> str:
    return "" if node is None else node.n3()


def _json_term(node) -> dict:
    if isinstance(node, URIRef):
        return {"type": "uri", "value": str(node)}
    if isinstance(node, BNode):
        return {"type": "bnode", "value": str(node)}
    out = {"type": "literal", "value": str(node)}
    if node.language:
        out["xml:lang"] = node.language
    elif node.datatype:
        out["datatype"] = str(node.datatype)
    return out


def _xml_term(node) -> str:
    if isinstance(node, URIRef):
        return f"<uri>{escape(str(node))}</uri>"
    if isinstance(node, BNode):
        return f"<bnode>{escape(str(node))}</bnode>"
    attrs = ""
    if node.language:
        attrs = f' xml:lang="{escape(node.language)}"'
    elif node.datatype:
        attrs = f' datatype="{escape(str(node.datatype))}"'
    return f"<literal{attrs}>{escape(str(node))}</literal>"


def machine(answer, fmt: str) -> str:
    """SPARQL 1.1 results (JSON, XML, CSV, TSV) for SELECT and ASK: exact terms, no labels, no rounding."""
    if answer.kind == "graph":
        raise ValueError("graph answers are serialised with graph_output()")
    cols = answer.vars
    if fmt == "json":
        if answer.kind == "ask":
            doc = {"head": {}, "boolean": bool(answer.boolean)}
        else:
            doc = {
                "head": {"vars": cols},
                "results": {
                    "bindings": [
                        {c: _json_term(t) for c, t in zip(cols, row, strict=True) if t is not None}
                        for row in answer.rows
                    ]
                },
            }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if fmt == "xml":
        out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "  <head>"]
        out += [f'    <variable name="{escape(c)}"/>' for c in cols]
        out.append("  </head>")
        if answer.kind == "ask":
            out.append(f"  <boolean>{'true' if answer.boolean else 'false'}</boolean>")
        else:
            out.append("  <results>")
            for row in answer.rows:
                out.append("    <result>")
                for c, t in zip(cols, row, strict=True):
                    if t is not None:
                        out.append(f'      <binding name="{escape(c)}">{_xml_term(t)}</binding>')
                out.append("    </result>")
            out.append("  </results>")
        out.append("</sparql>")
        return "\n".join(out) + "\n"
    buf = io.StringIO()
    if answer.kind == "ask":
        return ("true" if answer.boolean else "false") + "\n"
    if fmt == "csv":
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(cols)
        for row in answer.rows:
            w.writerow(["" if v is None else str(v) for v in row])
        return buf.getvalue()
    if fmt == "tsv":
        buf.write("\t".join("?" + c for c in cols) + "\n")
        for row in answer.rows:
            buf.write("\t".join(_nt(v) for v in row) + "\n")
        return buf.getvalue()
    raise ValueError(fmt)


GRAPH_FORMATS = {
    "turtle": "turtle",
    "ttl": "turtle",
    "json-ld": "json-ld",
    "jsonld": "json-ld",
    "nt": "nt",
    "ntriples": "nt",
}
"""Graph formats by name (the CLI's ``--format``: ``xml`` there is SPARQL XML results)."""
SERVED_GRAPH_FORMATS = GRAPH_FORMATS | {"xml": "xml", "rdfxml": "xml", "n3": "n3"}
"""What :func:`graph_output` writes: the server's graph formats (``xml`` is RDF/XML)."""


def graph_output(graph: Graph, fmt: str) -> str:
    """A CONSTRUCT or DESCRIBE answer as Turtle, JSON-LD, N-Triples, RDF/XML or N3."""
    name = SERVED_GRAPH_FORMATS[fmt]
    if name == "nt":
        return "".join(sorted(graph.serialize(format="nt").splitlines(keepends=True)))
    return graph.serialize(format=name)

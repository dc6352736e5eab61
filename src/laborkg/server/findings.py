"""The web view of the USDOL findings series: the list of countries, a country's page (its profile year by
year, charts of its figures, every value with the element it was read from) and the comparison of one
indicator across countries. Every function here renders what it is given (:mod:`laborkg.server.series`
values and a label graph); none reads the graph. Charts are server-side SVG (:mod:`laborkg.server.charts`)."""

from __future__ import annotations

import urllib.parse
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from rdflib import Graph, URIRef

from laborkg.namespace import LKC, LKG
from laborkg.query.render import Labeller
from laborkg.server import charts
from laborkg.server.pages import esc, shell
from laborkg.server.series import (
    PROFILE_PROPERTIES,
    CountryEntry,
    Group,
    ProfileYear,
    Source,
    Value,
    chart_groups,
)
from laborkg.server.tables import entity_href

TEXT = {
    "en": {
        "countries": "Countries",
        "countries-title": "Countries in the USDOL findings",
        "countries-lead": "Every country and territory of USDOL's Findings on the Worst Forms of Child Labor "
        "(reporting years {first}–{last}): its region and advancement level in the latest year. Each page "
        "shows the profile year by year, charts of the figures and every value with the element of the XML "
        "file it was read from.",
        "compare": "Compare countries",
        "country": "country",
        "code": "ISO code",
        "years": "years",
        "latest-region": "region (latest year)",
        "latest-level": "advancement level (latest year)",
        "year": "year",
        "reporting-year": "Reporting year (USDOL findings file)",
        "profile": "Profile year by year",
        "profile-lead": "As each year's file gives it; every value is the text of the element cited under "
        "it.",
        "advancementLevel": "advancement level",
        "usdolRegion": "region",
        "description": "description",
        "verbatim": "verbatim text",
        "not-in-file": "not in this year's file",
        "charts": "Figures year by year",
        "charts-lead": "One line per indicator. A year with no figure breaks the line; where a file gives a "
        "state instead of a figure (N/A, Unknown…) the state is named under the axis, never drawn as 0. "
        "Every point links to its row in the table of values, which cites the element it was read from.",
        "states": "States given instead of a figure:",
        "auto": "automatic (log where lines differ by more than 100 times)",
        "linear": "linear scale",
        "log": "log scale (log₁₀(1 + value))",
        "log-axis": "log scale",
        "scale": "scale",
        "count": "Number",
        "percent": "Percent",
        "amount": "Amount",
        "chart-Enforcements-count": "Enforcement: inspectors, inspections, violations, investigations, "
        "prosecutions, convictions",
        "chart-Enforcements-amount": "Enforcement: funding and other amounts (US dollars where the file "
        "writes $)",
        "chart-Country_Statistics-percent": "Children's work and education (percent)",
        "chart-Country_Statistics-count": "Working children (number)",
        "chart-desc": "{name}: a line chart of {n} series over the reporting years {first}–{last}. "
        "The table after the chart gives the same values.",
        "data-table": "The values of the chart",
        "series": "series",
        "booleans": "Yes/no answers year by year",
        "values": "Every value and its source",
        "values-lead": "{n} values from the findings files, each with the file, the element path and the "
        "element's text verbatim.",
        "indicator": "indicator",
        "value": "value",
        "unit": "unit",
        "details": "details",
        "source": "source: file · element path · text",
        "ages": "ages",
        "good": "good",
        "passage": "passage",
        "entity-page": "all statements about {name}",
        "no-figures": "No figures in the findings for this country.",
        "compare-title": "Compare countries: one indicator",
        "compare-lead": "One indicator of USDOL's findings across countries, in one reporting year (bars) or "
        "all years (one line per country). Regions are as each year's file writes them: a country is "
        "included when a file lists it under the region chosen.",
        "all-years": "all years",
        "all-regions": "all regions",
        "region": "region",
        "show": "Show",
        "compare-desc": "{name}, {when}: {n} countries with a figure, {s} with a state instead.",
        "compare-none": "No values of this indicator for the countries and year chosen.",
        "countries-n": "{n} countries",
        "lines-many": "{n} lines: choose a region to compare fewer countries.",
        "in-findings": "USDOL findings year by year",
        "figure-of": "{n} figures, {c} countries, {first}–{last}",
        "report-link": "report (PDF): quotes and pages",
    },
    "es": {
        "countries": "Países",
        "countries-title": "Países en las conclusiones del USDOL",
        "countries-lead": "Cada país y territorio de las conclusiones del USDOL sobre las peores formas de "
        "trabajo infantil (años de informe {first}–{last}): su región y nivel de avance en el último año. "
        "Cada página muestra el perfil año por año, gráficos de las cifras y cada valor con el elemento del "
        "archivo XML del que se leyó.",
        "compare": "Comparar países",
        "country": "país",
        "code": "código ISO",
        "years": "años",
        "latest-region": "región (último año)",
        "latest-level": "nivel de avance (último año)",
        "year": "año",
        "reporting-year": "Año de informe (archivo de conclusiones del USDOL)",
        "profile": "Perfil año por año",
        "profile-lead": "Tal como lo da el archivo de cada año; cada valor es el texto del elemento citado "
        "debajo.",
        "advancementLevel": "nivel de avance",
        "usdolRegion": "región",
        "description": "descripción",
        "verbatim": "texto literal",
        "not-in-file": "no figura en el archivo de este año",
        "charts": "Cifras año por año",
        "charts-lead": "Una línea por indicador. Un año sin cifra interrumpe la línea; cuando un archivo da "
        "un estado en lugar de una cifra (N/A, Unknown…) el estado se nombra bajo el eje, nunca se dibuja "
        "como 0. Cada punto enlaza con su fila en la tabla de valores, que cita el elemento del que se leyó.",
        "states": "Estados en lugar de una cifra:",
        "auto": "automática (logarítmica donde las líneas difieren más de 100 veces)",
        "linear": "escala lineal",
        "log": "escala logarítmica (log₁₀(1 + valor))",
        "log-axis": "escala logarítmica",
        "scale": "escala",
        "count": "Número",
        "percent": "Por ciento",
        "amount": "Monto",
        "chart-Enforcements-count": "Aplicación de la ley: inspectores, inspecciones, infracciones, "
        "investigaciones, enjuiciamientos, condenas",
        "chart-Enforcements-amount": "Aplicación de la ley: financiamiento y otros montos (dólares "
        "estadounidenses cuando el archivo escribe $)",
        "chart-Country_Statistics-percent": "Trabajo infantil y educación (por ciento)",
        "chart-Country_Statistics-count": "Niños que trabajan (número)",
        "chart-desc": "{name}: un gráfico de líneas de {n} series en los años de informe {first}–{last}. "
        "La tabla que sigue al gráfico da los mismos valores.",
        "data-table": "Los valores del gráfico",
        "series": "serie",
        "booleans": "Respuestas sí/no año por año",
        "values": "Cada valor y su fuente",
        "values-lead": "{n} valores de los archivos de conclusiones, cada uno con el archivo, la ruta del "
        "elemento y el texto literal del elemento.",
        "indicator": "indicador",
        "value": "valor",
        "unit": "unidad",
        "details": "detalles",
        "source": "fuente: archivo · ruta del elemento · texto",
        "ages": "edades",
        "good": "bien",
        "passage": "pasaje",
        "entity-page": "todas las afirmaciones sobre {name}",
        "no-figures": "No hay cifras en las conclusiones para este país.",
        "compare-title": "Comparar países: un indicador",
        "compare-lead": "Un indicador de las conclusiones del USDOL en varios países, en un año de informe "
        "(barras) o en todos los años (una línea por país). Las regiones son las que escribe el archivo de "
        "cada año: un país se incluye cuando un archivo lo pone en la región elegida.",
        "all-years": "todos los años",
        "all-regions": "todas las regiones",
        "region": "región",
        "show": "Mostrar",
        "compare-desc": "{name}, {when}: {n} países con una cifra, {s} con un estado en su lugar.",
        "compare-none": "No hay valores de este indicador para los países y el año elegidos.",
        "countries-n": "{n} países",
        "lines-many": "{n} líneas: elija una región para comparar menos países.",
        "in-findings": "Conclusiones del USDOL año por año",
        "figure-of": "{n} cifras, {c} países, {first}–{last}",
        "report-link": "informe (PDF): citas y páginas",
    },
}

SECTIONS = {
    "en": {"Enforcements": "Enforcement", "Country_Statistics": "Children's work and education statistics"},
    "es": {
        "Enforcements": "Aplicación de la ley",
        "Country_Statistics": "Estadísticas de trabajo y educación",
    },
}


def text(lang: str, key: str, **values) -> str:
    template = TEXT.get(lang, TEXT["en"]).get(key) or TEXT["en"][key]
    return template.format(**values) if values else template


def _section(lang: str, section: str) -> str:
    return SECTIONS.get(lang, SECTIONS["en"]).get(section) or section.replace("_", " ")


def _query(params: dict[str, str]) -> str:
    return "?" + urllib.parse.urlencode({k: v for k, v in params.items() if v})


def country_href(entry: CountryEntry, lang: str = "en") -> str:
    return (
        "/country/"
        + urllib.parse.quote(entry.slug, safe="-._~")
        + (f"?labels={lang}" if lang != "en" else "")
    )


# ---------------------------------------------------------------------------------------------
# Values as text


@dataclass
class Shown:
    """A value as the page shows it: its text, whether it is a state, and the id of its table row."""

    value: Value
    text: str
    state: bool
    row_id: str


def value_text(value: Value, lab: Labeller) -> tuple[str, bool]:
    """(the value as text, True when it is a state the file gives instead of a figure)."""
    if value.number is not None:
        return lab.literal(value.number), False
    if value.boolean is not None:
        return lab.literal(value.boolean), False
    if value.state is not None:
        return value.state, True
    return "", False


def line_name(key: tuple[URIRef, str], lab: Labeller, lang: str) -> str:
    indicator, age = key
    return lab.term(indicator) + (f" ({text(lang, 'ages')} {age})" if age else "")


def unit_text(value: Value, lab: Labeller) -> str:
    return lab.term(value.unit) if value.unit is not None else ""


def tooltip(head: str, shown: Shown, lab: Labeller) -> str:
    unit = unit_text(shown.value, lab)
    unit = "" if shown.state or shown.value.unit == LKC["unit-count"] or not unit else f" ({unit})"
    notes = "; ".join(shown.value.comments)
    return f"{head}, {shown.value.year}: {shown.text}{unit}" + (f" — {notes}" if notes else "")


def line_points(head: str, shown: Sequence[Shown], lab: Labeller) -> list[charts.Point]:
    """The points of one line of a chart: a value per year (a state: none), linked to its table row."""
    return [
        charts.Point(
            s.value.year,
            s.value.amount if not s.state else None,
            s.text,
            f"#{s.row_id}",
            tooltip(head, s, lab),
        )
        for s in shown
    ]


def source_html(source: Source, lang: str, long: bool = False) -> str:
    """A source: the file, the element path and the text verbatim (collapsed when long), with the link to
    the passage's own page."""
    href = entity_href(source.passage)
    link = f' <a class="passage" href="{esc(href)}">{esc(text(lang, "passage"))}</a>' if href else ""
    if long:
        quote = (
            f'<details class="verbatim"><summary>{esc(text(lang, "verbatim"))}</summary>'
            f'<q class="quote">{esc(source.quote)}</q></details>'
        )
    else:
        quote = f'<q class="quote">{esc(source.quote)}</q>'
    return (
        f'<span class="file">{esc(source.file)}</span> · <code class="path">{esc(source.path)}</code> · '
        f"{quote}{link}"
    )


def _sources_html(sources: Sequence[Source], lang: str) -> str:
    return '<ul class="cites">' + "".join(f"<li>{source_html(s, lang)}</li>" for s in sources) + "</ul>"


def values_table(shown: Sequence[Shown], lab: Labeller, lang: str, with_country: bool = False) -> str:
    """Every value with its sources: one row each (``id`` for the charts' links), grouped by section."""
    head = [text(lang, "country")] if with_country else []
    head += [text(lang, "year"), text(lang, "indicator"), text(lang, "value"), text(lang, "unit")]
    head += [text(lang, "details"), text(lang, "source")]
    out = ['<div class="scroll"><table class="results values">']
    out.append("<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr></thead>")
    groups: list[tuple[str | None, list[Shown]]] = []
    for s in shown:
        section = None if with_country else s.value.section
        if not groups or groups[-1][0] != section:
            groups.append((section, []))
        groups[-1][1].append(s)
    for section, rows in groups:
        if section is None:
            out.append("<tbody>")
        else:
            out.append(
                f'<tbody class="section" data-section="{esc(section)}"><tr class="section-head">'
                f'<th colspan="{len(head)}">{esc(_section(lang, section))}</th></tr>'
            )
        out += [_value_row(s, lab, lang, with_country) for s in rows]
        out.append("</tbody>")
    out.append("</table></div>")
    return "".join(out)


def _value_row(s: Shown, lab: Labeller, lang: str, with_country: bool) -> str:
    v = s.value
    details = []
    if v.age:
        details.append(f"{esc(text(lang, 'ages'))} {esc(v.age)}")
    if v.good is not None:
        details.append(f"{esc(text(lang, 'good'))}: {_link(v.good, lab)}")
    details += [f'<span class="comment">{esc(c)}</span>' for c in v.comments]
    cells = [f"<td>{_link(v.country, lab)}</td>"] if with_country else []
    value_cell = f'<em class="state">{esc(s.text)}</em>' if s.state else esc(s.text)
    numeric = ' class="num"' if v.number is not None else ""
    cells += [
        f"<td>{v.year}</td>",
        f"<td>{_link(v.indicator, lab)}</td>",
        f'<td{numeric} data-value="{esc(s.text)}">{value_cell}</td>',
        f"<td>{esc(unit_text(v, lab))}</td>",
        f'<td class="details">{"<br>".join(details)}</td>',
        f'<td class="source">{_sources_html(v.sources, lang)}</td>',
    ]
    return f'<tr id="{s.row_id}" data-observation="{esc(v.observation)}">{"".join(cells)}</tr>'


def _link(iri: URIRef | None, lab: Labeller) -> str:
    if iri is None:
        return ""
    href = entity_href(str(iri))
    label = esc(lab.term(iri))
    return f'<a href="{esc(href)}" title="{esc(iri)}">{label}</a>' if href else label


def shown_values(items: Iterable[Value], lab: Labeller, prefix: str = "v") -> list[Shown]:
    out = []
    for n, v in enumerate(items, 1):
        t, state = value_text(v, lab)
        out.append(Shown(v, t, state, f"{prefix}{n}"))
    return out


def scale_links(params: dict[str, str], scale: str, lang: str) -> str:
    links = []
    for option in ("auto", "linear", "log"):
        label = esc(text(lang, option))
        if option == scale:
            links.append(f'<strong class="scale-on">{label}</strong>')
        else:
            links.append(f'<a class="scale" href="{esc(_query({**params, "scale": option}))}">{label}</a>')
    return f'<p class="scales">{esc(text(lang, "scale"))}: {" · ".join(links)}</p>'


def pivot_table(
    lines: Sequence[tuple[str, list[Shown]]], years: Sequence[int], lang: str, css: str, caption: bool = True
) -> str:
    """A chart's data beside it (or the yes/no answers): one row per line, one column per year; each cell
    links to its source row."""
    out = [f'<div class="scroll"><table class="results pivot {css}">']
    if caption:
        out.append(f"<caption>{esc(text(lang, 'data-table'))}</caption>")
    out.append(f'<thead><tr><th scope="col">{esc(text(lang, "series" if caption else "indicator"))}</th>')
    out += [f'<th scope="col">{y}</th>' for y in years]
    out.append("</tr></thead><tbody>")
    for name, shown in lines:
        by_year: dict[int, list[Shown]] = {}
        for s in shown:
            by_year.setdefault(s.value.year, []).append(s)
        out.append(f'<tr><th scope="row">{esc(name)}</th>')
        for y in years:
            parts = [
                f'<a href="#{s.row_id}"{" class=state" if s.state else ""}>{esc(s.text)}</a>'
                for s in by_year.get(y, [])
            ]
            out.append(f'<td class="num">{"; ".join(parts) if parts else "–"}</td>')
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# /countries


def countries_page(entries: Iterable[CountryEntry], labels: Graph, lang: str) -> str:
    lab = Labeller(labels, lang)
    entries = sorted(entries, key=lambda e: lab.term(e.country).casefold())
    years = [y for e in entries for y in e.years]
    first, last = (min(years), max(years)) if years else (0, 0)
    rows = []
    for e in entries:
        year, region, level = e.latest()
        span = f"{min(e.years)}–{max(e.years)}" if len(e.years) > 1 else str(year)
        rows.append(
            f'<tr data-country="{esc(e.country)}"><td><a class="country" href="{esc(country_href(e, lang))}">'
            f"{esc(lab.term(e.country))}</a></td><td>{esc(e.code or '')}</td><td>{esc(span)}</td>"
            f"<td>{esc(region or '')}</td><td>{esc(level or '')} <small>({year})</small></td></tr>"
        )
    head = ("country", "code", "years", "latest-region", "latest-level")
    body = (
        f"<h1>{esc(text(lang, 'countries-title'))}</h1>"
        f'<p class="lead">{esc(text(lang, "countries-lead", first=first, last=last))} '
        f'<a href="/compare{"?labels=" + lang if lang != "en" else ""}">{esc(text(lang, "compare"))}</a>.</p>'
        f'<p class="count">{esc(text(lang, "countries-n", n=len(entries)))}</p>'
        '<div class="scroll"><table class="results countries"><thead><tr>'
        + "".join(f"<th>{esc(text(lang, h))}</th>" for h in head)
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
    return shell(
        text(lang, "countries-title"), body, lang, page="countries", here="/countries", doc_lang=lang
    )


# ---------------------------------------------------------------------------------------------
# /country/KEY


def _chart_title(group: Group, lang: str) -> str:
    key = f"chart-{group.section}-{group.kind}"
    if key in TEXT["en"]:
        return text(lang, key)
    unit = text(lang, group.kind) if group.kind in TEXT["en"] else group.kind
    return f"{_section(lang, group.section)} ({unit})"


def _profile_table(
    profiles: Sequence[ProfileYear], lab: Labeller, lang: str, report_years: Collection[int] = ()
) -> str:
    out = ['<div class="scroll"><table class="results profile"><thead><tr>']
    out.append(f"<th>{esc(text(lang, 'year'))}</th>")
    out += [f"<th>{esc(text(lang, prop.fragment))}</th>" for prop in PROFILE_PROPERTIES]
    out.append("</tr></thead><tbody>")
    for p in profiles:
        link = (
            f'<br><a class="report-link" href="#report-{p.year}">'
            f"<small>{esc(text(lang, 'report-link'))}</small></a>"
            if p.year in report_years
            else ""
        )
        out.append(f'<tr data-year="{p.year}"><th scope="row">{p.year}{link}</th>')
        for prop in PROFILE_PROPERTIES:
            if prop not in p.values:
                out.append(f'<td class="absent"><small>{esc(text(lang, "not-in-file"))}</small></td>')
                continue
            value, source = p.values[prop]
            long = prop == LKG.description
            if long:
                words = str(value).split()
                head = " ".join(words[:14]) + (" …" if len(words) > 14 else "")
                shown = (
                    f'<details class="description"><summary>{esc(head)}</summary>'
                    f'<p lang="en">{esc(value)}</p></details>'
                )
            else:
                shown = f'<span class="value">{esc(value)}</span>'
            cite = f'<div class="cite">{source_html(source, lang, long)}</div>' if source else ""
            out.append(f'<td class="{prop.fragment}">{shown}{cite}</td>')
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def country_page(
    entry: CountryEntry,
    profiles: Sequence[ProfileYear],
    items: Sequence[Value],
    labels: Graph,
    lang: str,
    scale: str = "auto",
    figures: dict[URIRef, str] | None = None,
    reports: str = "",
    report_years: Collection[int] = (),
) -> str:
    """A country's findings: its profile year by year, one chart per kind of figure (with its data table),
    yes/no answers year by year, and every value with its source. ``reports`` is the section of the
    reports as published (:mod:`laborkg.server.reports`), after the profile, whose rows of
    ``report_years`` link to it."""
    lab = Labeller(labels, lang)
    name = lab.term(entry.country)
    order = {s: i for i, s in enumerate(("Enforcements", "Country_Statistics"))}
    items = sorted(
        items,
        key=lambda v: (
            order.get(v.section, 9),
            v.section,
            line_name(v.key, lab, lang).casefold(),
            lab.term(v.good).casefold() if v.good is not None else "",
            v.year,
            str(v.observation),
        ),
    )
    shown = shown_values(items, lab)
    years = sorted({*entry.years, *(v.year for v in items)})
    parts = [f'<h1 class="country">{esc(name)}</h1>']
    facts = []
    if entry.code:
        facts.append(f"{esc(text(lang, 'code'))}: <code>{esc(entry.code)}</code>")
    href = entity_href(str(entry.country))
    if href:
        facts.append(f'<a class="entity" href="{esc(href)}">{esc(text(lang, "entity-page", name=name))}</a>')
    facts.append(
        f'<a href="/countries{"?labels=" + lang if lang != "en" else ""}">{esc(text(lang, "countries"))}</a>'
    )
    parts.append(f'<p class="lead">{" · ".join(facts)}</p>')

    parts.append(f'<h2 id="profile">{esc(text(lang, "profile"))}</h2>')
    parts.append(f'<p class="lead">{esc(text(lang, "profile-lead"))}</p>')
    parts.append(_profile_table(profiles, lab, lang, report_years))
    parts.append(reports)

    groups = chart_groups(items, figures)
    parts.append(f'<h2 id="charts">{esc(text(lang, "charts"))}</h2>')
    if not groups:
        parts.append(f"<p>{esc(text(lang, 'no-figures'))}</p>")
    else:
        parts.append(f'<p class="lead">{esc(text(lang, "charts-lead"))}</p>')
        params = {"labels": lang if lang != "en" else ""}
        parts.append(scale_links(params, scale, lang))
    for n, group in enumerate(groups, 1):
        lines, table_lines = [], []
        for key in sorted(group.keys, key=lambda k: line_name(k, lab, lang).casefold()):
            mine = [
                s for s in shown if s.value.key == key and s.value.good is None and s.value.boolean is None
            ]
            mine = [s for s in mine if s.value.number is not None or s.state]
            label = line_name(key, lab, lang)
            points = line_points(label, mine, lab)
            lines.append(charts.Line(label, str(key[0]), points))
            table_lines.append((label, mine))
        title = _chart_title(group, lang)
        y_label = text(lang, group.kind) if group.kind in TEXT["en"] else group.kind
        svg = charts.line_chart(
            lines,
            years,
            chart_id=f"chart-{n}",
            title=title,
            desc=text(lang, "chart-desc", name=title, n=len(lines), first=years[0], last=years[-1]),
            x_label=text(lang, "reporting-year"),
            y_label=y_label,
            states_label=text(lang, "states"),
            scale=scale,
            log_label=text(lang, "log-axis"),
        )
        parts.append(
            f'<figure class="chart" data-section="{esc(group.section)}" data-kind="{esc(group.kind)}">'
            f"<figcaption><h3>{esc(title)}</h3></figcaption>{svg}"
            f"{pivot_table(table_lines, years, lang, 'chart-data')}</figure>"
        )

    booleans = [s for s in shown if s.value.boolean is not None and s.value.good is None]
    if booleans:
        keys: dict[tuple, list[Shown]] = {}
        for s in booleans:
            keys.setdefault(s.value.key, []).append(s)
        # a yes/no indicator's states (N/A…) belong in its row too
        for s in shown:
            if s.state and s.value.good is None and s.value.key in keys and s not in keys[s.value.key]:
                keys[s.value.key].append(s)
        grid = [(line_name(k, lab, lang), ss) for k, ss in keys.items()]
        parts.append(f'<h2 id="booleans">{esc(text(lang, "booleans"))}</h2>')
        parts.append(pivot_table(grid, years, lang, "booleans", caption=False))

    parts.append(f'<h2 id="values">{esc(text(lang, "values"))}</h2>')
    parts.append(f'<p class="lead">{esc(text(lang, "values-lead", n=len(shown)))}</p>')
    parts.append(values_table(shown, lab, lang))
    return shell(name, "".join(parts), lang, page="country", doc_lang=lang)

"""The comparison page of the USDOL findings series (``/compare``): one indicator across countries, in one
reporting year (bars) or all years (one line per country), with every value and its source. Renders what it
is given, as :mod:`laborkg.server.findings` does; none reads the graph."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import Graph, URIRef

from laborkg.query.render import Labeller
from laborkg.server import charts
from laborkg.server.findings import (
    Shown,
    country_href,
    line_points,
    pivot_table,
    scale_links,
    shown_values,
    text,
    tooltip,
    unit_text,
    values_table,
)
from laborkg.server.pages import esc, shell
from laborkg.server.series import CountryEntry, IndicatorEntry, Value, kind

MANY_LINES = 24
"""A comparison over all years with more lines than this suggests choosing a region."""


@dataclass
class Choice:
    """What the comparison form chose: an indicator, a year (None: all) and a region (None: all)."""

    indicator: URIRef
    year: int | None
    region: str | None
    scale: str = "auto"


def _form(
    choice: Choice,
    indicators: Sequence[IndicatorEntry],
    years: Sequence[int],
    regions: dict[str, tuple[int, int, int]],
    lab: Labeller,
    lang: str,
) -> str:
    def option(value: str, label: str, on: bool) -> str:
        return f'<option value="{esc(value)}"{" selected" if on else ""}>{esc(label)}</option>'

    ind = "".join(
        option(
            str(i.indicator),
            f"{lab.term(i.indicator)} — "
            + text(lang, "figure-of", n=i.figures, c=i.countries, first=i.first, last=i.last),
            i.indicator == choice.indicator,
        )
        for i in sorted(indicators, key=lambda i: lab.term(i.indicator).casefold())
    )
    yrs = option("all", text(lang, "all-years"), choice.year is None) + "".join(
        option(str(y), str(y), y == choice.year) for y in sorted(years, reverse=True)
    )
    regs = option("", text(lang, "all-regions"), choice.region is None) + "".join(
        option(
            r,
            f"{r} ({a}–{b}, {text(lang, 'countries-n', n=n)})" if a != b else f"{r} ({a}, {n})",
            r == choice.region,
        )
        for r, (a, b, n) in regions.items()
    )
    scales = "".join(option(s, text(lang, s), s == choice.scale) for s in ("auto", "linear", "log"))
    hidden = f'<input type="hidden" name="labels" value="{esc(lang)}">' if lang != "en" else ""
    return (
        '<form class="card compare-form" method="get" action="/compare"><div class="row">'
        f"<label>{esc(text(lang, 'indicator'))} "
        f'<select name="indicator" id="indicator">{ind}</select></label>'
        f'<label>{esc(text(lang, "year"))} <select name="year" id="year">{yrs}</select></label>'
        f'<label>{esc(text(lang, "region"))} <select name="region" id="region">{regs}</select></label>'
        f'<label>{esc(text(lang, "scale"))} <select name="scale" id="scale">{scales}</select></label>'
        f'{hidden}<button type="submit" id="show">{esc(text(lang, "show"))}</button></div></form>'
    )


def compare_page(
    choice: Choice,
    items: Sequence[Value],
    entries: dict[URIRef, CountryEntry],
    indicators: Sequence[IndicatorEntry],
    regions: dict[str, tuple[int, int, int]],
    labels: Graph,
    lang: str,
) -> str:
    """One indicator across countries: a bar chart (one year) or a line chart (all years), the values with
    their sources under it, and the form that chooses them."""
    lab = Labeller(labels, lang)
    years = sorted({y for e in entries.values() for y in e.years})
    name = lab.term(choice.indicator)
    parts = [
        f"<h1>{esc(text(lang, 'compare-title'))}</h1>",
        f'<p class="lead">{esc(text(lang, "compare-lead"))}</p>',
    ]
    parts.append(_form(choice, indicators, years, regions, lab, lang))
    items = [v for v in items if v.good is None]
    items = sorted(items, key=lambda v: (lab.term(v.country).casefold(), v.year, str(v.observation)))
    shown = shown_values(items, lab)
    with_number = {s.value.country for s in shown if s.value.number is not None}
    state_only = {s.value.country for s in shown if s.state} - with_number
    when = str(choice.year) if choice.year is not None else text(lang, "all-years")
    region = f" · {choice.region}" if choice.region else ""
    title = f"{name} — {when}{region}"
    desc = text(lang, "compare-desc", name=name, when=when, n=len(with_number), s=len(state_only))
    units = sorted({unit_text(s.value, lab) for s in shown if s.value.number is not None} - {""})
    kinds = {kind(s.value) for s in shown if s.value.number is not None}
    axis = text(lang, kinds.pop()) if len(kinds) == 1 else " / ".join(units) or text(lang, "value")
    parts.append(f'<h2 id="chart-head">{esc(title)}</h2><p class="lead">{esc(desc)}</p>')
    if not shown:
        parts.append(f'<p class="empty">{esc(text(lang, "compare-none"))}</p>')
    elif choice.year is not None:
        bars = []
        ordered = sorted(
            shown,
            key=lambda s: (
                s.value.amount is None,
                -(s.value.amount or 0),
                lab.term(s.value.country).casefold(),
            ),
        )
        counts: dict[URIRef, int] = {}
        for s in shown:
            counts[s.value.country] = counts.get(s.value.country, 0) + 1
        for s in ordered:
            if s.value.number is None and not s.state:
                continue  # a yes/no answer: in the table only
            c = s.value.country
            label = lab.term(c) + (f" ({s.value.age})" if counts[c] > 1 and s.value.age else "")
            entry = entries.get(c)
            bars.append(
                charts.Bar(
                    label,
                    str(c),
                    s.value.amount if not s.state else None,
                    s.text,
                    f"#{s.row_id}",
                    country_href(entry, lang) if entry else None,
                    tooltip(lab.term(c), s, lab),
                )
            )
        parts.append(scale_links(_compare_params(choice, lang), choice.scale, lang))
        parts.append(
            '<figure class="chart compare">'
            + charts.bar_chart(
                bars,
                chart_id="compare-chart",
                title=title,
                desc=desc,
                x_label=axis,
                scale=choice.scale,
                log_label=text(lang, "log-axis"),
            )
            + "</figure>"
        )
    else:
        by_country: dict[URIRef, list[Shown]] = {}
        for s in shown:
            if s.value.number is not None or s.state:
                by_country.setdefault(s.value.country, []).append(s)
        lines, table_lines = [], []
        for c, ss in by_country.items():
            label = lab.term(c)
            points = line_points(label, ss, lab)
            lines.append(charts.Line(label, str(c), points))
            table_lines.append((label, ss))
        if len(lines) > MANY_LINES and not choice.region:
            parts.append(f'<p class="hint">{esc(text(lang, "lines-many", n=len(lines)))}</p>')
        parts.append(scale_links(_compare_params(choice, lang), choice.scale, lang))
        svg = charts.line_chart(
            lines,
            years,
            chart_id="compare-chart",
            title=title,
            desc=desc,
            x_label=text(lang, "reporting-year"),
            y_label=axis,
            states_label=text(lang, "states"),
            scale=choice.scale,
            log_label=text(lang, "log-axis"),
        )
        data = pivot_table(table_lines, years, lang, "chart-data")
        parts.append(f'<figure class="chart compare">{svg}{data}</figure>')
    if shown:
        parts.append(f'<h2 id="values">{esc(text(lang, "values"))}</h2>')
        parts.append(f'<p class="lead">{esc(text(lang, "values-lead", n=len(shown)))}</p>')
        parts.append(values_table(shown, lab, lang, with_country=True))
    return shell(
        text(lang, "compare-title"), "".join(parts), lang, page="compare", here="/compare", doc_lang=lang
    )


def _compare_params(choice: Choice, lang: str) -> dict[str, str]:
    return {
        "indicator": str(choice.indicator),
        "year": "all" if choice.year is None else str(choice.year),
        "region": choice.region or "",
        "labels": lang if lang != "en" else "",
    }

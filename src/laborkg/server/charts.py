"""Charts of the web view drawn on the server as inline SVG: no script, no library, nothing fetched, and
testable as markup. A line chart (years across, one line per series) and a bar chart (one bar per row).

A value a file gives as a state instead of a figure (``N/A``, ``Unknown``…) is never drawn as a number: the
line has a gap there, and the state is written, by name, in a band under the axis (line chart) or in place
of the bar (bar chart). Every text is escaped; every point can link to the table row that cites its
source. Each chart has a ``<title>`` and ``<desc>`` and axis labels; the pages put a data table beside it."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#3d3d3d", "#8c564b")
"""Line colours (Okabe–Ito's, with brown for their yellow); markers and dashes tell lines apart too."""
MARKERS = ("circle", "square", "triangle", "diamond")
DASHES = ("", "6 3", "2 3", "8 3 2 3")


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def esc(text) -> str:
    """Text as character data or an attribute value, escaped; characters XML does not allow become U+FFFD
    (so each chart is a well-formed SVG document of its own too)."""
    return _NOT_XML.sub("\ufffd", html.escape("" if text is None else str(text), quote=True))


def number_text(value: float) -> str:
    """A tick label: thousands separated, no trailing zeros."""
    d = Decimal(repr(value)).normalize()
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d:,f}"


def nice_step(span: float, ticks: int = 5) -> float:
    """A step of 1, 2 or 5 × 10ⁿ giving about ``ticks`` intervals over ``span``."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def auto_scale(groups: Sequence[Sequence[float]]) -> str:
    """``log`` when the largest numbers of the groups (lines) differ by more than 100 times (the smaller
    lines would lie flat on a linear axis), else ``linear``."""
    tops = [max(g) for g in groups if g and max(g) > 0]
    return "log" if tops and max(tops) > 100 * min(tops) else "linear"


class Scale:
    """Maps numbers to a pixel range: linear from 0, or ``log`` (log₁₀(1 + v), so that 0 stays 0)."""

    def __init__(self, numbers: Sequence[float], low: float, high: float, kind: str = "linear") -> None:
        self.low, self.high = low, high
        self.kind = "log" if kind == "log" and all(n >= 0 for n in numbers) else "linear"
        top = max([0.0, *numbers])
        if self.kind == "log":
            self.top = float(max(1, math.ceil(math.log10(1 + top))))
            self.ticks = [0.0] + [10.0**k for k in range(int(self.top) + 1) if 10.0**k <= 10**self.top]
            self.ticks = [t for t in self.ticks if self._f(t) <= self.top + 1e-9 and (t != 1 or self.top < 3)]
        else:
            step = nice_step(top if top > 0 else 1.0)
            self.top = step * math.ceil((top if top > 0 else 1.0) / step)
            count = round(self.top / step)
            self.ticks = [round(i * step, 10) for i in range(count + 1)]

    def _f(self, value: float) -> float:
        return math.log10(1 + value) if self.kind == "log" else value

    def __call__(self, value: float) -> float:
        share = self._f(max(value, 0.0) if self.kind == "log" else value) / self.top
        return round(self.low + (self.high - self.low) * share, 2)


@dataclass
class Point:
    """One value of a series: a number (``y``), or a state (``y`` None, ``text`` the state as written)."""

    x: int
    y: float | None
    text: str
    href: str | None = None
    title: str = ""


@dataclass
class Line:
    """A series: its name (the legend), a key for the markup (``data-key``: an IRI) and its points."""

    name: str
    key: str
    points: list[Point]


@dataclass
class Bar:
    """A row of a bar chart: a number, or a state written in place of the bar."""

    label: str
    key: str
    y: float | None
    text: str
    href: str | None = None
    label_href: str | None = None
    title: str = ""


def _style(i: int) -> tuple[str, str, str]:
    return PALETTE[i % len(PALETTE)], MARKERS[i % len(MARKERS)], DASHES[(i // len(PALETTE)) % len(DASHES)]


def _marker(
    shape: str, x: float, y: float, colour: str, attrs: str, size: float = 4.5, inner: str = "", css="point"
) -> str:
    """A point's marker (circle, square, triangle or diamond), with ``inner`` markup (its title)."""
    common = f'class="{css}" fill="{colour}" stroke="#fff" stroke-width="1"{attrs}'
    if shape == "square":
        tag, shape_attrs = (
            "rect",
            f'x="{x - size:.2f}" y="{y - size:.2f}" width="{2 * size}" height="{2 * size}"',
        )
    elif shape == "triangle":
        s = size * 1.25
        tag, shape_attrs = (
            "path",
            f'd="M{x:.2f} {y - s:.2f}L{x + s:.2f} {y + s * 0.8:.2f}L{x - s:.2f} {y + s * 0.8:.2f}Z"',
        )
    elif shape == "diamond":
        s = size * 1.3
        tag, shape_attrs = (
            "path",
            f'd="M{x:.2f} {y - s:.2f}L{x + s:.2f} {y:.2f}L{x:.2f} {y + s:.2f}L{x - s:.2f} {y:.2f}Z"',
        )
    else:
        tag, shape_attrs = "circle", f'cx="{x:.2f}" cy="{y:.2f}" r="{size}"'
    return f"<{tag} {common} {shape_attrs}>{inner}</{tag}>" if inner else f"<{tag} {common} {shape_attrs}/>"


def _swatch(i: int, x: float, y: float) -> str:
    colour, shape, dash = _style(i)
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{x}" y1="{y}" x2="{x + 28}" y2="{y}" stroke="{colour}" stroke-width="2.5"{dashed}/>'
        + _marker(shape, x + 14, y, colour, ' aria-hidden="true"', 4, css="mark")
    )


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters (words kept whole, a longer word cut)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[: width - 1] + "…")
            word = ""
        if not word:
            continue
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines or [""]


def _header(chart_id: str, css: str, width: int, height: int, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" id="{esc(chart_id)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{esc(chart_id)}-title {esc(chart_id)}-desc">'
        f'<title id="{esc(chart_id)}-title">{esc(title)}</title>'
        f'<desc id="{esc(chart_id)}-desc">{esc(desc)}</desc>'
    )


def line_chart(
    lines: Sequence[Line],
    years: Sequence[int],
    *,
    chart_id: str,
    title: str,
    desc: str,
    x_label: str,
    y_label: str,
    states_label: str,
    scale: str = "auto",
    log_label: str = "log scale",
) -> str:
    """An SVG line chart: ``years`` across, one line per series joining the years that have exactly one
    number (a year with a state, no value or several values breaks the line), a legend on the right, and a
    band under the axis naming each state where a line has one. ``scale``: linear, log or auto
    (:func:`auto_scale`); a log axis says so in its label."""
    width, left, right, top, plot_h = 960, 100, 640, 24, 300
    bottom = top + plot_h
    years = sorted(set(years))
    numbers = [p.y for line in lines for p in line.points if p.y is not None]
    if scale == "auto":
        scale = auto_scale([[p.y for p in line.points if p.y is not None] for line in lines])
    ys = Scale(numbers, bottom, top, scale)
    if ys.kind == "log":
        y_label = f"{y_label} ({log_label})"
    span = max(len(years) - 1, 1)
    step = (right - left - 48) / span

    def x_of(year: int) -> float:
        return round(left + 24 + (step * years.index(year) if len(years) > 1 else (right - left - 48) / 2), 2)

    # the legend, on the right; its height may set the chart's
    legend, ly = [], top
    for i, line in enumerate(lines):
        rows = _wrap(line.name, 34)
        legend.append(f'<g class="legend-item" data-key="{esc(line.key)}">{_swatch(i, 668, ly + 6)}')
        for k, text in enumerate(rows):
            legend.append(f'<text class="legend" x="704" y="{ly + 10 + 15 * k}">{esc(text)}</text>')
        legend.append("</g>")
        ly += 15 * len(rows) + 8

    # the states band: one row per line with a state, two levels where a state is too long for its column
    fits = max(int(step / 6.2), 3)
    band: list[tuple[int, Line, dict[int, list[Point]], bool]] = []
    for i, line in enumerate(lines):
        states: dict[int, list[Point]] = {}
        for p in line.points:
            if p.y is None and p.x in years:
                states.setdefault(p.x, []).append(p)
        if states:
            long = any(len(" / ".join(dict.fromkeys(p.text for p in ps))) > fits for ps in states.values())
            band.append((i, line, states, long))
    band_top = int(max(bottom + 64, ly + 20 if band else 0))  # below the legend: the rows name their lines
    band_h = sum(30 if long else 18 for *_, long in band) + 12 if band else 0
    height = int(max(band_top + band_h + 8, ly + 8))

    out = [_header(chart_id, "line-chart", width, height, title, desc)]
    out.append(f'<g class="axes" data-scale="{ys.kind}">')
    for t in ys.ticks:
        y = ys(t)
        out.append(
            f'<line class="grid" x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="#e3e7ed"/>'
            f'<text class="tick y" x="{left - 8}" y="{y + 4}" text-anchor="end">{esc(number_text(t))}</text>'
        )
    out.append(f'<line class="axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#7a8594"/>')
    out.append(f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#7a8594"/>')
    for year in years:
        x = x_of(year)
        out.append(
            f'<line x1="{x}" y1="{bottom}" x2="{x}" y2="{bottom + 5}" stroke="#7a8594"/>'
            f'<text class="tick x" x="{x}" y="{bottom + 20}" text-anchor="middle">{year}</text>'
        )
    out.append(
        f'<text class="axis-label x" x="{(left + right) / 2}" y="{bottom + 42}" text-anchor="middle">'
        f"{esc(x_label)}</text>"
        f'<text class="axis-label y" x="{-(top + bottom) / 2}" y="16" transform="rotate(-90)" '
        f'text-anchor="middle">{esc(y_label)}</text>'
    )
    out.append("</g>")

    for i, line in enumerate(lines):
        colour, shape, dash = _style(i)
        by_year: dict[int, list[Point]] = {}
        for p in line.points:
            by_year.setdefault(p.x, []).append(p)
        single = {yr: ps[0].y for yr, ps in by_year.items() if len(ps) == 1 and ps[0].y is not None}
        segments, run = [], []
        for year in years:
            if year in single:
                run.append(f"{x_of(year)} {ys(single[year])}")
            else:
                if len(run) > 1:
                    segments.append("M" + "L".join(run))
                run = []
        if len(run) > 1:
            segments.append("M" + "L".join(run))
        out.append(f'<g class="series" data-key="{esc(line.key)}" data-series="{i}">')
        out.append(f"<title>{esc(line.name)}</title>")
        if segments:
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<path class="line" d="{" ".join(segments)}" fill="none" stroke="{colour}" '
                f'stroke-width="2.5"{dashed}/>'
            )
        for p in line.points:
            if p.y is None or p.x not in years:
                continue
            several = len([q for q in by_year[p.x] if q.y is not None]) > 1
            attrs = f' data-year="{p.x}" data-value="{esc(p.text)}"' + (
                ' data-several="true"' if several else ""
            )
            title = f"<title>{esc(p.title or p.text)}</title>"
            mark = _marker(shape, x_of(p.x), ys(p.y), colour, attrs, inner=title)
            out.append(f'<a href="{esc(p.href)}">{mark}</a>' if p.href else mark)
        out.append("</g>")

    if band:
        out.append(
            f'<g class="states"><text class="band-label" x="10" y="{band_top}">{esc(states_label)}</text>'
        )
        y = band_top + 4
        for i, line, states, long in band:
            y += 18
            name = line.name if len(line.name) <= 40 else line.name[:39] + "…"
            out.append(f'<g class="state-row" data-key="{esc(line.key)}">{_swatch(i, 24, y - 4)}')
            out.append(
                f'<title>{esc(line.name)}</title><text class="legend" x="668" y="{y}">{esc(name)}</text>'
            )
            for year, ps in sorted(states.items()):
                text = " / ".join(dict.fromkeys(p.text for p in ps))
                level = 12 if long and years.index(year) % 2 else 0
                label = (
                    f'<text class="state" x="{x_of(year)}" y="{y + level}" text-anchor="middle" '
                    f'data-year="{year}" data-state="{esc(text)}"><title>{esc(ps[0].title or text)}</title>'
                    f"{esc(text)}</text>"
                )
                out.append(f'<a href="{esc(ps[0].href)}">{label}</a>' if ps[0].href else label)
            out.append("</g>")
            y += 12 if long else 0
        out.append("</g>")
    out.append(f'<g class="legend">{"".join(legend)}</g></svg>')
    return "".join(out)


def bar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    desc: str,
    x_label: str,
    scale: str = "linear",
    log_label: str = "log scale",
) -> str:
    """An SVG bar chart: one row per bar, the label on the left (linked), the bar scaled from 0 with its
    value written after it; a state is written where the bar would be, never drawn as 0. Bars are linear
    unless ``scale`` is log (``auto`` is linear: a bar's length is its value)."""
    width, left, right, top, row_h = 960, 270, 860, 56, 22
    height = top + row_h * max(len(bars), 1) + 16
    numbers = [b.y for b in bars if b.y is not None]
    xs = Scale(numbers, left, right, scale)
    if xs.kind == "log":
        x_label = f"{x_label} ({log_label})"
    out = [_header(chart_id, "bar-chart", width, height, title, desc)]
    out.append(
        f'<g class="axes"><text class="axis-label x" x="{(left + right) / 2}" y="16" text-anchor="middle">'
        f"{esc(x_label)}</text>"
    )
    for t in xs.ticks:
        x = xs(t)
        out.append(
            f'<line class="grid" x1="{x}" y1="{top - 6}" x2="{x}" y2="{height - 12}" stroke="#e3e7ed"/>'
            f'<text class="tick x" x="{x}" y="{top - 12}" text-anchor="middle">{esc(number_text(t))}</text>'
        )
    out.append(
        f'<line class="axis" x1="{left}" y1="{top - 6}" x2="{left}" y2="{height - 12}" stroke="#7a8594"/></g>'
    )
    for i, bar in enumerate(bars):
        y = top + row_h * i
        name = bar.label if len(bar.label) <= 38 else bar.label[:37] + "…"
        label = f'<text class="bar-label" x="{left - 10}" y="{y + 15}" text-anchor="end">{esc(name)}</text>'
        if bar.label_href:
            label = f'<a href="{esc(bar.label_href)}">{label}</a>'
        out.append(f'<g class="bar-row" data-key="{esc(bar.key)}"><title>{esc(bar.label)}</title>{label}')
        if bar.y is None:
            mark = (
                f'<text class="state" x="{left + 6}" y="{y + 15}" data-state="{esc(bar.text)}">'
                f"<title>{esc(bar.title or bar.text)}</title>{esc(bar.text)}</text>"
            )
        else:
            end = xs(bar.y)
            size = f'x="{left}" y="{y + 3}" width="{max(end - left, 1.5):.2f}" height="{row_h - 6}"'
            mark = (
                f'<rect class="bar" {size} fill="{PALETTE[0]}" data-value="{esc(bar.text)}">'
                f"<title>{esc(bar.title or bar.text)}</title></rect>"
                f'<text class="value" x="{max(end, left) + 6:.2f}" y="{y + 15}">{esc(bar.text)}</text>'
            )
        out.append((f'<a href="{esc(bar.href)}">{mark}</a>' if bar.href else mark) + "</g>")
    out.append("</svg>")
    return "".join(out)

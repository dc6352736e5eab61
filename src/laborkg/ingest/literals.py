"""Findings values as data: numbers, Yes/No, percentages on one scale, and explicit states (N/A, Unknown)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

# --------------------------------------------------------------------------------------------
# Values as data
# --------------------------------------------------------------------------------------------

#: Texts that stand for no figure, kept verbatim as explicit states (lkg:valueNote), never as 0.
#: "Unknown*" carries a footnote mark whose note the XML does not include; "MTC" (2017) is unexplained;
#: "NA" (Mechanisms, 2018-2021) is written for "N/A".
STATES = {"N/A", "NA", "Not Applicable", "Unknown", "Unknown*", "Unavailable", "MTC", "None"}


@dataclass(frozen=True)
class Parsed:
    """A value as data: a number, a boolean or an explicit state, with a note where it was ambiguous
    or carried more than the figure (a footnote mark, "million"), and ``usd`` when written with "$"."""

    number: Decimal | None = None
    boolean: bool | None = None
    state: str | None = None
    note: str | None = None
    usd: bool = False


_NUMBER = re.compile(
    r"(?P<usd>\$)?\s*(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<million>\s*[Mm]illion)?\s*(?P<mark>[*†‡]+)?"
)


def parse_number(text: str) -> Parsed | None:
    """``"1,234"`` -> 1234, ``"$4.5 million"`` -> 4500000 (exact decimals); a trailing footnote mark
    (*, †, ‡: its note is not in the XML) is noted; states kept; None if not a number or a state."""
    t = text.strip()
    if t in STATES:
        return Parsed(state=t)
    m = _NUMBER.fullmatch(t)
    if not m:
        return None
    n = Decimal(m["n"].replace(",", ""))
    notes = []
    if m["million"]:
        n *= 1_000_000
        notes.append(f"written '{t}'; 'million' multiplied out, the figure is as rounded as written")
    if m["mark"]:
        notes.append(f"footnote mark '{m['mark']}' in the source; the XML does not include its note")
    return Parsed(number=n, note="; ".join(notes) or None, usd=bool(m["usd"]))


def parse_boolean(text: str) -> Parsed | None:
    """``"Yes"``/``"No"`` (any case) -> booleans, a trailing footnote mark ("Yes*") read off and noted;
    states kept; None otherwise (a number is not read as a boolean)."""
    t = text.strip()
    if t in STATES:
        return Parsed(state=t)
    core = t.rstrip("*†‡").rstrip()
    answer = {"yes": True, "no": False}.get(core.lower())
    if answer is None:
        return None
    mark = t[len(core) :].strip()
    note = f"footnote mark '{mark}' in the source; the XML does not include its note" if mark else None
    return Parsed(boolean=answer, note=note)


def parse_percent(text: str, year: int) -> Parsed | None:
    """A percentage, on one scale (percent). 2014-2015 write percents ("99.3"); from 2016 on values
    are fractions ("0.609" -> 60.9) except the few written as percents (>= 2, kept as written, with
    a note); "1" and other values in [1, 2) from 2016 on are read as fractions (a completion rate
    may exceed 100 percent) and the reading is noted when the text is exactly "1"."""
    p = parse_number(text.rstrip().rstrip("%"))
    if p is None or p.number is None:
        return p
    if p.usd or "million" in (p.note or ""):
        return None
    n, notes = p.number, [p.note] if p.note else []
    if year <= 2015 or text.strip().endswith("%"):
        pct = n
    elif n >= 2:
        pct = n
        notes.append(f"'{text.strip()}' is written as a percent among fractions; kept as written")
    else:
        pct = n * 100
        if n == 1:
            notes.append("'1' is ambiguous (1 percent or the fraction 1); read as the fraction 1")
    return Parsed(number=pct, note="; ".join(notes) or None)

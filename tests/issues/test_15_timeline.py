"""Issue 15: ratifications, enactments and amendments dated to the month or day are on the timeline."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from rdflib.namespace import RDF, XSD

from laborkg import paths
from laborkg.backends.oxigraph import OxigraphStore
from laborkg.namespace import LKG, LKR

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DAY = rf"(?:{MONTHS}) \d{{1,2}},? \d{{4}}"
# What seed 002 dates to the day: a ratification in its prose, enactments, amendments and amending decrees
# in its reference list.
DATED = [
    re.compile(rf"ratified [^.]* on ({DAY})"),
    re.compile(rf"Enacted: ({DAY})"),
    re.compile(rf"Amended ({DAY})"),
    re.compile(rf"^- \d+ [^\n]*(?:Decreto|DECRETO) por el que se reforma[^\n]*\. ({DAY})\.", re.M),
]


def _iso(text: str) -> str:
    return dt.datetime.strptime(text.replace(",", ""), "%B %d %Y").date().isoformat()


@pytest.fixture(scope="module")
def store(built_store):
    with OxigraphStore(built_store) as opened:
        yield opened


def _timeline(store, **params) -> list[dict]:
    return store.query("timeline", params, timeout=60).dicts()


def test_november_2022_shows_the_ratification_of_the_forced_labor_protocol(store):
    # Seed 002: "The government ratified the Protocol of 2014 to the Forced Labor Convention, 1930 on
    # November 10, 2022. (65)"
    rows = _timeline(store, **{"from": "2022-11-01", "to": "2022-11-30"})
    ratification = LKR["ratification-mexico-protocol-of-2014-to-the-forced-labor-convention-1930"]
    found = [r for r in rows if r["event"] == ratification]
    assert len(found) == 1, rows
    assert str(found[0]["date"]) == "2022-11-10" and found[0]["kind"] == LKG.Ratification


def test_every_dated_event_and_ratification_of_the_data_is_on_the_timeline(store, kg):
    on_timeline = {r["event"]: str(r["date"]) for r in _timeline(store)}
    dated = {
        s: str(d)
        for s, d in kg.subject_objects(LKG.date)
        if (s, RDF.type, LKG.Event) in kg or (s, RDF.type, LKG.Ratification) in kg
    }
    precise = {s for s, d in kg.subject_objects(LKG.date) if d.datatype in (XSD.date, XSD.gYearMonth)}
    assert precise and precise <= set(dated), precise - set(dated)  # every date to the month or day: an event
    assert {s: on_timeline.get(s) for s in dated} == dated


def test_every_day_seed_002_gives_a_ratification_or_law_is_on_the_timeline(store):
    text = next(paths.SEEDS_DIR.glob("002_*.txt")).read_text(encoding="utf-8")
    days = {_iso(m) for pattern in DATED for m in pattern.findall(text)}
    assert len(days) >= 7, days  # 2022-11-10, four enactments, 2022-05-18, 2022-04-05, 2019-05-01
    timeline = {str(r["date"]) for r in _timeline(store)}
    assert days <= timeline, sorted(days - timeline)

"""Issue 16: Table 2's † and ‡ marks of a report read as the notes under the table define them."""

from __future__ import annotations

import re

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, RDFS, SKOS
from support.reports import REPORTS, require_reports

from laborkg.ingest.report_facts import map_report
from laborkg.ingest.report_pdf import read_report
from laborkg.namespace import LKG, LKR

_CACHE: dict[str, tuple] = {}


def _mapped(name: str):
    require_reports()
    if name not in _CACHE:
        report = read_report(REPORTS / name)
        _CACHE[name] = (report, map_report(report)[0])
    return _CACHE[name]


def _activities(g) -> dict[str, object]:
    return {str(g.value(a, RDFS.label)): a for a in g.subjects(RDF.type, LKG.ChildLaborActivity)}


def _quotes(g, node) -> list[str]:
    return [" ".join(str(g.value(p, LKG.quote)).split()) for p in g.objects(node, LKG.source)]


def _table2_text(report) -> str:
    page = next(p for p in report.pages if "Table 2." in p.text)
    return " ".join(page.text.split())


@pytest.mark.parametrize("name", ["brazil_2019.pdf", "mexico_2021.pdf"])
def test_a_marked_activity_is_hazardous_and_an_unmarked_one_is_not(name):
    report, g = _mapped(name)
    text = _table2_text(report)
    acts = _activities(g)
    hazardous = {label for label, a in acts.items() if (a, LKG.hazardous, Literal(True)) in g}
    assert hazardous
    # "Domestic work" is printed with † in Brazil's 2019 report and without it in Mexico's 2021 report
    marked = "Domestic work†" in text
    assert marked == (name == "brazil_2019.pdf")
    assert ("Domestic work" in hazardous) == marked
    for label, a in acts.items():
        assert not re.search("[†‡]", label), label  # the words without the marks
        quotes = _quotes(g, a)
        printed = label.removeprefix("Production of ") if g.value(a, LKG.ownLabel) else label
        if label in hazardous:
            # a mark stands after the label's first words in the passage as printed; the note is cited
            assert any(re.search(re.escape(printed.split()[0]) + r"[^(†]*†", q) for q in quotes), label
            assert any(q.startswith("† ") and "hazardous" in q for q in quotes), label
        else:
            assert not any(re.search(re.escape(printed) + r",?†", q) for q in quotes), label


def test_categorical_worst_forms_are_the_activities_of_the_sector_marked_with_the_double_dagger():
    report, g = _mapped("mexico_2021.pdf")
    assert "Forms of Child Labor‡" in _table2_text(report)
    sector = LKR["sector-categorical-worst-forms-of-child-labor"]
    acts = set(g.subjects(RDF.type, LKG.ChildLaborActivity))
    categorical = {a for a in acts if (a, LKG.categoricalWorstForm, Literal(True)) in g}
    assert categorical and categorical == {a for a in acts if (a, LKG.inSector, sector) in g}
    for a in categorical:
        assert any(q.startswith("‡ ") and "per se" in q for q in _quotes(g, a))


def test_a_row_listing_crops_gives_one_activity_per_crop_with_its_own_mark():
    """ "Working in agriculture,† including in the production of avocados, …, tobacco,† and tomatoes": one
    "Production of …" per crop (laborkg's label), narrower than the row; only tobacco carries the †."""
    report, g = _mapped("mexico_2021.pdf")
    text = _table2_text(report)
    listed = re.search(r"including in the production of (.+?) \(\d", text).group(1)
    crops = [c.strip(" †").removeprefix("and ").strip() for c in re.split(r",(?![^(]*\))", listed)]
    crops = [c for c in crops if c]
    acts = _activities(g)
    for crop in crops:
        node = acts[f"Production of {crop}"]
        assert g.value(node, LKG.ownLabel) == Literal(f"Production of {crop}", lang="en")
        row = g.value(node, SKOS.broader)
        assert str(g.value(row, RDFS.label)).startswith("Working in agriculture, including")
        marked = re.search(re.escape(crop) + r",?†", listed) is not None
        assert ((node, LKG.hazardous, Literal(True)) in g) == marked, crop
    assert "tobacco" in crops and "tobacco" not in acts  # the marked crop is one activity, not two

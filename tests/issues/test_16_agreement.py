"""Issue 16: a report's facts agree with USDOL's structured data as the targets say, differences kept."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from rdflib.namespace import RDF, RDFS

from laborkg import paths
from laborkg.ingest.crosscheck import SPELLINGS, state
from laborkg.ingest.crosscheck_values import Value, agree
from laborkg.ingest.report_facts import map_report
from laborkg.ingest.report_pdf import read_report
from laborkg.ingest.report_tables import read_tables
from laborkg.namespace import LKG, LKR

REPORTS = Path(
    os.environ.get("LABORKG_REPORTS_DIR") or Path(paths.ROOT).parent / "shared" / "reports" / "pdf"
)
PDFS = sorted(REPORTS.glob("*.pdf")) if REPORTS.is_dir() else []

#: Reports whose agreement on all comparable values misses the 90% target, and the one kind of value
#: every difference left is of (docs/reports.md, Known gaps): real wording, not an extraction artefact.
MISSED = {"brazil_2021.pdf": "suggested actions"}


def _require() -> None:
    from support.findings import require_findings

    require_findings()
    if PDFS:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{REPORTS} is missing and CI is set: the report PDFs must be provided", pytrace=False)
    pytest.skip(f"{REPORTS} is absent (USDOL report PDFs, never committed)")


_MEASURED: dict[str, Any] = {}


def _measure(name: str):
    from support.findings import FINDINGS

    from laborkg.ingest.report_quality import measure

    if name not in _MEASURED:
        _MEASURED[name] = measure(REPORTS / name, FINDINGS)
    return _MEASURED[name]


# --------------------------------------------------------------------------------------------
# States spelled two ways
# --------------------------------------------------------------------------------------------


def test_not_applicable_is_n_a_and_other_states_stay_apart():
    assert state("Not Applicable") == state("N/A") == state(" n/a ")
    assert state("Unknown") != state("Unavailable") != state("N/A")
    same, notes = agree(Value(note="N/A"), Value(note="Not Applicable"))
    assert same and notes == ["the same state, spelled 'N/A' and 'Not Applicable'"]
    assert agree(Value(note="N/A"), Value(note="n/a")) == (True, [])
    for a, b in (("N/A", "Unknown"), ("Unknown", "Unavailable"), ("None", "N/A"), ("Not Applicable", "No")):
        assert agree(Value(note=a), Value(note=b))[0] is False, (a, b)
    assert agree(Value(boolean=False), Value(note="Not Applicable"))[0] is False
    assert set(SPELLINGS) == {"not applicable"}  # each equivalence is documented in docs/reports.md


def test_every_spelling_is_documented():
    text = (Path(paths.ROOT) / "docs" / "reports.md").read_text(encoding="utf-8")
    for written, compared in SPELLINGS.items():
        assert f'"{written.title()}"' in text and f'"{compared.upper()}"' in text


# --------------------------------------------------------------------------------------------
# Table 7's first training row of the 2019-2020 layout
# --------------------------------------------------------------------------------------------


def test_training_for_investigators_is_read_from_mexico_2019():
    _require()
    report = read_report(REPORTS / "mexico_2019.pdf")
    row = next(r for r in read_tables(report)[7].rows if r.cells[0] == "Training for Investigators")
    assert row.page == 7 and row.cells[1:] == ["Yes (35)", "Yes (93)"]
    assert "Training for Investigators" in report.page(7).text
    g, summary = map_report(report)
    assert not [u for u in summary.unmapped if "Training for Investigators" in u]
    ind = LKR["indicator-findings-criminal-new-employee-training"]
    for year, ref in (("2018", 35), ("2019", 93)):
        obs = [o for o in g.subjects(LKG.indicator, ind) if str(g.value(o, LKG.refYear)) == year]
        assert len(obs) == 1, year
        assert g.value(obs[0], LKG.booleanValue).toPython() is True
        assert "Criminal_New_Employee_Training" in str(g.value(obs[0], RDFS.comment))
        (passage,) = [
            p
            for p in g.objects(obs[0], LKG.source)
            if "Training for Investigators" in str(g.value(p, LKG.quote))
        ]
        assert int(g.value(passage, LKG.page)) == 7
        assert str(g.value(passage, LKG.quote)) in report.page(7).text
        assert ref in {int(n) for n in g.objects(passage, LKG.endnote)}
    assert (ind, RDF.type, LKG.Indicator) in g


def test_worksite_inspections_35981_against_unknown_stays_a_difference():
    _require()
    q = _measure("mexico_2019.pdf")
    differences = [d for d in q.differences if d.startswith("enforcement:")]
    assert len(differences) == 1, q.differences
    assert "worksite, 2019" in differences[0]
    assert "report '35,981', structured 'Unknown'" in differences[0]


# --------------------------------------------------------------------------------------------
# The targets, report by report
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pdf", PDFS, ids=[p.stem for p in PDFS])
def test_agreement_meets_the_targets(pdf):
    """>= 95% on the enforcement figures and >= 90% on all comparable values; a report that misses the
    second (MISSED) misses it only by differences of the documented kind."""
    _require()
    q = _measure(pdf.name)
    agree_, total = q.share(("enforcement",))
    assert total >= 20 and agree_ / total >= 0.95, (agree_, total, q.differences)
    agree_, total = q.share()
    if pdf.name in MISSED:
        assert agree_ / total < 0.90, f"{pdf.name} meets the target now: drop it from MISSED and the docs"
        kinds = {d.split(":")[0] for d in q.differences}
        assert kinds == {MISSED[pdf.name]}, q.differences
    else:
        assert agree_ / total >= 0.90, (agree_, total, q.differences)

"""USDOL Findings XML: verified reading, provenance round-trip, countries, values, inventory in sync."""

from __future__ import annotations

import os
import random
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, RDFS, SKOS

from laborkg import paths
from laborkg.errors import InputError
from laborkg.ingest import countries as cty
from laborkg.ingest import findings as f
from laborkg.ingest import literals as lit
from laborkg.ingest import usdol_xml as xml_
from laborkg.namespace import LKG, LKR

FINDINGS = Path(paths.ROOT).parent / "shared" / "findings"

if not FINDINGS.is_dir():
    if os.environ.get("CI"):
        pytest.fail(f"{FINDINGS} is missing and CI is set: the findings data must be provided", pytrace=False)
    pytest.skip(f"{FINDINGS} is absent (USDOL findings XML, never committed)", allow_module_level=True)


@pytest.fixture(scope="module")
def loaded():
    return [xml_.load(p) for p in xml_.find_files(FINDINGS)]


@pytest.fixture(scope="module")
def sample():
    """Two reporting years, chosen at random (seed printed), ingested."""
    seed = random.randrange(2**32)
    print(f"findings sample seed: {seed}")
    rng = random.Random(seed)
    years = sorted(rng.sample(xml_.YEARS, 2))
    g, report = f.ingest(FINDINGS, years)
    return rng, years, g, report


def _copy(tmp_path: Path, year: int) -> Path:
    dst = tmp_path / xml_.file_name(year)
    shutil.copyfile(FINDINGS / xml_.file_name(year), dst)
    dst.chmod(0o644)
    return dst


def test_the_nine_files_match_their_known_hashes():
    for p in xml_.find_files(FINDINGS):
        ff, _ = xml_.verify(p)
        assert ff.sha256 == xml_.KNOWN_SHA256[ff.year]


def test_a_file_with_one_byte_changed_is_refused(tmp_path):
    p = _copy(tmp_path, 2016)
    data = bytearray(p.read_bytes())
    i = data.index(b"<Name>") + 6
    data[i] ^= 0x20
    p.write_bytes(bytes(data))
    with pytest.raises(InputError) as exc:
        xml_.read(p)
    assert "\n" not in str(exc.value) and "SHA-256" in str(exc.value)
    with pytest.raises(InputError):
        f.ingest(tmp_path, [2016])


def test_malformed_xml_is_refused_and_nothing_is_produced(tmp_path, monkeypatch):
    p = _copy(tmp_path, 2014)
    data = p.read_bytes()
    truncated = data[: len(data) // 2]
    p.write_bytes(truncated)
    monkeypatch.setitem(xml_.KNOWN_SHA256, 2014, __import__("hashlib").sha256(truncated).hexdigest())
    produced = []
    with pytest.raises(InputError) as exc:
        produced.extend(xml_.read(p))
    assert produced == []
    assert "malformed XML" in str(exc.value) and "\n" not in str(exc.value)


def test_doctype_and_entities_are_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Countries>&a;</Countries>'
    with pytest.raises(InputError, match="DOCTYPE"):
        xml_.parse_bytes(bomb, "bomb.xml")


def test_provenance_round_trip(sample):
    """Random cited texts are read back from the cited file, record and path."""
    rng, years, g, _ = sample
    cited = sorted(set(g.subjects(RDF.type, LKG.ElementValue)))
    assert cited
    roots = {y: xml_.load(FINDINGS / xml_.file_name(y))[1] for y in years}
    for ev in rng.sample(cited, min(300, len(cited))):
        file_node = g.value(ev, LKG.inDocument)
        record = g.value(ev, LKG.countryRecord)
        assert g.value(record, LKG.inFile) == file_node
        year = int(g.value(file_node, LKG.reportingYear))
        assert str(g.value(file_node, LKG.sha256)) == xml_.KNOWN_SHA256[year]
        pos = int(g.value(record, LKG.recordPosition))
        el = roots[year].findall("Country")[pos - 1].find(str(g.value(ev, LKG.elementPath)))
        assert el is not None and el.text == str(g.value(ev, LKG.quote)), ev


def test_every_observation_value_is_read_from_its_cited_text(sample):
    """Each observation has one value source (besides the good's name) whose text gives its value."""
    rng, _, g, _ = sample
    observations = sorted(set(g.subjects(RDF.type, LKG.Observation)))
    for obs in rng.sample(observations, min(300, len(observations))):
        sources = [
            s
            for s in g.objects(obs, LKG.source)
            if not re.search(r"(Name|Age_Range|Year|Derived_Country)\[\d+\]$", str(g.value(s, LKG.elementPath)))
        ]
        assert len(sources) == 1, obs
        text = str(g.value(sources[0], LKG.quote))
        path = "Country/" + re.sub(r"\[\d+\]", "", str(g.value(sources[0], LKG.elementPath)))
        kind = f.MAPPED[path].kind
        year = int(g.value(obs, LKG.reportingYear) or g.value(obs, LKG.refYear))
        parsed = (
            lit.parse_boolean(text)
            if kind in ("boolean", "good")
            else (lit.parse_percent(text, year) if kind == "percent" else lit.parse_number(text))
        )
        if (v := g.value(obs, LKG.value)) is not None:
            assert v.toPython() == parsed.number and any(ch.isdigit() for ch in text), obs
        elif (b := g.value(obs, LKG.booleanValue)) is not None:
            assert text.strip().rstrip("*†‡").lower() == ("yes" if b.toPython() else "no"), obs
        else:
            assert str(g.value(obs, LKG.valueNote)) == text.strip() in lit.STATES, obs


def test_profile_values_are_their_cited_texts(sample):
    rng, _, g, _ = sample
    props = {
        "Advancement_Level": LKG.advancementLevel,
        "Region": LKG.usdolRegion,
        "Description": LKG.description,
    }
    profiles = sorted(set(g.subjects(RDF.type, LKG.CountryProfile)))
    for profile in rng.sample(profiles, min(50, len(profiles))):
        cited = {
            str(g.value(s, LKG.elementPath)): str(g.value(s, LKG.quote))
            for s in g.objects(profile, LKG.source)
        }
        for element, prop in props.items():
            value = g.value(profile, prop)
            quote = cited.get(f"{element}[1]")
            assert (value is None) == (quote is None), (profile, element)
            if value is not None:
                assert str(value) == " ".join(quote.split())


def test_report_counts_every_value(sample):
    _, years, _, report = sample
    for y in years:
        assert report.read[y] == report.mapped[y] + report.not_mapped[y] + report.unreadable[y] > 0
        assert report.unreadable[y] < report.mapped[y] / 50
        assert report.mapped[y] > 1000


@pytest.mark.parametrize(
    "spellings, alpha3",
    [
        (["Gambia", "Gambia, The", "The Gambia"], "GMB"),
        (["Swaziland", "Eswatini"], "SWZ"),
        (["Macedonia", "North Macedonia"], "MKD"),
        (["Burma"], "MMR"),
        (["Turkey", "Turkey (Türkiye)"], "TUR"),
        (["Moldova", "Moldova, Republic of"], "MDA"),
        (
            [
                "Saint Helena, Ascension, and Tristan da Cunha",
                "Saint Helena, Ascensión, and Tristán da Cunha",
            ],
            "SHN",
        ),
        (["West Bank & Gaza Strip", "West Bank and the Gaza Strip"], "PSE"),
        (["Mexico"], "MEX"),
    ],
)
def test_spellings_reconcile_to_one_country(spellings, alpha3, loaded):
    names = {rec.name for ff, root in loaded for rec, _ in xml_.records(ff, root)}
    assert set(spellings) <= names, "every spelling tested occurs in the files"
    countries = {cty.reconcile(s) for s in spellings}
    assert len({c.iri for c in countries}) == 1
    assert {c.alpha3 for c in countries} == {alpha3}


def test_every_name_in_the_files_reconciles_and_kosovo_gets_no_code(loaded):
    countries = {cty.reconcile(rec.name) for ff, root in loaded for rec, _ in xml_.records(ff, root)}
    assert cty.reconcile("Kosovo").alpha2 is None
    assert len({c.iri for c in countries}) == len({c.name for c in countries})
    coded = [c.alpha3 for c in countries if c.alpha3]
    assert len(coded) == len(set(coded)), "two entities share an ISO code"


def test_mexico_is_the_curated_entity(data_graph):
    g, _ = f.ingest(FINDINGS, [2022], ["Mexico"])
    assert cty.reconcile("Mexico").iri == LKR.mexico
    assert (LKR.mexico, RDF.type, LKG.Country) in data_graph
    assert (LKR.mexico, LKG.iso3166Alpha3, Literal("MEX")) in g
    inspectors = LKR["obs-usdol-findings-2022-mexico-number-of-labor-inspectors"]
    assert g.value(inspectors, LKG.value).toPython() == Decimal(529)
    assert g.value(inspectors, LKG.indicator) == LKR["indicator-number-of-labor-inspectors"]
    collected = LKR["obs-usdol-findings-2022-mexico-number-of-child-labor-penalties-collected"]
    assert str(g.value(collected, LKG.valueNote)) == "Unknown" and g.value(collected, LKG.value) is None
    assert len(set(g.subjects(RDF.type, LKG.Country))) == 1


def test_other_spellings_become_alternative_labels():
    for years in ([2021, 2022], [2022]):
        g, _ = f.ingest(FINDINGS, years, ["Turkey"])
        assert [str(o) for o in g.objects(LKR.turkey, RDFS.label)] == ["Turkey"]
        assert {str(o) for o in g.objects(LKR.turkey, SKOS.altLabel)} == {"Turkey (Türkiye)"}


@pytest.mark.parametrize(
    "text, expected",
    [("1,234", Decimal(1234)), ("1,658,234", Decimal(1658234)), ("529", Decimal(529)), ("0", Decimal(0))],
)
def test_numbers_are_exact(text, expected):
    assert lit.parse_number(text).number == expected


@pytest.mark.parametrize("text", ["N/A", "Unknown", "Unknown*", "Not Applicable", "Unavailable", " N/A "])
def test_states_are_explicit_never_zero(text):
    for parsed in (lit.parse_number(text), lit.parse_boolean(text), lit.parse_percent(text, 2020)):
        assert parsed.state == text.strip() and parsed.number is None and parsed.boolean is None


def test_yes_no_are_booleans_and_free_text_is_not_a_value():
    assert lit.parse_boolean("Yes").boolean is True and lit.parse_boolean(" No").boolean is False
    assert lit.parse_boolean("yes").boolean is True
    assert lit.parse_boolean("Maybe") is None and lit.parse_number("about 12") is None
    assert lit.parse_boolean("0") is None, "a count is not read as a boolean"


@pytest.mark.parametrize(
    "text, number, usd, note",
    [
        ("$1.1 million", Decimal(1100000), True, "million"),
        ("1,673‡", Decimal(1673), False, "footnote mark '‡'"),
        ("$2,110,932.64", Decimal("2110932.64"), True, None),
        ("0*", Decimal(0), False, "footnote mark '*'"),
    ],
)
def test_currency_millions_and_footnote_marks(text, number, usd, note):
    p = lit.parse_number(text)
    assert p.number == number and p.usd is usd
    assert (note is None and p.note is None) or note in p.note
    assert lit.parse_percent(text, 2020) is None or not usd


@pytest.mark.parametrize(
    "text, year, percent, noted",
    [
        ("99.3", 2015, Decimal("99.3"), False),
        ("0.609", 2016, Decimal("60.9"), False),
        ("1.027", 2022, Decimal("102.7"), False),
        ("1", 2020, Decimal(100), True),
        ("4.5", 2022, Decimal("4.5"), True),
        ("1", 2014, Decimal(1), False),
    ],
)
def test_percentages_are_on_one_scale(text, year, percent, noted):
    p = lit.parse_percent(text, year)
    assert p.number == percent and (p.note is not None) == noted


def test_inventory_table_is_in_sync_with_the_data(loaded):
    inv = f.inventory(loaded)
    assert len(inv) == 312
    assert sum(1 for ys in inv.values() if len(ys) == 9) == 25
    doc = (Path(paths.ROOT) / "docs" / "findings.md").read_text(encoding="utf-8")
    start, end = "<!-- inventory:start -->\n", "<!-- inventory:end -->"
    assert doc[doc.index(start) + len(start) : doc.index(end)] == f.inventory_markdown(inv)


def test_an_unknown_element_path_is_an_error():
    with pytest.raises(InputError, match="unknown element path"):
        f.status("Country/Something_New")


def test_cli_writes_ntriples_with_progress(tmp_path, capsys):
    from laborkg.cli import main

    target = tmp_path / "mx.nt"
    args = ["ingest", "findings", "--from", str(FINDINGS), "--years", "2021-2022", "--country", "Mexico"]
    assert main([*args, "-o", str(target)]) == 0
    captured = capsys.readouterr()
    assert [line.split(":")[1].strip() for line in captured.err.splitlines()] == [
        "findings 2021",
        "findings 2022",
    ]
    g = __import__("rdflib").Graph().parse(target, format="nt")
    assert (LKR.mexico, LKG.iso3166Alpha2, Literal("MX")) in g
    assert target.read_text(encoding="utf-8").splitlines() == sorted(
        target.read_text(encoding="utf-8").splitlines()
    )


@pytest.mark.parametrize(
    "extra",
    [["--years", "2013-2022"], ["--years", "2022", "--country", "Atlantis"], ["--from-copy"]],
)
def test_cli_bad_input_is_one_line_exit_2_and_nothing_written(extra, tmp_path, capsys):
    from laborkg.cli import main

    source = FINDINGS
    if extra == ["--from-copy"]:
        source = tmp_path / "copy"
        source.mkdir()
        p = _copy(source, 2022)
        p.write_bytes(p.read_bytes().replace(b"<Name>Mexico</Name>", b"<Name>Mexic0</Name>"))
        extra = ["--years", "2022"]
    target = tmp_path / "out.nt"
    assert main(["ingest", "findings", "--from", str(source), *extra, "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("laborkg: error: ") and err.count("\n") == 1
    assert not target.exists() and not list(tmp_path.glob(".out.nt*"))


def test_statistics_carry_their_age_range_and_not_the_reporting_year_as_data_year():
    g, _ = f.ingest(FINDINGS, [2014, 2022], ["Mexico"])
    obs = LKR["obs-usdol-findings-2022-mexico-working-children-percent"]
    assert g.value(obs, LKG.value).toPython() == Decimal(4)
    assert str(g.value(obs, LKG.ageRange)) == "5-14"
    assert g.value(obs, LKG.refYear) is None and str(g.value(obs, LKG.reportingYear)) == "2022"
    g2014, _ = f.ingest(FINDINGS, [2014])
    dated = [o for o in g2014.subjects(LKG.refYear, None) if g2014.value(o, LKG.reportingYear) is not None]
    assert dated, "2014 gives data years (<Year>)"
    for o in dated:
        years = [
            str(g2014.value(s, LKG.quote))
            for s in g2014.objects(o, LKG.source)
            if str(g2014.value(s, LKG.elementPath)).endswith("Year[1]")
        ]
        assert len(years) == 1 and years[0].startswith(str(g2014.value(o, LKG.refYear)))


def test_repeated_elements_are_distinct_observations_with_their_own_age_range():
    g, _ = f.ingest(FINDINGS, [2018], ["Pakistan"])
    base = "obs-usdol-findings-2018-pakistan-working-children-percent"
    second, third = LKR[f"{base}-1-1-2"], LKR[f"{base}-1-1-3"]
    assert g.value(second, LKG.value).toPython() == Decimal("12.4")
    assert g.value(third, LKG.value).toPython() == Decimal("21.5")
    assert "does not say what distinguishes them" in str(g.value(second, RDFS.comment))
    ages = [str(g.value(s, LKG.elementPath)) for s in g.objects(third, LKG.source) if "Age_Range" in str(s)]
    assert ages == ["Country_Statistics[1]/Children_Work_Statistics[1]/Age_Range[3]"]


def test_shapes_hold_but_for_the_two_known_gaps(asserted):
    """With the shipped graph, the project's shapes hold for ingested data except two gaps left to the
    lead: statistics have no data year (lkg:reportingYear, no lkg:refYear) and the findings files are
    source documents whose names are not of the seeds/ form."""
    import pyshacl
    from rdflib.namespace import SH

    from laborkg.pipeline.load import load

    g, _ = f.ingest(FINDINGS, [2018, 2022], ["Mexico", "Pakistan"])
    _, results, _ = pyshacl.validate(
        g + asserted,
        shacl_graph=load(paths.shape_files()),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    shapes = {
        str(results.value(r, SH.sourceShape)).split("#")[-1] for r in results.subjects(SH.resultMessage, None)
    }
    assert shapes == {"Observation-year", "SourceDocument-fileName"}
    for r in results.subjects(SH.resultMessage, None):
        node = results.value(r, SH.focusNode)
        if str(results.value(r, SH.sourceShape)).endswith("Observation-year"):
            assert g.value(node, LKG.reportingYear) is not None
        else:
            assert (node, RDF.type, LKG.FindingsFile) in g


def test_an_unknown_element_in_a_file_stops_the_ingest(tmp_path, monkeypatch):
    p = _copy(tmp_path, 2014)
    data = p.read_bytes().replace(b"</Name>", b"</Name><New_Element>x</New_Element>", 1)
    p.write_bytes(data)
    monkeypatch.setitem(xml_.KNOWN_SHA256, 2014, __import__("hashlib").sha256(data).hexdigest())
    with pytest.raises(InputError, match="unknown element path Country/New_Element"):
        f.ingest(tmp_path, [2014])

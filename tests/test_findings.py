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
from laborkg.ingest import findings_more
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
            if not re.search(
                r"(Name|Age_Range|Year|Derived_Country)\[\d+\]$", str(g.value(s, LKG.elementPath))
            )
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


def test_ingested_data_conforms_to_the_shapes_by_pyshacl(asserted):
    """With the shipped graph, pySHACL (the reference) finds nothing in ingested data: statistics without
    a data year carry the reporting year (shape Observation-dated), and the findings files are source
    documents with their own file-name form. The compiled shapes agree (tests/test_shacl_sparql.py)."""
    import pyshacl

    from laborkg.pipeline.load import load

    g, _ = f.ingest(FINDINGS, [2018, 2022], ["Mexico", "Pakistan"])
    assert any(g.subjects(LKG.reportingYear, None))
    conforms, _, text = pyshacl.validate(
        g + asserted,
        shacl_graph=load(paths.shape_files()),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    assert conforms, text[:3000]


def test_an_unknown_element_in_a_file_stops_the_ingest(tmp_path, monkeypatch):
    p = _copy(tmp_path, 2014)
    data = p.read_bytes().replace(b"</Name>", b"</Name><New_Element>x</New_Element>", 1)
    p.write_bytes(data)
    monkeypatch.setitem(xml_.KNOWN_SHA256, 2014, __import__("hashlib").sha256(data).hexdigest())
    with pytest.raises(InputError, match="unknown element path Country/New_Element"):
        f.ingest(tmp_path, [2014])


# --------------------------------------------------------------------------------------------
# Legal standards, mechanisms, suggested actions, ILAB projects, sectors, territories, derived goods
# --------------------------------------------------------------------------------------------

FEW = ("Mexico", "Pakistan", "China", "Armenia", "Afghanistan")


@pytest.fixture(scope="module")
def few():
    """Five countries (Pakistan: territories; China: derived goods; Armenia: a downgrade; Afghanistan:
    2019's placeholder projects), every reporting year."""
    return f.ingest(FINDINGS, xml_.YEARS, FEW)


@pytest.fixture(scope="module")
def roots(loaded):
    return {ff.year: root for ff, root in loaded}


def _record(roots, year, name):
    """The <Country> element of ``name`` (any spelling) in ``year``'s file."""
    for el in roots[year].findall("Country"):
        if cty.reconcile(el.findtext("Name")).iri == cty.reconcile(name).iri:
            return el
    raise AssertionError(f"{name} has no record in {year}")


def _first(roots, years, test):
    """(year, country name, element) of the first record (in file order) whose element ``test`` accepts."""
    for year in years:
        for el in roots[year].findall("Country"):
            found = test(el)
            if found is not None:
                return year, el.findtext("Name"), found
    raise AssertionError("no record found")


def _sources(g, node):
    return {str(g.value(s, LKG.elementPath)): str(g.value(s, LKG.quote)) for s in g.objects(node, LKG.source)}


def _standard(year, country, std_type, territory=None):
    name = f"usdol-findings-{year}-{cty.slug(country)}-standard-{std_type}"
    return LKR[name + (f"-territory-{cty.slug(territory)}" if territory else "")]


def test_every_new_fact_cites_texts_found_at_their_paths(few, roots):
    """The provenance round trip, over every fact of the grouped mappings (not a sample)."""
    g, _ = few
    facts = set()
    for cls in (
        LKG.LegalStandard,
        LKG.SuggestedAction,
        LKG.ProjectListing,
        LKG.TechnicalAssistanceProject,
        LKG.Ratification,
    ):
        facts |= set(g.subjects(RDF.type, cls))
    for prop in (LKG.territoryName, LKG.refSector, LKG.inputCountry):
        facts |= set(g.subjects(prop, None))
    mechanisms = ("mechanism-to-coordinate", "national-policy-established", "national-program-established")
    facts |= {
        o for o in g.subjects(LKG.indicator, None) if str(g.value(o, LKG.indicator)).endswith(mechanisms)
    }
    assert len(facts) > 1500
    records = {}
    for fact in facts:
        for ev in g.objects(fact, LKG.source):
            record = g.value(ev, LKG.countryRecord)
            year = int(g.value(g.value(record, LKG.inFile), LKG.reportingYear))
            pos = int(g.value(record, LKG.recordPosition))
            el = records.setdefault((year, pos), roots[year].findall("Country")[pos - 1])
            found = el.find(str(g.value(ev, LKG.elementPath)))
            assert found is not None and found.text == str(g.value(ev, LKG.quote)), (fact, ev)


def test_legal_standards_give_the_age_conformity_and_type_of_each_element(few, roots):
    g, _ = few
    for year in (2016, 2019, 2022):
        el = _record(roots, year, "Mexico").find("Legal_Standards")
        for std in el:
            type_slug = findings_more.STANDARD_TYPES[std.tag][0]
            fact = _standard(year, "Mexico", type_slug)
            assert g.value(fact, LKG.standardType) == LKR[f"standard-type-{type_slug}"], fact
            assert g.value(fact, LKG.appliesIn) == LKR.mexico
            age = std.findtext("Age").strip()
            if age.isdigit():
                assert g.value(fact, LKG.minimumAge) == Literal(int(age))
            else:
                assert g.value(fact, LKG.minimumAge) is None and str(g.value(fact, LKG.valueNote)) == age
            conforms = std.findtext("Conforms_To_Intl_Standard").strip()
            assert g.value(fact, LKG.meetsInternationalStandards) == Literal(conforms == "Yes"), fact
            assert {p.rsplit("/", 1)[1] for p in _sources(g, fact)} == {f"{c.tag}[1]" for c in std}


def test_an_age_that_is_not_whole_years_is_kept_as_written_never_as_a_number(roots):
    year, name, std = _first(
        roots, (2020, 2022), lambda el: next((s for s in el.iter() if s.findtext("Age") == "17.5"), None)
    )
    g, _ = f.ingest(FINDINGS, [year], [name])
    fact = _standard(year, cty.reconcile(name).name, findings_more.STANDARD_TYPES[std.tag][0])
    assert g.value(fact, LKG.minimumAge) is None
    assert str(g.value(fact, LKG.valueNote)) == "17.5"
    assert "not one whole number of years" in str(g.value(fact, RDFS.comment))


def test_2014_master_data_and_2015_standard_established(few, roots):
    g, _ = few
    name = next(
        n
        for n in FEW
        if re.fullmatch(
            r"\d+\.0", (_record(roots, 2014, n).findtext("Master_Data/Minimum_Age_for_Work") or "")
        )
    )
    md = _record(roots, 2014, name).find("Master_Data")
    fact = _standard(2014, name, "minimum-age-for-work")
    assert g.value(fact, LKG.minimumAge) == Literal(int(float(md.findtext("Minimum_Age_for_Work"))))
    established = md.findtext("Minimum_Age_for_Work_Estabslished").strip() == "Yes"
    assert g.value(fact, LKG.standardEstablished) == Literal(established)
    assert g.value(fact, LKG.meetsInternationalStandards) is None, "2014 does not judge conformity"
    # 2015: Standard (established) and Conforms_To_Intl_Standard (meets) are two answers
    std = next(
        s
        for s in _record(roots, 2015, "Afghanistan").find("Legal_Standards")
        if s.findtext("Standard") == "Yes" and s.findtext("Conforms_To_Intl_Standard") == "No"
    )
    fact = _standard(2015, "Afghanistan", findings_more.STANDARD_TYPES[std.tag][0])
    assert g.value(fact, LKG.standardEstablished) == Literal(True)
    assert g.value(fact, LKG.meetsInternationalStandards) == Literal(False)


def test_calculated_ages_and_disagreeing_columns(roots):
    year, name, std = _first(
        roots,
        (2016,),
        lambda el: next(
            (s for s in el.iter("Compulsory_Education") if s.findtext("Calculated_Age") == "Yes"), None
        ),
    )
    g, _ = f.ingest(FINDINGS, [year], [name])
    fact = _standard(year, cty.reconcile(name).name, "compulsory-education-age")
    assert g.value(fact, LKG.ageCalculated) == Literal(True)

    def disagreeing(el):
        for s in el.iter():
            pair = (s.findtext("Standard"), s.findtext("Conforms_To_Intl_Standard"))
            if set(pair) == {"Yes", "No"}:
                return s
        return None

    year, name, std = _first(roots, (2019,), disagreeing)
    g, _ = f.ingest(FINDINGS, [year], [name])
    fact = _standard(year, cty.reconcile(name).name, findings_more.STANDARD_TYPES[std.tag][0])
    assert g.value(fact, LKG.meetsInternationalStandards) is None
    assert "disagree" in str(g.value(fact, RDFS.comment))


def test_standards_per_territory(few, roots):
    g, _ = few
    std = _record(roots, 2018, "Pakistan").find("Legal_Standards/Minimum_Work")
    territories = std.findall("Territory")
    assert len(territories) > 1
    for t in territories:
        name = " ".join(t.findtext("Territory_Name").split())
        fact = _standard(2018, "Pakistan", "minimum-age-for-work", name)
        assert str(g.value(fact, LKG.territoryName)) == name
        age = t.findtext("Age").strip()
        assert (g.value(fact, LKG.minimumAge) == Literal(int(age))) if age.isdigit() else True


def test_mechanisms_are_yes_no_observations_and_na_is_a_state(few, roots):
    g, _ = few
    for element, indicator in (
        ("Coordination", "mechanism-to-coordinate"),
        ("Policy", "national-policy-established"),
        ("Program", "national-program-established"),
    ):
        text = _record(roots, 2022, "Mexico").findtext(f"Mechanisms/{element}").strip()
        obs = LKR[f"obs-usdol-findings-2022-mexico-findings-{indicator}"]
        assert g.value(obs, LKG.booleanValue) == Literal(text == "Yes")
        assert g.value(obs, LKG.indicator) == LKR[f"indicator-findings-{indicator}"]
    year, name, el = _first(
        roots, (2018, 2019, 2020, 2021), lambda el: el.find("Mechanisms[Coordination='NA']")
    )
    g2, _ = f.ingest(FINDINGS, [year], [name])
    obs = LKR[
        f"obs-usdol-findings-{year}-{cty.slug(cty.reconcile(name).name)}-findings-mechanism-to-coordinate"
    ]
    assert str(g2.value(obs, LKG.valueNote)) == "NA" and g2.value(obs, LKG.booleanValue) is None


def test_suggested_actions_recur_over_the_years_as_one_node(few, roots):
    g, _ = few
    by_text: dict[tuple, list[int]] = {}
    for year in xml_.YEARS:
        sa = _record(roots, year, "Mexico").find("Suggested_Actions") if year != 2014 else None
        for area in sa if sa is not None else []:
            for action in area.findall("Action"):
                key = (findings_more.ACTION_AREAS[area.tag], " ".join(action.findtext("Name").split()))
                by_text.setdefault(key, []).append(year)
    (area, text), years = max(by_text.items(), key=lambda kv: len(kv[1]))
    assert len(years) > 1
    node = findings_more.suggested_action_iri(cty.reconcile("Mexico"), area, text)
    assert str(g.value(node, LKG.actionText)) == text
    assert g.value(node, LKG.actionArea) == LKR[f"action-area-{area}"]
    assert sorted(int(str(y)) for y in g.objects(node, LKG.yearSuggested)) == sorted(years)
    cited_years = {int(str(p).split("-")[2]) for p in g.objects(node, LKG.source)}
    assert cited_years == set(years), "each year's value cites that year's element"
    assert g.value(node, LKG.addressedTo) == LKR.mexico and g.value(node, LKG.suggestedBy) == LKR.usdol


def test_2014_actions_take_the_years_the_file_gives(few, roots):
    g, _ = few
    action = next(
        a
        for a in _record(roots, 2014, "Pakistan").iter("Action")
        if findings_more.year_span(a.findtext("Years") or "x") and "–" in a.findtext("Years")
    )
    area = next(
        findings_more.ACTION_AREAS[ar.tag]
        for ar in _record(roots, 2014, "Pakistan").find("Suggested_Actions")
        if action in ar.findall("Action")
    )
    node = findings_more.suggested_action_iri(cty.reconcile("Pakistan"), area, action.findtext("Name"))
    got = {int(str(y)) for y in g.objects(node, LKG.yearSuggested)}
    assert set(findings_more.year_span(action.findtext("Years"))) <= got
    assert any(p.endswith("Years[1]") for p in _sources(g, node))


def test_ilab_projects_keep_titles_verbatim_in_the_quote_and_clean_in_the_value(few, roots):
    g, _ = few
    projects = _record(roots, 2022, "Mexico").find("ILAB_Projects").findall("Project")
    for project in projects:
        title, link = project.findtext("Title"), project.findtext("Link")
        node = findings_more.project_iri(" ".join(title.split()), "".join(link.split()))
        assert str(g.value(node, LKG.webpage)) == "".join(link.split())
        assert str(g.value(node, RDFS.label)) == findings_more.canonical_title(" ".join(title.split()))
        listing = LKR[f"usdol-findings-2022-mexico-ilab-project-{str(node)[-8:]}"]
        assert g.value(listing, LKG.listedProject) == node
        assert str(g.value(listing, LKG.projectTitle)) == " ".join(title.split())
        assert g.value(listing, LKG.appliesIn) == LKR.mexico
        assert title in _sources(g, listing).values() and link in _sources(g, listing).values()
    spaced = [
        p for p in projects if "  " in p.findtext("Title") or p.findtext("Link") != p.findtext("Link").strip()
    ]
    assert spaced, "the 2022 Mexico record has titles and links with stray spaces"


def test_one_project_across_years_whatever_acronyms_its_title_carries(few, roots):
    g, _ = few
    titles = {}
    for year in (2020, 2021, 2022):
        for p in _record(roots, year, "Mexico").iter("Project"):
            titles.setdefault("".join(p.findtext("Link").split()), set()).add(
                " ".join(p.findtext("Title").split())
            )
    link, written = next((k, v) for k, v in sorted(titles.items()) if len(v) > 1)
    nodes = {findings_more.project_iri(t, link) for t in written}
    assert len(nodes) == 1
    (node,) = nodes
    assert len(list(g.objects(node, RDFS.label))) == 1
    assert written <= {str(x) for x in g.objects(node, SKOS.altLabel)} | {str(g.value(node, RDFS.label))}


def test_placeholder_projects_are_refused(few, roots):
    g, report = few
    titles = [t.text for t in _record(roots, 2019, "Afghanistan").iter("Title")]
    assert titles and all(t.strip().startswith("Sample Title") for t in titles)
    quotes = {str(q) for q in g.objects(None, LKG.quote)}
    assert not quotes & set(titles)
    assert report.unreadable[2019] >= 2 * len(titles)


def test_sector_shares_are_observations_with_a_sector(few, roots):
    g, _ = few
    stats = _record(roots, 2022, "Mexico").find("Country_Statistics/Children_Work_Statistics")
    for sector in ("Agriculture", "Industry", "Services"):
        obs = LKR[f"obs-usdol-findings-2022-mexico-findings-working-children-by-sector-{sector.lower()}"]
        assert g.value(obs, LKG.value).toPython() == lit.parse_percent(stats.findtext(sector), 2022).number
        assert g.value(obs, LKG.refSector) == LKR[f"sector-{sector.lower()}"]
        assert str(g.value(obs, LKG.ageRange)) == stats.findtext("Age_Range").strip()
        assert str(g.value(obs, LKG.reportingYear)) == "2022"


def test_enforcement_figures_per_territory(few, roots):
    g, _ = few
    for t in _record(roots, 2018, "Pakistan").findall("Enforcements/Labor_Inspectors/Territory"):
        name = " ".join(t.findtext("Territory_Name").split())
        obs = LKR[f"obs-usdol-findings-2018-pakistan-labor-inspectors-territory-{cty.slug(name)}"]
        assert str(g.value(obs, LKG.territoryName)) == name
        assert g.value(obs, LKG.indicator) == LKR["indicator-number-of-labor-inspectors"]
        parsed = lit.parse_number(t.findtext("Enforcement"))
        if parsed.number is not None:
            assert g.value(obs, LKG.value).toPython() == parsed.number
        else:
            assert str(g.value(obs, LKG.valueNote)) == parsed.state


def test_derived_goods_name_the_country_of_their_input(few, roots):
    g, _ = few
    goods = _record(roots, 2022, "China").find("Goods").findall("Good")
    for k, good in enumerate(goods, start=1):
        obs = LKR[f"obs-usdol-findings-2022-china-findings-good-derived-labor-exploitation-{k}"]
        flag, where = (
            good.findtext("Derived_Labor_Exploitation").strip(),
            good.findtext("Derived_Country").strip(),
        )
        assert g.value(obs, LKG.booleanValue) == Literal(flag == "Yes")
        assert g.value(obs, LKG.good) == LKR[f"usdol-good-{cty.slug(good.findtext('Good_Name'))}"]
        want = None if where == "No" else cty.reconcile(where).iri
        assert g.value(obs, LKG.inputCountry) == want
    assert any(good.findtext("Derived_Country").strip() not in ("No", "China") for good in goods)


def test_profile_webpage_downgrade_and_territories(few, roots):
    g, _ = few
    profile = LKR["usdol-findings-2022-mexico"]
    assert str(g.value(profile, LKG.webpage)) == _record(roots, 2022, "Mexico").findtext("Webpage").strip()
    downgrade = _record(roots, 2016, "Armenia").findtext("Automatic_Downgrade")
    assert str(g.value(LKR["usdol-findings-2016-armenia"], LKG.downgradeAssessment)) == downgrade
    assert g.value(LKR["usdol-findings-2018-pakistan"], LKG.multipleTerritories) == Literal(True)
    assert _record(roots, 2018, "Armenia").findtext("Multiple_Territories").strip() == "No"
    assert g.value(LKR["usdol-findings-2018-armenia"], LKG.multipleTerritories) == Literal(False)


def test_a_yes_ratified_is_a_ratification_citing_each_years_element(few, roots):
    g, _ = few
    node = LKR["ratification-mexico-ilo-c138-usdol-findings"]
    assert g.value(node, LKG.ratifyingParty) == LKR.mexico
    assert g.value(node, LKG.ratifiedInstrument) == LKR["ilo-c138"]
    assert g.value(node, LKG.dateNotStated) == Literal(True)
    want = {
        year
        for year in xml_.YEARS
        if (_record(roots, year, "Mexico").findtext("Conventions/C_138_Ratified") or "").strip() == "Yes"
        or (_record(roots, year, "Mexico").findtext("Master_Data/C_138_Ratified") or "").strip() == "Yes"
    }
    assert want and {int(str(s).split("-")[2]) for s in g.objects(node, LKG.source)} == want


def test_the_paths_left_unmapped_are_empty_containers_or_iso_codes(loaded):
    """Nothing is left as "next step": every path not mapped holds no text anywhere, or is 2014's ISO2/ISO3
    (USDOL's own codes, four of which are not ISO 3166-1)."""
    unmapped = {p for p in f.inventory(loaded) if not f.status(p)[0]}
    assert unmapped - {"Country/ISO2", "Country/ISO3"}
    for ff, root in loaded:
        for v in xml_.values(ff, root):
            assert v.schema_path not in unmapped - {"Country/ISO2", "Country/ISO3"}, v
    assert all("next step" not in f.status(p)[1] for p in f.inventory(loaded))

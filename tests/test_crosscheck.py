"""laborkg crosscheck findings: USDOL's 2022 record of Mexico against seed 002, its output checked against the
XML and the curated Turtle read independently; perturbed values are reported; differences become conflicts
that ``laborkg query conflicts`` lists once the record is in a store."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from support.findings import FINDINGS, require_findings

from laborkg import paths
from laborkg.cli import main
from laborkg.ingest import crosscheck, findings, usdol_xml
from laborkg.inputs import input_files
from laborkg.namespace import LKG, LKP
from laborkg.pipeline.load import load

require_findings()

SEED = "002_050c8baefa641c9c.txt"
XML = FINDINGS / "countries_2022.xml"
REPORT = Path(paths.ROOT) / "docs" / "crosscheck-mexico-2022.md"


def _run(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _json(*extra) -> dict:
    code, out, err = _run("crosscheck", "findings", "--from", FINDINGS, "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def report() -> dict:
    return _json()


@pytest.fixture(scope="module")
def mexico() -> ET.Element:
    """Mexico's record, read with the standard library alone (not laborkg's reader)."""
    root = ET.parse(XML).getroot()
    (record,) = [c for c in root.findall("Country") if (c.findtext("Name") or "").strip() == "Mexico"]
    return record


@pytest.fixture(scope="module")
def curated() -> Graph:
    """data/usdol-2022-*.ttl, parsed with rdflib alone."""
    g = Graph()
    for f in sorted((Path(paths.ROOT) / "data").glob("usdol-2022-*.ttl")):
        g.parse(f, format="turtle")
    return g


@pytest.fixture(scope="module")
def seed_text() -> str:
    return (Path(paths.ROOT) / "seeds" / SEED).read_text(encoding="utf-8")


def _rows(report, status=None, kind=None):
    return [
        r
        for r in report["rows"]
        if (status is None or r["status"] == status) and (kind is None or r["kind"] == kind)
    ]


def _row_for_element(report, path):
    found = [r for r in report["rows"] if r["xml"] and any(s["element"] == path for s in r["xml"]["sources"])]
    assert len(found) == 1, (path, found)
    return found[0]


# ---------------------------------------------------------------------------------------------
# The report and the command


def test_the_report_in_docs_is_what_the_command_writes(tmp_path):
    """docs/crosscheck-mexico-2022.md is generated: regenerating it gives the committed file."""
    target = tmp_path / "report.md"
    code, _, err = _run("crosscheck", "findings", "--from", FINDINGS, "--format", "markdown", "-o", target)
    assert code == 0, err
    assert target.read_text(encoding="utf-8") == REPORT.read_text(encoding="utf-8"), (
        "docs/crosscheck-mexico-2022.md is out of date: regenerate it with " + crosscheck_command()
    )
    assert crosscheck_command() in REPORT.read_text(encoding="utf-8")


def crosscheck_command() -> str:
    from laborkg.ingest.crosscheck_cli import REPORT_COMMAND

    return REPORT_COMMAND


def test_differences_exit_0_and_the_figures_add_up(report):
    f = report["figures"]
    assert f["differ"] >= 1  # the narrative and the record disagree somewhere (tests below say where)
    assert f["compared"] == f["agree"] + f["differ"]
    assert sum(f[s] for s in ("agree", "differ", "seed-only", "xml-only")) == len(report["rows"])
    assert report["xml"] == {
        "file": "countries_2022.xml",
        "sha256": usdol_xml.KNOWN_SHA256[2022],
        "record": report["xml"]["record"],
    }
    assert report["seed"] == {"file": SEED}


def test_table_csv_and_json_list_the_same_rows(report):
    code, table, _ = _run("crosscheck", "findings", "--from", FINDINGS)
    assert code == 0
    f = report["figures"]
    assert f"{f['compared']} values compared: {f['agree']} agree, {f['differ']} differ" in table
    for r in report["rows"]:
        assert r["what"] in table
    code, text, _ = _run("crosscheck", "findings", "--from", FINDINGS, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["status"], r["kind"], r["what"]) for r in rows] == [
        (r["status"], r["kind"], r["what"]) for r in report["rows"]
    ]
    assert [r["xml_value"] for r in rows] == [r["xml"]["value"] if r["xml"] else "" for r in report["rows"]]


def test_bad_input_exits_2_on_one_line(tmp_path):
    code, out, err = _run("crosscheck", "findings", "--from", tmp_path / "missing")
    assert code == 2 and out == "" and err.count("\n") == 1
    altered = tmp_path / "altered"
    altered.mkdir()
    (altered / "countries_2022.xml").write_bytes(XML.read_bytes().replace(b"<Region>", b"<Region> ", 1))
    code, _, err = _run("crosscheck", "findings", "--from", altered)
    assert code == 2 and "SHA-256" in err and err.count("\n") == 1
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle\n", encoding="utf-8")
    code, _, err = _run("crosscheck", "findings", "--from", FINDINGS, "--data", bad)
    assert code == 2 and "bad.ttl" in err


# ---------------------------------------------------------------------------------------------
# Every source, read again independently


def test_every_xml_source_is_the_text_at_its_element(report, mexico):
    n = 0
    for r in report["rows"]:
        for s in r["xml"]["sources"] if r["xml"] else ():
            assert s["file"] == "countries_2022.xml"
            el = mexico.find(s["element"])
            assert el is not None and el.text == s["text"], s
            n += 1
    assert n >= len(_rows(report, "xml-only")) + report["figures"]["compared"]


def test_every_seed_source_is_a_curated_quote_standing_in_the_seed(report, curated, seed_text):
    n = 0
    for r in report["rows"]:
        for s in r["seed"]["sources"] if r["seed"] else ():
            assert s["file"] == SEED and s["passage"].startswith("lkp:")
            passage = LKP[s["passage"][4:]]
            assert curated.value(passage, LKG.quote) == Literal(s["text"])
            assert s["text"] in seed_text
            assert any((URIRef(f), LKG.source, passage) in curated for f in r["seed"]["facts"])
            n += 1
    assert n >= len(_rows(report, "seed-only")) + report["figures"]["compared"]


def _cell(text: str) -> str:
    """A cell of the seed's tables or an XML text as a comparable token: references, footnote marks,
    dollar signs and thousands separators off."""
    t = re.sub(r"\(\d[\d,\-– ]*\)", "", text)
    t = re.sub(r"[†‡*$\\,\s]", "", t)
    return t.casefold()


#: XML element of Enforcements -> the row of seed 002's Table 6 or 7 (its label, as the seed writes it).
ENFORCEMENT_ROWS = {
    "Labor_Funding": "Labor Inspectorate Funding",
    "Labor_Inspectors": "Number of Labor Inspectors",
    "Authorized_Access_Penalties": "Mechanism to Assess Civil Penalties",
    "Labor_New_Employee_Training": "Training for Labor Inspectors Provided",
    "Labor_Inspections": "Number of Labor Inspections Conducted at Worksite",
    "Labor_Violations": "Number of Child Labor Violations Found",
    "Labor_Penalties_Imposed": "Number of Child Labor Violations for Which Penalties Were Imposed",
    "Labor_Penalties_Collected": "Number of Child Labor Penalties Imposed that Were Collected",
    "Labor_Routine_Inspections_Conducted": "Routine Inspections Conducted",
    "Labor_Routine_Inspections_Targeted": "Routine Inspections Targeted",
    "Labor_Unannounced_Inspections_Premitted": "Unannounced Inspections Permitted",
    "Labor_Unannounced_Inspections_Conducted": "Unannounced Inspections Conducted",
    "Labor_Complaint_Mechanism": "Complaint Mechanism Exists",
    "Labor_Referral_Mechanism": (
        "Reciprocal Referral Mechanism Exists Between Labor Authorities and Social Services"
    ),
    "Criminal_New_Employee_Training": "Training for Criminal Investigators Provided",
    "Criminal_Investigations": "Number of Investigations",
    "Criminal_Prosecutions": "Number of Prosecutions Initiated",
    "Criminal_Convictions": "Number of Convictions",
    "Criminal_Penalties_for_WFCL": (
        "Imposed Penalties for Violations Related to the Worst Forms of Child Labor"
    ),
    "Criminal_Referral_Mechanism": (
        "Reciprocal Referral Mechanism Exists Between Criminal Authorities and Social Services"
    ),
}


def _table_rows(curated) -> dict[str, str]:
    """Seed 002's table rows, from the curated quotes: label -> quote."""
    out = {}
    for q in curated.objects(None, LKG.quote):
        cells = str(q).split("\t")
        if len(cells) >= 2:
            out.setdefault(cells[0].strip(), str(q))
    return out


def test_enforcement_rows_agree_or_differ_as_the_xml_and_the_tables_do(report, mexico, curated):
    """Each enforcement element of the record against the 2022 column of seed 002's Tables 6 and 7, both
    read here without laborkg: the command's status is the one this comparison gives."""
    table = _table_rows(curated)
    checked = 0
    for el in mexico.find("Enforcements"):
        if not (el.text or "").strip():
            continue
        row = _row_for_element(report, f"Enforcements[1]/{el.tag}[1]")
        label = ENFORCEMENT_ROWS.get(el.tag)
        if label is None:
            assert row["status"] == "xml-only", el.tag
            continue
        quote = table[label]
        same = _cell(quote.split("\t")[2]) == _cell(el.text)
        assert row["status"] == ("agree" if same else "differ"), (el.tag, quote, el.text)
        assert quote in [s["text"] for s in row["seed"]["sources"]]
        checked += 1
    assert checked == len(ENFORCEMENT_ROWS)


def _percent(xml_text: str) -> Decimal:
    n = Decimal(xml_text)
    return n * 100 if n < 2 else n  # 2016 on: fractions


def test_statistics_and_ratifications_agree_as_the_xml_and_the_tables_do(report, mexico, curated):
    table = _table_rows(curated)
    stats = mexico.find("Country_Statistics")
    work = stats.find("Children_Work_Statistics")
    working = table["Working (% and population)"].split("\t")
    pct, pop = re.fullmatch(r"([\d.]+) \(([\d,]+)\)", working[2]).groups()
    expected = {
        "Country_Statistics[1]/Children_Work_Statistics[1]/Total_Percentage_of_Working_Children[1]": (
            _percent(work.findtext("Total_Percentage_of_Working_Children")) == Decimal(pct)
        ),
        "Country_Statistics[1]/Children_Work_Statistics[1]/Total_Working_Population[1]": (
            Decimal(work.findtext("Total_Working_Population")) == Decimal(pop.replace(",", ""))
        ),
        "Country_Statistics[1]/Education_Statistics_Attendance_Statistics[1]/Percentage[1]": (
            _percent(stats.find("Education_Statistics_Attendance_Statistics").findtext("Percentage"))
            == Decimal(table["Attending School (%)"].split("\t")[2])
        ),
        "Country_Statistics[1]/Children_Working_and_Studying_7-14_yrs_old[1]/Total[1]": (
            _percent(stats.find("Children_Working_and_Studying_7-14_yrs_old").findtext("Total"))
            == Decimal(table["Combining Work and School (%)"].split("\t")[2])
        ),
        "Country_Statistics[1]/UNESCO_Primary_Completion_Rate[1]/Rate[1]": (
            _percent(stats.find("UNESCO_Primary_Completion_Rate").findtext("Rate"))
            == Decimal(table["Primary Completion Rate (%)"].split("\t")[2])
        ),
    }
    ratified = {
        "C_138_Ratified": "ILO C. 138, Minimum Age",
        "C_182_Ratified": "ILO C. 182, Worst Forms of Child Labor",
        "Convention_on_the_Rights_of_the_Child_Ratified": "UN CRC",
        "CRC_Armed_Conflict_Ratified": "UN CRC Optional Protocol on Armed Conflict",
        "CRC_Commercial_Sexual_Exploitation_of_Children_Ratified": (
            "UN CRC Optional Protocol on the Sale of Children, Child Prostitution and Child Pornography"
        ),
        "Palermo_Ratified": "Palermo Protocol on Trafficking in Persons",
    }
    for el, label in ratified.items():
        seed = table[label].strip().endswith("✓")
        expected[f"Conventions[1]/{el}[1]"] = seed == (
            mexico.find("Conventions").findtext(el).strip() == "Yes"
        )
    for path, same in expected.items():
        assert _row_for_element(report, path)["status"] == ("agree" if same else "differ"), path


def test_summary_rows_differ_where_the_sentences_differ(report, mexico, seed_text):
    """The XML's Description against the seed's summary paragraph, sentence by sentence (quotes and
    apostrophes as plain ones): a curated summary passage differs where it holds a sentence the XML does
    not have word for word."""

    def sentences(text):
        t = text.replace("’", "'")
        return [" ".join(s.split()) for s in re.split(r"(?<=\.)\s+(?=[A-Z])", t.strip())]

    paragraph = next(line for line in seed_text.splitlines() if line.startswith("In 2022, Mexico made"))
    xml = set(sentences(mexico.findtext("Description")))
    differing = [s for s in sentences(paragraph) if s not in xml]
    assert differing  # the narrative and the record do not say the same in their summary
    rows = _rows(report, kind="summary")
    assert rows
    for r in rows:
        (quote,) = [s["text"] for s in r["seed"]["sources"]]
        q = " ".join(quote.replace("’", "'").split())
        expected = any(s in q or q in s for s in differing)
        assert r["status"] == ("differ" if expected else "agree"), quote
    assert len([r for r in rows if r["status"] == "differ"]) == len(
        {s for s in differing if any(s in " ".join(r["seed"]["sources"][0]["text"].split()) for r in rows)}
    )


def test_no_row_says_which_projects_were_among_the_cancelled_programs(report):
    """The seeds never name the 21 programs cancelled in 2025 one by one: the report says so once and
    says nothing else about cancellations."""
    text = REPORT.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if re.search(r"cancel|terminat|\b21\b", line, re.I)]
    assert len(lines) == 1 and "nothing here says whether" in lines[0]
    for r in report["rows"]:
        for side in (r["seed"], r["xml"]):
            assert side is None or not re.search(r"cancel|terminat", side["value"], re.I)


# ---------------------------------------------------------------------------------------------
# A perturbed copy: the comparison can fail


def _statuses(report) -> dict:
    """Each row's status, by what it compares (its kind, its facts and its sources on both sides)."""

    def key(r):
        sides = [r["seed"], r["xml"]]
        return (r["kind"],) + tuple(
            (tuple(s["facts"]), tuple(x.get("element") or x["passage"] for x in s["sources"])) if s else ()
            for s in sides
        )

    out = {key(r): r["status"] for r in report["rows"]}
    assert len(out) == len(report["rows"])
    return out


def test_a_changed_curated_value_is_reported_as_differing(report, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(Path(paths.ROOT) / "data", data)
    f = data / "usdol-2022-enforcement.ttl"
    text = f.read_text(encoding="utf-8")
    block = "lkr:obs-usdol-2022-mexico-t6-number-of-labor-inspectors-2022 a lkg:Observation ;"
    start = text.index(block)
    end = text.index("\n\n", start)
    changed = text[start:end].replace("lkg:value 529.0 ;", "lkg:value 530.0 ;")
    assert changed != text[start:end]
    f.write_text(text[:start] + changed + text[end:], encoding="utf-8")
    got = _json("--data", data)
    row = _row_for_element(got, "Enforcements[1]/Labor_Inspectors[1]")
    assert row["status"] == "differ" and row["seed"]["value"] == "530" and row["xml"]["value"] == "529"
    assert row["conflicts"] == [[row["seed"]["facts"][0], row["xml"]["facts"][0]]]
    before, after = _statuses(report), _statuses(got)
    assert len({k for k in before if before[k] != after.get(k)}) == 1
    assert got["figures"]["differ"] == report["figures"]["differ"] + 1


def _perturbed_xml(tmp_path, monkeypatch, replacements) -> Path:
    """A copy of countries_2022.xml with Mexico's record changed, accepted as the 2022 file."""
    data = XML.read_bytes()
    start = data.index(b"<Name>Mexico</Name>")
    end = data.index(b"</Country>", start)
    record = data[start:end]
    for old, new in replacements:
        assert record.count(old) == 1, old
        record = record.replace(old, new)
    changed = data[:start] + record + data[end:]
    directory = tmp_path / "findings"
    directory.mkdir()
    (directory / "countries_2022.xml").write_bytes(changed)
    monkeypatch.setitem(usdol_xml.KNOWN_SHA256, 2022, hashlib.sha256(changed).hexdigest())
    return directory


def test_changed_xml_values_are_reported_as_differing(report, tmp_path, monkeypatch):
    directory = _perturbed_xml(
        tmp_path,
        monkeypatch,
        [
            (
                b"<Criminal_Convictions>25</Criminal_Convictions>",
                b"<Criminal_Convictions>26</Criminal_Convictions>",
            ),
            (b"<Advancement_Level>Moderate Advancement<", b"<Advancement_Level>Minimal Advancement<"),
            (b"<C_138_Ratified>Yes<", b"<C_138_Ratified>No<"),
            (b"the 529 federal labor inspectors", b"the 530 federal labor inspectors"),
        ],
    )
    code, out, err = _run("crosscheck", "findings", "--from", directory, "--format", "json")
    assert code == 0, err
    got = json.loads(out)
    changed = {
        "Enforcements[1]/Criminal_Convictions[1]": ("25", "26"),
        "Advancement_Level[1]": ("Moderate Advancement", "Minimal Advancement"),
        "Conventions[1]/C_138_Ratified[1]": ("ratified", "not ratified"),
    }
    for path, (seed_value, xml_value) in changed.items():
        row = _row_for_element(got, path)
        assert row["status"] == "differ", path
        assert (row["seed"]["value"], row["xml"]["value"]) == (seed_value, xml_value)
        assert row["conflicts"] and all(pair[1] in row["xml"]["facts"] for pair in row["conflicts"])
    summary = [r for r in _rows(got, "differ", "summary") if "530" in r["xml"]["value"]]
    (row,) = summary
    assert row["seed"]["value"] == "529"
    # the curated observation of the 529 federal inspectors conflicts with the profile holding "530"
    assert any(a.endswith("obs-federal-labor-inspectors-2022") for a, _ in row["conflicts"])
    before, after = _statuses(report), _statuses(got)
    flipped = {k for k in before if before.get(k) != after.get(k)}
    assert len(flipped) == 4


# ---------------------------------------------------------------------------------------------
# Conflicts


@pytest.fixture(scope="module")
def graphs():
    mapped, _ = findings.ingest(FINDINGS, [2022], ["Mexico"])
    return load(input_files()), mapped


def test_conflict_triples_link_existing_sourced_facts(graphs, report):
    """One lkg:conflictsWith per difference, from a fact citing seed 002 to a fact citing the 2022 file;
    the links add no node and cite nothing."""
    curated_g, mapped = graphs
    triples = crosscheck.conflict_triples(curated_g, mapped)
    assert [[str(a), str(b)] for a, _, b in triples] == report["conflicts"]
    assert len(triples) >= report["figures"]["differ"] >= 1
    for a, p, b in triples:
        assert p == LKG.conflictsWith
        files_a = {
            str(curated_g.value(curated_g.value(s, LKG.inDocument), LKG.fileName))
            for s in curated_g.objects(a, LKG.source)
        }
        files_b = {
            str(mapped.value(mapped.value(s, LKG.inDocument), LKG.fileName))
            for s in mapped.objects(b, LKG.source)
        }
        assert SEED in files_a and files_b == {"countries_2022.xml"}
    other_years, _ = findings.ingest(FINDINGS, [2021], ["Mexico"])
    assert crosscheck.conflict_triples(curated_g, other_years) == []
    # a store built from other data: no fact of seed 002, nothing to conflict with (and no error)
    other_data = load(input_files([Path(paths.ROOT) / "data" / "summit-of-the-americas.ttl"]))
    assert crosscheck.conflict_triples(other_data, mapped) == []


def test_the_store_option_reads_the_same_curated_facts(built_store, report):
    got = _json("--store", built_store)

    def key(r):
        return (
            r["status"],
            r["kind"],
            tuple(r["seed"]["facts"]) if r["seed"] else (),
            tuple(r["xml"]["facts"]) if r["xml"] else (),
        )

    assert sorted(map(key, got["rows"])) == sorted(map(key, report["rows"]))
    assert got["conflicts"] == report["conflicts"]


def _conflict_pairs(store) -> set[frozenset]:
    code, out, err = _run("query", "conflicts", "--store", store, "--format", "json")
    assert code == 0, err
    rows = json.loads(out)["results"]["bindings"]
    return {
        frozenset((r["claim"]["value"], r["otherClaim"]["value"]))
        for r in rows
        if "countries_2022.xml" in r["claimFiles"]["value"] + r["otherFiles"]["value"]
    }


def test_ingest_puts_the_differences_in_the_conflicts_query(built_store, tmp_path, report):
    """The store's ingest gives each year's mapped graph ``conflict_triples(curated, year_graph)`` before
    it is reasoned and validated: after ingesting Mexico 2022, ``laborkg query conflicts`` lists every
    difference the cross-check reports."""
    from laborkg.store.ingest import add_findings

    store = tmp_path / "kg"
    shutil.copytree(built_store, store)
    add_findings(store, FINDINGS, [2022], ["Mexico"])  # reasoned and validated with the links
    assert report["conflicts"]
    assert _conflict_pairs(store) == {frozenset(p) for p in report["conflicts"]}


def test_links_written_by_the_command_can_be_added_to_a_store(built_store, tmp_path, report, monkeypatch):
    """A store that holds Mexico 2022 without the links (ingested before the ingest made them):
    ``crosscheck --conflicts FILE`` then ``laborkg add``."""
    from laborkg.ingest import crosscheck
    from laborkg.store.ingest import add_findings

    store = tmp_path / "kg"
    shutil.copytree(built_store, store)
    with monkeypatch.context() as m:
        m.setattr(crosscheck, "conflict_triples", lambda curated, found: [])
        add_findings(store, FINDINGS, [2022], ["Mexico"])
    assert _conflict_pairs(store) == set()
    links = tmp_path / "links.nt"
    code, _, err = _run(
        "crosscheck", "findings", "--from", FINDINGS, "--conflicts", links, "-o", tmp_path / "t.txt"
    )
    assert code == 0, err
    assert len(links.read_text(encoding="utf-8").splitlines()) == len(report["conflicts"])
    code, _, err = _run("add", "--store", store, links)
    assert code == 0, err
    assert _conflict_pairs(store) == {frozenset(p) for p in report["conflicts"]}


# ---------------------------------------------------------------------------------------------
# Legal standards and suggested actions: the findings mapping reads them (laborkg.ingest.findings_more:
# seed 002's standard types and action areas, lkg:minimumAge or lkg:valueNote,
# lkg:meetsInternationalStandards, lkg:actionText), so they are compared, against Table 4 and Table 11
# read here apart.


def _map_changed(record: ET.Element) -> Graph:
    """A changed copy of Mexico's 2022 record mapped as the findings mapping maps the file's."""
    ff = usdol_xml.FindingsFile(2022, usdol_xml.KNOWN_SHA256[2022], XML)
    root = ET.parse(XML).getroot()
    pos = [c.findtext("Name") for c in root.findall("Country")].index(record.findtext("Name")) + 1
    rec = usdol_xml.Record(ff, pos, record.findtext("Name"))
    vals = [
        usdol_xml.Value(rec, path, el.text)
        for path, el in usdol_xml.walk(record, "")
        if el.text is not None and el.text.strip()
    ]
    g = Graph()
    findings.map_record(g, rec, vals, findings.Report())
    return g


def test_legal_standards_and_suggested_actions_are_compared(graphs, mexico, curated):
    from laborkg.ingest.findings_more import STANDARD_TYPES

    curated_g, mapped = graphs
    after = crosscheck.compare(curated_g, mapped)
    assert not [n for n, why in after.not_compared if "Legal_Standards" in why or "Suggested_Actions" in why]
    table = _table_rows(curated)
    standards = [r for r in after.rows if r.kind == "legal standards"]
    assert len(standards) == len(STANDARD_TYPES)
    for el in mexico.find("Legal_Standards"):
        cells = table[STANDARD_TYPES[el.tag][1]].split("\t")
        xml_age = el.findtext("Age").strip()
        same = cells[1] == el.findtext("Conforms_To_Intl_Standard").strip() and (
            cells[2] == xml_age or (cells[2] == "" and not xml_age.isdigit())
        )
        (row,) = [r for r in standards if any(f"/{el.tag}[1]/" in s.where for s in r.xml.sources)]
        assert row.status == ("agree" if same else "differ"), el.tag
    actions = [r for r in after.rows if r.kind == "suggested actions"]
    seed_texts = {" ".join(str(t).split()) for t in curated.objects(None, LKG.actionText)}
    for r in actions:
        (src,) = r.xml.sources
        text = " ".join(src.text.split())
        if r.status == "agree":
            assert any(t.replace(" ", "") == text.replace(" ", "") for t in seed_texts), text
        else:
            assert text not in seed_texts
    assert len([r for r in actions if r.status != "xml-only"]) == len(list(mexico.iter("Action")))
    # the rules can fail: a changed age and a changed action are reported, with their conflict pairs
    el = next(e for e in mexico.find("Legal_Standards") if e.findtext("Age").strip().isdigit())
    changed = ET.fromstring(ET.tostring(mexico))
    changed.find(f"Legal_Standards/{el.tag}/Age").text = str(int(el.findtext("Age")) + 1)
    first = changed.find("Suggested_Actions/Enforcement/Action/Name")
    first.text = first.text.replace("529", "600")
    worse = crosscheck.compare(curated_g, _map_changed(changed))
    assert crosscheck.compare(curated_g, _map_changed(mexico)).rows == after.rows
    differ = [r for r in worse.rows if r.status == "differ"]
    assert len(differ) == len([r for r in after.rows if r.status == "differ"]) + 2
    assert all(r.conflicts for r in differ if r.kind in ("legal standards", "suggested actions"))

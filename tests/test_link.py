"""Links to external open-data graphs: the SSSOM files in data/mappings/, their checks and the report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, SKOS, Graph, URIRef

from laborkg import paths
from laborkg.errors import InputError
from laborkg.namespace import LKC, LKG, LKR
from laborkg.pipeline.sssom import (
    ALLOWED_PREDICATES,
    JUSTIFICATIONS,
    check_subjects,
    load_mappings,
    mapping_graph,
    mappings_dir,
    read_verified_ids,
)
from laborkg.publish.link import (
    COUNTRY,
    CURRENCY,
    IATI_CODE,
    ILO_INSTRUMENT,
    ORGANISATION,
    link_report,
)

VERIFIED = paths.ROOT.parent / "shared" / "links" / "verified-ids.tsv"
"""The project's list of verified Wikidata IDs, beside the checkout (absent in a bare clone)."""

needs_verified = pytest.mark.skipif(
    not VERIFIED.is_file(), reason=f"no list of verified Wikidata IDs at {VERIFIED} (../shared is absent)"
)

ISO3166 = "https://www.iso.org/obp/ui/#iso:code:3166:"
ISO4217 = "http://publications.europa.eu/resource/authority/currency/"
NORMLEX = "https://normlex.ilo.org/dyn/normlex/en/f?p=NORMLEXPUB:12100:0::NO::P12100_ILO_CODE:"
IATI = "https://iatistandard.org/en/iati-standard/203/codelists/"
WIKIDATA = "http://www.wikidata.org/entity/"

# Entities of the verified list that the seeds do not make entities of the graph: they cannot be linked.
NOT_IN_GRAPH: set[str] = set()
# Entities left unlinked to Wikidata on purpose (sources disagree, or none found).
NO_WIKIDATA = [LKR.unhcr, LKR.stps, LKR.sre, LKR.usmca, LKR["ilo-c138"], LKR["ilo-c182"]]


@pytest.fixture(scope="module")
def mappings():
    """The shipped mappings, read without graph or verified-list checks."""
    return load_mappings()


def targets(mappings, subject: URIRef, namespace: str) -> list[str]:
    return [str(m.object) for m in mappings if m.subject == subject and str(m.object).startswith(namespace)]


# ------------------------------------------------------------------------------------------ the shipped files


def test_mapping_files_are_the_expected_ones():
    names = sorted(p.name for p in mappings_dir().glob("*.sssom.tsv"))
    assert names == [
        "iati.sssom.tsv",
        "ilo.sssom.tsv",
        "iso3166.sssom.tsv",
        "iso4217.sssom.tsv",
        "wikidata.sssom.tsv",
    ]


def test_every_row_has_a_source_and_a_justification(mappings):
    assert mappings
    for m in mappings:
        assert m.source.strip(), f"{m.where}: no source"
        assert m.justification in JUSTIFICATIONS, f"{m.where}: {m.justification_id}"
        assert m.predicate in ALLOWED_PREDICATES, f"{m.where}: {m.predicate_id}"


def test_mappings_check_against_the_graph(kg):
    verified = VERIFIED if VERIFIED.is_file() else None
    assert load_mappings(graph=kg, verified=verified)


def test_mapping_graph_subjects_are_in_the_data(asserted, mappings):
    graph = mapping_graph(mappings)
    assert len(graph) == len(mappings)
    for s, p, o in graph:
        assert (s, None, None) in asserted, s
        assert p in ALLOWED_PREDICATES
        assert isinstance(o, URIRef)


def test_mapping_graph_serialises_with_the_files_prefixes(mappings):
    turtle = mapping_graph(mappings).serialize(format="turtle")
    assert "lkr:mexico skos:exactMatch" in turtle
    assert "wikidata:Q96" in turtle and "normlex:C182" in turtle and "iso4217:USD" in turtle


# ------------------------------------------------------------------------------------------ Wikidata


def wikidata_ids_in_data() -> dict[str, list[str]]:
    """Every Wikidata ID written anywhere under data/ (prefixed, as an IRI, or on a line naming Wikidata)."""
    prefixed = re.compile(r"(?:wikidata(?:\.org/(?:entity|wiki))?[:/]|\bwd:)(Q\d+)", re.I)
    bare = re.compile(r"\bQ\d+\b")
    found: dict[str, list[str]] = {}
    for path in sorted(paths.DATA_DIR.rglob("*")):
        if not path.is_file():
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            ids = set(prefixed.findall(line))
            if "wikidata" in line.lower():
                ids |= set(bare.findall(line))
            for qid in ids:
                found.setdefault(qid, []).append(f"{path.relative_to(paths.ROOT)}:{n}")
    return found


def test_every_wikidata_id_in_the_data_is_mapped_with_a_source(mappings):
    found = wikidata_ids_in_data()
    assert found, "the Wikidata mappings were not found under data/"
    mapped = {m.wikidata_id: m for m in mappings if m.wikidata_id}
    for qid, where in found.items():
        assert qid in mapped, f"{qid} ({', '.join(where)}) is not a mapping of data/mappings/"
        assert mapped[qid].source.strip()


@needs_verified
def test_every_wikidata_id_in_the_data_is_verified():
    verified = read_verified_ids(VERIFIED)
    unverified = {qid: where for qid, where in wikidata_ids_in_data().items() if qid not in verified}
    assert not unverified, f"Wikidata IDs not in {VERIFIED}: {unverified}"


@needs_verified
def test_wikidata_rows_cite_the_verified_source(mappings):
    """Each row's see_also URIs name the repository and file the verified list cites."""
    verified = read_verified_ids(VERIFIED)
    for m in mappings:
        if m.wikidata_id:
            for piece in verified[m.wikidata_id].source.split(";"):
                for word in re.findall(r"[\w.-]+", piece.split("(")[0]):
                    assert word in m.source, (m.where, word)


def _names(graph: Graph, entity: URIRef) -> set[str]:
    values = [*graph.objects(entity, RDFS.label), *graph.objects(entity, SKOS.altLabel)]
    values += graph.objects(entity, LKG.acronym)
    return {_norm(str(v)) for v in values}


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name.lower().replace("labour", "labor")).strip()


def resolve(graph: Graph, name: str) -> set[URIRef]:
    """Named entities of the graph called ``name`` (or its bracketed acronym) in any language."""
    wanted = {_norm(re.sub(r"\s*\(.*\)\s*$", "", name))}
    wanted |= {_norm(a) for a in re.findall(r"\(([^)]+)\)", name)}
    out: set[URIRef] = set()
    for entity in set(graph.subjects(RDF.type, LKG.NamedEntity)):
        if isinstance(entity, URIRef) and _names(graph, entity) & wanted:
            out.add(entity)
    return out


@needs_verified
def test_every_verified_entity_is_linked(kg, mappings):
    for vid in read_verified_ids(VERIFIED).values():
        entities = resolve(kg, vid.entity)
        if vid.entity in NOT_IN_GRAPH:
            assert not entities, f"{vid.entity} is now in the graph: link it to {vid.wikidata_id}"
            assert not [m for m in mappings if m.wikidata_id == vid.wikidata_id]
            continue
        assert len(entities) == 1, f"{vid.entity}: {entities}"
        (entity,) = entities
        assert targets(mappings, entity, WIKIDATA) == [WIKIDATA + vid.wikidata_id], vid.entity


def test_entities_without_a_trustworthy_wikidata_id_stay_unlinked(mappings):
    for entity in NO_WIKIDATA:
        assert not targets(mappings, entity, WIKIDATA), entity


# ------------------------------------------------------------------------------------------ schemes


def instances(graph: Graph, cls: URIRef) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef)}


def test_every_country_has_its_iso_3166_code(kg, mappings):
    countries = instances(kg, LKG.Country)
    assert {LKR.mexico, LKR["united-states"], LKR.guatemala, LKR.honduras} <= countries
    expected = {
        LKR.mexico: "MX",
        LKR["united-states"]: "US",
        LKR.guatemala: "GT",
        LKR.honduras: "HN",
        LKR.canada: "CA",
        LKR["el-salvador"]: "SV",
    }
    for country in countries:
        assert targets(mappings, country, ISO3166), f"{country} has no ISO 3166-1 code"
        if country in expected:
            assert targets(mappings, country, ISO3166) == [ISO3166 + expected[country]]


def test_every_currency_has_its_iso_4217_code(kg, mappings):
    currencies = instances(kg, LKG.Currency)
    assert currencies == {LKC.USD, LKC.MXN}
    for currency in currencies:
        notation = str(kg.value(currency, SKOS.notation))
        assert targets(mappings, currency, ISO4217) == [ISO4217 + notation]


def ilo_instruments(graph: Graph) -> set[URIRef]:
    """Instruments labelled "ILO …", and the Forced Labor Convention, 1930 and its 2014 Protocol."""
    out = set()
    for entity in instances(graph, LKG.InternationalInstrument):
        labels = [str(v) for v in graph.objects(entity, RDFS.label)]
        if any(label.startswith("ILO") or "Forced Labor Convention" in label for label in labels):
            out.add(entity)
    return out


def test_every_ilo_instrument_has_its_normlex_page(kg, mappings):
    codes = {
        LKR["ilo-c138"]: "C138",
        LKR["ilo-c182"]: "C182",
        LKR["forced-labor-convention-1930"]: "C029",
        LKR["protocol-of-2014-to-the-forced-labor-convention-1930"]: "P029",
    }
    instruments = ilo_instruments(kg)
    assert instruments == set(codes)
    for instrument in instruments:
        assert targets(mappings, instrument, NORMLEX) == [NORMLEX + codes[instrument]]


def test_every_iati_code_has_its_iati_code(kg, mappings):
    codes = instances(kg, LKG.ActivityStatus) | instances(kg, LKG.OrganisationRoleType)
    assert len(codes) == 10
    for code in codes:
        (target,) = targets(mappings, code, IATI)
        assert target.endswith("#" + str(kg.value(code, SKOS.notation)))


# ------------------------------------------------------------------------------------------ report


def test_link_report(kg, mappings):
    report = link_report(kg, mappings)
    counts = report.counts()
    assert counts[COUNTRY] == (7, 0)
    assert counts[CURRENCY] == (2, 0)
    assert counts[ILO_INSTRUMENT] == (4, 0)
    assert counts[IATI_CODE] == (10, 0)
    linked_orgs = {e.entity for e in report.linked_of(ORGANISATION)}
    assert linked_orgs == {LKR.ilo, LKR.iom, LKR.usdol, LKR.usaid, LKR.inegi}
    unlinked = {e.entity for e in report.unlinked}
    assert {LKR.unhcr, LKR.stps, LKR.sre, LKR.usmca} <= unlinked
    assert not report.missing
    assert {e.entity for e in report.linked} == {m.subject for m in mappings}
    text = report.text()
    assert "lkr:mexico (Mexico)" in text and "wikidata:Q96" in text
    assert "Not linked, organisation" in text and "lkr:unhcr (UNHCR)" in text


def test_link_report_names_mapped_subjects_missing_from_the_graph(mappings):
    report = link_report(Graph(), mappings)
    assert not report.linked and len(report.missing) == len({m.subject for m in mappings})


# ------------------------------------------------------------------------------------------ malformed files

HEADER = (
    "subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\t"
    "mapping_justification\tauthor_label\tsee_also\tcomment"
)
META = """# curie_map:
#   lkr: "https://w3id.org/laborkg/id/"
#   skos: "http://www.w3.org/2004/02/skos/core#"
#   semapv: "https://w3id.org/semapv/vocab/"
#   wikidata: "http://www.wikidata.org/entity/"
# mapping_set_id: "https://example.org/test.sssom.tsv"
# license: "https://spdx.org/licenses/MIT.html"
"""
GOOD_ROW = (
    "lkr:mexico\tMexico\tskos:exactMatch\twikidata:Q96\tMexico\tsemapv:ManualMappingCuration\tme\tsrc\t"
)


def write(tmp_path: Path, body: str, meta: str = META) -> Path:
    folder = tmp_path / "mappings"
    folder.mkdir(exist_ok=True)
    path = folder / "test.sssom.tsv"
    path.write_text(meta + body, encoding="utf-8")
    return path


def fails(tmp_path: Path, body: str, line: int, reason: str, meta: str = META, **kwargs) -> None:
    path = write(tmp_path, body, meta)
    with pytest.raises(InputError) as info:
        load_mappings(path.parent, **kwargs)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert reason in message, message
    assert "\n" not in message


HEADER_LINE = META.count("\n") + 1


def test_a_good_file_loads(tmp_path):
    path = write(tmp_path, f"{HEADER}\n{GOOD_ROW}\n")
    (m,) = load_mappings(path.parent)
    assert m.subject == LKR.mexico and m.object == URIRef(WIKIDATA + "Q96") and m.line == HEADER_LINE + 1


def test_missing_column(tmp_path):
    header = HEADER.replace("\tsee_also", "")
    row = GOOD_ROW.replace("\tsrc", "")
    fails(tmp_path, f"{header}\n{row}\n", HEADER_LINE, "missing column(s): see_also")


def test_row_without_source(tmp_path):
    row = GOOD_ROW.replace("\tsrc\t", "\t\t")
    fails(tmp_path, f"{HEADER}\n{GOOD_ROW}\n{row}\n", HEADER_LINE + 2, "names no source")


def test_row_without_justification(tmp_path):
    row = GOOD_ROW.replace("semapv:ManualMappingCuration", "")
    fails(tmp_path, f"{HEADER}\n{row}\n", HEADER_LINE + 1, "no mapping_justification")


def test_wikidata_id_not_verified(tmp_path):
    verified = tmp_path / "verified-ids.tsv"
    verified.write_text("# comment\nentity\twikidata\tsource\nCanada\tQ16\tsomewhere\n", encoding="utf-8")
    fails(
        tmp_path,
        f"{HEADER}\n{GOOD_ROW}\n",
        HEADER_LINE + 1,
        "Q96 is not in the verified list",
        verified=verified,
    )


@needs_verified
def test_wikidata_id_not_in_the_project_list(tmp_path):
    row = GOOD_ROW.replace("lkr:mexico\tMexico", "lkr:unhcr\tUNHCR").replace("Q96", "Q1")
    fails(
        tmp_path, f"{HEADER}\n{row}\n", HEADER_LINE + 1, "Q1 is not in the verified list", verified=VERIFIED
    )


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("wikidata:Q96", "wikidata:P31", "not an item ID"),
        ("skos:exactMatch", "owl:sameAs", "is not one of skos:exactMatch"),
        ("semapv:ManualMappingCuration", "semapv:Guesswork", "not a SEMAPV term"),
        ("wikidata:Q96", "dbpedia:Mexico", "prefix 'dbpedia', which curie_map does not declare"),
        ("wikidata:Q96", "http://www.wikidata.org/entity/Q96", "is a full IRI"),
        ("lkr:mexico\t", "wikidata:Q1\t", "is not a laborkg IRI"),
        ("\tsrc\t", "\tsrc\textra\t", "10 fields where the header has 9"),
    ],
)
def test_malformed_rows(tmp_path, old, new, reason):
    fails(tmp_path, f"{HEADER}\n{GOOD_ROW.replace(old, new, 1)}\n", HEADER_LINE + 1, reason)


def test_duplicate_row(tmp_path):
    fails(tmp_path, f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW}\n", HEADER_LINE + 2, "same mapping as line")


def test_two_wikidata_items_for_one_entity(tmp_path):
    other = GOOD_ROW.replace("Q96", "Q30")
    fails(tmp_path, f"{HEADER}\n{GOOD_ROW}\n{other}\n", HEADER_LINE + 2, "lkr:mexico already matches Q96")


def test_missing_curie_map(tmp_path):
    meta = '# mapping_set_id: "https://example.org/x"\n# license: "https://spdx.org/licenses/MIT.html"\n'
    fails(tmp_path, f"{HEADER}\n{GOOD_ROW}\n", 1, "metadata has no curie_map", meta=meta)


def test_malformed_metadata(tmp_path):
    meta = META.replace("# license:", "# not a key\n# license:")
    fails(tmp_path, f"{HEADER}\n{GOOD_ROW}\n", META.count("\n"), "is not 'key: value'", meta=meta)


def test_subject_not_in_graph(tmp_path):
    row = GOOD_ROW.replace("lkr:mexico", "lkr:atlantis")
    path = write(tmp_path, f"{HEADER}\n{row}\n")
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))}:{HEADER_LINE + 1}: subject lkr:atlantis"):
        load_mappings(path.parent, graph=Graph())
    with pytest.raises(InputError, match="is not in the graph"):
        check_subjects(load_mappings(path.parent), Graph())


def test_no_such_directory(tmp_path):
    with pytest.raises(InputError, match="no such directory"):
        load_mappings(tmp_path / "nowhere")

"""USDOL findings added to a store: closures equal to reasoning from scratch, adding a year costs that year,
bad input and data that does not conform leave the store as it was."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys

import pytest
from rdflib import BNode, Graph
from rdflib.namespace import RDFS
from support.findings import FINDINGS, require_findings

from laborkg.cli import main
from laborkg.ingest import findings
from laborkg.inputs import input_files
from laborkg.pipeline.load import load
from laborkg.pipeline.reason import owl_rl_closure
from laborkg.store import ingest as si
from laborkg.store.layout import read_manifest

require_findings()


def _fingerprint(directory):
    from conftest import _fingerprint as fp

    return fp(directory)


def _no_bnodes(g) -> set:
    return {t for t in g if not isinstance(t[0], BNode) and not isinstance(t[2], BNode)}


def _dump(directory) -> set[str]:
    import pyoxigraph as ox

    store = ox.Store.read_only(str(directory / "oxigraph"))
    return {str(q.triple) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}


@pytest.mark.slow
def test_year_closures_equal_reasoning_from_scratch():
    """The store gets, for each year, exactly what laborkg's OWL RL materialiser gives on ontology + data +
    that year from scratch (validation closure: without domains and ranges)."""
    base = load(input_files())
    reasoner = si.Reasoner(base)
    schema = _no_bnodes(owl_rl_closure(Graph() + base, reasoner="laborkg"))
    for year, g, _ in findings.ingest_years(FINDINGS, [2014, 2022], ["Mexico", "Guatemala"]):
        validation, query = reasoner.closures(g)
        got_v = _no_bnodes(Graph().parse(data=validation, format="nt"))
        got_q = _no_bnodes(Graph().parse(data=query, format="nt")) | schema
        want_q = _no_bnodes(owl_rl_closure(Graph() + base + g, reasoner="laborkg"))
        v = Graph() + base + g
        v.remove((None, RDFS.domain, None))
        v.remove((None, RDFS.range, None))
        want_v = _no_bnodes(owl_rl_closure(v, reasoner="laborkg"))
        assert len(g) > 1000, year
        assert got_v == want_v, (year, len(got_v ^ want_v))
        assert got_q == want_q, (
            year,
            sorted(map(str, want_q - got_q))[:5],
            sorted(map(str, got_q - want_q))[:5],
        )


def test_findings_store_holds_every_year_of_its_countries(findings_store):
    from support.findings import COUNTRIES

    from laborkg.backends.oxigraph import OxigraphStore
    from laborkg.ingest.countries import reconcile

    manifest = read_manifest(findings_store)
    years = manifest["sources"]["usdol-findings"]["years"]
    assert sorted(map(int, years)) == list(range(2014, 2023))
    store = OxigraphStore(findings_store)
    try:
        rows = store.sparql(
            "SELECT ?c (COUNT(DISTINCT ?y) AS ?n) WHERE { ?p a lkg:CountryProfile ; lkg:profileOf ?c ; "
            "lkg:reportingYear ?y } GROUP BY ?c"
        ).rows
    finally:
        store.close()
    got = {str(c): int(n) for c, n in rows}
    assert set(got) == {str(reconcile(n).iri) for n in COUNTRIES}
    # a country with a record in every file has nine profiles (the files are read here, not assumed)
    for name in COUNTRIES:
        in_files = {
            ff.year
            for ff, root in (findings.load(p) for p in findings.find_files(FINDINGS))
            for rec, _ in findings.records(ff, root)
            if reconcile(rec.name).iri == reconcile(name).iri
        }
        assert got[str(reconcile(name).iri)] == len(in_files), name


@pytest.mark.slow
def test_adding_a_year_costs_that_year_and_equals_adding_both_at_once(built_store, tmp_path):
    one, both = tmp_path / "one", tmp_path / "both"
    shutil.copytree(built_store, one)
    shutil.copytree(built_store, both)
    first = si.add_findings(one, FINDINGS, [2021], ["Mexico", "Honduras"])
    second = si.add_findings(one, FINDINGS, [2022], ["Mexico", "Honduras"])
    assert first["years"] == [2021] and second["years"] == [2022]
    assert second["triples_added"] > 1000
    at_once = si.add_findings(both, FINDINGS, [2021, 2022], ["Mexico", "Honduras"])
    assert _dump(one) == _dump(both)
    # the second year cost about its own share, not the whole again
    assert second["triples_added"] < 0.75 * at_once["triples_added"]
    again = si.add_findings(one, FINDINGS, [2021, 2022], ["Mexico"])
    assert again["years"] == [] and again["triples_added"] == 0
    more = si.add_findings(one, FINDINGS, [2022], ["Mexico", "Guatemala"])  # only Guatemala is read
    assert more["years"] == [2022] and 0 < more["triples_added"] < second["triples_added"] * 1.5
    countries = read_manifest(one)["sources"]["usdol-findings"]["years"]["2022"]["countries"]
    assert len(countries) == 3


def _run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "damage",
    ["truncated", "unknown-element", "not-xml", "missing"],
)
def test_bad_findings_files_leave_the_store_unchanged(built_store, tmp_path, damage):
    store = tmp_path / "kg"
    shutil.copytree(built_store, store)
    before = _fingerprint(store)
    src = tmp_path / "findings"
    src.mkdir()
    data = (FINDINGS / "countries_2022.xml").read_bytes()
    if damage == "truncated":
        (src / "countries_2022.xml").write_bytes(data[: len(data) // 2])
    elif damage == "unknown-element":
        (src / "countries_2022.xml").write_bytes(data.replace(b"<Region>", b"<Regio>", 1))
    elif damage == "not-xml":
        (src / "countries_2022.xml").write_bytes(b"\x00\x01 not xml")
    code, out, err = _run("ingest", "findings", "--from", str(src), "--years", "2022", "--store", str(store))
    assert code == 2, err
    assert err.startswith("laborkg: error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    assert _fingerprint(store) == before


def test_an_unknown_country_or_years_leave_the_store_unchanged(built_store, tmp_path):
    store = tmp_path / "kg"
    shutil.copytree(built_store, store)
    before = _fingerprint(store)
    for extra in (["--country", "Atlantis"], ["--years", "2013-2022"], ["--years", "soon"]):
        code, _, err = _run("ingest", "findings", "--from", str(FINDINGS), "--store", str(store), *extra)
        assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, (extra, err)
    assert _fingerprint(store) == before


def test_data_that_does_not_conform_is_refused_with_exit_1(built_store, tmp_path, monkeypatch):
    """A mapping that made an observation without its indicator (a shape requires one) is refused; the
    store is left as it was."""
    from laborkg.namespace import LKG

    store = tmp_path / "kg"
    shutil.copytree(built_store, store)
    before = _fingerprint(store)
    real = findings.map_file

    def broken(*args, **kwargs):
        g = real(*args, **kwargs)
        g.remove((None, LKG.indicator, None))
        return g

    monkeypatch.setattr(findings, "map_file", broken)
    code, _, err = _run(
        "ingest",
        "findings",
        "--from",
        str(FINDINGS),
        "--years",
        "2022",
        "--country",
        "Mexico",
        "--store",
        str(store),
    )
    assert code == 1, err
    assert "does not conform" in err and err.count("\n") == 1, err
    assert _fingerprint(store) == before


def test_ingest_help_lists_its_options():
    proc = subprocess.run(
        [sys.executable, "-m", "laborkg", "ingest", "findings", "--help"], capture_output=True, text=True
    )
    assert proc.returncode == 0
    for option in ("--from", "--years", "--country", "--store", "-o"):
        assert option in proc.stdout


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    """A local HTTP server laid out like USDOL's repository (raw files by commit), holding the 2022 file
    and a damaged 2021 file; ``$LABORKG_FINDINGS_URL`` points at it."""
    from support.server import static_files

    from laborkg.ingest.download import PUBLISHED

    root = tmp_path / "mirror"
    for year, data in ((2022, (FINDINGS / "countries_2022.xml").read_bytes()), (2021, b"<Countries/>")):
        commit, name = PUBLISHED[year]
        where = root / commit / "app" / "src" / "main" / "assets"
        where.mkdir(parents=True)
        (where / name).write_bytes(data)
    with static_files(root) as url:
        monkeypatch.setenv("LABORKG_FINDINGS_URL", url)
        yield root


def test_without_from_the_files_are_downloaded_and_checked(mirror, tmp_path, capsys):
    from laborkg.ingest.download import findings_dir

    out = tmp_path / "mx.nt"
    code, stdout, err = _run("ingest", "findings", "--years", "2022", "--country", "Mexico", "-o", str(out))
    assert code == 0, err
    assert "downloading http://127.0.0.1" in capsys.readouterr().err
    assert (findings_dir() / "countries_2022.xml").read_bytes() == (
        FINDINGS / "countries_2022.xml"
    ).read_bytes()
    assert "<https://w3id.org/laborkg/id/mexico>" in out.read_text()
    # a file whose SHA-256 is not the known one is refused, and nothing of it is kept
    code, _, err = _run("ingest", "findings", "--years", "2021", "-o", str(tmp_path / "x.nt"))
    assert code == 2 and "SHA-256" in err and err.count("\n") == 1, err
    assert not (findings_dir() / "countries_2021.xml").exists()
    assert not (tmp_path / "x.nt").exists()


def test_an_unreachable_mirror_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("LABORKG_FINDINGS_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("LABORKG_CACHE_DIR", str(tmp_path / "cache"))
    code, _, err = _run("ingest", "findings", "--years", "2019", "-o", str(tmp_path / "x.nt"))
    assert code == 2 and err.startswith("laborkg: error: cannot download") and err.count("\n") == 1, err


def test_laborkg_add_never_rebuilds_the_findings_away(built_store, tmp_path):
    """An addition that would need a rebuild from the input files is refused on a store with ingested
    findings (the rebuild would drop them); the store is left as it was."""
    from laborkg.errors import InputError
    from laborkg.store import incremental

    store = tmp_path / "kg"
    shutil.copytree(built_store, store)
    si.add_findings(store, FINDINGS, [2022], ["Honduras"])
    before = _fingerprint(store)
    doc = tmp_path / "schema.ttl"
    doc.write_text(
        "@prefix lkg: <https://w3id.org/laborkg/ontology#> . "
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "lkg:Program rdfs:subClassOf lkg:Initiative .\n"
    )
    with pytest.raises(InputError, match="would drop what was ingested into it"):
        incremental.add(store, [doc])
    assert _fingerprint(store) == before


def test_country_may_be_repeated(tmp_path):
    out = tmp_path / "two.nt"
    code, _, err = _run(
        "ingest", "findings", "--from", str(FINDINGS), "--years", "2022",
        "--country", "Mexico", "--country", "Honduras", "-o", str(out),
    )  # fmt: skip
    assert code == 0, err
    text = out.read_text()
    assert "<https://w3id.org/laborkg/id/mexico>" in text and "/honduras>" in text

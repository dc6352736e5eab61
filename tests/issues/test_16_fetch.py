"""Issue 16: a report downloaded from its public address, kept only with its known SHA-256."""

from __future__ import annotations

import hashlib
import re

import pytest
from support.cli import assert_one_line_error, run
from support.reports import REPORTS, require_reports
from support.server import static_files

from laborkg.ingest.report_download import COMMITS, KNOWN_SHA256, reports_cache, url


@pytest.fixture
def reports():
    require_reports()
    return REPORTS


def test_known_hashes_and_commits_are_those_of_the_reports_as_published(reports):
    """Each known SHA-256 is that of the shared copy; each commit is the one the sources name."""
    for (country, year), sha in KNOWN_SHA256.items():
        assert hashlib.sha256((reports / f"{country.lower()}_{year}.pdf").read_bytes()).hexdigest() == sha
    readme = (reports / "README.md").read_text(encoding="utf-8")
    named = dict(re.findall(r"([0-9a-f]{7})\s+\((\d{4})", readme))
    assert {int(y): c for c, y in named.items()}.keys() == COMMITS.keys()
    for commit, year in named.items():
        assert COMMITS[int(year)].startswith(commit)
    for year in (2019, 2020, 2021):  # the full commits, on line 1 of the plain-text extractions
        first = (reports.parent / f"mexico_{year}.txt").read_text(encoding="utf-8").split("\n", 1)[0]
        assert f"/blob/{COMMITS[year]}/Child%20Labor/Mexico.pdf" in first


@pytest.fixture
def mirror(reports, tmp_path, monkeypatch):
    """USDOL's repository laid out on a local server: Mexico 2021 as published, and Brazil 2020's bytes
    under the name of Brazil 2021 (a wrong file)."""
    root = tmp_path / "mirror"
    for year, country, source in ((2021, "Mexico", "mexico_2021"), (2021, "Brazil", "brazil_2020")):
        where = root / COMMITS[year] / "Child Labor"
        where.mkdir(parents=True, exist_ok=True)
        (where / f"{country}.pdf").write_bytes((reports / f"{source}.pdf").read_bytes())
    monkeypatch.setenv("LABORKG_CACHE_DIR", str(tmp_path / "cache"))
    with static_files(root) as base:
        monkeypatch.setenv("LABORKG_REPORTS_URL", base)
        yield root


def test_fetch_downloads_checks_and_reads_the_report(mirror, tmp_path, capfd):
    target = tmp_path / "mx.nt"
    code, out, err = run(
        "ingest", "report", "--fetch", "--country", "Mexico", "--year", "2021", "-o", str(target)
    )
    assert code == 0, err
    assert "downloading http://127.0.0.1" in capfd.readouterr().err
    kept = reports_cache() / "Mexico_2021.pdf"
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == KNOWN_SHA256[("Mexico", 2021)]
    assert "<https://w3id.org/laborkg/id/mexico>" in target.read_text(encoding="utf-8")
    # the second time the cached file is read, not downloaded again
    (mirror / COMMITS[2021] / "Child Labor" / "Mexico.pdf").unlink()
    code, _, err = run(
        "ingest", "report", "--fetch", "--country", "Mexico", "--year", "2021", "-o", str(target)
    )
    assert code == 0, err
    assert "downloading" not in capfd.readouterr().err


def test_a_file_without_the_expected_hash_is_refused_and_not_kept(mirror, tmp_path):
    target = tmp_path / "br.nt"
    code, _, err = run(
        "ingest", "report", "--fetch", "--country", "Brazil", "--year", "2021", "-o", str(target)
    )
    assert code == 2 and "SHA-256" in err and "nothing kept" in err, err
    assert_one_line_error(err)
    assert not (reports_cache() / "Brazil_2021.pdf").exists() and not target.exists()


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--fetch", "--country", "Chile", "--year", "2021"], "no known SHA-256"),
        (["--fetch", "--country", "Mexico", "--year", "2021", "--sha256", "0" * 64], "is not the known"),
        (["--fetch", "--country", "Mexico", "--year", "2021", "--sha256", "xyz"], "64 hexadecimal"),
        (["--fetch", "--country", "Mexico", "--year", "2016"], "reporting year 2016"),
        (["--fetch", "--country", "Mexico"], "--fetch takes --country and --year"),
        (["--sha256", "0" * 64, "x.pdf"], "--sha256 goes with --fetch"),
        ([], "give the report"),
    ],
)
def test_fetch_arguments_that_cannot_work_are_one_line(tmp_path, monkeypatch, argv, words):
    monkeypatch.setenv("LABORKG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("LABORKG_REPORTS_URL", "http://127.0.0.1:9")  # never reached
    code, _, err = run("ingest", "report", *argv, "-o", str(tmp_path / "x.nt"))
    assert code == 2 and words in err, err
    assert_one_line_error(err)
    assert not (tmp_path / "x.nt").exists() and not (tmp_path / "cache").exists()


def test_an_unreachable_repository_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("LABORKG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("LABORKG_REPORTS_URL", "http://127.0.0.1:9")
    code, _, err = run(
        "ingest", "report", "--fetch", "--country", "Mexico", "--year", "2020", "-o", str(tmp_path / "x.nt")
    )
    assert code == 2 and err.startswith("laborkg: error: cannot download http://127.0.0.1:9/"), err
    assert_one_line_error(err)


def test_the_address_names_the_file_after_the_country():
    assert url("El Salvador", 2021, "https://example.org/r") == (
        f"https://example.org/r/{COMMITS[2021]}/Child%20Labor/El%20Salvador.pdf"
    )

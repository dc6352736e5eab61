"""The command line, in-process through main(argv), and the installed console script once."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.cli import assert_one_line_error, run

from laborkg import paths
from laborkg.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


# --- the main job --------------------------------------------------------------------------------


def test_agencies_lost_support_tells_the_whole_story():
    code, out, err = run("query", "agencies-lost-support")
    assert code == 0, err
    for text in (
        "Secretariat of Labor and Social Welfare (STPS)",
        "21",
        "207,000,000",
        "US dollar",
        "2019",
        "March 2025",
        "United States government",
        "Cancelled",
    ):
        assert text in out, text
    # every fact is traceable: the footnotes quote the seeds by file
    assert "Sources:" in out
    assert "seeds/000_7e04030125ad1ee4.txt" in out and "seeds/001_7bc4c820ebaf7bb2.txt" in out
    flat = " ".join(out.split())  # footnotes are wrapped to the terminal width
    assert "In March 2025, the United States government terminated 21 technical assistance programs" in flat


def test_agencies_lost_support_in_spanish():
    code, out, _ = run("query", "agencies-lost-support", "--lang", "es")
    assert code == 0
    for text in (
        "Secretaría del Trabajo y Previsión Social (STPS)",
        "gobierno de Estados Unidos",
        "marzo de 2025",
        "Cancelada",
        "dólar estadounidense",
    ):
        assert text in out, text


def test_machine_formats_are_exact():
    code, out, _ = run("query", "agencies-lost-support", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    (row,) = doc["results"]["bindings"]
    assert row["agency"]["value"] == "https://w3id.org/laborkg/id/stps"
    assert row["amount"]["datatype"] == "http://www.w3.org/2001/XMLSchema#decimal"
    assert float(row["amount"]["value"]) == 207000000
    assert row["programCount"]["value"] == "21"
    code, out, _ = run("query", "agencies-lost-support", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["agency"] == "https://w3id.org/laborkg/id/stps" and rows[0]["end"] == "2025-03"
    code, out, _ = run("query", "agencies-lost-support", "--format", "tsv")
    header, first = out.splitlines()[:2]
    assert header.split("\t")[0] == "?agency"
    assert first.split("\t")[0] == "<https://w3id.org/laborkg/id/stps>"


def test_funder_parameter_by_label_and_by_acronym():
    code, out, _ = run(
        "query", "agencies-lost-support", "-p", "funder=United States government", "--format", "csv"
    )
    assert code == 0 and len(list(csv.DictReader(io.StringIO(out)))) == 1
    code, out, _ = run("query", "agencies-lost-support", "-p", "funder=STPS", "--format", "csv")
    assert code == 0 and list(csv.DictReader(io.StringIO(out))) == []


def test_queries_lists_the_catalogue():
    code, out, _ = run("queries")
    assert code == 0
    assert "agencies-lost-support" in out and "-p funder=<iri>" in out


# --- errors: one line, exit 2, no traceback --------------------------------------------------------


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["query", "agencies-lost-suport"], "no packaged query named 'agencies-lost-suport'"),
        (["query", "agencies-lost-support", "-p", "donor=x"], "has no parameter 'donor'"),
        (["query", "agencies-lost-support", "-p", "funder"], "is not NAME=VALUE"),
        (
            ["query", "agencies-lost-support", "-p", "funder=Nobody at all"],
            "nothing in the graph is labelled",
        ),
        (["query", "launches", "-p", "on=2025-13-01"], "is not a date"),
        (["validate", "--data", "no/such/file.ttl"], "no such file or directory"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, fragment):
    code, out, err = run(*argv)
    assert code == 2
    assert fragment in err
    assert_one_line_error(err)


def test_usage_errors_exit_2(capsys):
    assert main(["no-such-command"]) == 2
    assert main([]) == 2
    assert "usage:" in capsys.readouterr().err


def test_help_documents_exit_codes(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "exit codes:" in text and "2  bad input" in text


def test_version_and_export_formats(capsys):
    from importlib import metadata

    from laborkg import cli
    from laborkg.publish import export

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"laborkg {metadata.version('laborkg')}"
    assert cli.EXPORT_FORMATS == export.FORMATS  # the CLI lists them without importing the exporter


def test_a_query_on_a_store_does_not_load_the_heavy_machinery():
    """`laborkg query --store` starts fast because reasoning, validation, export, JSON-LD and the SPARQL
    parser load only with the commands that use them (the benchmark measures the time; this, the cause)."""
    code = (
        "import sys; from laborkg import cli; cli.build_parser(); "
        "heavy = [m for m in ('owlrl', 'pyshacl', 'pyld', 'laborkg.publish.export', "
        "'laborkg.pipeline.validate', 'laborkg.pipeline.reason', 'laborkg.server.app', "
        "'rdflib.plugins.sparql.parser') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out


HEAVY = (
    "owlrl",
    "pyshacl",
    "pyld",
    "laborkg.publish.export",
    "laborkg.pipeline.validate",
    "laborkg.pipeline.reason",
    "laborkg.store.build",
    "laborkg.server.app",
    "laborkg.query.guard",
    "rdflib.plugins.sparql.parser",
)


def test_a_packaged_query_on_the_default_store_loads_none_of_the_heavy_machinery(
    built_store, tmp_path, monkeypatch
):
    """The main job, once the default store exists, neither reasons, validates nor parses SPARQL with
    rdflib: it opens the store and runs the query (the benchmark measures the time; this, the cause)."""
    import os
    import shutil

    from laborkg.inputs import input_files
    from laborkg.store.default import store_dir

    monkeypatch.setenv("LABORKG_CACHE_DIR", str(tmp_path / "cache"))
    env = dict(os.environ)
    target = store_dir(input_files())
    target.parent.mkdir(parents=True)
    shutil.copytree(built_store, target)  # the default store, as the first command would have built it
    code = (
        "import io, sys; from laborkg.cli import main; out = io.StringIO(); "
        "code = main(['query', 'agencies-lost-support'], out=out); "
        f"print(code, 'Secretariat of Labor' in out.getvalue(), [m for m in {HEAVY!r} if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.strip() == "0 True []", done.stdout + done.stderr
    assert "building" not in done.stderr  # opened, not built


def test_malformed_turtle_names_file_and_line_and_loads_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("LABORKG_CACHE_DIR", str(tmp_path / "cache"))
    bad = tmp_path / "broken.ttl"
    bad.write_text(
        '@prefix lkr: <https://w3id.org/laborkg/id/> .\nlkr:a lkr:b lkr:c .\n\nlkr:a lkr:b "oops .\n'
    )
    good = paths.DATA_DIR / "cancellation.ttl"
    for cmd in ("validate", "stats"):
        code, out, err = run(cmd, "--data", str(good), "--data", str(bad))
        assert code == 2
        assert_one_line_error(err)
        assert f"{bad}:4:" in err
        assert out == ""
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").iterdir()), (
        "half a build was cached"
    )


def test_unknown_file_type_is_bad_input(tmp_path):
    f = tmp_path / "data.csv"
    f.write_text("a,b\n")
    code, _, err = run("validate", "--data", str(f))
    assert code == 2 and "unknown RDF file type" in err


# --- validate and stats ------------------------------------------------------------------------------


@pytest.mark.slow
def test_validate_shipped_data_conforms():
    code, out, _ = run("validate")
    assert code == 0, out
    assert out.startswith("Conforms")


@pytest.mark.slow
def test_validate_reports_violations_with_exit_1():
    code, out, _ = run(
        "validate",
        "--data",
        str(paths.DATA_DIR / "sources.ttl"),
        "--data",
        str(FIXTURES / "shapes" / "good.ttl"),
        "--data",
        str(FIXTURES / "shapes" / "bad" / "amount-currency.ttl"),
    )
    assert code == 1
    assert "Does not conform: 1 violation(s)." in out
    assert "lkr:bad-currency  lkg:currency" in out
    assert "exactly one ISO 4217 currency" in out
    code, out, _ = run(
        "validate",
        "--format",
        "json",
        "--data",
        str(paths.DATA_DIR / "sources.ttl"),
        "--data",
        str(FIXTURES / "shapes" / "good.ttl"),
        "--data",
        str(FIXTURES / "shapes" / "bad" / "amount-currency.ttl"),
    )
    doc = json.loads(out)
    assert code == 1 and doc["conforms"] is False and len(doc["violations"]) == 1


@pytest.mark.slow
def test_stats_by_class_and_by_source():
    code, out, _ = run("stats")
    assert code == 0
    assert "By class (most specific):" in out and "lkg:GovernmentAgency" in out
    assert "000_7e04030125ad1ee4.txt" in out and "001_7bc4c820ebaf7bb2.txt" in out
    code, out, _ = run("stats", "--format", "json")
    doc = json.loads(out)
    by_file = {row["file"]: row for row in doc["by_source"]}
    assert by_file["000_7e04030125ad1ee4.txt"]["named_entities"] > 10
    assert by_file["001_7bc4c820ebaf7bb2.txt"]["named_entities"] > 10
    assert doc["by_class"]["lkg:Cancellation"] >= 1


# --- the console script -----------------------------------------------------------------------------


def test_console_script_runs_the_main_job():
    exe = shutil.which("laborkg", path=str(Path(sys.executable).parent))
    assert exe, "the laborkg console script is not installed next to this Python"
    proc = subprocess.run(
        [exe, "query", "agencies-lost-support"], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert "Secretariat of Labor and Social Welfare (STPS)" in proc.stdout
    proc = subprocess.run([exe, "query", "nope"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_module_entry_point():
    proc = subprocess.run([sys.executable, "-m", "laborkg", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("laborkg ")


def test_link_reports_linked_and_unlinked(tmp_path):
    target = tmp_path / "links.ttl"
    code, out, err = run("link", "-o", str(target))
    assert code == 0, err
    assert "entities linked" in out and "not linked" in out
    from rdflib import Graph

    g = Graph().parse(target)
    assert len(g) >= 20
    code, out, _ = run("link", "--format", "json")
    doc = json.loads(out)
    linked = {e["entity"] for e in doc["linked"]}
    assert "https://w3id.org/laborkg/id/mexico" in linked
    assert "https://w3id.org/laborkg/id/stps" in {e["entity"] for e in doc["unlinked"]}


def test_docs_command_writes_html(tmp_path):
    code, out, err = run("docs", "-o", str(tmp_path / "docs"))
    assert code == 0, err
    html = (tmp_path / "docs" / "index.html").read_text()
    assert "government agency" in html and "dependencia gubernamental" in html

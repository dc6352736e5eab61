"""Issue 14, republishable exports and CLI/API habits: offline JSON-LD, canonical labels, SSSOM, licence."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from laborkg import paths
from laborkg.cli import main
from laborkg.pipeline.load import input_files, load
from laborkg.publish import export
from laborkg.publish.metadata import DATASET, LICENSE, VOID, describe

ROOT = paths.ROOT
MAPPINGS = sorted((ROOT / "data" / "mappings").glob("*.sssom.tsv"))
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


@pytest.fixture(scope="module")
def asserted():
    return load(input_files())


@pytest.fixture(scope="module")
def jsonld_export(asserted) -> str:
    return export.serialize(asserted, "jsonld")


def _run(argv: list[str], stdin: bytes | None = None) -> tuple[int, str, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "laborkg", *argv],
        input=stdin,
        capture_output=True,
        timeout=600,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT / "src")},
    )
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


# --- JSON-LD without the network -----------------------------------------------------------------------


def test_jsonld_export_parses_in_pyoxigraph_offline(jsonld_export, asserted):
    """pyoxigraph has no document loader: a remote context was 'No LoadDocumentCallback has been set'."""
    import pyoxigraph as ox

    quads = list(ox.parse(jsonld_export.encode("utf-8"), format=ox.RdfFormat.JSON_LD))
    assert len(quads) == len(export.with_metadata(asserted))


def test_jsonld_export_parses_in_pyld_with_a_loader_that_fetches_nothing(jsonld_export, asserted):
    from pyld import jsonld as pyld

    fetched: list[str] = []

    def refuse(url, options=None):
        fetched.append(url)
        raise RuntimeError(f"fetch of {url}")

    nquads = pyld.to_rdf(
        json.loads(jsonld_export), {"documentLoader": refuse, "format": "application/n-quads"}
    )
    assert not fetched
    assert len(nquads.splitlines()) == len(export.with_metadata(asserted))


def test_jsonld_context_by_url_stays_an_option(asserted):
    doc = json.loads(export.serialize(asserted, "jsonld", context="url"))
    assert doc["@context"] == "https://w3id.org/laborkg/context.jsonld"


def test_framed_document_is_self_contained_too(asserted):
    import pyoxigraph as ox

    text = export.serialize(asserted, "jsonld", frame="programs")
    assert "https://w3id.org/laborkg/context.jsonld" not in text
    assert list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.JSON_LD))


# --- canonical blank nodes: two runs, the same bytes -----------------------------------------------------


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_two_exports_are_byte_identical(fmt, tmp_path):
    """Blank-node ids in JSON-LD changed on every run; every format is now RDFC-1.0-labelled."""
    data = tmp_path / "bnodes.ttl"
    data.write_text(
        "@prefix ex: <http://example.org/> .\n"
        'ex:a ex:p [ ex:q "one" ; ex:r [ ex:s 1 ] ] , [ ex:q "two" ] , [ ex:q "three" ] .\n'
        'ex:b ex:list ( "x" "y" [ ex:q "four" ] ) .\n',
        encoding="utf-8",
    )
    outs = []
    for seed in ("1", "2"):
        target = tmp_path / f"out{seed}"
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "laborkg",
                "export",
                "--format",
                fmt,
                "--data",
                str(data),
                "-o",
                str(target),
            ],
            capture_output=True,
            timeout=600,
            env={**__import__("os").environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT / "src")},
        )
        assert proc.returncode == 0, proc.stderr.decode()
        outs.append(target.read_bytes())
    assert outs[0] == outs[1]
    labels = re.findall(rb"_:([A-Za-z0-9]+)", outs[0])
    assert all(label.startswith(b"c14n") for label in labels), labels  # RDFC-1.0's labels
    if fmt in ("ntriples", "nquads", "jsonld"):  # (Turtle and TriG write these blank nodes inline)
        assert labels


# --- literal forms: the store export and the file export agree -------------------------------------------


def _numeric_literals(text: str) -> set[str]:
    g = Graph().parse(data=text, format="nt")
    numeric = (XSD.decimal, XSD.integer, XSD.double)
    return {
        f"{s} {p} {o}"
        for s, p, o in g
        if isinstance(o, Literal) and o.datatype in numeric and not isinstance(s, BNode)
    }


def test_store_and_file_exports_write_the_same_literal_forms(built_store):
    """The store wrote ``60`` (xsd:decimal, XSD 1.1 canonical form) where the file export wrote ``60.0``."""
    out = io.StringIO()
    assert main(["export", "--store", str(built_store), "--format", "ntriples"], out=out) == 0
    from_store = _numeric_literals(out.getvalue())
    out = io.StringIO()
    assert main(["export", "--closure", "--format", "nt"], out=out) == 0
    from_files = _numeric_literals(out.getvalue())
    value = "https://w3id.org/laborkg/ontology#value"
    sixty = {t for t in from_files if value in t and t.endswith(" 60")}
    assert sixty, "the Solidarity Center's 60 countries"
    data_only = {t for t in from_store if "/laborkg/id/dataset" not in t}
    missing = data_only - from_files
    assert not missing, sorted(missing)[:5]


# --- SSSOM ----------------------------------------------------------------------------------------------


def _rows(path: Path) -> int:
    lines = [x for x in path.read_text(encoding="utf-8").splitlines() if x and not x.startswith("#")]
    return len(lines) - 1  # the header line


@pytest.mark.parametrize("path", MAPPINGS, ids=lambda p: p.name)
def test_every_mapping_file_passes_sssom_validate(path):
    """sssom-py's validator: the Wikidata and ILO files' see_also were not URIs; 4 ILO rows were dropped."""
    pytest.importorskip("sssom")
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    msdf = parse_sssom_table(str(path))
    assert len(msdf.df) == _rows(path), "rows sssom-py dropped as not well-formed"
    validate(msdf, fail_on_error=True)
    proc = subprocess.run(
        [sys.executable, "-c", "from sssom.cli import main; main()", "validate", str(path)],
        capture_output=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert b"not well-formed" not in proc.stderr


# --- one licence, CITATION.cff ---------------------------------------------------------------------------


def test_one_licence_everywhere():
    """The SSSOM files said MIT where the README and VoID say CC BY 4.0 for the data."""
    assert str(LICENSE) == CC_BY
    for path in MAPPINGS:
        (line,) = [x for x in path.read_text(encoding="utf-8").splitlines() if x.startswith("# license:")]
        assert line.split(":", 1)[1].strip().strip('"') == CC_BY, path.name
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = " ".join(readme.split("## Licences", 1)[1].split("\n## ", 1)[0].split())
    assert "CC BY 4.0" in section and CC_BY in section and "MIT" in section
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["license"] == "CC-BY-4.0"
    meta = describe(Graph())
    assert meta.value(DATASET, DCTERMS.license) == URIRef(CC_BY)


def test_citation_cff_has_the_required_keys():
    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors"):
        assert cff[key], key
    assert all(isinstance(a, dict) and (a.get("name") or a.get("family-names")) for a in cff["authors"])
    from laborkg.publish.metadata import release_date
    from laborkg.versions import installed_version

    assert str(cff["date-released"]) == release_date()
    assert cff["version"] == installed_version()


# --- VoID / DCAT ----------------------------------------------------------------------------------------


def test_description_names_distributions_dump_endpoint_and_publisher():
    g = Graph()
    g.add((URIRef("https://w3id.org/laborkg/id/x"), RDF.type, URIRef("http://example.org/C")))
    g.add((BNode("b"), RDF.value, Literal(1)))
    meta = describe(g, base_url="https://example.org/dumps", sparql_endpoint="https://example.org/sparql")
    dists = set(meta.objects(DATASET, DCAT.distribution))
    media = {str(meta.value(d, DCAT.mediaType)) for d in dists}
    assert {m.rsplit("/media-types/", 1)[-1] for m in media} >= {
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
        "application/n-quads",
        "application/trig",
        "application/rdf+xml",
    }
    dumps = {str(u) for u in meta.objects(DATASET, VOID.dataDump)}
    assert "https://example.org/dumps/laborkg.ttl" in dumps
    for d in dists:
        assert meta.value(d, DCAT.accessURL) is not None
    assert meta.value(DATASET, VOID.sparqlEndpoint) == URIRef("https://example.org/sparql")
    assert meta.value(DATASET, DCTERMS.publisher) is not None
    assert int(meta.value(DATASET, VOID.distinctSubjects)) == 2  # the blank node counts
    assert meta.value(DATASET, VOID.sparqlEndpoint) is not None
    assert describe(g).value(DATASET, VOID.sparqlEndpoint) is None  # none invented when not given


# --- CLI ------------------------------------------------------------------------------------------------


def test_dash_capital_v_is_version():
    """``-V`` answered 'the following arguments are required'."""
    out = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        from laborkg.arguments import build_parser

        sys_stdout, sys.stdout = sys.stdout, out
        try:
            build_parser().parse_args(["-V"])
        finally:
            sys.stdout = sys_stdout
    assert exc.value.code == 0 and re.match(r"laborkg \d", out.getvalue())


@pytest.mark.parametrize(
    "names",
    [("turtle", "ttl"), ("ntriples", "nt"), ("jsonld", "json-ld"), ("nquads", "nq"), ("rdfxml", "xml")],
)
def test_export_takes_riot_names_and_old_aliases(names, tmp_path):
    data = tmp_path / "d.ttl"
    data.write_text('<http://example.org/a> <http://example.org/b> "c" .\n', encoding="utf-8")
    texts = []
    for name in names:
        out = io.StringIO()
        assert main(["export", "--format", name, "--data", str(data)], out=out) == 0
        texts.append(out.getvalue())
    assert texts[0] == texts[1] and "http://example.org/" in texts[0]


def test_sparql_takes_the_same_names(tmp_path):
    q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"
    data = tmp_path / "d.ttl"
    data.write_text('<http://example.org/a> <http://example.org/b> "c" .\n', encoding="utf-8")
    got = {}
    for name in ("ntriples", "nt", "jsonld", "json-ld", "rdfxml", "xml"):
        out = io.StringIO()
        assert main(["sparql", q, "--format", name, "--data", str(data)], out=out) == 0, name
        got[name] = out.getvalue()
    assert got["ntriples"] == got["nt"] and got["jsonld"] == got["json-ld"] and got["rdfxml"] == got["xml"]
    assert "<rdf:RDF" in got["rdfxml"]
    err = io.StringIO()
    assert main(["export", "--format", "yaml"], out=io.StringIO(), err=err) == 2


def test_validate_reads_standard_input_with_an_input_format(tmp_path):
    """No '-' for standard input and no input-format flag; validate gave no progress for 15-19 s."""
    nt = b'<https://w3id.org/laborkg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "x"@en .\n'
    code, out, err = _run(["validate", "--data", "-", "--input-format", "ntriples"], stdin=nt)
    assert code in (0, 1), err
    assert "Traceback" not in err and "loading" not in err  # no progress when stderr is not a terminal
    odd = tmp_path / "data.txt"
    odd.write_bytes(nt)
    code2, out2, _ = _run(["validate", "--data", str(odd), "-i", "nt"])
    assert (code2, out2) == (code, out)
    bad, _, err = _run(["validate", "--data", "-", "-i", "turtle"], stdin=b"this is not turtle")
    assert bad == 2 and "error" in err and "Traceback" not in err


def test_validate_says_what_it_does_on_a_terminal():
    """validate ran 15-19 s without a word; on a terminal it now reports each step on stderr."""
    import os
    import pty

    main_fd, term_fd = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "laborkg", "validate"],
            stdout=subprocess.PIPE,
            stderr=term_fd,
            timeout=600,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
        os.close(term_fd)
        chunks = []
        while True:
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(main_fd)
    err = b"".join(chunks).decode("utf-8")
    assert proc.returncode == 0, err
    assert "loading and reasoning over" in err and "validating" in err


def test_spanish_tables_translate_column_headings():
    """``--lang es`` left column names in English."""
    out_en, out_es = io.StringIO(), io.StringIO()
    assert main(["query", "agencies-lost-support", "--format", "table"], out=out_en) == 0
    assert main(["query", "agencies-lost-support", "--format", "table", "--lang", "es"], out=out_es) == 0
    assert "agency" in out_en.getvalue() and "agency" not in out_es.getvalue()
    assert "dependencia" in out_es.getvalue() and "Fuentes:" in out_es.getvalue()
    assert "fila" in out_es.getvalue()


# --- API ------------------------------------------------------------------------------------------------


def test_to_dataframe_gives_labels_and_numeric_columns():
    """``to_dataframe()`` gave raw IRIs and mixed Decimal/float object columns."""
    pytest.importorskip("pandas")
    import laborkg

    with laborkg.open() as kg:
        rows = kg.query("agencies-lost-support")
        df = rows.to_dataframe()
        raw = rows.to_dataframe(labels=False)
    assert df.loc[0, "agency"] == "Secretariat of Labor and Social Welfare (STPS)"
    assert str(raw.loc[0, "agency"]) == "https://w3id.org/laborkg/id/stps"
    assert str(df["amount"].dtype) == "float64" and df.loc[0, "amount"] == 207_000_000
    assert str(df["programCount"].dtype) == "int64"
    for col in df.columns:
        kinds = {type(v).__name__ for v in df[col] if v is not None}
        assert not ({"Decimal"} & kinds), col

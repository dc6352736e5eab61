"""Issue 13: bad input files are exit 2 with FILE:LINE and no traceback; valid ones load; no XML bombs."""

from __future__ import annotations

import logging
import os
import random
import shutil
import subprocess
import sys

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD
from support.cli import assert_one_line_error, run

from laborkg.backends.oxigraph import OxigraphStore, dump, open_store
from laborkg.backends.rdflib import RdflibStore
from laborkg.errors import InputError, QueryError
from laborkg.pipeline.load import load, parse_file

LKR = "https://w3id.org/laborkg/id/"
TTL_PREFIXES = "@prefix ex: <http://example.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
GOOD_LINES = "".join(f'ex:s{i} ex:p "line {i}" .\n' for i in range(12))
RDF_XML = (
    '<?xml version="1.0"?>\n'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
    '         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
    "{body}"
    "</rdf:RDF>\n"
)


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("LABORKG_CACHE_DIR", str(tmp_path / "cache"))


# --- syntax errors name the right line, in every format -------------------------------------------------

ERRORS_AT = {
    "unterminated string.ttl": (TTL_PREFIXES + 'ex:a ex:p "one" .\nex:b ex:p "oops .\n' + GOOD_LINES, 4),
    "missing dot.ttl": (
        TTL_PREFIXES
        + "".join(GOOD_LINES.splitlines(keepends=True)[:3])
        + "ex:a ex:p ex:o\nex:b ex:p ex:o .\n"
        + GOOD_LINES,
        7,
    ),
    "quad in n-triples.nt": (
        "<http://x/s> <http://x/p> <http://x/o> .\n" * 2
        + "<http://x/s> <http://x/p> <http://x/o> <http://x/g> .\n"
        + "<http://x/s> <http://x/p> <http://x/o> .\n" * 12,
        3,
    ),
    "no object.nq": (
        "<http://x/s> <http://x/p> <http://x/o> <http://x/g> .\n" * 4
        + "<http://x/s> <http://x/p> .\n"
        + "<http://x/s> <http://x/p> <http://x/o> .\n" * 12,
        5,
    ),
    "bad graph.trig": (
        TTL_PREFIXES + "ex:g {\n  ex:a ex:p ex:o .\n  ex:b ex:p ex:o ex:o .\n}\n" + GOOD_LINES,
        5,
    ),
    "mismatched tag.rdf": (
        RDF_XML.format(
            body='<rdf:Description rdf:about="http://x/s">\n  <rdfs:label>x</rdfs:labl>\n</rdf:Description>\n'
            + '<rdf:Description rdf:about="http://x/t"><rdfs:label>y</rdfs:label></rdf:Description>\n' * 12
        ),
        5,
    ),
    "not json.jsonld": ('{\n  "@id": "http://x/s",\n  "http://x/p": "o",,\n  "http://x/q": "r"\n}\n', 3),
}


@pytest.mark.parametrize("name", ERRORS_AT)
def test_a_syntax_error_names_its_line(tmp_path, name):
    text, line = ERRORS_AT[name]
    path = tmp_path / name.replace(" ", "-")
    path.write_text(text, encoding="utf-8")
    code, out, err = run("validate", "--data", str(path))
    assert code == 2
    assert_one_line_error(err)
    assert err.startswith(f"laborkg: error: {path}:{line}:"), err
    assert out == ""


# --- bad input: exit 2, FILE:LINE, one line -------------------------------------------------------------

BAD = {
    "iri with a space.ttl": (b'<http://x/s> <http://x/p> "o" .\n<http://x/a b> <http://x/p> "o" .\n', 2),
    "lone surrogate.ttl": (b'<http://x/s> <http://x/p> "o" .\n\n<http://x/s> <http://x/p> "\\uD800" .\n', 3),
    "invalid utf-8.ttl": (b'<http://x/s> <http://x/p> "o" .\n<http://x/s> <http://x/p> "a\xffb" .\n', 2),
    "invalid utf-8.rdf": (
        RDF_XML.format(
            body='<rdf:Description rdf:about="http://x/s"><rdfs:label>\xff</rdfs:label></rdf:Description>\n'
        )
        .encode("utf-8")
        .replace("\xff".encode(), b"\xff"),
        4,
    ),
    "iri with a space.rdf": (
        RDF_XML.format(
            body='<rdf:Description rdf:about="http://x/a b"><rdfs:label>x</rdfs:label></rdf:Description>\n'
        ).encode(),
        4,
    ),
    "binary.jsonld": (bytes([0xFF]) + random.Random(13).randbytes(99), 1),
    "deeply nested.jsonld": (b"[" * 5000 + b"]" * 5000 + b"\n", None),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_input_is_exit_2_with_file_and_line(tmp_path, capsys, name):
    data, line = BAD[name]
    path = tmp_path / name.replace(" ", "-")
    path.write_bytes(data)
    code, out, err = run("validate", "--data", str(path))
    assert code == 2, err
    assert_one_line_error(err)
    assert err.startswith(f"laborkg: error: {path}:{line}:" if line else f"laborkg: error: {path}: "), err
    assert capsys.readouterr().err == ""


def test_bad_input_to_add_leaves_the_store_as_it_was(tmp_path, built_store):
    store = tmp_path / "kg"
    shutil.copytree(built_store, store)
    manifest = (store / "manifest.json").read_bytes()
    path = tmp_path / "bad-iri.ttl"
    path.write_bytes(BAD["iri with a space.ttl"][0])
    code, _, err = run("add", "--store", str(store), str(path))
    assert code == 2
    assert err.endswith(f"laborkg: error: {path}:2:1: Invalid IRI code point ' '\n"), err
    assert (store / "manifest.json").read_bytes() == manifest


@pytest.mark.parametrize(
    "text",
    [
        "<http://x/s> <http://x/p> <<( <http://x/a> <http://x/b> <http://x/c> )>> .\n",
        '<http://x/s> <http://x/p> "x"@en--ltr .\n',
    ],
    ids=["triple term", "base direction"],
)
def test_rdf_1_2_syntax_is_refused(tmp_path, text):
    """pyoxigraph reads RDF 1.2; rdflib, which holds the graph, cannot: refused, not dropped."""
    path = tmp_path / "rdf12.ttl"
    path.write_text(text)
    with pytest.raises(InputError, match="RDF 1.2"):
        parse_file(path)


# --- ill-typed literals: kept, reported by validation, nothing but laborkg's lines on stderr ------------


@pytest.mark.parametrize("literal", ['"2025-13-45"^^xsd:date', '"abc"^^xsd:integer'])
def test_an_ill_typed_literal_is_no_traceback(tmp_path, literal):
    path = tmp_path / "ill-typed.ttl"
    path.write_text(f"{TTL_PREFIXES}<{LKR}d> ex:p {literal} .\n")
    done = subprocess.run(
        [sys.executable, "-m", "laborkg", "validate", "--data", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "LABORKG_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert done.returncode == 1, done.stderr  # lkr:d has no type: the data is read and validated
    assert "has no rdf:type" in done.stdout
    assert "laborkg:IllTypedLiteral" in done.stdout  # reported as laborkg add reports it
    assert all(line.startswith("laborkg: ") for line in done.stderr.splitlines()), done.stderr


def test_no_rdflib_warning_for_an_ill_typed_literal(tmp_path, caplog):
    path = tmp_path / "ill-typed.ttl"
    path.write_text(f'{TTL_PREFIXES}ex:d ex:p "2025-13-45"^^xsd:date, "abc"^^xsd:integer .\n')
    with caplog.at_level(logging.WARNING):
        graph = parse_file(path)
    assert {str(o) for o in graph.objects()} == {"2025-13-45", "abc"}  # kept as written
    assert [r.getMessage() for r in caplog.records] == []


# --- valid input that was rejected ---------------------------------------------------------------------

VALID = {
    "blank nodes nested 200 deep": (
        f"<{LKR}s> <http://example.org/p> " + "[ <http://example.org/p> " * 200 + '"x"' + " ]" * 200 + " .\n",
        201,
    ),
    "a collection of 1,000 items": (f"<{LKR}s> <http://example.org/p> (" + ' "i"' * 1000 + " ) .\n", 2001),
    "a 5,000-digit integer": (f"<{LKR}s> <http://example.org/p> " + "7" * 5000 + " .\n", 1),
}


@pytest.mark.parametrize("name", VALID)
def test_valid_input_is_accepted(tmp_path, capsys, name):
    text, triples = VALID[name]
    path = tmp_path / "valid.ttl"
    path.write_text(text)
    assert len(parse_file(path)) == triples
    code, out, err = run("validate", "--data", str(path))
    assert code == 1, err  # read and validated: lkr:s has no type
    assert "has no rdf:type" in out and err == ""
    assert capsys.readouterr().err == ""


def test_a_5000_digit_integer_keeps_its_digits(tmp_path):
    path = tmp_path / "big.ttl"
    path.write_text(VALID["a 5,000-digit integer"][0])
    ((_, _, o),) = parse_file(path)
    assert o == Literal("7" * 5000, datatype=XSD.integer) and str(o) == "7" * 5000


# --- XML entities: the billion laughs is refused at once; plain entities are read -----------------------

LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    + "]>\n"
    + RDF_XML.format(
        body='<rdf:Description rdf:about="http://x/s"><rdfs:comment>&i;</rdfs:comment></rdf:Description>\n'
    ).split("\n", 1)[1]
)


@pytest.mark.parametrize("suffix", [".rdf", ".owl"])
@pytest.mark.parametrize("command", ["validate", "build", "add"])
def test_the_billion_laughs_is_refused(tmp_path, request, command, suffix):
    path = tmp_path / f"laughs{suffix}"
    path.write_text(LAUGHS)
    assert len(path.read_bytes()) < 700
    store = tmp_path / "kg"
    argv = {
        "validate": ["validate", "--data", str(path)],
        "build": ["build", "--store", str(store), "--data", str(path)],
        "add": ["add", "--store", str(store), str(path)],
    }[command]
    if command == "add":
        shutil.copytree(request.getfixturevalue("built_store"), store)
    done = subprocess.run(  # a process of its own: an expansion would spin for minutes
        [sys.executable, "-m", "laborkg", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "LABORKG_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert done.returncode == 2, done.stderr
    error = [line for line in done.stderr.splitlines() if line.startswith("laborkg: error: ")]
    assert error == [
        f"laborkg: error: {path}: XML entity refers to another entity: refused (no nested expansion)"
    ]
    assert "Traceback" not in done.stderr
    assert (command == "add") == store.exists()


def test_one_large_entity_referred_to_often_is_refused(tmp_path):
    path = tmp_path / "quadratic.rdf"
    refs = "&e;" * 20_000
    body = f'<rdf:Description rdf:about="http://x/s"><rdfs:comment>{refs}</rdfs:comment></rdf:Description>\n'
    doc = RDF_XML.format(body=body).split("\n", 1)[1]
    path.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY e "{"x" * 10_000}">]>\n{doc}')
    with pytest.raises(InputError, match="would expand to 200,000,000 bytes"):
        parse_file(path)


def test_plain_entities_as_ontology_editors_write_them_are_read(tmp_path):
    path = tmp_path / "editor.owl"
    body = '<rdf:Description rdf:about="&lkr;s"><rdf:type rdf:resource="&ex;Thing"/></rdf:Description>\n'
    doc = RDF_XML.format(body=body).split("\n", 1)[1]
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY lkr "{LKR}"> <!ENTITY ex "http://example.org/">]>\n{doc}'
    )
    assert set(load([path])) == {(URIRef(LKR + "s"), RDF.type, URIRef("http://example.org/Thing"))}


# --- invalid UTF-8 in an IRI parameter ------------------------------------------------------------------


def test_invalid_utf8_in_a_parameter_is_exit_2_with_store(built_store):
    agency = b"\xff".decode("utf-8", "surrogateescape")  # what argv holds for the byte 0xFF
    code, out, err = run("query", "agency-units", "-p", f"agency={agency}", "--store", str(built_store))
    assert code == 2
    assert_one_line_error(err)
    assert "parameter 'agency'" in err and "not valid UTF-8 text" in err
    assert out == ""


def test_invalid_utf8_in_a_parameter_is_refused_by_every_backend(built_store):
    agency = b"\xff".decode("utf-8", "surrogateescape")
    with open_store(built_store) as on_disk:
        ntriples = dump(on_disk, "nt")
        stores = [on_disk, OxigraphStore.in_memory(ntriples), RdflibStore(parse_ntriples(ntriples))]
        for store in stores:
            for params in ({"agency": agency}, {"agency": "STPS", "lang": agency}):
                with pytest.raises(QueryError, match="not valid UTF-8 text"):
                    store.bind("agency-units", params)


def parse_ntriples(data: bytes):
    from rdflib import Graph

    return Graph().parse(data=data.decode("utf-8"), format="nt")

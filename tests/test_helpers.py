"""Shared helpers: the child-process envelope, the catalogue read once, directory swaps, versions."""

from __future__ import annotations

import io
import json
import os

import pytest
from rdflib import Graph, Literal, URIRef

from laborkg.atomic import replace_directory
from laborkg.cli import main
from laborkg.envelope import seal, unseal
from laborkg.errors import InputError, QueryError
from laborkg.query import catalogue
from laborkg.query.engine import Answer
from laborkg.versions import installed_version

TRIPLE = (URIRef("urn:s"), URIRef("urn:p"), Literal("o"))


def test_values_and_graphs_come_back():
    assert unseal(seal(lambda: [1, "two"])) == [1, "two"]
    graph = Graph()
    graph.add(TRIPLE)
    assert set(unseal(seal(lambda: graph))) == {TRIPLE}
    answer = unseal(seal(lambda: Answer("graph", graph=graph)))
    assert answer.kind == "graph" and set(answer.graph) == {TRIPLE}
    assert len(unseal(seal(lambda: Answer("graph"))).graph) == 0  # a graph answer always has a graph
    rows = Answer("select", vars=["x"], rows=[(Literal(1),)])
    assert unseal(seal(lambda: rows)) == rows


def test_errors_come_back_as_one_line():
    def laborkg_error():
        raise InputError("no such query")

    def other_error():
        raise ValueError("bad\nsecond line")

    with pytest.raises(QueryError, match="^no such query$"):
        unseal(seal(laborkg_error))
    with pytest.raises(QueryError, match="^the query failed: ValueError: bad$"):
        unseal(seal(other_error))


def test_the_catalogue_is_read_once(monkeypatch):
    name = next(iter(catalogue.catalogue()))
    monkeypatch.setattr(catalogue, "read_query", lambda path: pytest.fail(f"read {path} again"))
    assert catalogue.get(name).name == name
    assert name in catalogue.catalogue()


def test_cli_lists_the_catalogue_json():
    out = io.StringIO()
    assert main(["queries", "--format", "json"], out=out) == 0
    assert json.loads(out.getvalue()) == catalogue.catalogue_json()


def test_replace_directory(tmp_path):
    target, new = tmp_path / "site", tmp_path / "new"
    new.mkdir()
    (new / "a").write_text("new")
    replace_directory(new, target)  # no target yet
    assert (target / "a").read_text() == "new" and not new.exists()
    new.mkdir()
    (new / "b").write_text("newer")
    replace_directory(new, target)
    assert sorted(os.listdir(target)) == ["b"]
    assert sorted(os.listdir(tmp_path)) == ["site"]  # the old copy is gone


def test_replace_directory_puts_the_old_one_back(tmp_path, monkeypatch):
    target = tmp_path / "site"
    target.mkdir()
    (target / "a").write_text("old")
    real = os.replace

    def fail_second(src, dst):
        if str(src).endswith("missing"):
            raise OSError("no")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", fail_second)
    with pytest.raises(OSError):
        replace_directory(tmp_path / "missing", target)
    assert (target / "a").read_text() == "old"
    assert sorted(os.listdir(tmp_path)) == ["site"]


def test_installed_version():
    assert installed_version() == installed_version("laborkg") != "unknown"
    assert installed_version("no-such-distribution-laborkg") == "unknown"

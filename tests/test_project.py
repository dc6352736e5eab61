"""The project's promises about itself: the README's two commands, CI, the catalogue table."""

from __future__ import annotations

import io
import re

import pytest

from laborkg import paths
from laborkg.cli import main

README = (paths.ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert block and README.index(block.group(0)) < README.index("\n---")
    assert block.group(1).splitlines() == ["./scripts/run query agencies-lost-support", "./scripts/test"]


def test_ci_runs_the_readme_test_command():
    ci = (paths.ROOT / ".ci" / "run").read_text()
    assert "./scripts/test" in ci and "set -e" in ci
    assert "./scripts/lint" in ci, ".ci/run runs scripts/lint too"


def test_readme_catalogue_is_generated_from_the_headers():
    out = io.StringIO()
    assert main(["queries", "--format", "markdown"], out=out) == 0
    table = re.search(r"<!-- queries:start -->\n(.*?)<!-- queries:end -->", README, re.S).group(1)
    assert table == out.getvalue()


def test_model_doc_names_only_real_resources(data_graph):
    """Every lkr:/lkp: name in docs/model.md is a subject of the shipped data."""
    from rdflib import URIRef

    from laborkg.namespace import LKP, LKR

    text = (paths.ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    names = set(re.findall(r"\b(lkr|lkp):([\w-]+)", text))
    assert len(names) > 10
    subjects = set(data_graph.subjects())
    for prefix, local in names:
        iri = URIRef(str(LKR if prefix == "lkr" else LKP) + local)
        assert iri in subjects, f"{prefix}:{local}"


@pytest.mark.slow
def test_readme_console_examples_run():
    """Every `$ laborkg …` line of the README runs and exits 0."""
    import shlex

    examples = re.findall(r"^\$ laborkg (.+)$", README, re.M)
    assert len(examples) >= 10
    for line in examples:
        out, err = io.StringIO(), io.StringIO()
        code = main(shlex.split(line), out=out, err=err)
        assert code == 0, f"laborkg {line}: exit {code}: {err.getvalue()}"
        assert out.getvalue().strip(), line


def test_readme_python_examples_run():
    import doctest

    block = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    test = doctest.DocTestParser().get_doctest(block, {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.tries >= 5 and runner.failures == 0

"""Values picked at random from USDOL's findings XML files, checked against the graph's answers through the
packaged queries: the CLI (``laborkg.cli.main`` in-process, ``--store DIR``) and the Python API
(``laborkg.open(store=DIR)``).

Each pick is one element of a country record whose path is mapped: the test reads the file itself (SHA-256 of
its bytes, the record's position, the element's path with positions, its text) and reads the value with
``laborkg.ingest.literals``; ``findings-value-sources`` must give that value citing that element (file
name, SHA-256, record position, path, verbatim text), ``findings-indicator-over-years`` the same value for
the year, ``findings-advancement-levels`` the level, and ``findings-country-ranking`` the rank the file's own
values give. An element whose text is not a value of its kind (unreadable) must be cited by nothing.

A different sample each run: the seed is printed in pytest's header (``LABORKG_SAMPLE_SEED=…``) and in every
failure; set the variable to repeat a run. The fast test samples the findings store's countries; the slow one
ingests the whole series (every country) into a copy of the built store first (1-3 min)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import re
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from support.findings import COUNTRIES, FINDINGS, require_findings

import laborkg
from laborkg.cli import main
from laborkg.ingest import literals
from laborkg.ingest.countries import reconcile
from laborkg.ingest.findings import MAPPED
from laborkg.ingest.usdol_xml import YEARS, parse_bytes
from laborkg.namespace import LKG, LKR

require_findings()

SEED = "LABORKG_SAMPLE_SEED"
VALUE_KINDS = {"count", "number", "percent", "boolean", "good", "profile"}


@dataclass(frozen=True)
class Pick:
    """One element of a findings file, as this test reads it."""

    year: int
    sha256: str  # of the file's bytes
    position: int  # of the record among the file's Country elements, from 1
    name: str  # the country's name as written (spaces normalised)
    country: str  # its IRI
    path: str  # from the record, every step with its position among same-named siblings
    text: str  # verbatim
    kind: str  # of the mapped path (laborkg.ingest.findings.MAPPED)
    what: str  # the indicator's IRI, or the profile property's
    sector: str  # the sector of a share of working children by sector, else ""

    @property
    def territory(self) -> bool:
        """A figure given for a part of the country (Enforcements/…/Territory/Enforcement)."""
        return "/Territory[" in self.path

    @property
    def expected(self) -> tuple[str, object] | None:
        """(column, Python value) the graph must give for this element, None if it is unreadable."""
        if self.kind == "profile":  # as docs/findings.md says: spaces collapsed, none in a web address
            if self.what == str(LKG.multipleTerritories):
                parsed = literals.parse_boolean(self.text)
                return None if parsed is None or parsed.boolean is None else ("value", parsed.boolean)
            if self.what == str(LKG.webpage):
                return "value", "".join(self.text.split())
            return "value", " ".join(self.text.split())
        if self.kind in ("boolean", "good"):
            parsed = literals.parse_boolean(self.text)
        elif self.kind == "percent":
            parsed = literals.parse_percent(self.text, self.year)
        else:
            parsed = literals.parse_number(self.text)
        if parsed is None:
            return None
        if parsed.number is not None:
            return "value", parsed.number
        if parsed.boolean is not None:
            return "booleanValue", parsed.boolean
        return "valueNote", parsed.state


def _walk(element, prefix: str = ""):
    """(path, element) of every descendant, each step with its 1-based position among same-named siblings."""
    seen: dict[str, int] = {}
    for child in element:
        seen[child.tag] = seen.get(child.tag, 0) + 1
        path = f"{prefix}{child.tag}[{seen[child.tag]}]"
        yield path, child
        yield from _walk(child, path + "/")


def read_picks(countries: set[str] | None) -> list[Pick]:
    """Every element of the files with a mapped value path, for ``countries`` (IRIs; None: all)."""
    picks = []
    for year in YEARS:
        file = FINDINGS / f"countries_{year}.xml"
        data = file.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        root = parse_bytes(data, str(file))  # the standard library's parser, DOCTYPE refused
        for position, record in enumerate(root.findall("Country"), start=1):
            name = " ".join((record.findtext("Name") or "").split())
            country = str(reconcile(name).iri)
            if countries is not None and country not in countries:
                continue
            for path, element in _walk(record):
                text = element.text
                target = MAPPED.get("Country/" + re.sub(r"\[\d+\]", "", path))
                if not text or not text.strip() or target is None or target.kind not in VALUE_KINDS:
                    continue
                if target.target.startswith("lkg:"):
                    if target.kind != "profile":  # Good_Name: the good's label, not a value
                        continue
                    what = str(LKG[target.target[4:]])
                else:
                    what = str(LKR[target.target])
                assert record.find(path) is element  # the path finds this element, as the docs say
                pick = Pick(year, sha, position, name, country, path, text, target.kind, what, target.sector)
                picks.append(pick)
    return picks


def sample(picks: list[Pick], n: int, rng: random.Random) -> list[Pick]:
    """``n`` picks at random, plus up to three unreadable ones (rare: about one value in a thousand)."""
    chosen = rng.sample(picks, min(n, len(picks)))
    unreadable = [p for p in picks if p.expected is None]
    return chosen + rng.sample(unreadable, min(3, len(unreadable)))


@pytest.fixture(scope="module")
def seed() -> int:
    value = int(os.environ.get(SEED) or random.SystemRandom().randrange(1, 10**9))
    print(f"{SEED}={value}")
    return value


# ---------------------------------------------------------------------------------------------
# The graph's answers, through the CLI and the Python API


def _python(binding: dict | None):
    """A SPARQL JSON binding as the Python API gives it (decimals, booleans, integers, text)."""
    if binding is None:
        return None
    datatype = binding.get("datatype", "")
    if datatype.endswith("#decimal"):
        return Decimal(binding["value"])
    if datatype.endswith("#integer"):
        return int(binding["value"])
    if datatype.endswith("#boolean"):
        return binding["value"] == "true"
    return binding["value"]


def cli_rows(store: Path, name: str, **params) -> list[dict]:
    """``laborkg query NAME -p k=v … --store DIR --format json``, in-process, as dicts of Python values."""
    argv = ["query", name, "--store", str(store), "--format", "json"]
    for key, value in params.items():
        argv += ["-p", f"{key}={value}"]
    out, err = io.StringIO(), io.StringIO()
    assert main(argv, out=out, err=err) == 0, err.getvalue()
    doc = json.loads(out.getvalue())
    names = doc["head"]["vars"]
    return [{v: _python(b.get(v)) for v in names} for b in doc["results"]["bindings"]]


def api_rows(kg, name: str, **params) -> list[dict]:
    """``kg.query(NAME, k=v, …)`` (the Python API), every variable in every row (None: unbound)."""
    rows = kg.query(name, **params)
    return [{v: row.get(v) for v in rows.vars} for row in rows]


def _same(got, want) -> bool:
    if isinstance(want, Decimal):
        return isinstance(got, Decimal) and got == want
    return got == want and type(got) is type(want)


def check(pick: Pick, store: Path, kg) -> list[str]:
    """What the graph gets wrong about ``pick`` (nothing: an empty list)."""
    problems = []
    expected = pick.expected
    params = {"country": pick.name, "year": str(pick.year), "indicator": pick.what}
    for via, rows in (
        ("cli", cli_rows(store, "findings-value-sources", **params)),
        ("api", api_rows(kg, "findings-value-sources", **params)),
    ):
        cited = [r for r in rows if r["elementPath"] == pick.path]
        if expected is None:
            if cited:
                problems.append(f"{via}: unreadable {pick.text!r} is cited by {cited[0]['fact']}")
            continue
        if len(cited) != 1:
            problems.append(f"{via}: {len(cited)} rows cite the element (of {len(rows)} rows)")
            continue
        row = cited[0]
        column, value = expected
        want = {
            "gives": "value",
            "quote": pick.text,
            "fileName": f"countries_{pick.year}.xml",
            "sha256": pick.sha256,
            "recordPosition": pick.position,
            column: value,
        }
        for key, wanted in want.items():
            if not _same(row[key], wanted):
                problems.append(f"{via}: {key} is {row[key]!r}, the file gives {wanted!r}")
    if expected is None or problems:
        return problems
    column, value = expected
    if pick.kind == "profile":
        if pick.what == str(LKG.advancementLevel):
            rows = cli_rows(store, "findings-advancement-levels", country=pick.name)
            level = [r for r in rows if r["year"] == str(pick.year)]
            if [r["advancementLevel"] for r in level] != [value]:
                problems.append(f"findings-advancement-levels gives {level}, the file {value!r}")
        return problems
    rows = api_rows(kg, "findings-indicator-over-years", country=pick.name, indicator=pick.what)
    found = [r for r in rows if r["elementPath"] == pick.path and r["year"] == str(pick.year)]
    if len(found) != 1 or not _same(found[0][column], value) or found[0]["quote"] != pick.text:
        problems.append(f"findings-indicator-over-years gives {found}, the file {value!r}")
    return problems


def check_rank(pick: Pick, picks: list[Pick], store: Path) -> list[str]:
    """The rank of a numeric pick among the country-wide values of its indicator, year and sector, counted in
    the files."""
    _, value = pick.expected
    key = (pick.what, pick.year, pick.sector)
    same = [p for p in picks if (p.what, p.year, p.sector) == key and p.expected and not p.territory]
    above = sum(1 for p in same if p.expected[0] == "value" and p.expected[1] > value)
    rows = cli_rows(store, "findings-country-ranking", indicator=pick.what, year=str(pick.year))
    rows = [r for r in rows if (r["sector"] or "").endswith(pick.sector)]
    mine = [r for r in rows if r["quote"] == pick.text and r["country"] == pick.country]
    if not mine or any(r["rank"] != above + 1 for r in mine):
        return [f"findings-country-ranking gives {mine}; {above} values of the files are above {value}"]
    if len(rows) != len(same):
        return [f"findings-country-ranking lists {len(rows)} values, the files {len(same)}"]
    return []


def run_sample(store: Path, picks: list[Pick], n: int, seed: int) -> int:
    rng = random.Random(seed)
    chosen = sample(picks, n, rng)
    numeric = [p for p in chosen if p.expected and p.expected[0] == "value" and p.kind != "profile"]
    numeric = [p for p in numeric if not p.territory]  # a part of a country is not ranked
    failures = []
    with laborkg.open(store=store) as kg:
        for pick in chosen:
            failures += [f"{pick}: {problem}" for problem in check(pick, store, kg)]
        for pick in rng.sample(numeric, min(3, len(numeric))):
            failures += [f"{pick}: {problem}" for problem in check_rank(pick, picks, store)]
    assert not failures, f"{SEED}={seed}: {len(failures)} problem(s):\n" + "\n".join(failures[:20])
    return len(chosen)


def test_values_picked_from_the_files_are_the_graphs(findings_store, seed):
    countries = {str(reconcile(name).iri) for name in COUNTRIES}
    picks = read_picks(countries)
    assert len(picks) > 3000 and {p.country for p in picks} == countries
    assert run_sample(findings_store, picks, 40, seed) >= 40


@pytest.mark.slow
def test_values_picked_from_the_whole_series_are_the_graphs(built_store, tmp_path, seed):
    """The whole series ingested into a copy of the built store (every country, every year)."""
    from laborkg.store.ingest import add_findings

    store = tmp_path / "kg"
    shutil.copytree(built_store, store)
    add_findings(store, FINDINGS, YEARS, ())
    picks = read_picks(None)
    assert len({p.country for p in picks}) > 150
    assert run_sample(store, picks, 100, seed + 1) >= 100

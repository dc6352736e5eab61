"""Every quote is verbatim in the seed it cites; every entity and fact cites a passage."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from laborkg import paths
from laborkg.namespace import LKG, LKR

SHARED_SEEDS = paths.ROOT.parent / "shared" / "seeds"
SEED_SUMS = Path(__file__).parent / "seeds.sha256"


def _passages(graph):
    for p in graph.subjects(RDF.type, LKG.SourcePassage):
        doc = graph.value(p, LKG.inDocument)
        yield (
            p,
            str(graph.value(doc, LKG.fileName)),
            graph.value(p, LKG.quote),
            graph.value(p, LKG.charOffset),
        )


def test_seed_files_are_unchanged():
    """seeds/ holds the five documents and the index byte for byte (checksums recorded at copy time)."""
    expected = dict(line.split("  ", 1)[::-1] for line in SEED_SUMS.read_text().splitlines() if line.strip())
    actual = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths.SEEDS_DIR.iterdir() if p.is_file()
    }
    assert actual == expected


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_seed_files_match_shared_copy():
    for p in SHARED_SEEDS.iterdir():
        assert (paths.SEEDS_DIR / p.name).read_bytes() == p.read_bytes(), p.name


def test_there_are_passages_from_every_cited_seed(data_graph):
    files = {f for _, f, _, _ in _passages(data_graph)}
    assert {"000_7e04030125ad1ee4.txt", "001_7bc4c820ebaf7bb2.txt"} <= files


def test_every_quote_occurs_verbatim_in_its_seed(data_graph):
    missing = []
    count = 0
    for passage, fname, quote, offset in _passages(data_graph):
        count += 1
        seed = paths.SEEDS_DIR / fname
        assert seed.is_file(), f"{passage} cites {fname}, which is not in seeds/"
        text = seed.read_text(encoding="utf-8")
        if quote is None or str(quote) not in text:
            missing.append(f"{passage}: {quote!s:.80}")
        elif offset is not None and text[int(offset) : int(offset) + len(str(quote))] != str(quote):
            missing.append(f"{passage}: not at offset {offset}")
    assert count > 0
    assert not missing, "quotes not found verbatim:\n" + "\n".join(missing)


def test_a_changed_quote_is_caught(data_graph, tmp_path):
    """The check above can fail: one altered character is not found."""
    passage, fname, quote, _ = next(iter(_passages(data_graph)))
    text = (paths.SEEDS_DIR / fname).read_text(encoding="utf-8")
    altered = str(quote)[:-1] + ("X" if not str(quote).endswith("X") else "Y")
    assert altered not in text


def test_every_instance_cites_a_passage(data_graph):
    """Every typed subject of the data (but the passages and documents themselves) cites a passage."""
    exempt = {LKG.SourcePassage, LKG.SourceDocument}
    unsourced = []
    for s in set(data_graph.subjects(RDF.type, None)):
        if not isinstance(s, URIRef) or not str(s).startswith(str(LKR)):
            continue
        if set(data_graph.objects(s, RDF.type)) & exempt:
            continue
        if data_graph.value(s, LKG.source) is None:
            unsourced.append(str(s))
    assert not unsourced, unsourced


def test_passages_are_cited(data_graph):
    """No passage is left unused (a sign of a fact that lost its citation)."""
    unused = [str(p) for p, *_ in _passages(data_graph) if not any(data_graph.subjects(LKG.source, p))]
    assert not unused, unused


def test_quotes_are_plain_strings(data_graph):
    for _, _, quote, _ in _passages(data_graph):
        assert isinstance(quote, Literal) and quote.language is None


# Lines of the seeds that state nothing to model: titles, an image caption, section headings.
UNQUOTED_LINES = {
    ("000_7e04030125ad1ee4.txt", 1),  # the article's title (dcterms:title of the source document)
    ("000_7e04030125ad1ee4.txt", 7),  # caption of a photograph
    ("002_050c8baefa641c9c.txt", 208),  # section heading
}


def test_every_prose_line_of_the_seeds_is_quoted(data_graph):
    """Completeness: at least half of every prose line (60+ characters, before 002's references) lies
    inside some passage's quote, so no paragraph of the seeds is left out of the graph."""
    missing = []
    for seed in sorted(paths.SEEDS_DIR.glob("00*.txt")):
        text = seed.read_text(encoding="utf-8")
        covered = bytearray(len(text))
        for _, fname, quote, _ in _passages(data_graph):
            if fname != seed.name or quote is None:
                continue
            start = text.find(str(quote))
            while start >= 0:
                covered[start : start + len(str(quote))] = b"\x01" * len(str(quote))
                start = text.find(str(quote), start + 1)
        pos = 0
        for number, line in enumerate(text.split("\n"), 1):
            if line.startswith("## REFERENCES"):
                break
            if len(line) >= 60 and (seed.name, number) not in UNQUOTED_LINES:
                if sum(covered[pos : pos + len(line)]) < len(line) / 2:
                    missing.append(f"{seed.name}:{number}: {line[:70]}")
            pos += len(line) + 1
    assert not missing, "\n".join(missing)

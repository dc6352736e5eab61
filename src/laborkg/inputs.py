"""Which files are the inputs, where laborkg caches what it derives from them, and the key of both."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from laborkg import paths
from laborkg.errors import InputError
from laborkg.versions import installed_version

CLOSURE_VERSION = "2"  # bump when the tidy-up rules below change
REASONERS = ("auto", "laborkg", "reasonable", "owlrl")
RULES_VERSION = "1"  # bump when laborkg.rules changes what it entails (part of the cache key)

RDF_FORMATS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
}


def cache_dir() -> Path:
    """``$LABORKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/laborkg``, else ``~/.cache/laborkg``."""
    env = os.environ.get("LABORKG_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "laborkg"


_BYTES_PER_TRIPLE = 60  # Turtle as laborkg writes it, to estimate a graph's size from its files


def reasoner_name(requested: str | None = None, triples: int | None = None) -> str:
    """The reasoner to use: ``requested``, else ``$LABORKG_REASONER``, else ``auto``: laborkg's own
    (:mod:`laborkg.rules`, which leaves what it does not implement to owlrl by itself). ``triples``, the
    size of the graph when known, no longer changes the choice (reasonable needed 5.7 GB at 100k)."""
    name = (requested or os.environ.get("LABORKG_REASONER") or "auto").strip().lower()
    if name not in REASONERS:
        raise InputError(f"unknown reasoner {name!r} (expected one of {', '.join(REASONERS)})")
    return "laborkg" if name == "auto" else name


def inputs_key(files: Iterable[Path], mode: str = "query", reasoner: str | None = None) -> str:
    """SHA-256 over the inputs' names and contents and the versions that shape the closure."""
    files = [Path(f) for f in files]
    name = reasoner_name(reasoner, sum(f.stat().st_size for f in files) // _BYTES_PER_TRIPLE)
    h = hashlib.sha256()
    version = (
        f"{installed_version(name)}+rules{RULES_VERSION}" if name == "laborkg" else installed_version(name)
    )
    for part in (CLOSURE_VERSION, mode, installed_version("rdflib"), name, version):
        h.update(part.encode() + b"\0")
    for f in files:
        h.update(Path(f).name.encode() + b"\0")
        h.update(Path(f).read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def expand_paths(items: Iterable[Path | str]) -> list[Path]:
    """Files given on the command line: a directory stands for the RDF files directly in it."""
    out: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = sorted(
                f for f in p.iterdir() if f.suffix.lower() in RDF_FORMATS or f.name.endswith(".sssom.tsv")
            )
            found += sorted((p / "mappings").glob("*.sssom.tsv")) if (p / "mappings").is_dir() else []
            if not found:
                raise InputError(f"{p}: directory holds no RDF files")
            out.extend(found)
        elif p.exists():
            out.append(p)
        else:
            raise InputError(f"{p}: no such file or directory")
    return out


def input_files(data: Iterable[Path | str] | None = None) -> list[Path]:
    """Ontology files plus the data files (the shipped ones unless ``data`` names others)."""
    data_paths = expand_paths(data) if data else paths.data_files()
    return paths.ontology_files() + data_paths

"""The OWL RL closure of ontology + data, computed once and cached by a hash of its inputs.

The closure is what queries and validation read. It is computed with owlrl (the reference OWL RL
implementation in Python), then tidied: triples owlrl adds about literals as subjects and the
reflexive ``owl:sameAs`` / equivalence / subclass triples carry no information and are dropped.

Validation reads a second closure, computed the same way from the ontology *without* its
``rdfs:domain`` / ``rdfs:range`` axioms: otherwise a range axiom would retype a wrongly used node
(a law given as a funder would become an agent) and the shapes could never catch the mistake.
Every other entailment (subclasses, subproperties, inverses, chains, symmetry, transitivity) is kept.

The cache key is the SHA-256 of every input file's name and bytes, plus the versions of laborkg,
rdflib and owlrl; the closure is stored as N-Triples under the cache directory and written
atomically. A hit parses that file and never calls the reasoner.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

import owlrl
from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDFS

from .atomic import write_atomic
from .graph import load
from .namespace import bind_prefixes

CLOSURE_VERSION = "1"  # bump when the tidy-up rules below change
_REFLEXIVE_NOISE = (
    OWL.sameAs,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
)


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


def cache_dir() -> Path:
    """``$LABORKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/laborkg``, else ``~/.cache/laborkg``."""
    env = os.environ.get("LABORKG_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "laborkg"


def inputs_key(files: Iterable[Path], mode: str = "query") -> str:
    """SHA-256 over the inputs' names and contents and the versions that shape the closure."""
    h = hashlib.sha256()
    for part in (CLOSURE_VERSION, mode, _version("rdflib"), _version("owlrl")):
        h.update(part.encode() + b"\0")
    for f in files:
        h.update(Path(f).name.encode() + b"\0")
        h.update(Path(f).read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def owl_rl_closure(graph: Graph) -> Graph:
    """Expand ``graph`` in place with its OWL RL closure (owlrl) and tidy it; return it."""
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(
        graph
    )
    noise = [t for t in graph if isinstance(t[0], Literal)]
    noise += [(s, p, o) for p in _REFLEXIVE_NOISE for s, _, o in graph.triples((None, p, None)) if s == o]
    for t in noise:
        graph.remove(t)
    return graph


def closure(files: list[Path], use_cache: bool = True, for_validation: bool = False) -> Graph:
    """The tidied OWL RL closure of ``files``, from the cache when the inputs are unchanged.

    ``for_validation`` drops ``rdfs:domain`` and ``rdfs:range`` axioms before reasoning (see above).
    """
    mode = "validation" if for_validation else "query"
    cached = cache_dir() / f"closure-{mode}-{inputs_key(files, mode)}.nt"
    if use_cache and cached.is_file():
        graph = bind_prefixes(Graph())
        try:
            graph.parse(cached, format="nt")
            return graph
        except Exception:  # a damaged cache file is rebuilt, never trusted
            cached.unlink(missing_ok=True)
    graph = load(files)
    if for_validation:
        graph.remove((None, RDFS.domain, None))
        graph.remove((None, RDFS.range, None))
    graph = owl_rl_closure(graph)
    if use_cache:
        try:
            write_atomic(cached, graph.serialize(format="nt", encoding="utf-8"))
        except OSError:
            pass  # a read-only cache is not an error; the closure is simply recomputed next time
    return graph

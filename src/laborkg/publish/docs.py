"""The ontology's HTML documentation, made offline with pyLODE (OntPub profile) from a copy of the
ontology prepared for display, written atomically."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import cast

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from laborkg import paths
from laborkg.atomic import replace_directory
from laborkg.errors import InputError, LaborKGError
from laborkg.namespace import is_own_term
from laborkg.pipeline.load import load

INDEX = "index.html"
# Everything write_docs puts in its directory: an existing directory holding anything else is
# not replaced (it is not an earlier output of write_docs).
_OUTPUTS = frozenset({INDEX})

DOC = Namespace("urn:laborkg:doc:")
"""Annotation predicates of the documentation graph only (never in the ontology)."""

_LABELS = (RDFS.label, DCTERMS.title, SKOS.prefLabel)
_DESCRIPTIONS = (SKOS.definition, RDFS.comment, DCTERMS.description)
_LANGUAGE_NAMES = {"es": "Spanish", "fr": "French", "pt": "Portuguese", "de": "German"}
_SECTION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property}
_CHARACTERISTICS = {
    OWL.FunctionalProperty: "functional",
    OWL.InverseFunctionalProperty: "inverse functional",
    OWL.TransitiveProperty: "transitive",
    OWL.SymmetricProperty: "symmetric",
    OWL.AsymmetricProperty: "asymmetric",
    OWL.ReflexiveProperty: "reflexive",
    OWL.IrreflexiveProperty: "irreflexive",
}
_DOC_ONTOLOGY = "laborkg documentation"
_LANGUAGE_ROWS = {DOC.altLabel}
_LANGUAGE_ROW_PREFIXES = tuple(str(DOC[f"{kind}-"]) for kind in ("label", "altLabel", "definition"))

# pyLODE's profile reads its lists of displayed properties from module globals; they are swapped
# for extended copies during one rendering, so renderings are serialised.
_RENDER_LOCK = threading.Lock()


def write_docs(out_dir: Path) -> Path:
    """Write the ontology's HTML documentation to ``out_dir/index.html``; return that path.

    The directory is written in full next to the target first and then moved into place, so a
    failed run leaves an earlier good directory as it was. An existing ``out_dir`` is replaced
    only if it is empty or holds nothing but an earlier ``index.html``; anything else, a file or
    a symbolic link in its place, or a parent that cannot be created raises :class:`InputError`.
    """
    given = Path(out_dir)
    out_dir = Path(os.path.abspath(given))  # "." and ".." made nameable; symbolic links kept
    check_target(out_dir, given)
    html = render_html()
    parent = out_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=parent))
    except OSError as exc:
        raise InputError(f"{given}: cannot create the output directory ({_reason(exc)})") from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; the result is an ordinary directory
        with open(tmp / INDEX, "w", encoding="utf-8") as fh:
            fh.write(html)
            fh.flush()
            os.fsync(fh.fileno())  # the page is on disk before it is renamed into place
        replace_directory(tmp, out_dir)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(f"{given}: cannot write the documentation ({_reason(exc)})") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return given / INDEX


def render_html(files: list[Path] | None = None) -> str:
    """The documentation page for the ontology files (default: the shipped ontology) as a string."""
    graph = doc_graph(load(files if files is not None else paths.ontology_files()))
    ontpub = _import_pylode()
    extra = _extra_rows(graph)
    with _RENDER_LOCK, _root_logger_kept():
        page = ontpub.OntPub(ontology=graph)
        for pred, (title, tooltip) in extra.items():
            page.props_labeled[pred] = {"title": title, "description": tooltip, "ont_title": _DOC_ONTOLOGY}
        with _extended_prop_lists(ontpub, list(extra)):
            return page.make_html(include_css=True)


def doc_graph(source: Graph) -> Graph:
    """A copy of ``source`` rearranged for pyLODE (docs/architecture.md); ``source`` is untouched."""
    out: set[tuple] = set()
    for s in set(source.subjects()):
        out.update(_doc_triples(source, s))

    # Code lists: the class of a scheme's concepts lists them and names the scheme.
    schemes = set(source.subjects(RDF.type, SKOS.ConceptScheme))
    for concept, scheme in source.subject_objects(SKOS.inScheme):
        for cls in source.objects(concept, RDF.type):
            if (cls, RDF.type, OWL.Class) in source:
                out.add((cls, DOC.hasInstance, concept))
                if scheme in schemes:
                    out.add((cls, DOC.codeList, scheme))

    graph = Graph(bind_namespaces="none")
    for prefix, ns in source.namespaces():
        graph.bind(prefix, ns, override=True, replace=True)
    # pyLODE lists terms in the graph's insertion order: insert them sorted by English label.
    labels: dict = {}
    for triple in sorted(out, key=lambda t: (_sort_key(source, t[0], labels), str(t[1]), str(t[2]))):
        graph.add(triple)
    return graph


def _doc_triples(source: Graph, s) -> Iterator[tuple]:
    """The documentation graph's triples about ``s``."""
    types = set(source.objects(s, RDF.type))
    documented = bool(types & _SECTION_TYPES)  # pyLODE gives it a section of its own
    has_label = False
    for p, o in source.predicate_objects(s):
        if p in _LABELS or p in _DESCRIPTIONS or p == SKOS.altLabel:
            kind = "label" if p in _LABELS else "definition" if p in _DESCRIPTIONS else "altLabel"
            if not isinstance(o, Literal) or _is_english(o):
                has_label = has_label or (kind == "label" and isinstance(o, Literal))
                yield (s, DOC.altLabel if kind == "altLabel" else p, o)
            else:  # another language: a row of its own, never part of the heading
                yield (s, DOC[f"{kind}-{str(o.language).lower()}"], o)
        elif p == RDF.type and o == SKOS.ConceptScheme:
            continue  # would be taken for the ontology; shown on the class of its concepts instead
        elif p == RDF.type and o in _CHARACTERISTICS:
            yield (s, DOC.characteristic, Literal(_CHARACTERISTICS[cast(URIRef, o)]))
            if not documented:
                yield (s, p, o)  # else pyLODE writes the property out twice
        elif p == RDF.type:
            yield (s, p, o)
            if documented and o not in _SECTION_TYPES:
                yield (s, DOC.alsoA, o)
        elif p == OWL.inverseOf:
            yield (s, p, o)
            yield (o, p, s)  # owl:inverseOf is symmetric: shown on both properties
        elif p == OWL.propertyChainAxiom:
            steps = [_label(source, step) for step in Collection(source, o)]
            yield (s, DOC.propertyChain, Literal(" → ".join(steps)))
        else:
            yield (s, p, o)
    if documented and not has_label and isinstance(s, URIRef) and not is_own_term(str(s)):
        yield (s, RDFS.label, Literal(_label(source, s)))  # e.g. "org:memberOf"


def _is_english(value: Literal) -> bool:
    return value.language is None or value.language.lower().split("-")[0] == "en"


def _label(graph: Graph, term) -> str:
    """The English label of ``term``, else its prefixed name, else its IRI."""
    for p in _LABELS:
        for v in graph.objects(term, p):
            if isinstance(v, Literal) and _is_english(v):
                return str(v)
    try:
        prefix, _, local = graph.compute_qname(term, generate=False)
        return f"{prefix}:{local}"
    except Exception:
        return str(term)


def _sort_key(graph: Graph, term, cache: dict) -> tuple[str, str]:
    if term not in cache:
        cache[term] = (_label(graph, term).casefold(), str(term))
    return cache[term]


def _extra_rows(graph: Graph) -> dict[URIRef, tuple[str, str]]:
    """The documentation-only rows used in ``graph``, in display order: predicate → (title, tooltip)."""
    used = set(graph.predicates())
    prefix = str(DOC)
    langs = sorted({str(p).split("-", 1)[1] for p in used if str(p).startswith(prefix) and "-" in str(p)})
    names = {lang: _LANGUAGE_NAMES.get(lang, lang) for lang in langs}
    rows: dict[URIRef, tuple[str, str]] = {}
    for lang in langs:
        rows[DOC[f"label-{lang}"]] = (f"{names[lang]} label", f"The term's rdfs:label in @{lang}")
    rows[DOC.altLabel] = ("alternative label", "skos:altLabel in English")
    for lang in langs:
        rows[DOC[f"altLabel-{lang}"]] = (f"{names[lang]} alternative label", f"skos:altLabel in @{lang}")
    for lang in langs:
        rows[DOC[f"definition-{lang}"]] = (f"{names[lang]} definition", f"skos:definition in @{lang}")
    rows[DOC.alsoA] = ("also a", "Another rdf:type of the term")
    rows[DOC.characteristic] = ("characteristics", "OWL property characteristics (rdf:type)")
    rows[OWL.inverseOf] = ("inverse of", "owl:inverseOf: the property relating the same pairs the other way")
    rows[DOC.propertyChain] = ("property chain", "owl:propertyChainAxiom: the chain entailing this property")
    rows[DOC.codeList] = ("code list", "The skos:ConceptScheme its instances are codes of")
    rows[DOC.hasInstance] = ("has instance", "The code list's concepts, instances of this class")
    return {p: row for p, row in rows.items() if p in used}


@contextmanager
def _extended_prop_lists(ontpub: ModuleType, extra: list[URIRef]) -> Iterator[None]:
    """Show the ``extra`` rows in pyLODE's tables for one rendering.

    Labels and definitions in other languages follow the title; the other rows follow the
    description.
    """
    names = ("ONT_PROPS", "CLASS_PROPS", "PROP_PROPS")
    saved = {name: getattr(ontpub, name) for name in names}
    after_title = [p for p in extra if p in _LANGUAGE_ROWS or str(p).startswith(_LANGUAGE_ROW_PREFIXES)]
    after_description = [p for p in extra if p not in after_title]
    try:
        for name, props in saved.items():
            extended = list(props)
            at = extended.index(DCTERMS.description) + 1
            extended[at:at] = after_description
            at = extended.index(DCTERMS.title) + 1
            extended[at:at] = after_title
            setattr(ontpub, name, extended)
        yield
    finally:
        for name, props in saved.items():
            setattr(ontpub, name, props)


def _import_pylode() -> ModuleType:
    """pyLODE's OntPub module (imported on first use: it is slow to import)."""
    try:
        with _root_logger_kept():
            import pylode.profiles.ontpub as ontpub
    except ImportError as exc:
        raise LaborKGError(
            f"the ontology documentation needs pyLODE 3.3.4 (pip install pylode==3.3.4): {exc}"
        ) from None
    return ontpub


@contextmanager
def _root_logger_kept() -> Iterator[None]:
    """Undo what pyLODE does to the root logger: ``basicConfig(level=DEBUG)`` on import, and
    module-level ``logging.info`` calls (which install a stderr handler when there is none)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def check_target(out_dir: Path, shown: Path) -> None:
    """Raise :class:`InputError` (naming ``shown``) unless ``out_dir`` may be written or replaced."""
    if out_dir.is_symlink():
        raise InputError(f"{shown}: is a symbolic link; give the directory itself")
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{shown}: exists and is not a directory")
    if out_dir.is_dir():
        try:
            others = sorted(p.name for p in out_dir.iterdir() if p.name not in _OUTPUTS)
        except OSError as exc:
            raise InputError(f"{shown}: cannot read the directory ({_reason(exc)})") from None
        if others:
            more = ", ..." if len(others) > 3 else ""
            raise InputError(
                f"{shown}: is not empty and not an earlier documentation directory "
                f"(it holds {', '.join(others[:3])}{more}); give a new or empty directory"
            )
    ancestor = out_dir.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise InputError(f"{shown}: {ancestor} is not a directory")


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__

"""JSON-LD without the network: laborkg's context (generated from the ontology), compact and framed
output, and reading JSON-LD through an offline document loader."""

from __future__ import annotations

import json
from pathlib import Path

from pyld import jsonld
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from laborkg import paths
from laborkg.errors import InputError, ParseError
from laborkg.namespace import LKG, PREFIXES, bind_prefixes

CONTEXT_URL = "https://w3id.org/laborkg/context.jsonld"
PROGRAM_FRAME_URL = "https://w3id.org/laborkg/program-frame.jsonld"
JSONLD_DIR = paths.ONTOLOGY_DIR / "jsonld"
LOCAL_DOCUMENTS = {
    CONTEXT_URL: JSONLD_DIR / "context.jsonld",
    PROGRAM_FRAME_URL: JSONLD_DIR / "program-frame.jsonld",
}
_CONTEXT_PREFIXES = (
    "lkg",
    "lkc",
    "lkr",
    "lkp",
    "rdf",
    "rdfs",
    "owl",
    "xsd",
    "skos",
    "dcterms",
    "prov",
    "org",
    "schema",
    "foaf",
    "qb",
    "time",
)


class RemoteContextRefused(InputError):
    """A JSON-LD document names a context laborkg does not ship: it is never fetched."""


def offline_loader(url: str, options: dict | None = None) -> dict:
    """pyld document loader: laborkg's own context and frame from disk, anything else refused."""
    local = LOCAL_DOCUMENTS.get(url)
    if local is None:
        raise RemoteContextRefused(
            f"JSON-LD refers to {url}, which laborkg does not fetch (only its own {CONTEXT_URL} is served "
            "offline); inline the context or use laborkg's"
        )
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(local.read_text(encoding="utf-8"))}


def _options(**extra) -> dict:
    return {"documentLoader": offline_loader, **extra}


def _unwrap(exc: Exception) -> Exception:
    """The RemoteContextRefused hidden inside pyld's nested JsonLdError, if any."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, RemoteContextRefused):
            return seen
        seen = getattr(seen, "cause", None) or seen.__cause__ or seen.__context__
    return exc


def build_context(ontology: Graph) -> dict:
    """The context for the ontology: prefixes, ``id``/``type`` aliases, one short name per term;
    object properties take IRIs, datatype properties with one datatype range are coerced to it;
    ``label`` and ``altLabel`` are language maps."""
    ctx: dict = {"@version": 1.1, "id": "@id", "type": "@type"}
    for prefix in _CONTEXT_PREFIXES:
        ctx[prefix] = str(PREFIXES[prefix])
    ctx["label"] = {"@id": "rdfs:label", "@container": "@language"}
    ctx["altLabel"] = {"@id": "skos:altLabel", "@container": "@language"}
    ctx["definition"] = {"@id": "skos:definition", "@container": "@language"}
    ctx["comment"] = {"@id": "rdfs:comment", "@container": "@language"}
    ctx["notation"] = {"@id": "skos:notation"}
    terms = sorted(
        s
        for s in set(ontology.subjects(RDF.type, None))
        if isinstance(s, URIRef) and str(s).startswith(str(LKG))
    )
    for term in terms:
        name = str(term)[len(str(LKG)) :]
        types = set(ontology.objects(term, RDF.type))
        if OWL.ObjectProperty in types:
            ctx[name] = {"@id": f"lkg:{name}", "@type": "@id"}
        elif OWL.DatatypeProperty in types:
            ranges = list(ontology.objects(term, RDFS.range))
            entry = {"@id": f"lkg:{name}"}
            xsd = str(PREFIXES["xsd"])
            if len(ranges) == 1 and str(ranges[0]).startswith(xsd) and str(ranges[0]) != xsd + "string":
                entry["@type"] = "xsd:" + str(ranges[0])[len(str(PREFIXES["xsd"])) :]
            ctx[name] = entry
        else:
            ctx[name] = f"lkg:{name}"
    return {"@context": ctx}


def write_context(ontology: Graph, target: Path | None = None) -> Path:
    from laborkg.atomic import write_atomic

    target = target or LOCAL_DOCUMENTS[CONTEXT_URL]
    write_atomic(target, json.dumps(build_context(ontology), indent=2, ensure_ascii=False) + "\n")
    return target


def _expanded(graph: Graph) -> list:
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    nquads = "".join(sorted(text.splitlines(keepends=True)))  # values in a stable order
    return jsonld.from_rdf(nquads, _options(format="application/n-quads", useNativeTypes=False))


def inline_context() -> dict | list:
    """The value of laborkg's context document's ``@context``, to put in a document instead of its URL."""
    return json.loads(LOCAL_DOCUMENTS[CONTEXT_URL].read_text(encoding="utf-8"))["@context"]


def _inlined(context):
    """``context`` with laborkg's context URL replaced by the context itself (so no parser fetches it)."""
    if context == CONTEXT_URL:
        return inline_context()
    if isinstance(context, list):
        return [_inlined(c) for c in context]
    return context


def compact(graph: Graph, inline: bool = False) -> dict:
    """The graph as compact JSON-LD under laborkg's context: referenced by URL, or ``inline`` (the
    document then parses with no document loader and no network)."""
    try:
        doc = jsonld.compact(_expanded(graph), CONTEXT_URL, _options(compactArrays=True))
    except Exception as exc:  # pyld wraps loader errors
        raise _unwrap(exc) from None
    graph_nodes = doc.get("@graph", [])
    graph_nodes.sort(key=lambda n: n.get("id", ""))
    if inline:
        doc["@context"] = _inlined(doc["@context"])
    return doc


_PROGRAM_TYPES = (
    "ProgramSet",
    "Program",
    "TechnicalAssistanceProject",
    "SocialProgram",
    "LaborMobilityProgram",
    "TrainingProgram",
)
_PROGRAM_PROPERTIES = (
    "programCount",
    "startDate",
    "endDate",
    "objective",
    "status",
    "focusArea",
    "managedBy",
    "includesProgram",
    "componentOf",
)
_FUNDING_PROPERTIES = ("funder", "beneficiary", "amount", "currency", "startDate", "endDate")


def program_view(graph: Graph) -> Graph:
    """The part of the graph the program-centric document shows: programs, their funding, status,
    cancellation and organisation roles, the labels of everything they point to, and every source
    passage with its quote and file."""
    view = bind_prefixes(Graph())
    labelled: set = set()

    def copy(node, props) -> None:
        for p in props:
            for o in graph.objects(node, p):
                view.add((node, p, o))
                if isinstance(o, URIRef):
                    labelled.add(o)

    def sources(node) -> None:
        for passage in graph.objects(node, LKG.source):
            view.add((node, LKG.source, passage))
            copy(passage, (LKG.quote, LKG.inDocument))
            for doc in graph.objects(passage, LKG.inDocument):
                copy(doc, (LKG.fileName,))

    programs = {p for t in _PROGRAM_TYPES for p in graph.subjects(RDF.type, LKG[t])}
    for program in programs:
        copy(program, [RDF.type, RDFS.label] + [LKG[x] for x in _PROGRAM_PROPERTIES])
        sources(program)
        for funding in graph.subjects(LKG.fundedInitiative, program):
            view.add((funding, RDF.type, LKG.Funding))
            view.add((funding, LKG.fundedInitiative, program))
            copy(funding, [LKG[x] for x in _FUNDING_PROPERTIES])
            sources(funding)
        for cancellation in graph.subjects(LKG.cancelledInitiative, program):
            view.add((cancellation, RDF.type, LKG.Cancellation))
            view.add((cancellation, LKG.cancelledInitiative, program))
            copy(cancellation, (RDFS.label, LKG.date, LKG.cancelledBy))
            sources(cancellation)
        for role in graph.subjects(LKG.roleInInitiative, program):
            view.add((role, RDF.type, LKG.OrganisationRole))
            view.add((role, LKG.roleInInitiative, program))
            copy(role, (LKG.roleOrganisation, LKG.roleType))
    from rdflib.namespace import SKOS

    for node in labelled - programs:
        copy(node, (RDFS.label, LKG.acronym, SKOS.notation))
    return view


def frame_programs(graph: Graph, inline: bool = False) -> dict:
    """A program-centric document: each program or set of programs with its funding (funder,
    beneficiary, amount), status, cancellation, organisation roles and source passages embedded;
    laborkg's context referenced by URL or ``inline``."""
    frame = json.loads(LOCAL_DOCUMENTS[PROGRAM_FRAME_URL].read_text(encoding="utf-8"))
    try:
        doc = jsonld.frame(_expanded(program_view(graph)), frame, _options(omitGraph=False))
    except Exception as exc:
        raise _unwrap(exc) from None
    doc["@graph"].sort(key=lambda n: n.get("id", ""))
    doc["@context"] = _inlined(frame["@context"]) if inline else frame["@context"]
    return doc


def to_graph(document: dict | list | str, where: str | None = None) -> Graph:
    """Read JSON-LD (a parsed document or its text) into a graph, offline; a remote context is refused.
    Text that is not JSON raises :class:`ParseError` at ``where`` (a file name) and the line."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError as exc:
            if where:
                raise ParseError(where, exc.lineno, f"not JSON: {exc.msg}", exc.colno) from None
            raise InputError(f"not JSON: {exc.msg} at line {exc.lineno}") from None
        except RecursionError:
            raise InputError("JSON nested too deeply to read") from None
    try:
        expanded = jsonld.expand(document, _options())
    except RecursionError:
        raise InputError("JSON-LD nested too deeply to read") from None
    except Exception as exc:
        cause = _unwrap(exc)
        if isinstance(cause, InputError):
            raise cause from None
        raise InputError(f"malformed JSON-LD: {str(exc).splitlines()[0]}") from None
    # pyld's toRdf rewrites string xsd:double values to 15 significant digits; rdflib reads the
    # expanded document (which names no context any more, so nothing can be fetched) exactly.
    graph = bind_prefixes(Graph())
    try:
        graph.parse(data=json.dumps(expanded), format="json-ld")
    except RecursionError:
        raise InputError("JSON-LD nested too deeply to read") from None
    except Exception as exc:  # rdflib's JSON-LD reader raises assorted types
        raise InputError(f"malformed JSON-LD: {(str(exc).splitlines() or [type(exc).__name__])[0]}") from None
    return graph


def dumps(doc: dict) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"

"""The dataset's VoID and DCAT description, computed from the graph (never written by hand)."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable
from typing import cast

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, XSD

from laborkg.formats import MEDIA_TYPE, SUFFIX
from laborkg.formats import RDF as RDF_FORMATS
from laborkg.namespace import BASE, LKG, LKR, bind_prefixes
from laborkg.versions import installed_version

VOID = Namespace("http://rdfs.org/ns/void#")
DATASET = LKR["dataset"]
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
RELEASE_DATE = "2026-11-21"
GRAPH_BASE = BASE + "graph/"
PUBLISHER_NAME = "the laborkg developers"  # as LICENSE and CITATION.cff name them
DUMP_NAME = "laborkg"
DISTRIBUTIONS = {fmt: (SUFFIX[fmt], MEDIA_TYPE[fmt]) for fmt in RDF_FORMATS}
"""The export formats a dump is published in, each a dcat:Distribution of the dataset."""


def release_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
    return RELEASE_DATE


def _vocabularies(graph: Graph) -> set[str]:
    used = set()
    for _s, p, o in graph:
        for term in (p, o if p == RDF.type else None):
            if isinstance(term, URIRef):
                text = str(term)
                cut = max(text.rfind("#"), text.rfind("/"))
                if cut > 0 and not text.startswith(str(LKR)):
                    used.add(text[: cut + 1])
    return used


def _distributions(meta: Graph, base_url: str, sparql_endpoint: str | None) -> None:
    d = DATASET
    base = base_url if base_url.endswith("/") else base_url + "/"
    publisher = URIRef(f"{DATASET}/publisher")
    meta.add((d, DCTERMS.publisher, publisher))
    meta.add((publisher, RDF.type, FOAF.Agent))
    meta.add((publisher, FOAF.name, Literal(PUBLISHER_NAME)))
    for fmt, (suffix, media) in DISTRIBUTIONS.items():
        dist = URIRef(f"{DATASET}/distribution/{fmt}")
        url = URIRef(f"{base}{DUMP_NAME}{suffix}")
        meta.add((d, DCAT.distribution, dist))
        meta.add((d, VOID.dataDump, url))
        meta.add((dist, RDF.type, DCAT.Distribution))
        meta.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media}")))
        meta.add((dist, DCAT.downloadURL, url))
        meta.add((dist, DCAT.accessURL, url))
        meta.add((dist, DCTERMS.license, LICENSE))
    if sparql_endpoint:
        meta.add((d, VOID.sparqlEndpoint, URIRef(sparql_endpoint)))
        service = URIRef(f"{DATASET}/service/sparql")
        dist = URIRef(f"{DATASET}/distribution/sparql")
        meta.add((d, DCAT.distribution, dist))
        meta.add((dist, RDF.type, DCAT.Distribution))
        meta.add((dist, DCAT.accessURL, URIRef(sparql_endpoint)))
        meta.add((dist, DCAT.accessService, service))
        meta.add((service, RDF.type, DCAT.DataService))
        meta.add((service, DCAT.endpointURL, URIRef(sparql_endpoint)))
        meta.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
        meta.add((service, DCAT.servesDataset, d))


def describe(
    graph: Graph,
    partitions: dict[str, Graph] | None = None,
    *,
    base_url: str = BASE,
    sparql_endpoint: str | None = None,
) -> Graph:
    """A VoID + DCAT description of ``graph`` (and of its per-source partitions, if given): its dumps
    under ``base_url`` (default the project's namespace) and, when known, its ``sparql_endpoint``."""
    meta = bind_prefixes(Graph())
    meta.bind("void", VOID)
    meta.bind("dcat", DCAT)
    d = DATASET
    meta.add((d, RDF.type, VOID.Dataset))
    meta.add((d, RDF.type, DCAT.Dataset))
    meta.add((d, DCTERMS.title, Literal("laborkg: US–Mexico labor cooperation knowledge graph", lang="en")))
    meta.add(
        (
            d,
            DCTERMS.title,
            Literal(
                "laborkg: grafo de conocimiento de la cooperación laboral México–Estados Unidos", lang="es"
            ),
        )
    )
    meta.add(
        (
            d,
            DCTERMS.description,
            Literal(
                "Agencies, programs, funding, laws, conventions, events, statistics and suggested actions "
                "on US–Mexico labor cooperation, curated from five source documents; every entity and fact "
                "cites a verbatim passage.",
                lang="en",
            ),
        )
    )
    meta.add((d, DCTERMS.license, LICENSE))
    _distributions(meta, base_url, sparql_endpoint)
    meta.add((d, OWL.versionInfo, Literal(installed_version())))
    meta.add((d, URIRef(str(DCAT) + "version"), Literal(installed_version())))  # DCAT 3
    meta.add((d, DCTERMS.created, Literal(release_date(), datatype=XSD.date)))
    meta.add((d, DCTERMS.conformsTo, URIRef(str(LKG).rstrip("#"))))
    meta.add((d, VOID.uriSpace, Literal(str(LKR))))
    meta.add((d, VOID.triples, Literal(len(graph))))
    subjects = set(graph.subjects())  # blank nodes included, as VoID counts them
    meta.add((d, VOID.distinctSubjects, Literal(len(subjects))))
    meta.add((d, VOID.properties, Literal(len(set(graph.predicates())))))
    entities = {s for s in subjects if isinstance(s, URIRef) and str(s).startswith(str(LKR))}
    meta.add((d, VOID.entities, Literal(len(entities))))
    for vocab in sorted(_vocabularies(graph)):
        meta.add((d, VOID.vocabulary, URIRef(vocab)))
    classes = Counter(
        o for s, o in graph.subject_objects(RDF.type) if s in entities and isinstance(o, URIRef)
    )
    meta.add((d, VOID.classes, Literal(len(classes))))
    for cls, n in sorted(classes.items()):
        local = str(cls).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        prefix = "lkg-" if str(cls).startswith(str(LKG)) else ""
        part = URIRef(f"{DATASET}/class/{prefix}{local}")
        meta.add((d, VOID.classPartition, part))
        meta.add((part, VOID["class"], cls))
        meta.add((part, VOID.entities, Literal(n)))
    for doc in sorted(cast(Iterable[URIRef], graph.subjects(RDF.type, LKG.SourceDocument))):
        meta.add((d, DCTERMS.source, doc))
    for name, part_graph in sorted((partitions or {}).items()):
        subset = URIRef(f"{DATASET}/{name}")
        meta.add((d, VOID.subset, subset))
        meta.add((subset, RDF.type, VOID.Dataset))
        meta.add((subset, RDFS.label, Literal(f"laborkg named graph {name}", lang="en")))
        meta.add((subset, VOID.triples, Literal(len(part_graph))))
        meta.add(
            (
                subset,
                VOID.entities,
                Literal(len({s for s in part_graph.subjects() if str(s).startswith(str(LKR))})),
            )
        )
        meta.add((subset, URIRef(str(VOID) + "inDataset"), d))
        meta.add((subset, DCTERMS.identifier, Literal(GRAPH_BASE + name)))
        if name.startswith("seed-"):
            meta.add((subset, DCTERMS.source, LKR[name]))
    return meta

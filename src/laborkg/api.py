"""The Python API: open the graph, run packaged or ad-hoc queries, get rows with typed values.

>>> import laborkg
>>> kg = laborkg.open()
>>> rows = kg.query("agencies-lost-support")
>>> row = rows[0]
>>> row["agency"]
rdflib.term.URIRef('https://w3id.org/laborkg/id/stps')
>>> kg.label(row["agency"]), kg.label(row["agency"], "es")
('Secretariat of Labor and Social Welfare', 'Secretaría del Trabajo y Previsión Social')
>>> row["programCount"], row["amount"], row["end"]
(21, Decimal('207000000.0'), '2025-03')

Parameters are bound by the engine, never pasted into the query; an IRI parameter takes a label or an
acronym:

>>> [kg.label(r["agency"]) for r in kg.query("agencies-lost-support", funder="United States government")]
['Secretariat of Labor and Social Welfare']

Ad-hoc SPARQL (read-only, time-limited; SERVICE refused unless allowed):

>>> kg.sparql("ASK { lkr:stps lkg:jurisdiction lkr:mexico }")
True
>>> len(kg.sparql("SELECT ?p WHERE { ?p lkg:subAgencyOf lkr:fgr }"))
3
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, XSD

from laborkg.pipeline.load import input_files
from laborkg.pipeline.reason import closure
from laborkg.query import catalogue as _queries
from laborkg.query.engine import DEFAULT_TIMEOUT, Answer, execute

_KEEP_AS_TEXT = {XSD.gYear, XSD.gYearMonth, XSD.gMonthDay, XSD.gDay, XSD.gMonth}


def python_value(term):
    """An RDF term as a Python value: IRIs stay ``URIRef`` (a ``str``); literals become ``Decimal``,
    ``int``, ``bool``, ``datetime.date``, ``str`` …; partial dates (``xsd:gYear``, ``xsd:gYearMonth``)
    stay text such as ``'2025-03'``."""
    if not isinstance(term, Literal):
        return term
    if term.datatype in _KEEP_AS_TEXT:
        return str(term)
    value = term.toPython()
    return str(value) if isinstance(value, Literal) else value


class Rows(list):
    """A list of dicts (variable → Python value) that remembers its variables."""

    def __init__(self, rows: Iterable[dict], vars: list[str]) -> None:
        super().__init__(rows)
        self.vars = vars

    def to_dataframe(self):
        """The rows as a pandas DataFrame (``pip install 'laborkg[pandas]'``)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_dataframe() needs pandas: pip install 'laborkg[pandas]'") from None
        return pd.DataFrame(list(self), columns=self.vars)


def _rows(answer: Answer) -> Rows | bool | Graph:
    if answer.kind == "ask":
        return bool(answer.boolean)
    if answer.kind == "graph":
        return answer.graph
    return Rows(
        ({k: python_value(v) for k, v in row.items()} for row in answer.dicts()),
        answer.vars,
    )


class KnowledgeGraph:
    """The OWL RL closure of ontology + data, with packaged and ad-hoc queries."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def query(self, name: str, timeout: float | None = DEFAULT_TIMEOUT, **params: str) -> Rows:
        """Run the packaged query ``name``; keyword arguments are its parameters (as text)."""
        return _rows(_queries.run(self.graph, name, {k: str(v) for k, v in params.items()}, timeout=timeout))

    def sparql(
        self, text: str, timeout: float | None = DEFAULT_TIMEOUT, allow_service: Iterable[str] = ()
    ) -> Rows | bool | Graph:
        """Run an ad-hoc query: rows for SELECT, a bool for ASK, an rdflib Graph for CONSTRUCT/DESCRIBE."""
        return _rows(execute(self.graph, text, timeout=timeout, allow_service=allow_service))

    def label(self, iri, lang: str = "en") -> str | None:
        """The entity's label in ``lang`` (falling back to English, then any)."""
        labels = {lit.language: str(lit) for lit in self.graph.objects(URIRef(iri), RDFS.label)}
        for key in (lang, "en", None):
            if key in labels:
                return labels[key]
        return next(iter(labels.values()), None)

    def catalogue(self) -> dict[str, _queries.PackagedQuery]:
        """The packaged queries by name, with their summaries and parameters."""
        return _queries.catalogue()


def open(data: Iterable[str | Path] | None = None, cache: bool = True) -> KnowledgeGraph:  # noqa: A001
    """Open the shipped graph (or ontology + the given data files or directories), reasoned once, cached."""
    return KnowledgeGraph(closure(input_files(data), use_cache=cache))

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
(21, Decimal('207000000'), '2025-03')

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

from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from laborkg.backends.base import Store
from laborkg.errors import InputError
from laborkg.inputs import input_files
from laborkg.namespace import bind_prefixes
from laborkg.query import catalogue as _queries
from laborkg.query.engine import DEFAULT_TIMEOUT, Answer

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

    def __init__(
        self, rows: Iterable[dict], vars: list[str], labels: Callable[[], Graph] | None = None
    ) -> None:
        super().__init__(rows)
        self.vars = vars
        self._labels = labels

    @classmethod
    def of(cls, answer: Answer, labels: Callable[[], Graph] | None = None) -> Rows:
        """The rows of a SELECT answer; ``labels`` gives the graph of their IRIs' labels when asked."""
        rows = ({k: python_value(v) for k, v in row.items()} for row in answer.dicts())
        return cls(rows, answer.vars, labels)

    def to_dataframe(self, labels: bool = True, lang: str = "en"):
        """The rows as a pandas DataFrame (``pip install 'laborkg[pandas]'``): IRIs as their labels in
        ``lang`` (``labels=False`` keeps the IRIs); a column of numbers only is ``int64`` (integers, no
        gap) or ``float64`` (decimals as floats, a gap as NaN), never a mix of Decimal and float."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_dataframe() needs pandas: pip install 'laborkg[pandas]'") from None
        frame = pd.DataFrame(list(self), columns=self.vars)
        names = None
        if labels and self._labels is not None:
            from laborkg.query.render import Labeller

            names = Labeller(self._labels(), lang)
        for col in frame.columns:
            values = [v for v in frame[col] if v is not None and not _is_nan(v)]
            if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                gap = len(values) < len(frame)
                frame[col] = frame[col].astype("float64" if gap else "int64")
            elif values and all(
                isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in values
            ):
                frame[col] = (
                    frame[col].map(lambda v: float("nan") if v is None else float(v)).astype("float64")
                )
            elif names is not None and any(isinstance(v, URIRef) for v in values):
                frame[col] = frame[col].map(lambda v: names.term(v) if isinstance(v, URIRef) else v)
        return frame


def _is_nan(value) -> bool:
    return isinstance(value, float) and value != value


class KnowledgeGraph:
    """The graph behind a store (the default one, a built one, or a remote endpoint), with packaged and
    ad-hoc queries, labels, and the closure as an rdflib graph when wanted (:attr:`graph`)."""

    def __init__(self, store: Store, data: Iterable[str | Path] | None = None, cache: bool = True) -> None:
        self.store = store
        self._data = data
        self._cache = cache
        self._graph: Graph | None = None

    def query(self, name: str, timeout: float | None = DEFAULT_TIMEOUT, **params: str) -> Rows:
        """Run the packaged query ``name``; keyword arguments are its parameters (as text)."""
        answer = self.store.query(name, {k: str(v) for k, v in params.items()}, timeout=timeout)
        return Rows.of(answer, lambda: self.store.label_graph(answer))

    def sparql(
        self, text: str, timeout: float | None = DEFAULT_TIMEOUT, allow_service: Iterable[str] = ()
    ) -> Rows | bool | Graph:
        """Run an ad-hoc query: rows for SELECT, a bool for ASK, an rdflib Graph for CONSTRUCT/DESCRIBE."""
        answer = self.store.sparql(text, timeout=timeout, allow_service=allow_service)
        if answer.kind == "ask":
            return bool(answer.boolean)
        if answer.kind == "graph":
            return answer.graph if answer.graph is not None else Graph()
        return Rows.of(answer, lambda: self.store.label_graph(answer))

    def label(self, iri, lang: str = "en") -> str | None:
        """The entity's label in ``lang`` (falling back to English, then any); ``iri`` may be an IRI, a
        prefixed name (``lkr:stps``) or a label or acronym, resolved as query parameters are."""
        return self.store.label(iri, lang)

    def catalogue(self) -> dict[str, _queries.PackagedQuery]:
        """The packaged queries by name, with their summaries and parameters."""
        return _queries.catalogue()

    @property
    def graph(self) -> Graph:
        """The OWL RL closure as an rdflib graph (read from the files, or from the store; loaded once)."""
        if self._graph is None:
            from laborkg.backends.oxigraph import OxigraphStore, dump

            if isinstance(self.store, OxigraphStore) and self._data is None:
                self._graph = bind_prefixes(Graph())
                self._graph.parse(data=dump(self.store, "nt"), format="nt")
            elif isinstance(self.store, OxigraphStore):
                from laborkg.pipeline.reason import closure

                self._graph = closure(input_files(self._data), use_cache=self._cache)
            else:
                raise InputError("a remote endpoint has no local graph: ask it with sparql('CONSTRUCT …')")
        return self._graph

    def close(self) -> None:
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open(  # noqa: A001 - laborkg.open, as in the README
    data: Iterable[str | Path] | None = None,
    cache: bool = True,
    *,
    store: str | Path | None = None,
    endpoint: str | None = None,
    graph: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> KnowledgeGraph:
    """Open the shipped graph (or ontology + the given data files or directories) from its default store,
    built into the cache the first time; ``store=DIR`` a store ``laborkg build`` made; ``endpoint=URL`` a
    remote SPARQL 1.1 endpoint (``graph``: the named graph to read; default: where ``laborkg push`` puts
    it)."""
    if sum(x is not None for x in (data, store, endpoint)) > 1:
        raise InputError("open() takes one of data, store and endpoint")
    if endpoint is not None:
        from laborkg.backends.remote import DEFAULT_GRAPH, EndpointStore

        return KnowledgeGraph(EndpointStore(endpoint, graph or DEFAULT_GRAPH))
    if store is not None:
        from laborkg.backends.oxigraph import open_store

        return KnowledgeGraph(open_store(store))
    from laborkg.store.default import open_default

    return KnowledgeGraph(open_default(data, use_cache=cache, progress=progress), data, cache)

"""The server's routes: one :class:`Handler` per request, reading the graph only through the server's
:class:`~laborkg.backends.base.Store` (a :class:`~laborkg.server.workers.PooledStore`)."""

from __future__ import annotations

import functools
import json
import re
import threading
import time
from collections.abc import Callable
from typing import Protocol, TypeVar

from rdflib import Graph, URIRef

from laborkg.backends.base import Store
from laborkg.errors import LaborKGError, MemoryLimitError, QueryError
from laborkg.namespace import LKC, LKR, bind_prefixes
from laborkg.query import render
from laborkg.query.catalogue import PackagedQuery
from laborkg.query.engine import EMPTY, Answer, QueryTimeout, is_update, prepare
from laborkg.server import compare, description, findings, landing, reports, series
from laborkg.server.editor import URL as EDITOR_URL
from laborkg.server.pages import AXIOMS, Axioms, answer_page, catalogue_page, entity_page
from laborkg.server.protocol import (
    CATALOGUE_OFFERS,
    DOCUMENT_OFFERS,
    ENTITY_OFFERS,
    GRAPH_FORMS,
    GRAPH_OFFERS,
    HTML,
    JSON,
    RESERVED_PARAMS,
    ROW_OFFERS,
    HTTPError,
    Response,
    choose,
    decode_utf8,
    format_wanted,
    labels_lang,
    negotiate,
    one,
    parse_params,
    split_target,
    unquote,
)
from laborkg.server.static import PAGES
from laborkg.server.tables import LOCAL, catalogue_json, table_json
from laborkg.server.transport import Counters, Listener, Transport
from laborkg.versions import installed_version

__all__ = ["Counters", "Handler", "Site", "version"]

T = TypeVar("T")


def version() -> str:
    """laborkg's version (the Server header, /status)."""
    return installed_version("laborkg")


class Site(Listener, Protocol):
    """What a :class:`Handler` reads from its server (:class:`laborkg.server.app.LaborKGServer`)."""

    store: Store
    query_slots: threading.BoundedSemaphore
    static: dict[str, tuple[bytes, str, str]]
    assets: dict[str, tuple[bytes, str, str]]
    catalogue: dict[str, PackagedQuery]
    started: float
    memo: dict[str, object]
    memo_lock: threading.Lock

    @property
    def url(self) -> str: ...

    def query_form(self, name: str) -> str: ...


class Handler(Transport):
    server: Site
    server_version = f"laborkg/{version()}"

    # -- routing ----------------------------------------------------------------------------

    def _route(self, method: str) -> Response:
        path, query = split_target(self.path, self.server.limits.max_url)
        if method == "POST":
            if path.rstrip("/") != "/sparql":
                self._drain_input = True
                raise HTTPError(405, "method-not-allowed", "only /sparql takes POST", {"Allow": "GET, HEAD"})
            return self._sparql(query, post=True)
        if path == "/sparql" or path == "/sparql/":
            return self._sparql(query, post=False)
        if path == "/":
            return self._landing(query)
        if path in PAGES:
            return self._static(PAGES[path])
        if path.startswith("/static/"):
            return self._static(unquote(path[len("/static/") :]))
        if path.startswith(EDITOR_URL):
            return self._static(unquote(path[len(EDITOR_URL) :]), self.server.assets)
        if path.rstrip("/") == "/queries":
            return self._catalogue(query)
        if path.startswith("/queries/"):
            return self._packaged(unquote(path[len("/queries/") :]).rstrip("/"), query)
        if path.startswith("/id/"):
            return self._entity(LKR, path[len("/id/") :], query)
        if path.startswith("/code/"):
            return self._entity(LKC, path[len("/code/") :], query)
        if path == "/status":
            return self._status()
        if path.rstrip("/") == description.ONTOLOGY_PATH:
            return self._ontology(query)
        if path.rstrip("/") == "/countries":
            return self._countries(query)
        if path.startswith("/country/"):
            return self._country(path[len("/country/") :], query)
        if path.rstrip("/") == "/compare":
            return self._compare(query)
        raise HTTPError(404, "not-found", f"nothing at {path[:200]}")

    def _choose(self, params: dict[str, list[str]], offers: dict[str, str]) -> tuple[str, str]:
        wanted = format_wanted(params, offers)
        if wanted is not None:
            return wanted, offers[wanted]
        return choose(self.headers.get("Accept"), None, offers)

    # -- static files and status ------------------------------------------------------------

    def _static(self, name: str, table: dict[str, tuple[bytes, str, str]] | None = None) -> Response:
        entry = (self.server.static if table is None else table).get(name)
        if entry is None:
            raise HTTPError(404, "not-found", "no such file")
        data, ctype, etag = entry
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        if self.headers.get("If-None-Match") == etag:
            return Response(304, b"", ctype, headers)
        return Response(200, data, ctype, headers)

    def _status(self) -> Response:
        s, lim = self.server, self.server.limits
        doc = {
            "version": version(),
            "triples": s.store.size(),
            "uptime": round(time.time() - s.started, 1),
            "limits": {k: getattr(lim, k) for k in lim.__dataclass_fields__},
            "counters": {
                k: getattr(s.counters, k)
                for k in ("requests", "queries", "timeouts", "memory", "refused", "errors")
            },
        }
        return Response(200, (json.dumps(doc, indent=2) + "\n").encode(), JSON)

    # -- /sparql ----------------------------------------------------------------------------

    def _sparql(self, query_string: str, post: bool) -> Response:
        self._drain_input = post  # until the body is read, an early answer must drain it
        params = parse_params(query_string)
        text = None
        if post:
            ctype, body = self._read_body()
            self._drain_input = False
            if ctype == "application/x-www-form-urlencoded":
                try:
                    fields = parse_params(body.decode("ascii"), "form body")
                except UnicodeDecodeError as exc:
                    raise HTTPError(400, "bad-request", f"malformed form body: {exc}") from None
                for key, values in fields.items():
                    params.setdefault(key, []).extend(values)
            elif ctype == "application/sparql-query":
                text = decode_utf8(body, self.headers.get("Content-Type"), "the query")
            else:
                raise HTTPError(
                    415,
                    "unsupported-media-type",
                    "POST a form (application/x-www-form-urlencoded) or a query (application/sparql-query)",
                )
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            raise HTTPError(403, "read-only", "SPARQL Update is not allowed: laborkg's endpoint is read-only")
        if "default-graph-uri" in params or "named-graph-uri" in params:
            raise HTTPError(
                400,
                "dataset-not-supported",
                "default-graph-uri and named-graph-uri are not supported: the endpoint has one graph",
            )
        given = one(params, "query")
        if text is not None and given is not None:
            raise HTTPError(400, "bad-request", "give the query in the body or in ?query=, not both")
        text = text if text is not None else given
        if text is None:
            if not post and negotiate(self.headers.get("Accept"), (JSON, HTML)) == HTML:
                return Response(303, b"", HTML, {"Location": "/query"})
            if not post and set(params) <= {"format", "output", "results"}:
                described = self._service_description(params)
                if described is not None:
                    return described
            raise HTTPError(400, "missing-query", "no query: give ?query=… (GET) or POST one")
        if not text.strip():
            raise HTTPError(
                400, "empty-query", "the query is empty: give a SELECT, ASK, CONSTRUCT or DESCRIBE query"
            )
        limits = self.server.limits
        if len(text.encode("utf-8")) > limits.max_body:
            raise HTTPError(413, "request-too-large", f"the query is longer than {limits.max_body} bytes")
        checked, form = self._check(text)
        media, fmt = self._choose(params, GRAPH_OFFERS if form in GRAPH_FORMS else ROW_OFFERS)
        lang = labels_lang(params)
        store = self.server.store
        answer = self._evaluate(lambda: store.run_checked(checked, limits.timeout, limits.max_rows))
        return self._answer(answer, media, fmt, lang, title="SPARQL query", query_text=checked)

    def _check(self, text: str) -> tuple[str, str]:
        """(the text to run, its form): the store's check (:meth:`Store.check`: malformed queries,
        updates and SERVICE refused), then the server's own (FROM and FROM NAMED) on the checked text.
        Only the text the store returned is ever evaluated."""
        if "\x00" in text:
            raise HTTPError(400, "malformed-query", "the query contains a NUL character")
        try:
            checked = self.server.store.check(text, allow_service=())
            parsed = prepare(checked)  # cached: the store's check parsed the same text
        except QueryError as exc:
            if is_update(text):
                raise HTTPError(
                    403, "read-only", "updates (INSERT, DELETE, LOAD, CLEAR, …) are not allowed: read-only"
                ) from None
            message = str(exc)
            if message == EMPTY:
                raise HTTPError(400, "empty-query", message) from None
            if message.startswith("SERVICE"):
                raise HTTPError(
                    403, "service-not-allowed", f"{message.split(' (use')[0]}: federation is off"
                ) from None
            raise HTTPError(400, "malformed-query", message) from None
        except RecursionError:
            raise HTTPError(400, "malformed-query", "the query is nested too deeply") from None
        if parsed.algebra.get("datasetClause"):
            raise HTTPError(
                400,
                "dataset-not-supported",
                "FROM and FROM NAMED are not supported: the endpoint has one graph",
            )
        return checked, parsed.algebra.name

    # -- the service description and the ontology -------------------------------------------

    def _service_description(self, params: dict[str, list[str]]) -> Response | None:
        """The SPARQL 1.1 Service Description of /sparql (None when Accept names no RDF format)."""
        wanted = format_wanted(params, DOCUMENT_OFFERS)
        media = wanted or negotiate(self.headers.get("Accept"), DOCUMENT_OFFERS)
        if media is None:
            return None
        host = self.headers.get("Host") or self.server.url.split("/")[2]
        endpoint = f"http://{host.strip()}/sparql"
        triples = self._memo("size", self.server.store.size)
        graph = description.service_description(endpoint, triples, version())
        return self._document(graph, media, DOCUMENT_OFFERS[media])

    def _ontology(self, query_string: str) -> Response:
        """``https://w3id.org/laborkg/ontology`` (and its terms ``…#X``) dereferenced: the ontology."""
        params = parse_params(query_string)
        media, fmt = self._choose(params, DOCUMENT_OFFERS)
        graph = self._memo("ontology", description.ontology)
        return self._document(graph, media, fmt)

    @staticmethod
    def _document(graph: Graph, media: str, fmt: str) -> Response:
        """``graph`` in the format chosen (JSON-LD self-contained: readable offline)."""
        body = render.graph_output(graph, fmt)
        return Response(200, body.encode("utf-8"), media, {"Vary": "Accept"})

    # -- evaluation and answers -------------------------------------------------------------

    def _evaluate(self, run: Callable[[], T]) -> T:
        """Run in a query slot; errors and limits as HTTP answers. An :class:`Answer` over the row cap
        is refused (a described entity, a Graph, is not capped)."""
        server, limits = self.server, self.server.limits
        if not server.query_slots.acquire(timeout=limits.queue_wait):
            raise HTTPError(503, "busy", "every query slot is taken; try again shortly", {"Retry-After": "2"})
        server.counters.add("queries")
        try:
            answer = run()
        except QueryTimeout as exc:
            server.counters.add("timeouts")
            raise HTTPError(503, "timeout", str(exc), {"Retry-After": "10"}) from None
        except QueryError as exc:
            raise HTTPError(400, "query-failed", str(exc)) from None
        except MemoryLimitError as exc:
            server.counters.add("memory")
            raise HTTPError(503, "memory-limit", str(exc), {"Retry-After": "10"}) from None
        except LaborKGError as exc:
            raise HTTPError(503, "query-failed", str(exc)) from None
        finally:
            server.query_slots.release()
        if isinstance(answer, Answer) and answer.kind != "ask" and len(answer) > limits.max_rows:
            what = "triples" if answer.kind == "graph" else "rows"
            raise HTTPError(
                413,
                "result-too-large",
                f"the answer has more than {limits.max_rows} {what}; narrow the query or page it with "
                "LIMIT and OFFSET",
                {"LaborKG-Row-Limit": str(limits.max_rows)},
            )
        return answer

    def _answer(
        self, answer: Answer, media: str, fmt: str, lang: str, title: str, query_text: str | None = None
    ) -> Response:
        store = self.server.store
        if fmt == "table":
            body = json.dumps(table_json(answer, store.label_graph(answer), lang, title), ensure_ascii=False)
        elif fmt == "html":
            labels = None if answer.kind == "graph" else store.label_graph(answer)
            body = answer_page(answer, labels, lang, title, query_text)
        elif answer.kind == "graph":
            body = render.graph_output(answer.graph if answer.graph is not None else Graph(), fmt)
        else:
            body = render.machine(answer, fmt)
        return Response(200, body.encode("utf-8"), media, {"Vary": "Accept"})

    # -- packaged queries -------------------------------------------------------------------

    def _catalogue(self, query_string: str) -> Response:
        params = parse_params(query_string)
        media, _ = self._choose(params, CATALOGUE_OFFERS)
        cat = self.server.catalogue
        if media == HTML:
            page = catalogue_page(cat.values(), labels_lang(params))
            return Response(200, page.encode(), HTML, {"Vary": "Accept"})
        data = catalogue_json(cat.values())
        body = (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()
        return Response(200, body, JSON, {"Vary": "Accept"})

    def _packaged(self, name: str, query_string: str) -> Response:
        cat = self.server.catalogue
        if name not in cat:
            raise HTTPError(
                404, "unknown-query", f"no packaged query named {name[:100]!r}; /queries lists them"
            )
        params = parse_params(query_string)
        raw = {key: one(params, key) or "" for key in params if key not in RESERVED_PARAMS}
        store, limits = self.server.store, self.server.limits
        try:
            bound = store.bind(name, raw)  # checked and converted once, before anything runs
        except QueryError as exc:
            raise HTTPError(400, "bad-parameter", str(exc)) from None
        except LaborKGError as exc:  # a remote store could not resolve a name: not the client's fault
            raise HTTPError(503, "query-failed", str(exc)) from None
        form = self.server.query_form(name)
        media, fmt = self._choose(params, GRAPH_OFFERS if form in GRAPH_FORMS else ROW_OFFERS)
        lang = labels_lang(params)
        answer = self._evaluate(lambda: store.query(bound, timeout=limits.timeout, max_rows=limits.max_rows))
        return self._answer(answer, media, fmt, lang, title=cat[name].summary or name)

    # -- entities ---------------------------------------------------------------------------

    def _entity(self, namespace, raw_local: str, query_string: str) -> Response:
        local = unquote(raw_local)
        if not LOCAL.fullmatch(local) or "//" in local:
            raise HTTPError(404, "not-found", "no such entity")
        iri = URIRef(str(namespace) + local)
        params = parse_params(query_string)
        media, fmt = self._choose(params, ENTITY_OFFERS)
        lang = labels_lang(params)
        store, limits = self.server.store, self.server.limits
        described = self._evaluate(lambda: store.describe(iri, limits.timeout))
        if not len(described):
            raise HTTPError(404, "not-found", f"{iri} is not in the graph")
        if fmt == "html":
            return Response(200, self._entity_html(iri, described, lang).encode(), HTML, {"Vary": "Accept"})
        if fmt == "json-ld":
            from laborkg.pipeline import jsonld

            body = jsonld.dumps(jsonld.compact(described, inline=True))
        else:
            body = render.graph_output(described, fmt)
        return Response(200, body.encode(), media, {"Vary": "Accept"})

    def _entity_html(self, iri: URIRef, described: Graph, lang: str) -> str:
        store, limits = self.server.store, self.server.limits
        answers = []
        for name in ("describe-entity", "entity-sources"):
            bound = store.bind(name, {"entity": str(iri)})
            answers.append(
                self._evaluate(
                    functools.partial(store.query, bound, timeout=limits.timeout, max_rows=limits.max_rows)
                )
            )
        statements, sources = answers
        # one look-up of the labels and passages of every term on the page, the entity's own included
        terms = Answer("select", rows=[(iri,), *statements.rows, *sources.rows])
        graph = bind_prefixes(Graph())
        graph += described
        graph += store.label_graph(terms)
        return entity_page(iri, graph, statements, sources, lang, self._source_docs(), self._axioms())

    # -- the landing page ---------------------------------------------------------------------

    def _landing(self, query_string: str) -> Response:
        """``/``: the landing page. A link to the query page from before it moved to ``/query`` (``?name=``,
        ``?query=``) is sent there, its parameters kept."""
        params = parse_params(query_string)
        if "name" in params or "query" in params:
            return Response(302, b"", HTML, {"Location": "/query?" + query_string})
        lang = labels_lang(params)
        entries = self._findings_countries()
        years = sorted({y for e in entries.values() for y in e.years})
        page = landing.landing_page(
            self._source_docs().values(), len(entries), years, self.server.store.size(), version(), lang
        )
        return self._html(page)

    def _source_docs(self) -> dict[str, landing.SourceDoc]:
        return self._memo("source-docs", lambda: landing.source_docs(self._internal(landing.SOURCES)))

    def _axioms(self) -> Axioms:
        return self._memo("axioms", lambda: Axioms.from_rows(self._internal(AXIOMS).rows))

    def _internal(self, text: str) -> Answer:
        """One of the server's own fixed query texts (no parameters), in a query slot."""
        store, limits = self.server.store, self.server.limits
        return self._evaluate(functools.partial(store.sparql, text, limits.timeout, (), limits.max_rows))

    # -- the findings series: /countries, /country/KEY, /compare ------------------------------

    def _series(self, name: str, params: dict[str, str] | None = None) -> Answer:
        """Run one of the server's own queries (``server/sparql``) with ``params`` bound by the engine."""
        store, limits = self.server.store, self.server.limits
        try:
            bound = series.bound(store, name, params)
        except QueryError as exc:
            raise HTTPError(400, "bad-parameter", str(exc)) from None
        except LaborKGError as exc:
            raise HTTPError(503, "query-failed", str(exc)) from None
        return self._evaluate(
            functools.partial(store.query, bound, timeout=limits.timeout, max_rows=limits.max_rows)
        )

    def _memo(self, name: str, make: Callable[[], T]) -> T:
        """What ``make`` returns, computed once per server: the store is read-only while it serves."""
        with self.server.memo_lock:
            if name in self.server.memo:
                return self.server.memo[name]  # type: ignore[return-value]
        value = make()
        with self.server.memo_lock:
            return self.server.memo.setdefault(name, value)  # type: ignore[return-value]

    def _findings_countries(self) -> dict[URIRef, series.CountryEntry]:
        return self._memo("countries", lambda: series.countries(self._series("findings-countries")))

    def _findings_indicators(self) -> list[series.IndicatorEntry]:
        return self._memo("indicators", lambda: series.indicators(self._series("findings-indicators")))

    def _labels(self, terms) -> Graph:
        """One look-up of the labels of ``terms`` (IRIs; None is skipped)."""
        rows = [(t,) for t in dict.fromkeys(terms) if isinstance(t, URIRef)]
        return self.server.store.label_graph(Answer("select", vars=["term"], rows=rows))

    @staticmethod
    def _scale(params: dict[str, list[str]]) -> str:
        scale = one(params, "scale") or "auto"
        if scale not in ("auto", "linear", "log"):
            raise HTTPError(400, "bad-parameter", f"scale must be auto, linear or log, not {scale[:20]!r}")
        return scale

    @staticmethod
    def _html(page: str) -> Response:
        return Response(200, page.encode("utf-8"), HTML)

    def _countries(self, query_string: str) -> Response:
        params = parse_params(query_string)
        lang = labels_lang(params)
        entries = self._findings_countries()
        labels = self._labels(entries)
        return self._html(findings.countries_page(entries.values(), labels, lang))

    def _country(self, raw_key: str, query_string: str) -> Response:
        """A country's page, by the local name of its IRI (``/country/mexico``, as ``/id/mexico``); an ISO
        3166 alpha-2 code (``/country/MX``) redirects there."""
        key = unquote(raw_key).rstrip("/")
        params = parse_params(query_string)
        lang, scale = labels_lang(params), self._scale(params)
        entries = self._findings_countries()
        if re.fullmatch(r"[A-Za-z]{2}", key):
            entry = next((e for e in entries.values() if (e.code or "").upper() == key.upper()), None)
            if entry is None:
                raise HTTPError(
                    404, "not-found", f"no country of the USDOL findings has the ISO code {key!r}"
                )
            location = findings.country_href(entry) + ("?" + query_string if query_string else "")
            return Response(302, b"", HTML, {"Location": location})
        if not LOCAL.fullmatch(key) or "/" in key:
            raise HTTPError(404, "not-found", "no such country")
        iri = URIRef(str(LKR) + key)
        found = entries.get(iri)
        if found is None:
            raise HTTPError(404, "not-found", f"{iri} has no profile in the USDOL findings")
        profiles = series.profiles(self._series("findings-profiles", {"country": str(iri)}))
        items = series.values(self._series("findings-observations", {"country": str(iri)}))
        published = reports.reports(self._series("findings-report-figures", {"country": str(iri)}))
        reports.match(published, items)
        for report in published:
            bound = {"country": str(iri), "year": str(report.year)}
            reports.standards(report, self._series("findings-report-standards", bound))
        labels = self._labels(
            [iri, *(t for v in items for t in (v.indicator, v.unit, v.good)), *reports.terms(published)]
        )
        figures = {i.indicator: i.kind for i in self._findings_indicators()}
        section = reports.reports_section(published, labels, lang)
        years = {r.year for r in published}
        page = findings.country_page(found, profiles, items, labels, lang, scale, figures, section, years)
        return self._html(page)

    def _compare(self, query_string: str) -> Response:
        """One indicator across countries: ``indicator`` (IRI, prefixed name or label; one with figures in
        the findings), ``year`` (absent: the latest; empty: all years), ``region`` (as the files write it)."""
        params = parse_params(query_string)
        lang, scale = labels_lang(params), self._scale(params)
        entries = self._findings_countries()
        indicators = self._findings_indicators()
        known = {i.indicator for i in indicators}
        years = sorted({y for e in entries.values() for y in e.years})
        regions = series.regions(entries.values())
        if not known or not years:
            raise HTTPError(404, "not-found", "the store has no USDOL findings (laborkg ingest findings)")
        raw = (one(params, "indicator") or "").strip()
        if raw:
            try:
                indicator = self.server.store.resolve_iri(raw)
            except QueryError as exc:
                raise HTTPError(400, "bad-parameter", f"indicator: {exc}") from None
            if indicator not in known:
                raise HTTPError(
                    400, "bad-parameter", f"indicator: {indicator} has no figures in the USDOL findings"
                )
        else:
            default = LKR["indicator-number-of-labor-inspectors"]
            indicator = default if default in known else indicators[0].indicator
        year_raw = one(params, "year")
        year: int | None
        if year_raw is None:
            year = years[-1]
        elif year_raw.strip() in ("", "all"):
            year = None
        elif re.fullmatch(r"\d{4}", year_raw.strip()) and int(year_raw) in years:
            year = int(year_raw)
        else:
            raise HTTPError(
                400,
                "bad-parameter",
                f"year must be one of {years[0]}–{years[-1]} or empty, not {year_raw[:20]!r}",
            )
        region = (one(params, "region") or "").strip() or None
        if region is not None and region not in regions:
            raise HTTPError(
                400, "bad-parameter", f"region {region[:100]!r} is not one the findings files name"
            )
        bound = {"indicator": str(indicator)} | ({"year": str(year)} if year is not None else {})
        items = series.values(self._series("findings-indicator-values", bound), indicator)
        if region is not None:
            items = [v for v in items if v.country in entries and region in entries[v.country].regions]
        labels = self._labels([*known, *entries, *(t for v in items for t in (v.country, v.unit))])
        choice = compare.Choice(indicator, year, region, scale)
        return self._html(compare.compare_page(choice, items, entries, indicators, regions, labels, lang))

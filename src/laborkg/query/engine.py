"""Run one SPARQL query safely: read-only, no SERVICE unless allowed, within a time and memory limit.

rdflib cannot interrupt a running query, so the query runs in a forked child process that shares the
graph copy-on-write; the parent waits up to the time limit and kills the child when it is exceeded; the
child may allocate only so much memory (:func:`cap_memory`). The answer comes back as plain terms (rows,
a boolean, or N-Triples for a graph).
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing as mp
import os
import re
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef, Variable
from rdflib.query import ResultRow

if TYPE_CHECKING:  # rdflib's SPARQL parser costs ~60 ms to import: loaded when a query is parsed
    from rdflib.plugins.sparql.sparql import Query

from laborkg.envelope import seal, unseal
from laborkg.errors import LaborKGError, MemoryLimitError, QueryError
from laborkg.namespace import bind_prefixes, sparql_prologue

DEFAULT_TIMEOUT = 30.0

DEFAULT_MAX_MEMORY = 2 * 1024**3
"""Bytes a query's process may allocate beyond what it holds when forked: the default of
``--max-memory`` (``laborkg serve``, ``query``, ``sparql``). Other callers set one with
:func:`memory_limit`; none is set otherwise."""

_max_memory: list[int | None] = [None]


class QueryTimeout(LaborKGError):
    """The query ran past its time limit and was stopped (exit 2: narrow the query or raise the limit)."""


@dataclass
class Answer:
    """A query's answer: rows for SELECT, a boolean for ASK, a graph for CONSTRUCT/DESCRIBE."""

    kind: str  # "select" | "ask" | "graph"
    vars: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def __iter__(self):
        """SELECT rows as rdflib ResultRows (``row.asdict()``, ``row.name``), ASK as one boolean."""
        if self.kind == "ask":
            yield self.boolean
            return
        if self.kind == "graph":
            yield from self.graph or ()
            return
        labels = [Variable(v) for v in self.vars]
        for row in self.rows:
            yield ResultRow({k: t for k, t in zip(labels, row, strict=True) if t is not None}, labels)

    def __len__(self) -> int:
        return (
            len(self.rows) if self.kind == "select" else len(self.graph or ()) if self.kind == "graph" else 1
        )

    def dicts(self) -> list[dict]:
        """Rows as dicts of variable name → RDF term (unbound variables left out)."""
        return [{v: t for v, t in zip(self.vars, row, strict=True) if t is not None} for row in self.rows]


def _services(node, found: list) -> list:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            found.append(node.get("term"))
        for value in node.values():
            _services(value, found)
    elif isinstance(node, list | tuple):
        for value in node:
            _services(value, found)
    return found


def engine_position(message: str, prologue: str) -> str:
    """An engine's error message (Oxigraph's ``error at LINE:COLUMN``) with its lines counted in the
    user's text, not from the start of ``prologue`` (the prefixes laborkg declares before it)."""
    lines = prologue.count("\n")
    if not lines:
        return message

    def at(m):
        shifted = [f"{max(1, int(line) - lines)}:{col}" for line, col in re.findall(r"(\d+):(\d+)", m[0])]
        return "error at " + "-".join(shifted)

    return re.sub(r"error at \d+:\d+(?:-\d+:\d+)?", at, message)


def _relative_position(message: str, prologue: str) -> str:
    """pyparsing counts lines and characters from the start of the prologue; count from the user's text."""
    lines = prologue.count("\n")

    def line(m):
        return f"line:{max(1, int(m.group(1)) - lines)}"

    def char(m):
        return f"at char {max(0, int(m.group(1)) - len(prologue))}"

    return re.sub(r"at char (\d+)", char, re.sub(r"line:(\d+)", line, message))


CACHED_TEXT = 16 * 1024
"""Query texts up to this many characters are parsed once (:func:`prepare` keeps the last 128 parses,
about 0.1 MB each for a packaged query): rdflib's parser takes 30–300 ms per packaged query, more than
running most of them, and an endpoint sees the same texts again and again."""


def prepare(text: str, allow_service: Iterable[str] = (), with_prologue: bool = True) -> Query:
    """Parse and check a query: updates (INSERT, DELETE, LOAD, …) are refused, and so is SERVICE
    unless its endpoint is one of ``allow_service``. The parse of a text is cached (never its refusal:
    SERVICE is checked on every call); the returned query is shared, so callers must not change it.
    The parse is of ``check(text)``, the text that must run (:func:`laborkg.query.guard.check`)."""
    from laborkg.query.guard import check  # here: the query command (packaged queries) never needs it

    text = check(text, allow_service, prefixes=None if with_prologue else {})
    if not text.strip():
        raise QueryError(EMPTY)
    full = (sparql_prologue() if with_prologue else "") + text
    query = (_parse_cached if len(full) <= CACHED_TEXT else _parse)(full, len(full) - len(text))
    allowed = {str(a) for a in allow_service}
    for endpoint in _services(query.algebra, []):
        if not isinstance(endpoint, URIRef):
            raise QueryError("SERVICE with a variable endpoint is not allowed")
        if str(endpoint) not in allowed:
            raise QueryError(
                f"SERVICE <{endpoint}> is not allowed (use --allow-service {endpoint} to permit it)"
            )
    return query


EMPTY = "the query is empty: give a SELECT, ASK, CONSTRUCT or DESCRIBE query"

_PARSING = threading.Lock()
"""rdflib's SPARQL grammar is not safe to use from two threads at once: pyparsing learns how many
arguments each parse action takes on its first call, and two first calls at the same time can leave it
wrong for good (every later parse then fails: ``Param.postParse2() missing 1 required positional
argument``). The server answers in threads, so parses take turns (tests/test_server.py)."""


def _parse(full: str, prologue_length: int) -> Query:
    with _PARSING:
        return _parse_alone(full, prologue_length)


def is_update(text: str) -> bool:
    """True when ``text`` parses as a SPARQL Update with at least one operation, or holds an update
    operation as :func:`laborkg.query.guard.check` reads it (e.g. after a comment ended by a CR)."""
    from rdflib.plugins.sparql.parser import parseUpdate

    from laborkg.query.guard import READ_ONLY

    if not text.strip():
        return False
    try:
        from laborkg.query.guard import check

        check(text)
    except QueryError as exc:
        if str(exc) == READ_ONLY:
            return True

    try:
        with _PARSING:
            parsed = parseUpdate(sparql_prologue() + text)
    except Exception:
        return False
    return "request" in parsed and bool(parsed["request"])


def _parse_alone(full: str, prologue_length: int) -> Query:
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = parseQuery(full)
    except Exception as exc:
        try:
            parseUpdate(full)
        except Exception:
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise QueryError(
                f"malformed SPARQL query: {_relative_position(message, full[:prologue_length])}"
            ) from None
        raise QueryError(
            "updates (INSERT, DELETE, LOAD, CLEAR, …) are not allowed: laborkg is read-only"
        ) from None
    try:
        return translateQuery(parsed)
    except Exception as exc:
        raise QueryError(
            f"malformed SPARQL query: {str(exc).splitlines()[0] if str(exc) else exc!r}"
        ) from None


_parse_cached = functools.lru_cache(maxsize=128)(_parse)


@functools.cache
def _distinct_aggregates_skip_unbound() -> None:
    """Work around rdflib 7's ``GROUP_CONCAT(DISTINCT ?x)`` (any DISTINCT aggregate but COUNT) failing
    with NotBoundError where ``?x`` is unbound in some solutions (an OPTIONAL): its DISTINCT test
    evaluates ``?x`` unguarded. An unbound value is skipped, as the aggregate itself does without
    DISTINCT and as Oxigraph does."""
    from rdflib.plugins.sparql.aggregates import Accumulator
    from rdflib.plugins.sparql.sparql import NotBoundError

    use_row = Accumulator.use_row

    def guarded(self, row) -> bool:
        try:
            return use_row(self, row)
        except NotBoundError:
            return False

    Accumulator.use_row = guarded  # type: ignore[method-assign]


def _evaluate(graph: Graph, query: Query, bindings: dict | None) -> Answer:
    _distinct_aggregates_skip_unbound()
    result = graph.query(query, initBindings=bindings or {})
    solutions: list[Any] = list(result) if result.type != "ASK" else []
    if result.type == "SELECT":
        names = [str(v) for v in result.vars or ()]
        return Answer("select", vars=names, rows=[tuple(row) for row in solutions])
    if result.type == "ASK":
        return Answer("ask", boolean=bool(result.askAnswer))
    g = bind_prefixes(Graph())
    for t in result.graph if result.graph is not None else solutions:
        g.add(t)
    return Answer("graph", graph=g)


def max_memory() -> int | None:
    """The memory limit of the queries this process runs in children (None: none)."""
    return _max_memory[0]


@contextlib.contextmanager
def memory_limit(limit: int | None) -> Iterator[None]:
    """Within the block, queries run by :func:`run_limited` may allocate ``limit`` bytes (None or 0: no
    limit) beyond what their process holds when forked."""
    saved = _max_memory[0]
    _max_memory[0] = limit or None
    try:
        yield
    finally:
        _max_memory[0] = saved


def _private_data() -> int:
    """VmData of this process (private writable memory: heap and anonymous maps), in bytes."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def cap_memory(limit: int | None) -> None:
    """In a query's process (a forked child or a server worker): allow it ``limit`` bytes of private
    memory beyond what it holds now (``RLIMIT_DATA``; the store's files, mapped or shared copy-on-write,
    are not what grows). Past it an allocation fails: Python raises MemoryError, Oxigraph (Rust) aborts
    the process; its standard error goes to /dev/null, so that the abort's line is not shown to anyone:
    the parent reports the limit. docs/server.md says why not RLIMIT_AS."""
    if not limit:
        return
    import resource

    held = _private_data()
    if not held:  # no /proc to read it from: a limit below what is held would fail every allocation
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    want = held + limit
    for given in (soft, hard):  # a lower limit set from outside (ulimit -d) stays
        if given != resource.RLIM_INFINITY:
            want = min(want, given)
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (want, hard))
    except (ValueError, OSError):
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


MEMORY_DEATHS = (-signal.SIGABRT, -signal.SIGKILL)
"""How a query's process ends when an allocation fails under its memory limit (Rust aborts; the kernel's
out-of-memory killer sends SIGKILL)."""


def over_memory(limit: int | None) -> MemoryLimitError:
    """The error for a query stopped at the memory limit ``limit`` (bytes)."""
    size = f"{limit / 1024**3:g} GiB" if limit and limit >= 1024**3 else f"{(limit or 0) / 1024**2:g} MiB"
    return MemoryLimitError(
        f"the query needed more than its memory limit of {size} and was stopped (narrow it, or raise "
        "--max-memory)"
    )


def _child(conn, fn, limit) -> None:
    try:
        cap_memory(limit)
        conn.send_bytes(seal(fn))
    finally:
        conn.close()


def run_limited(fn: Callable[[], Answer], timeout: float | None) -> Answer:
    """``fn()`` within ``timeout`` seconds, in a forked child that shares the parent's graph or open store
    copy-on-write and is killed at the limit (``None`` or 0: in this process, no limit). The child may
    allocate :func:`max_memory` bytes (:class:`MemoryLimitError` past it). Every backend's time and
    memory limit is this one function."""
    if not timeout:
        return fn()
    limit = max_memory()
    ctx = mp.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(sender, fn, limit), daemon=True)
    proc.start()
    sender.close()
    data = None
    try:
        if not receiver.poll(timeout):
            raise QueryTimeout(f"the query ran longer than its time limit of {timeout:g} s and was stopped")
        with contextlib.suppress(EOFError):
            data = receiver.recv_bytes()
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        receiver.close()
    if data is None:
        if limit and proc.exitcode in MEMORY_DEATHS:
            raise over_memory(limit)
        raise LaborKGError("the query process ended without an answer")
    try:
        return unseal(data)
    except MemoryLimitError:
        raise over_memory(limit) from None


def execute(
    graph: Graph,
    query: Query | str,
    bindings: dict[Variable, object] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    allow_service: Iterable[str] = (),
) -> Answer:
    """Run ``query`` on ``graph`` with ``bindings`` bound by the engine, within ``timeout`` seconds
    (``None`` or 0: no limit, in this process)."""
    if isinstance(query, str):
        query = prepare(query, allow_service)
    return run_limited(lambda: _evaluate(graph, query, bindings), timeout)

"""Query processes for the server: forked once at start, reused, killed (and replaced) at the time limit.

:class:`PooledStore` is a :class:`~laborkg.backends.base.Store` whose evaluations run in :class:`Workers`."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, URIRef

from laborkg.backends.base import Bound, Store
from laborkg.envelope import seal, unseal
from laborkg.errors import LaborKGError, MemoryLimitError
from laborkg.query.engine import (
    DEFAULT_TIMEOUT,
    MEMORY_DEATHS,
    Answer,
    QueryTimeout,
    cap_memory,
    over_memory,
)


def close_inherited_sockets(keep: int) -> None:
    """In a worker: close the sockets forked with it (the listening socket, clients' connections, the
    other workers' pipes), so that none stays open because a worker holds a copy. Files (the store's)
    stay open."""
    import os
    import stat

    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return
    for fd in fds:
        if fd == keep or fd <= 2:
            continue
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:
            pass


def call(store: Store, method: str, args: tuple):
    """What a worker does for one request: the store's own method, with no time limit (``None``: in this
    process; the server kills the whole worker at the limit)."""
    if method == "run_bound":
        bound, max_rows = args
        return store.run_bound(bound, None, max_rows)
    if method == "run_checked":
        text, max_rows = args
        return store.run_checked(text, None, max_rows)
    if method == "describe":
        return store.describe(URIRef(args[0]), None)
    raise ValueError(f"unknown call {method!r}")


def work(conn, store: Store, max_memory: int | None = None) -> None:
    """A worker's loop: read (method, args), call the store, send back ("ok", kind, data) or an error.
    It may allocate ``max_memory`` bytes beyond what it holds when forked (:func:`cap_memory`)."""
    import os
    import pickle
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    close_inherited_sockets(conn.fileno())
    cap_memory(max_memory)
    while True:
        try:
            method, args = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            os._exit(0)
        data = seal(lambda: call(store, method, args))  # noqa: B023 - called at once, in this iteration
        try:
            conn.send_bytes(data)
        except OSError:
            os._exit(0)


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Any
    calls: int = 0
    seen: dict = field(default_factory=dict)
    """Keys of the calls it answered lately (the query texts it has parsed and cached), oldest first."""


class Workers:
    """``size`` processes forked from the server once, each evaluating one call at a time on its copy of
    the store (shared copy-on-write). A call past its time limit has its process killed and a new one
    forked in its place; so does a process that has served ``max_calls`` calls (memory it copied is given
    back). Forking for every query cost 15–25 ms; handing a query to a waiting process costs under 1 ms.
    Each may allocate ``max_memory`` bytes beyond what it holds when forked; one that dies past it is
    replaced too (:class:`MemoryLimitError`)."""

    def __init__(self, store: Store, size: int, max_calls: int = 1000, max_memory: int | None = None) -> None:
        import multiprocessing as mp

        self.store, self.max_calls, self.closed = store, max_calls, False
        self.max_memory = max_memory
        self._context = mp.get_context("fork")
        self._idle: list[_Worker] = []  # the worker used last (caches warm) at the end
        self._free = threading.Condition()
        self._lock = threading.Lock()
        self._live: set[_Worker] = set()
        for _ in range(size):
            self._put(self._start())

    def _put(self, worker: _Worker) -> None:
        with self._free:
            self._idle.append(worker)
            self._free.notify()

    def _take(self, key) -> _Worker:
        """An idle worker: one that has answered ``key`` lately (its parse of the text is cached), else
        the one used last. rdflib's parse is not shared between processes and costs 30-900 ms."""
        with self._free:
            if not self._free.wait_for(lambda: self._idle, timeout=30):
                raise LaborKGError("no query process is free")
            for i in range(len(self._idle) - 1, -1, -1):
                if key in self._idle[i].seen:
                    return self._idle.pop(i)
            return self._idle.pop()

    def _start(self) -> _Worker:
        import gc

        ours, theirs = self._context.Pipe(duplex=True)
        process = self._context.Process(target=work, args=(theirs, self.store, self.max_memory), daemon=True)
        gc.freeze()  # the worker's collector leaves inherited objects alone: fewer pages copied
        try:
            process.start()
        finally:
            gc.unfreeze()
        theirs.close()
        worker = _Worker(process, ours)
        with self._lock:
            self._live.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._live.discard(worker)
        worker.conn.close()
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)

    def call(self, method: str, args: tuple, timeout: float | None, key: object = None):
        """``method`` (run_bound, run_checked or describe) with ``args`` in a worker, within ``timeout``
        seconds (:class:`QueryTimeout`). ``key`` names what the worker parses (a query text or a packaged
        query's name): a worker that saw it lately is preferred. The caller holds one of the server's
        query slots, so a worker is free."""
        import pickle

        if self.closed:
            raise LaborKGError("the server is stopping")
        key = (method, key)
        worker = self._take(key)
        healthy = died = False
        try:
            worker.conn.send_bytes(pickle.dumps((method, args)))
            if not worker.conn.poll(timeout):
                raise QueryTimeout(
                    f"the query ran longer than its time limit of {timeout:g} s and was stopped"
                )
            data = worker.conn.recv_bytes()
            healthy = True
        except (EOFError, OSError):
            died = True
        finally:
            worker.calls += 1
            worker.seen.pop(key, None)
            worker.seen[key] = True
            if len(worker.seen) > 128:  # as many as engine.prepare keeps
                del worker.seen[next(iter(worker.seen))]
            if healthy and worker.calls < self.max_calls and not self.closed:
                self._put(worker)
            else:
                self._retire(worker)
                if not self.closed:
                    self._put(self._start())
        if died:
            if self.max_memory and worker.process.exitcode in MEMORY_DEATHS:
                raise over_memory(self.max_memory)
            raise LaborKGError("the query process ended without an answer")
        try:
            return unseal(data)
        except MemoryLimitError:
            raise over_memory(self.max_memory) from None

    def close(self) -> None:
        self.closed = True
        with self._lock:
            live = list(self._live)
        for worker in live:
            self._retire(worker)


class PooledStore(Store):
    """A :class:`Store` whose evaluations (:meth:`run_bound`, :meth:`run_checked`, :meth:`describe`) run
    in ``size`` :class:`Workers` forked from ``store``, the time limit enforced by killing the worker;
    checks, parameter binding, name resolution, labels and the size are the wrapped store's, read in
    this process. :meth:`close` stops the workers; the wrapped store stays its owner's to close."""

    def __init__(self, store: Store, size: int, max_calls: int = 1000, max_memory: int | None = None) -> None:
        self.store = store
        self.kind = store.kind
        self.workers = Workers(store, size, max_calls, max_memory)

    # -- evaluated in a worker

    def run_bound(
        self, bound: Bound, timeout: float | None = DEFAULT_TIMEOUT, max_rows: int | None = None
    ) -> Answer:
        return self.workers.call("run_bound", (bound, max_rows), timeout, key=bound.query.name)

    def run_checked(
        self, text: str, timeout: float | None = DEFAULT_TIMEOUT, max_rows: int | None = None
    ) -> Answer:
        return self.workers.call("run_checked", (text, max_rows), timeout, key=text)

    def describe(self, iri: URIRef, timeout: float | None = DEFAULT_TIMEOUT) -> Graph:
        return self.workers.call("describe", (str(iri),), timeout, key=str(iri))

    # -- the wrapped store's, in this process

    def check(self, text: str, allow_service: Iterable[str] = ()) -> str:
        return self.store.check(text, allow_service)

    def bind(self, name: str, params: dict[str, str] | None = None) -> Bound:
        return self.store.bind(name, params)

    def resolve_iri(self, value: str) -> URIRef:
        return self.store.resolve_iri(value)

    def label(self, iri, lang: str = "en") -> str | None:
        return self.store.label(iri, lang)

    def label_graph(self, answer: Answer) -> Graph:
        return self.store.label_graph(answer)

    def size(self) -> int | None:
        return self.store.size()

    def _candidates(self, value: str) -> Iterable[tuple]:
        return self.store._candidates(value)  # unused: resolve_iri is the wrapped store's

    def _values(self, subjects: Iterable[URIRef], properties: Iterable[URIRef]) -> Iterable[tuple]:
        return self.store._values(subjects, properties)  # unused: label, label_graph are the store's

    def close(self) -> None:
        self.workers.close()

"""What a child process sends back for one call (its result, or its error in one line), and reading it."""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Callable
from typing import Any

from rdflib import Graph

from laborkg.errors import LaborKGError, MemoryLimitError, QueryError
from laborkg.namespace import bind_prefixes


def seal(fn: Callable[[], Any]) -> bytes:
    """Call ``fn`` and pickle its outcome for the parent: ``("ok", kind, data)``, where graphs travel as
    N-Triples (an rdflib Graph, or the ``graph`` field of a dataclass such as an Answer); a
    :class:`LaborKGError` as ``("laborkg", message)``; anything else raised as ``("error", "Type: first
    line")``; running out of memory (a memory limit) as ``("memory", "")``. Never raises: whatever
    happens goes back to the parent."""
    try:
        return pickle.dumps(("ok", *_portable(fn())))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent as one line
        if isinstance(exc, MemoryError | MemoryLimitError):
            return pickle.dumps(("memory", ""))
        if isinstance(exc, LaborKGError):
            return pickle.dumps(("laborkg", str(exc)))
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return pickle.dumps(("error", f"{type(exc).__name__}: {detail}"))


def unseal(data: bytes) -> Any:
    """The result :func:`seal` packed, with its graphs parsed back; its error raised as a
    :class:`QueryError` (:class:`MemoryLimitError` when it ran out of memory)."""
    payload = pickle.loads(data)
    if payload[0] == "memory":
        raise MemoryLimitError("the query needed more memory than its limit and was stopped")
    if payload[0] == "laborkg":
        raise QueryError(payload[1])
    if payload[0] == "error":
        raise QueryError(f"the query failed: {payload[1]}")
    _ok, kind, value = payload
    if kind == "graph":
        return _graph(value)
    if kind == "with-graph":
        result, text = value
        return dataclasses.replace(result, graph=_graph(text))
    return value


def _portable(result: Any) -> tuple[str, Any]:
    if isinstance(result, Graph):
        return "graph", result.serialize(format="nt")
    graph = getattr(result, "graph", None)
    is_instance = dataclasses.is_dataclass(result) and not isinstance(result, type)
    if is_instance and (graph is not None or getattr(result, "kind", None) == "graph"):
        text = (graph if graph is not None else Graph()).serialize(format="nt")
        return "with-graph", (dataclasses.replace(result, graph=None), text)
    return "value", result


def _graph(text: str) -> Graph:
    graph = bind_prefixes(Graph())
    graph.parse(data=text, format="nt")
    return graph

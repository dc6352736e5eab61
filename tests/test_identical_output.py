"""Every packaged query gives byte-identical CSV, TSV, JSON, XML and table output on every local backend."""

from __future__ import annotations

import pytest
from support.compare import cases

from laborkg.backends.oxigraph import OxigraphStore, dump, open_store
from laborkg.query import render
from laborkg.store.default import open_default

FORMATS = ("csv", "tsv", "json", "xml")


@pytest.fixture(scope="module")
def stores(built_store):
    """The same closure three ways: built on disk (the session's store), the default store of the cache,
    and in memory."""
    on_disk = open_store(built_store)
    default = open_default()
    memory = OxigraphStore.in_memory(dump(on_disk, "nt"))
    yield {"disk": on_disk, "default": default, "memory": memory}
    for s in (on_disk, default, memory):
        s.close()


def _outputs(store, name: str, params: dict[str, str]) -> dict[str, str]:
    answer = store.query(name, params, timeout=None)
    out = {fmt: render.machine(answer, fmt) for fmt in FORMATS}
    out["table"] = render.table(answer, store.label_graph(answer), lang="en")
    out["table-es"] = render.table(answer, store.label_graph(answer), lang="es")
    return out


@pytest.mark.parametrize("name, params", sorted(cases(), key=lambda p: p.id))
def test_every_local_backend_writes_the_same_bytes(stores, name, params):
    want = _outputs(stores["disk"], name, params)
    assert want["csv"].count("\n") >= 1
    for kind in ("default", "memory"):
        got = _outputs(stores[kind], name, params)
        for fmt, text in want.items():
            assert got[fmt] == text, f"{name} as {fmt}: {kind} differs from the store on disk"


def test_the_comparison_sees_a_difference(stores):
    """The check can fail: two different answers do not compare equal in any format."""
    a = _outputs(stores["disk"], "ratifications", {})
    b = _outputs(stores["disk"], "minimum-ages", {})
    assert all(a[f] != b[f] for f in a)

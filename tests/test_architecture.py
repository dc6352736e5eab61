"""The shape of ``src/laborkg``: its import graph has no cycle, and no module imports another's private name.

Every module is parsed with ``ast``, imports inside functions included. ``import a.b`` and
``from a import b`` (``b`` a module) are edges to ``a.b``; ``from a import name`` is an edge to ``a``;
relative imports are resolved against the importing module's package. Parent packages an import runs
implicitly are not edges (Python initialises them first; they are not a cycle one can untangle).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import laborkg

PACKAGE = Path(laborkg.__file__).resolve().parent


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package under ``root``: dotted name → file."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join([package, *parts])] = path
    return names


def _is_package(name: str, modules: dict[str, Path]) -> bool:
    return modules[name].name == "__init__.py"


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of a dotted name that is one of ``modules``."""
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in modules:
            return candidate
    return None


def imports(module: str, modules: dict[str, Path]) -> tuple[set[str], list[str]]:
    """(the modules ``module`` imports, the private names it imports from other modules, as text)."""
    tree = ast.parse(modules[module].read_text(encoding="utf-8"), filename=str(modules[module]))
    package = module if _is_package(module, modules) else module.rpartition(".")[0]
    edges: set[str] = set()
    private: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _resolve(alias.name, modules)
                if target:
                    edges.add(target)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if _resolve(source, modules) is None:
                continue  # not laborkg
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in modules:
                    edges.add(submodule)
                    continue
                target = _resolve(source, modules)
                edges.add(target)
                if alias.name.startswith("_") and not alias.name.startswith("__") and target != module:
                    private.append(f"{module}:{node.lineno}: from {source} import {alias.name}")
    edges.discard(module)
    return edges, private


def import_graph(root: Path = PACKAGE, package: str = "laborkg") -> tuple[dict[str, set[str]], list[str]]:
    """(module → the modules it imports, every private import) of the package under ``root``."""
    modules = module_names(root, package)
    graph, private = {}, []
    for name in modules:
        graph[name], found = imports(name, modules)
        private += found
    return graph, private


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(_cycle_in(graph, c) for c in components)


def _cycle_in(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest cycle through the component's first module (breadth-first back to it)."""
    start = min(component)
    previous = {start: None}
    queue = [start]
    for v in queue:
        for w in sorted(graph.get(v, ()) & component):
            if w == start:
                path = [v]
                while previous[path[-1]] is not None:
                    path.append(previous[path[-1]])
                return path[::-1]
            if w not in previous:
                previous[w] = v
                queue.append(w)
    raise AssertionError(f"no cycle in {component}")


def test_the_import_graph_has_no_cycle():
    graph, _ = import_graph()
    found = cycles(graph)
    assert found == [], "import cycles:\n" + "\n".join(" -> ".join([*c, c[0]]) for c in found)


def test_no_private_name_is_imported_from_another_module():
    _, private = import_graph()
    assert private == [], "private names imported from other laborkg modules:\n" + "\n".join(private)


def test_the_graph_is_read():
    """The parser sees the package: modules, absolute imports and imports inside functions."""
    graph, _ = import_graph()
    assert len(graph) > 20
    assert "laborkg.errors" in graph["laborkg"]
    assert "laborkg.api" in graph["laborkg"]  # imported inside a function


# ---------------------------------------------------------------------------------------------
# The finder on synthetic graphs and packages: it can fail


def test_cycle_finder_on_small_graphs():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set(), "d": {"a", "c"}}) == []
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    two = cycles({"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c", "a"}})
    assert two == [["a", "b"], ["c", "d", "e"]]
    assert cycles({"a": {"b", "c"}, "b": {"c"}, "c": {"a"}}) == [["a", "c"]]  # a shortest one


@pytest.fixture
def toy(tmp_path):
    """A package ``toy``: relative, absolute and in-function imports, a cycle and a private import."""
    root = tmp_path / "toy"
    (root / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "from toy.a import run\n",
        "a.py": "from . import b\nimport os\n\ndef run():\n    from toy.sub import c\n    return c\n",
        "b.py": "from .sub.c import _helper, value\n",
        "sub/__init__.py": "",
        "sub/c.py": "value = 1\n\ndef _helper():\n    from ..a import run\n    return run\n",
        "d.py": "import toy.sub.c as c\nfrom toy import __doc__\n",
    }
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def test_import_graph_of_a_toy_package(toy):
    graph, private = import_graph(toy, "toy")
    assert graph == {
        "toy": {"toy.a"},
        "toy.a": {"toy.b", "toy.sub.c"},
        "toy.b": {"toy.sub.c"},
        "toy.d": {"toy.sub.c", "toy"},
        "toy.sub": set(),
        "toy.sub.c": {"toy.a"},
    }
    assert private == ["toy.b:1: from toy.sub.c import _helper"]
    assert cycles(graph) == [["toy.a", "toy.sub.c"]]  # toy.a -> toy.b -> toy.sub.c -> toy.a is longer

"""Shared fixtures: the shipped graph (asserted and closure) and a private closure cache."""

from __future__ import annotations

import pytest
from rdflib import Graph

from laborkg import paths
from laborkg.graph import input_files, load
from laborkg.reason import closure


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Every test session reasons into its own cache directory, never the user's."""
    mp = pytest.MonkeyPatch()
    mp.setenv("LABORKG_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()


@pytest.fixture(scope="session")
def asserted() -> Graph:
    """Ontology + shipped data as written, without reasoning."""
    return load(input_files())


@pytest.fixture(scope="session")
def data_graph() -> Graph:
    """The shipped instance data alone."""
    return load(paths.data_files())


@pytest.fixture(scope="session")
def kg(_private_cache) -> Graph:
    """The OWL RL closure of ontology + shipped data (what queries read)."""
    return closure(input_files())

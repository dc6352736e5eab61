"""Where the graph's files live, anchored on the package: the repository's folders in a checkout, the
package's ``_resources/`` in a wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE / "_resources"
ROOT = _BUNDLED if _BUNDLED.is_dir() else _PACKAGE.parents[1]

ONTOLOGY_DIR = ROOT / "ontology"
DATA_DIR = ROOT / "data"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"
CHECKS_DIR = QUERIES_DIR / "checks"
SEEDS_DIR = ROOT / "seeds"


def ontology_files() -> list[Path]:
    """The ontology's Turtle files, in a stable order."""
    return sorted(ONTOLOGY_DIR.glob("*.ttl"))


def data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """The curated instance data shipped with laborkg (``data/*.ttl``) and its links to external graphs
    (``data/mappings/*.sssom.tsv``), in a stable order."""
    return sorted(data_dir.glob("*.ttl")) + sorted((data_dir / "mappings").glob("*.sssom.tsv"))


def shape_files() -> list[Path]:
    """The SHACL shapes (``shapes/*.shapes.ttl``)."""
    return sorted(SHAPES_DIR.glob("*.shapes.ttl"))

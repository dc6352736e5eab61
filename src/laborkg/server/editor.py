"""The query page's SPARQL editor (YASQE, which npm installs into ``node_modules/``; never committed): its
files read once at start into a fixed table served under ``/assets/editor/``. Without them the page keeps
its plain textarea and names no script it cannot load (docs/server.md)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from laborkg.namespace import PREFIXES
from laborkg.paths import ROOT

ENV = "LABORKG_EDITOR_DIR"
"""An environment variable naming another directory holding ``yasqe.min.js`` and ``yasqe.min.css``."""
DEFAULT_DIR = ROOT / "node_modules" / "@zazuko" / "yasqe" / "build"
"""Where ``npm ci`` (scripts/setup-editor) puts YASQE's browser build in a checkout."""
URL = "/assets/editor/"
REQUIRED = {"yasqe.min.js": "text/javascript; charset=utf-8", "yasqe.min.css": "text/css; charset=utf-8"}
OPTIONAL = {"yasqe.min.js.map": "application/json"}
PREFIXES_NAME = "prefixes.json"
"""laborkg's own prefixes (those every query has predeclared), for the editor's prefix completion: it
never asks a remote prefix service."""
MARKER = b"<!-- editor -->"
"""Where the query page (web/index.html) gets the editor's stylesheet and script."""
TAGS = (
    f'<link rel="stylesheet" href="{URL}yasqe.min.css">\n<script src="{URL}yasqe.min.js"></script>'
).encode()

Entry = tuple[bytes, str, str]


def _entry(data: bytes, ctype: str) -> Entry:
    return data, ctype, '"' + hashlib.sha256(data).hexdigest()[:20] + '"'


def editor_dir() -> Path:
    """The directory of the editor's files: ``$LABORKG_EDITOR_DIR`` if set, else :data:`DEFAULT_DIR`."""
    given = os.environ.get(ENV, "").strip()
    return Path(given).expanduser() if given else DEFAULT_DIR


def prefixes_json() -> bytes:
    """``{"lkg": "https://w3id.org/laborkg/ontology#", …}``: the prefixes of :data:`PREFIXES`."""
    return (json.dumps({p: str(ns) for p, ns in PREFIXES.items()}, indent=1) + "\n").encode()


def editor_files(directory: Path | None = None) -> dict[str, Entry]:
    """Name → (bytes, media type, ETag) of the editor's files, plus :data:`PREFIXES_NAME`; empty when a
    required file is missing or unreadable (the page then keeps its textarea)."""
    directory = editor_dir() if directory is None else directory
    table = {}
    for name, ctype in {**REQUIRED, **OPTIONAL}.items():
        path = directory / name
        try:
            table[name] = _entry(path.read_bytes(), ctype)
        except OSError:
            if name in REQUIRED:
                return {}
    table[PREFIXES_NAME] = _entry(prefixes_json(), "application/json")
    return table


def with_editor(static: dict[str, Entry], assets: dict[str, Entry]) -> dict[str, Entry]:
    """``static`` (name → entry) with the query page naming the editor's files, when ``assets`` has them."""
    page = static.get("index.html")
    if not assets or page is None or MARKER not in page[0]:
        return static
    return {**static, "index.html": _entry(page[0].replace(MARKER, TAGS, 1), page[1])}

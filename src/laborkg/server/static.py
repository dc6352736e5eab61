"""The web view's static files (``server/web/``): a fixed table read once at start; a name outside it is a
404, whatever it contains, so no request path ever reaches the file system."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent / "web"
PAGES = {"/query": "index.html", "/timeline": "timeline.html", "/graph": "graph.html", "/stats": "stats.html"}
"""The web view's pages: path → file."""

_STATIC = re.compile(r"[a-z0-9][a-z0-9_-]*\.(?:html|js|css|svg|png)")
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


def static_files(directory: Path = WEB_DIR) -> dict[str, tuple[bytes, str, str]]:
    """Name → (bytes, media type, ETag) for every file of the web view."""
    table = {}
    for path in sorted(directory.iterdir()) if directory.is_dir() else ():
        if path.is_file() and not path.is_symlink() and _STATIC.fullmatch(path.name):
            data = path.read_bytes()
            table[path.name] = (data, _TYPES[path.suffix], '"' + hashlib.sha256(data).hexdigest()[:20] + '"')
    return table

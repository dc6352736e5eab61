"""A pytest plugin: the test session writes nothing into the checkout.

At the start of a session (the xdist controller's, or the only one) every file of the git checkout is
listed with its size and modification time: tracked, untracked and ignored files alike (``test-artifacts/``
is ignored by git, and must stay empty too), except what running Python and pytest leaves (``.venv``,
``__pycache__``, ``.pytest_cache``, ``.ruff_cache``, ``.mypy_cache``, ``*.egg-info``). At the end the list is
taken again; any
file created, removed or changed fails the session (exit status 1) with the paths. Editing the checkout
while the tests run trips it as well: the message says so.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

IGNORED_PARTS = {".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".git"}

Snapshot = dict[str, tuple[int, int]]


def toplevel(path: Path) -> Path | None:
    """The root of the git checkout holding ``path``, or None (not a checkout, or no git)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return Path(done.stdout.strip()) if done.returncode == 0 else None


def _kept(name: str) -> bool:
    parts = name.split("/")
    return not (IGNORED_PARTS.intersection(parts) or any(p.endswith(".egg-info") for p in parts))


def snapshot(root: Path) -> Snapshot:
    """Every file of the checkout at ``root`` (tracked, untracked, ignored): path → (size, mtime in ns)."""
    listed = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--", ":(exclude).venv"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8", "surrogateescape")
    files: Snapshot = {}
    for name in filter(None, listed.split("\0")):
        if not _kept(name):
            continue
        try:
            st = os.lstat(root / name)
        except FileNotFoundError:
            continue  # tracked, but deleted in the working tree: absent
        files[name] = (st.st_size, st.st_mtime_ns)
    return files


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """What differs, one line per file: ``created``, ``removed`` or ``modified``, and the path."""
    out = [f"created  {p}" for p in sorted(after.keys() - before.keys())]
    out += [f"removed  {p}" for p in sorted(before.keys() - after.keys())]
    out += [f"modified {p}" for p in sorted(before.keys() & after.keys()) if before[p] != after[p]]
    return out


_BEFORE = pytest.StashKey[tuple[Path, Snapshot]]()


def pytest_sessionstart(session: pytest.Session) -> None:
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the controller checks for all
    root = toplevel(session.config.rootpath)
    if root is not None:
        session.config.stash[_BEFORE] = (root, snapshot(root))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _BEFORE not in session.config.stash:
        return
    root, before = session.config.stash[_BEFORE]
    found = changes(before, snapshot(root))
    if not found:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [
        f"the test session changed {len(found)} file(s) in the checkout {root} "
        "(tests must write to temporary directories; or was the checkout edited during the run?):",
        *(f"  {line}" for line in found[:50]),
    ]
    if reporter is not None:
        reporter.ensure_newline()
        reporter.section("files written into the checkout", sep="=", red=True, bold=True)
        for line in lines:
            reporter.write_line(line, red=True)
    else:
        print("\n".join(lines))
    if session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

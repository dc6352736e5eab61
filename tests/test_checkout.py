"""The session check that tests write nothing into the checkout (``support.checkout``) can fail."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from support import checkout

pytest_plugins = ["pytester"]
TESTS = Path(__file__).resolve().parent


def _repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / ".gitignore").write_text("out/\n__pycache__/\n")
    (root / "tracked.txt").write_text("one\n")
    (root / "out").mkdir()
    (root / "out" / "old.txt").write_text("old\n")
    subprocess.run(["git", "-C", str(root), "add", ".gitignore", "tracked.txt"], check=True)
    return root


def test_changes_catch_tracked_untracked_and_ignored_files(tmp_path):
    root = _repo(tmp_path / "repo")
    assert checkout.toplevel(root / "out") == root.resolve()
    before = checkout.snapshot(root)
    assert set(before) == {".gitignore", "tracked.txt", "out/old.txt"}
    assert checkout.changes(before, checkout.snapshot(root)) == []

    (root / "out" / "report.txt").write_text("x")  # ignored by git: still a write into the checkout
    (root / "new.png").write_bytes(b"png")
    (root / "tracked.txt").write_text("two\n")
    (root / "out" / "old.txt").unlink()
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "m.pyc").write_bytes(b"")  # what Python leaves: allowed
    assert checkout.changes(before, checkout.snapshot(root)) == [
        "created  new.png",
        "created  out/report.txt",
        "removed  out/old.txt",
        "modified tracked.txt",
    ]


def test_rewriting_a_file_with_the_same_bytes_is_a_change(tmp_path):
    root = _repo(tmp_path / "repo")
    before = checkout.snapshot(root)
    os.utime(root / "tracked.txt", ns=(0, before["tracked.txt"][1] + 1_000_000_000))
    assert checkout.changes(before, checkout.snapshot(root)) == ["modified tracked.txt"]


def test_not_a_checkout(tmp_path):
    assert checkout.toplevel(tmp_path) is None


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["plain", "xdist"])
def test_a_session_that_writes_into_its_checkout_fails(pytester, monkeypatch, workers):
    """An inner pytest session with the plugin, in a git checkout: a passing test that writes a file there
    fails the session; one that writes to its tmp_path does not. Under xdist the controller checks."""
    repo = _repo(pytester.path / "repo")  # the inner session's basetemp is beside it, not in it
    (repo / "pytest.ini").write_text("[pytest]\n")
    (repo / "test_writes.py").write_text(
        "from pathlib import Path\n\n\n"
        "def test_writes_into_the_checkout():\n"
        '    (Path(__file__).parent / "out" / "artifact.txt").write_text("x")\n\n\n'
        "def test_writes_to_tmp(tmp_path):\n"
        '    (tmp_path / "fine.txt").write_text("x")\n'
    )
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")]))
    )
    args = (
        "-p",
        "support.checkout",
        "-p",
        "no:cacheprovider",
        f"--rootdir={repo}",
        *workers,
        str(repo / "test_writes.py"),
    )
    result = pytester.runpytest_subprocess(*args)
    assert result.ret == 1, result.stdout.str()
    result.stdout.fnmatch_lines(
        ["*changed 1 file(s) in the checkout*", "*created  out/artifact.txt*", "*2 passed*"]
    )

    (repo / "out" / "artifact.txt").unlink()
    result = pytester.runpytest_subprocess(*args, "-k", "tmp")
    assert result.ret == 0, result.stdout.str()

"""Running laborkg as its users do: the CLI in-process, ``laborkg serve`` as a subprocess."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from laborkg.cli import main

EXE = str(Path(sys.executable).parent / "laborkg")


def run(*argv: str) -> tuple[int, str, str]:
    """``laborkg ARGV`` in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def assert_one_line_error(err: str) -> None:
    assert err.startswith("laborkg: error: "), err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err


def start_serve(*args: str) -> tuple[subprocess.Popen, int]:
    """``laborkg serve ARGS --port 0 --quiet`` as a subprocess: (process, port)."""
    proc = subprocess.Popen(
        [EXE, "serve", *args, "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    line = proc.stdout.readline()
    if not line.startswith("laborkg: serving http://127.0.0.1:"):
        proc.kill()
        pytest.fail(f"laborkg serve did not start: {line!r} {proc.stderr.read()}")
    return proc, urllib.parse.urlsplit(line.split()[2]).port

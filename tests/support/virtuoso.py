"""A private OpenLink Virtuoso for the endpoint tests: Debian's virtuoso-opensource (installed by
scripts/setup-test-env), started in the foreground with its own virtuoso.ini in a temporary directory, on
free ports of 127.0.0.1, and stopped at the end. Each pytest-xdist worker starts its own.

Writes go through Virtuoso's authenticated endpoints (``/sparql-auth``, ``/sparql-graph-crud-auth``,
HTTP Digest) as the ``dba`` user of the fresh database; the anonymous ``/sparql`` endpoint stays read-only.
Without Virtuoso the tests are skipped with the reason, except under CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

VIRTUOSO = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
USER, PASSWORD = "dba", "dba"  # the fresh database's administrator

INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CheckpointInterval = 0
CaseMode = 2
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}/vsp
ServerThreads = 4
Charset = UTF-8

[SPARQL]
{sparql}

[Plugins]
LoadPath = /usr/lib/x86_64-linux-gnu/virtuoso-opensource-7/hosting
"""


def unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"Virtuoso tests must run in CI: {reason} (scripts/setup-test-env installs it)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Virtuoso:
    directory: Path
    http: int
    process: subprocess.Popen

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http}"

    @property
    def sparql(self) -> str:
        """The anonymous, read-only SPARQL endpoint."""
        return self.base + "/sparql"

    @property
    def sparql_auth(self) -> str:
        """The SPARQL endpoint that takes updates (HTTP Digest, dba)."""
        return self.base + "/sparql-auth"

    @property
    def gsp(self) -> str:
        """The Graph Store Protocol endpoint (HTTP Digest, dba)."""
        return self.base + "/sparql-graph-crud-auth"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(directory: Path, sparql: dict[str, str] | None = None, wait: float = 90.0) -> Virtuoso:
    """A Virtuoso serving from ``directory`` with these ``[SPARQL]`` settings, answering queries."""
    if not Path(VIRTUOSO).exists():
        unavailable("virtuoso-t is not installed (run scripts/setup-test-env)")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vsp").mkdir(exist_ok=True)
    settings = {"ResultSetMaxRows": "1000000", "MaxQueryExecutionTime": "120", **(sparql or {})}
    for attempt in range(3):  # a port taken between choosing and binding: choose again
        sql, http = _free_port(), _free_port()
        ini = directory / "virtuoso.ini"
        ini.write_text(
            INI.format(
                d=directory, sql=sql, http=http, sparql="\n".join(f"{k} = {v}" for k, v in settings.items())
            )
        )
        log = open(directory / f"stdout-{attempt}.log", "wb")  # noqa: SIM115 - kept open for the process
        process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(ini)],
            cwd=directory,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        server = Virtuoso(directory, http, process)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(server.sparql + "?query=ASK%7B%7D", timeout=2) as resp:
                    if resp.status == 200:
                        return server
            except OSError:
                time.sleep(0.3)
        server.stop()
    tail = (
        (directory / "virtuoso.log").read_text(errors="replace")[-800:]
        if (directory / "virtuoso.log").exists()
        else ""
    )
    pytest.fail(f"Virtuoso did not start in {directory}: {tail}")

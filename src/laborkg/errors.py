"""One root exception and a few subclasses whose messages are written for people.

The CLI prints ``laborkg: error: <message>`` on one line and exits with :attr:`exit_code`.
"""

from __future__ import annotations


class LaborKGError(Exception):
    """Root of every error laborkg raises on purpose."""

    exit_code = 2


class InputError(LaborKGError):
    """A file, argument or parameter given by the user cannot be used (exit 2)."""


class ParseError(InputError):
    """An RDF file is malformed; the message names the file and the line (and the column, when known)."""

    def __init__(self, path: str, line: int | None, reason: str, column: int | None = None) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.reason = reason
        where = f"{path}:{line}" if line else path
        if line and column:
            where += f":{column}"
        super().__init__(f"{where}: {reason}")


class QueryError(InputError):
    """A packaged query name, a parameter or an ad-hoc query is wrong (exit 2)."""


class MemoryLimitError(LaborKGError):
    """A query needed more memory than its limit and was stopped (exit 2: narrow it or raise the limit)."""


class RemoteError(LaborKGError):
    """A remote SPARQL endpoint failed, refused, could not be reached or answered incompletely (a
    truncated or partial result): exit 4. The message says what the remote holds afterwards."""

    exit_code = 4

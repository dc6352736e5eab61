"""laborkg: a sourced knowledge graph of US–Mexico labor cooperation.

>>> import laborkg
>>> kg = laborkg.open()
>>> kg.query("agencies-lost-support")[0]["programCount"]
21
"""

from laborkg.errors import InputError, LaborKGError, ParseError, QueryError

__all__ = ["open", "KnowledgeGraph", "Rows", "LaborKGError", "InputError", "ParseError", "QueryError"]


def __getattr__(name: str):
    # The Python API (reasoning, validation, SPARQL) loads on first use, so that the command line
    # (``laborkg query --store``) does not pay for what it does not run.
    if name in ("open", "KnowledgeGraph", "Rows"):
        from laborkg import api

        return getattr(api, name)
    raise AttributeError(f"module 'laborkg' has no attribute {name!r}")

"""laborkg: a sourced knowledge graph of US–Mexico labor cooperation.

>>> import laborkg
>>> kg = laborkg.open()
>>> kg.query("agencies-lost-support")[0]["programCount"]
21
"""

from .api import KnowledgeGraph, Rows, open
from .errors import InputError, LaborKGError, ParseError, QueryError

__all__ = ["open", "KnowledgeGraph", "Rows", "LaborKGError", "InputError", "ParseError", "QueryError"]

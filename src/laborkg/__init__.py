"""laborkg: a sourced knowledge graph of US–Mexico labor cooperation."""

from .errors import InputError, LaborKGError, ParseError, QueryError

__all__ = ["LaborKGError", "InputError", "ParseError", "QueryError"]

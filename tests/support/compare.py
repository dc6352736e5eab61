"""Answers of two backends made comparable, and the query cases every backend is compared on.

Two documented normalisations on top of ``support.golden.normalise`` (see ``laborkg.store``):

- numbers compare by value: Oxigraph and Virtuoso store ``207000000.0`` (``xsd:decimal``) as ``207000000``;
- a GROUP_CONCAT over a group with no bound value is ``""`` in rdflib and unbound in Oxigraph: both are
  "no values" (the golden form ``[]``).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from laborkg.query import catalogue as queries
from laborkg.query.engine import Answer
from support.golden import concat_columns, example_params, normalise

_NUMERIC = {XSD.decimal, XSD.integer, XSD.double, XSD.float, XSD.nonNegativeInteger, XSD.positiveInteger}


def cases():
    """Every packaged query with each example's parameters, and with none where none is required."""
    for name, query in queries.catalogue().items():
        seen = []
        for n, _ in enumerate(query.examples or [None]):
            params = example_params(type(query)(**{**vars(query), "examples": query.examples[n:]}))
            if params not in seen:
                seen.append(params)
        if not any(p.required for p in query.params) and {} not in seen:
            seen.append({})  # every optional parameter left unbound
        for params in seen:
            yield pytest.param(name, params, id=f"{name}-{'-'.join(f'{k}={v}' for k, v in params.items())}")


def _number(term):
    if isinstance(term, Literal) and term.datatype in _NUMERIC:
        value = (
            Decimal(str(term.toPython())) if term.datatype in (XSD.double, XSD.float) else Decimal(str(term))
        )
        return Literal(f"{value.normalize():f}", datatype=term.datatype)
    return term


def comparable(answer: Answer, text: str) -> dict:
    """``support.golden.normalise`` plus the two normalisations above."""
    if answer.kind == "select":
        answer = Answer(
            "select", vars=answer.vars, rows=[tuple(_number(t) for t in row) for row in answer.rows]
        )
    norm = normalise(answer, text)
    if "rows" in norm:
        seps = concat_columns(text)
        rows = (
            [
                [] if cell is None and var in seps else cell
                for var, cell in zip(norm["vars"], row, strict=True)
            ]
            for row in norm["rows"]
        )
        norm["rows"] = sorted(rows, key=lambda r: json.dumps(r, ensure_ascii=False))
    return norm


def table_signature(table: str) -> tuple:
    """A table with row and footnote order left out (ORDER BY ties and GROUP_CONCAT order are open)."""
    head, _, notes = table.replace("\nFuentes:\n", "\nSources:\n").partition("\nSources:\n")  # en, es
    head = re.sub(r"\[\d+(?:, \d+)*\]", lambda m: f"[{m.group(0).count(',') + 1} sources]", head)
    if re.search(r"^-\[ 1 \]", head, re.M):
        rows = sorted(re.split(r"^-\[ \d+ \]-*$", head, flags=re.M))
    else:
        rows = sorted(head.splitlines())
    notes = sorted(
        re.sub(r"^\[\d+\] ", "", n).strip() for n in re.split(r"\n(?=\[\d+\] )", notes.replace("\n    ", " "))
    )
    return rows, notes

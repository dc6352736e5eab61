"""What the graph holds: entities by class and by source document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import Graph

from laborkg.namespace import sparql_prologue

_BY_CLASS = """
SELECT ?class (COUNT(DISTINCT ?entity) AS ?n) WHERE {
  ?entity a lkg:Resource ; a ?class .
  FILTER(STRSTARTS(STR(?class), STR(lkg:)))
  FILTER NOT EXISTS {
    ?entity a ?narrower .
    ?narrower rdfs:subClassOf ?class .
    FILTER(?narrower != ?class && STRSTARTS(STR(?narrower), STR(lkg:)))
  }
}
GROUP BY ?class ORDER BY DESC(?n) ?class
"""

_BY_SOURCE = """
SELECT ?file
       (COUNT(DISTINCT ?named) AS ?entities)
       (COUNT(DISTINCT ?fact) AS ?facts)
       (COUNT(DISTINCT ?passage) AS ?passages)
WHERE {
  ?doc a lkg:SourceDocument ; lkg:fileName ?file .
  OPTIONAL {
    ?passage lkg:inDocument ?doc .
    OPTIONAL { ?named lkg:source ?passage ; a lkg:NamedEntity }
    OPTIONAL { ?fact lkg:source ?passage ; a lkg:Fact }
  }
}
GROUP BY ?file ORDER BY ?file
"""

_TOTALS = """
SELECT (COUNT(DISTINCT ?named) AS ?entities) (COUNT(DISTINCT ?fact) AS ?facts)
       (COUNT(DISTINCT ?passage) AS ?passages) WHERE {
  { ?named a lkg:NamedEntity } UNION { ?fact a lkg:Fact } UNION { ?passage a lkg:SourcePassage }
}
"""


@dataclass
class Stats:
    triples: int
    entities: int
    facts: int
    passages: int
    by_class: list[tuple[str, int]]
    by_source: list[tuple[str, int, int, int]]


def _rows(graph: Graph, text: str) -> list[Any]:
    return list(graph.query(text))


def compute(closure: Graph) -> Stats:
    pro = sparql_prologue()
    totals: Any = next(iter(closure.query(pro + _TOTALS)))
    return Stats(
        triples=len(closure),
        entities=int(totals[0]),
        facts=int(totals[1]),
        passages=int(totals[2]),
        by_class=[(str(r[0]), int(r[1])) for r in _rows(closure, pro + _BY_CLASS)],
        by_source=[(str(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in _rows(closure, pro + _BY_SOURCE)],
    )

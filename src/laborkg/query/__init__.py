"""Queries: the engine's safe prepare/run, the catalogue of packaged queries, rewriting and rendering."""

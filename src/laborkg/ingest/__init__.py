"""Readers that turn external structured data into laborkg triples (one module per source)."""

"""What leaves the graph: exports, VoID/DCAT, ontology docs, link report, statistics, push."""

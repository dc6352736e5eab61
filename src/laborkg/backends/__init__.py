"""One store interface and its backends: Oxigraph (embedded), a remote SPARQL endpoint, rdflib."""

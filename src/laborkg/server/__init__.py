"""The read-only SPARQL endpoint and web view (laborkg serve)."""

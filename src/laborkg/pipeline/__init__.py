"""From files to a checked closure: load, JSON-LD, SSSOM, reasoning, validation."""

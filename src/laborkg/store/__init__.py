"""The on-disk store: layout, build, validation delta and incremental additions."""

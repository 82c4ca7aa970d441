"""The checklist and its engine: pure functions over a snapshot, no I/O."""

CATALOGUE_VERSION = "1"

"""Where snapshots come from: a file, the embedded demo estate (live Azure comes later)."""

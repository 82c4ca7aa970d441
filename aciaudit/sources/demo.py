"""The embedded demo estate: a fictional company that exercises every check."""

from __future__ import annotations

import json
from importlib import resources

from aciaudit.snapshot_io import parse_snapshot
from checks.snapshot import Snapshot

DEMO_NOTICE = "DEMO DATA: a fictional estate (Fabrikam Logistics), not a real Azure tenant."


def load_demo() -> Snapshot:
    text = resources.files("aciaudit.data").joinpath("demo_estate.json").read_text("utf-8")
    snapshot = parse_snapshot(json.loads(text), origin="demo estate")
    snapshot.source["kind"] = "demo"
    return snapshot

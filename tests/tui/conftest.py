"""Shared helpers for the app's Pilot tests.

No __init__.py here on purpose: as a package this folder would be named `tui` and
shadow the application package.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from aciaudit.snapshot_io import parse_snapshot
from aciaudit.sources.azure.progress import CollectProgress
from aciaudit.sources.choice import Source
from checks.snapshot import Snapshot
from tui.app import AuditApp

SIZE = (120, 36)


@pytest.fixture(autouse=True)
def _config_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """The app's remembered preferences go to a fresh folder per test, never the
    user's config folder (and one test's sort never leaks into the next)."""
    monkeypatch.setenv("ACI_AUDIT_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))


async def wait_for(pilot: Pilot, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until `condition` holds (workers finish in their own time)."""
    waited = 0.0
    while not condition():
        if waited > timeout:
            raise AssertionError("the app never reached the expected state")
        await pilot.pause(0.05)
        waited += 0.05


async def wait_loaded(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, AuditApp)
    await wait_for(
        pilot, lambda: app.session.run is not None and type(app.screen).__name__ == "OverviewScreen"
    )
    await pilot.pause()


def source_of(raw: dict, label: str = "test estate") -> Source:
    """A source that parses a snapshot document, as a file would be read."""

    def load(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
        return parse_snapshot(raw, origin=label)

    return Source(label, load)


def plain_matches(rows: list[Any], text: str) -> list[Any]:
    """The findings filter as first written: every word in one lower-cased haystack of
    the row (cells, message, resource id). Tests hold the fast search to it."""
    words = text.lower().split()
    out = []
    for r in rows:
        hay = "\t".join((*r.cells, r.result.message, r.result.resource_id)).lower()
        if all(w in hay for w in words):
            out.append(r)
    return out

"""The app reads a snapshot so that its screen can run meanwhile: the JSON reader calls
back into Python for each object, where the interpreter can pass to the screen's thread
(the command line's reader is one C call over the whole file). Both read the same."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from aciaudit.sources.azure.progress import SilentProgress
from aciaudit.sources.choice import snapshot_source
from checks.snapshot import Snapshot


def _estate(path: Path, groups: int) -> Path:
    sub = "00000000-0000-0000-0000-000000000001"
    resources = [
        {
            "id": f"/subscriptions/{sub}/resourceGroups/rg{i % 7}/providers/"
            f"Microsoft.ContainerInstance/containerGroups/g{i}",
            "type": "Microsoft.ContainerInstance/containerGroups",
            "name": f"g{i}",
            "location": "westeurope",
            "properties": {
                "osType": "Linux",
                "containers": [
                    {"name": "app", "properties": {"image": f"nginx:1.{i % 30}", "ports": []}}
                ],
                # Not JSON, but Python's reader takes them: read as the strings they spell.
                "weird": float("nan") if i % 50 == 0 else i,
            },
        }
        for i in range(groups)
    ]
    text = json.dumps(resources)
    # A lone UTF-16 half, which no UTF-8 output can hold: read as U+FFFD by both.
    text = text.replace('"g3"', '"g3\\ud800"', 1)
    path.write_text(text, encoding="utf-8")
    return path


def _load(path: Path, interactive: bool) -> Snapshot:
    loaded = snapshot_source(path, interactive=interactive).load(
        SilentProgress(), threading.Event()
    )
    assert isinstance(loaded, Snapshot)
    return loaded


def test_the_apps_reader_reads_what_the_command_lines_reads(tmp_path: Path) -> None:
    path = _estate(tmp_path / "estate.json", 120)
    app, cli = _load(path, True), _load(path, False)
    assert app.resources == cli.resources
    assert app.coverage == cli.coverage
    names = [r["name"] for r in app.resources]
    assert "g3\ufffd" in names
    assert app.resources[0]["properties"]["weird"] == "NaN"


@pytest.fixture
def eager_switching() -> Iterator[None]:
    # Threads that wait for the interpreter ask for it after this long; short, so the
    # observer below asks at every chance the reader gives it.
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def test_another_thread_runs_while_the_apps_reader_parses(
    tmp_path: Path, eager_switching: None
) -> None:
    """Seen from another thread, the reading thread is caught inside the JSON parse, at
    its per-object call. (A reader that is one C call holds the interpreter from the
    parse's start to its end: no other thread runs meanwhile.)"""
    path = _estate(tmp_path / "estate.json", 4000)
    reader = threading.Thread(target=_load, args=(path, True))
    seen: set[str] = set()
    reader.start()
    assert reader.ident is not None
    while reader.is_alive():
        frame = sys._current_frames().get(reader.ident)
        while frame is not None:
            seen.add(frame.f_code.co_name)
            frame = frame.f_back
    reader.join()
    assert "_hand_over" in seen

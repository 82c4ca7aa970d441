"""The app and `aci-audit scan` run one pipeline: the same inputs give the same run, so
the app's export and the scan's report are the same document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import SIZE, wait_loaded
from fixtures import SCAN_EXAMPLES

from aciaudit.cli import main
from aciaudit.reports import render
from aciaudit.sources.choice import demo_source
from tui.app import AuditApp


def _comparable(doc: dict[str, Any]) -> dict[str, Any]:
    """The report without what differs by design: when it was written, and the name the
    baseline section gives this run ("this scan" on the command line)."""
    doc = dict(doc)
    doc.pop("generated_at", None)
    if "delta" in doc:
        doc["delta"] = dict(doc["delta"], compared=None)
    return doc


async def test_the_app_s_run_is_the_scan_s_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old.json"
    assert main(["scan", "--demo", "--format", "json", "-o", str(old)]) == 0
    args = ["--demo", "--vulns", str(SCAN_EXAMPLES), "--baseline", str(old)]
    capsys.readouterr()
    assert main(["scan", *args, "--format", "json"]) == 0
    from_cli = json.loads(capsys.readouterr().out)
    assert "delta" in from_cli and "vulnerable_images" in from_cli

    app = AuditApp(demo_source(), vuln_paths=(SCAN_EXAMPLES,), baseline_path=old)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        run = app.session.run
        assert run is not None and run.delta is not None and run.scans is not None
        from_app = json.loads(render(run, "json"))
    assert from_app["delta"]["compared"]["label"] == "this run"
    assert _comparable(from_app) == _comparable(from_cli)

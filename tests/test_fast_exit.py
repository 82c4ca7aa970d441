"""A scan run as a command ends its process once the output is flushed and closed
(aciaudit.gcpause.exit_now) instead of freeing its run object by object: the exit
code, the report on stdout or in a file, and stderr are exactly what they were."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import tui.launch as launch
from aciaudit import gcpause

ROOT = Path(__file__).resolve().parents[1]


def aci_audit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.launch", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_report_to_stdout_is_whole_and_stderr_flushed() -> None:
    done = aci_audit("scan", "--demo", "--format", "json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["results"]  # the whole document, flushed
    assert "score" in done.stderr.lower()  # the summary line made it out


def test_report_file_and_gate_exit_code(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    args = ["scan", "--demo", "-o", str(out), "--fail-on", "high"]
    in_process = launch.main(args)  # a test calling in: no fast exit
    assert in_process != 0
    out.unlink()
    done = aci_audit(*args)
    assert done.returncode == in_process
    assert out.read_text(encoding="utf-8").endswith("\n")
    assert f"wrote {out}" in done.stderr
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_usage_error_after_the_audit_keeps_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "baseline.json"
    bad.write_text("{not json", encoding="utf-8")
    done = aci_audit("scan", "--demo", "--baseline", str(bad), "-o", str(tmp_path / "r.md"))
    assert done.returncode == 2
    assert "error" in done.stderr


def test_nothing_kept_returns_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gcpause, "_KEPT", [])
    assert gcpause.exit_now(3) == 3

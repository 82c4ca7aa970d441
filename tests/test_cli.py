"""The command line as a user and a CI job meet it: exit codes, outputs, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures import CATALOGUE_CONTRACT
from fixtures import SNAPSHOT_EXAMPLE as EXAMPLE

from aciaudit.cli import main

# Every check id, in catalogue order: the contract users' CI relies on.
CHECKLIST_IDS = list(json.loads(CATALOGUE_CONTRACT.read_text())["checks"])


def test_demo_json_has_a_result_for_every_checklist_id(capsys) -> None:
    assert main(["scan", "--demo", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert {r["check_id"] for r in report["results"]} == set(CHECKLIST_IDS)
    assert "DEMO DATA" in err


def test_markdown_to_stdout_by_default(capsys) -> None:
    assert main(["scan", "--snapshot", str(EXAMPLE)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("# ")
    assert "score" in err


def test_output_file_is_written_atomically(tmp_path: Path, capsys) -> None:
    target = tmp_path / "report.md"
    assert main(["scan", "--snapshot", str(EXAMPLE), "-o", str(target)]) == 0
    assert target.read_text().startswith("# ")
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]
    assert f"wrote {target}" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("threshold", "code"),
    # The example snapshot fails high checks (ACR-001) but no critical one.
    [("critical", 0), ("high", 1), ("medium", 1), ("low", 1)],
)
def test_fail_on_threshold(threshold: str, code: int, capsys) -> None:
    assert main(["scan", "--snapshot", str(EXAMPLE), "--fail-on", threshold]) == code


def test_bad_input_exits_2_with_one_line(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2")
    assert main(["scan", "--snapshot", str(bad)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and "not JSON" in err


def test_unwritable_output_fails_before_work(tmp_path: Path, capsys) -> None:
    assert main(["scan", "--demo", "-o", str(tmp_path / "missing" / "r.md")]) == 2
    assert "no such folder" in capsys.readouterr().err
    assert main(["scan", "--demo", "-o", str(tmp_path)]) == 2


@pytest.mark.parametrize(
    "argv",
    [["scan", "--demo", "--format", "pdf"], ["scan", "--demo", "--snapshot", "x"], ["nope"], []],
)
def test_usage_errors_exit_2(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as info:
        code = main(argv)
        raise SystemExit(code)
    assert info.value.code == 2


def test_checks_lists_the_catalogue(capsys) -> None:
    assert main(["checks", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == CHECKLIST_IDS
    assert main(["checks"]) == 0
    assert "ACI-016  critical" in capsys.readouterr().out


def test_help_documents_exit_codes() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "aciaudit.cli", "scan", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ | {"COLUMNS": "100"},
    ).stdout
    assert "exit codes" in out and "--fail-on" in out


def test_no_progress_noise_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "aciaudit.cli", "scan", "--snapshot", str(EXAMPLE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    assert "\x1b[" not in result.stderr  # no Rich control sequences in logs
